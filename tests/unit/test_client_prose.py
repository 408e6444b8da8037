"""Every sentence a client reads is written to the client, as a consultant's report.

The report's sections are the executed notebooks' prose and outputs, and the
sentences, key-figure blocks and tables the analysis reports make. None of it
may speak of the tools the report was made with (a notebook, its cells, its
parameters, a run), of the client folder's files and settings, or show code:
a snake_case name, a setting's dotted name, backticks; nor call its reader "the
client". How to change a figure belongs in the README; the report says what the
figure means for the business.

The words are listed once, in :data:`FORBIDDEN`. What is checked: the markdown
cells of the committed, executed notebooks and the text their code cells
display (cells tagged ``parameters`` or ``live-only`` are the consultant's and
are left out, as the report leaves them out), and what every ``*_text``,
``*_summary``, ``*_message``, ``*_note`` and ``*_items`` method of the three
reports (and ``sanity_checks``), and every such function of their modules taking
a report, says, with every table's title, headers and text cells: on the sample
client, on Harbour Point and on the scenarios that reach each branch of the
wording (the cases of ``test_report_sentences``).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from test_report_sentences import HIRING_CASES, PLAN_CASES, client, hiring, plan

from salesnb import paths, text
from salesnb.analysis import hiring_objective, hiring_report, stress_report
from salesnb.analysis.hiring import DRIVER_NAMES, driver_value
from salesnb.analysis.proforma import survivable_text
from salesnb.io import PLANNING_QUESTIONS

#: What a client never reads: a name for each pattern (matched case-insensitively).
FORBIDDEN: dict[str, str] = {
    "notebook": r"\bnotebooks?\b",
    "cell": r"\bcells?\b",
    "parameter": r"\bparameters?\b",
    "run (of the software)": r"\b(?:run|re-?runs?|rerunning|runner)\b",
    "settings": r"\bsettings?\b",
    "settings.yaml and other file names": r"\.(?:ya?ml|csv|xlsx|ipynb|py)\b",
    "the client folder": r"\bfolders?\b",
    "the client (the reader is the client)": r"\bthe client\b",
    "a software default": r"\bby default\b",
    "goal: revenue_plan": r"\bgoal\s*:\s*revenue_plan\b",
    "snake_case name": r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b",
    "a setting's dotted name": r"\b(?:plan|hiring|stress_test|cash|client|tables)\.[a-z]",
    "code formatting": r"`",
    "a template's braces": r"[{}]",
    "the tools": (
        r"\b(?:jupyter(?:lab)?|python|pandas|papermill|nbval|kernels?|widgets?|sliders?"
        r"|overrides?|overridden|yaml|config(?:uration)?)\b"
    ),
}
_PATTERNS = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in FORBIDDEN.items()}

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
#: Cells the report leaves out: the consultant's own.
CONSULTANT_TAGS = {"parameters", "injected-parameters", "live-only"}


def offences(words: str) -> list[str]:
    """Each forbidden pattern the text contains, as ``name: 'what matched' in '...around...'``."""
    return [
        f"{name}: {match.group(0)!r} in {words[max(0, match.start() - 30) : match.end() + 30]!r}"
        for name, pattern in _PATTERNS.items()
        for match in pattern.finditer(words)
    ]


class _Words(HTMLParser):
    """The text of an HTML output, as a reader sees it (tags and their attributes dropped)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_words(markup: str) -> str:
    parser = _Words()
    parser.feed(markup)
    return " ".join(parser.parts)


def _joined(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def notebook_texts(notebook: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every markdown cell and displayed text the report shows."""
    nb = nbformat.read(notebook, as_version=4)
    for number, cell in enumerate(nb.cells):
        if CONSULTANT_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        where = f"{notebook.name}, cell {number}"
        if cell.cell_type == "markdown":
            yield where, cell.source
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                yield where, _joined(data["text/markdown"])
            elif "text/html" in data:
                yield where, html_words(_joined(data["text/html"]))
            elif output.get("output_type") == "stream":
                yield where, _joined(output.get("text", ""))


def words_of(value: object) -> Iterator[str]:
    """Every piece of text in what a sentence or summary function returns."""
    if value is None or isinstance(value, bool | int | float):
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from words_of(key)
            yield from words_of(item)
    elif isinstance(value, pd.DataFrame):
        yield from words_of(list(value.columns))
        yield from words_of(list(value.index))
        for column in value.columns:
            yield from words_of([v for v in value[column] if isinstance(v, str)])
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from words_of(getattr(value, field.name))
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from words_of(item)
    else:
        yield str(value)


#: The methods of a report, and the functions of its module, whose result a client reads.
SENTENCE_METHOD = re.compile(r"^(?:[a-z_]+_(?:text|summary|message|note|items)|sanity_checks)$")


def sentence_methods(report: object) -> list[str]:
    return sorted(
        name
        for name, member in inspect.getmembers(type(report), inspect.isfunction)
        if SENTENCE_METHOD.match(name)
    )


def sentence_functions(report: object) -> list[str]:
    """The functions of the report's module that put one of its reports into words."""
    module = importlib.import_module(type(report).__module__)
    return sorted(
        name
        for name, member in inspect.getmembers(module, inspect.isfunction)
        if member.__module__ == module.__name__
        and SENTENCE_METHOD.match(name)
        and next(iter(inspect.signature(member).parameters), None) == "report"
    )


def _callables(report: object) -> Iterator[tuple[str, Callable[..., object]]]:
    module = importlib.import_module(type(report).__module__)
    kind = type(report).__name__
    for name in sentence_methods(report):
        yield f"{kind}.{name}", getattr(report, name)
    for name in sentence_functions(report):
        yield name, partial(getattr(module, name), report)


def report_texts(report: object, currency: str) -> Iterator[tuple[str, str]]:
    """(where, text) for every sentence, key-figure block and table a report gives."""
    kind = type(report).__name__
    for name, method in _callables(report):
        wanted = [
            p
            for p in inspect.signature(method).parameters.values()
            if p.default is inspect.Parameter.empty
        ]
        if [p.name for p in wanted] == ["rep"]:  # one rep at a time
            calls = [(rep,) for rep in report.quotas["rep"]]
        elif [p.name for p in wanted] in ([], ["currency"]):
            calls = [(currency,)] if wanted else [()]
        else:
            raise AssertionError(f"{name}: say here how to call it")
        for args in calls:
            for words in words_of(method(*args)):
                yield f"{name}{args}", words
    for title, table in report.tables().items():
        yield f"{kind}.tables()", title
        for words in words_of(table.formatted(currency)):
            yield f"{kind}.tables()[{title!r}]", words
    source = getattr(report, "objective_source", None)
    if source is not None:
        yield f"{kind}.objective_source", source


def _currency(name: str) -> str:
    return client(name).settings.client.currency


def _offences_in(texts: Iterator[tuple[str, str]]) -> list[str]:
    return [f"{where}: {found}" for where, words in texts for found in offences(words)]


# -- the list itself catches what it is meant to, and only that ---------------


@pytest.mark.parametrize(
    ("words", "caught"),
    [
        ("This notebook turns last year's revenue into a plan.", "notebook"),
        ("The cell below shows the quotas.", "cell"),
        ("Set the parameter to 0.3.", "parameter"),
        ("Run the report again with another cut.", "run (of the software)"),
        ("The settings give the share.", "settings"),
        ("Change settings.yaml, then report again.", "settings.yaml and other file names"),
        ("Given month by month in the client folder.", "the client folder"),
        (
            "Where the discussion with the client need not linger.",
            "the client (the reader is the client)",
        ),
        ("Pipeline of three times the quota, by default.", "a software default"),
        ("goal: revenue_plan makes the revenue plan the goal", "goal: revenue_plan"),
        ("leave a rep's annual_quota empty", "snake_case name"),
        ("as plan.new_business_share gives it", "a setting's dotted name"),
        ("the `coverage` multiple", "code formatting"),
        ("an excess of {gap}", "a template's braces"),
        ("Move the sliders in JupyterLab.", "the tools"),
    ],
)
def test_the_list_catches_each_kind(words, caught):
    assert any(found.startswith(f"{caught}:") for found in offences(words)), offences(words)


@pytest.mark.parametrize(
    "words",
    [
        "How large a shortfall the business could absorb before it runs short of cash.",
        "The reps' share of the goal, $1,234,567 (x over-assignment of 110%).",
        "Q1 2027-01 to 2027-03: 4.5x to 5.8x OTE, healthy; e.g. a 30% cut from month 4.",
        "The Total column is the year; the roster's own quotas are kept.",
    ],
)
def test_plain_report_words_pass(words):
    assert offences(words) == []


def test_html_outputs_are_read_as_text():
    markup = '<style>.a {color: red}</style><table class="dataframe"><td>Goal</td></table>'
    assert html_words(markup).split() == ["Goal"]


# -- the notebooks' prose ------------------------------------------------------


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebooks_prose_is_written_to_the_client(notebook):
    texts = list(notebook_texts(notebook))
    markdown = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "markdown"]
    assert len(texts) > len(markdown) // 2  # the prose and the displayed outputs are read
    assert _offences_in(iter(texts)) == []


def test_the_consultants_cells_are_left_out():
    """The live panel's cells may speak of sliders: they are never in the report."""
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    live = [c for c in nb.cells if "live-only" in c.get("metadata", {}).get("tags", [])]
    assert live and any(offences(c.source) for c in live)
    shown = {words for _, words in notebook_texts(NOTEBOOKS[0])}
    assert not any(c.source in shown for c in live)


# -- the sentences the reports make ---------------------------------------------


@pytest.mark.parametrize("case", PLAN_CASES)
def test_the_plans_sentences_are_written_to_the_client(case):
    report = plan(case)
    assert {"balance_text", "goal_summary", "ote_note", "sanity_checks"} <= set(
        sentence_methods(report)
    )
    assert _offences_in(report_texts(report, "USD")) == []


@pytest.mark.parametrize("case", HIRING_CASES)
def test_the_hiring_sentences_are_written_to_the_client(case):
    report = hiring(case)
    assert {"recruit_message", "capacity_summary", "ramp_text"} <= set(sentence_methods(report))
    currency = _currency(HIRING_CASES[case][0])
    assert _offences_in(report_texts(report, currency)) == []


def test_objectives_the_client_gives_are_named_in_plain_words():
    base = client("harbour-point")
    given = hiring_objective(base).rename_axis("month").reset_index()
    report = hiring_report(dataclasses.replace(base, objectives=given), simulate=False)
    assert report.objective_source.startswith("given by the company")
    assert _offences_in(report_texts(report, _currency("harbour-point"))) == []


@pytest.mark.parametrize("name", ["cedar-ridge", "harbour-point"])
@pytest.mark.parametrize("cut", [None, 1.0])
def test_the_stress_tests_sentences_are_written_to_the_client(name, cut):
    report = stress_report(client(name), cut=cut, runs=200)
    assert {"scenario_summary", "survival_summary"} <= set(sentence_methods(report))
    assert _offences_in(report_texts(report, _currency(name))) == []


def test_the_words_around_the_figures_are_written_to_the_client():
    report = plan("harbour")
    words = [
        survivable_text(None),
        survivable_text(1.0),
        *(driver_value(d, 2) for d in DRIVER_NAMES),
        *DRIVER_NAMES.values(),
        *PLANNING_QUESTIONS.values(),
        text.answers_html(report.questions).text,
        html_words(text.answers_html(report.questions).data),
        text.answers_html({}).text,
        text.assumptions_html(report.assumptions).text,
        text.assumptions_html(report.assumptions.iloc[:0]).text,
        html_words(text.assumptions_html(report.assumptions.iloc[:0]).data),
    ]
    assert [found for w in words for found in offences(w)] == []


# -- the checkup, the recruiting scorecard and the training plan ------------------


def _people_reports(name: str) -> list[object]:
    from salesnb.analysis.checkup import checkup_report
    from salesnb.analysis.scorecard import scorecard_report
    from salesnb.analysis.training import training_report

    c = client(name)
    return [
        checkup_report(c),
        scorecard_report(c),
        scorecard_report(c, threshold=5.0),  # nobody clears it: keep searching
        training_report(c),
    ]


@pytest.mark.parametrize("index", range(4))
def test_the_people_parts_sentences_are_written_to_the_client(index):
    report = _people_reports("cedar-ridge")[index]
    assert sentence_methods(report)
    assert _offences_in(report_texts(report, "USD")) == []


# -- the leading indicators ----------------------------------------------------------


@pytest.mark.parametrize("name", ["cedar-ridge", "juniper-forge"])
def test_the_leading_indicators_sentences_are_written_to_the_client(name):
    from salesnb.analysis.indicators import indicators_report
    from salesnb.io import load_client

    folder = (
        paths.SAMPLE_CLIENT if name == "cedar-ridge" else Path(__file__).parents[1] / "data" / name
    )
    c = load_client(folder)
    currency = c.settings.client.currency
    report = indicators_report(c)
    assert {"forecast_text", "leads_text", "warnings_text", "heading_summary"} <= set(
        sentence_methods(report)
    )
    views = [report.view(k) for k in report.kinds]
    views += [report.view(report.kinds[0], rep=rep, lag=3) for rep in report.reps]
    words = [w for v in views for w in words_of(v.panel_summary(currency))]
    assert _offences_in(report_texts(report, currency)) == []
    assert [found for w in words for found in offences(w)] == []


# -- the sales dashboard -------------------------------------------------------------


def test_the_dashboards_sentences_are_written_to_the_client(tmp_path):
    """The sample's dashboard, its period summaries for every window and rep, and a sparse
    export whose figures say what they need."""
    import shutil

    from salesnb.analysis.dashboard import PERIODS, dashboard_report, view
    from salesnb.io import load_client

    report = dashboard_report(load_client(paths.SAMPLE_CLIENT))
    assert {"weakest_text", "coverage_text", "heading_summary", "executive_items"} <= {
        *sentence_methods(report),
        *sentence_functions(report),
    }
    words = [
        w
        for key, *_ in PERIODS
        for rep in (None, *report.reps)
        for w in words_of(report.period_summary("USD", key, rep))
    ]
    assert _offences_in(report_texts(report, "USD")) == []
    assert [found for w in words for found in offences(w)] == []

    folder = tmp_path / "harbour-point"
    shutil.copytree(Path(__file__).parents[1] / "data" / "harbour-point", folder)
    (folder / "opportunities.csv").write_text(
        "id,owner,stage,amount,created,close\nH1,Sam Okafor,Won,100,2027-05-01,2027-06-10\n",
        encoding="utf-8",
    )
    settings = folder / "settings.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + "\ncrm:\n  stages:\n    - {name: Qualify, status: open}\n"
        "    - {name: Won, status: won}\n    - {name: Lost, status: lost}\n",
        encoding="utf-8",
    )
    sparse = dashboard_report(load_client(folder))
    shown = [
        str(view(getattr(sparse, name)(), "GBP"))
        for name in dir(sparse)
        if name.endswith("_table") and not name.startswith("_")
    ]
    assert any(s.startswith("Not available: needs") for s in shown)
    assert _offences_in(report_texts(sparse, "GBP")) == []
    assert [found for s in shown if s.startswith("Not") for found in offences(s)] == []
