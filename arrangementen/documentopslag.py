"""Document versions with their files, all or nothing: storage is not transactional, the database is."""

import hashlib
import logging
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import transaction

from samenwerking.historie import save_tracked as _save

from .models import Document, Documentversie

# The documents' log, as before these helpers left documenten.py: log filters and alerts keep working.
logger = logging.getLogger("arrangementen.documenten")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextmanager
def atomic_with_files():
    """A transaction whose files are written as its last step and removed again when it does not commit.

    Storage is not transactional: a version's row names its file, the bytes are written only after every row
    of the transaction was stored, and a failure from then on (the commit included) deletes what was written,
    so no file outlives a version that was rolled back. Inside a caller's transaction the caller's later
    rollback is not seen; the views call these services outside any transaction (no ATOMIC_REQUESTS).
    """
    pending: list[tuple[str, bytes]] = []
    written: list[str] = []
    storage = Documentversie._meta.get_field("bestand").storage
    try:
        with transaction.atomic():
            yield pending
            for name, data in pending:
                # Counted before the write: a write that fails halfway may leave part of the file behind.
                written.append(name)
                stored = storage.save(name, ContentFile(data))
                if stored != name:  # the reserved name was taken meanwhile: the row would name another file
                    written[-1] = stored
                    raise OSError(f"{name} is al in gebruik")
    except BaseException:
        for name in written:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Bestand %s van een teruggedraaide documentversie niet verwijderd", name)
        raise


def store_version(document: Document, pdf: bytes, number: int, description: str, user,
                  files: list) -> Documentversie:
    """Store the version's row with a reserved file name; the bytes go to `files`, written at the commit."""
    versie = Documentversie(document=document, volgnummer=number, sha256=sha256(pdf), omschrijving=description)
    field = versie.bestand.field
    versie.bestand.name = field.storage.get_available_name(
        field.generate_filename(versie, f"{document.referentie}-{number:02d}.pdf"),
        max_length=field.max_length)
    _save(versie, user)
    files.append((versie.bestand.name, pdf))
    return versie
