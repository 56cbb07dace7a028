"""Geweldsmiddelen per BOA-organisatie and domein in the API (issue 20): how a row reads, what a write sends, and
the refusal of the retired per-arrangement list. Whether a row may exist is decided by arrangementen.geweldsmiddelen
alone (a party that is a BOA-werkgever, a domein with BOA-inzet), with the same Dutch messages as the site."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from samenwerking.apibasis import AantalField, DatumField, IdField, StrictMixin, TekstField
from samenwerking.models import Organisatie

from ..models import Domein, Geweldsmiddel


class ToekenningSerializer(serializers.Serializer):
    """Eén geweldsmiddel van de boa's van één BOA-organisatie in één domein, met de toekenning door de minister
    als die bekend is."""

    id = serializers.IntegerField()
    organisatie = serializers.IntegerField(source="organisatie_id", help_text="Id van de BOA-organisatie (partij).")
    organisatie_naam = serializers.CharField(source="organisatie.naam")
    domein = serializers.CharField()
    domein_label = serializers.CharField(source="get_domein_display")
    geweldsmiddel = serializers.CharField()
    geweldsmiddel_label = serializers.CharField(source="get_geweldsmiddel_display")
    toegekend_op = serializers.DateField(allow_null=True, help_text="Datum van het besluit van de minister.")
    kenmerk = serializers.CharField(help_text="Kenmerk van het besluit van de minister.")


class GeweldsmiddelenVeld(serializers.Serializer):
    """For the arrangement's detail: the rows come from context["detail"]["geweldsmiddelen"] (one query)."""

    geweldsmiddelen = serializers.SerializerMethodField(
        help_text="De geweldsmiddelen per BOA-organisatie en domein (…/geweldsmiddelen/ om ze te wijzigen).")

    @extend_schema_field(ToekenningSerializer(many=True))
    def get_geweldsmiddelen(self, obj):
        return ToekenningSerializer(self.context["detail"]["geweldsmiddelen"], many=True).data


class GeenOudeLijst:
    """The per-arrangement list is gone: a client that still sends it is told where the rows are written now."""

    def to_internal_value(self, data):
        if isinstance(data, dict) and "geweldsmiddelen" in data:
            raise serializers.ValidationError({"geweldsmiddelen": [_(
                "Geweldsmiddelen staan per BOA-organisatie en domein. Voeg ze toe met POST "
                "…/arrangementen/{id}/geweldsmiddelen/.")]})
        return super().to_internal_value(data)


class ToekenningInvoerSerializer(StrictMixin, serializers.Serializer):
    """Een geweldsmiddel toevoegen of vervangen; weggelaten datum en kenmerk worden leeg."""

    lock_version = AantalField(min_value=1, help_text="De lock_version van het arrangement; verouderd → 409.")
    organisatie = IdField(help_text="Id van de BOA-organisatie: een partij van het arrangement, niet de politie of "
                                    "het Openbaar Ministerie.")
    domein = serializers.ChoiceField(choices=Domein.choices, error_messages={
        "invalid_choice": gettext_lazy("Kies een domein: I, II, III, IV, V of VI.")})
    geweldsmiddel = serializers.ChoiceField(choices=Geweldsmiddel.choices, error_messages={
        "invalid_choice": gettext_lazy("Kies een geweldsmiddel: handboeien, wapenstok, pepperspray of diensthond.")})
    toegekend_op = DatumField(allow_null=True, default=None, help_text="Datum van het besluit van de minister.")
    kenmerk = TekstField(allow_blank=True, default="", max_length=100,
                         help_text="Kenmerk van het besluit van de minister.")

    def validate_organisatie(self, value):
        organisatie = Organisatie.objects.filter(pk=value).first()
        if organisatie is None:
            raise serializers.ValidationError(_("Onbekende organisatie %(id)s.") % {"id": value})
        return organisatie
