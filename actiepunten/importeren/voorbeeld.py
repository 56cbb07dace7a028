"""The preview of an import: the header, the column mapping, and every row as it would be imported or updated.

Each problem names its row as numbered in the original file. Where the list does not say enough (no date,
'z.s.m.', a function several members hold) the preview asks (`Datumvraag`, `Eigenaarvraag`) and the answers come
back as `Keuzes`; until every question is answered nothing can be imported.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .datumkeuzes import PER_RIJ_MAX, as_lines
from .datums import parse_typed_date, read_date
from .eigenaars import Koppeling, Lid, propose, sleutel
from .kolommen import (
    FIELDS,
    HEADER_SCAN,
    cell_text,
    check_mapping,
    column_name,
    find_header,
    map_columns,
    normalise,
)
from .kolommen import read_status as _read_status
from .schrijven import Importpunt, changes

# Refused in imported text as the API refuses NUL: C0 and C1 control characters, except tab and line breaks.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ONBEKEND, DATUM, EXTERN = "onbekend", "datum", "extern"
YEARLESS = re.compile(r"(week|wk\.?|q|kwartaal|eind|einde|medio|begin) ?[a-z0-9]{0,10}")  # 'week 40', 'Q3'…


@dataclass
class Probleem:
    rij: int | None
    tekst: str
    soort: str = ""  # "datum", "wie" or "kolom": answered by a choice in the preview, not by editing the file


@dataclass
class Keuzes:
    """The user's answers from an earlier preview of the same rows."""

    kopregel: int | None = None
    kolommen: dict[int, str] | None = None  # None: map automatically
    eigenaars: dict[str, str] = field(default_factory=dict)  # sleutel(wie) → member pk as text, or "extern"
    datums: dict[int, tuple[str, str]] = field(default_factory=dict)  # row → ("onbekend" | "datum", typed text)
    datum_alle: str = ""  # "onbekend": every row without a date and without its own answer gets none
    datumregels: str | None = None  # the deviations text as typed (datumkeuzes), None when not posted
    datumfouten: list[str] = field(default_factory=list)  # its lines that could not be read


@dataclass
class Datumvraag:
    rij: int
    waarde: str  # the cell as in the file
    keuze: str = ""
    tekst: str = ""
    nodig: bool = True  # False: the date was read as an interpretation, shown to be confirmed or changed
    uitleg: str = ""


@dataclass
class Eigenaarvraag:
    sleutel: str
    wie: str
    koppeling: Koppeling
    gekozen: str
    rijen: list[int]


@dataclass
class Voorbeeld:
    """The preview: the rows as they would be imported, and every problem with its row."""

    regels: list[Importpunt] = field(default_factory=list)
    problemen: list[Probleem] = field(default_factory=list)
    meldingen: list[str] = field(default_factory=list)
    weigering: dict | None = None  # the bound or rule the file broke, for the security log
    kopregel: int | None = None
    kop: list = field(default_factory=list)
    kandidaten: list[tuple[int, str]] = field(default_factory=list)  # rows that could be the header
    toewijzing: dict[int, str] = field(default_factory=dict)
    datumvragen: list[Datumvraag] = field(default_factory=list)
    eigenaarvragen: list[Eigenaarvraag] = field(default_factory=list)
    leden: list[Lid] = field(default_factory=list)
    bestaande: dict = field(default_factory=dict)  # nummer → the existing point (schrijven.snapshot)
    overleg_naam: str = ""  # the overleg imported into: an Overleg column naming it adds nothing
    datum_alle: str = ""
    datumregels: str = ""
    overleg_rijen: list[int] = field(default_factory=list)  # rows whose Overleg cell went into the toelichting

    @property
    def datumvragen_open(self) -> int:
        """Rows whose date could not be read: the whole-list default applies to them."""
        return sum(1 for v in self.datumvragen if v.nodig)

    @property
    def datums_per_rij(self) -> bool:
        """Per-row date inputs only while they fit in a request (two fields a row); else one text field."""
        return len(self.datumvragen) <= PER_RIJ_MAX

    @property
    def is_schoon(self) -> bool:
        return not self.problemen and bool(self.regels)

    @property
    def te_schrijven(self) -> list[Importpunt]:
        return [r for r in self.regels if r.bestaand_id is None or r.wijzigingen]

    def add(self, rij, tekst, soort=""):
        self.problemen.append(Probleem(rij, tekst, soort))

    def kolommen(self) -> list[tuple[int, str, str]]:
        """(index, title, chosen field) per column of the header, for the mapping step."""
        return [(i, column_name(self.kop, i), self.toewijzing.get(i, "")) for i in range(len(self.kop))]

    def remembered(self) -> dict[str, str]:
        """The mapping to remember for this driehoek: normalised title → field ('' for a column left out)."""
        return {normalise(t): self.toewijzing.get(i, "") for i, t in enumerate(self.kop) if normalise(t)}


def as_leden(members, rollen: dict[int, list[str]] | None = None) -> list[Lid]:
    if members and isinstance(members[0], Lid):
        return list(members)
    rollen = rollen or {}
    return [Lid(pk=u.pk, naam=u.get_full_name() or u.get_username(), email=u.email or "",
                functie=getattr(u, "functie", "") or "", rollen=rollen.get(u.pk, [])) for u in members]


def preview_rows(*, rows: list[tuple[int, list]], members, existing_numbers: set[int], bestaande: dict,
                 keuzes: Keuzes, remembered: dict[str, str], overleg_naam: str = "") -> Voorbeeld:
    voorbeeld = Voorbeeld(leden=as_leden(list(members)), bestaande=bestaande, overleg_naam=overleg_naam)
    numbered = [(i, row) for i, row in rows if any(cell_text(v) for v in row)]
    if not numbered:
        voorbeeld.add(None, _("Het bestand bevat geen regels."))
        return voorbeeld
    voorbeeld.kandidaten = [(rij, " | ".join(cell_text(v) for v in row if cell_text(v))[:120])
                            for rij, row in numbered[:HEADER_SCAN]]
    numbers = {rij for rij, _row in numbered}
    kop = keuzes.kopregel if keuzes.kopregel in numbers else find_header(numbered, remembered)
    # XLSX rows come padded to the column bound: the table ends at its last filled column.
    width = max(max((i + 1 for i, v in enumerate(row) if cell_text(v)), default=0) for _rij, row in numbered)
    header = (list(next(row for rij, row in numbered if rij == kop)) + [None] * width)[:width]
    voorbeeld.kopregel, voorbeeld.kop = kop, header
    voorbeeld.toewijzing = map_columns(header, remembered, keuzes.kolommen)
    above = [rij for rij, _row in numbered if rij < kop]
    if above:
        voorbeeld.meldingen.append(_("Rij %(rijen)s boven de kopregel (rij %(kop)s) wordt niet geïmporteerd.")
                                   % {"rijen": ", ".join(map(str, above)), "kop": kop})
    for index in range(len(header)):
        if index not in voorbeeld.toewijzing and cell_text(header[index]):
            voorbeeld.meldingen.append(_("Kolom '%(kolom)s' wordt niet geïmporteerd.")
                                       % {"kolom": cell_text(header[index])})
    problems = check_mapping(voorbeeld.toewijzing, header)
    for tekst in problems:
        voorbeeld.add(kop, tekst, "kolom")
    if problems:
        return voorbeeld
    columns = {f: i for i, f in voorbeeld.toewijzing.items()}
    _read_rows(voorbeeld, [(r, row) for r, row in numbered if r > kop], columns=columns, header=header,
               keuzes=keuzes, existing_numbers=existing_numbers, bestaande=bestaande)
    _check_date_answers(voorbeeld, keuzes)
    if voorbeeld.overleg_rijen:
        voorbeeld.meldingen.append(_(
            "De kolom Overleg noemt bij rij %(rijen)s een ander overleg: dat komt in de toelichting; het actiepunt "
            "wordt niet aan dat overleg gekoppeld maar komt in %(overleg)s.")
            % {"rijen": ", ".join(map(str, voorbeeld.overleg_rijen[:20])) + (" …" if len(voorbeeld.overleg_rijen) > 20
                                                                            else ""),
               "overleg": voorbeeld.overleg_naam or _("dit overleg")})
    if not voorbeeld.regels and not voorbeeld.problemen:
        voorbeeld.add(None, _("Het bestand bevat alleen een kopregel en geen actiepunten."))
    return voorbeeld


def _check_date_answers(voorbeeld: Voorbeeld, keuzes: Keuzes) -> None:
    """The whole-list default and the deviations text kept for the next preview; lines not about a question."""
    voorbeeld.datum_alle = keuzes.datum_alle
    gevraagd = {v.rij for v in voorbeeld.datumvragen}
    if keuzes.datumregels is None:  # from per-row inputs: carried into the text field if the list is long
        voorbeeld.datumregels = as_lines({r: k for r, k in keuzes.datums.items() if r in gevraagd})
    else:
        voorbeeld.datumregels = keuzes.datumregels
    for tekst in keuzes.datumfouten:
        voorbeeld.add(None, tekst, "datum")
    for rij in sorted(set(keuzes.datums) - gevraagd):
        if keuzes.datumregels is not None:
            voorbeeld.add(None, _("Bij de andere datums staat rij %(rij)s, maar die rij vraagt geen datum.")
                          % {"rij": rij}, "datum")


def _value(row: list, columns: dict, key: str):
    index = columns.get(key)
    return row[index] if index is not None and index < len(row) else None


def _skipped(row: list, header: list, columns: dict) -> bool:
    """A repeated header, or a section title (one filled cell outside the Onderwerp column)."""
    filled = [i for i, v in enumerate(row) if cell_text(v)]
    if [cell_text(v) for v in row] == [cell_text(v) for v in header][:len(row)]:
        return True
    return len(filled) == 1 and filled[0] != columns["onderwerp"]


def _read_rows(voorbeeld, data_rows, *, columns, header, keuzes, existing_numbers, bestaande):
    parsed, seen = [], {}
    for rij, row in data_rows:
        if _skipped(row, header, columns):
            voorbeeld.meldingen.append(_("Rij %(rij)s wordt overgeslagen: '%(tekst)s' lijkt een tussenkop.")
                                       % {"rij": rij, "tekst": next(cell_text(v) for v in row if cell_text(v))[:80]})
            continue
        before = len(voorbeeld.problemen)
        checked = _check_row(voorbeeld, rij=rij, row=row, columns=columns, seen=seen, keuzes=keuzes,
                             existing_numbers=existing_numbers - set(bestaande))
        if len(voorbeeld.problemen) == before:
            parsed.append(checked)
    owners = _owners(voorbeeld, parsed, keuzes)
    taken = set(existing_numbers) | set(seen)
    next_free = max(taken, default=0) + 1
    for values in parsed:
        nummer = values["nummer"]
        if nummer is None:
            nummer, next_free = next_free, next_free + 1
        punt = Importpunt(rij=values["rij"], nummer=nummer, onderwerp=values["onderwerp"],
                          datum_gereed=values["datum"], toelichting=values["toelichting"], status=values["status"],
                          uitleg=values["uitleg"], **owners[sleutel(values["wie"])](values))
        voorbeeld.regels.append(changes(punt, bestaande.get(nummer), voorbeeld.leden))


def _owners(voorbeeld: Voorbeeld, parsed: list[dict], keuzes: Keuzes) -> dict:
    """Per Wie text: a function giving the owner fields of a row; ambiguous names become questions."""
    result, leden = {}, {lid.pk: lid for lid in voorbeeld.leden}
    for values in parsed:
        key = sleutel(values["wie"])
        if key in result:
            next(v for v in voorbeeld.eigenaarvragen if v.sleutel == key).rijen.append(values["rij"])
            continue
        koppeling = propose(values["wie"], values["email"], voorbeeld.leden)
        gekozen = keuzes.eigenaars.get(key) or (str(koppeling.pk) if koppeling.pk else
                                                ("" if koppeling.kandidaten else EXTERN))
        if gekozen != EXTERN and not (gekozen.isdigit() and int(gekozen) in leden):
            gekozen = "" if koppeling.kandidaten else EXTERN
        voorbeeld.eigenaarvragen.append(Eigenaarvraag(key, values["wie"], koppeling, gekozen, [values["rij"]]))
        result[key] = _owner_fields(gekozen)
    for vraag in voorbeeld.eigenaarvragen:
        if not vraag.gekozen:
            voorbeeld.add(vraag.rijen[0], _("'%(wie)s' past bij meer dan één lid van de driehoek. Kies hieronder "
                                            "wie de eigenaar is.") % {"wie": vraag.wie}, "wie")
    return result


def _owner_fields(gekozen: str):
    if gekozen.isdigit():
        return lambda values: {"eigenaar_id": int(gekozen)}
    return lambda values: {"extern_naam": values["wie"], "extern_email": values["email"],
                           "extern_organisatie": values["organisatie"][:200]}


def _forbidden(value) -> str | None:
    """The first control character in a text cell, written as U+XXXX, or None."""
    match = FORBIDDEN.search(value) if isinstance(value, str) else None
    return f"U+{ord(match[0]):04X}" if match else None


def _check_number(voorbeeld: Voorbeeld, *, rij: int, raw_nr, seen: dict, existing_numbers: set[int]) -> int | None:
    """The row's own number, if it gave one: positive and once in the file."""
    if not cell_text(raw_nr):
        return None
    nummer = parse_number(raw_nr)
    if nummer is None:
        voorbeeld.add(rij, _("Nummer '%(nr)s' is geen positief geheel getal.") % {"nr": cell_text(raw_nr)})
    elif nummer in seen:
        voorbeeld.add(rij, _("Nummer %(nr)s komt ook voor in rij %(andere)s.") % {"nr": nummer, "andere": seen[nummer]})
    elif nummer in existing_numbers:
        voorbeeld.add(rij, _("Nummer %(nr)s bestaat al in deze actielijst.") % {"nr": nummer})
    else:
        seen[nummer] = rij
    return nummer


def parse_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and 0 < value < 10**9 else None
    m = re.fullmatch(r"\s*(\d{1,6})\s*[.)]?\s*", str(value))
    return int(m[1]) if m and int(m[1]) > 0 else None


def _check_row(voorbeeld: Voorbeeld, *, rij: int, row: list, columns: dict, seen: dict, keuzes: Keuzes,
               existing_numbers: set[int]) -> dict:
    """One data row: every problem goes into the preview with the row number; returns the values read."""
    for key, index in columns.items():
        if index < len(row) and (teken := _forbidden(row[index])):
            voorbeeld.add(rij, _("Kolom '%(kolom)s' bevat een teken dat niet is toegestaan (%(teken)s, een NUL- of "
                                 "stuurteken).") % {"kolom": FIELDS[key], "teken": teken})
            if voorbeeld.weigering is None:
                voorbeeld.weigering = {"limiet": "stuurtekens", "maximum": None, "rij": rij}
    nummer = _check_number(voorbeeld, rij=rij, raw_nr=_value(row, columns, "nummer"), seen=seen,
                           existing_numbers=existing_numbers)
    onderwerp = cell_text(_value(row, columns, "onderwerp"))
    if not onderwerp:
        voorbeeld.add(rij, _("Het onderwerp is leeg."))
    wie = cell_text(_value(row, columns, "wie"))
    if not wie:
        voorbeeld.add(rij, _("Vul bij 'Wie' de eigenaar in."))
    elif len(wie) > 200:
        voorbeeld.add(rij, _("De naam bij 'Wie' is langer dan 200 tekens."))
    email = cell_text(_value(row, columns, "email"))
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        voorbeeld.add(rij, _("'%(email)s' is geen geldig e-mailadres.") % {"email": email})
    bestaand = voorbeeld.bestaande.get(nummer)
    datum, uitleg = _date(voorbeeld, rij, _value(row, columns, "datum_gereed"), keuzes,
                          al_onbekend=bestaand is not None and bestaand["datum_gereed"] is None)
    status = _status(voorbeeld, rij, _value(row, columns, "status"))
    toelichting = cell_text(_value(row, columns, "toelichting"))
    overleg = cell_text(_value(row, columns, "overleg"))
    if overleg and normalise(overleg) != normalise(voorbeeld.overleg_naam):
        toelichting = "\n".join(filter(None, [toelichting, _("Overleg: %(overleg)s") % {"overleg": overleg}]))
        voorbeeld.overleg_rijen.append(rij)
    return {"rij": rij, "nummer": nummer, "onderwerp": onderwerp, "wie": wie, "email": email, "datum": datum,
            "uitleg": uitleg, "status": status, "toelichting": toelichting,
            "organisatie": cell_text(_value(row, columns, "organisatie"))}


def _status(voorbeeld: Voorbeeld, rij: int, raw) -> str:
    status = _read_status(raw)
    if status is None:
        voorbeeld.add(rij, _("Status '%(status)s' is onbekend. Gebruik open, lopend, in uitvoering, gereed, "
                             "afgerond, vervallen of doorlopend.") % {"status": cell_text(raw)[:80]})
        return ""
    return str(status) if status else ""


def _date(voorbeeld: Voorbeeld, rij: int, raw, keuzes: Keuzes, *, al_onbekend: bool = False):
    """The date of a row and how it was read; a missing or unreadable date becomes a question."""
    lezing = read_date(raw)
    keuze, tekst = keuzes.datums.get(rij, ("", ""))
    standaard = not keuze and lezing.datum is None and keuzes.datum_alle == ONBEKEND
    waarde = cell_text(raw) if not hasattr(raw, "isoformat") else raw.isoformat()[:10]
    if lezing.datum and not lezing.uitleg:
        return lezing.datum, ""
    if al_onbekend and not keuze and not waarde.strip():
        return None, _("datum onbekend")  # an exported list gives the empty date back: it was decided before
    vraag = Datumvraag(rij=rij, waarde=waarde, keuze=keuze, tekst=tekst, nodig=lezing.datum is None,
                       uitleg=lezing.uitleg)
    voorbeeld.datumvragen.append(vraag)
    if keuze == ONBEKEND or standaard:
        return None, _("datum onbekend")
    if keuze == DATUM:
        typed = parse_typed_date(tekst)
        if typed is None:
            voorbeeld.add(rij, _("'%(tekst)s' is geen datum. Typ bijvoorbeeld 22-02-2019.") % {"tekst": tekst[:40]}
                          if tekst.strip() else _("Typ de datum gereed, of kies 'geen datum'."), "datum")
        return typed, ""
    if lezing.datum:  # an interpretation, shown with its reading and open to change
        vraag.keuze, vraag.tekst = DATUM, lezing.datum.strftime("%d-%m-%Y")
        return lezing.datum, lezing.uitleg
    ask = _("Kies hieronder: geen datum (datum onbekend) of een datum die u typt.")
    if not waarde.strip():
        voorbeeld.add(rij, _("De datum gereed is leeg.") + " " + ask, "datum")
    elif lezing.leeg:
        voorbeeld.add(rij, _("'%(datum)s' is geen datum.") % {"datum": waarde[:80]} + " " + ask, "datum")
    elif YEARLESS.fullmatch(waarde.strip().lower()) and not re.search(r"\d{4}", waarde):
        voorbeeld.add(rij, _("'%(datum)s' noemt geen jaar.") % {"datum": waarde[:80]} + " " + ask, "datum")
    else:
        voorbeeld.add(rij, _("'%(datum)s' is geen datum. Gebruik bijvoorbeeld '22 februari 2019' of '22-02-2019'.")
                      % {"datum": waarde[:80]} + " " + ask, "datum")
    return None, ""

