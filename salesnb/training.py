"""The 90-day training plan and the sales leader's operating rhythm, as calendars.

- :func:`open_day` and :func:`closed_days` -- which days the company works: not a
  weekend, not one of its country's public holidays (the ``holidays`` package), not
  a date it lists as closed;
- :func:`training_plan` -- :data:`TRAINING_WEEKS` weekly sessions (date, time, topic,
  person responsible) from a topic list and a first date. A session whose day is
  closed moves to the next open day of the same week; a week with no open day left
  before the next session's day is skipped and the plan runs a week longer;
- :func:`operating_rhythm` -- the sales leader's year from the method: the Monday
  sales meeting, the Friday priorities meeting with the owner, monthly rep reviews
  and formal quarterly ones, rep business plans every six months, the 90-day training
  plan each quarter and the quarterly contests, on open days of the plan year;
- :func:`to_ics` and :func:`to_csv` -- either table as an iCalendar file (events in the
  company's time zone, which a calendar application imports) or as CSV.

Times are local wall-clock times in the company's time zone; a table holds the
date, the start and end time and what the event is. Every function is pure and
checks its input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_package
import icalendar
import pandas as pd

from salesnb.errors import InputError

__all__ = [
    "CALENDAR_COLUMNS",
    "TRAINING_WEEKS",
    "Rhythm",
    "Session",
    "closed_days",
    "open_day",
    "operating_rhythm",
    "time_zone",
    "to_csv",
    "to_ics",
    "training_plan",
]

#: The 90-day plan's length: thirteen weekly sessions.
TRAINING_WEEKS = 13
#: The columns of every calendar table, in order.
CALENDAR_COLUMNS = ("date", "start", "end", "event", "responsible", "note")


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (such as ``America/Los_Angeles``).

    >>> time_zone("Europe/Paris").key
    'Europe/Paris'
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InputError(
            f"time_zone: {name!r} is not a time zone; give one such as America/Chicago or "
            "Europe/London"
        ) from None


def closed_days(
    country: str,
    years: Iterable[int],
    *,
    subdivision: str | None = None,
    closed: Iterable[dt.date] = (),
) -> dict[dt.date, str]:
    """The days the company is closed beside weekends: public holidays and listed dates.

    Returns
    -------
    dict
        date -> why (the holiday's name, or "closed").

    Examples
    --------
    >>> days = closed_days("US", [2027], closed=[dt.date(2027, 7, 2)])
    >>> days[dt.date(2027, 1, 18)], days[dt.date(2027, 7, 2)]
    ('Martin Luther King Jr. Day', 'closed')
    """
    try:
        found = holidays_package.country_holidays(
            country, subdiv=subdivision, years=sorted(set(years))
        )
    except NotImplementedError:
        raise InputError(
            f"country: {country!r} is not a country the holiday calendar knows; give its "
            "two-letter code, such as US, GB or DE"
        ) from None
    except (KeyError, ValueError) as exc:
        raise InputError(
            f"subdivision: {subdivision!r} is not a region of {country} ({exc})"
        ) from None
    days: dict[dt.date, str] = {day: str(name) for day, name in sorted(found.items())}
    for day in closed:
        days.setdefault(day, "closed")
    return days


def open_day(day: dt.date, closed: dict[dt.date, str]) -> bool:
    """A working day: Monday to Friday and not closed.

    >>> open_day(dt.date(2027, 1, 16), {}), open_day(dt.date(2027, 1, 18), {})
    (False, True)
    """
    return day.weekday() < 5 and day not in closed


@dataclass(frozen=True)
class Session:
    """A training session's topic and the person responsible for it."""

    topic: str
    responsible: str


def _clock(name: str, value: dt.time | str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{name}: expected a time such as 08:30; got {value!r}") from None


def _end(day: dt.date, start: dt.time, minutes: int) -> dt.time:
    return (dt.datetime.combine(day, start) + dt.timedelta(minutes=minutes)).time()


def training_plan(
    sessions: Sequence[Session],
    first: dt.date,
    *,
    start: dt.time | str,
    minutes: int,
    closed: dict[dt.date, str],
) -> pd.DataFrame:
    """The 90-day training plan: one session a week, on open days.

    Parameters
    ----------
    sessions : sequence of Session
        The topics in order, with who runs each: :data:`TRAINING_WEEKS` of them.
    first : date
        The first session's day; the others fall on the same weekday.
    start, minutes : time, int
        The sessions' local start time and length.
    closed : dict
        The days the company is closed (:func:`closed_days`).

    Returns
    -------
    DataFrame
        :data:`CALENDAR_COLUMNS` and ``week`` (1 = the first week), indexed by
        session 1 to 13. ``note`` says when and why a session moved from its day.

    Notes
    -----
    Week k's day is ``first + 7 (k - 1)``. When it is closed (a weekend, a holiday,
    a closed date) the session is held on the next open day before the following
    week's day; if there is none, that week has no session and the rest move one
    week on.

    Examples
    --------
    >>> topics = [Session(f"Topic {i}", "Pat") for i in range(1, 14)]
    >>> plan = training_plan(topics, dt.date(2027, 1, 18), start="08:00", minutes=60,
    ...                      closed={dt.date(2027, 1, 18): "Martin Luther King Jr. Day"})
    >>> plan.loc[1, ["date", "note"]].tolist()
    [datetime.date(2027, 1, 19), 'moved from Mon 18 Jan 2027 (Martin Luther King Jr. Day)']
    >>> plan.loc[13, "date"]
    datetime.date(2027, 4, 12)
    """
    if len(sessions) != TRAINING_WEEKS:
        raise InputError(
            f"topics: the 90-day training plan has {TRAINING_WEEKS} weekly sessions: give "
            f"{TRAINING_WEEKS} topics; got {len(sessions)}"
        )
    if not isinstance(first, dt.date):
        raise InputError(f"start: expected a date such as 2027-01-18; got {first!r}")
    clock = _clock("time", start)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 < minutes <= 480:
        raise InputError(f"minutes: expected a length from 1 to 480 minutes; got {minutes!r}")
    rows = []
    week = 0
    for number, session in enumerate(sessions, start=1):
        while True:
            week += 1
            planned = first + dt.timedelta(days=7 * (week - 1))
            following = planned + dt.timedelta(days=7)
            day = planned
            while day < following and not open_day(day, closed):
                day += dt.timedelta(days=1)
            if day < following:
                break
        why = closed.get(planned, "weekend" if planned.weekday() >= 5 else "")
        note = f"moved from {planned:%a %d %b %Y} ({why})" if day != planned else ""
        rows.append(
            {
                "date": day,
                "start": clock,
                "end": _end(day, clock, minutes),
                "event": f"Training {number}: {session.topic}",
                "responsible": session.responsible,
                "note": note,
                "week": week,
            }
        )
    frame = pd.DataFrame(rows, columns=[*CALENDAR_COLUMNS, "week"])
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="session")
    return frame


@dataclass(frozen=True)
class Rhythm:
    """When the sales leader's recurring meetings start, and how long each lasts."""

    sales_meeting: dt.time = dt.time(8, 30)
    priorities_meeting: dt.time = dt.time(15, 0)
    reviews: dt.time = dt.time(10, 0)
    minutes: int = 60
    leader: str = "Sales manager"
    owner: str = "Owner"


def _first_open(days: Iterable[dt.date], closed: dict[dt.date, str]) -> dt.date | None:
    return next((d for d in days if open_day(d, closed)), None)


def _month_days(year: int, month: int) -> list[dt.date]:
    first = dt.date(year, month, 1)
    last = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


def operating_rhythm(
    first_month: pd.Period, closed: dict[dt.date, str], rhythm: Rhythm | None = None
) -> pd.DataFrame:
    """The sales leader's year of meetings, from the plan's first month, on open days.

    - every week, the **sales meeting** on Monday (a closed Monday: the next open
      day of that week) and the **priorities meeting** with the owner on Friday (a
      closed Friday: the open day before it in that week);
    - every month, **rep reviews** on the month's first open day from the 8th
      (after the month's first week closes); in the first month of each quarter the
      review is the **formal quarterly review** of the quarter just ended;
    - every six months (the plan's months 1 and 7) the reps' **business plans**,
      on the month's first open day;
    - each quarter's first open day: the **90-day training plan** starts and the
      quarter's **sales contest** opens; its last open day: the contest's results.

    Returns
    -------
    DataFrame
        :data:`CALENDAR_COLUMNS` and ``kind``, sorted by date and time.

    Examples
    --------
    >>> year = operating_rhythm(pd.Period("2027-01", "M"), {})
    >>> kinds = year["kind"].value_counts()
    >>> int(kinds["Sales meeting"]), int(kinds["Quarterly review"]), int(kinds["Monthly review"])
    (52, 4, 8)
    """
    r = rhythm or Rhythm()
    months = pd.period_range(first_month, periods=12, freq="M")
    begin = months[0].start_time.date()
    end = months[-1].end_time.date()
    rows: list[dict[str, object]] = []

    def add(day: dt.date, start: dt.time, kind: str, event: str, who: str, note: str = "") -> None:
        rows.append(
            {
                "date": day,
                "start": start,
                "end": _end(day, start, r.minutes),
                "event": event,
                "responsible": who,
                "note": note,
                "kind": kind,
            }
        )

    monday = begin + dt.timedelta(days=(7 - begin.weekday()) % 7)
    while monday <= end:
        week = [monday + dt.timedelta(days=k) for k in range(5)]
        meeting = _first_open(week, closed)
        if meeting is not None and meeting <= end:
            moved = "" if meeting == monday else f"Monday {monday:%d %b} closed"
            add(meeting, r.sales_meeting, "Sales meeting", "Sales meeting", r.leader, moved)
        friday = _first_open(reversed(week), closed)
        if friday is not None and begin <= friday <= end:
            moved = "" if friday == week[-1] else f"Friday {week[-1]:%d %b} closed"
            add(
                friday,
                r.priorities_meeting,
                "Priorities meeting",
                "Priorities meeting with the owner",
                f"{r.leader} and {r.owner}",
                moved,
            )
        monday += dt.timedelta(days=7)
    for i, month in enumerate(months):
        days = _month_days(month.year, month.month)
        quarter_start = i % 3 == 0
        review = _first_open([d for d in days if d.day >= 8], closed)
        if review is not None:
            if quarter_start:
                ended = (month - 1).quarter
                add(
                    review,
                    r.reviews,
                    "Quarterly review",
                    f"Formal quarterly rep reviews (Q{ended} {(month - 1).year})",
                    r.leader,
                )
            else:
                add(review, r.reviews, "Monthly review", "Monthly rep reviews", r.leader)
        first_open = _first_open(days, closed)
        if first_open is not None and i % 6 == 0:
            add(
                first_open,
                r.reviews,
                "Business plans",
                "Rep business plans for the next six months",
                r.leader,
            )
        if quarter_start and first_open is not None:
            add(
                first_open,
                r.sales_meeting,
                "Training plan",
                "The quarter's 90-day training plan begins",
                r.leader,
            )
            add(
                first_open,
                r.priorities_meeting,
                "Contest",
                f"Sales contest opens (Q{month.quarter} {month.year})",
                r.leader,
            )
        if i % 3 == 2:
            last_open = _first_open(reversed(days), closed)
            if last_open is not None:
                add(
                    last_open,
                    r.priorities_meeting,
                    "Contest",
                    f"Sales contest results (Q{month.quarter} {month.year})",
                    r.leader,
                )
    frame = pd.DataFrame(rows, columns=[*CALENDAR_COLUMNS, "kind"])
    frame = frame.sort_values(["date", "start"], kind="stable").reset_index(drop=True)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="number")
    return frame


def _uid(calendar_name: str, row: pd.Series, number: int) -> str:
    key = f"{calendar_name}|{number}|{row['date']}|{row['event']}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20] + "@salesnb"


def to_ics(
    table: pd.DataFrame,
    *,
    name: str,
    zone: str,
    stamp: dt.date,
) -> str:
    """A calendar table as an iCalendar file's text: one event per row, in ``zone``.

    ``stamp`` (the as-of date) is every event's DTSTAMP and each UID is worked out
    from the event, so the same plan always gives the same file.

    Examples
    --------
    >>> t = pd.DataFrame({"date": [dt.date(2027, 1, 19)], "start": [dt.time(8)],
    ...                   "end": [dt.time(9)], "event": ["Training 1"], "responsible": ["Pat"],
    ...                   "note": [""]})
    >>> text = to_ics(t, name="Training", zone="America/Chicago", stamp=dt.date(2027, 1, 8))
    >>> "DTSTART;TZID=America/Chicago:20270119T080000" in text
    True
    """
    tz = time_zone(zone)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//salesnb//sales-leadership workbook//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone)
    stamped = dt.datetime.combine(stamp, dt.time(0), tzinfo=dt.UTC)
    for number, (_, row) in enumerate(table.iterrows(), start=1):
        event = icalendar.Event()
        event.add("uid", _uid(name, row, number))
        event.add("dtstamp", stamped)
        event.add("dtstart", dt.datetime.combine(row["date"], row["start"], tzinfo=tz))
        event.add("dtend", dt.datetime.combine(row["date"], row["end"], tzinfo=tz))
        event.add("summary", str(row["event"]))
        described = [f"Responsible: {row['responsible']}"] if row["responsible"] else []
        if row["note"]:
            described.append(str(row["note"]))
        if described:
            event.add("description", "\n".join(described))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def to_csv(table: pd.DataFrame) -> str:
    """A calendar table as CSV text: date (YYYY-MM-DD), start and end (HH:MM), and the rest.

    >>> t = pd.DataFrame({"date": [dt.date(2027, 1, 19)], "start": [dt.time(8)],
    ...                   "end": [dt.time(9)], "event": ["Training 1"], "responsible": ["Pat"],
    ...                   "note": [""]})
    >>> to_csv(t).splitlines()[1]
    '2027-01-19,08:00,09:00,Training 1,Pat,'
    """
    out = table.loc[:, list(CALENDAR_COLUMNS)].copy()
    out["date"] = [d.isoformat() for d in out["date"]]
    out["start"] = [t.strftime("%H:%M") for t in out["start"]]
    out["end"] = [t.strftime("%H:%M") for t in out["end"]]
    return out.to_csv(index=False, lineterminator="\n")
