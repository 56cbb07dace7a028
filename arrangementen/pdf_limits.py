"""Structural limits for an uploaded PDF, checked before pyHanko validates anything.

Two stages. `check_raw` reads only the bytes (linear in the file size, nothing kept in memory but counters),
so a file that is plainly too complex is refused before any PDF parser runs. `check_structure` then looks
at what the parser found (revisions, the cross-reference size, the signature fields) before any signature
is validated; it runs in the bounded child process (arrangementen.sandbox), because parsing itself can cost.
`decode_limits` gives pyHanko the same per-stream and total bounds for whatever it decodes afterwards.
"""

import re
import zlib
from dataclasses import dataclass

from django.conf import settings

_CHUNK = 1 << 20  # inflate at most this much at a time, so a bomb never sits in memory whole
# Every pattern starts with a literal, so that re can skip ahead with a fast search (20 MB in milliseconds).
_STREAM = re.compile(rb"stream\r?\n")
_XREF_STREAM = re.compile(rb"/Type\s*/XRef\b")
_TRAILER = re.compile(rb"trailer\s*<<")
_SIZE = re.compile(rb"/Size\s+(\d{1,12})")
_SIG_FIELD = re.compile(rb"/FT\s*/Sig\b")


class TooComplex(Exception):  # noqa: N818 - a verdict about the file, not a programming error
    """A limit was exceeded; `limit` names it for the security log."""

    def __init__(self, limit: str):
        super().__init__(limit)
        self.limit = limit


@dataclass(frozen=True)
class Limits:
    signatures: int
    revisions: int
    objects: int
    stream_bytes: int
    decoded_bytes: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            signatures=settings.VERIFICATIE_MAX_HANDTEKENINGEN,
            revisions=settings.VERIFICATIE_MAX_REVISIES,
            objects=settings.VERIFICATIE_MAX_OBJECTEN,
            stream_bytes=settings.VERIFICATIE_MAX_STREAM_BYTES,
            decoded_bytes=settings.VERIFICATIE_MAX_GEDECODEERD,
        )


# --- stage 1: the raw bytes -----------------------------------------------------------------------

def _count(pattern: re.Pattern, data: bytes, limit: int) -> int:
    """Matches of pattern in data, counting no further than limit + 1."""
    count = 0
    for _match in pattern.finditer(data):
        count += 1
        if count > limit:
            break
    return count


def _declared_sizes(pdf: bytes):
    """The /Size of every trailer and cross-reference stream dictionary (not of embedded files)."""
    for match in _TRAILER.finditer(pdf):
        end = pdf.find(b">>", match.end())
        yield from (int(m.group(1)) for m in _SIZE.finditer(pdf, match.end(), end if end != -1 else len(pdf)))
    for match in _XREF_STREAM.finditer(pdf):
        start = max(pdf.rfind(b"obj", 0, match.start()), 0)
        end = pdf.find(b"stream", match.end())
        yield from (int(m.group(1)) for m in _SIZE.finditer(pdf, start, end if end != -1 else len(pdf)))


def _inflated_size(data: memoryview, cap: int) -> int:
    """How much a zlib stream at the start of data inflates to, stopping just past cap; 0 when not zlib.

    Output is counted and thrown away chunk by chunk. Stacked filters are left to pyHanko's own ratio limit.
    """
    inflater = zlib.decompressobj()
    produced = 0
    try:
        # Input goes in slices too: unconsumed_tail is a copy, and must stay small.
        for offset in range(0, len(data), _CHUNK):
            pending = data[offset:offset + _CHUNK]
            while pending and not inflater.eof and produced <= cap:
                produced += len(inflater.decompress(pending, _CHUNK))
                pending = inflater.unconsumed_tail
            if inflater.eof or produced > cap:
                break
        while not inflater.eof and produced <= cap:  # output zlib still holds after the last input
            out = inflater.decompress(b"", _CHUNK)
            if not out:
                break
            produced += len(out)
    except zlib.error:
        pass  # not (or no longer) Flate data: what inflated so far still counts
    return produced


def _check_streams(pdf: bytes, limits: Limits) -> None:
    """Inflate every stream just to count it. A stream runs to the next `endstream`; a `stream` keyword
    inside an earlier stream's data is skipped, so no byte is inflated twice."""
    if pdf.count(b"stream") > 2 * limits.objects:  # `stream` and `endstream` of each stream object
        raise TooComplex("objecten")
    view = memoryview(pdf)
    total, covered = 0, 0
    for match in _STREAM.finditer(pdf):
        start = match.end()
        if start < covered or pdf[match.start() - 3:match.start()] == b"end":
            continue
        end = pdf.find(b"endstream", start)
        covered = end if end != -1 else len(pdf)
        size = _inflated_size(view[start:covered], limits.stream_bytes)
        if size > limits.stream_bytes:
            raise TooComplex("stroomgrootte")
        total += size
        if total > limits.decoded_bytes:
            raise TooComplex("gedecodeerde bytes")


def check_raw(pdf: bytes, limits: Limits) -> None:
    """Raise TooComplex when the bytes alone show the file is over a limit. Names written with #-escapes
    escape these counts; the parser's own checks (check_structure, decode_limits) catch those."""
    startxref = pdf.count(b"startxref")
    xref_sections = pdf.count(b"xref") - startxref + _count(_XREF_STREAM, pdf, limits.revisions)
    if max(startxref, xref_sections) > limits.revisions:
        raise TooComplex("revisies")
    if pdf.count(b"endobj") > limits.objects or any(
            size > limits.objects for size in _declared_sizes(pdf)):
        raise TooComplex("objecten")
    # A signed field is written twice (empty at certification, filled when signed); each signature once.
    if (pdf.count(b"/ByteRange") > limits.signatures
            or _count(_SIG_FIELD, pdf, 2 * limits.signatures) > 2 * limits.signatures):
        raise TooComplex("handtekeningen")
    _check_streams(pdf, limits)


# --- stage 2: what the parser found -------------------------------------------------------------

def decode_limits(limits: Limits):
    """pyHanko's decoding bounds for this document: per stream, and in total per revision read."""
    from pyhanko.pdf_utils.decode_limits import DecodeLimits, DocumentDecodeBudget, StreamDecodeLimits

    return DecodeLimits(
        per_stream=StreamDecodeLimits(max_output_size=limits.stream_bytes),
        document_budget=DocumentDecodeBudget(base_allowance=limits.decoded_bytes, max_ratio=0),
    )


def _signature_fields(reader, limits: Limits) -> None:
    """Walk the form's field tree (each node once, at most `objects` nodes) and count the filled signature
    fields. A field whose value is a signature dictionary another field already uses is refused: it would
    only make the validator check the same signature again."""
    from pyhanko.pdf_utils import generic

    try:
        fields = reader.root["/AcroForm"]["/Fields"]
    except (KeyError, TypeError):
        return
    stack = [(fields, None)]
    seen_nodes, seen_values, signatures, visited = set(), set(), 0, 0
    while stack:
        nodes, inherited_type = stack.pop()
        if not isinstance(nodes, generic.ArrayObject):
            continue
        for ref in nodes:
            if not isinstance(ref, generic.IndirectObject) or ref.reference in seen_nodes:
                continue
            seen_nodes.add(ref.reference)
            visited += 1
            if visited > limits.objects:
                raise TooComplex("objecten")
            node = ref.get_object()
            if not isinstance(node, generic.DictionaryObject):
                continue
            field_type = node.get("/FT", inherited_type)
            if field_type == "/Sig" and "/V" in node:
                signatures += 1
                if signatures > limits.signatures:
                    raise TooComplex("handtekeningen")
                value = node.raw_get("/V")
                if isinstance(value, generic.IndirectObject):
                    if value.reference in seen_values:
                        raise TooComplex("dubbele handtekeningvelden")
                    seen_values.add(value.reference)
            if "/Kids" in node:
                stack.append((node["/Kids"], field_type))


def check_structure(reader, limits: Limits) -> None:
    """Raise TooComplex when the parsed file is over a limit; reads no signature and validates nothing."""
    if reader.total_revisions > limits.revisions:
        raise TooComplex("revisies")
    try:
        size = int(reader.trailer["/Size"])
    except (KeyError, TypeError, ValueError):
        size = 0
    if size > limits.objects:
        raise TooComplex("objecten")
    _signature_fields(reader, limits)
