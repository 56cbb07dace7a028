"""Reads of the kennisbank (issue 17): published praktijkvoorbeelden and the clause library with its usage, for
every logged-in user whatever their driehoek. Nothing here shows a driehoek's content: usage is a count over all
arrangementen, and an offered practice names its driehoek only when the driehoek agreed."""

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Afspraak, Modelafspraak, Onderwerp, PraktijkStatus, Praktijkvoorbeeld, Status

LINKS = Praktijkvoorbeeld.onderwerpen.through


def published() -> QuerySet:
    return Praktijkvoorbeeld.objects.filter(status=PraktijkStatus.GEPUBLICEERD)


def _with_links(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("bron_driehoek").prefetch_related(
        Prefetch("onderwerpen", queryset=Onderwerp.objects.order_by("niveau", "volgorde", "naam")),
        Prefetch("modelafspraken", queryset=Modelafspraak.objects.select_related("onderwerp")),
    )


def search(*, tekst: str = "", onderwerp: Onderwerp | None = None, niveau: str = "", domein: str = "",
           plaats: str = "") -> QuerySet:
    """Published practices matching every filter given; links prefetched (three queries for any number)."""
    rows = published()
    if onderwerp is not None:
        rows = rows.filter(pk__in=LINKS.objects.filter(onderwerp=onderwerp).values("praktijkvoorbeeld_id"))
    if niveau:
        rows = rows.filter(pk__in=LINKS.objects.filter(onderwerp__niveau=niveau).values("praktijkvoorbeeld_id"))
    if domein:
        rows = rows.filter(domeinen__contains=f",{domein},")
    if plaats:
        rows = rows.filter(plaats__icontains=plaats)
    for word in tekst.split():
        rows = rows.filter(Q(titel__icontains=word) | Q(plaats__icontains=word) | Q(partijen__icontains=word)
                           | Q(afgesproken__icontains=word) | Q(wat_werkte__icontains=word))
    return _with_links(rows).order_by("titel", "pk")


def get_published(pk: int) -> Praktijkvoorbeeld | None:
    return _with_links(published()).filter(pk=pk).first()


def usage_counts() -> dict[int, int]:
    """In how many arrangementen (not withdrawn) each modelafspraak is used, by the afspraken' links: one query."""
    rows = (Afspraak.objects.filter(modelafspraak__isnull=False).exclude(arrangement__status=Status.INGETROKKEN)
            .values("modelafspraak_id").annotate(n=Count("arrangement_id", distinct=True)).order_by())
    return {row["modelafspraak_id"]: row["n"] for row in rows}


def library(*, tekst: str = "", onderwerp: Onderwerp | None = None, niveau: str = "") -> list[Onderwerp]:
    """Active onderwerpen with their active variants (usage count, guidance, published practices), filtered;
    an onderwerp without a matching variant is left out when a filter is on. Four queries."""
    clauses = Modelafspraak.objects.filter(actief=True).order_by("volgorde", "titel")
    for word in tekst.split():
        clauses = clauses.filter(Q(titel__icontains=word) | Q(tekst__icontains=word) | Q(toelichting__icontains=word))
    onderwerpen = Onderwerp.objects.filter(actief=True)
    if onderwerp is not None:
        onderwerpen = onderwerpen.filter(pk=onderwerp.pk)
    if niveau:
        onderwerpen = onderwerpen.filter(niveau=niveau)
    onderwerpen = onderwerpen.prefetch_related(
        Prefetch("modelafspraken", queryset=clauses.prefetch_related(
            Prefetch("praktijkvoorbeelden", queryset=published().order_by("titel"))), to_attr="varianten"))
    counts = usage_counts()
    result = []
    for item in onderwerpen:
        for clause in item.varianten:
            clause.gebruik = counts.get(clause.pk, 0)
        if item.varianten or not (tekst or onderwerp or niveau):
            result.append(item)
    return result


def open_offers() -> QuerySet:
    """Offers waiting for a beheerder, oldest first."""
    return (_with_links(Praktijkvoorbeeld.objects.filter(status=PraktijkStatus.AANGEBODEN))
            .select_related("aangeboden_door", "bron_afspraak__arrangement").order_by("aangeboden_op", "pk"))


def offers_of(afspraak: Afspraak) -> QuerySet:
    return Praktijkvoorbeeld.objects.filter(bron_afspraak=afspraak).order_by("-aangeboden_op")
