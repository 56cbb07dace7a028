"""Who and where: the public-safety geography, the parties, the driehoeken and who sits in them.

Django finds an app's models here; every model is re-exported so `from samenwerking.models import X` stays the
one way to import them.
"""

# Imported in the order the models were declared before the split, so Django registers them in the same order.
# isort: off
from .gebied import (
    Arrondissementsparket,
    Basisteam,
    District,
    Eenheid,
    Gemeente,
    Organisatie,
    Veiligheidsregio,
    Werkgebied,
)
from .driehoek import Driehoek, DriehoekGebruikerRecht
from .gebruiker import WERKGROEP_ROLLEN, Gebruiker, Lidmaatschap, LidmaatschapQuerySet, Rol
from .beveiligingslogboek import Auditcontrolepunt, Auditregel, AuditregelQuerySet
from .apitoken import ApiToken, ApiTokenQuerySet
from .overzicht import Overzichtslidmaatschap, Overzichtsniveau
# isort: on

__all__ = [
    "ApiToken", "ApiTokenQuerySet", "Arrondissementsparket", "Auditcontrolepunt", "Auditregel", "AuditregelQuerySet",
    "Basisteam",
    "District", "Driehoek", "DriehoekGebruikerRecht", "Eenheid", "Gebruiker", "Gemeente", "Lidmaatschap",
    "LidmaatschapQuerySet", "Organisatie", "Overzichtslidmaatschap", "Overzichtsniveau", "Rol", "Veiligheidsregio",
    "WERKGROEP_ROLLEN", "Werkgebied",
]
