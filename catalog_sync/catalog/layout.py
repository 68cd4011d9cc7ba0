"""The canonical layout of a catalog file, shared by ``fmt`` (rewriting) and ``export`` (writing).

One layout, so an exported catalog is already formatted and ``fmt`` is idempotent:

- block style for mappings and for lists of mappings; lists of scalars in flow style
  (``categories: [Productivity, Collaboration]``) unless a comment sits inside them, which a
  flow list could not keep;
- two spaces per level, list items indented by two under their key (``  - name: ...``);
- keys in the order the models declare them (schemas/catalog.schema.json shows it), unknown
  keys after them in their own order (validate reports them);
- money always double-quoted (``price: "12.00"``), and codes (itemCode, registrationNumber,
  phone numbers, postal codes) double-quoted whenever plain text would read as a number or
  another type (``registrationNumber: "5566778899"``), else plain (``itemCode: payg``), so
  neither ever turns into a number in another tool; other text plain where YAML allows it;
  folded and literal blocks stay as written;
- no re-wrapping of long lines.

Comments survive: ruamel.yaml's round trip keeps them attached to their keys and items.
"""

from __future__ import annotations

import io
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarfloat import ScalarFloat
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)
from ruamel.yaml.tokens import CommentToken

from catalog_sync.catalog.models import CatalogFile
from catalog_sync.catalog.sourced import SourcedModel, model_in
from catalog_sync.kinds import KINDS
from catalog_sync.normalise import FieldType

__all__ = ["CATALOG_KEYS", "canonicalise", "dump", "load_round_trip", "to_round_trip"]

CATALOG_KEYS: Final = frozenset(
    (info.alias or name) for name, info in CatalogFile.model_fields.items()
)
"""The top-level keys of a catalog file: a YAML file with any other key is not one."""

# Codes: identifiers made of digits often enough that a plain scalar would read as a number;
# money: amounts, quoted so that no float reading changes them. Both by the file key, from the
# kinds' field specs.
_SPECS: Final = tuple(
    spec
    for kind in KINDS.values()
    for spec in (*kind.fields, *(kind.items.amounts if kind.items is not None else ()))
)
_CODES: Final = frozenset(
    s.name.rpartition(".")[2] for s in _SPECS if s.code and s.type is not FieldType.SET
) | {"movedFrom"}  # not a field: it names the key an object had (README, "Renames")
_CODE_LISTS: Final = frozenset(
    s.name.rpartition(".")[2] for s in _SPECS if s.code and s.type is FieldType.SET
)
_MONEY: Final = frozenset(s.name.rpartition(".")[2] for s in _SPECS if s.type is FieldType.MONEY)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1 << 20  # never re-wrap a long line
    yaml.preserve_quotes = False
    return yaml


def load_round_trip(text: str) -> Any:
    """Parse for rewriting; raises ruamel.yaml's YAMLError on a syntax error."""
    return _yaml().load(text)


def dump(document: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(document, stream)
    return stream.getvalue()


def to_round_trip(data: Any) -> Any:
    """Plain dicts and lists as ruamel's commented containers, which canonicalise can style."""
    if isinstance(data, dict):
        return CommentedMap((key, to_round_trip(value)) for key, value in data.items())
    if isinstance(data, list | tuple):
        return CommentedSeq(to_round_trip(item) for item in data)
    return data


def canonicalise(document: Any, model: type[SourcedModel] = CatalogFile) -> None:
    """Bring a round-trip document into the canonical layout, in place."""
    if isinstance(document, CommentedMap):
        tail = _mapping(document, model, 0)
        if tail:
            _append_after_last_value(document, [text for _, text in tail])


# Full-line comments. ruamel.yaml hangs a comment between two keys (or list items) on the
# deepest scalar before it; reordering keys would carry it off with that scalar. So each such
# comment is taken off and put in front of the key or item that followed it in the file, at
# that key's indentation. One after the last value of a collection, indented at least as deep
# as that collection's keys (or dashes) were, closes that collection: it stays after its last
# value, at its keys' (or dashes') indentation, instead of moving on to introduce the next
# object, which would change what a reader takes it to be about. A shallower one goes up to
# the parent, and one at the end of the file stays at the end. A second run reads the
# comments back where the first put them, so fmt is idempotent.

Line = tuple[int, str]
"""A full-line comment (or blank line) as written: its indentation and its stripped text."""


def _mapping(node: CommentedMap, model: _Layout, column: int) -> list[Line]:
    """Canonicalise a mapping whose keys sit at ``column``; returns the full-line comments
    after its last value that do not close it, for the parent to place."""
    node.fa.set_block_style()
    if isinstance(model, _ValuesOf):
        fields: dict[str, _Layout] = dict.fromkeys(node, model.model)
    else:
        fields = _fields_by_alias(model) if model is not None else {}
    keys = list(node)
    before: dict[Any, list[Line]] = {}
    tail: list[Line] = []
    for index, key in enumerate(keys):
        value = node[key]
        if isinstance(value, CommentedMap):
            lines = _mapping(value, fields.get(key), column + 2)
        elif isinstance(value, CommentedSeq):
            codes = key in _CODE_LISTS
            lines = _sequence(
                value, fields.get(key), codes=codes, column=column + 2, above=node.lc.col
            )
        else:
            if key in _QUOTED:
                node[key] = _quoted(key, value)
            lines = _take_full_lines(node, key, 2)
        if index + 1 < len(keys):
            before.setdefault(keys[index + 1], []).extend(lines)
        else:
            tail += lines
    for key, lines in before.items():
        _put_before(node, key, lines, column)
    for key in [k for k in fields if k in node] + [k for k in node if k not in fields]:
        node.move_to_end(key)
    return _close(node, tail, column, above=-1)


def _sequence(
    node: CommentedSeq,
    model: _Layout,
    *,
    codes: bool,
    column: int,
    above: int | None,
) -> list[Line]:
    """``above``: where the keys of the mapping holding the list were written; a list may
    be written with its dashes there, and a comment there is about the next key."""
    tail: list[Line] = []
    for index, item in enumerate(node):
        if isinstance(item, CommentedMap):
            _comment_to_first_key(node, index, item)
            lines = _mapping(item, model, column + 2)
            _lift_first_key_comments(node, index, item, column)
        elif isinstance(item, CommentedSeq):
            lines = _sequence(item, None, codes=False, column=column + 2, above=node.lc.col)
        else:
            if codes and isinstance(item, str):
                node[index] = _quoted("itemCode", item)
            lines = _take_full_lines(node, index, 0)
        if index + 1 < len(node):
            _put_before(node, index + 1, lines, column)
        else:
            tail += lines
    tail = _close(node, tail, column, above)
    scalars = all(_is_scalar(item) for item in node)
    if scalars and node and not _has_comments(node):
        node.fa.set_flow_style()
    else:
        node.fa.set_block_style()
    return tail


def _lift_first_key_comments(
    node: CommentedSeq, index: int, item: CommentedMap, column: int
) -> None:
    """Comments before an item's first key go before its dash, where a second run reads them
    back from (after the dash they would stand on a line of their own)."""
    if not item:
        return
    entry = item.ca.items.get(next(iter(item)))
    if entry and entry[1]:
        lines = [_line(token.value.rstrip("\n")) for token in entry[1]]
        entry[1] = None
        _put_before(node, index, lines, column)


def _take_full_lines(node: CommentedMap | CommentedSeq, key: Any, position: int) -> list[Line]:
    """Detach the full-line comments after a scalar, keeping its end-of-line comment."""
    entry = node.ca.items.get(key)
    token = entry[position] if entry else None
    if not isinstance(token, CommentToken):
        return []
    end_of_line, lines = _split(token)
    assert entry is not None
    entry[position] = end_of_line
    return [_line(line) for line in lines]


def _line(text: str) -> Line:
    return len(text) - len(text.lstrip(" ")), text.strip()


def _close(
    node: CommentedMap | CommentedSeq, tail: list[Line], column: int, above: int | None
) -> list[Line]:
    """Keep after ``node``'s last value the leading comments of ``tail`` indented at least as
    deep as its keys (or dashes) were in the file and deeper than the keys ``above`` it, at
    ``column``; return the rest. A blank line goes with the comment after it."""
    written = node.lc.col
    if written is None or above is None:  # built by export, not read: no comments of its own
        return tail
    closing = 0
    for number, (indent, text) in enumerate(tail):
        if text and (indent < written or indent <= above):
            break
        if text:
            closing = number + 1
    if node and closing:
        _append_after_last_value(node, [text for _, text in tail[:closing]], column)
        return tail[closing:]
    return tail


def _put_before(
    node: CommentedMap | CommentedSeq, key: Any, lines: list[Line], column: int
) -> None:
    if not lines:
        return
    entry = node.ca.items.setdefault(key, [None, None, None, None])
    entry[1] = [_comment(text, column) for _, text in lines] + list(entry[1] or [])


def _append_after_last_value(
    node: CommentedMap | CommentedSeq, lines: list[str], column: int = 0
) -> None:
    """Comments after ``node``'s last scalar, at ``column`` (the end of the file: the margin)."""
    last = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
    value = node[last]
    if isinstance(value, CommentedMap | CommentedSeq) and value:
        _append_after_last_value(value, lines, column)
        return
    margin = " " * column
    text = "".join(f"{margin}{line}\n" if line else "\n" for line in lines)
    position = 2 if isinstance(node, CommentedMap) else 0
    entry = node.ca.items.setdefault(last, [None, None, None, None])
    current = entry[position]
    if current is None:
        entry[position] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        entry[position] = CommentToken(current.value + text, CommentMark(current.column), None)


def _split(token: CommentToken) -> tuple[CommentToken | None, list[str]]:
    """An end-of-line comment (``value  # note``) and the full lines that follow it."""
    text: str = token.value
    if text.startswith("#") and token.column > 0:
        first, _, rest = text.partition("\n")
        eol = CommentToken(first + "\n", CommentMark(token.column), None)
        return eol, rest.split("\n")[:-1] if rest else []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    # Unless it starts on a line of its own, the text starts where the value's line ends.
    return None, lines if text.startswith("#") else lines[1:]


def _comment(line: str, column: int) -> CommentToken:
    return CommentToken((line + "\n") if line else "\n", CommentMark(column), None)


def _comment_to_first_key(node: CommentedSeq, index: int, item: CommentedMap) -> None:
    """A flow mapping's end-of-line comment hangs on its list item; written in block style it
    would sit alone after the dash, so it goes to the mapping's first line."""
    entry = node.ca.items.get(index)
    token = entry[0] if entry else None
    if not isinstance(token, CommentToken) or not item or "\n" in token.value.rstrip("\n"):
        return
    first = next(iter(item))
    if isinstance(item[first], CommentedMap | CommentedSeq):
        return
    target = item.ca.items.setdefault(first, [None, None, None, None])
    if target[2] is None:
        assert entry is not None
        entry[0] = None
        target[2] = CommentToken(token.value, CommentMark(max(token.column, 1)), None)


def _has_comments(node: CommentedSeq) -> bool:
    comments = node.ca
    # An entry whose comments were all moved elsewhere stays behind, empty.
    return any(any(entry) for entry in comments.items.values()) or bool(
        comments.comment and any(comments.comment)
    )


def _is_scalar(value: object) -> bool:
    return not isinstance(value, CommentedMap | CommentedSeq | dict | list)


# Lists of codes: a publish's brokers are registrationNumbers.
_QUOTED: Final = _MONEY | _CODES


def _quoted(key: str, value: object) -> object:
    if isinstance(value, FoldedScalarString | LiteralScalarString) or value is None:
        return value
    if isinstance(value, bool):
        return value  # a mistake validate reports; rewriting it would hide it
    if isinstance(value, str):
        if key in _MONEY or _reads_as_other_than_text(value):
            return DoubleQuotedScalarString(value)
        return str(value)  # plain: ruamel quotes it anyway if YAML needs that
    if key in _MONEY and isinstance(value, int | float | ScalarFloat):
        # An unquoted amount: Python's shortest repr of a float is the digits written (money
        # has at most 16 significant digits), so quoting it keeps the amount exactly.
        amount = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
        places = max(2, -int(amount.normalize().as_tuple().exponent))
        return DoubleQuotedScalarString(f"{amount:.{places}f}")
    return value  # a number where a code belongs: validate reports it; keep it visible


def _reads_as_other_than_text(value: str) -> bool:
    """Whether a plain scalar with this text would be read as a number, boolean, null or date."""
    tag = _RESOLVER.resolve(ScalarNode, value, (True, False))
    return bool(tag != "tag:yaml.org,2002:str")


_RESOLVER: Final = VersionedResolver()


@dataclass(frozen=True)
class _ValuesOf:
    """A mapping whose keys are data (currency codes) and whose values are ``model``s."""

    model: type[SourcedModel]


_Layout = type[SourcedModel] | _ValuesOf | None
"""What a collection holds: a model's fields in their order, named objects of one, or data."""


def _fields_by_alias(model: type[SourcedModel]) -> dict[str, _Layout]:
    return {
        (info.alias or name): _layout_of(info.annotation)
        for name, info in model.model_fields.items()
    }


def _layout_of(annotation: object) -> _Layout:
    found = model_in(annotation)
    if found is not None and typing.get_origin(annotation) in (dict, Mapping):
        return _ValuesOf(found)
    return found
