"""The one copy of the argument checks every calculation uses.

Each check takes the argument's name first, then its value, and returns the value
in the form the calculation needs, or raises :class:`~salesnb.errors.InputError`
with a message that names the argument, says what was expected and quotes what
was given (``ramp_months: must be a whole number of months, 0 or more; got 2.5``).
A wrong type is an input error too: a notebook shows the message, never a
traceback about types.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from salesnb.errors import InputError

__all__ = ["LARGEST_AMOUNT", "finite", "is_number", "month", "number", "ramp", "show", "whole"]


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
