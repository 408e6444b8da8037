"""The one copy of the argument checks every calculation uses.

Each check takes the argument's name first, then its value, and returns the value
in the form the calculation needs, or raises :class:`~salesnb.errors.InputError`
with a message that names the argument, says what was expected and quotes what
was given (``ramp_months: must be a whole number of months, 0 or more; got 2.5``).
A wrong type is an input error too: a notebook shows the message, never a
traceback about types.

The table checks take the table's name first, then the frame: :func:`columns` (a
DataFrame with the columns a figure reads) and :func:`dates` (a column as dates,
the row of a bad cell carried on the error). :func:`finite_or_none` is the one
lenient reader: a figure for a report, a finite float or None, never an error.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from salesnb.errors import InputError

__all__ = [
    "LARGEST_AMOUNT",
    "columns",
    "dates",
    "day",
    "finite",
    "finite_or_none",
    "is_number",
    "month",
    "number",
    "ramp",
    "show",
    "whole",
]


#: The largest amount of money a client file or setting may hold (10^15 in any
#: currency): no business plans a figure above it, and sums of a million such
#: values stay far from a float's limit, so totals can never overflow.
LARGEST_AMOUNT = 1e15


def show(value: object) -> str:
    """A value as a message quotes it: -1.2, 3, 'abc' (no numpy wrappers).

    >>> show(np.float64(-1.2)), show(np.int64(3)), show("abc"), show(np.bool_(True))
    ('-1.2', '3', "'abc'", 'True')
    """
    if isinstance(value, bool | np.bool_):
        return repr(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return repr(value)


def is_number(value: object) -> bool:
    """A real number of Python or numpy (a bool is not one)."""
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def finite(name: str, value: object) -> float:
    """``value`` as a finite float.

    >>> finite("growth", 0.1)
    0.1
    >>> finite("growth", float("nan"))
    Traceback (most recent call last):
    ...
    salesnb.errors.InputError: growth: must be a finite number; got nan
    """
    number = float(value) if is_number(value) else math.nan  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise InputError(f"{name}: must be a finite number; got {show(value)}")
    return number


def finite_or_none(value: object) -> float | None:
    """``value`` as a float when it is a finite number, else None.

    None, pd.NA, NaN, infinities, bools and anything that is not a number give None:
    what a report shows as a blank, or leaves out of figures.json.

    >>> finite_or_none(np.int64(3)), finite_or_none(0.25)
    (3.0, 0.25)
    >>> [finite_or_none(v) for v in (None, pd.NA, float("nan"), float("inf"), True, "1")]
    [None, None, None, None, None, None]
    """
    if not is_number(value):
        return None
    result = float(value)  # type: ignore[arg-type]
    return result if math.isfinite(result) else None


def number(
    name: str,
    value: object,
    *,
    expected: str,
    low: float | None = None,
    high: float | None = None,
    positive: bool = False,
) -> float:
    """``value`` as a finite float within the bounds; the message says ``expected``.

    >>> number("attainment", 0.8, positive=True, expected="more than 0")
    0.8
    >>> number("attainment", 0, positive=True, expected="more than 0")
    Traceback (most recent call last):
    ...
    salesnb.errors.InputError: attainment: must be more than 0; got 0
    """
    ok = is_number(value)
    result = float(value) if ok else math.nan  # type: ignore[arg-type]
    ok = ok and math.isfinite(result)
    ok = ok and (low is None or result >= low) and (high is None or result <= high)
    ok = ok and (not positive or result > 0)
    if not ok:
        raise InputError(f"{name}: must be {expected}; got {show(value)}")
    return result


def whole(name: str, value: object) -> int:
    """``value`` as a whole number of months, 0 or more.

    >>> whole("lead_time_months", 3.0)
    3
    """
    ok = is_number(value)
    if ok:
        as_float = float(value)  # type: ignore[arg-type]
        ok = math.isfinite(as_float) and as_float >= 0 and as_float.is_integer()
    if not ok:
        raise InputError(f"{name}: must be a whole number of months, 0 or more; got {show(value)}")
    return int(value)  # type: ignore[call-overload]


def month(name: str, value: object, *, optional: bool = False) -> pd.Period | None:
    """``value`` (a monthly Period, a date, a timestamp or 'YYYY-MM' text) as a monthly Period.

    A Period of another frequency is taken when it lies within one month (a day);
    ``optional`` lets an empty value (None, NaN, NaT) through as None.

    >>> month("start", "2026-03"), month("start", pd.Period("2026-03-15", freq="D"))
    (Period('2026-03', 'M'), Period('2026-03', 'M'))
    >>> month("end", None, optional=True) is None
    True
    """
    if optional and (
        value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
    ):
        return None
    bad = InputError(f"{name}: expected a month such as '2026-01'; got {show(value)}")
    if value is None or isinstance(value, bool | int | float | np.number):
        raise bad
    try:
        if isinstance(value, pd.Period):
            period = value.start_time.to_period("M")
            if period != value.end_time.to_period("M"):
                raise bad
        else:
            period = pd.Period(value, freq="M")  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise bad from None
    if period is pd.NaT:
        raise bad
    return period


def day(name: str, value: object) -> pd.Timestamp:
    """``value`` (a date, a timestamp or 'YYYY-MM-DD' text) as a naive Timestamp at midnight.

    A timestamp with a time zone keeps its wall-clock day. A blank or a number is refused.

    >>> day("as_of", "2027-01-08 17:30")
    Timestamp('2027-01-08 00:00:00')
    >>> day("as_of", "soon")
    Traceback (most recent call last):
    ...
    salesnb.errors.InputError: as_of: expected a date such as '2027-01-08'; got 'soon'
    """
    stamp = pd.NaT
    if not (value is None or isinstance(value, bool | int | float | np.number)):
        try:
            stamp = pd.Timestamp(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pass
    if stamp is pd.NaT:
        raise InputError(f"{name}: expected a date such as '2027-01-08'; got {show(value)}")
    return stamp.tz_localize(None).normalize() if stamp.tzinfo else stamp.normalize()


def columns(name: str, frame: object, needed: Iterable[str]) -> pd.DataFrame:
    """``frame``, checked to be a DataFrame that has every column in ``needed``.

    >>> columns("opportunities", pd.DataFrame({"id": [1]}), ("id", "status"))
    Traceback (most recent call last):
    ...
    salesnb.errors.InputError: opportunities: needs the columns id, status; missing status
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{name}: expected a table (DataFrame); got {type(frame).__name__}")
    needed = tuple(needed)
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        raise InputError(
            f"{name}: needs the columns {', '.join(needed)}; missing {', '.join(absent)}"
        )
    return frame


def _row(frame: pd.DataFrame, position: int) -> int | None:
    """The file row of a frame's row by position: its ``row`` column, or an index named row."""
    if "row" in frame.columns:
        return int(frame["row"].iloc[position])
    return int(frame.index[position]) if frame.index.name == "row" else None


def _midnight(stamps: pd.Series) -> pd.Series:
    """The stamps as naive datetimes at midnight (stamps already there are kept as they are)."""
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize(None)
    values = stamps.to_numpy()
    per_day = int(np.timedelta64(1, "D") / np.timedelta64(1, np.datetime_data(values.dtype)[0]))
    if np.any((values.view(np.int64) % per_day != 0) & ~np.isnat(values)):
        stamps = stamps.dt.normalize()
    return stamps


def dates(
    name: str,
    frame: pd.DataFrame,
    column: str,
    *,
    blank: Literal["keep", "refuse"] = "keep",
) -> pd.Series:
    """The column ``column`` of the table ``name`` as naive dates (datetimes at midnight).

    A datetime column is taken as it is (the CRM loader's, already parsed from the
    export's own format); otherwise each cell must be a date, a timestamp or ISO text
    (``2027-01-08``; a time of day is dropped), so that 01/02/2027 is never read as the
    wrong month. A cell that is not a date (other text, a number) is refused.

    A blank cell (None, NaN, NaT, empty text) is NaT with ``blank="keep"`` (an open
    deal without a close date, a window filter that leaves it out) and refused with
    ``blank="refuse"`` (an activity must have happened on a day). The error names the
    column and the table, and carries the column and the first bad row (from a ``row``
    column, as the CRM loader keeps it, or an index named ``row``).

    >>> deals = pd.DataFrame({"close": ["2027-01-08", None], "row": [2, 3]})
    >>> dates("opportunities", deals, "close").tolist()
    [Timestamp('2027-01-08 00:00:00'), NaT]
    >>> dates("opportunities", deals, "close", blank="refuse")
    Traceback (most recent call last):
    ...
    salesnb.errors.InputError: close of opportunities: every row needs a date; 1 row has none
    """
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    empty = values.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            empty = empty | values.astype(str).str.strip().eq("").to_numpy()
            text = values.where(~empty & ~values.map(is_number).to_numpy(dtype=bool))
            try:
                parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
            except (TypeError, ValueError):  # mixed time zones: refused below
                pass
        wrong = parsed.isna().to_numpy() & ~empty  # numbers and bools are not dates
        if wrong.any():
            first = int(np.flatnonzero(wrong)[0])
            raise InputError(
                f"{column} of {name}: expected dates such as '2027-01-08'; got "
                f"{show(values.iloc[first])}",
                row=_row(frame, first),
                column=column,
            )
    if blank == "refuse" and empty.any():
        count = int(empty.sum())
        raise InputError(
            f"{column} of {name}: every row needs a date; "
            f"{count} {'row has' if count == 1 else 'rows have'} none",
            row=_row(frame, int(np.flatnonzero(empty)[0])),
            column=column,
        )
    return _midnight(parsed)


def ramp(name: str, values: object) -> tuple[float, ...]:
    """A ramp: fractions of full productivity by month of tenure, 0 to 1, never decreasing.

    >>> ramp("ramp", [0, 0.25, 0.5])
    (0.0, 0.25, 0.5)
    >>> ramp("ramp", [0, 0.5, 0.4])
    Traceback (most recent call last):
    ...
    salesnb.errors.InputError: ramp: fractions must be between 0 and 1 and never decrease; got [0.0, 0.5, 0.4]
    """
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise InputError(
            f"{name}: expected a list of fractions between 0 and 1, such as "
            f"[0, 0.25, 0.5, 0.75]; got {show(values)}"
        )
    items = list(values)
    fractions = [float(v) for v in items if is_number(v) and 0.0 <= float(v) <= 1.0]
    if len(fractions) != len(items) or any(b < a for a, b in itertools.pairwise(fractions)):
        shown = [float(v) if is_number(v) else v for v in items]
        raise InputError(
            f"{name}: fractions must be between 0 and 1 and never decrease; got {shown}"
        )
    return tuple(fractions)
