"""The section "Publicatie en geweldsmiddelen" on the arrangement page (arrangementen.aanvullingen)."""

from samenwerking import toegang

from . import adviesondertekening, publicatie
from .aanvullingen import Aanvulling, register
from .models import Geweldsadvies, Status


def _context(user, arrangement, rechten: set[str]) -> dict | None:
    # Only a signed arrangement is published or advised on; the history page (no rights passed) leaves it out.
    if arrangement.status != Status.ONDERTEKEND or toegang.VIEW not in rechten:
        return None
    return {
        "pk": arrangement.pk,
        "citeertitel": publicatie.citeertitel(arrangement),
        "cvdr": arrangement.cvdr_referentie,
        "cvdr_link": publicatie.cvdr_link(arrangement.cvdr_referentie),
        "adviezen": adviesondertekening.with_signatures(arrangement, list(
            Geweldsadvies.objects.filter(arrangement=arrangement).select_related("boa_organisatie")),
            signer=user if toegang.SIGN in rechten else None),
        "kan_adviseren": toegang.ADOPT in rechten,
        "kan_downloaden": toegang.EXPORT in rechten,
    }


def register_section() -> None:
    register(aanvulling=Aanvulling(sleutel="publicatie", template="arrangementen/_publicatie.html",
                                   context=_context))
