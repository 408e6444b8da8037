"""Tests of the hiring timeline's charts, tables and live panel (:mod:`salesnb.hiring_charts`).

On the sample client (Cedar Ridge): five quota carriers on the roster (one of
them leaves after June 2027), and with the settings' assumptions three planned
hires, none late; the horizon is 18 months, January 2027 to June 2028. With the
attainment down to 70% and a six-month lead time, one hire becomes late.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.testing import assert_allclose

from salesnb import paths
from salesnb.analysis import hiring_report
from salesnb.charts import hiring as hc
from salesnb.io import load_client
from salesnb.panels.hiring import hiring_panel

CURRENCY = "USD"


@pytest.fixture(scope="module")
def client():
    return load_client(paths.SAMPLE_CLIENT)


@pytest.fixture(scope="module")
def report(client):
    return hiring_report(client)


@pytest.fixture(scope="module")
def late_report(client):
    return hiring_report(client, attainment=0.7, lead_time_months=6, simulate=False)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bars(ax) -> list[Rectangle]:
    """The bars of a bar chart (every Rectangle patch drawn into the axes)."""
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_the_sample_plan_is_the_one_described(report, late_report):
    assert (report.plan.hires, report.plan.late_hires) == (3, 0)
    assert len(report.plan.people) == 8
    assert late_report.plan.late_hires == 1


class TestCapacityFigure:
    def test_one_axes_with_objective_and_capacity(self, report):
        fig = hc.capacity_figure(report, CURRENCY)
        assert isinstance(fig, Figure)
        (ax,) = fig.axes
        cap = report.plan.capacity
        objective = [line for line in ax.lines if line.get_label() == "Objective"]
        assert len(objective) == 1
        assert_allclose(objective[0].get_ydata(), cap["objective"])
        # the capacity line is the top of the stacked areas
        assert any(np.allclose(line.get_ydata(), cap["capacity"]) for line in ax.lines)

    def test_stacked_parts_add_up_to_capacity(self, report):
        hires = report.plan.capacity["hires_capacity"].to_numpy()
        cap = report.plan.capacity
        # hires start in 2027-05 and 2027-08: nothing before, all three fully ramped at the end
        assert hires[:4].tolist() == [0.0] * 4
        assert_allclose(hires[-1], 3 * report.plan.productivity)
        assert (hires <= cap["capacity"].to_numpy() + 1e-9).all()

    def test_no_gap_shaded_when_capacity_covers_the_objective(self, client, late_report):
        def shaded(rep):
            ax = hc.capacity_figure(rep, CURRENCY).axes[0]
            (gap,) = [c for c in ax.collections if c.get_label() == "Short of the objective"]
            return sum(len(path.vertices) for path in gap.get_paths())

        # at 110% attainment the sample's team covers every month
        covered = hiring_report(client, attainment=1.1, simulate=False)
        assert (covered.plan.capacity["gap"] <= 0).all()
        assert shaded(covered) == 0
        assert (late_report.plan.capacity["gap"] > 0).any()
        assert shaded(late_report) > 0


class TestHeadcountFigure:
    def test_one_bar_per_month_and_role(self, report):
        (ax,) = hc.headcount_figure(report, CURRENCY).axes
        heads = report.plan.headcount
        assert len(_bars(ax)) == heads.shape[0] * heads.shape[1] == 18 * 2

    def test_stacks_reach_the_headcount(self, report):
        (ax,) = hc.headcount_figure(report, CURRENCY).axes
        tops: dict[float, float] = {}
        for bar in _bars(ax):
            x = round(bar.get_x() + bar.get_width() / 2, 6)
            tops[x] = max(tops.get(x, 0.0), bar.get_y() + bar.get_height())
        assert [tops[x] for x in sorted(tops)] == report.plan.capacity["headcount"].tolist()


class TestOrgChartFigure:
    def test_one_gantt_row_per_person(self, report):
        (ax,) = hc.org_chart_figure(report, CURRENCY).axes
        people = report.plan.people
        rows = {round(bar.get_y() + bar.get_height() / 2, 6) for bar in _bars(ax)}
        assert rows == {float(i) for i in range(len(people))}
        labels = [t.get_text().split("\n")[0] for t in ax.get_yticklabels()]
        assert labels == people["name"].tolist()

    def test_one_recruiting_box_and_milestones_per_planned_hire(self, report):
        (ax,) = hc.org_chart_figure(report, CURRENCY).axes
        dashed = [bar for bar in _bars(ax) if bar.get_linestyle() == "--"]
        assert len(dashed) == report.plan.hires
        requisitions = [line for line in ax.lines if line.get_marker() == "D"]
        assert len(requisitions) == report.plan.hires
        # fully productive from: Grace Liu and Owen Kessler finish ramping in the
        # horizon, and so does every hire
        productive = [line for line in ax.lines if line.get_marker() == "v"]
        assert len(productive) == 2 + report.plan.hires

    def test_late_hires_in_the_warning_colour(self, late_report):
        (ax,) = hc.org_chart_figure(late_report, CURRENCY).axes
        late_rows = {
            i
            for i, name in enumerate(late_report.plan.people["name"])
            if name in set(late_report.plan.schedule.loc[late_report.plan.schedule["late"], "name"])
        }
        coloured = {
            round(bar.get_y() + bar.get_height() / 2)
            for bar in _bars(ax)
            if bar.get_fill() and to_hex(bar.get_facecolor()) == hc.LATE
        }
        assert coloured == late_rows == {5}

    def test_height_grows_with_the_team(self, client, report):
        bigger = hiring_report(client, attainment=0.6, simulate=False)
        assert bigger.plan.hires == 5
        assert hc.org_chart_height(bigger) - hc.org_chart_height(report) == pytest.approx(1.0)


class TestTornadoFigure:
    def test_three_measures_two_bars_per_driver(self, report):
        fig = hc.tornado_figure(report, CURRENCY)
        assert len(fig.axes) == 3
        drivers = report.sensitivity["driver"].nunique()
        for ax in fig.axes:
            assert len(_bars(ax)) == 2 * drivers

    def test_the_driver_that_moves_hires_most_is_on_top(self, report):
        ax = hc.tornado_figure(report, CURRENCY).axes[0]
        assert ax.get_yticklabels()[0].get_text().startswith("Attainment")
        widths = sorted(round(bar.get_width()) for bar in _bars(ax))
        # attainment 64%: one more hire, 96%: one fewer; no other driver moves the hires
        assert widths == [-1, 0, 0, 0, 0, 0, 0, 1]

    def test_no_dollar_sign_starts_maths_mode(self, report):
        fig = hc.tornado_figure(report, CURRENCY)
        assert "\\$0 shortfall" in fig.get_suptitle()


class TestSimulationFigure:
    def test_one_bar_per_number_of_hires(self, report):
        fig = hc.simulation_figure(report, CURRENCY)
        assert len(fig.axes) == 2
        runs = report.simulation.runs
        bars = _bars(fig.axes[0])
        assert len(bars) == runs["hires"].nunique()
        assert_allclose(sum(bar.get_height() for bar in bars), 1.0)

    def test_the_titles_read_the_reports_shares(self, report):
        """The shares a chart prints are the report's: each bar is one number of hires'
        share of the runs, and "none in x% of plans" counts the runs without a shortfall."""
        runs = report.simulation.runs
        shares = report.simulated_hires
        assert shares.index.tolist() == sorted(runs["hires"].unique())
        assert_allclose(shares.to_numpy(), [(runs["hires"] == h).mean() for h in shares.index])
        none = (runs["shortfall"] == 0).mean()
        assert report.chance_of_no_shortfall == pytest.approx(none)
        assert len(report.late_shortfalls) == int((runs["shortfall"] > 0).sum())
        fig = hc.simulation_figure(report, CURRENCY)
        assert f"none in {none:.0%} of plans" in fig.axes[1].get_title()
        assert_allclose([b.get_height() for b in _bars(fig.axes[0])], shares.to_numpy())

    def test_no_simulation_no_shares(self, late_report):
        assert late_report.simulated_hires is None
        assert late_report.late_shortfalls is None
        assert late_report.chance_of_no_shortfall is None


class TestTables:
    def test_quarter_summary_adds_up(self, report):
        quarters = report.quarter_summary()
        cap = report.plan.capacity
        assert len(quarters) == 6
        assert quarters.index[0] == "Q1 2027-01 to 2027-03"
        assert_allclose(quarters["objective"].sum(), cap["objective"].sum())
        assert_allclose(quarters["capacity"].sum(), cap["capacity"].sum())
        assert_allclose(
            quarters["short"] - quarters["spare"], quarters["objective"] - quarters["capacity"]
        )
        assert_allclose(quarters["cost"].sum(), report.plan.total_cost)
        assert quarters["headcount"].tolist() == cap["headcount"].iloc[2::3].tolist()

    def test_recruit_message_names_the_first_requisition(self, report, late_report):
        assert report.recruit_message().startswith(
            "**Recruit now: open 3 requisitions by March 2027, in 2 months.**"
        )
        assert "already late" in late_report.recruit_message()

    def test_sensitivity_table_has_the_plan_and_every_case(self, report):
        table = report.sensitivity_table().frame
        assert table.index[0] == "The plan"
        assert len(table) == 1 + len(report.sensitivity)
        assert table.loc["Attainment, low", "Hires"] == "4"
        assert table.loc["Recruiting lead time, high", "Value"] == "6 months"


class TestHiringPanel:
    def test_first_draw_is_the_report(self, client, report):
        panel = hiring_panel(client, report)
        assert panel.result is report
        assert panel.values() == {
            "ramp_months": 4,
            "lead_time_months": 5,
            "attainment": 0.8,
            "attrition_rate": 0.12,
        }
        assert len(panel.figures) == 2

    def test_a_ramp_given_as_a_curve_has_no_ramp_slider(self):
        """A client's own ramp curve is kept: a slider of months would be refused."""
        other = load_client(Path(__file__).resolve().parent.parent / "data" / "harbour-point")
        assert other.settings.hiring.ramp is not None
        panel = hiring_panel(other, hiring_report(other, simulate=False))
        assert "ramp_months" not in panel.controls
        panel.controls["lead_time_months"].value = 4
        assert panel.result.assumptions.lead_time_months == 4
        assert panel.result.assumptions.ramp == tuple(other.settings.hiring.ramp)

    def test_a_longer_lead_time_makes_a_hire_late_redrawn_in_place(self, client, report):
        panel = hiring_panel(client, report)
        figures = list(panel.figures)
        axes = [fig.axes[0] for fig in figures]
        panel.controls["attainment"].value = 0.7
        panel.controls["lead_time_months"].value = 4
        before = panel.result.plan
        assert before.late_hires == 0
        panel.controls["lead_time_months"].value = 6
        after = panel.result.plan
        assert after.late_hires == 1
        assert after.schedule["late"].tolist() != before.schedule["late"].tolist()
        assert panel.result.assumptions.lead_time_months == 6
        assert panel.result.sensitivity is None  # a slider move skips the slow parts
        assert panel.result.objective is report.objective
        assert list(panel.figures) == figures
        assert [fig.axes[0] for fig in panel.figures] == axes
        assert all(len(fig.axes) == 1 for fig in panel.figures)
        # the org chart now has the late hire's bars in the warning colour
        assert any(
            bar.get_fill() and to_hex(bar.get_facecolor()) == hc.LATE
            for bar in _bars(figures[1].axes[0])
        )

    def test_the_ramp_slider_keeps_the_clients_curve_until_moved(self, client, report):
        panel = hiring_panel(client, report)
        panel.controls["attrition_rate"].value = 0.2
        assert panel.result.assumptions.curve == report.assumptions.curve
        panel.controls["ramp_months"].value = 6
        assert panel.result.assumptions.ramp_length == 6
