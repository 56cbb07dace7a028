"""Mail around the partijen's signatures on a geweldsmiddelen advice, each to each recipient once: "u kunt
tekenen" when the certified PDF is ready, and "ondertekend" when every partij has signed.

As for the arrangement (ondertekenmails.py), every mail is a Signalering row, unique per (arrangement, soort,
periode, ontvanger) and claimed before it is sent (signaleringen.send_signal), so a rerun sends nothing twice. The
periode names the advice and partij: `a<advies>-p<partij>` for the turn, `a<advies>` for the completion.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from samenwerking import taken, toegang
from samenwerking.berichten import subject_line
from samenwerking.historie import save_tracked

from . import documenten, ondertekenmails
from .models import Geweldsadvies, Partij, Signalering

SOORTEN = (Signalering.Soort.ADVIES_TEKENBEURT, Signalering.Soort.ADVIES_ONDERTEKEND)
PERIODE = re.compile(r"^a(?P<advies>\d+)(?:-p(?P<partij>\d+))?$")


def signers_for(advies: Geweldsadvies, partij: Partij) -> list:
    """Who may sign for this partij: a signatory of the driehoek who acts for it (documenten.acting_for)."""
    members = toegang.active_members(advies.arrangement.driehoek, permission=toegang.SIGN).exclude(email="")
    return [user for user in members.order_by("pk") if documenten.acting_for(user, partij) is not None]


def _unsigned(advies: Geweldsadvies) -> list[Partij]:
    signed = set(advies.ondertekeningen.values_list("partij_id", flat=True))
    return [p for p in advies.arrangement.partijen.select_related("organisatie").order_by("volgorde", "pk")
            if p.pk not in signed]


def _claim(*, advies: Geweldsadvies, soort: str, periode: str, ontvangers) -> None:
    """One row per recipient for this key, sent after commit; a key already claimed for a recipient is left alone."""
    for ontvanger in ontvangers:
        try:
            with transaction.atomic():
                row = save_tracked(Signalering(arrangement=advies.arrangement, soort=soort, periode=periode,
                                               ontvanger=ontvanger), None)
        except (IntegrityError, ValidationError):  # claimed before (validation), or by a concurrent run
            continue
        transaction.on_commit(lambda pk=row.pk: taken.start(name=ondertekenmails.SEND_TASK, args=(pk,)))


def announce(*, advies: Geweldsadvies) -> None:
    """Claim the mails due now: a turn mail per partij still to sign, or the completion mail once all signed."""
    if not advies.met_partijen or advies.status != Geweldsadvies.Status.GEREED:
        return
    unsigned = _unsigned(advies)
    for partij in unsigned:
        _claim(advies=advies, soort=Signalering.Soort.ADVIES_TEKENBEURT, periode=f"a{advies.pk}-p{partij.pk}",
               ontvangers=signers_for(advies, partij))
    if not unsigned:
        people = {u.pk: u for u in toegang.active_members(advies.arrangement.driehoek,
                                                          permission={toegang.SIGN, toegang.ADOPT}).exclude(email="")}
        _claim(advies=advies, soort=Signalering.Soort.ADVIES_ONDERTEKEND, periode=f"a{advies.pk}",
               ontvangers=[people[pk] for pk in sorted(people)])


def compose(signalering: Signalering) -> EmailMessage | None:
    """The Dutch mail of one advice signal, or None when no longer needed (signed meanwhile, or the recipient can
    no longer sign for that partij)."""
    match = PERIODE.match(signalering.periode)
    advies = (Geweldsadvies.objects.select_related("arrangement__driehoek", "boa_organisatie")
              .filter(pk=match["advies"] if match else None, arrangement_id=signalering.arrangement_id).first())
    if advies is None:
        return None
    site = settings.SITE_URL.rstrip("/")
    context = {"referentie": advies.referentie, "organisatie": advies.boa_organisatie.naam,
               "driehoek": advies.arrangement.driehoek.naam}
    if signalering.soort == Signalering.Soort.ADVIES_ONDERTEKEND:
        if advies.ondertekend_op is None:
            return None
        context["link"] = site + reverse("arrangementen:geweldsadvies_download",
                                         args=[advies.arrangement_id, advies.pk])
        subject = _("Advies %(referentie)s over geweldsmiddelen is door alle partijen ondertekend") % context
        body = [_("Het advies %(referentie)s van de %(driehoek)s over de aanvraag geweldsmiddelen van "
                  "%(organisatie)s is door alle partijen ondertekend.") % context,
                _("Download de ondertekende PDF (na inloggen): %(link)s") % context]
    else:
        partij = Partij.objects.select_related("organisatie").filter(pk=match["partij"] or None).first()
        if (partij is None or partij.pk not in {p.pk for p in _unsigned(advies)}
                or signalering.ontvanger_id not in {u.pk for u in signers_for(advies, partij)}):
            return None
        context.update(partij=partij.organisatie, link=site + reverse(
            "arrangementen:geweldsadvies_ondertekenen", args=[advies.arrangement_id, advies.pk]))
        subject = _("U kunt advies %(referentie)s over geweldsmiddelen ondertekenen") % context
        body = [_("De %(driehoek)s heeft geadviseerd over de aanvraag geweldsmiddelen van %(organisatie)s. Het "
                  "advies wacht op de handtekening van %(partij)s.") % context,
                _("Onderteken het advies %(referentie)s: %(link)s") % context]
    ontvanger = signalering.ontvanger
    body.insert(0, _("Beste %(naam)s,") % {"naam": ontvanger.get_full_name() or ontvanger.get_username()})
    return EmailMessage(subject=subject_line(subject), body="\n\n".join(body), to=[ontvanger.email])
