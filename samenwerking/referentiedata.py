"""Loading the reference data (CBS gemeenten, politie-eenheden, veiligheidsregio's, arrondissementen, basisteams)
and keeping their organisations in step.

Every loader first reads and checks the whole file, then writes everything in one transaction, so a
malformed file writes nothing. Rows that did not change are not saved again: loading twice changes
nothing, not even the history.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import organisaties
from .models import (
    Arrondissementsparket,
    Basisteam,
    District,
    Eenheid,
    Gemeente,
    Organisatie,
    Veiligheidsregio,
    Werkgebied,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

# Names users say instead of the official CBS name.
DISPLAY_NAMES = {"GM0518": "Den Haag"}


class ReferentiedataFout(Exception):
    """A file could not be loaded; `problemen` lists each problem with its line number."""

    def __init__(self, bestand: str, problemen: list[str]):
        self.bestand = bestand
        self.problemen = problemen
        super().__init__(
            _("%(bestand)s is niet geladen; er is niets gewijzigd:\n%(problemen)s")
            % {"bestand": bestand, "problemen": "\n".join(problemen)}
        )


@dataclass
class Regeluitkomst:
    """What one line of a basisteam file does: its team (on the team's first line only) and its werkgebied."""

    regel: int
    basisteam: str
    eenheid: str
    gemeente: str
    dekking: str
    basisteam_status: str  # aangemaakt / gewijzigd / ongewijzigd, or "" on the team's later lines
    werkgebied_status: str


@dataclass
class Resultaat:
    """Totals over all models (objects, not lines), per model, and for a basisteam file what each line does."""

    aangemaakt: int = 0
    gewijzigd: int = 0
    ongewijzigd: int = 0
    per_model: dict = field(default_factory=dict)
    regels: list[Regeluitkomst] = field(default_factory=list)

    def tel(self, model_label: str, status: str):
        setattr(self, status, getattr(self, status) + 1)
        self.per_model.setdefault(model_label, {"aangemaakt": 0, "gewijzigd": 0, "ongewijzigd": 0})
        self.per_model[model_label][status] += 1

    def samenvatting(self) -> str:
        """Per model, so a team with its werkgebied reads as one of each and not as "2 aangemaakt"."""
        parts = [
            _("%(soort)s: %(aangemaakt)d aangemaakt, %(gewijzigd)d gewijzigd, %(ongewijzigd)d ongewijzigd")
            % {"soort": capfirst(label), **counts}
            for label, counts in self.per_model.items()
        ]
        return "; ".join(parts) + "."


def _upsert(model, lookup: dict, values: dict, resultaat: Resultaat):
    """Create or update one row; returns the object and what happened to it."""
    obj = model.objects.filter(**lookup).first()
    label = str(model._meta.verbose_name_plural)
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        resultaat.tel(label, "aangemaakt")
        return obj, "aangemaakt"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    status = "gewijzigd" if changed else "ongewijzigd"
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
    resultaat.tel(label, status)
    return obj, status


def read_csv(text: str, bestand: str, required: list[str]) -> list[tuple[int, dict]]:
    """Rows as (line number, dict). Missing columns and ragged rows are reported by line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [name for name in required if name not in (reader.fieldnames or [])]
    if missing:
        raise ReferentiedataFout(
            bestand,
            [_("regel 1: kolom(men) ontbreken: %(kolommen)s") % {"kolommen": ", ".join(missing)}],
        )
    rows, problemen = [], []
    for row in reader:
        line = reader.line_num
        if None in row or any(value is None for value in row.values()):
            problemen.append(
                _("regel %(regel)d: het aantal velden klopt niet met de kopregel") % {"regel": line}
            )
            continue
        rows.append((line, {key: value.strip() for key, value in row.items()}))
    if problemen:
        raise ReferentiedataFout(bestand, problemen)
    return rows


def _check(problemen, line, condition, message, **kwargs):
    if not condition:
        problemen.append(_("regel %(regel)d: ") % {"regel": line} + message % kwargs)
    return condition


CODE_PATTERNS = {
    "gemeente": re.compile(r"^GM\d{4}$"),
    "veiligheidsregio": re.compile(r"^VR\d{2}$"),
    "eenheid": re.compile(r"^(RE\d{2}|LE)$"),
}


def _load_eenheden(text, resultaat):
    rows = read_csv(text, "politie_eenheden.csv", ["code", "naam", "volledige_naam", "type"])
    problemen = []
    for line, row in rows:
        _check(problemen, line, CODE_PATTERNS["eenheid"].match(row["code"]),
               _("ongeldige eenheidscode '%(code)s'"), code=row["code"])
        _check(problemen, line, row["naam"], _("naam is leeg"))
    if problemen:
        raise ReferentiedataFout("politie_eenheden.csv", problemen)
    for _line, row in rows:
        soort = Eenheid.Soort.LANDELIJK if row["type"].startswith("landelijk") else Eenheid.Soort.REGIONAAL
        _upsert(Eenheid, {"code": row["code"]},
                {"naam": row["naam"], "volledige_naam": row["volledige_naam"], "soort": soort},
                resultaat)


def _load_veiligheidsregios(text, resultaat):
    rows = read_csv(text, "veiligheidsregios.csv", ["code", "naam", "politie_eenheid_code"])
    eenheden = {e.code: e for e in Eenheid.objects.all()}
    problemen = []
    for line, row in rows:
        _check(problemen, line, CODE_PATTERNS["veiligheidsregio"].match(row["code"]),
               _("ongeldige veiligheidsregiocode '%(code)s'"), code=row["code"])
        _check(problemen, line, row["politie_eenheid_code"] in eenheden,
               _("onbekende politie-eenheid '%(code)s'"), code=row["politie_eenheid_code"])
    if problemen:
        raise ReferentiedataFout("veiligheidsregios.csv", problemen)
    for _line, row in rows:
        _upsert(Veiligheidsregio, {"code": row["code"]},
                {"naam": row["naam"], "eenheid": eenheden[row["politie_eenheid_code"]]}, resultaat)


@dataclass(frozen=True)
class Arrondissement:
    """Where a gemeente goes: by its politie-eenheid, and by provincie where an eenheid spans two (SOURCES.md)."""

    naam: str
    parket: Arrondissementsparket
    eenheid: str
    provincie: str  # "" for every provincie of the eenheid

    def omvat(self, *, eenheid: str, provincie: str) -> bool:
        return self.eenheid == eenheid and self.provincie in ("", provincie)


def _load_arrondissementen(text, resultaat) -> list[Arrondissement]:
    rows = read_csv(text, "arrondissementen.csv",
                    ["code", "naam", "parket_code", "parket_naam", "politie_eenheid_code", "provinciecode"])
    eenheden = {e.code for e in Eenheid.objects.all()}
    problemen = []
    for line, row in rows:
        _check(problemen, line, row["naam"] and row["parket_code"] and row["parket_naam"],
               _("naam, parket_code en parket_naam moeten gevuld zijn"))
        _check(problemen, line, row["politie_eenheid_code"] in eenheden,
               _("onbekende politie-eenheid '%(code)s'"), code=row["politie_eenheid_code"])
    if problemen:
        raise ReferentiedataFout("arrondissementen.csv", problemen)
    per_parket = {}
    for _line, row in rows:
        per_parket.setdefault((row["parket_code"], row["parket_naam"]), []).append(row["naam"])
    parketten = {
        code: _upsert(Arrondissementsparket, {"code": code},
                      {"naam": naam, "arrondissementen": ", ".join(namen)}, resultaat)[0]
        for (code, naam), namen in per_parket.items()
    }
    return [Arrondissement(naam=row["naam"], parket=parketten[row["parket_code"]],
                           eenheid=row["politie_eenheid_code"], provincie=row["provinciecode"])
            for _line, row in rows]


def _weergavenaam(code: str, officiele_naam: str) -> str:
    """The display name for a gemeente as loaded: Den Haag for 's-Gravenhage, else the official name."""
    return DISPLAY_NAMES.get(code, officiele_naam)


def _load_gemeenten(text, resultaat, arrondissementen: list[Arrondissement]):
    required = ["gemeentecode", "gemeentenaam", "provinciecode", "provincienaam",
                "veiligheidsregiocode", "politie_eenheid_code"]
    rows = read_csv(text, "gemeenten.csv", required)
    eenheden = {e.code: e for e in Eenheid.objects.all()}
    regios = {v.code: v for v in Veiligheidsregio.objects.all()}
    problemen, seen = [], {}
    for line, row in rows:
        code = row["gemeentecode"]
        _check(problemen, line, CODE_PATTERNS["gemeente"].match(code),
               _("ongeldige gemeentecode '%(code)s'"), code=code)
        if _check(problemen, line, code not in seen,
                  _("gemeentecode %(code)s staat ook op regel %(eerder)d"),
                  code=code, eerder=seen.get(code, 0)):
            seen[code] = line
        _check(problemen, line, row["gemeentenaam"], _("gemeentenaam is leeg"))
        _check(problemen, line, row["veiligheidsregiocode"] in regios,
               _("onbekende veiligheidsregio '%(code)s'"), code=row["veiligheidsregiocode"])
        if _check(problemen, line, row["politie_eenheid_code"] in eenheden,
                  _("onbekende politie-eenheid '%(code)s'"), code=row["politie_eenheid_code"]):
            matches = [a for a in arrondissementen
                       if a.omvat(eenheid=row["politie_eenheid_code"], provincie=row["provinciecode"])]
            _check(problemen, line, len(matches) == 1,
                   _("gemeente %(code)s valt in %(aantal)d arrondissementen volgens arrondissementen.csv; "
                     "het moet er precies één zijn"), code=code, aantal=len(matches))
    if problemen:
        raise ReferentiedataFout("gemeenten.csv", problemen)
    for _line, row in rows:
        code = row["gemeentecode"]
        existing = Gemeente.objects.filter(cbs_code=code).values("officiele_naam", "weergavenaam").first()
        # A display name a beheerder chose survives a reload; one that only followed the official name follows it.
        chosen = existing and existing["weergavenaam"] != _weergavenaam(code, existing["officiele_naam"])
        weergavenaam = existing["weergavenaam"] if chosen else _weergavenaam(code, row["gemeentenaam"])
        arrondissement = next(a for a in arrondissementen
                              if a.omvat(eenheid=row["politie_eenheid_code"], provincie=row["provinciecode"]))
        _upsert(Gemeente, {"cbs_code": code}, {
            "officiele_naam": row["gemeentenaam"],
            "weergavenaam": weergavenaam,
            "provincie_code": row["provinciecode"],
            "provincie_naam": row["provincienaam"],
            "veiligheidsregio": regios[row["veiligheidsregiocode"]],
            "eenheid": eenheden[row["politie_eenheid_code"]],
            "arrondissement": arrondissement.naam,
            "parket": arrondissement.parket,
        }, resultaat)


def _load_districten(text, resultaat):
    rows = read_csv(text, "politie_districten_partial.csv",
                    ["politie_eenheid_code", "district_naam", "opmerking"])
    eenheden = {e.code: e for e in Eenheid.objects.all()}
    problemen = []
    for line, row in rows:
        _check(problemen, line, row["politie_eenheid_code"] in eenheden,
               _("onbekende politie-eenheid '%(code)s'"), code=row["politie_eenheid_code"])
        _check(problemen, line, row["district_naam"], _("districtnaam is leeg"))
    if problemen:
        raise ReferentiedataFout("politie_districten_partial.csv", problemen)
    for _line, row in rows:
        _upsert(District,
                {"eenheid": eenheden[row["politie_eenheid_code"]], "naam": row["district_naam"]},
                {"opmerking": row["opmerking"]}, resultaat)


BASISTEAM_COLUMNS = ["basisteam_naam", "politie_eenheid_code", "district", "gemeentecode",
                     "dekking", "bron", "bron_datum", "betrouwbaarheid"]


def parse_dekking(text: str) -> tuple[str, str]:
    """'gehele gemeente (…)' → geheel; 'deel van gemeente (…)' → deel; else onbekend, with the remark."""
    match = re.match(r"^\s*([^(]*?)\s*(?:\((.*)\))?\s*$", text)
    head, remark = (match.group(1), match.group(2) or "") if match else (text, "")
    lowered = head.lower()
    if lowered.startswith("geheel") or lowered.startswith("gehele"):
        return Werkgebied.Dekking.GEHEEL, remark
    if lowered.startswith("deel"):
        return Werkgebied.Dekking.DEEL, remark
    return Werkgebied.Dekking.ONBEKEND, text.strip()


@transaction.atomic
def import_basisteams(
    text: str, bestand: str = "basisteams.csv", resultaat: Resultaat | None = None
) -> Resultaat:
    """Basisteams and their werkgebieden from a CSV shaped like basisteams_seed.csv."""
    rows = read_csv(text, bestand, BASISTEAM_COLUMNS)
    eenheden = {e.code: e for e in Eenheid.objects.all()}
    gemeenten = {g.cbs_code: g for g in Gemeente.objects.all()}
    problemen, seen = [], {}
    for line, row in rows:
        _check(problemen, line, row["basisteam_naam"], _("basisteam_naam is leeg"))
        pair = (row["politie_eenheid_code"], row["basisteam_naam"], row["gemeentecode"])
        # One werkgebied per team and gemeente: a second line would overwrite the first one unseen.
        if _check(problemen, line, pair not in seen,
                  _("basisteam '%(naam)s' met gemeentecode %(code)s staat ook op regel %(eerder)d"),
                  naam=row["basisteam_naam"], code=row["gemeentecode"], eerder=seen.get(pair, 0)):
            seen[pair] = line
        eenheid_ok = _check(problemen, line, row["politie_eenheid_code"] in eenheden,
                            _("onbekende politie-eenheid '%(code)s'"),
                            code=row["politie_eenheid_code"])
        _check(problemen, line, row["gemeentecode"] in gemeenten,
               _("onbekende gemeentecode '%(code)s'"), code=row["gemeentecode"])
        if eenheid_ok and row["district"]:
            _check(problemen, line,
                   District.objects.filter(eenheid=eenheden[row["politie_eenheid_code"]],
                                           naam=row["district"]).exists(),
                   _("onbekend district '%(naam)s'"), naam=row["district"])
    if problemen:
        raise ReferentiedataFout(bestand, problemen)
    resultaat = resultaat or Resultaat()
    basisteams = {}
    for line, row in rows:
        eenheid = eenheden[row["politie_eenheid_code"]]
        key = (eenheid.code, row["basisteam_naam"])
        if key not in basisteams:
            # A team spans several rows (one per gemeente); its own details come from its first row.
            district = (
                District.objects.get(eenheid=eenheid, naam=row["district"])
                if row["district"] else None
            )
            basisteams[key], basisteam_status = _upsert(
                Basisteam, {"eenheid": eenheid, "naam": row["basisteam_naam"]}, {
                    "district": district,
                    "bron": row["bron"][:500],
                    "bron_datum": row["bron_datum"][:50],
                    "betrouwbaarheid": row["betrouwbaarheid"][:200],
                }, resultaat)
        else:
            basisteam_status = ""
        basisteam = basisteams[key]
        gemeente = gemeenten[row["gemeentecode"]]
        dekking, omschrijving = parse_dekking(row["dekking"])
        _werkgebied, werkgebied_status = _upsert(
            Werkgebied, {"basisteam": basisteam, "gemeente": gemeente},
            {"dekking": dekking, "omschrijving": omschrijving[:255]}, resultaat)
        resultaat.regels.append(Regeluitkomst(
            regel=line, basisteam=basisteam.naam, eenheid=eenheid.code, gemeente=gemeente.weergavenaam,
            dekking=str(Werkgebied.Dekking(dekking).label) + (f" ({omschrijving})" if omschrijving else ""),
            basisteam_status=basisteam_status, werkgebied_status=werkgebied_status))
    return resultaat


def preview_basisteams(text: str, bestand: str = "basisteams.csv") -> Resultaat:
    """What `import_basisteams` would do with this file, line by line; writes nothing (the work is rolled back)."""
    with transaction.atomic():
        resultaat = import_basisteams(text, bestand)
        transaction.set_rollback(True)
    return resultaat


@transaction.atomic
def load_reference_data(data_dir: Path = DATA_DIR, *, basisteams: bool = True) -> Resultaat:
    """Eenheden, veiligheidsregio's, arrondissementsparketten, gemeenten and (partial) districten; optionally the
    basisteam seed; then the organisation of every gemeente, eenheid, basisteam and parket."""
    resultaat = Resultaat()
    _load_eenheden((data_dir / "politie_eenheden.csv").read_text("utf-8"), resultaat)
    _load_veiligheidsregios((data_dir / "veiligheidsregios.csv").read_text("utf-8"), resultaat)
    arrondissementen = _load_arrondissementen((data_dir / "arrondissementen.csv").read_text("utf-8"), resultaat)
    _load_gemeenten((data_dir / "gemeenten.csv").read_text("utf-8"), resultaat, arrondissementen)
    _load_districten((data_dir / "politie_districten_partial.csv").read_text("utf-8"), resultaat)
    if basisteams:
        import_basisteams(
            (data_dir / "basisteams_seed.csv").read_text("utf-8"), "basisteams_seed.csv", resultaat
        )
    label = str(Organisatie._meta.verbose_name_plural)
    organisaties.keep_all_in_step(tel=lambda status: resultaat.tel(label, status))
    return resultaat
