"""The admin shows overleggen, actiepunten and failed reminders to superusers, read-only."""

from django.urls import reverse

from actiepunten.models import Herinnering

from ..factories import GebruikerFactory


def _superuser():
    return GebruikerFactory(username="super", is_staff=True, is_superuser=True)


def test_a_superuser_sees_failed_reminders_with_error_and_attempts(client, maak_punt):
    punt = maak_punt()
    Herinnering.objects.create(onderwerp_type=Herinnering.OnderwerpType.ACTIEPUNT, onderwerp_id=punt.pk,
                               soort=Herinnering.Soort.VERLOPEN, periode="2030-01-01", driehoek=punt.driehoek,
                               status=Herinnering.Verzending.MISLUKT, pogingen=3,
                               laatste_fout="SMTPServerDisconnected: verbinding verbroken")
    client.force_login(_superuser())
    response = client.get(reverse("admin:actiepunten_herinnering_changelist"), {"status__exact": "mislukt"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "SMTPServerDisconnected: verbinding verbroken" in page
    assert '<td class="field-pogingen">3</td>' in page


def test_overleggen_and_actiepunten_are_read_only_in_the_admin(client, overleg, maak_punt):
    punt = maak_punt(onderwerp="Alleen lezen")
    client.force_login(_superuser())
    assert client.get(reverse("admin:actiepunten_overleg_change", args=[overleg.pk])).status_code == 200
    response = client.get(reverse("admin:actiepunten_actiepunt_change", args=[punt.pk]))
    assert response.status_code == 200
    assert "Alleen lezen" in response.content.decode()
    assert client.get(reverse("admin:actiepunten_actiepunt_add")).status_code == 403
    response = client.post(reverse("admin:actiepunten_actiepunt_change", args=[punt.pk]), {"onderwerp": "Anders"})
    assert response.status_code == 403
    punt.refresh_from_db()
    assert punt.onderwerp == "Alleen lezen"
    assert client.get(reverse("admin:actiepunten_actiepunt_history", args=[punt.pk])).status_code == 200
