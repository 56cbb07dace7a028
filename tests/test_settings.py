import inspect
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def run_with_production_settings(**env):
    secrets = ("SECRET_KEY", "AUDITLOG_SLEUTEL", "DATABASE_URL", "CELERY_BROKER_URL")
    base = {k: v for k, v in os.environ.items() if k not in secrets}
    base.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=base, capture_output=True, text=True,
        timeout=60,
    )


def test_production_without_secret_key_refuses_to_start_and_says_which():
    result = run_with_production_settings()
    assert result.returncode != 0
    assert "De instelling SECRET_KEY ontbreekt" in result.stderr


def test_production_with_its_secrets_starts():
    result = run_with_production_settings(
        SECRET_KEY="Qm3#vT9!pLx7@Rz2$Wk5%Yb8^Nc4&Hd6*Jf1(Gs0)Ue-Ai_Oo+" * 2, AUDITLOG_SLEUTEL="a" * 40,
        DJANGO_ALLOWED_HOSTS="arrangementen.example.nl",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://u@127.0.0.1:1/db"),
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
    )
    assert result.returncode == 0, result.stderr


def test_dutch_and_amsterdam():
    assert settings.LANGUAGE_CODE == "nl"
    assert settings.TIME_ZONE == "Europe/Amsterdam"


def test_beat_schedule_entries_point_at_registered_tasks():
    from config.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"beat entry {name}: unknown task {entry['task']}"
        # The entry's arguments must fit the task's signature, or beat would fail at run time.
        inspect.signature(app.tasks[entry["task"]].run).bind(*entry.get("args", ()), **entry.get("kwargs", {}))
