"""Importing real action lists (issue 18 item 1): the header found below title rows, the column mapping step,
statuses, owners by function or role, Dutch dates asked where the list gives none, re-import by number."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actiepunten import exporteren
from actiepunten.models import Actiepunt, ImportToewijzing, Status
from samenwerking.models import Rol

from ..factories import GebruikerFactory, lid
from . import importlijsten as lijsten
from .test_import import upload


@pytest.fixture
def teamchef(driehoek):
    user = GebruikerFactory(username="teamchef", first_name="Tim", last_name="Teunissen", functie="Teamchef",
                            email="teamchef@soest.example")
    lid(user, driehoek, Rol.ONDERTEKENAAR)
    return user


def url(overleg):
    return reverse("actiepunten:importeren", args=[overleg.pk])


def answer(client, overleg, response, *, stap="bijwerken", **fields):
    """Post the preview's own form back with `fields` changed, as the browser does."""
    voorbeeld = response.context["voorbeeld"]
    data = {"bron": response.context["bron"], "stap": stap, "kopregel": voorbeeld.kopregel,
            "kopregel_vorige": voorbeeld.kopregel}
    data.update({f"kolom_{i}": veld for i, _titel, veld in voorbeeld.kolommen()})
    data.update({v.sleutel: v.gekozen for v in voorbeeld.eigenaarvragen})
    for vraag in voorbeeld.datumvragen:
        if vraag.keuze:
            data[f"datum_{vraag.rij}"], data[f"datumtekst_{vraag.rij}"] = vraag.keuze, vraag.tekst
    data.update(fields)
    return client.post(url(overleg), data)


def problems(response):
    return [(p.rij, p.tekst) for p in response.context["voorbeeld"].problemen]


def points(overleg):
    return list(Actiepunt.objects.filter(overleg=overleg).order_by("nummer"))


def test_seed_001_pasted_as_text_from_the_verslag(client, overleg, secretaris):
    client.force_login(secretaris)
    response = client.post(url(overleg), {"stap": "voorbeeld", "tekst": lijsten.SEED_001})
    assert response.status_code == 200, problems(response)
    voorbeeld = response.context["voorbeeld"]
    assert voorbeeld.kopregel == 3, "the title line and the blank line above the table are not the header"
    assert [(r.rij, r.nummer) for r in voorbeeld.regels] == [(4, 1), (5, 2), (6, 3), (7, 4)]
    confirmed = answer(client, overleg, response, stap="bevestigen")
    assert confirmed.status_code == 302
    assert [(a.nummer, a.eigenaar, a.extern_naam, a.datum_gereed) for a in points(overleg)] == [
        (1, secretaris, "", datetime.date(2019, 2, 22)), (2, secretaris, "", datetime.date(2019, 3, 8)),
        (3, None, "Jos Speetjens i.s.m. secretaris", datetime.date(2019, 10, 1)),
        (4, None, "Lieke Sievers", datetime.date(2019, 10, 1))]


def test_a_word_table_pasted_without_numbers(client, overleg, secretaris, maak_punt):
    maak_punt(onderwerp="Al in de actielijst")  # number 1: the pasted points follow it
    client.force_login(secretaris)
    response = client.post(url(overleg), {"stap": "voorbeeld", "tekst": lijsten.word_geplakt(secretaris.email)})
    voorbeeld = response.context["voorbeeld"]
    assert voorbeeld.kopregel == 4
    assert problems(response) == [(7, "'zsm' is geen datum. Kies hieronder: geen datum (datum onbekend) of een "
                                      "datum die u typt.")]
    response = answer(client, overleg, response, datum_7="datum", datumtekst_7="1-11-2025")
    assert response.status_code == 200, problems(response)
    assert [(r.rij, r.nummer, r.eigenaar_id, r.extern_naam, r.datum_gereed, r.toelichting)
            for r in response.context["voorbeeld"].regels] == [
        (5, 2, secretaris.pk, "", datetime.date(2025, 10, 1), "concept besproken"),
        (7, 3, None, "Burgemeester Extern", datetime.date(2025, 11, 1), ""),
        (8, 4, secretaris.pk, "", datetime.date(2025, 12, 31), "volgt")]
    assert answer(client, overleg, response, stap="bevestigen").status_code == 302
    assert Actiepunt.objects.filter(overleg=overleg).count() == 4


def test_title_rows_merged_cells_status_and_zsm(client, overleg, secretaris, teamchef):
    client.force_login(secretaris)
    response = upload(client, overleg, "actielijst.xlsx", lijsten.titel_en_status_xlsx())
    voorbeeld = response.context["voorbeeld"]
    assert voorbeeld.kopregel == 5
    assert [(k[1], k[2]) for k in voorbeeld.kolommen()] == [
        ("Actie nr", "nummer"), ("Actie", "onderwerp"), ("Actiehouder", "wie"), ("Deadline", "datum_gereed"),
        ("Status", "status"), ("Stand van zaken", "toelichting")]
    # 'z.s.m.' is never a date by itself: the preview asks, naming the original row.
    assert response.status_code == 400
    assert problems(response) == [(8, "'z.s.m.' is geen datum. Kies hieronder: geen datum (datum onbekend) of een "
                                      "datum die u typt.")]
    assert "Rij 1, 3 boven de kopregel (rij 5) wordt niet geïmporteerd." in voorbeeld.meldingen
    response = answer(client, overleg, response, datum_8="onbekend")
    assert response.status_code == 200, problems(response)
    page = response.content.decode()
    assert "datum onbekend" in page and "gereed" in page
    assert answer(client, overleg, response, stap="bevestigen").status_code == 302
    got = [(a.nummer, a.onderwerp, a.eigenaar, a.extern_naam, a.datum_gereed, a.status) for a in points(overleg)]
    assert got == [
        (1, "Handhavingsplan afstemmen", teamchef, "", datetime.date(2025, 10, 1), Status.IN_UITVOERING),
        (2, "Evaluatie BOA-inzet", secretaris, "", datetime.date(2025, 10, 31), Status.GEREED),
        (3, "Overlast Stationsplein aanpakken", None, "Karel Extern", None, Status.OPEN)]
    assert points(overleg)[0].toelichting == "Concept ligt er"
    assert points(overleg)[1].gereed_op is not None


def test_functions_roles_email_and_dutch_periods(client, overleg, secretaris, teamchef):
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", lijsten.functies_csv())
    assert response.status_code == 200, problems(response)
    voorbeeld = response.context["voorbeeld"]
    assert voorbeeld.kopregel == 2
    assert {v.wie: (v.gekozen, v.koppeling.via) for v in voorbeeld.eigenaarvragen} == {
        "Teamchef": (str(teamchef.pk), "functie"), "de secretaris": (str(secretaris.pk), "rol"),
        "teamchef@soest.example": (str(teamchef.pk), "e-mail"), "Penningmeester Extern": ("extern", ""),
        "Driehoeksecretaris": (str(secretaris.pk), "rol")}
    assert [(r.rij, r.datum_gereed, r.uitleg) for r in voorbeeld.regels] == [
        (3, datetime.date(2025, 10, 1), ""), (4, datetime.date(2025, 10, 1), ""),
        (5, datetime.date(2025, 10, 3), "vrijdag van week 40 2025"),
        (6, datetime.date(2025, 9, 30), "laatste dag van kwartaal 3 2025"),
        (7, datetime.date(2025, 12, 31), "laatste dag van 2025")]
    # A period is read, and shown with its reading so the user can change it.
    assert "gelezen als vrijdag van week 40 2025" in response.content.decode()
    assert [r.status for r in voorbeeld.regels] == ["open", "in_uitvoering", "open", "open", "in_uitvoering"]


def test_a_read_period_can_be_changed_in_the_preview(client, overleg, secretaris, teamchef):
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", lijsten.functies_csv())
    response = answer(client, overleg, response, datum_5="datum", datumtekst_5="2 oktober 2025")
    regel = next(r for r in response.context["voorbeeld"].regels if r.rij == 5)
    assert (regel.datum_gereed, regel.uitleg) == (datetime.date(2025, 10, 2), "")


def test_reimport_of_an_edited_list_updates_exactly_the_changed_points(client, overleg, secretaris, teamchef):
    client.force_login(secretaris)
    first = upload(client, overleg, "lijst.csv", lijsten.functies_csv())
    assert answer(client, overleg, first, stap="bevestigen").status_code == 302
    before = {a.nummer: (a.history.count(), a.gewijzigd_op) for a in points(overleg)}

    again = upload(client, overleg, "lijst.csv", lijsten.functies_csv(bewerkt=True))
    assert again.status_code == 200, problems(again)
    regels = {r.nummer: r for r in again.context["voorbeeld"].regels}
    assert {n: r.wijzigingen for n, r in regels.items() if r.wijzigingen} == {
        2: (("Status", "in uitvoering", "gereed"),),
        4: (("Datum gereed", "30-09-2025", "31-12-2025"),)}
    assert all(r.bestaand_id for r in regels.values())
    page = again.content.decode()
    assert "Status: 'in uitvoering' wordt 'gereed'" in page and page.count("ongewijzigd") >= 3
    assert "3 nieuw importeren" not in page and "0 nieuw importeren en 2 actiepunten bijwerken" in page
    response = answer(client, overleg, again, stap="bevestigen")
    assert response.status_code == 302
    after = {a.nummer: a for a in points(overleg)}
    assert len(after) == 5
    assert (after[2].status, after[4].datum_gereed) == (Status.GEREED, datetime.date(2025, 12, 31))
    changed = {n for n, a in after.items() if (a.history.count(), a.gewijzigd_op) != before[n]}
    assert changed == {2, 4}


def test_the_same_list_again_changes_nothing_and_offers_nothing(client, overleg, secretaris, teamchef):
    client.force_login(secretaris)
    answer(client, overleg, upload(client, overleg, "lijst.csv", lijsten.functies_csv()), stap="bevestigen")
    again = upload(client, overleg, "lijst.csv", lijsten.functies_csv())
    assert again.status_code == 200 and again.context["voorbeeld"].te_schrijven == []
    assert "er is niets te importeren of bij te werken" in again.content.decode()
    assert 'value="bevestigen"' not in again.content.decode()


def test_merged_holder_and_section_titles(client, overleg, secretaris):
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.xlsx", lijsten.samengevoegd_xlsx())
    voorbeeld = response.context["voorbeeld"]
    assert voorbeeld.kopregel == 2
    assert problems(response) == [(6, "'doorlopend' is geen datum. Kies hieronder: geen datum (datum onbekend) of "
                                      "een datum die u typt.")]
    assert any("Rij 3 wordt overgeslagen" in m for m in voorbeeld.meldingen)
    assert any("Rij 8 wordt overgeslagen" in m for m in voorbeeld.meldingen)
    response = answer(client, overleg, response, datum_6="datum", datumtekst_6="1-1-2026")
    assert response.status_code == 200, problems(response)
    assert [(r.rij, r.nummer, r.extern_naam, r.datum_gereed) for r in response.context["voorbeeld"].regels] == [
        (4, 1, "Karel Extern", datetime.date(2025, 11, 15)), (5, 2, "Karel Extern", datetime.date(2025, 12, 1)),
        (6, 3, "Karel Extern", datetime.date(2026, 1, 1)), (9, 4, "Lieke Sievers", datetime.date(2025, 12, 9))]


def test_an_unknown_onderwerp_column_is_asked_then_remembered(client, overleg, secretaris, driehoek):
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", lijsten.andere_koppen_csv())
    assert response.status_code == 400
    ((rij, tekst),) = problems(response)
    assert rij == 1 and "'Onderwerp' ontbreekt" in tekst and "'Taakomschrijving'" in tekst
    assert response.context["voorbeeld"].regels == [], "no column is guessed to be the onderwerp"
    response = answer(client, overleg, response, kolom_1="onderwerp")
    assert problems(response) == [(3, "De datum gereed is leeg. Kies hieronder: geen datum (datum onbekend) of een "
                                      "datum die u typt.")]
    response = answer(client, overleg, response, datum_3="datum", datumtekst_3="31-02-2026")
    assert problems(response) == [(3, "'31-02-2026' is geen datum. Typ bijvoorbeeld 22-02-2019.")]
    assert 'value="31-02-2026"' in response.content.decode(), "the typed date is kept"
    response = answer(client, overleg, response, datum_3="datum", datumtekst_3="1-3-2026")
    assert answer(client, overleg, response, stap="bevestigen").status_code == 302
    assert [(a.onderwerp, a.datum_gereed) for a in points(overleg)] == [
        ("Rooster handhavers, zomer", datetime.date(2026, 6, 30)),
        ("Werkafspraken boa-politie", datetime.date(2026, 3, 1))]
    assert ImportToewijzing.objects.get(driehoek=driehoek).kolommen["taakomschrijving"] == "onderwerp"
    again = upload(client, overleg, "lijst.csv", lijsten.andere_koppen_csv())
    assert again.context["voorbeeld"].toewijzing[1] == "onderwerp", "the driehoek's choice is remembered"


def test_the_user_points_at_the_header_row(client, overleg, secretaris, teamchef):
    client.force_login(secretaris)
    response = upload(client, overleg, "actielijst.xlsx", lijsten.titel_en_status_xlsx())
    wrong = answer(client, overleg, response, kopregel=6)
    assert wrong.context["voorbeeld"].kopregel == 6
    assert "'Onderwerp'" in problems(wrong)[0][1] and problems(wrong)[0][0] == 6
    right = answer(client, overleg, wrong, kopregel=5, datum_8="onbekend")
    assert right.status_code == 200 and len(right.context["voorbeeld"].regels) == 3


def test_a_function_two_members_hold_is_asked(client, overleg, secretaris, teamchef, driehoek):
    tweede = GebruikerFactory(first_name="Tara", last_name="Tweede", functie="Teamchef")
    lid(tweede, driehoek, Rol.REVIEWER)
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", lijsten.functies_csv())
    assert response.status_code == 400
    assert problems(response) == [(3, "'Teamchef' past bij meer dan één lid van de driehoek. Kies hieronder wie de "
                                      "eigenaar is.")]
    vraag = next(v for v in response.context["voorbeeld"].eigenaarvragen if v.wie == "Teamchef")
    response = answer(client, overleg, response, **{vraag.sleutel: str(tweede.pk)})
    assert response.status_code == 200, problems(response)
    assert response.context["voorbeeld"].regels[0].eigenaar_id == tweede.pk


def test_a_tampered_source_imports_nothing(client, overleg, secretaris):
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", lijsten.andere_koppen_csv())
    forged = client.post(url(overleg), {"bron": response.context["bron"] + "x", "stap": "bevestigen"}, follow=True)
    assert forged.redirect_chain == [(url(overleg), 302)]
    assert "Het voorbeeld is verlopen of ongeldig" in forged.content.decode()
    assert not Actiepunt.objects.exists()


def test_an_empty_form_and_pasted_control_characters_are_refused_in_dutch(client, overleg, secretaris):
    client.force_login(secretaris)
    empty = client.post(url(overleg), {"stap": "voorbeeld"})
    assert empty.status_code == 400 and "Kies een bestand of plak de tabel." in empty.content.decode()
    pasted = client.post(url(overleg), {"stap": "voorbeeld", "tekst": "Nr\tOnderwerp\tWie\tDatum gereed\n"
                                                                       "1\tA\x07\tIk\t1-1-2026\n"})
    assert pasted.status_code == 400
    assert problems(pasted) == [(2, "Kolom 'Onderwerp' bevat een teken dat niet is toegestaan (U+0007, een NUL- of "
                                    "stuurteken).")]
    assert not Actiepunt.objects.exists()


def _rows_csv(n: int) -> bytes:
    lines = ["Titel van de lijst;;;", "Nr;Onderwerp;Wie;Datum gereed;Status"]
    lines += [f"{i};Punt {i};{'Teamchef' if i % 2 else 'Extern ' + str(i)};{i % 28 + 1}-10-2025;open"
              for i in range(1, n + 1)]
    return ("\n".join(lines) + "\n").encode()


def test_the_preview_and_its_answers_stay_within_a_flat_query_budget(client, overleg, secretaris, teamchef):
    client.force_login(secretaris)
    counts = {}
    for n in (3, 40):
        with CaptureQueriesContext(connection) as first:
            response = upload(client, overleg, "lijst.csv", _rows_csv(n))
        with CaptureQueriesContext(connection) as second:
            answer(client, overleg, response)
        assert response.status_code == 200
        counts[n] = (len(first), len(second))
    assert counts[3] == counts[40]
    assert max(counts[40]) <= 14, counts


def test_50_mb_uploaded_or_pasted_is_refused_in_dutch_and_writes_nothing(client, overleg, secretaris):
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.xlsx", b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024))
    assert response.status_code == 400
    assert problems(response) == [(None, "Het bestand is groter dan 2 MB. Splits de actielijst op.")]
    pasted = client.post(url(overleg), {"stap": "voorbeeld", "tekst": "Nr\tOnderwerp\n" + "x" * (3 * 1024 * 1024)})
    # Over DATA_UPLOAD_MAX_MEMORY_SIZE the request is refused before the view reads it; the import page says so.
    assert pasted.status_code == 413
    assert problems(pasted) == [(None, "Het formulier is groter dan 2,5 MB en is niet verwerkt; ook de geplakte "
                                       "tekst kon daardoor niet bewaard blijven. Plak of kies een kleinere "
                                       "actielijst (een bestand mag tot 2 MB) of splits de lijst op.")]
    assert not Actiepunt.objects.exists()


def test_a_list_too_large_to_carry_between_steps_is_refused_in_dutch(client, overleg, secretaris, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", _rows_csv(60))
    assert response.status_code == 400
    assert problems(response) == [(None, "De actielijst is te groot om hier te bekijken. Splits de lijst op.")]
    assert response.context["bron"] == ""


@pytest.mark.parametrize(("cell", "message"), [
    ("week 40", "'week 40' noemt geen jaar."), ("Q3", "'Q3' noemt geen jaar."),
    ("eind oktober", "'eind oktober' noemt geen jaar."),
    ("medio 2025", "'medio 2025' is geen datum. Gebruik bijvoorbeeld '22 februari 2019' of '22-02-2019'."),
])
def test_a_period_without_a_year_is_asked_not_guessed(client, overleg, secretaris, cell, message):
    client.force_login(secretaris)
    data = f"Nr;Onderwerp;Wie;Datum gereed\n1;Iets;Iemand;{cell}\n".encode()
    response = upload(client, overleg, "lijst.csv", data)
    assert problems(response) == [(2, f"{message} Kies hieronder: geen datum (datum onbekend) of een datum die u "
                                      "typt.")]


def test_an_exported_actielijst_imported_again_changes_nothing(client, overleg, secretaris, teamchef):
    client.force_login(secretaris)
    first = upload(client, overleg, "actielijst.xlsx", lijsten.titel_en_status_xlsx())
    answer(client, overleg, answer(client, overleg, first, datum_8="onbekend"), stap="bevestigen")
    exported = exporteren.to_csv(points(overleg), datetime.date(2025, 9, 1))
    again = upload(client, overleg, "export.csv", exported)
    assert again.status_code == 200, problems(again)
    voorbeeld = again.context["voorbeeld"]
    assert [(r.nummer, r.wijzigingen) for r in voorbeeld.regels] == [(1, ()), (2, ()), (3, ())]
    assert voorbeeld.regels[2].datum_gereed is None, "the empty date of a 'datum onbekend' point stays so"
    assert voorbeeld.te_schrijven == []


def test_an_overleg_column_naming_another_overleg_goes_to_the_toelichting_and_the_preview_says_so(
        client, overleg, secretaris):
    client.force_login(secretaris)
    data = (f"Nr;Onderwerp;Wie;Datum gereed;Overleg\n1;Iets;Iemand;1-10-2025;Driehoek 12-03-2025\n"
            f"2;Ander;Iemand;1-10-2025;{overleg}\n").encode()
    response = upload(client, overleg, "lijst.csv", data)
    assert response.status_code == 200, problems(response)
    voorbeeld = response.context["voorbeeld"]
    assert [r.toelichting for r in voorbeeld.regels] == ["Overleg: Driehoek 12-03-2025", ""]
    assert (f"De kolom Overleg noemt bij rij 2 een ander overleg: dat komt in de toelichting; het actiepunt wordt "
            f"niet aan dat overleg gekoppeld maar komt in {overleg}.") in voorbeeld.meldingen
