"""Writes to the geweldsmiddelen per BOA-organisatie and domein (issue 20, item 1): like the afspraken, only in
concept, with DRAFT permission and on the current version (a stale edit is refused with what others changed).

A row names a BOA-werkgever that is a party of the arrangement (not the politie or the OM: their people are no
boa's) and a domein in which the arrangement has BOA-inzet: a geweldsmiddel outside the agreed inzet has no
arrangement to rest on. The rules the herziening and the party removal share live in geweldregels.py.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking.historie import save_tracked
from samenwerking.models import Organisatie

from .geweldregels import boa_werkgevers, domeinen_met_inzet
from .models import Arrangement, Domein, Geweldsmiddel, Geweldsmiddeltoekenning
from .services import lock_for_edit


@dataclass
class Toekenninggegevens:
    """What the form hands over."""

    organisatie: Organisatie | None
    domein: str
    geweldsmiddel: str
    toegekend_op: datetime.date | None = None
    kenmerk: str = ""


def _check(arrangement: Arrangement, gegevens: Toekenninggegevens, *, zelf: int | None) -> None:
    errors = {}
    if gegevens.organisatie is None:
        errors["organisatie"] = _("Kies de BOA-organisatie.")
    elif not boa_werkgevers(arrangement).filter(pk=gegevens.organisatie.pk).exists():
        errors["organisatie"] = _("De BOA-organisatie moet een partij van het arrangement zijn, en niet de politie "
                                  "of het Openbaar Ministerie.")
    domeinen = domeinen_met_inzet(arrangement)
    if gegevens.domein not in Domein.values:
        errors["domein"] = _("Kies een domein uit de lijst.")
    elif gegevens.domein not in domeinen:
        errors["domein"] = _("Het arrangement heeft geen BOA-inzet in domein %(domein)s. Kies een domein met "
                             "BOA-inzet (%(domeinen)s), of vul eerst de BOA-inzet aan.") % {
            "domein": Domein(gegevens.domein).label, "domeinen": ", ".join(domeinen) or _("geen")}
    if gegevens.geweldsmiddel not in Geweldsmiddel.values:
        errors["geweldsmiddel"] = _("Kies een geweldsmiddel uit de lijst.")
    if gegevens.toegekend_op and gegevens.toegekend_op > timezone.localdate():
        errors["toegekend_op"] = _("De datum van de toekenning ligt in de toekomst; vul de datum van het besluit in.")
    if not errors and arrangement.geweldsmiddeltoekenningen.filter(
            organisatie=gegevens.organisatie, domein=gegevens.domein, geweldsmiddel=gegevens.geweldsmiddel,
    ).exclude(pk=zelf).exists():
        errors["geweldsmiddel"] = _("Deze organisatie heeft dit geweldsmiddel in dit domein al.")
    if errors:
        raise ValidationError(errors)


def _apply(toekenning: Geweldsmiddeltoekenning, gegevens: Toekenninggegevens, user) -> Geweldsmiddeltoekenning:
    toekenning.organisatie = gegevens.organisatie
    toekenning.domein, toekenning.geweldsmiddel = gegevens.domein, gegevens.geweldsmiddel
    toekenning.toegekend_op, toekenning.kenmerk = gegevens.toegekend_op, gegevens.kenmerk.strip()
    return save_tracked(toekenning, user)


@transaction.atomic
def add_toekenning(*, arrangement: Arrangement, user, expected_version: int,
                   gegevens: Toekenninggegevens) -> Geweldsmiddeltoekenning:
    locked = lock_for_edit(arrangement, user, expected_version)
    _check(locked, gegevens, zelf=None)
    save_tracked(locked, user)
    return _apply(Geweldsmiddeltoekenning(arrangement=locked), gegevens, user)


@transaction.atomic
def update_toekenning(*, toekenning: Geweldsmiddeltoekenning, user, expected_version: int,
                      gegevens: Toekenninggegevens) -> Geweldsmiddeltoekenning:
    locked = lock_for_edit(toekenning.arrangement, user, expected_version)
    _check(locked, gegevens, zelf=toekenning.pk)
    save_tracked(locked, user)
    return _apply(toekenning, gegevens, user)


@transaction.atomic
def delete_toekenning(*, toekenning: Geweldsmiddeltoekenning, user, expected_version: int) -> None:
    locked = lock_for_edit(toekenning.arrangement, user, expected_version)
    save_tracked(locked, user)
    toekenning._history_user = user
    toekenning.delete()
