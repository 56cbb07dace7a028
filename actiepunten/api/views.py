"""REST API for overleggen and actiepunten: reads through `selectors`, writes through `services`.

Scoped like the site: an overleg or actiepunt of another driehoek, or a driehoek named in a create that the
user does not belong to, answers 404; a visible one with an action the user's role does not allow answers
403; invalid input answers 400 with Dutch messages per field. There is no DELETE: an actiepunt is closed with
the status action (`laten_vervallen`).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.status import HTTP_200_OK, HTTP_201_CREATED

from arrangementen.models import Afspraak
from samenwerking import toegang
from samenwerking.apibasis import DutchJSONParser, NumericIdMixin, list_responses
from samenwerking.selectors import get_driehoek

from .. import selectors, services, workflow
from .serializers import (
    ActiepuntCreateSerializer,
    ActiepuntDetailSerializer,
    ActiepuntFilterSerializer,
    ActiepuntSerializer,
    ActiepuntWriteSerializer,
    OverlegCreateSerializer,
    OverlegDetailSerializer,
    OverlegFilterSerializer,
    OverlegSerializer,
    OverlegWriteSerializer,
    StatusWijzigingSerializer,
)

# --- resolving ids within the driehoek: unknown ids are field errors, never a hint about other driehoeken ---

def _resolve(data: dict, name: str, queryset, message: str) -> dict:
    if data.get(name) is not None:
        obj = queryset.filter(pk=data[name]).first()
        if obj is None:
            raise serializers.ValidationError({name: [message]})
        data[name] = obj
    return data


def _members(driehoek) -> dict:
    return {u.pk: u for u in selectors.members_of(driehoek)}


def _member(members: dict, data: dict, name: str):
    if data.get(name) is not None:
        if data[name] not in members:
            raise serializers.ValidationError({name: [_("Geen lid van deze driehoek.")]})
        data[name] = members[data[name]]


def _responses(ok_status: int, serializer, *, bad="Ongeldige invoer (fouten per veld).") -> dict:
    return {
        ok_status: serializer,
        400: OpenApiResponse(description=bad),
        403: OpenApiResponse(description="Uw rol in deze driehoek staat dit niet toe."),
        404: OpenApiResponse(description="Onbekend, of van een driehoek waarin u geen lid bent."),
    }


class _Base(NumericIdMixin, viewsets.GenericViewSet):
    parser_classes = [DutchJSONParser]

    def _valid(self, serializer_class, *, data=None, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data if data is None else data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# --- overleggen ---------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Overleggen in mijn driehoeken", parameters=[OverlegFilterSerializer],
                       responses=list_responses(OverlegSerializer)),
    retrieve=extend_schema(summary="Eén overleg met verslag, deelnemers, agenda, besluiten en actiepunten",
                           responses=_responses(200, OverlegDetailSerializer)),
    create=extend_schema(summary="Nieuw overleg", request=OverlegCreateSerializer,
                         responses=_responses(201, OverlegDetailSerializer)),
    update=extend_schema(summary="Overleg vervangen", request=OverlegWriteSerializer,
                         responses=_responses(200, OverlegDetailSerializer)),
    partial_update=extend_schema(summary="Overleg wijzigen", request=OverlegWriteSerializer,
                                 responses=_responses(200, OverlegDetailSerializer)),
)
class OverlegViewSet(_Base):
    """Overleggen van de driehoeken waarin u lid bent. Vastleggen en wijzigen mag wie overleggen beheert
    (de secretaris)."""

    serializer_class = OverlegSerializer

    def get_queryset(self):
        return selectors.visible_overleggen(self.request.user)

    def _detail(self, pk, status_code=HTTP_200_OK) -> Response:
        overleg = selectors.get_overleg(self.request.user, pk)
        context = {**self.get_serializer_context(), "detail": selectors.overleg_detail(overleg)}
        return Response(OverlegDetailSerializer(overleg, context=context).data, status=status_code)

    def list(self, request):
        filters = self._valid(OverlegFilterSerializer, data=request.query_params)
        page = self.paginate_queryset(selectors.overleg_list_for(request.user, **filters))
        return self.get_paginated_response(OverlegSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._detail(pk)

    def _save(self, data: dict, driehoek, *, overleg=None):
        members = _members(driehoek)
        _member(members, data, "voorzitter")
        _member(members, data, "secretaris")
        deelnemers = data.pop("deelnemers", None)
        # Keyed by position, as DRF reports errors in a list of objects.
        errors = {index: {"gebruiker": [_("Geen lid van deze driehoek.")]}
                  for index, d in enumerate(deelnemers or []) if d["gebruiker"] not in (None, *members)}
        if errors:
            raise serializers.ValidationError({"deelnemers": errors})
        personen = None if deelnemers is None else [
            services.Deelnemer(gebruiker=members.get(d["gebruiker"]), naam=d["naam"], organisatie=d["organisatie"],
                               aanwezig=d["aanwezig"]) for d in deelnemers]
        agenda, besluiten = data.pop("agenda", None), data.pop("besluiten", None)
        if overleg is None:
            return services.create_overleg(driehoek=driehoek, user=self.request.user, data=data,
                                           deelnemers=personen or [], agenda=agenda or [],
                                           besluiten=besluiten or [])
        # A PATCH that leaves a list out keeps it: the service replaces all three lists at once.
        detail = selectors.overleg_detail(overleg)
        if personen is None:
            personen = [services.Deelnemer(gebruiker=d.gebruiker, naam=d.naam, organisatie=d.organisatie,
                                           aanwezig=d.aanwezig) for d in [*detail["deelnemers"], *detail["afwezigen"]]]
        return services.update_overleg(
            overleg=overleg, user=self.request.user, data=data, deelnemers=personen,
            agenda=[a.onderwerp for a in detail["agendapunten"]] if agenda is None else agenda,
            besluiten=[b.tekst for b in detail["besluiten"]] if besluiten is None else besluiten,
        )

    def create(self, request):
        data = self._valid(OverlegCreateSerializer)
        # Looked up here, not by a serializer field: another driehoek answers 404, not 400.
        driehoek = get_driehoek(request.user, data.pop("driehoek"), permission=toegang.MANAGE_OVERLEG)
        overleg = self._save(data, driehoek)
        return self._detail(overleg.pk, HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        overleg = selectors.get_overleg(request.user, pk, permission=toegang.MANAGE_OVERLEG)
        data = self._valid(OverlegWriteSerializer, partial=partial)
        self._save(data, overleg.driehoek, overleg=overleg)
        return self._detail(pk)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)


# --- actiepunten --------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Actiepunten in mijn driehoeken", parameters=[ActiepuntFilterSerializer],
                       responses=list_responses(ActiepuntSerializer)),
    retrieve=extend_schema(summary="Eén actiepunt met de statuswijzigingen die u mag uitvoeren",
                           responses=_responses(200, ActiepuntDetailSerializer)),
    create=extend_schema(summary="Nieuw actiepunt", request=ActiepuntCreateSerializer,
                         responses=_responses(201, ActiepuntDetailSerializer)),
    update=extend_schema(summary="Actiepunt vervangen", request=ActiepuntWriteSerializer,
                         responses=_responses(200, ActiepuntDetailSerializer)),
    partial_update=extend_schema(summary="Actiepunt wijzigen", request=ActiepuntWriteSerializer,
                                 responses=_responses(200, ActiepuntDetailSerializer)),
)
class ActiepuntViewSet(_Base):
    """Actiepunten van de driehoeken waarin u lid bent. Verwijderen kan niet: laat een actiepunt vervallen met
    de statuswijziging `laten_vervallen`."""

    serializer_class = ActiepuntSerializer

    def get_queryset(self):
        return selectors.visible_actiepunten(self.request.user)

    def _detail(self, pk, status_code=HTTP_200_OK) -> Response:
        actiepunt = selectors.get_actiepunt(self.request.user, pk)
        context = {**self.get_serializer_context(),
                   "transities": workflow.available_transitions(self.request.user, actiepunt)}
        return Response(ActiepuntDetailSerializer(actiepunt, context=context).data, status=status_code)

    def list(self, request):
        filters = self._valid(ActiepuntFilterSerializer, data=request.query_params)
        page = self.paginate_queryset(selectors.actiepunt_list(request.user, **filters))
        return self.get_paginated_response(ActiepuntSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._detail(pk)

    def _resolve_links(self, data: dict, driehoek) -> dict:
        _member(_members(driehoek), data, "eigenaar")
        arrangementen = selectors.arrangementen_van(self.request.user, driehoek)
        _resolve(data, "arrangement", arrangementen, _("Onbekend arrangement in deze driehoek."))
        _resolve(data, "afspraak", Afspraak.objects.filter(arrangement__in=arrangementen).select_related("arrangement"),
                 _("Onbekende afspraak in deze driehoek."))
        _resolve(data, "overleg", selectors.overleggen_van(driehoek), _("Onbekend overleg in deze driehoek."))
        return data

    def create(self, request):
        data = self._valid(ActiepuntCreateSerializer)
        driehoek = get_driehoek(request.user, data.pop("driehoek"), permission=toegang.MANAGE_ACTIEPUNTEN)
        data = self._resolve_links(data, driehoek)
        overleg, nummer = data.pop("overleg"), data.pop("nummer")
        actiepunt = services.create_actiepunt(driehoek=driehoek, user=request.user, data=data, overleg=overleg,
                                              nummer=nummer)
        return self._detail(actiepunt.pk, HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        actiepunt = selectors.get_actiepunt(request.user, pk, permission=toegang.MANAGE_ACTIEPUNTEN)
        data = self._resolve_links(self._valid(ActiepuntWriteSerializer, partial=partial), actiepunt.driehoek)
        services.update_actiepunt(actiepunt=actiepunt, user=request.user, data=data)
        return self._detail(pk)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(
        summary="Status wijzigen",
        description="Mag de eigenaar en wie de actiepunten van de driehoek beheert; `transities` in het detail "
                    "noemt wat u nu mag.",
        request=StatusWijzigingSerializer,
        responses=_responses(200, ActiepuntDetailSerializer,
                             bad="De wijziging kan niet vanuit de huidige status, of de toelichting ontbreekt."),
    )
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        actiepunt = selectors.get_actiepunt(request.user, pk)
        data = self._valid(StatusWijzigingSerializer)
        try:
            services.change_status(actiepunt=actiepunt, user=request.user, action=data["actie"],
                                   toelichting=data["toelichting"])
        except workflow.TransitionRefused as error:
            raise serializers.ValidationError({"actie": error.messages}) from error
        return self._detail(pk)
