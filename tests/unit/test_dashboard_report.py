"""The dashboard report: hand-worked figures, quotas from the plan and the roster, the
periods, the weakest signal and what a sparse export cannot show.

Two clients: the sample (its full CRM), and a copy of Harbour Point (an April year, as of
Monday 5 July 2027) given seven hand-made deals and nothing else of a CRM, so that the
hand-worked figures and every not-available path can be checked; a second copy also has
five hand-made forecasts, for the forecast's figures.

Harbour Point's deals (as of Mon 5 Jul 2027; cycle = close - created, won deals):

==  =====  =======  ======  ==========  ==========  =====
id  owner  stage    amount  created     close       cycle
==  =====  =======  ======  ==========  ==========  =====
H1  Sam    Won      10,000  2027-05-01  2027-06-10  40
H2  Sam    Lost      5,000  2027-05-03  2027-06-20
H3  Sam    Won      20,000  2027-04-02  2027-07-02  91
H4  Ruth   Propose  30,000  2027-06-15  2027-08-15
H5  Sam    Qualify  12,000  2027-06-01  2027-07-20
H6  Sam    Lost      8,000  2027-01-10  2027-03-15
H7  Sam    Won      40,000  2026-11-01  2027-02-01  92
==  =====  =======  ======  ==========  ==========  =====

Its quotas come from the plan (April 2027 - March 2028), spread by the seasonality
weights (Jan-Dec 9, 9, 9, 8, 9, 9, 7, 5, 8, 9, 9, 6; 97 in a year) and rounded to the
cent: Sam Okafor's roster quota 420,000 gives 420,000 x weight / 97 a month (April 8 ->
34,639.18, May and June 9 -> 38,969.07, July 7 -> 30,309.28, August 5 -> 21,649.49,
September 8 -> 34,639.18, October 9 -> 38,969.07); Ruth Adeyemi starts in July, so
her 360,000 is prorated to 9 months, 270,000, spread over the weights of July-March
(71): July 26,619.72, August 19,014.09, September 30,422.54, October 34,225.35. Before
April the roster's 420,000 / 12 a month. The win rate of the 365 days to the as-of date
(6 Jul 2026 - 5 Jul 2027) is H7 + H1 + H3 won = 70,000 of 70,000 + H6 + H2 = 83,000
closed, so the team needs 83,000 / 70,000 = 1.19x coverage.
"""

from __future__ import annotations

import math
import shutil
from fnmatch import fnmatchcase
from functools import cache

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from salesnb import paths
from salesnb import pipeline as pp
from salesnb.analysis import dashboard_report, plan_report
from salesnb.analysis.dashboard import (
    DashboardReport,
    dashboard_quotas,
    executive_items,
    not_available_text,
    view,
)
from salesnb.dashboard import NotAvailable
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


#: June: Sam 12,000 against H1's 10,000 won, Ruth 5,000 against nothing; February:
#: Sam 50,000 against H7's 40,000; March: 0 against 0; July is not complete on 5 July.
FORECASTS = """owner,period,forecast
Sam Okafor,2027-02,50000
Sam Okafor,2027-03,0
Sam Okafor,2027-06,12000
Ruth Adeyemi,2027-06,5000
Sam Okafor,2027-07,25000
"""
SAM = 420_000 / 97  # Sam Okafor's plan quota per seasonality point
RUTH = 270_000 / 71  # Ruth Adeyemi's (360,000 x 9/12 over July-March's 71 points)


def _harbour_folder() -> str:
    from pathlib import Path

    return str(Path(__file__).parents[1] / "data" / "harbour-point")


def _harbour(tmp_path_factory, **files: str) -> DashboardReport:
    folder = tmp_path_factory.mktemp("crm") / "harbour-point"
    shutil.copytree(_harbour_folder(), folder)
    for name, text in {"opportunities.csv": DEALS, **files}.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = folder / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + CRM, encoding="utf-8")
    return dashboard_report(load_client(folder))


@pytest.fixture(scope="module")
def harbour(tmp_path_factory) -> DashboardReport:
    return _harbour(tmp_path_factory)


@pytest.fixture(scope="module")
def harbour_forecasts(tmp_path_factory) -> DashboardReport:
    return _harbour(tmp_path_factory, **{"forecasts.csv": FORECASTS})


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
    # (won deals, won, lost deals, lost, win rate by count, by value, average order,
    #  median cycle days, the team's quota of the window's days)
    @pytest.mark.parametrize(
        ("key", "expected"),
        [
            pytest.param(
                "week_to_date",
                # Mon 5 Jul: nothing closed; 1 of July's 31 days of both quotas
                (0, 0.0, 0, 0.0, None, None, None, None, 7 * (SAM + RUTH) / 31),
                id="week_to_date",
            ),
            pytest.param(
                "last_week",
                # 28 Jun-4 Jul: H3 won; 3/30 of Sam's June + 4/31 of both Julys
                (
                    *(1, 20_000.0, 0, 0.0, 1.0, 1.0, 20_000.0, 91.0),
                    3 / 30 * 9 * SAM + 4 / 31 * 7 * (SAM + RUTH),
                ),
                id="last_week",
            ),
            pytest.param(
                "month_to_date",
                # 1-5 Jul: H3 won; 5/31 of both Julys
                (1, 20_000.0, 0, 0.0, 1.0, 1.0, 20_000.0, 91.0, 5 / 31 * 7 * (SAM + RUTH)),
                id="month_to_date",
            ),
            pytest.param(
                "last_month",
                # June: H1 won, H2 lost: 1 of 2, 10,000 of 15,000; Sam's June (Ruth 0)
                (1, 10_000.0, 1, 5_000.0, 0.5, 10_000 / 15_000, 10_000.0, 40.0, 9 * SAM),
                id="last_month",
            ),
            pytest.param(
                "quarter_to_date",
                # the quarter from July: the same days as the month to date
                (1, 20_000.0, 0, 0.0, 1.0, 1.0, 20_000.0, 91.0, 5 / 31 * 7 * (SAM + RUTH)),
                id="quarter_to_date",
            ),
            pytest.param(
                "last_quarter",
                # April-June: H1 won, H2 lost; Sam's (8 + 9 + 9) points = 112,577.32
                (1, 10_000.0, 1, 5_000.0, 0.5, 10_000 / 15_000, 10_000.0, 40.0, 26 * SAM),
                id="last_quarter",
            ),
            pytest.param(
                "year_to_date",
                # 1 Apr-5 Jul: H1, H3 won, H2 lost: 2 of 3, 30,000 of 35,000, 15,000 a
                # deal, cycles 40 and 91 -> 65.5; the last quarter's quota + 5/31 of July
                (
                    *(2, 30_000.0, 1, 5_000.0, 2 / 3, 30_000 / 35_000, 15_000.0, 65.5),
                    26 * SAM + 5 / 31 * 7 * (SAM + RUTH),
                ),
                id="year_to_date",
            ),
            pytest.param(
                "last_year",
                # April 2026-March 2027: H7 won, H6 lost: 1 of 2, 40,000 of 48,000;
                # before the plan, the roster's 420,000 / 12 for 12 months
                (1, 40_000.0, 1, 8_000.0, 0.5, 40_000 / 48_000, 40_000.0, 92.0, 420_000.0),
                id="last_year",
            ),
        ],
    )
    def test_each_period(self, harbour, key, expected):
        fields = (
            "won_count",
            "won_amount",
            "lost_count",
            "lost_amount",
            "win_rate_count",
            "win_rate_value",
            "average_order_value",
            "median_cycle_days",
            "quota",
        )
        f = harbour.figures()["periods"][key]
        total = f["total"]
        for name, want in zip(fields, expected, strict=True):
            if want is None:
                assert total[name] is None, name
            else:
                assert total[name] == pytest.approx(want, rel=1e-6), name
        won, quota = expected[1], expected[-1]
        assert total["attainment"] == pytest.approx(won / quota, rel=1e-6)
        # every deal that closed is Sam's: his row holds them; Ruth won and lost nothing
        sam, ruth = f["by_rep"]["Sam Okafor"], f["by_rep"]["Ruth Adeyemi"]
        assert (sam["won_amount"], sam["lost_amount"]) == (expected[1], expected[3])
        assert (ruth["won_count"], ruth["lost_count"], ruth["won_amount"]) == (0, 0, 0.0)
        assert ruth["win_rate_value"] is None

    def test_last_year_is_sams(self, harbour):
        sam = harbour.by_period["last_year"].loc["Sam Okafor"]
        assert (sam["won_count"], sam["lost_count"], sam["won_amount"]) == (1, 1, 40_000)
        assert sam["win_rate_value"] == pytest.approx(40_000 / 48_000)
        assert sam["attainment"] == pytest.approx(40_000 / 420_000)

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
        # each window carries both reps' quota of its days (a month's quota / its days):
        # 0-30 = 5 Jul-4 Aug: 27/31 of July (30,309.28 + 26,619.72) + 4/31 of August
        # (21,649.49 + 19,014.09) = 49,583.32 + 5,246.91 = 54,830.24
        july, august = 7 * (SAM + RUTH), 5 * (SAM + RUTH)
        september, october = 8 * (SAM + RUTH), 9 * (SAM + RUTH)
        assert t["0-30"]["quota"] == pytest.approx(27 / 31 * july + 4 / 31 * august, rel=1e-6)
        # 31-60 = 5 Aug-3 Sep: 27/31 of August + 3/30 of September = 41,922.84
        assert t["31-60"]["quota"] == pytest.approx(27 / 31 * august + 3 / 30 * september, rel=1e-6)
        # 61-90 = 4 Sep-3 Oct: 27/30 of September + 3/31 of October = 65,638.88
        assert t["61-90"]["quota"] == pytest.approx(
            27 / 30 * september + 3 / 31 * october, rel=1e-6
        )
        assert t["over 90"]["quota"] is None  # only the three windows carry a quota

    def test_coverage_needs_the_win_rate_of_the_last_year(self, harbour):
        c = harbour.figures()["coverage"]
        assert c["months"]["3"] == ["2027-08", "2027-09", "2027-10"]
        sam = c["by_rep"]["Sam Okafor"]["3"]
        assert sam["win_rate"] == pytest.approx(70_000 / 83_000)
        assert sam["needed"] == pytest.approx(83_000 / 70_000)
        assert sam["pipeline"] == 0.0
        assert c["by_rep"]["Ruth Adeyemi"]["3"]["pipeline"] == 30_000
        assert c["by_rep"]["Ruth Adeyemi"]["3"]["needed"] is None  # nothing closed yet

    def test_the_team_need_is_one_over_the_years_win_rate(self, harbour):
        # 6 Jul 2026-5 Jul 2027: H7 40,000 + H1 10,000 + H3 20,000 won = 70,000, against
        # 70,000 + H6 8,000 + H2 5,000 lost = 83,000 closed: win rate 70/83, so the team
        # needs 1 / (70/83) = 83/70 = 1.19x its quota in pipeline
        assert harbour.team_need() == pytest.approx(83 / 70)
        # the 31-60 window's pipeline needed: its quota 41,922.84 (see the windows above)
        # x 83/70 = 49,708.51
        t = harbour.figures()["thirty_sixty_ninety"]["31-60"]
        assert t["needed_value"] == pytest.approx(49_708.51, abs=0.01)

    def test_the_forecast_of_the_last_month_and_the_trailing_months(self, harbour_forecasts):
        f = harbour_forecasts.figures()["forecast"]
        # July 2027 is not complete on 5 July: the months judged are February-June
        assert (f["months"], f["last_month"]) == (["2027-02", "2027-06"], "2027-06")
        # June: Sam forecast 12,000, won 10,000 (H1): accuracy 100 x (1 - 2,000 / 10,000)
        # = 80, bias 2,000 / 10,000 = +0.2; Ruth forecast 5,000, won nothing: accuracy 0
        # (only the actual is 0), bias not known (no actual to divide by)
        assert f["by_rep"]["Sam Okafor"] == {
            "accuracy": pytest.approx(80.0),
            "bias": pytest.approx(0.2),
        }
        assert f["by_rep"]["Ruth Adeyemi"] == {"accuracy": 0.0, "bias": None}
        # the team: 17,000 against 10,000: accuracy 100 x (1 - 7,000 / 10,000) = 30, bias 0.7
        assert (f["accuracy"], f["bias"]) == (pytest.approx(30.0), pytest.approx(0.7))
        # March: 0 forecast, 0 won: accuracy 100
        march = harbour_forecasts.forecast.loc[(pd.Period("2027-03", "M"), "Sam Okafor")]
        assert march["accuracy"] == 100.0
        # the trailing months (up to six with forecasts): February, March, June. Sam:
        # 50,000 + 0 + 12,000 = 62,000 against 40,000 + 0 + 10,000 = 50,000: bias 0.24;
        # the team adds Ruth's 5,000: 67,000 against 50,000: bias 0.34
        assert f["trailing_months"] == ["2027-02", "2027-03", "2027-06"]
        assert f["trailing_by_rep"] == {"Sam Okafor": pytest.approx(0.24), "Ruth Adeyemi": None}
        assert f["trailing_bias"] == pytest.approx(0.34)
        reads = harbour_forecasts.bias_table().frame["Reads as"]
        assert reads.to_dict() == {
            "Sam Okafor": "24% over what was won",
            "Ruth Adeyemi": "nothing won to compare with",
            "Total": "34% over what was won",
        }


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


class TestTheSample:
    """Identities and shapes of the sample's full report (its figures are hand-worked on
    Harbour Point above)."""

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
    def test_the_samples_weakest_is_grace_lius_coverage(self):
        report = sample()
        # the four signals are all in the running: each has its public table
        for table in ("Coverage against need", "Forecast bias", "30-60-90", "Goalboard"):
            assert table in report.tables(), table
        # the coverage table, Grace Liu, Feb-Apr 2027: pipeline 257,900 against the quota
        # 227,892.82 = 1.1317x; her win rate over 365 days 17.2288% needs 1 / 0.172288 =
        # 5.8042x; shortfall = 1 - 1.1317 / 5.8042 = 0.8050
        row = report.coverage_table().frame.loc["Grace Liu"].set_index("Months").loc["Feb-Apr 2027"]
        assert row["Pipeline"] == 257_900
        assert row["Quota"] == pytest.approx(227_892.82, abs=0.01)
        assert row["Win rate (365 days)"] == pytest.approx(0.172288, abs=1e-6)
        assert (row["Coverage"], row["Coverage needed"]) == ("1.1x", "5.8x")
        w = report.figures()["weakest_signal"]
        assert (w["kind"], w["who"]) == ("coverage", "Grace Liu")
        assert w["shortfall"] == pytest.approx(0.8050, abs=1e-4)
        assert w["value"] == "1.1x against 5.8x needed"
        # the pipeline missing: 227,892.82 x 5.8042 - 257,900 = 1,064,840
        assert w["gap"] == pytest.approx(1_064_840, abs=1)
        assert "$1,064,840 more pipeline for Grace Liu" in w["action"]
        assert report.weakest["shortfall"] == w["shortfall"]
        # the runner-up is far behind: the 30-60-90 table's 61-90 days hold 591,250 of the
        # 1,367,188 needed (373,181.64 x the team's 3.6636x): 1 - 591,250 / 1,367,188 = 0.568;
        # then the team's coverage 1 - 1.75 / 3.66 = 0.522, Grace's forecast bias 48.5%
        # (the bias table), Tomás's activity 1 - 64% = 0.36 (the goalboard)
        late = report.thirty_sixty_ninety_table().frame.loc["61-90 days"]
        assert late["Open value"] == 591_250
        assert late["Pipeline needed"] == pytest.approx(1_367_188, abs=1)
        assert 1 - late["Open value"] / late["Pipeline needed"] == pytest.approx(0.5675, abs=1e-4)

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


#: The sample's figures that may be None (figures.json null), with why. A pattern is a
#: path through figures(), one key a step: "*" stands for any part of one key, "a|b"
#: for either key. Every pattern must be met, so a stale one cannot hide a new None.
SAMPLE_NONE = {
    # Owen Kessler joins in February 2027, after the as-of date 8 Jan 2027: nothing
    # closed, no quota before February, no week employed, no sales to set his cost against
    "periods/*/by_rep/Owen Kessler/win_rate_*": "Owen closed nothing",
    "periods/*/by_rep/Owen Kessler/average_order_value": "Owen won nothing",
    "periods/*/by_rep/Owen Kessler/median_cycle_days": "Owen won nothing",
    "periods/*/by_rep/Owen Kessler/attainment": "Owen has no quota before February",
    "periods/*/by_rep/Owen Kessler/activity_score": "Owen is not employed yet",
    "coverage/by_rep/Owen Kessler/*/win_rate": "Owen closed nothing in 365 days",
    "coverage/by_rep/Owen Kessler/*/needed": "no win rate, no need",
    "coverage/by_rep/Owen Kessler/*/below_need": "no need to be below",
    "activity/by_rep/Owen Kessler/*/per_week|ratio": "Owen is not employed yet",
    "profitability/last_year/Owen Kessler/profit_to_volume": "Owen sold nothing",
    # the team is ranked against nobody
    "periods/*/total/attainment_rank": "the team has no rank",
    # the windows to date (4-8 Jan and 1-8 Jan 2027: the fiscal year starts in January)
    # hold no whole week, and activity counts in whole weeks only
    "periods/*_to_date/total/activity_score": "no whole week yet",
    "periods/*_to_date/by_rep/*/activity_score": "no whole week yet",
    # 4-8 Jan and 1-8 Jan 2027 hold the same closes: Elena and Tomás lost but won
    # nothing, Hannah closed nothing
    "periods/*_to_date/by_rep/Elena Sorensen/average_order_value": "Elena won nothing yet",
    "periods/*_to_date/by_rep/Elena Sorensen/median_cycle_days": "Elena won nothing yet",
    "periods/*_to_date/by_rep/Tomás Aguilar/average_order_value": "Tomás won nothing yet",
    "periods/*_to_date/by_rep/Tomás Aguilar/median_cycle_days": "Tomás won nothing yet",
    "periods/*_to_date/by_rep/Hannah Brooks/win_rate_*": "Hannah closed nothing yet",
    "periods/*_to_date/by_rep/Hannah Brooks/average_order_value": "Hannah won nothing yet",
    "periods/*_to_date/by_rep/Hannah Brooks/median_cycle_days": "Hannah won nothing yet",
    # 28 Dec 2026-3 Jan 2027: Elena closed nothing
    "periods/last_week/by_rep/Elena Sorensen/win_rate_*": "Elena closed nothing",
    "periods/last_week/by_rep/Elena Sorensen/average_order_value": "Elena won nothing",
    "periods/last_week/by_rep/Elena Sorensen/median_cycle_days": "Elena won nothing",
    # only the 0-30, 31-60 and 61-90 day windows carry a quota
    "thirty_sixty_ninety/overdue|over 90|no close date/quota|coverage|needed_value": (
        "no quota for days past, beyond 90 or without a close date"
    ),
}


def _leaves(value, path=()):
    """Every (path, value) under figures(): dicts by key, lists by position."""
    if isinstance(value, dict):
        for key, v in value.items():
            yield from _leaves(v, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, str(i)))
    else:
        yield "/".join(path), value


def _matches(pattern: str, path: str) -> bool:
    want, got = pattern.split("/"), path.split("/")
    return len(want) == len(got) and all(
        any(fnmatchcase(key, alternative) for alternative in step.split("|"))
        for step, key in zip(want, got, strict=True)
    )


def test_every_number_the_sample_records_is_finite_or_an_expected_none():
    # the raw figures, not clean(figures()): clean() turns a NaN into None and would hide it
    met = set()
    for path, value in _leaves(sample().figures()):
        assert value is None or isinstance(value, bool | int | float | str), (path, value)
        if isinstance(value, float):
            assert math.isfinite(value), path
        if value is None:
            allowed = [p for p in SAMPLE_NONE if _matches(p, path)]
            assert allowed, f"{path} is None"
            met.update(allowed)
    assert set(SAMPLE_NONE) - met == set()  # a stale entry hides nothing any more


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
