"""A strict reader for the small YAML files a client writes (``settings.yaml``).

YAML can do far more than a settings file needs, and some of it is dangerous in a
file that comes from outside: anchors and aliases let a few kilobytes expand to
gigabytes ("billion laughs"), a key given twice silently replaces the first, and
YAML 1.1 reads ``012`` as the octal number 10 and ``1:30`` as 90. This reader
builds the document from the parser's events itself, one event at a time, and
stops at the first thing a settings file has no use for, before any Python
object is made:

- anchors (``&name``) and aliases (``*name``) are refused;
- only the plain tags are taken (``!!str``, ``!!int``, ``!!float``, ``!!bool``,
  ``!!null``, ``!!seq``, ``!!map``), never one that builds an object;
- nesting deeper than :data:`MAX_DEPTH`, more than :data:`MAX_NODES` values or a
  file above :data:`MAX_BYTES` is refused;
- keys are text (as written), and a key given twice in one mapping is reported
  with both lines;
- numbers are decimal (``012`` is twelve), ``2e6`` is a number, a date is left as the text written
  (the settings model reads it and says what is wrong with an impossible one),
  and ``1:30`` is text.

:func:`read_text` reads the file's bytes and decodes them as every table of the
client folder is (UTF-8, UTF-16 or UTF-32, else Windows-1252 with a note; see
:mod:`salesnb.io._files`);
:func:`compose` turns text into a node tree with its lines; :func:`construct`
turns that tree into plain dicts, lists and scalars. :func:`load_value` does all
of it for one value given on the command line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from salesnb.errors import Problem
from salesnb.io._files import decode

__all__ = [
    "ECHO",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Duplicate",
    "YamlError",
    "clip",
    "compose",
    "construct",
    "escape",
    "load_value",
    "quote",
    "read_text",
]

#: The most characters of a client's value a message quotes before cutting it short.
ECHO = 60
#: The largest settings file read (256 KiB): a full settings file with every
#: planning question answered at length is a few kilobytes.
MAX_BYTES = 256 * 1024
#: The deepest nesting of mappings and lists taken (the settings use four levels).
MAX_DEPTH = 32
#: The most values (scalars, lists and mappings) one document may hold.
MAX_NODES = 5_000

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value")}
_DECIMAL = re.compile(r"^[-+]?[0-9][0-9_]*$")
#: A number with an exponent and maybe no point (``2e6``): YAML 1.1 reads it as
#: text, YAML 1.2 and every spreadsheet as the number it looks like.
_EXPONENT = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$")
_CHARACTER_NAMES = {"\t": "tab", "\n": "line break", "\r": "carriage return"}


def clip(text: str, limit: int = ECHO) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when something was cut.

    >>> clip("short"), clip("x" * 100, 5)
    ('short', 'xxxxx…')
    """
    return text if len(text) <= limit else text[:limit] + "…"


def quote(value: object, limit: int = ECHO) -> str:
    """A client's value as a message quotes it: its repr, cut short.

    >>> quote("Acme"), quote(1.5), quote("a" * 100, 8)
    ("'Acme'", '1.5', "'aaaaaaa…")
    """
    if isinstance(value, str) and len(value) > 4 * limit:
        value = value[: 4 * limit]  # never repr a huge text only to cut it
    return clip(repr(value), limit)


def escape(character: str) -> str:
    r"""A character as an escape a reader can see: ``\x07``, ``\t``, ``\u202e``.

    >>> print(escape("\x07"), escape("\t"), escape("\u202e"))
    \x07 \t \u202e
    """
    return character.encode("unicode_escape").decode("ascii")


class YamlError(Exception):
    """Text that cannot be read as the plain YAML a settings file is, with its line."""

    def __init__(self, message: str, line: int | None = None, path: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.line = line
        #: The keys leading to the value concerned, when known (``("plan", "ramp")``).
        self.path = path


@dataclass(frozen=True)
class Duplicate:
    """A key given twice in one mapping: the path to it and the two lines (1-based)."""

    path: tuple[str, ...]
    first: int
    again: int


# ----------------------------------------------------------------------------
# Bytes to text
# ----------------------------------------------------------------------------


def read_text(path: Path, name: str | None = None) -> tuple[str | None, list[Problem]]:
    """The text of ``path`` and what is worth knowing about how it was read.

    A file that is missing, not a regular file, unreadable, too large or not text
    gives ``None`` and one problem; a file read as Windows-1252 gives its text and
    a note (``Problem(note=True)``).
    """
    name = name or path.name
    try:
        if not path.exists():
            return None, [Problem(name, "file not found: every client folder needs one")]
        if not path.is_file():
            return None, [Problem(name, "is not a file (a folder or a device has this name)")]
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return None, [Problem(name, f"cannot be read: {reason}")]
    if len(data) > MAX_BYTES:
        return None, [
            Problem(
                name,
                f"is larger than {MAX_BYTES // 1024} KB: a settings file is a few kilobytes "
                "of text; is this the right file?",
            )
        ]
    read = decode(data, name)
    if isinstance(read, Problem):
        return None, [read]
    text, label = read
    if label != "Windows-1252":
        return text, []
    note = Problem(
        name,
        "read as Windows-1252 (the file is not UTF-8); check that accented letters "
        "read right, or save it as UTF-8",
        note=True,
    )
    return text, [note]


# ----------------------------------------------------------------------------
# Text to nodes
# ----------------------------------------------------------------------------


def _line(event: yaml.Event | yaml.Node) -> int:
    return event.start_mark.line + 1


def _yaml_error(exc: yaml.YAMLError, text: str) -> YamlError:
    """The parser's own error, as one short message with its line."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        return YamlError(
            f"not valid YAML: the character {escape(char)} is not allowed in a YAML file", line
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return YamlError(
        f"not valid YAML: {clip(str(problem), 2 * ECHO)}", mark.line + 1 if mark else None
    )


def _shown_tag(tag: str) -> str:
    """A tag as it is usually written: ``!!binary`` rather than its full name."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _scalar_tag(loader: yaml.SafeLoader, event: yaml.ScalarEvent) -> str:
    if event.tag is None or event.tag == "!":
        return loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if event.tag not in _SCALAR_TAGS:
        raise YamlError(
            f"the YAML tag {quote(_shown_tag(event.tag))} is not allowed: "
            "write the value as plain text or a number",
            _line(event),
        )
    return event.tag


def compose(text: str) -> tuple[yaml.Node | None, list[Duplicate]]:
    """The node tree of a one-document YAML text, and the keys given twice.

    Raises :class:`YamlError` (with the line) at the first anchor, alias, object
    tag, merge key, mapping key that is not plain text, second document, nesting
    beyond :data:`MAX_DEPTH` or value beyond :data:`MAX_NODES`, or at invalid YAML.
    Nothing is built beyond the nodes themselves, so refusing is quick whatever
    the text holds.
    """
    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(text)
        return _compose(loader)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text) from None
    except RecursionError:
        raise YamlError("not valid YAML: nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


class _Frame:
    """A mapping or a list being filled in, with its path and the keys seen so far."""

    __slots__ = ("key", "node", "path", "seen")

    def __init__(self, node: yaml.Node, path: tuple[str, ...]):
        self.node = node
        self.path = path
        self.key: yaml.ScalarNode | None = None
        self.seen: dict[str, int] = {}


def _compose(loader: yaml.SafeLoader) -> tuple[yaml.Node | None, list[Duplicate]]:
    stack: list[_Frame] = []
    duplicates: list[Duplicate] = []
    root: yaml.Node | None = None
    documents = 0
    nodes = 0
    while True:
        event = loader.get_event()
        if isinstance(event, yaml.StreamEndEvent):
            return root, duplicates
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlError(
                    "holds more than one YAML document (a line '---' or '...' in the "
                    "middle?): it must be one",
                    _line(event),
                )
            continue
        if isinstance(event, yaml.StreamStartEvent | yaml.DocumentEndEvent):
            continue
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(
                f"a YAML alias ({clip('*' + str(event.anchor))}) is not allowed: "
                "write the value out in full",
                _line(event),
                _child_path(stack),
            )
        if isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            frame = stack.pop()
            frame.node.end_mark = event.end_mark
            node = frame.node
        else:
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise YamlError(
                    f"a YAML anchor ({clip('&' + str(anchor))}) is not allowed: "
                    "write each value out in full, without anchors or aliases",
                    _line(event),
                    _child_path(stack),
                )
            nodes += 1
            if nodes > MAX_NODES:
                raise YamlError(
                    f"holds more than {MAX_NODES} values: far more than a settings file needs",
                    _line(event),
                )
            if isinstance(event, yaml.ScalarEvent):
                tag = _scalar_tag(loader, event)
                node = yaml.ScalarNode(
                    tag, event.value, event.start_mark, event.end_mark, style=event.style
                )
            else:
                if len(stack) >= MAX_DEPTH:
                    raise YamlError(
                        f"nested more than {MAX_DEPTH} levels deep: far more than a settings "
                        "file needs",
                        _line(event),
                    )
                collection = _collection_tag(event)
                kind = yaml.MappingNode if collection == "map" else yaml.SequenceNode
                node = kind(_TAG + collection, [], event.start_mark, None)
                stack.append(_Frame(node, _child_path(stack)))
                continue
        if not stack:
            root = node
        else:
            _add(stack[-1], node, duplicates)


def _collection_tag(event: yaml.CollectionStartEvent) -> str:
    collection = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
    if event.tag not in (None, "!", _TAG + collection):
        raise YamlError(
            f"the YAML tag {quote(_shown_tag(event.tag))} is not allowed: "
            "write a plain list or mapping",
            _line(event),
        )
    return collection


def _child_path(stack: list[_Frame]) -> tuple[str, ...]:
    """The path of the collection about to be opened inside the top of ``stack``."""
    if not stack:
        return ()
    parent = stack[-1]
    if isinstance(parent.node, yaml.MappingNode):
        return (*parent.path, parent.key.value) if parent.key is not None else parent.path
    return (*parent.path, str(len(parent.node.value)))


def _add(frame: _Frame, node: yaml.Node, duplicates: list[Duplicate]) -> None:
    """Put a finished node into the collection being filled in."""
    if isinstance(frame.node, yaml.SequenceNode):
        frame.node.value.append(node)
        return
    if frame.key is None:  # a key
        if not isinstance(node, yaml.ScalarNode):
            raise YamlError(
                "a setting's name must be plain text, not a list or mapping (a '?' key)",
                _line(node),
            )
        if node.tag == _TAG + "merge":
            raise YamlError(
                "a merge key (<<) is not allowed: write each setting out",
                _line(node),
            )
        if node.value in frame.seen:
            duplicates.append(
                Duplicate((*frame.path, node.value), frame.seen[node.value], _line(node))
            )
        frame.seen[node.value] = _line(node)
        frame.key = node
    else:
        frame.node.value.append((frame.key, node))
        frame.key = None


# ----------------------------------------------------------------------------
# Nodes to values
# ----------------------------------------------------------------------------

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}
_BASES = ((re.compile(r"^[-+]?0x[0-9a-fA-F_]+$"), 16), (re.compile(r"^[-+]?0b[01_]+$"), 2))
_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL = re.compile(r"^([-+]?)\.(inf|nan)$", re.IGNORECASE)


def _number(tag: str, text: str) -> Any:
    """``text`` as the int or float it writes, or the text itself when it writes neither
    (a number in base 60, a number too long to read, ``!!int abc``)."""
    digits = text.replace("_", "")
    try:
        if tag == "int":
            if _DECIMAL.match(text):  # 012 is twelve, as a spreadsheet reads it
                return int(digits)
            for pattern, base in _BASES:
                if pattern.match(text):
                    sign = -1 if digits.startswith("-") else 1
                    return sign * int(digits.lstrip("+-")[2:], base)
            return text
        special = _SPECIAL.match(text)
        if special:
            return float(special.group(1) + special.group(2).lower())
        return float(digits) if _FLOAT.match(text) and any(c.isdigit() for c in text) else text
    except ValueError:  # more digits than Python reads: left to the setting's own check
        return text


def _scalar(node: yaml.ScalarNode) -> Any:
    """A scalar's value: None, a bool, a decimal int, a float, or the text as written."""
    tag, text = node.tag.removeprefix(_TAG), node.value
    if tag == "null" and text in _NULLS:
        return None
    if tag == "bool" and text.lower() in _BOOLS:
        return _BOOLS[text.lower()]
    if tag == "str" and node.style is None and _EXPONENT.match(text):
        return float(text)
    if tag in ("int", "float"):
        return _number(tag, text)
    return text  # str, a date (the setting reads it), '=', and what a tag does not fit


def construct(node: yaml.Node | None) -> Any:
    """Plain Python values from a tree made by :func:`compose` (keys are text)."""
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [construct(child) for child in node.value]
    return {key.value: construct(value) for key, value in node.value}


def load_value(text: str) -> Any:
    """One value written as YAML (a command-line override): the same strict rules.

    >>> load_value("0.3"), load_value("012"), load_value("[1, 2]"), load_value("yes")
    (0.3, 12, [1, 2], True)
    """
    node, duplicates = compose(text)
    if duplicates:
        first = duplicates[0]
        raise YamlError(f"{quote(first.path[-1])} is given twice", first.again)
    return construct(node)
