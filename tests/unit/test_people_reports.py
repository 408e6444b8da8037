"""The checkup, the scorecard and the training plan on the sample client, and bad folders."""

from __future__ import annotations

import datetime as dt
import shutil

import icalendar
import pytest

from salesnb import paths
from salesnb.analysis.checkup import checkup_report
from salesnb.analysis.checkup import executive_items as checkup_items
from salesnb.analysis.scorecard import executive_items as scorecard_items
from salesnb.analysis.scorecard import scorecard_report
from salesnb.analysis.training import training_report
from salesnb.io import load_client, validate
from salesnb.report.summary import executive_summary


@pytest.fixture(scope="module")
def sample():
    return load_client(paths.SAMPLE_CLIENT)


class TestCheckupReport:
    def test_the_sample(self, sample):
        f = checkup_report(sample).figures()
        # 3+3+4+2+2+1+4+4+2+3+3 = 31; the July assessment: 2+2+3+2+2+1+3+4+1+2+2 = 24
        assert (f["total"], f["band"], f["previous_total"], f["change"]) == (
            31,
            "Multiple actions",
            24,
            7,
        )
        assert f["projects"] == ["training_programme", "key_account_plans", "interviewing"]

    def test_the_summary_line(self, sample):
        (first, *_rest) = checkup_items(checkup_report(sample), "USD")
        assert first[:2] == ("Sales management checkup", "31 of 55: multiple actions")


class TestScorecardReport:
    def test_the_sample(self, sample):
        report = scorecard_report(sample)
        f = report.figures()
        # Jordan Pike: prospecting (4+4+5)/3, closing (4+3+4)/3, acumen (3+4+3)/3,
        # coachability (4+2+4)/3, case study (4+4+3)/3, weights .30 .25 .15 .15 .15:
        # (0.30 x 13 + 0.25 x 11 + 0.15 x 10 + 0.15 x 10 + 0.15 x 11) / 3 = 3.7667
        assert f["recommended_candidate"] == "Jordan Pike"
        assert f["recommended_score"] == pytest.approx(11.3 / 3)
        assert f["disagreements"] == 1  # coachability: 4, 2, 4
        # 4 x 76,000 x 1.22 / 12 x 6 months
        assert f["bad_hire_cost"] == pytest.approx(185_440.0)
        assert f["next_requisition"] == "2027-03"

    def test_keep_searching(self, sample):
        report = scorecard_report(sample, threshold=4.0)
        assert report.recommendation.keep_searching
        assert report.recommendation_text().startswith("Keep searching")
        assert scorecard_items(report, "USD")[0][1] == "Keep searching"


class TestTrainingReport:
    def test_the_sample_calendars(self, sample):
        report = training_report(sample)
        files = report.files()
        assert sorted(files) == [
            "operating-rhythm.csv",
            "operating-rhythm.ics",
            "training-plan.csv",
            "training-plan.ics",
        ]
        events = list(icalendar.Calendar.from_ical(files["training-plan.ics"]).walk("VEVENT"))
        assert len(events) == 13
        first = events[0].decoded("dtstart")
        # Monday 18 Jan 2027 is Martin Luther King Jr. Day: Tuesday at 08:00 Pacific
        assert (first.date(), first.hour, str(first.tzinfo)) == (
            dt.date(2027, 1, 19),
            8,
            "America/Los_Angeles",
        )
        # 15 Mar 2027 is listed as closed: session 9 moves to Tuesday 16 Mar
        assert report.plan.loc[9, "date"] == dt.date(2027, 3, 16)
        rhythm = list(icalendar.Calendar.from_ical(files["operating-rhythm.ics"]).walk("VEVENT"))
        assert len(rhythm) == len(report.rhythm) == report.figures()["rhythm_events"]


def test_the_executive_summary_gains_the_band_and_the_recommendation(sample):
    figures = {
        "client": {"currency": "USD"},
        "checkup": checkup_report(sample).figures(),
        "scorecard": scorecard_report(sample).figures(),
    }
    parts = {p.section: p for p in executive_summary(figures)}
    assert parts["checkup"].items[0][1] == "31 of 55: multiple actions"
    assert parts["scorecard"].items[0][1] == "Hire Jordan Pike"


def _copy(tmp_path):
    folder = tmp_path / "client"
    shutil.copytree(paths.SAMPLE_CLIENT, folder)
    return folder


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class TestBadFolders:
    def test_a_score_outside_1_to_5(self, tmp_path):
        folder = _copy(tmp_path)
        _edit(folder / "settings.yaml", "      contests: 3\n", "      contests: 6\n")
        (problem,) = validate(folder)
        assert problem.file == "settings.yaml"
        assert "assessments[1].scores.contests: must be a whole number from 1 to 5; got 6" in str(
            problem
        )

    def test_a_missing_area(self, tmp_path):
        folder = _copy(tmp_path)
        _edit(folder / "settings.yaml", "      contests: 3\n", "")
        (problem,) = validate(folder)
        assert "1 area is not rated (contests)" in problem.message

    def test_a_date_in_the_future(self, tmp_path):
        folder = _copy(tmp_path)
        _edit(folder / "settings.yaml", "  - date: 2027-01-06", "  - date: 2027-02-06")
        (problem,) = validate(folder)
        assert "2027-02-06 is after the as-of date 2027-01-08" in problem.message

    def test_a_bad_interview_score_names_its_row(self, tmp_path):
        folder = _copy(tmp_path)
        _edit(
            folder / "interview_scores.csv",
            "Sam Okafor,Marcus Bell,closing,5",
            "Sam Okafor,Marcus Bell,closing,0",
        )
        (problem,) = validate(folder)
        assert (problem.file, problem.row, problem.column) == ("interview_scores.csv", 18, "score")

    def test_twelve_topics(self, tmp_path):
        folder = _copy(tmp_path)
        _edit(folder / "settings.yaml", "    - Key-account planning\n", "")
        (problem,) = validate(folder)
        assert "give 13 topics; got 12" in problem.message

    def test_without_the_sections_the_parts_are_left_out(self, tmp_path):
        folder = _copy(tmp_path)
        text = (folder / "settings.yaml").read_text(encoding="utf-8")
        head, rest = text.split("\nassessments:")
        crm = rest[rest.index("\ncrm:") :]  # the sections after the three stay
        (folder / "settings.yaml").write_text(head + crm, encoding="utf-8")
        (folder / "interview_scores.csv").unlink()
        from salesnb.io import check_folder

        found = check_folder(folder)
        assert found.problems == []
        assert not found.parts["assessments"] and not found.parts["scorecard"]
        assert "not included: sales management checkup" in found.summary()
