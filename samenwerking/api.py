"""REST API for driehoeken: read-only, scoped exactly like the site (`toegang.visible_driehoeken`)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from samenwerking.apibasis import NumericIdMixin, list_responses

from . import toegang
from .models import Driehoek, Gemeente
from .toegang import permissions_on_many, visible_driehoeken


class GemeenteSerializer(serializers.ModelSerializer):
    naam = serializers.CharField(source="weergavenaam", read_only=True)

    class Meta:
        model = Gemeente
        fields = ["cbs_code", "naam"]


class DriehoekSerializer(serializers.ModelSerializer):
    soort_label = serializers.CharField(source="get_soort_display", read_only=True)
    basisteam = serializers.CharField(source="basisteam.naam", read_only=True, allow_null=True, default=None)
    basisteam_id = serializers.IntegerField(read_only=True, allow_null=True)
    eenheid = serializers.CharField(source="eenheid.code", read_only=True, allow_null=True, default=None)
    gemeenten = GemeenteSerializer(many=True, read_only=True)
    mijn_rechten = serializers.SerializerMethodField(
        help_text="De rechten van de ingelogde gebruiker in deze driehoek (zie samenwerking.rollen).",
    )

    class Meta:
        model = Driehoek
        fields = ["id", "naam", "soort", "soort_label", "basisteam", "basisteam_id", "eenheid", "gemeenten",
                  "mijn_rechten"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_mijn_rechten(self, driehoek) -> list[str]:
        # Same source as toegang.permissions_on; the view prefetched the page, so no query per row.
        return sorted(self.context["rechten"].get(driehoek.pk, set()) & toegang.ALL_PERMISSIONS)


@extend_schema_view(
    list=extend_schema(summary="Mijn driehoeken", description="De driehoeken waarin u lid bent.",
                       responses=list_responses(DriehoekSerializer, filters=False)),
    retrieve=extend_schema(summary="Eén driehoek", description="404 als u geen lid van de driehoek bent.",
                           responses={200: DriehoekSerializer,
                                      404: OpenApiResponse(description="Onbekend, of u bent er geen lid van.")}),
)
class DriehoekViewSet(NumericIdMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DriehoekSerializer

    def get_queryset(self):
        return (
            visible_driehoeken(self.request.user)
            .select_related("basisteam", "eenheid")
            .prefetch_related("gemeenten")
            .order_by("naam")
        )

    def get_serializer(self, instance=None, *args, **kwargs):
        if instance is not None:
            objects = list(instance) if kwargs.get("many") else [instance]
            kwargs["context"] = {**self.get_serializer_context(),
                                 "rechten": permissions_on_many(self.request.user, objects)}
        return super().get_serializer(instance, *args, **kwargs)
