from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from samenwerking.admin import AutocompleteMixin, RowNamedModelFormSet

from . import documenten, signing
from .models import (
    Grondslag,
    Mandaat,
    Modelafspraak,
    Ondertekeningssleutel,
    Onderwerp,
    Opzegging,
    Praktijkvoorbeeld,
    Signalering,
)


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

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=RowNamedModelFormSet, **kwargs)


@admin.register(Modelafspraak)
class ModelafspraakAdmin(AutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["titel", "onderwerp", "verantwoordelijke", "verplicht", "standaard", "actief"]
    list_filter = ["verplicht", "standaard", "actief", "onderwerp__niveau", "verantwoordelijke"]
    list_select_related = ["onderwerp"]
    search_fields = ["titel", "tekst"]
    autocomplete_fields = ["onderwerp"]


@admin.register(Grondslag)
class GrondslagAdmin(SimpleHistoryAdmin):
    """Reference data the beheerder maintains; a ground in use is deactivated rather than deleted."""

    list_display = ["naam", "wettelijke_verwijzing", "soort", "vereist_artikel20_elementen", "actief"]
    list_filter = ["soort", "vereist_artikel20_elementen", "actief"]
    search_fields = ["code", "naam", "wettelijke_verwijzing"]


class OndertekeningssleutelForm(forms.ModelForm):
    class Meta:
        model = Ondertekeningssleutel
        fields = ["organisatie", "pkcs12", "wachtwoord_bron", "is_test"]

    def clean(self):
        data = super().clean()
        upload = data.get("pkcs12")
        if upload and self.errors.get("wachtwoord_bron") is None and data.get("wachtwoord_bron"):
            content = upload.read()
            upload.seek(0)
            try:
                signing.describe_certificate(content, data["wachtwoord_bron"])
            except signing.KeyMaterialError as error:
                raise ValidationError({"wachtwoord_bron": str(error)}) from error
        return data


@admin.register(Ondertekeningssleutel)
class OndertekeningssleutelAdmin(AutocompleteMixin, SimpleHistoryAdmin):
    """Beheerders upload a PKCS#12 file and say where its passphrase lives; it is checked before saving."""

    form = OndertekeningssleutelForm
    list_display = ["organisatie", "certificaat_onderwerp", "geldig_tot", "is_test"]
    list_select_related = ["organisatie"]
    readonly_fields = ["certificaat_onderwerp", "geldig_tot"]
    autocomplete_fields = ["organisatie"]

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("pkcs12")
        content = upload.read() if upload and hasattr(upload, "read") else None
        if upload and hasattr(upload, "seek"):
            upload.seek(0)
        documenten.save_signing_key(key=obj, pkcs12=content, user=request.user)


@admin.register(Mandaat)
class MandaatAdmin(AutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["gemachtigde", "volmachtgever", "geldig_van", "geldig_tot", "toelichting"]
    list_select_related = ["gemachtigde", "volmachtgever"]
    autocomplete_fields = ["gemachtigde", "volmachtgever"]


@admin.register(Signalering)
class SignaleringAdmin(SimpleHistoryAdmin):
    """Read-only, for superusers (like actiepunten' herinneringen): failed sends show their error and attempts;
    the worker retries them on its next run."""

    list_display = ["soort", "arrangement", "periode", "ontvanger", "status", "pogingen", "fout_kort",
                    "aangemaakt_op", "verzonden_op"]
    list_filter = ["status", "soort"]
    list_select_related = ["arrangement", "ontvanger"]
    search_fields = ["laatste_fout", "periode"]
    date_hierarchy = "aangemaakt_op"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("laatste fout"))
    def fout_kort(self, obj):
        return obj.laatste_fout[:120]


@admin.register(Opzegging)
class OpzeggingAdmin(SimpleHistoryAdmin):
    """Read-only, for superusers (like the signaleringen): a notice is given on the arrangement page, with the
    second factor, and is never changed afterwards."""

    list_display = ["arrangement", "partij", "door", "gedaan_op", "ingangsdatum"]
    list_select_related = ["arrangement", "partij__organisatie", "door"]
    search_fields = ["reden", "arrangement__titel"]
    date_hierarchy = "gedaan_op"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Praktijkvoorbeeld)
class PraktijkvoorbeeldAdmin(SimpleHistoryAdmin):
    """Reference content the beheerder maintains; offers are reviewed on the kennisbank's own page (a reason and
    the lock), so here who offered and who decided are read-only."""

    list_display = ["titel", "plaats", "status", "code"]
    list_filter = ["status", "onderwerpen__niveau"]
    search_fields = ["titel", "plaats", "partijen", "afgesproken"]
    readonly_fields = ["status", "bron_afspraak", "bron_driehoek", "driehoek_tonen", "aangeboden_door",
                       "aangeboden_op", "beoordeeld_door", "beoordeeld_op", "reden_afwijzing"]
    fields = ["code", "titel", "plaats", "partijen", "afgesproken", "wat_werkte", "bron", "domeinen",
              "onderwerpen", "modelafspraken", *readonly_fields]
