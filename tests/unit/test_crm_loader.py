"""The CRM loader: each mapping key, and each kind of bad export, on files small
enough to check by eye. Rows are spreadsheet rows (the header is row 1)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from salesnb.io import check_folder
from salesnb.io.crm import Stage, crm_files, read_crm
from salesnb.io.crm_settings import CrmSettings
from salesnb.paths import SAMPLE_CLIENT

STAGES = [
    {"name": "Qualify", "status": "open", "probability": 0.2},
    {"name": "Propose", "status": "open", "probability": 0.5},
    {"name": "Closed Won", "status": "won"},
    {"name": "Closed Lost", "status": "lost"},
]
HEADER = "id,owner,stage,amount,created,close\n"


def settings(**crm) -> CrmSettings:
    crm.setdefault("stages", STAGES)
    return CrmSettings.model_validate(crm)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load(folder: Path, crm: CrmSettings | None = None, roster=None):
    return read_crm(folder, crm if crm is not None else settings(), roster=roster)


def errors(problems) -> list:
    return [p for p in problems if not p.note]


class TestReadCrm:
    def test_no_crm_table(self, tmp_path):
        assert read_crm(tmp_path, None) == (None, [])

    def test_canonical_frame(self, tmp_path):
        write(
            tmp_path,
            "opportunities.csv",
            HEADER
            + "A1,Ana,Qualify,100,2024-01-02,2024-03-01\n\nA2,Ben,closed  won,250.5,2024-01-03,2024-02-01\n",
        )
        data, problems = load(tmp_path)
        assert problems == []
        o = data.opportunities
        assert list(o.columns[:13]) == [
            "id", "name", "owner", "account", "account_type", "stage", "amount",
            "created", "close", "source", "forecast_category", "probability", "margin",
        ]  # fmt: skip
        assert o["row"].tolist() == [2, 4]  # the blank line keeps its place
        assert o["stage"].tolist() == ["Qualify", "Closed Won"]
        assert o["status"].tolist() == ["open", "won"]
        assert o["stage_order"].tolist() == [0, 2]
        assert_allclose(o["probability"], [0.2, 1.0])
        assert o["created"].dtype == "datetime64[s]"
        assert data.stages[2] == Stage("Closed Won", "won", 2, None)
        assert data.missing["opportunities"] == frozenset(
            {"name", "account", "account_type", "source", "forecast_category", "margin"}
        )
        assert data.files == {"opportunities": "opportunities.csv"}
        assert o["margin"].isna().all()

    def test_every_problem_at_once(self, tmp_path):
        write(
            tmp_path,
            "opportunities.csv",
            HEADER
            + "A1,Ana,Qualify,100,2024-01-02,2024-03-01\n"
            + "A2,Ana,Won it,lots,2024-13-02,2024-01-01\n"
            + "A1,Ben,Won it,5,2024-02-01,2024-01-15\n",
        )
        write(tmp_path, "activities.csv", "owner,date,type\nAna,2024-03-04,Zoom\n")
        data, problems = load(tmp_path)
        assert data is None
        text = [str(p) for p in problems]
        assert text == [
            (
                "opportunities.csv, row 3, column 'stage': unknown stage 'Won it' (rows 3, 4): add "
                "it under crm.stages in settings.yaml, in its place in the order, e.g. - {name: "
                "Won it, status: won} (status open, won or lost; the stages now: Qualify, Propose, "
                "Closed Won, Closed Lost)"
            ),
            "opportunities.csv, row 3, column 'amount': amount: expected a number, got 'lots'",
            (
                "opportunities.csv, row 3, column 'created': '2024-13-02' is not a date in ISO form "
                "(2024-03-05, or 2024-03-05T10:00:00Z): set crm.date_format to the form the export "
                "writes (strftime codes, such as '%m/%d/%Y')"
            ),
            (
                "opportunities.csv, row 4, column 'id': id 'A1' is also on row 2: each record once "
                "(is this the same record twice?)"
            ),
            (
                "opportunities.csv, row 4, column 'close': closes on 2024-01-15, before it was "
                "created on 2024-02-01"
            ),
            (
                "activities.csv, row 2, column 'type': unknown activity type 'Zoom' (row 2): add it "
                "under crm.activity_types in settings.yaml with the kind it counts as, e.g. {Zoom: "
                "call} (the kinds: new_prospect_call, face_to_face, presales_call, discovery_call, "
                "demo, executive_presentation, call, email, meeting, task, other)"
            ),
        ]

    def test_missing_required_column(self, tmp_path):
        write(
            tmp_path,
            "deals.csv",
            "Deal ID,Owner,Deal Stage,Amount,Created\nD1,Ana,Qualify,5,2024-01-01\n",
        )
        crm = settings(
            files={"opportunities": "deals.csv"},
            columns={
                "opportunities": {
                    "id": "Deal ID",
                    "stage": "Deal Stage",
                    "created": "Created",
                    "owner": "Deal Owner",
                }
            },
        )
        _, problems = load(tmp_path, crm)
        (problem,) = errors(problems)
        assert problem.file == "deals.csv" and problem.row == 1
        assert problem.message == (
            "no column 'Deal Owner' for the owner field (crm.columns.opportunities.owner "
            "expects it; to read another column, set crm.columns.opportunities.owner). The "
            "file's columns: 'Deal ID', 'Owner', 'Deal Stage', 'Amount', 'Created'"
        )

    def test_many_bad_cells_are_counted(self, tmp_path):
        rows = "".join(f"A{i},Ana,Qualify,{i},05/{i % 28 + 1:02d}/2024,\n" for i in range(30))
        write(tmp_path, "opportunities.csv", HEADER + rows)
        _, problems = load(tmp_path)
        dates = [p for p in problems if p.column == "created"]
        assert len(dates) == 11
        assert dates[0].row == 2 and "'05/01/2024'" in dates[0].message
        assert "'%m/%d/%Y'" in dates[0].message
        assert dates[-1].message.startswith("20 more cells that are not dates")
        assert "rows 12, 13, 14" in dates[-1].message and dates[-1].message.endswith(", 31")

    def test_unknown_stage_rows_are_few_and_counted(self, tmp_path):
        rows = "".join(f"A{i},Ana,Demo,{i},2024-01-01,\n" for i in range(8))
        write(tmp_path, "opportunities.csv", HEADER + rows)
        _, problems = load(tmp_path)
        (problem,) = problems
        assert "unknown stage 'Demo' (rows 2, 3, 4, 5, 6 and 3 more (8 in all))" in problem.message

    def test_empty_required_cell(self, tmp_path):
        write(tmp_path, "opportunities.csv", HEADER + "A1,,Qualify,100,2024-01-02,\n")
        _, problems = load(tmp_path)
        assert [str(p) for p in problems] == [
            "opportunities.csv, row 2, column 'owner': empty cell: the owner field needs a value"
        ]

    def test_owners_off_the_roster_are_a_note(self, tmp_path):
        write(
            tmp_path,
            "activities.csv",
            "owner,date,type\nAna,2024-03-04,call\nZed,2024-03-05,call\nZed,2024-03-06,demo\n",
        )
        data, problems = load(tmp_path, roster=["Ana"])
        assert data is not None
        (note,) = problems
        assert note.note and note.file == "activities.csv" and note.column == "owner"
        assert note.message.startswith("1 owner is not in the roster: 'Zed' (2 rows)")

    def test_a_file_the_settings_name_is_absent(self, tmp_path):
        write(tmp_path, "activities.csv", "owner,date,type\nAna,2024-03-04,call\n")
        _, problems = load(tmp_path, settings(files={"opportunities": "deals.csv"}))
        assert [str(p) for p in problems] == [
            (
                "settings.yaml, column 'crm.files.opportunities': names the file 'deals.csv' for "
                "the opportunities table, which is not in the client folder"
            )
        ]

    def test_previous_needs_its_date(self, tmp_path):
        write(tmp_path, "opportunities_previous.csv", HEADER + "A1,Ana,Qualify,100,2024-01-02,\n")
        _, problems = load(tmp_path)
        assert [p.column for p in problems] == ["crm.previous_as_of"]
        data, problems = load(tmp_path, settings(previous_as_of="2024-02-01"))
        assert problems == [] and str(data.previous_as_of) == "2024-02-01"

    def test_semicolons_and_windows_1252(self, tmp_path):
        text = "id;owner;stage;amount;created\nA1;Zoë;Qualify;100;2024-01-02\n"
        (tmp_path / "opportunities.csv").write_bytes(text.encode("cp1252"))
        data, problems = load(tmp_path)
        assert errors(problems) == []
        assert data.opportunities["owner"].tolist() == ["Zoë"]
        assert any("Windows-1252" in p.message for p in problems)

    def test_row_with_too_many_values(self, tmp_path):
        write(
            tmp_path,
            "opportunities.csv",
            HEADER + "A1,Ana,Qualify,1,2024-01-02,\nA2,Ana,Qualify,1,500,2024-01-02,2024-03-01\n",
        )
        _, problems = load(tmp_path)
        assert problems[0].row == 3 and "has 7 values where the header has 6" in problems[0].message

    def test_excel_workbook(self, tmp_path):
        frame = pd.DataFrame(
            {"owner": ["Ana"], "date": [pd.Timestamp("2024-03-04")], "type": ["demo"]}
        )
        frame.to_excel(tmp_path / "activities.xlsx", index=False)
        data, problems = load(tmp_path)
        assert problems == []
        assert data.activities["date"].tolist() == [pd.Timestamp("2024-03-04")]
        assert crm_files(tmp_path, None) == {"activities": "activities.xlsx"}


class TestMappingKeys:
    def test_aliases(self, tmp_path):
        write(
            tmp_path,
            "opportunities.csv",
            "id,owner,account,stage,amount,created\nA1,jane@x.example,ACME Corporation,Qualify,1,2024-01-01\nA2,Jane Doe,Acme Corp,Qualify,2,2024-01-01\n",
        )
        crm = settings(
            aliases={
                "owner": {"JANE@x.example": "Jane Doe"},
                "account": {"ACME Corporation": "Acme Corp"},
            }
        )
        data, problems = load(tmp_path, crm, roster=["Jane Doe"])
        assert problems == []
        assert data.opportunities["owner"].tolist() == ["Jane Doe", "Jane Doe"]
        assert data.opportunities["account"].tolist() == ["Acme Corp", "Acme Corp"]
        assert len(data.opportunities["owner"].cat.categories) == 1

    def test_lookup_from_a_price_list(self, tmp_path):
        write(
            tmp_path,
            "opportunities.csv",
            "id,owner,stage,Product,amount,created\nA1,Ana,Qualify,Basic,,2024-01-01\nA2,Ana,Qualify,Pro,999,2024-01-01\nA3,Ana,Qualify,pro,,2024-01-01\n",
        )
        write(tmp_path, "price_list.csv", 'product,list_price\nBasic,1000\nPro,"2,500.00"\n')
        lookup = {
            "table": "opportunities",
            "field": "amount",
            "file": "price_list.csv",
            "key": "product",
            "value": "list_price",
            "on": "Product",
        }
        data, problems = load(tmp_path, settings(lookups=[lookup]))
        assert problems == []
        # The export's own amount is kept; blank ones come from the price list.
        assert_allclose(data.opportunities["amount"], [1000, 999, 2500])

    def test_lookup_key_not_in_the_list(self, tmp_path):
        write(
            tmp_path,
            "opportunities.csv",
            "id,owner,stage,Product,created\nA1,Ana,Qualify,Gold,2024-01-01\n",
        )
        write(tmp_path, "price_list.csv", "product,list_price\nBasic,1000\n")
        lookup = {
            "table": "opportunities",
            "field": "amount",
            "file": "price_list.csv",
            "key": "product",
            "value": "list_price",
            "on": "Product",
        }
        _, problems = load(tmp_path, settings(lookups=[lookup]))
        assert [str(p) for p in problems] == [
            (
                "opportunities.csv, row 2, column 'Product': 'Gold' (row 2) is not in "
                "price_list.csv's product column: its amount is unknown"
            ),
        ]

    def test_fallbacks(self, tmp_path):
        write(
            tmp_path,
            "opportunities.csv",
            HEADER + "A1,Ana,Qualify,1,2024-01-01,\nA2,Ana,Qualify,1,2024-01-05,2024-02-01\n",
        )
        data, problems = load(tmp_path, settings(fallbacks={"opportunities": {"close": "created"}}))
        assert problems == []
        assert data.opportunities["close"].tolist() == list(
            pd.to_datetime(["2024-01-01", "2024-02-01"])
        )
        write(
            tmp_path,
            "opportunities.csv",
            "id,owner,stage,amount,created\nA1,Ana,Qualify,1,2024-01-01\n",
        )
        data, _ = load(tmp_path, settings(fallbacks={"opportunities": {"close": "created"}}))
        assert "close" not in data.missing["opportunities"]
        assert data.opportunities["close"].tolist() == [pd.Timestamp("2024-01-01")]

    def test_keep(self, tmp_path):
        write(
            tmp_path,
            "opportunities.csv",
            "id,owner,stage,amount,created,Pipeline\nA1,Ana,Qualify,1,2024-01-01,Sales\nA2,Ana,Bogus,1,2024-01-01,Renewals\nA3,Ana,Qualify,1,2024-01-01,sales\n",
        )
        data, problems = load(tmp_path, settings(keep={"opportunities": {"Pipeline": ["Sales"]}}))
        assert data.opportunities["id"].tolist() == ["A1", "A3"]
        assert data.opportunities["row"].tolist() == [2, 4]
        (note,) = problems  # the left-out row's unknown stage is no problem
        assert (
            note.note and "1 of 3 rows left out" in note.message and "Renewals: 1" in note.message
        )

    def test_keep_column_absent(self, tmp_path):
        write(tmp_path, "opportunities.csv", HEADER + "A1,Ana,Qualify,1,2024-01-01,\n")
        _, problems = load(tmp_path, settings(keep={"opportunities": {"Pipeline": ["Sales"]}}))
        assert (
            problems[0].row == 1
            and "crm.keep.opportunities names the column 'Pipeline'" in problems[0].message
        )

    @pytest.mark.parametrize(
        ("date_format", "cell", "day"),
        [
            (None, "2024-03-05", "2024-03-05"),
            (None, "2024-03-05T10:00:00.000+0000", "2024-03-05"),
            (None, "2024-03-05T23:30:00Z", "2024-03-05"),
            (None, "2024-03-05 10:00", "2024-03-05"),
            ("%m/%d/%Y", "3/5/2024", "2024-03-05"),
            ("%d/%m/%Y", "05/03/2024", "2024-03-05"),
            ("%d.%m.%Y %H:%M", "05.03.2024 17:45", "2024-03-05"),
            ("%d.%m.%Y", "2024-03-05", "2024-03-05"),  # ISO read either way
        ],
    )
    def test_date_formats(self, tmp_path, date_format, cell, day):
        write(tmp_path, "activities.csv", f"owner,date,type\nAna,{cell},call\n")
        crm = settings(date_format=date_format) if date_format else settings()
        data, problems = load(tmp_path, crm)
        assert problems == []
        assert data.activities["date"].tolist() == [pd.Timestamp(day)]

    def test_date_format_per_table(self, tmp_path):
        write(tmp_path, "activities.csv", "owner,date,type\nAna,05/03/2024,call\n")
        write(tmp_path, "opportunities.csv", HEADER + "A1,Ana,Qualify,1,03/05/2024,\n")
        crm = settings(date_format={"activities": "%d/%m/%Y", "opportunities": "%m/%d/%Y"})
        data, problems = load(tmp_path, crm)
        assert problems == []
        assert data.activities["date"].iloc[0] == data.opportunities["created"].iloc[0]
        _, problems = load(tmp_path, settings(date_format={"activities": "%d/%m/%Y"}))
        (problem,) = problems
        assert problem.file == "opportunities.csv" and problem.column == "created"
        assert "set crm.date_format.opportunities to the form the export uses" in problem.message

    def test_probability_scale_and_percent(self, tmp_path):
        write(
            tmp_path,
            "opportunities.csv",
            "id,owner,stage,amount,created,probability\nA1,Ana,Qualify,1,2024-01-01,25\nA2,Ana,Qualify,1,2024-01-01,40%\n",
        )
        data, problems = load(tmp_path, settings(probability_scale=100))
        assert problems == []
        assert_allclose(data.opportunities["probability"], [0.25, 0.40])
        _, problems = load(tmp_path)
        (problem,) = problems
        assert problem.row == 2 and "probability 25 is outside 0 to 1" in problem.message
        assert "crm.probability_scale: 100" in problem.message

    def test_account_types_and_forecast_categories(self, tmp_path):
        write(
            tmp_path,
            "opportunities.csv",
            "id,owner,stage,amount,created,account_type,forecast_category\nA1,Ana,Qualify,1,2024-01-01,Upsell,Commit\nA2,Ana,Qualify,1,2024-01-01,,Maybe\n",
        )
        crm = settings(
            account_types={"upsell": "existing"}, forecast_categories={"Commit": "commit"}
        )
        _, problems = load(tmp_path, crm)
        (problem,) = problems
        assert problem.row == 3 and problem.column == "forecast_category"
        assert problem.message.startswith("unknown forecast category 'Maybe' (row 3)")
        write(
            tmp_path,
            "opportunities.csv",
            "id,owner,stage,amount,created,account_type\nA1,Ana,Qualify,1,2024-01-01,Upsell\nA2,Ana,Qualify,1,2024-01-01,\n",
        )
        data, _ = load(tmp_path, crm)
        assert data.opportunities["account_type"].tolist()[0] == "existing"
        assert pd.isna(data.opportunities["account_type"].iloc[1])

    def test_decimal_comma_dialect(self, tmp_path):
        write(
            tmp_path,
            "opportunities.csv",
            "id;owner;stage;amount;created\nA1;Ana;Qualify;1.234,50;2024-01-01\n",
        )

        class Dialect:
            decimal, thousands = ",", "."

        data, problems = read_crm(tmp_path, settings(), dialect=Dialect())
        assert errors(problems) == []
        assert_allclose(data.opportunities["amount"], [1234.5])


class TestClientFolder:
    def test_validate_names_crm_problems(self, tmp_path):
        import shutil

        folder = tmp_path / "client"
        shutil.copytree(SAMPLE_CLIENT, folder)
        for crm_file in folder.glob("*.csv"):
            if crm_file.name in {
                "opportunities.csv",
                "opportunities_previous.csv",
                "opportunity_history.csv",
                "activities.csv",
                "forecasts.csv",
                "lead_spend.csv",
                "receivables.csv",
                "consultant_hours.csv",
            }:
                crm_file.unlink()
        check = check_folder(folder)
        assert check.client is not None and check.client.crm is None
        write(folder, "activities.csv", "owner,date,type\nElena Sorensen,2024-03-04,Zoom\n")
        check = check_folder(folder)
        assert check.client is None
        assert any(
            p.file == "activities.csv" and p.row == 2 and "'Zoom'" in p.message
            for p in check.problems
        )
        write(
            folder,
            "activities.csv",
            "owner,date,type\nElena Sorensen,2024-03-04,call\nNobody,2024-03-04,call\n",
        )
        check = check_folder(folder)
        assert check.problems == [], check.problems
        assert check.client.crm.activities["kind"].tolist() == ["call", "call"]
        assert [n.file for n in check.notes] == ["activities.csv"]
        assert np.array_equal(check.client.crm.activities["row"], [2, 3])
