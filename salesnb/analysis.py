"""From a loaded client to each notebook's figures, in one call per section.

The notebooks, the live widgets and the tests all go through these functions,
so a figure is computed one way only. They are pure: a :class:`~salesnb.client.Client`
(already read and checked) and plain parameters in, frozen results out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from salesnb import proforma as pf
from salesnb.client import Client

__all__ = ["StressReport", "proforma_inputs", "stress_report"]


def proforma_inputs(client: Client, extra_people: pd.DataFrame | None = None) -> pf.ProFormaInputs:
    """The client's tables arranged for :mod:`salesnb.proforma`."""
    s = client.settings
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
