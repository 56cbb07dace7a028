"""Every write to arrangementen. Content changes only in concept, and never on a stale version."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import organisaties, toegang, werkgroepen
from samenwerking.geschiedenis import Gebeurtenis, build_timeline
from samenwerking.historie import save_tracked as _save
from samenwerking.models import Driehoek, Organisatie

from . import geweldregels, goedkeuring, inzetregels, stroomregels
from .evaluatiebesluit import Herzieningsopdracht
from .models import (
    Afspraak,
    Arrangement,
    BoaInzet,
    Domein,
    Gegevensstroom,
    Geweldsmiddeltoekenning,
    Modelafspraak,
    Onderwerp,
    Opmerking,
    Partij,
    Vertegenwoordiger,
)

COMMENT_PERMISSIONS = frozenset({toegang.DRAFT, toegang.REVIEW, toegang.ADOPT, toegang.SIGN})
EDITABLE_FIELDS = [
    "titel", "doel", "aanleiding", "werkgebied", "toezichthouders", "contactpersonen", "geldig_van",
    "geldig_tot", "evaluatiedatum", "opzegtermijn_maanden",
]


class StaleEdit(ValidationError):
    """The user edited an older version; `wijzigingen` says what others changed meanwhile, `velden` which of the
    user's fields someone else changed too (empty when the whole edit is refused)."""

    def __init__(self, wijzigingen: list[Gebeurtenis], velden: frozenset[str] = frozenset()):
        self.wijzigingen = wijzigingen
        self.velden = velden
        super().__init__(
            _("Dit arrangement is gewijzigd nadat u het opende. Uw invoer is niet opgeslagen en staat "
              "hieronder nog klaar; bekijk wat er intussen is gewijzigd en sla daarna opnieuw op."),
            code="verouderd",
        )


def changes_since(arrangement: Arrangement, version: int) -> list[Gebeurtenis]:
    """What others changed after the user opened `version`: everything from the first save that moved the
    arrangement past that version (content saves bump the version before they touch afspraken and the like).
    The whole history is read so that each change can be shown against the value before it."""
    first_newer = _first_save_after(arrangement, version)
    if first_newer is None:
        return []
    events = build_timeline(
        Arrangement.history.filter(id=arrangement.pk),
        Afspraak.history.filter(arrangement_id=arrangement.pk),
        Partij.history.filter(arrangement_id=arrangement.pk),
        BoaInzet.history.filter(arrangement_id=arrangement.pk),
        Gegevensstroom.history.filter(arrangement_id=arrangement.pk),
        Geweldsmiddeltoekenning.history.filter(arrangement_id=arrangement.pk),
    )
    return [e for e in events if e.datum >= first_newer.history_date]


def values_at(arrangement: Arrangement, version: int) -> dict | None:
    """The editable fields as they were at `version`, from the history; None if unknown."""
    record = arrangement.history.filter(lock_version=version).order_by("-history_date", "-history_id").first()
    if record is None:
        return None
    return {name: getattr(record, name) for name in EDITABLE_FIELDS}


def _first_save_after(arrangement: Arrangement, version: int):
    return arrangement.history.filter(lock_version__gt=version).order_by("history_date", "history_id").first()


def _same(a, b) -> bool:
    """Equal as the user sees it: line endings (browsers send CRLF), outer spaces and list order aside."""
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    if isinstance(a, str) and isinstance(b, str):
        return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()
    return a == b


def merge_fields(*, base: dict, mine: dict, current: dict) -> tuple[dict, frozenset[str]]:
    """Three-way merge per field of what the user submits (`mine`) onto what is saved now (`current`), both
    grown from `base`: a field the user left as it was takes the current value, a field only the user changed
    takes the user's value; a field both changed, to different values, is a conflict."""
    merged, conflicts = {}, set()
    for name, value in mine.items():
        start, now = base[name], current[name]
        if _same(value, start) or _same(value, now):
            merged[name] = now
        elif _same(now, start):
            merged[name] = value
        else:
            conflicts.add(name)
    return merged, frozenset(conflicts)


def inzet_at(arrangement: Arrangement, version: int) -> dict[str, dict] | None:
    """BOA-inzet per domein as it was at `version` (before the first save past it); None if unknown."""
    first_newer = _first_save_after(arrangement, version)
    if first_newer is None:
        return None
    rows = {}
    for record in (BoaInzet.history.filter(arrangement_id=arrangement.pk, history_date__lt=first_newer.history_date)
                   .order_by("history_date", "history_id")):
        if record.history_type == "-":
            rows.pop(record.domein, None)
        else:
            rows[record.domein] = {"aantal_boas": record.aantal_boas, "fte": record.fte}
    return rows


def _merge_stale(locked: Arrangement, version: int, data: dict, inzet: list["InzetRegel"]):
    """An edit of an older version goes through when nobody else changed the same fields since; otherwise
    (or when the arrangement went through the workflow meanwhile) it is refused as a whole."""
    base, inzet_base = values_at(locked, version), inzet_at(locked, version)
    # A status change since means another review round: the user decides again, seeing what happened.
    if (base is None or inzet_base is None
            or locked.overgangen.filter(op__gte=_first_save_after(locked, version).history_date).exists()):
        raise StaleEdit(changes_since(locked, version))
    merged, conflicts = merge_fields(base=base, mine=data,
                                     current={name: getattr(locked, name) for name in EDITABLE_FIELDS})
    now = {row.domein: {"aantal_boas": row.aantal_boas, "fte": row.fte} for row in locked.inzet.all()}
    merged_inzet = []
    for regel in inzet:
        empty = {"aantal_boas": 0, "fte": Decimal("0")}
        values, clash = merge_fields(base=inzet_base.get(regel.domein, empty),
                                     mine={"aantal_boas": regel.aantal_boas, "fte": regel.fte},
                                     current=now.get(regel.domein, empty))
        conflicts |= {f"inzet-{regel.domein}-{name}" for name in clash}
        merged_inzet.append(InzetRegel(regel.domein, values.get("aantal_boas"), values.get("fte")))
    if conflicts:
        raise StaleEdit(changes_since(locked, version), velden=conflicts)
    return merged, merged_inzet


def _lock_editable(arrangement: Arrangement, user) -> Arrangement:
    """Row-lock, check permission and status."""
    locked = Arrangement.objects.select_for_update().select_related("driehoek").get(pk=arrangement.pk)
    toegang.require(user, locked.driehoek, permission=toegang.DRAFT)
    if not locked.is_bewerkbaar:
        raise ValidationError(
            _("Dit arrangement heeft de status '%(status)s' en kan alleen in concept worden bewerkt.")
            % {"status": locked.get_status_display()}, code="niet_bewerkbaar",
        )
    goedkeuring.void(arrangement=locked, user=user, door_wijziging=True)  # approvals were of the old content
    return locked


def lock_for_edit(arrangement: Arrangement, user, expected_version: int) -> Arrangement:
    """Row-lock, check permission, status and version; bump the version for the edit that follows."""
    locked = _lock_editable(arrangement, user)
    if expected_version != locked.lock_version:
        raise StaleEdit(changes_since(locked, expected_version))
    locked.lock_version += 1
    return locked


def _default_partijen(driehoek: Driehoek, user):
    """Every gemeente of the driehoek (its burgemeester), the politie-eenheid (its teamchef, namens de
    politiechef) and every parket that serves one of the gemeenten; organisations are made where missing."""
    gemeenten = list(driehoek.gemeenten.select_related("parket").order_by("weergavenaam"))
    for gemeente in gemeenten:
        yield (organisaties.voor_gemeente(gemeente=gemeente, user=user), Vertegenwoordiger.BURGEMEESTER,
               _("burgemeester"))
    yield (organisaties.voor_eenheid(eenheid=driehoek.eenheid, user=user), Vertegenwoordiger.TEAMCHEF,
           _("teamchef, namens de politiechef"))
    parketten = sorted({g.parket for g in gemeenten if g.parket is not None}, key=lambda p: p.naam)
    for parket in parketten:
        yield (organisaties.voor_parket(parket=parket, user=user), Vertegenwoordiger.OFFICIER,
               _("officier van justitie, namens de hoofdofficier van justitie"))


def _clause_from_model(arrangement: Arrangement, modelafspraak: Modelafspraak, volgorde: int) -> Afspraak:
    return Afspraak(
        arrangement=arrangement, onderwerp=modelafspraak.onderwerp, titel=modelafspraak.titel,
        tekst=modelafspraak.tekst, verantwoordelijke=modelafspraak.verantwoordelijke,
        volgorde=volgorde, modelafspraak=modelafspraak,
    )


@transaction.atomic
def create_arrangement(*, driehoek: Driehoek, user, titel: str, start: str = "model") -> Arrangement:
    """A new concept, from the standard model (mandatory + suggested clauses) or blank."""
    toegang.require(user, driehoek, permission=toegang.DRAFT)
    werkgroepen.refuse_arrangements(driehoek=driehoek)
    if start not in ("model", "leeg"):
        raise ValidationError({"start": _("Kies 'standaardmodel' of 'leeg'.")})
    arrangement = _save(Arrangement(driehoek=driehoek, titel=titel.strip(), aangemaakt_door=user), user)
    for volgorde, (organisatie, vertegenwoordiger, functie) in enumerate(_default_partijen(driehoek, user)):
        _save(Partij(arrangement=arrangement, organisatie=organisatie, vertegenwoordiger=vertegenwoordiger,
                     ondertekenaar_functie=functie, volgorde=volgorde), user)
    for domein in Domein:
        _save(BoaInzet(arrangement=arrangement, domein=domein), user)
    if start == "model":
        clauses = Modelafspraak.objects.filter(Q(verplicht=True) | Q(standaard=True), actief=True)
        for volgorde, modelafspraak in enumerate(clauses.select_related("onderwerp")):
            _save(_clause_from_model(arrangement, modelafspraak, volgorde), user)
    return arrangement


@transaction.atomic
def start_herziening(*, arrangement: Arrangement, user, opdracht: Herzieningsopdracht | None = None) -> Arrangement:
    """The next version: versie + 1, linked to this one, everything copied, status concept. From an evaluation
    (`opdracht`, started by the coordinator or the secretaris) afspraken are left out or flagged for editing."""
    source = Arrangement.objects.select_for_update().select_related("driehoek").get(pk=arrangement.pk)
    toegang.require(user, source.driehoek,
                    permission=(toegang.DRAFT, toegang.MANAGE_OVERLEG) if opdracht else toegang.DRAFT)
    opdracht = opdracht or Herzieningsopdracht()
    if not source.is_herzienbaar:
        raise ValidationError(_("Alleen een vastgesteld of ondertekend arrangement kan worden herzien."),
                              code="niet_herzienbaar")
    existing = Arrangement.objects.filter(vorige_versie=source).first()
    if existing:
        raise ValidationError(
            _("Er bestaat al een herziening van deze versie: versie %(versie)s.") % {"versie": existing.versie},
            code="al_herzien",
        )
    copy = Arrangement(
        driehoek=source.driehoek, versie=source.versie + 1, vorige_versie=source, aangemaakt_door=user,
        **{name: getattr(source, name) for name in EDITABLE_FIELDS},
    )
    copy.evaluatiedatum = opdracht.evaluatiedatum or copy.evaluatiedatum
    _save(copy, user, _("Herziening van versie %(versie)s") % {"versie": source.versie})
    for partij in source.partijen.all():
        _save(Partij(arrangement=copy, organisatie_id=partij.organisatie_id, volgorde=partij.volgorde,
                     vertegenwoordiger=partij.vertegenwoordiger, ondertekenaar_functie=partij.ondertekenaar_functie,
                     ondertekenaar_naam=partij.ondertekenaar_naam), user)
    for inzet in source.inzet.all():
        _save(BoaInzet(arrangement=copy, domein=inzet.domein, aantal_boas=inzet.aantal_boas, fte=inzet.fte),
              user)
    afspraken = {}
    for afspraak in source.afspraken.exclude(pk__in=opdracht.weglaten):
        afspraken[afspraak.pk] = _save(Afspraak(
            arrangement=copy, onderwerp_id=afspraak.onderwerp_id, titel=afspraak.titel, tekst=afspraak.tekst,
            verantwoordelijke=afspraak.verantwoordelijke, volgorde=afspraak.volgorde,
            modelafspraak_id=afspraak.modelafspraak_id, vorige=afspraak,
            bijstellen_toelichting=opdracht.bijstellen.get(afspraak.pk, "")), user)
    stroomregels.copy_flows(source=source, copy=copy, user=user, afspraken=afspraken,
                            weglaten=opdracht.stromen_weglaten)
    geweldregels.copy_toekenningen(source=source, copy=copy, user=user)
    return copy


@dataclass
class InzetRegel:
    domein: str
    aantal_boas: int
    fte: Decimal


@transaction.atomic
def update_arrangement(*, arrangement: Arrangement, user, expected_version: int, data: dict,
                       inzet: list[InzetRegel] | None = None) -> Arrangement:
    """Save the basic data. An edit of an older version is merged field by field with what others saved since
    (`merge_fields`), and refused only when someone else changed one of the same fields."""
    locked = _lock_editable(arrangement, user)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Onbekende velden: %(velden)s") % {"velden": ", ".join(sorted(unknown))})
    data = {name: value.strip() if isinstance(value, str) else value for name, value in data.items()}
    inzet = list(inzet or [])
    if expected_version != locked.lock_version:
        data, inzet = _merge_stale(locked, expected_version, data, inzet)
    inzetregels.check_inzet(arrangement=locked, regels=inzet)
    locked.lock_version += 1
    for name, value in data.items():
        setattr(locked, name, value)
    _save(locked, user)
    for regel in inzet:
        row = locked.inzet.filter(domein=regel.domein).first() or BoaInzet(arrangement=locked,
                                                                            domein=regel.domein)
        if (row.pk is None or row.aantal_boas != regel.aantal_boas or row.fte != regel.fte):
            row.aantal_boas, row.fte = regel.aantal_boas, regel.fte
            _save(row, user)
    return locked


def _next_volgorde(arrangement: Arrangement) -> int:
    return (arrangement.afspraken.aggregate(m=Max("volgorde"))["m"] or 0) + 1


@transaction.atomic
def add_afspraak(*, arrangement: Arrangement, user, expected_version: int, onderwerp: Onderwerp,
                 titel: str, tekst: str, verantwoordelijke: str,
                 modelafspraak: Modelafspraak | None = None) -> Afspraak:
    locked = lock_for_edit(arrangement, user, expected_version)
    _save(locked, user)
    return _save(Afspraak(arrangement=locked, onderwerp=onderwerp, titel=titel.strip(), tekst=tekst.strip(),
                          verantwoordelijke=verantwoordelijke, modelafspraak=modelafspraak,
                          volgorde=_next_volgorde(locked)), user)


@transaction.atomic
def update_afspraak(*, afspraak: Afspraak, user, expected_version: int, onderwerp: Onderwerp, titel: str,
                    tekst: str, verantwoordelijke: str) -> Afspraak:
    locked = lock_for_edit(afspraak.arrangement, user, expected_version)
    _save(locked, user)
    afspraak.onderwerp, afspraak.titel, afspraak.tekst = onderwerp, titel.strip(), tekst.strip()
    afspraak.verantwoordelijke = verantwoordelijke
    afspraak.bijstellen_toelichting = ""  # edited: the evaluation's request to adjust it has been answered
    return _save(afspraak, user)


@transaction.atomic
def delete_afspraak(*, afspraak: Afspraak, user, expected_version: int) -> None:
    locked = lock_for_edit(afspraak.arrangement, user, expected_version)
    _save(locked, user)
    afspraak._history_user = user
    afspraak.delete()


@transaction.atomic
def move_afspraak(*, afspraak: Afspraak, user, expected_version: int, richting: str) -> None:
    """Swap with the neighbour above or below within the same onderwerp."""
    if richting not in ("omhoog", "omlaag"):
        raise ValidationError(_("Kies omhoog of omlaag."))
    locked = lock_for_edit(afspraak.arrangement, user, expected_version)
    siblings = list(locked.afspraken.filter(onderwerp=afspraak.onderwerp).order_by("volgorde", "pk"))
    index = next(i for i, a in enumerate(siblings) if a.pk == afspraak.pk)
    other_index = index - 1 if richting == "omhoog" else index + 1
    if not 0 <= other_index < len(siblings):
        return
    _save(locked, user)
    # Renumber the group so equal volgorde values (e.g. after copying) cannot stall the swap.
    siblings[index], siblings[other_index] = siblings[other_index], siblings[index]
    base = min(a.volgorde for a in siblings)
    for offset, item in enumerate(siblings):
        if item.volgorde != base + offset:
            item.volgorde = base + offset
            _save(item, user)


@transaction.atomic
def add_partij(*, arrangement: Arrangement, user, expected_version: int, organisatie: Organisatie | None = None,
               ondertekenaar_functie: str, ondertekenaar_naam: str = "",
               vertegenwoordiger: str = Vertegenwoordiger.OVERIG, nieuwe_organisatie: str = "",
               soort: str = "") -> Partij:
    """A party: an existing organisation, or a new BOA-werkgever (`nieuwe_organisatie` of `soort`)."""
    locked = lock_for_edit(arrangement, user, expected_version)
    if organisatie is None:
        try:
            organisatie = organisaties.create_boa_werkgever(naam=nieuwe_organisatie, soort=soort, user=user)
        except ValidationError as error:
            # The organisation's name is this call's `nieuwe_organisatie`: name the error after it.
            raise ValidationError({("nieuwe_organisatie" if name == "naam" else name): messages
                                   for name, messages in error.message_dict.items()}) from error
    elif locked.partijen.filter(organisatie=organisatie).exists():
        raise ValidationError({"organisatie": _("Deze organisatie is al partij.")})
    _save(locked, user)
    return _save(Partij(arrangement=locked, organisatie=organisatie, vertegenwoordiger=vertegenwoordiger,
                        ondertekenaar_functie=ondertekenaar_functie.strip(),
                        ondertekenaar_naam=ondertekenaar_naam.strip(),
                        volgorde=locked.partijen.count()), user)


@transaction.atomic
def remove_partij(*, partij: Partij, user, expected_version: int) -> None:
    locked = lock_for_edit(partij.arrangement, user, expected_version)
    stroomregels.refuse_removing_a_party_in_flows(arrangement=locked, organisatie_id=partij.organisatie_id)
    geweldregels.refuse_removing_a_party_with_geweldsmiddelen(arrangement=locked, organisatie_id=partij.organisatie_id)
    _save(locked, user)
    partij._history_user = user
    partij.delete()


@transaction.atomic
def add_opmerking(*, arrangement: Arrangement, user, tekst: str, afspraak: Afspraak | None = None,
                  antwoord_op: Opmerking | None = None) -> Opmerking:
    toegang.require(user, arrangement.driehoek, permission=COMMENT_PERMISSIONS)
    if afspraak is not None and afspraak.arrangement_id != arrangement.pk:
        raise ValidationError({"afspraak": _("Deze afspraak hoort niet bij dit arrangement.")})
    if antwoord_op is not None:
        if antwoord_op.arrangement_id != arrangement.pk:
            raise ValidationError({"antwoord_op": _("Deze opmerking hoort niet bij dit arrangement.")})
        antwoord_op = antwoord_op.antwoord_op or antwoord_op  # threads are one level deep
        afspraak = antwoord_op.afspraak
    return _save(Opmerking(arrangement=arrangement, afspraak=afspraak, antwoord_op=antwoord_op,
                           auteur=user, tekst=tekst.strip()), user)


@transaction.atomic
def set_opmerking_opgelost(*, opmerking: Opmerking, user, opgelost: bool = True) -> Opmerking:
    toegang.require(user, opmerking.arrangement.driehoek, permission=COMMENT_PERMISSIONS)
    opmerking.opgelost = opgelost
    opmerking.opgelost_door = user if opgelost else None
    opmerking.opgelost_op = timezone.now() if opgelost else None
    return _save(opmerking, user)
