"""A portfolio batch on a real dask cluster of two worker processes.

The workers are processes of their own, so a fault is put into them with a worker
plugin (``portfolio_faults``) rather than a monkeypatch; the clients are the
sample clients, and copies of one of them. Only the stress-test notebook runs,
which keeps each report to a few seconds.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import psutil
import pytest

from salesnb import paths
from salesnb.report import batch, runner

distributed = pytest.importorskip("distributed")

from portfolio_faults import FAILING, MESSAGE, NotebookFails

STRESS_TEST = "02-pro-forma-stress-test.ipynb"
SAMPLES = ("meridian-works", "northgate-systems")

pytestmark = pytest.mark.slow


@pytest.fixture
def cluster():
    """A local cluster of two single-threaded worker processes, and its client."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            scheduler_kwargs={"dashboard": False},
        ) as made,
        distributed.Client(made, set_as_default=False) as client,
    ):
        yield made, client


def _clients(parent: Path) -> list[Path]:
    parent.mkdir()
    for name in SAMPLES:
        shutil.copytree(paths.SAMPLE_DATA / name, parent / name)
    return [parent / name for name in SAMPLES]


def _left_behind(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


def test_good_packs_written_and_failures_on_the_portfolio_page(tmp_path, cluster):
    made, client = cluster
    client.register_plugin(NotebookFails())
    parent = tmp_path / "clients"
    folders = _clients(parent)
    shutil.copytree(parent / "meridian-works", parent / "broken")
    (parent / "broken" / "roster.csv").unlink()
    shutil.copytree(parent / "meridian-works", parent / FAILING)
    folders += [parent / "broken", parent / FAILING]
    out = tmp_path / "out"
    lines: list[str] = []

    result = runner.run_batch(
        folders,
        out,
        notebooks=[STRESS_TEST],
        pdf=False,
        scheduler=made.scheduler_address,
        portfolio=True,
        log=lines.append,
    )

    assert sorted(p.name for p in out.iterdir()) == [
        f"{FAILING}.failed",
        *SAMPLES[:1],
        *SAMPLES[1:],
        "portfolio",
    ]
    for name in SAMPLES:
        figures = json.loads((out / name / "figures.json").read_text(encoding="utf-8"))
        assert figures["client"]["folder"] == name
        assert (out / name / "report.html").is_file()
    assert sorted(r.folder.name for r in result.done) == list(SAMPLES)
    assert list(result.reasons) == ["broken", FAILING]
    assert result.reasons["broken"].startswith("roster.csv")
    assert STRESS_TEST in result.reasons[FAILING] and MESSAGE in result.reasons[FAILING]
    # the failed run's notebook is kept here, and its message names it here
    kept = out / f"{FAILING}.failed" / "notebooks" / STRESS_TEST
    assert kept.is_file()
    assert str(kept.resolve()) in result.failed[FAILING]
    assert MESSAGE in kept.read_text(encoding="utf-8")

    page = json.loads((out / "portfolio" / "portfolio.json").read_text(encoding="utf-8"))
    rows = {c["folder"]: c for c in page["clients"]}
    assert list(rows) == ["meridian-works", "northgate-systems", "broken", FAILING]
    assert [rows[n]["state"] for n in rows] == ["written", "written", "failed", "failed"]
    assert rows[FAILING]["reason"] == result.reasons[FAILING]
    assert rows["broken"]["reason"] == result.reasons["broken"]
    cut = {n: rows[n]["figures"]["proforma"]["largest_survivable_cut_cash"] for n in SAMPLES}
    by_value = sorted(SAMPLES, key=lambda n: -cut[n]["value"])
    assert [cut[n]["rank"] for n in by_value] == [1, 2]
    assert page["medians"]["proforma"]["largest_survivable_cut_cash"]["all"] == pytest.approx(
        (cut[SAMPLES[0]]["value"] + cut[SAMPLES[1]]["value"]) / 2
    )
    html = (out / "portfolio" / "portfolio.html").read_text(encoding="utf-8")
    assert f"failed: {result.reasons['broken']}" in html.replace("&#x27;", "'")
    assert (out / "portfolio" / "portfolio.xlsx").is_file()
    assert _left_behind(out) == []


def test_a_worker_killed_mid_run_loses_no_pack(tmp_path, cluster):
    made, _ = cluster
    folders = _clients(tmp_path / "clients")
    out = tmp_path / "out"
    killed: list[int] = []
    kernels: list[psutil.Process] = []

    def kill_one_worker_when_its_kernel_runs() -> None:
        """The cluster's workers are this process's children, their kernels theirs."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            workers = {w.pid for w in psutil.Process().children()}
            for process in psutil.Process().children(recursive=True):
                try:
                    if "ipykernel" not in " ".join(process.cmdline()):
                        continue
                    owner = process.parent()
                    if owner is None or owner.pid not in workers:
                        continue
                    kernels.append(process)
                    time.sleep(1.0)  # well into the notebook
                    owner.kill()
                    killed.append(owner.pid)
                    return
                except psutil.Error:
                    continue
            time.sleep(0.1)

    killer = threading.Thread(target=kill_one_worker_when_its_kernel_runs)
    killer.start()
    lines: list[str] = []
    result = runner.run_batch(
        folders,
        out,
        notebooks=[STRESS_TEST],
        pdf=False,
        scheduler=made.scheduler_address,
        log=lines.append,
    )
    killer.join()

    assert killed, "no worker was killed: the test did not test anything"
    assert result.ok, result.failed
    assert sorted(r.folder.name for r in result.done) == list(SAMPLES)  # each once
    for name in SAMPLES:
        assert sum(1 for line in lines if line.startswith(f"{name}: report written to")) == 1
        assert (out / name / "figures.json").is_file()
    assert sorted(p.name for p in out.iterdir()) == list(SAMPLES)  # nothing half-written
    # the dead worker's kernels stopped when their parent went
    _, alive = psutil.wait_procs(kernels, timeout=10)
    assert [p for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []


def test_in_process_gives_the_same_figures_as_the_cluster(tmp_path):
    folders = _clients(tmp_path / "clients")
    notebooks = ["01-annual-plan.ipynb", STRESS_TEST]
    here = runner.run_batch(folders, tmp_path / "here", notebooks=notebooks, pdf=False, workers=0)
    there = runner.run_batch(folders, tmp_path / "there", notebooks=notebooks, pdf=False, workers=2)
    assert here.ok and there.ok, (here.failed, there.failed)
    for name in SAMPLES:
        mine = (tmp_path / "here" / name / "figures.json").read_bytes()
        theirs = (tmp_path / "there" / name / "figures.json").read_bytes()
        assert mine == theirs, name
        assert b'"plan"' in mine and b'"proforma"' in mine


def test_without_dask_the_batch_runs_here_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "dask_available", lambda: False)
    ran: list[str] = []

    def committed(source, target, parameters, workdir, cwd):
        ran.append(Path(parameters["client_dir"]).name)
        shutil.copyfile(source, target)

    monkeypatch.setattr("salesnb.report.runner.execute_notebook", committed)
    folders = _clients(tmp_path / "clients")
    result = runner.run_batch(
        folders, tmp_path / "out", notebooks=[STRESS_TEST], pdf=False, workers=None
    )
    assert ran == list(SAMPLES)  # in this process: the monkeypatch saw every run
    assert result.ok
    (note,) = result.notes
    assert "salesnb[portfolio]" in note and "in this process" in note


def test_a_kernel_that_did_not_start_is_tried_again(tmp_path, monkeypatch):
    calls: list[str] = []

    def flaky(source, target, parameters, workdir, cwd):
        calls.append(Path(parameters["client_dir"]).name)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        shutil.copyfile(source, target)

    monkeypatch.setattr("salesnb.report.runner.execute_notebook", flaky)
    folders = _clients(tmp_path / "clients")[:1]
    lines: list[str] = []
    result = runner.run_batch(
        folders, tmp_path / "out", notebooks=[STRESS_TEST], pdf=False, log=lines.append
    )
    assert result.ok, result.failed
    assert calls == [SAMPLES[0], SAMPLES[0]]
    assert any("a kernel did not start; trying again" in line for line in lines)
