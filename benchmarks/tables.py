"""Speed of the table engine, as a ratio against a floor measured in the same run.

    python benchmarks/tables.py [--rows N] [--repeat N]

An opportunities table shaped like a CRM export (id, owner, stage, amount,
created, close, probability; --rows rows, 1,000,000 by default) is written to a
temporary folder, with a few bad cells and blank lines in it as real exports have.

    engine: read_raw + parse_table + duplicates on id + typed, on that file
    floor:  pandas.read_csv(path, dtype=str, keep_default_na=False) alone

Target: engine / floor <= 3. Medians over --repeat runs of each, the two taking
turns so that both see the machine alike (after one warm-up run of each, for the
file cache); absolute times are printed for context only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from salesnb.io.tables import (
    Column,
    TableSpec,
    choice,
    duplicates,
    parse_fraction,
    parse_money,
    parse_month,
    parse_table,
    parse_text,
    read_raw,
    typed,
)

STAGES = ("prospect", "qualified", "proposal", "negotiation", "won", "lost")

SPEC = TableSpec(
    "opportunities",
    (
        Column("id", parse_text),
        Column("owner", parse_text),
        Column("stage", choice(*STAGES)),
        Column("amount", parse_money),
        Column("created", parse_month),
        Column("close", parse_month, needs_value=False),
        Column("probability", parse_fraction),
    ),
    doc="CRM opportunities (benchmark).",
)

BAD_EVERY = 10_000  # one bad cell in so many rows, in each of some columns


def _column(column: Column, rows: int, rng: np.random.Generator) -> np.ndarray:
    """Text cells for one column of the spec, as an export would write them."""
    months = pd.period_range("2024-01", periods=36, freq="M").astype(str).to_numpy()
    if column.name == "id":
        return np.char.add("OPP-", np.arange(1, rows + 1).astype(str))
    if column.name == "owner":
        return np.char.add("Rep ", rng.integers(1, 250, rows).astype(str))
    if column.parse is parse_money:
        amount = np.round(rng.gamma(2.0, 20_000.0, rows), 2)
        cells = amount.astype(str)
        styled = rng.random(rows) < 0.1  # some exports format money: "$12,500.00"
        cells[styled] = [f"${x:,.2f}" for x in amount[styled]]
        return cells
    if column.parse is parse_month:
        cells = months[rng.integers(0, len(months), rows)]
        if not column.needs_value:
            cells[rng.random(rows) < 0.05] = ""  # not closed yet
        return cells
    if column.parse is parse_fraction:
        cells = np.char.add(rng.integers(0, 101, rows).astype(str), "%")
        decimal = rng.random(rows) < 0.2  # and some as a fraction: "0.35"
        cells[decimal] = np.round(rng.random(int(decimal.sum())), 2).astype(str)
        return cells
    return np.array(STAGES)[rng.integers(0, len(STAGES), rows)]  # the choice


def write_table(folder: Path, rows: int, seed: int = 0) -> tuple[Path, int]:
    """Write the table; returns its path and how many bad cells were planted."""
    rng = np.random.default_rng(seed)
    cells = {c.name: _column(c, rows, rng).astype(object) for c in SPEC.columns}
    planted = 0
    for name, bad in (("amount", "n/a"), ("created", "2025-13"), ("probability", "120%")):
        where = np.arange(BAD_EVERY // 2, rows, BAD_EVERY)
        cells[name][where] = bad
        planted += len(where)
    if rows > 2:
        cells["id"][rows - 1] = cells["id"][1]  # one duplicate id
        planted += 1
    path = folder / f"{SPEC.name}.csv"
    pd.DataFrame(cells).to_csv(path, index=False)
    with path.open("a", encoding="utf-8") as f:
        f.write("\n,,,,,,\n")  # blank lines at the end, as spreadsheets leave them
    return path, planted


def _median_times(fns, repeat: int) -> list[float]:
    """The median time of each function, running them in turn ``repeat`` times."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, spent in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - t0)
    return [statistics.median(spent) for spent in times]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, planted = write_table(folder, args.rows)
        found: list[int] = []

        def floor() -> None:
            pd.read_csv(path, dtype=str, keep_default_na=False)

        def engine() -> None:
            name, raw, problems = read_raw(folder, SPEC)
            assert raw is not None, problems
            frame, parse_problems = parse_table(name, raw, SPEC)
            problems += parse_problems
            problems += duplicates(name, frame, ["id"], "opportunity id")
            typed(frame, SPEC)
            found.append(len(problems))

        floor()  # warm the file cache once, for both sides
        engine()
        engine_time, floor_time = _median_times([engine, floor], args.repeat)
    assert found[-1] == planted, f"found {found[-1]} problems, planted {planted}"
    print(
        f"tables: engine / read_csv: {engine_time / floor_time:5.2f}  "
        f"(engine {engine_time:.2f} s, read_csv {floor_time:.2f} s, "
        f"{args.rows:,} rows, {planted} problems found; target <= 3)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
