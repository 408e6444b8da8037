"""The stress test's live panel, in a real JupyterLab, in a real browser.

The notebook tests run the notebooks through a kernel, so they prove the panel is
built, but not that it is alive: that the sliders render in JupyterLab and that
moving one redraws the panel's table and charts while the client watches. This
test does what a consultant does. It starts JupyterLab on a copy of the stress
test notebook (loopback only, with throw-away configuration folders, so nothing
of the user's is read or written), opens it in headless Chromium, runs all cells
from the Run menu, presses the right arrow key on the "Sales under plan" slider,
and checks that the panel's "Lost income" and both chart images change, to the
figures the package itself computes for the new shortfall.

A second test does what a consultant does in front of a client: ``salesnb lab`` on
a client folder that is not the sample (a copy under another name, with other
figures), opened on the stress test through the command's own JupyterLab (whose
settings alone must keep the news pop-up away). It checks that the page shows
that client's figures before anything runs, that no line of code is on screen
before or after Run All, and that a slider move changes the figures to the
package's own for that client.

It needs the ``playwright`` Python package (its driver only: no browser is
downloaded, the system's Chromium is used) and is skipped without it or without
Chromium. Screenshots of the panel before and after the move are kept in the
test's temporary folder, which a failure names.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from sample_copies import CLIENT_NAME, other_client

from salesnb import paths
from salesnb.analysis import stress_report
from salesnb.format import money
from salesnb.io import load_client
from salesnb.report import find_chromium

pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (pip install -e '.[lab]')")
sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the browser test needs the playwright Python package "
    "(pip install playwright; no `playwright install`: the system's Chromium is used)",
)

STRESS_TEST = "02-pro-forma-stress-test.ipynb"
#: The whole test, server start to browser close, must finish within this.
BUDGET_S = 85.0
#: Presses of the right arrow key on the "Sales under plan" slider (one 1% step each).
PRESSES = 5
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The news pop-up would cover the notebook (and, if accepted, call out for news).
DISABLED_PLUGINS = {"@jupyterlab/apputils-extension:announcements": True}


class Deadline:
    """One time budget shared by every wait of the test."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            pytest.fail(f"the browser test ran over its {self.seconds:.0f} s budget")
        return left

    def ms(self, cap_s: float) -> float:
        """A Playwright timeout: at most ``cap_s``, never past the deadline, never 0."""
        return max(1.0, min(cap_s, self.left()) * 1000)


@dataclass
class Lab:
    url: str
    token: str
    log: Path
    process: subprocess.Popen

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _isolated_env(home: Path, disable_news: bool = True) -> dict[str, str]:
    """This environment with HOME and every Jupyter, IPython, matplotlib folder in ``home``.

    ``disable_news`` writes the user configuration that keeps the news pop-up away; a
    session opened with ``salesnb lab`` must not need it.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH")}
    folders = {
        "HOME": home,
        "JUPYTER_CONFIG_DIR": home / "jupyter-config",
        "JUPYTER_DATA_DIR": home / "jupyter-data",
        "JUPYTER_RUNTIME_DIR": home / "jupyter-runtime",
        "IPYTHONDIR": home / "ipython",
        "MPLCONFIGDIR": home / "matplotlib",
        "XDG_CONFIG_HOME": home / "xdg-config",
        "XDG_CACHE_HOME": home / "xdg-cache",
        "XDG_DATA_HOME": home / "xdg-data",
    }
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    env.update({name: str(folder) for name, folder in folders.items()})
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    if not disable_news:
        return env
    labconfig = folders["JUPYTER_CONFIG_DIR"] / "labconfig"
    labconfig.mkdir(exist_ok=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": DISABLED_PLUGINS}), encoding="utf-8"
    )
    return env


def _stop(process: subprocess.Popen) -> None:
    """Stop the server (it shuts its kernel down), then whatever is left of its group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # the session this test started for it
    process.wait(timeout=10)


@contextlib.contextmanager
def _jupyterlab(tmp: Path, env: dict[str, str], deadline: Deadline) -> Iterator[Lab]:
    """JupyterLab on loopback, serving a copy of the stress test; stopped on leaving."""
    root = tmp / "notebooks"
    root.mkdir()
    shutil.copy(paths.NOTEBOOKS / STRESS_TEST, root / STRESS_TEST)
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp / "jupyterlab.log"
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_root=True",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=",
        "--LabApp.extension_manager=readonly",
        # Were this process killed before it could stop the server, the server would
        # cull its idle kernel and then shut itself down rather than live on.
        "--MappingKernelManager.cull_idle_timeout=300",
        "--MappingKernelManager.cull_interval=60",
        "--ServerApp.shutdown_no_activity_timeout=300",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=tmp,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    lab = Lab(url=f"http://127.0.0.1:{port}", token=token, log=log, process=process)
    try:
        _wait_until_serving(lab, deadline, keep_s=BUDGET_S / 2)
        yield lab
    finally:
        _stop(process)


def _wait_until_serving(lab: Lab, deadline: Deadline, keep_s: float) -> None:
    """Wait for the server's status page, leaving at least ``keep_s`` of the budget."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    while True:
        if lab.process.poll() is not None:
            pytest.fail(f"JupyterLab exited with {lab.process.returncode}:\n{lab.log_tail()}")
        if deadline.left() < keep_s:
            pytest.fail(f"JupyterLab did not answer in time:\n{lab.log_tail()}")
        try:
            with opener.open(f"{lab.url}/api/status?token={lab.token}", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)


def _expected_lost_income(cut: float, folder: Path = paths.SAMPLE_CLIENT) -> str:
    """The panel's "Lost income" for ``cut``, as the package itself computes it."""
    client = load_client(folder)
    st = client.settings.stress_test
    report = stress_report(
        client,
        cut=cut,
        start_month=st.start_month,
        target_margin=st.target_margin,
        volatility=st.volatility,
        runs=st.runs,
        seed=st.seed,
    )
    return money(report.stress.year["lost_income"], client.settings.client.currency)


def _settle(idle, charts, deadline: Deadline, quiet_s: float = 1.0) -> list[str]:
    """The panel's two chart sources, once they and an idle kernel held for ``quiet_s``.

    Each redraw sends the table, then the two figures one by one; after that the
    front end and the kernel still trade the Output widgets' state (ipywidgets'
    echo), with short idle gaps in between. Reading at the first idle moment could
    catch a redraw half done, and a screenshot would show the kernel busy.
    """
    quiet_since, last = None, None
    while True:
        deadline.left()
        sources = charts.evaluate_all("images => images.map(image => image.src)")
        if idle.is_visible() and len(sources) == 2 and sources == last:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= quiet_s:
                return sources
        else:
            quiet_since = None
        last = sources
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="no Chromium on this machine")
def test_moving_the_sales_slider_redraws_the_live_panel(tmp_path):
    deadline = Deadline(BUDGET_S)
    expect = sync_api.expect
    cut_before = load_client(paths.SAMPLE_CLIENT).settings.stress_test.cut
    cut_after = cut_before + PRESSES * 0.01
    lost_before, lost_after = _expected_lost_income(cut_before), _expected_lost_income(cut_after)
    assert lost_before != lost_after
    shots = {name: tmp_path / f"live-panel-{name}.png" for name in ("before", "after", "failure")}
    env = _isolated_env(tmp_path / "home")

    with _jupyterlab(tmp_path, env, deadline) as lab, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True, env=env
        )
        page = None
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(deadline.ms(20))
            page.goto(
                f"{lab.url}/lab/tree/{STRESS_TEST}?token={lab.token}", timeout=deadline.ms(30)
            )
            notebook = page.locator(".jp-NotebookPanel .jp-Notebook")
            # The status bar's kernel button, e.g. "Python 3 (ipykernel) | Idle".
            idle = page.get_by_role("button", name=re.compile(r"\(ipykernel\) \| Idle$"))
            expect(notebook.locator(".jp-Cell").first).to_be_visible(timeout=deadline.ms(30))
            expect(idle).to_be_visible(timeout=deadline.ms(30))

            def menu(top: str, item: str) -> None:
                page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{top}$")).click(
                    timeout=deadline.ms(10)
                )
                label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item}$"))
                page.locator(".lm-Menu-item", has=label).click(timeout=deadline.ms(10))

            # Clear the stored outputs first, so the prompt numbers below are this run's.
            prompts = notebook.locator(".jp-CodeCell .jp-InputPrompt")
            menu("Edit", "Clear Outputs of All Cells")
            expect(notebook.locator(".jp-OutputArea-output")).to_have_count(
                0, timeout=deadline.ms(10)
            )
            expect(prompts).to_have_text(["[ ]:"] * prompts.count())
            menu("Run", "Run All Cells")

            panel = (
                notebook.locator(".widget-vbox")
                .filter(has=page.locator(".widget-slider", has_text="Sales under plan"))
                .first
            )
            panel.wait_for(state="attached", timeout=deadline.ms(45))
            numbered = [f"[{n}]:" for n in range(1, prompts.count() + 1)]
            expect(prompts).to_have_text(numbered, timeout=deadline.ms(45))
            expect(idle).to_be_visible(timeout=deadline.ms(20))

            # Nothing went wrong anywhere in the notebook.
            stderr = notebook.locator('[data-mime-type="application/vnd.jupyter.stderr"]')
            assert stderr.count() == 0, stderr.all_inner_texts()
            assert notebook.get_by_text("Error displaying widget").count() == 0

            # The panel is its cell's only output: its figures are not shown twice.
            cell = notebook.locator(".jp-CodeCell").filter(
                has=page.locator(".widget-slider", has_text="Sales under plan")
            )
            expect(cell.locator(".jp-Cell-outputArea > .jp-OutputArea-child")).to_have_count(1)

            scroll_to_top = "element => element.scrollIntoView({block: 'start'})"
            panel.evaluate(scroll_to_top)
            sliders = panel.locator(".widget-slider")
            expect(sliders.locator(".widget-label")).to_have_text(
                ["Sales under plan", "From month", "Target margin"]
            )
            sales = sliders.filter(has_text="Sales under plan")
            lost_income = panel.locator(
                "tr", has=page.locator("th", has_text=re.compile(r"^Lost income$"))
            ).locator("td")
            charts = panel.locator("img")
            expect(sales.locator(".widget-readout")).to_have_text(f"{cut_before:.0%}")
            expect(lost_income).to_have_text(lost_before)
            expect(charts).to_have_count(2)
            charts_before = _settle(idle, charts, deadline)
            expect(lost_income).to_have_text(lost_before)
            page.screenshot(path=shots["before"])

            sales.locator(".noUi-handle").focus()
            for _ in range(PRESSES):
                page.keyboard.press("ArrowRight")

            expect(sales.locator(".widget-readout")).to_have_text(f"{cut_after:.0%}")
            expect(lost_income).to_have_text(lost_after, timeout=deadline.ms(20))
            charts_after = _settle(idle, charts, deadline)  # two still: redrawn, none added
            expect(lost_income).to_have_text(lost_after)
            expect(sales.locator(".widget-readout")).to_have_text(f"{cut_after:.0%}")
            # Focusing the slider makes its cell the active one, which Lab may scroll to.
            panel.evaluate(scroll_to_top)
            page.screenshot(path=shots["after"])
            assert all(a != b for a, b in zip(charts_before, charts_after, strict=True)), (
                f"a chart did not change; see {shots['before']} and {shots['after']}"
            )
        except BaseException:
            if page is not None:
                with contextlib.suppress(Exception):
                    page.screenshot(path=shots["failure"], timeout=5000)
            if lab.process.poll() is not None:
                print(f"JupyterLab stopped early, exit status {lab.process.returncode}")
            print(f"screenshots in {tmp_path}\nJupyterLab's log:\n{lab.log_tail()}")
            raise
        finally:
            browser.close()


# -- a client's session, opened by the command ---------------------------------

#: The session test's budget: the command first runs the three notebooks on the client.
SESSION_BUDGET_S = 180.0


@contextlib.contextmanager
def _salesnb_lab(tmp: Path, client: Path, env: dict[str, str], deadline: Deadline) -> Iterator[Lab]:
    """``salesnb lab CLIENT --notebook 02`` as a consultant types it; stopped on leaving."""
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp / "salesnb-lab.log"
    command = [
        sys.executable,
        "-m",
        "salesnb.cli",
        "lab",
        str(client),
        "--dir",
        str(tmp / "sessions"),
        "--notebook",
        "02",
        "--no-browser",
        "--port",
        str(port),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=tmp,
            env={**env, "JUPYTER_TOKEN": token},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    lab = Lab(url=f"http://127.0.0.1:{port}", token=token, log=log, process=process)
    try:
        _wait_until_serving(lab, deadline, keep_s=SESSION_BUDGET_S / 2)
        yield lab
    finally:
        _stop(process)


#: The code inputs of the current notebook that take room on screen (their first line).
CODE_ON_SCREEN = """notebook => [...notebook.querySelectorAll('.jp-CodeCell .jp-Cell-inputWrapper')]
    .filter(wrapper => wrapper.getClientRects().length > 0)
    .map(wrapper => wrapper.innerText.trim().split('\\n')[0])"""


@pytest.mark.slow
@pytest.mark.skipif(
    find_chromium() is None,
    reason="no Chromium on this machine (on Debian or Ubuntu: apt-get install chromium)",
)
def test_a_client_session_opened_by_the_command_shows_no_code_and_stays_live(tmp_path):
    deadline = Deadline(SESSION_BUDGET_S)
    expect = sync_api.expect
    client = other_client(tmp_path / "clients")
    cut_before = load_client(client).settings.stress_test.cut
    cut_after = cut_before + PRESSES * 0.01
    lost_before = _expected_lost_income(cut_before, client)
    lost_after = _expected_lost_income(cut_after, client)
    assert lost_before != lost_after
    assert lost_before != _expected_lost_income(cut_before)  # not the sample's figure
    names = ("opened", "before", "after", "failure")
    shots = {name: tmp_path / f"session-{name}.png" for name in names}
    env = _isolated_env(tmp_path / "home", disable_news=False)

    with (
        _salesnb_lab(tmp_path, client, env, deadline) as lab,
        sync_api.sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True, env=env
        )
        page = None
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(deadline.ms(20))
            # The address the command prints; its --notebook opens the stress test.
            page.goto(f"{lab.url}/?token={lab.token}", timeout=deadline.ms(30))
            notebook = page.locator(".jp-NotebookPanel:visible .jp-Notebook")
            idle = page.get_by_role("button", name=re.compile(r"\(ipykernel\) \| Idle$"))
            expect(page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")).to_have_text(
                STRESS_TEST, timeout=deadline.ms(30)
            )
            expect(notebook.locator(".jp-Cell").first).to_be_visible(timeout=deadline.ms(30))
            expect(idle).to_be_visible(timeout=deadline.ms(30))

            # Every code cell of the session's notebook, once JupyterLab has drawn them all.
            session_nb = nbformat.read(tmp_path / "sessions" / "birch-lane" / STRESS_TEST, 4)
            code_cells = sum(cell.cell_type == "code" for cell in session_nb.cells)
            assert code_cells >= 10

            def no_code_on_screen() -> None:
                expect(notebook.locator(".jp-CodeCell")).to_have_count(code_cells)
                assert notebook.evaluate(CODE_ON_SCREEN) == []
                expect(notebook.locator(".jp-CodeCell .cm-editor:visible")).to_have_count(0)
                expect(notebook.locator(".jp-InputPlaceholder:visible")).to_have_count(0)

            # Before anything runs: this client's figures, and no code.
            heading = notebook.get_by_text(re.compile(f"^{CLIENT_NAME}: stress test of the plan"))
            expect(heading).to_be_visible()
            expect(notebook).not_to_contain_text("Cedar Ridge")
            expect(notebook.locator(".jp-OutputArea-output img").first).to_be_visible()
            no_code_on_screen()
            page.screenshot(path=shots["opened"])

            def menu(top: str, item: str) -> None:
                page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{top}$")).click(
                    timeout=deadline.ms(10)
                )
                label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item}$"))
                page.locator(".lm-Menu-item", has=label).click(timeout=deadline.ms(10))

            # The code's prompts are hidden with it; the results' numbers (hidden too, but in
            # the page) come from the run on the client's folder. Clear them: the same numbers
            # again say this run has reached every cell.
            prompts = notebook.locator(".jp-OutputArea-executeResult .jp-OutputPrompt")
            stored = prompts.all_text_contents()
            assert len(stored) >= 5 and all(re.fullmatch(r"\[\d+\]:", p) for p in stored), stored
            menu("Edit", "Clear Outputs of All Cells")
            expect(notebook.locator(".jp-OutputArea-output")).to_have_count(
                0, timeout=deadline.ms(10)
            )
            menu("Run", "Run All Cells")
            panel = (
                notebook.locator(".widget-vbox")
                .filter(has=page.locator(".widget-slider", has_text="Sales under plan"))
                .first
            )
            panel.wait_for(state="attached", timeout=deadline.ms(60))
            expect(prompts).to_have_text(stored, timeout=deadline.ms(60))
            expect(idle).to_be_visible(timeout=deadline.ms(20))

            stderr = notebook.locator('[data-mime-type="application/vnd.jupyter.stderr"]')
            assert stderr.count() == 0, stderr.all_inner_texts()
            assert notebook.get_by_text("Error displaying widget").count() == 0
            expect(heading).to_be_visible()
            no_code_on_screen()
            # The session's own settings keep JupyterLab's news question away.
            expect(page.get_by_text("official Jupyter news")).to_have_count(0)

            scroll_to_top = "element => element.scrollIntoView({block: 'start'})"
            panel.evaluate(scroll_to_top)
            sales = panel.locator(".widget-slider").filter(has_text="Sales under plan")
            lost_income = panel.locator(
                "tr", has=page.locator("th", has_text=re.compile(r"^Lost income$"))
            ).locator("td")
            charts = panel.locator("img")
            expect(sales.locator(".widget-readout")).to_have_text(f"{cut_before:.0%}")
            expect(lost_income).to_have_text(lost_before)
            expect(charts).to_have_count(2)
            charts_before = _settle(idle, charts, deadline)
            page.screenshot(path=shots["before"])

            sales.locator(".noUi-handle").focus()
            for _ in range(PRESSES):
                page.keyboard.press("ArrowRight")

            expect(sales.locator(".widget-readout")).to_have_text(f"{cut_after:.0%}")
            expect(lost_income).to_have_text(lost_after, timeout=deadline.ms(20))
            charts_after = _settle(idle, charts, deadline)
            expect(lost_income).to_have_text(lost_after)
            panel.evaluate(scroll_to_top)
            no_code_on_screen()
            page.screenshot(path=shots["after"])
            assert all(a != b for a, b in zip(charts_before, charts_after, strict=True)), (
                f"a chart did not change; see {shots['before']} and {shots['after']}"
            )
        except BaseException:
            if page is not None:
                with contextlib.suppress(Exception):
                    page.screenshot(path=shots["failure"], timeout=5000)
            if lab.process.poll() is not None:
                print(f"salesnb lab stopped early, exit status {lab.process.returncode}")
            print(f"screenshots in {tmp_path}\nthe command's log:\n{lab.log_tail()}")
            raise
        finally:
            browser.close()
