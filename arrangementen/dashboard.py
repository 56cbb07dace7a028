"""The arrangementen blocks on the dashboard, registered into samenwerking's registry from AppConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from samenwerking.dashboard import Blok, register

from . import geweldstoets, selectors
from .levensfaseblokken import levensfase_blokken

TEMPLATE = "arrangementen/_blok.html"

NIEUW_TEMPLATE = "arrangementen/_blok_nieuw.html"


def _no_rows(user) -> list:
    return []


def register_blocks() -> None:
    for blok in (
        # "Nieuw arrangement", the only driehoek preselected: read from the dashboard's own list of driehoeken
        # (samenwerking.selectors.dashboard_driehoeken says where the user may draft), so it costs no query.
        Blok(sleutel="nieuw", volgorde=5, template=NIEUW_TEMPLATE, kop=_("Nieuw arrangement"), leeg="",
             items=_no_rows),
        Blok(sleutel="concepten", volgorde=10, template=TEMPLATE, kop=_("Mijn concepten"),
             leeg=_("Geen concepten in bewerking."), items=selectors.my_concepts),
        Blok(sleutel="beoordelen", volgorde=20, template=TEMPLATE, kop=_("Te beoordelen"),
             leeg=_("Niets te beoordelen."), items=selectors.review_queue_top),
        Blok(sleutel="ondertekenen", volgorde=25, template=TEMPLATE, kop=_("Te ondertekenen"),
             leeg=_("Niets te ondertekenen."), items=selectors.to_sign),
        # The arrangement's life after signing, one block per Levensfase worth looking at (arrangementen.levensloop);
        # the four read in one query (levensfaseblokken).
        Blok(sleutel="werking", volgorde=30, template=TEMPLATE, kop=_("In werking"),
             leeg=_("Geen arrangementen in werking."), gedeeld=levensfase_blokken, datum="geldig_tot"),
        Blok(sleutel="achterstallig", volgorde=35, template=TEMPLATE, kop=_("Evaluatie achterstallig"),
             leeg=_("Geen achterstallige evaluaties."), gedeeld=levensfase_blokken, datum="evaluatie"),
        Blok(sleutel="verloopt", volgorde=40, template=TEMPLATE, kop=_("Verloopt binnenkort"),
             leeg=_("Geen arrangementen die binnen 90 dagen verlopen."), gedeeld=levensfase_blokken,
             datum="geldig_tot"),
        Blok(sleutel="opgezegd", volgorde=45, template=TEMPLATE, kop=_("Opgezegd / vervangen"),
             leeg=_("Geen opgezegde of vervangen arrangementen."), gedeeld=levensfase_blokken,
             datum="fase"),
        # Issue 20: boa's carrying geweldsmiddelen without an arrangement in force (arrangementen.geweldstoets).
        Blok(sleutel="geweldsmiddelen", volgorde=12, template="arrangementen/_blok_geweld.html",
             kop=_("Geweldsmiddelen zonder arrangement in werking"),
             leeg=_("Alle BOA-organisaties met geweldsmiddelen hebben een arrangement in werking."),
             items=geweldstoets.signals_for),
    ):
        register(blok=blok)
