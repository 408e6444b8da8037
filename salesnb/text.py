"""The client's own words as HTML: the planning answers and the assumptions, all escaped.

Every answer and assumption is passed through :func:`html.escape` before it
becomes HTML, and shows as plain text where HTML is not rendered (and in the
text nbval compares).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from IPython.display import HTML

from salesnb.io import PLANNING_QUESTIONS

__all__ = ["answers_html", "assumptions_html"]


class _Text(HTML):
    """HTML that shows as readable text where HTML is not rendered (and in nbval's text/plain).

    Wrapped in a class that tells MathJax (in JupyterLab) to leave it alone: it
    would otherwise read the text between two $ signs as a formula.
    """

    def __init__(self, markup: str, text: str) -> None:
        super().__init__(f'<div class="tex2jax_ignore mathjax_ignore">{markup}</div>')
        self.text = text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)


def answers_html(questions: Mapping[str, Sequence[str]]) -> HTML:
    """The planning questions and their answers as headings and bullet lists, all escaped.

    Questions not answered yet are named at the end, so a gap is seen.
    """
    parts, lines = [], []
    for key, answers in questions.items():
        title = PLANNING_QUESTIONS.get(key, key)
        items = "".join(f"<li>{html.escape(str(a))}</li>" for a in answers)
        parts.append(f"<h4>{html.escape(title)}</h4><ul>{items}</ul>")
        lines += [title, *(f"- {a}" for a in answers), ""]
    if not questions:
        note = "The leadership team has answered none of the planning questions yet."
        parts.append(f"<p>{note}</p>")
        lines += [note, ""]
    missing = [PLANNING_QUESTIONS[k] for k in PLANNING_QUESTIONS if k not in questions]
    if missing:
        listed = "; ".join(m.lower() for m in missing)
        parts.append(f"<p><em>Not answered yet: {html.escape(listed)}.</em></p>")
        lines.append(f"Not answered yet: {listed}.")
    return _Text("\n".join(parts), "\n".join(lines).strip())


def assumptions_html(assumptions: pd.DataFrame) -> HTML:
    """The assumptions the plan rests on, with whether each still holds, as an escaped table.

    HTML rather than a DataFrame so that long assumptions are shown in full.
    """
    if assumptions.empty:
        note = "No assumptions are listed yet."
        return _Text(f"<p>{note}</p>", note)
    head = "".join(f"<th>{h}</th>" for h in ("", "Assumption", "Still true?", "Note"))
    rows, lines = [], []
    for number, row in enumerate(assumptions.itertuples(index=False), start=1):
        cells = [str(number), row.assumption, row.still_true, row.note]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        note = f" ({row.note})" if row.note else ""
        lines.append(f"{number}. {row.assumption}: still true? {row.still_true}{note}")
    table = (
        '<table class="dataframe"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return _Text(table, "\n".join(lines))
