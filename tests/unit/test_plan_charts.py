"""Tests of the annual plan's charts, display tables and live panel (``salesnb.plan_charts``).

The figures are drawn for the sample client (Cedar Ridge: five reps, a 3-month
cycle, a three-stage funnel) and checked against the plan they draw: one bar per
month, quarter, rep or stage, each as tall or as wide as the figure it shows.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.testing import assert_allclose

from salesnb import paths, text
from salesnb.analysis import PlanReport, plan_report
from salesnb.charts import SCENARIO
from salesnb.charts import plan as pc
from salesnb.io import Client, load_client
from salesnb.panels.plan import plan_panel

CURRENCY = "USD"


@pytest.fixture(scope="module")
def client() -> Client:
    return load_client(paths.SAMPLE_CLIENT)


@pytest.fixture(scope="module")
def report(client) -> PlanReport:
    return plan_report(client)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def bars(ax) -> list[Rectangle]:
    """The bars of a bar chart (not the background patch, legend handles or spans)."""
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_label() != "_past"]


def drawn(fig: Figure) -> Figure:
    """Render the figure, so a bad label (say, stray mathtext) fails here."""
    fig.canvas.draw()
    return fig


class TestGoalsFigure:
    def test_monthly_bars_and_last_year_line(self, report):
        fig = drawn(pc.goals_figure(report, CURRENCY))
        assert isinstance(fig, Figure)
        assert len(fig.axes) == 2
        ax_month = fig.axes[0]
        assert_allclose([b.get_height() for b in bars(ax_month)], report.monthly.to_numpy())
        (line,) = ax_month.get_lines()
        assert_allclose(line.get_ydata(), report.prior.to_numpy())
        assert [t.get_text() for t in ax_month.get_xticklabels()][:3] == ["Jan", "Feb", "Mar"]

    def test_quarters_beside_last_year(self, report):
        ax_quarter = pc.goals_figure(report, CURRENCY).axes[1]
        heights = [b.get_height() for b in bars(ax_quarter)]
        assert len(heights) == 8
        prior = report.prior.to_numpy().reshape(4, 3).sum(axis=1)
        assert_allclose(heights[:4], prior)
        assert_allclose(heights[4:], report.quarterly.to_numpy())

    def test_tables_add_up(self, report):
        table = report.goals_table().frame
        assert list(table.index[:2]) == ["2027-01", "2027-02"]
        assert table.loc["Total", "Goal"] == pytest.approx(report.goal)
        assert table["Goal"].iloc[:-1].sum() == pytest.approx(report.goal)
        assert table.loc["Total", "Change"] == pytest.approx(0.12)
        quarters = report.quarters_table().frame
        assert quarters["Goal"].sum() == pytest.approx(report.goal)
        assert quarters.loc["Q2", "Months"] == "2027-04 to 2027-06"


class TestQuotasFigure:
    def test_one_quota_and_one_stretch_bar_per_rep(self, report):
        fig = drawn(pc.quotas_figure(report, CURRENCY))
        (ax,) = fig.axes
        q = report.quotas
        found = bars(ax)
        assert len(found) == 2 * len(q)
        quota, stretch = found[: len(q)], found[len(q) :]
        assert_allclose([b.get_width() for b in quota], q["quota"])
        assert_allclose([b.get_x() + b.get_width() for b in stretch], q["stretch_quota"])
        assert [t.get_text() for t in ax.get_yticklabels()] == list(q["rep"])

    def test_reps_outside_the_healthy_range_are_red(self, client):
        # Tomas Aguilar's 950,000 on 140,000 of on-target earnings is 6.8x.
        roster = client.roster.copy()
        roster.loc[roster["name"] == "Tomás Aguilar", "on_target_earnings"] = 140_000.0
        report = plan_report(replace(client, roster=roster))
        (ax,) = pc.quotas_figure(report, CURRENCY).axes
        q = report.quotas
        red = [to_rgba(b.get_facecolor()) == to_rgba(SCENARIO) for b in bars(ax)[: len(q)]]
        assert red == list(q["ote_check"].isin(["low", "high"]))
        assert any(red), "one rep above 6x"
        notes = " ".join(t.get_text() for t in ax.texts)
        assert "6.8x OTE, above 4-6x" in notes
        assert "part year (6 months)" in notes

    def test_table_totals(self, report):
        table = report.quota_table().frame
        assert table.loc["Total", "Quota"] == pytest.approx(report.quotas["quota"].sum())
        # The roster's 950,000 on 200,000 of on-target earnings: 4.75x.
        assert table.loc["Tomás Aguilar", "Quota to OTE"] == "4.8x"
        assert table.loc["Tomás Aguilar", "Check"] == "healthy"
        assert table.loc["Tomás Aguilar", "Quota from"] == "roster"


class TestBusinessPlan:
    def test_team_funnel_bars(self, report):
        fig = drawn(pc.funnel_figure(report, CURRENCY))
        (ax,) = fig.axes
        widths = [b.get_width() for b in bars(ax)]
        # the team's counts are the reps' whole counts added up, as in the table and figures
        whole = sum(b.funnel["per_month"] for b in report.business_plans.values())
        assert_allclose(widths, whole.to_numpy())
        assert len(widths) == len(next(iter(report.business_plans.values())).funnel)

    def test_one_reps_funnel(self, report):
        (ax,) = drawn(pc.funnel_figure(report, CURRENCY, rep="Hannah Brooks")).axes
        funnel = report.business_plans["Hannah Brooks"].funnel
        assert_allclose([b.get_width() for b in bars(ax)], funnel["per_month"])
        assert ax.get_title(loc="left").startswith("Hannah Brooks")

    def test_a_part_year_reps_month_is_a_month_with_quota(self, report):
        """Hannah Brooks carries quota for 6 months: 240,000 x 3.4 coverage = 816,000 of
        pipeline, 136,000 a month (not 68,000, a twelfth), as her bars count the month;
        won at 30%: 40,800 a month, 244,800 a year, 102% of her quota."""
        view = report.funnel_view("Hannah Brooks")
        assert view.pipeline_a_month == pytest.approx(136_000)
        assert view.won_a_month == pytest.approx(40_800)
        assert view.share_of_quota == pytest.approx(1.02)
        assert not view.short
        opportunities = view.funnel.loc["opportunities", "per_month_exact"]
        assert opportunities * 28_000 == pytest.approx(view.pipeline_a_month)
        (ax,) = drawn(pc.funnel_figure(report, CURRENCY, rep="Hannah Brooks")).axes
        note = next(t.get_text() for t in ax.texts if "average deal" in t.get_text())
        assert "136k of new pipeline a month" in note and "102% of the quota" in note

    def test_the_teams_month_adds_up_the_reps_months(self, report):
        team = report.funnel_view()
        reps = [report.funnel_view(rep) for rep in report.business_plans]
        assert team.pipeline_a_month == pytest.approx(sum(r.pipeline_a_month for r in reps))
        assert team.quota == pytest.approx(report.balance.assigned)
        assert team.funnel is report.team_funnel

    def test_money_in_labels_is_not_mathtext(self, report):
        (ax,) = drawn(pc.funnel_figure(report, CURRENCY)).axes
        note = next(t for t in ax.texts if "average deal" in t.get_text())
        assert "\\$28,000" in note.get_text()  # escaped, so it prints as $28,000

    def test_table_has_a_team_column(self, report):
        table = report.business_plan_table().frame
        assert list(table.columns) == [*report.business_plans, "Team"]
        assert table.loc["Quota", "Team"] == pytest.approx(report.quotas["quota"].sum())
        # 950,000 x 3.4 coverage / 28,000 a deal = 115.4 a year, 9.6 a month: 10
        assert table.loc["Opportunities a month", "Elena Sorensen"] == "10"

    def test_pipeline_timing(self, client, report):
        fig = drawn(pc.pipeline_timing_figure(report, CURRENCY, client.settings.as_of_month))
        (ax,) = fig.axes
        found = bars(ax)
        assert len(found) == 12 * len(report.business_plans)
        team = np.zeros(12)
        for bar in found:
            team[round(bar.get_x() + bar.get_width() / 2)] += bar.get_height()
        past = [p for p in ax.patches if p.get_label() == "_past"]
        assert len(past) == 1, "the months before the as-of date are shaded"
        table = report.pipeline_timing_table().frame
        assert_allclose(team, table["Team"].to_numpy())
        assert table.loc["2027-01", "Pipeline must enter by"] == "2026-10"


class TestObjectives:
    def test_six_quarters(self, report):
        (ax,) = drawn(pc.objectives_figure(report, CURRENCY)).axes
        heights = [b.get_height() for b in bars(ax)]
        assert len(heights) == 6
        assert_allclose(heights, report.objective_quarters.to_numpy())
        table = report.objectives_table().frame
        assert table.loc["Q5", "Months"] == "2028-01 to 2028-03"
        assert table.loc["Q5", "Basis"] == "plan's months +12%"


class TestAnswers:
    def test_every_answer_is_shown(self, report):
        html = text.answers_html(report.questions).data
        assert "What went well last year" in html
        assert html.count("<li>") == sum(len(a) for a in report.questions.values())

    def test_markup_in_an_answer_is_escaped(self, report):
        evil = replace(report, questions={"risks": ["<script>alert('x')</script> & more"]})
        shown = text.answers_html(evil.questions)
        assert "<script>" not in shown.data
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in shown.data
        assert "<script>" in shown.text  # the plain-text version is text, not markup

    def test_markup_in_an_assumption_is_escaped(self, report):
        evil = replace(
            report,
            assumptions=pd.DataFrame(
                [{"assumption": "<b>bold</b>", "still_true": "yes", "note": "<img src=x>"}]
            ),
        )
        data = text.assumptions_html(evil.assumptions).data
        assert "<b>" not in data
        assert "<img" not in data
        assert "&lt;b&gt;bold&lt;/b&gt;" in data

    def test_unanswered_questions_are_named(self, report):
        none = replace(report, questions={})
        shown = text.answers_html(none.questions).text
        assert "none of the planning questions" in shown
        assert "what went well last year" in shown


class TestPlanPanel:
    def test_growth_moves_the_goal_and_redraws_in_place(self, client, report):
        panel = plan_panel(client, report)
        figures = list(panel.figures)
        assert panel.result is report
        panel.controls["growth"].value = 0.25
        assert all(a is b for a, b in zip(panel.figures, figures, strict=True))
        expected = plan_report(client, growth=0.25)
        assert panel.result.goal == pytest.approx(expected.goal)
        assert panel.result.goal > report.goal
        month_bars = bars(panel.figures[0].axes[0])
        assert_allclose([b.get_height() for b in month_bars], expected.monthly.to_numpy())

    def test_stretch_and_coverage_move_their_figures(self, client, report):
        panel = plan_panel(client, report)
        panel.controls["stretch"].value = 0.3
        panel.controls["coverage"].value = 4.0
        result = panel.result
        assert result.stretch == pytest.approx(0.3)
        assert result.goal == pytest.approx(report.goal)
        assert result.quotas["stretch_quota"].sum() == pytest.approx(
            report.quotas["quota"].sum() * 1.3, abs=0.01
        )
        pipeline = sum(b.pipeline for b in result.business_plans.values())
        assert pipeline == pytest.approx(4.0 * result.quotas["quota"].sum(), abs=0.05)
        summary = panel.summarize(result)
        assert list(summary.index) == [
            "Goal",
            "The reps' share of the goal",
            "Quota assigned",
            "Stretch quotas",
            "Pipeline needed",
        ]
