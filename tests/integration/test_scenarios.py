"""Scenarios: a report run with overrides, written beside the base case and compared with it.

The module's packs are real runs (stress test and hiring timeline, no PDF) of a copy
of the sample whose settings name a scenario: the base case, the named scenario, a
scenario given on the command line, then the base case again. The tests read what a
consultant would: the folders, figures.json, the first page, comparison.html and the
workbook's Scenarios sheet. Tests of the runner's mechanics alone (which runs a
command asks for, names, the checks before any notebook) skip the kernels.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from salesnb import paths
from salesnb.cli import main
from salesnb.format import money
from salesnb.io import read_settings
from salesnb.report import runner
from salesnb.report.scenarios import MEASURES, write_comparison

SAMPLE = paths.SAMPLE_CLIENT
HARBOUR_POINT = Path(__file__).resolve().parent.parent / "data" / "harbour-point"
STRESS_TEST = "02-pro-forma-stress-test.ipynb"
HIRING = "03-hiring-timeline.ipynb"
TWO_NOTEBOOKS = ["--notebook", STRESS_TEST, "--notebook", HIRING]
#: The scenarios the test client's settings name (a percentage, as a consultant writes it).
NAMED = (
    'scenarios:\n  deep-cut: {cut: "40%", start_month: 3}\n  slow-hiring: {lead_time_months: 7}\n'
)


def _client(parent: Path, extra: str = NAMED, name: str = "cedar-ridge") -> Path:
    folder = parent / name
    shutil.copytree(SAMPLE, folder)
    settings = folder / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    return folder


def _files(folder: Path, *, leave_out: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes, except those under
    the first-level names in ``leave_out``."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] not in leave_out
    }


def _figures(pack: Path) -> dict[str, Any]:
    return json.loads((pack / "figures.json").read_text(encoding="utf-8"))


def _report(*args: str) -> int:
    return main(["report", *args, "--no-pdf", "-q"])


@pytest.fixture
def stand_in(monkeypatch) -> list[dict[str, Any]]:
    """Skip the kernels: each "run" copies the committed notebook; returns what each got."""
    given: list[dict[str, Any]] = []

    def committed(source, target, parameters, workdir, cwd):
        given.append(dict(parameters))
        shutil.copyfile(source, target)

    monkeypatch.setattr("salesnb.report.runner.execute_notebook", committed)
    return given


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, Any]:
    """Base case, named scenario, command-line scenario, base case again (real runs)."""
    tmp = tmp_path_factory.mktemp("scenarios")
    folder = _client(tmp)
    out = tmp / "reports"
    base = out / "cedar-ridge"
    seen: dict[str, Any] = {"out": out, "base": base}
    assert _report(str(folder), "--out", str(out), *TWO_NOTEBOOKS) == 0
    seen["base files"] = _files(base, leave_out=("scenarios", "comparison.html"))
    assert _report(str(folder), "--out", str(out), *TWO_NOTEBOOKS, "--scenario", "deep-cut") == 0
    seen["after named"] = _files(base, leave_out=("scenarios", "comparison.html"))
    command = [str(folder), "--out", str(out), *TWO_NOTEBOOKS, "--scenario", "mild"]
    assert _report(*command, "-p", "cut=0.1", "-p", "lead_time_months=1") == 0
    seen["after mild"] = _files(base, leave_out=("scenarios", "comparison.html"))
    seen["comparison before"] = (base / "comparison.html").read_text(encoding="utf-8")
    assert _report(str(folder), "--out", str(out), *TWO_NOTEBOOKS) == 0
    return seen


# ----------------------------------------------------------------------------
# the packs
# ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_scenario_run_leaves_the_base_pack_byte_identical(packs):
    assert packs["after named"] == packs["base files"]
    assert packs["after mild"] == packs["base files"]
    assert sorted(p.name for p in packs["out"].iterdir()) == ["cedar-ridge"]
    scenarios = packs["base"] / "scenarios"
    assert sorted(p.name for p in scenarios.iterdir()) == ["deep-cut", "mild"]


@pytest.mark.slow
def test_the_base_case_written_again_keeps_its_scenarios(packs):
    for name in ("deep-cut", "mild"):
        pack = packs["base"] / "scenarios" / name
        assert {"report.html", "figures.json", "tables.xlsx"} <= {p.name for p in pack.iterdir()}
    assert _figures(packs["base"]).get("scenario") is None


@pytest.mark.slow
def test_a_named_scenario_runs_with_its_settings_and_records_them(packs):
    pack = packs["base"] / "scenarios" / "deep-cut"
    figures = _figures(pack)
    assert figures["scenario"] == {
        "name": "deep-cut",
        "overrides": {"cut": 0.4, "start_month": 3},
        "from_settings": True,
    }
    assert figures["proforma"]["cut"] == 0.4
    assert figures["proforma"]["cut_start_month"] == 3
    base = _figures(packs["base"])["proforma"]
    assert figures["proforma"]["scenario_income"] < base["scenario_income"]
    assert figures["proforma"]["baseline_income"] == base["baseline_income"]


@pytest.mark.slow
def test_a_command_line_scenario_records_its_overrides(packs):
    figures = _figures(packs["base"] / "scenarios" / "mild")
    assert figures["scenario"]["overrides"] == {"cut": 0.1, "lead_time_months": 1}
    assert figures["scenario"]["from_settings"] is False
    assert figures["hiring"]["lead_time_months"] == 1
    assert figures["proforma"]["cut"] == 0.1


@pytest.mark.slow
def test_the_scenarios_first_page_says_what_it_changed(packs):
    page = (packs["base"] / "scenarios" / "deep-cut" / "report.html").read_text(encoding="utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    said = text.index("Scenario deep-cut.")
    first_figure = text.find("$")
    assert said < first_figure, "the change is said before any figure"
    assert "40% (base case: 25%)" in text
    assert "month 3 (base case: month 1)" in text
    # the appendix shows the values the scenario used, not the settings' own
    settings_shown = page[page.index("<pre") :]
    assert re.search(r"cut: 0\.4\b", settings_shown)
    assert re.search(r"start_month: 3\b", settings_shown)


@pytest.mark.slow
def test_a_scenario_of_the_second_client_before_any_base_pack(tmp_path, capsys):
    """Harbour Point (another currency, its cut from month 3): a scenario written first
    makes the client's folder hold only its scenarios and the comparison; the base
    case written next comes in beside them."""
    folder = Path(shutil.copytree(HARBOUR_POINT, tmp_path / "harbour-point"))
    out = tmp_path / "out"
    command = [str(folder), "--out", str(out), "--notebook", STRESS_TEST]
    assert _report(*command, "--scenario", "early-cut", "-p", "start_month=1") == 0
    pack = out / "harbour-point"
    assert sorted(p.name for p in pack.iterdir()) == ["comparison.html", "scenarios"]
    figures = _figures(pack / "scenarios" / "early-cut")
    assert figures["proforma"]["cut_start_month"] == 1
    assert figures["proforma"]["cut"] == read_settings(folder / "settings.yaml")[0].stress_test.cut
    assert _report(*command) == 0
    assert (pack / "scenarios" / "early-cut" / "figures.json").is_file()
    base = _figures(pack)
    assert base["proforma"]["cut_start_month"] == 3
    _head, rows = _comparison_table((pack / "comparison.html").read_text(encoding="utf-8"))
    currency = base["client"]["currency"]
    wanted = [
        money(base["proforma"]["scenario_income"], currency),
        money(figures["proforma"]["scenario_income"], currency),
    ]
    assert rows["Operating income with the cut"] == wanted
    assert wanted[0] != wanted[1]


# ----------------------------------------------------------------------------
# the comparison
# ----------------------------------------------------------------------------


def _comparison_table(page: str) -> tuple[list[str], dict[str, list[str]]]:
    """comparison.html's column headings and, by row label, the cells a reader sees."""
    table = page[page.index("<table") : page.index("</table>")]
    thead = re.findall(r"<thead>.*?</thead>", table, re.DOTALL)[0]
    head = [html.unescape(re.sub(r"<[^>]+>", "", h)) for h in thead.split("<th>")[2:]]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("</thead>")[1], re.DOTALL):
        label = html.unescape(re.findall(r"<th>(.*?)</th>", row, re.DOTALL)[0])
        rows[label] = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row, re.DOTALL)]
    return head, rows


def _percent(value: float) -> str:
    shown = value * 100
    return f"{shown:.0f}%" if abs(shown - round(shown)) < 1e-9 else f"{shown:.1f}%"


def _shown(kind: str, value: Any, currency: str = "USD") -> str:
    if value is None:
        return "—"
    return {
        "money": lambda v: money(v, currency),
        "percent": _percent,
        "month": lambda v: f"month {v}",
        "count": str,
    }[kind](value)


@pytest.mark.slow
def test_the_comparison_page_shows_each_packs_own_figures(packs):
    base = packs["base"]
    page = (base / "comparison.html").read_text(encoding="utf-8")
    head, rows = _comparison_table(page)
    assert head == ["Base case", "Scenario deep-cut", "Scenario mild"]
    folders = [base, base / "scenarios" / "deep-cut", base / "scenarios" / "mild"]
    cases = [_figures(f) for f in folders]
    for measure in MEASURES:
        wanted = [_shown(measure.kind, c[measure.section][measure.key]) for c in cases]
        assert rows[measure.label] == wanted, measure.label
    assert "40%" in rows["What it changes"][1]
    # the scenarios' own reports are a click away
    assert 'href="scenarios/deep-cut/report.html"' in page
    assert 'href="report.html"' in page
    # written again after each run: the later base run left it as the scenario run had
    assert page == packs["comparison before"]


@pytest.mark.slow
def test_the_workbooks_scenarios_sheet_holds_each_packs_figures(packs):
    base = packs["base"]
    folders = [base, base / "scenarios" / "deep-cut", base / "scenarios" / "mild"]
    cases = [_figures(f) for f in folders]
    book = openpyxl.load_workbook(base / "tables.xlsx")
    try:
        sheet = book["Scenarios"]
        rows = {r[0]: list(r[1:]) for r in sheet.iter_rows(values_only=True)}
        index = [r[0] for r in book["Index"].iter_rows(min_row=2, values_only=True)]
    finally:
        book.close()
    assert rows["Figure"] == ["Base case", "Scenario deep-cut", "Scenario mild"]
    for measure in MEASURES:
        assert rows[measure.label] == [c[measure.section][measure.key] for c in cases]
    assert "Scenarios" in index
    book = openpyxl.load_workbook(base / "scenarios" / "deep-cut" / "tables.xlsx")
    try:
        assert "Scenarios" not in book.sheetnames  # a scenario's own workbook is its own
    finally:
        book.close()


def test_the_comparison_escapes_client_text(tmp_path):
    pack = tmp_path / "acme"
    (pack / "scenarios" / "deep-cut").mkdir(parents=True)
    name = '<script>alert("x")</script> & Co'
    base = {"client": {"name": name, "currency": "EUR"}, "proforma": {"scenario_income": -5.0}}
    scenario = {**base, "scenario": {"name": "deep-cut", "overrides": {"cut": "<b>"}}}
    (pack / "figures.json").write_text(json.dumps(base), encoding="utf-8")
    (pack / "scenarios" / "deep-cut" / "figures.json").write_text(
        json.dumps(scenario), encoding="utf-8"
    )
    (pack / "scenarios" / "..evil").mkdir()  # not a scenario's name: never read
    page = write_comparison(pack).read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>" not in page
    assert html.escape(name) in page
    assert "-€5" in page
    assert page.count("<th><a href=") == 2
    assert sorted(p.name for p in pack.iterdir()) == [
        "comparison.html",
        "figures.json",
        "scenarios",
    ]


# ----------------------------------------------------------------------------
# names and checks, before any notebook runs
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../evil", "..", "a/b", "Deep Cut", "deep_cut", "-x", "x" * 61])
def test_a_bad_scenario_name_is_refused_before_anything_is_written(
    tmp_path, capsys, stand_in, name
):
    out = tmp_path / "out"
    assert _report(str(SAMPLE), "--out", str(out), f"--scenario={name}", "-p", "cut=0.4") == 2
    assert "a scenario's name is its folder's name" in capsys.readouterr().err
    assert stand_in == []
    assert not out.exists()


def test_a_bad_scenario_name_in_the_settings_is_a_problem_with_its_line(tmp_path, capsys):
    folder = _client(tmp_path, 'scenarios:\n  "Deep Cut": {cut: 0.4}\n')
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "settings.yaml" in err and "scenarios.Deep Cut" in err
    assert "a scenario's name is its folder's name" in err
    line = len((folder / "settings.yaml").read_text(encoding="utf-8").splitlines())
    assert f"row {line}" in err


def test_a_scenario_the_settings_do_not_name_needs_its_overrides(tmp_path, capsys, stand_in):
    folder = _client(tmp_path)
    out = tmp_path / "out"
    assert _report(str(folder), "--out", str(out), "--scenario", "nope") == 1
    err = capsys.readouterr().err
    assert "no scenario 'nope'" in err and "deep-cut, slow-hiring" in err
    assert stand_in == []


def test_every_override_problem_is_listed_at_once(tmp_path, capsys, stand_in):
    out = tmp_path / "out"
    command = [str(SAMPLE), "--out", str(out), "--scenario", "bad"]
    for override in ("cut=2", "start_month=0", "nonsense=1", "attainment=abc"):
        command += ["-p", override]
    assert _report(*command) == 1
    err = capsys.readouterr().err
    assert "4 problems with the overrides" in err
    for words in (
        "parameter cut: Input should be less than or equal to 1, got 2",
        "parameter start_month: Input should be greater than or equal to 1, got 0",
        "unknown parameter 'nonsense'",
        "parameter attainment:",
    ):
        assert words in err
    assert stand_in == []
    assert not out.exists() or not any(out.iterdir())


def test_a_named_scenarios_problems_name_the_scenario(tmp_path, capsys, stand_in):
    folder = _client(tmp_path, "scenarios:\n  too-deep: {cut: 150%, seed: -1}\n")
    assert main(["validate", str(folder)]) == 1  # validate checks a scenario's values too
    err = capsys.readouterr().err
    assert "column 'scenarios.too-deep': scenario 'too-deep': parameter cut" in err
    assert "Input should be less than or equal to 1, got 1.5" in err
    assert "scenario 'too-deep': parameter seed" in err
    assert _report(str(folder), "--out", str(tmp_path / "out"), "--all-scenarios") == 1
    err = capsys.readouterr().err
    assert "scenario 'too-deep': parameter cut" in err and "parameter seed" in err
    assert stand_in == [], "every scenario is checked before any notebook runs"


def test_all_scenarios_runs_each_named_one_then_the_base_case(tmp_path, capsys, stand_in):
    folder = _client(tmp_path)
    out = tmp_path / "out"
    assert (
        _report(str(folder), "--out", str(out), "--all-scenarios", "--notebook", STRESS_TEST) == 0
    )
    said = capsys.readouterr().out
    assert said.index("scenario deep-cut written") < said.index("scenario slow-hiring written")
    assert said.index("scenario slow-hiring written") < said.index("report written")
    assert "the base case beside its scenarios" in said
    assert [g.get("cut") for g in stand_in] == [0.4, None, None]
    assert stand_in[0]["start_month"] == 3
    base = out / "cedar-ridge"
    assert sorted(p.name for p in (base / "scenarios").iterdir()) == ["deep-cut", "slow-hiring"]
    book = openpyxl.load_workbook(base / "tables.xlsx", read_only=True)
    try:
        assert book.sheetnames[-1] == "Scenarios"
    finally:
        book.close()


def test_overrides_without_a_name_are_a_scenario_never_the_base(tmp_path, capsys, stand_in):
    out = tmp_path / "out"
    command = [str(SAMPLE), "--out", str(out), "--notebook", STRESS_TEST]
    assert _report(*command, "-p", "cut=30%", "-p", "start_month=3") == 0
    pack = out / "cedar-ridge" / "scenarios" / "cut-30-start-month-3"  # as typed
    assert _figures(pack)["scenario"]["overrides"] == {"cut": 0.3, "start_month": 3}
    assert stand_in[0]["cut"] == 0.3, "the notebook gets the value the settings read"
    assert not (out / "cedar-ridge" / "figures.json").exists()


def test_all_scenarios_takes_no_overrides(tmp_path, capsys, stand_in):
    command = [str(SAMPLE), "--out", str(tmp_path / "out"), "--all-scenarios", "-p", "cut=0.3"]
    assert _report(*command) == 2
    assert "neither --scenario nor -p" in capsys.readouterr().err


def test_a_swap_cut_short_leaves_the_scenarios_for_the_next_run(tmp_path, monkeypatch, ended_pid):
    """Killed between moving the new base pack in and carrying the scenarios over."""
    temp = tmp_path / "temp"  # the runs' temporary folder: only this test's
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    out = tmp_path / "out"
    (out / "cedar-ridge").mkdir(parents=True)
    old = out / f".cedar-ridge.old-{ended_pid}-abc"  # set aside by a run that has ended
    (old / "scenarios" / "deep-cut").mkdir(parents=True)
    (old / "scenarios" / "deep-cut" / "figures.json").write_text("{}", encoding="utf-8")
    assert runner.clear_abandoned(out) == [old]
    assert not old.exists()
    assert (out / "cedar-ridge" / "scenarios" / "deep-cut" / "figures.json").is_file()


# ----------------------------------------------------------------------------
# percentages in the settings
# ----------------------------------------------------------------------------


def test_settings_take_percentages_where_the_tables_do(tmp_path):
    folder = _client(tmp_path, extra="")
    settings = folder / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(  cut:) [0-9.]+", r'\1 "25%"', text)
    text = re.sub(r"(?m)^(  attrition_rate:) [0-9.]+", r"\1 12.5%", text)
    settings.write_text(text, encoding="utf-8")
    read, problems = read_settings(settings)
    assert problems == []
    assert read.stress_test.cut == 0.25
    assert read.hiring.attrition_rate == 0.125
    assert main(["validate", str(folder)]) == 0


@pytest.mark.parametrize(
    ("written", "words"),
    [("25,5%", "a percentage (25%, 12.5%)"), ("125%", "less than or equal to 1")],
)
def test_a_bad_percentage_in_the_settings_names_its_line(tmp_path, written, words):
    folder = _client(tmp_path, extra="")
    settings = folder / "settings.yaml"
    lines = settings.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  cut:"))
    lines[at] = f'  cut: "{written}"'
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read, problems = read_settings(settings)
    assert read is None
    (problem,) = problems
    assert problem.row == at + 1 and problem.column == "stress_test.cut"
    assert words in problem.message
