"""The PDF reads as a Dutch agreement (issue 13, item 5): the parties with their representatives, a considerans
from doel and aanleiding, "Komen het volgende overeen:", numbered artikelen with leden per niveau, the
slotbepalingen and an ondertekening with name, function, plaats and datum per party; the signature pages carry
the same footer as every other page. Read with poppler's pdftotext, as a reader's tools would."""

import re
import subprocess
from dataclasses import dataclass

import pytest

from .convenant import AFSPRAKEN, Convenant, build_convenant
from .wereld import latest_bytes, render_now, rolled_back

pytestmark = pytest.mark.django_db


@dataclass
class Gemaakt:
    convenant: Convenant
    pdf: bytes


@pytest.fixture(scope="module")
def gemaakt(django_db_setup, django_db_blocker, pki):
    with rolled_back(django_db_blocker):
        convenant = build_convenant(pki)
        yield Gemaakt(convenant, latest_bytes(render_now(convenant)))


def pdftotext(data: bytes, tmp_path, *, page: int | None = None) -> str:
    path = tmp_path / "arrangement.pdf"
    path.write_bytes(data)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    output = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True,
                            timeout=60).stdout
    return " ".join(output.split())


def page_count(data: bytes, tmp_path) -> int:
    path = tmp_path / "pagina.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))


def test_the_parties_are_named_with_their_representatives(gemaakt, tmp_path):
    text = pdftotext(gemaakt.pdf, tmp_path)
    assert "De ondergetekenden:" in text
    assert "De burgemeester van Beek, hierna: de gemeente Beek;" in text
    assert "De burgemeester van Maastricht, A.J.M. Penn-te Strake, hierna: de gemeente Maastricht;" in text
    assert ("De teamchef van basisteam Heuvelland, handelend namens de politiechef van de eenheid Limburg, "
            "hierna: de politie;") in text
    assert ("De hoofdofficier van justitie van het arrondissementsparket Limburg, hierna: het Openbaar "
            "Ministerie;") in text
    assert "hierna gezamenlijk te noemen: partijen," in text


def test_a_considerans_from_doel_and_aanleiding_precedes_the_agreement(gemaakt, tmp_path):
    text = pdftotext(gemaakt.pdf, tmp_path)
    considerans = text.index("Overwegende dat:")
    overeen = text.index("Komen het volgende overeen:")
    aanleiding = text.index("de aanleiding voor dit arrangement de volgende is: Gemeenten en terreinbeheerders")
    doel = text.index("partijen met dit arrangement het volgende doel nastreven: Boa's en politie treden")
    assert considerans < aanleiding < doel < overeen < text.index("Artikel 1.")
    assert "de gemeenten Beek, Beekdaelen," in text and "Voerendaal en Weert buitengewoon opsporingsambtenaren" in text
    assert "heeft vastgesteld (Verslag regionale driehoek, agendapunt 7)." in text


def test_the_artikelen_are_numbered_in_order_with_leden_grouped_per_niveau(gemaakt, tmp_path):
    text = pdftotext(gemaakt.pdf, tmp_path)
    numbers = [int(n) for n in re.findall(r"Artikel (\d+)\. ", text)]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    assert len(numbers) == 2 + len(AFSPRAKEN) + 5  # begrippen, inzet; the afspraken; five slotbepalingen
    chapters = [text.index(f"Afspraken op {niveau} niveau") for niveau in ("strategisch", "tactisch", "operationeel")]
    assert chapters == sorted(chapters)
    assert chapters[0] < text.index("Artikel 3. Gedeelde uitgangspunten") < chapters[1]
    assert chapters[2] < text.index("Artikel 5. Assistentie bij een noodoproep")
    # an afspraak's lines are its leden: 1., 2., 3.
    assert re.search(r"Artikel 5\. Assistentie bij een noodoproep 1\. Een noodoproep van een boa .* 2\. De "
                     r"meldkamer stuurt de dichtstbijzijnde eenheid\. 3\. De boa meldt zich af", text)


def test_the_slotbepalingen_state_looptijd_evaluatie_wijziging_opzegging_and_citeertitel(gemaakt, tmp_path):
    text = pdftotext(gemaakt.pdf, tmp_path)
    slot = text.index("Slotbepalingen")
    for titel in ("Looptijd", "Evaluatie", "Wijziging", "Opzegging", "Citeertitel"):
        assert re.search(rf"Artikel \d+\. {titel} ", text[slot:]), titel
    assert "Dit arrangement treedt in werking op " in text
    assert "met inachtneming van een opzegtermijn van 6 maanden." in text
    assert "Dit arrangement wordt aangehaald als: Convenant burenhulp buitengebied Limburg, versie 1." in text


def test_the_ondertekening_has_name_function_plaats_and_datum_per_party(gemaakt, tmp_path):
    text = pdftotext(gemaakt.pdf, tmp_path)
    ondertekening = text[text.index("Ondertekening Aldus overeengekomen"):]
    partijen = gemaakt.convenant.partijen
    assert ondertekening.count("Plaats: ") == len(partijen) == 33
    assert ondertekening.count("Datum: ") == len(partijen)
    assert ondertekening.count("Functie: ") == len(partijen)
    assert "Naam: A.J.M. Penn-te Strake" in ondertekening
    for partij in partijen:
        assert str(partij.organisatie) in ondertekening


def test_every_page_carries_the_footer_with_reference_and_page_number(gemaakt, tmp_path):
    referentie = gemaakt.convenant.arrangement.document.referentie
    pages = page_count(gemaakt.pdf, tmp_path)
    assert pages > 5
    for page in range(1, pages + 1):
        text = pdftotext(gemaakt.pdf, tmp_path, page=page)
        assert f"{referentie} · versie 1" in text and f"pagina {page} van {pages}" in text, page
