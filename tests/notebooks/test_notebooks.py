"""The committed notebooks: executed, parameterised, recorded, and guarded by nbval.

nbval (``--nbval`` in ``pyproject.toml``) re-runs every committed notebook and
compares each stored output with a fresh one. That comparison is only worth
something if the notebooks are committed executed, so the first tests here check
the stored notebooks themselves. Then papermill runs the stress test with
non-default parameters and the recorded figures are checked against the
package's own calculation, and finally a deliberately changed figure is shown
to make nbval fail, so we know the nbval run can fail at all.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import papermill
import pytest

from salesnb import paths
from salesnb.analysis import stress_report
from salesnb.format import money
from salesnb.io import load_client
from salesnb.report.parameters import (
    NOTEBOOK_SECTIONS,
    NOTEBOOKS,
    PARAMETERS,
    RUNNER_PARAMETERS,
    notebook_parameters,
)
from salesnb.report.record import FIGURES_MIMETYPE, clean

SANITIZE = Path(__file__).parent / "sanitize.cfg"
STRESS_TEST = "02-pro-forma-stress-test.ipynb"
COMMITTED = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))

#: A path with at least two folders, e.g. ``/home/alice/`` or ``/tmp/pytest-3/``.
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/[\w.-]+/[\w.-]+/")
#: Output data that is binary (base64, where '/' is an ordinary character).
BINARY = ("image/",)


def _code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _recorded(nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    return [
        output["data"][FIGURES_MIMETYPE]
        for cell in _code_cells(nb)
        for output in cell.outputs
        if FIGURES_MIMETYPE in output.get("data", {})
    ]


def _output_texts(output: nbformat.NotebookNode) -> list[str]:
    """Every piece of text a stored output holds (binary images left out)."""
    texts = []
    if "text" in output:
        texts.append(output["text"])
    if output.get("output_type") == "error":
        texts += [output.get("ename", ""), output.get("evalue", ""), *output.get("traceback", [])]
    for mime, value in output.get("data", {}).items():
        if mime.startswith(BINARY):
            continue
        texts.append(value if isinstance(value, str) else json.dumps(value))
    return texts


def test_the_notebooks_are_found():
    assert STRESS_TEST in [nb.name for nb in COMMITTED]


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
class TestCommittedNotebook:
    """What nbval needs of a committed notebook to prove anything."""

    def test_has_a_parameters_cell(self, path):
        tagged = [
            cell for cell in _code_cells(nbformat.read(path, 4)) if "parameters" in _tags(cell)
        ]
        assert len(tagged) == 1, "papermill injects after the one cell tagged 'parameters'"

    def test_every_code_cell_was_executed_in_order(self, path):
        # nbval silently skips a cell that was never run; a notebook re-run cell by
        # cell in Lab is not the one a fresh kernel produces.
        counts = [
            c.execution_count for c in _code_cells(nbformat.read(path, 4)) if c.source.strip()
        ]
        assert counts == list(range(1, len(counts) + 1))

    def test_no_stored_errors(self, path):
        errors = [
            output.get("ename")
            for cell in _code_cells(nbformat.read(path, 4))
            for output in cell.outputs
            if output.output_type == "error"
        ]
        assert errors == []

    def test_no_absolute_path_in_stored_outputs(self, path):
        found = [
            match.group()
            for cell in _code_cells(nbformat.read(path, 4))
            for output in cell.outputs
            for text in _output_texts(output)
            for match in ABSOLUTE_PATH.finditer(text)
        ]
        assert found == [], "a machine's path in an output breaks nbval on every other machine"

    def test_records_its_figures(self, path):
        recorded = _recorded(nbformat.read(path, 4))
        assert recorded, f"no {FIGURES_MIMETYPE} output: the report pack would miss this section"
        for payload in recorded:
            assert payload["section"]
            assert payload["figures"]


def test_the_path_pattern_finds_paths():
    assert ABSOLUTE_PATH.search("read /home/alice/clients/acme/settings.yaml")
    assert ABSOLUTE_PATH.search("'/tmp/pytest-of-x/pytest-3/x'")
    for harmless in ("</td></tr>", "1/2/3", "https://example.org/a/b", "Cut plan / 4 / 5"):
        assert not ABSOLUTE_PATH.search(harmless), harmless


# ----------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------


def test_stress_test_parameters_are_pinned():
    """A parameter the report runner or a consultant sets must not silently vanish."""
    found = papermill.inspect_notebook(str(paths.NOTEBOOKS / STRESS_TEST))
    assert {name: p["default"] for name, p in found.items()} == {
        "client_dir": '""',
        "cut": "None",
        "start_month": "None",
        "target_margin": "None",
        "volatility": "None",
        "runs": "None",
        "seed": "None",
        "interactive": "True",
    }


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_notebook_parameters_match_the_runner(path):
    """Each notebook declares exactly what the runner injects into it, each with its help."""
    found = papermill.inspect_notebook(str(path))
    expected = {*RUNNER_PARAMETERS, *notebook_parameters(path.name)}
    assert set(found) == expected
    assert all(p["help"] for p in found.values()), "every parameter says what it is"
    assert found["client_dir"]["default"] == '""', "empty means the sample client"


def test_every_report_parameter_belongs_to_a_notebook():
    owned = [name for nb in NOTEBOOK_SECTIONS for name in notebook_parameters(nb)]
    assert sorted(owned) == sorted(PARAMETERS)
    assert set(NOTEBOOK_SECTIONS) == set(NOTEBOOKS)


SCENARIO = {"cut": 0.4, "start_month": 4, "target_margin": 0.08, "runs": 500, "seed": 3}


@pytest.fixture(scope="module")
def executed_stress_test(tmp_path_factory) -> nbformat.NotebookNode:
    """Notebook 02 run by papermill on the sample client with a non-default scenario."""
    from salesnb.report.kernels import ipc_kernel_manager

    work = tmp_path_factory.mktemp("papermill")
    target = work / STRESS_TEST
    papermill.execute_notebook(
        str(paths.NOTEBOOKS / STRESS_TEST),
        str(target),
        parameters={**SCENARIO, "interactive": False},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(work),
        kernel_manager_class=ipc_kernel_manager(work),
    )
    return nbformat.read(target, as_version=4)


@pytest.mark.slow
class TestParameterisedRun:
    def test_parameters_are_injected_after_the_parameters_cell(self, executed_stress_test):
        tags = [_tags(cell) for cell in _code_cells(executed_stress_test)]
        first = tags.index(["parameters"])
        assert "injected-parameters" in tags[first + 1]

    def test_recorded_figures_are_the_package_calculation(self, executed_stress_test):
        (payload,) = _recorded(executed_stress_test)
        assert payload["section"] == "proforma"
        client = load_client(paths.SAMPLE_CLIENT)
        volatility = client.settings.stress_test.volatility  # not injected: the default
        expected = stress_report(client, volatility=volatility, **SCENARIO).figures()
        assert payload["figures"] == clean(expected)

    def test_the_injected_scenario_is_the_one_recorded(self, executed_stress_test):
        (payload,) = _recorded(executed_stress_test)
        figures = payload["figures"]
        assert figures["cut"] == SCENARIO["cut"]
        assert figures["cut_start_month"] == SCENARIO["start_month"]
        assert figures["target_margin"] == SCENARIO["target_margin"]
        defaults = load_client(paths.SAMPLE_CLIENT).settings.stress_test
        assert (figures["cut"], figures["cut_start_month"]) != (defaults.cut, defaults.start_month)

    def test_no_live_panel_when_not_interactive(self, executed_stress_test):
        live = [c for c in _code_cells(executed_stress_test) if "live-only" in _tags(c)]
        assert live
        assert all(cell.outputs == [] for cell in live)


# ----------------------------------------------------------------------------
# nbval can fail: a changed figure is caught
# ----------------------------------------------------------------------------


def _change_key_figure(nb: nbformat.NotebookNode) -> int:
    """Change the lost income of the key-figures table, in HTML and in text; return the cell."""
    for number, cell in enumerate(_code_cells(nb)):
        for output in cell.outputs:
            data = output.get("data", {})
            row = re.search(r"(?m)^Lost income .*?(-?\$[\d,]+)$", data.get("text/plain", ""))
            if row and "text/html" in data:
                amount = row.group(1)
                changed = money(float(amount.replace("$", "").replace(",", "")) + 1000)
                for mime in ("text/plain", "text/html"):
                    assert data[mime].count(amount) == 1, mime
                    data[mime] = data[mime].replace(amount, changed)
                return number
    raise AssertionError("no key-figures table with the lost income")


def _change_recorded_figure(nb: nbformat.NotebookNode) -> int:
    """Move one recorded figure (the lost income) by one cent; return the cell."""
    for number, cell in enumerate(_code_cells(nb)):
        for output in cell.outputs:
            payload = output.get("data", {}).get(FIGURES_MIMETYPE)
            if payload and "lost_income" in payload["figures"]:
                payload["figures"]["lost_income"] = round(
                    payload["figures"]["lost_income"] + 0.01, 2
                )
                return number
    raise AssertionError("no recorded lost income")


def _nbval(notebook: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run strict nbval on one notebook, in a fresh process, outside the project's config."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        str(notebook),
        "--nbval-sanitize-with",
        str(SANITIZE),
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "--rootdir",
        str(cwd),
        "-q",
        "-rf",
    ]
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


def _failed_cells(stdout: str) -> set[int]:
    return {int(n) for n in re.findall(r"(?m)^FAILED \S+::Cell (\d+)\b", stdout)}


@pytest.mark.slow
def test_nbval_passes_on_the_committed_notebook(tmp_path):
    copy = tmp_path / STRESS_TEST
    shutil.copyfile(paths.NOTEBOOKS / STRESS_TEST, copy)
    run = _nbval(copy, tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "mimetype"),
    [(_change_key_figure, "text/"), (_change_recorded_figure, FIGURES_MIMETYPE)],
    ids=["key-figures-table", "recorded-figures"],
)
def test_nbval_fails_on_a_changed_figure(tmp_path, change, mimetype):
    nb = nbformat.read(paths.NOTEBOOKS / STRESS_TEST, as_version=4)
    changed_cell = change(nb)
    copy = tmp_path / STRESS_TEST
    nbformat.write(nb, copy)
    run = _nbval(copy, tmp_path)
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
    # ... and for the right reason: the changed cell's stored output differs
    assert changed_cell in _failed_cells(run.stdout), run.stdout[-3000:]
    assert f"mismatch '{mimetype}" in run.stdout, run.stdout[-3000:]
