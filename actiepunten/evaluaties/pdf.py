"""The evaluation as a tagged PDF/A-3a, rendered with the arrangementen PDF pipeline; not signed."""

from django.template.loader import render_to_string
from django.utils import timezone

from arrangementen.pdf import IN_VERZOEK, render_pdf

from . import selectors
from .models import Evaluatie


def render_html(evaluatie: Evaluatie) -> str:
    return render_to_string("actiepunten/evaluatie_pdf.html", {
        "evaluatie": evaluatie, "arrangement": evaluatie.arrangement, "overleg": evaluatie.overleg,
        **selectors.evaluatie_detail(evaluatie), "gemaakt_op": timezone.localtime(),
    })


def render_evaluatie(evaluatie: Evaluatie) -> bytes:
    """Rendered in the request, so within the in-request bounds (PdfTeGroot beyond them)."""
    return render_pdf(render_html(evaluatie), identifier=f"evaluatie-{evaluatie.pk}", grenzen=IN_VERZOEK)


def filename(evaluatie: Evaluatie) -> str:
    return f"evaluatie-{evaluatie.datum:%Y%m%d}-{evaluatie.pk}.pdf"
