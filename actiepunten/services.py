"""Every write in actiepunten. Keyword-only arguments, validated, atomic; the acting user set on history."""

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import toegang
from samenwerking.historie import save_tracked as _save
from samenwerking.models import Driehoek

from . import berichten, selectors, verzending, workflow  # noqa: F401 - berichten: read via services in tests
from .cyclus import agenda as cyclus_agenda
from .cyclus import vervolg
from .models import (
    Actiepunt,
    Agendakoppeling,
    Deelname,
    Overleg,
    Voorkeur,
)
from .opmaak import stored_verslag
from .workflow import TransitionRefused  # noqa: F401 - what change_status raises for a refused change

logger = logging.getLogger(__name__)

OVERLEG_FIELDS = ["soort", "titel", "datum", "begintijd", "eindtijd", "locatie", "voorzitter",
                  "voorzitter_extern", "secretaris", "secretaris_extern", "verslag"]
ACTIEPUNT_FIELDS = ["onderwerp", "eigenaar", "extern_naam", "extern_email", "extern_organisatie", "datum_gereed",
                    "toelichting", "arrangement", "afspraak"]


# --- overleggen -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deelnemer:
    """A deelnemer (aanwezig) or afwezige: a user, or an external person with name and organisation."""

    gebruiker: object = None
    naam: str = ""
    organisatie: str = ""
    aanwezig: bool = True


def _check_members(driehoek: Driehoek, users, field: str):
    members = set(selectors.members_of(driehoek).values_list("pk", flat=True))
    strangers = [str(u) for u in users if u is not None and u.pk not in members]
    if strangers:
        raise ValidationError({field: _("Geen lid van deze driehoek: %(namen)s.") % {"namen": ", ".join(strangers)}})


def _replace_children(overleg: Overleg, user, *, personen: list[Deelnemer], agenda: list[str], besluiten: list[str]):
    for child in overleg.deelnames.all():
        child._history_user = user
        child.delete()
    for persoon in personen:
        _save(Deelname(overleg=overleg, gebruiker=persoon.gebruiker, naam=persoon.naam.strip()[:200],
                       organisatie=persoon.organisatie.strip()[:200], aanwezig=persoon.aanwezig), user)
    # Kept row by row: the verslag per agendapunt, the besluiten's agendapunt and carried actiepunten stay.
    cyclus_agenda.sync_agenda(overleg, user, agenda)
    cyclus_agenda.sync_besluiten(overleg, user, besluiten)


def _apply_overleg(overleg: Overleg, user, data: dict, deelnemers: list[Deelnemer], agenda, besluiten):
    for name in OVERLEG_FIELDS:
        if name in data:
            setattr(overleg, name, data[name])
    overleg.verslag = stored_verslag(overleg.verslag)
    overleg.titel, overleg.locatie = overleg.titel.strip(), overleg.locatie.strip()
    if overleg.begintijd and overleg.eindtijd and overleg.eindtijd < overleg.begintijd:
        raise ValidationError({"eindtijd": _("De eindtijd ligt vóór de begintijd.")})
    _check_members(overleg.driehoek, [overleg.voorzitter, overleg.secretaris], "voorzitter")
    _check_members(overleg.driehoek, [d.gebruiker for d in deelnemers], "deelnemers")
    _save(overleg, user)
    _replace_children(overleg, user, personen=deelnemers, agenda=agenda, besluiten=besluiten)
    return overleg


@transaction.atomic
def create_overleg(*, driehoek: Driehoek, user, data: dict, deelnemers: list[Deelnemer] = (),
                   agenda: list[str] = (), besluiten: list[str] = ()) -> Overleg:
    toegang.require(user, driehoek, permission=toegang.MANAGE_OVERLEG)
    return _apply_overleg(Overleg(driehoek=driehoek), user, data, list(deelnemers), agenda, besluiten)


@transaction.atomic
def update_overleg(*, overleg: Overleg, user, data: dict, deelnemers: list[Deelnemer] = (),
                   agenda: list[str] = (), besluiten: list[str] = ()) -> Overleg:
    locked = Overleg.objects.select_for_update().select_related("driehoek").get(pk=overleg.pk)
    toegang.require(user, locked.driehoek, permission=toegang.MANAGE_OVERLEG)
    return _apply_overleg(locked, user, data, list(deelnemers), agenda, besluiten)


# --- actiepunten ----------------------------------------------------------------------------------

def _check_actiepunt(actiepunt: Actiepunt):
    """Links stay inside the driehoek; the eigenaar is a member, or an external person with a name."""
    errors = {}
    driehoek = actiepunt.driehoek
    if actiepunt.overleg_id and actiepunt.overleg.driehoek_id != driehoek.pk:
        errors["overleg"] = _("Dit overleg hoort bij een andere driehoek.")
    if actiepunt.arrangement_id and actiepunt.arrangement.driehoek_id != driehoek.pk:
        errors["arrangement"] = _("Dit arrangement hoort bij een andere driehoek.")
    if actiepunt.afspraak_id:
        if actiepunt.arrangement_id is None:
            actiepunt.arrangement = actiepunt.afspraak.arrangement
        if actiepunt.afspraak.arrangement_id != actiepunt.arrangement_id:
            errors["afspraak"] = _("Deze afspraak hoort niet bij het gekozen arrangement.")
        elif actiepunt.arrangement.driehoek_id != driehoek.pk:
            errors["afspraak"] = _("Deze afspraak hoort bij een andere driehoek.")
    if actiepunt.eigenaar_id:
        if not selectors.members_of(driehoek).filter(pk=actiepunt.eigenaar_id).exists():
            errors["eigenaar"] = _("%(naam)s is geen lid van deze driehoek.") % {"naam": actiepunt.eigenaar}
        actiepunt.extern_naam = actiepunt.extern_email = actiepunt.extern_organisatie = ""
    elif not actiepunt.extern_naam.strip():
        errors["eigenaar"] = _("Kies een eigenaar, of vul de naam van een externe eigenaar in.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_actiepunt(*, driehoek: Driehoek, user, data: dict, overleg: Overleg | None = None,
                     nummer: int | None = None, evaluatie=None, medeeigenaren: list | None = None,
                     mede_namen: list[str] | None = None) -> Actiepunt:
    toegang.require(user, driehoek, permission=toegang.MANAGE_ACTIEPUNTEN)
    # The row lock serialises numbering per overleg (or per driehoek for actiepunten without one).
    if overleg is not None:
        Overleg.objects.select_for_update().get(pk=overleg.pk)
    else:
        Driehoek.objects.select_for_update().get(pk=driehoek.pk)
    if nummer is None:
        nummer = selectors.next_number(driehoek=driehoek, overleg=overleg)
    elif nummer in selectors.existing_numbers(driehoek=driehoek, overleg=overleg):
        raise ValidationError({"nummer": _("Nummer %(nr)s bestaat al.") % {"nr": nummer}})
    actiepunt = Actiepunt(driehoek=driehoek, overleg=overleg, nummer=nummer, evaluatie=evaluatie,
                          **{k: v for k, v in data.items() if k in ACTIEPUNT_FIELDS})
    actiepunt.onderwerp = actiepunt.onderwerp.strip()
    _check_actiepunt(actiepunt)
    return _after_save(_save(actiepunt, user), user, medeeigenaren, mede_namen)


def _after_save(actiepunt: Actiepunt, user, medeeigenaren, mede_namen) -> Actiepunt:
    """Co-owners replaced when given; the eigenaar's one toewijzingsmail claimed (sent after commit)."""
    if medeeigenaren is not None or mede_namen is not None:
        vervolg.set_medeeigenaren(actiepunt=actiepunt, user=user, gebruikers=medeeigenaren or [],
                                  namen=mede_namen or [])
    vervolg.claim_toewijzing(actiepunt=actiepunt, user=user)
    return actiepunt


@transaction.atomic
def update_actiepunt(*, actiepunt: Actiepunt, user, data: dict, medeeigenaren: list | None = None,
                     mede_namen: list[str] | None = None) -> Actiepunt:
    locked = Actiepunt.objects.select_for_update().select_related("driehoek").get(pk=actiepunt.pk)
    toegang.require(user, locked.driehoek, permission=toegang.MANAGE_ACTIEPUNTEN)
    if "datum_gereed" in data and data["datum_gereed"] is None and locked.datum_gereed is not None:
        raise ValidationError({"datum_gereed": _("Vul de datum gereed in; alleen een actiepunt zonder datum mag "
                                                 "'datum onbekend' blijven.")})
    for name in ACTIEPUNT_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    locked.onderwerp = locked.onderwerp.strip()
    _check_actiepunt(locked)
    return _after_save(_save(locked, user), user, medeeigenaren, mede_namen)


def change_status(*, actiepunt: Actiepunt, user, action: str, toelichting: str = "") -> Actiepunt:
    """A status change through the one table and perform() of actiepunten.workflow (row lock, refusal log)."""
    return workflow.perform(actiepunt=actiepunt, user=user, action=action, toelichting=toelichting)


# --- import ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportRegel:
    rij: int
    nummer: int
    onderwerp: str
    datum_gereed: datetime.date
    eigenaar_id: int | None = None
    extern_naam: str = ""
    extern_email: str = ""
    extern_organisatie: str = ""
    toelichting: str = ""


@transaction.atomic
def import_actiepunten(*, driehoek: Driehoek, user, regels: list[ImportRegel],
                       overleg: Overleg | None = None) -> list[Actiepunt]:
    """All or nothing: the first problem rolls everything back and names its row."""
    toegang.require(user, driehoek, permission=toegang.MANAGE_ACTIEPUNTEN)
    members = {u.pk: u for u in selectors.members_of(driehoek)}
    created = []
    for regel in regels:
        data = {"onderwerp": regel.onderwerp, "datum_gereed": regel.datum_gereed, "toelichting": regel.toelichting,
                "eigenaar": members.get(regel.eigenaar_id), "extern_naam": regel.extern_naam,
                "extern_email": regel.extern_email, "extern_organisatie": regel.extern_organisatie}
        if regel.eigenaar_id and data["eigenaar"] is None:
            raise ValidationError(_("Rij %(rij)s: de eigenaar is geen lid meer van deze driehoek.")
                                  % {"rij": regel.rij})
        try:
            created.append(create_actiepunt(driehoek=driehoek, user=user, data=data, overleg=overleg,
                                            nummer=regel.nummer))
        except ValidationError as error:
            raise ValidationError(_("Rij %(rij)s: %(fout)s") % {"rij": regel.rij, "fout": " ".join(error.messages)}
                                  ) from error
    return created


# --- preferences and calendar ---------------------------------------------------------------------

@transaction.atomic
def set_weekoverzicht(*, user, ontvangen: bool) -> Voorkeur:
    voorkeur, _created = Voorkeur.objects.select_for_update().get_or_create(gebruiker=user)
    voorkeur.weekoverzicht = ontvangen
    return _save(voorkeur, user)


@transaction.atomic
def create_agendakoppeling(*, user) -> str:
    """A new secret feed token; returned once, stored only as a hash."""
    token = secrets.token_urlsafe(32)
    _save(Agendakoppeling(gebruiker=user, token_hash=selectors.hash_token(token)), user)
    return token


@transaction.atomic
def revoke_agendakoppelingen(*, user) -> int:
    revoked = 0
    for koppeling in Agendakoppeling.objects.select_for_update().filter(gebruiker=user, ingetrokken_op=None):
        koppeling.ingetrokken_op = timezone.now()
        _save(koppeling, user)
        revoked += 1
    return revoked


# --- reminders: claim, then send (actiepunten/verzending.py: in batches, exactly once) -----------------

claim_reminders = verzending.claim_reminders
send_reminder = verzending.send_reminder
send_reminders = verzending.send_reminders
