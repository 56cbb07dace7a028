"""Reminders at scale: claim what is due (unique rows, in batches), then send the claims in batches.

Exactly once rests on two things. A claim is a unique (onderwerp, soort, periode) row, so a second planner run
the same day claims nothing. A claim is sent under its row lock (`select_for_update(skip_locked=True)`) and its
outcome committed with the batch, so a concurrent sender skips it and a later run never touches a sent one.

Sending a batch costs a fixed number of queries (lock the rows, read their actiepunten, write the outcomes, write
the history) and one mail connection; only the weekoverzicht reads per message. A crash halfway rolls back the
batch it was in: those claims stay te_verzenden and go out with a later run, the committed batches stay
verzonden. Only the messages of that one batch already handed to the mail server before the crash could go out
twice, the same window the single send had for one message, so batches stay small (SEND_BATCH_SIZE).
"""

import datetime
import logging
from collections import Counter

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import timezone

from . import berichten, selectors
from .herinneringen import actiepunt_reminder
from .models import Herinnering

logger = logging.getLogger(__name__)

CLAIM_BATCH_SIZE = 1000
SEND_BATCH_SIZE = 200
MAX_SEND_ATTEMPTS = 10
PENDING = [Herinnering.Verzending.TE_VERZENDEN, Herinnering.Verzending.MISLUKT]
OUTCOME_FIELDS = ["status", "pogingen", "ontvangers", "laatste_fout", "verzonden_op"]


# --- claim ----------------------------------------------------------------------------------------

def _key(herinnering: Herinnering) -> tuple:
    return herinnering.onderwerp_type, herinnering.onderwerp_id, herinnering.soort, herinnering.periode


def _claim_batch(wanted: list[Herinnering]) -> int:
    """Claim a batch of (onderwerp, soort, periode) keys as unique rows; return how many this run created.

    A bounded number of queries whatever the batch holds: one select of the keys that already exist, then,
    only if some are missing, one transaction with one INSERT … ON CONFLICT DO NOTHING, one re-select of the
    inserted keys, one read of which of those already have history, and one bulk insert of the "+" history rows
    of the others.

    Exactly once: the unique constraint decides who claims a key; `ignore_conflicts` turns losing a race into
    a no-op instead of an error. The pre-select keeps keys that exist from being inserted at all (on PostgreSQL
    a conflicting insert still uses up a sequence value, every day, for every overdue actiepunt).

    History (bulk_create bypasses save(), and with ignore_conflicts no primary keys come back): the rows this
    run created are those of our keys without any history row, both read inside the same transaction. A concurrent
    run's rows become visible only when it commits, together with their history, and our insert waits for
    its uncommitted rows on the unique index, so we never write history for a row another run created, and
    never miss one of ours.
    """
    wanted = list({_key(h): h for h in wanted}.values())
    if not wanted:
        return 0
    scope = {"onderwerp_type__in": {h.onderwerp_type for h in wanted},
             "onderwerp_id__in": {h.onderwerp_id for h in wanted},
             "periode__in": {h.periode for h in wanted}}  # a superset of the keys; narrowed by _key below
    existing = set(Herinnering.objects.filter(**scope).values_list("onderwerp_type", "onderwerp_id", "soort",
                                                                   "periode"))
    missing = {_key(h): h for h in wanted if _key(h) not in existing}
    if not missing:
        return 0
    scope = {"onderwerp_type__in": {k[0] for k in missing}, "onderwerp_id__in": {k[1] for k in missing},
             "periode__in": {k[3] for k in missing}}
    with transaction.atomic():
        Herinnering.objects.bulk_create(missing.values(), ignore_conflicts=True)
        rows = Herinnering.objects.filter(**scope).order_by().values_list(
            "pk", "onderwerp_type", "onderwerp_id", "soort", "periode")
        inserted = {tuple(key): pk for pk, *key in rows if tuple(key) in missing}
        # Two plain reads, not one anti-join: while the table grows in a run its statistics lag, and PostgreSQL
        # then planned the NOT EXISTS as a scan of all history per row (20 of 28 s at 100,000 actiepunten).
        with_history = set(Herinnering.history.filter(id__in=inserted.values()).values_list("id", flat=True))
        created = []
        for key, pk in inserted.items():
            if pk not in with_history:
                missing[key].pk = pk  # the row as inserted, now with its key: no second model instance per claim
                created.append(missing[key])
        Herinnering.history.bulk_history_create(created, default_user=None, default_date=timezone.now())
    return len(created)


def in_batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def claim_reminders(*, today: datetime.date | None = None, batch_size: int = CLAIM_BATCH_SIZE) -> list[int]:
    """Claim every reminder due today (once per period) and return the ids still to send, failures included.

    Actiepunten are read in primary-key order, `batch_size` at a time (keyset pagination, so no cursor stays
    open across the writes), and each batch is claimed by _claim_batch in a constant number of queries.
    """
    today = today or timezone.localdate()
    days_before = settings.ACTIEPUNT_HERINNERING_DAGEN
    candidates = selectors.actiepunten_for_reminders(today, days_before)
    after = 0
    while True:
        batch = list(candidates.filter(pk__gt=after)[:batch_size])
        if not batch:
            break
        after = batch[-1].pk
        wanted = []
        for actiepunt in batch:
            due = actiepunt_reminder(actiepunt, today, days_before)
            if due:
                wanted.append(Herinnering(onderwerp_type=Herinnering.OnderwerpType.ACTIEPUNT,
                                          onderwerp_id=actiepunt.pk, soort=due[0], periode=due[1],
                                          driehoek_id=actiepunt.driehoek_id))
        _claim_batch(wanted)
        if len(batch) < batch_size:
            break
    year, week, _day = today.isocalendar()
    digests = [Herinnering(onderwerp_type=Herinnering.OnderwerpType.GEBRUIKER, onderwerp_id=pk,
                           soort=Herinnering.Soort.WEEKOVERZICHT, periode=f"{year}-W{week:02d}", driehoek_id=None)
               for pk in selectors.secretarissen_for_digest().values_list("pk", flat=True)]
    for batch in in_batches(digests, batch_size):
        _claim_batch(batch)
    return selectors.pending_reminders(MAX_SEND_ATTEMPTS)


# --- send -----------------------------------------------------------------------------------------

def _open(mailer) -> None:
    """Open the batch's one connection; when the server is unreachable each message's own send tries again."""
    try:
        mailer.open()
    except Exception as exc:  # recorded per message by _deliver
        logger.warning("Mailverbinding niet geopend: %s: %s", type(exc).__name__, exc)


def _deliver(herinnering: Herinnering, message, mailer, now) -> None:
    """Hand one message to the open connection and record the outcome on the (locked, unsaved) row."""
    herinnering.pogingen += 1
    herinnering.ontvangers = ", ".join(message.to)
    message.connection = mailer
    try:
        message.send()
    except Exception as exc:  # any failure of the mail backend is recorded, shown and retried
        herinnering.status = Herinnering.Verzending.MISLUKT
        herinnering.laatste_fout = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("Herinnering %s niet verzonden: %s", herinnering.pk, herinnering.laatste_fout)
        mailer.close()
        _open(mailer)  # afresh for the next message; if that fails too, each message records its own failure
    else:
        herinnering.status = Herinnering.Verzending.VERZONDEN
        herinnering.verzonden_op = now
        herinnering.laatste_fout = ""


def _send_batch(ids: list[int], today: datetime.date) -> Counter:
    with transaction.atomic():
        rows = list(Herinnering.objects.select_for_update(skip_locked=True)
                    .filter(pk__in=ids, status__in=PENDING).order_by("pk"))
        outcomes = Counter({"al_afgehandeld": len(ids) - len(rows)}) if len(rows) < len(ids) else Counter()
        if not rows:
            return outcomes
        messages = berichten.compose_many(rows, today)
        now = timezone.now()
        mailer = get_connection()  # one mail connection per batch
        _open(mailer)
        try:
            for herinnering in rows:
                message = messages[herinnering.pk]
                if message is None:
                    herinnering.status = Herinnering.Verzending.OVERGESLAGEN
                else:
                    _deliver(herinnering, message, mailer, now)
                outcomes[str(herinnering.status)] += 1
        finally:
            mailer.close()
        _record_outcomes(rows)
        # The system sends (no acting user), as the planner claims: one '~' history row per reminder.
        Herinnering.history.bulk_history_create(rows, update=True, default_user=None, default_date=now)
    return outcomes


def _record_outcomes(rows: list[Herinnering]) -> None:
    """One UPDATE per row, sent as one executemany: bulk_update's CASE per field took 2 ms a reminder to build.

    Bypasses save(), so the caller writes the history rows in the same transaction (as bulk_update_with_history
    would)."""
    fields = [Herinnering._meta.get_field(name) for name in OUTCOME_FIELDS]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(Herinnering._meta.db_table)} SET "  # noqa: S608 - model names only, values as parameters
           + ", ".join(f"{quote(field.column)} = %s" for field in fields)
           + f" WHERE {quote(Herinnering._meta.pk.column)} = %s")
    params = [[field.get_db_prep_value(getattr(row, field.attname), connection) for field in fields] + [row.pk]
              for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def send_reminders(*, herinnering_ids: list[int], today: datetime.date | None = None,
                   batch_size: int = SEND_BATCH_SIZE) -> dict[str, int]:
    """Send claimed reminders, `batch_size` per transaction and mail connection; returns the count per outcome
    (verzonden, mislukt, overgeslagen, al_afgehandeld). Failures are recorded on the row and retried later."""
    today = today or timezone.localdate()
    outcomes = Counter()
    for batch in in_batches(list(herinnering_ids), batch_size):
        outcomes.update(_send_batch(batch, today))
    return {k: v for k, v in outcomes.items() if v}


def send_reminder(*, herinnering_id: int, today: datetime.date | None = None) -> str:
    """Send one claimed reminder (a batch of one); returns its outcome."""
    outcomes = send_reminders(herinnering_ids=[herinnering_id], today=today)
    return next(iter(outcomes))
