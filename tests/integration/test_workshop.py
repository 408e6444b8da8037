"""The workshop: the checker, an exercise notebook graded from the command line, the broken
folder's messages, and the answer key."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import papermill
import pytest

from salesnb import workshop
from salesnb.cli import main
from salesnb.io import validate

WORKSHOP = Path(__file__).resolve().parents[2] / "workshop"
EXERCISE_1 = WORKSHOP / "exercises" / "01-stress-test-and-hiring.ipynb"
EXERCISE_2 = WORKSHOP / "exercises" / "02-quota-and-win-rate.ipynb"
BROKEN = WORKSHOP / "broken-client"


@pytest.fixture(scope="module")
def key():
    return workshop.key()


class TestCheck:
    def test_the_keys_answers_are_right(self, key):
        for name, answer in key.items():
            assert workshop.check(name, answer).correct, name

    @pytest.mark.parametrize(
        ("name", "given"),
        [("survivable-cut", "8.2%"), ("win-rate", "29.4%"), ("hire-by", " 2027-03 ")],
    )
    def test_written_as_a_participant_would(self, name, given):
        assert workshop.check(name, given).correct

    @pytest.mark.parametrize(
        ("name", "wrong"),
        [
            ("survivable-cut", 0.25),
            ("hire-by", "2027-04"),
            ("quota-goal", 4_645_984),
            ("win-rate", 1 / 3),
        ],
    )
    def test_a_wrong_answer_gets_the_hint(self, name, wrong):
        result = workshop.check(name, wrong)
        assert not result.correct
        assert result.message == f"Hint: {workshop.EXERCISES[name].hint}"

    def test_an_unreadable_answer_says_what_to_give(self):
        result = workshop.check("hire-by", "soon")
        assert not result.correct
        assert result.message.startswith("Give a month such as '2027-03'")


def _run(source: Path, target: Path, parameters: dict) -> Path:
    from salesnb.report.kernels import ipc_kernel_manager

    papermill.execute_notebook(
        str(source),
        str(target),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(target.parent),
        kernel_manager_class=ipc_kernel_manager(target.parent),
    )
    return target


@pytest.mark.slow
def test_an_exercise_run_with_the_keys_answers_passes_the_check(tmp_path, key, capsys):
    done = _run(
        EXERCISE_1,
        tmp_path / EXERCISE_1.name,
        {"survivable_cut": key["survivable-cut"], "hire_by": key["hire-by"]},
    )
    assert main(["workshop", "check", str(done)]) == 0
    out = capsys.readouterr().out
    assert "2 of 2 right" in out


@pytest.mark.slow
def test_an_exercise_with_a_wrong_answer_fails_the_check_with_the_hint(tmp_path, key, capsys):
    done = _run(
        EXERCISE_2, tmp_path / EXERCISE_2.name, {"quota_goal": key["quota-goal"], "win_rate": 0.5}
    )
    assert main(["workshop", "check", str(done)]) == 1
    out = capsys.readouterr().out
    assert "quota-goal: right" in out
    assert "win-rate: not yet" in out
    assert workshop.EXERCISES["win-rate"].hint in out


def test_an_exercise_never_run_is_not_graded_as_right(capsys):
    assert main(["workshop", "check", str(EXERCISE_1)]) == 1
    assert "Not answered" in capsys.readouterr().out


def _fix(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (file, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_broken_folder_breaks_as_the_guide_says_and_mends(tmp_path):
    folder = tmp_path / "broken-client"
    shutil.copytree(BROKEN, folder)
    first = {(p.file, p.row, p.column) for p in validate(folder)}
    assert first == {
        ("settings.yaml", 43, "plan.win_rate"),
        ("roster.csv", 8, "start"),
        ("interview_scores.csv", 43, "score"),
        ("revenue_plan.csv", 4, "stream"),
    }
    _fix(folder, "settings.yaml", "win_rate: 1.30", "win_rate: 0.30")
    _fix(folder, "roster.csv", ",2027-14,", ",2027-02,")
    _fix(folder, "interview_scores.csv", "closing,two", "closing,2")
    _fix(folder, "revenue_plan.csv", "Managed service,", "Managed services,")
    (second,) = validate(folder)
    assert "assessments[1].scores.contests: must be a whole number from 1 to 5; got 7" in str(
        second
    )
    _fix(folder, "settings.yaml", "contests: 7", "contests: 3")
    assert validate(folder) == []


def test_the_answer_key_is_committed_executed_with_the_keys_figures(key):
    nb = nbformat.read(WORKSHOP / "facilitator" / "answer-key.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    shown = " ".join(
        str(o.get("data", {}).get("text/markdown", "")) for c in code for o in c.outputs
    )
    assert f"**{key['hire-by']}**" in shown


def test_the_exercises_hide_the_answers():
    for path in (EXERCISE_1, EXERCISE_2):
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        assert "key(" not in "\n".join(c.source for c in nb.cells)
