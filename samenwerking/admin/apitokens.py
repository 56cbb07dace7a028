"""Beheer of API tokens: everyone's can be seen and revoked, new ones only for system accounts."""

from django import forms
from django.contrib import admin, messages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .. import api_tokens
from ..models import ApiToken, Gebruiker


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
