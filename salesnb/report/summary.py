"""The report's first page: the executive summary, and the table of contents after it.

The summary is built from the figures the notebooks recorded (the sections of
``figures.json``), through each analysis module's ``executive_items``: the
values on page one are the report's own figures, formatted, never text typed in
a notebook. The table of contents is filled in once the whole report is
rendered (:func:`contents_html`), from the headings the report holds.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from salesnb.analysis import (
    checkup,
    dashboard,
    hiring,
    indicators,
    plan,
    proforma,
    scorecard,
    training,
)

__all__ = [
    "SECTIONS",
    "Heading",
    "Part",
    "contents_html",
    "executive_summary",
    "part_anchor",
    "summary_html",
]

#: The parts of the summary, in the order a client's executive reads them: the recorded
#: section, its title, and the function giving its items.
SECTIONS: tuple[tuple[str, str, Callable[..., list[tuple[str, str, str]]]], ...] = (
    ("proforma", "The stress test: sales under plan", proforma.executive_items),
    ("plan", "The annual sales plan", plan.executive_items),
    ("hiring", "The hiring timeline", hiring.executive_items),
    ("dashboard", "The sales dashboard", dashboard.executive_items),
    ("indicators", "The leading indicators", indicators.executive_items),
    ("checkup", "The sales manager's checkup", checkup.executive_items),
    ("scorecard", "The recruiting scorecard", scorecard.executive_items),
    ("training", "The 90-day training plan", training.executive_items),
)

#: The element the table of contents is written into once the report is rendered.
CONTENTS_PLACEHOLDER = '<nav class="salesnb-toc" id="contents"></nav>'


@dataclass(frozen=True)
class Part:
    """One part of the summary: its recorded section, title and (figure, value, meaning) items."""

    section: str
    title: str
    items: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Heading:
    """A heading of the rendered report, as the table of contents lists it."""

    anchor: str
    text: str
    level: int


def part_anchor(section: str) -> str:
    """The anchor at the start of a recorded section's part of the report.

    >>> part_anchor("proforma")
    'part-proforma'
    """
    return f"part-{section}"


def executive_summary(figures: Mapping[str, Any]) -> list[Part]:
    """The summary's parts, from the figures as ``figures.json`` holds them.

    A part whose section was not recorded (left out for the client) is left out.
    """
    currency = figures["client"]["currency"]
    return [
        Part(section, title, tuple(items(figures[section], currency)))
        for section, title, items in SECTIONS
        if figures.get(section)
    ]


def summary_html(figures: Mapping[str, Any], *, preface: str = "") -> str:
    """Page one: the title, ``preface`` (HTML, such as what a scenario changed), the
    summary's figures with what each means and the parts left out, then the place of the
    table of contents; and the page footer's client name."""
    e = html.escape
    client = figures["client"]
    name = client["name"]
    as_of = date.fromisoformat(client["as_of"])
    named = (figures.get("scenario") or {}).get("name")
    scenario = f", scenario {named}" if named else ""
    rows = []  # one body per part, so that a part's title never ends a page alone
    for part in executive_summary(figures):
        rows.append(
            '<tbody class="salesnb-exec-group"><tr class="salesnb-exec-part"><th colspan="3">'
            f'<a href="#{part_anchor(part.section)}">{e(part.title)}</a></th></tr>'
        )
        rows.extend(
            f'<tr><th scope="row">{e(figure)}</th><td class="salesnb-exec-value">{e(value)}</td>'
            f'<td class="salesnb-exec-meaning">{e(meaning)}</td></tr>'
            for figure, value, meaning in part.items
        )
        rows.append("</tbody>")
    left_out = client.get("not_included") or []
    missing = (
        '<p class="salesnb-left-out">Not included in this report: '
        + ", ".join(e(title) for title in left_out)
        + " (the appendix says what each needs).</p>"
        if left_out
        else ""
    )
    return (
        f"<style>{footer_css(name)}</style>"
        '<section class="salesnb-summary" id="summary">'
        f"<h1>{e(name)}: sales-leadership report{e(scenario)}</h1>"
        f'<p class="salesnb-asof">Executive summary: figures as of {e(f"{as_of:%d %B %Y}")}, '
        f"plan year from {e(client['plan_start'])}, in {e(client['currency'])}.</p>"
        f"{preface}"
        '<table class="salesnb-exec"><thead><tr><th>Figure</th><th>Value</th>'
        "<th>What it means, and what to do</th></tr></thead>"
        f"{''.join(rows)}</table>"
        f"{missing}</section>"
        '<section class="salesnb-contents"><h2 class="salesnb-contents-title">Contents</h2>'
        f"{CONTENTS_PLACEHOLDER}</section>"
    )


def _css_string(text: str) -> str:
    r"""``text`` as a CSS string whose every character is safe inside a style element.

    >>> _css_string('A "B" </style>')
    '"A \\000022 B\\000022  \\00003c \\00002f style\\00003e "'
    """
    safe = re.compile(r"[A-Za-z0-9 .,&'()-]")
    return '"' + "".join(c if safe.fullmatch(c) else f"\\{ord(c):06x} " for c in text) + '"'


def footer_css(client_name: str) -> str:
    """The printed page's footer: the client's name on the left, the page number on the right."""
    return (
        "@page { @bottom-left { content: "
        f"{_css_string(client_name)}; font-size: 8pt; color: #555; }}"
        ' @bottom-right { content: "Page " counter(page) " of " counter(pages);'
        " font-size: 8pt; color: #555; } }"
    )


def contents_html(headings: Sequence[Heading], pages: Mapping[str, int] | None = None) -> str:
    """The table of contents: a link to each heading, and its page when ``pages`` gives it.

    Without pages, each entry keeps an empty page slot (so the printed layout does
    not move when the numbers are filled in).

    >>> contents_html([Heading("a", "Plan", 1)], {"a": 3})
    '<ol class="salesnb-toc-list"><li class="toc-1"><a href="#a">Plan</a><span class="toc-page" data-for="a">3</span></li></ol>'
    """
    pages = pages or {}
    entries = "".join(
        f'<li class="toc-{h.level}"><a href="#{html.escape(h.anchor)}">{html.escape(h.text)}</a>'
        f'<span class="toc-page" data-for="{html.escape(h.anchor)}">'
        f"{pages.get(h.anchor, '')}</span></li>"
        for h in headings
    )
    return f'<ol class="salesnb-toc-list">{entries}</ol>'
