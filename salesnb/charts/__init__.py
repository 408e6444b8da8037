"""Charts a client reads at a glance: one module per notebook, drawing only.

:mod:`~salesnb.charts._style` holds what every chart shares. Each notebook's
module draws from that notebook's report (:mod:`salesnb.analysis`) and never
works out a figure of its own.
"""

from __future__ import annotations

from salesnb.charts._style import BASELINE, GOOD, NEUTRAL, SCENARIO, plain

__all__ = ["BASELINE", "GOOD", "NEUTRAL", "SCENARIO", "plain"]
