"""The package's layout holds: calculations never draw, report runs never load widgets.

Each check imports modules in a fresh interpreter and looks at what else came in,
so an import added anywhere in the chain makes it fail.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from salesnb import paths

#: Pure calculations and what reads and arranges their inputs: no drawing, no widgets.
CALCULATIONS = (
    "salesnb.proforma",
    "salesnb.plan",
    "salesnb.hiring",
    "salesnb.errors",
    "salesnb.format",
    "salesnb.io",
    "salesnb.analysis",
)
#: What a report run loads: the command line, the runner, and every notebook's imports.
REPORT_RUN = (
    "salesnb.cli",
    "salesnb.report",
    "salesnb.report.runner",
    "salesnb.charts.plan",
    "salesnb.charts.proforma",
    "salesnb.charts.hiring",
    "salesnb.charts.dashboard",
    "salesnb.text",
    "salesnb.report.record",
)


def _loaded(modules: tuple[str, ...]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_calculations_import_neither_matplotlib_nor_ipywidgets():
    loaded = _loaded(CALCULATIONS)
    assert "pandas" in loaded  # the check sees real imports
    assert not {"matplotlib", "ipywidgets", "IPython"} & loaded


def test_a_report_run_never_imports_ipywidgets():
    loaded = _loaded(REPORT_RUN)
    assert "matplotlib" in loaded
    assert "ipywidgets" not in loaded


def test_the_panels_are_where_ipywidgets_come_in():
    assert "ipywidgets" in _loaded(("salesnb.panels.proforma",))


@pytest.mark.parametrize("path", sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")), ids=str)
def test_notebooks_load_panels_only_when_interactive(path):
    """A notebook imports a panel only inside ``if interactive:``, which reports set False."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "salesnb.panels" in cell.source:
            assert cell.source.lstrip().startswith("if interactive:"), cell.source
