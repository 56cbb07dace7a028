"""The starter clause library and the legal grounds for information sharing, shipped as data
(data/modelbibliotheek.json, data/grondslagen.json).

Loading adds what is missing and leaves what a beheerder may have edited alone: an onderwerp or modelafspraak that
exists keeps its wording; only a description or guidance that is still empty is filled in (as migration 0016 only
touches a clause that still reads as shipped). So an update of the file reaches existing installs, a beheerder's
edits survive, and loading twice changes nothing. A load is one transaction, and the whole file is checked before
anything is written: a broken file changes nothing.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samenwerking.historie import save_tracked

from .models import Grondslag, Modelafspraak, Onderwerp

LIBRARY = Path(__file__).resolve().parent / "data" / "modelbibliotheek.json"
GRONDSLAGEN = Path(__file__).resolve().parent / "data" / "grondslagen.json"
SHIPPED = "Meegeleverde modelbibliotheek"
CLAUSE_FIELDS = ("titel", "tekst", "toelichting", "verantwoordelijke", "verplicht", "standaard")


class BibliotheekFout(ValueError):
    """A shipped data file that cannot be loaded; the message says where, in Dutch."""


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        message = _("%(bestand)s is niet te lezen: %(fout)s") % {"bestand": path.name, "fout": exc}
        raise BibliotheekFout(message) from exc


def _checked_library(path: Path) -> list[dict]:
    """The onderwerpen of the file, each with its clauses, after checking every field a load needs."""
    data = read_json(path)
    try:
        onderwerpen = [
            {"niveau": item["niveau"], "naam": item["naam"], "omschrijving": item["omschrijving"],
             "afspraken": [{field: clause.get(field, "") if field == "toelichting" else clause[field]
                            for field in CLAUSE_FIELDS} for clause in item["afspraken"]]}
            for item in data["onderwerpen"]
        ]
    except (KeyError, TypeError) as exc:
        raise BibliotheekFout(_("%(bestand)s mist een verplicht veld: %(veld)s") % {
            "bestand": path.name, "veld": exc}) from exc
    for item in onderwerpen:
        try:
            Onderwerp(niveau=item["niveau"], naam=item["naam"], omschrijving=item["omschrijving"]).full_clean(
                validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise BibliotheekFout(_("Onderwerp '%(naam)s' in %(bestand)s klopt niet: %(fout)s") % {
                "naam": item["naam"], "bestand": path.name, "fout": exc}) from exc
    return onderwerpen


@transaction.atomic
def load_library(path: Path = LIBRARY) -> tuple[int, int]:
    """Adds missing onderwerpen and modelafspraken and fills empty descriptions and guidance; returns how many
    onderwerpen and modelafspraken were added."""
    new_onderwerpen = new_clauses = 0
    for volgorde, item in enumerate(_checked_library(path)):
        onderwerp, created = Onderwerp.objects.get_or_create(
            niveau=item["niveau"], naam=item["naam"], defaults={"volgorde": volgorde},
        )
        new_onderwerpen += created
        if not onderwerp.omschrijving and item["omschrijving"]:
            onderwerp.omschrijving = item["omschrijving"]
            save_tracked(onderwerp, None, SHIPPED)
        existing = {m.titel: m for m in Modelafspraak.objects.filter(onderwerp=onderwerp)}
        for clause_volgorde, clause in enumerate(item["afspraken"]):
            new_clauses += _load_clause(onderwerp, clause, existing.get(clause["titel"]), clause_volgorde)
    return new_onderwerpen, new_clauses


def _load_clause(onderwerp: Onderwerp, clause: dict, modelafspraak: Modelafspraak | None, volgorde: int) -> bool:
    """A missing clause is added; an existing one only gets guidance where it has none."""
    if modelafspraak is None:
        save_tracked(Modelafspraak(onderwerp=onderwerp, volgorde=volgorde, **clause), None, SHIPPED)
        return True
    if not modelafspraak.toelichting and clause["toelichting"]:
        modelafspraak.toelichting = clause["toelichting"]
        save_tracked(modelafspraak, None, SHIPPED)
    return False


@transaction.atomic
def load_grondslagen(path: Path = GRONDSLAGEN) -> int:
    """The shipped grounds that are missing, by code (migration 0013 seeds them on install; a database emptied
    since, as a test database is between browser tests, gets them back here)."""
    created = 0
    for row in read_json(path)["grondslagen"]:
        if not Grondslag.objects.filter(code=row["code"]).exists():
            grondslag = Grondslag(**row)
            grondslag.full_clean()
            grondslag.save()
            created += 1
    return created
