"""Signals about an arrangement's dates and life, each to each recipient once: evaluatie and einde geldigheid 90,
30 and 7 days before; and, from its Levensfase (arrangementen.levensloop), in werking, evaluatie achterstallig,
opzegging ingegaan and vervangen.

The beat (tasks.plan_signals, and daily tasks.daily_lifecycle) claims what is due today as Signalering rows,
unique per (arrangement, soort, periode, ontvanger), and one task per claimed row sends it (tasks.send_signal).
Both are safe to run twice: a claim is a unique row, and a sent row is never picked up again. A worker killed
between claim and send leaves rows te_verzenden, which the next run sends.
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

from . import adviesmails, geweldstoets, ondertekenmails, opzeggen, selectors
from .levensloop import Levensfase, start_date
from .models import Arrangement, Signalering, Status

logger = logging.getLogger(__name__)

THRESHOLDS = (90, 30, 7)
# An event of the arrangement's life (in werking, opzegging ingegaan, vervangen) is still announced this many days
# after its date, for a beat that missed its day; older events are history, not news.
EVENT_WINDOW_DAYS = 7
CLAIM_BATCH_SIZE = 1000
MAX_SEND_ATTEMPTS = 10
# Only these arrangements are in force or about to be: a concept or withdrawn one has no dates to watch.
WATCHED = (Status.VASTGESTELD, Status.ONDERTEKEND)
# After these the afspraken no longer apply: no evaluatie or einde reminders any more.
ENDED = (Levensfase.VERLOPEN, Levensfase.BEEINDIGD, Levensfase.VERVANGEN)
S = Signalering.Soort


def evaluation_date(arrangement: Arrangement) -> datetime.date | None:
    """The evaluation that counts (as in models/levensfase.py): the next one after a recorded evaluation."""
    return arrangement.volgende_evaluatie or arrangement.evaluatiedatum


def _threshold_signals(arrangement: Arrangement, today: datetime.date) -> list[tuple[str, str]]:
    due = []
    for soort, day in ((S.EVALUATIE, evaluation_date(arrangement)), (S.EINDE, arrangement.geldig_tot)):
        if day is None or day < today:
            continue
        reached = [d for d in THRESHOLDS if (day - today).days <= d]
        if reached:
            due.append((soort, f"{day.isoformat()}-{min(reached)}d"))
    return due


def _event_signals(arrangement: Arrangement, fase: str, today: datetime.date) -> list[tuple[str, str]]:
    opzegging = getattr(arrangement, "opzegging", None)
    events = {
        S.IN_WERKING: start_date(arrangement) if fase not in (Levensfase.NOG_NIET_IN_WERKING, *ENDED) else None,
        S.OPZEGGING_INGEGAAN: opzegging.ingangsdatum if fase == Levensfase.BEEINDIGD else None,
        S.VERVANGEN: arrangement.vervangen_per if fase == Levensfase.VERVANGEN else None,
    }
    due = [(soort, day.isoformat()) for soort, day in events.items()
           if day is not None and 0 <= (today - day).days <= EVENT_WINDOW_DAYS]
    if fase == Levensfase.EVALUATIE_ACHTERSTALLIG:
        due.append((S.EVALUATIE_ACHTERSTALLIG, evaluation_date(arrangement).isoformat()))
    return due


def due_signals(arrangement: Arrangement, today: datetime.date) -> list[tuple[str, str]]:
    """(soort, periode) due today. For evaluatie and einde the most specific threshold reached (a run that missed
    the 90-day mark and first sees the arrangement at 25 days sends only the 30-day one); for the life events the
    event's date. `arrangement` carries `levensfase` for `today` (Arrangement.objects.met_levensfase(today))."""
    fase = arrangement.levensfase
    if fase in ENDED:
        return _event_signals(arrangement, fase, today)
    return _threshold_signals(arrangement, today) + (_event_signals(arrangement, fase, today) if fase else [])


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
    candidates = selectors.arrangementen_for_signals(today=today, horizon_days=max(THRESHOLDS), statuses=WATCHED,
                                                     window_days=EVENT_WINDOW_DAYS)
    after = 0
    while True:
        batch = list(candidates.filter(pk__gt=after)[:batch_size])
        if not batch:
            break
        after = batch[-1].pk
        _claim_batch(batch, today)
        if len(batch) < batch_size:
            break
    geweldstoets.claim_reminders(today=today)  # geweldsmiddelen: its own rule, sent like every signal below
    return selectors.pending_signals(max_attempts=MAX_SEND_ATTEMPTS)


def _texts(soort: str) -> tuple[str, str]:
    """Subject and opening of each kind of signal, filled from the context in compose()."""
    return {
        S.EVALUATIE: (_("Evaluatie van '%(titel)s' over %(dagen)s dagen"),
                      _("Het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s wordt op %(datum)s "
                        "geëvalueerd. Plan de evaluatie in de driehoek en leg de actiepunten vast.")),
        S.EINDE: (_("'%(titel)s' is nog %(dagen)s dagen geldig"),
                  _("Het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s is geldig tot en met "
                    "%(datum)s. Start op tijd een herziening, of laat het bewust verlopen.")),
        S.EVALUATIE_ACHTERSTALLIG: (_("Evaluatie van '%(titel)s' is achterstallig"),
                                    _("Het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s had op "
                                      "%(datum)s geëvalueerd moeten zijn. Leg de evaluatie vast.")),
        S.IN_WERKING: (_("'%(titel)s' is in werking"),
                       _("Het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s is sinds %(datum)s "
                         "in werking.")),
        S.OPZEGGING_INGEGAAN: (_("Opzegging van '%(titel)s' is ingegaan"),
                               _("Het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s is opgezegd "
                                 "en geldt sinds %(datum)s niet meer.")),
        S.VERVANGEN: (_("'%(titel)s' is vervangen door een nieuwe versie"),
                      _("Het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s is sinds %(datum)s "
                        "vervangen door de ondertekende herziening.")),
    }[soort]


def _signal_day(signalering: Signalering, arrangement: Arrangement) -> datetime.date:
    if signalering.soort == S.EVALUATIE:
        return evaluation_date(arrangement)
    if signalering.soort == S.EINDE:
        return arrangement.geldig_tot
    return datetime.date.fromisoformat(signalering.periode)


def compose(signalering: Signalering, today: datetime.date) -> EmailMessage | None:
    """The Dutch mail of one signal, or None when it is no longer needed: the arrangement changed its dates,
    status or fase, or the recipient no longer manages the driehoek's actiepunten or has no address."""
    if signalering.soort in ondertekenmails.SOORTEN:  # signing mails have their own rules (ondertekenmails.py)
        return ondertekenmails.compose(signalering)
    if signalering.soort in adviesmails.SOORTEN:  # signing an advice on geweldsmiddelen (adviesmails.py)
        return adviesmails.compose(signalering)
    if signalering.soort == Signalering.Soort.OPGEZEGD:  # the notice mail (opzeggen.py)
        return opzeggen.compose(signalering)
    if signalering.soort == geweldstoets.SOORT:  # the arrangement carrying geweldsmiddelen ends (geweldstoets.py)
        return geweldstoets.compose(signalering, today)
    arrangement = (Arrangement.objects.met_levensfase(today).select_related("driehoek", "opzegging")
                   .filter(pk=signalering.arrangement_id, status__in=WATCHED).first())
    if arrangement is None or (signalering.soort, signalering.periode) not in due_signals(arrangement, today):
        return None
    ontvanger = selectors.signal_recipients(arrangement).filter(pk=signalering.ontvanger_id).first()
    if ontvanger is None:
        return None
    day = _signal_day(signalering, arrangement)
    context = {"titel": arrangement.titel, "versie": arrangement.versie, "driehoek": arrangement.driehoek.naam,
               "datum": formats.date_format(day, "j F Y"), "dagen": (day - today).days,
               "link": settings.SITE_URL.rstrip("/") + reverse("arrangementen:detail", args=[arrangement.pk])}
    subject, opening = _texts(signalering.soort)
    body = "\n\n".join([_("Beste coördinator en secretaris,"), opening % context,
                        _("Bekijk het arrangement: %(link)s") % context])
    return EmailMessage(subject=subject_line(subject % context), body=body, to=[ontvanger.email])


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
