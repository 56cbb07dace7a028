"""Review per party (issue 13 item 2): every required party approves before the arrangement is goedgekeurd."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from arrangementen import selectors, services, workflow
from arrangementen.models import Beoordeling, Status
from samenwerking.admin.driehoeken import DriehoekForm
from samenwerking.models import Rol

from ..factories import GebruikerFactory, OpmerkingFactory, lid
from .beoordelwereld import build, required_names
from .helpers import html

GOED = Beoordeling.Besluit.GOEDGEKEURD


def keur_goed(arrangement, user, **kwargs):
    return workflow.perform(arrangement=arrangement, action="goedkeuren", user=user, **kwargs)


def status(arrangement):
    arrangement.refresh_from_db()
    return arrangement.status


def test_required_parties_are_politie_om_and_the_other_gemeenten(db):
    w = build(gemeenten=3)
    names = required_names(w.arrangement)
    assert w.coordinator.organisatie.naam not in names
    soorten = sorted(w.reviewers[n].organisatie.soort for n in names)
    assert soorten == ["gemeente", "gemeente", "om", "politie"]


def test_one_party_approving_keeps_it_under_review_and_the_page_shows_each_party(db, client):
    w = build(gemeenten=2)
    teamchef = w.reviewer("politie")
    keur_goed(w.arrangement, teamchef)
    assert status(w.arrangement) == Status.TER_REVIEW
    assert Beoordeling.objects.get().organisatie == teamchef.organisatie
    client.force_login(teamchef)
    page = html(client.get(reverse("arrangementen:detail", args=[w.arrangement.pk])))
    assert "Beoordeling per partij" in page
    assert f"goedgekeurd door {teamchef}" in page
    assert page.count("nog niet beoordeeld") == 2  # the OM and the other gemeente


def test_arrangement_is_goedgekeurd_when_the_last_required_party_approves(db):
    w = build(gemeenten=2)
    names = required_names(w.arrangement)
    for name in names[:-1]:
        keur_goed(w.arrangement, w.reviewers[name])
        assert status(w.arrangement) == Status.TER_REVIEW
    keur_goed(w.arrangement, w.reviewers[names[-1]])
    assert status(w.arrangement) == Status.GOEDGEKEURD
    assert w.arrangement.overgangen.filter(naar=Status.GOEDGEKEURD).count() == 1


def test_reviewer_of_no_required_party_is_refused_in_dutch(db):
    w = build(gemeenten=2)
    buiten = GebruikerFactory()
    lid(buiten, w.driehoek, Rol.REVIEWER)
    with pytest.raises(PermissionDenied, match="u hoort niet bij een partij die het moet goedkeuren"):
        keur_goed(w.arrangement, buiten)
    drafters_gemeente = GebruikerFactory(organisatie=w.coordinator.organisatie)
    lid(drafters_gemeente, w.driehoek, Rol.REVIEWER)
    with pytest.raises(PermissionDenied):
        keur_goed(w.arrangement, drafters_gemeente)
    assert not Beoordeling.objects.exists()
    assert status(w.arrangement) == Status.TER_REVIEW


def test_same_party_approving_twice_is_refused(db):
    w = build(gemeenten=2)
    teamchef = w.reviewer("politie")
    collega = GebruikerFactory(organisatie=teamchef.organisatie)
    lid(collega, w.driehoek, Rol.REVIEWER)
    keur_goed(w.arrangement, teamchef)
    with pytest.raises(ValidationError, match="heeft dit arrangement al goedgekeurd"):
        keur_goed(w.arrangement, collega)
    assert Beoordeling.objects.count() == 1


def test_goedkeuren_is_no_longer_offered_to_a_party_that_approved(db, client):
    w = build(gemeenten=2)
    teamchef, officier = w.reviewer("politie"), w.reviewer("om")
    collega = GebruikerFactory(organisatie=teamchef.organisatie)
    lid(collega, w.driehoek, Rol.REVIEWER)
    goedkeuren = reverse("arrangementen:overgang", args=[w.arrangement.pk, "goedkeuren"])
    wijzigingen = reverse("arrangementen:overgang", args=[w.arrangement.pk, "wijzigingen_vragen"])
    detail = reverse("arrangementen:detail", args=[w.arrangement.pk])
    client.force_login(teamchef)
    assert f'href="{goedkeuren}"' in html(client.get(detail))
    keur_goed(w.arrangement, teamchef)
    for reviewer, offered in ((teamchef, False), (collega, False), (officier, True)):
        client.force_login(reviewer)
        page = html(client.get(detail))
        assert (f'href="{goedkeuren}"' in page) is offered, reviewer
        assert f'href="{wijzigingen}"' in page, reviewer
        acties = [t["actie"] for t in client.get(f"/api/v1/arrangementen/{w.arrangement.pk}/").json()["transities"]]
        assert acties == (["goedkeuren", "wijzigingen_vragen"] if offered else ["wijzigingen_vragen"]), reviewer
    assert status(w.arrangement) == Status.TER_REVIEW


def test_the_driehoek_setting_changes_who_must_approve(db):
    w = build(gemeenten=3)
    w.driehoek.goedkeurende_soorten = ["politie"]
    w.driehoek.save()
    w.arrangement.refresh_from_db()
    assert [w.reviewers[n].organisatie.soort for n in required_names(w.arrangement)] == ["politie"]
    keur_goed(w.arrangement, w.reviewer("politie"))
    assert status(w.arrangement) == Status.GOEDGEKEURD


def test_asking_for_changes_shows_party_name_and_reason_at_the_top(db, client):
    w = build(gemeenten=2)
    officier = w.reviewer("om")
    keur_goed(w.arrangement, w.reviewer("politie"))
    workflow.perform(arrangement=w.arrangement, action="wijzigingen_vragen", user=officier,
                     toelichting="Artikel 3 mist de rol van het parket.")
    assert status(w.arrangement) == Status.WIJZIGINGEN_GEVRAAGD
    client.force_login(w.coordinator)
    page = html(client.get(reverse("arrangementen:detail", args=[w.arrangement.pk])))
    top = page.split('id="beoordeling-per-partij"')[0]  # the notice stands above everything else
    assert f"{officier.organisatie} vraagt wijzigingen ({officier}" in top
    assert "Artikel 3 mist de rol van het parket." in top


def test_a_content_change_voids_every_approval_and_the_page_says_so(db, client):
    w = build(gemeenten=2)
    keur_goed(w.arrangement, w.reviewer("politie"))
    workflow.perform(arrangement=w.arrangement, action="wijzigingen_vragen", user=w.reviewer("om"),
                     toelichting="Graag aanvullen.")
    workflow.perform(arrangement=w.arrangement, action="terug_naar_concept", user=w.coordinator)
    client.force_login(w.coordinator)
    detail = reverse("arrangementen:detail", args=[w.arrangement.pk])
    assert "De goedkeuringen zijn vervallen door een wijziging" not in html(client.get(detail))
    w.arrangement.refresh_from_db()
    services.update_arrangement(arrangement=w.arrangement, user=w.coordinator,
                                expected_version=w.arrangement.lock_version, data={"doel": "Nieuw doel"})
    approval = Beoordeling.objects.get(besluit=GOED)
    assert (approval.vervallen, approval.vervallen_door_wijziging) == (True, True)
    assert "De goedkeuringen zijn vervallen door een wijziging op" in html(client.get(detail))
    workflow.perform(arrangement=w.arrangement, action="indienen", user=w.coordinator)
    assert status(w.arrangement) == Status.TER_REVIEW
    keur_goed(w.arrangement, w.reviewer("politie"))  # the politie approves again: its old approval lapsed
    assert status(w.arrangement) == Status.TER_REVIEW


def test_approving_with_open_comments_needs_a_confirmation_that_names_them(db):
    w = build(gemeenten=2)
    OpmerkingFactory(arrangement=w.arrangement, auteur=w.reviewer("om"), tekst="Wie belt de meldkamer bij ontruiming?")
    with pytest.raises(ValidationError) as refused:
        keur_goed(w.arrangement, w.reviewer("politie"))
    message = refused.value.message_dict["bevestigd"][0]
    assert "1 open opmerking(en)" in message and "Wie belt de meldkamer bij ontruiming?" in message
    assert not Beoordeling.objects.exists()
    keur_goed(w.arrangement, w.reviewer("politie"), bevestigd=True)
    assert Beoordeling.objects.get().besluit == GOED


def test_the_approval_form_without_the_checkbox_keeps_the_toelichting_and_lists_the_comments(db, client):
    w = build(gemeenten=2)
    OpmerkingFactory(arrangement=w.arrangement, auteur=w.reviewer("om"), tekst="Wie belt de meldkamer?")
    client.force_login(w.reviewer("politie"))
    url = reverse("arrangementen:overgang", args=[w.arrangement.pk, "goedkeuren"])
    page = html(client.post(url, {"toelichting": "Akkoord namens de politie."}))
    assert "Wie belt de meldkamer?" in page
    assert "Vink aan dat u toch goedkeurt" in page
    assert "Akkoord namens de politie.</textarea>" in page
    assert not Beoordeling.objects.exists()
    response = client.post(url, {"toelichting": "Akkoord namens de politie.", "bevestigd": "on"})
    assert response.status_code == 302
    assert Beoordeling.objects.get().toelichting == "Akkoord namens de politie."


def test_the_queue_lists_what_awaits_the_users_party_with_submitter_and_toelichting(db, client):
    w = build(gemeenten=2)
    teamchef, officier = w.reviewer("politie"), w.reviewer("om")
    buiten = GebruikerFactory()
    lid(buiten, w.driehoek, Rol.REVIEWER)
    assert [a.pk for a in selectors.review_queue(teamchef)] == [w.arrangement.pk]
    assert selectors.review_queue(buiten) == []
    client.force_login(teamchef)
    page = html(client.get(reverse("arrangementen:te_beoordelen")))
    assert f"Ingediend door {w.coordinator} op" in page and "Graag uw oordeel" in page
    keur_goed(w.arrangement, teamchef)
    assert selectors.review_queue(teamchef) == []
    assert [a.pk for a in selectors.review_queue(officier)] == [w.arrangement.pk]


def test_the_queue_counts_afspraken_changed_since_the_reviewers_last_decision(db):
    w = build(gemeenten=2)
    officier = w.reviewer("om")
    workflow.perform(arrangement=w.arrangement, action="wijzigingen_vragen", user=officier, toelichting="Aanvullen.")
    workflow.perform(arrangement=w.arrangement, action="terug_naar_concept", user=w.coordinator)
    w.arrangement.refresh_from_db()
    afspraak = w.arrangement.afspraken.first()
    services.update_afspraak(afspraak=afspraak, user=w.coordinator, expected_version=w.arrangement.lock_version,
                             onderwerp=afspraak.onderwerp, titel=afspraak.titel, tekst="Nieuwe tekst.",
                             verantwoordelijke=afspraak.verantwoordelijke)
    workflow.perform(arrangement=w.arrangement, action="indienen", user=w.coordinator)
    [queued] = selectors.review_queue(officier)
    assert queued.gewijzigde_afspraken == 1


def test_submission_mails_the_reviewers_of_the_required_parties_only(db, django_capture_on_commit_callbacks):
    w = build(gemeenten=2, indienen=False)
    buiten = GebruikerFactory()
    lid(buiten, w.driehoek, Rol.REVIEWER)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(arrangement=w.arrangement, action="indienen", user=w.coordinator)
    assert len(mail.outbox) == 1
    expected = sorted(w.reviewers[n].email for n in required_names(w.arrangement))
    assert sorted(mail.outbox[0].to) == expected
    assert buiten.email not in mail.outbox[0].to


def test_beheer_sets_which_parties_must_approve_with_checkboxes(db):
    w = build(gemeenten=2)
    form = DriehoekForm(instance=w.driehoek)
    assert form["goedkeurende_soorten"].value() == ["politie", "om", "gemeente"]
    form = DriehoekForm(instance=w.driehoek, data={
        "naam": w.driehoek.naam, "soort": w.driehoek.soort, "basisteam": w.driehoek.basisteam_id,
        "eenheid": w.driehoek.eenheid_id, "gemeenten": [g.pk for g in w.driehoek.gemeenten.all()],
        "goedkeurende_soorten": ["politie", "om"],
    })
    assert form.is_valid(), form.errors
    form.save()
    w.arrangement.refresh_from_db()
    assert sorted(w.reviewers[n].organisatie.soort for n in required_names(w.arrangement)) == ["om", "politie"]
