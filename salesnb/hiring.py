"""The hiring timeline and the 18-month organisation plan.

"If revenue ramps up in the second half, recruit and hire now." Given the
new-business revenue the reps must carry each month (the objective), the team
on the roster and a few assumptions about reps (quota, attainment, ramp,
recruiting lead time, attrition), this module works out how many reps each
month needs, which hires to plan, when each requisition must open, and what
the plan costs and what it cannot deliver in time.

The public API:

- :func:`ramp_curve` -- productivity fraction by month of tenure;
- :func:`full_productivity` -- annual quota / 12 x attainment;
- :class:`HiringAssumptions` and :class:`Rep` -- the inputs;
- :func:`required_headcount` -- H(m) = ceil(objective(m) / full productivity);
- :func:`hiring_plan` -- the plan, a :class:`HiringPlan` of DataFrames: the
  hiring schedule, capacity against objective, the people for an org chart,
  headcount by role and the costs;
- :func:`pro_forma_people` -- the planned hires' people costs, shaped for the
  pro forma (``salesnb.proforma.inputs_from_tables(extra_people=...)``);
- :func:`bad_hire_cost` -- what a hire who does not work out costs;
- :func:`sensitivity` and :func:`monte_carlo` (a :class:`HiringMonteCarlo`) --
  hires and shortfall as the :data:`DRIVERS` move (a tornado chart) and under
  uncertainty (P10/P50/P90, spreads by default :data:`DEFAULT_SPREADS`).

Months are monthly ``pd.Period`` values; monthly tables carry a
``PeriodIndex`` named ``month``. Money is in the client's currency, unrounded.

The rule (see :func:`hiring_plan` for every detail): a rep counts toward month
m only once fully ramped by m. Reps are counted in *full-productivity reps*,
each by own quota / the standard quota (the assumptions' ``annual_quota``): an
inside-sales rep on half the standard quota counts as half a rep, a planned hire
as one. Wherever the reps who count fall short of what m requires, the missing
hires (what is missing, rounded up to whole people) are planned to be fully ramped
by m: start by = m - ramp length, open requisition by = start by - lead time. A
hire whose requisition should already have been open is *late*: its schedule row
keeps the month the requisition was due and adds the month it can open (the as-of
month), it starts as early as it can (the as-of month + lead time) and the plan
states the revenue it fails to bring in meanwhile. People employed (``headcount``) stay a count of
people.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from salesnb import _checks as check
from salesnb.errors import InputError

__all__ = [
    "DEFAULT_SPREADS",
    "DRIVERS",
    "HiringAssumptions",
    "HiringMonteCarlo",
    "HiringPlan",
    "Rep",
    "bad_hire_cost",
    "full_productivity",
    "hiring_plan",
    "monte_carlo",
    "pro_forma_people",
    "ramp_curve",
    "required_headcount",
    "sensitivity",
]

#: The drivers :func:`sensitivity` and :func:`monte_carlo` can move.
DRIVERS = ("ramp_months", "lead_time_months", "attainment", "attrition_rate")

#: Default standard deviations used by :func:`monte_carlo`: attainment and the
#: attrition rate in fraction points, ramp and lead time in months.
DEFAULT_SPREADS: Mapping[str, float] = {
    "attainment": 0.10,
    "ramp_months": 1.0,
    "lead_time_months": 1.0,
    "attrition_rate": 0.0,
}

#: Relative tolerance under which a ratio is taken as a whole number.
_TOL = 1e-9


# ----------------------------------------------------------------------------
# Checking arguments
# ----------------------------------------------------------------------------


def _objective(objective: pd.Series) -> tuple[pd.PeriodIndex, np.ndarray]:
    """Check the objective; return its months and values."""
    if not isinstance(objective, pd.Series):
        raise InputError(
            f"objective: expected a pandas Series indexed by month; got {type(objective).__name__}"
        )
    if len(objective) == 0:
        raise InputError("objective: must cover at least one month; got an empty Series")
    index = objective.index
    if not isinstance(index, pd.PeriodIndex):
        try:
            index = pd.PeriodIndex([check.month("objective", m) for m in index], freq="M")
        except ValueError as exc:
            raise InputError(
                "objective: the index must be months (a monthly PeriodIndex); "
                f"got {list(objective.index)[:3]!r}..."
            ) from exc
    elif index.freqstr != "M":
        raise InputError(f"objective: the index must be monthly periods; got freq {index.freqstr}")
    ordinals = index.asi8
    steps = np.diff(ordinals)
    if (steps != 1).any():
        bad = int(np.flatnonzero(steps != 1)[0])
        first, second = index[bad], index[bad + 1]
        why = "out of order" if steps[bad] <= 0 else f"{first + 1} to {second - 1} missing"
        raise InputError(
            "objective: months must be consecutive and strictly increasing; "
            f"got {first} then {second} ({why})"
        )
    values = objective.to_numpy(dtype=float, na_value=np.nan)
    if not np.isfinite(values).all() or (values < 0).any():
        bad = int(np.flatnonzero(~(np.isfinite(values) & (values >= 0)))[0])
        raise InputError(
            f"objective: every month needs an amount of 0 or more; got {values[bad]!r} "
            f"in {index[bad]}"
        )
    return pd.PeriodIndex(index, name="month"), values


# ----------------------------------------------------------------------------
# Ramp and productivity
# ----------------------------------------------------------------------------


def ramp_curve(ramp: Sequence[float] | None = None, ramp_months: int = 4) -> tuple[float, ...]:
    """Share of full productivity a rep delivers by month of tenure, while ramping.

    Parameters
    ----------
    ramp : sequence of float, optional
        The client's own curve: the fraction for the first month employed, the
        second, and so on. Fractions must lie between 0 and 1 and never
        decrease. After the list ends the rep is at full productivity.
    ramp_months : int
        Used when ``ramp`` is not given: the number of months to full
        productivity, with a straight-line curve.

    Returns
    -------
    tuple of float
        Index 0 is the first month employed. A rep is *fully ramped* from the
        tenure month whose index equals the length of the tuple.

    Notes
    -----
    The default curve is linear: month t of tenure gives t / ramp_months, so
    ``ramp_months=4`` gives 0, 0.25, 0.5, 0.75 and full productivity from the
    fifth month (index 4); ``ramp_months=0`` gives full productivity from the
    first month.

    Trailing 1.0 entries of a given curve are dropped: a month at full
    productivity is a ramped month, so ``[0, 0.5, 1]`` and ``[0, 0.5]`` mean the
    same ramp of two months, and the client's "0, 0.25, 0.5, 0.75, then 1"
    agrees with ``ramp_months=4``.

    Examples
    --------
    >>> ramp_curve(ramp_months=4)
    (0.0, 0.25, 0.5, 0.75)
    >>> ramp_curve([0, 0.3, 0.7, 1.0])
    (0.0, 0.3, 0.7)
    >>> ramp_curve(ramp_months=0)
    ()
    """
    if ramp is None:
        months = check.whole("ramp_months", ramp_months)
        return tuple(t / months for t in range(months))
    fractions = list(check.ramp("ramp", ramp))
    while fractions and fractions[-1] == 1.0:
        fractions.pop()
    return tuple(fractions)


def full_productivity(annual_quota: float, attainment: float) -> float:
    """A fully ramped rep's expected revenue per month: annual quota / 12 x attainment.

    Parameters
    ----------
    annual_quota : float
        A rep's annual quota, more than 0.
    attainment : float
        Expected attainment (actual / quota), more than 0; 0.8 = 80% of quota.

    Returns
    -------
    float

    Examples
    --------
    >>> full_productivity(960_000, 0.75)
    60000.0
    """
    quota = check.number("annual_quota", annual_quota, positive=True, expected="more than 0")
    att = check.number(
        "attainment", attainment, positive=True, expected="more than 0 (0.8 means 80% of quota)"
    )
    return quota / 12.0 * att


# ----------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HiringAssumptions:
    """What the plan assumes about reps, recruiting and cost.

    Parameters
    ----------
    annual_quota : float
        A rep's annual quota.
    attainment : float
        Expected attainment, more than 0 (1.0 = quota exactly).
    salary : float
        Annual base salary of a planned hire.
    lead_time_months : int
        Recruiting lead time: whole months from opening a requisition to the
        hire's first month.
    ramp_months : int
        Months to full productivity for the default straight-line ramp.
    ramp : tuple of float, optional
        The client's own ramp curve (see :func:`ramp_curve`); overrides
        ``ramp_months``. A list is accepted and kept as a tuple.
    burden : float
        Payroll taxes and benefits as a fraction of salary (0.25 = +25%).
    recruiting_cost_per_hire : float
        Paid in the hire's start month (agency fee, advertising, travel).
    attrition_rate : float
        Expected share of the productive reps who leave in a year, 0 to 1.
    role : str
        The role name given to planned hires.

    Examples
    --------
    >>> a = HiringAssumptions(annual_quota=960_000, attainment=0.75, salary=90_000,
    ...                       lead_time_months=2)
    >>> a.productivity, a.curve, a.ramp_length
    (60000.0, (0.0, 0.25, 0.5, 0.75), 4)
    """

    annual_quota: float
    attainment: float
    salary: float
    lead_time_months: int
    ramp_months: int = 4
    ramp: tuple[float, ...] | None = None
    burden: float = 0.0
    recruiting_cost_per_hire: float = 0.0
    attrition_rate: float = 0.0
    role: str = "Sales rep"

    def __post_init__(self) -> None:
        full_productivity(self.annual_quota, self.attainment)
        check.number("salary", self.salary, low=0.0, expected="an annual amount of 0 or more")
        object.__setattr__(
            self, "lead_time_months", check.whole("lead_time_months", self.lead_time_months)
        )
        object.__setattr__(self, "ramp_months", check.whole("ramp_months", self.ramp_months))
        if self.ramp is not None:
            ramp_curve(self.ramp)
            object.__setattr__(self, "ramp", tuple(float(v) for v in self.ramp))
        check.number("burden", self.burden, low=0.0, expected="a fraction of salary, 0 or more")
        check.number(
            "recruiting_cost_per_hire",
            self.recruiting_cost_per_hire,
            low=0.0,
            expected="an amount of 0 or more",
        )
        check.number(
            "attrition_rate",
            self.attrition_rate,
            low=0.0,
            high=1.0,
            expected="an annual fraction between 0 and 1",
        )
        if not isinstance(self.role, str) or not self.role.strip():
            raise InputError(f"role: expected the planned hires' role name; got {self.role!r}")

    @property
    def curve(self) -> tuple[float, ...]:
        """The ramp curve in use (see :func:`ramp_curve`)."""
        return ramp_curve(self.ramp, self.ramp_months)

    @property
    def ramp_length(self) -> int:
        """Months from a rep's start to full productivity."""
        return len(self.curve)

    @property
    def productivity(self) -> float:
        """Full productivity per month (see :func:`full_productivity`)."""
        return full_productivity(self.annual_quota, self.attainment)

    @property
    def monthly_cost(self) -> float:
        """A planned hire's monthly cost: salary x (1 + burden) / 12."""
        return self.salary * (1.0 + self.burden) / 12.0


@dataclass(frozen=True)
class Rep:
    """A rep on the roster.

    Parameters
    ----------
    name, role : str
    start : Period
        First month employed (a date or 'YYYY-MM' text is accepted). A rep who
        started before the horizon is ramped according to tenure.
    end : Period, optional
        Last month employed, when a departure is known; None if staying.
    salary : float
        Annual base salary.
    burden : float
        Payroll taxes and benefits as a fraction of salary.
    annual_quota : float, optional
        The rep's own annual quota, more than 0; None (the default) means the
        standard quota, the assumptions' ``annual_quota``. The plan counts the
        rep as own quota / standard quota full-productivity reps (the rep's
        *weight*): an inside-sales rep on half the standard quota is half a rep,
        a senior rep on 1.5 times it one and a half.

    Examples
    --------
    >>> Rep("Ana", "Account executive", "2025-03", end="2026-06").end
    Period('2026-06', 'M')
    >>> Rep("Ines", "Inside sales", "2025-03", annual_quota=480_000).annual_quota
    480000
    """

    name: str
    role: str
    start: pd.Period
    end: pd.Period | None = None
    salary: float = 0.0
    burden: float = 0.0
    annual_quota: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"name: expected the rep's name; got {self.name!r}")
        if not isinstance(self.role, str) or not self.role.strip():
            raise InputError(f"role of {self.name}: expected the rep's role; got {self.role!r}")
        start = check.month(f"start of {self.name}", self.start)
        end = check.month(f"end of {self.name}", self.end, optional=True)
        if end is not None and end < start:
            raise InputError(
                f"end of {self.name}: the last month employed cannot come before the start "
                f"{start}; got {end}"
            )
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        check.number(
            f"salary of {self.name}", self.salary, low=0.0, expected="an annual amount of 0 or more"
        )
        check.number(
            f"burden of {self.name}",
            self.burden,
            low=0.0,
            expected="a fraction of salary, 0 or more",
        )
        if self.annual_quota is not None:
            check.number(
                f"annual_quota of {self.name}",
                self.annual_quota,
                positive=True,
                expected="an annual quota of more than 0, or None for the standard quota",
            )


def _weight(rep: Rep, standard_quota: float) -> float:
    """Full-productivity reps ``rep`` counts as: own quota / the standard quota (1 if none)."""
    return 1.0 if rep.annual_quota is None else float(rep.annual_quota) / float(standard_quota)


# ----------------------------------------------------------------------------
# Required headcount
# ----------------------------------------------------------------------------


def _ceil(ratio: np.ndarray) -> np.ndarray:
    """Ceiling that treats a ratio within float noise of a whole number as that number."""
    nearest = np.round(ratio)
    close = np.abs(ratio - nearest) <= _TOL * np.maximum(1.0, np.abs(ratio))
    return np.where(close, nearest, np.ceil(ratio)).astype(np.int64)


def _ceil_one(value: float) -> int:
    """:func:`_ceil` of one number: 4.0000000001 reps needed is 4, 4.1 is 5."""
    nearest = round(value)
    if abs(value - nearest) <= _TOL * max(1.0, abs(value)):
        return int(nearest)
    return math.ceil(value)


def required_headcount(objective: pd.Series, productivity: float) -> pd.Series:
    """Fully productive reps needed each month: H(m) = ceil(objective(m) / productivity).

    Parameters
    ----------
    objective : Series
        New-business revenue the reps must carry, by month (consecutive months).
    productivity : float
        A fully ramped rep's revenue per month (see :func:`full_productivity`).

    Returns
    -------
    Series
        Whole numbers of reps (int64), named ``required``, indexed by month.

    Notes
    -----
    A ratio within float noise of a whole number counts as that number, so an
    objective of exactly three reps' worth needs three reps, not four.

    Examples
    --------
    >>> months = pd.period_range("2026-01", periods=3, freq="M", name="month")
    >>> objective = pd.Series([300_000.0, 310_000.0, 0.0], index=months)
    >>> required_headcount(objective, 100_000.0).tolist()
    [3, 4, 0]
    """
    months, values = _objective(objective)
    prod = check.number("productivity", productivity, positive=True, expected="more than 0")
    return pd.Series(_ceil(values / prod), index=months, name="required")


# ----------------------------------------------------------------------------
# The plan
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hire:
    needed: int  # ordinals of monthly periods
    open_req: int  # when the requisition is due: needed - ramp - lead time
    opens: int  # when it can open: open_req, or the as-of month for a late hire
    start: int
    productive: int
    late: bool
    shortfall: float
    reason: str


@dataclass(frozen=True)
class _Core:
    """The plan as plain numbers: what the sliders and simulations need."""

    first: int
    required: np.ndarray
    hires: list[_Hire]
    departures: np.ndarray  # expected departures accumulated by each month's start
    removed: np.ndarray  # whole expected departures taken off the reps who count


def _shortfall(
    needed: int,
    start: int,
    productive: int,
    last: int,
    curve: tuple[float, ...],
    productivity: float,
) -> float:
    """Productivity a late hire was meant to deliver from ``needed`` but does not."""
    missing = 0.0
    for month in range(needed, min(productive, last + 1)):
        tenure = month - start
        missing += 1.0 - (curve[tenure] if tenure >= 0 else 0.0)
    return missing * productivity


def _plan(
    first: int,
    required: np.ndarray,
    reps: Sequence[tuple[int, float, float]],
    curve: tuple[float, ...],
    productivity: float,
    lead_time: int,
    as_of: int,
    attrition: float,
) -> _Core:
    """One forward pass over the months; ``reps`` holds (start, end, weight).

    Headcount here is in full-productivity reps: an existing rep counts by weight
    (own quota / standard quota), a planned hire as 1.
    """
    n = len(required)
    last = first + n - 1
    ramp = len(curve)
    earliest_start = as_of + lead_time
    earliest_productive = earliest_start + ramp

    # Existing reps: their weight that counts (fully ramped, still employed) each
    # month, and how many people leave at the start of each month.
    existing = [0.0] * n
    leaving = [0] * n
    for start, end, weight in reps:
        lo = max(start + ramp, first)
        hi = min(end, last)
        for i in range(int(lo) - first, int(hi) - first + 1):
            existing[i] += weight
        if first <= end + 1 <= last:
            leaving[int(end) + 1 - first] += 1

    hires: list[_Hire] = []
    planned = 0  # hires planned so far; each covers every month from the one it is needed
    productive_by: list[int] = []  # months from which the planned hires count
    monthly_rate = attrition / 12.0
    expected = 0.0  # expected departures accumulated before this month
    # Whole expected departures are floor(expected) + offset. The offset stays 0
    # unless the cap below takes a fraction of a rep (only a team of weighted reps
    # can be a fraction): it keeps the reps taken from coming back the next month.
    offset = 0.0
    departures = np.zeros(n)
    removed = np.zeros(n)
    whole_before: float = 0
    to_backfill: float = 0
    for i in range(n):
        month = first + i
        whole: float = math.floor(expected + _TOL) + offset
        team = existing[i] + planned
        if whole > team + _TOL:
            # Nobody is left to leave: known departures took the reps the expected
            # ones would have been.
            excess = whole - team
            dropped = math.floor(excess + _TOL)
            expected -= dropped
            offset -= excess - dropped
            whole = team
        departures[i] = expected + offset
        removed[i] = whole
        to_backfill += leaving[i] + whole - whole_before
        whole_before = whole
        covered = team - whole
        count = _ceil_one(int(required[i]) - covered)
        if count > 0:
            due = month - ramp - lead_time
            if month >= earliest_productive:
                start, productive, late, short = month - ramp, month, False, 0.0
            else:
                # No new hire can be fully ramped by this month. Hire only for the part
                # of the gap that is still open when one could be: a rep already on the
                # roster who finishes ramping meanwhile closes the rest.
                stop = min(n - 1, earliest_productive - first)
                count = _ceil_one(
                    min(
                        int(required[j]) - max(0.0, existing[j] + planned - whole)
                        for j in range(i, stop + 1)
                    )
                )
                start, productive, late = earliest_start, earliest_productive, True
                short = _shortfall(month, start, productive, last, curve, productivity)
            for _ in range(max(0, count)):
                reason = "backfill" if to_backfill > _TOL else "growth"
                to_backfill = max(0, to_backfill - 1)
                hires.append(
                    _Hire(month, due, start - lead_time, start, productive, late, short, reason)
                )
                productive_by.append(productive)
                planned += 1
        if monthly_rate and month >= as_of:
            counted = existing[i] + sum(1 for p in productive_by if p <= month) - whole
            expected += max(0, counted) * monthly_rate
    return _Core(
        first=first, required=required, hires=hires, departures=departures, removed=removed
    )


@dataclass(frozen=True)
class HiringPlan:
    """The hiring timeline: schedule, capacity, people, headcount and costs.

    Attributes
    ----------
    schedule : DataFrame
        One row per planned hire, in the order needed: ``name``, ``role``,
        ``reason`` (growth or backfill), ``month_needed``, ``open_req_by`` (the
        month the requisition is due: month needed - ramp - lead time, before the
        as-of month for a late hire), ``opens`` (the month it can open: the as-of
        month for a late hire, ``open_req_by`` otherwise), ``start_by``,
        ``productive_by``, ``late`` (bool), ``months_late`` (productive_by -
        month_needed, 0 on time) and ``shortfall`` (revenue the hire fails to
        bring in while late; 0 on time).
    capacity : DataFrame
        By month: ``objective``, ``required`` (H, int), ``counted`` (fully
        ramped reps in full-productivity reps, each weighted by own quota /
        standard quota, less whole expected departures; float),
        ``headcount`` (people employed, ramping or not; int),
        ``expected_departures`` (accumulated under attrition, in
        full-productivity reps), ``capacity`` (expected revenue, partial ramp
        and each person's weight counted, attainment applied),
        ``hires_capacity`` (the planned hires' part of it, before departures)
        and ``gap`` (objective - capacity; positive means short).
    people : DataFrame
        One row per person, roster first: ``name``, ``role``, ``planned``
        (bool), ``reason`` (existing, growth or backfill), ``open_req_by`` (the
        month the search opens: ``opens`` of the schedule), ``start``, ``productive_by`` (end of ramp), ``end`` (NaT: stays),
        ``salary``, ``burden``. What an org chart (Gantt) needs.
    headcount : DataFrame
        People employed by month (rows) and role (columns).
    costs : DataFrame
        Planned hires' costs by month, from the earlier of the as-of month and
        the horizon's first month: ``people`` (salary x (1 + burden) / 12 for each
        planned hire employed), ``recruiting`` (per hire, in its start month) and
        ``total``.
    as_of : Period
    productivity : float
        Full productivity per rep and month.
    """

    schedule: pd.DataFrame
    capacity: pd.DataFrame
    people: pd.DataFrame
    headcount: pd.DataFrame
    costs: pd.DataFrame
    as_of: pd.Period
    productivity: float

    @property
    def hires(self) -> int:
        """Number of planned hires."""
        return len(self.schedule)

    @property
    def late_hires(self) -> int:
        """Number of planned hires that are late."""
        return int(self.schedule["late"].sum())

    @property
    def shortfall(self) -> float:
        """Total revenue the late hires fail to bring in over the horizon."""
        return float(self.schedule["shortfall"].sum())

    @property
    def total_cost(self) -> float:
        """Planned hires' people and recruiting costs, in total."""
        return float(self.costs["total"].sum())


def _reps_as_ordinals(reps: Sequence[Rep], standard_quota: float) -> list[tuple[int, float, float]]:
    """(start, end, weight) of each rep; the weight is own quota / the standard quota."""
    if isinstance(reps, Rep) or not isinstance(reps, Sequence):
        raise InputError(f"reps: expected a list of Rep (possibly empty); got {reps!r}")
    out: list[tuple[int, float, float]] = []
    for rep in reps:
        if not isinstance(rep, Rep):
            raise InputError(f"reps: every entry must be a Rep; got {rep!r}")
        end = math.inf if rep.end is None else rep.end.ordinal
        out.append((rep.start.ordinal, end, _weight(rep, standard_quota)))
    return out


def _check(
    objective: pd.Series, reps: Sequence[Rep], assumptions: HiringAssumptions, as_of: object
) -> tuple[pd.PeriodIndex, np.ndarray, list[tuple[int, float, float]], int]:
    months, values = _objective(objective)
    if not isinstance(assumptions, HiringAssumptions):
        raise InputError(
            f"assumptions: expected HiringAssumptions; got {type(assumptions).__name__}"
        )
    as_of_month = check.month("as_of", as_of)
    assert as_of_month is not None
    return months, values, _reps_as_ordinals(reps, assumptions.annual_quota), as_of_month.ordinal


def _run(
    values: np.ndarray,
    first: int,
    reps: list[tuple[int, float, float]],
    a: HiringAssumptions,
    as_of: int,
) -> _Core:
    productivity = a.productivity
    return _plan(
        first,
        _ceil(values / productivity),
        reps,
        a.curve,
        productivity,
        int(a.lead_time_months),
        as_of,
        a.attrition_rate,
    )


def _months(ordinals: Sequence[int] | np.ndarray) -> pd.PeriodIndex:
    return pd.PeriodIndex.from_ordinals(np.asarray(ordinals, dtype=np.int64), freq="M")


def _month_column(ordinals: Sequence[float]) -> pd.arrays.PeriodArray:
    values = [
        pd.NaT if o is None or not math.isfinite(o) else pd.Period(ordinal=int(o), freq="M")
        for o in ordinals
    ]
    return pd.array(values, dtype="period[M]")


def hiring_plan(
    objective: pd.Series,
    reps: Sequence[Rep],
    assumptions: HiringAssumptions,
    as_of: pd.Period | str,
) -> HiringPlan:
    """Plan the hires that keep enough fully ramped reps for every month's objective.

    Parameters
    ----------
    objective : Series
        New-business revenue the reps must carry, by month: consecutive months,
        strictly increasing (the horizon, normally 18 months).
    reps : list of Rep
        The quota-carrying reps on the roster (possibly none). Once ramped, each
        is as productive as own quota / the standard quota planned hires (1 when
        the rep has no ``annual_quota`` of their own; see :class:`Rep`).
    assumptions : HiringAssumptions
    as_of : Period or str
        The "today" of the analysis: no requisition can open before it.

    Returns
    -------
    HiringPlan

    Notes
    -----
    Let P be full productivity at the standard quota Q (the assumptions'
    ``annual_quota``), L the ramp length, T the lead time and A the as-of
    month. Headcount that counts is measured in full-productivity reps: a rep
    on the roster weighs w = own quota / Q (1 without a quota of their own), a
    planned hire 1. Month by month, in order:

    1. H(m) = ceil(objective(m) / P) full-productivity reps must count in m. A
       rep counts, by weight, once fully ramped (start + L <= m) and until the
       last month employed; a hire already planned counts 1 from the month it
       was planned for. counted(m) is that sum less the whole expected
       departures (step 4).
    2. If counted(m) < H(m), ceil(H(m) - counted(m)) hires are planned to be
       fully ramped by m (a difference within float noise of a whole number
       counts as that number: 4.0000000001 is 4 hires): start by = m - L, open
       requisition by = start by - T. A rep on half the quota thus closes half
       a rep of the gap, and two of them close a whole one.
    3. If that requisition would open before A, the hire is late: the schedule
       keeps the month it was due (``open_req_by``) and adds the month it can
       open, A (``opens``); it starts in A + T and is fully ramped in A + T + L. Its
       shortfall is what it was meant to bring in from m and does not: the sum,
       over the months from m until it is fully ramped (within the horizon), of
       P x (1 - its ramp fraction; 0 before it starts). A late hire is planned
       only for the part of the gap still open in every month up to A + T + L:
       if a rep on the roster finishes ramping before then, no new hire could
       have helped and none is planned (the gap still shows in ``capacity``).
    4. Attrition: each month from A on, the reps who count are expected to leave
       at attrition_rate / 12 each, so the expected departures (in
       full-productivity reps) grow by counted(m) x attrition_rate / 12. They
       accumulate, and each time the total crosses a whole number one fewer
       full-productivity rep counts from the next month, which opens a gap that
       step 2 fills (a backfill). Attrition comes on top of the known
       departures, but never takes more than the reps left (a team of weighted
       reps can lose a fraction of a rep this way, and it is not given back).
       Expected departures are not named people: the roster and the org chart
       are unchanged, and their salaries are not deducted from the costs (a
       cautious cost figure).

    Hires in a month are labelled backfill up to the number of departures
    (known people, and whole expected ones) not yet replaced; the rest growth.
    Expected capacity in m = P x (sum over the people employed of weight x ramp
    fraction - expected departures accumulated by m), never below 0, so
    capacity never exceeds P x the weight of the people employed (headcount x P
    when nobody has a quota of their own). From A + T + L on, the reps who
    count always meet H(m). ``headcount`` counts people, whatever their quota.

    Examples
    --------
    >>> months = pd.period_range("2026-01", periods=6, freq="M", name="month")
    >>> objective = pd.Series([100_000.0] * 4 + [200_000.0] * 2, index=months)
    >>> a = HiringAssumptions(annual_quota=1_200_000, attainment=1.0, salary=120_000,
    ...                       lead_time_months=1, ramp_months=2)
    >>> plan = hiring_plan(objective, [Rep("Ana", "AE", "2024-01")], a, as_of="2026-01")
    >>> row = plan.schedule.iloc[0]
    >>> str(row["month_needed"]), str(row["open_req_by"]), str(row["start_by"]), bool(row["late"])
    ('2026-05', '2026-02', '2026-03', False)
    >>> plan.capacity["capacity"].tolist()
    [100000.0, 100000.0, 100000.0, 150000.0, 200000.0, 200000.0]

    An inside-sales rep on half the quota counts as half a rep: with Ana, 1.5
    reps count, and May's need of 2 still takes one hire.

    >>> ines = Rep("Ines", "Inside sales", "2024-01", annual_quota=600_000)
    >>> plan = hiring_plan(objective, [Rep("Ana", "AE", "2024-01"), ines], a, as_of="2026-01")
    >>> plan.hires, plan.capacity["counted"].tolist()
    (1, [1.5, 1.5, 1.5, 1.5, 2.5, 2.5])
    """
    months, values, rep_ordinals, as_of_ordinal = _check(objective, reps, assumptions, as_of)
    core = _run(values, int(months.asi8[0]), rep_ordinals, assumptions, as_of_ordinal)
    return _build(months, values, list(reps), assumptions, as_of_ordinal, core)


def _build(
    months: pd.PeriodIndex,
    values: np.ndarray,
    reps: list[Rep],
    a: HiringAssumptions,
    as_of: int,
    core: _Core,
) -> HiringPlan:
    """Turn the plain-number plan into the DataFrames the notebook shows."""
    first, n = core.first, len(months)
    last = first + n - 1
    curve, ramp, productivity = a.curve, a.ramp_length, a.productivity
    hires = core.hires

    # People: the roster (those employed at some point from the as-of month or the
    # horizon's start to its end), then the planned hires.
    view_start = min(first, as_of)
    roster = [
        r
        for r in reps
        if r.start.ordinal <= last and (r.end is None or r.end.ordinal >= view_start)
    ]
    names = [r.name for r in roster] + [f"Hire {k + 1}" for k in range(len(hires))]
    roles = [r.role for r in roster] + [a.role] * len(hires)
    starts: list[float] = [r.start.ordinal for r in roster] + [h.start for h in hires]
    ends: list[float] = [math.inf if r.end is None else r.end.ordinal for r in roster]
    ends += [math.inf] * len(hires)
    weights = [_weight(r, a.annual_quota) for r in roster] + [1.0] * len(hires)
    people = pd.DataFrame(
        {
            "name": names,
            "role": roles,
            "planned": [False] * len(roster) + [True] * len(hires),
            "reason": ["existing"] * len(roster) + [h.reason for h in hires],
            "open_req_by": _month_column([math.nan] * len(roster) + [h.opens for h in hires]),
            "start": _month_column(starts),
            "productive_by": _month_column([s + ramp for s in starts]),
            "end": _month_column(ends),
            "salary": [float(r.salary) for r in roster] + [float(a.salary)] * len(hires),
            "burden": [float(r.burden) for r in roster] + [float(a.burden)] * len(hires),
        }
    )

    # Month by month: who is employed, who counts, what they bring in.
    role_order = list(dict.fromkeys(roles))
    by_role = np.zeros((n, len(role_order)), dtype=np.int64)
    employed = np.zeros(n, dtype=np.int64)
    ramped = np.zeros(n)  # in full-productivity reps: each counts by its weight
    fractions = np.zeros(n)
    planned = np.zeros(n)  # the planned hires' share of ``fractions``
    for k, (start, end, role, weight) in enumerate(zip(starts, ends, roles, weights, strict=True)):
        column = role_order.index(role)
        is_hire = k >= len(roster)
        for i in range(max(0, int(start) - first), min(n - 1, end - first) + 1):
            tenure = first + i - int(start)
            employed[i] += 1
            by_role[i, column] += 1
            share = weight if tenure >= ramp else weight * curve[tenure]
            if tenure >= ramp:
                ramped[i] += weight
            fractions[i] += share
            if is_hire:
                planned[i] += share
    capacity_values = productivity * np.maximum(0.0, fractions - core.departures)
    capacity = pd.DataFrame(
        {
            "objective": values,
            "required": core.required.astype(np.int64),
            "counted": np.maximum(0.0, ramped - core.removed),
            "headcount": employed,
            "expected_departures": core.departures,
            "capacity": capacity_values,
            "hires_capacity": productivity * planned,
            "gap": values - capacity_values,
        },
        index=months,
    )
    headcount = pd.DataFrame(by_role, index=months, columns=pd.Index(role_order, name="role"))

    schedule = pd.DataFrame(
        {
            "name": names[len(roster) :],
            "role": [a.role] * len(hires),
            "reason": [h.reason for h in hires],
            "month_needed": _month_column([h.needed for h in hires]),
            "open_req_by": _month_column([h.open_req for h in hires]),
            "opens": _month_column([h.opens for h in hires]),
            "start_by": _month_column([h.start for h in hires]),
            "productive_by": _month_column([h.productive for h in hires]),
            "late": np.array([h.late for h in hires], dtype=bool),
            "months_late": np.array([h.productive - h.needed for h in hires], dtype=np.int64),
            "shortfall": np.array([h.shortfall for h in hires], dtype=float),
        }
    )

    cost_months = _months(np.arange(view_start, last + 1)).rename("month")
    people_cost = np.zeros(len(cost_months))
    recruiting = np.zeros(len(cost_months))
    for h in hires:
        people_cost[h.start - view_start :] += a.monthly_cost
        if h.start <= last:
            recruiting[h.start - view_start] += a.recruiting_cost_per_hire
    costs = pd.DataFrame(
        {"people": people_cost, "recruiting": recruiting, "total": people_cost + recruiting},
        index=cost_months,
    )
    return HiringPlan(
        schedule=schedule,
        capacity=capacity,
        people=people,
        headcount=headcount,
        costs=costs,
        as_of=pd.Period(ordinal=as_of, freq="M"),
        productivity=productivity,
    )


def pro_forma_people(
    plan: HiringPlan, line: str | None = None, recruiting_line: str | None = None
) -> pd.DataFrame:
    """The planned hires' people costs, shaped for the pro forma.

    Parameters
    ----------
    plan : HiringPlan
    line : str, optional
        The pro forma's people expense line to charge; by default the planned
        hires' role.
    recruiting_line : str, optional
        If given, the recruiting costs as a further column of that name;
        otherwise they are left out (they are in ``plan.costs``).

    Returns
    -------
    DataFrame
        Months x lines: salary x (1 + burden) / 12 for each planned hire in the
        months employed, ready for
        ``salesnb.proforma.inputs_from_tables(extra_people=...)``, which keeps
        the months of its own horizon. The roster's costs are not in it: the pro
        forma takes those from the roster.

    Examples
    --------
    >>> months = pd.period_range("2026-01", periods=4, freq="M", name="month")
    >>> a = HiringAssumptions(annual_quota=1_200_000, attainment=1.0, salary=96_000,
    ...                       burden=0.25, lead_time_months=1, ramp_months=0)
    >>> plan = hiring_plan(pd.Series([0.0, 0.0, 100_000.0, 100_000.0], index=months), [], a,
    ...                    as_of="2026-01")
    >>> pro_forma_people(plan, line="Sales salaries")["Sales salaries"].tolist()
    [0.0, 0.0, 10000.0, 10000.0]
    """
    if not isinstance(plan, HiringPlan):
        raise InputError(f"plan: expected a HiringPlan; got {type(plan).__name__}")
    roles = plan.people.loc[plan.people["planned"], "role"]
    name = line if line is not None else (str(roles.iloc[0]) if len(roles) else "Planned hires")
    out = pd.DataFrame({name: plan.costs["people"].to_numpy()}, index=plan.costs.index)
    if recruiting_line is not None:
        if recruiting_line == name:
            out[name] += plan.costs["recruiting"].to_numpy()
        else:
            out[recruiting_line] = plan.costs["recruiting"].to_numpy()
    return out


def bad_hire_cost(
    salary: float, burden: float, months_employed: int, multiple: float = 4.0
) -> float:
    """What a hire who does not work out costs: ``multiple`` x what was paid to them.

    Parameters
    ----------
    salary : float
        Annual base salary.
    burden : float
        Payroll taxes and benefits as a fraction of salary.
    months_employed : int
        Months the person was on the payroll.
    multiple : float
        The rule of thumb: 4, for the lost sales, the manager's time, the
        customers to win back and the search to run again.

    Returns
    -------
    float
        multiple x salary x (1 + burden) / 12 x months_employed.

    Notes
    -----
    "What was paid to that person" is their salary and burden over the months
    employed; the recruiting cost was paid to others and is not in the base
    (add it separately if the client wants it counted).

    Examples
    --------
    >>> bad_hire_cost(salary=96_000, burden=0.25, months_employed=6)
    240000.0
    """
    pay = check.number("salary", salary, low=0.0, expected="an annual amount of 0 or more")
    load = check.number("burden", burden, low=0.0, expected="a fraction of salary, 0 or more")
    months = check.whole("months_employed", months_employed)
    times = check.number("multiple", multiple, low=0.0, expected="0 or more")
    return times * pay * (1.0 + load) / 12.0 * months


# ----------------------------------------------------------------------------
# Sensitivity and uncertainty
# ----------------------------------------------------------------------------


def _with(a: HiringAssumptions, driver: str, value: float) -> HiringAssumptions:
    """``a`` with one driver set to ``value``."""
    if driver == "ramp_months":
        months = check.whole("ramp_months", value)
        if months == a.ramp_length:
            return a  # keeps the client's own curve when its length is unchanged
        return replace(a, ramp=None, ramp_months=months)
    if driver == "lead_time_months":
        return replace(a, lead_time_months=check.whole("lead_time_months", value))
    return replace(a, **{driver: float(value)})


def _base_value(a: HiringAssumptions, driver: str) -> float:
    return float(a.ramp_length if driver == "ramp_months" else getattr(a, driver))


def _summary(core: _Core, a: HiringAssumptions, last: int, view_start: int) -> tuple:
    hires = core.hires
    months_paid = sum(max(0, last + 1 - max(h.start, view_start)) for h in hires)
    recruiting = sum(1 for h in hires if h.start <= last) * a.recruiting_cost_per_hire
    return (
        len(hires),
        sum(1 for h in hires if h.late),
        float(sum(h.shortfall for h in hires)),
        months_paid * a.monthly_cost + recruiting,
    )


def _default_changes(a: HiringAssumptions) -> dict[str, tuple[float, float]]:
    ramp, lead = a.ramp_length, int(a.lead_time_months)
    return {
        "ramp_months": (max(0, ramp - 2), ramp + 2),
        "lead_time_months": (max(0, lead - 1), lead + 1),
        "attainment": (a.attainment * 0.8, a.attainment * 1.2),
        "attrition_rate": (max(0.0, a.attrition_rate - 0.1), min(1.0, a.attrition_rate + 0.1)),
    }


def sensitivity(
    objective: pd.Series,
    reps: Sequence[Rep],
    assumptions: HiringAssumptions,
    as_of: pd.Period | str,
    changes: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Hires, shortfall and cost with each driver at a low and a high value.

    Parameters
    ----------
    objective, reps, assumptions, as_of
        As for :func:`hiring_plan`.
    changes : mapping, optional
        Driver name -> (low, high). Drivers: ``ramp_months``,
        ``lead_time_months``, ``attainment``, ``attrition_rate``. By default:
        ramp -2/+2 months, lead time -1/+1 month, attainment -20%/+20% of its
        value, attrition -/+10 points (kept within 0..1, months at 0 or more).

    Returns
    -------
    DataFrame
        Tidy, one row per driver and case (low, high), in the order of
        ``changes``: ``driver``, ``case``, ``value``, ``base_value``, ``hires``,
        ``late_hires``, ``shortfall``, ``cost`` (planned hires' people and
        recruiting costs) and ``hires_change``, ``shortfall_change``,
        ``cost_change`` (against the base plan) -- what a tornado chart needs.

    Notes
    -----
    Changing the ramp months replaces a client's own ramp curve with a
    straight-line one of that length. Each row is one :func:`hiring_plan`, with
    only that driver moved.

    Examples
    --------
    >>> months = pd.period_range("2026-01", periods=12, freq="M", name="month")
    >>> a = HiringAssumptions(annual_quota=1_200_000, attainment=1.0, salary=120_000,
    ...                       lead_time_months=2, ramp_months=4)
    >>> t = sensitivity(pd.Series(200_000.0, index=months), [], a, "2026-01",
    ...                 {"lead_time_months": (1, 3)})
    >>> t[["case", "value", "hires", "shortfall"]].to_numpy().tolist()
    [['low', 1.0, 2, 700000.0], ['high', 3.0, 2, 1100000.0]]
    """
    months, values, rep_ordinals, as_of_ordinal = _check(objective, reps, assumptions, as_of)
    chosen = _default_changes(assumptions) if changes is None else dict(changes)
    first = int(months.asi8[0])
    last = first + len(months) - 1
    view_start = min(first, as_of_ordinal)
    base = _summary(
        _run(values, first, rep_ordinals, assumptions, as_of_ordinal), assumptions, last, view_start
    )
    rows = []
    for driver, pair in chosen.items():
        if driver not in DRIVERS:
            raise InputError(f"changes: unknown driver {driver!r}; expected one of {DRIVERS}")
        if not (isinstance(pair, Sequence) and len(pair) == 2):
            raise InputError(f"changes: {driver} needs a (low, high) pair; got {pair!r}")
        for case, value in zip(("low", "high"), pair, strict=True):
            moved = _with(assumptions, driver, value)
            result = _summary(
                _run(values, first, rep_ordinals, moved, as_of_ordinal), moved, last, view_start
            )
            rows.append((driver, case, float(value), _base_value(assumptions, driver), *result))
    table = pd.DataFrame(
        rows,
        columns=[
            "driver",
            "case",
            "value",
            "base_value",
            "hires",
            "late_hires",
            "shortfall",
            "cost",
        ],
    )
    table["hires"] = table["hires"].astype(np.int64)
    table["late_hires"] = table["late_hires"].astype(np.int64)
    table["hires_change"] = table["hires"] - base[0]
    table["shortfall_change"] = table["shortfall"] - base[2]
    table["cost_change"] = table["cost"] - base[3]
    return table


@dataclass(frozen=True)
class HiringMonteCarlo:
    """The hiring plan under uncertain drivers.

    Attributes
    ----------
    runs : DataFrame
        One row per simulated plan: the drawn ``attainment``, ``ramp_months``,
        ``lead_time_months``, ``attrition_rate`` and the resulting ``hires``,
        ``late_hires``, ``shortfall`` and ``cost``.
    summary : DataFrame
        Rows ``p10``, ``p50``, ``p90``; columns ``hires``, ``late_hires``,
        ``shortfall``, ``cost``.
    """

    runs: pd.DataFrame
    summary: pd.DataFrame = field(repr=False)


def monte_carlo(
    objective: pd.Series,
    reps: Sequence[Rep],
    assumptions: HiringAssumptions,
    as_of: pd.Period | str,
    runs: int = 500,
    seed: int = 0,
    spreads: Mapping[str, float] | None = None,
) -> HiringMonteCarlo:
    """Simulate the plan with its drivers drawn around the assumptions.

    Parameters
    ----------
    objective, reps, assumptions, as_of
        As for :func:`hiring_plan`.
    runs : int
        Number of simulated plans.
    seed : int
        Seed of ``numpy.random.default_rng``: the same seed, the same figures.
    spreads : mapping, optional
        Standard deviation of each driver (see :data:`DEFAULT_SPREADS`, which
        fills any driver not given): attainment and attrition rate in fraction
        points, ramp and lead time in months.

    Returns
    -------
    HiringMonteCarlo

    Notes
    -----
    Each run draws every driver from a normal distribution around its assumed
    value, independently. Ramp and lead time are rounded to whole months and
    kept at 0 or more; attainment is kept at 1% or more, attrition within 0..1.
    A drawn ramp length other than the assumed one uses a straight-line curve.

    Examples
    --------
    >>> months = pd.period_range("2026-01", periods=12, freq="M", name="month")
    >>> a = HiringAssumptions(annual_quota=1_200_000, attainment=1.0, salary=120_000,
    ...                       lead_time_months=2, ramp_months=4)
    >>> mc = monte_carlo(pd.Series(200_000.0, index=months), [], a, "2026-01", runs=200)
    >>> mc.summary["hires"].tolist()
    [2.0, 3.0, 3.0]
    """
    months, values, rep_ordinals, as_of_ordinal = _check(objective, reps, assumptions, as_of)
    if not (isinstance(runs, int | np.integer) and not isinstance(runs, bool) and runs >= 1):
        raise InputError(f"runs: must be a whole number of 1 or more; got {runs!r}")
    sd = dict(DEFAULT_SPREADS)
    for driver, spread in (spreads or {}).items():
        if driver not in DRIVERS:
            raise InputError(f"spreads: unknown driver {driver!r}; expected one of {DRIVERS}")
        sd[driver] = check.number(f"spreads ({driver})", spread, low=0.0, expected="0 or more")
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((runs, len(DRIVERS)))
    draws = {
        "ramp_months": np.maximum(
            0, np.round(assumptions.ramp_length + sd["ramp_months"] * noise[:, 0])
        ),
        "lead_time_months": np.maximum(
            0, np.round(assumptions.lead_time_months + sd["lead_time_months"] * noise[:, 1])
        ),
        "attainment": np.maximum(0.01, assumptions.attainment + sd["attainment"] * noise[:, 2]),
        "attrition_rate": np.clip(
            assumptions.attrition_rate + sd["attrition_rate"] * noise[:, 3], 0.0, 1.0
        ),
    }
    first = int(months.asi8[0])
    last = first + len(months) - 1
    view_start = min(first, as_of_ordinal)
    results = np.zeros((runs, 4))
    for k in range(runs):
        moved = assumptions
        for driver in DRIVERS:
            value = float(draws[driver][k])
            if value != _base_value(assumptions, driver):
                moved = _with(moved, driver, value)
        core = _run(values, first, rep_ordinals, moved, as_of_ordinal)
        results[k] = _summary(core, moved, last, view_start)
    table = pd.DataFrame(draws)
    table["ramp_months"] = table["ramp_months"].astype(np.int64)
    table["lead_time_months"] = table["lead_time_months"].astype(np.int64)
    outcome = ["hires", "late_hires", "shortfall", "cost"]
    for j, name in enumerate(outcome):
        table[name] = results[:, j].astype(np.int64) if j < 2 else results[:, j]
    percentiles = np.percentile(results, [10, 50, 90], axis=0)
    summary = pd.DataFrame(percentiles, index=pd.Index(["p10", "p50", "p90"]), columns=outcome)
    return HiringMonteCarlo(runs=table, summary=summary)
