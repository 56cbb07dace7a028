"""The access review: who holds which role in which driehoek, since when; for beheerders, exportable."""

import csv
import datetime
import io

from django.urls import reverse

from samenwerking import services
from samenwerking.models import Rol
from samenwerking.permissions_setup import ensure_beheer_group

from ..factories import DriehoekFactory, GebruikerFactory, lid, vandaag


def make_beheerder():
    user = GebruikerFactory(username="toegang-beheerder", is_staff=True)
    user.groups.add(ensure_beheer_group())
    return user


def test_review_lists_active_roles_with_start_date_and_beheerders(client, db):
    driehoek = DriehoekFactory(naam="Driehoek Oost")
    since = vandaag() - datetime.timedelta(days=40)
    lid(GebruikerFactory(username="actief-lid"), driehoek, Rol.SECRETARIS, actief_van=since)
    ended = lid(GebruikerFactory(username="oud-lid"), driehoek, Rol.LEZER, actief_van=since)
    services.end_membership(lidmaatschap=ended)
    client.force_login(make_beheerder())
    html = client.get(reverse("beveiliging:toegangsoverzicht")).content.decode()
    assert "actief-lid" in html and since.strftime("%d-%m-%Y") in html
    assert "oud-lid" not in html
    assert "toegang-beheerder" in html
    assert "oud-lid" in client.get(reverse("beveiliging:toegangsoverzicht"), {"alle": "1"}).content.decode()


def test_review_exports_csv(client, db):
    driehoek = DriehoekFactory(naam="Driehoek West")
    lid(GebruikerFactory(username="tekenaar"), driehoek, Rol.ONDERTEKENAAR)
    client.force_login(make_beheerder())
    response = client.get(reverse("beveiliging:toegangsoverzicht_export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()), delimiter=";"))
    assert rows[0][:7] == ["gebruiker", "naam", "organisatie", "actief account", "driehoek", "rol", "sinds"]
    tekenaar = next(r for r in rows if r[0] == "tekenaar")
    assert (tekenaar[4], tekenaar[5], tekenaar[6]) == ("Driehoek West", "ondertekenaar", vandaag().isoformat())
    assert any(r[0] == "toegang-beheerder" and r[5] == "functioneel beheerder" for r in rows)


def test_review_query_count_is_constant(client, db, django_assert_max_num_queries):
    client.force_login(make_beheerder())
    driehoek = DriehoekFactory()
    lid(GebruikerFactory(), driehoek, Rol.LEZER)
    client.get(reverse("beveiliging:toegangsoverzicht"))
    for _ in range(10):
        lid(GebruikerFactory(), DriehoekFactory(), Rol.COORDINATOR)
    with django_assert_max_num_queries(6):  # 5, and one for the scope roles (issue 16) listed beside them
        client.get(reverse("beveiliging:toegangsoverzicht"))
