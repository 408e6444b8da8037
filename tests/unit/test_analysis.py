"""The glue from a client folder to each notebook's figures (salesnb.analysis)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml
from numpy.testing import assert_allclose

from salesnb import paths
from salesnb.analysis import hiring_report, plan_report, proforma_inputs, quota_vs_capacity
from salesnb.io import load_client


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "cedar-ridge"
    shutil.copytree(paths.SAMPLE_CLIENT, target)
    return target


def _edit_settings(folder, change):
    path = folder / "settings.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(settings)
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")


class TestQuotaVsCapacity:
    def test_quarters_and_year_by_hand(self):
        months = pd.period_range("2027-01", periods=12, freq="M")
        quota = pd.Series([100.0] * 6 + [200.0] * 6, index=months)
        capacity = pd.Series([50.0] * 12, index=months)
        check = quota_vs_capacity(quota, capacity)
        assert list(check.index) == ["Q1", "Q2", "Q3", "Q4", "Year"]
        # Q1: quota 3 x 100 = 300, capacity 3 x 50 = 150, share 0.5
        assert_allclose(check.loc["Q1"].to_numpy(), [300.0, 150.0, 0.5])
        # Q3: quota 3 x 200 = 600, capacity 150, share 0.25
        assert_allclose(check.loc["Q3"].to_numpy(), [600.0, 150.0, 0.25])
        # Year: quota 1,800, capacity 600, share 1/3
        assert_allclose(check.loc["Year"].to_numpy(), [1800.0, 600.0, 1 / 3])

    def test_a_quarter_without_quota_has_no_share(self):
        months = pd.period_range("2027-01", periods=6, freq="M")
        check = quota_vs_capacity(pd.Series([0.0] * 3 + [10.0] * 3, months), pd.Series(5.0, months))
        assert np.isnan(check.loc["Q1", "capacity_to_quota"])
        assert check.loc["Q2", "capacity_to_quota"] == pytest.approx(0.5)


class TestPlanReport:
    def test_capacity_is_the_hiring_teams_over_the_plan_year(self, folder):
        client = load_client(folder)
        plan = plan_report(client)
        team = hiring_report(client, simulate=False).plan.capacity["capacity"]
        year = team.iloc[:12].sum()
        assert plan.capacity.loc["Year", "capacity"] == pytest.approx(year)
        assert plan.capacity.loc["Year", "quota"] == pytest.approx(plan.quotas["quota"].sum())
        assert plan.figures()["capacity_to_quota"] == pytest.approx(
            year / plan.quotas["quota"].sum()
        )

    def test_no_hiring_section_no_capacity_check(self, folder):
        _edit_settings(folder, lambda s: s.pop("hiring"))
        plan = plan_report(load_client(folder))
        assert plan.capacity is None
        assert plan.figures()["team_capacity"] is None
        assert "Quota vs team capacity" not in plan.tables()


class TestProFormaInputs:
    def test_planned_hires_enter_the_pro_forma_only_when_asked(self, folder):
        with_hires = proforma_inputs(load_client(folder))
        hiring = hiring_report(load_client(folder), simulate=False)
        line = "Planned sales hires"
        assert line in with_hires.costs.columns
        months = with_hires.months
        assert_allclose(
            with_hires.costs[line].to_numpy(),
            hiring.plan.costs["people"].reindex(months).to_numpy(),
        )
        _edit_settings(folder, lambda s: s["hiring"].update(include_in_pro_forma=False))
        without = proforma_inputs(load_client(folder))
        assert line not in without.costs.columns
        assert "Recruiting" not in without.costs.columns
