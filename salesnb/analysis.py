"""From a loaded client to each notebook's figures, in one call per section.

The notebooks, the live widgets and the tests all go through these functions,
so a figure is computed one way only. They are pure: a :class:`~salesnb.client.Client`
(already read and checked) and plain parameters in, frozen results out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesnb import hiring as hr
from salesnb import plan as pl
from salesnb import proforma as pf
from salesnb.client import PLANNING_QUESTIONS, Client

__all__ = [
    "HiringReport",
    "PlanReport",
    "StressReport",
    "hiring_objective",
    "hiring_report",
    "plan_report",
    "proforma_inputs",
    "quota_vs_capacity",
    "stress_report",
]


def proforma_inputs(client: Client, extra_people: pd.DataFrame | None = None) -> pf.ProFormaInputs:
    """The client's tables arranged for :mod:`salesnb.proforma`.

    When the settings ask for it (``hiring.include_in_pro_forma``), the planned
    hires of the hiring timeline are added as people costs (and their recruiting
    costs as a line of their own), unless ``extra_people`` is given.
    """
    s = client.settings
    if extra_people is None and s.hiring is not None and s.hiring.include_in_pro_forma:
        plan = hiring_report(client, simulate=False).plan
        extra_people = hr.pro_forma_people(
            plan, line=s.hiring.people_line, recruiting_line=s.hiring.recruiting_line
        )
    return pf.inputs_from_tables(
        months=s.months,
        revenue_plan=client.revenue_plan,
        cost_of_sales_rate={name: stream.cost_of_sales for name, stream in s.streams.items()},
        expenses=client.expenses,
        roster=client.roster,
        opening_cash=s.cash.opening,
        minimum_cash=s.cash.minimum,
        default_burden=s.default_burden,
        fixed_schedule=client.expense_schedule,
        extra_people=extra_people,
    )


@dataclass(frozen=True)
class StressReport:
    """Everything the stress-test notebook shows, for one scenario."""

    inputs: pf.ProFormaInputs
    stress: pf.StressTest
    baseline_statement: pd.DataFrame
    scenario_statement: pd.DataFrame
    plan_break_even: pd.DataFrame
    uncovered_break_even: float
    plan_target: pd.DataFrame
    uncovered_target: float
    cm_ratio: float
    cm_ratio_cut_months: float
    break_even_revenue: float
    survivable: pf.SurvivableCut
    curve: pd.DataFrame
    simulation: pf.MonteCarlo | None

    def figures(self) -> dict[str, float | int | None]:
        """The headline figures, as ``figures.json`` names them (see the README)."""
        y = self.stress.year
        base, scen = self.stress.baseline, self.stress.scenario
        figures: dict[str, float | int | None] = {
            "cut": self.stress.cut,
            "cut_start_month": self.stress.start_month,
            "target_margin": self.stress.target_margin,
            "baseline_revenue": float(y["baseline_revenue"]),
            "baseline_income": float(y["baseline_income"]),
            "baseline_margin": _ratio(y["baseline_income"], y["baseline_revenue"]),
            "scenario_revenue": float(y["scenario_revenue"]),
            "scenario_income": float(y["scenario_income"]),
            "scenario_margin": _ratio(y["scenario_income"], y["scenario_revenue"]),
            "lost_revenue": float(y["lost_revenue"]),
            "lost_income": float(y["lost_income"]),
            "reduction_to_break_even": float(y["reduction_to_break_even"]),
            "reduction_to_target_margin": float(y["reduction_to_target_margin"]),
            "cut_plan_savings": float(self.plan_target["cut"].sum()),
            "cut_plan_uncovered": self.uncovered_target,
            "contribution_margin_ratio": self.cm_ratio,
            "break_even_revenue": self.break_even_revenue,
            "largest_survivable_cut_income": self.survivable.by_income,
            "largest_survivable_cut_cash": self.survivable.by_cash,
            "baseline_closing_cash": float(base["cash"].iloc[-1]),
            "scenario_closing_cash": float(scen["cash"].iloc[-1]),
            "scenario_lowest_cash": float(scen["cash"].min()),
            "minimum_cash": self.inputs.minimum_cash,
        }
        if self.simulation is not None:
            mc = self.simulation
            figures |= {
                "simulated_income_p10": mc.percentile(10),
                "simulated_income_p50": mc.percentile(50),
                "simulated_income_p90": mc.percentile(90),
                "probability_of_loss": mc.probability_of_loss,
                "probability_cash_below_minimum": mc.probability_cash_short,
            }
        return figures

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables of the Excel workbook, one sheet each."""
        return {
            "Pro forma (baseline)": self.baseline_statement,
            "Pro forma (scenario)": self.scenario_statement,
            "Stress test by month": self.stress.by_month,
            "Cut plan": self.plan_target.set_index("line"),
            "Cut curve": self.curve.set_index("cut"),
        }


def _given(value: object) -> object:
    """A table cell, or None when it was left empty (None, NaN or NaT)."""
    return None if value is None or pd.isna(value) else value


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else math.nan


def stress_report(
    client: Client,
    *,
    cut: float,
    start_month: int,
    target_margin: float,
    volatility: float,
    runs: int,
    seed: int,
    simulate: bool = True,
    inputs: pf.ProFormaInputs | None = None,
) -> StressReport:
    """Run the whole stress test for one scenario.

    ``inputs`` may be passed to reuse already-arranged inputs (the live panel
    does, so a slider move only recomputes). ``simulate=False`` skips the Monte
    Carlo simulation.
    """
    inputs = inputs if inputs is not None else proforma_inputs(client)
    stress = pf.stress_test(inputs, cut, start_month, target_margin)
    plan_be, unc_be = pf.cut_plan(
        inputs, float(stress.year["reduction_to_break_even"]), start_month, cut
    )
    plan_t, unc_t = pf.cut_plan(
        inputs, float(stress.year["reduction_to_target_margin"]), start_month, cut
    )
    simulation = (
        pf.monte_carlo(
            inputs, cut=cut, start_month=start_month, volatility=volatility, runs=runs, seed=seed
        )
        if simulate
        else None
    )
    return StressReport(
        inputs=inputs,
        stress=stress,
        baseline_statement=pf.statement(inputs),
        scenario_statement=pf.statement(inputs, cut, start_month),
        plan_break_even=plan_be,
        uncovered_break_even=unc_be,
        plan_target=plan_t,
        uncovered_target=unc_t,
        cm_ratio=pf.contribution_margin_ratio(inputs),
        cm_ratio_cut_months=pf.contribution_margin_ratio(inputs, slice(start_month - 1, None)),
        break_even_revenue=pf.break_even_revenue(inputs),
        survivable=pf.largest_survivable_cut(inputs, start_month),
        curve=pf.cut_curve(inputs, start_month),
        simulation=simulation,
    )


# ----------------------------------------------------------------------------
# The annual sales plan
# ----------------------------------------------------------------------------


def quota_reps(client: Client) -> list[pl.QuotaRep]:
    """The roster's quota carriers (rows with an ``annual_quota``) as the plan takes them."""
    weights = client.settings.plan.weights if client.settings.plan else {}
    reps = client.roster[client.roster["annual_quota"].notna()]
    return [
        pl.QuotaRep(
            name=str(r.name),
            weight=float(weights.get(r.name, 1.0)),
            start=_given(r.start),
            end=_given(r.end),
            on_target_earnings=_given(r.on_target_earnings),
        )
        for r in reps.itertuples(index=False)
    ]


@dataclass(frozen=True)
class PlanReport:
    """Everything the annual-plan notebook shows."""

    prior: pd.Series
    goal: float
    growth: float
    given_goal: bool
    shares: pd.Series
    monthly: pd.Series
    quarterly: pd.Series
    over_assignment: float
    stretch: float
    coverage: float
    quotas: pd.DataFrame
    monthly_quotas: pd.DataFrame
    business_plans: dict[str, pl.BusinessPlan]
    objectives: pd.Series
    objective_quarters: pd.Series
    questions: dict[str, list[str]]
    assumptions: pd.DataFrame
    capacity: pd.DataFrame | None = None

    def figures(self) -> dict[str, float | int | None]:
        prior_total = float(self.prior.sum())
        q = self.quotas
        ratios = q["quota_to_ote"].dropna()
        return {
            "prior_year_revenue": prior_total,
            "growth": self.growth,
            "goal": self.goal,
            "stretch": self.stretch,
            "over_assignment": self.over_assignment,
            "assigned_quota": float(q["quota"].sum()),
            "stretch_quota": float(q["stretch_quota"].sum()),
            "reps_with_quota": len(q),
            "quota_to_ote_min": float(ratios.min()) if len(ratios) else None,
            "quota_to_ote_max": float(ratios.max()) if len(ratios) else None,
            "reps_outside_healthy_ote": int((q["ote_check"].isin(["low", "high"])).sum()),
            "coverage": self.coverage,
            "pipeline_needed": float(sum(b.pipeline for b in self.business_plans.values())),
            "opportunities_needed": float(
                sum(b.funnel.loc["opportunities", "per_year"] for b in self.business_plans.values())
            ),
            **{f"goal_q{i + 1}": float(v) for i, v in enumerate(self.quarterly)},
            **{
                f"objective_q{i + 1}": float(v)
                for i, v in enumerate(self.objective_quarters.iloc[:6])
            },
            "team_capacity": None
            if self.capacity is None
            else float(self.capacity.loc["Year", "capacity"]),
            "capacity_to_quota": None
            if self.capacity is None
            else float(self.capacity.loc["Year", "capacity_to_quota"]),
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        funnels = pd.concat(
            {name: b.funnel for name, b in self.business_plans.items()}, names=["rep", "stage"]
        ).reset_index(level="stage")
        goals = pd.DataFrame(
            {"prior_year": self.prior.to_numpy(), "goal": self.monthly.to_numpy()},
            index=self.monthly.index.astype(str),
        )
        return {
            "Monthly goals": goals,
            "Quarterly goals": self.quarterly.to_frame("goal"),
            "Quotas": self.quotas.set_index("rep"),
            "Monthly quotas": self.monthly_quotas.set_axis(
                self.monthly_quotas.index.astype(str), axis=0
            ),
            "Rep business plans": funnels,
            "Objectives (18 months)": self.objectives.to_frame().set_axis(
                self.objectives.index.astype(str), axis=0
            ),
            **({} if self.capacity is None else {"Quota vs team capacity": self.capacity}),
        }


def plan_report(
    client: Client,
    *,
    growth: float | None = None,
    stretch: float | None = None,
    coverage: float | None = None,
) -> PlanReport:
    """The annual sales plan; ``growth``, ``stretch`` and ``coverage`` override the settings."""
    s = client.settings
    p = s.plan
    if p is None:
        raise ValueError("settings.yaml has no 'plan' section: the annual plan needs one")
    first = s.first_month
    actuals = client.actuals.set_index("month")["revenue"].astype(float)
    prior_months = pd.period_range(first - 12, first - 1, freq="M", name="month")
    prior = actuals.reindex(prior_months)
    growth = p.growth if growth is None else growth
    given_goal = p.goal is not None and growth is None
    if given_goal:
        goal = pl.company_goal(given=p.goal)
        growth = goal / float(prior.sum()) - 1.0 if prior.notna().all() and prior.sum() else 0.0
    else:
        goal = pl.company_goal(actuals, growth=growth, fy_start=first)
    if isinstance(p.seasonality, list):
        shares = pl.seasonality(given=p.seasonality)
    else:
        shares = pl.seasonality(actuals, mode=p.seasonality, fy_start=first)
    monthly = pl.monthly_goals(goal, shares, first)
    stretch = p.stretch if stretch is None else stretch
    coverage = p.coverage if coverage is None else coverage
    reps = quota_reps(client)
    quotas = pl.assign_quotas(
        goal, shares, first, reps, over_assignment=p.over_assignment, ramp=p.ramp, stretch=stretch
    )
    monthly_quotas = pl.monthly_quotas(
        goal, shares, first, reps, over_assignment=p.over_assignment, ramp=p.ramp
    )
    funnel = [(f.stage, f.conversion) for f in p.funnel]
    plans = {
        rep: pl.business_plan(
            monthly_quotas[rep],
            average_deal=p.average_deal,
            win_rate=p.win_rate,
            cycle_months=p.cycle_months,
            funnel=funnel,
            coverage=coverage,
        )
        for rep in monthly_quotas.columns
    }
    horizon = s.hiring.horizon_months if s.hiring else 18
    objectives = pl.objectives(monthly, growth, months=max(18, horizon))
    quarters = objectives.iloc[: len(objectives) // 3 * 3]
    questions = {
        key: ([value] if isinstance(value, str) else list(value))
        for key, value in p.questions.items()
    }
    questions = {k: questions[k] for k in PLANNING_QUESTIONS if k in questions}
    assumptions = pd.DataFrame(
        [
            {
                "assumption": a.assumption,
                "still_true": {True: "yes", False: "no", None: "not yet known"}[a.still_true],
                "note": a.note,
            }
            for a in p.assumptions
        ],
        columns=["assumption", "still_true", "note"],
    )
    capacity = None
    if s.hiring is not None:
        if len(client.objectives):
            objective = hiring_objective(client)
        else:
            months = pd.period_range(first, periods=s.hiring.horizon_months, freq="M", name="month")
            objective = (objectives.reindex(months) * s.hiring.new_business_share).rename(
                "objective"
            )
        team = hiring_report(client, simulate=False, objective=objective).plan.capacity
        capacity = quota_vs_capacity(monthly_quotas.sum(axis=1), team["capacity"])
    return PlanReport(
        prior=prior,
        goal=goal,
        growth=float(growth),
        given_goal=given_goal,
        shares=shares,
        monthly=monthly,
        quarterly=pl.quarterly_goals(monthly),
        over_assignment=p.over_assignment,
        stretch=float(stretch),
        coverage=float(coverage),
        quotas=quotas,
        monthly_quotas=monthly_quotas,
        business_plans=plans,
        objectives=objectives,
        objective_quarters=pl.quarterly_goals(quarters),
        questions=questions,
        assumptions=assumptions,
        capacity=capacity,
    )


def quota_vs_capacity(quota: pd.Series, capacity: pd.Series) -> pd.DataFrame:
    """The plan's quotas beside what the hiring timeline's team is expected to bring in.

    Parameters
    ----------
    quota : Series
        The team's quota by month of the plan year.
    capacity : Series
        Expected capacity by month (reps at expected attainment, less while
        ramping, planned hires included), as the hiring timeline gives it.

    Returns
    -------
    DataFrame
        One row per quarter of the plan year and a ``Year`` row: ``quota``,
        ``capacity`` and ``capacity_to_quota`` (capacity / quota; below 1 the plan
        asks more than the team is expected to deliver).

    Examples
    --------
    >>> months = pd.period_range("2027-01", periods=12, freq="M")
    >>> check = quota_vs_capacity(pd.Series(100.0, months), pd.Series(80.0, months))
    >>> check.loc["Year"].tolist()
    [1200.0, 960.0, 0.8]
    """
    frame = pd.DataFrame(
        {
            "quota": quota.to_numpy(dtype=float),
            "capacity": capacity.reindex(quota.index).fillna(0.0).to_numpy(dtype=float),
        }
    )
    quarters = frame.groupby(np.arange(len(frame)) // 3).sum()
    quarters.index = [f"Q{i + 1}" for i in range(len(quarters))]
    quarters.loc["Year"] = frame.sum()
    quarters["capacity_to_quota"] = quarters["capacity"] / quarters["quota"].where(
        quarters["quota"] != 0
    )
    quarters.index.name = "quarter"
    return quarters


# ----------------------------------------------------------------------------
# The hiring timeline
# ----------------------------------------------------------------------------


def hiring_objective(client: Client) -> pd.Series:
    """The new-business revenue the reps must carry, month by month.

    From ``objectives.csv`` when the folder has one; otherwise the annual plan's
    objectives x ``hiring.new_business_share``.
    """
    s = client.settings
    h = s.hiring
    if h is None:
        raise ValueError("settings.yaml has no 'hiring' section: the hiring timeline needs one")
    months = pd.period_range(s.first_month, periods=h.horizon_months, freq="M", name="month")
    if len(client.objectives):
        given = client.objectives.set_index("month")["objective"].astype(float)
        return given.reindex(months).rename("objective")
    plan = plan_report(client)
    return (plan.objectives.reindex(months) * h.new_business_share).rename("objective")


def hiring_assumptions(
    client: Client,
    *,
    ramp_months: int | None = None,
    lead_time_months: int | None = None,
    attainment: float | None = None,
    attrition_rate: float | None = None,
) -> hr.HiringAssumptions:
    """The settings' hiring assumptions, with any of the four drivers overridden."""
    s = client.settings
    h = s.hiring
    if h is None:
        raise ValueError("settings.yaml has no 'hiring' section: the hiring timeline needs one")
    return hr.HiringAssumptions(
        annual_quota=h.annual_quota,
        attainment=h.attainment if attainment is None else attainment,
        salary=h.salary,
        lead_time_months=h.lead_time_months if lead_time_months is None else lead_time_months,
        ramp_months=h.ramp_months if ramp_months is None else ramp_months,
        ramp=tuple(h.ramp) if h.ramp is not None and ramp_months is None else None,
        burden=s.default_burden if h.burden is None else h.burden,
        recruiting_cost_per_hire=h.recruiting_cost_per_hire,
        attrition_rate=h.attrition_rate if attrition_rate is None else attrition_rate,
        role=h.role,
    )


def hiring_reps(client: Client) -> list[hr.Rep]:
    """The roster's quota carriers as the hiring timeline counts them."""
    s = client.settings
    reps = client.roster[client.roster["annual_quota"].notna()]
    return [
        hr.Rep(
            name=str(r.name),
            role=str(r.role),
            start=_given(r.start) or s.first_month - 120,
            end=_given(r.end),
            salary=float(r.annual_salary),
            burden=s.default_burden if _given(r.burden) is None else float(r.burden),
            annual_quota=float(r.annual_quota),
        )
        for r in reps.itertuples(index=False)
    ]


@dataclass(frozen=True)
class HiringReport:
    """Everything the hiring-timeline notebook shows."""

    assumptions: hr.HiringAssumptions
    objective: pd.Series
    plan: hr.HiringPlan
    bad_hire: float
    bad_hire_months: int
    sensitivity: pd.DataFrame | None
    simulation: hr.HiringMonteCarlo | None

    def figures(self) -> dict[str, float | int | None]:
        plan = self.plan
        cap = plan.capacity
        figures: dict[str, float | int | None] = {
            "full_productivity": plan.productivity,
            "ramp_months": self.assumptions.ramp_length,
            "lead_time_months": self.assumptions.lead_time_months,
            "attainment": self.assumptions.attainment,
            "attrition_rate": self.assumptions.attrition_rate,
            "objective_total": float(cap["objective"].sum()),
            "capacity_total": float(cap["capacity"].sum()),
            "gap_total": float(cap["gap"].clip(lower=0).sum()),
            "hires": plan.hires,
            "late_hires": plan.late_hires,
            "shortfall": plan.shortfall,
            "first_requisition": str(plan.schedule["open_req_by"].min()) if plan.hires else None,
            "headcount_start": int(cap["headcount"].iloc[0]),
            "headcount_end": int(cap["headcount"].iloc[-1]),
            "required_end": int(cap["required"].iloc[-1]),
            "plan_cost": plan.total_cost,
            "recruiting_cost": float(plan.costs["recruiting"].sum()),
            "bad_hire_cost": self.bad_hire,
        }
        if self.simulation is not None:
            summary = self.simulation.summary
            for q in ("p10", "p50", "p90"):
                figures[f"simulated_hires_{q}"] = float(summary.loc[q, "hires"])
                figures[f"simulated_shortfall_{q}"] = float(summary.loc[q, "shortfall"])
        return figures

    def tables(self) -> dict[str, pd.DataFrame]:
        as_text = {c: str for c in ("month_needed", "open_req_by", "start_by", "productive_by")}
        schedule = self.plan.schedule.astype(
            {k: v for k, v in as_text.items() if k in self.plan.schedule}
        )
        capacity = self.plan.capacity.set_axis(self.plan.capacity.index.astype(str), axis=0)
        headcount = self.plan.headcount.set_axis(self.plan.headcount.index.astype(str), axis=0)
        people = self.plan.people.astype(
            {c: str for c in ("open_req_by", "start", "productive_by", "end")}
        )
        tables = {
            "Hiring schedule": schedule.set_index("name"),
            "Capacity vs objective": capacity,
            "Headcount by role": headcount,
            "Organisation plan": people.set_index("name"),
            "Hiring costs": self.plan.costs.set_axis(self.plan.costs.index.astype(str), axis=0),
        }
        if self.sensitivity is not None:
            tables["Hiring sensitivity"] = self.sensitivity.set_index(["driver", "case"])
        return tables


def hiring_report(
    client: Client,
    *,
    ramp_months: int | None = None,
    lead_time_months: int | None = None,
    attainment: float | None = None,
    attrition_rate: float | None = None,
    simulate: bool = True,
    objective: pd.Series | None = None,
) -> HiringReport:
    """The hiring timeline; the four drivers override the settings when given.

    ``simulate=False`` skips the sensitivity table and the Monte Carlo runs (the
    live panel and the pro forma need only the plan). ``objective`` may be passed
    to reuse one already worked out.
    """
    h = client.settings.hiring
    if h is None:
        raise ValueError("settings.yaml has no 'hiring' section: the hiring timeline needs one")
    a = hiring_assumptions(
        client,
        ramp_months=ramp_months,
        lead_time_months=lead_time_months,
        attainment=attainment,
        attrition_rate=attrition_rate,
    )
    objective = hiring_objective(client) if objective is None else objective
    reps = hiring_reps(client)
    as_of = client.settings.as_of_month
    plan = hr.hiring_plan(objective, reps, a, as_of)
    return HiringReport(
        assumptions=a,
        objective=objective,
        plan=plan,
        bad_hire=hr.bad_hire_cost(a.salary, a.burden, h.bad_hire_months),
        bad_hire_months=h.bad_hire_months,
        sensitivity=hr.sensitivity(objective, reps, a, as_of) if simulate else None,
        simulation=hr.monte_carlo(objective, reps, a, as_of, runs=h.runs, seed=h.seed)
        if simulate
        else None,
    )
