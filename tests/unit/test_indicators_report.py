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

from salesnb import indicators as ind
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


class TestFiguresAreThePureFunctions:
    def test_series_leads_forecast_and_warnings(self, juniper):
        client, report = juniper
        crm, as_of = client.crm, client.settings.as_of
        x = ind.weekly_activity(crm.activities, as_of)
        y = ind.weekly_bookings(crm.opportunities, as_of, weeks=x.index)
        search = ind.lead_lags(x, y)
        forecast = ind.forecast_bookings(x, y, search)
        warnings = ind.trend_warnings(x, search)
        f = report.figures()
        pd.testing.assert_frame_equal(report.weekly, x)
        pd.testing.assert_series_equal(report.bookings, y)
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
        assert [w["sentence"] for w in f["warnings"]] == [w.sentence for w in warnings]
        assert f["weeks"] == len(x) == 109
        assert f["bookings_total"] == pytest.approx(float(y.sum()))
        assert f["bookings_last_13_weeks"] == pytest.approx(float(y.iloc[-13:].sum()))

    def test_rep_series_add_up_to_the_team(self, juniper):
        _, report = juniper
        team = report.by_rep.groupby(level="week").sum()
        pd.testing.assert_frame_equal(team, report.weekly, check_names=False)
        assert_allclose(
            report.bookings_by_rep.groupby(level="week").sum().to_numpy(),
            report.bookings.to_numpy(),
        )

    def test_the_monthly_counts_are_the_pure_functions(self, juniper):
        client, report = juniper
        expected = ind.monthly_activity(client.crm.activities, client.settings.as_of)
        pd.testing.assert_frame_equal(report.monthly, expected)

    def test_margin_books_each_won_deals_margin(self, juniper):
        client, _ = juniper
        report = indicators_report(client, value="margin")
        expected = ind.weekly_bookings(
            client.crm.opportunities,
            client.settings.as_of,
            weeks=report.weekly.index,
            value="margin",
        )
        pd.testing.assert_series_equal(report.bookings, expected)
        # the fixture's margins are 40% of each amount
        assert_allclose(report.bookings.sum(), 0.4 * indicators_report(client).bookings.sum())
        assert report.figures()["bookings_value"] == "margin" and report.booked == "gross margin"


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
