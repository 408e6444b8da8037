"""The report pack's Excel workbook, written for a client's finance team.

``tables.xlsx`` holds, in order:

- **Index**: every sheet, what it holds and which part of the report it comes from,
  each name a link to its sheet;
- **Inputs**: the client, dates, currency and software versions the figures rest on;
- **Pro forma (live model)**: the plan's pro forma as values and the stress test as
  formulas over it (see :func:`write_model`), so that a changed cut, first month of
  the cut or target margin recomputes in Excel or LibreOffice;
- every table each notebook recorded, one sheet each, in the report's order;
- **Scenarios**, when scenarios of the client have been written: the base case and
  each scenario side by side, as the pack's ``comparison.html`` shows them (see
  :mod:`salesnb.report.scenarios`).

Every sheet has its headers in words, money in the client's currency, percentages
as percentages, its header row and label column frozen and its columns fitted to
what they show. Client text (a name, a line, a role) is always written as text:
a name such as ``=HYPERLINK(...)`` or ``+1`` is never read as a formula.

The live model is built from the same :class:`~salesnb.analysis.StressReport` the
stress-test notebook shows, worked out again from the client's folder at the
scenario the notebook recorded; it is written only when its plan and scenario agree
with the recorded pro forma to the cent, so the workbook can never show a model
that differs from the report. Its formulas follow :mod:`salesnb.proforma` exactly:
a month's sales are kept at ``1 - cut`` from the first month of the cut on, cost of
sales and variable lines move with sales, fixed and people lines do not; the
reductions are ``max(0, -income)`` and ``max(0, margin x revenue - income)``, month
by month and for the year as a whole; the cut plan takes the discretionary lines in
priority order, each for its cost from the first month of the cut x the share of it
that can be cut. The file carries formulas without computed results and asks to be
recalculated on opening, which Excel and LibreOffice both do.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from salesnb.format import money, pct

if TYPE_CHECKING:
    from salesnb.analysis.proforma import StressReport
    from salesnb.io import Client

__all__ = [
    "MODEL_SHEET",
    "SECTION_TITLES",
    "Formats",
    "header_text",
    "model_for",
    "write_model",
    "write_pack_workbook",
    "write_workbook",
]

#: The live model's sheet.
MODEL_SHEET = "Pro forma (live model)"

#: The part of the report each recorded section comes from, as the index names it.
SECTION_TITLES = {
    "plan": "Annual sales plan",
    "proforma": "Pro forma and stress test",
    "hiring": "Hiring timeline",
    "dashboard": "Sales dashboard",
}

#: The recorded pro forma tables the live model is checked against.
_BASELINE_TABLE, _SCENARIO_TABLE = "Pro forma (baseline)", "Pro forma (scenario)"

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
#: A table cell of plain digits (a count, a number of months): written as a number.
_NUMERAL = re.compile(r"^-?(0|[1-9]\d{0,14})(\.\d{1,6})?$")
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
#: Rows of our own tables that close a block: shown in bold with a rule above.
_SUBTOTALS = ("Total", "Total revenue", "Gross profit", "Total expenses", "Operating income")

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_INPUT_FONT = Font(bold=True, color="0000FF")
_THIN = Side(style="thin", color="808080")
_RULE_ABOVE = Border(top=_THIN)
_RULE_BELOW = Border(bottom=_THIN)
_BOXED = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LABEL_ALIGN = Alignment(vertical="top", wrap_text=True)

#: Widths (in characters) a column is kept within; longer text wraps.
_MIN_WIDTH, _MAX_WIDTH, _MAX_LABEL_WIDTH = 8, 60, 50


# ----------------------------------------------------------------------------
# Formats and text
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Formats:
    """The number formats of one client's workbook.

    >>> Formats.of("USD").money, Formats.of("CHF").money
    ('"$"#,##0', '"CHF "#,##0')
    """

    money: str
    percent: str = "0.0%"
    number: str = "General"
    whole: str = "0"
    currency: str = "USD"

    @classmethod
    def of(cls, currency: str) -> Formats:
        # the symbol (or code) exactly as the report writes it: money(0) is "$0" or "CHF 0"
        prefix = money(0.0, currency)[:-1].replace('"', "").replace("\\", "")
        return cls(money=f'"{prefix}"#,##0', currency=currency)

    def shown(self, value: Any, number_format: str) -> str:
        """The text a cell shows, to fit its column (an estimate for General numbers)."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int | float):
            if not math.isfinite(value):
                return ""
            if number_format == self.money:
                return money(float(value), self.currency)
            if number_format in (self.percent, "0%"):
                return pct(float(value))
            return f"{value:g}" if isinstance(value, float) else str(value)
        return str(value)


def header_text(name: Any) -> str:
    """A column header in words: ``baseline_revenue`` -> ``Baseline revenue``,
    ``2027-03`` -> ``Mar 2027``; anything else unchanged.

    >>> header_text("month"), header_text("lost_income"), header_text("2027-03")
    ('Month', 'Lost income', 'Mar 2027')
    >>> header_text("Quota to OTE"), header_text("")
    ('Quota to OTE', '')
    """
    text = "" if name is None else str(name)
    month = _MONTH.match(text)
    if month:
        return f"{_MONTH_NAMES[int(month.group(2)) - 1]} {month.group(1)}"
    if _SNAKE.match(text):
        words = text.replace("_", " ")
        return words[0].upper() + words[1:]
    return text


def _put(cell: Cell, value: Any) -> Cell:
    """Write a value; text stays text, whatever it starts with."""
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    elif isinstance(value, np.generic):
        value = value.item()
    cell.value = value
    if isinstance(value, str):
        if cell.data_type == "f":  # openpyxl reads a leading "=" as a formula
            cell.data_type = "s"
        if value[:1] in ("=", "+", "-", "@"):
            cell.quotePrefix = True  # and a spreadsheet keeps it text when it is edited
    return cell


def _formula(cell: Cell, formula: str) -> Cell:
    """Write one of the model's own formulas (never client text)."""
    cell.value = formula
    return cell


def _sheet_namer() -> Any:
    used: set[str] = set()

    def name(wanted: str) -> str:
        base = "".join(ch for ch in wanted if ch not in "[]:*?/\\").strip("'")[:31] or "Sheet"
        candidate, n = base, 2
        while candidate.lower() in used or candidate.lower() == "history":
            suffix = f" ({n})"
            candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(candidate.lower())
        return candidate

    return name


# ----------------------------------------------------------------------------
# Sheet layout shared by every sheet
# ----------------------------------------------------------------------------


def _fit_columns(
    ws: Worksheet,
    fmt: Formats,
    header_row: int,
    first_row: int,
    *,
    skip_rows: Iterable[int] = (),
    label_columns: int = 1,
) -> None:
    """Fit each column to its widest cell from ``first_row`` on, and its header."""
    skip = set(skip_rows)
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.row in skip or cell.value is None or cell.data_type == "f":
                continue
            widths[cell.column] = max(
                widths.get(cell.column, 0), len(fmt.shown(cell.value, cell.number_format))
            )
    for column in range(1, ws.max_column + 1):
        letter = get_column_letter(column)
        label = column <= label_columns
        data = widths.get(column, 0)
        header = ws.cell(header_row, column).value
        head = len(str(header)) if header is not None else 0
        longest_word = max((len(w) for w in str(header or "").split()), default=0)
        # a long header wraps over two or three lines rather than widen a column of numbers
        wanted = max(data, longest_word, min(head, max(data, 14)))
        width = min(max(wanted, _MIN_WIDTH), _MAX_LABEL_WIDTH if label else _MAX_WIDTH)
        ws.column_dimensions[letter].width = width + 2
    _fit_header_height(ws, header_row)


def _fit_header_height(ws: Worksheet, row: int) -> None:
    lines = 1
    for cell in ws[row]:
        if cell.value is None:
            continue
        width = int(ws.column_dimensions[cell.column_letter].width or 10) - 2
        lines = max(lines, len(textwrap.wrap(str(cell.value), max(width, 1))) or 1)
    if lines > 1:
        ws.row_dimensions[row].height = 15 * lines


def _header_row(ws: Worksheet, row: int, names: Sequence[Any]) -> None:
    for column, name in enumerate(names, start=1):
        cell = _put(ws.cell(row, column), header_text(name))
        cell.font, cell.fill, cell.alignment, cell.border = (
            _BOLD,
            _HEADER_FILL,
            _HEADER_ALIGN,
            _RULE_BELOW,
        )


def _is_subtotal(label: Any) -> bool:
    return str(label) in _SUBTOTALS or str(label).startswith("Total ")


# ----------------------------------------------------------------------------
# The recorded tables
# ----------------------------------------------------------------------------


def _write_table(ws: Worksheet, payload: Mapping[str, Any], fmt: Formats) -> None:
    """One recorded table: header row, label column, numbers with their formats."""
    columns = list(payload["columns"])
    percent = payload.get("percent") or {}
    percent_columns = set(percent.get("columns", ()))
    percent_rows = set(percent.get("rows", ()))
    index_name = header_text(payload.get("index_name") or "") or "Line"
    _header_row(ws, 1, [index_name, *columns])
    ws.cell(1, 1).alignment = Alignment(vertical="center", wrap_text=True)
    bold_columns = {i for i, c in enumerate(columns) if str(c) in ("Total", "Team")}
    labels = list(payload["index"])
    if labels and all(_MONTH.match(str(x)) or x == "Total" for x in labels):
        labels = [header_text(x) for x in labels]  # a column of months reads as the headers do
    rows = zip(payload["index"], labels, payload["data"], strict=True)
    for r, (label, shown, values) in enumerate(rows, 2):
        subtotal = _is_subtotal(label)
        head = _put(ws.cell(r, 1), shown)
        head.alignment = _LABEL_ALIGN
        if subtotal:
            head.font = _BOLD
        for i, (column, value) in enumerate(zip(columns, values, strict=True)):
            cell = ws.cell(r, i + 2)
            if isinstance(value, str) and _NUMERAL.match(value):
                _put(cell, float(value) if "." in value else int(value))
                cell.number_format = fmt.number
            elif isinstance(value, int | float) and not isinstance(value, bool):
                _put(cell, value)
                in_percent = label in percent_rows or column in percent_columns
                cell.number_format = fmt.percent if in_percent else fmt.money
            else:
                _put(cell, value)
                if isinstance(value, str) and len(value) <= 24:
                    # short words ("4.1x", "2027-03", "healthy") sit clear of the numbers
                    cell.alignment = Alignment(horizontal="center")
            if subtotal or i in bold_columns:
                cell.font = _BOLD
            if subtotal:
                cell.border = _RULE_ABOVE
    ws.freeze_panes = "B2"
    _fit_columns(ws, fmt, header_row=1, first_row=2)


def _write_inputs(ws: Worksheet, inputs: pd.DataFrame, fmt: Formats) -> None:
    payload = {
        "columns": [str(c) for c in inputs.columns],
        "index": [str(i) for i in inputs.index],
        "index_name": str(inputs.index.name or "Input"),
        "data": inputs.astype(object).to_numpy().tolist(),
    }
    _write_table(ws, payload, fmt)


def _describe(payload: Mapping[str, Any]) -> str:
    """What a recorded table holds, from its own rows and columns."""
    rows = list(payload["index"])
    label = header_text(payload.get("index_name") or "") or "Line"
    columns = [header_text(c) for c in payload["columns"]]
    months = [c for c in payload["columns"] if _MONTH.match(str(c))]
    if len(months) >= 3:
        others = [header_text(c) for c in payload["columns"] if not _MONTH.match(str(c))]
        across = f"months {header_text(months[0])} to {header_text(months[-1])}"
        across += f", and {', '.join(others)}" if others else ""
    elif len(columns) > 6:
        across = ", ".join(columns[:6]) + f" and {len(columns) - 6} more"
    else:
        across = ", ".join(columns)
    if rows and all(_MONTH.match(str(x)) or x == "Total" for x in rows):
        rows = [header_text(x) for x in rows]  # as the sheet shows them
    first, last = (str(rows[0]), str(rows[-1])) if rows else ("", "")
    span = f"{first} to {last}" if len(rows) > 1 else first
    return f"{len(rows)} rows by {label.lower()} ({span}); columns: {across}"


# ----------------------------------------------------------------------------
# The live model
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    label: str
    kind: str  # "revenue", "cost of sales", or the expense line's kind
    amounts: np.ndarray  # the plan's monthly amounts


def _model_lines(report: StressReport) -> list[_Line] | None:
    """The plan's rows the model is built on, read from the baseline statement.

    None when the statement's rows are not the streams, cost of sales and expense
    lines in the order :func:`salesnb.proforma.statement` writes them (two rows of
    the same name would make the positions ambiguous).
    """
    inputs = report.inputs
    statement = report.baseline_statement
    streams = [str(s) for s in inputs.revenue.columns]
    lines = [str(line) for line in inputs.lines.index]
    expected = [
        *(f"Revenue: {s}" for s in streams),
        "Total revenue",
        "Cost of sales",
        "Gross profit",
        *lines,
        "Total expenses",
        "Operating income",
        "Margin",
        "Cash",
    ]
    if [str(i) for i in statement.index] != expected:
        return None
    n = len(inputs.months)
    values = statement.to_numpy(dtype=float)[:, :n]
    out = [_Line(f"Revenue: {s}", "revenue", values[i]) for i, s in enumerate(streams)]
    out.append(_Line("Cost of sales", "cost of sales", values[len(streams) + 1]))
    kinds = [str(k) for k in inputs.lines["kind"]]
    out += [
        _Line(line, kind, values[len(streams) + 3 + j])
        for j, (line, kind) in enumerate(zip(lines, kinds, strict=True))
    ]
    return out


#: The model's input cells: defined name, label, row on the sheet.
_INPUTS = (
    ("SalesCut", "Sales cut: share of planned sales lost", 3),
    ("CutStartMonth", "First month of the cut", 4),
    ("TargetMargin", "Target operating margin", 5),
    ("OpeningCash", "Opening cash", 6),
    ("MinimumCash", "Minimum cash balance", 7),
)
_HEADER, _MONTH_NUMBERS, _FIRST_BODY_ROW = 9, 10, 12
_FIRST_MONTH_COLUMN = 3


def write_model(ws: Worksheet, report: StressReport, fmt: Formats, client_name: str) -> bool:
    """Write the live pro forma and stress test on ``ws``; False if it cannot be built.

    Layout: the inputs (shaded, blue) and the year's results at the top; then one
    column per month and a Total column, with the plan (values and its subtotals),
    the scenario (formulas over the plan and the inputs), what the cut costs and
    calls for, and the cut plan. Inputs are defined names (``SalesCut``,
    ``CutStartMonth``, ``TargetMargin``, ``OpeningCash``, ``MinimumCash``), so the
    formulas read as the method states it, e.g. ``=IF(D$10>=CutStartMonth,1-SalesCut,1)``.
    """
    lines = _model_lines(report)
    if lines is None:
        return False
    st = report.stress
    months = [str(m) for m in report.inputs.months]
    n = len(months)
    col = [get_column_letter(_FIRST_MONTH_COLUMN + i) for i in range(n)]
    total = get_column_letter(_FIRST_MONTH_COLUMN + n)
    first, last = col[0], col[-1]
    book = ws.parent
    sheet_ref = quote_sheetname(ws.title)

    # -- title, inputs and results --
    title = _put(ws.cell(1, 1), f"{client_name}: pro forma and stress test (live model)")
    title.font = Font(bold=True, size=14)
    _put(
        ws.cell(2, 1),
        "Change the shaded cells: the scenario, the reductions and the cut plan recompute. "
        "The plan's rows are the client's figures; cost of sales and variable lines move "
        "with sales, fixed and people lines do not.",
    ).font = Font(italic=True, color="404040")
    values = {
        "SalesCut": (st.cut, fmt.percent),
        "CutStartMonth": (st.start_month, fmt.whole),
        "TargetMargin": (st.target_margin, fmt.percent),
        "OpeningCash": (report.inputs.opening_cash, fmt.money),
        "MinimumCash": (report.inputs.minimum_cash, fmt.money),
    }
    for name, label, row in _INPUTS:
        if name == "CutStartMonth":
            label += f" (1 = {header_text(months[0])}, {n} = {header_text(months[-1])})"
        _put(ws.cell(row, 1), label)
        value, number_format = values[name]
        cell = _put(ws.cell(row, 2), value)
        cell.number_format = number_format
        cell.font, cell.fill, cell.border = _INPUT_FONT, _INPUT_FILL, _BOXED
        book.defined_names[name] = DefinedName(name, attr_text=f"{sheet_ref}!$B${row}")
    rules = (
        DataValidation(type="decimal", operator="between", formula1="0", formula2="1"),
        DataValidation(type="whole", operator="between", formula1="1", formula2=str(n)),
        DataValidation(type="decimal", operator="between", formula1="-0.9999", formula2="0.9999"),
    )
    for rule, (_name, _label, row) in zip(rules, _INPUTS, strict=False):
        rule.error = "Outside the range the stress test accepts."
        rule.add(f"B{row}")
        ws.add_data_validation(rule)

    # -- the month header --
    _header_row(ws, _HEADER, ["Line", "Kind", *months, "Total"])
    _put(ws.cell(_MONTH_NUMBERS, 1), "Month number")
    for i, letter in enumerate(col):
        _put(ws[f"{letter}{_MONTH_NUMBERS}"], i + 1).number_format = fmt.whole
    for cell in ws[_MONTH_NUMBERS]:
        cell.font = Font(color="595959")
        cell.alignment = Alignment(horizontal="center")
    ws.cell(_MONTH_NUMBERS, 1).alignment = Alignment(horizontal="left")
    row = _FIRST_BODY_ROW
    rows: dict[tuple[str, ...], int] = {}  # (block, what) or (block, "line", label) -> row

    def section(text: str) -> None:
        nonlocal row
        for c in range(1, _FIRST_MONTH_COLUMN + n + 1):
            ws.cell(row, c).fill = _SECTION_FILL
        _put(ws.cell(row, 1), text).font = _BOLD
        row += 1

    def put_row(
        key: tuple[str, ...],
        label: str,
        kind: str,
        month: Any,
        year: str | None,
        number_format: str,
        *,
        subtotal: bool = False,
    ) -> int:
        """One model row: ``month(i, letter)`` gives each month's value or formula."""
        nonlocal row
        rows[key] = row
        _put(ws.cell(row, 1), label).alignment = _LABEL_ALIGN
        _put(ws.cell(row, 2), kind)
        for i, letter in enumerate(col):
            content = month(i, letter)
            cell = ws[f"{letter}{row}"]
            if isinstance(content, str):
                _formula(cell, content)
            else:
                _put(cell, content)
            cell.number_format = number_format
        if year is not None:
            cell = _formula(ws[f"{total}{row}"], year.format(r=row))
            cell.number_format = number_format
            cell.font = _BOLD
        if subtotal:
            for c in range(1, _FIRST_MONTH_COLUMN + n + 1):
                ws.cell(row, c).font = _BOLD
                ws.cell(row, c).border = _RULE_ABOVE
        row += 1
        return rows[key]

    year_sum = f"=SUM({first}{{r}}:{last}{{r}})"

    def statement(block: str, leaf: Any) -> None:
        """Revenue by stream, cost of sales, gross profit, lines, income, margin, cash."""
        r = rows
        streams = [line for line in lines if line.kind == "revenue"]
        others = [line for line in lines if line.kind not in ("revenue", "cost of sales")]
        for line in streams:
            put_row((block, "line", line.label), line.label, *leaf(line), year_sum, fmt.money)
        top = r[(block, "line", streams[0].label)]
        bottom = r[(block, "line", streams[-1].label)]
        put_row(
            (block, "revenue"),
            "Total revenue",
            "",
            lambda i, c: f"=SUM({c}{top}:{c}{bottom})",
            year_sum,
            fmt.money,
            subtotal=True,
        )
        cos = next(line for line in lines if line.kind == "cost of sales")
        put_row((block, "line", cos.label), cos.label, *leaf(cos), year_sum, fmt.money)
        put_row(
            (block, "gross profit"),
            "Gross profit",
            "",
            lambda i, c: f"={c}{r[(block, 'revenue')]}-{c}{r[(block, 'line', cos.label)]}",
            year_sum,
            fmt.money,
            subtotal=True,
        )
        for line in others:
            put_row((block, "line", line.label), line.label, *leaf(line), year_sum, fmt.money)
        span = (
            (r[(block, "line", others[0].label)], r[(block, "line", others[-1].label)])
            if others
            else None
        )

        def expenses(i: int, c: str) -> str | float:
            return f"=SUM({c}{span[0]}:{c}{span[1]})" if span else 0.0

        put_row(
            (block, "expenses"), "Total expenses", "", expenses, year_sum, fmt.money, subtotal=True
        )
        put_row(
            (block, "income"),
            "Operating income",
            "",
            lambda i, c: f"={c}{r[(block, 'gross profit')]}-{c}{r[(block, 'expenses')]}",
            year_sum,
            fmt.money,
            subtotal=True,
        )
        income, revenue = r[(block, "income")], r[(block, "revenue")]
        put_row(
            (block, "margin"),
            "Margin",
            "",
            lambda i, c: f'=IF({c}{revenue}=0,"",{c}{income}/{c}{revenue})',
            f'=IF({total}{revenue}=0,"",{total}{income}/{total}{revenue})',
            fmt.percent,
        )
        cash_row = row
        put_row(
            (block, "cash"),
            "Cash at the month's end",
            "",
            lambda i, c: (
                f"=OpeningCash+{c}{income}" if i == 0 else f"={col[i - 1]}{cash_row}+{c}{income}"
            ),
            f"={last}{{r}}",
            fmt.money,
        )

    # -- the plan: the client's figures --
    section("Plan (baseline)")
    statement("plan", lambda line: (line.kind, lambda i, c, v=line.amounts: float(v[i])))
    row += 1

    # -- the scenario: formulas over the plan --
    section("Scenario: sales cut by the share above, from the first month of the cut")
    kept = put_row(
        ("scenario", "kept"),
        "Share of planned sales kept",
        "",
        lambda i, c: f"=IF({c}${_MONTH_NUMBERS}>=CutStartMonth,1-SalesCut,1)",
        None,
        fmt.percent,
    )

    def scenario_leaf(line: _Line) -> tuple[str, Any]:
        plan_row = rows[("plan", "line", line.label)]
        if line.kind in ("revenue", "cost of sales", "variable"):
            return "moves with sales", lambda i, c: f"={c}{plan_row}*{c}${kept}"
        return f"{line.kind}, unchanged", lambda i, c: f"={c}{plan_row}"

    statement("scenario", scenario_leaf)
    row += 1

    # -- what the cut costs and calls for --
    section("What the cut costs and calls for")
    p, s = (lambda what: rows[("plan", what)]), (lambda what: rows[("scenario", what)])
    put_row(
        ("stress", "lost revenue"),
        "Lost revenue",
        "",
        lambda i, c: f"={c}{p('revenue')}-{c}{s('revenue')}",
        year_sum,
        fmt.money,
    )
    put_row(
        ("stress", "lost income"),
        "Lost income",
        "",
        lambda i, c: f"={c}{p('income')}-{c}{s('income')}",
        year_sum,
        fmt.money,
    )
    # the year applies each rule to the year's totals: a good month can carry a bad one
    put_row(
        ("stress", "break even"),
        "Cost reduction to break even",
        "",
        lambda i, c: f"=MAX(0,-{c}{s('income')})",
        f"=MAX(0,-{total}{s('income')})",
        fmt.money,
    )
    put_row(
        ("stress", "target"),
        "Cost reduction to hold the target margin",
        "",
        lambda i, c: f"=MAX(0,TargetMargin*{c}{s('revenue')}-{c}{s('income')})",
        f"=MAX(0,TargetMargin*{total}{s('revenue')}-{total}{s('income')})",
        fmt.money,
    )
    put_row(
        ("stress", "headroom"),
        "Cash above the minimum balance (Total: the lowest)",
        "",
        lambda i, c: f"={c}{s('cash')}-MinimumCash",
        f"=MIN({first}{{r}}:{last}{{r}})",
        fmt.money,
    )
    row += 1

    # -- the cut plan, toward the reduction that holds the target margin --
    plan_rows = _write_cut_plan(ws, report, fmt, row, rows, (first, last), total)
    end_row = plan_rows[-1] if plan_rows else row

    # -- the year's results beside the inputs --
    results = (
        ("Year's income, plan", f"={total}{p('income')}"),
        ("Year's income, scenario", f"={total}{s('income')}"),
        ("Lost income", f"={total}{rows[('stress', 'lost income')]}"),
        ("Cost reduction to break even", f"={total}{rows[('stress', 'break even')]}"),
        ("Cost reduction to hold the target margin", f"={total}{rows[('stress', 'target')]}"),
        (
            "Not covered by the cut plan",
            f"=F{plan_rows[-1]}" if plan_rows else f"={total}{rows[('stress', 'target')]}",
        ),
    )
    label_col, value_col = 4, max(8, _FIRST_MONTH_COLUMN + 5)
    for offset, (label, formula) in enumerate(results):
        _put(ws.cell(3 + offset, label_col), label).font = _BOLD
        cell = _formula(ws.cell(3 + offset, value_col), formula)
        cell.number_format, cell.font, cell.border = fmt.money, _BOLD, _BOXED

    ws.freeze_panes = f"{first}{_MONTH_NUMBERS + 1}"
    _fit_model_columns(ws, report, fmt, n, end_row)
    return True


def _write_cut_plan(
    ws: Worksheet,
    report: StressReport,
    fmt: Formats,
    row: int,
    rows: Mapping[tuple[str, ...], int],
    span: tuple[str, str],
    total: str,
) -> list[int]:
    """The discretionary lines in the order cut; the rows written (last: not covered)."""
    numbers = f"${span[0]}${_MONTH_NUMBERS}:${span[1]}${_MONTH_NUMBERS}"
    plan = report.plan_target
    if plan.empty:
        return []
    lines = {str(line): meta for line, meta in report.inputs.lines.iterrows()}
    for c in range(1, 7):
        ws.cell(row, c).fill = _SECTION_FILL
    _put(ws.cell(row, 1), "Cut plan: discretionary lines in the order cut").font = _BOLD
    row += 1
    heads = ["Discretionary line", "Priority", "Share that can be cut", "Can be cut", "Cut"]
    heads.append("Still needed after")
    for c, text in enumerate(heads, start=1):
        cell = _put(ws.cell(row, c), text)
        cell.font, cell.alignment, cell.border = _BOLD, _HEADER_ALIGN, _RULE_BELOW
    ws.row_dimensions[row].height = 30
    row += 1
    _put(ws.cell(row, 1), "Needed: the cost reduction to hold the target margin")
    _formula(ws.cell(row, 6), f"={total}{rows[('stress', 'target')]}").number_format = fmt.money
    written = [row]
    row += 1
    for line_name, priority in zip(plan["line"], plan["priority"], strict=True):
        meta = lines[str(line_name)]
        scenario_row = rows[("scenario", "line", str(line_name))]
        costs = f"${span[0]}{scenario_row}:${span[1]}{scenario_row}"
        before = written[-1]
        _put(ws.cell(row, 1), str(line_name)).alignment = _LABEL_ALIGN
        has_priority = priority is not None and not pd.isna(priority)
        cell = _put(ws.cell(row, 2), float(priority) if has_priority else None)
        cell.number_format = fmt.number
        cell = _put(ws.cell(row, 3), float(meta["max_cut"]))
        cell.number_format = fmt.percent
        _formula(
            ws.cell(row, 4), f"=SUMPRODUCT(({numbers}>=CutStartMonth)*{costs})*C{row}"
        ).number_format = fmt.money
        _formula(ws.cell(row, 5), f"=MIN(D{row},F{before})").number_format = fmt.money
        _formula(ws.cell(row, 6), f"=F{before}-E{row}").number_format = fmt.money
        written.append(row)
        row += 1
    _put(ws.cell(row, 1), "Not covered by the cut plan").font = _BOLD
    cell = _formula(ws.cell(row, 6), f"=F{written[-1]}")
    cell.number_format, cell.font, cell.border = fmt.money, _BOLD, _RULE_ABOVE
    written.append(row)
    return written


def _fit_model_columns(
    ws: Worksheet, report: StressReport, fmt: Formats, n: int, end_row: int
) -> None:
    """Widths from the largest amounts the model shows (its formulas have no values yet)."""
    labels = [
        len(str(ws.cell(r, 1).value or ""))
        for r in range(_HEADER, end_row + 1)
        if ws.cell(r, 1).value is not None
    ]
    label_width = min(max([*labels, 24]), _MAX_LABEL_WIDTH)
    ws.column_dimensions["A"].width = label_width + 2
    ws.column_dimensions["B"].width = max(len("people, unchanged"), len("moves with sales")) + 2
    statement = report.baseline_statement.to_numpy(dtype=float)
    biggest = float(np.nanmax(np.abs(statement))) if statement.size else 0.0
    # a negative amount of the same size, e.g. a month's loss, is one character wider
    shown = len(money(-biggest, fmt.currency))
    for i in range(n + 1):
        letter = get_column_letter(_FIRST_MONTH_COLUMN + i)
        header = str(ws.cell(_HEADER, _FIRST_MONTH_COLUMN + i).value or "")
        ws.column_dimensions[letter].width = max(shown, len(header), _MIN_WIDTH) + 2
    _fit_header_height(ws, _HEADER)


# ----------------------------------------------------------------------------
# The workbook
# ----------------------------------------------------------------------------


def write_workbook(
    target: Path,
    sections: Mapping[str, Mapping[str, Any]],
    inputs: pd.DataFrame,
    *,
    currency: str = "USD",
    model: StressReport | None = None,
    client_name: str = "",
    model_note: str = "",
    scenarios: tuple[Sequence[str], Sequence[tuple[str, str, Sequence[Any]]]] | None = None,
) -> None:
    """Write ``tables.xlsx``.

    Parameters
    ----------
    target : Path
        The file to write.
    sections : mapping
        What the notebooks recorded, by section (:func:`salesnb.report.record.record`).
    inputs : DataFrame
        The Inputs sheet: one row per input, a ``Value`` column.
    currency : str
        The client's currency, for the money format.
    model : StressReport, optional
        The stress test the live model sheet is built from; without it the sheet is
        left out and the index says why (``model_note``).
    client_name : str
        Shown in the live model's title.
    scenarios : (headings, rows), optional
        The Scenarios sheet, last: a column per case (the base case first), and per
        row a label, a kind (``"money"``, ``"percent"``, ``"month"``, ``"count"`` or
        ``"text"``) and a value per case (None: not in that case's report).
    """
    fmt = Formats.of(currency)
    name = _sheet_namer()
    book = Workbook()
    index = book.active
    index.title = name("Index")
    listed: list[tuple[str | None, str, str]] = []  # sheet (None: not written), what, from

    sheet = book.create_sheet(name("Inputs"))
    _write_inputs(sheet, inputs, fmt)
    listed.append(
        (
            sheet.title,
            (
                "The client, the as-of date, the plan's first month, the currency and the "
                "software versions the figures rest on"
            ),
            "Report",
        )
    )
    for key, section in sections.items():
        source = SECTION_TITLES.get(key, header_text(key))
        scenario = ""
        if key == "proforma":
            figures = section.get("figures", {})
            scenario = _scenario_words(figures)
            wrote = False
            if model is not None:
                sheet = book.create_sheet(name(MODEL_SHEET))
                wrote = write_model(sheet, model, fmt, client_name)
                if not wrote:
                    book.remove(sheet)
            if wrote:
                listed.append(
                    (
                        sheet.title,
                        (
                            "Live model: the plan's pro forma as values, the scenario, lost "
                            "income, cost reductions and cut plan as formulas; change the "
                            "cut, its first month or the target margin (shaded cells) and "
                            f"they recompute. Opens at the report's scenario ({scenario})"
                        ),
                        source,
                    )
                )
            else:
                why = model_note or "the pro forma could not be laid out as a model"
                listed.append((None, f"{MODEL_SHEET}: not included ({why})", source))
        for payload in section.get("tables", []):
            sheet = book.create_sheet(name(payload["name"]))
            _write_table(sheet, payload, fmt)
            what = _describe(payload)
            if scenario:
                what += f"; as the report shows it (scenario: {scenario})"
            listed.append((sheet.title, what, source))
    if scenarios is not None:
        sheet = book.create_sheet(name("Scenarios"))
        _write_scenarios(sheet, *scenarios, fmt)
        listed.append(
            (
                sheet.title,
                (
                    "The base case and each scenario written for this client side by side: "
                    "what each changes, income, cash low point, largest survivable cut, "
                    "reductions, hires and shortfall; as when this workbook was written "
                    "(the report's comparison page is brought up to date with every scenario)"
                ),
                "Report",
            )
        )
    _write_index(index, listed, fmt)
    for ws in book.worksheets:
        _print_setup(ws)
    book.active = 0
    book.calculation.fullCalcOnLoad = True
    book.save(target)


def _write_scenarios(
    ws: Worksheet,
    headings: Sequence[str],
    rows: Sequence[tuple[str, str, Sequence[Any]]],
    fmt: Formats,
) -> None:
    """The Scenarios sheet: one column per case, one row per figure, each row in its
    own format; a figure a case's report lacks is an empty cell."""
    _header_row(ws, 1, ["Figure", *headings])
    formats = {"money": fmt.money, "percent": fmt.percent, "month": fmt.whole, "count": fmt.whole}
    for r, (label, kind, values) in enumerate(rows, start=2):
        _put(ws.cell(r, 1), label).alignment = _LABEL_ALIGN
        for c, value in enumerate(values, start=2):
            cell = _put(ws.cell(r, c), value)
            if kind == "text":
                cell.alignment = _LABEL_ALIGN
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = formats.get(kind, fmt.number)
    ws.freeze_panes = "B2"
    _fit_columns(ws, fmt, header_row=1, first_row=3)
    for c in range(2, len(headings) + 2):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, 24)


def _print_setup(ws: Worksheet) -> None:
    """Printed (or saved as PDF), a sheet is landscape, one page wide, its headers repeated."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.freeze_panes:
        frozen = ws[ws.freeze_panes]
        if frozen.row > 1:
            ws.print_title_rows = f"1:{frozen.row - 1}"
        if frozen.column > 1:
            ws.print_title_cols = f"A:{get_column_letter(frozen.column - 1)}"


def _scenario_words(figures: Mapping[str, Any]) -> str:
    try:
        cut, margin = float(figures["cut"]), float(figures["target_margin"])
        month = int(figures["cut_start_month"])
    except (KeyError, TypeError, ValueError):
        return "as the report ran it"
    return (
        f"{_share(cut)} of sales lost from month {month}, target operating margin {_share(margin)}"
    )


def _share(value: float) -> str:
    """A fraction in words, whole percentages without decimals.

    >>> _share(0.25), _share(0.333), _share(0.05)
    ('25%', '33.3%', '5%')
    """
    whole = abs(value * 100 - round(value * 100)) < 1e-9
    return pct(value, 0 if whole else 1)


def _write_index(
    ws: Worksheet, listed: Sequence[tuple[str | None, str, str]], fmt: Formats
) -> None:
    _header_row(ws, 1, ["Sheet", "What it holds", "Part of the report"])
    for r, (sheet, what, source) in enumerate(listed, start=2):
        cell = _put(ws.cell(r, 1), sheet if sheet is not None else "(not included)")
        if sheet is not None:
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote_sheetname(sheet)}!A1")
            cell.font = Font(color="0563C1", underline="single")
        _put(ws.cell(r, 2), what).alignment = _LABEL_ALIGN
        _put(ws.cell(r, 3), source).alignment = _LABEL_ALIGN
        ws.cell(r, 1).alignment = Alignment(vertical="top")
    ws.freeze_panes = "B2"
    _fit_columns(ws, fmt, header_row=1, first_row=2)
    ws.column_dimensions["B"].width = 92
    for r in range(2, len(listed) + 2):
        lines = len(textwrap.wrap(str(ws.cell(r, 2).value), 88)) or 1
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines


# ----------------------------------------------------------------------------
# The pack's workbook, from what the notebooks recorded
# ----------------------------------------------------------------------------


def model_for(client: Client, section: Mapping[str, Any]) -> tuple[StressReport | None, str]:
    """The stress test behind the recorded pro forma section, and a note if there is none.

    Works the stress test out again from the client's folder at the recorded scenario
    (no simulation: the model does not use it) and keeps it only if its plan and
    scenario pro formas agree with the recorded ones to the cent.
    """
    from salesnb.analysis.proforma import stress_report

    figures = section.get("figures", {})
    try:
        report = stress_report(
            client,
            cut=float(figures["cut"]),
            start_month=int(figures["cut_start_month"]),
            target_margin=float(figures["target_margin"]),
            simulate=False,
        )
    except Exception as exc:  # noqa: BLE001 - the workbook goes on without the model
        return None, f"the stress test could not be worked out again: {exc}"
    recorded = {payload["name"]: payload for payload in section.get("tables", [])}
    for name, frame in (
        (_BASELINE_TABLE, report.baseline_statement),
        (_SCENARIO_TABLE, report.scenario_statement),
    ):
        if name in recorded and not _agrees(recorded[name], frame):
            return None, (
                f"the client's folder as read now gives a different {name.lower()} "
                "from the one in the report"
            )
    return report, ""


def _agrees(payload: Mapping[str, Any], frame: pd.DataFrame) -> bool:
    if [str(i) for i in frame.index] != list(payload["index"]):
        return False
    if [str(c) for c in frame.columns] != list(payload["columns"]):
        return False
    ours = frame.to_numpy(dtype=float)
    theirs = np.array(
        [[np.nan if v is None else float(v) for v in row] for row in payload["data"]], dtype=float
    )
    # recorded figures are rounded to the cent (fractions to 6 places)
    return ours.shape == theirs.shape and bool(
        np.allclose(ours, theirs, rtol=0, atol=0.005 + 1e-9, equal_nan=True)
    )


def write_pack_workbook(
    target: Path,
    sections: Mapping[str, Mapping[str, Any]],
    inputs: pd.DataFrame,
    client: Client | None = None,
    *,
    scenarios: tuple[Sequence[str], Sequence[tuple[str, str, Sequence[Any]]]] | None = None,
) -> None:
    """``tables.xlsx`` of a report pack: the recorded tables, the live model when
    the client is given and the stress-test section was recorded, and the Scenarios
    sheet when ``scenarios`` is given (see :func:`write_workbook`)."""
    currency = _currency(inputs) if client is None else client.settings.client.currency
    model, note = None, "the report was written without the client's folder at hand"
    if client is not None and "proforma" in sections:
        model, note = model_for(client, sections["proforma"])
    write_workbook(
        target,
        sections,
        inputs,
        currency=currency,
        model=model,
        client_name=client.settings.client.name if client is not None else "",
        model_note=note,
        scenarios=scenarios,
    )


def _currency(inputs: pd.DataFrame) -> str:
    if "Currency" in inputs.index and len(inputs.columns):
        return str(inputs.loc["Currency"].iloc[0])
    return "USD"
