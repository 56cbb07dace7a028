"""The dashboard asks samenwerking's block registry; higher apps register their blocks from AppConfig.ready()."""

import re

import pytest
from django.urls import reverse

from samenwerking import dashboard
from samenwerking.models import Rol

from ..factories import DriehoekFactory, GebruikerFactory, lid


@pytest.fixture
def extra_blok():
    blok = dashboard.Blok(sleutel="proef", volgorde=15, template="arrangementen/_blok.html", kop="Proefblok",
                          leeg="Niets op proef.", items=lambda user: [])
    dashboard.register(blok=blok)
    yield blok
    dashboard._blokken.pop("proef")


def test_the_arrangementen_and_actiepunten_blocks_are_registered_in_their_order(db):
    # The geweldsmiddelen block (volgorde 12) shows only where geweldsmiddelen are recorded: test_geweld_oud.py.
    assert [b.blok.sleutel for b in dashboard.blocks_for(user=GebruikerFactory())] == [
        "nieuw", "concepten", "actiepunten_verlopen", "beoordelen", "ondertekenen", "werking",
        "achterstallig", "verloopt", "opgezegd"]


def test_a_block_whose_items_are_none_is_left_out_and_an_empty_one_stays(db, extra_blok):
    dashboard.register(blok=dashboard.Blok(sleutel="niets", volgorde=16, template=extra_blok.template,
                                           kop="Niets te zeggen", leeg="", items=lambda user: None))
    try:
        sleutels = [b.blok.sleutel for b in dashboard.blocks_for(user=GebruikerFactory())]
    finally:
        dashboard._blokken.pop("niets")
    assert "proef" in sleutels and "niets" not in sleutels


def test_dashboard_shows_the_registered_blocks_in_order_of_volgorde(db, client, extra_blok):
    user = GebruikerFactory()
    lid(user, DriehoekFactory(), Rol.COORDINATOR)
    client.force_login(user)
    page = client.get(reverse("samenwerking:dashboard")).content.decode()
    kopjes = re.findall(r'<h2 class="utrecht-heading-3" id="(blok-[a-z_]+)">([^<]+)</h2>', page)
    assert kopjes == [
        ("blok-nieuw", "Nieuw arrangement"),
        ("blok-concepten", "Mijn concepten"),
        ("blok-actiepunten_verlopen", "Mijn verlopen actiepunten"),
        ("blok-proef", "Proefblok"),
        ("blok-beoordelen", "Te beoordelen"),
        ("blok-ondertekenen", "Te ondertekenen"),
        ("blok-werking", "In werking"),
        ("blok-achterstallig", "Evaluatie achterstallig"),
        ("blok-verloopt", "Verloopt binnenkort"),
        ("blok-opgezegd", "Opgezegd / vervangen"),
    ]
    assert "Niets op proef." in page


def test_registering_a_block_again_replaces_it(db, extra_blok):
    dashboard.register(blok=dashboard.Blok(sleutel="proef", volgorde=99, template=extra_blok.template, kop="Nieuw",
                                           leeg="", items=lambda user: []))
    blokken = dashboard.blocks_for(user=GebruikerFactory())
    assert [b.blok.kop for b in blokken if b.blok.sleutel == "proef"] == ["Nieuw"]
    assert blokken[-1].blok.sleutel == "proef"
