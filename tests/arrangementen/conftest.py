"""A world for the arrangementen tests: the clause library, two driehoeken with one member per role in each,
and in both driehoeken one arrangement from the standard model in every status.

Built once per module inside a transaction that is rolled back at the end; every test runs in its own
savepoint on top of it, so tests may change the world freely.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction

from arrangementen import services
from arrangementen.bibliotheek import load_library
from arrangementen.models import Arrangement, Modelafspraak, Status
from arrangementen.services import InzetRegel
from samenwerking.models import Arrondissementsparket, Driehoek, Gebruiker, Organisatie, Rol

from ..factories import DriehoekFactory, GebruikerFactory, OrganisatieFactory, lid
from .helpers import REFERENTIE, zet_status


@dataclass
class Wereld:
    eigen: Driehoek
    andere: Driehoek
    leden: dict[str, Gebruiker]  # role → the member with that role in `eigen`
    vreemden: dict[str, Gebruiker]  # role → the member with that role in `andere`
    # scope ("eigen"/"andere") → status → an arrangement from the standard model in that status
    per_status: dict[str, dict[str, Arrangement]] = field(default_factory=dict)

    @property
    def coordinator(self) -> Gebruiker:
        return self.leden[Rol.COORDINATOR]

    def nieuw(self, titel: str = "Handhavingsarrangement", *, start: str = "model", user=None) -> Arrangement:
        """A fresh concept in the own driehoek, made the way the product makes it."""
        return services.create_arrangement(driehoek=self.eigen, user=user or self.coordinator, titel=titel,
                                           start=start)

    def verplichte(self) -> list[Modelafspraak]:
        return list(Modelafspraak.objects.filter(verplicht=True, actief=True))


def _partijen_voor(driehoek: Driehoek):
    """The default parties' organisations under known names: the gemeente, the eenheid and the parket that
    serves the gemeente (a driehoek without them gets them made by create_arrangement)."""
    gemeente = driehoek.gemeenten.first()
    gemeente.parket = Arrondissementsparket.objects.create(code=f"P{driehoek.pk}", naam=f"van {driehoek.naam}",
                                                           arrondissementen=driehoek.naam)
    gemeente.save()
    OrganisatieFactory(naam=f"Gemeente van {driehoek.naam}", soort=Organisatie.Soort.GEMEENTE, gemeente=gemeente)
    OrganisatieFactory(naam=f"Politie {driehoek.eenheid.naam}", soort=Organisatie.Soort.POLITIE,
                       eenheid=driehoek.eenheid)
    OrganisatieFactory(naam=f"Parket voor {driehoek.naam}", soort=Organisatie.Soort.OM, parket=gemeente.parket)


def bouw_wereld() -> Wereld:
    load_library()
    eigen, andere = DriehoekFactory(), DriehoekFactory()
    for driehoek in (eigen, andere):
        _partijen_voor(driehoek)
    wereld = Wereld(eigen=eigen, andere=andere, leden={}, vreemden={})
    for rol in Rol:
        wereld.leden[rol.value] = GebruikerFactory()
        lid(wereld.leden[rol.value], eigen, rol)
        wereld.vreemden[rol.value] = GebruikerFactory()
        lid(wereld.vreemden[rol.value], andere, rol)
    # The reviewers are teamchefs: they approve for the politie party (review per party).
    for reviewer, driehoek in ((wereld.leden[Rol.REVIEWER], eigen), (wereld.vreemden[Rol.REVIEWER], andere)):
        reviewer.organisatie = Organisatie.objects.get(naam=f"Politie {driehoek.eenheid.naam}")
        reviewer.save(update_fields=["organisatie"])
    for scope, driehoek, coordinator in (("eigen", eigen, wereld.leden[Rol.COORDINATOR]),
                                         ("andere", andere, wereld.vreemden[Rol.COORDINATOR])):
        wereld.per_status[scope] = {}
        for status in Status:
            arrangement = services.create_arrangement(
                driehoek=driehoek, user=coordinator, titel=f"Arrangement {scope} {status.value}",
            )
            wereld.per_status[scope][status.value] = zet_status(arrangement, status.value)
    return wereld


@pytest.fixture(scope="module")
def wereld(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield bouw_wereld()
        transaction.set_rollback(True)


@pytest.fixture
def vastgesteld(wereld):
    """Version 1 with everything filled in, adopted by the driehoek."""
    arrangement = wereld.nieuw("Arrangement Utrechtse Heuvelrug")
    services.update_arrangement(
        arrangement=arrangement, user=wereld.coordinator, expected_version=1,
        data={"doel": "Samen zichtbaar in de wijk.", "aanleiding": "Meer overlast.", "werkgebied": "Centrum",
              "toezichthouders": "Team Toezicht",
              "geldig_van": datetime.date(2025, 1, 1), "geldig_tot": datetime.date(2026, 12, 31),
              "evaluatiedatum": datetime.date(2025, 12, 1), "opzegtermijn_maanden": 3},
        inzet=[InzetRegel("I", 8, Decimal("6.5")), InzetRegel("II", 2, Decimal("1.0"))])
    services.add_partij(arrangement=arrangement, user=wereld.coordinator, expected_version=2,
                        organisatie=OrganisatieFactory(naam="Staatsbosbeheer",
                                                       soort=Organisatie.Soort.TERREINBEHEERDER),
                        ondertekenaar_functie="regiodirecteur", ondertekenaar_naam="A. de Boer")
    return zet_status(arrangement, Status.VASTGESTELD, vastgesteld_op=datetime.date(2025, 1, 15),
                      besluit_referentie=REFERENTIE)


@pytest.fixture
def als(client, wereld):
    """Log the client in as the member with this role in the own driehoek."""
    def login(rol):
        client.force_login(wereld.leden[rol])
        return client
    return login


@pytest.fixture
def concept(wereld):
    return wereld.nieuw("Handhavingsarrangement Heuvelrug")
