"""Re-execute the committed notebooks on the sample client, in place.

    python -m salesnb.report.execute [NOTEBOOK ...]

The notebooks are committed executed, so that nbval can prove a fresh run
reproduces every figure a client reads. Run this after a change that moves a
figure on purpose, review the diff, and commit. Widget state is not stored (it
is not a figure and changes every run).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from salesnb import paths


def execute(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        store_widget_state=True,  # nbclient needs it for Output widgets; dropped below
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    client.execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, notebook)


def main(argv: list[str]) -> int:
    targets = [Path(a) for a in argv] or sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    for notebook in targets:
        print(f"executing {notebook.name}", flush=True)
        execute(notebook)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
