"""The national picture computed once, not per request (issue 19): each gemeente's coverage state on a peildatum,
kept in the cache as a summary — the state, the number of arrangements, the geweldsmiddelen flag and the best
arrangement only — which is all /beeld/, its API and GeoJSON and the comparison read.

Correct after every write: the key holds a version that every save or delete of a model of this app that the
picture reads (arrangement, partij, statusovergang, opzegging, BOA-inzet, afspraak, geweldsmiddelen; not ONGELEZEN:
documents, comments, reminders, history rows …) and of an Organisatie (a party's soort and gemeente) replaces,
at once and again after commit (a reader between the two could have stored the old rows under the new version).
Writes that skip save() on those models (QuerySet.update, bulk_create) must call `bump()`; the only ones today
write Signalering rows, which the picture does not read.

Keyed by the exact gemeenten asked for (the user's visible scope after filters) and the peildatum, so no user
gets another scope's rows; the gemeenten themselves are read fresh on every request. BEELD_CACHE=false (the
environment) switches the cache off, for an A/B comparison in one run.
"""

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from samenwerking.models import Organisatie

from .dekking import Dekking, Gemeentedekking, coverage

VERSIE_KEY = "beeld:versie"
BEWAARTIJD = 60 * 60  # seconds; a version bump makes an entry unreachable long before
_APP = "arrangementen"


def bump() -> None:
    """A new version: every cached picture is unreachable from now on."""
    cache.set(VERSIE_KEY, uuid.uuid4().hex, None)


def _version() -> str:
    versie = cache.get(VERSIE_KEY)
    if versie is None:
        versie = uuid.uuid4().hex
        # add(): two first readers at once agree on one version.
        if not cache.add(VERSIE_KEY, versie, None):
            versie = cache.get(VERSIE_KEY) or versie
    return versie


# Models of this app the picture never reads (it reads arrangements, their parties, transitions, opzegging, inzet,
# afspraken and geweldsmiddelen): a document, a comment or a reminder leaves it as it is. History rows neither.
ONGELEZEN = frozenset({"Beoordeling", "Opmerking", "Onderwerp", "Modelafspraak", "Ondertekeningssleutel", "Mandaat",
                       "Document", "Documentversie", "Handtekening", "Documentgebeurtenis", "Grondslag",
                       "Gegevensstroom", "Geweldsadvies", "Adviesondertekening", "Praktijkvoorbeeld", "Signalering"})


def _read_by_picture(sender) -> bool:
    if issubclass(sender, Organisatie):
        return True
    if sender._meta.app_label != _APP or sender.__name__.startswith("Historical"):
        return False
    # An m2m's through model (Gegevensstroom_ontvangers …) counts as the model it belongs to.
    owner = sender._meta.auto_created or sender
    return owner.__name__ not in ONGELEZEN


def _changed(sender, **kwargs) -> None:
    if _read_by_picture(sender):
        bump()
        transaction.on_commit(bump)


def connect() -> None:
    """Called once from the app's ready()."""
    post_save.connect(_changed, dispatch_uid="beeldcache-save")
    post_delete.connect(_changed, dispatch_uid="beeldcache-delete")
    m2m_changed.connect(_changed, dispatch_uid="beeldcache-m2m")


def _key(gemeenten: list, peildatum: datetime.date) -> str:
    ids = ",".join(str(g.pk) for g in gemeenten)
    return f"beeld:{_version()}:{peildatum.isoformat()}:{hashlib.sha256(ids.encode()).hexdigest()}"


def _summary(entries: list[Gemeentedekking]) -> dict[int, tuple]:
    return {entry.gemeente.pk: (entry.stand.value, len(entry.arrangementen), entry.geweld_zonder_werking,
                                entry.arrangementen[0] if entry.arrangementen else None) for entry in entries}


def summaries(*, gemeenten: QuerySet, peildatum: datetime.date) -> list[Gemeentedekking]:
    """coverage() of the gemeenten in their order, each with only its best arrangement in `arrangementen` (and
    `aantal`, `geweld_zonder_werking` as the whole list says): from the cache when this version has it."""
    rows = list(gemeenten)  # fills the queryset's cache: coverage() below iterates it without a second query
    if not getattr(settings, "BEELD_CACHE", True):
        return coverage(gemeenten=gemeenten, peildatum=peildatum)
    key = _key(rows, peildatum)
    summary = cache.get(key)
    if summary is None:
        entries = coverage(gemeenten=gemeenten, peildatum=peildatum)
        cache.set(key, _summary(entries), BEWAARTIJD)
        return entries
    result = []
    for gemeente in rows:
        stand, aantal, geweld, beste = summary[gemeente.pk]
        result.append(Gemeentedekking(gemeente=gemeente, stand=Dekking(stand), arrangementen=[beste] if beste else [],
                                      aantal_bekend=aantal, geweld_bekend=geweld))
    return result
