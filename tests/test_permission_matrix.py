"""The generated permission matrix: every URL pattern × every role × own/other driehoek → expected status.

The URL patterns are read from the URL conf, so a new URL without a rule here fails
`test_every_url_pattern_has_a_rule`. Rules say what a user may expect; the matrix checks each of them.
"""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.contrib.admin.models import ContentType
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from actiepunten import services as actiepunt_services
from actiepunten.models import Actiepunt, Herinnering, Overleg
from arrangementen import services as arrangement_services
from arrangementen.bibliotheek import load_library
from arrangementen.models import Mandaat, Modelafspraak, Ondertekeningssleutel, Onderwerp, Signalering
from samenwerking import api_tokens, rollen
from samenwerking.models import (
    ApiToken,
    Basisteam,
    District,
    Eenheid,
    Gebruiker,
    Gemeente,
    Lidmaatschap,
    Organisatie,
    Rol,
    Veiligheidsregio,
    Werkgebied,
)
from samenwerking.permissions_setup import BEHEER_GROUP, BEHEER_MODELS, ensure_beheer_group
from samenwerking.rollen import ROLE_PERMISSIONS

from .factories import DriehoekFactory, GebruikerFactory, OrganisatieFactory, lid, vandaag

ANONYMOUS = "anoniem"
BEHEERDER = "beheerder"
ROLES = [ANONYMOUS, *[r.value for r in Rol], BEHEERDER]
MEMBER_ROLES = {r.value for r in Rol}


@dataclass(frozen=True)
class Pattern:
    name: str | None
    route: str

    @property
    def key(self) -> str:
        return self.name or self.route


def walk(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Pattern(name, prefix + str(entry.pattern))


OBJECT_PARAMS = ("<int:pk>", "(?P<pk>[^/.]+)")


def needs_driehoek(pattern: Pattern) -> bool:
    """Patterns about one object of a driehoek are checked for the own and another driehoek."""
    return any(p in pattern.route for p in OBJECT_PARAMS) and not pattern.route.startswith("beheer/")


# --- expectations ---------------------------------------------------------------------------------

def login_page(role, scope):
    return 200 if role == ANONYMOUS else 302  # a logged-in user is sent on to the dashboard


def post_only(role, scope):
    return 405


def public(role, scope):
    return 200


def logged_in(role, scope):
    return 302 if role == ANONYMOUS else 200


def driehoek_member(role, scope):
    """Any member of the driehoek sees it; everyone else gets 404 (never a hint that it exists)."""
    if role == ANONYMOUS:
        return 302
    if role in MEMBER_ROLES and scope == "eigen":
        return 200
    return 404


def with_permission(*codenames):
    """A visible object and an action that needs one of these driehoek permissions: else 403."""
    def rule(role, scope):
        if role == ANONYMOUS:
            return 302
        if role not in MEMBER_ROLES or scope != "eigen":
            return 404
        return 200 if ROLE_PERMISSIONS[role] & set(codenames) else 403
    return rule


def with_permission_or_404(*codenames):
    """Like with_permission, but the object asked for (the PDF) does not exist in the matrix world: 404."""
    def rule(role, scope):
        status = with_permission(*codenames)(role, scope)
        return 404 if status == 200 else status
    return rule


def drafters_only(role, scope):
    """Starting a new arrangement: only who may draft somewhere; there is no object to hide."""
    if role == ANONYMOUS:
        return 302
    return 200 if ROLE_PERMISSIONS.get(role, frozenset()) & {rollen.DRAFT} else 403


def api_logged_in(role, scope):
    return 403 if role == ANONYMOUS else 200


def api_member(role, scope):
    if role == ANONYMOUS:
        return 403
    return 200 if role in MEMBER_ROLES and scope == "eigen" else 404


def beheerders_only(role, scope):
    """The security audit log and the access review: beheerders only, members of any driehoek get 403."""
    if role == ANONYMOUS:
        return 302
    return 200 if role == BEHEERDER else 403


def unknown_token(role, scope):
    return 404


def api_post_only(role, scope):
    return 403 if role == ANONYMOUS else 405


RULES = {
    "login": login_page,
    "logout": post_only,
    "samenwerking:dashboard": logged_in,
    "samenwerking:driehoek": driehoek_member,
    "samenwerking:driehoek_geschiedenis": driehoek_member,
    "samenwerking:over": public,
    "arrangementen:lijst": logged_in,
    "arrangementen:nieuw": drafters_only,
    "arrangementen:te_beoordelen": logged_in,
    "arrangementen:detail": driehoek_member,
    "arrangementen:bewerken": with_permission(rollen.DRAFT),
    "arrangementen:afspraak_nieuw": with_permission(rollen.DRAFT),
    "arrangementen:afspraak_bewerken": with_permission(rollen.DRAFT),
    "arrangementen:afspraak_verwijderen": post_only,
    "arrangementen:afspraak_verplaatsen": post_only,
    "arrangementen:partij_nieuw": with_permission(rollen.DRAFT),
    "arrangementen:partij_verwijderen": post_only,
    # The matrix opens the confirmation page of "indienen" on a concept arrangement.
    "arrangementen:overgang": with_permission(rollen.DRAFT),
    "arrangementen:opmerking_nieuw": post_only,
    "arrangementen:opmerking_oplossen": post_only,
    "arrangementen:herziening": post_only,
    "arrangementen:geschiedenis": driehoek_member,
    "arrangementen:vergelijk": driehoek_member,
    "api:schema": public,
    "api:api-root": api_logged_in,
    "api:driehoek-list": api_logged_in,
    "api:driehoek-detail": api_member,
    "api:arrangement-list": api_logged_in,
    "api:arrangement-detail": api_member,
    "api:arrangement-afspraken": api_post_only,
    "api:arrangement-transitie": api_post_only,
    "actiepunten:mijn": logged_in,
    "actiepunten:instellingen": logged_in,
    # The matrix asks for an unknown token: no login needed, and nothing to find.
    "actiepunten:agenda": unknown_token,
    "actiepunten:actielijst": driehoek_member,
    "actiepunten:actiepunt_nieuw": with_permission(rollen.MANAGE_ACTIEPUNTEN),
    "actiepunten:overleggen": driehoek_member,
    "actiepunten:overleg_nieuw": with_permission(rollen.MANAGE_OVERLEG),
    "actiepunten:overleg": driehoek_member,
    "actiepunten:overleg_bewerken": with_permission(rollen.MANAGE_OVERLEG),
    "actiepunten:importeren": with_permission(rollen.MANAGE_ACTIEPUNTEN),
    "actiepunten:actiepunt": driehoek_member,
    "actiepunten:actiepunt_bewerken": with_permission(rollen.MANAGE_ACTIEPUNTEN),
    "actiepunten:actiepunt_status": post_only,
    "actiepunten:verslag_pdf": driehoek_member,
    "api:overleg-list": api_logged_in,
    "api:overleg-detail": api_member,
    "api:actiepunt-list": api_logged_in,
    "api:actiepunt-detail": api_member,
    "api:actiepunt-status": api_post_only,
    # The site's rule (one selector): another driehoek 404, no export right 403, no PDF in the matrix world 404.
    "api:arrangement-pdf": lambda role, scope: (403 if role == ANONYMOUS
                                                else with_permission_or_404(rollen.EXPORT)(role, scope)),
    # The matrix world's arrangement is a concept: every member may download its CONCEPT PDF.
    "arrangementen:document_concept": driehoek_member,
    "arrangementen:document_maken": post_only,
    "arrangementen:document_download": with_permission_or_404(rollen.EXPORT),
    "arrangementen:document_ondertekenen": with_permission_or_404(rollen.SIGN),
    "arrangementen:document_herinneren": post_only,
    "verifieer": public,
    "gezondheid": public,
    "beveiliging:auditlog": beheerders_only,
    "beveiliging:auditlog_export": beheerders_only,
    "beveiliging:toegangsoverzicht": beheerders_only,
    "beveiliging:toegangsoverzicht_export": beheerders_only,
    # force_login completes the second step, so there is nothing left to verify: on to the next page.
    "login_verificatie": lambda role, scope: 302,
    "account:tweestaps": logged_in,
    "account:tweestaps_instellen": logged_in,
    "account:herstelcodes": post_only,
    "account:tweestaps_uitschakelen": post_only,
    "account:api_tokens": logged_in,
    "account:api_token_intrekken": post_only,
    # An invitation link with a made-up token: the Dutch "link werkt niet meer" page, for anyone.
    "account:uitnodiging": lambda role, scope: 410,
    # Login through the organisation's identity provider is off in the test settings.
    "oidc_start": unknown_token,
    "oidc_terug": unknown_token,
}

ADMIN_MODEL = re.compile(r"^beheer/(?P<app>\w+)/(?P<model>\w+)/")


def admin_rule(pattern: Pattern, role: str) -> int:
    """The admin is for beheerders only; everyone else is sent to the admin login."""
    if pattern.name == "admin:login":
        return 302 if role == BEHEERDER else 200
    if role != BEHEERDER:
        return 302
    match = ADMIN_MODEL.match(pattern.route)
    if pattern.name == "admin:logout":
        return 405
    if pattern.name in ("admin:view_on_site",) or pattern.route.endswith("(?P<url>.*)$"):
        return 404  # no model has a public page; unknown admin paths are not found
    if pattern.name == "admin:autocomplete":
        return 403  # without a field to complete there is nothing a beheerder may see
    if pattern.name is None and match:
        return 302  # <object_id>/ redirects to the change page
    if pattern.name == "admin:samenwerking_apitoken_delete":
        return 403  # API tokens are revoked, never deleted
    if match and match["app"] in BEHEER_MODELS:
        return 200 if match["model"] in BEHEER_MODELS[match["app"]] else 403
    if match and match["app"] == "auth":
        if pattern.name == "admin:auth_user_password_change":
            return 200
        return 403  # groups and permissions are set up in code, not by beheerders
    return 200  # index, app list, password change, jsi18n


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
        OrganisatieFactory()
        District.objects.create(eenheid=own.eenheid, naam="District Matrix")
        Werkgebied.objects.create(basisteam=own.basisteam, gemeente=own.gemeenten.first(),
                                  dekking=Werkgebied.Dekking.GEHEEL)
        load_library()
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
            arrangementen[scope] = arrangement
        overleggen, actiepunten = {}, {}
        for scope, driehoek in (("eigen", own), ("andere", other)):
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
        yield {"eigen": own, "andere": other, "users": users, "arrangementen": arrangementen,
               "overleggen": overleggen, "actiepunten": actiepunten}
        transaction.set_rollback(True)


ADMIN_MODELS = {
    "apitoken": ApiToken,
    "ondertekeningssleutel": Ondertekeningssleutel, "mandaat": Mandaat,
    "onderwerp": Onderwerp, "modelafspraak": Modelafspraak,
    "eenheid": Eenheid, "veiligheidsregio": Veiligheidsregio, "district": District,
    "gemeente": Gemeente, "basisteam": Basisteam, "werkgebied": Werkgebied,
    "organisatie": Organisatie, "lidmaatschap": Lidmaatschap, "gebruiker": Gebruiker,
    "overleg": Overleg, "actiepunt": Actiepunt, "herinnering": Herinnering, "signalering": Signalering,
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
    elif route.startswith("actiepunten/agenda/"):
        route = route.replace("<str:token>", "onbekend-token")
    elif route.startswith(("arrangementen/", "api/v1/arrangementen")):
        arrangement = world["arrangementen"][scope]
        for param in OBJECT_PARAMS:
            route = route.replace(param, str(arrangement.pk))
        route = (route.replace("<int:afspraak_pk>", str(arrangement.afspraken.first().pk))
                 .replace("<int:partij_pk>", str(arrangement.partijen.first().pk))
                 .replace("<int:opmerking_pk>", str(arrangement.opmerkingen.first().pk))
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
    return RULES[pattern.key](role, scope)


def cases():
    for pattern in walk():
        scopes = ["eigen", "andere"] if needs_driehoek(pattern) else ["eigen"]
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
