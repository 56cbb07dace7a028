"""The header finder, the column mapper and the date reader of the actielijst import, fuzzed (issue 18).

Any rows give a preview or a Dutch problem with the row number of the original file; a header made of Dutch
synonyms is found below any title and blank rows; a mapping never leaves Onderwerp silently unmapped; any cell
read as a date gives a date, a question, or 'not a date', and a question answered 'geen datum' is never a guess.
"""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from actiepunten.importeren import datumkeuzes, preview_rows
from actiepunten.importeren.datums import Lezing, read_date
from actiepunten.importeren.kolommen import (
    COLUMNS,
    FIELDS,
    REQUIRED,
    check_mapping,
    find_header,
    map_columns,
    read_status,
)
from actiepunten.importeren.voorbeeld import Keuzes

from .profiel import FUZZ

# Words of titles and data that are no column name and no status word.
PLAIN_WORDS = ["Overzicht", "driehoek", "Soest", "2025", "Bijgewerkt", "werkgroep", "handhaving", "BOA", "Jansen",
               "Stationsplein", "overlast", "plan", "versie", "3", "concept", "—"]
PLAIN = st.lists(st.sampled_from(PLAIN_WORDS), min_size=1, max_size=4).map(" ".join)
SYNONYMS = {key: sorted(aliases) for key, aliases in COLUMNS.items()}
ANY_CELL = st.one_of(st.none(), st.text(max_size=15), st.integers(-5, 99999), st.floats(allow_nan=False),
                     st.dates().map(str), st.sampled_from(["z.s.m.", "week 40", "Q3 2025", "eind 2025", "gereed"]))


@st.composite
def lists_with_a_header(draw):
    """Title rows, blank rows, then a header of synonyms (Onderwerp, Wie, Datum gereed and maybe more), then data."""
    fields = list(REQUIRED) + draw(st.lists(st.sampled_from(["nummer", "status", "toelichting"]), unique=True))
    fields = draw(st.permutations(fields))
    header = [draw(st.sampled_from(SYNONYMS[f])).title() for f in fields]
    above = draw(st.lists(st.one_of(st.just([]), st.lists(PLAIN, min_size=1, max_size=2)), max_size=6))
    data = draw(st.lists(st.lists(PLAIN, min_size=len(header), max_size=len(header)), max_size=8))
    rows = [(rij, list(row)) for rij, row in enumerate([*above, header, *data], start=1) if any(row)]
    return rows, 1 + len(above), fields


@FUZZ
@given(lists_with_a_header())
def test_the_header_is_found_below_title_and_blank_rows(case):
    rows, header_row, fields = case
    assert find_header(rows, {}) == header_row
    header = dict(rows)[header_row]
    mapping = map_columns(header, {}, None)
    assert [mapping.get(i) for i in range(len(header))] == fields
    assert check_mapping(mapping, header) == []


@FUZZ
@given(st.lists(st.lists(ANY_CELL, max_size=8), max_size=40), st.dictionaries(st.text(max_size=10),
                                                                               st.sampled_from([*FIELDS, ""])))
def test_any_rows_have_a_header_row_among_them(table, remembered):
    rows = [(i, row) for i, row in enumerate(table, start=1) if any(v not in (None, "") for v in row)]
    found = find_header(rows, remembered)
    assert (found is None) == (not rows)
    assert found is None or found in {rij for rij, _row in rows}


@FUZZ
@given(header=st.lists(st.one_of(st.sampled_from(sorted(a for aliases in COLUMNS.values() for a in aliases)),
                                 st.text(max_size=12), st.none()), max_size=12),
       chosen=st.one_of(st.none(), st.dictionaries(st.integers(0, 14), st.sampled_from([*FIELDS, "", "x"]))))
def test_a_mapping_is_complete_or_says_in_dutch_what_is_missing(header, chosen):
    mapping = map_columns(header, {}, chosen)
    assert set(mapping.values()) <= set(FIELDS)
    assert all(0 <= i < len(header) for i in mapping)
    if chosen is None:
        assert len(set(mapping.values())) == len(mapping), "a field is given to one column automatically"
    problems = check_mapping(mapping, header)
    complete = set(REQUIRED) <= set(mapping.values()) and len(set(mapping.values())) == len(mapping)
    assert (problems == []) == complete
    if "onderwerp" not in mapping.values():
        assert any("'Onderwerp'" in p and "ontbreekt" in p for p in problems), "asked, never guessed"


@FUZZ
@given(st.one_of(ANY_CELL, st.datetimes(), st.booleans(), st.floats(), st.text()))
def test_any_cell_reads_as_a_date_a_question_or_no_date(value):
    lezing = read_date(value)
    assert isinstance(lezing, Lezing)
    assert [lezing.datum is not None, lezing.leeg, lezing.onleesbaar].count(True) == 1
    assert lezing.datum is None or isinstance(lezing.datum, datetime.date)
    assert not lezing.uitleg or lezing.datum is not None


@FUZZ
@given(st.integers(2000, 2090), st.integers(1, 52), st.integers(1, 4))
def test_weeks_and_quarters_read_as_their_last_day(year, week, quarter):
    assert read_date(f"week {week} {year}").datum == datetime.date.fromisocalendar(year, week, 5)
    end = read_date(f"Q{quarter} {year}").datum
    assert (end.year, end.month, (end + datetime.timedelta(days=1)).day) == (year, quarter * 3, 1)
    assert read_date(f"eind {year}").datum == datetime.date(year, 12, 31)


@FUZZ
@given(st.sampled_from(["", "z.s.m.", "zsm", "doorlopend", "n.t.b.", "week 40", "ergens", "31-02-2025"]))
def test_no_date_is_ever_guessed_for_words_and_gaps(text):
    assert read_date(text).datum is None


DATE_CELLS = st.one_of(st.sampled_from(["", "z.s.m.", "doorlopend", "1 okt. 2025", "1-10-25", "week 40 2025",
                                        "Q3 2025", "eind 2025", "morgen", "45931"]),
                       st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 1, 1)),
                       st.text(max_size=12))


@FUZZ
@given(title_rows=st.integers(0, 3), cells=st.lists(st.tuples(DATE_CELLS, st.sampled_from(["", "open", "gereed",
                                                                                              "afgerond", "raar"])),
                                                      min_size=1, max_size=12))
def test_any_dates_give_a_preview_or_a_row_numbered_question(title_rows, cells):
    rows = [(i, [f"Titel {i}"]) for i in range(1, title_rows + 1)]
    rows.append((title_rows + 1, ["Nr", "Onderwerp", "Wie", "Datum gereed", "Status"]))
    data_rows = {}
    for offset, (datum, status) in enumerate(cells, start=title_rows + 2):
        rows.append((offset, [str(offset), f"Punt {offset}", "Iemand", datum, status]))
        data_rows[offset] = (datum, status)
    voorbeeld = preview_rows(rows=rows, members=[], existing_numbers=set(), bestaande={}, keuzes=Keuzes(),
                             remembered={})
    assert voorbeeld.kopregel == title_rows + 1
    problem_rows = {p.rij for p in voorbeeld.problemen}
    assert problem_rows <= set(data_rows)
    for regel in voorbeeld.regels:
        assert regel.rij in data_rows and regel.rij not in problem_rows
        assert isinstance(regel.datum_gereed, datetime.date)
        assert read_status(data_rows[regel.rij][1]) is not None
    assert {r.rij for r in voorbeeld.regels} | problem_rows == set(data_rows)
    # Answering every date question with 'geen datum' leaves only the unknown statuses, and no date is guessed.
    answered = preview_rows(rows=rows, members=[], existing_numbers=set(), bestaande={}, remembered={},
                            keuzes=Keuzes(datums={v.rij: ("onbekend", "") for v in voorbeeld.datumvragen
                                                  if v.nodig}))
    assert all(p.soort != "datum" for p in answered.problemen)
    for regel in answered.regels:
        if read_date(data_rows[regel.rij][0]).datum is None:
            assert regel.datum_gereed is None


ANSWERS = st.builds(
    Keuzes,
    kopregel=st.one_of(st.none(), st.integers(-2, 12)),
    kolommen=st.one_of(st.none(), st.dictionaries(st.integers(-1, 9), st.sampled_from([*FIELDS, "", "?"]))),
    eigenaars=st.dictionaries(st.text(max_size=16), st.one_of(st.sampled_from(["extern", "", "7"]),
                                                              st.text(max_size=4))),
    datums=st.dictionaries(st.integers(-1, 12), st.tuples(st.sampled_from(["onbekend", "datum", "", "x"]),
                                                          st.one_of(st.text(max_size=12),
                                                                    st.sampled_from(["1-3-2026", "31-02-2026"])))),
    datum_alle=st.sampled_from(["", "onbekend"]),
    datumregels=st.one_of(st.none(), st.text(max_size=40)),
    datumfouten=st.lists(st.sampled_from(["Regel 1 van de andere datums is niet te lezen."]), max_size=1),
)


LINE_PARTS = st.one_of(st.text(max_size=20), st.sampled_from(["3: 1-3-2026", "rij 4: geen datum", "5:", ": 6",
                                                               "7\t31-02-2026", "8 = onbekend", "x: y"]))


@FUZZ
@given(st.lists(LINE_PARTS, max_size=12).map("\n".join))
def test_any_deviation_text_reads_as_row_answers_or_numbered_dutch_lines(tekst):
    afwijkingen = datumkeuzes.read_lines(tekst)
    for rij, (keuze, waarde) in afwijkingen.datums.items():
        assert rij >= 0 and keuze in ("onbekend", "datum") and len(waarde) <= 40
        assert keuze == "datum" or waarde == ""
    for fout in afwijkingen.fouten:
        assert fout.startswith("Regel ") and "rijnummer: datum" in fout
    # Written back as the preview shows them, the answers read the same again.
    assert datumkeuzes.read_lines(datumkeuzes.as_lines(afwijkingen.datums)).datums == afwijkingen.datums


@FUZZ
@given(title_rows=st.integers(0, 2), cells=st.lists(DATE_CELLS, min_size=1, max_size=10))
def test_the_whole_list_default_answers_every_unreadable_date_and_guesses_none(title_rows, cells):
    rows = [(i, [f"Titel {i}"]) for i in range(1, title_rows + 1)]
    rows.append((title_rows + 1, ["Onderwerp", "Wie", "Datum gereed"]))
    rows += [(rij, [f"Punt {rij}", "Iemand", datum]) for rij, datum in enumerate(cells, start=title_rows + 2)]
    voorbeeld = preview_rows(rows=rows, members=[], existing_numbers=set(), bestaande={}, remembered={},
                             keuzes=Keuzes(datum_alle="onbekend"))
    assert all(p.soort != "datum" for p in voorbeeld.problemen)
    for regel in voorbeeld.regels:
        cell = cells[regel.rij - title_rows - 2]
        if read_date(cell).datum is None:
            assert regel.datum_gereed is None


@FUZZ
@given(table=st.lists(st.lists(ANY_CELL, max_size=7), max_size=10), keuzes=ANSWERS)
def test_any_answers_to_any_rows_give_a_preview_or_row_numbered_problems(table, keuzes):
    rows = [(i, row) for i, row in enumerate(table, start=1) if any(v not in (None, "") for v in row)]
    voorbeeld = preview_rows(rows=rows, members=[], existing_numbers=set(), bestaande={}, keuzes=keuzes,
                             remembered={})
    assert voorbeeld.regels or voorbeeld.problemen
    numbers = {rij for rij, _row in rows}
    for probleem in voorbeeld.problemen:
        assert probleem.tekst.strip() and (probleem.rij is None or probleem.rij in numbers)
    for regel in voorbeeld.regels:
        assert regel.rij in numbers and regel.rij > voorbeeld.kopregel and regel.onderwerp
        assert regel.datum_gereed is None or isinstance(regel.datum_gereed, datetime.date)
        if regel.datum_gereed is None:
            assert keuzes.datums.get(regel.rij, ("",))[0] == "onbekend", "no date only when the user said so"
