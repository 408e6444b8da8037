"""The bad-input corpus: broken and hostile client folders, each with one defect.

Every case copies the sample client, breaks one thing, and runs what a
consultant runs: ``salesnb validate`` and then ``salesnb report``. Each must end
with the package's own message naming the file, the row (a spreadsheet's row,
or the YAML line) and the column or setting, no traceback, and nothing written
to the output folder. The cases are the classes of defect found when the
workbook was tried on real exports and on deliberately hostile folders; the
finer cases of each class live in the unit tests of the reader concerned.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from salesnb import paths
from salesnb.cli import main


def _edit(file: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def _header_only(file: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / file
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")

    return apply


def _zero_actuals(folder: Path) -> None:
    path = folder / "actuals.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join([lines[0], *(f"{line.split(',')[0]},0" for line in lines[1:])]) + "\n",
        encoding="utf-8",
    )


def _alias_bomb(folder: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    path = folder / "settings.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nbomb:\n" + "".join(f"  {line}\n" for line in lines), "utf-8")


def _symlink_out(folder: Path) -> None:
    outside = folder.parent / "elsewhere.csv"
    shutil.copy(folder / "actuals.csv", outside)
    (folder / "actuals.csv").unlink()
    (folder / "actuals.csv").symlink_to(outside)


def _corrupt_xlsx(folder: Path) -> None:
    (folder / "roster.csv").unlink()
    (folder / "roster.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")


def _xlsx_formula_without_value(folder: Path) -> None:
    import csv

    import openpyxl

    with (folder / "roster.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([float(c) if c.isdigit() else c for c in row])
    sheet["D5"] = "=D4*0.6"  # openpyxl saves no value for a formula: as if never recalculated
    book.save(folder / "roster.xlsx")
    (folder / "roster.csv").unlink()


@dataclass(frozen=True)
class Case:
    id: str
    breaks: Callable[[Path], None]
    file: str
    row: int | None
    column: str | None
    words: tuple[str, ...] = ()


CASES = [
    # YAML
    Case("alias-bomb", _alias_bomb, "settings.yaml", None, None, ("alias",)),
    Case(
        "duplicate-key",
        _edit("settings.yaml", "  currency: USD\n", "  currency: USD\n  currency: EUR\n"),
        "settings.yaml",
        8,
        "client.currency",
        ("7",),
    ),
    Case(
        "invalid-date",
        _edit("settings.yaml", "as_of: 2027-01-08", "as_of: 2027-13-45"),
        "settings.yaml",
        10,
        "as_of",
    ),
    Case(
        "nan-cash",
        _edit("settings.yaml", "opening: 350000", "opening: .nan"),
        "settings.yaml",
        14,
        "cash.opening",
    ),
    Case(
        "negative-seed",
        _edit("settings.yaml", "seed: 2027                   # same seed", "seed: -1 # same seed"),
        "settings.yaml",
        31,
        "stress_test.seed",
    ),
    # numbers read wrong
    Case(
        "european-number-in-a-us-file",
        _edit(
            "revenue_plan.csv",
            "2027-01,Professional services,94200",
            '2027-01,Professional services,"123.500,00"',
        ),
        "revenue_plan.csv",
        3,
        "revenue",
    ),
    Case(
        "a-number-no-business-has",
        _edit(
            "revenue_plan.csv",
            "2027-01,Professional services,94200",
            "2027-01,Professional services,1e308",
        ),
        "revenue_plan.csv",
        3,
        "revenue",
    ),
    Case(
        "header-only-revenue-plan",
        _header_only("revenue_plan.csv"),
        "revenue_plan.csv",
        None,
        None,
        ("no rows",),
    ),
    # tables
    Case(
        "headers-equal-after-normalising",
        _edit("actuals.csv", "month,revenue", "month,revenue,Revenue "),
        "actuals.csv",
        1,
        None,
        ("revenue",),
    ),
    Case(
        "month-zero",
        _edit("actuals.csv", "2026-01,", "0000-01,"),
        "actuals.csv",
        2,
        "month",
    ),
    Case(
        "unquoted-comma",
        _edit("expenses.csv", "Insurance,fixed,1600", "Insurance, liability,fixed,1600"),
        "expenses.csv",
        4,
        None,
    ),
    Case(
        "control-character-in-a-name",
        _edit("roster.csv", "Elena Sorensen", "Elena\x07Sorensen"),
        "roster.csv",
        5,
        "name",
        ("\\x07",),
    ),
    Case("symlink-out-of-the-folder", _symlink_out, "actuals.csv", None, None),
    Case("corrupt-xlsx", _corrupt_xlsx, "roster.xlsx", None, None, ("excel",)),
    Case(
        "formula-without-value",
        _xlsx_formula_without_value,
        "roster.xlsx",
        5,
        "annual_salary",
        ("formula",),
    ),
    # values only a calculation refuses
    Case("zero-prior-year", _zero_actuals, "actuals.csv", None, "revenue", ("prior year",)),
    Case(
        "rep-quota-zero",
        _edit("roster.csv", "2022-04,,950000,230000", "2022-04,,0,230000"),
        "roster.csv",
        5,
        "annual_quota",
    ),
    Case(
        "rep-ote-zero",
        _edit("roster.csv", "2022-04,,950000,230000", "2022-04,,950000,0"),
        "roster.csv",
        5,
        "on_target_earnings",
    ),
    Case(
        "negative-weight",
        _edit("settings.yaml", "# weights: {Name: 1.5}", "weights: {Hannah Brooks: -0.5}"),
        "settings.yaml",
        None,
        None,
        ("Hannah Brooks",),
    ),
]


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:  # a command-line mistake: argparse's own exit
            status = int(exc.code or 0)
    return status, out.getvalue() + err.getvalue()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_broken_folder_is_named_precisely_and_nothing_is_written(tmp_path, case):
    folder = Path(shutil.copytree(paths.SAMPLE_CLIENT, tmp_path / "client" / "cedar-ridge"))
    case.breaks(folder)

    status, said = _run(["validate", str(folder)])
    assert status == 1, said
    assert "Traceback" not in said
    assert len(said) < 5000, "a message echoes far too much of the input"
    where = case.file
    if case.row is not None:
        where += f", row {case.row}"
    if case.column is not None:
        where += f", column '{case.column}'" if case.row is not None else ""
    lines = [line for line in said.splitlines() if line.lstrip("- ").startswith(where)]
    assert lines, f"no problem located at {where!r}:\n{said}"
    if case.column is not None and case.row is None:
        assert any(f"column '{case.column}'" in line for line in lines), said
    for word in case.words:
        assert any(word.lower() in line.lower() for line in lines), said

    out = tmp_path / "reports"
    status, said = _run(["report", str(folder), "--out", str(out), "--no-pdf", "-q"])
    assert status == 1, said
    assert "Traceback" not in said and "unexpected error" not in said, said
    assert not out.exists() or not any(out.iterdir()), "a report was written for a broken folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not stop root from reading a file")
def test_an_unreadable_settings_file(tmp_path):
    folder = Path(shutil.copytree(paths.SAMPLE_CLIENT, tmp_path / "cedar-ridge"))
    (folder / "settings.yaml").chmod(0)
    try:
        status, said = _run(["validate", str(folder)])
    finally:
        (folder / "settings.yaml").chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert status == 1 and "settings.yaml" in said and "Traceback" not in said


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ","), ("utf-16", ","), ("cp1252", ";"), ("utf-8", "\t")],
)
def test_real_exports_dialects_are_read_right(tmp_path, encoding, delimiter):
    """A roster saved by a spreadsheet in another encoding or delimiter reads the same."""
    from salesnb.io import load_client

    folder = Path(shutil.copytree(paths.SAMPLE_CLIENT, tmp_path / "cedar-ridge"))
    roster = folder / "roster.csv"
    text = roster.read_text(encoding="utf-8")
    if delimiter != ",":
        assert ";" not in text and "\t" not in text
        text = text.replace(",", delimiter)
    roster.write_bytes(text.encode(encoding))
    assert load_client(folder).roster.equals(load_client(paths.SAMPLE_CLIENT).roster)


def test_an_override_a_calculation_refuses_stops_before_any_notebook(tmp_path):
    """The second test client gives its ramp as a list: ramp_months cannot replace it."""
    client = Path(__file__).resolve().parent.parent / "data" / "harbour-point"
    out = tmp_path / "reports"
    status, said = _run(["report", str(client), "--out", str(out), "-p", "ramp_months=6"])
    assert status == 1
    assert "ramp_months" in said and "hiring.ramp" in said and "Traceback" not in said
    assert not out.exists() or not any(out.iterdir())
