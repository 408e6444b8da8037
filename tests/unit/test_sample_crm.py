"""The sample client's CRM exports: a fresh generation, and what the generator plants.

Read with plain pandas (the files are in the plain layout), so these checks hold
whatever the workbook's loader does with them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from salesnb.paths import SAMPLE_CLIENT

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "data" / "make_sample_crm.py"
AS_OF = pd.Timestamp("2027-01-08")
PREVIOUS_AS_OF = pd.Timestamp("2026-12-08")
FILES = (
    "opportunities.csv",
    "opportunities_previous.csv",
    "opportunity_history.csv",
    "activities.csv",
    "forecasts.csv",
    "lead_spend.csv",
    "receivables.csv",
    "consultant_hours.csv",
)
DATES = {
    "opportunities.csv": ["created", "close"],
    "opportunities_previous.csv": ["created", "close"],
    "opportunity_history.csv": ["changed", "close"],
    "activities.csv": ["date"],
    "receivables.csv": ["issued", "paid"],
    "consultant_hours.csv": ["week"],
}


def _script():
    spec = importlib.util.spec_from_file_location("make_sample_crm", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE_CLIENT / name, parse_dates=DATES.get(name, []), encoding="utf-8")


@pytest.fixture(scope="module")
def opps() -> pd.DataFrame:
    return read("opportunities.csv")


@pytest.fixture(scope="module")
def won(opps) -> pd.DataFrame:
    return opps[opps.stage == "Closed Won"]


def _monday(dates: pd.Series) -> pd.Series:
    return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")


def _cross_correlations(indicator: pd.Series, bookings: pd.Series) -> np.ndarray:
    """corr(diff indicator at week t, diff bookings at week t + lag), lags 0-13."""
    x, y = np.diff(indicator.to_numpy(float)), np.diff(bookings.to_numpy(float))
    return np.array([np.corrcoef(x[: len(x) - lag], y[lag:])[0, 1] for lag in range(14)])


class TestGeneration:
    def test_committed_files_equal_a_fresh_generation(self):
        script = _script()
        tables = script.generate(SAMPLE_CLIENT)
        assert sorted(tables) == sorted(FILES)
        for name, frame in tables.items():
            committed = (SAMPLE_CLIENT / name).read_text(encoding="utf-8")
            assert script.to_csv(frame) == committed, f"{name} differs from its generation"

    def test_small_enough_to_commit(self):
        assert sum((SAMPLE_CLIENT / name).stat().st_size for name in FILES) < 3_000_000


class TestOpportunities:
    def test_owners_are_roster_reps_spelled_as_the_roster(self, opps):
        roster = pd.read_csv(SAMPLE_CLIENT / "roster.csv", encoding="utf-8")
        assert set(opps.owner) == {"Elena Sorensen", "Tomás Aguilar", "Grace Liu", "Hannah Brooks"}
        assert set(opps.owner) <= set(roster.name)

    def test_nobody_sells_outside_their_employment(self, opps):
        roster = pd.read_csv(SAMPLE_CLIENT / "roster.csv", encoding="utf-8").set_index("name")
        start = opps.owner.map(lambda n: pd.Timestamp(f"{roster.loc[n, 'start']}-01"))
        assert (opps.created >= start).all()
        hannah = opps[opps.owner == "Hannah Brooks"]
        assert (hannah.close <= pd.Timestamp("2027-06-30")).all()
        assert opps[opps.owner == "Grace Liu"].created.min() >= pd.Timestamp("2026-10-01")

    def test_won_2026_by_month_is_the_new_business_share_of_actuals(self, won):
        settings = yaml.safe_load((SAMPLE_CLIENT / "settings.yaml").read_text(encoding="utf-8"))
        share = settings["plan"]["new_business_share"]
        actuals = pd.read_csv(SAMPLE_CLIENT / "actuals.csv").set_index("month").revenue
        in_2026 = won[won.close.dt.year == 2026]
        by_month = in_2026.groupby(in_2026.close.dt.strftime("%Y-%m")).amount.sum()
        np.testing.assert_allclose(by_month.to_numpy(), share * actuals.to_numpy(), rtol=0.05)
        # December, the year's heaviest month, outsells every other
        assert by_month.idxmax() == "2026-12"

    def test_average_deal_and_win_rate_near_the_plan(self, opps, won):
        closed = opps[opps.stage.isin(["Closed Won", "Closed Lost"])]
        assert 0.27 <= len(won) / len(closed) <= 0.33
        assert 25_000 <= won.amount.mean() <= 33_000
        assert won.amount.mean() > won.amount.median()  # right-skewed

    def test_cycles_are_one_to_six_months(self, opps):
        closed = opps[opps.stage.isin(["Closed Won", "Closed Lost"])]
        days = (closed.close - closed.created).dt.days
        assert days.between(30, 183).all()

    def test_hardware_larger_and_lower_margin_than_services(self, won):
        by_stream = won.groupby("stream")[["amount", "margin"]].sum()
        mean = won.groupby("stream").amount.mean()
        rate = by_stream.margin / by_stream.amount
        assert mean["Hardware and licences"] > mean["Professional services"]
        assert mean["Professional services"] > mean["Support contracts"]
        assert rate["Hardware and licences"] < 0.25 < rate["Professional services"]

    def test_rep_differences(self, won):
        booked = won.groupby("owner").amount.sum()
        mean = won.groupby("owner").amount.mean()
        assert booked.idxmax() == "Elena Sorensen"
        assert mean["Hannah Brooks"] < 0.7 * min(mean["Elena Sorensen"], mean["Tomás Aguilar"])
        assert won[won.owner == "Grace Liu"].close.min() >= pd.Timestamp("2026-11-01")

    def test_open_pipeline_closes_in_the_next_four_months(self, opps):
        open_ = opps[~opps.stage.str.startswith("Closed")]
        assert 50 <= len(open_) <= 100
        ahead = (open_.close - AS_OF).dt.days
        assert ahead.between(1, 123).all()
        assert set(open_.forecast_category) <= {"Pipeline", "Best Case", "Commit", "Omitted"}
        assert {"Pipeline", "Best Case", "Commit"} <= set(open_.forecast_category)

    def test_every_source_and_margin_present(self, opps):
        assert opps.source.notna().all()
        assert (opps.margin > 0).all() and (opps.margin < opps.amount).all()


class TestSnapshotsAndHistory:
    @staticmethod
    def _state(history: pd.DataFrame, on: pd.Timestamp) -> pd.DataFrame:
        return history[history.changed <= on].groupby("id").tail(1).set_index("id")

    def test_both_snapshots_are_the_history_on_their_dates(self, opps):
        history = read("opportunity_history.csv")
        previous = read("opportunities_previous.csv")
        for frame, on in ((opps, AS_OF), (previous, PREVIOUS_AS_OF)):
            state = self._state(history, on).loc[frame.id]
            for column in ("stage", "amount", "close"):
                assert (state[column].to_numpy() == frame[column].to_numpy()).all(), column
        assert set(previous.id) == set(opps[opps.created <= PREVIOUS_AS_OF].id)

    def test_december_closes_slipped_into_2027(self, opps):
        previous = read("opportunities_previous.csv").set_index("id")
        now = opps.set_index("id").loc[previous.index]
        still_open = ~previous.stage.str.startswith("Closed") & ~now.stage.str.startswith("Closed")
        slipped = still_open & (previous.close.dt.year == 2026) & (now.close.dt.year == 2027)
        assert slipped.sum() >= 8
        assert (still_open & (now.close < previous.close)).sum() >= 2  # pulled in
        assert (still_open & (now.amount != previous.amount)).sum() >= 4

    def test_history_records_stage_amount_and_close_changes(self):
        history = read("opportunity_history.csv")
        earlier = history.groupby("id").shift()
        changed = history[earlier.stage.notna()]
        before = earlier[earlier.stage.notna()]
        assert (changed.stage != before.stage).sum() > 300
        assert (changed.amount != before.amount).sum() > 50
        assert (changed.close > before.close).sum() > 100


@pytest.fixture(scope="module")
def weekly(won) -> tuple[pd.DataFrame, pd.Series]:
    """Activities by type and won bookings, per week (Monday) from 2024-12-30."""
    activities = read("activities.csv")
    weeks = pd.date_range("2024-12-30", "2027-01-04", freq="7D")
    bookings = won.groupby(_monday(won.close)).amount.sum().reindex(weeks, fill_value=0)
    counts = pd.crosstab(_monday(activities.date), activities.type)
    return counts.reindex(weeks, fill_value=0).fillna(0), bookings


class TestActivities:
    def test_discovery_calls_lead_bookings_by_nine_weeks(self, weekly):
        counts, bookings = weekly
        r = _cross_correlations(counts["Discovery call"], bookings)
        assert int(np.argmax(r)) == 9
        assert r[9] > 0.5
        assert r[9] - np.delete(r, 9).max() > 0.2

    def test_demos_lead_less_strongly(self, weekly):
        counts, bookings = weekly
        demo = _cross_correlations(counts["Demo"], bookings)
        discovery = _cross_correlations(counts["Discovery call"], bookings)
        assert int(np.argmax(demo)) == 9
        assert 0.2 < demo[9] < discovery[9]

    def test_emails_lead_nothing(self, weekly):
        counts, bookings = weekly
        r = _cross_correlations(counts["Email"], bookings)
        assert np.abs(r).max() < 0.35

    def test_only_working_days_within_employment(self):
        activities = read("activities.csv")
        assert (activities.date.dt.day_of_week < 5).all()
        assert activities.date.between(pd.Timestamp("2025-01-01"), AS_OF).all()
        grace = activities[activities.owner == "Grace Liu"]
        assert grace.date.min() >= pd.Timestamp("2026-10-01")
        assert 10_000 <= len(activities) <= 60_000

    def test_a_prospecting_trend_down(self):
        activities = read("activities.csv")
        calls = activities[
            (activities.owner == "Tomás Aguilar") & (activities.type == "Prospecting call")
        ]
        late = (calls.date > AS_OF - pd.Timedelta(weeks=6)).sum() / 6
        year = ((calls.date > AS_OF - pd.Timedelta(weeks=52)) & (calls.date.dt.year == 2026)).sum()
        assert late < 0.75 * year / 44


class TestForecasts:
    def test_sandbagger_and_over_committer(self, won):
        forecasts = read("forecasts.csv")
        actual = won.groupby([won.owner, won.close.dt.strftime("%Y-%m")]).amount.sum()
        frame = forecasts.join(actual.rename("actual"), on=["owner", "period"])
        frame = frame[(frame.period < "2027-01") & (frame.actual > 0)]
        bias = ((frame.forecast - frame.actual) / frame.actual).groupby(frame.owner)
        assert bias.max()["Tomás Aguilar"] < 0
        assert bias.median()["Tomás Aguilar"] < -0.2
        assert bias.min()["Hannah Brooks"] > 0
        assert bias.median()["Hannah Brooks"] > 0.2
        assert abs(bias.median()["Elena Sorensen"]) < 0.1

    def test_one_forecast_per_rep_and_month_employed(self):
        forecasts = read("forecasts.csv")
        assert not forecasts.duplicated(["owner", "period"]).any()
        assert forecasts[forecasts.owner == "Grace Liu"].period.min() == "2026-10"
        assert forecasts[forecasts.owner == "Hannah Brooks"].period.min() == "2025-05"
        assert forecasts.period.max() == "2027-01"


class TestLeadSpend:
    def test_leads_cover_the_opportunities_each_source_created(self, opps):
        spend = read("lead_spend.csv")
        created = opps.groupby([opps.source, opps.created.dt.strftime("%Y-%m")]).size()
        joined = spend.join(created.rename("created"), on=["source", "month"]).fillna(0)
        assert (joined.leads >= joined.created).all()
        assert set(spend.source) < set(opps.source)
        assert (spend.spend > 0).all()


class TestReceivables:
    def test_one_invoice_per_won_deal_paid_in_20_to_75_days(self, won):
        invoices = read("receivables.csv")
        assert len(invoices) == len(won)
        assert sorted(invoices.issued) == sorted(won.close)
        days = (invoices.paid - invoices.issued).dt.days.dropna()
        assert days.between(20, 75).all()
        unpaid = invoices[invoices.paid.isna()]
        assert len(unpaid) > 0 and (unpaid.issued > AS_OF - pd.Timedelta(days=75)).all()

    def test_dso_a_little_above_the_goal(self):
        invoices = read("receivables.csv")
        goal = 45
        open_balance = invoices[invoices.paid.isna()].amount.sum()
        sales_90 = invoices[invoices.issued > AS_OF - pd.Timedelta(days=90)].amount.sum()
        assert goal < open_balance / sales_90 * 90 < goal + 15
        paid = invoices.dropna(subset=["paid"])
        mean_days = np.average((paid.paid - paid.issued).dt.days, weights=paid.amount)
        assert goal < mean_days < goal + 15


class TestConsultantHours:
    def test_hours_and_rates(self):
        hours = read("consultant_hours.csv")
        assert 4 <= hours.consultant.nunique() <= 6
        assert (hours.week.dt.day_of_week == 0).all()
        assert (hours.billed_hours <= hours.billable).all()
        assert (hours.billable <= hours.available).all() and (hours.available <= 40).all()
        full = hours[hours.available == 40]
        assert 28 <= full.billable.mean() <= 32
        assert hours.standard_rate.between(150, 190).all()
        realization = hours.billed_amount.sum() / (hours.billable * hours.standard_rate).sum()
        assert 0.85 < realization < 0.97
        assert (hours.unworked_contracted > 0).all()
