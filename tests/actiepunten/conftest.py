import pytest

from actiepunten import services
from actiepunten.models import Overleg
from samenwerking.models import Rol

from ..factories import GebruikerFactory, lid, vandaag


@pytest.fixture
def secretaris(driehoek):
    user = GebruikerFactory(username="secretaris", first_name="Sanne", last_name="Secretaris")
    lid(user, driehoek, Rol.SECRETARIS)
    return user


@pytest.fixture
def coordinator(driehoek):
    user = GebruikerFactory(username="coordinator", first_name="Carla", last_name="Coördinator")
    lid(user, driehoek, Rol.COORDINATOR)
    return user


@pytest.fixture
def lezer(driehoek):
    user = GebruikerFactory(username="lezer", first_name="Lars", last_name="Lezer")
    lid(user, driehoek, Rol.LEZER)
    return user


@pytest.fixture
def vreemde(andere_driehoek):
    """A secretaris, but of another driehoek."""
    user = GebruikerFactory(username="vreemde")
    lid(user, andere_driehoek, Rol.SECRETARIS)
    return user


@pytest.fixture
def overleg(driehoek, secretaris):
    return services.create_overleg(driehoek=driehoek, user=secretaris, data={
        "soort": Overleg.Soort.WERKGROEP, "titel": "Werkgroep Samenwerking", "datum": vandaag(),
        "secretaris": secretaris,
    })


@pytest.fixture
def maak_punt(driehoek, secretaris, overleg):
    """An actiepunt made through the service, in `overleg` unless told otherwise."""

    def make(*, onderwerp="Actie", eigenaar=None, datum_gereed=None, overleg_=overleg, user=None, **extern):
        if eigenaar is None and not extern:
            extern = {"extern_naam": "Externe Eigenaar", "extern_email": "extern@example.invalid"}
        return services.create_actiepunt(
            driehoek=overleg_.driehoek if overleg_ else driehoek, user=user or secretaris, overleg=overleg_,
            data={"onderwerp": onderwerp, "eigenaar": eigenaar, "datum_gereed": datum_gereed or vandaag(), **extern},
        )

    return make
