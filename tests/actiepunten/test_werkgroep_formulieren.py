"""The overleg and actiepunt forms of a werkgroep name the werkgroep, not "de driehoek", and offer no arrangement
to link (a werkgroep has none); a driehoek's forms are unchanged."""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from actiepunten import services as actiepunt_services
from actiepunten.models import Actiepunt, Overleg
from samenwerking.models import Rol

from ..factories import DriehoekFactory, GebruikerFactory, WerkgroepFactory, lid, vandaag


@pytest.fixture
def secretaris(db):
    return GebruikerFactory(first_name="Sten", last_name="Meijer")


@pytest.fixture
def werkgroep(secretaris):
    groep = WerkgroepFactory(naam="BOA-Platform Samenwerking")
    lid(secretaris, groep, Rol.SECRETARIS)
    return groep


def test_the_overleg_form_of_a_werkgroep_names_the_werkgroep(client, werkgroep, secretaris):
    client.force_login(secretaris)
    html = client.get(reverse("actiepunten:overleg_nieuw", args=[werkgroep.pk])).content.decode()
    assert "Deelnemers uit de werkgroep" in html
    assert "Voorzitter van buiten de werkgroep" in html
    text = strip_tags(html.split("<main", 1)[1].split("</form>", 1)[0]).lower()
    assert "de driehoek" not in text  # the soort "driehoeksoverleg" stays a choice


def test_the_actiepunt_form_of_a_werkgroep_offers_no_arrangement_and_names_the_werkgroep(client, werkgroep, secretaris):
    client.force_login(secretaris)
    response = client.get(reverse("actiepunten:actiepunt_nieuw", args=[werkgroep.pk]))
    assert "arrangement" not in response.context["form"].fields
    assert "afspraak" not in response.context["form"].fields
    form_html = response.content.decode().split("<main", 1)[1].split("</form>", 1)[0]
    assert "Mede-eigenaren uit de werkgroep" in form_html
    assert "de driehoek" not in strip_tags(form_html).lower()


def test_an_actiepunt_of_a_werkgroep_is_saved_and_edited_through_the_form_without_arrangement(
        client, werkgroep, secretaris):
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:actiepunt_nieuw", args=[werkgroep.pk]), {
        "onderwerp": "Notitie 'Niet naast elkaar' verspreiden", "eigenaar": secretaris.pk,
        "datum_gereed": "2027-01-15", "arrangement": "1", "afspraak": "1"})
    assert response.status_code == 302
    punt = Actiepunt.objects.get(driehoek=werkgroep)
    assert punt.arrangement_id is None and punt.afspraak_id is None
    response = client.post(reverse("actiepunten:actiepunt_bewerken", args=[punt.pk]), {
        "onderwerp": "Notitie verspreiden onder de basisteams", "eigenaar": secretaris.pk,
        "datum_gereed": "2027-02-01", "toelichting": "Via de eenheden."})
    assert response.status_code == 302
    punt.refresh_from_db()
    assert punt.onderwerp == "Notitie verspreiden onder de basisteams"
    assert punt.toelichting == "Via de eenheden."


def test_a_driehoeks_forms_still_name_the_driehoek_and_offer_arrangements(client, db):
    driehoek = DriehoekFactory()
    secretaris = GebruikerFactory()
    lid(secretaris, driehoek, Rol.SECRETARIS)
    client.force_login(secretaris)
    assert "Deelnemers uit de driehoek" in client.get(
        reverse("actiepunten:overleg_nieuw", args=[driehoek.pk])).content.decode()
    response = client.get(reverse("actiepunten:actiepunt_nieuw", args=[driehoek.pk]))
    assert {"arrangement", "afspraak"} <= set(response.context["form"].fields)
    assert "Mede-eigenaren uit de driehoek" in response.content.decode()


def test_the_next_overleg_of_a_werkgroep_names_the_werkgroep(client, werkgroep, secretaris):
    overleg = actiepunt_services.create_overleg(
        driehoek=werkgroep, user=secretaris, data={"soort": Overleg.Soort.WERKGROEP, "datum": vandaag()})
    client.force_login(secretaris)
    html = client.get(reverse("actiepunten:volgend_overleg", args=[overleg.pk])).content.decode()
    assert "Deelnemers uit de werkgroep" in html
    assert "Deelnemers uit de driehoek" not in html


def test_the_overleg_page_of_a_werkgroep_says_werkgroep_once(client, werkgroep, secretaris):
    from ..factories import OverlegFactory

    eigen = OverlegFactory(driehoek=werkgroep, soort=Overleg.Soort.WERKGROEP, titel="Platform maart")
    evaluatie = OverlegFactory(driehoek=werkgroep, soort=Overleg.Soort.EVALUATIE, titel="Terugblik")
    client.force_login(secretaris)

    def subtitle(overleg):
        html = client.get(reverse("actiepunten:overleg", args=[overleg.pk])).content.decode()
        return strip_tags(html.split("</h1>", 1)[1].split("</p>", 1)[0]).strip()

    assert subtitle(eigen) == "Werkgroep BOA-Platform Samenwerking"
    assert subtitle(evaluatie) == "Evaluatie · Werkgroep BOA-Platform Samenwerking"


def test_the_overleg_page_of_a_driehoek_names_soort_and_driehoek(client, db):
    from ..factories import OverlegFactory

    driehoek = DriehoekFactory(naam="Driehoek Eemland")
    secretaris = GebruikerFactory()
    lid(secretaris, driehoek, Rol.SECRETARIS)
    overleg = OverlegFactory(driehoek=driehoek, soort=Overleg.Soort.TACTISCH)
    client.force_login(secretaris)
    html = client.get(reverse("actiepunten:overleg", args=[overleg.pk])).content.decode()
    assert strip_tags(html.split("</h1>", 1)[1].split("</p>", 1)[0]).strip() == "Tactisch overleg · Driehoek Eemland"
