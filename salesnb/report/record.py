"""Recording a section's figures and tables in the executed notebook.

:func:`record` attaches a section's headline figures and tables to the notebook
as data of a private MIME type: the static HTML report does not show it, nbval
compares it on every run, and the report runner collects it into
``figures.json`` and the Excel workbook.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["FIGURES_MIMETYPE", "clean", "record", "table_payload"]

FIGURES_MIMETYPE = "application/vnd.salesnb.figures+json"


def clean(value: Any) -> Any:
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
        return clean(value.item())
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return str(value)


def table_payload(table: Any) -> dict[str, Any]:
    """A table as JSON-safe ``{"columns", "index", "data"}`` (the split orientation).

    A :class:`~salesnb.format.Table` also gives its percent columns and rows.
    """
    frame = getattr(table, "frame", table)
    payload = {
        "columns": [str(c) for c in frame.columns],
        "index": [str(i) for i in frame.index],
        "index_name": str(frame.index.name or ""),
        "data": clean(frame.astype(object).to_numpy().tolist()),
    }
    percent_columns = list(getattr(table, "percent_columns", ()))
    percent_rows = list(getattr(table, "percent_rows", ()))
    if percent_columns or percent_rows:
        payload["percent"] = {"columns": percent_columns, "rows": percent_rows}
    return payload


def record(
    section: str,
    figures: Mapping[str, Any],
    tables: Mapping[str, Any],
    files: Mapping[str, str] | None = None,
) -> None:
    """Attach a section's figures and tables to the notebook's outputs.

    ``tables`` maps a sheet name to a :class:`~salesnb.format.Table` (or a bare
    DataFrame); the report runner reads them back into ``figures.json`` (under
    ``section``) and the Excel workbook (one sheet per table, with the table's
    percent columns and rows formatted as percentages). ``files`` maps a plain
    file name (``training-plan.ics``) to its text: the runner writes each into the
    pack's ``calendars`` folder.
    """
    from IPython.display import display

    payload = {
        "section": section,
        "figures": clean(dict(figures)),
        # a list, not a mapping: saved notebooks sort mapping keys, and the sheets keep this order
        "tables": [{"name": name, **table_payload(table)} for name, table in tables.items()],
    }
    if files:
        payload["files"] = [{"name": name, "text": text} for name, text in files.items()]
    display({FIGURES_MIMETYPE: payload}, raw=True)
