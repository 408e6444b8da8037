"""The annual sales plan, from a loaded client (notebook 01).

:func:`plan_goals` works out the goal, its months and quarters, the reps' share
of it and the 18 months of objectives (what the hiring timeline needs from the
plan, and nothing more); :func:`plan_report` adds the quotas, the rep business
plans, the planning answers, the goal beside the revenue plan and the check of
the quotas against the hiring timeline's team. Every table, key figure and
sentence the notebook shows comes from the frozen :class:`PlanReport`.

The reps' share of the goal is one setting, ``plan.new_business_share``
(:func:`new_business_share`): the quotas split the company goal x that share, and
the hiring timeline's objective is the same share of the plan's months, so the
two speak of the same money. Values taken from a client table are checked where
the calculation takes them, inside :func:`salesnb.errors.located`, so a bad one
is reported with its file, row and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from salesnb import plan as pl
from salesnb.analysis._common import given, month_index
from salesnb.errors import InputError, located
from salesnb.format import Table, money, pct
from salesnb.io import PLANNING_QUESTIONS, SETTINGS_FILE, Client, Settings
from salesnb.plan import HEALTHY_QUOTA_TO_OTE

if TYPE_CHECKING:
    from salesnb.analysis.hiring import HiringReport

__all__ = [
    "Goals",
    "PlanReport",
    "file_name",
    "new_business_share",
    "plan_goals",
    "plan_report",
    "quota_rep_rows",
    "quota_reps",
    "quota_vs_capacity",
    "roster_quota_reps",
]


def file_name(client: Client, table: str) -> str:
    """The file a client table was read from (``roster.csv``, ``roster.xlsx``), for messages."""
    named = getattr(client, "file", None)
    return named(table) if callable(named) else f"{table}.csv"


def new_business_share(settings: Settings) -> float:
    """The share of the goal the reps carry as new business: one figure for plan and hiring.

    ``plan.new_business_share``; a folder written before the plan had it may give
    ``hiring.new_business_share`` instead, and the two may not disagree. 1 when
    neither is given.

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> new_business_share(S(plan=S(new_business_share=None), hiring=S(new_business_share=0.6)))
    0.6
    """
    plan = settings.plan.new_business_share if settings.plan is not None else None
    hiring = settings.hiring.new_business_share if settings.hiring is not None else None
    if plan is not None and hiring is not None and plan != hiring:
        raise InputError(
            f"hiring.new_business_share: {hiring:g} differs from plan.new_business_share "
            f"{plan:g}; the plan's quotas and the hiring timeline's objective are the same "
            f"money, so give the share once, as plan.new_business_share",
            file=SETTINGS_FILE,
            column="hiring.new_business_share",
        )
    share = plan if plan is not None else hiring
    return 1.0 if share is None else float(share)


#: How the goal was set, as :attr:`Goals.source` names it.
GOAL_SOURCES = ("growth", "given", "revenue_plan")


@dataclass(frozen=True)
class Goals:
    """The year's goal, spread over its months and quarters, and the objectives beyond.

    Attributes
    ----------
    prior : Series
        Last year's revenue, the twelve months before the plan's first (NaN
        where the actuals lack a month).
    goal, growth : float
        The year's goal, and the growth on last year it stands for.
    source : str
        How the goal was set: ``growth`` (last year x (1 + growth)), ``given``
        (an amount in the settings) or ``revenue_plan`` (the revenue plan's
        months are the goal).
    shares, monthly, quarterly : Series
        Each month's share of the year, the monthly goals and their quarters.
    objectives, objective_quarters : Series
        Revenue objectives over at least 18 months (the plan's months, then the
        same months grown again), and by quarter.
    new_business_share : float
        The share of the goal the reps carry (:func:`new_business_share`).
    quota_goal : float
        goal x new_business_share, to the cent: what the quotas split.
    revenue_plan : Series
        The revenue plan's total of each plan month (NaN where it has none): what
        the pro forma and its stress test use.
    """

    prior: pd.Series
    goal: float
    growth: float
    source: str
    shares: pd.Series
    monthly: pd.Series
    quarterly: pd.Series
    objectives: pd.Series
    objective_quarters: pd.Series
    new_business_share: float
    quota_goal: float
    revenue_plan: pd.Series

    @property
    def given_goal(self) -> bool:
        """The goal was not grown from last year (given, or the revenue plan's): growth is implied."""
        return self.source != "growth"

    @property
    def reconciliation(self) -> pd.DataFrame:
        """The goal and the revenue plan by quarter, with the difference (see
        :func:`salesnb.plan.goal_vs_revenue_plan`)."""
        return pl.goal_vs_revenue_plan(self.monthly, self.revenue_plan)


def plan_goals(client: Client, *, growth: float | None = None) -> Goals:
    """The goal and the objectives the settings' ``plan`` section (or ``growth``) gives.

    ``growth`` overrides the settings' way of setting the goal: the goal is then
    last year x (1 + growth), spread like last year (or as ``plan.seasonality``
    says). With ``plan.goal: revenue_plan`` the monthly goals are the revenue
    plan's monthly totals, exactly, and the seasonal shares are theirs.
    """
    s = client.settings
    p = s.plan
    if p is None:
        raise InputError("settings.yaml has no 'plan' section: the annual plan needs one")
    first = s.first_month
    actuals = client.actuals.set_index("month")["revenue"].astype(float)
    prior_months = pd.period_range(first - 12, first - 1, freq="M", name="month")
    prior = actuals.reindex(prior_months)
    prior_total = float(prior.sum()) if prior.notna().all() else 0.0
    revenue_file = file_name(client, "revenue_plan")
    with located(revenue_file, column="revenue"):
        planned = pl.revenue_plan_totals(client.revenue_plan, first)
    if growth is not None:
        source = "growth"
    elif p.goal == "revenue_plan":
        source = "revenue_plan"
    elif p.goal is not None:
        source = "given"
    else:
        source, growth = "growth", p.growth
    with located(file_name(client, "actuals"), column="revenue"):
        if source == "revenue_plan":
            with located(revenue_file, column="revenue"):
                monthly = pl.goals_from_revenue_plan(client.revenue_plan, first)
            goal = pl.company_goal(given=float(monthly.sum()))
            shares = pl.seasonality(given={m.month: v for m, v in monthly.items()}, fy_start=first)
        else:
            if source == "given":
                goal = pl.company_goal(given=p.goal)
            else:
                goal = pl.company_goal(actuals, growth=growth, fy_start=first)
            if isinstance(p.seasonality, list):
                shares = pl.seasonality(given=p.seasonality, fy_start=first)
            else:
                shares = pl.seasonality(actuals, mode=p.seasonality, fy_start=first)
            monthly = pl.monthly_goals(goal, shares, first)
    if source != "growth":
        growth = goal / prior_total - 1.0 if prior_total else 0.0
    share = new_business_share(s)
    horizon = s.hiring.horizon_months if s.hiring else 18
    objectives = pl.objectives(monthly, growth, months=max(18, horizon))
    quarters = objectives.iloc[: len(objectives) // 3 * 3]
    return Goals(
        prior=prior,
        goal=goal,
        growth=float(growth),
        source=source,
        shares=shares,
        monthly=monthly,
        quarterly=pl.quarterly_goals(monthly),
        objectives=objectives,
        objective_quarters=pl.quarterly_goals(quarters),
        new_business_share=share,
        quota_goal=pl.company_goal(given=goal * share),
        revenue_plan=planned,
    )


def quota_rep_rows(client: Client) -> pd.DataFrame:
    """The roster's rows that carry quota, indexed by their row in the file.

    A row with an ``annual_quota`` carries that quota; a row without one carries
    a share of the rest when its role is one of ``plan.quota_roles`` (by default,
    the roles in which someone has an annual_quota: an account executive not yet
    given a quota shares what the others' quotas leave).
    """
    roster = client.roster
    own = roster["annual_quota"].notna()
    p = client.settings.plan
    listed = p.quota_roles if p is not None else None
    roles = set(roster.loc[own, "role"]) if listed is None else set(listed)
    return roster[own | roster["role"].isin(roles)]


def roster_quota_reps(client: Client) -> list[tuple[int, pd.Series, pl.QuotaRep]]:
    """Each quota-carrying roster row: its row in the file, its cells, and the plan's rep.

    Each row is read inside :func:`salesnb.errors.located`, so a value that
    cannot be used (a quota or on-target earnings of 0) is reported at its row
    and column of the roster. The hiring timeline reads its reps through this
    too, so a bad cell is one problem, in the same words, whichever part meets it.
    """
    p = client.settings.plan
    weights = p.weights if p is not None else {}
    roster_file = file_name(client, "roster")
    reps = []
    for row, r in quota_rep_rows(client).iterrows():
        try:
            with located(roster_file, row=int(row)):
                rep = pl.QuotaRep(
                    name=str(r["name"]),
                    weight=float(weights.get(r["name"], 1.0)),
                    start=given(r["start"]),
                    end=given(r["end"]),
                    on_target_earnings=given(r["on_target_earnings"]),
                    annual_quota=given(r["annual_quota"]),
                )
        except InputError as exc:
            if exc.column != "weight":
                raise
            # the weight comes from the settings, not from the roster
            raise InputError(
                str(exc), file=SETTINGS_FILE, column=f"plan.weights.{r['name']}"
            ) from exc
        reps.append((int(row), r, rep))
    return reps


def quota_reps(client: Client) -> list[pl.QuotaRep]:
    """The roster's quota carriers (:func:`quota_rep_rows`) as the plan takes them.

    A weight in ``plan.weights`` must name a rep without an annual_quota of their
    own: an own quota is kept as it is, so a weight on it would do nothing.
    """
    p = client.settings.plan
    weights = p.weights if p is not None else {}
    roster_file = file_name(client, "roster")
    reps = [rep for _, _, rep in roster_quota_reps(client)]
    own = {rep.name for rep in reps if rep.annual_quota is not None}
    names = {rep.name for rep in reps}
    for name in weights:
        where = {"file": SETTINGS_FILE, "column": f"plan.weights.{name}"}
        if name in own:
            raise InputError(
                f"plan.weights: {name} has an annual_quota in {roster_file}, which is kept as "
                f"it is; a weight only shares the rest among reps without one (remove it)",
                **where,
            )
        if name not in names:
            raise InputError(
                f"plan.weights: {name!r} is not a rep in {roster_file} (a row with an "
                f"annual_quota, or in one of the quota roles)",
                **where,
            )
    return reps


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


def _to_cents(value: float) -> int:
    return round(float(value) * 100)


def _amount(value: float, currency: str) -> str:
    """An amount in a sentence: to the cent when it is small, so it never reads $0."""
    return money(value, currency, cents=abs(value) < 10)


def _or_none(value: object) -> float | None:
    return None if pd.isna(value) else float(value)


def _quarter_months(index: pd.PeriodIndex, quarters: int) -> list[pd.PeriodIndex]:
    return [index[3 * q : 3 * q + 3] for q in range(quarters)]


def team_funnel(business_plans: dict[str, pl.BusinessPlan]) -> pd.DataFrame:
    """The team's funnel: each rep's whole counts added up.

    A rep cannot create 10.4 opportunities, so each rep's counts are rounded up
    first (as :func:`salesnb.plan.business_plan` does) and the team's are their
    sum: the team column of the business-plan table is the sum of the reps'
    columns, and ``opportunities_needed`` in ``figures.json`` is the same number.
    """
    plans = list(business_plans.values())
    funnel = plans[0].funnel[["conversion"]].copy()
    for period in ("per_week", "per_month", "per_year"):
        funnel[period] = sum(p.funnel[period] for p in plans).astype(np.int64)
    return funnel


@dataclass(frozen=True)
class FunnelView:
    """One funnel as the business-plan chart shows it: the team's or one rep's.

    Attributes
    ----------
    who : str
        ``"The team"`` or the rep's name.
    funnel : DataFrame
        The funnel's rows (see :class:`salesnb.plan.BusinessPlan`); the team's
        counts are the reps' whole counts added up.
    quota : float
        The year's quota it answers for.
    pipeline_a_month : float
        Pipeline to create in an average month with quota: each rep's pipeline
        over the months they carry quota, added up for the team, as the counts are.
    won_a_month : float
        That pipeline won at the win rate.
    share_of_quota : float or None
        What the year's pipeline wins, as a share of the quota (None without quota).
    """

    who: str
    funnel: pd.DataFrame
    quota: float
    pipeline_a_month: float
    won_a_month: float
    share_of_quota: float | None

    @property
    def short(self) -> bool:
        """The planned pipeline, won at the win rate, falls short of the quota."""
        return self.share_of_quota is not None and self.share_of_quota < 1 - 1e-9


@dataclass(frozen=True)
class PlanReport:
    """Everything the annual-plan notebook shows."""

    goals: Goals
    over_assignment: float
    stretch: float
    coverage: float
    quotas: pd.DataFrame
    monthly_quotas: pd.DataFrame
    business_plans: dict[str, pl.BusinessPlan]
    team_funnel: pd.DataFrame
    questions: dict[str, list[str]]
    assumptions: pd.DataFrame
    average_deal: float
    win_rate: float
    cycle_months: float
    balance: pl.QuotaBalance
    capacity: pd.DataFrame | None = None

    # The goal's parts, as the plan names them.
    @property
    def prior(self) -> pd.Series:
        return self.goals.prior

    @property
    def goal(self) -> float:
        return self.goals.goal

    @property
    def growth(self) -> float:
        return self.goals.growth

    @property
    def given_goal(self) -> bool:
        return self.goals.given_goal

    @property
    def source(self) -> str:
        return self.goals.source

    @property
    def new_business_share(self) -> float:
        return self.goals.new_business_share

    @property
    def quota_goal(self) -> float:
        return self.goals.quota_goal

    @property
    def revenue_plan(self) -> pd.Series:
        return self.goals.revenue_plan

    @property
    def reconciliation(self) -> pd.DataFrame:
        return self.goals.reconciliation

    @property
    def shares(self) -> pd.Series:
        return self.goals.shares

    @property
    def monthly(self) -> pd.Series:
        return self.goals.monthly

    @property
    def quarterly(self) -> pd.Series:
        return self.goals.quarterly

    @property
    def objectives(self) -> pd.Series:
        return self.goals.objectives

    @property
    def objective_quarters(self) -> pd.Series:
        return self.goals.objective_quarters

    @property
    def pipeline_needed(self) -> float:
        """The pipeline the reps must create over the year, in total."""
        return float(sum(b.pipeline for b in self.business_plans.values()))

    @property
    def pipeline_lag(self) -> int:
        """Months between a pipeline's entry and the quota month it serves."""
        monthly = next(iter(self.business_plans.values())).monthly
        return int((monthly.index[0] - monthly["enter_by"].iloc[0]).n)

    def figures(self) -> dict[str, float | int | None]:
        """The headline figures, as ``figures.json`` names them (see the README)."""
        q = self.quotas
        ratios = q["quota_to_ote"].dropna()
        return {
            "prior_year_revenue": float(self.prior.sum()),
            "growth": self.growth,
            "goal": self.goal,
            "new_business_share": self.new_business_share,
            "quota_goal": self.quota_goal,
            "revenue_plan_total": _or_none(self.reconciliation.loc["Year", "revenue_plan"]),
            "revenue_plan_difference": _or_none(self.reconciliation.loc["Year", "difference"]),
            "stretch": self.stretch,
            "over_assignment": self.over_assignment,
            "quota_target": self.balance.target,
            "assigned_quota": self.balance.assigned,
            "quota_difference": self.balance.difference,
            "stretch_quota": float(q["stretch_quota"].sum()),
            "reps_with_quota": len(q),
            "quota_to_ote_min": float(ratios.min()) if len(ratios) else None,
            "quota_to_ote_max": float(ratios.max()) if len(ratios) else None,
            "reps_outside_healthy_ote": int((q["ote_check"].isin(["low", "high"])).sum()),
            "coverage": self.coverage,
            "pipeline_needed": self.pipeline_needed,
            "opportunities_needed": float(self.team_funnel.loc["opportunities", "per_year"]),
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

    # -- the tables a client reads: shown by the notebook, written to the workbook --

    def goals_table(self) -> Table:
        """Month by month: last year, the goal, the change and the month's share of the year."""
        prior = self.prior.to_numpy(dtype=float)
        goal = self.monthly.to_numpy()
        frame = pd.DataFrame(
            {
                "Same month last year": prior,
                "Goal": goal,
                "Change": goal / prior - 1.0,
                "Share of the year": self.shares.to_numpy(),
            },
            index=month_index(self.monthly.index),
        )
        total_prior = float(self.prior.sum(min_count=len(self.prior)))
        frame.loc["Total"] = [total_prior, self.goal, self.goal / total_prior - 1.0, 1.0]
        return Table(frame, percent_columns=("Change", "Share of the year"))

    def prior_quarters(self) -> np.ndarray:
        """Last year's quarters; NaN for a quarter with a month missing from the actuals."""
        values = self.prior.to_numpy(dtype=float).reshape(-1, 3)
        return np.where(np.isnan(values).any(axis=1), np.nan, np.nansum(values, axis=1))

    def quarters_table(self) -> Table:
        """Quarter by quarter: the months, last year, the goal and the change."""
        prior = self.prior_quarters()
        spans = _quarter_months(self.monthly.index, len(self.quarterly))
        frame = pd.DataFrame(
            {
                "Months": [f"{m[0]} to {m[-1]}" for m in spans],
                "Last year": prior,
                "Goal": self.quarterly.to_numpy(),
                "Change": self.quarterly.to_numpy() / prior - 1.0,
            },
            index=pd.Index(self.quarterly.index, name="Quarter"),
        )
        return Table(frame, percent_columns=("Change",))

    def reconciliation_table(self) -> Table:
        """Quarter by quarter: the goal, the revenue plan the stress test uses, the difference."""
        rec = self.reconciliation
        spans = _quarter_months(self.monthly.index, 4)
        frame = pd.DataFrame(
            {
                "Months": [f"{m[0]} to {m[-1]}" for m in spans]
                + [f"{self.monthly.index[0]} to {self.monthly.index[-1]}"],
                "Goal": rec["goal"].to_numpy(),
                "Revenue plan (stress test)": rec["revenue_plan"].to_numpy(),
                "Revenue plan less goal": rec["difference"].to_numpy(),
            },
            index=pd.Index(rec.index, name="Quarter"),
        )
        return Table(frame.astype(object).where(frame.notna(), None), text_columns=("Months",))

    def quota_table(self) -> Table:
        """One row per rep and a total: months, quota, stretch, and the quota-to-OTE check."""
        q = self.quotas
        frame = pd.DataFrame(
            {
                "Quota from": ["roster" if own else "share of the rest" for own in q["own_quota"]],
                "Months employed": [str(m) for m in q["months_employed"]],
                "Quota": q["quota"].to_numpy(),
                "Stretch quota": q["stretch_quota"].to_numpy(),
                "Full-year quota": q["full_year_quota"].to_numpy(),
                "On-target earnings": q["on_target_earnings"].to_numpy(),
                "Quota to OTE": ["" if pd.isna(r) else f"{r:.1f}x" for r in q["quota_to_ote"]],
                "Check": list(q["ote_check"]),
            },
            index=pd.Index(q["rep"], name="Rep"),
        )
        frame.loc["Total"] = [
            "",
            "",
            float(q["quota"].sum()),
            float(q["stretch_quota"].sum()),
            None,
            None,
            "",
            "",
        ]
        return Table(
            frame.astype(object).where(frame.notna(), None),
            text_columns=("Quota from", "Months employed", "Quota to OTE", "Check"),
        )

    def capacity_table(self) -> Table | None:
        """The quotas against the hiring timeline's expected capacity, by quarter and year."""
        if self.capacity is None:
            return None
        frame = self.capacity.rename(
            columns={
                "quota": "Quota assigned",
                "capacity": "Expected from the team",
                "capacity_to_quota": "Expected share of quota",
            }
        )
        frame.index.name = "Quarter"
        return Table(frame, percent_columns=("Expected share of quota",))

    def business_plan_table(self) -> Table:
        """What each rep's quota asks for, one column per rep and one for the team.

        Rows: the quota, the pipeline to create (coverage x quota), then
        opportunities and each activity of the funnel a month and a week
        (averages over the months the rep carries quota, rounded up; the team's
        are the reps' added up). Counts are text, so they are never shown as money.
        """
        funnels = {rep: plan.funnel for rep, plan in self.business_plans.items()}
        funnels["Team"] = self.team_funnel
        quota = {rep: plan.quota for rep, plan in self.business_plans.items()}
        pipeline = {rep: plan.pipeline for rep, plan in self.business_plans.items()}
        quota["Team"] = float(sum(quota.values()))
        pipeline["Team"] = float(sum(pipeline.values()))
        stages = list(self.team_funnel.index)
        order = ["opportunities", *[s for s in stages if s != "opportunities"]]
        rows = ["Quota", "Pipeline to create"]
        for stage in order:
            rows += [f"{stage.capitalize()} a month", f"{stage.capitalize()} a week"]
        columns: dict[str, list[object]] = {}
        for name, funnel in funnels.items():
            cells: list[object] = [quota[name], pipeline[name]]
            for stage in order:
                cells += [
                    f"{funnel.loc[stage, 'per_month']:,}",
                    f"{funnel.loc[stage, 'per_week']:,}",
                ]
            columns[name] = cells
        return Table(
            pd.DataFrame(
                columns, index=pd.Index(rows, name="What the quota asks for"), dtype=object
            )
        )

    def pipeline_timing_table(self) -> Table:
        """For each quota month: the month its pipeline must enter, each rep's, the team's."""
        first = next(iter(self.business_plans.values())).monthly
        frame = pd.DataFrame(
            {rep: plan.monthly["pipeline"].to_numpy() for rep, plan in self.business_plans.items()},
            index=month_index(first.index, "Quota month"),
        )
        frame["Team"] = frame.sum(axis=1)
        frame.insert(0, "Pipeline must enter by", [str(m) for m in first["enter_by"]])
        return Table(frame, text_columns=("Pipeline must enter by",))

    def objectives_table(self) -> Table:
        """Each quarter of the objectives: its months, the objective, and which year it is in."""
        quarters = self.objective_quarters
        plan_quarters = len(self.quarterly)
        spans = _quarter_months(self.objectives.index, len(quarters))
        frame = pd.DataFrame(
            {
                "Months": [f"{m[0]} to {m[-1]}" for m in spans],
                "Objective": quarters.to_numpy(),
                "Basis": [
                    "plan year" if k < plan_quarters else f"plan's months {self.growth:+.0%}"
                    for k in range(len(quarters))
                ],
            },
            index=pd.Index(quarters.index, name="Quarter"),
        )
        return Table(frame, text_columns=("Months", "Basis"))

    def monthly_quotas_table(self) -> Table:
        """Each rep's quota month by month (the months employed, ramp applied)."""
        frame = self.monthly_quotas.set_axis(month_index(self.monthly_quotas.index), axis=0)
        return Table(frame)

    def assumptions_table(self) -> Table:
        """The assumptions the plan rests on, and whether each still holds."""
        frame = self.assumptions.rename(
            columns={"assumption": "Assumption", "still_true": "Still true?", "note": "Note"}
        )
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="")
        return Table(frame, text_columns=tuple(frame.columns))

    def tables(self) -> dict[str, Table]:
        """Every table of the section, in the order the notebook shows them."""
        tables = {
            "Monthly goals": self.goals_table(),
            "Quarterly goals": self.quarters_table(),
            "Goal and revenue plan": self.reconciliation_table(),
            "Quotas": self.quota_table(),
            "Monthly quotas": self.monthly_quotas_table(),
        }
        capacity = self.capacity_table()
        if capacity is not None:
            tables["Quota vs team capacity"] = capacity
        tables |= {
            "Rep business plans": self.business_plan_table(),
            "Pipeline timing": self.pipeline_timing_table(),
            "Objectives (18 months)": self.objectives_table(),
        }
        return tables

    # -- the key figures a client reads, already formatted --

    def heading_summary(self, currency: str) -> dict[str, str]:
        months = self.monthly.index
        return {
            "Plan year": f"{months[0]} to {months[-1]}",
            "Reps carrying quota": f"{len(self.quotas)}",
            "Share of the goal the reps carry": pct(self.new_business_share, 0),
            "Quota to assign, as a share of the reps' goal": pct(self.over_assignment, 0),
            "Stretch goal above quota": pct(self.stretch, 0),
            "Pipeline coverage": f"{self.coverage:g}x quota",
        }

    def goal_summary(self, currency: str) -> dict[str, str]:
        prior = self.prior
        how = {"given": " (given)", "revenue_plan": " (the revenue plan's)", "growth": ""}
        last_year = f"Last year's revenue ({prior.index[0]} to {prior.index[-1]})"
        return {
            last_year: money(prior.sum(min_count=len(prior)), currency),
            "Growth": pct(self.growth) + (" (implied by the goal)" if self.given_goal else ""),
            "Goal for the year": money(self.goal, currency) + how[self.source],
            "Share the reps must bring in as new business": pct(self.new_business_share, 0),
            "The reps' share of the goal (what the quotas carry)": money(self.quota_goal, currency),
        }

    def reconciliation_text(self, currency: str) -> str:
        """The goal and the revenue plan in one sentence, and which one the stress test uses."""
        year = self.reconciliation.loc["Year"]
        if self.source == "revenue_plan":
            return (
                f"The goal is the revenue plan ({money(year['goal'], currency)} for the year), "
                "so the sales plan and the stress test, which uses the revenue plan, speak of "
                "the same sales."
            )
        missing = self.revenue_plan.index[self.revenue_plan.isna()]
        if len(missing):
            return (
                f"The revenue plan has no revenue for {len(missing)} of the plan year's "
                f"months ({missing[0]} first), so it cannot be set beside the goal for the "
                "whole year; the stress test uses the revenue plan."
            )
        difference = float(year["difference"])
        plan = money(year["revenue_plan"], currency)
        goal = money(year["goal"], currency)
        if _to_cents(difference) == 0:
            return (
                f"The revenue plan, which the stress test uses, comes to {plan} for the year: "
                "the same as the goal."
            )
        side = "above" if difference > 0 else "below"
        return (
            f"The revenue plan, which the stress test uses, comes to {plan} for the year, "
            f"{_amount(abs(difference), currency)} {side} the goal of {goal}: one of the two "
            "needs another look, so that both speak of the same year (the plan can also take "
            "the revenue plan as its goal)."
        )

    def quota_summary(self, currency: str) -> dict[str, str]:
        """The quotas assigned against the reps' share of the goal x over-assignment."""
        b = self.balance
        own = int(self.quotas["own_quota"].sum())
        return {
            "The reps' share of the goal": money(self.quota_goal, currency),
            f"x over-assignment of {pct(self.over_assignment, 0)}: quotas to assign": money(
                b.target, currency
            ),
            "Quotas assigned": money(b.assigned, currency),
            "Of which the roster's own quotas": (
                f"{money(float(self.quotas.loc[self.quotas['own_quota'], 'quota'].sum()), currency)}"
                f" ({own} of {len(self.quotas)} reps)"
            ),
            "Check": self.balance_text(currency),
        }

    def balance_text(self, currency: str) -> str:
        """The quotas' total against what they should add up to, in one sentence."""
        b = self.balance
        sharing = int((~self.quotas["own_quota"]).sum())
        if b.status == "balanced":
            return f"the quotas add up to {money(b.target, currency)}, as they should"
        gap = _amount(abs(b.difference), currency)
        if b.status == "excess":
            carry = (
                f"; the {sharing} rep{'s' if sharing != 1 else ''} without one carr"
                f"{'y' if sharing != 1 else 'ies'} no quota"
                if sharing
                else ""
            )
            return (
                f"an excess of {gap}: the roster's own quotas add up to more than the "
                f"reps' share of the goal x over-assignment{carry}"
            )
        return (
            f"a shortfall of {gap}: the roster's own quotas leave that much of the goal "
            "x over-assignment with no rep to carry it (a rep without a quota of their own in "
            "the roster would carry a share of the rest)"
        )

    def funnel_summary(self, currency: str) -> dict[str, str]:
        return {
            "Average deal": money(self.average_deal, currency),
            "Win rate": pct(self.win_rate, 0),
            "Sales cycle": f"{self.cycle_months:g} months from opportunity to close",
            "Pipeline coverage in the plan": f"{self.coverage:g}x quota",
            "Coverage the win rate needs": f"{1 / self.win_rate:.2f}x quota",
            "Share of quota the planned pipeline wins": pct(self.coverage * self.win_rate, 0),
        }

    def panel_summary(self, currency: str) -> dict[str, str]:
        q = self.quotas
        return {
            "Goal": f"{money(self.goal, currency)} ({pct(self.growth)} on last year)",
            "The reps' share of the goal": money(self.quota_goal, currency),
            "Quota assigned": f"{money(self.balance.assigned, currency)} ({self.balance_text(currency)})",
            "Stretch quotas": money(q["stretch_quota"].sum(), currency),
            "Pipeline needed": money(self.pipeline_needed, currency),
        }

    def ote_text(self) -> str:
        """The quota-to-OTE check of the whole team in one sentence."""
        q = self.quotas[self.quotas["quota_to_ote"].notna()]
        low, high = HEALTHY_QUOTA_TO_OTE
        band = f"{low:g}-{high:g}x"
        if q.empty:
            return "No rep's on-target earnings are given, so quota to OTE is not checked."
        outside = q[q["ote_check"].isin(["low", "high"])]
        span = f"{q['quota_to_ote'].min():.1f}x to {q['quota_to_ote'].max():.1f}x"
        if outside.empty:
            every = "The rep" if len(q) == 1 else f"All {len(q)} reps"
            return (
                f"{every} with on-target earnings given {'has' if len(q) == 1 else 'have'} a "
                f"full-year quota of {band} those earnings ({span}): healthy."
            )
        listed = ", ".join(
            f"{r.rep} ({r.quota_to_ote:.1f}x, {r.ote_check})" for r in outside.itertuples()
        )
        verb = "falls" if len(outside) == 1 else "fall"
        return (
            f"{len(outside)} of {len(q)} reps with on-target earnings given {verb} outside "
            f"{band}: {listed}. A quota far above 6x the pay is likely out of reach; far "
            "below 4x, the pay is high for the sales."
        )

    def capacity_text(self, currency: str) -> str | None:
        """What the hiring timeline's team is expected to bring in against the quotas."""
        if self.capacity is None:
            return None
        year = self.capacity.loc["Year"]
        quota, capacity, share = year["quota"], year["capacity"], year["capacity_to_quota"]
        if pd.isna(share):
            return "No quota is assigned for the year, so there is nothing for the team to carry."
        head = (
            f"Over the year the team is expected to bring in {money(capacity, currency)}, "
            f"{pct(share, 0)} of the {money(quota, currency)} of quotas"
        )
        if capacity >= quota:
            return head + ": enough to carry them."
        short = f", {money(quota - capacity, currency)} short"
        if capacity >= self.quota_goal:
            return (
                head + f"{short} of the quotas, though it covers the reps' share of the goal "
                f"({money(self.quota_goal, currency)}): the quotas ask for more than the goal "
                "needs."
            )
        return (
            head + f"{short}: better attainment, more or earlier hires, or lower quotas would "
            "close the gap."
        )

    def sanity_checks(self, currency: str) -> list[str]:
        """The plan's checks in plain sentences, each from the figure it describes."""
        checks = [
            f"Quotas: {self.balance_text(currency)}.",
            self.ote_text(),
            self.reconciliation_text(currency),
        ]
        capacity = self.capacity_text(currency)
        return checks if capacity is None else [*checks, capacity]

    def funnel_view(self, rep: str | None = None) -> FunnelView:
        """The team's funnel (``rep`` None) or one rep's, with its money a month."""
        if rep is None:
            plans = list(self.business_plans.values())
            funnel, who = self.team_funnel, "The team"
        else:
            plans = [self.business_plans[rep]]
            funnel, who = plans[0].funnel, rep
        quota = float(sum(p.quota for p in plans))
        pipeline = float(sum(p.pipeline for p in plans))
        a_month = float(sum(p.pipeline / max(p.active_months, 1) for p in plans))
        return FunnelView(
            who=who,
            funnel=funnel,
            quota=quota,
            pipeline_a_month=a_month,
            won_a_month=a_month * self.win_rate,
            share_of_quota=pipeline * self.win_rate / quota if quota else None,
        )

    def ote_note(self, rep: str) -> str:
        """A rep's quota-to-OTE check in words, for the quota chart."""
        row = self.quotas.set_index("rep").loc[rep]
        low, high = HEALTHY_QUOTA_TO_OTE
        if pd.isna(row["quota_to_ote"]):
            return "no OTE given"
        note = f"{row['quota_to_ote']:.1f}x OTE"
        if row["ote_check"] == "high":
            note += f", above {low:g}-{high:g}x"
        elif row["ote_check"] == "low":
            note += f", below {low:g}-{high:g}x"
        if row["months_employed"] < len(self.monthly):
            note += f"\npart year ({row['months_employed']} months): ratio on a full-year quota"
        return note


def plan_report(
    client: Client,
    *,
    growth: float | None = None,
    stretch: float | None = None,
    coverage: float | None = None,
    hiring: HiringReport | None = None,
) -> PlanReport:
    """The annual sales plan; ``growth``, ``stretch`` and ``coverage`` override the settings.

    The quotas carry the reps' share of the goal (goal x ``new_business_share``)
    x over-assignment: a rep with an annual_quota in the roster keeps it
    (prorated to the months employed) and the reps without one share the rest;
    :attr:`PlanReport.balance` sets the total against what it should be.

    With a ``hiring`` section, the quotas are checked against the team the
    hiring timeline expects; ``hiring`` passes that timeline when it is already
    worked out, otherwise it is worked out here once, for this plan's objectives.
    """
    s = client.settings
    p = s.plan
    goals = plan_goals(client, growth=growth)
    first = s.first_month
    stretch = p.stretch if stretch is None else stretch
    coverage = p.coverage if coverage is None else coverage
    reps = quota_reps(client)
    quotas = pl.assign_quotas(
        goals.quota_goal,
        goals.shares,
        first,
        reps,
        over_assignment=p.over_assignment,
        ramp=p.ramp,
        stretch=stretch,
    )
    monthly_quotas = pl.monthly_quotas(
        goals.quota_goal, goals.shares, first, reps, over_assignment=p.over_assignment, ramp=p.ramp
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
        if hiring is None:
            from salesnb.analysis.hiring import hiring_objective, hiring_report

            hiring = hiring_report(
                client, simulate=False, objective=hiring_objective(client, goals)
            )
        capacity = quota_vs_capacity(monthly_quotas.sum(axis=1), hiring.plan.capacity["capacity"])
    return PlanReport(
        goals=goals,
        over_assignment=p.over_assignment,
        stretch=float(stretch),
        coverage=float(coverage),
        quotas=quotas,
        monthly_quotas=monthly_quotas,
        business_plans=plans,
        team_funnel=team_funnel(plans),
        questions=questions,
        assumptions=assumptions,
        average_deal=p.average_deal,
        win_rate=p.win_rate,
        cycle_months=p.cycle_months,
        balance=pl.quota_balance(quotas, goals.quota_goal, p.over_assignment),
        capacity=capacity,
    )


# -- the executive summary: the figures a client's leadership must know, with what to do --


def executive_items(
    report: PlanReport | Mapping[str, Any], currency: str
) -> list[tuple[str, str, str]]:
    """The annual plan's lines on the report's first page: (figure, value, what it means).

    ``report`` is a :class:`PlanReport` or its recorded figures (the ``plan`` section
    of ``figures.json``); every value is one of those figures, formatted.

    >>> f = {"goal": 1100.0, "growth": 0.1, "prior_year_revenue": 1000.0,
    ...      "new_business_share": 0.5, "quota_goal": 550.0, "over_assignment": 1.0,
    ...      "quota_target": 550.0, "assigned_quota": 500.0, "quota_difference": -50.0,
    ...      "reps_with_quota": 2, "reps_outside_healthy_ote": 0,
    ...      "team_capacity": None, "capacity_to_quota": None}
    >>> [value for _, value, _ in executive_items(f, "USD")]
    ['$1,100', '$550', '$500']
    """
    f = report.figures() if isinstance(report, PlanReport) else report

    def m(key: str) -> str:
        return money(f[key], currency)

    growth = f["growth"]
    change = f"{pct(abs(growth))} {'above' if growth >= 0 else 'below'}"
    items = [
        (
            "Goal for the year",
            m("goal"),
            (
                f"{change} last year's {m('prior_year_revenue')}: the revenue the year's plan, "
                "budget and quotas are set against."
            ),
        ),
        (
            "The reps' share of the goal",
            m("quota_goal"),
            (
                f"{pct(f['new_business_share'], 0)} of the goal must come from the reps as new "
                "business: the amount their quotas carry."
            ),
        ),
    ]
    difference, target = f["quota_difference"], m("quota_target")
    reps = int(f["reps_with_quota"])
    if difference > 0.5:
        said = (
            f"The {reps} reps' quotas ask {money(difference, currency)} more than the "
            f"{target} target: confirm the reps accept them, or bring them down."
        )
    elif difference < -0.5:
        said = (
            f"{money(-difference, currency)} of the {target} target has no rep to carry it: "
            "assign it to the team or plan a hire for it."
        )
    else:
        said = f"The {reps} reps' quotas add up to the {target} target."
    outside = int(f.get("reps_outside_healthy_ote") or 0)
    if outside:
        said += (
            f" {outside} {'rep has a quota' if outside == 1 else 'reps have quotas'} outside "
            f"{HEALTHY_QUOTA_TO_OTE[0]:.0f}-{HEALTHY_QUOTA_TO_OTE[1]:.0f}x on-target earnings: "
            "review those pay plans."
        )
    items.append(("Quotas assigned", m("assigned_quota"), said))
    capacity = f.get("capacity_to_quota")
    if capacity is not None:
        if capacity < 1:
            said = (
                f"The team, planned hires included, is expected to bring in "
                f"{m('team_capacity')}: hire or ramp sooner, or plan for the quotas to be missed."
            )
        else:
            said = "The team, planned hires included, is expected to carry its quotas."
        items.append(("Team capacity against the quotas", pct(capacity, 0), said))
    return items
