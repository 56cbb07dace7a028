from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from samenwerking import rollen, services
from samenwerking.models import Rol

from ..factories import DriehoekFactory, GebruikerFactory, GemeenteFactory, lid

URL = "/api/v1/driehoeken/"


def test_list_shows_only_own_driehoeken_with_their_details(api, driehoek, andere_driehoek):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.COORDINATOR)
    response = api(user).get(URL)
    assert response.status_code == 200
    assert [d["id"] for d in response.data["results"]] == [driehoek.pk]
    item = response.data["results"][0]
    gemeente = driehoek.gemeenten.get()
    assert item["naam"] == driehoek.naam
    assert item["soort"] == "basisteam"
    assert item["basisteam"] == driehoek.basisteam.naam
    assert item["basisteam_id"] == driehoek.basisteam_id
    assert item["eenheid"] == driehoek.eenheid.code
    assert item["gemeenten"] == [{"cbs_code": gemeente.cbs_code, "naam": gemeente.weergavenaam}]


def test_mijn_rechten_is_the_sorted_union_of_the_users_roles(api, driehoek):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.REVIEWER)
    lid(user, driehoek, Rol.ONDERTEKENAAR)
    item = api(user).get(URL).data["results"][0]
    expected = rollen.permissions_for_roles([Rol.REVIEWER, Rol.ONDERTEKENAAR])
    assert item["mijn_rechten"] == sorted(expected)


def test_mijn_rechten_come_from_memberships_only_not_from_a_group(api, driehoek):
    """Groups grant nothing per driehoek (issue 12): a right must be a dated membership, so it can end."""
    user = GebruikerFactory()
    lid(user, driehoek, Rol.LEZER)
    group = Group.objects.create(name="secretariaat")
    group.user_set.add(user)
    assign_perm(rollen.ADOPT, group, driehoek)
    item = api(user).get(URL).data["results"][0]
    assert item["mijn_rechten"] == sorted({rollen.VIEW})


def test_detail_of_own_driehoek_has_mijn_rechten(api, driehoek):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.SECRETARIS)
    response = api(user).get(f"{URL}{driehoek.pk}/")
    assert response.status_code == 200
    assert response.data["mijn_rechten"] == sorted(rollen.ROLE_PERMISSIONS[Rol.SECRETARIS])


def test_detail_of_another_driehoek_is_404(api, driehoek, andere_driehoek):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.COORDINATOR)
    assert api(user).get(f"{URL}{andere_driehoek.pk}/").status_code == 404


def test_ended_membership_removes_the_driehoek_at_once(api, driehoek):
    user = GebruikerFactory()
    lidmaatschap = lid(user, driehoek, Rol.COORDINATOR)
    services.end_membership(lidmaatschap=lidmaatschap)
    assert api(user).get(URL).data["results"] == []
    assert api(user).get(f"{URL}{driehoek.pk}/").status_code == 404


def _list_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.data["count"]


def _add_driehoeken(user, rows):
    for _ in range(rows):
        driehoek = DriehoekFactory(gemeenten=[GemeenteFactory(), GemeenteFactory()])
        lid(user, driehoek, Rol.COORDINATOR)
        lid(user, driehoek, Rol.REVIEWER)


def test_list_query_count_does_not_grow_with_rows(api, db):
    user = GebruikerFactory()
    client = api(user)
    _add_driehoeken(user, 3)
    few, count = _list_queries(client)
    assert count == 3
    _add_driehoeken(user, 12)
    many, count = _list_queries(client)
    assert count == 15
    assert many == few
