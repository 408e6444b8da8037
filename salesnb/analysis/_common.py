"""What the analysis modules share: reading optional cells, safe ratios, labels."""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["given", "month_index", "ratio"]


def given(value: object) -> object:
    """A table cell, or None when it was left empty (None, NaN or NaT)."""
    return None if value is None or pd.isna(value) else value


def ratio(num: float, den: float) -> float:
    """``num / den``, or NaN when ``den`` is zero."""
    return float(num) / float(den) if den else math.nan


def month_index(index: pd.Index, name: str = "Month") -> pd.Index:
    """A month index as text (``2027-01``), the way a table shows it."""
    return pd.Index(index.astype(str), name=name)
