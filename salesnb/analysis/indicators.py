"""The leading indicators, from a loaded client (notebook 05).

:func:`indicators_report` reads the CRM's activities and won opportunities
(:attr:`~salesnb.io.Client.crm`) and returns a frozen :class:`IndicatorsReport`:
each indicator's weekly series in total and by rep, the weekly bookings, the lag at
which each indicator best predicts bookings (with the band a random series clears
only at the stated false-alarm rate), the bookings forecast over the next 60 days
with its rolling-origin backtest against the naive forecast, and the indicators
trending down. Every figure is worked out by :mod:`salesnb.indicators`; this module
chooses the inputs from the settings, locates a bad input in its file, and puts the
findings into tables and words.

The settings
------------
``dashboard.as_of`` (else the folder's ``as_of``) is the as-of date;
``dashboard.bookings`` books each won deal's ``amount`` (the default) or its
``margin`` (a deal without one gets ``dashboard.gross_margin`` x its amount);
``dashboard.indicators`` names the activity kinds searched (by default every
indicator kind the activities hold; the kinds never logged are left out and named).

figures.json: the ``indicators`` section
-----------------------------------------
``as_of``
    The as-of date (ISO); the series end at the last complete week before it.
``bookings_value``
    ``"amount"`` or ``"margin"``: what a won deal books.
``first_week``, ``last_week``, ``weeks``
    The Monday of the first and last complete week analysed, and how many weeks.
``indicators``, ``left_out``
    The kinds searched (in order) and the indicator kinds left out (never logged).
``reps``
    The activity owners, in order.
``bookings_total``, ``bookings_last_13_weeks``
    Bookings over every week analysed and over the last 13.
``false_alarm_rate``, ``tests``
    The chance that the whole search reports a lead where none exists, and the
    (indicator, lag) correlations it tried.
``leads``
    One entry per indicator searched: ``indicator``, ``label``, ``lag_weeks`` (the
    best lag, 0-13: activity in week *t* against bookings in week *t + lag*),
    ``correlation`` (Spearman's, of the stationary, pre-whitened series), ``band``
    (what it had to clear), ``reliable``, ``predicts_60_days`` (reliable and 9 weeks
    or more), ``granger_p`` (the Granger test's p-value, None when not run),
    ``verdict`` (in words).
``sixty_day``
    The indicators that are reliable leads of 9 weeks or more.
``forecast``
    The next 60 days: ``method`` (``"indicators"`` when they beat the naive
    forecast in the backtest, else ``"naive"``), ``first_week``, ``last_day``,
    ``horizon_weeks``, ``value``, ``low``, ``high`` (the forecast shown and its
    interval), ``interval`` (0.8), ``naive``, ``naive_low``, ``naive_high``,
    ``indicators_value``, ``indicators_low``, ``indicators_high`` (None without a
    60-day lead), ``inputs`` (indicator -> lag used), ``summary``.
``backtest``
    ``origins``, ``first_origin``, ``last_origin``, ``mae_naive``,
    ``mae_indicators``, ``mape_naive``, ``mape_indicators`` (percent; None where a
    window booked nothing), ``coverage_naive``, ``coverage_indicators`` (share of
    windows inside the interval), ``p_value`` (Diebold-Mariano, one-sided),
    ``beats_naive``.
``warnings``
    One entry per indicator trending down: ``indicator``, ``label``, ``fall``
    (0.2 = down 20%), ``recent_weeks``, ``baseline_weeks``, ``recent_per_week``,
    ``baseline_per_week``, ``lag_weeks`` and ``soften_from`` (the month bookings
    should soften from; None without a reliable lead), ``sentence``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from salesnb import _checks as check
from salesnb import indicators as ind
from salesnb.errors import InputError, located
from salesnb.format import Table, money
from salesnb.io import SETTINGS_FILE, Client

__all__ = ["IndicatorView", "IndicatorsReport", "executive_items", "indicators_report"]

#: Weeks of history the report needs: the lag search's year, and the 9 weeks the
#: forecast's backtest must have after its first origin.
NEEDED_WEEKS = ind.MIN_WEEKS + ind.SIXTY_DAY_WEEKS
#: Weeks of the recent activity shown rep by rep.
REP_WEEKS = 13


def _label(kind: str) -> str:
    return ind.INDICATOR_LABELS[kind]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class IndicatorView:
    """One indicator against bookings at one lag, for the team or one rep.

    ``activity`` and ``bookings`` are weekly; ``shifted`` is bookings moved back by
    ``lag_weeks`` (the bookings of week *t + lag* shown at week *t*), so that a lead
    shows as the two lines moving together. ``correlation`` and ``band`` are those of
    the lag search at that lag (None where the rep's weeks cannot measure one);
    ``found_lag`` is the lag the search chose and ``backtest_mae`` the backtest's
    error of a forecast from this indicator at this lag (None below 9 weeks).
    """

    indicator: str
    label: str
    rep: str | None
    lag_weeks: int
    found_lag: int | None
    activity: pd.Series
    bookings: pd.Series
    correlation: float | None
    band: float | None
    backtest_mae: float | None
    naive_mae: float | None
    note: str

    @property
    def shifted(self) -> pd.Series:
        return self.bookings.shift(-self.lag_weeks)

    @property
    def who(self) -> str:
        return "the team" if self.rep is None else self.rep

    @property
    def reliable(self) -> bool | None:
        if self.correlation is None or self.band is None:
            return None
        return self.correlation > self.band

    def panel_summary(self, currency: str) -> dict[str, str]:
        """The view's key figures."""
        rows = {
            "Indicator": _capital(self.label),
            "Whose": _capital(self.who),
            "Lag shown": f"{self.lag_weeks} weeks",
        }
        if self.found_lag is not None:
            rows["Best lag found"] = f"{self.found_lag} weeks"
        if self.correlation is not None and self.band is not None:
            rows["Correlation at this lag"] = f"{self.correlation:.2f} (needs {self.band:.2f})"
        if self.backtest_mae is not None and self.naive_mae is not None:
            rows["Backtest error at this lag"] = (
                f"{money(self.backtest_mae, currency)} (naive: {money(self.naive_mae, currency)})"
            )
        rows["Reading"] = self.note
        return rows


@dataclass(frozen=True)
class IndicatorsReport:
    """Everything the leading-indicators section shows."""

    as_of: dt.date
    value: str
    kinds: tuple[str, ...]
    left_out: tuple[str, ...]
    weekly: pd.DataFrame
    by_rep: pd.DataFrame
    monthly: pd.DataFrame
    bookings: pd.Series
    bookings_by_rep: pd.Series
    correlations: pd.DataFrame
    bands: pd.DataFrame
    search: ind.LeadSearch
    forecast: ind.BookingsForecast
    warnings: tuple[ind.TrendWarning, ...]

    @property
    def reps(self) -> tuple[str, ...]:
        return tuple(self.by_rep.index.get_level_values("owner").unique())

    @property
    def booked(self) -> str:
        return "gross margin" if self.value == "margin" else "bookings"

    def figures(self) -> dict[str, Any]:
        """The headline figures, as ``figures.json`` names them (see the module docstring)."""
        f, t = self.forecast, self.forecast.backtest
        return {
            "as_of": self.as_of.isoformat(),
            "bookings_value": self.value,
            "first_week": self.search.first_week.isoformat(),
            "last_week": self.search.last_week.isoformat(),
            "weeks": self.search.weeks,
            "indicators": list(self.kinds),
            "left_out": list(self.left_out),
            "reps": list(self.reps),
            "bookings_total": float(self.bookings.sum()),
            "bookings_last_13_weeks": float(self.bookings.iloc[-ind.NAIVE_WEEKS :].sum()),
            "false_alarm_rate": self.search.false_alarm_rate,
            "tests": self.search.tests,
            "leads": [
                {
                    "indicator": lead.indicator,
                    "label": lead.label,
                    "lag_weeks": lead.lag_weeks,
                    "correlation": lead.correlation,
                    "band": lead.band,
                    "reliable": lead.reliable,
                    "predicts_60_days": lead.predicts_60_days,
                    "granger_p": check.finite_or_none(lead.granger_p),
                    "verdict": lead.verdict,
                }
                for lead in self.search.leads
            ],
            "sixty_day": [lead.indicator for lead in self.search.sixty_day],
            "forecast": {
                "method": f.method,
                "first_week": f.first_week.isoformat(),
                "last_day": f.last_day.isoformat(),
                "horizon_weeks": f.horizon_weeks,
                "value": f.forecast,
                "low": f.low,
                "high": f.high,
                "interval": f.interval,
                "naive": f.naive_forecast,
                "naive_low": f.naive_low,
                "naive_high": f.naive_high,
                "indicators_value": f.indicators_forecast,
                "indicators_low": f.indicators_low,
                "indicators_high": f.indicators_high,
                "inputs": dict(zip(f.indicators, f.lags, strict=True)),
                "summary": f.summary,
            },
            "backtest": {
                "origins": t.origins,
                "first_origin": t.first_origin.isoformat(),
                "last_origin": t.last_origin.isoformat(),
                "mae_naive": t.mae_naive,
                "mae_indicators": t.mae_indicators,
                "mape_naive": t.mape_naive,
                "mape_indicators": t.mape_indicators,
                "coverage_naive": t.coverage_naive,
                "coverage_indicators": t.coverage_indicators,
                "p_value": t.p_value,
                "beats_naive": t.beats_naive,
            },
            "warnings": [
                {
                    "indicator": w.indicator,
                    "label": w.label,
                    "fall": w.fall,
                    "recent_weeks": w.recent_weeks,
                    "baseline_weeks": w.baseline_weeks,
                    "recent_per_week": w.recent_per_week,
                    "baseline_per_week": w.baseline_per_week,
                    "lag_weeks": w.lag_weeks,
                    "soften_from": _date(w.soften_from),
                    "sentence": w.sentence,
                }
                for w in self.warnings
            ],
        }

    # -- one indicator at a time (the charts and the live panel) --

    def band_at(self, indicator: str, lag: int) -> float:
        """The band the correlation at ``lag`` must clear (the search's, at that lag)."""
        return float(self.bands.loc[int(lag), indicator])

    def view(self, indicator: str, rep: str | None = None, lag: int | None = None) -> IndicatorView:
        """``indicator`` against bookings ``lag`` weeks later (the lag found when None),
        for the team (``rep=None``) or one rep."""
        if indicator not in self.kinds:
            raise InputError(f"indicator: one of {', '.join(self.kinds)}; got {indicator!r}")
        lead = self.search.lead(indicator)
        shown = lead.lag_weeks if lag is None else int(lag)
        if not 0 <= shown <= self.search.max_lag:
            raise InputError(f"lag: 0 to {self.search.max_lag} weeks; got {lag}")
        if rep is None:
            activity, bookings = self.weekly[indicator], self.bookings
            corr = float(self.correlations.loc[shown, indicator])
            band: float | None = self.band_at(indicator, shown)
            found: int | None = lead.lag_weeks
        else:
            if rep not in self.reps:
                raise InputError(f"rep: one of {', '.join(self.reps)}; got {rep!r}")
            activity = self.by_rep.loc[rep, indicator]
            bookings = self.bookings_by_rep.loc[rep]
            try:
                own = ind.lead_lags(activity.to_frame(indicator), bookings)
                corr = float(
                    ind.cross_correlations(activity.to_frame(indicator), bookings).loc[
                        shown, indicator
                    ]
                )
            except InputError:
                own, corr = None, math.nan
            if own is None or not math.isfinite(corr):
                corr, band, found = None, None, None
            else:
                mine = own.lead(indicator)
                found = mine.lag_weeks
                band = mine.band * math.sqrt(mine.pairs / (mine.pairs + mine.lag_weeks - shown))
        mae = naive = None
        if shown >= ind.SIXTY_DAY_WEEKS:
            try:
                test = ind.backtest(activity.to_frame(indicator), bookings, {indicator: shown})
            except InputError:
                test = None
            if test is not None:
                mae, naive = test.mae_indicators, test.mae_naive
        return IndicatorView(
            indicator=indicator,
            label=_label(indicator),
            rep=rep,
            lag_weeks=shown,
            found_lag=found,
            activity=activity.rename(indicator),
            bookings=bookings.rename("bookings"),
            correlation=corr,
            band=band,
            backtest_mae=mae,
            naive_mae=naive,
            note=_view_note(_label(indicator), rep, shown, corr, band),
        )

    # -- tables --

    def leads_table(self) -> Table:
        """Each indicator: its best lag, the correlation there, the band, the verdict."""
        leads = self.search.leads
        frame = pd.DataFrame(
            {
                "Best lag (weeks)": [str(lead.lag_weeks) for lead in leads],
                "Correlation": [f"{lead.correlation:.2f}" for lead in leads],
                "Needed to count": [f"{lead.band:.2f}" for lead in leads],
                "Reading": [lead.verdict for lead in leads],
            },
            index=pd.Index([_capital(lead.label) for lead in leads], name="Indicator"),
        )
        return Table(frame, text_columns=tuple(frame.columns))

    def forecast_table(self) -> Table:
        """Both forecasts of the next 60 days with their interval and backtest errors."""
        f, t = self.forecast, self.forecast.backtest
        level = f"{f.interval:.0%}"
        rows = {
            f"Naive (last {ind.NAIVE_WEEKS} weeks' average)": (
                f.naive_forecast,
                f.naive_low,
                f.naive_high,
                t.mae_naive,
                t.mape_naive,
                t.coverage_naive,
            )
        }
        if f.indicators_forecast is not None:
            names = ", ".join(
                f"{_label(k)} at {v} weeks" for k, v in zip(f.indicators, f.lags, strict=True)
            )
            rows[f"From {names}"] = (
                f.indicators_forecast,
                f.indicators_low,
                f.indicators_high,
                t.mae_indicators,
                t.mape_indicators,
                t.coverage_indicators,
            )
        frame = pd.DataFrame.from_dict(
            rows,
            orient="index",
            columns=[
                f"Next {f.horizon_weeks} weeks",
                f"Low ({level})",
                f"High ({level})",
                "Backtest average error",
                "Error, share of actual",
                f"Windows inside the {level} range",
            ],
        )
        frame["Error, share of actual"] = [
            math.nan if v is None else v / 100 for v in frame["Error, share of actual"]
        ]
        frame["Shown"] = [
            "yes" if (k.startswith("Naive")) == (f.method == "naive") else "no" for k in frame.index
        ]
        frame.index.name = "Forecast"
        return Table(
            frame,
            percent_columns=("Error, share of actual", f"Windows inside the {level} range"),
            text_columns=("Shown",),
        )

    def weekly_table(self) -> Table:
        """Every week: each indicator's count and the bookings."""
        frame = self.weekly.rename(columns=lambda k: _capital(_label(k))).astype(float)
        frame[_capital(self.booked)] = self.bookings.to_numpy()
        frame.index = pd.Index([f"{w:%Y-%m-%d}" for w in frame.index], name="Week of")
        counts = [c for c in frame.columns if c != _capital(self.booked)]
        shown = frame.astype(object)
        for column in counts:
            shown[column] = [f"{int(v)}" for v in frame[column]]
        return Table(shown, text_columns=tuple(counts))

    def monthly_table(self) -> Table:
        """Every complete month: each indicator's count."""
        frame = self.monthly.rename(columns=lambda k: _capital(_label(k)))
        frame.index = pd.Index([str(m) for m in frame.index], name="Month")
        shown = frame.astype(int).astype(str)
        return Table(shown, text_columns=tuple(shown.columns))

    def reps_table(self) -> Table:
        """Each rep's weekly average of each indicator over the last 13 weeks, and bookings."""
        recent = self.weekly.index[-REP_WEEKS:]
        rows = {}
        for rep in self.reps:
            counts = self.by_rep.loc[rep].loc[recent]
            row = {_capital(_label(k)): f"{counts[k].mean():.1f}" for k in self.kinds}
            row[f"{_capital(self.booked)} ({REP_WEEKS} weeks)"] = float(
                self.bookings_by_rep.loc[rep].loc[recent].sum()
            )
            rows[rep] = row
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = f"Rep (a week, last {REP_WEEKS} weeks)"
        return Table(frame, text_columns=tuple(_capital(_label(k)) for k in self.kinds))

    def warnings_table(self) -> Table:
        """Each indicator trending down: the fall, the rates, the lag and the month."""
        frame = pd.DataFrame(
            {
                "Fall": [w.fall for w in self.warnings],
                "Recent weeks": [str(w.recent_weeks) for w in self.warnings],
                "A week, recently": [f"{w.recent_per_week:.1f}" for w in self.warnings],
                "A week, before": [f"{w.baseline_per_week:.1f}" for w in self.warnings],
                "Lead (weeks)": [
                    "none found" if w.lag_weeks is None else str(w.lag_weeks) for w in self.warnings
                ],
                "Bookings soften from": [
                    "" if w.soften_from is None else f"{w.soften_from:%B %Y}" for w in self.warnings
                ],
            },
            index=pd.Index([_capital(w.label) for w in self.warnings], name="Indicator"),
        )
        return Table(frame, percent_columns=("Fall",), text_columns=tuple(frame.columns[1:]))

    def tables(self) -> dict[str, Table]:
        """The section's tables; the falling indicators only when one is falling."""
        falling = {"Falling indicators": self.warnings_table()} if self.warnings else {}
        return {
            "Lead by indicator": self.leads_table(),
            "Bookings forecast": self.forecast_table(),
            **falling,
            "Activity by rep": self.reps_table(),
            "Monthly activity": self.monthly_table(),
            "Weekly activity": self.weekly_table(),
        }

    # -- words --

    def heading_summary(self, currency: str) -> dict[str, str]:
        """The section's first figures: the weeks, the activity, the bookings."""
        first, last = self.search.first_week, self.search.last_week
        rows = {
            "As of": f"{self.as_of:%d %B %Y}",
            "Weeks analysed": (
                f"{self.search.weeks} ({first:%d %b %Y} to the week of {last:%d %b %Y})"
            ),
            "Indicators": ", ".join(_label(k) for k in self.kinds),
            f"{_capital(self.booked)} in those weeks": money(float(self.bookings.sum()), currency),
        }
        if self.left_out:
            rows["Not logged, so not searched"] = ", ".join(_label(k) for k in self.left_out)
        return rows

    def leads_text(self) -> str:
        """What the lag search found, in a few sentences."""
        sixty = self.search.sixty_day
        short = [lead for lead in self.search.leads if lead.reliable and not lead.predicts_60_days]
        said = []
        if sixty:
            named = "; ".join(f"{lead.label} by {lead.lag_weeks} weeks" for lead in sixty)
            said.append(
                f"{len(sixty)} of the {len(self.kinds)} activities "
                f"{'leads' if len(sixty) == 1 else 'lead'} {self.booked} far "
                f"enough ahead to plan on (60 days or more): {named}."
            )
        if short:
            named = "; ".join(f"{lead.label} by {lead.lag_weeks} weeks" for lead in short)
            said.append(
                f"A lead too short to plan 60 days ahead: {named}. Worth watching, but it "
                "shows in the bookings before a plan can react."
            )
        if not sixty and not short:
            said.append(
                f"None of the {len(self.kinds)} activities leads {self.booked} reliably at any "
                f"lag from 0 to {self.search.max_lag} weeks: over these "
                f"{self.search.weeks} weeks, more activity one week did not show in more "
                f"{self.booked} later, beyond what chance alone would give."
            )
        said.append(
            f"A lead counts only when its correlation clears the band, which a random series "
            f"clears in only {self.search.false_alarm_rate:.0%} of searches of "
            f"{self.search.tests} tries."
        )
        return " ".join(said)

    def forecast_text(self, currency: str) -> str:
        """The 60-day forecast and what the backtest says of it, plainly."""
        f, t = self.forecast, self.forecast.backtest
        window = (
            f"the {f.horizon_weeks} weeks from the week of {f.first_week:%d %B} to "
            f"{f.last_day:%d %B %Y}"
        )
        span = f"{money(f.low, currency)} to {money(f.high, currency)}"
        if f.method == "indicators":
            names = ", ".join(
                f"{_label(k)} {v} weeks earlier" for k, v in zip(f.indicators, f.lags, strict=True)
            )
            return (
                f"Expect {money(f.forecast, currency)} of {self.booked} from {window} "
                f"({f.interval:.0%} range {span}), forecast from {names}. Tried on each of "
                f"the past {t.origins} weeks with only the weeks before it, this forecast "
                f"missed by {money(t.mae_indicators, currency)} on average, against "
                f"{money(t.mae_naive, currency)} for simply carrying the last "
                f"{ind.NAIVE_WEEKS} weeks' average forward: the activities predict better."
            )
        if f.indicators_forecast is None:
            why = (
                "No activity leads far enough ahead to forecast the next 60 days, so the "
                "forecast is the plain one"
            )
        else:
            why = (
                f"The activities did not forecast better than the plain average: tried on "
                f"each of the past {t.origins} weeks, they missed by "
                f"{money(t.mae_indicators, currency)} on average against "
                f"{money(t.mae_naive, currency)} for the average. So the forecast shown is "
                "the plain one"
            )
        return (
            f"{why}: the last {ind.NAIVE_WEEKS} weeks' average carried forward, "
            f"{money(f.forecast, currency)} of {self.booked} from {window} "
            f"({f.interval:.0%} range {span})."
        )

    def warnings_text(self) -> str:
        """The indicators trending down, each in a sentence, or that none is."""
        if not self.warnings:
            return (
                f"No indicator is falling: none of the {len(self.kinds)} activities fell "
                "clearly below its level of the 26 weeks before over the last 6 weeks."
            )
        return " ".join(w.sentence for w in self.warnings)


def _view_note(
    label: str, rep: str | None, lag: int, corr: float | None, band: float | None
) -> str:
    who = "the team's" if rep is None else f"{rep}'s"
    if corr is None or band is None:
        return f"Too little of {who} {label} and bookings to measure a lead."
    if corr > band:
        horizon = (
            "far enough ahead for 60 days"
            if lag >= ind.SIXTY_DAY_WEEKS
            else "too short for 60 days"
        )
        return f"At {lag} weeks, {who} {label} lead bookings reliably ({horizon})."
    return f"At {lag} weeks, {who} {label} do not lead bookings beyond chance."


# ----------------------------------------------------------------------------
# From the client
# ----------------------------------------------------------------------------


def _bookings_frame(
    opps: pd.DataFrame, value: str, gross_margin: float | None, file: str
) -> pd.DataFrame:
    """The opportunities with the column to book: the amount, or the margin (the
    settings' margin rate x the amount where a deal has none)."""
    if value == "amount":
        return opps
    won = opps["status"] == "won"
    margin = opps["margin"] if "margin" in opps.columns else pd.Series(np.nan, index=opps.index)
    margin = pd.to_numeric(margin, errors="coerce")
    blank = won & margin.isna()
    if blank.any():
        if gross_margin is None:
            where = opps.index[blank.to_numpy()][0]
            row = int(opps.loc[where, "row"]) if "row" in opps.columns else None
            raise InputError(
                f"booking the gross margin needs a margin on every won deal, or "
                f"dashboard.gross_margin in {SETTINGS_FILE} for the deals without one; "
                f"{int(blank.sum())} won deals have none",
                file=file,
                row=row,
                column="margin",
            )
        margin = margin.where(~blank, opps["amount"] * float(gross_margin))
    return opps.assign(margin=margin)


def indicators_report(client: Client, *, value: str | None = None) -> IndicatorsReport:
    """The leading indicators from the client's CRM activities and won opportunities.

    ``value`` (``"amount"`` or ``"margin"``) overrides ``dashboard.bookings``. Every
    bad input is an :class:`~salesnb.errors.InputError` naming the file it came from:
    too little history (with the weeks needed), a gap in the activities, an
    indicator named in the settings that was never logged, no won deal.
    """
    crm = client.crm
    if crm is None or crm.activities is None or crm.opportunities is None:
        raise InputError(
            "the leading indicators need the CRM's activities and opportunities "
            "(activities.csv and opportunities.csv)",
            file="activities.csv",
        )
    s = client.settings
    dashboard = s.dashboard
    as_of = (dashboard.as_of if dashboard and dashboard.as_of else None) or s.as_of
    value = value or (dashboard.bookings if dashboard else "amount")
    if value not in ("amount", "margin"):
        raise InputError(f"value: 'amount' or 'margin'; got {value!r}")
    acts_file = crm.files.get("activities", "activities.csv")
    opps_file = crm.files.get("opportunities", "opportunities.csv")
    acts, opps = crm.activities, crm.opportunities
    with located(acts_file, column="date"):
        every = ind.weekly_activity(acts, as_of)
    logged = tuple(k for k in ind.INDICATOR_KINDS if every[k].any())
    asked = tuple(dashboard.indicators) if dashboard and dashboard.indicators else None
    if asked is not None:
        silent = [k for k in asked if k not in logged]
        if silent:
            raise InputError(
                f"{acts_file} logs no "
                f"{', '.join(_label(k) for k in silent)} before the as-of date; leave "
                f"{'it' if len(silent) == 1 else 'them'} out of the list, or map the "
                "export's activity type to it under crm.activity_types",
                file=SETTINGS_FILE,
                column="dashboard.indicators",
            )
        kinds = tuple(k for k in ind.INDICATOR_KINDS if k in asked)
    else:
        if not logged:
            raise InputError(
                f"{acts_file} holds none of the indicator activities "
                f"({', '.join(ind.INDICATOR_LABELS.values())}); map the export's activity "
                "types to them under crm.activity_types in settings.yaml",
                file=acts_file,
                column="type",
            )
        kinds = logged
    weeks = every.index
    if len(weeks) < NEEDED_WEEKS:
        raise InputError(
            f"the leading indicators need at least {NEEDED_WEEKS} complete weeks of "
            f"activities ({ind.MIN_WEEKS} for the lag search over 0-{ind.MAX_LAG_WEEKS} weeks "
            f"and {ind.SIXTY_DAY_WEEKS} more to test the 60-day forecast); {acts_file} covers "
            f"{len(weeks)} complete weeks, from {weeks[0]:%Y-%m-%d} to the week of "
            f"{weeks[-1]:%Y-%m-%d} (as of {as_of}). Export {NEEDED_WEEKS - len(weeks)} more "
            "weeks of history",
            file=acts_file,
            column="date",
        )
    gross = dashboard.gross_margin if dashboard else None
    booked = _bookings_frame(opps, value, gross, opps_file)
    with located(opps_file):
        bookings = ind.weekly_bookings(booked, as_of, weeks=weeks, value=value)
        bookings_by_rep = ind.weekly_bookings(
            booked, as_of, weeks=weeks, value=value, by_owner=True
        )
    with located(acts_file, column="type"):
        x = every[list(kinds)]
        by_rep = ind.weekly_activity(acts, as_of, kinds=kinds, by_owner=True)
        monthly = ind.monthly_activity(acts, as_of, kinds=kinds)
    owners = sorted(set(by_rep.index.get_level_values("owner")))
    bookings_by_rep = _rep_bookings(bookings_by_rep, owners, weeks)
    with located(acts_file, column="type"):
        search = ind.lead_lags(x, bookings)
        correlations = ind.cross_correlations(x, bookings, max_lag=search.max_lag)
        forecast = ind.forecast_bookings(x, bookings, search)
        warnings = ind.trend_warnings(x, search)
    return IndicatorsReport(
        as_of=as_of,
        value=value,
        kinds=kinds,
        left_out=tuple(k for k in ind.INDICATOR_KINDS if k not in kinds),
        weekly=x.astype(np.int64),
        by_rep=by_rep,
        monthly=monthly,
        bookings=bookings,
        bookings_by_rep=bookings_by_rep,
        correlations=correlations,
        bands=_bands(search),
        search=search,
        forecast=forecast,
        warnings=warnings,
    )


def _rep_bookings(series: pd.Series, owners: Sequence[str], weeks: pd.DatetimeIndex) -> pd.Series:
    """Bookings by (owner, week) for every activity owner (0 where a rep won nothing)."""
    index = pd.MultiIndex.from_product([list(owners), weeks], names=["owner", "week"])
    return series.reindex(index, fill_value=0.0).rename("bookings")


def _bands(search: ind.LeadSearch) -> pd.DataFrame:
    """The band at every lag of every indicator: the search's band at its best lag,
    scaled by the pairs left at each lag (the band is z x sqrt(factor / pairs))."""
    lags = np.arange(search.max_lag + 1)
    columns = {}
    for lead in search.leads:
        pairs = lead.pairs + lead.lag_weeks - lags
        columns[lead.indicator] = lead.band * np.sqrt(lead.pairs / pairs)
    return pd.DataFrame(columns, index=pd.RangeIndex(search.max_lag + 1, name="lag"))


def executive_items(
    report: IndicatorsReport | Mapping[str, Any], currency: str
) -> list[tuple[str, str, str]]:
    """The indicators' lines on the report's first page: the warning (or that no
    indicator is falling) and the 60-day forecast.

    >>> f = {"warnings": [], "indicators": ["demo"], "sixty_day": [], "leads": [],
    ...      "bookings_value": "amount", "forecast": {"method": "naive", "value": 90000.0,
    ...      "low": 60000.0, "high": 120000.0, "interval": 0.8, "first_week": "2027-01-11",
    ...      "last_day": "2027-03-14", "indicators_value": None}}
    >>> [item[1] for item in executive_items(f, "USD")]
    ['No indicator is falling', '$90,000']
    """
    f = report.figures() if isinstance(report, IndicatorsReport) else report
    booked = "gross margin" if f.get("bookings_value") == "margin" else "bookings"
    leads = {lead["indicator"]: lead for lead in f.get("leads", [])}
    items = []
    if f["warnings"]:
        first = f["warnings"][0]
        value = f"{_capital(first['label'])} down {first['fall']:.0%}"
        said = first["sentence"]
        if len(f["warnings"]) > 1:
            others = ", ".join(w["label"] for w in f["warnings"][1:])
            said += f" Also falling: {others}."
        said += " Find out why with the reps this week, while it can still be made up."
        items.append(("Leading indicator falling", value, said))
    else:
        sixty = [leads[k] for k in f.get("sixty_day", []) if k in leads]
        if sixty:
            lead = sixty[0]
            tail = (
                f" {_capital(lead['label'])} lead {booked} by {lead['lag_weeks']} weeks: keep "
                "them at their level."
            )
        else:
            tail = f" No activity leads {booked} 60 days ahead yet: keep logging every call."
        items.append(
            (
                "Leading indicators",
                "No indicator is falling",
                (
                    f"None of the {len(f['indicators'])} activities fell clearly in the last "
                    f"6 weeks.{tail}"
                ),
            )
        )
    fc = f["forecast"]
    start = dt.date.fromisoformat(fc["first_week"])
    end = dt.date.fromisoformat(fc["last_day"])
    span = f"{money(fc['low'], currency)} to {money(fc['high'], currency)}"
    if fc["method"] == "indicators":
        said = (
            f"{_capital(booked)} expected in the 9 weeks from the week of {start:%d %b} to "
            f"{end:%d %b %Y}, forecast "
            f"from the activities ({fc['interval']:.0%} range {span}); they beat the last "
            "13 weeks' average in the backtest."
        )
    else:
        said = (
            f"{_capital(booked)} expected in the 9 weeks from the week of {start:%d %b} to "
            f"{end:%d %b %Y} if the last "
            f"13 weeks' average holds ({fc['interval']:.0%} range {span}): the activities do "
            "not forecast better than that average."
        )
    items.append(("Bookings, next 60 days", money(fc["value"], currency), said))
    return items
