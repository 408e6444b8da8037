"""Copies of the sample client that a test can tell apart from the sample itself."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from salesnb import paths

#: The name a copy of the sample client goes by.
CLIENT_NAME = "Birch Lane Analytics"


def other_client(parent: Path, folder_name: str = "birch-lane") -> Path:
    """A copy of the sample client under another name, with 10% more planned revenue."""
    folder = parent / folder_name
    shutil.copytree(paths.SAMPLE_CLIENT, folder)
    settings = folder / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "name: Cedar Ridge Technology" in text
    settings.write_text(
        text.replace("name: Cedar Ridge Technology", f"name: {CLIENT_NAME}"), encoding="utf-8"
    )
    plan = folder / "revenue_plan.csv"
    with plan.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["revenue"] = str(round(float(row["revenue"]) * 1.1))
    with plan.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder
