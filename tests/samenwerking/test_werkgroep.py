"""Werkgroepen (issue 18 item 4): a Driehoek of soort werkgroep with members from several organisations and
driehoeken, overleggen and actiepunten, no arrangements, and nothing that needs an eenheid or gemeenten."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from actiepunten import services as actiepunt_services
from actiepunten.models import Actiepunt, Overleg
from arrangementen import services as arrangement_services
from arrangementen.models import Arrangement
from samenwerking import rollen, toegang, werkgroepen
from samenwerking.models import Driehoek, DriehoekGebruikerRecht, Organisatie, Rol

from ..factories import (
    DriehoekFactory,
    EenheidFactory,
    GebruikerFactory,
    GemeenteFactory,
    OrganisatieFactory,
    WerkgroepFactory,
    lid,
    vandaag,
)


@pytest.fixture
def werkgroep(db):
    return WerkgroepFactory(naam="BOA-Platform Samenwerking")


@pytest.fixture
def leden(werkgroep):
    """A secretaris from the CCV, a coördinator from the politie and a lezer from the VNG."""
    ccv = OrganisatieFactory(naam="Het CCV", soort=Organisatie.Soort.OVERIG)
    politie = OrganisatieFactory(naam="Nationale Politie", soort=Organisatie.Soort.POLITIE)
    vng = OrganisatieFactory(naam="VNG", soort=Organisatie.Soort.OVERIG)
    users = {
        "secretaris": GebruikerFactory(first_name="Sten", last_name="Meijer", functie="Adviseur", organisatie=ccv),
        "coordinator": GebruikerFactory(first_name="Jos", last_name="Speetjens", functie="Programmaleider",
                                        organisatie=politie),
        "lezer": GebruikerFactory(first_name="Martine", last_name="Meijers", functie="Beleidsadviseur",
                                  organisatie=vng),
    }
    for rol, user in users.items():
        lid(user, werkgroep, rol)
    return users


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# --- model rules -------------------------------------------------------------------------------------------

def test_a_werkgroep_needs_no_eenheid_basisteam_or_gemeenten(werkgroep):
    werkgroep.full_clean()
    werkgroep.refresh_from_db()
    assert (werkgroep.eenheid, werkgroep.basisteam, werkgroep.gemeenten.count()) == (None, None, 0)
    assert werkgroep.titel == "Werkgroep BOA-Platform Samenwerking"


def test_a_werkgroep_with_an_eenheid_or_basisteam_is_refused_on_those_fields(werkgroep):
    driehoek = DriehoekFactory()
    werkgroep.eenheid, werkgroep.basisteam = driehoek.eenheid, driehoek.basisteam
    with pytest.raises(ValidationError) as error:
        werkgroep.full_clean()
    assert "Een werkgroep hoort niet bij een politie-eenheid" in error.value.message_dict["eenheid"][0]
    assert "Een werkgroep hoort niet bij een basisteam" in error.value.message_dict["basisteam"][0]


def test_a_driehoek_without_eenheid_is_refused_in_dutch_and_by_the_database(db):
    driehoek = Driehoek(naam="Lokale driehoek zonder eenheid", soort=Driehoek.Soort.LOKAAL)
    with pytest.raises(ValidationError) as error:
        driehoek.full_clean()
    assert error.value.message_dict["eenheid"] == ["Kies de politie-eenheid van deze driehoek."]
    with pytest.raises(IntegrityError), transaction.atomic():
        driehoek.save()


@pytest.mark.parametrize("rol", [Rol.REVIEWER, Rol.ONDERTEKENAAR, Rol.PRIVACYADVISEUR])
def test_a_werkgroep_refuses_the_arrangement_roles_on_the_rol_field(werkgroep, rol):
    user = GebruikerFactory()
    with pytest.raises(ValidationError) as error:
        lid(user, werkgroep, rol)
    assert "Een werkgroep heeft geen arrangementen" in error.value.message_dict["rol"][0]
    assert not user.lidmaatschappen.exists()
    assert not DriehoekGebruikerRecht.objects.filter(user=user).exists()


def test_werkgroep_members_get_overleg_and_actiepunt_rights_and_no_arrangement_right(werkgroep, leden):
    assert toegang.permissions_on(leden["secretaris"], werkgroep) == {
        rollen.VIEW, rollen.MANAGE_OVERLEG, rollen.MANAGE_ACTIEPUNTEN}
    assert toegang.permissions_on(leden["coordinator"], werkgroep) == {rollen.VIEW, rollen.MANAGE_ACTIEPUNTEN}
    assert toegang.permissions_on(leden["lezer"], werkgroep) == {rollen.VIEW}
    # The same coördinator drafts in a driehoek: the werkgroep is not offered, the driehoek is.
    driehoek = DriehoekFactory()
    lid(leden["coordinator"], driehoek, Rol.COORDINATOR)
    drafting = toegang.visible_driehoeken(leden["coordinator"], permission=toegang.DRAFT)
    assert list(drafting) == [driehoek]


# --- no arrangements ---------------------------------------------------------------------------------------

def test_the_arrangement_service_refuses_a_werkgroep_even_with_a_stray_draft_right(werkgroep, leden):
    # A permission row written past the services (an old import, a hand edit) must still not open the door.
    user = leden["coordinator"]
    DriehoekGebruikerRecht.objects.create(
        user=user, content_object=werkgroep, permission=toegang_permission(rollen.DRAFT))
    with pytest.raises(ValidationError) as error:
        arrangement_services.create_arrangement(driehoek=werkgroep, user=user, titel="Arrangement")
    assert "is een werkgroep" in error.value.message_dict["driehoek"][0]
    assert not Arrangement.objects.exists()


def toegang_permission(codename):
    return Permission.objects.get(codename=codename, content_type__model="driehoek")


def test_the_new_arrangement_page_offers_no_werkgroep(client, werkgroep, leden):
    driehoek = DriehoekFactory(naam="Lokale driehoek Soest")
    lid(leden["coordinator"], driehoek, Rol.COORDINATOR)
    client.force_login(leden["coordinator"])
    response = client.get(reverse("arrangementen:nieuw"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["driehoek"].queryset) == [driehoek]


def test_a_werkgroep_member_without_a_driehoek_cannot_start_an_arrangement(client, werkgroep, leden):
    client.force_login(leden["coordinator"])
    assert client.get(reverse("arrangementen:nieuw")).status_code == 403


def test_the_overleggen_page_of_a_werkgroep_offers_no_evaluation_of_arrangements(client, werkgroep, leden):
    client.force_login(leden["secretaris"])
    html = client.get(reverse("actiepunten:overleggen", args=[werkgroep.pk])).content.decode()
    assert reverse("actiepunten:overleg_nieuw", args=[werkgroep.pk]) in html
    assert reverse("actiepunten:evaluaties", args=[werkgroep.pk]) not in html


def test_the_history_of_a_werkgroep_names_it_a_werkgroep(client, werkgroep, leden):
    client.force_login(leden["lezer"])
    html = client.get(reverse("samenwerking:driehoek_geschiedenis", args=[werkgroep.pk])).content.decode()
    assert escape("Werkgroep “BOA-Platform Samenwerking”") in html
    assert "Driehoek “" not in html


def test_the_overviews_soort_filter_and_the_registers_driehoeken_leave_werkgroepen_out(client, werkgroep, leden):
    assert Driehoek.Soort.WERKGROEP not in dict(werkgroepen.soorten_with_arrangements())
    driehoek = DriehoekFactory(naam="Basisteamdriehoek Eem")
    lid(leden["lezer"], driehoek, Rol.LEZER)
    client.force_login(leden["lezer"])
    response = client.get(reverse("gegevensdeling:register"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["driehoek"].queryset) == [driehoek]


# --- the werkgroep's page ----------------------------------------------------------------------------------

def test_the_werkgroep_page_shows_members_per_organisation_and_no_arrangement_sections(client, werkgroep, leden):
    client.force_login(leden["lezer"])
    response = client.get(reverse("samenwerking:driehoek", args=[werkgroep.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Werkgroep BOA-Platform Samenwerking" in html
    assert escape(werkgroep.omschrijving) in html
    groepen = [(str(g.organisatie), [str(lid["gebruiker"]) for lid in g.leden]) for g in response.context["groepen"]]
    assert groepen == [("Het CCV", ["Sten Meijer"]), ("Nationale Politie", ["Jos Speetjens"]),
                       ("VNG", ["Martine Meijers"])]
    for tekst in ("Programmaleider", "driehoeksecretaris", "BOA-coördinator", "lezer",
                  reverse("actiepunten:actielijst", args=[werkgroep.pk]),
                  reverse("actiepunten:overleggen", args=[werkgroep.pk])):
        assert tekst in html
    for tekst in ("Gemeenten", "Politie-eenheid", "Gegevensdeling", "Overleg plannen"):
        assert tekst not in html  # the lezer may not plan an overleg


def test_the_werkgroep_secretaris_is_offered_to_plan_an_overleg_of_soort_werkgroep(client, werkgroep, leden):
    client.force_login(leden["secretaris"])
    html = client.get(reverse("samenwerking:driehoek", args=[werkgroep.pk])).content.decode()
    assert reverse("actiepunten:overleg_nieuw", args=[werkgroep.pk]) in html
    response = client.get(reverse("actiepunten:overleg_nieuw", args=[werkgroep.pk]))
    assert response.status_code == 200
    assert response.context["form"]["soort"].value() == Overleg.Soort.WERKGROEP


def test_the_werkgroep_page_reads_a_fixed_number_of_queries(client, werkgroep, leden):
    client.force_login(leden["secretaris"])
    url = reverse("samenwerking:driehoek", args=[werkgroep.pk])
    client.get(url)
    baseline = count_queries(client, url)
    for n in range(12):
        lid(GebruikerFactory(organisatie=OrganisatieFactory(naam=f"Organisatie extra {n}")), werkgroep,
            [Rol.LEZER, Rol.COORDINATOR, Rol.SECRETARIS][n % 3])
    assert count_queries(client, url) == baseline
    assert baseline <= 10


def test_a_non_member_gets_404_also_when_sharing_a_driehoek_with_a_member(client, werkgroep, leden):
    driehoek = DriehoekFactory()
    lid(leden["lezer"], driehoek, Rol.LEZER)
    buur = GebruikerFactory()
    lid(buur, driehoek, Rol.REVIEWER)
    client.force_login(buur)
    assert client.get(reverse("samenwerking:driehoek", args=[werkgroep.pk])).status_code == 404
    assert client.get(reverse("actiepunten:actielijst", args=[werkgroep.pk])).status_code == 404


def test_the_dashboard_shows_a_werkgroep_as_such(client, werkgroep, leden):
    driehoek = DriehoekFactory(naam="Basisteamdriehoek Eem", gemeenten=[GemeenteFactory(weergavenaam="Baarn")])
    lid(leden["secretaris"], driehoek, Rol.SECRETARIS)
    client.force_login(leden["secretaris"])
    html = client.get(reverse("samenwerking:dashboard")).content.decode()
    assert "Werkgroep BOA-Platform Samenwerking" in html
    assert "Basisteamdriehoek Eem" in html and "Baarn" in html


# --- an overleg with actiepunten, as in any driehoek ---------------------------------------------------------

def test_an_actiepunt_for_a_member_of_another_organisation_reaches_their_list(client, werkgroep, leden):
    overleg = actiepunt_services.create_overleg(
        driehoek=werkgroep, user=leden["secretaris"],
        data={"soort": Overleg.Soort.WERKGROEP, "datum": vandaag()})
    punt = actiepunt_services.create_actiepunt(
        driehoek=werkgroep, user=leden["secretaris"], overleg=overleg,
        data={"onderwerp": "In gesprek met 167 basisteams", "eigenaar": leden["lezer"], "datum_gereed": vandaag()})
    client.force_login(leden["lezer"])
    html = client.get(reverse("actiepunten:mijn")).content.decode()
    assert "In gesprek met 167 basisteams" in html
    assert client.get(reverse("actiepunten:actiepunt", args=[punt.pk])).status_code == 200
    assert Actiepunt.objects.get(pk=punt.pk).driehoek == werkgroep


# --- nothing crashes without eenheid or gemeenten ------------------------------------------------------------

def test_every_page_of_a_werkgroep_member_answers(client, werkgroep, leden):
    actiepunt_services.create_overleg(driehoek=werkgroep, user=leden["secretaris"],
                                      data={"soort": Overleg.Soort.WERKGROEP, "datum": vandaag()})
    client.force_login(leden["secretaris"])
    for url in [reverse("samenwerking:dashboard"), reverse("samenwerking:driehoek_geschiedenis", args=[werkgroep.pk]),
                reverse("actiepunten:actielijst", args=[werkgroep.pk]),
                reverse("actiepunten:overleggen", args=[werkgroep.pk]),
                reverse("actiepunten:evaluaties", args=[werkgroep.pk]),
                reverse("actiepunten:mijn"), reverse("arrangementen:lijst"), reverse("arrangementen:te_beoordelen"),
                reverse("gegevensdeling:register")]:
        assert client.get(url).status_code == 200, url
    response = client.get(reverse("api:driehoek-detail", args=[werkgroep.pk]))
    assert response.status_code == 200
    assert (response.json()["eenheid"], response.json()["gemeenten"], response.json()["soort"]) == (
        None, [], "werkgroep")
    assert [d["naam"] for d in client.get(reverse("api:driehoek-list")).json()["results"]] == [werkgroep.naam]


def test_the_beheer_pages_and_access_review_show_a_werkgroep(admin_client, werkgroep, leden):
    for url in [reverse("admin:samenwerking_driehoek_changelist"),
                reverse("admin:samenwerking_driehoek_change", args=[werkgroep.pk]),
                reverse("admin:samenwerking_lidmaatschap_changelist"),
                reverse("beveiliging:toegangsoverzicht"), reverse("beveiliging:toegangsoverzicht_export")]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert werkgroep.naam in body.decode(), url


# --- beheer ------------------------------------------------------------------------------------------------

def _driehoek_post(**values):
    data = {"naam": "Werkgroep Informatiedeling", "soort": "werkgroep", "omschrijving": "Open bronnen",
            "gemeenten": [], "basisteam": "", "eenheid": "",
            "lidmaatschappen-TOTAL_FORMS": "0", "lidmaatschappen-INITIAL_FORMS": "0",
            "lidmaatschappen-MIN_NUM_FORMS": "0", "lidmaatschappen-MAX_NUM_FORMS": "1000"}
    data.update(values)
    return data


def test_a_beheerder_creates_a_werkgroep_without_eenheid_or_gemeenten(admin_client, db):
    response = admin_client.post(reverse("admin:samenwerking_driehoek_add"), _driehoek_post())
    assert response.status_code == 302, response.context["adminform"].form.errors
    werkgroep = Driehoek.objects.get(naam="Werkgroep Informatiedeling")
    assert (werkgroep.soort, werkgroep.eenheid, werkgroep.omschrijving) == ("werkgroep", None, "Open bronnen")


def test_the_beheer_form_refuses_gemeenten_on_a_werkgroep_and_keeps_the_input(admin_client, db):
    gemeente = GemeenteFactory()
    response = admin_client.post(reverse("admin:samenwerking_driehoek_add"),
                                 _driehoek_post(gemeenten=[gemeente.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["gemeenten"] == ["Een werkgroep heeft geen gemeenten. Laat dit veld leeg."]
    assert form["omschrijving"].value() == "Open bronnen"
    assert not Driehoek.objects.filter(naam="Werkgroep Informatiedeling").exists()


def test_the_beheer_form_asks_a_driehoek_for_gemeenten_and_an_eenheid(admin_client, db):
    response = admin_client.post(reverse("admin:samenwerking_driehoek_add"),
                                 _driehoek_post(naam="Lokale driehoek", soort="lokaal"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["gemeenten"] == ["Kies ten minste één gemeente van deze driehoek."]
    assert errors["eenheid"] == ["Kies de politie-eenheid van deze driehoek."]
    eenheid = EenheidFactory()
    response = admin_client.post(reverse("admin:samenwerking_driehoek_add"), _driehoek_post(
        naam="Lokale driehoek", soort="lokaal", eenheid=eenheid.pk, gemeenten=[GemeenteFactory().pk]))
    assert response.status_code == 302
    assert Driehoek.objects.get(naam="Lokale driehoek").eenheid == eenheid


def test_the_beheer_form_refuses_turning_a_driehoek_into_a_werkgroep(admin_client, db):
    driehoek = DriehoekFactory()
    response = admin_client.post(reverse("admin:samenwerking_driehoek_change", args=[driehoek.pk]), _driehoek_post(
        naam=driehoek.naam, gemeenten=[g.pk for g in driehoek.gemeenten.all()]))
    assert response.status_code == 200
    assert "Een driehoek wordt geen werkgroep" in response.context["adminform"].form.errors["soort"][0]
    driehoek.refresh_from_db()
    assert driehoek.soort == Driehoek.Soort.BASISTEAM


def test_the_beheer_membership_form_refuses_a_reviewer_in_a_werkgroep(admin_client, werkgroep):
    user = GebruikerFactory()
    response = admin_client.post(reverse("admin:samenwerking_lidmaatschap_add"), {
        "gebruiker": user.pk, "driehoek": werkgroep.pk, "rol": Rol.REVIEWER,
        "actief_van": vandaag().isoformat(), "actief_tot": ""})
    assert response.status_code == 200
    assert "Een werkgroep heeft geen arrangementen" in response.context["adminform"].form.errors["rol"][0]
    assert not user.lidmaatschappen.exists()


def test_the_beheer_add_form_starts_with_the_default_approving_parties_ticked(admin_client, db):
    form = admin_client.get(reverse("admin:samenwerking_driehoek_add")).context["adminform"].form
    assert set(form["goedkeurende_soorten"].value()) == {"politie", "om", "gemeente"}
