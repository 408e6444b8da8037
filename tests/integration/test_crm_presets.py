"""Each CRM preset reading an export of its shape, as the export comes.

The workbook's own fixtures (``tests/data/crm/``, written with the public examples'
headers) always run; the public sample exports themselves are read when their folder
is next to the project (they are not shipped with it), and the figures their README
states are computed from the loaded frames with plain pandas.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from salesnb.io.crm import read_crm
from salesnb.io.crm_settings import CrmSettings, StageSetting, crm_mapping, preset_names

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "crm"
EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "crm-examples"


def _folder(tmp_path: Path, *files: Path) -> Path:
    for f in files:
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


def _load(folder: Path, settings: CrmSettings, roster=None):
    data, problems = read_crm(folder, settings, roster=roster)
    errors = [str(p) for p in problems if not p.note]
    assert not errors, errors
    return data, [p for p in problems if p.note]


def _example(*parts: str) -> Path:
    path = EXAMPLES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"the public sample export {'/'.join(parts)} is not next to the project")
    return path


class TestPresetFiles:
    def test_every_preset_is_a_valid_mapping(self):
        assert preset_names() == ("hubspot", "plain", "salesforce-api", "salesforce-report")
        for name in preset_names():
            mapping = crm_mapping(CrmSettings(preset=name))
            assert len({s.name for s in mapping.stages}) == len(mapping.stages)

    def test_default_stage_lists(self):
        hub = crm_mapping(CrmSettings(preset="hubspot")).stages
        assert [(s.name, s.probability) for s in hub] == [
            ("Appointment Scheduled", 0.2),
            ("Qualified to Buy", 0.4),
            ("Presentation Scheduled", 0.6),
            ("Decision Maker Bought-In", 0.8),
            ("Contract Sent", 0.9),
            ("Closed Won", 1.0),
            ("Closed Lost", 0.0),
        ]
        sf = crm_mapping(CrmSettings(preset="salesforce-api")).stages
        assert [(s.name, s.probability) for s in sf][:3] == [
            ("Prospecting", 0.1),
            ("Qualification", 0.1),
            ("Needs Analysis", 0.2),
        ]
        assert [s.status for s in sf][-2:] == ["won", "lost"]


class TestPlain:
    def test_fixture(self, tmp_path):
        folder = _folder(
            tmp_path,
            FIXTURES / "plain" / "opportunities.csv",
            FIXTURES / "plain" / "activities.csv",
        )
        stages = [
            StageSetting(name="Qualify", status="open", probability=0.1),
            StageSetting(name="Propose", status="open", probability=0.5),
            StageSetting(name="Closed Won", status="won"),
            StageSetting(name="Closed Lost", status="lost"),
        ]
        data, _ = _load(folder, CrmSettings(stages=stages))
        o = data.opportunities
        assert o["status"].tolist() == ["open", "open", "won", "lost"]
        assert o["stage_order"].tolist() == [0, 1, 2, 3]
        # P2's own probability (0.6) wins over its stage's 0.5; P1 takes its stage's 0.1.
        assert_allclose(o["probability"], [0.1, 0.6, 1.0, 0.0])
        assert_allclose(o["margin"], [np.nan, np.nan, 4500, np.nan])
        assert data.missing["opportunities"] == frozenset()
        assert data.activities["kind"].tolist() == [
            "new_prospect_call",
            "face_to_face",
            "demo",
            "email",
        ]


class TestHubspot:
    SETTINGS: ClassVar[dict] = {
        "files": {"opportunities": "deals.csv", "activities": "activities.csv"}
    }

    def test_fixture(self, tmp_path):
        folder = _folder(
            tmp_path, FIXTURES / "hubspot" / "deals.csv", FIXTURES / "hubspot" / "activities.csv"
        )
        settings = CrmSettings(
            preset="hubspot",
            aliases={"owner": {"ana.ruiz@cedar.example": "Ana Ruiz"}},
            **self.SETTINGS,
        )
        data, notes = _load(folder, settings, roster=["Ana Ruiz"])
        o = data.opportunities
        assert o["id"].tolist() == ["D-1", "D-2", "D-3", "D-4", "D-5", "D-6"]
        assert o["owner"].astype(str).tolist()[:2] == ["Ana Ruiz", "ben.okafor@cedar.example"]
        assert o["account_type"].tolist() == ["existing", "new", "new", "new", "existing", "new"]
        assert o["status"].tolist() == ["won", "won", "lost", "open", "open", "open"]
        assert_allclose(o["probability"], [1.0, 1.0, 0.0, 0.9, 0.4, 0.2])
        assert o["name"].iloc[3] == "Dune, Ellis and Co"
        assert (o["close"].iloc[1] - o["created"].iloc[1]).days == 91
        assert {"source", "forecast_category", "margin"} <= data.missing["opportunities"]
        a = data.activities
        assert a["kind"].tolist() == ["call", "meeting", "email", "other", "task"]
        assert a["row"].tolist() == [2, 3, 4, 5, 6]
        # Ben is no rep on the roster: a note naming him, for both files.
        assert len(notes) == 2 and all("ben.okafor@cedar.example" in p.message for p in notes)

    def test_fixture_one_pipeline(self, tmp_path):
        folder = _folder(tmp_path, FIXTURES / "hubspot" / "deals.csv")
        settings = CrmSettings(
            preset="hubspot",
            files={"opportunities": "deals.csv"},
            keep={"opportunities": {"Pipeline": ["Sales Pipeline"]}},
        )
        data, notes = _load(folder, settings)
        assert data.opportunities["id"].tolist() == ["D-2", "D-3", "D-4", "D-6"]
        assert data.opportunities["row"].tolist() == [3, 4, 5, 7]
        (note,) = notes
        assert "2 of 6 rows left out" in note.message and "Renewals Pipeline: 2" in note.message

    def test_public_example(self, tmp_path):
        folder = _folder(
            tmp_path,
            _example("hubspot", "hubspot_deals.csv"),
            _example("hubspot", "hubspot_activities.csv"),
        )
        settings = CrmSettings(
            preset="hubspot",
            files={"opportunities": "hubspot_deals.csv", "activities": "hubspot_activities.csv"},
        )
        data, _ = _load(folder, settings)
        o = data.opportunities
        assert len(o) == 500 and len(data.activities) == 2000
        won, lost = o[o["status"] == "won"], o[o["status"] == "lost"]
        assert (len(won), len(won) + len(lost)) == (71, 140)
        assert round(won["amount"].mean(), 2) == 125836.08
        assert (won["close"] - won["created"]).dt.days.median() == 161
        assert set(data.activities["kind"]) == {"call", "email", "meeting", "other", "task"}

    def test_public_example_sales_pipeline_only(self, tmp_path):
        folder = _folder(tmp_path, _example("hubspot", "hubspot_deals.csv"))
        settings = CrmSettings(
            preset="hubspot",
            files={"opportunities": "hubspot_deals.csv"},
            keep={"opportunities": {"Pipeline": ["Sales Pipeline"]}},
        )
        data, notes = _load(folder, settings)
        raw = pd.read_csv(folder / "hubspot_deals.csv")
        assert len(data.opportunities) == int((raw["Pipeline"] == "Sales Pipeline").sum())
        assert any("crm.keep.opportunities" in p.message for p in notes)


class TestSalesforceApi:
    def test_fixture(self, tmp_path):
        folder = _folder(tmp_path, FIXTURES / "salesforce-api" / "opportunities.csv")
        data, _ = _load(folder, CrmSettings(preset="salesforce-api"))
        o = data.opportunities
        assert o["owner"].astype(str).tolist()[:2] == ["Ana Ruiz", "Ben Okafor"]
        assert o["account_type"].tolist() == ["new", "existing", "existing", "new", "new"]
        assert_allclose(o["probability"], [0.1, 0.5, 0.9, 1.0, 0.0])
        # The timestamp 2024-06-03T09:15:00.000+0000 is the day 2024-06-03.
        assert o["created"].iloc[0] == pd.Timestamp("2024-06-03")
        open_ = o[o["status"] == "open"]
        assert_allclose((open_["amount"] * open_["probability"]).sum(), 4000 + 5000 + 22500)

    def test_public_example(self, tmp_path):
        folder = _folder(tmp_path, _example("salesforce-api", "salesforce_opportunities.csv"))
        # This org's picklist is its own: the settings list it, in order.
        stages = [
            {"name": "Qualification", "status": "open", "probability": 0.10},
            {"name": "Solution Mapping", "status": "open", "probability": 0.25},
            {"name": "Technical Evaluation", "status": "open", "probability": 0.50},
            {"name": "EB Sign Off", "status": "open", "probability": 0.75},
            {"name": "Contract Negotiation", "status": "open", "probability": 0.90},
            {"name": "Closed Won", "status": "won"},
            {"name": "Closed Lost", "status": "lost"},
        ]
        settings = CrmSettings.model_validate(
            {
                "preset": "salesforce-api",
                "files": {"opportunities": "salesforce_opportunities.csv"},
                "stages": stages,
            }
        )
        data, _ = _load(folder, settings)
        o = data.opportunities
        raw = pd.read_csv(folder / "salesforce_opportunities.csv")
        assert len(o) == len(raw) == 50
        is_open = ~raw["StageName"].isin(["Closed Won", "Closed Lost"])
        expected = (raw["Amount"] * raw["Probability"] / 100)[is_open].sum()
        mine = o[o["status"] == "open"]
        assert_allclose((mine["amount"] * mine["probability"]).sum(), expected)
        assert_allclose(o["probability"], raw["Probability"] / 100)
        assert o["account_type"].isna().sum() == 0


class TestSalesforceReport:
    def test_fixture(self, tmp_path):
        folder = _folder(tmp_path, FIXTURES / "salesforce-report" / "opportunities.csv")
        data, _ = _load(folder, CrmSettings(preset="salesforce-report"))
        o = data.opportunities
        assert_allclose(o["amount"], [40000, 10000, 16000, 6000])
        assert o["created"].tolist() == list(
            pd.to_datetime(["2024-06-03", "2024-05-02", "2024-02-12", "2024-01-08"])
        )
        assert o["forecast_category"].tolist() == ["pipeline", "best_case", "closed", "omitted"]
        assert o["source"].astype(str).tolist()[1] == "Partner Referral"
        assert_allclose(o["probability"], [0.1, 0.75, 1.0, 0.0])
