"""The package's layout holds: calculations never draw, report runs never load widgets.

Each check imports modules in a fresh interpreter and looks at what else came in,
so an import added anywhere in the chain makes it fail.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

from salesnb import paths

#: Where drawing, widgets and running notebooks live; everything else is calculation,
#: reading a client folder or arranging figures, and stays free of all three.
_DRAWING_OR_RUNNING = ("salesnb.charts", "salesnb.panels", "salesnb.report")
_ENTRY_POINTS = ("salesnb.cli", "salesnb.lab", "salesnb.text")


def _modules() -> list[str]:
    import salesnb

    return [m.name for m in pkgutil.walk_packages(salesnb.__path__, "salesnb.")]


def _under(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in packages)


#: Pure calculations and what reads and arranges their inputs: no drawing, no widgets.
#: Found by walking the package, so a new calculation module is checked from its first day.
CALCULATIONS = tuple(m for m in _modules() if not _under(m, _DRAWING_OR_RUNNING + _ENTRY_POINTS))
#: What a report run loads: the command line, the runner, and every chart a notebook draws.
REPORT_RUN = (
    "salesnb.cli",
    "salesnb.text",
    *(m for m in _modules() if _under(m, ("salesnb.report", "salesnb.charts"))),
)


def test_the_walk_finds_every_kind_of_module():
    """The lists above come from walking the package; they hold what the layout promises."""
    for name in (
        "salesnb.proforma",
        "salesnb.plan",
        "salesnb.hiring",
        "salesnb.dashboard",
        "salesnb.pipeline",
        "salesnb.indicators",
        "salesnb.checkup",
        "salesnb.scorecard",
        "salesnb.training",
        "salesnb.workshop",
        "salesnb.io.tables",
        "salesnb.analysis.dashboard",
    ):
        assert name in CALCULATIONS, name
    assert not {"salesnb.charts.plan", "salesnb.panels.proforma", "salesnb.report.runner"} & set(
        CALCULATIONS
    )
    assert {"salesnb.report.runner", "salesnb.charts.plan", "salesnb.charts.indicators"} <= set(
        REPORT_RUN
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


def test_one_report_function_per_notebook_with_none_overrides():
    """``salesnb`` offers one ``*_report`` per notebook; every override it takes (the
    ``simulate`` switch aside) defaults to None, meaning "from the settings"."""
    import inspect

    import salesnb
    from salesnb.report.parameters import NOTEBOOKS

    reports = [n for n in salesnb.__all__ if n.endswith("_report") and n != "run_report"]
    assert len(reports) == len(NOTEBOOKS) == 8
    for name in reports:
        parameters = list(inspect.signature(getattr(salesnb, name)).parameters.values())
        assert parameters[0].name == "client", name
        for p in parameters[1:]:
            assert p.default is None or p.name == "simulate", (name, p.name, p.default)
