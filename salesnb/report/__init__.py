"""The report pack: every notebook run for one client (or a portfolio), written in one place.

- :mod:`~salesnb.report.parameters`: what a report may override, checked against the settings;
- :mod:`~salesnb.report.kernels`: one notebook in a fresh kernel;
- :mod:`~salesnb.report.record`: how a notebook hands its figures and tables to the pack;
- :mod:`~salesnb.report.pack`: figures.json, HTML, PDF and Excel;
- :mod:`~salesnb.report.runner`: :func:`run_report` and :func:`run_batch`, staged and atomic.
"""

from __future__ import annotations

from salesnb.errors import ReportError
from salesnb.report.pack import find_chromium
from salesnb.report.parameters import NOTEBOOKS, PARAMETERS, check_parameters
from salesnb.report.runner import BatchResult, ReportResult, client_folders, run_batch, run_report

__all__ = [
    "NOTEBOOKS",
    "PARAMETERS",
    "BatchResult",
    "ReportError",
    "ReportResult",
    "check_parameters",
    "client_folders",
    "find_chromium",
    "run_batch",
    "run_report",
]
