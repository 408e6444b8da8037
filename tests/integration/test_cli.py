"""The ``salesnb`` command end to end: new client folders, checks and report packs.

Every test calls :func:`salesnb.cli.main` in this process, as the console
script does, and reads what a consultant would read: the exit status, the
printed lines and the files of the report pack. The report runs are slow
(a notebook each); tests that only read a pack share one.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import nbformat
import openpyxl
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from salesnb import paths
from salesnb.cli import main
from salesnb.io import load_client, slugify
from salesnb.report import NOTEBOOKS, ReportError, find_chromium
from salesnb.report.record import FIGURES_MIMETYPE
from salesnb.report.runner import inside

SAMPLE = paths.SAMPLE_CLIENT
STRESS_TEST = "02-pro-forma-stress-test.ipynb"
#: The notebooks of a full report pack (those that exist yet).
PACK_NOTEBOOKS = [name for name in NOTEBOOKS if (paths.NOTEBOOKS / name).is_file()]
#: Tests of the runner's mechanics run the stress test alone, to keep the suite quick.
ONLY_STRESS_TEST = ["--notebook", STRESS_TEST]
#: Headline figures a reader of figures.json relies on (documented for consultants).
PROFORMA_FIGURES = {
    "baseline_income",
    "scenario_income",
    "lost_income",
    "reduction_to_break_even",
    "reduction_to_target_margin",
    "largest_survivable_cut_income",
    "largest_survivable_cut_cash",
    "probability_of_loss",
}


def _copy_sample(parent: Path, name: str) -> Path:
    folder = parent / name
    shutil.copytree(SAMPLE, folder)
    return folder


def _committed_notebooks_stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip the kernels: each "run" copies the committed, executed notebook.

    For tests about what the runner does around the notebooks (names, files), not
    about the figures; the pack is built from the copies exactly as from real runs.
    """

    def committed(source, target, parameters, workdir, cwd):
        shutil.copyfile(source, target)

    monkeypatch.setattr("salesnb.report.runner.execute_notebook", committed)


def _broken_notebooks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A notebooks folder whose stress-test notebook raises after its parameters.

    Every override a report accepts is checked against the settings before any
    notebook runs, so a failing notebook has to be made, not provoked.
    """
    folder = tmp_path / "broken-notebooks"
    folder.mkdir()
    nb = nbformat.read(paths.NOTEBOOKS / STRESS_TEST, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell('raise RuntimeError("broken on purpose")'))
    nbformat.write(nb, folder / STRESS_TEST)
    monkeypatch.setattr("salesnb.paths.NOTEBOOKS", folder)


def _rename_client(folder: Path, name: str) -> None:
    settings_file = folder / "settings.yaml"
    settings = yaml.safe_load(settings_file.read_text(encoding="utf-8"))
    settings["client"]["name"] = name
    settings_file.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _staging_left(out: Path) -> list[str]:
    return [p.name for p in out.iterdir() if p.name.startswith(".")]


def _committed_records(notebook: str) -> list[dict[str, Any]]:
    nb = nbformat.read(paths.NOTEBOOKS / notebook, as_version=4)
    return [
        o["data"][FIGURES_MIMETYPE]
        for cell in nb.cells
        for o in cell.get("outputs", [])
        if FIGURES_MIMETYPE in o.get("data", {})
    ]


def _committed_figures() -> dict[str, Any]:
    """The pro forma figures the committed stress-test notebook recorded (sample client)."""
    (payload,) = _committed_records(STRESS_TEST)
    return payload["figures"]


# ----------------------------------------------------------------------------
# new-client
# ----------------------------------------------------------------------------


class TestNewClient:
    NAME = "Acme <Systems> & Co"

    def test_creates_a_valid_folder_keeping_the_name(self, tmp_path, capsys):
        assert main(["new-client", self.NAME, "--dir", str(tmp_path)]) == 0
        folder = tmp_path / "acme-systems-co"
        assert str(folder) in capsys.readouterr().out
        settings = yaml.safe_load((folder / "settings.yaml").read_text(encoding="utf-8"))
        assert settings["client"]["name"] == self.NAME
        assert main(["validate", str(folder)]) == 0
        assert "ready" in capsys.readouterr().out
        assert _staging_left(tmp_path) == []

    @pytest.mark.parametrize(
        "name",
        [
            'O\'Brien "Bros" \\ Sons: #1 # not a comment',
            "Café Ünïcode GmbH",
            "  spaces kept  ",
            "A client whose legal name is long enough that YAML would wrap it over two lines, Ltd",
        ],
    )
    def test_any_name_round_trips(self, tmp_path, name):
        assert main(["new-client", name, "--dir", str(tmp_path)]) == 0
        (folder,) = tmp_path.iterdir()
        assert folder.name == slugify(name)
        assert load_client(folder).name == name

    def test_an_existing_client_is_never_overwritten(self, tmp_path, capsys):
        assert main(["new-client", self.NAME, "--dir", str(tmp_path)]) == 0
        settings = tmp_path / "acme-systems-co" / "settings.yaml"
        settings.write_text(settings.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        before = _files(tmp_path)
        capsys.readouterr()
        assert main(["new-client", self.NAME, "--dir", str(tmp_path)]) == 1
        assert "already exists" in capsys.readouterr().err
        assert _files(tmp_path) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["acme-systems-co"]


# ----------------------------------------------------------------------------
# validate
# ----------------------------------------------------------------------------


class TestValidate:
    def test_the_sample_is_ready(self, capsys):
        assert main(["validate", str(SAMPLE)]) == 0
        assert "cedar-ridge: ready" in capsys.readouterr().out

    def test_a_bad_cell_is_located(self, tmp_path, capsys):
        folder = _copy_sample(tmp_path, "broken")
        plan = folder / "revenue_plan.csv"
        lines = plan.read_text(encoding="utf-8").splitlines()
        header = lines[0].split(",")
        cells = lines[4].split(",")  # row 5 as a spreadsheet numbers it (header = row 1)
        cells[header.index("revenue")] = "twelve thousand"
        lines[4] = ",".join(cells)
        plan.write_text("\n".join(lines) + "\n", encoding="utf-8")

        assert main(["validate", str(folder)]) == 1
        out = capsys.readouterr()
        assert "revenue_plan.csv, row 5, column 'revenue'" in out.err
        assert "'twelve thousand'" in out.err
        assert "ready" not in out.out

    def test_every_folder_is_checked(self, tmp_path, capsys):
        broken = _copy_sample(tmp_path, "no-roster")
        (broken / "roster.csv").unlink()
        assert main(["validate", str(broken), str(SAMPLE)]) == 1
        out = capsys.readouterr()
        assert "roster.csv" in out.err
        assert "cedar-ridge: ready" in out.out


# ----------------------------------------------------------------------------
# report: one client
# ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> tuple[int, str, str, Path]:
    """``salesnb report <sample> --out <out>``, PDF included: status, stdout, stderr, out."""
    out = tmp_path_factory.mktemp("reports") / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(["report", str(SAMPLE), "--out", str(out)])
    return status, stdout.getvalue(), stderr.getvalue(), out


@pytest.fixture(scope="module")
def pack(sample_report) -> Path:
    status, _, stderr, out = sample_report
    assert status == 0, stderr
    return out / "cedar-ridge"


@pytest.mark.slow
class TestReport:
    def test_exits_0_and_prints_where_the_report_is(self, sample_report):
        status, stdout, stderr, out = sample_report
        assert status == 0, stderr
        printed = re.search(
            r"^Cedar Ridge Technology: report written to (.+)$", stdout, re.MULTILINE
        )
        assert printed, stdout
        assert Path(printed.group(1)).resolve() == (out / "cedar-ridge" / "report.html").resolve()

    def test_the_pack_holds_every_piece(self, pack):
        for name in ("report.html", "figures.json", "tables.xlsx", f"notebooks/{STRESS_TEST}"):
            assert (pack / name).is_file(), name
        assert sorted(p.name for p in (pack / "notebooks").iterdir()) == sorted(PACK_NOTEBOOKS)
        assert _staging_left(pack.parent) == []
        assert not (pack.parent / "cedar-ridge.failed").exists()

    def test_pdf_when_chromium_is_installed(self, sample_report, pack):
        if find_chromium() is None:
            assert not (pack / "report.pdf").exists()
            assert "Chromium is not installed" in sample_report[2]
        else:
            pdf = (pack / "report.pdf").read_bytes()
            assert pdf.startswith(b"%PDF-")
            assert len(pdf) > 10_000

    def test_figures_json(self, pack):
        figures = json.loads((pack / "figures.json").read_text(encoding="utf-8"))
        assert figures["client"]["name"] == "Cedar Ridge Technology"
        assert figures["client"]["folder"] == "cedar-ridge"
        assert PROFORMA_FIGURES <= set(figures["proforma"])
        sections = {rec["section"] for nb in PACK_NOTEBOOKS for rec in _committed_records(nb)}
        assert sections <= set(figures), "every notebook's recorded section is in figures.json"
        # the sample with its own settings is exactly what the committed notebook shows
        assert figures["proforma"] == _committed_figures()

    def test_tables_xlsx(self, pack):
        book = openpyxl.load_workbook(pack / "tables.xlsx", read_only=True)
        try:
            assert {"Inputs", "Pro forma (baseline)"} <= set(book.sheetnames)
            inputs = {row[0]: row[1] for row in book["Inputs"].iter_rows(values_only=True)}
            assert inputs["Client"] == "Cedar Ridge Technology"
        finally:
            book.close()

    def test_the_executed_notebook_has_the_client_injected(self, pack):
        nb = nbformat.read(pack / "notebooks" / STRESS_TEST, as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1
        assert "interactive = False" in injected[0].source

    def test_html_reads_offline(self, pack):
        page = (pack / "report.html").read_text(encoding="utf-8")
        assert not re.search(r"""<script[^>]*\bsrc\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)
        assert not re.search(r"""<link[^>]*\bhref\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)

    def test_html_shows_figures_not_code(self, pack):
        page = (pack / "report.html").read_text(encoding="utf-8")
        for code in ("load_client(", "stress_report(", "record(", "client_dir", "import "):
            assert code not in page, code
        assert FIGURES_MIMETYPE not in page
        assert "<h1>Cedar Ridge Technology: sales-leadership report</h1>" in page
        lost_income = _committed_figures()["lost_income"]
        assert f"${lost_income:,.0f}" in page


# ----------------------------------------------------------------------------
# report: client text never becomes markup
# ----------------------------------------------------------------------------


@pytest.mark.slow
def test_client_text_is_escaped(tmp_path, capsys):
    name = '<script>alert("x")</script> & Co'
    folder = _copy_sample(tmp_path, "scripted")
    _rename_client(folder, name)
    out = tmp_path / "out"

    assert main(["report", str(folder), "--out", str(out), "--no-pdf"]) == 0, capsys.readouterr()
    page = (out / "scripted" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page.lower()
    # nbconvert re-serialises the HTML, turning &quot; into a plain quote, which is safe in text
    escaped = html.escape(name).replace("&quot;", '"')
    assert f"<title>{escaped}: sales-leadership report</title>" in page.replace("&quot;", '"')
    assert f"<h1>{escaped}: sales-leadership report</h1>" in page.replace("&quot;", '"')
    figures = json.loads((out / "scripted" / "figures.json").read_text(encoding="utf-8"))
    assert figures["client"]["name"] == name  # data stays verbatim


# ----------------------------------------------------------------------------
# report --all: a portfolio
# ----------------------------------------------------------------------------


@pytest.mark.slow
def test_batch_reports_the_good_clients_and_names_the_broken_one(tmp_path, capsys):
    parent = tmp_path / "clients"
    parent.mkdir()
    _copy_sample(parent, "..north..star..")  # dots never lead out of the output folder
    _copy_sample(parent, "South Ridge")
    broken = _copy_sample(parent, "broken")
    (broken / "roster.csv").unlink()
    out = tmp_path / "out"

    status = main(
        ["report", str(parent), "--all", "--out", str(out), "--no-pdf", *ONLY_STRESS_TEST]
    )
    captured = capsys.readouterr()
    assert status == 1
    assert sorted(p.name for p in out.iterdir()) == ["north-star", "portfolio", "south-ridge"]
    for slug in ("north-star", "south-ridge"):
        assert (out / slug / "report.html").is_file()
        assert (out / slug / "figures.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clients", "out"]
    assert re.search(r"(?m)^broken: .*\n\s+- roster\.csv", captured.err), captured.err
    assert "2 of 3 client reports written; 1 failed" in captured.out


@pytest.mark.slow
def test_batch_never_writes_two_clients_to_one_folder(tmp_path, capsys, monkeypatch):
    """Folder names that slugify alike must not silently replace one client's report."""
    _committed_notebooks_stand_in(monkeypatch)
    parent = tmp_path / "clients"
    parent.mkdir()
    _rename_client(_copy_sample(parent, "acme co"), "Acme Co")
    _rename_client(_copy_sample(parent, "acme-co"), "Acme Co (the other one)")
    out = tmp_path / "out"

    status = main(
        ["report", str(parent), "--all", "--workers", "0", "--out", str(out), "--no-pdf", "-q"]
    )
    captured = capsys.readouterr()
    # The folders run in name order: "acme co" takes the report folder acme-co; "acme-co",
    # whose name slugifies alike, fails with a message instead of replacing that pack.
    assert status == 1
    assert captured.err == (
        "acme-co: its report folder 'acme-co' is already used by client folder 'acme co' "
        "in this run; rename one of the two folders\n"
    )
    written = re.findall(r"(?m)^(.*): report written to (.+)$", captured.out)
    assert written == [("Acme Co", str(out / "acme-co" / "report.html"))]
    assert "1 of 2 client reports written; 1 failed" in captured.out
    assert sorted(p.name for p in out.iterdir()) == ["acme-co", "portfolio"]
    figures = json.loads((out / "acme-co" / "figures.json").read_text(encoding="utf-8"))
    assert figures["client"]["name"] == "Acme Co"


@pytest.mark.slow
def test_client_text_is_never_a_formula_in_the_workbook(tmp_path, capsys, monkeypatch):
    _committed_notebooks_stand_in(monkeypatch)
    name = '=HYPERLINK("https://example.org","Acme")'
    folder = _copy_sample(tmp_path, "formula")
    _rename_client(folder, name)
    out = tmp_path / "out"

    assert main(["report", str(folder), "--out", str(out), "--no-pdf", "-q"]) == 0
    book = openpyxl.load_workbook(out / "formula" / "tables.xlsx")
    (client,) = [row[1] for row in book["Inputs"].iter_rows() if row[0].value == "Client"]
    assert (client.value, client.data_type) == (name, "s"), "a client's text became a formula"


# ----------------------------------------------------------------------------
# a failed run keeps the last good report
# ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_failing_notebook_never_destroys_an_earlier_report(pack, tmp_path, capsys, monkeypatch):
    _broken_notebooks(monkeypatch, tmp_path)
    out = tmp_path / "out"
    shutil.copytree(pack, out / "cedar-ridge")  # an earlier good report of this client
    before = _files(out / "cedar-ridge")
    figures_before = (out / "cedar-ridge" / "figures.json").read_bytes()

    status = main(["report", str(SAMPLE), "--out", str(out), "--no-pdf", *ONLY_STRESS_TEST])
    err = capsys.readouterr().err
    assert status == 1
    assert f"{STRESS_TEST} failed" in err
    assert (out / "cedar-ridge" / "figures.json").read_bytes() == figures_before
    assert _files(out / "cedar-ridge") == before
    kept = out / "cedar-ridge.failed" / "notebooks" / STRESS_TEST
    assert str(kept.resolve()) in err
    errors = [
        o
        for cell in nbformat.read(kept, as_version=4).cells
        for o in cell.get("outputs", [])
        if o.output_type == "error"
    ]
    assert errors, "the kept notebook shows the error"
    assert errors[0].ename in err
    assert _staging_left(out) == []


@pytest.mark.slow
def test_a_first_run_that_fails_writes_no_report(tmp_path, capsys, monkeypatch):
    _broken_notebooks(monkeypatch, tmp_path)
    out = tmp_path / "out"
    command = ["report", str(SAMPLE), "--out", str(out), "--no-pdf"]
    assert main([*command, *ONLY_STRESS_TEST]) == 1
    assert "report written" not in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["cedar-ridge.failed"]


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ("cut=2", ["cut", "less than or equal to 1"]),
        ("start_month=0", ["start_month", "greater than or equal to 1"]),
        ("growth=-1.5", ["growth", "greater than -1"]),
        ("lead_time_months=-1", ["lead_time_months", "greater than or equal to 0"]),
        ("attainment=abc", ["attainment", "valid number"]),
        ("nonsense=1", ["unknown parameter 'nonsense'"]),
    ],
)
def test_a_bad_override_stops_before_any_notebook_runs(
    tmp_path, capsys, monkeypatch, override, words
):
    ran = []
    monkeypatch.setattr(
        "salesnb.report.runner.execute_notebook", lambda *args, **kwargs: ran.append(args)
    )
    out = tmp_path / "out"
    assert main(["report", str(SAMPLE), "--out", str(out), "--no-pdf", "-p", override]) == 1
    err = capsys.readouterr().err
    for word in words:
        assert word in err
    assert ran == []
    assert not out.exists() or list(out.iterdir()) == []


# ----------------------------------------------------------------------------
# output paths cannot escape
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../evil", "..", ".", "", "a/b", "/etc", "a/../../b"])
def test_inside_refuses_names_that_leave_the_folder(tmp_path, name):
    with pytest.raises(ReportError, match="outside the output folder"):
        inside(tmp_path, name)


@given(st.text(max_size=40))
def test_a_slug_is_always_a_plain_folder_name(text):
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    out = Path("reports")
    assert inside(out, slug) == (out / slug).resolve()
    assert inside(out, f"{slug}.failed").parent == out.resolve()


def test_a_client_folder_named_with_dots_reports_inside(tmp_path):
    client = load_client(_copy_sample(tmp_path, "..%2F..%2Fetc.."))
    assert client.slug == "2f-2fetc"
    assert inside(tmp_path / "out", client.slug).parent == (tmp_path / "out").resolve()
