"""The demo werkgroep's overleg of seed 001 (7 February 2019, moved to three weeks ago) with its ACTIEPUNTEN, the
holders matched to members; made through the services, idempotent."""

import datetime

from django.db import transaction
from django.utils import timezone

from samenwerking.demowerkgroep import WERKGROEP_NAAM
from samenwerking.models import Driehoek, Gebruiker

from . import services
from .models import Overleg

DEMO_TITEL = "BOA-Platform – Werkgroep Samenwerking"
AGENDA = ["Opening", "Onderwerpen van deze werkgroep", "Uitwerken van de gekozen onderwerpen", "W.v.t.t.k.",
          "Sluiting"]
# Nr, onderwerp, holder (username), co-holders, days after the overleg (the seed's intervals).
ACTIEPUNTEN = [
    (1, "Versturen Visie op handhavingssamenwerking d.d. 20 oktober 2015 van Lieke Sievers en Peter Vogelzang",
     "secretaris", [], 15),
    (2, "Visie op handhavingssamenwerking op 1A4", "secretaris", [], 29),
    (3, "In gesprek met 167 basisteams over de samenwerking met de BOA's", "jos", ["secretaris"], 236),
    (4, "Het onderzoeken van manieren om informatiedeling zowel qua toepassing van regelgeving als technologie "
        "te vergemakkelijken en te verbeteren.", "lieke", [], 236),
]


@transaction.atomic
def create_demo_werkgroep_overleg() -> Overleg:
    werkgroep = Driehoek.objects.get(naam=WERKGROEP_NAAM)
    existing = Overleg.objects.filter(driehoek=werkgroep, titel=DEMO_TITEL).first()
    if existing:
        return existing
    users = {u.username: u for u in Gebruiker.objects.filter(
        username__in=["secretaris", "lieke", "sten", "jos", "marcel", "martine", "eric"])}
    secretaris = users["secretaris"]
    datum = timezone.localdate() - datetime.timedelta(days=21)
    overleg = services.create_overleg(
        driehoek=werkgroep, user=secretaris,
        data={"soort": Overleg.Soort.WERKGROEP, "titel": DEMO_TITEL, "datum": datum,
              "begintijd": datetime.time(10), "eindtijd": datetime.time(12), "locatie": "Het CCV",
              "voorzitter": users["lieke"], "secretaris": secretaris,
              "verslag": "<p>De werkgroep bespreekt de samenwerking tussen boa's en politie: gegevensuitwisseling, "
                         "de notitie 'Niet naast elkaar, maar met elkaar' en de gesprekken met de basisteams.</p>"},
        deelnemers=[
            services.Deelnemer(gebruiker=users["lieke"]),
            services.Deelnemer(gebruiker=secretaris),
            services.Deelnemer(gebruiker=users["sten"]),
            services.Deelnemer(gebruiker=users["jos"]),
            services.Deelnemer(gebruiker=users["marcel"]),
            services.Deelnemer(naam="Brandy de Vries", organisatie="Factor Veiligheid"),
            services.Deelnemer(naam="Peter Verhoeven", organisatie="Omgevingsdiensten"),
            services.Deelnemer(gebruiker=users["martine"], aanwezig=False),
            services.Deelnemer(gebruiker=users["eric"], aanwezig=False),
        ],
        agenda=AGENDA,
        besluiten=["De werkgroep bezoekt vóór het BOA Event alle 167 basisteams over de samenwerking met boa's."],
    )
    for nummer, onderwerp, eigenaar, mede, dagen in ACTIEPUNTEN:
        services.create_actiepunt(
            driehoek=werkgroep, user=secretaris, overleg=overleg, nummer=nummer,
            medeeigenaren=[users[m] for m in mede] or None,
            data={"onderwerp": onderwerp, "eigenaar": users[eigenaar],
                  "datum_gereed": datum + datetime.timedelta(days=dagen)},
        )
    return overleg
