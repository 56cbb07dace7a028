import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from samenwerking import services
from samenwerking.models import Driehoek, Rol

from ..factories import TEST_PASSWORD, DriehoekFactory, GebruikerFactory, GemeenteFactory, lid

WRONG_LOGIN = "De combinatie van gebruikersnaam en wachtwoord is onjuist"


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_wrong_password_gets_a_dutch_message_that_reveals_nothing(db, client):
    GebruikerFactory(username="bestaat")
    existing = client.post(reverse("login"), {"username": "bestaat", "password": "fout"})
    missing = client.post(reverse("login"), {"username": "bestaat-niet", "password": "fout"})
    for response in (existing, missing):
        assert response.status_code == 200
        assert WRONG_LOGIN in response.content.decode()
    # Same message, and the typed username is kept in the form.
    assert 'value="bestaat"' in existing.content.decode()
    assert 'value="bestaat-niet"' in missing.content.decode()


def test_inactive_account_gets_the_same_message(db, client):
    GebruikerFactory(username="uit-dienst", is_active=False)
    response = client.post(reverse("login"), {"username": "uit-dienst", "password": TEST_PASSWORD})
    assert WRONG_LOGIN in response.content.decode()


def test_login_leads_to_the_dashboard(client, driehoek):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.COORDINATOR)
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("samenwerking:dashboard")
    assert driehoek.naam in response.content.decode()


def test_dashboard_requires_login(client):
    response = client.get(reverse("samenwerking:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_dashboard_shows_only_own_driehoeken_with_own_roles(client, driehoek, andere_driehoek):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.REVIEWER)
    lid(user, driehoek, Rol.ONDERTEKENAAR)
    client.force_login(user)
    html = client.get(reverse("samenwerking:dashboard")).content.decode()
    assert driehoek.naam in html
    assert andere_driehoek.naam not in html
    assert "beoordelaar" in html
    assert "ondertekenaar" in html


def test_dashboard_query_count_is_constant_in_driehoeken_and_members(db, client):
    user = GebruikerFactory()
    first = DriehoekFactory()
    lid(user, first, Rol.COORDINATOR)
    client.force_login(user)
    url = reverse("samenwerking:dashboard")
    client.get(url)  # warm the session and content-type caches
    baseline = count_queries(client, url)

    for _ in range(6):
        extra = DriehoekFactory(gemeenten=[GemeenteFactory() for _ in range(3)])
        lid(user, extra, Rol.LEZER)
        lid(user, extra, Rol.SECRETARIS)
        for _ in range(3):
            lid(GebruikerFactory(), extra, Rol.REVIEWER)
    assert count_queries(client, url) == baseline
    # The budget for every list page (issue 7) plus one per block beyond it: the arrangement blocks take four,
    # geweldsmiddelen without an arrangement in force (issue 20) one, the user's overdue actiepunten (issue 18) one.
    assert baseline <= 14


def test_driehoek_page_query_count_is_constant_in_members(client, driehoek):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.SECRETARIS)
    client.force_login(user)
    url = reverse("samenwerking:driehoek", args=[driehoek.pk])
    client.get(url)
    baseline = count_queries(client, url)

    for rol in list(Rol) * 3:
        lid(GebruikerFactory(), driehoek, rol)
    driehoek.gemeenten.add(*[GemeenteFactory() for _ in range(4)])
    assert count_queries(client, url) == baseline
    assert baseline <= 10


def test_driehoek_page_lists_gemeenten_basisteam_and_members_with_roles(client, driehoek, leden):
    client.force_login(leden["lezer"])
    html = client.get(reverse("samenwerking:driehoek", args=[driehoek.pk])).content.decode()
    for gemeente in driehoek.gemeenten.all():
        assert gemeente.weergavenaam in html
    assert driehoek.basisteam.naam in html
    for user in leden.values():
        assert escape(str(user)) in html
    assert "driehoeksecretaris" in html


def test_ended_member_is_no_longer_listed(client, driehoek, leden):
    membership = leden["reviewer"].lidmaatschappen.get()
    services.end_membership(lidmaatschap=membership)
    client.force_login(leden["lezer"])
    html = client.get(reverse("samenwerking:driehoek", args=[driehoek.pk])).content.decode()
    assert escape(str(leden["reviewer"])) not in html


def test_history_page_shows_who_changed_what_from_what_to_what(admin_client, admin_user, client, leden,
                                                                  driehoek):
    old_name = driehoek.naam
    response = admin_client.post(reverse("admin:samenwerking_driehoek_change", args=[driehoek.pk]), {
        "naam": "Driehoek Heuvelrug", "soort": Driehoek.Soort.LOKAAL,
        "gemeenten": [g.pk for g in driehoek.gemeenten.all()],
        "basisteam": driehoek.basisteam.pk, "eenheid": driehoek.eenheid.pk,
        "lidmaatschappen-TOTAL_FORMS": 0, "lidmaatschappen-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    client.force_login(leden["lezer"])
    html = client.get(reverse("samenwerking:driehoek_geschiedenis", args=[driehoek.pk])).content.decode()
    assert "gewijzigd" in html
    assert escape(str(admin_user)) in html
    assert old_name in html and "Driehoek Heuvelrug" in html
    assert "lokale driehoek" in html  # choices shown as their Dutch label
    assert "Lidmaatschap van" in html


def test_history_page_query_count_is_constant(client, driehoek, leden):
    client.force_login(leden["lezer"])
    url = reverse("samenwerking:driehoek_geschiedenis", args=[driehoek.pk])
    client.get(url)
    baseline = count_queries(client, url)
    for membership in [m for u in leden.values() for m in u.lidmaatschappen.all()]:
        services.end_membership(lidmaatschap=membership)
    lid(GebruikerFactory(), driehoek, Rol.LEZER)
    lid(leden["lezer"], driehoek, Rol.LEZER)  # keep access after the endings above
    assert count_queries(client, url) == baseline


@pytest.mark.parametrize("path", ["/driehoeken/999999/", "/driehoeken/999999/geschiedenis/"])
def test_unknown_driehoek_is_404_not_500(db, client, path):
    client.force_login(GebruikerFactory())
    assert client.get(path).status_code == 404


def test_about_page_names_the_cbs_source(client):
    html = client.get(reverse("samenwerking:over")).content.decode()
    assert "Bron: CBS" in html
    assert "onvolledig" in html
