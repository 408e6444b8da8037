"""Where things are: the one place that knows the project's layout.

Notebooks and the report runner take every path from here, so no notebook
hard-codes a folder.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
NOTEBOOKS = ROOT / "notebooks"
SAMPLE_DATA = ROOT / "data" / "sample"
SAMPLE_CLIENT = SAMPLE_DATA / "cedar-ridge"
TEMPLATES = PACKAGE / "templates"
CLIENT_TEMPLATE = TEMPLATES / "client"
REPORT_TEMPLATE = TEMPLATES / "report"
DEFAULT_REPORTS = ROOT / "reports"


def client_folder(value: str | Path | None) -> Path:
    """The client folder a notebook parameter names; empty means the sample client."""
    return Path(value) if value else SAMPLE_CLIENT
