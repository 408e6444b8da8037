"""The sales manager's checkup: eleven areas rated 1 to 5, the band and the projects.

A sales manager (or the consultant with them) rates each of the eleven areas of
sales management in :data:`AREAS` from 1 (not in place) to 5 (done well, every
week). This module works out what the checkup notebook shows:

- :func:`checked_scores` -- one assessment's scores, checked: every area rated,
  each a whole number from 1 to 5, no area the checkup does not know;
- :func:`total` and :func:`band` -- the total, 11 to 55, and what it calls for:
  45-55 minor tuning, 35-44 several projects, 25-34 multiple actions, 24 or less
  major help needed now (:data:`BANDS`);
- :func:`projects` -- the weakest areas, the projects to start first, each with
  the part of the workbook that helps with it;
- :func:`history` and :func:`change` -- the assessments side by side, oldest
  first, and each area's change since the one before.

Every function is pure and checks its input: a bad value raises
:class:`~salesnb.errors.InputError` with a message that names the area and says
what was expected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from salesnb import _checks as check
from salesnb.errors import InputError

__all__ = [
    "AREAS",
    "BANDS",
    "HIGHEST",
    "LOWEST",
    "Area",
    "Assessment",
    "Band",
    "band",
    "change",
    "checked_scores",
    "history",
    "projects",
    "total",
]

#: The lowest and highest rating of an area.
LOWEST, HIGHEST = 1, 5


@dataclass(frozen=True)
class Area:
    """One area of the checkup: its key in the settings, what is rated, and where help is.

    ``helps`` names the part of the workbook that helps with the area (``None``
    when the area is the manager's own work with no part of its own).
    """

    key: str
    title: str
    helps: str | None = None


#: The eleven areas, in the order the checkup asks them.
AREAS: tuple[Area, ...] = (
    Area(
        "pipeline_needed",
        "We know the pipeline needed to make the current period's quota",
        "the annual plan's pipeline math",
    ),
    Area(
        "pipeline_30_60_90",
        "The 30/60/90-day pipeline is enough for the coming quotas",
        "the sales dashboard's 30/60/90-day view",
    ),
    Area(
        "top_ten_forecast",
        "The ten largest forecast accounts are in view every week",
        "the sales dashboard's top 10 forecast accounts",
    ),
    Area("key_account_plans", "Every key account has a written account plan"),
    Area(
        "interviewing",
        "Interviewing picks the best candidate, not the best available",
        "the recruiting scorecard",
    ),
    Area(
        "training_programme",
        "Every new rep follows a three-month training programme",
        "the 90-day training plan",
    ),
    Area("crm_use", "The CRM is used by every rep, every day"),
    Area("compensation", "Compensation is aligned with the company's goals"),
    Area(
        "leading_indicators",
        "Leading indicators are measured and graphed",
        "the leading indicators",
    ),
    Area(
        "coaching",
        "Coaching is scheduled, not left to chance",
        "the sales leader's operating rhythm",
    ),
    Area(
        "contests",
        "Sales contests keep the team's energy up",
        "the sales leader's operating rhythm (quarterly contests)",
    ),
)

_KEYS = tuple(a.key for a in AREAS)


@dataclass(frozen=True)
class Band:
    """A band of totals and what it calls for; ``low`` and ``high`` are both included."""

    low: int
    high: int
    name: str
    advice: str


#: The bands, from the strongest down; together they cover 11 to 55 exactly once.
BANDS: tuple[Band, ...] = (
    Band(45, 55, "Minor tuning", "Sales management is in good shape: tune the weakest areas."),
    Band(
        35, 44, "Several projects", "A sound base with gaps: start several projects this quarter."
    ),
    Band(
        25, 34, "Multiple actions", "Several parts of sales management need work: act on many now."
    ),
    Band(
        11, 24, "Major help needed now", "Sales management needs major help, starting this month."
    ),
)


@dataclass(frozen=True)
class Assessment:
    """One dated assessment: the date it was made and each area's checked score."""

    date: dt.date
    scores: Mapping[str, int]

    @property
    def total(self) -> int:
        return total(self.scores)


def checked_scores(scores: Mapping[str, object], *, name: str = "scores") -> dict[str, int]:
    """Every area's score as a whole number from 1 to 5, in the checkup's order.

    Parameters
    ----------
    scores : mapping
        Area key -> rating; every key of :data:`AREAS` must be there.
    name : str
        What the messages call the scores (such as ``assessments[2].scores``).

    Returns
    -------
    dict
        Area key -> int, in the order of :data:`AREAS`.

    Examples
    --------
    >>> list(checked_scores(dict.fromkeys([a.key for a in AREAS], 3)).values())[:3]
    [3, 3, 3]
    >>> checked_scores({**dict.fromkeys([a.key for a in AREAS], 3), "crm_use": 6})
    Traceback (most recent call last):
    ...
    salesnb.errors.InputError: scores.crm_use: must be a whole number from 1 to 5; got 6
    """
    unknown = [k for k in scores if k not in _KEYS]
    if unknown:
        raise InputError(
            f"{name}.{unknown[0]}: not an area of the checkup; the areas are: {', '.join(_KEYS)}"
        )
    missing = [k for k in _KEYS if k not in scores]
    if missing:
        listed = ", ".join(missing)
        noun = "area is" if len(missing) == 1 else "areas are"
        raise InputError(
            f"{name}: {len(missing)} {noun} not rated ({listed}); rate all {len(AREAS)} from "
            f"{LOWEST} to {HIGHEST}"
        )
    checked = {}
    for key in _KEYS:
        value = scores[key]
        ok = check.is_number(value) and float(value) == int(value)  # type: ignore[arg-type]
        if not ok or not LOWEST <= int(value) <= HIGHEST:  # type: ignore[call-overload]
            raise InputError(
                f"{name}.{key}: must be a whole number from {LOWEST} to {HIGHEST}; "
                f"got {check.show(value)}"
            )
        checked[key] = int(value)  # type: ignore[call-overload]
    return checked


def total(scores: Mapping[str, object]) -> int:
    """The checkup's total, 11 to 55.

    >>> total(dict.fromkeys([a.key for a in AREAS], 4))
    44
    """
    return sum(checked_scores(scores).values())


def band(score_total: int) -> Band:
    """The band a total falls in (see :data:`BANDS`).

    >>> band(44).name, band(45).name, band(24).name
    ('Several projects', 'Minor tuning', 'Major help needed now')
    >>> band(56)
    Traceback (most recent call last):
    ...
    salesnb.errors.InputError: total: must be a whole number from 11 to 55; got 56
    """
    lowest, highest = LOWEST * len(AREAS), HIGHEST * len(AREAS)
    ok = check.is_number(score_total) and float(score_total) == int(score_total)
    if not ok or not lowest <= int(score_total) <= highest:
        raise InputError(
            f"total: must be a whole number from {lowest} to {highest}; got {check.show(score_total)}"
        )
    return next(b for b in BANDS if b.low <= int(score_total) <= b.high)


def projects(scores: Mapping[str, object], *, count: int = 3, below: int = 4) -> pd.DataFrame:
    """The weakest areas: the projects to start first.

    The areas scored under ``below`` (a 4 or a 5 needs no project), lowest score
    first; on a tie the earlier area of the checkup comes first; at most
    ``count`` of them.

    Returns
    -------
    DataFrame
        ``area`` (the key), ``title``, ``score`` and ``helps`` (the part of the
        workbook that helps, or None), in the order to start them.

    Examples
    --------
    >>> s = dict.fromkeys([a.key for a in AREAS], 4)
    >>> s.update(crm_use=2, coaching=1, contests=2)
    >>> projects(s, count=2)["area"].tolist()
    ['coaching', 'crm_use']
    """
    checked = checked_scores(scores)
    count = check.whole("count", count)
    rows = [
        {"area": a.key, "title": a.title, "score": checked[a.key], "helps": a.helps}
        for a in AREAS
        if checked[a.key] < below
    ]
    rows.sort(key=lambda r: r["score"])  # stable: ties stay in the checkup's order
    return pd.DataFrame(rows[:count], columns=["area", "title", "score", "helps"])


def history(assessments: Sequence[Assessment], *, as_of: dt.date) -> pd.DataFrame:
    """The assessments side by side: one row per area and a total row, one column per date.

    The dates must differ and none may be after ``as_of`` (an assessment is made
    on or before the day the figures are seen from). Columns run oldest first.

    Examples
    --------
    >>> a = Assessment(dt.date(2026, 7, 1), dict.fromkeys([x.key for x in AREAS], 2))
    >>> b = Assessment(dt.date(2027, 1, 6), dict.fromkeys([x.key for x in AREAS], 3))
    >>> history([b, a], as_of=dt.date(2027, 1, 8)).loc["total"].tolist()
    [22, 33]
    """
    if not assessments:
        raise InputError("assessments: give at least one dated assessment")
    seen: set[dt.date] = set()
    for i, a in enumerate(assessments):
        if a.date > as_of:
            raise InputError(
                f"assessments[{i}].date: {a.date.isoformat()} is after the as-of date "
                f"{as_of.isoformat()}; an assessment cannot be dated in the future"
            )
        if a.date in seen:
            raise InputError(
                f"assessments[{i}].date: {a.date.isoformat()} is given twice; each assessment "
                "needs a date of its own"
            )
        seen.add(a.date)
    ordered = sorted(assessments, key=lambda a: a.date)
    columns = {}
    for a in ordered:
        i = list(assessments).index(a)
        scores = checked_scores(a.scores, name=f"assessments[{i}].scores")
        columns[a.date.isoformat()] = [*scores.values(), sum(scores.values())]
    frame = pd.DataFrame(columns, index=pd.Index([*_KEYS, "total"], name="area"))
    return frame.astype("int64")


def change(table: pd.DataFrame) -> pd.Series | None:
    """Each area's change (and the total's) from the assessment before the latest to the latest.

    ``table`` is :func:`history`'s; None when there is only one assessment.

    >>> t = pd.DataFrame({"2026-07-01": [2, 3, 5], "2027-01-06": [4, 3, 5]}, index=["a", "b", "total"])
    >>> change(t).tolist()
    [2, 0, 0]
    """
    if table.shape[1] < 2:
        return None
    return (table.iloc[:, -1] - table.iloc[:, -2]).rename("change")
