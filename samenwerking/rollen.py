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
    Rol.LEZER: frozenset({VIEW}),
}

ALL_PERMISSIONS: frozenset[str] = frozenset().union(*ROLE_PERMISSIONS.values())


def permissions_for_roles(roles) -> frozenset[str]:
    return frozenset().union(*(ROLE_PERMISSIONS[rol] for rol in roles))
