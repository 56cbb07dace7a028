"""What the aggregate pages keep when the user moves on (issue 16, edges found when tried as a user): the peildatum
form and the sort links of /beeld/ keep the map's zoom and every filter, the zoom form keeps the filters, and the
comparison of two dates (/beeld/vergelijk/) takes the same filters, with links between the two pages keeping them."""

import datetime
import re
from urllib.parse import parse_qs, unquote

import pytest
from django.utils import timezone

from arrangementen.models import BoaInzet, Partij, Status
from samenwerking import overzichtsrollen
from samenwerking.models import Driehoek, Organisatie, Overzichtsniveau, Werkgebied

from ..factories import (
    ArrangementFactory,
    BasisteamFactory,
    DriehoekFactory,
    EenheidFactory,
    GebruikerFactory,
    GemeenteFactory,
    OrganisatieFactory,
    VeiligheidsregioFactory,
)
from .helpers import html

DAY = datetime.timedelta(days=1)
LINK = re.compile(r'<a class="app-kaart__gemeente" href="[^"]+" aria-label="([^"]+)">')


def _signed(gemeente, *, on: int, tot: int, soort=Driehoek.Soort.BASISTEAM, inzet=()):
    """Signed and in force `on` days from today until `tot` days from today."""
    today, now = timezone.localdate(), timezone.now()
    arrangement = ArrangementFactory(
        driehoek=DriehoekFactory(gemeenten=[gemeente], soort=soort), status=Status.ONDERTEKEND,
        aangemaakt_op=now - 500 * DAY, vastgesteld_op=today + (on - 5) * DAY, ondertekend_op=now + on * DAY,
        geldig_van=today + on * DAY, geldig_tot=today + tot * DAY)
    organisatie = OrganisatieFactory(soort=Organisatie.Soort.GEMEENTE, gemeente=gemeente)
    Partij.objects.create(arrangement=arrangement, organisatie=organisatie, ondertekenaar_functie="burgemeester")
    for domein, boas, fte in inzet:
        BoaInzet.objects.create(arrangement=arrangement, domein=domein, aantal_boas=boas, fte=fte)
    return arrangement


@pytest.fixture
def land(db):
    """Real CBS codes, so the map has shapes. Between today and a month on: Baarn and Zwolle become covered,
    De Bilt lapses; Maastricht (another eenheid) becomes covered too."""
    midden, zuid = EenheidFactory(code="RE91", naam="Midden"), EenheidFactory(code="RE92", naam="Zuid")
    utrecht = VeiligheidsregioFactory(code="VR91", naam="Utrecht", eenheid=midden)
    ijssel = VeiligheidsregioFactory(code="VR92", naam="IJsselland", eenheid=midden)
    limburg = VeiligheidsregioFactory(code="VR93", naam="Zuid-Limburg", eenheid=zuid)
    g = {naam: GemeenteFactory(cbs_code=code, officiele_naam=naam, veiligheidsregio=regio) for naam, code, regio in (
        ("Baarn", "GM0308", utrecht), ("De Bilt", "GM0310", utrecht), ("Zwolle", "GM0193", ijssel),
        ("Maastricht", "GM0935", limburg))}
    _signed(g["Baarn"], on=10, tot=400, inzet=[("I", 3, "2.5")])
    _signed(g["De Bilt"], on=-90, tot=20, inzet=[("I", 2, 2)])
    _signed(g["Zwolle"], on=10, tot=400, soort=Driehoek.Soort.LOKAAL, inzet=[("III", 1, 1)])
    _signed(g["Maastricht"], on=10, tot=400)
    team = BasisteamFactory(naam="Team Heuvelrug", eenheid=midden)
    for naam in ("Baarn", "De Bilt"):
        Werkgebied.objects.create(basisteam=team, gemeente=g[naam], dekking=Werkgebied.Dekking.GEHEEL)
    return {"midden": midden, "utrecht": utrecht, "team": team, "gemeenten": g}


@pytest.fixture
def landelijk(land, client):
    user = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=user, niveau=Overzichtsniveau.LANDELIJK)
    client.force_login(user)
    return client


def _form(page: str, label: str) -> str:
    return page.split(f'aria-label="{label}"', 1)[1].split("</form>", 1)[0]


def _hidden(form: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def _query(href: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(unquote(href.replace("&amp;", "&")).split("?", 1)[1]).items()}


def _links(page: str) -> list[str]:
    svg = page.split('<svg class="app-kaart__svg"', 1)[1].split("</svg>", 1)[0]
    return LINK.findall(svg)


def _gemeenten(response) -> list[str]:
    body = re.search(r'aria-labelledby="gemeenten">.*?<tbody[^>]*>(.*?)</tbody>', html(response), re.S)
    return re.findall(r'<th class="utrecht-table__header-cell" scope="row"><a [^>]+>([^<]+)</a>', body.group(1))


def test_the_peildatum_form_carries_the_zoom_and_submitting_it_keeps_the_zoomed_map(land, landelijk):
    zoom = f"regio:{land['utrecht'].pk}"
    page = html(landelijk.get("/beeld/", {"zoom": zoom, "eenheid": land["midden"].pk}))
    assert _hidden(_form(page, "De stand op een andere dag"))["zoom"] == zoom
    # What the browser sends when the form is submitted with another peildatum: every field of the form.
    later = (timezone.localdate() + 30 * DAY).strftime("%d-%m-%Y")
    submitted = {"peildatum": later, "sorteer": "", "richting": "", "eenheid": land["midden"].pk,
                 "veiligheidsregio": "", "basisteam": "", "driehoeksoort": "", "domein": "", "zoom": zoom}
    page = html(landelijk.get("/beeld/", submitted))
    assert _links(page) == ["Baarn: ondertekend en in werking", "De Bilt: verlopen of opgezegd"]
    assert f'<option value="{zoom}" selected>Utrecht</option>' in page
    assert _hidden(_form(page, "Zoom de kaart"))["peildatum"] == later


def test_sort_links_keep_the_zoom_and_every_filter(land, landelijk):
    query = {"zoom": f"regio:{land['utrecht'].pk}", "eenheid": str(land["midden"].pk), "driehoeksoort": "basisteam",
             "domein": "I", "basisteam": str(land["team"].pk), "veiligheidsregio": str(land["utrecht"].pk),
             "peildatum": (timezone.localdate() + 30 * DAY).strftime("%d-%m-%Y")}
    page = html(landelijk.get("/beeld/", query))
    hrefs = re.findall(r'<th class="utrecht-table__header-cell" scope="col"[^>]*><a class="utrecht-link" '
                       r'href="([^"]+)"', page)
    assert len(hrefs) == 7
    for href in hrefs:
        assert {key: value for key, value in _query(href).items() if key not in ("sorteer", "richting")} == query
    sorted_page = landelijk.get("/beeld/", _query(hrefs[0]))
    assert _links(html(sorted_page)) == ["Baarn: ondertekend en in werking"]  # De Bilt lapsed: filtered by domein


def test_the_zoom_form_carries_every_filter(land, landelijk):
    query = {"eenheid": str(land["midden"].pk), "veiligheidsregio": str(land["utrecht"].pk),
             "basisteam": str(land["team"].pk), "driehoeksoort": "basisteam", "domein": "I",
             "peildatum": "01-01-2026", "sorteer": "stand", "richting": "af"}
    form = _form(html(landelijk.get("/beeld/", query)), "Zoom de kaart")
    assert _hidden(form) == query
    zoomed = {**query, "zoom": f"regio:{land['utrecht'].pk}"}
    assert _hidden(_form(html(landelijk.get("/beeld/", zoomed)), "Zoom de kaart")) == query


def _compare(client, **filters):
    today = timezone.localdate()
    response = client.get("/beeld/vergelijk/", {"van": today.strftime("%d-%m-%Y"),
                                                "tot": (today + 30 * DAY).strftime("%d-%m-%Y"), **filters})
    assert response.status_code == 200
    page = html(response)
    return {kind: re.findall(r'scope="row"><a class="utrecht-link" href="[^"]+">([^<]+)</a>', body)
            for kind, body in re.findall(r'aria-labelledby="soort-(\w+)">.*?<tbody[^>]*>(.*?)</tbody>', page, re.S)}


def test_the_comparison_takes_the_same_filters_as_the_overview(land, landelijk):
    assert _compare(landelijk) == {"nieuw_gedekt": ["Baarn", "Maastricht", "Zwolle"], "vervallen": ["De Bilt"]}
    assert _compare(landelijk, eenheid=land["midden"].pk) == {"nieuw_gedekt": ["Baarn", "Zwolle"],
                                                              "vervallen": ["De Bilt"]}
    assert _compare(landelijk, veiligheidsregio=land["utrecht"].pk) == {"nieuw_gedekt": ["Baarn"],
                                                                        "vervallen": ["De Bilt"]}
    assert _compare(landelijk, basisteam=land["team"].pk) == {"nieuw_gedekt": ["Baarn"], "vervallen": ["De Bilt"]}
    assert _compare(landelijk, driehoeksoort="lokaal") == {"nieuw_gedekt": ["Zwolle"]}
    # A domein: gemeenten covered on either date by an arrangement with BOA-inzet there.
    assert _compare(landelijk, domein="I") == {"nieuw_gedekt": ["Baarn"], "vervallen": ["De Bilt"]}
    assert _compare(landelijk, domein="III") == {"nieuw_gedekt": ["Zwolle"]}
    assert _compare(landelijk, domein="V") == {}


def test_the_comparison_counts_only_the_filtered_gemeenten(land, landelijk):
    today = timezone.localdate()
    response = landelijk.get("/beeld/vergelijk/", {"van": today.strftime("%d-%m-%Y"), "eenheid": land["midden"].pk,
                                                   "tot": (today + 30 * DAY).strftime("%d-%m-%Y")})
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))
    assert "Gedekt door een arrangement in werking: 1 van 3 gemeenten op" in text
    assert "Nieuw gedekt: 2" in text and "Vervallen: 1" in text and "Ongewijzigd: 0" in text


def test_a_bad_filter_on_the_comparison_is_refused_in_dutch_and_the_dates_kept(land, landelijk):
    response = landelijk.get("/beeld/vergelijk/", {"van": "1-1-2026", "tot": "1-3-2026", "domein": "VII",
                                                   "eenheid": land["midden"].pk})
    page = html(response)
    assert response.status_code == 200 and "Kies een domein uit de lijst." in page
    assert 'value="1-1-2026"' in page and 'value="1-3-2026"' in page
    assert f'<option value="{land["midden"].pk}" selected>{land["midden"]}</option>' in page


def test_the_links_between_overview_and_comparison_keep_the_filters_and_zoom(land, landelijk):
    zoom = f"regio:{land['utrecht'].pk}"
    page = html(landelijk.get("/beeld/", {"eenheid": land["midden"].pk, "domein": "I", "zoom": zoom,
                                          "peildatum": "01-03-2026", "sorteer": "stand"}))
    [naar] = re.findall(r'href="(/beeld/vergelijk/[^"]*)"', page)
    assert _query(naar) == {"eenheid": str(land["midden"].pk), "domein": "I", "zoom": zoom, "tot": "01-03-2026"}
    page = html(landelijk.get("/beeld/vergelijk/", _query(naar)))
    assert f'<option value="{land["midden"].pk}" selected>{land["midden"]}</option>' in page
    assert _hidden(_form(page, "Twee dagen vergelijken")) == {"zoom": zoom}
    compared = html(landelijk.get("/beeld/vergelijk/", {**_query(naar), "van": "01-01-2026"}))
    [terug] = re.findall(r'utrecht-breadcrumb-nav__link--first" href="([^"]+)"', compared)
    assert _query(terug) == {"eenheid": str(land["midden"].pk), "domein": "I", "zoom": zoom, "peildatum": "01-03-2026"}


@pytest.mark.parametrize("extra", [0, 30])
def test_the_filtered_comparison_reads_in_a_constant_number_of_queries(land, client, django_assert_num_queries,
                                                                       extra):
    for index in range(extra):
        gemeente = GemeenteFactory(veiligheidsregio=land["utrecht"])
        _signed(gemeente, on=10 if index % 2 else -90, tot=400 if index % 2 else 20, inzet=[("I", 1, 1)])
        Werkgebied.objects.create(basisteam=land["team"], gemeente=gemeente, dekking=Werkgebied.Dekking.GEHEEL)
    user = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=user, niveau=Overzichtsniveau.EENHEID, eenheid=land["midden"])
    client.force_login(user)
    today = timezone.localdate()
    query = {"van": today.strftime("%d-%m-%Y"), "tot": (today + 30 * DAY).strftime("%d-%m-%Y"),
             "eenheid": land["midden"].pk, "veiligheidsregio": land["utrecht"].pk, "basisteam": land["team"].pk,
             "driehoeksoort": "basisteam", "domein": "I"}
    # 6 for the comparison, 2 for the geweldsmiddelen flags of both dates, 3 for the filters' lists (a chosen place
    # is checked against the list it was chosen from: forms.filters.EenmaalGelezen), 1 for the BOA-inzet.
    with django_assert_num_queries(12):
        found = _compare(client, **query)
    assert len(found["nieuw_gedekt"]) == 1 + extra // 2 and len(found["vervallen"]) == 1 + extra // 2


def test_a_gemeentes_detail_is_reached_and_left_with_the_zoom_and_filters(land, landelijk):
    baarn = land["gemeenten"]["Baarn"]
    query = {"eenheid": str(land["midden"].pk), "domein": "I", "zoom": f"regio:{land['utrecht'].pk}",
             "peildatum": (timezone.localdate() + 30 * DAY).strftime("%d-%m-%Y")}
    page = html(landelijk.get("/beeld/", {**query, "sorteer": "stand"}))
    links = set(re.findall(rf'href="(/beeld/gemeente/{baarn.pk}/[^"]*)"', page))
    assert len(links) == 1  # the same from the table and from the map
    [link] = links
    assert _query(link) == query
    detail = html(landelijk.get(f"/beeld/gemeente/{baarn.pk}/", _query(link)))
    [terug] = re.findall(r'utrecht-breadcrumb-nav__link--first" href="([^"]+)"', detail)
    assert _query(terug) == query
    meegenomen = _hidden(_form(detail, "De stand op een andere dag"))
    assert {key: value for key, value in meegenomen.items() if value} == {
        key: value for key, value in query.items() if key != "peildatum"}


def test_an_eenheid_user_compares_only_their_eenheids_gemeenten_and_cannot_filter_on_another(land, client):
    user = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=user, niveau=Overzichtsniveau.EENHEID, eenheid=land["midden"])
    client.force_login(user)
    assert _compare(client) == {"nieuw_gedekt": ["Baarn", "Zwolle"], "vervallen": ["De Bilt"]}
    zuid = land["gemeenten"]["Maastricht"].eenheid
    today = timezone.localdate()
    page = html(client.get("/beeld/vergelijk/", {"van": today.strftime("%d-%m-%Y"), "eenheid": zuid.pk,
                                                 "tot": (today + 30 * DAY).strftime("%d-%m-%Y")}))
    assert "Kies een politie-eenheid uit de lijst." in page and "Maastricht" not in page
