"""Tests of the leading indicators: series, lag search, forecast, backtest and warnings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from salesnb.errors import InputError
from salesnb.indicators import (
    INDICATOR_KINDS,
    MIN_WEEKS,
    activity_gaps,
    backtest,
    cross_correlations,
    forecast_bookings,
    lead_lags,
    min_weeks,
    monthly_activity,
    trend_warnings,
    weekly_activity,
    weekly_bookings,
)

#: The false-alarm rate the search and the warnings promise, and the slack allowed on
#: 200 seeds (about two binomial standard deviations at 5%).
RATE = 0.05
TOLERANCE = 0.03


def week_index(n: int, start: str = "2024-01-01") -> pd.DatetimeIndex:
    return pd.DatetimeIndex(list(pd.date_range(start, periods=n, freq="7D")), name="week")


def noise(seed: int, n: int = 104, kind: str = "steady") -> tuple[pd.DataFrame, pd.Series]:
    """Six unrelated indicators and bookings: steady counts and lumpy deals, or wandering
    and trending levels."""
    rng = np.random.default_rng(seed)
    rates = np.array([40, 12, 6, 5, 3, 1.5])
    if kind == "steady":
        counts = rng.poisson(rates, size=(n, 6))
        deals = rng.poisson(2, n)
        booked = np.array([rng.lognormal(9, 1, k).sum() for k in deals])
    else:
        level = np.exp(np.cumsum(rng.normal(0, 0.05, (n, 6)), axis=0))
        counts = rng.poisson(rates * level * np.linspace(1, 1.5, n)[:, None])
        walk = 20_000 * np.exp(np.cumsum(rng.normal(0, 0.05, n)))
        booked = walk + rng.normal(0, 8_000, n) + np.linspace(0, 20_000, n)
    weeks = week_index(n)
    return pd.DataFrame(counts, index=weeks, columns=INDICATOR_KINDS), pd.Series(booked, weeks)


def planted(
    seed: int, lag: int = 9, n: int = 104, kind: str = "discovery_call"
) -> tuple[pd.DataFrame, pd.Series]:
    """Six indicators; bookings follow one of them ``lag`` weeks later, with noise."""
    rng = np.random.default_rng(seed)
    counts, _ = noise(seed, n)
    counts[kind] = rng.poisson(20, n)
    booked = 1_000.0 * counts[kind].shift(lag, fill_value=20) + rng.normal(0, 3_000, n)
    return counts, pd.Series(booked + 20_000.0, counts.index)


def activities(rows: Sequence[tuple[str, str, str]]) -> pd.DataFrame:
    owner, kind, date = zip(*rows, strict=True)
    return pd.DataFrame({"owner": owner, "kind": kind, "date": pd.to_datetime(list(date))})


def daily_activity(weeks: int, start: str = "2025-01-06") -> pd.DataFrame:
    """One e-mail a day for ``weeks`` weeks: a table with no gap."""
    days = pd.date_range(start, periods=7 * weeks, freq="D")
    return pd.DataFrame({"owner": "Ann", "kind": "email", "date": days})


# ----------------------------------------------------------------------------
# weekly_activity, activity_gaps, monthly_activity
# ----------------------------------------------------------------------------


class TestWeeklyActivity:
    ROWS = (
        ("Ann", "demo", "2026-01-05"),  # Monday: week of 5 Jan
        ("Ann", "demo", "2026-01-11"),  # Sunday: still the week of 5 Jan
        ("Bo", "discovery_call", "2026-01-12"),
        ("Bo", "email", "2026-01-20"),  # counts for coverage, not as an indicator
        ("Ann", "demo", "2026-01-26"),
    )

    def test_counts_by_monday_week(self):
        out = weekly_activity(activities(self.ROWS), "2026-02-02", kinds=["demo", "discovery_call"])
        assert list(out.index) == list(
            pd.to_datetime(["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"])
        )
        assert out["demo"].tolist() == [2, 0, 0, 1]
        assert out["discovery_call"].tolist() == [0, 1, 0, 0]
        assert out.index.name == "week"

    def test_ends_at_the_last_complete_week(self):
        acts = activities(self.ROWS)
        # As of Sunday 1 Feb, the week of 26 Jan is not complete yet; as of Monday 2 Feb it is.
        assert weekly_activity(acts, "2026-02-01").index[-1] == pd.Timestamp("2026-01-19")
        assert weekly_activity(acts, "2026-02-02").index[-1] == pd.Timestamp("2026-01-26")

    def test_every_indicator_kind_by_default_with_zero_columns(self):
        out = weekly_activity(activities(self.ROWS), "2026-02-02")
        assert list(out.columns) == list(INDICATOR_KINDS)
        assert out["face_to_face"].sum() == 0

    def test_by_owner_covers_every_rep_and_week(self):
        out = weekly_activity(activities(self.ROWS), "2026-02-02", kinds=["demo"], by_owner=True)
        assert out.index.names == ["owner", "week"]
        assert out.loc["Ann", "demo"].tolist() == [2, 0, 0, 1]
        assert out.loc["Bo", "demo"].tolist() == [0, 0, 0, 0]
        total = weekly_activity(activities(self.ROWS), "2026-02-02", kinds=["demo"])
        assert out.groupby(level="week").sum()["demo"].tolist() == total["demo"].tolist()

    def test_one_silent_week_counts_zero(self):
        rows = [("Ann", "demo", "2026-01-05"), ("Ann", "demo", "2026-01-19")]
        out = weekly_activity(activities(rows), "2026-01-26", kinds=["demo"])
        assert out["demo"].tolist() == [1, 0, 1]

    def test_a_gap_is_reported_with_its_weeks(self):
        rows = [("Ann", "demo", "2026-01-05"), ("Ann", "email", "2026-02-02")]
        with pytest.raises(InputError, match=r"2026-01-12 to 2026-02-01 \(3 weeks\)"):
            weekly_activity(activities(rows), "2026-02-09")

    def test_no_complete_week(self):
        with pytest.raises(InputError, match="complete week"):
            weekly_activity(activities([("Ann", "demo", "2026-01-07")]), "2026-01-09")

    def test_blank_date_names_the_row(self):
        acts = activities([("Ann", "demo", "2026-01-05")])
        acts.loc[1] = ["Ann", "demo", pd.NaT]
        acts["row"] = [2, 3]
        with pytest.raises(
            InputError, match="date of activities: every row needs a date"
        ) as caught:
            weekly_activity(acts, "2026-02-02")
        assert (caught.value.row, caught.value.column) == (3, "date")

    def test_a_date_that_is_not_one_names_the_row(self):
        acts = activities([("Ann", "demo", "2026-01-05")] * 2).astype({"date": object})
        acts.loc[1, "date"] = "next week"
        acts["row"] = [2, 3]
        with pytest.raises(InputError, match="got 'next week'") as caught:
            weekly_activity(acts, "2026-02-02")
        assert (caught.value.row, caught.value.column) == (3, "date")

    def test_unknown_kind(self):
        with pytest.raises(InputError, match="kinds"):
            weekly_activity(activities(self.ROWS), "2026-02-02", kinds=["cold_email"])

    def test_missing_column(self):
        with pytest.raises(InputError, match="missing"):
            weekly_activity(pd.DataFrame({"owner": ["Ann"], "date": ["2026-01-05"]}), "2026-02-02")


class TestActivityGaps:
    def test_runs_of_empty_weeks(self):
        rows = [
            ("Ann", "email", "2026-01-05"),
            ("Ann", "email", "2026-01-26"),  # 12 and 19 Jan silent: a gap of 2
            ("Ann", "email", "2026-02-09"),  # 2 Feb silent: one week, no gap
        ]
        assert activity_gaps(activities(rows), "2026-02-16") == (
            (dt.date(2026, 1, 12), dt.date(2026, 1, 25), 2),
        )
        assert len(activity_gaps(activities(rows), "2026-02-16", min_weeks=1)) == 2

    def test_trailing_silence_up_to_the_as_of_date_is_a_gap(self):
        rows = [("Ann", "email", "2026-01-05")]
        assert activity_gaps(activities(rows), "2026-01-26") == (
            (dt.date(2026, 1, 12), dt.date(2026, 1, 25), 2),
        )

    def test_none(self):
        assert activity_gaps(daily_activity(10), "2025-03-17") == ()


class TestMonthlyActivity:
    def test_counts_by_month_to_the_last_complete_month(self):
        rows = [
            ("Ann", "demo", "2026-01-31"),
            ("Bo", "demo", "2026-02-01"),
            ("Bo", "executive_presentation", "2026-02-27"),
            ("Ann", "demo", "2026-03-02"),  # March is not complete on 15 March
        ]
        out = monthly_activity(
            activities(rows), "2026-03-15", kinds=["demo", "executive_presentation"]
        )
        assert [str(m) for m in out.index] == ["2026-01", "2026-02"]
        assert out["demo"].tolist() == [1, 1]
        assert out["executive_presentation"].tolist() == [0, 1]
        by_rep = monthly_activity(activities(rows), "2026-03-15", kinds=["demo"], by_owner=True)
        assert by_rep.loc["Bo", "demo"].tolist() == [0, 1]


# ----------------------------------------------------------------------------
# weekly_bookings
# ----------------------------------------------------------------------------


class TestWeeklyBookings:
    OPPS = pd.DataFrame(
        {
            "owner": ["Ann", "Bo", "Ann", "Bo"],
            "status": ["won", "won", "lost", "won"],
            "close": pd.to_datetime(["2026-01-05", "2026-01-11", "2026-01-12", "2026-01-28"]),
            "amount": [1_000.0, 2_000.0, 50_000.0, 400.0],
            "margin": [300.0, 500.0, np.nan, 100.0],
            "row": [2, 3, 4, 5],
        }
    )

    def test_value_of_won_deals_by_week(self):
        out = weekly_bookings(self.OPPS, "2026-02-02")
        assert out.tolist() == [3_000.0, 0.0, 0.0, 400.0]
        assert out.index[0] == pd.Timestamp("2026-01-05")

    def test_margin(self):
        out = weekly_bookings(self.OPPS, "2026-02-02", value="margin")
        assert out.tolist() == [800.0, 0.0, 0.0, 100.0]

    def test_on_the_activity_weeks(self):
        weeks = week_index(6, "2025-12-29")
        out = weekly_bookings(self.OPPS, "2026-02-09", weeks=weeks)
        assert out.tolist() == [0.0, 3_000.0, 0.0, 0.0, 400.0, 0.0]

    def test_deals_after_the_last_complete_week_are_left_out(self):
        assert weekly_bookings(self.OPPS, "2026-01-26").sum() == 3_000.0

    def test_by_owner(self):
        out = weekly_bookings(self.OPPS, "2026-02-02", by_owner=True)
        assert out.loc["Ann"].tolist() == [1_000.0, 0.0, 0.0, 0.0]
        assert out.loc["Bo"].tolist() == [2_000.0, 0.0, 0.0, 400.0]

    def test_a_won_deal_without_margin_names_its_row(self):
        opps = self.OPPS.assign(margin=[300.0, np.nan, np.nan, 100.0])
        with pytest.raises(InputError, match="every won deal needs a margin") as caught:
            weekly_bookings(opps, "2026-02-02", value="margin")
        assert caught.value.row == 3

    def test_no_won_deal(self):
        with pytest.raises(InputError, match="no won deal"):
            weekly_bookings(self.OPPS.assign(status="lost"), "2026-02-02")

    def test_value_must_be_amount_or_margin(self):
        with pytest.raises(InputError, match="'amount' or 'margin'"):
            weekly_bookings(self.OPPS, "2026-02-02", value="profit")


# ----------------------------------------------------------------------------
# cross_correlations and lead_lags
# ----------------------------------------------------------------------------


class TestCrossCorrelations:
    def test_peak_at_the_planted_lag(self):
        counts, booked = planted(11, lag=6)
        corr = cross_correlations(counts[["discovery_call"]], booked)
        assert corr.index.name == "lag"
        assert list(corr.index) == list(range(14))
        assert int(corr["discovery_call"].idxmax()) == 6
        assert corr["discovery_call"].max() > 0.6

    def test_bad_stationary(self):
        counts, booked = planted(11)
        with pytest.raises(InputError, match="stationary"):
            cross_correlations(counts, booked, stationary="log")


class TestLeadLags:
    @pytest.mark.parametrize("seed", range(10))
    def test_recovers_a_planted_9_week_lead_exactly(self, seed):
        counts, booked = planted(seed, lag=9)
        found = lead_lags(counts, booked).lead("discovery_call")
        assert found.lag_weeks == 9
        assert found.reliable
        assert found.predicts_60_days
        assert found.correlation > found.band
        assert found.granger_p < 0.01

    def test_the_other_indicators_stay_unreliable(self):
        counts, booked = planted(3, lag=9)
        others = [
            lead for lead in lead_lags(counts, booked).leads if lead.indicator != "discovery_call"
        ]
        assert not any(lead.reliable for lead in others)

    @pytest.mark.parametrize("seed", range(5))
    def test_a_3_week_lead_is_reliable_but_not_60_day_predictive(self, seed):
        counts, booked = planted(seed, lag=3)
        search = lead_lags(counts, booked)
        found = search.lead("discovery_call")
        assert (found.lag_weeks, found.reliable, found.predicts_60_days) == (3, True, False)
        assert "too short for 60 days" in found.verdict
        assert search.sixty_day == ()

    def test_reversing_the_arguments_does_not_give_the_same_answer(self):
        # Activity first, bookings 9 weeks later: the lead runs one way only.
        counts, booked = planted(5, lag=9)
        forward = lead_lags(counts[["discovery_call"]], booked).lead("discovery_call")
        backward = lead_lags(
            booked.to_frame("bookings"), counts["discovery_call"].astype(float)
        ).lead("bookings")
        assert (forward.lag_weeks, forward.reliable) == (9, True)
        assert not backward.reliable

    def test_lagging_activity_is_not_a_lead(self):
        # Activity that follows bookings by 9 weeks (a thank-you visit) predicts nothing.
        rng = np.random.default_rng(8)
        booked = pd.Series(rng.normal(50_000, 10_000, 104), week_index(104))
        visits = (booked.shift(9, fill_value=50_000) / 2_000).round() + rng.poisson(2, 104)
        assert not lead_lags(visits.to_frame("face_to_face"), booked).lead("face_to_face").reliable

    @pytest.mark.parametrize("kind", ["steady", "wandering"])
    def test_pure_noise_keeps_to_the_false_alarm_rate(self, kind):
        alarms = 0
        for seed in range(200):
            counts, booked = noise(seed, kind=kind)
            search = lead_lags(counts, booked)
            assert search.tests == 84
            alarms += any(lead.reliable for lead in search.leads)
        assert alarms / 200 <= RATE + TOLERANCE

    def test_the_band_is_corrected_for_lags_and_indicators(self):
        counts, booked = noise(0)
        one = lead_lags(counts[["demo"]], booked, max_lag=0).lead("demo")
        six = lead_lags(counts, booked).lead("demo")
        # One test at lag 0 against 84 tests: z 1.64 against 3.24, on about 100 pairs.
        assert 0.15 < one.band < 0.2
        assert 0.3 < six.band < 0.4

    def test_the_result_is_plain_values(self):
        counts, booked = planted(1)
        search = lead_lags(counts, booked)
        record = json.loads(json.dumps(dataclasses.asdict(search), default=str))
        assert record["leads"][3]["lag_weeks"] == 9
        assert record["first_week"] == "2024-01-01"
        with pytest.raises(dataclasses.FrozenInstanceError):
            search.max_lag = 4  # type: ignore[misc]

    def test_too_little_history_says_how_many_weeks(self):
        counts, booked = planted(1, n=51)
        assert MIN_WEEKS == min_weeks(13) == 52
        with pytest.raises(InputError, match=r"at least 52 complete weeks.*got 51"):
            lead_lags(counts, booked)
        lead_lags(*planted(1, n=52))

    def test_an_indicator_with_no_activity(self):
        counts, booked = planted(1)
        counts["executive_presentation"] = 0
        with pytest.raises(InputError, match="no activity at all for executive presentations"):
            lead_lags(counts, booked)

    def test_gaps_in_weeks(self):
        counts, booked = planted(1)
        with pytest.raises(
            InputError, match="follow one another; after 2024-03-04 comes 2024-03-18"
        ):
            lead_lags(counts.drop(index=pd.Timestamp("2024-03-11")), booked)

    def test_bookings_that_never_vary(self):
        counts, _ = planted(1)
        with pytest.raises(InputError, match="never vary"):
            lead_lags(counts, pd.Series(5_000.0, counts.index))

    def test_a_granger_test_that_cannot_be_computed_is_not_reported(self):
        """A rep who logged the activity only in the last week: once differenced, every
        lagged column of the Granger test is zero; the p-value is NaN, not an error."""
        from salesnb.indicators import _granger_p

        calls = np.zeros(60)
        calls[-1] = 3
        booked = np.zeros(60)
        booked[30] = 10.0
        assert np.isnan(_granger_p(calls, booked, 2, "difference"))


# ----------------------------------------------------------------------------
# backtest and forecast_bookings
# ----------------------------------------------------------------------------


class TestBacktest:
    def test_naive_is_the_last_13_weeks_mean_times_the_window(self):
        weeks = week_index(70)
        booked = pd.Series(np.arange(70, dtype=float), weeks)
        counts = pd.DataFrame({"demo": np.ones(70)}, index=weeks)
        test = backtest(counts, booked, {})
        # First origin: week 51 (52 weeks behind it); weeks 39..51 average 45.
        assert test.origins == 70 - 9 - 52 + 1
        assert test.first_origin == weeks[51].date()
        assert_allclose(test.naive[0], 45.0 * 9)
        assert_allclose(test.actual[0], sum(range(52, 61)))
        # A steady climb: at origin o the window books 9o + 45 and the naive forecast is
        # 9 (o - 6), short by 99 every time.
        assert_allclose(test.mae_naive, 99.0)
        origins = np.arange(51, 61)
        assert_allclose(test.mape_naive, np.mean(99.0 / (9 * origins + 45)) * 100)
        # A window that books nothing: no percentage error can be given.
        silent = backtest(counts, booked.where(booked.index < weeks[61], 0.0), {})
        assert silent.mape_naive is None
        assert test.mae_indicators is None and not test.beats_naive

    def test_planted_data_beats_naive(self):
        counts, booked = planted(2, lag=10, n=156)
        test = backtest(counts, booked, {"discovery_call": 10})
        assert test.beats_naive
        assert test.mae_indicators < 0.7 * test.mae_naive
        assert test.mape_indicators is not None and test.mape_indicators < test.mape_naive
        assert 0.6 <= test.coverage_indicators <= 1.0

    def test_a_lead_shorter_than_the_window_cannot_forecast_it(self):
        counts, booked = planted(2, lag=3, n=104)
        with pytest.raises(
            InputError, match=r"lead of 3 weeks .* cannot forecast bookings 9 weeks out"
        ):
            backtest(counts, booked, {"discovery_call": 3})

    def test_too_little_history(self):
        counts, booked = planted(2, n=60)
        with pytest.raises(InputError, match="at least 61 weeks"):
            backtest(counts, booked, {})


class TestForecastBookings:
    def test_planted_data_forecasts_from_the_indicator(self):
        counts, booked = planted(4, lag=10, n=156)
        ahead = forecast_bookings(counts, booked, lead_lags(counts, booked))
        assert ahead.method == "indicators"
        assert ahead.indicators == ("discovery_call",) and ahead.lags == (10,)
        assert ahead.low < ahead.forecast < ahead.high
        assert ahead.first_week == (counts.index[-1] + pd.Timedelta(days=7)).date()
        assert (ahead.last_day - ahead.first_week).days == 62
        # What the next 9 weeks will book is known from the indicator 10 weeks earlier.
        expected = 20_000 * 9 + 1_000.0 * counts["discovery_call"].iloc[-10:-1].sum()
        assert abs(ahead.forecast - expected) < 0.05 * expected
        assert "backtest" in ahead.summary

    def test_a_3_week_lead_gives_the_naive_forecast(self):
        counts, booked = planted(4, lag=3, n=156)
        ahead = forecast_bookings(counts, booked, lead_lags(counts, booked))
        assert ahead.method == "naive" and ahead.indicators_forecast is None
        assert_allclose(ahead.forecast, booked.iloc[-13:].mean() * 9)
        assert ahead.summary.startswith("No activity leads bookings reliably by 9 weeks")

    def test_noise_does_not_claim_to_beat_naive(self):
        claims = 0
        for seed in range(30):
            counts, booked = noise(seed, n=130)
            ahead = forecast_bookings(counts, booked, lead_lags(counts, booked))
            claims += ahead.method == "indicators"
            assert ahead.method == "indicators" or ahead.forecast == ahead.naive_forecast
        assert claims <= 1

    def test_indicators_that_lose_say_so_and_show_naive(self):
        # Force a lead on noise: the backtest must not crown it.
        counts, booked = noise(6, n=130)
        search = lead_lags(counts, booked)
        forced = dataclasses.replace(
            search,
            leads=tuple(
                dataclasses.replace(lead, lag_weeks=11, reliable=True, predicts_60_days=True)
                if lead.indicator == "demo"
                else lead
                for lead in search.leads
            ),
        )
        ahead = forecast_bookings(counts, booked, forced)
        assert ahead.method == "naive"
        assert ahead.indicators_forecast is not None
        assert "did not beat the naive forecast" in ahead.summary
        assert ahead.forecast == ahead.naive_forecast

    def test_bad_interval(self):
        counts, booked = planted(4)
        with pytest.raises(InputError, match="interval"):
            forecast_bookings(counts, booked, lead_lags(counts, booked), interval=80)


# ----------------------------------------------------------------------------
# trend_warnings
# ----------------------------------------------------------------------------


class TestTrendWarnings:
    def falling(self) -> pd.DataFrame:
        rng = np.random.default_rng(0)
        weeks = week_index(52, "2026-01-05")
        calls = rng.poisson(40, 52).astype(float)
        calls[-6:] = rng.poisson(30, 6)
        return pd.DataFrame({"discovery_call": calls, "demo": rng.poisson(8, 52)}, index=weeks)

    def test_a_fall_is_named_with_its_lead_and_month(self):
        counts = self.falling()
        booked = pd.Series(1.0, counts.index)
        search = lead_lags(counts, booked + np.arange(52), max_lag=0)
        lead = dataclasses.replace(
            search.leads[0], lag_weeks=9, reliable=True, predicts_60_days=True
        )
        search = dataclasses.replace(search, leads=(lead, search.leads[1]))
        (warning,) = trend_warnings(counts, search)
        now = counts["discovery_call"].iloc[-6:].mean()
        before = counts["discovery_call"].iloc[-32:-6].mean()
        assert_allclose(warning.fall, 1 - now / before, atol=1e-6)
        # The recent window starts on Monday 23 Nov 2026; 9 weeks later is 25 Jan 2027.
        assert counts.index[-6] == pd.Timestamp("2026-11-23")
        assert warning.soften_from == dt.date(2027, 1, 1)
        assert warning.lag_weeks == 9
        assert warning.sentence.startswith(f"Discovery calls fell {warning.fall:.0%} over 6 weeks")
        assert warning.sentence.endswith(
            "at a 9-week lead, expect bookings to soften from January 2027."
        )

    def test_without_a_reliable_lead_no_month_is_given(self):
        counts = self.falling()
        (warning,) = trend_warnings(counts)
        assert warning.lag_weeks is None and warning.soften_from is None
        assert "soften" not in warning.sentence

    def test_a_flat_noisy_series_does_not_trip(self):
        trips = 0
        for seed in range(200):
            counts, _ = noise(seed, n=40)
            trips += len(trend_warnings(counts)) > 0
        assert trips / 200 <= RATE + TOLERANCE

    def test_a_small_fall_does_not_trip(self):
        weeks = week_index(32)
        steady = pd.DataFrame({"demo": [10.0] * 26 + [9.0] * 6}, index=weeks)
        assert trend_warnings(steady) == ()  # 10% is under the 15% threshold

    def test_too_little_history(self):
        with pytest.raises(InputError, match="needs 32 weeks; got 20"):
            trend_warnings(pd.DataFrame({"demo": np.ones(20)}, index=week_index(20)))
