"""The meeting cycle (issue 18 item 3) and the iCal titles and driehoek links (item 5)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from actiepunten import services
from actiepunten.cyclus import services as cyclus
from actiepunten.models import Meegenomen, Overleg, Verslagverzending

from ..factories import vandaag

DAY = datetime.timedelta(days=1)


@pytest.fixture
def met_deelnemers(overleg, secretaris, coordinator, lezer):
    return services.update_overleg(overleg=overleg, user=secretaris, data={"soort": "werkgroep", "datum": vandaag()},
                                   deelnemers=[services.Deelnemer(gebruiker=coordinator),
                                               services.Deelnemer(naam="Gast", organisatie="CCV"),
                                               services.Deelnemer(gebruiker=lezer, aanwezig=False)],
                                   agenda=["Opening", "Mededelingen"])


def test_the_next_overleg_carries_the_open_actiepunten_into_its_agenda(client, overleg, maak_punt, secretaris,
                                                                       coordinator):
    open_punt = maak_punt(onderwerp="Nog open")
    klaar = maak_punt(onderwerp="Al klaar")
    services.change_status(actiepunt=klaar, user=secretaris, action="gereed_melden")
    client.force_login(secretaris)
    form = client.get(reverse("actiepunten:volgend_overleg", args=[overleg.pk]))
    assert form.status_code == 200 and "Nog open" in form.content.decode()
    response = client.post(reverse("actiepunten:volgend_overleg", args=[overleg.pk]), {
        "soort": "werkgroep", "titel": "Werkgroep Samenwerking", "datum": (vandaag() + 30 * DAY).isoformat(),
        "secretaris": secretaris.pk, "deelnemers": [coordinator.pk], "agenda": "Opening\nRondvraag"})
    assert response.status_code == 302
    tweede = Overleg.objects.exclude(pk=overleg.pk).get()
    assert tweede.vorige == overleg
    assert [a.onderwerp for a in tweede.agendapunten.all()] == ["Actiepuntenlijst", "Opening", "Rondvraag"]
    assert [m.actiepunt for m in Meegenomen.objects.filter(agendapunt__overleg=tweede)] == [open_punt]
    page = client.get(reverse("actiepunten:overleg", args=[tweede.pk])).content.decode()
    assert "Nog open" in page and "Al klaar" not in page


def test_a_third_overleg_carries_what_is_still_open_from_both(overleg, maak_punt, secretaris):
    eerste = maak_punt(onderwerp="Eerste")
    data = {"soort": "werkgroep", "datum": vandaag() + DAY}
    tweede = cyclus.create_next_overleg(vorige=overleg, user=secretaris, data=data, deelnemers=[],
                                        agenda_punten=["Actiepuntenlijst", "Opening"])
    nieuw = maak_punt(onderwerp="Uit twee", overleg_=tweede)
    services.change_status(actiepunt=nieuw, user=secretaris, action="starten")
    derde = cyclus.create_next_overleg(vorige=tweede, user=secretaris, data={**data, "datum": vandaag() + 2 * DAY},
                                       deelnemers=[], agenda_punten=["Opening"])
    lijst = derde.agendapunten.get(onderwerp="Actiepuntenlijst")
    assert {m.actiepunt for m in lijst.meegenomen.all()} == {eerste, nieuw}
    assert [a.onderwerp for a in tweede.agendapunten.all()] == ["Actiepuntenlijst", "Opening"]


def test_verslag_per_agendapunt_in_markdown_with_linked_besluiten_survives_an_overleg_edit(
        client, met_deelnemers, secretaris):
    overleg = met_deelnemers
    opening, mededelingen = overleg.agendapunten.all()
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:verslag_schrijven", args=[overleg.pk]), {
        f"verslag_{opening.pk}": "De voorzitter **opent**.\n\n- punt een\n- punt twee\n\n<script>alert(1)</script>",
        f"besluiten_{opening.pk}": "",
        f"verslag_{mededelingen.pk}": "Geen bijzonderheden.",
        f"besluiten_{mededelingen.pk}": "Basisteams bezoeken\nCCV nodigt VNG uit",
    })
    assert response.status_code == 302
    page = client.get(reverse("actiepunten:overleg", args=[overleg.pk])).content.decode()
    assert "<strong>opent</strong>" in page and "<li>punt een</li>" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert [(b.tekst, b.agendapunt_id) for b in overleg.besluiten.all()] == [
        ("Basisteams bezoeken", mededelingen.pk), ("CCV nodigt VNG uit", mededelingen.pk)]
    # Editing the overleg (agenda reordered, one item added) keeps the verslag and the besluiten's links.
    services.update_overleg(overleg=overleg, user=secretaris, data={"soort": "werkgroep", "datum": vandaag()},
                            agenda=["Mededelingen", "Opening", "Rondvraag"],
                            besluiten=["Basisteams bezoeken", "CCV nodigt VNG uit"])
    mededelingen.refresh_from_db()
    assert (mededelingen.volgorde, mededelingen.verslag) == (1, "Geen bijzonderheden.")
    assert overleg.besluiten.filter(agendapunt=mededelingen).count() == 2


def test_finalised_verslag_is_dated_and_sent_once_with_the_pdf_to_deelnemers_and_afwezigen(
        client, django_capture_on_commit_callbacks, met_deelnemers, secretaris, coordinator, lezer):
    overleg = met_deelnemers
    client.force_login(secretaris)
    versturen = reverse("actiepunten:verslag_versturen", args=[overleg.pk])
    client.post(versturen, {"poging": "1"})
    assert not Verslagverzending.objects.exists()  # not yet vastgesteld: refused with a message
    leeg = client.post(reverse("actiepunten:verslag_vaststellen", args=[overleg.pk]), follow=True)
    assert "Er is nog geen verslag om vast te stellen" in leeg.content.decode()
    opening = overleg.agendapunten.get(onderwerp="Opening")
    cyclus.save_verslag(overleg=overleg, user=secretaris, per_agendapunt={opening.pk: ("Geopend.", [])})
    # Another POST body: an identical POST within seconds would be answered by DoubleSubmitMiddleware's replay.
    vastgesteld = client.post(reverse("actiepunten:verslag_vaststellen", args=[overleg.pk]), {"opnieuw": "1"},
                              follow=True)
    assert "Het verslag is vastgesteld op" in vastgesteld.content.decode()
    overleg.refresh_from_db()
    assert overleg.verslag_vastgesteld_door == secretaris and overleg.verslag_vastgesteld_op is not None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(versturen)
    verzending = Verslagverzending.objects.get()
    assert (verzending.status, verzending.verzonden_door) == ("verzonden", secretaris)
    assert verzending.ontvangers.split("\n") == sorted([coordinator.email, lezer.email])
    assert len(mail.outbox) == 1
    bericht = mail.outbox[0]
    assert sorted(bericht.to) == sorted([coordinator.email, lezer.email])
    naam, inhoud, soort = bericht.attachments[0]
    assert naam.endswith(".pdf") and soort == "application/pdf" and inhoud.startswith(b"%PDF")
    assert cyclus.send_verslag(verzending_id=verzending.pk) == "al_afgehandeld"
    assert len(mail.outbox) == 1
    assert Verslagverzending.history.filter(id=verzending.pk, history_user=secretaris).exists()


def test_a_second_click_while_sending_is_refused(met_deelnemers, secretaris):
    overleg = met_deelnemers
    overleg.verslag = "<p>Verslag</p>"
    overleg.save()
    cyclus.finalise_verslag(overleg=overleg, user=secretaris)
    cyclus.request_sending(overleg=overleg, user=secretaris)  # the commit callback (the task) is not run here
    with pytest.raises(services.ValidationError, match="wordt al verstuurd"):
        cyclus.request_sending(overleg=overleg, user=secretaris)


def test_changing_a_finalised_verslag_makes_it_a_concept_again(met_deelnemers, secretaris):
    overleg = met_deelnemers
    opening = overleg.agendapunten.get(onderwerp="Opening")
    cyclus.save_verslag(overleg=overleg, user=secretaris, per_agendapunt={opening.pk: ("Geopend.", [])})
    cyclus.finalise_verslag(overleg=overleg, user=secretaris)
    assert cyclus.save_verslag(overleg=overleg, user=secretaris, per_agendapunt={opening.pk: ("Anders.", [])})
    overleg.refresh_from_db()
    assert overleg.verslag_vastgesteld_op is None


def test_the_pdf_dates_the_verslag_by_its_vaststelling(met_deelnemers, secretaris):
    from actiepunten import verslag

    overleg = met_deelnemers
    assert "concept, afgedrukt op" in verslag.render_html(overleg)
    overleg.verslag = "<p>Verslag</p>"
    overleg.save()
    cyclus.finalise_verslag(overleg=overleg, user=secretaris)
    overleg.refresh_from_db()
    html = verslag.render_html(overleg)
    assert "concept, afgedrukt op" not in html
    assert "Datum verslag" in html


def test_a_lezer_may_not_finalise_or_send(client, met_deelnemers, lezer):
    client.force_login(lezer)
    assert client.post(reverse("actiepunten:verslag_vaststellen", args=[met_deelnemers.pk])).status_code == 403
    assert client.post(reverse("actiepunten:verslag_versturen", args=[met_deelnemers.pk])).status_code == 403
    assert client.get(reverse("actiepunten:volgend_overleg", args=[met_deelnemers.pk])).status_code == 403


def test_ical_titles_name_the_point_not_its_status_and_are_unique(driehoek, overleg, maak_punt, secretaris, lezer):
    tweede = services.create_overleg(driehoek=driehoek, user=secretaris,
                                     data={"soort": "tactisch", "datum": vandaag() + DAY})
    maak_punt(eigenaar=lezer, onderwerp="Eerste onderwerp")
    maak_punt(eigenaar=lezer, onderwerp="Tweede onderwerp", overleg_=tweede)
    from actiepunten import agenda, selectors

    feed = Calendar.from_ical(agenda.build_calendar(
        gebruiker=lezer, actiepunten=selectors.mijn_actiepunten(lezer), overleggen=selectors.visible_overleggen(lezer)
        .none()))
    titels = [str(e["summary"]) for e in feed.walk("VEVENT")]
    assert len(titels) == 2 and len(set(titels)) == 2
    assert all("gereed" not in t.lower() for t in titels)
    assert any(str(overleg) in t for t in titels) and any(str(tweede) in t for t in titels)


def test_the_driehoek_page_links_to_its_actielijst_and_overleggen(client, driehoek, lezer):
    client.force_login(lezer)
    page = client.get(reverse("samenwerking:driehoek", args=[driehoek.pk])).content.decode()
    assert reverse("actiepunten:actielijst", args=[driehoek.pk]) in page
    assert reverse("actiepunten:overleggen", args=[driehoek.pk]) in page
