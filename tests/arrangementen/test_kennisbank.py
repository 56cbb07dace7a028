"""The kennisbank (issue 17 items 3 and 5): every logged-in user searches the practices and reads the library with
its usage; a secretaris offers an afspraak, a beheerder publishes or rejects it; the source driehoek is shown only
when it agreed."""

import pytest
from django.urls import reverse

from arrangementen import services
from arrangementen.models import Modelafspraak, PraktijkStatus, Praktijkvoorbeeld, Status
from arrangementen.praktijkvoorbeelden import load_praktijkvoorbeelden
from samenwerking.models import Rol
from samenwerking.permissions_setup import ensure_beheer_group

from ..factories import GebruikerFactory

pytestmark = pytest.mark.django_db

OVERZICHT = reverse("kennisbank:overzicht")
BIBLIOTHEEK = reverse("kennisbank:bibliotheek")


@pytest.fixture
def voorbeelden(wereld):
    load_praktijkvoorbeelden()
    return {v.code: v for v in Praktijkvoorbeeld.objects.all()}


@pytest.fixture
def beheerder():
    user = GebruikerFactory(is_staff=True)
    user.groups.add(ensure_beheer_group())
    return user


def _aanbieden_url(arrangement, afspraak):
    return reverse("arrangementen:afspraak_aanbieden", args=[arrangement.pk, afspraak.pk])


def _aanbod(**extra):
    return {"titel": "Samen op pad in het centrum", "plaats": "Heuvelrug", "partijen": "Gemeente, politie",
            "afgesproken": "BOA's en wijkagenten lopen op vrijdag samen.", "wat_werkte": "Minder overlast.",
            "domeinen": ["I"], "geanonimiseerd": "on", **extra}


def _titels(response):
    return [v.titel for v in response.context["voorbeelden"]]


def test_a_user_without_any_driehoek_reads_the_kennisbank(client, voorbeelden):
    client.force_login(GebruikerFactory())
    response = client.get(OVERZICHT)
    assert response.status_code == 200
    assert len(response.context["voorbeelden"]) == 12
    detail = reverse("kennisbank:praktijk", args=[voorbeelden["den-haag-aansturing-oe"].pk])
    assert client.get(detail).status_code == 200


@pytest.mark.parametrize(("query", "expected"), [
    ({"tekst": "arrestanten"}, "Arrestantenvervoer en identiteitsvaststelling door BOA's"),
    ({"plaats": "limburg"}, "Burenhulp tussen 31 gemeenten en terreinbeheerders"),
    ({"tekst": "jeugdtaakaccenthouders", "niveau": "tactisch"}, "Jeugd-BOA's met korte lijnen naar de jeugdagenten"),
])
def test_the_search_finds_a_practice_by_text_place_and_niveau(client, wereld, voorbeelden, query, expected):
    client.force_login(wereld.vreemden[Rol.LEZER])
    assert _titels(client.get(OVERZICHT, query)) == [expected]


def test_filters_by_domein_and_onderwerp_keep_only_matching_practices(client, wereld, voorbeelden):
    client.force_login(wereld.coordinator)
    tweede = _titels(client.get(OVERZICHT, {"domein": "II"}))
    assert "Samen sterk in het buitengebied" in tweede
    assert "Agenten uit het basisteam gedetacheerd bij Stadstoezicht" not in tweede
    onderwerp = voorbeelden["zeeland-water"].onderwerpen.get(naam="Buitengebied en water")
    assert set(_titels(client.get(OVERZICHT, {"onderwerp": onderwerp.pk}))) == {
        "Burenhulp tussen 31 gemeenten en terreinbeheerders", "Handhavers op het water, politie aan de wal",
        "Samen sterk in het buitengebied"}


def test_a_bad_filter_gets_a_dutch_message_and_keeps_the_input(client, wereld, voorbeelden):
    client.force_login(wereld.coordinator)
    response = client.get(OVERZICHT, {"onderwerp": "abc", "tekst": "water"})
    assert response.status_code == 200 and not response.context["geldig"]
    assert "Pas de filters aan" in response.content.decode()
    assert 'value="water"' in response.content.decode()


def test_an_offer_not_yet_published_is_not_found(client, wereld, voorbeelden):
    voorbeeld = Praktijkvoorbeeld.objects.create(titel="Nog niet", plaats="X", partijen="X", afgesproken="X",
                                                 wat_werkte="X", bron="X", status=PraktijkStatus.AANGEBODEN)
    client.force_login(wereld.coordinator)
    assert client.get(reverse("kennisbank:praktijk", args=[voorbeeld.pk])).status_code == 404
    assert "Nog niet" not in _titels(client.get(OVERZICHT))


def test_the_library_shows_variants_guidance_practices_and_usage(client, wereld, voorbeelden):
    burenhulp = Modelafspraak.objects.get(titel="Burenhulp tussen gemeenten")
    for titel in ("Eerste", "Tweede"):
        arrangement = wereld.nieuw(titel, start="leeg")
        services.add_afspraak(arrangement=arrangement, user=wereld.coordinator,
                              expected_version=arrangement.lock_version, onderwerp=burenhulp.onderwerp,
                              titel="Burenhulp", tekst="Tekst", verantwoordelijke="gezamenlijk",
                              modelafspraak=burenhulp)
    client.force_login(wereld.vreemden[Rol.LEZER])
    response = client.get(BIBLIOTHEEK, {"tekst": "burenhulp"})
    clause = next(c for o in response.context["onderwerpen"] for c in o.varianten if c.pk == burenhulp.pk)
    assert clause.gebruik == 2
    html = response.content.decode()
    assert "in 2 arrangementen" in html and "Wanneer past deze afspraak?" in html
    assert "Burenhulp tussen 31 gemeenten en terreinbeheerders (Provincie Limburg)" in html
    assert "Samenwerking over gemeentegrenzen" in html and "Vaste koppels" not in html


def test_usage_counts_every_arrangement_with_the_clause_once(wereld):
    from arrangementen.kennisbank import usage_counts

    verplicht = Modelafspraak.objects.get(titel="Escalatieladder")
    counted = {a.pk for a in wereld.per_status["eigen"].values()} | {a.pk for a in wereld.per_status["andere"].values()}
    ingetrokken = sum(1 for s in ("eigen", "andere") if wereld.per_status[s][Status.INGETROKKEN])
    assert usage_counts()[verplicht.pk] == len(counted) - ingetrokken


@pytest.mark.parametrize("extra", [0, 25])
def test_the_kennisbank_reads_in_a_constant_number_of_queries(client, wereld, voorbeelden, extra,
                                                              django_assert_num_queries):
    onderwerp = Modelafspraak.objects.first().onderwerp
    for i in range(extra):
        v = Praktijkvoorbeeld.objects.create(titel=f"Extra {i}", plaats="X", partijen="X", afgesproken="X",
                                             wat_werkte="X", bron="X", domeinen=",I,")
        v.onderwerpen.add(onderwerp)
        v.modelafspraken.add(Modelafspraak.objects.first())
        Modelafspraak.objects.create(onderwerp=onderwerp, titel=f"Variant {i}", tekst="T", toelichting="W",
                                     verantwoordelijke="gezamenlijk")
    client.force_login(wereld.coordinator)
    client.get(OVERZICHT)  # the session and the user are read once per request either way
    # session, user, practices, their onderwerpen and clauses, the onderwerp filter's options
    with django_assert_num_queries(6):
        assert client.get(OVERZICHT, {"niveau": "tactisch"}).status_code == 200
    # session, user, onderwerpen, their clauses, the clauses' practices, usage counts, the filter's options
    with django_assert_num_queries(7):
        assert client.get(BIBLIOTHEEK).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("kennisbank:praktijk", args=[voorbeelden["g4-jaarwisseling"].pk])).status_code == 200


# --- sharing back --------------------------------------------------------------------------------------------

@pytest.fixture
def afspraak(wereld):
    arrangement = wereld.per_status["eigen"][Status.VASTGESTELD]
    return arrangement, arrangement.afspraken.select_related("onderwerp").first()


def test_the_offer_form_is_prefilled_from_the_afspraak_and_warns_about_names(client, wereld, afspraak):
    arrangement, item = afspraak
    client.force_login(wereld.leden[Rol.SECRETARIS])
    response = client.get(_aanbieden_url(arrangement, item))
    assert response.status_code == 200
    assert response.context["form"].initial["titel"] == item.titel
    assert response.context["form"].initial["afgesproken"] == item.tekst
    assert "Verwijder namen en contactgegevens." in response.content.decode()


def test_the_secretaris_offers_an_afspraak_and_nobody_sees_it_before_review(client, wereld, afspraak):
    arrangement, item = afspraak
    client.force_login(wereld.leden[Rol.SECRETARIS])
    response = client.post(_aanbieden_url(arrangement, item), _aanbod())
    assert response.status_code == 302
    voorbeeld = Praktijkvoorbeeld.objects.get(bron_afspraak=item)
    assert (voorbeeld.status, voorbeeld.bron_driehoek, voorbeeld.driehoek_tonen) == (
        PraktijkStatus.AANGEBODEN, wereld.eigen, False)
    assert list(voorbeeld.onderwerpen.all()) == [item.onderwerp]
    assert voorbeeld.history.first().history_user == wereld.leden[Rol.SECRETARIS]
    assert "Samen op pad in het centrum" not in _titels(client.get(OVERZICHT))


@pytest.mark.parametrize(("rol", "status"), [(Rol.COORDINATOR, 403), (Rol.LEZER, 403), (Rol.REVIEWER, 403)])
def test_only_the_secretaris_may_offer(client, wereld, afspraak, rol, status):
    arrangement, item = afspraak
    client.force_login(wereld.leden[rol])
    assert client.post(_aanbieden_url(arrangement, item), _aanbod()).status_code == status
    assert not Praktijkvoorbeeld.objects.filter(bron_afspraak=item).exists()


def test_another_driehoeks_secretaris_gets_404(client, wereld, afspraak):
    arrangement, item = afspraak
    client.force_login(wereld.vreemden[Rol.SECRETARIS])
    assert client.post(_aanbieden_url(arrangement, item), _aanbod()).status_code == 404
    assert not Praktijkvoorbeeld.objects.exists()


def test_contact_details_are_refused_and_the_input_kept(client, wereld, afspraak):
    arrangement, item = afspraak
    client.force_login(wereld.leden[Rol.SECRETARIS])
    response = client.post(_aanbieden_url(arrangement, item), _aanbod(
        wat_werkte="Bel Jan via 06-12345678 of jan@gemeente.nl", geanonimiseerd=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "geanonimiseerd" in errors
    html = response.content.decode()
    assert "Bel Jan via 06-12345678" in html
    response = client.post(_aanbieden_url(arrangement, item), _aanbod(wat_werkte="Mail jan@gemeente.nl"))
    assert "jan@gemeente.nl" in str(response.context["form"].errors["wat_werkte"])
    assert not Praktijkvoorbeeld.objects.exists()


@pytest.fixture
def aangeboden(client, wereld, afspraak):
    arrangement, item = afspraak
    client.force_login(wereld.leden[Rol.SECRETARIS])
    client.post(_aanbieden_url(arrangement, item), _aanbod(driehoek_tonen="on"))
    client.logout()
    return Praktijkvoorbeeld.objects.get(bron_afspraak=item)


def _besluit(voorbeeld, **extra):
    return {**{name: getattr(voorbeeld, name) for name in ("titel", "plaats", "partijen", "afgesproken",
                                                           "wat_werkte")}, "domeinen": ["I"], **extra}


def test_a_beheerder_publishes_with_edits_and_another_driehoek_finds_it(client, wereld, aangeboden, beheerder):
    client.force_login(beheerder)
    url = reverse("kennisbank:beoordelen", args=[aangeboden.pk])
    assert client.get(reverse("kennisbank:aanbiedingen")).context["aanbiedingen"][0] == aangeboden
    response = client.post(url, _besluit(aangeboden, titel="Samen op pad", besluit="publiceren"))
    assert response.status_code == 302
    aangeboden.refresh_from_db()
    assert (aangeboden.status, aangeboden.titel, aangeboden.beoordeeld_door) == (
        PraktijkStatus.GEPUBLICEERD, "Samen op pad", beheerder)
    client.force_login(wereld.vreemden[Rol.COORDINATOR])
    assert _titels(client.get(OVERZICHT, {"tekst": "samen op pad"})) == ["Samen op pad"]
    detail = client.get(reverse("kennisbank:praktijk", args=[aangeboden.pk])).content.decode()
    assert wereld.eigen.naam in detail


def test_the_source_driehoek_stays_hidden_without_its_consent(client, wereld, aangeboden, beheerder):
    Praktijkvoorbeeld.objects.filter(pk=aangeboden.pk).update(driehoek_tonen=False)
    client.force_login(beheerder)
    client.post(reverse("kennisbank:beoordelen", args=[aangeboden.pk]), _besluit(aangeboden, besluit="publiceren"))
    client.force_login(wereld.vreemden[Rol.COORDINATOR])
    detail = client.get(reverse("kennisbank:praktijk", args=[aangeboden.pk]))
    assert detail.status_code == 200 and wereld.eigen.naam not in detail.content.decode()


def test_a_rejection_needs_a_reason_which_the_secretaris_then_reads(client, wereld, afspraak, aangeboden, beheerder):
    client.force_login(beheerder)
    url = reverse("kennisbank:beoordelen", args=[aangeboden.pk])
    response = client.post(url, _besluit(aangeboden, besluit="afwijzen", titel="Aangepast"))
    assert response.status_code == 200 and "reden_afwijzing" in response.context["form"].errors
    assert 'value="Aangepast"' in response.content.decode()
    client.post(url, _besluit(aangeboden, besluit="afwijzen", reden_afwijzing="Te weinig over wat werkte."))
    aangeboden.refresh_from_db()
    assert aangeboden.status == PraktijkStatus.AFGEWEZEN
    assert client.get(url).status_code == 404  # decided: no second decision
    client.force_login(wereld.leden[Rol.SECRETARIS])
    page = client.get(_aanbieden_url(*afspraak)).content.decode()
    assert "Te weinig over wat werkte." in page


@pytest.mark.parametrize("rol", [Rol.SECRETARIS, Rol.COORDINATOR])
def test_members_may_not_review_offers(client, wereld, aangeboden, rol):
    client.force_login(wereld.leden[rol])
    url = reverse("kennisbank:beoordelen", args=[aangeboden.pk])
    assert client.get(reverse("kennisbank:aanbiedingen")).status_code == 403
    assert client.post(url, _besluit(aangeboden, besluit="publiceren")).status_code == 403
    aangeboden.refresh_from_db()
    assert aangeboden.status == PraktijkStatus.AANGEBODEN
