"""Rendering an arrangement to a tagged PDF/A-3a document with WeasyPrint (imported lazily).

We choose PDF/A-3a: archival (PDF/A-3), tagged and with logical structure (level "a"), and PDF/A-3 allows
the arrangement's data to travel inside the file as an associated JSON attachment.
"""

import json
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from . import geweldregels, overeenkomst, signing, stroomregels
from .models import Arrangement, Document, Gegevensstroom, Niveau, Partij, Status

PDF_VARIANT = "pdf/a-3a"
NIVEAU_ORDER = list(Niveau.values)
STATIC_ROOTS = [Path(p).resolve() for p in settings.STATICFILES_DIRS]


class ForbiddenResource(Exception):
    pass


def _allowed(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return False
    path = Path(unquote(parsed.path)).resolve()
    return any(path.is_relative_to(root) for root in STATIC_ROOTS)


def make_static_fetcher():
    """A WeasyPrint URL fetcher that may read the project's own static files and nothing else: no network,
    no other files. Built on first use, so WeasyPrint is only imported when a PDF is made."""
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not _allowed(url):
                raise ForbiddenResource(f"Bron niet toegestaan in een PDF: {url}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols={"file"}, fail_on_errors=False)


def static_only_fetcher(url: str):
    """Fetch one URL through the static-only fetcher (refuses everything outside the static files)."""
    return make_static_fetcher()(url)


def arrangement_data(arrangement: Arrangement, *, with_contacts: bool = False) -> dict:
    """The arrangement as plain data: attached to the PDF as JSON."""
    data = {
        "titel": arrangement.titel,
        "versie": arrangement.versie,
        "status": arrangement.status,
        "driehoek": arrangement.driehoek.naam,
        "gemeenten": [{"cbs_code": g.cbs_code, "naam": g.weergavenaam}
                      for g in arrangement.driehoek.gemeenten.order_by("weergavenaam")],
        "partijen": [{"organisatie": p.organisatie.naam, "organisatie_id": p.organisatie_id,
                      "ondertekenaar_functie": p.ondertekenaar_functie, "ondertekenaar_naam": p.ondertekenaar_naam}
                     for p in arrangement.partijen.select_related("organisatie")],
        "inzet": [{"domein": i.domein, "aantal_boas": i.aantal_boas, "fte": str(i.fte)}
                  for i in arrangement.inzet.all()],
        "geweldsmiddelen_per_organisatie": [
            {"organisatie": t.organisatie.naam, "organisatie_id": t.organisatie_id, "domein": t.domein,
             "geweldsmiddel": t.geweldsmiddel, "toegekend_op": t.toegekend_op.isoformat() if t.toegekend_op else None,
             "kenmerk": t.kenmerk} for t in geweldregels.toekenningen_of(arrangement)],
        "werkgebied": arrangement.werkgebied,
        "toezichthouders": arrangement.toezichthouders,
        "doel": arrangement.doel,
        "aanleiding": arrangement.aanleiding,
        "geldig_van": arrangement.geldig_van.isoformat() if arrangement.geldig_van else None,
        "geldig_tot": arrangement.geldig_tot.isoformat() if arrangement.geldig_tot else None,
        "evaluatiedatum": arrangement.evaluatiedatum.isoformat() if arrangement.evaluatiedatum else None,
        "opzegtermijn_maanden": arrangement.opzegtermijn_maanden,
        "vastgesteld_op": arrangement.vastgesteld_op.isoformat() if arrangement.vastgesteld_op else None,
        "besluit_referentie": arrangement.besluit_referentie,
        "afspraken": [
            {"niveau": a.onderwerp.niveau, "onderwerp": a.onderwerp.naam, "titel": a.titel, "tekst": a.tekst,
             "verantwoordelijke": a.verantwoordelijke}
            for a in sorted(arrangement.afspraken.select_related("onderwerp"),
                            key=lambda a: (NIVEAU_ORDER.index(a.onderwerp.niveau), a.onderwerp.volgorde,
                                           a.volgorde, a.pk))
        ],
        "gegevensstromen": [flow_data(stroom) for stroom in stroomregels.flows_with_receivers(arrangement)],
    }
    if with_contacts:
        data["contactpersonen"] = arrangement.contactpersonen
    return data


def flow_data(stroom: Gegevensstroom) -> dict:
    """One flow of the register (stroomregels.flows_with_receivers) as plain data; organisations by name and id,
    as the partijen."""
    return {
        "verstrekker": {"organisatie": stroom.verstrekker.naam, "organisatie_id": stroom.verstrekker_id},
        "ontvangers": [{"organisatie": o.naam, "organisatie_id": o.organisatie_id} for o in stroom.partij_ontvangers],
        "overige_ontvangers": stroom.overige_ontvangers,
        "toelichting_overige_ontvangers": stroom.toelichting_overige_ontvangers,
        "categorieen": stroom.categorieen,
        "doel": stroom.doel,
        "grondslag": {"code": stroom.grondslag.code, "naam": stroom.grondslag.naam,
                      "wettelijke_verwijzing": stroom.grondslag.wettelijke_verwijzing},
        "zwaarwegend_algemeen_belang": stroom.zwaarwegend_algemeen_belang,
        "voorwaarden": stroom.voorwaarden,
        "kanaal": stroom.kanaal,
        "frequentie": stroom.frequentie,
        "bewaartermijn": stroom.bewaartermijn,
        "verdere_verstrekking": stroom.verdere_verstrekking,
        "beveiligingsafspraken": stroom.beveiligingsafspraken,
        "afspraak": stroom.afspraak.titel if stroom.afspraak else None,
    }


FIELD_ANCHOR = "handtekeningveld-"  # the id prefix of each signature box in templates/arrangementen/pdf.html
CONCEPT_STATUSES = frozenset({Status.CONCEPT, Status.TER_REVIEW, Status.WIJZIGINGEN_GEVRAAGD, Status.GOEDGEKEURD})


def render_html(arrangement: Arrangement, document: Document | None, *, concept: bool = False) -> str:
    """The arrangement as a Dutch agreement (arrangementen.overeenkomst). `document` is None for a concept."""
    afspraken = list(arrangement.afspraken.select_related("onderwerp")
                     .order_by("onderwerp__volgorde", "onderwerp__pk", "volgorde", "pk"))
    partijen = list(arrangement.partijen.select_related("organisatie__gemeente", "organisatie__basisteam__eenheid")
                    .order_by("volgorde", "pk"))
    gemeenten = list(arrangement.driehoek.gemeenten.order_by("weergavenaam"))
    css = (Path(settings.BASE_DIR) / "static" / "css" / "pdf.css").read_text("utf-8")
    return render_to_string("arrangementen/pdf.html", {
        "arrangement": arrangement, "document": document, "concept": concept, "css": css,
        "gemeenten": gemeenten, "veld_anker": FIELD_ANCHOR, "toekenningen": geweldregels.toekenningen_of(arrangement),
        "test_pki": settings.SIGNING_TEST_PKI and not concept, "gemaakt_op": timezone.localtime(),
        **overeenkomst.context(arrangement, afspraken=afspraken, partijen=partijen, gemeenten=gemeenten,
                               inzet=list(arrangement.inzet.all()),
                               stromen=stroomregels.flows_with_receivers(arrangement)),
    })


@dataclass(frozen=True)
class PdfGrenzen:
    """What one rendering may cost. WeasyPrint's time and memory grow with the HTML's size, its number of
    elements (table cells cost most) and its nesting (deep nesting even exhausts the recursion limit)."""

    tekens: int
    elementen: int
    diepte: int
    cpu_seconden: float | None


# Rendered inside a request (the verslag): measured at some 3 s of CPU at these sizes, with a CPU stop behind it.
IN_VERZOEK = PdfGrenzen(tekens=200_000, elementen=3_000, diepte=40, cpu_seconden=8)
# Rendered by the worker (the arrangement), which has its own time limit; in-process on the embedded default.
IN_TAAK = PdfGrenzen(tekens=2_000_000, elementen=40_000, diepte=40,
                     cpu_seconden=max(10, settings.PDF_TASK_TIME_LIMIT - 30))


class PdfTeGroot(Exception):
    """The document is too large or too complex to render within the bounds; the message is for the user."""


VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                           "track", "wbr"})


class _Meting(HTMLParser):
    """Counts the elements and the deepest nesting of an HTML text in one pass."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.elementen = 0
        self.diepte = 0

    def handle_starttag(self, tag, attrs):
        self.elementen += 1
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)
            self.diepte = max(self.diepte, len(self.open))

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass


def check_bounds(html: str, grenzen: PdfGrenzen) -> None:
    """Refuse, before WeasyPrint starts, HTML that would take too long or too much memory to render."""
    if len(html) > grenzen.tekens:
        raise PdfTeGroot(_("Dit document is te groot om als PDF te maken (%(n)s tekens; maximaal %(max)s). "
                           "Maak de teksten korter of verdeel ze.") % {"n": len(html), "max": grenzen.tekens})
    meting = _Meting()
    meting.feed(html)
    meting.close()
    if meting.elementen > grenzen.elementen:
        raise PdfTeGroot(_("Dit document bevat te veel onderdelen (zoals tabelcellen of alinea's) om als PDF te "
                           "maken (maximaal %(max)s). Maak het eenvoudiger.") % {"max": grenzen.elementen})
    if meting.diepte > grenzen.diepte:
        raise PdfTeGroot(_("De opmaak van dit document is te diep genest om als PDF te maken (maximaal %(max)s "
                           "niveaus). Maak de opmaak eenvoudiger.") % {"max": grenzen.diepte})


class _CpuOp(BaseException):
    """Raised from the timer signal: a BaseException, so no `except Exception` inside WeasyPrint swallows it."""


@contextmanager
def _cpu_limit(seconds: float | None):
    """Stop the work after `seconds` of CPU time. Signals reach only the main thread (gunicorn's sync workers and
    Celery's prefork children run requests and tasks there); elsewhere the size bounds alone apply."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    armed = True

    def stop(signum, frame):
        if armed:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0.05)  # again soon, should this one be caught after all
            raise _CpuOp

    previous = signal.signal(signal.SIGVTALRM, stop)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        try:
            yield
        finally:
            armed = False  # from here on a late signal is ignored
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
    except _CpuOp:
        raise PdfTeGroot(_("Het maken van deze PDF duurde te lang en is afgebroken. Maak de teksten korter of "
                           "eenvoudiger.")) from None
    finally:
        signal.signal(signal.SIGVTALRM, previous)


@dataclass(frozen=True)
class Opgemaakt:
    """A rendered PDF and where its layout put each element whose id starts with the requested prefix:
    id → (page index, rectangle in points with the origin bottom-left)."""

    pdf: bytes
    plekken: dict[str, tuple[int, tuple[float, float, float, float]]]


def render_pdf(html: str, *, attachment: dict | None = None, identifier: str = "",
               grenzen: PdfGrenzen = IN_TAAK) -> bytes:
    """Raises PdfTeGroot (with a Dutch message) when the HTML exceeds `grenzen` or the rendering its CPU time."""
    return render_document(html, attachment=attachment, identifier=identifier, grenzen=grenzen).pdf


def render_document(html: str, *, attachment: dict | None = None, identifier: str = "",
                    grenzen: PdfGrenzen = IN_TAAK, anchor_prefix: str = "") -> Opgemaakt:
    """render_pdf, also telling where the elements with an id starting with `anchor_prefix` landed."""
    check_bounds(html, grenzen)
    with _cpu_limit(grenzen.cpu_seconden):
        return _render_pdf(html, attachment=attachment, identifier=identifier, anchor_prefix=anchor_prefix)


PX = 0.75  # CSS px → PDF points


def _render_pdf(html: str, *, attachment: dict | None, identifier: str, anchor_prefix: str) -> Opgemaakt:
    from weasyprint import HTML, Attachment

    attachments = []
    if attachment is not None:
        attachments.append(Attachment(
            string=json.dumps(attachment, ensure_ascii=False, indent=2), name="arrangement.json",
            description="Gegevens van het arrangement (JSON)", relationship="Data",
        ))
    base = (Path(settings.BASE_DIR) / "static").resolve().as_uri() + "/"
    options = {"pdf_variant": PDF_VARIANT, "attachments": attachments,
               "pdf_identifier": identifier.encode() or None, "pdf_tags": True}
    layout = HTML(string=html, base_url=base, url_fetcher=make_static_fetcher()).render(**options)
    plekken = {}
    for index, page in enumerate(layout.pages):
        height = page.height * PX
        for name, (x1, y1, x2, y2) in page.anchors.items():
            if anchor_prefix and name.startswith(anchor_prefix):
                plekken[name] = (index, (x1 * PX, height - y2 * PX, x2 * PX, height - y1 * PX))
    return Opgemaakt(layout.write_pdf(**options), plekken)


def signature_fields(partijen: list[Partij], opgemaakt: Opgemaakt) -> list[signing.Veld]:
    """One field per partij, on the page and at the place where the layout put its box."""
    velden = []
    for partij in partijen:
        pagina, box = opgemaakt.plekken[f"{FIELD_ANCHOR}{partij.pk}"]
        velden.append(signing.Veld(naam=signing.field_name(partij), pagina=pagina, box=box))
    return velden


def render_arrangement(document: Document) -> tuple[bytes, list[signing.Veld]]:
    """The PDF for signing and its empty signature fields (arrangementen.signing.certify adds them)."""
    arrangement = document.arrangement
    opgemaakt = render_document(
        render_html(arrangement, document),
        attachment=arrangement_data(arrangement, with_contacts=document.met_contactbijlage),
        identifier=document.referentie, anchor_prefix=FIELD_ANCHOR,
    )
    partijen = list(arrangement.partijen.select_related("organisatie").order_by("volgorde", "pk"))
    return opgemaakt.pdf, signature_fields(partijen, opgemaakt)


def render_concept(arrangement: Arrangement) -> bytes:
    """A CONCEPT for circulation before vaststelling: watermarked on every page, no signature fields, not
    certified, not stored; rendered inside the request, so within the bounds for a request."""
    return render_pdf(render_html(arrangement, None, concept=True), attachment=arrangement_data(arrangement),
                      identifier=f"concept-{arrangement.pk}-v{arrangement.versie}", grenzen=IN_VERZOEK)
