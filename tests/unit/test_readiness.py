"""The parts of the report a folder includes, and validate as the whole gate.

Validate works out every included part in-process, so a folder that validates
cannot fail inside a notebook for its input: each case below used to say
"ready" and then fail inside a notebook.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from salesnb.errors import ClientFolderError
from salesnb.io import PARTS, check_folder, load_client, readiness, validate
from salesnb.paths import SAMPLE_CLIENT


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE_CLIENT, tmp_path / "cedar-ridge"))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _drop_section(path: Path, section: str) -> None:
    """Remove a top-level section (its line and the indented lines under it)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"{section}:")))
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i] and not lines[i][0].isspace()),
        len(lines),
    )
    path.write_text("\n".join(lines[:start] + lines[end:]) + "\n", encoding="utf-8")


#: The sample's checkup, scorecard and training plan, and its dashboard and leading
#: indicators (from its CRM exports), included with or without the others.
PEOPLE = {
    "assessments": True,
    "scorecard": True,
    "training": True,
    "dashboard": True,
    "indicators": True,
}


class TestParts:
    def test_the_sample_includes_every_part(self):
        check = check_folder(SAMPLE_CLIENT)
        assert check.problems == [] and check.client is not None
        assert check.parts == {p.key: True for p in PARTS}
        assert check.summary() == (
            "cedar-ridge: ready (annual sales plan, pro forma and stress test, hiring timeline, "
            "sales dashboard, leading indicators, sales management checkup, recruiting scorecard, training plan and operating rhythm)"
        )

    def test_no_hiring_section_leaves_the_timeline_out_and_says_what_to_add(self, folder):
        _drop_section(folder / "settings.yaml", "hiring")
        check = check_folder(folder)
        assert check.problems == []
        assert check.parts == {**PEOPLE, "plan": True, "stress_test": True, "hiring": False}
        assert check.summary().endswith("; not included: hiring timeline")
        assert "to include the hiring timeline: add a 'hiring' section" in check.report()

    def test_no_plan_and_no_hiring_is_a_pro_forma_alone(self, folder):
        _drop_section(folder / "settings.yaml", "hiring")
        _drop_section(folder / "settings.yaml", "plan")
        (folder / "actuals.csv").unlink()  # only the plan needs last year's months
        check = check_folder(folder)
        assert check.problems == []
        assert check.parts == {**PEOPLE, "plan": False, "stress_test": True, "hiring": False}

    def test_the_plan_without_actuals_is_one_problem(self, folder):
        (folder / "actuals.csv").unlink()
        problems = validate(folder)
        assert len(problems) == 1
        assert problems[0].file == "actuals.csv"
        assert "12 months before 2027-01" in problems[0].message

    def test_a_folder_given_as_dot_is_named(self, folder, monkeypatch):
        monkeypatch.chdir(folder)
        (folder / "roster.csv").unlink()
        with pytest.raises(ClientFolderError) as caught:
            load_client(".")
        assert str(caught.value).startswith("cedar-ridge: ")
        assert check_folder(".").summary().startswith("cedar-ridge: ")


class TestTheWholeGate:
    """Inputs each table and setting accept alone, which a calculation refuses."""

    def test_zero_prior_year_with_a_growth_goal(self, folder):
        lines = (folder / "actuals.csv").read_text(encoding="utf-8").splitlines()
        zeroed = [lines[0], *(f"{line.split(',')[0]},0" for line in lines[1:])]
        (folder / "actuals.csv").write_text("\n".join(zeroed) + "\n", encoding="utf-8")
        problems = validate(folder)
        assert len(problems) == 1, problems  # one cause, one problem, whatever it stops
        assert "prior year" in problems[0].message
        assert (problems[0].file, problems[0].column) == ("actuals.csv", "revenue")

    @pytest.mark.parametrize(
        ("old", "new", "column"),
        [
            ("2022-04,,950000,230000", "2022-04,,0,230000", "annual_quota"),
            ("2022-04,,950000,230000", "2022-04,,950000,0", "on_target_earnings"),
        ],
    )
    def test_a_rep_the_plan_cannot_use(self, folder, old, new, column):
        _replace(folder / "roster.csv", old, new)
        problems = validate(folder)
        assert len(problems) == 1, problems
        assert column in problems[0].message
        assert "Elena Sorensen" in problems[0].message
        with pytest.raises(ClientFolderError):
            load_client(folder)

    def test_a_section_loading_its_client_works_out_its_own_part_only(self, folder):
        # Zero on-target earnings stop the plan (the quota-to-earnings check), not the
        # checkup: the checkup's section still loads this client, the plan's section and
        # the whole check do not.
        _replace(folder / "roster.csv", "2022-04,,950000,230000", "2022-04,,950000,0")
        assert load_client(folder, part="assessments").name == "Cedar Ridge Technology"
        with pytest.raises(ClientFolderError, match="on_target_earnings"):
            load_client(folder, part="plan")
        with pytest.raises(ClientFolderError, match="on_target_earnings"):
            load_client(folder)
        with pytest.raises(ValueError, match="unknown part 'forecast'"):
            load_client(folder, part="forecast")

    def test_a_negative_weight(self, folder):
        _replace(
            folder / "settings.yaml", "# weights: {Name: 1.5}", "weights: {Hannah Brooks: -0.5}  #"
        )
        problems = validate(folder)
        assert len(problems) == 1, problems
        assert "Hannah Brooks" in problems[0].message
        assert problems[0].file == "settings.yaml"

    def test_a_fault_in_a_calculation_is_a_problem_not_a_traceback(self, folder, monkeypatch):
        import salesnb.analysis

        def broken(client, **kwargs):
            raise ZeroDivisionError("float division by zero")

        client = load_client(SAMPLE_CLIENT)
        monkeypatch.setattr(salesnb.analysis, "stress_report", broken)
        problems = readiness.calculation_problems(client)
        assert len(problems) == 1
        assert "ZeroDivisionError" in problems[0].message
        assert "pro forma and stress test" in problems[0].message


class TestOnePass:
    def test_a_bad_setting_never_hides_a_typo_in_a_table(self, folder):
        _replace(folder / "settings.yaml", "  cut: 0.25 ", "  cut: 1.25 ")
        _replace(folder / "settings.yaml", "  currency: USD", '  currency: ""')
        _replace(
            folder / "revenue_plan.csv", "2027-03,Support contracts", "2027-03,Suport contracts"
        )
        located = {(p.file, p.row, p.column) for p in validate(folder)}
        assert located == {
            ("settings.yaml", 7, "client.currency"),
            ("settings.yaml", 26, "stress_test.cut"),
            ("revenue_plan.csv", 13, "stream"),
        }

    def test_with_the_months_in_doubt_the_month_rules_wait(self, folder):
        _replace(
            folder / "settings.yaml", 'fiscal_year_start: "2027-01"', 'fiscal_year_start: "2027-1"'
        )
        _replace(
            folder / "revenue_plan.csv", "2027-03,Support contracts", "2027-03,Suport contracts"
        )
        problems = validate(folder)
        assert [(p.file, p.column) for p in problems] == [("settings.yaml", "fiscal_year_start")]


class TestNamedScenarios:
    def test_every_scenario_the_settings_name_is_checked_by_validate(self, folder):
        with (folder / "settings.yaml").open("a", encoding="utf-8") as f:
            f.write(
                "\nscenarios:\n"
                '  deep-cut: {cut: "140%", start_month: 3}\n'
                "  fine: {cut: 0.3}\n"
                "  odd: {nonsense: 1}\n"
            )
        problems = validate(folder)
        assert [p.column for p in problems] == ["scenarios.deep-cut", "scenarios.odd"]
        assert "less than or equal to 1" in problems[0].message
        assert "unknown parameter 'nonsense'" in problems[1].message

    def test_sound_scenarios_leave_the_folder_ready(self, folder):
        with (folder / "settings.yaml").open("a", encoding="utf-8") as f:
            f.write('\nscenarios:\n  deep-cut: {cut: "40%", start_month: 3}\n')
        assert validate(folder) == []
