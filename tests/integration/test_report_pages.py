"""The report as a client's executive reads it: page one, the contents, a clean PDF.

Each client's pack is written once (PDF included) and read back as a reader
would: the HTML's first page and its links, and the PDF's text page by page
(poppler's ``pdftotext``). Skipped where Chromium or pdftotext is not installed.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from salesnb import paths
from salesnb.analysis import proforma
from salesnb.format import money
from salesnb.report import find_chromium, run_report
from salesnb.report.pack import pdf_pages
from salesnb.report.summary import SECTIONS, part_anchor

CLIENTS = {
    "cedar-ridge": paths.SAMPLE_CLIENT,
    "harbour-point": Path(__file__).parents[1] / "data" / "harbour-point",
}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_chromium() is None or shutil.which("pdftotext") is None,
        reason="needs Chromium and poppler's pdftotext",
    ),
]


@pytest.fixture(scope="module", params=sorted(CLIENTS))
def pack(request, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pages")
    result = run_report(CLIENTS[request.param], out)
    assert result.pdf is not None, result.pdf_note
    return result.folder


def _figures(pack: Path) -> dict[str, Any]:
    return json.loads((pack / "figures.json").read_text(encoding="utf-8"))


def _page(pack: Path) -> str:
    return (pack / "report.html").read_text(encoding="utf-8")


def _pages(pack: Path) -> list[str]:
    pages = pdf_pages(pack / "report.pdf")
    assert pages
    return pages


def _layout(pack: Path, page: int | None = None) -> str:
    """The PDF's text laid out as on the page (columns of a table on one line)."""
    import subprocess

    where = ["-f", str(page), "-l", str(page)] if page else []
    command = ["pdftotext", "-layout", "-enc", "UTF-8", *where, str(pack / "report.pdf"), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


def _text(markup: str) -> str:
    markup = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", markup, flags=re.DOTALL)
    return _flat(html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def _summary_rows(page: str) -> dict[str, str]:
    """The summary's rows as the HTML shows them: figure -> value."""
    summary = re.search(r'<table class="salesnb-exec">(.*?)</table>', page, re.DOTALL)
    assert summary, "page one has the executive summary"
    rows = re.findall(
        r'<th scope="row">(.*?)</th><td class="salesnb-exec-value">(.*?)</td>', summary[1]
    )
    return {html.unescape(figure): html.unescape(value) for figure, value in rows}


def _heading_texts(page: str) -> set[str]:
    return {
        _text(inner)
        for inner in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", page, re.DOTALL)
        if _text(inner)
    }


def _body_lines(page_text: str, client: str) -> list[str]:
    """A page's lines of text, top to bottom as laid out, without its footer (the
    client's name and the page number)."""
    lines = [line.strip() for line in page_text.splitlines() if line.strip()]
    footer = re.compile(rf"({re.escape(client)})?\s*(Page \d+ of \d+)?")
    while lines and footer.fullmatch(lines[-1]):
        lines.pop()
    return lines


class TestPageOne:
    def test_no_summary_page_ends_with_a_part_title(self, pack):
        # Each part of the summary keeps its title with its rows (one table body each).
        titles = {title for _, title, _ in SECTIONS}
        contents = next(i for i, p in enumerate(_pages(pack)) if "Contents" in p)
        for number in range(1, contents + 1):
            lines = [line.strip() for line in _layout(pack, number).splitlines() if line.strip()]
            body = lines[:-1]  # the last line is the footer
            assert body and body[-1] not in titles, (number, body[-1])

    def test_page_one_holds_the_stress_tests_headline(self, pack):
        f = _figures(pack)
        cur = f["client"]["currency"]
        first = _flat(_pages(pack)[0])
        assert "sales-leadership report" in first
        p = f["proforma"]
        for key in (
            "baseline_income",
            "scenario_income",
            "lost_income",
            "reduction_to_break_even",
            "reduction_to_target_margin",
            "cut_plan_uncovered",
        ):
            assert money(p[key], cur) in first, key
        assert proforma.survivable_text(p["largest_survivable_cut_income"]) in first
        if "plan" in f:
            assert money(f["plan"]["goal"], cur) in first
            assert money(f["plan"]["quota_goal"], cur) in first
        if "hiring" in f:
            assert "Hires to make" in first
            assert money(f["hiring"]["shortfall"], cur) in first
        assert "Contents" not in first, "the contents follow the summary, on a page of their own"

    def test_the_summary_values_are_the_recorded_figures(self, pack):
        f = _figures(pack)
        cur = f["client"]["currency"]
        rows = _summary_rows(_page(pack))
        p, cut = f["proforma"], f"{f['proforma']['cut']:.0%}"
        target = f"{p['target_margin']:.0%}"
        assert rows["Year's income, plan"] == money(p["baseline_income"], cur)
        assert rows[f"Year's income, {cut} sales cut"] == money(p["scenario_income"], cur)
        assert rows["Lost income"] == money(p["lost_income"], cur)
        assert rows["Cost reduction to break even"] == money(p["reduction_to_break_even"], cur)
        assert rows[f"Cost reduction to hold a {target} margin"] == money(
            p["reduction_to_target_margin"], cur
        )
        assert rows["Left uncovered by the cut plan"] == money(p["cut_plan_uncovered"], cur)
        if "plan" in f:
            assert rows["Goal for the year"] == money(f["plan"]["goal"], cur)
            assert rows["The reps' share of the goal"] == money(f["plan"]["quota_goal"], cur)
            assert rows["Quotas assigned"] == money(f["plan"]["assigned_quota"], cur)
        if "hiring" in f:
            h = f["hiring"]
            assert rows["Hires to make"] == str(h["hires"])
            assert rows["Late hires"] == str(h["late_hires"])
            assert rows["Shortfall from late hires"] == money(h["shortfall"], cur)
        # and every row is what the section's own function makes of the recorded figures
        made = {}
        for section, _, items in SECTIONS:
            if section in f:
                made |= {figure: value for figure, value, _ in items(f[section], cur)}
        assert rows == made

    def test_each_summary_item_says_what_it_means(self, pack):
        f = _figures(pack)
        for section, _, items in SECTIONS:
            if section not in f:
                continue
            for figure, value, meaning in items(f[section], f["client"]["currency"]):
                assert value and meaning.endswith("."), figure
                assert meaning in html.unescape(_page(pack)), figure
                for word in ("notebook", "cell", "parameter", "settings.yaml"):
                    assert word not in meaning.lower(), (figure, word)


class TestContents:
    def test_every_link_leads_to_an_anchor_of_its_own(self, pack):
        page = _page(pack)
        contents = re.search(r'<nav class="salesnb-toc" id="contents">(.*?)</nav>', page, re.DOTALL)
        assert contents
        links = re.findall(r'href="#([^"]+)"', contents[1])
        assert len(links) >= 10
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert len(links) == len(set(links)), "each entry has its own section"
        for link in links:
            assert ids.count(link) == 1, link
        assert "appendix" in links
        # the summary's parts lead to their parts of the report
        summary = re.search(r'<table class="salesnb-exec">(.*?)</table>', page, re.DOTALL)[1]
        for section in ("proforma", "plan", "hiring"):
            if section in _figures(pack):
                assert f'href="#{part_anchor(section)}"' in summary
                assert ids.count(part_anchor(section)) == 1

    def test_the_page_numbers_are_the_headings_pages(self, pack):
        page, pages = _page(pack), _pages(pack)
        contents = "\n".join(_layout(pack, n) for n in (2, 3, 4))  # at most three pages
        entries = re.findall(
            r'<a href="#([^"]+)">(.*?)</a><span class="toc-page" data-for="\1"></span>', page
        )
        assert entries, "report.html keeps the contents' links, without page numbers"
        for anchor, text in entries:
            heading = _flat(html.unescape(text))
            # A long heading wraps in its column, its page number beside the first line.
            words, printed = heading.split(), None
            for k in range(len(words), min(4, len(words)) - 1, -1):
                start = r"\s+".join(map(re.escape, words[:k]))
                printed = printed or re.search(start + r"\s*\.*\s*(\d+)\b", _flat(contents))
            assert printed, (anchor, heading)
            number = int(printed[1])
            assert 2 < number <= len(pages), heading
            assert heading in _flat(pages[number - 1]), (heading, number)

    def test_the_inputs_are_an_appendix_at_the_end(self, pack):
        pages = _pages(pack)
        assert "Appendix: what the figures rest on" not in _flat(pages[0])
        start = max(  # the last page naming it: the contents name it too
            i for i, p in enumerate(pages) if i > 1 and "Appendix: what the figures rest on" in p
        )
        rest = _flat(" ".join(pages[start:]))
        for kept in ("Inputs", "Settings", "Software", "pandas", "revenue_plan"):
            assert kept in rest, kept
        assert start >= len(pages) - 6


class TestPdf:
    def test_the_pro_forma_keeps_every_column(self, pack):
        f = _figures(pack)
        cur = f["client"]["currency"]
        start = f["client"]["plan_start"]
        year, month = map(int, start.split("-"))
        months = [
            f"{year + (month - 1 + i) // 12}-{(month - 1 + i) % 12 + 1:02d}" for i in range(12)
        ]
        header = re.compile(r"\s+".join([*map(re.escape, months), "Total"]))
        text = _layout(pack)
        assert header.search(text), "one line holds every month of the pro forma and its Total"
        total = money(f["proforma"]["baseline_revenue"], cur)
        assert re.search(rf"Total revenue\s.*{re.escape(total)}\s*$", text, re.MULTILINE)

    def test_no_cell_is_cut_off(self, pack):
        text = " ".join(_pages(pack))
        assert "..." not in text and "…" not in text
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", _page(pack), re.DOTALL)
        assert cells
        assert not [c for c in cells if _text(c).endswith(("...", "…"))]

    def test_no_page_ends_with_a_heading(self, pack):
        headings = _heading_texts(_page(pack))
        client = _figures(pack)["client"]["name"]
        pages = _layout(pack).split("\f")
        assert len(pages) >= len(_pages(pack))
        for number, text in enumerate(pages[: len(_pages(pack)) - 1], 1):
            lines = _body_lines(text, client)
            if not lines:
                continue  # a page holding a chart alone: no text, no heading
            tail = _flat(" ".join(lines[-2:]))
            ends = [h for h in headings if tail.endswith(h)]
            assert not ends, f"page {number} ends with the heading {ends}"

    def test_every_page_has_its_number_and_the_clients_name(self, pack):
        name = _figures(pack)["client"]["name"]
        pages = _pages(pack)
        for number, text in enumerate(pages, 1):
            assert f"Page {number} of {len(pages)}" in text, number
            assert name in text, number


def test_a_heading_never_ends_a_printed_page(tmp_path):
    """Sections of every length, each heading alone in its cell before a table or in a cell
    with its text: printed, no page ends with a heading (without the template's rule to
    keep a heading with what follows, several would)."""
    import nbformat
    import pandas as pd

    from salesnb.report.pack import write_html, write_pdf

    cells = []
    sentence = "The shortfall takes its contribution margin with it, month after month. "
    for i in range(36):
        cells.append(nbformat.v4.new_markdown_cell(sentence * (3 + (i * 7) % 29)))
        table = pd.DataFrame(
            {"Revenue": range(i % 9 + 2)}, index=[f"row {n}" for n in range(i % 9 + 2)]
        )
        if i % 2:
            cells.append(nbformat.v4.new_markdown_cell(f"## Heading number {i}"))
        else:
            cells.append(nbformat.v4.new_markdown_cell(f"## Heading number {i}\n\n{sentence}"))
        cells.append(
            nbformat.v4.new_code_cell(
                "",
                outputs=[
                    nbformat.v4.new_output("display_data", data={"text/html": table.to_html()})
                ],
            )
        )
    write_html(nbformat.v4.new_notebook(cells=cells), tmp_path / "report.html")
    pdf, note = write_pdf(tmp_path / "report.html", tmp_path / "report.pdf", tmp_path)
    assert pdf is not None, note
    import subprocess

    laid_out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    assert len(laid_out) > 10
    for number, text in enumerate(laid_out[:-1], 1):
        lines = _body_lines(text, "")
        assert lines, number
        assert not re.fullmatch(r"Heading number \d+", lines[-1]), f"page {number}: {lines[-1]}"


def test_the_footer_prints_any_client_name_as_written(tmp_path):
    """The client's name reaches the footer through CSS: quotes, markup and accents stay
    text, and nothing of it leaks into the page."""
    from salesnb.report.pack import combined, write_html, write_pdf

    name = 'Smith & "Söhne" </style><b>'
    figures = {
        "client": {"name": name, "as_of": "2027-01-08", "plan_start": "2027-01", "currency": "EUR"}
    }
    write_html(combined("<p>Appendix</p>", [], "t", figures=figures), tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<b>" not in page and page.count("</style>") == page.count("<style")
    pdf, note = write_pdf(tmp_path / "report.html", tmp_path / "report.pdf", tmp_path)
    assert pdf is not None, note
    pages = pdf_pages(pdf)
    assert pages
    for number, text in enumerate(pages, 1):
        assert name in text, number
        assert f"Page {number} of {len(pages)}" in text


def test_each_heading_keeps_an_anchor_of_its_own():
    from salesnb.report.pack import finish_html
    from salesnb.report.summary import CONTENTS_PLACEHOLDER

    body = (
        CONTENTS_PLACEHOLDER
        + '<h1 id="Plan">Plan<a class="anchor-link" href="#Plan">¶</a></h1>'
        + '<h2 id="Under-uncertainty">Under uncertainty</h2>'
        + '<h2 id="Can-we?">Can we?<a class="anchor-link" href="#Can-we?">¶</a></h2>'
        + '<h2 id="Under-uncertainty">Under uncertainty</h2><h2>A key-figure block</h2>'
        + "<table><tr>"
        + "<th>m</th>" * 13
        + "</tr></table><table><tr><td>1</td></tr></table>"
    )
    done = finish_html(body)
    nav = re.search(r'<nav class="salesnb-toc" id="contents">(.*?)</nav>', done, re.DOTALL)[1]
    links = re.findall(r'href="#([^"]+)">([^<]+)</a>', nav)
    assert links == [
        ("Plan", "Plan"),
        ("Under-uncertainty", "Under uncertainty"),
        ("Can-we", "Can we?"),
        ("Under-uncertainty-2", "Under uncertainty"),
    ]
    for anchor, _ in links:
        assert done.count(f'id="{anchor}"') == 1
    assert 'href="#Can-we"' in done.split("</nav>")[1], "the heading's own link follows it"
    assert done.count('class="salesnb-widest"') == 1, "only the table of 13 columns"


def test_a_table_too_wide_for_a_page_is_printed_in_parts(tmp_path):
    """Twenty-four months and a total: on paper, parts that each fit the page, every
    column there once with the row labels beside it; on screen, the table whole."""
    import subprocess

    import nbformat
    import pandas as pd

    from salesnb.report.pack import write_html, write_pdf

    months = [f"2027-{m:02d}" for m in range(1, 13)] + [f"2028-{m:02d}" for m in range(1, 13)]
    frame = pd.DataFrame(
        [[f"${1_234_567 + i * 1_000 + j:,}" for j in range(25)] for i in range(4)],
        index=pd.Index(["Revenue: Professional services", "Cost of sales", "Gross profit", "Cash"]),
        columns=[*months, "Total"],
    )
    cell = nbformat.v4.new_code_cell(
        "", outputs=[nbformat.v4.new_output("display_data", data={"text/html": frame.to_html()})]
    )
    write_html(nbformat.v4.new_notebook(cells=[cell]), tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count('class="salesnb-whole') == 1
    pdf, note = write_pdf(tmp_path / "report.html", tmp_path / "report.pdf", tmp_path)
    assert pdf is not None, note
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    for column in [*months, "Total"]:
        assert text.count(column) == 1, column
    header_lines = [line for line in text.splitlines() if "2027-01" in line or "2028-" in line]
    assert len(header_lines) >= 2, "more than one part"
    for j in range(25):
        assert f"${1_234_567 + 3_000 + j:,}" in text, j
    assert text.count("Revenue: Professional services") == len(header_lines)


def test_a_scenarios_first_page_is_titled_with_its_name():
    from salesnb.report.summary import summary_html

    client = {"name": "Acme", "as_of": "2027-01-08", "plan_start": "2027-01", "currency": "USD"}
    assert "<h1>Acme: sales-leadership report</h1>" in summary_html({"client": client})
    page = summary_html({"client": client, "scenario": {"name": "deep<cut>"}}, preface="<p>x</p>")
    assert "<h1>Acme: sales-leadership report, scenario deep&lt;cut&gt;</h1>" in page
    assert page.index("<p>x</p>") < page.index('<table class="salesnb-exec">')
