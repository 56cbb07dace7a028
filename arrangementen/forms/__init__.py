"""The arrangement's forms; the filter forms of the lists and the overview are in .filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samenwerking.forms import mark_required, mark_required_when
from samenwerking.models import Organisatie
from samenwerking.organisaties import BOA_WERKGEVERS
from samenwerking.tekstlimieten import limit_text, text_field

from ..inzetregels import implausible
from ..kiezer import fill_empty
from ..models import (
    Afspraak,
    Arrangement,
    Beoordeling,
    Domein,
    Grondslag,
    Modelafspraak,
    Onderwerp,
    Vertegenwoordiger,
)
from ..services import EDITABLE_FIELDS
from .filters import (  # noqa: F401 - the filter forms are imported from arrangementen.forms
    PEILDATUM_BEREIK,
    BeeldFilterForm,
    BeeldForm,
    FilterForm,
    RegisterFilterForm,
    VergelijkForm,
    check_peildatum,
    peildatum_field,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionForm(forms.Form):
    """Every edit form carries the version it was based on (optimistic locking)."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NieuwArrangementForm(forms.Form):
    driehoek = forms.ModelChoiceField(queryset=None, label=_("Driehoek"),
                                      empty_label=_("Kies een driehoek"))
    titel = forms.CharField(label=_("Titel"), max_length=250)
    start = forms.ChoiceField(
        label=_("Beginnen met"), widget=forms.RadioSelect, initial="model",
        choices=[("model", _("het standaardmodel: verplichte en voorgestelde afspraken staan er al in")),
                 ("leeg", _("een leeg arrangement"))],
    )

    def __init__(self, *args, driehoeken, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["driehoek"].queryset = driehoeken


class ArrangementForm(forms.ModelForm, VersionForm):
    class Meta:
        model = Arrangement
        fields = EDITABLE_FIELDS
        widgets = {
            "geldig_van": DATE, "geldig_tot": DATE, "evaluatiedatum": DATE,
            "doel": forms.Textarea(attrs={"rows": 4}), "aanleiding": forms.Textarea(attrs={"rows": 4}),
            "werkgebied": forms.Textarea(attrs={"rows": 3}), "toezichthouders": forms.Textarea(attrs={"rows": 2}),
            "contactpersonen": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("doel", "aanleiding", "werkgebied", "toezichthouders", "contactpersonen"):
            if name in self.fields:
                limit_text(self.fields[name])


class InzetForm(forms.Form):
    domein = forms.ChoiceField(choices=Domein.choices, widget=forms.HiddenInput)
    aantal_boas = forms.IntegerField(label=_("Aantal BOA's"), min_value=0, max_value=10000)
    fte = forms.DecimalField(label=_("fte"), min_value=0, max_digits=6, decimal_places=1)

    def domein_label(self):
        return dict(Domein.choices).get(self["domein"].value(), "")

    def clean(self):
        data = super().clean()
        if data.get("domein") in Domein.values:
            message = implausible(domein=data["domein"], aantal_boas=data.get("aantal_boas"), fte=data.get("fte"))
            if message:
                self.add_error("fte", message)
        return data


InzetFormSet = forms.formset_factory(InzetForm, extra=0, min_num=len(Domein), max_num=len(Domein),
                                     validate_min=True, validate_max=True)


class AfspraakForm(VersionForm):
    modelafspraak = forms.ModelChoiceField(
        queryset=Modelafspraak.objects.filter(actief=True).select_related("onderwerp"), required=False,
        label=_("Overnemen uit de bibliotheek"), empty_label=_("Geen: ik schrijf zelf een afspraak"),
        help_text=_("Kies hieronder in de bibliotheek een afspraak en klik op 'Invoegen': de velden worden "
                    "ingevuld en u kunt ze aanpassen. Wat u zelf al typte, blijft staan tenzij u het vervangt."),
    )
    onderwerp = forms.ModelChoiceField(
        queryset=Onderwerp.objects.filter(actief=True), required=False, label=_("Onderwerp"),
        empty_label=_("Kies een onderwerp"),
    )
    titel = forms.CharField(label=_("Titel"), max_length=200, required=False)
    tekst = text_field(label=_("Tekst"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    verantwoordelijke = forms.ChoiceField(label=_("Verantwoordelijke"), required=False,
                                          choices=[("", _("Kies wie verantwoordelijk is")),
                                                   *Afspraak._meta.get_field("verantwoordelijke").choices])

    def __init__(self, *args, with_library=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_library:
            del self.fields["modelafspraak"]
        self.fields["onderwerp"].label_from_instance = lambda o: f"{o.get_niveau_display()} – {o.naam}"
        # Needed for an own afspraak (see clean); a chosen modelafspraak fills them in.
        for name in ("onderwerp", "titel", "tekst", "verantwoordelijke"):
            mark_required(self.fields[name])

    def clean(self):
        data = super().clean()
        model = data.get("modelafspraak")
        if model:
            return fill_empty(data, model)  # only fields left empty: a typed title stays
        for name, message in [
            ("onderwerp", _("Kies een onderwerp.")),
            ("titel", _("Geef de afspraak een titel.")),
            ("tekst", _("Schrijf de tekst van de afspraak.")),
            ("verantwoordelijke", _("Kies wie verantwoordelijk is.")),
        ]:
            if not data.get(name) or (isinstance(data.get(name), str) and not data[name].strip()):
                self.add_error(name, message)
        return data


class PartijForm(VersionForm):
    organisatie = forms.ModelChoiceField(
        queryset=Organisatie.objects.order_by("naam"), label=_("Organisatie"), required=False,
        empty_label=_("Kies een organisatie"),
        help_text=_("Elke gemeente, politie-eenheid en elk arrondissementsparket staat in de lijst."),
    )
    nieuwe_organisatie = forms.CharField(
        label=_("Of een andere BOA-werkgever: naam"), max_length=200, required=False,
        help_text=_("Staat de organisatie niet in de lijst, bijvoorbeeld een terreinbeheerder of vervoerder? "
                    "Geef dan hier de naam."),
    )
    soort = forms.ChoiceField(
        label=_("Soort van die BOA-werkgever"), required=False,
        choices=[("", _("Kies het soort")), *[(s.value, s.label) for s in BOA_WERKGEVERS]],
    )
    vertegenwoordiger = forms.ChoiceField(label=_("Wie tekent namens deze partij"),
                                          choices=Vertegenwoordiger.choices, initial=Vertegenwoordiger.BESTUURDER)
    ondertekenaar_functie = forms.CharField(
        label=_("Functie van de ondertekenaar"), max_length=200,
        help_text=_("Bijvoorbeeld 'burgemeester', 'officier van justitie' of 'teamchef namens de politiechef'."),
    )
    ondertekenaar_naam = forms.CharField(label=_("Naam van de ondertekenaar"), max_length=200,
                                         required=False)

    def __init__(self, *args, arrangement=None, **kwargs):
        super().__init__(*args, **kwargs)
        if arrangement is not None:
            self.fields["organisatie"].queryset = self.fields["organisatie"].queryset.exclude(
                pk__in=arrangement.partijen.values("organisatie"))

    def clean(self):
        data = super().clean()
        nieuw = (data.get("nieuwe_organisatie") or "").strip()
        if data.get("organisatie") and nieuw:
            self.add_error("nieuwe_organisatie", _("Kies een organisatie uit de lijst óf geef een nieuwe naam, "
                                                   "niet allebei."))
        elif not data.get("organisatie") and not nieuw and "organisatie" not in self.errors:
            self.add_error("organisatie", _("Kies een organisatie, of geef hieronder de naam van een andere "
                                            "BOA-werkgever."))
        elif nieuw and not data.get("soort") and "soort" not in self.errors:
            self.add_error("soort", _("Kies het soort van de nieuwe organisatie."))
        return data


class OvergangForm(forms.Form):
    """The inputs of one transition; the workflow (`required_inputs`) says which it needs, with its own messages."""

    toelichting = text_field(label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    vastgesteld_op = forms.DateField(label=_("Datum besluit driehoek"), required=False, widget=DATE)
    besluit_referentie = forms.CharField(label=_("Referentie besluit"), max_length=200, required=False)
    bevestigd = forms.BooleanField(label=_("Ik keur goed terwijl deze opmerkingen nog open staan"), required=False)
    # Asked only of a user who can decide both for their party and as privacy adviser (goedkeuring.asks_capacity).
    namens = forms.ChoiceField(label=_("Ik beslis"), required=False,
                               choices=[("", _("Kies …")), *Beoordeling.Hoedanigheid.choices])

    def __init__(self, *args, required=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in required:
            mark_required(self.fields[name])


class OpmerkingForm(forms.Form):
    tekst = text_field(label=_("Opmerking"), widget=forms.Textarea(attrs={"rows": 3}))
    afspraak = forms.IntegerField(required=False, widget=forms.HiddenInput)
    antwoord_op = forms.IntegerField(required=False, widget=forms.HiddenInput)


ARTIKEL20 = _("Verplicht als de grondslag artikel 20 Wpg is.")


class GegevensstroomForm(VersionForm):
    """One flow of the register; the service names what is missing, so empty fields pass the form."""

    verstrekker = forms.ModelChoiceField(queryset=Organisatie.objects.none(), required=False,
                                         label=_("Verstrekker"), empty_label=_("Kies de verstrekkende partij"))
    ontvangers = forms.ModelMultipleChoiceField(queryset=Organisatie.objects.none(), required=False,
                                                label=_("Ontvangers"), widget=forms.CheckboxSelectMultiple)
    overige_ontvangers = forms.CharField(
        label=_("Andere ontvangers"), max_length=300, required=False,
        help_text=_("Alleen als gegevens naar een organisatie buiten de partijen gaan, zoals een RIEC."),
    )
    toelichting_overige_ontvangers = text_field(
        label=_("Toelichting op de andere ontvangers"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )
    categorieen = text_field(label=_("Categorieën van gegevens"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    doel = text_field(label=_("Doel"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    grondslag = forms.ModelChoiceField(
        queryset=Grondslag.objects.filter(actief=True), required=False, label=_("Grondslag"),
        empty_label=_("Kies de grondslag"), error_messages={"invalid_choice": _("Kies een grondslag uit de lijst.")},
    )
    zwaarwegend_algemeen_belang = text_field(label=_("Zwaarwegend algemeen belang"), required=False,
                                             widget=forms.Textarea(attrs={"rows": 3}))
    voorwaarden = text_field(label=_("Voorwaarden"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    kanaal = forms.CharField(label=_("Kanaal"), max_length=200, required=False)
    frequentie = forms.CharField(label=_("Frequentie"), max_length=200, required=False)
    bewaartermijn = forms.CharField(label=_("Bewaartermijn"), max_length=200, required=False)
    verdere_verstrekking = forms.BooleanField(label=_("Verdere verstrekking door de ontvanger toegestaan"),
                                              required=False)
    beveiligingsafspraken = text_field(label=_("Beveiligingsafspraken"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))
    afspraak = forms.ModelChoiceField(queryset=Afspraak.objects.none(), required=False,
                                      label=_("Hoort bij afspraak"), empty_label=_("Geen afspraak"))

    def __init__(self, *args, arrangement: Arrangement, **kwargs):
        super().__init__(*args, **kwargs)
        partijen = Organisatie.objects.filter(pk__in=arrangement.partijen.values("organisatie_id")).order_by("naam")
        self.fields["verstrekker"].queryset = partijen
        self.fields["ontvangers"].queryset = partijen
        self.fields["afspraak"].queryset = arrangement.afspraken.order_by("volgorde", "pk")
        for name in ("verstrekker", "ontvangers", "categorieen", "doel", "grondslag"):
            mark_required(self.fields[name])
        for name in ("zwaarwegend_algemeen_belang", "voorwaarden"):
            mark_required_when(self.fields[name], ARTIKEL20)
        mark_required_when(self.fields["toelichting_overige_ontvangers"],
                           _("Verplicht als u een andere ontvanger noemt: waarom, en op welke afspraak."))
