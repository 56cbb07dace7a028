"""Praktijkvoorbeelden: the shipped ones loaded from data/praktijkvoorbeelden.json, and sharing back — a driehoek's
secretaris offers one of its afspraken, a beheerder publishes it (with edits) or rejects it with a reason.

Who may: offering speaks for the driehoek, as its vaststelling does, so it takes the secretaris' right to adopt
(toegang.ADOPT); publishing is for beheer (toegang.require_beheerder)."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import toegang
from samenwerking.historie import save_tracked

from .bibliotheek import BibliotheekFout, read_json
from .models import Afspraak, Modelafspraak, Onderwerp, PraktijkStatus, Praktijkvoorbeeld

PRAKTIJKVOORBEELDEN = Path(__file__).resolve().parent / "data" / "praktijkvoorbeelden.json"
SHIPPED = "Meegeleverde praktijkvoorbeelden"
TEXT_FIELDS = ("titel", "plaats", "partijen", "afgesproken", "wat_werkte")
# Contact details an offer must not carry: e-mail addresses and (Dutch) phone numbers.
CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|(?<!\d)(?:\+31|0)[\s-]?\d(?:[\s-]?\d){7,9}(?!\d)")


@dataclass(frozen=True)
class Inhoud:
    """The content of a praktijkvoorbeeld as an offer or a review has it."""

    titel: str
    plaats: str
    partijen: str
    afgesproken: str
    wat_werkte: str
    domeinen: list[str] = field(default_factory=list)


def contact_details_in(text: str) -> list[str]:
    return CONTACT.findall(text or "")


@transaction.atomic
def load_praktijkvoorbeelden(path: Path = PRAKTIJKVOORBEELDEN) -> int:
    """Adds the shipped examples that are missing (by code) with their links; an existing one is left as a
    beheerder may have edited it. Call after load_library: links name its onderwerpen and clauses."""
    rows = read_json(path).get("praktijkvoorbeelden")
    if not isinstance(rows, list):
        raise BibliotheekFout(_("%(bestand)s heeft geen lijst 'praktijkvoorbeelden'.") % {"bestand": path.name})
    onderwerpen = {(o.niveau, o.naam): o for o in Onderwerp.objects.all()}
    clauses = {m.titel: m for m in Modelafspraak.objects.all()}
    existing = set(Praktijkvoorbeeld.objects.exclude(code="").values_list("code", flat=True))
    created = 0
    for row in rows:
        try:
            if row["code"] in existing:
                continue
            links = ([onderwerpen[tuple(key)] for key in row["onderwerpen"]],
                     [clauses[titel] for titel in row["modelafspraken"]])
            voorbeeld = Praktijkvoorbeeld(
                code=row["code"], bron=row["bron"], status=PraktijkStatus.GEPUBLICEERD,
                domeinen=Praktijkvoorbeeld.encode_domeinen(row["domeinen"]),
                **{name: row[name] for name in TEXT_FIELDS})
            save_tracked(voorbeeld, None, SHIPPED)
        except (KeyError, TypeError, ValidationError) as exc:
            raise BibliotheekFout(_("Praktijkvoorbeeld %(code)s in %(bestand)s klopt niet: %(fout)s") % {
                "code": row.get("code", "?") if isinstance(row, dict) else "?", "bestand": path.name,
                "fout": exc}) from exc
        voorbeeld.onderwerpen.set(links[0])
        voorbeeld.modelafspraken.set(links[1])
        created += 1
    return created


def prefill(afspraak: Afspraak) -> dict:
    """The offer form's starting point: the afspraak's own words, the driehoek's gemeenten, the parties."""
    arrangement = afspraak.arrangement
    return {
        "titel": afspraak.titel, "afgesproken": afspraak.tekst,
        "plaats": ", ".join(str(g) for g in arrangement.driehoek.gemeenten.all()),
        "partijen": ", ".join(p.organisatie.naam for p in arrangement.partijen.select_related("organisatie")),
        "domeinen": list(arrangement.inzet.filter(aantal_boas__gt=0).values_list("domein", flat=True)),
    }


def _check_contact(inhoud: Inhoud) -> None:
    errors = {name: _("Verwijder contactgegevens (e-mailadres of telefoonnummer): %(gevonden)s") % {
        "gevonden": ", ".join(found)} for name in TEXT_FIELDS if (found := contact_details_in(getattr(inhoud, name)))}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def offer(*, user, afspraak: Afspraak, inhoud: Inhoud, driehoek_tonen: bool) -> Praktijkvoorbeeld:
    """The secretaris of the afspraak's driehoek offers it; it waits for a beheerder before anyone else sees it."""
    arrangement = afspraak.arrangement
    toegang.require(user, arrangement, permission=toegang.ADOPT, refusal=_(
        "Alleen de secretaris van de driehoek kan een afspraak als praktijkvoorbeeld aanbieden."))
    if Praktijkvoorbeeld.objects.filter(bron_afspraak=afspraak, status=PraktijkStatus.AANGEBODEN).exists():
        raise ValidationError(_("Deze afspraak is al aangeboden en wacht op beoordeling."))
    _check_contact(inhoud)
    voorbeeld = Praktijkvoorbeeld(
        status=PraktijkStatus.AANGEBODEN, bron=_("Aangeboden door een driehoek via de kennisbank"),
        bron_afspraak=afspraak, bron_driehoek=arrangement.driehoek, driehoek_tonen=driehoek_tonen,
        aangeboden_door=user, aangeboden_op=timezone.now(),
        domeinen=Praktijkvoorbeeld.encode_domeinen(inhoud.domeinen),
        **{name: getattr(inhoud, name) for name in TEXT_FIELDS})
    save_tracked(voorbeeld, user, _("Aangeboden als praktijkvoorbeeld"))
    voorbeeld.onderwerpen.set([afspraak.onderwerp_id])
    voorbeeld.modelafspraken.set([afspraak.modelafspraak_id] if afspraak.modelafspraak_id else [])
    return voorbeeld


@transaction.atomic
def publish(*, user, voorbeeld: Praktijkvoorbeeld, inhoud: Inhoud) -> Praktijkvoorbeeld:
    """A beheerder publishes an offer, with the edits made in the review."""
    voorbeeld = _open_offer(user, voorbeeld)
    _check_contact(inhoud)
    for name in TEXT_FIELDS:
        setattr(voorbeeld, name, getattr(inhoud, name))
    voorbeeld.domeinen = Praktijkvoorbeeld.encode_domeinen(inhoud.domeinen)
    voorbeeld.status, voorbeeld.beoordeeld_door, voorbeeld.beoordeeld_op = (
        PraktijkStatus.GEPUBLICEERD, user, timezone.now())
    return save_tracked(voorbeeld, user, _("Gepubliceerd in de kennisbank"))


@transaction.atomic
def reject(*, user, voorbeeld: Praktijkvoorbeeld, reden: str) -> Praktijkvoorbeeld:
    voorbeeld = _open_offer(user, voorbeeld)
    if not reden.strip():
        raise ValidationError({"reden_afwijzing": _("Geef de reden van de afwijzing.")})
    voorbeeld.status, voorbeeld.reden_afwijzing = PraktijkStatus.AFGEWEZEN, reden.strip()
    voorbeeld.beoordeeld_door, voorbeeld.beoordeeld_op = user, timezone.now()
    return save_tracked(voorbeeld, user, _("Afgewezen"))


def _open_offer(user, voorbeeld: Praktijkvoorbeeld) -> Praktijkvoorbeeld:
    """Locked, and still waiting: two beheerders deciding at once do not both decide."""
    toegang.require_beheerder(user)
    voorbeeld = Praktijkvoorbeeld.objects.select_for_update().get(pk=voorbeeld.pk)
    if voorbeeld.status != PraktijkStatus.AANGEBODEN:
        raise ValidationError(_("Over dit voorbeeld is al beslist."))
    return voorbeeld
