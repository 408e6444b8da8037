"""Charts of the pro forma and the stress test (notebook 02).

Each chart has a ``draw_*`` function that draws into axes it is given (the live
panel redraws into the same figure on every slider move) and a ``*_figure``
function that makes a new figure for a notebook or a report. Nothing here
computes a figure: the numbers come from :class:`~salesnb.analysis.StressReport`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from salesnb.analysis import StressReport
from salesnb.charts._style import BASELINE, GOOD, NEUTRAL, SCENARIO, money_axis, plain, tidy
from salesnb.format import money

__all__ = [
    "cut_curve_figure",
    "cut_plan_figure",
    "draw_cut_curve",
    "draw_income_and_cash",
    "income_and_cash_figure",
    "simulation_figure",
]


def draw_income_and_cash(axes: tuple[Axes, Axes], report: StressReport, currency: str) -> None:
    """Monthly operating income (bars) and month-end cash (lines), baseline vs scenario."""
    ax_income, ax_cash = axes
    base, scen = report.stress.baseline, report.stress.scenario
    labels = [m.strftime("%b") for m in base.index]
    x = np.arange(len(labels))
    width = 0.4
    ax_income.bar(x - width / 2, base["operating_income"], width, color=BASELINE, label="Plan")
    ax_income.bar(
        x + width / 2,
        scen["operating_income"],
        width,
        color=SCENARIO,
        label=f"Sales {report.stress.cut:.0%} under plan",
    )
    ax_income.axhline(0, color="black", linewidth=0.8)
    ax_income.set_xticks(x, labels)
    ax_income.set_title("Operating income by month")
    money_axis(ax_income, currency)
    ax_income.legend(frameon=False, loc="upper left")
    tidy(ax_income)

    ax_cash.plot(x, base["cash"], color=BASELINE, marker="o", label="Plan")
    ax_cash.plot(x, scen["cash"], color=SCENARIO, marker="o", label="Scenario")
    ax_cash.axhline(report.inputs.minimum_cash, color=NEUTRAL, linestyle="--", label="Minimum cash")
    ax_cash.set_xticks(x, labels)
    ax_cash.set_title("Cash at month end")
    money_axis(ax_cash, currency)
    ax_cash.legend(frameon=False, loc="upper left")
    tidy(ax_cash)


def income_and_cash_figure(report: StressReport, currency: str) -> Figure:
    fig, axes = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
    draw_income_and_cash((axes[0], axes[1]), report, currency)
    return fig


def _mark_cut(ax: Axes, cut: float | None, y: float, label: str) -> None:
    """A dot at the largest survivable cut, when it lies on the chart's 0-50%."""
    if cut is not None and cut <= 0.5:
        ax.plot(
            [cut], [y], marker="o", color=SCENARIO, linestyle="none", label=f"{label} {cut:.1%}"
        )


def _finish_cut_axis(ax: Axes, title: str, currency: str) -> None:
    ax.set_title(title)
    ax.set_xlabel("Sales under plan")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    money_axis(ax, currency)
    ax.legend(frameon=False, loc="lower left")
    tidy(ax)


def draw_cut_curve(axes: tuple[Axes, Axes], report: StressReport, currency: str) -> None:
    """The year's income and lowest cash over cuts of 0-50%, with the survivable cuts marked."""
    ax_income, ax_cash = axes
    curve = report.curve
    if report.simulation is not None:
        band = report.simulation.curve
        ax_income.fill_between(
            band["cut"],
            band["p10"],
            band["p90"],
            color=BASELINE,
            alpha=0.15,
            label="Likely range (P10-P90)",
        )
    ax_income.plot(curve["cut"], curve["income"], color=BASELINE, label="Year's operating income")
    ax_income.axhline(0, color="black", linewidth=0.8)
    ax_income.axvline(report.stress.cut, color=SCENARIO, linestyle=":", label="This scenario")
    _mark_cut(ax_income, report.survivable.by_income, 0.0, "Break-even cut")
    _finish_cut_axis(ax_income, "Year's income as sales fall short", currency)

    ax_cash.plot(curve["cut"], curve["lowest_cash"], color=GOOD, label="Lowest month-end cash")
    ax_cash.axhline(report.inputs.minimum_cash, color=NEUTRAL, linestyle="--", label="Minimum cash")
    ax_cash.axvline(report.stress.cut, color=SCENARIO, linestyle=":", label="This scenario")
    _mark_cut(
        ax_cash, report.survivable.by_cash, report.inputs.minimum_cash, "Largest cut cash survives"
    )
    _finish_cut_axis(ax_cash, "Lowest cash of the year", currency)


def cut_curve_figure(report: StressReport, currency: str) -> Figure:
    fig, axes = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
    draw_cut_curve((axes[0], axes[1]), report, currency)
    return fig


def cut_plan_figure(report: StressReport, currency: str) -> Figure:
    """How the discretionary cuts cover the reduction needed to hold the target margin."""
    plan = report.plan_target
    labels = [*plan["line"], "Not covered"]
    values = [*plan["cut"], report.uncovered_target]
    colors = [GOOD] * len(plan) + [SCENARIO]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(labels) + 1.2), layout="constrained")
    y = np.arange(len(labels))[::-1]
    ax.barh(y, values, color=colors)
    ax.set_yticks(y, [plain(label) for label in labels])
    for yi, v in zip(y, values, strict=True):
        ax.text(v, yi, plain(" " + money(v, currency)), va="center", fontsize=9)
    needed = float(report.stress.year["reduction_to_target_margin"])
    ax.set_title(
        plain(
            f"Cutting discretionary costs to find {money(needed, currency)} "
            f"(to hold a {report.stress.target_margin:.0%} margin)"
        )
    )
    money_axis(ax, currency, axis="x")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, max([*values, 1.0]) * 1.3)
    return fig


def simulation_figure(report: StressReport, currency: str) -> Figure:
    """Histogram of the year's income over the simulated years, P10/P50/P90 marked."""
    mc = report.simulation
    fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
    if mc is None:
        return fig
    ax.hist(mc.income, bins=40, color=BASELINE, alpha=0.8)
    for q, style in ((10, ":"), (50, "-"), (90, ":")):
        value = mc.percentile(q)
        ax.axvline(value, color=SCENARIO, linestyle=style)
        ax.text(value, ax.get_ylim()[1] * 0.95, f" P{q}", color=SCENARIO, va="top")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_title(f"Year's income over {len(mc.income):,} simulated years")
    money_axis(ax, currency, axis="x")
    ax.set_yticks([])
    ax.spines[["top", "right", "left"]].set_visible(False)
    return fig
