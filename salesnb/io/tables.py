"""The cell-level table engine: read a CSV or Excel table and check every cell.

A table is described by a :class:`TableSpec` (its columns, each with a parser).
:func:`read_raw` reads it as cells indexed by spreadsheet row number (the header is
row 1, wholly blank rows keep their place in the numbering); :func:`parse_table`
parses every cell and returns one :class:`~salesnb.errors.Problem` per bad cell; a
cell that does not parse becomes :data:`INVALID`, which later checks skip, so one
bad cell never sets off follow-on problems. :func:`typed` gives the checked table
with number columns as floats.

The rules across rows (:func:`duplicates`, :func:`out_of_order`, :func:`gaps`)
work on parsed tables and name the row of each problem.

Files as real exports write them
--------------------------------
A CSV file is read as UTF-8 (with or without a byte-order mark), UTF-16 or UTF-32
(by its byte-order mark, or UTF-16 that plainly is), or else as Windows-1252, as the
settings file is (:mod:`salesnb.io._files`); its values are separated by commas,
semicolons or tabs, whichever the header row shows. Anything but UTF-8 and
commas is said in a note (a :class:`~salesnb.errors.Problem` with ``note=True``).
A row with more values than the header is one problem for that row (its cells are
:data:`INVALID`), never a table shifted by one column. An Excel workbook's first
sheet is read with openpyxl: its numbers stay numbers (they carry no decimal mark),
and a formula saved without its value is a problem, not an empty cell. A table that
is a link to a file outside the client folder is refused.

How a file writes numbers (its decimal mark and thousands separator) comes from
the settings (``tables: {decimal: ..., thousands: ...}``) or, where they leave it
open, from the file's own number cells: ``12.5`` and ``1,234.5`` show a decimal
point, ``12,5``, ``6,5%`` and ``1.234,5`` a decimal comma, and a comma-separated
file is taken to have a decimal point. Both in one file is a problem; so is a cell
such as ``1.500`` (1.5 or 1500?) in a file that shows neither. Digits must be
grouped in threes (``1,23,4`` is not a number), and no amount may go beyond
:data:`~salesnb._checks.LARGEST_AMOUNT`.

Whole columns at a time
-----------------------
A parser such as :func:`parse_money` reads one cell; CRM exports have millions, so
each of the parsers here also has a *vectorised* counterpart, its ``vectorised``
attribute, which reads a whole column of text cells with numpy and returns
``(values, ok)``: where ``ok`` is true the value is exactly what the parser gives
for that cell; where it is false (a cell that is bad, or written in a way the
counterpart does not read), :func:`parse_table` asks the parser itself, so the
value or the problem message is the parser's own. Bad cells are few, so a table
costs about a few passes of numpy over its text. A parser without a
``vectorised`` attribute (a :class:`Column` may carry any callable) is applied to
every cell, as before. The number parsers read the decimal-point convention on
their own; :func:`parse_table` reads number columns in the file's convention, with
the same state machine over the characters of every cell at once.

:func:`blank_cells`, :func:`empty_cells`, :func:`invalid_cells`,
:func:`identical_cells`, :func:`cell_codes` and :func:`cell_test` are the
column-at-a-time forms of :func:`is_blank`, :func:`is_empty`, ``v is INVALID``,
``v is obj``, "equal values" and "a test of each value", for the rules across rows
and tables.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from salesnb._checks import LARGEST_AMOUNT
from salesnb.errors import Problem
from salesnb.io._files import (
    DELIMITERS,
    HEAD_BYTES,
    LEADING_BLANK_LINES,
    NEWLINES,
    SEP_LINE,
    decode,
    encoding_of,
    first_record,
    present,
    refused,
)

try:  # what Series.map uses to give its result a dtype (typed() does the same)
    from pandas._libs.lib import maybe_convert_objects as _infer_dtype_of_objects
except ImportError:  # pragma: no cover - a pandas that moved it: typed() maps cell by cell
    _infer_dtype_of_objects = None

__all__ = [
    "INVALID",
    "CellError",
    "Column",
    "NumberDialect",
    "TableSpec",
    "blank_cells",
    "cell_codes",
    "cell_test",
    "choice",
    "duplicates",
    "empty_cells",
    "gaps",
    "identical_cells",
    "invalid_cells",
    "is_blank",
    "is_empty",
    "out_of_order",
    "parse_flag",
    "parse_fraction",
    "parse_integer",
    "parse_money",
    "parse_month",
    "parse_number",
    "parse_table",
    "parse_text",
    "read_raw",
    "typed",
]


class CellError(ValueError):
    """A cell that does not parse; the message says what was expected."""


class NumberDialect(Protocol):
    """How a file writes numbers (the settings' ``tables``): each None to work it out."""

    decimal: str | None  # "." or ","
    thousands: str | None  # "", ",", ".", " " or "'"


#: A vectorised parser: a 1-D object array of ``str`` cells in, ``(values, ok)`` out (a
#: new object array and a bool array of the same length). Where ``ok``, ``values`` holds
#: exactly what the per-cell parser returns; a cell that is empty or only whitespace is
#: never ``ok`` (it is an empty cell, which parse_table deals with).
ColumnParser = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


# ----------------------------------------------------------------------------
# Text
# ----------------------------------------------------------------------------

#: Characters no name, line, role or stream may hold: every control character
#: (Unicode category Cc, tab and line breaks included), the invisible ones that make
#: two names look the same (zero-width space, soft hyphen, word joiner, byte-order
#: mark) and those that reorder how text is shown (the bidirectional controls), and
#: the line and paragraph separators. The zero-width joiner and non-joiner stay
#: allowed: scripts such as Persian and Hindi need them.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2028\u2029\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def _escaped(char: str) -> str:
    r"""A character as Python would escape it: ``\x07``, ``\t``, ``\u200b``."""
    return char.encode("unicode_escape").decode("ascii")


def parse_text(value: str) -> str:
    s = value.strip()
    bad = _INVISIBLE.search(s)
    if bad is not None:
        char = bad.group()
        named = unicodedata.name(char, "")
        what = f"{_escaped(char)} ({named.lower()})" if named else _escaped(char)
        raise CellError(
            f"expected plain text, got {s!r}: character {bad.start() + 1} is the invisible "
            f"character {what}, which a report cannot show; delete it"
        )
    return s


# ----------------------------------------------------------------------------
# Numbers, one cell at a time
# ----------------------------------------------------------------------------

#: The shapes of a number cell, by the marks between its digits. Each shape is read
#: by some ways of writing numbers (a decimal mark and a thousands separator) and not
#: by others; the machine below and _number_shape tell them apart in the same way.
_NOT_A_NUMBER = 0
_WHOLE = 1  # 1500
_POINT_DECIMAL = 2  # 12.5  0.500  1234.5  .5  (only a decimal point reads it)
_COMMA_GROUPS = 3  # 1,234,567  1,234.5  (commas between thousands: a decimal point)
_COMMA_DECIMAL = 4  # 12,5  0,500  1234,5
_POINT_GROUPS = 5  # 1.234.567  1.234,5
_POINT_OR_GROUP = 6  # 1.500: 1.5, or 1500 with points between thousands
_COMMA_OR_GROUP = 7  # 1,500: 1500, or 1.5 with a decimal comma
_SPACE_GROUPS = 8  # 1 234 567  1'234'567
_SPACE_GROUPS_POINT = 9  # 1 234.5
_SPACE_GROUPS_COMMA = 10  # 1 234,5
_SHAPES = 11

#: Characters that may stand between thousands besides "," and "." (when the
#: thousands separator is not set to something else): spaces, no-break and narrow
#: no-break spaces (as French exports write them), and the apostrophe (Swiss).
_SPACES = " \u00a0\u202f"
_ALL_GROUPS = _SPACES + "'"


@dataclass(frozen=True)
class _Format:
    """How a file writes numbers: its decimal mark ("." or ",") and its thousands
    separator (None: "," or "." - whichever is not the decimal mark - or a space or
    an apostrophe)."""

    decimal: str
    thousands: str | None

    @property
    def groups(self) -> str:
        """The characters between digits read as thousands besides "," and "."."""
        if self.thousands is None:
            return _ALL_GROUPS
        return {" ": _SPACES, "'": "'"}.get(self.thousands, "")


def _accepted(decimal: str, thousands: str | None) -> frozenset[int]:
    """The shapes a way of writing numbers reads."""
    if decimal == ".":
        shapes = {_WHOLE, _POINT_DECIMAL, _POINT_OR_GROUP}
        if thousands in (None, ","):
            shapes |= {_COMMA_GROUPS, _COMMA_OR_GROUP}
        if thousands in (None, " ", "'"):
            shapes |= {_SPACE_GROUPS, _SPACE_GROUPS_POINT}
    else:
        shapes = {_WHOLE, _COMMA_DECIMAL, _COMMA_OR_GROUP}
        if thousands in (None, "."):
            shapes |= {_POINT_GROUPS, _POINT_OR_GROUP}
        if thousands in (None, " ", "'"):
            shapes |= {_SPACE_GROUPS, _SPACE_GROUPS_COMMA}
    return frozenset(shapes)


def _shape_table(shapes: frozenset[int] | set[int]) -> np.ndarray:
    table = np.zeros(_SHAPES, dtype=bool)
    table[list(shapes)] = True
    return table


#: The text float() reads, from a number cell of an accepted shape: without currency
#: signs, spaces, "%" and thousands separators, with its decimal mark as a point.
_AROUND = "$€£¥%" + _ALL_GROUPS
_TO_FLOAT = {
    ".": str.maketrans({c: None for c in "," + _AROUND}),
    ",": str.maketrans({**{c: None for c in "." + _AROUND}, ",": "."}),
}
#: The shapes whose text float() reads as it is, given the decimal mark (for a cell
#: with nothing around its digits).
_AS_IS = {
    ".": _shape_table({_WHOLE, _POINT_DECIMAL, _POINT_OR_GROUP}),
    ",": _shape_table({_WHOLE}),
}

_SPACED = _shape_table({_SPACE_GROUPS, _SPACE_GROUPS_POINT, _SPACE_GROUPS_COMMA})

_US = _Format(".", ",")  # what the number parsers read on their own
_WORKBOOK = _Format(".", "")  # an Excel number cell, as excel_cell writes it

_CURRENCY_AT_ENDS = re.compile(r"^[$€£¥]|[$€£¥]$")
_NUMBER = re.compile(
    r"([-+]?)([0-9][0-9.,' \u00a0\u202f]*[0-9]|[0-9]|[.,][0-9]+|[0-9]+[.,])([eE][-+]?[0-9]+)?"
)
_DIGITS = re.compile(r"[0-9]+")
_PLAIN_POINT = re.compile(r"[0-9]*\.[0-9]+|[0-9]+\.")
_PLAIN_COMMA = re.compile(r"[0-9]*,[0-9]+|[0-9]+,")
_ONE_POINT_GROUP = re.compile(r"(?!0\.)[0-9]{1,3}\.[0-9]{3}")
_ONE_COMMA_GROUP = re.compile(r"(?!0,)[0-9]{1,3},[0-9]{3}")
_COMMA_GROUPED = re.compile(r"(?!0,)[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_POINT_GROUPED = re.compile(r"(?!0\.)[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")


@functools.lru_cache(maxsize=8)
def _space_grouped(groups: str) -> re.Pattern[str]:
    g = re.escape(groups)
    return re.compile(rf"(?!0[{g}])[0-9]{{1,3}}(?:[{g}][0-9]{{3}})+([.,][0-9]+)?")


def _number_parts(text: str, percent: bool) -> tuple[str, str, str, bool] | None:
    """A number cell's sign, digits with their marks, exponent and whether it ends in
    "%" (only when ``percent``); None for a cell that is not written as a number."""
    s = text.strip()
    per_cent = percent and s.endswith("%")
    if per_cent:
        s = s[:-1]
    s = _CURRENCY_AT_ENDS.sub("", s.strip()).strip()
    m = _NUMBER.fullmatch(s)
    if m is None:
        return None
    return m.group(1), m.group(2), m.group(3) or "", per_cent


def _digits_shape(digits: str, exponent: bool, groups: str) -> int:
    """The shape of a number's digits and marks (see _WHOLE and the others)."""
    if _DIGITS.fullmatch(digits):
        return _WHOLE
    if exponent or digits[0] in ".," or digits[-1] in ".,":  # a mark there is a decimal
        if _PLAIN_POINT.fullmatch(digits):
            return _POINT_DECIMAL
        return _COMMA_DECIMAL if _PLAIN_COMMA.fullmatch(digits) else _NOT_A_NUMBER
    if _ONE_POINT_GROUP.fullmatch(digits):
        return _POINT_OR_GROUP
    if _ONE_COMMA_GROUP.fullmatch(digits):
        return _COMMA_OR_GROUP
    if _PLAIN_POINT.fullmatch(digits):
        return _POINT_DECIMAL
    if _PLAIN_COMMA.fullmatch(digits):
        return _COMMA_DECIMAL
    if _COMMA_GROUPED.fullmatch(digits):
        return _COMMA_GROUPS
    if _POINT_GROUPED.fullmatch(digits):
        return _POINT_GROUPS
    if groups:
        m = _space_grouped(groups).fullmatch(digits)
        if m is not None:
            mark = m.group(1)
            if not mark:
                return _SPACE_GROUPS
            return _SPACE_GROUPS_POINT if mark[0] == "." else _SPACE_GROUPS_COMMA
    return _NOT_A_NUMBER


def _number_shape(text: str, percent: bool, groups: str) -> tuple[int, bool]:
    """The shape of a cell and whether it ends in "%"; (0, False) for a cell that is
    not written as a number."""
    parts = _number_parts(text, percent)
    if parts is None:
        return _NOT_A_NUMBER, False
    _, digits, exponent, per_cent = parts
    shape = _digits_shape(digits, bool(exponent), groups)
    return shape, per_cent and shape != _NOT_A_NUMBER


_LIMIT = f"{LARGEST_AMOUNT:,.0f}"
_EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!"}
_MARK_NAMES = {".": "point", ",": "comma", " ": "space", "'": "apostrophe"}


def _decimal_of(shape: int) -> str | None:
    """The decimal mark a shape needs, if only one reads it."""
    if shape in (_POINT_DECIMAL, _COMMA_GROUPS, _SPACE_GROUPS_POINT):
        return "."
    if shape in (_COMMA_DECIMAL, _POINT_GROUPS, _SPACE_GROUPS_COMMA):
        return ","
    return None


def _not_read(shown: str, digits: str, exponent: str, shape: int, fmt: _Format) -> str:
    """Why a cell written with digits is not a number in this file's way of writing."""
    if shape == _NOT_A_NUMBER:
        if not fmt.groups and _digits_shape(digits, bool(exponent), _ALL_GROUPS) in (
            _SPACE_GROUPS,
            _SPACE_GROUPS_POINT,
            _SPACE_GROUPS_COMMA,
        ):
            return (
                f"expected a number, got {shown!r}: to read spaces or apostrophes between "
                "thousands, say so in settings.yaml, e.g. tables: {thousands: ' '}"
            )
        if any(c in digits for c in ".," + _ALL_GROUPS):
            return (
                f"expected a number, got {shown!r}: a thousands separator goes between "
                "groups of three digits (1,234,567 or 1.234.567) and a number has one "
                "decimal mark"
            )
        return f"expected a number, got {shown!r}"
    needs = _decimal_of(shape)
    if needs is not None and needs != fmt.decimal:
        mark = _MARK_NAMES[fmt.decimal]
        return (
            f"expected a number with a decimal {mark}, got {shown!r}: the file's numbers are "
            f"read with a decimal {mark} (settings.yaml can say otherwise: "
            f"tables: {{decimal: '{needs}'}})"
        )
    if fmt.thousands == "":
        return (
            f"expected a number without thousands separators, as settings.yaml says "
            f"(tables: thousands); got {shown!r}"
        )
    mark = _MARK_NAMES.get(fmt.thousands or "", repr(fmt.thousands))
    return (
        f"expected a number with a {mark} between thousands, as settings.yaml says "
        f"(tables: thousands); got {shown!r}"
    )


def _read_number(text: str, check: str, fmt: _Format) -> float | int:
    """One number cell, written in ``fmt``, as ``check`` ("number", "money", "fraction"
    or "integer") wants it; CellError with the reason otherwise."""
    shown = text.strip()
    parts = _number_parts(text, check == "fraction")
    if parts is None:
        word = shown.lower().lstrip("+-")
        if word in ("inf", "infinity", "nan"):
            raise CellError(
                f"expected a finite number, at most {_LIMIT} either side of zero; got {shown!r}"
            )
        if shown.upper() in _EXCEL_ERRORS:
            raise CellError(
                f"expected a number, got {shown!r}: the spreadsheet shows an error there; "
                "correct the formula that gives it"
            )
        raise CellError(f"expected a number, got {shown!r}")
    sign, digits, exponent, per_cent = parts
    shape = _digits_shape(digits, bool(exponent), fmt.groups)
    if shape not in _accepted(fmt.decimal, fmt.thousands):
        raise CellError(_not_read(shown, digits, exponent, shape, fmt))
    number = float(sign + digits.translate(_TO_FLOAT[fmt.decimal]) + exponent)
    if per_cent:
        number = number / 100
    return _checked(number, check, shown)


def _checked(number: float, check: str, shown: str) -> float | int:
    if check == "fraction":
        if not 0.0 <= number <= 1.0:
            raise CellError(f"expected a fraction from 0 to 1 (or 0% to 100%), got {shown!r}")
        return number
    if not abs(number) <= LARGEST_AMOUNT:
        raise CellError(f"expected a number of at most {_LIMIT} either side of zero, got {shown!r}")
    if check == "money" and number < 0:
        raise CellError(f"expected an amount of 0 or more, got {shown!r}")
    if check == "integer":
        if number != int(number) or number < 1:
            raise CellError(f"expected a whole number of 1 or more, got {shown!r}")
        return int(number)
    return number


def parse_number(value: str) -> float:
    """A number written with a decimal point (and commas, spaces or apostrophes between
    thousands, a currency sign at either end); at most LARGEST_AMOUNT either side of 0."""
    return float(_read_number(value, "number", _US))


def parse_money(value: str) -> float:
    return float(_read_number(value, "money", _US))


def parse_fraction(value: str) -> float:
    return float(_read_number(value, "fraction", _US))


def parse_integer(value: str) -> int:
    return int(_read_number(value, "integer", _US))


_FIRST_YEAR, _LAST_YEAR = 1900, 2199


def parse_month(value: str) -> pd.Period:
    s = value.strip()
    m = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[ T]00:00:00)?$", s)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise CellError(f"expected a month as YYYY-MM, got {s!r}")
    if not _FIRST_YEAR <= int(m.group(1)) <= _LAST_YEAR:
        raise CellError(
            f"expected a month as YYYY-MM with a year from {_FIRST_YEAR} to {_LAST_YEAR}, got {s!r}"
        )
    if m.group(3):
        try:
            dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise CellError(f"expected a real date, got {s!r}") from None
    return pd.Period(f"{m.group(1)}-{m.group(2)}", freq="M")


TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0"}


def parse_flag(value: str) -> bool:
    s = value.strip().lower()
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    raise CellError(f"expected yes or no, got {value.strip()!r}")


def choice(*options: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        s = value.strip().lower()
        if s not in options:
            raise CellError(f"expected one of {', '.join(options)}; got {value.strip()!r}")
        return s

    parse.vectorised = _once_per_distinct_text(parse)  # type: ignore[attr-defined]
    return parse


# ----------------------------------------------------------------------------
# The vectorised counterparts of the parsers
# ----------------------------------------------------------------------------


def _text_column(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values = np.fromiter(map(str.strip, cells), dtype=object, count=len(cells))
    ok = np.asarray(values != "", dtype=bool)
    if len(values) and not "".join(values.tolist()).isprintable():  # rare: look closer
        odd = np.flatnonzero(~np.fromiter(map(str.isprintable, values), bool, len(values)))
        for i in odd.tolist():
            if _INVISIBLE.search(values[i]):
                ok[i] = False  # parse_text gives the message
    return values, ok


def _once_per_distinct_text(parse: Callable[[str], Any]) -> ColumnParser:
    """A column parser that calls ``parse`` once per distinct text (for a pure parser
    of a column with few distinct values: months, flags, choices)."""

    def column(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        codes, uniques = pd.factorize(cells)
        values = np.empty(len(uniques), dtype=object)
        ok = np.zeros(len(uniques), dtype=bool)
        for i, text in enumerate(uniques):
            if not text.strip():
                continue  # an empty cell: the per-cell path reports it
            try:
                values[i] = parse(text)
            except CellError:
                continue  # the per-cell path gives the message
            ok[i] = True
        return values[codes], ok[codes]

    return column


# A number cell as a state machine over its characters, run on every cell of a column
# at once. It reads a plain subset of what _read_number reads - spaces, one currency
# sign before or after, "-", digits with their marks, "%" at the end - and tells the
# shape of each cell (_number_shape's answer) from its last state. The cell, without
# what lies around its digits and its thousands separators, with its decimal mark as a
# point, is the very text _read_number gives float(), so float() of it is its value.
# Anything else (and a cell of more than _MAX_CHARS characters) goes to _number_shape
# and the per-cell parser.
_C_OTHER, _C_SPACE, _C_DIGIT, _C_ZERO, _C_COMMA, _C_POINT = range(6)
_C_MINUS, _C_CURRENCY, _C_PERCENT, _C_GROUP = range(6, 10)
_CLASS = np.full(257, _C_OTHER, dtype=np.uint8)  # by code point; 256: every one above 255
_CLASS[[ord(" "), 0xA0]] = _C_SPACE
_CLASS[ord("1") : ord("9") + 1] = _C_DIGIT
_CLASS[ord("0")] = _C_ZERO
_CLASS[ord(",")] = _C_COMMA
_CLASS[ord(".")] = _C_POINT
_CLASS[ord("-")] = _C_MINUS
_CLASS[[ord("$"), ord("£"), ord("¥")]] = _C_CURRENCY
_CLASS[ord("%")] = _C_PERCENT
_ASCII_CLASS = _CLASS[:128].tobytes() + bytes([_C_OTHER]) * 128  # for bytes.translate
_WIDE_CLASS = {ord("€"): _C_CURRENCY, 0x202F: _C_SPACE}  # above 255
_MAX_CHARS = 64


def _number_machine() -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The shape machine: its transitions (indexed by ``16 * state + class``, giving
    ``16 * next state``; state 0 rejects), the shape of a cell that ends in each state
    (0: not a number), which states come after "%", and the start state."""
    ids: dict[str, int] = {"no": 0, "start": 1}
    moves: dict[str, dict[int, str]] = {}
    ends: dict[str, int] = {}

    def move(a: str, cls: int, b: str) -> None:
        ids.setdefault(a, len(ids))
        ids.setdefault(b, len(ids))
        moves.setdefault(a, {})[cls] = b

    def digits(a: str, b: str) -> None:
        move(a, _C_DIGIT, b)
        move(a, _C_ZERO, b)

    # Before the number: spaces, a currency sign (and spaces), a minus.
    for a in ("start", "lead"):
        move(a, _C_SPACE, "lead")
        move(a, _C_CURRENCY, "sign")
        move(a, _C_MINUS, "minus")
    move("sign", _C_SPACE, "sign")
    move("sign", _C_MINUS, "minus")
    for a in ("start", "lead", "sign", "minus"):
        move(a, _C_ZERO, "zero")  # a lone 0 never starts a group: 0,5 and 0.500 are decimals
        move(a, _C_DIGIT, "w1")
    # The whole part: wN after N digits (w4: four or more, too many for a group).
    for a, b in (("zero", "w2"), ("w1", "w2"), ("w2", "w3"), ("w3", "w4"), ("w4", "w4")):
        digits(a, b)
    for a in ("zero", "w1", "w2", "w3", "w4"):
        ends[a] = _WHOLE
    for a in ("zero", "w4"):
        move(a, _C_COMMA, "comma_decimal0")
        move(a, _C_POINT, "point_decimal0")
    for a in ("w1", "w2", "w3"):
        move(a, _C_COMMA, "comma1_0")
        move(a, _C_POINT, "point1_0")
        move(a, _C_GROUP, "space_0")
    # After a first comma (or point): three digits leave it open (1,500), fewer or
    # more make it a decimal mark; a second one makes both thousands separators, and
    # the other mark after them is the decimal mark.
    for mark, cls, other, decimal, grouped, either in (
        ("comma", _C_COMMA, _C_POINT, _COMMA_DECIMAL, _COMMA_GROUPS, _COMMA_OR_GROUP),
        ("point", _C_POINT, _C_COMMA, _POINT_DECIMAL, _POINT_GROUPS, _POINT_OR_GROUP),
    ):
        for k in range(3):
            digits(f"{mark}1_{k}", f"{mark}1_{k + 1}")
            digits(f"{mark}n_{k}", f"{mark}n_{k + 1}")
        digits(f"{mark}1_3", f"{mark}_decimal")
        digits(f"{mark}_decimal0", f"{mark}_decimal")
        digits(f"{mark}_decimal", f"{mark}_decimal")
        ends[f"{mark}1_1"] = ends[f"{mark}1_2"] = ends[f"{mark}_decimal"] = decimal
        ends[f"{mark}1_3"] = either
        for a in (f"{mark}1_3", f"{mark}n_3"):
            move(a, cls, f"{mark}n_0")
            move(a, other, f"{mark}_groups_decimal0")
        ends[f"{mark}n_3"] = grouped
        digits(f"{mark}_groups_decimal0", f"{mark}_groups_decimal")
        digits(f"{mark}_groups_decimal", f"{mark}_groups_decimal")
        ends[f"{mark}_groups_decimal"] = grouped
    # Spaces or apostrophes between thousands (the class _C_GROUP is given only to
    # such a character between two digits), then perhaps a decimal mark.
    for k in range(3):
        digits(f"space_{k}", f"space_{k + 1}")
    move("space_3", _C_GROUP, "space_0")
    ends["space_3"] = _SPACE_GROUPS
    for mark, cls, shape in (
        ("point", _C_POINT, _SPACE_GROUPS_POINT),
        ("comma", _C_COMMA, _SPACE_GROUPS_COMMA),
    ):
        move("space_3", cls, f"space_{mark}0")
        digits(f"space_{mark}0", f"space_{mark}")
        digits(f"space_{mark}", f"space_{mark}")
        ends[f"space_{mark}"] = shape
    # After the number: spaces, a currency sign (and spaces), "%" (and spaces); each
    # state remembers the shape of the number before it.
    after_percent = set()
    for body, shape in list(ends.items()):
        trail, sign, signed, pct = (f"{x}_{shape}" for x in ("trail", "sign", "signed", "pct"))
        for a in (body, trail):
            move(a, _C_SPACE, trail)
            move(a, _C_CURRENCY, sign)
        move(sign, _C_SPACE, signed)
        move(signed, _C_SPACE, signed)
        for a in (body, trail, sign, signed):
            move(a, _C_PERCENT, pct)
        move(pct, _C_SPACE, pct)
        for a in (trail, sign, signed, pct):
            ends[a] = shape
        after_percent.add(pct)
    table = np.zeros(16 * len(ids), dtype=np.uint16)
    for a, out in moves.items():
        for cls, b in out.items():
            table[16 * ids[a] + cls] = 16 * ids[b]
    shape_at = np.zeros(len(ids), dtype=np.uint8)
    for a, shape in ends.items():
        shape_at[ids[a]] = shape
    percent_at = np.zeros(len(ids), dtype=bool)
    percent_at[[ids[a] for a in after_percent]] = True
    return table, shape_at, percent_at, 16 * ids["start"]


_MACHINE, _SHAPE_AT, _PERCENT_AT, _START = _number_machine()


def _group_marks(chars: np.ndarray, classes: np.ndarray, groups: str) -> np.ndarray:
    """``classes`` with each of ``groups`` that stands between two digits as _C_GROUP."""
    at = np.flatnonzero(np.isin(chars, [ord(g) for g in groups]))
    at = at[(at > 0) & (at < len(chars) - 1)]
    before, after = classes[at - 1], classes[at + 1]
    inner = at[
        ((before == _C_DIGIT) | (before == _C_ZERO)) & ((after == _C_DIGIT) | (after == _C_ZERO))
    ]
    if not len(inner):
        return classes
    classes = classes.copy()
    classes[inner] = _C_GROUP
    return classes


@dataclass
class _Scan:
    """The number cells of a column (or its distinct texts, with ``codes`` mapping
    each cell to its text), and for each text: its shape, whether it ends in "%",
    whether the machine read it (so its value can be had at once), whether it is
    digits and nothing around them, and the texts joined by NUL (None if one holds a
    NUL)."""

    texts: np.ndarray
    codes: np.ndarray | None
    shape: np.ndarray
    percent: np.ndarray
    machine: np.ndarray
    bare: np.ndarray
    joined: str | None

    def of_cells(self, values: np.ndarray) -> np.ndarray:
        return values if self.codes is None else values[self.codes]


def _scan_numbers(texts: np.ndarray, percent: bool, groups: str) -> _Scan:
    """The shape of every text (see _Scan): the machine's where it reads the text,
    _number_shape's for the others."""
    n = len(texts)
    joined = "\x00".join(texts.tolist())
    if n and joined.count("\x00") != n - 1:  # a text holds a NUL: those go to Python
        shape, per_cent = np.zeros(n, dtype=np.uint8), np.zeros(n, dtype=bool)
        machine, bare = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        has_nul = np.array(["\x00" in t for t in texts.tolist()], dtype=bool)
        plain = np.flatnonzero(~has_nul)
        sub = _scan_numbers(texts[plain], percent, groups)
        shape[plain], per_cent[plain] = sub.shape, sub.percent
        machine[plain], bare[plain] = sub.machine, sub.bare
        for i in np.flatnonzero(has_nul).tolist():
            shape[i], per_cent[i] = _number_shape(texts[i], percent, groups)
        return _Scan(texts, None, shape, per_cent, machine, bare, None)
    if n:
        shape, per_cent, bare, lengths = _machine_shapes(joined, n, groups)
    else:
        shape, per_cent = np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=bool)
        bare, lengths = np.zeros(0, dtype=bool), np.zeros(0, dtype=np.intp)
    if not percent:
        shape[per_cent] = _NOT_A_NUMBER  # "5%" is not a number here
    machine = shape != _NOT_A_NUMBER
    # The rest, one by one: cells the machine does not read (bad ones, mostly).
    for i in np.flatnonzero(~machine & (lengths > 0)).tolist():
        if texts[i].strip():
            shape[i], per_cent[i] = _number_shape(texts[i], percent, groups)
    per_cent &= shape != _NOT_A_NUMBER
    return _Scan(texts, None, shape, per_cent, machine, bare & machine, joined)


def _machine_shapes(
    joined: str, n: int, groups: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The machine's shape (0: not read), "%", bareness and length of each of the n
    texts in ``joined`` (NUL between them, none within)."""
    if joined.isascii():  # one byte a character: classes by bytes.translate
        text = joined.encode("ascii")
        chars = np.frombuffer(text, dtype=np.uint8)
        classes = np.frombuffer(text.translate(_ASCII_CLASS), dtype=np.uint8)
    else:
        chars = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        classes = _CLASS[np.minimum(chars, 256)]
        for code, cls in _WIDE_CLASS.items():
            classes[chars == code] = cls
    if groups and any(g in joined for g in groups):
        classes = _group_marks(chars, classes, groups)
    ends = np.append(np.flatnonzero(chars == 0), len(chars))
    starts = np.empty(n, dtype=np.intp)
    starts[0], starts[1:] = 0, ends[:-1] + 1
    lengths = ends - starts

    # The machine reads one character of every cell at a time; cells sorted longest
    # first, so that those still being read are always the first ``still``.
    short = np.flatnonzero((lengths > 0) & (lengths <= _MAX_CHARS))
    order = short[np.argsort((_MAX_CHARS - lengths[short]).astype(np.uint8), kind="stable")]
    at = starts[order]
    state = np.full(len(order), _START, dtype=np.uint16)
    longer_than = len(order) - np.cumsum(np.bincount(lengths[order], minlength=_MAX_CHARS + 1))
    for j in range(int(lengths[order[0]]) if len(order) else 0):
        still = int(longer_than[j])
        state[:still] = _MACHINE[state[:still] | classes[at[:still]]]
        at[:still] += 1
    final = state >> 4
    shape, per_cent, bare = np.zeros(n, np.uint8), np.zeros(n, bool), np.zeros(n, bool)
    shape[order], per_cent[order] = _SHAPE_AT[final], _PERCENT_AT[final]
    first, last = chars[starts[order]], chars[ends[order] - 1]
    bare[order] = ((first == ord("-")) | ((first >= 48) & (first <= 57))) & (
        (last >= 48) & (last <= 57)
    )
    return shape, per_cent, bare, lengths


_SAMPLE = 4096  # cells looked at to choose how to read a number column


def _scan_column(texts: np.ndarray, percent: bool, groups: str) -> _Scan:
    """_scan_numbers of a column's text cells: of its distinct texts when they are few
    (percentages, say), else of every cell."""
    if len(set(texts[:_SAMPLE].tolist())) * 8 <= min(len(texts), _SAMPLE):
        codes, uniques = pd.factorize(texts)
        scan = _scan_numbers(np.asarray(uniques, dtype=object), percent, groups)
        scan.codes = codes
        return scan
    return _scan_numbers(texts, percent, groups)


def _number_values(scan: _Scan, fmt: _Format, check: str) -> tuple[np.ndarray, np.ndarray]:
    """The value of every text the machine read that ``fmt`` reads and ``check``
    takes, where ``ok`` (for the texts, not the cells)."""
    texts, n = scan.texts, len(scan.texts)
    use = scan.machine & _shape_table(_accepted(fmt.decimal, fmt.thousands))[scan.shape]
    as_is = use & scan.bare & _AS_IS[fmt.decimal][scan.shape]
    convert = np.flatnonzero(use & ~as_is)
    # The text float() is given: the cell without what lies around its digits and its
    # thousands separators, its decimal mark as a point (numpy's cast is float()).
    table = _TO_FLOAT[fmt.decimal]
    if len(convert) > n // 2 and scan.joined is not None:
        floats = np.empty(n, dtype=object)
        floats[:] = scan.joined.translate(table).split("\x00")
    else:  # a few: those with marks only around the digits and "," or "." in them, at once
        floats = texts.copy()
        spaced = _SPACED[scan.shape[convert]]
        floats[convert[spaced]] = [texts[i].translate(table) for i in convert[spaced].tolist()]
        plain = convert[~spaced].tolist()
        if fmt.decimal == ".":
            floats[plain] = [texts[i].replace(",", "").strip(_AROUND) for i in plain]
        else:
            floats[plain] = [
                texts[i].replace(".", "").replace(",", ".").strip(_AROUND) for i in plain
            ]
    if np.count_nonzero(use) < n // 2:  # mostly not read here: float() only those that are
        where = np.flatnonzero(use)
        number = np.zeros(n)
        number[where] = floats[where].astype(np.float64)
    else:
        floats[~use] = "0"  # so that every text keeps its place
        number = floats.astype(np.float64)
    if check == "fraction":
        number = np.where(scan.percent, number / 100, number)
        ok = use & (number >= 0.0) & (number <= 1.0)
    else:
        ok = use & (np.abs(number) <= LARGEST_AMOUNT)
    if check == "money":
        ok &= ~(number < 0)
    elif check == "integer":
        ok &= (number == np.floor(number)) & (number >= 1)
    values = np.empty(n, dtype=object)
    if check == "integer":  # int(number): exact, every value is below LARGEST_AMOUNT
        values[ok] = number[ok].astype(np.int64).astype(object)
    else:  # (where not ok, the per-cell parser replaces the value)
        values = number.astype(object)
    return values, ok


def _number_column(check: str) -> ColumnParser:
    """The vectorised counterpart of a number parser on its own (the decimal point)."""

    def column(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scan = _scan_column(cells, check == "fraction", _US.groups)
        values, ok = _number_values(scan, _US, check)
        return scan.of_cells(values), scan.of_cells(ok)

    return column


for _parse, _check in (
    (parse_number, "number"),
    (parse_money, "money"),
    (parse_fraction, "fraction"),
    (parse_integer, "integer"),
):
    _parse.number_check = _check  # type: ignore[attr-defined]
    _parse.vectorised = _number_column(_check)  # type: ignore[attr-defined]
parse_text.vectorised = _text_column  # type: ignore[attr-defined]
parse_month.vectorised = _once_per_distinct_text(parse_month)  # type: ignore[attr-defined]
parse_flag.vectorised = _once_per_distinct_text(parse_flag)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Column:
    """One column of a table. ``parse`` reads one cell (raising :class:`CellError`);
    it may carry a ``vectorised`` attribute that reads a whole column (see the module's
    documentation), as the parsers here do."""

    name: str
    parse: Callable[[str], Any]
    required: bool = True  # the column must be present
    blank: Any = field(default=None)  # value of an empty cell; CellError if "required value"
    needs_value: bool = True  # an empty cell is an error


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    optional: bool = False
    doc: str = ""


def header_key(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


# ----------------------------------------------------------------------------
# Reading a file
# ----------------------------------------------------------------------------

_SHOW_ROWS = 10  # rows with too many values named one by one; the rest in one problem


def read_raw(folder: Path, spec: TableSpec) -> tuple[str, pd.DataFrame | None, list[Problem]]:
    """Find and read a table as cells, indexed by spreadsheet row number (header = 1).

    Wholly blank rows are dropped but keep their place in the numbering, so a
    problem's row is the row the consultant sees in a spreadsheet. A CSV table's
    cells are text; a workbook's numbers stay numbers. A table that cannot be used
    at all is None, with the problems that say why.
    """
    folder = Path(folder)
    csv_path, xlsx_path = folder / f"{spec.name}.csv", folder / f"{spec.name}.xlsx"
    has_csv, has_xlsx = present(csv_path), present(xlsx_path)
    if has_csv and has_xlsx:
        return (
            csv_path.name,
            None,
            [Problem(csv_path.name, f"both {csv_path.name} and {xlsx_path.name} exist: keep one")],
        )
    if not has_csv and not has_xlsx:
        if spec.optional:
            empty = pd.DataFrame(columns=[c.name for c in spec.columns], dtype=object)
            return csv_path.name, empty, []
        return (
            csv_path.name,
            None,
            [Problem(csv_path.name, f"file not found (needed for: {spec.doc})")],
        )
    path = csv_path if has_csv else xlsx_path
    name = path.name
    why = refused(folder, path)
    if why:
        return name, None, [Problem(name, why)]
    try:
        if has_csv:
            frame, problems = _read_csv(path, name, spec)
        else:
            frame, problems = _read_workbook(path, name, spec)
    except OSError as exc:
        return name, None, [Problem(name, f"cannot be read ({exc.strerror or exc})")]
    if frame is None:
        return name, None, problems
    delimiter = frame.attrs.get("delimiter")
    frame = _without_blank_rows(frame) if len(frame) else frame
    if delimiter is not None:
        frame.attrs["delimiter"] = delimiter
    if not len(frame) and not spec.optional:
        doc = f" ({spec.doc})" if spec.doc else ""
        problems.append(
            Problem(name, f"has no rows: the table needs at least one row below its header{doc}")
        )
    return name, frame, problems


def _sniff(text: str, spec: TableSpec) -> str:
    """The delimiter the header row shows: the one that splits it into the most of
    the table's columns, then into the most fields; a comma when all are alike."""
    known = {c.name for c in spec.columns}

    def score(delimiter: str) -> tuple[int, int]:
        header = first_record(text, delimiter)
        return sum(header_key(h) in known for h in header), len(header)

    return max(DELIMITERS, key=score)  # max keeps the first of equals: the comma


def _read_csv(path: Path, name: str, spec: TableSpec) -> tuple[pd.DataFrame | None, list[Problem]]:
    """A CSV table: UTF-8 files straight from the file (pandas' parser reads them at
    speed), others decoded first; see :func:`_read_text`."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return None, [
            Problem(
                name,
                "is an Excel workbook (or another zip file), not CSV text: name it "
                f"{path.stem}.xlsx, or save it from the spreadsheet as CSV",
            )
        ]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return None, [
            Problem(
                name,
                "is an old-style Excel (.xls) or other binary file, not CSV text: save it "
                "from the spreadsheet as CSV UTF-8",
            )
        ]
    codec, _ = encoding_of(head, size)
    if codec in ("utf-8", "utf-8-sig"):
        start = head.decode(codec, "replace")  # the head may end within a character
        got = _read_text(path, codec, start, len(head) == size, None, name, spec)
        if got is not None:
            return got
        # not UTF-8 after all: read whole, as Windows-1252 (decode() tries UTF-8 first)
    read = decode(path.read_bytes(), name, advice="save it from the spreadsheet as CSV UTF-8")
    if isinstance(read, Problem):
        return None, [read]
    text, label = read
    payload = io.BytesIO(text.encode("utf-8", "surrogatepass"))
    said = None if label == "UTF-8" else label
    got = _read_text(payload, "utf-8", text, True, said, name, spec)
    assert got is not None  # the text is UTF-8 now
    return got


def _read_text(
    source: Path | io.BytesIO,
    codec: str,
    start: str,
    complete: bool,
    label: str | None,
    name: str,
    spec: TableSpec,
) -> tuple[pd.DataFrame | None, list[Problem]] | None:
    """A CSV table from ``source`` in ``codec``, ``start`` being its text so far (all
    of it when ``complete``); None if the file turns out not to be in ``codec``."""
    # A first line "sep=;" (as Excel writes for itself) names the delimiter and is no
    # row of the table; blank lines before the header keep their place in the numbering.
    forced = SEP_LINE.match(start)
    at = forced.end() if forced is not None else 0
    blank = LEADING_BLANK_LINES.match(start, at)
    skipped = len(NEWLINES.findall(blank.group()))
    lines = skipped + (forced is not None)
    at = blank.end()
    if complete and not start[at:].strip():
        columns = ", ".join(c.name for c in spec.columns)
        return None, [Problem(name, f"is empty: its first row must be the header ({columns})")]
    delimiter = forced.group(1) if forced is not None else _sniff(start[at:], spec)
    problems: list[Problem] = []
    said = []
    if label is not None:
        said.append(f"read as {label} text (it is not UTF-8)")
    if delimiter != ",":
        said.append(f"values separated by {DELIMITERS.get(delimiter, repr(delimiter))}s")
    if said:
        problems.append(Problem(name, "; ".join(said), note=True))
    try:
        records, bad = _csv_records(source, codec, lines, delimiter), []
    except UnicodeDecodeError:
        return None
    except Exception as exc:  # noqa: BLE001 - a file the fast parser refuses: record by record
        if isinstance(source, Path):
            try:
                text = source.read_bytes().decode(codec)
            except UnicodeDecodeError:
                return None
        else:
            text = start
        records, bad = _csv_rows(text[at:], delimiter, str(exc))
    if records is None:
        return None, [*problems, Problem(name, bad[0][1], row=skipped + bad[0][0])]
    header = [str(h) for h in records.iloc[0].tolist()]
    frame = records.iloc[1:]
    frame.columns = pd.Index(header, dtype=object)
    frame.index = pd.RangeIndex(skipped + 2, skipped + 2 + len(frame), name="row")
    for row, message in bad[:_SHOW_ROWS]:
        problems.append(Problem(name, message, row=skipped + row))
    if len(bad) > _SHOW_ROWS:
        more = [str(skipped + row) for row, _ in bad[_SHOW_ROWS:]]
        shown = ", ".join(more[:20]) + (", ..." if len(more) > 20 else "")
        problems.append(
            Problem(name, f"{len(more)} more rows have more values than the header: rows {shown}")
        )
    problems += _one_column_header(name, header, spec)
    frame.attrs["delimiter"] = delimiter
    return frame, problems


def _csv_records(source: Path | io.BytesIO, codec: str, skip: int, delimiter: str) -> pd.DataFrame:
    """Every record of a CSV file as a frame of text cells (the first is the header),
    by pandas' parser; it raises for a row with more values than the first."""
    return pd.read_csv(
        source,
        sep=delimiter,
        header=None,
        skiprows=skip,
        dtype=str,
        na_filter=False,
        skip_blank_lines=False,
        encoding=codec,
        engine="c",
    )


def _csv_rows(
    text: str, delimiter: str, refusal: str
) -> tuple[pd.DataFrame | None, list[tuple[int, str]]]:
    """What _csv_records gives, record by record, for a file pandas' parser refuses
    (its ``refusal``): and (row, message) for each row with more values than the
    header (its cells INVALID); or None and the one problem that makes the file
    unreadable."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        return None, [(1, f'cannot be read as CSV ({exc}): is a quote mark (") missing?')]
    if not records:
        return None, [(1, "holds no rows")]
    if "EOF inside string" in refusal and records:
        return None, [
            (
                len(records),
                (
                    "a quoted value starts here and never ends, so the rest of the file "
                    'reads as one value: a closing quote mark (") is missing'
                ),
            )
        ]
    width = max(len(records[0]), 1)
    cells = np.full((len(records), width), "", dtype=object)
    bad: list[tuple[int, str]] = []
    what = DELIMITERS.get(delimiter, repr(delimiter))
    example = " (such as 1,500 or Insurance, liability)" if delimiter == "," else ""
    longer = [len(r) > width for r in records[1:]]
    filled = [any(v.strip() for v in r) for r in records[1:]]
    # Empty values past the header are a delimiter at the end of every line (some
    # exports write one), unless only a few rows have them: then a value moved over.
    trailing = sum(longer) * 2 > max(sum(filled), 1)
    for i, record in enumerate(records):
        if len(record) > width and (not trailing or any(v.strip() for v in record[width:])):
            cells[i, :] = INVALID
            bad.append(
                (
                    i + 1,
                    (
                        f"has {len(record)} values where the header has {width}: a value "
                        f"probably holds a {what} without quotes around it{example}; put "
                        "that value in quotes, or save the file again from the spreadsheet"
                    ),
                )
            )
        else:
            cells[i, : min(len(record), width)] = record[:width]
    return pd.DataFrame(cells), bad


def _one_column_header(name: str, header: list[str], spec: TableSpec) -> list[Problem]:
    """A header read as one column that names none of the table's columns, but holds
    some other separator: say so, for the missing columns that follow."""
    if (
        len(header) != 1
        or len(spec.columns) < 2
        or header_key(header[0]) in {c.name for c in spec.columns}
    ):
        return []
    marks = [c for c in header[0] if not (c.isalnum() or c in " _-.'\"")]
    if not marks:
        return []
    mark = max(set(marks), key=marks.count)
    return [
        Problem(
            name,
            f"the header is one column, {header[0][:80]!r}: its values seem to be separated "
            f"by {mark!r}; save the file with commas, semicolons or tabs between values",
            row=1,
        )
    ]


def _read_workbook(
    path: Path, name: str, spec: TableSpec
) -> tuple[pd.DataFrame | None, list[Problem]]:
    with path.open("rb") as f:
        start = f.read(8)
    if not start.startswith(b"PK\x03\x04"):
        hint = (
            "it looks like an old-style .xls or a password-protected workbook"
            if start.startswith(b"\xd0\xcf\x11\xe0")
            else "its contents are not a workbook's"
        )
        return None, [Problem(name, f"is not a readable Excel workbook ({hint}): {_RESAVE}")]
    try:
        rows = _sheet_rows(path, formulas=False)
    except Exception:  # noqa: BLE001 - a damaged workbook is a problem to report, not a crash
        return None, [Problem(name, f"is not a readable Excel workbook: {_RESAVE}")]
    if rows is None:
        return None, [Problem(name, f"has no worksheet: {_RESAVE}")]
    filled = [i for i, r in enumerate(rows) if any(not _empty_value(v) for v in r)]
    if not filled:
        columns = ", ".join(c.name for c in spec.columns)
        return None, [
            Problem(
                name, f"is empty: the first row of its first sheet must be the header ({columns})"
            )
        ]
    top = filled[0]
    width = max(len(r) for r in rows)
    header = [excel_cell(v) for v in rows[top]] + [""] * (width - len(rows[top]))
    body = rows[top + 1 : filled[-1] + 1]
    cells = np.full((len(body), width), "", dtype=object)
    for i, row in enumerate(body):
        for j, value in enumerate(row):
            cells[i, j] = _workbook_cell(value)
    problems: list[Problem] = []
    wanted = {c.name for c in spec.columns}
    used = [j for j, h in enumerate(header) if header_key(h) in wanted]
    gaps_at = [(i, j) for j in used for i in range(len(body)) if _empty_value(_at(body, i, j))]
    if gaps_at:
        try:
            formulas = _sheet_rows(path, formulas=True) or []
        except Exception:  # noqa: BLE001 - the values were read; no formulas to show
            formulas = []
        for i, j in sorted(gaps_at):
            formula = _at(formulas[top + 1 :], i, j)
            if _is_formula(formula):
                cells[i, j] = INVALID
                shown = str(formula)[:60]
                problems.append(
                    Problem(
                        name,
                        f"holds a formula with no saved value ({shown}): open the workbook in "
                        "Excel and save it, so that Excel stores what the formula gives, or "
                        "type the value itself",
                        row=top + 2 + i,
                        column=header_key(header[j]),
                    )
                )
    frame = pd.DataFrame(cells, columns=pd.Index(header, dtype=object))
    frame.index = pd.RangeIndex(top + 2, top + 2 + len(body), name="row")
    return frame, problems


_RESAVE = "open it in Excel and save it again as .xlsx, or save the table as CSV"


def _sheet_rows(path: Path, *, formulas: bool) -> list[tuple[Any, ...]] | None:
    """The rows of a workbook's first sheet, from row 1 (values, or with ``formulas``
    the formulas themselves); None for a workbook without a worksheet."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # styles and extensions openpyxl cannot read
        book = openpyxl.load_workbook(path, read_only=True, data_only=not formulas)
        try:
            if not book.worksheets:
                return None
            sheet = book.worksheets[0]
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # the stored size may be wrong: read every row
            return [tuple(r) for r in sheet.iter_rows(values_only=True)]
        finally:
            book.close()


def _at(rows: list[tuple[Any, ...]], i: int, j: int) -> Any:
    return rows[i][j] if i < len(rows) and j < len(rows[i]) else None


def _empty_value(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_formula(value: object) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


def _workbook_cell(value: object) -> object:
    """A workbook's cell as read_raw gives it: a real number as it is, all else as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return excel_cell(value)


def _without_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without its wholly blank rows; those a spreadsheet leaves at the end
    only are sliced off, without copying the rest."""
    blank = _blank_rows(frame)
    kept = np.flatnonzero(~blank)
    if not len(kept) or kept[-1] == len(kept) - 1:  # every blank row comes after the last kept
        return frame.iloc[: len(kept)]
    return frame[~blank]


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty or whitespace, a column at a time over the rows
    still in question."""
    rows = np.arange(len(frame))
    for j in range(len(frame.columns)):
        cells = frame.iloc[:, j].to_numpy(dtype=object)[rows]
        if infer_dtype(cells, skipna=False) == "string":  # not v.strip(): "" or all spaces
            blank = np.fromiter(map(str.isspace, cells), dtype=bool, count=len(cells))
            blank |= np.asarray(cells == "", dtype=bool)
        else:
            blank = np.array([not str(v).strip() for v in cells], dtype=bool)
        rows = rows[blank]
        if not len(rows):
            break
    blank = np.zeros(len(frame), dtype=bool)
    blank[rows] = True
    return blank


def excel_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ----------------------------------------------------------------------------
# Parsing a table
# ----------------------------------------------------------------------------


def parse_table(
    name: str, raw: pd.DataFrame, spec: TableSpec, dialect: NumberDialect | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse every cell; an empty or bad cell becomes None (and a problem if it matters).

    ``dialect`` says how the file writes numbers (the settings' ``tables``); where it
    leaves the decimal mark open (None, the default), the file's number cells tell.
    """
    problems: list[Problem] = []
    # Columns the workbook does not use are allowed: exports carry many.
    labels = [str(c) for c in raw.columns]
    keys = [header_key(c) for c in raw.columns]
    if pd.api.types.is_integer_dtype(raw.index.dtype):
        rows = raw.index.to_numpy(dtype=np.int64)
    else:
        rows = np.array([int(i) for i in raw.index], dtype=np.int64)
    n = len(raw)
    where: dict[str, int | None] = {}  # the column's position; None: given twice
    for col in spec.columns:
        at = [j for j, k in enumerate(keys) if k == col.name]
        if len(at) > 1:
            shown = " and ".join(repr(labels[j]) for j in at)
            problems.append(
                Problem(
                    name,
                    f"columns {shown} are the same column once capitals and spaces are set "
                    "aside: keep one",
                    row=1,
                    column=col.name,
                )
            )
            where[col.name] = None
        elif at:
            where[col.name] = at[0]
    cells = {name_: raw.iloc[:, j] for name_, j in where.items() if j is not None}
    fmt, scans, found = _numbers_of(name, rows, spec, cells, dialect, raw.attrs.get("delimiter"))
    problems += found
    out: dict[str, np.ndarray] = {}
    for col in spec.columns:
        if col.name not in where:
            if col.required:
                problems.append(Problem(name, "missing column", row=1, column=col.name))
            out[col.name] = _filled(n, col.blank)
        elif where[col.name] is None:
            out[col.name] = _filled(n, INVALID)  # reported once, as a header problem
        elif col.name in scans:
            check = col.parse.number_check
            scan, text_at, silent = scans[col.name]
            values, ok = _number_values(scan, fmt, check)
            got = _spread(n, text_at, scan.of_cells(values), scan.of_cells(ok))
            out[col.name] = _parse_column(
                name,
                cells[col.name],
                rows,
                col,
                problems,
                got=got,
                parse=functools.partial(_read_number, check=check, fmt=fmt),
                parse_other=functools.partial(_read_number, check=check, fmt=_WORKBOOK),
                silent=silent,
            )
        else:
            out[col.name] = _parse_column(name, cells[col.name], rows, col, problems)
    frame = pd.DataFrame(out, columns=[c.name for c in spec.columns], dtype=object, copy=False)
    frame.index = pd.Index(rows, name="row", dtype=int)
    return frame, problems


def _spread(
    n: int, at: np.ndarray | None, values: np.ndarray, ok: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Values and ok of the text cells at ``at`` (None: every cell), over all n cells."""
    if at is None:
        return values, ok
    all_values, all_ok = np.empty(n, dtype=object), np.zeros(n, dtype=bool)
    all_values[at], all_ok[at] = values, ok
    return all_values, all_ok


def _text_cells(cells: pd.Series) -> tuple[np.ndarray, np.ndarray, bool]:
    """A column's cells as an object array, which of them are text, and whether all."""
    raw = cells.to_numpy(dtype=object)
    if infer_dtype(raw, skipna=False) == "string":
        return raw, np.ones(len(raw), dtype=bool), True
    if isinstance(cells.dtype, pd.StringDtype):
        return raw, ~cells.isna().to_numpy(dtype=bool), False
    return raw, np.array([isinstance(v, str) for v in raw], dtype=bool), False


def _setting(dialect: NumberDialect | None) -> tuple[str | None, str | None]:
    """The decimal mark and thousands separator a dialect gives (None: open)."""
    decimal = getattr(dialect, "decimal", None)
    thousands = getattr(dialect, "thousands", None)
    if decimal not in (None, ".", ","):
        raise ValueError(f"a decimal mark is '.' or ',', not {decimal!r}")
    if thousands not in (None, "", ",", ".", " ", "'") or (
        thousands is not None and thousands == decimal
    ):
        raise ValueError(f"not a thousands separator with decimal {decimal!r}: {thousands!r}")
    if decimal is None and thousands in (",", "."):
        decimal = "," if thousands == "." else "."
    return decimal, thousands


_EITHER = {_POINT_OR_GROUP, _COMMA_OR_GROUP}


def _numbers_of(
    name: str,
    rows: np.ndarray,
    spec: TableSpec,
    cells: dict[str, pd.Series],
    dialect: NumberDialect | None,
    delimiter: str | None,
) -> tuple[_Format, dict[str, tuple[_Scan, np.ndarray | None, np.ndarray | None]], list[Problem]]:
    """How a file writes numbers, from the settings or else from its number cells;
    the scan of each number column (with where its text cells are, and the cells to
    make INVALID without a problem of their own), and the problems (and note) about
    the file's numbers as a whole."""
    decimal, thousands = _setting(dialect)
    groups = _Format(".", thousands).groups
    scans: dict[str, tuple[_Scan, np.ndarray | None, np.ndarray | None]] = {}
    order: list[str] = []
    for col in spec.columns:
        check = getattr(col.parse, "number_check", None)
        if check is None or col.name not in cells:
            continue
        raw, is_text, all_text = _text_cells(cells[col.name])
        text_at = None if all_text else np.flatnonzero(is_text)
        texts = raw if text_at is None else raw[text_at]
        scans[col.name] = (_scan_column(texts, check == "fraction", groups), text_at, None)
        order.append(col.name)
    if decimal is not None:
        return _Format(decimal, thousands), scans, []

    # The decimal mark from the cells: those only one mark reads are evidence; those
    # both read, differently, are open (1.500) unless the evidence settles them.
    point = _accepted(".", thousands)
    comma = _accepted(",", thousands)
    kinds = {
        ".": _shape_table(point - comma),
        ",": _shape_table(comma - point),
        "open": _shape_table(point & comma & _EITHER),
    }
    if thousands is None and delimiter == ",":
        # A comma-separated file has a decimal point: a comma in a number there had
        # to be quoted, as the thousands separator of 1,500 is, not a decimal comma.
        kinds["open"] = _shape_table({_POINT_OR_GROUP})
    found: dict[str, list[tuple[int, int, str, str]]] = {k: [] for k in kinds}
    shapes: dict[str, np.ndarray] = {}
    for col_name in order:
        scan, text_at, _ = scans[col_name]
        shape = scan.of_cells(scan.shape)
        shapes[col_name] = shape
        for kind, table in kinds.items():
            hits = np.flatnonzero(table[shape])
            if len(hits):
                i = int(hits[0])
                cell = i if text_at is None else int(text_at[i])
                text = str(scan.texts[i if scan.codes is None else scan.codes[i]]).strip()
                found[kind].append((int(rows[cell]), len(hits), col_name, text))

    def count(kind: str) -> int:
        return sum(f[1] for f in found[kind])

    def first(kind: str) -> tuple[int, int, str, str]:
        return min(found[kind], key=lambda f: (f[0], order.index(f[2])))

    def silence(table: np.ndarray) -> None:
        for col_name in order:
            scan, text_at, _ = scans[col_name]
            mark = table[shapes[col_name]]
            if mark.any():
                full = mark if text_at is None else np.zeros(len(rows), dtype=bool)
                if text_at is not None:
                    full[text_at] = mark
                scans[col_name] = (scan, text_at, full)

    problems: list[Problem] = []
    by_point, by_comma = count("."), count(",")
    if by_point or by_comma:
        if (by_point and by_comma) or (by_comma and delimiter == ","):
            decimal = "." if delimiter == "," or by_point >= by_comma else ","
            odd = "," if decimal == "." else "."
            row, _, col_name, _ = first(odd)
            problems.append(Problem(name, _two_ways(found, first), row, col_name))
            silence(kinds[odd])
        else:
            decimal = "." if by_point else ","
        if decimal == "," and not problems:
            row, _, col_name, text = first(",")
            problems.append(
                Problem(
                    name,
                    f"numbers read with a decimal comma, as {text!r} in row {row}, column "
                    f"'{col_name}' shows",
                    note=True,
                )
            )
        return _Format(decimal, thousands), scans, problems
    if found["open"]:
        row, _, col_name, text = first("open")
        more = count("open") - 1
        problems.append(Problem(name, _open_number(text, more), row, col_name))
        silence(kinds["open"])
    return _Format(".", thousands), scans, problems


_SAY_WHICH = (
    "say which in settings.yaml: tables: {decimal: '.', thousands: ','} for 1,234.5 or "
    "tables: {decimal: ',', thousands: '.'} for 1.234,5"
)


def _two_ways(found: dict, first: Callable) -> str:
    """The message for a file whose numbers show both decimal marks."""
    shown = []
    for kind, words in ((".", "a decimal point"), (",", "a decimal comma")):
        if found[kind]:
            row, _, col_name, text = first(kind)
            shown.append(f"{text!r} (row {row}, column '{col_name}') has {words}")
    if len(shown) == 1:  # a decimal comma in a comma-separated file
        text = first(",")[3]
        return (
            f"{text!r} has a decimal comma, but the file separates its values with commas, so "
            "its numbers have decimal points; write it with a point, or if every number in "
            "the file has a decimal comma, say so in settings.yaml: "
            "tables: {decimal: ',', thousands: '.'}"
        )
    return (
        f"numbers are written two ways: {shown[0]} and {shown[1]}; write them one way, "
        f"or {_SAY_WHICH}"
    )


def _open_number(text: str, more: int) -> str:
    """The message for a number the file leaves open (1.500: 1.5 or 1500)."""
    parts = _number_parts(text, True)
    digits = parts[1] if parts else text
    mark = "." if "." in digits else ","
    small = float(digits.replace(mark, "."))
    large = float(digits.replace(mark, ""))
    readings = f"{np.format_float_positional(small, trim='-')} or {large:.0f}"
    also = f" ({more} more cells like it)" if more else ""
    return (
        f"{text!r} could be {readings}: nothing else in the file shows whether {mark!r} "
        f"marks decimals or thousands; {_SAY_WHICH}{also}"
    )


def _filled(n: int, value: object) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


_EMPTY_CELL = "empty cell: a value is needed"


def _parse_column(
    name: str,
    cells: pd.Series,
    rows: np.ndarray,
    col: Column,
    problems: list[Problem],
    *,
    got: tuple[np.ndarray, np.ndarray] | None = None,
    parse: Callable[[str], Any] | None = None,
    parse_other: Callable[[str], Any] | None = None,
    silent: np.ndarray | None = None,
) -> np.ndarray:
    """Parse one column: ``got`` (values, ok) where read at once already, ``parse``
    for its other text cells (default: the column's parser), ``parse_other`` for a
    workbook's number cells (as excel_cell writes them); ``silent`` cells become
    INVALID without a problem (one for the file says why)."""
    raw, is_text, all_text = _text_cells(cells)
    n = len(raw)
    parse = parse or col.parse
    parse_other = parse_other or col.parse
    if got is not None:
        values, ok = got
    else:
        vectorised = getattr(col.parse, "vectorised", None)
        if vectorised is None or not n:
            values, ok = np.empty(n, dtype=object), np.zeros(n, dtype=bool)
        elif all_text:  # the usual column
            values, ok = vectorised(raw)
        else:
            values, ok = np.empty(n, dtype=object), np.zeros(n, dtype=bool)
            text = np.flatnonzero(is_text)
            some, some_ok = vectorised(raw[text])
            values[text[some_ok]] = some[some_ok]
            ok[text[some_ok]] = True
    if silent is not None and silent.any():
        values, ok = values.copy(), ok | silent
        values[silent] = INVALID
    todo = np.flatnonzero(~ok)
    # What is left: empty cells (at once), and bad or unusual ones (one by one).
    maybe = todo[is_text[todo]]
    empty = maybe[np.asarray(raw[maybe] == "", dtype=bool)] if len(maybe) else maybe
    if len(empty):
        values[empty] = _filled(1, col.blank)
        todo = np.setdiff1d(todo, empty, assume_unique=True)
    bad: list[tuple[int, str]] = []
    for i in todo.tolist():
        cell = raw[i]
        if cell is INVALID:  # a cell read_raw could not give (and said why)
            values[i] = INVALID
            continue
        reader = parse if isinstance(cell, str) else parse_other
        text = cell if isinstance(cell, str) else excel_cell(cell)
        if not text.strip():
            if col.needs_value:
                bad.append((i, _EMPTY_CELL))
            values[i] = col.blank
            continue
        try:
            values[i] = reader(text)
        except CellError as exc:
            bad.append((i, str(exc)))
            values[i] = INVALID
    if col.needs_value and len(empty):
        bad += [(i, _EMPTY_CELL) for i in empty.tolist()]
        bad.sort(key=lambda b: b[0])
    problems += [Problem(name, message, row=int(rows[i]), column=col.name) for i, message in bad]
    return values


NUMERIC = (parse_money, parse_fraction, parse_number, parse_integer)


def typed(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """The checked table with number columns as floats (an empty cell: NaN)."""
    out = frame.copy(deep=False)  # every column below is replaced, not changed in place
    for col in spec.columns:
        if col.parse in NUMERIC:
            numbers = _floats(out[col.name])
            if numbers is not None:  # the usual number column, at once
                out[col.name] = numbers
                continue
        out[col.name] = _without_invalid(out[col.name])
        if col.parse is parse_flag:
            out[col.name] = out[col.name].astype(bool)
        elif col.parse in NUMERIC:
            out[col.name] = pd.to_numeric(out[col.name].astype(object), errors="coerce").astype(
                float
            )
    return out


def _floats(cells: pd.Series) -> pd.Series | None:
    """What typed() makes of a number column of floats, empty cells and INVALID: the
    floats, NaN for the others. None for a column holding anything else."""
    if not isinstance(cells, pd.Series) or cells.dtype != object or not len(cells):
        return None
    values = cells.to_numpy(dtype=object).copy()
    values[invalid_cells(values)] = None
    if infer_dtype(values, skipna=True) != "floating":
        return None
    values[pd.isna(values)] = np.nan
    return pd.Series(values.astype(np.float64), index=cells.index, name=cells.name)


def _without_invalid(cells: pd.Series) -> pd.Series:
    """``cells.map(lambda v: None if v is INVALID else v)``, a column at a time."""
    if (
        _infer_dtype_of_objects is None
        or not isinstance(cells, pd.Series)
        or cells.dtype != object
        or not len(cells)
    ):
        return cells.map(lambda v: None if v is INVALID else v)
    values = cells.to_numpy(dtype=object)
    if isinstance(values[0], str) and infer_dtype(values, skipna=False) == "string":
        return pd.Series(values, index=cells.index, name=cells.name)  # texts: nothing to do
    invalid = invalid_cells(values)
    if invalid.any():
        values = values.copy()
        values[invalid] = None
    months = _as_months(values)
    if months is not None:
        return pd.Series(months, index=cells.index, name=cells.name)
    return pd.Series(_infer_dtype_of_objects(values), index=cells.index, name=cells.name)


def _as_months(values: np.ndarray) -> pd.arrays.PeriodArray | None:
    """What the Series constructor infers from Periods of one frequency and None (a
    period column, None as NaT), from the distinct objects only; else None."""
    first = next((v for v in values if v is not None), None)
    if type(first) is not pd.Period:
        return None
    codes, objects = _by_identity(values)
    dtype = pd.PeriodDtype(first.freq)
    ordinals = np.empty(len(objects), dtype=np.int64)
    for i, v in enumerate(objects):
        if v is None:
            ordinals[i] = np.iinfo(np.int64).min  # NaT
        elif type(v) is pd.Period and pd.PeriodDtype(v.freq) == dtype:
            ordinals[i] = v.ordinal
        else:
            return None
    return pd.arrays.PeriodArray(ordinals[codes], dtype=dtype)


#: What a cell that did not parse becomes: reported once, then ignored by later checks.
INVALID = type("Invalid", (), {"__repr__": lambda self: "<invalid>"})()


def is_empty(value: object) -> bool:
    """Left empty by the consultant (not: filled in with something unreadable)."""
    return value is None or (
        value is not INVALID and not isinstance(value, str) and bool(pd.isna(value))
    )


def is_blank(value: object) -> bool:
    """Empty or unreadable: nothing a further check can use."""
    return value is INVALID or is_empty(value)


# ----------------------------------------------------------------------------
# Whole columns of parsed cells
# ----------------------------------------------------------------------------


def _objects(values: Any) -> np.ndarray:
    if isinstance(values, pd.Series | pd.Index):
        return values.to_numpy(dtype=object)
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype == object:
        return values
    return np.fromiter(values, dtype=object, count=len(values))


def _addresses(cells: np.ndarray) -> np.ndarray:
    """``id()`` of every object in an object array, as uint: the array's own references,
    read in place where the interpreter's ids are addresses (CPython), else one by one."""
    cells = np.ascontiguousarray(cells, dtype=object)
    if len(cells):
        try:
            ids = np.frombuffer(cells, dtype=np.uintp).copy()
        except (TypeError, ValueError, BufferError):
            pass
        else:
            if len(ids) == len(cells) and ids[0] == id(cells[0]) and ids[-1] == id(cells[-1]):
                return ids
    return np.fromiter(map(id, cells), dtype=np.uintp, count=len(cells))


def identical_cells(values: Any, obj: object) -> np.ndarray:
    """``[v is obj for v in values]`` as a bool array."""
    return _addresses(_objects(values)) == id(obj)


def invalid_cells(values: Any) -> np.ndarray:
    """``[v is INVALID for v in values]`` as a bool array."""
    return identical_cells(values, INVALID)


def empty_cells(values: Any) -> np.ndarray:
    """:func:`is_empty` of every cell, as a bool array."""
    cells = _objects(values)
    return np.asarray(pd.isna(cells), dtype=bool) if len(cells) else np.zeros(0, dtype=bool)


def blank_cells(values: Any) -> np.ndarray:
    """:func:`is_blank` of every cell, as a bool array."""
    return invalid_cells(values) | empty_cells(values)


def _by_identity(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct objects (not values) of a column, and one of each."""
    codes, _ = pd.factorize(_addresses(cells))
    first = np.ones(len(cells), dtype=bool)  # codes number the objects as they come
    first[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
    return codes, cells[np.flatnonzero(first)]


def cell_codes(values: Any) -> tuple[np.ndarray, list[Any]]:
    """Equal cells get equal codes, as a Python set or dict would group them; blank
    cells (:func:`is_blank`) get -1. Returns the codes and, for each code, the first
    cell with it."""
    cells = _objects(values)
    if not len(cells):
        return np.zeros(0, dtype=np.intp), []
    if infer_dtype(cells, skipna=False) == "string":  # texts: none is blank
        codes, _ = pd.factorize(cells)
        first = np.ones(len(cells), dtype=bool)
        first[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
        return codes.astype(np.intp, copy=False), cells[np.flatnonzero(first)].tolist()
    codes, objects = _by_identity(cells)
    keep = np.flatnonzero(~blank_cells(objects))
    kept = objects[keep]
    if infer_dtype(kept, skipna=False) == "string":
        value_codes, _ = pd.factorize(kept)
        first = np.ones(len(kept), dtype=bool)
        if len(kept):
            first[1:] = value_codes[1:] > np.maximum.accumulate(value_codes)[:-1]
        uniques = kept[np.flatnonzero(first)].tolist()
    else:
        seen: dict[Any, int] = {}
        value_codes = np.array([seen.setdefault(v, len(seen)) for v in kept], dtype=np.intp)
        uniques = list(seen)
    of_object = np.full(len(objects), -1, dtype=np.intp)
    of_object[keep] = value_codes
    return of_object[codes], uniques


def cell_test(values: Any, test: Callable[[Any], object]) -> np.ndarray:
    """``[not is_blank(v) and bool(test(v)) for v in values]``, with ``test`` applied
    once per distinct value (so it must depend on the value only)."""
    codes, uniques = cell_codes(values)
    passed = np.array([bool(test(v)) for v in uniques], dtype=bool)
    out = np.zeros(len(codes), dtype=bool)
    known = codes >= 0
    out[known] = passed[codes[known]]
    return out


def _ranks(uniques: list[Any]) -> np.ndarray | None:
    """The order of distinct months (or texts, or numbers) as ranks; None for values
    that may not be totally ordered."""
    if all(type(v) is pd.Period for v in uniques):
        if len({v.freq for v in uniques}) > 1:
            return None
    elif not (
        all(isinstance(v, str) for v in uniques)
        or all(isinstance(v, int | float) and not isinstance(v, bool) for v in uniques)
    ):
        return None
    order = sorted(range(len(uniques)), key=uniques.__getitem__)
    ranks = np.empty(len(uniques), dtype=np.intp)
    ranks[order] = np.arange(len(uniques))
    return ranks


def duplicates(name: str, frame: pd.DataFrame, keys: list[str], what: str) -> list[Problem]:
    if not keys:
        return _duplicates_cell_by_cell(name, frame, keys, what)
    columns = [_objects(frame[k]) for k in keys]
    if all(infer_dtype(c, skipna=False) == "string" for c in columns):  # none is blank
        rows = np.arange(len(frame))
        if len(keys) == 1:
            seen = pd.Series(columns[0], dtype=object).duplicated(keep="first")
        else:
            seen = pd.DataFrame(dict(enumerate(columns)), dtype=object).duplicated(keep="first")
    else:
        codes = [cell_codes(c)[0] for c in columns]
        rows = np.flatnonzero(np.logical_and.reduce([c >= 0 for c in codes]))
        seen = pd.DataFrame({i: c[rows] for i, c in enumerate(codes)}).duplicated(keep="first")
    problems = []
    labels = frame.index.to_numpy()
    for i in rows[seen.to_numpy(dtype=bool)].tolist():
        shown = ", ".join(str(c[i]) for c in columns)
        problems.append(
            Problem(name, f"duplicate {what} {shown}", row=int(labels[i]), column=keys[0])
        )
    return problems


def _duplicates_cell_by_cell(
    name: str, frame: pd.DataFrame, keys: list[str], what: str
) -> list[Problem]:
    seen: set[tuple[object, ...]] = set()
    problems = []
    for i, r in frame.iterrows():
        key = tuple(r[k] for k in keys)
        if any(is_blank(v) for v in key):
            continue
        if key in seen:
            shown = ", ".join(str(v) for v in key)
            problems.append(Problem(name, f"duplicate {what} {shown}", row=int(i), column=keys[0]))
        seen.add(key)
    return problems


def out_of_order(name: str, frame: pd.DataFrame, column: str) -> list[Problem]:
    cells = _objects(frame[column])
    codes, uniques = cell_codes(cells)
    ranks = _ranks(uniques)
    if ranks is None:
        return _out_of_order_cell_by_cell(name, frame, column)
    where = np.flatnonzero(codes >= 0)
    rank = ranks[codes[where]]
    latest = np.maximum.accumulate(rank)
    before = np.concatenate([[-1], latest[:-1]])
    rises = np.where(rank > before, np.arange(len(rank)), 0)
    latest_at = np.maximum.accumulate(rises)  # where the latest month so far first came
    problems = []
    labels = frame.index.to_numpy()
    for k in np.flatnonzero(rank < before).tolist():
        value, top = cells[where[k]], cells[where[latest_at[k]]]
        problems.append(
            Problem(
                name,
                f"month {value} comes after {top}: keep the months in order",
                row=int(labels[where[k]]),
                column=column,
            )
        )
    return problems


def _out_of_order_cell_by_cell(name: str, frame: pd.DataFrame, column: str) -> list[Problem]:
    problems = []
    latest = None
    for i, value in frame[column].items():
        if is_blank(value):
            continue
        if latest is not None and value < latest:
            problems.append(
                Problem(
                    name,
                    f"month {value} comes after {latest}: keep the months in order",
                    row=int(i),
                    column=column,
                )
            )
        latest = value if latest is None or value > latest else latest
    return problems


def gaps(name: str, frame: pd.DataFrame, column: str, what: str) -> list[Problem]:
    if invalid_cells(frame[column]).any():
        return []  # the unreadable month is reported already; it may be the "missing" one
    present = sorted(cell_codes(frame[column])[1])
    if len(present) < 2:
        return []
    have = set(present) if all(type(v) is pd.Period for v in present) else present
    return [
        Problem(name, f"month {m} is missing: {what}", column=column)
        for m in pd.period_range(present[0], present[-1], freq="M")
        if m not in have
    ]
