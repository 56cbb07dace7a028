"""The national picture cached on a version (arrangementen.beeldcache, issue 19): a second look reads fewer
queries and shows the same; every write that changes a gemeente's state shows at once; a user never gets another
scope's gemeenten; BEELD_CACHE off computes every time."""

import json
import re

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arrangementen import beeldcache, workflow
from arrangementen.api.beeld import GemeentestandSerializer, _as_json
from arrangementen.beeld import overview
from arrangementen.beeldtabel import inzet_per_domein, party_counts, record
from arrangementen.models import BoaInzet, Geweldsmiddel, Geweldsmiddeltoekenning, Partij, Status
from samenwerking.models import Organisatie, Overzichtsniveau

from ..factories import GebruikerFactory
from .test_beeld import URL, _rows, _user, land  # noqa: F401 - the fixture

API = "/api/v1/beeld/"


def _get(client, url=URL, **query):
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    return response, len(queries)


def _page(response) -> str:
    """The page without its per-response CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _stand(client, naam: str) -> list[str]:
    return next(row for row in _rows(_get(client)[0]) if row[0] == naam)


@pytest.fixture
def noord(land, client):  # noqa: F811 - the fixture above
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    return land["gemeenten"]


def test_a_second_look_reads_the_picture_from_the_cache_and_shows_the_same(noord, client):
    first, computed = _get(client)
    second, cached = _get(client)
    assert cached == computed - 2  # no arrangement rows, no geweldsmiddelen flags
    assert _page(second) == _page(first)


def test_the_api_and_geojson_show_the_same_from_the_cache(noord, client):
    for url in (API, API + "geojson/"):
        beeldcache.bump()  # the list and the GeoJSON share one picture
        first, computed = _get(client, url)
        second, cached = _get(client, url)
        assert (cached, second.json()) == (computed - 2, first.json())


def test_withdrawing_an_arrangement_shows_at_once(noord, client):
    assert _stand(client, "Cadier")[3:5] == ["In voorbereiding", "1"]
    arrangement = Partij.objects.get(organisatie__gemeente=noord["Cadier"]).arrangement
    workflow.perform(arrangement=arrangement, action="intrekken", user=GebruikerFactory(), toelichting="Vervallen",
                     as_system=True)
    assert _stand(client, "Cadier")[3:5] == ["Geen arrangement", "0"]


def test_signing_shows_at_once_in_the_page_and_the_api(noord, client):
    arrangement = Partij.objects.get(organisatie__gemeente=noord["Aadorp"]).arrangement
    _get(client), _get(client, API)
    arrangement.status = Status.VASTGESTELD  # as the signing steps save it: through save(), with history
    arrangement.save()
    assert _stand(client, "Aadorp")[3] == "Vastgesteld, nog niet in werking"
    assert {item["naam"]: item["stand"] for item in _get(client, API)[0].json()}["Aadorp"] == "vastgesteld"


def test_a_party_leaving_and_an_organisation_moving_show_at_once(noord, client):
    assert _stand(client, "Bedum")[3] == "Ondertekend en in werking"
    partij = Partij.objects.get(organisatie__gemeente=noord["Bedum"])
    partij.delete()
    assert _stand(client, "Bedum")[3:5] == ["Geen arrangement", "0"]
    organisatie = Partij.objects.get(organisatie__gemeente=noord["Aadorp"]).organisatie
    organisatie.gemeente = noord["Bedum"]
    organisatie.save()
    assert _stand(client, "Bedum")[3] == "Ondertekend en in werking"
    assert _stand(client, "Aadorp")[3] == "Geen arrangement"


def test_geweldsmiddelen_recorded_show_the_flag_at_once(noord, client):
    cadier = noord["Cadier"]
    partij = Partij.objects.get(organisatie__gemeente=cadier)
    assert "geweldsmiddelen" not in _stand(client, "Cadier")[3]
    BoaInzet.objects.create(arrangement=partij.arrangement, domein="I", aantal_boas=2, fte=1)
    Geweldsmiddeltoekenning.objects.create(arrangement=partij.arrangement, organisatie=partij.organisatie,
                                           domein="I", geweldsmiddel=Geweldsmiddel.HANDBOEIEN)
    assert "geweldsmiddelen zonder arrangement in werking" in _stand(client, "Cadier")[3]


def test_each_scope_gets_its_own_gemeenten_from_the_cache(land, client):  # noqa: F811
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    assert [row[0] for row in _rows(_get(client)[0])] == ["Aadorp", "Bedum", "Cadier"]
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    assert [row[0] for row in _rows(_get(client)[0])] == ["Aadorp", "Bedum", "Cadier", "Zelhem"]
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["gemeenten"]["Zelhem"].eenheid))
    assert [row[0] for row in _rows(_get(client)[0])] == ["Zelhem"]


def test_a_write_replaces_the_version_at_once_and_again_after_commit(db, django_capture_on_commit_callbacks):
    organisatie = Organisatie.objects.create(naam="BOA-werkgever", soort=Organisatie.Soort.OVERIG)
    before = beeldcache._version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        organisatie.naam = "Andere naam"
        organisatie.save()
        during = beeldcache._version()
    assert callbacks and len({before, during, beeldcache._version()}) == 3


def test_writes_elsewhere_keep_the_picture(noord, client):
    computed = _get(client)[1]
    GebruikerFactory()
    assert _get(client)[1] == computed - 2


def test_writes_the_picture_never_reads_keep_its_version_and_history_rows_too(db, django_capture_on_commit_callbacks):
    """A comment, a reminder or a document (and every history row) leaves the picture; a party or an inzet row
    replaces its version — at once and after commit."""
    from arrangementen.models import Arrangement, Opmerking, Signalering

    from ..factories import ArrangementFactory

    arrangement = ArrangementFactory()
    before = beeldcache._version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Opmerking.objects.create(arrangement=arrangement, auteur=GebruikerFactory(), tekst="Graag een toelichting.")
        Signalering.objects.create(arrangement=arrangement, soort=Signalering.Soort.EINDE, periode="2026-11",
                                   ontvanger=GebruikerFactory())
    assert not callbacks and beeldcache._version() == before
    assert not beeldcache._read_by_picture(Arrangement.history.model)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        BoaInzet.objects.create(arrangement=arrangement, domein="I", aantal_boas=2, fte=1)
    assert callbacks and beeldcache._version() != before


def test_without_the_cache_every_look_computes_the_picture(noord, client, settings):
    computed = _get(client)[1]
    settings.BEELD_CACHE = False
    assert _get(client)[1] == _get(client)[1] == computed


def test_the_api_writes_its_rows_exactly_as_the_serializer_would(noord):
    beeld = overview(_user(niveau=Overzichtsniveau.LANDELIJK), peildatum=timezone.localdate())
    partijen, inzet = party_counts(beeld), inzet_per_domein(beeld)
    records = [record(r, partijen=partijen, inzet=inzet) for r in beeld.regels]
    assert {r["stand"] for r in records} >= {"in_werking", "in_voorbereiding"}  # covered (with fte) and not (None)
    assert json.dumps([_as_json(r) for r in records]) == json.dumps(GemeentestandSerializer(records, many=True).data)
