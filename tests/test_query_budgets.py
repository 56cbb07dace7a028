"""Query budgets: every list and detail view, HTML and API, in a fixed and small number of queries.

A list page takes at most twelve queries (issue 7) and as many with forty rows as with three: each list test
measures the page with a small data set, grows the data set, and measures again. A detail page has its own
budget, checked with related rows grown as well where the page shows them (afspraken, deelnemers, history).

Counts are taken after one warm-up request, so per-process caches (content types, permission ids) do not count.
"""

import datetime
import os
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actiepunten import services as actiepunt_services
from actiepunten.models import Overleg
from arrangementen import beeldcache
from arrangementen import services as arrangement_services
from arrangementen.bibliotheek import load_library
from arrangementen.models import Arrangement, BoaInzet, Gegevensstroom, Grondslag, Partij, Status
from samenwerking import audit, overzichtsrollen
from samenwerking.models import Driehoek, Gebruiker, Organisatie, Overzichtsniveau, Rol
from samenwerking.permissions_setup import ensure_beheer_group

from .actiepunten.evaluatiewereld import budget_evaluatie, meer_evaluaties, meer_uit_evaluatie
from .factories import (
    DriehoekFactory,
    GebruikerFactory,
    GemeenteFactory,
    OnderwerpFactory,
    OrganisatieFactory,
    lid,
    vandaag,
)

LIST_BUDGET = 12
# Every list page, the dashboard too (issue 19: its three blocks of arrangements in force read in one query).
# The dashboard lower: its four blocks of signed arrangements are one read (a user with geweldsmiddelen: 12).
OWN_BUDGET: dict[str, int] = {"dashboard": 11}
SMALL, LARGE = 3, 40


@dataclass
class Wereld:
    """One driehoek in which `user` is coordinator, secretaris and reviewer; `beheerder` keeps the security pages."""

    driehoek: Driehoek
    user: Gebruiker
    collega: Gebruiker
    beheerder: Gebruiker
    overleg: Overleg
    arrangement: Arrangement
    teller: dict = field(default_factory=lambda: {"n": 0})

    def volgnummer(self) -> int:
        self.teller["n"] += 1
        return self.teller["n"]


@pytest.fixture
def wereld(db):
    load_library()
    driehoek = DriehoekFactory(naam="Driehoek Budget")
    OrganisatieFactory(naam="Gemeente Budget", soort=Organisatie.Soort.GEMEENTE, gemeente=driehoek.gemeenten.first())
    user = GebruikerFactory(username="budget", first_name="Bea", last_name="Budget")
    for rol in (Rol.COORDINATOR, Rol.SECRETARIS, Rol.REVIEWER):
        lid(user, driehoek, rol)
    collega = GebruikerFactory(username="collega", first_name="Cor", last_name="Collega")
    lid(collega, driehoek, Rol.COORDINATOR)
    beheerder = GebruikerFactory(username="budget-beheerder", is_staff=True)
    beheerder.groups.add(ensure_beheer_group())
    overleg = actiepunt_services.create_overleg(driehoek=driehoek, user=user, data={
        "soort": Overleg.Soort.TACTISCH, "titel": "Tactisch overleg", "datum": vandaag(), "secretaris": user,
    })
    arrangement = arrangement_services.create_arrangement(driehoek=driehoek, user=user, titel="Het arrangement")
    return Wereld(driehoek=driehoek, user=user, collega=collega, beheerder=beheerder, overleg=overleg,
                  arrangement=arrangement)


# --- growing the data set ----------------------------------------------------------------------------

def meer_arrangementen(w: Wereld, n: int, *, status=None, door=None):
    for _ in range(n):
        arrangement = arrangement_services.create_arrangement(
            driehoek=w.driehoek, user=door or w.user, titel=f"Arrangement {w.volgnummer()}", start="leeg")
        Arrangement.objects.filter(pk=arrangement.pk).update(
            status=status or Status.CONCEPT, geldig_tot=vandaag() + datetime.timedelta(days=30),
            evaluatiedatum=vandaag() + datetime.timedelta(days=20))


def meer_ondertekend(w: Wereld, n: int):
    meer_arrangementen(w, n, status=Status.ONDERTEKEND)
    Arrangement.objects.filter(driehoek=w.driehoek, status=Status.ONDERTEKEND).update(
        geldig_van=vandaag() - datetime.timedelta(days=100))


# The lifecycle filter on a peildatum at which meer_ondertekend's arrangements verlopen binnenkort.
LEVENSFASE_FILTER = {"levensfase": "verloopt_binnenkort",
                     "peildatum": (vandaag() + datetime.timedelta(days=10)).isoformat()}


def meer_te_beoordelen(w: Wereld, n: int):
    meer_arrangementen(w, n, status=Status.TER_REVIEW, door=w.collega)


def meer_driehoeken(w: Wereld, n: int):
    for _ in range(n):
        driehoek = DriehoekFactory()
        lid(w.user, driehoek, Rol.COORDINATOR)
        lid(w.user, driehoek, Rol.REVIEWER)
        arrangement_services.create_arrangement(driehoek=driehoek, user=w.user,
                                                titel=f"Arrangement {w.volgnummer()}", start="leeg")


def meer_leden(w: Wereld, n: int):
    for _ in range(n):
        lid(GebruikerFactory(), w.driehoek, Rol.LEZER)


def meer_actiepunten(w: Wereld, n: int):
    for _ in range(n):
        actiepunt_services.create_actiepunt(driehoek=w.driehoek, user=w.user, overleg=w.overleg, data={
            "onderwerp": f"Actie {w.volgnummer()}", "eigenaar": w.user, "arrangement": w.arrangement,
            "datum_gereed": vandaag() + datetime.timedelta(days=w.teller["n"] % 20)})
        actiepunt_services.create_actiepunt(driehoek=w.driehoek, user=w.user, overleg=w.overleg, data={
            "onderwerp": f"Extern {w.volgnummer()}", "extern_naam": "Externe Eigenaar",
            "extern_email": "extern@example.invalid", "datum_gereed": vandaag()})


def meer_overleggen(w: Wereld, n: int):
    for _ in range(n):
        actiepunt_services.create_overleg(
            driehoek=w.driehoek, user=w.user,
            data={"soort": Overleg.Soort.WERKGROEP, "datum": vandaag(), "voorzitter": w.collega, "secretaris": w.user},
            deelnemers=[actiepunt_services.Deelnemer(gebruiker=w.collega),
                        actiepunt_services.Deelnemer(naam=f"Gast {w.volgnummer()}", organisatie="Extern")])


def meer_in_overleg(w: Wereld, n: int):
    """The overleg's verslag grows: deelnemers, agenda, besluiten and actiepunten."""
    meer_actiepunten(w, n)
    actiepunt_services.update_overleg(
        overleg=w.overleg, user=w.user, data={"soort": Overleg.Soort.TACTISCH, "datum": vandaag()},
        deelnemers=[actiepunt_services.Deelnemer(naam=f"Gast {i}", organisatie="Extern") for i in range(n)],
        agenda=[f"Agendapunt {i}" for i in range(n)], besluiten=[f"Besluit {i}" for i in range(n)])


def meer_wijzigingen(w: Wereld, n: int):
    """Edits of the arrangement: each adds history rows to its geschiedenis."""
    onderwerp = OnderwerpFactory()
    for i in range(n):
        w.arrangement.refresh_from_db()
        arrangement_services.add_afspraak(arrangement=w.arrangement, user=w.user,
                                          expected_version=w.arrangement.lock_version, onderwerp=onderwerp,
                                          titel=f"Afspraak {i}", tekst=f"Tekst {i}", verantwoordelijke="gezamenlijk")
        arrangement_services.add_opmerking(arrangement=w.arrangement, user=w.collega, tekst=f"Opmerking {i}")


def meer_versies(w: Wereld, n: int):
    """Herzieningen: each version of the chain is listed on the history and comparison pages."""
    laatste = Arrangement.objects.filter(driehoek=w.driehoek, titel=w.arrangement.titel).order_by("-versie").first()
    for _ in range(n):
        Arrangement.objects.filter(pk=laatste.pk).update(status=Status.VASTGESTELD)
        laatste.refresh_from_db()
        laatste = arrangement_services.start_herziening(arrangement=laatste, user=w.user)


def meer_audit(w: Wereld, n: int):
    for _ in range(n):
        audit.record(audit.Gebeurtenis.EXPORT, gebruikersnaam=f"gebruiker{w.volgnummer()}")


def meer_toegang(w: Wereld, n: int):
    for _ in range(n):
        lid(GebruikerFactory(), DriehoekFactory(), Rol.SECRETARIS)


def meer_stromen(w: Wereld, n: int):
    """Signed arrangements in force, each with a data flow to two ontvangers: rows of the Gegevensdeling register."""
    politie = Organisatie.objects.get_or_create(naam="Politie Budget", defaults={"soort": Organisatie.Soort.POLITIE})[0]
    ontvangers = [Organisatie.objects.get(naam="Gemeente Budget"),
                  Organisatie.objects.get_or_create(naam="OM Budget", defaults={"soort": Organisatie.Soort.OM})[0]]
    for _ in range(n):
        arrangement = arrangement_services.create_arrangement(
            driehoek=w.driehoek, user=w.user, titel=f"Arrangement {w.volgnummer()}", start="leeg")
        Arrangement.objects.filter(pk=arrangement.pk).update(  # setup only: the workflow has its own tests
            status=Status.ONDERTEKEND, geldig_van=vandaag() - datetime.timedelta(days=100),
            geldig_tot=vandaag() + datetime.timedelta(days=300))
        stroom = Gegevensstroom.objects.create(arrangement=arrangement, verstrekker=politie, categorieen="Meldingen",
                                               doel="Inzet", grondslag=Grondslag.objects.get(code="wpg-16"))
        stroom.ontvangers.set(ontvangers)


def meer_gemeenten_in_beeld(w: Wereld, n: int):
    """Gemeenten, each the signing party of an arrangement in force with BOA-inzet, in the user's landelijk
    overview (granted on the first call): rows of the aggregate API (issue 16)."""
    if not w.user.overzichtslidmaatschappen.exists():
        overzichtsrollen.grant_overview(gebruiker=w.user, niveau=Overzichtsniveau.LANDELIJK)
    for _ in range(n):
        gemeente = OrganisatieFactory(soort=Organisatie.Soort.GEMEENTE, gemeente=GemeenteFactory())
        arrangement = arrangement_services.create_arrangement(
            driehoek=w.driehoek, user=w.user, titel=f"Arrangement {w.volgnummer()}", start="leeg")
        Arrangement.objects.filter(pk=arrangement.pk).update(  # setup only: the workflow has its own tests
            status=Status.ONDERTEKEND, geldig_van=vandaag() - datetime.timedelta(days=100),
            geldig_tot=vandaag() + datetime.timedelta(days=300))
        Partij.objects.create(arrangement=arrangement, organisatie=gemeente, ondertekenaar_functie="burgemeester")
        BoaInzet.objects.update_or_create(arrangement=arrangement, domein="I", defaults={"aantal_boas": 3, "fte": 2})


def _agenda_url(w: Wereld) -> str:
    token = actiepunt_services.create_agendakoppeling(user=w.user)
    return reverse("actiepunten:agenda", args=[token])


# --- measuring ------------------------------------------------------------------------------------------

def count(client, url, query=None) -> int:
    beeldcache.bump()  # the national picture computed, not cached, every time: the worst case (test_beeldcache.py)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    assert response.status_code == 200, (url, response.status_code)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    if os.environ.get("TOON_QUERIES"):  # TOON_QUERIES=1 pytest -s …: what a page asks the database
        print(url, *(q["sql"][:240] for q in ctx.captured_queries), sep="\n  ")
    return len(ctx.captured_queries)


def measure(client, url, grow, w, query=None) -> tuple[int, int]:
    grow(w, SMALL)
    count(client, url, query)  # warm-up
    small = count(client, url, query)
    grow(w, LARGE - SMALL)
    return small, count(client, url, query)


# (url from the world, how the list grows, who looks, query string)
LIST_VIEWS = {
    "dashboard": (lambda w: reverse("samenwerking:dashboard"), meer_driehoeken, "user", None),
    "driehoek_geschiedenis": (lambda w: reverse("samenwerking:driehoek_geschiedenis", args=[w.driehoek.pk]),
                              meer_leden, "user", None),
    "arrangementen_lijst": (lambda w: reverse("arrangementen:lijst"), meer_arrangementen, "user", None),
    "arrangementen_lijst_gefilterd": (lambda w: reverse("arrangementen:lijst"), meer_arrangementen, "user",
                                      {"zoek": "arrangement", "status": "concept", "verloopt_binnen": "60",
                                       "evaluatie_gepland": "on"}),
    "arrangementen_lijst_levensfase": (lambda w: reverse("arrangementen:lijst"), meer_ondertekend, "user",
                                       LEVENSFASE_FILTER),
    "arrangementen_lijst_pagina_2": (lambda w: reverse("arrangementen:lijst"), meer_arrangementen, "user",
                                     {"pagina": "2"}),
    "arrangementen_lijst_geweldsmiddelen": (lambda w: reverse("arrangementen:lijst"), meer_arrangementen, "user",
                                            {"geweldsmiddelen": "on"}),
    "te_beoordelen": (lambda w: reverse("arrangementen:te_beoordelen"), meer_te_beoordelen, "user", None),
    "register_gegevensdeling": (lambda w: reverse("gegevensdeling:register"), meer_stromen, "user", None),
    "register_gegevensdeling_driehoek": (lambda w: reverse("gegevensdeling:driehoek", args=[w.driehoek.pk]),
                                         meer_stromen, "user", None),
    "register_gegevensdeling_gefilterd": (lambda w: reverse("gegevensdeling:register"), meer_stromen, "user",
                                          {"categorie": "meld", "peildatum": vandaag().isoformat()}),
    "arrangement_geschiedenis": (lambda w: reverse("arrangementen:geschiedenis", args=[w.arrangement.pk]),
                                 meer_wijzigingen, "user", None),
    "arrangement_versies": (lambda w: reverse("arrangementen:geschiedenis", args=[w.arrangement.pk]),
                            meer_versies, "user", None),
    "mijn_actiepunten": (lambda w: reverse("actiepunten:mijn"), meer_actiepunten, "user", None),
    "mijn_actiepunten_gefilterd": (lambda w: reverse("actiepunten:mijn"), meer_actiepunten, "user",
                                   {"status": "lopend", "van": "2000-01-01"}),
    "actielijst": (lambda w: reverse("actiepunten:actielijst", args=[w.driehoek.pk]), meer_actiepunten, "user",
                   None),
    "actielijst_gefilterd": (lambda w: reverse("actiepunten:actielijst", args=[w.driehoek.pk]), meer_actiepunten,
                             "user", {"status": "lopend", "wie": "e"}),
    "overleggen": (lambda w: reverse("actiepunten:overleggen", args=[w.driehoek.pk]), meer_overleggen, "user",
                   None),
    "agenda_feed": (_agenda_url, meer_actiepunten, None, None),
    "auditlog": (lambda w: reverse("beveiliging:auditlog"), meer_audit, "beheerder", None),
    "toegangsoverzicht": (lambda w: reverse("beveiliging:toegangsoverzicht"), meer_toegang, "beheerder", None),
    "api_driehoeken": (lambda w: reverse("api:driehoek-list"), meer_driehoeken, "user", None),
    "api_arrangementen": (lambda w: reverse("api:arrangement-list"), meer_arrangementen, "user", None),
    "api_arrangementen_gefilterd": (lambda w: reverse("api:arrangement-list"), meer_arrangementen, "user",
                                    {"zoek": "arrangement", "status": "concept", "domein": "I"}),
    "api_arrangementen_levensfase": (lambda w: reverse("api:arrangement-list"), meer_ondertekend, "user",
                                     LEVENSFASE_FILTER),
    "api_overleggen": (lambda w: reverse("api:overleg-list"), meer_overleggen, "user", None),
    "evaluaties": (lambda w: reverse("actiepunten:evaluaties", args=[w.driehoek.pk]), meer_evaluaties, "user",
                   None),
    "api_evaluaties": (lambda w: reverse("api:evaluatie-list"), meer_evaluaties, "user", None),
    "api_actiepunten": (lambda w: reverse("api:actiepunt-list"), meer_actiepunten, "user", None),
    "api_actiepunten_mijn": (lambda w: reverse("api:actiepunt-list"), meer_actiepunten, "user",
                             {"mijn": "true", "status": "lopend"}),
    "api_beeld": (lambda w: reverse("api:beeld-list"), meer_gemeenten_in_beeld, "user", None),
    "api_beeld_geojson": (lambda w: reverse("api:beeld-geojson"), meer_gemeenten_in_beeld, "user",
                          {"peildatum": vandaag().isoformat()}),
}


@pytest.mark.parametrize("view", LIST_VIEWS)
def test_list_view_stays_within_budget_whatever_the_number_of_rows(client, wereld, view):
    url, grow, who, query = LIST_VIEWS[view]
    if who:
        client.force_login(getattr(wereld, who))
    small, large = measure(client, url(wereld), grow, wereld, query)
    assert small <= OWN_BUDGET.get(view, LIST_BUDGET), f"{view}: {small} queries"
    assert large == small, f"{view}: {small} queries for {SMALL} rows, {large} for {LARGE}"


# (url from the world, what grows on the page, who looks, budget)
DETAIL_VIEWS = {
    "driehoek": (lambda w: reverse("samenwerking:driehoek", args=[w.driehoek.pk]), meer_leden, 6),
    # Without a PDF yet. 14: the register of data flows (issue 15) is one query, plus its ontvangers when it has
    # rows (tests/arrangementen/test_gegevensstromen.py checks that more flows add none); 15: the geweldsmiddelen
    # per BOA-organisatie (issue 20), one query.
    "arrangement": (lambda w: reverse("arrangementen:detail", args=[w.arrangement.pk]), meer_wijzigingen, 15),
    # 12: the data flows of the whole chain in one query (plus their ontvangers when there are any); 13: the
    # geweldsmiddelen of both versions, one query (issue 20).
    "arrangement_vergelijk": (lambda w: reverse("arrangementen:vergelijk", args=[w.arrangement.pk]),
                              meer_wijzigingen, 13),
    "arrangement_vergelijk_versies": (lambda w: reverse("arrangementen:vergelijk", args=[w.arrangement.pk]),
                                      meer_versies, 13),
    # 11 (issue 18): the actiepunten carried into the agenda, the verslag's verzendingen and the co-owners.
    "overleg": (lambda w: reverse("actiepunten:overleg", args=[w.overleg.pk]), meer_in_overleg, 11),
    # Issue 18: the verslag per agendapunt (agenda and besluiten grow) and the next overleg's form (the previous
    # overleg's detail and its open actiepunten).
    "verslag_schrijven": (lambda w: reverse("actiepunten:verslag_schrijven", args=[w.overleg.pk]), meer_in_overleg,
                          6),
    "volgend_overleg": (lambda w: reverse("actiepunten:volgend_overleg", args=[w.overleg.pk]), meer_in_overleg, 11),
    # 7 (issue 18): the co-owners and the progress notes.
    "actiepunt": (lambda w: reverse("actiepunten:actiepunt", args=[w.overleg.actiepunten.first().pk]), None, 7),
    "api_driehoek": (lambda w: reverse("api:driehoek-detail", args=[w.driehoek.pk]), meer_leden, 5),
    # 11 (issue 20): the geweldsmiddelen per BOA-organisatie, one query (tests/api/test_geweld_api.py).
    "api_arrangement": (lambda w: reverse("api:arrangement-detail", args=[w.arrangement.pk]), meer_wijzigingen,
                        11),
    # 9 (issue 18): the overleg's detail read carries the actiepunten carried over and the co-owners.
    "api_overleg": (lambda w: reverse("api:overleg-detail", args=[w.overleg.pk]), meer_in_overleg, 9),
    # +2 / +1 (issue 18): the actiepunten's co-owners (one prefetch) in the evaluation's detail read.
    "evaluatie": (lambda w: reverse("actiepunten:evaluatie", args=[budget_evaluatie(w).pk]), meer_uit_evaluatie,
                  11),
    "api_evaluatie": (lambda w: reverse("api:evaluatie-detail", args=[budget_evaluatie(w).pk]), meer_uit_evaluatie,
                      7),
    # A signed arrangement also shows its evaluations and its geweldsmiddelen advice (registered sections): the
    # concept page's budget (15, with the geweldsmiddelen per organisation) plus the one query of the advice list
    # (issue 20).
    "arrangement_ondertekend": (lambda w: reverse("arrangementen:detail", args=[budget_evaluatie(w).arrangement_id]),
                                meer_evaluaties, 16),
    "api_actiepunt": (lambda w: reverse("api:actiepunt-detail", args=[w.overleg.actiepunten.first().pk]), None, 4),
}


@pytest.mark.parametrize("view", DETAIL_VIEWS)
def test_detail_view_stays_within_budget(client, wereld, view):
    url, grow, budget = DETAIL_VIEWS[view]
    client.force_login(wereld.user)
    meer_actiepunten(wereld, 1)
    small, large = measure(client, url(wereld), grow or (lambda w, n: None), wereld)
    assert small <= budget, f"{view}: {small} queries"
    assert large == small, f"{view}: {small} queries before, {large} with more related rows"

