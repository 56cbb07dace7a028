from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.models import BaseInlineFormSet, BaseModelFormSet
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from . import api_tokens, audit, basisteamimport, services, tweestaps, uitnodigingen
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
from .permissions_setup import BEHEER_GROUP, ensure_beheer_group

CBS_ATTRIBUTION = _("Bron: CBS, Gebieden in Nederland (CC BY 4.0).")
BASISTEAMS_PARTIAL = _(
    "Let op: deze lijst is onvolledig. De meegeleverde basisteamgegevens beschrijven slechts enkele "
    "van de circa 167 basisteams, uit openbare bronnen met wisselende betrouwbaarheid. Importeer de "
    "officiële indeling van uw eenheid met ‘Basisteams importeren’ op de lijst van basisteams."
)


def name_row_fields(form, index=None) -> None:
    """A row of a list or tabular inline has no <label> per input: each is named by its column and its row."""
    row = str(form.instance) if form.instance.pk else gettext("nieuwe rij")
    for name, field in form.fields.items():
        if not field.widget.is_hidden:
            field.widget.attrs["aria-label"] = f"{capfirst(field.label or name)} – {row}"


class BlankFirstAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete select as valid HTML: a labelled blank choice always comes first (a required
    select needs one, and an empty <option> needs a label); select2 still shows it as empty."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = groups[0][1]
        if not options or options[0]["value"] != "":
            options.insert(0, self.create_option(name, "", "", False, 0))
        options[0]["attrs"]["label"] = gettext("geen keuze")
        return groups


class AutocompleteMixin:
    """For every ModelAdmin and inline with autocomplete_fields: the autocomplete select above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = BlankFirstAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RowNamedInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        name_row_fields(form, index)


class RowNamedModelFormSet(BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        name_row_fields(form, index)


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
class DriehoekAdmin(AutocompleteMixin, SimpleHistoryAdmin):
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


class GebruikerToevoegenForm(forms.ModelForm):
    """A new account: who it is, and no password; the person chooses one through the invitation."""

    class Meta:
        model = Gebruiker
        fields = ["username", "first_name", "last_name", "email", "functie", "organisatie", "is_systeemaccount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _("De uitnodiging om een wachtwoord te kiezen gaat naar dit adres.")

    def clean_username(self):
        username = self.cleaned_data["username"]
        if Gebruiker.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Er is al een gebruiker met deze gebruikersnaam."), code="unique")
        return username

    def clean(self):
        data = super().clean()
        if not data.get("is_systeemaccount") and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Vul het e-mailadres in: daar gaat de uitnodiging naartoe."))
        return data

    def save(self, commit=True):
        gebruiker = super().save(commit=False)
        gebruiker.set_unusable_password()
        if commit:
            gebruiker.save()
        return gebruiker


class GebruikerWijzigenForm(forms.ModelForm):
    """Access comes from memberships and the Beheer group only: no password, no raw permissions, no groups."""

    beheerder = forms.BooleanField(
        label=_("Functioneel beheerder"), required=False,
        help_text=_("Beheert referentiegegevens, gebruikers en lidmaatschappen hier in de beheeromgeving. "
                    "Rollen in een driehoek geeft u met een lidmaatschap."))

    class Meta:
        model = Gebruiker
        fields = ["username", "first_name", "last_name", "email", "functie", "organisatie", "is_active",
                  "oidc_sub"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beheerder"].initial = self.instance.groups.filter(name=BEHEER_GROUP).exists()

    def save(self, commit=True):
        gebruiker = super().save(commit=False)
        gebruiker.is_staff = self.cleaned_data["beheerder"] or gebruiker.is_superuser
        if commit:
            gebruiker.save()
        return gebruiker


class GebruikerLidmaatschapInline(LidmaatschapInline):
    fk_name = "gebruiker"
    fields = ["driehoek", "rol", "actief_van", "actief_tot"]
    readonly_fields = fields
    verbose_name_plural = _("lidmaatschappen (rollen in driehoeken)")


@admin.action(description=_("Uitnodiging opnieuw sturen"), permissions=["change"])
def resend_invitation(modeladmin, request, queryset):
    """A new link, for a lost or expired invitation (or a forgotten password); the old link still expires."""
    sent = skipped = 0
    for gebruiker in queryset:
        if not uitnodigingen.can_invite(gebruiker):
            skipped += 1
        elif uitnodigingen.send_invitation(gebruiker=gebruiker, door=request.user, request=request):
            sent += 1
        else:
            modeladmin.message_user(request, gettext(
                "De uitnodiging voor %(naam)s kon niet worden verstuurd. Probeer het later opnieuw.")
                % {"naam": gebruiker.get_username()}, messages.ERROR)
    if sent:
        modeladmin.message_user(request, ngettext(
            "%(count)d uitnodiging verstuurd.", "%(count)d uitnodigingen verstuurd.", sent) % {"count": sent},
            messages.SUCCESS)
    if skipped:
        modeladmin.message_user(request, ngettext(
            "%(count)d gebruiker overgeslagen: geen e-mailadres, niet actief of een systeemaccount.",
            "%(count)d gebruikers overgeslagen: geen e-mailadres, niet actief of een systeemaccount.", skipped)
            % {"count": skipped}, messages.WARNING)


@admin.register(Gebruiker)
class GebruikerAdmin(AutocompleteMixin, UserAdmin, SimpleHistoryAdmin):
    """Accounts of people and systems. A beheerder never sets or sees a password: a new person gets an
    invitation by e-mail. Access is given only through memberships and the "functioneel beheerder" box."""

    actions = [resend_invitation, reset_second_step]
    form = GebruikerWijzigenForm
    add_form = GebruikerToevoegenForm
    list_display = ["username", "first_name", "last_name", "functie", "organisatie", "is_active",
                    "is_staff", "is_systeemaccount"]
    list_filter = ["is_staff", "is_active", "is_systeemaccount"]
    list_select_related = ["organisatie"]
    fieldsets = (
        (None, {"fields": ["username"]}),
        (_("Persoon"), {"fields": ["first_name", "last_name", "email", "functie", "organisatie"]}),
        (_("Toegang"), {"fields": ["is_active", "beheerder", "is_superuser", "lidmaatschap_toevoegen"]}),
        (_("Inloggen via de organisatie"), {"fields": ["oidc_sub"]}),
        (_("Koppelingen"), {"fields": ["is_systeemaccount"]}),
        (_("Datums"), {"fields": ["last_login", "date_joined"]}),
    )
    add_fieldsets = (
        (None, {"fields": ["username", "first_name", "last_name", "email"]}),
        (_("Functie"), {"fields": ["functie", "organisatie"]}),
        (_("Koppelingen"), {"fields": ["is_systeemaccount"]}),
    )
    readonly_fields = ["is_superuser", "lidmaatschap_toevoegen", "last_login", "date_joined"]
    autocomplete_fields = ["organisatie"]
    inlines = [GebruikerLidmaatschapInline]

    def get_urls(self):
        # No password form for another person: the invitation (sent again if need be) lets them choose one.
        return [url for url in super().get_urls() if url.name != "auth_user_password_change"]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        # Set only when the account is made: turning a person's account into a system account (to give it a
        # token) or back (to let a token review) would let a beheerder act as someone else.
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "is_systeemaccount"] if obj is not None else readonly

    @admin.display(description=_("Rol in een driehoek"))
    def lidmaatschap_toevoegen(self, obj):
        url = reverse("admin:samenwerking_lidmaatschap_add") + f"?gebruiker={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("Lidmaatschap toevoegen"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            audit.record(audit.Gebeurtenis.ACCOUNT_AANGEMAAKT, request=request, obj=obj,
                         details={"systeemaccount": obj.is_systeemaccount})
        elif "beheerder" in form.changed_data:
            group = ensure_beheer_group() if form.cleaned_data["beheerder"] else Group.objects.filter(
                name=BEHEER_GROUP).first()
            if group is not None:
                (obj.groups.add if form.cleaned_data["beheerder"] else obj.groups.remove)(group)

    def response_add(self, request, obj, post_url_continue=None):
        if uitnodigingen.can_invite(obj):
            if uitnodigingen.send_invitation(gebruiker=obj, door=request.user, request=request):
                self.message_user(request, gettext(
                    "Er is een uitnodiging gestuurd naar %(adres)s. Geef de gebruiker nu een rol met een "
                    "lidmaatschap.") % {"adres": obj.email}, messages.SUCCESS)
            else:
                self.message_user(request, gettext(
                    "Het account is aangemaakt, maar de uitnodiging kon niet worden verstuurd. Gebruik later "
                    "‘Uitnodiging opnieuw sturen’."), messages.ERROR)
        return super().response_add(request, obj, post_url_continue)


# Groups and their permissions are set up in code (permissions_setup); a beheerder grants the Beheer group with
# the "functioneel beheerder" box on a user, never a raw Django permission.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


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
