"""Scope roles (issue 16) are access too, so they are shown where access is administered: the access review
(/beveiliging/toegang/, page and CSV) and a user's beheer page list them beside the driehoek memberships."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from samenwerking import overzichtsrollen
from samenwerking.models import Overzichtsniveau, Rol
from samenwerking.permissions_setup import ensure_beheer_group

from ..factories import DriehoekFactory, EenheidFactory, GebruikerFactory, lid, vandaag

DAY = datetime.timedelta(days=1)


@pytest.fixture
def beheerder(db, client):
    user = GebruikerFactory(username="toegang-beheerder", is_staff=True)
    user.groups.add(ensure_beheer_group())
    client.force_login(user)
    return user


@pytest.fixture
def rollen(db):
    eenheid = EenheidFactory(code="RE91", naam="Midden")
    erik = GebruikerFactory(username="erik", first_name="Erik", last_name="Eenheid")
    since = vandaag() - 40 * DAY
    actief = overzichtsrollen.grant_overview(gebruiker=erik, niveau=Overzichtsniveau.EENHEID, eenheid=eenheid,
                                             actief_van=since)
    lotte = GebruikerFactory(username="lotte")
    ended = overzichtsrollen.grant_overview(gebruiker=lotte, niveau=Overzichtsniveau.LANDELIJK, actief_van=since)
    overzichtsrollen.end_overview(lidmaatschap=ended, per=vandaag() - DAY)
    lid(erik, DriehoekFactory(naam="Driehoek Oost"), Rol.LEZER)
    return {"eenheid": eenheid, "erik": erik, "lotte": lotte, "actief": actief, "since": since}


def _overzichtsrollen(page: str) -> list[list[str]]:
    body = page.split('id="tabel-overzichtsrollen"', 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody", 1)[1], re.S)]


def test_the_access_review_lists_active_scope_roles_beside_the_memberships(rollen, beheerder, client):
    page = client.get(reverse("beveiliging:toegangsoverzicht")).content.decode()
    assert "Driehoek Oost" in page  # the driehoek membership stays listed
    eenheid = str(rollen["eenheid"])
    assert _overzichtsrollen(page) == [[eenheid, "Erik Eenheid (erik)", "–", "politie-eenheid",
                                        rollen["since"].strftime("%d-%m-%Y"), "–", "ja"]]


def test_the_access_review_of_all_periods_lists_ended_scope_roles_too(rollen, beheerder, client):
    page = client.get(reverse("beveiliging:toegangsoverzicht"), {"alle": "1"}).content.decode()
    rows = _overzichtsrollen(page)
    assert [row[0] for row in rows] == [str(rollen["eenheid"]), "heel Nederland"]  # erik, lotte
    assert rows[1][5] == (vandaag() - DAY).strftime("%d-%m-%Y")


def test_without_scope_roles_the_review_says_so(beheerder, client):
    page = client.get(reverse("beveiliging:toegangsoverzicht")).content.decode()
    assert _overzichtsrollen(page) == [["Geen overzichtsrollen."]]


def test_the_access_review_csv_has_the_scope_roles(rollen, beheerder, client):
    response = client.get(reverse("beveiliging:toegangsoverzicht_export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()), delimiter=";"))
    erik = [row for row in rows if row[0] == "erik"]
    assert [row[4:8] for row in erik] == [["Driehoek Oost", "lezer", vandaag().isoformat(), ""],
                                          ["", f"overzichtsrol: {rollen['eenheid']}", rollen["since"].isoformat(), ""]]
    assert not [row for row in rows if row[0] == "lotte"]  # ended


def test_the_access_review_reads_scope_roles_in_one_query(rollen, beheerder, client, django_assert_max_num_queries):
    client.get(reverse("beveiliging:toegangsoverzicht"))
    for index in range(10):
        overzichtsrollen.grant_overview(gebruiker=GebruikerFactory(), niveau=Overzichtsniveau.EENHEID,
                                        eenheid=EenheidFactory(code=f"RE{50 + index}"))
    with django_assert_max_num_queries(6):  # the memberships' budget (5) and one for the scope roles
        page = client.get(reverse("beveiliging:toegangsoverzicht")).content.decode()
    assert len(_overzichtsrollen(page)) == 11


def test_a_users_beheer_page_lists_their_scope_roles_with_period_and_links(rollen, beheerder, client):
    page = client.get(reverse("admin:samenwerking_gebruiker_change", args=[rollen["erik"].pk])).content.decode()
    change = reverse("admin:samenwerking_overzichtslidmaatschap_change", args=[rollen["actief"].pk])
    assert (f'<a href="{change}">{rollen["eenheid"]} (politie-eenheid), {rollen["since"]:%d-%m-%Y} – '
            f"onbepaald</a><br>") in page
    add = reverse("admin:samenwerking_overzichtslidmaatschap_add") + f"?gebruiker={rollen['erik'].pk}"
    assert f'<a href="{add}">Overzichtsrol toevoegen</a>' in page
    assert "Driehoek Oost" in page  # the driehoek memberships below
    lotte = client.get(reverse("admin:samenwerking_gebruiker_change", args=[rollen["lotte"].pk])).content.decode()
    assert f"heel Nederland (heel Nederland), {rollen['since']:%d-%m-%Y} – {vandaag() - DAY:%d-%m-%Y}" in lotte


def test_a_user_without_scope_roles_gets_the_link_to_add_one(beheerder, client):
    nina = GebruikerFactory(username="nina")
    page = client.get(reverse("admin:samenwerking_gebruiker_change", args=[nina.pk])).content.decode()
    assert "Geen. <a href=" in page and "Overzichtsrol toevoegen</a>" in page
