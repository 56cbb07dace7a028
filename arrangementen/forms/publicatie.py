"""Forms of the publication (citeertitel, CVDR) and of the geweldsmiddelen advice (issue 20, items 3 and 4)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samenwerking.models import Organisatie
from samenwerking.tekstlimieten import text_field

from ..models import Domein, Geweldsadvies, Geweldsmiddel
from . import DATE


class CiteertitelForm(forms.Form):
    citeertitel = forms.CharField(
        label=_("Citeertitel"), max_length=250, required=False,
        help_text=_("Zoals het arrangement in het Gemeenteblad wordt aangehaald. Leeg: de titel met het "
                    "versienummer."))


class CvdrForm(forms.Form):
    cvdr_referentie = forms.CharField(
        label=_("CVDR-identificatie of -URL"), max_length=300,
        help_text=_("Na publicatie: de identificatie, zoals CVDR755740, of het adres op "
                    "lokaleregelgeving.overheid.nl."),
        error_messages={"required": _("CVDR-identificatie of -URL: vul de identificatie of het adres in."),
                        "max_length": _("CVDR-identificatie of -URL: maximaal %(limit_value)d tekens.")})


class GeweldsadviesForm(forms.Form):
    boa_organisatie = forms.ModelChoiceField(
        queryset=Organisatie.objects.none(), label=_("BOA-organisatie"),
        help_text=_("De partij die de geweldsmiddelen voor haar boa's aanvraagt."),
        error_messages={"required": _("BOA-organisatie: kies de organisatie die de aanvraag doet."),
                        "invalid_choice": _("BOA-organisatie: kies een partij van dit arrangement die boa's in "
                                            "dienst heeft.")})
    domein = forms.ChoiceField(
        label=_("Domein"), choices=[("", "—"), *Domein.choices],
        error_messages={"required": _("Domein: kies het domein van de boa's."),
                        "invalid_choice": _("Domein: kies een domein uit de lijst.")})
    middelen = forms.MultipleChoiceField(
        label=_("Gevraagde geweldsmiddelen"), choices=Geweldsmiddel.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Gevraagde geweldsmiddelen: kies ten minste één geweldsmiddel."),
                        "invalid_choice": _("Gevraagde geweldsmiddelen: kies uit de lijst.")})
    advies = forms.ChoiceField(
        label=_("Advies van de driehoek"), choices=Geweldsadvies.Advies.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Advies: kies positief, negatief of positief onder voorwaarden."),
                        "invalid_choice": _("Advies: kies positief, negatief of positief onder voorwaarden.")})
    motivering = text_field(
        label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Waarom de driehoek zo adviseert; bij een voorwaardelijk advies ook de voorwaarden."),
        error_messages={"required": _("Motivering: schrijf waarom de driehoek zo adviseert.")})
    adviesdatum = forms.DateField(
        label=_("Datum van het advies"), widget=DATE,
        error_messages={"required": _("Datum van het advies: vul de datum in."),
                        "invalid": _("Datum van het advies: vul een geldige datum in, bijvoorbeeld 31-12-2026.")})
    # A choice rather than a checkbox: the page says plainly who signs; default the platform only.
    met_partijen = forms.TypedChoiceField(
        label=_("Ondertekening"), widget=forms.RadioSelect, initial="nee", coerce=lambda value: value == "ja",
        required=False, empty_value=False,
        choices=[("nee", _("alleen door het platform")),
                 ("ja", _("ook laten ondertekenen door de partijen van het arrangement"))],
        help_text=_("Bij ondertekening door de partijen krijgt de PDF een handtekeningveld per partij; hun "
                    "ondertekenaars krijgen een e-mail en tekenen zoals bij het arrangement."),
        error_messages={"invalid_choice": _("Ondertekening: kies wie het advies ondertekent.")})

    def __init__(self, *args, organisaties, gedekte_domeinen: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["boa_organisatie"].queryset = organisaties
        labels = dict(Domein.choices)
        self.fields["domein"].help_text = _("Dit arrangement regelt de inzet van boa's in: %(domeinen)s.") % {
            "domeinen": ", ".join(str(labels[d]) for d in gedekte_domeinen) or _("geen enkel domein")}
