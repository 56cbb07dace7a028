"""The filter forms: the arrangement list, the register of data flows, the overview (/beeld/) and its comparison."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samenwerking import werkgroepen
from samenwerking.models import Basisteam, Eenheid, Gemeente, Veiligheidsregio

from ..models import Domein, Grondslag, Levensfase, Status
from .keuzelijst import Keuzelijst


def peildatum_field(*, help_text) -> forms.DateField:
    """A text field, not type=date: what the user typed, valid or not, stays in the field (and valid HTML)."""
    return forms.DateField(
        label=_("Peildatum"), required=False, input_formats=["%d-%m-%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"autocomplete": "off"}, format="%d-%m-%Y"), help_text=help_text,
        error_messages={"invalid": _("Vul een geldige peildatum in, bijvoorbeeld 1-1-2027.")},
    )


PEILDATUM_BEREIK = (datetime.date(1900, 1, 1), datetime.date(2999, 12, 31))


def check_peildatum(peildatum: datetime.date | None) -> datetime.date | None:
    """A peildatum the lifecycle rules can compute with (they add days to it); shared by the page and the API."""
    if peildatum is not None and not PEILDATUM_BEREIK[0] <= peildatum <= PEILDATUM_BEREIK[1]:
        raise forms.ValidationError(_("Kies een peildatum tussen 1900 en 2999."), code="peildatum_bereik")
    return peildatum


class PeildatumForm(forms.Form):
    """A form with a `peildatum` field (peildatum_field), checked against the range the lifecycle rules take."""

    def clean_peildatum(self):
        return check_peildatum(self.cleaned_data["peildatum"])



class FilterForm(PeildatumForm):
    zoek = forms.CharField(label=_("Zoeken"), required=False, max_length=200)
    # Every select a Keuzelijst: no option template per option on the most requested list (issue 19).
    status = forms.ChoiceField(label=_("Status"), required=False, widget=Keuzelijst,
                               choices=[("", _("Alle statussen")), *Status.choices])
    gemeente = forms.ModelChoiceField(queryset=Gemeente.objects.all(), required=False, label=_("Gemeente"),
                                      empty_label=_("Alle gemeenten"), widget=Keuzelijst)
    basisteam = forms.ModelChoiceField(queryset=None, required=False, label=_("Basisteam"),
                                       empty_label=_("Alle basisteams"), widget=Keuzelijst)
    domein = forms.ChoiceField(label=_("Domein"), required=False, widget=Keuzelijst,
                               choices=[("", _("Alle domeinen")), *Domein.choices])
    verloopt_binnen = forms.IntegerField(label=_("Verloopt binnen (dagen)"), required=False, min_value=0,
                                         max_value=3650)
    evaluatie_gepland = forms.BooleanField(label=_("Alleen met geplande evaluatie"), required=False)
    levensfase = forms.ChoiceField(label=_("Levensfase"), required=False, widget=Keuzelijst,
                                   choices=[("", _("Alle levensfasen")), *Levensfase.choices],
                                   help_text=_("Alleen ondertekende arrangementen hebben een levensfase."))
    peildatum = peildatum_field(help_text=_("De levensfase op deze dag, als dd-mm-jjjj; leeg is vandaag."))
    geweldsmiddelen = forms.BooleanField(
        label=_("Alleen geweldsmiddelen zonder arrangement in werking"), required=False,
        help_text=_("Arrangementen met boa's die geweldsmiddelen dragen terwijl geen arrangement voor hun "
                    "organisatie in werking is."))

    def __init__(self, *args, gemeenten, basisteams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].queryset = gemeenten
        self.fields["basisteam"].queryset = basisteams


class RegisterFilterForm(PeildatumForm):
    """The filters of the register of data flows across arrangements (arrangementen.gegevensregister)."""

    driehoek = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Driehoek"), empty_label=_("Alle driehoeken"),
        error_messages={"invalid_choice": _("Kies een driehoek uit de lijst.")},
    )
    grondslag = forms.ModelChoiceField(
        queryset=Grondslag.objects.order_by("soort", "naam"), required=False, label=_("Grondslag"),
        empty_label=_("Alle grondslagen"), error_messages={"invalid_choice": _("Kies een grondslag uit de lijst.")},
    )
    ontvanger = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Ontvanger"), empty_label=_("Alle ontvangers"),
        error_messages={"invalid_choice": _("Kies een ontvanger uit de lijst.")},
    )
    categorie = forms.CharField(
        label=_("Categorie van gegevens bevat"), required=False, max_length=200,
        help_text=_("Bijvoorbeeld 'camerabeelden' of 'meldingen'."),
        error_messages={"max_length": _("Zoek op ten hoogste 200 tekens.")},
    )
    peildatum = peildatum_field(help_text=_("De arrangementen die op deze dag in werking zijn, als dd-mm-jjjj; "
                                            "leeg is vandaag."))

    def __init__(self, *args, driehoeken=None, ontvangers, **kwargs):
        super().__init__(*args, **kwargs)
        if driehoeken is None:
            del self.fields["driehoek"]  # the page of one driehoek
        else:
            self.fields["driehoek"].queryset = driehoeken
        self.fields["ontvanger"].queryset = ontvangers

    def clean_categorie(self):
        return self.cleaned_data["categorie"].strip()


class BeeldForm(PeildatumForm):
    """The aggregate page's peildatum and sort order, read from the query string (no script needed)."""

    peildatum = peildatum_field(help_text=_("De stand op deze dag, als dd-mm-jjjj; leeg is vandaag."))
    sorteer = forms.CharField(required=False, widget=forms.HiddenInput)
    richting = forms.CharField(required=False, widget=forms.HiddenInput)


class _GelezenIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.objects():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.objects()) + (self.field.empty_label is not None)


class EenmaalGelezen(forms.ModelChoiceField):
    """A ModelChoiceField that reads its list once per form: the options it renders are the ones a submitted value
    is checked against, so a chosen place costs no lookup of its own (the filtered overview stays within 12)."""

    iterator = _GelezenIterator
    widget = Keuzelijst  # some 250 options at national scale: written in Python, not by a template each

    def objects(self) -> list:
        if "_gelezen" not in self.__dict__:
            self._gelezen = list(self.queryset)
        return self._gelezen

    def _set_queryset(self, queryset):
        self.__dict__.pop("_gelezen", None)
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        chosen = next((obj for obj in self.objects() if str(obj.pk) == str(value).strip()), None)
        if chosen is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": value})
        return chosen


def _keuze(model, label, alle, fout) -> forms.ModelChoiceField:
    return EenmaalGelezen(queryset=model.objects.none(), required=False, label=label, empty_label=alle,
                          error_messages={"invalid_choice": fout})


class Plaatsfilters(forms.Form):
    """The filters /beeld/ and its comparison share; the places to choose from are those of the user's gemeenten
    (`gemeenten`). `zoom` (the map's area) only rides along, so leaving a page for the other keeps it; the map
    checks it (arrangementen.kaart.ZoomForm)."""

    eenheid = _keuze(Eenheid, _("Politie-eenheid"), _("Alle eenheden"), _("Kies een politie-eenheid uit de lijst."))
    veiligheidsregio = _keuze(Veiligheidsregio, _("Veiligheidsregio"), _("Alle veiligheidsregio's"),
                              _("Kies een veiligheidsregio uit de lijst."))
    basisteam = _keuze(Basisteam, _("Basisteam"), _("Alle basisteams"), _("Kies een basisteam uit de lijst."))
    driehoeksoort = forms.ChoiceField(label=_("Soort driehoek"), required=False,
                                      choices=[("", _("Alle soorten")), *werkgroepen.soorten_with_arrangements()],
                                      error_messages={"invalid_choice": _("Kies een soort driehoek uit de lijst.")})
    domein = forms.ChoiceField(label=_("Domein van de BOA-inzet"), required=False,
                               choices=[("", _("Alle domeinen")), *Domein.choices],
                               error_messages={"invalid_choice": _("Kies een domein uit de lijst.")})
    zoom = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, gemeenten, **kwargs):
        super().__init__(*args, **kwargs)
        ids = gemeenten.values("pk")
        self.fields["eenheid"].queryset = Eenheid.objects.filter(gemeenten__in=ids).distinct().order_by("naam")
        self.fields["veiligheidsregio"].queryset = (Veiligheidsregio.objects.filter(gemeenten__in=ids).distinct()
                                                    .order_by("naam"))
        self.fields["basisteam"].queryset = (Basisteam.objects.filter(werkgebieden__gemeente__in=ids).distinct()
                                             .order_by("naam"))


PLAATSFILTERS = tuple(Plaatsfilters.base_fields)


class BeeldFilterForm(Plaatsfilters, BeeldForm):
    """The overview's peildatum, sort order and filters."""

    geweldsmiddelen = forms.BooleanField(
        label=_("Geweldsmiddelen zonder arrangement in werking"), required=False,
        help_text=_("Alleen gemeenten met boa's die geweldsmiddelen dragen terwijl geen arrangement voor hun "
                    "organisatie in werking is."))


class VergelijkForm(Plaatsfilters):
    """Two dates of the aggregate page to compare, read from the query string; both are needed, the first first;
    the same filters as the overview."""

    van = peildatum_field(help_text=_("De eerste dag, als dd-mm-jjjj."))
    tot = peildatum_field(help_text=_("De tweede dag, als dd-mm-jjjj; leeg is vandaag."))
    field_order = ["van", "tot"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["van"].label, self.fields["tot"].label = _("Van"), _("Tot en met")
        self.fields["van"].required = True
        self.fields["van"].error_messages["required"] = _("Vul de eerste datum in, bijvoorbeeld 1-1-2026.")

    def clean_van(self):
        return check_peildatum(self.cleaned_data["van"])

    def clean_tot(self):  # empty: today, so the comparison and the refusal below read one date
        return check_peildatum(self.cleaned_data["tot"]) or timezone.localdate()

    def clean(self):
        data = super().clean()
        van, tot = data.get("van"), data.get("tot")
        if van and tot and van > tot:
            self.add_error("van", _("De eerste datum ligt na de tweede; kies een eerdere datum of wissel ze om."))
        return data
