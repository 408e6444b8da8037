"""Tests of the hiring timeline (:mod:`salesnb.hiring`).

Most scenarios share one set of assumptions chosen so the arithmetic is easy to
follow by hand: a quota of 160,000 at 75% attainment is 10,000 of revenue per
rep and month; the ramp is 0, 0.25, 0.5, 0.75 (four months); the lead time is
two months; a hire costs 96,000 x 1.25 / 12 = 10,000 a month and 5,000 to
recruit. With the as-of month in January 2026, the earliest a new hire can be
fully ramped is July 2026 (January + 2 + 4).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose
from pandas.testing import assert_frame_equal, assert_series_equal
from strategies import JAN, hiring_scenarios, months, objective

from salesnb.hiring import (
    DRIVERS,
    HiringAssumptions,
    HiringPlan,
    Rep,
    bad_hire_cost,
    full_productivity,
    hiring_plan,
    monte_carlo,
    pro_forma_people,
    ramp_curve,
    required_headcount,
    sensitivity,
)


def assumptions(**changes) -> HiringAssumptions:
    base = {
        "annual_quota": 160_000.0,
        "attainment": 0.75,
        "salary": 96_000.0,
        "burden": 0.25,
        "lead_time_months": 2,
        "ramp_months": 4,
        "recruiting_cost_per_hire": 5_000.0,
    }
    return HiringAssumptions(**{**base, **changes})


def veteran(name: str) -> Rep:
    """A rep long since fully ramped."""
    return Rep(name, "AE", "2024-01", salary=90_000.0)


def periods(*texts) -> pd.arrays.PeriodArray:
    return pd.array(
        [pd.NaT if t is None else pd.Period(t, freq="M") for t in texts], dtype="period[M]"
    )


def schedule_frame(rows: list[dict]) -> pd.DataFrame:
    """The expected schedule, from rows given as text for readability."""
    return pd.DataFrame(
        {
            "name": [r["name"] for r in rows],
            "role": ["Sales rep"] * len(rows),
            "reason": [r["reason"] for r in rows],
            "month_needed": periods(*[r["needed"] for r in rows]),
            "open_req_by": periods(*[r["open_req"] for r in rows]),
            "opens": periods(*[r.get("opens", r["open_req"]) for r in rows]),
            "start_by": periods(*[r["start"] for r in rows]),
            "productive_by": periods(*[r["productive"] for r in rows]),
            "late": np.array([r["late"] for r in rows], dtype=bool),
            "months_late": np.array([r["months_late"] for r in rows], dtype=np.int64),
            "shortfall": np.array([r["shortfall"] for r in rows], dtype=float),
        }
    )


# ----------------------------------------------------------------------------
# Ramp, productivity, inputs
# ----------------------------------------------------------------------------


class TestRampCurve:
    def test_default_is_linear_over_ramp_months(self):
        assert ramp_curve() == (0.0, 0.25, 0.5, 0.75)
        assert_allclose(ramp_curve(ramp_months=3), [0.0, 1 / 3, 2 / 3])

    def test_zero_months_means_full_from_the_first_month(self):
        assert ramp_curve(ramp_months=0) == ()

    def test_given_curve_is_used_as_is(self):
        assert ramp_curve([0, 0.3, 0.7]) == (0.0, 0.3, 0.7)
        assert ramp_curve(np.array([0.1, 0.1, 0.6])) == (0.1, 0.1, 0.6)

    def test_given_curve_overrides_ramp_months(self):
        assert ramp_curve([0.5], ramp_months=6) == (0.5,)

    def test_trailing_full_months_are_not_ramp(self):
        assert ramp_curve([0, 0.25, 0.5, 0.75, 1.0]) == ramp_curve(ramp_months=4)
        assert ramp_curve([1.0, 1.0]) == ()

    @pytest.mark.parametrize("bad", [[0, 0.5, 0.4], [0, 1.5], [-0.1, 0.5], [0, float("nan")]])
    def test_fractions_outside_0_1_or_decreasing(self, bad):
        with pytest.raises(ValueError, match=r"ramp: fractions must be between 0 and 1 and never"):
            ramp_curve(bad)

    def test_message_shows_the_curve(self):
        with pytest.raises(ValueError, match=r"got \[0\.0, 0\.5, 0\.4\]"):
            ramp_curve([0, 0.5, 0.4])

    def test_ramp_that_is_not_a_list(self):
        with pytest.raises(ValueError, match="ramp: expected a list"):
            ramp_curve("0, 0.5")  # type: ignore[arg-type]

    @pytest.mark.parametrize("bad", [-1, 2.5, None, True])
    def test_ramp_months_must_be_a_whole_number(self, bad):
        with pytest.raises(ValueError, match="ramp_months: must be a whole number"):
            ramp_curve(ramp_months=bad)


class TestFullProductivity:
    def test_quota_over_twelve_times_attainment(self):
        assert_allclose(full_productivity(160_000, 0.75), 10_000.0)
        assert_allclose(full_productivity(1_200_000, 1.1), 110_000.0)

    @pytest.mark.parametrize("bad", [0, -0.5, float("nan")])
    def test_attainment_must_be_positive(self, bad):
        with pytest.raises(ValueError, match="attainment: must be more than 0"):
            full_productivity(160_000, bad)

    def test_quota_must_be_positive(self):
        with pytest.raises(ValueError, match="annual_quota: must be more than 0"):
            full_productivity(-1, 0.8)


class TestHiringAssumptions:
    def test_derived_figures(self):
        a = assumptions()
        assert_allclose(a.productivity, 10_000.0)
        assert a.curve == (0.0, 0.25, 0.5, 0.75)
        assert a.ramp_length == 4
        assert_allclose(a.monthly_cost, 10_000.0)

    def test_own_curve_is_kept_as_a_tuple(self):
        a = assumptions(ramp=[0, 0.5, 1.0])
        assert a.ramp == (0.0, 0.5, 1.0)
        assert a.curve == (0.0, 0.5)
        assert a.ramp_length == 2
        hash(a)

    def test_frozen(self):
        with pytest.raises(dataclasses.FrozenInstanceError):
            assumptions().attainment = 0.9  # type: ignore[misc]

    def test_negative_lead_time(self):
        with pytest.raises(ValueError, match="lead_time_months: must be a whole number of months"):
            assumptions(lead_time_months=-1)

    def test_decreasing_ramp(self):
        with pytest.raises(ValueError, match="ramp: fractions must be between 0 and 1"):
            assumptions(ramp=(0.0, 0.6, 0.3))

    @pytest.mark.parametrize("bad", [-0.1, 1.5])
    def test_attrition_outside_0_1(self, bad):
        with pytest.raises(ValueError, match="attrition_rate: must be an annual fraction"):
            assumptions(attrition_rate=bad)

    def test_attainment_zero(self):
        with pytest.raises(ValueError, match="attainment"):
            assumptions(attainment=0.0)

    @pytest.mark.parametrize(
        ("field", "value"),
        [("salary", -1.0), ("burden", -0.2), ("recruiting_cost_per_hire", -5.0), ("role", " ")],
    )
    def test_other_fields(self, field, value):
        with pytest.raises(ValueError, match=f"^{field}: "):
            assumptions(**{field: value})


class TestRep:
    def test_months_are_read_from_text(self):
        rep = Rep("Ana", "AE", "2025-03", end="2026-06")
        assert rep.start == pd.Period("2025-03", freq="M")
        assert rep.end == pd.Period("2026-06", freq="M")
        assert Rep("Bo", "AE", pd.Timestamp("2025-03-17")).start == pd.Period("2025-03", "M")

    def test_staying_rep_has_no_end(self):
        assert Rep("Ana", "AE", "2025-03").end is None

    def test_end_before_start(self):
        with pytest.raises(ValueError, match=r"end of Ana: the last month employed cannot"):
            Rep("Ana", "AE", "2025-03", end="2025-01")

    def test_start_that_is_not_a_month(self):
        with pytest.raises(ValueError, match=r"start of Ana: expected a month"):
            Rep("Ana", "AE", "soon")

    def test_quarter_is_not_a_month(self):
        with pytest.raises(ValueError, match=r"start of Ana: expected a month"):
            Rep("Ana", "AE", pd.Period("2025Q1", freq="Q"))


class TestRequiredHeadcount:
    def test_ceiling_of_objective_over_productivity(self):
        result = required_headcount(objective([0, 1, 100_000, 100_001, 250_000]), 100_000.0)
        expected = pd.Series([0, 1, 1, 2, 3], index=months(5), name="required", dtype=np.int64)
        assert_series_equal(result, expected)

    def test_float_noise_does_not_add_a_rep(self):
        # 0.3 / 0.1 is 2.9999999999999996 and 0.7 / 0.1 is 6.999999999999999 in floats.
        assert required_headcount(objective([300_000]), 100_000.0).tolist() == [3]
        assert required_headcount(objective([0.3, 0.7, 0.1 + 0.2]), 0.1).tolist() == [3, 7, 3]

    def test_month_missing(self):
        series = pd.Series([1.0, 2.0], index=pd.PeriodIndex(["2026-01", "2026-03"], freq="M"))
        with pytest.raises(ValueError, match=r"objective: months must be consecutive.*missing"):
            required_headcount(series, 1.0)

    def test_months_out_of_order(self):
        series = pd.Series([1.0, 2.0], index=pd.PeriodIndex(["2026-02", "2026-01"], freq="M"))
        with pytest.raises(
            ValueError, match=r"objective: months must be consecutive.*out of order"
        ):
            required_headcount(series, 1.0)

    def test_month_repeated(self):
        series = pd.Series([1.0, 2.0], index=pd.PeriodIndex(["2026-01", "2026-01"], freq="M"))
        with pytest.raises(ValueError, match="objective: months must be consecutive"):
            required_headcount(series, 1.0)

    def test_quarters_are_not_months(self):
        series = pd.Series([1.0], index=pd.period_range("2026Q1", periods=1, freq="Q"))
        with pytest.raises(ValueError, match="objective: the index must be monthly"):
            required_headcount(series, 1.0)

    def test_index_of_text_months_is_accepted(self):
        series = pd.Series([5.0, 15.0], index=["2026-01", "2026-02"])
        assert required_headcount(series, 10.0).tolist() == [1, 2]

    @pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
    def test_amounts_must_be_zero_or_more(self, bad):
        with pytest.raises(ValueError, match=r"objective: every month needs an amount .* 2026-02"):
            required_headcount(objective([1.0, bad]), 1.0)

    def test_empty(self):
        with pytest.raises(ValueError, match="objective: must cover at least one month"):
            required_headcount(pd.Series([], dtype=float), 1.0)

    def test_productivity_must_be_positive(self):
        with pytest.raises(ValueError, match="productivity: must be more than 0"):
            required_headcount(objective([1.0]), 0.0)


# ----------------------------------------------------------------------------
# The plan
# ----------------------------------------------------------------------------


class TestHiringPlan:
    def test_on_time_hire(self):
        # Two reps carry 20,000 until September; from October 30,000 needs a third,
        # fully ramped by October: start June, requisition April.
        plan = hiring_plan(
            objective([20_000] * 9 + [30_000] * 3),
            [veteran("Ana"), veteran("Ben")],
            assumptions(),
            "2026-01",
        )
        expected = schedule_frame(
            [
                {
                    "name": "Hire 1",
                    "reason": "growth",
                    "needed": "2026-10",
                    "open_req": "2026-04",
                    "start": "2026-06",
                    "productive": "2026-10",
                    "late": False,
                    "months_late": 0,
                    "shortfall": 0.0,
                }
            ]
        )
        assert_frame_equal(plan.schedule, expected)

        capacity = [20_000.0] * 6 + [22_500.0, 25_000.0, 27_500.0] + [30_000.0] * 3
        expected_capacity = pd.DataFrame(
            {
                "objective": [20_000.0] * 9 + [30_000.0] * 3,
                "required": np.array([2] * 9 + [3] * 3, dtype=np.int64),
                "counted": np.array([2] * 9 + [3] * 3, dtype=float),  # full-productivity reps
                "headcount": np.array([2] * 5 + [3] * 7, dtype=np.int64),
                "expected_departures": [0.0] * 12,
                "capacity": capacity,
                # the hire alone: 0 in its first month, then a quarter more each month
                "hires_capacity": [0.0] * 6 + [2_500.0, 5_000.0, 7_500.0] + [10_000.0] * 3,
                "gap": [0.0] * 6 + [-2_500.0, -5_000.0, -7_500.0] + [0.0] * 3,
            },
            index=months(),
        )
        assert_frame_equal(plan.capacity, expected_capacity)
        assert plan.hires == 1
        assert plan.late_hires == 0
        assert plan.shortfall == 0.0

    def test_costs_of_an_on_time_hire(self):
        plan = hiring_plan(
            objective([20_000] * 9 + [30_000] * 3),
            [veteran("Ana"), veteran("Ben")],
            assumptions(),
            "2026-01",
        )
        people = [0.0] * 5 + [10_000.0] * 7
        recruiting = [0.0] * 5 + [5_000.0] + [0.0] * 6
        expected = pd.DataFrame(
            {"people": people, "recruiting": recruiting, "total": np.add(people, recruiting)},
            index=months(),
        )
        assert_frame_equal(plan.costs, expected)
        assert_allclose(plan.total_cost, 75_000.0)

    def test_people_and_headcount_for_the_org_chart(self):
        plan = hiring_plan(
            objective([20_000] * 9 + [30_000] * 3),
            [veteran("Ana"), veteran("Ben")],
            assumptions(),
            "2026-01",
        )
        people = plan.people
        assert list(people.columns) == [
            "name", "role", "planned", "reason", "open_req_by", "start",
            "productive_by", "end", "salary", "burden",
        ]  # fmt: skip
        assert people["name"].tolist() == ["Ana", "Ben", "Hire 1"]
        assert people["planned"].tolist() == [False, False, True]
        assert people["reason"].tolist() == ["existing", "existing", "growth"]
        assert_series_equal(
            people["productive_by"],
            pd.Series(periods("2024-05", "2024-05", "2026-10"), name="productive_by"),
        )
        assert people["end"].isna().all()
        assert people["open_req_by"].isna().tolist() == [True, True, False]
        expected = pd.DataFrame(
            {"AE": [2] * 12, "Sales rep": [0] * 5 + [1] * 7},
            index=months(),
            columns=pd.Index(["AE", "Sales rep"], name="role"),
            dtype=np.int64,
        )
        assert_frame_equal(plan.headcount, expected)

    def test_late_hire_and_its_shortfall(self):
        # From March two reps are needed. Fully ramped by March means starting in
        # November 2025 with a requisition in September: too late. The schedule keeps
        # September 2025 as the month the requisition was due and adds January, the
        # month it can open; the hire starts in March and is fully ramped in July. It was meant to bring in 10,000 a month from March; it brings
        # 0, 2,500, 5,000, 7,500 in March-June: a shortfall of
        # 10,000 + 7,500 + 5,000 + 2,500 = 25,000.
        plan = hiring_plan(
            objective([10_000] * 2 + [20_000] * 10), [veteran("Ana")], assumptions(), "2026-01"
        )
        expected = schedule_frame(
            [
                {
                    "name": "Hire 1",
                    "reason": "growth",
                    "needed": "2026-03",
                    "open_req": "2025-09",
                    "opens": "2026-01",
                    "start": "2026-03",
                    "productive": "2026-07",
                    "late": True,
                    "months_late": 4,
                    "shortfall": 25_000.0,
                }
            ]
        )
        assert_frame_equal(plan.schedule, expected)
        cap = plan.capacity
        assert_allclose(cap["gap"].to_numpy()[2:7], [10_000.0, 7_500.0, 5_000.0, 2_500.0, 0.0])
        # The shortfall is exactly the gap it leaves open.
        assert_allclose(cap["gap"].clip(lower=0).sum(), plan.shortfall)
        assert cap["counted"].tolist() == [1] * 6 + [2] * 6
        assert plan.late_hires == 1
        # The org chart draws the search from the month it can open.
        hire = plan.people[plan.people["planned"]].iloc[0]
        assert (hire["open_req_by"], hire["start"]) == (JAN, JAN + 2)

    def test_late_hire_shortfall_with_attainment_and_lead_time(self):
        # Attainment 0.5 on a 240,000 quota: 10,000 a month. As of March, lead time
        # 1, ramp 0, 0.5: the earliest fully ramped month is June (March + 1 + 2).
        # Needed from April: due in January (April - 2 - 1), opens in March, starts
        # April, fully ramped June; shortfall April 10,000 x (1 - 0) + May 10,000 x
        # (1 - 0.5) = 15,000.
        a = assumptions(annual_quota=240_000.0, attainment=0.5, lead_time_months=1, ramp=(0, 0.5))
        plan = hiring_plan(objective([0, 0, 0, 10_000, 10_000, 10_000]), [], a, "2026-03")
        row = plan.schedule.iloc[0]
        assert (row["start_by"], row["productive_by"]) == (JAN + 3, JAN + 5)
        assert (row["open_req_by"], row["opens"]) == (JAN, JAN + 2)
        assert row["late"]
        assert_allclose(row["shortfall"], 15_000.0)

    def test_several_hires_in_one_month(self):
        plan = hiring_plan(
            objective([10_000] * 9 + [40_000] * 3), [veteran("Ana")], assumptions(), "2026-01"
        )
        sched = plan.schedule
        assert sched["name"].tolist() == ["Hire 1", "Hire 2", "Hire 3"]
        assert (sched["month_needed"] == JAN + 9).all()
        assert (sched["start_by"] == JAN + 5).all()
        assert (sched["open_req_by"] == JAN + 3).all()
        assert not sched["late"].any()
        capacity = plan.capacity["capacity"].to_numpy()
        # In July the three hires are in their second month: 3 x 2,500 on top of Ana.
        assert_allclose(capacity[6:10], [17_500.0, 25_000.0, 32_500.0, 40_000.0])
        assert plan.capacity["headcount"].tolist() == [1] * 5 + [4] * 7

    def test_rep_still_ramping_counts_once_ramped(self):
        # Bo started in December 2025: tenure month 1 in January (0.25), fully
        # ramped from April. He fills the second slot before any hire could, so
        # none is planned.
        plan = hiring_plan(
            objective([20_000] * 12),
            [veteran("Ana"), Rep("Bo", "AE", "2025-12")],
            assumptions(),
            "2026-01",
        )
        assert plan.hires == 0
        assert plan.capacity["counted"].tolist() == [1, 1, 1] + [2] * 9
        assert_allclose(
            plan.capacity["capacity"].to_numpy()[:5],
            [12_500.0, 15_000.0, 17_500.0, 20_000.0, 20_000.0],
        )
        assert plan.capacity["headcount"].tolist() == [2] * 12

    def test_ramping_rep_and_a_late_hire(self):
        # Three reps needed; Ana counts, Bo from April. Only the third slot is still
        # open when a new hire could be ramped (July): one late hire, needed from
        # January, starting March. Shortfall: January, February and March in full,
        # then 0.75, 0.5, 0.25 of 10,000 = 45,000.
        plan = hiring_plan(
            objective([30_000] * 12),
            [veteran("Ana"), Rep("Bo", "AE", "2025-12")],
            assumptions(),
            "2026-01",
        )
        assert plan.hires == 1
        row = plan.schedule.iloc[0]
        assert (row["month_needed"], row["start_by"], row["productive_by"]) == (
            JAN,
            JAN + 2,
            JAN + 6,
        )
        assert_allclose(row["shortfall"], 45_000.0)
        assert plan.capacity["counted"].tolist() == [1, 1, 1, 2, 2, 2] + [3] * 6

    def test_rep_with_a_future_start(self):
        # An offer already accepted: Cy starts in March and is ramped by July, the
        # earliest month a new hire could be, so no hire is planned.
        plan = hiring_plan(
            objective([20_000] * 12),
            [veteran("Ana"), Rep("Cy", "AE", "2026-03")],
            assumptions(),
            "2026-01",
        )
        assert plan.hires == 0
        assert plan.capacity["headcount"].tolist() == [1, 1] + [2] * 10

    def test_known_departure_is_backfilled(self):
        # Lee's last month is August: a backfill is needed from September, fully
        # ramped by then: start May, requisition March.
        plan = hiring_plan(
            objective([20_000] * 12),
            [veteran("Ana"), Rep("Lee", "AE", "2024-01", end="2026-08")],
            assumptions(),
            "2026-01",
        )
        expected = schedule_frame(
            [
                {
                    "name": "Hire 1",
                    "reason": "backfill",
                    "needed": "2026-09",
                    "open_req": "2026-03",
                    "start": "2026-05",
                    "productive": "2026-09",
                    "late": False,
                    "months_late": 0,
                    "shortfall": 0.0,
                }
            ]
        )
        assert_frame_equal(plan.schedule, expected)
        cap = plan.capacity
        assert cap["counted"].tolist() == [2] * 12
        assert cap["headcount"].tolist() == [2] * 4 + [3] * 4 + [2] * 4
        assert_allclose(cap["capacity"].to_numpy()[4:9], [20_000, 22_500, 25_000, 27_500, 20_000])
        lee = plan.people.set_index("name").loc["Lee"]
        assert lee["end"] == JAN + 7

    def test_departed_rep_left_out_of_the_org_chart(self):
        plan = hiring_plan(
            objective([0] * 12),
            [veteran("Ana"), Rep("Old", "AE", "2020-01", end="2025-06")],
            assumptions(),
            "2026-01",
        )
        assert plan.people["name"].tolist() == ["Ana"]

    def test_attrition_backfill(self):
        # Ten reps, 12% a year: 10 x 0.01 = 0.1 expected departures a month. By
        # November they add up to 1: one fewer rep counts, and a backfill fully
        # ramped by November is planned (start July, requisition May).
        plan = hiring_plan(
            objective([100_000] * 18),
            [veteran(f"R{k}") for k in range(10)],
            assumptions(attrition_rate=0.12),
            "2026-01",
        )
        expected = schedule_frame(
            [
                {
                    "name": "Hire 1",
                    "reason": "backfill",
                    "needed": "2026-11",
                    "open_req": "2026-05",
                    "start": "2026-07",
                    "productive": "2026-11",
                    "late": False,
                    "months_late": 0,
                    "shortfall": 0.0,
                }
            ]
        )
        assert_frame_equal(plan.schedule, expected)
        cap = plan.capacity
        assert_allclose(cap["expected_departures"], 0.1 * np.arange(18), atol=1e-12)
        assert cap["counted"].tolist() == [10] * 18
        assert cap["headcount"].tolist() == [10] * 6 + [11] * 12
        # Capacity: 10,000 x (sum of ramp fractions - expected departures).
        expected_capacity = [10_000 * (10 - 0.1 * i) for i in range(6)]
        expected_capacity += [94_000.0, 95_500.0, 97_000.0, 98_500.0]
        expected_capacity += [10_000 * (11 - 0.1 * i) for i in range(10, 18)]
        assert_allclose(cap["capacity"], expected_capacity)

    def test_attrition_counts_from_the_as_of_month(self):
        plan = hiring_plan(
            objective([100_000] * 18),
            [veteran(f"R{k}") for k in range(10)],
            assumptions(attrition_rate=0.12),
            "2026-03",
        )
        expected = 0.1 * np.maximum(0, np.arange(18) - 2)
        assert_allclose(plan.capacity["expected_departures"], expected, atol=1e-12)
        assert plan.schedule["month_needed"].tolist() == [pd.Period("2027-01", "M")]
        assert plan.schedule["start_by"].tolist() == [pd.Period("2026-09", "M")]

    def test_attrition_never_takes_more_reps_than_are_left(self):
        plan = hiring_plan(
            objective([10_000] * 18),
            [veteran("Ana"), *[Rep(f"L{k}", "AE", "2024-01", end="2026-02") for k in range(5)]],
            assumptions(attrition_rate=1.0),
            "2026-01",
        )
        cap = plan.capacity
        late_enough = cap.index >= JAN + 6
        assert (cap.loc[late_enough, "counted"] >= cap.loc[late_enough, "required"]).all()
        assert (cap["counted"] >= 0).all()

    def test_planned_hire_counts_later(self):
        # A hire planned for April also carries the later months: one hire, not nine.
        plan = hiring_plan(objective([0] * 9 + [10_000] * 9), [], assumptions(), "2026-01")
        assert plan.hires == 1
        assert plan.schedule["month_needed"].tolist() == [JAN + 9]

    def test_no_objective_no_hires(self):
        plan = hiring_plan(objective([0] * 18), [veteran("Ana")], assumptions(), "2026-01")
        assert plan.hires == 0
        assert list(plan.schedule.columns) == [
            "name", "role", "reason", "month_needed", "open_req_by", "opens", "start_by",
            "productive_by", "late", "months_late", "shortfall",
        ]  # fmt: skip
        assert plan.total_cost == 0.0

    def test_costs_start_at_the_as_of_month_when_it_comes_first(self):
        # As of November 2025 for a horizon from January 2026: hires needed early in
        # the horizon start before it, and their costs are reported from November.
        a = assumptions(lead_time_months=1)
        plan = hiring_plan(objective([0, 0, 0, 10_000]), [], a, "2025-11")
        assert plan.costs.index[0] == pd.Period("2025-11", "M")
        assert plan.costs.index.name == "month"
        row = plan.schedule.iloc[0]
        assert row["start_by"] == pd.Period("2025-12", "M")
        assert row["open_req_by"] == pd.Period("2025-11", "M")
        assert not row["late"]
        assert plan.costs["recruiting"].tolist() == [0.0, 5_000.0, 0.0, 0.0, 0.0, 0.0]

    def test_as_of_as_a_timestamp(self):
        a = hiring_plan(objective([20_000] * 12), [], assumptions(), pd.Timestamp("2026-01-15"))
        b = hiring_plan(objective([20_000] * 12), [], assumptions(), JAN)
        assert_frame_equal(a.schedule, b.schedule)
        assert a.as_of == JAN

    def test_objective_month_missing(self):
        series = pd.Series([1.0, 2.0], index=pd.PeriodIndex(["2026-01", "2026-03"], freq="M"))
        with pytest.raises(ValueError, match="objective: months must be consecutive"):
            hiring_plan(series, [], assumptions(), "2026-01")

    def test_objective_out_of_order(self):
        series = pd.Series([1.0, 2.0], index=pd.PeriodIndex(["2026-03", "2026-02"], freq="M"))
        with pytest.raises(ValueError, match="out of order"):
            hiring_plan(series, [], assumptions(), "2026-01")

    def test_bad_as_of(self):
        with pytest.raises(ValueError, match="as_of: expected a month"):
            hiring_plan(objective([1.0]), [], assumptions(), "next spring")

    def test_reps_must_be_reps(self):
        with pytest.raises(ValueError, match="reps: every entry must be a Rep"):
            hiring_plan(objective([1.0]), ["Ana"], assumptions(), "2026-01")  # type: ignore[list-item]

    def test_assumptions_must_be_assumptions(self):
        with pytest.raises(ValueError, match="assumptions: expected HiringAssumptions"):
            hiring_plan(objective([1.0]), [], {"attainment": 1.0}, "2026-01")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------


class TestHiringPlanProperties:
    # hiring_scenarios(own_quota=True) draws each rep's quota from OWN_QUOTAS, None (the
    # standard quota) among them: a property tested on it holds with and without quotas
    # of the reps' own.

    @settings(max_examples=50, deadline=None)
    @given(hiring_scenarios(own_quota=True))
    def test_no_hire_starts_after_it_is_needed_unless_late(self, scenario):
        obj, reps, a, as_of = scenario
        sched = hiring_plan(obj, reps, a, as_of).schedule
        on_time = ~sched["late"]
        assert ((sched["start_by"] <= sched["month_needed"]) | sched["late"]).all()
        assert (sched.loc[on_time, "productive_by"] == sched.loc[on_time, "month_needed"]).all()
        late = sched["late"]
        assert (sched["opens"] >= as_of).all()
        assert (late == (sched["open_req_by"] < as_of)).all()
        assert (sched.loc[late, "opens"] == as_of).all()
        assert (sched.loc[~late, "opens"] == sched.loc[~late, "open_req_by"]).all()
        due = sched["month_needed"] - a.ramp_length - a.lead_time_months
        assert (sched["open_req_by"] == due).all()
        assert (sched.loc[late, "start_by"] == as_of + a.lead_time_months).all()
        assert (sched.loc[sched["late"], "shortfall"] > 0).all()
        assert (sched.loc[on_time, "shortfall"] == 0).all()

    @settings(max_examples=50, deadline=None)
    @given(hiring_scenarios())
    def test_capacity_never_exceeds_headcount_at_full_productivity(self, scenario):
        obj, reps, a, as_of = scenario
        plan = hiring_plan(obj, reps, a, as_of)
        cap = plan.capacity
        ceiling = cap["headcount"] * a.productivity
        assert (cap["capacity"] <= ceiling * (1 + 1e-12) + 1e-9).all()
        assert (cap["capacity"] >= 0).all()

    @settings(max_examples=50, deadline=None)
    @given(hiring_scenarios(own_quota=True))
    def test_required_headcount_met_once_hires_can_be_on_time(self, scenario):
        obj, reps, a, as_of = scenario
        cap = hiring_plan(obj, reps, a, as_of).capacity
        reachable = cap.index >= as_of + a.lead_time_months + a.ramp_length
        # reps at their own quotas count in fractions of a rep: met to within rounding
        shortfall = cap.loc[reachable, "required"] - cap.loc[reachable, "counted"]
        assert (shortfall <= 1e-9).all()

    @settings(max_examples=50, deadline=None)
    @given(hiring_scenarios(zero_objective=True, own_quota=True))
    def test_zero_objective_no_hires(self, scenario):
        obj, reps, a, as_of = scenario
        plan = hiring_plan(obj, reps, a, as_of)
        assert plan.hires == 0
        assert plan.total_cost == 0.0


# ----------------------------------------------------------------------------
# Costs
# ----------------------------------------------------------------------------


class TestProFormaPeople:
    def plan(self) -> HiringPlan:
        return hiring_plan(
            objective([20_000] * 9 + [30_000] * 3),
            [veteran("Ana"), veteran("Ben")],
            assumptions(),
            "2026-01",
        )

    def test_salary_and_burden_by_month_on_the_named_line(self):
        result = pro_forma_people(self.plan(), line="Sales salaries")
        expected = pd.DataFrame({"Sales salaries": [0.0] * 5 + [10_000.0] * 7}, index=months())
        assert_frame_equal(result, expected)

    def test_default_line_is_the_role(self):
        assert list(pro_forma_people(self.plan()).columns) == ["Sales rep"]

    def test_recruiting_as_its_own_line_or_added(self):
        both = pro_forma_people(self.plan(), line="Sales", recruiting_line="Recruiting")
        assert both["Recruiting"].tolist() == [0.0] * 5 + [5_000.0] + [0.0] * 6
        merged = pro_forma_people(self.plan(), line="Sales", recruiting_line="Sales")
        assert_allclose(merged["Sales"].sum(), 75_000.0)

    def test_reindexes_to_a_pro_forma_year(self):
        year = pd.period_range("2026-07", periods=12, freq="M", name="month")
        monthly = pro_forma_people(self.plan()).reindex(index=year, fill_value=0.0)
        assert monthly["Sales rep"].tolist() == [10_000.0] * 6 + [0.0] * 6

    def test_needs_a_plan(self):
        with pytest.raises(ValueError, match="plan: expected a HiringPlan"):
            pro_forma_people("plan")  # type: ignore[arg-type]


class TestBadHireCost:
    def test_four_times_what_was_paid(self):
        # 96,000 x 1.25 / 12 = 10,000 a month; six months paid 60,000; x 4.
        assert_allclose(bad_hire_cost(96_000, 0.25, 6), 240_000.0)

    def test_other_multiple(self):
        assert_allclose(bad_hire_cost(120_000, 0.0, 3, multiple=2.0), 60_000.0)

    def test_never_paid(self):
        assert bad_hire_cost(96_000, 0.25, 0) == 0.0

    def test_months_must_be_whole(self):
        with pytest.raises(ValueError, match="months_employed: must be a whole number"):
            bad_hire_cost(96_000, 0.25, -2)


# ----------------------------------------------------------------------------
# Sensitivity and simulation
# ----------------------------------------------------------------------------


class TestSensitivity:
    def test_lead_time_low_and_high_by_hand(self):
        # 20,000 a month needs two reps from January and none are on the roster.
        # Lead time 1: both start in February, ramped in June; each misses
        # 1 + 1 + 0.75 + 0.5 + 0.25 = 3.5 months: 2 x 35,000 = 70,000.
        # Lead time 3: start April, ramped August: 3 + 1 + 0.75 + 0.5 + 0.25 = 5.5
        # months each: 110,000.
        table = sensitivity(
            objective([20_000] * 12), [], assumptions(), "2026-01", {"lead_time_months": (1, 3)}
        )
        assert table["case"].tolist() == ["low", "high"]
        assert table["hires"].tolist() == [2, 2]
        assert table["late_hires"].tolist() == [2, 2]
        assert_allclose(table["shortfall"], [70_000.0, 110_000.0])
        # Base: lead time 2, start March: 4.5 months each, 90,000.
        assert_allclose(table["shortfall_change"], [-20_000.0, 20_000.0])
        assert table["hires_change"].tolist() == [0, 0]
        assert table["base_value"].tolist() == [2.0, 2.0]
        # Costs: 10,000 a month from the start to December, plus 5,000 a hire.
        assert_allclose(table["cost"], [2 * (11 * 10_000 + 5_000), 2 * (9 * 10_000 + 5_000)])
        # Base cost: from March, 2 x (10 x 10,000 + 5,000) = 210,000.
        assert_allclose(table["cost_change"], [20_000.0, -20_000.0])

    def test_matches_hiring_plan(self):
        obj, reps, a = objective([10_000 * k for k in range(18)]), [veteran("Ana")], assumptions()
        table = sensitivity(obj, reps, a, "2026-01", {"attainment": (0.6, 0.9)})
        for value, hires, shortfall, cost in table[
            ["value", "hires", "shortfall", "cost"]
        ].itertuples(index=False):
            plan = hiring_plan(obj, reps, dataclasses.replace(a, attainment=value), "2026-01")
            assert hires == plan.hires
            assert_allclose(shortfall, plan.shortfall)
            assert_allclose(cost, plan.total_cost)

    def test_default_drivers(self):
        table = sensitivity(objective([30_000] * 18), [], assumptions(), "2026-01")
        assert list(table.columns) == [
            "driver", "case", "value", "base_value", "hires", "late_hires", "shortfall",
            "cost", "hires_change", "shortfall_change", "cost_change",
        ]  # fmt: skip
        assert table["driver"].tolist() == [d for d in DRIVERS for _ in range(2)]
        assert table["value"].tolist()[:4] == [2.0, 6.0, 1.0, 3.0]
        assert_allclose(table["value"].to_numpy()[4:], [0.6, 0.9, 0.0, 0.1])

    def test_longer_ramp_costs_more_shortfall(self):
        table = sensitivity(
            objective([30_000] * 18), [], assumptions(), "2026-01", {"ramp_months": (2, 6)}
        )
        low, high = table["shortfall"]
        assert low < high

    def test_unknown_driver(self):
        with pytest.raises(ValueError, match="changes: unknown driver 'quota'"):
            sensitivity(objective([1.0]), [], assumptions(), "2026-01", {"quota": (1, 2)})

    def test_bad_value_names_the_field(self):
        with pytest.raises(ValueError, match="lead_time_months: must be a whole number"):
            sensitivity(
                objective([1.0]), [], assumptions(), "2026-01", {"lead_time_months": (-1, 2)}
            )


class TestMonteCarlo:
    def test_same_seed_same_figures(self):
        args = (objective([30_000] * 18), [veteran("Ana")], assumptions(), "2026-01")
        a = monte_carlo(*args, runs=100, seed=7)
        b = monte_carlo(*args, runs=100, seed=7)
        c = monte_carlo(*args, runs=100, seed=8)
        assert_frame_equal(a.runs, b.runs)
        assert not a.runs.equals(c.runs)

    def test_no_spread_repeats_the_plan(self):
        obj, reps, a = objective([30_000] * 18), [veteran("Ana")], assumptions(attrition_rate=0.2)
        plan = hiring_plan(obj, reps, a, "2026-01")
        spreads = dict.fromkeys(DRIVERS, 0.0)
        mc = monte_carlo(obj, reps, a, "2026-01", runs=20, spreads=spreads)
        assert (mc.runs["hires"] == plan.hires).all()
        assert_allclose(mc.runs["shortfall"], plan.shortfall)
        assert_allclose(mc.summary["cost"], plan.total_cost)

    def test_summary_is_p10_p50_p90(self):
        mc = monte_carlo(objective([30_000] * 18), [], assumptions(), "2026-01", runs=200)
        assert mc.summary.index.tolist() == ["p10", "p50", "p90"]
        assert mc.summary.columns.tolist() == ["hires", "late_hires", "shortfall", "cost"]
        assert_allclose(mc.summary["shortfall"], np.percentile(mc.runs["shortfall"], [10, 50, 90]))
        assert mc.summary["hires"].is_monotonic_increasing
        assert len(mc.runs) == 200

    def test_draws_stay_in_range(self):
        spreads = {"attainment": 2.0, "ramp_months": 5.0, "lead_time_months": 5.0,
                   "attrition_rate": 2.0}  # fmt: skip
        mc = monte_carlo(
            objective([30_000] * 6), [], assumptions(), "2026-01", runs=200, spreads=spreads
        )
        runs = mc.runs
        assert (runs["attainment"] > 0).all()
        assert (runs["ramp_months"] >= 0).all() and (runs["lead_time_months"] >= 0).all()
        assert runs["attrition_rate"].between(0, 1).all()
        assert np.isfinite(runs["shortfall"]).all()

    def test_bad_runs(self):
        with pytest.raises(ValueError, match="runs: must be a whole number of 1 or more"):
            monte_carlo(objective([1.0]), [], assumptions(), "2026-01", runs=0)

    def test_unknown_spread(self):
        with pytest.raises(ValueError, match="spreads: unknown driver 'objective'"):
            monte_carlo(objective([1.0]), [], assumptions(), "2026-01", spreads={"objective": 1})

    def test_negative_spread(self):
        with pytest.raises(ValueError, match=r"spreads \(attainment\): must be 0 or more"):
            monte_carlo(objective([1.0]), [], assumptions(), "2026-01", spreads={"attainment": -1})


def weight_employed(plan: HiringPlan, reps: list[Rep], standard_quota: float) -> pd.Series:
    """By month: the sum of the weights (own quota / standard) of the people employed."""
    quotas = {r.name: r.annual_quota for r in reps}
    total = pd.Series(0.0, index=plan.capacity.index)
    for person in plan.people.itertuples(index=False):
        quota = None if person.planned else quotas[person.name]
        employed = total.index >= person.start
        if not pd.isna(person.end):
            employed &= total.index <= person.end
        total[employed] += 1.0 if quota is None else quota / standard_quota
    return total


class TestRepsAtTheirOwnQuota:
    """A rep counts by own quota / the standard quota (160,000 here: P = 10,000 a month)."""

    def half(self, start: str = "2024-01", **changes) -> Rep:
        return Rep(
            "Inside", "Inside sales", start, salary=50_000.0, annual_quota=80_000.0, **changes
        )

    def test_a_half_quota_rep_counts_half(self):
        # Needed: 1 rep for January-June (10,000), 2 from July (20,000). Counted: 1 + 0.5.
        # July's gap is 2 - 1.5 = 0.5, so one hire, fully ramped by July (start March,
        # requisition January = the as-of month: on time).
        plan = hiring_plan(
            objective([10_000] * 6 + [20_000] * 6), [veteran("A"), self.half()], assumptions(), JAN
        )
        assert plan.hires == 1
        assert plan.late_hires == 0
        row = plan.schedule.iloc[0]
        assert (str(row["month_needed"]), str(row["start_by"])) == ("2026-07", "2026-03")
        assert_allclose(plan.capacity["counted"], [1.5] * 6 + [2.5] * 6)
        # January: (1 + 0.5) x 10,000 = 15,000.
        assert plan.capacity["capacity"].iloc[0] == pytest.approx(15_000.0)
        assert plan.capacity["headcount"].tolist() == [2] * 2 + [3] * 10  # people, not reps

    def test_two_half_quota_reps_make_one(self):
        # Two reps on half the quota cover the one rep January needs: no hire.
        halves = [self.half(), dataclasses.replace(self.half(), name="Inside 2")]
        plan = hiring_plan(objective([10_000] * 6), halves, assumptions(), JAN)
        assert plan.hires == 0
        assert_allclose(plan.capacity["counted"], [1.0] * 6)
        assert_allclose(plan.capacity["capacity"], [10_000.0] * 6)
        assert plan.capacity["headcount"].tolist() == [2] * 6

    def test_a_ramping_half_quota_rep_brings_half_as_much(self):
        # Starting in January on the 0, 0.25, 0.5, 0.75 ramp at half the quota:
        # 0.5 x 0.25 x 10,000 = 1,250 in February, 0.5 x 0.5 x 10,000 = 2,500 (0.25 P)
        # in March, ..., 5,000 once ramped in May, when she starts to count (as 0.5).
        plan = hiring_plan(objective([0] * 6), [self.half("2026-01")], assumptions(), JAN)
        assert_allclose(
            plan.capacity["capacity"], [0.0, 1_250.0, 2_500.0, 3_750.0, 5_000.0, 5_000.0]
        )
        assert_allclose(plan.capacity["counted"], [0.0] * 4 + [0.5] * 2)
        assert plan.capacity["headcount"].tolist() == [1] * 6

    def test_a_bigger_quota_covers_more(self):
        # 1 + 1.5 = 2.5 full reps cover July's need of 2: no hire; capacity 25,000.
        big = Rep("Senior", "AE", "2024-01", salary=120_000.0, annual_quota=240_000.0)
        plan = hiring_plan(
            objective([10_000] * 6 + [20_000] * 6), [veteran("A"), big], assumptions(), JAN
        )
        assert plan.hires == 0
        assert_allclose(plan.capacity["counted"], [2.5] * 12)
        assert plan.capacity["capacity"].iloc[-1] == pytest.approx(25_000.0)

    def test_a_bigger_quota_still_leaves_half_a_rep_to_hire(self):
        # 30,000 from July needs 3 reps; 2.5 count, so 0.5 short: one whole hire.
        big = Rep("Senior", "AE", "2024-01", salary=120_000.0, annual_quota=240_000.0)
        plan = hiring_plan(
            objective([10_000] * 6 + [30_000] * 6), [veteran("A"), big], assumptions(), JAN
        )
        assert plan.hires == 1
        assert plan.schedule["month_needed"].tolist() == [JAN + 6]
        assert_allclose(plan.capacity["counted"], [2.5] * 6 + [3.5] * 6)

    def test_float_noise_is_not_a_hire(self):
        # Ten reps on a tenth of the quota: 0.1 added ten times is 0.9999999999999999,
        # and one rep's worth of objective needs no hire.
        tenths = [Rep(f"T{k}", "SDR", "2024-01", annual_quota=16_000.0) for k in range(10)]
        plan = hiring_plan(objective([10_000] * 6), tenths, assumptions(), JAN)
        assert plan.hires == 0
        # A rep a hair under the quota leaves 5 - 0.9999999999 = 4.0000000001 to hire: 4.
        hair = Rep("H", "AE", "2024-01", annual_quota=160_000.0 * (1 - 1e-10))
        plan = hiring_plan(objective([0] * 6 + [50_000] * 6), [hair], assumptions(), JAN)
        assert plan.hires == 4

    def test_a_half_quota_rep_who_leaves_is_backfilled(self):
        # Two half-quota reps carry the one rep needed; one leaves at the end of
        # September, so from October 0.5 counts: one hire, labelled backfill.
        leaver = dataclasses.replace(self.half(end="2026-09"), name="Inside 2")
        plan = hiring_plan(objective([10_000] * 12), [self.half(), leaver], assumptions(), JAN)
        assert plan.hires == 1
        row = plan.schedule.iloc[0]
        assert (row["reason"], str(row["month_needed"]), str(row["start_by"])) == (
            "backfill", "2026-10", "2026-06",
        )  # fmt: skip
        assert_allclose(plan.capacity["counted"], [1.0] * 9 + [1.5] * 3)

    def test_attrition_on_weighted_reps(self):
        # Two reps on 1.5 times the quota count as three reps. At 40% a year each
        # full-productivity rep leaves at 1/30 a month: 3 / 30 = 0.1 a month. The
        # total reaches 1 in November: one backfill, ramped by then (start July).
        # The plan is that of three standard reps; only the people differ.
        a = assumptions(attrition_rate=0.4)
        seniors = [
            Rep(f"S{k}", "AE", "2024-01", salary=120_000.0, annual_quota=240_000.0)
            for k in range(2)
        ]
        plan = hiring_plan(objective([30_000] * 12), seniors, a, JAN)
        assert_allclose(plan.capacity["expected_departures"], [k / 10 for k in range(12)])
        assert plan.schedule[["reason", "month_needed", "start_by"]].to_numpy().tolist() == [
            ["backfill", JAN + 10, JAN + 6]
        ]
        assert_allclose(plan.capacity["counted"], [3.0] * 12)
        assert plan.capacity["headcount"].tolist() == [2] * 6 + [3] * 6
        standard = hiring_plan(objective([30_000] * 12), [veteran(n) for n in "ABC"], a, JAN)
        assert_frame_equal(plan.schedule, standard.schedule)
        assert_frame_equal(
            plan.capacity.drop(columns="headcount"), standard.capacity.drop(columns="headcount")
        )

    def test_attrition_that_takes_half_a_rep_keeps_it(self):
        # At 100% attrition a half-quota rep stays while two standard reps leave at the
        # end of March. The expected departures (0.625 by April: 2.5 x 3 / 12) reach 1
        # in January 2027 (0.5 / 12 a month); the half rep left can only lose 0.5,
        # which stays lost: nobody counts after that.
        leavers = [Rep(f"L{k}", "AE", "2024-01", end="2026-03") for k in range(2)]
        plan = hiring_plan(
            objective([0] * 18), [self.half(), *leavers], assumptions(attrition_rate=1.0), JAN
        )
        assert_allclose(plan.capacity["counted"], [2.5] * 3 + [0.5] * 9 + [0.0] * 6)
        assert_allclose(plan.capacity["expected_departures"].iloc[-6:], [0.5] * 6)
        assert_allclose(plan.capacity["capacity"].iloc[-6:], [0.0] * 6, atol=1e-6)

    def test_column_types(self):
        plan = hiring_plan(objective([15_000] * 6), [self.half()], assumptions(), JAN)
        dtypes = plan.capacity.dtypes
        assert dtypes["counted"] == np.float64
        assert dtypes["required"] == np.int64
        assert dtypes["headcount"] == np.int64

    @pytest.mark.parametrize("quota", [0.0, -5.0, float("nan"), float("inf"), True, "80k"])
    def test_a_quota_must_be_above_zero(self, quota):
        with pytest.raises(
            ValueError, match=r"annual_quota of X: must be an annual quota of more than 0"
        ):
            Rep("X", "AE", "2024-01", annual_quota=quota)

    def test_sensitivity_and_monte_carlo_count_by_quota(self):
        obj, a = objective([10_000] * 6 + [20_000] * 12), assumptions()
        reps = [veteran("A"), self.half()]
        plan = hiring_plan(obj, reps, a, JAN)
        table = sensitivity(obj, reps, a, JAN, {"lead_time_months": (2, 2)})
        assert table["hires"].tolist() == [plan.hires] * 2 == [1, 1]
        mc = monte_carlo(obj, reps, a, JAN, runs=5, spreads=dict.fromkeys(DRIVERS, 0.0))
        assert (mc.runs["hires"] == 1).all()

    @settings(max_examples=60, deadline=None)
    @given(hiring_scenarios())
    def test_the_standard_quota_changes_nothing(self, scenario):
        # Weight 1 is bit for bit the plan of reps without a quota of their own.
        obj, reps, a, as_of = scenario
        stated = [dataclasses.replace(r, annual_quota=a.annual_quota) for r in reps]
        plain, same = hiring_plan(obj, reps, a, as_of), hiring_plan(obj, stated, a, as_of)
        for name in ("schedule", "capacity", "people", "headcount", "costs"):
            assert_frame_equal(getattr(plain, name), getattr(same, name), check_exact=True)

    @settings(max_examples=40, deadline=None)
    @given(hiring_scenarios())
    def test_two_halves_make_a_rep(self, scenario):
        # Every rep split into two on half the quota: the same hires, in the same months.
        obj, reps, a, as_of = scenario
        halves = [
            dataclasses.replace(r, name=f"{r.name}{side}", annual_quota=a.annual_quota / 2)
            for r in reps
            for side in "ab"
        ]
        plan, split = hiring_plan(obj, reps, a, as_of), hiring_plan(obj, halves, a, as_of)
        columns = ["month_needed", "open_req_by", "start_by", "late", "shortfall"]
        assert_frame_equal(plan.schedule[columns], split.schedule[columns])
        columns = ["required", "counted", "expected_departures", "capacity"]
        assert_frame_equal(plan.capacity[columns], split.capacity[columns])

    @settings(max_examples=50, deadline=None)
    @given(hiring_scenarios(own_quota=True))
    def test_capacity_never_exceeds_the_weight_employed(self, scenario):
        obj, reps, a, as_of = scenario
        plan = hiring_plan(obj, reps, a, as_of)
        cap = plan.capacity
        ceiling = weight_employed(plan, reps, a.annual_quota) * a.productivity
        assert (cap["capacity"] <= ceiling * (1 + 1e-12) + 1e-9).all()
        assert (cap["capacity"] >= 0).all()
        assert (cap["counted"] >= 0).all()
        assert cap["headcount"].dtype == np.int64
