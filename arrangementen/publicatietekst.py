"""The publication version of a signed arrangement, as the Gemeenteblad prints it: PDF/A, clean HTML and plain
text from one context (issue 20, item 4).

What a published text leaves out: the contactpersonen annex, the working details of each data flow (kanaal,
frequentie, beveiligingsafspraken: how the parties reach each other, not what they agreed), the comments and
the signature fields. What it adds: the citeertitel and the date it enters into force.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from . import geweldregels, overeenkomst, publicatie, stroomregels
from . import pdf as renderer
from .models import Arrangement


def _internal_rows() -> frozenset[str]:
    """The labels of a flow's rows (overeenkomst._stroomrijen) that stay inside the driehoek."""
    return frozenset({_("Kanaal"), _("Frequentie"), _("Beveiligingsafspraken")})


def context(arrangement: Arrangement) -> dict:
    """Everything the three forms share; the citeertitel also in the last artikel."""
    afspraken = list(arrangement.afspraken.select_related("onderwerp")
                     .order_by("onderwerp__volgorde", "onderwerp__pk", "volgorde", "pk"))
    partijen = list(arrangement.partijen.select_related("organisatie__gemeente", "organisatie__basisteam__eenheid")
                    .order_by("volgorde", "pk"))
    gemeenten = list(arrangement.driehoek.gemeenten.order_by("weergavenaam"))
    tekst = overeenkomst.context(arrangement, afspraken=afspraken, partijen=partijen, gemeenten=gemeenten,
                                 inzet=list(arrangement.inzet.all()),
                                 stromen=stroomregels.flows_with_receivers(arrangement))
    internal = _internal_rows()
    for tabel in tekst["gegevensdeling"]:
        tabel.rijen = [(label, waarde) for label, waarde in tabel.rijen if label not in internal]
    return {"arrangement": arrangement, "gemeenten": gemeenten, "citeertitel": publicatie.citeertitel(arrangement),
            "inwerkingtreding": publicatie.inwerkingtreding(arrangement),
            "toekenningen": geweldregels.toekenningen_of(arrangement),
            "alle_hoofdstukken": [tekst["algemeen"], *tekst["hoofdstukken"], tekst["slot"]], **tekst}


def render_html(arrangement: Arrangement, *, for_pdf: bool = False) -> str:
    """A complete HTML document without scripts or outside resources; styled only for the PDF."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "pdf.css").read_text("utf-8") if for_pdf else ""
    return render_to_string("arrangementen/publicatie_document.html",
                            {**context(arrangement), "css": css, "voor_pdf": for_pdf})


def render_text(arrangement: Arrangement) -> str:
    text = render_to_string("arrangementen/publicatie_document.txt", context(arrangement))
    lines = [line.rstrip() for line in text.splitlines()]
    # Blank lines from template tags folded to one, so the text reads as the gemeente's system expects.
    folded = []
    for line in lines:
        if line or (folded and folded[-1]):
            folded.append(line)
    return "\n".join(folded).strip() + "\n"


def render_pdf(arrangement: Arrangement) -> bytes:
    """PDF/A-3a, rendered in the request within the request's bounds (raises renderer.PdfTeGroot)."""
    return renderer.render_pdf(render_html(arrangement, for_pdf=True),
                               identifier=f"publicatie-{arrangement.pk}-v{arrangement.versie}",
                               grenzen=renderer.IN_VERZOEK)
