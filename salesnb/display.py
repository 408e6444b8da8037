"""Formatting figures for a client, and recording them for the report pack.

Tables are shown as DataFrames of formatted strings: their HTML is stable from
run to run (so nbval can compare it), and pandas escapes every cell, so a client
name or a line name can never inject markup into a report. Anything built as
HTML here goes through :func:`html.escape`.

:func:`record` attaches a section's headline figures and tables to the notebook
as data of a private MIME type: the static HTML report does not show it, nbval
compares it on every run, and the report runner collects it into
``figures.json`` and the Excel workbook.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = [
    "FIGURES_MIMETYPE",
    "format_frame",
    "heading",
    "key_figures",
    "money",
    "pct",
    "record",
    "table_payload",
]

FIGURES_MIMETYPE = "application/vnd.salesnb.figures+json"

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


def _clean(value: Any) -> Any:
    """JSON-safe, rounded: money to the cent, fractions to 6 places, NaN/inf to None."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return round(value, 6) if abs(value) < 10 else round(value, 2)
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return str(value)


def table_payload(frame: pd.DataFrame) -> dict[str, Any]:
    """A DataFrame as JSON-safe ``{"columns", "index", "data"}`` (the split orientation)."""
    return {
        "columns": [str(c) for c in frame.columns],
        "index": [str(i) for i in frame.index],
        "index_name": str(frame.index.name or ""),
        "data": _clean(frame.astype(object).to_numpy().tolist()),
    }


def record(section: str, figures: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]) -> None:
    """Attach a section's figures and tables to the notebook's outputs.

    The report runner reads them back into ``figures.json`` (under ``section``)
    and the Excel workbook (one sheet per table).
    """
    from IPython.display import display

    payload = {
        "section": section,
        "figures": _clean(dict(figures)),
        # a list, not a mapping: saved notebooks sort mapping keys, and the sheets keep this order
        "tables": [{"name": name, **table_payload(frame)} for name, frame in tables.items()],
    }
    display({FIGURES_MIMETYPE: payload}, raw=True)
