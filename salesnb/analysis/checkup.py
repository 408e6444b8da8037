"""The sales manager's checkup, from a loaded client (notebook 06).

:func:`checkup_report` reads the dated assessments of the settings' ``assessments``
section, checks each (every area rated 1 to 5, no date after the as-of date, no
date twice) and returns a frozen :class:`CheckupReport`: the latest total and its
band, the weakest areas as the projects to start, each linked to the part of the
workbook that helps, and every assessment side by side with the change since the
one before. A bad value is reported as a problem of ``settings.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from salesnb import checkup as ck
from salesnb.errors import InputError, located
from salesnb.format import Table
from salesnb.io import SETTINGS_FILE, Client

__all__ = ["CheckupReport", "checkup_report", "executive_items"]

_TITLES = {a.key: a.title for a in ck.AREAS}


def _lower(title: str) -> str:
    """A title inside a sentence: its first letter in lower case (an acronym kept)."""
    return title if title[1:2].isupper() else title[:1].lower() + title[1:]


@dataclass(frozen=True)
class CheckupReport:
    """Everything the checkup shows: the assessments, the latest band and the projects."""

    assessments: tuple[ck.Assessment, ...]
    history: pd.DataFrame
    band: ck.Band
    projects: pd.DataFrame
    change: pd.Series | None
    notes: Mapping[str, str]

    @property
    def latest(self) -> ck.Assessment:
        return max(self.assessments, key=lambda a: a.date)

    @property
    def previous(self) -> ck.Assessment | None:
        dated = sorted(self.assessments, key=lambda a: a.date)
        return dated[-2] if len(dated) > 1 else None

    @property
    def total(self) -> int:
        return int(self.history.iloc[-1, -1])

    def figures(self) -> dict[str, Any]:
        """The headline figures, as ``figures.json`` names them (see the README)."""
        previous = self.previous
        return {
            "assessment_date": self.latest.date.isoformat(),
            "total": self.total,
            "band": self.band.name,
            "band_low": self.band.low,
            "band_high": self.band.high,
            "assessments": len(self.assessments),
            "previous_date": None if previous is None else previous.date.isoformat(),
            "previous_total": None if previous is None else previous.total,
            "change": None if self.change is None else int(self.change["total"]),
            "projects": [str(a) for a in self.projects["area"]],
            "weakest_score": int(self.projects["score"].min()) if len(self.projects) else None,
        }

    # -- tables --

    def history_table(self) -> Table:
        """Each area's score at each assessment, with the total and the latest change."""
        frame = self.history.copy()
        frame.index = pd.Index(
            [_TITLES.get(k, "Total (11 to 55)") for k in frame.index], name="Area"
        )
        frame.columns = [f"Score on {c}" for c in frame.columns]
        if self.change is not None:
            frame["Change"] = [f"{int(v):+d}" if v else "0" for v in self.change]
        shown = frame.astype(object).map(lambda v: str(v))
        return Table(shown, text_columns=tuple(shown.columns))

    def projects_table(self) -> Table:
        """The projects to start, weakest first, each with the part of the workbook that helps."""
        frame = pd.DataFrame(
            {
                "Score": [str(s) for s in self.projects["score"]],
                "Where the workbook helps": [
                    h if isinstance(h, str) else "the sales leader's own project"
                    for h in self.projects["helps"]
                ],
            },
            index=pd.Index(list(self.projects["title"]), name="Project"),
        )
        return Table(frame, text_columns=tuple(frame.columns))

    def tables(self) -> dict[str, Table]:
        return {"Checkup": self.history_table(), "Projects to start": self.projects_table()}

    # -- words --

    def band_summary(self) -> dict[str, str]:
        """The latest assessment's headline: date, total, band, and the change."""
        rows = {
            "Assessed on": f"{self.latest.date:%d %B %Y}",
            "Total": f"{self.total} of {ck.HIGHEST * len(ck.AREAS)}",
            "Band": f"{self.band.name} ({self.band.low}-{self.band.high})",
        }
        if self.change is not None and self.previous is not None:
            rows["Since the assessment before"] = (
                f"{int(self.change['total']):+d} points (from {self.previous.total} on "
                f"{self.previous.date:%d %B %Y})"
            )
        return rows

    def band_text(self) -> str:
        """What the band calls for, in a sentence or two."""
        return (
            f"A total of {self.total} is in the band {self.band.name.lower()}: {self.band.advice}"
        )

    def projects_text(self) -> str:
        """The projects to start, as one sentence."""
        if self.projects.empty:
            return (
                "Every area is rated 4 or 5: no area needs a project of its own; keep each "
                "practice going and check again next quarter."
            )
        first = self.projects.iloc[0]
        n = len(self.projects)
        lead = "The project to start" if n == 1 else f"The {n} projects to start"
        return (
            f"{lead}, weakest first: {'; '.join(_lower(t) for t in self.projects['title'])}. Begin "
            f"with the area rated {int(first['score'])}."
        )

    def change_text(self) -> str:
        """What moved since the assessment before, or that this is the first one."""
        if self.change is None or self.previous is None:
            return (
                "This is the company's first assessment: the next one, in about three months, "
                "will show what has moved."
            )
        moved = self.change.drop("total")
        up = [_lower(_TITLES[k]) for k, v in moved.items() if v > 0]
        down = [_lower(_TITLES[k]) for k, v in moved.items() if v < 0]
        said = [
            (
                f"Since {self.previous.date:%d %B %Y} the total moved by "
                f"{int(self.change['total']):+d} points."
            )
        ]
        if up:
            said.append(f"Better: {'; '.join(up)}.")
        if down:
            said.append(f"Worse: {'; '.join(down)}.")
        if not up and not down:
            said.append("No area moved.")
        return " ".join(said)


def checkup_report(client: Client) -> CheckupReport:
    """The checkup from the settings' assessments; every rule checked, with a clear message."""
    given = client.settings.assessments
    if not given:
        raise InputError(
            "settings.yaml has no 'assessments' section: the checkup needs at least one",
            file=SETTINGS_FILE,
            column="assessments",
        )
    with located(SETTINGS_FILE):
        assessments = tuple(
            ck.Assessment(a.date, ck.checked_scores(a.scores, name=f"assessments[{i}].scores"))
            for i, a in enumerate(given)
        )
        table = ck.history(assessments, as_of=client.settings.as_of)
        latest = max(assessments, key=lambda a: a.date)
        return CheckupReport(
            assessments=assessments,
            history=table,
            band=ck.band(int(table.iloc[-1, -1])),
            projects=ck.projects(latest.scores),
            change=ck.change(table),
            notes={a.date.isoformat(): a.note for a in given if a.note},
        )


def executive_items(
    report: CheckupReport | Mapping[str, Any], currency: str
) -> list[tuple[str, str, str]]:
    """The checkup's line on the report's first page: (figure, value, what it means).

    >>> f = {"total": 33, "band": "Multiple actions", "assessment_date": "2027-01-06",
    ...      "change": 5, "projects": ["crm_use"]}
    >>> executive_items(f, "USD")[0][:2]
    ('Sales management checkup', '33 of 55: multiple actions')
    """
    f = report.figures() if isinstance(report, CheckupReport) else report
    band = ck.band(int(f["total"]))
    said = band.advice
    if f.get("change") is not None:
        said += f" {int(f['change']):+d} points since the assessment before."
    items = [("Sales management checkup", f"{f['total']} of 55: {band.name.lower()}", said)]
    if f.get("projects"):
        first = _TITLES[f["projects"][0]]
        items.append(
            (
                "First project to start",
                first,
                "The weakest area of the checkup: start on it this quarter.",
            )
        )
    return items
