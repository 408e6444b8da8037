"""The report pack: every notebook run for one client, written in one place.

:func:`run_report` checks the client folder, runs each notebook with papermill
(parameters injected from the folder), and writes::

    <out>/<client>/
        report.html        one self-contained report, no code, inputs first
        report.pdf         the same, printed by Chromium when one is installed
        figures.json       the headline figures, by section (names in the README)
        tables.xlsx        the tables, one sheet each, and the inputs
        notebooks/*.ipynb  the executed notebooks
        calendars/         the training plan and operating rhythm (.ics and .csv), when included
        comparison.html    the base case beside each scenario (salesnb.report.scenarios)
        scenarios/<name>/  a scenario's pack, laid out as the base pack

A run with overrides is a scenario: its pack goes to ``scenarios/<name>/`` and
never over the base pack, which keeps its scenarios when it is written again.
``comparison.html`` is written afresh after every run.

Everything is written into a staging folder beside the target and moved into
place only when the whole pack is ready, so a failed run never replaces an
earlier good report; the failed run's executed notebooks are kept in
``<out>/<client>.failed/`` for inspection. :func:`run_batch` runs a whole
folder of clients (in this process, or on dask.distributed: see
:mod:`salesnb.report.batch`), and one failing client never stops the others.

Interruption: during a run, Ctrl-C (SIGINT), SIGTERM and SIGHUP kill the
kernels the run started at once (a cell may run on, and a kernel's own
shutdown waits for it), then stop the run with :class:`Interrupted`; its
clean-up removes the staging and temporary folders, and further signals wait
for that clean-up to finish. A signal while the finished pack is being moved
into place waits for the move, so the client's folder always holds a whole
pack. The folders a run makes are named for the process that owns it,
``<out>/.<client>.run-<pid>-<token>`` (the pack being written),
``<out>/.<client>.old-<pid>-<token>`` (the earlier pack, for the moment of the
swap) and ``salesnb-<pid>-<token>`` in the temporary folder, and each holds a
``.salesnb-run`` file naming the process and the machine. A run that could
not clean up (killed outright, power lost) leaves them behind; the next run
into the same output folder removes those whose process has ended, and puts
an earlier pack caught mid-swap back in place. Folders of a run still going,
here or on another machine sharing the folder, are never touched.

Kernels: each notebook gets a fresh kernel, talking over IPC sockets in the
run's own temporary folder rather than TCP ports, which keeps parallel runs
from colliding.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from salesnb import paths
from salesnb.errors import ClientFolderError, ReportError
from salesnb.io import PARTS, Client, load_client, parts, slugify
from salesnb.report.kernels import execute_notebook
from salesnb.report.pack import (
    combined,
    inputs_html,
    recorded,
    versions,
    write_html,
    write_pdf,
)
from salesnb.report.parameters import (
    NOTEBOOK_SECTIONS,
    NOTEBOOKS,
    PARAMETERS,
    check_parameters,
    notebook_parameters,
    with_parameters,
)
from salesnb.report.scenarios import (
    SCENARIOS_FOLDER,
    changes_html,
    check_name,
    comparison,
    name_for,
    sheet_rows,
    write_comparison,
)
from salesnb.report.workbook import write_pack_workbook

__all__ = [
    "BatchResult",
    "Interrupted",
    "ReportResult",
    "check_out_dir",
    "clear_abandoned",
    "client_folders",
    "inside",
    "run_batch",
    "run_report",
    "scenario_jobs",
]


@dataclass(frozen=True)
class ReportResult:
    client: str
    folder: Path
    pdf: Path | None
    pdf_note: str
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    #: The scenario's name; None for the base case.
    scenario: str | None = None
    #: The base case's pack folder's page of the base case beside its scenarios.
    comparison: Path | None = None

    @property
    def html(self) -> Path:
        return self.folder / "report.html"


@dataclass(frozen=True)
class BatchResult:
    """What a batch did: the reports written, and for each client folder that failed,
    the whole message (``failed``) and why in one short line (``reasons``)."""

    done: list[ReportResult]
    failed: dict[str, str]
    reasons: dict[str, str] = field(default_factory=dict)
    #: What the consultant should know about where the batch ran (no dask: in this process).
    notes: tuple[str, ...] = ()
    #: The portfolio page's folder, when the batch wrote one.
    portfolio: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


class Interrupted(KeyboardInterrupt):
    """A run stopped by a signal: Ctrl-C (SIGINT), SIGTERM or SIGHUP (``signum``)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def inside(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing any name that would lead outside ``out_dir``."""
    out_dir = out_dir.resolve()
    target = (out_dir / name).resolve()
    if target.parent != out_dir or name in {"", ".", ".."}:
        raise ReportError(f"refusing to write outside the output folder: {name!r}")
    return target


def check_out_dir(out_dir: Path | str) -> None:
    """Refuse an output folder that is a file, or would have to be made inside one.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as f:
    ...     check_out_dir(f.name)
    Traceback (most recent call last):
    ...
    salesnb.errors.ReportError: the output folder ... is a file, not a folder
    """
    out_dir = Path(out_dir)
    for path in (out_dir, *out_dir.parents):
        if path.exists():
            if path.is_dir():
                return
            if path == out_dir:
                raise ReportError(f"the output folder {out_dir} is a file, not a folder")
            raise ReportError(f"the output folder {out_dir} cannot be made: {path} is a file")


def _available(notebooks: Sequence[str] | None) -> list[Path]:
    names = list(notebooks) if notebooks else list(NOTEBOOKS)
    found = [paths.NOTEBOOKS / n for n in names if (paths.NOTEBOOKS / n).is_file()]
    missing = [n for n in (notebooks or []) if not (paths.NOTEBOOKS / n).is_file()]
    if missing:
        raise ReportError(f"no such notebook: {', '.join(missing)}")
    if not found:
        raise ReportError("no notebooks to run")
    return found


def run_report(
    folder: Path | str,
    out_dir: Path | str,
    *,
    notebooks: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    scenario: str | None = None,
    pdf: bool = True,
    log: Any = None,
) -> ReportResult:
    """Run every notebook for one client and write its report pack, or a scenario's.

    Parameters
    ----------
    folder : path
        The client folder. It is checked first: a bad folder raises
        :class:`~salesnb.client.ClientFolderError` before any notebook runs.
    out_dir : path
        Where report packs go; this client's is ``out_dir/<client folder name>``.
    notebooks : names, optional
        A subset of :data:`NOTEBOOKS` (default: all that exist).
    parameters : mapping, optional
        Overrides of the settings (:data:`~salesnb.report.parameters.PARAMETERS`, for
        example ``cut``). With overrides the run is a scenario: one without a
        ``scenario`` name is named for its overrides (``cut-0-4``).
    scenario : str, optional
        Write the scenario of this name to ``out_dir/<client>/scenarios/<name>/``,
        beside the base pack and never over it: the scenario of that name in the
        client's settings, with ``parameters`` over it, or ``parameters`` alone. The
        base pack's ``comparison.html`` is written again after every run.
    pdf : bool
        Print the HTML report to PDF when a Chromium is installed.
    log : callable, optional
        Called with one line of progress at a time.

    Returns
    -------
    ReportResult
    """
    started = time.perf_counter()
    say = log or (lambda _line: None)
    reserved = {"client_dir", "interactive"} & set(parameters or {})
    if reserved:
        raise ReportError(
            f"{', '.join(sorted(reserved))} cannot be set for a report: the runner sets it"
        )
    client = load_client(folder)
    name, given, named = _scenario(client, scenario, parameters or {})
    origin = f"scenario {name!r} in settings.yaml" if named else ""
    given = check_parameters(client, given, source=origin)
    shown = with_parameters(client, given) if name is not None else client
    sources, left_out = _included(_available(notebooks), client, asked=bool(notebooks))
    out_dir = Path(out_dir)
    check_out_dir(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"the output folder {out_dir} cannot be made: {exc.strerror}") from None
    base = inside(out_dir, client.slug)
    if name is None:
        parent, slug = out_dir, client.slug
    else:
        parent, slug = base / SCENARIOS_FOLDER, name
        if base.exists() and not base.is_dir():
            raise ReportError(f"{base} is not a report folder: the scenario cannot go in it")
        parent.mkdir(parents=True, exist_ok=True)
    target = inside(parent, slug)
    failed_dir = inside(parent, f"{slug}.failed")
    label = client.slug if name is None else f"{client.slug} (scenario {name})"
    timings: dict[str, float] = {}
    stop = _StopOnSignal()
    staging = work = None
    try:
        stop.install()
        clear_abandoned(out_dir)
        if name is not None:
            clear_abandoned(parent)
        with stop.held():
            staging = _own_folder(parent.resolve(), f".{slug}.run")
            work = _own_folder(Path(tempfile.gettempdir()), "salesnb")
        staging.chmod(0o755)
        (staging / "notebooks").mkdir()
        executed = []
        for source in sources:
            t0 = time.perf_counter()
            say(f"{label}: running {source.name}")
            out_nb = staging / "notebooks" / source.name
            try:
                execute_notebook(
                    source, out_nb, _injected(client, source.name, given), work, cwd=staging
                )
            except Exception as exc:  # noqa: BLE001 - any failure: keep the copy, report it
                stop.check()
                with stop.held():
                    _keep_failed(staging, failed_dir)
                raise ReportError(
                    f"{label}: {source.name} failed: {_short(exc)}\n"
                    f"  the executed notebook is kept for inspection in "
                    f"{failed_dir / 'notebooks' / source.name}"
                ) from None
            executed.append(nbformat.read(out_nb, as_version=4))
            timings[source.name] = time.perf_counter() - t0

        t0 = time.perf_counter()
        sections = {rec["section"]: rec for nb in executed for rec in recorded(nb)}
        stated = versions()
        s = client.settings
        figures = {
            "client": {
                "name": s.client.name,
                "folder": client.folder.name,
                "currency": s.client.currency,
                "as_of": s.as_of.isoformat(),
                "plan_start": s.fiscal_year_start,
                "not_included": list(left_out),
            },
            **{key: rec["figures"] for key, rec in sections.items()},
            "software": stated,
        }
        if name is not None:
            figures["scenario"] = {"name": name, "overrides": given, "from_settings": named}
        (staging / "figures.json").write_text(
            json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        _write_files(staging / CALENDARS_FOLDER, sections)
        inputs = pd.DataFrame(
            {
                "Value": [
                    s.client.name,
                    s.as_of.isoformat(),
                    s.fiscal_year_start,
                    s.client.currency,
                    *stated.values(),
                ]
            },
            index=pd.Index(
                [
                    "Client",
                    "As-of date",
                    "Plan starts",
                    "Currency",
                    *(f"Version of {k}" for k in stated),
                ],
                name="Input",
            ),
        )
        scenarios = None
        if name is None:  # the base workbook's Scenarios sheet, from the scenarios written
            found = comparison(base, base=figures)
            scenarios = sheet_rows(found) if len(found.cases) > 1 else None
        write_pack_workbook(staging / "tables.xlsx", sections, inputs, shown, scenarios=scenarios)
        title = f"{s.client.name}: sales-leadership report"
        preface = ""
        if name is not None:
            title += f", scenario {name}"
            was = {k: getattr(getattr(s, PARAMETERS[k][0]), PARAMETERS[k][1]) for k in given}
            preface = changes_html(name, given, was)
        names = [src.name for src in sources]
        write_html(
            combined(
                inputs_html(shown, stated, names, left_out),
                executed,
                title,
                preface=preface,
                figures=figures,
            ),
            staging / "report.html",
        )
        timings["html, json, excel"] = time.perf_counter() - t0
        pdf_path, pdf_note = None, "PDF not asked for"
        if pdf:
            t0 = time.perf_counter()
            pdf_path, pdf_note = write_pdf(staging / "report.html", staging / "report.pdf", work)
            timings["pdf"] = time.perf_counter() - t0
        with stop.held():
            replace_pack(staging, target, keep=(SCENARIOS_FOLDER,) if name is None else ())
            shutil.rmtree(failed_dir, ignore_errors=True)
            try:
                compared = write_comparison(base)
            except OSError as exc:
                compared = None
                say(f"{label}: the comparison page could not be written: {exc}")
        say(f"{label}: report written to {target}")
        return ReportResult(
            client=s.client.name,
            folder=target,
            pdf=target / "report.pdf" if pdf_path else None,
            pdf_note=pdf_note,
            seconds=time.perf_counter() - started,
            timings=timings,
            scenario=name,
            comparison=compared,
        )
    except Exception:
        stop.check()  # an error on the way out of an interrupted run is the interruption
        raise
    finally:
        for made in (staging, work):
            if made is not None:
                shutil.rmtree(made, ignore_errors=True)
        if work is not None:
            _remove_connection_files(work)
        stop.restore()


#: The pack's folder of the files a section records (the calendars).
CALENDARS_FOLDER = "calendars"
_FILE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.(?:ics|csv)$")


def _write_files(folder: Path, sections: Mapping[str, Mapping[str, Any]]) -> None:
    """Write the files the sections recorded (``record(..., files=...)``) into ``folder``.

    Only plain names (``training-plan.ics``) are written, never a path; a name two
    sections both record is refused.
    """
    written: set[str] = set()
    for key, section in sections.items():
        for item in section.get("files", []):
            name = str(item.get("name", ""))
            if not _FILE_NAME.fullmatch(name) or name in written:
                raise ReportError(
                    f"section {key!r} records a file that cannot be written: {name!r}"
                )
            folder.mkdir(exist_ok=True)
            (folder / name).write_text(str(item.get("text", "")), encoding="utf-8", newline="")
            written.add(name)


def _scenario(
    client: Client, scenario: str | None, parameters: Mapping[str, Any]
) -> tuple[str | None, dict[str, Any], bool]:
    """The run's scenario name (None: the base case), its overrides, and whether the
    settings name it: a named scenario's overrides with ``parameters`` over them."""
    named = client.settings.scenarios
    if scenario is None:
        if not parameters:
            return None, {}, False
        return name_for(parameters), dict(parameters), False
    check_name(scenario)
    if scenario not in named and not parameters:
        known = ", ".join(named) or "none"
        raise ReportError(
            f"{client.slug}: no scenario {scenario!r} in settings.yaml (named there: {known}); "
            "to run a new one, give its overrides, such as -p cut=0.4"
        )
    return scenario, {**named.get(scenario, {}), **parameters}, scenario in named


def scenario_jobs(
    folder: Path | str, scenario: str | None, parameters: Mapping[str, Any], *, every: bool
) -> list[tuple[str | None, dict[str, Any]]]:
    """The runs one client's report asks for, each checked before any notebook runs: a
    scenario name (None: the base case) and the overrides given on the command line.

    ``every``: each scenario named in the settings, then the base case (whose workbook
    then compares them all).
    """
    if every and (scenario is not None or parameters):
        raise ReportError(
            "every named scenario runs as the settings name it: no scenario or overrides"
        )
    client = load_client(folder)
    if every:
        jobs: list[tuple[str | None, dict[str, Any]]] = [
            (name, {}) for name in client.settings.scenarios
        ]
        jobs.append((None, {}))
    else:
        jobs = [(scenario, dict(parameters))]
    for name, given in jobs:
        found, overrides, named = _scenario(client, name, given)
        source = f"scenario {found!r} in settings.yaml" if named else ""
        try:
            check_parameters(client, overrides, source=source)
        except ReportError as exc:
            raise ReportError(f"{client.slug}: {exc}") from None
    return jobs


def _included(
    sources: list[Path], client: Client, *, asked: bool
) -> tuple[list[Path], dict[str, str]]:
    """The notebooks whose part of the report the client's folder includes, and for
    each part left out, what to add; a notebook asked for by name must be included."""
    included = parts(client.settings, client.crm)
    kept = [s for s in sources if included.get(NOTEBOOK_SECTIONS.get(s.name, ""), True)]
    left_out = {p.title: p.to_add for p in PARTS if not included[p.key]}
    if asked and len(kept) < len(sources):
        refused = [s.name for s in sources if s not in kept]
        keys = [NOTEBOOK_SECTIONS[n] for n in refused]
        reasons = "; ".join(f"{p.title}: {p.to_add}" for p in PARTS if p.key in keys)
        raise ReportError(
            f"{client.slug}: {', '.join(refused)} not included for this client ({reasons})"
        )
    return kept, left_out


def _injected(client: Client, notebook: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters one notebook gets: the client, no live panel, and its own overrides."""
    own = notebook_parameters(notebook) if notebook in NOTEBOOK_SECTIONS else tuple(given)
    return {
        "client_dir": str(client.folder.resolve()),
        "interactive": False,
        **{name: value for name, value in given.items() if name in own},
    }


def _short(exc: BaseException) -> str:
    text = str(exc).strip()
    # papermill's message ends with the traceback; the first lines name the cell and the error
    lines = [line for line in text.splitlines() if line.strip()]
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        cell = getattr(exc, "exec_count", None)
        where = f"cell {cell} raised " if cell else ""
        return f"{where}{ename}: {evalue}"
    return lines[0] if lines else exc.__class__.__name__


def _keep_failed(staging: Path, failed_dir: Path) -> None:
    shutil.rmtree(failed_dir, ignore_errors=True)
    shutil.copytree(staging, failed_dir, ignore=shutil.ignore_patterns(_OWNER_FILE))


def replace_pack(staging: Path, target: Path, keep: Sequence[str] = ()) -> None:
    """Move the finished pack into place; the old one is removed only once the new one is there.

    The old pack is set aside as ``.<client>.old-<pid>-<token>``, named for this run,
    so that if the process dies between the two renames the next run puts it back.
    The folders ``keep`` names (a base pack's scenarios) move from the old pack into
    the new one; if the process dies before they do, the next run moves them.
    """
    (staging / _OWNER_FILE).unlink(missing_ok=True)
    old = None
    if target.exists():
        old = target.with_name(staging.name.replace(".run-", ".old-", 1))
        target.rename(old)
    try:
        if old is not None:
            _mark(old)
        staging.rename(target)
    except OSError:
        if old is not None:
            (old / _OWNER_FILE).unlink(missing_ok=True)
            old.rename(target)
        raise
    if old is not None:
        _carry(old, target, keep)
        shutil.rmtree(old, ignore_errors=True)


def _carry(old: Path, new: Path, keep: Sequence[str]) -> None:
    """Move the folders ``keep`` names from the pack ``old`` into ``new``, if it has none."""
    for name in keep:
        there = old / name
        if there.is_dir() and not there.is_symlink() and not (new / name).exists():
            there.rename(new / name)


# ----------------------------------------------------------------------------
# the folders a run makes, and what an interrupted or killed run leaves
# ----------------------------------------------------------------------------

#: The file in each folder a run makes that names the process owning it.
_OWNER_FILE = ".salesnb-run"
#: A run's folders in the output folder: the pack being written, the earlier one set aside.
_OUT_NAME = re.compile(
    r"^\.(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<kind>run|old)-(?P<pid>[0-9]+)-[a-z0-9_]+$"
)
#: A run's temporary folder (kernel sockets, the PDF printer's profile).
_WORK_NAME = re.compile(r"^salesnb-(?P<pid>[0-9]+)-[a-z0-9_]+$")


def _psutil() -> Any:
    """The psutil module (IPython, and so every kernel, brings it), or None."""
    try:
        import psutil
    except ImportError:
        return None
    return psutil


def _process_started(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), if that can be told."""
    psutil = _psutil()
    if psutil is None:
        return None
    try:
        return float(psutil.Process(pid).create_time())
    except psutil.Error:
        return None


def _mark(folder: Path) -> None:
    """Write who owns ``folder``: this process (and when it started) on this machine."""
    owner = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": _process_started(os.getpid()),
    }
    (folder / _OWNER_FILE).write_text(json.dumps(owner) + "\n", encoding="utf-8")


def _own_folder(parent: Path, prefix: str) -> Path:
    """A new folder ``<prefix>-<pid>-<token>`` in ``parent``, marked as this run's."""
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}-{os.getpid()}-", dir=parent))
    _mark(folder)
    return folder


def _abandoned(folder: Path, pid: int) -> bool:
    """Whether ``folder``, made by a run of process ``pid``, belongs to a run that is over.

    Only a process known to have ended counts: a folder made on another machine (an
    output folder on a shared drive), by this process, or by a process that cannot be
    looked at, is kept. A process id reused since is told apart by its start time.
    """
    try:
        owner = json.loads((folder / _OWNER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        owner = {}  # the moment between making a folder and marking it, or set aside
    if not isinstance(owner, dict):
        return False
    if owner.get("host", socket.gethostname()) != socket.gethostname():
        return False
    if owner.get("pid", pid) != pid or pid == os.getpid():
        return False
    psutil = _psutil()
    if psutil is not None:
        try:
            now = psutil.Process(pid).create_time()
        except psutil.NoSuchProcess:
            return True
        except psutil.Error:
            return False
        started = owner.get("started")
        return isinstance(started, int | float) and abs(now - started) > 1.0
    if os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def clear_abandoned(out_dir: Path | str) -> list[Path]:
    """Remove what runs that are over left in ``out_dir`` and in the temporary folder.

    A run that was killed outright leaves its staging folder in the output folder
    and its temporary folder behind; both go. An earlier pack set aside at the
    moment of a swap is put back when its client has no pack, and removed
    otherwise. Folders of a run still going are never touched. Returns the
    folders removed or put back.
    """
    cleared: list[Path] = []
    out_dir = Path(out_dir)
    for entry in _entries(out_dir):
        found = _OUT_NAME.match(entry.name)
        if not found or not _abandoned(entry, int(found["pid"])):
            continue
        target = out_dir / found["slug"]
        try:
            if found["kind"] == "old" and not target.exists() and not target.is_symlink():
                (entry / _OWNER_FILE).unlink(missing_ok=True)
                entry.rename(target)
            else:
                if found["kind"] == "old" and target.is_dir() and not target.is_symlink():
                    _carry(entry, target, (SCENARIOS_FOLDER,))  # the swap's last step
                shutil.rmtree(entry)
        except OSError:
            continue  # another run cleared it first, or it cannot be removed: leave it
        cleared.append(entry)
    temp = Path(tempfile.gettempdir())
    for entry in _entries(temp):
        found = _WORK_NAME.match(entry.name)
        if found and _abandoned(entry, int(found["pid"])):
            shutil.rmtree(entry, ignore_errors=True)
            cleared.append(entry)
    for file, work in _connection_files_in(temp):
        if not work.exists():
            file.unlink(missing_ok=True)
            cleared.append(file)
    return cleared


#: Kernel connection files, which the kernels' manager writes in the temporary folder.
_CONNECTION_FILE = re.compile(r"^tmp[a-z0-9_]+\.json$")


def _connection_files_in(temp: Path) -> list[tuple[Path, Path]]:
    """The kernel connection files in ``temp`` for kernels of a run, with that run's
    temporary folder (where the kernel's sockets were)."""
    found = []
    try:
        files = [p for p in temp.iterdir() if _CONNECTION_FILE.match(p.name)]
    except OSError:
        return found
    for file in files:
        try:
            if file.stat().st_size > 4096:
                continue
            info = json.loads(file.read_text(encoding="utf-8"))
            socket_path = Path(info["ip"]) if info.get("transport") == "ipc" else None
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            continue
        if socket_path is None:
            continue
        for folder in socket_path.parents:
            if folder.parent == temp and _WORK_NAME.match(folder.name):
                found.append((file, folder))
                break
    return found


def _remove_connection_files(work: Path) -> None:
    """Remove the connection files of this run's kernels that nobody removed (a kernel
    stopped while it was starting leaves its file behind)."""
    for file, folder in _connection_files_in(work.parent):
        if folder == work:
            file.unlink(missing_ok=True)


def _entries(folder: Path) -> list[Path]:
    """The real folders (no links) directly in ``folder``; none if it cannot be read."""
    try:
        return [p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()]
    except OSError:
        return []


def _children() -> set[tuple[int, float]]:
    """This process's child processes, as (pid, start time)."""
    psutil = _psutil()
    if psutil is None:
        return set()
    found = set()
    try:
        children = psutil.Process().children()
    except psutil.Error:
        return found
    for child in children:
        try:
            found.add((child.pid, child.create_time()))
        except psutil.Error:
            continue
    return found


def _kill_started_since(before: set[tuple[int, float]]) -> None:
    """Kill at once the processes this one started since ``before``: the run's kernels
    (each leads a process group of its own, so what a cell started goes too), and the
    kernel connection files nobody will clean up after them."""
    psutil = _psutil()
    if psutil is None:
        return
    try:
        children = psutil.Process().children()
    except psutil.Error:
        return
    for child in children:
        try:
            if (child.pid, child.create_time()) in before:
                continue
            files = _connection_files(child.cmdline())
            if hasattr(os, "killpg") and os.getpgid(child.pid) == child.pid:
                os.killpg(child.pid, signal.SIGKILL)
            else:
                child.kill()
        except (psutil.Error, OSError):
            continue
        for file in files:
            try:
                file.unlink(missing_ok=True)
            except OSError:
                continue


def _connection_files(command: list[str]) -> list[Path]:
    """The kernel connection file a kernel's command line names (``-f FILE.json``)."""
    return [
        Path(value)
        for flag, value in itertools.pairwise(command)
        if flag == "-f" and value.endswith(".json")
    ]


class _StopOnSignal:
    """While a run is on, Ctrl-C (SIGINT), SIGTERM and SIGHUP stop it promptly and cleanly.

    The first signal kills the processes the run started (its kernels) and raises
    :class:`Interrupted` where the run is; later ones are ignored, so the clean-up
    that follows is never cut short. Inside :meth:`held` (steps that must finish
    together) a signal waits for the block's end. Handlers are installed only in
    the main thread and only over Python's own defaults, so an application that
    handles signals itself keeps doing so; :meth:`restore` puts them back.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._holding = False
        self._held: int | None = None
        self._before = _children()
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        """Take over the signals still at Python's defaults (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            return
        defaults = {"SIGINT": signal.default_int_handler, "SIGTERM": signal.SIG_DFL}
        defaults["SIGHUP"] = signal.SIG_DFL
        for name, default in defaults.items():
            signum = getattr(signal, name, None)
            if signum is not None and signal.getsignal(signum) is default:
                self._previous[signum] = default  # first, so restore() always puts it back
                signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if self.signum is not None:
            return
        if self._holding:
            self._held = signum
            return
        self._stop(signum)

    def _stop(self, signum: int) -> None:
        self.signum = signum
        _kill_started_since(self._before)
        # the notebook runner's tasks, cut off mid-cell, would report the dead kernel
        # on their way out: cancel them, take their outcome, and drop its log lines
        logging.getLogger("papermill").addFilter(_silenced)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            for task in asyncio.all_tasks(loop):
                task.add_done_callback(_outcome_taken)
                task.cancel()
        raise Interrupted(signum)

    def check(self) -> None:
        """Raise :class:`Interrupted` if a signal has stopped the run."""
        if self.signum is not None:
            raise Interrupted(self.signum) from None

    @contextmanager
    def held(self) -> Iterator[None]:
        """A block a signal never cuts in half: it takes effect when the block ends."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
            if self._held is not None and self.signum is None:
                self._stop(self._held)

    def restore(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous = {}
        logging.getLogger("papermill").removeFilter(_silenced)


def _silenced(_record: logging.LogRecord) -> bool:
    return False


def _outcome_taken(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


def client_folders(parent: Path | str) -> list[Path]:
    """The client folders directly inside ``parent`` (those with a settings.yaml)."""
    parent = Path(parent)
    return sorted(p for p in parent.iterdir() if p.is_dir() and (p / "settings.yaml").is_file())


def run_batch(
    folders: Sequence[Path | str],
    out_dir: Path | str,
    *,
    notebooks: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    scenario: str | None = None,
    all_scenarios: bool = False,
    pdf: bool = True,
    log: Any = None,
    on_client_done: Any = None,
    progress: Any = None,
    workers: int | None = 0,
    scheduler: str | None = None,
    portfolio: bool = False,
) -> BatchResult:
    """Run :func:`run_report` for each client folder; a failing client never stops the others.

    Every folder, and every scenario asked of it, is checked before any notebook
    runs, so a typo in the last client is reported at once rather than after the
    others have run. A client that fails leaves its earlier report as it was. Only
    an interruption (:class:`Interrupted`, Ctrl-C) stops the batch. ``scenario``
    and ``parameters`` are passed to each :func:`run_report`; ``all_scenarios``
    runs each scenario named in a client's settings, then its base case. A
    client's runs stop at its first that fails.

    ``workers`` 0 runs the clients in this process, one after another; None, or a
    number, on a local dask cluster of one worker per core or that many;
    ``scheduler`` on an existing dask cluster; ``portfolio`` also writes the
    portfolio page. :func:`salesnb.report.batch.run_batch` says more.
    """
    from salesnb.report import batch

    return batch.run_batch(
        folders,
        out_dir,
        notebooks=notebooks,
        parameters=parameters,
        scenario=scenario,
        all_scenarios=all_scenarios,
        pdf=pdf,
        log=log,
        on_client_done=on_client_done,
        progress=progress,
        workers=workers,
        scheduler=scheduler,
        portfolio=portfolio,
    )


def failure_reason(exc: Exception) -> str:
    """Why a client failed, short: a folder's first problem (and how many more), or the
    first line of the message."""
    if isinstance(exc, ClientFolderError) and exc.problems:
        more = len(exc.problems) - 1
        noun = "problem" if more == 1 else "problems"
        return f"{exc.problems[0]}" + (f" (and {more} more {noun})" if more else "")
    return str(exc)


#: The longest reason a batch's summary gives in its one line per failed client.
_REASON_LENGTH = 200


def one_line_reason(folder: Path, text: str) -> str:
    """``text`` as one line without the client's name in front, cut to a readable length."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[0] if lines else "failed"
    for name in (folder.name, slugify(folder.resolve().name)):
        if line.startswith(f"{name}: "):
            line = line[len(name) + 2 :]
            break
    if len(line) > _REASON_LENGTH:
        line = line[: _REASON_LENGTH - 3].rstrip() + "..."
    return line
