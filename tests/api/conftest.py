import pytest
from rest_framework.test import APIClient

from arrangementen import bibliotheek, services
from samenwerking.models import Organisatie, Rol

from ..factories import GebruikerFactory, OrganisatieFactory, lid


@pytest.fixture
def bibliotheek_geladen(db):
    """The clause library as shipped; 'start from the model' and 'indienen' depend on it."""
    bibliotheek.load_library()


@pytest.fixture
def api():
    """A client per user, logged in through the session like the browser."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def coordinator(driehoek):
    user = GebruikerFactory(username="coordinator")
    lid(user, driehoek, Rol.COORDINATOR)
    return user


@pytest.fixture
def reviewer(driehoek):
    user = GebruikerFactory(username="reviewer")
    lid(user, driehoek, Rol.REVIEWER)
    return user


@pytest.fixture
def lezer(driehoek):
    user = GebruikerFactory(username="lezer")
    lid(user, driehoek, Rol.LEZER)
    return user


@pytest.fixture
def vreemde(andere_driehoek):
    """A coordinator, but of another driehoek."""
    user = GebruikerFactory(username="vreemde")
    lid(user, andere_driehoek, Rol.COORDINATOR)
    return user


@pytest.fixture
def maak_arrangement(coordinator):
    def make(driehoek, *, titel="Arrangement", start="leeg", user=None):
        return services.create_arrangement(driehoek=driehoek, user=user or coordinator, titel=titel,
                                           start=start)

    return make


@pytest.fixture
def concept(driehoek, maak_arrangement, bibliotheek_geladen):
    """A concept from the standard model, with the gemeente of the driehoek as partij."""
    OrganisatieFactory(naam="Gemeente Teststad", soort=Organisatie.Soort.GEMEENTE,
                       gemeente=driehoek.gemeenten.first())
    return maak_arrangement(driehoek, titel="Handhavingsarrangement Teststad", start="model")


@pytest.fixture
def vreemd_arrangement(andere_driehoek, vreemde):
    """An arrangement of a driehoek the users of `driehoek` do not belong to."""
    return services.create_arrangement(driehoek=andere_driehoek, user=vreemde, titel="Niet van u", start="leeg")
