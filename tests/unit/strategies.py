"""The hypothesis strategies the unit tests share, and the small builders they need.

- :func:`pro_forma_plans` / :func:`plan_and_start`: small pro forma inputs whose every
  month's contribution is 0 or more (for the stress test's properties);
- :func:`hiring_scenarios`: an objective, a roster, assumptions and an as-of month;
- ``FRACTIONS``, ``OWN_QUOTAS``, ``REVENUE_PLAN_CENTS``, ``NUMBER_CELL``: values the
  properties draw from.
"""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import strategies as st

from salesnb import proforma as pf
from salesnb.hiring import HiringAssumptions, Rep

NAN = math.nan
JAN = pd.Period("2026-01", freq="M")


def make_inputs(
    revenue: dict[str, list[float]],
    cost_of_sales: dict[str, float],
    lines: list[tuple],
    costs: dict[str, list[float]],
    *,
    opening_cash: float = 0.0,
    minimum_cash: float = 0.0,
    start: str = "2026-01",
) -> pf.ProFormaInputs:
    """A plan from plain lists; ``lines`` rows are (name, kind, rate, discretionary,
    cut_priority, max_cut)."""
    n = len(next(iter(revenue.values())))
    months = pd.period_range(start, periods=n, freq="M", name="month")
    table = pd.DataFrame(
        [row[1:] for row in lines],
        columns=["kind", "rate", "discretionary", "cut_priority", "max_cut"],
        index=[row[0] for row in lines],
    ).astype({"rate": float, "discretionary": bool, "cut_priority": float, "max_cut": float})
    return pf.ProFormaInputs(
        revenue=pd.DataFrame(revenue, index=months, dtype=float),
        cost_of_sales_rate=pd.Series(cost_of_sales, dtype=float),
        lines=table,
        costs=pd.DataFrame(costs, index=months, dtype=float),
        opening_cash=opening_cash,
        minimum_cash=minimum_cash,
    )


def months(n: int = 12, start: str = "2026-01") -> pd.PeriodIndex:
    return pd.period_range(start, periods=n, freq="M", name="month")


def objective(values, start: str = "2026-01") -> pd.Series:
    return pd.Series([float(v) for v in values], index=months(len(values), start))


# -- the pro forma


@st.composite
def pro_forma_plans(draw) -> pf.ProFormaInputs:
    """1-4 months, 1-3 streams; cost of sales + variable rate <= 90%, so every
    month's contribution is 0 or more. Amounts in round hundreds and fifties so that
    a cut's effect is never lost in rounding."""
    n = draw(st.integers(1, 4))
    k = draw(st.integers(1, 3))
    hundreds = st.integers(0, 50).map(lambda x: 100.0 * x)
    fifties = st.integers(0, 60).map(lambda x: 50.0 * x)
    variable = draw(st.integers(0, 30)) / 100
    streams = [f"S{i}" for i in range(k)]
    revenue = {s: draw(st.lists(hundreds, min_size=n, max_size=n)) for s in streams}
    rates = {s: draw(st.integers(0, 60)) / 100 for s in streams}
    return make_inputs(
        revenue=revenue,
        cost_of_sales=rates,
        lines=[
            ("Fixed", "fixed", 0.0, draw(st.booleans()), 1, 1.0),
            ("Variable", "variable", variable, draw(st.booleans()), 2, 0.5),
            ("People", "people", 0.0, False, NAN, 1.0),
        ],
        costs={
            "Fixed": draw(st.lists(fifties, min_size=n, max_size=n)),
            "People": draw(st.lists(fifties, min_size=n, max_size=n)),
        },
        opening_cash=draw(st.integers(-20, 200).map(lambda x: 50.0 * x)),
        minimum_cash=draw(st.integers(0, 40).map(lambda x: 50.0 * x)),
    )


@st.composite
def plan_and_start(draw):
    inputs = draw(pro_forma_plans())
    return inputs, draw(st.integers(1, len(inputs.months)))


FRACTIONS = st.floats(0.0, 1.0, allow_nan=False)


# -- the annual plan


#: A revenue plan's amounts in whole cents: 12 months, each a list of 1 to 3 streams'
#: amounts (up to $10 million each), with revenue in at least one month.
REVENUE_PLAN_CENTS = st.lists(
    st.lists(st.integers(0, 10**9), min_size=1, max_size=3), min_size=12, max_size=12
).filter(lambda months: sum(map(sum, months)) > 0)


# -- the hiring timeline


#: Reps' own quotas in the scenarios: None (the standard 120,000), round
#: fractions and multiples of it, or any amount.
OWN_QUOTAS = st.sampled_from([None, 12_000.0, 40_000.0, 60_000.0, 180_000.0]) | st.floats(
    1_000.0, 400_000.0
)


@st.composite
def hiring_scenarios(draw, zero_objective: bool = False, own_quota: bool = False):
    n = draw(st.integers(1, 18))
    if zero_objective:
        values = [0.0] * n
    else:
        amount = st.integers(0, 30).map(lambda k: k * 5_000.0) | st.floats(0, 150_000)
        values = draw(st.lists(amount, min_size=n, max_size=n))
    reps = []
    for k in range(draw(st.integers(0, 6))):
        start = draw(st.integers(-30, 8))
        end = draw(st.none() | st.integers(start, 24))
        reps.append(
            Rep(
                f"R{k}",
                draw(st.sampled_from(["AE", "SDR"])),
                JAN + start,
                None if end is None else JAN + end,
                annual_quota=draw(OWN_QUOTAS) if own_quota else None,
            )
        )
    own_ramp = st.lists(st.floats(0, 1), max_size=6).map(lambda xs: tuple(sorted(xs)))
    a = HiringAssumptions(
        annual_quota=120_000.0,
        attainment=draw(st.floats(0.5, 1.3)),
        salary=90_000.0,
        lead_time_months=draw(st.integers(0, 4)),
        ramp_months=draw(st.integers(0, 6)),
        ramp=draw(st.none() | own_ramp),
        attrition_rate=draw(st.sampled_from([0.0, 0.1, 0.3, 1.0])),
    )
    as_of = JAN + draw(st.integers(-3, 3))
    return objective(values), reps, a, as_of


# -- table cells


NUMBER_TEXT = st.text(
    alphabet=st.sampled_from([*"0123456789,.-+$€£¥%_ e", "\u0661", "\t"]), max_size=12
)
NUMBER_CELL = st.one_of(
    NUMBER_TEXT,
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(min_value=0, max_value=1e9).map(lambda x: f"${x:,.2f}"),
    st.integers(0, 100).map(lambda x: f"{x}%"),
    st.integers(-(10**20), 10**20).map(str),
)
