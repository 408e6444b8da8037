"""Charts of the sales dashboard (notebook 04).

As everywhere in :mod:`salesnb.charts`, each chart has a ``draw_*`` function that draws
into axes it is given and a ``*_figure`` function that makes a new figure. Nothing here
works out a figure: the numbers come from
:class:`~salesnb.analysis.dashboard.DashboardReport`. A figure whose input the export
lacks draws its "Not available: needs ..." sentence in place of the chart.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from salesnb.analysis.dashboard import BUCKET_LABELS, DashboardReport, not_available_text
from salesnb.charts._style import (
    BASELINE,
    GOOD,
    NEUTRAL,
    SCENARIO,
    money_axis,
    plain,
    short_money,
    span,
    tidy,
)
from salesnb.dashboard import TOTAL, available
from salesnb.pipeline import BUCKETS

__all__ = [
    "coverage_figure",
    "draw_coverage",
    "draw_flow",
    "draw_forecast",
    "draw_goalboard",
    "draw_pipeline",
    "flow_figure",
    "forecast_figure",
    "goalboard_figure",
    "pipeline_figure",
]

#: One colour per rep (muted, distinct in print), as the plan's charts use.
REP_COLOURS = ("#1f4e79", "#4f9d69", "#d6a03b", "#8064a2", "#4bacc6", "#c0504d", "#7f7f7f")


def _not_available(ax: Axes, result: object, title: str) -> None:
    ax.set_axis_off()
    ax.set_title(plain(title))
    ax.text(0.5, 0.5, plain(not_available_text(result)), ha="center", va="center", wrap=True)


def draw_pipeline(ax: Axes, report: DashboardReport, currency: str, rep: str | None = None) -> None:
    """Open pipeline value by stage (bars, in the stage order) with each stage's deal count."""
    table = report.open_pipeline if rep is None else report.open_by_rep
    title = f"Open pipeline by stage, {'the team' if rep is None else rep}"
    if not available(table):
        _not_available(ax, table, title)
        return
    if rep is not None:
        if rep not in table.index.get_level_values("owner"):
            ax.set_axis_off()
            ax.set_title(plain(title))
            ax.text(0.5, 0.5, plain(f"{rep} has no open deal"), ha="center", va="center")
            return
        table = table.xs(rep, level="owner")
    stages = table.drop(TOTAL)
    y = np.arange(len(stages))[::-1]
    ax.barh(y, stages["value"].to_numpy(), 0.6, color=BASELINE)
    top = float(stages["value"].max()) or 1.0
    for yi, (value, count) in zip(
        y, zip(stages["value"], stages["count"], strict=True), strict=True
    ):
        deals = f"{int(count)} deal" + ("" if int(count) == 1 else "s")
        ax.text(
            value + top * 0.01, yi, plain(f"{short_money(value, currency)}, {deals}"), va="center"
        )
    ax.set_yticks(y, [plain(s) for s in stages.index])
    ax.set_xlim(0, top * 1.35)
    money_axis(ax, currency, axis="x")
    total = table.loc[TOTAL]
    ax.set_title(
        plain(
            f"{title}: {short_money(float(total['value']), currency)} in {int(total['count'])} deals"
        )
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)


def pipeline_figure(report: DashboardReport, currency: str, rep: str | None = None) -> Figure:
    fig, ax = plt.subplots(figsize=(10, 3.6), layout="constrained")
    draw_pipeline(ax, report, currency, rep)
    return fig


def draw_coverage(ax: Axes, report: DashboardReport, months: int = 3) -> None:
    """Each rep's pipeline / quota of the next months (bars) against the coverage they need
    (a mark): a bar short of its mark is a rep without enough pipeline."""
    c = report.coverage
    title = "Pipeline coverage against need"
    if not available(c):
        _not_available(ax, c, title)
        return
    rows = c.by_rep.xs(months, level="months")
    rows = rows[rows["quota"] > 0]
    labels = [*rows.index, "Team"]
    cover = [*rows["coverage"].to_numpy(dtype=float), float(c.total.loc[months, "coverage"])]
    need = [*rows["needed"].to_numpy(dtype=float), float(c.total.loc[months, "needed"])]
    x = np.arange(len(labels))
    colours = [
        NEUTRAL if np.isnan(n) else (GOOD if cv >= n else SCENARIO)
        for cv, n in zip(cover, need, strict=True)
    ]
    ax.bar(x, np.nan_to_num(cover), 0.6, color=colours, label="Coverage (pipeline / quota)")
    finite = [n if np.isfinite(n) else np.nan for n in need]
    ax.scatter(
        x,
        finite,
        marker="_",
        s=900,
        linewidths=3,
        color="black",
        zorder=3,
        label="Coverage needed (1 / win rate)",
    )
    for xi, cv, n in zip(x, cover, need, strict=True):
        said = "—" if np.isnan(cv) else f"{cv:.1f}x"
        if np.isfinite(n):
            said += f"\nneeds {n:.1f}x"
        elif not np.isnan(n):
            said += "\nnothing won"
        ax.text(xi, np.nan_to_num(cv) + 0.1, said, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, [plain(name) for name in labels])
    top = np.nanmax([*np.nan_to_num(cover), *[v for v in finite if not np.isnan(v)], 1.0])
    ax.set_ylim(0, top * 1.3)
    ax.set_ylabel("times quota")
    ax.set_title(plain(f"{title}, {span(c.months[months])}"))
    ax.legend(frameon=False, loc="upper right", fontsize=8)
    tidy(ax)


def coverage_figure(report: DashboardReport, months: int = 3) -> Figure:
    fig, ax = plt.subplots(figsize=(10, 3.8), layout="constrained")
    draw_coverage(ax, report, months)
    return fig


def draw_forecast(axes: tuple[Axes, Axes], report: DashboardReport, rep: str | None = None) -> None:
    """Forecast accuracy (0-100) and bias by month, one line per rep (or the chosen rep and
    the team); bias above 0 is over-forecasting, below 0 sandbagging."""
    ax_acc, ax_bias = axes
    f = report.forecast
    if not available(f):
        _not_available(ax_acc, f, "Forecast accuracy")
        _not_available(ax_bias, f, "Forecast bias")
        return
    reps = [r for r in f.index.get_level_values("owner").unique() if r != TOTAL]
    shown = reps if rep is None else [rep]
    months = sorted(set(f.index.get_level_values("period")))
    x = np.arange(len(months))
    for i, who in enumerate([*shown, TOTAL]):
        rows = (
            f.xs(who, level="owner").reindex(months)
            if who in f.index.get_level_values("owner")
            else None
        )
        if rows is None:
            continue
        colour = "black" if who == TOTAL else REP_COLOURS[i % len(REP_COLOURS)]
        style = {
            "linewidth": 2.2 if who == TOTAL else 1.4,
            "linestyle": "--" if who == TOTAL else "-",
        }
        label = plain("Team" if who == TOTAL else who)
        ax_acc.plot(x, rows["accuracy"].to_numpy(dtype=float), color=colour, label=label, **style)
        ax_bias.plot(
            x, 100 * rows["bias"].to_numpy(dtype=float), color=colour, label=label, **style
        )
    ticks = x[:: max(1, len(x) // 12)]
    for ax in (ax_acc, ax_bias):
        ax.set_xticks(
            ticks,
            [
                f"{months[i]:%b}\n{months[i]:%Y}"
                if months[i].month in (1,) or i == 0
                else f"{months[i]:%b}"
                for i in ticks
            ],
        )
        tidy(ax)
    ax_acc.set_ylim(0, 105)
    ax_acc.set_ylabel("accuracy (100 = exact)")
    ax_acc.set_title("Forecast accuracy by month")
    ax_bias.axhline(0, color=NEUTRAL, linewidth=1)
    ax_bias.set_ylabel("bias, % of won")
    ax_bias.set_title("Forecast bias: above 0 forecast more than won")
    ax_bias.legend(frameon=False, fontsize=8, loc="upper left", ncols=3)


def forecast_figure(report: DashboardReport, rep: str | None = None) -> Figure:
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), layout="constrained")
    draw_forecast((axes[0], axes[1]), report, rep)
    return fig


def draw_flow(ax: Axes, report: DashboardReport, currency: str, rep: str | None = None) -> None:
    """The pipeline flow as a waterfall: start, what came in (up), what went out (down), end."""
    f = report.flow
    title = "How the quarter's pipeline moved"
    if not available(f):
        _not_available(ax, f, title)
        return
    if rep is not None and rep not in f.by_rep.index:
        ax.set_axis_off()
        ax.set_title(plain(title))
        ax.text(0.5, 0.5, plain(f"{rep} has no deal in this pipeline"), ha="center", va="center")
        return
    values = f.total if rep is None else f.by_rep.loc[rep]
    signs = {
        "created": 1,
        "pulled_in": 1,
        "increased": 1,
        "decreased": -1,
        "pushed_out": -1,
        "lost": -1,
        "won": -1,
    }
    level = 0.0
    x = np.arange(len(BUCKETS))
    for xi, bucket in zip(x, BUCKETS, strict=True):
        amount = float(values[bucket])
        if bucket in ("start", "end"):
            ax.bar(xi, amount, 0.6, color=BASELINE)
            level = amount
            top = amount
        else:
            sign = signs[bucket]
            bottom = level if sign > 0 else level - amount
            colour = GOOD if bucket in ("created", "pulled_in", "increased", "won") else SCENARIO
            if bucket == "won":
                colour = GOOD
            ax.bar(xi, amount, 0.6, bottom=bottom, color=colour)
            level += sign * amount
            top = max(level, bottom + amount)
        ax.text(xi, top, plain(short_money(amount, currency)), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, [BUCKET_LABELS[b] for b in BUCKETS])
    money_axis(ax, currency)
    first, last = f.window
    since = "" if f.previous_as_of is None else f" since {f.previous_as_of:%d %b %Y}"
    who = "the team" if rep is None else rep
    ax.set_title(plain(f"{title} ({span([first, last])} closes, {who}){since}"))
    tidy(ax)


def flow_figure(report: DashboardReport, currency: str, rep: str | None = None) -> Figure:
    fig, ax = plt.subplots(figsize=(11, 3.8), layout="constrained")
    draw_flow(ax, report, currency, rep)
    return fig


def draw_goalboard(ax: Axes, report: DashboardReport, period: str = "last_month") -> None:
    """Reps ranked by quota attainment (bars), with their activity against standard (dots)."""
    g = report.goalboards[period]
    p = report.period(period)
    title = f"Goalboard, {p.title[:1].lower()}{p.title[1:]}"
    if not available(g):
        _not_available(ax, g, title)
        return
    g = g[g["quota"] > 0]
    y = np.arange(len(g))[::-1]
    att = 100 * g["attainment"].to_numpy(dtype=float)
    act = 100 * g["activity_score"].to_numpy(dtype=float)
    colours = [GOOD if a >= 100 else BASELINE for a in np.nan_to_num(att)]
    ax.barh(y, np.nan_to_num(att), 0.55, color=colours, label="Quota attainment")
    ax.scatter(act, y, color="#d6a03b", zorder=3, s=40, label="Activity vs standard")
    for yi, a, s in zip(y, att, act, strict=True):
        said = f"{a:.0f}%" + ("" if np.isnan(s) else f"  (activity {s:.0f}%)")
        ax.text(max(np.nan_to_num(a), np.nan_to_num(s)) + 3, yi, said, va="center", fontsize=8)
    ax.axvline(100, color=NEUTRAL, linewidth=1, linestyle=":")
    ax.set_yticks(
        y,
        [plain(f"{int(r)}. {name}") for name, r in zip(g.index, g["attainment_rank"], strict=True)],
    )
    top = np.nanmax([*np.nan_to_num(att), *np.nan_to_num(act), 100.0])
    ax.set_xlim(0, top * 1.3)
    ax.set_xlabel("% of quota (bars) and of activity standard (dots)")
    ax.set_title(plain(title))
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)


def goalboard_figure(report: DashboardReport, period: str = "last_month") -> Figure:
    rows = report.goalboards[period]
    height = 1.2 + 0.45 * (len(rows) if available(rows) else 2)
    fig, ax = plt.subplots(figsize=(10, height), layout="constrained")
    draw_goalboard(ax, report, period)
    return fig
