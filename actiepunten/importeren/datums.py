"""Reading a 'datum gereed' as Dutch action lists write it.

`read_date` answers a `Lezing`: a date, how it was read when that was an interpretation ("week 40 2025" is the
Friday of that week), or no date with the reason the preview asks the user to decide. Nothing here guesses a
year or a day that the text does not give.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3, "mar": 3, "april": 4,
    "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = r"(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo)\.?,?\s+"
# Words that say on purpose that there is no date: the preview asks, it never picks one.
NO_DATE = {"zsm", "z.s.m", "z.s.m.", "asap", "doorlopend", "continu", "nvt", "n.v.t.", "n.v.t", "ntb", "n.t.b.",
           "n.t.b", "pm", "p.m.", "-", "--", "?", "onbekend", "nader te bepalen", "volgend overleg", "loopt",
           "z.s.m.!", "zo snel mogelijk", "lopend"}
EXCEL_EPOCH = datetime.date(1899, 12, 30)
SERIALS = (20000, 80000)  # Excel serial dates between 1954 and 2119; other numbers are not dates


@dataclass(frozen=True)
class Lezing:
    """A cell read as a date: `datum` (or None), `uitleg` when the date is an interpretation, or why it is not."""

    datum: datetime.date | None = None
    uitleg: str = ""
    leeg: bool = False  # empty, or a word like 'z.s.m.': the user decides
    onleesbaar: bool = False


def _quarter_end(year: int, quarter: int) -> datetime.date:
    month = quarter * 3
    return _month_end(year, month)


def _month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _exact(text: str) -> datetime.date | None:
    """The exact forms: '22 februari 2019', '22-02-2019', '22/2/19', '22.02.19', '2019-02-22'."""
    if m := re.fullmatch(r"(\d{1,2}) ([a-z]+)\.? '?(\d{4}|\d{2})", text):
        month = MONTHS.get(m[2])
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        return datetime.date(year, month, int(m[1])) if month else None
    if m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})", text):
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        return datetime.date(year, int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})([ t]00:00(:00)?)?", text):
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    return None


def _period(text: str) -> Lezing | None:
    """A period read as its last day, said so in the preview: week 40 2025, Q3 2025, oktober 2025, eind 2025."""
    if m := re.fullmatch(r"(?:wk|week)\.? ?(\d{1,2})[ ,/-]+(?:'?)(\d{4})", text):
        week, year = int(m[1]), int(m[2])
        day = datetime.date.fromisocalendar(year, week, 5)
        return Lezing(day, _("vrijdag van week %(week)s %(jaar)s") % {"week": week, "jaar": year})
    if m := re.fullmatch(r"(?:q|kw|kwartaal) ?([1-4]) ?'?(\d{4})", text) or re.fullmatch(
            r"([1-4])e kwartaal (\d{4})", text):
        quarter, year = int(m[1]), int(m[2])
        return Lezing(_quarter_end(year, quarter),
                      _("laatste dag van kwartaal %(q)s %(jaar)s") % {"q": quarter, "jaar": year})
    if m := re.fullmatch(r"(?:eind|einde|uiterlijk eind|ultimo) (\d{4})", text):
        return Lezing(datetime.date(int(m[1]), 12, 31), _("laatste dag van %(jaar)s") % {"jaar": m[1]})
    if m := re.fullmatch(r"(?:eind |einde |ultimo )?([a-z]+)\.? (\d{4})", text):
        month = MONTHS.get(m[1])
        if month:
            return Lezing(_month_end(int(m[2]), month),
                          _("laatste dag van %(maand)s %(jaar)s") % {"maand": m[1], "jaar": m[2]})
    return None


def read_date(value) -> Lezing:
    """Any cell value → a Lezing. Never raises."""
    if isinstance(value, datetime.datetime):
        return Lezing(value.date())
    if isinstance(value, datetime.date):
        return Lezing(value)
    if isinstance(value, bool):
        return Lezing(onleesbaar=True)
    if isinstance(value, int | float):
        if value == value and SERIALS[0] <= value <= SERIALS[1]:  # an Excel serial in a cell without a date format
            return Lezing(EXCEL_EPOCH + datetime.timedelta(days=int(value)))
        return Lezing(onleesbaar=True)
    text = re.sub(r"\s+", " ", str(value or "")).strip().lower()
    if not text or text in NO_DATE or text.rstrip("!.") in NO_DATE:
        return Lezing(leeg=True)
    if re.fullmatch(r"\d{5}", text) and SERIALS[0] <= int(text) <= SERIALS[1]:
        return Lezing(read_date(int(text)).datum, _("Excel-datumgetal %(getal)s") % {"getal": text})
    text = re.sub(rf"^{WEEKDAYS}", "", text)
    try:
        if (day := _exact(text)) is not None:
            return Lezing(day)
        if (lezing := _period(text)) is not None:
            return lezing
    except ValueError:  # 31-02-2019, week 54, and the like
        return Lezing(onleesbaar=True)
    return Lezing(onleesbaar=True)


def parse_date(value) -> datetime.date | None:
    """Only a date the text gives exactly (or a date cell); an interpretation or a word gives None."""
    lezing = read_date(value)
    return lezing.datum if lezing.datum and not lezing.uitleg else None


def parse_typed_date(text: str) -> datetime.date | None:
    """A date the user types in the preview: any exact Dutch form, or an <input type=date> value."""
    lezing = read_date((text or "").strip())
    return lezing.datum if lezing.datum and not lezing.uitleg else None
