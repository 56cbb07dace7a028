"""Werkgroepen: a Driehoek of soort werkgroep, with members from several organisations and driehoeken.

A werkgroep carries access exactly like a driehoek (its memberships grant the guardian rows), so every overleg and
actiepunt feature works for it unchanged; what differs is said here: it has no arrangements, and its page groups
the members per organisation.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import Driehoek, Organisatie


def refuse_arrangements(*, driehoek: Driehoek) -> None:
    """A werkgroep has overleggen and actiepunten, never an arrangement: refused with a Dutch message."""
    if driehoek.is_werkgroep:
        raise ValidationError({"driehoek": _(
            "“%(naam)s” is een werkgroep. Een arrangement hoort bij een driehoek; kies een driehoek."
        ) % {"naam": driehoek.naam}})


def only_driehoeken(queryset: QuerySet) -> QuerySet:
    """The driehoeken of this queryset that can hold arrangements: werkgroepen left out."""
    return queryset.exclude(soort=Driehoek.Soort.WERKGROEP)


def soorten_with_arrangements() -> list[tuple[str, str]]:
    """The soorten of driehoek an arrangement can belong to (filter choices of the overview)."""
    return [(value, label) for value, label in Driehoek.Soort.choices if value != Driehoek.Soort.WERKGROEP]


@dataclass
class Organisatiegroep:
    organisatie: Organisatie | None
    leden: list[dict]


def members_per_organisation(leden: list[dict]) -> list[Organisatiegroep]:
    """The members (samenwerking.selectors.driehoek_members) grouped per organisation, by the organisation's
    name; members without one last. No queries: the members came with their organisation."""
    groups: dict[int | None, Organisatiegroep] = {}
    for lid in leden:
        organisatie = lid["gebruiker"].organisatie
        key = organisatie.pk if organisatie else None
        groups.setdefault(key, Organisatiegroep(organisatie=organisatie, leden=[])).leden.append(lid)
    return sorted(groups.values(), key=lambda g: (g.organisatie is None, str(g.organisatie or "").lower()))
