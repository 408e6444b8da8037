"""The pro forma and the revenue-cut stress test.

A pro forma is the projected income statement, month by month over the plan
horizon. The stress test cuts projected sales by a fraction from a start month
and redoes the pro forma: cost of sales and variable expenses move with revenue,
fixed and people costs do not. From the baseline and the scenario this module
derives everything the stress-test notebook shows:

- :func:`project` -- the monthly pro forma for one cut (a cut of 0 is the baseline);
- :func:`statement` -- the same, line by line, as a client reads an income statement;
- :func:`stress_test` -- baseline and scenario side by side with the lost income and
  the cost reductions needed to break even and to hold a target margin;
- :func:`cut_plan` -- discretionary lines cut in priority order until a need is met;
- :func:`contribution_margin_ratio` and :func:`break_even_revenue`;
- :func:`largest_survivable_cut` -- by income and by cash;
- :func:`cut_curve` and :func:`monte_carlo` -- the year over cuts of 0-50%, with and
  without uncertainty.

Every function is pure: it takes a :class:`ProFormaInputs` (built from a client
folder by :func:`inputs_from_tables`) and plain numbers, and returns numbers or
DataFrames. Money is in the client's currency, unrounded; rounding happens only
when a figure is shown.

Because every revenue-driven cost is a fixed fraction of revenue, income is a
straight line in the cut. The module uses that: the largest survivable cut is
solved exactly rather than searched for, and a live slider recomputes the whole
year in well under a millisecond.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesnb.errors import InputError

__all__ = [
    "EXPENSE_KINDS",
    "MonteCarlo",
    "ProFormaInputs",
    "StressTest",
    "SurvivableCut",
    "break_even_revenue",
    "contribution_margin_ratio",
    "cut_curve",
    "cut_plan",
    "inputs_from_tables",
    "largest_survivable_cut",
    "monte_carlo",
    "people_costs",
    "project",
    "statement",
    "stress_test",
]

EXPENSE_KINDS = ("fixed", "variable", "people")

#: Columns of the monthly pro forma returned by :func:`project`.
PROJECTION_COLUMNS = (
    "revenue",
    "cost_of_sales",
    "gross_profit",
    "variable_expenses",
    "fixed_expenses",
    "people_expenses",
    "total_expenses",
    "operating_income",
    "margin",
    "cash",
)


@dataclass(frozen=True)
class ProFormaInputs:
    """Everything the pro forma needs, already arranged by month.

    Parameters
    ----------
    revenue : DataFrame
        Planned revenue, one row per month (a monthly ``PeriodIndex``), one column
        per revenue stream.
    cost_of_sales_rate : Series
        Cost of sales as a fraction of revenue, by stream (same names as the
        columns of ``revenue``).
    lines : DataFrame
        One row per expense line (index: the line's name) with columns ``kind``
        (fixed, variable or people), ``rate`` (variable lines: fraction of total
        revenue), ``discretionary`` (bool), ``cut_priority`` (1 is cut first) and
        ``max_cut`` (the fraction of the line that can be cut, 0-1).
    costs : DataFrame
        Monthly amounts of the fixed and people lines (months x lines). Variable
        lines are not in it: they follow revenue.
    opening_cash, minimum_cash : float
        Cash at the start of the first month, and the balance the business must
        keep.
    """

    revenue: pd.DataFrame
    cost_of_sales_rate: pd.Series
    lines: pd.DataFrame
    costs: pd.DataFrame
    opening_cash: float = 0.0
    minimum_cash: float = 0.0

    @property
    def months(self) -> pd.PeriodIndex:
        return self.revenue.index

    @property
    def variable_rate(self) -> float:
        """Sum of the variable lines' rates: variable expenses per unit of revenue."""
        kinds = self.lines["kind"]
        return float(self.lines.loc[kinds == "variable", "rate"].sum())


def people_costs(
    roster: pd.DataFrame, months: pd.PeriodIndex, default_burden: float = 0.0
) -> pd.DataFrame:
    """Monthly people cost of each expense line from a roster.

    Parameters
    ----------
    roster : DataFrame
        One row per person with columns ``line`` (the people expense line the
        person is paid from), ``annual_salary``, ``burden`` (fraction added for
        taxes and benefits; missing means ``default_burden``), ``start`` and
        ``end`` (monthly Periods; a missing ``start`` means employed from before
        the horizon, a missing ``end`` means still employed at its close).
    months : PeriodIndex
        The months of the pro forma.
    default_burden : float
        Burden for people whose own is not given.

    Returns
    -------
    DataFrame
        Months x lines: salary / 12 x (1 + burden), summed over the people on each
        line employed in that month (start and end months count in full).

    Examples
    --------
    >>> months = pd.period_range("2026-01", periods=3, freq="M")
    >>> roster = pd.DataFrame({"line": ["Sales salaries"], "annual_salary": [120_000.0],
    ...     "burden": [0.25], "start": [pd.Period("2026-02", "M")], "end": [None]})
    >>> people_costs(roster, months)["Sales salaries"].tolist()
    [0.0, 12500.0, 12500.0]
    """
    lines = sorted(roster["line"].unique()) if len(roster) else []
    out = pd.DataFrame(0.0, index=months, columns=lines)
    ordinals = np.array([m.ordinal for m in months])
    for person in roster.itertuples(index=False):
        burden = default_burden if _missing(person.burden) else float(person.burden)
        start = -math.inf if _missing(person.start) else person.start.ordinal
        end = math.inf if _missing(person.end) else person.end.ordinal
        employed = (ordinals >= start) & (ordinals <= end)
        out.loc[employed, person.line] += float(person.annual_salary) / 12.0 * (1.0 + burden)
    return out


def inputs_from_tables(
    *,
    months: pd.PeriodIndex,
    revenue_plan: pd.DataFrame,
    cost_of_sales_rate: dict[str, float],
    expenses: pd.DataFrame,
    roster: pd.DataFrame,
    opening_cash: float,
    minimum_cash: float,
    default_burden: float = 0.0,
    fixed_schedule: pd.DataFrame | None = None,
    extra_people: pd.DataFrame | None = None,
) -> ProFormaInputs:
    """Arrange a client's tables into :class:`ProFormaInputs`.

    Parameters
    ----------
    months : PeriodIndex
        The plan horizon.
    revenue_plan : DataFrame
        Long table with columns ``month`` (Period), ``stream`` and ``revenue``.
        A stream with no row for a month has no revenue that month.
    cost_of_sales_rate : dict
        Cost of sales as a fraction of revenue, by stream.
    expenses : DataFrame
        One row per line: ``line``, ``kind``, ``amount`` (fixed lines, per month),
        ``rate`` (variable lines), ``discretionary``, ``cut_priority``, ``max_cut``.
    roster : DataFrame
        The team, as :func:`people_costs` takes it.
    opening_cash, minimum_cash, default_burden : float
        See :class:`ProFormaInputs` and :func:`people_costs`.
    fixed_schedule : DataFrame, optional
        Month-by-month amounts that replace a fixed line's ``amount`` in those
        months (columns ``line``, ``month``, ``amount``).
    extra_people : DataFrame, optional
        Further monthly people costs (months x lines), for example the planned
        hires of the hiring timeline; added to lines of the same name, or as new
        people lines.
    """
    revenue = (
        revenue_plan.pivot_table(
            index="month", columns="stream", values="revenue", aggfunc="sum", fill_value=0.0
        )
        .reindex(index=months, fill_value=0.0)
        .astype(float)
    )
    revenue.columns.name = None
    streams = list(cost_of_sales_rate)
    revenue = revenue.reindex(columns=streams, fill_value=0.0)
    revenue.index.name = "month"

    lines = expenses.set_index("line")[["kind", "rate", "discretionary", "cut_priority", "max_cut"]]
    lines = lines.assign(
        rate=lines["rate"].fillna(0.0).astype(float),
        discretionary=lines["discretionary"].fillna(False).astype(bool),
        max_cut=lines["max_cut"].fillna(1.0).astype(float),
    )

    fixed_names = expenses.loc[expenses["kind"] == "fixed", "line"]
    fixed_amounts = expenses.set_index("line").loc[fixed_names, "amount"].astype(float)
    costs = pd.DataFrame(
        np.tile(fixed_amounts.to_numpy(), (len(months), 1)), index=months, columns=fixed_names
    )
    if fixed_schedule is not None:
        for row in fixed_schedule.itertuples(index=False):
            if row.month in costs.index:
                costs.loc[row.month, row.line] = float(row.amount)

    people_names = list(expenses.loc[expenses["kind"] == "people", "line"])
    people = people_costs(roster, months, default_burden).reindex(
        columns=people_names, fill_value=0.0
    )
    if extra_people is not None and len(extra_people.columns):
        extra = extra_people.reindex(index=months, fill_value=0.0)
        for name in extra.columns:
            if name not in people.columns:
                people[name] = 0.0
                new_line = pd.DataFrame(
                    {
                        "kind": ["people"],
                        "rate": [0.0],
                        "discretionary": [False],
                        "cut_priority": [np.nan],
                        "max_cut": [1.0],
                    },
                    index=pd.Index([name], name=lines.index.name),
                )
                lines = pd.concat([lines, new_line])
            people[name] = people[name] + extra[name].astype(float)
    costs = pd.concat([costs, people], axis=1)
    costs.index.name = "month"
    return ProFormaInputs(
        revenue=revenue,
        cost_of_sales_rate=pd.Series(cost_of_sales_rate, dtype=float),
        lines=lines,
        costs=costs,
        opening_cash=float(opening_cash),
        minimum_cash=float(minimum_cash),
    )


# ----------------------------------------------------------------------------
# The core: everything as arrays, linear in the sales multiplier.
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Arrays:
    revenue: np.ndarray  # total planned revenue by month
    cost_of_sales: np.ndarray
    variable: np.ndarray
    fixed: np.ndarray
    people: np.ndarray

    @property
    def contribution(self) -> np.ndarray:
        return self.revenue - self.cost_of_sales - self.variable

    @property
    def fixed_and_people(self) -> np.ndarray:
        return self.fixed + self.people


def _arrays(inputs: ProFormaInputs) -> _Arrays:
    rev = inputs.revenue.to_numpy(dtype=float)
    rates = inputs.cost_of_sales_rate.reindex(inputs.revenue.columns).to_numpy(dtype=float)
    total = rev.sum(axis=1)
    kinds = inputs.lines["kind"].reindex(inputs.costs.columns)
    costs = inputs.costs.to_numpy(dtype=float)
    return _Arrays(
        revenue=total,
        cost_of_sales=rev @ rates,
        variable=total * inputs.variable_rate,
        fixed=costs[:, (kinds == "fixed").to_numpy()].sum(axis=1),
        people=costs[:, (kinds == "people").to_numpy()].sum(axis=1),
    )


def _check_cut(cut: float, start_month: int, n_months: int) -> None:
    number = isinstance(cut, int | float | np.integer | np.floating) and not isinstance(cut, bool)
    if not number or math.isnan(cut) or not 0.0 <= cut <= 1.0:
        raise InputError(f"cut: must be a fraction between 0 and 1 (0% to 100%); got {cut!r}")
    if not (isinstance(start_month, int | np.integer) and 1 <= start_month <= n_months):
        raise InputError(
            f"start_month: must be a month number from 1 to {n_months}; got {start_month!r}"
        )


def _multiplier(cut: float, start_month: int, n_months: int) -> np.ndarray:
    """Share of planned sales kept in each month under a cut from a start month."""
    _check_cut(cut, start_month, n_months)
    k = np.ones(n_months)
    k[start_month - 1 :] = 1.0 - cut
    return k


def _margin(income: np.ndarray, revenue: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(revenue != 0, income / np.where(revenue != 0, revenue, 1.0), np.nan)


def project(inputs: ProFormaInputs, cut: float = 0.0, start_month: int = 1) -> pd.DataFrame:
    """The monthly pro forma with sales cut by ``cut`` from ``start_month``.

    Parameters
    ----------
    inputs : ProFormaInputs
        The client's plan.
    cut : float
        Fraction of planned sales that does not come in, 0 to 1 (0.25 = 25%
        under plan). A cut of 0 is the baseline.
    start_month : int
        First month of the cut, counted from 1 (the first month of the plan).

    Returns
    -------
    DataFrame
        One row per month, columns: revenue, cost_of_sales, gross_profit,
        variable_expenses, fixed_expenses, people_expenses, total_expenses,
        operating_income, margin (income / revenue; NaN when there is no revenue)
        and cash (opening cash + cumulative income, at the month's end).

    Notes
    -----
    Cost of sales and variable expenses are fractions of revenue and move with
    it; fixed and people costs do not. So ``gross_profit = revenue -
    cost_of_sales`` and ``operating_income = gross_profit - total_expenses``.
    """
    a = _arrays(inputs)
    k = _multiplier(cut, start_month, len(a.revenue))
    revenue = a.revenue * k
    cos = a.cost_of_sales * k
    variable = a.variable * k
    expenses = variable + a.fixed + a.people
    income = revenue - cos - expenses
    return pd.DataFrame(
        {
            "revenue": revenue,
            "cost_of_sales": cos,
            "gross_profit": revenue - cos,
            "variable_expenses": variable,
            "fixed_expenses": a.fixed,
            "people_expenses": a.people,
            "total_expenses": expenses,
            "operating_income": income,
            "margin": _margin(income, revenue),
            "cash": inputs.opening_cash + np.cumsum(income),
        },
        index=inputs.months,
    )


def statement(inputs: ProFormaInputs, cut: float = 0.0, start_month: int = 1) -> pd.DataFrame:
    """The pro forma as an income statement: one row per line, one column per month.

    Rows: revenue by stream, total revenue, cost of sales, gross profit, every
    expense line, total expenses, operating income, margin and cash. Columns:
    the months and ``Total`` (the year; for cash, the closing balance; for the
    margin, the year's income over the year's revenue).

    Examples
    --------
    >>> months = pd.period_range("2026-01", periods=2, freq="M")
    >>> inputs = ProFormaInputs(
    ...     revenue=pd.DataFrame({"Services": [100.0, 100.0]}, index=months),
    ...     cost_of_sales_rate=pd.Series({"Services": 0.4}),
    ...     lines=pd.DataFrame({"kind": ["fixed", "variable"], "rate": [0.0, 0.1],
    ...         "discretionary": [False, False], "cut_priority": [None, None],
    ...         "max_cut": [1.0, 1.0]}, index=["Rent", "Commissions"]),
    ...     costs=pd.DataFrame({"Rent": [30.0, 30.0]}, index=months))
    >>> statement(inputs).loc["Operating income"].tolist()
    [20.0, 20.0, 40.0]
    """
    k = _multiplier(cut, start_month, len(inputs.months))
    rows: dict[str, np.ndarray] = {}
    revenue = inputs.revenue.to_numpy(dtype=float) * k[:, None]
    for i, stream in enumerate(inputs.revenue.columns):
        rows[f"Revenue: {stream}"] = revenue[:, i]
    total_revenue = revenue.sum(axis=1)
    rows["Total revenue"] = total_revenue
    rates = inputs.cost_of_sales_rate.reindex(inputs.revenue.columns).to_numpy(dtype=float)
    cos = revenue @ rates
    rows["Cost of sales"] = cos
    rows["Gross profit"] = total_revenue - cos
    expenses = np.zeros(len(k))
    for line, meta in inputs.lines.iterrows():
        if meta["kind"] == "variable":
            amount = total_revenue * float(meta["rate"])
        else:
            amount = inputs.costs[line].to_numpy(dtype=float)
        rows[str(line)] = amount
        expenses = expenses + amount
    rows["Total expenses"] = expenses
    income = total_revenue - cos - expenses
    rows["Operating income"] = income
    table = pd.DataFrame(rows, index=inputs.months).T
    table.columns = [str(m) for m in inputs.months]
    table["Total"] = table.sum(axis=1)
    margin = _margin(income, total_revenue)
    year_margin = _margin(np.array([income.sum()]), np.array([total_revenue.sum()]))[0]
    table.loc["Margin"] = [*margin, year_margin]
    cash = inputs.opening_cash + np.cumsum(income)
    table.loc["Cash"] = [*cash, cash[-1] if len(cash) else inputs.opening_cash]
    return table


# ----------------------------------------------------------------------------
# Stress test
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StressTest:
    """Baseline and scenario side by side, and what the gap asks for.

    Attributes
    ----------
    cut, start_month, target_margin : the scenario's settings.
    baseline, scenario : DataFrame
        :func:`project` at a cut of 0 and at ``cut``.
    by_month : DataFrame
        One row per month and a ``Total`` row: baseline and scenario revenue and
        income, lost revenue, lost income, the cost reduction needed to break even
        and the one needed to hold the target margin. The ``Total`` row applies
        the two rules to the year as a whole (a good month can carry a bad one).
    """

    cut: float
    start_month: int
    target_margin: float
    baseline: pd.DataFrame
    scenario: pd.DataFrame
    by_month: pd.DataFrame

    @property
    def year(self) -> pd.Series:
        """The ``Total`` row of :attr:`by_month`."""
        return self.by_month.loc["Total"]


def _reductions(income: np.ndarray, revenue: np.ndarray, target_margin: float):
    to_break_even = np.maximum(0.0, -income)
    to_target = np.maximum(0.0, target_margin * revenue - income)
    return to_break_even, to_target


def stress_test(
    inputs: ProFormaInputs, cut: float, start_month: int = 1, target_margin: float = 0.0
) -> StressTest:
    """Cut sales by ``cut`` from ``start_month`` and compare with the baseline.

    Parameters
    ----------
    inputs : ProFormaInputs
    cut : float
        Fraction of planned sales lost, 0-1.
    start_month : int
        First month of the cut (1 = the plan's first month).
    target_margin : float
        Operating margin the business wants to hold, as a fraction of revenue.

    Returns
    -------
    StressTest

    Notes
    -----
    Per month and for the year:

    - lost income = baseline income - scenario income, which equals lost revenue
      x the contribution-margin ratio of the months cut;
    - reduction to break even = max(0, -scenario income);
    - reduction to hold margin m = max(0, m x scenario revenue - scenario income).

    Examples
    --------
    >>> months = pd.period_range("2026-01", periods=2, freq="M")
    >>> inputs = ProFormaInputs(
    ...     revenue=pd.DataFrame({"Services": [100.0, 100.0]}, index=months),
    ...     cost_of_sales_rate=pd.Series({"Services": 0.4}),
    ...     lines=pd.DataFrame({"kind": ["fixed"], "rate": [0.0], "discretionary": [False],
    ...         "cut_priority": [None], "max_cut": [1.0]}, index=["Rent"]),
    ...     costs=pd.DataFrame({"Rent": [50.0, 50.0]}, index=months))
    >>> st = stress_test(inputs, cut=0.25, target_margin=0.1)
    >>> float(st.year["lost_income"]), float(st.year["reduction_to_break_even"])
    (30.0, 10.0)
    """
    if not (-1.0 < target_margin < 1.0):
        raise InputError(f"target_margin: must be between -100% and 100%; got {target_margin!r}")
    base = project(inputs, 0.0, 1)
    scen = project(inputs, cut, start_month)
    cols = {
        "baseline_revenue": base["revenue"].to_numpy(),
        "scenario_revenue": scen["revenue"].to_numpy(),
        "baseline_income": base["operating_income"].to_numpy(),
        "scenario_income": scen["operating_income"].to_numpy(),
    }
    table = pd.DataFrame(cols, index=[str(m) for m in inputs.months])
    table.loc["Total"] = table.sum(axis=0)
    table["lost_revenue"] = table["baseline_revenue"] - table["scenario_revenue"]
    table["lost_income"] = table["baseline_income"] - table["scenario_income"]
    be, tgt = _reductions(
        table["scenario_income"].to_numpy(), table["scenario_revenue"].to_numpy(), target_margin
    )
    table["reduction_to_break_even"] = be
    table["reduction_to_target_margin"] = tgt
    table.index.name = "month"
    return StressTest(
        cut=float(cut),
        start_month=int(start_month),
        target_margin=float(target_margin),
        baseline=base,
        scenario=scen,
        by_month=table,
    )


def cut_plan(inputs: ProFormaInputs, needed: float, start_month: int = 1, cut: float = 0.0):
    """Cut discretionary lines in priority order until ``needed`` is saved.

    Parameters
    ----------
    inputs : ProFormaInputs
    needed : float
        The cost reduction to find over the year (for example
        ``StressTest.year["reduction_to_break_even"]``).
    start_month : int
        Savings are counted from this month on: money already spent before the
        cut starts cannot be saved.
    cut : float
        The scenario's sales cut, so that a discretionary variable line (which
        falls with revenue) offers only what it costs in the scenario.

    Returns
    -------
    (DataFrame, float)
        The plan, one row per discretionary line in the order cut: ``line``,
        ``priority``, ``available`` (the line's cost from ``start_month`` to the
        end of the plan x its ``max_cut``), ``cut`` (what the plan takes from it)
        and ``still_needed`` (the need left after this line); and the amount the
        discretionary lines cannot cover (0 when the plan meets the need).
        Lines of equal priority are cut in the order they are listed.

    Examples
    --------
    >>> months = pd.period_range("2026-01", periods=2, freq="M")
    >>> inputs = ProFormaInputs(
    ...     revenue=pd.DataFrame({"S": [100.0, 100.0]}, index=months),
    ...     cost_of_sales_rate=pd.Series({"S": 0.0}),
    ...     lines=pd.DataFrame({"kind": ["fixed", "fixed"], "rate": [0.0, 0.0],
    ...         "discretionary": [True, True], "cut_priority": [2, 1],
    ...         "max_cut": [1.0, 0.5]}, index=["Travel", "Marketing"]),
    ...     costs=pd.DataFrame({"Travel": [10.0, 10.0], "Marketing": [40.0, 40.0]},
    ...         index=months))
    >>> plan, uncovered = cut_plan(inputs, needed=45.0)
    >>> plan["cut"].tolist(), uncovered
    ([40.0, 5.0], 0.0)
    """
    if not (needed >= 0 and math.isfinite(needed)):
        raise InputError(f"needed: must be a reduction of 0 or more; got {needed!r}")
    k = _multiplier(cut, start_month, len(inputs.months))
    revenue = inputs.revenue.to_numpy(dtype=float).sum(axis=1) * k
    window = slice(start_month - 1, None)
    disc = inputs.lines[inputs.lines["discretionary"]].copy()
    disc["order"] = range(len(disc))
    disc = disc.sort_values(["cut_priority", "order"], na_position="last", kind="stable")
    rows = []
    remaining = float(needed)
    for line, meta in disc.iterrows():
        if meta["kind"] == "variable":
            cost = float((revenue[window] * float(meta["rate"])).sum())
        else:
            cost = float(inputs.costs[line].to_numpy(dtype=float)[window].sum())
        available = cost * float(meta["max_cut"])
        take = min(available, remaining)
        remaining -= take
        rows.append(
            {
                "line": str(line),
                "priority": meta["cut_priority"],
                "available": available,
                "cut": take,
                "still_needed": remaining,
            }
        )
    plan = pd.DataFrame(rows, columns=["line", "priority", "available", "cut", "still_needed"])
    return plan, remaining


def contribution_margin_ratio(inputs: ProFormaInputs, months: slice | None = None) -> float:
    """1 - (cost of sales + variable expenses) / revenue, over the plan (or ``months``).

    What each extra unit of sales adds to income. NaN when there is no revenue.

    Examples
    --------
    >>> months = pd.period_range("2026-01", periods=1, freq="M")
    >>> inputs = ProFormaInputs(
    ...     revenue=pd.DataFrame({"S": [200.0]}, index=months),
    ...     cost_of_sales_rate=pd.Series({"S": 0.5}),
    ...     lines=pd.DataFrame({"kind": ["variable"], "rate": [0.1],
    ...         "discretionary": [False], "cut_priority": [None], "max_cut": [1.0]},
    ...         index=["Commissions"]),
    ...     costs=pd.DataFrame(index=months))
    >>> round(contribution_margin_ratio(inputs), 6)
    0.4
    """
    a = _arrays(inputs)
    window = months or slice(None)
    revenue = a.revenue[window].sum()
    if revenue == 0:
        return math.nan
    return float(a.contribution[window].sum() / revenue)


def break_even_revenue(inputs: ProFormaInputs) -> float:
    """Revenue at which the year's income is zero: fixed and people costs / CM ratio.

    Infinite when the contribution margin is zero or negative, or when there is
    no revenue at all to measure it on (no amount of sales covers the fixed costs).
    """
    a = _arrays(inputs)
    cm = contribution_margin_ratio(inputs)
    if not cm > 0:
        return math.inf
    return float(a.fixed_and_people.sum() / cm)


@dataclass(frozen=True)
class SurvivableCut:
    """The largest cut the plan survives, by income and by cash.

    ``by_income``: the largest cut at which the year's operating income stays at
    or above zero; ``by_cash``: the largest at which month-end cash never falls
    below the minimum balance. 1.0 means even losing every sale from the start
    month is survived; None means the baseline itself already fails the test.
    """

    by_income: float | None
    by_cash: float | None


def largest_survivable_cut(inputs: ProFormaInputs, start_month: int = 1) -> SurvivableCut:
    """The largest sales cut (from ``start_month``) the plan survives.

    Notes
    -----
    Income is linear in the cut: year income(c) = I0 - c x L, where L is the
    contribution (revenue - cost of sales - variable expenses) of the months cut.
    So the answer is I0 / L (capped at 1), found exactly. Cash is linear month by
    month in the same way, and the binding month gives the cash answer.

    Examples
    --------
    >>> months = pd.period_range("2026-01", periods=2, freq="M")
    >>> inputs = ProFormaInputs(
    ...     revenue=pd.DataFrame({"S": [100.0, 100.0]}, index=months),
    ...     cost_of_sales_rate=pd.Series({"S": 0.5}),
    ...     lines=pd.DataFrame({"kind": ["fixed"], "rate": [0.0], "discretionary": [False],
    ...         "cut_priority": [None], "max_cut": [1.0]}, index=["Rent"]),
    ...     costs=pd.DataFrame({"Rent": [40.0, 40.0]}, index=months),
    ...     opening_cash=5.0, minimum_cash=0.0)
    >>> largest_survivable_cut(inputs)
    SurvivableCut(by_income=0.2, by_cash=0.25)
    """
    a = _arrays(inputs)
    n = len(a.revenue)
    _check_cut(0.0, start_month, n)
    in_cut = np.arange(n) >= start_month - 1
    lost_per_unit = np.where(in_cut, a.contribution, 0.0)
    income0 = a.contribution - a.fixed_and_people

    year_income = float(income0.sum())
    year_loss = float(lost_per_unit.sum())
    by_income = _largest(np.array([year_income]), np.array([year_loss]))

    cash0 = inputs.opening_cash + np.cumsum(income0) - inputs.minimum_cash
    cash_loss = np.cumsum(lost_per_unit)
    headroom = np.concatenate([[inputs.opening_cash - inputs.minimum_cash], cash0])
    loss = np.concatenate([[0.0], cash_loss])
    by_cash = _largest(headroom, loss)
    return SurvivableCut(by_income=by_income, by_cash=by_cash)


def _largest(headroom: np.ndarray, loss_per_unit: np.ndarray) -> float | None:
    """Largest c in [0, 1] with headroom - c x loss >= 0 everywhere; None if c=0 fails."""
    tol = 1e-9 * max(1.0, float(np.abs(headroom).max(initial=0.0)))
    if (headroom < -tol).any():
        return None
    binding = loss_per_unit > 0
    if not binding.any():
        return 1.0
    limit = float(np.min(np.maximum(headroom[binding], 0.0) / loss_per_unit[binding]))
    return round(min(1.0, limit), 12)


def cut_curve(
    inputs: ProFormaInputs, start_month: int = 1, cuts: Sequence[float] | None = None
) -> pd.DataFrame:
    """The year's income, closing cash and lowest cash over a range of cuts.

    ``cuts`` defaults to 0%, 1%, ..., 50%. Returns one row per cut with columns
    ``cut``, ``income``, ``closing_cash`` and ``lowest_cash`` (the lowest month-end
    balance of the year).
    """
    grid = np.round(np.arange(0, 51) / 100, 2) if cuts is None else np.asarray(cuts, float)
    a = _arrays(inputs)
    n = len(a.revenue)
    for c in (grid.min(initial=0.0), grid.max(initial=0.0)):
        _check_cut(float(c), start_month, n)
    in_cut = (np.arange(n) >= start_month - 1).astype(float)
    k = 1.0 - grid[:, None] * in_cut[None, :]  # cuts x months
    income = k * a.contribution[None, :] - a.fixed_and_people[None, :]
    cash = inputs.opening_cash + np.cumsum(income, axis=1)
    return pd.DataFrame(
        {
            "cut": grid,
            "income": income.sum(axis=1),
            "closing_cash": cash[:, -1] if n else np.full(len(grid), inputs.opening_cash),
            "lowest_cash": cash.min(axis=1) if n else np.full(len(grid), inputs.opening_cash),
        }
    )


@dataclass(frozen=True)
class MonteCarlo:
    """The year under uncertain sales.

    Attributes
    ----------
    income : ndarray
        The year's operating income in each simulated run.
    lowest_cash : ndarray
        The lowest month-end cash balance in each run.
    curve : DataFrame
        Over cuts 0-50%: P10, P50 and P90 of the year's income (columns ``cut``,
        ``p10``, ``p50``, ``p90``, ``probability_of_loss``).
    minimum_cash : float
        The minimum balance the runs are judged against.
    """

    income: np.ndarray
    lowest_cash: np.ndarray
    curve: pd.DataFrame
    minimum_cash: float

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.income, q))

    @property
    def probability_of_loss(self) -> float:
        """Share of runs whose year ends with an operating loss."""
        return float(np.mean(self.income < 0))

    @property
    def probability_cash_short(self) -> float:
        """Share of runs in which cash falls below the minimum balance in some month."""
        return float(np.mean(self.lowest_cash < self.minimum_cash))


def monte_carlo(
    inputs: ProFormaInputs,
    *,
    cut: float = 0.0,
    start_month: int = 1,
    volatility: float = 0.15,
    runs: int = 2000,
    seed: int = 0,
) -> MonteCarlo:
    """Simulate the year with each month's sales drawn around the plan.

    Parameters
    ----------
    inputs : ProFormaInputs
    cut, start_month : the scenario around which sales are drawn.
    volatility : float
        Standard deviation of a month's sales as a fraction of plan (0.15: a month
        typically lands within 15% of plan). Months are drawn independently from
        a normal distribution and never go below zero.
    runs : int
        Number of simulated years.
    seed : int
        Seed of the random generator: the same seed gives the same figures.

    Returns
    -------
    MonteCarlo

    Notes
    -----
    The same draws are used for every cut of the curve, so the percentile curves
    are smooth and comparable across cuts.
    """
    if not (volatility >= 0 and math.isfinite(volatility)):
        raise InputError(f"volatility: must be 0 or more; got {volatility!r}")
    if not (isinstance(runs, int | np.integer) and runs >= 1):
        raise InputError(f"runs: must be a whole number of 1 or more; got {runs!r}")
    a = _arrays(inputs)
    n = len(a.revenue)
    k_cut = _multiplier(cut, start_month, n)
    rng = np.random.default_rng(seed)
    noise = np.maximum(0.0, 1.0 + volatility * rng.standard_normal((runs, n)))
    contribution = noise * a.contribution[None, :]
    fixed = a.fixed_and_people.sum()

    monthly = contribution * k_cut[None, :] - a.fixed_and_people[None, :]
    income = monthly.sum(axis=1)
    # like largest_survivable_cut: the opening balance counts as well as every month's end
    lowest = np.minimum(
        inputs.opening_cash, (inputs.opening_cash + np.cumsum(monthly, axis=1)).min(axis=1)
    )

    grid = np.round(np.arange(0, 51) / 100, 2)
    in_cut = np.arange(n) >= start_month - 1
    kept = contribution[:, ~in_cut].sum(axis=1)
    exposed = contribution[:, in_cut].sum(axis=1)
    by_cut = kept[None, :] + (1.0 - grid[:, None]) * exposed[None, :] - fixed  # cuts x runs
    p10, p50, p90 = np.percentile(by_cut, [10, 50, 90], axis=1)
    curve = pd.DataFrame(
        {
            "cut": grid,
            "p10": p10,
            "p50": p50,
            "p90": p90,
            "probability_of_loss": (by_cut < 0).mean(axis=1),
        }
    )
    return MonteCarlo(
        income=income, lowest_cash=lowest, curve=curve, minimum_cash=inputs.minimum_cash
    )


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT
