"""The beheer keeps the strict Content-Security-Policy of the rest (no 'unsafe-inline'), so its pages may carry
no inline style or script: every change list, add form, change form and history page is checked."""

import pytest
from django.contrib import admin
from django.urls import reverse

from samenwerking.models import Gebruiker
from tests.factories import DriehoekFactory, GebruikerFactory, OrganisatieFactory, lid


@pytest.fixture
def pages(db):
    driehoek = DriehoekFactory()
    lid(GebruikerFactory(), driehoek, "lezer")
    OrganisatieFactory()
    urls = ["/beheer/"]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        urls.append(reverse(f"{prefix}_add"))
        obj = model.objects.order_by("pk").first()
        if obj is not None:
            urls.append(reverse(f"{prefix}_change", args=[obj.pk]))
            urls.append(reverse(f"{prefix}_history", args=[obj.pk]))
    return urls


def test_no_beheer_page_needs_inline_styles_or_scripts(client, pages):
    client.force_login(Gebruiker.objects.create_superuser("root", "root@example.org", "x"))
    checked = 0
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            continue  # read-only models have no add form
        html = response.content.decode()
        assert "unsafe-inline" not in response["Content-Security-Policy"], url
        assert 'style="' not in html and "<style" not in html, url
        assert "<script>" not in html and " on" + "click=" not in html, url
        checked += 1
    assert checked > 30
