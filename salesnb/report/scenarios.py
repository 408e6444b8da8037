"""Scenarios: a report run with overrides, as a pack of its own beside the base case.

A scenario is a name and a set of report overrides (:data:`~salesnb.report.parameters.
PARAMETERS`), given on the command line (``--scenario deep-cut -p cut=0.4``) or named in
the client's ``settings.yaml`` (``scenarios: {deep-cut: {cut: 0.4, start_month: 3}}``).
Its pack is written to ``<client>/scenarios/<name>/``, never over the base case.

:func:`comparison` reads the base pack's ``figures.json`` and each scenario's, and
:func:`write_comparison` writes them side by side as ``<client>/comparison.html``; the
same rows go to the base workbook's Scenarios sheet. Nothing here works out a figure:
every value is read from a pack's ``figures.json``.
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesnb.errors import ReportError
from salesnb.format import money, pct
from salesnb.io import slugify

__all__ = [
    "COMPARISON_FILE",
    "MEASURES",
    "SCENARIOS_FOLDER",
    "Case",
    "Comparison",
    "Measure",
    "changes_html",
    "check_name",
    "comparison",
    "name_for",
    "write_comparison",
]

#: The folder inside a client's pack that holds its scenarios' packs.
SCENARIOS_FOLDER = "scenarios"
#: The page, in the client's pack, that sets the base case beside its scenarios.
COMPARISON_FILE = "comparison.html"

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LONGEST_NAME = 60


def check_name(name: str) -> str:
    """A scenario's name, which is its folder's: refused unless a plain slug.

    >>> check_name("deep-cut")
    'deep-cut'
    >>> check_name("../base")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    salesnb.errors.ReportError: scenario name '../base': ...
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name) or len(name) > _LONGEST_NAME:
        shown = repr(name) if len(repr(name)) <= 70 else f"{repr(name)[:70]}..."
        raise ReportError(
            f"scenario name {shown}: a scenario's name is its folder's name, so it must be "
            "lower-case letters, digits and single dashes, such as deep-cut, at most "
            f"{_LONGEST_NAME} characters"
        )
    return name


def name_for(overrides: Mapping[str, Any]) -> str:
    """The name of a scenario given only by its overrides (``-p`` without ``--scenario``).

    >>> name_for({"cut": 0.4, "start_month": 3})
    'cut-0-4-start-month-3'
    """
    words = " ".join(f"{k} {v}" for k, v in overrides.items())
    return slugify(words)[:_LONGEST_NAME].strip("-") or "scenario"


#: How each override reads on a scenario's first page and in the comparison.
_WORDS: dict[str, tuple[str, str]] = {
    "cut": ("share of sales lost in the stress test", "percent"),
    "start_month": ("first month of the cut", "month"),
    "target_margin": ("operating margin to hold", "percent"),
    "volatility": ("spread of monthly sales in the simulation", "percent"),
    "runs": ("simulated years", "count"),
    "seed": ("seed of the simulation", "count"),
    "growth": ("growth over last year", "percent"),
    "stretch": ("stretch above quota", "percent"),
    "coverage": ("pipeline coverage", "times"),
    "ramp_months": ("months a new rep takes to ramp", "count"),
    "lead_time_months": ("months from requisition to start", "count"),
    "attainment": ("attainment of a ramped rep", "percent"),
    "attrition_rate": ("yearly attrition", "percent"),
}


def _value_words(kind: str, value: Any, currency: str = "USD") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if kind == "percent":
        whole = abs(value * 100 - round(value * 100)) < 1e-9
        return pct(float(value), 0 if whole else 1)
    if kind == "money":
        return money(float(value), currency)
    if kind == "month":
        return f"month {int(value)}"
    if kind == "times":
        return f"{value:g}x"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _override_words(
    overrides: Mapping[str, Any], was: Mapping[str, Any] | None = None
) -> list[str]:
    said = []
    for name, value in overrides.items():
        label, kind = _WORDS.get(name, (name.replace("_", " "), "count"))
        text = f"{label}: {_value_words(kind, value)}"
        if was is not None and name in was:
            text += f" (base case: {_value_words(kind, was[name])})"
        said.append(text)
    return said


def changes_html(name: str, overrides: Mapping[str, Any], was: Mapping[str, Any]) -> str:
    """A scenario's first words, to the reader: its name and what it changes from the
    base case (``was``: the base case's values).

    >>> changes_html("deep-cut", {"cut": 0.4}, {"cut": 0.25})  # doctest: +ELLIPSIS
    '<p class="scenario"><strong>Scenario deep-cut.</strong> ...share of sales lost...: 40% (base case: 25%)...'
    """
    e = html.escape
    items = "; ".join(e(w) for w in _override_words(overrides, was))
    changed = f"It changes the {items}." if items else "It changes nothing."
    return (
        f'<p class="scenario"><strong>Scenario {e(name)}.</strong> This report is the base '
        f"case with other assumptions. {changed} Everything else is as in the base case; "
        "the appendix lists the values used.</p>"
    )


@dataclass(frozen=True)
class Measure:
    """One row of the comparison: a figure of ``figures.json`` and how it reads."""

    label: str
    section: str
    key: str
    kind: str  # "money", "percent", "month" or "count"


#: The comparison's rows, in order (names as in the README's figures.json tables).
MEASURES: tuple[Measure, ...] = (
    Measure("Sales cut", "proforma", "cut", "percent"),
    Measure("First month of the cut", "proforma", "cut_start_month", "month"),
    Measure("Target operating margin", "proforma", "target_margin", "percent"),
    Measure("Operating income as planned", "proforma", "baseline_income", "money"),
    Measure("Operating income with the cut", "proforma", "scenario_income", "money"),
    Measure("Lowest month-end cash with the cut", "proforma", "scenario_lowest_cash", "money"),
    Measure(
        "Largest cut survived (income)", "proforma", "largest_survivable_cut_income", "percent"
    ),
    Measure("Largest cut survived (cash)", "proforma", "largest_survivable_cut_cash", "percent"),
    Measure("Cost reduction to break even", "proforma", "reduction_to_break_even", "money"),
    Measure("Cost reduction to hold the margin", "proforma", "reduction_to_target_margin", "money"),
    Measure("Planned hires", "hiring", "hires", "count"),
    Measure("Late hires", "hiring", "late_hires", "count"),
    Measure("Shortfall from late hires", "hiring", "shortfall", "money"),
)


@dataclass(frozen=True)
class Case:
    """The base case (``name`` None) or one scenario, as its pack's figures.json has it."""

    name: str | None
    figures: Mapping[str, Any]
    link: str  # the case's report, relative to the comparison page

    @property
    def title(self) -> str:
        return "Base case" if self.name is None else f"Scenario {self.name}"

    @property
    def overrides(self) -> dict[str, Any]:
        scenario = self.figures.get("scenario") or {}
        return dict(scenario.get("overrides") or {})

    def value(self, measure: Measure) -> Any:
        section = self.figures.get(measure.section)
        return section.get(measure.key) if isinstance(section, Mapping) else None


@dataclass(frozen=True)
class Comparison:
    """The base case and its scenarios side by side."""

    client: str
    currency: str
    cases: tuple[Case, ...]

    def rows(self) -> list[tuple[Measure, list[Any]]]:
        """Each measure that at least one case has, with every case's value (None: not in it)."""
        rows = []
        for measure in MEASURES:
            values = [case.value(measure) for case in self.cases]
            if any(v is not None for v in values):
                rows.append((measure, values))
        return rows

    def changes(self) -> list[str]:
        """For each case, what it changed, in words."""
        return [
            "; ".join(_override_words(c.overrides))
            or ("the assumptions as planned" if c.name is None else "nothing")
            for c in self.cases
        ]

    def shown(self, measure: Measure, value: Any) -> str:
        return _value_words(measure.kind, value, self.currency)


def _read_figures(path: Path) -> dict[str, Any] | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def comparison(pack: Path, base: Mapping[str, Any] | None = None) -> Comparison:
    """The base case of the pack folder ``pack`` and every scenario found in it.

    ``base`` is the base case's figures when they are not yet in ``pack`` (the pack
    being written); otherwise ``pack/figures.json`` is read. Scenarios are the
    folders of ``pack/scenarios`` named as a scenario is and holding a figures.json,
    in name order.
    """
    cases = []
    base = base if base is not None else _read_figures(pack / "figures.json")
    if base is not None:
        cases.append(Case(None, base, "report.html"))
    folder = pack / SCENARIOS_FOLDER
    found = sorted(folder.iterdir()) if folder.is_dir() else []
    for entry in found:
        if not (_NAME.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink()):
            continue
        figures = _read_figures(entry / "figures.json")
        if figures is not None:
            cases.append(Case(entry.name, figures, f"{SCENARIOS_FOLDER}/{entry.name}/report.html"))
    first = cases[0].figures.get("client", {}) if cases else {}
    return Comparison(
        client=str(first.get("name", pack.name)),
        currency=str(first.get("currency", "USD")),
        cases=tuple(cases),
    )


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; }
th, td { padding: .35rem .75rem; border-bottom: 1px solid #ddd; vertical-align: top; }
thead th { background: #eee; }
td { text-align: right; font-variant-numeric: tabular-nums; }
tr.changes td { text-align: left; font-size: .9em; max-width: 18rem; }
tbody th { text-align: left; font-weight: normal; }
"""


def comparison_html(found: Comparison) -> str:
    """The comparison page: one column per case, one row per figure; client text escaped."""
    e = html.escape
    head = "".join(f'<th><a href="{e(c.link)}">{e(c.title)}</a></th>' for c in found.cases)
    changes = "".join(f"<td>{e(words)}</td>" for words in found.changes())
    body = "".join(
        f"<tr><th>{e(m.label)}</th>"
        + "".join(f"<td>{e(found.shown(m, v))}</td>" for v in values)
        + "</tr>"
        for m, values in found.rows()
    )
    if len(found.cases) < 2:
        note = (
            "<p>There is no scenario beside the base case yet. A scenario is this report "
            "with other assumptions, such as a deeper cut of sales; each one made appears "
            "here beside the base case.</p>"
        )
    else:
        note = (
            "<p>Each column is a report of its own, with the base case's inputs except "
            "what the scenario changes; its heading links to it. A dash: the figure is not "
            "in that report.</p>"
        )
    title = f"{found.client}: the base case and its scenarios"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{e(title)}</h1>{note}"
        f"<table><thead><tr><th></th>{head}</tr></thead><tbody>"
        f'<tr class="changes"><th>What it changes</th>{changes}</tr>{body}'
        "</tbody></table></body></html>\n"
    )


def write_comparison(pack: Path, base: Mapping[str, Any] | None = None) -> Path:
    """Write ``pack/comparison.html`` afresh, whole or not at all; returns its path."""
    target = pack / COMPARISON_FILE
    text = comparison_html(comparison(pack, base))
    fd, temporary = tempfile.mkstemp(prefix=f".{COMPARISON_FILE}.", dir=pack)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        Path(temporary).chmod(0o644)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def sheet_rows(found: Comparison) -> tuple[list[str], list[tuple[str, str, list[Any]]]]:
    """The comparison as the workbook's Scenarios sheet takes it: the column headings,
    then for each row its label, its kind ("text", "money", ...) and the values."""
    headings = [c.title for c in found.cases]
    rows: list[tuple[str, str, list[Any]]] = [("What it changes", "text", found.changes())]
    rows += [(m.label, m.kind, values) for m, values in found.rows()]
    return headings, rows
