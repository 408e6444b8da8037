"""Charts of the hiring timeline and the organisation plan (notebook 03).

As everywhere in :mod:`salesnb.charts`, each chart has a ``draw_*`` function
that draws into axes it is given and a ``*_figure`` function that makes a new
figure. Nothing here computes a figure: the numbers come from
:class:`~salesnb.analysis.HiringReport`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from salesnb.analysis import HiringReport
from salesnb.analysis.hiring import DRIVER_NAMES
from salesnb.charts._style import (
    BASELINE,
    GOOD,
    NEUTRAL,
    SCENARIO,
    money_axis,
    month_labels,
    plain,
    tidy,
)
from salesnb.format import money

__all__ = [
    "LATE",
    "capacity_figure",
    "draw_capacity",
    "draw_headcount",
    "draw_org_chart",
    "draw_simulation",
    "draw_tornado",
    "headcount_figure",
    "org_chart_figure",
    "org_chart_height",
    "simulation_figure",
    "tornado_figure",
]

#: Colour of a late hire: the requisition should already have been open.
LATE = "#e08a1e"
#: Colours of the roles in the headcount chart, in the order the roles appear.
ROLE_COLOURS = (BASELINE, "#7fa7cf", GOOD, "#b5cf9e", NEUTRAL, "#c9c9c9")


def _driver_values(driver: str, low: float, high: float) -> str:
    if driver in ("ramp_months", "lead_time_months"):
        return f"{low:.0f} or {high:.0f} months"
    return f"{low:.0%} or {high:.0%}"


def draw_capacity(ax: Axes, report: HiringReport, currency: str) -> None:
    """Expected capacity (the roster and the planned hires, stacked) against the objective.

    Capacity counts partial ramp and expected attrition; the months where it falls
    short of the objective are shaded.
    """
    cap = report.plan.capacity
    x = np.arange(len(cap))
    objective = cap["objective"].to_numpy()
    total = cap["capacity"].to_numpy()
    hires = np.minimum(report.plan.capacity["hires_capacity"].to_numpy(), total)
    team = total - hires
    ax.stackplot(
        x,
        team,
        hires,
        colors=[BASELINE, GOOD],
        alpha=0.35,
        labels=["Capacity of the team on the roster", "Added by the planned hires"],
    )
    ax.plot(x, total, color=BASELINE, linewidth=1.2)
    ax.plot(x, objective, color="black", marker="o", markersize=4, label="Objective")
    short = objective > total
    ax.fill_between(
        x,
        total,
        objective,
        where=short,
        interpolate=True,
        color=SCENARIO,
        alpha=0.45,
        label="Short of the objective",
    )
    if not short.any():
        ax.text(
            0.99,
            0.03,
            "Capacity covers the objective in every month",
            transform=ax.transAxes,
            ha="right",
            color=NEUTRAL,
            fontsize=9,
        )
    ax.set_xticks(x, month_labels(cap.index))
    ax.set_xlim(-0.3, len(x) - 0.7)
    ax.set_ylim(0, max(objective.max(), total.max()) * 1.12)
    ax.set_title("New-business revenue: expected capacity against the objective, by month")
    money_axis(ax, currency)
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4)
    tidy(ax)


def capacity_figure(report: HiringReport, currency: str) -> Figure:
    fig, ax = plt.subplots(figsize=(12, 4.6), layout="constrained")
    draw_capacity(ax, report, currency)
    return fig


def draw_headcount(ax: Axes, report: HiringReport, currency: str) -> None:
    """Reps employed by month, stacked by role, with the reps the objective needs."""
    del currency  # no money on this chart; the argument keeps every draw_* alike
    plan = report.plan
    heads = plan.headcount
    cap = plan.capacity
    x = np.arange(len(heads))
    bottom = np.zeros(len(heads))
    for i, role in enumerate(heads.columns):
        values = heads[role].to_numpy()
        ax.bar(
            x,
            values,
            0.7,
            bottom=bottom,
            color=ROLE_COLOURS[i % len(ROLE_COLOURS)],
            label=plain(f"{role} (employed)"),
        )
        bottom += values
    for xi, total in zip(x, bottom, strict=True):
        ax.text(xi, total + 0.1, f"{total:.0f}", ha="center", va="bottom", fontsize=8)
    ax.stairs(
        cap["required"].to_numpy(),
        np.arange(len(x) + 1) - 0.5,
        baseline=None,
        color=SCENARIO,
        linewidth=1.8,
        label="Fully productive reps the objective needs",
    )
    ax.plot(
        x,
        cap["counted"],
        linestyle="none",
        marker="_",
        markersize=14,
        markeredgewidth=2,
        color="black",
        label="Fully productive reps counted",
    )
    ax.set_xticks(x, month_labels(heads.index))
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.set_ylim(0, max(bottom.max(), cap["required"].max()) + 1.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Reps")
    ax.set_title("Sales headcount by month and role")
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4)
    tidy(ax)


def headcount_figure(report: HiringReport, currency: str) -> Figure:
    fig, ax = plt.subplots(figsize=(12, 4.2), layout="constrained")
    draw_headcount(ax, report, currency)
    return fig


def org_chart_height(report: HiringReport) -> float:
    """Inches the org chart needs: a row per person, plus title and legend."""
    return 0.5 * len(report.plan.people) + 2.2


def draw_org_chart(ax: Axes, report: HiringReport, currency: str) -> None:
    """One bar per person over the horizon: recruiting, ramp, fully productive.

    Existing reps in blue, planned hires in green, late hires in orange. The
    recruiting period (requisition open to start) is a dashed outline with the
    requisition marked by a hollow diamond; the ramp is the lighter part of the
    bar and the month a person is fully productive is marked by a filled
    triangle. A dotted line marks the as-of month.
    """
    del currency
    plan = report.plan
    people = plan.people
    months = plan.costs.index  # from the earlier of the as-of month and the horizon's start
    first = months[0]
    n = len(months)

    def at(month: pd.Period) -> float:
        return float((month - first).n)

    for row, person in enumerate(people.itertuples(index=False)):
        if not person.planned:
            colour = BASELINE
        elif bool(plan.schedule.loc[plan.schedule["name"] == person.name, "late"].any()):
            colour = LATE
        else:
            colour = GOOD
        start = max(at(person.start), 0.0)
        end = float(n) if pd.isna(person.end) else min(at(person.end) + 1.0, float(n))
        productive = min(max(at(person.productive_by), start), end)
        if person.planned and not pd.isna(person.open_req_by):
            req = at(person.open_req_by)
            if start > req:
                ax.barh(
                    row,
                    start - req,
                    left=req,
                    height=0.5,
                    facecolor="none",
                    edgecolor=colour,
                    linestyle="--",
                    linewidth=1.0,
                )
                if start - req >= 2:
                    ax.text(
                        (req + start) / 2,
                        row,
                        "recruiting",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color=colour,
                    )
            ax.plot(
                req,
                row,
                marker="D",
                markersize=7,
                markerfacecolor="white",
                markeredgecolor=colour,
                markeredgewidth=1.5,
                linestyle="none",
            )
        if productive > start:
            ax.barh(row, productive - start, left=start, height=0.5, color=colour, alpha=0.35)
            if productive - start >= 2:
                ax.text(
                    (start + productive) / 2,
                    row,
                    "ramp",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black",
                )
        if end > productive:
            ax.barh(row, end - productive, left=productive, height=0.5, color=colour)
        if at(person.productive_by) >= 0 and at(person.productive_by) < end:
            ax.plot(
                productive, row - 0.38, marker="v", markersize=7, color="black", linestyle="none"
            )
        if not pd.isna(person.end) and at(person.end) < n - 1:
            ax.text(
                end + 0.15,
                row,
                f"leaves after {person.end}",
                ha="left",
                va="center",
                fontsize=8,
                color=NEUTRAL,
            )
    as_of = at(plan.as_of)
    ax.axvline(as_of, color="black", linestyle=":", linewidth=1.2)
    ax.text(as_of + 0.1, -0.75, f"as of {plan.as_of}", fontsize=8, va="bottom")
    labels = [
        plain(f"{p.name}\n{p.role}" + ("" if p.planned else f", since {p.start}"))
        for p in people.itertuples(index=False)
    ]
    ax.set_yticks(range(len(people)), labels, fontsize=9)
    ax.set_ylim(len(people) - 0.5, -0.9)
    ax.set_xticks(np.arange(n) + 0.5, month_labels(months), fontsize=9)
    ax.set_xticks(np.arange(n + 1), minor=True)
    ax.tick_params(axis="x", which="major", length=0)
    ax.set_xlim(-0.2, n)
    ax.grid(axis="x", which="minor", color="#ececec", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_title(f"Organisation plan: the quota-carrying team over {n} months")
    handles = [
        Patch(facecolor=BASELINE, label="On the roster, fully productive"),
        Patch(facecolor=GOOD, label="Planned hire, fully productive"),
        Patch(facecolor=LATE, label="Late hire"),
        Patch(facecolor=GOOD, alpha=0.35, label="Ramping (lighter)"),
        Patch(facecolor="none", edgecolor=NEUTRAL, linestyle="--", label="Recruiting"),
        Line2D(
            [],
            [],
            marker="D",
            markerfacecolor="white",
            markeredgecolor=NEUTRAL,
            linestyle="none",
            label="Requisition opens",
        ),
        Line2D([], [], marker="v", color="black", linestyle="none", label="Fully productive from"),
        Line2D([], [], color="black", linestyle=":", label="As-of month"),
    ]
    ax.legend(
        handles=handles,
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.06),
        ncol=4,
        fontsize=9,
    )


def org_chart_figure(report: HiringReport, currency: str) -> Figure:
    fig, ax = plt.subplots(figsize=(12, org_chart_height(report)), layout="constrained")
    draw_org_chart(ax, report, currency)
    return fig


def draw_tornado(axes: Sequence[Axes], report: HiringReport, currency: str) -> None:
    """Change in hires, shortfall and plan cost when one driver moves to a low or high value.

    ``axes`` are three axes, one per measure (hires, shortfall of late hires,
    cost of the plan), with the drivers as rows: the driver that moves the hires
    most on top, then by cost. Each row has two bars, the driver's low value
    (light) and high value (dark); a row with no change says so.
    """
    table = report.sensitivity
    if table is None:
        return
    frame = table.copy()
    # to the cent, so a difference of float noise shows as no change
    frame[["shortfall_change", "cost_change"]] = frame[["shortfall_change", "cost_change"]].round(2)
    measures = (
        ("hires_change", "Planned hires", lambda v: f"{v:+.0f}"),
        ("shortfall_change", "Revenue shortfall of late hires", lambda v: _signed(v, currency)),
        ("cost_change", "Cost of the plan", lambda v: _signed(v, currency)),
    )
    spans = frame.groupby("driver", sort=False).agg(
        hires=("hires_change", lambda v: v.abs().max()),
        cost=("cost_change", lambda v: v.abs().max()),
    )
    order = spans.sort_values(["hires", "cost"], ascending=False, kind="stable").index.tolist()
    cases = {driver: frame[frame["driver"] == driver].set_index("case") for driver in order}
    labels = [
        f"{DRIVER_NAMES.get(d, d)}\n"
        f"{_driver_values(d, cases[d].loc['low', 'value'], cases[d].loc['high', 'value'])}"
        for d in order
    ]
    y = np.arange(len(order))
    for ax, (column, title, fmt) in zip(axes, measures, strict=True):
        widest = float(frame[column].abs().max())
        for k, driver in enumerate(order):
            rows = cases[driver]
            for case, offset, colour in (("low", -0.19, "#7fa7cf"), ("high", 0.19, BASELINE)):
                value = float(rows.loc[case, column])
                ax.barh(
                    k + offset,
                    value,
                    height=0.36,
                    color=colour,
                    label=f"{case.capitalize()} value" if k == 0 else None,
                )
                if value != 0:
                    ax.text(
                        value,
                        k + offset,
                        plain(f" {fmt(value)} "),
                        ha="left" if value > 0 else "right",
                        va="center",
                        fontsize=8,
                    )
            if widest and (rows[column] == 0).all():
                ax.text(0, k, "  no change", ha="left", va="center", fontsize=8, color=NEUTRAL)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y)
        ax.set_ylim(len(y) - 0.5, -0.5)
        ax.set_title(title, fontsize=10)
        if widest:
            ax.set_xlim(-widest * 1.7, widest * 1.7)
            if column == "hires_change":
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            else:
                money_axis(ax, currency, axis="x")
        else:
            ax.set_xlim(-1, 1)
            ax.set_xticks([])
            ax.text(
                0.5,
                0.5,
                "No change for any driver",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color=NEUTRAL,
                fontsize=9,
                bbox={"facecolor": "white", "edgecolor": "none"},
            )
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
    axes[0].set_yticks(y, labels)
    for ax in axes[1:]:
        ax.tick_params(axis="y", labelleft=False)
    axes[0].legend(frameon=False, loc="upper left", bbox_to_anchor=(0.0, -0.1), ncol=2, fontsize=8)


def _signed(value: float, currency: str) -> str:
    return ("+" if value > 0 else "") + money(value, currency)


def tornado_figure(report: HiringReport, currency: str) -> Figure:
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), layout="constrained", sharey=True)
    draw_tornado(axes, report, currency)
    plan = report.plan
    fig.suptitle(
        plain(
            f"One driver at a time: change from the plan ({plan.hires} hires, "
            f"{money(plan.shortfall, currency)} shortfall, {money(plan.total_cost, currency)} cost)"
        ),
        fontsize=11,
    )
    return fig


def draw_simulation(axes: Sequence[Axes], report: HiringReport, currency: str) -> None:
    """Share of simulated plans by number of hires; the shortfall of those with a late hire."""
    mc = report.simulation
    if mc is None:
        return
    ax_hires, ax_short = axes
    total = len(mc.runs)
    shares = report.simulated_hires
    plan_hires = report.plan.hires
    colours = [GOOD if h == plan_hires else BASELINE for h in shares.index]
    ax_hires.bar(shares.index, shares.to_numpy(), 0.7, color=colours)
    for h, share in shares.items():
        ax_hires.text(h, share, f"{share:.0%}", ha="center", va="bottom", fontsize=8)
    p = mc.summary["hires"]
    ax_hires.set_title(
        f"Hires needed in {total:,} simulated plans\n"
        f"P10 {p['p10']:.0f}, P50 {p['p50']:.0f}, P90 {p['p90']:.0f} "
        f"(the plan: {plan_hires}, in green)",
        fontsize=10,
    )
    ax_hires.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_hires.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax_hires.set_ylim(0, float(shares.max()) * 1.15)
    ax_hires.set_ylabel("Share of simulated plans")
    ax_hires.set_xlabel("Planned hires")
    tidy(ax_hires)

    some = report.late_shortfalls
    s = mc.summary["shortfall"]
    ax_short.set_title(
        plain(
            f"Revenue shortfall of late hires: none in {report.chance_of_no_shortfall:.0%} of plans\n"
            f"P10 {money(s['p10'], currency)}, P50 {money(s['p50'], currency)}, "
            f"P90 {money(s['p90'], currency)}"
        ),
        fontsize=10,
    )
    if len(some):
        ax_short.hist(some, bins=20, color=LATE)
        ax_short.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax_short.set_ylabel("Simulated plans")
        ax_short.set_xlabel("Shortfall (plans with a late hire only)")
        money_axis(ax_short, currency, axis="x")
    else:
        ax_short.text(
            0.5,
            0.5,
            "No simulated plan has a late hire",
            ha="center",
            va="center",
            transform=ax_short.transAxes,
            color=NEUTRAL,
        )
        ax_short.set_xticks([])
        ax_short.set_yticks([])
    tidy(ax_short)


def simulation_figure(report: HiringReport, currency: str) -> Figure:
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), layout="constrained")
    draw_simulation((axes[0], axes[1]), report, currency)
    return fig
