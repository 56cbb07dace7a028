"""Setup for evaluation tests: a signed arrangement in force with afspraken on three niveaus, and an overleg of
soort evaluatie. Signing is walked in its own tests; here the status is put in place (as tests/arrangementen
/helpers.zet_status does), so these tests depend only on what they test."""

import datetime

from actiepunten import services as actiepunt_services
from actiepunten.evaluaties import services
from actiepunten.evaluaties.models import Evaluatie
from actiepunten.evaluaties.services import OordeelRegel
from actiepunten.models import Overleg
from arrangementen.bibliotheek import load_grondslagen
from arrangementen.models import Arrangement, Gegevensstroom, Grondslag, Status
from arrangementen.services import create_arrangement
from samenwerking.historie import save_tracked
from samenwerking.models import Organisatie

from ..factories import AfspraakFactory, OnderwerpFactory, vandaag

AFSPRAKEN = [
    ("strategisch", "Gezamenlijke prioriteiten", "Prioriteiten vaststellen"),
    ("strategisch", "Gezamenlijke prioriteiten", "Informatie delen"),
    ("tactisch", "Inzet en sturing", "Maandelijks inzetoverleg"),
    ("operationeel", "Uitvoering", "Meldingen doorzetten"),
    ("operationeel", "Uitvoering", "Gezamenlijke surveillance"),
]


def ondertekend_arrangement(driehoek, user, *, titel="Handhavingsarrangement Evaluatie", **velden) -> Arrangement:
    arrangement = create_arrangement(driehoek=driehoek, user=user, titel=titel, start="leeg")
    for volgorde, (niveau, onderwerp, afspraak) in enumerate(AFSPRAKEN):
        AfspraakFactory(arrangement=arrangement, onderwerp=OnderwerpFactory(niveau=niveau, naam=onderwerp),
                        titel=afspraak, tekst=f"Tekst van {afspraak.lower()}.", volgorde=volgorde)
    today = vandaag()
    velden = {"status": Status.ONDERTEKEND, "geldig_van": today - datetime.timedelta(days=300),
              "geldig_tot": today + datetime.timedelta(days=800), "evaluatiedatum": today, **velden}
    Arrangement.objects.filter(pk=arrangement.pk).update(**velden)
    arrangement.refresh_from_db()
    return arrangement


def _grondslag(code: str) -> Grondslag:
    """Shipped data; a transactional (browser) test before this one flushed it, so load it again."""
    load_grondslagen()
    return Grondslag.objects.get(code=code)


def gegevensstromen_erbij(arrangement, user, *categorieen: str) -> list[Gegevensstroom]:
    """Flows from the politie to the first party of a signed arrangement, put in place (the register is edited
    in concept, tested in tests/arrangementen/test_gegevensstromen.py)."""
    partijen = [p.organisatie for p in arrangement.partijen.select_related("organisatie").order_by("volgorde")]
    politie = next(o for o in partijen if o.soort == Organisatie.Soort.POLITIE)
    stromen = []
    for tekst in categorieen:
        stroom = save_tracked(Gegevensstroom(arrangement=arrangement, verstrekker=politie, categorieen=tekst,
                                             doel="Gerichte inzet", grondslag=_grondslag("wpg-16")),
                              user)
        stroom.ontvangers.set([partijen[0]])
        stromen.append(stroom)
    return stromen


def evaluatie_overleg(driehoek, secretaris, *, datum=None) -> Overleg:
    return actiepunt_services.create_overleg(driehoek=driehoek, user=secretaris, data={
        "soort": Overleg.Soort.EVALUATIE, "titel": "Jaarlijkse evaluatie", "datum": datum or vandaag(),
        "secretaris": secretaris,
    })


def oordelen_voor(arrangement, **per_titel) -> list:
    """Werkt for every afspraak, unless `per_titel` says otherwise: {"Informatie delen": ("vervalt", "…")}."""
    regels = []
    for afspraak in arrangement.afspraken.order_by("volgorde"):
        oordeel, toelichting = per_titel.get(afspraak.titel, ("werkt", ""))
        regels.append(OordeelRegel(afspraak_id=afspraak.pk, oordeel=oordeel, toelichting=toelichting))
    return regels


# --- the query-budget world (tests/test_query_budgets.py): one driehoek, `user` is coordinator and secretaris ---

def budget_evaluatie(w) -> Evaluatie:
    """The world's first evaluation, made once: a signed arrangement evaluated in an evaluatie-overleg."""
    if "evaluatie" not in w.teller:
        arrangement = ondertekend_arrangement(w.driehoek, w.user, titel="Budget in werking")
        w.teller["evaluatie_arrangement"] = arrangement
        w.teller["evaluatie"] = evaluaties_erbij(w, 1)[0]
    return w.teller["evaluatie"]


def evaluaties_erbij(w, n: int) -> list:
    """n more evaluations of the world's signed arrangement, each in its own evaluatie-overleg."""
    arrangement = w.teller.get("evaluatie_arrangement") or budget_evaluatie(w).arrangement
    return [services.record_evaluatie(arrangement=arrangement, overleg=evaluatie_overleg(w.driehoek, w.user),
                                      user=w.user, conclusie="voortzetten", oordelen=oordelen_voor(arrangement))
            for _ in range(n)]


def meer_evaluaties(w, n: int):
    budget_evaluatie(w)
    evaluaties_erbij(w, n)


def meer_uit_evaluatie(w, n: int):
    """The evaluation page grows: actiepunten that come out of it."""
    evaluatie = budget_evaluatie(w)
    for i in range(n):
        services.add_actiepunt(evaluatie=evaluatie, user=w.user, data={
            "onderwerp": f"Uit de evaluatie {w.volgnummer()}-{i}", "eigenaar": w.user, "datum_gereed": vandaag()})
