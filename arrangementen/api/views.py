"""REST API for arrangementen: reads through `selectors`, writes through `services` and `workflow`.

Status codes, chosen so a client can tell them apart:
- 404: the arrangement, or the driehoek named in a create, is not visible to the user (as on the site);
- 403: visible, but the user's role does not allow the action;
- 400: invalid input or a transition the current status does not allow, with Dutch messages per field;
- 409: `lock_version` is stale: someone else saved first; nothing was saved, the body lists their changes.
There is no DELETE: an arrangement is withdrawn through the workflow (`actie: "intrekken"`).
"""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from samenwerking import toegang
from samenwerking.apibasis import DutchJSONParser, NumericIdMixin, list_responses
from samenwerking.selectors import get_driehoek

from .. import documenten, geweldregels, opzeggen, selectors, services, stroomregels, workflow
from ..models import Arrangement, Status
from .antwoorden import responses as _responses
from .geweld import GeweldsmiddelenMixin
from .serializers import (
    AfspraakCreateSerializer,
    ArrangementCreateSerializer,
    ArrangementDetailSerializer,
    ArrangementFilterSerializer,
    ArrangementSerializer,
    ArrangementUpdateSerializer,
    OpzegVerzoekSerializer,
    TransitieSerializer,
    VersieConflictSerializer,
)
from .stromen import GegevensstromenMixin


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
    retrieve=extend_schema(summary="Eén arrangement met afspraken, partijen, inzet, gegevensstromen en mogelijke "
                                   "overgangen",
                           responses=_responses(200)),
    create=extend_schema(summary="Nieuw arrangement (concept)", request=ArrangementCreateSerializer,
                         responses=_responses(201)),
    update=extend_schema(summary="Arrangement vervangen (alleen in concept)",
                         request=ArrangementUpdateSerializer, responses=_responses(200, conflict=True)),
    partial_update=extend_schema(summary="Arrangement wijzigen (alleen in concept)",
                                 request=ArrangementUpdateSerializer,
                                 responses=_responses(200, conflict=True)),
)
class ArrangementViewSet(NumericIdMixin, PdfViewMixin, GegevensstromenMixin, GeweldsmiddelenMixin,
                         viewsets.GenericViewSet):
    """Arrangementen van de driehoeken waarin u lid bent. Verwijderen kan niet: trek een arrangement in met
    de transitie `intrekken`."""

    serializer_class = ArrangementSerializer
    parser_classes = [DutchJSONParser]

    def get_queryset(self):
        return selectors.visible_arrangementen(self.request.user)

    def _detail(self, arrangement: Arrangement, status_code=status.HTTP_200_OK) -> Response:
        # The API shows no comments; the flows in one query (stroomregels), so the detail stays within its budget.
        detail = {**selectors.arrangement_detail(arrangement, met_opmerkingen=False),
                  "gegevensstromen": stroomregels.flows_with_receivers(arrangement),
                  "geweldsmiddelen": geweldregels.toekenningen_of(arrangement)}
        context = {
            **self.get_serializer_context(), "detail": detail,
            "transities": workflow.offered_transitions(self.request.user, arrangement,
                                                       standen=detail["partij_standen"],
                                                       privacy=detail["privacy_stand"]),
            "opzegging": opzeggen.opzegging_of(arrangement) if arrangement.status == Status.ONDERTEKEND else None,
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
                         besluit_referentie=data["besluit_referentie"], bevestigd=data["bevestigd"],
                         namens=data["namens"])
        return self._detail(selectors.get_arrangement(request.user, pk))

    @extend_schema(
        summary="Opzeggen: controleren, en op de site bevestigen",
        description=(
            "Opzeggen vraagt, net als ondertekenen, uw wachtwoord en een verse code uit uw authenticator-app. Een "
            "API-token kan die niet geven, dus via de API wordt nooit opgezegd (ondertekenen kan via de API ook "
            "niet). Dit endpoint controleert het verzoek met dezelfde regels als de site: een fout in de invoer of "
            "een opzegging die niet kan (niet ondertekend, al opgezegd, datum vóór het einde van de opzegtermijn) "
            "geeft 400 met de reden; een partij waarvoor u niet tekent 403. Een verzoek dat in orde is, krijgt 403 "
            "met code `tweede_factor_vereist`, de vroegst mogelijke of gekozen ingangsdatum en de pagina waarop u "
            "de opzegging bevestigt."),
        request=OpzegVerzoekSerializer,
        responses={
            400: OpenApiResponse(description="Ongeldige invoer, of opzeggen kan niet (reden per veld)."),
            403: OpenApiResponse(description="Geen ondertekenaar van deze partij, of (altijd, als het verzoek in "
                                             "orde is) `tweede_factor_vereist`: bevestig op de site."),
            404: OpenApiResponse(description="Onbekend, of van een driehoek waarin u geen lid bent."),
        },
    )
    @action(detail=True, methods=["post"])
    def opzeggen(self, request, pk=None):
        arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.SIGN)
        data = self._valid(OpzegVerzoekSerializer)
        partij = arrangement.partijen.select_related("organisatie").filter(pk=data["partij"]).first()
        if partij is None:
            raise serializers.ValidationError({"partij": [_("Deze partij hoort niet bij dit arrangement.")]})
        datum = opzeggen.check(arrangement=arrangement, user=request.user, partij=partij, reden=data["reden"],
                               ingangsdatum=data["ingangsdatum"])
        raise TweedeFactorVereist({
            "detail": _("Opzeggen vraagt uw wachtwoord en een verse code uit uw authenticator-app; dat kan niet via "
                        "de API. Er is niets opgezegd. Bevestig de opzegging op de site."),
            "code": "tweede_factor_vereist",
            "ingangsdatum": datum.isoformat(),
            "pagina": request.build_absolute_uri(reverse("arrangementen:opzeggen", args=[arrangement.pk])),
        })


class TweedeFactorVereist(exceptions.PermissionDenied):
    """403 for a write that needs the password and a fresh second-factor code, which an API call cannot give."""
