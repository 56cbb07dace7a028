"""Writes to an arrangement's register of data flows: like the afspraken, only in concept, with DRAFT
permission and on the current version (a stale edit is refused with what others changed)."""

from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samenwerking.historie import save_tracked
from samenwerking.models import Organisatie

from .models import Afspraak, Arrangement, Gegevensstroom, Grondslag
from .services import lock_for_edit


@dataclass
class Stroomgegevens:
    """What the form (or later the API) hands over; text is stripped before saving."""

    verstrekker: Organisatie | None
    ontvangers: list[Organisatie]
    categorieen: str
    doel: str
    grondslag: Grondslag | None
    zwaarwegend_algemeen_belang: str = ""
    voorwaarden: str = ""
    kanaal: str = ""
    frequentie: str = ""
    bewaartermijn: str = ""
    verdere_verstrekking: bool = False
    beveiligingsafspraken: str = ""
    afspraak: Afspraak | None = None
    overige_ontvangers: str = ""
    toelichting_overige_ontvangers: str = ""


def _check(arrangement: Arrangement, gegevens: Stroomgegevens) -> None:
    """The fields a flow cannot do without, named in Dutch; parties only, so the register stays the parties'."""
    errors = {}
    partijen = set(arrangement.partijen.values_list("organisatie_id", flat=True))
    if gegevens.verstrekker is None:
        errors["verstrekker"] = _("Kies de verstrekker.")
    elif gegevens.verstrekker.pk not in partijen:
        errors["verstrekker"] = _("De verstrekker moet een partij van het arrangement zijn.")
    overige = gegevens.overige_ontvangers.strip()
    if not gegevens.ontvangers and not overige:
        errors["ontvangers"] = _("Kies ten minste één ontvanger, of noem een andere ontvanger.")
    elif any(o.pk not in partijen for o in gegevens.ontvangers):
        errors["ontvangers"] = _("Elke ontvanger moet een partij van het arrangement zijn.")
    elif gegevens.verstrekker is not None and gegevens.verstrekker in gegevens.ontvangers:
        errors["ontvangers"] = _("De verstrekker kan niet ook ontvanger zijn.")
    if overige and not gegevens.toelichting_overige_ontvangers.strip():
        errors["toelichting_overige_ontvangers"] = _(
            "Licht toe waarom gegevens naar een ontvanger buiten de partijen gaan.")
    if gegevens.grondslag is None or not gegevens.grondslag.actief:
        errors["grondslag"] = _("Kies een grondslag uit de lijst.")
    if not gegevens.categorieen.strip():
        errors["categorieen"] = _("Noem de categorieën van gegevens die worden verstrekt.")
    if not gegevens.doel.strip():
        errors["doel"] = _("Beschrijf het doel van de verstrekking.")
    if gegevens.afspraak is not None and gegevens.afspraak.arrangement_id != arrangement.pk:
        errors["afspraak"] = _("Kies een afspraak uit dit arrangement.")
    if errors:
        raise ValidationError(errors)


def _apply(stroom: Gegevensstroom, gegevens: Stroomgegevens, user) -> Gegevensstroom:
    for field in fields(gegevens):
        if field.name != "ontvangers":
            value = getattr(gegevens, field.name)
            setattr(stroom, field.name, value.strip() if isinstance(value, str) else value)
    save_tracked(stroom, user)
    stroom.ontvangers.set(gegevens.ontvangers)
    return stroom


@transaction.atomic
def add_gegevensstroom(*, arrangement: Arrangement, user, expected_version: int,
                       gegevens: Stroomgegevens) -> Gegevensstroom:
    locked = lock_for_edit(arrangement, user, expected_version)
    _check(locked, gegevens)
    save_tracked(locked, user)
    return _apply(Gegevensstroom(arrangement=locked), gegevens, user)


@transaction.atomic
def update_gegevensstroom(*, stroom: Gegevensstroom, user, expected_version: int,
                          gegevens: Stroomgegevens) -> Gegevensstroom:
    locked = lock_for_edit(stroom.arrangement, user, expected_version)
    _check(locked, gegevens)
    save_tracked(locked, user)
    return _apply(stroom, gegevens, user)


@transaction.atomic
def delete_gegevensstroom(*, stroom: Gegevensstroom, user, expected_version: int) -> None:
    locked = lock_for_edit(stroom.arrangement, user, expected_version)
    save_tracked(locked, user)
    stroom._history_user = user
    stroom.delete()
