"""Live panels: sliders that redo a section's figures while the client watches.

A :class:`LivePanel` ties a few controls to three functions: one that recomputes
the section from the controls' values, one that draws the result into the
panel's own figures (redrawn in place, never recreated), and one that gives the
key figures as a small table. Moving any control recomputes and redraws at once.

Panels are for a live JupyterLab session only: a static report shows the
figures of the settings' scenario, drawn by the notebook's own cells. Nothing
here computes a figure: the analysis module recomputes, the charts draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure

__all__ = ["LivePanel", "figures", "live_panel", "slider"]

_STYLE = {"description_width": "initial"}
_LAYOUT = {"width": "420px"}


def slider(
    description: str,
    value: float,
    low: float,
    high: float,
    step: float,
    *,
    percent: bool = False,
    whole: bool = False,
) -> widgets.ValueWidget:
    """A slider that updates while it is dragged; ``percent`` shows 0.25 as 25%."""
    if whole:
        return widgets.IntSlider(
            value=int(value),
            min=int(low),
            max=int(high),
            step=int(step),
            description=description,
            continuous_update=True,
            style=_STYLE,
            layout=widgets.Layout(**_LAYOUT),
        )
    return widgets.FloatSlider(
        value=float(value),
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=".0%" if percent else ".2f",
        continuous_update=True,
        style=_STYLE,
        layout=widgets.Layout(**_LAYOUT),
    )


def figures(*shapes: tuple[int, int, tuple[float, float]]) -> list[Figure]:
    """New figures (rows, columns, size) that are not shown until a panel shows them."""
    was_interactive = plt.isinteractive()
    plt.ioff()
    try:
        return [plt.subplots(r, c, figsize=size, layout="constrained")[0] for r, c, size in shapes]
    finally:
        if was_interactive:
            plt.ion()


@dataclass
class LivePanel:
    """Controls, the figures they redraw, and the functions that do it."""

    controls: Mapping[str, widgets.ValueWidget]
    compute: Callable[..., Any]
    draw: Callable[[Any, Sequence[Figure]], None]
    summarize: Callable[[Any], pd.DataFrame]
    figures: Sequence[Figure]
    summary: widgets.Output = field(default_factory=widgets.Output)
    plots: widgets.Output = field(default_factory=widgets.Output)
    result: Any = None

    @property
    def box(self) -> widgets.Box:
        return widgets.VBox(
            [widgets.HBox([widgets.VBox(list(self.controls.values())), self.summary]), self.plots]
        )

    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def recompute(self) -> Any:
        """The section as the controls describe it now."""
        return self.compute(**self.values())

    def redraw(self, result: Any) -> None:
        """Draw ``result`` into the panel's figures and show them with its key figures."""
        for fig in self.figures:
            for ax in fig.axes:
                ax.clear()
        self.draw(result, self.figures)
        with self.summary:
            self.summary.clear_output(wait=True)
            display(self.summarize(result))
        with self.plots:
            self.plots.clear_output(wait=True)
            display(*self.figures)
        self.result = result

    def update(self, _change: Any = None) -> None:
        self.redraw(self.recompute())


def live_panel(
    controls: Mapping[str, widgets.ValueWidget],
    compute: Callable[..., Any],
    draw: Callable[[Any, Sequence[Figure]], None],
    summarize: Callable[[Any], pd.DataFrame],
    figs: Sequence[Figure],
    first: Any = None,
) -> LivePanel:
    """Wire ``controls`` to recompute-and-redraw; draw ``first`` (or a first result) now."""
    panel = LivePanel(
        controls=controls, compute=compute, draw=draw, summarize=summarize, figures=figs
    )
    for control in controls.values():
        control.observe(panel.update, names="value")
    panel.redraw(first if first is not None else panel.recompute())
    return panel
