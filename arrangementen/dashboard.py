"""The arrangementen blocks on the dashboard, registered into samenwerking's registry from AppConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from samenwerking.dashboard import Blok, register

from . import selectors

TEMPLATE = "arrangementen/_blok.html"


def register_blocks() -> None:
    for blok in (
        Blok(sleutel="concepten", volgorde=10, template=TEMPLATE, kop=_("Mijn concepten"),
             leeg=_("Geen concepten in bewerking."), items=selectors.my_concepts),
        Blok(sleutel="beoordelen", volgorde=20, template=TEMPLATE, kop=_("Te beoordelen"),
             leeg=_("Niets te beoordelen."), items=selectors.review_queue_top),
        Blok(sleutel="ondertekenen", volgorde=25, template=TEMPLATE, kop=_("Te ondertekenen"),
             leeg=_("Niets te ondertekenen."), items=selectors.to_sign),
        Blok(sleutel="verloopt", volgorde=30, template=TEMPLATE, kop=_("Verloopt binnen 90 dagen"),
             leeg=_("Geen arrangementen die binnenkort verlopen."), items=selectors.expiring_soon,
             datum="geldig_tot"),
        Blok(sleutel="evaluatie", volgorde=40, template=TEMPLATE, kop=_("Evaluatie binnenkort"),
             leeg=_("Geen evaluaties gepland."), items=selectors.evaluation_soon, datum="evaluatiedatum"),
    ):
        register(blok=blok)
