"""Upper bounds on free text that users type, for the forms and the API alike.

The models keep unbounded TextFields (no migration, older rows stay valid); the bound is checked where text
comes in, so history pages, comparisons and PDFs never meet a text of megabytes written through the product.
"""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# Long texts: doel, aanleiding, afspraak tekst, toelichting, opmerking, actiepunt onderwerp … (about 3,000 words).
LANGE_TEKST = 20_000
# The verslag of an overleg is HTML: its markup takes room too.
VERSLAG = 50_000
# Lines in a list typed one per line (agenda, besluiten, deelnemers).
REGELS = 200

TE_LANG = _("Maximaal %(limit_value)s tekens; deze tekst heeft er %(show_value)s.")


def limit_text(field: forms.CharField, limit: int = LANGE_TEKST) -> forms.CharField:
    """Bound a form's text field, with the Dutch message, and let the browser stop typing there as well."""
    field.max_length = limit
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(limit, message=TE_LANG))
    field.widget.attrs["maxlength"] = str(limit)
    return field


def text_field(limit: int = LANGE_TEKST, **kwargs) -> forms.CharField:
    """A form CharField with `limit_text` applied."""
    return limit_text(forms.CharField(**kwargs), limit)
