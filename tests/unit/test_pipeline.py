"""Tests of the pipeline figures: flow, history, conversion, time in stage, pipeline math,
30/60/90 and coverage, on hand-built deals whose figures are worked in the comments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from salesnb.errors import InputError
from salesnb.pipeline import (
    BUCKETS,
    THIRTY_SIXTY_NINETY,
    coverage,
    flow_from_history,
    pipeline_flow,
    pipeline_math,
    snapshot_from_history,
    stage_conversion,
    thirty_sixty_ninety,
    time_in_stage,
)

Q1 = pd.Period("2027Q1")
STAGES = [
    ("Qualify", "open"),
    ("Discover", "open"),
    ("Propose", "open"),
    ("Negotiate", "open"),
    ("Won", "won"),
    ("Lost", "lost"),
]
D = pd.Timestamp
NAT = pd.NaT


def frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=columns)
    for column in ("close", "created", "changed"):
        if column in out:
            out[column] = pd.to_datetime(out[column])
    return out


SNAP = ["id", "name", "owner", "amount", "close", "status"]

# Window 2027Q1 (Jan 1 - Mar 31); previous snapshot of 2027-01-01, current of 2027-02-01.
PREVIOUS = frame(
    [
        ("A", "Alder", "Ann", 100.0, "2027-02-15", "open"),  # unchanged: start, end
        ("B", "Birch", "Ann", 200.0, "2027-03-01", "open"),  # grows to 250
        ("C", "Cedar", "Ann", 300.0, "2027-03-10", "open"),  # cut to 240, pushed to April
        ("K", "Kauri", "Ann", 30.0, "2027-02-01", "open"),  # slips within the quarter
        ("D", "Dogwood", "Bob", 400.0, "2027-03-05", "open"),  # won
        ("E", "Elm", "Bob", 150.0, "2027-02-20", "open"),  # lost, amount zeroed
        ("H", "Hazel", "Cy", 90.0, "2027-05-10", "open"),  # pulled in from May
        ("I", "Ilex", "Cy", 70.0, "2027-01-30", "open"),  # deleted from the CRM
        ("J", "Juniper", "Cy", 50.0, "2026-12-01", "lost"),  # reopened
        ("L", "Larch", "Cy", 500.0, "2027-06-01", "open"),  # outside the window both times
        ("M", "Maple", "Bob", 800.0, "2026-11-15", "won"),  # closed both times
    ],
    SNAP,
)
CURRENT = frame(
    [
        ("A", "Alder", "Ann", 100.0, "2027-02-15", "open"),
        ("B", "Birch", "Ann", 250.0, "2027-03-01", "open"),
        ("C", "Cedar", "Ann", 240.0, "2027-04-15", "open"),
        ("K", "Kauri", "Ann", 30.0, "2027-03-20", "open"),
        ("D", "Dogwood", "Bob", 400.0, "2027-01-25", "won"),
        ("E", "Elm", "Bob", 0.0, "2027-01-15", "lost"),
        ("F", "Fir", "Bob", 80.0, "2027-03-30", "open"),  # created
        ("G", "Ginkgo", "Bob", 60.0, "2027-01-20", "won"),  # created and won
        ("H", "Hazel", "Cy", 90.0, "2027-03-01", "open"),
        ("J", "Juniper", "Cy", 50.0, "2027-03-15", "open"),
        ("L", "Larch", "Cy", 500.0, "2027-06-01", "open"),
        ("M", "Maple", "Bob", 800.0, "2026-11-15", "won"),
    ],
    SNAP,
)


def flow_identity(table: pd.DataFrame) -> np.ndarray:
    """start + created + pulled_in + increased - decreased - pushed_out - lost - won - end."""
    signs = np.array([1, 1, 1, 1, -1, -1, -1, -1, -1])
    return table[list(BUCKETS)].to_numpy(float) @ signs


# ----------------------------------------------------------------------------
# pipeline_flow
# ----------------------------------------------------------------------------


class TestPipelineFlow:
    def test_every_bucket_in_total(self):
        flow = pipeline_flow(PREVIOUS, CURRENT, Q1, previous_as_of="2027-01-01", as_of="2027-02-01")
        # start = A 100 + B 200 + C 300 + K 30 + D 400 + E 150 + I 70 = 1250
        # created = F 80 + G 60 + J 50 (reopened) = 190; pulled in = H 90
        # increased = B +50; decreased = C -60; pushed out = C at 240
        # lost = E 150 (at its previous amount) + I 70 (removed) = 220; won = D 400 + G 60
        # end = A 100 + B 250 + K 30 + F 80 + H 90 + J 50 = 600
        # 1250 + 190 + 90 + 50 - 60 - 240 - 220 - 460 = 600
        expected = [1250, 190, 90, 50, 60, 240, 220, 460, 600]
        assert_allclose(flow.total[list(BUCKETS)].to_numpy(float), expected)
        assert flow.window == (D("2027-01-01"), D("2027-03-31"))
        assert flow.as_of == D("2027-02-01")

    def test_by_rep(self):
        flow = pipeline_flow(PREVIOUS, CURRENT, Q1)
        # Ann: A, B, C, K: 630 + 50 - 60 - 240 = 380
        # Bob: D, E, F, G: 550 + 140 - 150 - 460 = 80
        # Cy: H, I, J: 70 + 50 + 90 - 70 = 140 (L is outside the window)
        expected = pd.DataFrame(
            [
                [630, 0, 0, 50, 60, 240, 0, 0, 380],
                [550, 140, 0, 0, 0, 0, 150, 460, 80],
                [70, 50, 90, 0, 0, 0, 70, 0, 140],
            ],
            index=pd.Index(["Ann", "Bob", "Cy"], name="owner"),
            columns=list(BUCKETS),
            dtype=float,
        )
        pd.testing.assert_frame_equal(flow.by_rep, expected)
        assert_allclose(flow_identity(flow.by_rep), 0.0)

    def test_deal_by_deal(self):
        deals = pipeline_flow(PREVIOUS, CURRENT, Q1).deals.set_index("id")
        assert sorted(deals.index) == list("ABCDEFGHIJK")  # L and M are outside the flow
        assert_allclose(flow_identity(deals), 0.0)
        # one deal in three buckets: C starts at 300, is cut by 60 and pushed out at 240
        assert deals.loc["C", ["start", "decreased", "pushed_out"]].tolist() == [300, 60, 240]
        assert deals.loc["G", ["created", "won"]].tolist() == [60, 60]
        assert bool(deals.loc["J", "reopened"]) and deals.loc["J", "created"] == 50
        assert bool(deals.loc["I", "removed"]) and deals.loc["I", "lost"] == 70
        assert deals.loc["I", "owner"] == "Cy"
        assert not deals.drop(index=["I"])["removed"].any()

    def test_slipped_deals(self):
        slipped = pipeline_flow(PREVIOUS, CURRENT, Q1).slipped
        # C: 2027-03-10 -> 04-15 (36 days, out of the quarter); K: 02-01 -> 03-20 (47, inside)
        assert slipped["id"].tolist() == ["C", "K"]
        assert slipped["name"].tolist() == ["Cedar", "Kauri"]
        assert slipped["days_later"].tolist() == [36, 47]
        assert slipped["pushed_out"].tolist() == [True, False]
        assert slipped["amount_previous"].tolist() == [300.0, 30.0]
        assert slipped["amount_current"].tolist() == [240.0, 30.0]
        assert slipped["close_current"].tolist() == [D("2027-04-15"), D("2027-03-20")]

    def test_window_as_dates_and_month(self):
        # February only: A (02-15), K (02-01 -> 03-20, pushed out), E (02-20, lost)
        flow = pipeline_flow(PREVIOUS, CURRENT, ("2027-02-01", "2027-02-28"))
        assert flow.total["start"] == 100 + 30 + 150
        assert flow.total["pushed_out"] == 30
        assert flow.total["end"] == 100
        same = pipeline_flow(PREVIOUS, CURRENT, pd.Period("2027-02", "M"))
        pd.testing.assert_series_equal(flow.total, same.total)

    def test_pulled_in_then_won(self):
        prev = frame([("X", "X", "Ann", 100.0, "2027-05-01", "open")], SNAP)
        cur = frame([("X", "X", "Ann", 130.0, "2027-02-01", "won")], SNAP)
        total = pipeline_flow(prev, cur, Q1).total
        # pulled in at 100, increased 30, won at 130
        assert total[["pulled_in", "increased", "won", "end"]].tolist() == [100, 30, 130, 0]

    def test_created_and_lost_between_snapshots(self):
        prev = frame([], SNAP)
        cur = frame([("X", "X", "Ann", 40.0, "2027-02-01", "lost")], SNAP)
        total = pipeline_flow(prev, cur, Q1).total
        assert total[["created", "lost"]].tolist() == [40, 40]

    def test_empty_snapshots(self):
        flow = pipeline_flow(frame([], SNAP), frame([], SNAP), Q1)
        assert flow.total.tolist() == [0.0] * len(BUCKETS)
        assert flow.by_rep.empty and flow.slipped.empty and flow.deals.empty

    def test_bad_input(self):
        with pytest.raises(
            ValueError,
            match="previous: needs the columns id, owner, amount, close, status; missing status",
        ):
            pipeline_flow(PREVIOUS.drop(columns="status"), CURRENT, Q1)
        with pytest.raises(ValueError, match="current: id 'A' appears more than once"):
            pipeline_flow(PREVIOUS, pd.concat([CURRENT, CURRENT.head(1)]), Q1)
        with pytest.raises(ValueError, match="status must be open, won or lost"):
            pipeline_flow(PREVIOUS, CURRENT.assign(status="Closed Won"), Q1)
        with pytest.raises(ValueError, match="window: expected a Period"):
            pipeline_flow(PREVIOUS, CURRENT, "2027Q1")
        with pytest.raises(
            InputError, match="close of current: expected dates such as '2027-01-08'; got 'soon'"
        ):
            pipeline_flow(PREVIOUS, CURRENT.assign(close="soon"), Q1)
        with pytest.raises(ValueError, match="amount of deal 'A' is missing"):
            pipeline_flow(
                PREVIOUS, CURRENT.assign(amount=np.where(CURRENT["id"] == "A", np.nan, 1.0)), Q1
            )


OWNERS = ["Ann", "Bob", None]
STATUSES = ["open", "open", "won", "lost"]


@st.composite
def snapshot_pairs(draw):
    n = draw(st.integers(0, 25))
    prev_rows, cur_rows = [], []
    for i in range(n):
        where = draw(st.sampled_from(["both", "both", "previous", "current"]))
        owner = draw(st.sampled_from(OWNERS))
        for rows, present in ((prev_rows, "previous"), (cur_rows, "current")):
            if where in ("both", present):
                day = draw(st.one_of(st.none(), st.integers(-60, 150)))
                close = NAT if day is None else D("2027-01-01") + pd.Timedelta(days=day)
                rows.append(
                    (
                        f"d{i}",
                        f"Deal {i}",
                        owner if present == "current" else draw(st.sampled_from(OWNERS)),
                        float(draw(st.integers(0, 1000))),
                        close,
                        draw(st.sampled_from(STATUSES)),
                    )
                )
    return frame(prev_rows, SNAP), frame(cur_rows, SNAP)


class TestFlowIdentity:
    @settings(max_examples=150, deadline=None)
    @given(snapshot_pairs())
    def test_identity_per_deal_rep_and_total(self, pair):
        previous, current = pair
        flow = pipeline_flow(previous, current, Q1)
        assert_allclose(flow_identity(flow.deals), 0.0, atol=1e-9)
        assert_allclose(flow_identity(flow.by_rep), 0.0, atol=1e-9)
        assert_allclose(flow_identity(flow.total.to_frame().T), 0.0, atol=1e-9)
        assert_allclose(flow.by_rep.sum().to_numpy(float), flow.total.to_numpy(float))
        assert (flow.deals[list(BUCKETS)] >= 0).all().all()

        # start and end are the window's open pipeline in each snapshot
        def window_open(snap):
            inside = (snap["status"] == "open") & snap["close"].between(*flow.window)
            return float(snap["amount"][inside].sum())

        assert flow.total["start"] == pytest.approx(window_open(previous))
        assert flow.total["end"] == pytest.approx(window_open(current))


# ----------------------------------------------------------------------------
# History
# ----------------------------------------------------------------------------

HIST = ["id", "changed", "stage", "amount", "close"]
# The history of the deals of PREVIOUS / CURRENT (I, deleted from the CRM, has no history
# to say so, and M closed long ago): its state at the end of 2027-01-01 is PREVIOUS and at
# the end of 2027-02-01 CURRENT. A blank amount or close date means unchanged.
HISTORY = frame(
    [
        ("A", "2026-11-02", "Qualify", 100.0, "2027-02-15"),
        ("A", "2026-12-01", "Discover", None, None),
        ("B", "2026-10-01", "Qualify", 200.0, "2027-03-01"),
        ("B", "2027-01-20", "Propose", 250.0, None),
        ("C", "2026-09-15", "Qualify", 300.0, "2027-03-10"),
        ("C", "2027-01-05", "Qualify", 240.0, None),
        ("C", "2027-01-28", "Qualify", None, "2027-04-15"),
        ("K", "2026-12-20", "Propose", 30.0, "2027-02-01"),
        ("K", "2027-02-01", "Propose", None, "2027-03-20"),  # changed on the as-of day: counts
        ("D", "2026-08-01", "Negotiate", 400.0, "2027-03-05"),
        ("D", "2027-01-25", "Won", None, "2027-01-25"),
        ("E", "2026-12-10", "Qualify", 150.0, "2027-02-20"),
        ("E", "2027-01-15", "Lost", 0.0, "2027-01-15"),
        ("F", "2027-01-10", "Qualify", 80.0, "2027-03-30"),
        ("G", "2027-01-02", "Qualify", 60.0, "2027-02-28"),
        ("G", "2027-01-20", "Won", None, "2027-01-20"),
        ("H", "2026-12-05", "Qualify", 90.0, "2027-05-10"),
        ("H", "2027-01-12", "Discover", None, "2027-03-01"),
        ("J", "2026-10-01", "Qualify", 50.0, "2026-12-01"),
        ("J", "2026-12-01", "Lost", None, None),
        ("J", "2027-01-18", "Qualify", None, "2027-03-15"),
        ("L", "2026-12-01", "Qualify", 500.0, "2027-06-01"),
        ("N", "2027-03-01", "Qualify", 10.0, "2027-03-20"),  # created after both dates
    ],
    HIST,
)
OPPORTUNITIES = CURRENT.assign(created=D("2026-08-01"))


class TestSnapshotFromHistory:
    def test_the_snapshots_the_history_implies(self):
        for day, expected in (("2027-01-01", PREVIOUS), ("2027-02-01", CURRENT)):
            snap = snapshot_from_history(HISTORY, STAGES, day, opportunities=OPPORTUNITIES)
            want = expected[~expected["id"].isin(["I", "M"])].set_index("id").sort_index()
            got = snap.set_index("id").sort_index()
            assert got.index.tolist() == want.index.tolist()
            pd.testing.assert_series_equal(got["status"], want["status"], check_dtype=False)
            pd.testing.assert_series_equal(got["amount"], want["amount"])
            pd.testing.assert_series_equal(got["close"], want["close"], check_dtype=False)
            # owner and name come from the opportunities
            pd.testing.assert_series_equal(got["owner"], want["owner"], check_dtype=False)

    def test_stage_order_and_fields(self):
        snap = snapshot_from_history(HISTORY, STAGES, "2027-01-21").set_index("id")
        assert snap.loc["B", "stage"] == "Propose" and snap.loc["B", "stage_order"] == 2
        assert snap.loc["J", "status"] == "open"  # reopened on 01-18
        assert snap.loc["C", "amount"] == 240.0  # cut on 01-05, close date unchanged
        assert snap.loc["C", "close"] == D("2027-03-10")
        assert "N" not in snap.index  # did not exist yet
        assert snap["owner"].isna().all()  # no opportunities given: owner unknown

    def test_same_day_rows_the_later_wins(self):
        history = frame(
            [
                ("X", "2027-01-05", "Qualify", 10.0, "2027-02-01"),
                ("X", "2027-01-05", "Won", 12.0, None),
            ],
            HIST,
        )
        snap = snapshot_from_history(history, STAGES, "2027-01-05")
        assert snap[["status", "amount"]].iloc[0].tolist() == ["won", 12.0]
        assert snapshot_from_history(history, STAGES, "2027-01-04").empty

    def test_blank_amount_before_any_is_the_current_one(self):
        history = frame([("X", "2027-01-05", "Qualify", None, None)], HIST)
        opps = frame([("X", "X", "Ann", 75.0, "2027-03-01", "open")], SNAP)
        snap = snapshot_from_history(history, STAGES, "2027-01-31", opportunities=opps)
        assert snap[["amount", "close", "owner"]].iloc[0].tolist() == [75.0, D("2027-03-01"), "Ann"]

    def test_unknown_stage(self):
        history = frame([("X", "2027-01-05", "Closed Won", 1.0, "2027-01-05")], HIST)
        with pytest.raises(ValueError, match="stage 'Closed Won' is not one of the stages"):
            snapshot_from_history(history, STAGES, "2027-01-31")

    def test_a_blank_changed_date_names_its_row(self):
        history = frame([("X", "2027-01-05", "Qualify", 1.0, None)] * 2, HIST)
        history.loc[1, "changed"] = NAT
        history["row"] = [2, 3]
        with pytest.raises(InputError, match="changed of history: every row needs a date") as e:
            snapshot_from_history(history, STAGES, "2027-01-31")
        assert (e.value.row, e.value.column) == (3, "changed")


class TestFlowFromHistory:
    def test_equals_the_flow_of_the_implied_snapshots(self):
        flow = flow_from_history(
            HISTORY, STAGES, Q1, "2027-01-01", "2027-02-01", opportunities=OPPORTUNITIES
        )
        no_i = PREVIOUS[PREVIOUS["id"] != "I"]
        from_snapshots = pipeline_flow(no_i, CURRENT, Q1)
        pd.testing.assert_series_equal(flow.total, from_snapshots.total)
        pd.testing.assert_frame_equal(flow.by_rep, from_snapshots.by_rep)
        # the hand-worked total less the deleted deal I (70 in start and in lost)
        expected = [1180, 190, 90, 50, 60, 240, 150, 460, 600]
        assert_allclose(flow.total.to_numpy(float), expected)
        assert flow.slipped["id"].tolist() == ["C", "K"]
        assert flow.previous_as_of == D("2027-01-01")

    def test_any_two_dates(self):
        # 2027-01-10 to 2027-01-20: B grows 200 -> 250 (01-20), C was cut on 01-05 already,
        # G (created 01-02) is won on 01-20, E lost on 01-15, F created on 01-10,
        # H pulled in on 01-12, J reopened on 01-18; K changes on 02-01, after.
        flow = flow_from_history(HISTORY, STAGES, Q1, "2027-01-10", "2027-01-20")
        total = flow.total
        # start on 01-10: A 100, B 200, C 240, K 30, D 400, E 150, G 60, F 80 = 1260
        assert total["start"] == 1260
        assert total[["created", "pulled_in", "increased", "lost", "won"]].tolist() == [
            50,
            90,
            50,
            150,
            60,
        ]
        assert_allclose(flow_identity(total.to_frame().T), 0.0)

    def test_dates_in_order(self):
        with pytest.raises(ValueError, match="as_of: 2027-01-01 is before previous_as_of"):
            flow_from_history(HISTORY, STAGES, Q1, "2027-02-01", "2027-01-01")


# ----------------------------------------------------------------------------
# stage_conversion and time_in_stage
# ----------------------------------------------------------------------------

FUNNEL_HISTORY = frame(
    [
        # a: every stage, then won
        ("a", "2027-01-01", "Qualify", None, None),
        ("a", "2027-01-11", "Discover", None, None),
        ("a", "2027-01-15", "Discover", 900.0, None),  # an amount change, same stage
        ("a", "2027-01-21", "Propose", None, None),
        ("a", "2027-02-10", "Negotiate", None, None),
        ("a", "2027-02-20", "Won", None, None),
        # b: Qualify -> Propose, skipping Discover, then lost
        ("b", "2027-01-01", "Qualify", None, None),
        ("b", "2027-01-05", "Propose", None, None),
        ("b", "2027-01-15", "Lost", None, None),
        # c: Qualify -> Discover -> lost
        ("c", "2027-01-02", "Qualify", None, None),
        ("c", "2027-01-08", "Discover", None, None),
        ("c", "2027-01-20", "Lost", None, None),
        # d: created at Discover, now in Negotiate
        ("d", "2027-01-03", "Discover", None, None),
        ("d", "2027-01-13", "Negotiate", None, None),
        # e: still in Qualify
        ("e", "2027-01-10", "Qualify", None, None),
        # f: Qualify straight to won
        ("f", "2027-01-01", "Qualify", None, None),
        ("f", "2027-01-31", "Won", None, None),
    ],
    HIST,
)
FUNNEL_OWNERS = pd.DataFrame(
    {"id": list("abcdef"), "owner": ["Ann", "Ann", "Bob", "Bob", "Ann", "Bob"]}
)


class TestStageConversion:
    def test_from_history_with_skipped_stages(self):
        result = stage_conversion(STAGES, history=FUNNEL_HISTORY)
        assert result.basis == "history"
        table = result.by_stage
        # highest stage reached: a won, b Propose, c Discover, d Negotiate, e Qualify, f won
        # entered = deals at or past the stage: Qualify 6; Discover 5 (not e: b skipped it
        # and counts); Propose 4 (a, b, d, f); Negotiate 3 (a, d, f: f jumped to won)
        assert table["entered"].tolist() == [6, 5, 4, 3]
        assert table["reached_next"].tolist() == [5, 4, 3, 2]  # after Negotiate: won
        assert table["won"].tolist() == [2, 2, 2, 2]
        assert table["lost"].tolist() == [2, 2, 1, 0]
        assert table["open"].tolist() == [2, 1, 1, 1]
        assert_allclose(table["to_next"], [5 / 6, 4 / 5, 3 / 4, 2 / 3])
        assert_allclose(table["win_rate"], [2 / 6, 2 / 5, 2 / 4, 2 / 3])
        assert table.index.tolist() == ["Qualify", "Discover", "Propose", "Negotiate"]

    def test_by_rep(self):
        result = stage_conversion(STAGES, history=FUNNEL_HISTORY, opportunities=FUNNEL_OWNERS)
        ann = result.by_rep.loc["Ann"]  # a (won), b (Propose, lost), e (Qualify)
        assert ann["entered"].tolist() == [3, 2, 2, 1]
        assert ann["won"].tolist() == [1, 1, 1, 1]
        bob = result.by_rep.loc["Bob"]  # c (Discover, lost), d (Negotiate), f (won)
        assert bob["entered"].tolist() == [3, 3, 2, 2]
        summed = result.by_rep.groupby(level="stage", sort=False)[["entered", "won"]].sum()
        pd.testing.assert_frame_equal(summed, result.by_stage[["entered", "won"]])

    def test_from_final_stages(self):
        finals = pd.DataFrame(
            {
                "id": list("abcdef"),
                "owner": "Ann",
                "stage": ["Won", "Lost", "Lost", "Negotiate", "Qualify", "Won"],
                "status": ["won", "lost", "lost", "open", "open", "won"],
            }
        )
        result = stage_conversion(STAGES, opportunities=finals)
        assert result.basis == "final stages"
        # a lost deal is known only to have entered the first stage
        assert result.by_stage["entered"].tolist() == [6, 3, 3, 3]
        assert result.by_stage["reached_next"].tolist() == [3, 3, 3, 2]
        # an empty history falls back to the final stages too
        empty = stage_conversion(STAGES, history=FUNNEL_HISTORY.iloc[:0], opportunities=finals)
        assert empty.basis == "final stages"

    def test_empty(self):
        result = stage_conversion(
            STAGES, opportunities=FUNNEL_OWNERS.iloc[:0].assign(stage=[], status=[])
        )
        assert result.by_stage["entered"].tolist() == [0, 0, 0, 0]
        assert result.by_stage["to_next"].isna().all()
        with pytest.raises(ValueError, match="needs the history or the opportunities"):
            stage_conversion(STAGES)
        with pytest.raises(ValueError, match="at least one open stage"):
            stage_conversion({"Won": "won"}, history=FUNNEL_HISTORY)


class TestTimeInStage:
    HISTORY = pd.concat(
        [
            FUNNEL_HISTORY,
            frame(
                [  # g comes back to Qualify: 4 + 10 days in Qualify, 4 + 10 in Discover
                    ("g", "2027-01-01", "Qualify", None, None),
                    ("g", "2027-01-05", "Discover", None, None),
                    ("g", "2027-01-09", "Qualify", None, None),
                    ("g", "2027-01-19", "Discover", None, None),
                    ("g", "2027-01-29", "Lost", None, None),
                ],
                HIST,
            ),
        ],
        ignore_index=True,
    )

    def test_days_per_stage(self):
        table = time_in_stage(self.HISTORY, STAGES).by_stage
        # Qualify: a 10, b 4, c 6, f 30, g 14 -> median 10, mean 64 / 5; e is still there
        # Discover: a 10 (the amount change on 01-15 does not end the stay), c 12, d 10,
        #   g 14 -> median 11, mean 11.5
        # Propose: a 20, b 10 -> 15; Negotiate: a 10; d is still there
        assert table["deals"].tolist() == [5, 4, 2, 1]
        assert_allclose(table["median_days"], [10, 11, 15, 10])
        assert_allclose(table["mean_days"], [12.8, 11.5, 15, 10])
        assert table["in_stage_now"].tolist() == [1, 0, 0, 1]

    def test_by_rep_and_as_of(self):
        owners = pd.concat([FUNNEL_OWNERS, pd.DataFrame({"id": ["g"], "owner": ["Bob"]})])
        result = time_in_stage(self.HISTORY, STAGES, opportunities=owners)
        # Ann's Qualify stays: a 10, b 4 -> median 7
        assert result.by_rep.loc[("Ann", "Qualify"), "median_days"] == 7
        assert result.by_rep.loc[("Bob", "Qualify"), "deals"] == 3  # c 6, f 30, g 14
        # as of 2027-01-10 only stays ended by then count: b 4, c 6, g 4 in Qualify (a
        # leaves it on 01-11, g is back in it since 01-09)
        early = time_in_stage(self.HISTORY, STAGES, as_of="2027-01-10").by_stage
        assert early.loc["Qualify", "deals"] == 3
        assert_allclose(early.loc["Qualify", "mean_days"], 14 / 3)
        assert early.loc["Qualify", "in_stage_now"] == 4  # a, e, f, g

    def test_no_ended_stay(self):
        table = time_in_stage(FUNNEL_HISTORY.iloc[:0], STAGES).by_stage
        assert table["deals"].tolist() == [0, 0, 0, 0]
        assert table["median_days"].isna().all()


# ----------------------------------------------------------------------------
# pipeline_math
# ----------------------------------------------------------------------------

OPP = ["id", "owner", "amount", "created", "close", "status"]
SIX_MONTHS = frame(
    [
        ("1", "Ann", 100.0, "2026-01-01", "2026-02-15", "won"),
        ("2", "Ann", 200.0, "2026-01-10", "2026-02-20", "lost"),
        ("3", "Ann", 300.0, "2026-02-05", "2026-03-10", "won"),
        ("4", "Ann", 100.0, "2026-03-01", "2026-03-25", "won"),  # created in March: not due
        ("5", "Ann", 400.0, "2026-03-15", "2026-05-05", "lost"),
        ("6", "Ann", 200.0, "2026-04-01", "2026-06-10", "won"),
        ("7", "Ann", 500.0, "2026-05-20", "2026-08-30", "open"),
        ("8", "Bob", 300.0, "2026-01-15", "2026-04-10", "won"),
        ("9", "Bob", 100.0, "2026-02-01", "2026-04-20", "lost"),
        ("10", "Bob", 200.0, "2026-06-01", "2026-06-30", "lost"),
    ],
    OPP,
)
PLAN_QUOTAS = pd.DataFrame({"2026-07": [70.0, 60.0], "2026-08": [140.0, 0.0]}, index=["Ann", "Bob"])
JUL, AUG = pd.Period("2026-07", "M"), pd.Period("2026-08", "M")


class TestPipelineMath:
    def test_six_months_hand_worked(self):
        pm = pipeline_math(SIX_MONTHS, PLAN_QUOTAS, "2026-07-01")
        assert pm.enough and pm.basis == "final close dates"
        assert [str(m) for m in pm.months] == [f"2026-0{i}" for i in range(1, 7)]
        ann = pm.monthly.loc["Ann"]
        # due (created before the month, final close in it): Feb 1+2 = 300, Mar 3 = 300,
        # May 5 = 400, Jun 6 = 200; won: Feb 100, Mar 3+4 = 400, Jun 200
        assert ann["open_due"].tolist() == [0, 300, 300, 0, 400, 200]
        assert ann["won"].tolist() == [0, 100, 400, 0, 0, 200]
        assert_allclose(ann["closing_ratio"], [np.nan, 1 / 3, 4 / 3, np.nan, 0, 1])
        # cohorts: Jan 100 won of 300 closed, Feb 300 of 300, Mar 100 of 500, Apr 200 of 200,
        # May only an open deal (no rate), Jun none
        assert ann["cohort_closed"].tolist() == [300, 300, 500, 200, 0, 0]
        assert_allclose(ann["cohort_win_rate"], [1 / 3, 1, 0.2, 1, np.nan, np.nan])
        # pooled over six months: closing 700 / 1200, cohort 700 / 1300
        assert_allclose(pm.rates.loc["Ann"].tolist(), [7 / 12, 7 / 13])
        # Bob: due Apr 8+9 = 400, won 300; cohorts Jan 300/300, Feb 0/100, Jun 0/200
        assert_allclose(pm.rates.loc["Bob"].tolist(), [0.75, 0.5])
        # team: won 1000 of 1600 due; cohort 1000 of 1900
        assert_allclose(pm.rates_total.tolist(), [0.625, 10 / 19])

    def test_targets(self):
        pm = pipeline_math(SIX_MONTHS, PLAN_QUOTAS, "2026-07-01")
        t = pm.targets
        # Ann July: 70 / (7/13) = 130 must enter, 70 / (7/12) = 120 at the month's start
        assert_allclose(t.loc[("Ann", JUL)].tolist(), [70, 130, 120])
        assert_allclose(t.loc[("Ann", AUG)].tolist(), [140, 260, 240])
        # Bob July: 60 / 0.5 = 120, 60 / 0.75 = 80; a quota of 0 needs nothing
        assert_allclose(t.loc[("Bob", JUL)].tolist(), [60, 120, 80])
        assert_allclose(t.loc[("Bob", AUG)].tolist(), [0, 0, 0])
        # team July 130: 130 x 19/10 = 247 and 130 / 0.625 = 208; August 140: 266, 224
        assert_allclose(pm.targets_total.loc[JUL].tolist(), [130, 247, 208])
        assert_allclose(pm.targets_total.loc[AUG].tolist(), [140, 266, 224])

    def test_not_enough_history(self):
        pm = pipeline_math(SIX_MONTHS, PLAN_QUOTAS, "2026-06-15")
        assert not pm.enough and pm.months == ()
        assert pm.rates.isna().all().all()
        quota_given = pm.targets["quota"] > 0  # a quota of 0 needs no pipeline, rate or not
        assert pm.targets.loc[quota_given, ["must_enter", "start_needed"]].isna().all().all()
        assert pm.notes[0].startswith(
            "Not enough history: the rates need at least 6 complete months before 2026-06-15; "
            "the data hold 5 (2026-01 to 2026-05)."
        )
        assert len(pm.monthly_total) == 5  # the months there are, still shown

    def test_at_most_nine_months(self):
        early = frame([("0", "Ann", 50.0, "2025-01-01", "2025-02-01", "won")], OPP)
        pm = pipeline_math(pd.concat([early, SIX_MONTHS]), PLAN_QUOTAS, "2026-07-01")
        assert [str(m) for m in pm.months] == [
            "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04",
            "2026-05", "2026-06",
        ]  # fmt: skip
        # the deal of 2025 is outside the nine months: the rates are those of six months
        assert_allclose(pm.rates.loc["Ann"].tolist(), [7 / 12, 7 / 13])
        assert len(pm.monthly_total) == 18
        short = pipeline_math(SIX_MONTHS, PLAN_QUOTAS, "2026-07-01", months=(3, 4))
        assert [str(m) for m in short.months] == ["2026-03", "2026-04", "2026-05", "2026-06"]

    def test_no_won_value_has_no_finite_need(self):
        lost = SIX_MONTHS.assign(
            status=np.where(SIX_MONTHS["owner"] == "Bob", "lost", SIX_MONTHS["status"])
        )
        pm = pipeline_math(lost, PLAN_QUOTAS, "2026-07-01")
        assert pm.rates.loc["Bob"].tolist() == [0.0, 0.0]
        assert math.isinf(pm.targets.loc[("Bob", JUL), "must_enter"])
        assert pm.targets.loc[("Bob", AUG), "must_enter"] == 0  # no quota, no need
        assert any("for Bob: no finite pipeline" in note for note in pm.notes)

    def test_from_history(self):
        # X is due in February, moved to March on 02-05 and won at 120 on 03-15
        opps = frame(
            [
                ("X", "Ann", 120.0, "2026-01-01", "2026-03-15", "won"),
                ("Y", "Ann", 50.0, "2026-01-01", "2026-06-01", "lost"),
            ],
            OPP,
        )
        history = frame(
            [
                ("X", "2026-01-01", "Qualify", 100.0, "2026-02-10"),
                ("X", "2026-02-05", "Qualify", None, "2026-03-15"),
                ("X", "2026-03-15", "Won", 120.0, None),
                ("Y", "2026-01-01", "Qualify", 50.0, "2026-06-01"),
                ("Y", "2026-06-01", "Lost", None, None),
            ],
            HIST,
        )
        pm = pipeline_math(opps, PLAN_QUOTAS, "2026-07-01", history=history, stages=STAGES)
        assert pm.basis == "history"
        # due at the start of Feb: X at 100; of March: X at 100 again; June: Y 50
        assert pm.monthly_total["open_due"].tolist() == [0, 100, 100, 0, 0, 50]
        assert_allclose(pm.rates_total["closing_ratio"], 120 / 250)
        final = pipeline_math(opps, PLAN_QUOTAS, "2026-07-01")
        # from the final close dates X is due only in March, at its final 120
        assert final.monthly_total["open_due"].tolist() == [0, 0, 120, 0, 0, 50]
        assert any("approximated" in note for note in final.notes)

    def test_empty(self):
        pm = pipeline_math(frame([], OPP), PLAN_QUOTAS, "2026-07-01")
        assert not pm.enough and pm.monthly_total.empty
        assert "the data hold none" in pm.notes[0]

    def test_bad_input(self):
        with pytest.raises(ValueError, match="months: expected"):
            pipeline_math(SIX_MONTHS, PLAN_QUOTAS, "2026-07-01", months=(9, 6))
        with pytest.raises(ValueError, match="quotas: every quota must be a finite amount"):
            pipeline_math(SIX_MONTHS, PLAN_QUOTAS * -1, "2026-07-01")
        with pytest.raises(ValueError, match="stages: needed"):
            pipeline_math(SIX_MONTHS, PLAN_QUOTAS, "2026-07-01", history=HISTORY)


# ----------------------------------------------------------------------------
# thirty_sixty_ninety
# ----------------------------------------------------------------------------

OPEN = ["owner", "amount", "close", "status"]
# as of 2027-01-08: day 30 is 02-07, 31 is 02-08, 60 is 03-09, 61 is 03-10, 90 is 04-08
BOUNDARIES = frame(
    [
        ("Ann", 1.0, "2027-01-07", "open"),  # day -1: overdue
        ("Ann", 2.0, "2027-01-08", "open"),  # day 0
        ("Ann", 4.0, "2027-02-07", "open"),  # day 30
        ("Ann", 8.0, "2027-02-08", "open"),  # day 31
        ("Bob", 16.0, "2027-03-09", "open"),  # day 60
        ("Bob", 32.0, "2027-03-10", "open"),  # day 61
        ("Bob", 64.0, "2027-04-08", "open"),  # day 90
        ("Bob", 128.0, "2027-04-09", "open"),  # day 91
        ("Bob", 256.0, None, "open"),  # no close date
        ("Bob", 512.0, "2027-01-20", "won"),  # not open
    ],
    OPEN,
)
# 100, 200, 300, 400 a day in January to April
DAILY = pd.DataFrame(
    {
        "2027-01": [3100.0, 0.0],
        "2027-02": [5600.0, 0.0],
        "2027-03": [9300.0, 0.0],
        "2027-04": [12000.0, 0.0],
    },
    index=["Ann", "Bob"],
)


class TestThirtySixtyNinety:
    def test_boundaries(self):
        total = thirty_sixty_ninety(BOUNDARIES, "2027-01-08").total
        assert total.index.tolist() == list(THIRTY_SIXTY_NINETY)
        assert total["value"].tolist() == [1, 2 + 4, 8 + 16, 32 + 64, 128, 256]
        assert total["count"].tolist() == [1, 2, 2, 2, 1, 1]

    def test_quota_of_the_days(self):
        result = thirty_sixty_ninety(BOUNDARIES, "2027-01-08", DAILY)
        ann = result.by_rep.loc["Ann"]
        # 0-30: Jan 8-31 (24 days x 100) + Feb 1-7 (7 x 200) = 3800
        # 31-60: Feb 8-28 (21 x 200) + Mar 1-9 (9 x 300) = 6900
        # 61-90: Mar 10-31 (22 x 300) + Apr 1-8 (8 x 400) = 9800
        assert_allclose(ann["quota"].tolist(), [np.nan, 3800, 6900, 9800, np.nan, np.nan])
        assert_allclose(ann.loc["0-30", "coverage"], 6 / 3800)
        assert result.periods.loc["31-60"].tolist() == [D("2027-02-08"), D("2027-03-09")]
        # Bob's quota is 0: no coverage
        assert result.by_rep.loc[("Bob", "61-90"), "quota"] == 0
        assert math.isnan(result.by_rep.loc[("Bob", "61-90"), "coverage"])
        assert_allclose(
            result.total.loc["31-60", ["value", "quota", "coverage"]], [24, 6900, 24 / 6900]
        )
        assert result.notes == ()

    def test_missing_month_of_quota(self):
        result = thirty_sixty_ninety(BOUNDARIES, "2027-01-08", DAILY.drop(columns="2027-04"))
        assert math.isnan(result.total.loc["61-90", "quota"])
        assert result.total.loc["31-60", "quota"] == 6900
        assert result.notes == ("No quota given for 2027-04: the quota of some days is not known.",)

    def test_reps_without_pipeline_and_empty(self):
        quotas = DAILY.rename(index={"Bob": "Cy"})
        by_rep = thirty_sixty_ninety(BOUNDARIES, "2027-01-08", quotas).by_rep
        assert by_rep.loc["Cy", "value"].tolist() == [0.0] * 6
        empty = thirty_sixty_ninety(frame([], OPEN), "2027-01-08", DAILY)
        assert empty.total["value"].tolist() == [0.0] * 6
        assert empty.total.loc["0-30", "quota"] == 3800


# ----------------------------------------------------------------------------
# coverage
# ----------------------------------------------------------------------------

# as of 2027-01-08: horizons Feb; Feb-Mar; Feb-Apr (January, the current month, is not in)
COVER = frame(
    [
        ("Ann", 999.0, "2027-01-20", "open"),
        ("Ann", 300.0, "2027-02-10", "open"),
        ("Ann", 200.0, "2027-03-10", "open"),
        ("Ann", 100.0, "2027-04-10", "open"),
        ("Ann", 50.0, "2027-05-10", "open"),
        ("Ann", 100.0, "2026-10-01", "won"),
        ("Ann", 300.0, "2026-11-01", "lost"),  # win rate 100 / 400 = 25%: needs 4x
        ("Bob", 200.0, "2027-02-01", "open"),
        ("Bob", 100.0, "2026-10-01", "won"),
        ("Bob", 100.0, "2026-10-01", "lost"),  # 50%: needs 2x
        ("Cy", 1000.0, "2027-02-01", "open"),
        ("Cy", 100.0, "2026-10-01", "lost"),  # 0%: no coverage is enough
    ],
    OPEN,
)
COVER_QUOTAS = pd.DataFrame(
    {
        "2027-02": [100.0, 50.0, 100.0, 0.0],
        "2027-03": [100.0, 50.0, 100.0, 0.0],
        "2027-04": [100.0, 0.0, 100.0, 0.0],
    },
    index=["Ann", "Bob", "Cy", "Dee"],
)


class TestCoverage:
    def test_against_need(self):
        result = coverage(COVER, COVER_QUOTAS, "2027-01-08")
        assert [[str(m) for m in ms] for ms in result.months.values()] == [
            ["2027-02"],
            ["2027-02", "2027-03"],
            ["2027-02", "2027-03", "2027-04"],
        ]
        ann = result.by_rep.loc["Ann"]
        # 300 / 100 = 3, 500 / 200 = 2.5, 600 / 300 = 2, each below the 4x a 25% rate needs
        assert_allclose(ann["coverage"], [3, 2.5, 2])
        assert_allclose(ann["needed"], [4, 4, 4])
        assert ann["below_need"].tolist() == [True, True, True]
        bob = result.by_rep.loc["Bob"]
        # 200 / 50 = 4, 200 / 100 = 2 (just at the need: not below), 200 / 100 = 2
        assert_allclose(bob["coverage"], [4, 2, 2])
        assert bob["below_need"].tolist() == [False, False, False]

    def test_win_rate_zero_and_quota_zero(self):
        result = coverage(COVER, COVER_QUOTAS, "2027-01-08")
        cy = result.by_rep.loc[("Cy", 1)]
        assert cy["coverage"] == 10 and math.isinf(cy["needed"]) and bool(cy["below_need"])
        dee = result.by_rep.loc[("Dee", 1)]  # a quota of 0 and no closed deals
        assert math.isnan(dee["coverage"]) and math.isnan(dee["needed"])
        assert dee["below_need"] is pd.NA
        assert "No won value for Cy" in result.notes[0]
        assert "No closed deals for Dee" in result.notes[1]

    def test_team(self):
        total = coverage(COVER, COVER_QUOTAS, "2027-01-08").total
        # Feb: pipeline 300 + 200 + 1000 = 1500 over quota 250; team win rate 200 / 700
        assert_allclose(total.loc[1, ["pipeline", "quota", "coverage"]], [1500, 250, 6])
        # Feb-Mar: 1700 / 500 = 3.4; Feb-Apr: 1800 / 700 = 2.57, both below the 3.5 needed
        assert_allclose(total["coverage"], [6, 3.4, 18 / 7])
        assert_allclose(total["needed"], [3.5] * 3)
        assert total["below_need"].tolist() == [False, True, True]

    def test_given_win_rates(self):
        rates = pd.Series({"Ann": 1 / 3, "Bob": 0.5, "Cy": 0.1, "Dee": 0.2})
        result = coverage(COVER, COVER_QUOTAS, "2027-01-08", win_rates=rates, team_win_rate=0.25)
        assert_allclose(result.by_rep.loc[("Ann", 1), "needed"], 3.0)  # 3x fits 33%
        assert not result.by_rep.loc[("Ann", 1), "below_need"]
        assert_allclose(result.total["needed"], [4, 4, 4])

    def test_empty(self):
        result = coverage(frame([], OPEN), COVER_QUOTAS, "2027-01-08")
        assert result.by_rep["pipeline"].sum() == 0
        assert result.by_rep["win_rate"].isna().all()
        assert result.total["pipeline"].tolist() == [0, 0, 0]
        with pytest.raises(ValueError, match="horizons"):
            coverage(COVER, COVER_QUOTAS, "2027-01-08", horizons=(0,))
