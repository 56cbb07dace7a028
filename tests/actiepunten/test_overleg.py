"""Overleggen: verslag (sanitised rich text), deelnemers, afwezigen, agenda, besluiten."""

from django.urls import reverse

from actiepunten import services
from actiepunten.models import Deelname, Overleg

from ..factories import GebruikerFactory


def test_the_secretaris_records_an_overleg_with_everything(client, driehoek, secretaris, coordinator, lezer):
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:overleg_nieuw", args=[driehoek.pk]), {
        "soort": "werkgroep", "titel": "Werkgroep Samenwerking", "datum": "2019-02-07", "begintijd": "10:00",
        "eindtijd": "12:00", "locatie": "Het CCV", "voorzitter_extern": "Lieke Sievers", "secretaris": secretaris.pk,
        "deelnemers": [coordinator.pk], "externe_deelnemers": "Jos Speetjens (Nationale Politie)\nMarcel Bijen (OM)",
        "afwezigen": [lezer.pk], "externe_afwezigen": "Martine Meijers (VNG)",
        "agenda": "Opening\nOnderwerpen\nSluiting", "besluiten": "Basisteams bezoeken",
        "verslag": '<p onclick="x()">Lieke <strong>opent</strong></p><script>alert(1)</script>'
                   '<a href="javascript:alert(1)">link</a>',
    })
    assert response.status_code == 302, response.context["form"].errors
    overleg = Overleg.objects.get()
    assert overleg.verslag == "<p>Lieke <strong>opent</strong></p><a rel=\"noopener noreferrer\">link</a>"
    assert overleg.voorzitter_naam == "Lieke Sievers"
    deelnames = {(str(d), d.aanwezig) for d in Deelname.objects.all()}
    assert deelnames == {(str(coordinator), True), ("Jos Speetjens (Nationale Politie)", True),
                         ("Marcel Bijen (OM)", True), (str(lezer), False), ("Martine Meijers (VNG)", False)}
    assert [a.onderwerp for a in overleg.agendapunten.all()] == ["Opening", "Onderwerpen", "Sluiting"]
    assert [b.tekst for b in overleg.besluiten.all()] == ["Basisteams bezoeken"]
    page = client.get(reverse("actiepunten:overleg", args=[overleg.pk])).content.decode()
    assert "<script>" not in page and "Martine Meijers (VNG)" in page


def test_editing_keeps_what_was_there(client, overleg, secretaris):
    client.force_login(secretaris)
    form = client.get(reverse("actiepunten:overleg_bewerken", args=[overleg.pk])).context["form"]
    assert form.initial["titel"] == "Werkgroep Samenwerking"


def test_an_eindtijd_before_the_begintijd_is_refused_next_to_the_field(client, driehoek, secretaris):
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:overleg_nieuw", args=[driehoek.pk]), {
        "soort": "tactisch", "datum": "2030-01-01", "begintijd": "12:00", "eindtijd": "10:00", "titel": "Houden"})
    assert response.status_code == 200
    assert "De eindtijd ligt vóór de begintijd." in response.context["form"].errors["eindtijd"]
    assert 'value="Houden"' in response.content.decode()


def test_only_the_secretaris_manages_overleggen(client, driehoek, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("actiepunten:overleg_nieuw", args=[driehoek.pk])).status_code == 403


def test_a_deelnemer_from_outside_the_driehoek_is_refused(driehoek, secretaris):
    outsider = GebruikerFactory()
    try:
        services.create_overleg(driehoek=driehoek, user=secretaris, data={"soort": "tactisch", "datum": "2030-01-01"},
                                deelnemers=[services.Deelnemer(gebruiker=outsider)])
    except services.ValidationError as error:
        assert "deelnemers" in error.message_dict
    else:
        raise AssertionError("an outsider was accepted as deelnemer")
    assert not Overleg.objects.exists()
