"""A real Celery worker on the throwaway Redis of `make test`, working on pytest-django's test database.

Unit tests run tasks eagerly (config.settings.test). Here the test process publishes to the broker and a
separate worker process executes the task, so serialisation, autodiscovery, the worker's own Django setup
and the committed-data hand-over between processes are all exercised.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config import celery_app

READY_TIMEOUT = 30  # seconds for the worker to boot (Django setup, broker connection)
STOP_TIMEOUT = 10  # seconds for a warm shutdown after SIGTERM before SIGKILL


def wait_for(condition: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    """Poll `condition` until it is true or `timeout` seconds have passed; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


class Worker:
    """A running worker process and its combined stdout/stderr log."""

    def __init__(self, process: subprocess.Popen, log_path: Path, nodename: str):
        self.process = process
        self.log_path = log_path
        self.nodename = nodename

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self) -> None:
        """Warm shutdown (SIGTERM) of our own pid; SIGKILL if it does not exit in time."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)


def _test_database_url() -> str:
    """DATABASE_URL of the database this test process uses: pytest-django's "test_" database.

    Built from the live connection settings, which pytest-django has switched to the test database
    (including any xdist suffix) by the time django_db_setup has run.
    """
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, tmp_path_factory):
    """Start one worker for the module's tests and stop it afterwards, whatever happened.

    Depending on django_db_setup guarantees the test database exists before the worker connects, and that
    the worker is gone before pytest-django drops that database at the end of the session (PostgreSQL
    refuses DROP DATABASE while a client is connected).
    """
    # Missing infrastructure fails rather than skips (as in tests/e2e): a skipped integration test would
    # let `make test` pass without ever having run a worker.
    broker_url = settings.INTEGRATION_BROKER_URL
    if not broker_url:
        pytest.fail("CELERY_BROKER_URL ontbreekt: draai de integratietests via `make test`.")
    if connection.vendor != "postgresql":
        pytest.fail("DATABASE_URL wijst niet naar PostgreSQL: een apart workerproces kan alleen een "
                    "PostgreSQL-testdatabase delen. Draai de integratietests via `make test`.")

    log_path = tmp_path_factory.mktemp("celery-worker") / "worker.log"
    # A node name of our own, so the "ready" line we wait for is this worker's and nobody else's.
    nodename = f"integration-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        # config.settings.test forces eager tasks; the dev settings take broker, database and e-mail from
        # the environment and, with a broker set, leave CELERY_TASK_ALWAYS_EAGER off.
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # DEBUG would keep every query in memory (Celery warns about it); a worker runs without it.
        "DJANGO_DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        # The celery of this very interpreter (the project's .venv), not whatever is first on PATH.
        sys.executable, "-m", "celery", "-A", "config", "worker",
        # Solo pool: the task runs in the worker process itself, so the pid we started is the only process
        # there is to stop, and nothing can be orphaned if it has to be killed. Prefork's memory cap per
        # child is a production concern for PDF work and adds nothing to this test.
        "--pool=solo", "--concurrency=1", "--loglevel=INFO", f"--hostname={nodename}",
        # Alone on a throwaway broker: no peers to synchronise with, so skip the start-up and
        # cluster-event chatter that only slows the boot down.
        "--without-mingle", "--without-gossip", "--without-heartbeat",
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    worker = Worker(process, log_path, nodename)
    try:
        ready = wait_for(
            lambda: f"{nodename} ready." in worker.log() or process.poll() is not None,
            timeout=READY_TIMEOUT,
        )
        if process.poll() is not None:
            pytest.fail(f"De worker stopte tijdens het opstarten (code {process.returncode}):\n"
                        f"{worker.log_tail()}")
        if not ready:
            pytest.fail(f"De worker was na {READY_TIMEOUT} s niet gereed:\n{worker.log_tail()}")
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def broker_dispatch():
    """Make `.delay()` in this process publish to the real broker instead of running in-process.

    The Celery app keeps a connection pool for the broker it first published to, so it is closed before
    (in case anything built one for another URL) and after (so no Redis connections outlive the test).
    Overrides go into the configuration's `changes` layer; afterwards each key is put back exactly as it
    was: its old override, or none (deleting it uncovers the value from the Django settings again).
    """
    conf = celery_app.conf
    overrides = {"task_always_eager": False, "broker_url": settings.INTEGRATION_BROKER_URL}
    previous = {key: conf.changes[key] for key in overrides if key in conf.changes}
    celery_app.close()
    conf.update(overrides)
    try:
        yield celery_app
    finally:
        celery_app.close()
        for key in overrides:
            if key in previous:
                conf[key] = previous[key]
            else:
                del conf[key]
