"""The sales dashboard, from a loaded client (notebook 04).

:func:`dashboard_report` reads the CRM tables (:attr:`~salesnb.io.Client.crm`), the
roster and, when the report has an annual plan, the plan's monthly quotas, and returns
a frozen :class:`DashboardReport`. Every figure is worked out by
:mod:`salesnb.dashboard` and :mod:`salesnb.pipeline`; this module chooses the windows,
the quotas and the inputs, keeps a figure whose input the export lacks as a
:class:`~salesnb.dashboard.NotAvailable` (shown as "Not available: needs <field>"), and
puts the findings into tables and words.

The choices
-----------
**As-of date.** ``dashboard.as_of``, else the folder's ``as_of``: the date the export was
taken. An earlier as-of date (the live panel's) rebuilds the opportunities as they
stood that day from the stage history when the export has one; without history the
open pipeline stays as exported, and :attr:`DashboardReport.notes` says so. A date after
the export's is refused: the export cannot know it.

**Periods.** Eight windows of the as-of date (:data:`PERIODS`): the week (Monday to the
as-of date), month, quarter and year to date, each beside the last complete one (last
week Monday to Sunday, last month, last quarter, last year). Quarters and years follow
the fiscal year (the month of ``fiscal_year_start``). A won or lost deal counts in the
window of its close date; activities count in whole weeks only (so a week or month to
date that holds no whole week has no activity score).

**Quotas** per rep per month: inside the plan year the annual plan's monthly quotas
(ramp and months employed included) when the report has a plan, other months the
roster's ``annual_quota`` / 12 for each month the rep is employed. The reps are the
roster's rows with an annual quota. A period's quota is the quota of its days
(a month's quota / its days, summed over the period's days), so a whole month, quarter
or year gets its months' quotas and a week its seven days' share; attainment to date
is the won amount so far against the whole period's quota.

**Win rates for the need.** The coverage a rep needs is 1 / the rep's win rate by value
over the 365 days to the as-of date (the team's for the total): a year of closes, so
that a season does not move it. The 30/60/90 windows are held against their quota x
the team's need.

**The weakest signal** is the single worst of four, each measured as a shortfall (the
share by which the signal misses where it should be): the pipeline of the next three
months against the coverage needed (1 - coverage / need), by rep and for the team;
the forecast bias of the last six complete months (the absolute bias, over- or
under-forecasting), by rep; the 30/60/90 windows against their quota x need (1 - value
/ (quota x need)), for the team; activity against standard in the last complete month's
whole weeks (1 - score), by rep. A shortfall within :data:`TOLERANCE` is not a signal.

figures.json: the ``dashboard`` section
----------------------------------------
``as_of``, ``export_as_of``
    The dashboard's as-of date and the date of the export it reads (ISO).
``fy_start_month``
    The month number the fiscal year starts in.
``reps``
    The quota-carrying reps, in order.
``quota_months``
    ``plan`` (the first and last month the plan's quotas are used, or None) and
    ``roster`` (how many of the quota months come from the roster).
``periods``
    One entry per window of :data:`PERIODS`: ``label``, ``start``, ``end``,
    ``complete`` (the window has ended), ``total`` and ``by_rep`` (rep -> the same
    fields): ``won_count``, ``won_amount``, ``lost_count``, ``lost_amount``,
    ``win_rate_count``, ``win_rate_value`` (fractions), ``average_order_value``,
    ``median_cycle_days``, ``quota``, ``attainment`` (won / quota),
    ``activity_score`` (mean over the standard kinds of activities per week /
    standard) and ``attainment_rank`` (by rep only).
``pipeline``
    The open pipeline as of the as-of date: ``open_count``, ``open_value``,
    ``weighted_value``, ``without_probability``, ``by_stage`` (stage -> ``count``,
    ``value``), ``by_rep`` (rep -> ``open_count``, ``open_value``, ``weighted_value``).
``velocity``
    ``total`` and ``by_rep``: ``open_count``, ``win_rate``, ``average_deal``,
    ``cycle_days``, ``velocity`` (money a day); rates over the 365 days to the as-of date.
``coverage``
    ``months`` (horizon -> the months, ``2027-02``...), ``total`` and ``by_rep``
    (horizon 1, 2, 3 -> ``pipeline``, ``quota``, ``coverage``, ``win_rate``,
    ``needed``, ``below_need``).
``thirty_sixty_ninety``
    Category (overdue, 0-30, 31-60, 61-90, over 90, no close date) -> ``value``,
    ``count``, ``quota``, ``coverage``, ``needed_value`` (quota x the team's need).
``forecast``
    ``months`` (the complete months with forecasts), ``last_month`` and its
    ``accuracy`` (0-100) and ``bias`` in total and ``by_rep``; ``trailing_months``
    (the last six) with ``trailing_bias`` in total and by rep; ``base``.
``activity``
    ``standards`` (kind -> per week), ``last_month`` (the window of whole weeks) and
    ``by_rep`` (rep -> kind -> ``per_week``, ``ratio``), ``total`` (kind -> the same).
``mix``
    ``month_to_date`` and ``year_to_date``: ``new``, ``existing``, ``unknown``,
    ``new_share``, ``existing_share`` of the team's won sales.
``customers``
    ``last_year``: the top accounts (``account``, ``revenue``, ``share``) and ``total``.
``cost_per_lead``
    ``last_year``: source -> ``spend``, ``leads``, ``cost_per_lead``; ``total``.
``dso``
    ``dso``, ``goal``, ``over_goal``, ``open_receivables``, ``invoiced`` (last 90 days).
``profitability``
    ``last_year``: rep -> ``volume``, ``margin``, ``cost``, ``profit``,
    ``profit_to_volume``; ``total``.
``sales_expense``
    ``last_year`` and ``year_to_date``: ``expense``, ``volume``, ``of_volume``,
    ``of_margin``, ``of_quota``.
``services``
    ``last_year``: ``blended_rate``, ``realization``, ``utilization``,
    ``backlog_days``, each ``actual``, ``goal``, ``meets``.
``flow``
    ``window`` (the close dates followed: the fiscal quarter of the as-of date),
    ``previous_as_of``, ``basis`` (``snapshots`` or ``history``), ``total`` (bucket ->
    amount) and ``slipped`` (how many deals slipped, their current amount).
``conversion``
    ``basis`` and stage -> ``entered``, ``to_next``, ``win_rate``, ``median_days``.
``pipeline_math``
    ``enough``, ``months`` (first and last used), ``closing_ratio``,
    ``cohort_win_rate``, and month -> ``quota``, ``must_enter``, ``start_needed``.
``forecast_rollup``
    ``this_month`` and ``this_quarter``: ``closed``, ``through_commit``,
    ``through_best_case``, ``through_pipeline`` (team).
``top_accounts``
    ``this_month`` and ``this_quarter``: how many deals and their amount.
``weakest_signal``
    ``kind`` (``coverage``, ``forecast_bias``, ``thirty_sixty_ninety``, ``activity``),
    ``who`` (a rep, or ``team``), ``shortfall``, ``value`` (as shown), ``sentence``,
    ``action``; None when no signal falls short by more than :data:`TOLERANCE`.
``not_available``
    Figure -> what it needs (``needs margin (opportunities)``), for each figure the
    export cannot give.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from salesnb import _checks as check
from salesnb import dashboard as db
from salesnb import pipeline as pp
from salesnb.dashboard import TOTAL, NotAvailable, available, needs
from salesnb.errors import InputError, located
from salesnb.format import Table, money, pct
from salesnb.io import SETTINGS_FILE, Client
from salesnb.io.crm_settings import ServiceSettings

__all__ = [
    "KIND_LABELS",
    "PERIODS",
    "TOLERANCE",
    "DashboardReport",
    "Period",
    "dashboard_quotas",
    "dashboard_report",
    "executive_items",
    "not_available_text",
    "view",
]

#: The dashboard's windows, in the order a manager reads them: each period to date,
#: then the last complete one.
PERIODS: tuple[tuple[str, str, str, bool], ...] = (
    ("week_to_date", "Week to date", "W", False),
    ("last_week", "Last week", "W", True),
    ("month_to_date", "Month to date", "M", False),
    ("last_month", "Last month", "M", True),
    ("quarter_to_date", "Quarter to date", "Q", False),
    ("last_quarter", "Last quarter", "Q", True),
    ("year_to_date", "Year to date", "Y", False),
    ("last_year", "Last year", "Y", True),
)
#: A signal that misses where it should be by this share or less is not flagged.
TOLERANCE = 0.10
#: Months of forecasts the bias is judged over.
BIAS_MONTHS = 6
#: The activity kinds as a client reads them.
KIND_LABELS = {
    "new_prospect_call": "new-prospect calls",
    "face_to_face": "face-to-face calls",
    "presales_call": "presales calls",
    "discovery_call": "discovery calls",
    "demo": "demos",
    "executive_presentation": "executive presentations",
    "call": "calls",
    "email": "emails",
    "meeting": "meetings",
    "task": "tasks",
    "other": "other activities",
}
#: The flow's buckets in words, as the table and the waterfall show them.
BUCKET_LABELS = {
    "start": "Start",
    "created": "Created",
    "pulled_in": "Pulled in",
    "increased": "Increased",
    "decreased": "Decreased",
    "pushed_out": "Pushed out",
    "lost": "Lost",
    "won": "Won",
    "end": "End",
}
_YEAR = pd.Timedelta(days=364)


def not_available_text(result: object) -> str:
    """The sentence a figure whose input is absent shows: ``Not available: needs ...``,
    the field and table names in words.

    >>> not_available_text(NotAvailable(needs=("account_type",), table="opportunities"))
    'Not available: needs account type (opportunities)'
    >>> not_available_text(NotAvailable(needs=("lead_spend",), table="lead_spend", table_missing=True))
    'Not available: needs the lead spend table'
    """
    text = str(result).replace("_", " ")
    return text[:1].upper() + text[1:]


class Sentence(str):
    """A sentence a report shows as text (Markdown) where a table would stand."""

    __slots__ = ()

    def _repr_markdown_(self) -> str:
        return str(self)


def view(result: object, currency: str) -> object:
    """What a report shows for a table or figure: the table formatted, or its sentence.

    >>> print(view(NotAvailable(needs=("margin",), table="opportunities"), "USD"))
    Not available: needs margin (opportunities)
    """
    if isinstance(result, Table):
        return result.formatted(currency)
    if not available(result):
        return Sentence(not_available_text(result))
    return result


def _day_text(day: pd.Timestamp) -> str:
    return f"{day:%d %b %Y}".lstrip("0")


def _span_text(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """'4-8 Jan 2027', '28 Dec 2026-3 Jan 2027', 'Oct-Dec 2026' for whole months."""
    if start == end:
        return _day_text(start)
    whole = start.day == 1 and end == end.to_period("M").end_time.normalize()
    if whole:
        if start.to_period("M") == end.to_period("M"):
            return f"{start:%B %Y}"
        if start.year == end.year:
            return f"{start:%b}-{end:%b %Y}"
        return f"{start:%b %Y}-{end:%b %Y}"
    if start.year != end.year:
        return f"{_day_text(start)}-{_day_text(end)}"
    if start.month != end.month:
        return f"{start.day} {start:%b}-{_day_text(end)}"
    return f"{start.day}-{_day_text(end)}"


@dataclass(frozen=True)
class Period:
    """One window of the dashboard: its key, label, first and last day, and whether it ended."""

    key: str
    label: str
    freq: str
    start: pd.Timestamp
    end: pd.Timestamp
    complete: bool

    @property
    def title(self) -> str:
        """'Last month (December 2026)'."""
        return f"{self.label} ({_span_text(self.start, self.end)})"


def _periods(as_of: pd.Timestamp, fy_start_month: int) -> tuple[Period, ...]:
    out = []
    for key, label, freq, last in PERIODS:
        window = db.to_date(as_of, freq, fy_start_month=fy_start_month)
        if last:
            window = db.to_date(
                window.start - pd.Timedelta(days=1), freq, fy_start_month=fy_start_month
            )
        out.append(Period(key, label, freq, window.start, window.end, complete=last))
    return tuple(out)


# ----------------------------------------------------------------------------
# Quotas
# ----------------------------------------------------------------------------


def dashboard_quotas(
    client: Client, months: pd.PeriodIndex, plan_quotas: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Quota per rep (rows, the roster's rows with an annual quota) per month (columns).

    ``plan_quotas`` is the annual plan's monthly quotas (months x reps, as
    :attr:`~salesnb.analysis.PlanReport.monthly_quotas`): its months are taken from it
    (a rep it leaves out has 0 there); every other month is the roster's annual_quota /
    12 when the rep is employed in it (from the start month to the end month, both
    included; blank is open-ended), else 0.

    >>> from types import SimpleNamespace as S
    >>> roster = pd.DataFrame({"name": ["Ann", "Bo"], "annual_quota": [120.0, 240.0],
    ...     "start": pd.PeriodIndex(["2026-01", "2026-12"], freq="M"),
    ...     "end": pd.PeriodIndex([None, None], freq="M")})
    >>> plan = pd.DataFrame({"Ann": [15.0], "Bo": [25.0]}, index=pd.PeriodIndex(["2027-01"], freq="M"))
    >>> dashboard_quotas(S(roster=roster), pd.period_range("2026-11", "2027-01", freq="M"), plan)  # doctest: +NORMALIZE_WHITESPACE
         2026-11  2026-12  2027-01
    rep
    Ann     10.0     10.0     15.0
    Bo       0.0     20.0     25.0
    """
    roster = client.roster
    reps = roster[roster["annual_quota"].notna()]
    names = [str(n) for n in reps["name"]]
    values = np.zeros((len(reps), len(months)))
    for i, (_, rep) in enumerate(reps.iterrows()):
        start, end = rep.get("start"), rep.get("end")
        for j, month in enumerate(months):
            if plan_quotas is not None and month in plan_quotas.index:
                row = plan_quotas.loc[month]
                values[i, j] = float(row[names[i]]) if names[i] in row.index else 0.0
                continue
            began = start is None or pd.isna(start) or pd.Period(start, "M") <= month
            left = end is not None and not pd.isna(end) and pd.Period(end, "M") < month
            values[i, j] = float(rep["annual_quota"]) / 12.0 if began and not left else 0.0
    return pd.DataFrame(values, index=pd.Index(names, name="rep"), columns=[str(m) for m in months])


def _period_quota(quotas: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Each rep's quota of the days start..end: a month's quota / its days, summed."""
    total = pd.Series(0.0, index=quotas.index)
    for month in pd.period_range(start, end, freq="M"):
        lo, hi = max(start, month.start_time), min(end, month.end_time.normalize())
        share = ((hi - lo).days + 1) / month.days_in_month
        column = str(month)
        if column in quotas.columns:
            total = total + quotas[column] * share
        else:
            total = total + np.nan
    return total


# ----------------------------------------------------------------------------
# The report
# ----------------------------------------------------------------------------


Result = Any  # a figure's table (or dataclass), or the NotAvailable that stands for it


@dataclass(frozen=True)
class DashboardReport:
    """Everything the sales dashboard shows; each figure a table or a NotAvailable."""

    as_of: dt.date
    export_as_of: dt.date
    fy_start_month: int
    reps: tuple[str, ...]
    periods: tuple[Period, ...]
    quotas: pd.DataFrame
    plan_months: tuple[str, ...]
    by_period: Mapping[str, Result]
    goalboards: Mapping[str, Result]
    stages: tuple[str, ...]
    open_pipeline: Result
    open_by_rep: Result
    weighted: Result
    velocity: Result
    coverage: Result
    thirty_sixty_ninety: Result
    forecast: Result
    forecast_base: str
    activity: Result
    activity_window: Period | None
    standards: Mapping[str, float]
    mix: Result
    customers: Result
    cost_per_lead: Result
    dso: Result
    profitability: Result
    sales_expense: Result
    services: Result
    flow: Result
    flow_basis: str
    conversion: Result
    stage_time: Result
    pipeline_math: Result
    rollups: Mapping[str, Result]
    top_accounts: Mapping[str, Result]
    notes: tuple[str, ...] = ()
    weakest: Mapping[str, Any] | None = field(default=None)

    # -- looking things up --

    def period(self, key: str) -> Period:
        """The window of a key of :data:`PERIODS`."""
        for p in self.periods:
            if p.key == key:
                return p
        raise InputError(f"period: one of {', '.join(k for k, *_ in PERIODS)}; got {key!r}")

    def missing(self) -> dict[str, str]:
        """Figure -> what it needs, for each figure the export cannot give."""
        named = {
            "Sales by period": self.by_period.get("last_month"),
            "Open pipeline by stage": self.open_pipeline,
            "Weighted pipeline": self.weighted,
            "Sales velocity": self.velocity,
            "Coverage against need": self.coverage,
            "30/60/90": self.thirty_sixty_ninety,
            "Forecast accuracy and bias": self.forecast,
            "Activity against standard": self.activity,
            "Net-new and existing share": self.mix,
            "Revenue per customer": self.customers,
            "Cost per lead": self.cost_per_lead,
            "Days sales outstanding": self.dso,
            "Rep profitability": self.profitability,
            "Direct sales expense": self.sales_expense,
            "Professional-services rates": self.services,
            "Pipeline flow": self.flow,
            "Stage conversion": self.conversion,
            "Time in stage": self.stage_time,
            "Pipeline math": self.pipeline_math,
            "Forecast categories": self.rollups.get("this_month"),
            "Top forecast deals": self.top_accounts.get("this_month"),
        }
        return {
            k: str(v).removeprefix("not available: ") for k, v in named.items() if not available(v)
        }

    def shown(self, result: Result) -> bool:
        return available(result)

    # -- figures.json --

    def figures(self) -> dict[str, Any]:
        """The ``dashboard`` section of figures.json (see the module docstring)."""
        f: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "export_as_of": self.export_as_of.isoformat(),
            "fy_start_month": self.fy_start_month,
            "reps": list(self.reps),
            "quota_months": {
                "plan": [self.plan_months[0], self.plan_months[-1]] if self.plan_months else None,
                "roster": int(len(self.quotas.columns) - len(self.plan_months)),
            },
            "periods": {p.key: self._period_figures(p) for p in self.periods},
            "pipeline": self._pipeline_figures(),
            "velocity": _rows(
                self.velocity, ("open_count", "win_rate", "average_deal", "cycle_days", "velocity")
            ),
            "coverage": self._coverage_figures(),
            "thirty_sixty_ninety": self._t369_figures(),
            "forecast": self._forecast_figures(),
            "activity": self._activity_figures(),
            "mix": self._mix_figures(),
            "customers": self._customer_figures(),
            "cost_per_lead": self._cost_per_lead_figures(),
            "dso": self._dso_figures(),
            "profitability": self._profitability_figures(),
            "sales_expense": self._expense_figures(),
            "services": self._services_figures(),
            "flow": self._flow_figures(),
            "conversion": self._conversion_figures(),
            "pipeline_math": self._math_figures(),
            "forecast_rollup": {
                key: None
                if not available(r)
                else {
                    c: float(r.loc[TOTAL, c])
                    for c in ("closed", "through_commit", "through_best_case", "through_pipeline")
                }
                for key, r in self.rollups.items()
            },
            "top_accounts": {
                key: None
                if not available(r)
                else {"deals": len(r), "amount": float(r["amount"].sum())}
                for key, r in self.top_accounts.items()
            },
            "weakest_signal": None if self.weakest is None else dict(self.weakest),
            "not_available": self.missing(),
        }
        return f

    def _period_figures(self, p: Period) -> dict[str, Any]:
        table = self.by_period[p.key]
        out: dict[str, Any] = {
            "label": p.label,
            "start": p.start.date().isoformat(),
            "end": p.end.date().isoformat(),
            "complete": p.complete,
        }
        if not available(table):
            return out | {"total": None, "by_rep": {}}
        columns = [c for c in _PERIOD_COLUMNS if c in table.columns]
        rows = {str(i): {c: _clean(table.loc[i, c]) for c in columns} for i in table.index}
        return out | {"total": rows.pop(TOTAL), "by_rep": rows}

    def _pipeline_figures(self) -> dict[str, Any] | None:
        if not available(self.open_pipeline):
            return None
        by_stage = self.open_pipeline
        out: dict[str, Any] = {
            "open_count": int(by_stage.loc[TOTAL, "count"]),
            "open_value": float(by_stage.loc[TOTAL, "value"]),
            "by_stage": {
                str(s): {"count": int(r["count"]), "value": float(r["value"])}
                for s, r in by_stage.drop(TOTAL).iterrows()
            },
        }
        if available(self.weighted):
            w = self.weighted
            out["weighted_value"] = float(w.loc[TOTAL, "weighted_value"])
            out["without_probability"] = int(w.loc[TOTAL, "without_probability"])
            out["by_rep"] = {
                str(rep): {
                    "open_count": int(r["open_count"]),
                    "open_value": float(r["open_value"]),
                    "weighted_value": float(r["weighted_value"]),
                }
                for rep, r in w.drop(TOTAL).iterrows()
            }
        return out

    def _coverage_figures(self) -> dict[str, Any] | None:
        c = self.coverage
        if not available(c):
            return None
        columns = ("pipeline", "quota", "coverage", "win_rate", "needed", "below_need")
        return {
            "months": {str(h): [str(m) for m in ms] for h, ms in c.months.items()},
            "total": {str(h): {k: _clean(r[k]) for k in columns} for h, r in c.total.iterrows()},
            "by_rep": {
                str(rep): {
                    str(h): {k: _clean(r[k]) for k in columns}
                    for (_, h), r in c.by_rep.xs(rep, level="owner", drop_level=False).iterrows()
                }
                for rep in c.by_rep.index.get_level_values("owner").unique()
            },
        }

    def _t369_figures(self) -> dict[str, Any] | None:
        t = self.thirty_sixty_ninety
        if not available(t):
            return None
        need = self.team_need()
        return {
            str(cat): {
                "value": float(r["value"]),
                "count": int(r["count"]),
                "quota": _clean(r["quota"]),
                "coverage": _clean(r["coverage"]),
                "needed_value": _clean(r["quota"] * need) if need is not None else None,
            }
            for cat, r in t.total.iterrows()
        }

    def team_need(self) -> float | None:
        """The coverage the team needs (1 / its win rate by value over the last 365 days).

        None without the coverage figure, or when no finite coverage meets the need
        (a win rate of 0).
        """
        if not available(self.coverage):
            return None
        return check.finite_or_none(self.coverage.total["needed"].iloc[0])

    def forecast_months(self) -> list[pd.Period]:
        if not available(self.forecast):
            return []
        return sorted(set(self.forecast.index.get_level_values("period")))

    def trailing_bias(self) -> pd.DataFrame | None:
        """Forecast, actual and bias over the last :data:`BIAS_MONTHS` complete months, by rep."""
        months = self.forecast_months()[-BIAS_MONTHS:]
        if not months:
            return None
        rows = self.forecast[self.forecast.index.get_level_values("period").isin(months)]
        sums = rows.groupby(level="owner", sort=False)[["forecast", "actual"]].sum()
        order = [r for r in sums.index if r != TOTAL] + [TOTAL]
        sums = sums.reindex(order)
        accuracy, bias = db.forecast_error(sums["actual"], sums["forecast"], self.forecast_base)
        return sums.assign(accuracy=accuracy, bias=bias, months=len(months))

    def _forecast_figures(self) -> dict[str, Any] | None:
        if not available(self.forecast):
            return None
        months = self.forecast_months()
        if not months:
            return {"months": [], "base": self.forecast_base}
        last = self.forecast.xs(months[-1], level="period")
        trailing = self.trailing_bias()
        return {
            "base": self.forecast_base,
            "months": [str(months[0]), str(months[-1])],
            "last_month": str(months[-1]),
            "accuracy": _clean(last.loc[TOTAL, "accuracy"]),
            "bias": _clean(last.loc[TOTAL, "bias"]),
            "by_rep": {
                str(rep): {"accuracy": _clean(r["accuracy"]), "bias": _clean(r["bias"])}
                for rep, r in last.drop(TOTAL).iterrows()
            },
            "trailing_months": [str(m) for m in months[-BIAS_MONTHS:]],
            "trailing_bias": _clean(trailing.loc[TOTAL, "bias"]),
            "trailing_by_rep": {
                str(rep): _clean(r["bias"]) for rep, r in trailing.drop(TOTAL).iterrows()
            },
        }

    def _activity_figures(self) -> dict[str, Any] | None:
        a = self.activity
        if not available(a) or self.activity_window is None:
            return None
        w = self.activity_window
        return {
            "standards": dict(self.standards),
            "last_month": {"start": w.start.date().isoformat(), "end": w.end.date().isoformat()},
            "by_rep": {
                str(rep): {
                    str(k): {"per_week": _clean(r["per_week"]), "ratio": _clean(r["ratio"])}
                    for (_, k), r in a.xs(rep, level="owner", drop_level=False).iterrows()
                }
                for rep in a.index.get_level_values("owner").unique()
                if rep != TOTAL
            },
            "total": {
                str(k): {"per_week": _clean(r["per_week"]), "ratio": _clean(r["ratio"])}
                for k, r in a.xs(TOTAL, level="owner").iterrows()
            },
        }

    def _mix_figures(self) -> dict[str, Any] | None:
        if not available(self.mix):
            return None
        keys = ("new", "existing", "unknown", "new_share", "existing_share")
        return {
            window.replace(" ", "_"): {k: _clean(self.mix.loc[(window, TOTAL), k]) for k in keys}
            for window in ("month to date", "year to date")
        }

    def _customer_figures(self) -> dict[str, Any] | None:
        c = self.customers
        if not available(c):
            return None
        return {
            "last_year": [
                {"account": str(a), "revenue": float(r["revenue"]), "share": _clean(r["share"])}
                for a, r in c.drop(TOTAL).iterrows()
            ],
            "total": float(c.loc[TOTAL, "revenue"]),
        }

    def _cost_per_lead_figures(self) -> dict[str, Any] | None:
        c = self.cost_per_lead
        if not available(c):
            return None
        return {
            "last_year": {
                str(s): {
                    "spend": float(r["spend"]),
                    "leads": int(r["leads"]),
                    "cost_per_lead": _clean(r["cost_per_lead"]),
                }
                for s, r in c.drop(TOTAL).iterrows()
            },
            "total": _clean(c.loc[TOTAL, "cost_per_lead"]),
        }

    def _dso_figures(self) -> dict[str, Any] | None:
        d = self.dso
        if not available(d):
            return None
        return {
            "dso": _clean(d.dso),
            "goal": d.goal,
            "over_goal": _clean(d.over_goal),
            "open_receivables": d.open_receivables,
            "invoiced": d.invoiced,
        }

    def _profitability_figures(self) -> dict[str, Any] | None:
        p = self.profitability
        if not available(p):
            return None
        keys = ("volume", "margin", "cost", "profit", "profit_to_volume")
        rows = {str(rep): {k: _clean(r[k]) for k in keys} for rep, r in p.iterrows()}
        return {"last_year": rows, "total": rows.pop(TOTAL)}

    def _expense_figures(self) -> dict[str, Any] | None:
        e = self.sales_expense
        if not available(e):
            return None
        keys = ("expense", "volume", "margin", "quota", "of_volume", "of_margin", "of_quota")
        return {str(k): {c: _clean(e.loc[k, c]) for c in keys} for k in e.index}

    def _services_figures(self) -> dict[str, Any] | None:
        s = self.services
        if not available(s):
            return None
        return {
            str(k): {"actual": _clean(r["actual"]), "goal": _clean(r["goal"]), "meets": r["meets"]}
            for k, r in s.vs_goal.iterrows()
        }

    def _flow_figures(self) -> dict[str, Any] | None:
        f = self.flow
        if not available(f):
            return None
        return {
            "window": [f.window[0].date().isoformat(), f.window[1].date().isoformat()],
            "previous_as_of": None
            if f.previous_as_of is None
            else f.previous_as_of.date().isoformat(),
            "basis": self.flow_basis,
            "total": {k: float(f.total[k]) for k in pp.BUCKETS},
            "slipped": {
                "deals": len(f.slipped),
                "amount": float(f.slipped["amount_current"].sum()) if len(f.slipped) else 0.0,
            },
        }

    def _conversion_figures(self) -> dict[str, Any] | None:
        c = self.conversion
        if not available(c):
            return None
        days = self.stage_time.by_stage if available(self.stage_time) else None
        return {
            "basis": c.basis,
            "stages": {
                str(s): {
                    "entered": int(r["entered"]),
                    "to_next": _clean(r["to_next"]),
                    "win_rate": _clean(r["win_rate"]),
                    "median_days": None if days is None else _clean(days.loc[s, "median_days"]),
                }
                for s, r in c.by_stage.iterrows()
            },
        }

    def _math_figures(self) -> dict[str, Any] | None:
        m = self.pipeline_math
        if not available(m):
            return None
        return {
            "enough": m.enough,
            "basis": m.basis,
            "months": [str(m.months[0]), str(m.months[-1])] if m.months else [],
            "closing_ratio": _clean(m.rates_total["closing_ratio"]),
            "cohort_win_rate": _clean(m.rates_total["cohort_win_rate"]),
            "targets": {
                str(month): {k: _clean(r[k]) for k in ("quota", "must_enter", "start_needed")}
                for month, r in m.targets_total.iterrows()
            },
        }

    # -- tables --

    def period_table(self, rep: str | None = None) -> Table | NotAvailable:
        """Every window side by side for the team (or one rep): sales, win rates, quota."""
        first = self.by_period[self.periods[0].key]
        if not available(first):
            return first
        who = TOTAL if rep is None else rep
        rows = {}
        for p in self.periods:
            t = self.by_period[p.key]
            rows[p.title] = t.loc[who] if who in t.index else pd.Series(np.nan, index=t.columns)
        frame = pd.DataFrame(rows).T
        return _sales_table(frame, "Period")

    def rep_table(self, period: str = "last_month") -> Table | NotAvailable:
        """One window, rep by rep with the team's total."""
        t = self.by_period[period]
        if not available(t):
            return t
        return _sales_table(t, "Rep")

    def pipeline_table(self) -> Table | NotAvailable:
        if not available(self.open_pipeline):
            return self.open_pipeline
        t = self.open_pipeline
        frame = pd.DataFrame(
            {"Deals": [str(int(c)) for c in t["count"]], "Open value": t["value"].to_numpy()},
            index=pd.Index([str(i) for i in t.index], name="Stage"),
        )
        return Table(frame, text_columns=("Deals",))

    def rep_pipeline_table(self) -> Table | NotAvailable:
        """Open and weighted pipeline, velocity, by rep."""
        if not available(self.weighted):
            return self.weighted
        w = self.weighted
        frame = pd.DataFrame(
            {
                "Open deals": [str(int(v)) for v in w["open_count"]],
                "Open value": w["open_value"].to_numpy(),
                "Weighted value": w["weighted_value"].to_numpy(),
            },
            index=pd.Index([str(i) for i in w.index], name="Rep"),
        )
        if available(self.velocity):
            v = self.velocity.reindex(w.index)
            frame["Win rate (365 days)"] = v["win_rate"].to_numpy()
            frame["Average deal"] = v["average_deal"].to_numpy()
            frame["Cycle days"] = [_days(d) for d in v["cycle_days"]]
            frame["Velocity a day"] = v["velocity"].to_numpy()
        return Table(
            frame,
            percent_columns=("Win rate (365 days)",),
            text_columns=("Open deals", "Cycle days"),
        )

    def coverage_table(self) -> Table | NotAvailable:
        c = self.coverage
        if not available(c):
            return c
        rows = []
        index = []
        for (rep, h), r in [
            *c.by_rep.iterrows(),
            *((("Total", h), r) for h, r in c.total.iterrows()),
        ]:
            index.append(str(rep))
            rows.append(
                {
                    "Months": _months_text(c.months[h]),
                    "Pipeline": r["pipeline"],
                    "Quota": r["quota"],
                    "Coverage": _times(r["coverage"]),
                    "Win rate (365 days)": r["win_rate"],
                    "Coverage needed": _times(r["needed"]),
                    "Enough?": _enough(r["below_need"]),
                }
            )
        frame = pd.DataFrame(rows, index=pd.Index(index, name="Rep"))
        return Table(
            frame,
            percent_columns=("Win rate (365 days)",),
            text_columns=("Months", "Coverage", "Coverage needed", "Enough?"),
        )

    def thirty_sixty_ninety_table(self) -> Table | NotAvailable:
        t = self.thirty_sixty_ninety
        if not available(t):
            return t
        need = self.team_need()
        frame = pd.DataFrame(
            {
                "Deals": [str(int(v)) for v in t.total["count"]],
                "Open value": t.total["value"].to_numpy(),
                "Quota of those days": t.total["quota"].to_numpy(),
                "Pipeline needed": (t.total["quota"] * need).to_numpy() if need else np.nan,
                "Coverage": [_times(v) for v in t.total["coverage"]],
            },
            index=pd.Index([_category(str(c)) for c in t.total.index], name="Expected close"),
        )
        return Table(frame, text_columns=("Deals", "Coverage"))

    def forecast_table(self) -> Table | NotAvailable:
        f = self.forecast
        if not available(f):
            return f
        frame = f.reset_index()
        frame = pd.DataFrame(
            {
                "Month": [str(m) for m in frame["period"]],
                "Forecast": frame["forecast"].to_numpy(),
                "Won": frame["actual"].to_numpy(),
                "Accuracy": [_score(v) for v in frame["accuracy"]],
                "Bias": frame["bias"].to_numpy(),
            },
            index=pd.Index([str(o) for o in frame["owner"]], name="Rep"),
        )
        return Table(frame, percent_columns=("Bias",), text_columns=("Month", "Accuracy"))

    def bias_table(self) -> Table | NotAvailable:
        t = self.trailing_bias() if available(self.forecast) else None
        if t is None:
            return (
                self.forecast
                if not available(self.forecast)
                else NotAvailable(("forecasts",), "forecasts", True)
            )
        frame = pd.DataFrame(
            {
                "Forecast": t["forecast"].to_numpy(),
                "Won": t["actual"].to_numpy(),
                "Accuracy": [_score(v) for v in t["accuracy"]],
                "Bias": t["bias"].to_numpy(),
                "Reads as": [_bias_words(b) for b in t["bias"]],
            },
            index=pd.Index([str(i) for i in t.index], name="Rep"),
        )
        return Table(frame, percent_columns=("Bias",), text_columns=("Accuracy", "Reads as"))

    def activity_table(self) -> Table | NotAvailable:
        a = self.activity
        if not available(a):
            return a
        per_week = a["per_week"].unstack("kind").reindex(columns=list(self.standards))  # noqa: PD010
        ratio = a["ratio"].unstack("kind").reindex(columns=list(self.standards))  # noqa: PD010
        order = [r for r in per_week.index if r != TOTAL] + [TOTAL]
        frame = pd.DataFrame(index=pd.Index(order, name="Rep"))
        for k in self.standards:
            label = KIND_LABELS.get(k, k)
            heading = f"{label[:1].upper()}{label[1:]} a week (standard {self.standards[k]:g})"
            frame[heading] = [_per_week(per_week.loc[r, k], ratio.loc[r, k]) for r in order]
        return Table(frame, text_columns=tuple(frame.columns))

    def goalboard_table(self, period: str = "last_month") -> Table | NotAvailable:
        g = self.goalboards[period]
        if not available(g):
            return g
        g = g[g["quota"] > 0]  # a rep not employed in the period is not ranked in it
        frame = pd.DataFrame(
            {
                "Won": g["won"].to_numpy(),
                "Quota": g["quota"].to_numpy(),
                "Attainment": g["attainment"].to_numpy(),
                "Rank": [str(int(v)) for v in g["attainment_rank"]],
                "Activity vs standard": g["activity_score"].to_numpy(),
                "Activity rank": [str(int(v)) for v in g["activity_rank"]],
            },
            index=pd.Index([str(i) for i in g.index], name="Rep"),
        )
        return Table(
            frame,
            percent_columns=("Attainment", "Activity vs standard"),
            text_columns=("Rank", "Activity rank"),
        )

    def mix_table(self) -> Table | NotAvailable:
        m = self.mix
        if not available(m):
            return m
        rows = m.reset_index()
        frame = pd.DataFrame(
            {
                "Window": [str(w).capitalize() for w in rows["window"]],
                "Net-new accounts": rows["new"].to_numpy(),
                "Existing accounts": rows["existing"].to_numpy(),
                "Not marked": rows["unknown"].to_numpy(),
                "Net-new share": rows["new_share"].to_numpy(),
                "Existing share": rows["existing_share"].to_numpy(),
            },
            index=pd.Index([str(o) for o in rows["owner"]], name="Rep"),
        )
        return Table(
            frame, percent_columns=("Net-new share", "Existing share"), text_columns=("Window",)
        )

    def customers_table(self) -> Table | NotAvailable:
        c = self.customers
        if not available(c):
            return c
        frame = pd.DataFrame(
            {
                "Revenue": c["revenue"].to_numpy(),
                "Deals": [str(int(v)) for v in c["deals"]],
                "Share": c["share"].to_numpy(),
            },
            index=pd.Index([str(i) for i in c.index], name="Account"),
        )
        return Table(frame, percent_columns=("Share",), text_columns=("Deals",))

    def cost_per_lead_table(self) -> Table | NotAvailable:
        c = self.cost_per_lead
        if not available(c):
            return c
        frame = pd.DataFrame(
            {
                "Spend": c["spend"].to_numpy(),
                "Leads": [str(int(v)) for v in c["leads"]],
                "Cost per lead": c["cost_per_lead"].to_numpy(),
            },
            index=pd.Index([str(i) for i in c.index], name="Lead source"),
        )
        return Table(frame, text_columns=("Leads",))

    def profitability_table(self) -> Table | NotAvailable:
        p = self.profitability
        if not available(p):
            return p
        frame = pd.DataFrame(
            {
                "Sales": p["volume"].to_numpy(),
                "Gross margin": p["margin"].to_numpy(),
                "Cost of the rep": p["cost"].to_numpy(),
                "Profit": p["profit"].to_numpy(),
                "Profit to sales": p["profit_to_volume"].to_numpy(),
            },
            index=pd.Index([str(i) for i in p.index], name="Rep"),
        )
        return Table(frame, percent_columns=("Profit to sales",))

    def expense_table(self) -> Table | NotAvailable:
        e = self.sales_expense
        if not available(e):
            return e
        frame = pd.DataFrame(
            {
                "Direct sales expense": e["expense"].to_numpy(),
                "Sales": e["volume"].to_numpy(),
                "Gross margin": e["margin"].to_numpy(),
                "Quota": e["quota"].to_numpy(),
                "Of sales": e["of_volume"].to_numpy(),
                "Of margin": e["of_margin"].to_numpy(),
                "Of quota": e["of_quota"].to_numpy(),
            },
            index=pd.Index([self.period(k).title for k in e.index], name="Period"),
        )
        return Table(frame, percent_columns=("Of sales", "Of margin", "Of quota"))

    def services_table(self) -> Table | NotAvailable:
        s = self.services
        if not available(s):
            return s
        labels = {
            "blended_rate": "Blended billing rate",
            "realization": "Realization",
            "utilization": "Utilization",
            "backlog_days": "Backlog (days)",
        }
        rows = []
        for key, r in s.vs_goal.iterrows():
            show = _services_value(str(key))
            rows.append(
                {
                    "Actual": show(r["actual"]),
                    "Goal": show(r["goal"]),
                    "Meets the goal?": {True: "yes", False: "no"}.get(r["meets"], "no goal set"),
                }
            )
        frame = pd.DataFrame(
            rows, index=pd.Index([labels[str(k)] for k in s.vs_goal.index], name="Rate")
        )
        return Table(frame, text_columns=tuple(frame.columns))

    def flow_table(self) -> Table | NotAvailable:
        f = self.flow
        if not available(f):
            return f
        by_rep = f.by_rep.reindex(columns=list(pp.BUCKETS))
        frame = pd.concat([by_rep, f.total.to_frame(TOTAL).T[list(pp.BUCKETS)]])
        frame.columns = [BUCKET_LABELS[c] for c in frame.columns]
        frame.index = pd.Index([str(i) for i in frame.index], name="Rep")
        return Table(frame)

    def slipped_table(self) -> Table | NotAvailable:
        f = self.flow
        if not available(f):
            return f
        s = f.slipped
        frame = pd.DataFrame(
            {
                "Rep": [str(v) for v in s["owner"]],
                "Was due": [f"{d:%d %b %Y}" for d in s["close_previous"]],
                "Now due": [
                    "no date" if pd.isna(d) else f"{d:%d %b %Y}" for d in s["close_current"]
                ],
                "Days later": ["" if pd.isna(d) else str(int(d)) for d in s["days_later"]],
                "Amount": s["amount_current"].to_numpy(),
                "Out of the quarter": ["yes" if v > 0 else "no" for v in s["pushed_out"]],
            },
            index=pd.Index(
                [str(n) for n in s["name"]] if "name" in s else [str(i) for i in s["id"]],
                name="Deal",
            ),
        )
        frame.index = pd.Index(list(frame.index), name="Deal")
        return Table(
            frame, text_columns=("Rep", "Was due", "Now due", "Days later", "Out of the quarter")
        )

    def conversion_table(self) -> Table | NotAvailable:
        c = self.conversion
        if not available(c):
            return c
        b = c.by_stage
        frame = pd.DataFrame(
            {
                "Deals that reached it": [str(int(v)) for v in b["entered"]],
                "Went on to the next": b["to_next"].to_numpy(),
                "Won in the end": b["win_rate"].to_numpy(),
            },
            index=pd.Index([str(i) for i in b.index], name="Stage"),
        )
        if available(self.stage_time):
            t = self.stage_time.by_stage.reindex(b.index)
            frame["Median days in it"] = [_days(v) for v in t["median_days"]]
            frame["In it now"] = [str(int(v)) for v in t["in_stage_now"]]
        return Table(
            frame,
            percent_columns=("Went on to the next", "Won in the end"),
            text_columns=("Deals that reached it", "Median days in it", "In it now"),
        )

    def math_table(self) -> Table | NotAvailable:
        m = self.pipeline_math
        if not available(m):
            return m
        t = m.targets_total
        frame = pd.DataFrame(
            {
                "Quota": t["quota"].to_numpy(),
                "Pipeline to start the month with": t["start_needed"].to_numpy(),
                "Pipeline to create in the month": t["must_enter"].to_numpy(),
            },
            index=pd.Index([f"{p:%B %Y}" for p in t.index], name="Month"),
        )
        return Table(frame)

    def rollup_table(self, key: str = "this_quarter") -> Table | NotAvailable:
        r = self.rollups[key]
        if not available(r):
            return r
        frame = pd.DataFrame(
            {
                "Won": r["closed"].to_numpy(),
                "Won + commit": r["through_commit"].to_numpy(),
                "+ best case": r["through_best_case"].to_numpy(),
                "+ pipeline": r["through_pipeline"].to_numpy(),
                "Omitted": r["omitted"].to_numpy(),
            },
            index=pd.Index([str(i) for i in r.index], name="Rep"),
        )
        return Table(frame)

    def top_table(self, key: str = "this_quarter") -> Table | NotAvailable:
        t = self.top_accounts[key]
        if not available(t):
            return t
        frame = pd.DataFrame(
            {
                "Account": [
                    str(v) for v in t.get("account", t.get("name", pd.Series("", index=t.index)))
                ],
                "Deal": [str(v) for v in t["name"]] if "name" in t else "",
                "Rep": [str(v) for v in t["owner"]] if "owner" in t else "",
                "Stage": [str(v) for v in t["stage"]] if "stage" in t else "",
                "Amount": t["amount"].to_numpy(),
                "Expected close": [f"{d:%d %b %Y}" for d in t["close"]],
                "Forecast category": [_category_words(v) for v in t["forecast_category"]]
                if "forecast_category" in t
                else "",
            },
            index=pd.Index([str(i) for i in t.index], name="Rank"),
        )
        return Table(
            frame,
            text_columns=("Account", "Deal", "Rep", "Stage", "Expected close", "Forecast category"),
        )

    def tables(self) -> dict[str, Table]:
        """Every table the dashboard shows, for the Excel workbook (those the export allows)."""
        candidates = {
            "Sales by period": self.period_table(),
            "Sales by rep, last month": self.rep_table("last_month"),
            "Sales by rep, last year": self.rep_table("last_year"),
            "Open pipeline by stage": self.pipeline_table(),
            "Pipeline by rep": self.rep_pipeline_table(),
            "Coverage against need": self.coverage_table(),
            "30-60-90": self.thirty_sixty_ninety_table(),
            "Forecast accuracy": self.forecast_table(),
            "Forecast bias": self.bias_table(),
            "Activity vs standard": self.activity_table(),
            "Goalboard": self.goalboard_table("last_month"),
            "Net-new and existing": self.mix_table(),
            "Revenue per customer": self.customers_table(),
            "Cost per lead": self.cost_per_lead_table(),
            "Rep profitability": self.profitability_table(),
            "Direct sales expense": self.expense_table(),
            "Services rates": self.services_table(),
            "Pipeline flow": self.flow_table(),
            "Slipped deals": self.slipped_table(),
            "Stage conversion": self.conversion_table(),
            "Pipeline math": self.math_table(),
            "Forecast categories": self.rollup_table("this_quarter"),
            "Top deals this quarter": self.top_table("this_quarter"),
        }
        return {name: t for name, t in candidates.items() if isinstance(t, Table)}

    # -- words --

    def heading_summary(self, currency: str) -> dict[str, str]:
        """The dashboard's headline: the date, the reps, last month and the year to date."""
        rows = {
            "Figures as of": f"{self.as_of:%d %B %Y}",
            "Reps carrying quota": str(len(self.reps)),
        }
        for key in ("last_month", "month_to_date", "last_year", "year_to_date"):
            t = self.by_period[key]
            if not available(t):
                continue
            p = self.period(key)
            won = t.loc[TOTAL, "won_amount"]
            att = t.loc[TOTAL, "attainment"]
            rows[f"Won, {p.title[:1].lower()}{p.title[1:]}"] = (
                f"{money(won, currency)} ({pct(check.finite_or_none(att), 0)} of quota)"
                if check.finite_or_none(att) is not None
                else money(won, currency)
            )
        if available(self.open_pipeline):
            rows["Open pipeline"] = (
                f"{money(float(self.open_pipeline.loc[TOTAL, 'value']), currency)} in "
                f"{int(self.open_pipeline.loc[TOTAL, 'count'])} deals"
            )
        return rows

    def period_summary(
        self, currency: str, period: str = "last_month", rep: str | None = None
    ) -> dict[str, str]:
        """One window's key figures for the team or one rep (the live panel's block)."""
        t = self.by_period[period]
        p = self.period(period)
        if not available(t):
            return {p.title: not_available_text(t)}
        who = TOTAL if rep is None else rep
        if who not in t.index:
            return {p.title: "no deals closed and no quota in this period"}
        r = t.loc[who]
        return {
            "Period": p.title,
            "Who": "The team" if rep is None else rep,
            "Won": f"{money(r['won_amount'], currency)} in {_deals(r['won_count'])}",
            "Quota": money(check.finite_or_none(r["quota"]), currency),
            "Attainment": pct(check.finite_or_none(r["attainment"]), 0),
            "Win rate (deals / value)": (
                f"{pct(check.finite_or_none(r['win_rate_count']), 0)} / "
                f"{pct(check.finite_or_none(r['win_rate_value']), 0)}"
            ),
            "Average order": money(check.finite_or_none(r["average_order_value"]), currency),
            "Median cycle": _days(r["median_cycle_days"], " days"),
            "Activity vs standard": pct(check.finite_or_none(r["activity_score"]), 0),
        }

    def sales_text(self, currency: str) -> str:
        """Last month and the year so far, in words."""
        said = []
        for key in ("last_month", "last_year", "year_to_date"):
            t = self.by_period[key]
            if not available(t):
                return f"Sales by period: {not_available_text(t)}."
            p = self.period(key)
            r = t.loc[TOTAL]
            att = check.finite_or_none(r["attainment"])
            against = (
                f", {pct(att, 0)} of its {money(r['quota'], currency)} quota"
                if att is not None
                else ""
            )
            said.append(
                f"{p.title}: {money(r['won_amount'], currency)} won in {_deals(r['won_count'])}{against}."
            )
        return " ".join(said)

    def pipeline_text(self, currency: str) -> str:
        if not available(self.open_pipeline):
            return f"Open pipeline: {not_available_text(self.open_pipeline)}."
        t = self.open_pipeline
        said = (
            f"The team has {int(t.loc[TOTAL, 'count'])} open deals worth "
            f"{money(float(t.loc[TOTAL, 'value']), currency)}"
        )
        if available(self.weighted):
            said += (
                f"; weighted by each stage's chance of closing, they are worth "
                f"{money(float(self.weighted.loc[TOTAL, 'weighted_value']), currency)}"
            )
        biggest = t.drop(TOTAL)["value"].idxmax() if len(t) > 1 else None
        if biggest is not None:
            said += f". Most of the value sits in {biggest}."
        return said if said.endswith(".") else said + "."

    def coverage_text(self, currency: str) -> str:
        c = self.coverage
        if not available(c):
            return f"Coverage: {not_available_text(c)}."
        h = max(c.months)
        r = c.total.loc[h]
        months = _months_text(c.months[h])
        need = check.finite_or_none(r["needed"])
        cov = check.finite_or_none(r["coverage"])
        rate = pct(check.finite_or_none(r["win_rate"]), 0)
        if cov is None or need is None:
            return f"The coverage of {months} cannot be judged: the quota or the win rate is not known."
        short = [
            str(rep)
            for (rep, hh), row in c.by_rep.iterrows()
            if hh == h and row["below_need"] is True
        ]
        said = (
            f"For {months} the team holds {_times(cov)} its quota in pipeline, against the "
            f"{_times(need)} its win rate of {rate} calls for: "
            + (
                "enough."
                if cov >= need
                else f"{money(r['quota'] * need - r['pipeline'], currency)} short."
            )
        )
        if short:
            said += f" Below their own need: {', '.join(short)}."
        return said

    def thirty_sixty_ninety_text(self, currency: str) -> str:
        t = self.thirty_sixty_ninety
        if not available(t):
            return f"30/60/90: {not_available_text(t)}."
        need = self.team_need()
        parts = []
        for cat in ("0-30", "31-60", "61-90"):
            r = t.total.loc[cat]
            parts.append(f"{money(r['value'], currency)} due in {cat} days")
        said = "Of the open pipeline, " + ", ".join(parts) + "."
        if need:
            gaps = [
                cat
                for cat in ("0-30", "31-60", "61-90")
                if check.finite_or_none(t.total.loc[cat, "quota"])
                and t.total.loc[cat, "value"] < t.total.loc[cat, "quota"] * need
            ]
            said += f" Each window needs its quota x {_times(need)}; " + (
                f"short in the {', '.join(gaps)} day windows." if gaps else "every window has it."
            )
        overdue = t.total.loc["overdue"]
        if overdue["count"]:
            said += (
                f" {int(overdue['count'])} open deals worth {money(overdue['value'], currency)} are past "
                "their expected close: close them or give them a real date."
            )
        return said

    def forecast_text(self) -> str:
        if not available(self.forecast):
            return f"Forecast accuracy: {not_available_text(self.forecast)}."
        t = self.trailing_bias()
        if t is None:
            return "No complete month has a forecast yet."
        total = t.loc[TOTAL]
        said = (
            f"Over the last {int(total['months'])} complete months the team's forecasts were "
            f"{_score(total['accuracy'])} accurate, {_bias_words(total['bias'])}."
        )
        reps = t.drop(TOTAL)
        over = reps[reps["bias"] > TOLERANCE]
        under = reps[reps["bias"] < -TOLERANCE]
        if len(over):
            said += (
                " Forecasting more than they win: "
                + ", ".join(f"{rep} ({pct(b, 0)})" for rep, b in over["bias"].items())
                + "."
            )
        if len(under):
            said += (
                " Forecasting less than they win: "
                + ", ".join(f"{rep} ({pct(b, 0)})" for rep, b in under["bias"].items())
                + "."
            )
        return said

    def activity_text(self) -> str:
        a = self.activity
        if not available(a):
            return f"Activity: {not_available_text(a)}."
        if self.activity_window is None:
            return "No whole week to measure activity in."
        board = self.goalboards.get("last_month")
        w = self.activity_window
        if not available(board) or board["activity_score"].isna().all():
            return f"No standard activities logged in {_span_text(w.start, w.end)}."
        scores = board["activity_score"].dropna().sort_values()
        low = scores[scores < 1 - TOLERANCE]
        said = f"In the whole weeks of {_span_text(w.start, w.end)}, "
        if low.empty:
            return said + "every rep kept to the activity standards."
        return (
            said
            + "below the activity standards: "
            + ", ".join(f"{rep} ({pct(s, 0)} of standard)" for rep, s in low.items())
            + "."
        )

    def flow_text(self, currency: str) -> str:
        f = self.flow
        if not available(f):
            return f"Pipeline flow: {not_available_text(f)}."
        t = f.total
        first, last = f.window
        since = "" if f.previous_as_of is None else f" since {_day_text(f.previous_as_of)}"
        said = (
            f"The pipeline due {_span_text(first, last)} moved from {money(t['start'], currency)} to "
            f"{money(t['end'], currency)}{since}: {money(t['created'] + t['pulled_in'] + t['increased'], currency)} "
            f"came in (new deals, deals pulled in, larger amounts), {money(t['won'], currency)} was won, "
            f"{money(t['lost'], currency)} lost and {money(t['pushed_out'] + t['decreased'], currency)} "
            "pushed out or cut."
        )
        if len(f.slipped):
            said += f" {_deals(len(f.slipped)).capitalize()} slipped to a later date."
        return said

    def math_text(self, currency: str) -> str:
        m = self.pipeline_math
        if not available(m):
            return f"Pipeline math: {not_available_text(m)}."
        if not m.enough:
            return " ".join(m.notes) or "Not enough history for the pipeline math."
        r = m.rates_total
        closing = pct(check.finite_or_none(r["closing_ratio"]), 0)
        cohort = pct(check.finite_or_none(r["cohort_win_rate"]), 0)
        return (
            f"Over {_months_text(m.months)}, the team won {closing} of the "
            f"pipeline due each month (the closing ratio) and {cohort} of "
            "the value it created once those deals closed (the cohort win rate). Each month's quota "
            "therefore needs a pipeline of quota / closing ratio at its start, and quota / cohort win "
            "rate created in it."
        )

    def dso_summary(self, currency: str) -> dict[str, str]:
        """Days sales outstanding against its goal, with what is owed."""
        d = self.dso
        if not available(d):
            return {"Days sales outstanding": not_available_text(d)}
        rows = {
            "Days sales outstanding": _days(d.dso, " days"),
            "Goal": "none set" if d.goal is None else _days(d.goal, " days"),
            "Owed by customers": f"{money(d.open_receivables, currency)} in {d.open_invoices} invoices",
            f"Invoiced in the last {d.days} days": money(d.invoiced, currency),
        }
        over = check.finite_or_none(d.over_goal)
        if over is not None:
            rows["Against the goal"] = (
                f"{over:.0f} days slower than the goal" if over > 0 else "within the goal"
            )
        return rows

    def notes_text(self) -> str:
        return " ".join(self.notes)

    def weakest_text(self) -> str:
        w = self.weakest
        if w is None:
            return (
                "No signal falls short by more than "
                f"{pct(TOLERANCE, 0)}: coverage, forecast bias, the 30/60/90 windows and activity "
                "are all near where they should be."
            )
        return f"{w['sentence']} {w['action']}"


_PERIOD_COLUMNS = (
    "won_count",
    "won_amount",
    "lost_count",
    "lost_amount",
    "win_rate_count",
    "win_rate_value",
    "average_order_value",
    "median_cycle_days",
    "quota",
    "attainment",
    "attainment_rank",
    "activity_score",
)


def _clean(value: object) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return number if math.isfinite(number) else None


def _rows(result: Result, columns: Sequence[str]) -> dict[str, Any] | None:
    if not available(result):
        return None
    rows = {str(i): {c: _clean(result.loc[i, c]) for c in columns} for i in result.index}
    return {"total": rows.pop(TOTAL), "by_rep": rows}


def _days(value: object, unit: str = "") -> str:
    number = check.finite_or_none(value)
    return "—" if number is None else f"{number:.0f}{unit}"


def _per_week(count: object, ratio: object) -> str:
    """'14.0 (93%)': activities a week and their share of the standard."""
    number = check.finite_or_none(count)
    if number is None:
        return "—"
    share = check.finite_or_none(ratio)
    return f"{number:.1f}" if share is None else f"{number:.1f} ({pct(share, 0)})"


def _times(value: object) -> str:
    number = check.finite_or_none(value)
    if number is None:
        return (
            "never enough"
            if value is not None and not pd.isna(value) and np.isinf(float(value))
            else "—"
        )
    return f"{number:.1f}x"


def _score(value: object) -> str:
    number = check.finite_or_none(value)
    return "—" if number is None else f"{number:.0f}%"


def _enough(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "not known"
    return "no" if bool(value) else "yes"


def _bias_words(value: object) -> str:
    b = check.finite_or_none(value)
    if b is None:
        return "nothing won to compare with"
    if abs(b) <= TOLERANCE:
        return f"about right ({pct(b, 0)})"
    return f"{pct(abs(b), 0)} {'over' if b > 0 else 'under'} what was won"


def _category(label: str) -> str:
    return {"0-30": "0-30 days", "31-60": "31-60 days", "61-90": "61-90 days"}.get(
        label, label.capitalize()
    )


def _category_words(value: object) -> str:
    if value is None or pd.isna(value):
        return ""
    return str(value).replace("_", " ")


def _months_text(months: Sequence[pd.Period]) -> str:
    months = list(months)
    if len(months) == 1:
        return f"{months[0]:%B %Y}"
    return _span_text(months[0].start_time, months[-1].end_time.normalize())


def _services_value(key: str) -> Any:
    if key == "blended_rate":
        return lambda v: (
            "—" if check.finite_or_none(v) is None else f"{check.finite_or_none(v):,.2f} an hour"
        )
    if key == "backlog_days":
        return lambda v: _days(v, " days")
    return lambda v: pct(check.finite_or_none(v), 0)


def _sales_table(frame: pd.DataFrame, label: str) -> Table:
    out = pd.DataFrame(
        {
            "Won deals": [_count(v) for v in frame["won_count"]],
            "Won": frame["won_amount"].to_numpy(dtype=float),
            "Lost deals": [_count(v) for v in frame["lost_count"]],
            "Win rate (deals)": frame["win_rate_count"].to_numpy(dtype=float),
            "Win rate (value)": frame["win_rate_value"].to_numpy(dtype=float),
            "Average order": frame["average_order_value"].to_numpy(dtype=float),
            "Median cycle days": [_days(v) for v in frame["median_cycle_days"]],
            "Quota": frame["quota"].to_numpy(dtype=float),
            "Attainment": frame["attainment"].to_numpy(dtype=float),
            "Activity vs standard": frame["activity_score"].to_numpy(dtype=float),
        },
        index=pd.Index([str(i) for i in frame.index], name=label),
    )
    return Table(
        out,
        percent_columns=(
            "Win rate (deals)",
            "Win rate (value)",
            "Attainment",
            "Activity vs standard",
        ),
        text_columns=("Won deals", "Lost deals", "Median cycle days"),
    )


def _deals(n: object) -> str:
    """'1 deal', '3 deals'."""
    n = int(n)  # type: ignore[call-overload]
    return f"{n} deal" if n == 1 else f"{n} deals"


def _count(value: object) -> str:
    number = check.finite_or_none(value)
    return "—" if number is None else str(int(number))


# ----------------------------------------------------------------------------
# Working it out
# ----------------------------------------------------------------------------


def _sales_by_period(
    opps: pd.DataFrame | None,
    acts: pd.DataFrame | None,
    quotas: pd.DataFrame,
    p: Period,
    standards: Mapping[str, float],
    rep_starts: Mapping[str, object],
) -> tuple[Result, Result]:
    """The window's rep table (won, lost, win rates, order value, cycle, quota, attainment,
    activity) and its goalboard."""
    wr = db.win_rates(opps, p.start, p.end)
    if not available(wr):
        return wr, wr
    aov = db.average_order_value(opps, p.start, p.end)
    cycle = db.sales_cycle(opps, p.start, p.end)
    quota = _period_quota(quotas, p.start, p.end)
    board = db.goalboard(
        opps,
        pd.DataFrame({str(p.start.to_period("M")): quota}),
        p.start,
        p.end,
        activities=acts,
        standards=standards or None,
        rep_starts=rep_starts,
    )
    owners = sorted({*quotas.index, *(i for i in wr.index if i != TOTAL)}, key=str)
    index = pd.Index([*owners, TOTAL], name="owner", dtype=object)
    table = pd.DataFrame(index=index)
    table["won_count"] = wr["won"].reindex(index).fillna(0).astype(np.int64)
    table["won_amount"] = wr["won_amount"].reindex(index).fillna(0.0)
    table["lost_count"] = wr["lost"].reindex(index).fillna(0).astype(np.int64)
    table["lost_amount"] = wr["lost_amount"].reindex(index).fillna(0.0)
    table["win_rate_count"] = wr["win_rate_count"].reindex(index)
    table["win_rate_value"] = wr["win_rate_value"].reindex(index)
    table["average_order_value"] = (
        aov["average_order_value"].reindex(index) if available(aov) else np.nan
    )
    table["median_cycle_days"] = cycle["median_days"].reindex(index) if available(cycle) else np.nan
    rep_quota = quota.reindex(index)
    rep_quota[TOTAL] = quota.sum()
    table["quota"] = rep_quota
    table["attainment"] = db._divide(table["won_amount"], table["quota"])
    if available(board):
        table["attainment_rank"] = board["attainment_rank"].reindex(index)
        scores = board["activity_score"].reindex(index)
        if standards and acts is not None:
            team = db.activity_vs_standard(
                acts, standards, p.start, p.end, reps=list(quotas.index), rep_starts=rep_starts
            )
            if available(team):
                scores[TOTAL] = team.xs(TOTAL, level="owner")["ratio"].mean()
        table["activity_score"] = scores
    else:
        table["attainment_rank"] = np.nan
        table["activity_score"] = np.nan
    return table, board


def _win_rates_for_need(opps: pd.DataFrame, as_of: pd.Timestamp) -> tuple[pd.Series, float]:
    """Win rate by value over the 365 days to the as-of date, by rep and for the team."""
    wr = db.win_rates(opps, as_of - _YEAR, as_of)
    rates = wr["win_rate_value"]
    return rates.drop(TOTAL), float(rates[TOTAL])


def _current_opportunities(
    crm: Any, as_of: pd.Timestamp, export: pd.Timestamp, notes: list[str]
) -> pd.DataFrame | None:
    opps = crm.opportunities
    if opps is None or as_of == export:
        return opps
    if crm.history is not None and len(crm.history):
        with located(crm.files.get("history", "opportunity_history.csv")):
            snap = pp.snapshot_from_history(crm.history, crm.stages, as_of, opportunities=opps)
        return snap.reset_index(drop=True)
    notes.append(
        f"The export has no stage history, so the open pipeline is shown as it stood on "
        f"{_day_text(export)}, not on {_day_text(as_of)}."
    )
    return opps


def _direct_expense(client: Client, windows: Sequence[Period]) -> pd.Series | None:
    """The direct sales expense of each window: the pay (with burden) of the roster rows on
    the reps' expense lines (the reps and their manager), for the days employed."""
    roster = client.roster
    reps = roster[roster["annual_quota"].notna()]
    if "line" not in roster.columns or reps.empty or "annual_salary" not in roster.columns:
        return None
    sales = roster[roster["line"].isin(set(reps["line"]))]
    burden = (
        sales["burden"].astype(float).fillna(client.settings.default_burden)
        if "burden" in sales
        else 0.0
    )
    annual = sales["annual_salary"].to_numpy(dtype=float) * (1.0 + np.asarray(burden, dtype=float))
    costs = {}
    for w in windows:
        total = 0.0
        for pay, start, end in zip(annual, sales["start"], sales["end"], strict=True):
            lo = w.start if pd.isna(start) else max(w.start, pd.Period(start, "M").start_time)
            hi = w.end if pd.isna(end) else min(w.end, pd.Period(end, "M").end_time.normalize())
            for month in pd.period_range(lo, hi, freq="M") if lo <= hi else []:
                first = max(lo, month.start_time)
                last = min(hi, month.end_time.normalize())
                total += pay / 12.0 * ((last - first).days + 1) / month.days_in_month
        costs[w.key] = total
    return pd.Series(costs)


def dashboard_report(client: Client, *, as_of: object = None) -> DashboardReport:
    """The sales dashboard from the client's CRM tables, roster and plan.

    ``as_of`` (a date no later than the export's) overrides ``dashboard.as_of`` and the
    folder's as-of date. Every figure whose input the export lacks is kept as a
    :class:`~salesnb.dashboard.NotAvailable`; a bad value raises
    :class:`~salesnb.errors.InputError` naming the file it came from.
    """
    crm = client.crm
    if crm is None or crm.opportunities is None:
        raise InputError(
            "the sales dashboard needs the CRM's opportunities export (opportunities.csv) "
            "with its stages under crm.stages in settings.yaml",
            file="opportunities.csv",
        )
    s = client.settings
    d = s.dashboard
    export = pd.Timestamp((d.as_of if d and d.as_of else None) or s.as_of)
    day = export if as_of is None else pd.Timestamp(as_of).normalize()
    if day > export:
        raise InputError(
            f"as_of: {day.date()} is after the export's date {export.date()}; the export "
            "cannot show a later day",
            file=SETTINGS_FILE,
            column="dashboard.as_of",
        )
    fy = s.first_month.month
    notes: list[str] = []
    opps_file = crm.files.get("opportunities", "opportunities.csv")
    opps = _current_opportunities(crm, day, export, notes)
    acts = crm.activities
    standards = dict(d.activity_standards) if d else {}
    base = d.forecast_error_base if d else "actual"
    margin_rate = d.gross_margin if d else None

    # quotas
    from salesnb.io.readiness import parts

    plan_quotas = None
    if parts(s, crm)["plan"]:
        from salesnb.analysis.plan import plan_report

        plan_quotas = plan_report(client).monthly_quotas
    # every month of the data and of the windows (the last year may start before the deals)
    earliest = _periods(day, fy)[-1].start
    dates = [opps["created"].min(), opps["close"].min(), earliest]
    first = min(x for x in dates if not pd.isna(x)).to_period("M")
    last = day.to_period("M") + 4
    if plan_quotas is not None and len(plan_quotas.index):
        last = max(last, plan_quotas.index.max())
        first = min(first, plan_quotas.index.min())
    months = pd.period_range(first, last, freq="M")
    with located(client.file("roster")):
        quotas = dashboard_quotas(client, months, plan_quotas)
    plan_months = tuple(
        str(m) for m in months if plan_quotas is not None and m in plan_quotas.index
    )
    roster = client.roster
    rep_rows = roster[roster["annual_quota"].notna()]
    rep_starts = {
        str(r["name"]): (None if pd.isna(r["start"]) else pd.Period(r["start"], "M").start_time)
        for _, r in rep_rows.iterrows()
    }

    periods = _periods(day, fy)
    with located(opps_file):
        by_period, boards = {}, {}
        for p in periods:
            by_period[p.key], boards[p.key] = _sales_by_period(
                opps, acts, quotas, p, standards, rep_starts
            )

        stage_list = [st.name for st in crm.stages if st.status == "open"]
        open_by_stage = db.open_pipeline(opps, crm.stages)
        open_by_rep = db.open_pipeline(opps, crm.stages, by_rep=True)
        weighted = db.weighted_pipeline(opps, crm.stages)
        velocity = db.sales_velocity(opps, day - _YEAR, day)

        core = needs(opps, "owner", "status", "amount", "close", table="opportunities")
        if core is None:
            rates, team_rate = _win_rates_for_need(opps, day)
            coverage = pp.coverage(opps, quotas, day, win_rates=rates, team_win_rate=team_rate)
            t369 = pp.thirty_sixty_ninety(opps, day, quotas)
        else:
            coverage = t369 = core
        forecast = db.forecast_accuracy(
            crm.forecasts, opps, base=base, end=day.to_period("M").start_time - pd.Timedelta(days=1)
        )
        mix = db.account_type_share(opps, day, fy_start_month=fy)
        last_year = next(p for p in periods if p.key == "last_year")
        ytd = next(p for p in periods if p.key == "year_to_date")
        customers = db.revenue_per_customer(opps, last_year.start, last_year.end)
        top = {
            "this_month": db.top_forecast_accounts(opps, day, freq="M", fy_start_month=fy),
            "this_quarter": db.top_forecast_accounts(opps, day, freq="Q", fy_start_month=fy),
        }
        month_window = db.to_date(day.to_period("M").end_time.normalize(), "M")
        quarter = day.to_period(db._freq("Q", fy))
        rollups = {
            "this_month": db.forecast_rollup(opps, month_window.start, month_window.end),
            "this_quarter": db.forecast_rollup(
                opps, quarter.start_time, quarter.end_time.normalize()
            ),
        }
        rep_roster = rep_rows[
            [c for c in ("name", "annual_salary", "burden", "start", "end") if c in rep_rows]
        ]
        profitability = db.rep_profitability(
            opps,
            rep_roster,
            last_year.start,
            last_year.end,
            margin_rate=margin_rate,
            default_burden=s.default_burden,
        )
        expense = _direct_expense(client, (last_year, ytd))
        if expense is None:
            sales_expense: Result = NotAvailable(("annual_salary", "line"), "roster")
        else:
            sales_expense = _expense_by_window(
                opps, expense, quotas, (last_year, ytd), margin_rate, fy
            )

    last_month = next(p for p in periods if p.key == "last_month")
    activity_window = None
    with located(crm.files.get("activities", "activities.csv")):
        if standards:
            activity = db.activity_vs_standard(
                acts,
                standards,
                last_month.start,
                last_month.end,
                reps=list(quotas.index),
                rep_starts=rep_starts,
            )
            activity_window = last_month
        else:
            activity = NotAvailable(("activity_standards",), "dashboard")
    with located(crm.files.get("lead_spend", "lead_spend.csv")):
        cpl = db.cost_per_lead(crm.lead_spend, opps, last_year.start, last_year.end)
    with located(crm.files.get("receivables", "receivables.csv")):
        dso = db.days_sales_outstanding(crm.receivables, day, goal=d.dso_goal_days if d else None)
    service = d.services if d is not None and d.services is not None else ServiceSettings()
    with located(crm.files.get("hours", "consultant_hours.csv")):
        services: Result = db.services_rates(
            crm.hours,
            last_year.start,
            last_year.end,
            daily_billable_hours=service.daily_billable_hours,
            goals=service.goals.model_dump() if d is not None and d.services is not None else None,
        )

    flow, flow_basis = _flow(crm, opps, day, export, quarter, notes)
    history = crm.history if crm.history is not None and len(crm.history) else None
    with located(
        crm.files.get("history", "opportunity_history.csv") if history is not None else opps_file
    ):
        miss = needs(opps, "id", "owner", "stage", "status", table="opportunities")
        conversion: Result = miss or pp.stage_conversion(
            crm.stages, history=history, opportunities=opps
        )
        stage_time: Result = (
            NotAvailable(("opportunity_history",), "opportunity_history", True)
            if history is None
            else (miss or pp.time_in_stage(history, crm.stages, opportunities=opps, as_of=day))
        )
        miss = needs(
            opps, "id", "owner", "amount", "created", "close", "status", table="opportunities"
        )
        targets = quotas[
            [str(m) for m in pd.period_range(day.to_period("M"), day.to_period("M") + 3, freq="M")]
        ]
        math_result: Result = miss or pp.pipeline_math(
            opps, targets, day, history=history, stages=crm.stages
        )

    report = DashboardReport(
        as_of=day.date(),
        export_as_of=export.date(),
        fy_start_month=fy,
        reps=tuple(str(r) for r in quotas.index),
        periods=periods,
        quotas=quotas,
        plan_months=plan_months,
        by_period=by_period,
        goalboards=boards,
        stages=tuple(stage_list),
        open_pipeline=open_by_stage,
        open_by_rep=open_by_rep,
        weighted=weighted,
        velocity=velocity,
        coverage=coverage,
        thirty_sixty_ninety=t369,
        forecast=forecast,
        forecast_base=base,
        activity=activity,
        activity_window=activity_window,
        standards=standards,
        mix=mix,
        customers=customers,
        cost_per_lead=cpl,
        dso=dso,
        profitability=profitability,
        sales_expense=sales_expense,
        services=services,
        flow=flow,
        flow_basis=flow_basis,
        conversion=conversion,
        stage_time=stage_time,
        pipeline_math=math_result,
        rollups=rollups,
        top_accounts=top,
        notes=tuple(notes),
    )
    return _with_weakest(report, s.client.currency)


def _expense_by_window(
    opps: pd.DataFrame,
    expense: pd.Series,
    quotas: pd.DataFrame,
    windows: Sequence[Period],
    margin_rate: float | None,
    fy_start_month: int,
) -> Result:
    """Direct sales expense against each window's sales, margin and quota.

    :func:`~salesnb.dashboard.direct_sales_expense` works on periods of one frequency; a
    window to date is not a whole period, so each window is worked out on its own (as a
    one-period series) with its sales kept to the window's days.
    """
    rows = []
    for w in windows:
        in_window = (
            opps.loc[db._in_window(check.dates("opportunities", opps, "close"), w.start, w.end)]
            if "close" in opps.columns
            else opps
        )
        result = db.direct_sales_expense(
            in_window,
            pd.Series(
                [float(expense[w.key])],
                index=pd.PeriodIndex(
                    [w.start.to_period(db._freq(w.freq, fy_start_month))], name="period"
                ),
            ),
            quotas=quotas[
                [
                    c
                    for c in quotas.columns
                    if w.start.to_period("M") <= pd.Period(c, "M") <= w.end.to_period("M")
                ]
            ],
            margin_rate=margin_rate,
        )
        if not available(result):
            return result
        rows.append(result.set_axis([w.key]))
    out = pd.concat(rows)
    # a window to date carries the quota of its days, as every other figure of the dashboard
    for w in windows:
        out.loc[w.key, "quota"] = float(_period_quota(quotas, w.start, w.end).sum())
    out["of_quota"] = db._divide(out["expense"], out["quota"])
    return out


def _flow(
    crm: Any,
    opps: pd.DataFrame | None,
    day: pd.Timestamp,
    export: pd.Timestamp,
    quarter: pd.Period,
    notes: list[str],
) -> tuple[Result, str]:
    window = (quarter.start_time, quarter.end_time.normalize())
    miss = needs(opps, "id", "owner", "amount", "close", "status", table="opportunities")
    if miss:
        return miss, ""
    history = crm.history if crm.history is not None and len(crm.history) else None
    if crm.previous is not None and day == export:
        with located(crm.files.get("previous", "opportunities_previous.csv")):
            previous_as_of = pd.Timestamp(crm.previous_as_of) if crm.previous_as_of else None
            return (
                pp.pipeline_flow(
                    crm.previous, opps, window, previous_as_of=previous_as_of, as_of=day
                ),
                "snapshots",
            )
    if history is not None:
        earlier = (day - pd.DateOffset(months=1)).normalize()
        with located(crm.files.get("history", "opportunity_history.csv")):
            return (
                pp.flow_from_history(
                    history, crm.stages, window, earlier, day, opportunities=crm.opportunities
                ),
                "history",
            )
    return NotAvailable(("an earlier export of the opportunities or their stage history",)), ""


# ----------------------------------------------------------------------------
# The weakest signal
# ----------------------------------------------------------------------------


def _candidates(r: DashboardReport) -> list[dict[str, Any]]:
    """Every signal with its shortfall (the share by which it misses where it should be)."""
    out = []
    c = r.coverage
    if available(c):
        h = max(c.months)
        months = _months_text(c.months[h])
        rows = [(str(rep), row) for (rep, hh), row in c.by_rep.iterrows() if hh == h]
        rows.append(("team", c.total.loc[h]))
        for who, row in rows:
            cov, need = check.finite_or_none(row["coverage"]), check.finite_or_none(row["needed"])
            if cov is None or need is None or need <= 0:
                continue
            out.append(
                {
                    "kind": "coverage",
                    "who": who,
                    "shortfall": 1.0 - cov / need,
                    "value": f"{_times(cov)} against {_times(need)} needed",
                    "sentence": (
                        f"{'The team' if who == 'team' else who}'s pipeline for {months} covers "
                        f"{_times(cov)} the quota, against the {_times(need)} a win rate of "
                        f"{pct(check.finite_or_none(row['win_rate']), 0)} calls for."
                    ),
                    "gap": float(row["quota"] * need - row["pipeline"]),
                }
            )
    t = r.trailing_bias() if available(r.forecast) else None
    if t is not None and int(t["months"].iloc[0]) >= 3:
        for who, row in t.drop(TOTAL).iterrows():
            b = check.finite_or_none(row["bias"])
            if b is None:
                continue
            out.append(
                {
                    "kind": "forecast_bias",
                    "who": str(who),
                    "shortfall": abs(b),
                    "value": f"{pct(b, 0)} bias",
                    "sentence": (
                        f"{who} forecast {pct(abs(b), 0)} {'more' if b > 0 else 'less'} than was won "
                        f"over the last {int(row['months'])} complete months."
                    ),
                    "over": b > 0,
                }
            )
    tt = r.thirty_sixty_ninety
    need = r.team_need()
    if available(tt) and need:
        for cat in ("0-30", "31-60", "61-90"):
            row = tt.total.loc[cat]
            quota = check.finite_or_none(row["quota"])
            if not quota:
                continue
            wanted = quota * need
            out.append(
                {
                    "kind": "thirty_sixty_ninety",
                    "who": "team",
                    "shortfall": 1.0 - float(row["value"]) / wanted,
                    "value": f"{cat} days: {_times(row['value'] / quota)} against {_times(need)}",
                    "sentence": (
                        f"The open pipeline due in {cat} days covers {_times(row['value'] / quota)} "
                        f"the quota of those days, against the {_times(need)} needed."
                    ),
                    "gap": wanted - float(row["value"]),
                }
            )
    board = r.goalboards.get("last_month")
    if available(r.activity) and available(board) and r.activity_window is not None:
        w = r.activity_window
        for who, score in board["activity_score"].items():
            s = check.finite_or_none(score)
            if s is None:
                continue
            out.append(
                {
                    "kind": "activity",
                    "who": str(who),
                    "shortfall": 1.0 - s,
                    "value": f"{pct(s, 0)} of standard",
                    "sentence": (
                        f"{who} logged {pct(s, 0)} of the standard activities a week in the whole "
                        f"weeks of {_span_text(w.start, w.end)}."
                    ),
                }
            )
    return out


def _action(signal: Mapping[str, Any], currency: str) -> str:
    who = "the team" if signal["who"] == "team" else signal["who"]
    if signal["kind"] == "coverage":
        return (
            f"Find {money(signal['gap'], currency)} more pipeline for {who}: set prospecting "
            "targets this week and review them every Monday."
        )
    if signal["kind"] == "forecast_bias":
        if signal.get("over"):
            return (
                f"Go through {who}'s commit deals one by one (next step, decision maker, close "
                "date) before the next forecast is accepted."
            )
        return (
            f"Ask {who} for the deals held back: a forecast below what comes in leaves the "
            "company planning on too little."
        )
    if signal["kind"] == "thirty_sixty_ninety":
        return (
            f"The deals to close in that window must be found now: {money(signal['gap'], currency)} "
            "of pipeline is missing, and a deal takes longer than the window to create."
        )
    return (
        f"Sit down with {who} on the week's plan: the calls and meetings of today are the "
        "pipeline of next quarter."
    )


def _with_weakest(report: DashboardReport, currency: str) -> DashboardReport:
    """The report with its weakest signal (the largest shortfall over :data:`TOLERANCE`)."""
    signals = [c for c in _candidates(report) if c["shortfall"] > TOLERANCE]
    if not signals:
        return report
    worst = max(signals, key=lambda c: c["shortfall"])
    return replace(report, weakest={**worst, "action": _action(worst, currency)})


def executive_items(
    report: DashboardReport | Mapping[str, Any], currency: str
) -> list[tuple[str, str, str]]:
    """The dashboard's lines on the report's first page: last month's sales against quota,
    and the weakest signal with what to do.

    >>> f = {"periods": {"last_month": {"label": "Last month", "start": "2026-12-01",
    ...      "end": "2026-12-31", "total": {"won_amount": 90000.0, "quota": 120000.0,
    ...      "attainment": 0.75, "won_count": 3}}},
    ...      "weakest_signal": {"kind": "coverage", "who": "Ann", "shortfall": 0.4,
    ...      "value": "1.8x against 3.0x needed", "gap": 50000.0,
    ...      "sentence": "Ann's pipeline covers 1.8x.", "action": None}}
    >>> [value for _, value, _ in executive_items(f, "USD")]
    ['$90,000', '1.8x against 3.0x needed']
    """
    f = report.figures() if isinstance(report, DashboardReport) else report
    items = []
    last = f["periods"].get("last_month")
    if last and last.get("total"):
        t = last["total"]
        start = dt.date.fromisoformat(last["start"])
        att = t.get("attainment")
        said = (
            f"{_deals(t['won_count']).capitalize()} won in {start:%B %Y}"
            + (
                f", {pct(att, 0)} of the month's {money(t['quota'], currency)} quota"
                if att is not None
                else ""
            )
            + "."
        )
        if att is not None and att < 1:
            said += " The shortfall has to come from the months ahead: see the coverage below."
        items.append((f"Sales won in {start:%B %Y}", money(t["won_amount"], currency), said))
    w = f.get("weakest_signal")
    if w:
        action = w.get("action") or _action(w, currency)
        items.append(("The dashboard's weakest signal", w["value"], f"{w['sentence']} {action}"))
    else:
        items.append(
            (
                "The dashboard's weakest signal",
                "none",
                (
                    "Coverage, forecast bias, the 30/60/90 windows and activity are all within "
                    f"{pct(TOLERANCE, 0)} of where they should be: keep the weekly review going."
                ),
            )
        )
    return items
