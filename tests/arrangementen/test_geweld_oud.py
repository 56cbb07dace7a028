"""Issue 20's leftovers: the per-arrangement geweldsmiddelen list retired (arrangementen 0021 moves what is left to
rows per organisation, then drops the column; the edit form, PDF data and publication text know only the rows); a
herziening starts without its predecessor's publication; the BOA-inzet of a domein cannot go to zero while
geweldsmiddelen rest on it; the dashboard block shows only where geweldsmiddelen are recorded."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from arrangementen import geweldsmiddelen, pdf, publicatie, publicatietekst, services
from arrangementen.models import Arrangement, Geweldsmiddeltoekenning, Status
from arrangementen.services import InzetRegel
from samenwerking.dashboard import blocks_for
from samenwerking.models import Organisatie, Rol

from ..factories import GebruikerFactory
from .helpers import html, in_werking_met_pdf, zet_status
from .oudelijst import schema_met_oude_lijst, zet_oude_lijst
from .test_views import edit_payload

pytestmark = pytest.mark.django_db

REDEN_OVERGENOMEN = "Overgenomen uit de lijst geweldsmiddelen van het arrangement"


def _gemeente(arrangement: Arrangement) -> Organisatie:
    return arrangement.partijen.filter(organisatie__soort=Organisatie.Soort.GEMEENTE).first().organisatie


def _add(arrangement: Arrangement, user, **velden):
    arrangement.refresh_from_db()
    gegevens = geweldsmiddelen.Toekenninggegevens(**{"organisatie": _gemeente(arrangement), "domein": "I",
                                                     "geweldsmiddel": "handboeien", **velden})
    return geweldsmiddelen.add_toekenning(arrangement=arrangement, user=user,
                                          expected_version=arrangement.lock_version, gegevens=gegevens)


@pytest.fixture
def met_handboeien(wereld):
    """A concept with BOA-inzet in domein I (6 BOA's) and II (2), whose gemeente's boa's carry handboeien and a
    wapenstok in domein I."""
    arrangement = wereld.nieuw("Arrangement met geweldsmiddelen")
    services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                data={"titel": arrangement.titel},
                                inzet=[InzetRegel("I", 6, Decimal("4.0")), InzetRegel("II", 2, Decimal("1.0"))])
    _add(arrangement, wereld.coordinator)
    _add(arrangement, wereld.coordinator, geweldsmiddel="wapenstok")
    arrangement.refresh_from_db()
    return arrangement


# --- 0021: the old list moved, then dropped ---------------------------------------------------------------------

def test_0021_moves_old_values_without_a_row_to_the_first_werkgever_and_keeps_recorded_ones(wereld, vastgesteld):
    """`vastgesteld`: the gemeente first among the parties, BOA-inzet in I and II, Staatsbosbeheer as a party."""
    bosbeheer = Organisatie.objects.get(naam="Staatsbosbeheer")
    Geweldsmiddeltoekenning.objects.create(arrangement=vastgesteld, organisatie=bosbeheer, domein="II",
                                           geweldsmiddel="wapenstok", kenmerk="BZ-2")
    with schema_met_oude_lijst() as apps:
        zet_oude_lijst(apps, vastgesteld, ["handboeien", "wapenstok", "handboeien"])
    rows = set(vastgesteld.geweldsmiddeltoekenningen.values_list("organisatie__soort", "domein", "geweldsmiddel",
                                                                 "kenmerk"))
    # wapenstok already had its row (Staatsbosbeheer, II): not doubled; handboeien moved once.
    assert rows == {("gemeente", "I", "handboeien", ""), ("terreinbeheerder", "II", "wapenstok", "BZ-2")}
    moved = vastgesteld.geweldsmiddeltoekenningen.get(geweldsmiddel="handboeien")
    assert [(r.history_type, r.history_change_reason) for r in moved.history.all()] == [("+", REDEN_OVERGENOMEN)]
    assert "geweldsmiddelen" not in {f.name for f in Arrangement._meta.get_fields()}


def test_0021_links_a_herzienings_moved_row_to_its_predecessor(wereld, vastgesteld):
    v2 = services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator)
    with schema_met_oude_lijst() as apps:
        zet_oude_lijst(apps, vastgesteld, ["pepperspray"])
        zet_oude_lijst(apps, v2, ["pepperspray"])
    eerste = vastgesteld.geweldsmiddeltoekenningen.get()
    tweede = v2.geweldsmiddeltoekenningen.get()
    assert (tweede.geweldsmiddel, tweede.vorige) == ("pepperspray", eerste)


def test_0021_keeps_values_it_cannot_place_in_the_arrangements_history(wereld):
    zonder_inzet = wereld.nieuw("Zonder inzet")  # every domein at 0 BOA's: no domein to put them in
    with schema_met_oude_lijst() as apps:
        zet_oude_lijst(apps, zonder_inzet, ["pepperspray", "diensthond"])
    assert not zonder_inzet.geweldsmiddeltoekenningen.exists()
    record = zonder_inzet.history.order_by("-history_date", "-history_id").first()
    assert record.history_change_reason == ("Oude lijst geweldsmiddelen, zonder BOA-werkgever of domein met inzet: "
                                            "pepperspray, diensthond")
    assert (record.titel, record.lock_version) == ("Zonder inzet", zonder_inzet.lock_version)


# --- the old list is gone from the form, the data and the texts -----------------------------------------------

def test_the_edit_form_has_no_geweldsmiddelen_and_the_page_only_the_rows(wereld, als, met_handboeien):
    client = als(Rol.COORDINATOR)
    form = html(client.get(reverse("arrangementen:bewerken", args=[met_handboeien.pk])))
    assert 'name="geweldsmiddelen"' not in form
    page = html(client.get(reverse("arrangementen:detail", args=[met_handboeien.pk])))
    assert "in het algemeen" not in page
    assert "Geweldsmiddelen per BOA-organisatie" in page and "korte wapenstok" in page


def test_the_pdf_data_and_the_publication_text_name_the_rows_per_organisation(wereld, met_handboeien):
    data = pdf.arrangement_data(met_handboeien)
    assert "geweldsmiddelen" not in data
    assert [(r["domein"], r["geweldsmiddel"]) for r in data["geweldsmiddelen_per_organisatie"]] == [
        ("I", "handboeien"), ("I", "wapenstok")]
    gemeente = _gemeente(met_handboeien).naam
    text = publicatietekst.render_text(met_handboeien)
    assert (f"Geweldsmiddelen:\n- {gemeente}, I – Openbare ruimte: handboeien\n"
            f"- {gemeente}, I – Openbare ruimte: korte wapenstok\n") in text
    page = publicatietekst.render_html(met_handboeien)
    assert f"<td>{gemeente}</td><td>I – Openbare ruimte</td><td>korte wapenstok</td><td>niet bekend</td>" in page


def test_the_publication_text_says_geen_without_rows(wereld, vastgesteld):
    assert "Geweldsmiddelen: geen\n" in publicatietekst.render_text(vastgesteld)


# --- a herziening starts without its predecessor's publication --------------------------------------------------

def test_a_herziening_starts_without_the_cvdr_reference_and_the_predecessor_keeps_its_own(wereld, als, vastgesteld):
    secretaris = wereld.leden[Rol.SECRETARIS]
    v1 = in_werking_met_pdf(vastgesteld, secretaris, citeertitel="Arrangement Heuvelrug 2025")
    publicatie.record_cvdr(arrangement=v1, user=secretaris, cvdr_referentie="CVDR755740")
    v2 = services.start_herziening(arrangement=v1, user=wereld.coordinator)
    assert (v2.cvdr_referentie, v2.citeertitel) == ("", "")
    v1.refresh_from_db()
    assert (v1.cvdr_referentie, v1.citeertitel) == ("CVDR755740", "Arrangement Heuvelrug 2025")
    client = als(Rol.LEZER)
    assert "CVDR755740" not in html(client.get(reverse("arrangementen:detail", args=[v2.pk])))
    assert "CVDR755740" in html(client.get(reverse("arrangementen:publicatie", args=[v1.pk])))
    # Signed, the herziening replaces v1, and still carries no reference until its own publication is recorded.
    in_werking_met_pdf(v2, secretaris)
    v2.refresh_from_db()
    assert v2.cvdr_referentie == "" and "nog niet vastgelegd" in html(
        client.get(reverse("arrangementen:publicatie", args=[v2.pk])))


# --- the BOA-inzet under geweldsmiddelen -------------------------------------------------------------------------

def test_lowering_a_domeins_inzet_to_zero_under_geweldsmiddelen_is_refused_naming_domein_and_middelen(
        wereld, met_handboeien):
    gemeente = _gemeente(met_handboeien).naam
    version = met_handboeien.lock_version
    with pytest.raises(ValidationError) as refused:
        services.update_arrangement(arrangement=met_handboeien, user=wereld.coordinator, expected_version=version,
                                    data={"doel": "Nieuw doel"}, inzet=[InzetRegel("I", 0, Decimal("0"))])
    assert refused.value.message_dict["inzet"] == [
        f"I – Openbare ruimte: de BOA-inzet kan niet naar nul zolang hier geweldsmiddelen op rusten ({gemeente}: "
        "handboeien, korte wapenstok). Verwijder eerst die geweldsmiddelen, of houd BOA-inzet in dit domein."]
    met_handboeien.refresh_from_db()
    assert (met_handboeien.lock_version, met_handboeien.doel) == (version, "")
    assert met_handboeien.inzet.get(domein="I").aantal_boas == 6


def test_lowering_but_not_to_zero_or_another_domein_to_zero_is_allowed(wereld, met_handboeien):
    services.update_arrangement(arrangement=met_handboeien, user=wereld.coordinator,
                                expected_version=met_handboeien.lock_version, data={},
                                inzet=[InzetRegel("I", 1, Decimal("0")), InzetRegel("II", 0, Decimal("0"))])
    assert list(met_handboeien.inzet.filter(domein__in=["I", "II"]).order_by("domein")
                .values_list("aantal_boas", "fte")) == [(1, Decimal("0")), (0, Decimal("0"))]


def test_the_edit_page_refuses_zero_inzet_under_geweldsmiddelen_and_keeps_the_typed_input(wereld, als,
                                                                                           met_handboeien):
    response = als(Rol.COORDINATOR).post(reverse("arrangementen:bewerken", args=[met_handboeien.pk]), edit_payload(
        met_handboeien, doel="Mijn nieuwe doel", **{"inzet-0-aantal_boas": "0", "inzet-0-fte": "0"}))
    assert response.status_code == 200
    page = html(response)
    assert "I – Openbare ruimte: de BOA-inzet kan niet naar nul zolang hier geweldsmiddelen op rusten" in page
    assert "Mijn nieuwe doel" in page
    assert f'href="/arrangementen/{met_handboeien.pk}/#geweldsmiddelen">Geweldsmiddelen per BOA-organisatie' in page
    assert met_handboeien.inzet.get(domein="I").aantal_boas == 6


# --- the dashboard block only where geweldsmiddelen are recorded --------------------------------------------------

def _geweldblok(user):
    return [b for b in blocks_for(user=user) if b.blok.sleutel == "geweldsmiddelen"]


def test_the_dashboard_block_is_left_out_where_no_geweldsmiddelen_are_recorded(wereld, concept):
    assert _geweldblok(wereld.leden[Rol.LEZER]) == []  # a member, but no arrangement records geweldsmiddelen
    assert _geweldblok(GebruikerFactory()) == []


def test_the_dashboard_block_shows_members_the_flag_and_after_coverage_the_empty_state(wereld, client,
                                                                                        met_handboeien):
    lezer = wereld.leden[Rol.LEZER]
    [blok] = _geweldblok(lezer)
    assert [(s.organisatie, s.middelen) for s in blok.items] == [
        (_gemeente(met_handboeien).naam, "handboeien, korte wapenstok")]
    in_werking_met_pdf(met_handboeien, wereld.leden[Rol.SECRETARIS])
    [blok] = _geweldblok(lezer)
    assert blok.items == []  # covered by an arrangement in force: the block says so
    client.force_login(lezer)
    page = html(client.get(reverse("samenwerking:dashboard")))
    assert "Alle BOA-organisaties met geweldsmiddelen hebben een arrangement in werking." in page


def test_a_withdrawn_arrangements_rows_still_show_the_block_empty(wereld, met_handboeien):
    zet_status(met_handboeien, Status.INGETROKKEN)
    [blok] = _geweldblok(wereld.leden[Rol.LEZER])
    assert blok.items == []
