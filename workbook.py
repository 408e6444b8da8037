#!/usr/bin/env python3
"""Set up the workbook and run it: the two commands of the quick start.

    python3 workbook.py report   # set up, then write the sample client's report pack
    python3 workbook.py test     # set up, then run the whole test suite

Setting up means: a virtual environment in ``.venv`` with the pinned versions of
``constraints.txt`` and this package installed editable. It is done once and
redone only when ``pyproject.toml`` or ``constraints.txt`` change. Needs only
Python 3.11+ and its ``venv`` module.

Other commands: ``lab [CLIENT_FOLDER]`` (a client's live session in JupyterLab, the
sample client's without a folder; ``salesnb lab --help`` lists its options),
``lint``, ``benchmark``, ``notebooks`` (re-execute the committed notebooks on the
sample client), and ``salesnb ...`` (the package's own command line, inside the
environment).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".salesnb-installed"
SAMPLE = ROOT / "data" / "sample" / "cedar-ridge"
REPORTS = ROOT / "reports"
TEST_COMMAND = ["-m", "pytest"]


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def setup() -> None:
    """Create ``.venv`` and install the pinned environment, unless it is already current."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs on the system's Python
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if STAMP.is_file() and STAMP.read_text().strip() == _fingerprint() and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("Creating the environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing the pinned packages (once; about a minute) ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run(
        [*pip, "-c", str(ROOT / "constraints.txt"), "-e", f"{ROOT}[lab,test,portfolio]"], check=True
    )
    STAMP.write_text(_fingerprint() + "\n")


def run(args: list[str], **kwargs) -> int:
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    env.pop("MPLBACKEND", None)  # the notebooks choose their own backend
    return subprocess.run(args, cwd=ROOT, env=env, check=False, **kwargs).returncode


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if command in {"help", "-h", "--help"}:
        print(__doc__)
        return 0
    setup()
    if command == "setup":
        return 0
    if command == "report":
        target = rest or [str(SAMPLE), "--out", str(REPORTS)]
        return run([str(BIN / "salesnb"), "report", *target])
    if command == "test":
        return run([str(PYTHON), *TEST_COMMAND, *rest])
    if command == "lint":
        return run([str(BIN / "ruff"), "check", "."]) or run(
            [str(BIN / "ruff"), "format", "--check", "."]
        )
    if command == "lab":
        # A client's live session. Run from the user's folder, so the client folder and
        # sessions/ are where they typed them; Ctrl-C is JupyterLab's to answer, so wait on;
        # a request to stop this command is passed on, so the session stops with it.
        import signal

        env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        env.pop("MPLBACKEND", None)
        session = subprocess.Popen([str(BIN / "salesnb"), "lab", *rest], env=env)
        for name in ("SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), lambda n, _frame: session.send_signal(n))
        while True:
            try:
                return session.wait()
            except KeyboardInterrupt:
                continue
    if command == "benchmark":
        # tables: the table engine against pandas.read_csv; crm: the CRM exports and the
        # dashboard against pandas and DuckDB; portfolio: a batch on two workers
        if rest[:1] in (["tables"], ["crm"], ["portfolio"]):
            return run([str(PYTHON), str(ROOT / "benchmarks" / f"{rest[0]}.py"), *rest[1:]])
        return run([str(PYTHON), str(ROOT / "benchmarks" / "run.py"), *rest])
    if command == "notebooks":
        return run([str(PYTHON), "-m", "salesnb.report.execute", *rest])
    if command == "salesnb":
        return run([str(BIN / "salesnb"), *rest])
    print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
