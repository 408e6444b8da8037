"""Writing the pack: figures.json, the HTML report, the PDF and the Excel workbook.

Everything here reads what the notebooks recorded (:mod:`salesnb.report.record`); nothing
works out a figure.
"""

from __future__ import annotations

import html
import json
import platform
import re
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
from salesnb.report.summary import (
    CONTENTS_PLACEHOLDER,
    Heading,
    contents_html,
    part_anchor,
    summary_html,
)

__all__ = [
    "VERSIONED",
    "combined",
    "find_chromium",
    "finish_html",
    "frame_of",
    "inputs_html",
    "pdf_pages",
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
    """The report's appendix: what the figures rest on, and the parts left out."""
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
        '<section class="salesnb-appendix">'
        '<h1 id="appendix">Appendix: what the figures rest on</h1>'
        f"<p>Figures as of {e(s.as_of.strftime('%d %B %Y'))}. The settings and tables the "
        "report's figures were worked out from, and the software that worked them out.</p>"
        + (
            f'<h2 id="appendix-not-included">Parts not included</h2><ul>{missing}</ul>'
            if missing
            else ""
        )
        + f'<h2 id="appendix-inputs">Inputs</h2><table>{table}</table>'
        f"<h3>Tables read</h3><table>{tables}</table>"
        f'<h2 id="appendix-settings">Settings</h2><pre>{e(settings_yaml)}</pre>'
        f'<h2 id="appendix-software">Software</h2><table>{vers}</table>'
        "</section>"
    )


def _html_cell(markup: str) -> nbformat.NotebookNode:
    """A cell whose only output is ``markup`` (the report shows outputs, never code)."""
    return nbformat.v4.new_code_cell(
        "", outputs=[nbformat.v4.new_output("display_data", data={"text/html": markup})]
    )


def combined(
    inputs_html: str,
    executed: Sequence[nbformat.NotebookNode],
    title: str,
    *,
    preface: str = "",
    figures: Mapping[str, Any] | None = None,
) -> nbformat.NotebookNode:
    """One notebook holding the report: the executive summary and contents (from the
    recorded ``figures``, when given) with ``preface`` (HTML: what a scenario changed)
    on page one, every executed notebook's cells, each part starting at an anchor of its
    own, and the inputs as an appendix at the end."""
    if figures is not None:
        cells = [_html_cell(summary_html(figures, preface=preface))]
    else:
        cells = [_html_cell(preface)] if preface else []
    for nb in executed:
        sections = [rec["section"] for rec in recorded(nb)]
        if sections:
            anchor = part_anchor(sections[0])
            cells.append(_html_cell(f'<div class="salesnb-part" id="{html.escape(anchor)}"></div>'))
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
    cells.append(_html_cell(inputs_html))
    combined = nbformat.v4.new_notebook(cells=cells)
    combined.metadata["title"] = title
    kernelspec = executed[0].metadata.get("kernelspec") if executed else None
    if kernelspec:
        combined.metadata["kernelspec"] = kernelspec
    return combined


#: A heading of the rendered report: its level, attributes and inner HTML.
_HEADING = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1>", re.DOTALL)
_ID = re.compile(r'\sid="([^"]*)"')
#: A table of the rendered report, and a row of it.
_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.DOTALL)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.DOTALL)
#: Tables with this many columns or more get smaller type in print, so that none loses a
#: column on a landscape page: 9 (wide), 13 (a year by month with its total); from 17,
#: a table is printed in parts of 13 columns, each with the row labels.
WIDE_COLUMNS, WIDEST_COLUMNS, HUGE_COLUMNS = 9, 13, 17


def _text(markup: str) -> str:
    """The text a reader sees in a piece of HTML (tags and the anchor-link mark dropped)."""
    text = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", markup, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def finish_html(body: str) -> str:
    """The exported report made ready to read and print.

    Every section heading keeps one anchor of its own, of letters, digits and dashes
    (a heading text used twice gets ``-2``, ``-3``: each link of the contents leads to
    its own section); the table of
    contents lists the parts and their sections; wide tables are marked for smaller type
    in print.
    """
    seen: dict[str, int] = {}
    headings: list[Heading] = []

    def anchor(match: re.Match[str]) -> str:
        level, attrs, inner = int(match[1]), match[2], match[3]
        found = _ID.search(attrs)
        if found is None or level > 2:
            return match[0]
        old = found[1]
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", html.unescape(old)).strip("-") or "section"
        seen[slug] = seen.get(slug, 0) + 1
        new = slug if seen[slug] == 1 else f"{slug}-{seen[slug]}"
        if new != old:
            attrs = attrs.replace(found[0], f' id="{new}"', 1)
            inner = inner.replace(f'href="#{old}"', f'href="#{new}"')
        headings.append(Heading(new, _text(inner), level))
        return f"<h{level}{attrs}>{inner}</h{level}>"

    body = _HEADING.sub(anchor, body)
    if CONTENTS_PLACEHOLDER in body:
        body = body.replace(
            CONTENTS_PLACEHOLDER,
            CONTENTS_PLACEHOLDER.replace("></nav>", f">{contents_html(headings)}</nav>"),
            1,
        )

    def mark_wide(match: re.Match[str]) -> str:
        attrs, inner = match[1], match[2]
        first = _ROW.search(inner)
        columns = len(re.findall(r"<t[hd]\b", first[1])) if first else 0
        if columns < WIDE_COLUMNS:
            return match[0]
        wide = (
            "salesnb-huge"
            if columns >= HUGE_COLUMNS
            else "salesnb-widest"
            if columns >= WIDEST_COLUMNS
            else "salesnb-wide"
        )
        split = _split(attrs, inner) if columns >= HUGE_COLUMNS else None
        if split is not None:  # on screen the table whole, on paper in parts
            return f"<table{_with_class(attrs, 'salesnb-whole')}>{inner}</table>{split}"
        return f"<table{_with_class(attrs, wide)}>{inner}</table>"

    return _TABLE.sub(mark_wide, body)


def _with_class(attrs: str, name: str) -> str:
    if 'class="' in attrs:
        return attrs.replace('class="', f'class="{name} ', 1)
    return f'{attrs} class="{name}"'


_CELL = re.compile(r"<t[hd]\b[^>]*>.*?</t[hd]>", re.DOTALL)
_SECTION = re.compile(r"<(thead|tbody)\b[^>]*>(.*?)</\1>", re.DOTALL)


def _split(attrs: str, inner: str) -> str | None:
    """A table too wide for a page as several tables of at most ``WIDEST_COLUMNS`` columns,
    each repeating the row labels; None for a table whose cells span others (left whole)."""
    if re.search(r"\b(?:colspan|rowspan)=", inner):
        return None
    sections = [
        (name, [_CELL.findall(r) for r in _ROW.findall(rows)])
        for name, rows in _SECTION.findall(inner)
    ]
    body = next((rows for name, rows in sections if name == "tbody" and rows), None)
    if body is None:
        return None
    labels = next((i for i, cell in enumerate(body[0]) if not cell.startswith("<th")), 0)
    width = len(body[0]) - labels
    most = max(1, WIDEST_COLUMNS - 1 - labels)
    step = -(-width // -(-width // most))  # parts as even as they can be, none wider than most
    parts = []
    for start in range(labels, labels + width, step):
        html_rows = "".join(
            f"<{name}>"
            + "".join(
                "<tr>" + "".join(r[:labels] + r[start : start + step]) + "</tr>" for r in rows
            )
            + f"</{name}>"
            for name, rows in sections
        )
        parts.append(f"<table{_with_class(attrs, 'salesnb-widest')}>{html_rows}</table>")
    return f'<div class="salesnb-parts">{"".join(parts)}</div>'


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
    target.write_text(finish_html(body), encoding="utf-8")


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


#: The page slot of a table of contents entry, and the mark that finds a heading's page.
_PAGE_SLOT = re.compile(r'(<span class="toc-page" data-for="([^"]*)">)[^<]*(</span>)')
_MARK = "SALESNBHEADING{}END"
_MARK_FOUND = re.compile(r"SALESNBHEADING(\d+)END")


def _print(browser: str, page: Path, target: Path, workdir: Path) -> None:
    """Print one HTML file to PDF with Chromium, headless, in a profile of its own."""
    profile = tempfile.mkdtemp(prefix="chromium-", dir=workdir)
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",  # the report's own footer (CSS page margins) takes its place
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--print-to-pdf={target}",
        page.resolve().as_uri(),
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def pdf_pages(pdf: Path) -> list[str] | None:
    """The text of each page of a PDF (poppler's pdftotext), or None without pdftotext."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    done = subprocess.run(
        [tool, "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, timeout=120
    )
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _marked(page: str, anchors: Sequence[str]) -> str:
    """``page`` with an invisible mark at each listed heading, out of the flow of the page,
    so that the printed text tells on which page each heading falls."""
    for number, anchor in enumerate(anchors):
        mark = f'<span class="salesnb-mark">{_MARK.format(number)}</span>'
        page = re.sub(
            rf'(<h[1-6][^>]*\sid="{re.escape(anchor)}"[^>]*>)',
            lambda m, mark=mark: m[1] + mark,
            page,
            count=1,
        )
    return page


def write_pdf(html_file: Path, target: Path, workdir: Path) -> tuple[Path | None, str]:
    """Print the HTML report to PDF, the table of contents with each section's page.

    Chromium cannot number a table of contents itself, so the report is printed
    twice: once with an invisible mark at each heading the contents list (the
    text of the first print says on which page each falls), then with the page
    numbers written into the contents. The numbers take a slot the first print
    already kept, so the pages do not move between the two. Without pdftotext the
    contents keep their links and no page numbers; every page still has its
    number in the footer.
    """
    browser = find_chromium()
    if browser is None:
        return None, (
            "no PDF: Chromium is not installed on this machine "
            "(on Debian or Ubuntu: apt-get install chromium); the HTML report is complete"
        )
    page = html_file.read_text(encoding="utf-8")
    anchors = [m[2] for m in _PAGE_SLOT.finditer(page)]
    note = "PDF written"
    try:
        if anchors and shutil.which("pdftotext"):
            first = workdir / "report-marked.html"
            first.write_text(_marked(page, anchors), encoding="utf-8")
            _print(browser, first, workdir / "report-marked.pdf", workdir)
            found: dict[str, int] = {}
            for number, text in enumerate(pdf_pages(workdir / "report-marked.pdf") or [], 1):
                for mark in _MARK_FOUND.findall(text):
                    found.setdefault(anchors[int(mark)], number)
            page = _PAGE_SLOT.sub(lambda m: f"{m[1]}{found.get(m[2], '')}{m[3]}", page)
        elif anchors:
            note = "PDF written (its contents without page numbers: pdftotext is not installed)"
        numbered = workdir / "report-print.html"
        numbered.write_text(page, encoding="utf-8")
        _print(browser, numbered, target, workdir)
    except (subprocess.SubprocessError, OSError) as exc:
        return None, f"no PDF: Chromium failed ({exc.__class__.__name__})"
    if not target.is_file() or target.stat().st_size == 0:
        return None, "no PDF: Chromium wrote nothing"
    return target, note
