"""The recruiting scorecard, from a loaded client (notebook 07).

:func:`scorecard_report` takes the criteria and the hire threshold from the
settings' ``scorecard`` section and the interviewers' scores from the
``interview_scores`` table, and returns a frozen :class:`ScorecardReport`: each
candidate's weighted score, the criteria on which the interviewers disagree by 2
points or more, and the recommendation (hire the best candidate who clears the
threshold, or keep searching). With a ``hiring`` section it adds what a wrong hire
costs (four times what was paid to the person, over the months a wrong hire
usually stays) and when the next requisition must open (the hiring timeline's
first). A bad score is reported at its row and column of the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from salesnb import hiring as hr
from salesnb import scorecard as sc
from salesnb.analysis.plan import file_name
from salesnb.errors import InputError, located
from salesnb.format import Table, money
from salesnb.io import SETTINGS_FILE, Client

__all__ = ["ScorecardReport", "executive_items", "scorecard_report"]


@dataclass(frozen=True)
class ScorecardReport:
    """Everything the scorecard shows."""

    role: str
    criteria: tuple[sc.Criterion, ...]
    threshold: float
    by_criterion: pd.DataFrame
    candidates: pd.DataFrame
    recommendation: sc.Recommendation
    bad_hire: float | None = None
    bad_hire_months: int | None = None
    next_requisition: pd.Period | None = None
    as_of_month: pd.Period | None = None

    def figures(self) -> dict[str, Any]:
        """The headline figures, as ``figures.json`` names them (see the README)."""
        r = self.recommendation
        best = self.candidates.iloc[0]
        return {
            "role": self.role,
            "threshold": self.threshold,
            "candidates": len(self.candidates),
            "recommendation": "keep searching" if r.keep_searching else "hire",
            "recommended_candidate": r.candidate,
            "recommended_score": r.weighted,
            "best_score": float(best["weighted"]),
            "candidates_clearing": len(r.cleared),
            "disagreements": int(self.by_criterion["disagree"].sum()),
            "bad_hire_cost": self.bad_hire,
            "next_requisition": None
            if self.next_requisition is None
            else str(self.next_requisition),
        }

    # -- tables --

    def candidates_table(self) -> Table:
        """Each candidate, best first: the mean score on each criterion and the weighted score."""
        c = self.candidates
        names = [k.name for k in self.criteria]
        frame = pd.DataFrame(index=pd.Index(list(c.index), name="Candidate"))
        for name in names:
            frame[name.capitalize()] = [f"{v:.2f}" for v in c[name]]
        frame["Weighted score"] = [f"{v:.2f}" for v in c["weighted"]]
        frame[f"Clears {self.threshold:.2f}"] = ["yes" if v else "no" for v in c["clears"]]
        frame["Interviewers disagree on"] = [d or "none" for d in c["disagreements"]]
        return Table(frame, text_columns=tuple(frame.columns))

    def spread_table(self) -> Table:
        """Criterion by criterion: each candidate's lowest and highest score and the spread."""
        b = self.by_criterion.reset_index()
        frame = pd.DataFrame(
            {
                "Criterion": b["criterion"].to_numpy(),
                "Mean": [f"{v:.2f}" for v in b["mean"]],
                "Lowest": b["lowest"].astype(int).astype(str).to_numpy(),
                "Highest": b["highest"].astype(int).astype(str).to_numpy(),
                "Spread": b["spread"].astype(int).astype(str).to_numpy(),
                "Interviewers agree": ["no: discuss" if d else "yes" for d in b["disagree"]],
            },
            index=pd.Index(b["candidate"].to_numpy(), name="Candidate"),
        )
        return Table(frame, text_columns=tuple(frame.columns))

    def weights_table(self) -> Table:
        """The criteria and the share of the weighted score each carries."""
        total = sum(c.weight for c in self.criteria)
        frame = pd.DataFrame(
            {"Share of the score": [c.weight / total for c in self.criteria]},
            index=pd.Index([c.name.capitalize() for c in self.criteria], name="Criterion"),
        )
        return Table(frame, percent_columns=("Share of the score",))

    def tables(self) -> dict[str, Table]:
        return {
            "Scorecard weights": self.weights_table(),
            "Candidates": self.candidates_table(),
            "Interviewer spread": self.spread_table(),
        }

    # -- words --

    def recommendation_text(self) -> str:
        """The recommendation in a sentence or two."""
        r = self.recommendation
        if r.keep_searching:
            best = self.candidates.iloc[0]
            return (
                f"Keep searching: no candidate clears the hire threshold of {self.threshold:.2f} "
                f"(the best, {self.candidates.index[0]}, scores {best['weighted']:.2f}). Hiring "
                "the best available instead of the best candidate is how a wrong hire happens."
            )
        said = (
            f"Hire {r.candidate}: a weighted score of {r.weighted:.2f} clears the threshold of "
            f"{self.threshold:.2f}"
        )
        others = len(r.cleared) - 1
        if others:
            said += f" ({others} other candidate{'s' if others != 1 else ''} clear it too)"
        said += "."
        if r.disagreements:
            said += (
                f" The interviewers disagree on {r.disagreements}: talk it through before the "
                "offer goes out."
            )
        return said

    def cost_summary(self, currency: str) -> dict[str, str]:
        """What a wrong hire costs and when the next requisition must open."""
        rows: dict[str, str] = {}
        if self.bad_hire is not None:
            rows[f"A wrong hire, kept {self.bad_hire_months} months"] = (
                f"{money(self.bad_hire, currency)} (4 x what was paid to the person)"
            )
        if self.next_requisition is not None:
            when = f"{self.next_requisition:%B %Y}"
            if self.as_of_month is not None and self.next_requisition < self.as_of_month:
                when += " (already late: open it now)"
            rows["The next requisition opens by"] = when
        elif self.bad_hire is not None:
            rows["The next requisition opens by"] = "no hire is needed in the plan's months"
        return rows


def scorecard_report(client: Client, *, threshold: float | None = None) -> ScorecardReport:
    """The scorecard from the settings' criteria and the interview scores table;
    ``threshold`` overrides the settings' hire threshold."""
    s = client.settings
    card = s.scorecard
    if card is None:
        raise InputError(
            "settings.yaml has no 'scorecard' section: the scorecard needs its criteria",
            file=SETTINGS_FILE,
            column="scorecard",
        )
    with located(SETTINGS_FILE, column="scorecard.criteria"):
        criteria = tuple(sc.Criterion(c.criterion, c.weight) for c in card.criteria)
    scores_file = file_name(client, "interview_scores")
    scores = client.interview_scores
    if scores.empty:
        raise InputError(
            f"{scores_file}: no interview scores (candidate, interviewer, criterion, score): "
            "the scorecard needs at least one candidate scored",
            file=scores_file,
        )
    level = card.threshold if threshold is None else threshold
    with located(scores_file):
        by_criterion = sc.criterion_scores(scores, criteria)
        candidates = sc.weighted_scores(scores, criteria, threshold=level)
    bad_hire = months = first = None
    if s.hiring is not None:
        from salesnb.analysis.hiring import hiring_assumptions, hiring_report

        a = hiring_assumptions(client)
        months = s.hiring.bad_hire_months
        bad_hire = hr.bad_hire_cost(a.salary, a.burden, months)
        first = hiring_report(client, simulate=False).first_requisition
    return ScorecardReport(
        role=card.role,
        criteria=criteria,
        threshold=float(level),
        by_criterion=by_criterion,
        candidates=candidates,
        recommendation=sc.recommendation(candidates, level),
        bad_hire=bad_hire,
        bad_hire_months=months,
        next_requisition=first,
        as_of_month=s.as_of_month,
    )


def executive_items(
    report: ScorecardReport | Mapping[str, Any], currency: str
) -> list[tuple[str, str, str]]:
    """The scorecard's lines on the report's first page: (figure, value, what it means).

    >>> f = {"recommendation": "keep searching", "recommended_candidate": None,
    ...      "recommended_score": None, "best_score": 3.2, "threshold": 3.5, "role": "AE",
    ...      "bad_hire_cost": 200000.0, "next_requisition": None}
    >>> executive_items(f, "USD")[0][1]
    'Keep searching'
    """
    f = report.figures() if isinstance(report, ScorecardReport) else report
    if f["recommendation"] == "keep searching":
        value = "Keep searching"
        said = (
            f"No candidate for the {f['role'].lower()} role clears the threshold of "
            f"{f['threshold']:.2f} (the best scores {f['best_score']:.2f}): widen the search "
            "rather than hire the best available."
        )
    else:
        value = f"Hire {f['recommended_candidate']}"
        said = (
            f"A weighted score of {f['recommended_score']:.2f} clears the threshold of "
            f"{f['threshold']:.2f}: make the offer."
        )
    if f.get("bad_hire_cost") is not None:
        said += f" A wrong hire would cost about {money(f['bad_hire_cost'], currency)}."
    return [("Recruiting scorecard", value, said)]
