"""The cell-level table engine: read a CSV or Excel table and check every cell.

A table is described by a :class:`TableSpec` (its columns, each with a parser).
:func:`read_raw` reads it as text cells indexed by spreadsheet row number (the
header is row 1, wholly blank rows keep their place in the numbering);
:func:`parse_table` parses every cell and returns one :class:`~salesnb.errors.Problem`
per bad cell; a cell that does not parse becomes :data:`INVALID`, which later
checks skip, so one bad cell never sets off follow-on problems. :func:`typed`
gives the checked table with number columns as floats.

The rules across rows (:func:`duplicates`, :func:`out_of_order`, :func:`gaps`)
work on parsed tables and name the row of each problem.

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
every cell, as before.

:func:`blank_cells`, :func:`empty_cells`, :func:`invalid_cells`,
:func:`identical_cells`, :func:`cell_codes` and :func:`cell_test` are the
column-at-a-time forms of :func:`is_blank`, :func:`is_empty`, ``v is INVALID``,
``v is obj``, "equal values" and "a test of each value", for the rules across rows
and tables.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from salesnb.errors import Problem

try:  # what Series.map uses to give its result a dtype (typed() does the same)
    from pandas._libs.lib import maybe_convert_objects as _infer_dtype_of_objects
except ImportError:  # pragma: no cover - a pandas that moved it: typed() maps cell by cell
    _infer_dtype_of_objects = None

__all__ = [
    "INVALID",
    "CellError",
    "Column",
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


#: A vectorised parser: a 1-D object array of ``str`` cells in, ``(values, ok)`` out (a
#: new object array and a bool array of the same length). Where ``ok``, ``values`` holds
#: exactly what the per-cell parser returns; a cell that is empty or only whitespace is
#: never ``ok`` (it is an empty cell, which parse_table deals with).
ColumnParser = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def parse_text(value: str) -> str:
    return value.strip()


def parse_number(value: str) -> float:
    s = value.strip().replace(",", "").replace("_", "")
    s = re.sub(r"^[$€£¥]|[$€£¥]$", "", s).strip()
    try:
        number = float(s)
    except ValueError:
        raise CellError(f"expected a number, got {value.strip()!r}") from None
    if not math.isfinite(number):
        raise CellError(f"expected a finite number, got {value.strip()!r}")
    return number


def parse_money(value: str) -> float:
    number = parse_number(value)
    if number < 0:
        raise CellError(f"expected an amount of 0 or more, got {value.strip()!r}")
    return number


def parse_fraction(value: str) -> float:
    s = value.strip()
    number = parse_number(s[:-1]) / 100 if s.endswith("%") else parse_number(s)
    if not 0.0 <= number <= 1.0:
        raise CellError(f"expected a fraction from 0 to 1 (or 0% to 100%), got {s!r}")
    return number


def parse_month(value: str) -> pd.Period:
    s = value.strip()
    m = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[ T]00:00:00)?$", s)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise CellError(f"expected a month as YYYY-MM, got {s!r}")
    if m.group(3):
        try:
            dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise CellError(f"expected a real date, got {s!r}") from None
    return pd.Period(f"{m.group(1)}-{m.group(2)}", freq="M")


def parse_integer(value: str) -> int:
    number = parse_number(value)
    if number != int(number) or number < 1:
        raise CellError(f"expected a whole number of 1 or more, got {value.strip()!r}")
    return int(number)


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
    return values, np.asarray(values != "", dtype=bool)


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
# at once. It accepts a plain subset of what parse_number reads: spaces, one currency
# sign before or after, "-", digits with thousands commas, a decimal point, and (for
# fractions) "%" at the end. Such a cell, without its spaces, signs, commas and "%",
# is the very text parse_number gives float(), so float() of it is its value. Anything
# else (and a cell of more than _MAX_CHARS characters) goes to the per-cell parser.
_OTHER, _SPACE, _DIGIT, _COMMA, _POINT, _MINUS, _CURRENCY, _PERCENT, _END = range(9)
_CLASS = np.full(257, _OTHER, dtype=np.uint8)  # by code point; 256: every one above 255
_CLASS[ord(" ")] = _SPACE
_CLASS[ord("0") : ord("9") + 1] = _DIGIT
_CLASS[ord(",")] = _COMMA
_CLASS[ord(".")] = _POINT
_CLASS[ord("-")] = _MINUS
_CLASS[[ord("$"), ord("£"), ord("¥")]] = _CURRENCY  # and "€", above 255
_CLASS[ord("%")] = _PERCENT
_ASCII_CLASS = _CLASS[:128].tobytes() + bytes([_OTHER]) * 128  # for bytes.translate
_EURO = ord("€")
_DROPPED = {ord(c): None for c in " ,$€£¥%"}
_AROUND = " $€£¥%"
_MAX_CHARS = 64

# States: before the number; after leading spaces; after a leading currency sign; after
# "-"; in the whole part; in the decimals; spaces after the number; after a trailing
# currency sign; spaces after it; after "%"; accepted; rejected. A state ending in _D
# is its plain twin in a cell that has already shown something to drop (a space, a
# sign or a comma): so the last state tells which cells float() can read as they are.
_START, _LEAD, _SIGN, _NEG, _NEG_D, _WHOLE, _WHOLE_D, _DECIMALS, _DECIMALS_D = range(9)
_TRAIL, _SIGN_AFTER, _TRAIL_AFTER, _PCT, _OK, _NO = range(9, 15)


def _number_machine(percent: bool) -> np.ndarray:
    """The transitions, indexed by ``state << 4 | character class``."""
    moves: dict[int, dict[int, int]] = {
        _START: {_SPACE: _LEAD, _CURRENCY: _SIGN, _MINUS: _NEG, _DIGIT: _WHOLE},
        _LEAD: {_SPACE: _LEAD, _CURRENCY: _SIGN, _MINUS: _NEG_D, _DIGIT: _WHOLE_D},
        _SIGN: {_SPACE: _SIGN, _MINUS: _NEG_D, _DIGIT: _WHOLE_D},
        _NEG: {_DIGIT: _WHOLE},
        _NEG_D: {_DIGIT: _WHOLE_D},
        _WHOLE: {_DIGIT: _WHOLE, _COMMA: _WHOLE_D, _POINT: _DECIMALS},
        _WHOLE_D: {_DIGIT: _WHOLE_D, _COMMA: _WHOLE_D, _POINT: _DECIMALS_D},
        _DECIMALS: {_DIGIT: _DECIMALS},
        _DECIMALS_D: {_DIGIT: _DECIMALS_D},
        _TRAIL: {_SPACE: _TRAIL},
        _SIGN_AFTER: {_SPACE: _TRAIL_AFTER},
        _TRAIL_AFTER: {_SPACE: _TRAIL_AFTER},
        _PCT: {_SPACE: _PCT},
    }
    for state in (_WHOLE, _WHOLE_D, _DECIMALS, _DECIMALS_D):
        moves[state][_SPACE] = _TRAIL
    for state in (_WHOLE, _WHOLE_D, _DECIMALS, _DECIMALS_D, _TRAIL):
        moves[state][_CURRENCY] = _SIGN_AFTER
    for state in (_WHOLE, _WHOLE_D, _DECIMALS, _DECIMALS_D, _TRAIL, _SIGN_AFTER, _TRAIL_AFTER):
        moves[state][_END] = _OK
        if percent:
            moves[state][_PERCENT] = _PCT
    if percent:
        moves[_PCT][_END] = _OK
    table = np.full(256, _NO, dtype=np.uint8)
    for state, out in moves.items():
        for cls, to in out.items():
            table[state << 4 | cls] = to
    return table


_MACHINE = {False: _number_machine(False), True: _number_machine(True)}


def _scan_numbers(cells: np.ndarray, percent: bool) -> tuple[np.ndarray, np.ndarray]:
    """The number in each text cell as parse_number (or, with ``percent``,
    parse_fraction before its range check) reads it, where ``ok``."""
    n = len(cells)
    value, ok = np.zeros(n), np.zeros(n, dtype=bool)
    if not n:
        return value, ok
    joined = "\x00".join(cells)
    if joined.count("\x00") != n - 1:  # a cell holds a NUL: leave those to the parser
        plain = np.flatnonzero([("\x00" not in cell) for cell in cells])
        value[plain], ok[plain] = _scan_numbers(cells[plain], percent)
        return value, ok
    if joined.isascii():  # one byte a character: classes by bytes.translate
        text = joined.encode("ascii")
        chars = np.frombuffer(text, dtype=np.uint8)
        classes = np.frombuffer(text.translate(_ASCII_CLASS), dtype=np.uint8)
    else:
        chars = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        classes = _CLASS[np.minimum(chars, 256)]
        classes[chars == _EURO] = _CURRENCY
    ends = np.append(np.flatnonzero(chars == 0), len(chars))
    starts = np.empty(n, dtype=np.intp)
    starts[0], starts[1:] = 0, ends[:-1] + 1
    lengths = ends - starts

    # The machine reads one character of every cell at a time; cells sorted longest
    # first, so that those still being read are always the first ``still``.
    machine = _MACHINE[percent]
    short = np.flatnonzero((lengths > 0) & (lengths <= _MAX_CHARS))
    order = short[np.argsort((_MAX_CHARS - lengths[short]).astype(np.uint8), kind="stable")]
    at = starts[order]
    state = np.full(len(order), _START, dtype=np.uint8)
    longer_than = len(order) - np.cumsum(np.bincount(lengths[order], minlength=_MAX_CHARS + 1))
    for j in range(int(lengths[order[0]]) if len(order) else 0):
        still = int(longer_than[j])
        state[:still] = machine[(state[:still] << 4) | classes[at[:still]]]
        at[:still] += 1
    per_cent = state == _PCT
    as_is = (state == _WHOLE) | (state == _DECIMALS)  # nothing to drop: "-"? digits [. digits]
    accepted = machine[(state << 4) | _END] == _OK

    read = np.zeros(n, dtype=bool)
    read[order[accepted]] = True
    in_order = np.zeros(n, dtype=bool)
    in_order[order] = per_cent
    dropping = order[accepted & ~as_is]

    # The text float() is given: the cell without what the machine let pass around the
    # digits (spaces, currency signs and "%" at the ends, commas within), which is the
    # text parse_number gives float(). numpy's cast from str is float() itself.
    if len(dropping) > n // 2:
        texts = np.empty(n, dtype=object)
        texts[:] = joined.translate(_DROPPED).split("\x00")
    else:
        texts = cells.copy()
        texts[dropping] = [cells[i].replace(",", "").strip(_AROUND) for i in dropping.tolist()]
    rejected = np.flatnonzero(~read)
    if len(rejected) > n // 2:  # mostly not numbers: float() only the accepted ones
        where = np.flatnonzero(read)
        number = texts[where].astype(np.float64)
        if percent:
            number = np.where(in_order[where], number / 100, number)
        good = np.isfinite(number)
        value[where[good]], ok[where[good]] = number[good], True
        return value, ok
    texts[rejected] = "0"  # so that every cell keeps its place
    number = texts.astype(np.float64)
    if percent:
        number = np.where(in_order, number / 100, number)
    return number, read & np.isfinite(number)


_SAMPLE = 4096  # cells looked at to choose how to read a number column


def _number_column(check: str, parse: Callable[[str], Any]) -> ColumnParser:
    by_text = _once_per_distinct_text(parse)

    def column(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if len(set(cells[:_SAMPLE].tolist())) * 8 <= min(len(cells), _SAMPLE):
            return by_text(cells)  # few distinct texts (percentages, say): each once
        number, ok = _scan_numbers(cells, percent=check == "fraction")
        if check == "money":
            ok &= ~(number < 0)
        elif check == "fraction":
            ok &= (number >= 0.0) & (number <= 1.0)
        elif check == "integer":
            ok &= (number == np.floor(number)) & (number >= 1)
        values = np.empty(len(cells), dtype=object)
        if check == "integer":  # int(number): exact through int64 below 2 ** 53
            small = ok & (number < 2.0**53)
            values[small] = number[small].astype(np.int64).astype(object)
            large = np.flatnonzero(ok & ~small)
            values[large] = [int(x) for x in number[large].tolist()]
        else:  # (where not ok, the per-cell parser replaces the value)
            values = number.astype(object)
        return values, ok

    return column


parse_text.vectorised = _text_column  # type: ignore[attr-defined]
parse_number.vectorised = _number_column("number", parse_number)  # type: ignore[attr-defined]
parse_money.vectorised = _number_column("money", parse_money)  # type: ignore[attr-defined]
parse_fraction.vectorised = _number_column("fraction", parse_fraction)  # type: ignore[attr-defined]
parse_integer.vectorised = _number_column("integer", parse_integer)  # type: ignore[attr-defined]
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


def read_raw(folder: Path, spec: TableSpec) -> tuple[str, pd.DataFrame | None, list[Problem]]:
    """Find and read a table as text cells, indexed by spreadsheet row number (header = 1).

    Wholly blank rows are dropped but keep their place in the numbering, so a
    problem's row is the row the consultant sees in a spreadsheet.
    """
    csv, xlsx = folder / f"{spec.name}.csv", folder / f"{spec.name}.xlsx"
    if csv.is_file() and xlsx.is_file():
        return (
            csv.name,
            None,
            [Problem(csv.name, f"both {csv.name} and {xlsx.name} exist: keep one")],
        )
    if not csv.is_file() and not xlsx.is_file():
        if spec.optional:
            return csv.name, pd.DataFrame(columns=[c.name for c in spec.columns], dtype=object), []
        return csv.name, None, [Problem(csv.name, f"file not found (needed for: {spec.doc})")]
    name = csv.name if csv.is_file() else xlsx.name
    try:
        if csv.is_file():
            frame = pd.read_csv(
                csv, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig"
            )
        else:
            frame = pd.read_excel(xlsx, dtype=object, sheet_name=0, keep_default_na=False)
            frame = frame.map(excel_cell)
    except Exception as exc:  # noqa: BLE001 - a damaged file is a problem to report, not a crash
        return name, None, [Problem(name, f"cannot be read ({exc.__class__.__name__}: {exc})")]
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    if not len(frame.columns):
        blank = frame.apply(lambda row: all(not str(v).strip() for v in row), axis=1)
        return name, frame[~blank] if len(frame) else frame, []
    blank = _blank_rows(frame)
    return name, frame[~blank] if len(frame) else frame, []


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


def parse_table(
    name: str, raw: pd.DataFrame, spec: TableSpec
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse every cell; an empty or bad cell becomes None (and a problem if it matters)."""
    problems: list[Problem] = []
    # Columns the workbook does not use are allowed: exports carry many.
    raw = raw.rename(columns=header_key)
    if pd.api.types.is_integer_dtype(raw.index.dtype):
        rows = raw.index.to_numpy(dtype=np.int64)
    else:
        rows = np.array([int(i) for i in raw.index], dtype=np.int64)
    out: dict[str, np.ndarray] = {}
    for col in spec.columns:
        if col.name not in raw.columns:
            if col.required:
                problems.append(Problem(name, "missing column", row=1, column=col.name))
            out[col.name] = _filled(len(raw), col.blank)
            continue
        out[col.name] = _parse_column(name, raw[col.name], rows, col, problems)
    frame = pd.DataFrame(out, columns=[c.name for c in spec.columns], dtype=object, copy=False)
    frame.index = pd.Index(rows, name="row", dtype=int)
    return frame, problems


def _filled(n: int, value: object) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


_EMPTY_CELL = "empty cell: a value is needed"


def _parse_column(
    name: str, cells: pd.Series, rows: np.ndarray, col: Column, problems: list[Problem]
) -> np.ndarray:
    if not isinstance(cells, pd.Series):  # a header given twice: as the cell-by-cell engine
        cells.tolist()  # raises AttributeError, as it always did
    raw = cells.to_numpy(dtype=object)
    n = len(raw)
    all_text = infer_dtype(raw, skipna=False) == "string"
    if all_text:
        is_text = np.ones(n, dtype=bool)
    elif isinstance(cells.dtype, pd.StringDtype):
        is_text = ~cells.isna().to_numpy(dtype=bool)
    else:
        is_text = np.array([isinstance(v, str) for v in raw], dtype=bool)
    vectorised = getattr(col.parse, "vectorised", None)
    if vectorised is None or not n:
        values, todo = np.empty(n, dtype=object), np.arange(n)
    elif all_text:  # the usual column
        values, ok = vectorised(raw)
        todo = np.flatnonzero(~ok)
    else:
        values, text = np.empty(n, dtype=object), np.flatnonzero(is_text)
        got, ok = vectorised(raw[text])
        values[text[ok]] = got[ok]
        todo = np.sort(np.concatenate([text[~ok], np.flatnonzero(~is_text)]))
    # What is left: empty cells (at once), and bad or unusual ones (one by one).
    maybe = todo[is_text[todo]]
    empty = maybe[np.asarray(raw[maybe] == "", dtype=bool)] if len(maybe) else maybe
    if len(empty):
        values[empty] = _filled(1, col.blank)
        todo = np.setdiff1d(todo, empty, assume_unique=True)
    bad: list[tuple[int, str]] = []
    for i in todo.tolist():
        cell = raw[i]
        text = "" if cell is None else str(cell)
        if not text.strip():
            if col.needs_value:
                bad.append((i, _EMPTY_CELL))
            values[i] = col.blank
            continue
        try:
            values[i] = col.parse(text)
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
