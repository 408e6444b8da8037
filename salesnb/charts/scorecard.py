"""Charts of the recruiting scorecard (notebook 07).

The numbers come from :class:`~salesnb.analysis.scorecard.ScorecardReport`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from salesnb.analysis.scorecard import ScorecardReport
from salesnb.charts._style import BASELINE, GOOD, NEUTRAL, plain, tidy

__all__ = ["candidates_figure", "draw_candidates"]


def draw_candidates(ax: Axes, report: ScorecardReport) -> None:
    """Each candidate's weighted score against the hire threshold (clearing it in green)."""
    c = report.candidates
    y = list(range(len(c)))[::-1]
    colours = [GOOD if v else BASELINE for v in c["clears"]]
    bars = ax.barh(y, c["weighted"].to_numpy(), color=colours, height=0.6)
    ax.bar_label(bars, labels=[f"{v:.2f}" for v in c["weighted"]], padding=3, fontsize=9)
    ax.axvline(report.threshold, color=NEUTRAL, linestyle="--")
    ax.text(
        report.threshold,
        1.01,
        plain(f"hire threshold {report.threshold:.2f}"),
        transform=ax.get_xaxis_transform(),
        ha="center",
        fontsize=8,
        color=NEUTRAL,
    )
    ax.set_yticks(y, [plain(n) for n in c.index])
    ax.set_xlim(1, 5.4)
    ax.set_xlabel("Weighted score (1 to 5)")
    tidy(ax)


def candidates_figure(report: ScorecardReport) -> Figure:
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(report.candidates) + 1.6), layout="constrained")
    draw_candidates(ax, report)
    return fig
