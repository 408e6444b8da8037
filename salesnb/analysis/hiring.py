"""The hiring timeline and the 18-month organisation plan, from a loaded client (notebook 03).

:func:`hiring_report` works out the plan for the new-business objective
(:func:`hiring_objective`: ``objectives.csv`` when the folder has one, else the
annual plan's objectives x the reps' share of the goal,
:func:`~salesnb.analysis.plan.new_business_share`, the same share the plan's
quotas carry) and returns a frozen :class:`HiringReport`, the one source of every
table, sentence and figure the notebook shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from salesnb import hiring as hr
from salesnb.analysis._common import given, month_index
from salesnb.analysis.plan import file_name, new_business_share, roster_quota_reps
from salesnb.errors import InputError, located
from salesnb.format import Table, money, pct
from salesnb.io import SETTINGS_FILE, Client

if TYPE_CHECKING:
    from salesnb.analysis.plan import Goals

__all__ = [
    "DRIVER_NAMES",
    "HiringReport",
    "driver_value",
    "hiring_assumptions",
    "hiring_objective",
    "hiring_report",
    "hiring_reps",
]

#: How the drivers are named to a client.
DRIVER_NAMES = {
    "ramp_months": "Ramp",
    "lead_time_months": "Recruiting lead time",
    "attainment": "Attainment",
    "attrition_rate": "Attrition",
}


def _hiring_settings(client: Client):
    h = client.settings.hiring
    if h is None:
        raise InputError("settings.yaml has no 'hiring' section: the hiring timeline needs one")
    return h


def hiring_objective(client: Client, goals: Goals | None = None) -> pd.Series:
    """The new-business revenue the reps must carry, month by month.

    From ``objectives.csv`` when the folder has one; otherwise the annual plan's
    objectives (``goals``, worked out from the settings when not given) x the
    reps' share of the goal (:func:`~salesnb.analysis.plan.new_business_share`), so
    over the plan year the objective adds up to the goal the quotas split.
    """
    s = client.settings
    h = _hiring_settings(client)
    months = pd.period_range(s.first_month, periods=h.horizon_months, freq="M", name="month")
    if len(client.objectives):
        table = client.objectives.set_index("month")["objective"].astype(float)
        return table.reindex(months).rename("objective")
    if goals is None:
        from salesnb.analysis.plan import plan_goals

        goals = plan_goals(client)
    return (goals.objectives.reindex(months) * goals.new_business_share).rename("objective")


def hiring_assumptions(
    client: Client,
    *,
    ramp_months: int | None = None,
    lead_time_months: int | None = None,
    attainment: float | None = None,
    attrition_rate: float | None = None,
) -> hr.HiringAssumptions:
    """The settings' hiring assumptions, with any of the four drivers overridden.

    Where the settings give the ramp as a list (``hiring.ramp``), ``ramp_months``
    is refused: a straight-line ramp would silently replace the client's own
    curve. Change the list instead.
    """
    s = client.settings
    h = _hiring_settings(client)
    if ramp_months is not None and h.ramp is not None:
        curve = ", ".join(f"{v:g}" for v in h.ramp)
        raise InputError(
            f"ramp_months: the settings give the ramp as a list (hiring.ramp: {curve}), so "
            f"ramp_months={ramp_months} cannot replace it; change hiring.ramp in "
            f"{SETTINGS_FILE} instead",
            column="ramp_months",
        )
    return hr.HiringAssumptions(
        annual_quota=h.annual_quota,
        attainment=h.attainment if attainment is None else attainment,
        salary=h.salary,
        lead_time_months=h.lead_time_months if lead_time_months is None else lead_time_months,
        ramp_months=h.ramp_months if ramp_months is None else ramp_months,
        ramp=None if h.ramp is None else tuple(h.ramp),
        burden=s.default_burden if h.burden is None else h.burden,
        recruiting_cost_per_hire=h.recruiting_cost_per_hire,
        attrition_rate=h.attrition_rate if attrition_rate is None else attrition_rate,
        role=h.role,
    )


#: The roster's column for each field of a rep, where the names differ.
_ROSTER_COLUMNS = {"salary": "annual_salary"}


def hiring_reps(client: Client) -> list[hr.Rep]:
    """The roster's quota carriers as the hiring timeline counts them.

    The same reps as the plan's (:func:`~salesnb.analysis.plan.quota_rep_rows`):
    a rep with an annual_quota counts by it, one without at the standard quota.
    Each row is read inside :func:`salesnb.errors.located`, so a value the
    timeline cannot use is reported at its row and column of the roster.
    """
    s = client.settings
    roster_file = file_name(client, "roster")
    reps = []
    for row, r, rep in roster_quota_reps(client):
        try:
            with located(roster_file, row=row):
                reps.append(
                    hr.Rep(
                        name=rep.name,
                        role=str(r["role"]),
                        start=rep.start or s.first_month - 120,
                        end=rep.end,
                        salary=float(r["annual_salary"]),
                        burden=s.default_burden
                        if given(r["burden"]) is None
                        else float(r["burden"]),
                        annual_quota=rep.annual_quota,
                    )
                )
        except InputError as exc:
            if exc.column not in _ROSTER_COLUMNS:
                raise
            raise InputError(
                str(exc), file=exc.file, row=exc.row, column=_ROSTER_COLUMNS[exc.column]
            ) from exc
    return reps


def driver_value(driver: str, value: float) -> str:
    """A driver's value as a client reads it: ``4 months`` or ``80%``.

    >>> driver_value("ramp_months", 1), driver_value("lead_time_months", 3), driver_value("attainment", 0.8)
    ('1 month', '3 months', '80%')
    """
    if driver in ("ramp_months", "lead_time_months"):
        months = round(value)
        return f"{months} month" if months == 1 else f"{months} months"
    return f"{value:.0%}"


def _month_text(month: pd.Period) -> str:
    return f"{month:%B %Y}"


@dataclass(frozen=True)
class HiringReport:
    """Everything the hiring-timeline notebook shows."""

    assumptions: hr.HiringAssumptions
    objective: pd.Series
    objective_source: str
    plan: hr.HiringPlan
    bad_hire: float
    bad_hire_months: int
    in_pro_forma: bool
    roster_reps: int
    sensitivity: pd.DataFrame | None
    simulation: hr.HiringMonteCarlo | None

    @property
    def first_requisition(self) -> pd.Period | None:
        """The first month a requisition must open, or None when no hire is needed."""
        return self.plan.schedule["open_req_by"].min() if self.plan.hires else None

    @property
    def months_short(self) -> int:
        """Months in which expected capacity falls short of the objective (by a cent or more)."""
        return int((self.plan.capacity["gap"] > 0.005).sum())

    @property
    def gap_total(self) -> float:
        """The months' objective minus capacity, summed where positive."""
        return float(self.plan.capacity["gap"].clip(lower=0).sum())

    @property
    def chance_of_late_hire(self) -> float | None:
        """Share of the simulated plans with at least one late hire (None without a simulation)."""
        if self.simulation is None:
            return None
        return float((self.simulation.runs["late_hires"] > 0).mean())

    @property
    def simulated_hires(self) -> pd.Series | None:
        """Share of the simulated plans by the number of hires they need (None without a
        simulation), indexed by the number of hires in order."""
        if self.simulation is None:
            return None
        return self.simulation.runs["hires"].value_counts(normalize=True).sort_index()

    @property
    def late_shortfalls(self) -> np.ndarray | None:
        """The revenue shortfall of each simulated plan that has one (None without a simulation)."""
        if self.simulation is None:
            return None
        short = self.simulation.runs["shortfall"].to_numpy(dtype=float)
        return short[short > 0]

    @property
    def chance_of_no_shortfall(self) -> float | None:
        """Share of the simulated plans whose hires bring no revenue shortfall."""
        if self.simulation is None:
            return None
        return float((self.simulation.runs["shortfall"] <= 0).mean())

    def figures(self) -> dict[str, float | int | None]:
        """The headline figures, as ``figures.json`` names them (see the README)."""
        plan = self.plan
        cap = plan.capacity
        first = self.first_requisition
        figures: dict[str, float | int | None] = {
            "full_productivity": plan.productivity,
            "ramp_months": self.assumptions.ramp_length,
            "lead_time_months": self.assumptions.lead_time_months,
            "attainment": self.assumptions.attainment,
            "attrition_rate": self.assumptions.attrition_rate,
            "objective_total": float(cap["objective"].sum()),
            "capacity_total": float(cap["capacity"].sum()),
            "gap_total": self.gap_total,
            "hires": plan.hires,
            "late_hires": plan.late_hires,
            "shortfall": plan.shortfall,
            "first_requisition": None if first is None else str(first),
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

    # -- words --

    def recruit_message(self, currency: str = "USD") -> str:
        """The plan's first instruction, in a few plain sentences (Markdown).

        Names the first requisition's month and how far it is from the as-of
        month, says when hires are already late (the month their requisitions
        were due, and the month they can be productive at the earliest), and how
        many hires follow. Whenever expected capacity still falls short of the
        objective in some months, it says in how many and by how much: the same
        figures as :meth:`capacity_summary`, so the message never says the team
        covers every month beside a table that shows a month short.
        """
        plan = self.plan
        schedule = plan.schedule
        months = len(plan.capacity)
        short = self.months_short
        short_words = (
            f"{short} {'month' if short == 1 else 'months'} of {months}, by "
            f"{money(self.gap_total, currency)} in all"
        )
        if plan.hires == 0:
            if short == 0:
                return (
                    "**No hire is needed.** The team on the roster, once ramped, covers every "
                    "month's objective of the horizon."
                )
            return (
                "**No hire is needed by the plan's rule.** The fully productive reps on the "
                "roster meet every month's headcount need; expected capacity still falls short "
                f"of the objective in {short_words}, while reps are ramping or leaving."
            )
        first = schedule["open_req_by"].min()
        count = int((schedule["open_req_by"] == first).sum())
        reqs = "one requisition" if count == 1 else f"{count} requisitions"
        if plan.late_hires:
            late = schedule[schedule["late"]]
            n = len(late)
            due = late["open_req_by"].min()
            behind = (plan.as_of - due).n
            if n == plan.hires:
                who = "the one planned hire is" if n == 1 else f"all {n} planned hires are"
            else:
                who = f"{n} of the {plan.hires} hires {'is' if n == 1 else 'are'}"
            head = (
                f"**Recruit now: {who} already late.** "
                f"{'Its requisition was' if n == 1 else 'Their requisitions were'} due "
                f"{'in' if n == 1 or (late['open_req_by'] == due).all() else 'from'} "
                f"{_month_text(due)}, {behind} {'month' if behind == 1 else 'months'} before "
                f"{_month_text(plan.as_of)}; even opened this month, "
                f"{'that hire is' if n == 1 else 'those hires are'} fully productive only "
                f"from {_month_text(late['productive_by'].min())}, and "
                f"{'brings' if n == 1 else 'bring'} in {money(plan.shortfall, currency)} "
                "less than on time would have."
            )
            on_time = schedule[~schedule["late"]]
            if len(on_time):
                nxt = on_time["open_req_by"].min()
                head += (
                    f" {len(on_time)} more {'follows' if len(on_time) == 1 else 'follow'}, "
                    f"the next by {_month_text(nxt)}."
                )
        else:
            wait = (first - plan.as_of).n
            if wait <= 0:
                head = f"**Recruit now: open {reqs} this month ({_month_text(first)}).**"
            else:
                when = "next month" if wait == 1 else f"in {wait} months"
                head = f"**Recruit now: open {reqs} by {_month_text(first)}, {when}.**"
            rest = plan.hires - count
            if rest:
                later = schedule.loc[schedule["open_req_by"] > first, "open_req_by"].min()
                head += (
                    f" {rest} more {'follows' if rest == 1 else 'follow'}, the next by "
                    f"{_month_text(later)}."
                )
        if short:
            these = "this hire" if plan.hires == 1 else "these hires"
            head += (
                f" Even with {these}, expected capacity falls short of the objective in "
                f"{short_words}."
            )
        return head

    def first_requisition_text(self) -> str:
        """The first requisition's month, and when it is already late, the month it can open."""
        first = self.first_requisition
        if first is None:
            return "none needed"
        if first < self.plan.as_of:
            return f"{first} (late: it can open in {self.plan.as_of})"
        return str(first)

    def ramp_text(self) -> str:
        curve = self.assumptions.curve
        if not curve:
            return "none: fully productive from the first month"
        return (
            f"{', '.join(pct(f, 0) for f in curve)} of full productivity in months 1 to "
            f"{len(curve)}, then 100%"
        )

    # -- the tables a client reads: shown by the notebook, written to the workbook --

    def schedule_table(self) -> Table:
        """The planned hires: why, when needed, when to open, start and be productive."""
        schedule = self.plan.schedule.set_index("name")
        schedule.index.name = "Hire"
        month_columns = ["month_needed", "open_req_by", "opens", "start_by", "productive_by"]
        shown = schedule[["role", "reason", *month_columns, "late", "shortfall"]].astype(
            {c: str for c in month_columns}
        )
        shown["late"] = schedule["late"].map({True: "yes", False: "no"})
        frame = shown.rename(
            columns={
                "role": "Role",
                "reason": "Reason",
                "month_needed": "Needed from",
                "open_req_by": "Open requisition by",
                "opens": "Opens in",
                "start_by": "Start by",
                "productive_by": "Fully productive by",
                "late": "Late",
                "shortfall": "Shortfall",
            }
        )
        return Table(frame)

    def capacity_table(self) -> Table:
        """Month by month: objective, the reps needed and counted, people, capacity, gap."""
        cap = self.plan.capacity
        frame = pd.DataFrame(
            {
                "Objective": cap["objective"].to_numpy(),
                "Reps needed": [str(v) for v in cap["required"]],
                "Fully productive reps": [f"{v:g}" for v in cap["counted"].round(2)],
                "People": [str(v) for v in cap["headcount"]],
                "Expected capacity": cap["capacity"].to_numpy(),
                "From planned hires": cap["hires_capacity"].to_numpy(),
                "Gap (short if positive)": cap["gap"].to_numpy(),
            },
            index=month_index(cap.index),
        )
        return Table(frame, text_columns=("Reps needed", "Fully productive reps", "People"))

    def headcount_table(self) -> Table:
        """People employed by month and role."""
        heads = self.plan.headcount
        frame = heads.astype(str).set_axis(month_index(heads.index), axis=0)
        frame.columns.name = None
        return Table(frame, text_columns=tuple(frame.columns))

    def organisation_table(self) -> Table:
        """One row per person: role, roster or planned, and the milestones."""
        people = self.plan.people.set_index("name")
        people.index.name = "Person"
        frame = pd.DataFrame(
            {
                "Role": people["role"],
                "Reason": people["reason"],
                "Open requisition by": people["open_req_by"].astype(str).replace("NaT", ""),
                "Start": people["start"].astype(str),
                "Fully productive by": people["productive_by"].astype(str),
                "Leaves": people["end"].astype(str).replace("NaT", ""),
                "Salary": people["salary"],
            }
        )
        return Table(frame, text_columns=tuple(c for c in frame.columns if c != "Salary"))

    def costs_table(self) -> Table:
        """The planned hires' costs by month: people, recruiting, total."""
        costs = self.plan.costs.rename(
            columns={"people": "Salaries and burden", "recruiting": "Recruiting", "total": "Total"}
        )
        return Table(costs.set_axis(month_index(costs.index), axis=0))

    def quarter_summary(self) -> pd.DataFrame:
        """The horizon by quarter: objective, capacity, gap, people at quarter end, cost.

        Quarters are counted from the horizon's first month (the fiscal year's
        start), three months each; a last incomplete quarter is left out.

        Returns
        -------
        DataFrame
            Indexed by quarter label (``Q1 2027-01 to 2027-03``, ...), columns:
            ``objective`` and ``capacity`` (sums over the quarter), ``short``
            (the sum of the months' shortfalls, objective - capacity where
            positive), ``spare`` (the sum of the months' spare capacity),
            ``headcount``, ``productive`` (fully ramped reps counted by the plan)
            and ``required`` at the quarter's last month, and ``cost`` (the
            planned hires' people and recruiting costs; costs incurred before the
            horizon's first month count in the first quarter).

        Notes
        -----
        ``short`` - ``spare`` = objective - capacity for each quarter. A month
        short is not offset by a month to spare: revenue missed in March is not
        found in April by reps who have nothing more to sell.
        """
        cap = self.plan.capacity
        costs = self.plan.costs["total"]
        rows = []
        for q in range(len(cap) // 3):
            part = cap.iloc[3 * q : 3 * q + 3]
            gap = part["gap"]
            end = part.index[-1]
            in_quarter = costs[(costs.index <= end) & ((costs.index >= part.index[0]) | (q == 0))]
            rows.append(
                {
                    "quarter": f"Q{q + 1} {part.index[0]} to {end}",
                    "objective": float(part["objective"].sum()),
                    "capacity": float(part["capacity"].sum()),
                    "short": float(gap.clip(lower=0).sum()),
                    "spare": float((-gap).clip(lower=0).sum()),
                    "headcount": int(part["headcount"].iloc[-1]),
                    # in full-productivity reps: a half-quota rep counts 0.5
                    "productive": round(float(part["counted"].iloc[-1]), 1),
                    "required": int(part["required"].iloc[-1]),
                    "cost": float(in_quarter.sum()),
                }
            )
        return pd.DataFrame(rows).set_index("quarter")

    def quarter_table(self) -> Table:
        """:meth:`quarter_summary` with the column names a client reads."""
        quarters = self.quarter_summary().rename_axis("Quarter")
        frame = (
            quarters.astype({"headcount": str, "required": str})
            .assign(productive=quarters["productive"].map(lambda v: f"{v:g}"))
            .rename(
                columns={
                    "objective": "Objective",
                    "capacity": "Capacity",
                    "short": "Short of objective",
                    "spare": "Capacity to spare",
                    "headcount": "People at quarter end",
                    "productive": "Fully productive",
                    "required": "Needed",
                    "cost": "Cost of new hires",
                }
            )
        )
        return Table(frame, text_columns=("People at quarter end", "Fully productive", "Needed"))

    def sensitivity_table(self) -> Table:
        """The sensitivity runs beside the plan (empty without them)."""
        columns = ["Value", "Hires", "Late hires", "Shortfall", "Cost of the plan"]
        table = self.sensitivity
        if table is None:
            return Table(pd.DataFrame(columns=columns, dtype=object))
        plan = self.plan
        rows = {
            "The plan": [
                "as assumed",
                str(plan.hires),
                str(plan.late_hires),
                plan.shortfall,
                plan.total_cost,
            ],
        }
        for r in table.itertuples(index=False):
            rows[f"{DRIVER_NAMES.get(r.driver, r.driver)}, {r.case}"] = [
                driver_value(r.driver, r.value),
                str(r.hires),
                str(r.late_hires),
                float(r.shortfall),
                float(r.cost),
            ]
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
        frame.index.name = "Case"
        return Table(frame, text_columns=("Value", "Hires", "Late hires"))

    def tables(self) -> dict[str, Table]:
        """Every table of the section, in the order the notebook shows them."""
        tables = {
            "Capacity vs objective": self.capacity_table(),
            "Hiring schedule": self.schedule_table(),
            "Headcount by role": self.headcount_table(),
            "Organisation plan": self.organisation_table(),
            "Hiring by quarter": self.quarter_table(),
            "Hiring costs": self.costs_table(),
        }
        if self.sensitivity is not None:
            tables["Hiring sensitivity"] = self.sensitivity_table()
        return tables

    # -- the key figures a client reads, already formatted --

    def heading_summary(self, currency: str) -> dict[str, str]:
        months = self.plan.capacity.index
        return {
            "Horizon": f"{len(months)} months, {months[0]} to {months[-1]}",
            "Planned hires": f"{self.plan.hires}, of which late: {self.plan.late_hires}",
            "First requisition to open by": self.first_requisition_text(),
            "Revenue shortfall of late hires": money(self.plan.shortfall, currency),
            "Cost of the plan over the horizon": money(self.plan.total_cost, currency),
        }

    def assumptions_summary(self, currency: str) -> dict[str, str]:
        a = self.assumptions
        return {
            "Annual quota of a rep": money(a.annual_quota, currency),
            "Expected attainment": pct(a.attainment, 0),
            "Full productivity (quota / 12 x attainment)": (
                f"{money(self.plan.productivity, currency)} a month"
            ),
            "Ramp": self.ramp_text(),
            "Recruiting lead time": driver_value("lead_time_months", a.lead_time_months),
            "Attrition": f"{pct(a.attrition_rate, 0)} of the productive reps a year",
            "Objective": self.objective_source,
            "Role of the planned hires": a.role,
            "Quota-carrying reps on the roster": f"{self.roster_reps}",
        }

    def capacity_summary(self, currency: str) -> dict[str, str]:
        cap = self.plan.capacity
        peak = cap["objective"].idxmax()
        return {
            "Objective over the horizon": money(cap["objective"].sum(), currency),
            "Expected capacity over the horizon": money(cap["capacity"].sum(), currency),
            "Months short of the objective": f"{self.months_short} of {len(cap)}",
            "Objective not covered by capacity": money(self.gap_total, currency),
            "Busiest month": (
                f"{peak}: {money(cap.loc[peak, 'objective'], currency)}, "
                f"{cap.loc[peak, 'objective'] / self.plan.productivity:.2f} reps' full "
                f"productivity, so {cap.loc[peak, 'required']} reps"
            ),
        }

    def cost_summary(self, currency: str) -> dict[str, str]:
        a, plan, costs = self.assumptions, self.plan, self.plan.costs
        return {
            "Planned hires": f"{plan.hires}",
            "Salary of a planned hire": money(a.salary, currency),
            "Burden (taxes and benefits)": pct(a.burden, 0),
            "Monthly cost of a hire (salary x (1 + burden) / 12)": money(a.monthly_cost, currency),
            f"Salaries and burden of the planned hires, to {costs.index[-1]}": money(
                costs["people"].sum(), currency
            ),
            f"Recruiting ({money(a.recruiting_cost_per_hire, currency)} a hire)": money(
                costs["recruiting"].sum(), currency
            ),
            "Cost of the plan": money(plan.total_cost, currency),
            "In the pro forma": "yes" if self.in_pro_forma else "no",
            f"Paid to a hire over {self.bad_hire_months} months": money(
                a.monthly_cost * self.bad_hire_months, currency
            ),
            "Cost of a bad hire (4 x what was paid)": money(self.bad_hire, currency),
        }

    def simulation_summary(self, currency: str) -> dict[str, str]:
        mc = self.simulation
        if mc is None:
            return {}
        summary = mc.summary
        spreads = hr.DEFAULT_SPREADS
        return {
            "Simulated plans": f"{len(mc.runs):,}",
            "Spread of the drivers (one standard deviation)": (
                f"attainment {spreads['attainment'] * 100:.0f} points, "
                f"ramp {driver_value('ramp_months', spreads['ramp_months'])}, "
                f"lead time {driver_value('lead_time_months', spreads['lead_time_months'])}, "
                f"attrition {spreads['attrition_rate'] * 100:.0f} points"
            ),
            "Hires, P10 / P50 / P90": " / ".join(
                f"{summary.loc[q, 'hires']:.0f}" for q in ("p10", "p50", "p90")
            ),
            "Shortfall, P10 / P50 / P90": " / ".join(
                money(summary.loc[q, "shortfall"], currency) for q in ("p10", "p50", "p90")
            ),
            "Cost of the plan, P10 / P50 / P90": " / ".join(
                money(summary.loc[q, "cost"], currency) for q in ("p10", "p50", "p90")
            ),
            "Chance of at least one late hire": pct(self.chance_of_late_hire),
        }

    def panel_summary(self, currency: str) -> dict[str, str]:
        plan = self.plan
        return {
            "Planned hires": f"{plan.hires}",
            "Late hires": f"{plan.late_hires}",
            "First requisition by": self.first_requisition_text(),
            "Revenue shortfall of late hires": money(plan.shortfall, currency),
            "Objective not covered by capacity": money(self.gap_total, currency),
            "Cost of the plan": money(plan.total_cost, currency),
        }


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
    live panel, the plan's capacity check and the pro forma need only the plan).
    ``objective`` passes one already worked out (:func:`hiring_objective`).
    """
    h = _hiring_settings(client)
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
    source = (
        "given by the company, month by month"
        if len(client.objectives)
        else (
            f"{pct(new_business_share(client.settings), 0)} of the annual plan's monthly "
            "revenue goals (the reps' share, as in the plan's quotas)"
        )
    )
    return HiringReport(
        assumptions=a,
        objective=objective,
        objective_source=source,
        plan=plan,
        bad_hire=hr.bad_hire_cost(a.salary, a.burden, h.bad_hire_months),
        bad_hire_months=h.bad_hire_months,
        in_pro_forma=h.include_in_pro_forma,
        roster_reps=int((~plan.people["planned"]).sum()),
        sensitivity=hr.sensitivity(objective, reps, a, as_of) if simulate else None,
        simulation=hr.monte_carlo(objective, reps, a, as_of, runs=h.runs, seed=h.seed)
        if simulate
        else None,
    )


# -- the executive summary: the figures a client's leadership must know, with what to do --


def executive_items(
    report: HiringReport | Mapping[str, Any], currency: str
) -> list[tuple[str, str, str]]:
    """The hiring timeline's lines on the report's first page: (figure, value, what it means).

    ``report`` is a :class:`HiringReport` or its recorded figures (the ``hiring``
    section of ``figures.json``); every value is one of those figures, formatted.

    >>> f = {"hires": 2, "late_hires": 1, "first_requisition": "2027-03",
    ...      "shortfall": 1000.0, "plan_cost": 250000.0, "gap_total": 0.0}
    >>> [value for _, value, _ in executive_items(f, "USD")]
    ['2', 'March 2027', '1', '$1,000']
    """
    f = report.figures() if isinstance(report, HiringReport) else report
    hires, late = int(f["hires"]), int(f["late_hires"])
    first = f.get("first_requisition")
    if hires:
        said = (
            f"{'One rep' if hires == 1 else f'{hires} reps'} to hire for the team to meet its "
            f"new-business objective; the planned hires cost {money(f['plan_cost'], currency)} "
            "to the plan's end."
        )
    else:
        said = "The team on the roster, once ramped, meets the objective: no hire is needed."
    items = [("Hires to make", f"{hires}", said)]
    if first is not None:
        month = _month_text(pd.Period(first, freq="M"))
        said = (
            "It was due by then, before the figures' date: open it now; even so, that hire "
            "is productive later than the objective needs."
            if late
            else "Open the first requisition by then, so the hire is productive when needed."
        )
        items.append(("First requisition", month, said))
    if hires:
        if late:
            said = (
                f"{'This hire is' if late == 1 else 'These hires are'} already behind the "
                "objective even if recruited this month: recruit now."
            )
        else:
            said = "No hire is late if each requisition opens on time."
        items.append(("Late hires", f"{late}", said))
    if f["shortfall"] > 0.005:
        said = (
            "Revenue the late hires fail to bring in while they catch up: every month's "
            "delay adds to it."
        )
    else:
        said = "No revenue is lost to late hiring."
    items.append(("Shortfall from late hires", money(f["shortfall"], currency), said))
    return items
