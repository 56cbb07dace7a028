"""The evaluations section on the arrangement page and its history, registered into arrangementen.aanvullingen."""

from arrangementen.aanvullingen import Aanvulling, register
from arrangementen.models import Status
from samenwerking import toegang

from . import selectors


def _context(user, arrangement, rechten: set[str]) -> dict | None:
    # Only a signed arrangement is evaluated: other pages ask nothing more of the database.
    if arrangement.status != Status.ONDERTEKEND:
        return None
    return {
        "evaluaties": selectors.evaluaties_van_arrangement(arrangement),
        "kan_vastleggen": toegang.MANAGE_OVERLEG in rechten,
        "arrangement": arrangement,
    }


def register_section() -> None:
    register(aanvulling=Aanvulling(sleutel="evaluaties", template="actiepunten/_arrangement_evaluaties.html",
                                   context=_context))
