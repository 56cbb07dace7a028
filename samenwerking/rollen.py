"""The one mapping from a role in a driehoek to the guardian permissions it grants on that driehoek.

Arrangementen, overleggen and actiepunten inherit access from their driehoek, so these permissions are
the only object permissions in the product.
"""

from .models import Rol

VIEW = "view_driehoek"
DRAFT = "draft_arrangement"
REVIEW = "review_arrangement"
ADOPT = "adopt_arrangement"
SIGN = "sign_arrangement"
EXPORT = "export_arrangement"
MANAGE_OVERLEG = "manage_overleg"
MANAGE_ACTIEPUNTEN = "manage_actiepunten"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Rol.COORDINATOR: frozenset({VIEW, DRAFT, MANAGE_ACTIEPUNTEN}),
    Rol.REVIEWER: frozenset({VIEW, REVIEW}),
    Rol.SECRETARIS: frozenset({VIEW, ADOPT, EXPORT, MANAGE_OVERLEG, MANAGE_ACTIEPUNTEN}),
    Rol.ONDERTEKENAAR: frozenset({VIEW, SIGN, EXPORT}),
    Rol.PRIVACYADVISEUR: frozenset({VIEW, REVIEW}),
    Rol.LEZER: frozenset({VIEW}),
}

ALL_PERMISSIONS: frozenset[str] = frozenset().union(*ROLE_PERMISSIONS.values())

# Two roles grant the same review permission; the capacity a reviewer decides in tells them apart: for their
# party, or as privacy adviser (arrangementen.goedkeuring; the values of Beoordeling.Hoedanigheid).
FOR_PARTY = "partij"
PRIVACY_ADVICE = "privacy"
ROLE_CAPACITIES: dict[str, str] = {Rol.REVIEWER: FOR_PARTY, Rol.PRIVACYADVISEUR: PRIVACY_ADVICE}

# A system account (a linked system, acting by API token) never reviews, adopts or signs, whatever its role:
# those acts are a person's.
NOT_FOR_SYSTEM_ACCOUNTS: frozenset[str] = frozenset({REVIEW, ADOPT, SIGN})

# A werkgroep has overleggen and actiepunten but no arrangements: no role grants an arrangement right there.
WERKGROEP_PERMISSIONS: frozenset[str] = frozenset({VIEW, MANAGE_OVERLEG, MANAGE_ACTIEPUNTEN})


def permissions_for_roles(roles, *, systeemaccount: bool = False, werkgroep: bool = False) -> frozenset[str]:
    granted = frozenset().union(*(ROLE_PERMISSIONS[rol] for rol in roles))
    if werkgroep:
        granted &= WERKGROEP_PERMISSIONS
    return granted - NOT_FOR_SYSTEM_ACCOUNTS if systeemaccount else granted


def allowed_for(user, codenames):
    """The permissions a user may use of those held: a system account's review, adopt and sign rights never count,
    even where a permission row says otherwise (rows are synced daily; this holds at once)."""
    if getattr(user, "is_systeemaccount", False):
        return set(codenames) - NOT_FOR_SYSTEM_ACCOUNTS
    return codenames
