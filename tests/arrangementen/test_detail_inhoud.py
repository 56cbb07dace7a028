"""The arrangement page's table of contents and folding levels (issue 17 item 6): every entry leads to a part of
the page, each level of afspraken is a details element, open by default, that says how many it holds."""

import re

from django.urls import reverse

from arrangementen.models import Niveau
from samenwerking.models import Rol

from .helpers import html


def test_every_entry_of_the_table_of_contents_leads_to_a_part_of_the_page(db, als, concept):
    page = html(als(Rol.LEZER).get(reverse("arrangementen:detail", args=[concept.pk])))
    nav = re.search(r'<nav class="app-inhoud".*?</nav>', page, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', nav)
    assert {"partijen", "basisgegevens", "doel-en-aanleiding", "looptijd", "afspraken", "gegevensstromen",
            "opmerkingen", "beoordelingen", "tijdlijn", *(f"niveau-{n}" for n in Niveau.values)} <= set(targets)
    for target in targets:
        assert page.count(f'id="{target}"') == 1, target


def test_each_level_folds_and_counts_its_afspraken(db, als, concept):
    page = html(als(Rol.LEZER).get(reverse("arrangementen:detail", args=[concept.pk])))
    for niveau in Niveau:
        aantal = concept.afspraken.filter(onderwerp__niveau=niveau).count()
        woord = "afspraak" if aantal == 1 else "afspraken"
        summary = re.search(rf'<details class="app-niveau" open>\s*<summary><h3[^>]*id="niveau-{niveau}">.*?</summary>',
                            page, re.S)
        assert summary, niveau
        assert f"({aantal} {woord})" in summary.group(0)
        assert f'href="#niveau-{niveau}">{niveau.label.capitalize()} niveau ({aantal} {woord})</a>' in page
