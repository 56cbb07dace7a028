"""The opzeggen page and what the arrangement page then shows; the API's refusal (it cannot ask the second factor)."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from arrangementen import opzeggen
from arrangementen.models import Opzegging, Partij
from samenwerking.models import Organisatie, Rol

from ..factories import TEST_PASSWORD, OrganisatieFactory
from ..mfa import app_code
from .helpers import html
from .opzegwereld import burgemeester_of, partij, signed, signer_for, vandaag

pytestmark = pytest.mark.django_db
REDEN = "De gemeente sluit zich aan bij het regionale convenant."


@pytest.fixture
def ondertekend(wereld):
    return signed(wereld)


@pytest.fixture
def burgemeester(wereld, ondertekend):
    return burgemeester_of(wereld, ondertekend)


def url(arrangement) -> str:
    return reverse("arrangementen:opzeggen", args=[arrangement.pk])


def detail(arrangement) -> str:
    return reverse("arrangementen:detail", args=[arrangement.pk])


def payload(arrangement, user, **overrides) -> dict:
    return {"partij": partij(arrangement, Organisatie.Soort.GEMEENTE).pk, "reden": REDEN,
            "ingangsdatum": opzeggen.earliest_date(arrangement).isoformat(), "wachtwoord": TEST_PASSWORD,
            "verificatiecode": app_code(user), **overrides}


def test_the_ondertekenaar_sees_opzeggen_on_a_signed_arrangement(client, ondertekend, burgemeester):
    client.force_login(burgemeester)
    assert url(ondertekend) in html(client.get(detail(ondertekend)))


@pytest.mark.parametrize("rol", [Rol.COORDINATOR, Rol.SECRETARIS, Rol.LEZER])
def test_others_do_not_see_opzeggen_and_get_403(client, wereld, ondertekend, rol):
    client.force_login(wereld.leden[rol])
    assert url(ondertekend) not in html(client.get(detail(ondertekend)))
    assert client.get(url(ondertekend)).status_code == 403
    assert client.post(url(ondertekend), {"reden": REDEN}).status_code == 403
    assert not Opzegging.objects.exists()


def test_an_ondertekenaar_who_signs_for_no_partij_gets_403(client, wereld, ondertekend):
    client.force_login(wereld.leden[Rol.ONDERTEKENAAR])  # no organisation: signs for none of the partijen
    assert url(ondertekend) not in html(client.get(detail(ondertekend)))
    assert client.get(url(ondertekend)).status_code == 403


def test_another_driehoeks_ondertekenaar_gets_404(client, wereld, ondertekend, burgemeester):
    vreemde = wereld.vreemden[Rol.ONDERTEKENAAR]
    vreemde.organisatie = burgemeester.organisatie
    vreemde.save(update_fields=["organisatie"])
    client.force_login(vreemde)
    assert client.get(url(ondertekend)).status_code == 404
    assert client.post(url(ondertekend), payload(ondertekend, vreemde)).status_code == 404
    assert not Opzegging.objects.exists()


def test_the_form_preselects_the_only_partij_and_shows_the_earliest_date(client, ondertekend, burgemeester):
    client.force_login(burgemeester)
    page = html(client.get(url(ondertekend)))
    gemeente = partij(ondertekend, Organisatie.Soort.GEMEENTE)
    radios = re.findall(r'<input type="radio" name="partij"[^>]*>', page)
    assert len(radios) == 1 and f'value="{gemeente.pk}"' in radios[0] and "checked" in radios[0]
    assert f'value="{opzeggen.earliest_date(ondertekend).isoformat()}"' in page
    assert f"Op zijn vroegst {opzeggen.long_date(opzeggen.earliest_date(ondertekend))}" in page
    assert "De opzegtermijn is 3 maanden." in page


def test_giving_notice_shows_it_on_the_arrangement(client, ondertekend, burgemeester,
                                                   django_capture_on_commit_callbacks):
    client.force_login(burgemeester)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(ondertekend), payload(ondertekend, burgemeester))
    assert response.status_code == 302
    assert response["Location"] == detail(ondertekend) + "#opzegging"
    opzegging = Opzegging.objects.get(arrangement=ondertekend)
    page = html(client.get(detail(ondertekend)))
    gemeente = partij(ondertekend, Organisatie.Soort.GEMEENTE).organisatie
    assert (f"Opgezegd door {burgemeester.get_full_name()} namens {gemeente} op "
            f"{opzeggen.long_date(vandaag())}, per {opzeggen.long_date(opzegging.ingangsdatum)}:") in page
    assert REDEN in page
    assert url(ondertekend) not in page  # once is enough
    assert burgemeester.email in {m.to[0] for m in mail.outbox}


@pytest.mark.parametrize(("overrides", "field_message"), [
    ({"wachtwoord": "fout-wachtwoord"}, "Het wachtwoord klopt niet. Er is niets opgezegd."),
    ({"verificatiecode": "000000"}, "Deze code klopt niet of is al gebruikt."),
    ({"verificatiecode": ""}, "Vul de code uit uw authenticator-app in."),
    ({"reden": ""}, "Geef de reden van de opzegging."),
    ({"ingangsdatum": "31-02-2027"}, "Vul een geldige datum in"),
])
def test_a_refused_notice_keeps_the_input_and_says_why_in_dutch(client, ondertekend, burgemeester, overrides,
                                                                 field_message):
    client.force_login(burgemeester)
    later = (vandaag() + datetime.timedelta(days=200)).isoformat()
    data = payload(ondertekend, burgemeester, **{"ingangsdatum": later, **overrides})
    response = client.post(url(ondertekend), data)
    assert response.status_code == 200
    page = html(response)
    assert field_message in page
    if data["reden"]:
        assert REDEN in page
    assert f'value="{data["ingangsdatum"]}"' in page
    assert not Opzegging.objects.exists()


def test_a_date_before_the_opzegtermijn_is_refused_on_the_page_naming_the_earliest(client, ondertekend,
                                                                                    burgemeester):
    client.force_login(burgemeester)
    earliest = opzeggen.earliest_date(ondertekend)
    response = client.post(url(ondertekend), payload(ondertekend, burgemeester,
                                                     ingangsdatum=vandaag().isoformat()))
    page = html(response)
    assert (f"Met een opzegtermijn van 3 maanden gaat de opzegging op zijn vroegst in op "
            f"{opzeggen.long_date(earliest)}.") in page
    assert REDEN in page and f'value="{vandaag().isoformat()}"' in page
    assert not Opzegging.objects.exists()


def test_a_partij_the_user_does_not_sign_for_is_refused_on_the_page(client, ondertekend, burgemeester):
    client.force_login(burgemeester)
    politie = partij(ondertekend, Organisatie.Soort.POLITIE)
    response = client.post(url(ondertekend), payload(ondertekend, burgemeester, partij=politie.pk))
    assert response.status_code == 200
    assert "U kunt niet opzeggen namens deze partij." in html(response)
    assert not Opzegging.objects.exists()


def test_the_page_of_an_arrangement_already_opgezegd_sends_back_with_the_reason(client, ondertekend, burgemeester):
    opzeggen.opzeggen(arrangement=ondertekend, user=burgemeester, partij=partij(ondertekend, "gemeente"),
                      reden=REDEN)
    teamchef = signer_for(ondertekend, Organisatie.Soort.POLITIE)
    client.force_login(teamchef)
    response = client.post(url(ondertekend), {"reden": "Wij ook."}, follow=True)
    assert "Dit arrangement is al opgezegd door" in html(response)
    assert Opzegging.objects.get().door == burgemeester


def test_the_page_of_an_unsigned_arrangement_sends_back_with_the_reason(client, wereld, burgemeester):
    client.force_login(burgemeester)
    concept = wereld.per_status["eigen"]["vastgesteld"]
    response = client.get(url(concept), follow=True)
    assert "Opzeggen kan alleen als het arrangement door alle partijen is ondertekend (nu: vastgesteld)." in html(
        response)


# --- the API ---------------------------------------------------------------------------------------------------

def api_url(arrangement) -> str:
    return reverse("api:arrangement-opzeggen", args=[arrangement.pk])


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_api_checks_the_notice_but_refuses_it_for_the_second_factor(ondertekend, burgemeester):
    gemeente = partij(ondertekend, Organisatie.Soort.GEMEENTE)
    response = api_as(burgemeester).post(api_url(ondertekend), {"partij": gemeente.pk, "reden": REDEN},
                                         format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "tweede_factor_vereist"
    assert body["detail"].startswith("Opzeggen vraagt uw wachtwoord en een verse code")
    assert body["ingangsdatum"] == opzeggen.earliest_date(ondertekend).isoformat()
    assert body["pagina"].endswith(url(ondertekend))
    assert not Opzegging.objects.exists()


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"reden": REDEN}, "partij", "Dit veld is vereist."),
    ({"partij": 999999, "reden": REDEN}, "partij", "Deze partij hoort niet bij dit arrangement."),
    ({"reden": ""}, "reden", "Dit veld mag niet leeg zijn."),
    ({"reden": REDEN, "ingangsdatum": "gisteren"}, "ingangsdatum", "Geen geldige datum"),
    ({"reden": REDEN, "ingangsdatum": "2000-01-01"}, "ingangsdatum", "gaat de opzegging op zijn vroegst in op"),
    ({"reden": REDEN, "door": 1}, "door", "Onbekend veld"),
])
def test_the_api_refuses_bad_input_in_dutch(ondertekend, burgemeester, body, field, message):
    if field != "partij":
        body = {"partij": partij(ondertekend, Organisatie.Soort.GEMEENTE).pk, **body}
    response = api_as(burgemeester).post(api_url(ondertekend), body, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


def test_the_api_refuses_a_partij_the_user_does_not_sign_for(ondertekend, burgemeester):
    politie = partij(ondertekend, Organisatie.Soort.POLITIE)
    response = api_as(burgemeester).post(api_url(ondertekend), {"partij": politie.pk, "reden": REDEN},
                                         format="json")
    assert response.status_code == 403
    assert "U kunt niet opzeggen namens" in response.json()["detail"]


def test_the_api_answers_404_for_another_driehoek_and_403_for_a_lezer(wereld, ondertekend):
    vreemd = signed(wereld, scope="andere")
    gemeente = partij(ondertekend, Organisatie.Soort.GEMEENTE)
    assert api_as(wereld.leden[Rol.ONDERTEKENAAR]).post(api_url(vreemd), {}, format="json").status_code == 404
    assert api_as(wereld.leden[Rol.LEZER]).post(api_url(ondertekend), {"partij": gemeente.pk, "reden": REDEN},
                                                format="json").status_code == 403


def test_the_api_detail_shows_the_opzegging(ondertekend, burgemeester):
    gemeente = partij(ondertekend, Organisatie.Soort.GEMEENTE)
    detail_url = reverse("api:arrangement-detail", args=[ondertekend.pk])
    assert api_as(burgemeester).get(detail_url).json()["opzegging"] is None
    opzegging = opzeggen.opzeggen(arrangement=ondertekend, user=burgemeester, partij=gemeente, reden=REDEN)
    data = api_as(burgemeester).get(detail_url).json()["opzegging"]
    assert data == {"partij": gemeente.pk, "partij_naam": gemeente.organisatie.naam,
                    "door": burgemeester.get_full_name(), "gedaan_op": data["gedaan_op"],
                    "ingangsdatum": opzegging.ingangsdatum.isoformat(), "reden": REDEN}


# --- query counts ----------------------------------------------------------------------------------------------

def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", [detail, url])
def test_the_pages_cost_the_same_however_many_partijen_sign(client, ondertekend, burgemeester, page):
    client.force_login(burgemeester)
    few = count_queries(client, page(ondertekend))
    for n in range(6):
        Partij.objects.create(arrangement=ondertekend, ondertekenaar_functie="directeur", volgorde=10 + n,
                              organisatie=OrganisatieFactory(soort=Organisatie.Soort.TERREINBEHEERDER))
    assert count_queries(client, page(ondertekend)) == few
