"""A client folder: its tables, the rules between them and the settings, the Client.

A client folder holds one ``settings.yaml`` and a few tables, each as CSV or as an
Excel workbook (first sheet) with the same name::

    settings.yaml        name, currency, fiscal year, as-of date, cash, assumptions
    revenue_plan.csv     month, stream, revenue
    expenses.csv         line, kind, amount, rate, discretionary, cut_priority, max_cut
    roster.csv           name, role, line, annual_salary, burden, start, end, ...
    actuals.csv          month, revenue (the prior year)
    expense_schedule.csv optional: line, month, amount (a fixed line's month-by-month amounts)
    objectives.csv       optional: month, objective (new business for the hiring timeline)
    interview_scores.csv optional: candidate, interviewer, criterion, score (the scorecard)

:func:`validate` reads everything and returns every problem at once, each naming
the file, the row (as a spreadsheet numbers it: the header is row 1), the column
and what was expected. :func:`load_client` returns a :class:`Client` or raises
:class:`~salesnb.errors.ClientFolderError` with those problems. This is the only
module that reads client files; every calculation takes the DataFrames it returns.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from salesnb.errors import ClientFolderError, Problem
from salesnb.io.crm import CrmData, read_crm
from salesnb.io.readiness import PARTS, calculation_problems, parts, scenario_problems
from salesnb.io.settings import SETTINGS_FILE, Settings, read_settings, rough_settings
from salesnb.io.tables import (
    Column,
    TableSpec,
    blank_cells,
    cell_codes,
    cell_test,
    choice,
    duplicates,
    empty_cells,
    gaps,
    identical_cells,
    invalid_cells,
    out_of_order,
    parse_flag,
    parse_fraction,
    parse_integer,
    parse_money,
    parse_month,
    parse_table,
    parse_text,
    read_raw,
    typed,
)

__all__ = ["TABLES", "Client", "FolderCheck", "check_folder", "load_client", "slugify", "validate"]

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "revenue_plan",
            (
                Column("month", parse_month),
                Column("stream", parse_text),
                Column("revenue", parse_money),
            ),
            doc="Planned revenue by month and stream.",
        ),
        TableSpec(
            "expenses",
            (
                Column("line", parse_text),
                Column("kind", choice("fixed", "variable", "people")),
                Column("amount", parse_money, required=False, needs_value=False),
                Column("rate", parse_fraction, required=False, needs_value=False),
                Column("discretionary", parse_flag, required=False, needs_value=False, blank=False),
                Column("cut_priority", parse_integer, required=False, needs_value=False),
                Column("max_cut", parse_fraction, required=False, needs_value=False, blank=1.0),
            ),
            doc="Expense lines: fixed per month, variable as a fraction of revenue, people.",
        ),
        TableSpec(
            "roster",
            (
                Column("name", parse_text),
                Column("role", parse_text),
                Column("line", parse_text),
                Column("annual_salary", parse_money),
                Column("burden", parse_fraction, required=False, needs_value=False),
                Column("start", parse_month, required=False, needs_value=False),
                Column("end", parse_month, required=False, needs_value=False),
                Column("annual_quota", parse_money, required=False, needs_value=False),
                Column("on_target_earnings", parse_money, required=False, needs_value=False),
            ),
            doc="The team today, with start and end months.",
        ),
        TableSpec(
            "actuals",
            (
                Column("month", parse_month),
                Column("revenue", parse_money),
            ),
            optional=True,
            doc="Prior-year revenue by month (for the annual sales plan).",
        ),
        TableSpec(
            "objectives",
            (
                Column("month", parse_month),
                Column("objective", parse_money),
            ),
            optional=True,
            doc="New-business revenue objectives by month for the hiring timeline.",
        ),
        TableSpec(
            "expense_schedule",
            (
                Column("line", parse_text),
                Column("month", parse_month),
                Column("amount", parse_money),
            ),
            optional=True,
            doc="Month-by-month amounts of fixed lines that vary.",
        ),
        TableSpec(
            "interview_scores",
            (
                Column("candidate", parse_text),
                Column("interviewer", parse_text),
                Column("criterion", parse_text),
                Column("score", parse_integer),
            ),
            optional=True,
            doc="Each interviewer's 1-5 score of each candidate on each scorecard criterion.",
        ),
    )
}


def _cells(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype=object)


def _lines_not_of_kind(
    name: str, frame: pd.DataFrame, expenses: pd.DataFrame, kind: str, names: dict[str, str]
) -> list[Problem]:
    """A problem for each row whose ``line`` is not an expense line of ``kind``."""
    known = set(expenses.loc[expenses["kind"] == kind, "line"])
    lines, rows = _cells(frame, "line"), frame.index.to_numpy()
    return [
        Problem(
            name,
            f"line {lines[i]!r} is not a {kind} line in {names['expenses']}",
            row=int(rows[i]),
            column="line",
        )
        for i in np.flatnonzero(cell_test(lines, lambda v: v not in known)).tolist()
    ]


def _distinct(frame: pd.DataFrame, column: str) -> set:
    """The column's distinct non-blank values."""
    return set(cell_codes(frame[column])[1])


def _check_tables(tables: dict[str, pd.DataFrame], names: dict[str, str]) -> list[Problem]:
    """Each table's own rules, and the rules between tables; no settings needed."""
    problems: list[Problem] = []
    if "revenue_plan" in tables:
        plan, f = tables["revenue_plan"], names["revenue_plan"]
        problems += duplicates(f, plan, ["month", "stream"], "month and stream")
        problems += out_of_order(f, plan, "month")
    if "expenses" in tables:
        exp, f = tables["expenses"], names["expenses"]
        problems += duplicates(f, exp, ["line"], "expense line")
        fixed = cell_test(exp["kind"], lambda v: v == "fixed") & empty_cells(exp["amount"])
        variable = cell_test(exp["kind"], lambda v: v == "variable") & empty_cells(exp["rate"])
        cut = identical_cells(exp["discretionary"], True) & empty_cells(exp["cut_priority"])
        rows = exp.index.to_numpy()
        for i in np.flatnonzero(fixed | variable | cut).tolist():
            row = int(rows[i])
            if fixed[i]:
                problems.append(
                    Problem(f, "a fixed line needs its monthly amount", row=row, column="amount")
                )
            if variable[i]:
                problems.append(
                    Problem(
                        f,
                        "a variable line needs its rate (a share of revenue)",
                        row=row,
                        column="rate",
                    )
                )
            if cut[i]:
                problems.append(
                    Problem(
                        f,
                        "a discretionary line needs a cut priority (1 is cut first)",
                        row=row,
                        column="cut_priority",
                    )
                )
    if "roster" in tables:
        roster, f = tables["roster"], names["roster"]
        start, end = _cells(roster, "start"), _cells(roster, "end")
        rows = roster.index.to_numpy()
        pairs = np.flatnonzero(~blank_cells(start) & ~blank_cells(end))
        before = np.zeros(len(roster), dtype=bool)
        if len(pairs):  # compared as the cells compare, pair by pair
            before[pairs] = np.asarray(end[pairs] < start[pairs], dtype=bool)
        for i in np.flatnonzero(before).tolist():
            problems.append(
                Problem(
                    f, f"end {end[i]} is before start {start[i]}", row=int(rows[i]), column="end"
                )
            )
        if "expenses" in tables:
            problems += _lines_not_of_kind(f, roster, tables["expenses"], "people", names)
    if "expense_schedule" in tables:
        sched, f = tables["expense_schedule"], names["expense_schedule"]
        problems += duplicates(f, sched, ["line", "month"], "line and month")
        if "expenses" in tables:
            problems += _lines_not_of_kind(f, sched, tables["expenses"], "fixed", names)
    for key in ("actuals", "objectives"):
        if key in tables:
            frame, f = tables[key], names[key]
            problems += duplicates(f, frame, ["month"], "month")
            problems += out_of_order(f, frame, "month")
            problems += gaps(f, frame, "month", "the months must run one after another")
    return problems


def _check_cross(
    settings: Settings, tables: dict[str, pd.DataFrame], names: dict[str, str]
) -> list[Problem]:
    """The rules between the settings and the tables."""
    problems: list[Problem] = []
    if settings.stress_test.start_month > settings.horizon_months:
        problems.append(
            Problem(
                SETTINGS_FILE,
                f"must be a month of the plan, 1 to {settings.horizon_months}",
                column="stress_test.start_month",
            )
        )
    problems += _check_plan_and_hiring(settings, tables, names)
    if "revenue_plan" in tables:
        problems += _check_revenue_plan(settings, tables["revenue_plan"], names["revenue_plan"])
    return problems


def _check_revenue_plan(settings: Settings, plan: pd.DataFrame, f: str) -> list[Problem]:
    """Streams the settings know, months inside the plan, and no month or stream left out."""
    problems: list[Problem] = []
    months = settings.months
    first, last = months[0], months[-1]
    streams, plan_months = _cells(plan, "stream"), _cells(plan, "month")
    unknown = cell_test(streams, lambda v: v not in settings.streams)
    outside = cell_test(plan_months, lambda v: not first <= v <= last)
    rows = plan.index.to_numpy()
    for i in np.flatnonzero(unknown | outside).tolist():
        if unknown[i]:
            known = ", ".join(settings.streams)
            problems.append(
                Problem(
                    f,
                    f"unknown stream {streams[i]!r}: add it under 'streams' in settings.yaml (known: {known})",
                    row=int(rows[i]),
                    column="stream",
                )
            )
        if outside[i]:
            problems.append(
                Problem(
                    f,
                    f"month {plan_months[i]} is outside the plan ({first} to {last})",
                    row=int(rows[i]),
                    column="month",
                )
            )
    present = _distinct(plan, "month")
    if present and not blank_cells(plan_months).any():
        for m in months:
            if m not in present:
                problems.append(
                    Problem(
                        f,
                        f"month {m} has no revenue row (write 0 if nothing is planned)",
                        column="month",
                    )
                )
        # A stream with a month left out would silently lower the year's revenue.
        pairs = {
            (m, st)
            for m, st in zip(plan_months.tolist(), streams.tolist(), strict=True)
            if isinstance(st, str)
        }
        # A month holding a row whose stream is unknown or unreadable already has a
        # problem: the row is most likely the missing one, misspelt.
        doubtful = {
            m
            for m, st, bad in zip(
                plan_months.tolist(), streams.tolist(), unknown.tolist(), strict=True
            )
            if bad or not isinstance(st, str)
        }
        for stream in sorted(_distinct(plan, "stream") & set(settings.streams)):
            missing = [
                m for m in months if m in present and m not in doubtful and (m, stream) not in pairs
            ]
            if missing:
                listed = ", ".join(str(m) for m in missing[:6]) + (
                    " ..." if len(missing) > 6 else ""
                )
                problems.append(
                    Problem(
                        f,
                        f"stream {stream!r} has no row for {listed} "
                        "(write 0 for a month with nothing planned)",
                        column="stream",
                    )
                )
    return problems


def _check_plan_and_hiring(
    settings: Settings, tables: dict[str, pd.DataFrame], names: dict[str, str]
) -> list[Problem]:
    """What the annual plan and the hiring timeline need beyond each table's own rules."""
    problems: list[Problem] = []
    roster = tables.get("roster")
    # A rep: a row with an annual_quota, or one in a quota role (who shares the rest):
    # plan.quota_roles, by default the roles in which someone has an annual_quota.
    reps: set = set()
    if roster is not None:
        quoted, role = ~blank_cells(roster["annual_quota"]), _cells(roster, "role")
        listed = settings.plan.quota_roles if settings.plan is not None else None
        roles = set(role[quoted].tolist()) if listed is None else set(listed)
        reps = set(_cells(roster, "name")[quoted | cell_test(role, lambda v: v in roles)].tolist())
    plan, hiring = settings.plan, settings.hiring
    if plan is not None:
        if (plan.growth is None) == (plan.goal is None):
            problems.append(
                Problem(SETTINGS_FILE, "give either growth or goal (one of them)", column="plan")
            )
        for name in plan.weights if roster is not None else ():
            if name not in reps:
                problems.append(
                    Problem(
                        SETTINGS_FILE,
                        f"{name!r} is not a rep with an annual_quota in {names['roster']}",
                        column=f"plan.weights.{name}",
                    )
                )
        if (plan.goal is None or plan.seasonality == "prior") and "actuals" in tables:
            first = settings.first_month
            if not len(tables["actuals"]):
                problems.append(
                    Problem(
                        names["actuals"],
                        f"no rows: the annual sales plan needs the prior year's revenue, "
                        f"the 12 months before {settings.first_month} (month, revenue)",
                    )
                )
            have = _distinct(tables["actuals"], "month")
            span = sorted(have)
            unreadable = invalid_cells(tables["actuals"]["month"]).any()
            for m in pd.period_range(first - 12, first - 1, freq="M"):
                if (
                    have
                    and m not in have
                    and not (span and span[0] < m < span[-1])
                    and not unreadable
                ):
                    problems.append(
                        Problem(
                            names["actuals"],
                            f"month {m} is missing: the plan needs the 12 months before {first}",
                            column="month",
                        )
                    )
        if not reps and roster is not None:
            problems.append(
                Problem(
                    names["roster"],
                    "no rep has an annual_quota: the plan needs someone to carry the goal",
                    column="annual_quota",
                )
            )
    objectives, f = tables.get("objectives"), names["objectives"]
    if hiring is not None and objectives is not None:
        months = pd.period_range(settings.first_month, periods=hiring.horizon_months, freq="M")
        if len(objectives):
            have = _distinct(objectives, "month")
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
    #: The file each table was read from (``roster.csv`` or ``roster.xlsx``), by table.
    files: Mapping[str, str] = field(default_factory=dict)
    #: The CRM tables (:mod:`salesnb.io.crm`); None when the folder holds none.
    crm: CrmData | None = None
    #: The recruiting scorecard's interview scores (optional: empty when not given).
    interview_scores: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["candidate", "interviewer", "criterion", "score"], dtype=object
        )
    )

    def file(self, table: str) -> str:
        """The name of the file ``table`` was read from, for messages."""
        return self.files.get(table, f"{table}.csv")

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


def _read_crm(
    folder: Path, settings: Settings | None, roster: pd.DataFrame | None
) -> tuple[CrmData | None, list[Problem]]:
    """The folder's CRM tables, read by the settings' ``crm`` mapping, and their problems."""
    names = None
    if roster is not None:
        names = [v for v in _cells(roster, "name").tolist() if isinstance(v, str)]
    crm = settings.crm if settings is not None else None
    dialect = settings.tables if settings is not None else None
    if crm is not None and crm.tables is not None:  # the CRM's own number format
        dialect = crm.tables
    return read_crm(folder, crm, roster=names, dialect=dialect)


def _read(folder: Path, only: Collection[str] | None = None) -> FolderCheck:
    folder = Path(folder)
    if not folder.is_dir():
        return FolderCheck(
            folder, None, [Problem(str(folder.name or folder), "client folder not found")], []
        )
    settings, problems = read_settings(folder / SETTINGS_FILE)
    tables: dict[str, pd.DataFrame] = {}
    names: dict[str, str] = {}
    for key, spec in TABLES.items():
        fname, raw, found = read_raw(folder, spec)
        names[key] = fname
        problems += found
        if raw is not None:
            dialect = settings.tables if settings is not None else None
            frame, parse_problems = parse_table(fname, raw, spec, dialect)
            problems += parse_problems
            tables[key] = frame
    problems += _check_tables(tables, names)
    rough = settings if settings is not None else rough_settings(folder / SETTINGS_FILE)
    # The CRM exports are read by the crm section: when settings.yaml cannot be read in
    # full, only by a crm section that is itself sound.
    if settings is not None or (rough is not None and rough.crm is not None):
        crm, crm_problems = _read_crm(folder, rough, tables.get("roster"))
        problems += crm_problems
    else:
        crm = None
    if rough is not None:  # with bad settings, the rules of the settings that are fine
        problems += _check_cross(rough, tables, names)
    notes = [p for p in problems if p.note]
    problems = [p for p in problems if not p.note]
    if problems or settings is None or len(tables) < len(TABLES):
        return FolderCheck(folder, None, problems, notes, settings)
    checked = {key: typed(frame, TABLES[key]) for key, frame in tables.items()}
    client = Client(folder=folder, settings=settings, **checked, files=names, crm=crm)
    problems = calculation_problems(client, only=only)
    if only is None:  # scenarios only on a sound base, and in the whole check
        problems = problems or scenario_problems(client)
    return FolderCheck(folder, None if problems else client, problems, notes, settings)


@dataclass(frozen=True)
class FolderCheck:
    """What checking a client folder found: the client when it is ready, else the problems."""

    folder: Path
    client: Client | None
    problems: list[Problem]
    notes: list[Problem]
    settings: Settings | None = None

    @property
    def name(self) -> str:
        return self.folder.name or self.folder.resolve().name or str(self.folder)

    @property
    def parts(self) -> dict[str, bool]:
        """Which parts of the report the settings include (empty if they could not be read)."""
        if self.settings is None:
            return {}
        return parts(self.settings, self.client.crm if self.client is not None else None)

    def summary(self) -> str:
        """One line: ready and with which parts, or how many problems."""
        if self.problems:
            noun = "problem" if len(self.problems) == 1 else "problems"
            return f"{self.name}: {len(self.problems)} {noun}"
        included = [p.title.lower() for p in PARTS if self.parts.get(p.key)]
        left_out = [p.title.lower() for p in PARTS if not self.parts.get(p.key)]
        line = f"{self.name}: ready ({', '.join(included)})"
        return line + (f"; not included: {', '.join(left_out)}" if left_out else "")

    def report(self) -> str:
        """Every line a consultant needs: the summary, each problem or note, what to add."""
        lines = [self.summary()]
        lines += [f"  - {p}" for p in self.problems]
        lines += [f"  note: {p}" for p in self.notes]
        if not self.problems:
            for part in PARTS:
                if not self.parts.get(part.key):
                    lines.append(f"  to include the {part.title.lower()}: {part.to_add}")
        return "\n".join(lines)


def check_folder(folder: Path | str) -> FolderCheck:
    """Check a client folder: every problem at once, the notes, and the report's parts."""
    return _read(Path(folder))


def validate(folder: Path | str) -> list[Problem]:
    """Every problem in a client folder (an empty list when it is ready to use)."""
    return _read(Path(folder)).problems


def load_client(folder: Path | str, *, part: str | None = None) -> Client:
    """Read a client folder, or raise :class:`ClientFolderError` listing every problem.

    Every file and rule is checked, and every included part of the report worked out
    once (as ``salesnb validate`` does); with ``part`` (a key of
    :data:`~salesnb.io.readiness.PARTS`, as a notebook passes its own), only that
    part's calculations are, so a section loads its client without working out the
    others.
    """
    if part is not None and part not in {p.key for p in PARTS}:
        raise ValueError(f"unknown part {part!r}: one of {', '.join(p.key for p in PARTS)}")
    check = _read(Path(folder), None if part is None else (part,))
    if check.problems or check.client is None:
        raise ClientFolderError(folder, check.problems)
    return check.client
