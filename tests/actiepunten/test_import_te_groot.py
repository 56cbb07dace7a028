"""A paste or a preview over Django's request limits answers the import page in Dutch (413), not the generic
page; someone without access to the overleg still gets the generic page."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.test import RequestFactory
from django.urls import resolve, reverse

from actiepunten.models import Actiepunt
from samenwerking import beveiliging


def _url(overleg):
    return reverse("actiepunten:importeren", args=[overleg.pk])


def test_a_paste_over_the_request_limit_answers_the_import_page_with_the_limit(client, overleg, secretaris,
                                                                                settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
    client.force_login(secretaris)
    response = client.post(_url(overleg), {"stap": "voorbeeld", "tekst": "Nr\tOnderwerp\n" + "x" * (4 * 1024 * 1024)})
    assert response.status_code == 413
    assert [p.tekst for p in response.context["voorbeeld"].problemen] == [
        "Het formulier is groter dan 3 MB en is niet verwerkt; ook de geplakte tekst kon daardoor niet bewaard "
        "blijven. Plak of kies een kleinere actielijst (een bestand mag tot 2 MB) of splits de lijst op."]
    html = response.content.decode()
    assert 'name="tekst"' in html and 'name="bestand"' in html, "the upload form is there to try again"
    assert not Actiepunt.objects.exists()


def test_too_many_fields_answers_the_import_page_not_the_generic_one(client, overleg, secretaris, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    client.force_login(secretaris)
    response = client.post(_url(overleg), {"stap": "bijwerken", **{f"datum_{i}": "onbekend" for i in range(60)}})
    assert response.status_code == 413
    assert [p.tekst for p in response.context["voorbeeld"].problemen] == [
        "Het formulier bevat meer dan 50 velden en is niet verwerkt. Laad het bestand opnieuw en beantwoord de "
        "datums met de keuze voor de hele lijst."]


def _too_large(user, overleg):
    """What the handler400 answers when the CSRF check (reading the body) raised RequestDataTooBig."""
    request = RequestFactory().post(_url(overleg))
    request.user, request.session = user, {}
    request.resolver_match = resolve(_url(overleg))
    return beveiliging.bad_request(request, RequestDataTooBig())


def test_a_stranger_over_the_limit_gets_the_generic_page_without_the_overleg(overleg, vreemde, secretaris):
    response = _too_large(vreemde, overleg)
    assert response.status_code == 413
    html = response.content.decode()
    assert "Het verzoek is te groot" in html and str(overleg) not in html
    assert _too_large(AnonymousUser(), overleg).status_code == 413
    assert 'name="tekst"' in _too_large(secretaris, overleg).content.decode(), "a member gets the import page"


def test_over_the_limit_before_the_second_step_goes_to_the_second_step_not_the_import_page(client, overleg,
                                                                                            secretaris, settings):
    """The import page's own 413 is reached only after the second step: the body is read (by the CSRF check)
    after the middleware chain, where the second-step check has already sent an unverified session away."""
    from tests.mfa import unverified

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client.force_login(secretaris)
    unverified(client)
    response = client.post(_url(overleg), {"stap": "voorbeeld", "tekst": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login_verificatie"))
    assert str(overleg) not in response.content.decode()
