"""Geweldsmiddelen per BOA-organisatie in the API: read by every member, written in concept by who may draft,
under the arrangement's lock_version like the gegevensstromen (arrangementen.geweldsmiddelen does the work)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from samenwerking import toegang

from .. import geweldregels, geweldsmiddelen, selectors
from ..models import Arrangement, Geweldsmiddeltoekenning
from .antwoorden import responses
from .geweldserializers import ToekenningInvoerSerializer, ToekenningSerializer
from .rijen import RijenMixin, row_of
from .stromen import LOCK_VERSION
from .stroomserializers import VerwijderSerializer

TOEKENNING = OpenApiParameter("toekenning_pk", int, OpenApiParameter.PATH, description="Id van het geweldsmiddel.")


class GeweldsmiddelenMixin(RijenMixin):
    """For ArrangementViewSet: GET/POST …/geweldsmiddelen/, PUT/DELETE …/geweldsmiddelen/{toekenning_pk}/. Every
    write answers with the arrangement (its new lock_version and `geweldsmiddelen`)."""

    @extend_schema(methods=["GET"], summary="De geweldsmiddelen per BOA-organisatie van dit arrangement",
                   responses={200: ToekenningSerializer(many=True),
                              404: OpenApiResponse(description="Onbekend, of van een driehoek waarin u geen lid "
                                                               "bent.")})
    @extend_schema(methods=["POST"], summary="Geweldsmiddel van een BOA-organisatie toevoegen (alleen in concept)",
                   request=ToekenningInvoerSerializer, responses=responses(201, conflict=True))
    @action(detail=True, methods=["get", "post"], url_path="geweldsmiddelen", pagination_class=None)  # never paged
    def geweldsmiddelen(self, request, pk=None):
        if request.method == "GET":
            arrangement = selectors.get_arrangement(request.user, pk)
            return Response(ToekenningSerializer(geweldregels.toekenningen_of(arrangement), many=True).data)
        arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
        data = self._valid(ToekenningInvoerSerializer)
        return self._write_row(arrangement, data.pop("lock_version"), status.HTTP_201_CREATED,
                                      lambda versie: geweldsmiddelen.add_toekenning(
                                          arrangement=arrangement, user=request.user, expected_version=versie,
                                          gegevens=geweldsmiddelen.Toekenninggegevens(**data)))

    @extend_schema(methods=["PUT"], summary="Geweldsmiddel van een BOA-organisatie vervangen (alleen in concept)",
                   parameters=[TOEKENNING], request=ToekenningInvoerSerializer,
                   responses=responses(200, conflict=True))
    @extend_schema(methods=["DELETE"], summary="Geweldsmiddel van een BOA-organisatie verwijderen (alleen in "
                                               "concept)",
                   parameters=[TOEKENNING, LOCK_VERSION], request=None, responses=responses(200, conflict=True))
    @action(detail=True, methods=["put", "delete"], url_path=r"geweldsmiddelen/(?P<toekenning_pk>[^/.]+)")
    def geweldsmiddel(self, request, pk=None, toekenning_pk=None):
        arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
        toekenning = _toekenning_of(arrangement, toekenning_pk)
        if request.method == "DELETE":
            query = VerwijderSerializer(data=request.query_params)
            query.is_valid(raise_exception=True)
            return self._write_row(arrangement, query.validated_data["lock_version"], status.HTTP_200_OK,
                                          lambda versie: geweldsmiddelen.delete_toekenning(
                                              toekenning=toekenning, user=request.user, expected_version=versie))
        data = self._valid(ToekenningInvoerSerializer)
        return self._write_row(arrangement, data.pop("lock_version"), status.HTTP_200_OK,
                                      lambda versie: geweldsmiddelen.update_toekenning(
                                          toekenning=toekenning, user=request.user, expected_version=versie,
                                          gegevens=geweldsmiddelen.Toekenninggegevens(**data)))


def _toekenning_of(arrangement: Arrangement, toekenning_pk) -> Geweldsmiddeltoekenning:
    return row_of(Geweldsmiddeltoekenning, arrangement, toekenning_pk,
                  unknown=_("Onbekend geweldsmiddel: dit bestaat niet of hoort niet bij dit arrangement."))
