"""The kennisbank's forms: searching, offering an afspraak as praktijkvoorbeeld, and a beheerder's review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samenwerking.forms import mark_required_when
from samenwerking.tekstlimieten import text_field

from ..models import Domein, Niveau, Onderwerp
from ..praktijkvoorbeelden import TEXT_FIELDS, Inhoud, contact_details_in


class KennisbankFilterForm(forms.Form):
    tekst = forms.CharField(label=_("Zoeken"), required=False, max_length=200,
                            help_text=_("Woorden uit de titel, de plaats, de partijen of de tekst."))
    niveau = forms.ChoiceField(label=_("Niveau"), required=False, choices=[("", _("Alle niveaus")), *Niveau.choices])
    onderwerp = forms.ModelChoiceField(queryset=Onderwerp.objects.filter(actief=True), required=False,
                                       label=_("Onderwerp"), empty_label=_("Alle onderwerpen"))
    domein = forms.ChoiceField(label=_("BOA-domein"), required=False,
                               choices=[("", _("Alle domeinen")), *Domein.choices])
    plaats = forms.CharField(label=_("Plaats of regio"), required=False, max_length=100)

    def __init__(self, *args, bibliotheek: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if bibliotheek:  # clauses have no domein or place
            del self.fields["domein"], self.fields["plaats"]
            self.fields["tekst"].help_text = _("Woorden uit de titel, de tekst of de toelichting.")

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")} if self.is_valid() else {}


class InhoudForm(forms.Form):
    titel = text_field(200, label=_("Titel"))
    plaats = text_field(200, label=_("Plaats of regio"))
    partijen = text_field(label=_("Partijen"), widget=forms.Textarea(attrs={"rows": 2}),
                          help_text=_("Organisaties, geen namen van personen."))
    afgesproken = text_field(label=_("Wat is afgesproken"), widget=forms.Textarea(attrs={"rows": 6}))
    wat_werkte = text_field(label=_("Wat werkte"), widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Wat leverde de afspraak op, en wat zou u een andere driehoek aanraden?"))
    domeinen = forms.MultipleChoiceField(label=_("BOA-domeinen"), choices=Domein.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def clean(self):
        """Contact details are named at once, beside the other errors (the service refuses them too)."""
        cleaned = super().clean()
        for name in TEXT_FIELDS:
            if found := contact_details_in(cleaned.get(name, "")):
                self.add_error(name, _("Verwijder contactgegevens (e-mailadres of telefoonnummer): %(gevonden)s")
                               % {"gevonden": ", ".join(found)})
        return cleaned

    def inhoud(self) -> Inhoud:
        return Inhoud(**{name: self.cleaned_data[name] for name in
                         ("titel", "plaats", "partijen", "afgesproken", "wat_werkte", "domeinen")})


class AanbodForm(InhoudForm):
    driehoek_tonen = forms.BooleanField(
        label=_("Onze driehoek mag bij het voorbeeld worden genoemd"), required=False,
        help_text=_("Zonder dit vinkje ziet niemand buiten de beheerders van welke driehoek het voorbeeld komt."))
    geanonimiseerd = forms.BooleanField(
        label=_("Ik heb namen van personen en contactgegevens uit de tekst verwijderd"),
        error_messages={"required": _("Verwijder namen en contactgegevens en vink dit daarna aan.")})


BESLUITEN = [("publiceren", _("Publiceren in de kennisbank")), ("afwijzen", _("Afwijzen"))]


class BeoordelingForm(InhoudForm):
    besluit = forms.ChoiceField(label=_("Besluit"), choices=BESLUITEN, widget=forms.RadioSelect)
    reden_afwijzing = mark_required_when(
        text_field(label=_("Reden van afwijzing"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                   help_text=_("De secretaris van de driehoek ziet deze reden.")),
        _("Verplicht bij afwijzen."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("besluit") == "afwijzen" and not (cleaned.get("reden_afwijzing") or "").strip():
            self.add_error("reden_afwijzing", _("Geef de reden van de afwijzing."))
        return cleaned
