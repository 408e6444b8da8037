"""The stress test's live panel (notebook 02): sales cut, start month, target margin."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from salesnb.analysis import StressReport, stress_report
from salesnb.charts import proforma as charts
from salesnb.format import key_figures
from salesnb.io import Client
from salesnb.panels._live import LivePanel, figures, live_panel, slider

__all__ = ["stress_panel"]


def stress_panel(client: Client, report: StressReport) -> LivePanel:
    """The stress test's panel: sales cut, start month and target margin."""
    currency = client.settings.client.currency
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
            inputs=report.inputs,
        )

    def draw(result: StressReport, figs: Sequence[Figure]) -> None:
        charts.draw_income_and_cash((figs[0].axes[0], figs[0].axes[1]), result, currency)
        charts.draw_cut_curve((figs[1].axes[0], figs[1].axes[1]), result, currency)

    def summarize(result: StressReport) -> pd.DataFrame:
        return key_figures(result.panel_summary(currency))

    figs = figures((1, 2, (12, 4)), (1, 2, (12, 4)))
    return live_panel(controls, compute, draw, summarize, figs, first=report)
