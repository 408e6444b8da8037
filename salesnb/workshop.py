"""The workshop's exercises: a participant works out a figure, the workbook checks it.

Each :class:`Exercise` asks for one figure of the sample client (a stress-test cut,
a hire-by month, the quota the reps carry, a win rate) and knows how the workbook
works it out, how close an answer must be and what hint to give on a miss.

- :func:`key` -- the answer key: every exercise's answer, worked out by the same
  functions the report uses (never typed in);
- :func:`check` -- one answer checked: a :class:`Result` that says right, or wrong
  with the hint. In an exercise notebook it also records the answer, so
  ``salesnb workshop check NOTEBOOK`` can grade the notebook afterwards;
- :func:`grade` -- every recorded answer of an executed exercise notebook, checked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from salesnb import paths

__all__ = [
    "ANSWER_MIMETYPE",
    "EXERCISES",
    "Exercise",
    "Result",
    "check",
    "grade",
    "key",
    "recorded_answers",
]

#: The private output type an exercise notebook records its answers in.
ANSWER_MIMETYPE = "application/vnd.salesnb.workshop-answer+json"


def _client(folder: Path | str | None) -> Any:
    from salesnb.io import load_client

    return load_client(paths.SAMPLE_CLIENT if folder in (None, "") else Path(folder))


def _survivable_cut(client: Any) -> float:
    from salesnb.analysis import stress_report

    return float(stress_report(client, runs=100).survivable.by_income)


def _hire_by(client: Any) -> str:
    from salesnb.analysis import hiring_report

    return str(hiring_report(client, simulate=False).first_requisition)


def _quota_goal(client: Any) -> float:
    from salesnb.analysis import plan_goals

    return float(plan_goals(client).quota_goal)


def _win_rate(client: Any) -> float:
    return 1.0 / float(client.settings.plan.coverage)


@dataclass(frozen=True)
class Exercise:
    """One exercise: what is asked, how the workbook works it out, and how close is right.

    ``kind`` is ``share`` (a fraction, 0.25 or "25%"), ``money`` or ``month``
    (``2027-03``); ``tolerance`` is absolute (0.005 is half a percentage point).
    """

    name: str
    question: str
    kind: str
    worked: Callable[[Any], float | str]
    tolerance: float
    hint: str


EXERCISES: dict[str, Exercise] = {
    e.name: e
    for e in (
        Exercise(
            "survivable-cut",
            "By what share can sales fall, from the first month, before the year's operating "
            "income drops below zero?",
            "share",
            _survivable_cut,
            0.005,
            "Cost of sales and variable expenses move with revenue; fixed and people costs do "
            "not. Break-even revenue = fixed-and-people costs / contribution-margin ratio; the "
            "cut is 1 - break-even revenue / planned revenue.",
        ),
        Exercise(
            "hire-by",
            "In which month must the first requisition for a new account executive open?",
            "month",
            _hire_by,
            0.0,
            "Find the first month the fully ramped reps fall short of the objective; go back "
            "the ramp months to the start date, then the lead time to the requisition.",
        ),
        Exercise(
            "quota-goal",
            "How much of next year's goal must the reps carry as quota (before over-assignment)?",
            "money",
            _quota_goal,
            1.0,
            "The goal is last year's revenue x (1 + growth); the reps carry the new-business "
            "share of it, the rest renews by itself.",
        ),
        Exercise(
            "win-rate",
            "At the plan's pipeline coverage, what win rate does a rep need for the pipeline to "
            "carry the quota?",
            "share",
            _win_rate,
            0.005,
            "Coverage x win rate must reach 100% of quota, so the win rate needed is 1 / coverage.",
        ),
    )
}


@dataclass(frozen=True)
class Result:
    """An answer checked: right or not, and what to say."""

    exercise: str
    answer: object
    correct: bool
    message: str

    def _repr_markdown_(self) -> str:
        return ("**Right.** " if self.correct else "**Not yet.** ") + self.message


def _read(kind: str, answer: object) -> float | str | None:
    """An answer as the exercise compares it, or None when it cannot be read."""
    if answer is None:
        return None
    if kind == "month":
        try:
            return str(pd.Period(str(answer).strip(), freq="M"))
        except (ValueError, TypeError):
            return None
    if isinstance(answer, str):
        text = answer.strip().replace(",", "").replace("$", "")
        share = text.endswith("%")
        try:
            value = float(text.rstrip("%"))
        except ValueError:
            return None
        return value / 100 if share else value
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        return None
    return float(answer) if math.isfinite(float(answer)) else None


def key(folder: Path | str | None = None) -> dict[str, float | str]:
    """Every exercise's answer for a client (the sample by default): the answer key.

    >>> sorted(key())
    ['hire-by', 'quota-goal', 'survivable-cut', 'win-rate']
    """
    client = _client(folder)
    return {name: e.worked(client) for name, e in EXERCISES.items()}


def _verdict(exercise: Exercise, answer: object, expected: float | str) -> Result:
    given = _read(exercise.kind, answer)
    if given is None:
        wanted = {
            "share": "a share such as 0.25 or '25%'",
            "money": "an amount",
            "month": "a month such as '2027-03'",
        }[exercise.kind]
        return Result(exercise.name, answer, False, f"Give {wanted}. Hint: {exercise.hint}")
    if exercise.kind == "month":
        right = given == expected
    else:
        right = abs(float(given) - float(expected)) <= exercise.tolerance + 1e-12
    if right:
        return Result(exercise.name, answer, True, "That is the workbook's figure.")
    return Result(exercise.name, answer, False, f"Hint: {exercise.hint}")


def check(name: str, answer: object, *, folder: Path | str | None = None) -> Result:
    """Check one answer against the workbook's figure; on a miss, the result gives the hint.

    In a notebook the answer is also recorded for :func:`grade`.

    >>> check("win-rate", 1 / 3.4).correct
    True
    >>> print(check("win-rate", 0.5).message.split(":")[0])
    Hint
    """
    if name not in EXERCISES:
        raise KeyError(f"no exercise {name!r}; the exercises are: {', '.join(EXERCISES)}")
    exercise = EXERCISES[name]
    result = _verdict(exercise, answer, exercise.worked(_client(folder)))
    _record(name, answer)
    return result


def _record(name: str, answer: object) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with the notebooks
        return
    if get_ipython() is None:
        return
    shown = answer if isinstance(answer, str | int | float | type(None)) else str(answer)
    display({ANSWER_MIMETYPE: {"exercise": name, "answer": shown}}, raw=True)


def recorded_answers(notebook: Mapping[str, Any]) -> dict[str, object]:
    """The answers an executed exercise notebook recorded, by exercise (the last of each)."""
    found: dict[str, object] = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(ANSWER_MIMETYPE)
            if payload:
                found[payload["exercise"]] = payload["answer"]
    return found


def grade(notebook_path: Path | str, *, folder: Path | str | None = None) -> list[Result]:
    """Every answer an executed exercise notebook recorded, checked against the key.

    An exercise of :data:`EXERCISES` the notebook asks (names a ``check``) but has no
    recorded answer for counts as not answered.
    """
    import nbformat

    nb = nbformat.read(str(notebook_path), as_version=4)
    answers = recorded_answers(nb)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    asked = [n for n in EXERCISES if f'"{n}"' in source or f"'{n}'" in source]
    expected = key(folder)
    results = []
    for name in dict.fromkeys([*asked, *answers]):
        if name not in EXERCISES:
            continue
        if name not in answers:
            results.append(
                Result(name, None, False, "Not answered: run the notebook with an answer.")
            )
            continue
        results.append(_verdict(EXERCISES[name], answers[name], expected[name]))
    return results
