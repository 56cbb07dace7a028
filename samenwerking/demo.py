"""Demo data for `make run`: two driehoeken and a user per role. Never run by production settings."""

import base64

from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Basisteam, Driehoek, Eenheid, Gebruiker, Gemeente, Overzichtsniveau, Rol
from .organisaties import voor_basisteam, voor_gemeente, voor_parket
from .overzichtsrollen import grant_overview
from .permissions_setup import BEHEER_GROUP, ensure_beheer_group
from .services import grant_membership
from .tweestaps import APP_NAME, has_app, required_for

DEFAULT_DEMO_PASSWORD = "demo-handhaving-2026"
# One known TOTP key for every demo user who needs the second step, so anyone trying the demo can add it
# to an authenticator app (or use `oathtool --totp -b <sleutel>`). Never used outside the demo.
DEMO_TOTP_KEY = b"demo-handhaving-2026"


def demo_totp_secret() -> str:
    return base64.b32encode(DEMO_TOTP_KEY).decode().rstrip("=")

BES_GEMEENTEN = ["GM0308", "GM0313", "GM0310", "GM0317", "GM0342"]

# username, first, last, functie, organisatie, roles in the first driehoek
FIRST_DRIEHOEK_USERS = [
    ("coordinator", "Carla", "de Coördinator", "BOA-coördinator", "GM0342", [Rol.COORDINATOR]),
    ("teamchef", "Tom", "Teamchef", "Teamchef basisteam BES", "BES", [Rol.REVIEWER, Rol.ONDERTEKENAAR]),
    ("secretaris", "Sanne", "Secretaris", "Driehoeksecretaris", "GM0342", [Rol.SECRETARIS]),
    ("burgemeester", "Bert", "Burgemeester", "Burgemeester van Soest", "GM0342", [Rol.ONDERTEKENAAR]),
    ("officier", "Olga", "Officier", "Officier van justitie", "MNE", [Rol.REVIEWER, Rol.ONDERTEKENAAR]),
    # Every gemeente of BES is a party: the other four review for their gemeente (review per party) and sign
    # through their own burgemeester.
    ("burgemeester_baarn", "Bas", "van Baarn", "Burgemeester van Baarn", "GM0308",
     [Rol.REVIEWER, Rol.ONDERTEKENAAR]),
    ("burgemeester_bunschoten", "Bea", "van Bunschoten", "Burgemeester van Bunschoten", "GM0313",
     [Rol.REVIEWER, Rol.ONDERTEKENAAR]),
    ("burgemeester_debilt", "Dirk", "de Bilt", "Burgemeester van De Bilt", "GM0310",
     [Rol.REVIEWER, Rol.ONDERTEKENAAR]),
    ("burgemeester_eemnes", "Eva", "van Eemnes", "Burgemeester van Eemnes", "GM0317",
     [Rol.REVIEWER, Rol.ONDERTEKENAAR]),
    # The FG of Soest: approves as privacy adviser an arrangement that shares data (issue 15).
    ("privacy", "Priya", "Privacy", "Functionaris gegevensbescherming", "GM0342", [Rol.PRIVACYADVISEUR]),
]


def _user(username, first, last, functie, organisatie, password, **extra):
    user, created = Gebruiker.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "functie": functie,
                  "organisatie": organisatie, "email": f"{username}@demo.invalid", **extra},
    )
    if created:
        user.set_password(password)
        user.save()
    return user


# Above the driehoek (issue 16): username, first, last, functie, niveau, eenheid code (None: the country).
OVERVIEW_USERS = [
    ("landelijk", "Lotte", "Landelijk", "Programmamanager BOA-Platform", Overzichtsniveau.LANDELIJK, None),
    ("eenheid", "Erik", "Eenheid", "Portefeuillehouder handhaving eenheid Midden-Nederland",
     Overzichtsniveau.EENHEID, "RE03"),
]

# Basisteamdriehoeken elsewhere in the country, so /beeld/ has something to show in every eenheid the demo
# touches: name, basisteam, eenheid code, gemeenten. Their arrangements are made by arrangementen.demobeeld.
COUNTRY_DRIEHOEKEN = [
    ("Basisteamdriehoek Apeldoorn", "Apeldoorn", "RE02", ["GM0200"]),
    ("Basisteamdriehoek Arnhem-Noord", "Arnhem-Noord", "RE02", ["GM0202"]),
    ("Basisteamdriehoek Maas & Rotte", "Maas & Rotte", "RE07", ["GM0599"]),
    ("Basisteamdriehoek Venray-Gennep", "Venray-Gennep", "RE10", ["GM0984", "GM0907"]),
    ("Basisteamdriehoek Amersfoort", "Amersfoort", "RE03", ["GM0307", "GM0327"]),
    ("Basisteamdriehoek Almere", "Almere", "RE03", ["GM0034"]),
    ("Basisteamdriehoek Groningen", "Groningen", "RE01", ["GM0014"]),
]
# Drafts the country's demo arrangements through the real service; nobody logs in as this user.
DRAFTER = "demo_opsteller"


def _membership(user, driehoek, rol):
    if not user.lidmaatschappen.active().filter(driehoek=driehoek, rol=rol).exists():
        grant_membership(gebruiker=user, driehoek=driehoek, rol=rol)


@transaction.atomic
def create_demo_data(*, password: str) -> list[Gebruiker]:
    basisteam_bes = Basisteam.objects.get(naam="BES", eenheid__code="RE03")
    venray = Basisteam.objects.get(naam="Venray-Gennep", eenheid__code="RE10")
    # The parties' organisations as the reference data makes them (samenwerking.organisaties).
    organisaties = {code: voor_gemeente(gemeente=Gemeente.objects.get(cbs_code=code))
                    for code in [*BES_GEMEENTEN, "GM0893"]}
    organisaties["BES"] = voor_basisteam(basisteam=basisteam_bes)
    organisaties["MNE"] = voor_parket(parket=Gemeente.objects.get(cbs_code="GM0342").parket)

    bes, created = Driehoek.objects.get_or_create(
        naam="Basisteamdriehoek BES",
        defaults={"soort": Driehoek.Soort.BASISTEAM, "basisteam": basisteam_bes,
                  "eenheid": Eenheid.objects.get(code="RE03")},
    )
    if created:
        bes.gemeenten.set(Gemeente.objects.filter(cbs_code__in=BES_GEMEENTEN))
    bergen, created = Driehoek.objects.get_or_create(
        naam="Driehoek Bergen (L.)",
        defaults={"soort": Driehoek.Soort.LOKAAL, "basisteam": venray,
                  "eenheid": Eenheid.objects.get(code="RE10")},
    )
    if created:
        bergen.gemeenten.set(Gemeente.objects.filter(cbs_code="GM0893"))

    users = []
    for username, first, last, functie, organisatie, roles in FIRST_DRIEHOEK_USERS:
        user = _user(username, first, last, functie, organisaties[organisatie], password)
        for rol in roles:
            _membership(user, bes, rol)
        users.append(user)
    buitenstaander = _user("buitenstaander", "Bas", "Buitenstaander", "BOA-coördinator",
                           organisaties["GM0893"], password)
    _membership(buitenstaander, bergen, Rol.COORDINATOR)
    users.append(buitenstaander)

    ensure_beheer_group()
    beheerder = _user("beheerder", "Bea", "Beheerder", "Functioneel beheerder", None, password,
                      is_staff=True)
    beheerder.groups.add(Group.objects.get(name=BEHEER_GROUP))
    users.append(beheerder)
    users.extend(_overview_users(password))
    _country_driehoeken()
    for user in users:
        if required_for(user) and not has_app(user):
            TOTPDevice.objects.create(user=user, name=APP_NAME, key=DEMO_TOTP_KEY.hex(), confirmed=True)
    return users


def _overview_users(password: str) -> list[Gebruiker]:
    users = []
    for username, first, last, functie, niveau, eenheid in OVERVIEW_USERS:
        user = _user(username, first, last, functie, None, password)
        if not user.overzichtslidmaatschappen.active().exists():
            grant_overview(gebruiker=user, niveau=niveau,
                           eenheid=Eenheid.objects.get(code=eenheid) if eenheid else None)
        users.append(user)
    return users


def _country_driehoeken() -> None:
    drafter, created = Gebruiker.objects.get_or_create(
        username=DRAFTER, defaults={"first_name": "Demo", "last_name": "Opsteller", "functie": "BOA-coördinator",
                                    "email": f"{DRAFTER}@demo.invalid"})
    if created:
        drafter.set_unusable_password()
        drafter.save()
    for naam, basisteam_naam, code, gemeenten in COUNTRY_DRIEHOEKEN:
        eenheid = Eenheid.objects.get(code=code)
        # Where the reference data names no basisteam for these gemeenten, the demo makes one and says so.
        basisteam, _ = Basisteam.objects.get_or_create(
            naam=basisteam_naam, eenheid=eenheid,
            defaults={"bron": "demogegevens (make run)", "betrouwbaarheid": "fictief, alleen voor de demo"})
        driehoek, created = Driehoek.objects.get_or_create(
            naam=naam, defaults={"soort": Driehoek.Soort.BASISTEAM, "basisteam": basisteam, "eenheid": eenheid})
        if created:
            driehoek.gemeenten.set(Gemeente.objects.filter(cbs_code__in=gemeenten))
        _membership(drafter, driehoek, Rol.COORDINATOR)
