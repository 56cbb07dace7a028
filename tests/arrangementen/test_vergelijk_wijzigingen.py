"""Comparing versions (issue 17 item 6): changes in the basic data (dates, geweldsmiddelen, fte) are counted like
changed afspraken, and "alleen wijzigingen" leaves out what stayed the same."""

import datetime
from decimal import Decimal

from django.urls import reverse

from arrangementen import geweldsmiddelen, services
from arrangementen.models import Arrangement
from arrangementen.services import InzetRegel
from arrangementen.vergelijking import compare_versions
from samenwerking.models import Organisatie, Rol

from .helpers import html


def herziening_met_andere_basisgegevens(vastgesteld, user) -> Arrangement:
    """A herziening with a later end date, one geweldsmiddel more (per organisation, issue 20) and less fte in
    domein I; one clause reworded."""
    copy = services.start_herziening(arrangement=vastgesteld, user=user)
    services.update_arrangement(arrangement=copy, user=user, expected_version=1,
                                data={"geldig_tot": datetime.date(2027, 12, 31)},
                                inzet=[InzetRegel("I", 8, Decimal("5.0"))])
    gemeente = copy.partijen.filter(organisatie__soort=Organisatie.Soort.GEMEENTE).first().organisatie
    geweldsmiddelen.add_toekenning(arrangement=copy, user=user, expected_version=2, gegevens=geweldsmiddelen.
                                   Toekenninggegevens(organisatie=gemeente, domein="I", geweldsmiddel="handboeien"))
    portofoon = copy.afspraken.get(titel="Bereikbaarheid via portofoon")
    services.update_afspraak(afspraak=portofoon, user=user, expected_version=3, onderwerp=portofoon.onderwerp,
                             titel=portofoon.titel, verantwoordelijke=portofoon.verantwoordelijke,
                             tekst=portofoon.tekst + " Ook per telefoon.")
    return Arrangement.objects.get(pk=copy.pk)


def test_changes_in_dates_geweldsmiddelen_and_fte_are_counted(db, wereld, vastgesteld):
    v2 = herziening_met_andere_basisgegevens(vastgesteld, wereld.coordinator)
    comparison = compare_versions(vastgesteld, v2)
    assert comparison["aantal_basisgegevens"] == 3
    assert comparison["aantal_gewijzigd"] == 1
    assert (comparison["aantal_partijen"], comparison["aantal_gegevensstromen"]) == (0, 0)


def test_alleen_wijzigingen_keeps_only_changed_rows_and_the_same_counts(db, wereld, vastgesteld):
    v2 = herziening_met_andere_basisgegevens(vastgesteld, wereld.coordinator)
    alles = compare_versions(vastgesteld, v2)
    alleen = compare_versions(vastgesteld, v2, alleen_wijzigingen=True)
    assert [r.label for r in alleen["afspraken"]] == ["Bereikbaarheid via portofoon"]
    assert [r.label for r in alleen["velden"]] == ["Geldig tot en met"]
    assert [(r.links, r.rechts) for r in alleen["geweldsmiddelen"]] == [("—", "vastgelegd")]
    assert [r.label for r in alleen["inzet"]] == ["I – Openbare ruimte"]
    assert alleen["partijen"] == []
    assert len(alles["afspraken"]) > 1 and len(alles["velden"]) > 2
    for name in ("aantal_gewijzigd", "aantal_basisgegevens", "aantal_partijen", "aantal_gegevensstromen"):
        assert alleen[name] == alles[name], name


def test_the_page_offers_alleen_wijzigingen_and_says_the_counts(db, wereld, als, vastgesteld):
    v2 = herziening_met_andere_basisgegevens(vastgesteld, wereld.coordinator)
    client = als(Rol.LEZER)
    pagina = reverse("arrangementen:vergelijk", args=[v2.pk])
    volledig = html(client.get(pagina))
    assert "Jaarlijkse evaluatie" in volledig
    assert "3 wijzigingen in de basisgegevens" in volledig
    alleen = html(client.get(pagina, {"a": vastgesteld.pk, "b": v2.pk, "alleen": "1"}))
    assert 'name="alleen" value="1" id="alleen-wijzigingen" checked' in alleen
    assert "Bereikbaarheid via portofoon" in alleen and "Jaarlijkse evaluatie" not in alleen
    assert "1 afspraak is toegevoegd, verwijderd of gewijzigd." in alleen
    assert "3 wijzigingen in de basisgegevens" in alleen
    assert alleen.count("Geen wijzigingen.") == 2  # partijen and gegevensdeling
