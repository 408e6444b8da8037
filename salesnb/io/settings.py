"""The client's ``settings.yaml``: its pydantic models and the safe reader.

:func:`read_settings` reads the file with YAML's safe loader and validates it
against :class:`Settings`; every problem names the YAML line and the setting.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import pandas as pd
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from salesnb import _checks as check
from salesnb.errors import Problem
from salesnb.io.yaml_reader import (
    YamlError,
    clip,
    compose,
    construct,
    escape,
    quote,
    read_text,
)

__all__ = ["PLANNING_QUESTIONS", "SETTINGS_FILE", "Settings", "read_settings", "rough_settings"]

SETTINGS_FILE = "settings.yaml"

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
#: The years a plan may start in or be seen from: wide enough for any real plan,
#: narrow enough that every month of any horizon is a date pandas can hold.
_FIRST_YEAR, _LAST_YEAR = 1900, 2199
Fraction = Field(ge=0.0, le=1.0)
#: An amount of money: at most LARGEST_AMOUNT in size, either way.
_MONEY = check.LARGEST_AMOUNT
#: A random generator's seed: a whole number from 0 that every generator takes.
_SEED = Field(default=2027, ge=0, le=2**32 - 1)
#: Characters that reorder how the text around them is shown (right-to-left
#: overrides and isolates): a name holding one can read as something it is not.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _control(value: str, allowed: str = "") -> str | None:
    """The first control character of ``value`` not in ``allowed``, if any."""
    return next(
        (c for c in value if (unicodedata.category(c) == "Cc" and c not in allowed) or c in _BIDI),
        None,
    )


def _plain_name(value: str) -> str:
    bad = _control(value)
    if bad is not None:
        raise ValueError(
            f"a name must be plain text on one line; this one holds the control character "
            f"{escape(bad)}"
        )
    return value


def _plain_text(value: str) -> str:
    bad = _control(value, allowed="\n\t")
    if bad is not None:
        raise ValueError(f"the text holds the control character {escape(bad)}; take it out")
    return value


_PERCENTAGE = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*%")


def _percentage(value: Any) -> Any:
    """``"25%"`` as 0.25, as the tables read it; anything else is left to the field.

    >>> _percentage("25%"), _percentage(" 12.5 % "), _percentage(0.3)
    (0.25, 0.125, 0.3)
    """
    if not isinstance(value, str) or not value.strip().endswith("%"):
        return value
    found = _PERCENTAGE.fullmatch(value.strip())
    if found is None:
        raise ValueError(
            f"expected a share as a number (0.25) or a percentage (25%, 12.5%), got {quote(value)}"
        )
    return float(found.group(1)) / 100


#: A share or rate: a number (0.25) or a percentage (``"25%"``), as the tables take it.
Share = Annotated[float, BeforeValidator(_percentage)]


def _scenario_name(value: str) -> str:
    if not _SCENARIO_NAME.fullmatch(value):
        raise ValueError(
            "a scenario's name is its folder's name: lower-case letters, digits and single "
            "dashes, such as deep-cut, at most 60 characters"
        )
    return value


_SCENARIO_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: A scenario's name: the folder its pack is written to (``deep-cut``), never a path.
ScenarioName = Annotated[str, Field(max_length=60), AfterValidator(_scenario_name)]

#: A name or label the workbook shows and matches on: one line, no control characters.
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_plain_name)]
#: Free text (an answer, a note): line breaks and tabs allowed, other control characters not.
Text = Annotated[str, AfterValidator(_plain_text)]


def _leaves(annotation: Any) -> set[Any]:
    """The plain types an annotation is made of (``dict[str, float] | None``: str, float, None)."""
    args = get_args(annotation)
    if not args:
        return {annotation}
    found: set[Any] = set()
    for arg in args:
        if isinstance(arg, type) or get_args(arg):
            found |= _leaves(arg)
    return found


def _takes_yes_no(annotation: Any) -> bool:
    """Whether a field's value may hold a bool (itself, or in a model it holds)."""
    return any(
        leaf is bool or leaf is Any or (isinstance(leaf, type) and issubclass(leaf, BaseModel))
        for leaf in _leaves(annotation)
    )


def _holds_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, list | tuple):
        return any(_holds_yes_no(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_yes_no(k) or _holds_yes_no(v) for k, v in value.items())
    return False


class _Model(BaseModel):
    """What every part of the settings shares: no unknown key, no NaN or infinity
    in a number, and no yes/no where a number or text belongs (YAML reads ``yes``,
    ``no``, ``on``, ``off``, ``true`` and ``false`` as a yes-or-no, which pydantic
    would otherwise take as 1 or 0)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_yes_no(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is None or _takes_yes_no(field.annotation) or not _holds_yes_no(value):
            return value
        if _leaves(field.annotation) & {int, float}:
            raise ValueError(
                "expected a number, not a yes-or-no (YAML reads yes, no, on, off, true and "
                "false as one)"
            )
        raise ValueError(
            "expected text, not a yes-or-no (YAML reads yes, no, on, off, true and false as "
            "one): put the text in quotes"
        )


class ClientInfo(_Model):
    name: Name
    currency: Name = Field(default="USD", max_length=8)


class CashSettings(_Model):
    opening: float = Field(default=0.0, ge=-_MONEY, le=_MONEY)
    minimum: float = Field(default=0.0, ge=0.0, le=_MONEY)


class StreamSettings(_Model):
    cost_of_sales: Share = Fraction


class StressTestSettings(_Model):
    cut: Share = Field(default=0.25, ge=0.0, le=1.0)
    start_month: int = Field(default=1, ge=1)
    target_margin: Share = Field(default=0.10, gt=-1.0, lt=1.0)
    volatility: Share = Field(default=0.15, ge=0.0, le=2.0)
    runs: int = Field(default=2000, ge=100, le=100_000)
    seed: int = _SEED


class FunnelStage(_Model):
    stage: Name
    conversion: Share = Field(gt=0.0, le=1.0)


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


def _question(key: str) -> str:
    if key not in PLANNING_QUESTIONS:
        raise ValueError(f"unknown question; the questions are: {', '.join(PLANNING_QUESTIONS)}")
    return key


#: The name of one of the planning questions (a key of :data:`PLANNING_QUESTIONS`).
Question = Annotated[str, AfterValidator(_question)]


class AssumptionCheck(_Model):
    """An assumption the plan rests on, and whether it still holds."""

    assumption: Text = Field(min_length=1)
    still_true: bool | None = None
    note: Text = ""


class PlanSettings(_Model):
    """The annual sales plan: how the goal is set and what a rep's year asks of them."""

    growth: Share | None = Field(default=None, gt=-1.0)
    #: An amount, or "revenue_plan": the revenue plan's months are the goal.
    goal: float | str | None = None
    #: The share of the goal the reps carry as new business (the rest renews by
    #: itself); read by the plan's quotas and the hiring timeline's objective alike.
    new_business_share: Share | None = Field(default=None, gt=0.0, le=1.0)
    #: Roles whose roster rows carry quota, own or shared; None: every role in which
    #: someone has an annual_quota.
    quota_roles: list[str] | None = None
    seasonality: str | list[Share] = "prior"
    over_assignment: Share = Field(default=1.0, ge=1.0, le=3.0)
    stretch: Share = Field(default=0.10, ge=0.0, le=2.0)
    coverage: float = Field(default=3.0, gt=0.0)
    average_deal: float = Field(gt=0.0, le=_MONEY)
    win_rate: Share = Field(gt=0.0, le=1.0)
    cycle_months: float = Field(default=3.0, ge=0.0, le=36.0)
    ramp: list[Share] = Field(default_factory=lambda: [0.0, 0.25, 0.5, 0.75], max_length=36)
    weights: dict[Name, float] = Field(default_factory=dict)
    funnel: list[FunnelStage] = Field(default_factory=list)
    questions: dict[Question, Text | list[Text]] = Field(default_factory=dict)
    assumptions: list[AssumptionCheck] = Field(default_factory=list)

    @field_validator("seasonality")
    @classmethod
    def _seasonality(cls, value: str | list[float]) -> str | list[float]:
        if isinstance(value, str) and value not in {"prior", "flat"}:
            raise ValueError("expected 'prior', 'flat' or 12 monthly shares")
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

    @field_validator("goal", mode="after")
    @classmethod
    def _goal_within_limit(cls, value: Any) -> Any:
        if check.is_number(value) and not abs(value) <= _MONEY:
            raise ValueError(f"an amount must be at most {_MONEY:g} in size")
        return value

    @field_validator("ramp")
    @classmethod
    def _ramp(cls, value: list[float]) -> list[float]:
        check.ramp("ramp", value)
        return value


class HiringSettings(_Model):
    """The hiring timeline's assumptions about reps, recruiting and cost."""

    horizon_months: int = Field(default=18, ge=15, le=36)
    annual_quota: float = Field(gt=0.0, le=_MONEY)
    attainment: Share = Field(default=1.0, gt=0.0, le=2.0)
    ramp_months: int = Field(default=4, ge=0, le=24)
    ramp: list[Share] | None = Field(default=None, max_length=36)
    lead_time_months: int = Field(default=2, ge=0, le=24)
    attrition_rate: Share = Field(default=0.0, ge=0.0, le=1.0)
    recruiting_cost_per_hire: float = Field(default=0.0, ge=0.0, le=_MONEY)
    role: Name = "Account executive"
    salary: float = Field(ge=0.0, le=_MONEY)
    burden: Share | None = Field(default=None, ge=0.0, le=2.0)
    #: Kept for folders written before the plan had it: plan.new_business_share.
    new_business_share: Share | None = Field(default=None, gt=0.0, le=1.0)
    include_in_pro_forma: bool = False
    people_line: Name = "Planned sales hires"
    recruiting_line: Name = "Recruiting"
    bad_hire_months: int = Field(default=6, ge=1, le=36)
    runs: int = Field(default=500, ge=50, le=20_000)
    seed: int = _SEED

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


# The CRM and dashboard sections build on the models above (_Model, Name, Share).
from salesnb.io.crm_settings import CrmSettings, DashboardSettings


class Settings(_Model):
    """The validated contents of ``settings.yaml``; defaults are what a new client gets."""

    client: ClientInfo
    fiscal_year_start: str
    as_of: dt.date
    horizon_months: int = Field(default=12, ge=1, le=60)
    cash: CashSettings = CashSettings()
    default_burden: Share = Field(default=0.0, ge=0.0, le=2.0)
    streams: dict[Name, StreamSettings] = Field(min_length=1)
    stress_test: StressTestSettings = StressTestSettings()
    plan: PlanSettings | None = None
    hiring: HiringSettings | None = None
    tables: TableDialect = TableDialect()
    #: Named scenarios: each a set of report overrides (``cut: 0.4``), run with
    #: ``salesnb report FOLDER --scenario NAME``; checked against the settings they
    #: override when the report runs, before any notebook.
    scenarios: dict[ScenarioName, dict[Name, float | int | str]] = Field(default_factory=dict)
    #: How the client's CRM exports map onto the workbook's CRM tables.
    crm: CrmSettings | None = None
    #: Goals and standards for the sales dashboard.
    dashboard: DashboardSettings | None = None
    #: The sales manager's checkup, the recruiting scorecard and the 90-day training
    #: plan with the operating rhythm (models in :mod:`salesnb.io.people_settings`).
    assessments: list[AssessmentSettings] | None = Field(default=None, min_length=1)
    scorecard: ScorecardSettings | None = None
    training: TrainingSettings | None = None

    @field_validator("fiscal_year_start", mode="before")
    @classmethod
    def _month(cls, value: Any) -> str:
        """A month as YYYY-MM (a date is taken as its month), in a year a plan can have."""
        if isinstance(value, dt.date):
            value = f"{value.year:04d}-{value.month:02d}"
        elif isinstance(value, str) and _DATE.match(value):
            value = _calendar_date(value, "a month as YYYY-MM").strftime("%Y-%m")
        found = _MONTH.match(value) if isinstance(value, str) else None
        if found is None or not 1 <= int(found.group(2)) <= 12:
            raise ValueError("expected a month as YYYY-MM")
        _plan_year(int(found.group(1)))
        return value

    @field_validator("as_of", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        """A real date as YYYY-MM-DD, in a year a plan can have."""
        if isinstance(value, str):
            if not _DATE.match(value.strip()):
                raise ValueError("expected a date as YYYY-MM-DD")
            value = _calendar_date(value.strip(), "YYYY-MM-DD")
        if isinstance(value, dt.date):
            _plan_year(value.year)
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


def _calendar_date(text: str, expected: str) -> dt.date:
    """``YYYY-MM-DD`` text as a date, or a ValueError saying why it is not one."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not a date ({exc}); expected {expected}") from None


def _plan_year(year: int) -> None:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ValueError(f"the year must be from {_FIRST_YEAR} to {_LAST_YEAR}")


def _yaml_line(node: yaml.Node | None, loc: Iterable[Any]) -> int | None:
    """The 1-based line in the YAML source of the value at ``loc`` (or its nearest parent).

    A key given twice points at its last value (the one that is read); a problem
    with a key itself (``[key]``) points at the key.
    """
    line = node.start_mark.line + 1 if node is not None else None
    loc = list(loc)
    for i, key in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            pairs = [(k, v) for k, v in node.value if k.value == str(key)]
            if not pairs:
                break
            k, v = pairs[-1]
            node = k if i + 1 < len(loc) and loc[i + 1] == "[key]" else v
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


#: The most problems reported for one settings file; the rest are counted.
_MOST_PROBLEMS = 50
#: The longest message a problem in the settings carries (client values are cut
#: shorter still, to a few dozen characters, wherever they are quoted).
_LONGEST_MESSAGE = 400


def _setting(loc: Iterable[Any]) -> str:
    """A setting's dotted name, each part cut short and its control characters escaped."""
    parts = [str(p) for p in loc if p != "[key]"]
    shown = ["".join(escape(c) if _control(c) else c for c in clip(p)) for p in parts]
    return ".".join(shown)


def _problem(name: str, message: str, row: int | None, column: str | None) -> Problem:
    return Problem(name, clip(message, _LONGEST_MESSAGE), row=row, column=column)


_SIMPLE_TYPES = frozenset({"str", "int", "float", "bool", "none", "date"})
_GENERIC_TYPE = re.compile(r"^[\w-]+\[.*\]$")


def _without_union_tags(loc: Iterable[Any], tree: yaml.Node | None) -> tuple[list[Any], int | None]:
    """``loc`` without the names pydantic gives the members of a union (``str``,
    ``list[float]``), and where the first of them was (None if there was none).

    A part that is a key in the file is always kept, whatever it is called.
    """
    kept: list[Any] = []
    first: int | None = None
    node = tree
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            values = [v for k, v in node.value if k.value == str(part)]
            if values:
                kept.append(part)
                node = values[-1]
                continue
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            kept.append(part)
            node = node.value[part] if 0 <= part < len(node.value) else None
            continue
        if isinstance(part, str) and (part in _SIMPLE_TYPES or _GENERIC_TYPE.match(part)):
            first = len(kept) if first is None else first
            continue
        kept.append(part)
        node = None
    return kept, first


def _message(err: Any) -> str:
    msg = err["msg"].replace("Value error, ", "")
    if err["type"] == "extra_forbidden":
        return "unknown setting (check the spelling against the template)"
    if err["type"] == "missing" or re.search(r"\bgot\b", msg):
        return msg
    return f"{msg}, got {quote(err.get('input'))}"


def _validation_problems(name: str, exc: ValidationError, tree: yaml.Node | None) -> list[Problem]:
    """One problem per thing wrong; a value no member of a union takes is one problem.

    When a value fits one member of a union in shape (a list for ``str |
    list[str]``) but not in content, only what is wrong with the content is said.
    """
    located: list[tuple[list[Any], str]] = []
    unions: dict[tuple[Any, ...], list[tuple[list[Any], Any]]] = {}
    for err in exc.errors():
        loc, first = _without_union_tags(err["loc"], tree)
        if first is None:
            located.append((loc, _message(err)))
        else:
            unions.setdefault(tuple(loc[:first]), []).append((loc, err))
    for where, members in unions.items():
        content = [(loc, err) for loc, err in members if not err["type"].endswith("_type")]
        if content:
            located += [(loc, _message(err)) for loc, err in content]
            continue
        wanted = [err["msg"].removeprefix("Input should be ") for _, err in members]
        said = f"Input should be {' or '.join(dict.fromkeys(wanted))}"
        located.append((list(where), f"{said}, got {quote(members[0][1].get('input'))}"))
    return [_problem(name, msg, _yaml_line(tree, loc), _setting(loc)) for loc, msg in located]


def read_settings(path: Path) -> tuple[Settings | None, list[Problem]]:
    """Read and validate ``settings.yaml``: the settings, or None, and the problems.

    The file is read as plain YAML only (see :mod:`salesnb.io.yaml_reader`: no
    anchors, aliases or object tags, no key given twice), then checked against
    :class:`Settings`. Every problem names the YAML line and the setting, and
    quotes at most a short prefix of what the file says. The list may hold notes
    (``Problem.note``, e.g. the file was read as Windows-1252) next to valid
    settings: the settings are None exactly when a problem is not a note.
    """
    name = path.name
    text, problems = read_text(path, name)
    if text is None:
        return None, problems
    try:
        tree, duplicates = compose(text)
    except YamlError as exc:
        column = _setting(exc.path) if exc.path else None
        return None, [*problems, _problem(name, exc.message, exc.line, column)]
    for twice in duplicates:
        problems.append(
            _problem(
                name,
                f"{quote(twice.path[-1])} is given twice in the same section, on line "
                f"{twice.first} and line {twice.again}: keep one",
                twice.again,
                _setting(twice.path),
            )
        )
    raw = construct(tree)
    if not isinstance(raw, dict):
        return None, [
            *problems,
            _problem(name, "expected a mapping of settings (key: value lines)", None, None),
        ]
    settings = None
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        problems += _validation_problems(name, exc, tree)
    if len(problems) > _MOST_PROBLEMS:
        more = len(problems) - _MOST_PROBLEMS
        problems = problems[:_MOST_PROBLEMS]
        problems.append(Problem(name, f"... and {more} more problems in this file"))
    if any(not p.note for p in problems):
        return None, problems
    return settings, problems


#: Placeholders for required settings that failed, so the rules between the other
#: settings and the tables can still run (never used for a figure).
_STAND_INS: dict[str, Any] = {"client": {"name": "client"}}


def rough_settings(path: Path) -> Settings | None:
    """The settings with every top-level setting that fails left out (or stood in for).

    Only for checking: when ``settings.yaml`` has a problem, the rules between the
    settings that are fine and the tables (a stream the settings do not know, a
    month outside the plan) still run, so one pass lists every problem. None when
    the file cannot be read at all, or the plan's months cannot be known.
    """
    text, _ = read_text(path, path.name)
    if text is None:
        return None
    try:
        raw = construct(compose(text)[0])
    except YamlError:
        return None
    if not isinstance(raw, dict):
        return None
    for _ in range(3):  # a stand-in or a dropped section can uncover one more failing key
        try:
            return Settings.model_validate(raw)
        except ValidationError as exc:
            failing = {err["loc"][0] for err in exc.errors() if err["loc"]}
            if failing & {"fiscal_year_start", "as_of", "horizon_months", "streams"}:
                return None  # the months or the streams themselves are in doubt
            if "plan" in failing:  # the hiring timeline may rest on the plan: its rules wait
                failing.add("hiring")
            raw = {k: v for k, v in raw.items() if k not in failing}
            raw.update({k: v for k, v in _STAND_INS.items() if k in failing})
    return None


# The people parts' models build on _Model above; Settings takes them once they exist.
from salesnb.io.people_settings import (
    AssessmentSettings,
    ScorecardSettings,
    TrainingSettings,
)

Settings.model_rebuild()
