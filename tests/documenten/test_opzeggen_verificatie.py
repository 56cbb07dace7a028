"""An opgezegd arrangement on /verifieer/: the known file says so in words, and the signed PDF stays as it was."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from arrangementen import opzeggen
from arrangementen.models import Status

from .test_verificatie import uitslag
from .wereld import build_world, latest_bytes, render_now, rolled_back, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def getekend(django_db_setup, django_db_blocker, pki):
    with rolled_back(django_db_blocker):
        world = build_world(pki)
        document = render_now(world)
        sign_all(world, document)
        world.arrangement.refresh_from_db()
        assert world.arrangement.status == Status.ONDERTEKEND, "setup: not signed by all"
        yield world, document, latest_bytes(document)


def upload(client, data: bytes) -> str:
    response = client.post(reverse("verifieer"),
                           {"bestand": SimpleUploadedFile("arrangement.pdf", data, content_type="application/pdf")})
    assert response.status_code == 200
    return uitslag(response.content.decode())


def test_the_signed_file_of_an_opgezegd_arrangement_says_who_gave_notice_and_from_when(client, getekend):
    world, document, data = getekend
    assert "opgezegd" not in upload(client, data)
    versies = list(document.versies.values_list("volgnummer", "sha256"))
    burgemeester, gemeente = world.ondertekenaars[0], world.partijen[0]
    opzegging = opzeggen.opzeggen(arrangement=world.arrangement, user=burgemeester, partij=gemeente,
                                  reden="Opgegaan in het regionale convenant.")
    text = upload(client, data)
    assert (f"Let op: dit arrangement is opgezegd door {burgemeester.get_full_name()} namens {gemeente.organisatie} "
            f"op {opzeggen.long_date(timezone.localdate(opzegging.gedaan_op))}, per "
            f"{opzeggen.long_date(opzegging.ingangsdatum)}.") in text
    assert "Geldig: ondertekend door alle partijen (3 van 3)." in text  # the signatures are as valid as before
    assert list(document.versies.values_list("volgnummer", "sha256")) == versies
    assert hashlib.sha256(latest_bytes(document)).hexdigest() == hashlib.sha256(data).hexdigest()


def test_an_unknown_file_says_nothing_about_a_notice(client, getekend):
    world, _document, data = getekend
    opzeggen.opzeggen(arrangement=world.arrangement, user=world.ondertekenaars[0], partij=world.partijen[0],
                      reden="Opgegaan in het regionale convenant.")
    changed = data + b"\n% een regel erbij\n"
    assert "opgezegd" not in upload(client, changed)
