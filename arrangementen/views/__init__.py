"""The site's pages for arrangementen, by subject; the PDF and signing pages are in `views_documenten`."""

from .arrangement import arrangement_create, arrangement_detail, arrangement_list, herziening, review_queue
from .beoordeling import opmerking_add, opmerking_resolve, transition
from .bewerken import (
    afspraak_delete,
    afspraak_form,
    afspraak_move,
    afspraak_restore,
    arrangement_edit,
    partij_add,
    partij_remove,
)
from .geweld import toekenning_delete, toekenning_form
from .opzeggen import opzeggen
from .stromen import stroom_delete, stroom_form
from .versies import arrangement_history, compare

__all__ = [
    "afspraak_delete", "afspraak_form", "afspraak_move", "afspraak_restore", "arrangement_create", "arrangement_detail",
    "arrangement_edit", "arrangement_history", "arrangement_list", "compare", "herziening", "opmerking_add",
    "opmerking_resolve", "opzeggen", "partij_add", "partij_remove", "review_queue", "stroom_delete", "stroom_form",
    "toekenning_delete", "toekenning_form", "transition",
]
