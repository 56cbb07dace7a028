"""The documented answers of the arrangementen API's writes, shared by the viewset and its mixins."""

from drf_spectacular.utils import OpenApiResponse

from .serializers import ArrangementDetailSerializer, VersieConflictSerializer


def responses(ok_status: int, *, conflict=False, bad="Ongeldige invoer (fouten per veld).") -> dict:
    responses = {
        ok_status: ArrangementDetailSerializer,
        400: OpenApiResponse(description=bad),
        403: OpenApiResponse(description="Uw rol in deze driehoek staat dit niet toe."),
        404: OpenApiResponse(description="Onbekend, of van een driehoek waarin u geen lid bent."),
    }
    if conflict:
        responses[409] = OpenApiResponse(VersieConflictSerializer, description="lock_version is verouderd.")
    return responses
