"""Rendering an arrangement to a tagged PDF/A-3a document with WeasyPrint (imported lazily).

We choose PDF/A-3a: archival (PDF/A-3), tagged and with logical structure (level "a"), and PDF/A-3 allows
the arrangement's data to travel inside the file as an associated JSON attachment.
"""

import json
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from . import signing
from .models import Arrangement, Document, Niveau

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
        "partijen": [{"organisatie": p.organisatie.naam, "ondertekenaar_functie": p.ondertekenaar_functie,
                      "ondertekenaar_naam": p.ondertekenaar_naam}
                     for p in arrangement.partijen.select_related("organisatie")],
        "inzet": [{"domein": i.domein, "aantal_boas": i.aantal_boas, "fte": str(i.fte)}
                  for i in arrangement.inzet.all()],
        "geweldsmiddelen": arrangement.geweldsmiddelen,
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
    }
    if with_contacts:
        data["contactpersonen"] = arrangement.contactpersonen
    return data


def render_html(arrangement: Arrangement, document: Document) -> str:
    afspraken = list(arrangement.afspraken.select_related("onderwerp")
                     .order_by("onderwerp__volgorde", "volgorde", "pk"))
    niveaus = []
    for niveau in Niveau:
        onderwerpen: dict = {}
        for afspraak in (a for a in afspraken if a.onderwerp.niveau == niveau):
            onderwerpen.setdefault(afspraak.onderwerp.naam, []).append(afspraak)
        niveaus.append((niveau.label, list(onderwerpen.items())))
    partijen = list(arrangement.partijen.select_related("organisatie"))
    boxes = []
    for index, partij in enumerate(partijen):
        x1, y1, x2, y2 = signing.field_box(index)
        boxes.append({"partij": partij, "left_mm": x1 / signing.MM, "top_mm": (signing.PAGE_HEIGHT - y2) / signing.MM,
                      "width_mm": (x2 - x1) / signing.MM, "height_mm": (y2 - y1) / signing.MM})
    css = (Path(settings.BASE_DIR) / "static" / "css" / "pdf.css").read_text("utf-8")
    return render_to_string("arrangementen/pdf.html", {
        "arrangement": arrangement, "document": document, "niveaus": niveaus, "partijen": partijen,
        "inzet": list(arrangement.inzet.all()), "velden": boxes, "css": css,
        "gemeenten": list(arrangement.driehoek.gemeenten.order_by("weergavenaam")),
        "test_pki": settings.SIGNING_TEST_PKI, "gemaakt_op": timezone.localtime(),
    })


def render_pdf(html: str, *, attachment: dict | None = None, identifier: str = "") -> bytes:
    from weasyprint import HTML, Attachment

    attachments = []
    if attachment is not None:
        attachments.append(Attachment(
            string=json.dumps(attachment, ensure_ascii=False, indent=2), name="arrangement.json",
            description="Gegevens van het arrangement (JSON)", relationship="Data",
        ))
    base = (Path(settings.BASE_DIR) / "static").resolve().as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=make_static_fetcher()).write_pdf(
        pdf_variant=PDF_VARIANT, attachments=attachments, pdf_identifier=identifier.encode() or None,
        pdf_tags=True,
    )


def render_arrangement(document: Document) -> bytes:
    arrangement = document.arrangement
    return render_pdf(
        render_html(arrangement, document),
        attachment=arrangement_data(arrangement, with_contacts=document.met_contactbijlage),
        identifier=document.referentie,
    )
