"""Following an actiepunt up (issue 18 item 2): progress notes, co-owners, the one toewijzingsmail, the dashboard."""

import datetime

from django.core import mail
from django.urls import reverse

from actiepunten import services
from actiepunten.cyclus import vervolg
from actiepunten.models import Herinnering, Voortgang
from samenwerking.models import Rol

from ..factories import GebruikerFactory, lid, vandaag

DAY = datetime.timedelta(days=1)


def toewijzingsmails():
    return [m for m in mail.outbox if m.subject.startswith("Nieuw actiepunt voor u")]


def test_the_eigenaar_adds_a_progress_note_shown_latest_in_the_list(client, driehoek, maak_punt, lezer):
    punt = maak_punt(eigenaar=lezer, onderwerp="Basisteams bezoeken")
    client.force_login(lezer)
    url = reverse("actiepunten:voortgang", args=[punt.pk])
    assert client.post(url, {"datum": (vandaag() - 2 * DAY).isoformat(), "tekst": "Eerste bezoek gepland"}
                       ).status_code == 302
    assert client.post(url, {"datum": vandaag().isoformat(), "tekst": "Twee van drie bezocht"}).status_code == 302
    notes = list(Voortgang.objects.filter(actiepunt=punt))
    assert [(n.tekst, n.auteur) for n in notes] == [("Twee van drie bezocht", lezer), ("Eerste bezoek gepland", lezer)]
    assert Voortgang.history.filter(actiepunt_id=punt.pk, history_user=lezer).count() == 2
    lijst = client.get(reverse("actiepunten:actielijst", args=[driehoek.pk])).content.decode()
    assert "Twee van drie bezocht" in lijst and "Eerste bezoek gepland" not in lijst
    detail = client.get(reverse("actiepunten:actiepunt", args=[punt.pk])).content.decode()
    assert "Eerste bezoek gepland" in detail and "Twee van drie bezocht" in detail


def test_a_member_who_is_no_owner_may_not_add_progress(client, maak_punt, lezer, driehoek):
    anders = GebruikerFactory()
    lid(anders, driehoek, Rol.LEZER)
    punt = maak_punt(eigenaar=lezer)
    client.force_login(anders)
    response = client.post(reverse("actiepunten:voortgang", args=[punt.pk]),
                           {"datum": vandaag().isoformat(), "tekst": "Ik doe ook iets"})
    assert response.status_code == 403
    assert not Voortgang.objects.exists()


def test_a_co_owner_may_add_progress(client, maak_punt, lezer, coordinator, secretaris):
    punt = maak_punt(eigenaar=coordinator)
    services.update_actiepunt(actiepunt=punt, user=secretaris, data={}, medeeigenaren=[lezer], mede_namen=[])
    client.force_login(lezer)
    assert client.post(reverse("actiepunten:voortgang", args=[punt.pk]),
                       {"datum": vandaag().isoformat(), "tekst": "Samen gedaan"}).status_code == 302


def test_an_empty_or_future_note_is_refused_in_dutch_and_keeps_the_text(client, maak_punt, lezer):
    punt = maak_punt(eigenaar=lezer)
    client.force_login(lezer)
    response = client.post(reverse("actiepunten:voortgang", args=[punt.pk]),
                           {"datum": (vandaag() + DAY).isoformat(), "tekst": "Morgen klaar"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Voortgang ligt niet in de toekomst" in page and "Morgen klaar" in page
    response = client.post(reverse("actiepunten:voortgang", args=[punt.pk]), {"datum": "gisteren", "tekst": ""})
    assert response.status_code == 400
    assert not Voortgang.objects.exists()


def test_several_owners_read_as_eigenaar_ism_the_others(client, driehoek, secretaris, coordinator, lezer):
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:actiepunt_nieuw", args=[driehoek.pk]), {
        "onderwerp": "Handhavingsknelpunten ophalen", "eigenaar": coordinator.pk, "medeeigenaren": [lezer.pk],
        "medeeigenaren_extern": "de secretaris\nJan Jansen (RIEC)", "datum_gereed": "2030-01-01"})
    assert response.status_code == 302, response.context["form"].errors
    punt = driehoek.actiepunten.get()
    assert punt.wie == f"{coordinator} i.s.m. {lezer}, de secretaris, Jan Jansen (RIEC)"
    assert f"{coordinator} i.s.m. {lezer}" in client.get(
        reverse("actiepunten:actielijst", args=[driehoek.pk])).content.decode()
    form = client.get(reverse("actiepunten:actiepunt_bewerken", args=[punt.pk])).context["form"]
    assert form.initial["medeeigenaren"] == [lezer]
    assert form.initial["medeeigenaren_extern"] == "de secretaris\nJan Jansen (RIEC)"


def test_a_co_owner_from_outside_the_driehoek_is_refused(maak_punt, secretaris):
    punt = maak_punt()
    try:
        services.update_actiepunt(actiepunt=punt, user=secretaris, data={}, medeeigenaren=[GebruikerFactory()])
    except services.ValidationError as error:
        assert "Geen lid van deze driehoek" in str(error)
    else:
        raise AssertionError("a stranger became co-owner")
    assert not punt.medeeigenaren.exists()


def test_the_owner_gets_exactly_one_mail_when_assigned_also_when_saved_twice(
        django_capture_on_commit_callbacks, maak_punt, secretaris, lezer):
    with django_capture_on_commit_callbacks(execute=True):
        punt = maak_punt(eigenaar=lezer, onderwerp="Overlegstructuur opzetten")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_actiepunt(actiepunt=punt, user=secretaris, data={"onderwerp": "Overlegstructuur opzetten"})
    with django_capture_on_commit_callbacks(execute=True):
        services.update_actiepunt(actiepunt=punt, user=secretaris, data={"toelichting": "nog eens"})
    mails = toewijzingsmails()
    assert len(mails) == 1 and mails[0].to == [lezer.email]
    assert "Overlegstructuur opzetten" in mails[0].body and f"/actiepunten/punt/{punt.pk}/" in mails[0].body
    assert Herinnering.objects.get(onderwerp_type="toewijzing").status == "verzonden"
    # The beat's later runs find nothing more to send for it.
    for pk in services.claim_reminders(today=vandaag()):
        services.send_reminder(herinnering_id=pk, today=vandaag())
    assert len(toewijzingsmails()) == 1


def test_a_new_owner_gets_their_own_one_mail(django_capture_on_commit_callbacks, maak_punt, secretaris, lezer,
                                            coordinator):
    with django_capture_on_commit_callbacks(execute=True):
        punt = maak_punt(eigenaar=lezer)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_actiepunt(actiepunt=punt, user=secretaris, data={"eigenaar": coordinator})
    with django_capture_on_commit_callbacks(execute=True):
        services.update_actiepunt(actiepunt=punt, user=secretaris, data={"eigenaar": coordinator})
    assert sorted(m.to[0] for m in toewijzingsmails()) == sorted([lezer.email, coordinator.email])


def test_assigning_yourself_sends_no_mail_and_a_claim_for_a_former_owner_is_skipped(
        django_capture_on_commit_callbacks, maak_punt, secretaris, lezer):
    with django_capture_on_commit_callbacks(execute=True):
        maak_punt(eigenaar=secretaris)
    assert toewijzingsmails() == []
    punt = maak_punt(eigenaar=lezer)  # claimed, but not sent: the commit callbacks were not run
    services.update_actiepunt(actiepunt=punt, user=secretaris, data={"eigenaar": secretaris})
    herinnering = Herinnering.objects.get(onderwerp_type="toewijzing", onderwerp_id=punt.pk)
    assert services.send_reminder(herinnering_id=herinnering.pk) == "overgeslagen"
    assert toewijzingsmails() == []


def test_a_concurrent_second_claim_is_a_no_op(maak_punt, lezer, secretaris):
    punt = maak_punt(eigenaar=lezer)
    assert vervolg.claim_toewijzing(actiepunt=punt, user=secretaris) is False
    assert Herinnering.objects.filter(onderwerp_type="toewijzing").count() == 1


def test_the_dashboard_shows_the_users_overdue_points(client, maak_punt, lezer, coordinator):
    maak_punt(eigenaar=lezer, onderwerp="Te laat punt", datum_gereed=vandaag() - 3 * DAY)
    maak_punt(eigenaar=lezer, onderwerp="Nog op tijd", datum_gereed=vandaag() + 30 * DAY)
    maak_punt(eigenaar=coordinator, onderwerp="Van een ander", datum_gereed=vandaag() - 3 * DAY)
    client.force_login(lezer)
    page = client.get(reverse("samenwerking:dashboard")).content.decode()
    assert "Mijn verlopen actiepunten" in page
    assert "Te laat punt" in page and "Nog op tijd" not in page and "Van een ander" not in page


def test_the_dashboard_block_costs_one_query_whatever_the_number(client, maak_punt, lezer,
                                                                 django_assert_max_num_queries):
    from actiepunten.dashboard import mijn_verlopen

    for i in range(12):
        maak_punt(eigenaar=lezer, onderwerp=f"Punt {i}", datum_gereed=vandaag() - DAY)
    with django_assert_max_num_queries(1):
        rows = mijn_verlopen(lezer)
    assert len(rows) == 10
