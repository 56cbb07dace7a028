"""A convenant like the Limburg one of seed 002: the 31 gemeenten of Limburg, the politie (a basisteam of the
eenheid Limburg) and the arrondissementsparket Limburg — 33 parties, each with a TEST key and an ondertekenaar,
made through the product's services and the real workflow. Used by test_veel_partijen.py and test_overeenkomst.py.
"""

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from arrangementen import documenten, services, workflow
from arrangementen.models import Arrangement, Ondertekeningssleutel, Partij
from samenwerking.models import Driehoek, Gebruiker, Organisatie, Rol

from ..factories import (
    BasisteamFactory,
    DriehoekFactory,
    EenheidFactory,
    GebruikerFactory,
    GemeenteFactory,
    OnderwerpFactory,
    OrganisatieFactory,
    approve_for_all,
    lid,
)
from .wereld import give_key

LIMBURG = [
    "Beek", "Beekdaelen", "Beesel", "Bergen (L.)", "Brunssum", "Echt-Susteren", "Eijsden-Margraten", "Gennep",
    "Gulpen-Wittem", "Heerlen", "Horst aan de Maas", "Kerkrade", "Landgraaf", "Leudal", "Maasgouw", "Maastricht",
    "Meerssen", "Mook en Middelaar", "Nederweert", "Peel en Maas", "Roerdalen", "Roermond", "Simpelveld",
    "Sittard-Geleen", "Stein", "Vaals", "Valkenburg aan de Geul", "Venlo", "Venray", "Voerendaal", "Weert",
]
DOEL = "Boa's en politie treden in het buitengebied samen op en helpen elkaar over de gemeentegrenzen heen."
AANLEIDING = ("Gemeenten en terreinbeheerders in Limburg zetten boa's in het buitengebied in.\n"
              "Burenhulp over de gemeentegrenzen vraagt om gelijke afspraken met politie en OM.")
AFSPRAKEN = [  # (niveau, onderwerp, titel, tekst): the tekst's lines become leden
    ("strategisch", "Gemeenschappelijke waarden", "Gedeelde uitgangspunten",
     "Politie en boa's werken vanuit gedeelde waarden.\nPartijen spreken elkaar aan op gedrag dat daar niet bij past."),
    ("tactisch", "Informatiedeling", "Gezamenlijke briefing",
     "De boa's nemen wekelijks deel aan de briefing van het basisteam."),
    ("operationeel", "Backup en assistentie", "Assistentie bij een noodoproep",
     "Een noodoproep van een boa geldt als assistentie collega met prioriteit 1.\n"
     "De meldkamer stuurt de dichtstbijzijnde eenheid.\nDe boa meldt zich af als de situatie veilig is."),
]


@dataclass
class Convenant:
    driehoek: Driehoek
    arrangement: Arrangement
    secretaris: Gebruiker
    ondertekenaars: list[Gebruiker]  # one per partij, in partij order

    @property
    def partijen(self) -> list[Partij]:
        return list(self.arrangement.partijen.select_related("organisatie").order_by("volgorde", "pk"))


def _share_key(pki, organisaties: list[Organisatie]) -> None:
    """One TEST key for every organisation: 33 RSA keys would only cost time, and what is tested here is the
    document, not whose certificate signs."""
    first = give_key(pki, organisaties[0])
    with first.pkcs12.open("rb") as handle:
        data = handle.read()
    for organisatie in organisaties[1:]:
        key = Ondertekeningssleutel(organisatie=organisatie, is_test=True, wachtwoord_bron=first.wachtwoord_bron)
        key.pkcs12.save(f"sleutel-{organisatie.pk}.p12", ContentFile(data), save=False)
        documenten.save_signing_key(key=key, pkcs12=data, user=None)


def build_convenant(pki, *, vaststellen: bool = True) -> Convenant:
    """The 31 Limburg gemeenten, politie and OM as parties; vastgesteld unless `vaststellen` is False."""
    eenheid = EenheidFactory(naam="Limburg", volledige_naam="Eenheid Limburg")
    basisteam = BasisteamFactory(naam="Heuvelland", eenheid=eenheid)
    gemeenten = [GemeenteFactory(officiele_naam=naam, weergavenaam=naam, veiligheidsregio__eenheid=eenheid)
                 for naam in LIMBURG]
    driehoek = DriehoekFactory(naam="Regionale driehoek Limburg", soort=Driehoek.Soort.REGIONAAL,
                               basisteam=basisteam, eenheid=eenheid, gemeenten=gemeenten)
    organisaties = [OrganisatieFactory(naam=f"Gemeente {g.weergavenaam}", soort=Organisatie.Soort.GEMEENTE,
                                       gemeente=g) for g in gemeenten]
    organisaties.append(OrganisatieFactory(naam="Politie basisteam Heuvelland", soort=Organisatie.Soort.POLITIE,
                                           basisteam=basisteam))
    organisaties.append(OrganisatieFactory(naam="Arrondissementsparket Limburg", soort=Organisatie.Soort.OM))
    _share_key(pki, organisaties)

    leden = {rol: GebruikerFactory() for rol in (Rol.COORDINATOR, Rol.REVIEWER, Rol.SECRETARIS)}
    for rol, user in leden.items():
        lid(user, driehoek, rol)
    ondertekenaars = []
    for organisatie in organisaties:
        user = GebruikerFactory(organisatie=organisatie)
        lid(user, driehoek, Rol.ONDERTEKENAAR)
        ondertekenaars.append(user)

    coordinator = leden[Rol.COORDINATOR]
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator,
                                              titel="Convenant burenhulp buitengebied Limburg", start="leeg")
    # The defaults take every gemeente organisation of the driehoek; keep exactly this world's 33, in order.
    for partij in arrangement.partijen.exclude(organisatie__in=organisaties):
        arrangement.refresh_from_db()
        services.remove_partij(partij=partij, user=coordinator, expected_version=arrangement.lock_version)
    for organisatie in organisaties:
        if not arrangement.partijen.filter(organisatie=organisatie).exists():
            arrangement.refresh_from_db()
            functie = ("hoofdofficier van justitie" if organisatie.soort == Organisatie.Soort.OM
                       else "teamchef, namens de politiechef")
            services.add_partij(arrangement=arrangement, user=coordinator, expected_version=arrangement.lock_version,
                                organisatie=organisatie, ondertekenaar_functie=functie)
    for volgorde, organisatie in enumerate(organisaties):
        partij = Partij.objects.get(arrangement=arrangement, organisatie=organisatie)
        partij.volgorde = volgorde
        if organisatie.naam == "Gemeente Maastricht":  # one party names its ondertekenaar
            partij.ondertekenaar_naam = "A.J.M. Penn-te Strake"
        if organisatie.soort == Organisatie.Soort.OM:
            partij.ondertekenaar_functie = "hoofdofficier van justitie"
        partij.save()
    vandaag = timezone.localdate()
    arrangement.refresh_from_db()
    services.update_arrangement(arrangement=arrangement, user=coordinator, expected_version=arrangement.lock_version,
                                data={"doel": DOEL, "aanleiding": AANLEIDING, "geldig_van": vandaag,
                                      "geldig_tot": vandaag.replace(year=vandaag.year + 4),
                                      "evaluatiedatum": vandaag.replace(year=vandaag.year + 1),
                                      "opzegtermijn_maanden": 6})
    for volgorde, (niveau, onderwerp, titel, tekst) in enumerate(AFSPRAKEN):
        arrangement.refresh_from_db()
        services.add_afspraak(arrangement=arrangement, user=coordinator, expected_version=arrangement.lock_version,
                              onderwerp=OnderwerpFactory(niveau=niveau, naam=onderwerp, volgorde=volgorde),
                              titel=titel, tekst=tekst, verantwoordelijke="gezamenlijk")
    if vaststellen:
        workflow.perform(arrangement=arrangement, action="indienen", user=coordinator)
        approve_for_all(arrangement)  # review per party: every required party approves
        workflow.perform(arrangement=arrangement, action="vaststellen", user=leden[Rol.SECRETARIS],
                         vastgesteld_op=vandaag - datetime.timedelta(days=1),
                         besluit_referentie="Verslag regionale driehoek, agendapunt 7")
    arrangement.refresh_from_db()
    convenant = Convenant(driehoek, arrangement, leden[Rol.SECRETARIS], ondertekenaars)
    assert [p.organisatie for p in convenant.partijen] == organisaties, "setup: unexpected partijen"
    return convenant
