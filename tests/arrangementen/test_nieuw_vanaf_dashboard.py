"""'Nieuw arrangement' on the dashboard (issue 17 item 6): the only driehoek where the user may draft is
preselected; with more driehoeken the user chooses; without any the block is not there."""

import re

from django.urls import reverse

from samenwerking.models import Rol

from ..factories import DriehoekFactory, GebruikerFactory, lid
from .helpers import html


def dashboard(client, user) -> str:
    client.force_login(user)
    return html(client.get(reverse("samenwerking:dashboard")))


def selected_driehoek(page: str) -> str:
    select = page[page.index('name="driehoek"'):]
    select = select[:select.index("</select>")]
    chosen = re.search(r'<option value="([^"]*)" selected>', select)
    return chosen.group(1) if chosen else ""


def test_a_coordinator_of_one_driehoek_gets_it_preselected(db, client):
    user, driehoek = GebruikerFactory(), DriehoekFactory(naam="Driehoek Eemland")
    lid(user, driehoek, Rol.COORDINATOR)
    lid(user, DriehoekFactory(naam="Alleen lezen"), Rol.LEZER)
    page = dashboard(client, user)
    link = f'{reverse("arrangementen:nieuw")}?driehoek={driehoek.pk}'
    assert f'href="{link}"' in page
    assert "Stel een nieuw handhavingsarrangement op voor Driehoek Eemland." in page
    assert selected_driehoek(html(client.get(link))) == str(driehoek.pk)
    assert selected_driehoek(html(client.get(reverse("arrangementen:nieuw")))) == str(driehoek.pk)


def test_a_coordinator_of_two_driehoeken_chooses(db, client):
    user, eerste, tweede = GebruikerFactory(), DriehoekFactory(), DriehoekFactory()
    lid(user, eerste, Rol.COORDINATOR)
    lid(user, tweede, Rol.COORDINATOR)
    page = dashboard(client, user)
    assert f'href="{reverse("arrangementen:nieuw")}"' in page and "?driehoek=" not in page
    assert selected_driehoek(html(client.get(reverse("arrangementen:nieuw")))) == ""
    chosen = f'{reverse("arrangementen:nieuw")}?driehoek={tweede.pk}'
    assert selected_driehoek(html(client.get(chosen))) == str(tweede.pk)


def test_a_reader_sees_no_new_arrangement_block(db, client):
    user = GebruikerFactory()
    lid(user, DriehoekFactory(), Rol.LEZER)
    page = dashboard(client, user)
    assert 'id="blok-nieuw"' not in page and reverse("arrangementen:nieuw") not in page
