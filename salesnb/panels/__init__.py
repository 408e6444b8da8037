"""Live panels for a JupyterLab session: one module per notebook, controls only.

:mod:`~salesnb.panels._live` wires controls to recompute (through
:mod:`salesnb.analysis`) and redraw (through :mod:`salesnb.charts`). Report runs
never import this package, so they never import ipywidgets.
"""
