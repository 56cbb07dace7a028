"""Benchmark: one reminder planner run (claim_reminders) over 100,000 actiepunten, then sending what it claimed.

Target (issue): the claim run takes a constant number of queries per batch and ≤ 30 s on this machine.
`scripts/bench.sh` passes a throwaway PostgreSQL as BENCH_DATABASE_URL; run on its own this falls back to a
temporary SQLite file (never to DATABASE_URL, which may be a real database).
"""

import datetime
import json
import logging
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ["PRIVATE_MEDIA_ROOT"] = str(WORK / "private")
os.environ["CELERY_BROKER_URL"] = ""
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
os.environ["DJANGO_DEBUG"] = "false"  # no query log growing to 100,000s of entries

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

ACTIEPUNTEN = int(os.environ.get("BENCH_ACTIEPUNTEN", "100000"))
DRIEHOEKEN = 12
USERS_PER_DRIEHOEK = 10
SEND = os.environ.get("BENCH_SEND", "5000")  # how many claimed reminders to send ("all" for every one)
TARGET_S = 30.0
SEED = 20261123


def setup(today: datetime.date) -> dict:
    call_command("migrate", verbosity=0)
    call_command("laad_referentiedata", verbosity=0)
    from actiepunten.models import Actiepunt, Status
    from samenwerking.models import Basisteam, Driehoek, Gebruiker, Rol
    from samenwerking.services import grant_membership

    logging.getLogger("beveiliging.audit").setLevel(logging.WARNING)  # one INFO line per membership
    rng = random.Random(SEED)
    roles = [Rol.SECRETARIS, Rol.COORDINATOR] + [Rol.LEZER] * (USERS_PER_DRIEHOEK - 2)
    driehoeken, owners = [], []
    for i, basisteam in enumerate(Basisteam.objects.select_related("eenheid").order_by("pk")[:DRIEHOEKEN]):
        driehoek = Driehoek.objects.create(naam=f"Benchmarkdriehoek {i + 1}", soort=Driehoek.Soort.BASISTEAM,
                                           basisteam=basisteam, eenheid=basisteam.eenheid)
        members = []
        for j, rol in enumerate(roles):
            # A few owners write nowhere: one without e-mail address, one deactivated (the planner skips them).
            user = Gebruiker.objects.create(
                username=f"d{i}u{j}", first_name=f"Gebruiker {j}", last_name=f"Driehoek {i}",
                email="" if j == USERS_PER_DRIEHOEK - 1 else f"d{i}u{j}@example.invalid",
                is_active=j != USERS_PER_DRIEHOEK - 2)
            grant_membership(gebruiker=user, driehoek=driehoek, rol=rol)
            members.append(user)
        driehoeken.append(driehoek)
        owners.append(members)

    # bulk_create is for the benchmark's setup only (no history rows for the actiepunten themselves):
    # the planner reads the actiepunten table and nothing else about them.
    statuses = [Status.OPEN] * 55 + [Status.IN_UITVOERING] * 20 + [Status.GEREED] * 20 + [Status.VERVALLEN] * 5
    nummers = [0] * len(driehoeken)
    rows = []
    for n in range(ACTIEPUNTEN):
        d = rng.randrange(len(driehoeken))
        nummers[d] += 1
        # Due dates from a year ago to half a year ahead, denser around today (most work is recent).
        offset = int(rng.triangular(-365, 180, 0))
        external = rng.random() < 0.3
        owner = None if external else rng.choice(owners[d])
        rows.append(Actiepunt(
            driehoek=driehoeken[d], nummer=nummers[d], onderwerp=f"Benchmarkactie {n + 1}", eigenaar=owner,
            extern_naam="Externe Eigenaar" if external else "",
            extern_email=(f"extern{n % 500}@example.invalid" if rng.random() < 0.9 else "") if external else "",
            datum_gereed=today + datetime.timedelta(days=offset), status=rng.choice(statuses)))
        if len(rows) == 5000:
            Actiepunt.objects.bulk_create(rows)
            rows = []
    Actiepunt.objects.bulk_create(rows)
    return {"driehoeken": len(driehoeken), "gebruikers": len(driehoeken) * USERS_PER_DRIEHOEK}


class QueryLog:
    """Every statement of the run, with the points where a new batch of actiepunten is read."""

    def __init__(self):
        self.statements = 0
        self.batch_starts = []

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT") and 'FROM "actiepunten_actiepunt"' in sql \
                and '"actiepunten_actiepunt"."id" >' in sql:
            self.batch_starts.append(self.statements)
        self.statements += 1
        return execute(sql, params, many, context)

    def per_batch(self) -> list[int]:
        """Statements from one batch read to the next (the last one: to its claim's end, see claim_run)."""
        bounds = self.batch_starts + [self.statements]
        return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


def claim_run(today):
    from actiepunten import services
    from actiepunten.models import Herinnering

    before = Herinnering.objects.count()
    log = QueryLog()
    with connection.execute_wrapper(log):
        start = time.perf_counter()
        pending = services.claim_reminders(today=today)
        seconds = time.perf_counter() - start
    batches = log.per_batch()
    # The last "batch" also holds the digest and arrangement claims and the pending-id read; the final
    # read that finds fewer than a batch (or nothing) is the only other partial one.
    full = batches[:-1] or batches
    return {"s": seconds, "queries": log.statements, "batches": len(log.batch_starts),
            "queries_per_batch_min": min(full), "queries_per_batch_max": max(full),
            "claimed": Herinnering.objects.count() - before, "pending": len(pending), "pending_ids": pending}


def main():
    from actiepunten import selectors, services
    from actiepunten.models import Herinnering

    today = timezone.localdate()
    start = time.perf_counter()
    world = setup(today)
    setup_s = time.perf_counter() - start
    candidates = selectors.actiepunten_for_reminders(today, settings.ACTIEPUNT_HERINNERING_DAGEN).count()

    first = claim_run(today)
    second = claim_run(today)  # the same day again: everything exists, nothing is claimed

    # Sending is one task per reminder (spread over the workers); sending a sample in this one process
    # measures the cost per reminder without making `make bench` take minutes.
    to_send = first["pending_ids"] if SEND == "all" else first["pending_ids"][:int(SEND)]
    start = time.perf_counter()
    outcomes = {}
    for pk in to_send:
        outcome = services.send_reminder(herinnering_id=pk, today=today)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    send_s = time.perf_counter() - start
    sent = len(to_send)
    history_rows = Herinnering.history.filter(history_type="+").count()

    result = {
        "benchmark": "reminders",
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
        "database": connection.vendor,
        "actiepunten": ACTIEPUNTEN, **world, "setup_s": setup_s,
        "kandidaten": candidates, "batch_size": services.CLAIM_BATCH_SIZE,
        "claim": {k: v for k, v in first.items() if k != "pending_ids"},
        "claim_again": {k: v for k, v in second.items() if k != "pending_ids"},
        "send": {"s": send_s, "reminders": sent, "of_pending": first["pending"],
                 "per_reminder_ms": 1000 * send_s / max(sent, 1), "outcomes": outcomes},
        "history_creation_rows": history_rows,
        "herinneringen": Herinnering.objects.count(),
        "target": {"claim_s": TARGET_S},
    }
    result["met"] = {"claim_s": first["s"] <= TARGET_S,
                     "constant_per_batch": first["queries_per_batch_min"] == first["queries_per_batch_max"],
                     "history_per_claim": history_rows == result["herinneringen"]}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "reminders.json").write_text(json.dumps(result, indent=2) + "\n")
    yes = {True: "ja", False: "nee"}
    c, a, s = result["claim"], result["claim_again"], result["send"]
    table = [
        f"Database: {connection.vendor}; {ACTIEPUNTEN} actiepunten in {world['driehoeken']} driehoeken, "
        f"{candidates} kandidaten (lopend, binnen de termijn, met adres); batches van {result['batch_size']}.",
        "",
        "| meting | waarde | doel | gehaald |", "|---|---|---|---|",
        f"| claimrun: tijd | {c['s']:.2f} s | ≤ 30 s | {yes[result['met']['claim_s']]} |",
        f"| claimrun: herinneringen geclaimd | {c['claimed']} | | |",
        f"| claimrun: batches / queries totaal | {c['batches']} / {c['queries']} | | |",
        f"| claimrun: queries per volle batch (min–max) | {c['queries_per_batch_min']}–{c['queries_per_batch_max']}"
        f" | constant | {yes[result['met']['constant_per_batch']]} |",
        f"| tweede run dezelfde dag: tijd | {a['s']:.2f} s | | |",
        f"| tweede run: nieuw geclaimd / queries per batch | {a['claimed']} / {a['queries_per_batch_max']} | 0 | "
        f"{yes[a['claimed'] == 0]} |",
        f"| historie: '+'-regels / herinneringen | {history_rows} / {result['herinneringen']} | gelijk | "
        f"{yes[result['met']['history_per_claim']]} |",
        f"| verzenden (dummy-backend, één proces): {sent} van {first['pending']} | {s['s']:.1f} s | | |",
        f"| verzenden: per herinnering | {s['per_reminder_ms']:.2f} ms | | |",
        f"| verzenden: uitkomsten | {', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))} | | |",
    ]
    (out / "reminders.md").write_text("\n".join(table) + "\n")
    print("\n".join(table))


if __name__ == "__main__":
    main()
