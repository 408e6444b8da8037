"""The settings of the people parts: the checkup, the recruiting scorecard, the training plan.

Three optional sections of ``settings.yaml``, each including a part of the report:

- ``assessments`` -- the sales manager's checkup, a list of dated assessments, each
  rating the eleven areas of :data:`salesnb.checkup.AREAS` from 1 to 5;
- ``scorecard`` -- the recruiting scorecard's weighted criteria and hire threshold
  (the scores are a table, ``interview_scores``);
- ``training`` -- the 90-day training plan's topics, first date and time, and the
  calendar both it and the sales leader's operating rhythm keep (country for the
  public holidays, time zone, dates the company is closed).

The rules that need more than one value (every area rated, a date not after the
as-of date, 13 topics) are the calculations' own, checked when the folder is
validated (:func:`salesnb.io.readiness.calculation_problems`), so each message is
said once, in the calculation's words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, field_validator

from salesnb.io.settings import Name, Share, Text, _Model

__all__ = [
    "AssessmentSettings",
    "CriterionSettings",
    "RhythmSettings",
    "ScorecardSettings",
    "TopicSettings",
    "TrainingSettings",
]


def _time(value: Any) -> Any:
    """``"08:30"`` (or 08:30 read by YAML as minutes, 510) as a time of day."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return dt.time(value // 60, value % 60)  # YAML 1.1 reads 08:30 as sexagesimal 510
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected a time of day such as 08:30, got {value!r}") from None
    return value


class AssessmentSettings(_Model):
    """One dated self-assessment: each area's rating from 1 to 5."""

    date: dt.date
    scores: dict[Name, int | float]
    note: Text = ""


class CriterionSettings(_Model):
    """A criterion of the recruiting scorecard and its weight."""

    criterion: Name
    weight: Share = Field(gt=0.0, le=100.0)


class ScorecardSettings(_Model):
    """The recruiting scorecard: criteria, weights and the hire threshold."""

    role: Name = "Account executive"
    criteria: list[CriterionSettings] = Field(min_length=1, max_length=20)
    threshold: float = Field(default=3.5, ge=1.0, le=5.0)


class TopicSettings(_Model):
    """A training session's topic and who runs it (the plan's person when left out)."""

    topic: Name
    responsible: Name | None = None


class RhythmSettings(_Model):
    """When the sales leader's recurring meetings start and how long they last."""

    sales_meeting: dt.time = dt.time(8, 30)
    priorities_meeting: dt.time = dt.time(15, 0)
    reviews: dt.time = dt.time(10, 0)
    minutes: int = Field(default=60, ge=5, le=480)
    leader: Name = "Sales manager"
    owner: Name = "Owner"

    _times = field_validator("sales_meeting", "priorities_meeting", "reviews", mode="before")(
        classmethod(lambda cls, v: _time(v))
    )


class TrainingSettings(_Model):
    """The 90-day training plan and the calendar the operating rhythm shares."""

    country: Name = Field(default="US", max_length=3)
    subdivision: Name | None = Field(default=None, max_length=10)
    time_zone: Name = "America/New_York"
    closed: list[dt.date] = Field(default_factory=list)
    start: dt.date
    time: dt.time = dt.time(8, 0)
    minutes: int = Field(default=60, ge=5, le=480)
    responsible: Name
    topics: list[Name | TopicSettings] = Field(min_length=1, max_length=52)
    rhythm: RhythmSettings = RhythmSettings()

    _clock = field_validator("time", mode="before")(classmethod(lambda cls, v: _time(v)))
