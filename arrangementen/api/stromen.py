"""The register of data flows under an arrangement in the API: read by every member, written in concept by who
may draft, under the arrangement's lock_version like the afspraken (arrangementen.gegevensstromen does the work)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from samenwerking import toegang

from .. import gegevensstromen, selectors, stroomregels
from ..models import Arrangement, Gegevensstroom
from .antwoorden import responses
from .rijen import RijenMixin, row_of
from .stroomserializers import GegevensstroomInvoerSerializer, GegevensstroomSerializer, VerwijderSerializer

STROOM = OpenApiParameter("stroom_pk", int, OpenApiParameter.PATH, description="Id van de gegevensstroom.")
LOCK_VERSION = OpenApiParameter("lock_version", int, OpenApiParameter.QUERY, required=True,
                                description="De lock_version van het arrangement; verouderd → 409.")


class GegevensstromenMixin(RijenMixin):
    """For ArrangementViewSet: GET/POST …/gegevensstromen/, PUT/DELETE …/gegevensstromen/{stroom_pk}/. Every write
    answers with the arrangement (its new lock_version and `gegevensstromen`), as adding an afspraak does."""

    @extend_schema(methods=["GET"], summary="De gegevensstromen van dit arrangement",
                   responses={200: GegevensstroomSerializer(many=True),
                              404: OpenApiResponse(description="Onbekend, of van een driehoek waarin u geen lid "
                                                               "bent.")})
    @extend_schema(methods=["POST"], summary="Gegevensstroom toevoegen (alleen in concept)",
                   request=GegevensstroomInvoerSerializer, responses=responses(201, conflict=True))
    @action(detail=True, methods=["get", "post"], url_path="gegevensstromen", pagination_class=None)  # never paged
    def gegevensstromen(self, request, pk=None):
        if request.method == "GET":
            arrangement = selectors.get_arrangement(request.user, pk)
            return Response(GegevensstroomSerializer(stroomregels.flows_with_receivers(arrangement), many=True).data)
        arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
        data = self._valid(GegevensstroomInvoerSerializer)
        return self._write_row(arrangement, data.pop("lock_version"), status.HTTP_201_CREATED,
                                lambda versie: gegevensstromen.add_gegevensstroom(
                                    arrangement=arrangement, user=request.user, expected_version=versie,
                                    gegevens=gegevensstromen.Stroomgegevens(**data)))

    @extend_schema(methods=["PUT"], summary="Gegevensstroom vervangen (alleen in concept)", parameters=[STROOM],
                   request=GegevensstroomInvoerSerializer, responses=responses(200, conflict=True))
    @extend_schema(methods=["DELETE"], summary="Gegevensstroom verwijderen (alleen in concept)",
                   parameters=[STROOM, LOCK_VERSION], request=None, responses=responses(200, conflict=True))
    @action(detail=True, methods=["put", "delete"], url_path=r"gegevensstromen/(?P<stroom_pk>[^/.]+)")
    def gegevensstroom(self, request, pk=None, stroom_pk=None):
        arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
        stroom = _stroom_of(arrangement, stroom_pk)
        if request.method == "DELETE":
            query = VerwijderSerializer(data=request.query_params)
            query.is_valid(raise_exception=True)
            return self._write_row(arrangement, query.validated_data["lock_version"], status.HTTP_200_OK,
                                    lambda versie: gegevensstromen.delete_gegevensstroom(
                                        stroom=stroom, user=request.user, expected_version=versie))
        data = self._valid(GegevensstroomInvoerSerializer)
        return self._write_row(arrangement, data.pop("lock_version"), status.HTTP_200_OK,
                                lambda versie: gegevensstromen.update_gegevensstroom(
                                    stroom=stroom, user=request.user, expected_version=versie,
                                    gegevens=gegevensstromen.Stroomgegevens(**data)))


def _stroom_of(arrangement: Arrangement, stroom_pk) -> Gegevensstroom:
    return row_of(Gegevensstroom, arrangement, stroom_pk,
                  unknown=_("Onbekende gegevensstroom: deze bestaat niet of hoort niet bij dit arrangement."))
