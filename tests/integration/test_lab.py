"""``salesnb lab``: a client's live session, built and served, without a browser.

The session is built once, for a client that is not the sample (a copy under
another name, with other figures), from a path typed relative to the current
folder, and every test reads what a consultant and their client would get: the
notebooks bound to that folder with their code hidden and this client's
outputs, the session's JupyterLab settings, and the command line that serves
it. The last tests start the real command and talk to its server over HTTP:
the settings it serves, and a save that lands in the session, never in the
package's notebooks. Tests of what happens around the kernels (an existing
session, a failing notebook) replace the runs by copies of the committed
notebooks, as the report's mechanics tests do.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from sample_copies import CLIENT_NAME, other_client

from salesnb import lab, paths
from salesnb.cli import main
from salesnb.errors import ClientFolderError
from salesnb.lab import SessionError, bind, build_session, lab_command
from salesnb.report import NOTEBOOKS

SESSION_NOTEBOOKS = [n for n in NOTEBOOKS if (paths.NOTEBOOKS / n).is_file()]
STRESS_TEST = "02-pro-forma-stress-test.ipynb"
#: The sections with nothing to move in a live session (scores, a scorecard, a calendar).
WITHOUT_PANEL = {
    "06-sales-management-checkup.ipynb",
    "07-recruiting-scorecard.ipynb",
    "08-training-plan-and-rhythm.ipynb",
}


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.ipynb"))
    }


def _text(outputs) -> str:
    parts = []
    for out in outputs:
        data = out.get("data", {})
        parts += [str(data.get("text/html", "")), str(data.get("text/plain", ""))]
        parts.append(str(out.get("text", "")))
    return "\n".join(parts)


def _tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One session for the non-sample client, typed as a relative path from its parent."""
    root = tmp_path_factory.mktemp("lab")
    other_client(root / "clients")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.setenv("JUPYTER_DATA_DIR", str(root / "jupyter-data"))  # the notebooks' trust
        session = build_session(Path("clients") / "birch-lane", Path("sessions"))
    return root, session


@pytest.fixture()
def fast_runs(monkeypatch):
    """Each notebook "run" copies the committed, executed notebook (no kernel)."""

    def committed(source, target, parameters, workdir):
        shutil.copyfile(source, target)

    monkeypatch.setattr("salesnb.lab.execute_notebook", committed)


@pytest.mark.slow
class TestTheSessionCopy:
    def test_lives_in_its_own_folder_named_after_the_client(self, built):
        root, session = built
        assert session.folder == Path("sessions") / "birch-lane"
        folder = root / session.folder
        assert sorted(p.name for p in folder.glob("*.ipynb")) == SESSION_NOTEBOOKS
        assert session.notebooks == tuple(SESSION_NOTEBOOKS)
        recorded = json.loads((folder / lab.SESSION_FILE).read_text(encoding="utf-8"))
        assert recorded["client_dir"] == str(root / "clients" / "birch-lane")
        assert recorded["client"] == CLIENT_NAME
        assert not session.resumed

    def test_parameters_are_bound_to_the_client_folder_made_absolute(self, built):
        root, session = built
        for name in SESSION_NOTEBOOKS:
            nb = nbformat.read(root / session.folder / name, as_version=4)
            at = next(i for i, c in enumerate(nb.cells) if "parameters" in _tags(c))
            injected = nb.cells[at + 1]
            assert "injected-parameters" in _tags(injected), name
            values = {
                node.targets[0].id: ast.literal_eval(node.value)
                for node in ast.parse(injected.source).body
            }
            assert values == {
                "client_dir": str(root / "clients" / "birch-lane"),
                "interactive": True,
            }, name
            assert sum("injected-parameters" in _tags(c) for c in nb.cells) == 1

    def test_every_code_input_is_hidden_and_the_prose_is_not(self, built):
        root, session = built
        for name in SESSION_NOTEBOOKS:
            nb = nbformat.read(root / session.folder / name, as_version=4)
            for cell in nb.cells:
                hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
                assert hidden is (cell.cell_type == "code"), (name, cell.source[:40])
            nbformat.validate(nb)

    def test_the_stored_outputs_are_this_clients(self, built):
        root, session = built
        for name in SESSION_NOTEBOOKS:
            nb = nbformat.read(root / session.folder / name, as_version=4)
            code = [c for c in nb.cells if c.cell_type == "code"]
            shown = _text(o for c in code for o in c.outputs)
            assert CLIENT_NAME in shown, name
            assert "Cedar Ridge" not in shown, name
            assert not [o for c in code for o in c.outputs if o.output_type == "error"], name
            with_figures = [
                c for c in code if any("image/png" in o.get("data", {}) for o in c.outputs)
            ]
            if name != "08-training-plan-and-rhythm.ipynb":  # a calendar: tables, no chart
                assert with_figures, f"{name}: no chart stored, the page would open without charts"
            # A stored panel would be dead until its kernel runs: the panel cell waits for the run.
            live = [c for c in code if "live-only" in _tags(c)]
            assert all(not c.outputs for c in live), name
            assert live or name in WITHOUT_PANEL, f"{name}: no live panel"

    def test_the_stored_figures_differ_from_the_samples(self, built):
        root, session = built
        ours = nbformat.read(root / session.folder / STRESS_TEST, as_version=4)
        sample = nbformat.read(paths.NOTEBOOKS / STRESS_TEST, as_version=4)
        headline = next(
            c for c in sample.cells if c.cell_type == "code" and "report = " in c.source
        ).source
        ours_cell = next(c for c in ours.cells if c.source == headline)
        sample_cell = next(c for c in sample.cells if c.source == headline)
        assert _text(ours_cell.outputs) != _text(sample_cell.outputs)

    def test_the_committed_notebooks_are_not_the_copies(self, built):
        root, session = built
        for name in SESSION_NOTEBOOKS:
            committed = nbformat.read(paths.NOTEBOOKS / name, as_version=4)
            assert not any("injected-parameters" in _tags(c) for c in committed.cells)
            assert (root / session.folder / name).resolve() != (paths.NOTEBOOKS / name).resolve()

    def test_jupyterlab_settings_turn_news_and_update_checks_off(self, built):
        root, session = built
        settings = root / session.settings_dir
        overrides = json.loads((settings / "overrides.json").read_text(encoding="utf-8"))
        notification = overrides["@jupyterlab/apputils-extension:notification"]
        assert notification == {"fetchNews": "false", "checkForUpdates": False}
        page = json.loads((settings / "page_config.json").read_text(encoding="utf-8"))
        assert page["disabledExtensions"]["@jupyterlab/apputils-extension:announcements"] is True
        css = (root / session.custom_dir / "custom.css").read_text(encoding="utf-8")
        assert ".jp-InputPlaceholder" in css and "display: none" in css

    def test_the_first_layout_opens_the_notebooks(self, built):
        root, session = built
        (workspace,) = (root / session.workspaces_dir).glob("*.jupyterlab-workspace")
        data = json.loads(workspace.read_text(encoding="utf-8"))["data"]
        dock = data["layout-restorer:data"]["main"]["dock"]
        assert dock["widgets"] == [f"notebook:{n}" for n in SESSION_NOTEBOOKS]
        assert data["layout-restorer:data"]["left"]["collapsed"] is True


def test_bind_adds_the_parameters_after_the_parameters_cell(tmp_path):
    nb = nbformat.read(paths.NOTEBOOKS / STRESS_TEST, as_version=4)
    bound = bind(nb, tmp_path / "client")
    assert len(bound.cells) == len(nb.cells) + 1
    at = next(i for i, c in enumerate(bound.cells) if "parameters" in _tags(c))
    assert f'client_dir = "{tmp_path / "client"}"' in bound.cells[at + 1].source
    assert "interactive = True" in bound.cells[at + 1].source
    nbformat.validate(bound)
    # the notebook it was given is left as it was
    assert not any("injected-parameters" in _tags(c) for c in nb.cells)
    assert not any(c.metadata.get("jupyter", {}).get("source_hidden") for c in nb.cells)
    # binding again rewrites the one injected cell
    again = bind(bound, tmp_path / "other")
    assert len(again.cells) == len(bound.cells)
    assert str(tmp_path / "other") in again.cells[at + 1].source


def test_bind_refuses_a_notebook_without_parameters():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    with pytest.raises(SessionError, match="parameters"):
        bind(nb, Path("client"))


def test_settings_keep_the_installations_own(tmp_path):
    installed = tmp_path / "installed"
    installed.mkdir()
    (installed / "overrides.json").write_text(
        json.dumps(
            {
                "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
                "@jupyterlab/apputils-extension:notification": {"fetchNews": "true"},
            }
        )
    )
    (installed / "page_config.json").write_text(json.dumps({"disabledExtensions": ["x:y"]}))
    lab.write_lab_settings(tmp_path / "session", installed)
    overrides = json.loads((tmp_path / "session" / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    page = json.loads((tmp_path / "session" / "page_config.json").read_text())
    assert page["disabledExtensions"] == {
        "x:y": True,
        "@jupyterlab/apputils-extension:announcements": True,
    }


class TestAnExistingSession:
    def test_is_never_rebuilt_unasked(self, tmp_path, fast_runs):
        client = other_client(tmp_path)
        session = build_session(client, tmp_path / "sessions")
        saved = session.folder / STRESS_TEST
        saved.write_text(saved.read_text(encoding="utf-8") + " ", encoding="utf-8")
        before = _digests(session.folder)
        with pytest.raises(SessionError, match=r"--resume.*--new"):
            build_session(client, tmp_path / "sessions")
        assert _digests(session.folder) == before

    def test_is_reopened_as_saved_when_asked(self, tmp_path, fast_runs):
        client = other_client(tmp_path)
        first = build_session(client, tmp_path / "sessions")
        (first.folder / STRESS_TEST).write_text("{}", encoding="utf-8")  # what was saved
        again = build_session(client, tmp_path / "sessions", resume=True)
        assert again.resumed and again.folder == first.folder
        assert (again.folder / STRESS_TEST).read_text(encoding="utf-8") == "{}"
        assert again.notebooks == first.notebooks

    def test_is_reopened_without_panels_that_died_with_their_kernel(self, tmp_path, fast_runs):
        client = other_client(tmp_path)
        first = build_session(client, tmp_path / "sessions")
        path = first.folder / STRESS_TEST
        nb = nbformat.read(path, as_version=4)
        live = next(c for c in nb.cells if c.cell_type == "code" and "live-only" in _tags(c))
        shown = [c for c in nb.cells if c.cell_type == "code" and c.outputs and c is not live]
        view = "application/vnd.jupyter.widget-view+json"

        def panel(model_id: str):
            return nbformat.v4.new_output(
                "display_data",
                data={view: {"model_id": model_id, "version_major": 2, "version_minor": 0}},
            )

        # Saved with the panel showing: one panel whose widgets were saved, one whose were not.
        live.outputs = [panel("gone"), panel("kept")]
        nb.metadata["widgets"] = {
            "application/vnd.jupyter.widget-state+json": {"state": {"kept": {}}, "version_major": 2}
        }
        nbformat.write(nb, path)
        build_session(client, tmp_path / "sessions", resume=True)
        reopened = nbformat.read(path, as_version=4)
        live_again = next(
            c for c in reopened.cells if c.cell_type == "code" and "live-only" in _tags(c)
        )
        assert [o.data[view]["model_id"] for o in live_again.outputs] == ["kept"]
        others = [c for c in reopened.cells if c.get("outputs") and c is not live_again]
        assert [c.outputs for c in others] == [c.outputs for c in shown]
        assert lab.drop_dead_panels(path) is False  # nothing left to drop: the file stays

    def test_a_new_one_keeps_the_old_under_a_dated_name(self, tmp_path, fast_runs):
        client = other_client(tmp_path)
        first = build_session(client, tmp_path / "sessions")
        (first.folder / STRESS_TEST).write_text("{}", encoding="utf-8")
        fresh = build_session(client, tmp_path / "sessions", new=True)
        assert fresh.folder == first.folder
        assert (fresh.folder / STRESS_TEST).read_text(encoding="utf-8") != "{}"
        (kept,) = [p for p in (tmp_path / "sessions").iterdir() if p.name != "birch-lane"]
        assert kept.name.startswith("birch-lane.")
        assert (kept / STRESS_TEST).read_text(encoding="utf-8") == "{}"

    def test_of_another_folder_with_the_same_name_is_not_resumed(self, tmp_path, fast_runs):
        build_session(other_client(tmp_path / "a"), tmp_path / "sessions")
        other = other_client(tmp_path / "b")
        with pytest.raises(SessionError, match="bound to the client folder"):
            build_session(other, tmp_path / "sessions", resume=True)

    def test_there_is_nothing_to_resume_at_first(self, tmp_path, fast_runs):
        with pytest.raises(SessionError, match="no session to resume"):
            build_session(other_client(tmp_path), tmp_path / "sessions", resume=True)

    def test_a_folder_that_is_not_a_session_is_left_alone(self, tmp_path, fast_runs):
        (tmp_path / "sessions" / "birch-lane").mkdir(parents=True)
        (tmp_path / "sessions" / "birch-lane" / "notes.txt").write_text("mine")
        with pytest.raises(SessionError, match="not a salesnb session"):
            build_session(other_client(tmp_path), tmp_path / "sessions", new=True)
        assert (tmp_path / "sessions" / "birch-lane" / "notes.txt").read_text() == "mine"


def test_a_failing_notebook_leaves_no_session(tmp_path, monkeypatch):
    def fails(source, target, parameters, workdir):
        if source.name == STRESS_TEST:
            raise RuntimeError("the kernel died")
        shutil.copyfile(source, target)

    monkeypatch.setattr("salesnb.lab.execute_notebook", fails)
    with pytest.raises(SessionError, match=rf"{STRESS_TEST} failed.*the kernel died"):
        build_session(other_client(tmp_path), tmp_path / "sessions")
    assert list((tmp_path / "sessions").iterdir()) == []


def test_a_bad_folder_stops_before_anything_is_built(tmp_path):
    with pytest.raises(ClientFolderError):
        build_session(tmp_path / "nope", tmp_path / "sessions")
    assert not (tmp_path / "sessions").exists()


def _session(tmp_path: Path) -> lab.Session:
    folder = tmp_path / "sessions" / "birch-lane"
    return lab.Session(folder, tmp_path / "birch-lane", CLIENT_NAME, tuple(SESSION_NOTEBOOKS))


class TestTheCommandLine:
    def test_serves_the_session_folder_with_its_own_settings(self, tmp_path):
        session = _session(tmp_path)
        command = lab_command(session, as_root=False)
        assert command[:3] == [sys.executable, "-m", "jupyterlab"]
        assert f"--ServerApp.root_dir={session.folder}" in command
        assert f"--LabApp.app_settings_dir={session.settings_dir}" in command
        assert f"--LabApp.workspaces_dir={session.workspaces_dir}" in command
        assert "--LabApp.news_url=None" in command
        assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in command
        assert "--LabApp.custom_css=True" in command
        assert not [a for a in command if "allow-root" in a or "port" in a or "browser" in a]

    def test_root_gets_allow_root(self, tmp_path, monkeypatch):
        session = _session(tmp_path)
        assert "--allow-root" in lab_command(session, as_root=True)
        assert "--allow-root" not in lab_command(session, as_root=False)
        monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)
        assert "--allow-root" in lab_command(session)
        monkeypatch.setattr(os, "geteuid", lambda: 1000, raising=False)
        assert "--allow-root" not in lab_command(session)

    def test_options(self, tmp_path):
        session = _session(tmp_path)
        command = lab_command(session, notebook="02", port=8890, browser=False, as_root=False)
        assert f"--LabApp.default_url=/lab/tree/{STRESS_TEST}" in command
        assert "--ServerApp.port=8890" in command and "--ServerApp.port_retries=0" in command
        assert "--no-browser" in command
        assert f"/lab/tree/{STRESS_TEST}" in " ".join(lab_command(session, notebook=STRESS_TEST))

    @pytest.mark.parametrize("name", ["09", "0", "stress"])
    def test_a_notebook_name_must_name_one(self, tmp_path, name):
        with pytest.raises(SessionError, match="notebook"):
            lab_command(_session(tmp_path), notebook=name)


def test_the_command_lists_a_folders_problems_and_builds_nothing(tmp_path, capsys, monkeypatch):
    client = other_client(tmp_path)
    (client / "revenue_plan.csv").write_text("month,stream,revenue\n2027-01,Nope,abc\n")
    monkeypatch.chdir(tmp_path)
    assert main(["lab", "birch-lane"]) == 1
    err = capsys.readouterr().err
    assert "revenue_plan.csv" in err and "problem" in err
    assert not (tmp_path / "sessions").exists()
    assert main(["lab", "no-such-folder"]) == 1
    assert "client folder not found" in capsys.readouterr().err


# -- the real command, its server, and a save ---------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _isolated_env(home: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH")}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        (home / name.lower()).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / name.lower())
    env.update(HOME=str(home), JUPYTER_TOKEN=token, JUPYTER_PLATFORM_DIRS="1")
    return env


@pytest.fixture()
def served(built, tmp_path):
    """``salesnb lab --resume`` on a copy of the built session, serving on loopback."""
    root, session = built
    parent = tmp_path / "sessions"
    shutil.copytree(root / session.folder, parent / session.folder.name)
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path / "lab.log"
    command = [
        sys.executable,
        "-m",
        "salesnb.cli",
        "lab",
        str(root / "clients" / "birch-lane"),
        "--dir",
        str(parent),
        "--resume",
        "--no-browser",
        "--port",
        str(port),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=_isolated_env(tmp_path / "home", token),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    base = f"http://127.0.0.1:{port}"

    def call(method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(
            f"{base}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        )
        try:
            with opener.open(request, timeout=20) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"salesnb lab exited with {process.returncode}:\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"salesnb lab did not answer in time:\n{log.read_text()}")
            with contextlib.suppress(OSError):
                if call("GET", "/api/status")[0] == 200:
                    break
            time.sleep(0.2)
        yield parent / session.folder.name, call
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.mark.slow
def test_a_save_lands_in_the_session_and_never_in_the_package(served):
    folder, call = served
    committed = _digests(paths.NOTEBOOKS)
    status, body = call("GET", f"/api/contents/{STRESS_TEST}?content=1")
    assert status == 200
    model = json.loads(body)
    nb = model["content"]
    # What a save after moving the sliders sends: new outputs, new prompt numbers.
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["execution_count"] = (cell["execution_count"] or 0) + 100
            cell["outputs"] = []
    status, _ = call(
        "PUT", f"/api/contents/{STRESS_TEST}", {"type": "notebook", "format": "json", "content": nb}
    )
    assert status == 200
    saved = nbformat.read(folder / STRESS_TEST, as_version=4)
    assert all(not c.outputs for c in saved.cells if c.cell_type == "code")
    assert _digests(paths.NOTEBOOKS) == committed
    # The session's folder is all the server shows.
    listing = json.loads(call("GET", "/api/contents")[1])
    assert sorted(item["name"] for item in listing["content"]) == SESSION_NOTEBOOKS


@pytest.mark.slow
def test_the_server_turns_news_and_update_checks_off(served):
    _folder, call = served
    status, body = call("GET", "/lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert status == 200
    answer = json.loads(body)
    # the session's overrides are the defaults, and nothing of the user's says otherwise
    defaults = {k: v.get("default") for k, v in answer["schema"]["properties"].items()}
    assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False
    assert answer["settings"] == {}
    status, body = call("GET", "/lab/api/news")
    assert status == 200 and json.loads(body)["news"] == []
    status, body = call("GET", "/lab/api/update")
    assert status == 200 and json.loads(body)["notification"] is None
    status, page = call("GET", "/lab")
    assert status == 200
    assert b"@jupyterlab/apputils-extension:announcements" in page  # in disabledExtensions
    status, css = call("GET", "/custom/custom.css")
    assert status == 200 and b".jp-InputPlaceholder" in css
