"""Read one YAML file into plain data, keeping the 1-based position of every node.

The data is built from parser events or nodes, not constructed objects, so that every scalar
keeps its original text (money must become ``Decimal`` from the text, never via float) and so
that duplicate keys, anchors, aliases, merge keys and custom tags can be reported with their
position instead of being silently resolved.

Two readers give the same result. The fast one walks libyaml's events (PyYAML's C parser) in a
single pass into the data, with ruamel.yaml's YAML 1.2 resolution rules; it takes every file a
catalog normally is. Whatever it does not read the way the reference reader does (a syntax
error, an anchor or alias, a tag outside the core schema, a duplicate, merge or complex key, a
``%YAML`` or ``%TAG`` directive, a second document, line breaks other than LF and CRLF) goes to
the reference reader, ruamel.yaml's pure-Python composer, which reports it: so diagnostics come
from one place, and every file reads identically on machines without the C extension.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Final

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from catalog_sync.catalog.codes import Code
from catalog_sync.diagnostics import Diagnostic, Severity, SourceLocation
from catalog_sync.limits import MAX_YAML_DEPTH, MAX_YAML_NODES

__all__ = [
    "BasedInt",
    "NodeInfo",
    "NodePath",
    "YamlDocument",
    "YamlTimestamp",
    "parse_yaml",
    "parse_yaml_fast",
    "parse_yaml_reference",
]

NodePath = tuple[str | int, ...]

_CORE: Final = "tag:yaml.org,2002:"
# Tags a catalog may carry, explicitly (``!!str 1.10``) or resolved implicitly.
_KNOWN_TAGS: Final = frozenset(
    f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_SPECIAL_FLOATS: Final = {".inf": "Infinity", "-.inf": "-Infinity", "+.inf": "Infinity"}


@dataclass(frozen=True, slots=True)
class YamlTimestamp:
    """A YAML timestamp kept as text; no catalog field takes a date, so it only feeds hints."""

    text: str


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """Where a node is, where its key is (mapping values only), its kind and scalar text."""

    location: SourceLocation
    key_location: SourceLocation | None
    kind: str
    text: str | None = None


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """One parsed file: plain data plus a position for every path into it."""

    file: str
    data: object
    nodes: Mapping[NodePath, NodeInfo]

    def locate(self, path: NodePath) -> NodeInfo:
        """The node at ``path``, or the nearest ancestor that exists (a missing key's parent)."""
        for end in range(len(path), -1, -1):
            info = self.nodes.get(path[:end])
            if info is not None:
                return info
        return NodeInfo(SourceLocation(self.file, 1, 1), None, "null")


def parse_yaml(text: str, file: str) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Parse ``text``; return the document (None when unusable) and every problem found."""
    read = parse_yaml_fast(text, file)
    return read if read is not None else parse_yaml_reference(text, file)


def parse_yaml_fast(text: str, file: str) -> tuple[YamlDocument | None, list[Diagnostic]] | None:
    """:func:`parse_yaml` through libyaml, or None when the reference reader must read ``text``
    (anything that needs a diagnostic of its own, or no C extension on this machine)."""
    return _EventReader(file).read(text) if _HAS_LIBYAML else None


def parse_yaml_reference(text: str, file: str) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """:func:`parse_yaml` through ruamel.yaml's pure-Python composer only (the reference)."""
    yaml = YAML(typ="rt", pure=True)
    problems, stopped, beyond_bounds = _scan_anchors(yaml, text, file)
    if stopped is not None:
        return None, [*problems, _syntax_error(stopped, text, file)]
    if beyond_bounds:
        return None, problems  # not composed: that is what would take the time
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            root = yaml.compose(text)
    except (YAMLError, RecursionError) as error:
        return None, [*problems, _syntax_error(error, text, file)]
    if root is None:
        return None, [_empty_file(file)]
    builder = _Builder(file)
    data = builder.build(root, (), None)
    return YamlDocument(file, data, builder.nodes), problems + builder.problems


def _empty_file(file: str) -> Diagnostic:
    return _diag(
        SourceLocation(file, 1, 1),
        Code.EMPTY_FILE,
        "the file is empty: give it services:, brokers: or settings:, or delete it",
    )


def _scan_anchors(
    yaml: YAML, text: str, file: str
) -> tuple[list[Diagnostic], YAMLError | RecursionError | None, bool]:
    """Every anchor and alias up to the end, or up to the syntax error that stops parsing;
    True last when the file is nested too deep or too large to be composed at all."""
    found: list[Diagnostic] = []
    depth = events = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for event in yaml.parse(io.StringIO(text)):
                mark = event.start_mark
                where = SourceLocation(file, mark.line + 1, mark.column + 1)
                events += 1
                if isinstance(event, CollectionStartEvent):
                    depth += 1
                    if depth > MAX_YAML_DEPTH:
                        found.append(_diag(where, Code.YAML_SYNTAX, _TOO_DEEP))
                        return found, None, True
                elif isinstance(event, CollectionEndEvent):
                    depth -= 1
                if events > MAX_YAML_NODES:
                    found.append(_diag(where, Code.YAML_SYNTAX, _TOO_MANY))
                    return found, None, True
                if len(found) >= _MAX_ANCHOR_REPORTS:
                    continue
                if isinstance(event, AliasEvent):
                    found.append(_diag(where, Code.ANCHOR_OR_ALIAS, _ANCHOR_MESSAGE % "alias"))
                elif isinstance(event, ScalarEvent | CollectionStartEvent) and event.anchor:
                    found.append(_diag(where, Code.ANCHOR_OR_ALIAS, _ANCHOR_MESSAGE % "anchor"))
    except (YAMLError, RecursionError) as error:
        return found, error, False
    return found, None, False


_MAX_ANCHOR_REPORTS: Final = 20
_TOO_DEEP: Final = (
    f"YAML nested more than {MAX_YAML_DEPTH} levels deep here: a catalog needs at most 8; "
    "check the indentation"
)
_TOO_MANY: Final = f"the file has more than {MAX_YAML_NODES:,} YAML nodes: split it up"
_ANCHOR_MESSAGE: Final = (
    "YAML %s found: anchors and aliases are not allowed (they make round-trip editing unsafe);"
    " write the value out in full"
)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.nodes: dict[NodePath, NodeInfo] = {}
        self.problems: list[Diagnostic] = []
        # An alias is the anchored node itself: built once, never expanded again (an alias
        # bomb of a few hundred bytes would be gigabytes). Aliases are reported as CS107.
        self._built: set[int] = set()

    def where(self, node: Node) -> SourceLocation:
        return SourceLocation(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Node, path: NodePath, key_at: SourceLocation | None) -> object:
        if id(node) in self._built:
            self.nodes[path] = NodeInfo(self.where(node), key_at, "null")
            return None
        self._built.add(id(node))
        tag = str(node.tag)
        if tag not in _KNOWN_TAGS:
            self.problems.append(
                _diag(
                    self.where(node),
                    Code.UNSUPPORTED_TAG,
                    f"YAML tag {tag!r} is not supported: remove it",
                )
            )
        if isinstance(node, MappingNode):
            self.nodes[path] = NodeInfo(self.where(node), key_at, "map")
            return self.mapping(node, path)
        if isinstance(node, SequenceNode):
            self.nodes[path] = NodeInfo(self.where(node), key_at, "seq")
            return [self.build(item, (*path, i), None) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        text = str(node.value)
        if node.style == ">":
            # ruamel's round-trip scanner marks every fold of a folded scalar with "\a" for
            # its constructor to remove; building from nodes, we remove them here.
            text = text.replace("\a", "")
        kind, value = _scalar(tag, text)
        self.nodes[path] = NodeInfo(self.where(node), key_at, kind, text)
        return value

    def mapping(self, node: MappingNode, path: NodePath) -> dict[str, object]:
        result: dict[str, object] = {}
        first_seen: dict[str, SourceLocation] = {}
        for key_node, value_node in node.value:
            key_at = self.where(key_node)
            if str(key_node.tag) == _MERGE:
                self.problems.append(
                    _diag(
                        key_at,
                        Code.MERGE_KEY,
                        "YAML merge key '<<' is not allowed: write the fields out in full",
                    )
                )
                continue
            if not isinstance(key_node, ScalarNode):
                self.problems.append(
                    _diag(key_at, Code.COMPLEX_KEY, "a mapping key must be a plain name")
                )
                continue
            # Keys stay text: `1:` or `yes:` is a (wrong) field name, reported as unknown.
            key = str(key_node.value)
            if key in first_seen:
                self.problems.append(
                    _diag(
                        key_at,
                        Code.DUPLICATE_KEY,
                        f"duplicate key {key!r} (first defined at line {first_seen[key].line});"
                        " remove one",
                    )
                )
                continue
            first_seen[key] = key_at
            result[key] = self.build(value_node, (*path, key), key_at)
        return result


def _scalar(tag: str, text: str) -> tuple[str, object]:
    kind = tag.removeprefix(_CORE) if tag.startswith(_CORE) else "str"
    if kind == "null":
        return kind, None
    if kind == "bool":
        return kind, text.lower() in {"true", "yes", "on", "y"}
    if kind == "int":
        return kind, _int(text)
    if kind == "float":
        # Decimal from the text as written: `12.00` stays exactly 12.00.
        return kind, _decimal(text)
    if kind == "timestamp":
        return kind, YamlTimestamp(text)
    return "str", text


class BasedInt(int):
    """A YAML integer written in base 16, 8 or 2 (``0x10``): its value, remembering how it
    was written, so that a field that must be written in decimal (money) can refuse it."""

    written: str

    def __new__(cls, value: int, written: str) -> BasedInt:
        number = super().__new__(cls, value)
        number.written = written
        return number

    def __getnewargs__(self) -> tuple[int, str]:  # type: ignore[override]  # copy keeps the text
        return int(self), self.written


def _int(text: str) -> int | str:
    cleaned = text.replace("_", "")
    sign = -1 if cleaned.startswith("-") else 1
    digits = cleaned.lstrip("+-")
    try:
        if digits[:2].lower() in {"0x", "0o", "0b"}:
            return BasedInt(sign * int(digits, 0), text)
        return sign * int(digits)
    except ValueError:
        return text


def _decimal(text: str) -> Decimal | str:
    cleaned = text.replace("_", "")
    special = _SPECIAL_FLOATS.get(cleaned.lower())
    if special is not None:
        return Decimal(special)
    if cleaned.lower() == ".nan":
        return Decimal("NaN")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return text


def _syntax_error(error: BaseException, text: str, file: str) -> Diagnostic:
    if isinstance(error, MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        where = SourceLocation(file, mark.line + 1, mark.column + 1)
        detail = error.problem or "invalid YAML"
        started = error.context_mark.line + 1 if error.context_mark is not None else None
        plain = _in_plain_words(detail, error.context or "", started)
        if plain is not None:
            detail = plain
        elif error.context:
            at = f" started at line {started}" if started is not None else ""
            detail = f"{detail} ({error.context}{at})"
        return _diag(where, Code.YAML_SYNTAX, f"YAML syntax error: {detail}")
    if isinstance(error, RecursionError):
        return _diag(
            SourceLocation(file, 1, 1), Code.YAML_SYNTAX, "YAML nesting is too deep to read"
        )
    position = getattr(error, "position", None)
    where = SourceLocation(file, 1, 1)
    if isinstance(position, int):
        before = text[:position]
        where = SourceLocation(file, before.count("\n") + 1, position - before.rfind("\n"))
    reason = getattr(error, "reason", None) or str(error).splitlines()[0]
    return _diag(where, Code.YAML_SYNTAX, f"YAML syntax error: {reason}")


def _in_plain_words(problem: str, context: str, started: int | None) -> str | None:
    """The parser's commonest complaints as what the author did ("a quoted value is never
    closed"), not as the parser's states ("expected <block end>, but found '?'"), keeping
    where the construct began; None for any other, which is then shown as the parser says
    it (docs/diagnostics.md, CS105)."""
    since = f" (it starts at line {started})" if started is not None else ""
    if problem.startswith("expected <block end>"):
        block = "list" if "collection" in context else "mapping"
        return (
            f"this line does not line up with the {block} above it{since}: check its "
            "indentation, that each list item starts with '- ' and each field is 'key: value'"
        )
    if problem.startswith("found unexpected end of stream") and "quoted" in context:
        return f"a quoted value is never closed{since}: add the closing quote"
    if problem.startswith("expected ',' or ']'"):
        return f"a [list] is not closed with ']', or its items are not separated by ','{since}"
    if problem.startswith("expected ',' or '}'"):
        return (
            f"a {{mapping}} is not closed with '}}', or its fields are not separated by ','{since}"
        )
    if problem.startswith("could not find expected ':'"):
        return f"a line that is neither 'key: value' nor a list item{since}"
    if problem.startswith("mapping values are not allowed here"):
        return (
            "a ': ' where no new key can start: quote a value that holds ': ' "
            '(description: "a: b"), or check the indentation of this line'
        )
    if problem.startswith("found character '\\t'"):
        return "a tab character: indent with spaces only"
    return None


def _diag(where: SourceLocation, code: Code, message: str) -> Diagnostic:
    return Diagnostic(where, code, Severity.ERROR, message)


# --- the fast reader: one pass over libyaml's events -------------------------------------------

try:
    from yaml import events as _ev
    from yaml._yaml import CParser as _CParser
    from yaml.error import YAMLError as _LibyamlError

    _HAS_LIBYAML = True
except ImportError:  # no C extension: every file goes to the reference reader
    _HAS_LIBYAML = False

# What libyaml and ruamel.yaml may read differently, left to the reference reader: characters
# either refuses, line breaks other than LF and CRLF, a byte-order mark after the start, and
# tabs (libyaml takes a tab as a separator where ruamel.yaml refuses it).
_REFERENCE_ONLY: Final = re.compile(
    "[^\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
    "|[\u2028\u2029]|\r(?!\n)"
)
_IMPLICIT: Final[Mapping[str | None, list[tuple[str, re.Pattern[str]]]]] = (
    # ruamel.yaml's own YAML 1.2 rules, so a plain scalar resolves as the reference reads it.
    VersionedResolver().versioned_resolver
)
_Rules = tuple[tuple[str, re.Pattern[str]], ...]
_IMPLICIT_ANY: Final[_Rules] = tuple(_IMPLICIT.get(None, ()))
_STR: Final = f"{_CORE}str"
_MERGE: Final = f"{_CORE}merge"


class _ReferError(Exception):
    """This file is for the reference reader."""


def _resolve(event: _ev.ScalarEvent) -> str:
    tag: str | None = event.tag
    if tag is not None:
        if tag not in _KNOWN_TAGS:
            raise _ReferError
        return tag
    if not event.implicit[0]:
        return _STR
    value: str = event.value
    candidates: _Rules = (*_IMPLICIT.get(value[:1], ()), *_IMPLICIT_ANY)
    for resolved, regexp in candidates:
        if regexp.match(value):
            return resolved
    return _STR


@dataclass(slots=True)
class _Frame:
    """An open mapping or sequence: its data, path and, in a mapping, the pending key."""

    data: dict[str, object] | list[object]
    path: NodePath
    block: bool
    key: str | None = None
    key_at: SourceLocation | None = None
    seen: set[str] = field(default_factory=set)


class _EventReader:
    """Reads a file the reference reader would read without a diagnostic of its own."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.nodes: dict[NodePath, NodeInfo] = {}
        self._lines: list[str] = []
        self._open_end = False

    def read(self, text: str) -> tuple[YamlDocument | None, list[Diagnostic]] | None:
        """The document and problems, or None when the reference reader must read ``text``."""
        start = 1 if text.startswith("\ufeff") else 0
        if _REFERENCE_ONLY.search(text, start):
            return None
        self._lines = text[start:].split("\n")
        self._open_end = not text.endswith("\n")
        parser = _CParser(text)
        try:
            return self._walk(parser)
        except (_ReferError, _LibyamlError):
            return None
        finally:
            parser.dispose()

    def _walk(self, parser: object) -> tuple[YamlDocument | None, list[Diagnostic]]:
        file = self.file
        nodes = self.nodes
        get_event = parser.get_event  # type: ignore[attr-defined]
        stack: list[_Frame] = []
        root: object = None
        documents = depth = count = 0
        # An empty value in a block mapping, whose position the reference reader puts where the
        # next token starts (not after the colon, as libyaml does): (path, key, its mark).
        empty: tuple[NodePath, SourceLocation | None, int, int] | None = None
        while True:
            event = get_event()
            count += 1
            mark = event.start_mark
            kind = type(event)
            if empty is not None:
                self._place_empty(*empty, mark.line, mark.column)
                empty = None
            if (
                kind is _ev.ScalarEvent
                or kind is _ev.MappingStartEvent
                or kind is _ev.SequenceStartEvent
            ):
                if event.anchor is not None:
                    raise _ReferError
                where = SourceLocation(file, mark.line + 1, mark.column + 1)
                if kind is not _ev.ScalarEvent:
                    depth += 1
                    if depth > MAX_YAML_DEPTH:
                        return None, [_diag(where, Code.YAML_SYNTAX, _TOO_DEEP)]
                if count > MAX_YAML_NODES:
                    return None, [_diag(where, Code.YAML_SYNTAX, _TOO_MANY)]
                parent = stack[-1] if stack else None
                if parent is not None and type(parent.data) is dict and parent.key is None:
                    # A mapping key: plain text, once per mapping, never `<<`.
                    if kind is not _ev.ScalarEvent or event.style in ("|", ">"):
                        raise _ReferError
                    key = event.value
                    if key == "" or key in parent.seen or _resolve(event) == _MERGE:
                        raise _ReferError
                    parent.seen.add(key)
                    parent.key = key
                    parent.key_at = where
                    continue
                if parent is None:
                    path: NodePath = ()
                    key_at = None
                elif type(parent.data) is dict:
                    assert parent.key is not None
                    path = (*parent.path, parent.key)
                    key_at = parent.key_at
                else:
                    path = (*parent.path, len(parent.data))
                    key_at = None
                value: object
                if kind is _ev.ScalarEvent:
                    tag = _resolve(event)
                    scalar_kind, value = _scalar(tag, event.value)
                    nodes[path] = NodeInfo(where, key_at, scalar_kind, event.value)
                    if event.value == "" and event.implicit[0]:
                        if parent is None and self._open_end:
                            # An empty document: libyaml ends a last line without a line
                            # break with one, ruamel.yaml does not.
                            raise _ReferError
                        if parent is not None and parent.block and type(parent.data) is dict:
                            empty = (path, key_at, mark.line, mark.column)
                else:
                    is_map = kind is _ev.MappingStartEvent
                    if event.tag is not None and event.tag != (
                        f"{_CORE}map" if is_map else f"{_CORE}seq"
                    ):
                        raise _ReferError
                    value = {} if is_map else []
                    nodes[path] = NodeInfo(where, key_at, "map" if is_map else "seq")
                if parent is None:
                    root = value
                elif type(parent.data) is dict:
                    parent.data[parent.key] = value  # type: ignore[index]
                    parent.key = None
                else:
                    parent.data.append(value)  # type: ignore[union-attr]
                if kind is not _ev.ScalarEvent:
                    frame = _Frame(value, path, not event.flow_style)  # type: ignore[arg-type]
                    stack.append(frame)
                continue
            if count > MAX_YAML_NODES:
                where = SourceLocation(file, mark.line + 1, mark.column + 1)
                return None, [_diag(where, Code.YAML_SYNTAX, _TOO_MANY)]
            if kind is _ev.MappingEndEvent or kind is _ev.SequenceEndEvent:
                depth -= 1
                stack.pop()
            elif kind is _ev.DocumentStartEvent:
                documents += 1
                if documents > 1 or event.version is not None or event.tags:
                    raise _ReferError
            elif kind is _ev.AliasEvent:
                raise _ReferError
            elif kind is _ev.StreamEndEvent:
                break
        if documents == 0:
            return None, [_empty_file(file)]
        return YamlDocument(file, root, nodes), []

    def _place_empty(
        self,
        path: NodePath,
        key_at: SourceLocation | None,
        line: int,
        column: int,
        to_line: int,
        to_column: int,
    ) -> None:
        """Move an empty value to the next token, over nothing but blanks and line breaks;
        anything else in between (a comment moves it elsewhere) is the reference reader's."""
        lines = self._lines
        if to_line >= len(lines):
            # libyaml ends a last line without a line break with one, ruamel.yaml does not.
            raise _ReferError
        if line == to_line:
            between = lines[line][column:to_column]
        else:
            between = "".join(
                [lines[line][column:], *lines[line + 1 : to_line], lines[to_line][:to_column]]
            )
        if between.strip(" \t\r"):
            raise _ReferError
        where = SourceLocation(self.file, to_line + 1, to_column + 1)
        self.nodes[path] = NodeInfo(where, key_at, "null", "")
