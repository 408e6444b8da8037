"""From a loaded client to each notebook's report, in one call per notebook.

One module per notebook: :mod:`~salesnb.analysis.plan` (01),
:mod:`~salesnb.analysis.proforma` (02), :mod:`~salesnb.analysis.hiring` (03),
:mod:`~salesnb.analysis.dashboard` (04),
:mod:`~salesnb.analysis.indicators` (05), :mod:`~salesnb.analysis.checkup` (06),
:mod:`~salesnb.analysis.scorecard` (07), :mod:`~salesnb.analysis.training` (08; the
last three are imported from their modules, so that a plan alone does not load the
calendars).
Each takes a :class:`~salesnb.io.Client` and plain overrides (``None`` means
"from the settings") and returns a frozen report whose ``figures()`` are what
``figures.json`` holds and whose ``tables()`` are what the notebook shows and
the workbook writes. The chain between them runs one way: the plan's goals feed
the hiring objective; the hiring plan feeds the plan's capacity check and the
pro forma; each is worked out once per report and may be passed along.
"""

from __future__ import annotations

from salesnb.analysis.dashboard import DashboardReport, dashboard_report
from salesnb.analysis.hiring import (
    HiringReport,
    hiring_assumptions,
    hiring_objective,
    hiring_report,
    hiring_reps,
)
from salesnb.analysis.indicators import IndicatorsReport, indicators_report
from salesnb.analysis.plan import (
    Goals,
    PlanReport,
    plan_goals,
    plan_report,
    quota_reps,
    quota_vs_capacity,
)
from salesnb.analysis.proforma import StressReport, proforma_inputs, stress_report

__all__ = [
    "DashboardReport",
    "Goals",
    "HiringReport",
    "IndicatorsReport",
    "PlanReport",
    "StressReport",
    "dashboard_report",
    "hiring_assumptions",
    "hiring_objective",
    "hiring_report",
    "hiring_reps",
    "indicators_report",
    "plan_goals",
    "plan_report",
    "proforma_inputs",
    "quota_reps",
    "quota_vs_capacity",
    "stress_report",
]
