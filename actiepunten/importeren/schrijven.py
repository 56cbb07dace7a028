"""Writing a confirmed import: new actiepunten, the changes to existing ones (matched by number), their status
through the workflow table, and the column mapping the driehoek chose. All rows or none."""

import datetime
from collections import deque
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samenwerking import toegang
from samenwerking.historie import save_tracked

from .. import selectors, services, workflow
from ..models import Actiepunt, ImportToewijzing, Overleg, Status
from ..services import ImportRegel


@dataclass(frozen=True)
class Importpunt(ImportRegel):
    status: str = ""  # "": open for a new point, unchanged for an existing one
    uitleg: str = ""  # how the date was read, when it was an interpretation or left open
    bestaand_id: int | None = None
    bestaand_versie: str = ""  # the existing point's gewijzigd_op the preview compared with
    wijzigingen: tuple = ()  # (field label, old, new) for an existing point


def snapshot(actiepunt: Actiepunt) -> dict:
    return {"pk": actiepunt.pk, "onderwerp": actiepunt.onderwerp, "eigenaar_id": actiepunt.eigenaar_id,
            "extern_naam": actiepunt.extern_naam, "datum_gereed": actiepunt.datum_gereed,
            "status": actiepunt.status, "toelichting": actiepunt.toelichting,
            "versie": actiepunt.gewijzigd_op.isoformat(), "naam": actiepunt.eigenaar_naam}


def _datum(day: datetime.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else str(_("datum onbekend"))


def changes(punt: Importpunt, bestaand: dict | None, leden) -> Importpunt:
    """The row compared with the existing point of its number: what the import would change there."""
    if bestaand is None:
        return punt
    names = {lid.pk: lid.naam for lid in leden}
    new_name = names.get(punt.eigenaar_id, "") if punt.eigenaar_id else punt.extern_naam
    found = []
    if punt.onderwerp != bestaand["onderwerp"]:
        found.append((str(_("Onderwerp")), bestaand["onderwerp"], punt.onderwerp))
    if (punt.eigenaar_id, "" if punt.eigenaar_id else punt.extern_naam) != (
            bestaand["eigenaar_id"], "" if bestaand["eigenaar_id"] else bestaand["extern_naam"]):
        found.append((str(_("Wie")), bestaand["naam"], new_name))
    if punt.datum_gereed != bestaand["datum_gereed"]:
        found.append((str(_("Datum gereed")), _datum(bestaand["datum_gereed"]), _datum(punt.datum_gereed)))
    if punt.status and punt.status != bestaand["status"] and not status_path(bestaand["status"], punt.status):
        punt = replace(punt, status="")  # e.g. back from in uitvoering to open: the workflow has no such step
    if punt.status and punt.status != bestaand["status"]:
        found.append((str(_("Status")), str(Status(bestaand["status"]).label), str(Status(punt.status).label)))
    # An empty cell does not wipe what was written in the product since.
    if punt.toelichting and punt.toelichting != bestaand["toelichting"]:
        found.append((str(_("Toelichting")), bestaand["toelichting"], punt.toelichting))
    return Importpunt(**{**punt.__dict__, "bestaand_id": bestaand["pk"], "bestaand_versie": bestaand["versie"],
                         "wijzigingen": tuple(found)})


def status_path(source: str, target: str) -> list[str]:
    """The workflow actions from one status to another (the shortest way through workflow.TRANSITIONS)."""
    paths, queue = {source: []}, deque([source])
    while queue:
        current = queue.popleft()
        if current not in (source, Status.OPEN):
            continue  # never through gereed or vervallen on the way: the history would say it was done
        for transition in workflow.TRANSITIONS:
            if current in transition.sources and transition.target not in paths:
                paths[transition.target] = [*paths[current], transition.action]
                queue.append(transition.target)
    return paths.get(target, [])


@dataclass
class Verwerking:
    actiepunten: list[Actiepunt]
    al_verwerkt: bool = False
    bijgewerkt: list[Actiepunt] = field(default_factory=list)


def _matches(actiepunt: Actiepunt | None, regel: Importpunt) -> bool:
    if actiepunt is None:
        return False
    owner = (regel.eigenaar_id, "" if regel.eigenaar_id else regel.extern_naam)
    return (actiepunt.onderwerp == regel.onderwerp.strip() and actiepunt.datum_gereed == regel.datum_gereed
            and (actiepunt.eigenaar_id, "" if actiepunt.eigenaar_id else actiepunt.extern_naam) == owner
            and (not regel.status or actiepunt.status == regel.status))


def _already_imported(overleg: Overleg, regels: list[Importpunt]) -> bool:
    found = {a.nummer: a for a in Actiepunt.objects.filter(overleg=overleg, nummer__in=[r.nummer for r in regels])}
    return bool(regels) and all(_matches(found.get(r.nummer), r) for r in regels)


def _set_status(actiepunt: Actiepunt, user, regel: Importpunt) -> Actiepunt:
    if not regel.status or regel.status == actiepunt.status:
        return actiepunt
    reason = _("Bijgewerkt uit de geïmporteerde actielijst (rij %(rij)s).") % {"rij": regel.rij}
    for action in status_path(actiepunt.status, regel.status):
        actiepunt = workflow.perform(actiepunt=actiepunt, user=user, action=action, toelichting=reason)
    return actiepunt


def _update(overleg: Overleg, user, regel: Importpunt, members: dict) -> Actiepunt:
    actiepunt = Actiepunt.objects.select_for_update().filter(pk=regel.bestaand_id, overleg=overleg).first()
    if actiepunt is None or actiepunt.gewijzigd_op.isoformat() != regel.bestaand_versie:
        raise ValidationError(_("Rij %(rij)s: actiepunt %(nr)s is intussen gewijzigd of verwijderd. Laad het "
                                "bestand opnieuw.") % {"rij": regel.rij, "nr": regel.nummer})
    data = {"onderwerp": regel.onderwerp, "datum_gereed": regel.datum_gereed,
            "eigenaar": members.get(regel.eigenaar_id)}
    if regel.eigenaar_id is None:
        data.update(extern_naam=regel.extern_naam, extern_email=regel.extern_email or actiepunt.extern_email,
                    extern_organisatie=regel.extern_organisatie or actiepunt.extern_organisatie)
    if regel.toelichting:
        data["toelichting"] = regel.toelichting
    try:
        actiepunt = services.update_actiepunt(actiepunt=actiepunt, user=user, data=data)
        return _set_status(actiepunt, user, regel)
    except ValidationError as error:
        raise ValidationError(_("Rij %(rij)s: %(fout)s") % {"rij": regel.rij, "fout": " ".join(error.messages)}
                              ) from error


def remember(*, driehoek, user, kolommen: dict[str, str]) -> None:
    """Keep the column mapping of a confirmed import for the driehoek's next one."""
    if not kolommen:
        return
    toewijzing = ImportToewijzing.objects.select_for_update().filter(driehoek=driehoek).first()
    toewijzing = toewijzing or ImportToewijzing(driehoek=driehoek)
    toewijzing.kolommen = {**(toewijzing.kolommen or {}), **kolommen}
    save_tracked(toewijzing, user)


def confirm(*, overleg: Overleg, user, regels: list[Importpunt], toewijzing: dict | None = None) -> Verwerking:
    """Import a confirmed preview once. A second confirm of the same rows (sent again, or from a second tab)
    finds every row in place and imports nothing; the row lock on the overleg makes two confirms at once run
    one after the other, so the later one sees what the earlier one wrote."""
    regels = [r if isinstance(r, Importpunt) else Importpunt(**r.__dict__) for r in regels]
    writing = [r for r in regels if r.bestaand_id is None or r.wijzigingen]
    with transaction.atomic():
        Overleg.objects.select_for_update().get(pk=overleg.pk)
        toegang.require(user, overleg.driehoek, permission=toegang.MANAGE_ACTIEPUNTEN)
        if _already_imported(overleg, writing):
            return Verwerking(actiepunten=[], al_verwerkt=True)
        nieuw = [r for r in writing if r.bestaand_id is None]
        created = services.import_actiepunten(driehoek=overleg.driehoek, user=user, regels=nieuw, overleg=overleg)
        for actiepunt, regel in zip(created, nieuw, strict=True):
            _set_status(actiepunt, user, regel)
        members = {u.pk: u for u in selectors.members_of(overleg.driehoek)}
        updated = [_update(overleg, user, r, members) for r in writing if r.bestaand_id is not None]
        remember(driehoek=overleg.driehoek, user=user, kolommen=toewijzing or {})
        return Verwerking(actiepunten=created, bijgewerkt=updated)
