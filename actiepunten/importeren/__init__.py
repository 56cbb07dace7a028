"""Reading an existing actielijst (CSV or XLSX) into rows for a preview, and importing a confirmed preview once.

Every problem names its row (as numbered in the spreadsheet, the header being row 1). Unknown owners become
external owners, not errors. Nothing here raises for anything a user can upload; the bounded reading of the
file itself is in `bestanden` (CSV) and `xlsx`, and a bound that is exceeded is kept in `Voorbeeld.weigering`
for the security log.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Actiepunt, Overleg
from ..services import ImportRegel, import_actiepunten
from .bestanden import Grenzen, Limiet, Onleesbaar, check_size, damaged, read_csv
from .xlsx import read_xlsx

XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNING_SALT = "actiepunten.import"
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview stays valid

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3, "mar": 3, "april": 4,
    "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = r"(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo)\.?,?\s+"

COLUMNS = {
    "nummer": {"nr", "nummer", "no", "#", "actienummer", "volgnummer", "actienr"},
    "onderwerp": {"onderwerp", "actiepunt", "actie", "omschrijving", "wat"},
    "wie": {"wie", "eigenaar", "actiehouder", "verantwoordelijke", "trekker", "door"},
    "datum_gereed": {"datum gereed", "gereed", "datum", "deadline", "streefdatum", "uiterlijk", "datum_gereed",
                     "gereed op", "wanneer"},
    "email": {"e-mail", "email", "e-mailadres", "emailadres", "mail"},
    "organisatie": {"organisatie"},
    "toelichting": {"toelichting", "opmerking", "opmerkingen", "stand van zaken"},
}
REQUIRED = {"onderwerp": "Onderwerp", "wie": "Wie", "datum_gereed": "Datum gereed"}
LABELS = {"nummer": "Nr", **REQUIRED, "email": "E-mail", "organisatie": "Organisatie", "toelichting": "Toelichting"}
# Refused in imported text as the API refuses NUL: C0 and C1 control characters, except tab and line breaks.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
HEADER_ALIASES = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}


@dataclass
class Probleem:
    rij: int | None
    tekst: str


@dataclass
class Voorbeeld:
    """The preview: the rows as they would be imported, and every problem with its row."""

    regels: list[ImportRegel] = field(default_factory=list)
    problemen: list[Probleem] = field(default_factory=list)
    meldingen: list[str] = field(default_factory=list)
    weigering: dict | None = None  # the bound or rule the file broke, for the security log

    @property
    def is_schoon(self) -> bool:
        return not self.problemen and bool(self.regels)

    def add(self, rij, tekst):
        self.problemen.append(Probleem(rij, tekst))


def parse_date(value) -> datetime.date | None:
    """A date from an XLSX cell or a Dutch text: '22 februari 2019', '22-02-2019', '22/2/19', '2019-02-22'."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial date in a cell without a date format
            return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
        return None
    text = re.sub(r"\s+", " ", str(value or "")).strip().lower()
    text = re.sub(rf"^{WEEKDAYS}", "", text)
    try:
        if m := re.fullmatch(r"(\d{1,2}) ([a-z]+)\.? (\d{4})", text):
            month = MONTHS.get(m[2])
            return datetime.date(int(m[3]), month, int(m[1])) if month else None
        if m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})", text):
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return datetime.date(year, int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})( 00:00(:00)?)?", text):
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:  # 31-02-2019 and the like
        return None
    return None


def parse_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value > 0 else None
    m = re.fullmatch(r"\s*(\d{1,6})\s*[.)]?\s*", str(value))
    return int(m[1]) if m and int(m[1]) > 0 else None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return re.sub(r"[ \t]+", " ", str(value)).strip()


def _normalise(name: str) -> str:
    text = unicodedata.normalize("NFKC", _cell(name)).lower().strip().rstrip(".:").strip()
    return re.sub(r"\s+", " ", text)


def read_rows(name: str, data: bytes, grenzen: Grenzen) -> list[tuple[int, list]]:
    """The non-empty rows of an upload, numbered as in the file. Raises Limiet or Onleesbaar."""
    name = (name or "").lower()
    check_size(data, grenzen)
    if not data.strip():
        raise Onleesbaar(_("Het bestand is leeg."))
    if name.endswith(".xls") or data[:8] == XLS_SIGNATURE:
        raise Onleesbaar(_("Oude Excel-bestanden (.xls) worden niet ondersteund. Sla het bestand op als .xlsx "
                           "of .csv."))
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        try:
            return read_xlsx(data, grenzen)
        except (Limiet, Onleesbaar):
            raise
        except Exception as error:  # a damaged or disguised file: whatever zipfile, expat or openpyxl raise
            raise damaged() from error
    if name.endswith((".csv", ".txt")) or not name:
        return read_csv(data, grenzen)
    raise Onleesbaar(_("Kies een CSV- of Excel-bestand (.csv of .xlsx)."))


def _columns(header: list, rij: int, voorbeeld: Voorbeeld) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = HEADER_ALIASES.get(_normalise(title))
        if key is None:
            if _cell(title):
                voorbeeld.meldingen.append(_("Kolom '%(kolom)s' wordt niet geïmporteerd.") % {"kolom": _cell(title)})
            continue
        if key in columns:
            voorbeeld.add(rij, _("Kolom '%(kolom)s' komt twee keer voor.") % {"kolom": _cell(title)})
            continue
        columns[key] = index
    missing = [label for key, label in REQUIRED.items() if key not in columns]
    if missing:
        found = ", ".join(f"'{_cell(t)}'" for t in header if _cell(t)) or _("geen")
        voorbeeld.add(rij, _("Kolom %(kolommen)s ontbreekt. Verwacht worden Nr, Onderwerp, Wie en Datum gereed; "
                             "gevonden: %(gevonden)s.") % {"kolommen": ", ".join(f"'{m}'" for m in missing),
                                                           "gevonden": found})
        return None
    return columns


def _owner(wie: str, email: str, members: dict) -> dict:
    """A member when the name or e-mail address matches exactly; anyone else becomes an external owner."""
    user = members.get(_normalise(wie)) or (members.get(_normalise(email)) if email else None)
    if user is not None:
        return {"eigenaar_id": user.pk}
    return {"extern_naam": wie, "extern_email": email}


def _forbidden(value) -> str | None:
    """The first control character in a text cell, written as U+XXXX, or None."""
    match = FORBIDDEN.search(value) if isinstance(value, str) else None
    return f"U+{ord(match[0]):04X}" if match else None


def _refuse_character(voorbeeld: Voorbeeld, rij: int, tekst: str) -> None:
    voorbeeld.add(rij, tekst)
    if voorbeeld.weigering is None:
        voorbeeld.weigering = {"limiet": "stuurtekens", "maximum": None, "rij": rij}


def build_preview(*, name: str, data: bytes, members, existing_numbers: set[int]) -> Voorbeeld:
    voorbeeld = Voorbeeld()
    try:
        rows = read_rows(name, data, Grenzen.from_settings())
    except Limiet as limiet:
        voorbeeld.add(limiet.rij, limiet.tekst)
        voorbeeld.weigering = limiet.details
        return voorbeeld
    except Onleesbaar as fout:
        voorbeeld.add(None, fout.tekst)
        return voorbeeld
    numbered = [(i, row) for i, row in rows if any(_cell(v) for v in row)]
    if not numbered:
        voorbeeld.add(None, _("Het bestand bevat geen regels."))
        return voorbeeld
    header_row, header = numbered[0]
    columns = _columns(header, header_row, voorbeeld)
    if columns is None:
        return voorbeeld
    parsed, seen = [], {}
    for rij, row in numbered[1:]:
        problems_before = len(voorbeeld.problemen)
        checked = _check_row(voorbeeld, rij=rij, row=row, columns=columns, seen=seen,
                             existing_numbers=existing_numbers)
        if len(voorbeeld.problemen) == problems_before:
            parsed.append(checked)
    _add_rows(voorbeeld, parsed=parsed, columns=columns, by_name=_members_by_name(members),
              taken=set(existing_numbers) | set(seen))
    if not voorbeeld.regels and not voorbeeld.problemen:
        voorbeeld.add(None, _("Het bestand bevat alleen een kopregel en geen actiepunten."))
    return voorbeeld


def _members_by_name(members) -> dict:
    """Members by normalised full name and by e-mail address; the first one wins."""
    by_name = {}
    for user in members:
        for key in (user.get_full_name(), user.email):
            if key:
                by_name.setdefault(_normalise(key), user)
    return by_name


def _value(row: list, columns: dict, key: str):
    index = columns.get(key)
    return row[index] if index is not None and index < len(row) else None


def _check_number(voorbeeld: Voorbeeld, *, rij: int, raw_nr, seen: dict, existing_numbers: set[int]) -> int | None:
    """The row's own number, if it gave one: positive, once in the file and new to the actielijst."""
    if not _cell(raw_nr):
        return None
    nummer = parse_number(raw_nr)
    if nummer is None:
        voorbeeld.add(rij, _("Nummer '%(nr)s' is geen positief geheel getal.") % {"nr": _cell(raw_nr)})
    elif nummer in seen:
        voorbeeld.add(rij, _("Nummer %(nr)s komt ook voor in rij %(andere)s.")
                      % {"nr": nummer, "andere": seen[nummer]})
    elif nummer in existing_numbers:
        voorbeeld.add(rij, _("Nummer %(nr)s bestaat al in deze actielijst.") % {"nr": nummer})
    else:
        seen[nummer] = rij
    return nummer


def _check_row(voorbeeld: Voorbeeld, *, rij: int, row: list, columns: dict, seen: dict,
               existing_numbers: set[int]) -> tuple:
    """One data row: every problem goes into the preview with the row number; returns the values read."""
    for key, index in columns.items():
        if index < len(row) and (teken := _forbidden(row[index])):
            _refuse_character(voorbeeld, rij, _("Kolom '%(kolom)s' bevat een teken dat niet is toegestaan "
                                                "(%(teken)s, een NUL- of stuurteken).")
                              % {"kolom": LABELS[key], "teken": teken})
    nummer = _check_number(voorbeeld, rij=rij, raw_nr=_value(row, columns, "nummer"), seen=seen,
                           existing_numbers=existing_numbers)
    onderwerp = _cell(_value(row, columns, "onderwerp"))
    if not onderwerp:
        voorbeeld.add(rij, _("Het onderwerp is leeg."))
    wie = _cell(_value(row, columns, "wie"))
    if not wie:
        voorbeeld.add(rij, _("Vul bij 'Wie' de eigenaar in."))
    elif len(wie) > 200:
        voorbeeld.add(rij, _("De naam bij 'Wie' is langer dan 200 tekens."))
    email = _cell(_value(row, columns, "email"))
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        voorbeeld.add(rij, _("'%(email)s' is geen geldig e-mailadres.") % {"email": email})
    raw_date = _value(row, columns, "datum_gereed")
    datum = parse_date(raw_date)
    if not _cell(raw_date):
        voorbeeld.add(rij, _("De datum gereed is leeg."))
    elif datum is None:
        voorbeeld.add(rij, _("'%(datum)s' is geen datum. Gebruik bijvoorbeeld '22 februari 2019' of "
                             "'22-02-2019'.") % {"datum": _cell(raw_date)})
    return rij, nummer, onderwerp, wie, email, datum, row


def _add_rows(voorbeeld: Voorbeeld, *, parsed: list[tuple], columns: dict, by_name: dict, taken: set[int]) -> None:
    """The rows without problems become import rows: a row without a number gets the next free one."""
    next_free = max(taken, default=0) + 1
    for rij, nummer, onderwerp, wie, email, datum, row in parsed:
        if nummer is None:
            nummer, next_free = next_free, next_free + 1
        owner = _owner(wie, email, by_name)
        if "extern_naam" in owner:
            owner["extern_organisatie"] = _cell(_value(row, columns, "organisatie"))[:200]
        voorbeeld.regels.append(ImportRegel(rij=rij, nummer=nummer, onderwerp=onderwerp, datum_gereed=datum,
                                            toelichting=_cell(_value(row, columns, "toelichting")), **owner))


def sign(regels: list[ImportRegel], *, scope: str) -> str:
    payload = {"scope": scope, "regels": [
        {**r.__dict__, "datum_gereed": r.datum_gereed.isoformat()} for r in regels]}
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def unsign(token: str, *, scope: str) -> list[ImportRegel] | None:
    """The rows of a preview shown to this user for this overleg, or None when altered, expired or foreign."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("scope") != scope:
        return None
    return [ImportRegel(**{**r, "datum_gereed": datetime.date.fromisoformat(r["datum_gereed"])})
            for r in payload["regels"]]


@dataclass
class Verwerking:
    actiepunten: list[Actiepunt]
    al_verwerkt: bool = False


def _already_imported(overleg: Overleg, regels: list[ImportRegel]) -> bool:
    wanted = {(r.nummer, r.onderwerp.strip(), r.datum_gereed) for r in regels}
    found = set(Actiepunt.objects.filter(overleg=overleg, nummer__in=[r.nummer for r in regels])
                .values_list("nummer", "onderwerp", "datum_gereed"))
    return bool(wanted) and wanted <= found


def confirm(*, overleg: Overleg, user, regels: list[ImportRegel]) -> Verwerking:
    """Import a confirmed preview once. A second confirm of the same rows (sent again, or from a second tab)
    finds every row in place and imports nothing; the row lock on the overleg makes two confirms at once run
    one after the other, so the later one sees what the earlier one wrote."""
    with transaction.atomic():
        Overleg.objects.select_for_update().get(pk=overleg.pk)
        if _already_imported(overleg, regels):
            return Verwerking(actiepunten=[], al_verwerkt=True)
        return Verwerking(import_actiepunten(driehoek=overleg.driehoek, user=user, regels=regels, overleg=overleg))
