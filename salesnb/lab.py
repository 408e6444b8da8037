"""A live client session: the notebooks bound to one client folder, opened in JupyterLab.

``salesnb lab clients/acme-systems`` checks the folder, then builds a *session*:
a folder of its own (``sessions/acme-systems/`` in the current folder, or under
``--dir``) holding a copy of every notebook in which

- the parameters are set for this client: ``client_dir`` is the folder's absolute
  path, ``interactive`` is true, in an ``injected-parameters`` cell after the
  notebook's own ``parameters`` cell, as papermill writes it;
- every code cell's input is hidden (cell metadata ``jupyter.source_hidden``):
  the client sees the prose, tables, charts and the live panel, never the code;
- the outputs are this client's: the copy is run once on the folder before
  JupyterLab opens (with the panel off, since a stored panel would be dead until
  its kernel runs), so the page is complete before the consultant runs it live.

JupyterLab is then started on that folder alone, with the news and update-check
pop-ups off (the announcements plugin disabled and the notification settings
overridden in a settings folder of the session's own, the server's news feed
and update check switched off) and a layout of the session's own. Saving writes
into the session folder, never into the committed notebooks.

A session is kept: it holds what the consultant saved. It is opened again only
when asked (``resume=True``, ``--resume``), as it was saved but for a saved panel
whose widgets went with their kernel (JupyterLab could only show an error in its
place); a fresh one (``new=True``, ``--new``)
first moves the old one aside under a time-stamped name. Otherwise an existing
session stops the command with a message saying both.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from salesnb import __version__, paths
from salesnb.errors import SalesnbError
from salesnb.io import load_client, slugify
from salesnb.report.kernels import execute_notebook
from salesnb.report.parameters import NOTEBOOKS

__all__ = [
    "DISABLED_PLUGINS",
    "SESSIONS",
    "SESSION_FILE",
    "SETTINGS_OVERRIDES",
    "Session",
    "SessionError",
    "bind",
    "build_session",
    "drop_dead_panels",
    "lab_command",
    "notebook_name",
    "run_lab",
    "session_folder",
    "write_lab_settings",
]

#: Notebooks run at once while a session is built (each in a kernel of its own).
RUNNERS = 2
#: Where sessions go by default, relative to the current folder.
SESSIONS = Path("sessions")
#: What a session records about itself (a hidden file: JupyterLab does not list it).
SESSION_FILE = ".salesnb-session.json"
#: The session's own JupyterLab settings and layouts (hidden as well).
LAB_DIR = ".lab"
INJECTED_TAG = "injected-parameters"
PARAMETERS_TAG = "parameters"

#: Settings the session's JupyterLab starts from: no news, no check for updates.
SETTINGS_OVERRIDES: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
#: The plugin that asks about news and checks for updates: off for the session.
DISABLED_PLUGINS = ("@jupyterlab/apputils-extension:announcements",)


class SessionError(SalesnbError):
    """A session that cannot be built or opened; the message says why and what to do."""


@dataclass(frozen=True)
class Session:
    """A session folder, bound to one client folder."""

    folder: Path
    client_dir: Path
    client_name: str
    notebooks: tuple[str, ...]
    resumed: bool = False

    @property
    def settings_dir(self) -> Path:
        """The session's JupyterLab application settings (``overrides.json``, page config)."""
        return self.folder / LAB_DIR / "settings"

    @property
    def custom_dir(self) -> Path:
        """The session's style sheet, ``custom.css``: what the client must not see stays hidden."""
        return self.folder / LAB_DIR / "custom"

    @property
    def workspaces_dir(self) -> Path:
        """The session's JupyterLab layouts, so each session reopens as it was left."""
        return self.folder / LAB_DIR / "workspaces"


def session_folder(client_dir: Path | str, parent: Path | str = SESSIONS) -> Path:
    """Where the session of a client folder lives: ``parent/<slug of the folder's name>``.

    >>> session_folder("clients/Acme Systems", "sessions").as_posix()
    'sessions/acme-systems'
    """
    return Path(parent) / slugify(Path(client_dir).resolve().name)


def _code(parameters: dict[str, Any]) -> str:
    from papermill.translators import PythonTranslator

    return PythonTranslator.codify(parameters, "Parameters")


def bind(nb: nbformat.NotebookNode, client_dir: Path | str) -> nbformat.NotebookNode:
    """A copy of ``nb`` for a live session of one client, with its code hidden.

    ``client_dir`` (made absolute) and ``interactive=True`` go into the
    ``injected-parameters`` cell: the one already there (a notebook papermill has
    run) is rewritten in place, keeping its prompt number; otherwise one is added
    after the cell tagged ``parameters``. Every code cell's input is hidden;
    outputs are left as they are.
    """
    if not any(PARAMETERS_TAG in c.metadata.get("tags", []) for c in nb.cells):
        raise SessionError("the notebook has no cell tagged 'parameters' to bind the client to")
    out = copy.deepcopy(nb)
    parameters = {"client_dir": str(Path(client_dir).resolve()), "interactive": True}
    source = _code(parameters)
    injected = [c for c in out.cells if INJECTED_TAG in c.metadata.get("tags", [])]
    if injected:
        injected[0].source = source
        for extra in injected[1:]:
            out.cells.remove(extra)
    else:
        at = next(
            i for i, c in enumerate(out.cells) if PARAMETERS_TAG in c.metadata.get("tags", [])
        )
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED_TAG]})
        if (out.nbformat, out.nbformat_minor) < (4, 5):
            del cell["id"]  # cell ids came with format 4.5
        out.cells.insert(at + 1, cell)
    out.metadata.setdefault("papermill", {})["parameters"] = parameters
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    return out


def _installed_settings_dir() -> Path | None:
    """The JupyterLab installation's own application settings folder, if JupyterLab is here."""
    try:
        from jupyterlab.commands import get_app_dir
    except ImportError:
        return None
    return Path(get_app_dir()) / "settings"


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_lab_settings(settings_dir: Path, installed: Path | None = None) -> None:
    """Write the session's JupyterLab settings folder: the installation's, plus ours on top.

    ``overrides.json`` sets :data:`SETTINGS_OVERRIDES` (the defaults the session
    starts from) and ``page_config.json`` disables :data:`DISABLED_PLUGINS`. What
    the installation's own settings folder (``installed``) says is kept beneath.
    """
    settings_dir.mkdir(parents=True, exist_ok=True)
    overrides = _read_json(installed / "overrides.json") if installed else {}
    for plugin, values in SETTINGS_OVERRIDES.items():
        overrides.setdefault(plugin, {}).update(values)
    page = _read_json(installed / "page_config.json") if installed else {}
    disabled = page.get("disabledExtensions", {})
    if isinstance(disabled, list):
        disabled = dict.fromkeys(disabled, True)
    page["disabledExtensions"] = {**disabled, **dict.fromkeys(DISABLED_PLUGINS, True)}
    for name, data in (("overrides.json", overrides), ("page_config.json", page)):
        (settings_dir / name).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


#: The session's style sheet. A hidden code cell still shows its first line beside the
#: expander; a prompt number says a cell of code ran. Both go, for the session only:
#: showing a cell's code again (View > Expand All Code) shows it in full.
SESSION_CSS = """\
/* salesnb live session: the client sees the results, not the code */
.jp-CodeCell .jp-Cell-inputWrapper:has(.jp-InputPlaceholder) {
  display: none;
}
.jp-CodeCell .jp-OutputPrompt {
  visibility: hidden;
}
"""


def write_custom_css(custom_dir: Path) -> None:
    """Write the session's ``custom.css`` (:data:`SESSION_CSS`)."""
    custom_dir.mkdir(parents=True, exist_ok=True)
    (custom_dir / "custom.css").write_text(SESSION_CSS, encoding="utf-8")


def write_workspace(workspaces_dir: Path, notebooks: Sequence[str], current: int = 0) -> None:
    """The session's first layout: its notebooks open as tabs, the side panels closed."""
    from jupyterlab_server.workspaces_handler import WorkspacesManager

    widgets = [f"notebook:{name}" for name in notebooks]
    data: dict[str, Any] = {
        "layout-restorer:data": {
            "main": {
                "dock": {"type": "tab-area", "currentIndex": current, "widgets": widgets},
                "current": widgets[current] if widgets else None,
            },
            "left": {"collapsed": True, "visible": True, "widgets": ["filebrowser"]},
            "right": {"collapsed": True, "visible": True, "widgets": []},
        },
        **{
            w: {"data": {"path": n, "factory": "Notebook"}}
            for w, n in zip(widgets, notebooks, strict=True)
        },
    }
    workspaces_dir.mkdir(parents=True, exist_ok=True)
    WorkspacesManager(workspaces_dir).save(
        "default", json.dumps({"data": data, "metadata": {"id": "default"}})
    )


def _short(exc: BaseException) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        cell = getattr(exc, "exec_count", None)
        return f"{'cell ' + str(cell) + ' raised ' if cell else ''}{ename}: {evalue}"
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else exc.__class__.__name__


def _sign(notebook: Path) -> None:
    """Trust a session notebook we wrote, so JupyterLab shows its stored outputs in full."""
    from nbformat.sign import NotebookNotary

    nb = nbformat.read(notebook, as_version=4)
    try:
        NotebookNotary().sign(nb)
    except Exception:  # noqa: BLE001 - untrusted, the outputs still show (sanitised)
        return


def _prepare(source: Path, staging: Path, client_dir: Path, work: Path) -> None:
    """Run one notebook on the client folder (panel off), then bind it and trust it."""
    from jupyter_core.utils import ensure_event_loop

    target = staging / source.name
    try:
        execute_notebook(
            source, target, {"client_dir": str(client_dir), "interactive": False}, work
        )
    except Exception as exc:  # noqa: BLE001 - any failure: say which notebook and why
        raise SessionError(f"{source.name} failed on the client folder: {_short(exc)}") from None
    finally:
        ensure_event_loop().close()  # the one this worker thread's run left open
    nbformat.write(bind(nbformat.read(target, as_version=4), client_dir), target)
    _sign(target)


@contextlib.contextmanager
def _interrupted_by_stop_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into KeyboardInterrupt, as Ctrl-C is, while the notebooks run.

    So a build that is asked to stop still removes its staging folder. Only default
    handlers are replaced, and only in the main thread; they are put back on leaving.
    """

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None or signal.getsignal(signum) is not signal.SIG_DFL:
            continue
        with contextlib.suppress(ValueError):  # not the main thread
            previous[signum] = signal.signal(signum, interrupt)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def drop_dead_panels(notebook: Path) -> bool:
    """Remove the saved outputs of panels whose widgets were not saved with them.

    A notebook saved with its panel showing keeps only a reference to the panel's
    widgets, which lived in the kernel that has gone; reopened, JupyterLab shows
    "Error displaying widget: model not found" in its place until the notebook runs
    again. Everything else is left as it was saved. Returns whether the file changed.
    """
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # noqa: BLE001 - not a notebook we can read: leave it alone
        return False
    saved = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})

    def dead(output: Any) -> bool:
        view = output.get("data", {}).get(WIDGET_VIEW)
        return view is not None and view.get("model_id") not in saved

    changed = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = [output for output in cell.outputs if not dead(output)]
        if len(kept) != len(cell.outputs):
            cell.outputs = kept
            changed = True
    if changed:
        nbformat.write(nb, notebook)
        _sign(notebook)
    return changed


def _read_session(folder: Path) -> dict[str, Any]:
    return _read_json(folder / SESSION_FILE)


def _moved_aside(folder: Path) -> Path:
    stamp = f"{dt.datetime.now():%Y%m%d-%H%M%S}"
    target = folder.with_name(f"{folder.name}.{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = folder.with_name(f"{folder.name}.{stamp}-{n}")
    folder.rename(target)
    return target


def build_session(
    client_dir: Path | str,
    parent: Path | str = SESSIONS,
    *,
    resume: bool = False,
    new: bool = False,
    log: Callable[[str], None] | None = None,
) -> Session:
    """Build (or, with ``resume``, reopen) the session of one client folder.

    The folder must be ready to use (a bad one raises
    :class:`~salesnb.errors.ClientFolderError`). A new session is built in a
    staging folder and moved into place only when every notebook has run, so a
    failure leaves no half-built session behind. When a session already exists:
    ``resume`` reopens it as the consultant left it (but for dead panels, see
    :func:`drop_dead_panels`),
    ``new`` moves it aside to ``<session>.<YYYYmmdd-HHMMSS>`` and builds a fresh
    one, and neither raises :class:`SessionError`.
    """
    say = log or (lambda _line: None)
    if resume and new:
        raise SessionError("choose one: resume the existing session, or start a new one")
    client_dir = Path(client_dir).resolve()
    client = load_client(client_dir)
    folder = session_folder(client_dir, parent)
    if folder.exists():
        recorded = _read_session(folder)
        if not recorded:
            raise SessionError(
                f"{folder} exists but is not a salesnb session; "
                "move it away or choose another folder for sessions"
            )
        if resume:
            bound = recorded.get("client_dir")
            if bound != str(client_dir):
                raise SessionError(
                    f"the session in {folder} is bound to the client folder {bound}, "
                    f"not {client_dir}; start a new one or choose another folder for sessions"
                )
            session = Session(
                folder=folder,
                client_dir=client_dir,
                client_name=client.name,
                notebooks=tuple(n for n in recorded.get("notebooks", []) if (folder / n).is_file()),
                resumed=True,
            )
            write_lab_settings(session.settings_dir, _installed_settings_dir())
            write_custom_css(session.custom_dir)
            for name in session.notebooks:
                drop_dead_panels(folder / name)
            return session
        if not new:
            saved = recorded.get("created", "an earlier run")
            raise SessionError(
                f"a session for {client.name} already exists in {folder} (built {saved}), "
                "with whatever was saved in it: reopen it as it is with --resume, or start "
                "a fresh one with --new (the existing one is then kept under a dated name)"
            )
    elif resume:
        raise SessionError(f"there is no session to resume in {folder}; leave out --resume")

    sources = [paths.NOTEBOOKS / n for n in NOTEBOOKS if (paths.NOTEBOOKS / n).is_file()]
    if not sources:
        raise SessionError("no notebooks found in the package")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent.resolve()))
    work = Path(tempfile.mkdtemp(prefix="salesnb-session-"))
    try:
        say(f"{folder.name}: running the notebooks on the client folder")
        with _interrupted_by_stop_signals(), ThreadPoolExecutor(max_workers=RUNNERS) as pool:
            runs = [pool.submit(_prepare, src, staging, client_dir, work) for src in sources]
            failures = [str(run.exception()) for run in runs if run.exception() is not None]
        if failures:
            raise SessionError(f"{folder.name}: " + "; ".join(failures))
        (staging / SESSION_FILE).write_text(
            json.dumps(
                {
                    "client": client.name,
                    "client_dir": str(client_dir),
                    "created": dt.datetime.now().isoformat(timespec="seconds"),
                    "salesnb": __version__,
                    "notebooks": [s.name for s in sources],
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        staging.chmod(0o755)
        session = Session(
            folder=folder,
            client_dir=client_dir,
            client_name=client.name,
            notebooks=tuple(s.name for s in sources),
        )
        write_lab_settings(staging / LAB_DIR / "settings", _installed_settings_dir())
        write_custom_css(staging / LAB_DIR / "custom")
        write_workspace(staging / LAB_DIR / "workspaces", session.notebooks)
        if folder.exists():
            kept = _moved_aside(folder)
            say(f"{folder.name}: the earlier session is kept in {kept}")
        staging.rename(folder)
        return session
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def notebook_name(session: Session, name: str) -> str:
    """The session notebook ``name`` stands for: the file name, without ``.ipynb``, or its start.

    >>> s = Session(Path("s"), Path("c"), "C", ("01-annual-plan.ipynb", "02-pro-forma.ipynb"))
    >>> notebook_name(s, "02")
    '02-pro-forma.ipynb'
    """
    if name in session.notebooks:
        return name
    matches = [n for n in session.notebooks if n.startswith(name)] if name else []
    if len(matches) == 1:
        return matches[0]
    which = "matches more than one" if matches else "is none"
    raise SessionError(
        f"notebook {name!r} {which} of the session's notebooks: {', '.join(session.notebooks)}"
    )


def _is_root() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return bool(geteuid and geteuid() == 0)


def lab_command(
    session: Session,
    *,
    notebook: str | None = None,
    port: int | None = None,
    browser: bool = True,
    as_root: bool | None = None,
    python: str | None = None,
) -> list[str]:
    """The command line that opens JupyterLab on a session (``as_root`` default: who runs it).

    JupyterLab serves the session folder only, on this machine only, with the
    session's own settings and layouts; ``notebook`` is opened at once.
    """
    command = [
        python or sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={session.folder.resolve()}",
        f"--LabApp.app_settings_dir={session.settings_dir.resolve()}",
        f"--LabApp.workspaces_dir={session.workspaces_dir.resolve()}",
        f'--ServerApp.tornado_settings={{"static_custom_path": "{session.custom_dir.resolve()}"}}',
        "--LabApp.custom_css=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if notebook is not None:
        command.append(f"--LabApp.default_url=/lab/tree/{notebook_name(session, notebook)}")
    if port is not None:
        command += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if not browser:
        command.append("--no-browser")
    if _is_root() if as_root is None else as_root:
        command.append("--allow-root")
    return command


def run_lab(command: Sequence[str]) -> int:
    """Run JupyterLab until it stops, and return its exit status.

    Ctrl-C reaches JupyterLab from the terminal, and JupyterLab asks before it
    stops, so this waits on. A request to stop this command (SIGTERM, or SIGHUP
    when its terminal closes) is passed on, so JupyterLab shuts its kernels down.
    """
    process = subprocess.Popen(list(command))
    passed_on = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {}
    with contextlib.suppress(ValueError):  # handlers can only be set in the main thread
        for signum in passed_on:
            previous[signum] = signal.signal(signum, lambda n, _frame: process.send_signal(n))
    try:
        while True:
            try:
                return process.wait()
            except KeyboardInterrupt:
                continue  # the terminal sent it to JupyterLab as well: JupyterLab answers it
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
