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
]


#: The notebooks of a report pack, in report order (those present are run).
NOTEBOOKS = (
    "01-annual-plan.ipynb",
    "02-pro-forma-stress-test.ipynb",
    "03-hiring-timeline.ipynb",
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
}


#: The settings section each notebook's overrides stand for.
NOTEBOOK_SECTIONS: dict[str, str] = {
    "01-annual-plan.ipynb": "plan",
    "02-pro-forma-stress-test.ipynb": "stress_test",
    "03-hiring-timeline.ipynb": "hiring",
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


def check_parameters(client: Client, parameters: Mapping[str, Any]) -> None:
    """Refuse, before any notebook runs, an override the client's settings would refuse.

    Each parameter is put in place of the setting it stands for and the settings
    are checked again, so ``cut=1.5`` gets the same message as a cut of 1.5 in
    ``settings.yaml``.
    """
    unknown = sorted(set(parameters) - set(PARAMETERS))
    if unknown:
        raise ReportError(
            f"unknown parameter {unknown[0]!r}; a report takes: {', '.join(PARAMETERS)}"
        )
    raw = json.loads(client.settings.model_dump_json())
    for name, value in parameters.items():
        section, key = PARAMETERS[name]
        if raw.get(section) is None:
            raise ReportError(f"{name}: the settings have no '{section}' section to override")
        raw[section][key] = value
    try:
        settings = type(client.settings).model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"][:2])
        name = next((n for n, where in PARAMETERS.items() if where == loc), ".".join(map(str, loc)))
        got = repr(err.get("input"))
        got = got if len(got) <= 60 else f"{got[:60]}..."
        raise ReportError(f"parameter {name}: {err['msg']}, got {got}") from None
    if parameters:  # the calculations' own checks, with the overrides in place
        by_part: dict[str, dict[str, Any]] = {}
        for name, value in parameters.items():
            by_part.setdefault(PARAMETERS[name][0], {})[name] = value
        problems = calculation_problems(replace(client, settings=settings), by_part)
        if problems:
            given = ", ".join(f"{k}={v!r}" for k, v in parameters.items())
            raise ReportError(f"with {given}: " + "; ".join(str(p) for p in problems))
