"""REST API for evaluations: /api/v1/evaluaties/ (list, detail, create), scoped like the site.

Another driehoek's evaluation, arrangement or overleg answers 404; recording without the right to manage
overleggen answers 403; an arrangement not in force or an incomplete assessment answers 400 in Dutch.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.status import HTTP_201_CREATED

from arrangementen import selectors as arrangement_selectors
from samenwerking import toegang
from samenwerking.apibasis import (
    DatumField,
    DutchJSONParser,
    IdField,
    NumericIdMixin,
    StrictMixin,
    TekstField,
    list_responses,
)

from .. import selectors as actiepunt_selectors
from ..api.serializers import KeuzeField
from . import selectors, services
from .models import Conclusie, Oordeel


class EvaluatieSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    arrangement = serializers.IntegerField(source="arrangement_id", read_only=True)
    arrangement_titel = serializers.CharField(source="arrangement.titel", read_only=True)
    arrangement_versie = serializers.IntegerField(source="arrangement.versie", read_only=True)
    overleg = serializers.IntegerField(source="overleg_id", read_only=True)
    datum = serializers.DateField(read_only=True)
    conclusie = serializers.CharField(read_only=True)
    volgende_evaluatie = serializers.DateField(read_only=True)
    vastgelegd_door = serializers.CharField(read_only=True)
    vastgelegd_op = serializers.DateTimeField(read_only=True)


class OordeelSerializer(serializers.Serializer):
    afspraak = serializers.IntegerField(source="afspraak_id", read_only=True)
    afspraak_titel = serializers.CharField(source="afspraak.titel", read_only=True)
    oordeel = serializers.CharField(read_only=True)
    toelichting = serializers.CharField(read_only=True)


class StroomoordeelSerializer(serializers.Serializer):
    stroom = serializers.IntegerField(source="stroom_id", read_only=True)
    omschrijving = serializers.CharField(read_only=True, help_text="De gegevensstroom zoals die is beoordeeld.")
    nog_nodig = serializers.BooleanField(read_only=True)
    nog_proportioneel = serializers.BooleanField(read_only=True)
    incidenten = serializers.BooleanField(read_only=True)
    toelichting = serializers.CharField(read_only=True)


class EvaluatieDetailSerializer(EvaluatieSerializer):
    toelichting = serializers.CharField(read_only=True)
    oordelen = serializers.SerializerMethodField()
    stroomoordelen = serializers.SerializerMethodField()
    actiepunten = serializers.SerializerMethodField()

    @extend_schema_field(OordeelSerializer(many=True))
    def get_oordelen(self, evaluatie) -> list:
        return OordeelSerializer(self.context["detail"]["oordelen"], many=True).data

    @extend_schema_field(StroomoordeelSerializer(many=True))
    def get_stroomoordelen(self, evaluatie) -> list:
        return StroomoordeelSerializer(self.context["detail"]["stroomoordelen"], many=True).data

    def get_actiepunten(self, evaluatie) -> list[int]:
        return [a.pk for a in self.context["detail"]["actiepunten"]]


class OordeelInvoerSerializer(StrictMixin, serializers.Serializer):
    afspraak = IdField(help_text="Id van een afspraak van het arrangement.")
    oordeel = KeuzeField(choices=Oordeel.choices)
    toelichting = TekstField(allow_blank=True, default="", max_length=5000,
                             help_text="Verplicht bij bijstellen: wat moet er veranderen?")


def _ja_nee(help_text: str) -> serializers.BooleanField:
    return serializers.BooleanField(help_text=help_text, error_messages={
        "invalid": gettext_lazy("Kies true of false."), "required": gettext_lazy("Kies true of false."),
        "null": gettext_lazy("Kies true of false.")})


class StroomoordeelInvoerSerializer(StrictMixin, serializers.Serializer):
    stroom = IdField(help_text="Id van een gegevensstroom van het arrangement.")
    nog_nodig = _ja_nee("Is de gegevensstroom nog nodig?")
    nog_proportioneel = _ja_nee("Is de gegevensstroom nog proportioneel?")
    incidenten = _ja_nee("Waren er incidenten?")
    toelichting = TekstField(allow_blank=True, default="", max_length=5000,
                             help_text="Verplicht bij incidenten, en als de stroom niet meer nodig of niet meer "
                                       "proportioneel is.")


class EvaluatieCreateSerializer(StrictMixin, serializers.Serializer):
    arrangement = IdField(help_text="Id van een ondertekend arrangement dat in werking is.")
    overleg = IdField(help_text="Id van een overleg van de soort evaluatie in dezelfde driehoek.")
    conclusie = KeuzeField(choices=Conclusie.choices)
    toelichting = TekstField(allow_blank=True, default="", max_length=20000)
    volgende_evaluatie = DatumField(allow_null=True, default=None, help_text="Leeg: een jaar na het overleg.")
    oordelen = OordeelInvoerSerializer(many=True, help_text="Eén oordeel voor elke afspraak van het arrangement.")
    stroomoordelen = StroomoordeelInvoerSerializer(
        many=True, default=list, help_text="Eén oordeel voor elke gegevensstroom van het arrangement (leeg als het "
                                           "arrangement geen gegevensstromen heeft).")


class EvaluatieFilterSerializer(serializers.Serializer):
    arrangement = IdField(required=False, help_text="Id van een arrangement.")


def _responses(ok_status: int, serializer) -> dict:
    return {
        ok_status: serializer,
        400: OpenApiResponse(description="Ongeldige invoer (fouten per veld)."),
        403: OpenApiResponse(description="Uw rol in deze driehoek staat dit niet toe."),
        404: OpenApiResponse(description="Onbekend, of van een driehoek waarin u geen lid bent."),
    }


@extend_schema_view(
    list=extend_schema(summary="Evaluaties van arrangementen in mijn driehoeken",
                       parameters=[EvaluatieFilterSerializer], responses=list_responses(EvaluatieSerializer)),
    retrieve=extend_schema(summary="Eén evaluatie met het oordeel per afspraak",
                           responses=_responses(200, EvaluatieDetailSerializer)),
    create=extend_schema(summary="Evaluatie vastleggen", request=EvaluatieCreateSerializer,
                         responses=_responses(201, EvaluatieDetailSerializer)),
)
class EvaluatieViewSet(NumericIdMixin, viewsets.GenericViewSet):
    """Evaluaties van de driehoeken waarin u lid bent. Vastleggen mag wie overleggen beheert (de secretaris)."""

    parser_classes = [DutchJSONParser]
    serializer_class = EvaluatieSerializer

    def get_queryset(self):
        return selectors.visible_evaluaties(self.request.user)

    def list(self, request):
        filters = EvaluatieFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = self.get_queryset().select_related(*selectors.EVALUATIE_RELATED)
        if "arrangement" in filters.validated_data:
            queryset = queryset.filter(arrangement_id=filters.validated_data["arrangement"])
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(EvaluatieSerializer(page, many=True).data)

    def _detail(self, pk, status_code=200) -> Response:
        evaluatie = selectors.get_evaluatie(self.request.user, pk)
        context = {**self.get_serializer_context(), "detail": selectors.evaluatie_detail(evaluatie)}
        return Response(EvaluatieDetailSerializer(evaluatie, context=context).data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._detail(pk)

    def create(self, request):
        serializer = EvaluatieCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        arrangement = arrangement_selectors.get_arrangement(request.user, data["arrangement"],
                                                            permission=toegang.MANAGE_OVERLEG)
        overleg = actiepunt_selectors.get_overleg(request.user, data["overleg"])
        evaluatie = services.record_evaluatie(
            arrangement=arrangement, overleg=overleg, user=request.user, conclusie=data["conclusie"],
            toelichting=data["toelichting"], volgende_evaluatie=data["volgende_evaluatie"],
            oordelen=[services.OordeelRegel(afspraak_id=o["afspraak"], oordeel=o["oordeel"],
                                            toelichting=o["toelichting"]) for o in data["oordelen"]],
            stroomoordelen=[services.StroomRegel(stroom_id=o["stroom"], nog_nodig=o["nog_nodig"],
                                                 nog_proportioneel=o["nog_proportioneel"],
                                                 incidenten=o["incidenten"], toelichting=o["toelichting"])
                            for o in data["stroomoordelen"]],
        )
        return self._detail(evaluatie.pk, HTTP_201_CREATED)
