"""The pro forma and its stress test, from a loaded client (notebook 02).

:func:`stress_report` runs the whole stress test for one scenario and returns a
frozen :class:`StressReport`: every figure the notebook shows, ``figures.json``
holds and the workbook writes comes from it. Scenario values left as ``None``
are taken from the settings' ``stress_test`` section.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from salesnb import hiring as hr
from salesnb import proforma as pf
from salesnb.analysis._common import ratio
from salesnb.format import Table, money, pct
from salesnb.io import Client

if TYPE_CHECKING:
    from salesnb.analysis.hiring import HiringReport

__all__ = ["StressReport", "proforma_inputs", "stress_report", "survivable_text"]


def proforma_inputs(client: Client, hiring: HiringReport | None = None) -> pf.ProFormaInputs:
    """The client's tables arranged for :mod:`salesnb.proforma`.

    When the settings ask for it (``hiring.include_in_pro_forma``), the planned
    hires of the hiring timeline are added as people costs (and their recruiting
    costs as a line of their own). ``hiring`` passes a hiring timeline already
    worked out; otherwise it is worked out here, once.
    """
    s = client.settings
    extra_people = None
    if s.hiring is not None and s.hiring.include_in_pro_forma:
        if hiring is None:
            from salesnb.analysis.hiring import hiring_report

            hiring = hiring_report(client, simulate=False)
        extra_people = hr.pro_forma_people(
            hiring.plan, line=s.hiring.people_line, recruiting_line=s.hiring.recruiting_line
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


def survivable_text(value: float | None) -> str:
    """A largest survivable cut as a client reads it.

    >>> survivable_text(None), survivable_text(1.0), survivable_text(0.2345)
    ('none: the plan itself falls short', 'any (even losing every sale)', '23.4%')
    """
    if value is None:
        return "none: the plan itself falls short"
    return "any (even losing every sale)" if value >= 1 else pct(value)


#: The stress test's month-by-month columns as the tables name them.
_SCENARIO_COLUMNS = {
    "baseline_revenue": "Revenue, plan",
    "scenario_revenue": "Revenue, scenario",
    "baseline_income": "Income, plan",
    "scenario_income": "Income, scenario",
    "lost_revenue": "Lost revenue",
    "lost_income": "Lost income",
}
_REDUCTION_COLUMNS = {
    "scenario_income": "Income, scenario",
    "reduction_to_break_even": "Reduction to break even",
    "reduction_to_target_margin": "Reduction to hold target margin",
}
_CUT_PLAN_COLUMNS = {
    "priority": "Priority",
    "available": "Can be cut",
    "cut": "Cut",
    "still_needed": "Still needed after",
}


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
    volatility: float
    simulation: pf.MonteCarlo | None
    includes_hires: bool = False

    @property
    def year(self) -> pd.Series:
        """The year's totals of the stress test (baseline, scenario, lost, reductions)."""
        return self.stress.year

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
            "baseline_margin": ratio(y["baseline_income"], y["baseline_revenue"]),
            "scenario_revenue": float(y["scenario_revenue"]),
            "scenario_income": float(y["scenario_income"]),
            "scenario_margin": ratio(y["scenario_income"], y["scenario_revenue"]),
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

    # -- the tables a client reads: shown by the notebook, written to the workbook --

    def scenario_table(self) -> Table:
        """Month by month: revenue and income under the plan and the scenario, and the loss."""
        frame = self.stress.by_month[list(_SCENARIO_COLUMNS)].rename(columns=_SCENARIO_COLUMNS)
        return Table(frame)

    def reductions_table(self) -> Table:
        """Month by month: the scenario's income and the cost reductions it calls for."""
        frame = self.stress.by_month[list(_REDUCTION_COLUMNS)].rename(columns=_REDUCTION_COLUMNS)
        return Table(frame)

    def cut_plan_table(self) -> Table:
        """The discretionary lines in cut order: what each can give, gives, and what is left."""
        plan = self.plan_target.set_index("line")
        plan.index.name = "Discretionary line"
        plan = plan.assign(priority=plan["priority"].map(lambda p: f"{p:.0f}"))
        return Table(plan.rename(columns=_CUT_PLAN_COLUMNS), text_columns=("Priority",))

    def curve_table(self) -> Table:
        """The year's income and lowest cash for each cut from 0% to 50%."""
        curve = self.curve.set_index("cut")
        curve.index = pd.Index([pct(c, 0) for c in curve.index], name="Sales under plan")
        names = {
            "income": "Year's income",
            "margin": "Margin",
            "lowest_cash": "Lowest month-end cash",
            "closing_cash": "Closing cash",
        }
        frame = curve.rename(columns=names)
        return Table(frame, percent_columns=("Margin",))

    def tables(self) -> dict[str, Table]:
        """Every table of the section, in the order the notebook shows them."""
        return {
            "Pro forma (baseline)": Table(self.baseline_statement, percent_rows=("Margin",)),
            "Pro forma (scenario)": Table(self.scenario_statement, percent_rows=("Margin",)),
            "Scenario beside the plan": self.scenario_table(),
            "Reductions by month": self.reductions_table(),
            "Cut plan": self.cut_plan_table(),
            "Cut curve": self.curve_table(),
        }

    # -- the key figures a client reads, already formatted --

    def scenario_summary(self, currency: str) -> dict[str, str]:
        """The scenario in words (the heading's key figures)."""
        return {
            "Sales under plan in the scenario": (
                f"{pct(self.stress.cut, 0)} from month {self.stress.start_month}"
            ),
            "Target operating margin": pct(self.stress.target_margin),
            "Opening cash": money(self.inputs.opening_cash, currency),
            "Minimum cash balance": money(self.inputs.minimum_cash, currency),
            "Planned sales hires in the costs": "yes" if self.includes_hires else "no",
        }

    def shortfall_summary(self, currency: str) -> dict[str, str]:
        """What the shortfall costs and what absorbing it takes."""
        y = self.stress.year
        return {
            "Lost revenue": money(y["lost_revenue"], currency),
            "Contribution-margin ratio of the months cut": pct(self.cm_ratio_cut_months),
            "Lost income (lost revenue x ratio)": money(y["lost_income"], currency),
            "Year's income, plan": money(y["baseline_income"], currency),
            "Year's income, scenario": money(y["scenario_income"], currency),
            "Cost reduction needed to break even": money(y["reduction_to_break_even"], currency),
            f"Cost reduction needed to hold a {pct(self.stress.target_margin, 0)} margin": money(
                y["reduction_to_target_margin"], currency
            ),
        }

    def survival_summary(self, currency: str) -> dict[str, str]:
        """Break-even revenue and the largest survivable cuts."""
        return {
            "Contribution-margin ratio (year)": pct(self.cm_ratio),
            "Break-even revenue (year)": money(self.break_even_revenue, currency),
            "Planned revenue (year)": money(self.stress.year["baseline_revenue"], currency),
            "Largest survivable cut, by income": survivable_text(self.survivable.by_income),
            "Largest survivable cut, by cash": survivable_text(self.survivable.by_cash),
        }

    def simulation_summary(self, currency: str) -> dict[str, str]:
        """The simulated years: their spread, percentiles and chances (empty without one)."""
        mc = self.simulation
        if mc is None:
            return {}
        return {
            "Simulated years": f"{len(mc.income):,}",
            "Spread of a month's sales around plan": pct(self.volatility, 0),
            "Year's income, P10": money(mc.percentile(10), currency),
            "Year's income, P50": money(mc.percentile(50), currency),
            "Year's income, P90": money(mc.percentile(90), currency),
            "Chance of a loss for the year": pct(mc.probability_of_loss),
            "Chance cash dips below the minimum": pct(mc.probability_cash_short),
        }

    def panel_summary(self, currency: str) -> dict[str, str]:
        """The few figures the live panel shows beside its sliders."""
        y = self.stress.year
        return {
            "Sales under plan": f"{self.stress.cut:.0%} from month {self.stress.start_month}",
            "Year's income, plan": money(y["baseline_income"], currency),
            "Year's income, scenario": money(y["scenario_income"], currency),
            "Lost income": money(y["lost_income"], currency),
            "Cost reduction to break even": money(y["reduction_to_break_even"], currency),
            f"Cost reduction to hold {pct(self.stress.target_margin, 0)}": money(
                y["reduction_to_target_margin"], currency
            ),
            "Not covered by discretionary cuts": money(self.uncovered_target, currency),
        }


def stress_report(
    client: Client,
    *,
    cut: float | None = None,
    start_month: int | None = None,
    target_margin: float | None = None,
    volatility: float | None = None,
    runs: int | None = None,
    seed: int | None = None,
    simulate: bool = True,
    inputs: pf.ProFormaInputs | None = None,
    hiring: HiringReport | None = None,
) -> StressReport:
    """Run the whole stress test for one scenario.

    Every scenario value left as ``None`` comes from the settings'
    ``stress_test`` section. ``inputs`` may be passed to reuse already-arranged
    inputs (the live panel does, so a slider move only recomputes); ``hiring``
    passes a hiring timeline already worked out (see :func:`proforma_inputs`).
    ``simulate=False`` skips the Monte Carlo simulation.
    """
    st = client.settings.stress_test
    cut = st.cut if cut is None else cut
    start_month = st.start_month if start_month is None else start_month
    target_margin = st.target_margin if target_margin is None else target_margin
    volatility = st.volatility if volatility is None else volatility
    runs = st.runs if runs is None else runs
    seed = st.seed if seed is None else seed
    inputs = inputs if inputs is not None else proforma_inputs(client, hiring)
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
    h = client.settings.hiring
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
        volatility=float(volatility),
        simulation=simulation,
        includes_hires=bool(h is not None and h.include_in_pro_forma),
    )


# -- the executive summary: the figures a client's leadership must know, with what to do --


def _from_month(month: int) -> str:
    """A cut's start as a client reads it: ``from the plan's first month``, ``from month 4``."""
    return "from the plan's first month" if month == 1 else f"from month {month} of the plan"


def executive_items(
    report: StressReport | Mapping[str, Any], currency: str
) -> list[tuple[str, str, str]]:
    """The stress test's lines on the report's first page: (figure, value, what it means).

    ``report`` is a :class:`StressReport` or its recorded figures (the ``proforma``
    section of ``figures.json``); every value is one of those figures, formatted.

    >>> f = {"cut": 0.2, "cut_start_month": 1, "target_margin": 0.05,
    ...      "baseline_income": 100.0, "baseline_margin": 0.1, "scenario_income": -50.0,
    ...      "scenario_margin": -0.06, "lost_revenue": 200.0, "lost_income": 150.0,
    ...      "reduction_to_break_even": 50.0, "reduction_to_target_margin": 90.0,
    ...      "cut_plan_savings": 60.0, "cut_plan_uncovered": 30.0, "minimum_cash": 10.0,
    ...      "largest_survivable_cut_income": 0.1, "largest_survivable_cut_cash": 0.3}
    >>> [value for _, value, _ in executive_items(f, "USD")]
    ['$100', '-$50', '$150', '$50', '$90', '$30', '10.0% by income, 30.0% by cash']
    """
    f = report.figures() if isinstance(report, StressReport) else report

    def m(key: str) -> str:
        return money(f[key], currency)

    cut, start = f["cut"], int(f["cut_start_month"])
    scenario = f"sales {pct(cut, 0)} under plan {_from_month(start)}"
    target = pct(f["target_margin"], 0)
    items = []
    if f["baseline_income"] > 0:
        said = (
            f"The plan as it stands earns a {pct(f['baseline_margin'])} operating margin: "
            "the cushion any shortfall in sales eats into first."
        )
    else:
        said = (
            "The plan loses money before any shortfall: its costs must come down before "
            "the year starts."
        )
    items.append(("Year's income, plan", m("baseline_income"), said))
    if f["scenario_income"] < 0:
        said = (
            f"With {scenario}, the year ends in a loss; the cost reductions below are what "
            "it takes to avoid it."
        )
    else:
        said = (
            f"With {scenario}, the business stays profitable, at a "
            f"{pct(f['scenario_margin'])} margin."
        )
    items.append((f"Year's income, {pct(cut, 0)} sales cut", m("scenario_income"), said))
    items.append(
        (
            "Lost income",
            m("lost_income"),
            (
                f"The {m('lost_revenue')} of sales lost take their contribution margin with "
                "them: costs that fall with revenue soften the loss, fixed costs do not."
            ),
        )
    )
    if f["reduction_to_break_even"] > 0:
        said = (
            "Costs the year must shed to break even under this shortfall: decide now which "
            "ones would go, and the sales level that triggers it."
        )
    else:
        said = "No cost reduction is needed to break even under this shortfall."
    items.append(("Cost reduction to break even", m("reduction_to_break_even"), said))
    if f["reduction_to_target_margin"] > 0:
        said = f"Costs the year must shed to still earn a {target} operating margin."
    else:
        said = f"The year still earns its {target} target margin without a cost reduction."
    items.append(
        (f"Cost reduction to hold a {target} margin", m("reduction_to_target_margin"), said)
    )
    if f["cut_plan_uncovered"] > 0.005:
        said = (
            f"Cutting the discretionary lines as far as they go saves {m('cut_plan_savings')}; "
            "the rest must come from fixed or people costs: plan those decisions now."
        )
    else:
        said = (
            f"The discretionary lines cover the whole reduction ({m('cut_plan_savings')}): "
            "keep their cut order ready."
        )
    items.append(("Left uncovered by the cut plan", m("cut_plan_uncovered"), said))
    by_income = f.get("largest_survivable_cut_income")
    by_cash = f.get("largest_survivable_cut_cash")
    if by_income is None:
        said = "The plan itself loses money: no shortfall in sales is survivable as it stands."
    else:
        said = (
            f"Sales can fall {survivable_text(by_income)} short {_from_month(start)} before "
            f"the year loses money, and {survivable_text(by_cash)} before cash drops below "
            f"the {m('minimum_cash')} minimum; "
            + (
                "the scenario goes beyond that: watch monthly sales against plan."
                if cut > by_income
                else "the scenario stays within it."
            )
        )
    value = (
        f"{survivable_text(by_income)} by income, {survivable_text(by_cash)} by cash"
        if by_income is not None
        else survivable_text(None)
    )
    items.append(("Largest survivable cut", value, said))
    return items
