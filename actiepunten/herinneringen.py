"""Which reminder is due today: pure functions, shared by the planner (services) and the mails (berichten).

An arrangement's evaluatie and einde are signalled by arrangementen (arrangementen/signaleringen.py)."""

import datetime

from .models import LOPEND, Actiepunt, Herinnering


def actiepunt_reminder(actiepunt: Actiepunt, today: datetime.date, days_before: int) -> tuple[str, str] | None:
    """(soort, periode) due for this actiepunt today, if any: N days before, on the day, weekly overdue."""
    due = actiepunt.datum_gereed
    if actiepunt.status not in LOPEND or due is None:  # no date ("datum onbekend"): nothing to remind of
        return None
    if due == today:
        return Herinnering.Soort.VANDAAG, due.isoformat()
    if today < due <= today + datetime.timedelta(days=days_before):
        return Herinnering.Soort.BINNENKORT, due.isoformat()
    overdue_weeks = (today - due).days // 7
    if overdue_weeks >= 1:
        return Herinnering.Soort.VERLOPEN, f"{due.isoformat()}+{overdue_weeks}w"
    return None

