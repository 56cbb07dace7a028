"""Deleting an afspraak (issue 17 item 6): a verplichte one asks first, and every deletion can be undone from the
page it leads to, under the access check and the optimistic lock."""

from django.urls import reverse

from arrangementen import services, workflow
from arrangementen.models import Afspraak, Arrangement, Status
from samenwerking.models import Rol

from .helpers import html, zet_status


def url(name, *args) -> str:
    return reverse(f"arrangementen:{name}", args=args)


def verplichte_afspraak(arrangement) -> Afspraak:
    return arrangement.afspraken.filter(modelafspraak__verplicht=True).select_related("modelafspraak").first()


def version(arrangement) -> int:
    return Arrangement.objects.get(pk=arrangement.pk).lock_version


def test_deleting_a_verplichte_afspraak_asks_for_confirmation_first(db, als, concept):
    afspraak = verplichte_afspraak(concept)
    response = als(Rol.COORDINATOR).post(url("afspraak_verwijderen", concept.pk, afspraak.pk),
                                         {"lock_version": version(concept)})
    assert response.status_code == 200
    page = html(response)
    assert "Verplichte afspraak verwijderen?" in page
    assert 'name="bevestigd" value="ja"' in page
    assert f'name="lock_version" value="{version(concept)}"' in page
    assert concept.afspraken.filter(pk=afspraak.pk).exists()


def test_a_confirmed_deletion_leads_to_a_page_that_offers_to_undo_it(db, als, concept):
    afspraak = verplichte_afspraak(concept)
    client = als(Rol.COORDINATOR)
    response = client.post(url("afspraak_verwijderen", concept.pk, afspraak.pk),
                           {"lock_version": version(concept), "bevestigd": "ja"})
    assert response.status_code == 302
    assert response.url == url("detail", concept.pk) + f"?verwijderd={afspraak.pk}#ongedaan-maken"
    assert not Afspraak.objects.filter(pk=afspraak.pk).exists()
    page = html(client.get(response.url))
    assert f"Ongedaan maken: “{afspraak.titel}” terugzetten" in page
    assert url("afspraak_terugzetten", concept.pk, afspraak.pk) in page


def test_an_optional_afspraak_is_deleted_at_once_and_can_be_undone_too(db, als, concept):
    afspraak = concept.afspraken.get(titel="Backup bij aanhouding")
    client = als(Rol.COORDINATOR)
    response = client.post(url("afspraak_verwijderen", concept.pk, afspraak.pk), {"lock_version": 1})
    assert response.status_code == 302
    assert not Afspraak.objects.filter(pk=afspraak.pk).exists()
    assert "Ongedaan maken" in html(client.get(response.url))


def test_undo_puts_the_afspraak_back_as_it_was_and_records_who(db, wereld, als, concept):
    afspraak = verplichte_afspraak(concept)
    before = Afspraak.objects.filter(pk=afspraak.pk).values(
        "titel", "tekst", "onderwerp", "verantwoordelijke", "volgorde", "modelafspraak").get()
    client = als(Rol.COORDINATOR)
    client.post(url("afspraak_verwijderen", concept.pk, afspraak.pk),
                {"lock_version": version(concept), "bevestigd": "ja"})
    assert afspraak.modelafspraak in workflow.missing_mandatory_clauses(concept)
    opened = version(concept)
    response = client.post(url("afspraak_terugzetten", concept.pk, afspraak.pk), {"lock_version": opened},
                           follow=True)
    assert "De afspraak is teruggezet." in html(response)
    assert Afspraak.objects.filter(pk=afspraak.pk).values(
        "titel", "tekst", "onderwerp", "verantwoordelijke", "volgorde", "modelafspraak").get() == before
    assert version(concept) == opened + 1
    assert afspraak.modelafspraak not in workflow.missing_mandatory_clauses(concept)
    laatste = Afspraak.history.filter(id=afspraak.pk).order_by("-history_date").first()
    assert (laatste.history_type, laatste.history_user) == ("+", wereld.coordinator)


def test_undo_on_a_stale_page_is_refused_and_restores_nothing(db, wereld, als, concept):
    afspraak = verplichte_afspraak(concept)
    client = als(Rol.COORDINATOR)
    client.post(url("afspraak_verwijderen", concept.pk, afspraak.pk),
                {"lock_version": version(concept), "bevestigd": "ja"})
    opened = version(concept)
    services.update_arrangement(arrangement=concept, user=wereld.coordinator, expected_version=opened,
                                data={"doel": "Intussen gewijzigd"})
    response = client.post(url("afspraak_terugzetten", concept.pk, afspraak.pk), {"lock_version": opened},
                           follow=True)
    assert "is gewijzigd nadat u het opende" in html(response)
    assert not Afspraak.objects.filter(pk=afspraak.pk).exists()


def test_undo_of_an_afspraak_that_is_still_there_says_so(db, als, concept):
    afspraak = concept.afspraken.first()
    response = als(Rol.COORDINATOR).post(url("afspraak_terugzetten", concept.pk, afspraak.pk),
                                         {"lock_version": version(concept)}, follow=True)
    assert "Deze afspraak kan niet worden teruggezet" in html(response)
    assert version(concept) == 1


def test_undo_needs_the_draft_permission(db, als, concept):
    afspraak = concept.afspraken.get(titel="Backup bij aanhouding")
    als(Rol.COORDINATOR).post(url("afspraak_verwijderen", concept.pk, afspraak.pk), {"lock_version": 1})
    response = als(Rol.LEZER).post(url("afspraak_terugzetten", concept.pk, afspraak.pk), {"lock_version": 2})
    assert response.status_code == 403
    assert not Afspraak.objects.filter(pk=afspraak.pk).exists()


def test_undo_after_submission_is_refused_in_dutch(db, als, concept):
    afspraak = concept.afspraken.get(titel="Backup bij aanhouding")
    client = als(Rol.COORDINATOR)
    client.post(url("afspraak_verwijderen", concept.pk, afspraak.pk), {"lock_version": 1})
    zet_status(concept, Status.TER_REVIEW)
    response = client.post(url("afspraak_terugzetten", concept.pk, afspraak.pk), {"lock_version": 2}, follow=True)
    assert "kan alleen in concept worden bewerkt" in html(response)
    assert not Afspraak.objects.filter(pk=afspraak.pk).exists()


def test_an_afspraak_of_another_arrangement_cannot_be_restored_into_this_one(db, wereld, als, concept):
    ander = wereld.nieuw("Ander concept")
    afspraak = ander.afspraken.get(titel="Backup bij aanhouding")
    client = als(Rol.COORDINATOR)
    client.post(url("afspraak_verwijderen", ander.pk, afspraak.pk), {"lock_version": 1})
    response = client.post(url("afspraak_terugzetten", concept.pk, afspraak.pk), {"lock_version": 1}, follow=True)
    assert "Deze afspraak kan niet worden teruggezet" in html(response)
    assert not Afspraak.objects.filter(pk=afspraak.pk).exists()
