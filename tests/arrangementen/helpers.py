"""Small helpers shared by the arrangementen tests."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from arrangementen import documenten, documentopslag
from arrangementen.models import Arrangement, Document, Documentversie, Status

GELDIGE_TOELICHTING = "Besproken in het tactisch overleg."
REFERENTIE = "Verslag driehoek 2025-07, agendapunt 4"


def zet_status(arrangement: Arrangement, status: str, **velden) -> Arrangement:
    """Setup only: put an arrangement in `status` without walking the workflow.

    Each workflow step has its own tests; going through all of them to reach a status would make every
    other test depend on them (and be slow). Never used for the behaviour under test.
    """
    Arrangement.objects.filter(pk=arrangement.pk).update(status=status, **velden)
    arrangement.refresh_from_db()
    return arrangement


def html(response) -> str:
    return response.content.decode()


def in_werking_met_pdf(arrangement: Arrangement, user, **velden) -> Arrangement:
    """Setup only: in force since a month, with a stored 'signed PDF' version (its bytes do not matter here)."""
    today = timezone.localdate()
    arrangement = zet_status(arrangement, Status.ONDERTEKEND, **velden,
                             geldig_van=today - datetime.timedelta(days=30),
                             geldig_tot=today + datetime.timedelta(days=700),
                             ondertekend_op=timezone.now() - datetime.timedelta(days=31))
    document = Document.objects.create(arrangement=arrangement, referentie=documenten.reference_for(arrangement),
                                       status=Document.Status.GEREED, aangevraagd_door=user)
    data = b"%PDF-1.7 ondertekend"
    versie = Documentversie(document=document, volgnummer=1, sha256=documentopslag.sha256(data),
                            omschrijving="Ondertekend door alle partijen")
    versie.bestand.save(f"{document.referentie}-01.pdf", ContentFile(data), save=True)
    return arrangement
