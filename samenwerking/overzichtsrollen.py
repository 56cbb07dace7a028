"""Every write of scope memberships (Overzichtslidmaatschap, issue 16): keyword-only, validated, atomic, recorded
in the security log with the membership events. There are no permission rows to sync: the dated membership is the
grant (see samenwerking.toegang.overview_scopes for why)."""

import datetime

from django.db import transaction
from django.utils import timezone

from . import audit
from .models import Auditregel, Eenheid, Gebruiker, Overzichtslidmaatschap, Veiligheidsregio


def _snapshot(pk) -> dict | None:
    if pk is None:
        return None
    return Overzichtslidmaatschap.objects.filter(pk=pk).values(
        "gebruiker_id", "niveau", "eenheid_id", "veiligheidsregio_id", "actief_van", "actief_tot").first()


def _record(gebeurtenis: str, lidmaatschap: Overzichtslidmaatschap, *, before: dict | None = None) -> None:
    details = {"gebruiker": lidmaatschap.gebruiker.get_username(), "overzicht": lidmaatschap.scope_naam,
               "niveau": lidmaatschap.niveau, "actief_van": lidmaatschap.actief_van,
               "actief_tot": lidmaatschap.actief_tot}
    if before:
        details["voorheen"] = before
    audit.record(gebeurtenis, obj=lidmaatschap, details=details)


@transaction.atomic
def grant_overview(
    *,
    gebruiker: Gebruiker,
    niveau: str,
    eenheid: Eenheid | None = None,
    veiligheidsregio: Veiligheidsregio | None = None,
    actief_van: datetime.date | None = None,
    actief_tot: datetime.date | None = None,
) -> Overzichtslidmaatschap:
    """Give a user the aggregate view of an eenheid, a veiligheidsregio or (niveau landelijk) the country."""
    lidmaatschap = Overzichtslidmaatschap(
        gebruiker=gebruiker, niveau=niveau, eenheid=eenheid, veiligheidsregio=veiligheidsregio,
        actief_van=actief_van or timezone.localdate(), actief_tot=actief_tot,
    )
    lidmaatschap.full_clean()
    lidmaatschap.save()
    _record(Auditregel.Gebeurtenis.LIDMAATSCHAP_TOEGEKEND, lidmaatschap)
    return lidmaatschap


@transaction.atomic
def save_overview(*, lidmaatschap: Overzichtslidmaatschap) -> Overzichtslidmaatschap:
    """Save a scope membership edited elsewhere (the beheer), recording what changed."""
    before = _snapshot(lidmaatschap.pk)
    lidmaatschap.full_clean()
    lidmaatschap.save()
    _record(Auditregel.Gebeurtenis.LIDMAATSCHAP_GEWIJZIGD if before else Auditregel.Gebeurtenis.LIDMAATSCHAP_TOEGEKEND,
            lidmaatschap, before=before)
    return lidmaatschap


@transaction.atomic
def end_overview(*, lidmaatschap: Overzichtslidmaatschap, per: datetime.date | None = None) -> Overzichtslidmaatschap:
    """End a scope membership; without a date it ends today, and the view is gone at once."""
    per = per or timezone.localdate()
    lidmaatschap = Overzichtslidmaatschap.objects.select_for_update().get(pk=lidmaatschap.pk)
    lidmaatschap.actief_tot = max(per, lidmaatschap.actief_van)
    lidmaatschap.full_clean()
    lidmaatschap.save()
    _record(Auditregel.Gebeurtenis.LIDMAATSCHAP_BEEINDIGD, lidmaatschap)
    return lidmaatschap


@transaction.atomic
def delete_overview(*, lidmaatschap: Overzichtslidmaatschap) -> None:
    _record(Auditregel.Gebeurtenis.LIDMAATSCHAP_VERWIJDERD, lidmaatschap)
    lidmaatschap.delete()
