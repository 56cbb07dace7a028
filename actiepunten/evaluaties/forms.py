"""The evaluation form: an oordeel and toelichting per afspraak, the conclusie and the next date."""

from django import forms
from django.utils.translation import gettext_lazy as _

from arrangementen import stroomregels
from arrangementen.evaluatiebesluit import one_year_on
from samenwerking.forms import mark_required_when
from samenwerking.tekstlimieten import text_field

from ..forms import DATE, DATE_ERRORS, ActiepuntForm
from .models import Conclusie, Oordeel
from .services import (
    STROOMVRAGEN,
    OordeelRegel,
    StroomRegel,
    missing_toelichting_message,
    stroomveld,
    toelichting_reden,
    unanswered_message,
)

JA_NEE = [("ja", _("ja")), ("nee", _("nee"))]


class EvaluatieForm(forms.Form):
    overleg = forms.ModelChoiceField(label=_("Evaluatie-overleg"), queryset=None,
                                     error_messages={"required": _("Kies het overleg waarin is geëvalueerd."),
                                                     "invalid_choice": _("Kies een evaluatie-overleg van deze "
                                                                         "driehoek.")})
    conclusie = forms.ChoiceField(label=_("Conclusie"), choices=Conclusie.choices, widget=forms.RadioSelect,
                                  error_messages={"required": _("Kies voortzetten, herzien of beëindigen.")})
    toelichting = text_field(label=_("Toelichting op de conclusie"), required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    volgende_evaluatie = forms.DateField(label=_("Volgende evaluatie"), required=False, widget=DATE,
                                         error_messages=DATE_ERRORS,
                                         help_text=_("Leeg: een jaar na het overleg."))

    def __init__(self, *args, overleggen, afspraken, stromen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["overleg"].queryset = overleggen
        self.afspraken = afspraken
        self.stromen = stromen
        for stroom in stromen:
            self._add_stroomvelden(stroom)
        for afspraak in afspraken:
            self.fields[f"oordeel_{afspraak.pk}"] = forms.ChoiceField(
                label=afspraak.titel, choices=Oordeel.choices, widget=forms.RadioSelect,
                error_messages={"required": _("Geef een oordeel over deze afspraak.")})
            self.fields[f"toelichting_{afspraak.pk}"] = mark_required_when(text_field(
                label=_("Toelichting bij “%(titel)s”") % {"titel": afspraak.titel}, required=False,
                widget=forms.Textarea(attrs={"rows": 2})), _("Verplicht bij bijstellen: wat moet er veranderen?"))
            afspraak.oordeel_veld = self[f"oordeel_{afspraak.pk}"]
            afspraak.toelichting_veld = self[f"toelichting_{afspraak.pk}"]
        overleg = self.initial.get("overleg")
        if overleg is not None and not self.initial.get("volgende_evaluatie"):
            self.initial["volgende_evaluatie"] = one_year_on(overleg.datum)

    def _add_stroomvelden(self, stroom) -> None:
        """Three ja/nee questions and a toelichting; the flow, named in the legend, is named in every error."""
        stroom.omschrijving = stroomregels.describe(stroom)
        stroom.vraagvelden = []
        for veld, vraag in STROOMVRAGEN:
            naam = stroomveld(stroom.pk, veld)
            melding = unanswered_message(stroom, vraag)
            self.fields[naam] = forms.TypedChoiceField(
                label=vraag, choices=JA_NEE, coerce=lambda value: value == "ja", widget=forms.RadioSelect,
                error_messages={"required": melding, "invalid_choice": melding})
            stroom.vraagvelden.append(self[naam])
        naam = stroomveld(stroom.pk, "toelichting")
        self.fields[naam] = mark_required_when(text_field(
            label=_("Toelichting bij deze gegevensstroom"), required=False, widget=forms.Textarea(attrs={"rows": 2})),
            _("Verplicht bij incidenten, en als de gegevensstroom niet meer nodig of niet meer proportioneel is."))
        stroom.toelichting_veld = self[naam]

    def clean(self):
        data = super().clean()
        for afspraak in self.afspraken:
            if (data.get(f"oordeel_{afspraak.pk}") == Oordeel.BIJSTELLEN
                    and not (data.get(f"toelichting_{afspraak.pk}") or "").strip()):
                self.add_error(f"toelichting_{afspraak.pk}", _("Schrijf op wat er aan deze afspraak moet veranderen."))
        for stroom in self.stromen:
            antwoorden = {veld: data.get(stroomveld(stroom.pk, veld)) for veld, _vraag in STROOMVRAGEN}
            toelichting = data.get(stroomveld(stroom.pk, "toelichting"))
            if None in antwoorden.values() or toelichting is None or toelichting.strip():
                continue
            if reden := toelichting_reden(**antwoorden):
                self.add_error(stroomveld(stroom.pk, "toelichting"), missing_toelichting_message(stroom, reden))
        return data

    def oordelen(self) -> list[OordeelRegel]:
        return [OordeelRegel(afspraak_id=a.pk, oordeel=self.cleaned_data[f"oordeel_{a.pk}"],
                             toelichting=self.cleaned_data[f"toelichting_{a.pk}"]) for a in self.afspraken]

    def stroomoordelen(self) -> list[StroomRegel]:
        return [StroomRegel(stroom_id=s.pk, toelichting=self.cleaned_data[stroomveld(s.pk, "toelichting")],
                            **{veld: self.cleaned_data[stroomveld(s.pk, veld)] for veld, _vraag in STROOMVRAGEN})
                for s in self.stromen]


class EvaluatieActiepuntForm(ActiepuntForm):
    """An actiepunt from the evaluation page: its overleg and arrangement are the evaluation's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("nummer", "overleg", "arrangement"):
            del self.fields[name]
        self.fields["afspraak"].help_text = _("De afspraak waar het actiepunt over gaat, als dat zo is.")

    def clean(self):
        self.cleaned_data.setdefault("arrangement", None)
        return super().clean()
