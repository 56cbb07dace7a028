"""The verslag of an overleg as PDF: what it says, in which order, and who may download it."""

import datetime
import subprocess

from django.urls import reverse

from actiepunten import services
from actiepunten.models import Overleg

from ..factories import vandaag


def _text(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode()


def _verslag(driehoek, secretaris, coordinator, lezer) -> Overleg:
    return services.create_overleg(
        driehoek=driehoek, user=secretaris,
        data={"soort": "werkgroep", "titel": "Werkgroep Samenwerking", "datum": datetime.date(2019, 2, 7),
              "begintijd": datetime.time(10), "eindtijd": datetime.time(12), "locatie": "Het CCV",
              "voorzitter_extern": "Lieke Sievers", "secretaris": secretaris,
              "verslag": "<h3>Opening</h3><p>Voorzitter Lieke Sievers opent het overleg.</p>"
                         "<script>alert('weg')</script>"},
        deelnemers=[services.Deelnemer(gebruiker=coordinator),
                    services.Deelnemer(naam="Jos Speetjens", organisatie="Nationale Politie"),
                    services.Deelnemer(naam="Martine Meijers", organisatie="VNG", aanwezig=False),
                    services.Deelnemer(gebruiker=lezer, aanwezig=False)],
        agenda=["Opening", "Onderwerpen van deze werkgroep", "Sluiting"],
        besluiten=["Alle basisteams worden bezocht."],
    )


def test_the_verslag_pdf_has_everything_and_the_actiepunten_in_number_order(client, driehoek, secretaris,
                                                                            coordinator, lezer, maak_punt):
    overleg = _verslag(driehoek, secretaris, coordinator, lezer)
    # Created in another order than their numbers and due dates: the PDF follows the numbers.
    for nummer, onderwerp, days in [(3, "In gesprek met 167 basisteams", 200), (1, "Versturen visie", 15),
                                    (4, "Informatiedeling onderzoeken", 100), (2, "Visie op 1 A4", 30)]:
        services.create_actiepunt(driehoek=driehoek, user=secretaris, overleg=overleg, nummer=nummer,
                                  data={"onderwerp": onderwerp, "eigenaar": coordinator if nummer == 4 else None,
                                        "extern_naam": "" if nummer == 4 else "Secretaris",
                                        "datum_gereed": vandaag() + datetime.timedelta(days=days)})
    client.force_login(lezer)
    response = client.get(reverse("actiepunten:verslag_pdf", args=[overleg.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="verslag-20190207-{overleg.pk}.pdf"'
    data = response.content
    assert data.startswith(b"%PDF-")
    text = _text(data)
    flat = " ".join(text.split())
    for expected in ("Verslag en actiepunten: Werkgroep Samenwerking", "7 februari 2019", "10.00–12.00 uur",
                     "Het CCV", "Lieke Sievers", str(secretaris), str(coordinator),
                     "Jos Speetjens (Nationale Politie)", "Martine Meijers (VNG)", str(lezer),
                     "Onderwerpen van deze werkgroep", "Voorzitter Lieke Sievers opent het overleg.",
                     "Alle basisteams worden bezocht.", "ACTIEPUNTEN", "Nr. Onderwerp Wie Datum gereed Status"):
        assert expected in flat, expected
    assert "alert" not in flat
    positions = [flat.index(f"{n}. {onderwerp}") for n, onderwerp in [
        (1, "Versturen visie"), (2, "Visie op 1 A4"), (3, "In gesprek met 167 basisteams"),
        (4, "Informatiedeling onderzoeken")]]
    assert positions == sorted(positions)
    assert flat.index("Afwezig") < flat.index("Martine Meijers") < flat.index("ACTIEPUNTEN")


def test_the_verslag_pdf_of_another_driehoek_is_404(client, vreemde, overleg):
    client.force_login(vreemde)
    assert client.get(reverse("actiepunten:verslag_pdf", args=[overleg.pk])).status_code == 404


def test_the_overleg_page_links_to_the_pdf(client, overleg, lezer):
    client.force_login(lezer)
    page = client.get(reverse("actiepunten:overleg", args=[overleg.pk])).content.decode()
    assert reverse("actiepunten:verslag_pdf", args=[overleg.pk]) in page
    assert "nog niet beschikbaar" not in page
