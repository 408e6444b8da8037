"""The package's own errors.

Every error the workbook raises on purpose derives from :class:`SalesnbError`.
Bad input to a calculation is an :class:`InputError`, which is also a
:class:`ValueError`, so code that expects the standard type keeps working.
A client folder that cannot be used is a :class:`ClientFolderError` carrying
every :class:`Problem` found in it; a report that could not be produced is a
:class:`ReportError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ClientFolderError",
    "InputError",
    "Problem",
    "ReportError",
    "SalesnbError",
    "located",
]


class SalesnbError(Exception):
    """The base of every error the workbook raises on purpose."""


class InputError(SalesnbError, ValueError):
    """A value a calculation cannot use; the message names it and says what was expected.

    When the value came from a client file, ``file``, ``row`` and ``column`` say where
    (the checks in :mod:`salesnb.io` turn such an error into a :class:`Problem`).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ):
        super().__init__(message)
        self.file = file
        self.row = row
        self.column = column


@contextmanager
def located(file: str, row: int | None = None, column: str | None = None) -> Iterator[None]:
    """Give an :class:`InputError` raised inside the place its value came from.

    ``column`` defaults to the name the message starts with (``annual_quota: must
    be above 0`` names the column ``annual_quota``). An error that already says
    where it came from is left as it is.

    >>> try:
    ...     with located("roster.csv", row=4):
    ...         raise InputError("annual_quota: must be above 0; got 0")
    ... except InputError as exc:
    ...     print(exc.file, exc.row, exc.column)
    roster.csv 4 annual_quota
    """
    try:
        yield
    except InputError as exc:
        if exc.file is not None:
            raise
        named = re.match(r"^([A-Za-z_][\w.]*)(?: of [^:]*)?:", str(exc))
        raise InputError(
            str(exc),
            file=file,
            row=row if row is not None else exc.row,
            column=column or exc.column or (named.group(1) if named else None),
        ) from exc


class ReportError(SalesnbError):
    """A report that could not be produced; the message says why and where to look."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a client folder, located as precisely as possible.

    A problem with ``note=True`` is not wrong, only worth knowing (a table read as
    Windows-1252, a semicolon-delimited export): it never stops a report.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    note: bool = False

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class ClientFolderError(SalesnbError):
    """A client folder that cannot be used, with every problem found in it."""

    def __init__(self, folder: Path | str, problems: list[Problem]):
        self.folder = Path(folder)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{self.name}: {len(problems)} {noun} in the client folder\n{lines}")

    @property
    def name(self) -> str:
        """The folder's own name, also when it was given as ``.`` or ``..``."""
        return self.folder.name or self.folder.resolve().name or str(self.folder)
