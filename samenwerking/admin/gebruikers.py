"""Beheer of accounts: invitations instead of passwords, the Beheer role as one box, a reset of the second step."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from .. import audit, tweestaps, uitnodigingen
from ..models import Gebruiker
from ..permissions_setup import BEHEER_GROUP, ensure_beheer_group
from .basis import AutocompleteMixin
from .driehoeken import LidmaatschapInline

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
        (_("Toegang"), {"fields": ["is_active", "beheerder", "is_superuser", "lidmaatschap_toevoegen",
                                   "overzichtsrollen"]}),
        (_("Inloggen via de organisatie"), {"fields": ["oidc_sub"]}),
        (_("Koppelingen"), {"fields": ["is_systeemaccount"]}),
        (_("Datums"), {"fields": ["last_login", "date_joined"]}),
    )
    add_fieldsets = (
        (None, {"fields": ["username", "first_name", "last_name", "email"]}),
        (_("Functie"), {"fields": ["functie", "organisatie"]}),
        (_("Koppelingen"), {"fields": ["is_systeemaccount"]}),
    )
    readonly_fields = ["is_superuser", "lidmaatschap_toevoegen", "overzichtsrollen", "last_login", "date_joined"]
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

    @admin.display(description=_("Overzichtsrollen boven de driehoek"))
    def overzichtsrollen(self, obj):
        """Beside the driehoek memberships (below), so every access the user has is on one page; a list, not an
        inline, as scope roles are changed on their own page (samenwerking.overzichtsrollen)."""
        rollen = obj.overzichtslidmaatschappen.select_related("eenheid", "veiligheidsregio").order_by("actief_van")
        items = format_html_join("", '<a href="{}">{} ({}), {} – {}</a><br>', (
            (reverse("admin:samenwerking_overzichtslidmaatschap_change", args=[rol.pk]), rol.scope_naam,
             rol.get_niveau_display(), date_format(rol.actief_van, "d-m-Y"),
             date_format(rol.actief_tot, "d-m-Y") if rol.actief_tot else gettext("onbepaald"))
            for rol in rollen))
        add = reverse("admin:samenwerking_overzichtslidmaatschap_add") + f"?gebruiker={obj.pk}"
        return format_html('{}<a href="{}">{}</a>', items or gettext("Geen. "), add, gettext("Overzichtsrol toevoegen"))

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
