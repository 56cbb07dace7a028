"""A long list where most rows need a date answer: the preview form stays under Django's field limit
(DATA_UPLOAD_MAX_NUMBER_FIELDS), answered by one whole-list default plus the rows that deviate."""

import datetime

from django.conf import settings
from django.urls import reverse

from actiepunten.models import Actiepunt

from .browserformulier import posted_fields
from .test_import import upload


def _lijst(n: int, *, titel: bool = True) -> bytes:
    lines = ["Actielijst driehoek;;;"] * titel + ["Nr;Onderwerp;Wie;Datum gereed"]
    lines += [f"{i};Punt {i};Extern {i % 7};{'1-10-2025' if i % 10 == 0 else 'z.s.m.'}" for i in range(1, n + 1)]
    return ("\n".join(lines) + "\n").encode()


def _post_back(client, overleg, response, stap="bijwerken", **changes):
    """Post the preview form exactly as the browser would, with `changes` to the fields."""
    fields = dict(posted_fields(response.content.decode(), having="bron"))
    fields.update(changes, stap=stap)
    return client.post(reverse("actiepunten:importeren", args=[overleg.pk]), fields)


def test_a_2000_row_list_needing_dates_is_answered_with_one_default_and_deviations(client, overleg, secretaris):
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", _lijst(2000, titel=False))
    assert response.status_code == 400, response.context["voorbeeld"].problemen[:2]  # questions open
    assert response.context["bron"], response.context["voorbeeld"].problemen[:2]
    fields = posted_fields(response.content.decode(), having="bron")
    assert len(fields) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, len(fields)
    assert len(response.context["voorbeeld"].datumvragen) == 1800
    response = _post_back(client, overleg, response, datum_alle="onbekend",
                          datumregels="rij 3: 15-11-2025\n4: geen datum\n")
    assert response.status_code == 200, response.context["voorbeeld"].problemen[:3]
    regels = {r.rij: r for r in response.context["voorbeeld"].regels}
    assert len(regels) == 2000
    assert (regels[2].nummer, regels[2].datum_gereed) == (1, None), "row numbers are the file's (header row 1)"
    assert (regels[3].nummer, regels[3].datum_gereed) == (2, datetime.date(2025, 11, 15))
    assert (regels[2001].nummer, regels[11].datum_gereed) == (2000, datetime.date(2025, 10, 1))
    assert "rij 3: 15-11-2025" in response.content.decode(), "the typed deviations are shown again"
    response = _post_back(client, overleg, response, stap="bevestigen")
    assert response.status_code == 302
    punten = Actiepunt.objects.filter(overleg=overleg)
    assert punten.count() == 2000
    assert punten.filter(datum_gereed__isnull=True).count() == 1799
    assert punten.get(nummer=2).datum_gereed == datetime.date(2025, 11, 15)


def test_an_unreadable_deviation_line_is_a_dutch_problem_and_the_text_is_kept(client, overleg, secretaris):
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", _lijst(400))
    response = _post_back(client, overleg, response, datum_alle="onbekend",
                          datumregels="vier: morgen\n12: 01-12-2025\n7: 31-02-2025")
    assert response.status_code == 400
    teksten = [(p.rij, p.tekst) for p in response.context["voorbeeld"].problemen]
    assert teksten == [
        (7, "'31-02-2025' is geen datum. Typ bijvoorbeeld 22-02-2019."),
        (None, "Regel 1 van de andere datums ('vier: morgen') is niet te lezen: schrijf 'rijnummer: datum', "
               "bijvoorbeeld '14: 01-10-2025' of '14: geen datum'."),
        (None, "Bij de andere datums staat rij 12, maar die rij vraagt geen datum."),
    ]
    assert "vier: morgen\n12: 01-12-2025\n7: 31-02-2025" in response.content.decode()
    assert not Actiepunt.objects.exists()


def test_a_short_list_keeps_its_per_row_questions_and_the_default_fills_the_rest(client, overleg, secretaris):
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", _lijst(12))
    assert 'name="datum_3"' in response.content.decode() and 'name="datumregels"' not in response.content.decode()
    response = _post_back(client, overleg, response, datum_alle="onbekend", datum_5="datum",
                          datumtekst_5="2-2-2026")
    assert response.status_code == 200
    assert [(r.rij, r.datum_gereed) for r in response.context["voorbeeld"].regels][:4] == [
        (3, None), (4, None), (5, datetime.date(2026, 2, 2)), (6, None)]
