"""The Dutch reminder e-mails: one message per claimed Herinnering, with a direct link.

Every subject goes through `samenwerking.berichten.subject_line` (titles are user input).
`compose_many` (a batch, its actiepunten read at once) and `compose` give None for a reminder that is no longer
needed (the actiepunt is gereed or vervallen, the secretaris opted out or has nothing to report).
An arrangement's dates are signalled by arrangementen.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from samenwerking.berichten import subject_line
from samenwerking.models import Gebruiker

from . import selectors
from .cyclus.vervolg import toewijzing_periode
from .herinneringen import actiepunt_reminder
from .models import LOPEND, Actiepunt, Herinnering


def _link(name: str, pk: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[pk])


def _datum(day: datetime.date | None) -> str:
    return formats.date_format(day, "j F Y") if day else _("datum onbekend")


def _actiepunt(herinnering: Herinnering, today: datetime.date, actiepunten: dict) -> EmailMessage | None:
    actiepunt = actiepunten.get(herinnering.onderwerp_id)
    if actiepunt is None or actiepunt.status not in LOPEND or not actiepunt.eigenaar_email:
        return None
    # Still the same reminder? A moved due date or a second run days later must not send a stale one.
    due = actiepunt_reminder(actiepunt, today, settings.ACTIEPUNT_HERINNERING_DAGEN)
    if due is None or herinnering.periode.split("+")[0] != actiepunt.datum_gereed.isoformat():
        return None
    context = {
        "nr": actiepunt.nummer, "onderwerp": actiepunt.onderwerp, "driehoek": actiepunt.driehoek.naam,
        "datum": _datum(actiepunt.datum_gereed), "naam": actiepunt.eigenaar_naam,
        "overleg": f" ({actiepunt.overleg})" if actiepunt.overleg_id else "",
    }
    if herinnering.soort == Herinnering.Soort.BINNENKORT:
        subject = _("Actiepunt %(nr)s is op %(datum)s gereed") % context
        opening = _("Uw actiepunt %(nr)s van de %(driehoek)s%(overleg)s moet op %(datum)s gereed zijn.") % context
    elif herinnering.soort == Herinnering.Soort.VANDAAG:
        subject = _("Actiepunt %(nr)s is vandaag gereed") % context
        opening = _("Uw actiepunt %(nr)s van de %(driehoek)s%(overleg)s moet vandaag gereed zijn.") % context
    else:
        subject = _("Actiepunt %(nr)s is verlopen") % context
        opening = _("Uw actiepunt %(nr)s van de %(driehoek)s%(overleg)s had op %(datum)s gereed moeten zijn."
                    ) % context
    if actiepunt.eigenaar_id:
        follow_up = _("Meld het gereed of pas de status aan: %(link)s") % {
            "link": _link("actiepunten:actiepunt", actiepunt.pk)}
    else:
        follow_up = _("Is het gereed? Laat het de secretaris van de %(driehoek)s weten.") % context
    body = "\n\n".join([
        _("Beste %(naam)s,") % context,
        opening,
        _("Onderwerp: %(onderwerp)s") % context,
        follow_up,
        _("U ontvangt dit bericht omdat u eigenaar bent van dit actiepunt. Herinneringen stoppen zodra het "
          "actiepunt gereed is of vervalt."),
    ])
    return EmailMessage(subject=subject_line(subject), body=body, to=[actiepunt.eigenaar_email])


def _toegewezen(herinnering: Herinnering, today: datetime.date, actiepunten: dict) -> EmailMessage | None:
    """The one mail to a new eigenaar; skipped when the point was given to someone else before it went out."""
    actiepunt = actiepunten.get(herinnering.onderwerp_id)
    if actiepunt is None or actiepunt.status not in LOPEND or not actiepunt.eigenaar_email:
        return None
    if herinnering.periode != toewijzing_periode(actiepunt):
        return None
    context = {"nr": actiepunt.nummer, "onderwerp": actiepunt.onderwerp, "driehoek": actiepunt.driehoek.naam,
               "datum": _datum(actiepunt.datum_gereed), "naam": actiepunt.eigenaar_naam,
               "overleg": f" ({actiepunt.overleg})" if actiepunt.overleg_id else ""}
    if actiepunt.eigenaar_id:
        follow_up = _("Voortgang melden en gereed melden doet u hier: %(link)s") % {
            "link": _link("actiepunten:actiepunt", actiepunt.pk)}
    else:
        follow_up = _("Vragen of gereed? Laat het de secretaris van de %(driehoek)s weten.") % context
    body = "\n\n".join([
        _("Beste %(naam)s,") % context,
        _("U bent eigenaar van actiepunt %(nr)s van de %(driehoek)s%(overleg)s.") % context,
        _("Onderwerp: %(onderwerp)s") % context,
        _("Datum gereed: %(datum)s") % context,
        follow_up,
    ])
    return EmailMessage(subject=subject_line(_("Nieuw actiepunt voor u: %(onderwerp)s")
                                             % {"onderwerp": actiepunt.onderwerp[:80]}),
                        body=body, to=[actiepunt.eigenaar_email])


def _weekoverzicht(herinnering: Herinnering, today: datetime.date, actiepunten: dict) -> EmailMessage | None:
    user = Gebruiker.objects.filter(pk=herinnering.onderwerp_id, is_active=True).exclude(email="").first()
    voorkeur = selectors.voorkeur_van(user) if user else None
    if user is None or (voorkeur is not None and not voorkeur.weekoverzicht):
        return None
    blokken = selectors.digest_for(user, today)
    if not blokken:
        return None
    lines = [_("Beste %(naam)s,") % {"naam": user}, "",
             _("Het overzicht van deze week van de lopende actiepunten in uw driehoeken.")]
    for blok in blokken:
        lines += ["", f"== {blok['driehoek'].naam} ==",
                  _("Actielijst: %(link)s") % {"link": _link("actiepunten:actielijst", blok["driehoek"].pk)}]
        for kop, punten in ((_("Verlopen"), blok["verlopen"]), (_("Binnen twee weken gereed"), blok["binnenkort"])):
            if punten:
                lines.append(f"{kop}:")
                lines += [f"- {p.nummer}. {p.onderwerp[:120]} — {p.eigenaar_naam} — {_datum(p.datum_gereed)}"
                          for p in punten]
    lines += ["", _("Dit overzicht uitzetten kan bij 'Mijn instellingen': %(link)s") % {
        "link": settings.SITE_URL.rstrip("/") + reverse("actiepunten:instellingen")}]
    return EmailMessage(subject=subject_line(_("Weekoverzicht actiepunten")), body="\n".join(lines), to=[user.email])


COMPOSERS = {
    Herinnering.OnderwerpType.ACTIEPUNT: _actiepunt,
    Herinnering.OnderwerpType.GEBRUIKER: _weekoverzicht,
    Herinnering.OnderwerpType.TOEWIJZING: _toegewezen,
}


OVER_ACTIEPUNT = {Herinnering.OnderwerpType.ACTIEPUNT, Herinnering.OnderwerpType.TOEWIJZING}


def compose_many(herinneringen: list[Herinnering], today: datetime.date) -> dict[int, EmailMessage | None]:
    """The message per reminder (None: no longer needed), the actiepunten of all of them read in one query."""
    ids = {h.onderwerp_id for h in herinneringen if h.onderwerp_type in OVER_ACTIEPUNT}
    actiepunten = (Actiepunt.objects.select_related("driehoek", "overleg", "eigenaar").in_bulk(ids)
                   if ids else {})
    return {h.pk: COMPOSERS[h.onderwerp_type](h, today, actiepunten) for h in herinneringen}


def compose(herinnering: Herinnering, today: datetime.date) -> EmailMessage | None:
    return compose_many([herinnering], today)[herinnering.pk]
