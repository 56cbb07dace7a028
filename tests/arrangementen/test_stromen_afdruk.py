"""Printed and machine-readable (issue 15, item 5): the PDF carries an annex Gegevensdeling with one table per
flow, the embedded arrangement.json and the API list the same flows, and the mandatory clause refers to the annex.
Read with poppler's pdftotext and pdfdetach, as a reader's tools would."""

import importlib
import json
import subprocess

import pytest
from rest_framework.test import APIClient

from arrangementen import gegevensstromen, pdf
from arrangementen.models import Grondslag, Modelafspraak
from samenwerking.models import Rol

from ..documenten.wereld import pdf_reader
from .test_views import fresh

pytestmark = pytest.mark.django_db
bijlage_migration = importlib.import_module("arrangementen.migrations.0016_modelclausule_bijlage_gegevensdeling")
CLAUSE = "Grondslag van informatiedeling"


def partijen(arrangement):
    return [p.organisatie for p in arrangement.partijen.select_related("organisatie").order_by("volgorde")]


def add(arrangement, user, **velden):
    return gegevensstromen.add_gegevensstroom(arrangement=arrangement, user=user,
                                              expected_version=fresh(arrangement).lock_version,
                                              gegevens=gegevensstromen.Stroomgegevens(**velden))


@pytest.fixture
def met_stromen(wereld, concept):
    """Two flows: a complete art. 20 flow with an ontvanger outside the parties, tied to the clause, and a
    municipal flow on the AVG that may be passed on."""
    gemeente, politie, parket = partijen(concept)
    clause = concept.afspraken.get(titel=CLAUSE)
    add(concept, wereld.coordinator, verstrekker=politie, ontvangers=[parket, gemeente],
        categorieen="Signalen over woonoverlast", doel="Gezamenlijke aanpak van woonoverlast",
        grondslag=Grondslag.objects.get(code="wpg-20"), zwaarwegend_algemeen_belang="Veiligheid in de wijk",
        voorwaarden="Alleen voor het casusoverleg", kanaal="Beveiligde mail", frequentie="Wekelijks",
        bewaartermijn="Zes maanden", beveiligingsafspraken="Versleuteld verzonden", afspraak=clause,
        overige_ontvangers="RIEC Midden-Nederland", toelichting_overige_ontvangers="Ondermijningscasussen")
    add(concept, wereld.coordinator, verstrekker=gemeente, ontvangers=[politie],
        categorieen="Adressen van handhavingsbesluiten", doel="Informatiepositie van de wijkagent",
        grondslag=Grondslag.objects.get(code="avg-6-1-e"), verdere_verstrekking=True)
    return fresh(concept)


def pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "concept.pdf"
    path.write_bytes(data)
    output = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True,
                            timeout=60).stdout
    return " ".join(output.split())


def attached_json(data: bytes, tmp_path) -> dict:
    path = tmp_path / "met-bijlage.pdf"
    path.write_bytes(data)
    subprocess.run(["pdfdetach", "-savefile", "arrangement.json", "-o", str(tmp_path / "arrangement.json"),
                    str(path)], capture_output=True, check=True, timeout=60)
    return json.loads((tmp_path / "arrangement.json").read_text("utf-8"))


def structure_types(data: bytes) -> set[str]:
    """Every structure type in the PDF's tag tree (the document is tagged, PDF/A-3a)."""
    found, stack = set(), [pdf_reader(data).root["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif hasattr(node, "get"):
            if "/S" in node:
                found.add(str(node["/S"]).lstrip("/"))
            if "/K" in node:
                kids = node["/K"]
                stack.extend(kids if isinstance(kids, list) else [kids])
    return found


@pytest.fixture
def concept_pdf(met_stromen) -> bytes:
    """The document as it is rendered for signing (no CONCEPT watermark, which pdftotext would read through the
    tables), with the attachment the signed file carries."""
    return pdf.render_pdf(pdf.render_html(met_stromen, None), attachment=pdf.arrangement_data(met_stromen))


def test_the_concept_pdf_has_the_annex_too(met_stromen, tmp_path):
    text = pdftotext(pdf.render_concept(met_stromen), tmp_path)
    assert text.count("Gegevensstroom 1:") == 1 and text.count("Gegevensstroom 2:") == 1
    assert "Bijlage: Gegevensdeling" in text


def test_the_pdf_has_an_annex_gegevensdeling_with_every_field_of_every_flow(concept_pdf, met_stromen, tmp_path):
    text = pdftotext(concept_pdf, tmp_path)
    annex = text[text.index("Bijlage: Gegevensdeling"):]
    gemeente, politie, parket = partijen(met_stromen)
    eerste = annex[annex.index("Gegevensstroom 1:"):annex.index("Gegevensstroom 2:")]
    clause_nummer = pdftotext_article_number(text, CLAUSE)
    for expected in (f"van {politie.naam} aan", "Verstrekker", politie.naam, "Ontvangers", gemeente.naam, parket.naam,
                     "Andere ontvangers RIEC Midden-Nederland",
                     "Toelichting op de andere ontvangers Ondermijningscasussen",
                     "Categorieën van gegevens Signalen over woonoverlast",
                     "Doel Gezamenlijke aanpak van woonoverlast",
                     "Grondslag Structurele verstrekking in een samenwerkingsverband (Wet politiegegevens, artikel 20)",
                     "Zwaarwegend algemeen belang Veiligheid in de wijk", "Voorwaarden Alleen voor het casusoverleg",
                     "Kanaal Beveiligde mail", "Frequentie Wekelijks", "Bewaartermijn Zes maanden",
                     "Verdere verstrekking niet toegestaan", "Beveiligingsafspraken Versleuteld verzonden",
                     f"Hoort bij afspraak artikel {clause_nummer}, {CLAUSE}"):
        assert expected in eerste, f"{expected} — {eerste}"
    tweede = annex[annex.index("Gegevensstroom 2:"):]
    for expected in (f"van {gemeente.naam} aan {politie.naam}", "Categorieën van gegevens Adressen van "
                     "handhavingsbesluiten", "Algemene verordening gegevensbescherming, artikel 6, lid 1, onder e",
                     "Verdere verstrekking toegestaan", "Kanaal niet vastgelegd"):
        assert expected in tweede, expected
    # Empty art. 20 elements are left out of a flow that does not need them.
    assert "Zwaarwegend algemeen belang" not in tweede and "Andere ontvangers" not in tweede


def pdftotext_article_number(text: str, titel: str) -> int:
    """The number the agreement gave the artikel with this title ("Artikel 4. Grondslag van …")."""
    before = text[:text.index(f". {titel}")]
    return int(before.rsplit("Artikel ", 1)[1])


def test_the_annex_is_tagged_as_tables_with_captions_and_row_headers(concept_pdf):
    assert {"Table", "Caption", "TH", "TD"} <= structure_types(concept_pdf)


def test_a_flow_longer_than_a_page_is_printed_whole(wereld, concept, tmp_path):
    gemeente, politie, _parket = partijen(concept)
    regels = "\n".join(f"Gegevenssoort {n}" for n in range(1, 121))
    add(concept, wereld.coordinator, verstrekker=gemeente, ontvangers=[politie], categorieen=regels, doel="Lang",
        grondslag=Grondslag.objects.get(code="avg-6-1-c"))
    text = pdftotext(pdf.render_pdf(pdf.render_html(fresh(concept), None)), tmp_path)
    annex = text[text.index("Bijlage: Gegevensdeling"):]
    assert all(f"Gegevenssoort {n} " in annex for n in range(1, 121))
    assert annex.index("Gegevenssoort 120") < annex.index("Beveiligingsafspraken")


def test_without_flows_there_is_no_annex_and_the_json_lists_none(concept, tmp_path):
    data = pdf.render_concept(concept)
    assert "Gegevensdeling" not in pdftotext(data, tmp_path).split("Ondertekening")[-1]
    assert attached_json(data, tmp_path)["gegevensstromen"] == []


def test_the_embedded_json_carries_every_flow_with_ground_code_and_organisations(concept_pdf, met_stromen,
                                                                                 tmp_path):
    data = attached_json(concept_pdf, tmp_path)
    gemeente, politie, parket = partijen(met_stromen)
    assert {p["organisatie_id"] for p in data["partijen"]} == {gemeente.pk, politie.pk, parket.pk}
    eerste, tweede = data["gegevensstromen"]
    assert eerste == {
        "verstrekker": {"organisatie": politie.naam, "organisatie_id": politie.pk},
        "ontvangers": sorted([{"organisatie": parket.naam, "organisatie_id": parket.pk},
                              {"organisatie": gemeente.naam, "organisatie_id": gemeente.pk}],
                             key=lambda o: o["organisatie"]),
        "overige_ontvangers": "RIEC Midden-Nederland", "toelichting_overige_ontvangers": "Ondermijningscasussen",
        "categorieen": "Signalen over woonoverlast", "doel": "Gezamenlijke aanpak van woonoverlast",
        "grondslag": {"code": "wpg-20", "naam": "Structurele verstrekking in een samenwerkingsverband",
                      "wettelijke_verwijzing": "Wet politiegegevens, artikel 20"},
        "zwaarwegend_algemeen_belang": "Veiligheid in de wijk", "voorwaarden": "Alleen voor het casusoverleg",
        "kanaal": "Beveiligde mail", "frequentie": "Wekelijks", "bewaartermijn": "Zes maanden",
        "verdere_verstrekking": False, "beveiligingsafspraken": "Versleuteld verzonden", "afspraak": CLAUSE,
    }
    assert (tweede["grondslag"]["code"], tweede["verdere_verstrekking"], tweede["afspraak"]) == ("avg-6-1-e", True,
                                                                                                  None)
    assert tweede["ontvangers"] == [{"organisatie": politie.naam, "organisatie_id": politie.pk}]


def test_the_api_lists_the_same_flows_as_the_embedded_json(concept_pdf, met_stromen, wereld, tmp_path):
    client = APIClient()
    client.force_login(wereld.leden[Rol.LEZER])
    detail = client.get(f"/api/v1/arrangementen/{met_stromen.pk}/").json()["gegevensstromen"]
    lijst = client.get(f"/api/v1/arrangementen/{met_stromen.pk}/gegevensstromen/").json()
    assert lijst == detail
    embedded = attached_json(concept_pdf, tmp_path)["gegevensstromen"]
    assert [(s["verstrekker"], s["ontvangers"], s["grondslag"], s["categorieen"], s["overige_ontvangers"])
            for s in detail] == [
        (e["verstrekker"]["organisatie_id"], [o["organisatie_id"] for o in e["ontvangers"]], e["grondslag"]["code"],
         e["categorieen"], e["overige_ontvangers"]) for e in embedded]
    assert [s["grondslag_verwijzing"] for s in detail] == [e["grondslag"]["wettelijke_verwijzing"] for e in embedded]


# --- the clause refers to the annex -------------------------------------------------------------------

def test_the_shipped_clause_refers_to_the_annex(concept):
    assert concept.afspraken.get(titel=CLAUSE).tekst.endswith(
        "die gegevensstromen staan in de bijlage Gegevensdeling bij dit arrangement.")


class _Apps:
    """Stands in for the migration's app registry: the current models have the same fields."""

    def get_model(self, app_label, name):
        return {"Modelafspraak": Modelafspraak, "HistoricalModelafspraak": Modelafspraak.history.model}[name]


def test_an_install_with_the_previous_shipped_clause_gets_the_reference_in_its_history(wereld):
    clause = Modelafspraak.objects.get(titel=CLAUSE)
    clause.tekst = bijlage_migration.OLD_TEXT
    clause.save()
    bijlage_migration.refer_to_annex(_Apps(), None)
    clause.refresh_from_db()
    assert clause.tekst == bijlage_migration.NEW_TEXT
    assert clause.history.order_by("-history_id").first().tekst == bijlage_migration.NEW_TEXT
    bijlage_migration.back(_Apps(), None)
    clause.refresh_from_db()
    assert clause.tekst == bijlage_migration.OLD_TEXT


def test_a_beheerders_own_wording_of_the_clause_stays(wereld):
    clause = Modelafspraak.objects.get(titel=CLAUSE)
    clause.tekst = "Eigen tekst van de beheerder."
    clause.save()
    bijlage_migration.refer_to_annex(_Apps(), None)
    clause.refresh_from_db()
    assert clause.tekst == "Eigen tekst van de beheerder."
