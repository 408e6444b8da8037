"""The style every chart shares: colours, money axes, labels, month ticks.

Every chart label that can carry a client's words or an amount (titles, axis and
tick labels, legend entries, annotations, bar labels) goes through :func:`plain`,
so an expense line, a stream, a rep, a role or a currency with a dollar sign is
shown as written: matplotlib would otherwise read two dollar signs as a formula.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from salesnb.format import money

__all__ = [
    "BASELINE",
    "GOOD",
    "NEUTRAL",
    "SCENARIO",
    "money_axis",
    "month_labels",
    "plain",
    "short_money",
    "span",
    "tidy",
]

BASELINE = "#1f4e79"
SCENARIO = "#c0504d"
NEUTRAL = "#7f7f7f"
GOOD = "#4f9d69"


def short_money(value: float, currency: str) -> str:
    """An amount in a chart's few characters: ``$1.07M``, ``$300k``, ``$950``; axes drop zeros.

    >>> short_money(1_070_000, "USD"), short_money(300_000, "USD"), short_money(950, "USD")
    ('$1.07M', '$300k', '$950')
    """
    if abs(value) >= 1e6:
        return money(value / 1e6, currency, cents=True) + "M"
    if abs(value) >= 1e3:
        return money(value / 1e3, currency) + "k"
    return money(value, currency)


def money_axis(ax: Axes, currency: str, axis: str = "y") -> None:
    """Tick labels in short money (``$1.5M``, ``$300k``) on the ``y`` or ``x`` axis."""

    def fmt(value: float, _pos: int) -> str:
        text = short_money(value, currency)
        return plain(re.sub(r"\.?0+M$", "M", text) if text.endswith("M") else text)

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(fmt))


def plain(text: object) -> str:
    r"""Text that matplotlib shows exactly as written, for any label a client's words reach.

    Matplotlib reads a label with an even number of unescaped dollar signs as a
    formula (mathtext): ``_``, ``^`` and ``\`` then change what is shown, and a
    fragment it cannot parse (``a_$b^$c``) stops the drawing with an error. With
    every ``$`` written ``\$`` a label is never a formula, and matplotlib shows each
    ``\$`` as ``$`` and every other character (``_``, ``^``, ``%``, a backslash) as
    it is.

    >>> plain("Travel $5 $10")
    'Travel \\$5 \\$10'
    >>> plain("a_b^c, 50%")
    'a_b^c, 50%'
    """
    return str(text).replace("$", r"\$")


def tidy(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)


def month_labels(months: Sequence[pd.Period]) -> list[str]:
    """'Jan' under each month, with the year under the first month and every January."""
    return [
        f"{m:%b}\n{m:%Y}" if i == 0 or m.month == 1 else f"{m:%b}" for i, m in enumerate(months)
    ]


def span(months: Sequence[pd.Period] | Sequence[pd.Timestamp], year: bool = True) -> str:
    """'Jan-Mar 2027' ('Jan-Mar' without the year), or 'Dec 2027-Feb 2028' across a year end.

    ``months`` runs in order (months, or any dates within them); the first and last count.

    >>> span(pd.period_range("2027-11", "2028-01", freq="M"))
    'Nov 2027-Jan 2028'
    >>> span([pd.Timestamp("2027-01-04"), pd.Timestamp("2027-03-31")])
    'Jan-Mar 2027'
    """
    first, last = months[0], months[-1]
    if not year:
        return f"{first:%b}-{last:%b}"
    if first.year == last.year:
        return f"{first:%b}-{last:%b %Y}"
    return f"{first:%b %Y}-{last:%b %Y}"
