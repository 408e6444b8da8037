"""The dashboard report: figures that agree with the pure functions, quotas from the plan
and the roster, the periods, the weakest signal and what a sparse export cannot show.

Two clients: the sample (its full CRM), and a copy of Harbour Point (an April year, as of
Monday 5 July 2027) given seven hand-made deals and nothing else of a CRM, so that the
hand-worked figures and every not-available path can be checked.
"""

from __future__ import annotations

import shutil
from functools import cache

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from salesnb import dashboard as db
from salesnb import paths
from salesnb import pipeline as pp
from salesnb.analysis import dashboard_report, plan_report
from salesnb.analysis.dashboard import (
    TOLERANCE,
    DashboardReport,
    dashboard_quotas,
    executive_items,
    not_available_text,
    view,
)
from salesnb.dashboard import TOTAL, NotAvailable
from salesnb.errors import InputError
from salesnb.format import Table
from salesnb.io import load_client

DEALS = """id,name,owner,stage,amount,created,close
H1,Deal one,Sam Okafor,Won,10000,2027-05-01,2027-06-10
H2,Deal two,Sam Okafor,Lost,5000,2027-05-03,2027-06-20
H3,Deal three,Sam Okafor,Won,20000,2027-04-02,2027-07-02
H4,Deal four,Ruth Adeyemi,Propose,30000,2027-06-15,2027-08-15
H5,Deal five,Sam Okafor,Qualify,12000,2027-06-01,2027-07-20
H6,Deal six,Sam Okafor,Lost,8000,2027-01-10,2027-03-15
H7,Deal seven,Sam Okafor,Won,40000,2026-11-01,2027-02-01
"""
CRM = """
crm:
  stages:
    - {name: Qualify, status: open, probability: 0.10}
    - {name: Propose, status: open, probability: 0.50}
    - {name: Won, status: won}
    - {name: Lost, status: lost}
"""


def _harbour_folder() -> str:
    from pathlib import Path

    return str(Path(__file__).parents[1] / "data" / "harbour-point")


@pytest.fixture(scope="module")
def harbour(tmp_path_factory) -> DashboardReport:
    folder = tmp_path_factory.mktemp("crm") / "harbour-point"
    shutil.copytree(_harbour_folder(), folder)
    (folder / "opportunities.csv").write_text(DEALS, encoding="utf-8")
    settings = folder / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + CRM, encoding="utf-8")
    return dashboard_report(load_client(folder))


@cache
def sample_client():
    return load_client(paths.SAMPLE_CLIENT)


@cache
def sample() -> DashboardReport:
    return dashboard_report(sample_client())


class TestPeriods:
    def test_the_windows_of_a_monday_in_an_april_year(self, harbour):
        windows = {p.key: (str(p.start.date()), str(p.end.date())) for p in harbour.periods}
        assert windows == {
            "week_to_date": ("2027-07-05", "2027-07-05"),
            "last_week": ("2027-06-28", "2027-07-04"),
            "month_to_date": ("2027-07-01", "2027-07-05"),
            "last_month": ("2027-06-01", "2027-06-30"),
            "quarter_to_date": ("2027-07-01", "2027-07-05"),
            "last_quarter": ("2027-04-01", "2027-06-30"),
            "year_to_date": ("2027-04-01", "2027-07-05"),
            "last_year": ("2026-04-01", "2027-03-31"),
        }

    def test_the_sample_reads_december_and_2026_beside_january(self):
        titles = [p.title for p in sample().periods]
        assert titles[2:4] == ["Month to date (1-8 Jan 2027)", "Last month (December 2026)"]
        assert titles[-1] == "Last year (Jan-Dec 2026)"

    def test_an_unknown_period_is_refused(self, harbour):
        with pytest.raises(InputError, match="period"):
            harbour.period("fortnight")


class TestQuotas:
    def test_plan_year_from_the_plan_other_months_from_the_roster(self):
        client = sample_client()
        report = sample()
        plan = plan_report(client).monthly_quotas
        assert report.plan_months == tuple(str(m) for m in plan.index)
        for rep in plan.columns:
            assert_allclose(report.quotas.loc[rep, "2027-03"], plan.loc["2027-03", rep])
        # before the plan year: annual_quota / 12 for the months employed
        assert report.quotas.loc["Elena Sorensen", "2026-05"] == pytest.approx(950_000 / 12)
        assert report.quotas.loc["Grace Liu", "2026-09"] == 0.0  # starts 2026-10
        assert report.quotas.loc["Grace Liu", "2026-10"] == pytest.approx(950_000 / 12)
        assert report.quotas.loc["Hannah Brooks", "2025-04"] == 0.0  # starts 2025-05

    def test_the_reps_are_the_roster_rows_with_a_quota(self, harbour):
        assert harbour.reps == ("Sam Okafor", "Ruth Adeyemi")

    def test_a_period_carries_the_quota_of_its_days(self, harbour):
        last_year = harbour.by_period["last_year"]
        assert last_year.loc["Sam Okafor", "quota"] == pytest.approx(420_000)  # roster months
        assert last_year.loc["Ruth Adeyemi", "quota"] == 0.0  # not employed yet
        june = harbour.quotas.loc["Sam Okafor", "2027-06"]
        july = harbour.quotas.loc["Sam Okafor", "2027-07"]
        assert harbour.by_period["last_month"].loc["Sam Okafor", "quota"] == pytest.approx(june)
        week = harbour.by_period["last_week"].loc["Sam Okafor", "quota"]
        assert week == pytest.approx(june * 3 / 30 + july * 4 / 31)

    def test_without_a_plan_every_month_is_the_roster(self):
        client = sample_client()
        months = pd.period_range("2027-01", "2027-02", freq="M")
        quotas = dashboard_quotas(client, months)
        assert quotas.loc["Owen Kessler"].tolist() == [0.0, pytest.approx(950_000 / 12)]


class TestHandWorked:
    def test_last_year(self, harbour):
        sam = harbour.by_period["last_year"].loc["Sam Okafor"]
        assert (sam["won_count"], sam["lost_count"], sam["won_amount"]) == (1, 1, 40_000)
        assert sam["win_rate_count"] == 0.5
        assert sam["win_rate_value"] == pytest.approx(40_000 / 48_000)
        assert sam["attainment"] == pytest.approx(40_000 / 420_000)

    def test_year_to_date(self, harbour):
        total = harbour.by_period["year_to_date"].loc[TOTAL]
        assert (total["won_count"], total["lost_count"]) == (2, 1)
        assert total["win_rate_count"] == pytest.approx(2 / 3)
        assert total["win_rate_value"] == pytest.approx(30_000 / 35_000)
        assert total["average_order_value"] == 15_000
        assert total["median_cycle_days"] == (40 + 91) / 2

    def test_the_week_and_month_to_date(self, harbour):
        assert harbour.by_period["week_to_date"].loc[TOTAL, "won_count"] == 0
        assert harbour.by_period["last_week"].loc[TOTAL, "won_amount"] == 20_000
        assert harbour.by_period["month_to_date"].loc[TOTAL, "won_amount"] == 20_000

    def test_open_and_weighted_pipeline(self, harbour):
        f = harbour.figures()["pipeline"]
        assert f["by_stage"] == {
            "Qualify": {"count": 1, "value": 12_000.0},
            "Propose": {"count": 1, "value": 30_000.0},
        }
        assert (f["open_value"], f["weighted_value"]) == (42_000.0, 1_200.0 + 15_000.0)

    def test_thirty_sixty_ninety(self, harbour):
        t = harbour.figures()["thirty_sixty_ninety"]
        assert (t["0-30"]["value"], t["31-60"]["value"], t["61-90"]["value"]) == (12_000, 30_000, 0)

    def test_coverage_needs_the_win_rate_of_the_last_year(self, harbour):
        c = harbour.figures()["coverage"]
        assert c["months"]["3"] == ["2027-08", "2027-09", "2027-10"]
        sam = c["by_rep"]["Sam Okafor"]["3"]
        assert sam["win_rate"] == pytest.approx(70_000 / 83_000)
        assert sam["needed"] == pytest.approx(83_000 / 70_000)
        assert sam["pipeline"] == 0.0
        assert c["by_rep"]["Ruth Adeyemi"]["3"]["pipeline"] == 30_000
        assert c["by_rep"]["Ruth Adeyemi"]["3"]["needed"] is None  # nothing closed yet

    def test_the_team_need_is_the_coverage_total_needed(self, harbour):
        need = harbour.team_need()
        assert need == pytest.approx(harbour.coverage.total["needed"].iloc[0])
        t = harbour.figures()["thirty_sixty_ninety"]["31-60"]
        assert t["needed_value"] == pytest.approx(t["quota"] * need)


class TestNotAvailable:
    @pytest.mark.parametrize(
        ("figure", "needs"),
        [
            ("Forecast accuracy and bias", "the forecasts table"),
            ("Activity against standard", "activity_standards"),
            ("Net-new and existing share", "account_type (opportunities)"),
            ("Revenue per customer", "account (opportunities)"),
            ("Cost per lead", "the lead_spend table"),
            ("Days sales outstanding", "the receivables table"),
            ("Professional-services rates", "the hours table"),
            ("Pipeline flow", "an earlier export of the opportunities or their stage history"),
            ("Time in stage", "opportunity_history"),
            ("Forecast categories", "forecast_category (opportunities)"),
        ],
    )
    def test_each_figure_says_what_it_needs(self, harbour, figure, needs):
        assert needs in harbour.missing()[figure]
        assert harbour.figures()["not_available"][figure] == harbour.missing()[figure]

    def test_rep_profitability_uses_the_margin_rate_or_says_it_needs_margin(self, harbour):
        # Harbour Point's deals carry no margin and its settings no gross margin
        assert harbour.missing()["Rep profitability"] == "needs margin (opportunities)"

    def test_the_figures_that_are_there_are_worked_out(self, harbour):
        shown = set(harbour.missing())
        for figure in (
            "Open pipeline by stage",
            "Coverage against need",
            "30/60/90",
            "Stage conversion",
        ):
            assert figure not in shown

    def test_a_missing_figure_shows_its_sentence(self, harbour):
        shown = view(harbour.bias_table(), "GBP")
        assert str(shown) == "Not available: needs the forecasts table"
        assert shown._repr_markdown_() == str(shown)
        assert "Forecast bias" not in harbour.tables()

    def test_the_sentence_names_fields_in_words(self):
        missing = NotAvailable(needs=("forecast_category",), table="opportunities")
        assert (
            not_available_text(missing) == "Not available: needs forecast category (opportunities)"
        )

    def test_no_opportunities_is_refused_with_the_file(self):
        import dataclasses

        client = dataclasses.replace(sample_client(), crm=None)
        with pytest.raises(InputError) as raised:
            dashboard_report(client)
        assert raised.value.file == "opportunities.csv"


class TestAgreesWithThePureFunctions:
    """Every headline figure of the sample is the pure function's, on the same window."""

    def test_each_period(self):
        report, crm = sample(), sample_client().crm
        f = report.figures()["periods"]
        for p in report.periods:
            rates = db.win_rates(crm.opportunities, p.start, p.end)
            aov = db.average_order_value(crm.opportunities, p.start, p.end)
            cycle = db.sales_cycle(crm.opportunities, p.start, p.end)
            total = f[p.key]["total"]
            assert total["won_amount"] == pytest.approx(rates.loc[TOTAL, "won_amount"])
            assert total["win_rate_value"] == pytest.approx(
                rates.loc[TOTAL, "win_rate_value"], nan_ok=True
            )
            assert total["win_rate_count"] == pytest.approx(
                rates.loc[TOTAL, "win_rate_count"], nan_ok=True
            )
            if total["average_order_value"] is not None:
                assert total["average_order_value"] == pytest.approx(
                    aov.loc[TOTAL, "average_order_value"]
                )
                assert total["median_cycle_days"] == cycle.loc[TOTAL, "median_days"]
            for rep, row in f[p.key]["by_rep"].items():
                won = rates["won_amount"].get(rep, 0.0)
                assert row["won_amount"] == pytest.approx(won)

    def test_the_pipeline_and_its_math(self):
        report, crm = sample(), sample_client().crm
        opps = crm.opportunities
        pipeline = db.open_pipeline(opps, crm.stages)
        assert report.figures()["pipeline"]["open_value"] == pytest.approx(
            pipeline.loc[TOTAL, "value"]
        )
        weighted = db.weighted_pipeline(opps, crm.stages)
        assert report.figures()["pipeline"]["weighted_value"] == pytest.approx(
            weighted.loc[TOTAL, "weighted_value"]
        )
        t = pp.thirty_sixty_ninety(opps, "2027-01-08", report.quotas)
        for cat, row in report.figures()["thirty_sixty_ninety"].items():
            assert row["value"] == pytest.approx(t.total.loc[cat, "value"])

    def test_the_forecast(self):
        report, crm = sample(), sample_client().crm
        fa = db.forecast_accuracy(crm.forecasts, crm.opportunities, end="2026-12-31")
        f = report.figures()["forecast"]
        assert f["last_month"] == "2026-12"
        dec = fa.xs(pd.Period("2026-12", "M"), level="period")
        assert f["accuracy"] == pytest.approx(dec.loc[TOTAL, "accuracy"])
        six = fa[fa.index.get_level_values("period") >= pd.Period("2026-07", "M")]
        tomas = six.xs("Tomás Aguilar", level="owner")[["forecast", "actual"]].sum()
        assert f["trailing_by_rep"]["Tomás Aguilar"] == pytest.approx(
            (tomas["forecast"] - tomas["actual"]) / tomas["actual"]
        )

    def test_the_flow_identity_holds_in_the_figures(self):
        t = sample().figures()["flow"]["total"]
        came = t["start"] + t["created"] + t["pulled_in"] + t["increased"]
        went = t["decreased"] + t["pushed_out"] + t["lost"] + t["won"]
        assert came - went == pytest.approx(t["end"])

    def test_the_tables_are_tables_with_words_for_headers(self):
        tables = sample().tables()
        assert len(tables) >= 20
        for name, table in tables.items():
            assert isinstance(table, Table), name
            assert not any("_" in str(c) for c in table.frame.columns), name


class TestWeakestSignal:
    def test_it_is_the_largest_shortfall_of_the_four(self):
        from salesnb.analysis.dashboard import _candidates

        report = sample()
        signals = _candidates(report)
        assert {s["kind"] for s in signals} == {
            "coverage",
            "forecast_bias",
            "thirty_sixty_ninety",
            "activity",
        }
        worst = max(signals, key=lambda s: s["shortfall"])
        assert report.weakest["kind"] == worst["kind"] and report.weakest["who"] == worst["who"]
        assert report.weakest["shortfall"] > TOLERANCE

    def test_a_coverage_shortfall_is_worked_out_from_the_coverage(self):
        report = sample()
        w = report.weakest
        assert w["kind"] == "coverage"
        row = report.coverage.by_rep.loc[(w["who"], 3)]
        assert w["shortfall"] == pytest.approx(1 - row["coverage"] / row["needed"])
        assert w["gap"] == pytest.approx(row["quota"] * row["needed"] - row["pipeline"])

    def test_nothing_short_says_so(self):
        f = {"periods": {}, "weakest_signal": None}
        (item,) = executive_items(f, "USD")
        assert item[1] == "none"


class TestExecutiveItems:
    def test_last_month_and_the_weakest_signal(self):
        items = executive_items(sample(), "USD")
        f = sample().figures()
        assert [figure for figure, _, _ in items] == [
            "Sales won in December 2026",
            "The dashboard's weakest signal",
        ]
        assert items[0][1] == f"${f['periods']['last_month']['total']['won_amount']:,.0f}"
        assert items[1][1] == f["weakest_signal"]["value"]
        assert f["weakest_signal"]["action"] in items[1][2]

    def test_the_recorded_figures_give_the_same_items(self):
        from salesnb.report.record import clean

        assert executive_items(clean(sample().figures()), "USD") == executive_items(sample(), "USD")


class TestAsOf:
    def test_an_earlier_day_is_rebuilt_from_the_history(self):
        earlier = dashboard_report(sample_client(), as_of="2026-12-08")
        snap = pp.snapshot_from_history(
            sample_client().crm.history,
            sample_client().crm.stages,
            "2026-12-08",
            opportunities=sample_client().crm.opportunities,
        )
        open_value = snap.loc[snap["status"] == "open", "amount"].sum()
        assert earlier.figures()["pipeline"]["open_value"] == pytest.approx(open_value)
        assert earlier.figures()["flow"]["basis"] == "history"

    def test_a_later_day_is_refused(self):
        with pytest.raises(InputError, match="after the export"):
            dashboard_report(sample_client(), as_of="2027-02-01")


def test_every_recorded_number_is_finite_or_none():
    from salesnb.report.record import clean

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from walk(v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)
        else:
            yield value

    for value in walk(clean(sample().figures())):
        assert value is None or not isinstance(value, float) or np.isfinite(value)


def test_a_dashboard_section_without_services_goals_still_rates_the_hours(tmp_path):
    # Regression: a dashboard: section that leaves out services: used to stop the
    # dashboard with an AttributeError; the rates are then worked out without goals.
    folder = shutil.copytree(paths.SAMPLE_CLIENT, tmp_path / "client")
    settings = folder / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    head, _ = text.split("\ndashboard:")
    settings.write_text(head + "\ndashboard:\n  dso_goal_days: 45\n", encoding="utf-8")
    report = dashboard_report(load_client(folder, part="dashboard"))
    rates = report.figures()["services"]
    assert rates["utilization"]["actual"] > 0
    assert rates["utilization"]["goal"] is None
