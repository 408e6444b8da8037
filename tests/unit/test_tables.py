"""Tests of the cell-level table engine (``salesnb.io.tables``).

The engine reads whole columns at a time (numpy), and asks a cell's own parser only
about the cells it does not read itself; these tests pin down that what it gives is
exactly what reading the cells one by one gives: the same values, the same problems
(file, message, row, column) in the same order, the same rows numbered as a
spreadsheet numbers them (the header is row 1; a blank line keeps its number).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import NUMBER_CELL

from salesnb.errors import Problem
from salesnb.io.settings import TableDialect
from salesnb.io.tables import (
    INVALID,
    CellError,
    Column,
    TableSpec,
    blank_cells,
    cell_codes,
    cell_test,
    choice,
    duplicates,
    gaps,
    identical_cells,
    invalid_cells,
    out_of_order,
    parse_flag,
    parse_fraction,
    parse_integer,
    parse_money,
    parse_month,
    parse_number,
    parse_table,
    parse_text,
    read_raw,
    typed,
)

M = pd.Period
US = TableDialect(decimal=".", thousands=",")  # how the parsers on their own read numbers

SPEC = TableSpec(
    "deals",
    (
        Column("amount", parse_money),
        Column("rate", parse_fraction, required=False, needs_value=False, blank=1.0),
        Column("month", parse_month),
        Column("active", parse_flag, needs_value=False, blank=False),
        Column("kind", choice("fixed", "variable")),
        Column("name", parse_text),
    ),
)


def raw_table(columns: dict[str, list[str]], rows: list[int]) -> pd.DataFrame:
    raw = pd.DataFrame(columns, dtype=str)
    raw.index = pd.Index(rows, name="row")
    return raw


def same(a: object, b: object) -> bool:
    """The same value and type (and for floats, the same sign of zero)."""
    if a is INVALID or b is INVALID:
        return a is b
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    return a == b


def one_by_one(cells: list[str], column: Column, rows: list[int]):
    """What reading each cell with the column's own parser gives."""
    values, problems = [], []
    for row, text in zip(rows, cells, strict=True):
        if not text.strip():
            values.append(column.blank)
            if column.needs_value:
                problems.append(Problem("t.csv", "empty cell: a value is needed", row, column.name))
            continue
        try:
            values.append(column.parse(text))
        except CellError as exc:
            values.append(INVALID)
            problems.append(Problem("t.csv", str(exc), row, column.name))
    return values, problems


# ----------------------------------------------------------------------------
# Cells, worked out by hand
# ----------------------------------------------------------------------------


@pytest.fixture
def parsed() -> tuple[pd.DataFrame, list[Problem]]:
    raw = raw_table(
        {
            "Amount": ["$1,200", "abc", "1,234,567.50", "-5"],
            "rate": ["25%", "", "0.5", "120%"],
            "month": ["2027-01", "2027-13", "2027-02-30", "2027-02-28"],
            "active": ["yes", "no", "maybe", ""],
            "kind": ["Fixed", "monthly", "variable", ""],
            "name": [" Ann ", "Bob", "  ", "Cy"],
            "unused": ["x", "y", "z", "w"],  # exports carry columns the workbook ignores
        },
        rows=[2, 3, 4, 6],  # row 5 was a blank line
    )
    return parse_table("deals.csv", raw, SPEC)


class TestParseTable:
    def test_values(self, parsed):
        frame, _ = parsed
        expected = {
            "amount": [1200.0, INVALID, 1234567.5, INVALID],
            "rate": [0.25, 1.0, 0.5, INVALID],
            "month": [M("2027-01", "M"), INVALID, INVALID, M("2027-02", "M")],
            "active": [True, False, INVALID, False],
            "kind": ["fixed", INVALID, "variable", None],
            "name": ["Ann", "Bob", None, "Cy"],
        }
        assert list(frame.columns) == list(expected)
        assert list(frame.index) == [2, 3, 4, 6]
        assert frame.index.name == "row"
        for name, values in expected.items():
            assert frame[name].dtype == object
            got = frame[name].tolist()
            assert all(same(a, b) for a, b in zip(got, values, strict=True)), (name, got)

    def test_problems_name_file_row_and_column_in_order(self, parsed):
        _, problems = parsed
        f = "deals.csv"
        assert problems == [
            Problem(f, "expected a number, got 'abc'", 3, "amount"),
            Problem(f, "expected an amount of 0 or more, got '-5'", 6, "amount"),
            Problem(f, "expected a fraction from 0 to 1 (or 0% to 100%), got '120%'", 6, "rate"),
            Problem(f, "expected a month as YYYY-MM, got '2027-13'", 3, "month"),
            Problem(f, "expected a real date, got '2027-02-30'", 4, "month"),
            Problem(f, "expected yes or no, got 'maybe'", 4, "active"),
            Problem(f, "expected one of fixed, variable; got 'monthly'", 3, "kind"),
            Problem(f, "empty cell: a value is needed", 6, "kind"),
            Problem(f, "empty cell: a value is needed", 4, "name"),
        ]

    def test_typed(self, parsed):
        frame, _ = parsed
        out = typed(frame, SPEC)
        assert out["amount"].dtype == np.float64
        assert out["amount"].tolist()[::2] == [1200.0, 1234567.5]
        assert out["amount"].isna().tolist() == [False, True, False, True]
        assert out["rate"].tolist()[:3] == [0.25, 1.0, 0.5]
        assert out["active"].tolist() == [True, False, False, False]
        assert out["month"].dtype == pd.PeriodDtype("M")
        assert out["month"].isna().tolist() == [False, True, True, False]
        assert out["name"].tolist()[:2] == ["Ann", "Bob"]

    def test_missing_column(self):
        raw = raw_table({"month": ["2027-01"], "kind": ["fixed"], "name": ["a"]}, [2])
        frame, problems = parse_table("deals.csv", raw, SPEC)
        assert problems == [
            Problem("deals.csv", "missing column", 1, "amount"),
            Problem("deals.csv", "missing column", 1, "active"),
        ]
        assert frame["amount"].tolist() == [None]
        assert frame["active"].tolist() == [False]
        assert frame["rate"].tolist() == [1.0]  # not required: its blank value

    def test_a_parser_of_ones_own_is_asked_about_every_cell(self):
        def parse_code(value: str) -> str:
            if not value.strip().isalpha():
                raise CellError(f"expected letters, got {value.strip()!r}")
            return value.strip().upper()

        spec = TableSpec("t", (Column("code", parse_code),))
        frame, problems = parse_table(
            "t.csv", raw_table({"code": ["ab", "1", ""]}, [2, 3, 4]), spec
        )
        assert frame["code"].tolist() == ["AB", INVALID, None]
        assert problems == [
            Problem("t.csv", "expected letters, got '1'", 3, "code"),
            Problem("t.csv", "empty cell: a value is needed", 4, "code"),
        ]

    @pytest.mark.parametrize(
        ("column", "cells"),
        [
            (
                Column("x", parse_number),
                ["1", "2.50", "$3", "4 €", "-0", "1e3", " 5 ", "_1_0", "x"],
            ),
            (Column("x", parse_money), ["$1,200.00", "£12", "¥ 7", "-1", "0.005", "1,2,3", ""]),
            (Column("x", parse_fraction), ["25%", "0.3", "100 %", "$50%", "-0%", "1.5", "5%%"]),
            (Column("x", parse_integer, needs_value=False), ["3", "3.0", "2.5", "0", " 7 ", ""]),
            (Column("x", parse_month), ["2027-01", "2027-1", "2027-03-01 00:00:00", "Feb 2027"]),
            (Column("x", parse_flag), ["Yes", " n ", "TRUE", "0", "x", "yep", "\u212a"]),
            (Column("x", choice("fixed", "people")), ["FIXED", " people ", "\u017fixed", "other"]),
            (Column("x", parse_text), [" a ", "\u3000b\u3000", "\x1c", "c\x00d"]),
        ],
    )
    @pytest.mark.parametrize("repeat", [1, 40])  # 40: few distinct texts, read once each
    def test_the_same_as_one_cell_at_a_time(self, column, cells, repeat):
        cells = cells * repeat
        rows = list(range(2, len(cells) + 2))
        frame, problems = parse_table(
            "t.csv", raw_table({"x": cells}, rows), TableSpec("t", (column,))
        )
        values, expected = one_by_one(cells, column, rows)
        assert problems == expected
        assert all(same(a, b) for a, b in zip(frame["x"].tolist(), values, strict=True))


NUMBER_PARSERS = st.sampled_from([parse_number, parse_money, parse_fraction, parse_integer])


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(NUMBER_CELL, max_size=40), parse=NUMBER_PARSERS, needs_value=st.booleans())
def test_a_column_of_numbers_reads_as_its_cells_one_by_one(cells, parse, needs_value):
    # The parsers on their own read a decimal point with commas between thousands:
    # a file said to write numbers so reads exactly as its cells through them.
    column = Column("x", parse, needs_value=needs_value)
    rows = list(range(2, len(cells) + 2))
    raw = raw_table({"x": cells}, rows)
    frame, problems = parse_table("t.csv", raw, TableSpec("t", (column,)), US)
    values, expected = one_by_one(cells, column, rows)
    assert [(p.row, p.message) for p in problems] == [(p.row, p.message) for p in expected]
    assert all(same(a, b) for a, b in zip(frame["x"].tolist(), values, strict=True))


DIALECTS = [
    TableDialect(decimal=decimal, thousands=thousands)
    for decimal in ".,"
    for thousands in ("", ",", ".", " ", "'", None)
    if thousands != decimal
]
MARKED_CELL = st.one_of(
    NUMBER_CELL,
    st.text(alphabet=st.sampled_from([*"0123456789,.' -%$", "\u00a0", "\u202f", "€"]), max_size=14),
)
LONG = " " * 70  # more than the column-at-once machine reads: the cell-by-cell reader's


@settings(max_examples=150, deadline=None)
@given(
    cells=st.lists(MARKED_CELL, max_size=30),
    parse=NUMBER_PARSERS,
    dialect=st.sampled_from(DIALECTS),
)
def test_numbers_in_any_dialect_read_at_once_as_one_by_one(cells, parse, dialect):
    # Every cell padded past what the machine reads goes to the cell-by-cell reader,
    # which must agree with the machine on the same cells, value and message alike.
    column = Column("x", parse, needs_value=False)
    spec, rows = TableSpec("t", (column,)), list(range(2, len(cells) + 2))
    frame, problems = parse_table("t.csv", raw_table({"x": cells}, rows), spec, dialect)
    padded = [LONG + c if c.strip() else c for c in cells]
    slow, slow_problems = parse_table("t.csv", raw_table({"x": padded}, rows), spec, dialect)
    assert problems == slow_problems
    assert all(same(a, b) for a, b in zip(frame["x"].tolist(), slow["x"].tolist(), strict=True))


# ----------------------------------------------------------------------------
# Reading a file: spreadsheet row numbers
# ----------------------------------------------------------------------------


def test_read_raw_keeps_the_number_of_a_blank_line(tmp_path: Path):
    (tmp_path / "actuals.csv").write_text(
        "month,revenue\n2026-01,100\n\n2026-02,abc\n  ,\t\n2026-03,300\n", encoding="utf-8"
    )
    spec = TableSpec("actuals", (Column("month", parse_month), Column("revenue", parse_money)))
    name, raw, found = read_raw(tmp_path, spec)
    assert (name, found) == ("actuals.csv", [])
    assert list(raw.index) == [2, 4, 6]  # row 3 is empty, row 5 only spaces
    _, problems = parse_table(name, raw, spec)
    assert problems == [Problem("actuals.csv", "expected a number, got 'abc'", 4, "revenue")]


# ----------------------------------------------------------------------------
# The rules across rows
# ----------------------------------------------------------------------------


def months(*cells: str) -> pd.DataFrame:
    spec = TableSpec("m", (Column("month", parse_month),))
    raw = raw_table({"month": list(cells)}, list(range(2, len(cells) + 2)))
    return parse_table("m.csv", raw, spec)[0]


class TestRowRules:
    def test_a_duplicate_names_the_later_row(self):
        frame = months("2027-01", "2027-02", "2027-01", "2027-13", "2027-13", "2027-02")
        assert duplicates("m.csv", frame, ["month"], "month") == [
            Problem("m.csv", "duplicate month 2027-01", 4, "month"),
            Problem("m.csv", "duplicate month 2027-02", 7, "month"),
        ]  # two unreadable months are not duplicates of each other

    def test_duplicates_of_two_columns(self):
        raw = raw_table({"month": ["2027-01"] * 3, "stream": ["a", "b", "a"]}, [2, 3, 4])
        spec = TableSpec("p", (Column("month", parse_month), Column("stream", parse_text)))
        frame, _ = parse_table("p.csv", raw, spec)
        assert duplicates("p.csv", frame, ["month", "stream"], "month and stream") == [
            Problem("p.csv", "duplicate month and stream 2027-01, a", 4, "month")
        ]

    def test_duplicate_texts(self):
        raw = raw_table({"line": ["Rent", "Rent ", "rent", "Rent"]}, [2, 3, 4, 5])
        frame, _ = parse_table("e.csv", raw, TableSpec("e", (Column("line", parse_text),)))
        assert duplicates("e.csv", frame, ["line"], "expense line") == [
            Problem("e.csv", "duplicate expense line Rent", 3, "line"),
            Problem("e.csv", "duplicate expense line Rent", 5, "line"),
        ]

    def test_months_out_of_order(self):
        frame = months("2027-01", "2027-03", "2027-02", "2027-13", "2027-04", "2027-03")
        assert out_of_order("m.csv", frame, "month") == [
            Problem(
                "m.csv", "month 2027-02 comes after 2027-03: keep the months in order", 4, "month"
            ),
            Problem(
                "m.csv", "month 2027-03 comes after 2027-04: keep the months in order", 7, "month"
            ),
        ]

    def test_gaps(self):
        assert gaps("m.csv", months("2027-01", "2027-02", "2027-05"), "month", "in turn") == [
            Problem("m.csv", "month 2027-03 is missing: in turn", column="month"),
            Problem("m.csv", "month 2027-04 is missing: in turn", column="month"),
        ]
        assert gaps("m.csv", months("2027-01", "2027-13", "2027-03"), "month", "in turn") == []
        assert gaps("m.csv", months("2027-01", "2027-01"), "month", "in turn") == []


def test_column_helpers():
    cells = ["a", None, INVALID, float("nan"), "a", True, "b"]
    assert invalid_cells(cells).tolist() == [False, False, True, False, False, False, False]
    assert blank_cells(cells).tolist() == [False, True, True, True, False, False, False]
    assert identical_cells(cells, True).tolist() == [False] * 5 + [True, False]
    codes, uniques = cell_codes(cells)
    assert codes.tolist() == [0, -1, -1, -1, 0, 1, 2]
    assert uniques == ["a", True, "b"]
    assert (
        cell_test(cells, lambda v: v == "a").tolist() == [True] + [False] * 3 + [True] + [False] * 2
    )
