"""Every refusal is on record (ASVS 16.3): 403s, 404s on another driehoek's objects, refused transitions."""

import csv
import io
import time

import pytest
from django.urls import reverse

from arrangementen.models import Status
from samenwerking import audit
from samenwerking.models import Auditregel, Rol
from samenwerking.permissions_setup import ensure_beheer_group

from ..factories import ActiepuntFactory, ArrangementFactory, GebruikerFactory, OverlegFactory, lid

G = Auditregel.Gebeurtenis


def refusals(gebeurtenis=G.TOEGANG_GEWEIGERD):
    return list(Auditregel.objects.filter(gebeurtenis=gebeurtenis).order_by("id"))


@pytest.fixture
def coordinator(client, driehoek):
    user = GebruikerFactory(username="coordinator-hier")
    lid(user, driehoek, Rol.COORDINATOR)
    client.force_login(user)
    return user


def _other(kind, andere_driehoek):
    """An object of another driehoek, with its page and its API address."""
    if kind == "arrangement":
        obj = ArrangementFactory(driehoek=andere_driehoek)
        return obj, reverse("arrangementen:detail", args=[obj.pk]), f"/api/v1/arrangementen/{obj.pk}/"
    if kind == "overleg":
        obj = OverlegFactory(driehoek=andere_driehoek)
        return obj, reverse("actiepunten:overleg", args=[obj.pk]), f"/api/v1/overleggen/{obj.pk}/"
    if kind == "actiepunt":
        obj = ActiepuntFactory(overleg=OverlegFactory(driehoek=andere_driehoek))
        return obj, reverse("actiepunten:actiepunt", args=[obj.pk]), f"/api/v1/actiepunten/{obj.pk}/"
    return (andere_driehoek, reverse("samenwerking:driehoek", args=[andere_driehoek.pk]),
            f"/api/v1/driehoeken/{andere_driehoek.pk}/")


@pytest.mark.parametrize("kind", ["arrangement", "overleg", "actiepunt", "driehoek"])
@pytest.mark.parametrize("via", ["html", "api"])
def test_object_of_another_driehoek_answers_404_and_is_recorded_once(client, coordinator, andere_driehoek,
                                                                      kind, via):
    obj, page, api = _other(kind, andere_driehoek)
    path = page if via == "html" else api
    response = client.get(path)
    assert response.status_code == 404
    [regel] = refusals()
    assert regel.resultaat == Auditregel.Resultaat.GEWEIGERD
    assert regel.gebruiker_id == coordinator.pk
    assert (regel.object_type, regel.object_id) == (obj._meta.label_lower, str(obj.pk))
    assert regel.details["status"] == 404 and regel.details["pad"] == path
    assert "geen toegang" in regel.details["reden"]


@pytest.mark.parametrize("path", ["/arrangementen/987654321/", "/api/v1/arrangementen/987654321/",
                                  "/api/v1/driehoeken/987654321/", "/bestaat-niet/", "/api/v1/bestaat-niet/"])
def test_unknown_id_or_page_answers_404_without_a_log_entry(client, coordinator, path):
    assert client.get(path).status_code == 404
    assert refusals() == []


def test_own_objects_leave_no_refusal(client, coordinator, driehoek):
    arrangement = ArrangementFactory(driehoek=driehoek)
    assert client.get(reverse("arrangementen:detail", args=[arrangement.pk])).status_code == 200
    assert client.get(f"/api/v1/arrangementen/{arrangement.pk}/").status_code == 200
    assert refusals() == []


def test_a_flood_of_refusals_is_recorded_up_to_the_limit(client, coordinator, andere_driehoek, settings,
                                                         monkeypatch):
    settings.AUDIT_WEIGERINGEN_PER_MINUUT = 20
    # One minute for all hundred requests, however slow the machine: the limit counts per minute.
    now = time.time()
    monkeypatch.setattr(audit.weigeringen.time, "time", lambda: now)
    arrangement = ArrangementFactory(driehoek=andere_driehoek)
    statuses = {client.get(f"/api/v1/arrangementen/{arrangement.pk}/").status_code for _ in range(50)}
    statuses |= {client.get(reverse("arrangementen:detail", args=[arrangement.pk])).status_code
                 for _ in range(50)}
    assert statuses == {404}
    assert len(refusals()) == 20


def test_forbidden_action_on_a_visible_object_answers_403_and_is_recorded(client, driehoek):
    lezer = GebruikerFactory()
    lid(lezer, driehoek, Rol.LEZER)
    client.force_login(lezer)
    arrangement = ArrangementFactory(driehoek=driehoek)
    assert client.get(reverse("arrangementen:bewerken", args=[arrangement.pk])).status_code == 403
    assert client.patch(f"/api/v1/arrangementen/{arrangement.pk}/", {"titel": "x"},
                        content_type="application/json").status_code == 403
    html, api = refusals()
    assert (html.object_type, html.object_id) == ("arrangementen.arrangement", str(arrangement.pk))
    assert html.details["status"] == 403 and api.details["status"] == 403
    assert api.details["pad"] == f"/api/v1/arrangementen/{arrangement.pk}/"


def test_non_beheerder_on_the_security_log_is_recorded(client, coordinator):
    assert client.get(reverse("beveiliging:auditlog")).status_code == 403
    [regel] = refusals()
    assert regel.details["pad"] == reverse("beveiliging:auditlog")


# --- transitions -------------------------------------------------------------------------------------

def test_transition_refused_for_the_role_is_recorded_once(client, coordinator, driehoek):
    arrangement = ArrangementFactory(driehoek=driehoek, status=Status.TER_REVIEW)
    response = client.post(reverse("arrangementen:overgang", args=[arrangement.pk, "goedkeuren"]),
                           {"toelichting": "prima"})
    assert response.status_code == 403
    arrangement.refresh_from_db()
    assert arrangement.status == Status.TER_REVIEW
    [regel] = refusals(G.OVERGANG_GEWEIGERD)
    assert regel.details["actie"] == "goedkeuren" and regel.object_id == str(arrangement.pk)
    assert regel.gebruiker_id == coordinator.pk
    assert refusals() == []  # not a second time as an access refusal


def test_transition_refused_for_the_status_is_recorded(client, driehoek):
    secretaris = GebruikerFactory()
    lid(secretaris, driehoek, Rol.SECRETARIS)
    client.force_login(secretaris)
    arrangement = ArrangementFactory(driehoek=driehoek, status=Status.CONCEPT)
    response = client.post(f"/api/v1/arrangementen/{arrangement.pk}/transitie/",
                           {"actie": "vaststellen", "vastgesteld_op": "2026-01-05", "besluit_referentie": "B1"},
                           content_type="application/json")
    assert response.status_code == 400
    [regel] = refusals(G.OVERGANG_GEWEIGERD)
    assert regel.details["actie"] == "vaststellen" and "concept" in regel.details["reden"]


def test_input_error_in_a_transition_is_no_refusal(client, coordinator, driehoek):
    arrangement = ArrangementFactory(driehoek=driehoek, status=Status.CONCEPT)
    response = client.post(reverse("arrangementen:overgang", args=[arrangement.pk, "intrekken"]),
                           {"toelichting": ""})
    assert response.status_code == 200  # the form again, with the message next to the field
    assert refusals(G.OVERGANG_GEWEIGERD) == []


def test_refused_actiepunt_status_change_is_recorded(client, coordinator, driehoek):
    actiepunt = ActiepuntFactory(overleg=OverlegFactory(driehoek=driehoek), status="gereed")
    response = client.post(reverse("actiepunten:actiepunt_status", args=[actiepunt.pk, "gereed_melden"]), {})
    assert response.status_code == 400
    [regel] = refusals(G.OVERGANG_GEWEIGERD)
    assert (regel.object_type, regel.object_id) == ("actiepunten.actiepunt", str(actiepunt.pk))
    assert regel.details["actie"] == "gereed_melden"


def test_actiepunt_status_change_by_someone_else_is_recorded(client, driehoek):
    lezer = GebruikerFactory()
    lid(lezer, driehoek, Rol.LEZER)
    client.force_login(lezer)
    actiepunt = ActiepuntFactory(overleg=OverlegFactory(driehoek=driehoek))
    response = client.post(f"/api/v1/actiepunten/{actiepunt.pk}/status/", {"actie": "starten"},
                           content_type="application/json")
    assert response.status_code == 403
    assert len(refusals(G.OVERGANG_GEWEIGERD)) == 1
    assert refusals() == []


# --- the beheerder's view ---------------------------------------------------------------------------

def test_beheerder_filters_on_refusals_and_exports_them(client, coordinator, andere_driehoek):
    arrangement = ArrangementFactory(driehoek=andere_driehoek)
    client.get(reverse("arrangementen:detail", args=[arrangement.pk]))
    beheerder = GebruikerFactory(username="log-beheerder", is_staff=True)
    beheerder.groups.add(ensure_beheer_group())
    client.force_login(beheerder)  # a successful login: an entry with resultaat "gelukt"
    page = client.get(reverse("beveiliging:auditlog"), {"resultaat": "geweigerd"})
    rows = page.context["pagina"].object_list
    assert [r.gebeurtenis for r in rows] == [G.TOEGANG_GEWEIGERD]
    assert "toegang geweigerd (403/404)" in page.content.decode()
    assert "geen toegang" in page.content.decode()  # the reason is shown
    page = client.get(reverse("beveiliging:auditlog"), {"gebeurtenis": "toegang_geweigerd"})
    assert len(page.context["pagina"].object_list) == 1
    response = client.get(reverse("beveiliging:auditlog_export"), {"resultaat": "geweigerd"})
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()), delimiter=";"))
    assert [line[2:4] for line in lines[1:]] == [["toegang_geweigerd", "geweigerd"]]
    assert lines[1][6] == str(arrangement.pk)
