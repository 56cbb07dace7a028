"""The actiepunten block on the dashboard, registered into samenwerking's registry from AppConfig.ready()."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samenwerking.dashboard import Blok, register

from . import selectors
from .models import LOPEND

MAX_OP_DASHBOARD = 10


def mijn_verlopen(user) -> list:
    """The user's own overdue actiepunten, the oldest due date first (the full list is at 'Mijn actiepunten')."""
    overdue = selectors.visible_actiepunten(user).filter(eigenaar=user, status__in=LOPEND,
                                                         datum_gereed__lt=timezone.localdate())
    return list(overdue.select_related("driehoek").order_by("datum_gereed", "nummer", "pk")[:MAX_OP_DASHBOARD])


def register_blocks() -> None:
    register(blok=Blok(sleutel="actiepunten_verlopen", volgorde=15, template="actiepunten/_blok.html",
                       kop=_("Mijn verlopen actiepunten"), leeg=_("Geen verlopen actiepunten."),
                       items=mijn_verlopen))
