"""Small helpers shared by the arrangementen tests."""

from arrangementen.models import Arrangement

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
