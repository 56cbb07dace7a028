"""Confirming an import preview twice, in two tabs, or at the same moment imports once."""

import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from actiepunten import importeren
from actiepunten.models import Actiepunt

from .test_import import SEED_HEADER, SEED_ROWS, confirm, csv_bytes, upload


def test_confirming_the_same_preview_twice_imports_once(client, overleg, secretaris):
    client.force_login(secretaris)
    preview = upload(client, overleg, "lijst.csv", csv_bytes([SEED_HEADER, *SEED_ROWS]))
    first = confirm(client, overleg, preview)
    assert first.status_code == 302
    second = client.post(reverse("actiepunten:importeren", args=[overleg.pk]),
                         {"stap": "bevestigen", "voorbeeld": preview.context["ondertekend"]}, follow=True)
    assert second.status_code == 200
    assert second.redirect_chain == [(reverse("actiepunten:overleg", args=[overleg.pk]), 302)]
    page = second.content.decode()
    assert "Deze import is al verwerkt" in page
    assert SEED_ROWS[1][1] in page, "the result is shown"
    assert Actiepunt.objects.filter(overleg=overleg).count() == len(SEED_ROWS)


def test_a_second_tab_with_its_own_preview_of_the_same_file_imports_nothing_more(client, overleg, secretaris):
    client.force_login(secretaris)
    data = csv_bytes([SEED_HEADER, *SEED_ROWS])
    tab_a, tab_b = upload(client, overleg, "lijst.csv", data), upload(client, overleg, "lijst.csv", data)
    confirm(client, overleg, tab_a)
    response = confirm(client, overleg, tab_b)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "Deze import is al verwerkt; de actiepunten staan hieronder.")
    assert Actiepunt.objects.filter(overleg=overleg).count() == len(SEED_ROWS)


def test_a_preview_whose_numbers_were_taken_otherwise_still_refuses(client, overleg, secretaris, maak_punt):
    client.force_login(secretaris)
    preview = upload(client, overleg, "lijst.csv", csv_bytes([SEED_HEADER, *SEED_ROWS]))
    maak_punt(onderwerp="Intussen aangemaakt")  # takes number 1 with another onderwerp
    response = client.post(reverse("actiepunten:importeren", args=[overleg.pk]),
                           {"stap": "bevestigen", "voorbeeld": preview.context["ondertekend"]}, follow=True)
    assert response.redirect_chain == [(reverse("actiepunten:importeren", args=[overleg.pk]), 302)]
    assert "Rij 2: Nummer 1 bestaat al." in response.content.decode()
    assert Actiepunt.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_once_import_once(overleg, secretaris):
    starter = Client()
    starter.force_login(secretaris)
    token = upload(starter, overleg, "lijst.csv", csv_bytes([SEED_HEADER, *SEED_ROWS])).context["ondertekend"]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def post():
        try:
            tab = Client()
            tab.force_login(secretaris)
            barrier.wait(timeout=10)
            response = tab.post(reverse("actiepunten:importeren", args=[overleg.pk]),
                                {"stap": "bevestigen", "voorbeeld": token})
            results.append((response.status_code, [str(m) for m in get_messages(response.wsgi_request)]))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert time.monotonic() - started < 60
    assert errors == []
    assert sorted(results) == [(302, ["4 actiepunten zijn geïmporteerd."]),
                               (302, ["Deze import is al verwerkt; de actiepunten staan hieronder."])]
    assert Actiepunt.objects.filter(overleg=overleg).count() == len(SEED_ROWS)


def test_confirm_is_idempotent_at_the_service_level(overleg, secretaris):
    preview = importeren.build_preview(name="l.csv", data=csv_bytes([SEED_HEADER, *SEED_ROWS]), members=[],
                                       existing_numbers=set())
    first = importeren.confirm(overleg=overleg, user=secretaris, regels=preview.regels)
    second = importeren.confirm(overleg=overleg, user=secretaris, regels=preview.regels)
    assert (len(first.actiepunten), first.al_verwerkt) == (4, False)
    assert (second.actiepunten, second.al_verwerkt) == ([], True)
