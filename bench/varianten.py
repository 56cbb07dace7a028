"""A/B in one run: the same pages under each variant of the production set-up, one after the other on one server
port, so a change is judged against the default measured minutes earlier on the same machine, not on another day.

Each variant is a gunicorn worker model and/or environment flags the production settings read (SESSIE_OPSLAG,
DB_POOL; config/settings/production.py): one line in VARIANTEN below. With BENCH_BASIS=<git revision> (`make bench`
defaults it to be77d0f) "vorige versie (<rev>)" serves the same pages from that revision's code on the same
database (bench/basis.py), beside "standaard": a code change's before and after from one run. The default is
measured first and again last: the difference between the two says how much the machine drifted during the
comparison. A variant that cannot run here (psycopg_pool is
not installed, and the product takes no new dependency for a benchmark) is reported with its reason.
"""

import importlib.util
import os

from django.conf import settings

from bench import basis

DURATION = int(os.environ.get("BENCH_AB_DURATION", os.environ.get("BENCH_DURATION", "10")))
CONNECTIONS = 10
PAGES = ("kale view (referentie)", "dashboard", "arrangementen: lijst", "arrangement (detail)", "API: arrangementen")
# The national picture's pages: measured under the default, the previous version and the picture's own switch only.
BEELD = ("kale view (referentie)", "beeld: kaart en tabel", "API: beeld")
# Pages whose code changed too: their before and after (previous version) in the same run, not against another day.
VOOR_EN_NA = ("mijn actiepunten", "API: actiepunten", "gegevensdeling: register", "arrangement (ondertekend)")
ENGINES = {"db": "django.contrib.sessions.backends.db", "cache": "django.contrib.sessions.backends.cache",
           "cached_db": "django.contrib.sessions.backends.cached_db"}
BASIS = "standaard (productie)"


# The A/B list: one line per variant, measured in this order between the default before and the default again at the
# end. A variant is environment flags the production settings read ("env") and/or a gunicorn worker model
# ("workers", "worker_class", "threads"); "niet" names why it cannot run here. A new on/off setting: add one line.
VARIANTEN = [
    {"naam": "sessies in de database", "env": {"SESSIE_OPSLAG": "db"}},
    {"naam": "sessies in Redis (cache)", "env": {"SESSIE_OPSLAG": "cache"}},
    {"naam": "sessies in Redis + database (cached_db)", "env": {"SESSIE_OPSLAG": "cached_db"}},
    {"naam": "psycopg-pool (4 verbindingen per worker)", "env": {"DB_POOL": "4"},
     "niet": None if importlib.util.find_spec("psycopg_pool") else
     "psycopg_pool is niet geïnstalleerd (geen nieuwe afhankelijkheid)"},
    {"naam": "gunicorn: 2 sync-workers", "workers": 2},
    {"naam": "gunicorn: 5 sync-workers", "workers": 5},
    {"naam": "gunicorn: gthread, 3 workers × 4 threads", "worker_class": "gthread", "workers": 3, "threads": 4},
    # arrangementen.beeldcache: the picture computed on every request, as before the cache.
    {"naam": "beeld zonder cache (BEELD_CACHE=false)", "env": {"BEELD_CACHE": "false"}, "paginas": BEELD},
]
# `make bench-quick` (BENCH_AB_KORT=1): only the default and the previous version, the check a change needs first.
SHORT = os.environ.get("BENCH_AB_KORT") == "1"


def variants() -> list[dict]:
    """The default, the previous version when BENCH_BASIS names a git revision (bench/basis.py), the table above
    (not in the short list), and the default once more."""
    rev = os.environ.get("BENCH_BASIS", "").strip()
    previous = [basis.variant(rev)] if rev else []
    every = PAGES + BEELD[1:] + (() if SHORT else VOOR_EN_NA)  # quick: the first check, kept short
    return [{"naam": BASIS, "paginas": every}, *[{**v, "paginas": every} for v in previous],
            *([] if SHORT else VARIANTEN), {"naam": BASIS + ", nogmaals aan het eind", "paginas": every}]


def _engine(variant: dict) -> str:
    return ENGINES.get(variant.get("env", {}).get("SESSIE_OPSLAG"), settings.SESSION_ENGINE)


def measure(port: int, measured: list[dict], *, users: dict, bench) -> list[dict]:
    """Every variant over its pages (PAGES unless it names its own) at CONNECTIONS users; `bench` is the running
    bench/national.py (server, wrk)."""
    rows = []
    for variant in variants():
        pages = [page for page in measured if page["naam"] in variant.get("paginas", PAGES)]
        if variant.get("niet"):
            rows.append({"variant": variant["naam"], "pagina": "–", "niet_gemeten": variant["niet"]})
            print(f"  {variant['naam']}: niet gemeten, {variant['niet']}", flush=True)
            continue
        if variant.get("basis"):
            print(f"  {variant['naam']}: uitpakken en collectstatic", flush=True)
            variant = {**variant, **basis.prepare(variant["basis"], bench.WORK)}
        engine = _engine(variant)
        cookies = {role: f"{settings.SESSION_COOKIE_NAME}={bench.make_session(user, engine)}"
                   for role, user in users.items()}
        server = bench.start_gunicorn(port, variant)
        try:
            for page in pages:
                head = bench.headers(port, bench.cookie_for(page, cookies))
                bench.verify(port, page, head)
                bench.wrk(port, page["pad"], head, CONNECTIONS, 1)
                bench.drain(port)
                result = bench.wrk(port, page["pad"], head, CONNECTIONS, DURATION)
                result.pop("raw")
                bench.drain(port)
                rows.append({"variant": variant["naam"], "pagina": page["naam"], **result})
                print(f"  {variant['naam'][:40]:40} {page['naam']:24} p95 {result['p95_ms']:7.1f} ms  "
                      f"{result['rps']:7.1f}/s  fouten {result['errors']}", flush=True)
        finally:
            bench.stop(server)
    _compare(rows)
    return rows


def _compare(rows: list[dict]) -> None:
    basis = {r["pagina"]: r for r in rows if r["variant"] == BASIS}
    for r in rows:
        ref = basis.get(r["pagina"])
        if ref and r.get("requests") and ref["requests"] and ref["p95_ms"] and ref["rps"]:
            r["p95_t_o_v_standaard"] = r["p95_ms"] / ref["p95_ms"]
            r["rps_t_o_v_standaard"] = r["rps"] / ref["rps"]


def markdown(rows: list[dict]) -> str:
    lines = [f"Varianten naast elkaar in deze run ({CONNECTIONS} gebruikers, wrk {DURATION} s per rij; de standaard "
             "vooraf en nogmaals aan het eind):", "",
             "| variant | pagina | p50 (ms) | p95 (ms) | verzoeken/s | fouten | p95 / standaard | verzoeken/s / "
             "standaard |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if "niet_gemeten" in r:
            lines.append(f"| {r['variant']} | – | – | – | – | – | niet gemeten: {r['niet_gemeten']} | – |")
            continue
        if not r["requests"]:
            lines.append(f"| {r['variant']} | {r['pagina']} | – | – | 0 | {r['errors']} | geen verzoek beantwoord "
                         f"binnen {DURATION} s | – |")
            continue
        p95 = f"{r['p95_t_o_v_standaard']:.2f}" if "p95_t_o_v_standaard" in r else "–"
        rps = f"{r['rps_t_o_v_standaard']:.2f}" if "rps_t_o_v_standaard" in r else "–"
        lines.append(f"| {r['variant']} | {r['pagina']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['rps']:.1f} "
                     f"| {r['errors']} | {p95} | {rps} |")
    return "\n".join(lines + before_after(rows)) + "\n"


def before_after(rows: list[dict]) -> list[str]:
    """The code change's before and after from this run: per page the previous version beside the default (the
    mean of the default before and at the end, which also absorbs the machine's drift). Empty without BENCH_BASIS."""
    previous = {r["pagina"]: r for r in rows if r["variant"].startswith("vorige versie") and r.get("requests")}
    if not previous:
        return []
    name = next(r["variant"] for r in rows if r["variant"].startswith("vorige versie"))
    now = {}
    for r in rows:
        if r["variant"].startswith(BASIS) and r.get("requests"):
            now.setdefault(r["pagina"], []).append(r)
    lines = ["", f"Voor en na in deze run: {name} tegen standaard (het gemiddelde van de standaard vooraf en aan "
             "het eind):", "", "| pagina | p95 vorige versie (ms) | p95 standaard (ms) | p95 standaard / vorige | "
             "verzoeken/s vorige versie | verzoeken/s standaard |", "|---|---:|---:|---:|---:|---:|"]
    for page, before in previous.items():
        after = now.get(page)
        if not after:
            continue
        p95 = sum(r["p95_ms"] for r in after) / len(after)
        rps = sum(r["rps"] for r in after) / len(after)
        ratio = f"{p95 / before['p95_ms']:.2f}" if before["p95_ms"] else "–"
        lines.append(f"| {page} | {before['p95_ms']:.1f} | {p95:.1f} | {ratio} | {before['rps']:.1f} | {rps:.1f} |")
    return lines
