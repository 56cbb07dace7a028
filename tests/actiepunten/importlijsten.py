"""Real-world action lists for the import, built in memory: seed 001's table as pasted text, and messier lists
as secretaries keep them (title rows, merged cells, blank rows, other headers, a status column, 'z.s.m.',
Excel dates, functions as holders). Used by test_import_lijsten.py and the browser test."""

import datetime
import io

from openpyxl import Workbook

# Seed 001's ACTIEPUNTEN block as it stands in the verslag (title line, blank line, tab separated table).
SEED_001 = (
    "ACTIEPUNTEN\n\n"
    "Nr.\tOnderwerp\tWie\tDatum gereed\n"
    "1.\tVersturen Visie op handhavingssamenwerking d.d. 20 oktober 2015 van Lieke Sievers en Peter Vogelzang\t"
    "Secretaris\t22 februari 2019\n"
    "2.\tVisie op handhavingssamenwerking op 1A4\tSecretaris\t8 maart 2019\n"
    "3.\tIn gesprek met 167 basisteams over de samenwerking met de BOA's\tJos Speetjens i.s.m. secretaris\t"
    "1 oktober 2019\n"
    "4.\tHet onderzoeken van manieren om informatiedeling zowel qua toepassing van regelgeving als technologie te "
    "vergemakkelijken en te verbeteren.\tLieke Sievers\t1 oktober 2019\n"
)


def _xlsx(rows, *, merges=(), start_row=1) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=start_row + offset, column=column, value=value)
    for merge in merges:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def titel_en_status_xlsx() -> bytes:
    """A merged title over the table, a blank row, a 'bijgewerkt' line; headers Actie nr / Actie / Actiehouder /
    Deadline / Status / Stand van zaken; real date cells, an Excel serial in a General cell and 'z.s.m.'."""
    rows = [
        ["Actielijst driehoek Soest 2025"],
        [],
        ["Bijgewerkt: 1 okt. 2025"],
        [],
        ["Actie nr", "Actie", "Actiehouder", "Deadline", "Status", "Stand van zaken"],
        [1, "Handhavingsplan afstemmen", "Teamchef", datetime.datetime(2025, 10, 1), "lopend", "Concept ligt er"],
        [2, "Evaluatie BOA-inzet", "Driehoeksecretaris", 45961, "gereed", ""],
        [3, "Overlast Stationsplein aanpakken", "Karel Extern", "z.s.m.", "open", "Met wijkagent"],
    ]
    return _xlsx(rows, merges=["A1:F1"])


# (row in the file, nummer, onderwerp, holder as the list writes it, date read, status)
TITEL_EN_STATUS = [
    (6, 1, "Handhavingsplan afstemmen", "Teamchef", datetime.date(2025, 10, 1), "in_uitvoering"),
    (7, 2, "Evaluatie BOA-inzet", "Driehoeksecretaris", datetime.date(2025, 10, 31), "gereed"),
    (8, 3, "Overlast Stationsplein aanpakken", "Karel Extern", None, "open"),
]


def functies_csv(*, bewerkt: bool = False) -> bytes:
    """Semicolons, a title line, Dutch synonyms (Nr. / Omschrijving / Verantwoordelijke / Gereed / Status /
    Opmerkingen), holders by function, role and e-mail, dates in every Dutch form. `bewerkt`: the same list a
    month later, with point 2 reported gereed and point 4 moved."""
    lines = [
        "Actiepuntenlijst werkgroep handhaving;;;;;",
        "Nr.;Omschrijving;Verantwoordelijke;Gereed;Status;Opmerkingen",
        "1;Convenant informatiedeling opstellen;Teamchef;1 okt. 2025;open;",
        f"2;Jaarverslag BOA's;de secretaris;1-10-25;{'afgerond' if bewerkt else 'loopt'};",
        "3;Werkbezoek handhavers;teamchef@soest.example;week 40 2025;open;",
        f"4;Budget 2026 voorbereiden;Penningmeester Extern;{'Q4 2025' if bewerkt else 'Q3 2025'};open;",
        "5;Evaluatie arrangement;Driehoeksecretaris;eind 2025;doorlopend;loopt het hele jaar",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def samengevoegd_xlsx() -> bytes:
    """Section titles merged across the table, a holder merged down over three rows, blank rows between."""
    rows = [
        ["Overzicht acties"],
        ["Nr", "Onderwerp", "Wie", "Datum gereed"],
        ["Lopende acties"],
        [1, "Camerabeelden delen", "Karel Extern", "15-11-2025"],
        [2, "Protocol evenementen", None, "1 december 2025"],
        [3, "Toezicht parkeren", None, "doorlopend"],
        [],
        ["Nieuwe acties"],
        [4, "Overleg met vervoerder", "Lieke Sievers", 46000],
    ]
    return _xlsx(rows, merges=["A1:D1", "A3:D3", "C4:C6", "A8:D8"])


def andere_koppen_csv() -> bytes:
    """Comma separated, with a column no synonym names ('Taakomschrijving'): the user maps it to Onderwerp."""
    lines = [
        "Nummer,Taakomschrijving,Trekker,Streefdatum,Toelichting",
        '1,"Rooster handhavers, zomer",Karel Extern,30-06-2026,',
        "2,Werkafspraken boa-politie,Lieke Sievers,,nog te plannen",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


# A table copied from a Word verslag (`email`: the secretaris's address): a title and a date line above it, no Nr
# column (numbers follow the highest), Actiepunt / Actiehouder / Gereed / Stand van zaken, a holder by e-mail,
# an empty row between the points.
def word_geplakt(email: str) -> str:
    return (
        "Verslag driehoeksoverleg 12 september 2025\n"
        "Actiepunten\n"
        "\n"
        "Actiepunt\tActiehouder\tGereed\tStand van zaken\n"
        f"Jaarplan handhaving vaststellen\t{email}\t1 okt. 2025\tconcept besproken\n"
        "\t\t\t\n"
        "Cameratoezicht evalueren\tBurgemeester Extern\tzsm\t\n"
        "Uitwisseling BOA-rapportages\tDriehoeksecretaris\tQ4 2025\tvolgt\n"
    )
