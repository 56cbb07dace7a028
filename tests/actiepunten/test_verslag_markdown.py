"""The overleg's own verslag is Markdown like the verslag per agendapunt (same renderer, nh3 after it); a verslag
stored as HTML before keeps showing, sanitised."""

from django.urls import reverse
from rest_framework.test import APIClient

from actiepunten.models import Overleg


def _form(**overrides) -> dict:
    return {"soort": "werkgroep", "titel": "Werkgroep", "datum": "2030-01-01", **overrides}


MARKDOWN = "## Opening\n\nDe voorzitter **opent**; a < b & c.\n\n- Briefing op vrijdag\n- Portofoons\n"


def test_a_verslag_typed_in_markdown_is_stored_as_typed_and_shown_formatted(client, driehoek, secretaris):
    client.force_login(secretaris)
    form = client.get(reverse("actiepunten:overleg_nieuw", args=[driehoek.pk])).content.decode()
    assert "Zonder HTML: **vet**, *cursief*" in form
    response = client.post(reverse("actiepunten:overleg_nieuw", args=[driehoek.pk]), _form(verslag=MARKDOWN))
    assert response.status_code == 302, response.context["form"].errors
    overleg = Overleg.objects.get()
    assert overleg.verslag == MARKDOWN.strip(), "Markdown is kept as typed, not escaped as HTML"
    page = client.get(reverse("actiepunten:overleg", args=[overleg.pk])).content.decode()
    assert "<h3>Opening</h3>" in page, "the highest heading follows the h2 Verslag without a gap"
    assert "De voorzitter <strong>opent</strong>; a &lt; b &amp; c." in page
    assert "<li>Briefing op vrijdag</li>" in page
    edit = client.get(reverse("actiepunten:overleg_bewerken", args=[overleg.pk])).content.decode()
    assert "a &lt; b &amp; c." in edit and "**opent**" in edit, "the edit form shows the Markdown again"


def test_markdown_cannot_smuggle_a_script_or_a_javascript_link(client, driehoek, secretaris):
    client.force_login(secretaris)
    client.post(reverse("actiepunten:overleg_nieuw", args=[driehoek.pk]),
                _form(verslag="Tekst\n\n[klik](javascript:alert(1))\n\n<img src=x onerror=alert(1)>"))
    overleg = Overleg.objects.get()
    html = overleg.verslag_veilig
    assert "<a" not in html and "<img" not in html and "onerror" not in html
    assert "[klik](javascript:alert(1))" in html, "a javascript: link stays text"


def test_a_verslag_stored_as_html_before_still_shows_sanitised(client, driehoek, secretaris, overleg):
    Overleg.objects.filter(pk=overleg.pk).update(
        verslag="<p onclick='x()'>Lieke <strong>opent</strong></p><script>alert(1)</script><ul><li>Punt</li></ul>")
    client.force_login(secretaris)
    page = client.get(reverse("actiepunten:overleg", args=[overleg.pk])).content.decode()
    assert "<p>Lieke <strong>opent</strong></p><ul><li>Punt</li></ul>" in page
    assert "alert(1)" not in page and "&lt;p" not in page
    api = APIClient()
    api.force_login(secretaris)
    assert api.get(f"/api/v1/overleggen/{overleg.pk}/").data["verslag"] == (
        "<p>Lieke <strong>opent</strong></p><ul><li>Punt</li></ul>")


def test_the_pdf_and_the_api_render_the_markdown_verslag(secretaris, overleg):
    api = APIClient()
    api.force_login(secretaris)
    response = api.patch(f"/api/v1/overleggen/{overleg.pk}/", {"verslag": "Lieke **opent**"}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["verslag"] == "<p>Lieke <strong>opent</strong></p>"
    overleg.refresh_from_db()
    assert overleg.verslag == "Lieke **opent**"
