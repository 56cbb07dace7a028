from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import navigatie


def omgeving(request):
    """Tell templates whether this is a demo/development installation, so it can say so."""
    return {"demo_omgeving": settings.DEMO_ALLOWED}


def overzicht(request):
    """Whether the main navigation links to the aggregate picture (/beeld/); lazy, so pages without it ask nothing."""
    return {"heeft_overzicht": SimpleLazyObject(lambda: navigatie.shows_overview_link(request))}
