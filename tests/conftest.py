import pytest

from samenwerking.models import Rol

from .factories import DriehoekFactory, GebruikerFactory, lid


@pytest.fixture
def driehoek(db):
    return DriehoekFactory()


@pytest.fixture
def andere_driehoek(db):
    return DriehoekFactory()


@pytest.fixture
def leden(driehoek):
    """One user per role in `driehoek`."""
    users = {}
    for rol in Rol:
        user = GebruikerFactory(username=f"lid-{rol.value}")
        lid(user, driehoek, rol)
        users[rol.value] = user
    return users
