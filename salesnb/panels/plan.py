"""The annual plan's live panel (notebook 01): growth, stretch and coverage."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from salesnb.analysis import PlanReport, plan_report
from salesnb.charts.plan import draw_goals, draw_quotas, quota_height
from salesnb.format import key_figures
from salesnb.io import Client
from salesnb.panels._live import LivePanel, figures, live_panel, slider

__all__ = ["plan_panel"]


def plan_panel(client: Client, report: PlanReport) -> LivePanel:
    """The plan's panel: growth, stretch and coverage redraw the goal and the quotas.

    With a goal given in the settings the growth slider starts at the growth that
    goal implies; once it is moved, the goal is last year's total x (1 + growth).
    """
    currency = client.settings.client.currency
    controls = {
        "growth": slider(
            "Growth over last year",
            report.growth,
            min(-0.3, report.growth),
            max(0.6, report.growth),
            0.01,
            percent=True,
        ),
        "stretch": slider(
            "Stretch above quota",
            report.stretch,
            0.0,
            max(0.5, report.stretch),
            0.01,
            percent=True,
        ),
        "coverage": slider(
            "Pipeline coverage (x quota)", report.coverage, 1.0, max(6.0, report.coverage), 0.1
        ),
    }

    def compute(growth: float, stretch: float, coverage: float) -> PlanReport:
        return plan_report(client, growth=growth, stretch=stretch, coverage=coverage)

    def draw(result: PlanReport, figs: Sequence[Figure]) -> None:
        draw_goals((figs[0].axes[0], figs[0].axes[1]), result, currency)
        draw_quotas(figs[1].axes[0], result, currency)

    def summarize(result: PlanReport) -> pd.DataFrame:
        return key_figures(result.panel_summary(currency))

    figs = figures((1, 2, (12, 4)), (1, 1, (11, quota_height(report))))
    figs[0].axes[0].get_gridspec().set_width_ratios([2, 1])
    return live_panel(controls, compute, draw, summarize, figs, first=report)
