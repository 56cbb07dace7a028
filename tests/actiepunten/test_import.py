"""Importing an existing actielijst: preview, row-numbered problems, all-or-nothing."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from actiepunten import importeren, selectors, services
from actiepunten.models import Actiepunt

from ..factories import GebruikerFactory, lid

# The ACTIEPUNTEN table of seed 001, as it stands there.
SEED_HEADER = ["Nr.", "Onderwerp", "Wie", "Datum gereed"]
SEED_ROWS = [
    ["1.", "Versturen Visie op handhavingssamenwerking d.d. 20 oktober 2015 van Lieke Sievers en Peter Vogelzang",
     "Secretaris", "22 februari 2019"],
    ["2.", "Visie op handhavingssamenwerking op 1A4", "Secretaris", "8 maart 2019"],
    ["3.", "In gesprek met 167 basisteams over de samenwerking met de BOA's", "Jos Speetjens i.s.m. secretaris",
     "1 oktober 2019"],
    ["4.", "Het onderzoeken van manieren om informatiedeling zowel qua toepassing van regelgeving als technologie "
           "te vergemakkelijken en te verbeteren.", "Lieke Sievers", "1 oktober 2019"],
]
EXPECTED = [
    (1, SEED_ROWS[0][1], "Secretaris", datetime.date(2019, 2, 22)),
    (2, SEED_ROWS[1][1], "Secretaris", datetime.date(2019, 3, 8)),
    (3, SEED_ROWS[2][1], "Jos Speetjens i.s.m. secretaris", datetime.date(2019, 10, 1)),
    (4, SEED_ROWS[3][1], "Lieke Sievers", datetime.date(2019, 10, 1)),
]


def csv_bytes(rows, delimiter=";") -> bytes:
    lines = [delimiter.join(f'"{c}"' if delimiter in str(c) else str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, overleg, name, data):
    return client.post(reverse("actiepunten:importeren", args=[overleg.pk]),
                       {"stap": "voorbeeld", "bestand": SimpleUploadedFile(name, data)})


def confirm(client, overleg, response):
    return client.post(reverse("actiepunten:importeren", args=[overleg.pk]),
                       {"stap": "bevestigen", "voorbeeld": response.context["ondertekend"]})


def imported(overleg):
    return [(a.nummer, a.onderwerp, a.extern_naam, a.datum_gereed)
            for a in Actiepunt.objects.filter(overleg=overleg).order_by("nummer")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_seed_001_actiepunten_are_reproduced_exactly(client, overleg, secretaris, fmt):
    rows = [SEED_HEADER, *SEED_ROWS]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    client.force_login(secretaris)

    preview = upload(client, overleg, f"actielijst.{fmt}", data)
    assert preview.status_code == 200
    assert preview.context["voorbeeld"].problemen == []
    assert not Actiepunt.objects.exists(), "nothing is imported before the preview is confirmed"

    response = confirm(client, overleg, preview)
    assert response.status_code == 302
    assert [(n, o, d) for n, o, _w, d in imported(overleg)] == [(n, o, d) for n, o, _w, d in EXPECTED]
    # 'Secretaris' is the role of this driehoek's secretaris, who becomes the eigenaar (issue 18: holders by
    # role or function); the other holders are no members and stay external.
    assert [(a.eigenaar, a.extern_naam) for a in Actiepunt.objects.order_by("nummer")] == [
        (secretaris, ""), (secretaris, ""), (None, "Jos Speetjens i.s.m. secretaris"), (None, "Lieke Sievers")]
    assert [a.datum_gereed.strftime("%d-%m-%Y") for a in Actiepunt.objects.order_by("nummer")] == [
        "22-02-2019", "08-03-2019", "01-10-2019", "01-10-2019"]


def test_xlsx_with_real_date_cells_and_numeric_numbers(client, overleg, secretaris):
    rows = [SEED_HEADER, [1, "Eerste", "Lieke Sievers", datetime.datetime(2019, 2, 22)],
            [2.0, "Tweede", "Jos Speetjens", datetime.date(2019, 3, 8)]]
    client.force_login(secretaris)
    confirm(client, overleg, upload(client, overleg, "lijst.xlsx", xlsx_bytes(rows)))
    assert imported(overleg) == [(1, "Eerste", "Lieke Sievers", datetime.date(2019, 2, 22)),
                                 (2, "Tweede", "Jos Speetjens", datetime.date(2019, 3, 8))]


def test_a_member_named_in_wie_becomes_the_eigenaar(client, driehoek, overleg, secretaris):
    jos = GebruikerFactory(first_name="Jos", last_name="Speetjens")
    lid(jos, driehoek, "coordinator")
    client.force_login(secretaris)
    rows = [SEED_HEADER, ["1", "Basisteams bezoeken", "jos speetjens", "22-02-2019"]]
    confirm(client, overleg, upload(client, overleg, "lijst.csv", csv_bytes(rows)))
    assert Actiepunt.objects.get().eigenaar == jos


@pytest.mark.parametrize("text", ["22 februari 2019", "22-02-2019", "22-2-2019", "22/02/2019", "22.02.19",
                                  "2019-02-22", "vrijdag 22 februari 2019", "22 feb. 2019", "22 Februari 2019"])
def test_dutch_dates(text):
    assert importeren.parse_date(text) == datetime.date(2019, 2, 22)


@pytest.mark.parametrize("text", ["31-02-2019", "22 brumaire 2019", "morgen", "2019", "22-13-2019"])
def test_unparseable_dates_are_none(text):
    assert importeren.parse_date(text) is None


def problems_of(response) -> list[tuple]:
    return [(p.rij, p.tekst) for p in response.context["voorbeeld"].problemen]


def test_every_problem_is_reported_with_its_row_and_nothing_is_imported(client, overleg, secretaris):
    rows = [
        SEED_HEADER,
        ["1", "Goed", "Lieke Sievers", "22-02-2019"],
        ["2", "", "Lieke Sievers", "22-02-2019"],  # empty onderwerp
        ["3", "Datum kapot", "Lieke Sievers", "ergens in maart"],  # unparseable date
        ["1", "Dubbel nummer", "Lieke Sievers", "22-02-2019"],  # duplicate number
        ["x", "Geen nummer", "Lieke Sievers", "22-02-2019"],
        ["6", "Niemand", "", "22-02-2019"],
    ]
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", csv_bytes(rows))
    assert response.status_code == 400
    problems = problems_of(response)
    assert [rij for rij, _ in problems] == [3, 4, 5, 6, 7]
    assert "onderwerp is leeg" in problems[0][1]
    assert "'ergens in maart' is geen datum" in problems[1][1]
    assert "Nummer 1 komt ook voor in rij 2" in problems[2][1]
    assert "Nummer 'x'" in problems[3][1]
    assert "Wie" in problems[4][1]
    assert response.context["ondertekend"] == ""
    assert "Rij 4:" in response.content.decode()
    assert not Actiepunt.objects.exists()


def test_wrong_columns_are_named(client, overleg, secretaris):
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", csv_bytes([["Nr", "Titel", "Persoon"], ["1", "a", "b"]]))
    assert response.status_code == 400
    (rij, tekst), = problems_of(response)
    assert rij == 1
    assert "'Onderwerp', 'Wie', 'Datum gereed' ontbreekt" in tekst
    assert "'Titel'" in tekst


def test_a_number_that_already_exists_in_the_overleg_updates_that_point(client, overleg, secretaris, maak_punt):
    # Issue 18: importing a list again updates the points by number instead of refusing them.
    bestaand = maak_punt(onderwerp="Bestaat al")  # number 1
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", csv_bytes([SEED_HEADER, SEED_ROWS[0]]))
    assert problems_of(response) == []
    (regel,) = response.context["voorbeeld"].regels
    assert (regel.rij, regel.nummer, regel.bestaand_id) == (2, 1, bestaand.pk)
    assert ("Onderwerp", "Bestaat al", SEED_ROWS[0][1]) in regel.wijzigingen
    assert "Onderwerp: 'Bestaat al' wordt" in response.content.decode()
    confirm(client, overleg, response)
    bestaand.refresh_from_db()
    assert (Actiepunt.objects.count(), bestaand.onderwerp) == (1, SEED_ROWS[0][1])


@pytest.mark.parametrize(("name", "data", "message"), [
    ("lijst.xlsx", b"PK\x03\x04 dit is geen zip", "kan niet als Excel-bestand"),
    ("lijst.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "Oude Excel-bestanden"),
    ("lijst.pdf", b"%PDF-1.4", "Kies een CSV- of Excel-bestand"),
    ("lijst.csv", "Nr;Onderwerp;Wie;Datum gereed\n1;Caf\xe9;Ik;22-02-2019\n".encode("cp1252"), None),
    ("lijst.csv", b"\x00\xff\xfe garbage", "ontbreekt"),
    ("lijst.csv", b"Nr;Onderwerp;Wie;Datum gereed\n", "alleen een kopregel"),
])
def test_odd_files_never_crash(client, overleg, secretaris, name, data, message):
    client.force_login(secretaris)
    response = upload(client, overleg, name, data)
    assert response.status_code in (200, 400)
    problems = " ".join(t for _, t in problems_of(response))
    if message:
        assert message in problems
    else:
        assert problems == ""
        assert response.context["voorbeeld"].regels[0].onderwerp == "Café"


def test_a_tampered_preview_imports_nothing(client, overleg, secretaris):
    client.force_login(secretaris)
    preview = upload(client, overleg, "lijst.csv", csv_bytes([SEED_HEADER, *SEED_ROWS]))
    response = client.post(reverse("actiepunten:importeren", args=[overleg.pk]),
                           {"stap": "bevestigen", "voorbeeld": preview.context["ondertekend"] + "x"})
    assert response.status_code == 302
    assert not Actiepunt.objects.exists()


def test_import_is_all_or_nothing_when_a_number_was_taken_meanwhile(overleg, secretaris, maak_punt, driehoek):
    preview = importeren.build_preview(name="l.csv", data=csv_bytes([SEED_HEADER, *SEED_ROWS]), members=[],
                                       existing_numbers=set())
    maak_punt(onderwerp="Intussen aangemaakt")  # takes number 1
    with pytest.raises(services.ValidationError, match="Rij 2"):
        services.import_actiepunten(driehoek=driehoek, user=secretaris, regels=preview.regels, overleg=overleg)
    assert list(Actiepunt.objects.values_list("onderwerp", flat=True)) == ["Intussen aangemaakt"]


def test_a_lezer_may_not_import(client, overleg, lezer):
    client.force_login(lezer)
    response = upload(client, overleg, "lijst.csv", csv_bytes([SEED_HEADER, *SEED_ROWS]))
    assert response.status_code == 403


def test_empty_numbers_continue_after_the_highest(overleg):
    rows = [SEED_HEADER, ["", "a", "X", "22-02-2019"], ["5", "b", "Y", "22-02-2019"], ["", "c", "Z", "22-02-2019"]]
    preview = importeren.build_preview(name="l.csv", data=csv_bytes(rows), members=[],
                                       existing_numbers=selectors.existing_numbers(driehoek=overleg.driehoek,
                                                                                   overleg=overleg))
    assert [(r.nummer, r.onderwerp) for r in preview.regels] == [(6, "a"), (5, "b"), (7, "c")]
