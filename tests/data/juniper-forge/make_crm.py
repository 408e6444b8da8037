"""Write Juniper Forge's CRM exports: activities.csv and opportunities.csv (fictional).

Juniper Forge is Harbour Point's plan with a CRM beside it, for the tests of the
leading indicators. Three people sell; every week from June 2025 to the week before
the as-of date (2027-07-05) they log calls, meetings, demos and e-mails. The team's
discovery calls lead won bookings by :data:`LAG` (10) weeks, since
each won deal was first discovered that long before; the other activities are
unrelated noise. In the last 6 weeks the discovery calls fall by half, so
the indicators warn. Run ``python make_crm.py`` here to write the two files again
(the same every time: the seed is fixed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

LAG = 10
SEED = 20270705
FIRST = pd.Timestamp("2025-06-02")
LAST = pd.Timestamp("2027-06-28")  # the Monday of the last complete week before as_of
OWNERS = ("Sam Okafor", "Helen Achebe", "Tom Reilly")
#: Mean weekly count of each noise activity, per person.
NOISE = {
    "new_prospect_call": 18.0,
    "face_to_face": 3.0,
    "presales_call": 1.2,
    "demo": 1.0,
    "executive_presentation": 0.3,
    "email": 4.0,
}
FALL_WEEKS = 6
FALL = 0.5


def main(folder: Path, seed: int = SEED) -> None:
    rng = np.random.default_rng(seed)
    weeks = pd.date_range(FIRST, LAST, freq="7D")
    n = len(weeks)
    # A wandering level of discovery (an AR(1) around 4 a week per person).
    level = np.empty(n)
    level[0] = 0.0
    for t in range(1, n):
        level[t] = 0.8 * level[t - 1] + rng.normal(0, 1.0)
    rate = np.clip(4.0 + 1.0 * level, 0.5, None)
    rate[-FALL_WEEKS:] *= 1 - FALL
    rows = []
    discovery = np.zeros(n, dtype=int)
    for owner in OWNERS:
        calls = rng.poisson(rate)
        discovery += calls
        for t, week in enumerate(weeks):
            kinds = {"discovery_call": int(calls[t])}
            kinds |= {k: int(rng.poisson(m)) for k, m in NOISE.items()}
            for kind, count in kinds.items():
                for day in rng.integers(0, 5, count):
                    rows.append((owner, week + pd.Timedelta(days=int(day)), kind))
    acts = pd.DataFrame(rows, columns=["owner", "date", "type"]).sort_values(
        ["date", "owner", "type"], kind="stable"
    )
    acts.insert(0, "id", [f"A{k:06d}" for k in range(1, len(acts) + 1)])
    acts["date"] = acts["date"].dt.strftime("%Y-%m-%d")
    acts.to_csv(folder / "activities.csv", index=False)

    deals = []
    for t, week in enumerate(weeks):
        won = rng.poisson(0.2 * discovery[t - LAG]) if t >= LAG else rng.poisson(2.4)
        lost = rng.poisson(1.0)
        for status, count in (("Closed Won", won), ("Closed Lost", lost)):
            for _ in range(count):
                close = week + pd.Timedelta(days=int(rng.integers(0, 5)))
                deals.append((status, close, float(round(rng.lognormal(9.4, 0.25), -1))))
    for _ in range(25):  # open deals, closing after the as-of date
        close = LAST + pd.Timedelta(days=int(rng.integers(14, 120)))
        deals.append((str(rng.choice(["Qualify", "Propose"])), close, 15000.0))
    opps = pd.DataFrame(deals, columns=["stage", "close", "amount"])
    opps["created"] = opps["close"] - pd.to_timedelta(7 * LAG + rng.integers(0, 14, len(opps)), "D")
    opps["owner"] = rng.choice(OWNERS, len(opps))
    opps["id"] = [f"JF-{k:04d}" for k in range(1, len(opps) + 1)]
    opps["account"] = [f"Account {k % 97 + 1}" for k in range(len(opps))]
    opps["name"] = opps["account"] + " - advisory project"
    opps["margin"] = (opps["amount"] * 0.4).round(2)
    for column in ("created", "close"):
        opps[column] = opps[column].dt.strftime("%Y-%m-%d")
    columns = ["id", "name", "owner", "account", "stage", "amount", "created", "close", "margin"]
    opps[columns].to_csv(folder / "opportunities.csv", index=False)


if __name__ == "__main__":
    main(Path(__file__).resolve().parent)
