"""The project's front door: the quick start, CI, the pins and the conda file agree."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


class TestQuickStart:
    def test_readme_quick_start_is_two_commands(self):
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        block = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
        commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
        assert commands == ["python3 workbook.py report", "python3 workbook.py test"]

    def test_ci_runs_the_readme_test_command(self):
        ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
        assert "\npython3 workbook.py test" in ci

    def test_workbook_test_command_is_pytest(self):
        sys.path.insert(0, str(ROOT))
        try:
            import workbook
        finally:
            sys.path.remove(str(ROOT))
        assert workbook.TEST_COMMAND == ["-m", "pytest"]


class TestPins:
    def test_every_dependency_is_pinned(self):
        project = _pyproject()["project"]
        wanted = list(project["dependencies"])
        for extra in project["optional-dependencies"].values():
            wanted += extra
        pins = _pins()
        missing = sorted({_name(r) for r in wanted} - set(pins))
        assert not missing, f"not pinned in constraints.txt: {missing}"

    def test_jsonschema_pin_that_halves_start_up(self):
        # jsonschema 4.25+ compiles a grammar at every import of papermill/nbconvert
        assert _pins()["jsonschema"] == "4.24.1"

    def test_pins_satisfy_pyproject(self):
        from packaging.requirements import Requirement

        pins = _pins()
        for requirement in _pyproject()["project"]["dependencies"]:
            req = Requirement(requirement)
            assert req.specifier.contains(pins[_name(requirement)]), requirement


class TestCondaEnvironment:
    def test_environment_installs_the_pip_files(self):
        env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
        deps = env["dependencies"]
        assert "pip" in deps
        assert any(str(d).startswith("python=3.11") for d in deps)
        pip = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
        assert "-c constraints.txt" in pip
        editable = next(p for p in pip if p.startswith("-e ."))
        extras = set(re.search(r"\[(.*)\]", editable).group(1).split(","))
        assert extras == set(_pyproject()["project"]["optional-dependencies"])


@pytest.mark.skipif(
    shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists(),
    reason="ruff is not installed",
)
class TestLint:
    def _ruff(self) -> str:
        local = Path(sys.executable).parent / "ruff"
        return str(local) if local.exists() else shutil.which("ruff")

    def test_ruff_check(self):
        done = subprocess.run(
            [self._ruff(), "check", "."], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def test_ruff_format(self):
        done = subprocess.run(
            [self._ruff(), "format", "--check", "."],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr


class TestBenchmarks:
    @pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "benchmarks").glob("*.py")))
    def test_benchmark_script_imports_and_explains_itself(self, script):
        """``--help`` imports everything a benchmark uses, so a renamed module fails here."""
        done = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / script), "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "usage:" in done.stdout
