"""The chain of the security audit log: every entry's HMAC, the signed checkpoints, and `verify_chain()`.

Each entry's hash is an HMAC (key: AUDITLOG_SLEUTEL, never the SECRET_KEY) over its own fields and the previous
entry's hash, so changing or deleting a row breaks the chain from that row on, and rewriting the chain needs
the key. A chain alone cannot show that its newest rows were deleted; for that, every
AUDITLOG_CONTROLEPUNT_INTERVAL entries and every hour a signed checkpoint (Auditcontrolepunt: count, last id,
last hash; chained and HMAC'd the same way) is written to a separate table, and every entry and checkpoint is
also a JSON log line on stdout, so an external log store keeps a second copy.

What an attacker with write access to the database (the owner, who can switch the triggers off) can and
cannot do unnoticed:
- change, insert or delete a row in the middle of the log or of the checkpoints: detected (chain, HMAC);
- delete the newest log rows up to the latest checkpoint: detected ("de laatste N regels ontbreken");
- delete the rows written after the latest checkpoint (at most the interval, or an hour): not detected here;
  the external log lines show them;
- delete the newest rows *and* every checkpoint after them: not detected here; the external log lines and the
  last hash that `controleer_auditlog` prints (keep it elsewhere; `--anker` compares it later) show it;
- forge rows or checkpoints that verify: only with AUDITLOG_SLEUTEL, which lives in the environment, not in
  the database.
"""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from ..models import Auditcontrolepunt, Auditregel

logger = logging.getLogger("beveiliging.audit")

GENESIS = "0" * 64
# Any constant: serialises appends on PostgreSQL so two writers never chain onto the same predecessor.
_ADVISORY_LOCK_KEY = 0x41554454

def _keys() -> list[bytes]:
    """The chain key, then the previous one (AUDITLOG_VORIGE_SLEUTEL) that older entries may still carry."""
    current = getattr(settings, "AUDITLOG_SLEUTEL", "")
    if not current:
        raise ImproperlyConfigured("De instelling AUDITLOG_SLEUTEL ontbreekt (de sleutel van het beveiligingslogboek).")
    previous = getattr(settings, "AUDITLOG_VORIGE_SLEUTEL", "")
    return [current.encode()] + ([previous.encode()] if previous else [])


def _key() -> bytes:
    return _keys()[0]


def _sign(payload: bytes, key: bytes | None = None) -> str:
    return hmac.new(key or _key(), payload, hashlib.sha256).hexdigest()


def _signed(payload: bytes, stored: str) -> bool:
    return any(hmac.compare_digest(_sign(payload, key), stored) for key in _keys())


def _payload(regel: Auditregel) -> bytes:
    fields = {
        "tijdstip": regel.tijdstip.isoformat(timespec="microseconds"),
        "gebeurtenis": regel.gebeurtenis,
        "resultaat": regel.resultaat,
        "gebruiker_id": regel.gebruiker_id,
        "gebruikersnaam": regel.gebruikersnaam,
        "object_type": regel.object_type,
        "object_id": regel.object_id,
        "object_omschrijving": regel.object_omschrijving,
        "ip_adres": regel.ip_adres,
        "details": regel.details,
        "vorige_hash": regel.vorige_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(regel: Auditregel) -> str:
    return _sign(_payload(regel))


def _checkpoint_payload(punt: Auditcontrolepunt) -> bytes:
    fields = {"tijdstip": punt.tijdstip.isoformat(timespec="microseconds"), "aantal": punt.aantal,
              "laatste_id": punt.laatste_id, "laatste_hash": punt.laatste_hash, "vorige_hash": punt.vorige_hash}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def lock():
    """Serialise appends on PostgreSQL (SQLite serialises writers itself); call inside a transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def checkpoint(*, every: int) -> Auditcontrolepunt | None:
    """Write a checkpoint when at least `every` entries (>= 1) came after the previous one; under _lock()."""
    previous = Auditcontrolepunt.objects.order_by("-id").first()
    newer = Auditregel.objects.filter(id__gt=previous.laatste_id) if previous else Auditregel.objects.all()
    count = newer.count()
    if count < max(every, 1):
        return None
    last_id, last_hash = newer.order_by("-id").values_list("id", "hash").first()
    punt = Auditcontrolepunt(aantal=(previous.aantal if previous else 0) + count, laatste_id=last_id,
                             laatste_hash=last_hash, vorige_hash=previous.hash if previous else GENESIS)
    punt.hash = _sign(_checkpoint_payload(punt))
    punt.save()
    logger.info("audit-controlepunt", extra={"audit_controlepunt": {
        "id": punt.pk, "aantal": punt.aantal, "laatste_id": punt.laatste_id, "laatste_hash": punt.laatste_hash,
        "hash": punt.hash,
    }})
    return punt


def write_checkpoint() -> Auditcontrolepunt | None:
    """Anchor the log's current length now (the hourly task); None when nothing was added since the last one."""
    with transaction.atomic():
        lock()
        return checkpoint(every=1)


@dataclass
class ChainReport:
    checked: int
    problems: list[str]
    last_id: int | None
    last_hash: str
    checkpoints: int = 0


# The append-only triggers of migrations 0002 and 0007, per database.
PROTECTING_TRIGGERS = {
    "postgresql": ("auditregel_alleen_toevoegen", "auditcontrolepunt_alleen_toevoegen"),
    "sqlite": ("auditregel_geen_wijziging", "auditregel_geen_verwijdering",
               "auditcontrolepunt_geen_wijziging", "auditcontrolepunt_geen_verwijdering"),
}


def _unprotected() -> list[str]:
    """The append-only triggers that are missing or switched off (a table rebuild or an owner can do that)."""
    wanted = PROTECTING_TRIGGERS.get(connection.vendor)
    if not wanted:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s) AND tgenabled <> 'D'",
                           [list(wanted)])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
    return [name for name in wanted if name not in present]


def _verify_checkpoints(problems: list[str]) -> tuple[Auditcontrolepunt | None, int]:
    """Check the checkpoints' own chain and signatures; the newest correctly signed one anchors the log."""
    previous, anchor, count = GENESIS, None, 0
    for punt in Auditcontrolepunt.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if punt.vorige_hash != previous:
            problems.append(f"Controlepunt {punt.pk}: het vorige controlepunt ontbreekt of is gewijzigd.")
        if _signed(_checkpoint_payload(punt), punt.hash):
            anchor = punt
        else:
            problems.append(f"Controlepunt {punt.pk}: de inhoud is gewijzigd of vervalst (hash klopt niet).")
        previous = punt.hash
    return anchor, count


def verify_chain(*, anker: tuple[int, str] | None = None) -> ChainReport:
    """Walk the log in order; report every entry whose content or predecessor does not match its hashes, and
    a log shorter than its latest checkpoint (or than `anker`: an id and hash kept outside, from an earlier run).
    """
    problems: list[str] = []
    anker = anker if anker and anker[0] else None  # "0:…" is the anchor of an empty log
    for name in _unprotected():
        problems.append(f"De beveiliging tegen wijzigen en verwijderen ontbreekt of staat uit (trigger {name}).")
    anchor, checkpoints = _verify_checkpoints(problems)
    watched = {anchor.laatste_id if anchor else None, anker[0] if anker else None}
    seen: dict[int, str] = {}
    previous, checked, last_id, up_to_anchor = GENESIS, 0, None, 0
    for regel in Auditregel.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if regel.vorige_hash != previous:
            problems.append(f"Regel {regel.pk}: de vorige regel ontbreekt of is gewijzigd (keten verbroken).")
        if not _signed(_payload(regel), regel.hash):
            problems.append(f"Regel {regel.pk}: de inhoud is gewijzigd (hash klopt niet).")
        if anchor and regel.pk <= anchor.laatste_id:
            up_to_anchor += 1
        if regel.pk in watched:
            seen[regel.pk] = regel.hash
        previous, last_id = regel.hash, regel.pk
    if anchor and up_to_anchor < anchor.aantal and (last_id or 0) < anchor.laatste_id:
        problems.append(
            f"De laatste {anchor.aantal - up_to_anchor} regels ontbreken (ten minste): controlepunt {anchor.pk} "
            f"telde {anchor.aantal} regels tot en met regel {anchor.laatste_id}, het logboek eindigt bij regel "
            f"{last_id or '-'} na {up_to_anchor} regels.")
    elif anchor and up_to_anchor != anchor.aantal:
        problems.append(f"Controlepunt {anchor.pk} telde {anchor.aantal} regels tot en met regel "
                        f"{anchor.laatste_id}; het logboek heeft er daar {up_to_anchor}.")
    elif anchor and not hmac.compare_digest(seen.get(anchor.laatste_id, ""), anchor.laatste_hash):
        problems.append(f"Regel {anchor.laatste_id} verschilt van controlepunt {anchor.pk}.")
    if anker and anker[0] not in seen:
        problems.append(f"De laatste regels ontbreken: regel {anker[0]} (het opgegeven anker) bestaat niet meer; "
                        f"het logboek eindigt bij regel {last_id or '-'}." if (last_id or 0) < anker[0] else
                        f"Regel {anker[0]} (het opgegeven anker) ontbreekt.")
    elif anker and not hmac.compare_digest(seen[anker[0]], anker[1]):
        problems.append(f"Regel {anker[0]} heeft een andere hash dan het opgegeven anker.")
    return ChainReport(checked=checked, problems=problems, last_id=last_id,
                       last_hash=previous, checkpoints=checkpoints)
