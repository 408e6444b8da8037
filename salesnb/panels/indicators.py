"""The leading indicators' live panel (notebook 05): indicator, rep and lag.

Pick an indicator and a rep (or the team) to see that activity against bookings
shifted back by the lag; the lag starts at the one the search found for the
indicator, and moving it shows how the correlation and the backtest fare at any
other lag (an override: the report's own figures keep the lag found).
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from salesnb.analysis.indicators import IndicatorsReport, IndicatorView
from salesnb.charts.indicators import draw_view
from salesnb.format import key_figures
from salesnb.io import Client
from salesnb.panels._live import LivePanel, figures, live_panel, slider

__all__ = ["TEAM", "indicators_panel"]

#: The rep control's choice for the whole team.
TEAM = "The team"
_STYLE = {"description_width": "initial"}
_LAYOUT = widgets.Layout(width="420px")


def indicators_panel(client: Client, report: IndicatorsReport) -> LivePanel:
    """The panel: an indicator, a rep (or the team) and a lag (0-13 weeks)."""
    currency = client.settings.client.currency
    first = report.kinds[0]
    controls = {
        "indicator": widgets.Dropdown(
            options=[(report.view(k).label.capitalize(), k) for k in report.kinds],
            value=first,
            description="Indicator",
            style=_STYLE,
            layout=_LAYOUT,
        ),
        "rep": widgets.Dropdown(
            options=[TEAM, *report.reps],
            value=TEAM,
            description="Rep",
            style=_STYLE,
            layout=_LAYOUT,
        ),
        "lag": slider(
            "Lag (weeks)",
            report.search.lead(first).lag_weeks,
            0,
            report.search.max_lag,
            1,
            whole=True,
        ),
    }

    def compute(indicator: str, rep: str, lag: int) -> IndicatorView:
        return report.view(indicator, None if rep == TEAM else rep, lag)

    def draw(result: IndicatorView, figs: Sequence[Figure]) -> None:
        draw_view(figs[0].axes[0], result, currency, booked=report.booked)

    def summarize(result: IndicatorView) -> pd.DataFrame:
        return key_figures(result.panel_summary(currency))

    figs = figures((1, 1, (11, 3.8)))
    panel = live_panel(controls, compute, draw, summarize, figs)

    def found_lag(change: dict) -> None:  # a new indicator starts at its own lag
        controls["lag"].value = report.search.lead(change["new"]).lag_weeks

    controls["indicator"].observe(found_lag, names="value")
    return panel
