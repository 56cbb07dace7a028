"""A driehoek whose arrangement needs the approval of several parties (review per party, issue 13 item 2)."""

from dataclasses import dataclass

from arrangementen import goedkeuring, services, workflow
from arrangementen.bibliotheek import load_library
from arrangementen.models import Arrangement
from samenwerking.models import Arrondissementsparket, Driehoek, Gebruiker, Organisatie, Rol

from ..factories import DriehoekFactory, GebruikerFactory, GemeenteFactory, lid


@dataclass
class Beoordelwereld:
    driehoek: Driehoek
    arrangement: Arrangement
    coordinator: Gebruiker
    reviewers: dict[str, Gebruiker]  # organisation name → a reviewer of that party

    def reviewer(self, soort: str, index: int = 0) -> Gebruiker:
        names = sorted(n for n, u in self.reviewers.items() if u.organisatie.soort == soort)
        return self.reviewers[names[index]]


def build(*, gemeenten: int = 3, indienen: bool = True) -> Beoordelwereld:
    """A driehoek of `gemeenten` gemeenten served by one parket; the coordinator works for the first gemeente;
    one reviewer per party."""
    load_library()
    parket = Arrondissementsparket.objects.create(code="PBW", naam="Parket Beoordeling",
                                                  arrondissementen="Beoordeling")
    driehoek = DriehoekFactory(gemeenten=[GemeenteFactory(parket=parket) for _ in range(gemeenten)])
    coordinator = GebruikerFactory()
    lid(coordinator, driehoek, Rol.COORDINATOR)
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator, titel="Arrangement per partij")
    eerste = arrangement.partijen.filter(organisatie__soort=Organisatie.Soort.GEMEENTE).first().organisatie
    coordinator.organisatie = eerste
    coordinator.save(update_fields=["organisatie"])
    reviewers = {}
    for partij in arrangement.partijen.select_related("organisatie"):
        reviewer = GebruikerFactory(organisatie=partij.organisatie)
        lid(reviewer, driehoek, Rol.REVIEWER)
        reviewers[partij.organisatie.naam] = reviewer
    if indienen:
        workflow.perform(arrangement=arrangement, action="indienen", user=coordinator, toelichting="Graag uw oordeel")
    arrangement.refresh_from_db()
    return Beoordelwereld(driehoek=driehoek, arrangement=arrangement, coordinator=coordinator, reviewers=reviewers)


def required_names(arrangement: Arrangement) -> list[str]:
    return [p.organisatie.naam for p in goedkeuring.required_partijen(arrangement)]
