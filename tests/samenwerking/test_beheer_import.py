"""The basisteam import in the beheer (upload → preview → all or nothing) and the command's count."""

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from samenwerking.basisteamimport import SALT
from samenwerking.models import Auditregel, Basisteam, Werkgebied
from samenwerking.permissions_setup import ensure_beheer_group
from samenwerking.referentiedata import ReferentiedataFout, import_basisteams, load_reference_data
from tests.factories import GebruikerFactory

URL = "/beheer/samenwerking/basisteam/importeren/"
HEADER = "basisteam_naam,politie_eenheid_code,district,gemeentecode,dekking,bron,bron_datum,betrouwbaarheid\n"
TWEE_TEAMS = HEADER + ("Eemland Noord,RE03,,GM0342,gehele gemeente,lijst,2026,hoog\n"
                       "Eemland Zuid,RE03,,GM0308,deel van gemeente (zuid),lijst,2026,hoog\n")
EEN_TEAM_TWEE_GEMEENTEN = HEADER + ("Eemland,RE03,,GM0342,gehele gemeente,lijst,2026,hoog\n"
                                    "Eemland,RE03,,GM0308,gehele gemeente,lijst,2026,hoog\n")


@pytest.fixture
def geladen(db):
    load_reference_data(basisteams=False)


@pytest.fixture
def beheer_client(client, geladen):
    beheerder = GebruikerFactory(username="bea", is_staff=True)
    beheerder.groups.add(ensure_beheer_group())
    client.force_login(beheerder)
    return client


def upload(text: str, name: str = "teams.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_the_basisteam_list_offers_the_import(beheer_client):
    html = beheer_client.get("/beheer/samenwerking/basisteam/").content.decode()
    assert f'href="{URL}"' in html and "Basisteams importeren" in html
    assert "importeer_basisteams" not in html


def test_preview_shows_every_line_and_writes_nothing(beheer_client):
    response = beheer_client.post(URL, {"bestand": upload(EEN_TEAM_TWEE_GEMEENTEN)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Wat elke regel van het bestand doet" in html
    assert "Basisteams: 1 aangemaakt, 0 gewijzigd, 0 ongewijzigd; Werkgebieden: 2 aangemaakt" in html
    assert html.count("<td>Eemland</td>") == 2
    assert "<td>2</td>" in html and "<td>3</td>" in html  # the file's own line numbers
    assert not Basisteam.objects.filter(naam="Eemland").exists()
    assert not Basisteam.history.filter(naam="Eemland").exists()


def test_confirming_imports_exactly_the_previewed_file_and_logs_it(beheer_client):
    preview = beheer_client.post(URL, {"bestand": upload(EEN_TEAM_TWEE_GEMEENTEN, "eenheid.csv")})
    ondertekend = preview.context["ondertekend"]
    response = beheer_client.post(URL, {"ondertekend": ondertekend}, follow=True)
    assert "Het bestand eenheid.csv is geïmporteerd (2 regels)." in response.content.decode()
    assert Basisteam.objects.get(naam="Eemland").werkgebieden.count() == 2
    regel = Auditregel.objects.get(gebeurtenis=Auditregel.Gebeurtenis.REFERENTIEDATA_GEIMPORTEERD)
    assert regel.gebruikersnaam == "bea"
    assert regel.details["regels"] == 2 and regel.details["bestand"] == "eenheid.csv"
    assert regel.details["per_model"]["werkgebieden"]["aangemaakt"] == 2


def test_problems_name_the_lines_of_the_file_and_nothing_is_written(beheer_client):
    text = TWEE_TEAMS + "Ergens,RE77,,GM9999,gehele gemeente,lijst,2026,hoog\n"
    response = beheer_client.post(URL, {"bestand": upload(text)})
    html = response.content.decode()
    assert "teams.csv is niet geïmporteerd; er is niets gewijzigd." in html
    assert "regel 4: onbekende politie-eenheid &#x27;RE77&#x27;" in html
    assert "regel 4: onbekende gemeentecode &#x27;GM9999&#x27;" in html
    assert "ondertekend" not in response.context or not response.context.get("ondertekend")
    assert not Basisteam.objects.filter(naam__startswith="Eemland").exists()
    regel = Auditregel.objects.get(gebeurtenis=Auditregel.Gebeurtenis.IMPORT_GEWEIGERD)
    assert regel.resultaat == "geweigerd" and regel.details["soort"] == "basisteams"


def test_a_changed_confirmation_is_refused(beheer_client):
    forged = signing.dumps({"bestand": "x.csv", "tekst": TWEE_TEAMS}, salt="iets-anders", compress=True)
    response = beheer_client.post(URL, {"ondertekend": forged}, follow=True)
    assert "Het voorbeeld is verlopen of gewijzigd. Kies het bestand opnieuw." in response.content.decode()
    assert not Basisteam.objects.filter(naam__startswith="Eemland").exists()
    assert SALT != "iets-anders"


def test_a_file_that_is_not_utf8_gets_a_dutch_message(beheer_client):
    response = beheer_client.post(URL, {"bestand": upload(TWEE_TEAMS.replace("Zuid", "Zuid-Ë"), encoding="utf-16")})
    assert "Het bestand is geen UTF-8-tekst." in response.content.decode()


def test_an_over_large_file_is_refused(beheer_client, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = beheer_client.post(URL, {"bestand": upload(TWEE_TEAMS)})
    assert "Het bestand is groter dan" in response.content.decode()
    assert not Basisteam.objects.filter(naam__startswith="Eemland").exists()


def test_the_same_team_and_gemeente_twice_is_a_problem(geladen):
    text = EEN_TEAM_TWEE_GEMEENTEN + "Eemland,RE03,,GM0342,deel van gemeente (oost),lijst,2026,hoog\n"
    with pytest.raises(ReferentiedataFout) as excinfo:
        import_basisteams(text)
    assert excinfo.value.problemen == ["regel 4: basisteam 'Eemland' met gemeentecode GM0342 staat ook op regel 2"]
    assert not Werkgebied.objects.filter(basisteam__naam="Eemland").exists()


def test_command_counts_teams_and_werkgebieden_apart(geladen, tmp_path, capsys):
    bestand = tmp_path / "teams.csv"
    bestand.write_text(TWEE_TEAMS, "utf-8")
    call_command("importeer_basisteams", str(bestand))
    out = capsys.readouterr().out
    assert "4 aangemaakt" not in out
    assert ("2 regels gelezen. Basisteams: 2 aangemaakt, 0 gewijzigd, 0 ongewijzigd; "
            "Werkgebieden: 2 aangemaakt, 0 gewijzigd, 0 ongewijzigd.") in out
    assert Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.REFERENTIEDATA_GEIMPORTEERD).exists()


def test_refused_command_is_in_the_security_log(geladen, tmp_path):
    bestand = tmp_path / "teams.csv"
    bestand.write_text(HEADER + "X,RE77,,GM0342,geheel,b,2024,hoog\n", "utf-8")
    with pytest.raises(CommandError):
        call_command("importeer_basisteams", str(bestand))
    regel = Auditregel.objects.get(gebeurtenis=Auditregel.Gebeurtenis.IMPORT_GEWEIGERD)
    assert regel.gebruikersnaam == "importeer_basisteams"
