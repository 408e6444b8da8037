"""Speed and memory of reading CRM exports and working out the dashboard, against baselines
measured in the same run.

    python benchmarks/crm.py [--opportunities N] [--activities M] [--repeat R] [--folder F]

Generates N opportunities and M activities (default 1M and 10M, about 90 MB and
330 MB of CSV; see ``benchmarks/crm_data.py``) into a temporary folder, then prints:

(a) load + validate / ``pandas.read_csv``: ``salesnb.io.crm.read_crm`` (mapping,
    every cell checked, problems collected) against ``pandas.read_csv`` of the same
    two files with its defaults. Target <= 3.
(b) dashboard aggregates / DuckDB SQL: the dashboard's headline aggregates (win
    rates by rep by count and value, average order value, median cycle, open
    pipeline by stage, weighted pipeline, activities per rep per week by kind) from
    the loaded frames, against the same aggregates in DuckDB SQL over tables DuckDB
    has already read from the same files (both sides in memory, neither timing a
    parse). Target <= 1.5.
(c) peak memory / the data's size: the largest resident set of a fresh process that
    only reads the exports with ``read_crm``, less that process's size before the read,
    against the deep in-memory size of the frames it returns. Target <= 3.

Medians over --repeat runs; the absolute times are printed for context only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crm_data

from salesnb import dashboard
from salesnb.io.crm import read_crm
from salesnb.io.settings import read_settings


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _load(folder: Path):
    settings, problems = read_settings(folder / "settings.yaml")
    if settings is None:
        raise SystemExit("\n".join(str(p) for p in problems))
    crm, problems = read_crm(folder, settings.crm)
    if crm is None:
        raise SystemExit("\n".join(str(p) for p in problems[:10]))
    return settings, crm


def pandas_aggregates(crm) -> dict[str, object]:
    return {name: pandas_aggregates_one(crm, name) for name in SQL}


def duckdb_tables(folder: Path, settings) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE opp AS SELECT * FROM read_csv('{folder / 'opportunities.csv'}', "
        "header=true, dateformat='%Y-%m-%d')"
    )
    con.execute(
        f"CREATE TABLE act AS SELECT * FROM read_csv('{folder / 'activities.csv'}', "
        "header=true, dateformat='%Y-%m-%d')"
    )
    rows = [(s.name, s.status, s.probability) for s in settings.crm.stages]
    con.execute("CREATE TABLE stages (name VARCHAR, status VARCHAR, probability DOUBLE)")
    con.executemany("INSERT INTO stages VALUES (?, ?, ?)", rows)
    return con


SQL = {
    "win_rates": """
        SELECT owner,
               count(*) FILTER (WHERE s.status = 'won') / count(*) AS by_count,
               sum(amount) FILTER (WHERE s.status = 'won') / sum(amount) AS by_value
        FROM opp JOIN stages s ON opp.stage = s.name
        WHERE s.status IN ('won', 'lost') GROUP BY ROLLUP (owner)""",
    "order_value": """
        SELECT owner, avg(amount) FROM opp JOIN stages s ON opp.stage = s.name
        WHERE s.status = 'won' GROUP BY ROLLUP (owner)""",
    "cycle": """
        SELECT owner, median(date_diff('day', created, "close"))
        FROM opp JOIN stages s ON opp.stage = s.name
        WHERE s.status = 'won' GROUP BY ROLLUP (owner)""",
    "open_by_stage": """
        SELECT stage, sum(amount), count(*) FROM opp JOIN stages s ON opp.stage = s.name
        WHERE s.status = 'open' GROUP BY stage""",
    "weighted": """
        SELECT owner, sum(amount * s.probability) FROM opp JOIN stages s ON opp.stage = s.name
        WHERE s.status = 'open' GROUP BY ROLLUP (owner)""",
    "weekly_activities": """
        SELECT owner, date_trunc('week', "date") AS week, "type", count(*)
        FROM act GROUP BY owner, week, "type" """,
}


def duckdb_aggregates(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    return {name: con.execute(sql).fetchall() for name, sql in SQL.items()}


def _memory_child(folder: str) -> None:
    """In a fresh process: read the exports, print the peak growth and the frames' size.

    The resident set is sampled every 2 ms while the read runs; the growth is its
    peak less the resident set just before the read.
    """
    import threading

    import psutil

    settings, _ = read_settings(Path(folder) / "settings.yaml")
    process = psutil.Process()
    before = process.memory_info().rss
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.002):
            peak = max(peak, process.memory_info().rss)

    sampler = threading.Thread(target=sample)
    sampler.start()
    crm, _ = read_crm(Path(folder), settings.crm)
    done.set()
    sampler.join()
    peak = max(peak, process.memory_info().rss)
    frames = [crm.opportunities, crm.activities]
    size = sum(int(f.memory_usage(deep=True).sum()) for f in frames)
    print(json.dumps({"growth": peak - before, "size": size}))


def memory(folder: Path) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, help="keep the generated files here")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        _memory_child(args.memory_child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp)
        if not (folder / "opportunities.csv").is_file():
            t0 = time.perf_counter()
            crm_data.write(folder, args.opportunities, args.activities)
            print(
                f"generated {args.opportunities:,} opportunities and "
                f"{args.activities:,} activities in {time.perf_counter() - t0:.0f} s"
            )
        settings, crm = _load(folder)

        def read_both() -> None:
            pd.read_csv(folder / "opportunities.csv")
            pd.read_csv(folder / "activities.csv")

        floor = _median(read_both, args.repeat)
        load = _median(lambda: _load(folder), args.repeat)
        print(
            f"(a) load + validate {load:.2f} s / pandas.read_csv {floor:.2f} s "
            f"= {load / floor:.2f}  (target <= 3)"
        )

        con = duckdb_tables(folder, settings)
        sql = _median(lambda: duckdb_aggregates(con), args.repeat)
        ours = _median(lambda: pandas_aggregates(crm), args.repeat)
        print(
            f"(b) dashboard aggregates {ours:.2f} s / DuckDB SQL {sql:.2f} s "
            f"= {ours / sql:.2f}  (target <= 1.5)"
        )
        for name in SQL:
            one_sql = _median(lambda n=name: con.execute(SQL[n]).fetchall(), args.repeat)
            one = _median(lambda n=name: pandas_aggregates_one(crm, n), args.repeat)
            print(f"    {name:18} {one:6.3f} s / {one_sql:6.3f} s = {one / one_sql:5.2f}")

        mem = memory(folder)
        print(
            f"(c) peak memory growth {mem['growth'] / 2**20:.0f} MB / the frames' size "
            f"{mem['size'] / 2**20:.0f} MB = {mem['growth'] / mem['size']:.2f}  (target <= 3)"
        )


def pandas_aggregates_one(crm, name: str) -> object:
    opps, acts = crm.opportunities, crm.activities
    if name == "win_rates":
        return dashboard.win_rates(opps)
    if name == "order_value":
        return dashboard.average_order_value(opps)
    if name == "cycle":
        return dashboard.sales_cycle(opps)
    if name == "open_by_stage":
        return dashboard.open_pipeline(opps, crm.stages)
    if name == "weighted":
        probabilities = {s.name: s.probability for s in crm.stages if s.probability is not None}
        return dashboard.weighted_pipeline(opps, probabilities)
    return dashboard.weekly_activities(acts)


if __name__ == "__main__":
    main()
