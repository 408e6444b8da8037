"""The recruiting scorecard: weighted criteria, each interviewer's 1-5 scores, a threshold.

Each interviewer scores each candidate from 1 to 5 on each criterion (such as
prospecting, closing, business acumen, coachability and the case-study exercise);
the criteria carry weights. This module works out what the scorecard notebook shows:

- :class:`Criterion` and :func:`checked_scores` -- the criteria and the scores,
  checked: every interviewer of a candidate scores every criterion once, from 1 to 5;
- :func:`criterion_scores` -- each candidate's mean score on each criterion and the
  **spread** between interviewers (highest - lowest), flagged where they disagree
  by :data:`DISAGREEMENT` points or more;
- :func:`weighted_scores` -- each candidate's weighted score:
  sum over criteria of weight x mean score, divided by the sum of the weights (so it
  stays on the 1-5 scale), and whether it clears the hire threshold;
- :func:`recommendation` -- hire the best candidate who clears the threshold, or keep
  searching when nobody does.

Every function is pure and checks its input: a bad value raises
:class:`~salesnb.errors.InputError` naming what is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesnb import _checks as check
from salesnb.errors import InputError

__all__ = [
    "COLUMNS",
    "DISAGREEMENT",
    "Criterion",
    "Recommendation",
    "checked_scores",
    "criterion_scores",
    "recommendation",
    "weighted_scores",
]

#: The columns of the scores table: one row per candidate, interviewer and criterion.
COLUMNS = ("candidate", "interviewer", "criterion", "score")
#: Interviewers who differ by this many points or more on a criterion disagree.
DISAGREEMENT = 2
LOWEST, HIGHEST = 1, 5


@dataclass(frozen=True)
class Criterion:
    """A criterion of the scorecard and its weight (any positive number; only ratios count)."""

    name: str
    weight: float

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"criterion: a name is needed; got {check.show(self.name)}")
        check.number(
            f"weight of {self.name}", self.weight, positive=True, expected="a number above 0"
        )


def _shown(value: object) -> str:
    """A score as a message quotes it: 9, not 9.0."""
    if check.is_number(value) and float(value).is_integer():  # type: ignore[arg-type]
        return str(int(value))  # type: ignore[call-overload]
    return check.show(value)


def checked_scores(scores: pd.DataFrame, criteria: Sequence[Criterion]) -> pd.DataFrame:
    """The scores table, checked, with ``score`` as whole numbers.

    Every row names a known criterion and scores it 1 to 5; each interviewer of a
    candidate scores every criterion exactly once. A message names the row as the
    table's index gives it.

    Examples
    --------
    >>> c = [Criterion("closing", 1)]
    >>> t = pd.DataFrame({"candidate": ["A"], "interviewer": ["X"], "criterion": ["closing"],
    ...                   "score": [7]})
    >>> checked_scores(t, c)
    Traceback (most recent call last):
    ...
    salesnb.errors.InputError: score: must be a whole number from 1 to 5; got 7
    """
    if not criteria:
        raise InputError("criteria: give at least one criterion with its weight")
    names = [c.name for c in criteria]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise InputError(f"criteria: {twice!r} is given twice")
    missing = [c for c in COLUMNS if c not in scores.columns]
    if missing:
        raise InputError(f"scores: the table needs the columns {', '.join(COLUMNS)}")
    if scores.empty:
        raise InputError("scores: no interview scores yet")
    out = scores.loc[:, list(COLUMNS)].copy()
    values = []
    for row, r in out.iterrows():
        if r["criterion"] not in names:
            raise InputError(
                f"criterion: {r['criterion']!r} is not a criterion of the scorecard "
                f"({', '.join(names)})",
                row=int(row) if isinstance(row, int | np.integer) else None,
                column="criterion",
            )
        v = r["score"]
        if not (check.is_number(v) and float(v) == int(v) and LOWEST <= int(v) <= HIGHEST):
            raise InputError(
                f"score: must be a whole number from {LOWEST} to {HIGHEST}; got {_shown(v)}",
                row=int(row) if isinstance(row, int | np.integer) else None,
                column="score",
            )
        values.append(int(v))
    out["score"] = pd.Series(values, index=out.index, dtype="int64")
    twice = out.duplicated(["candidate", "interviewer", "criterion"], keep="first")
    if twice.any():
        row = out.index[twice][0]
        r = out.loc[row]
        raise InputError(
            f"score: {r['interviewer']} scores {r['candidate']} on {r['criterion']} twice; "
            "keep one",
            row=int(row) if isinstance(row, int | np.integer) else None,
            column="score",
        )
    for (candidate, interviewer), group in out.groupby(["candidate", "interviewer"], sort=False):
        left = [n for n in names if n not in set(group["criterion"])]
        if left:
            raise InputError(
                f"score: {interviewer} has not scored {candidate} on {', '.join(left)}; every "
                "interviewer scores every criterion",
                column="criterion",
            )
    return out


def criterion_scores(scores: pd.DataFrame, criteria: Sequence[Criterion]) -> pd.DataFrame:
    """Each candidate's mean score and the interviewers' spread, criterion by criterion.

    Returns
    -------
    DataFrame
        One row per candidate and criterion (candidates in the order they first
        appear, criteria in the scorecard's order): ``mean``, ``lowest``,
        ``highest``, ``spread`` (highest - lowest), ``interviewers`` and
        ``disagree`` (spread >= :data:`DISAGREEMENT`).

    Examples
    --------
    >>> c = [Criterion("closing", 2), Criterion("prospecting", 1)]
    >>> t = pd.DataFrame({"candidate": ["A"] * 4, "interviewer": ["X", "X", "Y", "Y"],
    ...     "criterion": ["closing", "prospecting"] * 2, "score": [4, 2, 5, 4]})
    >>> criterion_scores(t, c)[["mean", "spread", "disagree"]].to_numpy().tolist()
    [[4.5, 1, False], [3.0, 2, True]]
    """
    checked = checked_scores(scores, criteria)
    names = [c.name for c in criteria]
    candidates = list(dict.fromkeys(checked["candidate"]))
    grouped = checked.groupby(["candidate", "criterion"])["score"]
    frame = pd.DataFrame(
        {
            "mean": grouped.mean(),
            "lowest": grouped.min(),
            "highest": grouped.max(),
            "interviewers": grouped.count(),
        }
    )
    index = pd.MultiIndex.from_product([candidates, names], names=["candidate", "criterion"])
    frame = frame.reindex(index)
    frame["spread"] = frame["highest"] - frame["lowest"]
    frame["disagree"] = frame["spread"] >= DISAGREEMENT
    return frame[["mean", "lowest", "highest", "spread", "interviewers", "disagree"]]


def weighted_scores(
    scores: pd.DataFrame, criteria: Sequence[Criterion], *, threshold: float
) -> pd.DataFrame:
    """Each candidate's weighted score, against the hire threshold.

    weighted score = sum(weight x mean score) / sum(weight), on the 1-5 scale.

    Returns
    -------
    DataFrame
        Indexed by candidate, best first (on a tie, the one listed first): one
        column per criterion (the mean score), ``weighted``, ``clears``
        (weighted >= threshold), ``disagreements`` (criteria the interviewers
        disagree on) and ``interviewers``.

    Examples
    --------
    >>> c = [Criterion("closing", 2), Criterion("prospecting", 1)]
    >>> t = pd.DataFrame({"candidate": ["A"] * 4, "interviewer": ["X", "X", "Y", "Y"],
    ...     "criterion": ["closing", "prospecting"] * 2, "score": [4, 2, 5, 4]})
    >>> weighted_scores(t, c, threshold=4.0)[["weighted", "clears"]].to_numpy().tolist()
    [[4.0, True]]
    """
    level = check.number(
        "threshold", threshold, low=LOWEST, high=HIGHEST, expected="a score from 1 to 5"
    )
    by_criterion = criterion_scores(scores, criteria)
    weights = pd.Series({c.name: float(c.weight) for c in criteria})
    means = pd.DataFrame({n: by_criterion["mean"].xs(n, level="criterion") for n in weights.index})
    table = means.copy()
    table["weighted"] = (means * weights).sum(axis=1) / weights.sum()
    table["clears"] = table["weighted"] >= level - 1e-9
    disagree = pd.DataFrame(
        {n: by_criterion["disagree"].xs(n, level="criterion") for n in weights.index}
    )
    table["disagreements"] = [
        ", ".join(n for n in weights.index if disagree.loc[cand, n]) for cand in table.index
    ]
    table["interviewers"] = by_criterion["interviewers"].groupby(level=0).max()
    table.index.name = "candidate"
    return table.sort_values("weighted", ascending=False, kind="stable")


@dataclass(frozen=True)
class Recommendation:
    """What the scorecard recommends: hire ``candidate``, or keep searching (None)."""

    candidate: str | None
    weighted: float | None
    threshold: float
    cleared: tuple[str, ...]
    disagreements: str = ""

    @property
    def keep_searching(self) -> bool:
        return self.candidate is None


def recommendation(table: pd.DataFrame, threshold: float) -> Recommendation:
    """Hire the best candidate who clears the threshold; nobody clears it: keep searching.

    ``table`` is :func:`weighted_scores`'s, best first.

    >>> t = pd.DataFrame({"weighted": [3.4, 3.1], "clears": [False, False],
    ...                   "disagreements": ["", ""]}, index=["A", "B"])
    >>> recommendation(t, 3.5).keep_searching
    True
    """
    cleared = table[table["clears"]]
    if cleared.empty:
        return Recommendation(None, None, float(threshold), ())
    best = cleared.index[0]
    return Recommendation(
        str(best),
        float(cleared.loc[best, "weighted"]),
        float(threshold),
        tuple(str(c) for c in cleared.index),
        str(cleared.loc[best, "disagreements"]),
    )
