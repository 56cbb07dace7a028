from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Modelafspraak, Onderwerp


class ModelafspraakInline(admin.StackedInline):
    model = Modelafspraak
    extra = 0
    fields = ["titel", "tekst", "verantwoordelijke", "verplicht", "standaard", "actief", "volgorde"]


@admin.register(Onderwerp)
class OnderwerpAdmin(SimpleHistoryAdmin):
    list_display = ["naam", "niveau", "volgorde", "actief"]
    list_filter = ["niveau", "actief"]
    list_editable = ["volgorde", "actief"]
    search_fields = ["naam"]
    inlines = [ModelafspraakInline]


@admin.register(Modelafspraak)
class ModelafspraakAdmin(SimpleHistoryAdmin):
    list_display = ["titel", "onderwerp", "verantwoordelijke", "verplicht", "standaard", "actief"]
    list_filter = ["verplicht", "standaard", "actief", "onderwerp__niveau", "verantwoordelijke"]
    list_select_related = ["onderwerp"]
    search_fields = ["titel", "tekst"]
    autocomplete_fields = ["onderwerp"]
