"""The beheer (`/beheer/`) for samenwerking: importing the modules registers their pages. The shared helpers in
`basis` are re-exported for the other apps' beheer pages."""

# Imported in the order the pages were registered before the split, so the admin's URLs keep their order.
# isort: off
from .basis import AutocompleteMixin, NoticeAdmin, RowNamedInlineFormSet, RowNamedModelFormSet, name_row_fields
from . import referentiedata, driehoeken, gebruikers, apitokens, overzichten
# isort: on

__all__ = [
    "AutocompleteMixin", "NoticeAdmin", "RowNamedInlineFormSet", "RowNamedModelFormSet", "apitokens", "driehoeken",
    "gebruikers", "name_row_fields", "overzichten", "referentiedata",
]
