"""The sales dashboard's figures, worked out from the CRM tables.

Each function takes the canonical CRM frames (opportunities, activities, forecasts,
lead spend, receivables, consultant hours; see the client folder's CRM tables) and
plain values, and returns a DataFrame or a small frozen dataclass:

- :func:`win_rates` -- won / (won + lost), by count and by value;
- :func:`average_order_value` -- the mean won amount;
- :func:`sales_cycle` -- median (and mean) days from created to close of won deals;
- :func:`open_pipeline` -- open value and count by stage, in the stage order;
- :func:`weighted_pipeline` -- open value x probability (the deal's, else its stage's);
- :func:`sales_velocity` -- open deals x win rate x average deal / cycle days;
- :func:`forecast_error` and :func:`forecast_accuracy` -- forecast accuracy and bias
  by rep and month;
- :func:`weekly_activities` and :func:`activity_vs_standard` -- activities per rep per
  week by kind, against the standard per week;
- :func:`account_type_share` -- net-new and existing-account shares of won sales,
  month and year to date;
- :func:`revenue_per_customer` -- won amount by account and its share of the total;
- :func:`cost_per_lead` -- lead-source spend / leads;
- :func:`days_sales_outstanding` -- open receivables / recent invoicing x days;
- :func:`rep_profitability` and :func:`direct_sales_expense` -- what the reps' sales
  earn against what the reps cost;
- :func:`services_rates` -- blended rate, realization, utilization and backlog days;
- :func:`forecast_rollup` -- the forecast categories rolled up cumulatively;
- :func:`goalboard` -- reps ranked by quota attainment and by activity vs. standard;
- :func:`top_forecast_accounts` -- the largest open deals due this month or quarter;
- :func:`to_date` -- the week, month, quarter or year to date of an as-of date.

Conventions
-----------
**Rows.** A figure "by rep and in total" is a DataFrame indexed by ``owner`` (the reps
in alphabetical order, then a row labelled :data:`TOTAL`, worked out from every row
that counts, not averaged over reps). Given ``freq``, the index is (``period``,
``owner``), the total last within each period. ``freq`` is ``"W"`` (weeks Monday to
Sunday), ``"M"``, ``"Q"`` or ``"Y"`` (quarters and years follow ``fy_start_month``), or
any pandas period frequency.

**Windows.** ``start`` and ``end`` are dates, both included; ``None`` leaves that side
open. :func:`to_date` gives the window of a period to date (the quarter to date of
2027-01-08 is 2027-01-01 to 2027-01-08). Each docstring says which date puts a row in
the window: a won or lost deal counts in the period of its close date, an open deal is
counted as it stands in the export.

**Ratios** are fractions (0.25 is 25%), except forecast accuracy, which the CRM
convention states as 0 to 100. A ratio with nothing below the line is NaN, never 0
or infinite.

**Not available.** A figure whose input is absent (the table is ``None``, a field it
needs is not a column, or the column is blank in every row, as the loader leaves an
optional field the export lacks) returns a :class:`NotAvailable` value instead of a
table; ``str()`` of it reads ``not available: needs close (opportunities)``. Nothing
raises for absent input, and no absent input is counted as zero. :func:`needs` is the
one check every figure makes; the analysis layer tests a result with
``isinstance(result, NotAvailable)`` (or :func:`available`) and shows the sentence.
Bad values that are present (an unknown forecast base, a negative number of days) raise
:class:`~salesnb.errors.InputError`.

Every function is pure: it never changes the frames it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from salesnb import _checks as check
from salesnb.errors import InputError

__all__ = [
    "TOTAL",
    "DaysSalesOutstanding",
    "NotAvailable",
    "ServicesRates",
    "Window",
    "account_type_share",
    "activity_vs_standard",
    "available",
    "average_order_value",
    "cost_per_lead",
    "days_sales_outstanding",
    "direct_sales_expense",
    "forecast_accuracy",
    "forecast_error",
    "forecast_rollup",
    "goalboard",
    "needs",
    "open_pipeline",
    "rep_profitability",
    "revenue_per_customer",
    "sales_cycle",
    "sales_velocity",
    "services_rates",
    "to_date",
    "top_forecast_accounts",
    "weekly_activities",
    "weighted_pipeline",
    "win_rates",
]

#: The label of the row (or the rows, one per period) that totals every rep.
TOTAL = "Total"

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


# ----------------------------------------------------------------------------
# Not available
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NotAvailable:
    """A figure that cannot be worked out: the fields (or the table) it needs are absent.

    >>> str(NotAvailable(needs=("close",), table="opportunities"))
    'not available: needs close (opportunities)'
    >>> str(NotAvailable(needs=("receivables",), table="receivables", table_missing=True))
    'not available: needs the receivables table'
    """

    needs: tuple[str, ...]
    table: str = ""
    table_missing: bool = False

    def __str__(self) -> str:
        if self.table_missing:
            return f"not available: needs the {self.table} table"
        where = f" ({self.table})" if self.table else ""
        return f"not available: needs {', '.join(self.needs)}{where}"


def needs(frame: pd.DataFrame | None, *fields: str, table: str = "") -> NotAvailable | None:
    """``None`` when ``frame`` holds every field, else the :class:`NotAvailable` to show.

    A field is absent when it is not a column, or when the frame has rows and the
    column is blank in every one of them.

    >>> deals = pd.DataFrame({"amount": [1.0], "close": [pd.NaT]})
    >>> needs(deals, "amount") is None
    True
    >>> print(needs(deals, "amount", "close", "margin", table="opportunities"))
    not available: needs close, margin (opportunities)
    >>> print(needs(None, "amount", table="opportunities"))
    not available: needs the opportunities table
    """
    if frame is None:
        return NotAvailable(needs=(table,) if table else fields, table=table, table_missing=True)
    absent = tuple(f for f in fields if f not in frame.columns or _blank(frame[f]))
    return NotAvailable(needs=absent, table=table) if absent else None


def _blank(values: pd.Series) -> bool:
    """Whether a column holds rows and every one is blank (the first rows decide fast)."""
    return len(values) > 0 and not values.iloc[:64].notna().any() and values.isna().all()


def available(result: object) -> bool:
    """Whether a figure was worked out (it is not a :class:`NotAvailable`).

    >>> available(pd.DataFrame()), available(NotAvailable(needs=("close",)))
    (True, False)
    """
    return not isinstance(result, NotAvailable)


# ----------------------------------------------------------------------------
# Windows and periods
# ----------------------------------------------------------------------------


class Window(NamedTuple):
    """Dates from ``start`` to ``end``, both included (unpacks as ``start, end``)."""

    start: pd.Timestamp
    end: pd.Timestamp


def _freq(freq: str, fy_start_month: int = 1) -> str:
    """A pandas period frequency: weeks end on Sunday, quarters and years on the fiscal year."""
    if not (isinstance(fy_start_month, int) and 1 <= fy_start_month <= 12):
        raise InputError(f"fy_start_month: must be a month number 1-12; got {fy_start_month!r}")
    end = _MONTHS[(fy_start_month - 2) % 12]
    if freq == "W":
        return "W-SUN"
    if freq == "Q":
        return f"Q-{end}"
    if freq == "Y":
        return f"Y-{end}"
    return freq


def _optional_day(name: str, value: object) -> pd.Timestamp | None:
    return None if value is None else check.day(name, value)


def to_date(as_of: object, freq: str = "Y", *, fy_start_month: int = 1) -> Window:
    """The window from the start of the period holding ``as_of`` to ``as_of``.

    ``freq`` is ``"W"`` (a week starts on Monday), ``"M"``, ``"Q"`` or ``"Y"``; quarters
    and years start in ``fy_start_month``.

    >>> to_date("2027-01-08", "Q")
    Window(start=Timestamp('2027-01-01 00:00:00'), end=Timestamp('2027-01-08 00:00:00'))
    >>> to_date("2027-01-08", "Y", fy_start_month=4).start
    Timestamp('2026-04-01 00:00:00')
    >>> to_date("2027-01-08", "W").start  # a Friday: the week began on Monday the 4th
    Timestamp('2027-01-04 00:00:00')
    """
    day = check.day("as_of", as_of)
    return Window(day.to_period(_freq(freq, fy_start_month)).start_time.normalize(), day)


def _in_window(dates: pd.Series, start: object, end: object) -> np.ndarray:
    """Rows whose date lies in [start, end] (a blank date never does)."""
    values = dates.to_numpy()
    first, last = _optional_day("start", start), _optional_day("end", end)
    mask = ~np.isnat(values)
    if first is not None:
        mask &= values >= first.to_datetime64()
    if last is not None:
        mask &= values < (last + pd.Timedelta(days=1)).to_datetime64()
    return mask


def _eq(values: pd.Series, value: str) -> np.ndarray:
    """Rows whose value is ``value``, as a numpy mask (fast on text and categories)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        if value not in categories:
            return np.zeros(len(values), dtype=bool)
        return values.cat.codes.to_numpy() == categories.get_loc(value)
    return values.to_numpy(dtype=object) == value


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for a blank) and the labels they stand for, in sorted order."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        labels = np.asarray(values.cat.categories, dtype=object)
        order = np.argsort(labels.astype(str), kind="stable")
        remap = np.empty(len(labels), dtype=np.int64)
        remap[order] = np.arange(len(labels))
        return np.where(codes >= 0, remap[np.maximum(codes, 0)], -1), labels[order]
    codes, labels = pd.factorize(values.to_numpy(dtype=object), sort=True)
    return codes.astype(np.int64), np.asarray(labels, dtype=object)


def _divide(num: object, den: object) -> Any:
    """num / den, NaN where den is 0 (arrays, Series or numbers)."""
    num_a = np.asarray(num, dtype=float)
    den_a = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.where(den_a != 0, num_a / np.where(den_a != 0, den_a, 1.0), np.nan)
    if isinstance(num, pd.Series):
        return pd.Series(out, index=num.index)
    return out if out.ndim else float(out)


def _with_total(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` with a last row ``Total`` holding its column sums; the index as text."""
    total = frame.sum().to_frame(TOTAL).T
    out = pd.concat([frame, total.astype(frame.dtypes.to_dict())])
    out.index = pd.Index([*frame.index, TOTAL], name=name, dtype=object)
    return out


# ----------------------------------------------------------------------------
# By rep and in total
# ----------------------------------------------------------------------------


def _rep_table(
    owner: pd.Series,
    sums: Mapping[str, np.ndarray],
    *,
    period: pd.Series | None = None,
    medians: Mapping[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Sums (and medians) of row values by owner (and period), each with its total row.

    A rep gets a row when at least one row counts for them; the total row holds every
    row (one per period with ``period``; without it there is always one), so a median
    in it is the team's own, not a median of the reps' medians. Counting is done with
    integer codes and ``np.bincount``, never row by row.
    """
    codes, names = _factorize(owner)
    reps = len(names)
    if period is None:
        p_codes = np.zeros(len(codes), dtype=np.int64)
        periods: Any = None
        n_periods = 1
    else:
        p_codes, periods = pd.factorize(period, sort=True)
        p_codes = p_codes.astype(np.int64)
        n_periods = len(periods)
    slots = reps + 1  # the last slot holds rows without an owner
    key = p_codes * slots + np.where(codes >= 0, codes, reps)
    size = n_periods * slots

    def grid(weights: np.ndarray | None) -> np.ndarray:
        out = np.bincount(key, weights=weights, minlength=size).reshape(n_periods, slots)
        return np.hstack([out[:, :reps], out.sum(axis=1, keepdims=True)])

    count = grid(None)
    keep = np.hstack([count[:, :reps] > 0, np.ones((n_periods, 1), dtype=bool)]).ravel()
    columns = {name: grid(np.asarray(v, dtype=float)).ravel()[keep] for name, v in sums.items()}
    for name, values in (medians or {}).items():
        values = pd.Series(np.asarray(values, dtype=float))
        by_rep = values.groupby(key).median().reindex(np.arange(size)).to_numpy()
        by_period = values.groupby(p_codes).median().reindex(np.arange(n_periods)).to_numpy()
        table = np.hstack([by_rep.reshape(n_periods, slots)[:, :reps], by_period[:, None]])
        columns[name] = table.ravel()[keep]
    labels = np.tile(np.append(names, TOTAL).astype(object), n_periods)[keep]
    if period is None:
        index: pd.Index = pd.Index(labels, name="owner", dtype=object)
    else:
        which = np.repeat(np.arange(n_periods), slots)[keep]
        index = pd.MultiIndex.from_arrays(
            [periods[which], pd.Index(labels, dtype=object)], names=["period", "owner"]
        )
    return pd.DataFrame({"rows": count.ravel()[keep].astype(np.int64), **columns}, index=index)


def _period_of(dates: pd.Series, freq: str | None, fy_start_month: int) -> pd.Series | None:
    if freq is None:
        return None
    return dates.dt.to_period(_freq(freq, fy_start_month))


def _closed(
    opportunities: pd.DataFrame, start: object, end: object
) -> tuple[np.ndarray, np.ndarray]:
    """Won and lost deals whose close date lies in the window: the row mask, and won among them."""
    won = _eq(opportunities["status"], "won")
    mask = (won | _eq(opportunities["status"], "lost")) & _in_window(
        check.dates("opportunities", opportunities, "close"), start, end
    )
    return mask, won[mask]


# ----------------------------------------------------------------------------
# Win rate, average order value, sales cycle
# ----------------------------------------------------------------------------


def win_rates(
    opportunities: pd.DataFrame | None,
    start: object = None,
    end: object = None,
    *,
    freq: str | None = None,
    fy_start_month: int = 1,
) -> pd.DataFrame | NotAvailable:
    """Win rate = won / (won + lost), by count and by value, by rep and in total.

    Rows that count: won and lost deals whose **close date** lies in the window (and,
    with ``freq``, in the period of their close date). Open deals never count.

    Returns
    -------
    DataFrame
        Columns ``won``, ``lost`` (counts), ``won_amount``, ``lost_amount``,
        ``win_rate_count`` = won / (won + lost) and ``win_rate_value`` = won amount /
        (won + lost amount); NaN for a rep with no closed deal.

    Examples
    --------
    >>> deals = pd.DataFrame({
    ...     "owner": ["Ann", "Ann", "Ann", "Bo"], "status": ["won", "lost", "open", "lost"],
    ...     "amount": [300.0, 100.0, 50.0, 200.0],
    ...     "close": pd.to_datetime(["2027-01-05", "2027-01-06", "2027-02-01", "2027-01-07"])})
    >>> win_rates(deals)[["won", "lost", "win_rate_count", "win_rate_value"]]  # doctest: +NORMALIZE_WHITESPACE
           won  lost  win_rate_count  win_rate_value
    owner
    Ann      1     1        0.500000             0.75
    Bo       0     1        0.000000             0.00
    Total    1     2        0.333333             0.50
    """
    missing = needs(opportunities, "owner", "status", "amount", "close", table="opportunities")
    if missing:
        return missing

    mask, won = _closed(opportunities, start, end)
    amount = opportunities["amount"].to_numpy(dtype=float)[mask]
    period = _period_of(
        check.dates("opportunities", opportunities, "close")[mask], freq, fy_start_month
    )
    out = _rep_table(
        opportunities["owner"][mask],
        {
            "won": won,
            "lost": ~won,
            "won_amount": np.where(won, amount, 0.0),
            "lost_amount": np.where(won, 0.0, amount),
        },
        period=period,
    ).drop(columns="rows")
    out[["won", "lost"]] = out[["won", "lost"]].astype(np.int64)
    out["win_rate_count"] = _divide(out["won"], out["won"] + out["lost"])
    out["win_rate_value"] = _divide(out["won_amount"], out["won_amount"] + out["lost_amount"])
    return out


def _won(opportunities: pd.DataFrame, start: object, end: object) -> np.ndarray:
    """The row mask of won deals whose close date lies in the window."""
    return _eq(opportunities["status"], "won") & _in_window(
        check.dates("opportunities", opportunities, "close"), start, end
    )


def average_order_value(
    opportunities: pd.DataFrame | None,
    start: object = None,
    end: object = None,
    *,
    freq: str | None = None,
    fy_start_month: int = 1,
) -> pd.DataFrame | NotAvailable:
    """Average order value = the mean amount of won deals, by rep and in total.

    Rows that count: won deals whose **close date** lies in the window.

    Returns
    -------
    DataFrame
        Columns ``won`` (count), ``won_amount`` and ``average_order_value`` (NaN for a
        rep who won nothing).

    Examples
    --------
    >>> deals = pd.DataFrame({
    ...     "owner": ["Ann", "Ann", "Bo"], "status": ["won", "won", "lost"],
    ...     "amount": [300.0, 100.0, 200.0],
    ...     "close": pd.to_datetime(["2027-01-05", "2027-01-06", "2027-01-07"])})
    >>> average_order_value(deals)  # doctest: +NORMALIZE_WHITESPACE
           won  won_amount  average_order_value
    owner
    Ann      2       400.0                200.0
    Total    2       400.0                200.0
    """
    missing = needs(opportunities, "owner", "status", "amount", "close", table="opportunities")
    if missing:
        return missing

    mask = _won(opportunities, start, end)
    period = _period_of(
        check.dates("opportunities", opportunities, "close")[mask], freq, fy_start_month
    )
    out = _rep_table(
        opportunities["owner"][mask],
        {"won_amount": opportunities["amount"].to_numpy(dtype=float)[mask]},
        period=period,
    ).rename(columns={"rows": "won"})
    out["average_order_value"] = _divide(out["won_amount"], out["won"])
    return out


def _cycle_days(opportunities: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
    close = check.dates("opportunities", opportunities, "close").to_numpy()[mask]
    created = check.dates("opportunities", opportunities, "created").to_numpy()[mask]
    return (close - created).astype("timedelta64[D]").astype(float)


def sales_cycle(
    opportunities: pd.DataFrame | None,
    start: object = None,
    end: object = None,
    *,
    freq: str | None = None,
    fy_start_month: int = 1,
) -> pd.DataFrame | NotAvailable:
    """Sales-cycle days (close date - created date) of won deals, by rep and in total.

    Rows that count: won deals whose **close date** lies in the window and that have a
    created date.

    Returns
    -------
    DataFrame
        Columns ``won`` (count), ``median_days`` (the dashboard's figure) and
        ``mean_days`` (what :func:`sales_velocity` divides by).

    Examples
    --------
    >>> deals = pd.DataFrame({
    ...     "owner": ["Ann", "Ann", "Ann"], "status": ["won", "won", "won"],
    ...     "created": pd.to_datetime(["2027-01-01", "2027-01-01", "2027-01-01"]),
    ...     "close": pd.to_datetime(["2027-01-11", "2027-01-21", "2027-03-02"])})
    >>> sales_cycle(deals)  # doctest: +NORMALIZE_WHITESPACE
           won  median_days  mean_days
    owner
    Ann      3         20.0       30.0
    Total    3         20.0       30.0
    """
    missing = needs(opportunities, "owner", "status", "created", "close", table="opportunities")
    if missing:
        return missing

    mask = (
        _won(opportunities, start, end)
        & check.dates("opportunities", opportunities, "created").notna().to_numpy()
    )
    days = _cycle_days(opportunities, mask)
    period = _period_of(
        check.dates("opportunities", opportunities, "close")[mask], freq, fy_start_month
    )
    out = _rep_table(
        opportunities["owner"][mask], {"days": days}, period=period, medians={"median_days": days}
    ).rename(columns={"rows": "won"})
    out["mean_days"] = _divide(out.pop("days"), out["won"])
    return out


# ----------------------------------------------------------------------------
# Open pipeline
# ----------------------------------------------------------------------------


def _open(opportunities: pd.DataFrame) -> np.ndarray:
    """The row mask of open deals."""
    return _eq(opportunities["status"], "open")


def _stage_names(
    stages: Iterable[object] | None, opportunities: pd.DataFrame, is_open: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """The open stages in order (the given ones, then any other stage open deals hold),
    and each open deal's position in that list."""
    codes, labels = _factorize(opportunities["stage"])
    codes = np.where(codes >= 0, codes, len(labels))  # a blank stage is a stage of its own
    labels = np.append(labels.astype(str), "(no stage)")
    held_open = np.bincount(codes[is_open], minlength=len(labels)) > 0
    held_closed = np.bincount(codes[~is_open], minlength=len(labels)) > 0
    closed_only = set(labels[held_closed & ~held_open])
    first_row = np.full(len(labels), len(codes), dtype=np.int64)
    first_row[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write is the first row
    if stages is not None:
        listed = [(str(getattr(s, "name", s)), getattr(s, "status", "open")) for s in stages]
        names = [name for name, status in listed if status == "open" and name not in closed_only]
    elif "stage_order" in opportunities.columns:
        order = np.zeros(len(labels))
        order[codes] = opportunities["stage_order"].to_numpy(dtype=float)
        names = [str(labels[i]) for i in np.argsort(order, kind="stable") if held_open[i]]
    else:
        names = []
    seen = set(names)
    extra = [str(labels[i]) for i in np.argsort(first_row, kind="stable") if held_open[i]]
    names += [name for name in extra if name not in seen]
    position = {name: i for i, name in enumerate(names)}
    where = np.array([position.get(str(label), -1) for label in labels], dtype=np.int64)
    return names, where[codes[is_open]]


def open_pipeline(
    opportunities: pd.DataFrame | None,
    stages: Iterable[object] | None = None,
    *,
    by_rep: bool = False,
) -> pd.DataFrame | NotAvailable:
    """Open pipeline value and count by stage, in the stage order.

    Rows that count: open deals, as the export stands (its as-of date). ``stages`` is the
    settings' stage list (names, or objects with ``name`` and ``status``; a closed stage,
    or a named stage that only closed deals hold, is skipped); without it the ``stage_order`` column orders them. A stage with no open
    deal shows 0; an open deal in a stage the list lacks is shown after the listed ones,
    never dropped.

    Returns
    -------
    DataFrame
        Indexed by ``stage`` (with ``by_rep``, by ``owner`` then ``stage``, the total
        block last), a ``Total`` row after the stages; columns ``count`` and ``value``.

    Examples
    --------
    >>> deals = pd.DataFrame({
    ...     "owner": ["Ann", "Bo", "Bo", "Ann"], "status": ["open", "open", "open", "won"],
    ...     "stage": ["Propose", "Qualify", "Qualify", "Won"],
    ...     "amount": [500.0, 100.0, 200.0, 900.0]})
    >>> open_pipeline(deals, ["Qualify", "Discover", "Propose"])  # doctest: +NORMALIZE_WHITESPACE
              count  value
    stage
    Qualify       2  300.0
    Discover      0    0.0
    Propose       1  500.0
    Total         3  800.0
    """
    missing = needs(opportunities, "owner", "status", "stage", "amount", table="opportunities")
    if missing:
        return missing

    is_open = _open(opportunities)
    names, stage = _stage_names(stages, opportunities, is_open)
    amount = opportunities["amount"].to_numpy(dtype=float)[is_open]
    if by_rep:
        owner_codes, owners = _factorize(opportunities["owner"][is_open])
        owners = owners[np.bincount(owner_codes[owner_codes >= 0], minlength=len(owners)) > 0]
    else:
        owner_codes, owners = np.zeros(len(stage), dtype=np.int64), np.array([], dtype=object)
    rows = max(len(owners), 1)
    shape = (rows, len(names))
    cell = np.maximum(owner_codes, 0) * len(names) + stage
    count = np.bincount(cell, minlength=rows * len(names)).reshape(shape)
    value = np.bincount(cell, weights=amount, minlength=rows * len(names)).reshape(shape)
    if by_rep:
        count = np.vstack([count[: len(owners)], count.sum(axis=0)])
        value = np.vstack([value[: len(owners)], value.sum(axis=0)])
    count = np.hstack([count, count.sum(axis=1, keepdims=True)])
    value = np.hstack([value, value.sum(axis=1, keepdims=True)])
    stage_index = pd.Index([*names, TOTAL], dtype=object)
    if by_rep:
        index: pd.Index = pd.MultiIndex.from_product(
            [pd.Index([*owners, TOTAL], dtype=object), stage_index], names=["owner", "stage"]
        )
    else:
        index = stage_index.rename("stage")
    return pd.DataFrame(
        {"count": count.ravel().astype(np.int64), "value": value.ravel()}, index=index
    )


def weighted_pipeline(
    opportunities: pd.DataFrame | None,
    stage_probabilities: Mapping[str, float] | Iterable[object] | None = None,
) -> pd.DataFrame | NotAvailable:
    """Weighted pipeline = open amount x probability, by rep and in total.

    Rows that count: open deals, as the export stands. A deal's probability is its own
    (``probability``, 0-1) where given, else its stage's (``stage_probabilities``: a
    mapping stage -> probability, or the settings' stages with ``name`` and
    ``probability``). A deal with neither is left out of the weighted value and counted
    in ``without_probability``, so the gap is said, not hidden.

    Returns
    -------
    DataFrame
        Columns ``open_count``, ``open_value``, ``weighted_value``,
        ``without_probability`` (count) and ``without_probability_value``.

    Examples
    --------
    >>> deals = pd.DataFrame({
    ...     "owner": ["Ann", "Ann", "Bo"], "status": ["open", "open", "open"],
    ...     "stage": ["Propose", "Qualify", "Odd"], "amount": [1000.0, 400.0, 300.0],
    ...     "probability": [0.6, np.nan, np.nan]})
    >>> weighted_pipeline(deals, {"Qualify": 0.1, "Propose": 0.5}).iloc[:, 1:4]  # doctest: +NORMALIZE_WHITESPACE
           open_value  weighted_value  without_probability
    owner
    Ann        1400.0           640.0                    0
    Bo          300.0             0.0                    1
    Total      1700.0           640.0                    1
    """
    missing = needs(opportunities, "owner", "status", "amount", table="opportunities")
    if missing:
        return missing

    is_open = _open(opportunities)
    amount = opportunities["amount"].to_numpy(dtype=float)[is_open]
    probability = (
        opportunities["probability"].to_numpy(dtype=float)[is_open]
        if "probability" in opportunities.columns
        else np.full(len(amount), np.nan)
    )
    if stage_probabilities is not None and "stage" in opportunities.columns:
        if isinstance(stage_probabilities, Mapping):
            by_stage = {str(k): v for k, v in stage_probabilities.items()}
        else:
            by_stage = {
                str(s.name): s.probability  # type: ignore[attr-defined]
                for s in stage_probabilities
                if getattr(s, "probability", None) is not None
            }
        codes, labels = _factorize(opportunities["stage"][is_open])
        per_label = np.array([by_stage.get(str(x), np.nan) for x in labels] + [np.nan], dtype=float)
        probability = np.where(np.isnan(probability), per_label[codes], probability)
    without = np.isnan(probability)
    out = _rep_table(
        opportunities["owner"][is_open],
        {
            "open_value": amount,
            "weighted_value": np.where(without, 0.0, amount * np.nan_to_num(probability)),
            "without_probability": without,
            "without_probability_value": np.where(without, amount, 0.0),
        },
    ).rename(columns={"rows": "open_count"})
    out["without_probability"] = out["without_probability"].astype(np.int64)
    return out


def sales_velocity(
    opportunities: pd.DataFrame | None,
    start: object = None,
    end: object = None,
) -> pd.DataFrame | NotAvailable:
    """Sales velocity = open deals x win rate x average deal / cycle days (money a day).

    Rows that count: the rep's open deals as the export stands; the win rate (by count),
    the average deal (mean won amount) and the cycle (mean days created -> close of won
    deals) come from deals whose **close date** lies in the window.

    A rep with no closed deal in the window has no velocity (NaN, not 0); a rep who
    closed deals but won none has velocity 0. A won deal closed the day it was created
    counts as a one-day cycle, so the division is always by at least one day.

    Returns
    -------
    DataFrame
        Columns ``open_count``, ``win_rate``, ``average_deal``, ``cycle_days`` and
        ``velocity``.

    Examples
    --------
    >>> deals = pd.DataFrame({
    ...     "owner": ["Ann"] * 4, "status": ["open", "open", "won", "lost"],
    ...     "amount": [1.0, 1.0, 1000.0, 500.0],
    ...     "created": pd.to_datetime(["2027-01-01"] * 4),
    ...     "close": pd.to_datetime(["2027-03-01", "2027-03-01", "2027-01-21", "2027-01-11"])})
    >>> sales_velocity(deals)["velocity"]  # 2 x 0.5 x 1000 / 20 days
    owner
    Ann      50.0
    Total    50.0
    Name: velocity, dtype: float64
    """
    missing = needs(
        opportunities, "owner", "status", "amount", "created", "close", table="opportunities"
    )
    if missing:
        return missing
    rates = win_rates(opportunities, start, end)
    aov = average_order_value(opportunities, start, end)
    cycle = sales_cycle(opportunities, start, end)
    counts = _rep_table(opportunities["owner"][_open(opportunities)], {})["rows"]
    owners = sorted(set(counts.index[:-1]) | set(rates.index[:-1]))  # type: ignore[union-attr]
    index = pd.Index([*owners, TOTAL], name="owner", dtype=object)
    open_count = counts.reindex(index).fillna(0).astype(np.int64)
    out = pd.DataFrame(
        {
            "open_count": open_count,
            "win_rate": rates["win_rate_count"].reindex(index),  # type: ignore[index]
            "average_deal": aov["average_order_value"].reindex(index),  # type: ignore[index]
            "cycle_days": cycle["mean_days"].reindex(index),  # type: ignore[index]
        },
        index=index,
    )
    days = np.maximum(out["cycle_days"].to_numpy(), 1.0)
    win = out["win_rate"].to_numpy()
    value = out["open_count"].to_numpy() * win * out["average_deal"].to_numpy() / days
    out["velocity"] = np.where(win == 0, 0.0, value)
    return out


# ----------------------------------------------------------------------------
# Forecast accuracy and bias
# ----------------------------------------------------------------------------


def forecast_error(actual: object, forecast: object, base: str = "actual") -> tuple[Any, Any]:
    """Forecast accuracy (0-100) and bias of actuals against forecasts, element by element.

    accuracy = 100 x max(0, 1 - |actual - forecast| / base), where the base is the actual
    (the CRM convention) or, with ``base="forecast"``, the forecast; 100 when actual and
    forecast are both 0, 0 when only the base is 0. bias = (forecast - actual) / actual,
    NaN when the actual is 0: above 0 is over-commitment, below 0 sandbagging.

    Examples
    --------
    >>> accuracy, bias = forecast_error([100.0, 100.0, 0.0, 0.0, 100.0], [90.0, 250.0, 0.0, 5.0, 0.0])
    >>> accuracy.tolist(), bias.round(2).tolist()
    ([90.0, 0.0, 100.0, 0.0, 0.0], [-0.1, 1.5, nan, nan, -1.0])
    >>> forecast_error(100.0, 80.0, base="forecast")  # 1 - 20 / 80
    (75.0, -0.2)
    """
    if base not in ("actual", "forecast"):
        raise InputError(f"forecast_error_base: must be 'actual' or 'forecast'; got {base!r}")
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    b = a if base == "actual" else f
    error = np.abs(a - f)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(b != 0, error / np.where(b != 0, b, 1.0), np.nan)
    accuracy = np.where(
        b != 0, 100.0 * np.maximum(0.0, 1.0 - ratio), np.where(error == 0, 100.0, 0.0)
    )
    accuracy = np.where(np.isnan(a) | np.isnan(f), np.nan, accuracy)
    bias = _divide(f - a, a)
    if accuracy.ndim == 0:
        return float(accuracy), float(bias)
    return accuracy, bias


def _months(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.asfreq("M")
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.to_period("M")
    return pd.Series(pd.PeriodIndex(values.astype(str), freq="M"), index=values.index)


def forecast_accuracy(
    forecasts: pd.DataFrame | None,
    opportunities: pd.DataFrame | None,
    *,
    base: str = "actual",
    start: object = None,
    end: object = None,
) -> pd.DataFrame | NotAvailable:
    """Forecast accuracy and bias by rep and month (see :func:`forecast_error`).

    Rows that count: each (rep, month) of the forecasts table (a rep's forecasts for
    one month are added up), the months from ``start`` to ``end``. The actual is the
    rep's won amount whose **close date** falls in that month (0 when nothing was won).
    A month's total compares the sum of the reps' forecasts with the sum of those same
    reps' actuals, so a rep who forecast nothing is in neither.

    Returns
    -------
    DataFrame
        Indexed by (``period``, ``owner``); columns ``forecast``, ``actual``,
        ``accuracy`` (0-100) and ``bias``.

    Examples
    --------
    >>> forecasts = pd.DataFrame({"owner": ["Ann", "Bo"], "period": ["2027-01", "2027-01"],
    ...                           "forecast": [1000.0, 500.0]})
    >>> deals = pd.DataFrame({"owner": ["Ann"], "status": ["won"], "amount": [800.0],
    ...                       "close": pd.to_datetime(["2027-01-20"])})
    >>> forecast_accuracy(forecasts, deals)  # doctest: +NORMALIZE_WHITESPACE
                   forecast  actual   accuracy   bias
    period  owner
    2027-01 Ann      1000.0   800.0      75.0  0.250
            Bo        500.0     0.0       0.0    NaN
            Total    1500.0   800.0      12.5  0.875
    """
    missing = needs(forecasts, "owner", "period", "forecast", table="forecasts") or needs(
        opportunities, "owner", "status", "amount", "close", table="opportunities"
    )
    if missing:
        return missing
    given = pd.DataFrame(
        {
            "period": _months(forecasts["period"]),
            "owner": forecasts["owner"].astype(object),
            "forecast": forecasts["forecast"].astype(float),
        }
    )
    first = None if start is None else check.day("start", start).to_period("M")
    last = None if end is None else check.day("end", end).to_period("M")
    keep = given["period"].notna().to_numpy()
    if first is not None:
        keep = keep & (given["period"] >= first).to_numpy()
    if last is not None:
        keep = keep & (given["period"] <= last).to_numpy()
    given = given.loc[keep]
    given = given.groupby(["period", "owner"], sort=True)["forecast"].sum()
    won = opportunities.loc[_won(opportunities, None, None), ["owner", "close", "amount"]]
    actual = won.groupby(
        [
            check.dates("opportunities", won, "close").dt.to_period("M").rename("period"),
            won["owner"].astype(object),
        ]
    )["amount"].sum()
    data = given.to_frame()
    data["actual"] = actual.reindex(data.index).fillna(0.0).to_numpy()
    data = data.reset_index()
    out = _rep_table(
        data["owner"],
        {"forecast": data["forecast"].to_numpy(), "actual": data["actual"].to_numpy()},
        period=data["period"],
    ).drop(columns="rows")
    out["accuracy"], out["bias"] = forecast_error(out["actual"], out["forecast"], base)
    return out


# ----------------------------------------------------------------------------
# Activities
# ----------------------------------------------------------------------------


def _monday_on_or_after(day: pd.Timestamp) -> pd.Timestamp:
    return day + pd.Timedelta(days=(7 - day.weekday()) % 7)


def _sunday_on_or_before(day: pd.Timestamp) -> pd.Timestamp:
    return day - pd.Timedelta(days=(day.weekday() + 1) % 7)


def weekly_activities(
    activities: pd.DataFrame | None,
    start: object = None,
    end: object = None,
    *,
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame | NotAvailable:
    """Activities per rep per week (Monday to Sunday), one column per kind.

    Rows that count: activities whose **date** lies in the window; ``kinds`` keeps only
    those kinds (and orders the columns). A week with no activity of a rep has no row.

    Examples
    --------
    >>> acts = pd.DataFrame({"owner": ["Ann", "Ann", "Ann"], "kind": ["demo", "call", "demo"],
    ...                      "date": pd.to_datetime(["2027-01-04", "2027-01-05", "2027-01-11"])})
    >>> weekly_activities(acts, kinds=["demo", "call"])  # doctest: +NORMALIZE_WHITESPACE
                                 demo  call
    week                  owner
    2027-01-04/2027-01-10 Ann       1     1
    2027-01-11/2027-01-17 Ann       1     0
    """
    missing = needs(activities, "owner", "date", "kind", table="activities")
    if missing:
        return missing
    dates = check.dates("activities", activities, "date")
    mask = _in_window(dates, start, end)
    if kinds is not None:
        mask = mask & activities["kind"].isin(list(kinds)).to_numpy()
    # Counted by integer codes: week number (Monday-based: 1970-01-01 was a Thursday),
    # owner and kind, in one bincount (10 million activities in well under a second).
    owner_codes, owners = _factorize(activities["owner"].loc[mask])
    kind_codes, kind_labels = _factorize(activities["kind"].loc[mask])
    day = dates[mask].to_numpy().astype("datetime64[D]").astype(np.int64)
    keep = (owner_codes >= 0) & (kind_codes >= 0)
    week, owner_codes, kind_codes = (day[keep] + 3) // 7, owner_codes[keep], kind_codes[keep]
    if len(week) == 0:
        found = pd.MultiIndex.from_arrays(
            [pd.PeriodIndex([], freq="W-SUN"), pd.Index([], dtype=object)], names=["week", "owner"]
        )
        return pd.DataFrame(
            0, index=found, columns=pd.Index(list(kinds or []), dtype=object), dtype=np.int64
        )
    first = int(week.min())
    n_weeks, n_owners, n_kinds = int(week.max()) - first + 1, len(owners), len(kind_labels)
    key = ((week - first) * n_owners + owner_codes) * n_kinds + kind_codes
    counts = np.bincount(key, minlength=n_weeks * n_owners * n_kinds).reshape(-1, n_kinds)
    rows = np.flatnonzero(counts.sum(axis=1))
    used = np.flatnonzero(counts.sum(axis=0))  # the kinds logged (as a groupby would list)
    mondays = pd.to_datetime(7 * (rows // n_owners + first) - 3, unit="D")
    index = pd.MultiIndex.from_arrays(
        [mondays.to_period("W-SUN"), pd.Index(list(owners[rows % n_owners]))],
        names=["week", "owner"],
    )
    out = pd.DataFrame(
        counts[np.ix_(rows, used)], index=index, columns=pd.Index(kind_labels[used], dtype=object)
    )
    if kinds is not None:
        out = out.reindex(columns=list(kinds), fill_value=0)
    out.columns = pd.Index(list(out.columns), name=None, dtype=object)
    return out.astype(np.int64)


def activity_vs_standard(
    activities: pd.DataFrame | None,
    standards: Mapping[str, float],
    start: object = None,
    end: object = None,
    *,
    reps: Iterable[str] | None = None,
    rep_starts: Mapping[str, object] | None = None,
) -> pd.DataFrame | NotAvailable:
    """Activities per rep per week by kind, against the standard per week.

    Weeks run Monday to Sunday and only whole weeks count: from the first Monday on or
    after ``start`` (or after the rep's start date in ``rep_starts``, when later) to the
    last Sunday on or before ``end``. Rows that count: activities of a standard kind
    whose **date** lies in the rep's counted weeks. ``reps`` adds reps who logged
    nothing (they show 0 activities); without ``start`` or ``end`` the first or last
    activity date bounds the window.

    Returns
    -------
    DataFrame
        Indexed by (``owner``, ``kind``), the kinds of ``standards`` in their order and a
        ``Total`` block last (all the reps' activities over all their weeks); columns
        ``activities``, ``weeks``, ``per_week``, ``standard`` and ``ratio`` = per_week /
        standard (NaN with no whole week, or a standard of 0).

    Examples
    --------
    >>> acts = pd.DataFrame({"owner": ["Ann"] * 5, "kind": ["demo"] * 5,
    ...     "date": pd.to_datetime(["2027-01-01", "2027-01-04", "2027-01-05",
    ...                             "2027-01-12", "2027-01-18"])})
    >>> activity_vs_standard(acts, {"demo": 2}, "2027-01-01", "2027-01-17")  # doctest: +NORMALIZE_WHITESPACE
                  activities  weeks  per_week  standard  ratio
    owner kind
    Ann   demo             3      2       1.5       2.0   0.75
    Total demo             3      2       1.5       2.0   0.75
    """
    missing = needs(activities, "owner", "date", "kind", table="activities")
    if missing:
        return missing
    kinds = [str(k) for k in standards]
    standard = np.array([float(standards[k]) for k in standards], dtype=float)
    if np.any(~np.isfinite(standard) | (standard < 0)):
        raise InputError(f"activity_standards: must be numbers, 0 or more; got {dict(standards)}")
    dates = check.dates("activities", activities, "date")
    first = _optional_day("start", start)
    last = _optional_day("end", end)
    if first is None:
        first = dates.min() if dates.notna().any() else pd.NaT
    if last is None:
        last = dates.max() if dates.notna().any() else pd.NaT
    first_week = _monday_on_or_after(first) if first is not pd.NaT else pd.NaT
    last_day = _sunday_on_or_before(last) if last is not pd.NaT else pd.NaT
    if first_week is not pd.NaT and last_day is not pd.NaT:
        in_window = np.flatnonzero(_in_window(dates, first_week, last_day))
    else:
        in_window = np.zeros(0, dtype=np.int64)
    kind_codes, kind_labels = _factorize(activities["kind"].iloc[in_window])
    slot = {k: i for i, k in enumerate(kinds)}
    kind_map = np.array([slot.get(str(k), -1) for k in kind_labels] + [-1], dtype=np.int64)
    kind = kind_map[np.where(kind_codes >= 0, kind_codes, len(kind_labels))]
    chosen = kind >= 0
    keep, kind = in_window[chosen], kind[chosen]
    owner_codes, owner_names = _factorize(activities["owner"].iloc[keep])
    logged = np.bincount(owner_codes[owner_codes >= 0], minlength=len(owner_names)) > 0
    names = sorted(set(owner_names[logged]) | set(reps or ()))
    position = {name: i for i, name in enumerate(names)}
    # each rep's first counted Monday
    rep_first = np.full(len(names), first_week, dtype="datetime64[ns]")
    for name, day in (rep_starts or {}).items():
        if name in position and day is not None and not pd.isna(day):
            began = _monday_on_or_after(check.day(f"start of {name}", day))
            if first_week is not pd.NaT and began > first_week:
                rep_first[position[name]] = began.to_datetime64()
    code_map = np.array([position.get(n, 0) for n in owner_names], dtype=np.int64)
    rep = code_map[owner_codes] if len(keep) else np.zeros(0, dtype=np.int64)
    in_weeks = dates.to_numpy()[keep] >= rep_first[rep]
    cell = rep[in_weeks] * len(kinds) + kind[in_weeks]
    counts = np.bincount(cell, minlength=len(names) * len(kinds)).reshape(len(names), len(kinds))
    if last_day is pd.NaT:
        weeks = np.zeros(len(names), dtype=np.int64)
    else:
        span = (last_day.to_datetime64() - rep_first).astype("timedelta64[D]").astype(np.int64)
        weeks = np.maximum(0, (span + 1) // 7)
    index = pd.MultiIndex.from_product([[*names, TOTAL], kinds], names=["owner", "kind"])
    activities_col = np.vstack([counts, counts.sum(axis=0, keepdims=True)]).ravel()
    weeks_col = np.repeat(np.append(weeks, weeks.sum()), len(kinds))
    out = pd.DataFrame(
        {
            "activities": activities_col.astype(np.int64),
            "weeks": weeks_col.astype(np.int64),
        },
        index=index,
    )
    out["per_week"] = _divide(out["activities"], out["weeks"])
    out["standard"] = np.tile(standard, len(names) + 1)
    out["ratio"] = _divide(out["per_week"], out["standard"])
    return out


# ----------------------------------------------------------------------------
# Sales mix and customers
# ----------------------------------------------------------------------------


def account_type_share(
    opportunities: pd.DataFrame | None,
    as_of: object,
    *,
    fy_start_month: int = 1,
) -> pd.DataFrame | NotAvailable:
    """Net-new and existing-account shares of won sales, month and year to date.

    Rows that count: won deals whose **close date** lies in the month to date or the
    (fiscal) year to date of ``as_of``. A won deal with no account type is counted in
    ``unknown``; the shares are of all won sales, so they add up to 1 only when every
    deal has a type.

    Returns
    -------
    DataFrame
        Indexed by (``window``, ``owner``), window ``month to date`` then ``year to
        date``; columns ``new``, ``existing``, ``unknown`` (won amounts), ``total``,
        ``new_share`` and ``existing_share``.

    Examples
    --------
    >>> deals = pd.DataFrame({"owner": ["Ann", "Ann", "Bo"], "status": ["won"] * 3,
    ...     "account_type": ["new", "existing", "new"], "amount": [300.0, 100.0, 600.0],
    ...     "close": pd.to_datetime(["2027-02-03", "2027-01-10", "2027-02-01"])})
    >>> account_type_share(deals, "2027-02-10").loc["year to date", ["new", "total", "new_share"]]  # doctest: +NORMALIZE_WHITESPACE
             new   total  new_share
    owner
    Ann    300.0   400.0      0.75
    Bo     600.0   600.0      1.00
    Total  900.0  1000.0      0.90
    """
    missing = needs(
        opportunities, "owner", "status", "amount", "close", "account_type", table="opportunities"
    )
    if missing:
        return missing
    parts = {}
    for label, freq in (("month to date", "M"), ("year to date", "Y")):
        won = _won(opportunities, *to_date(as_of, freq, fy_start_month=fy_start_month))
        kind = opportunities["account_type"][won]
        new, existing = _eq(kind, "new"), _eq(kind, "existing")
        amount = opportunities["amount"].to_numpy(dtype=float)[won]
        parts[label] = _rep_table(
            opportunities["owner"][won],
            {
                "new": np.where(new, amount, 0.0),
                "existing": np.where(existing, amount, 0.0),
                "unknown": np.where(new | existing, 0.0, amount),
            },
        ).drop(columns="rows")
    out = pd.concat(parts, names=["window", "owner"])
    out["total"] = out["new"] + out["existing"] + out["unknown"]
    out["new_share"] = _divide(out["new"], out["total"])
    out["existing_share"] = _divide(out["existing"], out["total"])
    return out


def revenue_per_customer(
    opportunities: pd.DataFrame | None,
    start: object = None,
    end: object = None,
    *,
    top: int = 10,
) -> pd.DataFrame | NotAvailable:
    """Won amount by account and its share of the total: the top accounts and the rest.

    Rows that count: won deals whose **close date** lies in the window (pass a year,
    e.g. ``to_date(as_of, "Y")`` or the whole of last year); a deal with no account is
    counted under ``(no account)``.

    Returns
    -------
    DataFrame
        Indexed by ``account``: the ``top`` accounts by revenue (largest first, ties by
        name), a row ``Other accounts (n)`` holding the rest, then ``Total``; columns
        ``revenue``, ``deals`` and ``share`` of the total.

    Examples
    --------
    >>> deals = pd.DataFrame({"owner": ["Ann"] * 4, "status": ["won"] * 4,
    ...     "account": ["Acme", "Beta", "Acme", "Cyan"], "amount": [500.0, 300.0, 100.0, 100.0],
    ...     "close": pd.to_datetime(["2026-03-01", "2026-05-01", "2026-07-01", "2026-08-01"])})
    >>> revenue_per_customer(deals, "2026-01-01", "2026-12-31", top=1)  # doctest: +NORMALIZE_WHITESPACE
                      revenue  deals  share
    account
    Acme                600.0      2    0.6
    Other accounts (2)  400.0      2    0.4
    Total              1000.0      4    1.0
    """
    missing = needs(
        opportunities, "owner", "status", "amount", "close", "account", table="opportunities"
    )
    if missing:
        return missing
    won = _won(opportunities, start, end)
    codes, accounts = pd.factorize(opportunities["account"][won].to_numpy(dtype=object))
    codes = np.where(codes >= 0, codes, len(accounts))  # a deal with no account
    accounts = np.append(np.asarray(accounts, dtype=object), "(no account)")
    revenue = np.bincount(
        codes, weights=opportunities["amount"].to_numpy(dtype=float)[won], minlength=len(accounts)
    )
    deals = np.bincount(codes, minlength=len(accounts))
    held = np.flatnonzero(deals > 0)
    if len(held) > top:  # only the candidates for the top are sorted
        cut = np.partition(-revenue[held], top - 1)[top - 1]
        held = held[-revenue[held] <= cut]
    names = accounts[held].astype(str)
    head = held[np.lexsort((names, -revenue[held]))][:top]
    rows = [pd.DataFrame({"revenue": revenue[head], "deals": deals[head]}, index=accounts[head])]
    others = int((deals > 0).sum()) - len(head)
    if others:
        rows.append(
            pd.DataFrame(
                {
                    "revenue": [revenue.sum() - revenue[head].sum()],
                    "deals": [deals.sum() - deals[head].sum()],
                },
                index=[f"Other accounts ({others})"],
            )
        )
    rows.append(pd.DataFrame({"revenue": [revenue.sum()], "deals": [deals.sum()]}, index=[TOTAL]))
    out = pd.concat(rows)
    out.index = pd.Index(list(out.index), name="account", dtype=object)
    out["deals"] = out["deals"].astype(np.int64)
    out["share"] = _divide(out["revenue"], revenue.sum())
    return out


def cost_per_lead(
    lead_spend: pd.DataFrame | None,
    opportunities: pd.DataFrame | None = None,
    start: object = None,
    end: object = None,
) -> pd.DataFrame | NotAvailable:
    """Cost per lead = spend / leads, by lead source and in total.

    Rows that count: lead-spend rows whose **month** touches the window. A row's leads
    are its own ``leads`` where given; where blank (or the column is absent) they are
    the opportunities **created** that month from that source.

    Returns
    -------
    DataFrame
        Indexed by ``source``, then ``Total``; columns ``spend``, ``leads``,
        ``leads_counted`` (how many of the leads were counted from opportunities) and
        ``cost_per_lead`` (NaN with no lead).

    Examples
    --------
    >>> spend = pd.DataFrame({"source": ["web", "events"], "month": ["2027-01", "2027-01"],
    ...                       "spend": [1000.0, 3000.0], "leads": [40.0, np.nan]})
    >>> deals = pd.DataFrame({"source": ["events"] * 3,
    ...                       "created": pd.to_datetime(["2027-01-03", "2027-01-09", "2027-02-01"])})
    >>> cost_per_lead(spend, deals)  # doctest: +NORMALIZE_WHITESPACE
            spend  leads  leads_counted  cost_per_lead
    source
    events  3000.0      2              2    1500.000000
    web     1000.0     40              0      25.000000
    Total   4000.0     42              2      95.238095
    """
    missing = needs(lead_spend, "source", "month", "spend", table="lead_spend")
    if missing:
        return missing
    month = _months(lead_spend["month"])
    keep = month.notna().to_numpy()
    if start is not None:
        keep = keep & (month >= check.day("start", start).to_period("M")).to_numpy()
    if end is not None:
        keep = keep & (month <= check.day("end", end).to_period("M")).to_numpy()
    rows = lead_spend.loc[keep]
    month = month[keep]
    leads = (
        rows["leads"].to_numpy(dtype=float)
        if "leads" in rows.columns
        else np.full(len(rows), np.nan)
    )
    blank = np.isnan(leads)
    counted = np.zeros(len(rows))
    if blank.any():
        missing = needs(opportunities, "source", "created", table="opportunities")
        if missing:
            return NotAvailable(needs=("leads", *missing.needs), table="lead_spend")
        created = opportunities.groupby(
            [
                opportunities["source"].astype(object),
                check.dates("opportunities", opportunities, "created").dt.to_period("M"),
            ]
        ).size()
        key = pd.MultiIndex.from_arrays([rows["source"].astype(object), month])
        counted = np.where(blank, created.reindex(key).fillna(0).to_numpy(dtype=float), 0.0)
        leads = np.where(blank, counted, leads)
    data = pd.DataFrame(
        {
            "spend": rows["spend"].to_numpy(dtype=float),
            "leads": leads,
            "leads_counted": counted,
        },
        index=pd.Index(rows["source"].astype(object), name="source"),
    )
    out = data.groupby(level="source", sort=True).sum()
    out = _with_total(out, "source")
    out["leads"] = out["leads"].round().astype(np.int64)
    out["leads_counted"] = out["leads_counted"].round().astype(np.int64)
    out["cost_per_lead"] = _divide(out["spend"], out["leads"])
    return out


# ----------------------------------------------------------------------------
# Days sales outstanding
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DaysSalesOutstanding:
    """Days sales outstanding at ``as_of``, against its goal.

    dso = open_receivables / invoiced x days; ``over_goal`` = dso - goal (above 0: cash
    comes in slower than the goal).
    """

    as_of: pd.Timestamp
    days: int
    open_receivables: float
    open_invoices: int
    invoiced: float
    dso: float
    goal: float | None = None

    @property
    def over_goal(self) -> float:
        """dso - goal (NaN without a goal)."""
        return np.nan if self.goal is None else self.dso - self.goal


def days_sales_outstanding(
    receivables: pd.DataFrame | None,
    as_of: object,
    *,
    days: int = 90,
    goal: float | None = None,
) -> DaysSalesOutstanding | NotAvailable:
    """Days sales outstanding = receivables open at ``as_of`` / invoiced in the last N days x N.

    The convention (the "count-back-free" average method): an invoice is open at
    ``as_of`` when it was issued on or before that date and not paid by it (``paid``
    blank or later); its whole amount is open (the table holds no part payments).
    Invoiced = the amounts of invoices **issued** in the ``days`` days ending at
    ``as_of`` (as_of - days < issued <= as_of). N = 90 by default, a quarter, which
    smooths a month's swing; DSO is NaN when nothing was invoiced in those days.

    Examples
    --------
    >>> invoices = pd.DataFrame({"invoice": ["A", "B", "C", "D"],
    ...     "issued": pd.to_datetime(["2026-09-01", "2026-11-15", "2026-12-20", "2027-01-05"]),
    ...     "paid": pd.to_datetime(["2026-10-01", None, "2027-01-20", None]),
    ...     "amount": [500.0, 300.0, 600.0, 300.0]})
    >>> result = days_sales_outstanding(invoices, "2027-01-08", goal=45)
    >>> result.open_receivables, result.invoiced, result.dso, result.over_goal
    (1200.0, 1200.0, 90.0, 45.0)
    """
    if not (isinstance(days, int | np.integer) and days > 0):
        raise InputError(f"days: must be a whole number of days above 0; got {days!r}")
    missing = needs(receivables, "invoice", "issued", "amount", table="receivables")
    if missing:
        return missing
    day = check.day("as_of", as_of)
    issued = check.dates("receivables", receivables, "issued")
    amount = receivables["amount"].to_numpy(dtype=float)
    paid = (
        check.dates("receivables", receivables, "paid")
        if "paid" in receivables.columns
        else pd.Series(pd.NaT, index=receivables.index, dtype="datetime64[ns]")
    )
    was_issued = (issued <= day).to_numpy()
    unpaid = (paid.isna() | (paid > day)).to_numpy()
    open_ = was_issued & unpaid
    recent = was_issued & (issued > day - pd.Timedelta(days=int(days))).to_numpy()
    open_amount = float(amount[open_].sum())
    invoiced = float(amount[recent].sum())
    return DaysSalesOutstanding(
        as_of=day,
        days=int(days),
        open_receivables=open_amount,
        open_invoices=int(open_.sum()),
        invoiced=invoiced,
        dso=float(_divide(open_amount * days, invoiced)),
        goal=None if goal is None else float(goal),
    )


# ----------------------------------------------------------------------------
# Profitability and sales expense
# ----------------------------------------------------------------------------


def _deal_margin(won: pd.DataFrame, margin_rate: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Each won deal's gross margin (its own, else amount x rate) and whether it has none."""
    amount = won["amount"].to_numpy(dtype=float)
    own = (
        won["margin"].to_numpy(dtype=float)
        if "margin" in won.columns
        else np.full(len(won), np.nan)
    )
    rate = np.nan if margin_rate is None else float(margin_rate)
    margin = np.where(np.isnan(own), amount * rate, own)
    return np.nan_to_num(margin), np.isnan(margin)


def _employed_cost(
    annual: np.ndarray, began: np.ndarray, left: np.ndarray, first: pd.Timestamp, last: pd.Timestamp
) -> np.ndarray:
    """annual x the share of each calendar year employed between first and last (inclusive)."""
    cost = np.zeros(len(annual))
    for year in range(first.year, last.year + 1):
        y0 = max(first, pd.Timestamp(year, 1, 1)).to_datetime64()
        y1 = min(last, pd.Timestamp(year, 12, 31)).to_datetime64()
        lo = np.maximum(began, y0)
        hi = np.minimum(left, y1)
        employed = np.maximum(0, (hi - lo).astype("timedelta64[D]").astype(np.int64) + 1)
        cost += annual * employed / (366 if pd.Timestamp(year, 1, 1).is_leap_year else 365)
    return cost


def _roster_days(values: pd.Series | None, n: int, *, end: bool) -> np.ndarray:
    """Start (first day) or end (last day) dates of roster months or dates; blank = open."""
    fill = np.datetime64("2262-01-01") if end else np.datetime64("1678-01-01")
    if values is None:
        return np.full(n, fill, dtype="datetime64[ns]")
    if isinstance(values.dtype, pd.PeriodDtype):
        stamps = values.dt.end_time.dt.normalize() if end else values.dt.start_time
    else:
        stamps = pd.to_datetime(values.astype(object).where(values.notna(), None))
    return stamps.fillna(pd.Timestamp(fill)).to_numpy(dtype="datetime64[ns]")


def rep_profitability(
    opportunities: pd.DataFrame | None,
    roster: pd.DataFrame | None,
    start: object,
    end: object,
    *,
    margin_rate: float | None = None,
    default_burden: float = 0.0,
) -> pd.DataFrame | NotAvailable:
    """Rep profitability = gross margin on the rep's won sales - the rep's cost.

    Rows that count: the rep's won deals whose **close date** lies in the window. A
    deal's margin is its own ``margin`` where given, else amount x ``margin_rate``; a deal
    with neither is left out of the margin and counted in ``deals_without_margin``. The
    rep's cost = annual_salary x (1 + burden) x the days employed in the window / the
    days of their year (a whole calendar year costs exactly one year's pay); ``start``
    and ``end`` in the roster are months (employed from the first day of the start
    month to the last day of the end month) or dates, blank for open-ended; a blank
    burden is ``default_burden``. Every roster row given is a rep (pass the reps, not
    the managers); a deal owner who is not in the roster is left out.

    Returns
    -------
    DataFrame
        Indexed by ``owner`` (roster order is kept, names sorted), then ``Total``;
        columns ``volume`` (won amount), ``margin``, ``cost``, ``profit``,
        ``profit_to_volume`` and ``deals_without_margin``.

    Examples
    --------
    >>> deals = pd.DataFrame({"owner": ["Ann", "Ann"], "status": ["won", "won"],
    ...     "amount": [100_000.0, 50_000.0], "margin": [40_000.0, np.nan],
    ...     "close": pd.to_datetime(["2026-03-01", "2026-06-01"])})
    >>> roster = pd.DataFrame({"name": ["Ann"], "annual_salary": [60_000.0], "burden": [0.25],
    ...     "start": pd.PeriodIndex(["2026-07"], freq="M"), "end": [pd.NaT]})
    >>> rep_profitability(deals, roster, "2026-01-01", "2026-12-31", margin_rate=0.3).loc["Ann"]
    volume                  150000.000000
    margin                   55000.000000
    cost                     37808.219178
    profit                   17191.780822
    profit_to_volume             0.114612
    deals_without_margin         0.000000
    Name: Ann, dtype: float64
    """
    missing = needs(
        opportunities, "owner", "status", "amount", "close", table="opportunities"
    ) or needs(roster, "name", "annual_salary", table="roster")
    if missing:
        return missing
    if margin_rate is None and needs(opportunities, "margin"):
        return NotAvailable(needs=("margin",), table="opportunities")
    first, last = check.day("start", start), check.day("end", end)
    won = opportunities.loc[
        _won(opportunities, first, last),
        ["owner", "amount", "close", *(["margin"] if "margin" in opportunities.columns else [])],
    ]
    margin, without = _deal_margin(won, margin_rate)
    data = pd.DataFrame(
        {
            "owner": won["owner"].astype(object),
            "volume": won["amount"].to_numpy(dtype=float),
            "margin": margin,
            "deals_without_margin": without.astype(np.int64),
        }
    )
    sums = data.groupby("owner")[["volume", "margin", "deals_without_margin"]].sum()
    names = roster["name"].astype(object)
    burden = (
        roster["burden"].astype(float).fillna(default_burden).to_numpy()
        if "burden" in roster.columns
        else np.full(len(roster), float(default_burden))
    )
    annual = roster["annual_salary"].to_numpy(dtype=float) * (1.0 + burden)
    began = _roster_days(roster.get("start"), len(roster), end=False)
    left = _roster_days(roster.get("end"), len(roster), end=True)
    cost = pd.Series(_employed_cost(annual, began, left, first, last), index=names)
    cost = cost.groupby(level=0, sort=True).sum()
    out = sums.reindex(cost.index).fillna(0.0)
    out.insert(2, "cost", cost.to_numpy())
    out = _with_total(out, "owner")
    out["profit"] = out["margin"] - out["cost"]
    out["profit_to_volume"] = _divide(out["profit"], out["volume"])
    out["deals_without_margin"] = out.pop("deals_without_margin").astype(np.int64)
    return out


def _quota_months(quotas: pd.DataFrame) -> pd.Series:
    """A wide quota frame (reps x months) as quota by month, summed over the reps."""
    months = pd.PeriodIndex([pd.Period(str(c), freq="M") for c in quotas.columns], freq="M")
    return pd.Series(quotas.to_numpy(dtype=float).sum(axis=0), index=months).groupby(level=0).sum()


def direct_sales_expense(
    opportunities: pd.DataFrame | None,
    expense: pd.Series,
    *,
    quotas: pd.DataFrame | None = None,
    margin_rate: float | None = None,
) -> pd.DataFrame | NotAvailable:
    """Direct sales expense as a share of sales volume, of gross margin and of quota.

    ``expense`` is the direct sales expense (the reps' and the sales manager's cost) per
    period: a Series indexed by pandas Periods of one frequency (months, quarters...).
    Rows that count: won deals whose **close date** falls in one of those periods;
    margin as in :func:`rep_profitability` (a deal without either is left out of the
    margin and counted); quota = the sum over reps of ``quotas`` (a frame of reps x
    months) for the months inside each period.

    Returns
    -------
    DataFrame
        Indexed by ``period``; columns ``expense``, ``volume``, ``margin``, ``quota``,
        ``of_volume``, ``of_margin``, ``of_quota`` and ``deals_without_margin``.

    Examples
    --------
    >>> deals = pd.DataFrame({"owner": ["Ann"], "status": ["won"], "amount": [100_000.0],
    ...     "close": pd.to_datetime(["2027-02-10"])})
    >>> expense = pd.Series([20_000.0], index=pd.PeriodIndex(["2027Q1"], freq="Q"))
    >>> quotas = pd.DataFrame({"2027-01": [50_000.0], "2027-02": [50_000.0],
    ...     "2027-03": [60_000.0]}, index=["Ann"])
    >>> direct_sales_expense(deals, expense, quotas=quotas, margin_rate=0.4)[
    ...     ["of_volume", "of_margin", "of_quota"]]  # doctest: +NORMALIZE_WHITESPACE
            of_volume  of_margin  of_quota
    period
    2027Q1        0.2        0.5     0.125
    """
    missing = needs(opportunities, "owner", "status", "amount", "close", table="opportunities")
    if missing:
        return missing
    if margin_rate is None and needs(opportunities, "margin"):
        return NotAvailable(needs=("margin",), table="opportunities")
    if not isinstance(expense, pd.Series) or not isinstance(expense.index, pd.PeriodIndex):
        raise InputError("expense: must be a Series of amounts indexed by period")
    freq = expense.index.freqstr
    window = expense.index.min().start_time, expense.index.max().end_time
    won = opportunities.loc[
        _won(opportunities, *window),
        ["owner", "amount", "close", *(["margin"] if "margin" in opportunities.columns else [])],
    ]
    margin, without = _deal_margin(won, margin_rate)
    period = check.dates("opportunities", won, "close").dt.to_period(freq)
    data = pd.DataFrame(
        {
            "volume": won["amount"].to_numpy(dtype=float),
            "margin": margin,
            "deals_without_margin": without.astype(np.int64),
        },
        index=pd.PeriodIndex(period, name="period"),
    )
    sums = data.groupby(level="period").sum()
    index = pd.PeriodIndex(expense.index, name="period")
    out = pd.DataFrame({"expense": expense.to_numpy(dtype=float)}, index=index)
    out = out.join(sums.reindex(index).fillna(0.0))
    if quotas is not None:
        by_month = _quota_months(quotas)
        out["quota"] = by_month.groupby(by_month.index.asfreq(freq)).sum().reindex(index).to_numpy()
    else:
        out["quota"] = np.nan
    out["of_volume"] = _divide(out["expense"], out["volume"])
    out["of_margin"] = _divide(out["expense"], out["margin"])
    out["of_quota"] = _divide(out["expense"], out["quota"])
    out["deals_without_margin"] = out.pop("deals_without_margin").astype(np.int64)
    return out


# ----------------------------------------------------------------------------
# Professional services
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ServicesRates:
    """Professional-services rates by consultant and in total, and the total against goals.

    ``rates`` columns: ``blended_rate``, ``realization``, ``utilization``,
    ``backlog_days``. ``vs_goal`` rows are those four figures; columns ``actual``,
    ``goal``, ``gap`` (actual - goal) and ``meets`` (actual >= goal). ``missing`` names a
    figure that could not be worked out (backlog days without ``unworked_contracted``).
    """

    rates: pd.DataFrame
    vs_goal: pd.DataFrame
    missing: Mapping[str, NotAvailable] = field(default_factory=dict)


_SERVICES = ("blended_rate", "realization", "utilization", "backlog_days")


def services_rates(
    hours: pd.DataFrame | None,
    start: object = None,
    end: object = None,
    *,
    daily_billable_hours: float = 6.0,
    goals: Mapping[str, float] | None = None,
) -> ServicesRates | NotAvailable:
    """Blended rate, realization, utilization and backlog days from weekly consultant hours.

    Rows that count: the weeks whose **week** date lies in the window.

    - blended rate = billed amount / billed hours;
    - realization = billed amount / (billable hours x standard rate);
    - utilization = billable hours / available hours;
    - backlog days = contracted unworked hours / (consultants x ``daily_billable_hours``),
      taken from the last week in the window: its unworked hours and the consultants
      with a row in it (a consultant's own backlog uses their row in that week).

    Examples
    --------
    >>> hours = pd.DataFrame({"consultant": ["Kim", "Lee", "Kim", "Lee"],
    ...     "week": pd.to_datetime(["2027-01-04", "2027-01-04", "2027-01-11", "2027-01-11"]),
    ...     "available": [40.0] * 4, "billable": [30.0, 20.0, 30.0, 40.0],
    ...     "billed_hours": [30.0, 20.0, 28.0, 40.0],
    ...     "billed_amount": [4500.0, 3000.0, 4200.0, 5600.0],
    ...     "standard_rate": [150.0] * 4, "unworked_contracted": [0.0, 0.0, 180.0, 60.0]})
    >>> result = services_rates(hours, goals={"utilization": 0.75})
    >>> result.rates.round(3)  # doctest: +NORMALIZE_WHITESPACE
                blended_rate  realization  utilization  backlog_days
    consultant
    Kim              150.000        0.967         0.75          30.0
    Lee              143.333        0.956         0.75          10.0
    Total            146.610        0.961         0.75          20.0
    >>> result.vs_goal.loc[["utilization", "realization"]]  # doctest: +NORMALIZE_WHITESPACE
                   actual  goal  gap meets
    utilization  0.750000  0.75  0.0  True
    realization  0.961111   NaN  NaN  None
    """
    missing = needs(
        hours,
        "consultant",
        "week",
        "available",
        "billable",
        "billed_hours",
        "billed_amount",
        "standard_rate",
        table="hours",
    )
    if missing:
        return missing
    if not (np.isfinite(daily_billable_hours) and daily_billable_hours > 0):
        raise InputError(
            f"daily_billable_hours: must be a number of hours above 0; got {daily_billable_hours!r}"
        )
    week = check.dates("hours", hours, "week")
    rows = hours.loc[_in_window(week, start, end)]
    week = week.loc[rows.index]
    data = pd.DataFrame(
        {
            "consultant": rows["consultant"].astype(object),
            "billed_amount": rows["billed_amount"].to_numpy(dtype=float),
            "billed_hours": rows["billed_hours"].to_numpy(dtype=float),
            "standard_value": rows["billable"].to_numpy(dtype=float)
            * rows["standard_rate"].to_numpy(dtype=float),
            "billable": rows["billable"].to_numpy(dtype=float),
            "available": rows["available"].to_numpy(dtype=float),
        }
    )
    sums = data.groupby("consultant", sort=True).sum()
    sums = _with_total(sums, "consultant")
    rates = pd.DataFrame(
        {
            "blended_rate": _divide(sums["billed_amount"], sums["billed_hours"]),
            "realization": _divide(sums["billed_amount"], sums["standard_value"]),
            "utilization": _divide(sums["billable"], sums["available"]),
        },
        index=sums.index,
    )
    absent: dict[str, NotAvailable] = {}
    no_backlog = needs(rows, "unworked_contracted", table="hours")
    if no_backlog or not len(rows):
        rates["backlog_days"] = np.nan
        if no_backlog:
            absent["backlog_days"] = no_backlog
    else:
        latest = (week == week.max()).to_numpy()
        unworked = (
            rows.loc[latest]
            .groupby(rows.loc[latest, "consultant"].astype(object))["unworked_contracted"]
            .sum()
        )
        per = unworked / daily_billable_hours
        per.loc[TOTAL] = unworked.sum() / (len(unworked) * daily_billable_hours)
        rates["backlog_days"] = per.reindex(rates.index).to_numpy()
    total = rates.loc[TOTAL]
    goal = pd.Series({k: (goals or {}).get(k, np.nan) for k in _SERVICES}, dtype=float)
    vs_goal = pd.DataFrame(
        {"actual": total.to_numpy(dtype=float), "goal": goal.to_numpy()}, index=list(_SERVICES)
    )
    vs_goal["gap"] = vs_goal["actual"] - vs_goal["goal"]
    vs_goal["meets"] = (vs_goal["actual"] >= vs_goal["goal"]).astype(object)
    vs_goal.loc[vs_goal["gap"].isna(), "meets"] = None
    return ServicesRates(rates=rates, vs_goal=vs_goal, missing=absent)


# ----------------------------------------------------------------------------
# Forecast categories, goalboard, top accounts
# ----------------------------------------------------------------------------

_CATEGORIES = ("closed", "commit", "best_case", "pipeline")


def forecast_rollup(
    opportunities: pd.DataFrame | None,
    start: object,
    end: object,
) -> pd.DataFrame | NotAvailable:
    """The forecast categories of a period, rolled up cumulatively, by rep and in total.

    Rows that count: deals whose **close date** (actual or expected) lies in the window.
    A won deal is ``closed`` whatever its category; a lost deal never counts; an open
    deal counts in its ``forecast_category`` (an open deal marked closed counts as
    commit; omitted deals and open deals with no category are shown apart, outside the
    roll-up).

    Returns
    -------
    DataFrame
        Columns ``closed``, ``commit``, ``best_case``, ``pipeline`` (each category's
        amount), ``through_commit`` (closed + commit), ``through_best_case`` (+ best
        case), ``through_pipeline`` (+ pipeline), ``omitted`` and ``uncategorised``.

    Examples
    --------
    >>> deals = pd.DataFrame({"owner": ["Ann"] * 5,
    ...     "status": ["won", "open", "open", "open", "lost"],
    ...     "forecast_category": ["closed", "commit", "best_case", "pipeline", "closed"],
    ...     "amount": [100.0, 200.0, 300.0, 400.0, 999.0],
    ...     "close": pd.to_datetime(["2027-01-05"] * 5)})
    >>> forecast_rollup(deals, "2027-01-01", "2027-01-31").loc[
    ...     "Total", ["closed", "through_commit", "through_best_case", "through_pipeline"]].tolist()
    [100.0, 300.0, 600.0, 1000.0]
    """
    missing = needs(
        opportunities,
        "owner",
        "status",
        "amount",
        "close",
        "forecast_category",
        table="opportunities",
    )
    if missing:
        return missing
    mask = _in_window(check.dates("opportunities", opportunities, "close"), start, end)
    mask &= ~_eq(opportunities["status"], "lost")
    won = _eq(opportunities["status"], "won")[mask]
    category = opportunities["forecast_category"][mask]
    amount = opportunities["amount"].to_numpy(dtype=float)[mask]
    is_ = {name: _eq(category, name) & ~won for name in (*_CATEGORIES, "omitted")}
    is_["commit"] |= is_.pop("closed")  # an open deal marked closed counts as commit
    is_["closed"] = won
    is_["uncategorised"] = ~won & category.isna().to_numpy()
    columns = [*_CATEGORIES, "omitted", "uncategorised"]
    out = _rep_table(
        opportunities["owner"][mask], {name: np.where(is_[name], amount, 0.0) for name in columns}
    )[columns]
    out["through_commit"] = out["closed"] + out["commit"]
    out["through_best_case"] = out["through_commit"] + out["best_case"]
    out["through_pipeline"] = out["through_best_case"] + out["pipeline"]
    order = [
        *_CATEGORIES,
        "through_commit",
        "through_best_case",
        "through_pipeline",
        "omitted",
        "uncategorised",
    ]
    return out[order]


def goalboard(
    opportunities: pd.DataFrame | None,
    quotas: pd.DataFrame | None,
    start: object,
    end: object,
    *,
    activities: pd.DataFrame | None = None,
    standards: Mapping[str, float] | None = None,
    rep_starts: Mapping[str, object] | None = None,
) -> pd.DataFrame | NotAvailable:
    """Reps ranked by quota attainment and by activity against standard.

    attainment = won amount (deals whose **close date** lies in the window) / quota of
    the months the window touches (``quotas``: a frame of reps x months, index the rep
    names, columns months such as ``2027-01``; a whole month's quota counts even when
    the window ends inside it). Reps are the quota frame's rows. The activity score is
    the mean, over the standard kinds, of the rep's ratio per week to standard (see
    :func:`activity_vs_standard`); NaN without activities or standards. Rank 1 is the
    best; equal figures share the better rank; a NaN ranks last.

    Returns
    -------
    DataFrame
        Indexed by ``owner``, sorted by attainment rank; columns ``won``, ``quota``,
        ``attainment``, ``attainment_rank``, ``activity_score``, ``activity_rank``.

    Examples
    --------
    >>> deals = pd.DataFrame({"owner": ["Ann", "Bo"], "status": ["won", "won"],
    ...     "amount": [90.0, 120.0], "close": pd.to_datetime(["2027-01-05", "2027-01-09"])})
    >>> quotas = pd.DataFrame({"2027-01": [100.0, 200.0]}, index=["Ann", "Bo"])
    >>> goalboard(deals, quotas, "2027-01-01", "2027-01-10")[["attainment", "attainment_rank"]]  # doctest: +NORMALIZE_WHITESPACE
           attainment  attainment_rank
    owner
    Ann           0.9                1
    Bo            0.6                2
    """
    missing = needs(opportunities, "owner", "status", "amount", "close", table="opportunities") or (
        NotAvailable(needs=("quotas",), table="quotas", table_missing=True)
        if quotas is None
        else None
    )
    if missing:
        return missing
    first, last = check.day("start", start), check.day("end", end)
    won = opportunities.loc[_won(opportunities, first, last), ["owner", "amount"]]
    won_by_rep = won.groupby(won["owner"].astype(object))["amount"].sum()
    months = pd.PeriodIndex([pd.Period(str(c), freq="M") for c in quotas.columns], freq="M")
    touched = (months >= first.to_period("M")) & (months <= last.to_period("M"))
    quota = pd.Series(quotas.to_numpy(dtype=float)[:, touched].sum(axis=1), index=quotas.index)
    quota = quota.groupby(level=0, sort=True).sum()
    out = pd.DataFrame({"won": won_by_rep.reindex(quota.index).fillna(0.0), "quota": quota})
    out.index = pd.Index(list(out.index), name="owner", dtype=object)
    out["attainment"] = _divide(out["won"], out["quota"])
    out["attainment_rank"] = (
        out["attainment"].rank(ascending=False, method="min", na_option="bottom").astype(np.int64)
    )
    score = pd.Series(np.nan, index=out.index)
    if activities is not None and standards:
        table = activity_vs_standard(
            activities, standards, first, last, reps=list(out.index), rep_starts=rep_starts
        )
        if available(table):
            ratios = table["ratio"].drop(TOTAL, level="owner")  # type: ignore[union-attr]
            score = ratios.groupby(level="owner").mean().reindex(out.index)
    out["activity_score"] = score
    out["activity_rank"] = (
        out["activity_score"]
        .rank(ascending=False, method="min", na_option="bottom")
        .astype(np.int64)
    )
    return out.sort_values(["attainment_rank", "activity_rank"], kind="stable")


def top_forecast_accounts(
    opportunities: pd.DataFrame | None,
    as_of: object,
    *,
    freq: str = "M",
    n: int = 10,
    fy_start_month: int = 1,
) -> pd.DataFrame | NotAvailable:
    """The ``n`` largest open deals due in the month (or quarter) of ``as_of``.

    Rows that count: open deals whose expected **close date** falls in the month
    (``freq="M"``) or the fiscal quarter (``freq="Q"``) holding ``as_of``, including
    those already past their date and still open. Largest amount first; ties by close
    date, then by the export's order.

    Returns
    -------
    DataFrame
        The deals' rows (those of ``id``, ``name``, ``account``, ``owner``, ``stage``,
        ``amount``, ``close``, ``probability``, ``forecast_category`` the export holds),
        numbered from 1.

    Examples
    --------
    >>> deals = pd.DataFrame({"name": ["A", "B", "C", "D"], "owner": ["Ann"] * 4,
    ...     "status": ["open", "open", "won", "open"], "amount": [100.0, 300.0, 900.0, 800.0],
    ...     "close": pd.to_datetime(["2027-01-20", "2027-01-25", "2027-01-15", "2027-02-02"])})
    >>> top_forecast_accounts(deals, "2027-01-08")
      name owner  amount      close
    1    B   Ann   300.0 2027-01-25
    2    A   Ann   100.0 2027-01-20
    """
    missing = needs(opportunities, "status", "amount", "close", table="opportunities")
    if missing:
        return missing
    if freq not in ("M", "Q"):
        raise InputError(f"freq: must be 'M' (this month) or 'Q' (this quarter); got {freq!r}")
    period = check.day("as_of", as_of).to_period(_freq(freq, fy_start_month))
    close = check.dates("opportunities", opportunities, "close")
    mask = (opportunities["status"] == "open").to_numpy()
    mask = mask & _in_window(close, period.start_time, period.end_time.normalize())
    deals = opportunities.loc[mask]
    order = np.lexsort(
        (np.arange(len(deals)), close[mask].to_numpy(), -deals["amount"].to_numpy(dtype=float))
    )
    shown = [
        c
        for c in (
            "id",
            "name",
            "account",
            "owner",
            "stage",
            "amount",
            "close",
            "probability",
            "forecast_category",
        )
        if c in deals.columns
    ]
    out = deals.iloc[order[:n]][shown].reset_index(drop=True)
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out
