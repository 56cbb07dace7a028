"""The evaluation pages: the form that keeps every typed assessment, the detail page, its PDF, the herziening
from it, and the evaluations on the arrangement page and its history."""

import datetime
import re

import pytest
from django.urls import reverse

from actiepunten.evaluaties import services
from actiepunten.evaluaties.models import Evaluatie
from arrangementen.models import Arrangement, Status

from .evaluatiewereld import evaluatie_overleg, ondertekend_arrangement, oordelen_voor


@pytest.fixture
def arrangement(driehoek, coordinator):
    return ondertekend_arrangement(driehoek, coordinator)


@pytest.fixture
def evaluatieoverleg(driehoek, secretaris):
    return evaluatie_overleg(driehoek, secretaris)


def _form_url(driehoek, arrangement, overleg):
    return (reverse("actiepunten:evaluatie_nieuw", args=[driehoek.pk])
            + f"?arrangement={arrangement.pk}&overleg={overleg.pk}")


def _post_data(arrangement, overleg, **per_titel) -> dict:
    data = {"overleg": overleg.pk, "conclusie": "herzien", "toelichting": "", "volgende_evaluatie": ""}
    for afspraak in arrangement.afspraken.all():
        oordeel, toelichting = per_titel.get(afspraak.titel, ("werkt", ""))
        data[f"oordeel_{afspraak.pk}"], data[f"toelichting_{afspraak.pk}"] = oordeel, toelichting
    return data


def test_the_form_asks_an_oordeel_for_every_afspraak_grouped_per_niveau(client, secretaris, driehoek, arrangement,
                                                                        evaluatieoverleg):
    client.force_login(secretaris)
    response = client.get(_form_url(driehoek, arrangement, evaluatieoverleg))
    html = response.content.decode()
    assert response.status_code == 200
    for afspraak in arrangement.afspraken.all():
        assert f'name="oordeel_{afspraak.pk}"' in html and f'name="toelichting_{afspraak.pk}"' in html
    assert html.index("Strategisch niveau") < html.index("Tactisch niveau") < html.index("Operationeel niveau")


def test_a_validation_error_keeps_every_typed_assessment(client, secretaris, driehoek, arrangement,
                                                         evaluatieoverleg):
    client.force_login(secretaris)
    data = _post_data(arrangement, evaluatieoverleg, **{
        "Informatie delen": ("bijstellen", "Binnen een week delen"),
        "Maandelijks inzetoverleg": ("bijstellen", ""),  # the error: bijstellen without a toelichting
        "Gezamenlijke surveillance": ("vervalt", "Gebeurt niet meer")})
    data["conclusie"] = ""  # and no conclusion
    data["toelichting"] = "De driehoek is tevreden over de samenwerking."
    response = client.post(_form_url(driehoek, arrangement, evaluatieoverleg), data)
    assert response.status_code == 200
    assert not Evaluatie.objects.exists()
    form = response.context["form"]
    zonder = arrangement.afspraken.get(titel="Maandelijks inzetoverleg")
    assert set(form.errors) == {"conclusie", f"toelichting_{zonder.pk}"}
    html = response.content.decode()
    checked = re.findall(r'<input type="radio" name="oordeel_(\d+)" value="(\w+)"[^>]*checked', html)
    assert {int(pk): value for pk, value in checked} == {
        a.pk: data[f"oordeel_{a.pk}"] for a in arrangement.afspraken.all()}
    assert "Binnen een week delen" in html and "Gebeurt niet meer" in html
    assert "De driehoek is tevreden over de samenwerking." in html
    assert "Schrijf op wat er aan deze afspraak moet veranderen." in html


def test_a_valid_form_records_the_evaluation_and_shows_it(client, secretaris, driehoek, arrangement,
                                                          evaluatieoverleg):
    client.force_login(secretaris)
    data = _post_data(arrangement, evaluatieoverleg, **{"Informatie delen": ("bijstellen", "Sneller")})
    response = client.post(_form_url(driehoek, arrangement, evaluatieoverleg), data)
    evaluatie = Evaluatie.objects.get()
    assert response.status_code == 302 and response.url == evaluatie.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Sneller" in page and "Herziening starten vanuit deze evaluatie" in page
    assert evaluatie.oordelen.count() == 5


def test_an_arrangement_not_in_force_gets_the_refusal_instead_of_the_form(client, secretaris, driehoek,
                                                                          arrangement, evaluatieoverleg):
    Arrangement.objects.filter(pk=arrangement.pk).update(geldig_tot=datetime.date(2020, 1, 1),
                                                         geldig_van=datetime.date(2019, 1, 1))
    client.force_login(secretaris)
    response = client.get(_form_url(driehoek, arrangement, evaluatieoverleg))
    assert response.status_code == 200
    assert "niet in werking" in response.content.decode()
    assert "form" not in response.context


def test_the_overleg_page_of_an_evaluatie_overleg_leads_to_the_form(client, secretaris, driehoek, arrangement,
                                                                   evaluatieoverleg):
    client.force_login(secretaris)
    html = client.get(reverse("actiepunten:overleg", args=[evaluatieoverleg.pk])).content.decode()
    assert f"{reverse('actiepunten:evaluatie_nieuw', args=[driehoek.pk])}?overleg={evaluatieoverleg.pk}" in html


def test_the_arrangement_page_and_its_history_show_the_evaluations(client, secretaris, lezer, arrangement,
                                                                    evaluatieoverleg):
    evaluatie = services.record_evaluatie(arrangement=arrangement, overleg=evaluatieoverleg, user=secretaris,
                                          conclusie="voortzetten", oordelen=oordelen_voor(arrangement))
    client.force_login(lezer)
    for name in ("arrangementen:detail", "arrangementen:geschiedenis"):
        html = client.get(reverse(name, args=[arrangement.pk])).content.decode()
        assert evaluatie.get_absolute_url() in html, name
        assert "Evaluatie vastleggen" not in html  # a lezer does not record


def test_a_concept_arrangement_page_has_no_evaluations_section(client, coordinator, arrangement):
    Arrangement.objects.filter(pk=arrangement.pk).update(status=Status.CONCEPT)
    client.force_login(coordinator)
    response = client.get(reverse("arrangementen:detail", args=[arrangement.pk]))
    assert "evaluaties-kop" not in response.content.decode()


def test_the_evaluation_pdf_is_a_pdf_named_for_the_date(client, lezer, secretaris, arrangement, evaluatieoverleg):
    evaluatie = services.record_evaluatie(arrangement=arrangement, overleg=evaluatieoverleg, user=secretaris,
                                          conclusie="voortzetten", oordelen=oordelen_voor(arrangement))
    client.force_login(lezer)
    response = client.get(reverse("actiepunten:evaluatie_pdf", args=[evaluatie.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert f"evaluatie-{evaluatie.datum:%Y%m%d}-{evaluatie.pk}.pdf" in response["Content-Disposition"]


def test_an_evaluation_of_another_driehoek_is_not_found(client, vreemde, secretaris, arrangement,
                                                        evaluatieoverleg):
    evaluatie = services.record_evaluatie(arrangement=arrangement, overleg=evaluatieoverleg, user=secretaris,
                                          conclusie="voortzetten", oordelen=oordelen_voor(arrangement))
    client.force_login(vreemde)
    for name in ("actiepunten:evaluatie", "actiepunten:evaluatie_pdf"):
        assert client.get(reverse(name, args=[evaluatie.pk])).status_code == 404
    for name in ("actiepunten:evaluatie_actiepunt", "actiepunten:evaluatie_herziening"):
        assert client.post(reverse(name, args=[evaluatie.pk])).status_code == 404


def test_an_actiepunt_added_on_the_evaluation_page_is_linked_and_a_bad_one_keeps_the_input(
        client, secretaris, arrangement, evaluatieoverleg):
    evaluatie = services.record_evaluatie(arrangement=arrangement, overleg=evaluatieoverleg, user=secretaris,
                                          conclusie="voortzetten", oordelen=oordelen_voor(arrangement))
    client.force_login(secretaris)
    url = reverse("actiepunten:evaluatie_actiepunt", args=[evaluatie.pk])
    bad = client.post(url, {"onderwerp": "Werkafspraken herschrijven", "datum_gereed": "morgen"})
    assert bad.status_code == 400 and "Werkafspraken herschrijven" in bad.content.decode()
    good = client.post(url, {"onderwerp": "Werkafspraken herschrijven", "datum_gereed": "2030-01-31",
                             "extern_naam": "Piet Politie", "afspraak": arrangement.afspraken.first().pk})
    assert good.status_code == 302
    actiepunt = evaluatie.actiepunten.get()
    assert (actiepunt.overleg, actiepunt.arrangement) == (evaluatieoverleg, arrangement)


def test_herziening_from_the_page_shows_the_flags_and_the_comparison(client, secretaris, coordinator, arrangement,
                                                                     evaluatieoverleg):
    evaluatie = services.record_evaluatie(arrangement=arrangement, overleg=evaluatieoverleg, user=secretaris,
                                          conclusie="herzien", oordelen=oordelen_voor(arrangement, **{
                                              "Informatie delen": ("bijstellen", "Binnen een week delen"),
                                              "Gezamenlijke surveillance": ("vervalt", "")}))
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:evaluatie_herziening", args=[evaluatie.pk]))
    copy = Arrangement.objects.get(vorige_versie=arrangement)
    assert response.status_code == 302 and response.url == copy.get_absolute_url()
    client.force_login(coordinator)
    detail = client.get(copy.get_absolute_url()).content.decode()
    assert "Bij te stellen volgens de evaluatie:" in detail and "Binnen een week delen" in detail
    vergelijking = client.get(reverse("arrangementen:vergelijk", args=[copy.pk])).context["vergelijking"]
    soorten = {rij.label: rij.soort for rij in vergelijking["afspraken"]}
    assert soorten["Gezamenlijke surveillance"] == "verwijderd"
    assert soorten["Informatie delen"] == "bij te stellen volgens de evaluatie"
    assert sorted(soorten.values()).count("ongewijzigd") == 3
