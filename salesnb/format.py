"""Formatting figures as a client reads them: money, percentages, tables, headings.

Tables are shown as DataFrames of formatted strings: their HTML is stable from
run to run (so nbval can compare it), and pandas escapes every cell, so a client
name or a line name can never inject markup into a report. Anything built as
HTML here goes through :func:`html.escape`. Nothing here computes a figure.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["Table", "format_frame", "heading", "key_figures", "money", "pct", "show_whole_cells"]

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "C$", "AUD": "A$"}


def money(value: float | None, currency: str = "USD", *, cents: bool = False) -> str:
    """A money amount as a client reads it: ``$1,234,567`` or ``-$2,500``.

    >>> money(1234567.891)
    '$1,234,568'
    >>> money(-2500, "EUR", cents=True)
    '-€2,500.00'
    >>> money(12, "CHF")
    'CHF 12'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "never" if value > 0 else "—"
    symbol = _SYMBOLS.get(currency.upper())
    digits = f"{abs(value):,.2f}" if cents else f"{abs(value):,.0f}"
    if digits.strip("0.,") == "":
        sign = ""  # no "-$0"
    else:
        sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{currency} {digits}"


def pct(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.0512`` -> ``'5.1%'``; NaN or None -> ``'—'``.

    >>> pct(0.05117), pct(None), pct(1.0, 0)
    ('5.1%', '—', '100%')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value * 100:.{digits}f}%"


def format_frame(
    frame: pd.DataFrame,
    currency: str = "USD",
    *,
    percent_rows: tuple[str, ...] = (),
    percent_columns: tuple[str, ...] = (),
    text_columns: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Format every number of a table as money, except the named percentage rows/columns."""

    def cell(row: object, col: object, value: object) -> str:
        if col in text_columns or not isinstance(value, int | float):
            return "" if value is None else str(value)
        if row in percent_rows or col in percent_columns:
            return pct(float(value))
        return money(float(value), currency)

    data = [
        [cell(row, col, value) for col, value in zip(frame.columns, values, strict=True)]
        for row, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True)
    ]
    return pd.DataFrame(data, index=frame.index, columns=frame.columns, dtype=object)


def key_figures(rows: Mapping[str, str]) -> pd.DataFrame:
    """A two-column table of already formatted headline figures."""
    return pd.DataFrame({"": list(rows.values())}, index=list(rows))


def heading(text: str, level: int = 2) -> Any:
    """An HTML heading with the text escaped (for client-supplied names)."""
    from IPython.display import HTML

    return HTML(f"<h{level}>{html.escape(text)}</h{level}>")


@dataclass(frozen=True)
class Table:
    """A table a client reads: numbers stay numbers, with how each is to be shown.

    The same object is displayed in a notebook (:meth:`formatted`) and written
    to the Excel workbook (numbers with money or percent formats), so the two
    can never differ.
    """

    frame: pd.DataFrame
    percent_columns: tuple[str, ...] = ()
    percent_rows: tuple[str, ...] = ()
    text_columns: tuple[str, ...] = ()

    def formatted(self, currency: str = "USD") -> pd.DataFrame:
        """Every cell as the text a client reads (money, percentages, text)."""
        return format_frame(
            self.frame,
            currency,
            percent_rows=self.percent_rows,
            percent_columns=self.percent_columns,
            text_columns=self.text_columns,
        )


def show_whole_cells() -> None:
    """Let tables show every cell whole, and every row and column.

    By default pandas cuts a cell's text after 50 characters with "..." and hides
    rows and columns beyond 60 and 20; a report is read on paper, so each section
    calls this first.
    """
    pd.set_option(
        "display.max_colwidth", None, "display.max_columns", None, "display.max_rows", None
    )
