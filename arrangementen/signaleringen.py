"""Signals about an arrangement's dates, each to each recipient once: evaluatie and einde geldigheid, 90, 30 and 7
days before.

The beat (tasks.plan_signals) claims what is due today as Signalering rows, unique per (arrangement, soort,
periode, ontvanger), and one task per claimed row sends it (tasks.send_signal). Both are safe to run twice: a
claim is a unique row, and a sent row is never picked up again.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samenwerking.berichten import subject_line
from samenwerking.historie import save_tracked as _save

from . import ondertekenmails, opzeggen, selectors
from .models import Arrangement, Signalering, Status

logger = logging.getLogger(__name__)

THRESHOLDS = (90, 30, 7)
CLAIM_BATCH_SIZE = 1000
MAX_SEND_ATTEMPTS = 10
# Only these arrangements are in force or about to be: a concept or withdrawn one has no dates to watch.
WATCHED = (Status.VASTGESTELD, Status.ONDERTEKEND)


def due_signals(arrangement: Arrangement, today: datetime.date) -> list[tuple[str, str]]:
    """(soort, periode) per date: the most specific threshold (90, 30, 7 days) reached for evaluatiedatum and
    geldig_tot. A run that missed the 90-day mark and first sees the arrangement at 25 days sends only the 30-day one.
    """
    due = []
    for soort, day in ((Signalering.Soort.EVALUATIE, arrangement.evaluatiedatum),
                       (Signalering.Soort.EINDE, arrangement.geldig_tot)):
        if day is None or day < today:
            continue
        reached = [d for d in THRESHOLDS if (day - today).days <= d]
        if reached:
            due.append((soort, f"{day.isoformat()}-{min(reached)}d"))
    return due


def _claim_batch(arrangementen: list[Arrangement], today: datetime.date) -> int:
    """Claim the due signals of these arrangements for their recipients; return how many rows this run created.

    A key (arrangement, soort, periode) with any row is done: a member who joins later does not get an old
    signal. Recipients are read only for new keys, so a run that finds nothing new costs one query per batch.
    """
    due = {(a.pk, soort, periode): a for a in arrangementen for soort, periode in due_signals(a, today)}
    if not due:
        return 0
    existing = set(Signalering.objects.filter(
        arrangement_id__in={key[0] for key in due}, periode__in={key[2] for key in due},
    ).values_list("arrangement_id", "soort", "periode"))
    wanted = [Signalering(arrangement=arrangement, soort=soort, periode=periode, ontvanger=ontvanger)
              for (pk, soort, periode), arrangement in due.items() if (pk, soort, periode) not in existing
              for ontvanger in selectors.signal_recipients(arrangement)]
    if not wanted:
        return 0
    with transaction.atomic():
        # Losing a race to a concurrent run is a no-op (the unique constraint), not an error.
        Signalering.objects.bulk_create(wanted, ignore_conflicts=True)
        # bulk_create skips save(): the rows this run created are the ones of its keys without history yet.
        created = list(Signalering.objects.filter(
            ~Exists(Signalering.history.filter(id=OuterRef("pk"))),
            arrangement_id__in={s.arrangement_id for s in wanted}, periode__in={s.periode for s in wanted},
        ))
        Signalering.history.bulk_history_create(created, default_user=None, default_date=timezone.now())
    return len(created)


def claim_signals(*, today: datetime.date | None = None, batch_size: int = CLAIM_BATCH_SIZE) -> list[int]:
    """Claim every signal due today, once per recipient, and return the ids still to send (failures included).
    Arrangements are read in primary-key order, `batch_size` at a time (keyset pagination)."""
    today = today or timezone.localdate()
    candidates = selectors.arrangementen_for_signals(today=today, horizon_days=max(THRESHOLDS), statuses=WATCHED)
    after = 0
    while True:
        batch = list(candidates.filter(pk__gt=after)[:batch_size])
        if not batch:
            break
        after = batch[-1].pk
        _claim_batch(batch, today)
        if len(batch) < batch_size:
            break
    return selectors.pending_signals(max_attempts=MAX_SEND_ATTEMPTS)


def compose(signalering: Signalering, today: datetime.date) -> EmailMessage | None:
    """The Dutch mail of one signal, or None when it is no longer needed: the arrangement changed its dates or
    status, or the recipient no longer manages the driehoek's actiepunten or has no address."""
    if signalering.soort in ondertekenmails.SOORTEN:  # signing mails have their own rules (ondertekenmails.py)
        return ondertekenmails.compose(signalering)
    if signalering.soort == Signalering.Soort.OPGEZEGD:  # the notice mail (opzeggen.py)
        return opzeggen.compose(signalering)
    arrangement = signalering.arrangement
    if arrangement.status not in WATCHED:
        return None
    if (signalering.soort, signalering.periode) not in due_signals(arrangement, today):
        return None
    ontvanger = selectors.signal_recipients(arrangement).filter(pk=signalering.ontvanger_id).first()
    if ontvanger is None:
        return None
    day = arrangement.evaluatiedatum if signalering.soort == Signalering.Soort.EVALUATIE else arrangement.geldig_tot
    context = {"titel": arrangement.titel, "versie": arrangement.versie, "driehoek": arrangement.driehoek.naam,
               "datum": formats.date_format(day, "j F Y"), "dagen": (day - today).days,
               "link": settings.SITE_URL.rstrip("/") + reverse("arrangementen:detail", args=[arrangement.pk])}
    if signalering.soort == Signalering.Soort.EVALUATIE:
        subject = _("Evaluatie van '%(titel)s' over %(dagen)s dagen") % context
        opening = _("Het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s wordt op %(datum)s "
                    "geëvalueerd. Plan de evaluatie in de driehoek en leg de actiepunten vast.") % context
    else:
        subject = _("'%(titel)s' is nog %(dagen)s dagen geldig") % context
        opening = _("Het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s is geldig tot en met "
                    "%(datum)s. Start op tijd een herziening, of laat het bewust verlopen.") % context
    body = "\n\n".join([_("Beste coördinator en secretaris,"), opening,
                        _("Bekijk het arrangement: %(link)s") % context])
    return EmailMessage(subject=subject_line(subject), body=body, to=[ontvanger.email])


def send_signal(*, signalering_id: int, today: datetime.date | None = None) -> str:
    """Send one claimed signal under a row lock; a failure is recorded on the row and retried by a later run.

    The lock is held while the mail goes out, so a concurrent sender skips the row; once committed as
    verzonden, no later run touches it.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        signalering = (Signalering.objects.select_for_update(skip_locked=True, of=("self",))
                       .select_related("arrangement", "arrangement__driehoek")
                       .filter(pk=signalering_id, status__in=[Signalering.Verzending.TE_VERZENDEN,
                                                              Signalering.Verzending.MISLUKT]).first())
        if signalering is None:
            return "al_afgehandeld"
        message = compose(signalering, today)
        if message is None:
            signalering.status = Signalering.Verzending.OVERGESLAGEN
            _save(signalering, None)
            return signalering.status
        signalering.pogingen += 1
        try:
            message.send()
        except Exception as exc:  # any failure of the mail backend is recorded, shown and retried
            signalering.status = Signalering.Verzending.MISLUKT
            signalering.laatste_fout = f"{type(exc).__name__}: {exc}"[:2000]
            logger.warning("Signalering %s niet verzonden: %s", signalering.pk, signalering.laatste_fout)
        else:
            signalering.status = Signalering.Verzending.VERZONDEN
            signalering.verzonden_op = timezone.now()
            signalering.laatste_fout = ""
        _save(signalering, None)
        return signalering.status
