"""Rules on an arrangement's data flows that the workflow and the herziening share: copying into the next
version, and the elements a flow on Wpg art. 20 must name before the arrangement can be submitted."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from samenwerking.historie import save_tracked

from .models import Afspraak, Arrangement, Gegevensstroom

# Wpg art. 20 lid 2: what the besluit on structural provision must name, in the law's order.
ARTIKEL20_ELEMENTEN = [
    ("zwaarwegend_algemeen_belang", _("het zwaarwegend algemeen belang")),
    ("doel", _("het doel")),
    ("categorieen", _("de gegevens")),
    ("voorwaarden", _("de voorwaarden")),
    ("ontvangers", _("de ontvangers")),
]


def flows_of(arrangement: Arrangement) -> list[Gegevensstroom]:
    """The register in a fixed number of queries, whatever its length."""
    return list(arrangement.gegevensstromen.select_related("verstrekker", "grondslag", "afspraak")
                .prefetch_related("ontvangers").order_by("pk"))


@dataclass(frozen=True)
class Ontvanger:
    """An ontvanger that is a party, as the printed annex, the embedded JSON and the API name it."""

    organisatie_id: int
    naam: str


def flows_with_receivers(arrangement: Arrangement) -> list[Gegevensstroom]:
    """The register in ONE query, for the API detail and the PDF: each flow joined to its ontvangers (a row per
    ontvanger), folded here into `stroom.partij_ontvangers`, sorted by name like the prefetch would."""
    flows: dict[int, Gegevensstroom] = {}
    rows = (arrangement.gegevensstromen.select_related("verstrekker", "grondslag", "afspraak")
            .annotate(ontvanger_id=F("ontvangers__id"), ontvanger_naam=F("ontvangers__naam")).order_by("pk"))
    for row in rows:
        stroom = flows.setdefault(row.pk, row)
        if not hasattr(stroom, "partij_ontvangers"):
            stroom.partij_ontvangers = []
        if row.ontvanger_id is not None:
            stroom.partij_ontvangers.append(Ontvanger(row.ontvanger_id, row.ontvanger_naam))
    for stroom in flows.values():
        stroom.partij_ontvangers.sort(key=lambda o: o.naam)
    return list(flows.values())


def describe(stroom: Gegevensstroom) -> str:
    """How a message names a flow: who gives what to whom."""
    return _("“%(categorieen)s” van %(verstrekker)s aan %(ontvangers)s") % {
        "categorieen": stroom.categorieen.strip()[:80] or _("(geen gegevens genoemd)"),
        "verstrekker": stroom.verstrekker,
        "ontvangers": ", ".join(receivers(stroom)) or _("(geen ontvangers)"),
    }


def receivers(stroom: Gegevensstroom) -> list[str]:
    """Every ontvanger by name: the parties (prefetched), then those outside the parties as the drafter wrote them."""
    names = [str(o) for o in stroom.ontvangers.all()]
    return names + ([stroom.overige_ontvangers] if stroom.overige_ontvangers else [])


def missing_elements(stroom: Gegevensstroom) -> list[str]:
    """The art. 20 elements this flow leaves empty (none when its grondslag does not ask for them)."""
    if not stroom.grondslag.vereist_artikel20_elementen:
        return []
    missing = []
    for veld, label in ARTIKEL20_ELEMENTEN:
        value = receivers(stroom) if veld == "ontvangers" else getattr(stroom, veld).strip()
        if not value:
            missing.append(str(label))
    return missing


def incomplete_artikel20(arrangement: Arrangement, flows: list[Gegevensstroom] | None = None):
    """(flow, missing elements) for every art. 20 flow that is not complete."""
    flows = flows_of(arrangement) if flows is None else flows
    return [(stroom, missing) for stroom in flows if (missing := missing_elements(stroom))]


def refuse_removing_a_party_in_flows(*, arrangement: Arrangement, organisatie_id: int) -> None:
    """A party that gives or receives data in the register cannot leave it silently: its flows go first."""
    flows = list(arrangement.gegevensstromen.filter(Q(verstrekker_id=organisatie_id) | Q(ontvangers=organisatie_id))
                 .distinct().order_by("pk"))
    if flows:
        raise ValidationError(
            _("Deze partij komt voor in de gegevensdeling (%(stromen)s). Pas die gegevensstromen eerst aan.")
            % {"stromen": "; ".join(f"“{f.categorieen[:60]}”" for f in flows)}, code="partij_in_gegevensstroom",
        )


def copy_flows(*, source: Arrangement, copy: Arrangement, user, afspraken: dict[int, Afspraak],
               weglaten: frozenset[int] = frozenset()) -> None:
    """Every flow into the herziening, linked to its predecessor, except those in `weglaten` (an evaluation judged
    them no longer needed); `afspraken` maps old afspraak ids to the copies (an afspraak left out of the
    herziening leaves its flow without one)."""
    for stroom in flows_of(source):
        if stroom.pk in weglaten:
            continue
        nieuw = Gegevensstroom(
            arrangement=copy, vorige=stroom, afspraak=afspraken.get(stroom.afspraak_id),
            **{veld: getattr(stroom, veld) for veld in COPIED_FIELDS},
        )
        save_tracked(nieuw, user)
        nieuw.ontvangers.set(stroom.ontvangers.all())


COPIED_FIELDS = [
    "verstrekker_id", "categorieen", "doel", "grondslag_id", "zwaarwegend_algemeen_belang", "voorwaarden", "kanaal",
    "frequentie", "bewaartermijn", "verdere_verstrekking", "beveiligingsafspraken", "overige_ontvangers",
    "toelichting_overige_ontvangers",
]
