"""The signal badge of an actiepunt draws its symbol; it never depends on a glyph the fonts may lack."""

import datetime
import re

import pytest
from django.urls import reverse

from ..factories import vandaag
from ..test_opmaak import GLYPHS


@pytest.mark.parametrize(("dagen", "signaal"), [(1, "binnenkort"), (-3, "verlopen")])
def test_the_signal_badge_draws_its_symbol(client, maak_punt, secretaris, dagen, signaal):
    punt = maak_punt(datum_gereed=vandaag() + datetime.timedelta(days=dagen))
    client.force_login(secretaris)
    for url in (reverse("actiepunten:actiepunt", args=[punt.pk]),
                reverse("actiepunten:actielijst", args=[punt.driehoek_id])):
        page = client.get(url).content.decode()
        badge = re.search(rf'<span class="app-signaal app-signaal--{signaal}">(.*?)</span>', page, flags=re.S)[1]
        assert '<svg class="app-signaal__icoon"' in badge and 'aria-hidden="true"' in badge
        assert not GLYPHS.search(badge)
