"""Reading a client's CRM exports into the workbook's CRM tables.

A client folder may hold CRM exports beside its other tables: opportunities (and
an earlier snapshot of them), opportunity history, activities, forecasts, lead
spend, receivables and consultant hours. Each comes as the CRM writes it; the
``crm:`` section of the settings, laid over a preset (see
:func:`~salesnb.io.crm_settings.crm_mapping`), says which column holds each
field and what each stage, activity type, account type and forecast category
means. :func:`read_crm` reads every table present and returns a :class:`CrmData`
with canonical column names, or every problem at once, each naming the file, the
row (as a spreadsheet numbers it: the header is row 1) and the column.

Whole columns at a time
-----------------------
Exports run to millions of rows, so nothing here loops over rows in Python. A
CSV file is read with pandas' C parser, only the columns the mapping uses, with
the columns that hold few distinct values (owners, stages, types, dates) read
as categoricals; stages, types and dates are then worked out once per distinct
value and spread to the rows through the category codes. Money is read as
numbers by the parser; a file whose money cells it cannot read is read again as
text, and only the cells pandas cannot convert go through the workbook's own
number parser (:func:`~salesnb.io.tables.parse_money`), whose messages name
what is wrong. Encodings, delimiters, a leading ``sep=`` line, Excel workbooks
and rows with more values than the header are handled as the rest of the
workbook's tables are (:mod:`salesnb.io.tables`).

Dates
-----
By default a date is ISO (``2024-03-05``), or an ISO timestamp as CRM exports
and APIs write them (``2024-03-05T10:00:00.000+0000``, ``2024-03-05 10:00``),
taken as the day written. ``crm.date_format`` (one for all tables, or per table)
adds the export's own form (``%m/%d/%Y``); ISO dates are read either way, as an
Excel workbook's date cells are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from salesnb.errors import Problem

# The settings first: they hold the crm: section's model, built on their own models.
from salesnb.io import settings as _settings  # noqa: F401
from salesnb.io import tables as _tables
from salesnb.io._files import (
    DELIMITERS,
    HEAD_BYTES,
    LEADING_BLANK_LINES,
    NEWLINES,
    SEP_LINE,
    encoding_of,
    first_record,
    present,
    refused,
)
from salesnb.io.crm_settings import (
    ACCOUNT_TYPES,
    FIELDS,
    FORECAST_CATEGORIES,
    KINDS,
    REQUIRED,
    TABLE_FILES,
    CrmMapping,
    CrmSettings,
    Lookup,
    crm_mapping,
)
from salesnb.io.tables import CellError, Column, TableSpec, header_key

__all__ = ["CrmData", "Stage", "crm_files", "read_crm"]

SETTINGS = "settings.yaml"
#: Cells named one by one in a problem; the rest are counted.
_SHOW = 10
#: Rows named for one unknown value.
_SHOW_ROWS = 5
#: Rows read first to see which columns hold few distinct values.
_SAMPLE_ROWS = 20_000


@dataclass(frozen=True)
class Stage:
    """One stage of the pipeline, in the settings' order (``order`` counts from 0).

    ``probability`` is the stage's own (None when the settings give none); a won
    stage without one counts as 1 and a lost stage as 0 in :attr:`chance`.

    >>> Stage("Closed Won", "won", 5, None).chance, Stage("Qualify", "open", 0, None).chance
    (1.0, nan)
    """

    name: str
    status: str
    order: int
    probability: float | None

    @property
    def chance(self) -> float:
        if self.probability is not None:
            return float(self.probability)
        return {"won": 1.0, "lost": 0.0}.get(self.status, float("nan"))


@dataclass(frozen=True)
class CrmData:
    """The client's CRM tables, with the workbook's column names (None: not in the folder).

    Each frame has one row per record, index 0..n-1, the canonical fields of its
    table (an optional field the export lacks is there, empty, and listed in
    :attr:`missing`), a ``row`` column (the record's spreadsheet row in its file)
    and, on opportunities and previous, ``status``, ``stage_order`` and
    ``probability`` as the stages give them; activities get ``kind``.
    """

    opportunities: pd.DataFrame | None
    previous: pd.DataFrame | None
    previous_as_of: dt.date | None
    history: pd.DataFrame | None
    activities: pd.DataFrame | None
    forecasts: pd.DataFrame | None
    lead_spend: pd.DataFrame | None
    receivables: pd.DataFrame | None
    hours: pd.DataFrame | None
    stages: tuple[Stage, ...]
    #: Per table, the optional canonical fields its export does not have.
    missing: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: Per table, the file it was read from.
    files: Mapping[str, str] = field(default_factory=dict)

    def table(self, key: str) -> pd.DataFrame | None:
        """A table by its key (``"opportunities"``, ``"activities"``, ...)."""
        return getattr(self, key)


# ----------------------------------------------------------------------------
# What each field is
# ----------------------------------------------------------------------------

_KIND_OF_FIELD: dict[str, str] = {
    "id": "text",
    "name": "text",
    "invoice": "text",
    "owner": "owner",
    "consultant": "owner",
    "account": "account",
    "customer": "account",
    "source": "category",
    "account_type": "account_type",
    "forecast_category": "forecast_category",
    "stage": "stage",
    "type": "activity_type",
    "amount": "money",
    "margin": "money",
    "forecast": "money",
    "spend": "money",
    "leads": "number",
    "available": "number",
    "billable": "number",
    "billed_hours": "number",
    "billed_amount": "money",
    "standard_rate": "money",
    "unworked_contracted": "number",
    "probability": "probability",
    "created": "date",
    "close": "date",
    "changed": "date",
    "date": "date",
    "issued": "date",
    "paid": "date",
    "week": "date",
    "period": "month",
    "month": "month",
}
_CATEGORICAL = frozenset(
    {
        "owner",
        "account",
        "category",
        "account_type",
        "forecast_category",
        "stage",
        "activity_type",
        "date",
        "month",
    }
)
_NUMERIC = frozenset({"money", "number", "probability"})
#: The owner-like fields whose names should be on the roster.
_ROSTER_FIELDS = {"opportunities": "owner", "previous": "owner", "activities": "owner"}
_UNIQUE = {"opportunities": "id", "previous": "id", "activities": "id", "receivables": "invoice"}


def _kind(name: str) -> str:
    return _KIND_OF_FIELD[name]


# ----------------------------------------------------------------------------
# Which files
# ----------------------------------------------------------------------------


def crm_files(folder: Path | str, settings: CrmSettings | None) -> dict[str, str]:
    """The CRM tables present in ``folder``: table key -> file name (CSV or Excel).

    A table is present when its file (``crm.files``, else the default name) is in
    the folder as ``.csv`` or ``.xlsx``.
    """
    folder = Path(folder)
    named = dict(settings.files) if settings is not None else {}
    found: dict[str, str] = {}
    for key, default in TABLE_FILES.items():
        name = named.get(key, default)
        stem = Path(name).stem
        for candidate in (name, f"{stem}.csv", f"{stem}.xlsx"):
            if present(folder / candidate):
                found[key] = candidate
                break
    return found


# ----------------------------------------------------------------------------
# Reading one export
# ----------------------------------------------------------------------------


@dataclass
class _Export:
    """The cells of the columns a table uses, by export column, with their rows."""

    name: str
    header: list[str]
    cells: dict[str, pd.Series]  # export column (as the header writes it) -> cells
    rows: np.ndarray  # spreadsheet row of each record

    def take(self, keep: np.ndarray) -> None:
        self.cells = {k: v[keep].reset_index(drop=True) for k, v in self.cells.items()}
        self.rows = self.rows[keep]


def _find(header: list[str], wanted: str) -> int | None:
    """Where ``wanted`` is in ``header``, capitals, spaces and dashes set aside."""
    key = header_key(wanted)
    for j, h in enumerate(header):
        if header_key(h) == key:
            return j
    return None


def _read_export(
    folder: Path, name: str, columns: dict[str, str], dialect: Any
) -> tuple[_Export | None, list[Problem]]:
    """Read the export columns ``columns`` (export column -> value kind) of ``name``.

    A UTF-8 CSV file is read by pandas' C parser; anything else (another encoding, an
    Excel workbook, a row the parser refuses) through the workbook's table engine.
    """
    path = folder / name
    why = refused(folder, path)
    if why:
        return None, [Problem(name, why)]
    if path.suffix.lower() == ".csv":
        try:
            got = _read_fast(path, name, columns, dialect)
        except OSError as exc:
            return None, [Problem(name, f"cannot be read ({exc.strerror or exc})")]
        if got is not None:
            return got
    return _read_engine(folder, name, columns)


def _read_fast(
    path: Path, name: str, columns: dict[str, str], dialect: Any
) -> tuple[_Export | None, list[Problem]] | None:
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    codec, _ = encoding_of(head, size)
    if codec not in ("utf-8", "utf-8-sig") or head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return None
    try:
        start = head.decode(codec)
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not UTF-8 (more than a character cut at the end)
            return None
        start = head[: exc.start].decode(codec)
    forced = SEP_LINE.match(start)
    at = forced.end() if forced is not None else 0
    blank = LEADING_BLANK_LINES.match(start, at)
    skipped = len(NEWLINES.findall(blank.group())) + (forced is not None)
    text = start[blank.end() :]
    if not text.strip():
        return None
    known = {header_key(c) for c in columns}
    if forced is not None:
        delimiter = forced.group(1)
    else:

        def score(d: str) -> tuple[int, int]:
            first = first_record(text, d)
            return sum(header_key(h) in known for h in first), len(first)

        delimiter = max(DELIMITERS, key=score)
    header = first_record(text, delimiter)
    if not header:
        return None
    problems: list[Problem] = []
    if delimiter != ",":
        what = DELIMITERS.get(delimiter, repr(delimiter))
        problems.append(Problem(name, f"values separated by {what}s", note=True))
    where = {c: _find(header, c) for c in columns}
    positions = sorted({j for j in where.values() if j is not None})
    if not positions:
        return _Export(name, header, {}, np.zeros(0, dtype=np.int64)), problems
    numbers = {
        j
        for c, j in where.items()
        if j is not None and columns[c] in ("money", "number", "probability")
    }
    decimal = getattr(dialect, "decimal", None) or "."
    thousands = getattr(dialect, "thousands", None) or None

    def dtypes(as_numbers: bool, few: Collection[int]) -> dict[int, Any]:
        out: dict[int, Any] = dict.fromkeys(range(len(header)), object)
        for j in few:
            out[j] = "category"
        for j in numbers if as_numbers else ():
            out[j] = "float64"
        return out

    def read(as_numbers: bool, few: Collection[int] = (), rows: int | None = None) -> pd.DataFrame:
        return pd.read_csv(
            path,
            sep=delimiter,
            header=None,
            skiprows=skipped + 1,
            # Every column, named, and no usecols: with usecols the parser lets a row
            # with more values than the header through, its values shifted.
            names=list(range(len(header))),
            dtype=dtypes(as_numbers, few),
            nrows=rows,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            encoding=codec,
            engine="c",
            decimal=decimal,
            thousands=thousands,
            quotechar='"',
        )

    try:
        # The parser builds a categorical fast when a column holds few distinct values
        # (owners, stages, days), slowly when it holds many (timestamps, account names):
        # the first rows tell which; the others are factorized after reading.
        sample = read(False, rows=_SAMPLE_ROWS)
        few = {
            j
            for c, j in where.items()
            if j is not None
            and columns[c] in _CATEGORICAL
            and sample[j].nunique() <= max(50, len(sample) // 50)
        }
        try:
            frame = read(bool(numbers), few)
        except ValueError:  # a money cell the parser cannot read: read them as text
            if not numbers:
                raise
            frame = read(False, few)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
        return None  # the table engine says what is wrong, row by row
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame({j: pd.Series([], dtype=object) for j in positions})
    if not isinstance(frame.index, pd.RangeIndex):  # a first row longer than the header
        return None
    by_position: dict[int, pd.Series] = {}
    for c, j in where.items():
        if j is not None and j not in by_position:
            column = frame.pop(j)  # each column freed as soon as it is converted
            if columns[c] in _CATEGORICAL and not isinstance(column.dtype, pd.CategoricalDtype):
                column = _factorized(column)
            by_position[j] = column
    cells = {c: by_position[j] for c, j in where.items() if j is not None}
    rows = np.arange(len(by_position[positions[0]]), dtype=np.int64) + (skipped + 2)
    export = _Export(name, header, cells, rows)
    _drop_blank(export)
    return export, problems


def _read_engine(
    folder: Path, name: str, columns: dict[str, str]
) -> tuple[_Export | None, list[Problem]]:
    """Read through :func:`salesnb.io.tables.read_raw`: any encoding, a workbook, bad rows."""
    stem = Path(name).stem
    spec = TableSpec(stem, tuple(Column(header_key(c), _tables.parse_text) for c in columns))
    fname, raw, problems = _tables.read_raw(folder, spec)
    if raw is None:
        return None, problems
    header = [str(c) for c in raw.columns]
    cells: dict[str, pd.Series] = {}
    for c, kind in columns.items():
        j = _find(header, c)
        if j is None:
            continue
        values = raw.iloc[:, j].to_numpy(dtype=object)
        bad = _tables.invalid_cells(values)
        values = np.where(
            bad | _tables.blank_cells(values), None, values
        )  # a row with too many values is already a problem
        series = pd.Series(values, dtype=object)
        if kind in _CATEGORICAL:
            series = series.map(lambda v: v if v is None else str(v)).astype("category")
        cells[c] = series
    rows = raw.index.to_numpy(dtype=np.int64)
    export = _Export(fname, header, cells, rows)
    _drop_blank(export)
    return export, [p for p in problems if "has no rows" not in p.message]


def _drop_blank(export: _Export) -> None:
    """Drop the records blank in every column used (they keep their place in the numbering)."""
    if not export.cells:
        return
    blank = np.ones(len(export.rows), dtype=bool)
    for series in export.cells.values():
        blank &= series.isna().to_numpy()
    if blank.any():
        export.take(~blank)


# ----------------------------------------------------------------------------
# Problems: one per cell for the first few, then a count
# ----------------------------------------------------------------------------


def _row_list(rows: np.ndarray, shown: int = _SHOW_ROWS) -> str:
    listed = ", ".join(str(int(r)) for r in rows[:shown])
    more = len(rows) - shown
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {listed}" + (f" and {more} more ({len(rows)} in all)" if more > 0 else "")


def _cell_problems(
    name: str, rows: np.ndarray, column: str, messages: Iterable[str], what: str
) -> list[Problem]:
    """A problem for each of the first cells, then one counting the rest."""
    out = [
        Problem(name, message, row=int(row), column=column)
        for row, message in zip(rows[:_SHOW].tolist(), messages, strict=False)
    ]
    if len(rows) > _SHOW:
        rest = rows[_SHOW:]
        out.append(
            Problem(
                name,
                f"{len(rest)} more {what}: {_row_list(rest, 20)}",
                row=int(rest[0]),
                column=column,
            )
        )
    return out


def _unknown_values(
    name: str,
    column: str,
    codes: np.ndarray,
    categories: list[str],
    unknown: np.ndarray,
    rows: np.ndarray,
    say: Callable[[str, str], str],
) -> list[Problem]:
    """One problem per distinct value not in the mapping, with its rows and count."""
    bad = np.flatnonzero(unknown[codes] & (codes >= 0)) if len(codes) else np.zeros(0, int)
    if not len(bad):
        return []
    order = bad[np.argsort(codes[bad], kind="stable")]
    values, starts = np.unique(codes[order], return_index=True)
    groups = np.split(order, starts[1:])
    firsts = np.array([g[0] for g in groups])
    out: list[Problem] = []
    for k in np.argsort(firsts, kind="stable")[:20].tolist():
        value, where = categories[int(values[k])], rows[groups[k]]
        out.append(
            Problem(
                name,
                say(value, _row_list(where)),
                row=int(where[0]),
                column=column,
            )
        )
    if len(groups) > 20:
        out.append(
            Problem(
                name, f"{len(groups) - 20} more values like these in this column", column=column
            )
        )
    return out


# ----------------------------------------------------------------------------
# Categorical helpers
# ----------------------------------------------------------------------------


def _factorized(series: pd.Series) -> pd.Series:
    """A column as a categorical, its categories in the order they first appear (a hash
    table, no sort: fast for the few values of an owner column and the many of a
    timestamp column alike)."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object)), copy=False
    )


def _as_category(series: pd.Series) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series
    return series.astype("category")


def _recode(series: pd.Series, new: list[Any]) -> pd.Series:
    """A categorical whose category ``i`` becomes ``new[i]`` (None: empty); equal new
    values merge into one category."""
    series = _as_category(series)
    codes = series.cat.codes.to_numpy()
    labels, uniques = pd.factorize(pd.Series(new, dtype=object), use_na_sentinel=True)
    lookup = np.append(labels, -1).astype(np.int64)  # code -1 stays -1
    return pd.Series(
        pd.Categorical.from_codes(lookup[codes], categories=pd.Index(uniques, dtype=object)),
        copy=False,
    )


def _clean_categories(series: pd.Series) -> pd.Series:
    """Categories stripped of surrounding spaces (blank ones empty)."""
    series = _as_category(series)
    cats = [str(c).strip() for c in series.cat.categories]
    return _recode(series, [c or None for c in cats])


def _fold(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def _aliased(series: pd.Series, aliases: Mapping[str, str]) -> pd.Series:
    series = _clean_categories(series)
    if not aliases:
        return series
    folded = {_fold(k): v for k, v in aliases.items()}
    return _recode(series, [folded.get(_fold(c), c) for c in series.cat.categories])


# ----------------------------------------------------------------------------
# Values
# ----------------------------------------------------------------------------

_ISO = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*"
    r"(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)?)?$"
)
#: Forms a date may be written in, tried on a bad cell to say which date_format to set.
_GUESSES = (
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%Y/%m/%d",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%y",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y, %I:%M %p",
    "%d %b %Y",
    "%d-%b-%Y",
    "%b %d, %Y",
    "%Y%m%d",
)


def _parse_dates(texts: pd.Index, date_format: str | None) -> pd.DatetimeIndex:
    """Distinct date texts as days (NaT where a text is not a date in these forms)."""
    texts = pd.Index([str(t).strip() for t in texts], dtype=object)
    iso = texts.str.extract(_ISO, expand=False)
    days = pd.to_datetime(pd.Index(iso, dtype=object), format="%Y-%m-%d", errors="coerce")
    values = days.to_numpy(dtype="datetime64[s]").copy()
    if date_format is not None:
        todo = np.flatnonzero(np.isnat(values))
        if len(todo):
            values[todo] = _to_days(texts[todo], date_format).to_numpy(dtype="datetime64[s]")
    return pd.DatetimeIndex(values)


def _to_days(texts: pd.Index, date_format: str) -> pd.DatetimeIndex:
    try:
        got = pd.to_datetime(texts, format=date_format, errors="coerce")
    except ValueError:  # timestamps with several offsets: each at its own wall-clock day
        got = pd.to_datetime(texts, format=date_format, errors="coerce", utc=True)
    if getattr(got, "tz", None) is not None:
        got = got.tz_localize(None)
    return pd.DatetimeIndex(got).normalize()


def _guess_formats(values: list[str]) -> list[str]:
    """The forms in :data:`_GUESSES` that read every one of ``values``."""
    sample = pd.Index(values[:200], dtype=object)
    fits = []
    for fmt in _GUESSES:
        got = pd.to_datetime(sample, format=fmt, errors="coerce")
        if not got.isna().any():
            fits.append(fmt)
    return fits


def _numbers(
    name: str, column: str, series: pd.Series, rows: np.ndarray, what: str, dialect: Any
) -> tuple[np.ndarray, list[Problem]]:
    """A money or number column as floats; a problem for each cell that is not a number."""
    if series.dtype.kind == "f":
        return series.to_numpy(dtype=np.float64), []
    cells = series.to_numpy(dtype=object)
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64).copy()
    filled = ~pd.isna(cells)
    failed = np.flatnonzero(filled & np.isnan(values))
    if not len(failed):
        return values, []
    texts = cells[failed].astype(str)
    # The cells pandas cannot read (1,500.00, $12, 25%) go through the workbook's parser.
    spec = TableSpec("cells", (Column("value", _tables.parse_money),))
    raw = pd.DataFrame({"value": texts.astype(object)}, index=pd.RangeIndex(len(texts)))
    parsed, found = _tables.parse_table(name, raw, spec, dialect)
    got = pd.to_numeric(parsed["value"], errors="coerce").to_numpy(dtype=np.float64)
    values[failed] = got
    by_row = {p.row: p.message for p in found if p.row is not None}
    blank = np.char.strip(texts.astype(str)) == ""
    bad = np.flatnonzero(np.isnan(got) & ~blank)
    messages = [
        f"{what}: " + by_row.get(int(i), f"expected a number, got {texts[i][:40]!r}")
        for i in bad[:_SHOW].tolist()
    ]
    problems = [p for p in found if p.row is None]
    problems = [Problem(name, p.message, column=column, note=p.note) for p in problems]
    problems += _cell_problems(
        name, rows[failed[bad]], column, messages, f"cells that are not a {what} number"
    )
    return values, problems


# ----------------------------------------------------------------------------
# One table
# ----------------------------------------------------------------------------


@dataclass
class _Context:
    mapping: CrmMapping
    stages: tuple[Stage, ...]
    dialect: Any
    folder: Path
    roster: Collection[str] | None
    notes: list[Problem]


def _date_format(mapping: CrmMapping, table: str) -> tuple[str | None, str]:
    """The table's date format and the setting that gives it."""
    fmt = mapping.date_format
    if isinstance(fmt, Mapping):
        return fmt.get(table), f"crm.date_format.{table}"
    return fmt, "crm.date_format"


def _columns_of(mapping: CrmMapping, table: str) -> dict[str, str]:
    """Canonical field -> the export's column, for every field of the table."""
    given = mapping.columns.get(table, {})
    return {f: given.get(f, f) for f in FIELDS[table]}


def _load_table(
    table: str, fname: str, ctx: _Context
) -> tuple[pd.DataFrame | None, frozenset[str], list[Problem], str]:
    mapping = ctx.mapping
    columns = _columns_of(mapping, table)
    keep = mapping.keep.get(table, {})
    lookups = [lk for lk in mapping.lookups if lk.table == table]
    wanted: dict[str, str] = {}
    for f, c in columns.items():
        wanted[c] = _kind(f)
    for c in keep:
        wanted.setdefault(c, "category")
    for lk in lookups:
        wanted.setdefault(lk.on, "category")
    export, problems = _read_export(ctx.folder, fname, wanted, ctx.dialect)
    if export is None:
        return None, frozenset(), problems, fname
    name = export.name
    notes = [p for p in problems if p.note]
    problems = [p for p in problems if not p.note]

    def column_of(export_col: str) -> str | None:
        j = _find(export.header, export_col)
        return None if j is None else export.header[j]

    have = ", ".join(repr(h) for h in export.header[:40]) + (
        ", ..." if len(export.header) > 40 else ""
    )
    # Rows kept by a column's values.
    for col, values in keep.items():
        found = column_of(col)
        if found is None or col not in export.cells:
            problems.append(
                Problem(
                    name,
                    f"crm.keep.{table} names the column {col!r}, which the file does not have "
                    f"(its columns: {have})",
                    row=1,
                )
            )
            continue
        series = _clean_categories(export.cells[col])
        wanted_values = {_fold(v) for v in values}
        keep_cat = np.array([_fold(c) in wanted_values for c in series.cat.categories] + [False])
        mask = keep_cat[series.cat.codes.to_numpy()]
        dropped = int((~mask).sum())
        if dropped:
            counts = series[~mask].value_counts(dropna=False)
            shown = ", ".join(f"{k if pd.notna(k) else '(blank)'}: {v}" for k, v in counts.items())
            notes.append(
                Problem(
                    name,
                    f"{dropped} of {len(mask)} rows left out: crm.keep.{table} keeps the rows "
                    f"whose {found} is {', '.join(map(str, values))} (left out: {shown})",
                    column=found,
                    note=True,
                )
            )
            export.take(mask)
    rows = export.rows
    n = len(rows)
    source: dict[str, pd.Series | None] = {
        f: export.cells.get(c) if column_of(c) is not None else None for f, c in columns.items()
    }
    label = {f: column_of(c) or c for f, c in columns.items()}
    # A field filled from another table by a key (a price list).
    unfilled: set[str] = set()
    for lk in lookups:
        got, found = _lookup(lk, export, name, column_of, ctx, have)
        problems += found
        if found:  # the rows it could not fill are said; no follow-on empty cells
            unfilled.add(lk.field)
        if got is None:
            continue
        current = source.get(lk.field)
        source[lk.field] = got if current is None else _fill(current, got)
    # A field taken from another where the export lacks it or leaves it blank.
    for f, other in mapping.fallbacks.get(table, {}).items():
        if source.get(other) is None:
            continue
        current = source.get(f)
        source[f] = source[other] if current is None else _fill(current, source[other])
        if current is None:
            label[f] = f"{label[other]} (for {f})"
    out: dict[str, Any] = {}
    derived: dict[str, Any] = {}
    missing: set[str] = set()
    for f in FIELDS[table]:
        kind = _kind(f)
        series = source.get(f)
        if series is None:
            if f in REQUIRED[table]:
                where = f"crm.columns.{table}.{f}"
                set_by = where if f in mapping.columns.get(table, {}) else "the mapping"
                problems.append(
                    Problem(
                        name,
                        f"no column {columns[f]!r} for the {f} field ({set_by} expects it; to "
                        f"read another column, set {where}). The file's columns: {have}",
                        row=1,
                        column=columns[f],
                    )
                )
            else:
                missing.add(f)
            out[f] = _empty(kind, n)
            if kind == "activity_type":
                derived["kind"] = pd.Categorical.from_codes(
                    np.full(n, -1, dtype=np.int8), categories=list(KINDS)
                )
            continue
        blank = (
            _clean_categories(series).isna()
            if isinstance(series.dtype, pd.CategoricalDtype)
            else series.isna()
        ).to_numpy(dtype=bool)
        value, found = _parse_field(table, f, kind, series, rows, name, label[f], ctx)
        problems += found
        if kind == "activity_type":
            value, derived["kind"] = value
        if f in REQUIRED[table] and f not in unfilled:
            empty = np.flatnonzero(blank)
            problems += _cell_problems(
                name,
                rows[empty],
                label[f],
                [f"empty cell: the {f} field needs a value"] * len(empty),
                f"empty {f} cells",
            )
        out[f] = value
    frame = pd.DataFrame(out, index=pd.RangeIndex(n))
    frame["row"] = rows
    if "stage" in FIELDS[table] and table != "history":
        frame, found = _derive_opportunities(frame, ctx.stages, missing)
        problems += found
    for key, value in derived.items():
        frame[key] = value
    problems += _row_rules(table, frame, name, label)
    if table in _ROSTER_FIELDS and ctx.roster is not None:
        notes += _not_on_roster(name, frame[_ROSTER_FIELDS[table]], label["owner"], ctx.roster)
    ctx.notes.extend(notes)
    return frame, frozenset(missing), problems, name


def _fill(current: pd.Series, other: pd.Series) -> pd.Series:
    """``current`` with its blank cells taken from ``other`` (as text or categories)."""
    if isinstance(current.dtype, pd.CategoricalDtype) or isinstance(
        other.dtype, pd.CategoricalDtype
    ):
        a = current.astype(object)
        b = other.astype(object)
        return a.where(a.notna(), b).astype("category")
    return current.where(current.notna(), other)


def _lookup(
    lk: Lookup,
    export: _Export,
    name: str,
    column_of: Callable[[str], str | None],
    ctx: _Context,
    have: str,
) -> tuple[pd.Series | None, list[Problem]]:
    """The values ``lk`` gives each row, from its file by the row's ``on`` column."""
    setting = f"crm.lookups ({lk.file})"
    if column_of(lk.on) is None or lk.on not in export.cells:
        return None, [
            Problem(
                name,
                f"{setting} matches on the column {lk.on!r}, which the file does not have "
                f"(its columns: {have})",
                row=1,
            )
        ]
    table, problems = _read_export(ctx.folder, lk.file, {lk.key: "text", lk.value: "text"}, None)
    if table is None:
        if not (ctx.folder / lk.file).exists():
            return None, [Problem(lk.file, f"file not found (named by {setting})")]
        return None, problems
    problems = [p for p in problems if not p.note]
    for col in (lk.key, lk.value):
        if col not in table.cells:
            problems.append(
                Problem(
                    lk.file,
                    f"no column {col!r} ({setting} reads it); the file's columns: "
                    + ", ".join(repr(h) for h in table.header),
                    row=1,
                )
            )
    if problems:
        return None, problems
    keys = table.cells[lk.key].astype(object).map(lambda v: v if pd.isna(v) else _fold(v))
    values = table.cells[lk.value].astype(object)
    twice = keys.duplicated(keep=False) & keys.notna()
    if twice.any():
        for key in pd.unique(keys[twice])[:_SHOW]:
            at = table.rows[(keys == key).to_numpy()]
            problems.append(
                Problem(
                    lk.file,
                    f"the key {key!r} is on more than one row ({_row_list(at)}): keep one",
                    row=int(at[1]),
                    column=lk.key,
                )
            )
        return None, problems
    table_map = dict(zip(keys[keys.notna()].tolist(), values[keys.notna()].tolist(), strict=True))
    on = _clean_categories(export.cells[lk.on])
    cats = list(on.cat.categories)
    filled = [table_map.get(_fold(c)) for c in cats]
    unknown = np.array([v is None for v in filled] + [False])
    codes = on.cat.codes.to_numpy()
    problems += _unknown_values(
        name,
        column_of(lk.on) or lk.on,
        codes,
        [str(c) for c in cats],
        unknown,
        export.rows,
        lambda v, at: (
            f"{v!r} ({at}) is not in {lk.file}'s {lk.key} column: its {lk.field} is unknown"
        ),
    )
    values_by_code = np.array([*filled, None], dtype=object)
    return pd.Series(values_by_code[codes], dtype=object), problems


def _empty(kind: str, n: int) -> Any:
    if kind in _NUMERIC:
        return np.full(n, np.nan)
    if kind == "date":
        return pd.Series(np.full(n, np.datetime64("NaT", "s")))
    if kind == "month":
        return pd.Series(pd.PeriodIndex([pd.NaT] * n, freq="M"))
    if kind in _CATEGORICAL:
        return pd.Series(pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), categories=[]))
    return pd.Series(np.full(n, None, dtype=object))


def _mapped(
    series: pd.Series,
    mapping: Mapping[str, str],
    categories: Iterable[str],
    ordered: bool = False,
) -> tuple[pd.Series, np.ndarray, list[str]]:
    """A categorical mapped through ``mapping`` (names matched with capitals and spaces
    set aside) onto ``categories``; and which source categories were not in it."""
    series = _clean_categories(series)
    cats = [str(c) for c in series.cat.categories]
    folded = {_fold(k): v for k, v in mapping.items()}
    targets = [folded.get(_fold(c)) for c in cats]
    unknown = np.array([t is None for t in targets] + [False])
    order = list(categories)
    position = {c: i for i, c in enumerate(order)}
    lookup = np.array([position.get(t, -1) if t is not None else -1 for t in targets] + [-1])
    codes = series.cat.codes.to_numpy()
    mapped = pd.Categorical.from_codes(
        lookup[codes], categories=pd.Index(order, dtype=object), ordered=ordered
    )
    return pd.Series(mapped, copy=False), unknown, cats


def _stage_example(value: str) -> str:
    """A line for crm.stages with the status a stage of this name most likely has."""
    folded = _fold(value)
    if "won" in folded:
        return f"{{name: {value}, status: won}}"
    if "lost" in folded:
        return f"{{name: {value}, status: lost}}"
    return f"{{name: {value}, status: open, probability: 0.5}}"


_EXISTING_WORDS = ("exist", "upsell", "upgrade", "renew", "cross", "expan", "add-on")


def _closest(value: str, targets: tuple[str, ...]) -> str:
    """The target a value most likely means (for the example in a message)."""
    folded = _fold(value).replace(" ", "_").replace("-", "_")
    if folded in targets:
        return folded
    if targets == ACCOUNT_TYPES:
        return "existing" if any(w in folded for w in _EXISTING_WORDS) else "new"
    return next((t for t in targets if t.split("_")[0] in folded), targets[0])


def _parse_field(
    table: str,
    f: str,
    kind: str,
    series: pd.Series,
    rows: np.ndarray,
    name: str,
    column: str,
    ctx: _Context,
) -> tuple[Any, list[Problem]]:
    mapping = ctx.mapping
    if kind == "text":
        return series.astype(object), []
    if kind in ("owner", "consultant"):
        return _aliased(series, mapping.aliases.owner), []
    if kind == "account":
        return _aliased(series, mapping.aliases.account), []
    if kind == "category":
        return _clean_categories(series), []
    if kind == "stage":
        names = {s.name: s.name for s in ctx.stages}
        mapped, unknown, cats = _mapped(series, names, names, ordered=True)
        codes = _clean_categories(series).cat.codes.to_numpy()
        listed = ", ".join(s.name for s in ctx.stages) or "none yet"
        return mapped, _unknown_values(
            name,
            column,
            codes,
            cats,
            unknown,
            rows,
            lambda v, at: (
                f"unknown stage {v!r} ({at}): add it under crm.stages in settings.yaml, in its place "
                f"in the order, e.g. - {_stage_example(v)} "
                f"(status open, won or lost; the stages now: {listed})"
            ),
        )
    if kind == "activity_type":
        mapped, unknown, cats = _mapped(series, mapping.activity_types, KINDS)
        codes = _clean_categories(series).cat.codes.to_numpy()
        kinds = ", ".join(KINDS)
        return (_clean_categories(series), mapped), _unknown_values(
            name,
            column,
            codes,
            cats,
            unknown,
            rows,
            lambda v, at: (
                f"unknown activity type {v!r} ({at}): add it under crm.activity_types in "
                f"settings.yaml with the kind it counts as, e.g. {{{v}: call}} (the kinds: "
                f"{kinds})"
            ),
        )
    if kind in ("account_type", "forecast_category"):
        table_map, targets, key = (
            (mapping.account_types, ACCOUNT_TYPES, "crm.account_types")
            if kind == "account_type"
            else (mapping.forecast_categories, FORECAST_CATEGORIES, "crm.forecast_categories")
        )
        mapped, unknown, cats = _mapped(series, table_map, targets)
        codes = _clean_categories(series).cat.codes.to_numpy()
        return mapped, _unknown_values(
            name,
            column,
            codes,
            cats,
            unknown,
            rows,
            lambda v, at: (
                f"unknown {f.replace('_', ' ')} {v!r} ({at}): add it under {key} in settings.yaml, "
                f"e.g. {{{v}: {_closest(v, targets)}}} (one of {', '.join(targets)})"
            ),
        )
    if kind in ("money", "number"):
        return _numbers(name, column, series, rows, f.replace("_", " "), ctx.dialect)
    if kind == "probability":
        return _probabilities(name, column, series, rows, mapping.probability_scale, ctx.dialect)
    if kind == "date":
        return _dates(table, name, column, series, rows, mapping)
    if kind == "month":
        return _months(name, column, series, rows)
    raise AssertionError(kind)  # pragma: no cover


def _probabilities(
    name: str, column: str, series: pd.Series, rows: np.ndarray, scale: int, dialect: Any
) -> tuple[np.ndarray, list[Problem]]:
    """Probabilities as 0-1: numbers divided by ``scale``, ``25%`` as 0.25."""
    cells = series.astype(object)
    text = cells.where(cells.isna(), cells.astype(str))
    percent = text.str.strip().str.endswith("%").fillna(False).to_numpy(dtype=bool)
    numbers, problems = _numbers(
        name, column, text.str.replace("%", "", regex=False), rows, "probability", dialect
    )
    values = np.where(percent, numbers / 100, numbers / scale)
    outside = np.flatnonzero(~np.isnan(values) & ((values < 0) | (values > 1)))
    top = "100" if scale == 100 else "1 (or 0% to 100%)"
    hint = "; if the export writes 0-100, set crm.probability_scale: 100" if scale == 1 else ""
    problems += _cell_problems(
        name,
        rows[outside],
        column,
        [
            f"probability {cells.iloc[i]} is outside 0 to {top}{hint}"
            for i in outside[:_SHOW].tolist()
        ],
        "probabilities outside their range",
    )
    return values, problems


def _dates(
    table: str,
    name: str,
    column: str,
    series: pd.Series,
    rows: np.ndarray,
    mapping: CrmMapping,
) -> tuple[pd.Series, list[Problem]]:
    fmt, setting = _date_format(mapping, table)
    series = _clean_categories(series)
    cats = series.cat.categories
    days = _parse_dates(cats, fmt)
    codes = series.cat.codes.to_numpy()
    values = np.append(days.to_numpy(dtype="datetime64[s]"), np.datetime64("NaT", "s"))[codes]
    bad_cats = np.append(days.isna(), False)
    bad = np.flatnonzero(bad_cats[codes])
    problems: list[Problem] = []
    if len(bad):
        texts = [str(cats[c]) for c in codes[bad]]
        guesses = _guess_formats(list(dict.fromkeys(texts)))
        expected = (
            f"written as {fmt} or ISO (2024-03-05)"
            if fmt
            else "in ISO form (2024-03-05, or 2024-03-05T10:00:00Z)"
        )
        if len(guesses) == 1:
            fix = f"set {setting}: {guesses[0]!r}"
        elif guesses:
            fix = f"set {setting} to the form the export uses: " + " or ".join(
                repr(g) for g in guesses[:3]
            )
        else:
            fix = (
                f"set {setting} to the form the export writes (strftime codes, such as '%m/%d/%Y')"
            )
        problems = _cell_problems(
            name,
            rows[bad],
            column,
            [f"{t[:40]!r} is not a date {expected}: {fix}" for t in texts[:_SHOW]],
            f"cells that are not dates ({fix})",
        )
    return pd.Series(values, copy=False), problems


def _months(
    name: str, column: str, series: pd.Series, rows: np.ndarray
) -> tuple[pd.Series, list[Problem]]:
    series = _clean_categories(series)
    cats = [str(c) for c in series.cat.categories]
    periods: list[Any] = []
    errors: dict[int, str] = {}
    for i, text in enumerate(cats):
        try:
            periods.append(_tables.parse_month(text))
        except CellError as exc:
            periods.append(pd.NaT)
            errors[i] = str(exc)
    codes = series.cat.codes.to_numpy()
    index = pd.PeriodIndex([*periods, pd.NaT], freq="M")
    values = pd.Series(index[codes], copy=False)
    bad = np.flatnonzero(np.isin(codes, list(errors)))
    return values, _cell_problems(
        name,
        rows[bad],
        column,
        [errors[int(c)] for c in codes[bad][:_SHOW]],
        "cells that are not months (YYYY-MM)",
    )


def _derive_opportunities(
    frame: pd.DataFrame, stages: tuple[Stage, ...], missing: set[str]
) -> tuple[pd.DataFrame, list[Problem]]:
    """status, stage_order and probability from the stages."""
    stage = frame["stage"]
    codes = stage.cat.codes.to_numpy() if isinstance(stage.dtype, pd.CategoricalDtype) else None
    if codes is None:
        codes = np.full(len(frame), -1)
    statuses = np.array([s.status for s in stages] + [None], dtype=object)
    chances = np.array([s.chance for s in stages] + [np.nan])
    frame["status"] = pd.Categorical(statuses[codes], categories=["open", "won", "lost"])
    frame["stage_order"] = codes.astype(np.int64)
    given = frame["probability"].to_numpy(dtype=np.float64)
    frame["probability"] = np.where(np.isnan(given), chances[codes], given)
    if "probability" in missing and any(s.probability is not None for s in stages):
        missing.discard("probability")
    return frame, []


def _row_rules(
    table: str, frame: pd.DataFrame, name: str, label: Mapping[str, str]
) -> list[Problem]:
    """Duplicate ids, a close before its creation, a payment before its invoice."""
    problems: list[Problem] = []
    rows = frame["row"].to_numpy()
    key = _UNIQUE.get(table)
    if key is not None and frame[key].notna().any():
        ids = frame[key]
        twice = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
        if twice.any():
            at = np.flatnonzero(twice)
            order = at[np.argsort(ids.to_numpy(dtype=object)[at].astype(str), kind="stable")]
            first_of: dict[str, int] = {}
            pairs: list[tuple[int, str]] = []
            for i in order.tolist():
                value = ids.iloc[i]
                if value in first_of:
                    pairs.append(
                        (
                            i,
                            (
                                f"{key} {value!r} is also on row {first_of[value]}: "
                                "each record once (is this the same record twice?)"
                            ),
                        )
                    )
                else:
                    first_of[value] = int(rows[i])
            pairs.sort()
            problems += _cell_problems(
                name,
                rows[[i for i, _ in pairs]],
                label[key],
                [m for _, m in pairs],
                f"rows repeat an {key}",
            )
    for later, earlier, what in (("close", "created", "closes"), ("paid", "issued", "is paid")):
        if later in frame and earlier in frame and frame[later].dtype.kind == "M":
            before = np.flatnonzero((frame[later] < frame[earlier]).to_numpy())
            problems += _cell_problems(
                name,
                rows[before],
                label[later],
                [
                    f"{what} on {frame[later].iloc[i]:%Y-%m-%d}, before it was "
                    f"{'created' if earlier == 'created' else 'issued'} on "
                    f"{frame[earlier].iloc[i]:%Y-%m-%d}"
                    for i in before[:_SHOW].tolist()
                ],
                f"rows {what} before {earlier}",
            )
    return problems


def _not_on_roster(
    name: str, owners: pd.Series, column: str, roster: Collection[str]
) -> list[Problem]:
    if not isinstance(owners.dtype, pd.CategoricalDtype):
        return []
    present = owners.cat.remove_unused_categories().cat.categories
    known = {_fold(r) for r in roster}
    absent = [str(o) for o in present if _fold(o) not in known]
    if not absent:
        return []
    counts = owners.value_counts()
    shown = ", ".join(
        f"{o!r} ({counts[o]} {'row' if counts[o] == 1 else 'rows'})" for o in absent[:_SHOW]
    )
    more = f" and {len(absent) - _SHOW} more" if len(absent) > _SHOW else ""
    return [
        Problem(
            name,
            f"{len(absent)} {'owner is' if len(absent) == 1 else 'owners are'} not in the "
            f"roster: {shown}{more}; their rows are "
            "kept under these names (to count one as a rep, add the rep to the roster or "
            "give the name under crm.aliases.owner)",
            column=column,
            note=True,
        )
    ]


# ----------------------------------------------------------------------------
# The whole folder
# ----------------------------------------------------------------------------


def _stages(mapping: CrmMapping) -> tuple[Stage, ...]:
    return tuple(
        Stage(s.name.strip(), s.status, i, s.probability) for i, s in enumerate(mapping.stages)
    )


def read_crm(
    folder: Path | str,
    settings: CrmSettings | None,
    *,
    roster: Collection[str] | None = None,
    dialect: Any = None,
) -> tuple[CrmData | None, list[Problem]]:
    """Read every CRM table in ``folder``: the data (None when there is none, or when
    something is wrong) and every problem and note (``Problem.note``) at once.

    Parameters
    ----------
    folder
        The client folder.
    settings
        The ``crm:`` section (None: the ``plain`` preset).
    roster
        The names on the team roster: owners not on it are noted.
    dialect
        How the client's tables write numbers (the settings' ``tables``).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "activities.csv").write_text(
    ...     "owner,date,type\\nAna,2024-03-04,call\\nAna,2024-03-05T10:00:00Z,demo\\n")
    >>> crm, problems = read_crm(folder, None)
    >>> crm.activities[["owner", "date", "kind", "row"]]
      owner       date  kind  row
    0   Ana 2024-03-04  call    2
    1   Ana 2024-03-05  demo    3
    >>> sorted(crm.missing["activities"])
    ['id']
    """
    folder = Path(folder)
    files = crm_files(folder, settings)
    problems: list[Problem] = []
    named = dict(settings.files) if settings is not None else {}
    for key, fname in named.items():
        if key not in files:
            problems.append(
                Problem(
                    SETTINGS,
                    f"names the file {fname!r} for the {key} table, which is not in the "
                    "client folder",
                    column=f"crm.files.{key}",
                )
            )
    if not files:
        return None, problems
    mapping = crm_mapping(settings)
    ctx = _Context(mapping, _stages(mapping), dialect, folder, roster, [])
    frames: dict[str, pd.DataFrame | None] = dict.fromkeys(TABLE_FILES)
    missing: dict[str, frozenset[str]] = {}
    read: dict[str, str] = {}
    for key, fname in files.items():
        frame, absent, found, name = _load_table(key, fname, ctx)
        problems += found
        frames[key], missing[key], read[key] = frame, absent, name
    previous_as_of = settings.previous_as_of if settings is not None else None
    if frames["previous"] is not None and previous_as_of is None:
        problems.append(
            Problem(
                SETTINGS,
                f"{read['previous']} is an earlier snapshot of the opportunities: say on which "
                "day it was taken with crm.previous_as_of (YYYY-MM-DD)",
                column="crm.previous_as_of",
            )
        )
    if problems:
        return None, problems + ctx.notes
    data = CrmData(
        **frames,
        previous_as_of=previous_as_of,
        stages=ctx.stages,
        missing=missing,
        files=read,
    )
    return data, ctx.notes
