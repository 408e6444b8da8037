"""Live panels: sliders that redo a section's figures while the client watches.

A :class:`LivePanel` ties a few controls to three functions: one that recomputes
the section from the controls' values, one that draws the result into the
panel's own figures (redrawn in place, never recreated), and one that gives the
key figures as a small table. Moving any control recomputes and redraws at once.
Each notebook builds its panel with one call (:func:`stress_panel`, and the
builders in the plan and hiring chart modules).

Panels are for a live JupyterLab session only: a static report shows the
figures of the settings' scenario, drawn by the notebook's own cells.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure

from salesnb import charts
from salesnb.analysis import StressReport, stress_report
from salesnb.client import Client
from salesnb.display import key_figures, money, pct

__all__ = ["LivePanel", "figures", "live_panel", "slider", "stress_panel"]

_STYLE = {"description_width": "initial"}
_LAYOUT = {"width": "420px"}


def slider(
    description: str,
    value: float,
    low: float,
    high: float,
    step: float,
    *,
    percent: bool = False,
    whole: bool = False,
) -> widgets.ValueWidget:
    """A slider that updates while it is dragged; ``percent`` shows 0.25 as 25%."""
    if whole:
        return widgets.IntSlider(
            value=int(value),
            min=int(low),
            max=int(high),
            step=int(step),
            description=description,
            continuous_update=True,
            style=_STYLE,
            layout=widgets.Layout(**_LAYOUT),
        )
    return widgets.FloatSlider(
        value=float(value),
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=".0%" if percent else ".2f",
        continuous_update=True,
        style=_STYLE,
        layout=widgets.Layout(**_LAYOUT),
    )


def figures(*shapes: tuple[int, int, tuple[float, float]]) -> list[Figure]:
    """New figures (rows, columns, size) that are not shown until a panel shows them."""
    was_interactive = plt.isinteractive()
    plt.ioff()
    try:
        return [plt.subplots(r, c, figsize=size, layout="constrained")[0] for r, c, size in shapes]
    finally:
        if was_interactive:
            plt.ion()


@dataclass
class LivePanel:
    """Controls, the figures they redraw, and the functions that do it."""

    controls: Mapping[str, widgets.ValueWidget]
    compute: Callable[..., Any]
    draw: Callable[[Any, Sequence[Figure]], None]
    summarize: Callable[[Any], pd.DataFrame]
    figures: Sequence[Figure]
    summary: widgets.Output = field(default_factory=widgets.Output)
    plots: widgets.Output = field(default_factory=widgets.Output)
    result: Any = None

    @property
    def box(self) -> widgets.Box:
        return widgets.VBox(
            [widgets.HBox([widgets.VBox(list(self.controls.values())), self.summary]), self.plots]
        )

    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def recompute(self) -> Any:
        """The section as the controls describe it now."""
        return self.compute(**self.values())

    def redraw(self, result: Any) -> None:
        """Draw ``result`` into the panel's figures and show them with its key figures."""
        for fig in self.figures:
            for ax in fig.axes:
                ax.clear()
        self.draw(result, self.figures)
        with self.summary:
            self.summary.clear_output(wait=True)
            display(self.summarize(result))
        with self.plots:
            self.plots.clear_output(wait=True)
            display(*self.figures)
        self.result = result

    def update(self, _change: Any = None) -> None:
        self.redraw(self.recompute())


def live_panel(
    controls: Mapping[str, widgets.ValueWidget],
    compute: Callable[..., Any],
    draw: Callable[[Any, Sequence[Figure]], None],
    summarize: Callable[[Any], pd.DataFrame],
    figs: Sequence[Figure],
    first: Any = None,
) -> LivePanel:
    """Wire ``controls`` to recompute-and-redraw; draw ``first`` (or a first result) now."""
    panel = LivePanel(
        controls=controls, compute=compute, draw=draw, summarize=summarize, figures=figs
    )
    for control in controls.values():
        control.observe(panel.update, names="value")
    panel.redraw(first if first is not None else panel.recompute())
    return panel


def stress_panel(client: Client, report: StressReport) -> LivePanel:
    """The stress test's panel: sales cut, start month and target margin."""
    currency = client.settings.client.currency
    st = client.settings.stress_test
    controls = {
        "cut": slider("Sales under plan", report.stress.cut, 0.0, 0.5, 0.01, percent=True),
        "start_month": slider(
            "From month", report.stress.start_month, 1, len(report.inputs.months), 1, whole=True
        ),
        "target_margin": slider(
            "Target margin", report.stress.target_margin, -0.1, 0.3, 0.01, percent=True
        ),
    }

    def compute(cut: float, start_month: int, target_margin: float) -> StressReport:
        return stress_report(
            client,
            cut=cut,
            start_month=start_month,
            target_margin=target_margin,
            volatility=st.volatility,
            runs=st.runs,
            seed=st.seed,
            inputs=report.inputs,
        )

    def draw(result: StressReport, figs: Sequence[Figure]) -> None:
        charts.draw_income_and_cash((figs[0].axes[0], figs[0].axes[1]), result, currency)
        charts.draw_cut_curve((figs[1].axes[0], figs[1].axes[1]), result, currency)

    def summarize(result: StressReport) -> pd.DataFrame:
        y = result.stress.year
        return key_figures(
            {
                "Sales under plan": f"{result.stress.cut:.0%} from month {result.stress.start_month}",
                "Year's income, plan": money(y["baseline_income"], currency),
                "Year's income, scenario": money(y["scenario_income"], currency),
                "Lost income": money(y["lost_income"], currency),
                "Cost reduction to break even": money(y["reduction_to_break_even"], currency),
                f"Cost reduction to hold {pct(result.stress.target_margin, 0)}": money(
                    y["reduction_to_target_margin"], currency
                ),
                "Not covered by discretionary cuts": money(result.uncovered_target, currency),
            }
        )

    figs = figures((1, 2, (12, 4)), (1, 2, (12, 4)))
    return live_panel(controls, compute, draw, summarize, figs, first=report)
