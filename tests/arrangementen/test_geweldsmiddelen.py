"""Geweldsmiddelen per BOA-organisatie and domein (issue 20, item 1): recorded in concept only, with DRAFT
permission and the optimistic lock; a domein without BOA-inzet is refused naming the field with the input kept;
copied into a herziening; shown on the page, in the comparison and in the PDF; the old list migrated."""

import datetime
from decimal import Decimal
from importlib import import_module

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from arrangementen import geweldsmiddelen, pdf, services
from arrangementen.models import Geweldsmiddeltoekenning, Status
from arrangementen.services import InzetRegel, StaleEdit
from arrangementen.vergelijking import compare_versions
from samenwerking.models import Organisatie, Rol

from ..factories import OrganisatieFactory
from .helpers import html, zet_status
from .oudelijst import schema_met_oude_lijst, zet_oude_lijst

pytestmark = pytest.mark.django_db


@pytest.fixture
def concept_met_inzet(wereld):
    """A concept with BOA-inzet in domein I only and a terreinbeheerder besides the default parties."""
    arrangement = wereld.nieuw("Arrangement met geweldsmiddelen")
    services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                data={"titel": arrangement.titel}, inzet=[InzetRegel("I", 6, Decimal("4.0"))])
    services.add_partij(arrangement=arrangement, user=wereld.coordinator, expected_version=2,
                        organisatie=OrganisatieFactory(naam="Natuurmonumenten",
                                                       soort=Organisatie.Soort.TERREINBEHEERDER),
                        ondertekenaar_functie="directeur")
    arrangement.refresh_from_db()
    return arrangement


def _gemeente(wereld):
    return Organisatie.objects.get(naam=f"Gemeente van {wereld.eigen.naam}")


def _add(arrangement, user, **velden):
    arrangement.refresh_from_db()
    gegevens = geweldsmiddelen.Toekenninggegevens(**{"domein": "I", "geweldsmiddel": "handboeien", **velden})
    return geweldsmiddelen.add_toekenning(arrangement=arrangement, user=user,
                                          expected_version=arrangement.lock_version, gegevens=gegevens)


def test_coordinator_records_a_geweldsmiddel_per_organisation_with_history(wereld, concept_met_inzet):
    toekenning = _add(concept_met_inzet, wereld.coordinator, organisatie=_gemeente(wereld),
                      toegekend_op=datetime.date(2024, 3, 1), kenmerk="2024-0001234")
    assert (toekenning.organisatie, toekenning.domein, toekenning.geweldsmiddel, toekenning.kenmerk) == (
        _gemeente(wereld), "I", "handboeien", "2024-0001234")
    assert toekenning.history.get().history_user == wereld.coordinator
    concept_met_inzet.refresh_from_db()
    assert concept_met_inzet.lock_version == 4  # the edit moved the arrangement's version on


def test_a_domein_without_boa_inzet_is_refused_naming_the_field(wereld, concept_met_inzet):
    with pytest.raises(ValidationError) as refused:
        _add(concept_met_inzet, wereld.coordinator, organisatie=_gemeente(wereld), domein="IV")
    assert "geen BOA-inzet in domein IV" in refused.value.message_dict["domein"][0]
    assert not concept_met_inzet.geweldsmiddeltoekenningen.exists()


@pytest.mark.parametrize("soort", [Organisatie.Soort.POLITIE, Organisatie.Soort.OM])
def test_the_politie_and_the_om_carry_no_boa_geweldsmiddelen(wereld, concept_met_inzet, soort):
    partij = concept_met_inzet.partijen.get(organisatie__soort=soort)
    with pytest.raises(ValidationError) as refused:
        _add(concept_met_inzet, wereld.coordinator, organisatie=partij.organisatie)
    assert "BOA-organisatie" in refused.value.message_dict["organisatie"][0]


def test_an_organisation_outside_the_parties_is_refused(wereld, concept_met_inzet):
    with pytest.raises(ValidationError) as refused:
        _add(concept_met_inzet, wereld.coordinator, organisatie=OrganisatieFactory(soort=Organisatie.Soort.OVERIG))
    assert "partij van het arrangement" in refused.value.message_dict["organisatie"][0]


def test_the_same_middel_twice_is_refused(wereld, concept_met_inzet):
    _add(concept_met_inzet, wereld.coordinator, organisatie=_gemeente(wereld))
    with pytest.raises(ValidationError) as refused:
        _add(concept_met_inzet, wereld.coordinator, organisatie=_gemeente(wereld))
    assert refused.value.message_dict["geweldsmiddel"] == ["Deze organisatie heeft dit geweldsmiddel in dit domein al."]


def test_a_stale_edit_is_refused(wereld, concept_met_inzet):
    stale = concept_met_inzet.lock_version
    _add(concept_met_inzet, wereld.coordinator, organisatie=_gemeente(wereld))
    with pytest.raises(StaleEdit) as refused:
        geweldsmiddelen.add_toekenning(
            arrangement=concept_met_inzet, user=wereld.coordinator, expected_version=stale,
            gegevens=geweldsmiddelen.Toekenninggegevens(organisatie=_gemeente(wereld), domein="I",
                                                        geweldsmiddel="wapenstok"))
    assert concept_met_inzet.geweldsmiddeltoekenningen.count() == 1
    # What changed meanwhile names the other's geweldsmiddel.
    assert any(str(e.onderwerp).startswith("geweldsmiddel van een BOA-organisatie “Gemeente van")
               for e in refused.value.wijzigingen)


def test_only_a_concept_and_only_with_draft_permission(wereld, concept_met_inzet):
    with pytest.raises(PermissionDenied):
        _add(concept_met_inzet, wereld.leden[Rol.LEZER], organisatie=_gemeente(wereld))
    zet_status(concept_met_inzet, Status.TER_REVIEW)
    with pytest.raises(ValidationError) as refused:
        _add(concept_met_inzet, wereld.coordinator, organisatie=_gemeente(wereld))
    assert "alleen in concept" in refused.value.messages[0]
    assert not concept_met_inzet.geweldsmiddeltoekenningen.exists()


def test_a_party_with_geweldsmiddelen_cannot_be_removed_silently(wereld, concept_met_inzet):
    natuur = Organisatie.objects.get(naam="Natuurmonumenten")
    _add(concept_met_inzet, wereld.coordinator, organisatie=natuur)
    concept_met_inzet.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.remove_partij(partij=concept_met_inzet.partijen.get(organisatie=natuur), user=wereld.coordinator,
                               expected_version=concept_met_inzet.lock_version)
    assert "geweldsmiddelen" in refused.value.messages[0]
    assert concept_met_inzet.partijen.filter(organisatie=natuur).exists()


# --- the pages --------------------------------------------------------------------------------------------------

def _payload(arrangement, **velden):
    arrangement.refresh_from_db()
    return {"lock_version": arrangement.lock_version, "organisatie": "", "domein": "I",
            "geweldsmiddel": "pepperspray", "toegekend_op": "", "kenmerk": "", **velden}


def test_the_form_refuses_an_uncovered_domein_keeping_the_typed_input(wereld, als, concept_met_inzet):
    natuur = Organisatie.objects.get(naam="Natuurmonumenten")
    response = als(Rol.COORDINATOR).post(
        reverse("arrangementen:toekenning_nieuw", args=[concept_met_inzet.pk]),
        _payload(concept_met_inzet, organisatie=natuur.pk, domein="II", toegekend_op="1-2-2024",
                 kenmerk="BZ-77"))
    assert response.status_code == 200
    text = html(response)
    assert "geen BOA-inzet in domein II" in text
    assert 'value="BZ-77"' in text and 'value="1-2-2024"' in text
    assert f'<option value="{natuur.pk}" selected>' in text
    assert '<option value="II" selected>' in text
    assert not concept_met_inzet.geweldsmiddeltoekenningen.exists()


def test_the_form_saves_edits_and_deletes_and_the_page_shows_the_rows(wereld, als, concept_met_inzet):
    client = als(Rol.COORDINATOR)
    natuur = Organisatie.objects.get(naam="Natuurmonumenten")
    url = reverse("arrangementen:toekenning_nieuw", args=[concept_met_inzet.pk])
    response = client.post(url, _payload(concept_met_inzet, organisatie=natuur.pk, toegekend_op="1-2-2024",
                                         kenmerk="BZ-77"))
    assert response.status_code == 302
    toekenning = concept_met_inzet.geweldsmiddeltoekenningen.get()
    assert (toekenning.organisatie, toekenning.geweldsmiddel, toekenning.toegekend_op) == (
        natuur, "pepperspray", datetime.date(2024, 2, 1))
    page = html(client.get(reverse("arrangementen:detail", args=[concept_met_inzet.pk])))
    assert "Geweldsmiddelen per BOA-organisatie" in page and "Natuurmonumenten" in page and "BZ-77" in page
    client.post(reverse("arrangementen:toekenning_bewerken", args=[concept_met_inzet.pk, toekenning.pk]),
                _payload(concept_met_inzet, organisatie=natuur.pk, geweldsmiddel="wapenstok"))
    toekenning.refresh_from_db()
    assert (toekenning.geweldsmiddel, toekenning.kenmerk) == ("wapenstok", "")
    client.post(reverse("arrangementen:toekenning_verwijderen", args=[concept_met_inzet.pk, toekenning.pk]),
                {"lock_version": concept_met_inzet.lock_version + 1})
    assert not concept_met_inzet.geweldsmiddeltoekenningen.exists()


def test_a_lezer_gets_403_and_changes_nothing(wereld, als, concept_met_inzet):
    response = als(Rol.LEZER).post(reverse("arrangementen:toekenning_nieuw", args=[concept_met_inzet.pk]),
                                   _payload(concept_met_inzet, organisatie=_gemeente(wereld).pk))
    assert response.status_code == 403
    assert not concept_met_inzet.geweldsmiddeltoekenningen.exists()


# --- herziening, comparison, PDF ---------------------------------------------------------------------------------

def test_a_herziening_copies_the_rows_and_the_comparison_shows_a_change(wereld, concept_met_inzet):
    natuur = Organisatie.objects.get(naam="Natuurmonumenten")
    _add(concept_met_inzet, wereld.coordinator, organisatie=natuur, kenmerk="BZ-1")
    v1 = zet_status(concept_met_inzet, Status.VASTGESTELD)
    v2 = services.start_herziening(arrangement=v1, user=wereld.coordinator)
    [kopie] = v2.geweldsmiddeltoekenningen.all()
    assert (kopie.organisatie, kopie.domein, kopie.geweldsmiddel, kopie.kenmerk, kopie.vorige) == (
        natuur, "I", "handboeien", "BZ-1", v1.geweldsmiddeltoekenningen.get())
    _add(v2, wereld.coordinator, organisatie=natuur, geweldsmiddel="wapenstok")
    rows = {r.label: (r.links, r.rechts, r.gewijzigd) for r in compare_versions(v1, v2)["geweldsmiddelen"]}
    assert rows == {
        "Natuurmonumenten: handboeien (I – Openbare ruimte)": ("vastgelegd, kenmerk BZ-1", "vastgelegd, kenmerk BZ-1",
                                                             False),
        "Natuurmonumenten: korte wapenstok (I – Openbare ruimte)": ("—", "vastgelegd", True),
    }


def test_the_pdf_and_its_data_name_each_organisation_and_middel(wereld, concept_met_inzet):
    natuur = Organisatie.objects.get(naam="Natuurmonumenten")
    _add(concept_met_inzet, wereld.coordinator, organisatie=natuur, toegekend_op=datetime.date(2024, 5, 6),
         kenmerk="BZ-9")
    text = pdf.render_html(concept_met_inzet, None, concept=True)
    assert "<caption>Geweldsmiddelen per BOA-organisatie</caption>" in text
    assert "<td>Natuurmonumenten</td><td>I – Openbare ruimte</td><td>handboeien</td><td>6 mei 2024, kenmerk BZ-9</td>" \
        in text
    assert pdf.arrangement_data(concept_met_inzet)["geweldsmiddelen_per_organisatie"] == [
        {"organisatie": "Natuurmonumenten", "organisatie_id": natuur.pk, "domein": "I", "geweldsmiddel": "handboeien",
         "toegekend_op": "2024-05-06", "kenmerk": "BZ-9"}]


# --- the migration of the old list -------------------------------------------------------------------------------

def test_the_migration_moves_the_old_list_to_the_first_boa_werkgever_and_domein(wereld, vastgesteld):
    """`vastgesteld` has the old list [handboeien, wapenstok] and inzet in I and II; its first BOA-werkgever is the
    gemeente (the politie and the OM are skipped). An arrangement without inzet keeps only the old list (0018 left
    it; 0021, run when the schema goes forward again, keeps it in the history: tests/…/test_geweld_oud.py)."""
    zonder_inzet = wereld.nieuw("Zonder inzet")
    Geweldsmiddeltoekenning.objects.all().delete()
    with schema_met_oude_lijst() as apps:  # the list is a column again, as it was when 0018 ran
        zet_oude_lijst(apps, vastgesteld, ["handboeien", "wapenstok"])
        zet_oude_lijst(apps, zonder_inzet, ["pepperspray"])
        migration = import_module("arrangementen.migrations.0018_geweldsmiddeltoekenningen")
        # The models as the migration sees them (no history signals: the migration writes the history rows itself).
        state = MigrationLoader(connection).project_state(("arrangementen", "0018_geweldsmiddeltoekenningen"))
        migration.copy_old_list(state.apps, None)
        rows = list(Geweldsmiddeltoekenning.objects.filter(arrangement=vastgesteld)
                    .values_list("organisatie__soort", "domein", "geweldsmiddel").order_by("geweldsmiddel"))
        assert rows == [("gemeente", "I", "handboeien"), ("gemeente", "I", "wapenstok")]
        assert not Geweldsmiddeltoekenning.objects.filter(arrangement=zonder_inzet).exists()
        assert vastgesteld.geweldsmiddeltoekenningen.first().history.get().history_type == "+"
