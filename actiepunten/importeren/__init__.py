"""Importing an existing actielijst (CSV, XLSX, or a table pasted as text) through a preview the user corrects.

Reading: `read_rows` gives the non-empty rows numbered as in the original file, within the bounds of
`bestanden` (CSV) and `xlsx`; the rows travel between the preview steps as a signed token (`bron`), so the file
is read once. The preview (`voorbeeld`) finds the header, maps the columns, reads dates, statuses and owners,
and asks where it may not guess. Confirming writes all rows or none (`schrijven`).
Nothing here raises for anything a user can upload; a bound that is exceeded is kept in
`Voorbeeld.weigering` for the security log.
"""

import datetime

from django.core import signing
from django.utils.translation import gettext as _

from .bestanden import Grenzen, Limiet, Onleesbaar, check_size, damaged, read_csv
from .datums import MONTHS, parse_date, read_date  # noqa: F401 - the date reader's public names
from .kolommen import COLUMNS, HEADER_ALIASES  # noqa: F401
from .schrijven import Importpunt, Verwerking, confirm  # noqa: F401
from .voorbeeld import Keuzes, Probleem, Voorbeeld, preview_rows  # noqa: F401
from .xlsx import read_xlsx

XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNING_SALT = "actiepunten.import"
BRON_SALT = "actiepunten.import.bron"
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview stays valid
BRON_MAX_CHARS = 4 * 1024 * 1024  # text carried between the preview steps; a real actielijst is far smaller


def read_rows(name: str, data: bytes, grenzen: Grenzen, *, geplakt: bool = False) -> list[tuple[int, list]]:
    """The non-empty rows of an upload, numbered as in the file. Raises Limiet or Onleesbaar."""
    name = (name or "").lower()
    check_size(data, grenzen)
    if not data.strip():
        raise Onleesbaar(_("Het bestand is leeg."))
    if geplakt:
        return read_csv(data, grenzen, delimiter="\t")
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
    if name.endswith((".csv", ".txt", ".tsv")) or not name:
        return read_csv(data, grenzen)
    raise Onleesbaar(_("Kies een CSV- of Excel-bestand (.csv of .xlsx), of plak de tabel als tekst."))


def _refused(voorbeeld: Voorbeeld, error: Exception) -> Voorbeeld:
    if isinstance(error, Limiet):
        voorbeeld.add(error.rij, error.tekst)
        voorbeeld.weigering = error.details
    else:
        voorbeeld.add(None, error.tekst)
    return voorbeeld


def load(*, name: str, data: bytes, geplakt: bool = False) -> tuple[list[tuple[int, list]] | None, Voorbeeld]:
    """The rows of an upload, or None and a preview holding the refusal."""
    try:
        rows = read_rows(name, data, Grenzen.from_settings(), geplakt=geplakt)
        check_carried(rows)
    except (Limiet, Onleesbaar) as error:
        return None, _refused(Voorbeeld(), error)
    return rows, Voorbeeld()


def build_preview(*, name: str, data: bytes, members, existing_numbers: set[int], bestaande=None,
                  keuzes: Keuzes | None = None, remembered=None, geplakt: bool = False) -> Voorbeeld:
    """Read an upload and preview it; `keuzes` are the user's corrections from an earlier preview."""
    rows, voorbeeld = load(name=name, data=data, geplakt=geplakt)
    if rows is None:
        return voorbeeld
    return preview_rows(rows=rows, members=members, existing_numbers=existing_numbers, bestaande=bestaande or {},
                        keuzes=keuzes or Keuzes(), remembered=remembered or {})


# --- the rows between the steps -----------------------------------------------------------------------

def check_carried(rows: list[tuple[int, list]]) -> None:
    """The rows must fit in the token that carries them between steps (a shared XLSX text repeated in many
    cells counts every time)."""
    total = 0
    for _rij, row in rows:
        total += sum(len(str(v)) for v in row if v is not None)
        if total > BRON_MAX_CHARS:
            raise Limiet("bron", BRON_MAX_CHARS, _(
                "De actielijst bevat meer dan %(max)s miljoen tekens; splits de lijst op.")
                % {"max": BRON_MAX_CHARS // (1024 * 1024)})


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, bool):
        return str(value)
    return value if value is None or isinstance(value, int | float | str) else str(value)


def _revived(value):
    if isinstance(value, dict):
        text = str(value.get("d", ""))
        try:
            return datetime.datetime.fromisoformat(text) if "T" in text else datetime.date.fromisoformat(text)
        except ValueError:
            return text
    return value


def sign_bron(rows: list[tuple[int, list]], *, scope: str, name: str) -> str:
    payload = {"scope": scope, "naam": name[:200], "rijen": [[rij, [_plain(v) for v in row]] for rij, row in rows]}
    return signing.dumps(payload, salt=BRON_SALT, compress=True)


def unsign_bron(token: str, *, scope: str) -> tuple[list[tuple[int, list]], str] | None:
    """The rows of an upload read for this user and overleg, or None when altered, expired or foreign."""
    try:
        payload = signing.loads(token, salt=BRON_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("scope") != scope:
        return None
    return [(int(rij), [_revived(v) for v in row]) for rij, row in payload["rijen"]], str(payload.get("naam", ""))


# --- a confirmed preview --------------------------------------------------------------------------------

def sign(regels: list[Importpunt], *, scope: str, toewijzing: dict | None = None) -> str:
    payload = {"scope": scope, "toewijzing": toewijzing or {}, "regels": [
        {**r.__dict__, "datum_gereed": r.datum_gereed.isoformat() if r.datum_gereed else None,
         "wijzigingen": [list(w) for w in r.wijzigingen]} for r in regels]}
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def unsign(token: str, *, scope: str) -> list[Importpunt] | None:
    """The rows of a preview shown to this user for this overleg, or None when altered, expired or foreign."""
    payload = _payload(token, scope)
    if payload is None:
        return None
    return [Importpunt(**{**r, "datum_gereed": datetime.date.fromisoformat(r["datum_gereed"])
                          if r["datum_gereed"] else None,
                          "wijzigingen": tuple(tuple(w) for w in r["wijzigingen"])})
            for r in payload["regels"]]


def unsign_toewijzing(token: str, *, scope: str) -> dict:
    payload = _payload(token, scope)
    return payload.get("toewijzing") or {} if payload else {}


def _payload(token: str, scope: str) -> dict | None:
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) and payload.get("scope") == scope else None
