"""Oversight in the admin: read-only. Overleggen and actiepunten are written through the site (services), so
numbering, membership checks and the history's reasons stay in one place; the admin only shows them, with
their history, and the reminders that could not be sent."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Actiepunt, Agendapunt, Besluit, Deelname, Herinnering, Overleg


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class DeelnameInline(ReadOnlyInline):
    model = Deelname
    fields = ["gebruiker", "naam", "organisatie", "aanwezig"]


class AgendapuntInline(ReadOnlyInline):
    model = Agendapunt
    fields = ["volgorde", "onderwerp"]


class BesluitInline(ReadOnlyInline):
    model = Besluit
    fields = ["volgorde", "tekst"]


class ActiepuntInline(ReadOnlyInline):
    model = Actiepunt
    fields = ["nummer", "onderwerp", "eigenaar", "extern_naam", "datum_gereed", "status"]
    show_change_link = True


@admin.register(Overleg)
class OverlegAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["naam", "driehoek", "soort", "datum", "secretaris"]
    list_filter = ["soort", "datum"]
    list_select_related = ["driehoek", "secretaris"]
    search_fields = ["titel", "locatie", "driehoek__naam"]
    date_hierarchy = "datum"
    inlines = [DeelnameInline, AgendapuntInline, BesluitInline, ActiepuntInline]


@admin.register(Actiepunt)
class ActiepuntAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["nummer", "onderwerp_kort", "driehoek", "overleg", "eigenaar_naam", "datum_gereed", "status"]
    list_filter = ["status", "datum_gereed"]
    list_select_related = ["driehoek", "overleg", "eigenaar"]
    search_fields = ["onderwerp", "extern_naam", "extern_organisatie", "eigenaar__last_name", "driehoek__naam"]
    date_hierarchy = "datum_gereed"

    @admin.display(description=_("onderwerp"))
    def onderwerp_kort(self, obj):
        return obj.onderwerp[:80]

    @admin.display(description=_("eigenaar"))
    def eigenaar_naam(self, obj):
        return obj.eigenaar_naam


@admin.register(Herinnering)
class HerinneringAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Failed sends show their error and number of attempts; the worker retries them on its next run."""

    list_display = ["soort", "onderwerp_type", "onderwerp_id", "periode", "driehoek", "status", "pogingen",
                    "fout_kort", "aangemaakt_op", "verzonden_op"]
    list_filter = ["status", "soort", "onderwerp_type"]
    list_select_related = ["driehoek"]
    search_fields = ["ontvangers", "laatste_fout", "periode"]
    date_hierarchy = "aangemaakt_op"

    @admin.display(description=_("laatste fout"))
    def fout_kort(self, obj):
        return obj.laatste_fout[:120]
