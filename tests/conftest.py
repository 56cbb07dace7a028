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


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory):
    """A TEST CA with a platform certificate, a TSA certificate and organisation slots created on demand."""
    from arrangementen.pki import create_test_pki

    return create_test_pki(tmp_path_factory.mktemp("pki"), {}, with_tsa=True)


@pytest.fixture
def signing_setup(settings, test_pki):
    """Point the product at the test PKI; `add_key(organisatie)` gives an organisation a TEST signing key."""
    from django.core.files.base import ContentFile
    from django.utils.text import slugify

    from arrangementen import documenten
    from arrangementen.models import Ondertekeningssleutel
    from arrangementen.pki import create_test_pki

    settings.PLATFORM_SIGNING_PKCS12 = str(test_pki.p12("platform"))
    settings.PLATFORM_SIGNING_PASSPHRASE = f"bestand:{test_pki.passphrase_file}"
    settings.SIGNING_TRUST_ROOTS = [str(test_pki.ca_pem)]
    settings.SIGNING_TEST_PKI = True

    def add_key(organisatie):
        slug = slugify(organisatie.naam)
        create_test_pki(test_pki.directory, {slug: organisatie.naam})
        key = Ondertekeningssleutel(organisatie=organisatie, is_test=True,
                                    wachtwoord_bron=f"bestand:{test_pki.passphrase_file}")
        data = test_pki.p12(slug).read_bytes()
        key.pkcs12.save(f"{slug}.p12", ContentFile(data), save=False)
        return documenten.save_signing_key(key=key, pkcs12=data, user=None)

    test_pki.add_key = add_key
    return test_pki


@pytest.fixture(autouse=True)
def force_login_completes_second_step(monkeypatch):
    """`client.force_login(user)` stands for a whole login, the second step included.

    Users whose role needs two-step verification get a confirmed authenticator app (as they would have) and a
    verified session; others a session that knows it needs no second step. Tests of the second step itself
    start from `tests.mfa.unverified(client)`.
    """
    from django.test import Client

    from tests.mfa import complete_second_step

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        complete_second_step(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def clear_cache():
    """Rate limits and refusal counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def celery_tasks_registered():
    """Register every task module with the Celery app before any test publishes, whatever the test order.

    Which modules a test process has imported when the app is first finalised depends on which tests it was
    given (pytest-xdist): import them all and finalise once, as a worker does at start.
    """
    from config import celery_app

    celery_app.loader.import_default_modules()
    celery_app.finalize(auto=True)
    return celery_app


@pytest.fixture
def frozen(monkeypatch):
    """`frozen(days=n)`: from now on the product's clock (timezone.now, and so localdate) reads n days ahead."""
    import datetime

    from django.utils import timezone

    real_now = timezone.now

    def shift(*, days: int) -> None:
        at = real_now() + datetime.timedelta(days=days)
        monkeypatch.setattr(timezone, "now", lambda: at)

    return shift
