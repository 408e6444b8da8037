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

import html
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import yaml
from pydantic import ValidationError

from salesnb import __version__, paths
from salesnb.client import Client, ClientFolderError, load_client, slugify, validate
from salesnb.display import FIGURES_MIMETYPE

__all__ = [
    "NOTEBOOKS",
    "BatchResult",
    "ReportError",
    "ReportResult",
    "find_chromium",
    "run_batch",
    "run_report",
]

#: The notebooks of a report pack, in report order (those present are run).
NOTEBOOKS = (
    "01-annual-plan.ipynb",
    "02-pro-forma-stress-test.ipynb",
    "03-hiring-timeline.ipynb",
)

#: Packages whose versions the report states, so a reader knows what it rests on.
VERSIONED = ("salesnb", "pandas", "numpy", "matplotlib", "papermill", "nbconvert", "ipykernel")


#: The notebook parameters a report may override, and the setting each stands for.
PARAMETERS: dict[str, tuple[str, str]] = {
    "cut": ("stress_test", "cut"),
    "start_month": ("stress_test", "start_month"),
    "target_margin": ("stress_test", "target_margin"),
    "volatility": ("stress_test", "volatility"),
    "runs": ("stress_test", "runs"),
    "seed": ("stress_test", "seed"),
    "growth": ("plan", "growth"),
    "stretch": ("plan", "stretch"),
    "coverage": ("plan", "coverage"),
    "ramp_months": ("hiring", "ramp_months"),
    "lead_time_months": ("hiring", "lead_time_months"),
    "attainment": ("hiring", "attainment"),
    "attrition_rate": ("hiring", "attrition_rate"),
}


class ReportError(Exception):
    """A report that could not be produced; the message says why and where to look."""


def check_parameters(client: Client, parameters: Mapping[str, Any]) -> None:
    """Refuse, before any notebook runs, an override the client's settings would refuse.

    Each parameter is put in place of the setting it stands for and the settings
    are checked again, so ``cut=1.5`` gets the same message as a cut of 1.5 in
    ``settings.yaml``.
    """
    unknown = sorted(set(parameters) - set(PARAMETERS))
    if unknown:
        raise ReportError(
            f"unknown parameter {unknown[0]!r}; a report takes: {', '.join(PARAMETERS)}"
        )
    raw = json.loads(client.settings.model_dump_json())
    for name, value in parameters.items():
        section, key = PARAMETERS[name]
        if raw.get(section) is None:
            raise ReportError(f"{name}: the settings have no '{section}' section to override")
        raw[section][key] = value
    try:
        type(client.settings).model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"][:2])
        name = next((n for n, where in PARAMETERS.items() if where == loc), ".".join(map(str, loc)))
        raise ReportError(f"parameter {name}: {err['msg']}, got {err.get('input')!r}") from None


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


# ----------------------------------------------------------------------------
# Paths that cannot escape the output folder
# ----------------------------------------------------------------------------


def _inside(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing any name that would lead outside ``out_dir``."""
    out_dir = out_dir.resolve()
    target = (out_dir / name).resolve()
    if target.parent != out_dir or name in {"", ".", ".."}:
        raise ReportError(f"refusing to write outside the output folder: {name!r}")
    return target


# ----------------------------------------------------------------------------
# Kernels
# ----------------------------------------------------------------------------


def _ipc_kernel_manager(workdir: Path) -> type:
    """A kernel manager class whose kernels talk over IPC sockets in ``workdir``.

    TCP ports picked at random by parallel kernels collide now and then ("Address
    already in use"); socket files in a folder of their own cannot.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any):
            kwargs.setdefault("transport", "ipc")
            folder = tempfile.mkdtemp(prefix="kernel-", dir=workdir)
            kwargs.setdefault("ip", str(Path(folder) / "socket"))
            super().__init__(**kwargs)

    return IPCKernelManager


def _execute(
    source: Path, target: Path, parameters: dict[str, Any], workdir: Path, cwd: Path
) -> None:
    import papermill

    papermill.execute_notebook(
        str(source),
        str(target),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
        cwd=str(cwd),
        kernel_manager_class=_ipc_kernel_manager(workdir),
    )


# ----------------------------------------------------------------------------
# Reading what the notebooks recorded
# ----------------------------------------------------------------------------


def _recorded(nb: nbformat.NotebookNode) -> Iterator[dict[str, Any]]:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FIGURES_MIMETYPE in data:
                yield data[FIGURES_MIMETYPE]


def _frame(payload: Mapping[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(payload["data"], columns=payload["columns"], index=payload["index"])
    frame.index.name = payload.get("index_name") or None
    return frame


# ----------------------------------------------------------------------------
# The pieces of the pack
# ----------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = __version__ if name == "salesnb" else "not installed"
    return found


def _inputs_html(client: Client, versions: Mapping[str, str], notebooks: Sequence[str]) -> str:
    s = client.settings
    e = html.escape
    rows = {
        "Client": s.client.name,
        "Client folder": client.folder.name,
        "As-of date": s.as_of.isoformat(),
        "Plan starts": s.fiscal_year_start,
        "Currency": s.client.currency,
        "Notebooks": ", ".join(notebooks),
    }
    table = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in rows.items())
    tables = "".join(
        f"<tr><th>{e(name)}</th><td>{len(getattr(client, name))} rows</td></tr>"
        for name in ("revenue_plan", "expenses", "roster", "actuals", "expense_schedule")
    )
    vers = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in versions.items())
    settings_yaml = yaml.safe_dump(
        json.loads(s.model_dump_json()), sort_keys=False, allow_unicode=True
    )
    return (
        f"<h1>{e(s.client.name)}: sales-leadership report</h1>"
        f"<p>Figures as of {e(s.as_of.strftime('%d %B %Y'))}. This page lists what they rest on: "
        "the client's settings and tables, and the software that computed them.</p>"
        f"<h2>Inputs</h2><table>{table}</table>"
        f"<h3>Tables read</h3><table>{tables}</table>"
        f"<h3>Settings</h3><pre>{e(settings_yaml)}</pre>"
        f"<h3>Software</h3><table>{vers}</table>"
    )


def _combined(
    inputs_html: str, executed: Sequence[nbformat.NotebookNode], title: str
) -> nbformat.NotebookNode:
    """One notebook holding the inputs page and every executed notebook's cells."""
    head = nbformat.v4.new_code_cell(
        "", outputs=[nbformat.v4.new_output("display_data", data={"text/html": inputs_html})]
    )
    cells = [head]
    for nb in executed:
        for cell in nb.cells:
            tags = cell.get("metadata", {}).get("tags", [])
            if {"parameters", "injected-parameters", "live-only"} & set(tags):
                continue
            if "outputs" in cell:  # the recorded figures are data for the pack, not for the page
                cell = nbformat.from_dict(dict(cell))
                cell["outputs"] = [
                    o for o in cell["outputs"] if FIGURES_MIMETYPE not in o.get("data", {})
                ]
            cells.append(cell)
    combined = nbformat.v4.new_notebook(cells=cells)
    combined.metadata["title"] = title
    combined.metadata["kernelspec"] = executed[0].metadata.get("kernelspec", {}) if executed else {}
    return combined


def _write_html(nb: nbformat.NotebookNode, target: Path) -> None:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="report",
        extra_template_basedirs=[str(paths.TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")


def _write_excel(
    sections: Mapping[str, Mapping[str, Any]], inputs: pd.DataFrame, target: Path
) -> None:
    used: set[str] = set()

    def sheet_name(name: str) -> str:
        base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
        candidate, n = base, 2
        while candidate.lower() in used:
            suffix = f" ({n})"
            candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(candidate.lower())
        return candidate

    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        inputs.to_excel(writer, sheet_name=sheet_name("Inputs"))
        for section in sections.values():
            for payload in section.get("tables", []):
                _frame(payload).to_excel(writer, sheet_name=sheet_name(payload["name"]))
        for ws in writer.book.worksheets:
            ws.column_dimensions["A"].width = 34
            ws.freeze_panes = "B2"
            # Client text is data, never a formula: "=HYPERLINK(...)" as a name stays text.
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"


def find_chromium() -> str | None:
    """The path of an installed Chromium (or Chrome), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _write_pdf(html_file: Path, target: Path, workdir: Path) -> tuple[Path | None, str]:
    browser = find_chromium()
    if browser is None:
        return None, (
            "no PDF: Chromium is not installed on this machine "
            "(on Debian or Ubuntu: apt-get install chromium); the HTML report is complete"
        )
    profile = tempfile.mkdtemp(prefix="chromium-", dir=workdir)
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--print-to-pdf={target}",
        html_file.resolve().as_uri(),
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=180)
    except (subprocess.SubprocessError, OSError) as exc:
        return None, f"no PDF: Chromium failed ({exc.__class__.__name__})"
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not target.is_file() or target.stat().st_size == 0:
        return None, "no PDF: Chromium wrote nothing"
    return target, "PDF written"


# ----------------------------------------------------------------------------
# One client
# ----------------------------------------------------------------------------


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
    target = _inside(out_dir, client.slug)
    failed_dir = _inside(out_dir, f"{client.slug}.failed")
    staging = Path(tempfile.mkdtemp(prefix=f".{client.slug}.", dir=out_dir.resolve()))
    staging.chmod(0o755)
    work = Path(tempfile.mkdtemp(prefix="salesnb-"))
    timings: dict[str, float] = {}
    try:
        (staging / "notebooks").mkdir()
        params = {"client_dir": str(client.folder.resolve()), "interactive": False}
        params |= dict(parameters or {})
        executed = []
        for source in sources:
            t0 = time.perf_counter()
            say(f"{client.slug}: running {source.name}")
            out_nb = staging / "notebooks" / source.name
            try:
                _execute(source, out_nb, params, work, cwd=staging)
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
        sections = {rec["section"]: rec for nb in executed for rec in _recorded(nb)}
        versions = _versions()
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
            "software": versions,
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
                    *versions.values(),
                ]
            },
            index=pd.Index(
                [
                    "Client",
                    "As-of date",
                    "Plan starts",
                    "Currency",
                    *(f"Version of {k}" for k in versions),
                ],
                name="Input",
            ),
        )
        _write_excel(sections, inputs, staging / "tables.xlsx")
        title = f"{s.client.name}: sales-leadership report"
        names = [src.name for src in sources]
        _write_html(
            _combined(_inputs_html(client, versions, names), executed, title),
            staging / "report.html",
        )
        timings["html, json, excel"] = time.perf_counter() - t0
        pdf_path, pdf_note = None, "PDF not asked for"
        if pdf:
            t0 = time.perf_counter()
            pdf_path, pdf_note = _write_pdf(staging / "report.html", staging / "report.pdf", work)
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


# ----------------------------------------------------------------------------
# A portfolio of clients
# ----------------------------------------------------------------------------


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
