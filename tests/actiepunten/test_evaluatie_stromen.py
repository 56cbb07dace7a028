"""An evaluation asks per data flow of the arrangement: still needed, still proportionate, incidents. The answers
are saved with the evaluation and shown on its page, in its PDF and in the API; a flow judged no longer needed
can be left out of the herziening started from the evaluation."""

import re
import subprocess
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from actiepunten.evaluaties import pdf, services
from actiepunten.evaluaties.models import Evaluatie, Stroomoordeel
from actiepunten.evaluaties.services import StroomRegel
from arrangementen import stroomregels
from arrangementen.models import Arrangement

from .evaluatiewereld import evaluatie_overleg, gegevensstromen_erbij, ondertekend_arrangement, oordelen_voor

pytestmark = pytest.mark.django_db


@pytest.fixture
def arrangement(driehoek, coordinator):
    return ondertekend_arrangement(driehoek, coordinator)


@pytest.fixture
def stromen(arrangement, coordinator):
    return gegevensstromen_erbij(arrangement, coordinator, "Meldingen van overlast", "Camerabeelden")


@pytest.fixture
def evaluatieoverleg(driehoek, secretaris):
    return evaluatie_overleg(driehoek, secretaris)


def _form_url(driehoek, arrangement, overleg):
    return (reverse("actiepunten:evaluatie_nieuw", args=[driehoek.pk])
            + f"?arrangement={arrangement.pk}&overleg={overleg.pk}")


def _post_data(arrangement, overleg, antwoorden: dict) -> dict:
    """Werkt for every afspraak; `antwoorden` per flow: {stroom: ("ja", "ja", "nee", "toelichting")}."""
    data = {"overleg": overleg.pk, "conclusie": "herzien", "toelichting": "", "volgende_evaluatie": ""}
    for afspraak in arrangement.afspraken.all():
        data[f"oordeel_{afspraak.pk}"], data[f"toelichting_{afspraak.pk}"] = "werkt", ""
    for stroom, (nodig, proportioneel, incidenten, toelichting) in antwoorden.items():
        data.update({f"stroom_{stroom.pk}_nog_nodig": nodig, f"stroom_{stroom.pk}_nog_proportioneel": proportioneel,
                     f"stroom_{stroom.pk}_incidenten": incidenten, f"stroom_{stroom.pk}_toelichting": toelichting})
    return data


def _beschrijving(stroom) -> str:
    """The flow as messages and the record name it (stroomregels.describe)."""
    return stroomregels.describe(next(s for s in stroomregels.flows_of(stroom.arrangement) if s.pk == stroom.pk))


def _record(arrangement, overleg, secretaris, stromen, **velden) -> Evaluatie:
    """Both flows answered: the first all well, the second no longer needed (with why)."""
    eerste, tweede = stromen
    return services.record_evaluatie(
        arrangement=arrangement, overleg=overleg, user=secretaris, conclusie="herzien",
        oordelen=oordelen_voor(arrangement), **velden, stroomoordelen=[
            StroomRegel(stroom_id=eerste.pk, nog_nodig=True, nog_proportioneel=True, incidenten=False),
            StroomRegel(stroom_id=tweede.pk, nog_nodig=False, nog_proportioneel=True, incidenten=True,
                        toelichting="Beelden twee keer te lang bewaard"),
        ])


# --- the form ---------------------------------------------------------------------------------------------

def test_the_form_has_one_fieldset_per_flow_named_for_the_flow(client, secretaris, driehoek, arrangement, stromen,
                                                              evaluatieoverleg):
    client.force_login(secretaris)
    html = client.get(_form_url(driehoek, arrangement, evaluatieoverleg)).content.decode()
    legends = re.findall(r'<fieldset[^>]*id="stroom-(\d+)">\s*<legend[^>]*>([^<]*)</legend>', html)
    assert [(int(pk), unescape(legend)) for pk, legend in legends] == [(s.pk, _beschrijving(s)) for s in stromen]
    for stroom in stromen:
        for veld in ("nog_nodig", "nog_proportioneel", "incidenten"):
            assert html.count(f'name="stroom_{stroom.pk}_{veld}"') == 2  # ja and nee
        assert f'name="stroom_{stroom.pk}_toelichting"' in html


def test_the_form_with_two_flows_saves_two_stroomoordelen_with_the_history_user(
        client, secretaris, driehoek, arrangement, stromen, evaluatieoverleg):
    eerste, tweede = stromen
    client.force_login(secretaris)
    response = client.post(_form_url(driehoek, arrangement, evaluatieoverleg), _post_data(
        arrangement, evaluatieoverleg, {eerste: ("ja", "ja", "nee", ""),
                                        tweede: ("nee", "nee", "ja", "Beelden te lang bewaard")}))
    evaluatie = Evaluatie.objects.get()
    assert response.status_code == 302 and response.url == evaluatie.get_absolute_url()
    oordelen = {o.stroom_id: o for o in evaluatie.stroomoordelen.all()}
    assert set(oordelen) == {eerste.pk, tweede.pk}
    assert (oordelen[eerste.pk].nog_nodig, oordelen[eerste.pk].nog_proportioneel,
            oordelen[eerste.pk].incidenten, oordelen[eerste.pk].toelichting) == (True, True, False, "")
    assert (oordelen[tweede.pk].nog_nodig, oordelen[tweede.pk].nog_proportioneel,
            oordelen[tweede.pk].incidenten, oordelen[tweede.pk].toelichting) == (
        False, False, True, "Beelden te lang bewaard")
    assert oordelen[tweede.pk].omschrijving == _beschrijving(tweede)
    for oordeel in oordelen.values():
        assert oordeel.history.get().history_user == secretaris


def test_incidents_without_toelichting_is_a_dutch_error_naming_the_flow_and_keeps_the_input(
        client, secretaris, driehoek, arrangement, stromen, evaluatieoverleg):
    eerste, tweede = stromen
    client.force_login(secretaris)
    data = _post_data(arrangement, evaluatieoverleg, {eerste: ("ja", "ja", "ja", ""),
                                                      tweede: ("nee", "ja", "nee", "Wordt niet meer gebruikt")})
    data["toelichting"] = "Goede samenwerking."
    response = client.post(_form_url(driehoek, arrangement, evaluatieoverleg), data)
    assert response.status_code == 200
    assert not Evaluatie.objects.exists() and not Stroomoordeel.objects.exists()
    form = response.context["form"]
    assert form.errors == {f"stroom_{eerste.pk}_toelichting": [
        f"Schrijf een toelichting bij de gegevensstroom {_beschrijving(eerste)}: er waren incidenten."]}
    assert "Meldingen van overlast" in form.errors[f"stroom_{eerste.pk}_toelichting"][0]
    html = response.content.decode()
    checked = re.findall(r'<input type="radio" name="stroom_(\d+)_(\w+)" value="(\w+)"[^>]*checked', html)
    assert sorted(checked) == sorted([
        (str(eerste.pk), "nog_nodig", "ja"), (str(eerste.pk), "nog_proportioneel", "ja"),
        (str(eerste.pk), "incidenten", "ja"), (str(tweede.pk), "nog_nodig", "nee"),
        (str(tweede.pk), "nog_proportioneel", "ja"), (str(tweede.pk), "incidenten", "nee")])
    assert "Wordt niet meer gebruikt" in html and "Goede samenwerking." in html
    assert "er waren incidenten." in html


def test_an_unanswered_question_names_the_question_and_the_flow(client, secretaris, driehoek, arrangement, stromen,
                                                                evaluatieoverleg):
    eerste, tweede = stromen
    client.force_login(secretaris)
    data = _post_data(arrangement, evaluatieoverleg, {eerste: ("ja", "ja", "nee", ""),
                                                      tweede: ("ja", "", "nee", "")})
    response = client.post(_form_url(driehoek, arrangement, evaluatieoverleg), data)
    assert response.status_code == 200 and not Evaluatie.objects.exists()
    assert response.context["form"].errors == {f"stroom_{tweede.pk}_nog_proportioneel": [
        f"Kies ja of nee bij “Nog proportioneel?” voor de gegevensstroom {_beschrijving(tweede)}."]}


def test_not_proportionate_without_toelichting_is_refused(client, secretaris, driehoek, arrangement, stromen,
                                                          evaluatieoverleg):
    eerste, tweede = stromen
    client.force_login(secretaris)
    data = _post_data(arrangement, evaluatieoverleg, {eerste: ("ja", "nee", "nee", "  "),
                                                      tweede: ("ja", "ja", "nee", "")})
    response = client.post(_form_url(driehoek, arrangement, evaluatieoverleg), data)
    assert response.status_code == 200 and not Evaluatie.objects.exists()
    assert response.context["form"].errors[f"stroom_{eerste.pk}_toelichting"] == [
        f"Schrijf een toelichting bij de gegevensstroom {_beschrijving(eerste)}: de gegevensstroom is niet meer "
        "proportioneel."]


def test_an_arrangement_without_flows_has_no_flow_fieldsets(client, secretaris, driehoek, arrangement,
                                                            evaluatieoverleg):
    client.force_login(secretaris)
    html = client.get(_form_url(driehoek, arrangement, evaluatieoverleg)).content.decode()
    assert 'name="stroom_' not in html and "Oordeel per gegevensstroom" not in html
    response = client.post(_form_url(driehoek, arrangement, evaluatieoverleg),
                           _post_data(arrangement, evaluatieoverleg, {}))
    assert response.status_code == 302
    evaluatie = Evaluatie.objects.get()
    assert not evaluatie.stroomoordelen.exists()
    assert "Oordeel per gegevensstroom" not in client.get(response.url).content.decode()


# --- the service ------------------------------------------------------------------------------------------

def test_the_service_refuses_an_evaluation_that_leaves_a_flow_unanswered(secretaris, arrangement, stromen,
                                                                         evaluatieoverleg):
    eerste, tweede = stromen
    with pytest.raises(ValidationError) as refused:
        services.record_evaluatie(arrangement=arrangement, overleg=evaluatieoverleg, user=secretaris,
                                  conclusie="voortzetten", oordelen=oordelen_voor(arrangement), stroomoordelen=[
                                      StroomRegel(stroom_id=eerste.pk, nog_nodig=True, nog_proportioneel=True,
                                                  incidenten=False)])
    assert set(refused.value.message_dict) == {f"stroom_{tweede.pk}_nog_nodig",
                                               f"stroom_{tweede.pk}_nog_proportioneel",
                                               f"stroom_{tweede.pk}_incidenten"}
    assert "Camerabeelden" in refused.value.message_dict[f"stroom_{tweede.pk}_nog_nodig"][0]
    assert not Evaluatie.objects.exists()


def test_the_service_refuses_a_flow_of_another_arrangement(secretaris, coordinator, driehoek, arrangement, stromen,
                                                           evaluatieoverleg):
    ander = ondertekend_arrangement(driehoek, coordinator, titel="Ander arrangement")
    [vreemd] = gegevensstromen_erbij(ander, coordinator, "Kentekens")
    regels = [StroomRegel(stroom_id=s.pk, nog_nodig=True, nog_proportioneel=True, incidenten=False)
              for s in (*stromen, vreemd)]
    with pytest.raises(ValidationError) as refused:
        services.record_evaluatie(arrangement=arrangement, overleg=evaluatieoverleg, user=secretaris,
                                  conclusie="voortzetten", oordelen=oordelen_voor(arrangement),
                                  stroomoordelen=regels)
    assert refused.value.message_dict == {"__all__": ["Een antwoord hoort bij een onbekende gegevensstroom."]}
    assert not Evaluatie.objects.exists()


# --- the record: page, PDF, API ---------------------------------------------------------------------------

def test_the_detail_page_shows_the_answers_per_flow(client, lezer, secretaris, arrangement, stromen,
                                                    evaluatieoverleg):
    evaluatie = _record(arrangement, evaluatieoverleg, secretaris, stromen)
    client.force_login(lezer)
    html = client.get(evaluatie.get_absolute_url()).content.decode()
    eerste, tweede = stromen
    item = re.search(rf'<li[^>]*id="stroomoordeel-{tweede.pk}">(.*?)</li>', html, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", item).split())
    assert "Camerabeelden" in text
    assert "Nog nodig? nee · Nog proportioneel? ja · Incidenten? ja" in text
    assert "Beelden twee keer te lang bewaard" in text
    first = re.search(rf'<li[^>]*id="stroomoordeel-{eerste.pk}">(.*?)</li>', html, re.S).group(1)
    assert "Nog nodig? ja · Nog proportioneel? ja · Incidenten? nee" in " ".join(re.sub(r"<[^>]+>", " ",
                                                                                        first).split())


def test_the_pdf_shows_the_answers_per_flow(secretaris, arrangement, stromen, evaluatieoverleg, tmp_path):
    evaluatie = _record(arrangement, evaluatieoverleg, secretaris, stromen)
    path = tmp_path / "evaluatie.pdf"
    path.write_bytes(pdf.render_evaluatie(evaluatie))
    # In reading order: the header row, then per flow its description and the answers in the columns' order.
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    eerste, tweede = stromen
    assert ("Oordeel per gegevensstroom Gegevensstroom Nog nodig? Nog proportioneel? Incidenten? Toelichting "
            f"{_beschrijving(eerste)} ja ja nee — {_beschrijving(tweede)} nee ja ja "
            "Beelden twee keer te lang bewaard") in text


def test_the_api_detail_shows_the_answers_per_flow(lezer, secretaris, arrangement, stromen, evaluatieoverleg):
    evaluatie = _record(arrangement, evaluatieoverleg, secretaris, stromen)
    client = APIClient()
    client.force_login(lezer)
    data = client.get(f"/api/v1/evaluaties/{evaluatie.pk}/").json()
    eerste, tweede = stromen
    assert data["stroomoordelen"] == [
        {"stroom": eerste.pk, "omschrijving": _beschrijving(eerste), "nog_nodig": True, "nog_proportioneel": True,
         "incidenten": False, "toelichting": ""},
        {"stroom": tweede.pk, "omschrijving": _beschrijving(tweede), "nog_nodig": False, "nog_proportioneel": True,
         "incidenten": True, "toelichting": "Beelden twee keer te lang bewaard"},
    ]


def test_the_api_records_the_answers_and_refuses_a_missing_toelichting_in_dutch(secretaris, arrangement, stromen,
                                                                                 evaluatieoverleg):
    eerste, tweede = stromen
    client = APIClient()
    client.force_login(secretaris)
    body = {"arrangement": arrangement.pk, "overleg": evaluatieoverleg.pk, "conclusie": "voortzetten",
            "oordelen": [{"afspraak": r.afspraak_id, "oordeel": r.oordeel} for r in oordelen_voor(arrangement)],
            "stroomoordelen": [
                {"stroom": eerste.pk, "nog_nodig": True, "nog_proportioneel": True, "incidenten": False},
                {"stroom": tweede.pk, "nog_nodig": True, "nog_proportioneel": True, "incidenten": True}]}
    refused = client.post("/api/v1/evaluaties/", body, format="json")
    assert refused.status_code == 400
    assert refused.json()[f"stroom_{tweede.pk}_toelichting"] == [
        f"Schrijf een toelichting bij de gegevensstroom {_beschrijving(tweede)}: er waren incidenten."]
    body["stroomoordelen"][1]["toelichting"] = "Eén datalek gemeld"
    created = client.post("/api/v1/evaluaties/", body, format="json")
    assert created.status_code == 201, created.json()
    assert [o["toelichting"] for o in created.json()["stroomoordelen"]] == ["", "Eén datalek gemeld"]
    assert Stroomoordeel.objects.filter(evaluatie_id=created.json()["id"]).count() == 2


def test_the_detail_page_reads_the_flows_without_extra_queries(client, secretaris, driehoek, coordinator,
                                                               arrangement, stromen, evaluatieoverleg):
    met = _record(arrangement, evaluatieoverleg, secretaris, stromen)
    ander = ondertekend_arrangement(driehoek, coordinator, titel="Zonder gegevensdeling")
    zonder = services.record_evaluatie(arrangement=ander, overleg=evaluatie_overleg(driehoek, secretaris),
                                       user=secretaris, conclusie="herzien", oordelen=oordelen_voor(ander))
    client.force_login(secretaris)
    counts = []
    for evaluatie in (zonder, met):
        client.get(evaluatie.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(evaluatie.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- the herziening ---------------------------------------------------------------------------------------

def test_the_herziening_offers_to_leave_out_a_flow_no_longer_needed_and_does(client, secretaris, arrangement,
                                                                             stromen, evaluatieoverleg):
    evaluatie = _record(arrangement, evaluatieoverleg, secretaris, stromen)
    eerste, tweede = stromen
    client.force_login(secretaris)
    html = client.get(evaluatie.get_absolute_url()).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="stroom_weglaten" value="(\d+)"[^>]*checked>', html)
    assert boxes == [str(tweede.pk)]
    response = client.post(reverse("actiepunten:evaluatie_herziening", args=[evaluatie.pk]),
                           {"stroom_weglaten": [str(tweede.pk)]})
    copy = Arrangement.objects.get(vorige_versie=arrangement)
    assert response.status_code == 302
    assert [s.vorige_id for s in copy.gegevensstromen.all()] == [eerste.pk]


def test_the_herziening_keeps_a_flow_no_longer_needed_when_unchecked(client, secretaris, arrangement, stromen,
                                                                     evaluatieoverleg):
    evaluatie = _record(arrangement, evaluatieoverleg, secretaris, stromen)
    client.force_login(secretaris)
    client.post(reverse("actiepunten:evaluatie_herziening", args=[evaluatie.pk]))
    copy = Arrangement.objects.get(vorige_versie=arrangement)
    assert sorted(s.vorige_id for s in copy.gegevensstromen.all()) == sorted(s.pk for s in stromen)


@pytest.mark.parametrize("waarde", ["eerste", "abc", "-1"])
def test_the_herziening_refuses_to_leave_out_a_flow_still_needed(client, secretaris, arrangement, stromen,
                                                                 evaluatieoverleg, waarde):
    evaluatie = _record(arrangement, evaluatieoverleg, secretaris, stromen)
    client.force_login(secretaris)
    value = str(stromen[0].pk) if waarde == "eerste" else waarde
    response = client.post(reverse("actiepunten:evaluatie_herziening", args=[evaluatie.pk]),
                           {"stroom_weglaten": [value]}, follow=True)
    assert not Arrangement.objects.filter(vorige_versie=arrangement).exists()
    assert ("Alleen een gegevensstroom die volgens deze evaluatie niet meer nodig is kan worden weggelaten."
            in response.content.decode())
