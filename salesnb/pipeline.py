"""The pipeline: how it moved, how it converts, and whether it is enough for the quotas.

From the CRM's opportunity frames (one snapshot, two snapshots, or the stage, amount and
close-date history), this module works out the pipeline figures of the annual plan and
the sales dashboard, by rep and in total:

- :func:`pipeline_flow` -- how the pipeline of a window of close dates moved between two
  snapshots: start + created + pulled in + increased - decreased - pushed out - lost -
  won = end, deal by deal, and the deals that slipped; :func:`flow_from_history` -- the
  same between any two dates, from the history alone;
- :func:`snapshot_from_history` -- the opportunities as they stood on a date;
- :func:`stage_conversion` -- of the deals that reached each stage, how many reached
  the next and how many were won; :func:`time_in_stage` -- days spent in each stage;
- :func:`pipeline_math` -- closing ratio, cohort win rate, and the pipeline each month
  must start with and must take in to make its quota;
- :func:`thirty_sixty_ninety` -- open pipeline by days to its expected close, against the
  quota of those days;
- :func:`coverage` -- pipeline over quota for the next 1, 2 and 3 months, against the
  coverage each rep's win rate calls for.

Conventions
-----------
The frames are the CRM's canonical ones: opportunities (and an earlier snapshot) with
``id``, ``owner``, ``amount``, ``close``, ``status`` (``open``, ``won`` or ``lost``) and,
where a figure needs them, ``name``, ``created`` and ``stage``; history with ``id``,
``changed``, ``stage`` and optionally ``amount`` and ``close``, each row the deal's state
from that date on. Dates are naive ``datetime64`` days; months are monthly ``pd.Period``.
``close`` is the expected close date of an open deal and the actual one of a closed deal.

Stages are given in order, as a mapping ``{name: status}``, as ``(name, status)`` pairs,
or as objects with ``name`` and ``status`` attributes; the open stages, in that order, are
the funnel, and a won deal counts as past every one of them.

Quotas come as a frame with one row per rep (the index) and one column per month.

By rep means by the deal's owner; a deal without an owner is grouped under a missing
owner, so the reps always add up to the total. Every function is pure and vectorised
(a million opportunities take seconds); a bad input raises
:class:`~salesnb.errors.InputError` naming the column and what was expected. A rate with
nothing to divide by is NaN; a need that no finite amount meets (coverage against a win
rate of 0) is infinite, and the result's notes say so in words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesnb import _checks as check
from salesnb.errors import InputError

__all__ = [
    "BUCKETS",
    "THIRTY_SIXTY_NINETY",
    "Coverage",
    "PipelineFlow",
    "PipelineMath",
    "StageConversion",
    "ThirtySixtyNinety",
    "TimeInStage",
    "coverage",
    "flow_from_history",
    "pipeline_flow",
    "pipeline_math",
    "snapshot_from_history",
    "stage_conversion",
    "thirty_sixty_ninety",
    "time_in_stage",
]

#: The buckets of the pipeline flow, in the order of its identity.
BUCKETS: tuple[str, ...] = (
    "start",
    "created",
    "pulled_in",
    "increased",
    "decreased",
    "pushed_out",
    "lost",
    "won",
    "end",
)

#: The 30/60/90 categories, in order: days from the as-of date to the expected close.
THIRTY_SIXTY_NINETY: tuple[str, ...] = (
    "overdue",
    "0-30",
    "31-60",
    "61-90",
    "over 90",
    "no close date",
)

_STATUSES = ("open", "won", "lost")
_DAY = pd.Timedelta(days=1)


# ----------------------------------------------------------------------------
# Checking input
# ----------------------------------------------------------------------------


def _window(window: object) -> tuple[pd.Timestamp, pd.Timestamp]:
    """A window of close dates: a Period (a month, a quarter, a year) or a pair of dates."""
    if isinstance(window, pd.Period):
        return window.start_time.normalize(), window.end_time.normalize()
    if isinstance(window, tuple | list) and len(window) == 2:
        first = check.day("window (first day)", window[0])
        last = check.day("window (last day)", window[1])
        if last < first:
            raise InputError(
                f"window: the last day {last.date()} is before the first {first.date()}"
            )
        return first, last
    raise InputError(
        "window: expected a Period such as Period('2027Q1') or a pair of dates "
        f"(first day, last day); got {window!r}"
    )


def _amounts(frame: pd.DataFrame, column: str, name: str) -> pd.Series:
    try:
        return pd.to_numeric(frame[column]).astype(float)
    except (TypeError, ValueError):
        raise InputError(f"{name}: {column} must hold amounts") from None


def _unique_ids(frame: pd.DataFrame, name: str) -> None:
    duplicated = frame["id"].duplicated()
    if duplicated.any():
        raise InputError(
            f"{name}: id {frame['id'][duplicated].iloc[0]!r} appears more than once "
            "(a snapshot holds each deal once)"
        )


def _statuses(values: pd.Series, name: str) -> pd.Series:
    bad = ~values.isin(_STATUSES)
    if bad.any():
        raise InputError(f"{name}: status must be open, won or lost; got {values[bad].iloc[0]!r}")
    return values.astype(object)


def _snapshot(frame: object, name: str) -> pd.DataFrame:
    """The fields the flow reads, checked: id, name, owner, amount, close, status."""
    frame = check.columns(name, frame, ("id", "owner", "amount", "close", "status"))
    _unique_ids(frame, name)
    return pd.DataFrame(
        {
            "id": frame["id"].to_numpy(object),
            "name": (frame["name"] if "name" in frame else pd.Series(np.nan, frame.index)).to_numpy(
                object
            ),
            "owner": frame["owner"].to_numpy(object),
            "amount": _amounts(frame, "amount", name).to_numpy(),
            "close": check.dates(name, frame, "close").to_numpy(),
            "status": _statuses(frame["status"], name).to_numpy(object),
        }
    )


@dataclass(frozen=True)
class _Stages:
    names: tuple[str, ...]
    status: Mapping[str, str]
    open: tuple[str, ...]  # the funnel, in order

    def rank(self, stage: pd.Series, name: str) -> np.ndarray:
        """0..k-1 for the open stages, k (past them all) for a won stage, -1 for a lost one."""
        ranks = {s: i for i, s in enumerate(self.open)}
        ranks.update({s: len(self.open) for s, st in self.status.items() if st == "won"})
        ranks.update({s: -1 for s, st in self.status.items() if st == "lost"})
        mapped = stage.map(ranks)
        if mapped.isna().any():
            raise InputError(
                f"{name}: stage {stage[mapped.isna()].iloc[0]!r} is not one of the stages "
                f"given ({', '.join(self.names)})"
            )
        return mapped.to_numpy(dtype=np.int64)

    def statuses(self, stage: pd.Series, name: str) -> np.ndarray:
        self.rank(stage, name)  # the same check of unknown stages
        return stage.map(self.status).to_numpy(object)

    def order(self, stage: pd.Series) -> np.ndarray:
        return stage.map({s: i for i, s in enumerate(self.names)}).to_numpy(dtype=np.int64)


def _stages(stages: object) -> _Stages:
    items: list[tuple[str, str]] = []
    if isinstance(stages, Mapping):
        items = [(str(k), str(v)) for k, v in stages.items()]
    elif isinstance(stages, Iterable) and not isinstance(stages, str):
        for item in stages:
            if isinstance(item, tuple | list) and len(item) >= 2:
                items.append((str(item[0]), str(item[1])))
            elif hasattr(item, "name") and hasattr(item, "status"):
                items.append((str(item.name), str(item.status)))
            else:
                raise InputError(
                    f"stages: each stage needs a name and a status (open, won or lost); got {item!r}"
                )
    else:
        raise InputError(f"stages: expected the stages in order; got {stages!r}")
    names = tuple(name for name, _ in items)
    if len(set(names)) != len(names):
        raise InputError("stages: a stage is named twice")
    for stage, status in items:
        if status not in _STATUSES:
            raise InputError(f"stages: {stage!r} must be open, won or lost; got {status!r}")
    opens = tuple(name for name, status in items if status == "open")
    if not opens:
        raise InputError("stages: at least one open stage is needed")
    return _Stages(names, dict(items), opens)


def _quota_frame(quotas: object) -> pd.DataFrame:
    """Quotas as floats, one row per rep (index 'owner'), one monthly Period column each."""
    if not isinstance(quotas, pd.DataFrame):
        raise InputError(
            f"quotas: expected a table with a row per rep and a column per month; "
            f"got {type(quotas).__name__}"
        )
    try:
        months = pd.PeriodIndex([pd.Period(c, freq="M") for c in quotas.columns], name="month")
    except (TypeError, ValueError):
        raise InputError("quotas: every column must be a month such as '2027-01'") from None
    if months.has_duplicates:
        raise InputError(f"quotas: month {months[months.duplicated()][0]} appears twice")
    try:
        values = quotas.apply(pd.to_numeric).to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise InputError("quotas: every quota must be an amount") from None
    if np.isinf(values).any() or (values < 0).any():
        raise InputError("quotas: every quota must be a finite amount, 0 or more")
    out = pd.DataFrame(values, index=pd.Index(quotas.index, name="owner"), columns=months)
    if out.index.has_duplicates:
        raise InputError(f"quotas: rep {out.index[out.index.duplicated()][0]!r} appears twice")
    return out.sort_index(axis=1)


def _window_quota(quotas: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """Each rep's quota of the days first..last: the quota per day of each month, summed.

    NaN for a rep whose quota of a month in the window is not given.
    """
    months = pd.period_range(first, last, freq="M")
    total = pd.Series(0.0, index=quotas.index)
    for month in months:
        lo, hi = max(first, month.start_time), min(last, month.end_time.normalize())
        share = ((hi - lo).days + 1) / month.days_in_month
        column = quotas[month] if month in quotas.columns else pd.Series(np.nan, quotas.index)
        total = total + column * share
    return total


def _group(values: pd.DataFrame, keys: list, columns: list[str]) -> pd.DataFrame:
    return values.groupby(keys, dropna=False, sort=True)[columns].sum()


def _ratio(numerator: object, denominator: object) -> object:
    """numerator / denominator, NaN where the denominator is 0 (nothing to divide by)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        num = np.asarray(numerator, dtype=float)
        den = np.asarray(denominator, dtype=float)
        out = np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)
    if isinstance(numerator, pd.Series | pd.DataFrame):
        return type(numerator)(
            out,
            index=numerator.index,
            **({"columns": numerator.columns} if isinstance(numerator, pd.DataFrame) else {}),
        )
    return float(out) if out.ndim == 0 else out


def _need(amount: object, rate: object) -> object:
    """amount / rate: infinite where the rate is 0 and the amount above 0, 0 where the
    amount is 0, NaN where the rate is unknown."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.asarray(amount, dtype=float)
        r = np.asarray(rate, dtype=float)
        out = np.where(a == 0, 0.0, np.where(r > 0, a / np.where(r > 0, r, 1.0), np.inf))
        out = np.where(np.isnan(r) & (a != 0), np.nan, out)
        out = np.where(np.isnan(a), np.nan, out)
    return out


# ----------------------------------------------------------------------------
# Pipeline flow
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineFlow:
    """How the pipeline of a window of close dates moved between two snapshots.

    Attributes
    ----------
    window : tuple of Timestamp
        The first and last expected close date of the window (both included).
    previous_as_of, as_of : Timestamp or None
        The dates of the two snapshots, when given.
    deals : DataFrame
        One row per deal that was in the window's pipeline or came into it: ``id``,
        ``name``, ``owner``, the buckets (:data:`BUCKETS`), the two snapshots' status,
        close date and amount (``_previous`` / ``_current``), and the flags ``reopened``
        (closed before, open or closed again now) and ``removed`` (gone from the
        current snapshot, counted as lost).
    by_rep : DataFrame
        The buckets summed by owner (index ``owner``).
    total : Series
        The buckets summed over every deal.
    slipped : DataFrame
        The deals of the start pipeline still open with a later close date: ``id``,
        ``name``, ``owner``, ``close_previous``, ``close_current``, ``days_later``,
        ``amount_previous``, ``amount_current`` and ``pushed_out`` (now beyond the
        window), largest current amount first.
    """

    window: tuple[pd.Timestamp, pd.Timestamp]
    previous_as_of: pd.Timestamp | None
    as_of: pd.Timestamp | None
    deals: pd.DataFrame
    by_rep: pd.DataFrame
    total: pd.Series
    slipped: pd.DataFrame


def pipeline_flow(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    window: pd.Period | tuple[object, object],
    *,
    previous_as_of: object = None,
    as_of: object = None,
) -> PipelineFlow:
    """The pipeline flow of a window of close dates between two snapshots.

    Parameters
    ----------
    previous, current : DataFrame
        The opportunities as exported on the earlier date and on the later one (``id``,
        ``owner``, ``amount``, ``close``, ``status``; ``name`` when present), each deal
        once.
    window : Period or pair of dates
        The expected close dates followed: a Period (``pd.Period("2027Q1")``: the quarter)
        or the first and last day, both included.
    previous_as_of, as_of : date, optional
        The snapshots' dates, recorded in the result.

    Returns
    -------
    PipelineFlow
        The buckets deal by deal, by rep and in total, and the slipped deals.

    Notes
    -----
    A deal is *in the window* in a snapshot when it is open there with its close date
    in the window. Each bucket is an amount, 0 or more:

    - **start**: in the window in the previous snapshot, at its previous amount;
    - **end**: in the window in the current snapshot, at its current amount;
    - **created**: not in the window before, and either absent from the previous
      snapshot or closed in it (a *reopened* deal), and now in the window or newly
      won or lost with its close date in the window, at its current amount. So a
      deal created and won between the snapshots is created and won; one created
      and lost is created and lost;
    - **pulled_in**: open in the previous snapshot with its close date outside the
      window (later, or earlier: an overdue deal given a date in the window), and now
      in the window or newly won or lost with its close date in it, at its previous
      amount;
    - **increased** / **decreased**: for a deal counted at its previous amount (start
      or pulled in), the change to its current amount when it ends in the window, is
      won or is pushed out;
    - **pushed_out**: in the window before, open now with its close date outside the
      window (or none), at its current amount: an amount change then a push is
      decreased (or increased) and pushed out;
    - **won**: in the window before, or come into it, and won now (the status changed
      since the previous snapshot), at its current amount, whatever its close date:
      a deal of the window won early is a win of the window;
    - **lost**: in the window before, or come into it, and lost now, at the amount it
      had before (a CRM often zeroes the amount of a lost deal; a deal created and lost
      between the snapshots is lost at its current amount). A deal of the start
      pipeline *removed* from the current snapshot counts as lost, flagged ``removed``.

    So for every deal, every rep and the total,
    start + created + pulled_in + increased - decreased - pushed_out - lost - won = end.
    A deal closed in both snapshots with the same status, or outside the window in both,
    is outside the flow. A deal's rep is its current owner (the previous one when it was
    removed), so a reassigned deal moves whole to its new owner.

    The slipped deals are the deals of the start pipeline still open with a later
    close date than before, pushed out of the window or not.

    Examples
    --------
    >>> prev = pd.DataFrame({"id": ["a", "b"], "owner": "Ann", "amount": [100.0, 50.0],
    ...     "close": pd.to_datetime(["2027-02-10", "2027-03-20"]), "status": "open"})
    >>> cur = prev.assign(amount=[120.0, 50.0], status=["won", "open"],
    ...     close=pd.to_datetime(["2027-01-20", "2027-04-15"]))
    >>> flow = pipeline_flow(prev, cur, pd.Period("2027Q1"))
    >>> flow.total.to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'start': 150.0, 'created': 0.0, 'pulled_in': 0.0, 'increased': 20.0, 'decreased': 0.0,
     'pushed_out': 50.0, 'lost': 0.0, 'won': 120.0, 'end': 0.0}
    >>> flow.slipped[["id", "days_later"]].to_dict("records")
    [{'id': 'b', 'days_later': 26}]
    """
    first, last = _window(window)
    p = _snapshot(previous, "previous")
    c = _snapshot(current, "current")
    both = p.merge(c, on="id", how="outer", suffixes=("_previous", "_current"), indicator=True)
    in_p = (both["_merge"] != "right_only").to_numpy()
    in_c = (both["_merge"] != "left_only").to_numpy()
    st_p = both["status_previous"].to_numpy(object)
    st_c = both["status_current"].to_numpy(object)
    close_p = both["close_previous"]
    close_c = both["close_current"]
    a0 = both["amount_previous"].to_numpy(float)
    a1 = both["amount_current"].to_numpy(float)

    win_p = close_p.between(first, last).to_numpy()
    win_c = close_c.between(first, last).to_numpy()
    open_p = st_p == "open"
    open_c = st_c == "open"
    s0 = open_p & win_p
    s1 = open_c & win_c
    newly_closed = in_c & (st_c != "open") & ~(in_p & (st_p == st_c))
    exits_closed = newly_closed & (s0 | win_c)
    removed = s0 & ~in_c
    entered = ~s0 & (s1 | exits_closed)
    pulled = entered & open_p
    created = entered & ~open_p
    won = exits_closed & (st_c == "won")
    lost = exits_closed & (st_c == "lost")
    pushed = s0 & open_c & ~win_c
    active = s0 | entered

    uses_a0 = s0 | pulled
    uses_a1 = (s1 | created | won | pushed) & in_c
    missing = (uses_a0 & np.isnan(a0)) | (uses_a1 & np.isnan(a1))
    if missing.any():
        where = "previous" if (uses_a0 & np.isnan(a0))[missing][0] else "current"
        raise InputError(
            f"{where}: amount of deal {both['id'].to_numpy()[missing][0]!r} is missing; "
            "every deal of the pipeline needs an amount"
        )
    a0z = np.where(in_p, a0, 0.0)
    a1z = np.where(in_c, a1, 0.0)
    a0z = np.nan_to_num(a0z)
    a1z = np.nan_to_num(a1z)
    change = np.where(uses_a0 & (s1 | won | pushed), a1z - a0z, 0.0)
    values = {
        "start": np.where(s0, a0z, 0.0),
        "created": np.where(created, a1z, 0.0),
        "pulled_in": np.where(pulled, a0z, 0.0),
        "increased": np.maximum(change, 0.0),
        "decreased": np.maximum(-change, 0.0),
        "pushed_out": np.where(pushed, a1z, 0.0),
        "lost": np.where(removed | (lost & open_p), a0z, np.where(lost, a1z, 0.0)),
        "won": np.where(won, a1z, 0.0),
        "end": np.where(s1, a1z, 0.0),
    }
    owner = both["owner_current"].where(in_c, both["owner_previous"])
    name = both["name_current"].where(in_c, both["name_previous"])
    deals = pd.DataFrame({"id": both["id"], "name": name, "owner": owner, **values})
    deals["status_previous"] = st_p
    deals["status_current"] = st_c
    deals["close_previous"] = close_p
    deals["close_current"] = close_c
    deals["amount_previous"] = a0
    deals["amount_current"] = a1
    deals["reopened"] = created & in_p
    deals["removed"] = removed
    deals = deals[active].reset_index(drop=True)
    by_rep = _group(deals, ["owner"], list(BUCKETS))
    total = deals[list(BUCKETS)].sum().astype(float)

    later = (s0 & open_c & (close_c > close_p).to_numpy())[active]
    kept = deals[later]
    slipped = pd.DataFrame(
        {
            "id": kept["id"],
            "name": kept["name"],
            "owner": kept["owner"],
            "close_previous": kept["close_previous"],
            "close_current": kept["close_current"],
            "days_later": (kept["close_current"] - kept["close_previous"]).dt.days.astype(int),
            "amount_previous": kept["amount_previous"],
            "amount_current": kept["amount_current"],
            "pushed_out": kept["pushed_out"] > 0,
        }
    )
    slipped = slipped.sort_values(["amount_current", "id"], ascending=[False, True], kind="stable")
    return PipelineFlow(
        window=(first, last),
        previous_as_of=(
            None if previous_as_of is None else check.day("previous_as_of", previous_as_of)
        ),
        as_of=None if as_of is None else check.day("as_of", as_of),
        deals=deals,
        by_rep=by_rep,
        total=total,
        slipped=slipped.reset_index(drop=True),
    )


# ----------------------------------------------------------------------------
# History
# ----------------------------------------------------------------------------


def _prepared_history(
    history: pd.DataFrame, stages: _Stages, opportunities: pd.DataFrame | None
) -> pd.DataFrame:
    """History rows sorted by deal and date, with status, rank and carried-forward fields.

    A blank amount or close date means "unchanged": it takes the deal's previous row's
    value, and before any, the opportunity's current one.
    """
    history = check.columns("history", history, ("id", "changed", "stage"))
    rows = pd.DataFrame(
        {
            "id": history["id"].to_numpy(object),
            "changed": check.dates("history", history, "changed", blank="refuse").to_numpy(),
            "stage": history["stage"].to_numpy(object),
            "amount": (
                _amounts(history, "amount", "history")
                if "amount" in history
                else pd.Series(np.nan, history.index)
            ).to_numpy(float),
            "close": (
                check.dates("history", history, "close")
                if "close" in history
                else pd.Series(pd.NaT, history.index, dtype="datetime64[ns]")
            ).to_numpy(),
        }
    )
    if rows["id"].isna().any():
        raise InputError("history: every row needs the id of its deal")
    deal, _ = pd.factorize(rows["id"])
    order = np.lexsort((np.arange(len(rows)), rows["changed"].to_numpy(), deal))
    rows = rows.iloc[order].reset_index(drop=True)
    codes = pd.Index(list(stages.names), dtype=object).get_indexer(rows["stage"])
    if (codes < 0).any():
        bad = rows["stage"][codes < 0].iloc[0]
        raise InputError(
            f"history: stage {bad!r} is not one of the stages given ({', '.join(stages.names)})"
        )
    codes = codes.astype(np.int64)
    k = len(stages.open)
    status = np.array([stages.status[name] for name in stages.names], dtype=object)
    rank = np.array(
        [
            stages.open.index(name) if name in stages.open else (k if st == "won" else -1)
            for name, st in zip(stages.names, status, strict=True)
        ],
        dtype=np.int64,
    )
    rows["status"] = status[codes]
    rows["rank"] = rank[codes]
    rows["stage_order"] = codes
    # carry a blank amount or close date forward within each deal
    n = len(rows)
    ids = deal[order]
    first = np.ones(n, dtype=bool)
    first[1:] = ids[1:] != ids[:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(n), 0)) if n else np.arange(0)
    for column in ("amount", "close"):
        values = rows[column].to_numpy()
        known = ~pd.isna(values)
        last = np.maximum.accumulate(np.where(known, np.arange(n), -1)) if n else np.arange(0)
        carried = values[np.maximum(last, 0)] if n else values
        rows[column] = pd.Series(carried).where(last >= start)
    if opportunities is not None and n:
        latest = opportunities.drop_duplicates("id").set_index("id")
        for column in ("amount", "close"):
            blank = rows[column].isna()
            if column in latest and blank.any():
                rows.loc[blank, column] = rows.loc[blank, "id"].map(latest[column])
    return rows


def _state_at(rows: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """The last row of each deal changed on or before ``day`` (rows sorted by id, date)."""
    on_or_before = (rows["changed"] <= day).to_numpy()
    ids = rows["id"].to_numpy(object)
    last_of_deal = np.ones(len(rows), dtype=bool)
    if len(rows) > 1:
        last_of_deal[:-1] = ids[:-1] != ids[1:]
    following = np.zeros(len(rows), dtype=bool)
    following[:-1] = on_or_before[1:]
    keep = on_or_before & (last_of_deal | ~following)
    return rows[keep]


def _attach(state: pd.DataFrame, opportunities: pd.DataFrame | None) -> pd.DataFrame:
    """The history state with the deals' other fields (owner, name, created, ...)."""
    fields = ["id", "stage", "stage_order", "status", "amount", "close"]
    out = state[fields].reset_index(drop=True)
    if opportunities is None:
        out["owner"] = np.nan
        return out
    other = opportunities.drop(columns=[c for c in fields[1:] if c in opportunities])
    other = other.drop_duplicates("id")
    out = out.merge(other, on="id", how="left", sort=False)
    if "owner" not in out:
        out["owner"] = np.nan
    return out


def snapshot_from_history(
    history: pd.DataFrame,
    stages: object,
    as_of: object,
    *,
    opportunities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The opportunities as they stood at the end of ``as_of``, from their history.

    Parameters
    ----------
    history : DataFrame
        ``id``, ``changed``, ``stage`` and optionally ``amount`` and ``close``: each row
        is the deal's state from its ``changed`` date on.
    stages : stages in order
        The stages with their status (see the module notes).
    as_of : date
        The day whose closing state is wanted (changes dated that day included).
    opportunities : DataFrame, optional
        The current opportunities: they give each deal's other fields (``owner``,
        ``name``, ``created``, ...), and an amount or close date the history leaves blank.

    Returns
    -------
    DataFrame
        One row per deal with a history row on or before ``as_of``: ``id``, ``stage``,
        ``stage_order`` (position in ``stages``), ``status``, ``amount``, ``close``,
        then the opportunity's other columns (``owner`` always; NaN for a deal the
        opportunities do not hold). It can be passed to :func:`pipeline_flow`.

    Notes
    -----
    Of two rows of one deal on the same day, the later one in the file wins. A blank
    amount or close date in a row means unchanged since the deal's previous row; before
    its first filled row, it is the opportunity's current value. A deal whose first
    history row is after ``as_of`` is not in the snapshot (it did not exist yet). The
    owner, name and other fields are today's: the history does not say who owned a
    deal before.

    Examples
    --------
    >>> history = pd.DataFrame({"id": ["a", "a", "b"],
    ...     "changed": pd.to_datetime(["2027-01-02", "2027-01-20", "2027-01-25"]),
    ...     "stage": ["Qualify", "Won", "Qualify"], "amount": [100.0, 90.0, 40.0],
    ...     "close": pd.to_datetime(["2027-02-28", "2027-01-20", "2027-03-31"])})
    >>> snap = snapshot_from_history(history, {"Qualify": "open", "Won": "won",
    ...                                         "Lost": "lost"}, "2027-01-22")
    >>> snap[["id", "status", "amount"]].to_dict("records")
    [{'id': 'a', 'status': 'won', 'amount': 90.0}]
    """
    table = _stages(stages)
    day = check.day("as_of", as_of)
    rows = _prepared_history(history, table, opportunities)
    return _attach(_state_at(rows, day), opportunities)


def flow_from_history(
    history: pd.DataFrame,
    stages: object,
    window: pd.Period | tuple[object, object],
    previous_as_of: object,
    as_of: object,
    *,
    opportunities: pd.DataFrame | None = None,
) -> PipelineFlow:
    """The pipeline flow between any two dates, from the stage, amount and close history.

    The two snapshots are :func:`snapshot_from_history` at ``previous_as_of`` and at
    ``as_of``, and the flow is :func:`pipeline_flow` between them, so every bucket means
    what it means there. Deals come into being on their first history row: a deal whose
    history starts between the two dates is created.

    Parameters
    ----------
    history, stages, opportunities
        As for :func:`snapshot_from_history`.
    window : Period or pair of dates
        The expected close dates followed.
    previous_as_of, as_of : date
        The earlier and the later date.

    Returns
    -------
    PipelineFlow

    Examples
    --------
    >>> history = pd.DataFrame({"id": ["a", "a"],
    ...     "changed": pd.to_datetime(["2027-01-02", "2027-02-10"]),
    ...     "stage": ["Qualify", "Won"], "amount": [100.0, 110.0],
    ...     "close": pd.to_datetime(["2027-03-15", "2027-02-10"])})
    >>> flow = flow_from_history(history, {"Qualify": "open", "Won": "won", "Lost": "lost"},
    ...                          pd.Period("2027Q1"), "2027-01-31", "2027-02-28")
    >>> flow.total[["start", "increased", "won", "end"]].tolist()
    [100.0, 10.0, 110.0, 0.0]
    """
    table = _stages(stages)
    first = check.day("previous_as_of", previous_as_of)
    second = check.day("as_of", as_of)
    if second < first:
        raise InputError(f"as_of: {second.date()} is before previous_as_of {first.date()}")
    rows = _prepared_history(history, table, opportunities)
    return pipeline_flow(
        _attach(_state_at(rows, first), opportunities),
        _attach(_state_at(rows, second), opportunities),
        window,
        previous_as_of=first,
        as_of=second,
    )


# ----------------------------------------------------------------------------
# Stage conversion and time in stage
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StageConversion:
    """What became of the deals that reached each open stage.

    Attributes
    ----------
    basis : str
        ``"history"`` (each deal's stages followed forward) or ``"final stages"`` (each
        deal's current stage only: an approximation, see :func:`stage_conversion`).
    by_stage : DataFrame
        One row per open stage, in order (index ``stage``): ``entered`` (deals that
        reached the stage or went past it), ``reached_next`` (of those, the deals that
        reached the next stage or beyond; after the last open stage, won), ``won``,
        ``lost``, ``open`` (still open), ``to_next`` = reached_next / entered and
        ``win_rate`` = won / entered (NaN where no deal entered).
    by_rep : DataFrame
        The same by owner (index ``owner``, ``stage``).
    """

    basis: str
    by_stage: pd.DataFrame
    by_rep: pd.DataFrame


def _funnel(
    highest: np.ndarray, final: np.ndarray, owner: pd.Series, table: _Stages
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts per stage from each deal's highest rank reached and its final status."""
    k = len(table.open)
    deals = pd.DataFrame(
        {
            "owner": owner.to_numpy(object),
            "highest": np.clip(highest, -1, k),
            "n": 1,
            "won": final == "won",
            "lost": final == "lost",
            "open": final == "open",
        }
    )
    columns = ["n", "won", "lost", "open"]

    def cumulate(counts: pd.DataFrame) -> pd.DataFrame:
        # counts: index highest; the deals at or above each rank, for ranks 0..k
        full = counts.reindex(range(-1, k + 1), fill_value=0).astype(np.int64)
        above = full[::-1].cumsum()[::-1]
        out = pd.DataFrame(
            {
                "entered": above["n"].loc[0 : k - 1].to_numpy(),
                "reached_next": above["n"].loc[1:k].to_numpy(),
                "won": above["won"].loc[0 : k - 1].to_numpy(),
                "lost": above["lost"].loc[0 : k - 1].to_numpy(),
                "open": above["open"].loc[0 : k - 1].to_numpy(),
            },
            index=pd.Index(table.open, name="stage"),
        )
        out["to_next"] = _ratio(out["reached_next"], out["entered"])
        out["win_rate"] = _ratio(out["won"], out["entered"])
        return out

    total = cumulate(deals.groupby("highest")[columns].sum())
    grouped = deals.groupby(["owner", "highest"], dropna=False)[columns].sum()
    parts = {
        rep: cumulate(part.droplevel("owner"))
        for rep, part in grouped.groupby(level="owner", dropna=False)
    }
    if parts:
        by_rep = pd.concat(parts, names=["owner", "stage"])
    else:
        by_rep = total.iloc[:0].copy()
        by_rep.index = pd.MultiIndex.from_arrays([[], []], names=["owner", "stage"])
    return total, by_rep


def stage_conversion(
    stages: object,
    *,
    history: pd.DataFrame | None = None,
    opportunities: pd.DataFrame | None = None,
) -> StageConversion:
    """Stage-to-stage conversion and win rate from each stage, by rep and in total.

    Parameters
    ----------
    stages : stages in order
        The stages with their status (see the module notes); the open ones are the funnel.
    history : DataFrame, optional
        ``id``, ``changed``, ``stage``: each deal's stage changes. When it holds rows,
        it is the basis.
    opportunities : DataFrame, optional
        The current opportunities (``id``, ``owner``, and ``stage`` and ``status`` for
        the final-stage basis): they give each deal's owner, and the basis when there
        is no history.

    Returns
    -------
    StageConversion

    Notes
    -----
    From history, a deal has *entered* every open stage up to the highest one it
    reached, whether it passed through each or skipped some: a deal that jumped from
    stage 1 to stage 3 counts as having passed stage 2, and a deal created at stage 3
    has entered stages 1 and 2. A won deal has passed every open stage; a lost deal
    reached the highest open stage its history shows before the loss (a deal whose
    history is only a lost row entered none). ``reached_next`` of a stage is the deals
    that entered the next one (after the last open stage: that were won). Whether a
    deal is won, lost or open is its last history row's stage.

    Without history, each deal's final stage is all that is known: an open deal has
    entered the stages up to its current one, a won deal all of them, and a lost deal
    only the first (the stage it was lost at is gone). The rates are then an
    approximation, and ``basis`` says ``"final stages"``.

    Examples
    --------
    >>> stages = {"Qualify": "open", "Propose": "open", "Won": "won", "Lost": "lost"}
    >>> history = pd.DataFrame({"id": ["a", "a", "b", "b", "c"],
    ...     "changed": pd.to_datetime(["2027-01-01", "2027-01-09", "2027-01-02",
    ...                                "2027-01-05", "2027-01-03"]),
    ...     "stage": ["Qualify", "Won", "Qualify", "Lost", "Propose"]})
    >>> result = stage_conversion(stages, history=history)
    >>> result.by_stage[["entered", "reached_next", "won"]].to_dict("index")
    {'Qualify': {'entered': 3, 'reached_next': 2, 'won': 1}, 'Propose': {'entered': 2, 'reached_next': 1, 'won': 1}}
    """
    table = _stages(stages)
    owners = None
    if opportunities is not None:
        check.columns("opportunities", opportunities, ("id", "owner"))
        owners = opportunities.drop_duplicates("id").set_index("id")["owner"]
    if history is not None and len(history):
        rows = _prepared_history(history, table, None)
        by_deal = rows.groupby("id", sort=False)
        highest = by_deal["rank"].max()
        final = by_deal["status"].last()
        owner = (
            highest.index.to_series().map(owners)
            if owners is not None
            else pd.Series(np.nan, highest.index)
        )
        total, by_rep = _funnel(highest.to_numpy(), final.to_numpy(object), owner, table)
        return StageConversion("history", total, by_rep)
    if opportunities is None:
        raise InputError("stage_conversion: needs the history or the opportunities")
    frame = check.columns("opportunities", opportunities, ("id", "owner", "stage", "status"))
    rank = table.rank(frame["stage"], "opportunities")
    status = _statuses(frame["status"], "opportunities").to_numpy(object)
    highest = np.where(status == "won", len(table.open), np.where(status == "lost", 0, rank))
    total, by_rep = _funnel(highest, status, frame["owner"], table)
    return StageConversion("final stages", total, by_rep)


@dataclass(frozen=True)
class TimeInStage:
    """Days deals spend in each open stage, from the stage history.

    Attributes
    ----------
    by_stage : DataFrame
        One row per open stage, in order (index ``stage``): ``deals`` (deals that left
        the stage), ``median_days`` and ``mean_days`` (per deal, its days in the stage
        summed over its visits; NaN when no deal left it) and ``in_stage_now`` (deals in
        the stage at the end of the history, not counted in the days).
    by_rep : DataFrame
        The same by owner (index ``owner``, ``stage``).
    """

    by_stage: pd.DataFrame
    by_rep: pd.DataFrame


def time_in_stage(
    history: pd.DataFrame,
    stages: object,
    *,
    opportunities: pd.DataFrame | None = None,
    as_of: object = None,
) -> TimeInStage:
    """Median and mean days per open stage, by rep and in total.

    Parameters
    ----------
    history : DataFrame
        ``id``, ``changed``, ``stage``.
    stages : stages in order
        The stages with their status.
    opportunities : DataFrame, optional
        ``id`` and ``owner``: each deal's owner for the figures by rep.
    as_of : date, optional
        Ignore history rows changed after this day.

    Returns
    -------
    TimeInStage

    Notes
    -----
    A deal is in a stage from the row that moved it there to the next row that moved
    it to another stage (a row that changes only the amount or close date does not end
    the stay). A deal's days in a stage are summed over its stays when it comes back
    to a stage. Only stays that ended count: a deal still in the stage is counted in
    ``in_stage_now`` and left out of the days, so that an open stay does not pull the
    figures down. A skipped stage took no time and is not counted as 0 days; won and
    lost stages are not timed.

    Examples
    --------
    >>> stages = {"Qualify": "open", "Propose": "open", "Won": "won", "Lost": "lost"}
    >>> history = pd.DataFrame({"id": ["a", "a", "a", "b", "b"],
    ...     "changed": pd.to_datetime(["2027-01-01", "2027-01-11", "2027-01-31",
    ...                                "2027-01-05", "2027-01-09"]),
    ...     "stage": ["Qualify", "Propose", "Won", "Qualify", "Propose"]})
    >>> time_in_stage(history, stages).by_stage.to_dict("index")  # doctest: +NORMALIZE_WHITESPACE
    {'Qualify': {'deals': 2, 'median_days': 7.0, 'mean_days': 7.0, 'in_stage_now': 0},
     'Propose': {'deals': 1, 'median_days': 20.0, 'mean_days': 20.0, 'in_stage_now': 1}}
    """
    table = _stages(stages)
    rows = _prepared_history(history, table, None)
    if as_of is not None:
        rows = rows[rows["changed"] <= check.day("as_of", as_of)].reset_index(drop=True)
    ids = rows["id"].to_numpy(object)
    stage = rows["stage"].to_numpy(object)
    first_of_deal = np.ones(len(rows), dtype=bool)
    first_of_deal[1:] = ids[1:] != ids[:-1]
    moved = first_of_deal.copy()
    moved[1:] |= stage[1:] != stage[:-1]
    stays = rows[moved].reset_index(drop=True)
    stay_ids = stays["id"].to_numpy(object)
    last_stay = np.ones(len(stays), dtype=bool)
    last_stay[:-1] = stay_ids[:-1] != stay_ids[1:]
    ended = stays["changed"].shift(-1)
    stays["days"] = (ended - stays["changed"]).dt.days.where(~last_stay)
    owners = None
    if opportunities is not None:
        check.columns("opportunities", opportunities, ("id", "owner"))
        owners = opportunities.drop_duplicates("id").set_index("id")["owner"]
    stays["owner"] = stays["id"].map(owners) if owners is not None else np.nan
    stays = stays[stays["status"] == "open"]
    done = stays[~last_stay[stays.index]]
    per_deal = done.groupby(["owner", "stage", "id"], dropna=False, sort=False)["days"].sum()
    per_deal = per_deal.reset_index()
    now = stays[last_stay[stays.index]]
    stage_index = pd.Index(table.open, name="stage")

    def summary(deals: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
        days = deals.groupby("stage")["days"]
        return pd.DataFrame(
            {
                "deals": days.size().reindex(stage_index, fill_value=0).astype(np.int64),
                "median_days": days.median().reindex(stage_index).astype(float),
                "mean_days": days.mean().reindex(stage_index).astype(float),
                "in_stage_now": current.groupby("stage")
                .size()
                .reindex(stage_index, fill_value=0)
                .astype(np.int64),
            },
            index=stage_index,
        )

    total = summary(per_deal, now)
    keys = ["owner", "stage"]
    reps = pd.unique(pd.concat([per_deal["owner"], now["owner"]], ignore_index=True))
    full = pd.MultiIndex.from_product([pd.Index(reps).sort_values(), stage_index], names=keys)
    days = per_deal.groupby(keys, dropna=False)["days"]
    by_rep = pd.DataFrame(
        {
            "deals": days.size().reindex(full, fill_value=0).astype(np.int64),
            "median_days": days.median().reindex(full).astype(float),
            "mean_days": days.mean().reindex(full).astype(float),
            "in_stage_now": now.groupby(keys, dropna=False)
            .size()
            .reindex(full, fill_value=0)
            .astype(np.int64),
        },
        index=full,
    )
    return TimeInStage(total, by_rep)


# ----------------------------------------------------------------------------
# Pipeline math: closing ratio, cohort win rate, the pipeline each month needs
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineMath:
    """Closing ratio, cohort win rate and the pipeline each quota month calls for.

    Attributes
    ----------
    as_of : Timestamp
        The as-of date; the months used are complete months before it.
    months : tuple of Period
        The trailing complete months the rates are taken over (empty when there is not
        enough history).
    enough : bool
        Whether the data hold the fewest complete months asked for.
    basis : str
        ``"history"`` (the pipeline at each month's start rebuilt from the history) or
        ``"final close dates"`` (an approximation, see :func:`pipeline_math`).
    monthly : DataFrame
        By owner and month (index ``owner``, ``month``), over the complete months the data
        cover: ``open_due`` (pipeline open at the month's start due to close in it),
        ``won`` (won value closed in the month), ``closing_ratio`` = won / open_due,
        ``cohort_closed`` (value of the deals created in the month since won or lost),
        ``cohort_won`` (of which won) and ``cohort_win_rate`` = cohort_won / cohort_closed.
    monthly_total : DataFrame
        The same for the whole team (index ``month``).
    rates : DataFrame
        By owner: ``closing_ratio`` and ``cohort_win_rate`` over the months used (sums
        of the months' values, divided).
    rates_total : Series
        The team's two rates.
    targets : DataFrame
        By owner and quota month: ``quota``, ``must_enter`` = quota / cohort win rate and
        ``start_needed`` = quota / closing ratio.
    targets_total : DataFrame
        The team's quota by month and the same two targets from the team's rates.
    notes : tuple of str
        What the figures could not say (not enough history, a rate of 0, ...).
    """

    as_of: pd.Timestamp
    months: tuple[pd.Period, ...]
    enough: bool
    basis: str
    monthly: pd.DataFrame
    monthly_total: pd.DataFrame
    rates: pd.DataFrame
    rates_total: pd.Series
    targets: pd.DataFrame
    targets_total: pd.DataFrame
    notes: tuple[str, ...]


def _opportunities(frame: object, required: Iterable[str]) -> pd.DataFrame:
    frame = check.columns("opportunities", frame, required)
    out = pd.DataFrame({"owner": frame["owner"].to_numpy(object)})
    if "id" in frame:
        out["id"] = frame["id"].to_numpy(object)
    out["amount"] = _amounts(frame, "amount", "opportunities").to_numpy()
    out["close"] = check.dates("opportunities", frame, "close").to_numpy()
    out["status"] = _statuses(frame["status"], "opportunities").to_numpy(object)
    if "created" in frame:
        out["created"] = check.dates("opportunities", frame, "created").to_numpy()
    return out


def _months_text(months: pd.PeriodIndex | list) -> str:
    return f"{months[0]} to {months[-1]}" if len(months) > 1 else str(months[0])


def pipeline_math(
    opportunities: pd.DataFrame,
    quotas: pd.DataFrame,
    as_of: object,
    *,
    history: pd.DataFrame | None = None,
    stages: object = None,
    months: tuple[int, int] = (6, 9),
) -> PipelineMath:
    """The plan's pipeline math from the trailing complete months, by rep and in total.

    Parameters
    ----------
    opportunities : DataFrame
        ``id``, ``owner``, ``amount``, ``created``, ``close`` and ``status``.
    quotas : DataFrame
        Quota by rep (index) and month (columns): the months whose pipeline targets are
        wanted.
    as_of : date
        The analysis date; a month is complete once its last day is before it.
    history : DataFrame, optional
        The stage, amount and close history (needs ``stages``): when given, the
        pipeline open at each month's start is rebuilt from it.
    stages : stages in order, optional
        The stages with their status, for the history.
    months : (int, int)
        The fewest and the most trailing complete months to use (default 6 to 9).

    Returns
    -------
    PipelineMath

    Notes
    -----
    For a month m:

    - **closing ratio** = won value closed in m / value of the pipeline open at the
      start of m (as it stood at the end of the day before) with its expected close
      in m. The won value is every deal won in m, so the ratio can exceed 1 when deals
      come and close within the month. From history, the start pipeline is rebuilt as
      of that day; without history it is approximated from each deal's final close
      date: a deal created before m with its final close date in m (won, lost or still
      open) counts as due in m, which misses the deals whose date moved;
    - **cohort win rate** = won value / value of the deals created in m that have since
      closed, won or lost. Deals still open are left out, so a recent cohort's rate
      rests on its quick closes;
    - **pipeline that must enter** a quota month = quota / cohort win rate;
    - **pipeline needed at the start** of a quota month = quota / closing ratio.

    The rates used for the targets are taken over the trailing complete months before
    ``as_of`` that the data cover (from the first month starting on or after the
    earliest created date or history row): as many as there are, up to ``months[1]``,
    and at least ``months[0]``; with fewer, ``enough`` is False, the rates and targets
    are NaN and a note says how many months are needed. A rate over several months is
    the sum of their won values over the sum of their bases, not a mean of ratios. The
    team's targets come from the team's rates, so they are not the sum of the reps'.

    A rate of 0 (nothing won) makes a target of a positive quota infinite: no finite
    pipeline carries it, and a note names the rep; a quota of 0 needs no pipeline. A
    rate with no base (nothing due, nothing closed) is NaN.

    Examples
    --------
    >>> opps = pd.DataFrame({"id": ["a", "b"], "owner": "Ann", "amount": [100.0, 300.0],
    ...     "created": pd.to_datetime(["2026-01-01", "2026-01-10"]),
    ...     "close": pd.to_datetime(["2026-02-10", "2026-02-20"]), "status": ["won", "lost"]})
    >>> quotas = pd.DataFrame({"2026-03": [50.0]}, index=["Ann"])
    >>> pm = pipeline_math(opps, quotas, "2026-03-01", months=(1, 2))
    >>> [str(m) for m in pm.months], pm.rates_total.tolist()
    (['2026-01', '2026-02'], [0.25, 0.25])
    >>> pm.targets_total.loc[pd.Period("2026-03", "M")].tolist()
    [50.0, 200.0, 200.0]
    """
    day = check.day("as_of", as_of)
    fewest, most = months
    if not (isinstance(fewest, int) and isinstance(most, int) and 1 <= fewest <= most):
        raise InputError(
            f"months: expected (fewest, most) whole months, 1 <= fewest <= most; got {months!r}"
        )
    opps = _opportunities(opportunities, ("id", "owner", "amount", "created", "close", "status"))
    quota = _quota_frame(quotas)
    use_history = history is not None and len(history) > 0
    if use_history and stages is None:
        raise InputError("stages: needed to read the history")

    earliest = [opps["created"].min()]
    rows = None
    if use_history:
        rows = _prepared_history(history, _stages(stages), opportunities)
        earliest.append(rows["changed"].min())
    earliest = [d for d in earliest if d is not pd.NaT and not pd.isna(d)]
    last_complete = (day - _DAY).to_period("M")
    if day - _DAY < (day - _DAY).to_period("M").end_time.normalize():
        last_complete -= 1
    if earliest:
        start = min(earliest)
        first_month = start.to_period("M") + (0 if start.day == 1 else 1)
        covered = pd.period_range(first_month, last_complete, freq="M", name="month")
    else:
        covered = pd.PeriodIndex([], freq="M", name="month")
    used = covered[-most:] if len(covered) else covered
    enough = len(used) >= fewest
    notes: list[str] = []
    if not enough:
        held = f"{len(covered)} ({_months_text(covered)})" if len(covered) else "none"
        notes.append(
            f"Not enough history: the rates need at least {fewest} complete months before "
            f"{day.date()}; the data hold {held}."
        )

    # Monthly figures, by owner and month, over the covered months.
    owners = pd.Index(pd.unique(pd.concat([opps["owner"], pd.Series(quota.index, dtype=object)])))
    close_month = opps["close"].dt.to_period("M")
    created_month = opps["created"].dt.to_period("M")
    won_mask = opps["status"] == "won"
    closed_mask = opps["status"] != "open"
    parts = {
        "won": opps["amount"]
        .where(won_mask, 0.0)
        .groupby([opps["owner"], close_month], dropna=False)
        .sum(),
        "cohort_closed": opps["amount"]
        .where(closed_mask, 0.0)
        .groupby([opps["owner"], created_month], dropna=False)
        .sum(),
        "cohort_won": opps["amount"]
        .where(won_mask, 0.0)
        .groupby([opps["owner"], created_month], dropna=False)
        .sum(),
    }
    if use_history:
        owner_of = opps.drop_duplicates("id").set_index("id")["owner"]
        due = []
        for month in covered:
            state = _state_at(rows, month.start_time.normalize() - _DAY)
            mask = (state["status"] == "open") & (state["close"].dt.to_period("M") == month)
            chosen = state[mask]
            due.append(
                chosen["amount"]
                .groupby(chosen["id"].map(owner_of).to_numpy(), dropna=False)
                .sum()
                .rename_axis("owner")
                .to_frame("open_due")
                .assign(month=month)
            )
        open_due = (
            pd.concat(due).set_index("month", append=True)["open_due"]
            if due
            else pd.Series(dtype=float)
        )
        basis = "history"
    else:
        before = opps["created"] < close_month.dt.start_time.dt.normalize()
        open_due = (
            opps["amount"]
            .where(before, 0.0)
            .groupby([opps["owner"], close_month], dropna=False)
            .sum()
        )
        basis = "final close dates"
        if len(opps):
            notes.append(
                "The pipeline open at each month's start is approximated from the deals' final "
                "close dates (the export has no history)."
            )
    full = pd.MultiIndex.from_product([owners.sort_values(), covered], names=["owner", "month"])

    def on_full(series: pd.Series) -> pd.Series:
        if len(series) == 0:
            return pd.Series(0.0, index=full)
        series = series.copy()
        series.index = series.index.set_names(["owner", "month"])
        return series.reindex(full, fill_value=0.0).astype(float)

    monthly = pd.DataFrame(
        {
            "open_due": on_full(open_due),
            "won": on_full(parts["won"]),
            "cohort_closed": on_full(parts["cohort_closed"]),
            "cohort_won": on_full(parts["cohort_won"]),
        },
        index=full,
    )
    monthly_total = monthly.groupby(level="month").sum().reindex(covered, fill_value=0.0)
    for frame in (monthly, monthly_total):
        frame["closing_ratio"] = _ratio(frame["won"], frame["open_due"])
        frame["cohort_win_rate"] = _ratio(frame["cohort_won"], frame["cohort_closed"])
    order = ["open_due", "won", "closing_ratio", "cohort_closed", "cohort_won", "cohort_win_rate"]
    monthly, monthly_total = monthly[order], monthly_total[order]

    in_used = monthly.index.get_level_values("month").isin(used)
    sums = (
        monthly[in_used].groupby(level="owner").sum().reindex(owners.sort_values(), fill_value=0.0)
    )
    team = monthly_total.loc[used].sum()
    rates = pd.DataFrame(
        {
            "closing_ratio": _ratio(sums["won"], sums["open_due"]),
            "cohort_win_rate": _ratio(sums["cohort_won"], sums["cohort_closed"]),
        }
    )
    rates.index.name = "owner"
    rates_total = pd.Series(
        {
            "closing_ratio": _ratio(team["won"], team["open_due"]),
            "cohort_win_rate": _ratio(team["cohort_won"], team["cohort_closed"]),
        },
        dtype=float,
    )
    if not enough:
        rates[:] = np.nan
        rates_total[:] = np.nan

    long = pd.Series(
        quota.to_numpy(float).ravel(),
        index=pd.MultiIndex.from_product([quota.index, quota.columns], names=["owner", "month"]),
    )
    rep_rates = rates.reindex(long.index.get_level_values("owner"))
    targets = pd.DataFrame(
        {
            "quota": long.to_numpy(float),
            "must_enter": _need(long.to_numpy(float), rep_rates["cohort_win_rate"].to_numpy(float)),
            "start_needed": _need(long.to_numpy(float), rep_rates["closing_ratio"].to_numpy(float)),
        },
        index=long.index,
    )
    team_quota = quota.sum(axis=0, min_count=1)
    targets_total = pd.DataFrame(
        {
            "quota": team_quota.to_numpy(float),
            "must_enter": _need(team_quota.to_numpy(float), rates_total["cohort_win_rate"]),
            "start_needed": _need(team_quota.to_numpy(float), rates_total["closing_ratio"]),
        },
        index=quota.columns,
    )
    if enough:
        for rate, what in (
            ("cohort_win_rate", "deals created"),
            ("closing_ratio", "the pipeline due"),
        ):
            zero = rates.index[rates[rate] == 0]
            if len(zero):
                notes.append(
                    f"No won value from {what} in {_months_text(used)} for "
                    f"{', '.join(map(str, zero))}: no finite pipeline carries a quota at a "
                    f"{rate.replace('_', ' ')} of 0."
                )
    return PipelineMath(
        as_of=day,
        months=tuple(used) if enough else (),
        enough=enough,
        basis=basis,
        monthly=monthly,
        monthly_total=monthly_total,
        rates=rates,
        rates_total=rates_total,
        targets=targets,
        targets_total=targets_total,
        notes=tuple(notes),
    )


# ----------------------------------------------------------------------------
# 30/60/90 and coverage
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ThirtySixtyNinety:
    """Open pipeline by days to its expected close, against the quota of those days.

    Attributes
    ----------
    as_of : Timestamp
        Day 0.
    periods : DataFrame
        The first and last day of each timed category (index ``category``: 0-30, 31-60,
        61-90), columns ``first`` and ``last``.
    by_rep : DataFrame
        By owner and category (index ``owner``, ``category``, categories in the order of
        :data:`THIRTY_SIXTY_NINETY`): ``value``, ``count``, ``quota`` (of the category's
        days; NaN for overdue, over 90 and no close date, or when a month's quota is not
        given) and ``coverage`` = value / quota (NaN where the quota is 0 or unknown).
    total : DataFrame
        The same for the team (index ``category``).
    notes : tuple of str
    """

    as_of: pd.Timestamp
    periods: pd.DataFrame
    by_rep: pd.DataFrame
    total: pd.DataFrame
    notes: tuple[str, ...]


_TIMED = {"0-30": (0, 30), "31-60": (31, 60), "61-90": (61, 90)}


def _quota_notes(
    quota: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp, what: str
) -> list[str]:
    wanted = pd.period_range(first, last, freq="M")
    absent = [m for m in wanted if m not in quota.columns]
    if absent:
        return [
            f"No quota given for {', '.join(map(str, absent))}: the quota of {what} is not known."
        ]
    return []


def thirty_sixty_ninety(
    opportunities: pd.DataFrame,
    as_of: object,
    quotas: pd.DataFrame | None = None,
) -> ThirtySixtyNinety:
    """The open pipeline in 30/60/90 categories of the as-of date, by rep and in total.

    Parameters
    ----------
    opportunities : DataFrame
        ``owner``, ``amount``, ``close`` and ``status``; only open deals count.
    as_of : date
        Day 0.
    quotas : DataFrame, optional
        Quota by rep (index) and month (columns).

    Returns
    -------
    ThirtySixtyNinety

    Notes
    -----
    Days = expected close - as-of date. **0-30** holds days 0 to 30 (the as-of date
    itself and the 30 days after it: 31 days), **31-60** days 31 to 60, **61-90** days
    61 to 90; **over 90** is later, **overdue** is an open deal whose expected close is
    before the as-of date, and **no close date** an open deal without one.

    The quota of a category is the quota per day of each month (the month's quota / its
    days) summed over the category's days: from 2027-01-08, 0-30 runs to 2027-02-07, so
    its quota is 24/31 of January's and 7/28 of February's. The team's quota is the
    sum of the reps'.

    Examples
    --------
    >>> opps = pd.DataFrame({"owner": "Ann", "amount": [10.0, 20.0, 40.0],
    ...     "close": pd.to_datetime(["2027-01-07", "2027-01-31", "2027-02-01"]),
    ...     "status": "open"})
    >>> quotas = pd.DataFrame({"2027-01": [31.0], "2027-02": [28.0], "2027-03": [31.0],
    ...                        "2027-04": [30.0]}, index=["Ann"])
    >>> t = thirty_sixty_ninety(opps, "2027-01-01", quotas)
    >>> t.total[["value", "count", "quota"]].loc[["overdue", "0-30", "31-60"]].to_dict("index")
    {'overdue': {'value': 0.0, 'count': 0, 'quota': nan}, '0-30': {'value': 30.0, 'count': 2, 'quota': 31.0}, '31-60': {'value': 40.0, 'count': 1, 'quota': 30.0}}
    """
    day = check.day("as_of", as_of)
    frame = check.columns("opportunities", opportunities, ("owner", "amount", "close", "status"))
    status = _statuses(frame["status"], "opportunities")
    is_open = (status == "open").to_numpy()
    open_deals = pd.DataFrame(
        {
            "owner": frame["owner"].to_numpy(object)[is_open],
            "amount": _amounts(frame, "amount", "opportunities").to_numpy()[is_open],
            "close": check.dates("opportunities", frame, "close").to_numpy()[is_open],
        }
    )
    if open_deals["amount"].isna().any():
        raise InputError("opportunities: every open deal needs an amount")
    days = (open_deals["close"] - day).dt.days.to_numpy(dtype=float)
    labels = np.select(
        [np.isnan(days), days < 0, days <= 30, days <= 60, days <= 90],
        ["no close date", "overdue", "0-30", "31-60", "61-90"],
        default="over 90",
    )
    categories = pd.CategoricalIndex(
        THIRTY_SIXTY_NINETY, categories=THIRTY_SIXTY_NINETY, ordered=True, name="category"
    )
    open_deals["category"] = pd.Categorical(labels, categories=THIRTY_SIXTY_NINETY, ordered=True)
    quota = _quota_frame(quotas) if quotas is not None else None
    reps = [open_deals["owner"]]
    if quota is not None:
        reps.append(pd.Series(quota.index, dtype=object))
    owners = pd.Index(pd.unique(pd.concat(reps, ignore_index=True))).sort_values()
    full = pd.MultiIndex.from_product([owners, THIRTY_SIXTY_NINETY], names=["owner", "category"])
    grouped = open_deals.groupby(["owner", "category"], dropna=False, observed=False)["amount"]
    by_rep = pd.DataFrame(
        {
            "value": grouped.sum().reindex(full, fill_value=0.0).astype(float),
            "count": grouped.size().reindex(full, fill_value=0).astype(np.int64),
        },
        index=full,
    )
    periods = pd.DataFrame(
        {
            "first": [day + pd.Timedelta(days=lo) for lo, _ in _TIMED.values()],
            "last": [day + pd.Timedelta(days=hi) for _, hi in _TIMED.values()],
        },
        index=pd.Index(list(_TIMED), name="category"),
    )
    by_rep["quota"] = np.nan
    notes: list[str] = []
    if quota is not None:
        for name, (first, last) in periods.iterrows():
            rep_quota = _window_quota(quota, first, last).reindex(owners)
            by_rep.loc[(slice(None), name), "quota"] = rep_quota.to_numpy()
        notes += _quota_notes(
            quota, periods["first"].iloc[0], periods["last"].iloc[-1], "some days"
        )
    else:
        notes.append("No quotas given: the categories are shown without their quota.")
    total = by_rep.groupby(level="category", sort=False).agg(
        value=("value", "sum"),
        count=("count", "sum"),
        quota=("quota", lambda q: q.sum(min_count=1)),
    )
    total = total.reindex(list(THIRTY_SIXTY_NINETY))
    timed = total.index.isin(list(_TIMED))
    total.loc[~timed, "quota"] = np.nan
    total.index = categories
    by_rep["coverage"] = _ratio(by_rep["value"], by_rep["quota"])
    total["coverage"] = _ratio(total["value"], total["quota"])
    total["count"] = total["count"].astype(np.int64)
    return ThirtySixtyNinety(day, periods, by_rep, total, tuple(notes))


@dataclass(frozen=True)
class Coverage:
    """Pipeline over quota for the next months, against the coverage each rep needs.

    Attributes
    ----------
    as_of : Timestamp
    months : Mapping of int to tuple of Period
        The calendar months of each horizon (1: the next month; 2: the next two; ...).
    by_rep : DataFrame
        By owner and horizon (index ``owner``, ``months``): ``pipeline`` (open value with
        its expected close in those months), ``quota``, ``coverage`` = pipeline / quota
        (NaN where the quota is 0 or unknown), ``win_rate`` (by value), ``needed`` = 1 /
        win rate (infinite at a win rate of 0, NaN when unknown) and ``below_need``
        (True, False, or missing where either side is unknown).
    total : DataFrame
        The same for the team (index ``months``), from the team's win rate.
    notes : tuple of str
    """

    as_of: pd.Timestamp
    months: Mapping[int, tuple[pd.Period, ...]]
    by_rep: pd.DataFrame
    total: pd.DataFrame
    notes: tuple[str, ...]


def _win_rate_by_value(opps: pd.DataFrame) -> tuple[pd.Series, float]:
    """Won value / closed value, by owner and for the team (NaN with nothing closed)."""
    won = opps["amount"].where(opps["status"] == "won", 0.0)
    closed = opps["amount"].where(opps["status"] != "open", 0.0)
    sums = pd.DataFrame({"won": won, "closed": closed}).groupby(opps["owner"], dropna=False).sum()
    return (
        pd.Series(_ratio(sums["won"], sums["closed"]), index=sums.index),
        _ratio(float(won.sum()), float(closed.sum())),
    )


def coverage(
    opportunities: pd.DataFrame,
    quotas: pd.DataFrame,
    as_of: object,
    *,
    win_rates: pd.Series | None = None,
    team_win_rate: float | None = None,
    horizons: tuple[int, ...] = (1, 2, 3),
) -> Coverage:
    """Pipeline / quota of the next 1, 2 and 3 calendar months, against each rep's need.

    Parameters
    ----------
    opportunities : DataFrame
        ``owner``, ``amount``, ``close`` and ``status``.
    quotas : DataFrame
        Quota by rep (index) and month (columns).
    as_of : date
        The months counted are the calendar months after the as-of date's month.
    win_rates : Series, optional
        Each rep's win rate by value (index owner); by default won value / (won + lost
        value) of the rep's closed deals in ``opportunities``.
    team_win_rate : float, optional
        The team's win rate by value; by default from every closed deal.
    horizons : tuple of int
        How many months ahead each figure looks (default 1, 2 and 3).

    Returns
    -------
    Coverage

    Notes
    -----
    For the horizon of h months after the as-of month M, pipeline = open value with
    its expected close in M+1 .. M+h, quota = the quotas of those months, coverage =
    pipeline / quota. A rep who wins a share w of the value they close needs a
    pipeline of 1 / w times the quota: 3x fits a win rate of 33%, and a rep at 25%
    needs 4x. A win rate of 0 makes the need infinite (no pipeline is enough, so the
    rep is below need); with no closed deal the rate and the need are unknown. A quota
    of 0 has no coverage.

    Examples
    --------
    >>> opps = pd.DataFrame({"owner": "Ann", "amount": [300.0, 100.0, 300.0],
    ...     "close": pd.to_datetime(["2027-02-10", "2026-11-03", "2026-12-09"]),
    ...     "status": ["open", "won", "lost"]})
    >>> quotas = pd.DataFrame({"2027-02": [100.0]}, index=["Ann"])
    >>> c = coverage(opps, quotas, "2027-01-08", horizons=(1,))
    >>> row = c.by_rep.loc[("Ann", 1)]
    >>> float(row["coverage"]), float(row["needed"]), bool(row["below_need"])
    (3.0, 4.0, True)
    """
    day = check.day("as_of", as_of)
    opps = _opportunities(opportunities, ("owner", "amount", "close", "status"))
    quota = _quota_frame(quotas)
    if not all(isinstance(h, int) and h >= 1 for h in horizons) or not horizons:
        raise InputError(f"horizons: expected whole numbers of months, 1 or more; got {horizons!r}")
    rep_rates, team_rate = _win_rate_by_value(opps)
    if win_rates is not None:
        rep_rates = pd.Series(win_rates, dtype=float)
    if team_win_rate is not None:
        team_rate = float(team_win_rate)
    is_open = opps["status"] == "open"
    if opps["amount"][is_open].isna().any():
        raise InputError("opportunities: every open deal needs an amount")
    month = day.to_period("M")
    months = {h: tuple(pd.period_range(month + 1, month + h, freq="M")) for h in horizons}
    close_month = opps["close"].dt.to_period("M")
    owners = pd.Index(
        pd.unique(
            pd.concat(
                [opps["owner"][is_open], pd.Series(quota.index, dtype=object)], ignore_index=True
            )
        )
    ).sort_values()
    notes: list[str] = []
    rows = []
    for h, span in months.items():
        inside = is_open & close_month.isin(list(span))
        pipeline = opps["amount"].where(inside, 0.0).groupby(opps["owner"], dropna=False).sum()
        rep_quota = _window_quota(quota, span[0].start_time, span[-1].end_time.normalize())
        rows.append(
            pd.DataFrame(
                {
                    "owner": owners,
                    "months": h,
                    "pipeline": pipeline.reindex(owners, fill_value=0.0).to_numpy(float),
                    "quota": rep_quota.reindex(owners).to_numpy(float),
                }
            )
        )
    notes += _quota_notes(
        quota,
        months[max(horizons)][0].start_time,
        months[max(horizons)][-1].end_time,
        "those months",
    )
    by_rep = pd.concat(rows, ignore_index=True).set_index(["owner", "months"]).sort_index()
    by_rep["coverage"] = _ratio(by_rep["pipeline"], by_rep["quota"])
    by_rep["win_rate"] = rep_rates.reindex(by_rep.index.get_level_values("owner")).to_numpy(float)
    total = by_rep.groupby(level="months").agg(
        pipeline=("pipeline", "sum"), quota=("quota", lambda q: q.sum(min_count=1))
    )
    total["coverage"] = _ratio(total["pipeline"], total["quota"])
    total["win_rate"] = team_rate
    for frame in (by_rep, total):
        frame["needed"] = _need(1.0, frame["win_rate"].to_numpy(float))
        below = frame["coverage"] < frame["needed"]
        unknown = frame["coverage"].isna() | frame["needed"].isna()
        frame["below_need"] = pd.array(np.where(unknown, None, below), dtype="boolean")
    zero = sorted(set(by_rep.index.get_level_values("owner")[by_rep["win_rate"] == 0]), key=str)
    if zero:
        notes.append(
            f"No won value for {', '.join(map(str, zero))}: at a win rate of 0 no coverage "
            "is enough, so the need is infinite."
        )
    unknown_rate = sorted(
        set(by_rep.index.get_level_values("owner")[by_rep["win_rate"].isna()]), key=str
    )
    if unknown_rate:
        notes.append(
            f"No closed deals for {', '.join(map(str, unknown_rate))}: the coverage they need is not known."
        )
    return Coverage(day, months, by_rep, total, tuple(notes))
