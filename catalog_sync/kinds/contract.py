"""The wire contract as data: every JSON field a kind's endpoint answers, with its JSON type,
whether a list item carries it, whether a ``PUT`` that leaves it out resets it, its enum
spellings, and whether it is documented or assumed, with the source (``docs/contracts.md``,
"The contract").

Each kind's module declares its :class:`Contract` (the lookup tables theirs in
:mod:`catalog_sync.live.lookups`); the live reader, the body check before a replace, the
emulator's list and detail shapes, ``bench/`` and ``doctor --contract`` read it, and
``docs/contracts.md``'s per-endpoint tables are generated from it
(:func:`contract_tables`). Correcting a wrong assumption is one edit in one kind module.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

__all__ = [
    "CONTRACT_VARIANTS",
    "Contract",
    "ContractVariant",
    "Difference",
    "Evidence",
    "JsonType",
    "WireField",
    "compare_shape",
    "json_type",
    "shape_of",
]

Evidence = Literal["documented", "assumed"]

ContractVariant = Literal[
    "service-thin",
    "service-whole",
    "publish-unreadable",
    "extra-fields",
    "pricelist-array",
    "drops-field",
]
"""Ways the real API may differ from the contract, which the emulator can serve
(docs/contracts.md, "Contract variants"), combinable."""
CONTRACT_VARIANTS: tuple[ContractVariant, ...] = get_args(ContractVariant)
JsonType = Literal["string", "boolean", "number", "integer", "array", "object"]


@dataclass(frozen=True)
class WireField:
    """One JSON field. ``fields``: an object's own fields, or an array's items' (when they are
    objects). ``in_list``: a list item carries it (else only the read by id). ``resets``: a
    ``PUT`` without it sets it back to its create default (``False`` for what the server keeps:
    ``id``, a service's ``publish`` and ``currencies``, a ``status`` a PUT may leave out)."""

    name: str
    type: JsonType
    evidence: Evidence
    source: str
    nullable: bool = True
    in_list: bool = True
    resets: bool = True
    values: tuple[str, ...] = ()
    fields: tuple[WireField, ...] = ()


@dataclass(frozen=True)
class Contract:
    """A kind's (or lookup table's) wire shape: its endpoint and where that is known from, and
    its fields. ``shape``: an object (``object``) or a bare JSON array of them (lists, lookup
    tables). A kind whose list items carry every field has one model for list and read by
    id."""

    endpoint: str
    endpoint_evidence: Evidence
    endpoint_source: str
    fields: tuple[WireField, ...]
    shape: Literal["object", "array"] = "object"
    where: str = ""
    """The module that declares it (``docs/contracts.md`` names it)."""

    @property
    def by_name(self) -> Mapping[str, WireField]:
        return {f.name: f for f in self.fields}

    @property
    def list_view(self) -> frozenset[str] | None:
        """The top-level fields a list item carries; ``None``: the whole object."""
        if all(f.in_list for f in self.fields):
            return None
        return frozenset(f.name for f in self.fields if f.in_list)

    def resetting(self) -> tuple[str, ...]:
        """The fields a replace must send back, or they are reset."""
        return tuple(f.name for f in self.fields if f.resets)


def json_type(value: object) -> str:
    """The JSON type of a parsed value (``null`` for None; a bool is no number)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float) or type(value).__name__ == "Decimal":
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


def shape_of(value: object) -> Any:
    """Names and JSON types only, never a value: an object as ``{name: shape}``, an array as
    the shape of its first item in a one-element list (``[]`` when empty), anything else its
    type. What ``doctor --contract`` may print and attach to a bug report."""
    if isinstance(value, dict):
        return {str(key): shape_of(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape_of(value[0])] if value else []
    return json_type(value)


@dataclass(frozen=True)
class Difference:
    """One field whose shape is not the contract's: ``absent`` (the contract has it, the read
    does not), ``unexpected`` (the read has it, the contract does not), ``type`` (the JSON type
    differs), ``shape`` (an object where an array is expected, or the reverse)."""

    path: str
    problem: Literal["absent", "unexpected", "type", "shape", "list and read by id differ"]
    expected: str
    found: str


def _compatible(expected: WireField, found: str) -> bool:
    if found == "null":
        return expected.nullable
    if expected.type == "number":
        return found in ("number", "integer")
    return found == expected.type


def compare_shape(
    fields: Sequence[WireField], read: object, *, listed: bool, prefix: str = ""
) -> list[Difference]:
    """Every difference between an object read (``listed``: a list item) and ``fields``, field
    by field, nested objects and arrays' items included."""
    if not isinstance(read, dict):
        return [Difference(prefix or "$", "shape", "object", json_type(read))]
    found: list[Difference] = []
    expected = {f.name: f for f in fields if f.in_list or not listed}
    for name, spec in expected.items():
        path = f"{prefix}{name}"
        if name not in read:
            found.append(Difference(path, "absent", spec.type, "-"))
            continue
        value = read[name]
        kind = json_type(value)
        if not _compatible(spec, kind):
            found.append(Difference(path, "type", spec.type, kind))
            continue
        if spec.fields and isinstance(value, dict):
            found += compare_shape(spec.fields, value, listed=False, prefix=f"{path}.")
        elif spec.fields and isinstance(value, list) and value:
            found += compare_shape(spec.fields, value[0], listed=False, prefix=f"{path}[].")
    known = {f.name for f in fields}
    for name in read:
        if name not in known:
            found.append(Difference(f"{prefix}{name}", "unexpected", "-", json_type(read[name])))
    return found


def walk(fields: Sequence[WireField], prefix: str = "") -> Iterator[tuple[str, WireField]]:
    """Every field with its dotted path (``contact.phone``, ``products[].addons[].itemCode``)."""
    for spec in fields:
        path = f"{prefix}{spec.name}"
        yield path, spec
        below = f"{path}[]." if spec.type == "array" else f"{path}."
        yield from walk(spec.fields, below)
