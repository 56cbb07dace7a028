"""The agreement: arrangement, afspraken, the clause library, review and versions.

Django finds an app's models here; every model is re-exported so `from arrangementen.models import X` stays the
one way to import them.
"""

from .arrangement import (
    Afspraak,
    Arrangement,
    ArrangementQuerySet,
    BoaInzet,
    Domein,
    Geweldsmiddel,
    Partij,
    Status,
    Vertegenwoordiger,
)
from .beoordeling import Beoordeling, Opmerking, Statusovergang
from .bibliotheek import Modelafspraak, Niveau, Onderwerp, Verantwoordelijke
from .document import (
    Document,
    Documentgebeurtenis,
    Documentversie,
    Handtekening,
    Mandaat,
    Ondertekeningssleutel,
    private_storage,
)
from .gegevensdeling import Gegevensstroom, Grondslag, SoortGegevens
from .geweld import Geweldsmiddeltoekenning
from .geweldsadvies import Adviesondertekening, Geweldsadvies
from .kennisbank import PraktijkStatus, Praktijkvoorbeeld
from .levensfase import Levensfase
from .opzegging import Opzegging
from .signalering import Signalering

__all__ = [
    "Adviesondertekening", "Afspraak", "Arrangement", "ArrangementQuerySet", "Beoordeling", "BoaInzet", "Document",
    "Documentgebeurtenis",
    "Documentversie", "Domein", "Gegevensstroom", "Geweldsadvies", "Geweldsmiddel", "Geweldsmiddeltoekenning",
    "Grondslag", "Handtekening", "Levensfase", "Mandaat",
    "Modelafspraak", "Niveau", "Onderwerp", "Ondertekeningssleutel", "Opmerking", "Opzegging", "Partij",
    "PraktijkStatus", "Praktijkvoorbeeld", "Signalering", "SoortGegevens", "Statusovergang", "Status",
    "Verantwoordelijke", "Vertegenwoordiger", "private_storage",
]
