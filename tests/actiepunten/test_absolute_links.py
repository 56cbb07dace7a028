"""Every absolute link the product hands out starts with SITE_URL, whatever host the request came in on."""

from django.urls import reverse
from icalendar import Calendar

SITE = "http://127.0.0.1:8123"


def test_the_agenda_address_on_the_settings_page_uses_site_url(client, settings, lezer):
    settings.SITE_URL = SITE + "/"
    client.force_login(lezer)
    response = client.post(reverse("actiepunten:instellingen"), {"handeling": "agenda_nieuw"},
                           HTTP_HOST="localhost")
    assert response.context["nieuwe_url"].startswith(f"{SITE}/actiepunten/agenda/")
    assert response.context["nieuwe_url"] in response.content.decode()


def test_the_ical_feed_links_to_site_url(client, settings, lezer, maak_punt):
    settings.SITE_URL = SITE
    punt = maak_punt(eigenaar=lezer, onderwerp="Rooster delen")
    client.force_login(lezer)
    url = client.post(reverse("actiepunten:instellingen"), {"handeling": "agenda_nieuw"}).context["nieuwe_url"]
    client.logout()
    feed = Calendar.from_ical(client.get(url.removeprefix(SITE)).content)
    (event,) = [e for e in feed.walk("VEVENT") if "Rooster delen" in str(e["summary"])]
    assert str(event["url"]) == f"{SITE}/actiepunten/punt/{punt.pk}/"
    assert "8000" not in feed.to_ical().decode()
