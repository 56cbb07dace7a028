"""Who does not get the verslag by e-mail (externals without an address, accounts without one or inactive) is
named before sending, told after it, and recorded with the sending."""

import pytest
from django.urls import reverse

from actiepunten import services
from actiepunten.cyclus import services as cyclus
from actiepunten.models import Verslagverzending
from samenwerking.models import Rol

from ..factories import GebruikerFactory, lid, vandaag


@pytest.fixture
def vastgesteld(overleg, secretaris, coordinator, lezer):
    zonder_adres = GebruikerFactory(username="zonder", first_name="Zoë", last_name="Zonderadres", email="")
    lid(zonder_adres, overleg.driehoek, Rol.LEZER)
    services.update_overleg(overleg=overleg, user=secretaris, data={"soort": "werkgroep", "datum": vandaag(),
                                                                   "verslag": "Verslag"},
                            deelnemers=[services.Deelnemer(gebruiker=coordinator),
                                        services.Deelnemer(naam="Jos Speetjens", organisatie="Nationale Politie"),
                                        services.Deelnemer(gebruiker=zonder_adres),
                                        services.Deelnemer(gebruiker=lezer, aanwezig=False)])
    cyclus.finalise_verslag(overleg=overleg, user=secretaris)
    return overleg, zonder_adres


def test_the_send_step_names_who_will_not_receive_it_before_sending(client, vastgesteld, secretaris):
    overleg, zonder_adres = vastgesteld
    client.force_login(secretaris)
    page = client.get(reverse("actiepunten:overleg", args=[overleg.pk]))
    assert page.context["niet_bereikt"] == [
        "Jos Speetjens (Nationale Politie): van buiten de driehoek, zonder e-mailadres in het systeem",
        f"{zonder_adres}: geen e-mailadres in het systeem"]
    html = page.content.decode()
    assert "2 personen krijgen het verslag niet per e-mail; stuur het zelf:" in html
    assert "Jos Speetjens (Nationale Politie): van buiten de driehoek" in html


def test_after_sending_the_page_says_who_did_not_get_it_and_the_sending_records_it(
        client, django_capture_on_commit_callbacks, vastgesteld, secretaris, coordinator, lezer):
    overleg, zonder_adres = vastgesteld
    lezer.is_active = False
    lezer.save()
    client.force_login(secretaris)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("actiepunten:verslag_versturen", args=[overleg.pk]), follow=True)
    verzending = Verslagverzending.objects.get()
    assert verzending.ontvangers == coordinator.email
    assert verzending.niet_ontvangen.split("\n") == [
        "Jos Speetjens (Nationale Politie): van buiten de driehoek, zonder e-mailadres in het systeem",
        f"{zonder_adres}: geen e-mailadres in het systeem", f"{lezer}: account niet actief"]
    html = response.content.decode()
    assert ("Niet per e-mail verstuurd aan: Jos Speetjens (Nationale Politie): van buiten de driehoek, zonder "
            "e-mailadres in het systeem; ") in html
    assert "niet per e-mail:" in html, "the recorded sending lists them too"
    assert Verslagverzending.history.filter(id=verzending.pk, niet_ontvangen=verzending.niet_ontvangen).exists()


def test_everyone_reached_means_no_warning(client, overleg, secretaris, coordinator):
    services.update_overleg(overleg=overleg, user=secretaris, data={"soort": "werkgroep", "datum": vandaag(),
                                                                   "verslag": "Verslag"},
                            deelnemers=[services.Deelnemer(gebruiker=coordinator)])
    cyclus.finalise_verslag(overleg=overleg, user=secretaris)
    client.force_login(secretaris)
    page = client.get(reverse("actiepunten:overleg", args=[overleg.pk]))
    assert page.context["niet_bereikt"] == []
    assert "krijgen het verslag niet per e-mail" not in page.content.decode()
    assert cyclus.request_sending(overleg=overleg, user=secretaris).niet_ontvangen == ""
