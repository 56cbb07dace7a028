"""The register of data flows in the API: what a flow reads as, and what a write sends (issue 15, item 5).

Input is typed and looked up here (an unknown grondslag code or organisation is a Dutch 400 naming the field);
whether a flow is complete and its organisations are parties is decided by arrangementen.gegevensstromen alone.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from samenwerking.apibasis import AantalField, IdField, StrictMixin, TekstField
from samenwerking.models import Organisatie

from ..models import Afspraak, Grondslag


class GegevensstroomSerializer(serializers.Serializer):
    """Eén gegevensstroom: wie verstrekt welke gegevens aan wie, waarom, op welke grondslag en onder welke
    voorwaarden. Organisaties met hun id (zie `partijen`), de grondslag met zijn code."""

    # Reads what stroomregels.flows_with_receivers gives: the ontvangers are folded in, no query per flow.

    id = serializers.IntegerField()
    verstrekker = serializers.IntegerField(source="verstrekker_id", help_text="Id van de verstrekkende organisatie.")
    verstrekker_naam = serializers.CharField(source="verstrekker.naam")
    ontvangers = serializers.SerializerMethodField(help_text="Ids van de ontvangende partijen.")
    ontvangers_namen = serializers.SerializerMethodField()
    overige_ontvangers = serializers.CharField(help_text="Ontvangers die geen partij zijn (vrije tekst).")
    toelichting_overige_ontvangers = serializers.CharField()
    categorieen = serializers.CharField()
    doel = serializers.CharField()
    grondslag = serializers.CharField(source="grondslag.code", help_text="Code van de grondslag, bijvoorbeeld wpg-20.")
    grondslag_naam = serializers.CharField(source="grondslag.naam")
    grondslag_verwijzing = serializers.CharField(source="grondslag.wettelijke_verwijzing")
    zwaarwegend_algemeen_belang = serializers.CharField()
    voorwaarden = serializers.CharField()
    kanaal = serializers.CharField()
    frequentie = serializers.CharField()
    bewaartermijn = serializers.CharField()
    verdere_verstrekking = serializers.BooleanField()
    beveiligingsafspraken = serializers.CharField()
    afspraak = serializers.IntegerField(source="afspraak_id", allow_null=True)
    afspraak_titel = serializers.CharField(source="afspraak.titel", default=None, allow_null=True)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_ontvangers(self, obj):
        return [o.organisatie_id for o in obj.partij_ontvangers]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_ontvangers_namen(self, obj):
        return [o.naam for o in obj.partij_ontvangers]


def _tekst(max_length: int | None = None, help_text: str = "") -> TekstField:
    """Optional free text; a field the register needs is named by the service when it stays empty."""
    kwargs = {"max_length": max_length} if max_length else {}
    return TekstField(allow_blank=True, default="", help_text=help_text, **kwargs)


class GegevensstroomInvoerSerializer(StrictMixin, serializers.Serializer):
    """Een gegevensstroom toevoegen of vervangen; weggelaten velden worden leeg. Verplicht zijn verstrekker,
    ten minste één ontvanger (of een andere ontvanger met toelichting), categorieën, doel en grondslag; bij een
    grondslag op artikel 20 Wpg ook zwaarwegend algemeen belang en voorwaarden vóór het indienen."""

    lock_version = AantalField(min_value=1, help_text="De lock_version van het arrangement; verouderd → 409.")
    verstrekker = IdField(allow_null=True, default=None, help_text="Id van de verstrekkende partij (organisatie).")
    ontvangers = serializers.ListField(child=IdField(), default=list,
                                       help_text="Ids van de ontvangende partijen (organisaties).")
    overige_ontvangers = _tekst(300, "Ontvangers die geen partij zijn; vraagt een toelichting.")
    toelichting_overige_ontvangers = _tekst()
    categorieen = _tekst(help_text="Welke gegevens worden verstrekt.")
    doel = _tekst()
    grondslag = _tekst(40, "Code van een grondslag, bijvoorbeeld wpg-16, wpg-20, bpg-boa, avg-6-1-c of avg-6-1-e.")
    zwaarwegend_algemeen_belang = _tekst()
    voorwaarden = _tekst()
    kanaal = _tekst(200)
    frequentie = _tekst(200)
    bewaartermijn = _tekst(200)
    verdere_verstrekking = serializers.BooleanField(
        default=False, error_messages={"invalid": gettext_lazy("Kies true of false.")})
    beveiligingsafspraken = _tekst()
    afspraak = IdField(allow_null=True, default=None, help_text="Id van de afspraak van dit arrangement waar de "
                                                                  "gegevensstroom bij hoort.")

    def validate_grondslag(self, value):
        if not value.strip():
            return None  # the service names the missing grondslag, as on the site
        grondslag = Grondslag.objects.filter(code=value.strip()).first()
        if grondslag is None:
            codes = ", ".join(Grondslag.objects.filter(actief=True).order_by("code").values_list("code", flat=True))
            raise serializers.ValidationError(_("Onbekende grondslag “%(code)s”. Kies een van deze codes: "
                                                "%(codes)s.") % {"code": value.strip(), "codes": codes})
        return grondslag

    def validate(self, attrs):
        ids = {attrs["verstrekker"], *attrs["ontvangers"]} - {None}
        organisaties = Organisatie.objects.in_bulk(ids)
        errors = {}
        if attrs["verstrekker"] is not None and attrs["verstrekker"] not in organisaties:
            errors["verstrekker"] = [_("Onbekende organisatie %(id)s.") % {"id": attrs["verstrekker"]}]
        onbekend = [str(pk) for pk in attrs["ontvangers"] if pk not in organisaties]
        if onbekend:
            errors["ontvangers"] = [_("Onbekende organisatie(s): %(ids)s.") % {"ids": ", ".join(onbekend)}]
        afspraak = None
        if attrs["afspraak"] is not None:
            afspraak = Afspraak.objects.filter(pk=attrs["afspraak"]).first()
            if afspraak is None:
                errors["afspraak"] = [_("Onbekende afspraak %(id)s.") % {"id": attrs["afspraak"]}]
        if errors:
            raise serializers.ValidationError(errors)
        return {**attrs, "verstrekker": organisaties.get(attrs["verstrekker"]), "afspraak": afspraak,
                "ontvangers": list(dict.fromkeys(organisaties[pk] for pk in attrs["ontvangers"]))}


class VerwijderSerializer(serializers.Serializer):
    lock_version = AantalField(min_value=1, help_text="De lock_version van het arrangement; verouderd → 409.")
