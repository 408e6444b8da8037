"""A consultant's portfolio: every client's report in one batch, on dask.distributed.

:func:`run_batch` checks every client folder first (a broken one is reported
and the others go on), then runs one task per client:

- by default on a :class:`distributed.LocalCluster` started for the batch, one
  worker process per core, each running one report at a time (every notebook
  in a kernel of its own, as a single report does);
- with ``scheduler="tcp://host:8786"`` on an existing cluster;
- with ``workers=0``, or when dask is not installed (the ``salesnb[portfolio]``
  extra), in this process, one client after another, with a note saying so.

A worker needs no shared folder with the consultant's machine: the task carries
the client folder's files (and the figures of the scenarios already written
beside its base pack, which the workbook compares), runs the report in a
temporary folder of its own, and returns every file of each pack as bytes. This
process writes each pack with the runner's own staging folder and atomic swap,
so a client's folder always holds a whole pack, and writes a pack once, when
its task's result arrives. A worker that dies mid-run leaves nothing in the
output folder; the scheduler runs its task again on another worker.

Faults: a kernel that fails to start (the rare "Address already in use" race
of kernels over TCP, or one that dies before answering) is retried twice; a
client whose report fails is reported with its reason and the others go on;
Ctrl-C (or SIGTERM, SIGHUP) stops the batch, drops the reports in progress,
stops the local cluster and raises :class:`BatchInterrupted`, which lists the
clients already written.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesnb.errors import ClientFolderError, ReportError
from salesnb.io import slugify, validate
from salesnb.report import runner
from salesnb.report.runner import (
    BatchResult,
    Interrupted,
    ReportResult,
    inside,
    run_report,
    scenario_jobs,
)
from salesnb.report.scenarios import SCENARIOS_FOLDER, write_comparison

__all__ = [
    "KERNEL_RETRIES",
    "PORTFOLIO_FOLDER",
    "BatchInterrupted",
    "cores",
    "dask_available",
    "is_kernel_start_failure",
    "run_batch",
]

#: The folder of the portfolio page in the output folder (no client's report may take it).
PORTFOLIO_FOLDER = "portfolio"
#: How many more times a client's report is run when a kernel fails to start.
KERNEL_RETRIES = 2
#: The topic on which workers tell the submitting process how a client's report goes.
_TOPIC = "salesnb-progress"
#: Stands for the worker's output folder in a failure's message, until it is written here.
_OUT = "\x00out\x00"
#: How a kernel that never started says so (jupyter_client, zmq).
_KERNEL_START = re.compile(
    r"Kernel died before replying to kernel_info|Address already in use|"
    r"Kernel didn't respond in \d+ seconds"
)


class BatchInterrupted(Interrupted):
    """A batch stopped by a signal; ``done`` holds the reports written before it."""

    def __init__(self, signum: int, done: Sequence[ReportResult]):
        super().__init__(signum)
        self.done = list(done)


def cores() -> int:
    """The cores this process may use (the default number of local workers).

    >>> cores() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def dask_available() -> bool:
    """Whether dask.distributed can be imported (the ``salesnb[portfolio]`` extra)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def is_kernel_start_failure(message: str) -> bool:
    """Whether a failed report's message says a kernel never started (worth a retry).

    >>> is_kernel_start_failure("acme: 02.ipynb failed: Kernel died before replying to kernel_info")
    True
    >>> is_kernel_start_failure("acme: 02.ipynb failed: cell 4 raised ValueError: no")
    False
    """
    return _KERNEL_START.search(message) is not None


# ----------------------------------------------------------------------------
# what travels between this process and a worker
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientWork:
    """One client's task: its folder's files, and the runs its report asks for."""

    folder_name: str
    files: dict[str, bytes]
    #: ``scenarios/<name>/figures.json`` of the scenarios already beside its base pack.
    earlier: dict[str, bytes]
    jobs: tuple[tuple[str | None, dict[str, Any]], ...]
    notebooks: tuple[str, ...] | None
    pdf: bool


@dataclass(frozen=True)
class Pack:
    """One finished pack, every file as bytes (a base pack without its scenarios)."""

    scenario: str | None
    client: str
    files: dict[str, bytes]
    pdf: bool
    pdf_note: str
    seconds: float
    timings: dict[str, float]


@dataclass(frozen=True)
class ClientOutcome:
    """What a worker returns for one client: its packs, in order, and any failure."""

    folder_name: str
    packs: tuple[Pack, ...]
    #: The whole message of the run that failed, and its short reason.
    error: str | None = None
    reason: str | None = None
    #: The failed run: its scenario, and its executed notebooks kept for inspection.
    failed_scenario: str | None = None
    failed_files: dict[str, bytes] = field(default_factory=dict)
    host: str = ""


def _read_tree(folder: Path, skip: Sequence[str] = ()) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path (``/``-separated), with its bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if relative.parts[0] in skip or not path.is_file():
            continue
        found[relative.as_posix()] = path.read_bytes()
    return found


def _write_tree(folder: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (relative paths) under ``folder``, refusing any that would leave it."""
    root = folder.resolve()
    for name, data in files.items():
        target = (root / name).resolve()
        if root not in target.parents or Path(name).is_absolute():
            raise ReportError(f"refusing to write outside the report folder: {name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


# ----------------------------------------------------------------------------
# the worker's side
# ----------------------------------------------------------------------------

#: One report at a time in a worker process, whatever its number of threads: a report
#: starts its own kernels, and papermill changes the process's working folder.
_ONE_AT_A_TIME = threading.Lock()


def _tell(folder_name: str, line: str) -> None:
    """Send one line of a client's progress to the submitting process (if on a worker)."""
    try:
        from distributed import get_worker

        get_worker().log_event(_TOPIC, {"client": folder_name, "line": line})
    except (ImportError, ValueError):
        pass


def _with_retries(
    run: Callable[[], ReportResult], label: str, say: Callable[[str], None]
) -> ReportResult:
    """``run()``, again up to :data:`KERNEL_RETRIES` times when a kernel did not start."""
    for attempt in range(KERNEL_RETRIES + 1):
        try:
            return run()
        except ReportError as exc:
            if attempt == KERNEL_RETRIES or not is_kernel_start_failure(str(exc)):
                raise
            say(f"{label}: a kernel did not start; trying again")
    raise AssertionError("unreachable")


def build_client(work: ClientWork) -> ClientOutcome:
    """Run one client's report in a temporary folder and return its packs as bytes.

    This is the task a worker runs. The client's files are written into the
    temporary folder under their own folder name (so the report's folder, and
    its figures, are those of a run on the consultant's machine); nothing is
    left behind.
    """
    with _ONE_AT_A_TIME:
        temp = runner._own_folder(Path(tempfile.gettempdir()), "salesnb")
        try:
            return _build(work, temp)
        finally:
            shutil.rmtree(temp, ignore_errors=True)


def _build(work: ClientWork, temp: Path) -> ClientOutcome:
    folder = temp / "in" / work.folder_name
    _write_tree(folder, work.files)
    out = temp / "out"
    slug = slugify(work.folder_name)
    _write_tree(out / slug, work.earlier)
    packs: list[Pack] = []
    host = socket.gethostname()

    def say(line: str) -> None:
        _tell(work.folder_name, line)

    for name, given in work.jobs:
        label = slug if name is None else f"{slug} (scenario {name})"
        try:
            result = _with_retries(
                lambda name=name, given=given: run_report(
                    folder,
                    out,
                    notebooks=work.notebooks,
                    parameters=given,
                    scenario=name,
                    pdf=work.pdf,
                    log=say,
                ),
                label,
                say,
            )
        except Exception as exc:  # noqa: BLE001 - reported to the submitting process
            if isinstance(exc, ClientFolderError | ReportError):
                message, reason = str(exc), runner.failure_reason(exc)
            else:
                message = f"{work.folder_name}: unexpected error: {exc!r}"
                reason = f"unexpected error: {exc.__class__.__name__}: {exc}"
            parent = out if name is None else out / slug / SCENARIOS_FOLDER
            failed = parent / f"{slug if name is None else name}.failed"
            here = str(out.resolve())
            return ClientOutcome(
                folder_name=work.folder_name,
                packs=tuple(packs),
                error=message.replace(here, _OUT),
                reason=reason.replace(here, _OUT),
                failed_scenario=name,
                failed_files=_read_tree(failed) if failed.is_dir() else {},
                host=host,
            )
        skip = (SCENARIOS_FOLDER, "comparison.html") if name is None else ()
        packs.append(
            Pack(
                scenario=name,
                client=result.client,
                files=_read_tree(result.folder, skip=skip),
                pdf=result.pdf is not None,
                pdf_note=result.pdf_note,
                seconds=result.seconds,
                timings=dict(result.timings),
            )
        )
    return ClientOutcome(folder_name=work.folder_name, packs=tuple(packs), host=host)


def _versions() -> dict[str, str]:
    """What a worker has installed, for the check before a batch is sent to a cluster."""
    import salesnb

    return {"salesnb": salesnb.__version__, "host": socket.gethostname()}


# ----------------------------------------------------------------------------
# the submitting process's side
# ----------------------------------------------------------------------------


class _Signals:
    """Ctrl-C, SIGTERM and SIGHUP stop the batch with :class:`Interrupted`, except inside
    :meth:`held` (a pack being moved into place), where they wait for the block's end."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._holding = False
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            previous = signal.getsignal(signum)
            if previous in (signal.default_int_handler, signal.SIG_DFL):
                self._previous[signum] = previous
                signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if self.signum is not None:
            return
        self.signum = signum
        if not self._holding:
            raise Interrupted(signum)

    @contextmanager
    def held(self) -> Iterator[None]:
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
        if self.signum is not None:
            raise Interrupted(self.signum)

    def restore(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous = {}


def _write_pack(pack: Pack, folder: Path, out_dir: Path, signals: _Signals) -> ReportResult:
    """Write one pack a worker returned, as :func:`run_report` writes its own."""
    slug = slugify(folder.resolve().name)
    base = inside(out_dir, slug)
    if pack.scenario is None:
        parent, name = out_dir, slug
    else:
        parent, name = base / SCENARIOS_FOLDER, pack.scenario
        parent.mkdir(parents=True, exist_ok=True)
    target = inside(parent, name)
    staging = None
    try:
        with signals.held():
            staging = runner._own_folder(parent.resolve(), f".{name}.run")
        staging.chmod(0o755)
        _write_tree(staging, pack.files)
        with signals.held():
            runner.replace_pack(
                staging, target, keep=(SCENARIOS_FOLDER,) if pack.scenario is None else ()
            )
            staging = None
            shutil.rmtree(inside(parent, f"{name}.failed"), ignore_errors=True)
            try:
                compared = write_comparison(base)
            except OSError:
                compared = None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return ReportResult(
        client=pack.client,
        folder=target,
        pdf=target / "report.pdf" if pack.pdf else None,
        pdf_note=pack.pdf_note,
        seconds=pack.seconds,
        timings=dict(pack.timings),
        scenario=pack.scenario,
        comparison=compared,
    )


def _write_failed(outcome: ClientOutcome, folder: Path, out_dir: Path) -> str:
    """Keep the failed run's notebooks in ``<client>.failed`` here; its message, with the
    paths of this output folder."""
    slug = slugify(folder.resolve().name)
    if outcome.failed_scenario is None:
        parent, name = out_dir, slug
    else:
        parent, name = inside(out_dir, slug) / SCENARIOS_FOLDER, outcome.failed_scenario
    if outcome.failed_files:
        failed = inside(parent, f"{name}.failed")
        shutil.rmtree(failed, ignore_errors=True)
        _write_tree(failed, outcome.failed_files)
    return (outcome.error or "failed").replace(_OUT, str(out_dir.resolve()))


@dataclass
class _Tally:
    """What the batch has done so far, in the order of the folders given."""

    folders: list[Path]
    done: list[ReportResult] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def fail(self, folder: Path, message: str, reason: str) -> None:
        self.failed[folder.name] = message
        self.reasons[folder.name] = runner.one_line_reason(folder, reason)

    def result(self, portfolio: Path | None = None) -> BatchResult:
        order = [f.name for f in self.folders]
        return BatchResult(
            done=self.done,
            failed={n: self.failed[n] for n in order if n in self.failed},
            reasons={n: self.reasons[n] for n in order if n in self.reasons},
            notes=tuple(self.notes),
            portfolio=portfolio,
        )


def run_batch(
    folders: Sequence[Path | str],
    out_dir: Path | str,
    *,
    notebooks: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    scenario: str | None = None,
    all_scenarios: bool = False,
    pdf: bool = True,
    log: Callable[[str], None] | None = None,
    on_client_done: Callable[[], None] | None = None,
    progress: Callable[[str, str], None] | None = None,
    workers: int | None = 0,
    scheduler: str | None = None,
    portfolio: bool = False,
) -> BatchResult:
    """Every client's report: on a cluster, or in this process; one failing never stops the others.

    Parameters
    ----------
    folders : paths
        The client folders. Each, and every scenario asked of it, is checked
        before any report runs; a folder that fails is reported, the others go on.
    out_dir : path
        Where the packs go, each in ``out_dir/<client>`` as :func:`run_report` writes it.
    notebooks, parameters, scenario, pdf
        As for :func:`run_report`, for every client.
    all_scenarios : bool
        Each scenario named in a client's settings, then its base case.
    log : callable, optional
        Called with one line of progress at a time.
    on_client_done : callable, optional
        Called once for each client folder when it is written or has failed.
    progress : callable, optional
        Called with a client folder's name and its state (``waiting``, a notebook's
        progress line, ``written``, ``failed``).
    workers : int or None
        0 (the default): in this process, one client after another. None: a local
        cluster of one worker per core (:func:`cores`). A number: that many local workers.
    scheduler : str, optional
        The address of an existing dask scheduler (``tcp://host:8786``); its workers
        need salesnb (and Chromium for the PDF) installed, nothing else.
    portfolio : bool
        Write the portfolio page (:mod:`salesnb.report.portfolio`) to
        ``out_dir/portfolio/`` at the end; no client's report may then take that name.

    Returns
    -------
    BatchResult
        Its ``notes`` say where the batch ran when that was not what was asked.

    Raises
    ------
    BatchInterrupted
        On Ctrl-C, SIGTERM or SIGHUP, with the reports written before it.
    """
    say = log or (lambda _line: None)
    tell = progress or (lambda _name, _state: None)
    tally = _Tally([Path(f) for f in folders])
    out_dir = Path(out_dir)
    runner.check_out_dir(out_dir)
    if scheduler is not None and workers not in (None, 0):
        raise ReportError("give either a scheduler's address or a number of local workers")
    if workers is not None and workers < 0:
        raise ReportError(f"the number of workers cannot be negative: {workers}")
    ready = _checked(tally, scenario, parameters or {}, all_scenarios, portfolio=portfolio)

    def finished(folder: Path, state: str) -> None:
        tell(folder.name, state)
        if on_client_done:
            on_client_done()

    for folder in tally.folders:
        if folder.name in tally.failed:
            finished(folder, "failed")
    in_process = workers == 0 and scheduler is None
    if not in_process and not dask_available():
        if scheduler is not None:
            raise ReportError(
                "dask.distributed is not installed, so no scheduler can be used: "
                "pip install 'salesnb[portfolio]'"
            )
        tally.notes.append(
            "dask.distributed is not installed (pip install 'salesnb[portfolio]'): "
            "the batch ran in this process, one client after another"
        )
        say(f"note: {tally.notes[-1]}")
        in_process = True
    if ready:
        out_dir.mkdir(parents=True, exist_ok=True)
    run = _in_process if in_process else _on_cluster
    run(
        tally,
        ready,
        out_dir,
        notebooks=tuple(notebooks) if notebooks else None,
        pdf=pdf,
        say=say,
        finished=finished,
        tell=tell,
        workers=workers,
        scheduler=scheduler,
    )
    page = None
    if portfolio and scenario is None and not parameters:
        from salesnb.report.portfolio import write_portfolio

        page = write_portfolio(out_dir, tally.folders, tally.reasons)
    return tally.result(page)


def _checked(
    tally: _Tally,
    scenario: str | None,
    parameters: Mapping[str, Any],
    every: bool,
    *,
    portfolio: bool,
) -> dict[Path, list[tuple[str | None, dict[str, Any]]]]:
    """The folders ready to run, with their runs; the others failed in ``tally``."""
    ready: dict[Path, list[tuple[str | None, dict[str, Any]]]] = {}
    taken: dict[str, str] = {}
    for folder in tally.folders:
        slug = slugify(folder.resolve().name)
        if portfolio and slug == PORTFOLIO_FOLDER:
            tally.fail(
                folder,
                f"{folder.name}: its report folder '{slug}' is the portfolio page's; "
                "rename the client folder",
                f"its report folder '{slug}' is the portfolio page's; rename the client folder",
            )
            continue
        if slug in taken:
            tally.fail(
                folder,
                f"{folder.name}: its report folder '{slug}' is already used by client folder "
                f"'{taken[slug]}' in this run; rename one of the two folders",
                f"its report folder '{slug}' is already used by client folder '{taken[slug]}'",
            )
            continue
        taken[slug] = folder.name
        problems = validate(folder)
        if problems:
            error = ClientFolderError(folder, problems)
            tally.fail(folder, str(error), runner.failure_reason(error))
            continue
        try:
            ready[folder] = scenario_jobs(folder, scenario, parameters, every=every)
        except (ClientFolderError, ReportError) as exc:
            tally.fail(folder, str(exc), runner.failure_reason(exc))
    return ready


def _in_process(
    tally: _Tally,
    ready: Mapping[Path, list[tuple[str | None, dict[str, Any]]]],
    out_dir: Path,
    *,
    notebooks: tuple[str, ...] | None,
    pdf: bool,
    say: Callable[[str], None],
    finished: Callable[[Path, str], None],
    tell: Callable[[str, str], None],
    **_where: Any,
) -> None:
    """Each client in turn, in this process (the runner writes each pack itself)."""
    for folder, jobs in ready.items():
        tell(folder.name, "running")
        slug = slugify(folder.resolve().name)

        def line(text: str, folder: Path = folder) -> None:
            say(text)
            tell(folder.name, text)

        try:
            for name, given in jobs:
                label = slug if name is None else f"{slug} (scenario {name})"
                tally.done.append(
                    _with_retries(
                        lambda name=name, given=given, folder=folder: run_report(
                            folder,
                            out_dir,
                            notebooks=notebooks,
                            parameters=given,
                            scenario=name,
                            pdf=pdf,
                            log=line,
                        ),
                        label,
                        say,
                    )
                )
        except Interrupted as exc:
            raise BatchInterrupted(exc.signum, tally.done) from None
        except (ClientFolderError, ReportError) as exc:
            tally.fail(folder, str(exc), runner.failure_reason(exc))
            say(f"{folder.name}: FAILED")
            finished(folder, "failed")
            continue
        except Exception as exc:  # noqa: BLE001 - one broken client must not stop the others
            tally.fail(
                folder,
                f"{folder.name}: unexpected error: {exc!r}",
                f"unexpected error: {exc.__class__.__name__}: {exc}",
            )
            say(f"{folder.name}: FAILED")
            finished(folder, "failed")
            continue
        finished(folder, "written")


def _work(
    folder: Path,
    jobs: Sequence[tuple[str | None, dict[str, Any]]],
    out_dir: Path,
    notebooks: tuple[str, ...] | None,
    pdf: bool,
) -> ClientWork:
    """One client's task: its files, and the scenarios already beside its base pack."""
    base = out_dir / slugify(folder.resolve().name)
    earlier = {}
    scenarios = base / SCENARIOS_FOLDER
    if scenarios.is_dir() and not base.is_symlink():
        for entry in sorted(scenarios.iterdir()):
            figures = entry / "figures.json"
            if entry.is_dir() and not entry.is_symlink() and figures.is_file():
                earlier[f"{SCENARIOS_FOLDER}/{entry.name}/figures.json"] = figures.read_bytes()
    return ClientWork(
        folder_name=folder.resolve().name,
        files=_read_tree(folder.resolve()),
        earlier=earlier,
        jobs=tuple((name, dict(given)) for name, given in jobs),
        notebooks=notebooks,
        pdf=pdf,
    )


@contextmanager
def _cluster(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """A dask client: of the scheduler at ``scheduler``, or of a local cluster made here."""
    import logging

    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="20s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ReportError(f"cannot reach the dask scheduler at {scheduler}: {exc}") from None
        try:
            try:
                client.wait_for_workers(1, timeout=30)
            except TimeoutError:
                raise ReportError(f"the dask scheduler at {scheduler} has no workers") from None
            _check_workers(client, scheduler)
            yield client
        finally:
            client.close()
        return
    # the workers ignore Ctrl-C: this process stops them, once it has taken stock
    ignored = threading.current_thread() is threading.main_thread()
    before = signal.signal(signal.SIGINT, signal.SIG_IGN) if ignored else None
    try:
        cluster = LocalCluster(
            n_workers=workers or cores(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        )
    finally:
        if ignored:
            signal.signal(signal.SIGINT, before)
    try:
        client = Client(cluster, set_as_default=False)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def _check_workers(client: Any, scheduler: str) -> None:
    """Refuse a cluster whose workers do not have this version of salesnb."""
    import salesnb

    try:
        found = client.run(_versions)
    except Exception as exc:  # noqa: BLE001 - a worker without salesnb cannot unpickle the call
        raise ReportError(
            f"the workers of {scheduler} cannot run salesnb ({exc.__class__.__name__}: {exc}); "
            "install it there: pip install 'salesnb[portfolio]'"
        ) from None
    wrong = sorted(a for a, v in found.items() if v.get("salesnb") != salesnb.__version__)
    if wrong:
        raise ReportError(
            f"the workers {', '.join(wrong)} of {scheduler} have another version of salesnb "
            f"than this one ({salesnb.__version__})"
        )


def _on_cluster(
    tally: _Tally,
    ready: Mapping[Path, list[tuple[str | None, dict[str, Any]]]],
    out_dir: Path,
    *,
    notebooks: tuple[str, ...] | None,
    pdf: bool,
    say: Callable[[str], None],
    finished: Callable[[Path, str], None],
    tell: Callable[[str, str], None],
    workers: int | None,
    scheduler: str | None,
) -> None:
    """Each client as one task on a dask cluster; each pack written here as it arrives."""
    if not ready:
        return
    signals = _Signals()
    lines: queue.Queue[tuple[str, str]] = queue.Queue()
    try:
        signals.install()
        with _cluster(workers, scheduler) as client:
            where = scheduler or f"a local cluster of {workers or cores()} workers"
            say(f"{len(ready)} client reports on {where}")
            client.subscribe_topic(
                _TOPIC, lambda event: lines.put((event[1]["client"], event[1]["line"]))
            )
            by_key = {}
            for folder, jobs in ready.items():
                work = _work(folder, jobs, out_dir, notebooks, pdf)
                future = client.submit(build_client, work, key=f"salesnb-{folder.name}-{id(work)}")
                by_key[future.key] = (folder, future)
                tell(folder.name, "waiting")
            pending = [future for _folder, future in by_key.values()]
            arrived: set[str] = set()
            try:
                while pending:
                    _drain(lines, say, tell)
                    ready_now = [f for f in pending if f.done()]
                    if not ready_now:
                        time.sleep(0.2)
                        continue
                    pending = [f for f in pending if f not in ready_now]
                    for future in ready_now:
                        if future.key in arrived:  # a pack is written once
                            continue
                        arrived.add(future.key)
                        folder, _ = by_key[future.key]
                        _arrived(tally, folder, future, out_dir, signals, say, finished)
                _drain(lines, say, tell)
            finally:
                left = [f for key, (_folder, f) in by_key.items() if key not in arrived]
                if left:
                    client.cancel(left)
    except Interrupted as exc:
        raise BatchInterrupted(exc.signum, tally.done) from None
    finally:
        signals.restore()


def _drain(
    lines: queue.Queue[tuple[str, str]],
    say: Callable[[str], None],
    tell: Callable[[str, str], None],
) -> None:
    while True:
        try:
            name, line = lines.get_nowait()
        except queue.Empty:
            return
        if " written to " not in line:  # a worker's names its own folder: said here instead
            say(line)
        tell(name, line)


def _arrived(
    tally: _Tally,
    folder: Path,
    future: Any,
    out_dir: Path,
    signals: _Signals,
    say: Callable[[str], None],
    finished: Callable[[Path, str], None],
) -> None:
    """Write what a client's task returned, or report why it did not return."""
    try:
        outcome: ClientOutcome = future.result()
    except Exception as exc:  # noqa: BLE001 - the task never returned: its workers died, say
        name = exc.__class__.__name__
        if name == "KilledWorker":
            reason = "its worker stopped every time it ran the report (out of memory?)"
        else:
            reason = f"unexpected error: {name}: {exc}"
        tally.fail(folder, f"{folder.name}: {reason}", reason)
        say(f"{folder.name}: FAILED")
        finished(folder, "failed")
        return
    for pack in outcome.packs:
        result = _write_pack(pack, folder, out_dir, signals)
        tally.done.append(result)
        label = "report" if pack.scenario is None else f"scenario {pack.scenario}"
        say(f"{slugify(folder.resolve().name)}: {label} written to {result.folder}")
    if outcome.error is not None:
        message = _write_failed(outcome, folder, out_dir)
        reason = (outcome.reason or message).replace(_OUT, str(out_dir.resolve()))
        tally.fail(folder, message, reason)
        say(f"{folder.name}: FAILED")
        finished(folder, "failed")
        return
    finished(folder, "written")
