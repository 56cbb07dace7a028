"""A readable audit trail from simple-history records, reusable for every tracked model.

`build_timeline` turns historical querysets into events: who changed which field from what to what, and
when, in Dutch. Foreign keys and many-to-many values are resolved in bulk, so the number of queries does
not grow with the number of records.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .diff import DiffBudget, word_diff

ACTIONS = {
    "+": gettext_lazy("aangemaakt"),
    "~": gettext_lazy("gewijzigd"),
    "-": gettext_lazy("verwijderd"),
}
LEEG = "—"


class Wijziging:
    """One changed field. For long texts `diff` is [(soort, tekst)] (see `word_diff`), computed on first use:
    a timeline is built whole and then paginated, so only the events on the shown page pay for their diffs."""

    def __init__(self, veld: str, oud: str, nieuw: str, diff: list | None = None, *,
                 teksten: tuple[str, str] | None = None, budget: "DiffBudget | None" = None):
        self.veld, self.oud, self.nieuw = veld, oud, nieuw
        self._diff, self._teksten, self._budget = diff, teksten, budget

    @property
    def diff(self) -> list | None:
        if self._diff is None and self._teksten is not None:
            self._diff = word_diff(*self._teksten, budget=self._budget)
        return self._diff

    def __repr__(self):
        return f"Wijziging({self.veld!r}, {self.oud!r}, {self.nieuw!r})"


@dataclass
class Gebeurtenis:
    datum: datetime
    gebruiker: object
    actie: str
    onderwerp: str
    wijzigingen: list[Wijziging] = field(default_factory=list)
    reden: str = ""

    @property
    def door(self) -> str:
        return str(self.gebruiker) if self.gebruiker else _("het systeem")


# Technical fields that say nothing to a reader of the audit trail.
HIDDEN_FIELDS = {"id", "lock_version", "melding_verstuurd_op"}


def _tracked(record_model):
    return [f for f in record_model.tracked_fields if f.name not in HIDDEN_FIELDS]


def _m2m_fields(record_model):
    return list(getattr(record_model, "_history_m2m_fields", []) or [])


class _Resolver:
    """Collects foreign-key ids during the walk and resolves them with one query per model."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.resolved: dict[type, dict] = {}

    def want(self, model, pk):
        if pk is not None:
            self.wanted[model].add(pk)

    def know(self, model, obj):
        """A related object already fetched with the record (select_related): no query for it later."""
        self.resolved.setdefault(model, {})[obj.pk] = str(obj)

    def resolve(self):
        for model, pks in self.wanted.items():
            known = self.resolved.setdefault(model, {})
            missing = pks - known.keys()
            if missing:
                known.update((obj.pk, str(obj)) for obj in model._default_manager.filter(pk__in=missing))

    def label(self, model, pk) -> str:
        if pk is None:
            return LEEG
        return self.resolved.get(model, {}).get(pk, _("(verwijderd, nr. %(pk)s)") % {"pk": pk})


def _display(f, value, resolver: _Resolver) -> str:
    if value in (None, ""):
        return LEEG
    if isinstance(f, models.ForeignKey):
        return resolver.label(f.related_model, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def build_timeline(*querysets, describe=None, newest_first=True, with_text_diff=False) -> list[Gebeurtenis]:
    """Events from one or more historical querysets (e.g. `Driehoek.history.filter(id=…)`).

    `describe(record, resolver)` may return the subject label of a record; by default the model's
    verbose name and the object as it was.
    """
    resolver = _Resolver()
    pending = [row for queryset in querysets for row in _walk(queryset, resolver)]
    resolver.resolve()
    budget = DiffBudget()
    events = []
    for record, tracked, m2m_values, before in pending:
        changes = _changes(record, tracked, m2m_values, before, resolver,
                           budget=budget if with_text_diff else None)
        if changes is None:
            continue
        subject = describe(record, resolver) if describe else (
            f"{record.instance_type._meta.verbose_name} “{record.instance}”"
        )
        events.append(Gebeurtenis(
            datum=record.history_date,
            gebruiker=record.history_user,
            actie=str(ACTIONS.get(record.history_type, record.history_type)),
            onderwerp=subject,
            wijzigingen=changes,
            reden=record.history_change_reason or "",
        ))
    events.sort(key=lambda e: e.datum, reverse=newest_first)
    return events


def _walk(queryset, resolver: _Resolver) -> list[tuple]:
    """(record, tracked fields, many-to-many ids, the object's previous record and ids) per record, in order;
    the foreign-key and many-to-many ids are handed to the resolver on the way."""
    record_model = queryset.model
    tracked = _tracked(record_model)
    m2m = _m2m_fields(record_model)
    foreign_keys = [f for f in tracked if isinstance(f, models.ForeignKey)]
    # Joined, not looked up afterwards: the historical foreign keys are nullable, so this is a LEFT JOIN and a
    # record whose target was deleted stays (its label is then looked up, and found missing).
    records = list(
        queryset.select_related("history_user", *(f.name for f in foreign_keys))
        .order_by("id", "history_date", "history_id")
    )
    m2m_rows = {f: _m2m_rows(record_model, f, records) for f in m2m}
    previous: dict = {}
    rows = []
    for record in records:
        for f in foreign_keys:
            related = getattr(record, f.name)
            if related is not None:
                resolver.know(f.related_model, related)
            else:
                resolver.want(f.related_model, getattr(record, f.attname))
        m2m_values = {}
        for f in m2m:
            ids = m2m_rows[f].get(record.history_id, set())
            for pk in ids:
                resolver.want(f.remote_field.model, pk)
            m2m_values[f] = ids
        rows.append((record, tracked, m2m_values, previous.get(record.id)))
        previous[record.id] = (record, m2m_values)
    return rows


def _changes(record, tracked, m2m_values, before, resolver: _Resolver, *,
             budget: DiffBudget | None) -> list[Wijziging] | None:
    """The changed fields of one record; None for an edit that changed nothing a reader sees.
    With a `budget`, long texts get a word diff charged to it."""
    if record.history_type == "~" and before is not None:
        return _edited(record, tracked, m2m_values, before, resolver, budget=budget) or None
    changes = []
    if record.history_type == "+":
        for f in tracked:
            value = getattr(record, f.attname)
            if value not in (None, ""):
                changes.append(Wijziging(str(f.verbose_name), LEEG, _display(f, value, resolver)))
        for f, ids in m2m_values.items():
            if ids:
                changes.append(Wijziging(str(f.verbose_name), LEEG, _join(resolver, f.remote_field.model, ids)))
    return changes


def _edited(record, tracked, m2m_values, before, resolver: _Resolver, *,
            budget: DiffBudget | None) -> list[Wijziging]:
    old, old_m2m = before
    changes = []
    for f in tracked:
        old_value, new_value = getattr(old, f.attname), getattr(record, f.attname)
        if old_value != new_value:
            texts = (old_value, new_value) if budget is not None and isinstance(f, models.TextField) else None
            changes.append(Wijziging(
                str(f.verbose_name), _display(f, old_value, resolver),
                _display(f, new_value, resolver), teksten=texts, budget=budget,
            ))
    for f, ids in m2m_values.items():
        if ids != old_m2m.get(f, set()):
            changes.append(Wijziging(
                str(f.verbose_name),
                _join(resolver, f.remote_field.model, old_m2m.get(f, set())),
                _join(resolver, f.remote_field.model, ids),
            ))
    return changes


def _m2m_rows(record_model, f, records) -> dict[int, set]:
    """history_id → set of target ids, for one tracked many-to-many field, in one query."""
    through = next(
        rel.related_model for rel in record_model._meta.related_objects
        if rel.related_model.__name__ == f"{record_model.__name__}_{f.name}"
    )
    target = f"{f.m2m_reverse_field_name()}_id"
    rows = defaultdict(set)
    for history_id, pk in through.objects.filter(
        history_id__in=[r.history_id for r in records]
    ).values_list("history_id", target):
        rows[history_id].add(pk)
    return rows


def _join(resolver, model, ids) -> str:
    if not ids:
        return LEEG
    return ", ".join(sorted(resolver.label(model, pk) for pk in ids))
