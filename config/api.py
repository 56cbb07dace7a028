"""API wiring shared by the apps: Dutch error bodies, and 404 for what another driehoek owns."""

import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from samenwerking import audit


def exception_handler(exc, context):
    """Let model/service ValidationErrors answer 400 with field errors instead of 500."""
    audit.record_access_refusal(context["request"], exc, view=context.get("view"))  # ASVS 16.3: refusals on record
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    return drf_exception_handler(exc, context)


# A database id: digits only (no '²' or '١', which str.isdigit accepts), and within a bigint.
ID_PATTERN = re.compile(r"[0-9]{1,18}")


class NumericIdMixin:
    """An id in the path that is no whole number (`/api/v1/arrangementen/abc/`) answers 404, as an unknown id
    does, instead of reaching the database lookup (a ValueError there was a 500)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        pk = kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if pk is not None and not ID_PATTERN.fullmatch(str(pk)):
            raise exceptions.NotFound(_("Onbekend nummer: dit bestaat niet of u heeft er geen toegang toe."))


def list_responses(serializer, *, filters=True) -> dict:
    """A list: its page of results, 400 for an invalid filter, 404 for a page number beyond the last page."""
    responses = {200: serializer,
                 404: OpenApiResponse(description="Deze pagina bestaat niet (`page` voorbij de laatste pagina).")}
    if filters:
        responses[400] = OpenApiResponse(description="Ongeldig filter (fouten per parameter).")
    return responses
