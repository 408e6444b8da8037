"""The client's ``settings.yaml``: its pydantic models and the safe reader.

:func:`read_settings` reads the file with YAML's safe loader and validates it
against :class:`Settings`; every problem names the YAML line and the setting.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from salesnb import _checks as check
from salesnb.errors import Problem

__all__ = ["PLANNING_QUESTIONS", "SETTINGS_FILE", "Settings", "read_settings"]

SETTINGS_FILE = "settings.yaml"

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
    #: An amount, or "revenue_plan": the revenue plan's months are the goal.
    goal: float | str | None = None
    #: The share of the goal the reps carry as new business (the rest renews by
    #: itself); read by the plan's quotas and the hiring timeline's objective alike.
    new_business_share: float | None = Field(default=None, gt=0.0, le=1.0)
    #: Roles whose roster rows carry quota, own or shared; None: every role in which
    #: someone has an annual_quota.
    quota_roles: list[str] | None = None
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

    @field_validator("goal")
    @classmethod
    def _goal(cls, value: float | str | None) -> float | str | None:
        if isinstance(value, str) and value != "revenue_plan":
            raise ValueError(
                f"expected an amount above 0, or 'revenue_plan' to make the revenue plan "
                f"the goal; got {value!r}"
            )
        if isinstance(value, float) and not value > 0:
            raise ValueError(f"expected an amount above 0, got {value!r}")
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
        check.ramp("ramp", value)
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
    #: Kept for folders written before the plan had it: plan.new_business_share.
    new_business_share: float | None = Field(default=None, gt=0.0, le=1.0)
    include_in_pro_forma: bool = False
    people_line: str = "Planned sales hires"
    recruiting_line: str = "Recruiting"
    bad_hire_months: int = Field(default=6, ge=1, le=36)
    runs: int = Field(default=500, ge=50, le=20_000)
    seed: int = 2027

    @field_validator("ramp")
    @classmethod
    def _ramp(cls, value: list[float] | None) -> list[float] | None:
        if value is not None:
            check.ramp("ramp", value)
        return value


class TableDialect(_Model):
    """How the client's tables write numbers: the decimal mark and the thousands
    separator. None (the default) works each out from the file itself, and asks for
    this setting when a file leaves it open (``1.500``: 1.5 or 1500?)."""

    decimal: Literal[".", ","] | None = None
    thousands: Literal["", ",", ".", " ", "'"] | None = None

    @field_validator("thousands")
    @classmethod
    def _not_the_decimal_mark(cls, value: str | None, info: Any) -> str | None:
        if value is not None and value == info.data.get("decimal"):
            raise ValueError(f"the thousands separator cannot also be the decimal mark ({value!r})")
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
    tables: TableDialect = TableDialect()

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
