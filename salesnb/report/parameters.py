"""What a report may override, and the check that an override is one the settings accept.

:data:`PARAMETERS` is the one list of report parameters: the runner injects them, the
command line takes them with ``-p``, and a test pins every notebook's ``parameters``
cell against it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from salesnb.errors import ReportError
from salesnb.io import Client
from salesnb.io.readiness import calculation_problems

__all__ = [
    "NOTEBOOKS",
    "NOTEBOOK_SECTIONS",
    "PARAMETERS",
    "RUNNER_PARAMETERS",
    "check_parameters",
    "notebook_parameters",
    "parameter_problems",
    "with_parameters",
]


#: The notebooks of a report pack, in report order (those present are run).
NOTEBOOKS = (
    "01-annual-plan.ipynb",
    "02-pro-forma-stress-test.ipynb",
    "03-hiring-timeline.ipynb",
    "04-sales-dashboard.ipynb",
    "05-leading-indicators.ipynb",
    "06-sales-management-checkup.ipynb",
    "07-recruiting-scorecard.ipynb",
    "08-training-plan-and-rhythm.ipynb",
)


#: The notebook parameters a report may override, and the setting each stands for.
PARAMETERS: dict[str, tuple[str, str]] = {
    "cut": ("stress_test", "cut"),
    "start_month": ("stress_test", "start_month"),
    "target_margin": ("stress_test", "target_margin"),
    "volatility": ("stress_test", "volatility"),
    "runs": ("stress_test", "runs"),
    "seed": ("stress_test", "seed"),
    "growth": ("plan", "growth"),
    "stretch": ("plan", "stretch"),
    "coverage": ("plan", "coverage"),
    "ramp_months": ("hiring", "ramp_months"),
    "lead_time_months": ("hiring", "lead_time_months"),
    "attainment": ("hiring", "attainment"),
    "attrition_rate": ("hiring", "attrition_rate"),
    "threshold": ("scorecard", "threshold"),
}


#: The settings section each notebook's overrides stand for.
NOTEBOOK_SECTIONS: dict[str, str] = {
    "01-annual-plan.ipynb": "plan",
    "02-pro-forma-stress-test.ipynb": "stress_test",
    "03-hiring-timeline.ipynb": "hiring",
    "04-sales-dashboard.ipynb": "dashboard",
    "05-leading-indicators.ipynb": "indicators",
    "06-sales-management-checkup.ipynb": "assessments",
    "07-recruiting-scorecard.ipynb": "scorecard",
    "08-training-plan-and-rhythm.ipynb": "training",
}

#: The parameters the runner itself sets in every notebook (never a consultant's override).
RUNNER_PARAMETERS = ("client_dir", "interactive")


def notebook_parameters(notebook: str) -> tuple[str, ...]:
    """The overrides a notebook declares in its ``parameters`` cell, runner's own excluded.

    >>> notebook_parameters("01-annual-plan.ipynb")
    ('growth', 'stretch', 'coverage')
    """
    section = NOTEBOOK_SECTIONS[notebook]
    return tuple(name for name, (where, _key) in PARAMETERS.items() if where == section)


def check_parameters(
    client: Client, parameters: Mapping[str, Any], *, source: str = ""
) -> dict[str, Any]:
    """Refuse, before any notebook runs, overrides the client's settings would refuse.

    Each parameter is put in place of the setting it stands for and the settings
    are checked again, so ``cut=1.5`` gets the same message as a cut of 1.5 in
    ``settings.yaml``; then the calculations check the overrides that passed.
    Every problem is listed at once, each on a line of the
    :class:`~salesnb.errors.ReportError`; ``source`` (such as ``scenario
    'deep-cut' in settings.yaml``) says where the overrides came from.

    Returns
    -------
    dict
        The overrides as the settings read them (``"25%"`` is 0.25), in the order given.
    """
    _settings, checked, problems = _checked(client, parameters)
    _refuse(problems, source)
    return checked


def parameter_problems(client: Client, parameters: Mapping[str, Any]) -> list[str]:
    """Every problem :func:`check_parameters` would refuse ``parameters`` for, one line each
    (none: the overrides can be used)."""
    return _checked(client, parameters)[2]


def with_parameters(client: Client, parameters: Mapping[str, Any]) -> Client:
    """The client with its settings as the overrides make them (checked first), so a
    scenario's pages show the values it was run with.

    >>> from salesnb import load_client, paths
    >>> with_parameters(load_client(paths.SAMPLE_CLIENT), {"cut": "40%"}).settings.stress_test.cut
    0.4
    """
    settings, _values, problems = _checked(client, parameters)
    _refuse(problems, "")
    return replace(client, settings=settings)


def _refuse(problems: list[str], source: str) -> None:
    if not problems:
        return
    if len(problems) == 1:
        raise ReportError(problems[0] + (f" ({source})" if source else ""))
    where = f" of {source}" if source else ""
    lines = "\n".join(f"  - {p}" for p in problems)
    raise ReportError(f"{len(problems)} problems with the overrides{where}:\n{lines}")


def _raw_with(raw: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: dict(value) if isinstance(value, dict) else value for key, value in raw.items()}
    for name, value in overrides.items():
        section, key = PARAMETERS[name]
        out[section][key] = value
    return out


def _value_problems(exc: ValidationError) -> list[str]:
    found = []
    for err in exc.errors():
        loc = tuple(err["loc"][:2])
        name = next((n for n, where in PARAMETERS.items() if where == loc), ".".join(map(str, loc)))
        got = repr(err.get("input"))
        got = got if len(got) <= 60 else f"{got[:60]}..."
        message = err["msg"].removeprefix("Value error, ")
        found.append(f"parameter {name}: {message}, got {got}")
    return found


def _checked(
    client: Client, parameters: Mapping[str, Any]
) -> tuple[Any, dict[str, Any], list[str]]:
    """The settings with every acceptable override in place, those overrides as read,
    and a line for each problem (every one, not only the first)."""
    model = type(client.settings)
    problems: list[str] = []
    raw = json.loads(client.settings.model_dump_json())
    placeable: dict[str, Any] = {}
    for name, value in parameters.items():
        if name not in PARAMETERS:
            problems.append(f"unknown parameter {name!r}; a report takes: {', '.join(PARAMETERS)}")
            continue
        section = PARAMETERS[name][0]
        if raw.get(section) is None:
            problems.append(f"{name}: the settings have no '{section}' section to override")
            continue
        placeable[name] = value
    good: dict[str, Any] = {}
    for name, value in placeable.items():  # each on its own, so each problem is its own
        try:
            model.model_validate(_raw_with(raw, {name: value}))
        except ValidationError as exc:
            problems += _value_problems(exc)
        else:
            good[name] = value
    try:
        settings = model.model_validate(_raw_with(raw, good))
    except ValidationError as exc:  # overrides fine one by one, refused together
        problems += _value_problems(exc)
        return client.settings, {}, problems
    checked = {
        name: getattr(getattr(settings, PARAMETERS[name][0]), PARAMETERS[name][1]) for name in good
    }
    if good:  # the calculations' own checks, with the overrides in place
        by_part: dict[str, dict[str, Any]] = {}
        for name, value in checked.items():
            by_part.setdefault(PARAMETERS[name][0], {})[name] = value
        found = calculation_problems(replace(client, settings=settings), by_part)
        if found:
            given = ", ".join(f"{k}={v!r}" for k, v in checked.items())
            problems += [f"with {given}: {p}" for p in found]
    return settings, checked, problems
