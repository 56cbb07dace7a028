"""The dekkingskaart on /beeld/ (issue 16, item 2): TopoJSON decoded once into one SVG path per gemeente; on the page
one link per gemeente of the user's scope with its name and state, the rest grey and out of the tab order, states
told apart by patterns, zoom to an eenheid or veiligheidsregio through the query string; no extra queries."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from arrangementen import kaart
from arrangementen.beeld import overview
from arrangementen.kaart import geometry, viewbox
from arrangementen.models import Partij, Status
from samenwerking import overzichtsrollen
from samenwerking.models import Gemeente, Organisatie, Overzichtsniveau, Veiligheidsregio
from samenwerking.referentiedata import load_reference_data

from ..beveiliging.test_headers import INLINE_SCRIPT, INLINE_STYLE
from ..factories import (
    ArrangementFactory,
    DriehoekFactory,
    EenheidFactory,
    GebruikerFactory,
    GemeenteFactory,
    OrganisatieFactory,
    VeiligheidsregioFactory,
)
from .helpers import html

DAY = datetime.timedelta(days=1)
URL = "/beeld/"
LINK = re.compile(r'<a class="app-kaart__gemeente" href="([^"]+)" aria-label="([^"]+)"><title>([^<]+)</title>'
                  r'<path d="M[^"]+z" fill="url\(#kaart-([a-z_]+)\)"/></a>')


def _signed(gemeente):
    today = timezone.localdate()
    arrangement = ArrangementFactory(driehoek=DriehoekFactory(gemeenten=[gemeente]), status=Status.ONDERTEKEND,
                                     aangemaakt_op=timezone.now() - 500 * DAY, vastgesteld_op=today - 100 * DAY,
                                     ondertekend_op=timezone.now() - 90 * DAY, geldig_van=today - 80 * DAY,
                                     geldig_tot=today + 400 * DAY)
    organisatie = OrganisatieFactory(soort=Organisatie.Soort.GEMEENTE, gemeente=gemeente)
    Partij.objects.create(arrangement=arrangement, organisatie=organisatie, ondertekenaar_functie="burgemeester")


@pytest.fixture
def land(db):
    """Real CBS codes, so the gemeenten have a shape: Baarn and De Bilt (Utrecht), Zwolle (IJsselland), all in one
    eenheid; Maastricht in another."""
    midden, zuid = EenheidFactory(code="RE91", naam="Midden"), EenheidFactory(code="RE92", naam="Zuid")
    utrecht = VeiligheidsregioFactory(code="VR91", naam="Utrecht", eenheid=midden)
    ijssel = VeiligheidsregioFactory(code="VR92", naam="IJsselland", eenheid=midden)
    limburg = VeiligheidsregioFactory(code="VR93", naam="Zuid-Limburg", eenheid=zuid)
    g = {naam: GemeenteFactory(cbs_code=code, officiele_naam=naam, veiligheidsregio=regio) for naam, code, regio in (
        ("Baarn", "GM0308", utrecht), ("De Bilt", "GM0310", utrecht), ("Zwolle", "GM0193", ijssel),
        ("Maastricht", "GM0935", limburg))}
    _signed(g["Baarn"])
    return {"midden": midden, "utrecht": utrecht, "gemeenten": g}


def _user(**scope):
    user = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=user, **scope)
    return user


def _svg(response) -> str:
    return html(response).split('<svg class="app-kaart__svg"', 1)[1].split("</svg>", 1)[0]


def _viewbox(response) -> list[float]:
    return [float(n) for n in re.search(r'viewBox="([^"]+)"', _svg(response)).group(1).split()]


def test_decoding_gives_one_closed_path_per_gemeente_and_veiligheidsregio_of_the_reference_data(db):
    load_reference_data(basisteams=False)
    kaart = geometry()
    assert len(kaart.gemeenten) == 342
    assert set(kaart.gemeenten) == set(Gemeente.objects.values_list("cbs_code", flat=True))
    assert set(kaart.regios) == set(Veiligheidsregio.objects.values_list("code", flat=True))
    for vorm in kaart.gemeenten.values():
        assert re.fullmatch(r"(M-?[\d.]+ -?[\d.]+l[-\d. ]+z)+", vorm.d)
        x0, y0, x1, y1 = vorm.bounds
        assert 0 <= x0 < x1 <= kaart.bounds[2] and 0 <= y0 < y1 <= kaart.bounds[3]
    # North is up: all of Groningen lies above (smaller y) all of Maastricht.
    assert kaart.gemeenten["GM0014"].bounds[3] < kaart.gemeenten["GM0935"].bounds[1]
    assert geometry() is kaart  # decoded once per process


def test_the_viewbox_of_a_few_gemeenten_is_smaller_than_the_country():
    kaart = geometry()
    land, schaal_land = viewbox([])
    regio, schaal_regio = viewbox([kaart.gemeenten["GM0308"], kaart.gemeenten["GM0310"]])
    assert float(regio.split()[2]) < float(land.split()[2]) / 5
    assert schaal_regio < 0.2 < 1 < schaal_land  # the country with its margin


def test_an_eenheid_user_gets_one_link_per_gemeente_in_scope_with_name_and_state(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["midden"]))
    response = client.get(URL, {"peildatum": timezone.localdate().strftime("%d-%m-%Y")})
    svg = _svg(response)
    links = LINK.findall(svg)
    peildatum = timezone.localdate().strftime("%d-%m-%Y")
    g = land["gemeenten"]
    assert links == [
        (f"/beeld/gemeente/{g['Baarn'].pk}/?peildatum={peildatum}", "Baarn: ondertekend en in werking",
         "Baarn: ondertekend en in werking", "in_werking"),
        (f"/beeld/gemeente/{g['De Bilt'].pk}/?peildatum={peildatum}", "De Bilt: geen arrangement",
         "De Bilt: geen arrangement", "geen"),
        (f"/beeld/gemeente/{g['Zwolle'].pk}/?peildatum={peildatum}", "Zwolle: geen arrangement",
         "Zwolle: geen arrangement", "geen"),
    ]
    assert svg.count("<a ") == 3 and "Maastricht" not in svg
    # Every other gemeente of the country is drawn grey, without link or name.
    assert svg.count('class="app-kaart__buiten"') == 342 - 3
    assert 'role="group" aria-labelledby="dekkingskaart"' in svg
    page = html(response)
    assert 'id="dekkingskaart"' in page and "Bron: CBS, PDOK" in page
    assert not INLINE_STYLE.search(page) and not INLINE_SCRIPT.search(page)


def test_every_state_has_its_own_pattern_in_the_map_and_the_legend(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    page = html(client.get(URL))
    for state in ("in_werking", "evaluatie_achterstallig", "vastgesteld", "in_voorbereiding", "beeindigd", "geen"):
        assert f'<pattern id="kaart-{state}"' in page and f'<pattern id="legenda-{state}"' in page
        assert f'fill="url(#legenda-{state})"' in page
    assert "Ondertekend en in werking (1)" in page and "Geen arrangement (3)" in page
    patterns = re.findall(r'<pattern id="kaart-[a-z_]+"[^>]*>(.*?)</pattern>', page)
    assert len(set(patterns)) == 6  # no two states look alike, also without colour


def test_zoom_to_a_veiligheidsregio_sets_a_smaller_viewbox_and_links_only_its_gemeenten(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    whole = client.get(URL)
    zoomed = client.get(URL, {"zoom": f"regio:{land['utrecht'].pk}"})
    assert _viewbox(zoomed)[2] < _viewbox(whole)[2] / 5 and _viewbox(zoomed)[3] < _viewbox(whole)[3] / 5
    assert [name for _url, name, *_rest in LINK.findall(_svg(zoomed))] == [
        "Baarn: ondertekend en in werking", "De Bilt: geen arrangement"]
    assert 'class="app-kaart__rand"' in _svg(zoomed)  # Zwolle and Maastricht: faded, not focusable
    assert f'<option value="regio:{land["utrecht"].pk}" selected>Utrecht</option>' in html(zoomed)
    by_eenheid = client.get(URL, {"zoom": f"eenheid:{land['midden'].pk}"})
    assert len(LINK.findall(_svg(by_eenheid))) == 3
    assert _viewbox(zoomed)[2] < _viewbox(by_eenheid)[2] < _viewbox(whole)[2]


@pytest.mark.parametrize("zoom", ["onzin", "regio:999999", "eenheid:", "regio:1:2"])
def test_a_bad_or_foreign_zoom_is_refused_in_dutch_and_the_whole_scope_shown(land, client, zoom):
    foreign = VeiligheidsregioFactory(code="VR94", naam="Elders", eenheid=EenheidFactory(code="RE94"))
    user = _user(niveau=Overzichtsniveau.EENHEID, eenheid=land["midden"])
    client.force_login(user)
    whole = client.get(URL)
    response = client.get(URL, {"zoom": zoom.replace("999999", str(foreign.pk))})
    assert response.status_code == 200
    assert "Kies een politie-eenheid of veiligheidsregio uit de lijst; de kaart toont nu uw hele overzicht." in (
        html(response))
    assert _viewbox(response) == _viewbox(whole)
    assert len(LINK.findall(_svg(response))) == 3


def test_zooming_keeps_the_peildatum_and_sort_order(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    page = html(client.get(URL, {"peildatum": "01-01-2026", "sorteer": "stand", "richting": "af"}))
    form = page.split('aria-label="Zoom de kaart"', 1)[1].split("</form>", 1)[0]
    for name, value in (("peildatum", "01-01-2026"), ("sorteer", "stand"), ("richting", "af")):
        assert re.search(rf'<input type="hidden" name="{name}" value="{value}" id="kaart_{name}">', form)


@pytest.mark.parametrize("extra", [0, 30])
def test_the_map_adds_no_query_to_the_page(land, client, django_assert_num_queries, extra):
    codes = sorted(code for code in geometry().gemeenten if code not in {"GM0308", "GM0310", "GM0193", "GM0935"})
    for index, code in enumerate(codes[:extra]):
        gemeente = GemeenteFactory(cbs_code=code, veiligheidsregio=land["utrecht"])
        if index % 2:
            _signed(gemeente)
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["midden"]))
    with django_assert_num_queries(10):  # the budget of tests/arrangementen/test_beeld.py (with the filter lists)
        response = client.get(URL, {"zoom": f"regio:{land['utrecht'].pk}"})
    assert len(LINK.findall(_svg(response))) == 2 + extra


def test_a_gemeente_without_a_shape_is_named_under_the_map(land, client):
    GemeenteFactory(cbs_code="GM9999", officiele_naam="Nieuwgemeente", veiligheidsregio=land["utrecht"])
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    page = html(client.get(URL))
    assert "Niet op de kaart (geen grenzen bekend): Nieuwgemeente." in page


def test_the_about_page_names_the_maps_source(client):
    page = html(client.get("/over/"))
    assert "Gemeentegrenzen op de kaart: Bron: CBS, PDOK, uit het coronadashboard van VWS (EUPL-1.2)." in page


def test_the_page_template_renders_the_map_without_a_request(land):
    user = _user(niveau=Overzichtsniveau.LANDELIJK)
    beeld = overview(user, peildatum=timezone.localdate())
    page = render_to_string("arrangementen/_kaart.html", {"beeld": beeld})
    assert page.count('<a class="app-kaart__gemeente"') == 4


def test_the_geojson_outlines_are_wgs84_polygons_for_every_gemeente():
    shapes = kaart.geojson_geometries()
    assert len(shapes) == 342
    soest = shapes["GM0342"]
    assert soest["type"] in ("Polygon", "MultiPolygon")
    rings = soest["coordinates"] if soest["type"] == "Polygon" else [r for p in soest["coordinates"] for r in p]
    points = [point for ring in rings for point in ring]
    assert all(ring[0] == ring[-1] and len(ring) >= 4 for ring in rings)  # closed linear rings (RFC 7946)
    assert all(5.1 < lon < 5.5 and 52.0 < lat < 52.3 for lon, lat in points)  # Soest lies east of Utrecht
