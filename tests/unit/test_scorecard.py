"""The recruiting scorecard: weighted scores, spread and threshold, worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from salesnb import scorecard as sc
from salesnb.errors import InputError

CRITERIA = [sc.Criterion("prospecting", 3), sc.Criterion("closing", 1)]


def table(rows: list[tuple[str, str, str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(sc.COLUMNS))
    frame.index = range(2, len(frame) + 2)  # as a spreadsheet numbers the rows
    return frame


# Ann: prospecting 4 and 2 (mean 3, spread 2: disagree), closing 5 and 5 (mean 5)
#   weighted = (3 x 3 + 1 x 5) / 4 = 3.5
# Bo: prospecting 4 and 4 (mean 4), closing 3 and 2 (mean 2.5, spread 1)
#   weighted = (3 x 4 + 1 x 2.5) / 4 = 3.625
SCORES = table(
    [
        ("Ann", "X", "prospecting", 4),
        ("Ann", "X", "closing", 5),
        ("Ann", "Y", "prospecting", 2),
        ("Ann", "Y", "closing", 5),
        ("Bo", "X", "prospecting", 4),
        ("Bo", "X", "closing", 3),
        ("Bo", "Y", "prospecting", 4),
        ("Bo", "Y", "closing", 2),
    ]
)


class TestCriterionScores:
    def test_means_and_spread(self):
        found = sc.criterion_scores(SCORES, CRITERIA)
        assert_allclose(found["mean"].to_numpy(), [3.0, 5.0, 4.0, 2.5])
        assert found["spread"].tolist() == [2, 0, 0, 1]
        assert found["disagree"].tolist() == [True, False, False, False]


class TestWeightedScores:
    def test_hand_worked(self):
        found = sc.weighted_scores(SCORES, CRITERIA, threshold=3.5)
        assert found.index.tolist() == ["Bo", "Ann"]
        assert_allclose(found["weighted"].to_numpy(), [3.625, 3.5])
        assert found["clears"].tolist() == [True, True]  # 3.5 is at the threshold: clears
        assert found["disagreements"].tolist() == ["", "prospecting"]

    def test_only_ratios_of_weights_count(self):
        scaled = [sc.Criterion("prospecting", 0.75), sc.Criterion("closing", 0.25)]
        assert_allclose(
            sc.weighted_scores(SCORES, scaled, threshold=3)["weighted"].to_numpy(),
            [3.625, 3.5],
        )

    def test_threshold_outside_1_to_5_refused(self):
        with pytest.raises(InputError, match="threshold: must be a score from 1 to 5"):
            sc.weighted_scores(SCORES, CRITERIA, threshold=6)


class TestRecommendation:
    def test_hire_the_best_who_clears(self):
        found = sc.recommendation(sc.weighted_scores(SCORES, CRITERIA, threshold=3.6), 3.6)
        assert (found.candidate, found.cleared) == ("Bo", ("Bo",))

    def test_keep_searching_when_nobody_clears(self):
        found = sc.recommendation(sc.weighted_scores(SCORES, CRITERIA, threshold=3.7), 3.7)
        assert found.keep_searching
        assert found.candidate is None


class TestCheckedScores:
    def test_a_score_outside_1_to_5_names_its_row(self):
        bad = SCORES.copy()
        bad.loc[4, "score"] = 6
        with pytest.raises(InputError, match="got 6") as caught:
            sc.checked_scores(bad, CRITERIA)
        assert (caught.value.row, caught.value.column) == (4, "score")

    def test_an_unknown_criterion(self):
        bad = SCORES.copy()
        bad.loc[2, "criterion"] = "golf"
        with pytest.raises(InputError, match="'golf' is not a criterion"):
            sc.checked_scores(bad, CRITERIA)

    def test_a_criterion_left_unscored(self):
        with pytest.raises(InputError, match="Y has not scored Ann on closing"):
            sc.checked_scores(SCORES.drop(index=5), CRITERIA)

    def test_a_score_given_twice(self):
        twice = pd.concat([SCORES, SCORES.iloc[[0]]])
        with pytest.raises(InputError, match="twice"):
            sc.checked_scores(twice, CRITERIA)

    def test_a_weight_of_zero(self):
        with pytest.raises(InputError, match="weight of closing: must be a number above 0"):
            sc.Criterion("closing", 0)
