from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from . import api_tokens, services, tweestaps
from .models import (
    ApiToken,
    Basisteam,
    District,
    Driehoek,
    Eenheid,
    Gebruiker,
    Gemeente,
    Lidmaatschap,
    Organisatie,
    Veiligheidsregio,
    Werkgebied,
)

CBS_ATTRIBUTION = _("Bron: CBS, Gebieden in Nederland (CC BY 4.0).")
BASISTEAMS_PARTIAL = _(
    "Let op: deze lijst is onvolledig. De meegeleverde basisteamgegevens beschrijven slechts enkele "
    "van de circa 167 basisteams, uit openbare bronnen met wisselende betrouwbaarheid. Importeer de "
    "officiële indeling van uw eenheid met het commando 'importeer_basisteams'."
)


class NoticeAdmin(SimpleHistoryAdmin):
    """A changelist that shows a standing notice (attribution, completeness) above the list."""

    notice = None

    def changelist_view(self, request, extra_context=None):
        if self.notice and request.method == "GET":
            messages.info(request, self.notice)
        return super().changelist_view(request, extra_context)


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


class WerkgebiedInline(admin.TabularInline):
    model = Werkgebied
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


@admin.register(Werkgebied)
class WerkgebiedAdmin(NoticeAdmin):
    list_display = ["basisteam", "gemeente", "dekking", "omschrijving", "geldig_van", "geldig_tot"]
    list_select_related = ["basisteam", "gemeente"]
    autocomplete_fields = ["gemeente", "basisteam"]
    notice = BASISTEAMS_PARTIAL


@admin.register(Organisatie)
class OrganisatieAdmin(SimpleHistoryAdmin):
    list_display = ["naam", "soort", "gemeente", "basisteam"]
    list_filter = ["soort"]
    list_select_related = ["gemeente", "basisteam"]
    search_fields = ["naam"]
    autocomplete_fields = ["gemeente", "basisteam"]


class LidmaatschapInline(admin.TabularInline):
    model = Lidmaatschap
    extra = 0
    fields = ["gebruiker", "rol", "actief_van", "actief_tot"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Driehoek)
class DriehoekAdmin(SimpleHistoryAdmin):
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
class LidmaatschapAdmin(SimpleHistoryAdmin):
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


# Devices hold secrets: no admin pages for them. A beheerder can only reset a user's second step (below).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.action(description=_("Tweestapsverificatie opnieuw laten instellen (app kwijt)"),
              permissions=["change"])
def reset_second_step(modeladmin, request, queryset):
    """Removes the app and recovery codes; the user sets up a new app at the next login. Logged per user."""
    count = 0
    for gebruiker in queryset:
        if tweestaps.switch_off(user=gebruiker, door=request.user, request=request,
                                reden="opnieuw instellen door beheerder"):
            count += 1
    modeladmin.message_user(request, ngettext(
        "Tweestapsverificatie van %(count)d gebruiker is gewist; die stelt bij de volgende keer inloggen een "
        "nieuwe app in.",
        "Tweestapsverificatie van %(count)d gebruikers is gewist; zij stellen bij de volgende keer inloggen een "
        "nieuwe app in.", count) % {"count": count}, messages.SUCCESS)


@admin.register(Gebruiker)
class GebruikerAdmin(UserAdmin, SimpleHistoryAdmin):
    actions = [reset_second_step]
    list_display = ["username", "first_name", "last_name", "functie", "organisatie", "is_active",
                    "is_staff", "is_systeemaccount"]
    list_filter = [*UserAdmin.list_filter, "is_systeemaccount"]
    list_select_related = ["organisatie"]
    fieldsets = UserAdmin.fieldsets + ((_("Functie"), {"fields": ["functie", "organisatie"]}),
                                       (_("Inloggen via de organisatie"), {"fields": ["oidc_sub"]}),
                                       (_("Koppelingen"), {"fields": ["is_systeemaccount"]}))
    add_fieldsets = UserAdmin.add_fieldsets + ((_("Koppelingen"), {"fields": ["is_systeemaccount"]}),)
    autocomplete_fields = ["organisatie"]

    def get_readonly_fields(self, request, obj=None):
        # Set only when the account is made: turning a person's account into a system account (to give it a
        # token) or back (to let a token review) would let a beheerder act as someone else.
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "is_systeemaccount"] if obj is not None else readonly


class ApiTokenAddForm(forms.ModelForm):
    """A beheerder issues tokens to system accounts only; a person makes their own on their account page."""

    dagen = forms.IntegerField(label=_("Geldig (dagen)"), min_value=1,
                               help_text=_("Daarna werkt de token niet meer; eerder intrekken kan altijd."))

    class Meta:
        model = ApiToken
        fields = ["gebruiker", "naam"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gebruiker"].queryset = Gebruiker.objects.filter(is_systeemaccount=True, is_active=True)
        self.fields["gebruiker"].label = _("Systeemaccount")
        self.fields["gebruiker"].help_text = _("Alleen actieve systeemaccounts. Een persoon maakt een eigen token "
                                               "aan op de accountpagina, na wachtwoord en verificatiecode.")
        dagen = self.fields["dagen"]
        dagen.initial = api_tokens.default_days()
        dagen.validators = [MinValueValidator(1), MaxValueValidator(api_tokens.max_days())]


@admin.action(description=_("Geselecteerde API-tokens intrekken"), permissions=["change"])
def revoke_tokens(modeladmin, request, queryset):
    count = sum(api_tokens.revoke_token(token=token, door=request.user, request=request) for token in queryset)
    modeladmin.message_user(request, ngettext("%(count)d API-token ingetrokken.", "%(count)d API-tokens ingetrokken.",
                                              count) % {"count": count}, messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Tokens of everyone can be seen and revoked here; new ones only for system accounts, their key shown once.

    The key never reaches the admin log: the entry names the token by its description and prefix only.
    """

    actions = [revoke_tokens]
    list_display = ["naam", "gebruiker", "prefix", "aangemaakt_op", "verloopt_op", "laatst_gebruikt",
                    "ingetrokken_op"]
    list_filter = ["gebruiker__is_systeemaccount"]
    list_select_related = ["gebruiker"]
    search_fields = ["naam", "prefix", "gebruiker__username"]
    readonly_fields = ["gebruiker", "naam", "prefix", "aangemaakt_op", "aangemaakt_door", "verloopt_op",
                       "laatst_gebruikt", "ingetrokken_op"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
            kwargs["fields"] = ["gebruiker", "naam", "dagen"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["gebruiker", "naam", "dagen"] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # A token is never edited: the list's action revokes it.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, not deleted: the row keeps when it was made and last used

    def save_model(self, request, obj, form, change):
        token, key = api_tokens.create_token(gebruiker=form.cleaned_data["gebruiker"], door=request.user,
                                             naam=form.cleaned_data["naam"], dagen=form.cleaned_data["dagen"],
                                             request=request)
        for field in ("pk", "prefix", "sleutel_hash", "aangemaakt_op", "aangemaakt_door", "verloopt_op"):
            setattr(obj, field, getattr(token, field))
        obj._state.adding = False
        request._api_token_sleutel = key

    def construct_change_message(self, request, form, formsets, add=False):
        return [{"added": {}}] if add else []

    def response_add(self, request, obj, post_url_continue=None):
        """The key, once, in this answer only (not in a message, which would keep it in the session)."""
        response = TemplateResponse(request, "samenwerking/api_token_beheer_sleutel.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "token": obj,
            "sleutel": request._api_token_sleutel, "title": _("API-token aangemaakt"),
        })
        add_never_cache_headers(response)
        return response
