"""The clause picker beside the afspraak form: the library grouped by niveau and onderwerp, and filling the form
from a chosen clause without overwriting what the user typed (the page asks first, with or without script)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import Arrangement, Modelafspraak, Niveau, Onderwerp

# The fields a user types; a chosen clause fills them only when empty or still as the library wrote them.
TYPED_FIELDS = ("titel", "tekst")


def library_for(arrangement: Arrangement) -> list[dict]:
    """Every active onderwerp with active clauses, per niveau; each clause knows whether the arrangement has it.
    Three queries, whatever the size of the library."""
    used = set(arrangement.afspraken.exclude(modelafspraak=None).values_list("modelafspraak_id", flat=True))
    clauses = Modelafspraak.objects.filter(actief=True).order_by("volgorde", "titel")
    onderwerpen = list(
        Onderwerp.objects.filter(actief=True, modelafspraken__actief=True).distinct()
        .order_by("volgorde", "naam")
        .prefetch_related(Prefetch("modelafspraken", queryset=clauses, to_attr="varianten"))
    )
    groups = []
    for niveau in Niveau:
        items = [o for o in onderwerpen if o.niveau == niveau]
        for onderwerp in items:
            for clause in onderwerp.varianten:
                clause.in_arrangement = clause.pk in used
        if items:
            groups.append({"niveau": niveau, "onderwerpen": items})
    return groups


def _normal(text: str) -> str:
    return (text or "").replace("\r\n", "\n").strip()


@dataclass
class Invoeging:
    """The outcome of inserting a clause: the form's new values and the typed fields kept (to ask about)."""

    model: Modelafspraak
    values: dict
    behouden: list[str] = field(default_factory=list)


def insert(*, data, model: Modelafspraak, previous: Modelafspraak | None, replace: bool) -> Invoeging:
    """Fill the form from `model`. A typed titel or tekst stays unless `replace`: it counts as typed when it is
    not empty and differs from both the chosen clause and the clause inserted before (`previous`)."""
    values = {name: data.get(name, "") for name in ("lock_version", *TYPED_FIELDS)}
    values.update(modelafspraak=model.pk, onderwerp=model.onderwerp_id, verantwoordelijke=model.verantwoordelijke)
    kept = []
    for name in TYPED_FIELDS:
        typed = _normal(data.get(name, ""))
        from_library = typed in {_normal(getattr(model, name)),
                                 _normal(getattr(previous, name)) if previous else None}
        if typed and not from_library and not replace:
            kept.append(name)
        else:
            values[name] = getattr(model, name)
    return Invoeging(model=model, values=values, behouden=kept)


def fill_empty(data: dict, model: Modelafspraak) -> dict:
    """On saving with a chosen clause: fields left empty take the clause's value; what was typed stays."""
    for name in ("onderwerp", *TYPED_FIELDS, "verantwoordelijke"):
        value = data.get(name)
        if not value or (isinstance(value, str) and not value.strip()):
            data[name] = getattr(model, name)
    return data
