"""PDF files crafted to be too complex to verify, made in the test from a real signed file with pyHanko's own
incremental writer. Shared by tests/documenten/test_verificatie_limieten.py and tests/integration."""

import io
import zlib


def incremental(data: bytes, change) -> bytes:
    """Append one incremental update made by `change(writer)` with pyHanko's own writer."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    change(writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def extra_signature_fields(data: bytes, count: int, *, object_stream: bool) -> bytes:
    """`count` new signature fields whose value is the signature dictionary of the first signed field."""
    from pyhanko.pdf_utils import generic

    def change(writer):
        fields = writer.root["/AcroForm"]["/Fields"]
        signed = next(f.get_object() for f in fields if "/V" in f.get_object())
        value = signed.raw_get("/V")
        stream = writer.prepare_object_stream() if object_stream else None
        for number in range(count):
            field = generic.DictionaryObject({
                generic.pdf_name("/FT"): generic.pdf_name("/Sig"),
                generic.pdf_name("/T"): generic.pdf_string(f"Extra {number}"),
                generic.pdf_name("/V"): value,
            })
            fields.append(writer.add_object(field, obj_stream=stream))
        writer.update_container(fields)

    return incremental(data, change)


def extra_revisions(data: bytes, count: int) -> bytes:
    from pyhanko.pdf_utils import generic

    for number in range(count):
        data = incremental(data, lambda writer, n=number: writer.add_object(generic.pdf_string(f"revisie {n}")))
    return data


def extra_objects(data: bytes, count: int, *, object_stream: bool) -> bytes:
    from pyhanko.pdf_utils import generic

    def change(writer):
        stream = writer.prepare_object_stream() if object_stream else None
        for number in range(count):
            writer.add_object(generic.NumberObject(number), obj_stream=stream)
        writer.update_root()  # something outside the object stream, so that the writer writes at all

    return incremental(data, change)


def deflate_bomb(size: int) -> bytes:
    """`size` zero bytes deflated, made a megabyte at a time so the test never holds them."""
    compressor = zlib.compressobj(9)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + compressor.flush()


def with_bomb(data: bytes, size: int) -> bytes:
    """An incremental update adding one small FlateDecode stream that inflates to `size` bytes."""
    from pyhanko.pdf_utils import generic

    bomb = deflate_bomb(size)

    def change(writer):
        stream = generic.StreamObject({generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode")},
                                      encoded_data=bomb)
        writer.add_object(stream)

    return incremental(data, change)
