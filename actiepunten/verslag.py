"""The verslag of an overleg as a tagged PDF/A-3a, rendered with the arrangementen PDF pipeline."""

from django.template.loader import render_to_string
from django.utils import timezone

from arrangementen.pdf import IN_VERZOEK, render_pdf

from . import selectors
from .models import Overleg


def render_html(overleg: Overleg) -> str:
    return render_to_string("actiepunten/verslag_pdf.html", {
        "overleg": overleg, **selectors.overleg_detail(overleg), "gemaakt_op": timezone.localtime(),
    })


def render_verslag(overleg: Overleg) -> bytes:
    """Rendered in the request, so within the in-request bounds (PdfTeGroot beyond them); WeasyPrint reads
    nothing but the project's static files."""
    return render_pdf(render_html(overleg), identifier=f"verslag-{overleg.pk}", grenzen=IN_VERZOEK)


def filename(overleg: Overleg) -> str:
    return f"verslag-{overleg.datum:%Y%m%d}-{overleg.pk}.pdf"
