"""Tests of the leading-indicators report (notebook 05), its charts and its panel.

Two clients: the sample (discovery calls planted 9 weeks ahead of bookings, no
activity falling) and Juniper Forge (tests/data/juniper-forge: discovery calls 10
weeks ahead, and falling by half in the last 6 weeks). Bad folders are copies of
Juniper Forge with one thing changed, checked through the folder check, as
``salesnb validate`` does before any notebook runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from salesnb import paths
from salesnb.analysis import indicators_report
from salesnb.analysis.indicators import NEEDED_WEEKS, executive_items
from salesnb.errors import InputError
from salesnb.io import check_folder, load_client

matplotlib.use("Agg")

JUNIPER = Path(__file__).resolve().parents[1] / "data" / "juniper-forge"


@pytest.fixture(scope="module")
def sample():
    client = load_client(paths.SAMPLE_CLIENT)
    return client, indicators_report(client)


@pytest.fixture(scope="module")
def juniper():
    client = load_client(JUNIPER)
    return client, indicators_report(client)


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "juniper-forge"
    shutil.copytree(JUNIPER, target)
    return target


def _activities(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "activities.csv")


def _problems(folder: Path) -> list[str]:
    check = check_folder(folder)
    return [str(p) for p in check.problems]


class TestTheLeadsFound:
    def test_the_samples_planted_lead_is_found(self, sample):
        _, report = sample
        lead = report.search.lead("discovery_call")
        assert (lead.lag_weeks, lead.reliable, lead.predicts_60_days) == (9, True, True)
        assert "discovery_call" in report.figures()["sixty_day"]

    def test_juniper_forges_ten_weeks_are_found_and_nothing_else(self, juniper):
        _, report = juniper
        found = [(lead.indicator, lead.lag_weeks) for lead in report.search.leads if lead.reliable]
        assert found == [("discovery_call", 10)]

    def test_the_forecast_from_the_lead_beats_the_naive_one(self, juniper):
        _, report = juniper
        f = report.figures()["forecast"]
        assert f["method"] == "indicators" and f["inputs"] == {"discovery_call": 10}
        t = report.figures()["backtest"]
        assert t["beats_naive"] and t["mae_indicators"] < t["mae_naive"]

    def test_the_fall_of_discovery_calls_is_the_warning_with_its_month(self, juniper):
        _, report = juniper
        (warning,) = report.warnings
        assert warning.indicator == "discovery_call" and warning.lag_weeks == 10
        # the 6 recent weeks start on 2027-05-24; 10 weeks on is 2027-08-02
        assert warning.soften_from == pd.Timestamp("2027-08-01").date()
        assert "expect bookings to soften from August 2027" in warning.sentence


class TestHandWorkedSeries:
    """Juniper Forge's weekly and monthly series, worked out from its two CSV files.

    The weeks run from Monday 2 June 2025 (the first activity) to Monday 28 June 2027
    (the last week whose Sunday, 4 July, is before the as-of date 5 July 2027):
    756 days / 7 = 108 steps, so 109 weeks.
    """

    def test_the_weeks(self, juniper):
        _, report = juniper
        f = report.figures()
        assert (f["first_week"], f["last_week"], f["weeks"]) == ("2025-06-02", "2027-06-28", 109)
        assert len(report.weekly) == 109
        assert report.weekly.index[0] == pd.Timestamp("2025-06-02")
        assert report.weekly.index[-1] == pd.Timestamp("2027-06-28")

    def test_the_discovery_calls_of_the_first_and_last_weeks(self, juniper):
        _, report = juniper
        calls = report.weekly["discovery_call"]
        # activities.csv, type discovery_call: 2-6 Jun 2025 Tom 5 + Sam 4 + Helen 3 = 12;
        # 28 Jun-2 Jul 2027 Helen 4 + Sam 3 + Tom 2 = 9
        assert (calls["2025-06-02"], calls["2027-06-28"]) == (12, 9)
        by_rep = report.by_rep["discovery_call"]
        week = pd.Timestamp("2027-06-28")
        assert [by_rep[(rep, week)] for rep in ("Helen Achebe", "Sam Okafor", "Tom Reilly")] == [
            4,
            3,
            2,
        ]
        # every one of the file's 1,322 discovery calls falls in the 109 weeks (the last
        # is on Friday 2 July 2027)
        assert calls.sum() == 1322
        # a noise kind of the last week: 62 new-prospect calls, 8 face-to-face, 2 demos
        last = report.weekly.loc["2027-06-28", ["new_prospect_call", "face_to_face", "demo"]]
        assert last.tolist() == [62, 8, 2]

    def test_the_bookings_of_a_week_and_of_the_last_13(self, juniper):
        _, report = juniper
        # the week of 28 Jun 2027: JF-0373 18,730 (Mon 28) + JF-0374 16,760 (Tue 29) = 35,490,
        # both Tom Reilly's
        assert report.bookings["2027-06-28"] == 35_490
        week = pd.Timestamp("2027-06-28")
        assert report.bookings_by_rep[("Tom Reilly", week)] == 35_490
        assert report.bookings_by_rep[("Sam Okafor", week)] == 0
        # the week of 31 May 2027 has no Closed Won deal: 0, not missing
        assert report.bookings["2027-05-31"] == 0
        f = report.figures()
        # all 271 Closed Won deals close 2 Jun 2025 - 29 Jun 2027, inside the weeks
        assert f["bookings_total"] == 3_405_760
        # 5 Apr - 4 Jul 2027, week by week: 50,920 + 11,930 + 68,280 + 18,750 + 12,970
        # + 55,690 + 8,980 + 24,690 + 0 + 34,760 + 30,000 + 21,270 + 35,490 = 373,730
        assert f["bookings_last_13_weeks"] == 373_730
        # the naive forecast: that 13 weeks' mean x the 9 weeks ahead
        # = 373,730 / 13 x 9 = 258,736.15
        assert f["forecast"]["naive"] == pytest.approx(258_736.15, abs=0.01)

    def test_rep_series_add_up_to_the_team(self, juniper):
        _, report = juniper
        team = report.by_rep.groupby(level="week").sum()
        pd.testing.assert_frame_equal(team, report.weekly, check_names=False)
        assert_allclose(
            report.bookings_by_rep.groupby(level="week").sum().to_numpy(),
            report.bookings.to_numpy(),
        )

    def test_the_monthly_counts(self, juniper):
        _, report = juniper
        monthly = report.monthly
        # June 2025 (the first month) to June 2027, the last complete month before the
        # as-of date: 25 months; the 7 discovery calls of 1-2 Jul 2027 are left out
        assert (monthly.index[0], monthly.index[-1]) == (
            pd.Period("2025-06", "M"),
            pd.Period("2027-06", "M"),
        )
        assert len(monthly) == 25
        # activities.csv, June 2025: 58 discovery calls, 220 new-prospect calls, 17 demos;
        # June 2027: 22 discovery calls (Tom 10, Helen 6, Sam 6), 261 new-prospect, 14 demos
        columns = ["discovery_call", "new_prospect_call", "demo"]
        assert monthly.loc["2025-06", columns].tolist() == [58, 220, 17]
        assert monthly.loc["2027-06", columns].tolist() == [22, 261, 14]

    def test_margin_books_each_won_deals_margin(self, juniper):
        client, _ = juniper
        report = indicators_report(client, value="margin")
        # the fixture's margins are 40% of each amount: the week of 28 Jun 2027 books
        # JF-0373 7,492 + JF-0374 6,704 = 14,196 (= 0.4 x 35,490), the whole series
        # 0.4 x 3,405,760 = 1,362,304
        assert report.bookings["2027-06-28"] == pytest.approx(14_196)
        assert report.bookings.sum() == pytest.approx(1_362_304)
        assert report.figures()["bookings_value"] == "margin" and report.booked == "gross margin"


class TestTheRecordedFigures:
    def test_figures_record_the_reports_own_search_forecast_and_warnings(self, juniper):
        """A wiring test, kept on purpose: the correlations, bands, Granger p-values and
        the regression forecast of 109 weeks cannot be worked out by hand (their values
        are tested on planted series in test_indicators.py). This checks only that
        figures.json records the report's own search, forecast and warnings, field by
        field, with a Granger p-value that cannot be computed written as None."""
        _, report = juniper
        search, forecast, f = report.search, report.forecast, report.figures()
        assert f["leads"] == [
            {
                "indicator": lead.indicator,
                "label": lead.label,
                "lag_weeks": lead.lag_weeks,
                "correlation": lead.correlation,
                "band": lead.band,
                "reliable": lead.reliable,
                "predicts_60_days": lead.predicts_60_days,
                "granger_p": None if np.isnan(lead.granger_p) else lead.granger_p,
                "verdict": lead.verdict,
            }
            for lead in search.leads
        ]
        assert f["forecast"]["value"] == forecast.forecast
        assert (f["forecast"]["low"], f["forecast"]["high"]) == (forecast.low, forecast.high)
        assert f["backtest"]["mae_naive"] == forecast.backtest.mae_naive
        assert f["backtest"]["mae_indicators"] == forecast.backtest.mae_indicators
        assert [w["sentence"] for w in f["warnings"]] == [w.sentence for w in report.warnings]


class TestTheView:
    def test_the_team_view_at_the_lead_is_the_search(self, juniper):
        _, report = juniper
        view = report.view("discovery_call")
        lead = report.search.lead("discovery_call")
        assert view.lag_weeks == view.found_lag == 10
        assert view.correlation == pytest.approx(lead.correlation, abs=1e-6)
        assert view.band == pytest.approx(lead.band, abs=1e-6)
        assert view.reliable
        # shifted: the bookings of week t + 10 shown at week t
        assert view.shifted.iloc[0] == report.bookings.iloc[10]
        assert view.shifted.iloc[-10:].isna().all()

    def test_a_band_grows_as_fewer_pairs_are_left(self, juniper):
        _, report = juniper
        bands = report.bands["discovery_call"].to_numpy()
        assert (np.diff(bands) > 0).all()

    def test_a_lag_override_is_measured_at_that_lag(self, juniper):
        _, report = juniper
        view = report.view("discovery_call", lag=3)
        assert view.correlation == pytest.approx(report.correlations.loc[3, "discovery_call"])
        assert view.backtest_mae is None  # 3 weeks cannot forecast 9 weeks out
        assert "do not lead" in view.note

    def test_one_reps_view_uses_that_reps_own_series(self, juniper):
        _, report = juniper
        view = report.view("discovery_call", rep="Sam Okafor", lag=10)
        pd.testing.assert_series_equal(
            view.activity, report.by_rep.loc["Sam Okafor", "discovery_call"]
        )
        assert view.backtest_mae is not None and view.found_lag is not None

    def test_unknown_indicator_rep_or_lag(self, juniper):
        _, report = juniper
        for kwargs in (
            {"indicator": "email"},
            {"indicator": "demo", "rep": "Nobody"},
            {"indicator": "demo", "lag": 14},
        ):
            with pytest.raises(InputError):
                report.view(**kwargs)


class TestTablesAndWords:
    def test_the_tables(self, sample, juniper):
        assert "Falling indicators" not in sample[1].tables()
        tables = juniper[1].tables()
        assert list(tables) == [
            "Lead by indicator",
            "Bookings forecast",
            "Falling indicators",
            "Activity by rep",
            "Monthly activity",
            "Weekly activity",
        ]
        leads = tables["Lead by indicator"].frame
        assert leads.loc["Discovery calls", "Best lag (weeks)"] == "10"
        forecast = tables["Bookings forecast"].frame
        assert list(forecast["Shown"]) == ["no", "yes"]
        assert len(tables["Weekly activity"].frame) == 109

    def test_page_one_gives_the_warning_and_the_forecast(self, juniper):
        _, report = juniper
        (warning, forecast) = executive_items(report, "GBP")
        assert warning[:2] == ("Leading indicator falling", "Discovery calls down 58%")
        assert "August 2027" in warning[2]
        assert forecast[1] == "£" + f"{report.forecast.forecast:,.0f}"
        assert "beat the last 13 weeks' average" in forecast[2]

    def test_page_one_says_when_no_indicator_is_falling(self, sample):
        _, report = sample
        (quiet, _forecast) = executive_items(report, "USD")
        assert quiet[1] == "No indicator is falling"
        assert "Discovery calls lead bookings by 9 weeks" in quiet[2]

    def test_the_naive_forecast_is_said_plainly(self, juniper):
        _, report = juniper
        f = report.figures()
        f["forecast"] = {**f["forecast"], "method": "naive", "value": f["forecast"]["naive"]}
        said = executive_items(f, "GBP")[1][2]
        assert "do not forecast better than that average" in said

    def test_the_forecast_text_says_which_forecast_and_why(self, juniper):
        _, report = juniper
        assert "the activities predict better" in report.forecast_text("GBP")


class TestBadInputBeforeAnyNotebook:
    def test_too_little_history_says_how_many_weeks_are_needed(self, folder):
        acts = _activities(folder)
        acts[acts["date"] >= "2026-09-01"].to_csv(folder / "activities.csv", index=False)
        (problem,) = _problems(folder)
        assert problem.startswith("activities.csv")
        assert f"at least {NEEDED_WEEKS} complete weeks" in problem
        assert "covers 44 complete weeks" in problem and "Export 17 more weeks" in problem

    def test_a_gap_names_its_weeks(self, folder):
        acts = _activities(folder)
        kept = (acts["date"] < "2026-03-01") | (acts["date"] >= "2026-03-16")
        acts[kept].to_csv(folder / "activities.csv", index=False)
        (problem,) = _problems(folder)
        assert "no activity of any kind in 2026-03-02 to 2026-03-15 (2 weeks)" in problem

    def test_an_indicator_named_but_never_logged(self, folder):
        acts = _activities(folder)
        acts[acts["type"] != "executive_presentation"].to_csv(
            folder / "activities.csv", index=False
        )
        # left to the defaults, it is left out of the search, and named
        client = load_client(folder)
        report = indicators_report(client)
        assert report.left_out == ("executive_presentation",)
        assert "Not logged, so not searched" in report.heading_summary("GBP")
        # named in the settings, it is a problem of the settings
        with (folder / "settings.yaml").open("a", encoding="utf-8") as handle:
            handle.write("\ndashboard:\n  indicators: [discovery_call, executive_presentation]\n")
        (problem,) = _problems(folder)
        assert problem.startswith("settings.yaml")
        assert "logs no executive presentations" in problem

    def test_no_indicator_activity_at_all(self, folder):
        acts = _activities(folder)
        acts.assign(type="email").to_csv(folder / "activities.csv", index=False)
        (problem,) = _problems(folder)
        assert "holds none of the indicator activities" in problem

    def test_margin_without_margins_or_a_margin_rate(self, folder):
        opps = pd.read_csv(folder / "opportunities.csv").drop(columns="margin")
        opps.to_csv(folder / "opportunities.csv", index=False)
        with (folder / "settings.yaml").open("a", encoding="utf-8") as handle:
            handle.write("\ndashboard:\n  bookings: margin\n")
        (problem,) = _problems(folder)
        assert problem.startswith("opportunities.csv") and "dashboard.gross_margin" in problem
        with (folder / "settings.yaml").open("a", encoding="utf-8") as handle:
            handle.write("  gross_margin: 0.3\n")
        report = indicators_report(load_client(folder))
        amounts = indicators_report(load_client(JUNIPER)).bookings
        assert_allclose(report.bookings.to_numpy(), 0.3 * amounts.to_numpy())

    def test_a_folder_without_activities_leaves_the_part_out(self, folder):
        (folder / "activities.csv").unlink()
        check = check_folder(folder)
        assert check.problems == [] and check.parts["indicators"] is False
        assert "to include the leading indicators" in check.report()


class TestChartsAndPanel:
    def test_every_chart_draws_on_both_clients(self, sample, juniper):
        from salesnb.charts import indicators as charts

        for (_, report), currency in ((sample, "USD"), (juniper, "GBP")):
            figs = [
                charts.indicators_figure(report, currency),
                charts.lags_figure(report),
                charts.forecast_figure(report, currency),
                charts.errors_figure(report, currency),
            ]
            assert len(figs[0].axes) == 2 * len(report.kinds)  # each with its bookings axis
            for fig in figs:
                fig.canvas.draw()
                matplotlib.pyplot.close(fig)

    def test_the_panel_follows_its_controls(self, juniper):
        from salesnb.panels.indicators import TEAM, indicators_panel

        client, report = juniper
        panel = indicators_panel(client, report)
        assert panel.values() == {"indicator": report.kinds[0], "rep": TEAM, "lag": 12}
        panel.controls["indicator"].value = "discovery_call"
        assert panel.result.lag_weeks == 10 and panel.result.reliable
        panel.controls["rep"].value = "Tom Reilly"
        panel.controls["lag"].value = 3
        assert (panel.result.rep, panel.result.lag_weeks) == ("Tom Reilly", 3)
        assert len(panel.figures[0].axes) == 2  # the twin axis is replaced, not piled up
        matplotlib.pyplot.close("all")
