"""The Dutch date parsing of the actielijst import (`actiepunten.importeren.parse_date`), fuzzed.

Anything a spreadsheet cell can hold gives a date or None, never an exception; every date written the ways a
Dutch actielijst writes it ('22 februari 2019', 'vr 22 feb. 2019', '22-02-2019', '22/2/2019', '2019-02-22', an
Excel serial number) reads back as that date.
"""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from actiepunten.importeren import MONTHS, parse_date

from .profiel import FUZZ

DATES = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31))
NAMES = {number: [name for name, n in MONTHS.items() if n == number] for number in range(1, 13)}
WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
SHORT_WEEKDAYS = ["ma", "di", "wo", "do", "vr", "za", "zo"]
CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(),
    st.datetimes(), st.dates(), st.binary().map(lambda b: b.decode("latin-1")),
    st.from_regex(r"\A\s*\d{1,4}[-/. ]\d{1,4}[-/. ]\d{1,5}\s*\Z"),
    st.from_regex(r"\A\d{1,3} [a-z]{2,10}\.? \d{1,6}\Z"),
)


@FUZZ
@given(CELLS)
def test_any_cell_gives_a_date_or_none(value):
    result = parse_date(value)
    assert result is None or isinstance(result, datetime.date)


@FUZZ
@given(day=DATES, data=st.data())
def test_a_date_written_the_dutch_way_reads_back(day, data):
    month = data.draw(st.sampled_from(NAMES[day.month]), label="maand")
    written = data.draw(st.sampled_from([
        f"{day.day} {month} {day.year}",
        f"{day.day} {month}. {day.year}",
        f"{day.day:02d}-{day.month:02d}-{day.year}",
        f"{day.day}-{day.month}-{day.year}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day}.{day.month}.{day.year}",
        f"{day.year}-{day.month:02d}-{day.day:02d}",
        f"{day.year}-{day.month:02d}-{day.day:02d} 00:00:00",
    ]), label="geschreven")
    weekday = data.draw(st.sampled_from(["", f"{WEEKDAYS[day.weekday()]} ", f"{SHORT_WEEKDAYS[day.weekday()]}. ",
                                         f"{WEEKDAYS[day.weekday()]}, "]), label="weekdag")
    written = weekday + written
    spaced = data.draw(st.sampled_from([written, written.upper(), f"  {written} ", written.replace(" ", "  ")]))
    assert parse_date(spaced) == day


@FUZZ
@given(DATES.filter(lambda d: d.year >= 2000))
def test_a_two_digit_year_is_this_century(day):
    assert parse_date(f"{day.day}-{day.month}-{day.year % 100:02d}") == day


@FUZZ
@given(st.integers(min_value=20000, max_value=80000), st.booleans())
def test_an_excel_serial_number_is_a_date(serial, as_float):
    value = float(serial) if as_float else serial
    assert parse_date(value) == datetime.date(1899, 12, 30) + datetime.timedelta(days=serial)


@FUZZ
@given(st.integers(min_value=1900, max_value=2099), st.integers(min_value=1, max_value=12),
       st.integers(min_value=29, max_value=99))
def test_a_day_the_month_does_not_have_is_no_date(year, month, day):
    try:
        datetime.date(year, month, day)
    except ValueError:
        assert parse_date(f"{day}-{month}-{year}") is None
        assert parse_date(f"{day} {NAMES[month][0]} {year}") is None
    else:
        assert parse_date(f"{day}-{month}-{year}") == datetime.date(year, month, day)
