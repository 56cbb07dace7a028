"""The rules of the generated permission matrix (tests/test_permission_matrix.py): the URL patterns read from
the URL conf, and per URL name what each role may expect on its own and on another driehoek."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from samenwerking import rollen
from samenwerking.models import WERKGROEP_ROLLEN, Rol
from samenwerking.permissions_setup import BEHEER_MODELS
from samenwerking.rollen import ROLE_PERMISSIONS

ANONYMOUS = "anoniem"
BEHEERDER = "beheerder"
# Above the driehoek (issue 16): a landelijk overview and one of the own driehoek's eenheid. Neither is a member of
# a driehoek, so every rule gives them what it gives any logged-in non-member: 404 on every driehoek's content.
OVERZICHT_LANDELIJK = "overzicht-landelijk"
OVERZICHT_EENHEID = "overzicht-eenheid"
ROLES = [ANONYMOUS, *[r.value for r in Rol], OVERZICHT_LANDELIJK, OVERZICHT_EENHEID, BEHEERDER]
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


# Werkgroepen (issue 18): a werkgroep is a Driehoek of soort werkgroep. The matrix makes the own driehoek's
# secretaris, coördinator and lezer its members; every other role — also a reviewer or ondertekenaar who shares
# the own driehoek with them — is a non-member there. Checked on every URL of its page, overleggen and actiepunten.
WERKGROEP_ROLES = {r.value for r in WERKGROEP_ROLLEN}
WERKGROEP_ROUTES = ("driehoeken/", "actiepunten/", "api/v1/driehoeken/", "api/v1/overleggen/", "api/v1/actiepunten/")


def werkgroep_case(pattern: Pattern) -> bool:
    return needs_driehoek(pattern) and pattern.route.startswith(WERKGROEP_ROUTES)


def werkgroep_scope(role: str) -> str:
    """A werkgroep member gets the answer a member gets in the own driehoek; anyone else a non-member's."""
    return "eigen" if role in WERKGROEP_ROLES else "andere"


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


def overview_users(role, scope):
    """The aggregate page above the driehoek: for scope users only; a driehoek member without one gets 403."""
    if role == ANONYMOUS:
        return 302
    return 200 if role in (OVERZICHT_LANDELIJK, OVERZICHT_EENHEID) else 403


def overview_of_gemeente(role, scope):
    """A gemeente's aggregate detail: in the scope of a landelijk user (both), of the eenheid user only the own
    driehoek's gemeente; out of sight, like any object, 404."""
    if role == ANONYMOUS:
        return 302
    if role == OVERZICHT_LANDELIJK or (role == OVERZICHT_EENHEID and scope == "eigen"):
        return 200
    return 404


def api_overview_users(role, scope):
    """The aggregate API (JSON and GeoJSON): like the page, for scope users only; everyone else 403."""
    return 200 if role in (OVERZICHT_LANDELIJK, OVERZICHT_EENHEID) else 403


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
    "arrangementen:afspraak_terugzetten": post_only,
    "arrangementen:stroom_nieuw": with_permission(rollen.DRAFT),
    "arrangementen:stroom_bewerken": with_permission(rollen.DRAFT),
    "arrangementen:stroom_verwijderen": post_only,
    "arrangementen:toekenning_nieuw": with_permission(rollen.DRAFT),
    "arrangementen:toekenning_bewerken": with_permission(rollen.DRAFT),
    "arrangementen:toekenning_verwijderen": post_only,
    "arrangementen:partij_nieuw": with_permission(rollen.DRAFT),
    "arrangementen:partij_verwijderen": post_only,
    # The matrix opens the confirmation page of "indienen" on a concept arrangement.
    "arrangementen:overgang": with_permission(rollen.DRAFT),
    "arrangementen:opmerking_nieuw": post_only,
    "arrangementen:opmerking_oplossen": post_only,
    "arrangementen:herziening": post_only,
    # The matrix world's arrangement is a concept: an ondertekenaar is sent back to it with the reason.
    "arrangementen:opzeggen": lambda role, scope: (302 if with_permission(rollen.SIGN)(role, scope) == 200
                                                   else with_permission(rollen.SIGN)(role, scope)),
    "arrangementen:geschiedenis": driehoek_member,
    "arrangementen:vergelijk": driehoek_member,
    # The register of data flows (issue 15): over the user's own driehoeken, and per driehoek (its pk).
    "gegevensdeling:register": logged_in,
    "gegevensdeling:driehoek": driehoek_member,
    "api:schema": public,
    "api:api-root": api_logged_in,
    "api:driehoek-list": api_logged_in,
    "api:driehoek-detail": api_member,
    "api:arrangement-list": api_logged_in,
    "api:arrangement-detail": api_member,
    "api:arrangement-afspraken": api_post_only,
    "api:arrangement-transitie": api_post_only,
    "api:arrangement-opzeggen": api_post_only,
    # The register of data flows (issue 15): every member reads it; one flow is only written (PUT/DELETE).
    "api:arrangement-gegevensstromen": api_member,
    "api:arrangement-gegevensstroom": api_post_only,
    # Geweldsmiddelen per BOA-organisatie (issue 20): every member reads them; one row is only written (PUT/DELETE).
    "api:arrangement-geweldsmiddelen": api_member,
    "api:arrangement-geweldsmiddel": api_post_only,
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
    # The meeting cycle and follow-up (issue 18): the secretaris plans, writes, finalises and sends; notes are posted.
    "actiepunten:volgend_overleg": with_permission(rollen.MANAGE_OVERLEG),
    "actiepunten:verslag_schrijven": with_permission(rollen.MANAGE_OVERLEG),
    "actiepunten:verslag_vaststellen": post_only,
    "actiepunten:verslag_versturen": post_only,
    "actiepunten:voortgang": post_only,
    # Evaluations (issue 14): the matrix world has no evaluation, so its pages and PDF answer 404 to members too;
    # recording one is the secretaris' (without an arrangement in force the page says so).
    "actiepunten:evaluaties": driehoek_member,
    "actiepunten:evaluatie_nieuw": with_permission(rollen.MANAGE_OVERLEG),
    "actiepunten:evaluatie": with_permission_or_404(rollen.VIEW),
    "actiepunten:evaluatie_pdf": with_permission_or_404(rollen.VIEW),
    "actiepunten:evaluatie_actiepunt": post_only,
    "actiepunten:evaluatie_herziening": post_only,
    "api:evaluatie-list": api_logged_in,
    "api:evaluatie-detail": lambda role, scope: 403 if role == ANONYMOUS else 404,
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
    # Publication and geweldsmiddelen advice (issue 20): the matrix world's arrangement is a concept, so the page
    # says there is no publication version yet and the downloads send a member back to it; the advice form (the
    # secretaris') explains it needs an arrangement in force; the matrix world has no advice to download.
    "arrangementen:publicatie": driehoek_member,
    "arrangementen:publicatie_cvdr": post_only,
    "arrangementen:publicatie_pdf": lambda role, scope: 302 if driehoek_member(role, scope) == 200 else
    driehoek_member(role, scope),
    "arrangementen:publicatie_html": lambda role, scope: 302 if driehoek_member(role, scope) == 200 else
    driehoek_member(role, scope),
    "arrangementen:publicatie_tekst": lambda role, scope: 302 if driehoek_member(role, scope) == 200 else
    driehoek_member(role, scope),
    "arrangementen:geweldsadvies_nieuw": with_permission(rollen.ADOPT),
    "arrangementen:geweldsadvies_download": with_permission_or_404(rollen.EXPORT),
    # Signing an advice: only a signatory of the driehoek; the matrix world has no advice (404).
    "arrangementen:geweldsadvies_ondertekenen": with_permission_or_404(rollen.SIGN),
    "verifieer": public,
    "beeld:overzicht": overview_users,
    "beeld:gemeente": overview_of_gemeente,
    "api:beeld-list": api_overview_users,
    "api:beeld-geojson": api_overview_users,
    "beeld:vergelijk": overview_users,
    # The kennisbank (issue 17): read by every logged-in user; an offer only by the driehoek's secretaris (its
    # right to adopt); the review of offers only by beheer.
    "kennisbank:overzicht": logged_in,
    "kennisbank:bibliotheek": logged_in,
    "kennisbank:praktijk": logged_in,
    "kennisbank:aanbiedingen": beheerders_only,
    "kennisbank:beoordelen": beheerders_only,
    "arrangementen:afspraak_aanbieden": with_permission(rollen.ADOPT),
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
