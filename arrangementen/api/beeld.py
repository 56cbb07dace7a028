"""The aggregate picture above the driehoek in the API (issue 16): /api/v1/beeld/ (JSON) and /api/v1/beeld/geojson/.

The same rows as the page /beeld/ (arrangementen.beeld.overview): the gemeenten of the user's overview scopes with
their state on the peildatum, dates, parties count and BOA-inzet — aggregates only, never a driehoek's content.
Without an active overview role: 403, as on the page. A bad `peildatum`: 400 with a Dutch message.

The GeoJSON carries each gemeente's state in `properties` and its outline in `geometry` (WGS84), decoded once per
process by the map module (arrangementen.kaart) from the same TopoJSON as the map; null for a gemeente without a
known shape.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from samenwerking import toegang
from samenwerking.apibasis import DatumField

from .. import kaart
from ..beeld import overview
from ..beeldtabel import inzet_per_domein, party_counts, record
from ..dekking import Dekking
from ..forms import check_peildatum
from ..models import Domein


class BeeldFilterSerializer(serializers.Serializer):
    peildatum = DatumField(required=False, allow_null=True,
                           help_text="De dag waarop de stand geldt (JJJJ-MM-DD); standaard vandaag.")

    def validate_peildatum(self, value):
        try:
            return check_peildatum(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class DomeininzetSerializer(serializers.Serializer):
    domein = serializers.ChoiceField(choices=Domein.choices)
    boas = serializers.IntegerField()
    fte = serializers.DecimalField(max_digits=7, decimal_places=1)


class GemeentestandSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    naam = serializers.CharField()
    cbs_code = serializers.CharField(help_text="CBS-code, bijvoorbeeld GM0344.")
    eenheid = serializers.CharField(help_text="Politie-eenheid.")
    veiligheidsregio = serializers.CharField()
    stand = serializers.ChoiceField(choices=Dekking.choices, help_text="De stand op de peildatum, de beste eerst.")
    stand_label = serializers.CharField()
    gedekt = serializers.BooleanField(help_text="Partij van een ondertekend arrangement dat in werking is.")
    arrangementen = serializers.IntegerField(help_text="Arrangementen waarvan de gemeente ondertekenende partij is.")
    geldig_van = serializers.DateField(allow_null=True, help_text="Van het arrangement dat de stand bepaalt.")
    geldig_tot = serializers.DateField(allow_null=True, help_text="Van het arrangement dat de stand bepaalt.")
    partijen = serializers.IntegerField(help_text="Aantal partijen van het arrangement dat de stand bepaalt.")
    boas = serializers.IntegerField(allow_null=True, help_text="BOA's van het arrangement in werking; anders null.")
    fte = serializers.DecimalField(max_digits=9, decimal_places=1, allow_null=True,
                                   help_text="Fte van het arrangement in werking; anders null.")
    inzet = DomeininzetSerializer(many=True, help_text="BOA-inzet per domein van het arrangement in werking; "
                                                       "leeg als de gemeente niet gedekt is.")
    geweldsmiddelen_zonder_arrangement = serializers.BooleanField(
        help_text="Boa's van een organisatie in een arrangement van deze gemeente dragen geweldsmiddelen terwijl "
                  "geen arrangement voor die organisatie in werking is.")


_TIENDE = Decimal("0.1")
_VELDEN = tuple(GemeentestandSerializer().fields)


def _getal(value) -> str | None:
    """A DecimalField of one decimal place as DRF writes it: a string, or None."""
    return None if value is None else f"{Decimal(value).quantize(_TIENDE):f}"


def _datum(value) -> str | None:
    return None if value is None else value.isoformat()


def _as_json(item: dict) -> dict:
    """What GemeentestandSerializer(item).data gives, written directly: 342 rows of 17 fields through DRF's field
    objects took about half of the national API request (the serializer stays for the schema; tests compare)."""
    result = {name: item[name] for name in _VELDEN}  # the serializer's order
    result.update(geldig_van=_datum(item["geldig_van"]), geldig_tot=_datum(item["geldig_tot"]),
                  stand_label=str(item["stand_label"]), fte=_getal(item["fte"]),
                  inzet=[{"domein": regel["domein"], "boas": regel["boas"], "fte": _getal(regel["fte"])}
                         for regel in item["inzet"]])
    return result


_FEATURE = inline_serializer("BeeldFeature", fields={
    "type": serializers.ChoiceField(choices=["Feature"]),
    "id": serializers.CharField(help_text="CBS-code"),
    "geometry": serializers.JSONField(
        allow_null=True, help_text="De omtrek van de gemeente (WGS84); null voor een gemeente zonder bekende vorm."),
    "properties": GemeentestandSerializer(),
})
_COLLECTION = inline_serializer("BeeldFeatureCollection", fields={
    "type": serializers.ChoiceField(choices=["FeatureCollection"]),
    "peildatum": serializers.DateField(),
    "features": serializers.ListField(child=_FEATURE),
})
_ERRORS = {400: OpenApiResponse(description="Ongeldige peildatum (foutmelding per parameter)."),
           403: OpenApiResponse(description="U heeft geen overzichtsrol (eenheid, veiligheidsregio of landelijk).")}


class BeeldViewSet(viewsets.ViewSet):
    """De stand per gemeente in uw overzicht: alleen geaggregeerde gegevens, nooit de inhoud van een driehoek."""

    def _records(self, request) -> tuple:
        if not toegang.overview_scopes(request.user).exists():
            raise exceptions.PermissionDenied(_("Dit overzicht is er voor wie een overzichtsrol heeft voor een "
                                                "politie-eenheid, een veiligheidsregio of heel Nederland."))
        filters = BeeldFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        peildatum = filters.validated_data.get("peildatum") or timezone.localdate()
        beeld = overview(request.user, peildatum=peildatum)
        partijen, inzet = party_counts(beeld), inzet_per_domein(beeld)
        return peildatum, [_as_json(record(r, partijen=partijen, inzet=inzet)) for r in beeld.regels]

    @extend_schema(summary="De stand van elke gemeente in mijn overzicht", parameters=[BeeldFilterSerializer],
                   responses={200: GemeentestandSerializer(many=True), **_ERRORS})
    def list(self, request):
        return Response(self._records(request)[1])

    @extend_schema(summary="De stand van elke gemeente in mijn overzicht als GeoJSON",
                   parameters=[BeeldFilterSerializer], responses={200: _COLLECTION, **_ERRORS})
    @action(detail=False, methods=["get"], url_path="geojson")
    def geojson(self, request):
        peildatum, data = self._records(request)
        shapes = kaart.geojson_geometries()
        return Response({"type": "FeatureCollection", "peildatum": peildatum, "features": [
            {"type": "Feature", "id": item["cbs_code"], "geometry": shapes.get(item["cbs_code"]), "properties": item}
            for item in data]})
