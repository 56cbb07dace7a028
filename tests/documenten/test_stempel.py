"""The visible signature (issue 13, item 4): in DejaVu Sans embedded in the file (PDF/A wants every font
embedded; Courier was neither embedded nor proportional), with who signed, for whom under mandaat, function,
organisation, plaats and the Dutch date, scaled to stay inside its field."""

import datetime
import re
import zoneinfo

import pytest

from arrangementen import pdf, signing, stempel

from .wereld import pdf_reader

FIELD = signing.Veld(naam="Handtekening_7_Gemeente_Sudwest_Fryslan", pagina=0, box=(57, 600, 284, 680))


@pytest.fixture(scope="module")
def getekend(pki):
    plain = pdf.render_pdf('<html lang="nl"><head><title>Arrangement</title></head><body><p>Tekst.</p></body></html>')
    certified = signing.certify(plain, [FIELD], reason="Vastgesteld")
    signer = signing.load_signer(pki.p12("platform").read_bytes(), f"bestand:{pki.passphrase_file}")
    return signing.sign(certified, signing.SignatureRequest(
        field=FIELD.naam, name="Tjitske van der Meer", namens="Jannewietske de Vries", function="burgemeester",
        organisation="Gemeente Súdwest-Fryslân", reason="Ondertekend", location="Sneek",
    ), signer)


def appearance(data: bytes):
    """The signed field's normal appearance and every form XObject inside it."""
    reader = pdf_reader(data)
    field = next(ref.get_object() for ref in reader.root["/AcroForm"]["/Fields"]
                 if str(ref.get_object()["/T"]) == FIELD.naam)
    stack, found = [field["/AP"]["/N"]], []
    while stack:
        stream = stack.pop()
        found.append(stream)
        for xobject in stream.get("/Resources", {}).get("/XObject", {}).values():
            stack.append(xobject.get_object())
    return found


def shown_text(streams) -> str:
    """The strings the content streams show (WinAnsiEncoding), one line each."""
    lines = []
    for stream in streams:
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", stream.data):
            lines.append(re.sub(rb"\\(.)", rb"\1", literal).decode(stempel.ENCODING))
    return "\n".join(lines)


def test_the_stamp_names_signer_mandate_function_organisation_plaats_and_dutch_date(getekend):
    text = shown_text(appearance(getekend))
    assert "Digitaal ondertekend door\nTjitske van der Meer\nnamens Jannewietske de Vries (op grond van mandaat)\n" \
           "burgemeester, Gemeente Súdwest-Fryslân\nSneek, " in text
    months = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    assert re.search(rf"Sneek, \d{{1,2}} ({months}) \d{{4}}, \d{{2}}:\d{{2}}$", text), text


def test_the_stamp_font_is_dejavu_sans_embedded_as_truetype(getekend):
    fonts = [font.get_object() for stream in appearance(getekend)
             for font in stream.get("/Resources", {}).get("/Font", {}).values()]
    assert fonts
    for font in fonts:
        assert font["/Subtype"] == "/TrueType" and str(font["/BaseFont"]).endswith("+DejaVuSans")
        assert "/FontFile2" in font["/FontDescriptor"]
        widths = [int(w) for w in font["/Widths"]]
        assert widths[ord("i") - 32] < widths[ord("m") - 32]  # proportional, unlike Courier


def test_the_stamp_stays_inside_its_field(getekend):
    outer = appearance(getekend)[0]
    x1, y1, x2, y2 = (float(v) for v in outer["/BBox"])
    fx1, fy1, fx2, fy2 = FIELD.box
    assert (abs(x2 - x1), abs(y2 - y1)) == pytest.approx((fx2 - fx1, fy2 - fy1))


def test_the_dutch_date_reads_day_month_year_and_time_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    moment = datetime.datetime(2026, 11, 29, 4, 43, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert stempel.dutch_datetime(moment) == "29 november 2026, 05:43"
