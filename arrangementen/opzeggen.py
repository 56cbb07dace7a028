"""Opzeggen: an ondertekenaar gives notice of a signed arrangement on behalf of a partij they sign for.

The notice takes effect on the notice date plus the opzegtermijn (calendar months), or on a later date chosen;
it is stored as one Opzegging (who, when, why, history) and every party's signers and the driehoek's
secretarissen get one mail about it (a Signalering per recipient, claimed before it is sent). The signed PDF is
never touched: the notice lives beside it, on the arrangement page and on /verifieer/.

The password and a fresh second-factor code are asked by the page before it calls `opzeggen`
(tweestaps.confirm_identity, as for signing); the API cannot ask them and refuses (arrangementen.api.views).
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samenwerking import taken, toegang
from samenwerking.berichten import subject_line
from samenwerking.historie import save_tracked as _save
from samenwerking.tekstlimieten import LANGE_TEKST

from . import documenten
from .models import Arrangement, Levensfase, Opzegging, Partij, Signalering, Status

SEND_TASK = "arrangementen.tasks.send_signal"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole calendar months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def earliest_date(arrangement: Arrangement, *, today: datetime.date | None = None) -> datetime.date:
    """The first day a notice given today can take effect: today plus the opzegtermijn (none: today)."""
    return add_months(today or timezone.localdate(), arrangement.opzegtermijn_maanden or 0)


def long_date(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def opzegging_of(arrangement: Arrangement) -> Opzegging | None:
    """The notice, from the row selectors.get_arrangement loaded with it when it did (no query), else read."""
    if Arrangement.opzegging.related.is_cached(arrangement):
        try:
            return arrangement.opzegging
        except Opzegging.DoesNotExist:
            return None
    return (Opzegging.objects.filter(arrangement_id=arrangement.pk)
            .select_related("door", "partij__organisatie").first())


def describe(opzegging: Opzegging) -> str:
    """"Opgezegd door <naam> namens <partij> op <datum>, per <ingangsdatum>" (without the reason)."""
    return _("Opgezegd door %(naam)s namens %(partij)s op %(datum)s, per %(ingang)s") % {
        "naam": opzegging.door.get_full_name() or opzegging.door.get_username(),
        "partij": opzegging.partij.organisatie, "datum": long_date(timezone.localdate(opzegging.gedaan_op)),
        "ingang": long_date(opzegging.ingangsdatum)}


def _already(opzegging: Opzegging) -> str:
    return _("Dit arrangement is al opgezegd door %(naam)s namens %(partij)s per %(ingang)s.") % {
        "naam": opzegging.door.get_full_name() or opzegging.door.get_username(),
        "partij": opzegging.partij.organisatie, "ingang": long_date(opzegging.ingangsdatum)}


def _levensfase(arrangement: Arrangement, today: datetime.date) -> str | None:
    """The one lifecycle rule (arrangementen.models.levensfase): today's fase that get_arrangement annotated, else
    read for `today`."""
    if today == timezone.localdate() and hasattr(arrangement, "levensfase"):
        return arrangement.levensfase
    return (Arrangement.objects.met_levensfase(today).filter(pk=arrangement.pk)
            .values_list("levensfase", flat=True).first())


def refusal(arrangement: Arrangement, *, today: datetime.date | None = None) -> str:
    """Why no notice can be given of this arrangement now (status, an earlier notice, replaced, expired), or ""."""
    today = today or timezone.localdate()
    if arrangement.status != Status.ONDERTEKEND:
        return _("Opzeggen kan alleen als het arrangement door alle partijen is ondertekend (nu: %(status)s).") % {
            "status": arrangement.get_status_display()}
    opzegging = opzegging_of(arrangement)
    if opzegging is not None:
        return _already(opzegging)
    fase = _levensfase(arrangement, today)
    if fase == Levensfase.VERVANGEN:
        return _("Dit arrangement is per %(datum)s vervangen door een nieuwe versie; opzeggen kan niet meer.") % {
            "datum": long_date(arrangement.vervangen_per)}
    if fase == Levensfase.VERLOPEN:
        return _("Dit arrangement is verlopen (geldig tot en met %(datum)s); opzeggen kan niet meer.") % {
            "datum": long_date(arrangement.geldig_tot)}
    return ""


def parties_for(user, arrangement: Arrangement) -> list[Partij]:
    """The partijen this user may give notice for: the ones they sign for (documenten.acting_for)."""
    partijen = arrangement.partijen.select_related("organisatie").order_by("volgorde", "pk")
    mandaten = list(documenten.active_mandates(user))  # read once: an arrangement may have dozens of partijen
    return [p for p in partijen if documenten.acting_for(user, p, mandaten=mandaten) is not None]


def may_give_notice(user, arrangement: Arrangement, rechten: set[str]) -> bool:
    """For the detail page: an ondertekenaar who signs for a partij, of an arrangement that can be opgezegd."""
    return (toegang.SIGN in rechten and arrangement.status == Status.ONDERTEKEND and not refusal(arrangement)
            and bool(parties_for(user, arrangement)))


def check(*, arrangement: Arrangement, user, partij: Partij, reden: str,
          ingangsdatum: datetime.date | None = None, today: datetime.date | None = None) -> datetime.date:
    """Every rule of a notice, without writing; returns the date it takes effect.

    404/403 through toegang.require (not an ondertekenaar of this driehoek: 403), 403 for a partij the user does
    not sign for; a Dutch ValidationError (per field where there is one) for everything else."""
    today = today or timezone.localdate()
    toegang.require(user, arrangement, permission=toegang.SIGN,
                    refusal=_("Alleen een ondertekenaar van deze driehoek kan een arrangement opzeggen."))
    reason = refusal(arrangement, today=today)
    if reason:
        raise ValidationError(reason, code="niet_mogelijk")
    if partij.arrangement_id != arrangement.pk:
        raise ValidationError({"partij": _("Deze partij hoort niet bij dit arrangement.")})
    if documenten.acting_for(user, partij) is None:
        raise toegang.Geweigerd(_("U kunt niet opzeggen namens %(partij)s: u tekent niet voor deze partij en heeft "
                                  "geen geldig mandaat.") % {"partij": partij.organisatie}, obj=arrangement)
    errors = {}
    reden = (reden or "").strip()
    if not reden:
        errors["reden"] = _("Geef de reden van de opzegging.")
    elif len(reden) > LANGE_TEKST:
        errors["reden"] = _("Maximaal %(grens)s tekens.") % {"grens": LANGE_TEKST}
    earliest = earliest_date(arrangement, today=today)
    ingangsdatum = ingangsdatum or earliest
    if ingangsdatum < earliest:
        errors["ingangsdatum"] = ngettext(
            "Met een opzegtermijn van %(n)s maand gaat de opzegging op zijn vroegst in op %(datum)s.",
            "Met een opzegtermijn van %(n)s maanden gaat de opzegging op zijn vroegst in op %(datum)s.",
            arrangement.opzegtermijn_maanden or 0) % {"n": arrangement.opzegtermijn_maanden or 0,
                                                      "datum": long_date(earliest)}
    elif arrangement.geldig_tot is not None and ingangsdatum > arrangement.geldig_tot:
        errors["ingangsdatum"] = _("Het arrangement eindigt al op %(einde)s; een opzegging per %(datum)s heeft dan "
                                   "geen gevolg. Kies een datum tot en met %(einde)s, of laat het verlopen.") % {
            "einde": long_date(arrangement.geldig_tot), "datum": long_date(ingangsdatum)}
    if errors:
        raise ValidationError(errors)
    return ingangsdatum


def opzeggen(*, arrangement: Arrangement, user, partij: Partij, reden: str,
             ingangsdatum: datetime.date | None = None) -> Opzegging:
    """Give notice for `partij`; the caller has confirmed the user's password and second factor.

    Under the arrangement's row lock, so of two notices at once the second waits and then finds the first; the
    one-to-one on Opzegging.arrangement is the backstop. The mails are claimed in the same transaction and sent
    after commit."""
    try:
        with transaction.atomic():
            # Scoped like every lookup: another driehoek's arrangement is not found (404), whoever passed it in.
            locked = toegang.require(
                user, Arrangement.objects.select_for_update(of=("self",)).select_related("driehoek")
                .filter(pk=arrangement.pk, driehoek__in=toegang.visible_driehoeken(user)).first(),
                model=Arrangement, pk=arrangement.pk,
                missing=_("Dit arrangement bestaat niet of u heeft er geen toegang toe."))
            datum = check(arrangement=locked, user=user, partij=partij, reden=reden, ingangsdatum=ingangsdatum)
            opzegging = _save(Opzegging(arrangement=locked, partij=partij, door=user, reden=reden.strip(),
                                        ingangsdatum=datum), user, reason=_("Opgezegd"))
            ids = _claim(opzegging)
    except IntegrityError as error:  # a concurrent notice won the race past the lock (the one-to-one caught it)
        earlier = opzegging_of(arrangement)
        if earlier is None:
            raise
        raise ValidationError(_already(earlier), code="niet_mogelijk") from error
    for pk in ids:
        transaction.on_commit(lambda pk=pk: taken.start(name=SEND_TASK, args=(pk,)))
    return opzegging


# --- the mail, one per recipient ------------------------------------------------------------------------------

def _periode(opzegging: Opzegging) -> str:
    return f"o{opzegging.pk}"


def recipients(arrangement: Arrangement) -> list:
    """Every party's signers (ondertekenaars of the driehoek who sign for one of its partijen) and the driehoek's
    secretarissen, each once, with an address."""
    driehoek = arrangement.driehoek
    partijen = list(arrangement.partijen.select_related("organisatie"))
    people = {u.pk: u for u in toegang.active_members(driehoek, permission=toegang.ADOPT)
              .filter(is_active=True).exclude(email="")}
    for user in (toegang.active_members(driehoek, permission=toegang.SIGN).filter(is_active=True)
                 .exclude(email="").select_related("organisatie")):
        mandaten = list(documenten.active_mandates(user))
        if user.pk not in people and any(documenten.acting_for(user, p, mandaten=mandaten) is not None
                                         for p in partijen):
            people[user.pk] = user
    return [people[pk] for pk in sorted(people)]


def _claim(opzegging: Opzegging) -> list[int]:
    ids = []
    for ontvanger in recipients(opzegging.arrangement):
        try:
            with transaction.atomic():
                row = _save(Signalering(arrangement=opzegging.arrangement, soort=Signalering.Soort.OPGEZEGD,
                                        periode=_periode(opzegging), ontvanger=ontvanger), None)
        except (IntegrityError, ValidationError):  # claimed before: that recipient has (or gets) it already
            continue
        ids.append(row.pk)
    return ids


def compose(signalering: Signalering) -> EmailMessage | None:
    """The Dutch mail about a notice, or None when it is no longer needed (no such notice, or the recipient is no
    longer a signer or secretaris of the driehoek)."""
    arrangement = signalering.arrangement
    opzegging = opzegging_of(arrangement)
    if opzegging is None or signalering.periode != _periode(opzegging):
        return None
    ontvanger = next((u for u in recipients(arrangement) if u.pk == signalering.ontvanger_id), None)
    if ontvanger is None:
        return None
    context = {"titel": arrangement.titel, "versie": arrangement.versie, "driehoek": arrangement.driehoek.naam,
               "wie": describe(opzegging), "ingang": long_date(opzegging.ingangsdatum), "reden": opzegging.reden,
               "link": settings.SITE_URL.rstrip("/") + reverse("arrangementen:detail", args=[arrangement.pk])}
    body = [_("Beste %(naam)s,") % {"naam": ontvanger.get_full_name() or ontvanger.get_username()},
            _("Het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s is opgezegd.") % context,
            _("%(wie)s. Reden: %(reden)s") % context,
            _("De opzegging gaat in op %(ingang)s. Bekijk het arrangement: %(link)s") % context]
    return EmailMessage(subject=subject_line(_("'%(titel)s' is opgezegd per %(ingang)s") % context),
                        body="\n\n".join(body), to=[ontvanger.email])
