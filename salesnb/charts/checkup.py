"""Charts of the sales manager's checkup (notebook 06).

Each chart has a ``draw_*`` function that draws into axes it is given and a
``*_figure`` function that makes a new figure; the numbers come from
:class:`~salesnb.analysis.checkup.CheckupReport`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from salesnb import checkup as ck
from salesnb.analysis.checkup import CheckupReport
from salesnb.charts._style import BASELINE, NEUTRAL, SCENARIO, plain, tidy

__all__ = ["draw_history", "draw_scores", "history_figure", "scores_figure"]

_TITLES = {a.key: a.title for a in ck.AREAS}


def draw_scores(ax: Axes, report: CheckupReport) -> None:
    """The latest score of each area as a bar (projects in red), the one before as dots."""
    table = report.history.drop(index="total")
    latest = table.iloc[:, -1]
    projects = set(report.projects["area"])
    y = list(range(len(latest)))[::-1]
    colours = [SCENARIO if k in projects else BASELINE for k in latest.index]
    ax.barh(y, latest.to_numpy(), color=colours, height=0.6)
    if table.shape[1] > 1:
        ax.plot(
            table.iloc[:, -2].to_numpy(),
            y,
            "o",
            color=NEUTRAL,
            label=plain(f"Assessment of {table.columns[-2]}"),
        )
        ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.set_yticks(y, [plain(_TITLES[k]) for k in latest.index], fontsize=8)
    ax.set_xlim(0, ck.HIGHEST)
    ax.set_xticks(range(ck.HIGHEST + 1))
    ax.set_xlabel("Score (1 = not in place, 5 = done well)")
    ax.set_title(plain(f"Checkup of {table.columns[-1]}: {report.total} of 55, {report.band.name}"))
    tidy(ax)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)


def scores_figure(report: CheckupReport) -> Figure:
    fig, ax = plt.subplots(figsize=(9, 5.2), layout="constrained")
    draw_scores(ax, report)
    return fig


def draw_history(ax: Axes, report: CheckupReport) -> None:
    """The total at each assessment, with the bands shaded behind it."""
    totals = report.history.loc["total"]
    shades = ("#e8f1e9", "#f1f5e6", "#fbf1de", "#f8e1e0")
    for band, shade in zip(ck.BANDS, shades, strict=True):
        ax.axhspan(band.low - 0.5, band.high + 0.5, color=shade, zorder=0)
        ax.text(
            1.01,
            (band.low + band.high) / 2,
            plain(band.name),
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=8,
            color=NEUTRAL,
        )
    x = list(range(len(totals)))
    ax.plot(x, totals.to_numpy(), "-o", color=BASELINE)
    for i, v in zip(x, totals.to_numpy(), strict=True):
        ax.annotate(str(int(v)), (i, v), textcoords="offset points", xytext=(0, 7), ha="center")
    ax.set_xticks(x, [plain(c) for c in totals.index])
    ax.set_xlim(-0.5, len(x) - 0.5)
    ax.set_ylim(10.5, 55.5)
    ax.set_ylabel("Total of the eleven areas")
    ax.set_title("The checkup's total at each assessment")
    ax.spines[["top", "right"]].set_visible(False)


def history_figure(report: CheckupReport) -> Figure:
    fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    draw_history(ax, report)
    return fig
