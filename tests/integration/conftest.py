"""A real Celery worker on the throwaway Redis of `make test`, working on pytest-django's test database.

Unit tests run tasks eagerly (config.settings.test). Here the test process publishes to the broker and a
separate worker process executes the task, so serialisation, autodiscovery, the worker's own Django setup
and the committed-data hand-over between processes are all exercised.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

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


# --- gunicorn under production settings ----------------------------------------------------------------

SERVER_READY_TIMEOUT = 60  # seconds for gunicorn and its workers to boot (Django setup per worker)


def free_port() -> int:
    """A free loopback port (the kernel's choice; taken by the server right after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ProxiedSession:
    """A requests session that talks to the server as production's TLS-terminating proxy would pass a browser
    on: `X-Forwarded-Proto: https` on every request, the `__Host-` cookies (marked Secure, so requests would not
    send them over plain http) sent along explicitly, and Origin/Referer on unsafe methods for the CSRF check.
    Paths are relative to the server's base URL."""

    def __init__(self, base_url: str):
        import requests

        self.base_url = base_url
        host = urlsplit(base_url).netloc
        self.origin = f"https://{host}"
        self.http = requests.Session()
        self.http.headers["X-Forwarded-Proto"] = "https"

    def request(self, method: str, path: str, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        if cookies:
            headers.setdefault("Cookie", cookies)
        if method.upper() not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault("Origin", self.origin)
            headers.setdefault("Referer", urljoin(self.origin, path))
        kwargs.setdefault("timeout", 120)
        kwargs.setdefault("allow_redirects", False)
        return self.http.request(method, urljoin(self.base_url, path), headers=headers, **kwargs)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def csrf_token(self, path: str) -> str:
        """GET the form page (which sets the CSRF cookie) and return the form's token."""
        response = self.get(path)
        assert response.status_code == 200, f"GET {path}: {response.status_code}"
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post_form(self, path: str, data: dict | None = None, files: dict | None = None, **kwargs):
        """Fetch the form at `path` for its CSRF token, then POST data (and files) to it."""
        data = {**(data or {}), "csrfmiddlewaretoken": self.csrf_token(path)}
        return self.post(path, data=data, files=files, **kwargs)


class Server:
    """A running gunicorn (its master's pid is ours to stop) and its combined log."""

    def __init__(self, process: subprocess.Popen, base_url: str, log_path: Path, cache_url: str):
        self.process = process
        self.base_url = base_url
        self.log_path = log_path
        self.cache_url = cache_url

    def session(self) -> ProxiedSession:
        return ProxiedSession(self.base_url)

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text("utf-8", errors="replace").splitlines()[-lines:])

    def worker_pids(self) -> set[int]:
        """The master's current worker processes."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in path.read_text().split()}

    def clear_cache(self) -> None:
        """Empty the server's cache (rate limits, refusal counters): a Redis database of its own."""
        import redis

        client = redis.Redis.from_url(self.cache_url)
        try:
            client.flushdb()
        finally:
            client.close()

    def stop(self) -> None:
        """Graceful stop (SIGTERM to the master, which stops its workers); SIGKILL if it takes too long."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)


def _cache_url(broker_url: str) -> str:
    """The broker's Redis, a database 8 above the broker's (each pytest-xdist process has its own broker
    database): the server's cache can be emptied without touching any broker."""
    parts = urlsplit(broker_url)
    broker_db = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{broker_db + 8}").geturl()


def start_gunicorn(directory: Path, *, workers: int = 2, env: dict | None = None) -> Server:
    """Start gunicorn with config.settings.production on a free loopback port against the test database.

    `directory` receives the log, the pid file and the collected static files. `env` adds or overrides
    environment variables (e.g. limits). The caller must stop the server (Server.stop) before pytest-django
    drops the test database, and must use committed data (`transactional_db` / transaction=True).
    """
    import requests

    broker_url = settings.INTEGRATION_BROKER_URL
    if not broker_url:
        pytest.fail("CELERY_BROKER_URL ontbreekt: draai de integratietests via `make test`.")
    if connection.vendor != "postgresql":
        pytest.fail("DATABASE_URL wijst niet naar PostgreSQL: gunicorn kan alleen een PostgreSQL-testdatabase "
                    "delen. Draai de integratietests via `make test`.")
    port = free_port()
    cache_url = _cache_url(broker_url)
    server_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "AUDITLOG_SLEUTEL": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CACHE_URL": cache_url,
        "STATIC_ROOT": str(directory / "static"),
        "PRIVATE_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "EMAIL_URL": "smtp://127.0.0.1:1",  # never reached by these tests; nothing leaves loopback
        "LOG_FORMAT": "plain",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    # Production serves the static manifest through whitenoise: collect it first, into the throwaway folder.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR,
                   env=server_env, check=True, stdin=subprocess.DEVNULL)
    log_path = directory / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", "sync", "--pid", str(directory / "gunicorn.pid"),
        "--access-logfile", "-",
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=server_env, stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Server(process, f"http://127.0.0.1:{port}", log_path, cache_url)

    def answers() -> bool:
        if process.poll() is not None:
            return True
        try:
            return requests.get(f"{server.base_url}/gezondheid/", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    ready = wait_for(answers, timeout=SERVER_READY_TIMEOUT, interval=0.3)
    if process.poll() is not None:
        pytest.fail(f"gunicorn stopte tijdens het opstarten (code {process.returncode}):\n{server.log_tail()}")
    if not ready:
        server.stop()
        pytest.fail(f"gunicorn was na {SERVER_READY_TIMEOUT} s niet gereed:\n{server.log_tail()}")
    server.clear_cache()
    return server


@pytest.fixture(scope="module")
def gunicorn_server(django_db_setup, tmp_path_factory):
    """gunicorn under production settings for the module's tests (2 sync workers), stopped afterwards.

    Tests that use it need `pytest.mark.django_db(transaction=True)`: the server has its own connections.
    Use `gunicorn_server.session()` for requests and `.clear_cache()` to reset rate limits between tests.
    """
    server = start_gunicorn(tmp_path_factory.mktemp("gunicorn"))
    try:
        yield server
    finally:
        server.stop()
