"""The ``crm:`` and ``dashboard:`` sections of ``settings.yaml``.

``crm:`` says how a client's CRM exports map onto the workbook's tables: which
export column holds each field, what each stage, activity type, account type and
forecast category means, how dates are written, which names to alias, which
field to fill from a price list or from another field, and which rows to keep.
A *preset* (``salesnb/templates/crm_presets/<name>.yaml``) holds the same keys
for one CRM's export; the settings override it key by key (see
:func:`crm_mapping`). ``dashboard:`` holds the goals and standards the sales
dashboard compares against.

>>> mapping = crm_mapping(CrmSettings(preset="hubspot"))
>>> mapping.columns["opportunities"]["stage"], mapping.probability_scale
('Deal Stage', 1)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import AfterValidator, Field, field_validator, model_validator

from salesnb.io.settings import Name, Share, TableDialect, _Model

__all__ = [
    "ACCOUNT_TYPES",
    "FIELDS",
    "FORECAST_CATEGORIES",
    "KINDS",
    "PRESETS",
    "REQUIRED",
    "TABLE_FILES",
    "CrmMapping",
    "CrmSettings",
    "DashboardSettings",
    "crm_mapping",
    "preset_names",
]

#: Where the presets live: one YAML mapping file per CRM export.
PRESETS = Path(__file__).resolve().parent.parent / "templates" / "crm_presets"

#: Each CRM table's default file name in the client folder.
TABLE_FILES: dict[str, str] = {
    "opportunities": "opportunities.csv",
    "previous": "opportunities_previous.csv",
    "history": "opportunity_history.csv",
    "activities": "activities.csv",
    "forecasts": "forecasts.csv",
    "lead_spend": "lead_spend.csv",
    "receivables": "receivables.csv",
    "hours": "consultant_hours.csv",
}

_OPPORTUNITY_FIELDS = (
    "id",
    "name",
    "owner",
    "account",
    "account_type",
    "stage",
    "amount",
    "created",
    "close",
    "source",
    "forecast_category",
    "probability",
    "margin",
)
#: The canonical fields of each table, in the order the loaded frames hold them.
FIELDS: dict[str, tuple[str, ...]] = {
    "opportunities": _OPPORTUNITY_FIELDS,
    "previous": _OPPORTUNITY_FIELDS,
    "history": ("id", "changed", "stage", "amount", "close"),
    "activities": ("owner", "date", "type", "id"),
    "forecasts": ("owner", "period", "forecast"),
    "lead_spend": ("source", "month", "spend", "leads"),
    "receivables": ("invoice", "customer", "issued", "paid", "amount"),
    "hours": (
        "consultant",
        "week",
        "available",
        "billable",
        "billed_hours",
        "billed_amount",
        "standard_rate",
        "unworked_contracted",
    ),
}
_OPPORTUNITY_REQUIRED = frozenset({"id", "owner", "stage", "amount", "created"})
#: The fields a table cannot do without (its other fields may be absent from an export).
REQUIRED: dict[str, frozenset[str]] = {
    "opportunities": _OPPORTUNITY_REQUIRED,
    "previous": _OPPORTUNITY_REQUIRED,
    "history": frozenset({"id", "changed", "stage"}),
    "activities": frozenset({"owner", "date", "type"}),
    "forecasts": frozenset({"owner", "period", "forecast"}),
    "lead_spend": frozenset({"source", "month", "spend"}),
    "receivables": frozenset({"invoice", "issued", "amount"}),
    "hours": frozenset(FIELDS["hours"]) - {"unworked_contracted"},
}

ACCOUNT_TYPES = ("new", "existing")
FORECAST_CATEGORIES = ("pipeline", "best_case", "commit", "closed", "omitted")

TableKey = Literal[
    "opportunities",
    "previous",
    "history",
    "activities",
    "forecasts",
    "lead_spend",
    "receivables",
    "hours",
]
Kind = Literal[
    "new_prospect_call",
    "face_to_face",
    "presales_call",
    "discovery_call",
    "demo",
    "executive_presentation",
    "call",
    "email",
    "meeting",
    "task",
    "other",
]
#: The standard kinds of activity the dashboard and the leading indicators count.
KINDS: tuple[str, ...] = get_args(Kind)


def _file_name(value: str) -> str:
    if "/" in value or "\\" in value or value.startswith("."):
        raise ValueError(
            "a file name inside the client folder, such as deals.csv (no folder, no path)"
        )
    if not value.lower().endswith((".csv", ".xlsx")):
        raise ValueError("expected a .csv or .xlsx file name")
    return value


#: A table's file name in the client folder: ``deals.csv`` or ``deals.xlsx``, never a path.
FileName = Annotated[str, Field(min_length=5, max_length=200), AfterValidator(_file_name)]

_DIRECTIVE = re.compile(r"%[a-zA-Z]")


def _date_format(value: str) -> str:
    if not _DIRECTIVE.search(value):
        raise ValueError(
            "a date format is written with strftime codes, such as %m/%d/%Y for "
            "03/05/2024 or %d.%m.%Y for 05.03.2024"
        )
    return value


#: A strftime pattern such as ``%m/%d/%Y``.
DateFormat = Annotated[str, Field(max_length=60), AfterValidator(_date_format)]


class StageSetting(_Model):
    """One stage of the pipeline: its name in the export, open/won/lost, its probability."""

    name: Name
    status: Literal["open", "won", "lost"]
    probability: Share | None = Field(default=None, ge=0.0, le=1.0)


class Aliases(_Model):
    """One spelling for names that two files spell differently."""

    owner: dict[Name, Name] = Field(default_factory=dict)
    account: dict[Name, Name] = Field(default_factory=dict)


class Lookup(_Model):
    """Fill ``field`` of ``table`` from ``file``: the row whose ``key`` column equals the
    export's ``on`` column gives its ``value`` column (a price list by product)."""

    table: TableKey
    field: Name
    file: FileName
    key: Name
    value: Name
    on: Name

    @model_validator(mode="after")
    def _known_field(self) -> Lookup:
        if self.field not in FIELDS[self.table]:
            raise ValueError(
                f"{self.field!r} is not a field of {self.table}; its fields are "
                f"{', '.join(FIELDS[self.table])}"
            )
        return self


class CrmMapping(_Model):
    """The keys a preset holds, and the ``crm:`` section of the settings besides
    ``preset`` and ``previous_as_of``; each left out is the preset's (or empty)."""

    files: dict[TableKey, FileName] = Field(default_factory=dict)
    columns: dict[TableKey, dict[Name, Name]] = Field(default_factory=dict)
    date_format: DateFormat | dict[TableKey, DateFormat] | None = None
    stages: list[StageSetting] = Field(default_factory=list)
    activity_types: dict[Name, Kind] = Field(default_factory=dict)
    account_types: dict[Name, Literal["new", "existing"]] = Field(default_factory=dict)
    forecast_categories: dict[
        Name, Literal["pipeline", "best_case", "commit", "closed", "omitted"]
    ] = Field(default_factory=dict)
    aliases: Aliases = Aliases()
    lookups: list[Lookup] = Field(default_factory=list)
    fallbacks: dict[TableKey, dict[Name, Name]] = Field(default_factory=dict)
    keep: dict[TableKey, dict[Name, list[Name]]] = Field(default_factory=dict)
    #: How the export writes a probability: 1 for 0-1 (0.25), 100 for 0-100 (25).
    #: A cell with a percent sign (25%) is read as a percentage either way.
    probability_scale: Literal[1, 100] = 1

    @field_validator("columns", "fallbacks")
    @classmethod
    def _known_fields(cls, value: dict[str, dict[str, str]], info: Any) -> dict:
        for table, fields in value.items():
            for name, other in fields.items():
                known = FIELDS[table]
                if name not in known:
                    raise ValueError(
                        f"{name!r} is not a field of {table}; its fields are {', '.join(known)}"
                    )
                if info.field_name == "fallbacks" and other not in known:
                    raise ValueError(
                        f"{name} can only fall back to another field of {table}, got "
                        f"{other!r}; its fields are {', '.join(known)}"
                    )
        return value

    @field_validator("stages")
    @classmethod
    def _distinct_stages(cls, value: list[StageSetting]) -> list[StageSetting]:
        seen: dict[str, str] = {}
        for stage in value:
            key = stage.name.strip().casefold()
            if key in seen:
                raise ValueError(f"the stage {stage.name!r} is listed twice")
            seen[key] = stage.name
        return value


def preset_names() -> tuple[str, ...]:
    """The presets that ship with the workbook.

    >>> preset_names()
    ('hubspot', 'plain', 'salesforce-api', 'salesforce-report')
    """
    return tuple(sorted(p.stem for p in PRESETS.glob("*.yaml")))


def _preset(value: str) -> str:
    if value not in preset_names():
        raise ValueError(f"unknown preset; the presets are {', '.join(preset_names())}")
    return value


class CrmSettings(CrmMapping):
    """The ``crm:`` section: a preset, the keys that override it, the previous snapshot's
    date, and how the exports write numbers (``tables: {decimal: "."}``) when not as the
    folder's own spreadsheets do (a CRM writes its exports its own way)."""

    preset: Annotated[str, AfterValidator(_preset)] = "plain"
    previous_as_of: dt.date | None = None
    tables: TableDialect | None = None


def _read_preset(name: str) -> dict[str, Any]:
    raw = yaml.safe_load((PRESETS / f"{name}.yaml").read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):  # pragma: no cover - the shipped presets are mappings
        raise TypeError(f"the preset {name!r} is not a mapping")
    return raw


def _merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` laid on ``base``: mappings merge key by key, all else is replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def crm_mapping(settings: CrmSettings | None) -> CrmMapping:
    """The mapping a client's exports are read with: the preset, overridden by the settings.

    Mappings merge key by key at every level (``columns.opportunities.owner`` set in the
    settings replaces only that column of the preset); lists (``stages``, ``lookups``, the
    values of ``keep``) and single values are replaced whole. No ``crm:`` section means
    the ``plain`` preset.

    >>> m = crm_mapping(CrmSettings(preset="salesforce-api", columns={"opportunities": {"owner": "Owner"}}))
    >>> m.columns["opportunities"]["owner"], m.columns["opportunities"]["stage"]
    ('Owner', 'StageName')
    """
    settings = settings if settings is not None else CrmSettings()
    given = settings.model_dump(exclude_unset=True, exclude={"preset", "previous_as_of", "tables"})
    # Models dumped back to plain values validate again as they were written.
    raw = _merged(_read_preset(settings.preset), given)
    return CrmMapping.model_validate(raw)


# ----------------------------------------------------------------------------
# dashboard:
# ----------------------------------------------------------------------------

_MONEY = 1e15


class ServiceGoals(_Model):
    """A professional-services firm's goals: rate, realization, utilization, backlog."""

    blended_rate: float | None = Field(default=None, gt=0.0, le=_MONEY)
    realization: Share | None = Field(default=None, gt=0.0, le=2.0)
    utilization: Share | None = Field(default=None, gt=0.0, le=1.0)
    backlog_days: float | None = Field(default=None, ge=0.0, le=3650.0)


class ServiceSettings(_Model):
    daily_billable_hours: float = Field(default=6.0, gt=0.0, le=24.0)
    goals: ServiceGoals = ServiceGoals()


#: The activity kinds that can be leading indicators of bookings.
IndicatorKind = Literal[
    "new_prospect_call",
    "face_to_face",
    "presales_call",
    "discovery_call",
    "demo",
    "executive_presentation",
]


class DashboardSettings(_Model):
    """Goals and standards for the sales dashboard."""

    #: The dashboard's "today"; None: the folder's as_of.
    as_of: dt.date | None = None
    #: Activities a rep should log per week, by standard kind.
    activity_standards: dict[Kind, float] = Field(default_factory=dict)
    #: The denominator of the forecast error: the actual (the CRM convention) or the forecast.
    forecast_error_base: Literal["actual", "forecast"] = "actual"
    dso_goal_days: float | None = Field(default=None, gt=0.0, le=3650.0)
    #: The margin rate on sales when deals carry no margin of their own.
    gross_margin: Share | None = Field(default=None, ge=0.0, le=1.0)
    services: ServiceSettings | None = None
    #: What a won deal books in the leading indicators: its amount or its gross margin.
    bookings: Literal["amount", "margin"] = "amount"
    #: The activity kinds searched as leading indicators; None: every indicator kind logged.
    indicators: list[IndicatorKind] | None = Field(default=None, min_length=1)

    @field_validator("activity_standards")
    @classmethod
    def _per_week(cls, value: dict[str, float]) -> dict[str, float]:
        for kind, count in value.items():
            if not 0 <= count <= 1000:
                raise ValueError(
                    f"{kind}: expected activities per week from 0 to 1000, got {count}"
                )
        return value
