"""The dekkingskaart on /beeld/ (issue 16, item 2): the 342 gemeenten as server-rendered SVG paths.

Geometry: samenwerking/data/gemeenten_2023.topo.json (minvws COVID-19 dashboard, EUPL-1.2; geometry CBS/PDOK; see
samenwerking/data/SOURCES.md). TopoJSON stores shared borders once as quantised, delta-encoded arcs; a ring lists
arc indices, a negative index ~i meaning arc i reversed. The projection is a plain equirectangular one with
longitude shrunk by cos 52° (the middle of the Netherlands), good enough at this scale. Decoded once per process
(`geometry()` is cached), never per request. Coordinates are kept as integers in tenths of a map unit, so paths
are written with relative steps of one decimal at most and shapes still close exactly.

`page_map()` builds what the page draws from the rows of arrangementen.beeld (no query of its own): every gemeente
of the user's scope as a link with its name and state, the others grey and out of the tab order, and the viewBox of
the scope or of the eenheid or veiligheidsregio chosen to zoom to.
"""

import functools
import json
import math
from dataclasses import dataclass, field

from django import forms
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from samenwerking.referentiedata import DATA_DIR

from .dekking import Dekking
from .forms.keuzelijst import Keuzelijst

TOPOJSON = DATA_DIR / "gemeenten_2023.topo.json"
UNITS_PER_DEGREE = 200  # the country is about 480 × 560 units; a tenth of a unit is about 50 m
_LON_FACTOR = math.cos(math.radians(52))
MARGIN = 0.04  # share of the width or height left around a zoomed area
GEWELD_LABEL = _("geweldsmiddelen zonder arrangement in werking")


@dataclass(frozen=True)
class Vorm:
    """One area's outline: an SVG path `d` and its bounds (min x, min y, max x, max y) in tenths of a unit."""

    d: str
    bounds: tuple[int, int, int, int]


@dataclass(frozen=True)
class Geometrie:
    gemeenten: dict[str, Vorm]  # by CBS code, GMxxxx
    regios: dict[str, Vorm]  # by veiligheidsregio code, VRxx
    bounds: tuple[int, int, int, int]


def _svg_point(lon: float, lat: float) -> tuple[int, int]:
    # North is up: SVG's y grows downwards, so latitude is negated.
    return round(lon * _LON_FACTOR * UNITS_PER_DEGREE * 10), round(-lat * UNITS_PER_DEGREE * 10)


def _lon_lat(lon: float, lat: float) -> tuple[float, float]:
    return round(lon, 5), round(lat, 5)  # about a metre: plenty for a map of gemeenten


def _decode_arcs(topo: dict, point=_svg_point) -> list[list[tuple]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(point(x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    points: list[tuple[int, int]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)  # consecutive arcs share their joining point
    return points


def _number(tenths: int) -> str:
    whole, rest = divmod(abs(tenths), 10)
    return ("-" if tenths < 0 else "") + str(whole) + (f".{rest}" if rest else "")


def _path(rings: list[list[tuple[int, int]]], origin: tuple[int, int]) -> str:
    parts = []
    for ring in rings:
        (x, y), numbers = ring[0], []
        for nx, ny in ring[1:]:
            if (nx, ny) != (x, y):
                numbers += [nx - x, ny - y]
                x, y = nx, ny
        steps = "".join((" " if n >= 0 and i else "") + _number(n) for i, n in enumerate(numbers))
        parts.append(f"M{_number(ring[0][0] - origin[0])} {_number(ring[0][1] - origin[1])}l{steps}z")
    return "".join(parts)


def _rings(geometry: dict) -> list[list[int]]:
    if geometry["type"] == "Polygon":
        return geometry["arcs"]
    return [ring for polygon in geometry["arcs"] for ring in polygon]  # MultiPolygon


def _bounds(points) -> tuple[int, int, int, int]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _shapes(topo: dict, name: str, arcs, origin) -> dict[str, Vorm]:
    shapes = {}
    for geometry in topo["objects"][name]["geometries"]:
        rings = [_ring(indices, arcs) for indices in _rings(geometry)]
        box = _bounds([point for ring in rings for point in ring])
        shapes[geometry["properties"]["code"]] = Vorm(
            d=_path(rings, origin), bounds=(box[0] - origin[0], box[1] - origin[1], box[2] - origin[0],
                                            box[3] - origin[1]))
    return shapes


@functools.cache
def geometry() -> Geometrie:
    """The decoded map, once per process; the origin (0, 0) is the north-west corner of the country."""
    topo = json.loads(TOPOJSON.read_text("utf-8"))
    arcs = _decode_arcs(topo)
    box = _bounds([point for arc in arcs for point in arc])
    origin = (box[0], box[1])
    return Geometrie(gemeenten=_shapes(topo, "gm_features", arcs, origin),
                     regios=_shapes(topo, "vr_features", arcs, origin),
                     bounds=(0, 0, box[2] - box[0], box[3] - box[1]))


@functools.cache
def geojson_geometries() -> dict[str, dict]:
    """Each gemeente's outline as a GeoJSON geometry in WGS84 longitude/latitude (RFC 7946), by CBS code; decoded
    once per process from the same file as the map, for the API's GeoJSON."""
    topo = json.loads(TOPOJSON.read_text("utf-8"))
    arcs = _decode_arcs(topo, _lon_lat)
    result = {}
    for item in topo["objects"]["gm_features"]["geometries"]:
        polygons = [item["arcs"]] if item["type"] == "Polygon" else item["arcs"]
        coordinates = [[[list(p) for p in _ring(indices, arcs)] for indices in polygon] for polygon in polygons]
        result[item["properties"]["code"]] = ({"type": "Polygon", "coordinates": coordinates[0]}
                                              if item["type"] == "Polygon"
                                              else {"type": "MultiPolygon", "coordinates": coordinates})
    return result


def viewbox(shapes: list[Vorm]) -> tuple[str, float]:
    """The SVG viewBox around these shapes, with a small margin (the whole country when there are none), and its
    size as a share of the whole country's, by which the fill patterns scale to look the same on screen."""
    if not shapes:
        shapes = [Vorm(d="", bounds=geometry().bounds)]
    x0, y0 = min(s.bounds[0] for s in shapes), min(s.bounds[1] for s in shapes)
    x1, y1 = max(s.bounds[2] for s in shapes), max(s.bounds[3] for s in shapes)
    margin = round(MARGIN * max(x1 - x0, y1 - y0))
    box = (x0 - margin, y0 - margin, x1 - x0 + 2 * margin, y1 - y0 + 2 * margin)
    schaal = max(box[2], box[3]) / max(geometry().bounds[2:])
    return " ".join(_number(n) for n in box), round(schaal, 3)

# What the zoom form carries along, so zooming keeps the rest of the page (the page's own form checks them).
MEEGENOMEN = ("peildatum", "sorteer", "richting", "eenheid", "veiligheidsregio", "basisteam", "driehoeksoort",
              "domein", "geweldsmiddelen")


class ZoomForm(forms.Form):
    """Which area the map shows; the peildatum, sort order and filters ride along as hidden fields."""

    zoom = forms.ChoiceField(label=_("Zoom de kaart naar"), required=False, widget=Keuzelijst, error_messages={
        "invalid_choice": _("Kies een politie-eenheid of veiligheidsregio uit de lijst; de kaart toont nu uw hele "
                            "overzicht.")})

    def __init__(self, *args, eenheden: list, regios: list, **kwargs):
        super().__init__(*args, auto_id="kaart_%s", **kwargs)
        for name in MEEGENOMEN:
            self.fields[name] = forms.CharField(required=False, widget=forms.HiddenInput)
        groups = ((_("Politie-eenheden"), "eenheid", eenheden), (_("Veiligheidsregio's"), "regio", regios))
        self.fields["zoom"].choices = [("", _("Uw hele overzicht"))] + [
            (group, [(f"{prefix}:{area.pk}", area.naam) for area in areas]) for group, prefix, areas in groups if areas]


@dataclass
class Gebied:
    """A gemeente on the map: `url` only where it is in the user's scope (and in the zoomed area)."""

    d: str
    naam: str = ""
    stand: Dekking | None = None
    url: str = ""
    geweld: bool = False  # issue 20: geweldsmiddelen without an arrangement in force (its own marker)


@dataclass
class Kaart:
    form: ZoomForm
    viewbox: str
    schaal: float
    gebieden: list[Gebied]  # links, in alphabetical order: the tab order
    achtergrond: list[Gebied]  # not focusable: outside the scope (no state) or outside the zoomed area
    regios: list[str]
    legenda: list[tuple[Dekking, int]]
    geweld: int = 0  # gemeenten on the map with geweldsmiddelen without an arrangement in force
    zonder_vorm: list[str] = field(default_factory=list)  # gemeenten of the scope the geometry lacks

    # The paths are written here, not by template loops: 342 shapes × four lookups each cost the page ~0.2 s.
    # A path's `d` holds only digits, signs, spaces and M/l/z (_path), so only names and links are escaped.
    @property
    def achtergrond_svg(self) -> SafeString:
        return mark_safe("".join(  # noqa: S308 - every part is escaped or a path of digits
            f'<path class="app-kaart__rand" d="{g.d}" fill="url(#kaart-{g.stand.value})"/>' if g.stand
            else f'<path class="app-kaart__buiten" d="{g.d}"/>' for g in self.achtergrond))

    @property
    def gebieden_svg(self) -> SafeString:
        return mark_safe("".join(_link(gebied) for gebied in self.gebieden))  # noqa: S308 - see _link

    @property
    def regios_svg(self) -> SafeString:
        return _regios_svg()


def _link(gebied: Gebied) -> str:
    naam = escape(gebied.naam)
    geweld = f'<path class="app-kaart__geweld" d="{gebied.d}"/>' if gebied.geweld else ""
    return (f'<a class="app-kaart__gemeente" href="{escape(gebied.url)}" aria-label="{naam}"><title>{naam}</title>'
            f'<path d="{gebied.d}" fill="url(#kaart-{gebied.stand.value})"/>{geweld}</a>')


@functools.cache
def _regios_svg() -> SafeString:
    """The veiligheidsregio borders are the same on every page: written once per process."""
    return mark_safe("".join(f'<path d="{vorm.d}"/>' for vorm in geometry().regios.values()))  # noqa: S308


def _areas(regels) -> tuple[list, list]:
    eenheden = {r.gemeente.eenheid_id: r.gemeente.eenheid for r in regels}
    regios = {r.gemeente.veiligheidsregio_id: r.gemeente.veiligheidsregio for r in regels}
    return (sorted(eenheden.values(), key=lambda a: a.naam), sorted(regios.values(), key=lambda a: a.naam))


def _in_zoom(regel, zoom: str) -> bool:
    soort, _sep, pk = zoom.partition(":")
    gemeente = regel.gemeente
    return not zoom or str(gemeente.eenheid_id if soort == "eenheid" else gemeente.veiligheidsregio_id) == pk


def page_map(*, regels, params, detail_query: str = "") -> Kaart:
    """The map of the rows of arrangementen.beeld.overview; `params` is the query string (zoom=eenheid:<pk> or
    regio:<pk>). An unknown or foreign area is refused in the form and the map shows the whole scope."""
    geo = geometry()
    eenheden, regios = _areas(regels)
    bound = "zoom" in params
    carried = {} if bound else {name: params.get(name, "") for name in MEEGENOMEN}
    form = ZoomForm(params if bound else None, eenheden=eenheden, regios=regios, initial=carried)
    zoom = form.cleaned_data["zoom"] if form.is_bound and form.is_valid() else ""
    detail = reverse("beeld:gemeente", args=[0]).removesuffix("0/")
    query = f"?{detail_query}" if detail_query else ""
    by_code = {r.gemeente.cbs_code: r for r in regels}
    gebieden, achtergrond, zichtbaar = [], [], []
    labels, geweld_label = {}, str(GEWELD_LABEL)
    for regel in sorted(regels, key=lambda r: r.gemeente.weergavenaam.lower()):
        vorm = geo.gemeenten.get(regel.gemeente.cbs_code)
        if vorm is None:
            continue
        if regel.stand not in labels:  # a lazy label is translated at every use: once per state is enough
            labels[regel.stand] = str(regel.stand.label)
        naam = f"{regel.gemeente.weergavenaam}: {labels[regel.stand]}"
        if regel.geweld_zonder_werking:
            naam += f"; {geweld_label}"
        gebied = Gebied(d=vorm.d, naam=naam, stand=regel.stand, geweld=regel.geweld_zonder_werking)
        if _in_zoom(regel, zoom):
            gebied.url = f"{detail}{regel.gemeente.pk}/{query}"
            gebieden.append(gebied)
            zichtbaar.append(vorm)
        else:
            achtergrond.append(gebied)
    achtergrond += [Gebied(d=vorm.d) for code, vorm in geo.gemeenten.items() if code not in by_code]
    counts = dict.fromkeys(Dekking, 0)
    for gebied in gebieden:
        counts[gebied.stand] += 1
    box, schaal = viewbox(zichtbaar)
    return Kaart(form=form, viewbox=box, schaal=schaal, gebieden=gebieden, achtergrond=achtergrond,
                 regios=[vorm.d for vorm in geo.regios.values()], legenda=list(counts.items()),
                 geweld=sum(1 for gebied in gebieden if gebied.geweld),
                 zonder_vorm=sorted(r.gemeente.weergavenaam for r in regels
                                    if r.gemeente.cbs_code not in geo.gemeenten))
