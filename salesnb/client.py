"""Reading and checking a client folder.

A client folder holds one ``settings.yaml`` and a few tables, each as CSV or as an
Excel workbook (first sheet) with the same name::

    settings.yaml        name, currency, fiscal year, as-of date, cash, assumptions
    revenue_plan.csv     month, stream, revenue
    expenses.csv         line, kind, amount, rate, discretionary, cut_priority, max_cut
    roster.csv           name, role, line, annual_salary, burden, start, end, ...
    actuals.csv          month, revenue (the prior year)
    expense_schedule.csv optional: line, month, amount (a fixed line's month-by-month amounts)

:func:`validate` reads everything and returns every problem at once, each naming
the file, the row (as a spreadsheet numbers it: the header is row 1), the column
and what was expected. :func:`load_client` returns a :class:`Client` or raises
:class:`ClientFolderError` with those problems. This is the only module that
reads client files; every calculation takes the DataFrames it returns.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = [
    "TABLES",
    "Client",
    "ClientFolderError",
    "Problem",
    "Settings",
    "load_client",
    "validate",
]

SETTINGS_FILE = "settings.yaml"


# ----------------------------------------------------------------------------
# Problems
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a client folder, located as precisely as possible."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class ClientFolderError(Exception):
    """A client folder that cannot be used, with every problem found in it."""

    def __init__(self, folder: Path | str, problems: list[Problem]):
        self.folder = Path(folder)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(
            f"{self.folder.name}: {len(problems)} {noun} in the client folder\n{lines}"
        )


# ----------------------------------------------------------------------------
# Settings
# ----------------------------------------------------------------------------

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
Fraction = Field(ge=0.0, le=1.0)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClientInfo(_Model):
    name: str = Field(min_length=1)
    currency: str = Field(default="USD", min_length=1, max_length=8)


class CashSettings(_Model):
    opening: float = 0.0
    minimum: float = Field(default=0.0, ge=0.0)


class StreamSettings(_Model):
    cost_of_sales: float = Fraction


class StressTestSettings(_Model):
    cut: float = Field(default=0.25, ge=0.0, le=1.0)
    start_month: int = Field(default=1, ge=1)
    target_margin: float = Field(default=0.10, gt=-1.0, lt=1.0)
    volatility: float = Field(default=0.15, ge=0.0, le=2.0)
    runs: int = Field(default=2000, ge=100, le=100_000)
    seed: int = 2027


class FunnelStage(_Model):
    stage: str = Field(min_length=1)
    conversion: float = Field(gt=0.0, le=1.0)


#: The planning questions, in the order the plan shows them, with the heading each gets.
PLANNING_QUESTIONS: dict[str, str] = {
    "went_well": "What went well last year",
    "did_not_go_well": "What did not go well",
    "key_drivers": "The key drivers of this year's revenue",
    "key_metrics": "The metrics we will watch",
    "risks": "Risks",
    "opportunities": "Opportunities",
    "specific_factors": "What is specific to this year",
    "market_assumptions": "Our assumptions about the market",
    "offering_assumptions": "Our assumptions about what we sell",
    "capability_assumptions": "Our assumptions about our own capability",
}


class AssumptionCheck(_Model):
    """An assumption the plan rests on, and whether it still holds."""

    assumption: str = Field(min_length=1)
    still_true: bool | None = None
    note: str = ""


class PlanSettings(_Model):
    """The annual sales plan: how the goal is set and what a rep's year asks of them."""

    growth: float | None = Field(default=None, gt=-1.0)
    goal: float | None = Field(default=None, gt=0.0)
    seasonality: str | list[float] = "prior"
    over_assignment: float = Field(default=1.0, ge=1.0, le=3.0)
    stretch: float = Field(default=0.10, ge=0.0, le=2.0)
    coverage: float = Field(default=3.0, gt=0.0)
    average_deal: float = Field(gt=0.0)
    win_rate: float = Field(gt=0.0, le=1.0)
    cycle_months: float = Field(default=3.0, ge=0.0, le=36.0)
    ramp: list[float] = Field(default_factory=lambda: [0.0, 0.25, 0.5, 0.75])
    weights: dict[str, float] = Field(default_factory=dict)
    funnel: list[FunnelStage] = Field(default_factory=list)
    questions: dict[str, str | list[str]] = Field(default_factory=dict)
    assumptions: list[AssumptionCheck] = Field(default_factory=list)

    @field_validator("seasonality")
    @classmethod
    def _seasonality(cls, value: str | list[float]) -> str | list[float]:
        if isinstance(value, str) and value not in {"prior", "flat"}:
            raise ValueError(f"expected 'prior', 'flat' or 12 monthly shares, got {value!r}")
        if isinstance(value, list) and len(value) != 12:
            raise ValueError(f"expected 12 monthly shares (January to December), got {len(value)}")
        return value

    @field_validator("questions")
    @classmethod
    def _questions(cls, value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        unknown = sorted(set(value) - set(PLANNING_QUESTIONS))
        if unknown:
            raise ValueError(
                f"unknown question {unknown[0]!r}; the questions are: {', '.join(PLANNING_QUESTIONS)}"
            )
        return value

    @field_validator("ramp")
    @classmethod
    def _ramp(cls, value: list[float]) -> list[float]:
        if any(not 0.0 <= v <= 1.0 for v in value) or any(
            b < a for a, b in itertools.pairwise(value)
        ):
            raise ValueError(
                f"ramp fractions must be between 0 and 1 and never decrease, got {value}"
            )
        return value


class HiringSettings(_Model):
    """The hiring timeline's assumptions about reps, recruiting and cost."""

    horizon_months: int = Field(default=18, ge=15, le=36)
    annual_quota: float = Field(gt=0.0)
    attainment: float = Field(default=1.0, gt=0.0, le=2.0)
    ramp_months: int = Field(default=4, ge=0, le=24)
    ramp: list[float] | None = None
    lead_time_months: int = Field(default=2, ge=0, le=24)
    attrition_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    recruiting_cost_per_hire: float = Field(default=0.0, ge=0.0)
    role: str = "Account executive"
    salary: float = Field(ge=0.0)
    burden: float | None = Field(default=None, ge=0.0, le=2.0)
    new_business_share: float = Field(default=1.0, gt=0.0, le=1.0)
    include_in_pro_forma: bool = False
    people_line: str = "Planned sales hires"
    recruiting_line: str = "Recruiting"
    bad_hire_months: int = Field(default=6, ge=1, le=36)
    runs: int = Field(default=500, ge=50, le=20_000)
    seed: int = 2027

    @field_validator("ramp")
    @classmethod
    def _ramp(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and (
            any(not 0.0 <= v <= 1.0 for v in value)
            or any(b < a for a, b in itertools.pairwise(value))
        ):
            raise ValueError(
                f"ramp fractions must be between 0 and 1 and never decrease, got {value}"
            )
        return value


class Settings(_Model):
    """The validated contents of ``settings.yaml``; defaults are what a new client gets."""

    client: ClientInfo
    fiscal_year_start: str
    as_of: dt.date
    horizon_months: int = Field(default=12, ge=1, le=60)
    cash: CashSettings = CashSettings()
    default_burden: float = Field(default=0.0, ge=0.0, le=2.0)
    streams: dict[str, StreamSettings] = Field(min_length=1)
    stress_test: StressTestSettings = StressTestSettings()
    plan: PlanSettings | None = None
    hiring: HiringSettings | None = None

    @field_validator("fiscal_year_start", mode="before")
    @classmethod
    def _month(cls, value: Any) -> str:
        if isinstance(value, dt.date):
            value = f"{value.year:04d}-{value.month:02d}"
        if not (isinstance(value, str) and _MONTH.match(value)):
            raise ValueError(f"expected a month as YYYY-MM, got {value!r}")
        return value

    @property
    def first_month(self) -> pd.Period:
        return pd.Period(self.fiscal_year_start, freq="M")

    @property
    def months(self) -> pd.PeriodIndex:
        return pd.period_range(self.first_month, periods=self.horizon_months, freq="M")

    @property
    def as_of_month(self) -> pd.Period:
        return pd.Period(self.as_of, freq="M")


def _yaml_line(node: yaml.Node | None, loc: Iterable[Any]) -> int | None:
    """The 1-based line in the YAML source of the value at ``loc`` (or its nearest parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(key)), None)
            if match is None:
                match = next((k for k, _ in node.value if k.value == str(key)), None)
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def read_settings(path: Path) -> tuple[Settings | None, list[Problem]]:
    """Read ``settings.yaml`` with the safe loader and validate it."""
    name = path.name
    if not path.is_file():
        return None, [Problem(name, "file not found: every client folder needs one")]
    text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
        tree = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        return None, [Problem(name, f"not valid YAML: {getattr(exc, 'problem', exc)}", row=row)]
    if not isinstance(raw, dict):
        return None, [Problem(name, "expected a mapping of settings (key: value lines)")]
    try:
        return Settings.model_validate(raw), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = err["loc"]
            key = ".".join(str(p) for p in loc)
            got = "" if err["type"] == "missing" else f", got {err.get('input')!r}"
            msg = err["msg"].replace("Value error, ", "")
            if err["type"] == "extra_forbidden":
                msg = "unknown setting (check the spelling against the template)"
                got = ""
            problems.append(Problem(name, f"{msg}{got}", row=_yaml_line(tree, loc), column=key))
        return None, problems


# ----------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------


class _Bad(ValueError):
    """A cell that does not parse; the message says what was expected."""


def _text(value: str) -> str:
    return value.strip()


def _number(value: str) -> float:
    s = value.strip().replace(",", "").replace("_", "")
    s = re.sub(r"^[$€£¥]|[$€£¥]$", "", s).strip()
    try:
        number = float(s)
    except ValueError:
        raise _Bad(f"expected a number, got {value.strip()!r}") from None
    if not math.isfinite(number):
        raise _Bad(f"expected a finite number, got {value.strip()!r}")
    return number


def _money(value: str) -> float:
    number = _number(value)
    if number < 0:
        raise _Bad(f"expected an amount of 0 or more, got {value.strip()!r}")
    return number


def _fraction(value: str) -> float:
    s = value.strip()
    number = _number(s[:-1]) / 100 if s.endswith("%") else _number(s)
    if not 0.0 <= number <= 1.0:
        raise _Bad(f"expected a fraction from 0 to 1 (or 0% to 100%), got {s!r}")
    return number


def _month(value: str) -> pd.Period:
    s = value.strip()
    m = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[ T]00:00:00)?$", s)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise _Bad(f"expected a month as YYYY-MM, got {s!r}")
    if m.group(3):
        try:
            dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise _Bad(f"expected a real date, got {s!r}") from None
    return pd.Period(f"{m.group(1)}-{m.group(2)}", freq="M")


def _integer(value: str) -> int:
    number = _number(value)
    if number != int(number) or number < 1:
        raise _Bad(f"expected a whole number of 1 or more, got {value.strip()!r}")
    return int(number)


_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0"}


def _flag(value: str) -> bool:
    s = value.strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise _Bad(f"expected yes or no, got {value.strip()!r}")


def _choice(*options: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        s = value.strip().lower()
        if s not in options:
            raise _Bad(f"expected one of {', '.join(options)}; got {value.strip()!r}")
        return s

    return parse


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any]
    required: bool = True  # the column must be present
    blank: Any = field(default=None)  # value of an empty cell; _Bad if "required value"
    needs_value: bool = True  # an empty cell is an error


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    optional: bool = False
    doc: str = ""


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "revenue_plan",
            (
                Column("month", _month),
                Column("stream", _text),
                Column("revenue", _money),
            ),
            doc="Planned revenue by month and stream.",
        ),
        TableSpec(
            "expenses",
            (
                Column("line", _text),
                Column("kind", _choice("fixed", "variable", "people")),
                Column("amount", _money, required=False, needs_value=False),
                Column("rate", _fraction, required=False, needs_value=False),
                Column("discretionary", _flag, required=False, needs_value=False, blank=False),
                Column("cut_priority", _integer, required=False, needs_value=False),
                Column("max_cut", _fraction, required=False, needs_value=False, blank=1.0),
            ),
            doc="Expense lines: fixed per month, variable as a fraction of revenue, people.",
        ),
        TableSpec(
            "roster",
            (
                Column("name", _text),
                Column("role", _text),
                Column("line", _text),
                Column("annual_salary", _money),
                Column("burden", _fraction, required=False, needs_value=False),
                Column("start", _month, required=False, needs_value=False),
                Column("end", _month, required=False, needs_value=False),
                Column("annual_quota", _money, required=False, needs_value=False),
                Column("on_target_earnings", _money, required=False, needs_value=False),
            ),
            doc="The team today, with start and end months.",
        ),
        TableSpec(
            "actuals",
            (
                Column("month", _month),
                Column("revenue", _money),
            ),
            doc="Prior-year revenue by month.",
        ),
        TableSpec(
            "objectives",
            (
                Column("month", _month),
                Column("objective", _money),
            ),
            optional=True,
            doc="New-business revenue objectives by month for the hiring timeline.",
        ),
        TableSpec(
            "expense_schedule",
            (
                Column("line", _text),
                Column("month", _month),
                Column("amount", _money),
            ),
            optional=True,
            doc="Month-by-month amounts of fixed lines that vary.",
        ),
    )
}


def _header_key(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _read_raw(folder: Path, spec: TableSpec) -> tuple[str, pd.DataFrame | None, list[Problem]]:
    """Find and read a table as text cells, indexed by spreadsheet row number (header = 1).

    Wholly blank rows are dropped but keep their place in the numbering, so a
    problem's row is the row the consultant sees in a spreadsheet.
    """
    csv, xlsx = folder / f"{spec.name}.csv", folder / f"{spec.name}.xlsx"
    if csv.is_file() and xlsx.is_file():
        return (
            csv.name,
            None,
            [Problem(csv.name, f"both {csv.name} and {xlsx.name} exist: keep one")],
        )
    if not csv.is_file() and not xlsx.is_file():
        if spec.optional:
            return csv.name, pd.DataFrame(columns=[c.name for c in spec.columns], dtype=object), []
        return csv.name, None, [Problem(csv.name, f"file not found (needed for: {spec.doc})")]
    name = csv.name if csv.is_file() else xlsx.name
    try:
        if csv.is_file():
            frame = pd.read_csv(
                csv, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig"
            )
        else:
            frame = pd.read_excel(xlsx, dtype=object, sheet_name=0, keep_default_na=False)
            frame = frame.map(_excel_cell)
    except Exception as exc:  # noqa: BLE001 - a damaged file is a problem to report, not a crash
        return name, None, [Problem(name, f"cannot be read ({exc.__class__.__name__}: {exc})")]
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    blank = frame.apply(lambda row: all(not str(v).strip() for v in row), axis=1)
    return name, frame[~blank] if len(frame) else frame, []


def _excel_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_table(
    name: str, raw: pd.DataFrame, spec: TableSpec
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse every cell; an empty or bad cell becomes None (and a problem if it matters)."""
    problems: list[Problem] = []
    # Columns the workbook does not use are allowed: exports carry many.
    raw = raw.rename(columns=_header_key)
    rows = [int(i) for i in raw.index]
    out: dict[str, list[Any]] = {}
    for col in spec.columns:
        if col.name not in raw.columns:
            if col.required:
                problems.append(Problem(name, "missing column", row=1, column=col.name))
            out[col.name] = [col.blank] * len(raw)
            continue
        values = []
        for row, cell in zip(rows, raw[col.name].tolist(), strict=True):
            text = "" if cell is None else str(cell)
            if not text.strip():
                if col.needs_value:
                    problems.append(
                        Problem(name, "empty cell: a value is needed", row=row, column=col.name)
                    )
                values.append(col.blank)
                continue
            try:
                values.append(col.parse(text))
            except _Bad as exc:
                problems.append(Problem(name, str(exc), row=row, column=col.name))
                values.append(_INVALID)
        out[col.name] = values
    frame = pd.DataFrame(out, columns=[c.name for c in spec.columns], dtype=object)
    frame.index = pd.Index(rows, name="row", dtype=int)
    return frame, problems


_NUMERIC = (_money, _fraction, _number, _integer)


def _typed(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """The checked table with number columns as floats (an empty cell: NaN)."""
    out = frame.copy()
    for col in spec.columns:
        out[col.name] = out[col.name].map(lambda v: None if v is _INVALID else v)
        if col.parse is _flag:
            out[col.name] = out[col.name].astype(bool)
        elif col.parse in _NUMERIC:
            out[col.name] = pd.to_numeric(out[col.name].astype(object), errors="coerce").astype(
                float
            )
    return out


#: What a cell that did not parse becomes: reported once, then ignored by later checks.
_INVALID = type("Invalid", (), {"__repr__": lambda self: "<invalid>"})()


def _empty(value: object) -> bool:
    """Left empty by the consultant (not: filled in with something unreadable)."""
    return value is None or (
        value is not _INVALID and not isinstance(value, str) and bool(pd.isna(value))
    )


def _blank(value: object) -> bool:
    """Empty or unreadable: nothing a further check can use."""
    return value is _INVALID or _empty(value)


def _duplicates(name: str, frame: pd.DataFrame, keys: list[str], what: str) -> list[Problem]:
    seen: set[tuple[object, ...]] = set()
    problems = []
    for i, r in frame.iterrows():
        key = tuple(r[k] for k in keys)
        if any(_blank(v) for v in key):
            continue
        if key in seen:
            shown = ", ".join(str(v) for v in key)
            problems.append(Problem(name, f"duplicate {what} {shown}", row=int(i), column=keys[0]))
        seen.add(key)
    return problems


def _out_of_order(name: str, frame: pd.DataFrame, column: str) -> list[Problem]:
    problems = []
    latest = None
    for i, value in frame[column].items():
        if _blank(value):
            continue
        if latest is not None and value < latest:
            problems.append(
                Problem(
                    name,
                    f"month {value} comes after {latest}: keep the months in order",
                    row=int(i),
                    column=column,
                )
            )
        latest = value if latest is None or value > latest else latest
    return problems


def _gaps(name: str, frame: pd.DataFrame, column: str, what: str) -> list[Problem]:
    if any(v is _INVALID for v in frame[column]):
        return []  # the unreadable month is reported already; it may be the "missing" one
    present = sorted({v for v in frame[column] if not _blank(v)})
    if len(present) < 2:
        return []
    return [
        Problem(name, f"month {m} is missing: {what}", column=column)
        for m in pd.period_range(present[0], present[-1], freq="M")
        if m not in present
    ]


def _check_tables(tables: dict[str, pd.DataFrame], names: dict[str, str]) -> list[Problem]:
    """Each table's own rules, and the rules between tables; no settings needed."""
    problems: list[Problem] = []
    if "revenue_plan" in tables:
        plan, f = tables["revenue_plan"], names["revenue_plan"]
        problems += _duplicates(f, plan, ["month", "stream"], "month and stream")
        problems += _out_of_order(f, plan, "month")
    if "expenses" in tables:
        exp, f = tables["expenses"], names["expenses"]
        problems += _duplicates(f, exp, ["line"], "expense line")
        for i, r in exp.iterrows():
            if r["kind"] == "fixed" and _empty(r["amount"]):
                problems.append(
                    Problem(f, "a fixed line needs its monthly amount", row=int(i), column="amount")
                )
            if r["kind"] == "variable" and _empty(r["rate"]):
                problems.append(
                    Problem(
                        f,
                        "a variable line needs its rate (a share of revenue)",
                        row=int(i),
                        column="rate",
                    )
                )
            if r["discretionary"] is True and _empty(r["cut_priority"]):
                problems.append(
                    Problem(
                        f,
                        "a discretionary line needs a cut priority (1 is cut first)",
                        row=int(i),
                        column="cut_priority",
                    )
                )
    if "roster" in tables:
        roster, f = tables["roster"], names["roster"]
        for i, r in roster.iterrows():
            if not _blank(r["start"]) and not _blank(r["end"]) and r["end"] < r["start"]:
                problems.append(
                    Problem(
                        f, f"end {r['end']} is before start {r['start']}", row=int(i), column="end"
                    )
                )
        if "expenses" in tables:
            exp = tables["expenses"]
            people_lines = set(exp.loc[exp["kind"] == "people", "line"])
            for i, r in roster.iterrows():
                if not _blank(r["line"]) and r["line"] not in people_lines:
                    problems.append(
                        Problem(
                            f,
                            f"line {r['line']!r} is not a people line in {names['expenses']}",
                            row=int(i),
                            column="line",
                        )
                    )
    if "expense_schedule" in tables:
        sched, f = tables["expense_schedule"], names["expense_schedule"]
        problems += _duplicates(f, sched, ["line", "month"], "line and month")
        if "expenses" in tables:
            exp = tables["expenses"]
            fixed_lines = set(exp.loc[exp["kind"] == "fixed", "line"])
            for i, r in sched.iterrows():
                if not _blank(r["line"]) and r["line"] not in fixed_lines:
                    problems.append(
                        Problem(
                            f,
                            f"line {r['line']!r} is not a fixed line in {names['expenses']}",
                            row=int(i),
                            column="line",
                        )
                    )
    for key in ("actuals", "objectives"):
        if key in tables:
            frame, f = tables[key], names[key]
            problems += _duplicates(f, frame, ["month"], "month")
            problems += _out_of_order(f, frame, "month")
            problems += _gaps(f, frame, "month", "the months must run one after another")
    return problems


def _check_cross(
    settings: Settings, tables: dict[str, pd.DataFrame], names: dict[str, str]
) -> list[Problem]:
    """The rules between the settings and the tables."""
    problems: list[Problem] = []
    months = settings.months
    first, last = months[0], months[-1]
    plan, f = tables["revenue_plan"], names["revenue_plan"]
    for i, r in plan.iterrows():
        if not _blank(r["stream"]) and r["stream"] not in settings.streams:
            known = ", ".join(settings.streams)
            problems.append(
                Problem(
                    f,
                    f"unknown stream {r['stream']!r}: add it under 'streams' in settings.yaml (known: {known})",
                    row=int(i),
                    column="stream",
                )
            )
        if not _blank(r["month"]) and not first <= r["month"] <= last:
            problems.append(
                Problem(
                    f,
                    f"month {r['month']} is outside the plan ({first} to {last})",
                    row=int(i),
                    column="month",
                )
            )
    present = {m for m in plan["month"] if not _blank(m)}
    if present and not any(_blank(m) for m in plan["month"]):
        for m in months:
            if m not in present:
                problems.append(
                    Problem(
                        f,
                        f"month {m} has no revenue row (write 0 if nothing is planned)",
                        column="month",
                    )
                )
    if settings.stress_test.start_month > settings.horizon_months:
        problems.append(
            Problem(
                SETTINGS_FILE,
                f"must be a month of the plan, 1 to {settings.horizon_months}",
                column="stress_test.start_month",
            )
        )
    problems += _check_plan_and_hiring(settings, tables, names)
    return problems


def _check_plan_and_hiring(
    settings: Settings, tables: dict[str, pd.DataFrame], names: dict[str, str]
) -> list[Problem]:
    """What the annual plan and the hiring timeline need beyond each table's own rules."""
    problems: list[Problem] = []
    roster = tables["roster"]
    reps = {r["name"] for _, r in roster.iterrows() if not _blank(r["annual_quota"])}
    plan, hiring = settings.plan, settings.hiring
    if plan is not None:
        if (plan.growth is None) == (plan.goal is None):
            problems.append(
                Problem(SETTINGS_FILE, "give either growth or goal (one of them)", column="plan")
            )
        for name in plan.weights:
            if name not in reps:
                problems.append(
                    Problem(
                        SETTINGS_FILE,
                        f"{name!r} is not a rep with an annual_quota in {names['roster']}",
                        column=f"plan.weights.{name}",
                    )
                )
        if plan.goal is None or plan.seasonality == "prior":
            first = settings.first_month
            have = {m for m in tables["actuals"]["month"] if not _blank(m)}
            span = sorted(have)
            for m in pd.period_range(first - 12, first - 1, freq="M"):
                if (
                    m not in have
                    and not (span and span[0] < m < span[-1])
                    and not any(v is _INVALID for v in tables["actuals"]["month"])
                ):
                    problems.append(
                        Problem(
                            names["actuals"],
                            f"month {m} is missing: the plan needs the 12 months before {first}",
                            column="month",
                        )
                    )
        if not reps:
            problems.append(
                Problem(
                    names["roster"],
                    "no rep has an annual_quota: the plan needs someone to carry the goal",
                    column="annual_quota",
                )
            )
    objectives, f = tables["objectives"], names["objectives"]
    if hiring is not None:
        months = pd.period_range(settings.first_month, periods=hiring.horizon_months, freq="M")
        if len(objectives):
            have = {m for m in objectives["month"] if not _blank(m)}
            for m in months:
                if m not in have:
                    problems.append(
                        Problem(
                            f,
                            f"month {m} is missing: the hiring timeline needs "
                            f"{hiring.horizon_months} months from {months[0]}",
                            column="month",
                        )
                    )
        elif plan is None:
            problems.append(
                Problem(
                    SETTINGS_FILE,
                    f"the hiring timeline needs objectives: add {f} (month, objective) "
                    "or a 'plan' section to derive them from",
                    column="hiring",
                )
            )
    return problems


# ----------------------------------------------------------------------------
# The client
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    """A client folder, read and checked: its settings and its tables."""

    folder: Path
    settings: Settings
    revenue_plan: pd.DataFrame
    expenses: pd.DataFrame
    roster: pd.DataFrame
    actuals: pd.DataFrame
    expense_schedule: pd.DataFrame
    objectives: pd.DataFrame

    @property
    def name(self) -> str:
        return self.settings.client.name

    @property
    def slug(self) -> str:
        """A file-safe name for the client's reports, from the folder's name."""
        return slugify(self.folder.resolve().name)

    @property
    def months(self) -> pd.PeriodIndex:
        return self.settings.months


def slugify(text: str) -> str:
    """Lower-case letters, digits and single dashes only; never empty, never a path."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "client"


def _read(folder: Path) -> tuple[Client | None, list[Problem]]:
    folder = Path(folder)
    if not folder.is_dir():
        return None, [Problem(str(folder.name or folder), "client folder not found")]
    settings, problems = read_settings(folder / SETTINGS_FILE)
    tables: dict[str, pd.DataFrame] = {}
    names: dict[str, str] = {}
    for key, spec in TABLES.items():
        fname, raw, found = _read_raw(folder, spec)
        names[key] = fname
        problems += found
        if raw is not None:
            frame, parse_problems = _parse_table(fname, raw, spec)
            problems += parse_problems
            tables[key] = frame
    problems += _check_tables(tables, names)
    if settings is not None and len(tables) == len(TABLES):
        problems += _check_cross(settings, tables, names)
    if problems or settings is None:
        return None, problems
    typed = {key: _typed(frame, TABLES[key]) for key, frame in tables.items()}
    return Client(folder=folder, settings=settings, **typed), []


def validate(folder: Path | str) -> list[Problem]:
    """Every problem in a client folder (an empty list when it is ready to use)."""
    return _read(Path(folder))[1]


def load_client(folder: Path | str) -> Client:
    """Read a client folder, or raise :class:`ClientFolderError` listing every problem."""
    client, problems = _read(Path(folder))
    if problems or client is None:
        raise ClientFolderError(folder, problems)
    return client
