"""Recording history: saves of history-tracked objects with the acting user and reason set explicitly."""


def save_tracked(obj, user, reason: str = ""):
    """Validate and save a history-tracked object with the acting user (and reason) recorded explicitly,
    so the audit trail is right in requests, tasks and commands alike."""
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.full_clean()
    obj.save()
    return obj
