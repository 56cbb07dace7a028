"""The access module's rules (samenwerking.toegang): one require() for 404/403, permissions as of today, and no
access decision anywhere else."""

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actiepunten import selectors as actiepunt_selectors
from actiepunten import services as actiepunt_services
from actiepunten.models import Actiepunt, Overleg
from arrangementen import selectors as arrangement_selectors
from arrangementen.models import Arrangement
from samenwerking import selectors, toegang
from samenwerking.models import Driehoek, Rol
from samenwerking.rollen import ROLE_PERMISSIONS

from ..factories import ActiepuntFactory, ArrangementFactory, GebruikerFactory, OverlegFactory, lid, vandaag

ROOT = Path(__file__).resolve().parents[2]
APPS = ("samenwerking", "arrangementen", "actiepunten", "config")


# --- require ----------------------------------------------------------------------------------------------

def test_require_answers_404_naming_the_object_when_the_lookup_found_nothing(db):
    with pytest.raises(toegang.NietZichtbaar) as refused:
        toegang.require(GebruikerFactory(), None, permission=toegang.VIEW, model=Arrangement, pk=7,
                        missing="Weg.")
    assert (refused.value.model, refused.value.pk, str(refused.value)) == (Arrangement, 7, "Weg.")


def test_require_answers_403_with_the_object_for_a_forbidden_action(driehoek):
    lezer = GebruikerFactory()
    lid(lezer, driehoek, Rol.LEZER)
    with pytest.raises(toegang.Geweigerd) as refused:
        toegang.require(lezer, driehoek, permission=toegang.DRAFT)
    assert refused.value.obj == driehoek
    assert str(refused.value) == "U heeft in deze driehoek geen recht op deze handeling."


def test_require_lets_any_one_of_several_permissions_pass_and_returns_the_object(driehoek):
    reviewer = GebruikerFactory()
    lid(reviewer, driehoek, Rol.REVIEWER)
    assert toegang.require(reviewer, driehoek, permission={toegang.DRAFT, toegang.REVIEW}) is driehoek
    with pytest.raises(toegang.Geweigerd):
        toegang.require(reviewer, driehoek, permission={toegang.DRAFT, toegang.ADOPT})


@pytest.fixture
def objecten(driehoek):
    overleg = OverlegFactory(driehoek=driehoek)
    return {
        "driehoek": (lambda user, pk, permission: selectors.get_driehoek(user, pk, permission=permission),
                     driehoek.pk, Driehoek),
        "arrangement": (lambda user, pk, permission: arrangement_selectors.get_arrangement(user, pk,
                                                                                            permission=permission),
                        ArrangementFactory(driehoek=driehoek).pk, Arrangement),
        "overleg": (lambda user, pk, permission: actiepunt_selectors.get_overleg(user, pk, permission=permission),
                    overleg.pk, Overleg),
        "actiepunt": (lambda user, pk, permission: actiepunt_selectors.get_actiepunt(user, pk,
                                                                                      permission=permission),
                      ActiepuntFactory(overleg=overleg).pk, Actiepunt),
    }


@pytest.mark.parametrize("soort", ["driehoek", "arrangement", "overleg", "actiepunt"])
def test_every_lookup_answers_404_for_another_driehoek_and_403_for_a_forbidden_action(objecten, andere_driehoek,
                                                                                     driehoek, soort):
    lookup, pk, model = objecten[soort]
    vreemde, lezer = GebruikerFactory(), GebruikerFactory()
    lid(vreemde, andere_driehoek, Rol.SECRETARIS)
    lid(lezer, driehoek, Rol.LEZER)
    with pytest.raises(toegang.NietZichtbaar) as hidden:
        lookup(vreemde, pk, toegang.MANAGE_ACTIEPUNTEN)
    assert (hidden.value.model, hidden.value.pk) == (model, pk)
    with pytest.raises(toegang.Geweigerd):
        lookup(lezer, pk, toegang.MANAGE_ACTIEPUNTEN)
    assert lookup(lezer, pk, None).pk == pk


# --- permissions as of today -------------------------------------------------------------------------------

def test_permissions_on_and_on_many_agree(driehoek, andere_driehoek):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.SECRETARIS)
    lid(user, andere_driehoek, Rol.REVIEWER)
    many = toegang.permissions_on_many(user, [driehoek, andere_driehoek])
    assert many == {driehoek.pk: set(ROLE_PERMISSIONS[Rol.SECRETARIS]),
                    andere_driehoek.pk: set(ROLE_PERMISSIONS[Rol.REVIEWER])}
    assert toegang.permissions_on(user, driehoek) == many[driehoek.pk]


def test_a_second_period_after_a_gap_grants_again_on_its_first_day_only(driehoek, frozen):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.COORDINATOR, actief_tot=vandaag() + datetime.timedelta(days=2))
    lid(user, driehoek, Rol.COORDINATOR, actief_van=vandaag() + datetime.timedelta(days=5))
    seen = {}
    for day in (0, 2, 4, 5, 30):
        frozen(days=day)
        seen[day] = toegang.may(user, driehoek, toegang.DRAFT)
    assert seen == {0: True, 2: False, 4: False, 5: True, 30: True}


def test_active_members_are_who_holds_the_permission_today(driehoek):
    coordinator, secretaris, lezer = GebruikerFactory(), GebruikerFactory(), GebruikerFactory()
    lid(coordinator, driehoek, Rol.COORDINATOR)
    lid(secretaris, driehoek, Rol.SECRETARIS)
    lid(lezer, driehoek, Rol.LEZER)
    assert set(toegang.active_members(driehoek)) == {coordinator, secretaris, lezer}
    assert set(toegang.active_members(driehoek, permission=toegang.ADOPT)) == {secretaris}
    assert set(toegang.active_members(driehoek, permission={toegang.DRAFT, toegang.ADOPT})) == {coordinator,
                                                                                                  secretaris}


# --- the frozen clock: form choices, service checks and page access agree -----------------------------------

@pytest.fixture
def wisselingen(driehoek):
    """Members whose membership starts or ends today or tomorrow, and a secretaris who assigns actiepunten."""
    today = vandaag()
    tomorrow, long_ago = today + datetime.timedelta(days=1), today - datetime.timedelta(days=10)
    secretaris = GebruikerFactory()
    lid(secretaris, driehoek, Rol.SECRETARIS, actief_van=long_ago)
    people = {naam: GebruikerFactory(username=naam) for naam in
              ("begint_vandaag", "begint_morgen", "stopt_vandaag", "stopt_morgen")}
    lid(people["begint_vandaag"], driehoek, Rol.LEZER, actief_van=today)
    lid(people["begint_morgen"], driehoek, Rol.LEZER, actief_van=tomorrow)
    lid(people["stopt_vandaag"], driehoek, Rol.LEZER, actief_van=long_ago, actief_tot=today)
    lid(people["stopt_morgen"], driehoek, Rol.LEZER, actief_van=long_ago, actief_tot=tomorrow)
    return secretaris, people


EXPECTED = {
    0: {"begint_vandaag": True, "begint_morgen": False, "stopt_vandaag": False, "stopt_morgen": True},
    1: {"begint_vandaag": True, "begint_morgen": True, "stopt_vandaag": False, "stopt_morgen": False},
}


@pytest.mark.parametrize("dag", [0, 1], ids=["vandaag", "morgen"])
def test_form_choices_service_checks_and_page_access_agree_on_the_day_without_the_nightly_task(
        client, driehoek, wisselingen, frozen, dag):
    secretaris, people = wisselingen
    frozen(days=dag)
    client.force_login(secretaris)
    form = client.get(reverse("actiepunten:actiepunt_nieuw", args=[driehoek.pk])).context["form"]
    offered = set(form.fields["eigenaar"].queryset.values_list("pk", flat=True))
    for naam, person in people.items():
        try:
            actiepunt_services.create_actiepunt(driehoek=driehoek, user=secretaris, data={
                "onderwerp": f"Voor {naam}", "eigenaar": person,
                "datum_gereed": vandaag() + datetime.timedelta(days=30)})
        except ValidationError as error:
            assert "eigenaar" in error.message_dict
            accepted = False
        else:
            accepted = True
        client.force_login(person)
        own_page = client.get(reverse("samenwerking:driehoek", args=[driehoek.pk])).status_code
        client.force_login(secretaris)
        assert {"keuze": person.pk in offered, "opgeslagen": accepted, "pagina": own_page == 200,
                "lid": person in toegang.active_members(driehoek)} == dict.fromkeys(
            ("keuze", "opgeslagen", "pagina", "lid"), EXPECTED[dag][naam]), naam


# --- one place: no access decision outside the access module -----------------------------------------------

def _modules(apps=APPS):
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_one_require_and_no_private_copies():
    defined = [(name, node.name) for name, source in _modules(APPS[:3]) for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.FunctionDef) and node.name in ("require", "_require")]
    assert defined == [("samenwerking/toegang.py", "require")]


def test_the_refusal_message_lives_in_the_access_module_only():
    holders = [name for name, source in _modules() if "geen recht op deze handeling" in source]
    assert holders == ["samenwerking/toegang.py"]


# Where a role or a permission row may still be named, and why: the mapping, the rows' writer, the model, the
# demo that creates memberships, and pages that display (not decide) a membership's role.
MAY_NAME_ROLES = {
    "samenwerking/toegang.py", "samenwerking/rollen.py", "samenwerking/services.py", "samenwerking/models/gebruiker.py",
    "samenwerking/demo.py", "samenwerking/demowerkgroep.py", "samenwerking/admin/driehoeken.py",
    "samenwerking/views.py", "samenwerking/selectors.py", "samenwerking/audit/accounts.py",
    "samenwerking/views_beveiliging.py",
}


def _role_reads(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Rol":
            found.append(f"Rol.{node.attr}")
        elif isinstance(node, ast.keyword) and node.arg and node.arg.split("__")[0] in ("rol", "lidmaatschappen"):
            found.append(f"{node.arg}=")
        elif isinstance(node, ast.Name) and node.id in ("DriehoekGebruikerRecht", "Lidmaatschap"):
            found.append(node.id)
        elif isinstance(node, ast.Attribute) and node.attr in ("lidmaatschappen", "driehoekgebruikerrecht_set"):
            found.append(f".{node.attr}")
    return found


def test_no_module_outside_the_access_module_reads_roles_or_permission_rows():
    readers = {name: _role_reads(source) for name, source in _modules() if name not in MAY_NAME_ROLES}
    assert {name: reads for name, reads in readers.items() if reads} == {}
