"""The register of data flows across arrangements ("Gegevensdeling", issue 15 item 6): the flows of the
arrangements in force on a peildatum, per driehoek and over the user's driehoeken, filtered, exported as CSV and
XLSX with exactly the rows the filters select; another driehoek's flows never show."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from arrangementen import gegevensstromen, services
from arrangementen.models import Grondslag, Status
from samenwerking.models import Organisatie, Rol

from .helpers import html, zet_status
from .test_views import fresh

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
HEADERS = ["Driehoek", "Arrangement", "Versie", "Verstrekker", "Ontvangers", "Categorieën van gegevens", "Doel",
           "Grondslag", "Wettelijke verwijzing", "Kanaal", "Frequentie", "Bewaartermijn", "Verdere verstrekking"]


def register_url(driehoek=None) -> str:
    return reverse("gegevensdeling:driehoek", args=[driehoek.pk]) if driehoek else reverse("gegevensdeling:register")


def partijen(arrangement) -> list[Organisatie]:
    """gemeente, politie, OM: the default parties (tests/arrangementen/conftest.py)."""
    return [p.organisatie for p in arrangement.partijen.select_related("organisatie").order_by("volgorde")]


def met_stromen(wereld, titel, *stromen, scope="eigen", status=Status.ONDERTEKEND, geldig_van=TODAY - 100 * DAY,
                geldig_tot=TODAY + 300 * DAY):
    """An arrangement with these flows (categorieën, grondslag code, ontvanger index, extra fields), then put in
    `status` with its period; signed a day before it starts, so it is in force from geldig_van."""
    driehoek = wereld.eigen if scope == "eigen" else wereld.andere
    user = (wereld.leden if scope == "eigen" else wereld.vreemden)[Rol.COORDINATOR]
    arrangement = services.create_arrangement(driehoek=driehoek, user=user, titel=titel, start="leeg")
    gemeente, politie, om = partijen(arrangement)
    for categorieen, code, ontvanger, *extra in stromen:
        gegevensstromen.add_gegevensstroom(
            arrangement=arrangement, user=user, expected_version=fresh(arrangement).lock_version,
            gegevens=gegevensstromen.Stroomgegevens(
                verstrekker=politie, ontvangers=[[gemeente, om][ontvanger]], categorieen=categorieen,
                doel=f"Doel van {categorieen}", grondslag=Grondslag.objects.get(code=code),
                **(extra[0] if extra else {})))
    ondertekend_op = timezone.make_aware(datetime.datetime.combine(geldig_van - DAY, datetime.time(12)))
    return zet_status(arrangement, status, geldig_van=geldig_van, geldig_tot=geldig_tot,
                      ondertekend_op=ondertekend_op)


def shown(response) -> list[str]:
    assert response.status_code == 200
    return [s.categorieen for s in response.context["pagina"].object_list]


@pytest.fixture
def register(wereld):
    """In force today: two flows of the own driehoek and one of the other; not in force: a concept, an expired
    and a future arrangement, each with a flow."""
    return {
        "in_werking": met_stromen(
            wereld, "Arrangement in werking",
            ("Meldingen van overlast", "wpg-16", 0, {"kanaal": "Beveiligde mail", "frequentie": "Wekelijks",
                                                     "bewaartermijn": "6 maanden", "verdere_verstrekking": True}),
            ("Camerabeelden uit de wijk", "avg-6-1-e", 1)),
        "verlopen": met_stromen(wereld, "Verlopen arrangement", ("Oude verwijsbrieven", "wpg-16", 0),
                                geldig_van=TODAY - 800 * DAY, geldig_tot=TODAY - 400 * DAY),
        "toekomst": met_stromen(wereld, "Toekomstig arrangement", ("Toekomstige signalen", "wpg-16", 0),
                                geldig_van=TODAY + 30 * DAY),
        "concept": met_stromen(wereld, "Concept", ("Conceptgegevens", "wpg-16", 0), status=Status.CONCEPT),
        "andere": met_stromen(wereld, "Arrangement elders", ("Gegevens van elders", "wpg-16", 0), scope="andere"),
    }


# --- which flows ------------------------------------------------------------------------------------------------

def test_only_flows_of_arrangements_in_force_today_are_listed(client, wereld, register):
    client.force_login(wereld.leden[Rol.LEZER])
    response = client.get(register_url(wereld.eigen))
    assert sorted(shown(response)) == ["Camerabeelden uit de wijk", "Meldingen van overlast"]
    page = html(response)
    assert "2 gegevensstromen in werking op" in page
    assert "Wet politiegegevens, artikel 16" in page and "Verstrekking voor de politietaak" in page
    assert reverse("arrangementen:detail", args=[register["in_werking"].pk]) in page
    for elders in ("Gegevens van elders", "Oude verwijsbrieven", "Toekomstige signalen", "Conceptgegevens"):
        assert elders not in page


def test_peildatum_shows_the_flows_in_force_on_that_day(client, wereld, register):
    client.force_login(wereld.leden[Rol.LEZER])
    past = (TODAY - 500 * DAY).strftime("%d-%m-%Y")
    assert shown(client.get(register_url(wereld.eigen), {"peildatum": past})) == ["Oude verwijsbrieven"]
    future = (TODAY + 31 * DAY).isoformat()
    assert sorted(shown(client.get(register_url(wereld.eigen), {"peildatum": future}))) == [
        "Camerabeelden uit de wijk", "Meldingen van overlast", "Toekomstige signalen"]


def test_privacy_officer_sees_the_flows_of_every_driehoek_they_belong_to_and_filters_by_driehoek(
        client, wereld, register):
    from samenwerking.services import grant_membership

    adviseur = wereld.leden[Rol.PRIVACYADVISEUR]
    client.force_login(adviseur)
    assert sorted(shown(client.get(register_url()))) == ["Camerabeelden uit de wijk", "Meldingen van overlast"]
    grant_membership(gebruiker=adviseur, driehoek=wereld.andere, rol=Rol.PRIVACYADVISEUR)
    response = client.get(register_url())
    assert sorted(shown(response)) == ["Camerabeelden uit de wijk", "Gegevens van elders", "Meldingen van overlast"]
    assert wereld.andere.naam in html(response)
    assert shown(client.get(register_url(), {"driehoek": wereld.andere.pk})) == ["Gegevens van elders"]


# --- another driehoek -------------------------------------------------------------------------------------------

def test_other_driehoeks_flows_never_show_and_its_page_answers_404(client, wereld, register):
    client.force_login(wereld.leden[Rol.PRIVACYADVISEUR])
    assert "Gegevens van elders" not in html(client.get(register_url()))
    assert client.get(register_url(wereld.andere)).status_code == 404
    response = client.get(register_url(), {"driehoek": wereld.andere.pk})
    assert response.context["form"].errors["driehoek"] == ["Kies een driehoek uit de lijst."]
    assert "Gegevens van elders" not in html(response)


def test_ontvanger_of_another_driehoek_is_not_offered_as_filter(client, wereld, register):
    client.force_login(wereld.leden[Rol.LEZER])
    offered = set(client.get(register_url()).context["form"].fields["ontvanger"].queryset)
    elders = register["andere"].gegevensstromen.get().ontvangers.get()
    assert elders not in offered
    assert set(partijen(register["in_werking"])[0::2]) <= offered


# --- filters ----------------------------------------------------------------------------------------------------

def test_filters_on_grondslag_ontvanger_and_category(client, wereld, register):
    client.force_login(wereld.leden[Rol.LEZER])
    gemeente, _politie, om = partijen(register["in_werking"])
    url = register_url(wereld.eigen)
    assert shown(client.get(url, {"grondslag": Grondslag.objects.get(code="avg-6-1-e").pk})) == [
        "Camerabeelden uit de wijk"]
    assert shown(client.get(url, {"ontvanger": gemeente.pk})) == ["Meldingen van overlast"]
    assert shown(client.get(url, {"ontvanger": om.pk})) == ["Camerabeelden uit de wijk"]
    assert shown(client.get(url, {"categorie": "  camerabeelden "})) == ["Camerabeelden uit de wijk"]
    assert shown(client.get(url, {"categorie": "camera", "ontvanger": gemeente.pk})) == []


def test_a_flow_to_an_ontvanger_outside_the_parties_shows_that_ontvanger(client, wereld):
    met_stromen(wereld, "Met RIEC", ("Signalen ondermijning", "wpg-16", 0, {
        "overige_ontvangers": "RIEC Midden-Nederland", "toelichting_overige_ontvangers": "Convenant RIEC"}))
    client.force_login(wereld.leden[Rol.LEZER])
    response = client.get(register_url(wereld.eigen))
    (stroom,) = response.context["pagina"].object_list
    assert stroom.ontvanger_namen[-1] == "RIEC Midden-Nederland"
    assert "RIEC Midden-Nederland" in html(response)


def test_nothing_in_force_shows_the_empty_state(client, wereld):
    client.force_login(wereld.leden[Rol.LEZER])
    response = client.get(register_url(wereld.eigen))
    assert shown(response) == []
    assert "Geen gegevensstromen gevonden" in html(response)
    assert "export=csv" not in html(response)


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"peildatum": "31-02-2026"}, "peildatum", "Vul een geldige peildatum in, bijvoorbeeld 1-1-2027."),
    ({"peildatum": "1-1-0999"}, "peildatum", "Kies een peildatum tussen 1900 en 2999."),
    ({"grondslag": "abc"}, "grondslag", "Kies een grondslag uit de lijst."),
    ({"grondslag": "999999"}, "grondslag", "Kies een grondslag uit de lijst."),
    ({"ontvanger": "-1"}, "ontvanger", "Kies een ontvanger uit de lijst."),
    ({"categorie": "x" * 201}, "categorie", "Zoek op ten hoogste 200 tekens."),
])
def test_bad_filter_input_gets_a_dutch_message_keeps_the_input_and_lists_nothing(
        client, wereld, register, params, field, message):
    client.force_login(wereld.leden[Rol.LEZER])
    response = client.get(register_url(wereld.eigen), {**params, "categorie": params.get("categorie", "mel")})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    page = html(response)
    assert message in page and "Pas de filters aan" in page
    assert f'value="{params.get("peildatum", params.get("categorie", "mel"))}"' in page
    assert response.context["pagina"].object_list == []


def test_export_with_a_bad_filter_returns_the_page_with_the_message_not_a_file(client, wereld, register):
    client.force_login(wereld.leden[Rol.LEZER])
    response = client.get(register_url(wereld.eigen), {"peildatum": "morgen", "export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Vul een geldige peildatum in" in html(response)


# --- export -----------------------------------------------------------------------------------------------------

def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_csv_holds_exactly_the_filtered_rows_with_dutch_headers(client, wereld, register):
    client.force_login(wereld.leden[Rol.PRIVACYADVISEUR])
    gemeente, politie, _om = partijen(register["in_werking"])
    response = client.get(register_url(wereld.eigen), {"ontvanger": gemeente.pk, "export": "csv"})
    assert response["Content-Disposition"] == (
        f'attachment; filename="gegevensdeling-{wereld.eigen.pk}-{TODAY:%Y%m%d}.csv"')
    header, *rows = csv_rows(response)
    assert header == HEADERS
    assert rows == [[wereld.eigen.naam, "Arrangement in werking", "1", politie.naam, gemeente.naam,
                     "Meldingen van overlast", "Doel van Meldingen van overlast", "Verstrekking voor de politietaak",
                     "Wet politiegegevens, artikel 16", "Beveiligde mail", "Wekelijks", "6 maanden", "Toegestaan"]]


def test_xlsx_holds_exactly_the_filtered_rows_with_dutch_headers(client, wereld, register):
    client.force_login(wereld.leden[Rol.PRIVACYADVISEUR])
    response = client.get(register_url(), {"categorie": "camera", "export": "xlsx"})
    assert response["Content-Disposition"] == f'attachment; filename="gegevensdeling-{TODAY:%Y%m%d}.xlsx"'
    header, *rows = xlsx_rows(response)
    assert list(header) == HEADERS
    assert [(r[0], r[1], r[5], r[7], r[12]) for r in rows] == [
        (wereld.eigen.naam, "Arrangement in werking", "Camerabeelden uit de wijk",
         "Taak van algemeen belang of openbaar gezag", "Niet toegestaan")]


def test_export_without_filters_holds_every_row_the_page_lists_and_no_other_driehoek(client, wereld, register):
    client.force_login(wereld.leden[Rol.LEZER])
    listed = sorted(shown(client.get(register_url())))
    _header, *rows = csv_rows(client.get(register_url(), {"export": "csv"}))
    assert sorted(r[5] for r in rows) == listed == ["Camerabeelden uit de wijk", "Meldingen van overlast"]
    _header, *rows = xlsx_rows(client.get(register_url(), {"export": "xlsx", "pagina": "2"}))
    assert sorted(r[5] for r in rows) == listed, "the export is every filtered row, not one page"


def test_export_neutralises_formulas_typed_into_a_flow(client, wereld):
    met_stromen(wereld, "Met formule", ("=HYPERLINK(\"http://x\")", "wpg-16", 0))
    client.force_login(wereld.leden[Rol.LEZER])
    _header, row = csv_rows(client.get(register_url(wereld.eigen), {"export": "csv"}))
    assert row[5] == "'=HYPERLINK(\"http://x\")"
    _header, xrow = xlsx_rows(client.get(register_url(wereld.eigen), {"export": "xlsx"}))
    assert xrow[5] == "'=HYPERLINK(\"http://x\")"


# --- navigation -------------------------------------------------------------------------------------------------

def test_driehoek_page_and_arrangementen_list_link_to_the_register(client, wereld):
    client.force_login(wereld.leden[Rol.LEZER])
    assert register_url(wereld.eigen) in html(client.get(reverse("samenwerking:driehoek", args=[wereld.eigen.pk])))
    assert register_url() in html(client.get(reverse("arrangementen:lijst")))


def test_anonymous_is_sent_to_login(client, wereld):
    response = client.get(register_url(wereld.eigen))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_pages_keep_the_filters_and_export_links_carry_them(client, wereld, register, monkeypatch):
    from arrangementen.views import gegevensdeling

    monkeypatch.setattr(gegevensdeling, "PAGE_SIZE", 1)
    client.force_login(wereld.leden[Rol.LEZER])
    response = client.get(register_url(wereld.eigen), {"categorie": "e"})
    assert len(shown(response)) == 1
    page = html(response)
    assert "?categorie=e&amp;pagina=2" in page
    assert "?categorie=e&amp;export=csv" in page and "?categorie=e&amp;export=xlsx" in page
    second = client.get(register_url(wereld.eigen), {"categorie": "e", "pagina": "2"})
    assert set(shown(response) + shown(second)) == {"Camerabeelden uit de wijk", "Meldingen van overlast"}
