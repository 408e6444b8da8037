"""Every sentence and key-figure block of the plan and the hiring timeline agrees with
the figures it describes, on the sample client, on a second, differently shaped client
and on scenarios that reach each branch of the wording (no hire, no hire but months
short, late hires, an excess or a shortfall of quota, the revenue plan as the goal)."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pytest

from salesnb import paths
from salesnb.analysis import hiring_report, plan_report
from salesnb.format import money, pct
from salesnb.io import load_client

HARBOUR = Path(__file__).resolve().parents[1] / "data" / "harbour-point"
FOLDERS = {"cedar-ridge": paths.SAMPLE_CLIENT, "harbour-point": HARBOUR}


@cache
def client(name: str):
    return load_client(FOLDERS[name])


def with_plan(base, **changes):
    """The client with some plan settings changed (in memory)."""
    s = base.settings
    plan = s.plan.model_copy(update=changes)
    return dataclasses.replace(base, settings=s.model_copy(update={"plan": plan}))


def without_hiring(base):
    return dataclasses.replace(base, settings=base.settings.model_copy(update={"hiring": None}))


def with_roster(base, change):
    roster = base.roster.copy()
    change(roster)
    return dataclasses.replace(base, roster=roster)


def _months(count: int) -> str:
    return f"{count} {'month' if count == 1 else 'months'}"


def _month_text(month) -> str:
    return f"{month:%B %Y}"


# -- the hiring timeline ------------------------------------------------------

HIRING_CASES = {
    # name: (client, overrides); the comment says which wording each one reaches
    "sample": ("cedar-ridge", {}),  # hires on time, one month still short
    "sample, no hire": ("cedar-ridge", {"attainment": 1.4}),  # covers every month
    "sample, no hire yet short": ("cedar-ridge", {"attainment": 1.3}),  # the rule's words
    "sample, late hires": ("cedar-ridge", {"attainment": 0.5}),  # late and on time
    "sample, late but covered": ("cedar-ridge", {"lead_time_months": 0}),  # late, no month short
    "harbour": ("harbour-point", {}),  # the one hire late
    "harbour, all late": ("harbour-point", {"attainment": 0.5}),
    "harbour, on time": ("harbour-point", {"attainment": 1.2, "attrition_rate": 0.0}),
}


@cache
def hiring(case: str):
    name, overrides = HIRING_CASES[case]
    return hiring_report(client(name), simulate=case in ("sample", "harbour"), **overrides)


def test_the_cases_reach_every_branch():
    reached = {
        case: (hiring(case).plan.hires, hiring(case).plan.late_hires) for case in HIRING_CASES
    }
    short = {case: hiring(case).months_short for case in HIRING_CASES}
    assert reached["sample, no hire"][0] == 0 and short["sample, no hire"] == 0
    assert reached["sample, no hire yet short"][0] == 0 and short["sample, no hire yet short"] > 0
    assert 0 < reached["sample, late hires"][1] < reached["sample, late hires"][0]
    assert reached["sample, late but covered"][1] > 0 and short["sample, late but covered"] == 0
    assert reached["harbour, all late"][0] == reached["harbour, all late"][1] > 1
    assert reached["harbour"] == (1, 1)
    assert reached["harbour, on time"][1] == 0 and short["harbour, on time"] > 0


@pytest.mark.parametrize("case", HIRING_CASES)
class TestHiringWords:
    def test_recruit_message_matches_the_capacity_figures(self, case):
        report = hiring(case)
        plan, currency = report.plan, "USD"
        message = report.recruit_message(currency)
        capacity = report.capacity_summary(currency)
        months = len(plan.capacity)
        assert capacity["Months short of the objective"] == f"{report.months_short} of {months}"
        assert capacity["Objective not covered by capacity"] == money(report.gap_total, currency)
        if report.months_short:
            assert f"{_months(report.months_short)} of {months}" in message
            assert money(report.gap_total, currency) in message
            assert "covers every month" not in message
        else:
            assert "short of the objective" not in message
        assert ("No hire is needed" in message) == (plan.hires == 0)
        assert ("covers every month" in message) == (plan.hires == 0 and not report.months_short)

    def test_recruit_message_names_the_hires_and_their_months(self, case):
        report = hiring(case)
        plan, schedule = report.plan, report.plan.schedule
        message = report.recruit_message("USD")
        assert ("already late" in message) == (plan.late_hires > 0)
        if plan.late_hires:
            late = schedule[schedule["late"]]
            assert _month_text(late["open_req_by"].min()) in message
            assert _month_text(late["productive_by"].min()) in message
            assert money(plan.shortfall) in message
            if plan.late_hires == plan.hires:
                assert ("the one planned hire" in message) == (plan.hires == 1)
            else:
                assert f"{plan.late_hires} of the {plan.hires} hires" in message
        elif plan.hires:
            first = schedule["open_req_by"].min()
            count = int((schedule["open_req_by"] == first).sum())
            assert _month_text(first) in message
            assert ("one requisition" if count == 1 else f"{count} requisitions") in message

    def test_heading_and_panel_figures(self, case):
        report = hiring(case)
        plan = report.plan
        heading = report.heading_summary("USD")
        panel = report.panel_summary("USD")
        assert heading["Planned hires"] == f"{plan.hires}, of which late: {plan.late_hires}"
        assert heading["Revenue shortfall of late hires"] == money(plan.shortfall)
        assert heading["Cost of the plan over the horizon"] == money(plan.total_cost)
        first = report.first_requisition
        words = heading["First requisition to open by"]
        assert words == panel["First requisition by"]
        if first is None:
            assert words == "none needed"
        else:
            assert words.startswith(str(first))
            assert ("late" in words) == (first < plan.as_of)
        assert panel["Planned hires"] == str(plan.hires)
        assert panel["Late hires"] == str(plan.late_hires)
        assert panel["Objective not covered by capacity"] == money(report.gap_total)
        assert report.figures()["hires"] == plan.hires

    def test_quarters_add_up_to_the_months(self, case):
        report = hiring(case)
        quarters = report.quarter_summary()
        cap = report.plan.capacity
        assert len(cap) % 3 == 0  # every month is in a quarter here
        assert quarters["short"].sum() == pytest.approx(report.gap_total)
        assert (quarters["short"] > 0.005).sum() <= report.months_short
        assert (quarters["short"] - quarters["spare"]).to_numpy() == pytest.approx(
            (quarters["objective"] - quarters["capacity"]).to_numpy()
        )
        assert quarters["cost"].sum() == pytest.approx(report.plan.total_cost)

    def test_cost_and_assumption_blocks(self, case):
        report = hiring(case)
        plan, a = report.plan, report.assumptions
        costs = report.cost_summary("USD")
        assert costs["Planned hires"] == str(plan.hires)
        assert costs["Cost of the plan"] == money(plan.total_cost)
        assert costs["Cost of a bad hire (4 x what was paid)"] == money(report.bad_hire)
        assumptions = report.assumptions_summary("USD")
        assert assumptions["Quota-carrying reps on the roster"] == str(report.roster_reps)
        assert assumptions["Full productivity (quota / 12 x attainment)"] == (
            f"{money(plan.productivity)} a month"
        )
        for fraction in a.curve:
            assert pct(fraction, 0) in assumptions["Ramp"]

    def test_schedule_table_keeps_due_and_opening_months(self, case):
        report = hiring(case)
        table = report.tables()["Hiring schedule"].frame
        schedule = report.plan.schedule
        assert table["Open requisition by"].tolist() == [str(m) for m in schedule["open_req_by"]]
        as_of = str(report.plan.as_of)
        late = table["Late"] == "yes"
        assert (table.loc[late, "Opens in"] == as_of).all()
        assert (table.loc[late, "Open requisition by"] < as_of).all()
        assert (table.loc[~late, "Opens in"] == table.loc[~late, "Open requisition by"]).all()


def test_the_simulation_block_reads_the_simulation():
    report = hiring("sample")
    block = report.simulation_summary("USD")
    summary = report.simulation.summary
    assert block["Hires, P10 / P50 / P90"] == " / ".join(
        f"{summary.loc[q, 'hires']:.0f}" for q in ("p10", "p50", "p90")
    )
    assert block["Chance of at least one late hire"] == pct(report.chance_of_late_hire)


# -- the annual plan ------------------------------------------------------------


def _excess(base):
    # 900,000 and 750,000 of own quotas against Harbour Point's 851,180.40
    def change(roster):
        roster.loc[roster["name"] == "Sam Okafor", "annual_quota"] = 900_000.0
        roster.loc[roster["name"] == "Ruth Adeyemi", "annual_quota"] = 1_000_000.0

    return with_roster(base, change)


def _short(base):
    def change(roster):
        roster.loc[roster["name"] == "Leo Marsh", "role"] = "Consultant"

    return with_plan(with_roster(base, change), weights={})


PLAN_CASES = {
    "sample": lambda: client("cedar-ridge"),  # own quotas in excess; OTE all healthy
    "sample, no hiring section": lambda: without_hiring(client("cedar-ridge")),
    "sample, the revenue plan as the goal": lambda: with_plan(
        client("cedar-ridge"), goal="revenue_plan", growth=None
    ),
    "harbour": lambda: client("harbour-point"),  # balanced; one rep low on OTE
    "harbour, excess": lambda: _excess(client("harbour-point")),
    "harbour, short": lambda: _short(client("harbour-point")),
    "harbour, no OTE": lambda: with_roster(
        client("harbour-point"), lambda r: r.__setitem__("on_target_earnings", float("nan"))
    ),
}


@cache
def plan(case: str):
    return plan_report(PLAN_CASES[case]())


def test_the_plan_cases_reach_every_branch():
    statuses = {plan(case).balance.status for case in PLAN_CASES}
    assert statuses == {"balanced", "excess", "short"}
    assert plan("sample").figures()["reps_outside_healthy_ote"] == 0
    assert plan("harbour").figures()["reps_outside_healthy_ote"] == 1
    assert plan("harbour, no OTE").figures()["quota_to_ote_min"] is None
    assert plan("sample, the revenue plan as the goal").source == "revenue_plan"
    assert plan("sample, no hiring section").capacity is None


@pytest.mark.parametrize("case", PLAN_CASES)
class TestPlanWords:
    def test_the_quota_check_sentence(self, case):
        report = plan(case)
        b = report.balance
        sentence = report.sanity_checks("USD")[0]
        assert sentence == f"Quotas: {report.balance_text('USD')}."
        if b.status == "balanced":
            assert money(b.target) in sentence
            assert "excess" not in sentence and "shortfall" not in sentence
        else:
            assert money(abs(b.difference)) in sentence
            assert ("an excess of" in sentence) == (b.status == "excess")
            assert ("a shortfall of" in sentence) == (b.status == "short")
        block = report.quota_summary("USD")
        assert block["Quotas assigned"] == money(report.figures()["assigned_quota"])
        assert block["The reps' share of the goal"] == money(report.quota_goal)
        assert block["Check"] == report.balance_text("USD")
        table = report.tables()["Quotas"].frame
        assert table.loc["Total", "Quota"] == pytest.approx(b.assigned)

    def test_the_ote_sentence(self, case):
        report = plan(case)
        sentence = report.ote_text()
        figures = report.figures()
        q = report.quotas
        given = q["quota_to_ote"].notna()
        if not given.any():
            assert "not checked" in sentence
            return
        outside = q[q["ote_check"].isin(["low", "high"])]
        assert len(outside) == figures["reps_outside_healthy_ote"]
        if outside.empty:
            assert "healthy" in sentence
            assert f"{figures['quota_to_ote_min']:.1f}x" in sentence
            assert f"{figures['quota_to_ote_max']:.1f}x" in sentence
        else:
            assert sentence.startswith(f"{len(outside)} of {int(given.sum())} reps")
            for r in outside.itertuples():
                assert f"{r.rep} ({r.quota_to_ote:.1f}x, {r.ote_check})" in sentence
        for r in q.itertuples():
            note = report.ote_note(r.rep)
            if r.ote_check in ("low", "high"):
                assert ("above" if r.ote_check == "high" else "below") in note

    def test_the_revenue_plan_sentence(self, case):
        report = plan(case)
        sentence = report.reconciliation_text("USD")
        year = report.reconciliation.loc["Year"]
        figures = report.figures()
        assert figures["revenue_plan_total"] == year["revenue_plan"]
        assert "stress test" in sentence
        if report.source == "revenue_plan":
            assert year["difference"] == 0
            assert sentence.startswith("The goal is the revenue plan")
            assert money(report.goal) in sentence
            return
        difference = year["difference"]
        assert money(year["revenue_plan"]) in sentence
        assert money(report.goal) in sentence
        assert money(abs(difference)) in sentence
        assert ("above the goal" in sentence) == (difference > 0)
        assert ("below the goal" in sentence) == (difference < 0)

    def test_the_capacity_sentence(self, case):
        report = plan(case)
        sentence = report.capacity_text("USD")
        if report.capacity is None:
            assert sentence is None
            assert len(report.sanity_checks("USD")) == 3
            return
        year = report.capacity.loc["Year"]
        assert pct(year["capacity_to_quota"], 0) in sentence
        assert money(year["capacity"]) in sentence
        assert money(year["quota"]) in sentence
        assert ("enough to carry them" in sentence) == (year["capacity"] >= year["quota"])
        if year["capacity"] < year["quota"]:
            assert money(year["quota"] - year["capacity"]) in sentence
            covers = year["capacity"] >= report.quota_goal
            assert ("covers the reps' share of the goal" in sentence) == covers
            assert (money(report.quota_goal) in sentence) == covers
        assert sentence == report.sanity_checks("USD")[-1]

    def test_the_key_figure_blocks(self, case):
        report = plan(case)
        goal = report.goal_summary("USD")
        assert goal["Goal for the year"].startswith(money(report.goal))
        assert goal["Growth"].startswith(pct(report.growth))
        assert ("implied" in goal["Growth"]) == report.given_goal
        assert goal["The reps' share of the goal (what the quotas carry)"] == money(
            report.quota_goal
        )
        assert goal["Share the reps must bring in as new business"] == pct(
            report.new_business_share, 0
        )
        heading = report.heading_summary("USD")
        assert heading["Reps carrying quota"] == str(len(report.quotas))
        panel = report.panel_summary("USD")
        assert panel["Quota assigned"].startswith(money(report.quotas["quota"].sum()))
        assert report.balance_text("USD") in panel["Quota assigned"]
        funnel = report.funnel_summary("USD")
        assert funnel["Share of quota the planned pipeline wins"] == pct(
            report.coverage * report.win_rate, 0
        )


def test_a_team_short_of_the_reps_goal_is_told_how_to_close_it():
    base = client("harbour-point")
    weak = hiring_report(base, attainment=0.5, simulate=False)
    report = plan_report(base, hiring=weak)
    year = report.capacity.loc["Year"]
    assert year["capacity"] < report.quota_goal  # the branch this test is for
    sentence = report.capacity_text("GBP")
    assert money(year["quota"] - year["capacity"], "GBP") in sentence
    assert "close the gap" in sentence
    assert "covers" not in sentence
