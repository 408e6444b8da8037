"""Tests of reading tables as real exports write them (``salesnb.io.tables``).

Each class of export defect found in hostile client folders has its cases here: how
numbers are written (decimal comma or point, thousands separators, limits), the text
encoding and the delimiter, rows with more values than the header, headers equal
after normalising, Excel workbooks, links out of the folder, tables without rows and
invisible characters in text. Every case writes a file, reads it with
:func:`read_raw` and :func:`parse_table` as a client folder is read, and checks each
problem's file, row, column and message (and each note), or the values read; two
client folders end it, whose settings say (or must say) how their numbers are written.
Property tests feed the reader random bytes, random CSV-like text and random
workbooks: whatever the file, the reader returns a table and its problems, never an
exception.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import math
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from salesnb.errors import Problem
from salesnb.io import check_folder, load_client, validate
from salesnb.io.settings import TableDialect
from salesnb.io.tables import (
    INVALID,
    Column,
    TableSpec,
    parse_fraction,
    parse_integer,
    parse_money,
    parse_month,
    parse_table,
    parse_text,
    read_raw,
)
from salesnb.io.yaml_reader import read_text
from salesnb.paths import SAMPLE_CLIENT

SPEC = TableSpec(
    "plan",
    (
        Column("month", parse_month),
        Column("stream", parse_text),
        Column("revenue", parse_money),
        Column("rate", parse_fraction, required=False, needs_value=False),
        Column("priority", parse_integer, required=False, needs_value=False),
    ),
    doc="Planned revenue by month and stream.",
)
OPTIONAL = TableSpec("extra", SPEC.columns, optional=True, doc="An optional table.")


def read(
    folder: Path, content: bytes | str, *, dialect=None, name: str = "plan.csv", spec=SPEC
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Write ``content`` as the table's file and read it as a client folder does."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    (folder / name).write_bytes(data)
    fname, raw, problems = read_raw(folder, spec)
    assert fname == name
    if raw is None:
        return None, problems
    frame, found = parse_table(fname, raw, spec, dialect)
    return frame, problems + found


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.note]


def notes(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.note]


@dataclass(frozen=True)
class Case:
    """A file and the one problem it must give: its row, column and message words."""

    id: str
    content: bytes | str
    row: int | None
    column: str | None
    words: tuple[str, ...]
    dialect: TableDialect | None = None
    name: str = "plan.csv"


def check(folder: Path, case: Case) -> Problem:
    _, problems = read(folder, case.content, dialect=case.dialect, name=case.name)
    found = errors(problems)
    assert len(found) == 1, found
    (problem,) = found
    assert (problem.file, problem.row, problem.column) == (case.name, case.row, case.column)
    for word in case.words:
        assert word.lower() in problem.message.lower(), problem.message
    return problem


HEAD = "month,stream,revenue,rate\n"
HEAD_SC = "month;stream;revenue;rate\n"
#: The largest amount either side of zero (1e15), as the messages write it.
LIMIT = "1,000,000,000,000,000"


# ----------------------------------------------------------------------------
# Numbers: decimal marks, thousands separators, limits
# ----------------------------------------------------------------------------

NUMBER_PROBLEMS = [
    Case(
        "decimal-comma-in-a-comma-separated-file",
        HEAD + '2027-01,Services,94200,\n2027-02,Services,"123.500,00",\n',
        3,
        "revenue",
        ("'123.500,00'", "decimal comma", "commas", "tables: {decimal: ','"),
    ),
    Case(
        "a-rate-with-a-decimal-comma-in-a-comma-separated-file",
        HEAD + '2027-01,Services,94200,"6,5%"\n',
        2,
        "rate",
        ("'6,5%'", "decimal comma"),
    ),
    Case(
        "both-decimal-marks-in-one-file",
        HEAD_SC + "2027-01;Services;1.234,50;\n2027-02;Services;12.5;\n2027-03;Services;7,25;\n",
        3,
        "revenue",
        ("two ways", "'12.5'", "'1.234,50'", "row 2", "tables: {decimal:"),
    ),
    Case(
        "a-number-the-file-leaves-open",
        HEAD + "2027-01,Services,1.500,\n2027-02,Services,2000,\n",
        2,
        "revenue",
        ("'1.500'", "1.5 or 1500", "tables: {decimal: '.', thousands: ','}"),
    ),
    Case(
        "open-numbers-are-one-problem",
        HEAD_SC + "2027-01;Services;1.500;\n2027-02;Services;2.250;\n2027-03;Services;3,125;\n",
        2,
        "revenue",
        ("'1.500'", "2 more cells"),
    ),
    Case(
        "a-comma-the-file-leaves-open",
        HEAD_SC + "2027-01;Services;1,500;\n",
        2,
        "revenue",
        ("'1,500'", "1.5 or 1500", "tables:"),
    ),
    Case(
        "groups-that-are-not-thousands",
        HEAD + '2027-01,Services,"1,23,4",\n',
        2,
        "revenue",
        ("'1,23,4'", "groups of three"),
    ),
    Case(
        "a-magnitude-no-business-has",
        HEAD + "2027-01,Services,1e308,\n",
        2,
        "revenue",
        ("'1e308'", LIMIT),
    ),
    Case(
        "just-over-the-limit",
        HEAD + "2027-01,Services,1000000000000001,\n",
        2,
        "revenue",
        (LIMIT,),
    ),
    Case("infinity", HEAD + "2027-01,Services,inf,\n", 2, "revenue", ("finite", LIMIT)),
    Case("not-a-number", HEAD + "2027-01,Services,NaN,\n", 2, "revenue", ("finite", LIMIT)),
    Case(
        "an-excel-error-value",
        HEAD + "2027-01,Services,#DIV/0!,\n",
        2,
        "revenue",
        ("'#DIV/0!'", "formula"),
    ),
    Case(
        "a-decimal-point-where-the-settings-say-comma",
        HEAD_SC + "2027-01;Services;1.234,5;\n2027-02;Services;12.5;\n",
        3,
        "revenue",
        ("decimal comma", "settings.yaml", "'12.5'"),
        dialect=TableDialect(decimal=",", thousands="."),
    ),
    Case(
        "thousands-where-the-settings-say-none",
        HEAD_SC + "2027-01;Services;1.234;\n",
        2,
        "revenue",
        ("without thousands separators", "'1.234'"),
        dialect=TableDialect(decimal=",", thousands=""),
    ),
    Case(
        "spaces-between-thousands-where-the-settings-say-points",
        HEAD_SC + "2027-01;Services;1 234,5;\n",
        2,
        "revenue",
        ("'1 234,5'", "thousands: ' '"),
        dialect=TableDialect(decimal=",", thousands="."),
    ),
]


@pytest.mark.parametrize("case", NUMBER_PROBLEMS, ids=[c.id for c in NUMBER_PROBLEMS])
def test_numbers_read_wrong_are_refused_with_the_cell_and_the_remedy(tmp_path, case):
    check(tmp_path, case)


@pytest.mark.parametrize(
    ("content", "dialect", "revenue", "rate", "said"),
    [
        # The ordinary US and UK file: no setting, no note.
        (
            HEAD + '2027-01,Services,"1,500",12.5%\n2027-02,Services,12.5,\n',
            None,
            [1500, 12.5],
            0.125,
            [],
        ),
        (HEAD + '2027-01,Services,"$1,500",\n', None, [1500], None, []),
        (HEAD + '2027-01,Services,"1,234,567.50",0.065\n', None, [1234567.5], 0.065, []),
        (HEAD + "2027-01,Services,1.500,0.25\n", None, [1.5], 0.25, []),  # 0.25: a point
        # Decimal commas, read from the file's own numbers (and said in a note).
        (HEAD_SC + "2027-01;Services;1.234,56;6,5%\n", None, [1234.56], 0.065, ["decimal comma"]),
        (HEAD_SC + "2027-01;Services;1.500;0,5\n", None, [1500], 0.5, ["decimal comma"]),
        (HEAD_SC + "2027-01;Services;1 234,5;\n", None, [1234.5], None, ["decimal comma"]),
        (HEAD_SC + "2027-01;Services;1\u202f234\u00a0€;\n", None, [1234], None, []),
        # From the settings: nothing to work out, nothing to note.
        (HEAD_SC + "2027-01;Services;1.500;\n", TableDialect(decimal=","), [1500], None, []),
        (HEAD_SC + "2027-01;Services;1.500;\n", TableDialect(thousands="."), [1500], None, []),
        (HEAD + "2027-01,Services,1.500,\n", TableDialect(decimal="."), [1.5], None, []),
        # Spaces between thousands from the settings; the decimal comma from the file.
        (
            HEAD_SC + "2027-01;Services;1 234,5;\n",
            TableDialect(thousands=" "),
            [1234.5],
            None,
            ["decimal comma"],
        ),
        (HEAD + "2027-01,Services,1'234.5,\n", TableDialect(thousands="'"), [1234.5], None, []),
    ],
)
def test_numbers_as_the_file_or_the_settings_write_them(
    tmp_path, content, dialect, revenue, rate, said
):
    frame, problems = read(tmp_path, content, dialect=dialect)
    assert errors(problems) == []
    assert frame["revenue"].tolist() == pytest.approx(revenue)
    assert frame["rate"].iloc[0] == (pytest.approx(rate) if rate is not None else None)
    number_notes = [p.message for p in notes(problems) if "separated" not in p.message]
    assert len(number_notes) == len(said)
    for message, words in zip(number_notes, said, strict=True):
        assert words in message


def test_a_refused_number_is_invalid_and_the_others_are_read(tmp_path):
    frame, problems = read(
        tmp_path,
        HEAD
        + "2027-01,Services,1e308,\n2027-02,Services,5,\n2027-03,Services,-0,\n"
        + "2027-04,Services,1000000000000000,\n",  # the largest amount itself is read
    )
    assert [(p.row, p.column) for p in errors(problems)] == [(2, "revenue")]
    assert frame["revenue"].iloc[0] is INVALID
    assert frame["revenue"].tolist()[1:] == [5.0, 0.0, 1e15]


def test_a_whole_number_column_reads_its_marks_as_the_rest_of_the_file(tmp_path):
    content = "month;stream;revenue;priority\n2027-01;Services;1.234,5;1.000\n"
    frame, problems = read(tmp_path, content)
    assert errors(problems) == []
    assert frame["priority"].tolist() == [1000]
    assert type(frame["priority"].iloc[0]) is int


def test_a_large_column_is_read_at_once_as_its_cells_would_be(tmp_path):
    """The column-at-a-time machine and the cell-by-cell reader agree on a big file
    with a decimal comma, its thousands points, spaces and a few bad cells."""
    rows = []
    for i in range(3000):
        amount = f"{i * 1234.5:,.2f}".replace(",", " ").replace(".", ",")
        amount = amount.replace(" ", ".") if i % 3 else amount
        rate = f"{i % 100},5%" if i % 7 else ""
        rows.append(f"2027-01;S{i};{amount if i % 500 else 'n/a'};{rate}")
    frame, problems = read(tmp_path, HEAD_SC + "\n".join(rows) + "\n")
    bad = [(p.row, p.column) for p in errors(problems)]
    assert bad == [(2 + i, "revenue") for i in range(0, 3000, 500)]
    assert all(p.message == "expected a number, got 'n/a'" for p in errors(problems))
    revenue = frame["revenue"].tolist()
    assert revenue[1] == pytest.approx(1234.5) and revenue[2999] == pytest.approx(2999 * 1234.5)
    assert frame["rate"].tolist()[1] == pytest.approx(0.015)


# ----------------------------------------------------------------------------
# Encodings and delimiters
# ----------------------------------------------------------------------------

TEXT = HEAD + "2027-01,Tomás Aguilar,5,\n2027-02,Café Noël,6,\n"


@pytest.mark.parametrize(
    ("encoding", "said"),
    [
        ("utf-8", None),
        ("utf-8-sig", None),
        ("utf-16", "UTF-16"),
        ("utf-16-be", "UTF-16"),  # without a byte-order mark
        ("utf-32", "UTF-32"),
        ("cp1252", "Windows-1252"),
    ],
)
def test_encodings_are_read_and_said(tmp_path, encoding, said):
    data = TEXT.encode(encoding)
    if encoding == "utf-16-be":
        data = TEXT.encode("utf-16-le")
    frame, problems = read(tmp_path, data)
    assert errors(problems) == []
    assert frame["stream"].tolist() == ["Tomás Aguilar", "Café Noël"]
    assert frame["revenue"].tolist() == [5.0, 6.0]
    expected = (
        []
        if said is None
        else [Problem("plan.csv", f"read as {said} text (it is not UTF-8)", note=True)]
    )
    assert notes(problems) == expected


def test_a_utf8_mark_on_windows_1252_text(tmp_path):
    frame, problems = read(tmp_path, codecs.BOM_UTF8 + TEXT.encode("cp1252"))
    assert errors(problems) == [] and frame["stream"].tolist()[0] == "Tomás Aguilar"
    assert [p.message for p in notes(problems)] == ["read as Windows-1252 text (it is not UTF-8)"]


def test_a_utf16_file_with_a_big_endian_mark(tmp_path):
    frame, problems = read(tmp_path, codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"))
    assert errors(problems) == [] and frame["stream"].tolist()[0] == "Tomás Aguilar"


ENCODING_PROBLEMS = [
    Case(
        "neither-utf8-nor-windows-1252",
        HEAD.encode() + b"2027-01,\x81\x8d,5,\n",
        None,
        None,
        ("neither UTF-8 nor Windows-1252", "CSV UTF-8"),
    ),
    Case(
        "a-utf16-mark-on-bytes-that-are-not",
        codecs.BOM_UTF16_LE + b"m\x00o\x00\x00\xd8",
        None,
        None,
        ("UTF-16",),
    ),
    Case(
        "a-workbook-named-csv",
        b"PK\x03\x04\x14\x00rest",
        None,
        None,
        ("excel workbook", "plan.xlsx"),
    ),
    Case("an-xls-named-csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", None, None, (".xls",)),
    Case("an-empty-file", b"", None, None, ("empty", "header", "month, stream, revenue")),
    Case("only-blank-lines", "\n \n\t\n", None, None, ("empty",)),
]


@pytest.mark.parametrize("case", ENCODING_PROBLEMS, ids=[c.id for c in ENCODING_PROBLEMS])
def test_text_that_cannot_be_read_says_why(tmp_path, case):
    frame, _ = read(tmp_path, case.content)
    assert frame is None
    check(tmp_path, case)


CSV_UTF8 = "save it from the spreadsheet as CSV UTF-8"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            HEAD.encode() + b"2027-01,\x81\x8d,5,\n",
            f"is neither UTF-8 nor Windows-1252 text (byte {len(HEAD) + 9} is 0x81): {CSV_UTF8}",
        ),
        (
            codecs.BOM_UTF8 + HEAD.encode() + b"2027-01,\x81\x8d,5,\n",
            f"is neither UTF-8 nor Windows-1252 text (byte {len(HEAD) + 12} is 0x81): {CSV_UTF8}",
        ),
        (
            codecs.BOM_UTF16_LE + b"m\x00o\x00\x00\xd8",
            f"starts as UTF-16 text does, but is not UTF-16 text throughout (byte 7): {CSV_UTF8}",
        ),
    ],
    ids=["undefined-byte", "undefined-byte-after-a-utf8-mark", "a-cut-utf16-character"],
)
def test_the_byte_that_cannot_be_read_is_counted_from_1(tmp_path, content, message):
    """The first byte is byte 1, the byte-order mark included, as a person counts."""
    frame, problems = read(tmp_path, content)
    assert frame is None
    assert problems == [Problem("plan.csv", message)]


@pytest.mark.parametrize(
    "content",
    [b"id: \x81\n", codecs.BOM_UTF8 + b"id: \x81\n", codecs.BOM_UTF16_LE + b"i\x00\x00\xd8"],
    ids=["undefined-byte", "undefined-byte-after-a-utf8-mark", "a-cut-utf16-character"],
)
def test_a_table_and_the_settings_say_the_same_of_bytes_that_are_not_text(tmp_path, content):
    _, [table] = read(tmp_path, content)
    (tmp_path / "settings.yaml").write_bytes(content)
    _, [settings] = read_text(tmp_path / "settings.yaml")
    advice = "save it as UTF-8 text"
    assert table.message.endswith(CSV_UTF8) and settings.message.endswith(advice)
    assert table.message.removesuffix(CSV_UTF8) == settings.message.removesuffix(advice)


@pytest.mark.parametrize(("delimiter", "said"), [(",", None), (";", "semicolons"), ("\t", "tabs")])
def test_the_delimiter_comes_from_the_header(tmp_path, delimiter, said):
    content = TEXT.replace(",", delimiter)
    frame, problems = read(tmp_path, content)
    assert errors(problems) == []
    assert frame["stream"].tolist() == ["Tomás Aguilar", "Café Noël"]
    expected = [] if said is None else [f"values separated by {said}"]
    assert [p.message for p in notes(problems)] == expected


def test_a_semicolon_file_read_as_windows_1252_says_both(tmp_path):
    _, problems = read(tmp_path, TEXT.replace(",", ";").encode("cp1252"))
    assert notes(problems) == [
        Problem(
            "plan.csv",
            "read as Windows-1252 text (it is not UTF-8); values separated by semicolons",
            note=True,
        )
    ]


def test_a_sep_line_names_the_delimiter_and_is_no_row(tmp_path):
    _, problems = read(tmp_path, "sep=;\n" + HEAD_SC + "2027-01;Services;abc;\n")
    assert [(p.row, p.column) for p in errors(problems)] == [(2, "revenue")]


def test_blank_lines_above_the_header_keep_their_numbers(tmp_path):
    _, problems = read(tmp_path, "\n\n" + HEAD + "2027-01,Services,abc,\n")
    assert [(p.row, p.column, p.message) for p in errors(problems)] == [
        (4, "revenue", "expected a number, got 'abc'")
    ]


def test_another_delimiter_is_named_with_the_missing_columns(tmp_path):
    _, problems = read(tmp_path, "month|stream|revenue\n2027-01|Services|5\n")
    found = errors(problems)
    assert (found[0].row, found[0].column) == (1, None)
    assert "'|'" in found[0].message and "commas, semicolons or tabs" in found[0].message
    assert [(p.row, p.column, p.message) for p in found[1:]] == [
        (1, "month", "missing column"),
        (1, "stream", "missing column"),
        (1, "revenue", "missing column"),
    ]


# ----------------------------------------------------------------------------
# Rows with more values than the header; quotes
# ----------------------------------------------------------------------------


def test_an_unquoted_comma_is_one_problem_for_its_row(tmp_path):
    content = (
        HEAD
        + "2027-01,Services,5,\n"
        + "2027-02,Insurance, liability,1600,\n"
        + "2027-03,Services,abc,\n"
    )
    frame, problems = read(tmp_path, content)
    found = errors(problems)
    assert [(p.file, p.row, p.column) for p in found] == [
        ("plan.csv", 3, None),
        ("plan.csv", 4, "revenue"),
    ]
    assert "5 values where the header has 4" in found[0].message
    assert "comma without quotes" in found[0].message and "quotes" in found[0].message
    in_file = ["month", "stream", "revenue", "rate"]
    assert frame.loc[3, in_file].tolist() == [INVALID] * 4  # so no follow-on problems
    assert frame.loc[2, "revenue"] == 5.0


def test_an_unquoted_semicolon_names_the_semicolon(tmp_path):
    content = HEAD_SC + "2027-01;Services;5;\n2027-02;Insurance; liability;1600;\n"
    check(tmp_path, Case("semicolon", content, 3, None, ("semicolon without quotes",)))


def test_many_long_rows_are_named_and_counted(tmp_path):
    content = HEAD + "".join(f"2027-01,S {i},x,5,6\n" for i in range(25))
    _, problems = read(tmp_path, content)
    found = errors(problems)
    assert [p.row for p in found[:10]] == list(range(2, 12))
    assert len(found) == 11 and found[10].row is None
    assert found[10].message.startswith("15 more rows have more values than the header: rows 12,")


def test_a_delimiter_at_the_end_of_every_line_is_no_problem(tmp_path):
    frame, problems = read(tmp_path, HEAD + "2027-01,Services,5,,\n2027-02,Services,6,, \n")
    assert errors(problems) == []
    assert frame["revenue"].tolist() == [5.0, 6.0]


def test_a_value_moved_over_an_empty_cell_is_still_a_long_row(tmp_path):
    content = HEAD + "2027-01,Services,5,\n2027-02,Insurance, liability,1600,\n2027-03,S,7,\n"
    check(tmp_path, Case("moved", content, 3, None, ("5 values where the header has 4",)))


def test_a_quote_that_never_closes(tmp_path):
    content = HEAD + '2027-01,Services,5,\n2027-02,"Services,6,\n2027-03,Services,7,\n'
    frame, _ = read(tmp_path, content)
    assert frame is None
    check(tmp_path, Case("quote", content, 3, None, ("never ends", "quote mark")))


def test_quoted_values_may_hold_the_delimiter_and_line_breaks(tmp_path):
    content = HEAD + '2027-01,"Services, managed",5,\n2027-02,"Two\nlines",6,\n2027-03,S,x,\n'
    frame, problems = read(tmp_path, content)
    found = errors(problems)
    assert [(p.row, p.column) for p in found] == [(3, "stream"), (4, "revenue")]
    assert "\\n" in found[0].message  # a line break in a name is shown, and refused
    assert frame["stream"].iloc[0] == "Services, managed"


# ----------------------------------------------------------------------------
# Headers equal after normalising
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        ("month,stream,Revenue,revenue ", "'Revenue' and 'revenue '"),
        ("month,stream,revenue,revenue", "'revenue' and 'revenue'"),
        ("Month,stream,revenue,MONTH,month", "'Month' and 'MONTH' and 'month'"),
    ],
)
def test_headers_equal_after_normalising_are_one_problem(tmp_path, header, shown):
    column = "month" if "MONTH" in header else "revenue"
    row = ",".join(["2027-01", "Services", "5", "6", "7"][: header.count(",") + 1])
    frame, problems = read(tmp_path, header + "\n" + row + "\n")
    found = errors(problems)
    assert [(p.file, p.row, p.column) for p in found] == [("plan.csv", 1, column)]
    assert shown in found[0].message and "keep one" in found[0].message
    assert frame[column].iloc[0] is INVALID


def test_equal_headers_the_table_does_not_use_are_left_alone(tmp_path):
    _, problems = read(tmp_path, "month,stream,revenue,Notes,notes\n2027-01,S,5,a,b\n")
    assert errors(problems) == []


# ----------------------------------------------------------------------------
# Excel workbooks
# ----------------------------------------------------------------------------


def workbook(folder: Path, rows: list[list], name: str = "plan.xlsx") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(folder / name)
    return folder / name


def read_workbook(folder: Path, dialect=None):
    fname, raw, problems = read_raw(folder, SPEC)
    assert fname == "plan.xlsx"
    if raw is None:
        return None, problems
    frame, found = parse_table(fname, raw, SPEC, dialect)
    return frame, problems + found


def test_a_formula_without_a_saved_value_is_not_an_empty_cell(tmp_path):
    workbook(
        tmp_path,
        [
            ["month", "stream", "revenue"],
            ["2027-01", "Services", 1000],
            ["2027-02", "Services", "=C2*2"],  # openpyxl saves no value for it
        ],
    )
    frame, problems = read_workbook(tmp_path)
    found = errors(problems)
    assert [(p.file, p.row, p.column) for p in found] == [("plan.xlsx", 3, "revenue")]
    message = found[0].message
    assert "formula with no saved value" in message and "=C2*2" in message
    assert "save it" in message and "type the value" in message
    assert "empty" not in message
    assert frame["revenue"].tolist() == [1000.0, INVALID]


def test_a_workbooks_numbers_carry_no_decimal_mark(tmp_path):
    # The workbook's numbers are numbers whatever the decimal mark of its text cells.
    workbook(
        tmp_path,
        [
            ["Month", "Stream", "Revenue", "Rate", "Priority"],
            ["2027-01", "Services", 1234.5, 0.065, 2],
            ["2027-02", "Services", "1.234,5", "6,5%", 3.0],
            ["2027-03", "Services", -5, 2, None],
        ],
    )
    frame, problems = read_workbook(tmp_path)
    assert [(p.row, p.column, p.message) for p in errors(problems)] == [
        (4, "revenue", "expected an amount of 0 or more, got '-5'"),
        (4, "rate", "expected a fraction from 0 to 1 (or 0% to 100%), got '2'"),
    ]
    assert frame["revenue"].tolist()[:2] == [1234.5, 1234.5]
    assert frame["rate"].tolist()[:2] == pytest.approx([0.065, 0.065])
    assert frame["priority"].tolist()[:2] == [2, 3]


def test_rows_are_numbered_as_the_sheet_numbers_them(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B3"], sheet["C3"], sheet["D3"] = "month", "stream", "revenue"
    sheet["B5"], sheet["C5"], sheet["D5"] = "2027-01", "Services", "abc"
    book.save(tmp_path / "plan.xlsx")
    _, problems = read_workbook(tmp_path)
    assert [(p.row, p.column) for p in errors(problems)] == [(5, "revenue")]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04 cut short", ("not a readable excel workbook", "save it again")),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old", ("not a readable excel workbook", ".xls")),
        (b"month,stream,revenue\n", ("not a readable excel workbook", "not a workbook")),
    ],
)
def test_a_file_that_is_not_a_workbook(tmp_path, content, words):
    (tmp_path / "plan.xlsx").write_bytes(content)
    frame, problems = read_workbook(tmp_path)
    assert frame is None
    assert [(p.file, p.row, p.column) for p in problems] == [("plan.xlsx", None, None)]
    for word in words:
        assert word in problems[0].message.lower()
    assert "engine" not in problems[0].message


def test_an_empty_workbook(tmp_path):
    workbook(tmp_path, [])
    frame, problems = read_workbook(tmp_path)
    assert frame is None and "is empty" in problems[0].message


# ----------------------------------------------------------------------------
# Links out of the folder
# ----------------------------------------------------------------------------


def test_a_link_to_a_file_outside_the_folder_is_refused(tmp_path):
    folder = tmp_path / "client"
    folder.mkdir()
    (tmp_path / "elsewhere.csv").write_text(HEAD + "2027-01,Services,5,\n", encoding="utf-8")
    (folder / "plan.csv").symlink_to(tmp_path / "elsewhere.csv")
    _, raw, problems = read_raw(folder, SPEC)
    assert raw is None
    assert [(p.file, p.row, p.column) for p in problems] == [("plan.csv", None, None)]
    assert "outside the client folder" in problems[0].message


def test_a_folder_reached_through_a_link_is_read(tmp_path):
    folder = tmp_path / "client"
    folder.mkdir()
    (folder / "data").mkdir()
    (folder / "data" / "plan.csv").write_text(HEAD + "2027-01,Services,5,\n", encoding="utf-8")
    (folder / "plan.csv").symlink_to(folder / "data" / "plan.csv")
    (tmp_path / "alias").symlink_to(folder)
    for where in (folder, tmp_path / "alias"):
        _, raw, problems = read_raw(where, SPEC)
        assert problems == [] and len(raw) == 1


def test_a_link_to_nothing(tmp_path):
    (tmp_path / "plan.csv").symlink_to(tmp_path / "gone.csv")
    _, raw, problems = read_raw(tmp_path, SPEC)
    assert raw is None and "does not exist" in problems[0].message


def test_a_folder_named_as_a_table(tmp_path):
    (tmp_path / "plan.csv").mkdir()
    _, raw, problems = read_raw(tmp_path, SPEC)
    assert raw is None and "not a file" in problems[0].message


# ----------------------------------------------------------------------------
# Tables without rows
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("content", [HEAD, HEAD + "\n,,,\n  ,\n"])
def test_a_required_table_with_a_header_and_no_rows(tmp_path, content):
    check(tmp_path, Case("no-rows", content, None, None, ("has no rows", "planned revenue")))


def test_an_optional_table_may_have_no_rows(tmp_path):
    (tmp_path / "extra.csv").write_text(HEAD, encoding="utf-8")
    _, raw, problems = read_raw(tmp_path, OPTIONAL)
    assert problems == [] and len(raw) == 0


# ----------------------------------------------------------------------------
# Invisible characters in text
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Elena\x07Sorensen", "\\x07"),
        ("Elena\tSorensen", "\\t"),
        ("Elena\x00Sorensen", "\\x00"),
        ("Elena\x1bSorensen", "\\x1b"),
        ("Elena\x85Sorensen", "\\x85"),
        ("Elena\u200bSorensen", "\\u200b"),
        ("Elena\u202eSorensen", "\\u202e"),
        ("Elena Sorensen\ufeff", "\\ufeff"),
        ("Elena\u00adSorensen", "\\xad"),
    ],
)
def test_invisible_characters_in_text_are_refused_and_shown(tmp_path, name, shown):
    content = HEAD + f'2027-01,"{name}",5,\n'
    problem = check(tmp_path, Case("invisible", content, 2, "stream", (shown, "delete it")))
    assert "character 6" in problem.message or "character 15" in problem.message


@pytest.mark.parametrize(
    "name",
    [
        "  Elena Sorensen\t",
        "Dra\u017een Ili\u0107",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645",
        "Elena\u00a0Sorensen",
    ],
)
def test_text_that_is_only_unusual_is_kept(tmp_path, name):
    frame, problems = read(tmp_path, HEAD + f'2027-01,"{name}",5,\n')
    assert errors(problems) == []
    assert frame["stream"].iloc[0] == name.strip()


def test_a_column_of_names_is_checked_at_once_as_its_cells_would_be(tmp_path):
    names = [f"Rep {i}" for i in range(2000)]
    names[700] = "Rep\x0c700"
    names[1500] = "R\u00e9p 1500"  # printable, not ASCII
    content = HEAD + "".join(f"2027-01,{n},5,\n" for n in names)
    frame, problems = read(tmp_path, content)
    assert [(p.row, p.column) for p in errors(problems)] == [(702, "stream")]
    assert frame["stream"].iloc[1500] == "R\u00e9p 1500"


# ----------------------------------------------------------------------------
# Months
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["0000-01", "1899-12", "2200-01"])
def test_a_month_in_no_plans_year(tmp_path, month):
    check(tmp_path, Case("year", HEAD + f"{month},Services,5,\n", 2, "month", ("year from 1900",)))


# ----------------------------------------------------------------------------
# Whatever the file, a table and its problems
# ----------------------------------------------------------------------------

SMALL = TableSpec(
    "fuzz",
    (
        Column("month", parse_month),
        Column("name", parse_text),
        Column("amount", parse_money),
        Column("rate", parse_fraction, required=False, needs_value=False),
        Column("priority", parse_integer, required=False, needs_value=False),
    ),
)
CELL = st.one_of(
    st.text(
        alphabet=st.sampled_from([*"0123456789.,;-$%' e\"\t\r\n", "€", "\u00a0", "\x00", "é"]),
        max_size=10,
    ),
    st.sampled_from(["2027-01", "2027-13", "1,500", "1.500", "6,5%", "12.5", "1e308", "inf", ""]),
    st.text(max_size=6),
)
CSV_TEXT = st.builds(
    lambda header, rows, sep, end: end.join(sep.join(r) for r in [header, *rows]),
    st.lists(
        st.sampled_from(["month", "name", "amount", "Amount ", "rate", "priority", "x", ""]),
        max_size=6,
    ),
    st.lists(st.lists(CELL, max_size=7), max_size=8),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
DIALECTS = st.sampled_from(
    [
        None,
        TableDialect(),
        TableDialect(decimal=","),
        TableDialect(thousands=" "),
        TableDialect(decimal=".", thousands=""),
    ]
)


def _read_anything(data: bytes, suffix: str, dialect) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / f"fuzz.{suffix}").write_bytes(data)
        name, raw, problems = read_raw(folder, SMALL)
        assert name == f"fuzz.{suffix}"
        assert isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)
        if raw is None:
            assert any(not p.note for p in problems)
            return
        assert isinstance(raw, pd.DataFrame)
        frame, found = parse_table(name, raw, SMALL, dialect)
        assert isinstance(frame, pd.DataFrame) and list(frame.columns) == [
            c.name for c in SMALL.columns
        ]
        assert list(frame.index) == list(raw.index)
        assert isinstance(found, list) and all(isinstance(p, Problem) for p in found)
        for value in frame["amount"].tolist():
            assert (
                value is None
                or value is INVALID
                or (isinstance(value, float) and math.isfinite(value) and 0 <= value <= 1e15)
            )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300), dialect=DIALECTS)
def test_random_bytes_give_a_table_and_problems(data, dialect):
    _read_anything(data, "csv", dialect)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=CSV_TEXT,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    dialect=DIALECTS,
)
def test_random_csv_text_gives_a_table_and_problems(text, encoding, dialect):
    _read_anything(text.encode(encoding, "replace"), "csv", dialect)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=200))
def test_random_bytes_as_a_workbook_give_problems(data):
    _read_anything(b"PK\x03\x04" + data, "xlsx", None)


WORKBOOK_CELL = st.one_of(
    st.none(),
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(["=A1*2", "=SUM(C2:C3)", "#N/A", "2027-01", "1.500", "6,5%", "  "]),
    CELL.filter(lambda s: not ILLEGAL_CHARACTERS_RE.search(s)),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(
        st.sampled_from(["month", "name", "Amount", "rate", "priority", None]), max_size=6
    ),
    rows=st.lists(st.lists(WORKBOOK_CELL, max_size=7), max_size=6),
)
def test_random_workbooks_give_a_table_and_problems(header, rows):
    book = openpyxl.Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    _read_anything(data.getvalue(), "xlsx", None)


# ----------------------------------------------------------------------------
# A client folder whose settings say how its tables write numbers
# ----------------------------------------------------------------------------


def _european(folder: Path) -> None:
    """The sample's revenue plan as a German spreadsheet saves it: semicolons between
    values, a point between thousands and a decimal comma (123.500,00)."""
    path = folder / "revenue_plan.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [lines[0].replace(",", ";")]
    for line in lines[1:]:
        month, stream, revenue = line.split(",")
        out.append(f"{month};{stream};{int(revenue):,}.00".replace(",", ".")[:-3] + ",00")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _crm_in_points(folder: Path) -> None:
    """The CRM's exports keep the decimal point their system writes: crm.tables says so."""
    path = folder / "settings.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("\ncrm:", "\ncrm:\n  tables: {decimal: '.', thousands: ''}", 1),
        encoding="utf-8",
    )


def test_a_client_whose_settings_name_the_decimal_comma(tmp_path):
    folder = Path(shutil.copytree(SAMPLE_CLIENT, tmp_path / "client"))
    _european(folder)
    with (folder / "settings.yaml").open("a", encoding="utf-8") as f:
        f.write("\ntables:\n  decimal: ','\n  thousands: '.'\n")
    _crm_in_points(folder)
    assert validate(folder) == []
    checked = check_folder(folder)
    assert [p.message for p in checked.notes if p.file == "revenue_plan.csv"] == [
        "values separated by semicolons"
    ]
    got = load_client(folder).revenue_plan
    assert got.equals(load_client(SAMPLE_CLIENT).revenue_plan)


def test_a_client_whose_numbers_need_the_setting(tmp_path):
    # Every amount is a whole number of thousands, 123.500,00 minus its cents: each
    # could be 123.5 or 123500, and nothing in the file tells which.
    folder = Path(shutil.copytree(SAMPLE_CLIENT, tmp_path / "client"))
    _european(folder)
    path = folder / "revenue_plan.csv"
    path.write_bytes(path.read_bytes().replace(b",00\n", b"\n"))
    problems = [p for p in validate(folder) if p.file == "revenue_plan.csv"]
    assert [(p.row, p.column) for p in problems] == [(2, "revenue")]
    assert "could be 123.5 or 123500" in problems[0].message
    assert "tables: {decimal: ',', thousands: '.'}" in problems[0].message
    with (folder / "settings.yaml").open("a", encoding="utf-8") as f:
        f.write("\ntables: {decimal: ',', thousands: '.'}\n")
    _crm_in_points(folder)
    assert validate(folder) == []
