"""Tests of the pro forma and the revenue-cut stress test (``salesnb.proforma``).

Most figures come from one small plan, "the shop", small enough to check on paper.
Three months (2026-01 to 2026-03), two revenue streams, six expense lines:

    revenue            Jan     Feb     Mar    year
    Products          2000    3000    2500    7500   cost of sales 60%
    Services          1000    1000    1500    3500   cost of sales 20%
    total revenue     3000    4000    4000   11000

    cost of sales     1400    2000    1800    5200   (Jan 0.6 x 2000 + 0.2 x 1000 = 1400;
                                                    Feb 1800 + 200; Mar 1500 + 300)
    gross profit      1600    2000    2200    5800

    Rent (fixed)                   200     200     200     600
    Travel (fixed, disc. prio 2)   100     100     100     300   max cut 100%
    Marketing (fixed, disc. prio 1) 200    200     400     800   max cut 50%
    Commissions (variable 8%)      240     320     320     880
    Referral fees (variable 2%,
                   disc. prio 3)    60      80      80     220   max cut 100%
    Sales salaries (people)        600     600     600    1800
    total expenses                1400    1500    1700    4600

    operating income               200     500     500    1200
    margin                        1/15   0.125   0.125   12/110
    cash (opening 1000)           1200    1700    2200    (closing 2200; minimum 500)

Contribution (revenue - cost of sales - variable expenses) by month: 1300, 1600,
1800 (year 4700); fixed and people costs: 1100, 1100, 1300 (year 3500).
Contribution-margin ratio: 4700 / 11000; of Feb-Mar: 3400 / 8000 = 0.425.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from pandas.testing import assert_frame_equal, assert_series_equal
from strategies import FRACTIONS, make_inputs, plan_and_start, pro_forma_plans

from salesnb import proforma as pf

MONEY = {"rtol": 0, "atol": 0.005}  # to the cent
RATIO = {"rtol": 0, "atol": 1e-9}
NAN = math.nan

MONTHS = pd.period_range("2026-01", periods=3, freq="M")
LABELS = ["2026-01", "2026-02", "2026-03"]


# ----------------------------------------------------------------------------
# Building plans
# ----------------------------------------------------------------------------


SHOP_LINES = [
    ("Rent", "fixed", 0.0, False, NAN, 1.0),
    ("Travel", "fixed", 0.0, True, 2, 1.0),
    ("Marketing", "fixed", 0.0, True, 1, 0.5),
    ("Commissions", "variable", 0.08, False, NAN, 1.0),
    ("Referral fees", "variable", 0.02, True, 3, 1.0),
    ("Sales salaries", "people", 0.0, False, NAN, 1.0),
]


def shop(opening_cash: float = 1000.0, minimum_cash: float = 500.0) -> pf.ProFormaInputs:
    """The plan worked on paper in the module docstring."""
    return make_inputs(
        revenue={"Products": [2000, 3000, 2500], "Services": [1000, 1000, 1500]},
        cost_of_sales={"Products": 0.6, "Services": 0.2},
        lines=SHOP_LINES,
        costs={
            "Rent": [200, 200, 200],
            "Travel": [100, 100, 100],
            "Marketing": [200, 200, 400],
            "Sales salaries": [600, 600, 600],
        },
        opening_cash=opening_cash,
        minimum_cash=minimum_cash,
    )


def one_line_plan(
    revenue: list[float],
    cost_rate: float,
    fixed: list[float],
    *,
    variable_rate: float = 0.0,
    opening_cash: float = 0.0,
    minimum_cash: float = 0.0,
) -> pf.ProFormaInputs:
    """One stream, one fixed line ("Rent") and one variable line ("Commissions")."""
    return make_inputs(
        revenue={"Sales": revenue},
        cost_of_sales={"Sales": cost_rate},
        lines=[
            ("Rent", "fixed", 0.0, False, NAN, 1.0),
            ("Commissions", "variable", variable_rate, False, NAN, 1.0),
        ],
        costs={"Rent": fixed},
        opening_cash=opening_cash,
        minimum_cash=minimum_cash,
    )


def frame(columns: dict[str, list[float]], index) -> pd.DataFrame:
    return pd.DataFrame(columns, index=index, dtype=float)


# The shop's pro forma, by hand (see the module docstring).
SHOP_BASELINE = {
    "revenue": [3000, 4000, 4000],
    "cost_of_sales": [1400, 2000, 1800],
    "gross_profit": [1600, 2000, 2200],
    "variable_expenses": [300, 400, 400],
    "fixed_expenses": [500, 500, 700],
    "people_expenses": [600, 600, 600],
    "total_expenses": [1400, 1500, 1700],
    "operating_income": [200, 500, 500],
    "margin": [200 / 3000, 0.125, 0.125],
    "cash": [1200, 1700, 2200],
}

# Sales cut by 25% from February: Feb and Mar revenue 4000 -> 3000.
#   Feb: cost of sales 0.75 x 2000 = 1500, variable 0.1 x 3000 = 300,
#        income 3000 - 1500 - 300 - 500 - 600 = 100
#   Mar: cost of sales 0.75 x 1800 = 1350, variable 300,
#        income 3000 - 1350 - 300 - 700 - 600 = 50
#   cash 1200, 1300, 1350
SHOP_CUT_25_FROM_FEB = {
    "revenue": [3000, 3000, 3000],
    "cost_of_sales": [1400, 1500, 1350],
    "gross_profit": [1600, 1500, 1650],
    "variable_expenses": [300, 300, 300],
    "fixed_expenses": [500, 500, 700],
    "people_expenses": [600, 600, 600],
    "total_expenses": [1400, 1400, 1600],
    "operating_income": [200, 100, 50],
    "margin": [200 / 3000, 100 / 3000, 50 / 3000],
    "cash": [1200, 1300, 1350],
}


def check_projection(got: pd.DataFrame, expected: dict[str, list[float]]) -> None:
    assert list(got.columns) == list(pf.PROJECTION_COLUMNS)
    assert got.index.equals(MONTHS)
    want = frame(expected, got.index)
    money = [c for c in want.columns if c != "margin"]
    assert_frame_equal(got[money], want[money], **MONEY)
    assert_allclose(got["margin"], want["margin"], **RATIO)


# ----------------------------------------------------------------------------
# ProFormaInputs and people_costs
# ----------------------------------------------------------------------------


class TestProFormaInputs:
    def test_months_are_the_revenue_index(self):
        inputs = shop()
        assert inputs.months.equals(MONTHS)

    def test_variable_rate_is_the_sum_of_variable_lines(self):
        # Commissions 8% + Referral fees 2%.
        assert_allclose(shop().variable_rate, 0.10, **RATIO)

    def test_is_frozen(self):
        inputs = shop()
        with pytest.raises(AttributeError):
            inputs.opening_cash = 5.0  # type: ignore[misc]


def roster(rows: list[tuple]) -> pd.DataFrame:
    """A roster as the client folder gives it: rows of (line, salary, burden, start, end)."""
    return pd.DataFrame(
        {
            "line": pd.Series([r[0] for r in rows], dtype=object),
            "annual_salary": pd.Series([r[1] for r in rows], dtype=float),
            "burden": pd.Series([r[2] for r in rows], dtype=float),
            "start": pd.Series([r[3] for r in rows], dtype="period[M]"),
            "end": pd.Series([r[4] for r in rows], dtype="period[M]"),
        }
    )


class TestPeopleCosts:
    MONTHS4 = pd.period_range("2026-01", periods=4, freq="M")

    def test_salary_burden_start_and_end(self):
        team = roster(
            [
                # 12000 / 12 x 1.25 = 1250 every month (joined before, never leaves)
                ("Sales", 12_000, 0.25, None, None),
                # 24000 / 12 x (1 + default 0.10) = 2200 in Feb and Mar (both in full)
                ("Sales", 24_000, NAN, "2026-02", "2026-03"),
                # left before the plan: nothing
                ("Admin", 6_000, 0.0, "2025-01", "2025-12"),
                # 18000 / 12 x 1.5 = 2250 from April
                ("Admin", 18_000, 0.5, "2026-04", None),
            ]
        )
        got = pf.people_costs(team, self.MONTHS4, default_burden=0.10)
        expected = frame(
            {"Admin": [0, 0, 0, 2250], "Sales": [1250, 3450, 3450, 1250]}, self.MONTHS4
        )
        assert_frame_equal(got, expected, **MONEY)

    def test_person_who_starts_and_ends_in_the_same_month_costs_that_month(self):
        team = roster([("Sales", 12_000, 0.0, "2026-03", "2026-03")])
        got = pf.people_costs(team, self.MONTHS4)
        assert_allclose(got["Sales"], [0, 0, 1000, 0], **MONEY)

    def test_missing_burden_means_the_default(self):
        team = roster([("Sales", 12_000, NAN, None, None)])
        assert_allclose(pf.people_costs(team, self.MONTHS4)["Sales"], [1000] * 4, **MONEY)
        got = pf.people_costs(team, self.MONTHS4, default_burden=0.2)
        assert_allclose(got["Sales"], [1200] * 4, **MONEY)

    def test_empty_roster_gives_no_lines(self):
        got = pf.people_costs(roster([]), self.MONTHS4)
        assert got.shape == (4, 0)
        assert got.index.equals(self.MONTHS4)


# ----------------------------------------------------------------------------
# inputs_from_tables
# ----------------------------------------------------------------------------


def shop_tables() -> dict:
    """The shop as a client folder's tables (long revenue plan, expense lines, roster)."""
    revenue_plan = pd.DataFrame(
        {
            "month": [m for m in MONTHS for _ in range(2)],
            "stream": ["Products", "Services"] * 3,
            "revenue": [2000.0, 1000.0, 3000.0, 1000.0, 2500.0, 1500.0],
        }
    )
    expenses = pd.DataFrame(
        {
            "line": [r[0] for r in SHOP_LINES],
            "kind": [r[1] for r in SHOP_LINES],
            "amount": [200.0, 100.0, 200.0, NAN, NAN, NAN],
            "rate": [NAN, NAN, NAN, 0.08, 0.02, NAN],
            "discretionary": [r[3] for r in SHOP_LINES],
            "cut_priority": [r[4] for r in SHOP_LINES],
            "max_cut": [r[5] for r in SHOP_LINES],
        }
    )
    # 6000 / 12 x (1 + 0.2) = 600 a month
    team = roster([("Sales salaries", 6_000, NAN, "2024-05", None)])
    # Marketing is 400 in March; a row outside the plan is ignored.
    schedule = pd.DataFrame(
        {
            "line": ["Marketing", "Marketing"],
            "month": [pd.Period("2026-03", "M"), pd.Period("2027-03", "M")],
            "amount": [400.0, 9999.0],
        }
    )
    return {
        "months": MONTHS,
        "revenue_plan": revenue_plan,
        "cost_of_sales_rate": {"Products": 0.6, "Services": 0.2},
        "expenses": expenses,
        "roster": team,
        "opening_cash": 1000.0,
        "minimum_cash": 500.0,
        "default_burden": 0.2,
        "fixed_schedule": schedule,
    }


class TestInputsFromTables:
    def test_the_shop_from_its_tables(self):
        inputs = pf.inputs_from_tables(**shop_tables())
        assert list(inputs.revenue.columns) == ["Products", "Services"]
        assert_allclose(inputs.revenue.to_numpy(), shop().revenue.to_numpy(), **MONEY)
        assert_allclose(inputs.costs["Marketing"], [200, 200, 400], **MONEY)
        assert_allclose(inputs.costs["Sales salaries"], [600, 600, 600], **MONEY)
        assert "Commissions" not in inputs.costs.columns  # variable lines follow revenue
        assert (inputs.opening_cash, inputs.minimum_cash) == (1000.0, 500.0)
        check_projection(pf.project(inputs), SHOP_BASELINE)
        assert_frame_equal(pf.statement(inputs), pf.statement(shop()), **MONEY)

    def test_blank_fields_get_their_defaults(self):
        tables = shop_tables()
        tables["expenses"] = tables["expenses"].assign(
            discretionary=[None, True, True, None, True, None],
            max_cut=[None, None, 0.5, None, None, None],
        )
        lines = pf.inputs_from_tables(**tables).lines
        assert lines["discretionary"].tolist() == [False, True, True, False, True, False]
        assert_allclose(lines["max_cut"], [1, 1, 0.5, 1, 1, 1], **RATIO)
        assert_allclose(lines["rate"], [0, 0, 0, 0.08, 0.02, 0], **RATIO)

    def test_a_month_with_no_rows_has_no_revenue(self):
        tables = shop_tables()
        plan = tables["revenue_plan"]
        tables["revenue_plan"] = plan[plan["month"] != MONTHS[1]]
        inputs = pf.inputs_from_tables(**tables)
        assert_allclose(inputs.revenue.loc[MONTHS[1]], [0, 0], **MONEY)
        got = pf.project(inputs)
        # February: no revenue, so no cost of sales or variable expenses; income is
        # -(500 fixed + 600 people) = -1100 and the margin is undefined.
        assert_allclose(got["operating_income"], [200, -1100, 500], **MONEY)
        assert math.isnan(got["margin"].iloc[1])
        assert_allclose(got["margin"].iloc[[0, 2]], [200 / 3000, 0.125], **RATIO)

    def test_empty_roster_leaves_people_lines_at_zero(self):
        tables = shop_tables()
        tables["roster"] = roster([])
        inputs = pf.inputs_from_tables(**tables)
        assert_allclose(inputs.costs["Sales salaries"], [0, 0, 0], **MONEY)
        # Without the 600 a month of salaries: 800, 1100, 1100.
        assert_allclose(pf.project(inputs)["operating_income"], [800, 1100, 1100], **MONEY)

    def test_extra_people_add_to_a_line_or_make_a_new_one(self):
        tables = shop_tables()
        tables["extra_people"] = frame(
            {"Sales salaries": [0, 50, 50], "Planned hires": [0, 0, 300]}, MONTHS
        )
        inputs = pf.inputs_from_tables(**tables)
        assert_allclose(inputs.costs["Sales salaries"], [600, 650, 650], **MONEY)
        assert_allclose(inputs.costs["Planned hires"], [0, 0, 300], **MONEY)
        assert inputs.lines.loc["Planned hires", "kind"] == "people"
        assert not inputs.lines.loc["Planned hires", "discretionary"]
        # People costs 600, 650, 950; income 200, 450, 150.
        got = pf.project(inputs)
        assert_allclose(got["people_expenses"], [600, 650, 950], **MONEY)
        assert_allclose(got["operating_income"], [200, 450, 150], **MONEY)


# ----------------------------------------------------------------------------
# project
# ----------------------------------------------------------------------------


class TestProject:
    def test_baseline_by_hand(self):
        check_projection(pf.project(shop()), SHOP_BASELINE)

    def test_cut_from_a_month_in_the_middle(self):
        check_projection(pf.project(shop(), cut=0.25, start_month=2), SHOP_CUT_25_FROM_FEB)

    def test_cut_of_zero_is_the_baseline_exactly(self):
        base = pf.project(shop())
        for start in (1, 2, 3):
            assert_frame_equal(pf.project(shop(), cut=0.0, start_month=start), base)

    def test_cut_of_everything(self):
        # No sales at all: only fixed (500, 500, 700) and people (600) costs remain.
        got = pf.project(shop(), cut=1.0)
        assert_allclose(got["revenue"], [0, 0, 0], **MONEY)
        assert_allclose(got["cost_of_sales"], [0, 0, 0], **MONEY)
        assert_allclose(got["variable_expenses"], [0, 0, 0], **MONEY)
        assert_allclose(got["operating_income"], [-1100, -1100, -1300], **MONEY)
        assert_allclose(got["cash"], [-100, -1200, -2500], **MONEY)
        assert got["margin"].isna().all()

    def test_parts_add_up(self):
        got = pf.project(shop(), cut=0.4, start_month=2)
        check_statement_identities_of_projection(got, opening_cash=1000.0)

    def test_result_is_indexed_by_month(self):
        assert pf.project(shop()).index.equals(MONTHS)

    @pytest.mark.parametrize("cut", [1.2, -0.1, NAN, math.inf])
    def test_cut_outside_zero_to_one(self, cut):
        with pytest.raises(ValueError, match="cut"):
            pf.project(shop(), cut=cut)

    @pytest.mark.parametrize("start_month", [0, -1, 4])
    def test_start_month_outside_the_plan(self, start_month):
        with pytest.raises(ValueError, match="start_month"):
            pf.project(shop(), cut=0.25, start_month=start_month)


def check_statement_identities_of_projection(got: pd.DataFrame, opening_cash: float) -> None:
    assert_allclose(got["gross_profit"], got["revenue"] - got["cost_of_sales"], **MONEY)
    assert_allclose(
        got["total_expenses"],
        got["variable_expenses"] + got["fixed_expenses"] + got["people_expenses"],
        **MONEY,
    )
    assert_allclose(got["operating_income"], got["gross_profit"] - got["total_expenses"], **MONEY)
    assert_allclose(got["cash"], opening_cash + got["operating_income"].cumsum(), **MONEY)
    has_revenue = got["revenue"] != 0
    assert_allclose(
        got.loc[has_revenue, "margin"],
        got.loc[has_revenue, "operating_income"] / got.loc[has_revenue, "revenue"],
        **RATIO,
    )
    assert got.loc[~has_revenue, "margin"].isna().all()


# ----------------------------------------------------------------------------
# statement
# ----------------------------------------------------------------------------

SHOP_STATEMENT_ROWS = [
    "Revenue: Products",
    "Revenue: Services",
    "Total revenue",
    "Cost of sales",
    "Gross profit",
    "Rent",
    "Travel",
    "Marketing",
    "Commissions",
    "Referral fees",
    "Sales salaries",
    "Total expenses",
    "Operating income",
    "Margin",
    "Cash",
]


def check_statement_identities(table: pd.DataFrame, inputs: pf.ProFormaInputs) -> None:
    months = [c for c in table.columns if c != "Total"]
    streams = [r for r in table.index if r.startswith("Revenue: ")]
    lines = [str(name) for name in inputs.lines.index]
    t = table
    assert_allclose(t.loc["Total revenue"], t.loc[streams].sum(), **MONEY)
    assert_allclose(t.loc["Gross profit"], t.loc["Total revenue"] - t.loc["Cost of sales"], **MONEY)
    assert_allclose(t.loc["Total expenses"], t.loc[lines].sum(), **MONEY)
    assert_allclose(
        t.loc["Operating income"], t.loc["Gross profit"] - t.loc["Total expenses"], **MONEY
    )
    flows = [r for r in t.index if r not in ("Margin", "Cash")]
    assert_allclose(t.loc[flows, "Total"], t.loc[flows, months].sum(axis=1), **MONEY)
    cash = inputs.opening_cash + t.loc["Operating income", months].cumsum()
    assert_allclose(t.loc["Cash", months], cash, **MONEY)
    assert_allclose(t.loc["Cash", "Total"], cash.iloc[-1], **MONEY)
    year_revenue = t.loc["Total revenue", "Total"]
    if year_revenue != 0:
        assert_allclose(
            t.loc["Margin", "Total"], t.loc["Operating income", "Total"] / year_revenue, **RATIO
        )
    else:
        assert math.isnan(t.loc["Margin", "Total"])


class TestStatement:
    def test_baseline_by_hand(self):
        got = pf.statement(shop())
        expected = pd.DataFrame(
            [
                [2000, 3000, 2500, 7500],
                [1000, 1000, 1500, 3500],
                [3000, 4000, 4000, 11000],
                [1400, 2000, 1800, 5200],
                [1600, 2000, 2200, 5800],
                [200, 200, 200, 600],
                [100, 100, 100, 300],
                [200, 200, 400, 800],
                [240, 320, 320, 880],  # 8% of revenue
                [60, 80, 80, 220],  # 2% of revenue
                [600, 600, 600, 1800],
                [1400, 1500, 1700, 4600],
                [200, 500, 500, 1200],
                [200 / 3000, 0.125, 0.125, 1200 / 11000],  # the year: 1200 / 11000
                [1200, 1700, 2200, 2200],  # the year: the closing balance
            ],
            index=SHOP_STATEMENT_ROWS,
            columns=[*LABELS, "Total"],
            dtype=float,
        )
        assert_frame_equal(got, expected, rtol=0, atol=1e-9)

    def test_cut_from_february_by_hand(self):
        got = pf.statement(shop(), cut=0.25, start_month=2)
        # Products 2000, 2250, 1875; Services 1000, 750, 1125.
        assert_allclose(got.loc["Revenue: Products"], [2000, 2250, 1875, 6125], **MONEY)
        assert_allclose(got.loc["Revenue: Services"], [1000, 750, 1125, 2875], **MONEY)
        assert_allclose(got.loc["Commissions"], [240, 240, 240, 720], **MONEY)
        assert_allclose(got.loc["Marketing"], [200, 200, 400, 800], **MONEY)  # fixed: no change
        assert_allclose(got.loc["Operating income"], [200, 100, 50, 350], **MONEY)
        assert_allclose(got.loc["Cash"], [1200, 1300, 1350, 1350], **MONEY)
        check_statement_identities(got, shop())

    def test_agrees_with_project(self):
        for cut, start in [(0.0, 1), (0.25, 2), (0.6, 3), (1.0, 1)]:
            table = pf.statement(shop(), cut=cut, start_month=start)
            proj = pf.project(shop(), cut=cut, start_month=start)
            assert_allclose(table.loc["Total revenue", LABELS], proj["revenue"], **MONEY)
            assert_allclose(table.loc["Cost of sales", LABELS], proj["cost_of_sales"], **MONEY)
            assert_allclose(table.loc["Total expenses", LABELS], proj["total_expenses"], **MONEY)
            assert_allclose(
                table.loc["Operating income", LABELS], proj["operating_income"], **MONEY
            )
            assert_allclose(table.loc["Cash", LABELS], proj["cash"], **MONEY)

    def test_cut_of_zero_is_the_baseline_exactly(self):
        assert_frame_equal(pf.statement(shop(), cut=0.0, start_month=3), pf.statement(shop()))

    def test_cut_of_everything(self):
        got = pf.statement(shop(), cut=1.0)
        assert_allclose(got.loc["Total revenue"], [0, 0, 0, 0], **MONEY)
        assert_allclose(got.loc["Operating income"], [-1100, -1100, -1300, -3500], **MONEY)
        assert got.loc["Margin"].isna().all()  # no revenue, no margin, not even for the year
        check_statement_identities(got, shop())

    def test_a_month_with_no_revenue(self):
        inputs = make_inputs(
            revenue={"Products": [2000, 0, 2500], "Services": [1000, 0, 1500]},
            cost_of_sales={"Products": 0.6, "Services": 0.2},
            lines=SHOP_LINES,
            costs={
                "Rent": [200] * 3,
                "Travel": [100] * 3,
                "Marketing": [200, 200, 400],
                "Sales salaries": [600] * 3,
            },
        )
        got = pf.statement(inputs)
        # February: -(500 + 600) = -1100; the year: 200 - 1100 + 500 = -400 on 7000.
        assert_allclose(got.loc["Operating income"], [200, -1100, 500, -400], **MONEY)
        assert math.isnan(got.loc["Margin", "2026-02"])
        assert_allclose(got.loc["Margin", "Total"], -400 / 7000, **RATIO)
        check_statement_identities(got, inputs)

    @pytest.mark.parametrize("cut", [1.2, -0.1, NAN])
    def test_bad_cut(self, cut):
        with pytest.raises(ValueError, match="cut"):
            pf.statement(shop(), cut=cut)

    @pytest.mark.parametrize("start_month", [0, 4])
    def test_bad_start_month(self, start_month):
        with pytest.raises(ValueError, match="start_month"):
            pf.statement(shop(), cut=0.1, start_month=start_month)


# ----------------------------------------------------------------------------
# stress_test
# ----------------------------------------------------------------------------

BY_MONTH_COLUMNS = [
    "baseline_revenue",
    "scenario_revenue",
    "baseline_income",
    "scenario_income",
    "lost_revenue",
    "lost_income",
    "reduction_to_break_even",
    "reduction_to_target_margin",
]


def by_month(rows: list[list[float]]) -> pd.DataFrame:
    table = pd.DataFrame(
        rows, index=[*LABELS, "Total"], columns=BY_MONTH_COLUMNS, dtype=float
    ).rename_axis("month")
    return table


class TestStressTest:
    def test_cut_from_february_by_hand(self):
        st_ = pf.stress_test(shop(), cut=0.25, start_month=2, target_margin=0.10)
        # Lost income: Feb 1000 lost x 1600 / 4000 = 400; Mar 1000 x 1800 / 4000 = 450.
        # To hold 10%: Jan 300 - 200 = 100; Feb 300 - 100 = 200; Mar 300 - 50 = 250;
        # the year 900 - 350 = 550.
        expected = by_month(
            [
                [3000, 3000, 200, 200, 0, 0, 0, 100],
                [4000, 3000, 500, 100, 1000, 400, 0, 200],
                [4000, 3000, 500, 50, 1000, 450, 0, 250],
                [11000, 9000, 1200, 350, 2000, 850, 0, 550],
            ]
        )
        assert_frame_equal(st_.by_month, expected, **MONEY)
        assert (st_.cut, st_.start_month, st_.target_margin) == (0.25, 2, 0.10)
        assert_series_equal(st_.year, expected.loc["Total"], **MONEY)

    def test_a_good_month_carries_a_bad_one_for_the_year(self):
        st_ = pf.stress_test(shop(), cut=0.25, start_month=1, target_margin=0.10)
        # Jan: 0.75 x 1300 - 1100 = -125; Feb 100; Mar 50; the year +25.
        # Break even: Jan needs 125, the year needs nothing.
        # 10% margin: Jan 225 + 125 = 350, Feb 200, Mar 250; the year 825 - 25 = 800.
        expected = by_month(
            [
                [3000, 2250, 200, -125, 750, 325, 125, 350],
                [4000, 3000, 500, 100, 1000, 400, 0, 200],
                [4000, 3000, 500, 50, 1000, 450, 0, 250],
                [11000, 8250, 1200, 25, 2750, 1175, 0, 800],
            ]
        )
        assert_frame_equal(st_.by_month, expected, **MONEY)

    def test_deep_cut_needs_cost_reductions(self):
        st_ = pf.stress_test(shop(), cut=0.5, target_margin=0.10)
        # Income: 0.5 x 1300 - 1100 = -450; 0.5 x 1600 - 1100 = -300; 0.5 x 1800 - 1300 = -400.
        assert_allclose(st_.by_month["scenario_income"], [-450, -300, -400, -1150], **MONEY)
        assert_allclose(st_.by_month["reduction_to_break_even"], [450, 300, 400, 1150], **MONEY)
        # Revenue 1500, 2000, 2000 (5500): 150 + 450, 200 + 300, 200 + 400, 550 + 1150.
        assert_allclose(st_.by_month["reduction_to_target_margin"], [600, 500, 600, 1700], **MONEY)

    def test_baseline_and_scenario_are_the_projections(self):
        st_ = pf.stress_test(shop(), cut=0.3, start_month=2)
        assert_frame_equal(st_.baseline, pf.project(shop()))
        assert_frame_equal(st_.scenario, pf.project(shop(), cut=0.3, start_month=2))

    @pytest.mark.parametrize(("cut", "start"), [(0.25, 1), (0.25, 2), (0.7, 3), (1.0, 2)])
    def test_lost_income_is_lost_revenue_times_the_cm_ratio_of_the_months_cut(self, cut, start):
        inputs = shop()
        table = pf.stress_test(inputs, cut=cut, start_month=start).by_month
        for i in range(start - 1, 3):
            cm = pf.contribution_margin_ratio(inputs, slice(i, i + 1))
            month = table.iloc[i]
            assert_allclose(month["lost_income"], month["lost_revenue"] * cm, **MONEY)
        cm_cut = pf.contribution_margin_ratio(inputs, slice(start - 1, None))
        year = table.loc["Total"]
        assert_allclose(year["lost_income"], year["lost_revenue"] * cm_cut, **MONEY)
        assert_allclose(table["lost_income"].iloc[: start - 1], 0.0, **MONEY)

    @pytest.mark.parametrize("target", [0.0, 0.05, 0.3, 0.99])
    def test_target_margin_needs_at_least_break_even(self, target):
        table = pf.stress_test(shop(), cut=0.4, target_margin=target).by_month
        assert (
            table["reduction_to_target_margin"] >= table["reduction_to_break_even"] - 1e-9
        ).all()

    def test_zero_target_margin_is_break_even(self):
        table = pf.stress_test(shop(), cut=0.4, target_margin=0.0).by_month
        assert_series_equal(
            table["reduction_to_target_margin"],
            table["reduction_to_break_even"],
            check_names=False,
        )

    def test_cut_of_zero_loses_nothing(self):
        st_ = pf.stress_test(shop(), cut=0.0, start_month=2)
        assert_frame_equal(st_.scenario, st_.baseline)
        assert (st_.by_month["lost_revenue"] == 0).all()
        assert (st_.by_month["lost_income"] == 0).all()

    def test_cut_of_everything(self):
        st_ = pf.stress_test(shop(), cut=1.0, target_margin=0.2)
        year = st_.year
        assert_allclose(year["scenario_revenue"], 0, **MONEY)
        assert_allclose(year["scenario_income"], -3500, **MONEY)
        assert_allclose(year["lost_income"], 4700, **MONEY)  # the whole contribution
        assert_allclose(year["reduction_to_break_even"], 3500, **MONEY)
        assert_allclose(year["reduction_to_target_margin"], 3500, **MONEY)  # 20% of nothing
        assert st_.scenario["margin"].isna().all()

    @pytest.mark.parametrize("cut", [1.2, -0.1, NAN])
    def test_bad_cut(self, cut):
        with pytest.raises(ValueError, match="cut"):
            pf.stress_test(shop(), cut=cut)

    @pytest.mark.parametrize("start_month", [0, 4])
    def test_bad_start_month(self, start_month):
        with pytest.raises(ValueError, match="start_month"):
            pf.stress_test(shop(), cut=0.25, start_month=start_month)

    @pytest.mark.parametrize("target", [1.0, 1.5, -1.0, NAN])
    def test_bad_target_margin(self, target):
        with pytest.raises(ValueError, match="target_margin"):
            pf.stress_test(shop(), cut=0.25, target_margin=target)


# ----------------------------------------------------------------------------
# cut_plan
# ----------------------------------------------------------------------------

PLAN_COLUMNS = ["line", "priority", "available", "cut", "still_needed"]


def plan_frame(rows: list[list]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    return table.astype({c: float for c in PLAN_COLUMNS[1:]})


class TestCutPlan:
    # The shop's discretionary lines over the whole year, in priority order:
    #   Marketing (1): (200 + 200 + 400) x 50% = 400
    #   Travel (2):    300 x 100% = 300
    #   Referral fees (3): 2% x 11000 = 220
    # 920 in all.

    def test_partial_last_line(self):
        plan, uncovered = pf.cut_plan(shop(), needed=500.0)
        expected = plan_frame(
            [
                ["Marketing", 1, 400, 400, 100],
                ["Travel", 2, 300, 100, 0],  # only 100 of its 300
                ["Referral fees", 3, 220, 0, 0],
            ]
        )
        assert_frame_equal(plan, expected, **MONEY)
        assert uncovered == 0.0

    def test_need_larger_than_all_lines(self):
        plan, uncovered = pf.cut_plan(shop(), needed=1000.0)
        assert_allclose(plan["cut"], [400, 300, 220], **MONEY)
        assert_allclose(plan["still_needed"], [600, 300, 80], **MONEY)
        assert_allclose(uncovered, 80, **MONEY)

    def test_need_of_zero_cuts_nothing(self):
        plan, uncovered = pf.cut_plan(shop(), needed=0.0)
        assert plan["line"].tolist() == ["Marketing", "Travel", "Referral fees"]
        assert (plan["cut"] == 0).all()
        assert (plan["still_needed"] == 0).all()
        assert uncovered == 0.0

    def test_savings_count_from_the_start_month_in_the_scenario(self):
        # From February, sales 25% down: Marketing (200 + 400) x 50% = 300; Travel 200;
        # Referral fees 2% x (3000 + 3000) = 120. The 10%-margin need of that
        # scenario is 550 (see TestStressTest): 300 + 200 + 50.
        need = float(pf.stress_test(shop(), 0.25, 2, 0.10).year["reduction_to_target_margin"])
        assert_allclose(need, 550, **MONEY)
        plan, uncovered = pf.cut_plan(shop(), needed=need, start_month=2, cut=0.25)
        expected = plan_frame(
            [
                ["Marketing", 1, 300, 300, 250],
                ["Travel", 2, 200, 200, 50],
                ["Referral fees", 3, 120, 50, 0],
            ]
        )
        assert_frame_equal(plan, expected, **MONEY)
        assert_allclose(uncovered, 0, **MONEY)

    def test_variable_line_offers_nothing_when_all_sales_are_lost(self):
        plan, uncovered = pf.cut_plan(shop(), needed=1000.0, cut=1.0)
        assert_allclose(plan["available"], [400, 300, 0], **MONEY)
        assert_allclose(uncovered, 300, **MONEY)

    def test_equal_priorities_are_cut_in_the_order_listed(self):
        inputs = make_inputs(
            revenue={"Sales": [1000, 1000]},
            cost_of_sales={"Sales": 0.0},
            lines=[
                ("Zoo visits", "fixed", 0.0, True, 1, 1.0),
                ("Rent", "fixed", 0.0, False, NAN, 1.0),
                ("Awards", "fixed", 0.0, True, 1, 1.0),
                ("Books", "fixed", 0.0, True, 1, 1.0),
                ("Coffee", "fixed", 0.0, True, NAN, 1.0),  # no priority: last
            ],
            costs={
                "Zoo visits": [10, 10],
                "Rent": [500, 500],
                "Awards": [20, 20],
                "Books": [30, 30],
                "Coffee": [5, 5],
            },
        )
        plan, uncovered = pf.cut_plan(inputs, needed=50.0)
        assert plan["line"].tolist() == ["Zoo visits", "Awards", "Books", "Coffee"]
        # 20 from the zoo, 30 of the awards' 40, nothing else.
        assert_allclose(plan["cut"], [20, 30, 0, 0], **MONEY)
        assert uncovered == 0.0

    def test_no_discretionary_lines(self):
        inputs = one_line_plan([100, 100], 0.5, [30, 30])
        plan, uncovered = pf.cut_plan(inputs, needed=25.0)
        assert plan.empty
        assert list(plan.columns) == PLAN_COLUMNS
        assert uncovered == 25.0

    @pytest.mark.parametrize("needed", [-0.01, -100.0, NAN, math.inf])
    def test_bad_need(self, needed):
        with pytest.raises(ValueError, match="needed"):
            pf.cut_plan(shop(), needed=needed)

    @pytest.mark.parametrize(("cut", "start"), [(1.2, 1), (-0.1, 1), (NAN, 1), (0.2, 0), (0.2, 4)])
    def test_bad_scenario(self, cut, start):
        with pytest.raises(ValueError):
            pf.cut_plan(shop(), needed=10.0, start_month=start, cut=cut)


# ----------------------------------------------------------------------------
# contribution_margin_ratio and break_even_revenue
# ----------------------------------------------------------------------------


class TestContributionMarginRatio:
    def test_the_year(self):
        # (11000 - 5200 - 1100) / 11000 = 4700 / 11000
        assert_allclose(pf.contribution_margin_ratio(shop()), 4700 / 11000, **RATIO)

    def test_some_months(self):
        # Feb-Mar: 3400 / 8000; Jan: 1300 / 3000.
        assert_allclose(pf.contribution_margin_ratio(shop(), slice(1, None)), 0.425, **RATIO)
        assert_allclose(pf.contribution_margin_ratio(shop(), slice(0, 1)), 1300 / 3000, **RATIO)

    def test_no_revenue_is_nan(self):
        inputs = one_line_plan([0, 0], 0.5, [30, 30])
        assert math.isnan(pf.contribution_margin_ratio(inputs))
        assert math.isnan(pf.contribution_margin_ratio(shop(), slice(3, None)))


class TestBreakEvenRevenue:
    def test_by_hand(self):
        # Fixed and people costs 3500 / (4700 / 11000) = 8191.49
        assert_allclose(pf.break_even_revenue(shop()), 3500 * 11000 / 4700, **MONEY)

    def test_at_break_even_revenue_the_year_has_no_income(self):
        inputs = shop()
        factor = pf.break_even_revenue(inputs) / 11000
        income = pf.project(inputs, cut=1 - factor)["operating_income"].sum()
        assert_allclose(income, 0.0, **MONEY)

    @pytest.mark.parametrize(("cost_rate", "variable_rate"), [(0.9, 0.1), (1.2, 0.0), (0.5, 0.6)])
    def test_infinite_when_the_contribution_margin_is_not_positive(self, cost_rate, variable_rate):
        inputs = one_line_plan([100, 100], cost_rate, [30, 30], variable_rate=variable_rate)
        assert pf.contribution_margin_ratio(inputs) <= 1e-12
        assert pf.break_even_revenue(inputs) == math.inf

    def test_no_fixed_costs_breaks_even_at_zero(self):
        inputs = one_line_plan([100, 100], 0.5, [0, 0])
        assert pf.break_even_revenue(inputs) == 0.0


# ----------------------------------------------------------------------------
# largest_survivable_cut
# ----------------------------------------------------------------------------


def brute_force_survivable(inputs: pf.ProFormaInputs, start_month: int) -> tuple:
    """The largest survivable cut found by bisection on :func:`project` alone."""
    tol = 1e-7

    def income_ok(cut: float) -> bool:
        return pf.project(inputs, cut, start_month)["operating_income"].sum() >= -tol

    def cash_ok(cut: float) -> bool:
        lowest = min(inputs.opening_cash, pf.project(inputs, cut, start_month)["cash"].min())
        return lowest - inputs.minimum_cash >= -tol

    def largest(ok) -> float | None:
        if not ok(0.0):
            return None
        if ok(1.0):
            return 1.0
        low, high = 0.0, 1.0
        for _ in range(45):
            mid = (low + high) / 2
            low, high = (mid, high) if ok(mid) else (low, mid)
        return low

    return largest(income_ok), largest(cash_ok)


class TestLargestSurvivableCut:
    def test_from_the_first_month_by_hand(self):
        got = pf.largest_survivable_cut(shop())
        # Income 1200 - 4700 c >= 0: c = 12/47.
        # Cash headroom above 500: 700, 1200, 1700 against losses of 1300 c, 2900 c,
        # 4700 c: March binds, c = 1700 / 4700 = 17/47.
        assert_allclose(got.by_income, 12 / 47, **RATIO)
        assert_allclose(got.by_cash, 17 / 47, **RATIO)

    def test_from_february_by_hand(self):
        got = pf.largest_survivable_cut(shop(), start_month=2)
        # Income 1200 - 3400 c: 6/17. Cash: Feb 1200 / 1600 = 0.75, Mar 1700 / 3400 = 0.5.
        assert_allclose(got.by_income, 6 / 17, **RATIO)
        assert_allclose(got.by_cash, 0.5, **RATIO)

    def test_at_the_answer_the_plan_just_survives(self):
        inputs = shop()
        got = pf.largest_survivable_cut(inputs, start_month=2)
        income = pf.project(inputs, got.by_income, 2)["operating_income"].sum()
        assert_allclose(income, 0.0, **MONEY)
        lowest = pf.project(inputs, got.by_cash, 2)["cash"].min()
        assert_allclose(lowest, inputs.minimum_cash, **MONEY)

    def test_baseline_already_loses(self):
        inputs = one_line_plan([100, 100], 0.5, [60, 60], opening_cash=1000.0)
        got = pf.largest_survivable_cut(inputs)
        assert got.by_income is None  # 2 x (50 - 60) = -20 before any cut
        assert_allclose(got.by_cash, 1.0, **RATIO)  # 1000 - 2 x 60 never reaches 0

    def test_cash_starts_below_the_minimum(self):
        got = pf.largest_survivable_cut(shop(opening_cash=400.0, minimum_cash=500.0))
        assert got.by_cash is None
        assert_allclose(got.by_income, 12 / 47, **RATIO)

    def test_never_binding(self):
        # No fixed costs: even losing every sale leaves income at 0.
        inputs = one_line_plan([100, 100], 0.5, [0, 0])
        assert pf.largest_survivable_cut(inputs) == pf.SurvivableCut(1.0, 1.0)

    def test_cut_from_a_month_without_sales_never_binds(self):
        inputs = one_line_plan([300, 300, 0], 0.5, [10, 10, 10], opening_cash=0.0)
        got = pf.largest_survivable_cut(inputs, start_month=3)
        assert got == pf.SurvivableCut(1.0, 1.0)

    def test_zero_income_baseline_survives_no_cut(self):
        inputs = one_line_plan([100, 100], 0.5, [50, 50])
        got = pf.largest_survivable_cut(inputs)
        assert got.by_income == 0.0

    @pytest.mark.parametrize("start_month", [0, 4])
    def test_bad_start_month(self, start_month):
        with pytest.raises(ValueError, match="start_month"):
            pf.largest_survivable_cut(shop(), start_month=start_month)

    @pytest.mark.parametrize("start", [1, 2, 3])
    def test_agrees_with_bisection(self, start):
        got = pf.largest_survivable_cut(shop(), start_month=start)
        by_income, by_cash = brute_force_survivable(shop(), start)
        assert_allclose(got.by_income, by_income, rtol=0, atol=1e-6)
        assert_allclose(got.by_cash, by_cash, rtol=0, atol=1e-6)


# ----------------------------------------------------------------------------
# cut_curve
# ----------------------------------------------------------------------------


class TestCutCurve:
    def test_default_grid_is_zero_to_fifty_percent(self):
        curve = pf.cut_curve(shop())
        assert list(curve.columns) == ["cut", "income", "closing_cash", "lowest_cash"]
        assert len(curve) == 51
        assert_allclose(curve["cut"], np.arange(51) / 100, **RATIO)

    def test_by_hand(self):
        curve = pf.cut_curve(shop(), cuts=[0.0, 0.25, 0.5])
        # Income 1200 - 4700 c; closing cash 2200 - 4700 c.
        assert_allclose(curve["income"], [1200, 25, -1150], **MONEY)
        assert_allclose(curve["closing_cash"], [2200, 1025, -150], **MONEY)
        # At 50%: 1000 - 450 = 550, 550 - 300 = 250, 250 - 400 = -150.
        assert_allclose(curve["lowest_cash"], [1200, 875, -150], **MONEY)

    @pytest.mark.parametrize("start", [1, 2, 3])
    def test_agrees_with_project(self, start):
        cuts = [0.0, 0.1, 0.33, 0.5, 1.0]
        curve = pf.cut_curve(shop(), start_month=start, cuts=cuts)
        for cut, row in zip(cuts, curve.itertuples(index=False), strict=True):
            proj = pf.project(shop(), cut, start)
            assert_allclose(row.income, proj["operating_income"].sum(), **MONEY)
            assert_allclose(row.closing_cash, proj["cash"].iloc[-1], **MONEY)
            assert_allclose(row.lowest_cash, proj["cash"].min(), **MONEY)

    @pytest.mark.parametrize("cuts", [[0.0, 1.2], [-0.1, 0.2], [0.1, NAN]])
    def test_bad_cuts(self, cuts):
        with pytest.raises(ValueError, match="cut"):
            pf.cut_curve(shop(), cuts=cuts)

    def test_bad_start_month(self):
        with pytest.raises(ValueError, match="start_month"):
            pf.cut_curve(shop(), start_month=0)


# ----------------------------------------------------------------------------
# monte_carlo
# ----------------------------------------------------------------------------


class TestMonteCarlo:
    def test_same_seed_same_figures(self):
        a = pf.monte_carlo(shop(), cut=0.2, volatility=0.2, runs=300, seed=7)
        b = pf.monte_carlo(shop(), cut=0.2, volatility=0.2, runs=300, seed=7)
        assert_array_equal(a.income, b.income)
        assert_array_equal(a.lowest_cash, b.lowest_cash)
        assert_frame_equal(a.curve, b.curve)

    def test_different_seed_different_figures(self):
        a = pf.monte_carlo(shop(), volatility=0.2, runs=300, seed=7)
        b = pf.monte_carlo(shop(), volatility=0.2, runs=300, seed=8)
        assert not np.array_equal(a.income, b.income)

    @pytest.mark.parametrize(("cut", "start"), [(0.0, 1), (0.25, 1), (0.25, 2), (1.0, 3)])
    def test_no_volatility_is_the_deterministic_plan(self, cut, start):
        sim = pf.monte_carlo(shop(), cut=cut, start_month=start, volatility=0.0, runs=5)
        proj = pf.project(shop(), cut, start)
        assert_allclose(sim.income, [proj["operating_income"].sum()] * 5, rtol=0, atol=1e-9)
        # the opening balance counts too, as it does for largest_survivable_cut
        lowest = min(shop().opening_cash, proj["cash"].min())
        assert_allclose(sim.lowest_cash, [lowest] * 5, rtol=0, atol=1e-9)
        curve = pf.cut_curve(shop(), start_month=start)
        for column in ("p10", "p50", "p90"):
            assert_allclose(sim.curve[column], curve["income"], rtol=0, atol=1e-9)
        expected_loss = float(proj["operating_income"].sum() < 0)
        assert sim.probability_of_loss == expected_loss

    def test_probabilities_are_shares_of_runs(self):
        # At a 25% cut the year's income is 25 on plan: with 30% volatility some runs
        # lose and some do not.
        sim = pf.monte_carlo(shop(), cut=0.25, volatility=0.3, runs=1000, seed=1)
        assert len(sim.income) == len(sim.lowest_cash) == 1000
        assert 0.0 < sim.probability_of_loss < 1.0
        assert sim.probability_of_loss == np.mean(sim.income < 0)
        assert 0.0 <= sim.probability_cash_short <= 1.0
        assert sim.probability_cash_short == np.mean(sim.lowest_cash < 500.0)
        assert sim.minimum_cash == 500.0

    def test_curve(self):
        sim = pf.monte_carlo(shop(), volatility=0.3, runs=500, seed=3)
        curve = sim.curve
        assert list(curve.columns) == ["cut", "p10", "p50", "p90", "probability_of_loss"]
        assert_allclose(curve["cut"], np.arange(51) / 100, **RATIO)
        assert (curve["p10"] <= curve["p50"]).all()
        assert (curve["p50"] <= curve["p90"]).all()
        assert curve["probability_of_loss"].between(0, 1).all()
        # The same draws for every cut, and non-negative contribution: risk only grows.
        assert (np.diff(curve["probability_of_loss"]) >= 0).all()
        assert (np.diff(curve["p50"]) <= 1e-9).all()
        # At a cut of 0 the curve is the simulation itself.
        assert_allclose(curve["p50"].iloc[0], np.percentile(sim.income, 50), **MONEY)
        assert_allclose(sim.percentile(50), np.median(sim.income), **MONEY)

    @pytest.mark.parametrize("volatility", [-0.1, NAN, math.inf])
    def test_bad_volatility(self, volatility):
        with pytest.raises(ValueError, match="volatility"):
            pf.monte_carlo(shop(), volatility=volatility, runs=10)

    @pytest.mark.parametrize("runs", [0, -5, 2.5])
    def test_bad_runs(self, runs):
        with pytest.raises(ValueError, match="runs"):
            pf.monte_carlo(shop(), runs=runs)

    @pytest.mark.parametrize(("cut", "start"), [(1.2, 1), (-0.1, 1), (NAN, 1), (0.1, 0), (0.1, 4)])
    def test_bad_scenario(self, cut, start):
        with pytest.raises(ValueError):
            pf.monte_carlo(shop(), cut=cut, start_month=start, runs=10)


# ----------------------------------------------------------------------------
# Properties over small generated plans
# ----------------------------------------------------------------------------

PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestProperties:
    @PROPERTY
    @given(plan_and_start(), FRACTIONS, FRACTIONS)
    def test_income_never_rises_as_the_cut_grows(self, plan, c1, c2):
        inputs, start = plan
        low, high = sorted((c1, c2))
        a = pf.project(inputs, low, start)["operating_income"]
        b = pf.project(inputs, high, start)["operating_income"]
        assert (b <= a + 1e-9).all()
        assert b.sum() <= a.sum() + 1e-9

    @PROPERTY
    @given(plan_and_start())
    def test_cut_of_zero_is_the_baseline(self, plan):
        inputs, start = plan
        assert_frame_equal(pf.project(inputs, 0.0, start), pf.project(inputs))
        assert_frame_equal(pf.statement(inputs, 0.0, start), pf.statement(inputs))
        table = pf.stress_test(inputs, 0.0, start).by_month
        assert (table["lost_income"] == 0).all()

    @PROPERTY
    @given(plan_and_start(), FRACTIONS)
    def test_statement_identities(self, plan, cut):
        inputs, start = plan
        check_statement_identities(pf.statement(inputs, cut, start), inputs)
        check_statement_identities_of_projection(
            pf.project(inputs, cut, start), inputs.opening_cash
        )

    @PROPERTY
    @given(plan_and_start(), FRACTIONS, st.integers(0, 99).map(lambda x: x / 100))
    def test_stress_test_identities(self, plan, cut, target):
        inputs, start = plan
        table = pf.stress_test(inputs, cut, start, target).by_month
        year = table.loc["Total"]
        months = table.drop(index="Total")
        assert_allclose(year.iloc[:4], months.iloc[:, :4].sum(), **MONEY)
        for i in range(len(months)):
            lost = months["lost_revenue"].iloc[i]
            if lost > 0:
                cm = pf.contribution_margin_ratio(inputs, slice(i, i + 1))
                assert_allclose(months["lost_income"].iloc[i], lost * cm, **MONEY)
            else:
                assert_allclose(months["lost_income"].iloc[i], 0.0, **MONEY)
        cm_cut = pf.contribution_margin_ratio(inputs, slice(start - 1, None))
        if year["lost_revenue"] > 0:
            assert_allclose(year["lost_income"], year["lost_revenue"] * cm_cut, **MONEY)
        else:
            assert_allclose(year["lost_income"], 0.0, **MONEY)
        assert (
            table["reduction_to_target_margin"] >= table["reduction_to_break_even"] - 1e-9
        ).all()
        assert_allclose(
            table["reduction_to_break_even"], np.maximum(0, -table["scenario_income"]), **MONEY
        )

    @PROPERTY
    @given(plan_and_start())
    def test_largest_survivable_cut_matches_bisection(self, plan):
        inputs, start = plan
        got = pf.largest_survivable_cut(inputs, start)
        by_income, by_cash = brute_force_survivable(inputs, start)
        for answer, brute in ((got.by_income, by_income), (got.by_cash, by_cash)):
            if brute is None:
                assert answer is None
            else:
                assert answer is not None
                assert_allclose(answer, brute, rtol=0, atol=1e-6)

    @PROPERTY
    @given(plan_and_start(), FRACTIONS, st.integers(0, 400).map(lambda x: 10.0 * x))
    def test_cut_plan_accounts_for_the_need(self, plan, cut, needed):
        inputs, start = plan
        table, uncovered = pf.cut_plan(inputs, needed, start, cut)
        assert_allclose(table["cut"].sum() + uncovered, needed, **MONEY)
        assert (table["cut"] <= table["available"] + 1e-9).all()
        assert_allclose(uncovered, max(0.0, needed - table["available"].sum()), **MONEY)

    @PROPERTY
    @given(pro_forma_plans())
    def test_break_even_revenue_zeroes_the_year(self, inputs):
        revenue = float(inputs.revenue.to_numpy().sum())
        be = pf.break_even_revenue(inputs)
        assume(revenue > 0 and math.isfinite(be) and be <= revenue)
        income = pf.project(inputs, 1 - be / revenue)["operating_income"].sum()
        assert_allclose(income, 0.0, **MONEY)
