"""Where things are: the one place that knows the project's layout.

The notebooks and the sample clients live at the top of a checkout
(``notebooks/``, ``data/sample/``) and travel in the wheel as the package data
``salesnb.notebooks`` and ``salesnb.sample``; :mod:`importlib.resources` finds
them in both, so an installed copy runs reports as a checkout does. Notebooks
and the report runner take every path from here: no notebook hard-codes a folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = [
    "CLIENT_TEMPLATE",
    "NOTEBOOKS",
    "REPORT_TEMPLATE",
    "SAMPLE_CLIENT",
    "SAMPLE_DATA",
    "TEMPLATES",
    "client_folder",
]


def _data(package: str) -> Path:
    """The folder of a data package (a real folder: editable, checkout or installed wheel)."""
    return Path(str(resources.files(package)))


PACKAGE = _data("salesnb")
NOTEBOOKS = _data("salesnb.notebooks")
SAMPLE_DATA = _data("salesnb.sample")
SAMPLE_CLIENT = SAMPLE_DATA / "cedar-ridge"
TEMPLATES = PACKAGE / "templates"
CLIENT_TEMPLATE = TEMPLATES / "client"
REPORT_TEMPLATE = TEMPLATES / "report"


def client_folder(value: str | Path | None) -> Path:
    """The client folder a notebook parameter names; empty means the sample client."""
    return Path(value) if value else SAMPLE_CLIENT
