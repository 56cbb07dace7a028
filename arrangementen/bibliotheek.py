"""The starter clause library and the legal grounds for information sharing, shipped as data
(data/modelbibliotheek.json, data/grondslagen.json).

Loading adds what is missing and leaves existing onderwerpen and modelafspraken alone, so a beheerder's
edits survive and loading twice changes nothing.
"""

import json
from pathlib import Path

from django.db import transaction

from .models import Grondslag, Modelafspraak, Onderwerp

LIBRARY = Path(__file__).resolve().parent / "data" / "modelbibliotheek.json"
GRONDSLAGEN = Path(__file__).resolve().parent / "data" / "grondslagen.json"


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


@transaction.atomic
def load_grondslagen(path: Path = GRONDSLAGEN) -> int:
    """The shipped grounds that are missing, by code (migration 0013 seeds them on install; a database emptied
    since, as a test database is between browser tests, gets them back here)."""
    created = 0
    for row in json.loads(path.read_text("utf-8"))["grondslagen"]:
        if not Grondslag.objects.filter(code=row["code"]).exists():
            grondslag = Grondslag(**row)
            grondslag.full_clean()
            grondslag.save()
            created += 1
    return created
