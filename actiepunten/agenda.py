"""The personal iCal feed: the user's actiepunten (due dates, all-day) and overleggen (with their times)."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

PRODID = "-//Handhavingsarrangementen//Actiepunten//NL"
# A feed is bounded whatever the user has: half a year back (overdue actiepunten, recent overleggen) and a year
# and a half ahead, and per kind at most so many events, the ones nearest to today first.
DAGEN_TERUG = 183
DAGEN_VOORUIT = 549
MAX_VERLEDEN = 100
MAX_TOEKOMST = 400


def within_window(queryset: QuerySet, field: str, today: datetime.date) -> list:
    """The rows of `queryset` whose `field` (a date) lies in the feed's window, at most MAX_VERLEDEN before
    today and MAX_TOEKOMST from today on, nearest first; returned in date order."""
    past = (queryset.filter(**{f"{field}__gte": today - datetime.timedelta(days=DAGEN_TERUG), f"{field}__lt": today})
            .order_by(f"-{field}", "-pk")[:MAX_VERLEDEN])
    ahead = (queryset.filter(**{f"{field}__gte": today,
                                f"{field}__lte": today + datetime.timedelta(days=DAGEN_VOORUIT)})
             .order_by(field, "pk")[:MAX_TOEKOMST])
    return [*reversed(list(past)), *ahead]


def _uid(kind: str, pk: int) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "localhost"
    return f"{kind}-{pk}@{host}"


def summary(actiepunt) -> str:
    """Names the point, not a state: unique by its overleg (numbering restarts per overleg) or its driehoek."""
    waar = str(actiepunt.overleg) if actiepunt.overleg_id else actiepunt.driehoek.naam
    return _("Actiepunt %(nr)s (%(waar)s): %(onderwerp)s") % {
        "nr": actiepunt.nummer, "waar": waar, "onderwerp": actiepunt.onderwerp[:150]}


def build_calendar(*, gebruiker, actiepunten: QuerySet, overleggen: QuerySet) -> bytes:
    today = timezone.localdate()
    actiepunten = within_window(actiepunten, "datum_gereed", today)
    overleggen = within_window(overleggen, "datum", today)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Actiepunten en overleggen van %(naam)s") % {"naam": gebruiker})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    base = settings.SITE_URL.rstrip("/")
    now = timezone.now()
    for actiepunt in actiepunten:
        event = Event()
        event.add("uid", _uid("actiepunt", actiepunt.pk))
        event.add("dtstamp", now)
        event.add("summary", summary(actiepunt))
        event.add("dtstart", actiepunt.datum_gereed)
        event.add("dtend", actiepunt.datum_gereed + datetime.timedelta(days=1))
        event.add("description", _("Uiterlijk gereed: %(datum)s. Status: %(status)s.")
                  % {"datum": f"{actiepunt.datum_gereed:%d-%m-%Y}", "status": actiepunt.get_status_display()}
                  + f"\n{actiepunt.driehoek.naam}\n{base}{reverse('actiepunten:actiepunt', args=[actiepunt.pk])}")
        event.add("url", base + reverse("actiepunten:actiepunt", args=[actiepunt.pk]))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    zone = ZoneInfo(settings.TIME_ZONE)
    for overleg in overleggen:
        event = Event()
        event.add("uid", _uid("overleg", overleg.pk))
        event.add("dtstamp", now)
        event.add("summary", f"{overleg.naam} — {overleg.driehoek.naam}")
        if overleg.begintijd:
            start = datetime.datetime.combine(overleg.datum, overleg.begintijd, tzinfo=zone)
            end = (datetime.datetime.combine(overleg.datum, overleg.eindtijd, tzinfo=zone) if overleg.eindtijd
                   else start + datetime.timedelta(hours=1))
            event.add("dtstart", start)
            event.add("dtend", end)
        else:
            event.add("dtstart", overleg.datum)
            event.add("dtend", overleg.datum + datetime.timedelta(days=1))
        if overleg.locatie:
            event.add("location", overleg.locatie)
        event.add("url", base + reverse("actiepunten:overleg", args=[overleg.pk]))
        calendar.add_component(event)
    return calendar.to_ical()
