"""The publication of a signed arrangement in the Gemeenteblad (issue 20, item 4): its citeertitel, the date it
enters into force, and afterwards the CVDR identifier or URL under which the overheid lists it.

The text to publish is arrangementen.publicatietekst; this module holds the rules and the writes.
"""

import datetime
import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import toegang
from samenwerking.historie import save_tracked

from .models import Arrangement, Status

CVDR_IDENTIFICATIE = re.compile(r"CVDR\d{1,12}")
# The CVDR is published on lokaleregelgeving.overheid.nl; older links point at the same collection elsewhere.
CVDR_HOSTS = frozenset({"lokaleregelgeving.overheid.nl", "decentrale.regelgeving.overheid.nl",
                        "zoekservice.overheid.nl"})
CVDR_BASIS = "https://lokaleregelgeving.overheid.nl/"


def citeertitel(arrangement: Arrangement) -> str:
    """The citeertitel as set, or the title with its version, as the agreement's last artikel has always said."""
    return arrangement.citeertitel.strip() or f"{arrangement.titel}, versie {arrangement.versie}"


def inwerkingtreding(arrangement: Arrangement) -> datetime.date | None:
    """The day it enters into force: geldig_van, but never before the day the last party signed (the
    levensfase rule in arrangementen.models.levensfase)."""
    signed = timezone.localdate(arrangement.ondertekend_op) if arrangement.ondertekend_op else None
    days = [d for d in (arrangement.geldig_van, signed) if d is not None]
    return max(days) if days else None


def refusal(arrangement: Arrangement) -> str:
    """Why there is no publication version yet ("" when there is one): only a text every party signed."""
    if arrangement.status != Status.ONDERTEKEND:
        return _("Een publicatieversie is er pas als alle partijen het arrangement hebben ondertekend (nu: "
                 "%(status)s).") % {"status": arrangement.get_status_display()}
    return ""


def normalise_cvdr(value: str) -> str:
    """'CVDR755740' or a https URL on the overheid's CVDR site naming one; else a Dutch error naming the field."""
    value = value.strip()
    if not value:
        return ""
    if CVDR_IDENTIFICATIE.fullmatch(value.upper().replace(" ", "")):
        return value.upper().replace(" ", "")
    parts = urlsplit(value)
    if (parts.scheme == "https" and (parts.hostname or "").lower() in CVDR_HOSTS
            and re.search(r"CVDR\d+", parts.path + "?" + parts.query, flags=re.IGNORECASE)):
        return value
    raise ValidationError({"cvdr_referentie": _(
        "CVDR-identificatie of -URL: vul een identificatie in als CVDR755740 (de letters CVDR en cijfers), of een "
        "https-adres op lokaleregelgeving.overheid.nl dat zo'n identificatie bevat.")})


def cvdr_link(value: str) -> str:
    """The address to open for a stored reference ("" when none)."""
    if not value:
        return ""
    return value if value.startswith("https://") else CVDR_BASIS + value


def cvdr_identificatie(value: str) -> str:
    """The CVDR number in a stored reference, e.g. 'CVDR755740' ("" when none)."""
    match = re.search(r"CVDR\d+", value or "", flags=re.IGNORECASE)
    return match.group(0).upper() if match else ""


def _locked(arrangement: Arrangement, user) -> Arrangement:
    locked = Arrangement.objects.select_for_update().select_related("driehoek").get(pk=arrangement.pk)
    toegang.require(user, locked, permission=toegang.ADOPT,
                    refusal=_("Alleen de secretaris van de driehoek legt de publicatie vast."))
    return locked


@transaction.atomic
def set_citeertitel(*, arrangement: Arrangement, user, citeertitel: str) -> Arrangement:
    """The secretaris sets the citeertitel; empty brings back the default."""
    locked = _locked(arrangement, user)
    locked.citeertitel = citeertitel.strip()
    return save_tracked(locked, user, reason=_("Citeertitel vastgelegd"))


@transaction.atomic
def record_cvdr(*, arrangement: Arrangement, user, cvdr_referentie: str) -> Arrangement:
    """After publication: the CVDR identifier or URL, in a validated form; only for a signed arrangement."""
    locked = _locked(arrangement, user)
    if reason := refusal(locked):
        raise ValidationError({"cvdr_referentie": reason})
    locked.cvdr_referentie = normalise_cvdr(cvdr_referentie)
    return save_tracked(locked, user, reason=_("Publicatie in het CVDR vastgelegd"))
