"""Every write in actiepunten. Keyword-only arguments, validated, atomic; the acting user set on history."""

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import toegang
from samenwerking.historie import save_tracked as _save
from samenwerking.models import Driehoek

from . import berichten, selectors, workflow
from .cyclus import agenda as cyclus_agenda
from .cyclus import vervolg
from .herinneringen import actiepunt_reminder
from .models import (
    Actiepunt,
    Agendakoppeling,
    Deelname,
    Herinnering,
    Overleg,
    Voorkeur,
)
from .opmaak import stored_verslag
from .workflow import TransitionRefused  # noqa: F401 - what change_status raises for a refused change

logger = logging.getLogger(__name__)

OVERLEG_FIELDS = ["soort", "titel", "datum", "begintijd", "eindtijd", "locatie", "voorzitter",
                  "voorzitter_extern", "secretaris", "secretaris_extern", "verslag"]
ACTIEPUNT_FIELDS = ["onderwerp", "eigenaar", "extern_naam", "extern_email", "extern_organisatie", "datum_gereed",
                    "toelichting", "arrangement", "afspraak"]
MAX_SEND_ATTEMPTS = 10


# --- overleggen -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deelnemer:
    """A deelnemer (aanwezig) or afwezige: a user, or an external person with name and organisation."""

    gebruiker: object = None
    naam: str = ""
    organisatie: str = ""
    aanwezig: bool = True


def _check_members(driehoek: Driehoek, users, field: str):
    members = set(selectors.members_of(driehoek).values_list("pk", flat=True))
    strangers = [str(u) for u in users if u is not None and u.pk not in members]
    if strangers:
        raise ValidationError({field: _("Geen lid van deze driehoek: %(namen)s.") % {"namen": ", ".join(strangers)}})


def _replace_children(overleg: Overleg, user, *, personen: list[Deelnemer], agenda: list[str], besluiten: list[str]):
    for child in overleg.deelnames.all():
        child._history_user = user
        child.delete()
    for persoon in personen:
        _save(Deelname(overleg=overleg, gebruiker=persoon.gebruiker, naam=persoon.naam.strip()[:200],
                       organisatie=persoon.organisatie.strip()[:200], aanwezig=persoon.aanwezig), user)
    # Kept row by row: the verslag per agendapunt, the besluiten's agendapunt and carried actiepunten stay.
    cyclus_agenda.sync_agenda(overleg, user, agenda)
    cyclus_agenda.sync_besluiten(overleg, user, besluiten)


def _apply_overleg(overleg: Overleg, user, data: dict, deelnemers: list[Deelnemer], agenda, besluiten):
    for name in OVERLEG_FIELDS:
        if name in data:
            setattr(overleg, name, data[name])
    overleg.verslag = stored_verslag(overleg.verslag)
    overleg.titel, overleg.locatie = overleg.titel.strip(), overleg.locatie.strip()
    if overleg.begintijd and overleg.eindtijd and overleg.eindtijd < overleg.begintijd:
        raise ValidationError({"eindtijd": _("De eindtijd ligt vóór de begintijd.")})
    _check_members(overleg.driehoek, [overleg.voorzitter, overleg.secretaris], "voorzitter")
    _check_members(overleg.driehoek, [d.gebruiker for d in deelnemers], "deelnemers")
    _save(overleg, user)
    _replace_children(overleg, user, personen=deelnemers, agenda=agenda, besluiten=besluiten)
    return overleg


@transaction.atomic
def create_overleg(*, driehoek: Driehoek, user, data: dict, deelnemers: list[Deelnemer] = (),
                   agenda: list[str] = (), besluiten: list[str] = ()) -> Overleg:
    toegang.require(user, driehoek, permission=toegang.MANAGE_OVERLEG)
    return _apply_overleg(Overleg(driehoek=driehoek), user, data, list(deelnemers), agenda, besluiten)


@transaction.atomic
def update_overleg(*, overleg: Overleg, user, data: dict, deelnemers: list[Deelnemer] = (),
                   agenda: list[str] = (), besluiten: list[str] = ()) -> Overleg:
    locked = Overleg.objects.select_for_update().select_related("driehoek").get(pk=overleg.pk)
    toegang.require(user, locked.driehoek, permission=toegang.MANAGE_OVERLEG)
    return _apply_overleg(locked, user, data, list(deelnemers), agenda, besluiten)


# --- actiepunten ----------------------------------------------------------------------------------

def _check_actiepunt(actiepunt: Actiepunt):
    """Links stay inside the driehoek; the eigenaar is a member, or an external person with a name."""
    errors = {}
    driehoek = actiepunt.driehoek
    if actiepunt.overleg_id and actiepunt.overleg.driehoek_id != driehoek.pk:
        errors["overleg"] = _("Dit overleg hoort bij een andere driehoek.")
    if actiepunt.arrangement_id and actiepunt.arrangement.driehoek_id != driehoek.pk:
        errors["arrangement"] = _("Dit arrangement hoort bij een andere driehoek.")
    if actiepunt.afspraak_id:
        if actiepunt.arrangement_id is None:
            actiepunt.arrangement = actiepunt.afspraak.arrangement
        if actiepunt.afspraak.arrangement_id != actiepunt.arrangement_id:
            errors["afspraak"] = _("Deze afspraak hoort niet bij het gekozen arrangement.")
        elif actiepunt.arrangement.driehoek_id != driehoek.pk:
            errors["afspraak"] = _("Deze afspraak hoort bij een andere driehoek.")
    if actiepunt.eigenaar_id:
        if not selectors.members_of(driehoek).filter(pk=actiepunt.eigenaar_id).exists():
            errors["eigenaar"] = _("%(naam)s is geen lid van deze driehoek.") % {"naam": actiepunt.eigenaar}
        actiepunt.extern_naam = actiepunt.extern_email = actiepunt.extern_organisatie = ""
    elif not actiepunt.extern_naam.strip():
        errors["eigenaar"] = _("Kies een eigenaar, of vul de naam van een externe eigenaar in.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_actiepunt(*, driehoek: Driehoek, user, data: dict, overleg: Overleg | None = None,
                     nummer: int | None = None, evaluatie=None, medeeigenaren: list | None = None,
                     mede_namen: list[str] | None = None) -> Actiepunt:
    toegang.require(user, driehoek, permission=toegang.MANAGE_ACTIEPUNTEN)
    # The row lock serialises numbering per overleg (or per driehoek for actiepunten without one).
    if overleg is not None:
        Overleg.objects.select_for_update().get(pk=overleg.pk)
    else:
        Driehoek.objects.select_for_update().get(pk=driehoek.pk)
    if nummer is None:
        nummer = selectors.next_number(driehoek=driehoek, overleg=overleg)
    elif nummer in selectors.existing_numbers(driehoek=driehoek, overleg=overleg):
        raise ValidationError({"nummer": _("Nummer %(nr)s bestaat al.") % {"nr": nummer}})
    actiepunt = Actiepunt(driehoek=driehoek, overleg=overleg, nummer=nummer, evaluatie=evaluatie,
                          **{k: v for k, v in data.items() if k in ACTIEPUNT_FIELDS})
    actiepunt.onderwerp = actiepunt.onderwerp.strip()
    _check_actiepunt(actiepunt)
    return _after_save(_save(actiepunt, user), user, medeeigenaren, mede_namen)


def _after_save(actiepunt: Actiepunt, user, medeeigenaren, mede_namen) -> Actiepunt:
    """Co-owners replaced when given; the eigenaar's one toewijzingsmail claimed (sent after commit)."""
    if medeeigenaren is not None or mede_namen is not None:
        vervolg.set_medeeigenaren(actiepunt=actiepunt, user=user, gebruikers=medeeigenaren or [],
                                  namen=mede_namen or [])
    vervolg.claim_toewijzing(actiepunt=actiepunt, user=user)
    return actiepunt


@transaction.atomic
def update_actiepunt(*, actiepunt: Actiepunt, user, data: dict, medeeigenaren: list | None = None,
                     mede_namen: list[str] | None = None) -> Actiepunt:
    locked = Actiepunt.objects.select_for_update().select_related("driehoek").get(pk=actiepunt.pk)
    toegang.require(user, locked.driehoek, permission=toegang.MANAGE_ACTIEPUNTEN)
    if "datum_gereed" in data and data["datum_gereed"] is None and locked.datum_gereed is not None:
        raise ValidationError({"datum_gereed": _("Vul de datum gereed in; alleen een actiepunt zonder datum mag "
                                                 "'datum onbekend' blijven.")})
    for name in ACTIEPUNT_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    locked.onderwerp = locked.onderwerp.strip()
    _check_actiepunt(locked)
    return _after_save(_save(locked, user), user, medeeigenaren, mede_namen)


def change_status(*, actiepunt: Actiepunt, user, action: str, toelichting: str = "") -> Actiepunt:
    """A status change through the one table and perform() of actiepunten.workflow (row lock, refusal log)."""
    return workflow.perform(actiepunt=actiepunt, user=user, action=action, toelichting=toelichting)


# --- import ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportRegel:
    rij: int
    nummer: int
    onderwerp: str
    datum_gereed: datetime.date
    eigenaar_id: int | None = None
    extern_naam: str = ""
    extern_email: str = ""
    extern_organisatie: str = ""
    toelichting: str = ""


@transaction.atomic
def import_actiepunten(*, driehoek: Driehoek, user, regels: list[ImportRegel],
                       overleg: Overleg | None = None) -> list[Actiepunt]:
    """All or nothing: the first problem rolls everything back and names its row."""
    toegang.require(user, driehoek, permission=toegang.MANAGE_ACTIEPUNTEN)
    members = {u.pk: u for u in selectors.members_of(driehoek)}
    created = []
    for regel in regels:
        data = {"onderwerp": regel.onderwerp, "datum_gereed": regel.datum_gereed, "toelichting": regel.toelichting,
                "eigenaar": members.get(regel.eigenaar_id), "extern_naam": regel.extern_naam,
                "extern_email": regel.extern_email, "extern_organisatie": regel.extern_organisatie}
        if regel.eigenaar_id and data["eigenaar"] is None:
            raise ValidationError(_("Rij %(rij)s: de eigenaar is geen lid meer van deze driehoek.")
                                  % {"rij": regel.rij})
        try:
            created.append(create_actiepunt(driehoek=driehoek, user=user, data=data, overleg=overleg,
                                            nummer=regel.nummer))
        except ValidationError as error:
            raise ValidationError(_("Rij %(rij)s: %(fout)s") % {"rij": regel.rij, "fout": " ".join(error.messages)}
                                  ) from error
    return created


# --- preferences and calendar ---------------------------------------------------------------------

@transaction.atomic
def set_weekoverzicht(*, user, ontvangen: bool) -> Voorkeur:
    voorkeur, _created = Voorkeur.objects.select_for_update().get_or_create(gebruiker=user)
    voorkeur.weekoverzicht = ontvangen
    return _save(voorkeur, user)


@transaction.atomic
def create_agendakoppeling(*, user) -> str:
    """A new secret feed token; returned once, stored only as a hash."""
    token = secrets.token_urlsafe(32)
    _save(Agendakoppeling(gebruiker=user, token_hash=selectors.hash_token(token)), user)
    return token


@transaction.atomic
def revoke_agendakoppelingen(*, user) -> int:
    revoked = 0
    for koppeling in Agendakoppeling.objects.select_for_update().filter(gebruiker=user, ingetrokken_op=None):
        koppeling.ingetrokken_op = timezone.now()
        _save(koppeling, user)
        revoked += 1
    return revoked


# --- reminders: claim, then send ------------------------------------------------------------------

CLAIM_BATCH_SIZE = 1000


def _key(herinnering: Herinnering) -> tuple:
    return herinnering.onderwerp_type, herinnering.onderwerp_id, herinnering.soort, herinnering.periode


def _claim_batch(wanted: list[Herinnering]) -> int:
    """Claim a batch of (onderwerp, soort, periode) keys as unique rows; return how many this run created.

    A bounded number of queries whatever the batch holds: one select of the keys that already exist, then,
    only if some are missing, one transaction with one INSERT … ON CONFLICT DO NOTHING, one re-select of the
    inserted keys that have no history yet, and one bulk insert of their "+" history rows.

    Exactly once: the unique constraint decides who claims a key; `ignore_conflicts` turns losing a race into
    a no-op instead of an error. The pre-select keeps keys that exist from being inserted at all (on PostgreSQL
    a conflicting insert still uses up a sequence value, every day, for every overdue actiepunt).

    History (bulk_create bypasses save(), and with ignore_conflicts no primary keys come back): the rows this
    run created are those of our keys without any history row, read inside the same transaction. A concurrent
    run's rows become visible only when it commits, together with their history, and our insert waits for
    its uncommitted rows on the unique index, so we never write history for a row another run created, and
    never miss one of ours.
    """
    wanted = list({_key(h): h for h in wanted}.values())
    if not wanted:
        return 0
    scope = {"onderwerp_type__in": {h.onderwerp_type for h in wanted},
             "onderwerp_id__in": {h.onderwerp_id for h in wanted},
             "periode__in": {h.periode for h in wanted}}  # a superset of the keys; narrowed by _key below
    existing = set(Herinnering.objects.filter(**scope).values_list("onderwerp_type", "onderwerp_id", "soort",
                                                                   "periode"))
    missing = {_key(h): h for h in wanted if _key(h) not in existing}
    if not missing:
        return 0
    scope = {"onderwerp_type__in": {k[0] for k in missing}, "onderwerp_id__in": {k[1] for k in missing},
             "periode__in": {k[3] for k in missing}}
    with transaction.atomic():
        Herinnering.objects.bulk_create(missing.values(), ignore_conflicts=True)
        without_history = ~Exists(Herinnering.history.filter(id=OuterRef("pk")))
        created = [h for h in Herinnering.objects.filter(without_history, **scope) if _key(h) in missing]
        Herinnering.history.bulk_history_create(created, default_user=None, default_date=timezone.now())
    return len(created)


def _in_batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def claim_reminders(*, today: datetime.date | None = None, batch_size: int = CLAIM_BATCH_SIZE) -> list[int]:
    """Claim every reminder due today (once per period) and return the ids still to send, failures included.

    Actiepunten are read in primary-key order, `batch_size` at a time (keyset pagination, so no cursor stays
    open across the writes), and each batch is claimed by _claim_batch in a constant number of queries.
    """
    today = today or timezone.localdate()
    days_before = settings.ACTIEPUNT_HERINNERING_DAGEN
    candidates = selectors.actiepunten_for_reminders(today, days_before)
    after = 0
    while True:
        batch = list(candidates.filter(pk__gt=after)[:batch_size])
        if not batch:
            break
        after = batch[-1].pk
        wanted = []
        for actiepunt in batch:
            due = actiepunt_reminder(actiepunt, today, days_before)
            if due:
                wanted.append(Herinnering(onderwerp_type=Herinnering.OnderwerpType.ACTIEPUNT,
                                          onderwerp_id=actiepunt.pk, soort=due[0], periode=due[1],
                                          driehoek_id=actiepunt.driehoek_id))
        _claim_batch(wanted)
        if len(batch) < batch_size:
            break
    year, week, _day = today.isocalendar()
    digests = [Herinnering(onderwerp_type=Herinnering.OnderwerpType.GEBRUIKER, onderwerp_id=pk,
                           soort=Herinnering.Soort.WEEKOVERZICHT, periode=f"{year}-W{week:02d}", driehoek_id=None)
               for pk in selectors.secretarissen_for_digest().values_list("pk", flat=True)]
    for batch in _in_batches(digests, batch_size):
        _claim_batch(batch)
    return selectors.pending_reminders(MAX_SEND_ATTEMPTS)


def send_reminder(*, herinnering_id: int, today: datetime.date | None = None) -> str:
    """Send one claimed reminder under a row lock; a failure is recorded on the row and retried by a later run.

    The lock is held while the mail goes out, so a concurrent sender skips the row; once committed as
    verzonden, no later run touches it. (Only a crash between the SMTP hand-off and the commit could repeat it.)
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        herinnering = (Herinnering.objects.select_for_update(skip_locked=True)
                       .filter(pk=herinnering_id, status__in=[Herinnering.Verzending.TE_VERZENDEN,
                                                              Herinnering.Verzending.MISLUKT]).first())
        if herinnering is None:
            return "al_afgehandeld"
        message = berichten.compose(herinnering, today)
        if message is None:
            herinnering.status = Herinnering.Verzending.OVERGESLAGEN
            _save(herinnering, None)
            return herinnering.status
        herinnering.pogingen += 1
        herinnering.ontvangers = ", ".join(message.to)
        try:
            message.send()
        except Exception as exc:  # any failure of the mail backend is recorded, shown and retried
            herinnering.status = Herinnering.Verzending.MISLUKT
            herinnering.laatste_fout = f"{type(exc).__name__}: {exc}"[:2000]
            logger.warning("Herinnering %s niet verzonden: %s", herinnering.pk, herinnering.laatste_fout)
        else:
            herinnering.status = Herinnering.Verzending.VERZONDEN
            herinnering.verzonden_op = timezone.now()
            herinnering.laatste_fout = ""
        _save(herinnering, None)
        return herinnering.status
