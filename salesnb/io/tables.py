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
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from salesnb.errors import Problem

__all__ = [
    "INVALID",
    "CellError",
    "Column",
    "TableSpec",
    "choice",
    "duplicates",
    "gaps",
    "is_blank",
    "is_empty",
    "out_of_order",
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

    return parse


@dataclass(frozen=True)
class Column:
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
    blank = frame.apply(lambda row: all(not str(v).strip() for v in row), axis=1)
    return name, frame[~blank] if len(frame) else frame, []


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
    rows = [int(i) for i in raw.index]
    out: dict[str, list[Any]] = {}
    for col in spec.columns:
        if col.name not in raw.columns:
            if col.required:
                problems.append(Problem(name, "missing column", row=1, column=col.name))
            out[col.name] = [col.blank] * len(raw)
            continue
        values = []
        for row, cell in zip(rows, raw[col.name].tolist(), strict=True):
            text = "" if cell is None else str(cell)
            if not text.strip():
                if col.needs_value:
                    problems.append(
                        Problem(name, "empty cell: a value is needed", row=row, column=col.name)
                    )
                values.append(col.blank)
                continue
            try:
                values.append(col.parse(text))
            except CellError as exc:
                problems.append(Problem(name, str(exc), row=row, column=col.name))
                values.append(INVALID)
        out[col.name] = values
    frame = pd.DataFrame(out, columns=[c.name for c in spec.columns], dtype=object)
    frame.index = pd.Index(rows, name="row", dtype=int)
    return frame, problems


NUMERIC = (parse_money, parse_fraction, parse_number, parse_integer)


def typed(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """The checked table with number columns as floats (an empty cell: NaN)."""
    out = frame.copy()
    for col in spec.columns:
        out[col.name] = out[col.name].map(lambda v: None if v is INVALID else v)
        if col.parse is parse_flag:
            out[col.name] = out[col.name].astype(bool)
        elif col.parse in NUMERIC:
            out[col.name] = pd.to_numeric(out[col.name].astype(object), errors="coerce").astype(
                float
            )
    return out


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


def duplicates(name: str, frame: pd.DataFrame, keys: list[str], what: str) -> list[Problem]:
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
    if any(v is INVALID for v in frame[column]):
        return []  # the unreadable month is reported already; it may be the "missing" one
    present = sorted({v for v in frame[column] if not is_blank(v)})
    if len(present) < 2:
        return []
    return [
        Problem(name, f"month {m} is missing: {what}", column=column)
        for m in pd.period_range(present[0], present[-1], freq="M")
        if m not in present
    ]
