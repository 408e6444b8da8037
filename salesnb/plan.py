"""The annual sales plan: goals, seasonality, quotas and the rep business plan.

From the prior year's monthly actuals and a growth rate, this module works out the
figures of the annual-plan notebook:

- :func:`company_goal` -- the year's revenue goal: prior-year total x (1 + growth), or
  a goal given outright;
- :func:`seasonality` -- the share of the year that falls in each calendar month (the
  prior year's, flat, or given);
- :func:`monthly_goals` and :func:`quarterly_goals` -- the goal month by month and
  quarter by quarter;
- :func:`revenue_plan_totals`, :func:`goals_from_revenue_plan` and
  :func:`goal_vs_revenue_plan` -- the pro forma's revenue plan month by month, as
  the goal itself or beside it by quarter;
- :class:`QuotaRep`, :func:`assign_quotas` and :func:`monthly_quotas` -- each rep's
  quota (the rep's own, prorated for the months employed; or a share of the rest,
  split by weight, prorated, reduced while ramping, over-assigned), the stretch goal
  and the quota-to-OTE check; :func:`quota_balance` -- the quotas' total against
  goal x over-assignment;
- :func:`business_plan` -- what a quota asks of a rep: pipeline, opportunities and the
  activities that produce them, and when each month's pipeline must enter;
- :func:`objectives` -- revenue objectives over 18 months (six quarters) for the hiring
  timeline.

Conventions
-----------
Months are monthly ``pd.Period`` values; a monthly figure is a Series indexed by a
``PeriodIndex`` named ``month``. Money is a float in the client's currency.

Goals and quotas are whole cents and add up exactly. A total is first rounded to the
cent (halves away from zero); when it is split into parts, each part receives the whole
cents of its exact share, and the cents left over go one each to the parts with the
largest remainders (the largest-remainder method; on a tie, the earlier part). So
1,000,000 split three ways is 333,333.34 + 333,333.33 + 333,333.33. A figure worked
from one other figure (a prorated own quota, a stretch quota) is rounded to the cent
the same way, halves away from zero, so equal inputs give equal figures.

Counts of opportunities and activities are rounded up to whole numbers (a rep cannot
make 27.7 calls), each worked out from the unrounded figure so that rounding never
compounds down the funnel; the unrounded value is kept beside it, in a column ending
in ``_exact``.

Every function is pure and checks its input: a bad value raises ``ValueError`` with
a message that names the argument and says what was expected.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from salesnb import _checks as check
from salesnb.errors import InputError

__all__ = [
    "DEFAULT_RAMP",
    "HEALTHY_QUOTA_TO_OTE",
    "BusinessPlan",
    "QuotaBalance",
    "QuotaRep",
    "assign_quotas",
    "business_plan",
    "company_goal",
    "goal_vs_revenue_plan",
    "goals_from_revenue_plan",
    "monthly_goals",
    "monthly_quotas",
    "objectives",
    "quarterly_goals",
    "quota_balance",
    "revenue_plan_totals",
    "seasonality",
]

#: Fraction of a full month's quota a new rep carries in tenure months 1, 2, 3, 4;
#: full quota from the fifth month on (the domain's linear ramp over four months).
DEFAULT_RAMP: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75)

#: Full-year quota over on-target earnings that counts as healthy (both ends included).
HEALTHY_QUOTA_TO_OTE: tuple[float, float] = (4.0, 6.0)

#: Column names the business plan uses itself; a funnel stage may not take them.
_PLAN_COLUMNS = frozenset({"quota", "pipeline", "enter_by", "opportunities"})


# ----------------------------------------------------------------------------
# Checking input, and money in cents
# ----------------------------------------------------------------------------


def _at_least_zero(field: str, value: object, what: str = "") -> float:
    number = check.finite(field, value)
    if number < 0:
        raise InputError(f"{field}: must be 0 or more{what}; got {check.show(value)}")
    return number


def _rate(field: str, value: object) -> float:
    """A ratio in (0, 1]."""
    number = check.finite(field, value)
    if not 0.0 < number <= 1.0:
        raise InputError(
            f"{field}: must be above 0 and at most 1 (0% < rate <= 100%); got {check.show(value)}"
        )
    return number


def _growth(value: object) -> float:
    number = check.finite("growth", value)
    if number <= -1.0:
        raise InputError(f"growth: must be above -100%; got {check.show(value)}")
    return number


def _to_cents(amount: float) -> int:
    """Whole cents of an amount, halves rounded away from zero (as the amount is written)."""
    return int((Decimal(repr(float(amount))) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def _split_cents(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` cents in proportion to ``weights`` (largest remainder, ties earlier).

    The parts are whole cents and add up to ``total`` exactly; a part with weight 0
    gets nothing.
    """
    w = np.asarray(weights, dtype=float)
    positive = np.flatnonzero(w > 0)
    if total == 0 or len(positive) == 0:
        return np.zeros(len(w), dtype=np.int64)
    exact = w / w.sum() * total
    parts = np.floor(exact).astype(np.int64)
    left = total - int(parts.sum())
    remainder = np.round(exact - parts, 9)
    # Largest remainders first; the stable sort gives ties to the earlier part.
    order = positive[np.argsort(-remainder[positive], kind="stable")]
    for k in range(max(left, 0)):
        parts[order[k % len(order)]] += 1
    for k in range(max(-left, 0)):  # floating-point excess: never seen, kept exact anyway
        parts[order[::-1][k % len(order)]] -= 1
    return parts


def _as_monthly(values: object, field: str, *, table: bool = False) -> pd.Series:
    """A Series of floats on a sorted monthly PeriodIndex named 'month'.

    Missing amounts stay NaN; the caller decides what a gap means. With ``table``,
    a DataFrame with columns ``month`` and ``revenue`` is accepted too.
    """
    if table and isinstance(values, pd.DataFrame):
        absent = [c for c in ("month", "revenue") if c not in values.columns]
        if absent:
            raise InputError(
                f"{field}: a table needs the columns month and revenue; missing {absent}"
            )
        values = pd.Series(values["revenue"].to_numpy(), index=list(values["month"]))
    if not isinstance(values, pd.Series):
        # A ValueError, not a TypeError: every bad input to the plan is one (module notes).
        raise InputError(
            f"{field}: must be a Series of amounts indexed by month; got {type(values).__name__}"
        )
    index = values.index
    if isinstance(index, pd.PeriodIndex) and index.freqstr == "M":
        months = list(index)
    elif isinstance(index, pd.DatetimeIndex):
        months = list(index.to_period("M"))
    else:
        months = [check.month(f"{field} (index)", m) for m in index]
    if any(m is pd.NaT for m in months):
        raise InputError(f"{field}: every row needs a month; got a blank month")
    amounts = []
    for month, raw in zip(months, values.to_numpy(), strict=True):
        try:
            amounts.append(float(raw) if raw is not None else math.nan)
        except (TypeError, ValueError):
            raise InputError(f"{field}: month {month} must be an amount; got {raw!r}") from None
    out = pd.Series(amounts, index=pd.PeriodIndex(months, freq="M", name="month"), name=values.name)
    duplicated = out.index[out.index.duplicated()]
    if len(duplicated):
        raise InputError(f"{field}: month {duplicated[0]} appears more than once")
    return out.sort_index()


def _check_amounts(series: pd.Series, field: str) -> None:
    """Every month present, finite and 0 or more."""
    missing = series.index[series.isna()]
    if len(missing):
        listed = ", ".join(str(m) for m in missing)
        noun = "month" if len(missing) == 1 else "months"
        verb = "is" if len(missing) == 1 else "are"
        raise InputError(f"{field}: {noun} {listed} {verb} missing; every month needs an amount")
    for month, amount in series.items():
        if not math.isfinite(amount):
            raise InputError(f"{field}: month {month} must be a finite amount; got {amount!r}")
        if amount < 0:
            raise InputError(f"{field}: month {month} must be 0 or more; got {amount!r}")


def _consecutive(series: pd.Series, field: str) -> pd.Series:
    """Reindex onto every month from the first to the last, so a gap shows as NaN."""
    if series.empty:
        raise InputError(f"{field}: no months given")
    span = pd.period_range(series.index[0], series.index[-1], freq="M", name="month")
    return series.reindex(span)


def _prior_year(prior_actuals: object, fy_start: object) -> pd.Series:
    """The 12 months of the prior year, checked."""
    field = "prior_actuals"
    series = _as_monthly(prior_actuals, field, table=True)
    if fy_start is not None:
        start = check.month("fy_start", fy_start)
        year = pd.period_range(start - 12, periods=12, freq="M", name="month")
        series = series.reindex(year)
        _check_amounts(series, field)
        return series
    series = _consecutive(series, field)
    _check_amounts(series, field)
    if len(series) != 12:
        span = f"{series.index[0]} to {series.index[-1]}"
        hint = (
            "pass fy_start to name the missing months"
            if len(series) < 12
            else "pass fy_start to choose the prior year"
        )
        raise InputError(
            f"{field}: must cover 12 consecutive months; got {len(series)} ({span}); {hint}"
        )
    return series


def _plan_year(monthly: object, field: str) -> pd.Series:
    """Twelve consecutive monthly amounts of 0 or more."""
    series = _consecutive(_as_monthly(monthly, field), field)
    _check_amounts(series, field)
    if len(series) != 12:
        raise InputError(
            f"{field}: must hold the 12 months of the plan year; got {len(series)} months"
        )
    return series


def _calendar_shares(shares: object, field: str) -> np.ndarray:
    """Twelve shares, January first, normalised to sum to 1."""
    if isinstance(shares, pd.Series):
        keys = shares.index
        if isinstance(keys, pd.PeriodIndex):
            keys = [p.month for p in keys]
        items = list(zip(keys, shares.to_numpy(), strict=True))
    elif isinstance(shares, Mapping):
        items = list(shares.items())
    elif isinstance(shares, Sequence | np.ndarray) and not isinstance(shares, str):
        values = list(shares)
        if len(values) != 12:
            raise InputError(f"{field}: needs 12 shares, January to December; got {len(values)}")
        items = list(zip(range(1, 13), values, strict=True))
    else:
        raise InputError(
            f"{field}: must be 12 shares (a list from January to December, or a Series "
            f"or mapping keyed by calendar month 1-12); got {type(shares).__name__}"
        )
    out = np.full(12, np.nan)
    for key, value in items:
        calendar_month = isinstance(key, int | np.integer) and not isinstance(key, bool | np.bool_)
        if not (calendar_month and 1 <= key <= 12):
            raise InputError(
                f"{field}: keys must be calendar months 1 (January) to 12 (December); "
                f"got {check.show(key)}"
            )
        name = calendar.month_name[int(key)]
        if not np.isnan(out[key - 1]):
            raise InputError(f"{field}: {name} is given more than once")
        out[key - 1] = _at_least_zero(f"{field} ({name})", value)
    absent = [calendar.month_name[k + 1] for k in np.flatnonzero(np.isnan(out))]
    if absent:
        raise InputError(f"{field}: no share for {', '.join(absent)}")
    total = out.sum()
    if not total > 0:
        raise InputError(f"{field}: the shares sum to zero; at least one month needs a share")
    return out / total


# ----------------------------------------------------------------------------
# The company goal, by month and by quarter
# ----------------------------------------------------------------------------


def company_goal(
    prior_actuals: pd.Series | pd.DataFrame | None = None,
    growth: float | None = None,
    given: float | None = None,
    *,
    fy_start: pd.Period | str | None = None,
) -> float:
    """The company's revenue goal for the plan year.

    Parameters
    ----------
    prior_actuals : Series or DataFrame, optional
        The prior year's revenue by month: a Series indexed by month, or a table
        with columns ``month`` and ``revenue`` (as in a client folder). Needed with
        ``growth``.
    growth : float, optional
        Growth over the prior year as a fraction (0.15 = 15%); above -1.
    given : float, optional
        A goal set outright, used as it is. Give ``growth`` or ``given``, not both.
    fy_start : Period or str, optional
        First month of the plan year. With it, the prior year is the 12 months
        before it and any other months of ``prior_actuals`` are ignored; without it,
        ``prior_actuals`` must hold exactly 12 consecutive months.

    Returns
    -------
    float
        The goal, rounded to the cent.

    Notes
    -----
    goal = sum of the prior year's 12 months x (1 + growth). The prior year must be
    complete: a month that is absent (or blank) is an error naming that month, since
    a missing month would understate the base.

    Examples
    --------
    >>> prior = pd.Series(100_000.0, index=pd.period_range("2025-01", periods=12, freq="M"))
    >>> company_goal(prior, growth=0.1)
    1320000.0
    >>> company_goal(given=1_500_000)
    1500000.0
    """
    if given is not None:
        if growth is not None:
            raise InputError(
                f"growth: give growth or a given goal, not both; got growth={check.show(growth)} "
                f"and given={check.show(given)}"
            )
        return _to_cents(_at_least_zero("given", given)) / 100
    if growth is None:
        raise InputError("growth: needed to set the goal from the prior year (or pass given=)")
    rate = _growth(growth)
    if prior_actuals is None:
        raise InputError("prior_actuals: needed to grow the goal from the prior year")
    total = float(_prior_year(prior_actuals, fy_start).sum())
    if not total > 0:
        raise InputError("prior_actuals: the prior year's total must be above 0 to grow from")
    return _to_cents(total * (1.0 + rate)) / 100


def seasonality(
    prior_actuals: pd.Series | pd.DataFrame | None = None,
    mode: str = "prior",
    given: Sequence[float] | Mapping[int, float] | pd.Series | None = None,
    *,
    fy_start: pd.Period | str | None = None,
) -> pd.Series:
    """The share of the year's goal that falls in each calendar month.

    Parameters
    ----------
    prior_actuals : Series or DataFrame, optional
        The prior year's revenue by month, as :func:`company_goal` takes it. Needed
        for ``mode="prior"``.
    mode : {"prior", "flat"}
        ``"prior"``: each calendar month gets its share of the prior year's total.
        ``"flat"``: every month gets 1/12.
    given : sequence, mapping or Series, optional
        Shares set by the consultant, used instead of ``mode``: 12 numbers from
        January to December, or keyed by calendar month (1-12). They must be 0 or
        more and are scaled to sum to 1 (so 2, 1, 1, ... means "January twice a
        normal month"); shares that sum to zero are an error.
    fy_start : Period or str, optional
        First month of the plan year: picks the prior year out of longer actuals
        (see :func:`company_goal`) and starts the result at its calendar month.

    Returns
    -------
    Series
        Twelve shares summing to 1, indexed by calendar month number (1 = January,
        index name ``calendar_month``), in fiscal-year order when ``fy_start`` is
        given, else in the order of the prior actuals, else January first. Name
        ``share``.

    Notes
    -----
    Shares go by calendar month, not by position: the plan's March gets the prior
    year's March share, whatever month the fiscal year starts in.

    Examples
    --------
    >>> prior = pd.Series([40_000.0] * 8 + [80_000.0] * 4,
    ...                   index=pd.period_range("2025-01", periods=12, freq="M"))
    >>> seasonality(prior).tolist()
    [0.0625, 0.0625, 0.0625, 0.0625, 0.0625, 0.0625, 0.0625, 0.0625, 0.125, 0.125, 0.125, 0.125]
    >>> seasonality(mode="flat", fy_start="2026-04").index[:3].tolist()
    [4, 5, 6]
    """
    if mode not in ("prior", "flat"):
        raise InputError(f"mode: must be 'prior' or 'flat'; got {check.show(mode)}")
    start = None if fy_start is None else check.month("fy_start", fy_start)
    first = 1 if start is None else start.month
    if given is not None:
        shares = _calendar_shares(given, "given")
    elif mode == "flat":
        shares = np.full(12, 1.0 / 12.0)
    else:
        if prior_actuals is None:
            raise InputError("prior_actuals: needed for mode='prior' (or use mode='flat')")
        prior = _prior_year(prior_actuals, start)
        total = float(prior.sum())
        if not total > 0:
            raise InputError(
                "prior_actuals: the prior year's total is 0, so it has no seasonality; "
                "use mode='flat' or given shares"
            )
        shares = np.zeros(12)
        for month, amount in prior.items():
            shares[month.month - 1] = amount / total
        first = prior.index[0].month
    order = [(first - 1 + k) % 12 + 1 for k in range(12)]
    return pd.Series(
        shares[np.array(order) - 1],
        index=pd.Index(order, name="calendar_month"),
        name="share",
    )


def monthly_goals(
    goal: float,
    shares: Sequence[float] | Mapping[int, float] | pd.Series,
    fy_start: pd.Period | str,
) -> pd.Series:
    """The goal spread over the 12 months of the plan year by seasonal shares.

    Parameters
    ----------
    goal : float
        The year's goal (0 or more).
    shares : Series, mapping or sequence
        Share of each calendar month, as :func:`seasonality` returns them (or 12
        numbers from January to December); scaled to sum to 1.
    fy_start : Period or str
        First month of the plan year.

    Returns
    -------
    Series
        The goal of each month (index ``month``, 12 months from ``fy_start``), name
        ``goal``.

    Notes
    -----
    Each month is whole cents and the months add up to the goal rounded to the
    cent, exactly (largest-remainder method; see the module notes).

    Examples
    --------
    >>> goals = monthly_goals(1_000_000, seasonality(mode="flat"), "2026-01")
    >>> goals.iloc[:5].tolist()
    [83333.34, 83333.34, 83333.34, 83333.34, 83333.33]
    >>> float(round(goals.sum(), 2))
    1000000.0
    """
    amount = _at_least_zero("goal", goal)
    start = check.month("fy_start", fy_start)
    weights = _calendar_shares(shares, "shares")
    months = pd.period_range(start, periods=12, freq="M", name="month")
    cents = _split_cents(_to_cents(amount), np.array([weights[m.month - 1] for m in months]))
    return pd.Series(cents / 100, index=months, name="goal")


def quarterly_goals(monthly: pd.Series) -> pd.Series:
    """Monthly figures added up by quarter of the plan.

    Parameters
    ----------
    monthly : Series
        Consecutive months (a multiple of three), as :func:`monthly_goals` or
        :func:`objectives` return them.

    Returns
    -------
    Series
        One value per quarter, labelled ``Q1``, ``Q2``, ... counting from the first
        month (index ``quarter``; with 18 months of objectives, ``Q5`` and ``Q6`` are
        the first two quarters of the following year). Same name as ``monthly``.

    Notes
    -----
    Quarters are sums of the months taken to the cent, so they add up to the year
    exactly.

    Examples
    --------
    >>> goals = monthly_goals(1_000_000, seasonality(mode="flat"), "2026-01")
    >>> quarterly_goals(goals).tolist()
    [250000.02, 250000.0, 249999.99, 249999.99]
    """
    series = _consecutive(_as_monthly(monthly, "monthly"), "monthly")
    missing = series.index[series.isna()]
    if len(missing):
        raise InputError(f"monthly: month {missing[0]} is missing; every month needs an amount")
    if not np.isfinite(series.to_numpy()).all():
        raise InputError("monthly: every month must be a finite amount")
    if len(series) % 3:
        raise InputError(
            f"monthly: needs whole quarters, a multiple of 3 consecutive months; got {len(series)}"
        )
    cents = np.array([_to_cents(v) for v in series], dtype=np.int64)
    quarters = cents.reshape(-1, 3).sum(axis=1)
    labels = pd.Index([f"Q{q}" for q in range(1, len(quarters) + 1)], name="quarter")
    return pd.Series(quarters / 100, index=labels, name=series.name)


# ----------------------------------------------------------------------------
# The revenue plan beside the goal
# ----------------------------------------------------------------------------


def revenue_plan_totals(
    revenue_plan: pd.DataFrame, fy_start: pd.Period | str, months: int = 12
) -> pd.Series:
    """The revenue plan's total of each plan month, all streams together.

    Parameters
    ----------
    revenue_plan : DataFrame
        The pro forma's revenue plan, one row per month and stream, with columns
        ``month`` and ``revenue`` (as in a client folder).
    fy_start : Period or str
        First month of the plan year.
    months : int
        How many months from ``fy_start``; 12 by default.

    Returns
    -------
    Series
        The total of each month (index ``month``), name ``revenue_plan``, to the
        cent; NaN for a month the revenue plan does not cover.

    Examples
    --------
    >>> table = pd.DataFrame({"month": ["2026-01", "2026-01", "2026-02"],
    ...                       "stream": ["Products", "Services", "Products"],
    ...                       "revenue": [100.0, 50.0, 120.0]})
    >>> revenue_plan_totals(table, "2026-01", months=3).tolist()
    [150.0, 120.0, nan]
    """
    if not isinstance(revenue_plan, pd.DataFrame):
        raise InputError(
            f"revenue_plan: expected a table with columns month and revenue; "
            f"got {type(revenue_plan).__name__}"
        )
    absent = [c for c in ("month", "revenue") if c not in revenue_plan.columns]
    if absent:
        raise InputError(
            f"revenue_plan: a table needs the columns month and revenue; missing {absent}"
        )
    start = check.month("fy_start", fy_start)
    index = pd.period_range(start, periods=int(months), freq="M", name="month")
    cents: dict[pd.Period, int] = {}
    for raw_month, raw in zip(revenue_plan["month"], revenue_plan["revenue"], strict=True):
        month = check.month("revenue_plan (month)", raw_month)
        amount = check.finite(f"revenue_plan ({month})", raw)
        if amount < 0:
            raise InputError(f"revenue: month {month} must be 0 or more; got {check.show(raw)}")
        cents[month] = cents.get(month, 0) + _to_cents(amount)
    values = [cents[m] / 100 if m in cents else math.nan for m in index]
    return pd.Series(values, index=index, name="revenue_plan")


def goals_from_revenue_plan(revenue_plan: pd.DataFrame, fy_start: pd.Period | str) -> pd.Series:
    """The monthly goals when the revenue plan is the goal: its total of each month.

    Parameters
    ----------
    revenue_plan : DataFrame
        As for :func:`revenue_plan_totals`; it must cover the 12 plan months.
    fy_start : Period or str
        First month of the plan year.

    Returns
    -------
    Series
        The goal of each month (index ``month``), name ``goal``: exactly the
        revenue plan's total of that month, to the cent, so the year's goal is
        the revenue plan's year and the stress test and the sales plan speak of
        the same sales.

    Examples
    --------
    >>> table = pd.DataFrame({"month": [str(m) for m in pd.period_range("2026-04", periods=12, freq="M")],
    ...                       "revenue": [10_000.0] * 11 + [20_000.0]})
    >>> goals = goals_from_revenue_plan(table, "2026-04")
    >>> float(goals.sum()), float(goals.iloc[-1])
    (130000.0, 20000.0)
    """
    totals = revenue_plan_totals(revenue_plan, fy_start)
    missing = totals.index[totals.isna()]
    if len(missing):
        listed = ", ".join(str(m) for m in missing)
        raise InputError(
            f"revenue_plan: the goal is the revenue plan, so it must cover the 12 plan "
            f"months; no revenue for {listed}"
        )
    if not totals.sum() > 0:
        raise InputError("revenue_plan: the plan year's revenue is 0, so it cannot be the goal")
    return totals.rename("goal")


def goal_vs_revenue_plan(monthly_goals: pd.Series, revenue_plan: pd.Series) -> pd.DataFrame:
    """The sales plan's goal and the pro forma's revenue plan side by side, by quarter.

    Parameters
    ----------
    monthly_goals : Series
        The goal of each of the 12 plan months (:func:`monthly_goals`).
    revenue_plan : Series
        The revenue plan's total by month (:func:`revenue_plan_totals`); a month
        it lacks is NaN.

    Returns
    -------
    DataFrame
        One row per quarter (``Q1`` to ``Q4``) and a ``Year`` row (index
        ``quarter``), columns ``goal``, ``revenue_plan`` and ``difference``
        (revenue plan - goal, to the cent: above 0 the revenue plan expects more
        than the goal asks for). A quarter with a month missing from the revenue
        plan has NaN for ``revenue_plan`` and ``difference``.

    Examples
    --------
    >>> goals = monthly_goals(1_200_000, seasonality(mode="flat"), "2026-01")
    >>> plan = pd.Series([110_000.0] * 12, index=goals.index)
    >>> goal_vs_revenue_plan(goals, plan).loc[["Q1", "Year"], "difference"].tolist()
    [30000.0, 120000.0]
    """
    goals = _plan_year(monthly_goals, "monthly_goals")
    planned = _as_monthly(revenue_plan, "revenue_plan").reindex(goals.index)
    goal_cents = np.array([_to_cents(v) for v in goals], dtype=np.int64).reshape(4, 3)
    plan_values = planned.to_numpy(dtype=float).reshape(4, 3)
    rows = []
    for q in range(4):
        have = bool(np.isfinite(plan_values[q]).all())
        plan_cents = sum(_to_cents(v) for v in plan_values[q]) if have else None
        rows.append((int(goal_cents[q].sum()), plan_cents))
    year_plan = None if any(p is None for _, p in rows) else sum(p for _, p in rows)
    rows.append((int(goal_cents.sum()), year_plan))
    frame = pd.DataFrame(
        {
            "goal": [g / 100 for g, _ in rows],
            "revenue_plan": [math.nan if p is None else p / 100 for _, p in rows],
            "difference": [math.nan if p is None else (p - g) / 100 for g, p in rows],
        },
        index=pd.Index([f"Q{q}" for q in range(1, 5)] + ["Year"], name="quarter"),
    )
    return frame


# ----------------------------------------------------------------------------
# Quotas
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaRep:
    """A rep who carries quota in the plan year.

    Parameters
    ----------
    name : str
        The rep's name (unique in a team).
    weight : float
        Relative size of the rep's share of the goal; 1 for everyone splits the goal
        equally, a senior rep at 1.5 carries half as much again. 0 or more. Only reps
        without an ``annual_quota`` of their own share the goal, so only their
        weights count.
    start : Period or str, optional
        First month employed; None for a rep employed before the year. A rep who
        joined shortly before the plan year is still ramping in its first months.
    end : Period or str, optional
        Last month employed, for a rep who leaves during the year.
    on_target_earnings : float, optional
        The rep's annual pay at 100% of quota, for the quota-to-OTE check.
    annual_quota : float, optional
        The rep's own full-year quota, above 0, when the client has set one. It is
        that rep's quota, prorated to the months employed; None for a rep who gets
        a share of what the own quotas leave of the goal.

    Notes
    -----
    Start and end months count as full months employed. Months given as strings
    (``"2026-07"``) are turned into Periods. A message about a field names it and
    the rep: ``annual_quota of Ann: must be above 0; got 0``.
    """

    name: str
    weight: float = 1.0
    start: pd.Period | None = None
    end: pd.Period | None = None
    on_target_earnings: float | None = None
    annual_quota: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"name: every rep needs a name; got {check.show(self.name)}")
        who = f" of {self.name}"
        weight = _at_least_zero(f"weight{who}", self.weight)
        start = None if self.start is None else check.month(f"start{who}", self.start)
        end = None if self.end is None else check.month(f"end{who}", self.end)
        if start is not None and end is not None and end < start:
            raise InputError(f"end{who}: must not be before the start {start}; got {end}")
        ote = self.on_target_earnings
        if ote is not None:
            ote = check.finite(f"on_target_earnings{who}", ote)
            if not ote > 0:
                raise InputError(f"on_target_earnings{who}: must be above 0; got {check.show(ote)}")
        quota = self.annual_quota
        if quota is not None:
            quota = check.finite(f"annual_quota{who}", quota)
            if not quota > 0:
                raise InputError(
                    f"annual_quota{who}: must be above 0 (leave it empty for a rep who "
                    f"shares the rest of the goal); got {check.show(self.annual_quota)}"
                )
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "on_target_earnings", ote)
        object.__setattr__(self, "annual_quota", quota)


@dataclass(frozen=True)
class _QuotaSplit:
    """The arithmetic shared by :func:`assign_quotas` and :func:`monthly_quotas`."""

    reps: tuple[QuotaRep, ...]
    months: pd.PeriodIndex
    capacity: np.ndarray  # per rep: the part of a full year carried (see assign_quotas)
    spread: np.ndarray  # reps x months: how each rep's quota falls over the months
    employed: np.ndarray  # reps x months, bool
    weights: np.ndarray
    own: np.ndarray  # per rep, bool: the quota is the rep's own
    target: int  # cents: goal x over-assignment
    quota: np.ndarray  # cents per rep
    full_year: np.ndarray  # per rep: the quota of a full, fully ramped year

    @property
    def weighted(self) -> np.ndarray:
        """Weight x capacity of the reps who share the goal; 0 for a rep with an own quota."""
        return np.where(self.own, 0.0, self.weights * self.capacity)


def _ramp(ramp: object) -> tuple[float, ...]:
    return check.ramp("ramp", ramp)


def _reps(reps: object) -> tuple[QuotaRep, ...]:
    listed = isinstance(reps, Sequence) and not isinstance(reps, str)
    if not (listed and len(reps) > 0):
        raise InputError(f"reps: must be a list of one QuotaRep or more; got {check.show(reps)}")
    strangers = [rep for rep in reps if not isinstance(rep, QuotaRep)]
    if strangers:
        raise InputError(f"reps: every rep must be a QuotaRep; got {type(strangers[0]).__name__}")
    names = [rep.name for rep in reps]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(f"reps: names must be unique; {repeated[0]!r} appears more than once")
    return tuple(reps)


def _over_assignment(value: object) -> float:
    factor = check.finite("over_assignment", value)
    if factor < 1.0:
        raise InputError(
            f"over_assignment: must be 1 or more (1.1 assigns 10% more quota than the "
            f"goal); got {check.show(value)}"
        )
    return factor


def _target_cents(goal: object, over_assignment: object) -> int:
    """Goal x over-assignment in whole cents: the goal to the cent first, then the product."""
    goal_cents = _to_cents(_at_least_zero("goal", goal))
    return _to_cents(goal_cents * _over_assignment(over_assignment) / 100)


def _prorated_cents(annual: float, months: int) -> int:
    """annual x months / 12 in whole cents, halves away from zero, worked in decimals."""
    exact = Decimal(repr(float(annual))) * months / 12 * 100
    return int(exact.to_integral_value(rounding=ROUND_HALF_UP))


def _split_quotas(
    goal: object,
    shares: object,
    fy_start: object,
    reps: Sequence[QuotaRep],
    over_assignment: object,
    ramp: object,
) -> _QuotaSplit:
    target = _target_cents(goal, over_assignment)
    calendar_shares = _calendar_shares(shares, "shares")
    months = pd.period_range(check.month("fy_start", fy_start), periods=12, freq="M", name="month")
    season = np.array([calendar_shares[m.month - 1] for m in months])
    fractions = _ramp(ramp)
    team = _reps(reps)
    employed = np.zeros((len(team), 12), dtype=bool)
    ramped = np.zeros((len(team), 12))  # employed x ramp fraction x seasonal share
    for i, rep in enumerate(team):
        for j, month in enumerate(months):
            if (rep.start is not None and month < rep.start) or (
                rep.end is not None and month > rep.end
            ):
                continue
            employed[i, j] = True
            tenure = None if rep.start is None else month.ordinal - rep.start.ordinal
            ramping = tenure is not None and tenure < len(fractions)
            ramped[i, j] = (fractions[tenure] if ramping else 1.0) * season[j]
    own = np.array([rep.annual_quota is not None for rep in team])
    months_employed = employed.sum(axis=1)
    own_cents = np.array(
        [
            _prorated_cents(rep.annual_quota, int(months_employed[i])) if own[i] else 0
            for i, rep in enumerate(team)
        ],
        dtype=np.int64,
    )
    rest = max(0, target - int(own_cents.sum()))
    weights = np.array([rep.weight for rep in team])
    # An own quota falls on the months employed by their seasonal share (evenly if
    # those months have no share); a shared one also follows the ramp.
    seasonal = employed * season
    flat = ~seasonal.any(axis=1, keepdims=True)
    spread = np.where(own[:, None], np.where(flat, employed * 1.0, seasonal), ramped)
    capacity = np.where(own, months_employed / 12.0, ramped.sum(axis=1))
    weighted = np.where(own, 0.0, weights * capacity)
    sharing = ~own
    if sharing.any() and rest > 0:
        if not weights[sharing].sum() > 0:
            raise InputError(
                "weight: the reps' weights sum to 0; at least one rep without a quota of "
                "their own needs a weight above 0 to carry the rest of the goal"
            )
        if not weighted.sum() > 0:
            raise InputError(
                f"reps: nobody carries quota in the plan year {months[0]} to {months[-1]} "
                f"(every rep with a weight is away or in a zero-ramp month throughout)"
            )
    if target > 0 and not own_cents.any() and not weighted.sum() > 0:
        raise InputError(
            f"reps: nobody carries quota in the plan year {months[0]} to {months[-1]} "
            f"(every rep is away throughout)"
        )
    quota = own_cents + (_split_cents(rest, weighted) if sharing.any() else 0)
    rate = rest / 100 / weighted.sum() if weighted.sum() > 0 else 0.0
    full_year = np.array(
        [rep.annual_quota if own[i] else rate * weights[i] for i, rep in enumerate(team)],
        dtype=float,
    )
    return _QuotaSplit(
        reps=team,
        months=months,
        capacity=capacity,
        spread=spread,
        employed=employed,
        weights=weights,
        own=own,
        target=target,
        quota=quota,
        full_year=full_year,
    )


def _ote_check(ratio: float) -> str:
    if math.isnan(ratio):
        return ""
    low, high = HEALTHY_QUOTA_TO_OTE
    if ratio < low:
        return "low"
    return "high" if ratio > high else "healthy"


def _stretched_cents(quota_cents: int, stretch: float) -> int:
    """quota x (1 + stretch) to the cent, halves away from zero, worked in decimals."""
    exact = Decimal(int(quota_cents)) * (1 + Decimal(repr(float(stretch))))
    return int(exact.to_integral_value(rounding=ROUND_HALF_UP))


def assign_quotas(
    goal: float,
    shares: Sequence[float] | Mapping[int, float] | pd.Series,
    fy_start: pd.Period | str,
    reps: Sequence[QuotaRep],
    *,
    over_assignment: float = 1.0,
    ramp: Sequence[float] = DEFAULT_RAMP,
    stretch: float = 0.0,
) -> pd.DataFrame:
    """Each rep's quota for the plan year.

    Parameters
    ----------
    goal, shares, fy_start
        The goal the quotas carry (the reps' share of the company goal), the
        seasonal shares and the first month of the plan year, exactly as
        :func:`monthly_goals` takes them.
    reps : sequence of QuotaRep
        The team carrying the goal: own quotas, weights, start and end months.
    over_assignment : float
        Total quota assigned over the goal, 1 or more (1.1: quotas add up to 110% of
        the goal, so the goal is met even if some reps miss).
    ramp : sequence of float
        Fraction of a full month's quota a rep carries in tenure months 1, 2, ...;
        full quota after the list ends. Default 0, 0.25, 0.5, 0.75. For a linear
        ramp over ``n`` months use ``[k / n for k in range(n)]``; ``[]`` for none.
        Used for the reps who share the goal.
    stretch : float
        The stretch goal above quota as a fraction, 0 or more (0.1 = 10% above).

    Returns
    -------
    DataFrame
        One row per rep, in the order given, with columns:

        - ``rep``, ``weight``;
        - ``own_quota``: True when the quota is the rep's own ``annual_quota``;
        - ``months_employed``: plan months in which the rep is employed;
        - ``capacity``: the part of a full year the rep carries: for an own quota,
          months employed / 12; for a share, each month counted at its share of
          the goal and at the rep's ramp fraction (1 = employed and ramped all
          year);
        - ``effective_share``: the rep's quota over the quotas' total (sums to 1);
        - ``quota``: whole cents;
        - ``stretch_quota``: quota x (1 + stretch), to the cent;
        - ``full_year_quota``: the own annual quota, or the quota of a sharing rep
          of this weight employed and ramped all year (a rate, unrounded);
        - ``on_target_earnings``, ``quota_to_ote`` (full-year quota / OTE) and
          ``ote_check``: "healthy" within 4-6x (inclusive), "low" below,
          "high" above, "" when no OTE is given.

    Notes
    -----
    A quota the client gave a rep is that rep's quota: annual quota x months
    employed / 12, to the cent (halves away from zero), whatever the goal. The rest,
    goal x over-assignment less the own quotas (never below 0), is split among the
    reps without one: a sharing rep's quota = rest x weight x capacity / the sum
    over the sharing reps of weight x capacity, split to the cent so that the
    shares add up to the rest exactly. With at least one sharing rep and own quotas
    below goal x over-assignment, the quotas add up to it exactly; otherwise the
    difference shows in :func:`quota_balance`.

    Months are weighted by their seasonal share of the goal, not counted equally: a
    sharing rep who joins for a busy second half carries more than half a year's
    quota, and one who leaves before the busy season carries less. (The shares are
    used as given, not recovered from the cent-rounded monthly goals, so in a flat
    year a rep employed for three months carries exactly a quarter of a full rep's
    quota.) A rep in tenure month ``k`` (the start month is month 1) counts that
    month at ``ramp[k-1]``, so ramp months of a rep who joined shortly before the
    year count too. The quota a new or leaving rep does not carry is spread over
    the sharing reps by weight (and so over the whole year), not loaded onto the
    months of the vacancy: the monthly team quota of :func:`monthly_quotas` can
    fall short of a month's goal where the team is not complete, which is what the
    hiring timeline is for. An own quota is prorated by months, not by ramp: the
    client's figure is taken as it is.

    The stretch quota of each rep is its quota x (1 + stretch) rounded to the cent
    like the quotas, so two reps with the same quota get the same stretch quota;
    the stretch total is the sum of the reps'. The OTE check uses the full-year
    quota, so a mid-year hire is judged on the plan their pay is designed for, not
    on a part year.

    Examples
    --------
    >>> team = [QuotaRep("Ann"), QuotaRep("Bob"), QuotaRep("Cy", start="2026-07")]
    >>> quotas = assign_quotas(1_200_000, seasonality(mode="flat"), "2026-01", team, ramp=[])
    >>> quotas["quota"].tolist(), quotas["months_employed"].tolist()
    ([480000.0, 480000.0, 240000.0], [12, 12, 6])

    Ann's own quota is kept; Bob and Cy share what is left of 1.2m:

    >>> team = [QuotaRep("Ann", annual_quota=600_000), QuotaRep("Bob"), QuotaRep("Cy")]
    >>> assign_quotas(1_200_000, seasonality(mode="flat"), "2026-01", team)["quota"].tolist()
    [600000.0, 300000.0, 300000.0]
    """
    split = _split_quotas(goal, shares, fy_start, reps, over_assignment, ramp)
    extra = _at_least_zero("stretch", stretch, " (0.1 = 10% above quota)")
    ote = np.array(
        [np.nan if r.on_target_earnings is None else r.on_target_earnings for r in split.reps]
    )
    ratio = split.full_year / ote
    stretched = np.array([_stretched_cents(q, extra) for q in split.quota], dtype=np.int64)
    total = int(split.quota.sum())
    return pd.DataFrame(
        {
            "rep": [r.name for r in split.reps],
            "weight": split.weights,
            "own_quota": split.own,
            "months_employed": split.employed.sum(axis=1).astype(np.int64),
            "capacity": split.capacity,
            "effective_share": split.quota / total if total else np.full(len(split.reps), np.nan),
            "quota": split.quota / 100,
            "stretch_quota": stretched / 100,
            "full_year_quota": split.full_year,
            "on_target_earnings": ote,
            "quota_to_ote": ratio,
            "ote_check": [_ote_check(float(r)) for r in ratio],
        }
    )


@dataclass(frozen=True)
class QuotaBalance:
    """The quotas assigned against what they should add up to: goal x over-assignment.

    Attributes
    ----------
    target : float
        Goal x over-assignment, to the cent.
    assigned : float
        The quotas' total.
    """

    target: float
    assigned: float

    @property
    def difference(self) -> float:
        """assigned - target, to the cent: above 0 an excess, below 0 a shortfall."""
        return (_to_cents(self.assigned) - _to_cents(self.target)) / 100

    @property
    def status(self) -> str:
        """``"excess"``, ``"short"`` or ``"balanced"`` (equal to the cent)."""
        if self.difference > 0:
            return "excess"
        return "short" if self.difference < 0 else "balanced"


def quota_balance(quotas: pd.DataFrame, goal: float, over_assignment: float = 1.0) -> QuotaBalance:
    """The quotas of :func:`assign_quotas` against goal x over-assignment.

    Own quotas are kept whatever the goal, so they can add up to more than goal x
    over-assignment (an excess: the reps are asked for more than the plan needs)
    or, with nobody to share the rest, to less (a shortfall: part of the goal has
    no rep).

    Examples
    --------
    >>> team = [QuotaRep("Ann", annual_quota=900_000), QuotaRep("Bob", annual_quota=750_000)]
    >>> quotas = assign_quotas(1_500_000, seasonality(mode="flat"), "2026-01", team)
    >>> balance = quota_balance(quotas, 1_500_000)
    >>> balance.assigned, balance.difference, balance.status
    (1650000.0, 150000.0, 'excess')
    """
    if not isinstance(quotas, pd.DataFrame) or "quota" not in quotas.columns:
        raise InputError("quotas: expected the table assign_quotas returns (a 'quota' column)")
    assigned = int(sum(_to_cents(v) for v in quotas["quota"]))
    return QuotaBalance(target=_target_cents(goal, over_assignment) / 100, assigned=assigned / 100)


def monthly_quotas(
    goal: float,
    shares: Sequence[float] | Mapping[int, float] | pd.Series,
    fy_start: pd.Period | str,
    reps: Sequence[QuotaRep],
    *,
    over_assignment: float = 1.0,
    ramp: Sequence[float] = DEFAULT_RAMP,
) -> pd.DataFrame:
    """Each rep's quota month by month.

    Takes the same arguments as :func:`assign_quotas` (stretch aside).

    Returns
    -------
    DataFrame
        Months (index ``month``) x reps (columns named after the reps, columns
        name ``rep``). A rep's months are whole cents and add up to the rep's
        quota in :func:`assign_quotas` exactly; months not employed are 0.

    Notes
    -----
    A shared quota is spread over the months in proportion to the rep's capacity in
    each: the month's seasonal share x the rep's ramp fraction in that month. An own
    quota (prorated by months, not by ramp) is spread over the months employed by
    their seasonal shares.

    Examples
    --------
    >>> team = [QuotaRep("Ann"), QuotaRep("Cy", start="2026-09")]
    >>> flat = seasonality(mode="flat")
    >>> monthly_quotas(1_200_000, flat, "2026-01", team, ramp=[0.5, 0.5]).iloc[-4:].to_dict("list")
    {'Ann': [80000.0, 80000.0, 80000.0, 80000.0], 'Cy': [40000.0, 40000.0, 80000.0, 80000.0]}
    """
    split = _split_quotas(goal, shares, fy_start, reps, over_assignment, ramp)
    columns = {
        rep.name: _split_cents(int(split.quota[i]), split.spread[i]) / 100
        for i, rep in enumerate(split.reps)
    }
    frame = pd.DataFrame(columns, index=split.months)
    frame.columns.name = "rep"
    return frame


# ----------------------------------------------------------------------------
# The rep business plan
# ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class BusinessPlan:
    """What a quota asks of a rep: pipeline, opportunities and activities.

    Attributes
    ----------
    quota : float
        The year's quota.
    coverage : float
        Pipeline planned per unit of quota.
    pipeline : float
        coverage x quota: the pipeline value to create over the year.
    average_deal : float
        Average value of a won deal, used to count opportunities.
    win_rate : float
        Share of opportunities won.
    coverage_needed : float
        1 / win rate: the coverage at which the pipeline, won at that rate, just
        makes the quota.
    active_months : int
        Months in which the rep carries quota: the funnel's per-month and
        per-week figures are averages over these.
    funnel : DataFrame
        One row per funnel stage (in order) and a last row ``opportunities``
        (index ``stage``). Columns: ``conversion`` (to the next stage; for
        opportunities, the win rate), ``per_week``, ``per_month`` and ``per_year``
        (whole numbers, rounded up) and the same with ``_exact`` (unrounded).
        A month is the average over the months with quota (year /
        ``active_months``), a week is that month x 12 / 52.
    monthly : DataFrame
        One row per quota month (index ``month``): ``quota``, ``pipeline``,
        ``enter_by`` (the month that pipeline must enter), one column per stage and
        ``opportunities`` (whole numbers: what must happen in the ``enter_by``
        month), then the same with ``_exact`` (unrounded).
    """

    quota: float
    coverage: float
    pipeline: float
    average_deal: float
    win_rate: float
    coverage_needed: float
    funnel: pd.DataFrame
    monthly: pd.DataFrame
    active_months: int = 12

    @property
    def coverage_ok(self) -> bool:
        """True when coverage x win rate reaches 1: the pipeline, won, makes quota."""
        return self.coverage * self.win_rate >= 1.0 - 1e-9


def _whole(values: np.ndarray) -> np.ndarray:
    """Round counts up, ignoring floating-point dust (10.000000000001 is 10)."""
    return np.ceil(np.round(np.asarray(values, dtype=float), 9)).astype(np.int64)


def _funnel(funnel: object) -> list[tuple[str, float]]:
    if isinstance(funnel, Mapping):
        items = list(funnel.items())
    elif isinstance(funnel, Sequence) and not isinstance(funnel, str):
        items = list(funnel)
        for item in items:
            if not (isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 2):
                raise InputError(
                    f"funnel: each stage must be a (name, conversion ratio) pair; got {check.show(item)}"
                )
    else:
        raise InputError(
            "funnel: must map each stage, from the first activity to the last before an "
            "opportunity, to its conversion ratio to the next stage, such as "
            f"{{'calls': 0.2, 'meetings': 0.5}}; got {type(funnel).__name__}"
        )
    stages: list[tuple[str, float]] = []
    for name, ratio in items:
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"funnel: every stage needs a name; got {check.show(name)}")
        if name in _PLAN_COLUMNS or name.endswith("_exact"):
            raise InputError(
                f"funnel: {name!r} cannot name a stage (the plan uses it; the last stage "
                f"converts to opportunities by itself)"
            )
        if name in (n for n, _ in stages):
            raise InputError(f"funnel: stage {name!r} appears more than once")
        number = check.finite(f"funnel ({name})", ratio)
        if not 0.0 < number <= 1.0:
            raise InputError(
                f"funnel ({name}): the conversion ratio must be above 0 and at most 1; "
                f"got {check.show(ratio)}"
            )
        stages.append((name, number))
    return stages


def _quota_by_month(quota: object, fy_start: object) -> pd.Series:
    if isinstance(quota, pd.Series):
        series = _as_monthly(quota, "quota")
        if series.empty:
            raise InputError("quota: no months given")
        _check_amounts(series, "quota")
        return series
    amount = _at_least_zero("quota", quota)
    if fy_start is None:
        raise InputError("fy_start: needed to spread a yearly quota over the plan months")
    return monthly_goals(amount, [1.0] * 12, fy_start)


def business_plan(
    quota: float | pd.Series,
    *,
    average_deal: float,
    win_rate: float,
    cycle_months: float,
    funnel: Mapping[str, float] | Sequence[tuple[str, float]],
    coverage: float = 3.0,
    fy_start: pd.Period | str | None = None,
) -> BusinessPlan:
    """Work a quota back into pipeline, opportunities and activities.

    Parameters
    ----------
    quota : float or Series
        The rep's quota: by month (a Series indexed by month, such as a column of
        :func:`monthly_quotas`), or a yearly amount spread evenly over the 12
        months from ``fy_start``.
    average_deal : float
        Average value of a won deal (above 0).
    win_rate : float
        Share of opportunities won, in (0, 1].
    cycle_months : float
        Months from an opportunity entering the pipeline to its close (0 or more).
        A fraction is rounded up: pipeline entering a little early is the safe side.
    funnel : mapping or sequence of pairs
        The stages from the first activity to the last before an opportunity, in
        order, each with its conversion ratio to the next stage, the last one's to
        an opportunity, each in (0, 1]: ``{"calls": 0.2, "conversations": 0.3,
        "meetings": 0.5}`` reads "1 call in 5 becomes a conversation, ..., 1 meeting
        in 2 becomes an opportunity". May be empty.
    coverage : float
        Pipeline planned per unit of quota (above 0); default 3.
    fy_start : Period or str, optional
        First month of the plan year; needed with a yearly ``quota``.

    Returns
    -------
    BusinessPlan
        The year's figures, the funnel table and the month-by-month plan.

    Notes
    -----
    pipeline = coverage x quota; opportunities = pipeline / average deal; each stage
    = the next stage's count / the stage's conversion ratio, so stage s needs
    opportunities / (product of the ratios from s to the end of the funnel). A
    month's quota must be in the pipeline ``cycle_months`` earlier: the pipeline,
    opportunities and activities of quota month m are due in month m - cycle
    (``enter_by``), which for the first months of the year is before the year starts.
    Activities are taken to happen in the month their opportunities enter.

    Counts are rounded up to whole numbers, each from the unrounded figure, and the
    unrounded value is kept in the ``_exact`` columns. The funnel's per-month and
    per-week figures are averages over the months in which the rep carries quota
    (``active_months``), not over the whole year: a rep who leaves in June does the
    year's work in six months, so their months are twice as busy. The plan follows the chosen
    coverage; the win rate is the check on it (``coverage_needed`` = 1 / win rate,
    ``coverage_ok``): with 3x coverage a rep winning 25% of opportunities falls
    short.

    Examples
    --------
    >>> plan = business_plan(1_200_000, fy_start="2026-01", average_deal=50_000,
    ...                      win_rate=0.4, cycle_months=2,
    ...                      funnel={"calls": 0.1, "meetings": 0.5})
    >>> plan.pipeline, plan.coverage_ok
    (3600000.0, True)
    >>> plan.funnel.index.tolist()
    ['calls', 'meetings', 'opportunities']
    >>> plan.funnel["per_month"].tolist(), plan.funnel["per_week"].tolist()
    ([120, 12, 6], [28, 3, 2])
    >>> round(float(plan.funnel.loc["calls", "per_week_exact"]), 2)
    27.69
    >>> str(plan.monthly["enter_by"].iloc[0])
    '2025-11'
    """
    by_month = _quota_by_month(quota, fy_start)
    deal = check.finite("average_deal", average_deal)
    if not deal > 0:
        raise InputError(f"average_deal: must be above 0; got {check.show(average_deal)}")
    win = _rate("win_rate", win_rate)
    cycle = _at_least_zero("cycle_months", cycle_months)
    lag = math.ceil(round(cycle, 9))
    stages = _funnel(funnel)
    cover = check.finite("coverage", coverage)
    if not cover > 0:
        raise InputError(
            f"coverage: must be above 0 (3 = pipeline worth three times the quota); "
            f"got {check.show(coverage)}"
        )

    per_opportunity: dict[str, float] = {}
    needed = 1.0
    for name, ratio in reversed(stages):
        needed /= ratio
        per_opportunity[name] = needed
    names = [name for name, _ in stages]
    counts = [*names, "opportunities"]

    pipeline = cover * by_month.to_numpy()
    opportunities = pipeline / deal
    exact = {name: opportunities * per_opportunity[name] for name in names}
    exact["opportunities"] = opportunities
    monthly = pd.DataFrame(
        {
            "quota": by_month.to_numpy(),
            "pipeline": pipeline,
            "enter_by": by_month.index - lag,
            **{name: _whole(exact[name]) for name in counts},
            **{f"{name}_exact": exact[name] for name in counts},
        },
        index=by_month.index,
    )

    year = np.array([exact[name].sum() for name in counts])
    # A part-year rep does the year's work in the months they carry quota.
    active = int((by_month.to_numpy() > 0).sum())
    months_in = max(active, 1)
    weeks_in = months_in * 52 / 12
    funnel_table = pd.DataFrame(
        {
            "conversion": [ratio for _, ratio in stages] + [win],
            "per_week": _whole(year / weeks_in),
            "per_month": _whole(year / months_in),
            "per_year": _whole(year),
            "per_week_exact": year / weeks_in,
            "per_month_exact": year / months_in,
            "per_year_exact": year,
        },
        index=pd.Index(counts, name="stage"),
    )
    total = float(np.sum([_to_cents(v) for v in by_month])) / 100
    return BusinessPlan(
        quota=total,
        coverage=cover,
        pipeline=cover * total,
        average_deal=deal,
        win_rate=win,
        coverage_needed=1.0 / win,
        funnel=funnel_table,
        monthly=monthly,
        active_months=active,
    )


# ----------------------------------------------------------------------------
# Objectives for the hiring timeline
# ----------------------------------------------------------------------------


def objectives(monthly_goals: pd.Series, growth: float, months: int = 18) -> pd.Series:
    """Revenue objectives month by month from the start of the plan year.

    Parameters
    ----------
    monthly_goals : Series
        The goal of each of the 12 plan months, as :func:`monthly_goals` returns it.
    growth : float
        Growth assumed beyond the plan year, as a fraction; above -1. Usually the
        plan's own growth rate.
    months : int
        How many months, 1 or more; 18 (six quarters) by default, since the hiring
        timeline needs five quarters of objectives at least.

    Returns
    -------
    Series
        The objective of each month (index ``month``), name ``objective``. Use
        :func:`quarterly_goals` for the quarters.

    Notes
    -----
    The plan year's months are its goals. A later month is the same calendar month
    of the plan year x (1 + growth) for each year beyond: month 13 is month 1 x
    (1 + growth), month 25 is month 1 x (1 + growth)^2. So the following year keeps
    the plan's seasonality and grows at the plan's rate. Each month is rounded to
    the cent.

    Examples
    --------
    >>> goals = monthly_goals(1_200_000, seasonality(mode="flat"), "2026-01")
    >>> later = objectives(goals, growth=0.1)
    >>> later.iloc[[0, 11, 12, 17]].tolist()
    [100000.0, 100000.0, 110000.0, 110000.0]
    >>> quarterly_goals(later).tolist()
    [300000.0, 300000.0, 300000.0, 300000.0, 330000.0, 330000.0]
    """
    goals = _plan_year(monthly_goals, "monthly_goals")
    rate = _growth(growth)
    whole = isinstance(months, int | np.integer) and not isinstance(months, bool | np.bool_)
    if not (whole and months >= 1):
        raise InputError(f"months: must be a whole number of 1 or more; got {check.show(months)}")
    index = pd.period_range(goals.index[0], periods=int(months), freq="M", name="month")
    base = goals.to_numpy()
    values = [_to_cents(base[k % 12] * (1.0 + rate) ** (k // 12)) / 100 for k in range(months)]
    return pd.Series(values, index=index, name="objective")
