"""Charts and display tables of the annual sales plan (notebook 01).

As in :mod:`salesnb.charts`, each chart has a ``draw_*`` function that draws into
axes it is given (the live panel redraws into the same figure on every slider
move) and a ``*_figure`` function that makes a new figure for a notebook or a
report. The ``*_table`` functions arrange a :class:`~salesnb.analysis.PlanReport`
into the tables the notebook prints, with column names a client reads; numbers
stay numbers, for :func:`~salesnb.display.format_frame` to format. Nothing here
works out a plan figure: the numbers come from :func:`~salesnb.analysis.plan_report`.

The planning answers are the client's own words: :func:`answers_html` escapes
every one of them before it becomes HTML.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from salesnb.analysis import PlanReport, plan_report
from salesnb.charts import BASELINE, GOOD, NEUTRAL, SCENARIO, money_axis, plain, tidy
from salesnb.client import PLANNING_QUESTIONS, Client
from salesnb.display import key_figures, money, pct
from salesnb.plan import HEALTHY_QUOTA_TO_OTE
from salesnb.widgets import LivePanel, figures, live_panel, slider

__all__ = [
    "answers_html",
    "assumptions_html",
    "business_plan_table",
    "draw_funnel",
    "draw_goals",
    "draw_objectives",
    "draw_pipeline_timing",
    "draw_quotas",
    "funnel_figure",
    "goals_figure",
    "goals_table",
    "objectives_figure",
    "objectives_table",
    "pipeline_timing_figure",
    "pipeline_timing_table",
    "plan_panel",
    "quarters_table",
    "quota_table",
    "quotas_figure",
]

LAST_YEAR = "#b7b7b7"
STRETCH = "#9dc3e6"
FOLLOWING = "#6f9fcf"
#: One colour per rep in stacked charts (muted, and distinct in print).
REP_COLOURS = ("#1f4e79", "#4f9d69", "#d6a03b", "#8064a2", "#4bacc6", "#c0504d", "#7f7f7f")


def _short(value: float, currency: str) -> str:
    """A bar label: $1.07M, $300k, $950."""
    if abs(value) >= 1e6:
        return money(value / 1e6, currency, cents=True) + "M"
    if abs(value) >= 1e3:
        return money(value / 1e3, currency) + "k"
    return money(value, currency)


def _span(months: pd.PeriodIndex, year: bool = True) -> str:
    """'Jan-Mar 2027' ('Jan-Mar' without the year), or 'Dec 2027-Feb 2028' across a year end."""
    first, last = months[0], months[-1]
    if not year:
        return f"{first:%b}-{last:%b}"
    if first.year == last.year:
        return f"{first:%b}-{last:%b %Y}"
    return f"{first:%b %Y}-{last:%b %Y}"


def _quarter_months(index: pd.PeriodIndex, quarters: int) -> list[pd.PeriodIndex]:
    return [index[3 * q : 3 * q + 3] for q in range(quarters)]


def _prior_quarters(report: PlanReport) -> np.ndarray:
    """Last year's quarters; NaN for a quarter with a month missing from the actuals."""
    values = report.prior.to_numpy(dtype=float).reshape(-1, 3)
    return np.where(np.isnan(values).any(axis=1), np.nan, np.nansum(values, axis=1))


def _growth_label(report: PlanReport) -> str:
    if report.given_goal:
        return "Goal (given)"
    return f"Goal (last year {report.growth:+.0%})"


# ----------------------------------------------------------------------------
# The goal: by month and by quarter, against last year
# ----------------------------------------------------------------------------


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
        label=f"Same month last year ({_span(report.prior.index)})",
    )
    ax_month.set_xticks(x, [f"{m:%b}" for m in months])
    ax_month.set_title(f"Monthly goal, {_span(months)}")
    money_axis(ax_month, currency)
    ax_month.set_ylim(0, max(report.monthly.max(), np.nanmax([*report.prior, 0.0])) * 1.3)
    ax_month.legend(frameon=False, loc="upper left")
    tidy(ax_month)

    quarters = report.quarterly
    prior = _prior_quarters(report)
    xq = np.arange(len(quarters))
    width = 0.38
    ax_quarter.bar(xq - width / 2, prior, width, color=LAST_YEAR, label="Last year")
    ax_quarter.bar(
        xq + width / 2, quarters.to_numpy(), width, color=BASELINE, label="Goal (amount below)"
    )
    spans = _quarter_months(months, len(quarters))
    ticks = [
        f"{q}\n{_span(m, year=False)}\n{_short(v, currency)}"
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


def goals_table(report: PlanReport) -> pd.DataFrame:
    """Month by month: last year, the goal, the change and the month's share of the year."""
    prior = report.prior.to_numpy(dtype=float)
    goal = report.monthly.to_numpy()
    frame = pd.DataFrame(
        {
            "Same month last year": prior,
            "Goal": goal,
            "Change": goal / prior - 1.0,
            "Share of the year": report.shares.to_numpy(),
        },
        index=pd.Index(report.monthly.index.astype(str), name="Month"),
    )
    total_prior = float(report.prior.sum(min_count=len(report.prior)))
    frame.loc["Total"] = [total_prior, report.goal, report.goal / total_prior - 1.0, 1.0]
    return frame


def quarters_table(report: PlanReport) -> pd.DataFrame:
    """Quarter by quarter: the months, last year, the goal and the change."""
    prior = _prior_quarters(report)
    spans = _quarter_months(report.monthly.index, len(report.quarterly))
    return pd.DataFrame(
        {
            "Months": [f"{m[0]} to {m[-1]}" for m in spans],
            "Last year": prior,
            "Goal": report.quarterly.to_numpy(),
            "Change": report.quarterly.to_numpy() / prior - 1.0,
        },
        index=pd.Index(report.quarterly.index, name="Quarter"),
    )


# ----------------------------------------------------------------------------
# Quotas
# ----------------------------------------------------------------------------


def _flagged(check: str) -> bool:
    return check in ("low", "high")


def _ote_note(row: pd.Series, plan_months: int) -> str:
    low, high = HEALTHY_QUOTA_TO_OTE
    if pd.isna(row["quota_to_ote"]):
        return "no OTE given"
    note = f"{row['quota_to_ote']:.1f}x OTE"
    if row["ote_check"] == "high":
        note += f", above {low:g}-{high:g}x"
    elif row["ote_check"] == "low":
        note += f", below {low:g}-{high:g}x"
    if row["months_employed"] < plan_months:
        note += f"\npart year ({row['months_employed']} months): ratio on a full-year quota"
    return note


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
    plan_months = len(report.monthly)
    for yi, (_, row), colour in zip(y, q.iterrows(), colours, strict=True):
        ax.text(
            row["quota"] / 2,
            yi,
            _short(row["quota"], currency),
            ha="center",
            va="center",
            color="white",
            fontsize=9,
        )
        ax.annotate(
            _ote_note(row, plan_months),
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
            f"Quota and stretch goal by rep: {money(q['quota'].sum(), currency)} assigned "
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


def _quota_height(report: PlanReport) -> float:
    return 0.65 * len(report.quotas) + 1.6


def quotas_figure(report: PlanReport, currency: str) -> Figure:
    fig, ax = plt.subplots(figsize=(11, _quota_height(report)), layout="constrained")
    draw_quotas(ax, report, currency)
    return fig


def quota_table(report: PlanReport) -> pd.DataFrame:
    """One row per rep and a total: months, quota, stretch, and the quota-to-OTE check."""
    q = report.quotas
    frame = pd.DataFrame(
        {
            "Months employed": [str(m) for m in q["months_employed"]],
            "Quota": q["quota"].to_numpy(),
            "Stretch quota": q["stretch_quota"].to_numpy(),
            "Full-year quota": q["full_year_quota"].to_numpy(),
            "On-target earnings": q["on_target_earnings"].to_numpy(),
            "Quota to OTE": ["" if pd.isna(r) else f"{r:.1f}x" for r in q["quota_to_ote"]],
            "Check": list(q["ote_check"]),
        },
        index=pd.Index(q["rep"], name="Rep"),
    )
    frame.loc["Total"] = [
        "",
        float(q["quota"].sum()),
        float(q["stretch_quota"].sum()),
        None,
        None,
        "",
        "",
    ]
    return frame.astype(object).where(frame.notna(), None)


# ----------------------------------------------------------------------------
# The rep business plan
# ----------------------------------------------------------------------------


def _up(values: np.ndarray | float) -> np.ndarray:
    """Counts rounded up, ignoring floating-point dust (as :mod:`salesnb.plan` does)."""
    return np.ceil(np.round(np.asarray(values, dtype=float), 9)).astype(np.int64)


def _team_funnel(report: PlanReport) -> pd.DataFrame:
    """The team's funnel: the reps' unrounded counts added up, then rounded up."""
    plans = list(report.business_plans.values())
    funnel = plans[0].funnel[["conversion"]].copy()
    for period in ("per_week", "per_month", "per_year"):
        exact = sum(p.funnel[f"{period}_exact"] for p in plans)
        funnel[period] = _up(exact)
    return funnel


def business_plan_table(report: PlanReport) -> pd.DataFrame:
    """What each rep's quota asks for, one column per rep and one for the team.

    Rows: the quota, the pipeline to create (coverage x quota), then opportunities
    and each activity of the funnel a week and a month (averages over the months the
    rep carries quota, rounded up; the team's are the reps' added up). Money rows are numbers; count rows are already text.
    """
    columns: dict[str, list[object]] = {}
    team = _team_funnel(report)
    funnels = {rep: plan.funnel for rep, plan in report.business_plans.items()}
    funnels["Team"] = team
    quota = {rep: plan.quota for rep, plan in report.business_plans.items()}
    pipeline = {rep: plan.pipeline for rep, plan in report.business_plans.items()}
    quota["Team"] = float(sum(quota.values()))
    pipeline["Team"] = float(sum(pipeline.values()))
    stages = list(team.index)
    rows = ["Quota", "Pipeline to create"]
    for stage in ["opportunities", *[s for s in stages if s != "opportunities"]]:
        rows += [f"{stage.capitalize()} a month", f"{stage.capitalize()} a week"]
    for name, funnel in funnels.items():
        cells: list[object] = [quota[name], pipeline[name]]
        for stage in ["opportunities", *[s for s in stages if s != "opportunities"]]:
            cells += [f"{funnel.loc[stage, 'per_month']:,}", f"{funnel.loc[stage, 'per_week']:,}"]
        columns[name] = cells
    return pd.DataFrame(columns, index=pd.Index(rows), dtype=object)


def draw_funnel(ax: Axes, report: PlanReport, currency: str, rep: str | None = None) -> None:
    """The funnel a month: activities down to opportunities, centred bars, with the ratios.

    ``rep`` picks one rep's business plan; None shows the team (the reps' unrounded
    counts added up, then rounded up).
    """
    if rep is None:
        funnel = _team_funnel(report)
        quota = float(sum(p.quota for p in report.business_plans.values()))
        pipeline = float(sum(p.pipeline for p in report.business_plans.values()))
        who = "The team"
    else:
        plan = report.business_plans[rep]
        funnel, quota, pipeline, who = plan.funnel, plan.quota, plan.pipeline, rep
    plan0 = next(iter(report.business_plans.values()))
    win_rate, deal = plan0.win_rate, plan0.average_deal
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
    won = pipeline * win_rate
    note = (
        f"At {money(deal, currency)} an average deal: {_short(pipeline / 12, currency)} of new "
        f"pipeline a month.\nWon at {win_rate:.0%}, that is {_short(won / 12, currency)} a month"
    )
    if quota:
        note += f", {won / quota:.0%} of the quota"
    short = quota > 0 and won < quota * (1 - 1e-9)
    colour = SCENARIO if short else BASELINE
    ax.text(label_x, y[-1] - 0.75, plain(note), va="top", fontsize=9, color=colour)
    ax.set_xlim(-widest / 2 * 1.05, widest * 1.75)
    ax.set_ylim(y[-1] - 1.6, y[0] + 0.6)
    ax.set_yticks([])
    ax.set_xticks([])
    ax.spines[["top", "right", "left", "bottom"]].set_visible(False)
    ax.set_title(
        plain(
            f"{who}: the activity behind {_short(quota, currency)} of quota at "
            f"{report.coverage:g}x pipeline coverage (average month of the year)"
        ),
        loc="left",
    )


def funnel_figure(report: PlanReport, currency: str, rep: str | None = None) -> Figure:
    height = 0.8 * (len(_team_funnel(report)) + 1.6) + 0.6
    fig, ax = plt.subplots(figsize=(10, height), layout="constrained")
    draw_funnel(ax, report, currency, rep)
    return fig


def _lag(report: PlanReport) -> int:
    monthly = next(iter(report.business_plans.values())).monthly
    return int((monthly.index[0] - monthly["enter_by"].iloc[0]).n)


def pipeline_timing_table(report: PlanReport) -> pd.DataFrame:
    """For each quota month: the month its pipeline must enter, each rep's pipeline, the team's."""
    plans = report.business_plans
    first = next(iter(plans.values())).monthly
    frame = pd.DataFrame(
        {rep: plan.monthly["pipeline"].to_numpy() for rep, plan in plans.items()},
        index=pd.Index(first.index.astype(str), name="Quota month"),
    )
    frame["Team"] = frame.sum(axis=1)
    frame.insert(0, "Pipeline must enter by", [str(m) for m in first["enter_by"]])
    return frame


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
    ax.set_xticks(
        x, [f"{m:%b}\n{m:%Y}" if k == 0 or m.month == 1 else f"{m:%b}" for k, m in enumerate(enter)]
    )
    ax.set_xlim(-0.5, len(x) - 0.5)
    ax.set_ylim(0, top * 1.3)
    ax.set_xlabel(f"Month the pipeline must enter ({_lag(report)} months before the quota month)")
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


# ----------------------------------------------------------------------------
# Objectives for the hiring timeline
# ----------------------------------------------------------------------------


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
            _short(value, currency),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    ax.set_xticks(x, [f"{q}\n{_span(m)}" for q, m in zip(quarters.index, spans, strict=True)])
    ax.set_ylim(0, float(quarters.max()) * 1.35)
    ax.set_title(f"Revenue objective by quarter, {_span(report.objectives.index)}")
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


def objectives_table(report: PlanReport) -> pd.DataFrame:
    """Each quarter of the objectives: its months, the objective, and which year it is in."""
    quarters = report.objective_quarters
    plan_quarters = len(report.quarterly)
    spans = _quarter_months(report.objectives.index, len(quarters))
    return pd.DataFrame(
        {
            "Months": [f"{m[0]} to {m[-1]}" for m in spans],
            "Objective": quarters.to_numpy(),
            "Basis": [
                "plan year" if k < plan_quarters else f"plan's months {report.growth:+.0%}"
                for k in range(len(quarters))
            ],
        },
        index=pd.Index(quarters.index, name="Quarter"),
    )


# ----------------------------------------------------------------------------
# The planning questions and the assumptions
# ----------------------------------------------------------------------------


class _Text(HTML):
    """HTML that shows as readable text where HTML is not rendered (and in nbval's text/plain).

    Wrapped in a class that tells MathJax (in JupyterLab) to leave it alone: it
    would otherwise read the text between two $ signs as a formula.
    """

    def __init__(self, markup: str, text: str) -> None:
        super().__init__(f'<div class="tex2jax_ignore mathjax_ignore">{markup}</div>')
        self.text = text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)


def answers_html(report: PlanReport) -> HTML:
    """The planning questions and their answers as headings and bullet lists, all escaped.

    Questions the settings do not answer are named at the end, so a gap is seen.
    """
    parts, lines = [], []
    for key, answers in report.questions.items():
        title = PLANNING_QUESTIONS.get(key, key)
        items = "".join(f"<li>{html.escape(str(a))}</li>" for a in answers)
        parts.append(f"<h4>{html.escape(title)}</h4><ul>{items}</ul>")
        lines += [title, *(f"- {a}" for a in answers), ""]
    if not report.questions:
        note = "The settings answer none of the planning questions yet."
        parts.append(f"<p>{note}</p>")
        lines += [note, ""]
    missing = [PLANNING_QUESTIONS[k] for k in PLANNING_QUESTIONS if k not in report.questions]
    if missing:
        listed = "; ".join(m.lower() for m in missing)
        parts.append(f"<p><em>Not answered in the settings: {html.escape(listed)}.</em></p>")
        lines.append(f"Not answered in the settings: {listed}.")
    return _Text("\n".join(parts), "\n".join(lines).strip())


def assumptions_html(report: PlanReport) -> HTML:
    """The assumptions the plan rests on, with whether each still holds, as an escaped table.

    HTML rather than a DataFrame so that long assumptions are shown in full.
    """
    if report.assumptions.empty:
        return _Text("<p>The settings list no assumptions yet.</p>", "No assumptions listed.")
    head = "".join(f"<th>{h}</th>" for h in ("", "Assumption", "Still true?", "Note"))
    rows, lines = [], []
    for number, row in enumerate(report.assumptions.itertuples(index=False), start=1):
        cells = [str(number), row.assumption, row.still_true, row.note]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        note = f" ({row.note})" if row.note else ""
        lines.append(f"{number}. {row.assumption}: still true? {row.still_true}{note}")
    table = (
        '<table class="dataframe"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return _Text(table, "\n".join(lines))


# ----------------------------------------------------------------------------
# The live panel
# ----------------------------------------------------------------------------


def plan_panel(client: Client, report: PlanReport) -> LivePanel:
    """The plan's panel: growth, stretch and coverage redraw the goal and the quotas.

    With a goal given in the settings the growth slider starts at the growth that
    goal implies; once it is moved, the goal is last year's total x (1 + growth).
    """
    currency = client.settings.client.currency
    controls = {
        "growth": slider(
            "Growth over last year",
            report.growth,
            min(-0.3, report.growth),
            max(0.6, report.growth),
            0.01,
            percent=True,
        ),
        "stretch": slider(
            "Stretch above quota",
            report.stretch,
            0.0,
            max(0.5, report.stretch),
            0.01,
            percent=True,
        ),
        "coverage": slider(
            "Pipeline coverage (x quota)", report.coverage, 1.0, max(6.0, report.coverage), 0.1
        ),
    }

    def compute(growth: float, stretch: float, coverage: float) -> PlanReport:
        return plan_report(client, growth=growth, stretch=stretch, coverage=coverage)

    def draw(result: PlanReport, figs: Sequence[Figure]) -> None:
        draw_goals((figs[0].axes[0], figs[0].axes[1]), result, currency)
        draw_quotas(figs[1].axes[0], result, currency)

    def summarize(result: PlanReport) -> pd.DataFrame:
        q = result.quotas
        return key_figures(
            {
                "Goal": f"{money(result.goal, currency)} ({pct(result.growth)} on last year)",
                "Quota assigned": money(q["quota"].sum(), currency),
                "Stretch quotas": money(q["stretch_quota"].sum(), currency),
                "Pipeline needed": money(
                    sum(b.pipeline for b in result.business_plans.values()), currency
                ),
            }
        )

    figs = figures((1, 2, (12, 4)), (1, 1, (11, _quota_height(report))))
    figs[0].axes[0].get_gridspec().set_width_ratios([2, 1])
    return live_panel(controls, compute, draw, summarize, figs, first=report)
