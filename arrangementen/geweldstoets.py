"""The compliance signal of issue 20 (item 2), in one place: a BOA-organisatie whose boa's carry geweldsmiddelen
while no arrangement that records them is in force (none signed, verlopen, opgezegd and ingegaan, or only in
voorbereiding) is flagged; and the reminders 90, 30 and 7 days before such an arrangement ends.

National boa policy ties geweldsmiddelen to a handhavingsarrangement with the police (README, "Geweldsmiddelen").
The rule, on a peildatum, from the lifecycle state (models/levensfase.py via ArrangementQuerySet.in_force_on):
- an arrangement *states* geweldsmiddelen for an organisation when it has a Geweldsmiddeltoekenning for it, is not
  withdrawn, was made by the peildatum, and is not superseded (vervangen, or a signed next version exists): the
  newest word of its herzieningsketen counts, so a herziening that drops an organisation drops its claim too;
- an organisation is *covered* when an arrangement in force (in werking, verloopt binnenkort, evaluatie
  achterstallig, or opgezegd but not yet ingegaan — like arrangementen.dekking) records geweldsmiddelen for it;
- flagged: stated and not covered. Everything is a subquery, so pages add it to the query they already run.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samenwerking.berichten import subject_line

from . import selectors
from .models import Arrangement, Geweldsmiddel, Geweldsmiddeltoekenning, Levensfase, Signalering, Status

THRESHOLDS = (90, 30, 7)
SOORT = Signalering.Soort.GEWELDSMIDDELEN_EINDE


def stating(peildatum: datetime.date) -> QuerySet:
    """Arrangements whose geweldsmiddelen count on the peildatum (the newest word of their chain)."""
    signed_next = Arrangement.objects.filter(vorige_versie=OuterRef("pk"), status=Status.ONDERTEKEND,
                                             ondertekend_op__date__lte=peildatum)
    return (Arrangement.objects.exclude(status=Status.INGETROKKEN).filter(aangemaakt_op__date__lte=peildatum)
            .exclude(vervangen_per__lte=peildatum).exclude(Exists(signed_next)))


def uncovered(peildatum: datetime.date) -> QuerySet:
    """The toekenningen whose organisation has no arrangement in force recording geweldsmiddelen for it."""
    in_force = Geweldsmiddeltoekenning.objects.filter(
        arrangement__in=Arrangement.objects.in_force_on(peildatum).values("pk")).values("organisatie_id")
    return (Geweldsmiddeltoekenning.objects.filter(arrangement__in=stating(peildatum).values("pk"))
            .exclude(organisatie_id__in=in_force))


def flag(peildatum: datetime.date | None = None) -> Exists:
    """For an Arrangement queryset: whether it states geweldsmiddelen of an organisation that is not covered."""
    return Exists(uncovered(peildatum or timezone.localdate()).filter(arrangement=OuterRef("pk")))


@dataclass(frozen=True)
class Gemeentevlaggen:
    """For (arrangement × gemeente) rows (arrangementen.dekking): the arrangement states uncovered geweldsmiddelen
    of that gemeente's own organisation, or of a BOA-werkgever tied to no gemeente (a terreinbeheerder works in all
    the arrangement's gemeenten); another gemeente's boa's do not mark this one."""

    overal: frozenset  # arrangement pks: an organisation tied to no gemeente
    per_gemeente: frozenset  # (arrangement pk, gemeente pk)

    def flagged(self, arrangement_id: int, gemeente_id: int) -> bool:
        return arrangement_id in self.overal or (arrangement_id, gemeente_id) in self.per_gemeente


def flags_for_gemeenten(peildatum: datetime.date, *, gemeenten: QuerySet | None = None) -> Gemeentevlaggen:
    """One query whatever the number of rows (a correlated subquery per map row cost the national map ~0.8 s).
    With `gemeenten`, only their organisations' rows and those tied to no gemeente: a zoomed page reads its part."""
    rows = uncovered(peildatum)
    if gemeenten is not None:
        rows = rows.filter(Q(organisatie__gemeente__isnull=True) | Q(organisatie__gemeente__in=gemeenten.values("pk")))
    pairs = set(rows.values_list("arrangement_id", "organisatie__gemeente_id"))
    return Gemeentevlaggen(overal=frozenset(a for a, g in pairs if g is None),
                           per_gemeente=frozenset((a, g) for a, g in pairs if g is not None))


def with_flag(queryset: QuerySet, *, peildatum: datetime.date | None = None, only: bool = False) -> QuerySet:
    """Annotate `geweld_zonder_werking`; with `only`, keep the flagged arrangements."""
    queryset = queryset.annotate(geweld_zonder_werking=flag(peildatum))
    return queryset.filter(geweld_zonder_werking=True) if only else queryset


def flagged_among(pks: list[int], *, peildatum: datetime.date | None = None) -> set[int]:
    """Which of these arrangements `flag()` marks, for one page of a list: a plain read of which record any
    toekenning, and the flagging query (costly to build) only for those — most pages have none (issue 19)."""
    stating_any = set(Geweldsmiddeltoekenning.objects.filter(arrangement_id__in=pks)
                      .values_list("arrangement_id", flat=True).distinct())
    if not stating_any:
        return set()
    return set(uncovered(peildatum or timezone.localdate()).filter(arrangement_id__in=stating_any)
               .values_list("arrangement_id", flat=True).distinct())


@dataclass(frozen=True)
class Signaal:
    """One flagged organisation of a driehoek: which arrangement states its geweldsmiddelen and why it is not
    in force."""

    organisatie: str
    middelen: str
    arrangement_id: int
    titel: str
    driehoek: str
    reden: str


def _reden(status: str, levensfase: str | None) -> str:
    if levensfase:
        return str(Levensfase(levensfase).label)
    return _("in voorbereiding (%(status)s)") % {"status": Status(status).label}


def signals_for(user, *, peildatum: datetime.date | None = None) -> list[Signaal] | None:
    """The flagged organisations in the driehoeken the user sees, for the dashboard. None when no arrangement the
    user sees records geweldsmiddelen: then the block has nothing to say, not even "all covered" (every gemeente
    party could employ boa's, so the rows themselves say whose boa's carry geweldsmiddelen). Most users have none:
    a plain EXISTS says so, and only then is the flagging query (costly to build: two levensfase expressions) made."""
    peildatum = peildatum or timezone.localdate()
    toekenningen = Geweldsmiddeltoekenning.objects.filter(
        arrangement__in=selectors.visible_arrangementen(user).values("pk"))
    if not toekenningen.exists():
        return None
    rows = list(
        toekenningen
        .annotate(open=Exists(uncovered(peildatum).filter(pk=OuterRef("pk"))),
                  fase=Arrangement.objects.met_levensfase(peildatum).filter(pk=OuterRef("arrangement_id"))
                  .values("levensfase")[:1])
        .values("organisatie__naam", "geweldsmiddel", "arrangement_id", "arrangement__titel",
                "arrangement__versie", "arrangement__status", "arrangement__driehoek__naam", "fase", "open")
        .order_by("arrangement__driehoek__naam", "organisatie__naam", "arrangement_id", "geweldsmiddel"))
    if not rows:
        return None
    grouped: dict[tuple, dict] = {}
    for row in (r for r in rows if r["open"]):
        key = (row["arrangement_id"], row["organisatie__naam"])
        entry = grouped.setdefault(key, {**row, "middelen": []})
        label = str(Geweldsmiddel(row["geweldsmiddel"]).label)
        if label not in entry["middelen"]:
            entry["middelen"].append(label)
    return [Signaal(organisatie=e["organisatie__naam"], middelen=", ".join(e["middelen"]),
                    arrangement_id=e["arrangement_id"],
                    titel=f"{e['arrangement__titel']} (versie {e['arrangement__versie']})",
                    driehoek=e["arrangement__driehoek__naam"], reden=_reden(e["arrangement__status"], e["fase"]))
            for e in grouped.values()]


# --- reminders: 90, 30 and 7 days before the arrangement that carries geweldsmiddelen ends ------------------------

def last_day(arrangement: Arrangement) -> datetime.date | None:
    """The last day in force: geldig_tot, or the day before an opzegging takes effect when that comes first."""
    opzegging = getattr(arrangement, "opzegging", None)
    days = [d for d in (arrangement.geldig_tot,
                        opzegging.ingangsdatum - datetime.timedelta(days=1) if opzegging else None) if d]
    return min(days) if days else None


def _carrying(today: datetime.date) -> QuerySet:
    """In force today, with geweldsmiddelen, and no signed herziening taking over (that one carries them then)."""
    return (Arrangement.objects.in_force_on(today).filter(vervangen_per__isnull=True)
            .filter(Exists(Geweldsmiddeltoekenning.objects.filter(arrangement=OuterRef("pk"))))
            .exclude(Exists(Arrangement.objects.filter(vorige_versie=OuterRef("pk"), status=Status.ONDERTEKEND)))
            .filter(Q(geldig_tot__isnull=False) | Q(opzegging__isnull=False))
            .select_related("driehoek", "opzegging").order_by("pk"))


def due_reminder(arrangement: Arrangement, today: datetime.date) -> str | None:
    """The periode of the reminder due today (the most specific threshold reached), or None."""
    day = last_day(arrangement)
    if day is None or day < today:
        return None
    reached = [d for d in THRESHOLDS if (day - today).days <= d]
    return f"{day.isoformat()}-{min(reached)}d" if reached else None


def claim_reminders(*, today: datetime.date | None = None) -> int:
    """Claim the reminders due today as Signalering rows, one per (arrangement, periode, recipient); a key that has
    any row is done, and a concurrent run loses the race to the unique constraint, so a double run claims nothing
    twice. The rows are sent by signaleringen.send_signal like every signal (compose() below writes the mail)."""
    today = today or timezone.localdate()
    due = {a.pk: (a, periode) for a in _carrying(today) if (periode := due_reminder(a, today))}
    if not due:
        return 0
    existing = set(Signalering.objects.filter(arrangement_id__in=due, soort=SOORT)
                   .values_list("arrangement_id", "periode"))
    wanted = [Signalering(arrangement=a, soort=SOORT, periode=periode, ontvanger=ontvanger)
              for pk, (a, periode) in due.items() if (pk, periode) not in existing
              for ontvanger in selectors.signal_recipients(a)]
    if not wanted:
        return 0
    with transaction.atomic():
        Signalering.objects.bulk_create(wanted, ignore_conflicts=True)
        # bulk_create skips save(): the rows without history are the ones this run created.
        created = list(Signalering.objects.filter(
            ~Exists(Signalering.history.filter(id=OuterRef("pk"))), soort=SOORT,
            arrangement_id__in={s.arrangement_id for s in wanted}, periode__in={s.periode for s in wanted}))
        Signalering.history.bulk_history_create(created, default_user=None, default_date=timezone.now())
    return len(created)


def compose(signalering: Signalering, today: datetime.date) -> EmailMessage | None:
    """The Dutch mail, or None when it is no longer due (dates changed, a herziening took over, the recipient
    no longer manages the driehoek's actiepunten)."""
    arrangement = _carrying(today).filter(pk=signalering.arrangement_id).first()
    if arrangement is None or due_reminder(arrangement, today) != signalering.periode:
        return None
    ontvanger = selectors.signal_recipients(arrangement).filter(pk=signalering.ontvanger_id).first()
    if ontvanger is None:
        return None
    day = last_day(arrangement)
    regels = [f"- {t.organisatie}: {t.get_geweldsmiddel_display()} ({t.get_domein_display()})"
              for t in arrangement.geweldsmiddeltoekenningen.select_related("organisatie")
              .order_by("organisatie__naam", "domein", "geweldsmiddel")]
    context = {"titel": arrangement.titel, "versie": arrangement.versie, "driehoek": arrangement.driehoek.naam,
               "datum": formats.date_format(day, "j F Y"), "dagen": (day - today).days,
               "link": settings.SITE_URL.rstrip("/") + reverse("arrangementen:detail", args=[arrangement.pk])}
    body = "\n\n".join([
        _("Beste coördinator en secretaris,"),
        _("Het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s is in werking tot en met %(datum)s. "
          "De boa's van deze organisaties dragen geweldsmiddelen op grond van dit arrangement:") % context,
        "\n".join(regels),
        _("Zonder arrangement in werking mogen zij die niet dragen. Zorg dat een herziening op tijd is ondertekend."),
        _("Bekijk het arrangement: %(link)s") % context])
    return EmailMessage(subject=subject_line(_("Geweldsmiddelen: '%(titel)s' loopt over %(dagen)s dagen af")
                                             % context), body=body, to=[ontvanger.email])
