"""The actiepunt status machine as a table (actiepunten.workflow): every row × every kind of user."""

import pytest
from django.core.exceptions import PermissionDenied

from actiepunten import services, workflow
from actiepunten.models import Actiepunt
from samenwerking.models import Auditregel, Rol

from ..factories import ActiepuntFactory, GebruikerFactory, OverlegFactory, lid

# Who may change an actiepunt's status: who manages the driehoek's actiepunten, and the actiepunt's eigenaar.
MAY = {"coordinator": True, "secretaris": True, "eigenaar": True, "reviewer": False, "ondertekenaar": False,
       "lezer": False, "vreemde": False}
ROLES = {"coordinator": Rol.COORDINATOR, "secretaris": Rol.SECRETARIS, "eigenaar": Rol.LEZER,
         "reviewer": Rol.REVIEWER, "ondertekenaar": Rol.ONDERTEKENAAR, "lezer": Rol.LEZER}
ROWS = [(t, source) for t in workflow.TRANSITIONS for source in sorted(t.sources)]


@pytest.fixture
def mensen(driehoek, andere_driehoek):
    people = {}
    for wie, rol in ROLES.items():
        people[wie] = GebruikerFactory(username=wie)
        lid(people[wie], driehoek, rol)
    people["vreemde"] = GebruikerFactory(username="vreemde")
    lid(people["vreemde"], andere_driehoek, Rol.SECRETARIS)
    return people


def test_the_table_names_a_permission_or_the_eigenaar_for_every_row():
    assert all(t.permissions or t.eigenaar_mag for t in workflow.TRANSITIONS)


@pytest.mark.parametrize("wie", list(MAY))
@pytest.mark.parametrize(("transition", "source"), ROWS, ids=[f"{t.action}-{s}" for t, s in ROWS])
def test_every_row_for_every_user(driehoek, mensen, wie, transition, source):
    user = mensen[wie]
    punt = ActiepuntFactory(overleg=OverlegFactory(driehoek=driehoek), eigenaar=mensen["eigenaar"], status=source)
    offered = {t.action for t in workflow.available_transitions(user, punt)}
    assert (transition.action in offered) == MAY[wie]
    if MAY[wie]:
        services.change_status(actiepunt=punt, user=user, action=transition.action, toelichting="Omdat het kan")
        punt.refresh_from_db()
        assert punt.status == transition.target
    else:
        with pytest.raises(PermissionDenied):
            services.change_status(actiepunt=punt, user=user, action=transition.action, toelichting="Poging")
        punt.refresh_from_db()
        assert punt.status == source
        regel = Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.OVERGANG_GEWEIGERD).last()
        assert (regel.gebruiker_id, regel.resultaat) == (user.pk, Auditregel.Resultaat.GEWEIGERD)


def test_a_status_outside_the_row_is_refused_with_the_status_named_and_logged(driehoek, mensen):
    punt = ActiepuntFactory(overleg=OverlegFactory(driehoek=driehoek), status=Actiepunt._meta.get_field(
        "status").default)
    services.change_status(actiepunt=punt, user=mensen["secretaris"], action="gereed_melden")
    with pytest.raises(workflow.TransitionRefused, match="Heropen het actiepunt eerst"):
        services.change_status(actiepunt=punt, user=mensen["secretaris"], action="starten")
    assert Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.OVERGANG_GEWEIGERD,
                                     gebruiker_id=mensen["secretaris"].pk).count() == 1
