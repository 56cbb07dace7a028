"""The API's ground floor, shared by the apps: Dutch error bodies, strict input types with Dutch messages,
and 404 for an id in the path that is no number."""

import re
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from samenwerking import audit
from samenwerking.berichten import STUURTEKENS_MELDING, has_control_characters
from samenwerking.beveiliging import CSRF_MESSAGE, TOO_LARGE, TOO_LARGE_MESSAGE
from samenwerking.tekstlimieten import LANGE_TEKST


def exception_handler(exc, context):
    """Let model/service ValidationErrors answer 400 with field errors instead of 500; a body over Django's
    limits answers 413 in JSON (not Django's HTML 400 page)."""
    audit.record_access_refusal(context["request"], exc, view=context.get("view"))  # ASVS 16.3: refusals on record
    if isinstance(exc, TOO_LARGE):
        return Response({"detail": str(TOO_LARGE_MESSAGE)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        # DRF's session authentication refuses in English, with Django's internal reason.
        exc = exceptions.PermissionDenied(detail=CSRF_MESSAGE)
    return drf_exception_handler(exc, context)


# The largest id PostgreSQL and SQLite can store (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    """The id of a row in a filter or body: a whole number from 1 up to a bigint; anything else (a negative
    number, text, a number beyond 64 bits) is one Dutch 400, never a lookup."""

    default_error_messages = {
        "invalid": gettext_lazy("Geef een geldig nummer: een geheel getal vanaf 1."),
        "min_value": gettext_lazy("Geef een geldig nummer: een geheel getal vanaf 1."),
        "max_value": gettext_lazy("Geef een geldig nummer: dit getal is te groot."),
        "max_string_length": gettext_lazy("Geef een geldig nummer: dit getal is te groot."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


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


class DutchJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError:
            raise ParseError(_("De inhoud van het verzoek is geen geldige JSON.")) from None


# --- input fields: strict types, Dutch messages (DRF's nl catalogue is incomplete) ---------------------

class TekstField(serializers.CharField):
    """Only real text: DRF's CharField would silently turn 123 into "123"."""

    default_error_messages = {
        "invalid": gettext_lazy("Vul tekst in, geen getal, lijst of ja/nee."),
        "blank": gettext_lazy("Dit veld mag niet leeg zijn."),
        "null": gettext_lazy("Dit veld mag niet leeg zijn."),
        "max_length": gettext_lazy("Gebruik hoogstens {max_length} tekens."),
    }

    def __init__(self, **kwargs):
        # Every free text is bounded, also where a field names no smaller bound of its own.
        kwargs.setdefault("max_length", LANGE_TEKST)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class KeuzeLabelField(serializers.CharField):
    """The label of a choices field (what get_<veld>_display gives), read-only. A CharField with that method as
    source gives the same, but DRF then inspects the method's signature for every row (issue 19: list endpoints)."""

    def __init__(self, veld: str, **kwargs):
        self.veld = veld
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        return str(getattr(instance, f"get_{self.veld}_display")())


class DatumField(serializers.DateField):
    default_error_messages = {
        "invalid": gettext_lazy("Geen geldige datum: gebruik JJJJ-MM-DD, bijvoorbeeld 2025-12-31."),
        "datetime": gettext_lazy("Geef een datum zonder tijd, bijvoorbeeld 2025-12-31."),
    }


class AantalField(serializers.IntegerField):
    default_error_messages = {
        "invalid": gettext_lazy("Vul een geheel getal in."),
        "min_value": gettext_lazy("Vul een getal van {min_value} of meer in."),
        "max_value": gettext_lazy("Vul een getal van hoogstens {max_value} in."),
        "max_string_length": gettext_lazy("Dit getal is te lang."),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


def one_line(value: str) -> str:
    """A title goes into mail subjects and headings: a line break or other control character is refused."""
    if has_control_characters(value):
        raise serializers.ValidationError(STUURTEKENS_MELDING)
    return value


class StrictMixin:
    """Refuse keys the endpoint does not know, so a typo or a read-only field is not silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Onbekend veld: dit veld bestaat niet of kan hier niet worden gewijzigd.")]
                     for name in unknown}
                )
        return super().to_internal_value(data)


class Paginering(PageNumberPagination):
    """Pages by number, as DRF does, with a Dutch refusal; an empty `page=` is refused like any other page that is
    no number, instead of silently meaning the first page (found by fuzzing: the schema says integer)."""

    invalid_page_message = gettext_lazy("Ongeldige pagina: pagina {page_number} bestaat niet.")

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if value is not None and not value.strip():
            raise exceptions.NotFound(_("Ongeldige pagina: vul een paginanummer in of laat 'page' weg."))
        return super().get_page_number(request, paginator)
