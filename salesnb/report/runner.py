"""The report pack: every notebook run for one client, written in one place.

:func:`run_report` checks the client folder, runs each notebook with papermill
(parameters injected from the folder), and writes::

    <out>/<client>/
        report.html        one self-contained report, no code, inputs first
        report.pdf         the same, printed by Chromium when one is installed
        figures.json       the headline figures, by section (names in the README)
        tables.xlsx        the tables, one sheet each, and the inputs
        notebooks/*.ipynb  the executed notebooks

Everything is written into a staging folder beside the target and moved into
place only when the whole pack is ready, so a failed run never replaces an
earlier good report; the failed run's executed notebooks are kept in
``<out>/<client>.failed/`` for inspection. :func:`run_batch` runs a whole
folder of clients, and one failing client never stops the others.

Kernels: each notebook gets a fresh kernel, but the next one is started (and
its imports loaded) while the current notebook runs, over IPC sockets in the
staging folder rather than TCP ports, which also keeps parallel runs from
colliding.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from salesnb import paths
from salesnb.errors import ClientFolderError, ReportError
from salesnb.io import Client, load_client, slugify, validate
from salesnb.report.kernels import execute_notebook
from salesnb.report.pack import (
    combined,
    inputs_html,
    recorded,
    versions,
    write_excel,
    write_html,
    write_pdf,
)
from salesnb.report.parameters import (
    NOTEBOOK_SECTIONS,
    NOTEBOOKS,
    check_parameters,
    notebook_parameters,
)

__all__ = ["BatchResult", "ReportResult", "client_folders", "inside", "run_batch", "run_report"]


@dataclass(frozen=True)
class ReportResult:
    client: str
    folder: Path
    pdf: Path | None
    pdf_note: str
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def html(self) -> Path:
        return self.folder / "report.html"


@dataclass(frozen=True)
class BatchResult:
    done: list[ReportResult]
    failed: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.failed


def inside(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing any name that would lead outside ``out_dir``."""
    out_dir = out_dir.resolve()
    target = (out_dir / name).resolve()
    if target.parent != out_dir or name in {"", ".", ".."}:
        raise ReportError(f"refusing to write outside the output folder: {name!r}")
    return target


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
    pdf: bool = True,
    log: Any = None,
) -> ReportResult:
    """Run every notebook for one client and write its report pack.

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
        Extra papermill parameters for every notebook (for example ``cut``).
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
    check_parameters(client, parameters or {})
    sources = _available(notebooks)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = inside(out_dir, client.slug)
    failed_dir = inside(out_dir, f"{client.slug}.failed")
    staging = Path(tempfile.mkdtemp(prefix=f".{client.slug}.", dir=out_dir.resolve()))
    staging.chmod(0o755)
    work = Path(tempfile.mkdtemp(prefix="salesnb-"))
    timings: dict[str, float] = {}
    try:
        (staging / "notebooks").mkdir()
        given = dict(parameters or {})
        executed = []
        for source in sources:
            t0 = time.perf_counter()
            say(f"{client.slug}: running {source.name}")
            out_nb = staging / "notebooks" / source.name
            try:
                execute_notebook(
                    source, out_nb, _injected(client, source.name, given), work, cwd=staging
                )
            except Exception as exc:  # noqa: BLE001 - any failure: keep the copy, report it
                _keep_failed(staging, failed_dir)
                raise ReportError(
                    f"{client.slug}: {source.name} failed: {_short(exc)}\n"
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
            },
            **{name: rec["figures"] for name, rec in sections.items()},
            "software": stated,
        }
        (staging / "figures.json").write_text(
            json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
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
        write_excel(sections, inputs, staging / "tables.xlsx", client)
        title = f"{s.client.name}: sales-leadership report"
        names = [src.name for src in sources]
        write_html(
            combined(inputs_html(client, stated, names), executed, title),
            staging / "report.html",
        )
        timings["html, json, excel"] = time.perf_counter() - t0
        pdf_path, pdf_note = None, "PDF not asked for"
        if pdf:
            t0 = time.perf_counter()
            pdf_path, pdf_note = write_pdf(staging / "report.html", staging / "report.pdf", work)
            timings["pdf"] = time.perf_counter() - t0
        _replace(staging, target)
        shutil.rmtree(failed_dir, ignore_errors=True)
        say(f"{client.slug}: report written to {target}")
        return ReportResult(
            client=s.client.name,
            folder=target,
            pdf=target / "report.pdf" if pdf_path else None,
            pdf_note=pdf_note,
            seconds=time.perf_counter() - started,
            timings=timings,
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


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
    shutil.copytree(staging, failed_dir)


def _replace(staging: Path, target: Path) -> None:
    """Move the finished pack into place; the old one is removed only once the new one is there."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
    pdf: bool = True,
    log: Any = None,
    on_client_done: Any = None,
) -> BatchResult:
    """Run :func:`run_report` for each client folder; a failing client never stops the others.

    Every folder is checked before any notebook runs, so a typo in the last
    client is reported at once rather than after the others have run.
    """
    say = log or (lambda _line: None)
    done: list[ReportResult] = []
    failed: dict[str, str] = {}
    folders = [Path(f) for f in folders]
    ready = []
    taken: dict[str, str] = {}
    for folder in folders:
        slug = slugify(folder.resolve().name)
        if slug in taken:
            failed[folder.name] = (
                f"{folder.name}: its report folder '{slug}' is already used by client folder "
                f"'{taken[slug]}' in this run; rename one of the two folders"
            )
            if on_client_done:
                on_client_done()
            continue
        taken[slug] = folder.name
        problems = validate(folder)
        if problems:
            failed[folder.name] = str(ClientFolderError(folder, problems))
            if on_client_done:
                on_client_done()
        else:
            ready.append(folder)
    for folder in ready:
        try:
            done.append(
                run_report(
                    folder, out_dir, notebooks=notebooks, parameters=parameters, pdf=pdf, log=log
                )
            )
        except (ClientFolderError, ReportError) as exc:
            failed[folder.name] = str(exc)
            say(f"{folder.name}: FAILED")
        except Exception as exc:  # noqa: BLE001 - one broken client must not stop the others
            failed[folder.name] = f"{folder.name}: unexpected error: {exc!r}"
            say(f"{folder.name}: FAILED")
        if on_client_done:
            on_client_done()
    return BatchResult(done=done, failed=failed)
