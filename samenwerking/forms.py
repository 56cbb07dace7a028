from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class InlogForm(AuthenticationForm):
    """Login whose error says nothing about whether the account exists."""

    error_messages = {
        "invalid_login": _(
            "De combinatie van gebruikersnaam en wachtwoord is onjuist. Controleer uw gegevens "
            "en probeer het opnieuw."
        ),
        "inactive": _(
            "De combinatie van gebruikersnaam en wachtwoord is onjuist. Controleer uw gegevens "
            "en probeer het opnieuw."
        ),
    }

    username = forms.CharField(
        label=_("Gebruikersnaam"), max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Wachtwoord"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def apply_errors(form, error):
    """Put a service's ValidationError next to the fields it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def mark_required(field: forms.Field) -> forms.Field:
    """A field the action needs though the form lets it through empty (the service refuses with its own message):
    the input says `required` and the form-field partial leaves out "(niet verplicht)"."""
    field.widget.attrs["required"] = True
    return field


def mark_required_when(field: forms.Field, wanneer) -> forms.Field:
    """A field needed in some cases only: the partial leaves out "(niet verplicht)" and the help text says when."""
    field.verplicht_als = wanneer
    field.help_text = format_lazy("{} {}", field.help_text, wanneer) if field.help_text else wanneer
    return field
