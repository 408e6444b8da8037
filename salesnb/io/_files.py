"""What the readers of :mod:`salesnb.io` share about a client's files.

Whether a table's file is there and may be read (:func:`present`, :func:`refused`),
how a file's bytes become text (:func:`encoding_of`, :func:`decode`) and the first
record of a CSV file (:func:`first_record`, with the delimiters and the lines that
may come before the header). The table engine (:mod:`salesnb.io.tables`), the CRM
loader (:mod:`salesnb.io.crm`) and the settings reader
(:mod:`salesnb.io.yaml_reader`) read with these, so that a file reads the same
whichever of them reads it, and says so in the same words.

Encodings
---------
A file is read by its byte-order mark (UTF-8, UTF-16 or UTF-32), else as UTF-16 when
it plainly is (every other byte zero, as Latin letters are written in it), else as
UTF-8, else as Windows-1252, the encoding spreadsheets on Windows save "CSV" in. A
UTF-8 mark on text that is not UTF-8 is set aside and the text read as Windows-1252.
A problem names the first byte that cannot be read, counting from 1 as a person
counts (a hex editor's offset is that number less one).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from salesnb.errors import Problem

__all__ = [
    "BOMS",
    "DELIMITERS",
    "HEAD_BYTES",
    "LEADING_BLANK_LINES",
    "NEWLINES",
    "SEP_LINE",
    "decode",
    "encoding_of",
    "first_record",
    "present",
    "refused",
]

# ----------------------------------------------------------------------------
# Where a file is
# ----------------------------------------------------------------------------


def present(path: Path) -> bool:
    """Whether ``path`` is in its folder: a file, a folder or a link (even a broken one)."""
    return path.is_symlink() or path.exists()


def refused(folder: Path, path: Path) -> str | None:
    """Why a table's file is not read where it is, if it is not."""
    if path.is_symlink() and not path.exists():
        return "is a link to a file that does not exist: copy the table itself into the folder"
    if not path.is_file():
        return "is not a file: a table is a CSV file or an Excel workbook"
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        return (
            "is a link to a file outside the client folder: copy the file into the folder "
            "instead, so that the folder holds everything its report is made from"
        )
    return None


# ----------------------------------------------------------------------------
# Bytes to text
# ----------------------------------------------------------------------------

#: The byte-order marks: mark, Python codec, name for a message. The longer first: a
#: UTF-32 LE mark begins as a UTF-16 LE one does.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
#: What a reader reads of a file first: enough to know its encoding and its header.
HEAD_BYTES = 1 << 16


def encoding_of(head: bytes, size: int) -> tuple[str, str]:
    """The codec a file of ``size`` bytes starting with ``head`` is in, and its name.

    By its byte-order mark, else UTF-16 when it plainly is, else UTF-8 (``"utf-8"``
    or, with the mark, ``"utf-8-sig"``; both named ``"UTF-8"``). Whether UTF-8 holds
    throughout, or the file is Windows-1252 after all, only reading all of it says.

    Examples
    --------
    >>> encoding_of(codecs.BOM_UTF16_LE + "id".encode("utf-16-le"), 6)
    ('utf-16', 'UTF-16')
    >>> encoding_of("id".encode("utf-16-be"), 4)
    ('utf-16-be', 'UTF-16')
    >>> encoding_of(b"id,owner", 8)
    ('utf-8', 'UTF-8')
    """
    for mark, codec, label in BOMS:
        if head.startswith(mark):
            return codec, label
    wide = _utf16_without_mark(head, size)
    return (wide, "UTF-16") if wide is not None else ("utf-8", "UTF-8")


def _utf16_without_mark(head: bytes, size: int) -> str | None:
    """ "utf-16-le" or "utf-16-be" for text that is plainly UTF-16 without its byte-order
    mark (every other byte zero, as Latin letters are written), else None."""
    sample = head[:4096]
    half = len(sample) // 2
    if half < 2 or size % 2:
        return None
    even, odd = sample[0 : 2 * half : 2].count(0), sample[1 : 2 * half : 2].count(0)
    if odd >= 0.4 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.4 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def decode(
    data: bytes, name: str, *, advice: str = "save it as UTF-8 text"
) -> tuple[str, str] | Problem:
    """A file's bytes as text, with the name of the encoding they were read in.

    Parameters
    ----------
    data
        All of the file's bytes.
    name
        The file's name, for the problem.
    advice
        What the problem tells the consultant to do, after a colon.

    Returns
    -------
    tuple of (str, str) or Problem
        The text and ``"UTF-8"``, ``"UTF-16"``, ``"UTF-32"`` or ``"Windows-1252"``
        (see :func:`encoding_of`; anything but UTF-8 is the reader's to note), or the
        one problem when the bytes are not text in any of them.

    Notes
    -----
    The byte a problem names is counted from 1, the byte-order mark included.

    Examples
    --------
    >>> decode("Café".encode("cp1252"), "plan.csv")
    ('Café', 'Windows-1252')
    >>> decode(codecs.BOM_UTF8 + "Café".encode(), "plan.csv")
    ('Café', 'UTF-8')
    >>> decode(b"ab\\x81", "plan.csv").message
    'is neither UTF-8 nor Windows-1252 text (byte 3 is 0x81): save it as UTF-8 text'
    """
    codec, label = encoding_of(data, len(data))
    if label != "UTF-8":
        try:
            return data.decode(codec), label
        except UnicodeDecodeError as exc:  # its position counts the mark, as ours does
            return Problem(
                name,
                f"starts as {label} text does, but is not {label} text throughout "
                f"(byte {exc.start + 1}): {advice}",
            )
    try:
        return data.decode(codec), label
    except UnicodeDecodeError:
        pass
    skip = len(codecs.BOM_UTF8) if codec == "utf-8-sig" else 0
    try:
        return data[skip:].decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        at = skip + exc.start
        byte = f"byte {at + 1} is 0x{data[at]:02x}"
        return Problem(name, f"is neither UTF-8 nor Windows-1252 text ({byte}): {advice}")


# ----------------------------------------------------------------------------
# A CSV file's first record
# ----------------------------------------------------------------------------

#: The delimiters a CSV file may use, with their names for a note.
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
#: A first line ``sep=;``, as Excel writes for itself: it names the delimiter and is
#: no row of the table.
SEP_LINE = re.compile(r"sep=(.)(?:\r\n|\n|\r)")
#: Blank lines before the header (they keep their place in the row numbering).
LEADING_BLANK_LINES = re.compile(r"(?:[ \t]*(?:\r\n|\n|\r))*")
#: A line break, as any system writes it.
NEWLINES = re.compile(r"\r\n|\n|\r")


def first_record(text: str, delimiter: str) -> list[str]:
    """The fields of the first CSV record of ``text`` (its header), or none if unreadable.

    Examples
    --------
    >>> first_record('id;"owner; name"\\n1;Bo\\n', ";")
    ['id', 'owner; name']
    """
    try:
        return next(csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []
