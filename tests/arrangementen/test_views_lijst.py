"""The arrangement pages, continued: scoping to the own driehoeken, the list page and its filters, and query
counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from arrangementen import gegevensstromen, services, urls, workflow
from arrangementen.models import Afspraak, Arrangement, BoaInzet, Geweldsmiddeltoekenning, Grondslag, Status
from samenwerking.models import Rol

from ..factories import (
    AfspraakFactory,
    ArrangementFactory,
    BoaInzetFactory,
    DriehoekFactory,
    GebruikerFactory,
    OnderwerpFactory,
    OpmerkingFactory,
    approve_for_all,
    lid,
    vandaag,
)
from .helpers import html, zet_status
from .test_views import edit_payload, state, url

# --- scoping ---------------------------------------------------------------------------------------

ARRANGEMENT_URLS = {
    # name → (extra URL args, methods the view answers)
    "detail": ([], ["get"]),
    "bewerken": ([], ["get", "post"]),
    "afspraak_nieuw": ([], ["get", "post"]),
    "afspraak_bewerken": (["afspraak"], ["get", "post"]),
    "afspraak_verwijderen": (["afspraak"], ["post"]),
    "afspraak_verplaatsen": (["afspraak"], ["post"]),
    "afspraak_aanbieden": (["afspraak"], ["get", "post"]),
    "afspraak_terugzetten": (["afspraak"], ["post"]),
    "stroom_nieuw": ([], ["get", "post"]),
    "stroom_bewerken": (["stroom"], ["get", "post"]),
    "stroom_verwijderen": (["stroom"], ["post"]),
    "toekenning_nieuw": ([], ["get", "post"]),
    "toekenning_bewerken": (["toekenning"], ["get", "post"]),
    "toekenning_verwijderen": (["toekenning"], ["post"]),
    "partij_nieuw": ([], ["get", "post"]),
    "partij_verwijderen": (["partij"], ["post"]),
    "overgang": (["indienen"], ["get", "post"]),
    "opmerking_nieuw": ([], ["post"]),
    "opmerking_oplossen": (["opmerking"], ["post"]),
    "herziening": ([], ["post"]),
    "opzeggen": ([], ["get", "post"]),
    "geschiedenis": ([], ["get"]),
    "vergelijk": ([], ["get"]),
    "document_maken": ([], ["post"]),
    "document_download": ([], ["get"]),
    "document_concept": ([], ["get"]),
    "document_ondertekenen": ([], ["get", "post"]),
    "document_herinneren": (["partij"], ["post"]),
    "publicatie": ([], ["get", "post"]),
    "publicatie_cvdr": ([], ["post"]),
    "publicatie_pdf": ([], ["get"]),
    "publicatie_html": ([], ["get"]),
    "publicatie_tekst": ([], ["get"]),
    "geweldsadvies_nieuw": ([], ["get", "post"]),
    "geweldsadvies_download": (["advies"], ["get"]),
    "geweldsadvies_ondertekenen": (["advies"], ["get", "post"]),
}


def test_every_arrangement_url_is_checked_for_other_driehoeken():
    with_pk = {p.name for p in urls.urlpatterns if "<int:pk>" in str(p.pattern)}
    assert with_pk == set(ARRANGEMENT_URLS)


@pytest.fixture
def vreemd(wereld):
    """A concept of the other driehoek, with a comment, made by its own coordinator."""
    arrangement = wereld.per_status["andere"][Status.CONCEPT]
    services.add_opmerking(arrangement=arrangement, user=wereld.vreemden[Rol.COORDINATOR], tekst="Intern")
    eerste, tweede = (p.organisatie for p in arrangement.partijen.all()[:2])
    gegevensstromen.add_gegevensstroom(
        arrangement=arrangement, user=wereld.vreemden[Rol.COORDINATOR],
        expected_version=Arrangement.objects.get(pk=arrangement.pk).lock_version,
        gegevens=gegevensstromen.Stroomgegevens(verstrekker=eerste, ontvangers=[tweede], categorieen="Meldingen",
                                                doel="Intern", grondslag=Grondslag.objects.get(code="wpg-16")))
    Geweldsmiddeltoekenning.objects.create(arrangement=arrangement, organisatie=eerste, domein="I",
                                           geweldsmiddel="handboeien")
    return arrangement


@pytest.mark.parametrize("rol", [Rol.COORDINATOR, Rol.LEZER])
@pytest.mark.parametrize(("name", "method"), [
    pytest.param(name, method, id=f"{name}-{method}")
    for name, (_, methods) in ARRANGEMENT_URLS.items() for method in methods])
def test_arrangement_of_another_driehoek_is_not_found(db, als, vreemd, name, method, rol):
    extra = {"afspraak": vreemd.afspraken.first().pk, "partij": vreemd.partijen.first().pk,
             "opmerking": vreemd.opmerkingen.first().pk, "indienen": "indienen",
             "stroom": vreemd.gegevensstromen.first().pk,
             "toekenning": vreemd.geweldsmiddeltoekenningen.first().pk, "advies": 1}
    args = [vreemd.pk, *(extra[a] for a in ARRANGEMENT_URLS[name][0])]
    before = state(vreemd)
    payload = {**edit_payload(vreemd, titel="Overgenomen"), "tekst": "Hallo", "richting": "omhoog",
               "organisatie": "1", "ondertekenaar_functie": "x"}
    response = getattr(als(rol), method)(url(name, *args), payload if method == "post" else None)
    assert response.status_code == 404
    assert state(vreemd) == before
    assert Arrangement.objects.filter(vorige_versie=vreemd).count() == 0


@pytest.mark.parametrize("name", ["bewerken", "afspraak_nieuw", "partij_nieuw"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_lezer_gets_403_on_edit_pages(db, als, concept, name, method):
    before = state(concept)
    response = getattr(als(Rol.LEZER), method)(url(name, concept.pk),
                                               edit_payload(concept, titel="Stiekem") if method == "post" else None)
    assert response.status_code == 403
    assert state(concept) == before


@pytest.mark.parametrize("name", ["afspraak_verwijderen", "afspraak_verplaatsen"])
def test_lezer_gets_403_on_clause_buttons(db, als, concept, name):
    before = state(concept)
    afspraak = concept.afspraken.get(titel="Backup bij aanhouding")
    response = als(Rol.LEZER).post(url(name, concept.pk, afspraak.pk), {"lock_version": 1, "richting": "omhoog"})
    assert response.status_code == 403
    assert state(concept) == before


def test_clause_of_another_arrangement_is_not_found_under_this_one(db, wereld, als, concept):
    elders = wereld.per_status["eigen"][Status.CONCEPT].afspraken.first()
    response = als(Rol.COORDINATOR).post(url("afspraak_verwijderen", concept.pk, elders.pk), {"lock_version": 1})
    assert response.status_code == 404
    assert Afspraak.objects.filter(pk=elders.pk).exists()


# --- the list page and its filters ------------------------------------------------------------------

@pytest.fixture(scope="module")
def lijst(django_db_setup, django_db_blocker):
    """A reader in two driehoeken, arrangementen that each match some filters, and one they must never see."""
    with django_db_blocker.unblock(), transaction.atomic():
        vandaag_ = vandaag()
        d1, d2, d3 = DriehoekFactory(), DriehoekFactory(), DriehoekFactory()
        kijker = GebruikerFactory()
        lid(kijker, d1, Rol.LEZER)
        lid(kijker, d2, Rol.LEZER)
        onderwerp = OnderwerpFactory(naam="Meldkamer en portofoon")

        def maak(titel, driehoek, *, inzet=(), tekst="Partijen overleggen wekelijks.", **velden):
            arrangement = ArrangementFactory(driehoek=driehoek, titel=titel, **velden)
            AfspraakFactory(arrangement=arrangement, onderwerp=onderwerp, tekst=tekst)
            for domein, aantal, fte in inzet:
                BoaInzetFactory(arrangement=arrangement, domein=domein, aantal_boas=aantal, fte=fte)
            return arrangement

        maak("Arrangement Alfa", d1, status=Status.CONCEPT, geldig_tot=vandaag_ + datetime.timedelta(days=20),
             evaluatiedatum=vandaag_ + datetime.timedelta(days=10), inzet=[("II", 3, 0), ("I", 0, 0)],
             tekst="BOA's zijn bereikbaar via de portofoon van de meldkamer.")
        maak("Arrangement Bravo", d1, status=Status.TER_REVIEW, geldig_tot=vandaag_ + datetime.timedelta(days=60),
             inzet=[("I", 2, 1), ("II", 0, 0)], doel="Veilige uitgaansavonden.")
        maak("Arrangement Charlie", d2, status=Status.ONDERTEKEND, geldig_tot=vandaag_ - datetime.timedelta(days=1),
             evaluatiedatum=vandaag_ - datetime.timedelta(days=1), inzet=[("II", 0, Decimal("1.5"))])
        maak("Jaarwisseling Delta", d2, status=Status.VASTGESTELD)
        maak("Arrangement Echo", d3, status=Status.CONCEPT, geldig_tot=vandaag_ + datetime.timedelta(days=5),
             evaluatiedatum=vandaag_ + datetime.timedelta(days=5), inzet=[("II", 9, 9)],
             tekst="Portofoon en jaarwisseling.", doel="Veilige uitgaansavonden.")
        yield {"kijker": kijker, "d1": d1, "d2": d2, "d3": d3}
        transaction.set_rollback(True)


ALLE = {"Arrangement Alfa", "Arrangement Bravo", "Arrangement Charlie", "Jaarwisseling Delta"}


def listed(response) -> set[str]:
    page = html(response)
    return {titel for titel in [*ALLE, "Arrangement Echo"] if f">{titel}</a>" in page}


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param({}, ALLE, id="geen-filter"),
    pytest.param({"status": "ter_review"}, {"Arrangement Bravo"}, id="status"),
    pytest.param({"gemeente": lambda lijst: lijst["d1"].gemeenten.get().pk}, {"Arrangement Alfa", "Arrangement Bravo"},
                 id="gemeente"),
    pytest.param({"basisteam": lambda lijst: lijst["d2"].basisteam_id}, {"Arrangement Charlie", "Jaarwisseling Delta"},
                 id="basisteam"),
    pytest.param({"domein": "II"}, {"Arrangement Alfa", "Arrangement Charlie"}, id="domein"),
    pytest.param({"domein": "I"}, {"Arrangement Bravo"}, id="domein-niet-via-ander-domein"),
    pytest.param({"domein": "III"}, set(), id="domein-zonder-inzet"),
    pytest.param({"verloopt_binnen": "30"}, {"Arrangement Alfa"}, id="verloopt-binnen-30"),
    pytest.param({"verloopt_binnen": "90"}, {"Arrangement Alfa", "Arrangement Bravo"}, id="verloopt-binnen-90"),
    pytest.param({"evaluatie_gepland": "on"}, {"Arrangement Alfa"}, id="evaluatie-gepland"),
    pytest.param({"zoek": "portofoon"}, {"Arrangement Alfa"}, id="zoek-afspraaktekst"),
    pytest.param({"zoek": "portofoons"}, {"Arrangement Alfa"}, id="zoek-nederlandse-stam"),
    pytest.param({"zoek": "jaarwisseling"}, {"Jaarwisseling Delta"}, id="zoek-titel"),
    pytest.param({"zoek": "uitgaansavond"}, {"Arrangement Bravo"}, id="zoek-doel"),
    pytest.param({"zoek": "portofoon", "status": "concept", "domein": "II"}, {"Arrangement Alfa"},
                 id="gecombineerd"),
])
def test_list_filters(db, client, lijst, query, expected):
    query = {k: v(lijst) if callable(v) else v for k, v in query.items()}
    client.force_login(lijst["kijker"])
    response = client.get(url("lijst"), query)
    assert response.status_code == 200
    assert listed(response) == expected


@pytest.mark.parametrize("query", [
    {"status": "onzin"}, {"gemeente": "abc"}, {"gemeente": "999999"}, {"basisteam": "1.5"}, {"domein": "VII"},
    {"verloopt_binnen": "-1"}, {"verloopt_binnen": "veel"}, {"verloopt_binnen": "9" * 30},
    {"evaluatie_gepland": "misschien"}, {"zoek": "\"&|!(:*"}, {"zoek": "x" * 500}, {"zoek": "\x00"},
    {"pagina": "abc"}, {"pagina": "99999"}, {"pagina": "-1"},
])
def test_invalid_filter_values_do_not_break_the_list(db, client, lijst, query):
    client.force_login(lijst["kijker"])
    response = client.get(url("lijst"), query)
    assert response.status_code == 200
    assert "Arrangement Echo" not in listed(response)


def test_gemeente_of_a_driehoek_the_user_is_not_in_is_not_a_valid_filter(db, client, lijst):
    client.force_login(lijst["kijker"])
    response = client.get(url("lijst"), {"gemeente": lijst["d3"].gemeenten.first().pk})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in html(response)
    assert listed(response) == ALLE


# --- query counts ------------------------------------------------------------------------------

def count_queries(client, path, query=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, query)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def bulk_arrangementen(driehoeken, user, onderwerp, n: int, afspraken_per_stuk: int = 3):
    """Test setup at volume: bulk_create skips history rows, which the list page does not read."""
    statuses = list(Status)
    made = Arrangement.objects.bulk_create(
        ArrangementFactory.build(driehoek=driehoeken[i % len(driehoeken)], aangemaakt_door=user,
                                 titel=f"Bulkarrangement {i}", status=statuses[i % len(statuses)],
                                 geldig_tot=vandaag() + datetime.timedelta(days=i % 400),
                                 evaluatiedatum=vandaag() + datetime.timedelta(days=i % 50))
        for i in range(n))
    Afspraak.objects.bulk_create(
        AfspraakFactory.build(arrangement=a, onderwerp=onderwerp, tekst="Bereikbaar via de portofoon.")
        for a in made for _ in range(afspraken_per_stuk))
    BoaInzet.objects.bulk_create(BoaInzetFactory.build(arrangement=a, domein="I") for a in made)
    return made


@pytest.mark.parametrize("query", [
    pytest.param({}, id="zonder-filter"),
    pytest.param({"zoek": "portofoon", "domein": "I", "evaluatie_gepland": "on", "verloopt_binnen": "365",
                  "status": "concept"}, id="met-filters"),
    pytest.param({"pagina": "2"}, id="pagina-2"),
])
def test_list_page_with_1000_arrangementen_needs_as_many_queries_as_with_5(db, client, query):
    user = GebruikerFactory()
    driehoek = DriehoekFactory()
    lid(user, driehoek, Rol.COORDINATOR)
    onderwerp = OnderwerpFactory()
    bulk_arrangementen([driehoek], user, onderwerp, 5, afspraken_per_stuk=1)
    client.force_login(user)
    client.get(url("lijst"))  # warm the session and content-type caches
    five = count_queries(client, url("lijst"), query)

    # More rows, more clauses per row, and rows spread over more driehoeken.
    more_driehoeken = [DriehoekFactory() for _ in range(4)]
    for extra in more_driehoeken:
        lid(user, extra, Rol.LEZER)
    bulk_arrangementen([driehoek, *more_driehoeken], user, onderwerp, 995, afspraken_per_stuk=4)
    assert count_queries(client, url("lijst"), query) == five
    assert "1000 arrangementen" in html(client.get(url("lijst")))


def test_detail_page_query_count_does_not_grow_with_afspraken_comments_and_history(db, wereld, als):
    client = als(Rol.COORDINATOR)
    klein = wereld.nieuw("Klein", start="leeg")
    model = wereld.verplichte()[0]
    services.add_afspraak(arrangement=klein, user=wereld.coordinator, expected_version=1, onderwerp=model.onderwerp,
                          titel=model.titel, tekst=model.tekst, verantwoordelijke=model.verantwoordelijke,
                          modelafspraak=model)
    client.get(url("detail", klein.pk))
    small = count_queries(client, url("detail", klein.pk))

    groot = wereld.nieuw("Groot")
    reviewer = wereld.leden[Rol.REVIEWER]
    workflow.perform(arrangement=groot, action="indienen", user=wereld.coordinator)
    approve_for_all(groot)
    workflow.perform(arrangement=groot, action="terug_naar_concept", user=wereld.coordinator)
    for afspraak in groot.afspraken.all()[:10]:
        vraag = OpmerkingFactory(arrangement=groot, afspraak=afspraak, auteur=GebruikerFactory(), opgelost=True,
                                 opgelost_door=GebruikerFactory())
        OpmerkingFactory(arrangement=groot, afspraak=afspraak, antwoord_op=vraag, auteur=GebruikerFactory())
    OpmerkingFactory.create_batch(5, arrangement=groot, auteur=reviewer)
    assert groot.afspraken.count() > 20
    assert count_queries(client, url("detail", groot.pk)) == small


def test_dashboard_query_count_does_not_grow_with_arrangementen_in_the_blocks(db, client):
    user = GebruikerFactory()
    driehoek = DriehoekFactory()
    lid(user, driehoek, Rol.COORDINATOR)
    lid(user, driehoek, Rol.REVIEWER)
    soon = vandaag() + datetime.timedelta(days=20)
    begun = vandaag() - datetime.timedelta(days=20)

    def fill(n):
        ArrangementFactory.create_batch(n, driehoek=driehoek, aangemaakt_door=user, titel="Mijn concept")
        ArrangementFactory.create_batch(n, driehoek=driehoek, status=Status.TER_REVIEW, titel="Ter review")
        # One batch per lifecycle block: in werking, evaluatie achterstallig, verloopt binnenkort, vervangen.
        ArrangementFactory.create_batch(n, driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=begun,
                                        titel="Loopt")
        ArrangementFactory.create_batch(n, driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=begun,
                                        evaluatiedatum=begun, titel="Te evalueren")
        ArrangementFactory.create_batch(n, driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=begun,
                                        geldig_tot=soon, evaluatiedatum=soon, titel="Loopt af")
        ArrangementFactory.create_batch(n, driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=begun,
                                        vervangen_per=soon, titel="Wordt vervangen")

    fill(1)
    client.force_login(user)
    dashboard = reverse("samenwerking:dashboard")
    client.get(dashboard)
    small = count_queries(client, dashboard)
    fill(15)
    many = count_queries(client, dashboard)
    assert many == small
    page = html(client.get(dashboard))
    assert page.count(">Mijn concept</a>") == 10
    assert page.count(">Ter review</a>") == 10
    # Each signed arrangement in the one block of its levensfase.
    for titel in ("Loopt", "Te evalueren", "Loopt af", "Wordt vervangen"):
        assert page.count(f">{titel}</a>") == 10, titel
    assert page.count("vervangen per ") == 10


def test_review_queue_query_count_does_not_grow(db, client):
    user = GebruikerFactory()
    driehoeken = [DriehoekFactory(), DriehoekFactory()]
    for driehoek in driehoeken:
        lid(user, driehoek, Rol.REVIEWER)
    ArrangementFactory(driehoek=driehoeken[0], status=Status.TER_REVIEW)
    client.force_login(user)
    client.get(url("te_beoordelen"))
    small = count_queries(client, url("te_beoordelen"))
    for driehoek in driehoeken:
        ArrangementFactory.create_batch(10, driehoek=driehoek, status=Status.TER_REVIEW)
    assert count_queries(client, url("te_beoordelen")) == small
    assert len(re.findall(r'href="/arrangementen/\d+/"', html(client.get(url("te_beoordelen"))))) == 21


def test_geschiedenis_page_query_count_does_not_grow_with_edits(db, wereld, als):
    client = als(Rol.COORDINATOR)
    arrangement = wereld.nieuw(start="leeg")
    onderwerp = wereld.verplichte()[0].onderwerp
    services.add_afspraak(arrangement=arrangement, user=wereld.coordinator, expected_version=1, onderwerp=onderwerp,
                          titel="Eerste afspraak", tekst="Tekst", verantwoordelijke="gemeente")
    client.get(url("geschiedenis", arrangement.pk))
    small = count_queries(client, url("geschiedenis", arrangement.pk))
    for version in range(2, 17):
        services.add_afspraak(arrangement=arrangement, user=wereld.coordinator, expected_version=version,
                              onderwerp=onderwerp, titel=f"Afspraak {version}", tekst="Tekst",
                              verantwoordelijke="gemeente")
    assert count_queries(client, url("geschiedenis", arrangement.pk)) == small


def test_vergelijk_page_query_count_does_not_grow_with_afspraken(db, wereld, als):
    client = als(Rol.COORDINATOR)
    klein_v1 = zet_status(wereld.nieuw("Klein", start="leeg"), Status.VASTGESTELD)
    klein_v2 = services.start_herziening(arrangement=klein_v1, user=wereld.coordinator)
    client.get(url("vergelijk", klein_v2.pk))
    small = count_queries(client, url("vergelijk", klein_v2.pk))
    groot_v1 = wereld.per_status["eigen"][Status.VASTGESTELD]
    groot_v2 = services.start_herziening(arrangement=groot_v1, user=wereld.coordinator)
    assert count_queries(client, url("vergelijk", groot_v2.pk)) == small
