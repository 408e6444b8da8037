"""Tests of the annual sales plan: hand-worked figures, identities and bad input."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from strategies import FRACTIONS, REVENUE_PLAN_CENTS, objective

from salesnb.plan import (
    DEFAULT_RAMP,
    QuotaRep,
    assign_quotas,
    business_plan,
    company_goal,
    goal_vs_revenue_plan,
    goals_from_revenue_plan,
    monthly_goals,
    monthly_quotas,
    objectives,
    quarterly_goals,
    quota_balance,
    revenue_plan_totals,
    seasonality,
)

FY = "2026-01"
FLAT = [1.0] * 12
PRIOR_MONTHS = pd.period_range("2025-01", periods=12, freq="M", name="month")


def cents(values) -> np.ndarray:
    """Amounts as whole cents (they are cents already; this only drops float noise)."""
    return np.round(np.asarray(values, dtype=float) * 100).astype(np.int64)


def half_up_cents(amount: float) -> int:
    """The documented rounding of a total: to the cent, halves away from zero."""
    return int((Decimal(repr(float(amount))) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def flat_goals(goal: float, fy_start: str = FY) -> pd.Series:
    return monthly_goals(goal, seasonality(mode="flat"), fy_start)


def goals_from(values: list[float], fy_start: str = FY) -> pd.Series:
    return objective(values, fy_start).rename("goal")


# ----------------------------------------------------------------------------
# company_goal
# ----------------------------------------------------------------------------


class TestCompanyGoal:
    def test_prior_total_grown(self):
        prior = pd.Series(100_000.0, index=PRIOR_MONTHS)
        assert company_goal(prior, growth=0.15) == 1_380_000.0

    def test_decline(self):
        prior = pd.Series(100_000.0, index=PRIOR_MONTHS)
        assert company_goal(prior, growth=-0.2) == 960_000.0

    def test_rounded_to_the_cent(self):
        prior = pd.Series([1_000_000.0] + [0.0] * 11, index=PRIOR_MONTHS)
        assert company_goal(prior, growth=1 / 3) == 1_333_333.33

    def test_given_goal_is_used_as_it_is(self):
        assert company_goal(given=1_234_567.891) == 1_234_567.89
        prior = pd.Series(1.0, index=PRIOR_MONTHS)
        assert company_goal(prior, given=500_000) == 500_000.0

    def test_table_with_month_and_revenue_columns(self):
        table = pd.DataFrame({"month": list(PRIOR_MONTHS), "revenue": [10_000.0] * 12})
        assert company_goal(table, growth=0.1) == 132_000.0

    def test_string_months_in_any_order(self):
        months = [str(m) for m in PRIOR_MONTHS][::-1]
        prior = pd.Series(range(1, 13), index=months, dtype=float)
        assert company_goal(prior, growth=0.0) == 78.0

    def test_fy_start_picks_the_prior_year_from_longer_history(self):
        months = pd.period_range("2024-01", periods=24, freq="M")
        history = pd.Series([1.0] * 12 + [2.0] * 12, index=months)
        assert company_goal(history, growth=0.5, fy_start="2026-01") == 36.0
        assert company_goal(history, growth=0.5, fy_start="2025-01") == 18.0

    def test_growth_below_minus_100_percent(self):
        prior = pd.Series(1.0, index=PRIOR_MONTHS)
        with pytest.raises(ValueError, match=r"growth: must be above -100%; got -1\.2"):
            company_goal(prior, growth=-1.2)
        with pytest.raises(ValueError, match="growth: must be above -100%"):
            company_goal(prior, growth=-1.0)

    def test_growth_not_a_number(self):
        prior = pd.Series(1.0, index=PRIOR_MONTHS)
        with pytest.raises(ValueError, match="growth: must be a finite number"):
            company_goal(prior, growth="10%")
        with pytest.raises(ValueError, match="growth: must be a finite number"):
            company_goal(prior, growth=math.nan)

    def test_month_missing_from_the_actuals(self):
        prior = pd.Series(1.0, index=PRIOR_MONTHS).drop(pd.Period("2025-03", "M"))
        with pytest.raises(ValueError, match="prior_actuals: month 2025-03 is missing"):
            company_goal(prior, growth=0.1)

    def test_blank_month_counts_as_missing(self):
        prior = pd.Series(1.0, index=PRIOR_MONTHS)
        prior.iloc[[4, 5]] = np.nan
        with pytest.raises(ValueError, match="months 2025-05, 2025-06 are missing"):
            company_goal(prior, growth=0.1)

    def test_missing_last_month_named_with_fy_start(self):
        prior = pd.Series(1.0, index=PRIOR_MONTHS[:11])
        with pytest.raises(ValueError, match="12 consecutive months; got 11"):
            company_goal(prior, growth=0.1)
        with pytest.raises(ValueError, match="month 2025-12 is missing"):
            company_goal(prior, growth=0.1, fy_start="2026-01")

    def test_more_than_a_year_without_fy_start(self):
        prior = pd.Series(1.0, index=pd.period_range("2024-01", periods=24, freq="M"))
        with pytest.raises(ValueError, match=r"got 24 .*pass fy_start"):
            company_goal(prior, growth=0.1)

    def test_duplicate_and_negative_months(self):
        doubled = pd.Series(1.0, index=[*PRIOR_MONTHS, PRIOR_MONTHS[0]])
        with pytest.raises(ValueError, match="month 2025-01 appears more than once"):
            company_goal(doubled, growth=0.1)
        negative = pd.Series(1.0, index=PRIOR_MONTHS)
        negative.iloc[1] = -5.0
        with pytest.raises(ValueError, match="month 2025-02 must be 0 or more"):
            company_goal(negative, growth=0.1)

    def test_growth_or_given_not_both_nor_neither(self):
        prior = pd.Series(1.0, index=PRIOR_MONTHS)
        with pytest.raises(ValueError, match="not both"):
            company_goal(prior, growth=0.1, given=100.0)
        with pytest.raises(ValueError, match="growth: needed"):
            company_goal(prior)
        with pytest.raises(ValueError, match="prior_actuals: needed"):
            company_goal(growth=0.1)
        with pytest.raises(ValueError, match="given: must be 0 or more"):
            company_goal(given=-1.0)

    def test_an_empty_prior_year_cannot_grow(self):
        prior = pd.Series(0.0, index=PRIOR_MONTHS)
        with pytest.raises(ValueError, match="total must be above 0"):
            company_goal(prior, growth=0.1)


# ----------------------------------------------------------------------------
# seasonality
# ----------------------------------------------------------------------------


class TestSeasonality:
    def test_prior_year_shares(self):
        prior = pd.Series([40_000.0] * 8 + [80_000.0] * 4, index=PRIOR_MONTHS)
        expected = pd.Series(
            [1 / 16] * 8 + [1 / 8] * 4,
            index=pd.Index(range(1, 13), name="calendar_month"),
            name="share",
        )
        pd.testing.assert_series_equal(seasonality(prior), expected)

    def test_fiscal_year_order_by_calendar_month(self):
        months = pd.period_range("2025-04", periods=12, freq="M")
        prior = pd.Series(np.arange(1.0, 13.0), index=months)  # April 1, ..., March 12
        shares = seasonality(prior, fy_start="2026-04")
        assert shares.index.tolist() == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
        assert_allclose(shares.loc[4], 1 / 78)
        assert_allclose(shares.loc[3], 12 / 78)

    def test_flat(self):
        shares = seasonality(mode="flat")
        assert_allclose(shares.to_numpy(), np.full(12, 1 / 12))
        assert shares.index.tolist() == list(range(1, 13))
        assert seasonality(mode="flat", fy_start="2026-07").index[0] == 7

    def test_given_shares_are_normalised(self):
        shares = seasonality(given=[2.0] + [1.0] * 11)
        assert_allclose(shares.loc[1], 2 / 13)
        assert_allclose(shares.loc[2], 1 / 13)
        assert_allclose(shares.sum(), 1.0)

    def test_given_as_mapping_by_calendar_month(self):
        mapping = {month: (3.0 if month == 12 else 1.0) for month in range(1, 13)}
        shares = seasonality(given=mapping, fy_start="2026-10")
        assert shares.index[0] == 10
        assert_allclose(shares.loc[12], 3 / 14)

    def test_given_overrides_mode(self):
        pd.testing.assert_series_equal(
            seasonality(mode="prior", given=[1.0] * 12), seasonality(mode="flat")
        )

    def test_given_shares_summing_to_zero(self):
        with pytest.raises(ValueError, match="given: the shares sum to zero"):
            seasonality(given=[0.0] * 12)

    def test_given_shares_negative_or_short(self):
        with pytest.raises(ValueError, match=r"given \(March\): must be 0 or more"):
            seasonality(given=[1.0, 1.0, -1.0] + [1.0] * 9)
        with pytest.raises(ValueError, match="needs 12 shares, January to December; got 11"):
            seasonality(given=[1.0] * 11)
        with pytest.raises(ValueError, match="no share for February"):
            seasonality(given={m: 1.0 for m in range(1, 13) if m != 2})
        with pytest.raises(ValueError, match="keys must be calendar months"):
            seasonality(given={m: 1.0 for m in range(12)})

    def test_month_missing_from_the_actuals(self):
        prior = pd.Series(1.0, index=PRIOR_MONTHS).drop(pd.Period("2025-07", "M"))
        with pytest.raises(ValueError, match="month 2025-07 is missing"):
            seasonality(prior)

    def test_bad_mode_and_empty_year(self):
        with pytest.raises(ValueError, match="mode: must be 'prior' or 'flat'"):
            seasonality(mode="seasonal")
        with pytest.raises(ValueError, match="prior_actuals: needed"):
            seasonality()
        with pytest.raises(ValueError, match="total is 0"):
            seasonality(pd.Series(0.0, index=PRIOR_MONTHS))


# ----------------------------------------------------------------------------
# monthly_goals and quarterly_goals
# ----------------------------------------------------------------------------


class TestMonthlyGoals:
    def test_flat_split_to_the_cent(self):
        goals = flat_goals(1_000_000)
        expected = pd.Series(
            [83_333.34] * 4 + [83_333.33] * 8,
            index=pd.period_range(FY, periods=12, freq="M", name="month"),
            name="goal",
        )
        pd.testing.assert_series_equal(goals, expected)
        assert cents(goals).sum() == 100_000_000

    def test_seasonal_plan(self):
        prior = pd.Series([40_000.0] * 8 + [80_000.0] * 4, index=PRIOR_MONTHS)
        goal = company_goal(prior, growth=1.0)
        goals = monthly_goals(goal, seasonality(prior), FY)
        assert goal == 1_280_000.0
        assert goals.tolist() == [80_000.0] * 8 + [160_000.0] * 4

    def test_shares_follow_the_calendar_month(self):
        # Calendar-year shares, fiscal year from July: July keeps July's share.
        shares = seasonality(given=[1.0] * 6 + [3.0] * 6)
        goals = monthly_goals(240_000, shares, "2026-07")
        assert goals.index[0] == pd.Period("2026-07", "M")
        assert goals.tolist() == [30_000.0] * 6 + [10_000.0] * 6

    def test_zero_goal(self):
        assert flat_goals(0).tolist() == [0.0] * 12

    def test_bad_input(self):
        with pytest.raises(ValueError, match="goal: must be 0 or more"):
            flat_goals(-1.0)
        with pytest.raises(ValueError, match="fy_start: expected a month such as"):
            monthly_goals(1.0, seasonality(mode="flat"), "first of April")
        with pytest.raises(ValueError, match="shares: the shares sum to zero"):
            monthly_goals(1.0, [0.0] * 12, FY)

    @settings(max_examples=50, deadline=None)
    @given(
        goal=st.floats(min_value=0, max_value=1e9, allow_nan=False),
        shares=st.lists(
            st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=12, max_size=12
        ).filter(lambda xs: sum(xs) > 0),
    )
    def test_months_add_up_to_the_goal_to_the_cent(self, goal, shares):
        goals = monthly_goals(goal, shares, FY)
        assert_allclose(goals * 100, cents(goals), atol=1e-6)  # every month is whole cents
        assert cents(goals).sum() == half_up_cents(goal)
        assert (goals >= 0).all()


class TestQuarterlyGoals:
    def test_quarters_of_a_flat_year(self):
        quarters = quarterly_goals(flat_goals(1_000_000))
        expected = pd.Series(
            [250_000.02, 250_000.0, 249_999.99, 249_999.99],
            index=pd.Index(["Q1", "Q2", "Q3", "Q4"], name="quarter"),
            name="goal",
        )
        pd.testing.assert_series_equal(quarters, expected)
        assert cents(quarters).sum() == 100_000_000

    def test_seasonal_quarters(self):
        goals = goals_from([10.0, 20.0, 30.0] * 4)
        assert quarterly_goals(goals).tolist() == [60.0] * 4

    def test_incomplete_quarter(self):
        with pytest.raises(ValueError, match="multiple of 3 consecutive months; got 10"):
            quarterly_goals(goals_from([1.0] * 10))

    def test_gap(self):
        goals = goals_from([1.0] * 12).drop(pd.Period("2026-05", "M"))
        with pytest.raises(ValueError, match="month 2026-05 is missing"):
            quarterly_goals(goals)


# ----------------------------------------------------------------------------
# QuotaRep, assign_quotas and monthly_quotas
# ----------------------------------------------------------------------------


class TestQuotaRep:
    def test_months_given_as_text(self):
        rep = QuotaRep("Ann", start="2026-07", end="2026-12", on_target_earnings=100_000)
        assert rep.start == pd.Period("2026-07", "M")
        assert rep.end == pd.Period("2026-12", "M")
        assert rep.weight == 1.0

    def test_negative_weight(self):
        with pytest.raises(ValueError, match=r"weight of Ann: must be 0 or more; got -1"):
            QuotaRep("Ann", weight=-1)

    def test_bad_fields(self):
        with pytest.raises(ValueError, match=r"end of Ann: must not be before the start"):
            QuotaRep("Ann", start="2026-05", end="2026-03")
        with pytest.raises(ValueError, match="on_target_earnings"):
            QuotaRep("Ann", on_target_earnings=0)
        with pytest.raises(ValueError, match="name: every rep needs a name"):
            QuotaRep("")
        with pytest.raises(ValueError, match=r"start of Ann: expected a month"):
            QuotaRep("Ann", start="soon")


class TestAssignQuotas:
    def test_equal_split_adds_up_to_the_cent(self):
        team = [QuotaRep("Ann"), QuotaRep("Bob"), QuotaRep("Cy")]
        quotas = assign_quotas(1_000_000, FLAT, FY, team)
        assert quotas["quota"].tolist() == [333_333.34, 333_333.33, 333_333.33]
        assert cents(quotas["quota"]).sum() == 100_000_000
        assert_allclose(quotas["effective_share"], [1 / 3] * 3)

    def test_full_frame(self):
        team = [
            QuotaRep("Ann", weight=2, on_target_earnings=120_000),
            QuotaRep("Bob", on_target_earnings=100_000),
            QuotaRep("Cy"),
        ]
        quotas = assign_quotas(1_200_000, FLAT, FY, team, stretch=0.1)
        expected = pd.DataFrame(
            {
                "rep": ["Ann", "Bob", "Cy"],
                "weight": [2.0, 1.0, 1.0],
                "own_quota": [False, False, False],
                "months_employed": np.array([12, 12, 12], dtype=np.int64),
                "capacity": [1.0, 1.0, 1.0],
                "effective_share": [0.5, 0.25, 0.25],
                "quota": [600_000.0, 300_000.0, 300_000.0],
                "stretch_quota": [660_000.0, 330_000.0, 330_000.0],
                "full_year_quota": [600_000.0, 300_000.0, 300_000.0],
                "on_target_earnings": [120_000.0, 100_000.0, np.nan],
                "quota_to_ote": [5.0, 3.0, np.nan],
                "ote_check": ["healthy", "low", ""],
            }
        )
        pd.testing.assert_frame_equal(quotas, expected)

    def test_mid_year_hire_without_ramp(self):
        team = [QuotaRep("Ann"), QuotaRep("Bob"), QuotaRep("Cy", start="2026-07")]
        quotas = assign_quotas(1_200_000, FLAT, FY, team, ramp=[])
        assert quotas["months_employed"].tolist() == [12, 12, 6]
        assert_allclose(quotas["capacity"], [1.0, 1.0, 0.5])
        assert quotas["quota"].tolist() == [480_000.0, 480_000.0, 240_000.0]

    def test_mid_year_hire_ramps(self):
        # Cy from July carries 0, .25, .5, .75, 1, 1 of a month: 3.5 months of 12.
        # Team capacity 2 + 3.5/12 = 27.5/12, so a full rep carries 1.1m x 12/27.5.
        team = [QuotaRep("Ann"), QuotaRep("Bob"), QuotaRep("Cy", start="2026-07")]
        quotas = assign_quotas(1_100_000, FLAT, FY, team, ramp=DEFAULT_RAMP)
        assert_allclose(quotas["capacity"], [1.0, 1.0, 3.5 / 12])
        assert quotas["quota"].tolist() == [480_000.0, 480_000.0, 140_000.0]
        assert_allclose(quotas["full_year_quota"], [480_000.0] * 3)

    def test_hire_in_the_busy_half_carries_more(self):
        # July-December hold 60% of the goal: Cy's capacity is 0.6, not 0.5.
        shares = [4.0] * 6 + [6.0] * 6
        team = [QuotaRep("Ann"), QuotaRep("Cy", start="2026-07")]
        quotas = assign_quotas(600_000, shares, FY, team, ramp=[])
        assert_allclose(quotas["capacity"], [1.0, 0.6])
        assert quotas["quota"].tolist() == [375_000.0, 225_000.0]

    def test_hire_before_the_year_still_ramping(self):
        # Started in December: January is tenure month 2 (0.25), February 0.5, March 0.75.
        team = [QuotaRep("Ann"), QuotaRep("Dee", start="2025-12")]
        quotas = assign_quotas(1_500_000, FLAT, FY, team)
        assert_allclose(quotas["capacity"], [1.0, 10.5 / 12])
        assert quotas["quota"].tolist() == [800_000.0, 700_000.0]

    def test_leaver(self):
        team = [QuotaRep("Ann", end="2026-03"), QuotaRep("Bob")]
        quotas = assign_quotas(1_000_000, FLAT, FY, team)
        assert quotas["months_employed"].tolist() == [3, 12]
        assert quotas["quota"].tolist() == [200_000.0, 800_000.0]

    def test_rep_outside_the_year_gets_nothing(self):
        team = [QuotaRep("Ann"), QuotaRep("Old", end="2025-11"), QuotaRep("New", start="2027-02")]
        quotas = assign_quotas(600_000, FLAT, FY, team)
        assert quotas["months_employed"].tolist() == [12, 0, 0]
        assert quotas["quota"].tolist() == [600_000.0, 0.0, 0.0]

    def test_over_assignment(self):
        team = [QuotaRep("Ann"), QuotaRep("Bob"), QuotaRep("Cy")]
        quotas = assign_quotas(1_000_000, FLAT, FY, team, over_assignment=1.1)
        assert quotas["quota"].tolist() == [366_666.67, 366_666.67, 366_666.66]
        assert cents(quotas["quota"]).sum() == 110_000_000

    def test_stretch_is_each_quota_times_one_plus_stretch_to_the_cent(self):
        team = [QuotaRep("Ann"), QuotaRep("Bob"), QuotaRep("Cy")]
        quotas = assign_quotas(1_000_000, FLAT, FY, team, stretch=0.1)
        # 333,333.34 x 1.1 = 366,666.674 -> .67; 333,333.33 x 1.1 = 366,666.663 -> .66
        assert quotas["stretch_quota"].tolist() == [366_666.67, 366_666.66, 366_666.66]
        assert_allclose(quotas["stretch_quota"], quotas["quota"] * 1.1, atol=0.005)

    def test_equal_reps_get_equal_stretch_quotas(self):
        # Two reps on 1,291,169.86 each (the sample's case): x 1.15 = 1,484,845.339
        # -> 1,484,845.34 for both. Splitting the stretch total by quota gave the odd
        # cent to one of them.
        team = [QuotaRep("Ann"), QuotaRep("Bob")]
        quotas = assign_quotas(2_582_339.72, FLAT, FY, team, stretch=0.15)
        assert quotas["quota"].tolist() == [1_291_169.86, 1_291_169.86]
        assert quotas["stretch_quota"].tolist() == [1_484_845.34, 1_484_845.34]

    def test_stretch_halves_round_away_from_zero(self):
        # 100,000.10 x 1.25 = 125,000.125 exactly: up to .13 (in floats it is .12499...)
        quotas = assign_quotas(100_000.10, FLAT, FY, [QuotaRep("Ann")], stretch=0.25)
        assert quotas["stretch_quota"].tolist() == [125_000.13]

    def test_ote_check_bands(self):
        otes = [150_000, 100_000, 160_000, 90_000]  # 600k quota: 4x, 6x, 3.75x, 6.67x
        team = [QuotaRep(f"R{k}", on_target_earnings=ote) for k, ote in enumerate(otes)]
        quotas = assign_quotas(2_400_000, FLAT, FY, team)
        assert_allclose(quotas["quota_to_ote"], [4.0, 6.0, 3.75, 600_000 / 90_000])
        assert quotas["ote_check"].tolist() == ["healthy", "healthy", "low", "high"]

    def test_ote_check_of_a_hire_uses_the_full_year_quota(self):
        team = [
            QuotaRep("Ann"),
            QuotaRep("Bob"),
            QuotaRep("Cy", start="2026-07", on_target_earnings=96_000),
        ]
        quotas = assign_quotas(1_200_000, FLAT, FY, team, ramp=[])
        assert quotas.loc[2, "quota"] == 240_000.0
        assert quotas.loc[2, "quota_to_ote"] == 5.0
        assert quotas.loc[2, "ote_check"] == "healthy"

    def test_weights_summing_to_zero(self):
        team = [QuotaRep("Ann", weight=0), QuotaRep("Bob", weight=0)]
        with pytest.raises(ValueError, match="weight: the reps' weights sum to 0"):
            assign_quotas(1_000, FLAT, FY, team)

    def test_nobody_carries_quota(self):
        team = [QuotaRep("Ann", start="2026-12")]
        with pytest.raises(ValueError, match="reps: nobody carries quota"):
            assign_quotas(1_000, FLAT, FY, team, ramp=[0.0])

    def test_over_assignment_below_one(self):
        with pytest.raises(ValueError, match="over_assignment: must be 1 or more"):
            assign_quotas(1_000, FLAT, FY, [QuotaRep("Ann")], over_assignment=0.9)

    def test_other_bad_input(self):
        plan = (1_000, FLAT, FY)
        with pytest.raises(ValueError, match="stretch: must be 0 or more"):
            assign_quotas(*plan, [QuotaRep("Ann")], stretch=-0.1)
        with pytest.raises(ValueError, match="'Ann' appears more than once"):
            assign_quotas(*plan, [QuotaRep("Ann"), QuotaRep("Ann")])
        with pytest.raises(ValueError, match="reps: must be a list of one QuotaRep or more"):
            assign_quotas(*plan, [])
        with pytest.raises(ValueError, match="reps: every rep must be a QuotaRep"):
            assign_quotas(*plan, ["Ann"])
        with pytest.raises(
            ValueError, match=r"ramp: fractions must be between 0 and 1 and never decrease"
        ):
            assign_quotas(*plan, [QuotaRep("Ann")], ramp=[0.5, 1.5])
        with pytest.raises(ValueError, match=r"never decrease; got \[0\.0, 0\.5, 0\.25\]"):
            assign_quotas(*plan, [QuotaRep("Ann")], ramp=[0, 0.5, 0.25])
        with pytest.raises(ValueError, match="goal: must be 0 or more"):
            assign_quotas(-1.0, FLAT, FY, [QuotaRep("Ann")])
        with pytest.raises(ValueError, match="shares: the shares sum to zero"):
            assign_quotas(1_000, [0.0] * 12, FY, [QuotaRep("Ann")])

    @settings(max_examples=50, deadline=None)
    @given(
        goal_cents=st.integers(min_value=0, max_value=10**11),
        team=st.lists(
            st.tuples(
                st.floats(min_value=0, max_value=10, allow_nan=False),
                st.one_of(st.none(), st.integers(min_value=-6, max_value=14)),
                st.one_of(st.none(), st.integers(min_value=0, max_value=12)),
            ),
            min_size=0,
            max_size=6,
        ),
        over=st.floats(min_value=1.0, max_value=2.0),
        stretch=FRACTIONS,
        busy=st.integers(min_value=1, max_value=12),
    )
    def test_quotas_add_up_to_goal_times_over_assignment(
        self, goal_cents, team, over, stretch, busy
    ):
        start = pd.Period(FY, "M")
        reps = [QuotaRep("Lead")]  # a full-year rep, so someone carries quota
        for k, (weight, joins, stays) in enumerate(team):
            first = None if joins is None else start + joins
            last = None if stays is None else (first or start) + stays
            reps.append(QuotaRep(f"R{k}", weight=weight, start=first, end=last))
        shares = [3.0 if m == busy else 1.0 for m in range(1, 13)]
        plan = (goal_cents / 100, shares, FY, reps)
        quotas = assign_quotas(*plan, over_assignment=over, stretch=stretch)
        quota_cents = cents(quotas["quota"])
        assert_allclose(quotas["quota"] * 100, quota_cents, atol=1e-6)
        assert abs(quota_cents.sum() - goal_cents * over) <= 0.5 + 1e-6 * goal_cents
        if over == 1.0:
            assert quota_cents.sum() == goal_cents
        assert_allclose(quotas["stretch_quota"], quotas["quota"] * (1 + stretch), atol=0.005)
        monthly = monthly_quotas(*plan, over_assignment=over)
        assert_array_equal(cents(monthly).sum(axis=0), quota_cents)


class TestOwnQuotas:
    """A quota the roster gives a rep is that rep's quota; the rest is shared."""

    def test_two_own_quotas_and_one_rep_sharing_the_rest(self):
        # Goal 2,000,000 x 1.1 = 2,200,000; Ann keeps 900,000 and Bob 750,000, so
        # Cy, the one rep without a quota, carries 2,200,000 - 1,650,000 = 550,000.
        team = [
            QuotaRep("Ann", annual_quota=900_000, on_target_earnings=180_000),
            QuotaRep("Bob", annual_quota=750_000, on_target_earnings=125_000),
            QuotaRep("Cy", on_target_earnings=100_000),
        ]
        quotas = assign_quotas(2_000_000, FLAT, FY, team, over_assignment=1.1, stretch=0.1)
        assert quotas["own_quota"].tolist() == [True, True, False]
        assert quotas["quota"].tolist() == [900_000.0, 750_000.0, 550_000.0]
        assert quotas["stretch_quota"].tolist() == [990_000.0, 825_000.0, 605_000.0]
        assert quotas["full_year_quota"].tolist() == [900_000.0, 750_000.0, 550_000.0]
        # 900/180 = 5.0x, 750/125 = 6.0x, 550/100 = 5.5x
        assert_allclose(quotas["quota_to_ote"], [5.0, 6.0, 5.5])
        assert_allclose(quotas["effective_share"], [9 / 22, 7.5 / 22, 5.5 / 22])
        balance = quota_balance(quotas, 2_000_000, 1.1)
        assert (balance.target, balance.assigned, balance.difference) == (2_200_000.0,) * 2 + (0.0,)
        assert balance.status == "balanced"

    def test_own_quota_prorated_and_the_rest_split_by_capacity(self):
        # Bob joins in April: 750,000 x 9 / 12 = 562,500 (no ramp on an own quota).
        # The rest, 2,200,000 - 900,000 - 562,500 = 737,500, is shared by Cy (all
        # year, capacity 1) and Dee (from July, ramp 0, .25, .5, .75, 1, 1: 3.5/12):
        # Cy 737,500 x 12 / 15.5 = 570,967.74, Dee 737,500 x 3.5 / 15.5 = 166,532.26.
        team = [
            QuotaRep("Ann", annual_quota=900_000),
            QuotaRep("Bob", annual_quota=750_000, start="2026-04"),
            QuotaRep("Cy"),
            QuotaRep("Dee", start="2026-07"),
        ]
        quotas = assign_quotas(2_000_000, FLAT, FY, team, over_assignment=1.1)
        assert quotas["quota"].tolist() == [900_000.0, 562_500.0, 570_967.74, 166_532.26]
        assert_allclose(quotas["capacity"], [1.0, 0.75, 1.0, 3.5 / 12])
        assert_allclose(quotas["full_year_quota"][2:], [737_500 * 12 / 15.5] * 2)
        assert cents(quotas["quota"]).sum() == 220_000_000
        monthly = monthly_quotas(2_000_000, FLAT, FY, team, over_assignment=1.1)
        assert monthly["Bob"].tolist() == [0.0] * 3 + [62_500.0] * 9
        assert monthly["Ann"].tolist() == [75_000.0] * 12
        assert_array_equal(cents(monthly).sum(axis=0), cents(quotas["quota"]))

    def test_own_quota_follows_the_seasons_over_the_months_employed(self):
        # Leaves in June: 480,000 x 6 / 12 = 240,000, spread 1:1:1:1:1:3 over Jan-Jun.
        shares = [1.0] * 5 + [3.0] + [1.0] * 6
        team = [QuotaRep("Ann", annual_quota=480_000, end="2026-06")]
        monthly = monthly_quotas(240_000, shares, FY, team)
        assert monthly["Ann"].tolist() == [30_000.0] * 5 + [90_000.0] + [0.0] * 6

    def test_own_quotas_above_the_target_are_an_excess(self):
        # 900,000 + 750,000 = 1,650,000 against 1,500,000: Cy has nothing left to share.
        team = [
            QuotaRep("Ann", annual_quota=900_000),
            QuotaRep("Bob", annual_quota=750_000),
            QuotaRep("Cy"),
        ]
        quotas = assign_quotas(1_500_000, FLAT, FY, team)
        assert quotas["quota"].tolist() == [900_000.0, 750_000.0, 0.0]
        balance = quota_balance(quotas, 1_500_000)
        assert (balance.difference, balance.status) == (150_000.0, "excess")

    def test_own_quotas_alone_below_the_target_are_a_shortfall(self):
        team = [QuotaRep("Ann", annual_quota=900_000), QuotaRep("Bob", annual_quota=750_000)]
        quotas = assign_quotas(2_000_000, FLAT, FY, team, over_assignment=1.1)
        balance = quota_balance(quotas, 2_000_000, 1.1)
        assert (balance.assigned, balance.difference, balance.status) == (
            1_650_000.0,
            -550_000.0,
            "short",
        )

    def test_prorated_to_the_cent_half_up(self):
        # 100,000.10 x 6 / 12 = 50,000.05 exactly: kept as 50,000.05.
        team = [QuotaRep("Ann", annual_quota=100_000.10, end="2026-06")]
        assert assign_quotas(0, FLAT, FY, team)["quota"].tolist() == [50_000.05]

    @pytest.mark.parametrize(
        ("bad", "says"),
        [(0, "must be above 0"), (-5, "must be above 0"), (math.nan, "must be a finite")],
    )
    def test_own_quota_must_be_above_zero(self, bad, says):
        with pytest.raises(ValueError, match=f"^annual_quota of Ann: {says}"):
            QuotaRep("Ann", annual_quota=bad)

    @settings(max_examples=60, deadline=None)
    @given(
        goal_cents=st.integers(min_value=0, max_value=10**10),
        own=st.lists(
            st.tuples(
                st.integers(min_value=1, max_value=10**8),  # own quota in cents
                st.one_of(st.none(), st.integers(min_value=-3, max_value=11)),  # joins
            ),
            min_size=0,
            max_size=4,
        ),
        sharing=st.integers(min_value=0, max_value=3),
        over=st.floats(min_value=1.0, max_value=2.0),
    )
    def test_own_quotas_are_kept_and_the_shares_make_up_the_rest(
        self, goal_cents, own, sharing, over
    ):
        start = pd.Period(FY, "M")
        reps = [
            QuotaRep(f"Own{k}", annual_quota=q / 100, start=None if j is None else start + j)
            for k, (q, j) in enumerate(own)
        ]
        reps += [QuotaRep(f"Share{k}") for k in range(sharing)]
        assume(reps)  # every rep here is employed in the plan year
        quotas = assign_quotas(goal_cents / 100, FLAT, FY, reps, over_assignment=over)
        employed = quotas["months_employed"].to_numpy()[: len(own)]
        got = cents(quotas["quota"])
        for k, (q, _) in enumerate(own):  # own quota x months / 12, halves up
            exact = Decimal(q) * int(employed[k]) / 12
            assert got[k] == int(exact.to_integral_value(rounding=ROUND_HALF_UP))
        balance = quota_balance(quotas, goal_cents / 100, over)
        target = round(balance.target * 100)
        own_total = got[: len(own)].sum()
        if sharing and own_total < target:
            assert got.sum() == target
            assert balance.status == "balanced"
        else:  # nothing left to share: whatever the own quotas come to stands
            assert (got[len(own) :] == 0).all()
            assert balance.difference == pytest.approx((own_total - target) / 100)

    def test_nobody_with_an_own_quota_in_the_year(self):
        team = [QuotaRep("Old", annual_quota=500_000, end="2025-12")]
        with pytest.raises(ValueError, match="reps: nobody carries quota"):
            assign_quotas(1_000, FLAT, FY, team)


class TestMonthlyQuotas:
    def test_ramping_hire_month_by_month(self):
        team = [QuotaRep("Ann"), QuotaRep("Cy", start="2026-09")]
        monthly = monthly_quotas(1_200_000, FLAT, FY, team, ramp=[0.5, 0.5])
        expected = pd.DataFrame(
            {"Ann": [80_000.0] * 12, "Cy": [0.0] * 8 + [40_000.0, 40_000.0, 80_000.0, 80_000.0]},
            index=pd.period_range(FY, periods=12, freq="M", name="month"),
        )
        expected.columns.name = "rep"
        pd.testing.assert_frame_equal(monthly, expected)

    def test_each_rep_adds_up_to_the_quota(self):
        plan = (1_200_000, [1.0] * 6 + [3.0] * 6, FY)
        team = [QuotaRep("Ann"), QuotaRep("Bob", end="2026-08"), QuotaRep("Cy", start="2026-04")]
        quotas = assign_quotas(*plan, team, over_assignment=1.15)
        monthly = monthly_quotas(*plan, team, over_assignment=1.15)
        assert_array_equal(cents(monthly).sum(axis=0), cents(quotas["quota"]))
        assert (monthly.loc["2026-09":, "Bob"] == 0).all()
        assert (monthly.loc[:"2026-03", "Cy"] == 0).all()
        # Ann's months follow the season: a second-half month is three first-half months.
        assert_allclose(monthly["Ann"].iloc[6], 3 * monthly["Ann"].iloc[0], atol=0.02)


# ----------------------------------------------------------------------------
# business_plan
# ----------------------------------------------------------------------------


FUNNEL = {"calls": 0.1, "meetings": 0.5}


class TestBusinessPlan:
    def test_hand_worked_plan(self):
        # 1.2m a year = 100k a month; 3x = 300k pipeline = 6 deals of 50k a month;
        # 6 opportunities need 12 meetings, which need 120 calls.
        plan = business_plan(
            1_200_000,
            fy_start=FY,
            average_deal=50_000,
            win_rate=0.4,
            cycle_months=2,
            funnel=FUNNEL,
        )
        assert plan.quota == 1_200_000.0
        assert plan.pipeline == 3_600_000.0
        assert plan.coverage_needed == 2.5
        assert plan.coverage_ok
        expected = pd.DataFrame(
            {
                "conversion": [0.1, 0.5, 0.4],
                "per_week": np.array([28, 3, 2], dtype=np.int64),
                "per_month": np.array([120, 12, 6], dtype=np.int64),
                "per_year": np.array([1440, 144, 72], dtype=np.int64),
                "per_week_exact": [1440 / 52, 144 / 52, 72 / 52],
                "per_month_exact": [120.0, 12.0, 6.0],
                "per_year_exact": [1440.0, 144.0, 72.0],
            },
            index=pd.Index(["calls", "meetings", "opportunities"], name="stage"),
        )
        pd.testing.assert_frame_equal(plan.funnel, expected)
        monthly = plan.monthly
        assert list(monthly.columns) == [
            "quota", "pipeline", "enter_by", "calls", "meetings", "opportunities",
            "calls_exact", "meetings_exact", "opportunities_exact",
        ]  # fmt: skip
        assert (monthly["pipeline"] == 300_000.0).all()
        assert (monthly["calls"] == 120).all()
        assert monthly["enter_by"].iloc[0] == pd.Period("2025-11", "M")
        assert monthly["enter_by"].iloc[-1] == pd.Period("2026-10", "M")

    def test_seasonal_quota_and_pipeline_timing(self):
        quota = goals_from([100_000.0, 200_000.0, 50_000.0], fy_start="2026-04")
        plan = business_plan(
            quota,
            average_deal=25_000,
            win_rate=0.5,
            cycle_months=1,
            funnel={"demos": 0.25},
            coverage=2.0,
        )
        monthly = plan.monthly
        assert monthly.index.name == "month"
        assert_allclose(monthly["pipeline"], [200_000, 400_000, 100_000])
        assert monthly["opportunities"].tolist() == [8, 16, 4]
        assert monthly["demos"].tolist() == [32, 64, 16]
        assert [str(m) for m in monthly["enter_by"]] == ["2026-03", "2026-04", "2026-05"]
        assert plan.quota == 350_000.0

    def test_counts_rounded_up_without_floating_point_dust(self):
        # 3 x 90k / 25k = 10.8 opportunities -> 11; 10.8 / 0.6 = 18 meetings exactly,
        # though the float is 18.000000000000004: it must not become 19.
        quota = goals_from([90_000.0])
        plan = business_plan(
            quota, average_deal=25_000, win_rate=0.5, cycle_months=0,
            funnel={"calls": 0.15, "meetings": 0.6},
        )  # fmt: skip
        row = plan.monthly.iloc[0]
        assert row["opportunities"] == 11
        assert_allclose(row["opportunities_exact"], 10.8)
        assert row["meetings"] == 18
        assert row["calls"] == 120
        assert row["enter_by"] == pd.Period(FY, "M")

    def test_fractional_cycle_rounds_up(self):
        plan = business_plan(
            goals_from([1.0]), average_deal=1, win_rate=1, cycle_months=1.5, funnel={}
        )
        assert plan.monthly["enter_by"].iloc[0] == pd.Period("2025-11", "M")
        assert plan.funnel.index.tolist() == ["opportunities"]

    def test_coverage_short_of_the_win_rate(self):
        plan = business_plan(
            1_000, fy_start=FY, average_deal=10, win_rate=0.25, cycle_months=3, funnel=FUNNEL
        )
        assert plan.coverage_needed == 4.0
        assert not plan.coverage_ok

    @pytest.mark.parametrize("ratio", [0.0, -0.2, 1.5, math.nan])
    def test_conversion_ratio_outside_zero_to_one(self, ratio):
        with pytest.raises(ValueError, match=r"funnel \(meetings\)"):
            business_plan(
                1_000, fy_start=FY, average_deal=10, win_rate=0.3, cycle_months=3,
                funnel={"calls": 0.1, "meetings": ratio},
            )  # fmt: skip

    @pytest.mark.parametrize("rate", [0.0, 1.2, -0.5])
    def test_win_rate_outside_zero_to_one(self, rate):
        with pytest.raises(ValueError, match="win_rate: must be above 0 and at most 1"):
            business_plan(
                1_000, fy_start=FY, average_deal=10, win_rate=rate, cycle_months=3,
                funnel=FUNNEL,
            )  # fmt: skip

    def test_other_bad_input(self):
        args = {"average_deal": 10, "win_rate": 0.3, "cycle_months": 3, "funnel": FUNNEL}
        with pytest.raises(ValueError, match="average_deal: must be above 0"):
            business_plan(1_000, fy_start=FY, **{**args, "average_deal": 0})
        with pytest.raises(ValueError, match="coverage: must be above 0"):
            business_plan(1_000, fy_start=FY, coverage=0, **args)
        with pytest.raises(ValueError, match="cycle_months: must be 0 or more"):
            business_plan(1_000, fy_start=FY, **{**args, "cycle_months": -1})
        with pytest.raises(ValueError, match="fy_start: needed"):
            business_plan(1_000, **args)
        with pytest.raises(ValueError, match="quota: must be 0 or more"):
            business_plan(-1_000, fy_start=FY, **args)
        with pytest.raises(ValueError, match="quota: month 2026-02 must be 0 or more"):
            business_plan(goals_from([1.0, -1.0]), **args)
        with pytest.raises(ValueError, match="quota: no months given"):
            business_plan(goals_from([]), **args)
        with pytest.raises(ValueError, match="'opportunities' cannot name a stage"):
            business_plan(1_000, fy_start=FY, **{**args, "funnel": {"opportunities": 0.5}})
        with pytest.raises(ValueError, match="each stage must be a"):
            business_plan(1_000, fy_start=FY, **{**args, "funnel": ["calls"]})

    def test_funnel_as_pairs(self):
        args = {"fy_start": FY, "average_deal": 50_000, "win_rate": 0.4, "cycle_months": 2}
        by_pairs = business_plan(1_200_000, funnel=[("calls", 0.1), ("meetings", 0.5)], **args)
        by_mapping = business_plan(1_200_000, funnel=FUNNEL, **args)
        pd.testing.assert_frame_equal(by_pairs.funnel, by_mapping.funnel)

    @settings(max_examples=50, deadline=None)
    @given(
        low=st.floats(min_value=0.1, max_value=10),
        high=st.floats(min_value=0.1, max_value=10),
        quota=st.floats(min_value=0, max_value=1e8),
        deal=st.floats(min_value=1, max_value=1e6),
    )
    def test_more_coverage_never_needs_less_pipeline(self, low, high, quota, deal):
        low, high = sorted((low, high))
        args = {"fy_start": FY, "average_deal": deal, "win_rate": 0.3, "cycle_months": 2}
        less = business_plan(quota, coverage=low, funnel=FUNNEL, **args)
        more = business_plan(quota, coverage=high, funnel=FUNNEL, **args)
        assert more.pipeline >= less.pipeline
        assert (more.monthly["pipeline"] >= less.monthly["pipeline"]).all()
        assert (more.funnel["per_year"] >= less.funnel["per_year"]).all()
        assert (more.monthly["calls"] >= less.monthly["calls"]).all()


# ----------------------------------------------------------------------------
# objectives
# ----------------------------------------------------------------------------


class TestObjectives:
    def test_flat_year_and_the_next_six_months(self):
        later = objectives(flat_goals(1_200_000), growth=0.1)
        assert len(later) == 18
        assert later.name == "objective"
        assert later.index[0] == pd.Period(FY, "M")
        assert later.index[-1] == pd.Period("2027-06", "M")
        assert later.tolist() == [100_000.0] * 12 + [110_000.0] * 6

    def test_five_quarters_and_more(self):
        quarters = quarterly_goals(objectives(flat_goals(1_200_000), growth=0.1))
        assert quarters.index.tolist() == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]
        assert quarters.tolist() == [300_000.0] * 4 + [330_000.0] * 2

    def test_same_calendar_month_grown_and_rounded_to_the_cent(self):
        goals = flat_goals(1_000_000, fy_start="2026-04")
        later = objectives(goals, growth=0.1, months=30)
        assert later.iloc[12] == 91_666.67  # April 83,333.34 x 1.1 = 91,666.674
        assert later.iloc[16] == 91_666.66  # August 83,333.33 x 1.1 = 91,666.663
        assert later.iloc[24] == 100_833.34  # April x 1.1^2 = 100,833.3414
        assert later.index[12] == pd.Period("2027-04", "M")

    def test_seasonal_year_repeats(self):
        goals = goals_from([10.0, 20.0, 30.0] * 4)
        later = objectives(goals, growth=-0.5, months=15)
        assert later.iloc[12:].tolist() == [5.0, 10.0, 15.0]

    def test_bad_input(self):
        goals = flat_goals(1_200)
        with pytest.raises(ValueError, match="growth: must be above -100%"):
            objectives(goals, growth=-1.5)
        with pytest.raises(ValueError, match="months: must be a whole number of 1 or more"):
            objectives(goals, growth=0.1, months=0)
        with pytest.raises(ValueError, match="months: must be a whole number"):
            objectives(goals, growth=0.1, months=18.5)
        with pytest.raises(ValueError, match="monthly_goals: must hold the 12 months"):
            objectives(goals.iloc[:6], growth=0.1)


class TestPartYearActivity:
    """A rep carrying quota for part of the year does the year's work in those months."""

    def funnel(self):
        return {"calls": 0.1, "meetings": 0.5}

    def test_six_months_of_quota(self):
        months = pd.period_range("2026-01", periods=12, freq="M", name="month")
        quota = pd.Series([100_000.0] * 6 + [0.0] * 6, index=months)
        plan = business_plan(
            quota, average_deal=50_000, win_rate=0.4, cycle_months=2, funnel=self.funnel()
        )
        # pipeline 3 x 600,000 = 1,800,000 -> 36 opportunities -> 72 meetings -> 720 calls
        assert plan.active_months == 6
        assert plan.funnel.loc["calls", "per_year_exact"] == pytest.approx(720.0)
        assert plan.funnel.loc["calls", "per_month_exact"] == pytest.approx(120.0)  # 720 / 6
        # a week: 720 / (6 x 52 / 12 = 26 weeks) = 27.69 -> 28
        assert plan.funnel.loc["calls", "per_week_exact"] == pytest.approx(720 / 26)
        assert plan.funnel.loc["calls", "per_week"] == 28

    def test_a_full_year_is_unchanged(self):
        plan = business_plan(
            1_200_000,
            fy_start="2026-01",
            average_deal=50_000,
            win_rate=0.4,
            cycle_months=2,
            funnel=self.funnel(),
        )
        assert plan.active_months == 12
        assert plan.funnel["per_month"].tolist() == [120, 12, 6]
        assert plan.funnel["per_week"].tolist() == [28, 3, 2]

    def test_no_quota_no_activity(self):
        months = pd.period_range("2026-01", periods=12, freq="M", name="month")
        plan = business_plan(
            pd.Series(0.0, index=months),
            average_deal=50_000,
            win_rate=0.4,
            cycle_months=2,
            funnel=self.funnel(),
        )
        assert plan.active_months == 0
        assert plan.funnel["per_month"].tolist() == [0, 0, 0]

    @settings(max_examples=50, deadline=None)
    @given(st.lists(st.sampled_from([0.0, 50_000.0, 120_000.0]), min_size=12, max_size=12))
    def test_months_times_average_is_the_year(self, values):
        months = pd.period_range("2026-01", periods=12, freq="M", name="month")
        plan = business_plan(
            pd.Series(values, index=months),
            average_deal=25_000,
            win_rate=0.3,
            cycle_months=3,
            funnel=self.funnel(),
        )
        f = plan.funnel
        assert_allclose(
            f["per_month_exact"] * max(plan.active_months, 1), f["per_year_exact"], rtol=1e-12
        )


# ----------------------------------------------------------------------------
# The revenue plan beside the goal
# ----------------------------------------------------------------------------


def revenue_table(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["month", "stream", "revenue"])


class TestRevenuePlan:
    def test_totals_add_the_streams_of_each_month(self):
        table = revenue_table(
            [("2026-04", "A", 100.10), ("2026-04", "B", 50.05), ("2026-06", "A", 7.0)]
        )
        totals = revenue_plan_totals(table, "2026-04", months=3)
        assert totals.index.tolist() == list(pd.period_range("2026-04", periods=3, freq="M"))
        assert totals.iloc[0] == 150.15
        assert math.isnan(totals.iloc[1])
        assert totals.iloc[2] == 7.0

    def test_the_revenue_plan_as_the_goal(self):
        months = pd.period_range("2026-04", periods=12, freq="M")
        rows = [(str(m), "A", 1_000.0 * (k + 1)) for k, m in enumerate(months)]
        rows += [(str(months[0]), "B", 0.5)]
        goals = goals_from_revenue_plan(revenue_table(rows), "2026-04")
        assert goals.name == "goal"
        assert goals.iloc[0] == 1_000.5
        assert goals.iloc[11] == 12_000.0
        assert goals.sum() == pytest.approx(78_000.5)  # 1,000 x (1 + ... + 12) + 0.5

    def test_a_goal_from_the_revenue_plan_needs_every_month(self):
        months = pd.period_range("2026-04", periods=11, freq="M")
        table = revenue_table([(str(m), "A", 10.0) for m in months])
        with pytest.raises(ValueError, match="no revenue for 2027-03"):
            goals_from_revenue_plan(table, "2026-04")
        empty = revenue_table(
            [(str(m), "A", 0.0) for m in pd.period_range("2026-04", periods=12, freq="M")]
        )
        with pytest.raises(ValueError, match="revenue is 0"):
            goals_from_revenue_plan(empty, "2026-04")

    def test_goal_and_revenue_plan_by_quarter(self):
        # Goal 100,000 a month; the plan 90,000 in Q1, 100,000 in Q2, 120,000 after.
        goals = flat_goals(1_200_000)
        plan = pd.Series([90_000.0] * 3 + [100_000.0] * 3 + [120_000.0] * 6, index=goals.index)
        table = goal_vs_revenue_plan(goals, plan)
        assert table.index.tolist() == ["Q1", "Q2", "Q3", "Q4", "Year"]
        assert table["goal"].tolist() == [300_000.0] * 4 + [1_200_000.0]
        assert table["revenue_plan"].tolist() == [
            270_000.0,
            300_000.0,
            360_000.0,
            360_000.0,
            1_290_000.0,
        ]
        assert table["difference"].tolist() == [-30_000.0, 0.0, 60_000.0, 60_000.0, 90_000.0]

    def test_a_quarter_the_revenue_plan_lacks(self):
        goals = flat_goals(1_200_000)
        plan = pd.Series(100_000.0, index=goals.index[:9])  # no Q4
        table = goal_vs_revenue_plan(goals, plan)
        assert table.loc["Q3", "difference"] == 0.0
        assert np.isnan(table.loc["Q4", "revenue_plan"])
        assert np.isnan(table.loc["Year", "difference"])

    @settings(max_examples=50, deadline=None)
    @given(amounts=REVENUE_PLAN_CENTS, start=st.integers(min_value=1, max_value=12))
    def test_the_goal_is_the_revenue_plan_month_by_month(self, amounts, start):
        first = pd.Period(f"2026-{start:02d}", "M")
        months = pd.period_range(first, periods=12, freq="M")
        rows = [
            (str(m), f"S{s}", cents_ / 100)
            for m, streams in zip(months, amounts, strict=True)
            for s, cents_ in enumerate(streams)
        ]
        goals = goals_from_revenue_plan(revenue_table(rows), first)
        assert_array_equal(cents(goals), [sum(streams) for streams in amounts])
        assert (
            goal_vs_revenue_plan(goals, revenue_plan_totals(revenue_table(rows), first))[
                "difference"
            ]
            == 0
        ).all()
