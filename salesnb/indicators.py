"""Leading indicators: which activities predict bookings, how far ahead, and what follows.

From the CRM's activities and won opportunities this module works out the figures of
the leading-indicators section:

- :func:`weekly_activity` and :func:`monthly_activity` -- counts of each indicator
  activity per calendar week (Monday to Sunday) or month, in total or by rep, with
  :func:`activity_gaps` for the runs of weeks with no activity of any kind at all;
- :func:`weekly_bookings` -- the value (or the gross margin) of the deals won each week;
- :func:`cross_correlations` and :func:`lead_lags` -- per indicator, the lag of 0 to 13
  weeks at which it best predicts bookings, against a significance band corrected for
  every lag and indicator tried, with a Granger test as a second opinion;
- :func:`forecast_bookings` and :func:`backtest` -- bookings over the next 60 days
  (9 weeks) from the indicators at their leads, with an interval, checked by a
  rolling-origin backtest against a naive forecast (the last 13 weeks' mean);
- :func:`trend_warnings` -- an indicator whose recent weeks fell clearly below its
  longer run, in a sentence a sales manager reads as it is.

Conventions
-----------
A week is the calendar week starting on Monday and is labelled by that Monday (a
``DatetimeIndex`` named ``week``). A week is complete when its Sunday falls before the
as-of date; the series end at the last complete week. Inside the weeks the activity
table covers, a week without activities of one kind counts 0 of that kind.

**The direction of a lag.** A lag of *k* weeks pairs the indicator in week *t* with
bookings in week *t + k*: the activity comes first, the bookings follow. A positive
lead therefore says "what the team does this week shows in bookings k weeks later".
Swapping the two series asks the opposite question (do bookings lead the activity?)
and does not give the same answer.

**60 days.** Sixty days are 8.6 weeks, so a lead of :data:`SIXTY_DAY_WEEKS` (9) weeks or
more is *60-day predictive*: this week's activity is known before the bookings it
predicts, at least 60 days ahead. A reliable lead of 3 weeks is real but too short to
plan on.

Every function is pure (numpy, pandas, statsmodels; no files, no charts) and checks its
input: a bad value raises :class:`~salesnb.errors.InputError` with a message that says
what was wrong and what is needed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from salesnb import _checks as check
from salesnb.errors import InputError

__all__ = [
    "INDICATOR_KINDS",
    "INDICATOR_LABELS",
    "MAX_LAG_WEEKS",
    "MIN_WEEKS",
    "NAIVE_WEEKS",
    "SIXTY_DAY_WEEKS",
    "STATIONARY",
    "Backtest",
    "BookingsForecast",
    "Lead",
    "LeadSearch",
    "TrendWarning",
    "activity_gaps",
    "backtest",
    "cross_correlations",
    "forecast_bookings",
    "lead_lags",
    "min_weeks",
    "monthly_activity",
    "trend_warnings",
    "weekly_activity",
    "weekly_bookings",
]

#: The leading-indicator activity kinds, in the order the section shows them.
INDICATOR_KINDS: tuple[str, ...] = (
    "new_prospect_call",
    "face_to_face",
    "presales_call",
    "discovery_call",
    "demo",
    "executive_presentation",
)

#: Each indicator in words, and the period a manager counts it in (week or month).
INDICATOR_LABELS: Mapping[str, str] = {
    "new_prospect_call": "new-prospect calls",
    "face_to_face": "face-to-face calls",
    "presales_call": "presales/expert calls",
    "discovery_call": "discovery calls",
    "demo": "demos",
    "executive_presentation": "executive presentations",
}
INDICATOR_PERIODS: Mapping[str, str] = {
    "new_prospect_call": "week",
    "face_to_face": "week",
    "presales_call": "week",
    "discovery_call": "month",
    "demo": "month",
    "executive_presentation": "month",
}

#: The longest lead searched, in weeks (a quarter).
MAX_LAG_WEEKS = 13
#: A lead of this many weeks or more predicts bookings at least 60 days ahead (60 / 7 = 8.6).
SIXTY_DAY_WEEKS = 9
#: Weeks of history the naive forecast averages.
NAIVE_WEEKS = 13
#: Pairs of weeks left at the longest lag, at the least: with fewer, the band is so wide
#: (about 0.5 at 38 pairs) that only an overwhelming lead could clear it.
_MIN_PAIRS = 38
#: The highest order of the autoregression that pre-whitens an indicator.
_MAX_AR_ORDER = 6


def min_weeks(max_lag: int = MAX_LAG_WEEKS) -> int:
    """Complete weeks of history the lag search needs: one lost to differencing, the lags,
    and 38 pairs left at the longest lag.

    >>> min_weeks()
    52
    >>> min_weeks(4)
    43
    """
    return 1 + int(max_lag) + _MIN_PAIRS


#: Complete weeks of history needed with the standard search over 0-13 weeks (one year).
MIN_WEEKS = min_weeks(MAX_LAG_WEEKS)


# ----------------------------------------------------------------------------
# Weeks, and checking input
# ----------------------------------------------------------------------------


def _last_complete_week(as_of: pd.Timestamp) -> pd.Timestamp:
    """The Monday of the last week whose Sunday is before ``as_of``."""
    return as_of - pd.Timedelta(days=as_of.day_of_week + 7)


def _monday(dates: pd.Series) -> pd.Series:
    """The Monday of each date's week (the dates at midnight, as ``check.dates`` gives them)."""
    return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")


def _week_range(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    """The Mondays from ``first`` to ``last``, as a plain index (no frequency attached)."""
    weeks = pd.date_range(first, last, freq="7D", name="week")
    return pd.DatetimeIndex(list(weeks), name="week")


def _kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    chosen = tuple(INDICATOR_KINDS if kinds is None else kinds)
    unknown = [k for k in chosen if k not in INDICATOR_LABELS]
    if unknown or not chosen:
        raise InputError(
            f"kinds: each must be one of {', '.join(INDICATOR_KINDS)}; got {list(chosen)}"
        )
    return chosen


def _label(kind: str) -> str:
    return INDICATOR_LABELS.get(kind, str(kind).replace("_", " "))


# ----------------------------------------------------------------------------
# Weekly and monthly series
# ----------------------------------------------------------------------------


def _weeks_of(activities: pd.DataFrame, as_of: object) -> tuple[pd.DataFrame, pd.DatetimeIndex]:
    """The activities up to the last complete week, with their week, and the weeks covered."""
    acts = check.columns("activities", activities, ("owner", "date", "kind"))
    dates = check.dates("activities", acts, "date", blank="refuse")
    last = _last_complete_week(check.day("as_of", as_of))
    acts = acts.assign(date=dates, week=_monday(dates))
    acts = acts.loc[acts["week"] <= last]
    if acts.empty:
        raise InputError(
            f"activities: no activity falls in a complete week before the as-of date "
            f"(the last complete week starts {last.date()})"
        )
    return acts, _week_range(acts["week"].min(), last)


def activity_gaps(
    activities: pd.DataFrame, as_of: object, *, min_weeks: int = 2
) -> tuple[tuple[dt.date, dt.date, int], ...]:
    """The runs of weeks in which the activity table holds no activity of any kind.

    Parameters
    ----------
    activities : DataFrame
        The canonical activities table (``owner``, ``date``, ``kind``); every kind
        counts here, e-mails and tasks included.
    as_of : date
        The analysis date; weeks after the last complete week before it are not looked at.
    min_weeks : int
        The shortest run that counts as a gap. The default, 2, lets a single silent week
        (a holiday week) count as zero activity.

    Returns
    -------
    tuple of (first Monday, last Sunday, weeks)
        One entry per gap, in date order; empty when the table covers every week from
        its first activity to the last complete week.

    Examples
    --------
    >>> acts = pd.DataFrame({"owner": "Ann", "kind": "demo",
    ...     "date": pd.to_datetime(["2026-01-05", "2026-01-12", "2026-02-09"])})
    >>> activity_gaps(acts, "2026-02-16")
    ((datetime.date(2026, 1, 19), datetime.date(2026, 2, 8), 3),)
    """
    acts, weeks = _weeks_of(activities, as_of)
    busy = pd.Series(weeks.isin(acts["week"]), index=weeks)
    gaps = []
    run: list[pd.Timestamp] = []
    for week, active in [*busy.items(), (None, True)]:
        if not active:
            run.append(week)
            continue
        if len(run) >= max(int(min_weeks), 1):
            end = run[-1] + pd.Timedelta(days=6)
            gaps.append((run[0].date(), end.date(), len(run)))
        run = []
    return tuple(gaps)


def weekly_activity(
    activities: pd.DataFrame,
    as_of: object,
    *,
    kinds: Iterable[str] | None = None,
    by_owner: bool = False,
    gap_weeks: int = 2,
) -> pd.DataFrame:
    """Indicator activities per calendar week, in total or by rep.

    Parameters
    ----------
    activities : DataFrame
        The canonical activities table: ``owner``, ``date`` (datetime), ``kind``.
    as_of : date
        The analysis date; the series ends at the last complete week before it (the
        week whose Sunday is before ``as_of``).
    kinds : iterable of str, optional
        The indicator kinds to count, by default all of :data:`INDICATOR_KINDS`.
    by_owner : bool
        With False, one row per week; with True, one row per rep and week (every rep
        over every week, zeros where the rep logged nothing).
    gap_weeks : int
        A run of at least this many weeks with no activity of any kind is a gap.

    Returns
    -------
    DataFrame
        Counts (int), one column per kind, indexed by the week's Monday (``week``), or
        by ``(owner, week)``. The weeks run from the week of the first activity of any
        kind to the last complete week.

    Raises
    ------
    InputError
        When the table has a gap (the export looks incomplete there: the message names
        the weeks), or no activity in a complete week.

    Examples
    --------
    >>> acts = pd.DataFrame({"owner": ["Ann", "Ann", "Bo", "Bo"],
    ...     "kind": ["demo", "email", "demo", "discovery_call"],
    ...     "date": pd.to_datetime(["2026-01-05", "2026-01-13", "2026-01-14", "2026-01-21"])})
    >>> weekly_activity(acts, "2026-01-26", kinds=["discovery_call", "demo"])
    ... # doctest: +NORMALIZE_WHITESPACE
                discovery_call  demo
    week
    2026-01-05               0     1
    2026-01-12               0     1
    2026-01-19               1     0
    """
    chosen = _kinds(kinds)
    gaps = activity_gaps(activities, as_of, min_weeks=gap_weeks)
    if gaps:
        listed = "; ".join(f"{a} to {b} ({n} weeks)" for a, b, n in gaps)
        raise InputError(
            f"activities: no activity of any kind in {listed}; the export looks incomplete "
            "there. Export the missing weeks, or start the analysis after the gap"
        )
    acts, weeks = _weeks_of(activities, as_of)
    acts = acts.loc[acts["kind"].isin(chosen)]
    if not by_owner:
        counts = pd.crosstab(acts["week"], acts["kind"]) if len(acts) else pd.DataFrame()
        out = counts.reindex(index=weeks, columns=list(chosen), fill_value=0)
        out.columns.name = None
        return out.astype(np.int64)
    owners = sorted(activities["owner"].dropna().astype(str).unique())
    index = pd.MultiIndex.from_product([owners, weeks], names=["owner", "week"])
    if len(acts):
        counts = acts.assign(owner=acts["owner"].astype(str)).pivot_table(
            index=["owner", "week"], columns="kind", values="date", aggfunc="count"
        )
    else:
        counts = pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=["owner", "week"]))
    out = counts.reindex(index=index, columns=list(chosen)).fillna(0)
    out.columns.name = None
    return out.astype(np.int64)


def monthly_activity(
    activities: pd.DataFrame,
    as_of: object,
    *,
    kinds: Iterable[str] | None = None,
    by_owner: bool = False,
) -> pd.DataFrame:
    """Indicator activities per calendar month, up to the last complete month before ``as_of``.

    Discovery calls, demos and executive presentations are few a week; a manager counts
    them by the month. Months are monthly ``pd.Period`` values (index ``month``, or
    ``(owner, month)``); months the table covers count 0 where nothing was logged.

    Examples
    --------
    >>> acts = pd.DataFrame({"owner": "Ann", "kind": ["demo", "demo", "demo"],
    ...     "date": pd.to_datetime(["2026-01-05", "2026-01-30", "2026-03-02"])})
    >>> monthly_activity(acts, "2026-04-10", kinds=["demo"])  # doctest: +NORMALIZE_WHITESPACE
             demo
    month
    2026-01     2
    2026-02     0
    2026-03     1
    """
    chosen = _kinds(kinds)
    acts = check.columns("activities", activities, ("owner", "date", "kind"))
    dates = check.dates("activities", acts, "date", blank="refuse")
    last = check.day("as_of", as_of).to_period("M") - 1
    acts = acts.assign(month=dates.dt.to_period("M"))
    acts = acts.loc[acts["month"] <= last]
    if acts.empty:
        raise InputError(f"activities: no activity falls in a complete month up to {last}")
    months = pd.period_range(acts["month"].min(), last, freq="M", name="month")
    acts = acts.loc[acts["kind"].isin(chosen)]
    keys = ["owner", "month"] if by_owner else ["month"]
    counts = acts.assign(owner=acts["owner"].astype(str)).pivot_table(
        index=keys, columns="kind", values="date", aggfunc="count"
    )
    if by_owner:
        owners = sorted(activities["owner"].dropna().astype(str).unique())
        index = pd.MultiIndex.from_product([owners, months], names=["owner", "month"])
    else:
        index = months
    out = counts.reindex(index=index, columns=list(chosen)).fillna(0)
    out.columns.name = None
    return out.astype(np.int64)


def weekly_bookings(
    opportunities: pd.DataFrame,
    as_of: object,
    *,
    weeks: pd.DatetimeIndex | None = None,
    value: str = "amount",
    by_owner: bool = False,
) -> pd.Series:
    """Bookings per calendar week: the amount (or gross margin) of the deals won in it.

    A deal counts in the week of its ``close`` date (the actual close of a won deal).

    Parameters
    ----------
    opportunities : DataFrame
        The canonical opportunities table: ``status``, ``close``, ``amount`` (and
        ``margin`` when ``value="margin"``), ``owner`` when ``by_owner``.
    as_of : date
        The series ends at the last complete week before it.
    weeks : DatetimeIndex, optional
        The weeks (Mondays) to report, typically those of :func:`weekly_activity`; by
        default from the week of the first won deal to the last complete week.
    value : {"amount", "margin"}
        Book the deal's value or its gross margin.
    by_owner : bool
        With True, a Series indexed by ``(owner, week)``.

    Returns
    -------
    Series
        Bookings per week (float, 0 in a week without a won deal), named ``bookings``.

    Examples
    --------
    >>> opps = pd.DataFrame({"status": ["won", "won", "lost", "won"],
    ...     "close": pd.to_datetime(["2026-01-06", "2026-01-08", "2026-01-09", "2026-01-21"]),
    ...     "amount": [1000.0, 500.0, 9000.0, 250.0], "owner": "Ann"})
    >>> weekly_bookings(opps, "2026-01-26")
    week
    2026-01-05    1500.0
    2026-01-12       0.0
    2026-01-19     250.0
    Name: bookings, dtype: float64
    """
    if value not in ("amount", "margin"):
        raise InputError(f"value: must be 'amount' or 'margin'; got {value!r}")
    needed = ("status", "close", value, *(("owner",) if by_owner else ()))
    opps = check.columns("opportunities", opportunities, needed)
    won = opps.loc[opps["status"] == "won"]
    if won.empty:
        raise InputError("opportunities: no won deal; bookings need at least one")
    close = check.dates("won opportunities", won, "close", blank="refuse")
    amounts = pd.to_numeric(won[value], errors="coerce")
    if amounts.isna().any():
        where = won.loc[amounts.isna()].index[0]
        row = int(won.loc[where, "row"]) if "row" in won.columns else None
        raise InputError(
            f"{value}: every won deal needs a {value}; got {won.loc[where, value]!r}",
            row=row,
            column=value,
        )
    last = _last_complete_week(check.day("as_of", as_of))
    won = won.assign(week=_monday(close), booked=amounts.astype(float))
    if weeks is None:
        first = won["week"].min()
        if first > last:
            raise InputError("opportunities: no deal was won in a complete week before as_of")
        weeks = _week_range(first, last)
    weeks = pd.DatetimeIndex(weeks, name="week")
    if by_owner:
        sums = won.groupby([won["owner"].astype(str), "week"])["booked"].sum()
        owners = sorted(opps["owner"].dropna().astype(str).unique())
        index = pd.MultiIndex.from_product([owners, weeks], names=["owner", "week"])
        out = sums.reindex(index, fill_value=0.0)
    else:
        out = won.groupby("week")["booked"].sum().reindex(weeks, fill_value=0.0)
    return out.astype(float).rename("bookings")


# ----------------------------------------------------------------------------
# The lag search
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Lead:
    """What the lag search found for one indicator.

    ``lag_weeks`` is the lag (0 to ``max_lag``) with the strongest positive correlation
    between the indicator and bookings that many weeks later; ``band`` is the
    correlation a random series clears only at the search's false-alarm rate. The lead
    is ``reliable`` when the correlation is above the band, and ``predicts_60_days``
    when it is reliable and at least :data:`SIXTY_DAY_WEEKS` weeks long. ``granger_p``
    is the p-value of a Granger test at that lag (NaN when not run: lag 0, or no
    reliable lead).
    """

    indicator: str
    label: str
    lag_weeks: int
    correlation: float
    band: float
    reliable: bool
    predicts_60_days: bool
    pairs: int
    granger_p: float

    @property
    def verdict(self) -> str:
        """The finding in words."""
        if not self.reliable:
            return "no reliable lead"
        if self.predicts_60_days:
            return f"leads bookings by {self.lag_weeks} weeks (60-day predictive)"
        return f"leads bookings by {self.lag_weeks} weeks (too short for 60 days)"


@dataclass(frozen=True)
class LeadSearch:
    """The lag search over every indicator: its leads and the terms it was run on.

    ``false_alarm_rate`` is the chance that the whole search reports at least one
    reliable lead where none exists (every indicator and lag tried counted); ``tests``
    is the number of (indicator, lag) correlations tried.
    """

    leads: tuple[Lead, ...]
    max_lag: int
    false_alarm_rate: float
    tests: int
    weeks: int
    first_week: dt.date
    last_week: dt.date

    def lead(self, indicator: str) -> Lead:
        """The lead found for one indicator."""
        for lead in self.leads:
            if lead.indicator == indicator:
                return lead
        raise InputError(f"indicator: {indicator!r} was not searched")

    @property
    def sixty_day(self) -> tuple[Lead, ...]:
        """The reliable leads of 9 weeks or more."""
        return tuple(lead for lead in self.leads if lead.predicts_60_days)


def _aligned(indicators: object, bookings: object) -> tuple[pd.DataFrame, pd.Series]:
    if isinstance(indicators, pd.Series):
        indicators = indicators.to_frame()
    if not isinstance(indicators, pd.DataFrame) or indicators.shape[1] == 0:
        raise InputError("indicators: must be a table of weekly counts, one column per indicator")
    if not isinstance(bookings, pd.Series):
        raise InputError(f"bookings: must be a weekly Series; got {type(bookings).__name__}")
    for name, index in (("indicators", indicators.index), ("bookings", bookings.index)):
        if not isinstance(index, pd.DatetimeIndex):
            raise InputError(f"{name}: must be indexed by week (the weeks' Mondays)")
    weeks = indicators.index.intersection(bookings.index).sort_values()
    if len(weeks) == 0:
        raise InputError("indicators and bookings: no week in common")
    broken = np.asarray((weeks[1:] - weeks[:-1]) != pd.Timedelta(days=7))
    if broken.any():
        at = int(np.flatnonzero(broken)[0])
        raise InputError(
            f"indicators and bookings: the weeks must follow one another; after "
            f"{weeks[at].date()} comes {weeks[at + 1].date()}. Give every week, "
            "with 0 where nothing happened"
        )
    x = indicators.loc[weeks].astype(float)
    y = bookings.loc[weeks].astype(float)
    if not np.isfinite(x.to_numpy()).all() or not np.isfinite(y.to_numpy()).all():
        raise InputError("indicators and bookings: every week needs a finite number")
    return x, y


def _check_history(x: pd.DataFrame, y: pd.Series, max_lag: int) -> None:
    needed = min_weeks(max_lag)
    if len(y) < needed:
        raise InputError(
            f"history: the lag search over 0-{max_lag} weeks needs at least {needed} complete "
            f"weeks of activities and bookings; got {len(y)}"
        )
    silent = [c for c in x.columns if not (x[c] != 0).any()]
    if silent:
        names = ", ".join(_label(c) for c in silent)
        raise InputError(
            f"indicators: no activity at all for {names}; leave it out of the search "
            "(or map the export's activity types to it)"
        )
    flat = [c for c in x.columns if x[c].nunique() < 2]
    if flat:
        raise InputError(f"indicators: {', '.join(_label(c) for c in flat)} never varies")
    if y.nunique() < 2:
        raise InputError("bookings: never vary over the weeks; no lead can be measured")


def _ar_filter(x: np.ndarray) -> np.ndarray:
    """Coefficients of the autoregression (order 0-6, least AIC) fitted to ``x``."""
    x = x - x.mean()
    n = len(x)
    best_aic, best = n * math.log(max(float(x @ x) / n, 1e-300)), np.zeros(0)
    for p in range(1, min(_MAX_AR_ORDER, n // 10) + 1):
        lagged = np.column_stack([x[p - j - 1 : n - j - 1] for j in range(p)])
        coef, *_ = np.linalg.lstsq(lagged, x[p:], rcond=None)
        resid = x[p:] - lagged @ coef
        # Compare the orders on the same rows: the variance of the fitted rows, per row.
        aic = n * math.log(max(float(resid @ resid) / (n - p), 1e-300)) + 2 * p
        if aic < best_aic:
            best_aic, best = aic, coef
    return best


def _whiten(series: np.ndarray, coef: np.ndarray) -> np.ndarray:
    p = len(coef)
    centred = series - series.mean()
    out = centred[p:].copy()
    for j in range(p):
        out -= coef[j] * centred[p - j - 1 : len(series) - j - 1]
    return out


#: Ways of making a series stationary before the correlations.
STATIONARY = ("auto", "difference", "detrend")
#: Autocorrelations used to widen the band for what pre-whitening left (Bartlett).
_BARTLETT_LAGS = 10


def _detrend(v: np.ndarray) -> np.ndarray:
    t = np.arange(len(v), dtype=float)
    design = np.column_stack([np.ones_like(t), t])
    coef, *_ = np.linalg.lstsq(design, v, rcond=None)
    return v - design @ coef


def _has_unit_root(v: np.ndarray) -> bool:
    """Whether an augmented Dickey-Fuller test (trend, 4 lags) fails to reject a unit root."""
    from statsmodels.tsa.stattools import adfuller

    return adfuller(v, maxlag=4, regression="ct", autolag=None, result_object=False)[1] > 0.05


def _stationary(x: np.ndarray, y: np.ndarray, how: str) -> tuple[np.ndarray, np.ndarray, str]:
    """Both series differenced or detrended alike, and which it was."""
    x, y = x.astype(float), y.astype(float)
    if how == "auto":
        how = "difference" if _has_unit_root(x) or _has_unit_root(y) else "detrend"
    if how == "difference":
        return np.diff(x), np.diff(y), how
    return _detrend(x), _detrend(y), how


def _prepared(x: np.ndarray, y: np.ndarray, how: str) -> tuple[np.ndarray, np.ndarray]:
    """The indicator and bookings made stationary, pre-whitened each by its own
    autoregression, and turned into ranks."""
    x, y, _ = _stationary(x, y, how)
    w, v = _whiten(x, _ar_filter(x)), _whiten(y, _ar_filter(y))
    n = min(len(w), len(v))
    return _ranks(w[-n:]), _ranks(v[-n:])


def _ranks(v: np.ndarray) -> np.ndarray:
    return pd.Series(v).rank().to_numpy()


def _autocorrelations(v: np.ndarray, lags: int) -> np.ndarray:
    centred = v - v.mean()
    total = float(centred @ centred)
    if total == 0:
        return np.zeros(lags)
    return np.array([float(centred[j:] @ centred[:-j]) / total for j in range(1, lags + 1)])


def _widening(w: np.ndarray, v: np.ndarray) -> float:
    """Bartlett's factor on the variance of a cross-correlation of two unrelated series,
    from the autocorrelation pre-whitening left in each (1 when none, never below)."""
    lags = min(_BARTLETT_LAGS, len(w) // 4)
    return max(1.0, 1.0 + 2.0 * float(_autocorrelations(w, lags) @ _autocorrelations(v, lags)))


def _ccf(w: np.ndarray, v: np.ndarray, max_lag: int) -> np.ndarray:
    """Correlation of ``w[t]`` with ``v[t + k]``, k = 0..max_lag."""
    out = np.full(max_lag + 1, np.nan)
    for k in range(max_lag + 1):
        a, b = w[: len(w) - k], v[k:]
        sa, sb = a.std(), b.std()
        if sa > 0 and sb > 0:
            out[k] = float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))
    return out


def _how(stationary: str) -> str:
    if stationary not in STATIONARY:
        raise InputError(f"stationary: must be one of {', '.join(STATIONARY)}; got {stationary!r}")
    return stationary


def cross_correlations(
    indicators: pd.DataFrame,
    bookings: pd.Series,
    *,
    max_lag: int = MAX_LAG_WEEKS,
    stationary: str = "auto",
) -> pd.DataFrame:
    """Correlation of each indicator in week *t* with bookings in week *t + lag*.

    Both series are first made stationary: with ``stationary="auto"``, week-on-week
    differences when an augmented Dickey-Fuller test finds either one wandering (a unit
    root), else their straight-line trend removed; ``"difference"`` or ``"detrend"``
    forces one way. Each is then pre-whitened by its own autoregression (order 0 to 6,
    least AIC), so that neither series' week-to-week pattern can pass for a lead, and
    replaced by its ranks, so that one very large deal cannot make a lead alone (the
    correlation is Spearman's).

    Returns
    -------
    DataFrame
        One row per lag (``lag``, weeks, 0 to ``max_lag``), one column per indicator.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> weeks = pd.date_range("2024-01-01", periods=80, freq="7D", name="week")
    >>> calls = pd.Series(rng.poisson(30, 80), index=weeks)
    >>> bookings = 1000.0 * calls.shift(4, fill_value=30) + rng.normal(0, 2000, 80)
    >>> corr = cross_correlations(calls.to_frame("demo"), bookings, max_lag=6)
    >>> int(corr["demo"].idxmax())
    4
    """
    how = _how(stationary)
    x, y = _aligned(indicators, bookings)
    if len(y) < max_lag + 3:
        raise InputError(f"history: needs more than {max_lag + 2} weeks; got {len(y)}")
    columns = {}
    for name in x.columns:
        w, v = _prepared(x[name].to_numpy(), y.to_numpy(), how)
        columns[name] = _ccf(w, v, int(max_lag))
    return pd.DataFrame(columns, index=pd.RangeIndex(int(max_lag) + 1, name="lag"))


def _granger_p(x: np.ndarray, y: np.ndarray, lag: int, how: str) -> float:
    """The p-value of the F test that ``x``'s past up to ``lag`` weeks adds to ``y``'s
    (both made stationary the way the search made them)."""
    from statsmodels.tools.sm_exceptions import InfeasibleTestError
    from statsmodels.tsa.stattools import grangercausalitytests

    if lag < 1:
        return math.nan
    xs, ys, _ = _stationary(x, y, how)
    data = np.column_stack([ys, xs])
    try:
        result = grangercausalitytests(data, maxlag=[lag])
    except ValueError:  # too few weeks for that many lags
        return math.nan
    except InfeasibleTestError:  # a lagged column never varies (activity only at the end)
        return math.nan
    return float(result[lag][0]["ssr_ftest"][1])


def lead_lags(
    indicators: pd.DataFrame,
    bookings: pd.Series,
    *,
    max_lag: int = MAX_LAG_WEEKS,
    false_alarm_rate: float = 0.05,
    stationary: str = "auto",
) -> LeadSearch:
    """Per indicator, the lag at which it best predicts bookings, and whether to trust it.

    Parameters
    ----------
    indicators : DataFrame
        Weekly counts, one column per indicator, indexed by week (as
        :func:`weekly_activity` gives them).
    bookings : Series
        Weekly bookings on the same weeks (as :func:`weekly_bookings` gives them).
    max_lag : int
        The longest lead searched, in weeks (13: a quarter).
    false_alarm_rate : float
        The chance, for the search as a whole, of reporting a reliable lead where the
        indicators carry none (5%).
    stationary : {"auto", "difference", "detrend"}
        How the series are made stationary (see :func:`cross_correlations`).

    Returns
    -------
    LeadSearch
        One :class:`Lead` per indicator, in the columns' order.

    Notes
    -----
    The direction: lag *k* pairs the indicator in week *t* with bookings in week
    *t + k* (activity first). Only a positive correlation is a lead (more activity,
    more bookings later); the best lag is the one with the largest correlation.

    The band: both series made stationary and pre-whitened (:func:`cross_correlations`),
    the correlation of two unrelated series over *n* pairs is about normal with
    standard deviation 1 / sqrt(n), widened by Bartlett's factor for whatever
    autocorrelation the whitening left (over 10 lags; never narrowed). The search tries
    ``m`` = (indicators x lags) correlations, so each is held to the one-sided level
    1 - (1 - rate)^(1/m) (Sidak), and the band at lag *k* is z x sqrt(factor / pairs at
    *k*). Six indicators and 14 lags make 84 tries; at 5% each correlation must clear
    z = 3.2, about 0.33 on two years of weeks. The rate measured over random series is
    checked in the tests.

    The Granger test (statsmodels' F test on the stationary series, up to the lead)
    is a second opinion on a reliable lead; its p-value is reported, not used.

    Examples
    --------
    >>> rng = np.random.default_rng(7)
    >>> weeks = pd.date_range("2024-01-01", periods=104, freq="7D", name="week")
    >>> demos = pd.Series(rng.poisson(20, 104), index=weeks)
    >>> bookings = 2000.0 * demos.shift(10, fill_value=20) + rng.normal(0, 4000, 104)
    >>> found = lead_lags(demos.to_frame("demo"), bookings).lead("demo")
    >>> found.lag_weeks, found.reliable, found.predicts_60_days
    (10, True, True)
    >>> found.verdict
    'leads bookings by 10 weeks (60-day predictive)'
    """
    max_lag = int(max_lag)
    if not 0 <= max_lag <= 52:
        raise InputError(f"max_lag: must be 0 to 52 weeks; got {max_lag}")
    if not 0 < float(false_alarm_rate) < 1:
        raise InputError(f"false_alarm_rate: must be above 0 and below 1; got {false_alarm_rate}")
    how = _how(stationary)
    x, y = _aligned(indicators, bookings)
    _check_history(x, y, max_lag)
    tests = x.shape[1] * (max_lag + 1)
    per_test = 1.0 - (1.0 - float(false_alarm_rate)) ** (1.0 / tests)
    z = NormalDist().inv_cdf(1.0 - per_test)
    leads = []
    for name in x.columns:
        w, v = _prepared(x[name].to_numpy(), y.to_numpy(), how)
        corr = _ccf(w, v, max_lag)
        pairs = len(w) - np.arange(max_lag + 1)
        bands = z * np.sqrt(_widening(w, v) / pairs)
        lag = int(np.nanargmax(corr)) if np.isfinite(corr).any() else 0
        r = float(corr[lag]) if np.isfinite(corr[lag]) else 0.0
        reliable = bool(r > bands[lag])
        granger = _granger_p(x[name].to_numpy(), y.to_numpy(), lag, how) if reliable else math.nan
        leads.append(
            Lead(
                indicator=str(name),
                label=_label(str(name)),
                lag_weeks=lag,
                correlation=round(r, 6),
                band=round(float(bands[lag]), 6),
                reliable=reliable,
                predicts_60_days=reliable and lag >= SIXTY_DAY_WEEKS,
                pairs=int(pairs[lag]),
                granger_p=granger,
            )
        )
    return LeadSearch(
        leads=tuple(leads),
        max_lag=max_lag,
        false_alarm_rate=float(false_alarm_rate),
        tests=tests,
        weeks=len(y),
        first_week=y.index[0].date(),
        last_week=y.index[-1].date(),
    )


# ----------------------------------------------------------------------------
# The 60-day forecast and its backtest
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Backtest:
    """A rolling-origin backtest of the 9-week bookings forecast against the naive one.

    At each origin (a past week), the forecast is made from the weeks up to it only and
    compared with the bookings of the ``horizon_weeks`` that followed. ``mae_*`` are
    mean absolute errors of the window's total; ``mape_*`` the mean absolute errors in
    percent of the actual total, given only when no window's bookings were zero;
    ``coverage_*`` the share of windows whose actual fell inside the interval. The
    indicators' figures are None when no indicator leads far enough to forecast.
    ``beats_naive`` is True only when the indicators' error is lower and the
    difference is significant (``p_value`` of a one-sided Diebold-Mariano test below
    0.05): a lucky backtest on noise does not count.
    """

    horizon_weeks: int
    origins: int
    first_origin: dt.date
    last_origin: dt.date
    mae_naive: float
    mape_naive: float | None
    coverage_naive: float
    mae_indicators: float | None
    mape_indicators: float | None
    coverage_indicators: float | None
    p_value: float | None
    beats_naive: bool
    weeks: tuple[dt.date, ...]
    actual: tuple[float, ...]
    naive: tuple[float, ...]
    indicators: tuple[float, ...] | None


@dataclass(frozen=True)
class BookingsForecast:
    """Bookings over the next 60 days (``horizon_weeks`` weeks from ``first_week``).

    ``forecast``, ``low`` and ``high`` are what to show: the indicators' forecast when
    it beat the naive one in the backtest (``method="indicators"``), else the naive
    one (``method="naive"``); ``summary`` says which, and why, in a sentence. Both
    forecasts are kept (the indicators' is None when no indicator leads by
    ``horizon_weeks`` or more). ``interval`` is the interval's coverage (0.8: an 80%
    interval).
    """

    first_week: dt.date
    last_day: dt.date
    horizon_weeks: int
    method: str
    forecast: float
    low: float
    high: float
    interval: float
    naive_forecast: float
    naive_low: float
    naive_high: float
    indicators_forecast: float | None
    indicators_low: float | None
    indicators_high: float | None
    indicators: tuple[str, ...]
    lags: tuple[int, ...]
    backtest: Backtest
    summary: str


def _lags(x: pd.DataFrame, lags: Mapping[str, int], horizon: int) -> dict[str, int]:
    out = {}
    for name, lag in lags.items():
        if name not in x.columns:
            raise InputError(f"lags: {name!r} is not one of the indicators")
        lag = int(lag)
        if lag < horizon:
            raise InputError(
                f"lags: a lead of {lag} weeks ({_label(name)}) cannot forecast bookings "
                f"{horizon} weeks out; only leads of {horizon} weeks or more can"
            )
        out[name] = lag
    return out


def _fit_predict(
    x: np.ndarray, y: np.ndarray, lags: np.ndarray, origin: int, horizon: int
) -> tuple[float, float]:
    """OLS of bookings on the indicators at their lags, over weeks up to ``origin``;
    the forecast total of the next ``horizon`` weeks and its standard error."""
    start = int(lags.max())
    rows = np.arange(start, origin + 1)
    design = np.column_stack(
        [np.ones(len(rows))] + [x[rows - lag, i] for i, lag in enumerate(lags)]
    )
    coef, *_ = np.linalg.lstsq(design, y[rows], rcond=None)
    resid = y[rows] - design @ coef
    dof = max(len(rows) - design.shape[1], 1)
    sigma2 = float(resid @ resid) / dof
    ahead = origin + 1 + np.arange(horizon)
    future = np.column_stack([np.ones(horizon)] + [x[ahead - lag, i] for i, lag in enumerate(lags)])
    total = future.sum(axis=0)
    inverse = np.linalg.pinv(design.T @ design)
    var = sigma2 * (horizon + float(total @ inverse @ total))
    return float(total @ coef), math.sqrt(max(var, 0.0))


def _naive(y: np.ndarray, origin: int, horizon: int, weeks: int) -> tuple[float, float]:
    recent = y[origin + 1 - weeks : origin + 1]
    spread = float(recent.std(ddof=1)) if len(recent) > 1 else 0.0
    se = spread * math.sqrt(horizon + horizon**2 / len(recent))
    return float(recent.mean()) * horizon, se


def _dm_p(naive_err: np.ndarray, model_err: np.ndarray, horizon: int) -> float:
    """One-sided Diebold-Mariano p-value that the model's absolute errors are smaller.

    The windows of overlapping origins share weeks, so the variance of the mean
    difference is Newey-West's, over ``horizon - 1`` autocovariances.
    """
    d = np.abs(naive_err) - np.abs(model_err)
    n = len(d)
    centred = d - d.mean()
    var = float(centred @ centred) / n
    for j in range(1, min(horizon, n)):
        var += 2 * (1 - j / horizon) * float(centred[j:] @ centred[:-j]) / n
    if var <= 0:
        return 0.0 if d.mean() > 0 else 1.0
    return 1.0 - NormalDist().cdf(d.mean() / math.sqrt(var / n))


def _mape(errors: np.ndarray, actual: np.ndarray) -> float | None:
    if (actual <= 0).any():
        return None
    return float(np.mean(np.abs(errors) / actual) * 100)


def _check_forecast_terms(horizon: int, interval: float, naive_weeks: int) -> None:
    if horizon < 1:
        raise InputError(f"horizon_weeks: must be 1 or more; got {horizon}")
    if not 0 < interval < 1:
        raise InputError(f"interval: must be above 0 and below 1 (0.8 = 80%); got {interval}")
    if naive_weeks < 2:
        raise InputError(f"naive_weeks: must be 2 or more; got {naive_weeks}")


def backtest(
    indicators: pd.DataFrame,
    bookings: pd.Series,
    lags: Mapping[str, int],
    *,
    horizon_weeks: int = SIXTY_DAY_WEEKS,
    min_train: int = MIN_WEEKS,
    naive_weeks: int = NAIVE_WEEKS,
    interval: float = 0.8,
) -> Backtest:
    """Forecast each past window of ``horizon_weeks`` from the weeks before it, both ways.

    Parameters
    ----------
    indicators, bookings
        Weekly series on the same weeks, as for :func:`lead_lags`.
    lags : mapping of indicator to weeks
        The indicators to forecast with, at their leads (each ``horizon_weeks`` or more);
        empty for the naive forecast alone.
    horizon_weeks : int
        The window forecast (9 weeks: 60 days).
    min_train : int
        Weeks of history before the first origin.
    naive_weeks : int
        The naive forecast is the mean of this many last weeks, times the window.
    interval : float
        The coverage of the forecast interval whose hit rate is reported.

    Notes
    -----
    At each origin the indicators' regression (bookings on each indicator that many
    weeks earlier, with an intercept) is fitted again on the weeks up to the origin.
    The leads themselves are the ones given, typically found on the whole history:
    their choice has seen the future, which the significance band and the
    Diebold-Mariano test are there to keep honest.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> weeks = pd.date_range("2024-01-01", periods=120, freq="7D", name="week")
    >>> calls = pd.DataFrame({"demo": rng.poisson(20, 120)}, index=weeks)
    >>> bookings = 1000.0 * calls["demo"].shift(10, fill_value=20) + rng.normal(0, 2000, 120)
    >>> test = backtest(calls, bookings, {"demo": 10})
    >>> test.origins, test.beats_naive, test.mae_indicators < test.mae_naive
    (60, True, True)
    """
    horizon, naive_weeks = int(horizon_weeks), int(naive_weeks)
    _check_forecast_terms(horizon, float(interval), naive_weeks)
    x, y = _aligned(indicators, bookings)
    chosen = _lags(x, lags, horizon)
    need = max(int(min_train), naive_weeks, max(chosen.values(), default=0) + 10)
    if len(y) < need + horizon:
        raise InputError(
            f"history: the backtest needs at least {need + horizon} weeks ({need} before the "
            f"first origin and {horizon} to forecast); got {len(y)}"
        )
    xv = x[list(chosen)].to_numpy()
    yv = y.to_numpy()
    lag_array = np.array(list(chosen.values()), dtype=int)
    z = NormalDist().inv_cdf(0.5 + float(interval) / 2)
    origins = np.arange(need - 1, len(yv) - horizon)
    actual = np.array([yv[o + 1 : o + 1 + horizon].sum() for o in origins])
    naive = np.array([_naive(yv, o, horizon, naive_weeks) for o in origins])
    naive_err = actual - naive[:, 0]
    result = {
        "horizon_weeks": horizon,
        "origins": len(origins),
        "first_origin": y.index[origins[0]].date(),
        "last_origin": y.index[origins[-1]].date(),
        "mae_naive": float(np.mean(np.abs(naive_err))),
        "mape_naive": _mape(naive_err, actual),
        "coverage_naive": float(np.mean(np.abs(naive_err) <= z * naive[:, 1])),
        "weeks": tuple(y.index[o].date() for o in origins),
        "actual": tuple(float(a) for a in actual),
        "naive": tuple(float(a) for a in naive[:, 0]),
    }
    if not chosen:
        return Backtest(
            **result,
            mae_indicators=None,
            mape_indicators=None,
            coverage_indicators=None,
            p_value=None,
            beats_naive=False,
            indicators=None,
        )
    model = np.array([_fit_predict(xv, yv, lag_array, o, horizon) for o in origins])
    model_err = actual - model[:, 0]
    mae_model = float(np.mean(np.abs(model_err)))
    p = _dm_p(naive_err, model_err, horizon)
    return Backtest(
        **result,
        mae_indicators=mae_model,
        mape_indicators=_mape(model_err, actual),
        coverage_indicators=float(np.mean(np.abs(model_err) <= z * model[:, 1])),
        p_value=p,
        beats_naive=bool(mae_model < result["mae_naive"] and p < 0.05),
        indicators=tuple(float(a) for a in model[:, 0]),
    )


def _money(amount: float) -> str:
    return f"{amount:,.0f}"


def forecast_bookings(
    indicators: pd.DataFrame,
    bookings: pd.Series,
    search: LeadSearch,
    *,
    horizon_weeks: int = SIXTY_DAY_WEEKS,
    interval: float = 0.8,
    naive_weeks: int = NAIVE_WEEKS,
    min_train: int = MIN_WEEKS,
) -> BookingsForecast:
    """Bookings over the next 60 days from the indicators at their leads, or the naive forecast.

    Parameters
    ----------
    indicators, bookings
        The weekly series the lead search ran on.
    search : LeadSearch
        The result of :func:`lead_lags`; its reliable leads of ``horizon_weeks`` or more
        are the forecast's inputs.
    horizon_weeks : int
        The window forecast, from the week after the last complete week (9 weeks, the
        first whole weeks reaching 60 days).
    interval : float
        Coverage of the interval (0.8 = 80%).
    naive_weeks, min_train
        As for :func:`backtest`.

    Returns
    -------
    BookingsForecast

    Notes
    -----
    The indicators' forecast is an ordinary least-squares regression of weekly bookings
    on each indicator that many weeks earlier (with an intercept), fitted on the whole
    history; a lead of 9 weeks or more means every input of the next 9 weeks is already
    known. Its interval is normal, from the regression's residual variance and the
    uncertainty of its coefficients. The naive forecast is the last ``naive_weeks``
    weeks' mean bookings times the window, its interval from their spread. The
    indicators' forecast is shown only when its backtest beat the naive one
    (:class:`Backtest`); otherwise the summary says so and the naive one is shown.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> weeks = pd.date_range("2024-01-01", periods=120, freq="7D", name="week")
    >>> calls = pd.DataFrame({"demo": rng.poisson(20, 120)}, index=weeks)
    >>> bookings = 1000.0 * calls["demo"].shift(10, fill_value=20) + rng.normal(0, 2000, 120)
    >>> ahead = forecast_bookings(calls, bookings, lead_lags(calls, bookings))
    >>> ahead.method, ahead.first_week, ahead.low < ahead.forecast < ahead.high
    ('indicators', datetime.date(2026, 4, 20), True)
    """
    horizon, naive_weeks = int(horizon_weeks), int(naive_weeks)
    _check_forecast_terms(horizon, float(interval), naive_weeks)
    x, y = _aligned(indicators, bookings)
    leads = [lead for lead in search.leads if lead.reliable and lead.lag_weeks >= horizon]
    lags = {lead.indicator: lead.lag_weeks for lead in leads}
    test = backtest(
        x,
        y,
        lags,
        horizon_weeks=horizon,
        min_train=min_train,
        naive_weeks=naive_weeks,
        interval=interval,
    )
    z = NormalDist().inv_cdf(0.5 + float(interval) / 2)
    last = len(y) - 1
    naive, naive_se = _naive(y.to_numpy(), last, horizon, naive_weeks)
    first_week = (y.index[-1] + pd.Timedelta(days=7)).date()
    last_day = (y.index[-1] + pd.Timedelta(days=7 * horizon + 6)).date()
    model = model_low = model_high = None
    if lags:
        value, se = _fit_predict(
            x[list(lags)].to_numpy(), y.to_numpy(), np.array(list(lags.values())), last, horizon
        )
        model, model_low, model_high = value, max(value - z * se, 0.0), value + z * se
    naive_low, naive_high = max(naive - z * naive_se, 0.0), naive + z * naive_se
    names = ", ".join(f"{_label(k)} at {v} weeks" for k, v in lags.items())
    if not lags:
        summary = (
            f"No activity leads bookings reliably by {horizon} weeks or more, so the "
            f"forecast is the naive one: the last {naive_weeks} weeks' mean, "
            f"{_money(naive)} over the next {horizon} weeks."
        )
    elif test.beats_naive:
        summary = (
            f"From {names}: {_money(model)} over the next {horizon} weeks "
            f"({interval:.0%} interval {_money(model_low)} to {_money(model_high)}). In the "
            f"backtest its error was {_money(test.mae_indicators)} against "
            f"{_money(test.mae_naive)} for the naive forecast."
        )
    else:
        summary = (
            f"The indicators ({names}) did not beat the naive forecast in the backtest "
            f"(error {_money(test.mae_indicators)} against {_money(test.mae_naive)}), so the "
            f"forecast shown is the naive one: {_money(naive)} over the next {horizon} weeks."
        )
    shown = (model, model_low, model_high) if test.beats_naive else (naive, naive_low, naive_high)
    return BookingsForecast(
        first_week=first_week,
        last_day=last_day,
        horizon_weeks=horizon,
        method="indicators" if test.beats_naive else "naive",
        forecast=float(shown[0]),
        low=float(shown[1]),
        high=float(shown[2]),
        interval=float(interval),
        naive_forecast=naive,
        naive_low=naive_low,
        naive_high=naive_high,
        indicators_forecast=model,
        indicators_low=model_low,
        indicators_high=model_high,
        indicators=tuple(lags),
        lags=tuple(lags.values()),
        backtest=test,
        summary=summary,
    )


# ----------------------------------------------------------------------------
# Warnings: an indicator trending down
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendWarning:
    """An indicator whose recent weeks fell clearly below its longer run.

    ``fall`` is 1 - recent / baseline weekly mean (0.2 = down 20%). ``lag_weeks`` is the
    indicator's reliable lead, when the search found one, and ``soften_from`` the first
    day of the month in which the fall reaches bookings (the first recent week plus the
    lead); both None otherwise. ``sentence`` says it all in words.
    """

    indicator: str
    label: str
    recent_weeks: int
    baseline_weeks: int
    recent_per_week: float
    baseline_per_week: float
    fall: float
    lag_weeks: int | None
    soften_from: dt.date | None
    sentence: str


def _rate_text(kind: str, per_week: float) -> str:
    if INDICATOR_PERIODS.get(kind) == "month":
        return f"{per_week * 52 / 12:.1f} a month"
    return f"{per_week:.1f} a week"


def trend_warnings(
    indicators: pd.DataFrame,
    search: LeadSearch | None = None,
    *,
    recent_weeks: int = 6,
    baseline_weeks: int = 26,
    min_fall: float = 0.15,
    false_alarm_rate: float = 0.05,
) -> tuple[TrendWarning, ...]:
    """The indicators trending down: their last weeks clearly below the weeks before.

    Parameters
    ----------
    indicators : DataFrame
        Weekly counts, one column per indicator (as :func:`weekly_activity` gives them).
    search : LeadSearch, optional
        The lead search, to say when the fall reaches bookings.
    recent_weeks : int
        The recent window (6 weeks).
    baseline_weeks : int
        The longer run it is compared with: the weeks just before the recent window (26).
    min_fall : float
        The smallest fall worth a warning (0.15 = 15%).
    false_alarm_rate : float
        The chance that a flat, noisy set of indicators raises any warning (5%).

    Returns
    -------
    tuple of TrendWarning
        One per indicator that fell, in the columns' order; empty when none did.

    Notes
    -----
    An indicator trips when its recent weekly mean is at least ``min_fall`` below the
    baseline's and the drop is beyond its week-to-week noise: (baseline mean - recent
    mean) / (s x sqrt(1/recent + 1/baseline)) above the normal quantile for
    ``false_alarm_rate`` split over the indicators (Sidak), where s is the standard
    deviation of the baseline weeks. A flat series with ordinary noise therefore
    stays quiet, however noisy.

    Examples
    --------
    >>> weeks = pd.date_range("2026-01-05", periods=32, freq="7D", name="week")
    >>> calls = pd.DataFrame({"discovery_call": [10, 12, 8, 11, 9, 10] * 4 + [10, 9]
    ...     + [8, 7, 8, 9, 7, 9]}, index=weeks)
    >>> (warning,) = trend_warnings(calls)
    >>> print(warning.sentence)
    Discovery calls fell 20% over 6 weeks (34.7 a month against 43.2 a month in the 26 weeks before).
    """
    recent, base = int(recent_weeks), int(baseline_weeks)
    if recent < 1 or base < 2:
        raise InputError(
            f"recent_weeks and baseline_weeks: must be at least 1 and 2; got {recent}, {base}"
        )
    if not 0 <= float(min_fall) < 1:
        raise InputError(f"min_fall: must be 0 or more and below 1; got {min_fall}")
    if isinstance(indicators, pd.Series):
        indicators = indicators.to_frame()
    if not isinstance(indicators, pd.DataFrame) or indicators.shape[1] == 0:
        raise InputError("indicators: must be a table of weekly counts, one column per indicator")
    if len(indicators) < recent + base:
        raise InputError(
            f"history: a trend over {recent} weeks against {base} needs {recent + base} weeks; "
            f"got {len(indicators)}"
        )
    per_test = 1.0 - (1.0 - float(false_alarm_rate)) ** (1.0 / indicators.shape[1])
    z = NormalDist().inv_cdf(1.0 - per_test)
    leads = {lead.indicator: lead for lead in search.leads} if search is not None else {}
    start = pd.Timestamp(indicators.index[-recent])
    out = []
    for name in indicators.columns:
        values = indicators[name].to_numpy(dtype=float)
        now, before = values[-recent:], values[-recent - base : -recent]
        mean_now, mean_before = float(now.mean()), float(before.mean())
        if mean_before <= 0:
            continue
        fall = 1.0 - mean_now / mean_before
        spread = float(before.std(ddof=1))
        noise = spread * math.sqrt(1 / recent + 1 / base)
        clear = (mean_before - mean_now) > z * noise if noise > 0 else mean_now < mean_before
        if fall < float(min_fall) or not clear:
            continue
        kind = str(name)
        label = _label(kind)
        text = (
            f"{label[0].upper()}{label[1:]} fell {fall:.0%} over {recent} weeks "
            f"({_rate_text(kind, mean_now)} against {_rate_text(kind, mean_before)} "
            f"in the {base} weeks before)"
        )
        lead = leads.get(kind)
        lag = soften = None
        if lead is not None and lead.reliable:
            lag = lead.lag_weeks
            month = (start + pd.Timedelta(weeks=lag)).to_period("M")
            soften = month.start_time.date()
            text += f"; at a {lag}-week lead, expect bookings to soften from {month:%B %Y}"
        elif lead is not None:
            text += "; no reliable lead to bookings was found for them, so no month is given"
        out.append(
            TrendWarning(
                indicator=kind,
                label=label,
                recent_weeks=recent,
                baseline_weeks=base,
                recent_per_week=round(mean_now, 6),
                baseline_per_week=round(mean_before, 6),
                fall=round(fall, 6),
                lag_weeks=lag,
                soften_from=soften,
                sentence=text + ".",
            )
        )
    return tuple(out)
