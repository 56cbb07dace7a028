"""Benchmark: one reminder planner run (claim_reminders) over 100,000 actiepunten spread over 500 driehoeken, then
sending what it claimed in batches (actiepunten.verzending), with the exactly-once checks.

Targets (issue 19): the claim run takes a constant number of queries per batch and ≤ 30 s; sending ≤ 5 ms per
reminder with the dummy mail backend; a second run sends nothing; a crash halfway leaves the unsent claims to a
later run (and the sent ones sent). The one-by-one send is measured beside the batched one, in the same run.
`scripts/bench.sh` passes a throwaway PostgreSQL as BENCH_DATABASE_URL; run on its own this falls back to a
temporary SQLite file (never to DATABASE_URL, which may be a real database).
"""

import contextlib
import datetime
import json
import logging
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
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
DRIEHOEKEN = int(os.environ.get("BENCH_DRIEHOEKEN", "500"))
SEND = os.environ.get("BENCH_SEND", "5000")  # how many claimed reminders to send ("all" for every one)
# The A/B: this many sent one task per reminder, as before issue 19 (fewer in `make bench-quick`).
SEND_ONE_BY_ONE = int(os.environ.get("BENCH_EEN_VOOR_EEN", "500"))
CRASH_SAMPLE, CRASH_AT = 1000, 401  # the crash check: the process dies at this message of that many
TARGET_S = 30.0
TARGET_SEND_MS = 5.0
SEED = 20261123


def _people(driehoeken) -> list[list]:
    """Per driehoek a secretaris and a coordinator (memberships through the service: the digest reads them) and
    three owners outside it: with an address, without one, deactivated (the planner skips the last two)."""
    from samenwerking.models import Gebruiker, Rol
    from samenwerking.services import grant_membership

    owners = []
    for i, driehoek in enumerate(driehoeken):
        members = []
        for j, rol in enumerate([Rol.SECRETARIS, Rol.COORDINATOR]):
            user = Gebruiker.objects.create(username=f"d{i}u{j}", first_name=f"Gebruiker {j}",
                                            last_name=f"Driehoek {i}", email=f"d{i}u{j}@example.invalid")
            grant_membership(gebruiker=user, driehoek=driehoek, rol=rol)
            members.append(user)
        owners.append(members)
    # Bench setup only (no history rows for these users): the planner reads is_active and email, nothing else.
    extra = Gebruiker.objects.bulk_create([
        Gebruiker(username=f"d{i}u{j}", first_name=f"Gebruiker {j}", last_name=f"Driehoek {i}",
                  email="" if j == 3 else f"d{i}u{j}@example.invalid", is_active=j != 4)
        for i in range(len(driehoeken)) for j in (2, 3, 4)])
    for i, members in enumerate(owners):
        members += extra[3 * i:3 * i + 3]
    return owners


def setup(today: datetime.date) -> dict:
    call_command("migrate", verbosity=0)
    call_command("laad_referentiedata", verbosity=0)
    from actiepunten.models import Actiepunt, Status
    from samenwerking.models import Basisteam, Driehoek

    logging.getLogger("beveiliging.audit").setLevel(logging.WARNING)  # one INFO line per membership
    rng = random.Random(SEED)
    basisteams = list(Basisteam.objects.select_related("eenheid").order_by("pk"))
    driehoeken = []
    for i in range(DRIEHOEKEN):
        basisteam = basisteams[i % len(basisteams)]
        driehoeken.append(Driehoek.objects.create(naam=f"Benchmarkdriehoek {i + 1}", soort=Driehoek.Soort.BASISTEAM,
                                                  basisteam=basisteam, eenheid=basisteam.eenheid))
    owners = _people(driehoeken)

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
    return {"driehoeken": len(driehoeken), "gebruikers": 5 * len(driehoeken),
            "driehoeken_met_actiepunten": sum(1 for n in nummers if n)}


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


class Crash(BaseException):
    """The process dying mid-send (not an Exception: the sender must not catch and record it)."""


class Deliveries:
    """Counts every hand-over to the mail backend per reminder (a second one would be a doubled mail), and can
    make the process 'die' as it is about to hand over message number `crash_at`."""

    def __init__(self, verzending):
        self.per_reminder = Counter()
        self.crash_at = 0
        self._real = verzending._deliver
        verzending._deliver = self

    def __call__(self, herinnering, message, mailer, now):
        if self.crash_at and sum(self.per_reminder.values()) + 1 == self.crash_at:
            self.crash_at = 0
            raise Crash
        self.per_reminder[herinnering.pk] += 1
        return self._real(herinnering, message, mailer, now)


def timed_send(ids, today, *, one_by_one: bool) -> dict:
    from actiepunten import services

    start = time.perf_counter()
    if one_by_one:  # as before issue 19: one task, one transaction and one connection per reminder
        outcomes = Counter(services.send_reminder(herinnering_id=pk, today=today) for pk in ids)
    else:
        outcomes = Counter(services.send_reminders(herinnering_ids=ids, today=today))
    seconds = time.perf_counter() - start
    return {"s": seconds, "reminders": len(ids), "per_reminder_ms": 1000 * seconds / max(len(ids), 1),
            "outcomes": dict(outcomes)}


def send_checks(pending: list[int], today) -> dict:
    """A/B one by one against batched, a second send of the same batch, and a crash halfway through a sample."""
    from actiepunten import services, verzending
    from actiepunten.models import Herinnering

    deliveries = Deliveries(verzending)
    one = pending[:SEND_ONE_BY_ONE]
    rest = pending[SEND_ONE_BY_ONE:]
    batched = rest if SEND == "all" else rest[:int(SEND)]
    crash_sample = rest[len(batched):len(batched) + CRASH_SAMPLE]
    result = {"one_by_one": timed_send(one, today, one_by_one=True),
              "batched": timed_send(batched, today, one_by_one=False), "batch_size": verzending.SEND_BATCH_SIZE}
    again = services.send_reminders(herinnering_ids=one + batched, today=today)
    result["again"] = {"outcomes": again, "sent": again.get("verzonden", 0)}
    deliveries.crash_at = sum(deliveries.per_reminder.values()) + CRASH_AT
    with contextlib.suppress(Crash):
        services.send_reminders(herinnering_ids=crash_sample, today=today)
    statuses = Counter(Herinnering.objects.filter(pk__in=crash_sample).values_list("status", flat=True))
    untouched = Herinnering.objects.filter(pk__in=crash_sample, status="te_verzenden", pogingen=0).count()
    rerun = services.send_reminders(herinnering_ids=crash_sample, today=today)  # the next run's send
    all_ids = one + batched + crash_sample
    sent_history = Counter(Herinnering.history.filter(id__in=all_ids, history_type="~", status="verzonden")
                           .values_list("id", flat=True))
    result["crash"] = {"sample": len(crash_sample), "after_crash": dict(statuses), "resendable": untouched,
                       "rerun": rerun, "all_sent": Herinnering.objects.filter(pk__in=all_ids, status="verzonden")
                       .count() == len(all_ids)}
    result["exactly_once"] = {
        "doubled": sum(1 for n in deliveries.per_reminder.values() if n > 1),
        "sent_history_rows_per_reminder": sorted(set(sent_history.values())),
        "never_handed_over": len(set(all_ids) - set(deliveries.per_reminder)),
    }
    return result


def main():
    from actiepunten import selectors, verzending
    from actiepunten.models import Herinnering

    today = timezone.localdate()
    start = time.perf_counter()
    world = setup(today)
    setup_s = time.perf_counter() - start
    candidates = selectors.actiepunten_for_reminders(today, settings.ACTIEPUNT_HERINNERING_DAGEN).count()

    first = claim_run(today)
    second = claim_run(today)  # the same day again: everything exists, nothing is claimed
    history_rows = Herinnering.history.filter(history_type="+").count()
    sending = send_checks(first["pending_ids"], today)

    result = {
        "benchmark": "reminders",
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
        "database": connection.vendor,
        "actiepunten": ACTIEPUNTEN, **world, "setup_s": setup_s,
        "kandidaten": candidates, "batch_size": verzending.CLAIM_BATCH_SIZE,
        "claim": {k: v for k, v in first.items() if k != "pending_ids"},
        "claim_again": {k: v for k, v in second.items() if k != "pending_ids"},
        "send": sending,
        "history_creation_rows": history_rows,
        "herinneringen": Herinnering.objects.count(),
        "target": {"claim_s": TARGET_S, "send_ms": TARGET_SEND_MS},
    }
    once = sending["exactly_once"]
    result["met"] = {"claim_s": first["s"] <= TARGET_S,
                     "constant_per_batch": first["queries_per_batch_min"] == first["queries_per_batch_max"],
                     "history_per_claim": history_rows == result["herinneringen"],
                     "send_ms": sending["batched"]["per_reminder_ms"] <= TARGET_SEND_MS,
                     "second_send_nothing": sending["again"]["sent"] == 0,
                     "crash_resendable": sending["crash"]["all_sent"] and sending["crash"]["resendable"] > 0,
                     "exactly_once": once["doubled"] == 0 and once["sent_history_rows_per_reminder"] == [1]
                     and once["never_handed_over"] == 0}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "reminders.json").write_text(json.dumps(result, indent=2) + "\n")
    table = report(result, world, candidates)
    (out / "reminders.md").write_text("\n".join(table) + "\n")
    print("\n".join(table))


def report(result: dict, world: dict, candidates: int) -> list[str]:
    yes = {True: "ja", False: "nee"}
    met = result["met"]
    c, a, s = result["claim"], result["claim_again"], result["send"]
    one, batched, crash = s["one_by_one"], s["batched"], s["crash"]
    return [
        f"Database: {connection.vendor}; {ACTIEPUNTEN} actiepunten in {world['driehoeken_met_actiepunten']} van "
        f"{world['driehoeken']} driehoeken, {candidates} kandidaten (lopend, binnen de termijn, met adres); "
        f"claimbatches van {result['batch_size']}, verzendbatches van {s['batch_size']}.",
        "",
        "| meting | waarde | doel | gehaald |", "|---|---|---|---|",
        f"| claimrun: tijd | {c['s']:.2f} s | ≤ {TARGET_S:.0f} s | {yes[met['claim_s']]} |",
        f"| claimrun: herinneringen geclaimd | {c['claimed']} | | |",
        f"| claimrun: batches / queries totaal | {c['batches']} / {c['queries']} | | |",
        f"| claimrun: queries per volle batch (min–max) | {c['queries_per_batch_min']}–{c['queries_per_batch_max']}"
        f" | constant | {yes[met['constant_per_batch']]} |",
        f"| tweede run dezelfde dag: tijd | {a['s']:.2f} s | | |",
        f"| tweede run: nieuw geclaimd / queries per batch | {a['claimed']} / {a['queries_per_batch_max']} | 0 | "
        f"{yes[a['claimed'] == 0]} |",
        f"| historie: '+'-regels / herinneringen | {result['history_creation_rows']} / {result['herinneringen']} | "
        f"gelijk | {yes[met['history_per_claim']]} |",
        f"| verzenden één voor één (dummy-backend): {one['reminders']} | {one['per_reminder_ms']:.2f} ms per stuk | "
        f"(vergelijking, zelfde run) | |",
        f"| verzenden in batches (dummy-backend): {batched['reminders']} van {c['pending']} | "
        f"{batched['per_reminder_ms']:.2f} ms per stuk ({batched['s']:.1f} s) | ≤ {TARGET_SEND_MS:.0f} ms | "
        f"{yes[met['send_ms']]} |",
        f"| verzenden: uitkomsten | {', '.join(f'{k} {v}' for k, v in sorted(batched['outcomes'].items()))} | | |",
        f"| dezelfde herinneringen opnieuw verzenden: verzonden | {s['again']['sent']} | 0 | "
        f"{yes[met['second_send_nothing']]} |",
        f"| crash bij bericht {CRASH_AT} van {crash['sample']}: daarna | "
        f"{', '.join(f'{k} {v}' for k, v in sorted(crash['after_crash'].items()))} | onverzonden blijven staan | "
        f"{yes[met['crash_resendable']]} |",
        f"| na de crash opnieuw: | {', '.join(f'{k} {v}' for k, v in sorted(crash['rerun'].items()))} | | |",
        f"| precies één keer: dubbel overgedragen / zonder overdracht | {s['exactly_once']['doubled']} / "
        f"{s['exactly_once']['never_handed_over']} | 0 / 0 | {yes[met['exactly_once']]} |",
    ]


if __name__ == "__main__":
    main()
