"""The form for one geweldsmiddel of a BOA-organisatie in a domein (issue 20, item 1)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samenwerking.forms import mark_required
from samenwerking.models import Organisatie

from ..geweldregels import boa_werkgevers
from ..models import Arrangement, Domein, Geweldsmiddel
from . import VersionForm


class ToekenningForm(VersionForm):
    """Every domein is offered, so a domein without BOA-inzet gets the service's message naming it, input kept."""

    organisatie = forms.ModelChoiceField(
        queryset=Organisatie.objects.none(), required=False, label=_("BOA-organisatie"),
        empty_label=_("Kies de werkgever van de boa's"),
        help_text=_("Een partij van het arrangement die boa's in dienst heeft (niet de politie of het OM)."),
        error_messages={"invalid_choice": _("Kies een BOA-organisatie uit de lijst.")},
    )
    domein = forms.ChoiceField(
        label=_("Domein"), required=False, choices=[("", _("Kies het domein")), *Domein.choices],
        help_text=_("Een domein waarin het arrangement BOA-inzet heeft."),
        error_messages={"invalid_choice": _("Kies een domein uit de lijst.")},
    )
    geweldsmiddel = forms.ChoiceField(
        label=_("Geweldsmiddel"), required=False, choices=[("", _("Kies het geweldsmiddel")), *Geweldsmiddel.choices],
        error_messages={"invalid_choice": _("Kies een geweldsmiddel uit de lijst.")},
    )
    toegekend_op = forms.DateField(
        label=_("Datum van de toekenning door de minister"), required=False, input_formats=["%d-%m-%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"autocomplete": "off"}, format="%d-%m-%Y"),
        help_text=_("Als dd-mm-jjjj, als die bekend is."),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 1-3-2025.")},
    )
    kenmerk = forms.CharField(
        label=_("Kenmerk van de toekenning"), max_length=100, required=False,
        help_text=_("Het kenmerk van het besluit van de minister, als dat bekend is."),
        error_messages={"max_length": _("Het kenmerk is ten hoogste 100 tekens.")},
    )

    def __init__(self, *args, arrangement: Arrangement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisatie"].queryset = boa_werkgevers(arrangement)
        for name in ("organisatie", "domein", "geweldsmiddel"):
            mark_required(self.fields[name])
