"""Roles above the driehoek (issue 16): a scope membership shows the aggregate of the gemeenten in its scope and
nothing inside a driehoek. The generated permission matrix checks every URL for a landelijk and an eenheid user;
these tests pin the scope itself, its dates, the beheer and the content pages one by one."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from actiepunten import services as actiepunt_services
from arrangementen import services as arrangement_services
from samenwerking import overzichtsrollen, toegang
from samenwerking.models import Auditregel, Overzichtslidmaatschap, Overzichtsniveau, Rol

from ..factories import (
    DriehoekFactory,
    EenheidFactory,
    GebruikerFactory,
    GemeenteFactory,
    VeiligheidsregioFactory,
    lid,
    vandaag,
)

DAY = datetime.timedelta(days=1)


@pytest.fixture
def land(db):
    """Two eenheden; the first with two veiligheidsregio's (two gemeenten, one), the second with one gemeente."""
    noord, zuid = EenheidFactory(code="RE91"), EenheidFactory(code="RE92")
    regio_a, regio_b = VeiligheidsregioFactory(code="VR91", eenheid=noord), VeiligheidsregioFactory(code="VR92",
                                                                                                      eenheid=noord)
    regio_c = VeiligheidsregioFactory(code="VR93", eenheid=zuid)
    gemeenten = {"a1": GemeenteFactory(veiligheidsregio=regio_a), "a2": GemeenteFactory(veiligheidsregio=regio_a),
                 "b1": GemeenteFactory(veiligheidsregio=regio_b), "c1": GemeenteFactory(veiligheidsregio=regio_c)}
    return {"noord": noord, "zuid": zuid, "regio_a": regio_a, "regio_c": regio_c, "gemeenten": gemeenten}


def _names(qs) -> set[str]:
    return {g.officiele_naam for g in qs}


def _gemeenten(land, *keys) -> set[str]:
    return {land["gemeenten"][k].officiele_naam for k in keys}


def test_an_eenheid_user_sees_only_the_gemeenten_of_their_eenheid(land):
    user = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=user, niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"])
    assert _names(toegang.visible_gemeenten(user)) == _gemeenten(land, "a1", "a2", "b1")


def test_a_veiligheidsregio_user_sees_only_the_gemeenten_of_their_regio(land):
    user = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=user, niveau=Overzichtsniveau.VEILIGHEIDSREGIO,
                                    veiligheidsregio=land["regio_a"])
    assert _names(toegang.visible_gemeenten(user)) == _gemeenten(land, "a1", "a2")


def test_a_landelijk_user_sees_every_gemeente_and_scopes_add_up(land):
    landelijk, twee = GebruikerFactory(), GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=landelijk, niveau=Overzichtsniveau.LANDELIJK)
    overzichtsrollen.grant_overview(gebruiker=twee, niveau=Overzichtsniveau.VEILIGHEIDSREGIO,
                                    veiligheidsregio=land["regio_a"])
    overzichtsrollen.grant_overview(gebruiker=twee, niveau=Overzichtsniveau.EENHEID, eenheid=land["zuid"])
    assert _names(toegang.visible_gemeenten(landelijk)) == _gemeenten(land, "a1", "a2", "b1", "c1")
    assert _names(toegang.visible_gemeenten(twee)) == _gemeenten(land, "a1", "a2", "c1")


def test_visible_gemeenten_is_one_query(land, django_assert_num_queries):
    user = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=user, niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"])
    overzichtsrollen.grant_overview(gebruiker=user, niveau=Overzichtsniveau.VEILIGHEIDSREGIO,
                                    veiligheidsregio=land["regio_c"])
    with django_assert_num_queries(1):
        assert len(list(toegang.visible_gemeenten(user))) == 4


def test_driehoek_members_and_anonymous_users_see_no_aggregate(land, client):
    member = GebruikerFactory()
    lid(member, DriehoekFactory(gemeenten=list(land["gemeenten"].values())), Rol.SECRETARIS)
    assert not toegang.visible_gemeenten(member).exists()
    assert not toegang.overview_scopes(member).exists()
    from django.contrib.auth.models import AnonymousUser

    assert not toegang.visible_gemeenten(AnonymousUser()).exists()


def test_an_overview_starts_and_ends_on_its_dates(land, frozen):
    user = GebruikerFactory()
    today = vandaag()
    lidmaatschap = overzichtsrollen.grant_overview(gebruiker=user, niveau=Overzichtsniveau.EENHEID,
                                                   eenheid=land["zuid"], actief_van=today + DAY)
    assert not toegang.visible_gemeenten(user).exists()  # not yet
    frozen(days=1)
    assert _names(toegang.visible_gemeenten(user)) == _gemeenten(land, "c1")
    overzichtsrollen.end_overview(lidmaatschap=lidmaatschap)  # ends today: gone at once
    assert not toegang.visible_gemeenten(user).exists()
    assert list(Auditregel.objects.filter(object_type="samenwerking.overzichtslidmaatschap")
                .values_list("gebeurtenis", flat=True).order_by("id")) == [
        Auditregel.Gebeurtenis.LIDMAATSCHAP_TOEGEKEND, Auditregel.Gebeurtenis.LIDMAATSCHAP_BEEINDIGD]


@pytest.mark.parametrize(("niveau", "velden", "veld", "melding"), [
    (Overzichtsniveau.EENHEID, {}, "eenheid", "Kies de politie-eenheid van dit overzicht."),
    (Overzichtsniveau.VEILIGHEIDSREGIO, {}, "veiligheidsregio", "Kies de veiligheidsregio van dit overzicht."),
    (Overzichtsniveau.LANDELIJK, {"eenheid": "noord"}, "eenheid",
     "Laat de politie-eenheid leeg: die hoort alleen bij niveau politie-eenheid."),
    (Overzichtsniveau.EENHEID, {"eenheid": "noord", "veiligheidsregio": "regio_a"}, "veiligheidsregio",
     "Laat de veiligheidsregio leeg: die hoort alleen bij niveau veiligheidsregio."),
])
def test_a_scope_that_does_not_fit_its_niveau_is_refused_in_dutch(land, niveau, velden, veld, melding):
    with pytest.raises(ValidationError) as refused:
        overzichtsrollen.grant_overview(gebruiker=GebruikerFactory(), niveau=niveau,
                                        **{k: land[v] for k, v in velden.items()})
    assert refused.value.message_dict[veld] == [melding]
    assert not Overzichtslidmaatschap.objects.exists()


def test_the_database_refuses_a_scope_that_does_not_fit_its_niveau(land):
    with pytest.raises(IntegrityError), transaction.atomic():
        Overzichtslidmaatschap.objects.create(gebruiker=GebruikerFactory(), niveau=Overzichtsniveau.LANDELIJK,
                                              eenheid=land["noord"])


# --- nothing inside a driehoek -----------------------------------------------------------------------------

@pytest.fixture
def inhoud(db):
    """A driehoek with an arrangement, an overleg and an actiepunt, made the way the product makes them."""
    driehoek = DriehoekFactory()
    coordinator, secretaris = GebruikerFactory(), GebruikerFactory()
    lid(coordinator, driehoek, Rol.COORDINATOR)
    lid(secretaris, driehoek, Rol.SECRETARIS)
    arrangement = arrangement_services.create_arrangement(driehoek=driehoek, user=coordinator, titel="Geheim")
    overleg = actiepunt_services.create_overleg(driehoek=driehoek, user=secretaris,
                                                data={"soort": "tactisch", "datum": vandaag()})
    actiepunt = actiepunt_services.create_actiepunt(
        driehoek=driehoek, user=secretaris, overleg=overleg,
        data={"onderwerp": "Geheim punt", "extern_naam": "Extern", "datum_gereed": vandaag()})
    return {"driehoek": driehoek, "arrangement": arrangement, "overleg": overleg, "actiepunt": actiepunt}


def _content_urls(inhoud) -> list[str]:
    d, a, o, p = (inhoud[k].pk for k in ("driehoek", "arrangement", "overleg", "actiepunt"))
    return [
        reverse("samenwerking:driehoek", args=[d]), reverse("samenwerking:driehoek_geschiedenis", args=[d]),
        reverse("arrangementen:detail", args=[a]), reverse("arrangementen:geschiedenis", args=[a]),
        reverse("arrangementen:vergelijk", args=[a]), reverse("arrangementen:document_concept", args=[a]),
        reverse("actiepunten:actielijst", args=[d]), reverse("actiepunten:overleggen", args=[d]),
        reverse("actiepunten:evaluaties", args=[d]), reverse("actiepunten:overleg", args=[o]),
        reverse("actiepunten:verslag_pdf", args=[o]), reverse("actiepunten:actiepunt", args=[p]),
        f"/api/v1/driehoeken/{d}/", f"/api/v1/arrangementen/{a}/", f"/api/v1/overleggen/{o}/",
        f"/api/v1/actiepunten/{p}/",
    ]


@pytest.mark.parametrize("niveau", [Overzichtsniveau.LANDELIJK, Overzichtsniveau.EENHEID])
def test_a_scope_user_who_is_no_member_gets_404_on_every_content_page_of_a_driehoek_in_scope(
        inhoud, client, niveau):
    driehoek = inhoud["driehoek"]
    user = GebruikerFactory()
    eenheid = driehoek.gemeenten.get().eenheid if niveau == Overzichtsniveau.EENHEID else None
    overzichtsrollen.grant_overview(gebruiker=user, niveau=niveau, eenheid=eenheid)
    assert set(driehoek.gemeenten.all()) <= set(toegang.visible_gemeenten(user))  # the aggregate: yes
    assert not toegang.visible_driehoeken(user).exists()
    assert toegang.permissions_on(user, driehoek) == set()
    client.force_login(user)
    for url in _content_urls(inhoud):
        assert client.get(url).status_code == 404, url
    assert "Geheim" not in client.get(reverse("arrangementen:lijst")).content.decode()
    assert client.get("/api/v1/arrangementen/").json()["count"] == 0
    assert client.get("/api/v1/actiepunten/").json()["count"] == 0


def test_a_scope_user_who_is_also_a_member_sees_that_driehoek_only(inhoud, client):
    eigen = inhoud["driehoek"]
    andere = DriehoekFactory(eenheid=eigen.eenheid, basisteam=eigen.basisteam)
    lezer = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=lezer, niveau=Overzichtsniveau.LANDELIJK)
    lid(lezer, andere, Rol.LEZER)
    assert list(toegang.visible_driehoeken(lezer)) == [andere]
    client.force_login(lezer)
    assert client.get(reverse("samenwerking:driehoek", args=[andere.pk])).status_code == 200
    for url in _content_urls(inhoud):
        assert client.get(url).status_code == 404, url


# --- beheer -----------------------------------------------------------------------------------------------

@pytest.fixture
def beheerder(db):
    from samenwerking.permissions_setup import ensure_beheer_group

    user = GebruikerFactory(is_staff=True)
    user.groups.add(ensure_beheer_group())
    return user


def test_a_beheerder_grants_an_overview_in_the_beheer_and_it_is_logged(land, client, beheerder):
    user = GebruikerFactory()
    client.force_login(beheerder)
    response = client.post(reverse("admin:samenwerking_overzichtslidmaatschap_add"), {
        "gebruiker": user.pk, "niveau": Overzichtsniveau.VEILIGHEIDSREGIO, "veiligheidsregio": land["regio_c"].pk,
        "actief_van": vandaag().strftime("%d-%m-%Y"), "actief_tot": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _names(toegang.visible_gemeenten(user)) == _gemeenten(land, "c1")
    regel = Auditregel.objects.get(object_type="samenwerking.overzichtslidmaatschap")
    assert regel.gebeurtenis == Auditregel.Gebeurtenis.LIDMAATSCHAP_TOEGEKEND
    assert regel.gebruiker_id == beheerder.pk and regel.details["overzicht"] == str(land["regio_c"])


def test_the_beheer_refuses_an_eenheid_overview_without_eenheid_and_keeps_the_input(land, client, beheerder):
    user = GebruikerFactory()
    client.force_login(beheerder)
    response = client.post(reverse("admin:samenwerking_overzichtslidmaatschap_add"), {
        "gebruiker": user.pk, "niveau": Overzichtsniveau.EENHEID, "actief_van": "03-02-2026", "actief_tot": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kies de politie-eenheid van dit overzicht." in html
    assert 'value="03-02-2026"' in html and 'value="eenheid" selected' in html
    assert not Overzichtslidmaatschap.objects.exists()
