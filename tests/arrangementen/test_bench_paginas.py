"""The pages issue 19 added to `make bench` (bench/national_extra.py): the data it writes makes each page show what
the load run checks before and after measuring, and the searched kennisbank it measures reads in a constant number
of queries."""

import datetime
import html

import pytest
from django.utils import timezone

from arrangementen import kennisbank
from arrangementen.models import Gegevensstroom, Modelafspraak, Praktijkvoorbeeld, Status
from bench.national_basis import Log
from bench.national_extra import extra_pages, generate_extra, load_knowledge
from samenwerking.models import Rol

from .helpers import zet_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_werking(wereld):
    """A signed arrangement in force in the own driehoek, with the default parties, without a PDF yet."""
    today = timezone.localdate()
    return zet_status(wereld.nieuw("Arrangement voor de meting"), Status.ONDERTEKEND,
                      geldig_van=today - datetime.timedelta(days=30), geldig_tot=today + datetime.timedelta(days=700),
                      ondertekend_op=timezone.now() - datetime.timedelta(days=31))


def _members(wereld) -> dict:
    return {wereld.eigen.pk: {rol: [wereld.leden[rol]] for rol in (Rol.REVIEWER, Rol.ONDERTEKENAAR)}}


def test_the_extra_data_makes_every_measured_page_show_its_content(client, wereld, in_werking):
    load_knowledge()
    made = generate_extra(bench_driehoeken=[wereld.eigen], members=_members(wereld), log=Log())
    assert made["ondertekend_detail"] == in_werking.pk
    flows = list(Gegevensstroom.objects.filter(arrangement=in_werking).prefetch_related("ontvangers"))
    parties = set(in_werking.partijen.values_list("organisatie_id", flat=True))
    assert len(flows) == 2
    assert all(f.verstrekker_id in parties and {o.pk for o in f.ontvangers.all()} <= parties for f in flows)

    client.force_login(wereld.coordinator)
    pages = extra_pages(wereld.coordinator, [wereld.eigen])
    assert [p["naam"] for p in pages] == ["kennisbank: gezocht", "gegevensdeling: register",
                                          "arrangement (ondertekend)"]
    for page in pages:
        response = client.get(page["pad"])
        assert response.status_code == 200, page["pad"]
        body = response.content.decode()
        for text in [page["bevat"], *page.get("bevat_ook", [])]:
            assert html.escape(text) in body, (page["naam"], text)
    detail = client.get(f"/arrangementen/{in_werking.pk}/").content.decode()
    for partij in in_werking.partijen.select_related("organisatie"):
        assert html.escape(f"Akkoord namens {partij.organisatie.naam}.") in detail
        assert html.escape(f"{partij.organisatie}: getekend door") in detail
    assert "nog niet getekend" not in detail


@pytest.mark.parametrize("extra", [0, 25])
def test_the_searched_kennisbank_reads_in_a_constant_number_of_queries(client, wereld, extra,
                                                                       django_assert_num_queries):
    load_knowledge()
    shipped = len(kennisbank.search(tekst="jeugd"))
    onderwerp = Modelafspraak.objects.first().onderwerp
    for i in range(extra):
        voorbeeld = Praktijkvoorbeeld.objects.create(titel=f"Jeugd en wijk {i}", plaats="X", partijen="X",
                                                     afgesproken="X", wat_werkte="X", bron="X", domeinen=",I,")
        voorbeeld.onderwerpen.add(onderwerp)
        voorbeeld.modelafspraken.add(Modelafspraak.objects.first())
    client.force_login(wereld.coordinator)
    client.get("/kennisbank/")  # the session and the user are read once per request either way
    # session, user, practices, their onderwerpen and clauses, the onderwerp filter's options: as unfiltered
    with django_assert_num_queries(6):
        response = client.get("/kennisbank/", {"tekst": "jeugd"})
    assert shipped and len(response.context["voorbeelden"]) == shipped + extra
