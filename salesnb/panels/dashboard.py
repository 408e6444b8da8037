"""The sales dashboard's live panel (notebook 04): period, rep and as-of date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from salesnb.analysis.dashboard import PERIODS, DashboardReport, dashboard_report
from salesnb.charts.dashboard import draw_flow, draw_forecast, draw_goalboard, draw_pipeline
from salesnb.format import key_figures
from salesnb.io import Client
from salesnb.panels._live import LivePanel, figures, live_panel

__all__ = ["dashboard_panel"]

_STYLE = {"description_width": "initial"}
_TEAM = "The team"


def dashboard_panel(client: Client, report: DashboardReport) -> LivePanel:
    """The dashboard's panel: a period, a rep (or the team) and an as-of date redraw the
    period's figures, the rep's pipeline by stage, forecast and flow, and the goalboard.

    A new as-of date works the dashboard out again (the pipeline as it stood that day,
    from the stage history); the period and the rep only choose what is shown.
    """
    currency = client.settings.client.currency
    controls = {
        "period": widgets.Dropdown(
            options=[(label, key) for key, label, *_ in PERIODS],
            value="last_month",
            description="Period",
            style=_STYLE,
        ),
        "rep": widgets.Dropdown(
            options=[_TEAM, *report.reps], value=_TEAM, description="Rep", style=_STYLE
        ),
        "as_of": widgets.DatePicker(value=report.as_of, description="As of", style=_STYLE),
    }
    worked: dict[dt.date, DashboardReport] = {report.as_of: report}

    def compute(
        period: str, rep: str, as_of: dt.date | None
    ) -> tuple[DashboardReport, str, str | None]:
        day = as_of or report.export_as_of
        if day not in worked:
            worked[day] = dashboard_report(client, as_of=day)
        return worked[day], period, None if rep == _TEAM else rep

    def draw(result: tuple[DashboardReport, str, str | None], figs: Sequence[Figure]) -> None:
        shown, period, rep = result
        draw_pipeline(figs[0].axes[0], shown, currency, rep)
        draw_goalboard(figs[0].axes[1], shown, period)
        draw_forecast((figs[1].axes[0], figs[1].axes[1]), shown, rep)
        draw_flow(figs[2].axes[0], shown, currency, rep)

    def summarize(result: tuple[DashboardReport, str, str | None]) -> pd.DataFrame:
        shown, period, rep = result
        return key_figures(shown.period_summary(currency, period, rep))

    figs = figures((1, 2, (13, 3.8)), (1, 2, (12, 3.8)), (1, 1, (11, 3.8)))
    return live_panel(controls, compute, draw, summarize, figs, first=(report, "last_month", None))
