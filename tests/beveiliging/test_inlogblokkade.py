"""django-axes: ten wrong passwords lock that username from that address only, in Dutch, revealing nothing."""

from django.urls import reverse

from samenwerking.models import Auditregel

from ..factories import TEST_PASSWORD, GebruikerFactory

A, B = "198.51.100.1", "198.51.100.2"


def attempt(client, username, password, ip):
    client.logout()
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def lock(client, username, ip):
    for _ in range(10):
        response = attempt(client, username, "fout-wachtwoord", ip)
    return response


def test_tenth_wrong_password_locks_with_a_dutch_message(client, db):
    GebruikerFactory(username="doelwit")
    for _ in range(9):
        assert attempt(client, "doelwit", "fout", A).status_code == 200
    response = attempt(client, "doelwit", "fout", A)
    assert response.status_code == 429
    assert "Te veel mislukte inlogpogingen" in response.content.decode()


def test_locked_username_is_refused_even_with_the_right_password(client, db):
    GebruikerFactory(username="doelwit")
    lock(client, "doelwit", A)
    response = attempt(client, "doelwit", TEST_PASSWORD, A)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_applies_to_that_address_only(client, db):
    GebruikerFactory(username="doelwit")
    lock(client, "doelwit", A)
    response = attempt(client, "doelwit", TEST_PASSWORD, B)
    assert response.status_code == 302


def test_lock_applies_to_that_username_only(client, db):
    GebruikerFactory(username="doelwit")
    GebruikerFactory(username="collega")
    lock(client, "doelwit", A)
    assert attempt(client, "collega", TEST_PASSWORD, A).status_code == 302


def test_lockout_says_nothing_about_whether_the_account_exists(client, db):
    GebruikerFactory(username="bestaat")
    existing = lock(client, "bestaat", A)
    missing = lock(client, "bestaat-niet", A)
    assert existing.status_code == missing.status_code == 429
    assert existing.content == missing.content


def test_lockout_is_in_the_audit_log(client, db):
    GebruikerFactory(username="doelwit")
    lock(client, "doelwit", A)
    locked = Auditregel.objects.get(gebeurtenis=Auditregel.Gebeurtenis.GEBLOKKEERD)
    assert (locked.gebruikersnaam, locked.ip_adres, locked.resultaat) == ("doelwit", A, "geweigerd")


def test_failure_limit_is_configurable(client, db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    GebruikerFactory(username="doelwit")
    for _ in range(2):
        assert attempt(client, "doelwit", "fout", A).status_code == 200
    assert attempt(client, "doelwit", "fout", A).status_code == 429
