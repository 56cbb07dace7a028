"""Writes of the meeting cycle: the next overleg of a series (open actiepunten carried into its agenda), the verslag
per agendapunt, its vaststelling, and sending the final verslag PDF to deelnemers and afwezigen."""

import logging

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import taken, toegang
from samenwerking.berichten import subject_line
from samenwerking.historie import save_tracked as _save

from .. import services, verslag
from ..models import LOPEND, Actiepunt, Overleg
from . import agenda, ontvangers
from .models import Meegenomen, Verslagverzending

logger = logging.getLogger(__name__)
SEND_TASK = "actiepunten.tasks.send_verslag"


def actiepuntenlijst_titel() -> str:
    return _("Actiepuntenlijst")


def open_actiepunten(overleg: Overleg) -> list[Actiepunt]:
    """The lopende actiepunten of this overleg: its own and those carried into it from earlier overleggen."""
    # An OR, not a UNION of two subqueries: SQLite (`make run`) refuses the models' default ORDER BY inside one.
    carried = Meegenomen.objects.filter(agendapunt__overleg=overleg).values("actiepunt_id")
    return list(Actiepunt.objects.filter(status__in=LOPEND).filter(Q(overleg=overleg) | Q(pk__in=carried))
                .order_by("datum_gereed", "nummer", "pk"))


@transaction.atomic
def create_next_overleg(*, vorige: Overleg, user, data: dict, deelnemers: list, agenda_punten: list[str],
                        besluiten: list[str] = ()) -> Overleg:
    """A new overleg after `vorige`; the agenda gets an 'Actiepuntenlijst' (first, unless the user placed it) with
    every actiepunt still open at `vorige`."""
    titel = actiepuntenlijst_titel()
    if not any(agenda._key(a) == agenda._key(titel) for a in agenda_punten):
        agenda_punten = [titel, *agenda_punten]
    overleg = services.create_overleg(driehoek=vorige.driehoek, user=user, data=data, deelnemers=deelnemers,
                                      agenda=agenda_punten, besluiten=besluiten)
    overleg.vorige = vorige
    _save(overleg, user)
    lijst = next(a for a in overleg.agendapunten.all() if agenda._key(a.onderwerp) == agenda._key(titel))
    for actiepunt in open_actiepunten(vorige):
        _save(Meegenomen(agendapunt=lijst, actiepunt=actiepunt), user)
    return overleg


def _lock(overleg: Overleg, user) -> Overleg:
    locked = Overleg.objects.select_for_update().select_related("driehoek").get(pk=overleg.pk)
    return toegang.require(user, locked, permission=toegang.MANAGE_OVERLEG)


@transaction.atomic
def save_verslag(*, overleg: Overleg, user, per_agendapunt: dict[int, tuple[str, list[str]]]) -> bool:
    """Write the verslag and besluiten per agendapunt; returns True when this reopened a vastgesteld verslag."""
    locked = _lock(overleg, user)
    for punt in locked.agendapunten.prefetch_related("besluiten"):
        if punt.pk not in per_agendapunt:
            continue
        tekst, besluiten = per_agendapunt[punt.pk]
        if punt.verslag != tekst.strip():
            punt.verslag = tekst.strip()
            _save(punt, user)
        agenda.sync_besluiten(locked, user, besluiten, agendapunt=punt, scope=punt.besluiten.all())
    heropend = locked.verslag_vastgesteld_op is not None
    if heropend:  # a changed verslag is a concept again until it is vastgesteld anew
        locked.verslag_vastgesteld_op, locked.verslag_vastgesteld_door = None, None
        _save(locked, user, reason=_("Verslag gewijzigd na vaststelling"))
    return heropend


@transaction.atomic
def finalise_verslag(*, overleg: Overleg, user) -> Overleg:
    """Vaststellen: from now on the verslag's date is this moment (shown in the PDF as 'datum verslag')."""
    locked = _lock(overleg, user)
    if locked.verslag_vastgesteld_op:
        return locked
    if not locked.verslag.strip() and not any(p.verslag.strip() for p in locked.agendapunten.all()):
        raise ValidationError(_("Er is nog geen verslag om vast te stellen: schrijf eerst het verslag."))
    locked.verslag_vastgesteld_op, locked.verslag_vastgesteld_door = timezone.now(), user
    return _save(locked, user, reason=_("Verslag vastgesteld"))


def recipients(overleg: Overleg) -> list[str]:
    """Deelnemers and afwezigen with an e-mail address (external people are names only)."""
    adressen = (overleg.deelnames.filter(gebruiker__isnull=False, gebruiker__is_active=True)
                .exclude(gebruiker__email="").values_list("gebruiker__email", flat=True))
    return sorted(set(adressen), key=str.casefold)


@transaction.atomic
def request_sending(*, overleg: Overleg, user) -> Verslagverzending:
    """One click: record who asked, when and to whom, and hand the sending to a worker after commit."""
    locked = _lock(overleg, user)
    if not locked.verslag_vastgesteld_op:
        raise ValidationError(_("Stel het verslag eerst vast; alleen een vastgesteld verslag wordt verstuurd."))
    if locked.verzendingen.filter(status=Verslagverzending.Status.TE_VERZENDEN).exists():
        raise ValidationError(_("Het verslag wordt al verstuurd; wacht tot dat klaar is."))
    adressen = recipients(locked)
    niet = ontvangers.not_reached(locked.deelnames.select_related("gebruiker"))
    if not adressen:
        raise ValidationError(_("Geen van de deelnemers en afwezigen heeft een e-mailadres in het systeem."))
    verzending = _save(Verslagverzending(overleg=locked, verzonden_door=user, ontvangers="\n".join(adressen),
                                         niet_ontvangen="\n".join(niet)), user)
    transaction.on_commit(lambda: taken.start(name=SEND_TASK, args=(verzending.pk,)))
    return verzending


def _message(verzending: Verslagverzending) -> EmailMessage:
    overleg = verzending.overleg
    context = {"overleg": overleg.naam, "datum": f"{overleg.datum:%d-%m-%Y}", "driehoek": overleg.driehoek.naam}
    body = "\n\n".join([
        _("Beste deelnemer,"),
        _("Hierbij het vastgestelde verslag van het %(overleg)s van %(datum)s (%(driehoek)s), met de actiepunten.")
        % context,
        _("Met vriendelijke groet,\n%(naam)s") % {"naam": verzending.verzonden_door or overleg.secretaris_naam},
    ])
    message = EmailMessage(subject=subject_line(_("Verslag %(overleg)s %(datum)s") % context), body=body,
                           to=verzending.ontvangers.split("\n"))
    message.attach(verslag.filename(overleg), verslag.render_verslag(overleg), "application/pdf")
    return message


def send_verslag(*, verzending_id: int) -> str:
    """Send one requested verzending under a row lock; sent once: a sent or failed row is never picked up again."""
    with transaction.atomic():
        verzending = (Verslagverzending.objects.select_for_update(skip_locked=True, of=("self",))
                      .select_related("overleg__driehoek", "verzonden_door")
                      .filter(pk=verzending_id, status=Verslagverzending.Status.TE_VERZENDEN).first())
        if verzending is None:
            return "al_afgehandeld"
        try:
            _message(verzending).send()
        except Exception as exc:  # any failure of rendering or the mail backend is recorded and shown
            verzending.status = Verslagverzending.Status.MISLUKT
            verzending.laatste_fout = f"{type(exc).__name__}: {exc}"[:2000]
            logger.warning("Verslag %s niet verzonden: %s", verzending.pk, verzending.laatste_fout)
        else:
            verzending.status = Verslagverzending.Status.VERZONDEN
            verzending.verzonden_op = timezone.now()
        _save(verzending, verzending.verzonden_door)
        return verzending.status
