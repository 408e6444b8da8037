"""The crm: and dashboard: sections of settings.yaml: what they take, what they refuse
(each refusal on its YAML line), and how a preset and the settings combine."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.io.crm_settings import CrmSettings, DashboardSettings, crm_mapping
from salesnb.io.settings import read_settings

BASE = """\
client: {name: Cedar}
fiscal_year_start: "2027-01"
as_of: 2027-01-08
streams: {Sales: {cost_of_sales: 0.5}}
"""


def read(tmp_path: Path, section: str):
    path = tmp_path / "settings.yaml"
    path.write_text(BASE + section, encoding="utf-8")
    return read_settings(path)


class TestCrmSettings:
    def test_contract_example(self, tmp_path):
        settings, problems = read(
            tmp_path,
            """\
crm:
  preset: salesforce-api
  files: {opportunities: salesforce_opportunities.csv}
  columns:
    opportunities: {owner: "Opportunity Owner", close: "Close Date"}
  date_format: "%Y-%m-%d"
  stages:
    - {name: Qualification, status: open, probability: 10%}
    - {name: Closed Won, status: won}
    - {name: Closed Lost, status: lost}
  activity_types: {Call: new_prospect_call, Meeting: face_to_face, Demo: demo}
  account_types: {New Business: new, Existing Business: existing, Upsell: existing}
  aliases:
    owner: {"jane@cedar.example": "Jane Doe"}
  lookups:
    - {table: opportunities, field: amount, file: price_list.csv, key: product, value: list_price, on: Product}
  fallbacks:
    opportunities: {close: created}
  keep:
    opportunities: {Pipeline: [Sales]}
  previous_as_of: 2026-12-08
dashboard:
  as_of: 2027-01-08
  activity_standards: {new_prospect_call: 15, face_to_face: 4}
  dso_goal_days: 45
  gross_margin: 35%
  services: {daily_billable_hours: 6, goals: {blended_rate: 165, realization: 0.9}}
""",
        )
        assert problems == []
        assert settings.crm.stages[0].probability == 0.10
        assert settings.dashboard.gross_margin == 0.35
        assert settings.dashboard.forecast_error_base == "actual"
        mapping = crm_mapping(settings.crm)
        assert mapping.columns["opportunities"]["owner"] == "Opportunity Owner"
        assert mapping.columns["opportunities"]["stage"] == "StageName"  # from the preset
        assert [s.name for s in mapping.stages] == ["Qualification", "Closed Won", "Closed Lost"]
        assert mapping.activity_types["Call"] == "new_prospect_call"  # the settings' own
        assert mapping.activity_types["Email"] == "email"  # the preset's
        assert mapping.probability_scale == 100

    @pytest.mark.parametrize(
        ("section", "line", "setting", "words"),
        [
            ("crm:\n  preset: zoho\n", 6, "crm.preset", "unknown preset; the presets are hubspot"),
            ("crm:\n  stage: []\n", 6, "crm.stage", "unknown setting"),
            (
                "crm:\n  files: {opportunities: ../deals.csv}\n",
                6,
                "crm.files.opportunities",
                "no folder",
            ),
            ("crm:\n  files: {deals: deals.csv}\n", 6, "crm.files.deals", "Input should be"),
            (
                "crm:\n  columns: {opportunities: {owners: Owner}}\n",
                6,
                "crm.columns",
                "'owners' is not a field of opportunities",
            ),
            ("crm:\n  date_format: dd/mm/yyyy\n", 6, "crm.date_format", "strftime codes"),
            (
                "crm:\n  stages:\n    - {name: A, status: open}\n    - {name: B, status: maybe}\n",
                8,
                "crm.stages.1.status",
                "'open', 'won' or 'lost'",
            ),
            (
                "crm:\n  stages:\n    - {name: A, status: open, probability: 1.5}\n",
                7,
                "crm.stages.0.probability",
                "less than or equal to 1",
            ),
            (
                "crm:\n  stages:\n    - {name: A, status: open}\n    - {name: a, status: won}\n",
                7,
                "crm.stages",
                "listed twice",
            ),
            (
                "crm:\n  activity_types: {Call: phone}\n",
                6,
                "crm.activity_types.Call",
                "new_prospect_call",
            ),
            (
                "crm:\n  account_types: {Upsell: old}\n",
                6,
                "crm.account_types.Upsell",
                "'new' or 'existing'",
            ),
            (
                "crm:\n  fallbacks: {opportunities: {close: closing}}\n",
                6,
                "crm.fallbacks",
                "close can only fall back",
            ),
            (
                "crm:\n  lookups:\n    - {table: opportunities, field: price, file: p.csv, key: k, value: v, on: P}\n",
                7,
                "crm.lookups.0",
                "'price' is not a field",
            ),
            ("crm:\n  probability_scale: 10\n", 6, "crm.probability_scale", "1 or 100"),
            ("crm:\n  previous_as_of: yes\n", 6, "crm.previous_as_of", "not a yes-or-no"),
            (
                "dashboard:\n  forecast_error_base: budget\n",
                6,
                "dashboard.forecast_error_base",
                "'actual' or 'forecast'",
            ),
            (
                "dashboard:\n  activity_standards: {calls: 5}\n",
                6,
                "dashboard.activity_standards.calls",
                "new_prospect_call",
            ),
            (
                "dashboard:\n  gross_margin: 135%\n",
                6,
                "dashboard.gross_margin",
                "less than or equal to 1",
            ),
            (
                "dashboard:\n  services: {daily_billable_hours: 30}\n",
                6,
                "dashboard.services.daily_billable_hours",
                "24",
            ),
        ],
    )
    def test_refusals(self, tmp_path, section, line, setting, words):
        settings, problems = read(tmp_path, section)
        assert settings is None
        (problem,) = problems
        assert (problem.file, problem.row, problem.column) == ("settings.yaml", line, setting)
        assert words in problem.message


class TestCrmMapping:
    def test_no_section_is_the_plain_preset(self):
        mapping = crm_mapping(None)
        assert mapping.columns == {} and mapping.stages == []
        assert mapping.activity_types["demo"] == "demo"

    def test_settings_override_the_preset_key_by_key(self):
        crm = CrmSettings.model_validate(
            {
                "preset": "hubspot",
                "columns": {"activities": {"owner": "Assigned To"}},
                "probability_scale": 100,
            }
        )
        mapping = crm_mapping(crm)
        assert mapping.columns["activities"] == {
            "id": "Activity ID",
            "type": "Activity Type",
            "date": "Activity Date",
            "owner": "Assigned To",
        }
        assert mapping.probability_scale == 100
        assert len(mapping.stages) == 7  # not given: the preset's

    def test_dashboard_defaults(self):
        dash = DashboardSettings()
        assert (dash.as_of, dash.activity_standards, dash.forecast_error_base) == (
            None,
            {},
            "actual",
        )
