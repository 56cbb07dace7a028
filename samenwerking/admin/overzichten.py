"""Beheer of scope memberships (the aggregate view above the driehoek); every write goes through
samenwerking.overzichtsrollen, like memberships of a driehoek go through the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .. import overzichtsrollen
from ..models import Overzichtslidmaatschap
from .basis import AutocompleteMixin


@admin.action(description=_("Geselecteerde overzichtsrollen vandaag beëindigen"))
def end_overviews(modeladmin, request, queryset):
    count = 0
    for lidmaatschap in queryset:
        overzichtsrollen.end_overview(lidmaatschap=lidmaatschap)
        count += 1
    modeladmin.message_user(request, ngettext(
        "%(n)d overzichtsrol beëindigd.", "%(n)d overzichtsrollen beëindigd.", count) % {"n": count})


@admin.register(Overzichtslidmaatschap)
class OverzichtslidmaatschapAdmin(AutocompleteMixin, SimpleHistoryAdmin):
    """Read access to the aggregate picture of an eenheid, a veiligheidsregio or the country: never to the
    content of a driehoek (for that the person needs a lidmaatschap of the driehoek)."""

    list_display = ["gebruiker", "niveau", "eenheid", "veiligheidsregio", "actief_van", "actief_tot"]
    list_filter = ["niveau", "eenheid"]
    list_select_related = ["gebruiker", "eenheid", "veiligheidsregio"]
    search_fields = ["gebruiker__username", "gebruiker__last_name"]
    autocomplete_fields = ["gebruiker"]
    fields = ["gebruiker", "niveau", "eenheid", "veiligheidsregio", "actief_van", "actief_tot"]
    actions = [end_overviews]

    def save_model(self, request, obj, form, change):
        overzichtsrollen.save_overview(lidmaatschap=obj)

    def delete_model(self, request, obj):
        overzichtsrollen.delete_overview(lidmaatschap=obj)

    def delete_queryset(self, request, queryset):
        for lidmaatschap in queryset:
            overzichtsrollen.delete_overview(lidmaatschap=lidmaatschap)
