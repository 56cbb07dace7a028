from django import forms
from django.contrib.auth.forms import AuthenticationForm
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
