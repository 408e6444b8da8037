"""The portfolio page: every client of a batch on one page, and where each stands.

``out/portfolio/`` holds the same table three ways, ``portfolio.html``,
``portfolio.json`` and ``portfolio.xlsx``: one row per client folder with the
headline figures of every part of its report (read from its pack's
``figures.json``), or, for a client that failed, the one-line reason; and, for
each headline figure, the client's rank among the clients that have it and the
portfolio's median. Rank 1 is the best where a figure has a better direction
(the largest survivable cut, the lowest probability of a loss), and the largest
otherwise. Money is ranked and its median taken only among clients reporting
in the same currency. Nothing here computes a client's figure: the values are
those the client's own report shows.
"""

from __future__ import annotations

import html
import json
import shutil
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from salesnb._checks import finite_or_none
from salesnb.format import money, pct
from salesnb.io import slugify

__all__ = [
    "HEADLINES",
    "Headline",
    "Portfolio",
    "Row",
    "Standing",
    "median",
    "portfolio",
    "ranks",
    "read_rows",
    "write_portfolio",
]

Kind = Literal["money", "percent", "number", "count", "text"]


@dataclass(frozen=True)
class Headline:
    """One headline figure: where it is in ``figures.json``, its name in words, how it
    reads, and which way is better (None: ranked largest first, not judged)."""

    section: str
    key: str
    label: str
    kind: Kind
    best: Literal["high", "low"] | None = None

    @property
    def ranked(self) -> bool:
        return self.kind != "text"


#: The parts of the report, as the page titles them.
SECTION_TITLES = {
    "plan": "Annual sales plan",
    "proforma": "Stress test",
    "hiring": "Hiring timeline",
    "dashboard": "Sales dashboard",
    "indicators": "Leading indicators",
    "checkup": "Sales management checkup",
    "scorecard": "Recruiting scorecard",
    "training": "Training plan",
}

#: The headline figures of each part of the report, in report order.
HEADLINES: tuple[Headline, ...] = (
    Headline("plan", "goal", "Sales goal", "money"),
    Headline("plan", "growth", "Growth on last year", "percent"),
    Headline("plan", "capacity_to_quota", "Team capacity / quotas", "percent", "high"),
    Headline("plan", "pipeline_needed", "Pipeline needed", "money"),
    Headline("proforma", "baseline_margin", "Operating margin on plan", "percent", "high"),
    Headline("proforma", "cut", "Sales cut tested", "percent"),
    Headline("proforma", "scenario_income", "Income with the cut", "money", "high"),
    Headline("proforma", "scenario_lowest_cash", "Lowest cash with the cut", "money", "high"),
    Headline(
        "proforma", "largest_survivable_cut_cash", "Largest survivable cut", "percent", "high"
    ),
    Headline("proforma", "probability_of_loss", "Chance of a loss", "percent", "low"),
    Headline("hiring", "hires", "Hires planned", "count"),
    Headline("hiring", "first_requisition", "First requisition", "text"),
    Headline("hiring", "late_hires", "Late hires", "count", "low"),
    Headline("hiring", "shortfall", "Shortfall against objectives", "money", "low"),
    Headline(
        "dashboard",
        "periods.last_year.total.attainment",
        "Last year's attainment",
        "percent",
        "high",
    ),
    Headline("dashboard", "pipeline.open_value", "Open pipeline", "money"),
    Headline("dashboard", "forecast.trailing_bias", "Forecast bias, six months", "percent"),
    Headline("dashboard", "dso.dso", "Days sales outstanding", "number", "low"),
    Headline("indicators", "forecast.value", "Bookings forecast, next 9 weeks", "money"),
    Headline("checkup", "total", "Checkup score", "number", "high"),
    Headline("checkup", "band", "Checkup band", "text"),
    Headline("scorecard", "recommendation", "Recruiting recommendation", "text"),
    Headline("scorecard", "best_score", "Best candidate's score", "number", "high"),
    Headline("training", "sessions", "Training sessions", "count"),
    Headline("training", "first_session", "First session", "text"),
)


@dataclass(frozen=True)
class Standing:
    """A client's place among the clients that have a figure: ``rank`` of ``of``."""

    rank: int
    of: int


def ranks(values: Mapping[str, float], best: Literal["high", "low"] | None) -> dict[str, Standing]:
    """Each client's rank by one figure: 1 for the best (or largest), ties sharing a rank.

    Clients tied share the best of their places and the next place is skipped, as in
    a race ("1, 2, 2, 4").

    >>> r = ranks({"a": 0.10, "b": 0.30, "c": 0.30, "d": 0.05}, best="high")
    >>> [(k, r[k].rank, r[k].of) for k in "abcd"]
    [('a', 3, 4), ('b', 1, 4), ('c', 1, 4), ('d', 4, 4)]
    >>> ranks({"a": 0.2, "b": 0.1}, best="low")["b"]
    Standing(rank=1, of=2)
    """
    order = sorted(values.values(), reverse=best != "low")
    return {name: Standing(order.index(value) + 1, len(order)) for name, value in values.items()}


def median(values: Sequence[float]) -> float | None:
    """The median of ``values`` (the mean of the middle two for an even count); None if empty.

    >>> median([3.0, 1.0, 2.0]), median([4.0, 1.0, 2.0, 3.0]), median([])
    (2.0, 2.5, None)
    """
    return float(statistics.median(values)) if values else None


@dataclass(frozen=True)
class Row:
    """One client folder of the batch: its report's headline figures, or why it has none."""

    folder: str
    slug: str
    client: str
    currency: str | None
    #: ``written``, or ``failed`` (with ``reason``).
    state: str
    reason: str = ""
    #: ``(section, key)`` -> the figure, for the headline figures its report has.
    figures: Mapping[tuple[str, str], Any] = field(default_factory=dict)

    def value(self, headline: Headline) -> Any:
        return self.figures.get((headline.section, headline.key))


@dataclass(frozen=True)
class Portfolio:
    """The page's content: the rows, each client's standing by each ranked figure, and
    the medians (money by currency: ``(section, key, currency)``; others with None)."""

    rows: tuple[Row, ...]
    standings: Mapping[tuple[str, str, str], Standing]
    medians: Mapping[tuple[str, str, str | None], float]

    def standing(self, row: Row, headline: Headline) -> Standing | None:
        return self.standings.get((row.folder, headline.section, headline.key))


def portfolio(rows: Sequence[Row], headlines: Sequence[Headline] = HEADLINES) -> Portfolio:
    """Rank every written client by every ranked headline figure, and take the medians.

    >>> rows = [Row(n, n, n.title(), "USD", "written", figures={("proforma", "cut"): c})
    ...         for n, c in (("a", 0.2), ("b", 0.3), ("c", 0.25))]
    >>> p = portfolio(rows, [Headline("proforma", "cut", "Sales cut tested", "percent")])
    >>> p.standings[("a", "proforma", "cut")], p.medians[("proforma", "cut", None)]
    (Standing(rank=3, of=3), 0.25)
    """
    standings: dict[tuple[str, str, str], Standing] = {}
    medians: dict[tuple[str, str, str | None], float] = {}
    written = [row for row in rows if row.state == "written"]
    for headline in headlines:
        if not headline.ranked:
            continue
        groups: dict[str | None, dict[str, float]] = {}
        for row in written:
            value = finite_or_none(row.value(headline))
            if value is None:
                continue
            group = row.currency if headline.kind == "money" else None
            groups.setdefault(group, {})[row.folder] = value
        for group, values in groups.items():
            for folder, standing in ranks(values, headline.best).items():
                standings[(folder, headline.section, headline.key)] = standing
            found = median(list(values.values()))
            if found is not None:
                medians[(headline.section, headline.key, group)] = found
    return Portfolio(tuple(rows), standings, medians)


# ----------------------------------------------------------------------------
# reading the packs
# ----------------------------------------------------------------------------


def read_rows(
    out_dir: Path | str, folders: Sequence[Path | str], reasons: Mapping[str, str]
) -> list[Row]:
    """One row per client folder: from its pack's figures.json, or its reason for failing.

    A client that failed in this batch shows its reason and no figures (an
    earlier pack of it, kept in its folder, is not what this batch says).
    """
    out_dir = Path(out_dir)
    rows = []
    for folder in (Path(f) for f in folders):
        slug = slugify(folder.resolve().name)
        if folder.name in reasons:
            rows.append(Row(folder.name, slug, folder.name, None, "failed", reasons[folder.name]))
            continue
        try:
            found = json.loads((out_dir / slug / "figures.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            rows.append(Row(folder.name, slug, folder.name, None, "failed", "no report written"))
            continue
        client = found.get("client", {}) if isinstance(found, dict) else {}
        figures = {
            (section, key): value
            for section, values in found.items()
            if section not in ("client", "software", "scenario") and isinstance(values, dict)
            for key, value in values.items()
        }
        for headline in HEADLINES:  # a dotted key reaches into a section's nested figures
            if "." in headline.key:
                value = found.get(headline.section) if isinstance(found, dict) else None
                for step in headline.key.split("."):
                    value = value.get(step) if isinstance(value, dict) else None
                if value is not None:
                    figures[(headline.section, headline.key)] = value
        rows.append(
            Row(
                folder.name,
                slug,
                str(client.get("name", folder.name)),
                str(client.get("currency", "USD")),
                "written",
                figures=figures,
            )
        )
    return rows


# ----------------------------------------------------------------------------
# the three files
# ----------------------------------------------------------------------------


def shown(headline: Headline, value: Any, currency: str | None) -> str:
    """A headline figure as the page prints it.

    >>> h = Headline("proforma", "cut", "Sales cut tested", "percent")
    >>> shown(h, 0.25, "USD"), shown(Headline("a", "b", "c", "money"), -1500.0, "GBP")
    ('25.0%', '-£1,500')
    """
    if value is None:
        return ""
    number = finite_or_none(value)
    if headline.kind == "money" and number is not None:
        return money(number, currency or "USD")
    if headline.kind == "percent" and number is not None:
        return pct(number)
    if headline.kind == "count" and number is not None:
        return f"{number:,.0f}"
    if headline.kind == "number" and number is not None:
        return f"{number:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _median_text(page: Portfolio, headline: Headline) -> str:
    found = sorted(
        (currency, value)
        for (section, key, currency), value in page.medians.items()
        if (section, key) == (headline.section, headline.key)
    )
    return "; ".join(shown(headline, value, currency) for currency, value in found)


def _used(page: Portfolio) -> list[Headline]:
    """The headline figures at least one client's report has."""
    return [h for h in HEADLINES if any(row.value(h) is not None for row in page.rows)]


def as_json(page: Portfolio) -> dict[str, Any]:
    """The page as ``portfolio.json`` holds it."""
    used = _used(page)
    clients = []
    for row in page.rows:
        figures: dict[str, dict[str, Any]] = {}
        for headline in used:
            value = row.value(headline)
            if value is None:
                continue
            entry: dict[str, Any] = {"value": value}
            standing = page.standing(row, headline)
            if standing is not None:
                entry |= {"rank": standing.rank, "of": standing.of}
            figures.setdefault(headline.section, {})[headline.key] = entry
        clients.append(
            {
                "folder": row.folder,
                "report": f"{row.slug}/report.html" if row.state == "written" else None,
                "name": row.client,
                "currency": row.currency,
                "state": row.state,
                "reason": row.reason or None,
                "figures": figures,
            }
        )
    medians: dict[str, dict[str, dict[str, float]]] = {}
    for (section, key, currency), value in sorted(
        page.medians.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or "")
    ):
        medians.setdefault(section, {}).setdefault(key, {})[currency or "all"] = value
    return {
        "headlines": [
            {"section": h.section, "key": h.key, "label": h.label, "kind": h.kind, "best": h.best}
            for h in used
        ],
        "clients": clients,
        "medians": medians,
        "failed": {row.folder: row.reason for row in page.rows if row.state != "written"},
    }


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
p.lead { color: #555; margin-top: 0; }
table { border-collapse: collapse; font-size: .85rem; }
th, td { padding: .3rem .55rem; border-bottom: 1px solid #ddd; vertical-align: top; }
thead th { background: #f0f0f0; font-weight: 600; text-align: center; }
thead tr.parts th { background: #e2e6ea; }
tbody th { text-align: left; font-weight: normal; min-width: 10rem; }
tbody th, thead tr:last-child th:first-child { position: sticky; left: 0; background: #fff; }
th small { color: #666; font-size: .75rem; }
td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { text-align: left; }
td small { display: block; color: #666; font-size: .75rem; }
td.best { background: #e6f4ea; }
td.worst { background: #fbe9e7; }
tr.failed th, tr.failed td { color: #8a1c1c; }
tr.failed td.reason { text-align: left; white-space: normal; }
tr.median th, tr.median td { border-top: 2px solid #999; font-weight: 600; }
"""


def as_html(page: Portfolio) -> str:
    """The page as ``portfolio.html``: every client text escaped."""
    esc = html.escape
    used = _used(page)
    written = [r for r in page.rows if r.state == "written"]
    failed = [r for r in page.rows if r.state != "written"]
    parts = []
    for section, title in SECTION_TITLES.items():
        span = sum(1 for h in used if h.section == section)
        if span:
            parts.append(f'<th colspan="{span}">{esc(title)}</th>')
    heads = []
    for h in used:
        way = {"high": "1 = highest", "low": "1 = lowest", None: "1 = largest"}[h.best]
        note = f"<br><small>rank: {way}</small>" if h.ranked else ""
        heads.append(f"<th>{esc(h.label)}{note}</th>")
    body = []
    for row in page.rows:
        name = esc(row.client)
        if row.state == "written":
            name = f'<a href="../{esc(row.slug)}/report.html">{name}</a>'
        name = f"{name}<br><small>{esc(row.folder)}</small>"
        if row.state != "written":
            body.append(
                f'<tr class="failed"><th>{name}</th>'
                f'<td class="reason" colspan="{max(len(used), 1)}">failed: {esc(row.reason)}</td>'
                "</tr>"
            )
            continue
        cells = []
        for h in used:
            value = row.value(h)
            standing = page.standing(row, h)
            classes = [] if h.ranked else ["text"]
            extra = ""
            if standing is not None:
                extra = f"<small>rank {standing.rank} of {standing.of}</small>"
                if h.best is not None and standing.of > 1:
                    if standing.rank == 1:
                        classes.append("best")
                    elif standing.rank == standing.of:
                        classes.append("worst")
            klass = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{klass}>{esc(shown(h, value, row.currency))}{extra}</td>")
        body.append(f"<tr><th>{name}</th>{''.join(cells)}</tr>")
    medians = "".join(f"<td>{esc(_median_text(page, h))}</td>" for h in used)
    body.append(f'<tr class="median"><th>Median</th>{medians}</tr>')
    currencies = sorted({r.currency for r in written if r.currency})
    money_note = (
        " Money is ranked, and its median taken, within each currency."
        if len(currencies) > 1
        else ""
    )
    lead = (
        f"{len(written)} of {len(page.rows)} client reports written"
        f"{f' ({len(failed)} failed: the reason is on its row)' if failed else ''}. "
        "Under each figure, the "
        f"client's rank among the clients that have it; the last row is the portfolio's "
        f"median.{money_note}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Portfolio</title>"
        f"<style>{_STYLE}</style></head><body>"
        f'<h1>Portfolio</h1><p class="lead">{esc(lead)}</p>'
        f'<table><thead><tr class="parts"><th></th>{"".join(parts)}</tr>'
        f"<tr><th>Client</th>{''.join(heads)}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></body></html>\n"
    )


def _money_format(currency: str | None) -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "C$", "AUD": "A$", "JPY": "¥"}
    found = symbol.get((currency or "USD").upper())
    return f'"{found}"#,##0;-"{found}"#,##0' if found else f'#,##0 "{currency}"'


def write_workbook(page: Portfolio, path: Path) -> None:
    """The page as ``portfolio.xlsx``: a Portfolio sheet (headers in words, figures in money
    and percent formats, each ranked figure followed by its rank) and a Medians sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from salesnb.report.workbook import _put

    used = _used(page)
    book = Workbook()
    sheet = book.active
    sheet.title = "Portfolio"
    headers = ["Client", "Client folder", "Currency", "State", "Reason"]
    for h in used:
        headers.append(f"{SECTION_TITLES[h.section]}: {h.label}")
        if h.ranked:
            headers.append(f"{h.label}: rank")
    for column, text in enumerate(headers, start=1):
        _put(sheet.cell(1, column), text).font = Font(bold=True)
    formats = {"percent": "0.0%", "count": "#,##0", "number": "0.00"}
    for r, row in enumerate(page.rows, start=2):
        written = row.state == "written"
        for column, text in enumerate(
            [row.client, row.folder, row.currency or "", row.state, row.reason], start=1
        ):
            _put(sheet.cell(r, column), text)
        column = 6
        for h in used:
            value = row.value(h) if written else None
            cell = _put(
                sheet.cell(r, column),
                value if finite_or_none(value) is not None or h.kind == "text" else None,
            )
            if h.kind == "money":
                cell.number_format = _money_format(row.currency)
            elif h.kind in formats:
                cell.number_format = formats[h.kind]
            column += 1
            if h.ranked:
                standing = page.standing(row, h)
                if standing is not None:
                    _put(sheet.cell(r, column), f"{standing.rank} of {standing.of}")
                column += 1
    sheet.freeze_panes = "B2"
    for column in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 18
    medians = book.create_sheet("Medians")
    for column, text in enumerate(["Part", "Figure", "Currency", "Median"], start=1):
        _put(medians.cell(1, column), text).font = Font(bold=True)
    r = 2
    for h in used:
        for (section, key, currency), value in sorted(
            page.medians.items(), key=lambda item: item[0][2] or ""
        ):
            if (section, key) != (h.section, h.key):
                continue
            for column, text in enumerate(
                [SECTION_TITLES[section], h.label, currency or ""], start=1
            ):
                _put(medians.cell(r, column), text)
            cell = _put(medians.cell(r, 4), value)
            cell.number_format = (
                _money_format(currency) if h.kind == "money" else formats.get(h.kind, "0.00")
            )
            r += 1
    for column, width in zip("ABCD", (28, 34, 10, 16), strict=True):
        medians.column_dimensions[column].width = width
    book.save(path)


def write_portfolio(
    out_dir: Path | str, folders: Sequence[Path | str], reasons: Mapping[str, str]
) -> Path:
    """Write ``out_dir/portfolio/`` (HTML, JSON, workbook) for a batch's client folders.

    It is written in a staging folder and moved into place whole, as a report pack is.
    Returns the folder.
    """
    from salesnb.report import runner

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    page = portfolio(read_rows(out_dir, folders, reasons))
    target = runner.inside(out_dir, "portfolio")
    staging = runner._own_folder(out_dir.resolve(), ".portfolio.run")
    try:
        staging.chmod(0o755)
        (staging / "portfolio.html").write_text(as_html(page), encoding="utf-8")
        (staging / "portfolio.json").write_text(
            json.dumps(as_json(page), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        write_workbook(page, staging / "portfolio.xlsx")
        runner.replace_pack(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
