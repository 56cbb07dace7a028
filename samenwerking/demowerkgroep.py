"""Demo werkgroep for `make run`: the BOA-Platform's werkgroep Samenwerking of seed 001, with members from
politie, OM, CCV, VNG and the BOA-bond. Idempotent; never run by production settings."""

from django.db import transaction

from .demo import _membership, _user
from .models import Driehoek, Eenheid, Gebruiker, Gemeente, Organisatie, Rol
from .organisaties import voor_eenheid, voor_parket

WERKGROEP_NAAM = "Werkgroep BOA-Platform"
WERKGROEP_OMSCHRIJVING = (
    "Werkgroep Samenwerking van het BOA-Platform: ontwikkelingen en knelpunten in de samenwerking tussen boa's "
    "en politie benoemen, oplossingen verkennen en adviezen voorbereiden voor de besluitvormende partijen."
)

# Parties without reference data: made as soort overig where they do not exist yet.
OVERIGE_ORGANISATIES = ["BOA-Platform", "Het CCV", "VNG", "De Nederlandse BOA Bond"]

# username, first, last, functie, organisation (a name above, or "politie" / "om"), role
LEDEN = [
    ("lieke", "Lieke", "Sievers", "Voorzitter, kerngroep BOA-Platform", "BOA-Platform", Rol.COORDINATOR),
    ("sten", "Sten", "Meijer", "Adviseur handhaving", "Het CCV", Rol.LEZER),
    ("jos", "Jos", "Speetjens", "Programmaleider handhaving", "politie", Rol.COORDINATOR),
    ("marcel", "Marcel", "Bijen", "Officier van justitie", "om", Rol.LEZER),
    ("martine", "Martine", "Meijers", "Beleidsadviseur veiligheid", "VNG", Rol.LEZER),
    ("eric", "Eric", "Lakenman", "Bestuurder", "De Nederlandse BOA Bond", Rol.LEZER),
]


def _organisaties() -> dict[str, Organisatie]:
    result = {naam: Organisatie.objects.get_or_create(naam=naam, defaults={"soort": Organisatie.Soort.OVERIG})[0]
              for naam in OVERIGE_ORGANISATIES}
    result["politie"] = voor_eenheid(eenheid=Eenheid.objects.get(code="RE03"))
    result["om"] = voor_parket(parket=Gemeente.objects.get(cbs_code="GM0342").parket)
    return result


@transaction.atomic
def create_demo_werkgroep(*, password: str) -> tuple[Driehoek, list[Gebruiker]]:
    """The werkgroep and its members; the demo secretaris (samenwerking.demo) is its secretaris."""
    werkgroep, _ = Driehoek.objects.get_or_create(
        naam=WERKGROEP_NAAM,
        defaults={"soort": Driehoek.Soort.WERKGROEP, "omschrijving": WERKGROEP_OMSCHRIJVING,
                  "goedkeurende_soorten": []},
    )
    _membership(Gebruiker.objects.get(username="secretaris"), werkgroep, Rol.SECRETARIS)
    organisaties = _organisaties()
    users = []
    for username, first, last, functie, organisatie, rol in LEDEN:
        user = _user(username, first, last, functie, organisaties[organisatie], password)
        _membership(user, werkgroep, rol)
        users.append(user)
    return werkgroep, users
