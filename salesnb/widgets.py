"""The live panel: sliders that redo the stress test while the client watches.

Moving a slider recomputes the scenario (the pro forma is linear in the cut, so
this takes well under a millisecond) and redraws the same two figures in place.
The panel is for a live JupyterLab session only: a static report shows the
figures of the settings' scenario, drawn by the notebook's own cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display
from matplotlib.figure import Figure

from salesnb import charts
from salesnb.analysis import StressReport, stress_report
from salesnb.client import Client
from salesnb.display import key_figures, money, pct

__all__ = ["StressPanel", "stress_panel"]


@dataclass
class StressPanel:
    """The widgets of the panel and the figures they redraw."""

    client: Client
    base: StressReport
    controls: dict[str, widgets.ValueWidget]
    summary: widgets.Output
    plots: widgets.Output
    income_fig: Figure
    curve_fig: Figure
    box: widgets.Box
    report: StressReport | None = None

    def recompute(self) -> StressReport:
        """The scenario the sliders describe now."""
        st = self.client.settings.stress_test
        return stress_report(
            self.client,
            cut=float(self.controls["cut"].value),
            start_month=int(self.controls["start_month"].value),
            target_margin=float(self.controls["target_margin"].value),
            volatility=st.volatility,
            runs=st.runs,
            seed=st.seed,
            inputs=self.base.inputs,
        )

    def redraw(self, report: StressReport) -> None:
        """Draw ``report`` into the panel's figures and summary."""
        currency = self.client.settings.client.currency
        for fig, draw in (
            (self.income_fig, charts.draw_income_and_cash),
            (self.curve_fig, charts.draw_cut_curve),
        ):
            for ax in fig.axes:
                ax.clear()
            draw((fig.axes[0], fig.axes[1]), report, currency)
        y = report.stress.year
        rows = {
            "Sales under plan": f"{report.stress.cut:.0%} from month {report.stress.start_month}",
            "Year's income, plan": money(y["baseline_income"], currency),
            "Year's income, scenario": money(y["scenario_income"], currency),
            "Lost income": money(y["lost_income"], currency),
            "Cost reduction to break even": money(y["reduction_to_break_even"], currency),
            f"Cost reduction to hold {pct(report.stress.target_margin, 0)}": money(
                y["reduction_to_target_margin"], currency
            ),
            "Not covered by discretionary cuts": money(report.uncovered_target, currency),
        }
        with self.summary:
            self.summary.clear_output(wait=True)
            display(key_figures(rows))
        with self.plots:
            self.plots.clear_output(wait=True)
            display(self.income_fig, self.curve_fig)
        self.report = report

    def update(self, _change: Any = None) -> None:
        self.redraw(self.recompute())


def stress_panel(client: Client, report: StressReport) -> StressPanel:
    """Build the panel around a first report and show it; sliders start at its scenario."""
    style = {"description_width": "initial"}
    layout = widgets.Layout(width="420px")
    controls: dict[str, widgets.ValueWidget] = {
        "cut": widgets.FloatSlider(
            value=report.stress.cut,
            min=0.0,
            max=0.5,
            step=0.01,
            readout_format=".0%",
            description="Sales under plan",
            continuous_update=True,
            style=style,
            layout=layout,
        ),
        "start_month": widgets.IntSlider(
            value=report.stress.start_month,
            min=1,
            max=len(report.inputs.months),
            description="From month",
            continuous_update=True,
            style=style,
            layout=layout,
        ),
        "target_margin": widgets.FloatSlider(
            value=report.stress.target_margin,
            min=-0.1,
            max=0.3,
            step=0.01,
            readout_format=".0%",
            description="Target margin",
            continuous_update=True,
            style=style,
            layout=layout,
        ),
    }
    was_interactive = plt.isinteractive()
    plt.ioff()
    try:
        income_fig, _ = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
        curve_fig, _ = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
    finally:
        if was_interactive:
            plt.ion()
    summary, plots = widgets.Output(), widgets.Output()
    box = widgets.VBox([widgets.HBox([widgets.VBox(list(controls.values())), summary]), plots])
    panel = StressPanel(
        client=client,
        base=report,
        controls=controls,
        summary=summary,
        plots=plots,
        income_fig=income_fig,
        curve_fig=curve_fig,
        box=box,
    )
    for control in controls.values():
        control.observe(panel.update, names="value")
    panel.redraw(report)
    return panel
