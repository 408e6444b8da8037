"""A consultant's first client: the scaffold validates and reports, a part can be left out.

The reports run every notebook of the scaffold (about 30 s in all): this is the
path a consultant walks with every new client.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from salesnb import paths
from salesnb.cli import main

HIRING = "03-hiring-timeline.ipynb"


#: The parts a new client's template leaves out until their sections are filled in.
#: The parts a new folder leaves out until the client's CRM exports and sections are added.
LEFT_OUT = [
    "Sales dashboard",
    "Leading indicators",
    "Sales management checkup",
    "Recruiting scorecard",
    "Training plan and operating rhythm",
]


def _new_client(parent: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["new-client", "Acme Systems", "--dir", str(parent), "--start", "2027-04"]) == 0
    capsys.readouterr()
    return parent / "acme-systems"


def _without_hiring(folder: Path) -> None:
    settings = folder / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    cut = text.index("\nhiring:")
    cut = text.rindex("\n\n", 0, cut)  # the section's comment goes with it
    settings.write_text(text[: cut + 1], encoding="utf-8")


def test_a_new_folder_is_a_whole_working_client(tmp_path, capsys):
    folder = _new_client(tmp_path / "clients", capsys)
    assert main(["validate", str(folder)]) == 0
    assert capsys.readouterr().out.startswith(
        "acme-systems: ready (annual sales plan, pro forma and stress test, hiring timeline)"
    )
    out = tmp_path / "reports"
    assert main(["report", str(folder), "--out", str(out), "--no-pdf", "-q"]) == 0
    pack = out / "acme-systems"
    assert sorted(p.name for p in (pack / "notebooks").iterdir()) == [
        "01-annual-plan.ipynb",
        "02-pro-forma-stress-test.ipynb",
        HIRING,
    ]
    figures = json.loads((pack / "figures.json").read_text(encoding="utf-8"))
    # the template leaves the checkup, the scorecard and the training plan commented out
    assert figures["client"]["not_included"] == LEFT_OUT
    assert {"plan", "proforma", "hiring"} <= set(figures)


def test_a_folder_without_hiring_reports_the_rest_and_says_so(tmp_path, capsys):
    folder = _new_client(tmp_path / "clients", capsys)
    _without_hiring(folder)
    assert main(["validate", str(folder)]) == 0
    said = capsys.readouterr().out
    assert "not included: hiring timeline" in said
    assert "to include the hiring timeline: add a 'hiring' section" in said

    out = tmp_path / "reports"
    assert main(["report", str(folder), "--out", str(out), "--no-pdf", "-q"]) == 0
    pack = out / "acme-systems"
    assert HIRING not in {p.name for p in (pack / "notebooks").iterdir()}
    page = (pack / "report.html").read_text(encoding="utf-8")
    assert "Parts not included" in page and "Hiring timeline" in page
    figures = json.loads((pack / "figures.json").read_text(encoding="utf-8"))
    assert figures["client"]["not_included"] == ["Hiring timeline", *LEFT_OUT]

    capsys.readouterr()
    assert main(["report", str(folder), "--out", str(out), "--notebook", HIRING, "-q"]) == 1
    assert "not included for this client" in capsys.readouterr().err


def test_validate_all_gives_one_line_per_client(tmp_path, capsys):
    parent = tmp_path / "clients"
    shutil.copytree(paths.SAMPLE_CLIENT, parent / "cedar-ridge")
    broken = Path(shutil.copytree(paths.SAMPLE_CLIENT, parent / "broken"))
    (broken / "roster.csv").unlink()
    assert main(["validate", "--all", str(parent)]) == 1
    out = capsys.readouterr()
    assert out.err.splitlines() == ["broken: 1 problem"]
    lines = out.out.splitlines()
    assert lines[0].startswith("cedar-ridge: ready (")
    assert lines[-1].startswith("1 of 2 client folders ready")
    assert main(["validate", "--all", str(tmp_path / "nothing-here")]) == 1
