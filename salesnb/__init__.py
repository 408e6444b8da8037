"""salesnb: the calculations behind the sales-leadership workbook.

Every figure the notebooks show is computed here, by pure functions that take
plain values or DataFrames and return them. Reading a client folder lives in
:mod:`salesnb.client`, charts in :mod:`salesnb.charts`, the report runner in
:mod:`salesnb.report`.
"""

from __future__ import annotations

__version__ = "0.1.0"
