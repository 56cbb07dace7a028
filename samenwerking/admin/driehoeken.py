"""Beheer of driehoeken and memberships; memberships are written through the services, which keep the
permission rows in step."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .. import services
from ..models import Driehoek, Lidmaatschap, Organisatie
from ..models.driehoek import default_goedkeurende_soorten
from .basis import AutocompleteMixin


class LidmaatschapInline(admin.TabularInline):
    model = Lidmaatschap
    extra = 0
    fields = ["gebruiker", "rol", "actief_van", "actief_tot"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class DriehoekForm(forms.ModelForm):
    # Checkboxes instead of the raw JSON list: which soorten of party must approve an arrangement.
    goedkeurende_soorten = forms.MultipleChoiceField(
        label=_("Partijen die moeten goedkeuren"), choices=Organisatie.Soort.choices, required=False,
        widget=forms.CheckboxSelectMultiple, initial=default_goedkeurende_soorten,  # the model's default, ticked
        help_text=_("Bij 'gemeente': elke gemeente behalve die van de opsteller. Zonder vinkje volstaat de "
                    "goedkeuring van één beoordelaar."),
    )

    class Meta:
        model = Driehoek
        fields = ["naam", "soort", "omschrijving", "gemeenten", "basisteam", "eenheid", "goedkeurende_soorten"]

    def clean(self):
        cleaned = super().clean()
        soort = cleaned.get("soort")
        werkgroep = soort == Driehoek.Soort.WERKGROEP
        if self.instance.pk and soort and werkgroep != self.instance.is_werkgroep:
            # Rights and arrangements hang on what the group is: a driehoek does not turn into a werkgroep.
            self.add_error("soort", _("Een driehoek wordt geen werkgroep en een werkgroep geen driehoek. "
                                      "Maak een nieuwe aan."))
        gemeenten = cleaned.get("gemeenten")
        if werkgroep and gemeenten:
            self.add_error("gemeenten", _("Een werkgroep heeft geen gemeenten. Laat dit veld leeg."))
        elif soort and not werkgroep and gemeenten is not None and not gemeenten.exists():
            self.add_error("gemeenten", _("Kies ten minste één gemeente van deze driehoek."))
        return cleaned


@admin.register(Driehoek)
class DriehoekAdmin(AutocompleteMixin, SimpleHistoryAdmin):
    form = DriehoekForm
    list_display = ["naam", "soort", "basisteam", "eenheid"]
    list_filter = ["soort", "eenheid"]
    list_select_related = ["basisteam", "eenheid"]
    search_fields = ["naam"]
    filter_horizontal = ["gemeenten"]
    autocomplete_fields = ["basisteam"]
    inlines = [LidmaatschapInline]


@admin.action(description=_("Geselecteerde lidmaatschappen vandaag beëindigen"))
def end_memberships(modeladmin, request, queryset):
    for lidmaatschap in queryset:
        services.end_membership(lidmaatschap=lidmaatschap)
    modeladmin.message_user(request, ngettext(
        "%(n)d lidmaatschap beëindigd.", "%(n)d lidmaatschappen beëindigd.", queryset.count()
    ) % {"n": queryset.count()})


@admin.register(Lidmaatschap)
class LidmaatschapAdmin(AutocompleteMixin, SimpleHistoryAdmin):
    """Every write goes through samenwerking.services, so the guardian rows follow at once."""

    list_display = ["gebruiker", "driehoek", "rol", "actief_van", "actief_tot"]
    list_filter = ["rol", "driehoek"]
    list_select_related = ["gebruiker", "driehoek"]
    search_fields = ["gebruiker__username", "gebruiker__last_name", "driehoek__naam"]
    autocomplete_fields = ["gebruiker", "driehoek"]
    actions = [end_memberships]

    def save_model(self, request, obj, form, change):
        previous = None
        if change:
            previous = tuple(
                Lidmaatschap.objects.filter(pk=obj.pk).values_list("gebruiker_id", "driehoek_id")
                .first() or ()
            ) or None
        services.save_membership(lidmaatschap=obj, previous=previous)

    def delete_model(self, request, obj):
        services.delete_membership(lidmaatschap=obj)

    def delete_queryset(self, request, queryset):
        for lidmaatschap in queryset:
            services.delete_membership(lidmaatschap=lidmaatschap)
