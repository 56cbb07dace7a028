"""The register of data flows across arrangements: what a privacy officer needs for the verwerkingsregister
(AVG art. 30) and a DPIA. Reads only, scoped like every read of arrangementen (selectors.visible_arrangementen):
the flows of the arrangements IN FORCE on a peildatum, in the driehoeken where the user holds VIEW."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking.models import Driehoek, Organisatie

from .models import Arrangement, Gegevensstroom, Grondslag
from .selectors import visible_arrangementen
from .stroomregels import receivers


def _arrangementen(user, driehoek: Driehoek | None) -> QuerySet:
    arrangementen = visible_arrangementen(user)
    return arrangementen.filter(driehoek=driehoek) if driehoek is not None else arrangementen


def register(user, *, driehoek: Driehoek | None = None, peildatum: datetime.date | None = None,
             grondslag: Grondslag | None = None, ontvanger: Organisatie | None = None,
             categorie: str = "") -> QuerySet:
    """Every flow of the visible arrangements in force on `peildatum` (default today), filtered; the rows the page
    shows and the export writes, in a fixed number of queries however many there are."""
    in_force = _arrangementen(user, driehoek).in_force_on(peildatum or timezone.localdate())
    flows = Gegevensstroom.objects.filter(arrangement__in=in_force.values("pk"))
    if driehoek is not None:
        # Said again on the outer query (the subquery already holds it): otherwise PostgreSQL joins every flow of
        # the country to its arrangement before the subquery's few rows narrow them (~40 ms at national scale).
        flows = flows.filter(arrangement__driehoek=driehoek)
    if grondslag is not None:
        flows = flows.filter(grondslag=grondslag)
    if ontvanger is not None:
        flows = flows.filter(ontvangers=ontvanger)  # an organisation is an ontvanger of a flow at most once
    if categorie:
        flows = flows.filter(categorieen__icontains=categorie)
    return (flows.select_related("arrangement__driehoek", "verstrekker", "grondslag")
            .prefetch_related(Prefetch("ontvangers", queryset=Organisatie.objects.order_by("naam")))
            .order_by("arrangement__driehoek__naam", "arrangement__titel", "arrangement_id", "pk"))


def ontvanger_choices(user, *, driehoek: Driehoek | None = None) -> QuerySet:
    """The organisations that receive data in a flow of the user's arrangements: the choices of the filter."""
    flows = Gegevensstroom.objects.filter(arrangement__in=_arrangementen(user, driehoek).values("pk"))
    ids = Gegevensstroom.ontvangers.through.objects.filter(gegevensstroom__in=flows.values("pk"))
    return Organisatie.objects.filter(pk__in=ids.values("organisatie_id")).order_by("naam")


def export_headers() -> list[str]:
    return [_("Driehoek"), _("Arrangement"), _("Versie"), _("Verstrekker"), _("Ontvangers"),
            _("Categorieën van gegevens"), _("Doel"), _("Grondslag"), _("Wettelijke verwijzing"), _("Kanaal"),
            _("Frequentie"), _("Bewaartermijn"), _("Verdere verstrekking")]


def export_row(stroom: Gegevensstroom) -> list:
    arrangement: Arrangement = stroom.arrangement
    return [arrangement.driehoek.naam, arrangement.titel, arrangement.versie, stroom.verstrekker.naam,
            ", ".join(receivers(stroom)), stroom.categorieen, stroom.doel, stroom.grondslag.naam,
            stroom.grondslag.wettelijke_verwijzing, stroom.kanaal, stroom.frequentie, stroom.bewaartermijn,
            further_provision(stroom)]


def further_provision(stroom: Gegevensstroom) -> str:
    return _("Toegestaan") if stroom.verdere_verstrekking else _("Niet toegestaan")
