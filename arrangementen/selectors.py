"""Every read of arrangementen, scoped by the user's driehoeken (samenwerking.selectors)."""

import datetime

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import toegang
from samenwerking.models import Driehoek

from . import documenten, goedkeuring, ondertekenmails
from .models import (
    Afspraak,
    Arrangement,
    Beoordeling,
    Document,
    Documentversie,
    Gegevensstroom,
    Levensfase,
    Opmerking,
    Partij,
    Signalering,
    Status,
    Statusovergang,
)


def visible_arrangementen(user) -> QuerySet:
    return Arrangement.objects.filter(driehoek__in=toegang.visible_driehoeken(user))


def _shares_data() -> Exists:
    """Whether an arrangement has data flows (goedkeuring.privacy_required), read along with it."""
    return Exists(Gegevensstroom.objects.filter(arrangement=OuterRef("pk")))


def get_arrangement(user, pk, *, permission: str | None = None) -> Arrangement:
    """404 when the user cannot see it; 403 when they see it but lack `permission` on its driehoek. Carries its
    levensfase of today (arrangementen.levensloop) and whether it shares data (`heeft_gegevensstromen`)."""
    arrangement = (
        visible_arrangementen(user).select_related("driehoek", "vorige_versie", "aangemaakt_door",
                                                   "opzegging__door", "opzegging__partij__organisatie")
        .met_levensfase().annotate(heeft_gegevensstromen=_shares_data()).filter(pk=pk).first()
    )
    return toegang.require(user, arrangement, permission=permission, model=Arrangement, pk=pk,
                           missing=_("Dit arrangement bestaat niet of u heeft er geen toegang toe."))


def downloadable_version(user, pk) -> Documentversie:
    """The PDF a user may download of arrangement `pk`, for the site and the API alike.

    Another driehoek's (or an unknown) arrangement: 404; no export right on its driehoek: 403; no certified PDF
    yet (none requested, still rendering, or failed): 404. Downloadable is the newest stored version of a
    document that is ready (status gereed): the certified PDF, during signing the version with every signature
    set so far, and once all have signed the fully signed one. Older versions stay in the history only: a
    reader should never pick up a version that lacks signatures set since.
    """
    arrangement = get_arrangement(user, pk, permission=toegang.EXPORT)
    versie = (Documentversie.objects.filter(document__arrangement=arrangement, document__status=Document.Status.GEREED)
              .select_related("document", "document__arrangement", "document__arrangement__driehoek")
              .order_by("-volgnummer").first())
    if versie is None:
        raise Http404(_("Er is nog geen PDF van dit arrangement."))  # the arrangement is visible: nothing to log
    return versie


def arrangement_detail(arrangement: Arrangement, *, met_opmerkingen: bool = True) -> dict:
    """Everything the detail page shows, in a fixed number of queries (the API leaves out the comments)."""
    afspraken = list(
        arrangement.afspraken.select_related("onderwerp", "modelafspraak")
        .order_by("onderwerp__niveau", "onderwerp__volgorde", "volgorde", "pk")
    )
    opmerkingen = list(
        Opmerking.objects.filter(arrangement=arrangement)
        .select_related("auteur", "opgelost_door", "afspraak").order_by("geplaatst_op", "pk")
    ) if met_opmerkingen else []
    partijen = list(arrangement.partijen.select_related("organisatie"))
    overgangen = list(Statusovergang.objects.filter(arrangement=arrangement).select_related("door"))
    beoordelingen = list(Beoordeling.objects.filter(arrangement=arrangement)
                         .select_related("beoordelaar", "organisatie"))
    return {
        "afspraken": afspraken,
        "partijen": partijen,
        "inzet": list(arrangement.inzet.all()),
        "overgangen": overgangen,
        "beoordelingen": beoordelingen,
        "opmerkingen": opmerkingen,
        "partij_standen": goedkeuring.party_states(arrangement, partijen=partijen, beoordelingen=beoordelingen),
        "privacy_stand": goedkeuring.privacy_state(arrangement, beoordelingen=beoordelingen),
        "meldingen": goedkeuring.page_notices(arrangement, overgangen=overgangen, beoordelingen=beoordelingen),
    }


def version_chain(arrangement: Arrangement) -> list[Arrangement]:
    """All versions of this arrangement, oldest first (each herziening links to its vorige_versie).

    A herziening stays in the driehoek of its predecessor, so the driehoek's arrangements are read once and the
    chain is walked in memory: one query however many versions there are."""
    candidates = list(Arrangement.objects.filter(driehoek_id=arrangement.driehoek_id))
    by_pk = {a.pk: a for a in candidates}
    by_pk[arrangement.pk] = arrangement
    successors: dict[int, Arrangement] = {}
    for candidate in sorted(candidates, key=lambda a: a.gewijzigd_op):  # the newest successor wins, as before
        if candidate.vorige_versie_id:
            successors[candidate.vorige_versie_id] = candidate
    first, seen = arrangement, {arrangement.pk}
    while first.vorige_versie_id and first.vorige_versie_id not in seen:
        first = by_pk.get(first.vorige_versie_id) or Arrangement.objects.get(pk=first.vorige_versie_id)
        seen.add(first.pk)
    chain = [first]
    while (nxt := successors.get(chain[-1].pk)) is not None and nxt.pk not in {a.pk for a in chain}:
        chain.append(nxt)
    return [arrangement if a.pk == arrangement.pk else a for a in chain]


SEARCH_CONFIG = "dutch"


def arrangement_search_vector() -> SearchVector:
    """Titel (weight A), doel and aanleiding (B): the expression the GIN index on Arrangement is built on."""
    return SearchVector("titel", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "doel", "aanleiding", config=SEARCH_CONFIG, weight="B"
    )


def afspraak_search_vector() -> SearchVector:
    """Titel and tekst of an afspraak: the expression the GIN index on Afspraak is built on."""
    return SearchVector("titel", "tekst", config=SEARCH_CONFIG)


def _search(queryset: QuerySet, text: str) -> QuerySet:
    """PostgreSQL full text in Dutch over titel, doel and afspraken; a plain match on SQLite.

    Both matches are subqueries on the exact expressions of the GIN indexes (migration 0003), so PostgreSQL
    finds the matching rows in the index instead of computing a tsvector for every afspraak in the country.
    """
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        in_arrangement = Arrangement.objects.alias(zoek=arrangement_search_vector()).filter(zoek=query)
        in_afspraken = Afspraak.objects.alias(zoek=afspraak_search_vector()).filter(zoek=query)
        # One IN over a UNION, not two INs joined by OR (which PostgreSQL can only apply by scanning every
        # arrangement); the user's driehoeken then narrow the arrangementen through their index first.
        ids = in_arrangement.order_by().values("pk").union(in_afspraken.order_by().values("arrangement_id"))
        return queryset.filter(pk__in=ids)
    return queryset.filter(
        Q(titel__icontains=text) | Q(doel__icontains=text)
        | Q(pk__in=Afspraak.objects.filter(Q(titel__icontains=text) | Q(tekst__icontains=text))
            .values("arrangement_id"))
    )


def arrangement_list(user, *, status=None, gemeente=None, basisteam=None, domein=None,
                     verloopt_binnen=None, evaluatie_gepland=False, zoek=None, levensfase=None,
                     peildatum=None) -> QuerySet:
    """The visible arrangements, filtered, each with its `levensfase` on `peildatum` (default today)."""
    queryset = visible_arrangementen(user).met_levensfase(peildatum)
    if levensfase:
        queryset = queryset.filter(levensfase=levensfase)
    if status:
        queryset = queryset.filter(status=status)
    if gemeente:
        # A subquery, not a join: one row per arrangement, so the list needs no DISTINCT.
        queryset = queryset.filter(driehoek__in=Driehoek.objects.filter(gemeenten=gemeente).values("pk"))
    if basisteam:
        queryset = queryset.filter(driehoek__basisteam=basisteam)
    if domein:
        # One filter() call, so the domein and the counts are checked on the same inzet row.
        queryset = queryset.filter(pk__in=Arrangement.objects.filter(
            Q(inzet__aantal_boas__gt=0) | Q(inzet__fte__gt=0), inzet__domein=domein).values("pk"))
    today = timezone.localdate()
    if verloopt_binnen is not None:
        queryset = queryset.filter(
            geldig_tot__gte=today, geldig_tot__lte=today + datetime.timedelta(days=verloopt_binnen)
        )
    if evaluatie_gepland:
        queryset = queryset.filter(evaluatiedatum__gte=today)
    if zoek:
        queryset = _search(queryset, zoek)
    # Counted per arrangement on the page (a correlated subquery after ORDER BY … LIMIT), not by joining
    # every afspraak of every visible arrangement and grouping them all.
    aantal = (Afspraak.objects.filter(arrangement=OuterRef("pk")).order_by().values("arrangement")
              .annotate(n=Count("pk")).values("n"))
    return (
        queryset.select_related("driehoek", "driehoek__basisteam")
        .annotate(aantal_afspraken=Coalesce(Subquery(aantal), 0))
        .order_by("-gewijzigd_op", "-pk")
    )


def review_queue(user) -> list[Arrangement]:
    """"Te beoordelen": under review in a driehoek where the user reviews and awaiting the user's approval: of the
    user's party (where no party must approve: not yet judged by the user), or as privacy adviser; each with its
    submission (`indiening`) and the number of afspraken changed since the user last judged it
    (`gewijzigde_afspraken`), in fixed queries."""
    candidates = (
        Arrangement.objects.filter(
            driehoek__in=toegang.visible_driehoeken(user, permission=toegang.REVIEW), status=Status.TER_REVIEW,
        )
        .select_related("driehoek", "aangemaakt_door")
        .prefetch_related(
            Prefetch("partijen", queryset=Partij.objects.select_related("organisatie")),
            Prefetch("beoordelingen", queryset=Beoordeling.objects.filter(vervallen=False),
                     to_attr="geldige_beoordelingen"),
            Prefetch("overgangen", to_attr="indieningen",
                     queryset=Statusovergang.objects.filter(naar=Status.TER_REVIEW).select_related("door")
                     .order_by("-op", "-pk")),
        )
        .annotate(heeft_gegevensstromen=_shares_data())
        .order_by("gewijzigd_op")
    )
    candidates = list(candidates)
    held = toegang.capacities_on_many(user, {a.driehoek for a in candidates})
    queue = [a for a in candidates if goedkeuring.awaits(user, a, held=held[a.driehoek_id])]
    last_looks = dict(Beoordeling.objects.filter(beoordelaar=user, arrangement__in=[a.pk for a in queue])
                      .values("arrangement").annotate(m=Max("op")).values_list("arrangement", "m"))
    changed: dict[int, set[int]] = {}
    if last_looks:
        rows = Afspraak.history.filter(arrangement_id__in=list(last_looks), history_date__gt=min(last_looks.values()))
        for arrangement_id, afspraak_id, op in rows.values_list("arrangement_id", "id", "history_date"):
            if op > last_looks[arrangement_id]:
                changed.setdefault(arrangement_id, set()).add(afspraak_id)
    for arrangement in queue:
        arrangement.indiening = arrangement.indieningen[0] if arrangement.indieningen else None
        arrangement.laatst_beoordeeld_op = last_looks.get(arrangement.pk)
        arrangement.gewijzigde_afspraken = len(changed.get(arrangement.pk, ()))
    return queue


# The dashboard blocks (arrangementen/dashboard.py): at most ten rows each.
DASHBOARD_ROWS = 10


def my_concepts(user) -> list[Arrangement]:
    """"Mijn concepten": the user's own drafts, also those sent back with requested changes."""
    return list(
        visible_arrangementen(user).select_related("driehoek")
        .filter(aangemaakt_door=user, status__in=[Status.CONCEPT, Status.WIJZIGINGEN_GEVRAAGD])
        .order_by("-gewijzigd_op")[:DASHBOARD_ROWS]
    )


def review_queue_top(user) -> list[Arrangement]:
    return review_queue(user)[:DASHBOARD_ROWS]


def to_sign(user) -> list[Arrangement]:
    """Arrangements waiting for this user's signature now (their partij's turn, or any order in parallel); the
    newest PDFs first, a bounded number of candidates so the dashboard's cost does not grow with the archive."""
    documents = (Document.objects.filter(
        status=Document.Status.GEREED, arrangement__status=Status.VASTGESTELD,
        arrangement__driehoek__in=toegang.visible_driehoeken(user, permission=toegang.SIGN))
        .select_related("arrangement__driehoek").order_by("-aangevraagd_op")[:2 * DASHBOARD_ROWS])
    waiting = []
    for document in documents:
        at_turn = {p.pk for p in ondertekenmails.parties_at_turn(document)}
        if any(o.partij.pk in at_turn for o in documenten.signing_options(user, document)):
            waiting.append(document.arrangement)
    return waiting[:DASHBOARD_ROWS]


# The blocks of signed arrangements: arrangementen/levensfaseblokken.py (one query for four blocks).


def opmerkingen_threads(opmerkingen: list[Opmerking]) -> list[dict]:
    """Top-level comments with their replies, from an already fetched list."""
    replies: dict[int, list] = {}
    roots = []
    for opmerking in opmerkingen:
        if opmerking.antwoord_op_id:
            replies.setdefault(opmerking.antwoord_op_id, []).append(opmerking)
        else:
            roots.append(opmerking)
    return [{"opmerking": root, "antwoorden": replies.get(root.pk, [])} for root in roots]


def document_context(user, arrangement, rechten=None) -> dict:
    """What the arrangement page shows about its PDF, with a fixed number of queries."""
    document = Document.objects.filter(arrangement=arrangement).first()
    if rechten is None:
        rechten = toegang.permissions_on(user, arrangement.driehoek)
    if document is None:
        return {"document": None, "kan_exporteren": toegang.EXPORT in rechten and arrangement.status == "vastgesteld"}
    handtekeningen = list(document.handtekeningen.select_related("partij__organisatie", "ondertekenaar", "namens"))
    signed = {h.partij_id for h in handtekeningen}
    return {
        "document": document,
        "kan_exporteren": toegang.EXPORT in rechten,
        "handtekeningen": handtekeningen,
        "nog_te_tekenen": [p for p in arrangement.partijen.select_related("organisatie") if p.pk not in signed],
        **_signing_progress(user, document, rechten, signed),
        "kan_tekenen": toegang.SIGN in rechten and document.status == Document.Status.GEREED
        and bool(documenten.signing_options(user, document)),
        "gebeurtenissen": list(document.gebeurtenissen.select_related("door", "documentversie")[:50]),
        "laatste_versie": documenten.latest_version(document),
    }


def _signing_progress(user, document: Document, rechten: set[str], signed: set[int]) -> dict:
    """Per unsigned partij whether it is at turn and when its invitation and last reminder went out; the date all
    signed. Who may remind: the secretaris, while signing is under way."""
    kan_herinneren = (toegang.ADOPT in rechten and document.status == Document.Status.GEREED
                      and document.arrangement.status == Status.VASTGESTELD)
    at_turn = {p.pk for p in ondertekenmails.parties_at_turn(document)}
    sent = ondertekenmails.sent_per_partij(document) if kan_herinneren else {}
    status = [{"partij": p, "aan_de_beurt": p.pk in at_turn, **sent.get(p.pk, {})}
              for p in document.arrangement.partijen.select_related("organisatie").order_by("volgorde", "pk")
              if p.pk not in signed]
    return {"nog_te_tekenen_status": status, "kan_herinneren": kan_herinneren,
            "ondertekend_op": ondertekenmails.completed_on(document)}


# --- signals about an arrangement's dates (arrangementen/signaleringen.py): system-wide reads ---------------------

def arrangementen_for_signals(*, today: datetime.date, horizon_days: int, statuses, window_days: int) -> QuerySet:
    """Arrangements in one of `statuses` with something to signal, by pk, annotated with today's levensfase: the
    evaluation that counts or geldig_tot within the horizon, an overdue evaluation, or a start, opzegging or
    vervanging in the last `window_days`."""
    horizon = today + datetime.timedelta(days=horizon_days)
    since = today - datetime.timedelta(days=window_days)
    return (Arrangement.objects.filter(status__in=statuses).met_levensfase(today)
            .alias(evaluatie_telt=Coalesce("volgende_evaluatie", "evaluatiedatum"))
            .filter(Q(evaluatie_telt__gte=today, evaluatie_telt__lte=horizon)
                    | Q(geldig_tot__gte=today, geldig_tot__lte=horizon)
                    | Q(levensfase=Levensfase.EVALUATIE_ACHTERSTALLIG)
                    | Q(geldig_van__gte=since, geldig_van__lte=today)
                    | Q(ondertekend_op__date__gte=since, ondertekend_op__date__lte=today)
                    | Q(opzegging__ingangsdatum__gte=since, opzegging__ingangsdatum__lte=today)
                    | Q(vervangen_per__gte=since, vervangen_per__lte=today))
            .select_related("driehoek", "opzegging").order_by("pk"))


def signal_recipients(arrangement: Arrangement) -> QuerySet:
    """The driehoek's coördinatoren and secretarissen with an address: who manages its actiepunten
    (samenwerking.toegang)."""
    return (toegang.active_members(arrangement.driehoek, permission=toegang.MANAGE_ACTIEPUNTEN)
            .filter(is_active=True).exclude(email="").order_by("pk"))


def pending_signals(*, max_attempts: int) -> list[int]:
    return list(Signalering.objects.filter(
        Q(status=Signalering.Verzending.TE_VERZENDEN)
        | Q(status=Signalering.Verzending.MISLUKT, pogingen__lt=max_attempts)
    ).order_by("pk").values_list("pk", flat=True))
