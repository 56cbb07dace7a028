"""Beheer of the reference data: the geography, basisteams with their import, and organisations."""

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .. import basisteamimport
from ..models import Basisteam, District, Eenheid, Gemeente, Organisatie, Veiligheidsregio, Werkgebied
from .basis import AutocompleteMixin, NoticeAdmin, RowNamedInlineFormSet

CBS_ATTRIBUTION = _("Bron: CBS, Gebieden in Nederland (CC BY 4.0).")


BASISTEAMS_PARTIAL = _(
    "Let op: deze lijst is onvolledig. De meegeleverde basisteamgegevens beschrijven slechts enkele "
    "van de circa 167 basisteams, uit openbare bronnen met wisselende betrouwbaarheid. Importeer de "
    "officiële indeling van uw eenheid met ‘Basisteams importeren’ op de lijst van basisteams."
)


@admin.register(Eenheid)
class EenheidAdmin(SimpleHistoryAdmin):
    list_display = ["code", "volledige_naam", "soort"]
    search_fields = ["code", "naam"]


@admin.register(Veiligheidsregio)
class VeiligheidsregioAdmin(NoticeAdmin):
    list_display = ["code", "naam", "eenheid"]
    list_select_related = ["eenheid"]
    search_fields = ["code", "naam"]
    notice = CBS_ATTRIBUTION


@admin.register(District)
class DistrictAdmin(NoticeAdmin):
    list_display = ["naam", "eenheid", "opmerking"]
    list_select_related = ["eenheid"]
    notice = _("Let op: alleen de districten van eenheid Midden-Nederland zijn meegeleverd.")


@admin.register(Gemeente)
class GemeenteAdmin(NoticeAdmin):
    list_display = ["cbs_code", "weergavenaam", "officiele_naam", "provincie_naam",
                    "veiligheidsregio", "eenheid"]
    list_filter = ["eenheid", "provincie_naam"]
    list_select_related = ["veiligheidsregio", "eenheid"]
    search_fields = ["cbs_code", "officiele_naam", "weergavenaam"]
    readonly_fields = ["cbs_code", "officiele_naam"]
    notice = CBS_ATTRIBUTION


class WerkgebiedInline(AutocompleteMixin, admin.TabularInline):
    model = Werkgebied
    formset = RowNamedInlineFormSet
    extra = 0
    autocomplete_fields = ["gemeente"]


@admin.register(Basisteam)
class BasisteamAdmin(NoticeAdmin):
    list_display = ["naam", "eenheid", "district", "betrouwbaarheid", "bron_datum"]
    list_filter = ["eenheid"]
    list_select_related = ["eenheid", "district"]
    search_fields = ["naam"]
    inlines = [WerkgebiedInline]
    notice = BASISTEAMS_PARTIAL
    change_list_template = "admin/samenwerking/basisteam/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(basisteamimport.BasisteamImport.as_view(model_admin=self))
        return [path("importeren/", view, name="samenwerking_basisteam_importeren"), *super().get_urls()]


@admin.register(Werkgebied)
class WerkgebiedAdmin(AutocompleteMixin, NoticeAdmin):
    list_display = ["basisteam", "gemeente", "dekking", "omschrijving", "geldig_van", "geldig_tot"]
    list_select_related = ["basisteam", "gemeente"]
    autocomplete_fields = ["gemeente", "basisteam"]
    notice = BASISTEAMS_PARTIAL


@admin.register(Organisatie)
class OrganisatieAdmin(AutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["naam", "soort", "gemeente", "basisteam", "eenheid", "parket"]
    list_filter = ["soort"]
    list_select_related = ["gemeente", "basisteam", "eenheid", "parket"]
    search_fields = ["naam"]
    autocomplete_fields = ["gemeente", "basisteam"]
