"""Where a page's time goes: a breakdown per measured page, from many requests under the production settings.

bench/national.py calls `breakdown()` after the load runs, in its own process (config.settings.bench, the same
database and Redis). Each page is requested `BENCH_PROFIEL_VERZOEKEN` times (default 200, after a warm-up) through
Django's real WSGI handler with the session cookie wrk used, and every request's time is split into slices:

- middleware, per class: boundary markers are placed between every two middleware of settings.MIDDLEWARE and before
  the view; a class's own time is the time inside its marker minus the time inside the next one. Session and user
  loads happen lazily wherever request.session or request.user is first touched, so their queries are moved to
  SessionMiddleware and AuthenticationMiddleware by the call stack of the query;
- rechten: queries whose call stack passes samenwerking/toegang.py or rollen.py (timed by connection.execute_wrapper),
  in the view or in a middleware (the second-step check asks toegang), plus the Python time pyinstrument samples
  there in the view;
- queries: every other query's database time plus the ORM's Python time (frames under django/db); the database
  time alone is reported beside it (sql_ms);
- weergave: templates (django/template), DRF serializers and renderers, forms' widgets;
- rest: the view's other Python time, URL resolution, and the handler around the middleware.

The view's Python time (inside the innermost marker, minus its database time) is split by where pyinstrument's
samples fall; the database time is measured, not sampled. Numbers are per request under the profiler, which adds
overhead of its own: read the shares, not the absolute milliseconds.
"""

import contextvars
import io
import os
import sys
import time
from collections import defaultdict

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test.utils import override_settings

from bench.doelen import QUERY_TARGET, judge_queries, yes_no

REQUESTS = int(os.environ.get("BENCH_PROFIEL_VERZOEKEN", "200"))
# Optional time budget per page (the quick run on a busy machine): stop after it, but never below MIN_REQUESTS.
MAX_SECONDS = float(os.environ.get("BENCH_PROFIEL_MAX_S", "0")) or None
MIN_REQUESTS = 20
WARMUP = 5
SLICES = ("middleware", "rechten", "queries", "weergave", "rest")
RECHTEN_FILES = ("samenwerking/toegang.py", "samenwerking/rollen.py")
WEERGAVE_PARTS = ("/django/template/", "/django/templatetags/", "/rest_framework/serializers.py",
                  "/rest_framework/fields.py", "/rest_framework/renderers.py", "/django/forms/", "/markupsafe/")
MAX_MIDDLEWARE = 40

LAYER = contextvars.ContextVar("profiel_laag", default=None)


class Meting:
    """Accumulates one page's timings over all its requests."""

    def __init__(self):
        self.inclusive = defaultdict(float)  # marker index -> seconds inside it
        self.db = defaultdict(float)  # (layer, kind) -> seconds of SQL; kind: rechten, sessie, gebruiker, queries
        self.total = 0.0
        self.requests = 0
        self.queries = 0  # every query so far, session and user loads included
        self.per_request: list[int] = []  # queries of each measured request (the ≤ 12 target on list pages)


CURRENT: list[Meting] = []


class _Grens:
    """A marker before middleware `index` (the last one before the view): times everything from here inward."""

    index = 0

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = LAYER.set(self.index)
        start = time.perf_counter()
        try:
            return self.get_response(request)
        finally:
            CURRENT[-1].inclusive[self.index] += time.perf_counter() - start
            LAYER.reset(token)


# One class per position: settings.MIDDLEWARE takes dotted paths, so each marker needs its own name.
for _i in range(MAX_MIDDLEWARE + 1):
    globals()[f"Grens{_i}"] = type(f"Grens{_i}", (_Grens,), {"index": _i})


def instrumented(middleware: list[str]) -> list[str]:
    result = []
    for index, path in enumerate(middleware):
        result += [f"bench.profiel.Grens{index}", path]
    return [*result, f"bench.profiel.Grens{len(middleware)}"]


def _query_kind() -> str:
    frame = sys._getframe(2)
    kind = "queries"
    while frame is not None:
        name = frame.f_code.co_filename
        if name.endswith(RECHTEN_FILES):
            return "rechten"
        if "/django/contrib/sessions/" in name:
            kind = "sessie"
        elif name.endswith("/django/contrib/auth/__init__.py") and kind == "queries":
            kind = "gebruiker"
        frame = frame.f_back
    return kind


def _timed_query(execute, sql, params, many, context):
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed = time.perf_counter() - start  # before walking the stack, which is the profiler's own cost
        CURRENT[-1].db[(LAYER.get(), _query_kind())] += elapsed
        CURRENT[-1].queries += 1


def _environ(path: str, cookie: str | None) -> dict:
    path_info, _, query = path.partition("?")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path_info, "QUERY_STRING": query, "SCRIPT_NAME": "",
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https",
               "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
               "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
               "wsgi.run_once": False}
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def _request(handler, path: str, cookie: str | None) -> str:
    status = []
    response = handler(_environ(path, cookie), lambda s, headers, exc_info=None: status.append(s))
    try:
        for _chunk in response:
            pass
    finally:
        response.close()
    return status[0]


def _view_shares(records) -> tuple[dict, dict]:
    """Seconds per slice of the view's Python time, from pyinstrument's samples (database waits left out), and the
    seconds per innermost project or library function (where to look next)."""
    shares, leaves = defaultdict(float), defaultdict(float)
    for stack, seconds in records:
        files = [(part.split("\x00") + ["", ""])[:2] for part in stack]
        if not any(f == "_get_response" and p.endswith("/django/core/handlers/base.py") for f, p in files):
            continue
        if any(f == "_timed_query" for f, p in files):
            continue
        leaf = files[-1]
        leaves[f"{leaf[0]} ({'/'.join(leaf[1].split('/')[-3:])})"] += seconds
        if any(p.endswith(RECHTEN_FILES) for _f, p in files):
            shares["rechten"] += seconds
        elif any("/django/db/" in p for _f, p in files):
            shares["queries"] += seconds
        elif any(part in p for _f, p in files for part in WEERGAVE_PARTS):
            shares["weergave"] += seconds
        else:
            shares["rest"] += seconds
    return shares, leaves


def profile_page(page: dict, cookie: str | None, requests: int = REQUESTS) -> dict:
    """`requests` requests of one page through the instrumented handler: ms per request per slice."""
    from pyinstrument import Profiler

    names = list(settings.MIDDLEWARE)
    with override_settings(MIDDLEWARE=instrumented(names)):
        handler = WSGIHandler()
    meting = Meting()
    CURRENT.append(meting)
    profiler = Profiler(interval=0.001)
    try:
        with connection.execute_wrapper(_timed_query):
            for _ in range(WARMUP):
                _request(handler, page["pad"], cookie)
            meting.inclusive.clear()
            meting.db.clear()
            profiler.start()
            began = time.perf_counter()
            for _ in range(requests):
                if MAX_SECONDS and meting.requests >= MIN_REQUESTS and time.perf_counter() - began > MAX_SECONDS:
                    break
                start, asked = time.perf_counter(), meting.queries
                status = _request(handler, page["pad"], cookie)
                meting.total += time.perf_counter() - start
                meting.requests += 1
                meting.per_request.append(meting.queries - asked)
                if not status.startswith("200"):
                    raise SystemExit(f"{page['naam']} ({page['pad']}) gaf {status} onder de profiler.")
    finally:
        if profiler.is_running:
            profiler.stop()
        CURRENT.pop()
    shares, leaves = _view_shares(profiler.last_session.frame_records)
    result = _slices(meting, names, shares)
    result["queries"] = query_counts(meting.per_request)
    heaviest = sorted(leaves.items(), key=lambda item: -item[1])[:10]
    result["zwaarste_functies_ms"] = {name: 1000 * seconds / meting.requests for name, seconds in heaviest}
    return result


def query_counts(per_request: list[int]) -> dict:
    """Queries per request over the measured requests (after the warm-up, so caches are as under load)."""
    if not per_request:
        return {"min": None, "max": None, "gemiddeld": None}
    return {"min": min(per_request), "max": max(per_request), "gemiddeld": sum(per_request) / len(per_request)}


def _slices(meting: Meting, names: list[str], shares: dict) -> dict:
    """Per request: middleware per class (own time; session and user loads moved to their middleware, permission
    queries moved out to rechten), then the view's database time by kind and its Python time by sampled share."""
    n, view = meting.requests, len(names)
    per_class = {name.rsplit(".", 1)[-1]: meting.inclusive[i] - meting.inclusive[i + 1] for i, name in enumerate(names)}
    by_index = list(per_class)
    moved = {"sessie": "SessionMiddleware", "gebruiker": "AuthenticationMiddleware"}
    db = defaultdict(float)
    for (layer, kind), seconds in meting.db.items():
        if layer is None or layer >= view:
            db["rechten" if kind == "rechten" else "queries"] += seconds
            continue
        per_class[by_index[layer]] -= seconds
        if kind == "rechten":
            db["rechten"] += seconds
        else:
            target = moved.get(kind, by_index[layer])
            per_class[target] += seconds
    view_python = meting.inclusive[view] - sum(t for (layer, _k), t in meting.db.items() if layer == view)
    sampled = sum(shares.values()) or 1.0
    slices = {"middleware": sum(per_class.values()),
              **{s: db.get(s, 0.0) + view_python * shares.get(s, 0.0) / sampled
                 for s in ("rechten", "queries", "weergave")}}
    slices["rest"] = meting.total - sum(slices.values())
    ms = {s: 1000 * slices[s] / n for s in SLICES}
    return {"verzoeken": n, "totaal_ms": 1000 * meting.total / n, "ms": ms,
            "procent": {s: 100 * ms[s] / (1000 * meting.total / n) for s in SLICES},
            "sql_ms": {k: 1000 * v / n for k, v in db.items()},  # database time only, without the ORM's Python
            "middleware_ms": {k: 1000 * v / n for k, v in per_class.items()}}


def breakdown(measured: list[dict], cookie_for) -> list[dict]:
    rows = []
    for page in measured:
        result = profile_page(page, cookie_for(page))
        rows.append({"naam": page["naam"], "pad": page["pad"], **result})
        print(f"  {page['naam']:28} {result['totaal_ms']:7.1f} ms/verzoek  "
              + "  ".join(f"{s} {result['procent'][s]:4.1f}%" for s in SLICES)
              + f"  queries {result['queries']['max']}", flush=True)
    judge_queries(rows, list_pages={page["naam"] for page in measured if page.get("lijst")})
    return rows


def _count(row: dict) -> str:
    counted = row.get("queries") or {}
    if counted.get("max") is None:
        return "–"
    spread = "" if counted["min"] == counted["max"] else f" (min {counted['min']})"
    return f"{counted['max']}{spread}"


def markdown(rows: list[dict]) -> str:
    lines = ["Uitsplitsing per pagina: verzoeken na elkaar in één proces onder de productie-instellingen, met "
             "pyinstrument en getimede queries (ms per verzoek onder de profiler, die zelf tijd kost: lees de "
             "aandelen).", "",
             "| pagina | verzoeken | totaal (ms) | " + " | ".join(f"{s} (ms) | {s} (%)" for s in SLICES)
             + " | waarvan SQL: rechten / queries (ms) | queries per verzoek (max) "
             f"| lijst: ≤ {QUERY_TARGET} queries |",
             "|---|---:|---:|" + "---:|---:|" * len(SLICES) + "---:|---:|---|"]
    for r in rows:
        sql = r.get("sql_ms", {})
        lines.append(f"| {r['naam']} | {r['verzoeken']} | {r['totaal_ms']:.1f} | "
                     + " | ".join(f"{r['ms'][s]:.1f} | {r['procent'][s]:.0f}" for s in SLICES)
                     + f" | {sql.get('rechten', 0):.1f} / {sql.get('queries', 0):.1f} | {_count(r)} | "
                     + f"{yes_no(r.get('queries_gehaald'))} |")
    classes = sorted({k for r in rows for k, v in r["middleware_ms"].items() if v >= 0.05},
                     key=lambda k: -sum(r["middleware_ms"].get(k, 0) for r in rows))
    lines += ["", "Middleware per klasse (ms per verzoek; sessie en gebruiker laden meegeteld bij Session- en "
              "AuthenticationMiddleware):", "",
              "| pagina | " + " | ".join(classes) + " | overige |", "|---|" + "---:|" * (len(classes) + 1)]
    for r in rows:
        other = sum(v for k, v in r["middleware_ms"].items() if k not in classes)
        lines.append(f"| {r['naam']} | " + " | ".join(f"{r['middleware_ms'].get(k, 0):.2f}" for k in classes)
                     + f" | {other:.2f} |")
    return "\n".join(lines) + "\n"
