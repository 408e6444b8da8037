"""Charts of the leading indicators (notebook 05).

Each chart has a ``draw_*`` function that draws into axes it is given and a
``*_figure`` function that makes a new figure; the numbers come from
:class:`~salesnb.analysis.indicators.IndicatorsReport` (and its
:class:`~salesnb.analysis.indicators.IndicatorView` for one indicator).

- :func:`draw_view` -- one indicator against bookings shifted back by a lag, both as
  4-week averages, so that a lead shows as two lines moving together;
- :func:`draw_lags` -- the lag table as a chart: each indicator's correlation at every
  lag, with the band it must clear;
- :func:`draw_forecast` -- the bookings of each past 9-week window, what each forecast
  said of it beforehand, and the next 60 days with their range;
- :func:`draw_errors` -- the backtest's errors, window by window, of both forecasts.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from salesnb.analysis.indicators import IndicatorsReport, IndicatorView
from salesnb.charts._style import BASELINE, GOOD, NEUTRAL, SCENARIO, money_axis, plain, tidy
from salesnb.format import money

__all__ = [
    "SMOOTH_WEEKS",
    "draw_errors",
    "draw_forecast",
    "draw_lags",
    "draw_view",
    "errors_figure",
    "forecast_figure",
    "indicators_figure",
    "lags_figure",
    "view_figure",
]

#: Weeks averaged in the indicator charts' lines.
SMOOTH_WEEKS = 4
BOOKINGS = "#d6a03b"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def draw_view(ax: Axes, view: IndicatorView, currency: str, *, booked: str = "bookings") -> None:
    """The indicator (left axis) and bookings ``lag`` weeks later (right axis), 4-week averages."""
    for other in ax.figure.axes:  # a twin axis from an earlier drawing is removed first
        if other is not ax and other.bbox.bounds == ax.bbox.bounds:
            other.remove()
    weeks = view.activity.index
    activity = view.activity.rolling(SMOOTH_WEEKS).mean()
    shifted = view.shifted.rolling(SMOOTH_WEEKS).mean()
    colour = BASELINE if view.reliable else NEUTRAL
    ax.plot(weeks, activity.to_numpy(), color=colour, linewidth=1.6)
    ax.set_ylabel(plain(f"{_capital(view.label)} a week"), color=colour)
    ax.set_ylim(0, max(float(np.nanmax(activity.to_numpy(dtype=float))), 1.0) * 1.25)
    twin = ax.twinx()
    twin.plot(weeks, shifted.to_numpy(), color=BOOKINGS, linewidth=1.6)
    top = float(np.nanmax(shifted.to_numpy(dtype=float))) if shifted.notna().any() else 1.0
    twin.set_ylim(0, max(top, 1.0) * 1.25)
    money_axis(twin, currency)
    twin.set_ylabel(plain(f"{_capital(booked)} {view.lag_weeks} weeks later"), color=BOOKINGS)
    twin.spines[["top"]].set_visible(False)
    who = "" if view.rep is None else f"{view.rep}: "
    if view.reliable:
        reading = f"leads by {view.lag_weeks} weeks"
    elif view.reliable is None:
        reading = "too little to measure"
    else:
        reading = f"no reliable lead at {view.lag_weeks} weeks"
    strength = (
        ""
        if view.correlation is None or view.band is None
        else f" (correlation {view.correlation:.2f}, needs {view.band:.2f})"
    )
    ax.set_title(plain(f"{who}{_capital(view.label)}: {reading}{strength}"), fontsize=10)
    ax.spines[["top"]].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="x", labelsize=8)


def view_figure(view: IndicatorView, currency: str, *, booked: str = "bookings") -> Figure:
    fig, ax = plt.subplots(figsize=(10, 3.6), layout="constrained")
    draw_view(ax, view, currency, booked=booked)
    return fig


def indicators_figure(report: IndicatorsReport, currency: str) -> Figure:
    """Every indicator against bookings shifted by its own best lag, two to a row."""
    rows = math.ceil(len(report.kinds) / 2)
    fig, axes = plt.subplots(rows, 2, figsize=(13, 3.1 * rows), layout="constrained", squeeze=False)
    for ax, kind in zip(axes.flat, report.kinds, strict=False):
        draw_view(ax, report.view(kind), currency, booked=report.booked)
    for ax in list(axes.flat)[len(report.kinds) :]:
        ax.set_visible(False)
    return fig


def draw_lags(ax: Axes, report: IndicatorsReport) -> None:
    """Each indicator's correlation with bookings at every lag (bars), the band (line)."""
    kinds = report.kinds
    lags = report.correlations.index.to_numpy()
    width = 0.8 / len(kinds)
    palette = ("#1f4e79", "#4f9d69", "#8064a2", "#c0504d", "#4bacc6", "#d6a03b")
    for k, kind in enumerate(kinds):
        lead = report.search.lead(kind)
        colour = palette[k % len(palette)]
        x = lags - 0.4 + width * (k + 0.5)
        values = report.correlations[kind].to_numpy(dtype=float)
        ax.bar(
            x,
            values,
            width,
            color=colour,
            alpha=1.0 if lead.reliable else 0.35,
            label=plain(f"{_capital(lead.label)}: {lead.verdict}"),
        )
        if lead.reliable:
            ax.annotate(
                plain(f"{lead.lag_weeks} weeks"),
                (x[lead.lag_weeks], values[lead.lag_weeks]),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color=colour,
                fontweight="bold",
            )
    band = report.bands.mean(axis=1).to_numpy()
    ax.step(
        np.r_[lags - 0.5, lags[-1] + 0.5],
        np.r_[band, band[-1]],
        where="post",
        color=SCENARIO,
        linestyle="--",
        linewidth=1.2,
        label="Band: a lead must reach it",
    )
    ax.axhline(0, color=NEUTRAL, linewidth=0.8)
    ax.axvspan(8.5, lags[-1] + 0.5, color="#eef4ea", zorder=0)
    ax.text(
        (8.5 + lags[-1] + 0.5) / 2,
        0.98,
        "60 days or more ahead",
        transform=ax.get_xaxis_transform(),
        ha="center",
        va="top",
        fontsize=8,
        color=GOOD,
    )
    ax.set_xticks(lags)
    ax.set_xlim(-0.5, lags[-1] + 0.5)
    top = max(float(np.nanmax(report.correlations.to_numpy(dtype=float))), float(band.max()))
    ax.set_ylim(min(-0.3, float(np.nanmin(report.correlations.to_numpy(dtype=float)))), top * 1.25)
    ax.set_xlabel("Lag: weeks from the activity to the bookings")
    ax.set_ylabel("Correlation")
    ax.set_title(plain(f"How strongly each activity goes with {report.booked} later, lag by lag"))
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    tidy(ax)


def lags_figure(report: IndicatorsReport) -> Figure:
    fig, ax = plt.subplots(figsize=(13, 4.2), layout="constrained")
    draw_lags(ax, report)
    return fig


def _window_starts(weeks: tuple) -> pd.DatetimeIndex:
    """The first week of each backtest window (the week after its origin)."""
    return pd.DatetimeIndex(weeks) + pd.Timedelta(days=7)


def draw_forecast(ax: Axes, report: IndicatorsReport, currency: str) -> None:
    """Each past 9-week window's bookings, what each forecast said of it beforehand, and
    the next 9 weeks with their range."""
    f, t = report.forecast, report.forecast.backtest
    starts = _window_starts(t.weeks)
    ax.plot(starts, t.actual, color="black", linewidth=1.8, label=f"Actual {report.booked}")
    ax.plot(
        starts,
        t.naive,
        color=NEUTRAL,
        linestyle="--",
        linewidth=1.2,
        label=plain(f"Naive: average error {money(t.mae_naive, currency)}"),
    )
    if t.indicators is not None:
        ax.plot(
            starts,
            t.indicators,
            color=BASELINE,
            linewidth=1.2,
            label=plain(f"From the indicators: average error {money(t.mae_indicators, currency)}"),
        )
    at = pd.Timestamp(f.first_week)
    colour = BASELINE if f.method == "indicators" else NEUTRAL
    ax.errorbar(
        [at],
        [f.forecast],
        yerr=[[f.forecast - f.low], [f.high - f.forecast]],
        fmt="o",
        color=colour,
        capsize=5,
        markersize=8,
        label=plain(
            f"Next {f.horizon_weeks} weeks: {money(f.forecast, currency)} "
            f"({f.interval:.0%} range {money(f.low, currency)} to {money(f.high, currency)})"
        ),
    )
    ax.annotate(
        plain(money(f.forecast, currency)),
        (at, f.forecast),
        xytext=(8, 0),
        textcoords="offset points",
        va="center",
        fontsize=9,
        color=colour,
        fontweight="bold",
    )
    ax.set_ylim(0, max(max(t.actual), f.high, max(t.naive)) * 1.3)
    ax.set_xlim(starts[0] - pd.Timedelta(days=14), at + pd.Timedelta(days=49))
    money_axis(ax, currency)
    ax.set_xlabel(f"First week of each {f.horizon_weeks}-week window")
    ax.set_title(
        plain(
            f"{_capital(report.booked)} over {f.horizon_weeks} weeks: forecast beforehand, and actual"
        )
    )
    ax.legend(frameon=False, loc="upper left", fontsize=8, ncols=2)
    tidy(ax)


def forecast_figure(report: IndicatorsReport, currency: str) -> Figure:
    fig, ax = plt.subplots(figsize=(12, 4.4), layout="constrained")
    draw_forecast(ax, report, currency)
    return fig


def draw_errors(ax: Axes, report: IndicatorsReport, currency: str) -> None:
    """Each backtest window's error (forecast - actual) for both forecasts."""
    t = report.forecast.backtest
    starts = _window_starts(t.weeks)
    actual = np.asarray(t.actual)
    width = pd.Timedelta(days=3)
    ax.bar(
        starts - width / 2,
        np.asarray(t.naive) - actual,
        width=width,
        color=NEUTRAL,
        label=plain(f"Naive: average miss {money(t.mae_naive, currency)}"),
    )
    if t.indicators is not None:
        ax.bar(
            starts + width / 2,
            np.asarray(t.indicators) - actual,
            width=width,
            color=BASELINE,
            label=plain(f"From the indicators: average miss {money(t.mae_indicators, currency)}"),
        )
    ax.axhline(0, color="black", linewidth=0.8)
    money_axis(ax, currency)
    ax.set_xlabel(f"First week of each {t.horizon_weeks}-week window")
    ax.set_ylabel("Forecast minus actual")
    ax.set_title("The backtest: how far each forecast missed, window by window")
    ax.legend(frameon=False, loc="upper left", fontsize=8, ncols=2)
    tidy(ax)


def errors_figure(report: IndicatorsReport, currency: str) -> Figure:
    fig, ax = plt.subplots(figsize=(12, 3.6), layout="constrained")
    draw_errors(ax, report, currency)
    return fig
