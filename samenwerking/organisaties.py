"""The organisations behind the reference data, and the other BOA-werkgevers a coordinator adds.

Every gemeente, politie-eenheid, known basisteam and arrondissementsparket is one Organisatie, found by its link
(the gemeente, eenheid, basisteam or parket it stands for), not by its name: a renamed gemeente renames its
organisation instead of getting a second one (only a namesake made by hand, without a link, is adopted).
`laad_referentiedata` keeps them all in step; the default parties of a new arrangement ask for the ones they need,
so they exist even where the load has not run yet.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .historie import save_tracked
from .models import Arrondissementsparket, Basisteam, Eenheid, Gemeente, Organisatie

# The soorten a coordinator may create as a party: BOA-werkgevers without reference data.
BOA_WERKGEVERS = (
    Organisatie.Soort.TERREINBEHEERDER,
    Organisatie.Soort.VERVOERDER,
    Organisatie.Soort.OMGEVINGSDIENST,
    Organisatie.Soort.PROVINCIE,
    Organisatie.Soort.WATERSCHAP,
    Organisatie.Soort.OVERIG,
)


@dataclass(frozen=True)
class _Doel:
    """What the organisation of one gemeente, eenheid, basisteam or parket should look like."""

    soort: str
    link: str  # the field that links the organisation to what it stands for
    object: object
    naam: str
    alternatief: str  # when another organisation already has `naam` (names are unique)

    def values(self, naam: str) -> dict:
        values = {"naam": naam, self.link: self.object}
        if self.link == "basisteam":
            values["eenheid"] = self.object.eenheid
        return values


def _doel_gemeente(gemeente: Gemeente) -> _Doel:
    naam = _("Gemeente %(naam)s") % {"naam": gemeente.weergavenaam}
    return _Doel(Organisatie.Soort.GEMEENTE, "gemeente", gemeente, naam, f"{naam} ({gemeente.cbs_code})")


def _doel_eenheid(eenheid: Eenheid) -> _Doel:
    naam = _("Politie %(eenheid)s") % {"eenheid": eenheid.volledige_naam}
    return _Doel(Organisatie.Soort.POLITIE, "eenheid", eenheid, naam, f"{naam} ({eenheid.code})")


def _doel_basisteam(basisteam: Basisteam) -> _Doel:
    naam = _("Politie basisteam %(naam)s") % {"naam": basisteam.naam}
    return _Doel(Organisatie.Soort.POLITIE, "basisteam", basisteam, naam, f"{naam} ({basisteam.eenheid.naam})")


def _doel_parket(parket: Arrondissementsparket) -> _Doel:
    return _Doel(Organisatie.Soort.OM, "parket", parket, str(parket), f"{parket} ({parket.code})")


def _link_key(organisatie: Organisatie) -> tuple | None:
    """The reference object an organisation stands for; a basisteam's organisation also names its eenheid."""
    for link in ("basisteam", "gemeente", "parket", "eenheid"):
        if getattr(organisatie, f"{link}_id") is not None:
            return organisatie.soort, link, getattr(organisatie, f"{link}_id")
    return None


class _Register:
    """The organisations that exist, by what they stand for and by name, so a load asks the database once."""

    def __init__(self, organisaties):
        self.by_link, self.by_name = {}, {}
        for organisatie in organisaties:
            self.add(organisatie)

    def add(self, organisatie: Organisatie):
        key = _link_key(organisatie)
        if key is not None:
            self.by_link.setdefault(key, organisatie)
        self.by_name[organisatie.naam] = organisatie

    def find(self, doel: _Doel) -> Organisatie | None:
        found = self.by_link.get((doel.soort, doel.link, doel.object.pk))
        if found is None:
            # A beheerder may have made it by hand under this name, without the link: adopt it.
            namesake = self.by_name.get(doel.naam)
            if namesake is not None and namesake.soort == doel.soort and _link_key(namesake) is None:
                return namesake
        return found

    def naam(self, doel: _Doel, organisatie: Organisatie | None) -> str:
        if organisatie is not None and organisatie.naam in (doel.naam, doel.alternatief):
            return organisatie.naam
        holder = self.by_name.get(doel.naam)
        return doel.alternatief if holder is not None and holder is not organisatie else doel.naam


def _get_or_create(doel: _Doel, user) -> Organisatie:
    """For a default party: the organisation as it is, or a new one where none exists yet."""
    organisatie = Organisatie.objects.filter(
        soort=doel.soort, **{doel.link: doel.object}, **({"basisteam": None} if doel.link == "eenheid" else {}),
    ).order_by("pk").first()
    if organisatie is not None:
        return organisatie
    register = _Register(Organisatie.objects.filter(naam__in=[doel.naam, doel.alternatief]))
    organisatie = register.find(doel)
    values = doel.values(register.naam(doel, organisatie))
    if organisatie is None:
        return save_tracked(Organisatie(soort=doel.soort, **values), user)
    for name, value in values.items():
        setattr(organisatie, name, value)
    return save_tracked(organisatie, user)


def voor_gemeente(*, gemeente: Gemeente, user=None) -> Organisatie:
    return _get_or_create(_doel_gemeente(gemeente), user)


def voor_eenheid(*, eenheid: Eenheid, user=None) -> Organisatie:
    return _get_or_create(_doel_eenheid(eenheid), user)


def voor_basisteam(*, basisteam: Basisteam, user=None) -> Organisatie:
    return _get_or_create(_doel_basisteam(basisteam), user)


def voor_parket(*, parket: Arrondissementsparket, user=None) -> Organisatie:
    return _get_or_create(_doel_parket(parket), user)


def keep_all_in_step(*, tel) -> None:
    """Every reference organisation created or updated (renamed gemeente, moved basisteam); `tel(status)` counts
    aangemaakt / gewijzigd / ongewijzigd per organisation. New ones are inserted in bulk, with their history."""
    register = _Register(Organisatie.objects.order_by("pk"))
    doelen = [
        *map(_doel_gemeente, Gemeente.objects.all()),
        *map(_doel_eenheid, Eenheid.objects.all()),
        *map(_doel_basisteam, Basisteam.objects.select_related("eenheid")),
        *map(_doel_parket, Arrondissementsparket.objects.all()),
    ]
    nieuw = []
    for doel in doelen:
        organisatie = register.find(doel)
        values = doel.values(register.naam(doel, organisatie))
        if organisatie is None:
            organisatie = Organisatie(soort=doel.soort, **values)
            # The links come from rows just loaded and the register has checked the name: no query per row.
            organisatie.clean_fields(exclude=["gemeente", "basisteam", "eenheid", "parket"])
            nieuw.append(organisatie)
            register.add(organisatie)
            tel("aangemaakt")
            continue
        changed = [name for name, value in values.items() if getattr(organisatie, name) != value]
        if changed:
            register.by_name.pop(organisatie.naam, None)
            for name in changed:
                setattr(organisatie, name, values[name])
            save_tracked(organisatie, None)
            register.add(organisatie)
        tel("gewijzigd" if changed else "ongewijzigd")
    bulk_create_with_history(nieuw, Organisatie, batch_size=500)


def vertegenwoordigt(*, eigen: Organisatie | None, partij: Organisatie) -> bool:
    """Whether someone of organisation `eigen` acts for the party `partij`: the same organisation, or a basisteam
    of the politie-eenheid that is the party (a teamchef signs for the politiechef of the eenheid)."""
    if eigen is None:
        return False
    if eigen.pk == partij.pk:
        return True
    return (partij.soort == Organisatie.Soort.POLITIE and partij.basisteam_id is None
            and partij.eenheid_id is not None and eigen.basisteam_id is not None
            and eigen.eenheid_id == partij.eenheid_id)


@transaction.atomic
def create_boa_werkgever(*, naam: str, soort: str, user) -> Organisatie:
    """A terreinbeheerder, vervoerder or other BOA-werkgever that is not in the reference data yet."""
    naam = " ".join(naam.split())
    if soort not in BOA_WERKGEVERS:
        raise ValidationError({"soort": _("Kies het soort organisatie: terreinbeheerder, vervoerder, "
                                          "omgevingsdienst, provincie, waterschap of overig.")})
    if not naam:
        raise ValidationError({"naam": _("Geef de naam van de organisatie.")})
    if Organisatie.objects.filter(naam__iexact=naam).exists():
        raise ValidationError({"naam": _("Er bestaat al een organisatie met de naam '%(naam)s'. Kies haar in de "
                                         "lijst hierboven.") % {"naam": naam}})
    return save_tracked(Organisatie(naam=naam, soort=soort), user)
