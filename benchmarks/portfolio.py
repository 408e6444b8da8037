"""Speed of a portfolio batch, as ratios measured in the same run.

    python benchmarks/portfolio.py [--workers N] [--notebook NAME ...] [--repeat N]

(a) speed-up: an 8-client batch run one client after another in this process /
    the same batch on a local dask cluster of --workers workers (default 2).
    Target >= 1.8 on 2 cores.
(b) cost per client: the batch's wall time per client with 32 clients / with 8,
    both on the cluster. Near 1.0 when the cost is linear in clients.
(c) one client's pack / the floor, as benchmarks/run.py measures it (all
    notebooks; the floor is as many empty notebooks run the same way).

The clients are copies of the sample clients (Meridian Works and Northgate Systems
in turn). The batches run the notebooks given with --notebook, by default the
stress test alone, so the whole run stays within minutes; no PDF. Absolute
times vary by about 30% from run to run, and more on a machine shared with
other work: the ratios are the figures to read.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import bench_report

from salesnb import paths
from salesnb.report.batch import run_batch

SAMPLES = ("meridian-works", "northgate-systems")


def _clients(parent: Path, count: int) -> list[Path]:
    parent.mkdir(parents=True)
    folders = []
    for i in range(count):
        folder = parent / f"client-{i + 1:02d}"
        shutil.copytree(paths.SAMPLE_DATA / SAMPLES[i % len(SAMPLES)], folder)
        folders.append(folder)
    return folders


def _batch(folders: list[Path], out: Path, workers: int, notebooks: list[str]) -> float:
    t0 = time.perf_counter()
    result = run_batch(folders, out, notebooks=notebooks, pdf=False, workers=workers)
    seconds = time.perf_counter() - t0
    if not result.ok:
        raise SystemExit(f"the batch failed: {result.reasons}")
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="local workers (default: 2)")
    parser.add_argument(
        "--notebook",
        action="append",
        help="a notebook each report runs (repeatable; default: the stress test alone)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of (c), median (default 1)")
    args = parser.parse_args(argv)
    notebooks = args.notebook or ["02-pro-forma-stress-test.ipynb"]

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        eight = _clients(tmp / "eight", 8)
        thirty_two = _clients(tmp / "thirty-two", 32)
        _batch(eight[:2], tmp / "warm", 0, notebooks)  # file caches, once for every side
        sequential = _batch(eight, tmp / "out-seq", 0, notebooks)
        parallel = _batch(eight, tmp / "out-par", args.workers, notebooks)
        many = _batch(thirty_two, tmp / "out-32", args.workers, notebooks)
    print(f"notebooks per report: {', '.join(notebooks)}; no PDF")
    print(
        f"(a) 8 clients, sequential / {args.workers} workers: {sequential / parallel:5.2f}  "
        f"(sequential {sequential:.1f} s, cluster {parallel:.1f} s; target >= 1.8 on 2 cores)"
    )
    print(
        f"(b) per client, 32 clients / 8 clients:  {(many / 32) / (parallel / 8):5.2f}  "
        f"({many / 32:.2f} s and {parallel / 8:.2f} s a client; 1.0 is linear)"
    )
    full, floor = bench_report(args.repeat)
    print(
        f"(c) report pack / floor:                 {full / floor:5.2f}  "
        f"(report {full:.2f} s, floor {floor:.2f} s; target <= 1.5)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
