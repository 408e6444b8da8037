"""Shared by every test folder: pytest puts this folder on the import path, so test
modules in any sub-folder can import the helpers that live beside this file
(``sample_copies``), and the fixtures below are given to every test."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.fixture
def ended_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)
