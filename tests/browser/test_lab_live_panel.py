"""The live panel in a real browser: JupyterLab in headless Chromium.

Runs the stress-test notebook in JupyterLab, moves the "Sales under plan"
slider and checks that the panel's key figures and both charts change at once,
as they do while a client watches. Skipped where Playwright's Python package or
a Chromium is missing (nothing here downloads a browser).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from salesnb import paths
from salesnb.report import find_chromium

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow

NOTEBOOK = "02-pro-forma-stress-test.ipynb"
TOKEN = "salesnb-browser-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on loopback serving a copy of the notebook; stopped afterwards."""
    if find_chromium() is None:
        pytest.skip("no Chromium on this machine")
    root = tmp_path / "notebooks"
    root.mkdir()
    shutil.copyfile(paths.NOTEBOOKS / NOTEBOOK, root / NOTEBOOK)
    config = tmp_path / "config"
    (config / "labconfig").mkdir(parents=True)
    disabled = {"@jupyterlab/apputils-extension:announcements": True}
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": disabled}), encoding="utf-8"
    )
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("MPLBACKEND", None)
    jupyter = Path(sys.executable).with_name("jupyter")
    server = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}?token={TOKEN}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _lost_income(page) -> str | None:
    for text in page.locator(".jp-OutputArea-output table").all_inner_texts():
        match = re.search(r"Lost income\s+(\S+)", text)
        if match and "Not covered" in text:  # the panel's table, not the notebook's
            return match.group(1)
    return None


def _chart_sources(page) -> list[str]:
    return [img.get_attribute("src") or "" for img in page.locator(".widget-output img").all()]


def test_moving_the_slider_redoes_the_stress_test(lab, tmp_path):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=find_chromium(),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(lab)
            page.wait_for_selector(".jp-Notebook")
            page.wait_for_selector("text=Python 3 (ipykernel) | Idle")
            page.click("text=Run")
            page.click("text=Run All Cells")
            page.wait_for_selector(".widget-slider", timeout=90_000)
            page.wait_for_function(
                "document.querySelectorAll('.widget-output img').length >= 2", timeout=60_000
            )
            assert page.locator(".widget-slider").count() == 3
            before, charts_before = _lost_income(page), _chart_sources(page)
            assert before is not None
            page.screenshot(path=str(tmp_path / "before.png"))

            page.locator(".widget-slider .noUi-handle").first.click()
            for _ in range(5):  # 25% -> 30%, one point a press
                page.keyboard.press("ArrowRight")
            deadline = time.monotonic() + 30
            # each press redraws at once; wait for the last one (30%) to be shown
            while time.monotonic() < deadline and _lost_income(page) != "$503,119":
                time.sleep(0.25)
            # the charts are replaced as a pair: wait until both are back
            page.wait_for_function(
                "document.querySelectorAll('.widget-output img').length >= 2", timeout=30_000
            )
            time.sleep(1)
            after, charts_after = _lost_income(page), _chart_sources(page)
            page.screenshot(path=str(tmp_path / "after.png"))
        finally:
            browser.close()
    # 25% of the sample's $4,728,100 plan at a 35.47% contribution margin is $419,266;
    # at 30% it is $503,119.
    assert (before, after) == ("$419,266", "$503,119")
    assert len(charts_after) == len(charts_before) == 2
    assert all(a != b for a, b in zip(charts_after, charts_before, strict=True))
