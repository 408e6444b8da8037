"""Faults put into the workers of a test's dask cluster (they are other processes, so a
test's monkeypatch cannot reach them): a worker plugin that makes one client's notebook
fail inside its kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
from distributed.diagnostics.plugin import WorkerPlugin

#: The client folder whose stress-test notebook raises once its parameters are in.
FAILING = "fails-in-notebook"
#: The error its kernel raises.
MESSAGE = "broken on purpose"


class NotebookFails(WorkerPlugin):
    """On every worker, the runner's notebook step runs a copy of the notebook with a
    raising cell after its parameters for the client folder :data:`FAILING`."""

    name = "salesnb-notebook-fails"

    def setup(self, worker) -> None:
        from salesnb.report import runner

        real = runner.execute_notebook

        def failing(source, target, parameters, workdir, cwd=None):
            if Path(parameters["client_dir"]).name == FAILING:
                nb = nbformat.read(source, as_version=4)
                at = next(
                    i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])
                )
                nb.cells.insert(
                    at + 1, nbformat.v4.new_code_cell(f"raise RuntimeError({MESSAGE!r})")
                )
                broken = Path(workdir) / Path(source).name
                nbformat.write(nb, broken)
                source = broken
            return real(source, target, parameters, workdir, cwd=cwd)

        runner.execute_notebook = failing
