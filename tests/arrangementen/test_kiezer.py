"""The library picker in the afspraak form (issue 17 item 4), as a browser without script uses it: 'Invoegen'
posts the form as typed and comes back filled, keeping a typed titel until the user says to replace it."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from arrangementen.models import Afspraak, Modelafspraak, Onderwerp
from samenwerking.models import Rol

from .helpers import html


def url(arrangement) -> str:
    return reverse("arrangementen:afspraak_nieuw", args=[arrangement.pk])


def field_value(page: str, name: str) -> str:
    """The value the form shows for an input, textarea or the selected option of a select."""
    tag = re.search(rf'<(input|textarea|select)[^>]*name="{name}"[^>]*>', page)
    assert tag, name
    if tag.group(1) == "input":
        return re.search(r'value="([^"]*)"', tag.group(0)).group(1)
    rest = page[tag.end():]
    if tag.group(1) == "textarea":
        return rest[:rest.index("</textarea>")].strip()
    selected = re.search(r'<option value="([^"]*)" selected>', rest[:rest.index("</select>")])
    return selected.group(1) if selected else ""


def question(page: str) -> str:
    """The question the page asks before replacing typed text; empty when it asks nothing."""
    box = re.search(r'<div id="kiezer-vraag"[^>]*>', page).group(0)
    text = re.search(r'id="kiezer-vraag-tekst">(.*?)</p>', page, re.S).group(1)
    assert (" hidden" in box) == (not text)
    return text


def clause(page: str, model: Modelafspraak) -> str:
    start = page.index(f'id="kiezer-afspraak-{model.pk}"')
    return page[start:page.index("</article>", start)]


def test_the_library_is_shown_per_niveau_and_onderwerp_with_text_and_guidance(db, wereld, als):
    arrangement = wereld.nieuw(start="leeg")
    model = Modelafspraak.objects.filter(actief=True).select_related("onderwerp").first()
    model.toelichting = "Past waar de BOA's vanuit het politiebureau werken."
    model.save()
    page = html(als(Rol.COORDINATOR).get(url(arrangement)))
    assert "Strategisch niveau" in page and "Tactisch niveau" in page and "Operationeel niveau" in page
    assert escape(model.onderwerp.naam) in page
    part = clause(page, model)
    assert "Past waar de BOA&#x27;s vanuit het politiebureau werken." in part
    assert escape(model.tekst.split()[0]) in part
    assert f'name="invoegen" value="{model.pk}"' in part


def test_verplicht_clauses_and_those_already_in_the_arrangement_are_marked(db, wereld, als):
    arrangement = wereld.nieuw(start="leeg")
    verplicht = wereld.verplichte()[0]
    vrij = Modelafspraak.objects.filter(actief=True, verplicht=False).first()
    client = als(Rol.COORDINATOR)
    client.post(url(arrangement), {"lock_version": arrangement.lock_version, "modelafspraak": vrij.pk})
    page = html(client.get(url(arrangement)))
    assert "verplicht</span>" in clause(page, verplicht)
    assert "al in dit arrangement" not in clause(page, verplicht)
    assert "al in dit arrangement" in clause(page, vrij)
    assert "verplicht</span>" not in clause(page, vrij)


def test_the_edit_form_of_an_existing_afspraak_has_no_picker(db, wereld, als):
    arrangement = wereld.nieuw()
    afspraak = arrangement.afspraken.first()
    page = html(als(Rol.COORDINATOR).get(reverse("arrangementen:afspraak_bewerken",
                                                 args=[arrangement.pk, afspraak.pk])))
    assert 'name="invoegen"' not in page and "afspraakkiezer.js" not in page


def test_invoegen_into_an_empty_form_fills_every_field_and_saves_nothing(db, wereld, als):
    arrangement = wereld.nieuw(start="leeg")
    model = Modelafspraak.objects.filter(actief=True).first()
    response = als(Rol.COORDINATOR).post(url(arrangement), {
        "lock_version": arrangement.lock_version, "titel": "", "tekst": "", "invoegen": model.pk})
    assert response.status_code == 200
    page = html(response)
    assert field_value(page, "titel") == escape(model.titel)
    assert field_value(page, "tekst") == escape(model.tekst)
    assert field_value(page, "onderwerp") == str(model.onderwerp_id)
    assert field_value(page, "verantwoordelijke") == model.verantwoordelijke
    assert field_value(page, "modelafspraak") == str(model.pk)
    assert field_value(page, "lock_version") == str(arrangement.lock_version)
    assert re.search(r'id="kiezer-melding"[^>]*><p[^>]*>Ingevuld uit de bibliotheek: “', page)
    assert question(page) == ""
    assert not arrangement.afspraken.exists()


def test_invoegen_keeps_a_typed_title_and_asks_before_replacing_it(db, wereld, als):
    arrangement = wereld.nieuw(start="leeg")
    model = Modelafspraak.objects.filter(actief=True).first()
    client = als(Rol.COORDINATOR)
    typed = {"lock_version": arrangement.lock_version, "titel": "Onze eigen titel", "tekst": ""}
    page = html(client.post(url(arrangement), {**typed, "invoegen": model.pk}))
    assert field_value(page, "titel") == "Onze eigen titel"
    assert field_value(page, "tekst") == escape(model.tekst)
    assert question(page).startswith("U had zelf al een titel getypt; die is blijven staan.")
    assert f'name="vervang" value="{model.pk}"' in page
    replaced = html(client.post(url(arrangement), {**typed, "tekst": model.tekst, "modelafspraak": model.pk,
                                                   "vervang": model.pk}))
    assert field_value(replaced, "titel") == escape(model.titel)
    assert question(replaced) == ""
    assert not arrangement.afspraken.exists()


def test_a_second_invoegen_replaces_text_that_came_from_the_first_without_asking(db, wereld, als):
    arrangement = wereld.nieuw(start="leeg")
    eerste, tweede = Modelafspraak.objects.filter(actief=True)[:2]
    page = html(als(Rol.COORDINATOR).post(url(arrangement), {
        "lock_version": arrangement.lock_version, "titel": eerste.titel, "tekst": eerste.tekst,
        "modelafspraak": eerste.pk, "invoegen": tweede.pk}))
    assert field_value(page, "titel") == escape(tweede.titel)
    assert question(page) == ""


def test_invoegen_of_an_unknown_clause_says_so_and_keeps_the_input(db, wereld, als):
    arrangement = wereld.nieuw(start="leeg")
    response = als(Rol.COORDINATOR).post(url(arrangement), {
        "lock_version": arrangement.lock_version, "titel": "Eigen", "tekst": "Mijn tekst", "invoegen": "abc"})
    assert response.status_code == 200
    page = html(response)
    assert "Deze afspraak staat niet (meer) in de bibliotheek" in page
    assert field_value(page, "titel") == "Eigen" and field_value(page, "tekst") == "Mijn tekst"


def test_saving_with_a_chosen_clause_keeps_the_typed_title_and_links_the_clause(db, wereld, als):
    arrangement = wereld.nieuw(start="leeg")
    model = Modelafspraak.objects.filter(actief=True).first()
    response = als(Rol.COORDINATOR).post(url(arrangement), {
        "lock_version": arrangement.lock_version, "modelafspraak": model.pk, "titel": "Onze eigen titel",
        "tekst": "", "onderwerp": "", "verantwoordelijke": ""})
    assert response.status_code == 302
    assert list(Afspraak.objects.filter(arrangement=arrangement).values_list(
        "titel", "tekst", "modelafspraak", "onderwerp")) == [("Onze eigen titel", model.tekst, model.pk,
                                                            model.onderwerp_id)]


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_picker_costs_the_same_queries_for_a_small_and_a_large_library(db, wereld, als):
    arrangement = wereld.nieuw()
    client = als(Rol.COORDINATOR)
    client.get(url(arrangement))  # warm caches (content types, session)
    before = _count(client, url(arrangement))
    for index in range(12):
        onderwerp = Onderwerp.objects.create(niveau="tactisch", naam=f"Extra onderwerp {index}", volgorde=90)
        for variant in range(3):
            Modelafspraak.objects.create(onderwerp=onderwerp, titel=f"Variant {index}.{variant}", tekst="Tekst.",
                                         toelichting="Wanneer het past.", verantwoordelijke="gemeente",
                                         verplicht=variant == 0)
    after = _count(client, url(arrangement))
    assert html(client.get(url(arrangement))).count('name="invoegen"') == (
        Modelafspraak.objects.filter(actief=True, onderwerp__actief=True).count())
    assert after == before
