"""The glue from a client folder to each notebook's figures (salesnb.analysis)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from numpy.testing import assert_allclose
from strategies import REVENUE_PLAN_CENTS

from salesnb import paths
from salesnb.analysis import (
    hiring_report,
    plan_goals,
    plan_report,
    proforma_inputs,
    quota_reps,
    quota_vs_capacity,
)
from salesnb.errors import InputError
from salesnb.io import load_client, validate


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "cedar-ridge"
    shutil.copytree(paths.SAMPLE_CLIENT, target)
    return target


def _edit_settings(folder, change):
    path = folder / "settings.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(settings)
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")


class TestQuotaVsCapacity:
    def test_quarters_and_year_by_hand(self):
        months = pd.period_range("2027-01", periods=12, freq="M")
        quota = pd.Series([100.0] * 6 + [200.0] * 6, index=months)
        capacity = pd.Series([50.0] * 12, index=months)
        check = quota_vs_capacity(quota, capacity)
        assert list(check.index) == ["Q1", "Q2", "Q3", "Q4", "Year"]
        # Q1: quota 3 x 100 = 300, capacity 3 x 50 = 150, share 0.5
        assert_allclose(check.loc["Q1"].to_numpy(), [300.0, 150.0, 0.5])
        # Q3: quota 3 x 200 = 600, capacity 150, share 0.25
        assert_allclose(check.loc["Q3"].to_numpy(), [600.0, 150.0, 0.25])
        # Year: quota 1,800, capacity 600, share 1/3
        assert_allclose(check.loc["Year"].to_numpy(), [1800.0, 600.0, 1 / 3])

    def test_a_quarter_without_quota_has_no_share(self):
        months = pd.period_range("2027-01", periods=6, freq="M")
        check = quota_vs_capacity(pd.Series([0.0] * 3 + [10.0] * 3, months), pd.Series(5.0, months))
        assert np.isnan(check.loc["Q1", "capacity_to_quota"])
        assert check.loc["Q2", "capacity_to_quota"] == pytest.approx(0.5)


class TestPlanReport:
    def test_capacity_is_the_hiring_teams_over_the_plan_year(self, folder):
        client = load_client(folder)
        plan = plan_report(client)
        team = hiring_report(client, simulate=False).plan.capacity["capacity"]
        year = team.iloc[:12].sum()
        assert plan.capacity.loc["Year", "capacity"] == pytest.approx(year)
        assert plan.capacity.loc["Year", "quota"] == pytest.approx(plan.quotas["quota"].sum())
        assert plan.figures()["capacity_to_quota"] == pytest.approx(
            year / plan.quotas["quota"].sum()
        )

    def test_no_hiring_section_no_capacity_check(self, folder):
        _edit_settings(folder, lambda s: s.pop("hiring"))
        plan = plan_report(load_client(folder))
        assert plan.capacity is None
        assert plan.figures()["team_capacity"] is None
        assert "Quota vs team capacity" not in plan.tables()


class TestProFormaInputs:
    def test_planned_hires_enter_the_pro_forma_only_when_asked(self, folder):
        with_hires = proforma_inputs(load_client(folder))
        hiring = hiring_report(load_client(folder), simulate=False)
        line = "Planned sales hires"
        assert line in with_hires.costs.columns
        months = with_hires.months
        assert_allclose(
            with_hires.costs[line].to_numpy(),
            hiring.plan.costs["people"].reindex(months).to_numpy(),
        )
        _edit_settings(folder, lambda s: s["hiring"].update(include_in_pro_forma=False))
        without = proforma_inputs(load_client(folder))
        assert line not in without.costs.columns
        assert "Recruiting" not in without.costs.columns


# ----------------------------------------------------------------------------
# A second, differently shaped client: fiscal year from April, own quotas and
# one rep without, retained (recurring) revenue, no expense schedule, a ramp list
# ----------------------------------------------------------------------------

HARBOUR = Path(__file__).resolve().parents[1] / "data" / "harbour-point"


@pytest.fixture
def harbour(tmp_path):
    target = tmp_path / "harbour-point"
    shutil.copytree(HARBOUR, target)
    return target


def _edit_roster(folder, change):
    path = folder / "roster.csv"
    roster = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(roster)
    roster.to_csv(path, index=False)


class TestTheReps:
    """The reps' share of the goal, and the quotas that carry it."""

    def test_the_second_client_validates(self):
        assert validate(HARBOUR) == []

    def test_own_quotas_kept_and_the_rest_shared_by_hand(self):
        # Last year 1,668,000 x 1.08 = 1,801,440; the reps' 45% is 810,648.00 and
        # x 1.05 over-assignment 851,180.40. Sam keeps 420,000; Ruth's 360,000 from
        # July is 360,000 x 9 / 12 = 270,000; Leo, with no quota of his own, carries
        # the rest: 851,180.40 - 690,000 = 161,180.40, stretch x 1.12 = 180,522.05.
        plan = plan_report(load_client(HARBOUR))
        assert plan.goal == 1_801_440.0
        assert plan.quota_goal == 810_648.0
        q = plan.quotas.set_index("rep")
        assert q["quota"].to_dict() == {
            "Sam Okafor": 420_000.0,
            "Ruth Adeyemi": 270_000.0,
            "Leo Marsh": 161_180.4,
        }
        assert q["own_quota"].tolist() == [True, True, False]
        assert q.loc["Leo Marsh", "stretch_quota"] == 180_522.05
        assert q.loc["Ruth Adeyemi", "full_year_quota"] == 360_000.0
        figures = plan.figures()
        assert figures["quota_target"] == 851_180.4
        assert figures["assigned_quota"] == 851_180.4
        assert figures["quota_difference"] == 0.0
        # Sam 420/90 = 4.7x, Ruth 360/80 = 4.5x: healthy; Leo's share is low for 70,000.
        assert q["ote_check"].tolist() == ["healthy", "healthy", "low"]

    def test_900k_and_750k_kept_one_rep_shares_the_rest(self, harbour):
        # The case: quotas entered at 900,000 and 750,000 stay as entered;
        # with every sale new business, 1,801,440 x 1.05 = 1,891,512 and the rep
        # without a quota carries 1,891,512 - 1,650,000 = 241,512.
        def change(roster):
            roster.loc[roster["name"] == "Sam Okafor", "annual_quota"] = "900000"
            ruth = roster["name"] == "Ruth Adeyemi"
            roster.loc[ruth, ["annual_quota", "start"]] = ["750000", "2024-01"]
            roster.loc[ruth, "on_target_earnings"] = "150000"

        _edit_roster(harbour, change)
        _edit_settings(harbour, lambda s: s["plan"].update(new_business_share=1.0))
        plan = plan_report(load_client(harbour))
        q = plan.quotas.set_index("rep")
        assert q["quota"].tolist() == [900_000.0, 750_000.0, 241_512.0]
        # 900/90 = 10x is far above 6x; 750/150 = 5x healthy: judged on the quota entered.
        assert_allclose(q["quota_to_ote"][:2], [10.0, 5.0])
        assert plan.balance.status == "balanced"

    def test_sample_reps_keep_their_roster_quotas(self):
        # Every Cedar Ridge rep has a quota in the roster: Owen from February keeps
        # 950,000 x 11 / 12 = 870,833.33 and Hannah, leaving in June, 480,000 x 6 / 12.
        plan = plan_report(load_client(paths.SAMPLE_CLIENT))
        q = plan.quotas.set_index("rep")
        assert q["quota"].tolist() == [950_000.0, 950_000.0, 950_000.0, 870_833.33, 240_000.0]
        # Equal reps, equal stretch quotas (950,000 x 1.15).
        assert q["stretch_quota"].iloc[:3].tolist() == [1_092_500.0] * 3
        # They add up to 3,960,833.33 against 4,645,984 x 0.6 x 1.1 = 3,066,349.44.
        assert plan.balance.target == 3_066_349.44
        assert plan.balance.assigned == 3_960_833.33
        assert (plan.balance.difference, plan.balance.status) == (894_483.89, "excess")

    def test_a_shortfall_when_the_own_quotas_leave_part_with_no_rep(self, harbour):
        # Without Leo (a consultant now), 690,000 of own quotas against 851,180.40.
        def change(roster):
            roster.loc[roster["name"] == "Leo Marsh", "role"] = "Consultant"

        _edit_roster(harbour, change)
        _edit_settings(harbour, lambda s: s["plan"].pop("weights"))
        plan = plan_report(load_client(harbour))
        assert list(plan.quotas["rep"]) == ["Sam Okafor", "Ruth Adeyemi"]
        assert (plan.balance.difference, plan.balance.status) == (-161_180.4, "short")

    def test_quota_roles_name_the_reps_without_a_quota(self, harbour):
        _edit_settings(harbour, lambda s: s["plan"].update(quota_roles=["Consultant"]))
        _edit_settings(harbour, lambda s: s["plan"].pop("weights"))
        reps = quota_reps(load_client(harbour))
        # Sam and Ruth (own quotas) and Aisha Khan, the one Consultant; Leo, a
        # business developer without a quota, is not in a quota role any more.
        assert [r.name for r in reps] == ["Aisha Khan", "Sam Okafor", "Ruth Adeyemi"]

    def test_a_weight_on_an_own_quota_is_refused(self, folder):
        _edit_settings(folder, lambda s: s["plan"].update(weights={"Hannah Brooks": 0.5}))
        problems = validate(folder)
        assert [(p.file, p.column) for p in problems] == [
            ("settings.yaml", "plan.weights.Hannah Brooks")
        ]
        assert "has an annual_quota" in problems[0].message


class TestNewBusinessShare:
    def test_the_quotas_and_the_hiring_objective_are_the_same_money(self):
        for folder in (paths.SAMPLE_CLIENT, HARBOUR):
            client = load_client(folder)
            plan = plan_report(client)
            objective = hiring_report(client, simulate=False).objective
            year = objective.iloc[:12].sum()
            assert year == pytest.approx(plan.quota_goal, abs=0.01)
            assert plan.quota_goal == pytest.approx(plan.goal * plan.new_business_share, abs=0.005)
            # ... and the capacity check sets the team against those quotas.
            assert plan.capacity.loc["Year", "quota"] == pytest.approx(plan.balance.assigned)

    def test_the_old_place_still_works(self, folder):
        def move(s):
            s["plan"].pop("new_business_share")
            s["hiring"]["new_business_share"] = 0.5

        _edit_settings(folder, move)
        client = load_client(folder)
        plan = plan_report(client)
        assert plan.new_business_share == 0.5
        assert plan.quota_goal == 2_322_992.0  # 4,645,984 x 0.5
        assert hiring_report(client, simulate=False).objective.iloc[0] == pytest.approx(
            plan.monthly.iloc[0] * 0.5
        )

    def test_two_different_shares_are_refused(self, folder):
        _edit_settings(folder, lambda s: s["hiring"].update(new_business_share=0.7))
        problems = validate(folder)
        assert [(p.file, p.column) for p in problems] == [
            ("settings.yaml", "hiring.new_business_share")
        ]
        assert "differs from plan.new_business_share 0.6" in problems[0].message

    def test_the_same_share_twice_is_accepted(self, folder):
        _edit_settings(folder, lambda s: s["hiring"].update(new_business_share=0.6))
        assert validate(folder) == []

    def test_without_a_share_the_reps_carry_the_whole_goal(self, folder):
        _edit_settings(folder, lambda s: s["plan"].pop("new_business_share"))
        plan = plan_report(load_client(folder))
        assert plan.quota_goal == plan.goal == 4_645_984.0


class TestGoalAndRevenuePlan:
    def test_side_by_side_by_quarter_by_hand(self):
        # Cedar Ridge's revenue plan, January to March: 317,700 + 337,200 + 406,900
        # = 1,061,800 against a goal of 1,067,696; for the year 4,728,100 against
        # 4,645,984, 82,116 above.
        plan = plan_report(load_client(paths.SAMPLE_CLIENT))
        rec = plan.reconciliation
        assert rec.loc["Q1"].tolist() == [1_067_696.0, 1_061_800.0, -5_896.0]
        assert rec.loc["Year"].tolist() == [4_645_984.0, 4_728_100.0, 82_116.0]
        table = plan.tables()["Goal and revenue plan"].frame
        assert table.loc["Year", "Revenue plan less goal"] == 82_116.0
        figures = plan.figures()
        assert (figures["revenue_plan_total"], figures["revenue_plan_difference"]) == (
            4_728_100.0,
            82_116.0,
        )

    def test_goal_revenue_plan_makes_the_revenue_plan_the_goal(self, folder):
        def change(s):
            s["plan"].pop("growth")
            s["plan"]["goal"] = "revenue_plan"

        _edit_settings(folder, change)
        plan = plan_report(load_client(folder))
        assert plan.source == "revenue_plan"
        assert plan.goal == 4_728_100.0
        assert plan.monthly.iloc[0] == 317_700.0
        assert (plan.reconciliation["difference"] == 0).all()
        assert plan.growth == pytest.approx(4_728_100 / 4_148_200 - 1)

    def test_a_goal_that_is_neither_an_amount_nor_the_revenue_plan(self, folder):
        def change(s):
            s["plan"].pop("growth")
            s["plan"]["goal"] = "revenue plan"

        _edit_settings(folder, change)
        problems = validate(folder)
        assert [p.column for p in problems] == ["plan.goal"]
        assert "'revenue_plan'" in problems[0].message

    @settings(max_examples=25, deadline=None)
    @given(cents=REVENUE_PLAN_CENTS)
    def test_monthly_goals_are_the_revenue_plans_monthly_totals(self, cents):
        client = _revenue_plan_client()
        streams = list(client.settings.streams)[:3]
        rows = [
            {"month": month, "stream": stream, "revenue": amount / 100}
            for month, amounts in zip(client.months[:12], cents, strict=True)
            for stream, amount in zip(streams[: len(amounts)], amounts, strict=True)
        ]
        client = dataclasses.replace(client, revenue_plan=pd.DataFrame(rows))
        goals = plan_goals(client)
        totals = [sum(amounts) for amounts in cents]
        assert [round(v * 100) for v in goals.monthly] == totals
        assert round(goals.goal * 100) == sum(totals)
        assert (goals.reconciliation["difference"] == 0).all()


_REVENUE_PLAN_CLIENT = []


def _revenue_plan_client():
    """The second client with ``goal: revenue_plan``, loaded once."""
    if not _REVENUE_PLAN_CLIENT:
        client = load_client(HARBOUR)
        plan = client.settings.plan.model_copy(update={"goal": "revenue_plan", "growth": None})
        settings_ = client.settings.model_copy(update={"plan": plan})
        _REVENUE_PLAN_CLIENT.append(dataclasses.replace(client, settings=settings_))
    return _REVENUE_PLAN_CLIENT[0]


class TestFiscalYearFromApril:
    def test_given_shares_follow_the_plan_months(self):
        # Harbour Point's shares are given January to December (9, 9, 9, 8, 9, 9, 7,
        # 5, 8, 9, 9, 6: 97 in all) for a year from April: April carries 8/97, August
        # 5/97, and each month's share in the table is its goal over the year's.
        plan = plan_report(load_client(HARBOUR))
        table = plan.tables()["Monthly goals"].frame
        assert table.index[0] == "2027-04"
        assert table.loc["2027-04", "Share of the year"] == pytest.approx(8 / 97)
        assert table.loc["2027-08", "Share of the year"] == pytest.approx(5 / 97)
        assert_allclose(
            table["Goal"].iloc[:-1] / plan.goal, table["Share of the year"].iloc[:-1], atol=1e-8
        )


class TestLateHires:
    def test_a_late_hire_keeps_the_month_its_requisition_was_due(self):
        # Harbour Point needs a third rep's worth from January 2028: ramp 4 and lead
        # time 3 put the requisition in June 2027, a month before the as-of date.
        # It can open in July, start in October and be productive in February; in
        # January it is in tenure month 4 (0.8), so 0.2 x 28,333.33 = 5,666.67 short.
        hiring = hiring_report(load_client(HARBOUR), simulate=False)
        row = hiring.tables()["Hiring schedule"].frame.loc["Hire 1"]
        assert row[["Needed from", "Open requisition by", "Opens in", "Start by"]].tolist() == [
            "2028-01",
            "2027-06",
            "2027-07",
            "2027-10",
        ]
        assert row["Late"] == "yes"
        assert row["Shortfall"] == pytest.approx(5_666.67, abs=0.005)
        assert hiring.heading_summary("GBP")["First requisition to open by"] == (
            "2027-06 (late: it can open in 2027-07)"
        )


class TestRampOverride:
    def test_ramp_months_over_a_ramp_list_is_refused(self):
        client = load_client(HARBOUR)
        with pytest.raises(InputError, match=r"ramp_months: the settings give the ramp as a list"):
            hiring_report(client, ramp_months=6, simulate=False)
        assert hiring_report(client, simulate=False).assumptions.curve == (0.0, 0.3, 0.6, 0.8)

    def test_ramp_months_without_a_list_is_applied(self):
        client = load_client(paths.SAMPLE_CLIENT)
        assert hiring_report(client, ramp_months=6, simulate=False).assumptions.ramp_length == 6


class TestLocatedErrors:
    @pytest.mark.parametrize(
        ("column", "value", "says"),
        [
            ("annual_quota", "0", "annual_quota of Owen Kessler: must be above 0"),
            ("on_target_earnings", "0", "on_target_earnings of Owen Kessler: must be above 0"),
        ],
    )
    def test_a_bad_roster_cell_is_named_by_row_and_column(self, folder, column, value, says):
        def change(roster):
            roster.loc[roster["name"] == "Owen Kessler", column] = value

        _edit_roster(folder, change)
        problems = validate(folder)
        # Owen is the seventh person: row 8 of the file, under its header row.
        assert [(p.file, p.row, p.column) for p in problems] == [("roster.csv", 8, column)]
        assert problems[0].message.startswith(says)

    def test_the_calculation_itself_raises_it_located(self, folder):
        client = load_client(folder)
        roster = client.roster.copy()
        roster.loc[roster["name"] == "Owen Kessler", "annual_quota"] = 0.0
        bad = dataclasses.replace(client, roster=roster)
        for run in (plan_report, lambda c: hiring_report(c, simulate=False)):
            with pytest.raises(InputError) as caught:
                run(bad)
            assert (caught.value.file, caught.value.row, caught.value.column) == (
                "roster.csv",
                8,
                "annual_quota",
            )
