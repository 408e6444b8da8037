"""Speed of the workbook, as ratios against a floor measured in the same run.

    python benchmarks/run.py [--repeat N]

(a) report: wall time of one client's report pack (all notebooks, HTML, JSON,
    Excel; no PDF) / the floor: the same number of empty notebooks run the same
    way (papermill, one fresh kernel each) plus the same HTML export.
    Target <= 1.5.
(b) live update: one slider move in the stress-test panel (recompute the
    scenario, redraw both figures and render them as the inline backend does) /
    a bare redraw and render of the same figures with nothing recomputed.
    Target <= 1.5.

Medians over --repeat runs; absolute times are printed for context only, since
they vary by about 30% from run to run on the same machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat

from salesnb import load_client, paths, run_report, stress_report
from salesnb.panels.proforma import stress_panel
from salesnb.report import pack
from salesnb.report.kernels import execute_notebook
from salesnb.report.parameters import NOTEBOOKS


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_report(repeat: int) -> tuple[float, float]:
    sources = [paths.NOTEBOOKS / name for name in NOTEBOOKS]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = []
        for source in sources:
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
            nb.metadata["kernelspec"] = {
                "name": "python3",
                "display_name": "Python 3",
                "language": "python",
            }
            path = tmp / f"empty-{source.name}"
            nbformat.write(nb, path)
            empty.append(path)

        def floor() -> None:
            executed = []
            for path in empty:
                out = tmp / f"out-{path.name}"
                execute_notebook(path, out, {}, tmp, cwd=tmp)
                executed.append(nbformat.read(out, as_version=4))
            pack.write_html(pack.combined("<h1>floor</h1>", executed, "floor"), tmp / "floor.html")

        def full() -> None:
            run_report(paths.SAMPLE_CLIENT, tmp / "out", pdf=False)

        full()  # warm the file caches once, for both sides
        floor()
        return _median_time(full, repeat), _median_time(floor, repeat)


def bench_widget(repeat: int) -> tuple[float, float]:
    client = load_client(paths.SAMPLE_CLIENT)
    first = stress_report(client)  # the settings' scenario
    with contextlib.redirect_stdout(io.StringIO()):  # the first draw displays too
        panel = stress_panel(client, first)

    def render() -> None:
        for fig in panel.figures:
            fig.savefig(io.BytesIO(), format="png")  # what the inline backend does

    cuts = iter([0.1, 0.2, 0.3, 0.4] * 1000)

    def update() -> None:
        with contextlib.redirect_stdout(io.StringIO()):  # no kernel here to display into
            panel.controls["cut"].value = next(cuts)  # recompute, redraw, display
        render()

    def bare() -> None:
        for fig in panel.figures:
            for ax in fig.axes:
                ax.clear()
        panel.draw(panel.result, panel.figures)
        render()

    for fn in (update, bare):
        fn()
    return _median_time(update, repeat * 5), _median_time(bare, repeat * 5)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    full, floor = bench_report(args.repeat)
    print(
        f"(a) report pack / floor:      {full / floor:5.2f}  "
        f"(report {full:.2f} s, floor {floor:.2f} s; target <= 1.5)"
    )
    update, bare = bench_widget(args.repeat)
    print(
        f"(b) live update / bare redraw: {update / bare:5.2f}  "
        f"(update {update * 1000:.0f} ms, redraw {bare * 1000:.0f} ms; target <= 1.5)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
