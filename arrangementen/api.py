"""REST API for arrangementen: reads through `selectors`, writes through `services` and `workflow`.

Status codes, chosen so a client can tell them apart:
- 404: the arrangement, or the driehoek named in a create, is not visible to the user (as on the site);
- 403: visible, but the user's role does not allow the action;
- 400: invalid input or a transition the current status does not allow, with Dutch messages per field;
- 409: `lock_version` is stale: someone else saved first; nothing was saved, the body lists their changes.
There is no DELETE: an arrangement is withdrawn through the workflow (`actie: "intrekken"`).
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from config.api import NumericIdMixin, list_responses
from samenwerking import toegang
from samenwerking.berichten import STUURTEKENS_MELDING, has_control_characters
from samenwerking.models import Basisteam, Gemeente
from samenwerking.selectors import get_driehoek
from samenwerking.tekstlimieten import LANGE_TEKST

from . import documenten, selectors, services, workflow
from .models import (
    Afspraak,
    Arrangement,
    BoaInzet,
    Domein,
    Geweldsmiddel,
    Modelafspraak,
    Onderwerp,
    Partij,
    Status,
    Statusovergang,
    Verantwoordelijke,
)

# The user may ask for these; `system` transitions (signing) are performed by the product itself.
API_ACTIONS = sorted({t.action for t in workflow.TRANSITIONS if not t.system})


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


# --- output -------------------------------------------------------------------------------------------

class OnderwerpSerializer(serializers.ModelSerializer):
    class Meta:
        model = Onderwerp
        fields = ["id", "naam", "niveau"]


class AfspraakSerializer(serializers.ModelSerializer):
    onderwerp = OnderwerpSerializer(read_only=True)
    niveau = serializers.CharField(read_only=True)

    class Meta:
        model = Afspraak
        fields = ["id", "onderwerp", "niveau", "titel", "tekst", "verantwoordelijke", "volgorde",
                  "modelafspraak"]


class PartijSerializer(serializers.ModelSerializer):
    organisatie = serializers.CharField(source="organisatie.naam", read_only=True)
    organisatie_id = serializers.IntegerField(read_only=True)
    soort = serializers.CharField(source="organisatie.soort", read_only=True)

    class Meta:
        model = Partij
        fields = ["id", "organisatie_id", "organisatie", "soort", "vertegenwoordiger", "ondertekenaar_functie",
                  "ondertekenaar_naam", "volgorde"]


class InzetSerializer(StrictMixin, serializers.ModelSerializer):
    """Basisgegevens: aantal BOA's en fte per domein."""

    domein = serializers.ChoiceField(choices=Domein.choices)
    aantal_boas = AantalField(min_value=0)
    fte = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, coerce_to_string=False,
        error_messages={"invalid": gettext_lazy("Vul een getal in, bijvoorbeeld 2.5."),
                        "min_value": gettext_lazy("Vul een getal van {min_value} of meer in.")},
    )

    class Meta:
        model = BoaInzet
        fields = ["domein", "aantal_boas", "fte"]


class OvergangSerializer(serializers.ModelSerializer):
    # Plain strings: the values are those of `status`; a second enum name for them confuses generators.
    van = serializers.CharField(read_only=True)
    naar = serializers.CharField(read_only=True)
    door = serializers.StringRelatedField()

    class Meta:
        model = Statusovergang
        fields = ["van", "naar", "door", "op", "toelichting"]


class TransitieOptieSerializer(serializers.Serializer):
    actie = serializers.CharField(source="action")
    label = serializers.CharField()
    toelichting_verplicht = serializers.BooleanField(source="reason_required")


class ArrangementSerializer(serializers.ModelSerializer):
    driehoek_naam = serializers.CharField(source="driehoek.naam", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    aantal_afspraken = serializers.IntegerField(read_only=True)

    class Meta:
        model = Arrangement
        fields = ["id", "driehoek", "driehoek_naam", "titel", "versie", "status", "status_label",
                  "geldig_van", "geldig_tot", "evaluatiedatum", "aantal_afspraken", "lock_version",
                  "gewijzigd_op"]
        read_only_fields = fields


class ArrangementDetailSerializer(serializers.ModelSerializer):
    """Het arrangement met afspraken, partijen, BOA-inzet, statusgeschiedenis en mogelijke overgangen."""

    # The nested lists come from context["detail"] (selectors.arrangement_detail): a fixed number of queries.

    driehoek_naam = serializers.CharField(source="driehoek.naam", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_verlopen = serializers.BooleanField(read_only=True)
    afspraken = serializers.SerializerMethodField()
    partijen = serializers.SerializerMethodField()
    inzet = serializers.SerializerMethodField()
    overgangen = serializers.SerializerMethodField()
    transities = serializers.SerializerMethodField(
        help_text="De statusovergangen die u nu mag uitvoeren (POST …/transitie/ met deze `actie`).",
    )

    class Meta:
        model = Arrangement
        fields = ["id", "driehoek", "driehoek_naam", "titel", "versie", "vorige_versie", "status",
                  "status_label", "is_verlopen", "doel", "aanleiding", "werkgebied", "geweldsmiddelen",
                  "toezichthouders", "geldig_van", "geldig_tot", "evaluatiedatum", "opzegtermijn_maanden",
                  "vastgesteld_op", "besluit_referentie", "lock_version", "aangemaakt_op", "gewijzigd_op",
                  "afspraken", "partijen", "inzet", "overgangen", "transities"]
        read_only_fields = fields

    @extend_schema_field(AfspraakSerializer(many=True))
    def get_afspraken(self, obj):
        return AfspraakSerializer(self.context["detail"]["afspraken"], many=True).data

    @extend_schema_field(PartijSerializer(many=True))
    def get_partijen(self, obj):
        return PartijSerializer(self.context["detail"]["partijen"], many=True).data

    @extend_schema_field(InzetSerializer(many=True))
    def get_inzet(self, obj):
        return InzetSerializer(self.context["detail"]["inzet"], many=True).data

    @extend_schema_field(OvergangSerializer(many=True))
    def get_overgangen(self, obj):
        return OvergangSerializer(self.context["detail"]["overgangen"], many=True).data

    @extend_schema_field(TransitieOptieSerializer(many=True))
    def get_transities(self, obj):
        return TransitieOptieSerializer(self.context["transities"], many=True).data


# --- input --------------------------------------------------------------------------------------------

class GemeenteCodeField(serializers.SlugRelatedField):
    """A gemeente by CBS code. A NUL character is refused before the lookup: PostgreSQL cannot compare text with
    one (a DataError, which was a 500)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class ArrangementFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)
    gemeente = GemeenteCodeField(
        slug_field="cbs_code", queryset=Gemeente.objects.all(), required=False, allow_null=True,
        help_text="CBS-code van de gemeente, bijvoorbeeld GM0344.",
        error_messages={"does_not_exist": gettext_lazy("Onbekende gemeente (CBS-code) '{value}'.")},
    )
    basisteam = serializers.PrimaryKeyRelatedField(
        queryset=Basisteam.objects.all(), required=False, allow_null=True, help_text="Id van het basisteam.",
        error_messages={"does_not_exist": gettext_lazy("Onbekend basisteam {pk_value}."),
                        "incorrect_type": gettext_lazy("Geef het nummer van een basisteam.")},
    )
    domein = serializers.ChoiceField(choices=Domein.choices, required=False, allow_blank=True)
    verloopt_binnen = AantalField(min_value=0, max_value=36500, required=False,
                                  help_text="Geldig tot binnen zoveel dagen.")
    evaluatie_gepland = serializers.BooleanField(
        required=False, default=False, error_messages={"invalid": gettext_lazy("Kies true of false.")},
    )
    zoek = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ArrangementCreateSerializer(StrictMixin, serializers.Serializer):
    driehoek = AantalField(help_text="Id van een driehoek waarin u arrangementen mag opstellen.")
    titel = TekstField(max_length=250)
    start = serializers.ChoiceField(
        choices=[("model", gettext_lazy("standaardmodel")), ("leeg", gettext_lazy("leeg"))], default="model",
    )

    def validate_titel(self, value):
        return one_line(value)


class ArrangementUpdateSerializer(StrictMixin, serializers.Serializer):
    """PUT vervangt alle bewerkbare velden (weggelaten velden worden leeg); PATCH wijzigt alleen de
    meegestuurde velden. `lock_version` is altijd verplicht; `inzet` wijzigt alleen de genoemde domeinen."""

    lock_version = AantalField(min_value=1, help_text="De lock_version die u ophaalde; verouderd → 409.")
    titel = TekstField(max_length=250)
    doel = TekstField(allow_blank=True, default="")
    aanleiding = TekstField(allow_blank=True, default="")
    werkgebied = TekstField(allow_blank=True, default="")
    toezichthouders = TekstField(allow_blank=True, default="")
    geweldsmiddelen = serializers.ListField(child=serializers.ChoiceField(choices=Geweldsmiddel.choices),
                                            default=list)
    geldig_van = DatumField(allow_null=True, default=None)
    geldig_tot = DatumField(allow_null=True, default=None)
    evaluatiedatum = DatumField(allow_null=True, default=None)
    opzegtermijn_maanden = AantalField(min_value=0, allow_null=True, default=None)
    inzet = InzetSerializer(many=True, required=False, help_text="Alleen de genoemde domeinen veranderen.")

    def validate_inzet(self, value):
        domeinen = [regel["domein"] for regel in value]
        if len(domeinen) != len(set(domeinen)):
            raise serializers.ValidationError(_("Noem elk domein hoogstens één keer."))
        return value

    def validate_titel(self, value):
        return one_line(value)


class AfspraakCreateSerializer(StrictMixin, serializers.Serializer):
    """Een nieuwe afspraak. Met `modelafspraak` worden weggelaten velden uit die modelafspraak overgenomen."""

    lock_version = AantalField(min_value=1)
    modelafspraak = serializers.PrimaryKeyRelatedField(
        queryset=Modelafspraak.objects.filter(actief=True).select_related("onderwerp"), required=False,
        allow_null=True,
        error_messages={"does_not_exist": gettext_lazy("Onbekende modelafspraak {pk_value}."),
                        "incorrect_type": gettext_lazy("Geef het nummer van een modelafspraak.")},
    )
    onderwerp = serializers.PrimaryKeyRelatedField(
        queryset=Onderwerp.objects.filter(actief=True), required=False,
        error_messages={"does_not_exist": gettext_lazy("Onbekend onderwerp {pk_value}."),
                        "incorrect_type": gettext_lazy("Geef het nummer van een onderwerp.")},
    )
    titel = TekstField(max_length=200, required=False)
    tekst = TekstField(required=False)
    verantwoordelijke = serializers.ChoiceField(choices=Verantwoordelijke.choices, required=False)

    def validate(self, attrs):
        model = attrs.get("modelafspraak")
        for name in ("onderwerp", "titel", "tekst", "verantwoordelijke"):
            if name not in attrs and model is not None:
                attrs[name] = getattr(model, name)
        missing = [name for name in ("onderwerp", "titel", "tekst", "verantwoordelijke") if name not in attrs]
        if missing:
            raise serializers.ValidationError({name: [_("Dit veld is vereist.")] for name in missing})
        return attrs


class TransitieSerializer(StrictMixin, serializers.Serializer):
    actie = serializers.ChoiceField(choices=API_ACTIONS)
    toelichting = TekstField(allow_blank=True, default="",
                             help_text="Verplicht bij wijzigingen vragen en intrekken.")
    vastgesteld_op = DatumField(allow_null=True, default=None, help_text="Verplicht bij vaststellen.")
    besluit_referentie = TekstField(allow_blank=True, default="", max_length=200,
                                    help_text="Verplicht bij vaststellen.")


class VeldWijzigingSerializer(serializers.Serializer):
    veld = serializers.CharField()
    oud = serializers.CharField()
    nieuw = serializers.CharField()


class GebeurtenisSerializer(serializers.Serializer):
    """Eén wijziging door een ander sinds uw lock_version."""

    datum = serializers.DateTimeField()
    door = serializers.CharField()
    actie = serializers.CharField()
    onderwerp = serializers.CharField()
    reden = serializers.CharField()
    velden = VeldWijzigingSerializer(source="wijzigingen", many=True)


class VersieConflictSerializer(serializers.Serializer):
    """409: er is niets opgeslagen; `wijzigingen` zegt wat anderen intussen veranderden."""

    detail = serializers.CharField()
    code = serializers.CharField()
    lock_version = serializers.IntegerField(help_text="De huidige lock_version: stuur die bij een nieuwe poging.")
    wijzigingen = GebeurtenisSerializer(many=True)


def _responses(ok_status: int, *, conflict=False, bad="Ongeldige invoer (fouten per veld).") -> dict:
    responses = {
        ok_status: ArrangementDetailSerializer,
        400: OpenApiResponse(description=bad),
        403: OpenApiResponse(description="Uw rol in deze driehoek staat dit niet toe."),
        404: OpenApiResponse(description="Onbekend, of van een driehoek waarin u geen lid bent."),
    }
    if conflict:
        responses[409] = OpenApiResponse(VersieConflictSerializer, description="lock_version is verouderd.")
    return responses


# --- the view -----------------------------------------------------------------------------------------
class PdfViewMixin:
    @extend_schema(
        summary="De nieuwste PDF van dit arrangement (met alle handtekeningen die tot nu toe zijn gezet)",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                   403: OpenApiResponse(description="U heeft in deze driehoek geen exportrecht."),
                   404: OpenApiResponse(description="Onbekend, van een driehoek waarin u geen lid bent, of nog "
                                                    "geen PDF.")},
    )
    @action(detail=True, methods=["get"], url_path="pdf")
    def pdf(self, request, pk=None):
        """The same document as the site's download (arrangementen.selectors.downloadable_version)."""
        versie = selectors.downloadable_version(request.user, pk)
        try:
            handle = documenten.record_download(versie=versie, user=request.user)
        except ValidationError as error:
            raise Http404(" ".join(error.messages)) from error
        return FileResponse(handle, content_type="application/pdf", as_attachment=True,
                            filename=f"{versie.document.referentie}-{versie.volgnummer:02d}.pdf")


@extend_schema_view(
    list=extend_schema(summary="Arrangementen in mijn driehoeken", parameters=[ArrangementFilterSerializer],
                       responses=list_responses(ArrangementSerializer)),
    retrieve=extend_schema(summary="Eén arrangement met afspraken, partijen, inzet en mogelijke overgangen",
                           responses=_responses(200)),
    create=extend_schema(summary="Nieuw arrangement (concept)", request=ArrangementCreateSerializer,
                         responses=_responses(201)),
    update=extend_schema(summary="Arrangement vervangen (alleen in concept)",
                         request=ArrangementUpdateSerializer, responses=_responses(200, conflict=True)),
    partial_update=extend_schema(summary="Arrangement wijzigen (alleen in concept)",
                                 request=ArrangementUpdateSerializer,
                                 responses=_responses(200, conflict=True)),
)
class ArrangementViewSet(NumericIdMixin, PdfViewMixin, viewsets.GenericViewSet):
    """Arrangementen van de driehoeken waarin u lid bent. Verwijderen kan niet: trek een arrangement in met
    de transitie `intrekken`."""

    serializer_class = ArrangementSerializer
    parser_classes = [DutchJSONParser]

    def get_queryset(self):
        return selectors.visible_arrangementen(self.request.user)

    def _detail(self, arrangement: Arrangement, status_code=status.HTTP_200_OK) -> Response:
        context = {
            **self.get_serializer_context(),
            "detail": selectors.arrangement_detail(arrangement),
            "transities": workflow.available_transitions(self.request.user, arrangement),
        }
        return Response(ArrangementDetailSerializer(arrangement, context=context).data, status=status_code)

    def _valid(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def list(self, request):
        filters = ArrangementFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.arrangement_list(request.user, **filters.validated_data))
        return self.get_paginated_response(ArrangementSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._detail(selectors.get_arrangement(request.user, pk))

    def create(self, request):
        data = self._valid(ArrangementCreateSerializer)
        # Looked up here, not by a scoped serializer field: another driehoek must answer 404, not 400.
        driehoek = get_driehoek(request.user, data["driehoek"], permission=toegang.DRAFT)
        arrangement = services.create_arrangement(driehoek=driehoek, user=request.user, titel=data["titel"],
                                                  start=data["start"])
        return self._detail(selectors.get_arrangement(request.user, arrangement.pk), status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
        data = dict(self._valid(ArrangementUpdateSerializer, partial=partial))
        expected = data.pop("lock_version", None)
        if expected is None:  # a PATCH does not make fields required, but this one always is
            raise serializers.ValidationError({"lock_version": [_("Dit veld is vereist.")]})
        inzet = [services.InzetRegel(**regel) for regel in data.pop("inzet", [])]
        try:
            services.update_arrangement(arrangement=arrangement, user=request.user, expected_version=expected,
                                        data=data, inzet=inzet)
        except services.StaleEdit as exc:
            return self._conflict(arrangement, exc)
        return self._detail(selectors.get_arrangement(request.user, pk))

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def _conflict(self, arrangement: Arrangement, exc: services.StaleEdit) -> Response:
        current = Arrangement.objects.values_list("lock_version", flat=True).get(pk=arrangement.pk)
        body = VersieConflictSerializer({
            "detail": _("Iemand anders heeft dit arrangement gewijzigd nadat u het ophaalde. Er is niets "
                        "opgeslagen. Haal het arrangement opnieuw op en stuur uw wijziging met lock_version "
                        "%(versie)s.") % {"versie": current},
            "code": "verouderd",
            "lock_version": current,
            "wijzigingen": exc.wijzigingen,
        })
        return Response(body.data, status=status.HTTP_409_CONFLICT)

    @extend_schema(summary="Afspraak toevoegen (alleen in concept)", request=AfspraakCreateSerializer,
                   responses=_responses(201, conflict=True))
    @action(detail=True, methods=["post"])
    def afspraken(self, request, pk=None):
        arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
        data = self._valid(AfspraakCreateSerializer)
        try:
            services.add_afspraak(arrangement=arrangement, user=request.user,
                                  expected_version=data.pop("lock_version"), **data)
        except services.StaleEdit as exc:
            return self._conflict(arrangement, exc)
        return self._detail(selectors.get_arrangement(request.user, pk), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Statusovergang uitvoeren",
        description="Eén endpoint voor alle overgangen; `transities` in het detail noemt wat u nu mag.",
        request=TransitieSerializer,
        responses=_responses(200, bad="De overgang kan niet vanuit de huidige status, of een verplicht "
                                      "gegeven ontbreekt."),
    )
    @action(detail=True, methods=["post"])
    def transitie(self, request, pk=None):
        arrangement = selectors.get_arrangement(request.user, pk)
        data = self._valid(TransitieSerializer)
        workflow.perform(arrangement=arrangement, action=data["actie"], user=request.user,
                         toelichting=data["toelichting"], vastgesteld_op=data["vastgesteld_op"],
                         besluit_referentie=data["besluit_referentie"])
        return self._detail(selectors.get_arrangement(request.user, pk))

