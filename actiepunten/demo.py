"""A demo overleg in the first demo driehoek with actiepunten in every state, made through the services."""

import datetime

from django.db import transaction
from django.utils import timezone

from samenwerking.models import Driehoek, Gebruiker

from . import services
from .models import Overleg

DEMO_TITEL = "Tactisch overleg BOA's en basisteam BES"


@transaction.atomic
def create_demo_overleg() -> Overleg:
    driehoek = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    existing = Overleg.objects.filter(driehoek=driehoek, titel=DEMO_TITEL).first()
    if existing:
        return existing
    users = {u.username: u for u in Gebruiker.objects.filter(
        username__in=["coordinator", "teamchef", "secretaris", "officier"])}
    secretaris = users["secretaris"]
    today = timezone.localdate()
    overleg = services.create_overleg(
        driehoek=driehoek, user=secretaris,
        data={"soort": Overleg.Soort.TACTISCH, "titel": DEMO_TITEL, "datum": today - datetime.timedelta(days=21),
              "begintijd": datetime.time(10), "eindtijd": datetime.time(12), "locatie": "Politiebureau Soest",
              "voorzitter": users["teamchef"], "secretaris": secretaris,
              "verslag": "<p>De coördinator en het basisteam bespreken de inzet rond de jaarwisseling en de "
                         "gezamenlijke briefing.</p><ul><li>Gezamenlijke briefing op vrijdag</li>"
                         "<li>Portofoons voor de BOA's</li></ul>"},
        deelnemers=[
            services.Deelnemer(gebruiker=users["coordinator"]),
            services.Deelnemer(gebruiker=users["teamchef"]),
            services.Deelnemer(gebruiker=secretaris),
            services.Deelnemer(naam="Ine Schilder", organisatie="Omgevingsdienst regio Utrecht"),
            services.Deelnemer(gebruiker=users["officier"], aanwezig=False),
        ],
        agenda=["Opening", "Inzet jaarwisseling", "Informatiedeling en portofoons", "Rondvraag"],
        besluiten=["De BOA's sluiten vanaf volgende maand aan bij de vrijdagbriefing van het basisteam."],
    )
    punten = [
        ("Afspraken over portofoongebruik met de meldkamer vastleggen", users["coordinator"], {}, -10),
        ("Rooster gezamenlijke briefing delen", users["teamchef"], {}, 5),
        ("Inzetplan jaarwisseling opstellen", None,
         {"extern_naam": "Ine Schilder", "extern_email": "ine.schilder@demo.invalid",
          "extern_organisatie": "Omgevingsdienst regio Utrecht"}, 40),
        ("Verslag rondsturen", secretaris, {}, -14),
    ]
    created = []
    for onderwerp, eigenaar, extern, days in punten:
        created.append(services.create_actiepunt(
            driehoek=driehoek, user=secretaris, overleg=overleg,
            data={"onderwerp": onderwerp, "eigenaar": eigenaar, "datum_gereed": today + datetime.timedelta(days=days),
                  **extern},
        ))
    services.change_status(actiepunt=created[3], user=secretaris, action="gereed_melden")
    return overleg
