import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from arrangementen.forms.keuzelijst import Keuzelijst
from samenwerking.forms import mark_required, mark_required_when
from samenwerking.tekstlimieten import REGELS, VERSLAG, text_field

from .models import Actiepunt, Agendapunt, Overleg, Status
from .services import Deelnemer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
AGENDAPUNT = Agendapunt._meta.get_field("onderwerp").max_length
GEPLAKT = 1_000_000  # characters of a pasted table; the request itself is bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
MARKDOWN_HULP = _("Zonder HTML: **vet**, *cursief*, een regel die begint met '- ' wordt een opsomming, "
                  "'1. ' een genummerde lijst, '## ' een kopje; een witregel begint een nieuwe alinea.")
DATE_ERRORS = {"invalid": _("Vul een geldige datum in, bijvoorbeeld 22-02-2019.")}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_people(text: str, *, aanwezig: bool) -> list[Deelnemer]:
    """'Naam (Organisatie)' per line, as verslagen list deelnemers."""
    people = []
    for line in _lines(text):
        match = re.fullmatch(r"(.*?)\s*\((.*)\)", line)
        naam, organisatie = (match[1], match[2]) if match and match[1] else (line, "")
        people.append(Deelnemer(naam=naam, organisatie=organisatie, aanwezig=aanwezig))
    return people


def format_people(deelnames) -> str:
    return "\n".join(f"{d.naam} ({d.organisatie})" if d.organisatie else d.naam for d in deelnames)


class OverlegForm(forms.Form):
    soort = forms.ChoiceField(label=_("Soort overleg"), choices=Overleg.Soort.choices)
    titel = forms.CharField(label=_("Titel"), max_length=250, required=False,
                            help_text=_("Bijvoorbeeld 'Werkgroep Samenwerking'. Leeg: de soort overleg."))
    datum = forms.DateField(label=_("Datum"), widget=DATE, error_messages=DATE_ERRORS)
    begintijd = forms.TimeField(label=_("Begintijd"), required=False, widget=TIME)
    eindtijd = forms.TimeField(label=_("Eindtijd"), required=False, widget=TIME)
    locatie = forms.CharField(label=_("Locatie"), max_length=250, required=False)
    voorzitter = forms.ModelChoiceField(label=_("Voorzitter"), queryset=None, required=False,
                                        empty_label=_("Geen lid van de driehoek (vul hieronder een naam in)"))
    voorzitter_extern = forms.CharField(label=_("Voorzitter van buiten de driehoek"), max_length=200, required=False)
    secretaris = forms.ModelChoiceField(label=_("Secretaris"), queryset=None, required=False,
                                        empty_label=_("Geen lid van de driehoek (vul hieronder een naam in)"))
    secretaris_extern = forms.CharField(label=_("Secretaris van buiten de driehoek"), max_length=200, required=False)
    deelnemers = forms.ModelMultipleChoiceField(label=_("Deelnemers uit de driehoek"), queryset=None,
                                                required=False, widget=forms.CheckboxSelectMultiple)
    externe_deelnemers = text_field(
        label=_("Andere deelnemers"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Eén per regel: naam (organisatie), bijvoorbeeld 'Jos Speetjens (Nationale Politie)'."),
    )
    afwezigen = forms.ModelMultipleChoiceField(label=_("Afwezig uit de driehoek"), queryset=None, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    externe_afwezigen = text_field(label=_("Andere afwezigen"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}),
                                        help_text=_("Eén per regel: naam (organisatie)."))
    agenda = text_field(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("Eén agendapunt per regel."))
    verslag = text_field(
        VERSLAG, label=_("Verslag"), required=False, widget=forms.Textarea(attrs={"rows": 14}),
        help_text=MARKDOWN_HULP,
    )
    besluiten = text_field(label=_("Besluiten"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                help_text=_("Eén besluit per regel."))

    def __init__(self, *args, members, werkgroep: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("voorzitter", "secretaris", "deelnemers", "afwezigen"):
            self.fields[name].queryset = members
        if werkgroep:
            # A werkgroep's members are not "de driehoek": say werkgroep wherever the form names the group.
            for name in ("voorzitter", "secretaris"):
                self.fields[name].empty_label = _("Geen lid van de werkgroep (vul hieronder een naam in)")
            self.fields["voorzitter_extern"].label = _("Voorzitter van buiten de werkgroep")
            self.fields["secretaris_extern"].label = _("Secretaris van buiten de werkgroep")
            self.fields["deelnemers"].label = _("Deelnemers uit de werkgroep")
            self.fields["afwezigen"].label = _("Afwezig uit de werkgroep")

    def _bounded_lines(self, name: str, per_line: int | None = None) -> str:
        """One row per line is stored: bound the number of lines (and their length where the row is bounded)."""
        lines = _lines(self.cleaned_data[name])
        if len(lines) > REGELS:
            raise ValidationError(_("Maximaal %(max)s regels; hier staan er %(n)s.") % {"max": REGELS, "n": len(lines)})
        if per_line and any(len(line) > per_line for line in lines):
            raise ValidationError(_("Maximaal %(max)s tekens per regel.") % {"max": per_line})
        return self.cleaned_data[name]

    def clean_externe_deelnemers(self):
        return self._bounded_lines("externe_deelnemers")

    def clean_externe_afwezigen(self):
        return self._bounded_lines("externe_afwezigen")

    def clean_agenda(self):
        return self._bounded_lines("agenda", per_line=AGENDAPUNT)

    def clean_besluiten(self):
        return self._bounded_lines("besluiten")

    def clean(self):
        data = super().clean()
        begin, eind = data.get("begintijd"), data.get("eindtijd")
        if begin and eind and eind < begin:
            self.add_error("eindtijd", _("De eindtijd ligt vóór de begintijd."))
        both = set(data.get("deelnemers") or []) & set(data.get("afwezigen") or [])
        if both:
            self.add_error("afwezigen", _("Iemand kan niet tegelijk deelnemer en afwezig zijn: %(namen)s.")
                           % {"namen": ", ".join(str(u) for u in both)})
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("soort", "titel", "datum", "begintijd", "eindtijd", "locatie",
                                              "voorzitter", "voorzitter_extern", "secretaris", "secretaris_extern",
                                              "verslag")}

    def deelnemers_list(self) -> list[Deelnemer]:
        data = self.cleaned_data
        return [*(Deelnemer(gebruiker=u, aanwezig=True) for u in data["deelnemers"]),
                *parse_people(data["externe_deelnemers"], aanwezig=True),
                *(Deelnemer(gebruiker=u, aanwezig=False) for u in data["afwezigen"]),
                *parse_people(data["externe_afwezigen"], aanwezig=False)]

    def agenda_list(self) -> list[str]:
        return _lines(self.cleaned_data["agenda"])

    def besluiten_list(self) -> list[str]:
        return _lines(self.cleaned_data["besluiten"])

    @staticmethod
    def initial_for(overleg: Overleg, detail: dict) -> dict:
        return {
            **{name: getattr(overleg, name) for name in ("soort", "titel", "datum", "begintijd", "eindtijd",
                                                         "locatie", "voorzitter", "voorzitter_extern", "secretaris",
                                                         "secretaris_extern", "verslag")},
            "deelnemers": [d.gebruiker for d in detail["deelnemers"] if d.gebruiker_id],
            "externe_deelnemers": format_people(d for d in detail["deelnemers"] if not d.gebruiker_id),
            "afwezigen": [d.gebruiker for d in detail["afwezigen"] if d.gebruiker_id],
            "externe_afwezigen": format_people(d for d in detail["afwezigen"] if not d.gebruiker_id),
            "agenda": "\n".join(a.onderwerp for a in detail["agendapunten"]),
            "besluiten": "\n".join(b.tekst for b in detail["besluiten"]),
        }


class ActiepuntForm(forms.Form):
    nummer = forms.IntegerField(label=_("Nummer"), required=False, min_value=1, max_value=999999,
                                help_text=_("Leeg: het volgende vrije nummer."))
    onderwerp = text_field(label=_("Onderwerp"), widget=forms.Textarea(attrs={"rows": 3}))
    eigenaar = forms.ModelChoiceField(label=_("Eigenaar"), queryset=None, required=False,
                                      empty_label=_("Iemand van buiten de driehoek (vul hieronder in)"))
    extern_naam = forms.CharField(label=_("Naam van de externe eigenaar"), max_length=200, required=False)
    extern_email = forms.EmailField(label=_("E-mailadres van de externe eigenaar"), required=False,
                                    help_text=_("Voor de herinneringen."),
                                    error_messages={"invalid": _("Vul een geldig e-mailadres in.")})
    extern_organisatie = forms.CharField(label=_("Organisatie van de externe eigenaar"), max_length=200,
                                         required=False)
    medeeigenaren = forms.ModelMultipleChoiceField(
        label=_("Mede-eigenaren uit de driehoek"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Wie er samen met de eigenaar aan werkt (i.s.m.)."))
    medeeigenaren_extern = text_field(
        label=_("Andere mede-eigenaren"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Eén per regel, bijvoorbeeld 'de secretaris' of 'Jan Jansen (RIEC)'."))
    datum_gereed = forms.DateField(label=_("Datum gereed"), widget=DATE, error_messages=DATE_ERRORS)
    toelichting = text_field(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    overleg = forms.ModelChoiceField(label=_("Overleg"), queryset=None, required=False,
                                     empty_label=_("Geen overleg"))
    arrangement = forms.ModelChoiceField(label=_("Arrangement"), queryset=None, required=False,
                                         empty_label=_("Geen arrangement"))
    afspraak = forms.ModelChoiceField(label=_("Afspraak uit het arrangement"), queryset=None, required=False,
                                      empty_label=_("Geen afspraak"),
                                      help_text=_("Om de verplichtingen uit een afspraak te volgen."))

    def __init__(self, *args, members, overleggen, arrangementen, afspraken, nieuw=True, werkgroep: bool = False,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eigenaar"].queryset = members
        self.fields["medeeigenaren"].queryset = members
        self.fields["overleg"].queryset = overleggen
        self.fields["arrangement"].queryset = arrangementen
        self.fields["afspraak"].queryset = afspraken
        # Every actiepunt has an owner: a member, or an external person with a name (see clean).
        if werkgroep:
            self._as_werkgroep()
        else:
            mark_required_when(self.fields["eigenaar"],
                               _("Een lid van de driehoek, of iemand van buiten de driehoek met de naam hieronder."))
            mark_required_when(self.fields["extern_naam"],
                               _("Verplicht als de eigenaar van buiten de driehoek komt."))
        if not nieuw:
            del self.fields["nummer"]
            del self.fields["overleg"]
        if not nieuw and "datum_gereed" in self.initial and self.initial["datum_gereed"] is None:
            # An imported point without a date may stay "datum onbekend"; services refuse clearing a known date.
            self.fields["datum_gereed"].required = False
            self.fields["datum_gereed"].help_text = _("Leeg laten: het actiepunt blijft 'datum onbekend'.")

    def _as_werkgroep(self):
        """A werkgroep has no arrangements to link, and its members are named as the werkgroep's."""
        del self.fields["arrangement"], self.fields["afspraak"]
        self.fields["eigenaar"].empty_label = _("Iemand van buiten de werkgroep (vul hieronder in)")
        self.fields["medeeigenaren"].label = _("Mede-eigenaren uit de werkgroep")
        mark_required_when(self.fields["eigenaar"],
                           _("Een lid van de werkgroep, of iemand van buiten de werkgroep met de naam hieronder."))
        mark_required_when(self.fields["extern_naam"], _("Verplicht als de eigenaar van buiten de werkgroep komt."))

    def clean(self):
        data = super().clean()
        if not data.get("eigenaar") and not (data.get("extern_naam") or "").strip() and "eigenaar" not in self.errors:
            self.add_error("extern_naam", _("Kies een eigenaar, of vul de naam van een externe eigenaar in."))
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("onderwerp", "eigenaar", "extern_naam", "extern_email",
                                                               "extern_organisatie", "datum_gereed", "toelichting",
                                                               "arrangement", "afspraak")}

    def mede(self) -> dict:
        """The co-owners for the service: members, and one name per line for the others."""
        return {"medeeigenaren": list(self.cleaned_data["medeeigenaren"]),
                "mede_namen": _lines(self.cleaned_data["medeeigenaren_extern"])}

    @staticmethod
    def initial_for(actiepunt: Actiepunt) -> dict:
        mede = list(actiepunt.medeeigenaren.all())
        return {**{name: getattr(actiepunt, name) for name in (
            "onderwerp", "eigenaar", "extern_naam", "extern_email", "extern_organisatie", "datum_gereed",
            "toelichting", "arrangement", "afspraak")},
            "medeeigenaren": [m.gebruiker for m in mede if m.gebruiker_id],
            "medeeigenaren_extern": "\n".join(m.naam for m in mede if not m.gebruiker_id)}


class StatusForm(forms.Form):
    """One toelichting for every status button, so what is typed goes with whichever button is pressed."""

    toelichting = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  max_length=2000, help_text=_("Komt bij de statuswijziging in de geschiedenis."))

    def offer(self, transities) -> "StatusForm":
        """Mark the toelichting required as far as the offered transitions require a reason."""
        nodig = [t for t in transities if t.reason_required]
        if nodig and len(nodig) == len(transities):
            mark_required(self.fields["toelichting"])
        elif nodig:
            mark_required_when(self.fields["toelichting"], _("Verplicht bij: %(acties)s.") % {
                "acties": ", ".join(f"“{t.label}”" for t in nodig)})
        return self


STATUS_FILTERS = [
    ("", _("Alle")),
    ("lopend", _("Lopend (open of in uitvoering)")),
    ("verlopen", _("Verlopen")),
    ("binnenkort", _("Binnenkort gereed")),
    *Status.choices,
]


class BaseFilterForm(forms.Form):
    # The filter selects as Keuzelijst: no option template per option on "Mijn actiepunten" (issue 19).
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTERS, required=False, widget=Keuzelijst)
    van = forms.DateField(label=_("Gereed vanaf"), required=False, widget=DATE, error_messages=DATE_ERRORS)
    tot = forms.DateField(label=_("Gereed tot en met"), required=False, widget=DATE, error_messages=DATE_ERRORS)

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["tot"] < data["van"]:
            self.add_error("tot", _("Deze datum ligt vóór 'gereed vanaf'."))
        return data

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ActielijstFilterForm(BaseFilterForm):
    eigenaar = forms.ModelChoiceField(label=_("Eigenaar"), queryset=None, required=False, empty_label=_("Iedereen"),
                                      widget=Keuzelijst)
    wie = forms.CharField(label=_("Naam of organisatie eigenaar bevat"), required=False, max_length=100)
    overleg = forms.ModelChoiceField(label=_("Overleg"), queryset=None, required=False, empty_label=_("Alle"),
                                     widget=Keuzelijst)
    arrangement = forms.ModelChoiceField(label=_("Arrangement"), queryset=None, required=False,
                                         empty_label=_("Alle"), widget=Keuzelijst)

    def __init__(self, *args, members, overleggen, arrangementen, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eigenaar"].queryset = members
        self.fields["overleg"].queryset = overleggen
        self.fields["arrangement"].queryset = arrangementen


class MijnFilterForm(BaseFilterForm):
    driehoek = forms.ModelChoiceField(label=_("Driehoek"), queryset=None, required=False, empty_label=_("Alle"),
                                      widget=Keuzelijst)

    def __init__(self, *args, driehoeken, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["driehoek"].queryset = driehoeken


class ImportForm(forms.Form):
    bestand = mark_required_when(forms.FileField(
        label=_("Actielijst (CSV of Excel)"), required=False,
        help_text=_("Kolommen zoals Nr, Onderwerp, Wie, Datum gereed, Status en Toelichting; titelregels boven de "
                    "kopregel mogen blijven staan. In het voorbeeld kiest u welke kolom wat is."),
        error_messages={"empty": _("Het bestand is leeg."), "invalid": _("Kies een bestand.")},
    ), _("Kies een bestand of plak de tabel hieronder."))
    tekst = mark_required_when(text_field(
        limit=GEPLAKT, label=_("Of plak de tabel"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Kopieer de tabel in Word of Excel (met de kopregel) en plak hem hier."),
    ), _("Plak de tabel of kies hierboven een bestand."))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("bestand") and not (cleaned.get("tekst") or "").strip() and not self.errors:
            raise ValidationError(_("Kies een bestand of plak de tabel."))
        return cleaned


class VoorkeurForm(forms.Form):
    weekoverzicht = forms.BooleanField(
        label=_("Stuur mij als driehoeksecretaris elke week een overzicht van de lopende actiepunten"),
        required=False,
        help_text=_("Herinneringen over uw eigen actiepunten krijgt u altijd."),
    )
