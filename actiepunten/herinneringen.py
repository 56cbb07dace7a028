"""Which reminder is due today: pure functions, shared by the planner (services) and the mails (berichten)."""

import datetime

from .models import LOPEND, Actiepunt, Herinnering

ARRANGEMENT_THRESHOLDS = (90, 30, 7)


def actiepunt_reminder(actiepunt: Actiepunt, today: datetime.date, days_before: int) -> tuple[str, str] | None:
    """(soort, periode) due for this actiepunt today, if any: N days before, on the day, weekly overdue."""
    if actiepunt.status not in LOPEND:
        return None
    due = actiepunt.datum_gereed
    if due == today:
        return Herinnering.Soort.VANDAAG, due.isoformat()
    if today < due <= today + datetime.timedelta(days=days_before):
        return Herinnering.Soort.BINNENKORT, due.isoformat()
    overdue_weeks = (today - due).days // 7
    if overdue_weeks >= 1:
        return Herinnering.Soort.VERLOPEN, f"{due.isoformat()}+{overdue_weeks}w"
    return None


def arrangement_reminders(arrangement, today: datetime.date) -> list[tuple[str, str]]:
    """The most specific threshold (90, 30, 7 days) reached for evaluatiedatum and geldig_tot.

    A run that missed the 90-day mark and first sees the arrangement at 25 days sends only the 30-day one.
    """
    due = []
    for soort, day in ((Herinnering.Soort.EVALUATIE, arrangement.evaluatiedatum),
                       (Herinnering.Soort.EINDE, arrangement.geldig_tot)):
        if day is None or day < today:
            continue
        reached = [d for d in ARRANGEMENT_THRESHOLDS if (day - today).days <= d]
        if reached:
            due.append((soort, f"{day.isoformat()}-{min(reached)}d"))
    return due
