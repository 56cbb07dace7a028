"""Forms of the follow-up and the meeting cycle."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samenwerking.tekstlimieten import VERSLAG, text_field

from ..forms import DATE, DATE_ERRORS, MARKDOWN_HULP


class VoortgangForm(forms.Form):
    datum = forms.DateField(label=_("Datum"), widget=DATE, error_messages=DATE_ERRORS)
    tekst = text_field(label=_("Voortgang"), widget=forms.Textarea(attrs={"rows": 3}),
                       help_text=_("Wat is er gedaan of afgesproken? De laatste voortgang staat in de actielijst."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"datum": timezone.localdate()})
        super().__init__(*args, **kwargs)


class VerslagForm(forms.Form):
    """Per agendapunt: the verslag (Markdown) and its besluiten, one per line."""

    def __init__(self, *args, agendapunten, **kwargs):
        super().__init__(*args, **kwargs)
        self.agendapunten = agendapunten
        for punt in agendapunten:
            self.fields[f"verslag_{punt.pk}"] = text_field(
                VERSLAG, label=_("Verslag bij %(punt)s") % {"punt": punt}, required=False,
                widget=forms.Textarea(attrs={"rows": 6}), help_text=MARKDOWN_HULP,
                initial=punt.verslag)
            self.fields[f"besluiten_{punt.pk}"] = text_field(
                label=_("Besluiten bij %(punt)s") % {"punt": punt}, required=False,
                widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Eén besluit per regel."),
                initial="\n".join(b.tekst for b in punt.besluiten.all()))

    def rows(self):
        """(agendapunt, verslag field, besluiten field) for the template."""
        return [(p, self[f"verslag_{p.pk}"], self[f"besluiten_{p.pk}"]) for p in self.agendapunten]

    def per_agendapunt(self) -> dict[int, tuple[str, list[str]]]:
        data = self.cleaned_data
        return {p.pk: (data[f"verslag_{p.pk}"],
                       [line.strip() for line in data[f"besluiten_{p.pk}"].splitlines() if line.strip()])
                for p in self.agendapunten}
