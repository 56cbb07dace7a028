"""One adopted demo arrangement in the first demo driehoek, walked through the real workflow."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from samenwerking.models import Driehoek, Gebruiker

from . import services, workflow
from .models import Arrangement

DEMO_TITEL = "Handhavingsarrangement basisteam BES"


@transaction.atomic
def create_demo_arrangement() -> Arrangement:
    driehoek = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    existing = Arrangement.objects.filter(driehoek=driehoek, titel=DEMO_TITEL).first()
    if existing:
        return existing
    users = {u.username: u for u in Gebruiker.objects.filter(
        username__in=["coordinator", "teamchef", "secretaris"])}
    today = timezone.localdate()
    arrangement = services.create_arrangement(driehoek=driehoek, user=users["coordinator"], titel=DEMO_TITEL)
    services.update_arrangement(
        arrangement=arrangement, user=users["coordinator"], expected_version=arrangement.lock_version,
        data={
            "titel": DEMO_TITEL,
            "doel": "Politie en de gemeenten Baarn, Bunschoten, De Bilt, Eemnes en Soest leggen vast hoe "
                    "BOA's en het basisteam samenwerken in toezicht en handhaving.",
            "aanleiding": "De driehoek wil de samenwerking structureel en voor alle vijf gemeenten gelijk regelen.",
            "werkgebied": "De gemeenten Baarn, Bunschoten, De Bilt, Eemnes en Soest.",
            "geweldsmiddelen": ["handboeien", "wapenstok"],
            "toezichthouders": "",
            "geldig_van": today.replace(month=1, day=1),
            "geldig_tot": today.replace(month=12, day=31) + datetime.timedelta(days=365),
            "evaluatiedatum": today + datetime.timedelta(days=45),
            "opzegtermijn_maanden": 3,
        },
        inzet=[services.InzetRegel("I", 12, Decimal("9.5")), services.InzetRegel("II", 2, Decimal("1.5"))],
    )
    workflow.perform(arrangement=arrangement, action="indienen", user=users["coordinator"])
    workflow.perform(arrangement=arrangement, action="goedkeuren", user=users["teamchef"],
                     toelichting="Akkoord namens het basisteam.")
    workflow.perform(arrangement=arrangement, action="vaststellen", user=users["secretaris"],
                     vastgesteld_op=today, besluit_referentie="Driehoeksoverleg BES, agendapunt 4")
    arrangement.refresh_from_db()
    return arrangement
