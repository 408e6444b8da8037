"""The report runner when a run is cut short, fails, or meets the remains of another.

Ctrl-C is tested for real: ``salesnb report`` runs in a process of its own, the
signal arrives while its notebooks are executing, and the test reads what a
consultant would find afterwards: the exit status, the one line printed, the
earlier report pack byte for byte, the output and temporary folders, and no
kernel left running. A run killed outright (it cannot clean up) shows what the
next run must clear. The other cases run in this process, with the committed
notebooks standing in for the kernels where the figures do not matter.

Kernel sockets live in the run's temporary folder and a socket's path is
limited to about a hundred characters, so the temporary folder (TMPDIR) of
these runs is a short one made for each test, not under ``tmp_path``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from salesnb import paths
from salesnb.cli import main
from salesnb.report import runner

SAMPLE = paths.SAMPLE_CLIENT
STRESS_TEST = "02-pro-forma-stress-test.ipynb"
ONLY_STRESS_TEST = ["--notebook", STRESS_TEST]
#: A signal must stop the run within this many seconds (measured: well under one).
PROMPT = 5.0

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and process groups")


@pytest.fixture
def temp(monkeypatch) -> Iterator[Path]:
    """A short temporary folder, used by this process's runs and given to child runs."""
    folder = Path(tempfile.mkdtemp(prefix="sn"))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def stand_in(monkeypatch) -> list[str]:
    """Skip the kernels: each "run" copies the committed, executed notebook (the pack
    is built from the copies as from real runs). Returns the client folders run."""
    ran: list[str] = []

    def committed(source, target, parameters, workdir, cwd):
        ran.append(Path(parameters["client_dir"]).name)
        shutil.copyfile(source, target)

    monkeypatch.setattr("salesnb.report.runner.execute_notebook", committed)
    return ran


@pytest.fixture
def kernels_seen() -> Iterator[list[psutil.Process]]:
    """Kernels a test saw; any still running at the end is killed, and the test fails."""
    seen: list[psutil.Process] = []
    yield seen
    left = _running(seen)
    for kernel in left:
        kernel.kill()
    assert not left, f"kernels left running: {left}"


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _good_pack(out: Path, capsys) -> dict[str, bytes]:
    """Write a good report pack of the sample into ``out`` (committed notebooks, no kernels)."""
    status = main(["report", str(SAMPLE), "--out", str(out), "--no-pdf", "-q", *ONLY_STRESS_TEST])
    assert status == 0, capsys.readouterr().err
    capsys.readouterr()
    return _files(out / "cedar-ridge")


def _start_report(out: Path, temp: Path, *extra: str) -> subprocess.Popen[str]:
    """``salesnb report <sample> --out OUT --no-pdf -q`` in a process (and process group) of
    its own, as a consultant's terminal runs it."""
    command = [sys.executable, "-m", "salesnb.cli", "report", str(SAMPLE), "--out", str(out)]
    return subprocess.Popen(
        [*command, "--no-pdf", "-q", *extra],
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _executing(run: subprocess.Popen[str], seen: list[psutil.Process], seconds: float) -> None:
    """Wait until a kernel of ``run`` has been executing its notebook for ``seconds``,
    noting every kernel seen in ``seen``."""
    parent = psutil.Process(run.pid)
    first = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if run.poll() is not None:
            pytest.fail(f"the run ended before it was interrupted: {run.communicate()}")
        try:
            children = parent.children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        for child in children:
            try:
                if "ipykernel" in " ".join(child.cmdline()) and child not in seen:
                    seen.append(child)
            except psutil.Error:
                continue
        if seen and first is None:
            first = time.monotonic()
        if first is not None and time.monotonic() - first >= seconds:
            return
        time.sleep(0.05)
    pytest.fail("no kernel started within a minute")


def _running(processes: list[psutil.Process], wait: float = 3.0) -> list[psutil.Process]:
    """Those of ``processes`` still running after ``wait`` seconds (zombies count as ended)."""
    _, alive = psutil.wait_procs(processes, timeout=wait)
    left = []
    for process in alive:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                left.append(process)
        except psutil.NoSuchProcess:
            continue
    return left


# ----------------------------------------------------------------------------
# Ctrl-C, for real
# ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("sent_to", ["terminal", "process"])
def test_ctrl_c_stops_the_run_at_once_and_keeps_the_earlier_pack(
    tmp_path, temp, stand_in, kernels_seen, capsys, sent_to
):
    """Ctrl-C in a terminal signals the whole process group; ``kill -INT`` the process."""
    out = tmp_path / "out"
    before = _good_pack(out, capsys)
    run = _start_report(out, temp)
    _executing(run, kernels_seen, seconds=1.0)

    sent = time.monotonic()
    if sent_to == "terminal":
        os.killpg(run.pid, signal.SIGINT)
    else:
        run.send_signal(signal.SIGINT)
    stdout, stderr = run.communicate(timeout=60)
    took = time.monotonic() - sent

    assert run.returncode == 130, stderr
    assert took < PROMPT, f"the run took {took:.1f} s to stop"
    (line,) = stderr.splitlines()  # one line: no traceback, nothing from the kernels
    assert line.startswith("interrupted: ")
    assert "last complete pack" in line
    assert stdout == ""
    assert _files(out / "cedar-ridge") == before, "the earlier pack changed"
    assert _listing(out) == ["cedar-ridge"], "staging or a failed copy was left"
    assert _listing(temp) == [], "a temporary folder or kernel file was left"
    assert kernels_seen
    assert _running(kernels_seen) == [], "a kernel outlived the run"


@pytest.mark.slow
def test_a_killed_run_leaves_folders_that_the_next_run_removes(
    tmp_path, temp, stand_in, kernels_seen, capsys
):
    """SIGKILL cannot be caught: the staging and temporary folders stay until the next run."""
    out = tmp_path / "out"
    _good_pack(out, capsys)
    run = _start_report(out, temp)
    _executing(run, kernels_seen, seconds=0.5)
    run.kill()
    run.communicate(timeout=60)

    staging = [n for n in _listing(out) if n.startswith(f".cedar-ridge.run-{run.pid}-")]
    work = [n for n in _listing(temp) if n.startswith(f"salesnb-{run.pid}-")]
    assert staging and work, (_listing(out), _listing(temp))
    assert _running(kernels_seen, wait=10.0) == []  # a kernel ends once its runner is gone

    assert main(["report", str(SAMPLE), "--out", str(out), "--no-pdf", "-q"]) == 0
    assert _listing(out) == ["cedar-ridge"]
    assert _listing(temp) == []


@pytest.mark.slow
def test_a_run_still_going_keeps_its_folders(tmp_path, temp, stand_in, kernels_seen, capsys):
    """Two runs into one output folder: the second never clears the first one's folders."""
    out = tmp_path / "out"
    two = ["--notebook", "01-annual-plan.ipynb", "--notebook", STRESS_TEST]
    first = _start_report(out, temp, *two)  # ~8 s; the second run takes ~2 s
    _executing(first, kernels_seen, seconds=0.5)
    own = [n for n in _listing(out) if n.startswith(f".cedar-ridge.run-{first.pid}-")]
    work = [n for n in _listing(temp) if n.startswith(f"salesnb-{first.pid}-")]
    assert own and work

    assert (
        main(["report", str(SAMPLE), "--out", str(out), "--no-pdf", "-q", *ONLY_STRESS_TEST]) == 0
    )
    assert first.poll() is None, "the first run ended too soon for the test to mean anything"
    assert set(own) <= set(_listing(out))
    assert set(work) <= set(_listing(temp))

    stdout, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr
    assert "report written" in stdout
    assert len(_listing(out / "cedar-ridge" / "notebooks")) == 2, "the later pack is in place"
    assert _listing(out) == ["cedar-ridge"]
    assert _listing(temp) == []


def test_leftovers_are_judged_by_the_process_that_made_them(
    tmp_path, temp, stand_in, capsys, ended_pid
):
    out = tmp_path / "out"
    out.mkdir()
    ended = ended_pid
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        here = socket.gethostname()
        started = psutil.Process(live.pid).create_time()

        def made(parent: Path, name: str, owner: dict | None = None) -> Path:
            folder = parent / name
            (folder / "notebooks").mkdir(parents=True)
            (folder / "report.html").write_text(name, encoding="utf-8")
            if owner is not None:
                (folder / ".salesnb-run").write_text(json.dumps(owner), encoding="utf-8")
            return folder

        made(out, "cedar-ridge")  # an earlier pack of the client reported below
        gone = [
            made(out, f".cedar-ridge.run-{ended}-ab12cd34"),
            made(out, f".south.run-{ended}-x_9", {"pid": ended, "host": here, "started": None}),
            # the live process's id, but a process that started at another time: reused
            made(
                out,
                f".cedar-ridge.run-{live.pid}-reused",
                {"pid": live.pid, "host": here, "started": started - 3600},
            ),
            made(out, f".cedar-ridge.old-{ended}-ab12cd34"),  # cedar-ridge is written anew
            made(temp, f"salesnb-{ended}-ab12cd34"),
        ]
        kept = [
            made(out, f".cedar-ridge.run-{live.pid}-ab12cd34"),
            made(
                out,
                f".cedar-ridge.run-{live.pid}-marked",
                {"pid": live.pid, "host": here, "started": started},
            ),
            made(out, f".cedar-ridge.run-{ended}-remote", {"pid": ended, "host": f"not-{here}"}),
            made(out, ".cedar-ridge.notes"),  # not a name the runner makes
            made(out, f".cedar-ridge.run-{os.getpid()}-this"),  # this process: a run in a thread
            made(temp, f"salesnb-{live.pid}-ab12cd34"),
            made(temp, f"salesnb-{ended}-notes-x"),
        ]
        # an earlier pack set aside at the moment of a swap, its client folder gone: put back
        set_aside = made(out, f".north.old-{ended}-ab12cd34")
        set_aside_files = _files(set_aside)

        assert (
            main(["report", str(SAMPLE), "--out", str(out), "--no-pdf", "-q", *ONLY_STRESS_TEST])
            == 0
        ), capsys.readouterr().err
        for folder in gone:
            assert not folder.exists(), folder.name
        for folder in kept:
            assert folder.is_dir(), folder.name
            assert (folder / "report.html").read_text(encoding="utf-8") == folder.name
        assert not set_aside.exists()
        assert _files(out / "north") == set_aside_files
        assert (out / "cedar-ridge" / "report.html").is_file()
    finally:
        live.kill()
        live.wait()


# ----------------------------------------------------------------------------
# interruptions inside this process
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "status", "words"),
    [(signal.SIGINT, 130, "interrupted: "), (signal.SIGTERM, 143, "stopped by SIGTERM: ")],
)
def test_a_signal_mid_notebook_drops_the_run_and_keeps_the_pack(
    tmp_path, temp, stand_in, monkeypatch, capsys, signum, status, words
):
    out = tmp_path / "out"
    before = _good_pack(out, capsys)
    default = signal.getsignal(signum)

    def signalled(source, target, parameters, workdir, cwd):
        shutil.copyfile(source, target)  # half a run: a notebook in the staging folder
        # never deliver a signal that nobody catches: SIGTERM would end the test run
        assert signal.getsignal(signum) is not default, "the run handles no signals"
        signal.raise_signal(signum)
        raise AssertionError("the signal did not stop the run")

    monkeypatch.setattr("salesnb.report.runner.execute_notebook", signalled)
    assert main(["report", str(SAMPLE), "--out", str(out), "--no-pdf"]) == status
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith(words)
    assert "Traceback" not in err
    assert signal.getsignal(signum) is default, "the handler was not put back"
    assert _files(out / "cedar-ridge") == before
    assert _listing(out) == ["cedar-ridge"]
    assert _listing(temp) == []


def test_a_signal_during_the_swap_waits_for_the_whole_pack(
    tmp_path, temp, stand_in, monkeypatch, capsys
):
    """Between setting the earlier pack aside and moving the new one in, the client has no
    pack: a Ctrl-C there takes effect once the new pack is in place."""
    out = tmp_path / "out"
    _good_pack(out, capsys)
    stand_in.clear()
    mark = runner._mark

    def interrupted_mid_swap(folder: Path) -> None:
        if ".old-" in folder.name:
            signal.raise_signal(signal.SIGINT)
        mark(folder)

    monkeypatch.setattr(runner, "_mark", interrupted_mid_swap)
    assert main(["report", str(SAMPLE), "--out", str(out), "--no-pdf", "-q"]) == 130
    assert capsys.readouterr().err.startswith("interrupted: ")
    assert _listing(out) == ["cedar-ridge"]
    notebooks = _listing(out / "cedar-ridge" / "notebooks")
    assert len(notebooks) == len(stand_in) > 1, "the new pack, whole"
    assert (out / "cedar-ridge" / "figures.json").is_file()
    assert _listing(temp) == []


# ----------------------------------------------------------------------------
# --out
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("under", [False, True])
@pytest.mark.parametrize("batch", [False, True])
def test_out_naming_a_file_is_a_command_line_mistake(tmp_path, capsys, stand_in, under, batch):
    file = tmp_path / "reports.txt"
    file.write_text("a file, not a folder\n", encoding="utf-8")
    out = file / "reports" if under else file
    folder = [str(SAMPLE.parent), "--all"] if batch else [str(SAMPLE)]

    assert main(["report", *folder, "--out", str(out), "--no-pdf"]) == 2
    err = capsys.readouterr().err
    (line,) = err.splitlines()
    assert line.startswith("error: --out: ")
    assert str(file) in line
    assert "unexpected" not in line
    assert file.read_text(encoding="utf-8") == "a file, not a folder\n"
    assert stand_in == []


def test_run_report_refuses_an_out_that_is_a_file(tmp_path):
    file = tmp_path / "reports"
    file.write_text("", encoding="utf-8")
    with pytest.raises(runner.ReportError, match=re.escape(f"{file} is a file, not a folder")):
        runner.run_report(SAMPLE, file, pdf=False)


# ----------------------------------------------------------------------------
# a batch
# ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_batch_ends_with_each_failed_client_and_why(
    tmp_path, temp, stand_in, monkeypatch, capsys
):
    parent = tmp_path / "clients"
    parent.mkdir()
    for name in ("alpha", "broken", "north", "south"):
        shutil.copytree(SAMPLE, parent / name)
    out = tmp_path / "out"
    # in this process (--workers 0), where the stand-in notebooks reach
    command = [
        "report",
        str(parent),
        "--all",
        "--workers",
        "0",
        "--out",
        str(out),
        "--no-pdf",
        "-q",
    ]
    assert main([*command, *ONLY_STRESS_TEST]) == 0, capsys.readouterr().err
    capsys.readouterr()
    alpha_before, broken_before = _files(out / "alpha"), _files(out / "broken")
    (parent / "broken" / "roster.csv").unlink()

    def alpha_fails(source, target, parameters, workdir, cwd):
        shutil.copyfile(source, target)
        if Path(parameters["client_dir"]).name == "alpha":
            raise RuntimeError("broken on purpose")

    monkeypatch.setattr("salesnb.report.runner.execute_notebook", alpha_fails)
    assert main([*command, *ONLY_STRESS_TEST]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()

    at = lines.index("2 of 4 client reports written; 2 failed:")
    assert len(lines) == at + 3, "one line for each client that failed, and nothing after"
    assert lines[at + 1] == f"  alpha: {STRESS_TEST} failed: broken on purpose"
    assert re.fullmatch(r"  broken: roster\.csv\b.*", lines[at + 2]), lines[at + 2]
    assert "the executed notebook is kept" in captured.err  # the whole message, above
    # the failing client came first and stopped nobody; its earlier report is as it was
    assert (out / "north" / "report.html").is_file() and (out / "south" / "report.html").is_file()
    assert _files(out / "alpha") == alpha_before
    assert _files(out / "broken") == broken_before
    assert _listing(out) == ["alpha", "alpha.failed", "broken", "north", "portfolio", "south"]
    assert _listing(temp) == []
