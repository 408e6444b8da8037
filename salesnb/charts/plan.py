"""Charts of the annual sales plan (notebook 01).

As everywhere in :mod:`salesnb.charts`, each chart has a ``draw_*`` function
that draws into axes it is given and a ``*_figure`` function that makes a new
figure. Nothing here works out a plan figure: the numbers, the tables and the
words come from :class:`~salesnb.analysis.PlanReport`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from salesnb.analysis import PlanReport
from salesnb.charts._style import (
    BASELINE,
    GOOD,
    NEUTRAL,
    SCENARIO,
    money_axis,
    month_labels,
    plain,
    short_money,
    span,
    tidy,
)
from salesnb.format import money
from salesnb.plan import HEALTHY_QUOTA_TO_OTE

__all__ = [
    "draw_funnel",
    "draw_goals",
    "draw_objectives",
    "draw_pipeline_timing",
    "draw_quotas",
    "funnel_figure",
    "goals_figure",
    "objectives_figure",
    "pipeline_timing_figure",
    "quota_height",
    "quotas_figure",
]

LAST_YEAR = "#b7b7b7"
STRETCH = "#9dc3e6"
FOLLOWING = "#6f9fcf"
#: One colour per rep in stacked charts (muted, and distinct in print).
REP_COLOURS = ("#1f4e79", "#4f9d69", "#d6a03b", "#8064a2", "#4bacc6", "#c0504d", "#7f7f7f")


def _quarter_months(index: pd.PeriodIndex, quarters: int) -> list[pd.PeriodIndex]:
    return [index[3 * q : 3 * q + 3] for q in range(quarters)]


def _growth_label(report: PlanReport) -> str:
    if report.given_goal:
        return "Goal (given)"
    return f"Goal (last year {report.growth:+.0%})"


def draw_goals(axes: tuple[Axes, Axes], report: PlanReport, currency: str) -> None:
    """Monthly goal (bars) against last year's actuals (line), and the quarters side by side."""
    ax_month, ax_quarter = axes
    months = report.monthly.index
    x = np.arange(len(months))
    ax_month.bar(x, report.monthly.to_numpy(), 0.7, color=BASELINE, label=_growth_label(report))
    ax_month.plot(
        x,
        report.prior.to_numpy(dtype=float),
        color=NEUTRAL,
        marker="o",
        linewidth=1.5,
        label=f"Same month last year ({span(report.prior.index)})",
    )
    ax_month.set_xticks(x, [f"{m:%b}" for m in months])
    ax_month.set_title(f"Monthly goal, {span(months)}")
    money_axis(ax_month, currency)
    ax_month.set_ylim(0, max(report.monthly.max(), np.nanmax([*report.prior, 0.0])) * 1.3)
    ax_month.legend(frameon=False, loc="upper left")
    tidy(ax_month)

    quarters = report.quarterly
    prior = report.prior_quarters()
    xq = np.arange(len(quarters))
    width = 0.38
    ax_quarter.bar(xq - width / 2, prior, width, color=LAST_YEAR, label="Last year")
    ax_quarter.bar(
        xq + width / 2, quarters.to_numpy(), width, color=BASELINE, label="Goal (amount below)"
    )
    spans = _quarter_months(months, len(quarters))
    ticks = [
        plain(f"{q}\n{span(m, year=False)}\n{short_money(v, currency)}")
        for q, m, v in zip(quarters.index, spans, quarters, strict=True)
    ]
    ax_quarter.set_xticks(xq, ticks)
    ax_quarter.set_title("Quarterly goal")
    money_axis(ax_quarter, currency)
    ax_quarter.set_ylim(0, max(quarters.max(), np.nanmax([*prior, 0.0])) * 1.3)
    ax_quarter.legend(frameon=False, loc="upper left", ncols=2)
    tidy(ax_quarter)


def goals_figure(report: PlanReport, currency: str) -> Figure:
    fig, axes = plt.subplots(
        1, 2, figsize=(12, 4), layout="constrained", gridspec_kw={"width_ratios": [2, 1]}
    )
    draw_goals((axes[0], axes[1]), report, currency)
    return fig


def _flagged(check: str) -> bool:
    return check in ("low", "high")


def draw_quotas(ax: Axes, report: PlanReport, currency: str) -> None:
    """Each rep's quota with the stretch above it; quota-to-OTE beside, flagged reps in red."""
    q = report.quotas
    y = np.arange(len(q))[::-1]
    colours = [SCENARIO if _flagged(c) else BASELINE for c in q["ote_check"]]
    ax.barh(y, q["quota"], 0.6, color=colours)
    ax.barh(
        y,
        q["stretch_quota"] - q["quota"],
        0.6,
        left=q["quota"],
        color=STRETCH,
        edgecolor=[c for c in colours],
        linewidth=0.8,
    )
    for yi, (_, row), colour in zip(y, q.iterrows(), colours, strict=True):
        ax.text(
            row["quota"] / 2,
            yi,
            plain(short_money(row["quota"], currency)),
            ha="center",
            va="center",
            color="white",
            fontsize=9,
        )
        ax.annotate(
            plain(report.ote_note(row["rep"])),
            (row["stretch_quota"], yi),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=colour,
            fontweight="bold" if _flagged(row["ote_check"]) else "normal",
        )
    ax.set_yticks(y, [plain(str(rep)) for rep in q["rep"]])
    ax.set_xlim(0, float(q["stretch_quota"].max()) * 1.55)
    money_axis(ax, currency, axis="x")
    low, high = HEALTHY_QUOTA_TO_OTE
    ax.set_title(
        plain(
            f"Quota and stretch goal by rep: {money(report.balance.assigned, currency)} assigned "
            f"({report.over_assignment:.0%} of the goal)"
        )
    )
    handles = [
        Patch(color=BASELINE, label="Quota"),
        Patch(color=STRETCH, label=f"Stretch (+{report.stretch:.0%})"),
    ]
    if SCENARIO in colours:
        handles.append(Patch(color=SCENARIO, label=f"Quota outside {low:g}-{high:g}x OTE"))
    ax.legend(
        handles=handles,
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=9,
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)


def quota_height(report: PlanReport) -> float:
    return 0.65 * len(report.quotas) + 1.6


def quotas_figure(report: PlanReport, currency: str) -> Figure:
    fig, ax = plt.subplots(figsize=(11, quota_height(report)), layout="constrained")
    draw_quotas(ax, report, currency)
    return fig


def draw_funnel(ax: Axes, report: PlanReport, currency: str, rep: str | None = None) -> None:
    """The funnel a month: activities down to opportunities, centred bars, with the ratios.

    ``rep`` picks one rep's business plan; None shows the team (the reps' whole
    counts added up). The money a month is :meth:`PlanReport.funnel_view`'s.
    """
    view = report.funnel_view(rep)
    funnel = view.funnel
    stages = list(funnel.index)
    counts = funnel["per_month"].to_numpy(dtype=float)
    widest = float(counts.max()) if len(counts) and counts.max() > 0 else 1.0
    y = np.arange(len(stages))[::-1].astype(float)
    colours = [BASELINE] * (len(stages) - 1) + [GOOD]
    ax.barh(y, counts, 0.62, left=-counts / 2, color=colours)
    label_x = widest / 2 + widest * 0.04
    for yi, stage, row in zip(y, stages, funnel.itertuples(), strict=True):
        ax.text(
            label_x,
            yi,
            plain(f"{row.per_month:,} {stage} a month  ({row.per_week:,} a week)"),
            va="center",
            fontsize=10,
            fontweight="bold" if stage == "opportunities" else "normal",
        )
    for k in range(len(stages) - 1):
        ratio = float(funnel["conversion"].iloc[k])
        ax.text(
            label_x,
            y[k] - 0.5,
            plain(f"{ratio:.0%} of {stages[k]} lead to {stages[k + 1]}"),
            va="center",
            fontsize=8,
            color=NEUTRAL,
            style="italic",
        )
    note = (
        f"At {money(report.average_deal, currency)} an average deal: "
        f"{short_money(view.pipeline_a_month, currency)} of new pipeline a month.\n"
        f"Won at {report.win_rate:.0%}, that is {short_money(view.won_a_month, currency)} a month"
    )
    if view.share_of_quota is not None:
        note += f", {view.share_of_quota:.0%} of the quota"
    colour = SCENARIO if view.short else BASELINE
    ax.text(label_x, y[-1] - 0.75, plain(note), va="top", fontsize=9, color=colour)
    ax.set_xlim(-widest / 2 * 1.05, widest * 1.75)
    ax.set_ylim(y[-1] - 1.6, y[0] + 0.6)
    ax.set_yticks([])
    ax.set_xticks([])
    ax.spines[["top", "right", "left", "bottom"]].set_visible(False)
    ax.set_title(
        plain(
            f"{view.who}: the activity behind {short_money(view.quota, currency)} of quota at "
            f"{report.coverage:g}x pipeline coverage (an average month with quota)"
        ),
        loc="left",
    )


def funnel_figure(report: PlanReport, currency: str, rep: str | None = None) -> Figure:
    height = 0.8 * (len(report.team_funnel) + 1.6) + 0.6
    fig, ax = plt.subplots(figsize=(10, height), layout="constrained")
    draw_funnel(ax, report, currency, rep)
    return fig


def draw_pipeline_timing(
    ax: Axes, report: PlanReport, currency: str, as_of: pd.Period | None = None
) -> None:
    """Pipeline that must enter each month, stacked by rep; months before ``as_of`` shaded."""
    plans = report.business_plans
    first = next(iter(plans.values())).monthly
    enter = first["enter_by"]
    x = np.arange(len(enter))
    bottom = np.zeros(len(enter))
    for k, (rep, plan) in enumerate(plans.items()):
        values = plan.monthly["pipeline"].to_numpy()
        colour = REP_COLOURS[k % len(REP_COLOURS)]
        ax.bar(x, values, 0.7, bottom=bottom, color=colour, label=plain(rep))
        bottom += values
    top = float(bottom.max()) if len(bottom) else 1.0
    if as_of is not None:
        past = int(sum(m < as_of for m in enter))
        if past:
            ax.axvspan(-0.5, past - 0.5, color="#f2dcdb", zorder=0, label="_past")
            ax.text(
                (past - 1) / 2,
                top * 1.27,
                f"before {as_of:%b %Y}:\nshould be open already",
                ha="center",
                va="top",
                fontsize=8,
                color=SCENARIO,
            )
    ax.set_xticks(x, month_labels(enter))
    ax.set_xlim(-0.5, len(x) - 0.5)
    ax.set_ylim(0, top * 1.3)
    ax.set_xlabel(
        f"Month the pipeline must enter ({report.pipeline_lag} months before the quota month)"
    )
    ax.set_title("Pipeline to create each month, by rep")
    money_axis(ax, currency)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    tidy(ax)


def pipeline_timing_figure(
    report: PlanReport, currency: str, as_of: pd.Period | None = None
) -> Figure:
    fig, ax = plt.subplots(figsize=(12, 4), layout="constrained")
    draw_pipeline_timing(ax, report, currency, as_of)
    return fig


def draw_objectives(ax: Axes, report: PlanReport, currency: str) -> None:
    """The revenue objective of each quarter of the hiring horizon: plan year, then beyond."""
    quarters = report.objective_quarters
    plan_quarters = len(report.quarterly)
    spans = _quarter_months(report.objectives.index, len(quarters))
    x = np.arange(len(quarters))
    colours = [BASELINE if k < plan_quarters else FOLLOWING for k in range(len(quarters))]
    bars = ax.bar(x, quarters.to_numpy(), 0.65, color=colours)
    for bar, value in zip(bars, quarters, strict=True):
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            bar.get_height(),
            plain(short_money(value, currency)),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    ax.set_xticks(x, [f"{q}\n{span(m)}" for q, m in zip(quarters.index, spans, strict=True)])
    ax.set_ylim(0, float(quarters.max()) * 1.35)
    ax.set_title(f"Revenue objective by quarter, {span(report.objectives.index)}")
    money_axis(ax, currency)
    handles = [Patch(color=BASELINE, label="Plan year (the goals above)")]
    if len(quarters) > plan_quarters:
        handles.append(
            Patch(
                color=FOLLOWING,
                label=f"Following year: the plan's months {report.growth:+.0%}",
            )
        )
    ax.legend(handles=handles, frameon=False, loc="upper left")
    tidy(ax)


def objectives_figure(report: PlanReport, currency: str) -> Figure:
    fig, ax = plt.subplots(figsize=(10, 4), layout="constrained")
    draw_objectives(ax, report, currency)
    return fig
