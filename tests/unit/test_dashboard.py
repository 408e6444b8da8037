"""Tests of the sales dashboard's figures: hand-worked numbers on small frames.

Most classes use one example of ten deals and two reps (``ten_deals``):

==  =====  =======  ========  =========  ======  ======  ==========  ==========  ====  =========
id  owner  account  type      stage      status  amount  created     close       prob  category
==  =====  =======  ========  =========  ======  ======  ==========  ==========  ====  =========
1   Ann    Acme     new       Won        won     1000    2026-11-01  2026-12-10        closed
2   Ann    Beta     existing  Won        won     3000    2026-12-21  2027-01-20        closed
3   Ann    Cyan     new       Lost       lost    1000    2026-10-01  2027-01-15        omitted
4   Ann    Acme     existing  Propose    open    4000    2026-12-15  2027-02-15  0.6   commit
5   Ann    Dune     new       Qualify    open     500    2027-01-05  2027-03-31        pipeline
6   Bo     Echo     new       Won        won     6000    2026-11-06  2027-01-05        closed
7   Bo     Fern     existing  Lost       lost    1000    2026-11-20  2027-01-25        omitted
8   Bo     Gulf     existing  Lost       lost    3000    2026-12-01  2027-01-28        omitted
9   Bo     Echo     new       Negotiate  open    2500    2026-11-10  2027-01-30  0.8   commit
10  Bo     Hale     new       Qualify    open    1500    2027-01-02  2027-02-20        best_case
==  =====  =======  ========  =========  ======  ======  ==========  ==========  ====  =========

Cycles of the won deals (close - created): deal 1 = 29 (Nov) + 10 = 39 days, deal 2 =
10 (Dec) + 20 = 30 days, deal 6 = 24 (Nov) + 31 (Dec) + 5 = 60 days.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from pandas.testing import assert_frame_equal

from salesnb import dashboard as db
from salesnb.dashboard import TOTAL, NotAvailable
from salesnb.errors import InputError

STAGES = ("Qualify", "Discover", "Propose", "Negotiate", "Won", "Lost")
STAGE_PROBABILITY = {"Qualify": 0.1, "Discover": 0.25, "Propose": 0.5, "Negotiate": 0.75}


def ten_deals() -> pd.DataFrame:
    rows = [
        (1, "Ann", "Acme", "new", "Won", "won", 1000, "2026-11-01", "2026-12-10", None, "closed"),
        (
            2,
            "Ann",
            "Beta",
            "existing",
            "Won",
            "won",
            3000,
            "2026-12-21",
            "2027-01-20",
            None,
            "closed",
        ),
        (
            3,
            "Ann",
            "Cyan",
            "new",
            "Lost",
            "lost",
            1000,
            "2026-10-01",
            "2027-01-15",
            None,
            "omitted",
        ),
        (
            4,
            "Ann",
            "Acme",
            "existing",
            "Propose",
            "open",
            4000,
            "2026-12-15",
            "2027-02-15",
            0.6,
            "commit",
        ),
        (
            5,
            "Ann",
            "Dune",
            "new",
            "Qualify",
            "open",
            500,
            "2027-01-05",
            "2027-03-31",
            None,
            "pipeline",
        ),
        (6, "Bo", "Echo", "new", "Won", "won", 6000, "2026-11-06", "2027-01-05", None, "closed"),
        (
            7,
            "Bo",
            "Fern",
            "existing",
            "Lost",
            "lost",
            1000,
            "2026-11-20",
            "2027-01-25",
            None,
            "omitted",
        ),
        (
            8,
            "Bo",
            "Gulf",
            "existing",
            "Lost",
            "lost",
            3000,
            "2026-12-01",
            "2027-01-28",
            None,
            "omitted",
        ),
        (
            9,
            "Bo",
            "Echo",
            "new",
            "Negotiate",
            "open",
            2500,
            "2026-11-10",
            "2027-01-30",
            0.8,
            "commit",
        ),
        (
            10,
            "Bo",
            "Hale",
            "new",
            "Qualify",
            "open",
            1500,
            "2027-01-02",
            "2027-02-20",
            None,
            "best_case",
        ),
    ]
    columns = [
        "id",
        "owner",
        "account",
        "account_type",
        "stage",
        "status",
        "amount",
        "created",
        "close",
        "probability",
        "forecast_category",
    ]
    deals = pd.DataFrame(rows, columns=columns)
    deals["id"] = deals["id"].astype(str)
    deals["name"] = "Deal " + deals["id"]
    deals["amount"] = deals["amount"].astype(float)
    deals["probability"] = deals["probability"].astype(float)
    deals["created"] = pd.to_datetime(deals["created"])
    deals["close"] = pd.to_datetime(deals["close"])
    deals["stage_order"] = deals["stage"].map({s: i for i, s in enumerate(STAGES)})
    return deals


def reps_index(*names: str) -> pd.Index:
    return pd.Index([*names, TOTAL], name="owner", dtype=object)


JANUARY = ("2027-01-01", "2027-01-31")


# ----------------------------------------------------------------------------
# Not available
# ----------------------------------------------------------------------------


class TestNeeds:
    def test_a_missing_table(self):
        result = db.win_rates(None)
        assert result == NotAvailable(
            needs=("opportunities",), table="opportunities", table_missing=True
        )
        assert str(result) == "not available: needs the opportunities table"

    def test_a_missing_column(self):
        result = db.sales_cycle(ten_deals().drop(columns="created"))
        assert isinstance(result, NotAvailable)
        assert result.needs == ("created",)
        assert str(result) == "not available: needs created (opportunities)"

    def test_a_column_blank_in_every_row_counts_as_absent(self):
        deals = ten_deals().assign(account_type=np.nan)
        result = db.account_type_share(deals, "2027-01-31")
        assert result == NotAvailable(needs=("account_type",), table="opportunities")

    def test_an_empty_frame_is_available(self):
        deals = ten_deals().iloc[:0]
        result = db.win_rates(deals)
        assert db.available(result)
        assert list(result.index) == [TOTAL]
        assert result.loc[TOTAL, "won"] == 0
        assert math.isnan(result.loc[TOTAL, "win_rate_count"])

    @pytest.mark.parametrize(
        "figure",
        [
            lambda: db.win_rates(None),
            lambda: db.average_order_value(None),
            lambda: db.open_pipeline(None),
            lambda: db.weighted_pipeline(None),
            lambda: db.sales_velocity(None),
            lambda: db.forecast_accuracy(None, ten_deals()),
            lambda: db.activity_vs_standard(None, {"demo": 1}),
            lambda: db.weekly_activities(None),
            lambda: db.revenue_per_customer(ten_deals().drop(columns="account")),
            lambda: db.cost_per_lead(None),
            lambda: db.days_sales_outstanding(None, "2027-01-31"),
            lambda: db.rep_profitability(ten_deals(), None, *JANUARY, margin_rate=0.3),
            lambda: db.rep_profitability(
                ten_deals(), pd.DataFrame({"name": ["Ann"], "annual_salary": [1.0]}), *JANUARY
            ),
            lambda: db.services_rates(None),
            lambda: db.forecast_rollup(ten_deals().drop(columns="forecast_category"), *JANUARY),
            lambda: db.goalboard(ten_deals(), None, *JANUARY),
            lambda: db.top_forecast_accounts(ten_deals().drop(columns="close"), "2027-01-31"),
        ],
    )
    def test_every_figure_says_so_instead_of_raising(self, figure):
        result = figure()
        assert isinstance(result, NotAvailable)
        assert str(result).startswith("not available: needs ")


class TestToDate:
    def test_periods(self):
        assert db.to_date("2027-02-17", "M") == (
            pd.Timestamp("2027-02-01"),
            pd.Timestamp("2027-02-17"),
        )
        assert db.to_date("2027-02-17", "Q").start == pd.Timestamp("2027-01-01")
        assert db.to_date("2027-02-17", "Y").start == pd.Timestamp("2027-01-01")
        # 2027-02-17 is a Wednesday
        assert db.to_date("2027-02-17", "W").start == pd.Timestamp("2027-02-15")

    def test_fiscal_year(self):
        # a fiscal year from October: the quarter Jan-Mar, the year from 2026-10-01
        assert db.to_date("2027-02-17", "Y", fy_start_month=10).start == pd.Timestamp("2026-10-01")
        assert db.to_date("2027-02-17", "Q", fy_start_month=11).start == pd.Timestamp("2027-02-01")

    def test_bad_input(self):
        with pytest.raises(InputError, match="as_of"):
            db.to_date("not a date")
        with pytest.raises(InputError, match="fy_start_month"):
            db.to_date("2027-01-01", fy_start_month=13)


# ----------------------------------------------------------------------------
# Win rates, order value, cycle
# ----------------------------------------------------------------------------


class TestWinRates:
    def test_ten_deals(self):
        result = db.win_rates(ten_deals())
        # Ann: won 1 + 2 (4000), lost 3 (1000): 2/3 by count, 4000/5000 by value
        # Bo: won 6 (6000), lost 7 and 8 (4000): 1/3 by count, 6000/10000 by value
        # all: 3 won of 6 closed; 10000 of 15000
        assert_array_equal(result.index, reps_index("Ann", "Bo"))
        assert_array_equal(result["won"], [2, 1, 3])
        assert_array_equal(result["lost"], [1, 2, 3])
        assert_allclose(result["win_rate_count"], [2 / 3, 1 / 3, 0.5])
        assert_allclose(result["win_rate_value"], [0.8, 0.6, 2 / 3])

    def test_window_counts_by_close_date(self):
        # January leaves out deal 1 (closed 2026-12-10): Ann 1 won (3000), 1 lost (1000)
        result = db.win_rates(ten_deals(), *JANUARY)
        assert_allclose(result.loc["Ann", ["win_rate_count", "win_rate_value"]], [0.5, 0.75])
        assert result.loc[TOTAL, "won"] == 2

    def test_by_month(self):
        result = db.win_rates(ten_deals(), freq="M")
        assert list(result.index) == [
            (pd.Period("2026-12", "M"), "Ann"),
            (pd.Period("2026-12", "M"), TOTAL),
            (pd.Period("2027-01", "M"), "Ann"),
            (pd.Period("2027-01", "M"), "Bo"),
            (pd.Period("2027-01", "M"), TOTAL),
        ]
        # January, everyone: deals 2 and 6 won, 3, 7 and 8 lost: 2 of 5
        assert_allclose(result.loc[(pd.Period("2027-01", "M"), TOTAL), "win_rate_count"], 2 / 5)

    def test_a_rep_with_only_open_deals_is_not_listed(self):
        deals = ten_deals()
        deals.loc[deals["id"] == "5", "owner"] = "Cy"
        assert "Cy" not in db.win_rates(deals).index

    def test_close_dates_as_text_blanks_left_out(self):
        deals = ten_deals()
        text = deals.assign(close=deals["close"].dt.strftime("%Y-%m-%d").astype(object))
        text.loc[text["id"] == "8", "close"] = ""  # a lost deal without a close date
        dropped = deals[deals["id"] != "8"]
        assert_frame_equal(db.win_rates(text), db.win_rates(dropped))

    def test_a_close_date_that_is_not_one_is_refused(self):
        deals = ten_deals().astype({"close": object})
        deals.loc[deals["id"] == "8", "close"] = "soon"
        with pytest.raises(
            InputError,
            match="close of opportunities: expected dates such as '2027-01-08'; got 'soon'",
        ) as caught:
            db.win_rates(deals)
        assert caught.value.column == "close"

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["A", "B", "C"]),
                st.sampled_from(["won", "lost", "open"]),
                st.floats(0, 1e6),
            ),
            max_size=30,
        )
    )
    def test_rates_lie_between_0_and_1(self, rows):
        deals = pd.DataFrame(rows, columns=["owner", "status", "amount"]).astype(
            {"owner": object, "status": object, "amount": float}
        )
        deals["close"] = pd.Timestamp("2027-01-05")
        result = db.win_rates(deals)
        rate = result["win_rate_count"].dropna()
        assert ((rate >= 0) & (rate <= 1)).all()
        value = result["win_rate_value"].dropna()
        assert ((value >= 0) & (value <= 1 + 1e-12)).all()
        assert result.loc[TOTAL, "won"] == sum(1 for r in rows if r[1] == "won")


class TestAverageOrderValue:
    def test_ten_deals(self):
        result = db.average_order_value(ten_deals())
        # Ann (1000 + 3000) / 2, Bo 6000 / 1, all 10000 / 3
        assert_allclose(result["average_order_value"], [2000.0, 6000.0, 10000 / 3])
        assert_array_equal(result["won"], [2, 1, 3])

    def test_nobody_won(self):
        result = db.average_order_value(ten_deals(), "2025-01-01", "2025-12-31")
        assert list(result.index) == [TOTAL]
        assert math.isnan(result.loc[TOTAL, "average_order_value"])


class TestSalesCycle:
    def test_ten_deals(self):
        result = db.sales_cycle(ten_deals())
        # Ann [39, 30]: median and mean 34.5; Bo [60]; all [39, 30, 60]: median 39, mean 43
        assert_allclose(result["median_days"], [34.5, 60.0, 39.0])
        assert_allclose(result["mean_days"], [34.5, 60.0, 43.0])

    def test_lost_and_open_deals_do_not_count(self):
        deals = ten_deals()
        deals.loc[deals["status"] != "won", "created"] = pd.Timestamp("2020-01-01")
        assert_allclose(db.sales_cycle(deals)["median_days"], [34.5, 60.0, 39.0])


# ----------------------------------------------------------------------------
# Open pipeline
# ----------------------------------------------------------------------------


class TestOpenPipeline:
    def test_ten_deals_in_stage_order(self):
        result = db.open_pipeline(ten_deals(), STAGES)
        # open: 4 Propose 4000, 5 Qualify 500, 9 Negotiate 2500, 10 Qualify 1500
        expected = pd.DataFrame(
            {"count": [2, 0, 1, 1, 4], "value": [2000.0, 0.0, 4000.0, 2500.0, 8500.0]},
            index=pd.Index(
                ["Qualify", "Discover", "Propose", "Negotiate", TOTAL], name="stage", dtype=object
            ),
        )
        assert_frame_equal(result, expected)

    def test_stage_order_column_when_no_list_is_given(self):
        result = db.open_pipeline(ten_deals())
        assert list(result.index) == ["Qualify", "Propose", "Negotiate", TOTAL]

    def test_a_stage_missing_from_the_list_is_shown_after_it(self):
        result = db.open_pipeline(ten_deals(), ["Qualify", "Propose"])
        assert list(result.index) == ["Qualify", "Propose", "Negotiate", TOTAL]
        assert result.loc[TOTAL, "value"] == 8500.0

    def test_by_rep(self):
        result = db.open_pipeline(ten_deals(), STAGES, by_rep=True)
        assert result.loc[("Ann", "Qualify"), "value"] == 500.0
        assert result.loc[("Bo", "Qualify"), "value"] == 1500.0
        assert result.loc[("Bo", TOTAL), "count"] == 2
        assert result.loc[(TOTAL, TOTAL), "value"] == 8500.0

    def test_stage_objects_skip_closed_stages(self):
        class Stage:
            def __init__(self, name, status):
                self.name, self.status = name, status

        stages = [
            Stage(s, "won" if s == "Won" else "lost" if s == "Lost" else "open") for s in STAGES
        ]
        result = db.open_pipeline(ten_deals(), stages)
        assert "Won" not in result.index and "Discover" in result.index


class TestWeightedPipeline:
    def test_deal_probability_else_stage(self):
        result = db.weighted_pipeline(ten_deals(), STAGE_PROBABILITY)
        # Ann: 4000 x 0.6 (its own) + 500 x 0.1 (Qualify) = 2450
        # Bo: 2500 x 0.8 (its own) + 1500 x 0.1 (Qualify) = 2150
        assert_allclose(result["weighted_value"], [2450.0, 2150.0, 4600.0])
        assert_array_equal(result["without_probability"], [0, 0, 0])
        assert_allclose(result["open_value"], [4500.0, 4000.0, 8500.0])

    def test_deals_without_a_probability_are_counted(self):
        result = db.weighted_pipeline(ten_deals())
        # deals 5 (Ann, 500) and 10 (Bo, 1500) have no probability of their own
        assert_allclose(result["weighted_value"], [2400.0, 2000.0, 4400.0])
        assert_array_equal(result["without_probability"], [1, 1, 2])
        assert_allclose(result["without_probability_value"], [500.0, 1500.0, 2000.0])

    def test_no_probability_column(self):
        result = db.weighted_pipeline(ten_deals().drop(columns="probability"), STAGE_PROBABILITY)
        # 4000 x 0.5 + 500 x 0.1; 2500 x 0.75 + 1500 x 0.1
        assert_allclose(result["weighted_value"], [2050.0, 2025.0, 4075.0])


class TestSalesVelocity:
    def test_ten_deals(self):
        result = db.sales_velocity(ten_deals())
        # Ann: 2 open x 2/3 x 2000 / 34.5 days; Bo: 2 x 1/3 x 6000 / 60;
        # all: 4 x 0.5 x 10000/3 / 43
        expected = [2 * 2 / 3 * 2000 / 34.5, 2 * 1 / 3 * 6000 / 60, 4 * 0.5 * (10000 / 3) / 43]
        assert_allclose(result["velocity"], expected)
        assert_array_equal(result["open_count"], [2, 2, 4])

    def test_no_closed_deal_is_nan_not_zero(self):
        deals = ten_deals()
        deals.loc[deals["id"] == "5", "owner"] = "Cy"  # Cy holds one open deal, closed none
        result = db.sales_velocity(deals)
        assert result.loc["Cy", "open_count"] == 1
        assert math.isnan(result.loc["Cy", "velocity"])

    def test_closed_but_never_won_is_zero(self):
        deals = ten_deals()
        deals.loc[deals["id"].isin(["3", "5"]), "owner"] = "Cy"  # one lost, one open
        assert db.sales_velocity(deals).loc["Cy", "velocity"] == 0.0


# ----------------------------------------------------------------------------
# Forecast accuracy
# ----------------------------------------------------------------------------


class TestForecastError:
    def test_edges(self):
        actual = [100.0, 0.0, 0.0, 100.0, 100.0, 100.0]
        forecast = [80.0, 0.0, 50.0, 250.0, 200.0, 0.0]
        accuracy, bias = db.forecast_error(actual, forecast)
        # 1 - 20/100; both 0; only the actual 0; error 150 > 100 clips at 0;
        # error 100 = the actual: 0; forecast 0: 1 - 100/100 = 0
        assert_allclose(accuracy, [80.0, 100.0, 0.0, 0.0, 0.0, 0.0])
        # (80 - 100) / 100; NaN over an actual of 0; (250 - 100) / 100 over-commits
        assert_allclose(bias, [-0.2, np.nan, np.nan, 1.5, 1.0, -1.0])

    def test_forecast_base(self):
        accuracy, _ = db.forecast_error(
            [100.0, 100.0, 0.0, 0.0], [80.0, 0.0, 50.0, 0.0], "forecast"
        )
        # 1 - 20/80 = 0.75; only the forecast (the base) is 0: 0; 1 - 50/50 = 0; both 0
        assert_allclose(accuracy, [75.0, 0.0, 0.0, 100.0])

    def test_unknown_base(self):
        with pytest.raises(InputError, match="forecast_error_base"):
            db.forecast_error(1.0, 1.0, "mean")

    @settings(max_examples=200, deadline=None)
    @given(st.floats(0, 1e9), st.floats(0, 1e9), st.sampled_from(["actual", "forecast"]))
    def test_accuracy_lies_between_0_and_100(self, actual, forecast, base):
        accuracy, bias = db.forecast_error(actual, forecast, base)
        assert 0.0 <= accuracy <= 100.0
        if actual > 0:
            assert (bias > 0) == (forecast > actual)


class TestForecastAccuracy:
    def forecasts(self):
        return pd.DataFrame(
            {
                "owner": ["Ann", "Bo", "Ann", "Bo"],
                "period": pd.PeriodIndex(["2026-12", "2026-12", "2027-01", "2027-01"], freq="M"),
                "forecast": [1000.0, 0.0, 2000.0, 12000.0],
            }
        )

    def test_by_rep_and_month(self):
        result = db.forecast_accuracy(self.forecasts(), ten_deals())
        dec, jan = pd.Period("2026-12", "M"), pd.Period("2027-01", "M")
        # December: Ann forecast 1000, won 1000 -> 100; Bo forecast 0, won 0 -> 100
        # January: Ann 2000 vs 3000 won: 1 - 1000/3000, bias -1/3 (sandbagging);
        # Bo 12000 vs 6000: error 6000 = the actual -> 0, bias +1 (over-commitment)
        # January total: 14000 vs 9000: 1 - 5000/9000
        assert_allclose(result.loc[(dec, "Ann"), ["actual", "accuracy"]], [1000.0, 100.0])
        assert_allclose(result.loc[(dec, "Bo"), ["actual", "accuracy"]], [0.0, 100.0])
        assert math.isnan(result.loc[(dec, "Bo"), "bias"])
        assert_allclose(result.loc[(jan, "Ann"), ["accuracy", "bias"]], [100 * 2 / 3, -1 / 3])
        assert_allclose(result.loc[(jan, "Bo"), ["accuracy", "bias"]], [0.0, 1.0])
        assert_allclose(result.loc[(jan, TOTAL), ["forecast", "actual"]], [14000.0, 9000.0])
        assert_allclose(result.loc[(jan, TOTAL), "accuracy"], 100 * (1 - 5000 / 9000))

    def test_forecast_base_and_window(self):
        result = db.forecast_accuracy(
            self.forecasts(), ten_deals(), base="forecast", start="2027-01-01"
        )
        jan = pd.Period("2027-01", "M")
        assert list(result.index.get_level_values("period").unique()) == [jan]
        # Ann: 1 - 1000/2000; Bo: 1 - 6000/12000
        assert_allclose(result["accuracy"], [50.0, 50.0, 100 * (1 - 5000 / 14000)])

    def test_months_as_text(self):
        forecasts = self.forecasts().assign(period=["2026-12", "2026-12", "2027-01", "2027-01"])
        assert_frame_equal(
            db.forecast_accuracy(forecasts, ten_deals()),
            db.forecast_accuracy(self.forecasts(), ten_deals()),
        )


# ----------------------------------------------------------------------------
# Activities
# ----------------------------------------------------------------------------


def activities() -> pd.DataFrame:
    # Weeks (Monday to Sunday): 2027-01-04, -11, -18, -25. Window 2027-01-01 .. 2027-01-27:
    # the whole weeks are 01-04 .. 01-24 (3 weeks); the 1st-3rd and the 25th-27th are partial.
    rows = [
        ("Ann", "2027-01-02", "demo"),  # before the first whole week: left out
        ("Ann", "2027-01-04", "demo"),
        ("Ann", "2027-01-06", "demo"),
        ("Ann", "2027-01-13", "demo"),
        ("Ann", "2027-01-20", "demo"),
        ("Ann", "2027-01-21", "new_prospect_call"),
        ("Ann", "2027-01-26", "demo"),  # in the partial last week: left out
        ("Bo", "2027-01-05", "demo"),  # before Bo's start: left out
        ("Bo", "2027-01-12", "new_prospect_call"),
        ("Bo", "2027-01-13", "new_prospect_call"),
        ("Bo", "2027-01-19", "demo"),
        ("Bo", "2027-01-19", "email"),  # not a standard kind
    ]
    frame = pd.DataFrame(rows, columns=["owner", "date", "kind"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


STANDARDS = {"demo": 2.0, "new_prospect_call": 1.0}


class TestActivityVsStandard:
    def test_whole_weeks_and_a_rep_who_started_late(self):
        # Bo started Friday 2027-01-08: his weeks start Monday the 11th, 2 whole weeks
        result = db.activity_vs_standard(
            activities(),
            STANDARDS,
            "2027-01-01",
            "2027-01-27",
            reps=["Ann", "Bo", "Cy"],
            rep_starts={"Bo": "2027-01-08"},
        )
        # Ann: 4 demos in 3 weeks = 1.333/week vs 2 -> 0.667; 1 call / 3 weeks vs 1
        assert_array_equal(result.loc["Ann", "activities"], [4, 1])
        assert_array_equal(result.loc["Ann", "weeks"], [3, 3])
        assert_allclose(result.loc["Ann", "ratio"], [4 / 3 / 2, 1 / 3])
        # Bo: 1 demo, 2 calls in 2 weeks
        assert_array_equal(result.loc["Bo", "activities"], [1, 2])
        assert_allclose(result.loc["Bo", "per_week"], [0.5, 1.0])
        assert_allclose(result.loc["Bo", "ratio"], [0.25, 1.0])
        # Cy logged nothing: 0 in 3 weeks
        assert_array_equal(result.loc["Cy", "activities"], [0, 0])
        assert_allclose(result.loc["Cy", "ratio"], [0.0, 0.0])
        # Total: 5 demos over 3 + 2 + 3 = 8 rep-weeks; 3 calls over 8
        assert_allclose(result.loc[TOTAL, "per_week"], [5 / 8, 3 / 8])
        assert list(result.index.get_level_values("kind")[:2]) == ["demo", "new_prospect_call"]

    def test_no_whole_week(self):
        result = db.activity_vs_standard(activities(), STANDARDS, "2027-01-05", "2027-01-09")
        assert (result["weeks"] == 0).all()
        assert result["ratio"].isna().all()

    def test_bad_standard(self):
        with pytest.raises(InputError, match="activity_standards"):
            db.activity_vs_standard(activities(), {"demo": -1}, "2027-01-01", "2027-01-27")


class TestWeeklyActivities:
    def test_counts_by_week(self):
        result = db.weekly_activities(activities(), "2027-01-04", "2027-01-24", kinds=["demo"])
        week = pd.Period("2027-01-04", "W-SUN")
        assert result.loc[(week, "Ann"), "demo"] == 2
        assert result.loc[(week, "Bo"), "demo"] == 1
        assert result["demo"].sum() == 6  # Ann 4, Bo 2 (his start is not applied here)


# ----------------------------------------------------------------------------
# Mix, customers, leads
# ----------------------------------------------------------------------------


class TestAccountTypeShare:
    def test_month_and_fiscal_year_to_date(self):
        result = db.account_type_share(ten_deals(), "2027-01-31", fy_start_month=10)
        mtd, ytd = result.loc["month to date"], result.loc["year to date"]
        # January: Ann deal 2 existing 3000; Bo deal 6 new 6000 -> 6000 / 9000 new
        assert_allclose(mtd["new_share"], [0.0, 1.0, 2 / 3])
        # from 2026-10-01: Ann adds deal 1 (new 1000): 1000 / 4000; total 7000 / 10000
        assert_allclose(ytd["new_share"], [0.25, 1.0, 0.7])
        assert_allclose(ytd["existing_share"], [0.75, 0.0, 0.3])

    def test_unknown_type_is_said(self):
        deals = ten_deals()
        deals.loc[deals["id"] == "2", "account_type"] = np.nan
        mtd = db.account_type_share(deals, "2027-01-31").loc["month to date"]
        assert_allclose(mtd.loc[TOTAL, ["new", "existing", "unknown"]], [6000.0, 0.0, 3000.0])
        assert_allclose(mtd.loc[TOTAL, "new_share"], 2 / 3)


class TestRevenuePerCustomer:
    def test_top_accounts_and_the_rest(self):
        result = db.revenue_per_customer(ten_deals(), top=2)
        # won: Echo 6000, Beta 3000, Acme 1000 (of 10000)
        assert list(result.index) == ["Echo", "Beta", "Other accounts (1)", TOTAL]
        assert_allclose(result["revenue"], [6000.0, 3000.0, 1000.0, 10000.0])
        assert_allclose(result["share"], [0.6, 0.3, 0.1, 1.0])
        assert_array_equal(result["deals"], [1, 1, 1, 3])

    def test_a_year(self):
        result = db.revenue_per_customer(ten_deals(), "2026-01-01", "2026-12-31")
        assert list(result.index) == ["Acme", TOTAL]


class TestCostPerLead:
    def spend(self, leads=True):
        frame = pd.DataFrame(
            {
                "source": ["web", "web", "events"],
                "month": pd.PeriodIndex(["2026-12", "2027-01", "2027-01"], freq="M"),
                "spend": [500.0, 900.0, 2000.0],
                "leads": [10.0, 20.0, np.nan],
            }
        )
        return frame if leads else frame.drop(columns="leads")

    def deals(self):
        return ten_deals().assign(
            source=[
                "web",
                "events",
                "web",
                "events",
                "events",
                "web",
                "web",
                "web",
                "web",
                "events",
            ]
        )

    def test_given_leads_else_counted(self):
        result = db.cost_per_lead(self.spend(), self.deals())
        # events in January: no leads given; opportunities created in 2027-01 from events:
        # deals 5 and 10 -> 2 leads, 2000 / 2
        # web: 1400 / 30; total 3400 / 32
        assert_allclose(result["cost_per_lead"], [1000.0, 1400 / 30, 3400 / 32])
        assert_array_equal(result["leads_counted"], [2, 0, 2])

    def test_all_counted_and_a_window(self):
        result = db.cost_per_lead(self.spend(leads=False), self.deals(), "2026-12-01", "2026-12-31")
        # December: web spent 500; of the deals created in December (2, 4, 8) only 8 is web
        assert list(result.index) == ["web", TOTAL]
        assert_array_equal(result["leads"], [1, 1])
        assert_allclose(result["cost_per_lead"], [500.0, 500.0])

    def test_counting_needs_the_source(self):
        result = db.cost_per_lead(self.spend(), ten_deals())
        assert result == NotAvailable(needs=("leads", "source"), table="lead_spend")


# ----------------------------------------------------------------------------
# Days sales outstanding
# ----------------------------------------------------------------------------


class TestDaysSalesOutstanding:
    def receivables(self):
        return pd.DataFrame(
            {
                "invoice": ["A", "B", "C", "D", "E"],
                "issued": pd.to_datetime(
                    ["2026-09-15", "2026-10-20", "2026-12-01", "2027-01-15", "2027-02-01"]
                ),
                "paid": pd.to_datetime([None, "2026-11-01", "2027-02-10", None, None]),
                "amount": [1000.0, 2000.0, 3000.0, 1500.0, 9999.0],
            }
        )

    def test_ninety_days(self):
        result = db.days_sales_outstanding(self.receivables(), "2027-01-31", goal=45)
        # open on 2027-01-31: A (never paid), C (paid after), D -> 5500; E not yet issued
        # issued in the 90 days after 2026-11-02: C, D -> 4500
        assert result.open_receivables == 5500.0
        assert result.open_invoices == 3
        assert result.invoiced == 4500.0
        assert_allclose(result.dso, 5500 / 4500 * 90)
        assert_allclose(result.over_goal, 5500 / 4500 * 90 - 45)

    def test_thirty_days(self):
        result = db.days_sales_outstanding(self.receivables(), "2027-01-31", days=30)
        # issued after 2027-01-01: D (1500)
        assert_allclose(result.dso, 5500 / 1500 * 30)
        assert math.isnan(result.over_goal)

    def test_nothing_invoiced(self):
        assert math.isnan(db.days_sales_outstanding(self.receivables(), "2026-09-01").dso)

    def test_bad_days(self):
        with pytest.raises(InputError, match="days"):
            db.days_sales_outstanding(self.receivables(), "2027-01-31", days=0)


# ----------------------------------------------------------------------------
# Profitability and sales expense
# ----------------------------------------------------------------------------


def roster() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Ann", "Bo"],
            "annual_salary": [73_000.0, 36_500.0],
            "burden": [0.2, np.nan],
            "start": pd.PeriodIndex(["2020-01", "2027-01"], freq="M"),
            "end": pd.PeriodIndex([None, None], freq="M"),
        }
    )


class TestRepProfitability:
    def test_deal_margin_else_the_rate(self):
        deals = ten_deals()
        deals["margin"] = np.where(deals["id"] == "2", 1200.0, np.nan)
        result = db.rep_profitability(
            deals, roster(), "2026-12-01", "2027-01-31", margin_rate=0.3, default_burden=0.1
        )
        # Ann: deal 1 1000 x 0.3 + deal 2 its own 1200 = 1500 on 4000 of sales;
        # cost 73000 x 1.2 x (31 days / 365 + 31 / 365) = 87600 x 62 / 365 = 14880
        # Bo: deal 6 6000 x 0.3 = 1800; employed from January only: 36500 x 1.1 x 31/365
        assert_allclose(result.loc["Ann", ["volume", "margin", "cost"]], [4000.0, 1500.0, 14880.0])
        assert_allclose(result.loc["Bo", "cost"], 40150 * 31 / 365)
        assert_allclose(result.loc["Ann", "profit"], 1500.0 - 14880.0)
        assert_allclose(result.loc["Ann", "profit_to_volume"], (1500.0 - 14880.0) / 4000.0)
        assert_allclose(result.loc[TOTAL, "margin"], 3300.0)
        assert_array_equal(result["deals_without_margin"], [0, 0, 0])

    def test_a_leap_year_costs_one_year(self):
        deals = ten_deals().assign(margin=0.0)
        result = db.rep_profitability(deals, roster().iloc[:1], "2028-01-01", "2028-12-31")
        assert_allclose(result.loc["Ann", "cost"], 73_000 * 1.2)

    def test_deals_without_margin_are_counted(self):
        deals = ten_deals().assign(margin=np.nan)
        deals.loc[deals["id"] == "1", "margin"] = 400.0
        result = db.rep_profitability(deals, roster(), "2026-12-01", "2027-01-31")
        assert_array_equal(result["deals_without_margin"], [1, 1, 2])
        assert_allclose(result["margin"], [400.0, 0.0, 400.0])


class TestDirectSalesExpense:
    def test_shares_by_quarter(self):
        expense = pd.Series([3000.0, 4000.0], index=pd.PeriodIndex(["2026Q4", "2027Q1"], freq="Q"))
        quotas = pd.DataFrame(
            {"2026-12": [5000.0, 0.0], "2027-01": [5000.0, 5000.0], "2027-02": [5000.0, 5000.0]},
            index=["Ann", "Bo"],
        )
        result = db.direct_sales_expense(ten_deals(), expense, quotas=quotas, margin_rate=0.25)
        # 2026Q4: deal 1 (1000, margin 250), quota 5000
        # 2027Q1: deals 2 and 6 (9000, margin 2250), quota 20000
        assert_allclose(result["volume"], [1000.0, 9000.0])
        assert_allclose(result["of_volume"], [3.0, 4000 / 9000])
        assert_allclose(result["of_margin"], [12.0, 4000 / 2250])
        assert_allclose(result["of_quota"], [3000 / 5000, 4000 / 20000])

    def test_needs_a_margin(self):
        expense = pd.Series([1.0], index=pd.PeriodIndex(["2027-01"], freq="M"))
        assert db.direct_sales_expense(ten_deals(), expense) == NotAvailable(
            needs=("margin",), table="opportunities"
        )


# ----------------------------------------------------------------------------
# Services
# ----------------------------------------------------------------------------


class TestServicesRates:
    def hours(self):
        return pd.DataFrame(
            {
                "consultant": ["Kim", "Lee", "Kim", "Lee", "Kim"],
                "week": pd.to_datetime(
                    ["2027-01-04", "2027-01-04", "2027-01-11", "2027-01-11", "2027-01-18"]
                ),
                "available": [40.0, 40.0, 40.0, 20.0, 40.0],
                "billable": [32.0, 30.0, 36.0, 10.0, 99.0],
                "billed_hours": [30.0, 30.0, 34.0, 10.0, 99.0],
                "billed_amount": [4500.0, 3000.0, 5100.0, 1200.0, 1.0],
                "standard_rate": [160.0, 120.0, 160.0, 120.0, 160.0],
                "unworked_contracted": [300.0, 100.0, 240.0, 120.0, 0.0],
            }
        )

    def test_two_weeks(self):
        result = db.services_rates(
            self.hours(),
            "2027-01-04",
            "2027-01-17",
            daily_billable_hours=6,
            goals={"blended_rate": 150, "realization": 0.9, "utilization": 0.8, "backlog_days": 30},
        )
        rates = result.rates
        # Kim: 9600 / 64 billed hours = 150; realization 9600 / (68 x 160 = 10880);
        # utilization 68 / 80; backlog (last week, 2027-01-11) 240 / 6 = 40 days
        # Lee: 4200 / 40 = 105; 4200 / (40 x 120 = 4800); 40 / 60; 120 / 6 = 20
        # all: 13800 / 104; 13800 / 15680; 108 / 140; 360 / (2 x 6) = 30
        assert_allclose(rates.loc["Kim"], [150.0, 9600 / 10880, 68 / 80, 40.0])
        assert_allclose(rates.loc["Lee"], [105.0, 4200 / 4800, 40 / 60, 20.0])
        assert_allclose(rates.loc[TOTAL], [13800 / 104, 13800 / 15680, 108 / 140, 30.0])
        goal = result.vs_goal
        assert_allclose(goal.loc["blended_rate", "gap"], 13800 / 104 - 150)
        assert goal.loc["backlog_days", "meets"]  # 30 days against a goal of 30
        assert not goal.loc["utilization", "meets"]

    def test_backlog_without_unworked_hours(self):
        result = db.services_rates(self.hours().drop(columns="unworked_contracted"))
        assert result.rates["backlog_days"].isna().all()
        assert str(result.missing["backlog_days"]) == (
            "not available: needs unworked_contracted (hours)"
        )

    def test_bad_daily_hours(self):
        with pytest.raises(InputError, match="daily_billable_hours"):
            db.services_rates(self.hours(), daily_billable_hours=0)


# ----------------------------------------------------------------------------
# Roll-up, goalboard, top accounts
# ----------------------------------------------------------------------------


class TestForecastRollup:
    def test_first_quarter(self):
        result = db.forecast_rollup(ten_deals(), "2027-01-01", "2027-03-31")
        # Ann: closed 3000 (deal 2), commit 4000 (4), pipeline 500 (5)
        # Bo: closed 6000 (6), commit 2500 (9), best case 1500 (10); lost deals never count
        cumulative = ["closed", "through_commit", "through_best_case", "through_pipeline"]
        assert_allclose(result.loc["Ann", cumulative], [3000.0, 7000.0, 7000.0, 7500.0])
        assert_allclose(result.loc["Bo", cumulative], [6000.0, 8500.0, 10000.0, 10000.0])
        assert_allclose(result.loc[TOTAL, cumulative], [9000.0, 15500.0, 17000.0, 17500.0])

    def test_january_and_categories_apart(self):
        deals = ten_deals()
        deals.loc[deals["id"] == "9", "forecast_category"] = "omitted"
        deals.loc[deals["id"] == "4", "close"] = pd.Timestamp("2027-01-31")
        deals.loc[deals["id"] == "4", "forecast_category"] = np.nan
        result = db.forecast_rollup(deals, *JANUARY)
        assert_allclose(
            result.loc[TOTAL, ["through_pipeline", "omitted", "uncategorised"]],
            [9000.0, 2500.0, 4000.0],
        )

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["Ann", "Bo"]),
                st.sampled_from(["won", "lost", "open"]),
                st.sampled_from(["closed", "commit", "best_case", "pipeline", "omitted", None]),
                st.floats(0, 1e6),
                st.sampled_from(["2026-12-31", "2027-01-01", "2027-01-31", "2027-02-01"]),
            ),
            min_size=1,
            max_size=25,
        )
    )
    def test_every_amount_in_the_window_is_counted_once(self, rows):
        """Conservation: each won or open deal closing in January lands in exactly one
        place. closed = the won amounts; through_commit adds the open deals marked commit
        (or closed); through_best_case then best case; through_pipeline then pipeline;
        and through_pipeline + omitted + uncategorised = every amount not lost. A lost
        deal, or a deal due outside the window (31 Dec, 1 Feb), counts nowhere."""
        deals = pd.DataFrame(
            rows, columns=["owner", "status", "forecast_category", "amount", "close"]
        ).astype({"status": object, "forecast_category": object, "amount": float})
        deals["close"] = pd.to_datetime(deals["close"])
        result = db.forecast_rollup(deals, *JANUARY)
        if all(category is None for _, _, category, _, _ in rows):
            assert not db.available(result)  # no category anywhere: the export lacks it
            return

        def total(owner, statuses, categories=None):
            return sum(
                amount
                for who, status, category, amount, close in rows
                if owner in (None, who)
                and status in statuses
                and (categories is None or category in categories)
                and "2027-01-01" <= close <= "2027-01-31"
            )

        for owner in (None, "Ann", "Bo"):
            row = TOTAL if owner is None else owner
            if row not in result.index:  # a rep with nothing in the window has no row
                assert total(owner, ("won", "open")) == 0
                continue
            got = result.loc[row]
            closed = total(owner, ("won",))
            commit = closed + total(owner, ("open",), ("commit", "closed"))
            best = commit + total(owner, ("open",), ("best_case",))
            pipeline = best + total(owner, ("open",), ("pipeline",))
            assert_allclose(
                got[["closed", "through_commit", "through_best_case", "through_pipeline"]],
                [closed, commit, best, pipeline],
                rtol=1e-12,
                atol=1e-6,
            )
            assert_allclose(got["omitted"], total(owner, ("open",), ("omitted",)), atol=1e-6)
            assert_allclose(got["uncategorised"], total(owner, ("open",), (None,)), atol=1e-6)
            assert_allclose(
                got["through_pipeline"] + got["omitted"] + got["uncategorised"],
                total(owner, ("won", "open")),
                rtol=1e-12,
                atol=1e-6,
            )


class TestGoalboard:
    def test_ranked_by_attainment_and_activity(self):
        quotas = pd.DataFrame(
            {"2026-12": [9.0, 9.0, 9.0], "2027-01": [5000.0, 4000.0, 3000.0], "2027-02": [9.0] * 3},
            index=["Ann", "Bo", "Cy"],
        )
        result = db.goalboard(
            ten_deals(),
            quotas,
            "2027-01-01",
            "2027-01-27",
            activities=activities(),
            standards=STANDARDS,
            rep_starts={"Bo": "2027-01-08"},
        )
        # January: Ann 3000 / 5000 = 0.6; Bo 6000 / 4000 = 1.5; Cy 0 / 3000
        assert list(result.index) == ["Bo", "Ann", "Cy"]
        assert_allclose(result["attainment"], [1.5, 0.6, 0.0])
        assert_array_equal(result["attainment_rank"], [1, 2, 3])
        # activity score = mean ratio: Bo (0.25 + 1) / 2 = 0.625; Ann (2/3 + 1/3) / 2 = 0.5
        assert_allclose(result["activity_score"], [0.625, 0.5, 0.0])
        assert_array_equal(result["activity_rank"], [1, 2, 3])

    def test_without_activities(self):
        quotas = pd.DataFrame({"2027-01": [3000.0, 6000.0]}, index=["Ann", "Bo"])
        result = db.goalboard(ten_deals(), quotas, *JANUARY)
        # a tie at 1.0: both rank 1
        assert_array_equal(result["attainment_rank"], [1, 1])
        assert result["activity_score"].isna().all()


class TestTopForecastAccounts:
    def test_this_month(self):
        result = db.top_forecast_accounts(ten_deals(), "2027-01-18")
        # open and due in January: deal 9 only
        assert list(result["id"]) == ["9"]
        assert list(result.index) == [1]

    def test_this_quarter(self):
        result = db.top_forecast_accounts(ten_deals(), "2027-01-18", freq="Q", n=3)
        # open in Q1: 4 (4000), 9 (2500), 10 (1500), 5 (500)
        assert list(result["id"]) == ["4", "9", "10"]
        assert list(result.columns[:4]) == ["id", "name", "account", "owner"]

    def test_ties_by_close_date(self):
        deals = ten_deals()
        deals.loc[deals["id"] == "10", "amount"] = 4000.0  # due 02-20, after deal 4 (02-15)
        result = db.top_forecast_accounts(deals, "2027-01-18", freq="Q")
        assert list(result["id"]) == ["4", "10", "9", "5"]

    def test_bad_freq(self):
        with pytest.raises(InputError, match="freq"):
            db.top_forecast_accounts(ten_deals(), "2027-01-18", freq="Y")


class TestCategoricalColumns:
    """Text columns held as categories (the fast form for large exports) give the same figures."""

    def test_same_figures(self):
        deals = ten_deals()
        coded = deals.astype({c: "category" for c in ("owner", "status", "stage", "account_type")})
        coded["owner"] = coded["owner"].cat.add_categories(["Zed"])  # a category nobody uses
        for figure in (db.win_rates, db.sales_cycle, db.weighted_pipeline, db.sales_velocity):
            assert_frame_equal(figure(coded), figure(deals))
        assert_frame_equal(
            db.open_pipeline(coded, STAGES, by_rep=True),
            db.open_pipeline(deals, STAGES, by_rep=True),
        )
        assert_frame_equal(
            db.account_type_share(coded, "2027-01-31"), db.account_type_share(deals, "2027-01-31")
        )
        acts = activities().astype({"owner": "category", "kind": "category"})
        assert_frame_equal(
            db.activity_vs_standard(acts, STANDARDS, "2027-01-01", "2027-01-27"),
            db.activity_vs_standard(activities(), STANDARDS, "2027-01-01", "2027-01-27"),
        )


class TestWeeklyActivitiesAgainstAGroupby:
    """The counting by codes gives what a plain groupby by week, owner and kind gives."""

    @pytest.mark.parametrize("categorical", [False, True])
    def test_random_activities(self, categorical):
        rng = np.random.default_rng(11)
        n = 3000
        acts = pd.DataFrame(
            {
                "owner": rng.choice(np.array(["Ann", "Bob", "Cy", None], dtype=object), n),
                "kind": rng.choice(np.array(["demo", "call", "email", None], dtype=object), n),
                "date": pd.Timestamp("2026-01-01")
                + pd.to_timedelta(rng.integers(0, 200, n), unit="D"),
            }
        )
        if categorical:
            acts["owner"] = acts["owner"].astype("category")
            acts["kind"] = acts["kind"].astype("category")
        start, end = pd.Timestamp("2026-02-01"), pd.Timestamp("2026-06-30")
        got = db.weekly_activities(acts, start, end)
        inside = acts[(acts["date"] >= start) & (acts["date"] <= end)]
        week = inside["date"].dt.to_period("W-SUN").rename("week")
        keys = [week, inside["owner"].astype(object), inside["kind"].astype(object)]
        counts = inside.groupby(keys).size()
        want = counts.unstack("kind", fill_value=0)  # noqa: PD010 (counts already grouped)
        want.columns = pd.Index(list(want.columns), dtype=object)
        assert_frame_equal(got, want.astype(np.int64), check_names=False)
