"""The agenda and besluiten of an overleg kept row by row: an edit of the overleg updates the agendapunten and
besluiten whose text is unchanged instead of replacing them, so their verslag, links and carried actiepunten stay."""

from samenwerking.historie import save_tracked as _save

from ..models import Agendapunt, Besluit


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _match(existing: list, text_of) -> dict[str, list]:
    queues: dict[str, list] = {}
    for row in existing:
        queues.setdefault(_key(text_of(row)), []).append(row)
    return queues


def _delete(rows, user):
    for row in rows:
        row._history_user = user
        row.delete()


def sync_agenda(overleg, user, onderwerpen: list[str]) -> list[Agendapunt]:
    """Make the agenda these onderwerpen, in this order; an existing agendapunt with the same text is kept."""
    queues = _match(list(overleg.agendapunten.all()), lambda a: a.onderwerp)
    result = []
    for volgorde, onderwerp in enumerate((o.strip()[:300] for o in onderwerpen if o.strip()), start=1):
        queue = queues.get(_key(onderwerp))
        punt = queue.pop(0) if queue else Agendapunt(overleg=overleg)
        if punt.pk is None or (punt.volgorde, punt.onderwerp) != (volgorde, onderwerp):
            punt.volgorde, punt.onderwerp = volgorde, onderwerp
            _save(punt, user)
        result.append(punt)
    _delete([row for queue in queues.values() for row in queue], user)
    return result


def sync_besluiten(overleg, user, teksten: list[str], *, agendapunt=None, scope=None) -> None:
    """Make `scope` (default: all the overleg's besluiten) these texts; unchanged ones keep their agendapunt."""
    scope = list(overleg.besluiten.all() if scope is None else scope)
    queues = _match(scope, lambda b: b.tekst)
    volgorde = max(overleg.besluiten.values_list("volgorde", flat=True), default=0)
    for tekst in (t.strip() for t in teksten if t.strip()):
        queue = queues.get(_key(tekst))
        if queue:
            queue.pop(0)
            continue
        volgorde += 1
        _save(Besluit(overleg=overleg, volgorde=volgorde, tekst=tekst, agendapunt=agendapunt), user)
    _delete([row for queue in queues.values() for row in queue], user)
    renumber_besluiten(overleg, user)


def renumber_besluiten(overleg, user) -> None:
    """Besluiten numbered in agenda order (those without an agendapunt last), so the verslag reads in order."""
    besluiten = sorted(overleg.besluiten.select_related("agendapunt"),
                       key=lambda b: (b.agendapunt.volgorde if b.agendapunt_id else 10**9, b.volgorde, b.pk))
    for volgorde, besluit in enumerate(besluiten, start=1):
        if besluit.volgorde != volgorde:
            besluit.volgorde = volgorde
            _save(besluit, user)
