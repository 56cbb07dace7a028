"""Legal grounds for information sharing: seeded reference data the beheerder maintains in the admin, and the
corrected library clause."""

import importlib
import json

import pytest
from django.urls import reverse

from arrangementen.bibliotheek import GRONDSLAGEN, LIBRARY, load_grondslagen, load_library
from arrangementen.models import Grondslag, Modelafspraak, SoortGegevens
from samenwerking.permissions_setup import ensure_beheer_group

from ..factories import GebruikerFactory

seed_migration = importlib.import_module("arrangementen.migrations.0013_grondslagen_seed")
# 0016 added the reference to the annex Gegevensdeling to the text 0013 shipped (see test_stromen_afdruk.py).
bijlage_migration = importlib.import_module("arrangementen.migrations.0016_modelclausule_bijlage_gegevensdeling")
pytestmark = pytest.mark.django_db


def test_migration_seeds_the_required_grounds_with_exact_references():
    verwijzingen = dict(Grondslag.objects.values_list("code", "wettelijke_verwijzing"))
    assert verwijzingen == {
        "wpg-16": "Wet politiegegevens, artikel 16",
        "wpg-20": "Wet politiegegevens, artikel 20",
        "bpg-boa": "Besluit politiegegevens buitengewoon opsporingsambtenaren (Stb. 2019, 85)",
        "avg-6-1-c": "Algemene verordening gegevensbescherming, artikel 6, lid 1, onder c",
        "avg-6-1-e": "Algemene verordening gegevensbescherming, artikel 6, lid 1, onder e",
    }


def test_only_wpg_20_requires_the_article_20_elements_and_each_ground_has_its_kind():
    rows = {g.code: g for g in Grondslag.objects.all()}
    assert [c for c, g in rows.items() if g.vereist_artikel20_elementen] == ["wpg-20"]
    assert rows["bpg-boa"].soort == SoortGegevens.BOA_GEGEVENS
    assert {rows["avg-6-1-c"].soort, rows["avg-6-1-e"].soort} == {SoortGegevens.GEMEENTELIJK}
    assert {rows["wpg-16"].soort, rows["wpg-20"].soort} == {SoortGegevens.POLITIEGEGEVENS}


def _clause_text() -> str:
    data = json.loads(LIBRARY.read_text("utf-8"))
    return next(c["tekst"] for o in data["onderwerpen"] for c in o["afspraken"]
                if c["titel"] == seed_migration.CLAUSE)


def test_library_clause_names_bpg_boa_and_both_avg_grounds():
    tekst = _clause_text()
    assert "Besluit politiegegevens buitengewoon opsporingsambtenaren" in tekst
    assert "artikel 6, lid 1, onder c" in tekst and "onder e" in tekst
    assert tekst == bijlage_migration.NEW_TEXT
    assert bijlage_migration.OLD_TEXT == seed_migration.NEW_TEXT


def test_existing_install_with_the_shipped_text_gets_the_corrected_clause():
    load_library()
    clause = Modelafspraak.objects.get(titel=seed_migration.CLAUSE)
    clause.tekst = seed_migration.OLD_TEXT
    clause.save()
    seed_migration.seed(_Apps(), None)
    clause.refresh_from_db()
    assert clause.tekst == seed_migration.NEW_TEXT
    assert clause.history.order_by("-history_id").first().tekst == seed_migration.NEW_TEXT


def test_every_seeded_ground_has_its_creation_in_the_history():
    assert all(g.history.filter(history_type="+").exists() for g in Grondslag.objects.all())


def test_a_beheerders_own_wording_of_the_clause_survives_the_migration():
    load_library()
    clause = Modelafspraak.objects.get(titel=seed_migration.CLAUSE)
    clause.tekst = "Eigen tekst van de beheerder."
    clause.save()
    seed_migration.seed(_Apps(), None)
    clause.refresh_from_db()
    assert clause.tekst == "Eigen tekst van de beheerder."


class _Apps:
    """Stands in for the migration's app registry: the current models have the same fields."""

    def get_model(self, app_label, name):
        models = {"Grondslag": Grondslag, "Modelafspraak": Modelafspraak}
        models |= {f"Historical{n}": m.history.model for n, m in list(models.items())}
        return models[name]


@pytest.fixture
def beheer_client(client):
    user = GebruikerFactory(is_staff=True)
    user.groups.add(ensure_beheer_group())
    client.force_login(user)
    return client


def test_beheerder_adds_a_ground_in_the_admin(beheer_client):
    response = beheer_client.post(reverse("admin:arrangementen_grondslag_add"), {
        "code": "gemeentewet-172", "naam": "Handhaving openbare orde",
        "wettelijke_verwijzing": "Gemeentewet, artikel 172", "korte_uitleg": "Taak van de burgemeester.",
        "soort": SoortGegevens.GEMEENTELIJK, "actief": "on",
    })
    assert response.status_code == 302
    grondslag = Grondslag.objects.get(code="gemeentewet-172")
    assert grondslag.history.count() == 1


def test_admin_refuses_a_ground_without_reference_in_dutch_and_keeps_input(beheer_client):
    response = beheer_client.post(reverse("admin:arrangementen_grondslag_add"), {
        "code": "zonder-verwijzing", "naam": "Zonder verwijzing", "wettelijke_verwijzing": "",
        "korte_uitleg": "Uitleg.", "soort": SoortGegevens.GEMEENTELIJK,
    })
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["wettelijke_verwijzing"] == ["Dit veld is vereist."]
    assert 'value="zonder-verwijzing"' in response.content.decode()
    assert not Grondslag.objects.filter(code="zonder-verwijzing").exists()


def test_member_without_beheer_role_cannot_open_the_grounds_admin(client):
    client.force_login(GebruikerFactory(is_staff=True))
    response = client.get(reverse("admin:arrangementen_grondslag_changelist"))
    assert response.status_code == 403


def test_the_shipped_grounds_file_matches_the_seed_and_restores_what_is_missing():
    data = json.loads(GRONDSLAGEN.read_text("utf-8"))["grondslagen"]
    assert data == seed_migration.GRONDSLAGEN
    Grondslag.objects.filter(code__in=["wpg-20", "bpg-boa"]).delete()
    assert load_grondslagen() == 2
    assert Grondslag.objects.get(code="wpg-20").vereist_artikel20_elementen
    assert load_grondslagen() == 0
