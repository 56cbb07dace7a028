"""The security audit log. `record()` appends one hash-chained entry, `verify_chain()` finds edits and gaps.

- vastleggen.py: `record()`, the client's address, the current request;
- keten.py: the HMAC chain, the signed checkpoints and the verification (with what they do and do not detect);
- weigeringen.py: refusals (403, a hidden object's 404, a refused transition), rate-limited;
- accounts.py: named events about logging in, lockouts, account flags, groups and memberships.

Callers keep one import path: `from samenwerking import audit`, then `audit.record(...)`.
"""

from .accounts import (
    membership_snapshot,
    record_account_flag_changes,
    record_group_changes,
    record_lockout,
    record_login,
    record_login_failed,
    record_logout,
    record_membership,
    remember_account_flags,
)
from .keten import GENESIS, PROTECTING_TRIGGERS, ChainReport, compute_hash, verify_chain, write_checkpoint
from .vastleggen import Gebeurtenis, Resultaat, client_ip, current_request, record
from .weigeringen import record_access_refusal, record_refusal, record_transition_refusal

__all__ = [
    "GENESIS", "PROTECTING_TRIGGERS", "ChainReport", "Gebeurtenis", "Resultaat", "client_ip", "compute_hash",
    "current_request", "membership_snapshot", "record", "record_access_refusal", "record_account_flag_changes",
    "record_group_changes", "record_lockout", "record_login", "record_login_failed", "record_logout",
    "record_membership", "record_refusal", "record_transition_refusal", "remember_account_flags", "verify_chain",
    "write_checkpoint",
]
