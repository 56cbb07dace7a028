"""The starter clause library shipped as data (data/modelbibliotheek.json).

Loading adds what is missing and leaves existing onderwerpen and modelafspraken alone, so a beheerder's
edits survive and loading twice changes nothing.
"""

import json
from pathlib import Path

from django.db import transaction

from .models import Modelafspraak, Onderwerp

LIBRARY = Path(__file__).resolve().parent / "data" / "modelbibliotheek.json"


@transaction.atomic
def load_library(path: Path = LIBRARY) -> tuple[int, int]:
    data = json.loads(path.read_text("utf-8"))
    new_onderwerpen = new_clauses = 0
    for volgorde, item in enumerate(data["onderwerpen"]):
        onderwerp, created = Onderwerp.objects.get_or_create(
            niveau=item["niveau"], naam=item["naam"], defaults={"volgorde": volgorde},
        )
        new_onderwerpen += created
        for clause_volgorde, clause in enumerate(item["afspraken"]):
            if Modelafspraak.objects.filter(onderwerp=onderwerp, titel=clause["titel"]).exists():
                continue
            modelafspraak = Modelafspraak(
                onderwerp=onderwerp, titel=clause["titel"], tekst=clause["tekst"],
                verantwoordelijke=clause["verantwoordelijke"], verplicht=clause["verplicht"],
                standaard=clause["standaard"], volgorde=clause_volgorde,
            )
            modelafspraak.full_clean()
            modelafspraak.save()
            new_clauses += 1
    return new_onderwerpen, new_clauses
