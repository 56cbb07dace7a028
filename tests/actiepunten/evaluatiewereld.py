"""Setup for evaluation tests: a signed arrangement in force with afspraken on three niveaus, and an overleg of
soort evaluatie. Signing is walked in its own tests; here the status is put in place (as tests/arrangementen
/helpers.zet_status does), so these tests depend only on what they test."""

import datetime

from actiepunten import services as actiepunt_services
from actiepunten.evaluaties.services import OordeelRegel
from actiepunten.models import Overleg
from arrangementen.models import Arrangement, Status
from arrangementen.services import create_arrangement

from ..factories import AfspraakFactory, OnderwerpFactory, vandaag

AFSPRAKEN = [
    ("strategisch", "Gezamenlijke prioriteiten", "Prioriteiten vaststellen"),
    ("strategisch", "Gezamenlijke prioriteiten", "Informatie delen"),
    ("tactisch", "Inzet en sturing", "Maandelijks inzetoverleg"),
    ("operationeel", "Uitvoering", "Meldingen doorzetten"),
    ("operationeel", "Uitvoering", "Gezamenlijke surveillance"),
]


def ondertekend_arrangement(driehoek, user, *, titel="Handhavingsarrangement Evaluatie", **velden) -> Arrangement:
    arrangement = create_arrangement(driehoek=driehoek, user=user, titel=titel, start="leeg")
    for volgorde, (niveau, onderwerp, afspraak) in enumerate(AFSPRAKEN):
        AfspraakFactory(arrangement=arrangement, onderwerp=OnderwerpFactory(niveau=niveau, naam=onderwerp),
                        titel=afspraak, tekst=f"Tekst van {afspraak.lower()}.", volgorde=volgorde)
    today = vandaag()
    velden = {"status": Status.ONDERTEKEND, "geldig_van": today - datetime.timedelta(days=300),
              "geldig_tot": today + datetime.timedelta(days=800), "evaluatiedatum": today, **velden}
    Arrangement.objects.filter(pk=arrangement.pk).update(**velden)
    arrangement.refresh_from_db()
    return arrangement


def evaluatie_overleg(driehoek, secretaris, *, datum=None) -> Overleg:
    return actiepunt_services.create_overleg(driehoek=driehoek, user=secretaris, data={
        "soort": Overleg.Soort.EVALUATIE, "titel": "Jaarlijkse evaluatie", "datum": datum or vandaag(),
        "secretaris": secretaris,
    })


def oordelen_voor(arrangement, **per_titel) -> list:
    """Werkt for every afspraak, unless `per_titel` says otherwise: {"Informatie delen": ("vervalt", "…")}."""
    regels = []
    for afspraak in arrangement.afspraken.order_by("volgorde"):
        oordeel, toelichting = per_titel.get(afspraak.titel, ("werkt", ""))
        regels.append(OordeelRegel(afspraak_id=afspraak.pk, oordeel=oordeel, toelichting=toelichting))
    return regels
