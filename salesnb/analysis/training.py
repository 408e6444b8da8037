"""The 90-day training plan and the sales leader's operating rhythm, from a loaded client
(notebook 08).

:func:`training_report` takes the settings' ``training`` section (topics, first date,
time, the country whose public holidays close the company, its time zone and the
dates it lists as closed) and returns a frozen :class:`TrainingReport`: the 13
sessions, the operating rhythm of the plan year, and both as an iCalendar file and
a CSV (:meth:`TrainingReport.files`), which the report pack carries in its
``calendars`` folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from salesnb import training as tr
from salesnb.errors import InputError, located
from salesnb.format import Table
from salesnb.io import SETTINGS_FILE, Client

__all__ = ["TrainingReport", "executive_items", "training_report"]

#: The calendar files of the report pack, by name.
TRAINING_FILE, RHYTHM_FILE = "training-plan", "operating-rhythm"


def _shown(table: pd.DataFrame, columns: Mapping[str, str]) -> Table:
    """A calendar table as a client reads it: the day written out, times as HH:MM."""
    frame = pd.DataFrame(
        {
            "Date": [f"{d:%a %d %b %Y}" for d in table["date"]],
            "Time": [
                f"{a:%H:%M}-{b:%H:%M}" for a, b in zip(table["start"], table["end"], strict=True)
            ],
            **{label: table[key].to_numpy() for key, label in columns.items()},
        },
        index=table.index,
    )
    return Table(frame, text_columns=tuple(frame.columns))


@dataclass(frozen=True)
class TrainingReport:
    """The training plan, the operating rhythm, and what they export."""

    client_name: str
    time_zone: str
    country: str
    as_of: dt.date
    plan: pd.DataFrame
    rhythm: pd.DataFrame
    closed: Mapping[dt.date, str]

    def figures(self) -> dict[str, Any]:
        """The headline figures, as ``figures.json`` names them (see the README)."""
        moved = int((self.plan["note"] != "").sum())
        return {
            "sessions": len(self.plan),
            "first_session": self.plan["date"].iloc[0].isoformat(),
            "last_session": self.plan["date"].iloc[-1].isoformat(),
            "sessions_moved": moved,
            "weeks": int(self.plan["week"].iloc[-1]),
            "rhythm_events": len(self.rhythm),
            "time_zone": self.time_zone,
            "country": self.country,
            "files": sorted(self.files()),
        }

    def plan_table(self) -> Table:
        return _shown(
            self.plan,
            {"event": "Session", "responsible": "Responsible", "note": "Note"},
        )

    def rhythm_summary_table(self) -> Table:
        """Each kind of meeting: how many in the year, the first, and who holds it."""
        rows = []
        for kind, group in self.rhythm.groupby("kind", sort=False):
            rows.append(
                {
                    "Meeting": kind,
                    "In the year": str(len(group)),
                    "First": f"{group['date'].iloc[0]:%a %d %b %Y}",
                    "Time": f"{group['start'].iloc[0]:%H:%M}",
                    "Held by": group["responsible"].iloc[0],
                }
            )
        frame = pd.DataFrame(rows).set_index("Meeting")
        return Table(frame, text_columns=tuple(frame.columns))

    def rhythm_table(self) -> Table:
        """Every meeting of the year other than the weekly two, in date order."""
        weekly = self.rhythm["kind"].isin(["Sales meeting", "Priorities meeting"])
        return _shown(self.rhythm[~weekly], {"event": "Meeting", "responsible": "Held by"})

    def tables(self) -> dict[str, Table]:
        return {
            "Training plan": self.plan_table(),
            "Operating rhythm": self.rhythm_summary_table(),
            "Rhythm, month by month": self.rhythm_table(),
        }

    def files(self) -> dict[str, str]:
        """The calendars as files: each table as iCalendar (.ics) and as CSV."""
        name = self.client_name
        return {
            f"{TRAINING_FILE}.ics": tr.to_ics(
                self.plan,
                name=f"{name}: 90-day training plan",
                zone=self.time_zone,
                stamp=self.as_of,
            ),
            f"{TRAINING_FILE}.csv": tr.to_csv(self.plan),
            f"{RHYTHM_FILE}.ics": tr.to_ics(
                self.rhythm,
                name=f"{name}: sales leader's operating rhythm",
                zone=self.time_zone,
                stamp=self.as_of,
            ),
            f"{RHYTHM_FILE}.csv": tr.to_csv(self.rhythm),
        }

    # -- words --

    def plan_summary(self) -> dict[str, str]:
        p = self.plan
        return {
            "Sessions": f"{len(p)}, one a week",
            "First session": f"{p['date'].iloc[0]:%A %d %B %Y}, {p['start'].iloc[0]:%H:%M}",
            "Last session": f"{p['date'].iloc[-1]:%A %d %B %Y}",
            "Time zone": self.time_zone.replace("_", " "),
        }

    def moved_text(self) -> str:
        """Which sessions moved off their weekday, and why."""
        moved = self.plan[self.plan["note"] != ""]
        weeks = int(self.plan["week"].iloc[-1])
        if moved.empty and weeks == len(self.plan):
            return "Every session falls on its planned day: no holiday or closure is in the way."
        said = []
        for number, row in moved.iterrows():
            said.append(f"session {number} is on {row['date']:%a %d %b} ({row['note']})")
        text = "; ".join(said) + "." if said else ""
        text = text[:1].upper() + text[1:]
        if weeks > len(self.plan):
            skipped = weeks - len(self.plan)
            text += (
                f" {skipped} week{'s' if skipped != 1 else ''} had no open day, so the plan "
                f"runs {weeks} weeks."
            )
        return text.strip()


def _sessions(t: Any) -> list[tr.Session]:
    return [
        tr.Session(item, t.responsible)
        if isinstance(item, str)
        else tr.Session(item.topic, item.responsible or t.responsible)
        for item in t.topics
    ]


def training_report(client: Client) -> TrainingReport:
    """The training plan and the operating rhythm from the settings' ``training`` section."""
    s = client.settings
    t = s.training
    if t is None:
        raise InputError(
            "settings.yaml has no 'training' section: the training plan needs one",
            file=SETTINGS_FILE,
            column="training",
        )
    with located(SETTINGS_FILE):
        for i, day in enumerate(t.closed):
            if t.closed.index(day) != i:
                raise InputError(f"training.closed: {day.isoformat()} is listed twice")
        tr.time_zone(t.time_zone)
        months = s.months
        years = range(min(t.start.year, months[0].year), max(t.start.year + 1, months[-1].year) + 1)
        closed = tr.closed_days(t.country, years, subdivision=t.subdivision, closed=t.closed)
        plan = tr.training_plan(
            _sessions(t), t.start, start=t.time, minutes=t.minutes, closed=closed
        )
        r = t.rhythm
        rhythm = tr.operating_rhythm(
            s.first_month,
            closed,
            tr.Rhythm(
                sales_meeting=r.sales_meeting,
                priorities_meeting=r.priorities_meeting,
                reviews=r.reviews,
                minutes=r.minutes,
                leader=r.leader,
                owner=r.owner,
            ),
        )
    return TrainingReport(
        client_name=s.client.name,
        time_zone=t.time_zone,
        country=t.country,
        as_of=s.as_of,
        plan=plan,
        rhythm=rhythm,
        closed=closed,
    )


def executive_items(
    report: TrainingReport | Mapping[str, Any], currency: str
) -> list[tuple[str, str, str]]:
    """The training plan's line on the report's first page.

    >>> f = {"first_session": "2027-01-19", "last_session": "2027-04-12", "sessions": 13}
    >>> executive_items(f, "USD")[0][1]
    'Tue 19 Jan 2027'
    """
    f = report.figures() if isinstance(report, TrainingReport) else report
    first = dt.date.fromisoformat(f["first_session"])
    last = dt.date.fromisoformat(f["last_session"])
    return [
        (
            "90-day training plan starts",
            f"{first:%a %d %b %Y}",
            (
                f"{f['sessions']} weekly sessions to {last:%d %B %Y}: put them in every rep's "
                "calendar now (the calendar file comes with this report)."
            ),
        )
    ]
