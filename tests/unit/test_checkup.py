"""The sales manager's checkup: bands at every boundary, the rejections, projects, history."""

from __future__ import annotations

import datetime as dt

import pytest

from salesnb import checkup as ck
from salesnb.errors import InputError

KEYS = [a.key for a in ck.AREAS]


def scores(value: int = 3, **changed: int) -> dict[str, int]:
    return {**dict.fromkeys(KEYS, value), **changed}


def summing_to(total: int) -> dict[str, int]:
    """Eleven scores from 1 to 5 that add up to ``total``."""
    values = [1] * 11
    left = total - 11
    for i in range(11):
        step = min(4, left)
        values[i] += step
        left -= step
    assert sum(values) == total
    return dict(zip(KEYS, values, strict=True))


class TestBand:
    @pytest.mark.parametrize(
        ("total", "name"),
        [
            (11, "Major help needed now"),
            (24, "Major help needed now"),
            (25, "Multiple actions"),
            (34, "Multiple actions"),
            (35, "Several projects"),
            (44, "Several projects"),
            (45, "Minor tuning"),
            (55, "Minor tuning"),
        ],
    )
    def test_each_boundary(self, total, name):
        assert ck.band(total).name == name
        assert ck.band(ck.total(summing_to(total))).name == name

    def test_the_bands_cover_11_to_55_once(self):
        covered = sorted(t for b in ck.BANDS for t in range(b.low, b.high + 1))
        assert covered == list(range(11, 56))

    @pytest.mark.parametrize("total", [10, 56, 30.5, "30", None])
    def test_a_total_outside_refused(self, total):
        with pytest.raises(InputError, match="total: must be a whole number from 11 to 55"):
            ck.band(total)


class TestCheckedScores:
    def test_in_the_checkups_order(self):
        given = dict(reversed(list(scores(2).items())))
        assert list(ck.checked_scores(given)) == KEYS

    @pytest.mark.parametrize("bad", [0, 6, 2.5, "4", None, True])
    def test_a_score_outside_1_to_5(self, bad):
        with pytest.raises(InputError, match=r"scores\.coaching: must be a whole number from 1"):
            ck.checked_scores(scores(coaching=bad))

    def test_a_missing_area_named(self):
        given = scores()
        del given["contests"]
        with pytest.raises(InputError, match=r"1 area is not rated \(contests\)"):
            ck.checked_scores(given)

    def test_an_unknown_area_named(self):
        with pytest.raises(InputError, match=r"scores\.golf: not an area of the checkup"):
            ck.checked_scores({**scores(), "golf": 3})


class TestProjects:
    def test_weakest_first_ties_in_order_and_at_most_three(self):
        s = scores(4, crm_use=2, interviewing=2, coaching=1, contests=2)
        found = ck.projects(s)
        assert found["area"].tolist() == ["coaching", "interviewing", "crm_use"]
        assert found["helps"].tolist()[:2] == [
            "the sales leader's operating rhythm",
            "the recruiting scorecard",
        ]

    def test_no_project_when_every_area_is_4_or_5(self):
        assert ck.projects(scores(4, contests=5)).empty

    def test_each_area_that_has_a_part_links_to_it(self):
        linked = {a.key: a.helps for a in ck.AREAS}
        assert "dashboard" in linked["pipeline_30_60_90"]
        assert linked["interviewing"] == "the recruiting scorecard"
        assert linked["training_programme"] == "the 90-day training plan"
        assert linked["leading_indicators"] == "the leading indicators"


class TestHistory:
    AS_OF = dt.date(2027, 1, 8)

    def test_oldest_first_with_totals_and_change(self):
        a = ck.Assessment(dt.date(2026, 7, 1), scores(2))
        b = ck.Assessment(dt.date(2027, 1, 6), scores(3, contests=5))
        table = ck.history([b, a], as_of=self.AS_OF)
        assert list(table.columns) == ["2026-07-01", "2027-01-06"]
        assert table.loc["total"].tolist() == [22, 35]
        moved = ck.change(table)
        assert moved["contests"] == 3
        assert moved["total"] == 13
        assert ck.change(ck.history([a], as_of=self.AS_OF)) is None

    def test_a_date_in_the_future_refused(self):
        later = ck.Assessment(dt.date(2027, 1, 9), scores())
        with pytest.raises(InputError, match="after the as-of date 2027-01-08"):
            ck.history([later], as_of=self.AS_OF)

    def test_a_date_twice_refused(self):
        a = ck.Assessment(dt.date(2026, 7, 1), scores())
        with pytest.raises(InputError, match="given twice"):
            ck.history([a, a], as_of=self.AS_OF)

    def test_a_bad_score_names_the_assessment(self):
        a = ck.Assessment(dt.date(2026, 7, 1), scores())
        b = ck.Assessment(dt.date(2026, 10, 1), scores(crm_use=9))
        with pytest.raises(InputError, match=r"assessments\[1\]\.scores\.crm_use"):
            ck.history([a, b], as_of=self.AS_OF)
