"""Which parts of the report a client folder can have, and the calculations' own checks.

A folder may leave a part of the report out: no ``plan`` section, no annual
plan; no ``hiring`` section, no hiring timeline. :func:`parts` says, for a
folder's settings, which parts are included and, for the others, what to add.

:func:`calculation_problems` is the last step of checking a folder: it works
out every included part in this process (the same functions the notebooks
call) and turns each :class:`~salesnb.errors.InputError` into a problem naming
the file, row and column it came from. So a folder that validates cannot fail
inside a notebook for its input, and every value rule lives once, in the
calculation that needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from salesnb.errors import InputError, Problem
from salesnb.io.settings import SETTINGS_FILE, Settings

if TYPE_CHECKING:
    from salesnb.io.client_folder import Client

__all__ = ["PARTS", "Part", "calculation_problems", "parts", "scenario_problems"]


@dataclass(frozen=True)
class Part:
    """One part of the report and the settings section it needs (None: always there),
    or the CRM tables it needs (every one present: included)."""

    key: str
    title: str
    section: str | None
    to_add: str
    tables: tuple[str, ...] = ()


#: The report's parts, in report order.
PARTS: tuple[Part, ...] = (
    Part(
        "plan",
        "Annual sales plan",
        "plan",
        "add a 'plan' section to settings.yaml (growth or goal, average_deal, win_rate; "
        "see the client template) and give the reps an annual_quota in the roster",
    ),
    Part("stress_test", "Pro forma and stress test", None, ""),
    Part(
        "hiring",
        "Hiring timeline",
        "hiring",
        "add a 'hiring' section to settings.yaml (annual_quota, salary; see the client "
        "template) and an objectives table or a 'plan' section to derive objectives from",
    ),
    Part(
        "dashboard",
        "Sales dashboard",
        None,
        "add the CRM's opportunities export (opportunities.csv) with its stages under "
        "crm.stages in settings.yaml; see the client template",
        tables=("opportunities",),
    ),
    Part(
        "indicators",
        "Leading indicators",
        None,
        "add the CRM's activities and opportunities exports (activities.csv, "
        "opportunities.csv) with the won and lost stages under crm.stages in settings.yaml; "
        "see the client template",
        tables=("activities", "opportunities"),
    ),
    Part(
        "assessments",
        "Sales management checkup",
        "assessments",
        "add an 'assessments' section to settings.yaml (a date and the eleven areas rated "
        "1 to 5; see the client template)",
    ),
    Part(
        "scorecard",
        "Recruiting scorecard",
        "scorecard",
        "add a 'scorecard' section to settings.yaml (criteria with weights, a threshold) "
        "and an interview_scores table (candidate, interviewer, criterion, score)",
    ),
    Part(
        "training",
        "Training plan and operating rhythm",
        "training",
        "add a 'training' section to settings.yaml (13 topics, the first date, the person "
        "responsible, country and time zone; see the client template)",
    ),
)


def parts(settings: Settings, crm: Any = None) -> dict[str, bool]:
    """For each part's key, whether the settings (and, for a part built on CRM exports,
    the folder's CRM tables ``crm``: None when it has none) include it."""
    return {part.key: _included(part, settings, crm) for part in PARTS}


def _included(part: Part, settings: Settings, crm: Any) -> bool:
    if part.tables:
        return crm is not None and all(getattr(crm, t, None) is not None for t in part.tables)
    return part.section is None or getattr(settings, part.section) is not None


def _runs(
    client: Client,
    overrides: Mapping[str, Mapping[str, Any]],
    only: Collection[str] | None = None,
) -> list[tuple[str, Callable[[], Any]]]:
    from salesnb.analysis import hiring_report, plan_report, stress_report

    included = parts(client.settings, client.crm)
    if only is not None:
        included = {key: on and key in only for key, on in included.items()}
    given = {key: dict(overrides.get(key, {})) for key in included}
    runs: list[tuple[str, Callable[[], Any]]] = []
    if included["plan"]:
        runs.append(("plan", lambda: plan_report(client, **given["plan"])))
    if included["stress_test"]:
        runs.append(("stress_test", lambda: stress_report(client, **given["stress_test"])))
    if included["hiring"]:
        runs.append(("hiring", lambda: hiring_report(client, **given["hiring"])))
    if included.get("dashboard"):
        from salesnb.analysis.dashboard import dashboard_report

        runs.append(("dashboard", lambda: dashboard_report(client, **given["dashboard"])))
    if included.get("indicators"):
        from salesnb.analysis.indicators import indicators_report

        runs.append(("indicators", lambda: indicators_report(client, **given["indicators"])))
    if included.get("assessments"):
        from salesnb.analysis.checkup import checkup_report

        runs.append(("assessments", lambda: checkup_report(client)))
    if included.get("scorecard"):
        from salesnb.analysis.scorecard import scorecard_report

        runs.append(("scorecard", lambda: scorecard_report(client, **given["scorecard"])))
    if included.get("training"):
        from salesnb.analysis.training import training_report

        runs.append(("training", lambda: training_report(client)))
    return runs


def _titles(keys: list[str]) -> str:
    return "; ".join(p.title.lower() for p in PARTS if p.key in keys)


def calculation_problems(
    client: Client,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    only: Collection[str] | None = None,
) -> list[Problem]:
    """Every input problem the included parts' calculations find, each listed once.

    ``overrides`` gives, by part, the keyword arguments its notebook passes for a
    report's ``-p`` values (``{"hiring": {"ramp_months": 6}}``). ``only`` limits the
    check to those parts' keys (a notebook loading its client checks its own part;
    the report has checked them all before any notebook runs).

    A part that works out another (the pro forma carries the hiring timeline's
    costs, the timeline the plan's objectives) meets the same bad input: it is
    one problem, naming every part it stops.
    """
    found: dict[tuple, tuple[Problem | None, str, list[str]]] = {}
    for part, run in _runs(client, overrides or {}, only):
        try:
            run()
        except InputError as exc:
            message = str(exc)
            if exc.file is not None:
                located = Problem(exc.file, message, row=exc.row, column=exc.column)
                key: tuple = (exc.file, exc.row, exc.column, message)
                found.setdefault(key, (located, message, []))[2].append(part)
            else:
                found.setdefault(("", message), (None, message, []))[2].append(part)
        except Exception as exc:  # noqa: BLE001 - never a traceback from a check
            message = (
                f"{exc.__class__.__name__}: {str(exc)[:120]}; this is a fault in the "
                "workbook, please report it with the folder"
            )
            found.setdefault(("", message), (None, message, []))[2].append(part)
    problems = []
    for located, message, keys in found.values():
        if located is not None:
            problems.append(located)
        else:  # not tied to a table cell: a setting, or settings and tables together
            problems.append(
                Problem(
                    SETTINGS_FILE,
                    f"{message} (this stops: {_titles(keys)})",
                    column=keys[0],
                )
            )
    return problems


def scenario_problems(client: Client) -> list[Problem]:
    """Every problem of the scenarios the settings name, each as the report would refuse it.

    A named scenario is a set of report overrides: its values are checked now, the
    same way ``salesnb report --scenario NAME`` checks them, so a folder that
    validates can run every scenario it names.
    """
    if not client.settings.scenarios:
        return []
    from salesnb.report.parameters import parameter_problems

    return [
        Problem(SETTINGS_FILE, f"scenario {name!r}: {line}", column=f"scenarios.{name}")
        for name, values in client.settings.scenarios.items()
        for line in parameter_problems(client, values)
    ]
