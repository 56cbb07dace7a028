"""Every read of actiepunten. What a user sees is scoped through samenwerking.toegang.visible_driehoeken:
another driehoek's overleg or actiepunt answers 404; a visible one with a forbidden action answers 403.

The `*_for_reminders` functions are the system's own reads for the reminder planner (no user to scope by).
"""

import datetime
import hashlib

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from arrangementen.selectors import visible_arrangementen
from samenwerking import toegang
from samenwerking.models import Driehoek
from samenwerking.toegang import visible_driehoeken

from .models import (
    LOPEND,
    Actiepunt,
    Agendakoppeling,
    Herinnering,
    ImportToewijzing,
    Medeeigenaar,
    Meegenomen,
    Overleg,
    Status,
    Voorkeur,
    Voortgang,
)

ACTIEPUNT_RELATED = ("driehoek", "overleg", "eigenaar", "arrangement", "afspraak")
# The API list shows only the ids of the arrangement and afspraak: joining them made PostgreSQL hash all
# afspraken (255,000 at national scale) for every page, 0.8 s instead of 13 ms (issue 19).
ACTIEPUNT_LIST_RELATED = ("driehoek", "overleg", "eigenaar")


# --- scoping --------------------------------------------------------------------------------------

def visible_overleggen(user) -> QuerySet:
    return Overleg.objects.filter(driehoek__in=visible_driehoeken(user))


def visible_actiepunten(user) -> QuerySet:
    return Actiepunt.objects.filter(driehoek__in=visible_driehoeken(user))


def get_overleg(user, pk, *, permission: str | None = None) -> Overleg:
    overleg = (visible_overleggen(user)
               .select_related("driehoek", "voorzitter", "secretaris", "vorige", "verslag_vastgesteld_door")
               .filter(pk=pk).first())
    return toegang.require(user, overleg, permission=permission, model=Overleg, pk=pk,
                           missing=_("Dit overleg bestaat niet of u heeft er geen toegang toe."))


def get_actiepunt(user, pk, *, permission: str | None = None) -> Actiepunt:
    actiepunt = visible_actiepunten(user).select_related(*ACTIEPUNT_RELATED).filter(pk=pk).first()
    return toegang.require(user, actiepunt, permission=permission, model=Actiepunt, pk=pk,
                           missing=_("Dit actiepunt bestaat niet of u heeft er geen toegang toe."))


# --- lists ----------------------------------------------------------------------------------------

def with_follow_up(queryset: QuerySet) -> QuerySet:
    """The latest progress note (text and date, as columns of the same query) and the co-owners (one query)."""
    latest = Voortgang.objects.filter(actiepunt=OuterRef("pk")).order_by("-datum", "-aangemaakt_op", "-pk")
    return queryset.annotate(
        laatste_voortgang=Subquery(latest.values("tekst")[:1]),
        laatste_voortgang_datum=Subquery(latest.values("datum")[:1]),
    ).prefetch_related(Prefetch("medeeigenaren", queryset=Medeeigenaar.objects.select_related("gebruiker")))


def _filter(queryset: QuerySet, *, status=None, eigenaar=None, wie=None, overleg=None, van=None, tot=None,
            arrangement=None, driehoek=None, today: datetime.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    if status == "lopend":
        queryset = queryset.filter(status__in=LOPEND)
    elif status == "verlopen":
        queryset = queryset.filter(status__in=LOPEND, datum_gereed__lt=today)
    elif status == "binnenkort":
        horizon = today + datetime.timedelta(days=settings.ACTIEPUNT_HERINNERING_DAGEN)
        queryset = queryset.filter(status__in=LOPEND, datum_gereed__gte=today, datum_gereed__lte=horizon)
    elif status:
        queryset = queryset.filter(status=status)
    if eigenaar:
        queryset = queryset.filter(eigenaar=eigenaar)
    if wie:
        queryset = queryset.filter(
            Q(extern_naam__icontains=wie) | Q(extern_organisatie__icontains=wie)
            | Q(eigenaar__first_name__icontains=wie) | Q(eigenaar__last_name__icontains=wie)
        )
    if overleg:
        queryset = queryset.filter(overleg=overleg)
    if van:
        queryset = queryset.filter(datum_gereed__gte=van)
    if tot:
        queryset = queryset.filter(datum_gereed__lte=tot)
    if arrangement:
        queryset = queryset.filter(arrangement=arrangement)
    if driehoek:
        queryset = queryset.filter(driehoek=driehoek)
    return queryset


def actielijst(user, driehoek: Driehoek, **filters) -> QuerySet:
    """The driehoek's actiepunten (the driehoek was looked up through get_driehoek)."""
    queryset = visible_actiepunten(user).filter(driehoek=driehoek)
    return with_follow_up(_filter(queryset, **filters).select_related(*ACTIEPUNT_RELATED)
                          .order_by("datum_gereed", "overleg__datum", "nummer", "pk"))


def mijn_actiepunten(user, **filters) -> QuerySet:
    """The user's own actiepunten, in every driehoek the user still belongs to."""
    queryset = visible_actiepunten(user).filter(eigenaar=user)
    return with_follow_up(_filter(queryset, **filters).select_related(*ACTIEPUNT_RELATED)
                          .order_by("datum_gereed", "nummer", "pk"))


def actiepunt_list(user, *, mijn: bool = False, **filters) -> QuerySet:
    """Actiepunten in every visible driehoek (the API's list), narrowed like the site's lists."""
    queryset = visible_actiepunten(user)
    if mijn:
        queryset = queryset.filter(eigenaar=user)
    return (_filter(queryset, **filters).select_related(*ACTIEPUNT_LIST_RELATED)
            .order_by("datum_gereed", "nummer", "pk"))


def overleg_list_for(user, *, driehoek=None, soort=None, van=None, tot=None) -> QuerySet:
    """Overleggen in every visible driehoek (the API's list), with the number of actiepunten."""
    queryset = visible_overleggen(user)
    if driehoek:
        queryset = queryset.filter(driehoek=driehoek)
    if soort:
        queryset = queryset.filter(soort=soort)
    if van:
        queryset = queryset.filter(datum__gte=van)
    if tot:
        queryset = queryset.filter(datum__lte=tot)
    return (queryset.select_related("driehoek", "voorzitter", "secretaris")
            .annotate(aantal_actiepunten=Count("actiepunten")).order_by("-datum", "-begintijd", "-pk"))


def overleggen_van(driehoek: Driehoek) -> QuerySet:
    return Overleg.objects.filter(driehoek=driehoek).order_by("-datum", "-begintijd", "-pk")


def overleg_list(driehoek: Driehoek) -> list[Overleg]:
    return list(overleggen_van(driehoek).select_related("voorzitter", "secretaris")
                .annotate(aantal_actiepunten=Count("actiepunten")))


def overleg_detail(overleg: Overleg) -> dict:
    """The verslag page in a fixed number of queries: per agendapunt its besluiten and carried actiepunten."""
    deelnames = list(overleg.deelnames.select_related("gebruiker", "gebruiker__organisatie"))
    agendapunten = list(overleg.agendapunten.all())
    besluiten = list(overleg.besluiten.all())
    meegenomen = list(Meegenomen.objects.filter(agendapunt__overleg=overleg)
                      .select_related("actiepunt__eigenaar", "actiepunt__overleg").order_by("actiepunt__nummer"))
    for punt in agendapunten:
        punt.besluiten_lijst = [b for b in besluiten if b.agendapunt_id == punt.pk]
        punt.meegenomen_lijst = [m.actiepunt for m in meegenomen if m.agendapunt_id == punt.pk]
    return {
        "deelnemers": [d for d in deelnames if d.aanwezig],
        "afwezigen": [d for d in deelnames if not d.aanwezig],
        "agendapunten": agendapunten,
        "besluiten": besluiten,
        "besluiten_los": [b for b in besluiten if b.agendapunt_id is None],
        "actiepunten": list(with_follow_up(overleg.actiepunten.select_related(*ACTIEPUNT_RELATED)).order_by("nummer")),
    }


def verzendingen(overleg: Overleg) -> list:
    return list(overleg.verzendingen.select_related("verzonden_door")[:20])


def members_of(driehoek: Driehoek) -> QuerySet:
    """The driehoek's members today (samenwerking.toegang): the possible eigenaren, deelnemers, voorzitters.
    The same rule decides whether an eigenaar is accepted on save and whether the eigenaar sees the actiepunt."""
    return toegang.active_members(driehoek).order_by("last_name", "first_name", "username")


def arrangementen_van(user, driehoek: Driehoek) -> QuerySet:
    return visible_arrangementen(user).filter(driehoek=driehoek).order_by("titel", "versie")


def failed_reminders(driehoek: Driehoek) -> int:
    return Herinnering.objects.filter(driehoek=driehoek, status=Herinnering.Verzending.MISLUKT).count()


def next_number(*, driehoek: Driehoek, overleg: Overleg | None) -> int:
    queryset = (Actiepunt.objects.filter(overleg=overleg) if overleg
                else Actiepunt.objects.filter(driehoek=driehoek, overleg=None))
    return (max(queryset.values_list("nummer", flat=True), default=0)) + 1


def existing_numbers(*, driehoek: Driehoek, overleg: Overleg | None) -> set[int]:
    queryset = (Actiepunt.objects.filter(overleg=overleg) if overleg
                else Actiepunt.objects.filter(driehoek=driehoek, overleg=None))
    return set(queryset.values_list("nummer", flat=True))


def import_bestaande(overleg: Overleg) -> list[Actiepunt]:
    """The overleg's actiepunten a re-import matches by number (the caller checked the user may manage them)."""
    return list(Actiepunt.objects.filter(overleg=overleg).select_related("eigenaar").order_by("nummer"))


def import_toewijzing(driehoek: Driehoek) -> dict[str, str]:
    """The column mapping the driehoek chose in its last import (normalised title → field)."""
    toewijzing = ImportToewijzing.objects.filter(driehoek=driehoek).first()
    return dict(toewijzing.kolommen) if toewijzing and isinstance(toewijzing.kolommen, dict) else {}


def voorkeur_van(user) -> Voorkeur | None:
    return Voorkeur.objects.filter(gebruiker=user).first()


def active_agendakoppelingen(user) -> list[Agendakoppeling]:
    return list(Agendakoppeling.objects.filter(gebruiker=user, ingetrokken_op=None))


# --- iCal -----------------------------------------------------------------------------------------

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def agenda_for_token(token: str) -> dict:
    """The feed of the user whose active token this is (querysets: agenda.build_calendar bounds them);
    a wrong or revoked token answers 404."""
    koppeling = (Agendakoppeling.objects.select_related("gebruiker")
                 .filter(token_hash=hash_token(token), ingetrokken_op=None, gebruiker__is_active=True).first())
    if koppeling is None:
        raise Http404(_("Deze agendakoppeling bestaat niet of is ingetrokken."))
    user = koppeling.gebruiker
    visible = visible_driehoeken(user)
    overleggen = (Overleg.objects.filter(driehoek__in=visible)
                  .filter(Q(deelnames__gebruiker=user, deelnames__aanwezig=True) | Q(voorzitter=user)
                          | Q(secretaris=user))
                  .select_related("driehoek").distinct().order_by("datum", "pk"))
    return {
        "gebruiker": user,
        "actiepunten": mijn_actiepunten(user).exclude(status=Status.VERVALLEN),
        "overleggen": overleggen,
    }


# --- the reminder planner's reads (system-wide) ---------------------------------------------------

def actiepunten_for_reminders(today: datetime.date, days_before: int) -> QuerySet:
    """Lopende actiepunten due within `days_before` days or overdue, with an address to write to.

    Only the columns the planner needs (herinneringen.actiepunt_reminder and the claim), in primary-key order
    for keyset pagination; the mail itself reads the actiepunt afresh (berichten).
    """
    return (Actiepunt.objects.filter(status__in=LOPEND, datum_gereed__lte=today + datetime.timedelta(days=days_before))
            .filter(Q(eigenaar__isnull=False, eigenaar__is_active=True) & ~Q(eigenaar__email="")
                    | Q(eigenaar__isnull=True) & ~Q(extern_email=""))
            .only("pk", "driehoek", "status", "datum_gereed").order_by("pk"))


def secretarissen_for_digest() -> QuerySet:
    """Active secretarissen (who run a driehoek's overleggen) with an e-mail address who did not opt out of the
    weekoverzicht."""
    opted_out = Voorkeur.objects.filter(weekoverzicht=False).values("gebruiker_id")
    return (toegang.members_anywhere(permission=toegang.MANAGE_OVERLEG).filter(is_active=True)
            .exclude(email="").exclude(pk__in=opted_out).order_by("pk"))


def digest_for(user, today: datetime.date) -> list[dict]:
    """Per driehoek where the user is secretaris: the overdue and soon-due lopende actiepunten."""
    driehoeken = visible_driehoeken(user, permission=toegang.MANAGE_OVERLEG).order_by("naam")
    horizon = today + datetime.timedelta(days=14)
    punten = list(Actiepunt.objects.filter(driehoek__in=driehoeken, status__in=LOPEND, datum_gereed__lte=horizon)
                  .select_related("eigenaar", "overleg").order_by("datum_gereed", "nummer"))
    result = []
    for driehoek in driehoeken:
        own = [p for p in punten if p.driehoek_id == driehoek.pk]
        if own:
            result.append({"driehoek": driehoek,
                           "verlopen": [p for p in own if p.datum_gereed < today],
                           "binnenkort": [p for p in own if p.datum_gereed >= today]})
    return result


def pending_reminders(max_attempts: int) -> list[int]:
    return list(Herinnering.objects.filter(
        Q(status=Herinnering.Verzending.TE_VERZENDEN)
        | Q(status=Herinnering.Verzending.MISLUKT, pogingen__lt=max_attempts)
    ).order_by("pk").values_list("pk", flat=True))
