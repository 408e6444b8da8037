"""The 90-day training plan and the operating rhythm, and their calendars read back."""

from __future__ import annotations

import datetime as dt
import io

import icalendar
import pandas as pd
import pytest

from salesnb import training as tr
from salesnb.errors import InputError

TOPICS = [tr.Session(f"Topic {i}", "Pat" if i % 2 else "Lee") for i in range(1, 14)]
#: US 2027: Monday 18 Jan is Martin Luther King Jr. Day, Monday 15 Feb Presidents' Day.
CLOSED = tr.closed_days("US", [2027], closed=[dt.date(2027, 3, 1)])


def plan(first: dt.date = dt.date(2027, 1, 11), closed=CLOSED) -> pd.DataFrame:
    return tr.training_plan(TOPICS, first, start="08:30", minutes=90, closed=closed)


class TestClosedDays:
    def test_holidays_and_listed_dates(self):
        assert CLOSED[dt.date(2027, 1, 18)] == "Martin Luther King Jr. Day"
        assert CLOSED[dt.date(2027, 3, 1)] == "closed"

    def test_an_unknown_country(self):
        with pytest.raises(InputError, match="country: 'XX' is not a country"):
            tr.closed_days("XX", [2027])


class TestTrainingPlan:
    def test_thirteen_weekly_sessions_around_a_holiday_and_a_closed_date(self):
        found = plan()
        assert len(found) == 13
        mondays = [dt.date(2027, 1, 11) + dt.timedelta(weeks=k) for k in range(13)]
        moved = {
            dt.date(2027, 1, 18): dt.date(2027, 1, 19),  # a public holiday
            dt.date(2027, 2, 15): dt.date(2027, 2, 16),  # another
            dt.date(2027, 3, 1): dt.date(2027, 3, 2),  # a date the company is closed
        }
        assert found["date"].tolist() == [moved.get(d, d) for d in mondays]
        assert found.loc[2, "note"] == "moved from Mon 18 Jan 2027 (Martin Luther King Jr. Day)"
        assert found.loc[8, "note"] == "moved from Mon 01 Mar 2027 (closed)"
        assert (found["note"] == "").sum() == 10
        assert found["start"].unique().tolist() == [dt.time(8, 30)]
        assert found["end"].unique().tolist() == [dt.time(10, 0)]
        assert found.loc[1, "event"] == "Training 1: Topic 1"
        assert found.loc[2, "responsible"] == "Lee"

    def test_a_week_with_no_open_day_is_skipped(self):
        week = {dt.date(2027, 1, 18) + dt.timedelta(days=k): "closed" for k in range(5)}
        found = plan(closed=week)
        assert dt.date(2027, 1, 18) not in set(found["date"])
        assert found["week"].tolist() == [1, *range(3, 15)]
        assert found["date"].iloc[-1] == dt.date(2027, 4, 12)  # not 5 Apr: one week later

    def test_thirteen_topics_needed(self):
        with pytest.raises(InputError, match="give 13 topics; got 12"):
            tr.training_plan(
                TOPICS[:12], dt.date(2027, 1, 11), start="08:00", minutes=60, closed={}
            )

    def test_a_bad_time(self):
        with pytest.raises(InputError, match="time: expected a time such as 08:30"):
            tr.training_plan(TOPICS, dt.date(2027, 1, 11), start="8h", minutes=60, closed={})


class TestIcs:
    ZONE = "America/Los_Angeles"

    def events(self, text: str) -> list[icalendar.Event]:
        return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))

    def test_round_trip_13_events_at_local_times(self):
        found = plan()
        text = tr.to_ics(found, name="Training", zone=self.ZONE, stamp=dt.date(2027, 1, 8))
        events = self.events(text)
        assert len(events) == 13
        starts = [e.decoded("dtstart") for e in events]
        assert [s.date() for s in starts] == found["date"].tolist()
        assert {(s.hour, s.minute) for s in starts} == {(8, 30)}
        assert {str(s.tzinfo) for s in starts} == {self.ZONE}
        # 08:30 in Los Angeles is 16:30 UTC in January (PST) and 15:30 in April (PDT)
        utc = [s.astimezone(dt.UTC) for s in starts]
        assert (utc[0].hour, utc[-1].hour) == (16, 15)
        assert [str(e["summary"]) for e in events] == found["event"].tolist()
        assert len({str(e["uid"]) for e in events}) == 13
        assert "BEGIN:VTIMEZONE" in text

    def test_the_same_plan_gives_the_same_file(self):
        once = tr.to_ics(plan(), name="T", zone=self.ZONE, stamp=dt.date(2027, 1, 8))
        again = tr.to_ics(plan(), name="T", zone=self.ZONE, stamp=dt.date(2027, 1, 8))
        assert once == again

    def test_an_unknown_time_zone(self):
        with pytest.raises(InputError, match="is not a time zone"):
            tr.to_ics(plan(), name="T", zone="Mars/Olympus", stamp=dt.date(2027, 1, 8))


class TestCsv:
    def test_reads_back(self):
        found = pd.read_csv(io.StringIO(tr.to_csv(plan())), keep_default_na=False)
        assert list(found.columns) == list(tr.CALENDAR_COLUMNS)
        assert found.loc[1, "date"] == "2027-01-19"
        assert found.loc[1, "start"] == "08:30"
        assert len(found) == 13


class TestOperatingRhythm:
    def test_the_year_of_meetings(self):
        year = tr.operating_rhythm(pd.Period("2027-01", "M"), CLOSED, tr.Rhythm(leader="Kim"))
        kinds = year["kind"].value_counts().to_dict()
        assert kinds == {
            "Sales meeting": 52,
            "Priorities meeting": 52,
            "Monthly review": 8,
            "Quarterly review": 4,
            "Business plans": 2,
            "Training plan": 4,
            "Contest": 8,
        }
        assert all(tr.open_day(d, CLOSED) for d in year["date"])
        meetings = year[year["kind"] == "Sales meeting"]
        # Monday 18 Jan is a holiday: that week's meeting is on Tuesday
        assert dt.date(2027, 1, 19) in set(meetings["date"])
        # 7 Mondays closed: 18 Jan, 15 Feb, 1 Mar (listed), 31 May, 5 Jul (4 Jul observed),
        # 6 Sep and 11 Oct; each of those weeks meets on the Tuesday
        assert meetings["date"].map(lambda d: d.weekday()).value_counts().to_dict() == {0: 45, 1: 7}
        fridays = year[year["kind"] == "Priorities meeting"]
        # Friday 24 Dec is Christmas Day (observed): the meeting is on Thursday
        assert dt.date(2027, 12, 23) in set(fridays["date"])
        assert dt.date(2027, 12, 24) not in set(year["date"])
        quarterly = year[year["kind"] == "Quarterly review"]
        assert [d.month for d in quarterly["date"]] == [1, 4, 7, 10]
        assert quarterly["event"].iloc[0] == "Formal quarterly rep reviews (Q4 2026)"
        plans = year[year["kind"] == "Business plans"]
        assert plans["date"].tolist() == [dt.date(2027, 1, 4), dt.date(2027, 7, 1)]
        assert year["date"].is_monotonic_increasing
