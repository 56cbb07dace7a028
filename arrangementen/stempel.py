"""The visible signature: its text in Dutch and a proportional font (DejaVu Sans) embedded in the PDF.

pyHanko's own embedding of TrueType fonts needs HarfBuzz (uharfbuzz), which this project does not install;
its built-in alternative is the standard Courier, which is monospaced and not embedded (PDF/A wants every
font embedded). Latin text needs no shaping, so this engine does what the stamp needs: a simple TrueType
font with WinAnsiEncoding, subset once per process to the characters WinAnsiEncoding has (some 27 kB per
signature; subsetting per text would cost half a second per signature), with widths from the font.
"""

import datetime
import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

ENCODING = "cp1252"  # WinAnsiEncoding: every letter Dutch uses, with accents and diaereses
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),  # Debian's fonts-dejavu-core (Dockerfile)
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


@dataclass(frozen=True)
class Stempeltekst:
    naam: str
    functie: str
    organisatie: str
    plaats: str
    namens: str  # the person signed for under a mandate, or ""
    moment: datetime.datetime

    def regels(self) -> list[str]:
        """Who signed, for whom, as what, where and when: one line each, in Dutch."""
        regels = [_("Digitaal ondertekend door"), self.naam]
        if self.namens:
            regels.append(_("namens %(naam)s (op grond van mandaat)") % {"naam": self.namens})
        regels.append(", ".join(part for part in (self.functie, self.organisatie) if part))
        regels.append(", ".join(part for part in (self.plaats, dutch_datetime(self.moment)) if part))
        return regels


def dutch_datetime(moment: datetime.datetime) -> str:
    """'29 november 2026, 05:43' in the site's time zone, whatever language the caller runs in."""
    with translation.override("nl"):
        return formats.date_format(timezone.localtime(moment), "j F Y, H:i")


class FontMissing(Exception):
    pass


@functools.lru_cache(maxsize=1)
def _font_bytes() -> bytes:
    for candidate in FONT_CANDIDATES:
        if candidate.exists():
            return candidate.read_bytes()
    raise FontMissing(_("Het lettertype DejaVu Sans ontbreekt (Debian-pakket fonts-dejavu-core)."))


def fit_encoding(text: str) -> str:
    """The text as WinAnsiEncoding can show it: other characters become '?'."""
    return text.encode(ENCODING, errors="replace").decode(ENCODING)


def _escape(data: bytes) -> bytes:
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


REPERTOIRE = frozenset(bytes([code]).decode(ENCODING, errors="ignore") for code in range(32, 256)) - {""}


@functools.lru_cache(maxsize=1)
def _embedded_font() -> tuple[bytes, dict]:
    """The font program subset to WinAnsiEncoding's characters, and its metrics (per 1000 units of the em)."""
    from fontTools import subset, ttLib

    font = ttLib.TTFont(io.BytesIO(_font_bytes()))
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    head, hhea = font["head"], font["hhea"]
    # Older OS/2 tables (DejaVu's is version 1) have no cap height: take the height of the "H".
    cap_height = getattr(font["OS/2"], "sCapHeight", 0) or font["glyf"][cmap[ord("H")]].yMax
    metrics = {
        "advance": {char: round(font["hmtx"][cmap[ord(char)]][0] * scale) if ord(char) in cmap else 0
                    for char in REPERTOIRE},
        "bbox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "ascent": round(hhea.ascent * scale), "descent": round(hhea.descent * scale),
        "cap_height": round(cap_height * scale),
    }
    options = subset.Options()
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a reader needs
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes={ord(char) for char in REPERTOIRE})
    subsetter.subset(font)
    program = io.BytesIO()
    font.save(program)
    return program.getvalue(), metrics


def font_factory():
    """A pyHanko font engine factory for DejaVu Sans as an embedded simple TrueType font."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory, ShapeResult

    name = generic.NameObject
    program, metrics = _embedded_font()
    advance = metrics["advance"]
    font_name = "/" + "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6]) + "+DejaVuSans"

    class EmbeddedTrueType(FontEngine):
        def __init__(self, writer):
            super().__init__(writer, "DejaVuSans", embedded_subset=False)

        @property
        def uses_complex_positioning(self):
            return False

        def shape(self, txt: str) -> ShapeResult:
            encoded = fit_encoding(txt)
            width = sum(advance.get(char, 0) for char in encoded) / 1000
            return ShapeResult(graphics_ops=b"(" + _escape(encoded.encode(ENCODING)) + b") Tj",
                               x_advance=width, y_advance=0)

        def as_resource(self):
            stream = generic.StreamObject({name("/Length1"): generic.NumberObject(len(program))},
                                          stream_data=program)
            stream.compress()
            descriptor = generic.DictionaryObject({
                name("/Type"): name("/FontDescriptor"),
                name("/FontName"): name(font_name),
                name("/Flags"): generic.NumberObject(32),  # nonsymbolic
                name("/FontBBox"): generic.ArrayObject(generic.NumberObject(v) for v in metrics["bbox"]),
                name("/ItalicAngle"): generic.NumberObject(0),
                name("/Ascent"): generic.NumberObject(metrics["ascent"]),
                name("/Descent"): generic.NumberObject(metrics["descent"]),
                name("/CapHeight"): generic.NumberObject(metrics["cap_height"]),
                name("/StemV"): generic.NumberObject(80),
                name("/FontFile2"): self.writer.add_object(stream),
            })
            widths = [generic.NumberObject(advance.get(bytes([code]).decode(ENCODING, errors="ignore"), 0))
                      for code in range(32, 256)]
            return generic.DictionaryObject({
                name("/Type"): name("/Font"),
                name("/Subtype"): name("/TrueType"),
                name("/BaseFont"): name(font_name),
                name("/FirstChar"): generic.NumberObject(32),
                name("/LastChar"): generic.NumberObject(255),
                name("/Widths"): generic.ArrayObject(widths),
                name("/Encoding"): name("/WinAnsiEncoding"),
                name("/FontDescriptor"): self.writer.add_object(descriptor),
            })

    class Factory(FontEngineFactory):
        def create_font_engine(self, writer, obj_stream=None):
            return EmbeddedTrueType(writer)

    return Factory()


def stamp_style():
    """A bordered box with the text in DejaVu Sans, shrunk to fit the field when it is long."""
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    return TextStampStyle(
        stamp_text="%(tekst)s", border_width=1,
        text_box_style=TextBoxStyle(font=font_factory(), font_size=9, leading=11),
    )
