"""Benchmark: the product's pages under load on a national-scale data set, against a bare Django view.

`scripts/bench.sh` starts a throwaway PostgreSQL and Redis and runs this with config.settings.bench (production
settings; see that module for the two things it changes) and DATABASE_URL pointing at an empty database. Steps:

1. generate the data set (bench/national_data.py) and collect the static files;
2. serve it with gunicorn (sync workers, a fixed number) on 127.0.0.1 only;
3. log in one BOA-coördinator with four driehoeken, and one landelijk overview user for the aggregate pages
   (/beeld/ and its API: every gemeente over all 10,000 arrangementen), by writing the session exactly as
   django.contrib.auth.login does (plus the login time SessionLifetimeMiddleware reads), and check that every
   measured URL answers 200 with the expected content for that session — a redirect to the login page must never
   be measured as a fast page;
4. measure every URL with wrk at 10 and 50 concurrent connections, the bare view (no database, no template, the
   same middleware) in the same server and the same run as the reference; between runs the queue a run leaves
   behind is drained first;
5. the A/B variants side by side (bench/varianten.py: session store, connection pool, gunicorn worker model, and
   with BENCH_BASIS the previous version's code on the same database, bench/basis.py);
6. the breakdown per page from a profiler over many requests (bench/profiel.py), with the server stopped.
With BENCH_SCALE=small (`make bench-quick`) the data set is small and the files are bench/results/quick.*.
Each phase prints its elapsed time ("-- … klaar na N s"), so a slow run shows where its time went.

Targets (issue 19, bench/doelen.py): every page's p95 ≤ 10 × the bare view's p95 at 10 users (the step towards
≤ 4 × beside it); 0 errors at 50 users; ≤ 12 queries per request on every list page (counted by the profiler).
"""

import datetime
import html
import http.client
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench import national_data, profiel, varianten  # noqa: E402
from bench.doelen import QUERY_TARGET, RATIO_STEP, RATIO_TARGET, judge  # noqa: E402
from bench.national_extra import extra_pages  # noqa: E402
from bench.urls import BARE_PATH  # noqa: E402
from bench.verslag import markdown  # noqa: E402

WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))  # as docker-compose.yml; the machine has 2 cores
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")  # or gthread, with BENCH_THREADS threads per worker
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
DURATION = int(os.environ.get("BENCH_DURATION", "20"))  # seconds per URL and concurrency
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
CONCURRENCY = (10, 50)
WRK_TIMEOUT = "10s"  # a request still unanswered after 10 s counts as an error (wrk's default is 2 s)
OUT = ROOT / "bench" / "results"
# `make bench-quick` writes quick.* beside the full run's files, never over them.
PREFIX = "quick." if os.environ.get("BENCH_SCALE") == "small" else ""
WORK = Path(os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="bench-national-"))


def make_session(user, engine: str | None = None) -> str:
    """A logged-in session for `user`, stored as django.contrib.auth.login would store it; returns its key."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from samenwerking import navigatie
    from samenwerking.beveiliging import LAST_SEEN, LOGIN_STARTED

    store = import_module(engine or settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    # login() stores the backend that authenticated: the password check is ModelBackend's (axes only refuses).
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[LOGIN_STARTED] = store[LAST_SEEN] = time.time()
    # What the login signal adds (samenwerking.navigatie.remember): whether the overview link shows, looked up once.
    store.create()
    holder = type("Login", (), {"session": store})()
    navigatie.remember(holder, user)
    store.save()
    return store.session_key


def overview_pages(user) -> list[dict]:
    """The aggregate pages (issue 16) for a landelijk overview user: all 342 gemeenten over all arrangementen."""
    from samenwerking.models import Eenheid, Gemeente

    gemeenten = Gemeente.objects.count()
    eenheid = Eenheid.objects.filter(gemeenten__isnull=False).distinct().order_by("naam").first()
    some = Gemeente.objects.filter(eenheid=eenheid).order_by("weergavenaam").first()
    return [
        {"naam": "beeld: kaart en tabel", "lijst": True, "pad": "/beeld/", "sessie": "overzicht",
         "bevat": some.weergavenaam},
        {"naam": "beeld: ingezoomd op eenheid", "lijst": True, "pad": "/beeld/?" + urlencode({"eenheid": eenheid.pk}),
         "sessie": "overzicht", "bevat": some.weergavenaam},
        {"naam": "API: beeld", "lijst": True, "pad": "/api/v1/beeld/", "sessie": "overzicht", "json_len": gemeenten},
        {"naam": "API: beeld (GeoJSON)", "lijst": True, "pad": "/api/v1/beeld/geojson/", "sessie": "overzicht",
         "features": gemeenten},
    ]


def pages(user, driehoeken) -> list[dict]:
    """The measured URLs, each with the check that proves it is the real page for this user."""
    from actiepunten import selectors as actiepunt_selectors
    from arrangementen import selectors as arrangement_selectors
    from arrangementen.models import Arrangement

    mijn = arrangement_selectors.arrangement_list(user)
    filtered = {"status": "ondertekend", "basisteam": driehoeken[0].basisteam_id}
    searched = {"zoek": "jeugdoverlast"}
    first_filtered = arrangement_selectors.arrangement_list(user, status="ondertekend",
                                                            basisteam=driehoeken[0].basisteam).first()
    first_searched = arrangement_selectors.arrangement_list(user, **searched).first()
    if first_searched is None and mijn.exists():  # the small data set may lack the theme: search one it has
        searched = {"zoek": mijn.first().titel.rsplit(": ", 1)[-1]}
        first_searched = arrangement_selectors.arrangement_list(user, **searched).first()
    # The detail: an arrangement under review with its comments, of the typical size (~25 afspraken).
    detail = (Arrangement.objects.filter(driehoek__in=driehoeken, status="ter_review").order_by("pk").first()
              or mijn.first())
    eerste_actiepunt = actiepunt_selectors.mijn_actiepunten(user).first()
    if not (first_filtered and first_searched and detail and eerste_actiepunt):
        raise SystemExit("De gegenereerde gegevens missen iets dat gemeten moet worden.")
    return [
        {"naam": "kale view (referentie)", "pad": "/" + BARE_PATH, "cookie": False, "bevat": "ok"},
        {"naam": "dashboard", "lijst": True, "pad": "/", "bevat": driehoeken[0].naam},
        {"naam": "arrangementen: lijst", "lijst": True, "pad": "/arrangementen/", "bevat": mijn.first().titel},
        {"naam": "arrangementen: gefilterd", "lijst": True, "pad": "/arrangementen/?" + urlencode(filtered),
         "bevat": first_filtered.titel},
        {"naam": "arrangementen: gezocht", "lijst": True, "pad": "/arrangementen/?" + urlencode(searched),
         "bevat": first_searched.titel},
        {"naam": "arrangement (detail)", "pad": f"/arrangementen/{detail.pk}/", "bevat": detail.titel,
         "afspraken": detail.afspraken.count()},
        {"naam": "mijn actiepunten", "lijst": True, "pad": "/actiepunten/", "bevat": eerste_actiepunt.onderwerp},
        {"naam": "API: arrangementen", "lijst": True, "pad": "/api/v1/arrangementen/", "json_count": mijn.count()},
        {"naam": "API: actiepunten", "lijst": True, "pad": "/api/v1/actiepunten/",
         "json_count": actiepunt_selectors.actiepunt_list(user).count()},
        {"naam": "API: overleggen", "lijst": True, "pad": "/api/v1/overleggen/",
         "json_count": actiepunt_selectors.overleg_list_for(user).count()},
    ]


def cookie_for(page: dict, cookies: dict) -> str | None:
    return cookies[page.get("sessie", "coordinator")] if page.get("cookie", True) else None


def coverage_counts() -> dict:
    """How the map of the data set looks today: gemeenten per state (arrangementen.dekking, the one rule)."""
    from collections import Counter

    from django.utils import timezone

    from arrangementen.dekking import coverage
    from samenwerking.models import Gemeente

    states = Counter(str(entry.stand.label) for entry in coverage(gemeenten=Gemeente.objects.all(),
                                                                  peildatum=timezone.localdate()))
    return dict(states.most_common())


def headers(port: int, cookie: str | None) -> dict:
    # Production sits behind a TLS-terminating proxy that sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
    result = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    if cookie:
        result["Cookie"] = cookie
    return result


def fetch(port: int, path: str, head: dict) -> tuple[int, str]:
    # Generous: after a run at 50 connections the sync workers first finish the requests still queued.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
    conn.request("GET", path, headers=head)
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


def drain(port: int) -> None:
    """Wait until the requests a wrk run left queued are served (sync workers finish them after wrk hung up), so the
    next measurement does not wait behind them: the bare view must answer at once three times in a row."""
    deadline, fast = time.monotonic() + 600, 0
    while fast < 3 and time.monotonic() < deadline:
        start = time.monotonic()
        fetch(port, "/" + BARE_PATH, headers(port, None))
        fast = fast + 1 if time.monotonic() - start < 0.1 else 0


def verify(port: int, page: dict, head: dict) -> None:
    try:
        status, body = fetch(port, page["pad"], head)
    except TimeoutError:
        status, body = "geen antwoord binnen 180 s", ""
    problem = None
    if status != 200:
        problem = f"status {status}"
    elif missing := [text for text in [page.get("bevat"), *page.get("bevat_ook", [])]
                     if text is not None and html.escape(text) not in body and text not in body]:
        problem = f"'{missing[0]}' staat niet op de pagina"
    elif "json_count" in page:
        data = json.loads(body)
        if data.get("count") != page["json_count"] or not data.get("results"):
            problem = f"count {data.get('count')} in plaats van {page['json_count']}"
    elif "json_len" in page and len(json.loads(body)) != page["json_len"]:
        problem = f"{len(json.loads(body))} regels in plaats van {page['json_len']}"
    elif "features" in page:
        features = json.loads(body).get("features") or []
        if len(features) != page["features"] or not all(f.get("geometry") for f in features):
            problem = f"{len(features)} gemeenten (met vorm) in plaats van {page['features']}"
    if problem:
        log = WORK / "gunicorn.log"
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:]) if log.exists() else ""
        raise SystemExit(f"{tail}\n{page['naam']} ({page['pad']}) is niet de echte pagina: {problem}. "
                         "Er is niets gemeten.")


def wrk(port: int, path: str, head: dict, connections: int, seconds: int) -> dict:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", f"--timeout={WRK_TIMEOUT}",
               "-s", str(ROOT / "bench" / "wrk_report.lua")]
    for name, value in head.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    errors = raw["non2xx"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {"p50_ms": raw["p50_us"] / 1000, "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
            "max_ms": raw["max_us"] / 1000, "rps": raw["requests"] / (raw["duration_us"] / 1e6),
            "requests": raw["requests"], "errors": errors, "raw": raw}


def start_gunicorn(port: int, variant: dict | None = None) -> subprocess.Popen:
    """gunicorn with the worker model of `variant` (workers, worker_class, threads; default the BENCH_* ones), its
    environment flags (env: read by the production settings) and its code (cwd: another revision, bench/basis.py)."""
    variant = variant or {}
    code = Path(variant.get("cwd", ROOT))
    log = open(WORK / "gunicorn.log", "ab")  # noqa: SIM115 - open for the server's lifetime
    command = [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(variant.get("workers", WORKERS)),
               "--worker-class", variant.get("worker_class", WORKER_CLASS),
               "--threads", str(variant.get("threads", THREADS)), "--pid", str(WORK / "gunicorn.pid"),
               "--access-logfile", str(WORK / "access.log"), "--chdir", str(code)]
    server = subprocess.Popen(command, cwd=code, stdout=log, stderr=log,  # noqa: S603
                              env={**os.environ, **variant.get("env", {})})
    for _ in range(300):
        try:
            if fetch(port, "/gezondheid/", {"Host": "127.0.0.1"})[0] == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.2)
    raise SystemExit(f"gunicorn start niet; zie {WORK / 'gunicorn.log'}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


STARTED = time.monotonic()


def _phase(name: str) -> None:
    print(f"-- {name} klaar na {time.monotonic() - STARTED:.0f} s (bench/national.py)", flush=True)


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor())
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    kb = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return {"cpu": model, "cores": os.cpu_count(), "ram_gb": round(kb / 1024 / 1024, 1), "postgresql": pg,
            "python": platform.python_version(), "platform": platform.platform(),
            "date": datetime.datetime.now().isoformat(timespec="seconds")}


def main():
    from samenwerking.models import Gebruiker
    from samenwerking.toegang import visible_driehoeken

    if not shutil.which("wrk"):
        raise SystemExit("wrk ontbreekt (apt-get install wrk); scripts/bench.sh installeert het als root.")
    port = int(os.environ["BENCH_PORT"])
    if os.environ.get("BENCH_REUSE_DATA"):  # while profiling: measure again on an already generated database
        generated = {"seconds": {}}
    else:
        print("Gegevens op nationale schaal genereren:", flush=True)
        generated = national_data.generate()
    counts = national_data.counts()
    call_command("collectstatic", interactive=False, verbosity=0)
    _phase("gegevens en collectstatic")

    user = Gebruiker.objects.get(username=national_data.BENCH_USERNAME)
    # Ordered by pk: the basisteamdriehoek was made before the local ones.
    driehoeken = list(visible_driehoeken(user).order_by("pk"))
    overzicht = Gebruiker.objects.get(username=national_data.BENCH_OVERZICHT_USERNAME)
    measured = pages(user, driehoeken) + overview_pages(overzicht) + extra_pages(user, driehoeken)
    cookies = {"coordinator": f"{settings.SESSION_COOKIE_NAME}={make_session(user)}",
               "overzicht": f"{settings.SESSION_COOKIE_NAME}={make_session(overzicht)}"}

    server = start_gunicorn(port)
    results = []
    try:
        for page in measured:
            verify(port, page, headers(port, cookie_for(page, cookies)))
        print(f"Alle {len(measured)} URL's antwoorden 200 met de verwachte inhoud; meten "
              f"({DURATION} s per URL en gelijktijdigheid, {WORKERS} gunicorn-workers).", flush=True)
        for page in measured:
            head = headers(port, cookie_for(page, cookies))
            if WARMUP:  # bench-quick skips it: verify() has asked every page once already
                wrk(port, page["pad"], head, 10, WARMUP)
            for connections in CONCURRENCY:
                drain(port)
                result = {"naam": page["naam"], "pad": page["pad"], "gebruikers": connections,
                          **wrk(port, page["pad"], head, connections, DURATION)}
                results.append(result)
                print(f"  {page['naam']:28} c={connections:<3} p50 {result['p50_ms']:7.1f} ms  p95 "
                      f"{result['p95_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms  {result['rps']:7.1f}/s  "
                      f"fouten {result['errors']}", flush=True)
        # Afterwards as well: the session was still valid at the end, so nothing was measured logged out.
        drain(port)
        for page in measured:
            verify(port, page, headers(port, cookie_for(page, cookies)))
        stop(server)
        _phase("lastmetingen")

        print("Varianten naast elkaar (A/B):", flush=True)
        ab = varianten.measure(port, measured, users={"coordinator": user, "overzicht": overzicht},
                               bench=sys.modules[__name__])
        _phase("varianten")
        print("Uitsplitsing per pagina (profiler):", flush=True)
        uitsplitsing = profiel.breakdown(measured, lambda page: cookie_for(page, cookies))
        _phase("uitsplitsing")
    finally:
        stop(server)
    judge(results, bare_path="/" + BARE_PATH, ratio_target=RATIO_TARGET)
    report = {
        "benchmark": "national", "machine": machine(), "data": counts, "generatie_s": generated["seconds"],
        "gebruiker": {"rol": "coordinator", "driehoeken": [d.naam for d in driehoeken]},
        "overzicht": {"rol": "landelijk", "dekking": coverage_counts()},
        "server": {"gunicorn_workers": WORKERS, "worker_class": WORKER_CLASS, "threads": THREADS,
                   "settings": settings.SETTINGS_MODULE, "session_engine": settings.SESSION_ENGINE},
        "wrk": {"duur_s": DURATION, "timeout": WRK_TIMEOUT, "threads": 2},
        "doelen": {"p95_ratio_10": RATIO_TARGET, "p95_ratio_10_stap": RATIO_STEP, "fouten_50": 0,
                   "queries_lijst": QUERY_TARGET},
        "resultaten": results, "varianten": ab, "vorige_versie": os.environ.get("BENCH_BASIS") or None,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    text = markdown(report) + "\n" + varianten.markdown(ab)
    (OUT / f"{PREFIX}national.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (OUT / f"{PREFIX}national.md").write_text(text)
    (OUT / f"{PREFIX}breakdown.json").write_text(json.dumps(uitsplitsing, indent=2, ensure_ascii=False) + "\n")
    (OUT / f"{PREFIX}breakdown.md").write_text(profiel.markdown(uitsplitsing))
    print(text + "\n" + profiel.markdown(uitsplitsing))


if __name__ == "__main__":
    main()
