"""``tables.xlsx`` as a client's finance team uses it.

The workbook is built from the analysis objects, as a report run builds it from what
the stress-test notebook recorded: headers in words, money and percent formats,
frozen headers, fitted widths, an index, client text kept as text. The pro forma's
live model is recalculated by LibreOffice (``soffice --headless --convert-to xlsx``
computes every formula of a file that carries none of its results, then saves the
results beside the formulas) at other cuts, first months and target margins than
the ones it was written with, and every figure is compared with the package's own
stress test of the same scenario, to the cent. Without LibreOffice those tests are
skipped and say why.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import yaml

from salesnb import load_client, paths, stress_report
from salesnb.analysis import StressReport
from salesnb.io import Client
from salesnb.report.pack import write_excel
from salesnb.report.record import clean, table_payload
from salesnb.report.workbook import MODEL_SHEET, write_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (Debian: apt-get install libreoffice-calc), "
    "so the live model cannot be recalculated here",
)

#: Scenarios the model is recalculated at: (cut, first month of the cut, target margin).
RECALCULATED = [(0.40, 3, 0.05), (0.10, 7, 0.12), (0.0, 1, 0.05)]
#: Client text that a spreadsheet would read as a formula if written carelessly.
FORMULA_LIKE = ("=SUM(A1:A9)", "@cloud tools", "+Contingency", "-Misc")
CENT = 0.005


# ----------------------------------------------------------------------------
# Clients and workbooks
# ----------------------------------------------------------------------------


def _second_client(parent: Path) -> Path:
    """The sample with other figures: euros, cents in the plan, other rates and costs,
    no planned hires in the costs, and expense lines whose names look like formulas."""
    folder = parent / "second"
    shutil.copytree(paths.SAMPLE_CLIENT, folder)
    settings_file = folder / "settings.yaml"
    settings = yaml.safe_load(settings_file.read_text(encoding="utf-8"))
    settings["client"]["name"] = "=Second Client"
    settings["client"]["currency"] = "EUR"
    settings["cash"] = {"opening": 212345.67, "minimum": 60000}
    for rate, stream in zip((0.77, 0.51, 0.35, 0.19), settings["streams"].values(), strict=False):
        stream["cost_of_sales"] = rate
    settings["stress_test"].update(cut=0.3, start_month=2, target_margin=0.08)
    if settings.get("hiring"):
        settings["hiring"]["include_in_pro_forma"] = False
    settings_file.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")

    plan = pd.read_csv(folder / "revenue_plan.csv")
    plan["revenue"] = (plan["revenue"] * 1.0731 + 0.37).round(2)
    plan.to_csv(folder / "revenue_plan.csv", index=False)

    expenses = pd.read_csv(folder / "expenses.csv", dtype=object, keep_default_na=False)
    scheduled = set(pd.read_csv(folder / "expense_schedule.csv")["line"])
    fixed = [i for i in expenses.index if expenses.loc[i, "kind"] == "fixed"]
    renamed = [i for i in fixed if expenses.loc[i, "line"] not in scheduled]
    for i, name in zip(renamed, FORMULA_LIKE, strict=False):
        expenses.loc[i, "line"] = name
    for i in fixed:
        expenses.loc[i, "amount"] = f"{float(expenses.loc[i, 'amount']) * 1.13 + 0.41:.2f}"
    variable = expenses.index[expenses["kind"] == "variable"]
    for i, rate in zip(variable, ("7.25%", "0.0135", "2.1%"), strict=False):
        expenses.loc[i, "rate"] = rate
    expenses.to_csv(folder / "expenses.csv", index=False)
    return folder


def _sections(report: StressReport) -> dict[str, dict[str, Any]]:
    """What the stress-test notebook records for this report (``record``'s payload)."""
    return {
        "proforma": {
            "section": "proforma",
            "figures": clean(report.figures()),
            "tables": [{"name": n, **table_payload(t)} for n, t in report.tables().items()],
        }
    }


def _inputs(client: Client) -> pd.DataFrame:
    s = client.settings
    return pd.DataFrame(
        {"Value": [s.client.name, s.as_of.isoformat(), s.fiscal_year_start, s.client.currency]},
        index=pd.Index(["Client", "As-of date", "Plan starts", "Currency"], name="Input"),
    )


@pytest.fixture(scope="module")
def clients(tmp_path_factory) -> dict[str, Client]:
    parent = tmp_path_factory.mktemp("clients")
    return {
        "sample": load_client(paths.SAMPLE_CLIENT),
        "second": load_client(_second_client(parent)),
    }


@pytest.fixture(scope="module")
def written(clients, tmp_path_factory) -> dict[str, tuple[Client, StressReport, Path]]:
    """Each client's workbook, written at the client's own scenario."""
    out = tmp_path_factory.mktemp("workbooks")
    made = {}
    for key, client in clients.items():
        report = stress_report(client, simulate=False)
        target = out / f"{key}.xlsx"
        write_workbook(
            target,
            _sections(report),
            _inputs(client),
            currency=client.settings.client.currency,
            model=report,
            client_name=client.settings.client.name,
        )
        made[key] = (client, report, target)
    return made


def _recalculate(files: list[Path], out: Path) -> list[Path]:
    """LibreOffice opens each file, computes its formulas and saves the results."""
    out.mkdir(parents=True, exist_ok=True)
    profile = (out / "libreoffice-profile").resolve().as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--calc"]
    command += ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out)]
    subprocess.run([*command, *map(str, files)], check=True, capture_output=True, timeout=300)
    results = [out / f.name for f in files]
    missing = [str(p) for p in results if not p.is_file()]
    assert not missing, f"LibreOffice wrote no recalculated copy of {missing}"
    return results


def _set_inputs(source: Path, target: Path, **values: float) -> None:
    """Change the model's input cells, found by their defined names, as a user would."""
    book = openpyxl.load_workbook(source)
    for name, value in values.items():
        ((sheet, ref),) = list(book.defined_names[name].destinations)
        book[sheet][ref.replace("$", "")].value = value
    book.save(target)


@pytest.fixture(scope="module")
def recalculated(written, tmp_path_factory) -> dict[tuple[str, tuple], Path]:
    """Each client's workbook as written and at every scenario of RECALCULATED,
    recalculated by LibreOffice in one run."""
    if SOFFICE is None:
        pytest.skip(
            "LibreOffice is not installed (Debian: apt-get install libreoffice-calc), "
            "so the live model cannot be recalculated here"
        )
    work = tmp_path_factory.mktemp("recalc")
    files, keys = [], []
    for key, (client, _report, path) in written.items():
        st = client.settings.stress_test
        as_written = work / f"{key}-as-written.xlsx"
        shutil.copyfile(path, as_written)
        files.append(as_written)
        keys.append((key, (st.cut, st.start_month, st.target_margin)))
        for i, (cut, start, margin) in enumerate(RECALCULATED):
            changed = work / f"{key}-{i}.xlsx"
            _set_inputs(path, changed, SalesCut=cut, CutStartMonth=start, TargetMargin=margin)
            files.append(changed)
            keys.append((key, (cut, start, margin)))
    return dict(zip(keys, _recalculate(files, work / "out"), strict=True))


# ----------------------------------------------------------------------------
# Reading the model back
# ----------------------------------------------------------------------------


def _blocks(ws) -> dict[str, dict[str, int]]:
    """The model's rows by block (plan, scenario, stress, cut plan) and label."""
    blocks: dict[str, dict[str, int]] = {}
    current = None
    starts = {
        "Plan": "plan",
        "Scenario": "scenario",
        "What the cut": "stress",
        "Cut plan": "cut plan",
    }
    for (cell,) in ws.iter_rows(min_col=1, max_col=1):
        text = cell.value if isinstance(cell.value, str) else None
        if text is None:
            continue
        found = next((key for prefix, key in starts.items() if text.startswith(prefix)), None)
        if found and cell.font.bold and cell.fill.fgColor.rgb not in (None, "00000000"):
            current = found
            blocks[current] = {}
        elif current is not None:
            blocks[current].setdefault(text, cell.row)
    return blocks


def _month_columns(ws) -> tuple[list[int], int]:
    """The month columns and the Total column, from the header row."""
    for row in ws.iter_rows(max_row=20):
        texts = [c.value for c in row]
        if "Total" in texts and texts[0] == "Line":
            months = [
                c.column
                for c in row
                if isinstance(c.value, str) and re.match(r"^\w{3} \d{4}$", c.value)
            ]
            return months, texts.index("Total") + 1
    raise AssertionError("no header row with months and Total on the model sheet")


def _results(ws) -> dict[str, Any]:
    """The year's results beside the inputs: label -> the value to its right."""
    found = {}
    for row in ws.iter_rows(min_row=1, max_row=10):
        labels = [c for c in row if isinstance(c.value, str) and c.column > 2]
        numbers = [c for c in row if isinstance(c.value, int | float) and c.column > 2]
        if labels and numbers:
            found[labels[0].value] = numbers[0].value
    return found


def _close(got: Any, want: float, tolerance: float = CENT) -> bool:
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got in (None, "")
    return isinstance(got, int | float) and abs(float(got) - float(want)) < tolerance


def _statement_rows(report: StressReport, which: str) -> Mapping[str, pd.Series]:
    table = report.baseline_statement if which == "plan" else report.scenario_statement
    return {
        ("Cash at the month's end" if label == "Cash" else str(label)): row
        for label, row in table.iterrows()
    }


def _mismatches(ws, report: StressReport) -> list[str]:
    """Every model figure that differs from the package's stress test by a cent or more."""
    months, total = _month_columns(ws)
    columns = [*months, total]
    blocks = _blocks(ws)
    wrong = []

    def check(where: str, row: int, values: pd.Series, tolerance: float = CENT) -> None:
        for column, want in zip(columns, values.to_numpy(dtype=float), strict=True):
            got = ws.cell(row, column).value
            if not _close(got, want, tolerance):
                wrong.append(f"{where}, column {column}: {got!r} in the workbook, {want!r}")

    for block in ("plan", "scenario"):
        for label, values in _statement_rows(report, block).items():
            assert label in blocks[block], f"{block}: no row {label!r}"
            tolerance = 1e-9 if label == "Margin" else CENT
            check(f"{block}: {label}", blocks[block][label], values, tolerance)
    by_month = report.stress.by_month
    for label, column in (
        ("Lost revenue", "lost_revenue"),
        ("Lost income", "lost_income"),
        ("Cost reduction to break even", "reduction_to_break_even"),
        ("Cost reduction to hold the target margin", "reduction_to_target_margin"),
    ):
        check(label, blocks["stress"][label], by_month[column])
    headroom = report.stress.scenario["cash"] - report.inputs.minimum_cash
    label = next(k for k in blocks["stress"] if k.startswith("Cash above the minimum"))
    check(label, blocks["stress"][label], pd.concat([headroom, pd.Series([headroom.min()])]))

    # the cut plan: what each discretionary line can give, gives, and what is left
    plan = report.plan_target
    for line, available, cut, still in zip(
        plan["line"], plan["available"], plan["cut"], plan["still_needed"], strict=True
    ):
        row = blocks["cut plan"][line]
        for column, want in ((4, available), (5, cut), (6, still)):
            got = ws.cell(row, column).value
            if not _close(got, want):
                wrong.append(f"cut plan: {line}, column {column}: {got!r}, package {want!r}")
    uncovered = ws.cell(blocks["cut plan"]["Not covered by the cut plan"], 6).value
    if not _close(uncovered, report.uncovered_target):
        wrong.append(f"not covered: {uncovered!r}, package {report.uncovered_target!r}")

    year = report.stress.year
    for label, want in {
        "Year's income, plan": year["baseline_income"],
        "Year's income, scenario": year["scenario_income"],
        "Lost income": year["lost_income"],
        "Cost reduction to break even": year["reduction_to_break_even"],
        "Cost reduction to hold the target margin": year["reduction_to_target_margin"],
        "Not covered by the cut plan": report.uncovered_target,
    }.items():
        got = _results(ws).get(label)
        if not _close(got, want):
            wrong.append(f"result {label!r}: {got!r}, package {want!r}")
    return wrong


# ----------------------------------------------------------------------------
# The live model, recalculated
# ----------------------------------------------------------------------------


@needs_libreoffice
@pytest.mark.slow
class TestLiveModelRecalculated:
    @pytest.mark.parametrize("key", ["sample", "second"])
    def test_as_written_it_is_the_reports_stress_test(self, recalculated, clients, key):
        st = clients[key].settings.stress_test
        path = recalculated[(key, (st.cut, st.start_month, st.target_margin))]
        ws = openpyxl.load_workbook(path, data_only=True)[MODEL_SHEET]
        assert _mismatches(ws, stress_report(clients[key], simulate=False)) == []

    @pytest.mark.parametrize("key", ["sample", "second"])
    @pytest.mark.parametrize("scenario", RECALCULATED, ids=lambda s: f"cut{s[0]}-from{s[1]}")
    def test_a_changed_scenario_recomputes_to_the_packages_figures(
        self, recalculated, clients, key, scenario
    ):
        cut, start, margin = scenario
        ws = openpyxl.load_workbook(recalculated[(key, scenario)], data_only=True)[MODEL_SHEET]
        expected = stress_report(
            clients[key], cut=cut, start_month=start, target_margin=margin, simulate=False
        )
        assert _mismatches(ws, expected) == []

    def test_the_figures_do_change_with_the_cut(self, recalculated):
        """The comparison above is not trivially true: the model's income moves."""
        incomes = {
            scenario: _results(openpyxl.load_workbook(path, data_only=True)[MODEL_SHEET])[
                "Year's income, scenario"
            ]
            for (key, scenario), path in recalculated.items()
            if key == "sample"
        }
        assert len({round(v, 2) for v in incomes.values()}) == len(incomes)

    def test_client_text_stays_text_after_recalculation(self, recalculated, clients):
        st = clients["second"].settings.stress_test
        path = recalculated[("second", (st.cut, st.start_month, st.target_margin))]
        book = openpyxl.load_workbook(path, data_only=True)
        texts = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
        for name in FORMULA_LIKE:
            assert name in texts, f"{name!r} did not survive as text"
        assert "=Second Client: pro forma and stress test (live model)" in texts


# ----------------------------------------------------------------------------
# The workbook as written
# ----------------------------------------------------------------------------


def _table_sheets(book) -> list:
    return [ws for ws in book.worksheets if ws.title not in ("Index", MODEL_SHEET)]


def _shown(value: Any, number_format: str, symbol: str) -> str:
    """What a cell shows, worked out independently of the writer."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "%" in number_format:
            return f"{value * 100:.1f}%"
        if symbol in number_format:
            return f"{'-' if value < 0 else ''}{symbol}{abs(value):,.0f}"
        return f"{value:g}"
    return "" if value is None else str(value)


@pytest.fixture(scope="module")
def books(written):
    return {key: openpyxl.load_workbook(path) for key, (_c, _r, path) in written.items()}


class TestAsWritten:
    def test_index_lists_every_sheet_with_a_link_and_what_it_holds(self, books):
        for book in books.values():
            assert book.sheetnames[0] == "Index"
            index = book["Index"]
            assert [c.value for c in index[1]] == ["Sheet", "What it holds", "Part of the report"]
            rows = list(index.iter_rows(min_row=2))
            assert sorted(r[0].value for r in rows) == sorted(book.sheetnames[1:])
            for sheet, what, source in rows:
                assert sheet.hyperlink is not None and sheet.hyperlink.location.endswith("!A1")
                linked = sheet.hyperlink.location.rsplit("!", 1)[0].strip("'").replace("''", "'")
                assert linked == sheet.value
                assert len(what.value) > 20 and source.value

    def test_headers_are_words(self, books):
        for book in books.values():
            for ws in _table_sheets(book):
                headers = [c.value for c in ws[1]]
                assert all(isinstance(h, str) and h.strip() for h in headers), (ws.title, headers)
                for h in headers:
                    assert not re.match(r"^[a-z]+(_[a-z0-9]+)+$|^[a-z]+$", h), (ws.title, h)
                    assert not re.match(r"^\d{4}-\d{2}$", h), (ws.title, h)
        pro_forma = books["sample"]["Pro forma (baseline)"]
        assert pro_forma["A1"].value == "Line"
        assert [c.value for c in pro_forma[1]][1:4] == ["Jan 2027", "Feb 2027", "Mar 2027"]
        assert books["sample"]["Scenario beside the plan"]["A1"].value == "Month"

    def test_money_and_percent_formats(self, books, written):
        for key, book in books.items():
            client, report, _ = written[key]
            symbol = {"USD": "$", "EUR": "€"}[client.settings.client.currency]
            tables = {n: t for n, t in report.tables().items()}
            for name, table in tables.items():
                ws = book[name[:31]]
                header = [c.value for c in ws[1]]
                columns = [str(c) for c in table.frame.columns]
                for r, (label, values) in enumerate(table.frame.iterrows(), start=2):
                    for column, value in zip(columns, values, strict=True):
                        if not isinstance(value, int | float) or pd.isna(value):
                            continue
                        cell = ws.cell(r, 2 + columns.index(column))
                        percent = column in table.percent_columns or label in table.percent_rows
                        where = (name, label, header[cell.column - 1])
                        if percent:
                            assert cell.number_format.endswith("%"), where
                        else:
                            assert f'"{symbol}"' in cell.number_format, where
                        assert cell.value == pytest.approx(value, abs=CENT + 1e-6), where

    def test_counts_written_as_text_are_numbers(self, books):
        cut_plan = books["sample"]["Cut plan"]
        assert all(isinstance(cut_plan.cell(r, 2).value, int | float) for r in range(2, 7))

    def test_header_row_and_label_column_are_frozen(self, books):
        for book in books.values():
            for ws in _table_sheets(book):
                assert ws.freeze_panes == "B2", ws.title
            model = book[MODEL_SHEET]
            frozen = model[model.freeze_panes]
            assert frozen.column == 3, "the line and kind columns stay in view"
            above = [model.cell(r, 1).value for r in range(1, frozen.row)]
            assert "Line" in above and "Month number" in above
            assert above[-1] == "Month number"

    def test_columns_fit_what_they_show(self, books, written):
        for key, book in books.items():
            symbol = {"USD": "$", "EUR": "€"}[written[key][0].settings.client.currency]
            for ws in _table_sheets(book):
                for row in ws.iter_rows(min_row=2):
                    for cell in row:
                        shown = _shown(cell.value, cell.number_format, symbol)
                        width = ws.column_dimensions[cell.column_letter].width
                        fits = len(shown) <= width or cell.alignment.wrap_text
                        assert fits, (ws.title, cell.coordinate, shown, width)
                for cell in ws[1]:  # a long header wraps, but no word is cut
                    width = ws.column_dimensions[cell.column_letter].width
                    longest = max(len(w) for w in str(cell.value).split())
                    assert longest <= width and cell.alignment.wrap_text, (ws.title, cell.value)

    def test_model_columns_fit_the_largest_amount(self, books, written):
        for key, book in books.items():
            client, report, _ = written[key]
            ws = book[MODEL_SHEET]
            months, total = _month_columns(ws)
            largest = report.baseline_statement.abs().max().max()
            symbol = {"USD": "$", "EUR": "€"}[client.settings.client.currency]
            for column in [*months, total]:
                letter = openpyxl.utils.get_column_letter(column)
                assert ws.column_dimensions[letter].width >= len(f"-{symbol}{largest:,.0f}")

    def test_model_inputs_hold_the_scenario_and_the_rows_are_formulas(self, books, written):
        for key, book in books.items():
            client, report, _ = written[key]
            st = client.settings.stress_test
            ws = book[MODEL_SHEET]
            for name, want in (
                ("SalesCut", st.cut),
                ("CutStartMonth", st.start_month),
                ("TargetMargin", st.target_margin),
                ("OpeningCash", client.settings.cash.opening),
            ):
                ((sheet, ref),) = list(book.defined_names[name].destinations)
                assert sheet == MODEL_SHEET
                assert ws[ref.replace("$", "")].value == pytest.approx(want)
            months, _total = _month_columns(ws)
            blocks = _blocks(ws)
            for label, row in {**blocks["scenario"], **blocks["stress"]}.items():
                for column in months:
                    cell = ws.cell(row, column)
                    assert cell.data_type == "f", (label, cell.coordinate, cell.value)
            for label, row in blocks["plan"].items():
                for column in months:
                    cell = ws.cell(row, column)
                    leaf = label.startswith("Revenue: ") or label == "Cost of sales"
                    leaf = leaf or label in {str(x) for x in report.inputs.lines.index}
                    assert (cell.data_type == "n") == leaf, (label, cell.coordinate)
            # the cut, its start and the margin reach the scenario only through the inputs
            formulas = " ".join(
                str(c.value) for row in ws.iter_rows() for c in row if c.data_type == "f"
            )
            assert "SalesCut" in formulas and "CutStartMonth" in formulas
            assert "TargetMargin" in formulas

    def test_client_text_is_never_a_formula(self, books):
        book = books["second"]
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value in FORMULA_LIKE or cell.value == "=Second Client":
                        assert cell.data_type == "s", (ws.title, cell.coordinate)
                    if cell.data_type == "f":
                        assert ws.title == MODEL_SHEET, (ws.title, cell.coordinate)
                        assert not any(t in cell.value for t in FORMULA_LIKE)
        seen = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
        assert set(FORMULA_LIKE) <= seen
        assert book["Inputs"]["B2"].value == "=Second Client"


# ----------------------------------------------------------------------------
# The pack's workbook: the live model only when it is the report's
# ----------------------------------------------------------------------------


def test_the_pack_writes_the_model_when_the_folder_gives_the_recorded_pro_forma(clients, tmp_path):
    client = clients["sample"]
    target = tmp_path / "tables.xlsx"
    write_excel(_sections(stress_report(client)), _inputs(client), target, client)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:3] == ["Index", "Inputs", MODEL_SHEET]
    assert "Pro forma (baseline)" in book.sheetnames


def test_no_model_when_the_folder_disagrees_with_the_recorded_pro_forma(clients, tmp_path):
    recorded = _sections(stress_report(clients["sample"], simulate=False))
    target = tmp_path / "tables.xlsx"
    write_excel(recorded, _inputs(clients["sample"]), target, clients["second"])
    book = openpyxl.load_workbook(target)
    assert MODEL_SHEET not in book.sheetnames
    notes = [c.value for c in book["Index"]["B"] if isinstance(c.value, str)]
    assert any(n.startswith(f"{MODEL_SHEET}: not included") for n in notes), notes
    assert "Pro forma (baseline)" in book.sheetnames  # the recorded tables are all there


@needs_libreoffice
@pytest.mark.slow
def test_a_report_packs_model_recalculates(tmp_path):
    """End to end: ``salesnb report`` writes the model; LibreOffice recomputes it at 40%
    from month 3 to the package's figures."""
    from salesnb.cli import main

    out = tmp_path / "reports"
    argv = ["report", str(paths.SAMPLE_CLIENT), "--out", str(out), "--no-pdf", "-q"]
    argv += ["--notebook", "02-pro-forma-stress-test.ipynb"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(argv) == 0
    (pack,) = [p for p in out.iterdir() if (p / "tables.xlsx").is_file()]
    changed = tmp_path / "changed.xlsx"
    _set_inputs(pack / "tables.xlsx", changed, SalesCut=0.4, CutStartMonth=3)
    (path,) = _recalculate([changed], tmp_path / "out")
    ws = openpyxl.load_workbook(path, data_only=True)[MODEL_SHEET]
    client = load_client(paths.SAMPLE_CLIENT)
    assert _mismatches(ws, stress_report(client, cut=0.4, start_month=3, simulate=False)) == []
