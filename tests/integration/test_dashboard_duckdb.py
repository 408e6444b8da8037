"""The dashboard's headline figures worked out again in DuckDB SQL, from the sample's CSVs.

Nothing here goes through the workbook's loader or its pandas code: each query reads the
export as it lies in the folder (``read_csv``), maps the stages with the sample's own
stage list, and computes the figure in SQL. The results must agree with the dashboard's
figures to the cent (fractions to 1e-9): win rates by count and by value, average order
value, median cycle, open pipeline by stage, weighted pipeline, the 30/60/90 buckets and
forecast accuracy by rep and month.
"""

from __future__ import annotations

from functools import cache

import duckdb
import pandas as pd
import pytest

from salesnb import paths
from salesnb.analysis import dashboard_report
from salesnb.io import load_client

FOLDER = paths.SAMPLE_CLIENT
AS_OF = "2027-01-08"


@cache
def report():
    return dashboard_report(load_client(FOLDER))


@cache
def con() -> duckdb.DuckDBPyConnection:
    stages = load_client(FOLDER).crm.stages
    c = duckdb.connect()
    c.execute("CREATE TABLE stages (name VARCHAR, status VARCHAR, probability DOUBLE)")
    c.executemany(
        "INSERT INTO stages VALUES (?, ?, ?)", [(s.name, s.status, s.probability) for s in stages]
    )
    c.execute(
        f"""
        CREATE VIEW deals AS
        SELECT o.id, o.owner, o.stage, CAST(o.amount AS DECIMAL(18, 2)) AS amount,
               CAST(o.created AS DATE) AS created, CAST(o.close AS DATE) AS close,
               o.probability AS own_probability, s.status, s.probability AS stage_probability
        FROM read_csv('{FOLDER / "opportunities.csv"}', header = true, all_varchar = true) o
        JOIN stages s ON s.name = o.stage
        """
    )
    c.execute(
        f"""
        CREATE VIEW forecasts AS
        SELECT owner, period, SUM(CAST(forecast AS DECIMAL(18, 2))) AS forecast
        FROM read_csv('{FOLDER / "forecasts.csv"}', header = true, all_varchar = true)
        GROUP BY owner, period
        """
    )
    return c


def _windows():
    return [(p.key, str(p.start.date()), str(p.end.date())) for p in report().periods]


def _cents(value) -> int:
    return round(float(value) * 100)


@pytest.mark.parametrize(("key", "start", "end"), _windows(), ids=[w[0] for w in _windows()])
class TestByPeriod:
    def _sql(self, start, end):
        return (
            con()
            .execute(
                """
            SELECT COALESCE(owner, 'Total') AS who,
                   COUNT(*) FILTER (status = 'won') AS won,
                   COUNT(*) FILTER (status = 'lost') AS lost,
                   SUM(amount) FILTER (status = 'won') AS won_amount,
                   SUM(amount) AS closed_amount,
                   MEDIAN(close - created) FILTER (status = 'won') AS median_days
            FROM deals
            WHERE status IN ('won', 'lost') AND close BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
            GROUP BY ROLLUP (owner)
            """,
                [start, end],
            )
            .fetchall()
        )

    def test_win_rates_order_value_and_cycle(self, key, start, end):
        f = report().figures()["periods"][key]
        rows = {who: rest for who, *rest in self._sql(start, end)}
        for who, (won, lost, won_amount, closed, median) in rows.items():
            mine = f["total"] if who == "Total" else f["by_rep"][who]
            assert (mine["won_count"], mine["lost_count"]) == (won, lost)
            assert _cents(mine["won_amount"]) == _cents(won_amount or 0)
            assert mine["win_rate_count"] == pytest.approx(won / (won + lost), abs=1e-9)
            assert mine["win_rate_value"] == pytest.approx(
                float(won_amount or 0) / float(closed), abs=1e-9
            )
            if won:
                assert _cents(mine["average_order_value"]) == _cents(float(won_amount) / won)
                assert mine["median_cycle_days"] == pytest.approx(float(median))
        assert rows or f["total"]["won_count"] == 0


def test_open_pipeline_by_stage():
    rows = (
        con()
        .execute(
            """
        SELECT stage, COUNT(*), SUM(amount) FROM deals WHERE status = 'open' GROUP BY stage
        """
        )
        .fetchall()
    )
    mine = report().figures()["pipeline"]["by_stage"]
    assert {s for s, *_ in rows} <= set(mine)
    for stage, count, value in rows:
        assert mine[stage]["count"] == count
        assert _cents(mine[stage]["value"]) == _cents(value)


def test_weighted_pipeline():
    (weighted,) = (
        con()
        .execute(
            """
        SELECT SUM(amount * COALESCE(CAST(own_probability AS DOUBLE), stage_probability))
        FROM deals WHERE status = 'open'
        """
        )
        .fetchone()
    )
    assert _cents(report().figures()["pipeline"]["weighted_value"]) == _cents(weighted)


def test_thirty_sixty_ninety_buckets():
    rows = (
        con()
        .execute(
            f"""
        SELECT CASE WHEN close IS NULL THEN 'no close date'
                    WHEN close < DATE '{AS_OF}' THEN 'overdue'
                    WHEN close - DATE '{AS_OF}' <= 30 THEN '0-30'
                    WHEN close - DATE '{AS_OF}' <= 60 THEN '31-60'
                    WHEN close - DATE '{AS_OF}' <= 90 THEN '61-90'
                    ELSE 'over 90' END AS bucket,
               COUNT(*), SUM(amount)
        FROM deals WHERE status = 'open' GROUP BY bucket
        """
        )
        .fetchall()
    )
    mine = report().figures()["thirty_sixty_ninety"]
    found = {bucket: (count, value) for bucket, count, value in rows}
    for bucket, row in mine.items():
        count, value = found.get(bucket, (0, 0))
        assert row["count"] == count
        assert _cents(row["value"]) == _cents(value)


def test_forecast_accuracy_by_rep_and_month():
    rows = (
        con()
        .execute(
            """
        WITH won AS (
            SELECT owner, strftime(close, '%Y-%m') AS period, SUM(amount) AS actual
            FROM deals WHERE status = 'won' GROUP BY owner, period)
        SELECT f.period, f.owner, f.forecast, COALESCE(w.actual, 0) AS actual
        FROM forecasts f LEFT JOIN won w USING (owner, period)
        WHERE f.period < '2027-01'
        """
        )
        .fetchall()
    )
    table = report().forecast
    assert len(rows) == len(table) - table.index.get_level_values("period").nunique()
    for period, owner, forecast, actual in rows:
        mine = table.loc[(pd.Period(period, "M"), owner)]
        a, f = float(actual), float(forecast)
        expected = 100.0 if a == f == 0 else (0.0 if a == 0 else 100 * max(0.0, 1 - abs(a - f) / a))
        assert _cents(mine["forecast"]) == _cents(f)
        assert _cents(mine["actual"]) == _cents(a)
        assert mine["accuracy"] == pytest.approx(expected, abs=1e-9)
