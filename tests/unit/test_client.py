"""Tests of reading and checking a client folder (``salesnb.client``).

Each test copies the sample client into a temporary folder, breaks one thing, and
checks that :func:`validate` names the file, the row (as a spreadsheet numbers it:
the header is row 1, the first data row is row 2) and the column, and that
:func:`load_client` refuses the folder with a message that says the same.

The sample's rows that the tests break (spreadsheet numbering):

    revenue_plan.csv  row 3: 2027-01, Professional services, 94200
                      row 5: 2027-01, Support contracts, 30000
    expenses.csv      row 4: Insurance, fixed, 1600
                      row 10: Contractor bench, fixed, 6000, discretionary, priority 4
                      row 11: Sales commissions, variable, rate 6%
    roster.csv        row 9: Hannah Brooks, start 2025-05, end 2027-06
    actuals.csv       rows 2-13: 2026-01 to 2026-12
    settings.yaml     line 7: currency; line 11: horizon_months; line 26: stress_test.cut
"""

from __future__ import annotations

import csv
import math
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from salesnb import proforma as pf
from salesnb.io import (
    TABLES,
    Client,
    ClientFolderError,
    Problem,
    load_client,
    validate,
)
from salesnb.paths import SAMPLE_CLIENT

# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A fresh copy of the sample client, free to break."""
    return Path(shutil.copytree(SAMPLE_CLIENT, tmp_path / "cedar-ridge"))


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def set_cell(folder: Path, file: str, row: int, column: str, value: str) -> None:
    """Write ``value`` into a CSV cell; ``row`` is numbered as a spreadsheet does."""
    rows = read_rows(folder / file)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(folder / file, rows)


def drop_rows(folder: Path, file: str, first_cell: str) -> None:
    """Delete the data rows whose first cell is ``first_cell``."""
    rows = read_rows(folder / file)
    write_rows(folder / file, [rows[0], *(r for r in rows[1:] if r[0] != first_cell)])


def replace_text(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def replace_all(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def find(problems: list[Problem], file: str, row: int | None, column: str | None) -> Problem:
    matches = [p for p in problems if (p.file, p.row, p.column) == (file, row, column)]
    assert matches, f"no problem at {file}, row {row}, column {column}; got {problems}"
    return matches[0]


def check_problem(
    folder: Path,
    file: str,
    row: int | None,
    column: str | None,
    *words: str,
    only: bool = True,
) -> Problem:
    """``validate`` reports the problem (and, with ``only``, nothing else), its message
    says ``words``, and ``load_client`` raises with the same file, row and column."""
    problems = validate(folder)
    problem = find(problems, file, row, column)
    for word in words:
        assert word.lower() in problem.message.lower(), problem.message
    if only:
        assert problems == [problem]
    with pytest.raises(ClientFolderError) as caught:
        load_client(folder)
    message = str(caught.value)
    assert caught.value.problems == problems
    assert str(problem) in message
    assert file in message
    if row is not None:
        assert f"row {row}" in message
    if column is not None:
        assert f"column '{column}'" in message
    return problem


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``folder`` with its size and modification time."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = Path(root, name)
            stat = path.stat()
            out[str(path.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    return out


# ----------------------------------------------------------------------------
# The sample client and the shape of a problem
# ----------------------------------------------------------------------------


class TestSampleClient:
    def test_the_shipped_sample_validates_clean(self):
        assert validate(SAMPLE_CLIENT) == []

    def test_loads(self, folder):
        client = load_client(folder)
        assert isinstance(client, Client)
        assert client.name == "Cedar Ridge Technology"
        assert client.slug == "cedar-ridge"
        assert client.settings.client.currency == "USD"
        assert client.months.equals(pd.period_range("2027-01", periods=12, freq="M"))
        assert len(client.revenue_plan) == 48  # 12 months x 4 streams
        assert len(client.expenses) == 13
        assert len(client.roster) == 8
        assert len(client.actuals) == 12
        assert len(client.expense_schedule) == 4
        # Rows keep their spreadsheet numbers.
        assert client.actuals.index[0] == 2
        assert client.expenses.loc[6, "max_cut"] == pytest.approx(0.8)  # "80%"

    def test_optional_expense_schedule_may_be_absent(self, folder):
        (folder / "expense_schedule.csv").unlink()
        assert validate(folder) == []
        assert load_client(folder).expense_schedule.empty


class TestProblem:
    def test_reads_as_file_row_column_message(self):
        p = Problem("roster.csv", "expected a number, got 'abc'", row=4, column="annual_salary")
        assert str(p) == "roster.csv, row 4, column 'annual_salary': expected a number, got 'abc'"

    def test_without_row_or_column(self):
        assert str(Problem("roster.csv", "file not found")) == "roster.csv: file not found"

    def test_error_lists_every_problem(self):
        problems = [Problem("a.csv", "one", row=2), Problem("b.csv", "two", column="x")]
        error = ClientFolderError(Path("clients", "acme"), problems)
        assert str(error) == (
            "acme: 2 problems in the client folder\n  - a.csv, row 2: one\n"
            "  - b.csv, column 'x': two"
        )
        assert error.problems == problems


# ----------------------------------------------------------------------------
# One thing broken at a time
# ----------------------------------------------------------------------------


class TestFiles:
    def test_missing_table(self, folder):
        (folder / "roster.csv").unlink()
        check_problem(folder, "roster.csv", None, None, "not found")

    def test_missing_settings(self, folder):
        (folder / "settings.yaml").unlink()
        check_problem(folder, "settings.yaml", None, None, "not found")

    def test_missing_folder(self, tmp_path):
        problems = validate(tmp_path / "nobody")
        assert len(problems) == 1
        assert "not found" in problems[0].message
        with pytest.raises(ClientFolderError, match="nobody"):
            load_client(tmp_path / "nobody")

    def test_both_csv_and_xlsx(self, folder):
        pd.read_csv(folder / "roster.csv").to_excel(folder / "roster.xlsx", index=False)
        problem = check_problem(folder, "roster.csv", None, None, "roster.xlsx", "keep one")
        assert "both" in problem.message


class TestCells:
    def test_missing_column(self, folder):
        rows = read_rows(folder / "revenue_plan.csv")
        write_rows(folder / "revenue_plan.csv", [[r[0], r[2]] for r in rows])  # no "stream"
        check_problem(folder, "revenue_plan.csv", 1, "stream", "missing column")

    def test_not_a_number(self, folder):
        set_cell(folder, "revenue_plan.csv", 3, "revenue", "abc")
        check_problem(folder, "revenue_plan.csv", 3, "revenue", "expected a number", "'abc'")

    def test_negative_amount(self, folder):
        set_cell(folder, "expenses.csv", 4, "amount", "-1600")
        check_problem(folder, "expenses.csv", 4, "amount", "0 or more", "-1600")

    def test_unknown_expense_kind(self, folder):
        set_cell(folder, "expenses.csv", 4, "kind", "monthly")
        check_problem(folder, "expenses.csv", 4, "kind", "fixed, variable, people", "monthly")

    def test_rate_above_100_percent(self, folder):
        set_cell(folder, "expenses.csv", 11, "rate", "120%")
        check_problem(folder, "expenses.csv", 11, "rate", "0% to 100%", "120%")

    def test_empty_required_cell(self, folder):
        set_cell(folder, "roster.csv", 4, "annual_salary", "")
        check_problem(folder, "roster.csv", 4, "annual_salary", "empty")

    def test_not_a_month(self, folder):
        set_cell(folder, "actuals.csv", 5, "month", "2026-13")
        check_problem(folder, "actuals.csv", 5, "month", "YYYY-MM", "2026-13", only=False)

    def test_a_mistyped_month_is_not_also_reported_missing(self, folder):
        # April is there, only mistyped: the consultant should read one message about
        # row 5, not a second one saying that April is missing.
        set_cell(folder, "actuals.csv", 5, "month", "2026-13")
        check_problem(folder, "actuals.csv", 5, "month", "YYYY-MM", "2026-13")

    def test_a_bad_month_is_reported_once_and_in_plain_words(self, folder):
        # The consultant typed one bad month: one message, and no "NaT" (pandas'
        # word for a missing date) in any of them.
        set_cell(folder, "revenue_plan.csv", 4, "month", "2027-13")
        check_problem(folder, "revenue_plan.csv", 4, "month", "YYYY-MM", "2027-13")

    def test_two_bad_months_are_not_duplicates_of_each_other(self, folder):
        set_cell(folder, "actuals.csv", 3, "month", "Feb 2026")
        set_cell(folder, "actuals.csv", 4, "month", "Mar 2026")
        problems = validate(folder)
        assert {(p.row, p.column) for p in problems} == {(3, "month"), (4, "month")}
        assert not any("NaT" in p.message or "duplicate" in p.message for p in problems)

    def test_spreadsheet_row_numbers_count_a_blank_line(self, folder):
        # A spreadsheet shows a blank line as an empty row, so the bad cell below it
        # is on row 5 (header 1, January 2, February 3, blank 4).
        path = folder / "actuals.csv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[3] = "\n" + lines[3].replace("392500", "abc")  # March, now on row 5
        path.write_text("".join(lines), encoding="utf-8")
        problems = validate(folder)
        assert [(p.file, p.row, p.column) for p in problems] == [("actuals.csv", 5, "revenue")]


class TestExpenseLines:
    def test_fixed_line_needs_an_amount(self, folder):
        set_cell(folder, "expenses.csv", 4, "amount", "")
        check_problem(folder, "expenses.csv", 4, "amount", "monthly amount")

    def test_variable_line_needs_a_rate(self, folder):
        set_cell(folder, "expenses.csv", 11, "rate", "")
        check_problem(folder, "expenses.csv", 11, "rate", "rate")

    def test_discretionary_line_needs_a_cut_priority(self, folder):
        set_cell(folder, "expenses.csv", 10, "cut_priority", "")
        check_problem(folder, "expenses.csv", 10, "cut_priority", "priority")

    def test_a_fixed_line_without_amount_never_loads(self, folder):
        # A blank amount must stop the folder, not become a NaN in every month's income.
        set_cell(folder, "expenses.csv", 4, "amount", "")
        with pytest.raises(ClientFolderError, match="amount"):
            load_client(folder)

    def test_the_sample_gives_a_pro_forma_of_numbers(self, folder):
        from salesnb.analysis import proforma_inputs

        income = pf.project(proforma_inputs(load_client(folder)))["operating_income"]
        assert income.notna().all()

    def test_duplicate_line(self, folder):
        set_cell(folder, "expenses.csv", 4, "line", "Office rent and utilities")
        check_problem(folder, "expenses.csv", 4, "line", "duplicate")


class TestRevenuePlan:
    def test_unknown_stream(self, folder):
        set_cell(folder, "revenue_plan.csv", 5, "stream", "Cloud resale")
        problem = check_problem(folder, "revenue_plan.csv", 5, "stream", "unknown stream")
        assert "Cloud resale" in problem.message
        assert "settings.yaml" in problem.message

    def test_missing_month(self, folder):
        drop_rows(folder, "revenue_plan.csv", "2027-05")
        problem = check_problem(folder, "revenue_plan.csv", None, "month", "2027-05")
        assert "no revenue row" in problem.message

    def test_month_outside_the_plan(self, folder):
        set_cell(folder, "revenue_plan.csv", 49, "month", "2028-01")  # the last row
        problem = find(validate(folder), "revenue_plan.csv", 49, "month")
        assert "outside the plan" in problem.message

    def test_a_stream_missing_from_one_month_is_named(self, folder):
        """A deleted row would lower the year's revenue without a word: it is named."""
        rows = read_rows(folder / "revenue_plan.csv")
        del rows[4]  # 2027-01 Support contracts
        write_rows(folder / "revenue_plan.csv", rows)
        problems = validate(folder)
        assert len(problems) == 1
        assert "'Support contracts' has no row for 2027-01" in problems[0].message
        assert "write 0" in problems[0].message

    def test_a_misspelt_stream_is_one_problem_not_two(self, folder):
        set_cell(folder, "revenue_plan.csv", 5, "stream", "Suport contracts")
        problems = validate(folder)
        assert [(p.row, p.column) for p in problems] == [(5, "stream")]


class TestActuals:
    def test_duplicate_month(self, folder):
        set_cell(folder, "actuals.csv", 3, "month", "2026-01")
        check_problem(folder, "actuals.csv", 3, "month", "duplicate", "2026-01", only=False)
        # February is now absent too, and may be reported as such; nothing else is.
        assert {p.file for p in validate(folder)} == {"actuals.csv"}

    def test_months_out_of_order(self, folder):
        set_cell(folder, "actuals.csv", 3, "month", "2026-03")
        set_cell(folder, "actuals.csv", 4, "month", "2026-02")
        check_problem(folder, "actuals.csv", 4, "month", "2026-02", "2026-03", "order")

    def test_month_missing(self, folder):
        drop_rows(folder, "actuals.csv", "2026-05")
        problems = validate(folder)
        assert problems
        for problem in problems:  # every message is about the missing May
            assert (problem.file, problem.column) == ("actuals.csv", "month")
            assert problem.row in (None, 6)  # no row, or the row where May belongs
            assert "2026-05" in problem.message
            assert "missing" in problem.message
        with pytest.raises(ClientFolderError, match="2026-05"):
            load_client(folder)


class TestRoster:
    def test_end_before_start(self, folder):
        set_cell(folder, "roster.csv", 9, "end", "2024-01")
        check_problem(folder, "roster.csv", 9, "end", "2024-01", "2025-05", "before")

    def test_line_that_is_not_a_people_line(self, folder):
        set_cell(folder, "roster.csv", 2, "line", "Insurance")
        check_problem(folder, "roster.csv", 2, "line", "not a people line")

    def test_burden_as_a_percentage(self, folder):
        set_cell(folder, "roster.csv", 2, "burden", "25%")
        assert validate(folder) == []
        assert load_client(folder).roster.loc[2, "burden"] == pytest.approx(0.25)


# ----------------------------------------------------------------------------
# settings.yaml
# ----------------------------------------------------------------------------


class TestSettings:
    def test_malformed_yaml_names_its_line(self, folder):
        replace_text(folder, "settings.yaml", "  currency: USD", "  currency: USD: dollars")
        check_problem(folder, "settings.yaml", 7, None, "not valid YAML")

    def test_unknown_key_names_its_line(self, folder):
        replace_text(folder, "settings.yaml", "horizon_months: 12", "horizon_monhts: 12")
        check_problem(folder, "settings.yaml", 11, "horizon_monhts", "unknown setting")

    def test_cut_out_of_range_names_its_line(self, folder):
        replace_text(folder, "settings.yaml", "  cut: 0.25", "  cut: 1.5")
        check_problem(folder, "settings.yaml", 26, "stress_test.cut", "1.5")

    def test_missing_required_setting(self, folder):
        replace_text(folder, "settings.yaml", 'fiscal_year_start: "2027-01"', "")
        problems = validate(folder)
        assert len(problems) == 1
        problem = problems[0]
        assert (problem.file, problem.column) == ("settings.yaml", "fiscal_year_start")
        assert "required" in problem.message.lower()

    def test_bad_fiscal_year_start(self, folder):
        replace_text(folder, "settings.yaml", '"2027-01"', '"2027-1"')
        check_problem(folder, "settings.yaml", 9, "fiscal_year_start", "YYYY-MM")

    def test_not_a_mapping(self, folder):
        (folder / "settings.yaml").write_text("- just\n- a list\n", encoding="utf-8")
        check_problem(folder, "settings.yaml", None, None, "mapping")

    def test_start_month_beyond_the_horizon(self, folder):
        replace_text(folder, "settings.yaml", "  start_month: 1 ", "  start_month: 13")
        problem = find(validate(folder), "settings.yaml", None, "stress_test.start_month")
        assert "1 to 12" in problem.message


# ----------------------------------------------------------------------------
# Several problems, Excel workbooks, and a read-only check
# ----------------------------------------------------------------------------


class TestSeveralProblems:
    def test_all_are_listed(self, folder):
        replace_text(folder, "settings.yaml", "horizon_months: 12", "horizon_monhts: 12")
        set_cell(folder, "revenue_plan.csv", 3, "revenue", "abc")
        set_cell(folder, "expenses.csv", 4, "amount", "-1600")
        set_cell(folder, "roster.csv", 3, "start", "June")
        expected = {
            ("settings.yaml", 11, "horizon_monhts"),
            ("revenue_plan.csv", 3, "revenue"),
            ("expenses.csv", 4, "amount"),
            ("roster.csv", 3, "start"),
        }
        problems = validate(folder)
        assert {(p.file, p.row, p.column) for p in problems} == expected
        with pytest.raises(ClientFolderError) as caught:
            load_client(folder)
        message = str(caught.value)
        assert message.startswith("cedar-ridge: 4 problems in the client folder")
        for p in problems:
            assert str(p) in message

    def test_table_checks_still_run_when_the_settings_are_broken(self, folder):
        # "Every problem at once": a roster whose dates are the wrong way round is
        # wrong whatever the settings say, so the consultant hears about both.
        replace_text(folder, "settings.yaml", "horizon_months: 12", "horizon_monhts: 12")
        set_cell(folder, "roster.csv", 9, "end", "2024-01")
        found = {(p.file, p.row, p.column) for p in validate(folder)}
        assert found == {("settings.yaml", 11, "horizon_monhts"), ("roster.csv", 9, "end")}


def to_excel(folder: Path, name: str, *, keep_text: bool = False) -> None:
    """Replace ``name``.csv by a workbook as a consultant would keep it: numbers as
    numbers, months as dates, empty cells empty (and, with ``keep_text``, text such
    as "NA" kept as text)."""
    table = pd.read_csv(folder / f"{name}.csv", keep_default_na=not keep_text)
    if "month" in table.columns:
        table["month"] = pd.to_datetime(table["month"])
    table.to_excel(folder / f"{name}.xlsx", index=False)
    (folder / f"{name}.csv").unlink()


class TestExcel:
    def test_workbooks_give_the_same_client(self, folder):
        tables = [name for name in TABLES if (folder / f"{name}.csv").is_file()]
        assert {"revenue_plan", "expenses", "roster", "actuals"} <= set(tables)
        for name in tables:
            to_excel(folder, name)
        assert not [p for p in folder.glob("*.csv") if p.stem in TABLES]  # CRM exports stay CSV
        assert validate(folder) == []
        from_excel, from_csv = load_client(folder), load_client(SAMPLE_CLIENT)
        assert from_excel.settings == from_csv.settings
        for name in TABLES:
            assert_frame_equal(getattr(from_excel, name), getattr(from_csv, name))

    def test_problems_in_a_workbook_name_the_workbook(self, folder):
        table = pd.read_csv(folder / "actuals.csv")
        table["revenue"] = table["revenue"].astype(object)
        table.loc[2, "revenue"] = "abc"  # the third data row: spreadsheet row 4
        table.to_excel(folder / "actuals.xlsx", index=False)
        (folder / "actuals.csv").unlink()
        check_problem(folder, "actuals.xlsx", 4, "revenue", "expected a number", "abc")

    def test_damaged_workbook_is_a_problem_not_a_crash(self, folder):
        # Starts like a workbook (a zip file) but is cut short, as after a failed copy.
        (folder / "roster.csv").unlink()
        (folder / "roster.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
        problems = validate(folder)
        assert [(p.file, p.row, p.column) for p in problems] == [("roster.xlsx", None, None)]
        with pytest.raises(ClientFolderError, match=r"roster\.xlsx"):
            load_client(folder)

    def test_text_that_looks_like_a_missing_value_is_kept(self, folder):
        # A stream called "NA" (North America) is text in a CSV and must stay text
        # in a workbook: the same table should read the same either way.
        for name in ("settings.yaml", "revenue_plan.csv"):
            replace_all(folder, name, "Support contracts", "NA")
        assert validate(folder) == []
        to_excel(folder, "revenue_plan", keep_text=True)
        assert validate(folder) == []


class TestReadOnly:
    def test_validate_writes_nothing(self, folder):
        before = listing(folder)
        assert validate(folder) == []
        load_client(folder)
        assert listing(folder) == before

    def test_validate_writes_nothing_into_a_broken_folder(self, folder):
        set_cell(folder, "revenue_plan.csv", 3, "revenue", "abc")
        to_excel(folder, "roster")
        replace_text(folder, "settings.yaml", "  cut: 0.25", "  cut: 1.5")
        before = listing(folder)
        assert len(validate(folder)) == 2
        with pytest.raises(ClientFolderError):
            load_client(folder)
        assert listing(folder) == before


def test_money_cells_may_carry_currency_and_thousands_separators(folder):
    set_cell(folder, "revenue_plan.csv", 3, "revenue", "$94,200")
    assert validate(folder) == []
    revenue = load_client(folder).revenue_plan.loc[3, "revenue"]
    assert math.isclose(revenue, 94_200.0)
