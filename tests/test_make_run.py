"""`make run` serves on HOST:PORT, and the absolute links it hands out (e-mails, iCal) point there too."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_run_passes_a_site_url_built_from_host_and_port():
    # -n prints the commands without running any of them.
    result = subprocess.run(["make", "-n", "run", "HOST=127.0.0.1", "PORT=8123"], cwd=ROOT, capture_output=True,
                            text=True, check=True, env={"PATH": "/usr/bin:/bin"})
    commands = [line for line in result.stdout.splitlines() if "manage.py" in line and "config.settings.dev" in line]
    assert [c.split("manage.py ")[1].split()[0] for c in commands] == ["migrate", "demo", "runserver"]
    for command in commands:
        assert "SITE_URL=http://127.0.0.1:8123 " in command, command


def test_an_explicit_site_url_wins():
    result = subprocess.run(["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={"PATH": "/usr/bin:/bin", "SITE_URL": "https://arrangementen.example.nl"})
    runserver = next(line for line in result.stdout.splitlines() if "runserver" in line)
    assert "SITE_URL=https://arrangementen.example.nl " in runserver and runserver.endswith("127.0.0.1:8123")
