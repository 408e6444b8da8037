"""The sample client's CRM exports: Cedar Ridge Technology, 2025-01-01 to 2027-01-08.

    .venv/bin/python data/make_sample_crm.py [FOLDER]

rewrites, from one fixed seed, the eight CRM tables of the sample client folder
(``data/sample/cedar-ridge/`` unless FOLDER is given) in the ``plain`` layout
(canonical column names): ``opportunities.csv``, ``opportunities_previous.csv``
(the same export as it stood on 2026-12-08), ``opportunity_history.csv``,
``activities.csv``, ``forecasts.csv``, ``lead_spend.csv``, ``receivables.csv`` and
``consultant_hours.csv``. Two runs write the same bytes (numpy's Generator with a
fixed seed, sorted rows, every float to the cent); ``tests/unit/test_sample_crm.py``
checks that the committed files equal a fresh generation.

What the data follows from the folder
-------------------------------------
- Owners are the roster's quota-carrying reps, spelled as ``roster.csv`` spells
  them; nobody creates, wins or loses a deal before the first day of their start
  month (Grace Liu 2026-10, Hannah Brooks 2025-05), and Owen Kessler (starting
  2027-02) has no CRM history at all.
- Won deals of each month of 2026 add up to ``plan.new_business_share`` (0.60) of
  that month's ``actuals.csv`` revenue, within a deal's size (the rest of the
  revenue renews without a rep). 2025 follows the same months a tenth lower. A
  won deal goes to a rep by weight (Elena Sorensen strongest; Hannah Brooks as
  many deals as a rep, half the size) times the plan's ramp by month of tenure, so Grace Liu's first won
  deals arrive in November 2026.
- Close dates fall on working days, heavier towards the end of a month and much
  heavier in the last days of a quarter, December the heaviest (as the actuals).

What is planted, and why
------------------------
- **Deal sizes and margins by stream**: lognormal (right-skewed) amounts with the
  won average near ``plan.average_deal`` (28,000; 29,941 as generated, median
  22,050): hardware and licences larger (won median 32,225) at the settings' low
  margin (about 18%), professional services smaller (20,600, margin about 52%),
  managed services 23,900 (about 62%), support contracts 11,325 (about 78%).
  ``margin`` is the deal's gross-margin money; ``stream`` names the offer's
  revenue stream (an extra column). Hannah Brooks sells deals about half the size.
- **Win rates by count** near ``plan.win_rate`` (0.30; 0.293 as generated): lost
  deals are drawn per rep and month from the won ones at odds set by each rep's
  rate (Elena 0.33, Tomás 0.29, Hannah 0.28, Grace 0.24). Cycles (created to close) are 30-180 days (1-6 months), hardware and
  support shorter, managed services longer.
- **Open pipeline** at the as-of date: 75 deals (2.14 million), expected to close
  3-120 days after 2027-01-08, later stages nearer their close, each with a forecast
  category (Pipeline, Best Case, Commit; some Omitted).
- **History and slippage**: ``opportunity_history.csv`` holds one row per change
  of stage, amount or close date (each row the deal's state from that day on).
  About a third of the deals have their close date pushed once or twice, some
  pulled in, a quarter change amount. Ten planted deals (fifteen in all) open on
  both snapshots had a December 2026 close date on 2026-12-08 and now close in
  2027 (the slipped deals a pipeline-flow view lists); six more changed amount and three were pulled in
  between the two dates. Both snapshots are read off that history, so the
  three files agree.
- **Forecasts**: each rep's forecast for a month, submitted at its start. Tomás
  Aguilar sandbags (about 28% under his actual, every month), Hannah Brooks
  over-commits (about 38% over), Elena and Grace land near their actual with noise.
- **The leading indicator**: a rep's discovery calls in week w are drawn as
  Poisson(base x working days / 5 + 1.6 x sqrt(won amount of week w + 9 / 10,000)),
  so discovery calls lead won bookings by 9 weeks: on the weekly series of the
  whole team, differenced, the cross-correlation of discovery calls with bookings
  is 0.62 at lag 9 and at most 0.20 at any other lag of 0-13. Demos carry the same
  lag with weight 0.9 on a smaller base (0.43 at lag 9, a weaker lead). Emails are
  Poisson noise with no lead (no lag above 0.16). For the weeks
  whose bookings lie after the as-of date, the open pipeline's expected bookings
  (amount x stage probability by expected close week) stand in.
  Tomás Aguilar's new-prospect calls fall from about 12 to about 6 a week over the
  last 13 weeks (an indicator trending down); Hannah Brooks, inside sales, makes
  many calls and almost no face-to-face visits.
- **Lead spend**: monthly spend and leads for the four paid sources (Web, Events,
  Partner referral, Outbound); every lead count is at least the opportunities that
  source created that month. Events are heavy in March-April and September-October.
  Deals with existing customers come from the source "Existing customer" (no spend).
  Cost per lead: Web about 107, Outbound 188, Events 286, Partner referral 341.
- **Receivables**: one invoice per won deal, issued at close, paid 20-75 days
  later (amount-weighted mean 48 days); invoices not yet paid by 2027-01-08 are
  unpaid (15, 452,550). With December's heavy sales open, the balance-based DSO
  on 2027-01-08 (open balance / the last 90 days' invoices x 90) is 52 days, a
  little above the settings' goal of 45.
- **Consultant hours**: weekly hours of five delivery consultants of the
  professional-services team (not on the sales roster, which lists only the
  leadership and the sales team): about 40 hours available in a full week,
  billable about 28-32 (utilization 0.75), billed a little below billable
  (realization 0.92, blended rate 166), standard rates of 150-180 (5% higher from
  2026), and the contracted hours not yet worked (about 170 each, near a 30-day
  backlog at 6 billable hours a day).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from salesnb.io.crm_settings import FIELDS

SEED = 20270108
FOLDER = Path(__file__).resolve().parent / "sample" / "cedar-ridge"
AS_OF = pd.Timestamp("2027-01-08")
PREVIOUS_AS_OF = pd.Timestamp("2026-12-08")
START = pd.Timestamp("2025-01-01")
EARLIEST_CREATED = pd.Timestamp("2024-07-01")
LAG_WEEKS = 9

STAGES = (  # name, status, probability
    ("Qualify", "open", 0.10),
    ("Discover", "open", 0.25),
    ("Propose", "open", 0.50),
    ("Negotiate", "open", 0.75),
    ("Closed Won", "won", 1.0),
    ("Closed Lost", "lost", 0.0),
)
OPEN_STAGES = tuple(s[0] for s in STAGES[:4])
PROBABILITY = {name: p for name, _, p in STAGES}

# stream: (median amount, lognormal sigma, margin rate, cycle median days, offers)
STREAMS = {
    "Hardware and licences": (
        40000,
        0.70,
        0.18,
        60,
        (
            "Laptop refresh",
            "Server refresh",
            "Network upgrade",
            "Microsoft 365 licences",
            "Firewall replacement",
            "Windows 11 devices",
        ),
    ),
    "Professional services": (
        22000,
        0.55,
        0.52,
        85,
        (
            "Microsoft 365 migration",
            "Azure migration",
            "Security assessment",
            "Network design",
            "Intune rollout",
            "Backup and recovery project",
        ),
    ),
    "Managed services": (
        29000,
        0.55,
        0.62,
        110,
        ("Managed IT services", "Managed security", "Managed backup", "Help desk contract"),
    ),
    "Support contracts": (
        11000,
        0.45,
        0.78,
        45,
        (
            "Hardware support renewal",
            "Premier support",
            "Microsoft support plan",
            "Extended warranty",
        ),
    ),
}
STREAM_NAMES = tuple(STREAMS)
STREAM_MIX = (0.30, 0.34, 0.22, 0.14)
MEAN_DEAL = sum(  # the mean of a deal of size factor 1
    share * median * math.exp(sigma**2 / 2)
    for share, (median, sigma, *_) in zip(STREAM_MIX, STREAMS.values(), strict=True)
)
EXISTING_SHARE = {  # share of a stream's deals sold to existing customers
    "Hardware and licences": 0.30,
    "Professional services": 0.30,
    "Managed services": 0.40,
    "Support contracts": 0.70,
}


# rep: weight (share of a month's bookings), win rate, deal-size factor, forecast bias,
# forecast noise, and weekly activity rates (see ACTIVITY_TYPES for the order)
REPS = {
    "Elena Sorensen": (1.25, 0.33, 1.10, 1.00, 0.08, (16, 5, 2.5, 1.6, 1.2, 0.6, 24, 10, 3)),
    "Tomás Aguilar": (1.05, 0.29, 1.00, 0.72, 0.07, (12, 4, 2.0, 1.4, 1.0, 0.4, 20, 9, 3)),
    "Hannah Brooks": (1.00, 0.28, 0.55, 1.38, 0.08, (28, 0.5, 1.5, 1.4, 1.4, 0.1, 30, 18, 1.5)),
    "Grace Liu": (1.00, 0.24, 0.95, 1.00, 0.12, (18, 4, 2.0, 1.4, 1.0, 0.3, 22, 10, 3)),
}
RAMP = (0.0, 0.25, 0.5, 0.75)

# the CRM's activity labels and the standard kind each maps to (settings' activity_types)
ACTIVITY_TYPES = (
    ("Prospecting call", "new_prospect_call"),
    ("Face-to-face visit", "face_to_face"),
    ("Presales call", "presales_call"),
    ("Discovery call", "discovery_call"),
    ("Demo", "demo"),
    ("Executive presentation", "executive_presentation"),
    ("Email", "email"),
    ("Call", "call"),
    ("Meeting", "meeting"),
)
DISCOVERY_WEIGHT = 1.6  # extra discovery calls per sqrt(10,000 of bookings 9 weeks later)
DEMO_WEIGHT = 0.9

PAID_SOURCES = ("Web", "Events", "Partner referral", "Outbound")
EXISTING_SOURCE = "Existing customer"
# source: lead-to-opportunity conversion, cost per lead
LEAD_ECONOMICS = {
    "Web": (0.12, 85.0),
    "Events": (0.18, 260.0),
    "Partner referral": (0.45, 320.0),
    "Outbound": (0.22, 150.0),
}
LEAD_BASE = {  # spend each month whatever the leads: site, sponsorships, programme, tools
    "Web": 900.0,
    "Events": 400.0,
    "Partner referral": 250.0,
    "Outbound": 700.0,
}
EVENT_MONTHS = (3, 4, 9, 10)

CONSULTANTS = {  # name: standard rate in 2025 (5% higher from 2026)
    "Nadia Petrova": 180.0,
    "Samuel Osei": 165.0,
    "Lucía Fernández": 160.0,
    "Ben Carter": 150.0,
    "Mei Tanaka": 170.0,
}

# the company's holidays (no selling, no consultant hours)
HOLIDAYS = pd.to_datetime(
    [
        "2024-11-28",
        "2024-11-29",
        "2024-12-24",
        "2024-12-25",
        "2025-01-01",
        "2025-05-26",
        "2025-07-04",
        "2025-09-01",
        "2025-11-27",
        "2025-11-28",
        "2025-12-24",
        "2025-12-25",
        "2026-01-01",
        "2026-05-25",
        "2026-07-03",
        "2026-09-07",
        "2026-11-26",
        "2026-11-27",
        "2026-12-24",
        "2026-12-25",
        "2027-01-01",
        "2027-05-31",
        "2027-07-05",
    ]
)

PREFIXES = (
    "Alder",
    "Aspen",
    "Bayview",
    "Birch",
    "Blue Heron",
    "Boulder",
    "Brightwater",
    "Canyon",
    "Cascade",
    "Clearfield",
    "Copper",
    "Cottonwood",
    "Crescent",
    "Driftwood",
    "Eagle",
    "Elmstead",
    "Fairhaven",
    "Falcon",
    "Fox Hollow",
    "Glacier",
    "Granite",
    "Greenleaf",
    "Harbor",
    "Hawthorne",
    "Highland",
    "Ironwood",
    "Juniper",
    "Kestrel",
    "Lakeshore",
    "Laurel",
    "Maple",
    "Meadow",
    "Mesa",
    "Millbrook",
    "Northgate",
    "Oakridge",
    "Pine",
    "Prairie",
    "Quarry",
    "Redstone",
    "Ridgeline",
    "Riverside",
    "Sagebrush",
    "Silverline",
    "Stonebridge",
    "Summit",
    "Timber",
    "Valley",
    "Westbrook",
    "Willow",
)
SUFFIXES = (
    "Accounting",
    "Architects",
    "Auto Group",
    "Builders",
    "Credit Union",
    "Dental Group",
    "Distribution",
    "Engineering",
    "Family Clinic",
    "Foods",
    "Freight",
    "Health Partners",
    "Insurance",
    "Law Group",
    "Logistics",
    "Manufacturing",
    "Medical Center",
    "Outfitters",
    "Property Management",
    "Realty",
    "School District",
    "Veterinary",
    "Wealth Advisors",
)


def working_days(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    """Monday to Friday from ``first`` to ``last``, the company's holidays left out.

    Examples
    --------
    >>> [d.day for d in working_days(pd.Timestamp("2026-12-21"), pd.Timestamp("2026-12-27"))]
    [21, 22, 23]
    """
    days = pd.bdate_range(first, last)
    return days[~days.isin(HOLIDAYS)]


def month_start(date: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(date.year, date.month, 1)


def _roster(folder: Path) -> dict[str, tuple[pd.Timestamp, pd.Timestamp | None]]:
    """Each modelled rep's first and last day, from roster.csv."""
    roster = pd.read_csv(folder / "roster.csv", encoding="utf-8")
    spans = {}
    for row in roster.itertuples(index=False):
        if row.name not in REPS:
            continue
        first = pd.Timestamp(f"{row.start}-01")
        last = None
        if isinstance(row.end, str) and row.end:
            last = pd.Timestamp(f"{row.end}-01") + pd.offsets.MonthEnd(0)
        spans[row.name] = (first, last)
    return spans


def _monthly_targets(folder: Path, rng: np.random.Generator) -> dict[pd.Timestamp, float]:
    """Won bookings wanted per month: the new-business share of the actuals."""
    settings = yaml.safe_load((folder / "settings.yaml").read_text(encoding="utf-8"))
    share = float(settings["plan"]["new_business_share"])
    actuals = pd.read_csv(folder / "actuals.csv")
    by_month = {
        pd.Timestamp(f"{m}-01"): float(r)
        for m, r in zip(actuals.month, actuals.revenue, strict=True)
    }
    targets = {}
    for month, revenue in by_month.items():
        earlier = pd.Timestamp(month.year - 1, month.month, 1)
        targets[earlier] = share * revenue / 1.10 * math.exp(rng.normal(0.0, 0.06))
    for month, revenue in by_month.items():
        targets[month] = share * revenue
    january = pd.Timestamp("2027-01-01")
    days_so_far = len(working_days(january, AS_OF)) / len(
        working_days(january, january + pd.offsets.MonthEnd(0))
    )
    targets[january] = share * by_month[pd.Timestamp("2026-01-01")] * 1.12 * days_so_far * 0.6
    return dict(sorted(targets.items()))


def _tenure_factor(first: pd.Timestamp, month: pd.Timestamp) -> float:
    tenure = (month.year - first.year) * 12 + month.month - first.month
    if tenure < 0:
        return 0.0
    return RAMP[tenure] if tenure < len(RAMP) else 1.0


def _draw_deal(rng: np.random.Generator, rep: str, lost: bool = False) -> tuple[str, float]:
    stream = STREAM_NAMES[rng.choice(len(STREAM_NAMES), p=STREAM_MIX)]
    median, sigma = STREAMS[stream][:2]
    size = REPS[rep][2] * (1.1 if lost else 1.0)
    amount = median * size * math.exp(rng.normal(0.0, sigma))
    amount = min(max(amount, 1500.0), 260000.0)
    return stream, round(amount / 50.0) * 50.0


def _close_day(rng: np.random.Generator, month: pd.Timestamp, end_weighted: bool) -> pd.Timestamp:
    """A working day of the month (to the as-of date), later days likelier when won."""
    days = working_days(month, min(month + pd.offsets.MonthEnd(0), AS_OF))
    position = np.linspace(0.0, 1.0, len(days))
    weight = np.ones(len(days))
    if end_weighted:
        weight += 2.0 * position**3
        if month.month in (3, 6, 9, 12):
            weight[-7:] *= 3.0 if month.month == 12 else 2.5
    return days[rng.choice(len(days), p=weight / weight.sum())]


def _cycle_days(rng: np.random.Generator, stream: str, lost: bool) -> int:
    median = 70 if lost else STREAMS[stream][3]
    return int(np.clip(round(median * math.exp(rng.normal(0.0, 0.45))), 30, 180))


def _working_on_or_before(date: pd.Timestamp) -> pd.Timestamp:
    while date.weekday() >= 5 or date in HOLIDAYS:
        date -= pd.Timedelta(days=1)
    return date


def _closed_deals(rng, targets, spans) -> list[dict]:
    """Won deals adding up to each month's target, and lost deals beside them."""
    deals = []
    for month, total in targets.items():
        weights = {}
        for rep, (first, last) in spans.items():
            if last is None or month <= last:
                weights[rep] = REPS[rep][0] * _tenure_factor(first, month)
        reps = [rep for rep, weight in weights.items() if weight > 0]
        share = np.array([weights[rep] for rep in reps])
        share /= share.sum()

        def draw(reps=reps, share=share) -> tuple[str, str, float]:
            rep = reps[rng.choice(len(reps), p=share)]
            return (rep, *_draw_deal(rng, rep))

        # deals drawn one by one (a random one redrawn when the month overshoots),
        # then scaled to the month's target: the month's count follows its size
        won = [draw() for _ in range(max(1, round(total / MEAN_DEAL)))]
        for _ in range(200):
            booked = sum(deal[2] for deal in won)
            if booked * 1.2 < total:
                won.append(draw())
            elif booked * 0.85 > total:
                won[rng.integers(len(won))] = draw()
            else:
                break
        factor = total / sum(deal[2] for deal in won)
        won = [(r, s, round(a * factor / 50.0) * 50.0) for r, s, a in won]
        for rep in reps:
            mine = [(s, a) for r, s, a in won if r == rep]
            win_rate = REPS[rep][1]
            lost_count = rng.poisson(max(len(mine), 0.5) * (1 - win_rate) / win_rate)
            lost = [(*_draw_deal(rng, rep, lost=True), "lost") for _ in range(lost_count)]
            for stream, amount, status in [(s, a, "won") for s, a in mine] + lost:
                close = _close_day(rng, month, end_weighted=status == "won")
                first = max(spans[rep][0], EARLIEST_CREATED)
                cycle = _cycle_days(rng, stream, status == "lost")
                created = _working_on_or_before(close - pd.Timedelta(days=cycle))
                if created < first:
                    created = first + pd.Timedelta(days=int(rng.integers(0, 5)))
                    created = max(_working_on_or_before(created), first)
                    if (close - created).days < 30:
                        continue
                deals.append(
                    {
                        "owner": rep,
                        "stream": stream,
                        "amount": amount,
                        "status": status,
                        "created": created,
                        "close": close,
                    }
                )
    return deals


def _open_deals(rng, spans) -> list[dict]:
    counts = {"Elena Sorensen": 22, "Tomás Aguilar": 20, "Hannah Brooks": 18, "Grace Liu": 15}
    deals = []
    for rep, count in counts.items():
        first, last = spans[rep]
        for _ in range(count):
            stream, amount = _draw_deal(rng, rep)
            ahead = int(np.clip(round(rng.gamma(2.2, 24.0)), 3, 120))
            close = AS_OF + pd.Timedelta(days=ahead)
            if last is not None:
                close = min(close, last)
            close = _working_on_or_before(close)
            cycle = _cycle_days(rng, stream, lost=False) + int(rng.integers(0, 20))
            created = close - pd.Timedelta(days=min(cycle, 180))
            latest = AS_OF - pd.Timedelta(days=2)
            created = _working_on_or_before(min(max(created, first), latest))
            # later stages nearer the close
            nearness = 1.0 - ahead / 120.0
            p = np.array([1.2 - nearness, 1.0, 0.4 + nearness, 0.1 + 1.2 * nearness**2])
            stage = OPEN_STAGES[rng.choice(4, p=p / p.sum())]
            deals.append(
                {
                    "owner": rep,
                    "stream": stream,
                    "amount": amount,
                    "status": "open",
                    "created": created,
                    "close": close,
                    "stage": stage,
                }
            )
    return deals


def _accounts(rng) -> tuple[list[str], list[str]]:
    """Existing customers (80) and prospects (420), unique fictional names."""
    names = [f"{p} {s}" for p in PREFIXES for s in SUFFIXES]
    chosen = [names[i] for i in rng.permutation(len(names))[:500]]
    return sorted(chosen[:80]), sorted(chosen[80:])


def _source(rng, created: pd.Timestamp, rep: str, existing: bool) -> str:
    if existing:
        return EXISTING_SOURCE if rng.random() < 0.85 else "Partner referral"
    events = 0.30 if created.month in EVENT_MONTHS else 0.05
    if rep == "Hannah Brooks":
        weights = np.array([0.45, events / 2, 0.10, 0.40])
    else:
        weights = np.array([0.30, events, 0.30, 0.25])
    return PAID_SOURCES[rng.choice(4, p=weights / weights.sum())]


def _stage_path(rng, deal: dict) -> list[str]:
    if deal["status"] == "won":
        top = 3
    elif deal["status"] == "lost":
        top = int(rng.choice(4, p=[0.35, 0.30, 0.25, 0.10]))
    else:
        top = OPEN_STAGES.index(deal["stage"])
    path = [OPEN_STAGES[0]]
    for index in range(1, top + 1):
        if index == top or rng.random() > 0.15:
            path.append(OPEN_STAGES[index])
    return path


def _history(rng, deal: dict, plant: str = "") -> list[tuple]:
    """The deal's states: (changed, stage, amount, close), the first at creation."""
    created, close = deal["created"], deal["close"]
    end = close if deal["status"] != "open" else AS_OF
    span = max((end - created).days, 2)
    path = _stage_path(rng, deal)
    offsets = np.sort(rng.integers(1, span, len(path) - 1)) if len(path) > 1 else []
    events = [
        (created + pd.Timedelta(days=int(o)), "stage", s)
        for o, s in zip(offsets, path[1:], strict=True)
    ]

    amount = deal["amount"]
    first_amount = amount
    between = PREVIOUS_AS_OF + pd.Timedelta(days=int(rng.integers(1, 29)))
    if rng.random() < 0.25 or plant == "amount":
        first_amount = round(amount * rng.choice([0.75, 0.85, 1.2, 1.3]) / 100.0) * 100.0
        when = created + pd.Timedelta(days=int(rng.integers(1, span)))
        events.append((between if plant == "amount" else when, "amount", amount))

    # close dates: the expected close as first entered, then each push or pull-in
    expected = [close]
    push_dates: list[pd.Timestamp] = []
    roll = rng.random()
    if plant == "pull":
        expected = [close + pd.Timedelta(days=int(rng.integers(20, 45))), close]
        push_dates = [between]
    elif plant == "slip":
        prior = pd.Timestamp("2026-12-10") + pd.Timedelta(days=int(rng.integers(0, 20)))
        expected = [prior, close]
        push_dates = [prior - pd.Timedelta(days=int(rng.integers(0, 2)))]
    elif roll < 0.35:
        pushes = 1 if rng.random() < 0.75 else 2
        for _ in range(pushes):
            latest = min(expected[0], AS_OF + pd.Timedelta(days=5))
            prior = latest - pd.Timedelta(days=int(rng.integers(10, 60)))
            if (prior - created).days < 14:
                break
            when = prior - pd.Timedelta(days=int(rng.integers(0, 10)))
            when = min(when, AS_OF)
            if when <= created or (push_dates and when >= push_dates[0]):
                break
            expected.insert(0, prior)
            push_dates.insert(0, when)
    elif roll < 0.43 and span > 10:
        later = close + pd.Timedelta(days=int(rng.integers(10, 40)))
        when = created + pd.Timedelta(days=int(rng.integers(1, span)))
        if deal["status"] != "open" or when <= AS_OF:
            expected = [later, close]
            push_dates = [when]
    for when, value in zip(push_dates, expected[1:], strict=True):
        events.append((when, "close", value))
    if deal["status"] != "open":
        final = "Closed Won" if deal["status"] == "won" else "Closed Lost"
        events.append((close, "stage", final))
        events.append((close, "close", close))

    state = {"stage": OPEN_STAGES[0], "amount": first_amount, "close": expected[0]}
    rows = [(created, state["stage"], state["amount"], state["close"])]
    order = {"stage": 0, "amount": 1, "close": 2}
    for when, field, value in sorted(events, key=lambda e: (e[0], order[e[1]])):
        when = min(max(when, created), end)
        state[field] = value
        row = (when, state["stage"], state["amount"], state["close"])
        if row[1:] == rows[-1][1:]:
            continue
        if rows[-1][0] == when:
            rows[-1] = row
        else:
            rows.append(row)
    return rows


def _forecast_category(stage: str, u: float) -> str:
    if stage == "Closed Won":
        return "Closed"
    if stage == "Closed Lost":
        return "Omitted"
    if stage == "Qualify":
        return "Pipeline" if u < 0.9 else "Omitted"
    if stage == "Discover":
        return "Pipeline" if u < 0.85 else "Best Case"
    if stage == "Propose":
        return "Best Case" if u < 0.6 else ("Pipeline" if u < 0.85 else "Commit")
    return "Commit" if u < 0.75 else "Best Case"


def _snapshot(deals: pd.DataFrame, history: pd.DataFrame, on: pd.Timestamp) -> pd.DataFrame:
    """The opportunities export as it stood at the end of day ``on``."""
    state = history[history.changed <= on].groupby("id").tail(1).set_index("id")
    frame = deals[deals.created <= on].set_index("id").drop(columns=["stage", "amount", "close"])
    frame = frame.join(state[["stage", "amount", "close"]])
    frame["probability"] = frame.stage.map(PROBABILITY)
    frame["forecast_category"] = [
        _forecast_category(s, u) for s, u in zip(frame.stage, frame.category_draw, strict=True)
    ]
    frame["margin"] = (frame.amount * frame.margin_rate).round(2)
    frame = frame.reset_index()
    columns = [*FIELDS["opportunities"], "stream"]  # the plain layout, and the stream
    return frame[columns].sort_values("id").reset_index(drop=True)


def _opportunities(rng, folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    spans = _roster(folder)
    targets = _monthly_targets(folder, rng)
    deals = _closed_deals(rng, targets, spans) + _open_deals(rng, spans)
    deals.sort(key=lambda d: (d["created"], d["owner"], d["close"], d["amount"]))
    customers, prospects = _accounts(rng)
    account_labels = {"new": "New Business", "existing": "Existing Business"}
    for number, deal in enumerate(deals, start=1001):
        deal["id"] = f"OPP-{number}"
        existing = rng.random() < EXISTING_SHARE[deal["stream"]]
        pool = customers if existing else prospects
        deal["account"] = pool[rng.integers(len(pool))]
        deal["account_type"] = account_labels["existing" if existing else "new"]
        if existing and deal["stream"] == "Support contracts" and rng.random() < 0.5:
            deal["account_type"] = "Renewal"
        offers = STREAMS[deal["stream"]][4]
        deal["name"] = f"{deal['account']} - {offers[rng.integers(len(offers))]}"
        deal["source"] = _source(rng, deal["created"], deal["owner"], existing)
        rate = STREAMS[deal["stream"]][2] + rng.normal(0.0, 0.03)
        deal["margin_rate"] = float(np.clip(rate, 0.05, 0.9))
        deal["category_draw"] = float(rng.random())
    # plant: ten deals open on both snapshots whose December close slipped into 2027
    slipping = [
        d["id"]
        for d in deals
        if d["status"] == "open"
        and d["created"] <= PREVIOUS_AS_OF - pd.Timedelta(days=20)
        and d["close"] >= pd.Timestamp("2027-01-15")
    ]
    planted = dict.fromkeys(slipping[:: max(1, len(slipping) // 10)][:10], "slip")
    # and, among the other deals open on both dates, amounts changed and close dates
    # pulled in between the snapshots
    others = [
        d["id"]
        for d in deals
        if d["status"] == "open"
        and d["created"] <= PREVIOUS_AS_OF - pd.Timedelta(days=20)
        and d["id"] not in planted
    ]
    planted.update(dict.fromkeys(others[1::4][:6], "amount"))
    planted.update(dict.fromkeys(others[3::4][:3], "pull"))
    rows = []
    for deal in deals:
        for changed, stage, amount, close in _history(rng, deal, planted.get(deal["id"], "")):
            rows.append((deal["id"], changed, stage, amount, close))
    history = pd.DataFrame(rows, columns=["id", "changed", "stage", "amount", "close"])
    frame = pd.DataFrame(deals).drop(columns=["status"])
    frame = frame.drop(columns=["stage"]).assign(stage="", amount=0.0)
    current = _snapshot(frame, history, AS_OF)
    previous = _snapshot(frame, history, PREVIOUS_AS_OF)
    return current, previous, {"history": history, "planted": sorted(planted)}


def _weeks(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(first - pd.Timedelta(days=first.weekday()), last, freq="7D")


def _activities(rng, opportunities: pd.DataFrame, spans) -> pd.DataFrame:
    """Activities per rep per working day, discovery calls leading bookings by 9 weeks."""
    weeks = _weeks(START, AS_OF)
    ahead = weeks[-1] + pd.Timedelta(weeks=LAG_WEEKS)
    all_weeks = _weeks(START, ahead)
    opps = opportunities.assign(
        week=opportunities.close - pd.to_timedelta(opportunities.close.dt.day_of_week, unit="D")
    )
    won = opps[opps.stage == "Closed Won"]
    open_ = opps[opps.stage.isin(OPEN_STAGES)]
    expected = open_.assign(amount=open_.amount * open_.probability)
    rows = []
    for rep, (first, last) in spans.items():
        rates = np.array(REPS[rep][5], dtype=float)
        booked = won[won.owner == rep].groupby("week").amount.sum()
        booked = booked.reindex(all_weeks, fill_value=0.0)
        future = expected[expected.owner == rep].groupby("week").amount.sum()
        future = future.reindex(all_weeks, fill_value=0.0)
        lead = np.where(all_weeks > weeks[-1], future.to_numpy(), booked.to_numpy())
        for index, week in enumerate(weeks):
            days = working_days(max(week, first, START), min(week + pd.Timedelta(days=6), AS_OF))
            if last is not None:
                days = days[days <= last]
            if len(days) == 0:
                continue
            tenure_weeks = (week - first).days / 7
            ramp = 0.6 if tenure_weeks < 4 else 1.0
            scale = ramp * len(days) / 5.0
            week_rates = rates * scale
            if rep == "Tomás Aguilar":  # new-prospect calls fall over the last 13 weeks
                late = max(0.0, (index - (len(weeks) - 13)) / 12.0)
                week_rates[0] *= 1.0 - 0.5 * min(late, 1.0)
            signal = math.sqrt(lead[index + LAG_WEEKS] / 10000.0)
            week_rates[3] += ramp * DISCOVERY_WEIGHT * signal
            week_rates[4] += ramp * DEMO_WEIGHT * signal
            counts = rng.poisson(week_rates)
            for type_index, count in enumerate(counts):
                if count == 0:
                    continue
                spread = rng.multinomial(count, np.full(len(days), 1.0 / len(days)))
                label = ACTIVITY_TYPES[type_index][0]
                for day, n in zip(days, spread, strict=True):
                    rows.extend([(rep, day, label)] * int(n))
    frame = pd.DataFrame(rows, columns=["owner", "date", "type"])
    frame = frame.sort_values(["date", "owner", "type"], kind="stable").reset_index(drop=True)
    frame.insert(0, "id", [f"ACT-{i:06d}" for i in range(1, len(frame) + 1)])
    return frame[["id", "owner", "date", "type"]]


def _forecasts(rng, opportunities: pd.DataFrame, spans) -> pd.DataFrame:
    """Each rep's forecast for a month, submitted at its start."""
    months = pd.period_range("2025-01", "2027-01", freq="M")
    won = opportunities[opportunities.stage == "Closed Won"]
    actual = won.groupby([won.owner, won.close.dt.to_period("M")]).amount.sum()
    january = opportunities[
        opportunities.stage.isin(("Negotiate", "Propose"))
        & (opportunities.close.dt.to_period("M") == months[-1])
    ]
    rows = []
    for rep, (first, last) in spans.items():
        bias, noise = REPS[rep][3], REPS[rep][4]
        mine = actual[actual.index.get_level_values(0) == rep]
        typical = float(mine.median()) if len(mine) else 0.0
        for month in months:
            if month < first.to_period("M") or (last is not None and month > last.to_period("M")):
                continue
            value = float(actual.get((rep, month), 0.0))
            if month == months[-1]:
                pipeline = january[january.owner == rep]
                value += float((pipeline.amount * pipeline.probability).sum())
            if value == 0:  # a month with nothing won still had a forecast
                value = 0.5 * typical
            forecast = value * bias * math.exp(rng.normal(0.0, noise))
            rows.append((rep, str(month), round(forecast / 500.0) * 500.0))
    frame = pd.DataFrame(rows, columns=["owner", "period", "forecast"])
    return frame.sort_values(["period", "owner"]).reset_index(drop=True)


def _lead_spend(rng, opportunities: pd.DataFrame) -> pd.DataFrame:
    months = pd.period_range("2025-01", "2026-12", freq="M")
    created = opportunities.groupby([opportunities.source, opportunities.created.dt.to_period("M")])
    opps = created.size()
    rows = []
    for source in PAID_SOURCES:
        conversion, cost = LEAD_ECONOMICS[source]
        for month in months:
            count = int(opps.get((source, month), 0))
            leads = count / conversion * math.exp(rng.normal(0.0, 0.15))
            leads = max(count, round(leads)) if count else int(rng.poisson(3))
            spend = LEAD_BASE[source] + leads * cost * math.exp(rng.normal(0.0, 0.10))
            rows.append((source, str(month), round(spend, 2), leads))
    frame = pd.DataFrame(rows, columns=["source", "month", "spend", "leads"])
    return frame.sort_values(["month", "source"]).reset_index(drop=True)


def _receivables(rng, opportunities: pd.DataFrame) -> pd.DataFrame:
    won = opportunities[opportunities.stage == "Closed Won"].sort_values(["close", "id"])
    slow = {a: rng.uniform(0.8, 1.3) for a in sorted(won.account.unique())}
    rows = []
    for number, deal in enumerate(won.itertuples(index=False), start=1):
        days = int(np.clip(round(20 + rng.gamma(2.2, 15.0) * slow[deal.account]), 20, 75))
        paid = deal.close + pd.Timedelta(days=days)
        rows.append(
            (
                f"INV-{number:05d}",
                deal.account,
                deal.close,
                paid if paid <= AS_OF else pd.NaT,
                deal.amount,
            )
        )
    return pd.DataFrame(rows, columns=["invoice", "customer", "issued", "paid", "amount"])


def _consultant_hours(rng) -> pd.DataFrame:
    weeks = _weeks(pd.Timestamp("2025-01-06"), AS_OF)
    rows = []
    for name, rate in CONSULTANTS.items():
        vacation = set()
        for year in (2025, 2026):
            in_year = [w for w in weeks if w.year == year]
            for pick in rng.choice(len(in_year), 3, replace=False):
                vacation.add(in_year[pick])
        backlog = 180.0
        for week in weeks:
            days = len(working_days(week, week + pd.Timedelta(days=4)))
            available = 8.0 * days if week not in vacation else 0.0
            utilization = np.clip(rng.normal(0.75, 0.04), 0.6, 0.9)
            billable = round(available * utilization * 2) / 2
            billed = round(billable * rng.uniform(0.90, 0.98) * 2) / 2
            standard = rate * (1.05 if week.year >= 2026 else 1.0)
            amount = round(billed * standard * rng.uniform(0.96, 1.0), 2)
            backlog = max(40.0, 0.85 * backlog + 0.15 * 180.0 + rng.normal(0.0, 18.0))
            rows.append((name, week, available, billable, billed, amount, standard, round(backlog)))
    columns = [
        "consultant",
        "week",
        "available",
        "billable",
        "billed_hours",
        "billed_amount",
        "standard_rate",
        "unworked_contracted",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["week", "consultant"]).reset_index(drop=True)


def generate(folder: Path = FOLDER, seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Every CRM table of the sample client, by file name.

    Parameters
    ----------
    folder
        The client folder whose roster, actuals and settings the data follow.
    seed
        The seed of the one random generator all tables are drawn from.

    Returns
    -------
    dict of str to DataFrame
        File name -> table, rows sorted, dates as Timestamps.

    Examples
    --------
    >>> tables = generate()
    >>> sorted(tables)[:3]
    ['activities.csv', 'consultant_hours.csv', 'forecasts.csv']
    >>> sorted(tables["opportunities.csv"].owner.unique())
    ['Elena Sorensen', 'Grace Liu', 'Hannah Brooks', 'Tomás Aguilar']
    """
    rng = np.random.default_rng(seed)
    spans = _roster(folder)
    current, previous, extra = _opportunities(rng, folder)
    return {
        "opportunities.csv": current,
        "opportunities_previous.csv": previous,
        "opportunity_history.csv": extra["history"]
        .sort_values(["id", "changed"])
        .reset_index(drop=True),
        "activities.csv": _activities(rng, current, spans),
        "forecasts.csv": _forecasts(rng, current, spans),
        "lead_spend.csv": _lead_spend(rng, current),
        "receivables.csv": _receivables(rng, current),
        "consultant_hours.csv": _consultant_hours(rng),
    }


def to_csv(frame: pd.DataFrame) -> str:
    """The table as CSV text: ISO dates, floats to the cent, LF line ends.

    Examples
    --------
    >>> to_csv(pd.DataFrame({"d": [pd.Timestamp("2027-01-08")], "x": [1.5], "n": [3]}))
    'd,x,n\\n2027-01-08,1.50,3\\n'
    """
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d").fillna("")
    return out.to_csv(index=False, float_format="%.2f", lineterminator="\n")


def write(folder: Path = FOLDER, seed: int = SEED) -> list[Path]:
    """Generate the tables from ``folder``'s roster and actuals and write them into it."""
    written = []
    for name, frame in generate(folder, seed).items():
        path = folder / name
        path.write_text(to_csv(frame), encoding="utf-8", newline="")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folder", nargs="?", type=Path, default=FOLDER)
    args = parser.parse_args(argv)
    for path in write(args.folder):
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
