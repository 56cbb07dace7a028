"""The generated permission matrix: every URL pattern × every role × own/other driehoek → expected status.

The URL patterns are read from the URL conf, so a new URL without a rule here fails
`test_every_url_pattern_has_a_rule`. Rules say what a user may expect (tests/permissieregels.py); the matrix
checks each of them.
"""

import datetime
import re

import pytest
from django.contrib.admin.models import ContentType
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction

from actiepunten import services as actiepunt_services
from actiepunten.models import Actiepunt, Herinnering, Overleg
from arrangementen import gegevensstromen, praktijkvoorbeelden
from arrangementen import services as arrangement_services
from arrangementen.bibliotheek import load_library
from arrangementen.models import (
    Geweldsmiddeltoekenning,
    Grondslag,
    Mandaat,
    Modelafspraak,
    Ondertekeningssleutel,
    Onderwerp,
    Opzegging,
    Praktijkvoorbeeld,
    Signalering,
)
from arrangementen.praktijkvoorbeelden import load_praktijkvoorbeelden
from samenwerking import api_tokens, overzichtsrollen
from samenwerking.models import (
    WERKGROEP_ROLLEN,
    ApiToken,
    Basisteam,
    District,
    Eenheid,
    Gebruiker,
    Gemeente,
    Lidmaatschap,
    Organisatie,
    Overzichtslidmaatschap,
    Overzichtsniveau,
    Rol,
    Veiligheidsregio,
    Werkgebied,
)
from samenwerking.permissions_setup import BEHEER_GROUP, BEHEER_MODELS, ensure_beheer_group

from .factories import DriehoekFactory, GebruikerFactory, OrganisatieFactory, WerkgroepFactory, lid, vandaag
from .permissieregels import (
    ADMIN_MODEL,
    ANONYMOUS,
    BEHEERDER,
    OBJECT_PARAMS,
    OVERZICHT_EENHEID,
    OVERZICHT_LANDELIJK,
    ROLES,
    RULES,
    Pattern,
    admin_rule,
    needs_driehoek,
    walk,
    werkgroep_case,
    werkgroep_scope,
)

# --- fixtures -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        own, other = DriehoekFactory(), DriehoekFactory()
        users = {}
        for rol in Rol:
            users[rol.value] = GebruikerFactory(username=f"matrix-{rol.value}")
            lid(users[rol.value], own, rol)
            # Another user in the other driehoek, so "other" has members, content and history.
            lid(GebruikerFactory(), other, rol)
        beheerder = GebruikerFactory(username="matrix-beheerder", is_staff=True)
        beheerder.groups.add(ensure_beheer_group())
        users[BEHEERDER] = beheerder
        landelijk = {"niveau": Overzichtsniveau.LANDELIJK}
        eenheid = {"niveau": Overzichtsniveau.EENHEID, "eenheid": own.gemeenten.get().eenheid}
        for role, scope in ((OVERZICHT_LANDELIJK, landelijk), (OVERZICHT_EENHEID, eenheid)):
            users[role] = GebruikerFactory(username=f"matrix-{role}")
            overzichtsrollen.grant_overview(gebruiker=users[role], **scope)
        OrganisatieFactory()
        District.objects.create(eenheid=own.eenheid, naam="District Matrix")
        Werkgebied.objects.create(basisteam=own.basisteam, gemeente=own.gemeenten.first(),
                                  dekking=Werkgebied.Dekking.GEHEEL)
        load_library()
        load_praktijkvoorbeelden()
        systeem = GebruikerFactory(username="matrix-systeem", is_systeemaccount=True)
        api_tokens.create_token(gebruiker=systeem, door=beheerder, naam="Matrix-koppeling")
        # Admin pages of signing keys and mandates need one row each; the key file is never opened here.
        Ondertekeningssleutel.objects.create(organisatie=OrganisatieFactory(), wachtwoord_bron="env:MATRIX",
                                             pkcs12=ContentFile(b"-", name="matrix.p12"))
        Mandaat.objects.create(volmachtgever=users["ondertekenaar"], gemachtigde=users["lezer"],
                               geldig_van=datetime.date(2026, 1, 1), geldig_tot=datetime.date(2026, 12, 31))
        arrangementen = {}
        for scope, driehoek in (("eigen", own), ("andere", other)):
            drafter = driehoek.lidmaatschappen.get(rol=Rol.COORDINATOR).gebruiker
            arrangement = arrangement_services.create_arrangement(driehoek=driehoek, user=drafter, titel="Matrix")
            arrangement_services.add_opmerking(arrangement=arrangement, user=drafter, tekst="Opmerking")
            arrangement_services.add_partij(arrangement=arrangement, user=drafter,
                                            expected_version=arrangement.lock_version,
                                            organisatie=OrganisatieFactory(), ondertekenaar_functie="burgemeester")
            add_flow(arrangement, drafter)
            add_geweldsmiddel(arrangement)
            arrangementen[scope] = arrangement
        # A werkgroep (issue 18) whose members are the own driehoek's secretaris, coördinator and lezer.
        werkgroep = WerkgroepFactory()
        for rol in WERKGROEP_ROLLEN:
            lid(users[rol.value], werkgroep, rol)
        overleggen, actiepunten = {}, {}
        for scope, driehoek in (("eigen", own), ("andere", other), ("werkgroep", werkgroep)):
            secretaris = driehoek.lidmaatschappen.get(rol=Rol.SECRETARIS).gebruiker
            overleggen[scope] = actiepunt_services.create_overleg(
                driehoek=driehoek, user=secretaris, data={"soort": "tactisch", "datum": vandaag()})
            actiepunten[scope] = actiepunt_services.create_actiepunt(
                driehoek=driehoek, user=secretaris, overleg=overleggen[scope],
                data={"onderwerp": "Matrix", "extern_naam": "Extern", "datum_gereed": vandaag()})
        # The admin page of reminders needs one row: a failed send.
        Herinnering.objects.create(onderwerp_type=Herinnering.OnderwerpType.ACTIEPUNT,
                                   onderwerp_id=actiepunten["eigen"].pk, soort=Herinnering.Soort.VERLOPEN,
                                   periode="matrix", driehoek=own, status=Herinnering.Verzending.MISLUKT,
                                   pogingen=1, laatste_fout="SMTPServerDisconnected")
        Signalering.objects.create(arrangement=arrangementen["eigen"], soort=Signalering.Soort.EINDE,
                                   periode="matrix", ontvanger=users["secretaris"],
                                   status=Signalering.Verzending.MISLUKT, pogingen=1,
                                   laatste_fout="SMTPServerDisconnected")
        # The read-only admin of opzeggingen needs one row (the matrix arrangement is a concept: setup only).
        Opzegging.objects.create(arrangement=arrangementen["eigen"], partij=arrangementen["eigen"].partijen.first(),
                                 door=users["ondertekenaar"], reden="Matrix", ingangsdatum=vandaag())
        # An offer waiting for review (kennisbank:beoordelen), from the own driehoek's secretaris.
        afspraak = arrangementen["eigen"].afspraken.first()
        aanbod = praktijkvoorbeelden.offer(user=users["secretaris"], afspraak=afspraak, driehoek_tonen=False,
                                           inhoud=praktijkvoorbeelden.Inhoud(titel="Matrix", plaats="Matrix",
                                                                             partijen="Matrix", afgesproken="Matrix",
                                                                             wat_werkte="Matrix"))
        kennisbank = {"praktijk": Praktijkvoorbeeld.objects.get(code="g4-jaarwisseling"), "aanbiedingen": aanbod}
        yield {"eigen": own, "andere": other, "werkgroep": werkgroep, "users": users, "arrangementen": arrangementen,
               "overleggen": overleggen, "actiepunten": actiepunten, "kennisbank": kennisbank}
        transaction.set_rollback(True)


def add_flow(arrangement, user):
    """One data flow between the first two parties, so the flow pages have a row to open."""
    arrangement.refresh_from_db()
    eerste, tweede = (p.organisatie for p in arrangement.partijen.all()[:2])
    gegevensstromen.add_gegevensstroom(
        arrangement=arrangement, user=user, expected_version=arrangement.lock_version,
        gegevens=gegevensstromen.Stroomgegevens(verstrekker=eerste, ontvangers=[tweede], categorieen="Meldingen",
                                                doel="Matrix", grondslag=Grondslag.objects.get(code="wpg-16")))


def add_geweldsmiddel(arrangement):
    """One geweldsmiddel row (setup only, past the service's domein check), so its pages have a row to open."""
    Geweldsmiddeltoekenning.objects.create(
        arrangement=arrangement, organisatie=arrangement.partijen.first().organisatie, domein="I",
        geweldsmiddel="handboeien")


ADMIN_MODELS = {
    "apitoken": ApiToken,
    "ondertekeningssleutel": Ondertekeningssleutel, "mandaat": Mandaat,
    "onderwerp": Onderwerp, "modelafspraak": Modelafspraak, "grondslag": Grondslag,
    "eenheid": Eenheid, "veiligheidsregio": Veiligheidsregio, "district": District,
    "gemeente": Gemeente, "basisteam": Basisteam, "werkgebied": Werkgebied,
    "organisatie": Organisatie, "lidmaatschap": Lidmaatschap, "gebruiker": Gebruiker,
    "overzichtslidmaatschap": Overzichtslidmaatschap,
    "overleg": Overleg, "actiepunt": Actiepunt, "herinnering": Herinnering, "signalering": Signalering,
    "opzegging": Opzegging, "praktijkvoorbeeld": Praktijkvoorbeeld,
}


def concrete_url(pattern: Pattern, world, scope: str) -> str:
    route = pattern.route
    if route.startswith("api/v1/"):
        route = route.replace("/^", "/").removesuffix("$")  # the API router writes regular expressions
    driehoek = world[scope]
    if route.startswith(("actiepunten/overleg/", "actiepunten/punt/", "api/v1/overleggen/", "api/v1/actiepunten/")):
        overleg = route.startswith(("actiepunten/overleg/", "api/v1/overleggen/"))
        obj = world["overleggen" if overleg else "actiepunten"][scope]
        for param in OBJECT_PARAMS:
            route = route.replace(param, str(obj.pk))
        route = route.replace("<slug:action>", "gereed_melden")
    elif route.startswith("account/uitnodiging/"):
        route = route.replace("<str:uidb64>", "MQ").replace("<str:token>", "onbekend-token")
    elif route.startswith("beeld/gemeente/"):  # a gemeente of the own or the other driehoek
        route = route.replace("<int:pk>", str(driehoek.gemeenten.get().pk))
    elif route.startswith("kennisbank/"):  # the same practice (or offer) for both scopes: not a driehoek's
        obj = world["kennisbank"]["aanbiedingen" if route.startswith("kennisbank/aanbiedingen/") else "praktijk"]
        route = route.replace("<int:pk>", str(obj.pk))
    elif route.startswith("actiepunten/agenda/"):
        route = route.replace("<str:token>", "onbekend-token")
    elif route.startswith(("arrangementen/", "api/v1/arrangementen")):
        arrangement = world["arrangementen"][scope]
        for param in OBJECT_PARAMS:
            route = route.replace(param, str(arrangement.pk))
        route = (route.replace("<int:afspraak_pk>", str(arrangement.afspraken.first().pk))
                 .replace("<int:partij_pk>", str(arrangement.partijen.first().pk))
                 .replace("<int:opmerking_pk>", str(arrangement.opmerkingen.first().pk))
                 .replace("<int:stroom_pk>", str(arrangement.gegevensstromen.first().pk))
                 .replace("<int:toekenning_pk>", str(arrangement.geweldsmiddeltoekenningen.first().pk))
                 .replace("(?P<stroom_pk>[^/.]+)", str(arrangement.gegevensstromen.first().pk))
                 .replace("(?P<toekenning_pk>[^/.]+)", str(arrangement.geweldsmiddeltoekenningen.first().pk))
                 .replace("<int:advies_pk>", "1")
                 .replace("<slug:action>", "indienen"))
    elif not route.startswith("beheer/"):
        for param in OBJECT_PARAMS:
            route = route.replace(param, str(driehoek.pk))
    match = ADMIN_MODEL.match(route)
    if match and match["app"] in BEHEER_MODELS:
        model = {"driehoek": type(driehoek)}.get(match["model"]) or ADMIN_MODELS[match["model"]]
        obj = driehoek if match["model"] == "driehoek" else model.objects.order_by("pk").first()
        route = route.replace("<path:object_id>", str(obj.pk)).replace("<id>", str(obj.pk))
        if hasattr(obj, "history"):
            history_id = obj.history.order_by("history_id").first().history_id
            route = route.replace("^([^/]+)/history/([^/]+)/$", f"{obj.pk}/history/{history_id}/")
    elif match and match["app"] == "auth":
        group = Group.objects.get(name=BEHEER_GROUP) if Group.objects.exists() else ensure_beheer_group()
        route = route.replace("<path:object_id>", str(group.pk))
    route = route.replace("<path:content_type_id>/<path:object_id>",
                          f"{ContentType.objects.get_for_model(Gemeente).pk}/1")
    route = re.sub(r"\^\(\?P<app_label>[^)]*\)/\$", "samenwerking/", route)
    route = route.replace("(?P<url>.*)$", "bestaat-niet/")
    assert "<" not in route and "(" not in route, f"cannot build a URL for {pattern}"
    return "/" + route


def expected(pattern: Pattern, role: str, scope: str) -> int:
    if pattern.route.startswith("beheer/"):
        return admin_rule(pattern, role)
    if scope == "werkgroep":
        return RULES[pattern.key](role, werkgroep_scope(role))
    return RULES[pattern.key](role, scope)


def cases():
    for pattern in walk():
        scopes = ["eigen", "andere"] if needs_driehoek(pattern) else ["eigen"]
        if werkgroep_case(pattern):
            scopes.append("werkgroep")
        for role in ROLES:
            for scope in scopes:
                yield pytest.param(pattern, role, scope, id=f"{pattern.key}-{role}-{scope}")


def test_every_url_pattern_has_a_rule():
    unclassified = [
        p.key for p in walk() if not p.route.startswith("beheer/") and p.key not in RULES
    ]
    assert not unclassified, f"URL patterns without a rule in the permission matrix: {unclassified}"


@pytest.mark.parametrize(("pattern", "role", "scope"), list(cases()))
def test_permission_matrix(db, client, world, pattern, role, scope):
    if role != ANONYMOUS:
        client.force_login(world["users"][role])
    url = concrete_url(pattern, world, scope)
    response = client.get(url)
    want = expected(pattern, role, scope)
    assert response.status_code == want, f"GET {url} as {role} ({scope}): {response.status_code} ≠ {want}"
    denied_redirect = want == 302 and role != BEHEERDER and pattern.name not in ("login", "admin:logout") and (
        role == ANONYMOUS or pattern.route.startswith("beheer/")
    )
    if denied_redirect:
        assert re.search(r"/(inloggen|beheer/login)/", response["Location"]), response["Location"]


# --- the second step -----------------------------------------------------------------------------------------

# Reachable before the second step: logging in and out, the second step itself, "about" and the health probe.
BEFORE_SECOND_STEP = {"login": 302, "logout": 405, "login_verificatie": 200, "samenwerking:over": 200,
                      "gezondheid": 200, "oidc_start": 302, "oidc_terug": 302}


@pytest.mark.parametrize("pattern", [p for p in walk() if not p.route.startswith("beheer/")], ids=lambda p: p.key)
@pytest.mark.parametrize("role", [Rol.REVIEWER.value, BEHEERDER])
def test_every_page_waits_for_the_second_step(db, client, world, pattern, role):
    """A reviewer or beheerder who gave only the password reaches no page of the product: the browser is sent
    to the second step (the app's code), the API answers 403."""
    from tests.mfa import unverified

    client.force_login(world["users"][role])
    unverified(client)
    url = concrete_url(pattern, world, "eigen")
    response = client.get(url)
    if pattern.key in BEFORE_SECOND_STEP:
        assert response.status_code == BEFORE_SECOND_STEP[pattern.key], url
    elif pattern.key == "account:tweestaps_instellen":
        # Replacing the app needs the old one first.
        assert response.status_code == 302 and response["Location"].startswith("/inloggen/verificatie/")
    elif pattern.route.startswith("api/"):
        assert response.status_code == 403, url
    else:
        assert response.status_code == 302, f"GET {url}: {response.status_code}"
        assert response["Location"].startswith("/inloggen/verificatie/?next="), response["Location"]
