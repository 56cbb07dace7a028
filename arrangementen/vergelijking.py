"""Side-by-side comparison of two versions in one herziening chain."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from samenwerking.geschiedenis import DiffBudget, word_diff

from . import stroomregels
from .models import Afspraak, Arrangement, Domein, Gegevensstroom, Geweldsmiddeltoekenning
from .services import EDITABLE_FIELDS


@dataclass
class Rij:
    label: str
    links: object
    rechts: object
    gewijzigd: bool
    diff: list = field(default_factory=list)
    soort: str = ""


def _display(arrangement: Arrangement, name: str) -> str:
    value = getattr(arrangement, name)
    return "—" if value in (None, "") else str(value)


def _field_rows(left: Arrangement, right: Arrangement, budget: DiffBudget) -> list[Rij]:
    rows = []
    for name in EDITABLE_FIELDS:
        label = str(Arrangement._meta.get_field(name).verbose_name).capitalize()
        a, b = _display(left, name), _display(right, name)
        long_text = name in ("doel", "aanleiding", "werkgebied", "toezichthouders")
        rows.append(Rij(label, a, b, a != b, word_diff(a, b, budget=budget) if long_text and a != b else []))
    return rows


def _inzet_rows(left: Arrangement, right: Arrangement) -> list[Rij]:
    a = {i.domein: i for i in left.inzet.all()}
    b = {i.domein: i for i in right.inzet.all()}
    rows = []
    for domein in Domein:
        ia, ib = a.get(domein.value), b.get(domein.value)
        da = f"{ia.aantal_boas} BOA's, {ia.fte} fte" if ia else "—"
        db = f"{ib.aantal_boas} BOA's, {ib.fte} fte" if ib else "—"
        rows.append(Rij(domein.label, da, db, da != db))
    return rows


def _partij_rows(left: Arrangement, right: Arrangement) -> list[Rij]:
    a = {p.organisatie_id: p for p in left.partijen.select_related("organisatie")}
    b = {p.organisatie_id: p for p in right.partijen.select_related("organisatie")}
    rows = []
    for org_id in sorted(a.keys() | b.keys(), key=lambda k: str((a.get(k) or b.get(k)).organisatie)):
        pa, pb = a.get(org_id), b.get(org_id)
        label = str((pa or pb).organisatie)
        da = pa.ondertekenaar_functie if pa else "—"
        db = pb.ondertekenaar_functie if pb else "—"
        rows.append(Rij(label, da, db, da != db))
    return rows


def _afspraak_rows(left: Arrangement, right: Arrangement, chain_ids: list[int], budget: DiffBudget) -> list[Rij]:
    """Match clauses across versions through their `vorige` links, also across several herzieningen."""
    links, owner = {}, {}
    for pk, vorige_id, arrangement_id in Afspraak.objects.filter(arrangement_id__in=chain_ids).values_list(
            "pk", "vorige_id", "arrangement_id"):
        links[pk], owner[pk] = vorige_id, arrangement_id
    left_items = {a.pk: a for a in left.afspraken.select_related("onderwerp")}
    rows, matched = [], set()
    for b in right.afspraken.select_related("onderwerp").order_by("onderwerp__niveau", "onderwerp__volgorde",
                                                                   "volgorde", "pk"):
        origin = links.get(b.pk)
        while origin is not None and owner.get(origin) != left.pk:
            origin = links.get(origin)
        a = left_items.get(origin)
        if a is None:
            rows.append(Rij(b.titel, None, b, True, soort=_("toegevoegd")))
            continue
        matched.add(a.pk)
        changed = (a.titel, a.tekst, a.verantwoordelijke, a.onderwerp_id) != (
            b.titel, b.tekst, b.verantwoordelijke, b.onderwerp_id)
        soort = _("gewijzigd") if changed else _("ongewijzigd")
        if b.bijstellen_toelichting:  # flagged by an evaluation and not edited since
            soort = _("bij te stellen volgens de evaluatie")
        rows.append(Rij(b.titel, a, b, changed, word_diff(a.tekst, b.tekst, budget=budget) if changed else [],
                        soort))
    for pk, a in left_items.items():
        if pk not in matched:
            rows.append(Rij(a.titel, a, None, True, soort=_("verwijderd")))
    return rows


def _stroom_text(stroom: Gegevensstroom) -> str:
    ja_nee = _("toegestaan") if stroom.verdere_verstrekking else _("niet toegestaan")
    parts = [stroomregels.describe(stroom), stroom.toelichting_overige_ontvangers,
             f"{stroom.grondslag.naam} ({stroom.grondslag.wettelijke_verwijzing})", stroom.doel,
             stroom.zwaarwegend_algemeen_belang, stroom.voorwaarden, stroom.kanaal, stroom.frequentie,
             stroom.bewaartermijn, _("verdere verstrekking %(mag)s") % {"mag": ja_nee}, stroom.beveiligingsafspraken]
    return "; ".join(p for p in parts if p)


def _stroom_rows(left: Arrangement, right: Arrangement, chain_ids: list[int], budget: DiffBudget) -> list[Rij]:
    """Flows matched across versions through their `vorige` links, read in one query for the whole chain."""
    flows = list(Gegevensstroom.objects.filter(arrangement_id__in=chain_ids)
                 .select_related("verstrekker", "grondslag").prefetch_related("ontvangers").order_by("pk"))
    links = {f.pk: f.vorige_id for f in flows}
    owner = {f.pk: f.arrangement_id for f in flows}
    left_items = {f.pk: f for f in flows if f.arrangement_id == left.pk}
    rows, matched = [], set()
    for b in (f for f in flows if f.arrangement_id == right.pk):
        origin = links.get(b.pk)
        while origin is not None and owner.get(origin) != left.pk:
            origin = links.get(origin)
        a = left_items.get(origin)
        tb = _stroom_text(b)
        if a is None:
            rows.append(Rij(f"{b.verstrekker} ({_('toegevoegd')})", "—", tb, True, soort=_("toegevoegd")))
            continue
        matched.add(a.pk)
        ta = _stroom_text(a)
        rows.append(Rij(str(b.verstrekker), ta, tb, ta != tb, word_diff(ta, tb, budget=budget) if ta != tb else []))
    rows += [Rij(f"{a.verstrekker} ({_('verwijderd')})", _stroom_text(a), "—", True, soort=_("verwijderd"))
             for pk, a in left_items.items() if pk not in matched]
    return rows


def _toekenning_text(toekenning: Geweldsmiddeltoekenning | None) -> str:
    if toekenning is None:
        return "—"
    parts = [_("vastgelegd")]
    if toekenning.toegekend_op:
        parts.append(_("toegekend op %(datum)s") % {"datum": toekenning.toegekend_op.strftime("%d-%m-%Y")})
    if toekenning.kenmerk:
        parts.append(_("kenmerk %(kenmerk)s") % {"kenmerk": toekenning.kenmerk})
    return ", ".join(parts)


def _geweld_rows(left: Arrangement, right: Arrangement) -> list[Rij]:
    """Geweldsmiddelen per organisation, domein and middel (unique per version), both versions in one query."""
    rows = (Geweldsmiddeltoekenning.objects.filter(arrangement_id__in=[left.pk, right.pk])
            .select_related("organisatie").order_by("organisatie__naam", "domein", "geweldsmiddel"))
    keyed: dict[tuple, dict[int, Geweldsmiddeltoekenning]] = {}
    for toekenning in rows:
        key = (toekenning.organisatie.naam, toekenning.domein, toekenning.geweldsmiddel)
        keyed.setdefault(key, {})[toekenning.arrangement_id] = toekenning
    result = []
    for by_version in keyed.values():
        some = next(iter(by_version.values()))
        label = f"{some.organisatie}: {some.get_geweldsmiddel_display()} ({some.get_domein_display()})"
        a, b = _toekenning_text(by_version.get(left.pk)), _toekenning_text(by_version.get(right.pk))
        result.append(Rij(label, a, b, a != b))
    return result


def _changed(rows: list[Rij]) -> int:
    return sum(1 for r in rows if r.gewijzigd)


def compare_versions(left: Arrangement, right: Arrangement, chain: list[Arrangement] | None = None, *,
                     alleen_wijzigingen: bool = False) -> dict:
    """`chain`: the versions (selectors.version_chain) when the caller has them, so no query per version.
    The counts are of everything compared; `alleen_wijzigingen` leaves the unchanged rows out of the lists."""
    chain_ids = [left.pk, right.pk]
    by_pk = {a.pk: a for a in chain or []}
    step = right
    while step.vorige_versie_id and step.vorige_versie_id != left.pk:
        chain_ids.append(step.vorige_versie_id)
        step = by_pk.get(step.vorige_versie_id) or Arrangement.objects.only("pk", "vorige_versie_id").get(
            pk=step.vorige_versie_id)
    # One budget for every diff on the page: many long clauses cannot add up to an unbounded request.
    budget = DiffBudget()
    lists = {
        "afspraken": _afspraak_rows(left, right, chain_ids, budget),
        "velden": _field_rows(left, right, budget),
        "inzet": _inzet_rows(left, right),
        "partijen": _partij_rows(left, right),
        "gegevensstromen": _stroom_rows(left, right, chain_ids, budget),
        "geweldsmiddelen": _geweld_rows(left, right),
    }
    counts = {
        "aantal_gewijzigd": _changed(lists["afspraken"]),
        # Basisgegevens: dates, geweldsmiddelen per organisation and the other fields, and the
        # BOA-inzet (BOA's and fte) per domein.
        "aantal_basisgegevens": (_changed(lists["velden"]) + _changed(lists["inzet"])
                                 + _changed(lists["geweldsmiddelen"])),
        "aantal_partijen": _changed(lists["partijen"]),
        "aantal_gegevensstromen": _changed(lists["gegevensstromen"]),
    }
    if alleen_wijzigingen:
        lists = {name: [r for r in rows if r.gewijzigd] for name, rows in lists.items()}
    return {**lists, **counts, "alleen_wijzigingen": alleen_wijzigingen}
