r"""Chart labels show a client's words exactly as written.

Matplotlib reads a label with two unescaped dollar signs as a formula, where
``_``, ``^`` and ``\`` change what is shown and a stray fragment fails to parse.
The client here is the sample with its expense lines, streams, reps, roles and
funnel stages renamed to carry ``$``, ``$5 $10``, ``a_b^c``, ``a_$b^$c`` (which
matplotlib cannot parse as a formula), ``50%`` and backslashes; every figure of every chart module (and of every live panel) is
rendered to PNG, and what the renderer is asked to draw is recorded line by line:
no line may be drawn as a formula, and the client's words must be drawn as the
client wrote them. Every text of every figure is also scanned for a dollar sign
that was not escaped, so a new label that bypasses :func:`salesnb.charts.plain`
fails here even when the sample's words would not show it.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import csv
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import matplotlib.pyplot as plt
import pytest
import yaml
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from salesnb import hiring_report, load_client, paths, plan_report, stress_report
from salesnb.charts import hiring as hiring_charts
from salesnb.charts import plain
from salesnb.charts import plan as plan_charts
from salesnb.charts import proforma as proforma_charts
from salesnb.io import Client
from salesnb.panels.hiring import hiring_panel
from salesnb.panels.plan import plan_panel
from salesnb.panels.proforma import stress_panel

#: The sample's names -> the names this client uses instead.
LINES = {
    "Marketing programmes": "Marketing $",
    "Travel and entertainment": "Travel $5 $10",
    "Company events": "Events a_$b^$c",
    "Training and certification": "Training 50%",
    "Contractor bench": r"Bench \ and \$ too",
    "Sales team salaries": "Sales $ team",
}
STREAMS = {
    "Hardware and licences": "Hardware $",
    "Professional services": "Services $5 $10",
    "Managed services": "Managed a_b^c",
    "Support contracts": r"Support 50% \ plan",
}
REPS = {
    "Elena Sorensen": "Elena $",
    "Tomás Aguilar": "Tomás $5 $10",
    "Grace Liu": "Grace a_b^c",
    "Owen Kessler": "Owen 50%",
    "Hannah Brooks": r"Hannah \ Brooks \$",
}
ROLES = {
    "Account executive": "Account $ exec",
    "Inside sales rep": "Inside a_$b^$c 50% \\",
}
STAGES = {
    "prospecting calls": "calls $",
    "conversations": "talks $5 $10",
    "discovery meetings": r"meetings a_b^c \ ",
}
#: The discretionary lines, all of which the stress test's cut plan reaches.
CUT_LINES = [LINES[k] for k in list(LINES)[:5]]

#: A dollar sign without the backslash that makes matplotlib show it as it is.
UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")

TRICKY = [
    "$",
    "$5 $10",
    "a_b^c",
    "50%",
    "back\\slash",
    r"\$ already escaped",
    "ends with a backslash \\",
    r"$\alpha$ and $x^2$",
    "two\nlines $1 $2",
]


def _rename(path: Path, names: dict[str, str]) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([[names.get(cell, cell) for cell in row] for row in rows])


def odd_client(folder: Path, currency: str) -> Client:
    """The sample client, every name it gives a chart rewritten with mathtext characters."""
    shutil.copytree(paths.SAMPLE_CLIENT, folder)
    _rename(folder / "expenses.csv", LINES)
    _rename(folder / "expense_schedule.csv", LINES)
    _rename(folder / "revenue_plan.csv", STREAMS)
    _rename(folder / "roster.csv", {**REPS, **ROLES, **LINES})
    settings = yaml.safe_load((folder / "settings.yaml").read_text(encoding="utf-8"))
    settings["client"].update(name="Cedar $ Ridge $5 a_b^c", currency=currency)
    settings["streams"] = {STREAMS[k]: v for k, v in settings["streams"].items()}
    weights = settings["plan"].get("weights", {})
    settings["plan"]["weights"] = {REPS[k]: v for k, v in weights.items()}
    for stage in settings["plan"]["funnel"]:
        stage["stage"] = STAGES[stage["stage"]]
    settings["hiring"]["role"] = ROLES[settings["hiring"]["role"]]
    (folder / "settings.yaml").write_text(
        yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return load_client(folder)


@dataclass
class Drawn:
    """A rendered figure and each line of text the renderer drew, with its math flag."""

    figure: Figure
    lines: list[tuple[str, object]]

    @property
    def texts(self) -> set[str]:
        return {s for s, _ in self.lines}


def render(fig: Figure) -> Drawn:
    """Render ``fig`` to PNG, recording what the renderer is asked to draw."""
    lines: list[tuple[str, object]] = []
    original = RendererAgg.draw_text

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        lines.append((s, ismath))
        return original(self, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(RendererAgg, "draw_text", draw_text)
        fig.savefig(io.BytesIO(), format="png")
    return Drawn(fig, lines)


def rendered(fig: Figure) -> Drawn:
    """Render ``fig`` and close it (pyplot keeps no more than a few figures open)."""
    try:
        return render(fig)
    finally:
        plt.close(fig)


def unescaped(fig: Figure) -> list[str]:
    """Every text of the figure (titles, ticks, legends, annotations) with a bare ``$``."""
    return [t.get_text() for t in fig.findobj(Text) if UNESCAPED_DOLLAR.search(t.get_text())]


def formulas(drawn: Drawn) -> list[str]:
    return [s for s, ismath in drawn.lines if ismath]


MODULES: dict[str, ModuleType] = {
    "plan": plan_charts,
    "proforma": proforma_charts,
    "hiring": hiring_charts,
}


def exported(module: ModuleType, prefix: str = "", suffix: str = "") -> list[str]:
    return [n for n in module.__all__ if n.startswith(prefix) and n.endswith(suffix)]


@pytest.fixture(scope="module", params=["USD", "NZ$"])
def currency(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def client(tmp_path_factory, currency) -> Client:
    return odd_client(tmp_path_factory.mktemp("clients") / "cedar-ridge", currency)


@pytest.fixture(scope="module")
def drawn(client, currency) -> dict[str, Drawn]:
    """Every figure of every chart module and live panel, rendered for the odd client."""
    hiring = hiring_report(client)
    reports = {
        "plan": plan_report(client, hiring=hiring),
        "proforma": stress_report(client, hiring=hiring),
        "hiring": hiring,
    }
    makers: dict[str, Callable[[], Figure]] = {}
    for key, module in MODULES.items():
        for name in exported(module, suffix="_figure"):
            makers[f"{key}.{name}"] = partial(getattr(module, name), reports[key], currency)
    plan = reports["plan"]
    for rep in plan.business_plans:
        makers[f"plan.funnel_figure[{rep}]"] = partial(
            plan_charts.funnel_figure, plan, currency, rep
        )
    makers["plan.pipeline_timing_figure[as_of]"] = partial(
        plan_charts.pipeline_timing_figure, plan, currency, client.settings.as_of_month
    )
    out = {name: rendered(make()) for name, make in makers.items()}
    for name, make_panel in (
        ("plan_panel", lambda: plan_panel(client, reports["plan"])),
        ("stress_panel", lambda: stress_panel(client, reports["proforma"])),
        ("hiring_panel", lambda: hiring_panel(client, reports["hiring"])),
    ):
        for k, fig in enumerate(make_panel().figures):
            out[f"{name}[{k}]"] = rendered(fig)
    return out


# --- the escaping itself -------------------------------------------------------


@pytest.mark.parametrize("text", TRICKY)
def test_plain_text_is_drawn_as_written(text):
    fig = plt.figure()
    fig.text(0.1, 0.5, plain(text))
    result = rendered(fig)
    assert result.lines == [(line, False) for line in text.split("\n")]


def test_plain_leaves_text_without_a_dollar_as_it_is():
    assert plain("a_b^c 50% back\\slash") == "a_b^c 50% back\\slash"
    assert plain(42) == "42"


def test_a_label_that_bypasses_plain_is_caught():
    """The checks below are not vacuous: a raw client name fails both."""
    fig = plt.figure()
    fig.text(0.1, 0.5, "Travel $5 $10")
    fig.gca().set_title("Marketing $")
    result = rendered(fig)
    assert formulas(result) == ["Travel $5 $10"]
    assert sorted(unescaped(fig)) == ["Marketing $", "Travel $5 $10"]


# --- every chart, on the odd client --------------------------------------------


def test_the_client_carries_the_odd_names(client):
    assert client.name.startswith("Cedar $ Ridge")
    assert set(stress_report(client).plan_target["line"]) == set(CUT_LINES)
    assert list(plan_report(client).quotas["rep"]) == list(REPS.values())


def test_every_exported_draw_function_has_a_figure_drawn_here():
    for module in MODULES.values():
        figures = set(exported(module, suffix="_figure"))
        for name in exported(module, prefix="draw_"):
            assert name.removeprefix("draw_") + "_figure" in figures, name


def test_every_figure_is_drawn(drawn):
    """Rendering (in the fixture) raised nothing, and each figure drew some text."""
    for name, result in drawn.items():
        assert result.lines, name


def test_no_label_is_drawn_as_a_formula(drawn):
    found = {name: formulas(result) for name, result in drawn.items() if formulas(result)}
    assert found == {}


def test_no_label_has_an_unescaped_dollar(drawn):
    found = {name: unescaped(result.figure) for name, result in drawn.items()}
    assert {name: texts for name, texts in found.items() if texts} == {}


def test_expense_lines_on_the_cut_plan(drawn):
    texts = drawn["proforma.cut_plan_figure"].texts
    assert set(CUT_LINES) <= texts
    assert "Not covered" in texts


def test_reps_on_the_quota_pipeline_and_org_charts(drawn):
    for name in (
        "plan.quotas_figure",
        "plan.pipeline_timing_figure",
        "plan.pipeline_timing_figure[as_of]",
        "hiring.org_chart_figure",
        "plan_panel[1]",
        "hiring_panel[1]",
    ):
        assert set(REPS.values()) <= drawn[name].texts, name


def test_each_reps_funnel_is_titled_with_the_rep(drawn):
    for rep in REPS.values():
        texts = drawn[f"plan.funnel_figure[{rep}]"].texts
        assert any(t.startswith(f"{rep}: the activity behind ") for t in texts), rep


def test_funnel_stages_as_written(drawn):
    texts = drawn["plan.funnel_figure"].texts
    for stage in STAGES.values():
        assert any(f" {stage} a month " in t for t in texts), stage
    stages = list(STAGES.values())
    for here, after in pairwise(stages):
        assert any(t.endswith(f" of {here} lead to {after}") for t in texts), here


def test_roles_on_the_headcount_and_org_charts(drawn):
    headcount = drawn["hiring.headcount_figure"].texts
    org = drawn["hiring.org_chart_figure"].texts
    for role in ROLES.values():
        assert f"{role} (employed)" in headcount, role
        assert any(t == role or t.startswith(f"{role}, since ") for t in org), role


def test_money_is_drawn_in_the_clients_currency(drawn, currency):
    symbol = "$" if currency == "USD" else f"{currency} "
    for name in ("proforma.cut_plan_figure", "proforma.income_and_cash_figure"):
        texts = drawn[name].texts
        assert any(t.lstrip(" -").startswith(symbol) for t in texts), name
    title = next(
        t for t in drawn["proforma.cut_plan_figure"].texts if t.startswith("Cutting discretionary")
    )
    assert f"to find {symbol}" in title
