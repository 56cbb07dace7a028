import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from arrangementen.demo import DEMO_SIGNERS, DEMO_TITEL
from arrangementen.models import Arrangement, Opzegging
from samenwerking import toegang, tweestaps
from samenwerking.demo import COUNTRY_DRIEHOEKEN, DRAFTER
from samenwerking.models import Basisteam, Driehoek, Gebruiker, Gemeente, Overzichtslidmaatschap
from samenwerking.organisaties import vertegenwoordigt
from samenwerking.permissions_setup import is_beheerder
from tests.mfa import code_for

BES = "Basisteamdriehoek BES"
BERGEN = "Driehoek Bergen (L.)"
WERKGROEP = "Werkgroep BOA-Platform"
EXPECTED = {
    "coordinator": {BES}, "teamchef": {BES}, "secretaris": {BES, WERKGROEP}, "burgemeester": {BES},
    "officier": {BES}, "buitenstaander": {BERGEN}, "beheerder": set(),
    "burgemeester_baarn": {BES}, "burgemeester_bunschoten": {BES}, "burgemeester_debilt": {BES},
    "burgemeester_eemnes": {BES}, "privacy": {BES},
    # Above the driehoek (issue 16): the aggregate picture of a scope, no driehoek of their own.
    "landelijk": set(), "eenheid": set(),
    # The BOA-Platform werkgroep of seed 001 (issue 18): members from politie, OM, CCV, VNG and the BOA-bond.
    "lieke": {WERKGROEP}, "sten": {WERKGROEP}, "jos": {WERKGROEP}, "marcel": {WERKGROEP}, "martine": {WERKGROEP},
    "eric": {WERKGROEP},
}


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "een-demo-wachtwoord")
    call_command("demo", verbosity=0)


def test_demo_driehoeken_have_the_right_gemeenten_and_basisteams(demo):
    bes = Driehoek.objects.get(naam=BES)
    assert sorted(bes.gemeenten.values_list("officiele_naam", flat=True)) == [
        "Baarn", "Bunschoten", "De Bilt", "Eemnes", "Soest",
    ]
    assert bes.basisteam.naam == "BES"
    bergen = Driehoek.objects.get(naam=BERGEN)
    assert list(bergen.gemeenten.values_list("officiele_naam", flat=True)) == ["Bergen (L.)"]
    assert bergen.basisteam.naam == "Venray-Gennep"


NEEDS_SECOND_STEP = {"teamchef", "secretaris", "burgemeester", "officier", "beheerder", "burgemeester_baarn",
                     "burgemeester_bunschoten", "burgemeester_debilt", "burgemeester_eemnes", "privacy"}


@pytest.mark.parametrize(("username", "driehoeken"), EXPECTED.items())
def test_every_demo_user_logs_in_and_sees_exactly_their_driehoeken(demo, client, username, driehoeken):
    assert client.login(username=username, password="een-demo-wachtwoord")
    user = Gebruiker.objects.get(username=username)
    assert set(toegang.visible_driehoeken(user).values_list("naam", flat=True)) == driehoeken
    response = client.get(reverse("samenwerking:dashboard"))
    if username in NEEDS_SECOND_STEP:
        # The demo's known TOTP key: the code an authenticator app with that key shows now.
        assert response.status_code == 302 and response["Location"].startswith("/inloggen/verificatie/")
        response = client.post(response["Location"], {"code": code_for(user)}, follow=True)
    else:
        assert not tweestaps.has_app(user)
    assert response.status_code == 200
    html = response.content.decode()
    for naam in {BES, BERGEN, WERKGROEP}:
        assert (naam in html) == (naam in driehoeken)


def test_demo_roles(demo):
    teamchef = Gebruiker.objects.get(username="teamchef")
    assert set(teamchef.lidmaatschappen.values_list("rol", flat=True)) == {"reviewer", "ondertekenaar"}
    officier = Gebruiker.objects.get(username="officier")
    assert set(officier.lidmaatschappen.values_list("rol", flat=True)) == {"reviewer", "ondertekenaar"}
    assert is_beheerder(Gebruiker.objects.get(username="beheerder"))
    privacy = Gebruiker.objects.get(username="privacy")
    assert set(privacy.lidmaatschappen.values_list("rol", flat=True)) == {"privacyadviseur"}
    assert (privacy.organisatie.gemeente.cbs_code, privacy.functie) == ("GM0342", "Functionaris gegevensbescherming")


def test_every_party_of_the_demo_arrangement_has_a_demo_user_who_may_sign_for_it(demo):
    arrangement = Arrangement.objects.get(titel=DEMO_TITEL)
    partijen = list(arrangement.partijen.select_related("organisatie").order_by("volgorde"))
    assert [p.organisatie.naam for p in partijen] == [
        "Gemeente Baarn", "Gemeente Bunschoten", "Gemeente De Bilt", "Gemeente Eemnes", "Gemeente Soest",
        "Politie Eenheid Midden-Nederland", "Arrondissementsparket Midden-Nederland"]
    signers = [Gebruiker.objects.select_related("organisatie").get(username=name) for name in DEMO_SIGNERS]
    # Signing is sequential: the n-th demo signer acts for the n-th party.
    assert all(vertegenwoordigt(eigen=user.organisatie, partij=partij.organisatie)
               for user, partij in zip(signers, partijen, strict=True))


def test_the_scope_users_see_the_country_and_eenheid_midden_nederland(demo):
    landelijk = Gebruiker.objects.get(username="landelijk")
    eenheid = Gebruiker.objects.get(username="eenheid")
    assert [(s.niveau, s.scope_naam) for s in toegang.overview_scopes(landelijk)] == [
        ("landelijk", "heel Nederland")]
    assert [(s.niveau, s.eenheid.code) for s in toegang.overview_scopes(eenheid)] == [("eenheid", "RE03")]
    assert toegang.visible_gemeenten(landelijk).count() == Gemeente.objects.count() == 342
    assert set(toegang.visible_gemeenten(eenheid).values_list("eenheid__naam", flat=True)) == {"Midden-Nederland"}
    assert (landelijk.get_full_name(), landelijk.functie) == ("Lotte Landelijk", "Programmamanager BOA-Platform")
    assert (eenheid.get_full_name(), eenheid.functie) == (
        "Erik Eenheid", "Portefeuillehouder handhaving eenheid Midden-Nederland")


def test_the_demo_drafter_of_the_country_arrangements_cannot_log_in(demo):
    drafter = Gebruiker.objects.get(username=DRAFTER)
    assert not drafter.has_usable_password()
    assert set(toegang.visible_driehoeken(drafter).values_list("naam", flat=True)) == {
        naam for naam, *_rest in COUNTRY_DRIEHOEKEN}


def _demo_counts():
    return (Gebruiker.objects.count(), Driehoek.objects.count(), Basisteam.objects.count(),
            sum(u.lidmaatschappen.count() for u in Gebruiker.objects.all()),
            Overzichtslidmaatschap.objects.count(), Arrangement.objects.count(), Opzegging.objects.count(),
            sorted(Arrangement.objects.values_list("pk", "status", "lock_version")))


def test_demo_twice_changes_nothing(demo):
    counts = _demo_counts()
    call_command("demo", verbosity=0)
    assert counts == _demo_counts()


def test_demo_prints_the_default_password_when_none_is_set(db, monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("demo")
    assert "Wachtwoord (voor alle demogebruikers):" in capsys.readouterr().out


@override_settings(DEMO_ALLOWED=False)
def test_production_settings_never_create_demo_users(db):
    with pytest.raises(CommandError, match="uitgeschakeld"):
        call_command("demo")
    assert not Gebruiker.objects.exists()
