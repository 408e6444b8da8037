"""Writing the pack: figures.json, the HTML report, the PDF and the Excel workbook.

Everything here reads what the notebooks recorded (:mod:`salesnb.report.record`); nothing
works out a figure.
"""

from __future__ import annotations

import html
import json
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import yaml

from salesnb import __version__, paths
from salesnb.io import Client
from salesnb.report.record import FIGURES_MIMETYPE

__all__ = [
    "VERSIONED",
    "combined",
    "find_chromium",
    "frame_of",
    "inputs_html",
    "recorded",
    "versions",
    "write_excel",
    "write_html",
    "write_pdf",
]


#: Packages whose versions the report states, so a reader knows what it rests on.
VERSIONED = ("salesnb", "pandas", "numpy", "matplotlib", "papermill", "nbconvert", "ipykernel")


def recorded(nb: nbformat.NotebookNode) -> Iterator[dict[str, Any]]:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FIGURES_MIMETYPE in data:
                yield data[FIGURES_MIMETYPE]


def frame_of(payload: Mapping[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(payload["data"], columns=payload["columns"], index=payload["index"])
    frame.index.name = payload.get("index_name") or None
    return frame


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = __version__ if name == "salesnb" else "not installed"
    return found


def inputs_html(
    client: Client,
    versions: Mapping[str, str],
    notebooks: Sequence[str],
    left_out: Mapping[str, str] | None = None,
) -> str:
    """The report's first page: what the figures rest on, and the parts left out."""
    s = client.settings
    e = html.escape
    missing = "".join(
        f"<li><strong>{e(title)}</strong>: not included for this client. To include it, "
        f"{e(what)}.</li>"
        for title, what in (left_out or {}).items()
    )
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
        + (f"<h2>Parts not included</h2><ul>{missing}</ul>" if missing else "")
        + f"<h2>Inputs</h2><table>{table}</table>"
        f"<h3>Tables read</h3><table>{tables}</table>"
        f"<h3>Settings</h3><pre>{e(settings_yaml)}</pre>"
        f"<h3>Software</h3><table>{vers}</table>"
    )


def combined(
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


def write_html(nb: nbformat.NotebookNode, target: Path) -> None:
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


def write_excel(
    sections: Mapping[str, Mapping[str, Any]],
    inputs: pd.DataFrame,
    target: Path,
    client: Client | None = None,
) -> None:
    """Write ``tables.xlsx``: an index, the inputs, the live pro forma model (when the
    client is given) and every recorded table (see :mod:`salesnb.report.workbook`)."""
    from salesnb.report.workbook import write_pack_workbook

    write_pack_workbook(target, sections, inputs, client)


def find_chromium() -> str | None:
    """The path of an installed Chromium (or Chrome), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def write_pdf(html_file: Path, target: Path, workdir: Path) -> tuple[Path | None, str]:
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
