"""Rows under an arrangement in the API (gegevensstromen, geweldsmiddelen): one way to find a row of the
arrangement and one way to write it under the arrangement's lock_version."""

from rest_framework import exceptions
from rest_framework.response import Response

from samenwerking.apibasis import ID_PATTERN

from .. import selectors, services
from ..models import Arrangement


def row_of(model, arrangement: Arrangement, pk, *, unknown: str):
    """A row of this arrangement, else 404 (also for an id that is no number, as NumericIdMixin does)."""
    row = None
    if ID_PATTERN.fullmatch(str(pk)):
        row = model.objects.select_related("arrangement").filter(pk=pk, arrangement=arrangement).first()
    if row is None:
        raise exceptions.NotFound(unknown)
    return row


class RijenMixin:
    """For ArrangementViewSet's row actions: every write answers with the arrangement (its new lock_version)."""

    def _write_row(self, arrangement: Arrangement, versie: int, status_code: int, write) -> Response:
        try:
            write(versie)
        except services.StaleEdit as exc:
            return self._conflict(arrangement, exc)
        return self._detail(selectors.get_arrangement(self.request.user, arrangement.pk), status_code)
