"""Large CRM exports for the benchmarks: opportunities and activities in the plain layout.

    python benchmarks/crm_data.py FOLDER [--opportunities N] [--activities M]

writes ``opportunities.csv`` and ``activities.csv`` (the plain preset's column
names) and a ``settings.yaml`` that maps them, into FOLDER. The files are made
from a fixed seed, so two runs write the same bytes; they are never committed
(1M opportunities and 10M activities are about 90 MB and 330 MB).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

STAGES = (
    ("Qualify", "open", 0.10),
    ("Discover", "open", 0.25),
    ("Propose", "open", 0.50),
    ("Negotiate", "open", 0.75),
    ("Closed Won", "won", None),
    ("Closed Lost", "lost", None),
)
KINDS = ("new_prospect_call", "face_to_face", "discovery_call", "demo", "email", "call")
REPS = 200


def rep_names(count: int = REPS) -> list[str]:
    return [f"Rep {i:03d}" for i in range(count)]


def opportunities(count: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    reps = np.array(rep_names())
    created = np.datetime64("2025-01-01") + rng.integers(0, 730, count).astype("timedelta64[D]")
    cycle = rng.integers(5, 180, count).astype("timedelta64[D]")
    stage = rng.choice(len(STAGES), count, p=[0.08, 0.08, 0.07, 0.05, 0.25, 0.47])
    return pd.DataFrame(
        {
            "id": np.char.add("OPP", np.arange(count).astype(str)),
            "name": np.char.add("Deal ", np.arange(count).astype(str)),
            "owner": reps[rng.integers(0, len(reps), count)],
            "account": np.char.add("Account ", rng.integers(0, count // 5 + 1, count).astype(str)),
            "account_type": np.where(rng.random(count) < 0.6, "new", "existing"),
            "stage": np.array([s[0] for s in STAGES])[stage],
            "amount": np.round(rng.lognormal(10, 0.8, count), 2),
            "created": pd.to_datetime(created).strftime("%Y-%m-%d"),
            "close": pd.to_datetime(created + cycle).strftime("%Y-%m-%d"),
            "source": rng.choice(np.array(["web", "events", "partner", "outbound"]), count),
        }
    )


def activities(count: int, seed: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    reps = np.array(rep_names())
    day = np.datetime64("2025-01-01") + rng.integers(0, 735, count).astype("timedelta64[D]")
    return pd.DataFrame(
        {
            "owner": reps[rng.integers(0, len(reps), count)],
            "date": pd.to_datetime(day).strftime("%Y-%m-%d"),
            "type": np.array(KINDS)[rng.integers(0, len(KINDS), count)],
        }
    )


SETTINGS = """\
client: {name: Benchmark Co}
fiscal_year_start: "2027-01"
as_of: 2027-01-08
streams: {Sales: {cost_of_sales: 0.5}}
crm:
  preset: plain
  stages:
"""


def write(folder: Path, n_opportunities: int, n_activities: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    opportunities(n_opportunities).to_csv(folder / "opportunities.csv", index=False)
    activities(n_activities).to_csv(folder / "activities.csv", index=False)
    stages = "".join(
        f"    - {{name: {name}, status: {status}"
        + (f", probability: {p}" if p is not None else "")
        + "}\n"
        for name, status, p in STAGES
    )
    kinds = "  activity_types: {" + ", ".join(f"{k}: {k}" for k in KINDS) + "}\n"
    (folder / "settings.yaml").write_text(SETTINGS + stages + kinds, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--opportunities", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=10_000_000)
    args = parser.parse_args()
    write(args.folder, args.opportunities, args.activities)


if __name__ == "__main__":
    main()
