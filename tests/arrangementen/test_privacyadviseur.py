"""The privacy reviewer (issue 15 item 4): an arrangement that shares data needs, besides every required party's
approval, the approval of a privacyadviseur of its driehoek; one without data flows is reviewed as before."""

import datetime
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from arrangementen import gegevensstromen, selectors, services, workflow
from arrangementen.models import Arrangement, Beoordeling, Grondslag, Status
from samenwerking import toegang
from samenwerking.models import Rol

from ..factories import GebruikerFactory, lid, vandaag
from .beoordelwereld import build, required_names
from .helpers import html

GOED = Beoordeling.Besluit.GOEDGEKEURD
PRIVACY, PARTIJ = Beoordeling.Hoedanigheid.PRIVACY, Beoordeling.Hoedanigheid.PARTIJ


def met_stroom(w) -> None:
    """One flow (police data to the drafter's gemeente, Wpg art. 16), added while still in concept."""
    arrangement = Arrangement.objects.get(pk=w.arrangement.pk)
    politie = w.reviewer("politie").organisatie
    gegevensstromen.add_gegevensstroom(
        arrangement=arrangement, user=w.coordinator, expected_version=arrangement.lock_version,
        gegevens=gegevensstromen.Stroomgegevens(
            verstrekker=politie, ontvangers=[w.coordinator.organisatie], categorieen="Meldingen van overlast",
            doel="Gerichte inzet van BOA's", grondslag=Grondslag.objects.get(code="wpg-16")))


def wereld(*, stromen: bool, organisatie: str = "gemeente"):
    """Two gemeenten, politie and OM; a privacy adviser (the FG of the drafter's gemeente, or of `organisatie`)."""
    w = build(gemeenten=2, indienen=False)
    if stromen:
        met_stroom(w)
    eigen = w.coordinator.organisatie if organisatie == "gemeente" else w.reviewer(organisatie).organisatie
    w.adviseur = GebruikerFactory(organisatie=eigen, first_name="Priya", last_name="Privacy")
    lid(w.adviseur, w.driehoek, Rol.PRIVACYADVISEUR)
    workflow.perform(arrangement=w.arrangement, action="indienen", user=w.coordinator, toelichting="Graag")
    return w


def keur_goed(w, user, **kwargs):
    return workflow.perform(arrangement=w.arrangement, action="goedkeuren", user=user, **kwargs)


def parties_approve(w):
    for name in required_names(w.arrangement):
        keur_goed(w, w.reviewers[name])


def status(w):
    return Arrangement.objects.get(pk=w.arrangement.pk).status


def detail(client, w, user) -> str:
    client.force_login(user)
    return html(client.get(reverse("arrangementen:detail", args=[w.arrangement.pk])))


def test_with_flows_every_party_approving_is_not_enough_until_the_privacy_adviser_approves(db):
    w = wereld(stromen=True)
    parties_approve(w)
    assert status(w) == Status.TER_REVIEW
    keur_goed(w, w.adviseur)
    assert status(w) == Status.GOEDGEKEURD
    privacy = Beoordeling.objects.get(hoedanigheid=PRIVACY)
    assert (privacy.beoordelaar, privacy.organisatie, privacy.besluit) == (w.adviseur, w.coordinator.organisatie, GOED)


def test_privacy_approving_first_keeps_it_under_review_until_the_last_party(db):
    w = wereld(stromen=True)
    keur_goed(w, w.adviseur)
    names = required_names(w.arrangement)
    for name in names[:-1]:
        keur_goed(w, w.reviewers[name])
        assert status(w) == Status.TER_REVIEW
    keur_goed(w, w.reviewers[names[-1]])
    assert status(w) == Status.GOEDGEKEURD
    assert w.arrangement.overgangen.filter(naar=Status.GOEDGEKEURD).count() == 1


def test_without_flows_the_parties_alone_approve_and_a_privacy_approval_is_refused(db, client):
    w = wereld(stromen=False)
    with pytest.raises(PermissionDenied, match="deelt geen gegevens"):
        keur_goed(w, w.adviseur)
    assert "Privacyadviseur" not in detail(client, w, w.reviewer("om"))
    parties_approve(w)
    assert status(w) == Status.GOEDGEKEURD
    assert not Beoordeling.objects.filter(hoedanigheid=PRIVACY).exists()


def test_a_party_reviewer_cannot_give_the_privacy_approval(db):
    w = wereld(stromen=True)
    with pytest.raises(PermissionDenied, match="niet als privacyadviseur"):
        keur_goed(w, w.reviewer("politie"), namens=PRIVACY)
    parties_approve(w)  # and approving without naming a capacity counts for the party, never for privacy
    assert not Beoordeling.objects.filter(hoedanigheid=PRIVACY).exists()
    assert status(w) == Status.TER_REVIEW


def test_the_privacy_adviser_of_a_party_does_not_approve_for_that_party(db, client):
    w = wereld(stromen=True, organisatie="om")
    with pytest.raises(PermissionDenied, match="niet namens een partij"):
        keur_goed(w, w.adviseur, namens=PARTIJ)
    keur_goed(w, w.adviseur)
    decision = Beoordeling.objects.get()
    assert (decision.hoedanigheid, decision.organisatie) == (PRIVACY, w.reviewer("om").organisatie)
    page = detail(client, w, w.reviewer("om"))
    om = w.reviewer("om").organisatie.naam
    assert f"<strong>{om}</strong>: nog niet beoordeeld" in page
    assert "<strong>Privacyadviseur</strong>: goedgekeurd door Priya Privacy" in page
    with pytest.raises(ValidationError, match="De privacyadviseur heeft dit arrangement al goedgekeurd"):
        keur_goed(w, w.adviseur)


def test_terug_naar_concept_voids_the_privacy_approval_and_it_is_asked_again(db, client):
    w = wereld(stromen=True)
    keur_goed(w, w.adviseur)
    workflow.perform(arrangement=w.arrangement, action="terug_naar_concept", user=w.coordinator)
    assert Beoordeling.objects.get(hoedanigheid=PRIVACY).vervallen
    workflow.perform(arrangement=w.arrangement, action="indienen", user=w.coordinator)
    assert "<strong>Privacyadviseur</strong>: nog niet beoordeeld" in detail(client, w, w.adviseur)
    parties_approve(w)
    assert status(w) == Status.TER_REVIEW
    keur_goed(w, w.adviseur)
    assert status(w) == Status.GOEDGEKEURD


def test_a_content_change_marks_the_privacy_approval_voided_by_the_change(db):
    w = wereld(stromen=True)
    keur_goed(w, w.adviseur)
    workflow.perform(arrangement=w.arrangement, action="terug_naar_concept", user=w.coordinator)
    met_stroom(w)
    approval = Beoordeling.objects.get(hoedanigheid=PRIVACY)
    assert approval.vervallen and approval.vervallen_door_wijziging


def test_the_page_shows_the_privacy_row_and_offers_goedkeuren_until_it_approved(db, client):
    w = wereld(stromen=True)
    goedkeuren = reverse("arrangementen:overgang", args=[w.arrangement.pk, "goedkeuren"])
    page = detail(client, w, w.adviseur)
    assert "<strong>Privacyadviseur</strong>: nog niet beoordeeld" in page
    assert f'href="{goedkeuren}"' in page
    keur_goed(w, w.adviseur, toelichting="Grondslag en bewaartermijn kloppen.")
    page = detail(client, w, w.adviseur)
    assert "<strong>Privacyadviseur</strong>: goedgekeurd door Priya Privacy op" in page
    assert f'href="{goedkeuren}"' not in page
    api = client.get(f"/api/v1/arrangementen/{w.arrangement.pk}/").json()
    assert [t["actie"] for t in api["transities"]] == ["wijzigingen_vragen"]
    assert (api["beoordeling_privacy"]["stand"], api["beoordeling_privacy"]["door"]) == ("goedgekeurd",
                                                                                       "Priya Privacy")
    assert "organisatie" not in api["beoordeling_privacy"]


def test_without_flows_goedkeuren_is_not_offered_to_a_privacy_adviser_and_the_api_says_null(db, client):
    w = wereld(stromen=False)
    page = detail(client, w, w.adviseur)
    assert 'goedkeuren/"' not in page
    api = client.get(f"/api/v1/arrangementen/{w.arrangement.pk}/").json()
    assert api["beoordeling_privacy"] is None
    assert [t["actie"] for t in api["transities"]] == ["wijzigingen_vragen"]


def test_after_approving_the_message_names_what_is_still_awaited(db, client):
    w = wereld(stromen=True)
    client.force_login(w.adviseur)
    response = client.post(reverse("arrangementen:overgang", args=[w.arrangement.pk, "goedkeuren"]),
                           {"toelichting": "Akkoord"}, follow=True)
    message = str(list(response.context["messages"])[0])
    assert message.startswith("Uw goedkeuring is vastgelegd. Het arrangement wacht nog op de goedkeuring van:")
    assert "privacyadviseur" not in message


def test_a_party_approving_is_told_the_privacy_adviser_is_still_awaited(db, client):
    w = wereld(stromen=True)
    client.force_login(w.reviewer("om"))
    response = client.post(reverse("arrangementen:overgang", args=[w.arrangement.pk, "goedkeuren"]),
                           {"toelichting": "Akkoord"}, follow=True)
    assert str(list(response.context["messages"])[0]).endswith(", de privacyadviseur.")


def test_te_beoordelen_lists_it_for_the_privacy_adviser_until_approved(db, client):
    met = wereld(stromen=True)
    zonder = services.create_arrangement(driehoek=met.driehoek, user=met.coordinator, titel="Zonder gegevens")
    workflow.perform(arrangement=zonder, action="indienen", user=met.coordinator)
    assert [a.pk for a in selectors.review_queue(met.adviseur)] == [met.arrangement.pk]
    client.force_login(met.adviseur)
    page = html(client.get(reverse("arrangementen:te_beoordelen")))
    assert met.arrangement.titel in page and "Zonder gegevens" not in page
    keur_goed(met, met.adviseur)
    assert selectors.review_queue(met.adviseur) == []
    assert {a.pk for a in selectors.review_queue(met.reviewer("om"))} == {met.arrangement.pk, zonder.pk}


def test_an_adviser_of_a_party_without_a_reviewer_role_is_not_asked_for_that_party(db):
    w = wereld(stromen=False, organisatie="om")
    assert selectors.review_queue(w.adviseur) == []
    assert [a.pk for a in selectors.review_queue(w.reviewer("om"))] == [w.arrangement.pk]


def test_reviewer_who_is_also_privacy_adviser_names_the_capacity_when_both_are_open(db, client):
    w = wereld(stromen=True)
    officier = w.reviewer("om")
    lid(officier, w.driehoek, Rol.PRIVACYADVISEUR)
    url = reverse("arrangementen:overgang", args=[w.arrangement.pk, "goedkeuren"])
    client.force_login(officier)
    assert 'name="namens"' in html(client.get(url))
    response = client.post(url, {"toelichting": "Akkoord, zie mijn notitie"})
    assert response.status_code == 200
    assert response.context["form"].errors["namens"] == [
        "U bent beoordelaar én privacyadviseur: kies namens wie u beslist."]
    assert "Akkoord, zie mijn notitie" in html(response)
    assert not Beoordeling.objects.exists()
    client.post(url, {"toelichting": "Akkoord", "namens": PRIVACY})
    assert Beoordeling.objects.get().hoedanigheid == PRIVACY
    assert 'name="namens"' not in html(client.get(url))  # only the party is still open: used without asking
    client.post(url, {"toelichting": "Akkoord"})
    party = Beoordeling.objects.get(hoedanigheid=PARTIJ)
    assert party.organisatie == officier.organisatie and party.beoordelaar == officier


def test_the_privacy_adviser_may_ask_for_changes(db, client):
    w = wereld(stromen=True)
    workflow.perform(arrangement=w.arrangement, action="wijzigingen_vragen", user=w.adviseur,
                     toelichting="Noem de bewaartermijn.")
    assert status(w) == Status.WIJZIGINGEN_GEVRAAGD
    assert Beoordeling.objects.get().hoedanigheid == PRIVACY
    page = detail(client, w, w.coordinator)
    assert "De privacyadviseur vraagt wijzigingen (Priya Privacy" in page
    assert "Noem de bewaartermijn." in page


def test_submitting_an_arrangement_with_flows_mails_the_privacy_adviser(db, django_capture_on_commit_callbacks):
    w = build(gemeenten=2, indienen=False)
    met_stroom(w)
    adviseur = GebruikerFactory(organisatie=None)  # of no party: heard of it as privacy adviser only
    lid(adviseur, w.driehoek, Rol.PRIVACYADVISEUR)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(arrangement=w.arrangement, action="indienen", user=w.coordinator)
    assert adviseur.email in mail.outbox[0].to
    assert w.reviewer("om").email in mail.outbox[0].to


def test_an_ended_privacy_adviser_role_no_longer_gives_the_privacy_approval(db):
    w = wereld(stromen=True)
    officier = w.reviewer("om")
    lid(officier, w.driehoek, Rol.PRIVACYADVISEUR, actief_van=vandaag() - datetime.timedelta(days=30),
        actief_tot=vandaag())
    with pytest.raises(PermissionDenied, match="niet als privacyadviseur"):
        keur_goed(w, officier, namens=PRIVACY)
    keur_goed(w, officier)  # the party is its only open capacity: no question asked
    assert Beoordeling.objects.get().hoedanigheid == PARTIJ


def test_the_queue_reads_data_sharing_in_the_same_queries_however_many_arrangements(db, client):
    w = wereld(stromen=True)
    client.force_login(w.adviseur)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("arrangementen:te_beoordelen")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for index in range(3):
        extra = services.create_arrangement(driehoek=w.driehoek, user=w.coordinator, titel=f"Deelt {index}")
        met_stroom(SimpleNamespace(arrangement=extra, coordinator=w.coordinator, reviewer=w.reviewer))
        workflow.perform(arrangement=extra, action="indienen", user=w.coordinator)
    assert len(selectors.review_queue(w.adviseur)) == 4
    assert count() == one


def test_the_api_asks_a_dual_reviewer_for_namens_and_records_the_named_capacity(db, client):
    w = wereld(stromen=True)
    officier = w.reviewer("om")
    lid(officier, w.driehoek, Rol.PRIVACYADVISEUR)
    client.force_login(officier)
    url = f"/api/v1/arrangementen/{w.arrangement.pk}/transitie/"
    response = client.post(url, {"actie": "goedkeuren"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["namens"] == ["U bent beoordelaar én privacyadviseur: kies namens wie u beslist."]
    response = client.post(url, {"actie": "goedkeuren", "namens": "privacy"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["beoordeling_privacy"]["stand"] == "goedgekeurd"
    assert Beoordeling.objects.get().hoedanigheid == PRIVACY


def test_the_access_module_names_the_capacities_as_the_review_records_them():
    assert (toegang.FOR_PARTY, toegang.PRIVACY_ADVICE) == (PARTIJ, PRIVACY)
    assert set(toegang.ROLE_CAPACITIES) == {Rol.REVIEWER, Rol.PRIVACYADVISEUR}


def test_a_system_account_with_the_role_has_no_capacity(db):
    w = wereld(stromen=True)
    systeem = GebruikerFactory(is_systeemaccount=True)
    lid(systeem, w.driehoek, Rol.PRIVACYADVISEUR)
    assert toegang.capacities_on_many(systeem, [w.driehoek]) == {w.driehoek.pk: set()}
    assert toegang.capacities_on_many(w.adviseur, [w.driehoek]) == {w.driehoek.pk: {PRIVACY}}
    assert selectors.review_queue(systeem) == []
