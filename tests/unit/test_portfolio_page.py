"""The portfolio page's ranks, medians and files, on hand-made rows (no report runs)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from salesnb.report.portfolio import (
    HEADLINES,
    Headline,
    Row,
    Standing,
    as_html,
    as_json,
    median,
    portfolio,
    ranks,
    read_rows,
    write_workbook,
)

CUT = Headline(
    "proforma", "largest_survivable_cut_cash", "Largest survivable cut", "percent", "high"
)
LOSS = Headline("proforma", "probability_of_loss", "Chance of a loss", "percent", "low")
GOAL = Headline("plan", "goal", "Sales goal", "money")


def _row(folder: str, currency: str = "USD", **figures: float) -> Row:
    found = {(h.section, h.key): figures[h.key] for h in HEADLINES if h.key in figures}
    return Row(folder, folder, folder.title(), currency, "written", figures=found)


class TestRanks:
    def test_the_best_is_first_either_way(self):
        values = {"a": 0.1, "b": 0.3, "c": 0.2}
        assert ranks(values, "high") == {
            "a": Standing(3, 3),
            "b": Standing(1, 3),
            "c": Standing(2, 3),
        }
        assert ranks(values, "low")["a"] == Standing(1, 3)

    def test_unjudged_figures_put_the_largest_first(self):
        assert ranks({"a": 5.0, "b": 9.0}, None)["b"] == Standing(1, 2)

    def test_ties_share_a_rank_and_skip_the_next(self):
        found = ranks({"a": 2.0, "b": 2.0, "c": 1.0}, "high")
        assert [found[k].rank for k in "abc"] == [1, 1, 3]


class TestMedian:
    def test_odd_and_even_counts(self):
        assert median([0.3, 0.1, 0.2]) == pytest.approx(0.2)
        assert median([4.0, 1.0, 3.0, 2.0]) == pytest.approx(2.5)

    def test_no_values(self):
        assert median([]) is None


class TestPortfolio:
    def test_twelve_clients_the_lowest_survivable_cut_ranks_last(self):
        cuts = [0.05 * i for i in range(1, 13)]  # 5% to 60%
        rows = [_row(f"c{i:02d}", largest_survivable_cut_cash=c) for i, c in enumerate(cuts)]
        page = portfolio(rows, [CUT])
        assert page.standing(rows[0], CUT) == Standing(12, 12)
        assert page.standing(rows[-1], CUT) == Standing(1, 12)
        # the median of twelve: the mean of the 6th and 7th, 30% and 35%
        assert page.medians[(CUT.section, CUT.key, None)] == pytest.approx(0.325)

    def test_money_is_ranked_within_its_currency(self):
        rows = [
            _row("a", "USD", goal=100.0),
            _row("b", "USD", goal=300.0),
            _row("c", "GBP", goal=200.0),
        ]
        page = portfolio(rows, [GOAL])
        assert page.standing(rows[0], GOAL) == Standing(2, 2)
        assert page.standing(rows[2], GOAL) == Standing(1, 1)
        assert page.medians[("plan", "goal", "USD")] == pytest.approx(200.0)
        assert page.medians[("plan", "goal", "GBP")] == pytest.approx(200.0)

    def test_failed_and_missing_figures_are_left_out(self):
        rows = [
            _row("a", probability_of_loss=0.5),
            _row("b"),  # its report has no stress test figure
            Row("c", "c", "c", None, "failed", "roster.csv: file not found"),
            _row("d", probability_of_loss=0.1),
        ]
        page = portfolio(rows, [LOSS])
        assert page.standing(rows[3], LOSS) == Standing(1, 2)
        assert page.standing(rows[1], LOSS) is None
        assert page.standing(rows[2], LOSS) is None
        assert page.medians[("proforma", "probability_of_loss", None)] == pytest.approx(0.3)

    def test_a_flag_is_not_a_number(self):
        rows = [
            _row("a", largest_survivable_cut_cash=True),
            _row("b", largest_survivable_cut_cash=0.2),
        ]
        page = portfolio(rows, [CUT])
        assert page.standing(rows[0], CUT) is None
        assert page.standing(rows[1], CUT) == Standing(1, 1)


class TestReadRows:
    def test_rows_from_figures_and_reasons(self, tmp_path):
        (tmp_path / "alpha").mkdir()
        (tmp_path / "alpha" / "figures.json").write_text(
            json.dumps(
                {
                    "client": {"name": "Alpha Ltd", "currency": "GBP"},
                    "proforma": {"probability_of_loss": 0.25},
                    "software": {"salesnb": "0"},
                }
            ),
            encoding="utf-8",
        )
        rows = read_rows(tmp_path, ["clients/alpha", "clients/beta"], {"beta": "no roster"})
        assert [(r.folder, r.client, r.currency, r.state, r.reason) for r in rows] == [
            ("alpha", "Alpha Ltd", "GBP", "written", ""),
            ("beta", "beta", None, "failed", "no roster"),
        ]
        assert rows[0].value(LOSS) == 0.25

    def test_a_dotted_headline_reads_a_nested_figure(self, tmp_path):
        (tmp_path / "alpha").mkdir()
        dashboard = {"dso": {"dso": 51.77, "goal": 45.0}, "pipeline": {"open_value": 1e6}}
        (tmp_path / "alpha" / "figures.json").write_text(
            json.dumps({"client": {"name": "Alpha"}, "dashboard": dashboard}), encoding="utf-8"
        )
        (row,) = read_rows(tmp_path, ["alpha"], {})
        dso = next(h for h in HEADLINES if (h.section, h.key) == ("dashboard", "dso.dso"))
        attainment = next(h for h in HEADLINES if h.key == "periods.last_year.total.attainment")
        assert row.value(dso) == 51.77
        assert row.value(attainment) is None  # not in this pack: no figure, not a zero


class TestFiles:
    def _page(self):
        name = '<script>alert(1)</script>=HYPERLINK("x")'
        rows = [
            Row("evil", "evil", name, "USD", "written", figures={("plan", "goal"): 5.0}),
            Row("good", "good", "Good", "USD", "written", figures={("plan", "goal"): 9.0}),
            Row("bad", "bad", "bad", None, "failed", "a <b>broken</b> roster"),
        ]
        return name, portfolio(rows)

    def test_html_escapes_client_text(self):
        _, page = self._page()
        text = as_html(page)
        assert "<script>" not in text and "<b>broken" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "failed: a &lt;b&gt;broken&lt;/b&gt; roster" in text
        assert "rank 2 of 2" in text and "rank 1 of 2" in text

    def test_json_has_each_figure_with_its_rank(self):
        _, page = self._page()
        found = as_json(page)
        evil = found["clients"][0]
        assert evil["figures"]["plan"]["goal"] == {"value": 5.0, "rank": 2, "of": 2}
        assert found["medians"]["plan"]["goal"] == {"USD": 7.0}
        assert found["failed"] == {"bad": "a <b>broken</b> roster"}

    def test_workbook_keeps_client_text_text_and_formats_figures(self, tmp_path):
        name, page = self._page()
        write_workbook(page, tmp_path / "p.xlsx")
        sheet = openpyxl.load_workbook(tmp_path / "p.xlsx")["Portfolio"]
        header = [c.value for c in sheet[1]]
        assert header[:5] == ["Client", "Client folder", "Currency", "State", "Reason"]
        assert "Annual sales plan: Sales goal" in header
        client = sheet.cell(2, 1)
        assert (client.value, client.data_type) == (name, "s")
        goal = sheet.cell(2, header.index("Annual sales plan: Sales goal") + 1)
        assert goal.value == 5.0 and "#,##0" in goal.number_format
        assert sheet.cell(2, header.index("Sales goal: rank") + 1).value == "2 of 2"
        assert sheet.cell(4, 5).value == "a <b>broken</b> roster"
