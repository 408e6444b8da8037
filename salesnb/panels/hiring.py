"""The hiring timeline's live panel (notebook 03): ramp, lead time, attainment, attrition.

The ramp slider is offered only where the ramp is a number of months: a client
whose settings give the ramp as a curve keeps that curve.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from salesnb.analysis import HiringReport, hiring_report
from salesnb.charts.hiring import draw_capacity, draw_org_chart, org_chart_height
from salesnb.format import key_figures
from salesnb.io import Client
from salesnb.panels._live import LivePanel, figures, live_panel, slider

__all__ = ["hiring_panel"]


def hiring_panel(client: Client, report: HiringReport) -> LivePanel:
    """The hiring timeline's panel: ramp, lead time, attainment and attrition.

    A slider move redoes the plan (without the sensitivity table and the
    simulation, so it stays instant) for the same objective, and redraws the
    capacity chart and the org chart in place.
    """
    currency = client.settings.client.currency
    a = report.assumptions
    hiring = client.settings.hiring
    # A ramp the settings give as a curve is the client's own: no slider replaces it.
    own_curve = hiring is not None and hiring.ramp is not None
    ramp = (
        {}
        if own_curve
        else {"ramp_months": slider("Ramp (months)", a.ramp_length, 0, 12, 1, whole=True)}
    )
    controls = {
        **ramp,
        "lead_time_months": slider(
            "Recruiting lead time (months)", a.lead_time_months, 0, 12, 1, whole=True
        ),
        "attainment": slider("Attainment", a.attainment, 0.4, 1.4, 0.01, percent=True),
        "attrition_rate": slider(
            "Attrition a year", a.attrition_rate, 0.0, 0.5, 0.01, percent=True
        ),
    }

    def compute(
        lead_time_months: int,
        attainment: float,
        attrition_rate: float,
        ramp_months: int | None = None,
    ) -> HiringReport:
        return hiring_report(
            client,
            # the report's own ramp unless the slider moved
            ramp_months=None if ramp_months in (None, a.ramp_length) else ramp_months,
            lead_time_months=lead_time_months,
            attainment=attainment,
            attrition_rate=attrition_rate,
            simulate=False,
            objective=report.objective,
        )

    def draw(result: HiringReport, figs: Sequence[Figure]) -> None:
        draw_capacity(figs[0].axes[0], result, currency)
        figs[1].set_size_inches(12, org_chart_height(result))
        draw_org_chart(figs[1].axes[0], result, currency)

    def summarize(result: HiringReport) -> pd.DataFrame:
        return key_figures(result.panel_summary(currency))

    figs = figures((1, 1, (12, 4.6)), (1, 1, (12, org_chart_height(report))))
    return live_panel(controls, compute, draw, summarize, figs, first=report)
