"""The shipped library and praktijkvoorbeelden (issue 17 items 1 and 2): loading is idempotent and all-or-nothing,
reaches existing installs without overwriting a beheerder's edits, and covers the seed's recommendations."""

import json

import pytest
from django.core.management import CommandError, call_command

from arrangementen.bibliotheek import LIBRARY, BibliotheekFout, load_library
from arrangementen.models import Modelafspraak, Onderwerp, PraktijkStatus, Praktijkvoorbeeld
from arrangementen.praktijkvoorbeelden import PRAKTIJKVOORBEELDEN, load_praktijkvoorbeelden

pytestmark = pytest.mark.django_db

# Seed 002's recommendations (issue 17, item 1) → the clause that carries each.
SEED_RECOMMENDATIONS = {
    "burenhulp tussen gemeenten": "Burenhulp tussen gemeenten",
    "BOA's werken vanuit het politiebureau": "BOA's werken vanuit het politiebureau",
    "signaaltoezicht": "Signaaltoezicht door BOA's",
    "arrestantenvervoer": "Overbrengen van arrestanten door de BOA-organisatie",
    "ID-vaststelling": "Identiteitsvaststelling via het RTIC",
    "jeugd-BOA's met jeugdtaakaccenthouders": "Jeugd-BOA's en jeugdagenten",
    "buitengebied en water: wildcrossen, afvaldumping, stroperij":
        "Acties tegen wildcrossen, afvaldumping en stroperij",
    "buitengebied en water: toezicht op het water": "Toezicht op het water met de politie aan de wal",
    "evenementen en demonstraties": "Evenementen en demonstraties",
    "gedetacheerde politiemensen bij stadstoezicht": "Politieliaison gedetacheerd bij stadstoezicht",
    "aansturing door de operationeel expert": "Aansturing door de operationeel expert",
}


def _snapshot():
    return (
        sorted(Onderwerp.objects.values_list("niveau", "naam", "omschrijving")),
        sorted(Modelafspraak.objects.values_list("titel", "tekst", "toelichting")),
        sorted(Praktijkvoorbeeld.objects.values_list("code", "titel", "afgesproken")),
        Modelafspraak.history.count() + Onderwerp.history.count() + Praktijkvoorbeeld.history.count(),
    )


def _load_all():
    load_library()
    return load_praktijkvoorbeelden()


def test_every_onderwerp_has_a_description_and_every_clause_its_guidance():
    _load_all()
    assert Onderwerp.objects.count() == 20
    assert not Onderwerp.objects.filter(omschrijving="").exists()
    assert not Modelafspraak.objects.filter(toelichting="").exists()


@pytest.mark.parametrize(("aanbeveling", "titel"), SEED_RECOMMENDATIONS.items())
def test_each_seed_recommendation_has_a_clause_naming_the_seed(aanbeveling, titel):
    _load_all()
    clause = Modelafspraak.objects.get(titel=titel)
    assert "seed 002" in clause.toelichting, aanbeveling
    assert clause.actief and not clause.standaard and not clause.verplicht
    assert clause.praktijkvoorbeelden.filter(status=PraktijkStatus.GEPUBLICEERD).exists()


def test_an_onderwerp_offers_variants_with_guidance_side_by_side():
    _load_all()
    aansturing = Modelafspraak.objects.filter(onderwerp__naam="Aansturing van de operationele organisatie")
    assert set(aansturing.values_list("titel", flat=True)) == {
        "Dagelijkse aansturing", "Aansturing door de operationeel expert",
        "Politieliaison gedetacheerd bij stadstoezicht"}
    assert "BOA-coördinator" in aansturing.get(titel="Dagelijkse aansturing").toelichting


def test_the_shipped_practices_are_loaded_with_their_links():
    assert _load_all() == 12
    den_haag = Praktijkvoorbeeld.objects.get(code="den-haag-aansturing-oe")
    assert den_haag.plaats == "Den Haag" and "seed 002" in den_haag.bron.lower()
    assert den_haag.domein_codes == ["I", "II"]
    assert set(den_haag.modelafspraken.values_list("titel", flat=True)) >= {"Aansturing door de operationeel expert"}
    assert den_haag.history.filter(history_type="+").exists()
    for code in ("limburg-burenhulp", "almere-veenendaal-detachering", "rotterdam-arrestantenvervoer",
                 "groningen-jeugd", "zeeland-water", "g4-jaarwisseling"):
        voorbeeld = Praktijkvoorbeeld.objects.get(code=code)
        assert voorbeeld.onderwerpen.exists() and voorbeeld.modelafspraken.exists(), code


def test_loading_twice_changes_nothing():
    _load_all()
    before = _snapshot()
    assert load_library() == (0, 0)
    assert load_praktijkvoorbeelden() == 0
    assert _snapshot() == before


def test_the_command_loads_everything_and_says_so(capsys):
    call_command("laad_modelbibliotheek")
    assert "12 praktijkvoorbeelden" in capsys.readouterr().out
    call_command("laad_modelbibliotheek")
    assert "0 onderwerpen, 0 modelafspraken, 0 praktijkvoorbeelden" in capsys.readouterr().out


def test_an_existing_install_gets_descriptions_guidance_and_new_clauses_but_keeps_a_beheerders_edits():
    _load_all()
    # An install from before issue 17: empty descriptions and guidance, no new clauses.
    Onderwerp.objects.update(omschrijving="")
    Modelafspraak.objects.update(toelichting="")
    Modelafspraak.objects.filter(titel="Burenhulp tussen gemeenten").delete()
    eigen = Onderwerp.objects.get(naam="Professionele normen")
    eigen.omschrijving = "Onze eigen omschrijving."
    eigen.save()
    clause = Modelafspraak.objects.get(titel="Werkverdeling")
    clause.tekst, clause.toelichting = "Eigen tekst van de beheerder.", "Eigen toelichting."
    clause.save()
    assert load_library() == (0, 1)
    assert not Onderwerp.objects.filter(omschrijving="").exists()
    assert Onderwerp.objects.get(pk=eigen.pk).omschrijving == "Onze eigen omschrijving."
    clause.refresh_from_db()
    assert (clause.tekst, clause.toelichting) == ("Eigen tekst van de beheerder.", "Eigen toelichting.")
    assert Modelafspraak.objects.get(titel="Burenhulp tussen gemeenten").toelichting
    filled = Modelafspraak.objects.get(titel="Escalatieladder").history.order_by("-history_id").first()
    assert filled.history_change_reason == "Meegeleverde modelbibliotheek" and filled.toelichting


def test_a_beheerders_edit_of_a_shipped_practice_survives_a_new_load():
    _load_all()
    Praktijkvoorbeeld.objects.filter(code="groningen-jeugd").update(titel="Eigen titel")
    load_praktijkvoorbeelden()
    assert Praktijkvoorbeeld.objects.get(code="groningen-jeugd").titel == "Eigen titel"


def _broken_library(tmp_path):
    data = json.loads(LIBRARY.read_text("utf-8"))
    data["onderwerpen"].append({"niveau": "onbekend", "naam": "Kapot", "omschrijving": "x", "afspraken": []})
    path = tmp_path / "modelbibliotheek.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_a_broken_library_file_changes_nothing(tmp_path):
    _load_all()
    Onderwerp.objects.update(omschrijving="")
    Modelafspraak.objects.filter(titel="Burenhulp tussen gemeenten").delete()
    before = _snapshot()
    with pytest.raises(BibliotheekFout, match="Kapot"):
        load_library(_broken_library(tmp_path))
    assert _snapshot() == before


def test_a_clause_missing_a_field_changes_nothing(tmp_path):
    data = json.loads(LIBRARY.read_text("utf-8"))
    del data["onderwerpen"][-1]["afspraken"][0]["tekst"]
    path = tmp_path / "modelbibliotheek.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(BibliotheekFout, match="tekst"):
        load_library(path)
    assert not Onderwerp.objects.exists() and not Modelafspraak.objects.exists()


def test_a_practice_linking_an_unknown_clause_changes_nothing(tmp_path):
    load_library()
    data = json.loads(PRAKTIJKVOORBEELDEN.read_text("utf-8"))
    data["praktijkvoorbeelden"][-1]["modelafspraken"] = ["Bestaat niet"]
    path = tmp_path / "praktijkvoorbeelden.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(BibliotheekFout, match="Bestaat niet"):
        load_praktijkvoorbeelden(path)
    assert not Praktijkvoorbeeld.objects.exists()


def test_the_command_refuses_a_broken_file_with_a_dutch_message_and_changes_nothing(tmp_path, monkeypatch):
    """The library loads fine, the practices file is broken: the command's one transaction undoes both."""
    data = json.loads(PRAKTIJKVOORBEELDEN.read_text("utf-8"))
    del data["praktijkvoorbeelden"][3]["wat_werkte"]
    path = tmp_path / "praktijkvoorbeelden.json"
    path.write_text(json.dumps(data), "utf-8")
    monkeypatch.setattr("arrangementen.management.commands.laad_modelbibliotheek.load_praktijkvoorbeelden",
                        lambda: load_praktijkvoorbeelden(path))
    with pytest.raises(CommandError, match="klopt niet"):
        call_command("laad_modelbibliotheek")
    assert not Onderwerp.objects.exists() and not Praktijkvoorbeeld.objects.exists()
