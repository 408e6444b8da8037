"""salesnb: the calculations behind the sales-leadership workbook.

The public API, in the order a consultant meets it::

    from salesnb import load_client, validate, plan_report, stress_report, hiring_report

    client = load_client("data/sample/cedar-ridge")
    stress_report(client, cut=0.30).figures()["lost_income"]

One ``*_report`` function per notebook: ``plan_report`` (01), ``stress_report``
(02), ``hiring_report`` (03), ``dashboard_report`` (04), ``indicators_report``
(05), ``checkup_report`` (06), ``scorecard_report`` (07), ``training_report``
(08); each takes a client and ``None`` overrides meaning "from the settings".

The layout: pure calculations in :mod:`salesnb.proforma`, :mod:`salesnb.plan`
and :mod:`salesnb.hiring`; reading a client folder in :mod:`salesnb.io`; one
report per notebook in :mod:`salesnb.analysis`; drawing in :mod:`salesnb.charts`;
live sliders in :mod:`salesnb.panels`; the report pack in :mod:`salesnb.report`.
Names are imported on first use, so ``import salesnb`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_client": "salesnb.io",
    "validate": "salesnb.io",
    "Client": "salesnb.io",
    "plan_report": "salesnb.analysis",
    "stress_report": "salesnb.analysis",
    "hiring_report": "salesnb.analysis",
    "proforma_inputs": "salesnb.analysis",
    "dashboard_report": "salesnb.analysis.dashboard",
    "indicators_report": "salesnb.analysis.indicators",
    "checkup_report": "salesnb.analysis.checkup",
    "scorecard_report": "salesnb.analysis.scorecard",
    "training_report": "salesnb.analysis.training",
    "run_report": "salesnb.report",
    "run_batch": "salesnb.report",
    "ClientFolderError": "salesnb.errors",
    "InputError": "salesnb.errors",
    "Problem": "salesnb.errors",
    "ReportError": "salesnb.errors",
    "SalesnbError": "salesnb.errors",
}

__all__ = [
    "Client",
    "ClientFolderError",
    "InputError",
    "Problem",
    "ReportError",
    "SalesnbError",
    "__version__",
    "checkup_report",
    "dashboard_report",
    "hiring_report",
    "indicators_report",
    "load_client",
    "plan_report",
    "proforma_inputs",
    "run_batch",
    "run_report",
    "scorecard_report",
    "stress_report",
    "training_report",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'salesnb' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
