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
import types
import typing
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarfloat import ScalarFloat
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)

from catalog_sync.catalog.models import CatalogFile
from catalog_sync.catalog.sourced import SourcedModel

__all__ = ["CATALOG_KEYS", "canonicalise", "dump", "load_round_trip", "to_round_trip"]

CATALOG_KEYS: Final = frozenset(
    (info.alias or name) for name, info in CatalogFile.model_fields.items()
)
"""The top-level keys of a catalog file: a YAML file with any other key is not one."""

# Codes: identifiers made of digits often enough that a plain scalar would read as a number.
_CODES: Final = frozenset(
    {
        "itemCode",
        "registrationNumber",
        "postalCode",
        "phonePrefix",
        "phone",
        "cellPhonePrefix",
        "cellPhone",
    }
)


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
        _mapping(document, model)


def _mapping(node: CommentedMap, model: type[SourcedModel] | None) -> None:
    node.fa.set_block_style()
    fields = _fields_by_alias(model) if model is not None else {}
    for key in [k for k in fields if k in node] + [k for k in node if k not in fields]:
        node.move_to_end(key)
    for key in list(node):
        child_model = fields.get(key)
        value = node[key]
        if key in _QUOTED and _is_scalar(value):
            node[key] = _quoted(key, value)
        elif isinstance(value, CommentedMap):
            _mapping(value, child_model)
        elif isinstance(value, CommentedSeq):
            _sequence(value, child_model, codes=key in _CODE_LISTS)


def _sequence(node: CommentedSeq, model: type[SourcedModel] | None, *, codes: bool) -> None:
    scalars = all(_is_scalar(item) for item in node)
    if codes:
        for index, item in enumerate(node):
            if isinstance(item, str):
                node[index] = _quoted("itemCode", item)
    if scalars and node and not _has_comments(node):
        node.fa.set_flow_style()
    else:
        node.fa.set_block_style()
    for item in node:
        if isinstance(item, CommentedMap):
            _mapping(item, model)
        elif isinstance(item, CommentedSeq):
            _sequence(item, None, codes=False)


def _has_comments(node: CommentedSeq) -> bool:
    comments = node.ca
    return bool(comments.items) or bool(comments.comment and any(comments.comment))


def _is_scalar(value: object) -> bool:
    return not isinstance(value, CommentedMap | CommentedSeq | dict | list)


# Lists of codes: a publish's brokers are registrationNumbers.
_CODE_LISTS: Final = frozenset({"brokers"})
_MONEY: Final = frozenset({"price", "cost", "recommendedPrice"})
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


def _fields_by_alias(model: type[SourcedModel]) -> dict[str, type[SourcedModel] | None]:
    return {
        (info.alias or name): _model_in(info.annotation)
        for name, info in model.model_fields.items()
    }


def _model_in(annotation: object) -> type[SourcedModel] | None:
    """The SourcedModel inside ``X | None``, ``tuple[X, ...]`` and the like."""
    if isinstance(annotation, type) and issubclass(annotation, SourcedModel):
        return annotation
    args: Iterable[object] = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType):
        args = annotation.__args__
    for arg in args:
        found = _model_in(arg)
        if found is not None:
            return found
    return None
