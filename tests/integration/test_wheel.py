"""The wheel, installed outside the checkout, runs as a checkout does.

The wheel is built from a copy of the source tree (so the build never leaves a
``build/`` folder in the checkout, nor ships stale files from one), and its file
list is checked: the notebooks, the sample client and the templates travel as
package data. It is then installed, without its dependencies, into a fresh
virtual environment, and the installed ``salesnb`` command makes a client
folder, checks the installed sample client and writes its report pack from a
working folder that is not the checkout.

How the installed copy is kept apart from the editable one: the test's own
environment has ``salesnb`` installed in editable mode (a ``.pth`` file that
puts a finder on ``sys.meta_path`` pointing into the checkout). The fresh
environment borrows the dependencies (pandas, papermill, ...) from the test's
environment through a ``.pth`` file that names its site-packages as a *plain
path entry*: Python then imports from that folder but never runs the ``.pth``
files inside it, so the editable finder is never installed, and the wheel's
copy, in the fresh environment's own site-packages, comes first on
``sys.path``. A probe run in the fresh environment asserts exactly that, for
the module, the data folders and the kernel the reports run in.
"""

from __future__ import annotations

import email
import html
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest
import yaml

from salesnb import __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "cedar-ridge"
#: What the build needs from the checkout is everything but environments, caches and outputs.
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "reports",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".*_cache",
    ".hypothesis",
    ".ipynb_checkpoints",
)
#: The setuptools message for a folder Python can import that the wheel leaves out.
LEFT_OUT = "absent from the `packages` configuration"
DIST_INFO = f"salesnb-{__version__}.dist-info"


def _run(args: list[str | Path], *, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


def _ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, (
        f"{done.args} exited {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    )
    return done


# -- the wheel --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel built by pip from a copy of the checkout, and pip's output."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=NOT_SOURCE, symlinks=True)
    out = tmp / "dist"
    done = _ok(_run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, src]))
    wheels = list(out.glob("salesnb-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0], done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(built: tuple[Path, str]) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def test_the_wheel_ships_the_notebooks(names: set[str]) -> None:
    shipped = {n for n in names if n.startswith("salesnb/notebooks/") and n.endswith(".ipynb")}
    expected = {f"salesnb/notebooks/{p.name}" for p in (ROOT / "notebooks").glob("0?-*.ipynb")}
    assert len(expected) >= 3
    assert shipped == expected
    assert "salesnb/notebooks/__init__.py" in names


def test_the_wheel_ships_the_sample_client(names: set[str]) -> None:
    shipped = {n for n in names if n.startswith("salesnb/sample/cedar-ridge/")}
    expected = {f"salesnb/sample/cedar-ridge/{p.name}" for p in SAMPLE.iterdir() if p.is_file()}
    assert "salesnb/sample/cedar-ridge/settings.yaml" in shipped
    assert {n for n in shipped if n.endswith(".csv")} >= {
        f"salesnb/sample/cedar-ridge/{t}.csv"
        for t in ("actuals", "expense_schedule", "expenses", "revenue_plan", "roster")
    }
    assert shipped == expected


def test_the_wheel_ships_the_templates(names: set[str]) -> None:
    templates = ROOT / "salesnb" / "templates"
    expected = {
        "salesnb/" + p.relative_to(ROOT / "salesnb").as_posix()
        for p in templates.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert {
        "salesnb/templates/client/settings.yaml",
        "salesnb/templates/report/conf.json",
        "salesnb/templates/report/index.html.j2",
    } <= expected
    assert expected <= names


def test_the_wheel_ships_every_module_and_nothing_else(
    names: set[str], built: tuple[Path, str]
) -> None:
    """A subpackage missing from ``[tool.setuptools] packages`` fails here, not at a client's."""
    modules = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "salesnb").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert modules <= names, sorted(modules - names)
    assert LEFT_OUT not in built[1], built[1]
    assert {n.split("/")[0] for n in names} == {"salesnb", DIST_INFO}
    assert not any(n.endswith((".pyc", ".ipynb_checkpoints")) for n in names)


def test_the_wheel_metadata(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        meta = email.message_from_bytes(zf.read(f"{DIST_INFO}/METADATA"))
        entry_points = zf.read(f"{DIST_INFO}/entry_points.txt").decode()
    assert meta["Name"] == "salesnb"
    requires = {
        r.split(">")[0].split(";")[0].strip().lower() for r in meta.get_all("Requires-Dist")
    }
    assert {"pandas", "papermill", "nbconvert", "ipykernel", "pyyaml", "openpyxl"} <= requires
    assert "salesnb = salesnb.cli:main" in entry_points


# -- the installed copy -----------------------------------------------------------------


class Installed:
    """A fresh environment with the wheel in it and the test environment's dependencies."""

    def __init__(self, root: Path, work: Path):
        self.root = root
        self.bin = root / ("Scripts" if os.name == "nt" else "bin")
        self.python = self.bin / ("python.exe" if os.name == "nt" else "python")
        self.site = Path(
            sysconfig.get_path("purelib", vars={"base": str(root), "platbase": str(root)})
        )
        self.work = work
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"}
        }
        env["PATH"] = os.pathsep.join([str(self.bin), env.get("PATH", "")])
        env["PYTHONNOUSERSITE"] = "1"
        env["VIRTUAL_ENV"] = str(root)
        # nbconvert's base templates and the kernel spec are data files of the borrowed
        # dependencies: they live under the test environment's prefix, not the fresh one's
        env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
        self.env = env

    def run(self, *args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess:
        return _run(list(args), cwd=self.work, env=self.env, timeout=timeout)

    def salesnb(self, *args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess:
        return self.run(self.bin / "salesnb", *args, timeout=timeout)


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("installed")
    root = tmp / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(root)
    work = tmp / "work"
    work.mkdir()
    env = Installed(root, work)
    # The test environment's pip installs into the fresh one (--python): no pip to
    # bootstrap there, no index asked (--no-index, --no-deps)
    pip = [sys.executable, "-m", "pip", "--python", env.python]
    _ok(_run([*pip, "install", "--no-deps", "--no-index", "--no-compile", wheel]))
    # The dependencies: the test environment's site-packages as plain path entries, after
    # the fresh site-packages; their own .pth files (the editable finder's) are not run
    borrowed = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (env.site / "_borrowed_dependencies.pth").write_text(
        "".join(f"{p}\n" for p in borrowed), encoding="utf-8"
    )
    return env


PROBE = textwrap.dedent(
    """
    import json, sys
    from importlib import metadata
    import salesnb, salesnb.cli, salesnb.paths as p
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    print(json.dumps({
        "salesnb": salesnb.__file__,
        "cli": salesnb.cli.__file__,
        "NOTEBOOKS": str(p.NOTEBOOKS),
        "SAMPLE_CLIENT": str(p.SAMPLE_CLIENT),
        "TEMPLATES": str(p.TEMPLATES),
        "distribution": str(metadata.distribution("salesnb").locate_file("salesnb")),
        "finders": [getattr(f, "__name__", type(f).__name__) for f in sys.meta_path],
        "kernel": km.format_kernel_cmd()[0],
        "executable": sys.executable,
    }))
    """
)


@pytest.fixture(scope="module")
def probe(installed: Installed) -> dict[str, str]:
    return json.loads(_ok(installed.run(installed.python, "-c", PROBE)).stdout)


def _within(path: str | Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def test_the_installed_copy_is_the_wheel_not_the_checkout(
    installed: Installed, probe: dict[str, str]
) -> None:
    site = installed.site / "salesnb"
    for key in ("salesnb", "cli", "NOTEBOOKS", "SAMPLE_CLIENT", "TEMPLATES", "distribution"):
        assert _within(probe[key], site), (key, probe[key])
        assert not _within(probe[key], ROOT), (key, probe[key])
    assert not any("Editable" in name for name in probe["finders"]), probe["finders"]
    assert Path(probe["executable"]) == installed.python
    # the reports' kernels run in the fresh environment too, so they import the wheel's copy
    assert Path(probe["kernel"]) == installed.python
    assert (Path(probe["SAMPLE_CLIENT"]) / "settings.yaml").is_file()
    assert len(list(Path(probe["NOTEBOOKS"]).glob("0?-*.ipynb"))) >= 3


def test_the_installed_command_makes_a_client_folder(installed: Installed) -> None:
    done = _ok(installed.salesnb("new-client", "Acme Systems", "--dir", "clients"))
    folder = installed.work / "clients" / "acme-systems"
    assert f"created {Path('clients') / 'acme-systems'}" in done.stdout
    assert {"settings.yaml", "revenue_plan.csv", "actuals.csv", "roster.csv"} <= {
        p.name for p in folder.iterdir()
    }
    assert '"Acme Systems"' in (folder / "settings.yaml").read_text(encoding="utf-8")
    again = installed.salesnb("new-client", "Acme Systems", "--dir", "clients")
    assert again.returncode == 1
    assert "already exists" in again.stderr


def test_the_installed_command_checks_the_installed_sample(
    installed: Installed, probe: dict[str, str]
) -> None:
    done = _ok(installed.salesnb("validate", probe["SAMPLE_CLIENT"]))
    assert done.stdout.strip() == (
        "cedar-ridge: ready (annual sales plan, pro forma and stress test, hiring timeline, "
        "sales dashboard, leading indicators, sales management checkup, recruiting scorecard, "
        "training plan and operating rhythm)"
    )
    bad = installed.salesnb("validate", "no-such-client")
    assert bad.returncode == 1
    assert "no-such-client" in bad.stderr


def test_the_installed_command_writes_the_sample_report(
    installed: Installed, probe: dict[str, str]
) -> None:
    sample = Path(probe["SAMPLE_CLIENT"])
    before = sorted(p.relative_to(sample) for p in sample.rglob("*"))
    done = _ok(
        installed.salesnb("report", sample, "--out", "reports", "--no-pdf", "-q", timeout=240)
    )
    pack = installed.work / "reports" / "cedar-ridge"
    client = yaml.safe_load((sample / "settings.yaml").read_text(encoding="utf-8"))["client"][
        "name"
    ]
    assert done.stdout.strip() == f"{client}: report written to {pack / 'report.html'}"
    for name in ("report.html", "figures.json", "tables.xlsx"):
        assert (pack / name).is_file() and (pack / name).stat().st_size > 0, name
    assert not (pack / "report.pdf").exists()
    assert html.escape(client) in (pack / "report.html").read_text(encoding="utf-8")
    executed = sorted(p.name for p in (pack / "notebooks").glob("*.ipynb"))
    assert executed == sorted(p.name for p in Path(probe["NOTEBOOKS"]).glob("0?-*.ipynb"))
    figures = json.loads((pack / "figures.json").read_text(encoding="utf-8"))
    assert figures["client"] | {"name": client, "folder": "cedar-ridge"} == figures["client"]
    assert figures["software"]["salesnb"] == __version__
    # the notebooks read the installed sample, and nothing was written beside it
    for nb in (pack / "notebooks").glob("*.ipynb"):
        text = nb.read_text(encoding="utf-8")
        assert json.dumps(str(sample.resolve()))[1:-1] in text, nb.name
        for checkout in (ROOT / "salesnb", ROOT / "notebooks", ROOT / "data"):
            assert str(checkout) not in text, (nb.name, checkout)
    assert sorted(p.relative_to(sample) for p in sample.rglob("*")) == before
