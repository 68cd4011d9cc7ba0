"""The normalised resource graph: where desired state (files) and live state (API) meet.

Both adapters produce a :class:`ResourceGraph`; the planner only ever compares two graphs, so
nothing downstream of the adapters knows YAML or HTTP. Field values are plain, already
normalised JSON-like values (see :mod:`catalog_sync.normalise`), so equality is ``==``.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from catalog_sync.diagnostics import SourceLocation

__all__ = [
    "Address",
    "FieldValue",
    "Fields",
    "Kind",
    "Resource",
    "ResourceGraph",
]

FieldValue = str | int | bool | None | tuple[str, ...]
Fields = Mapping[str, FieldValue]


class Kind(enum.StrEnum):
    """Resource kinds, declared in the order a plan lists and creates them."""

    BROKER = "broker"
    SERVICE = "service"
    PRODUCT = "product"
    ADDON = "addon"
    WEBHOOK = "webhook"
    PUBLISH = "publish"
    PRICE_LIST = "pricelist"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS: Mapping[Kind, int] = {kind: rank for rank, kind in enumerate(Kind)}


_SEGMENT = re.compile(r'(?P<kind>[a-z]+)(?:\[(?P<key>"(?:[^"\\]|\\.)*")\])?')


class Address(str):
    """A resource's place in the catalog: ``service["GW"].product["payg"].addon["gws-std"]``.

    Keys are natural keys (service name, itemCode, registrationNumber); ``publish`` has none.
    Ordering puts a parent before its children and follows :class:`Kind` among siblings, which
    is the order plans list resources in.

    It is its canonical string, so it reads, compares and serialises (in the plan, the apply
    report, the journal) as that string, while code reaches its parts without parsing. A
    pydantic field typed ``Address`` validates the string form back into one.
    """

    segments: tuple[tuple[Kind, str | None], ...]
    kind: Kind
    key: str | None
    parent: Address | None
    _sort_key: tuple[tuple[int, str], ...]

    def __new__(cls, segments: tuple[tuple[Kind, str | None], ...]) -> Address:
        parent = cls(segments[:-1]) if len(segments) > 1 else None
        return cls._make(parent, *segments[-1])

    @classmethod
    def _make(cls, parent: Address | None, kind: Kind, key: str | None) -> Address:
        own = kind.value if key is None else f"{kind.value}[{json.dumps(key, ensure_ascii=False)}]"
        address = super().__new__(cls, own if parent is None else f"{parent}.{own}")
        # Parts a plan reads for every object, often many times (sorting, indexes), are set
        # once here rather than derived on each access.
        own_sort = (_RANKS[kind], key or "")
        if parent is None:
            address.segments, address._sort_key = ((kind, key),), (own_sort,)
        else:
            address.segments = (*parent.segments, (kind, key))
            address._sort_key = (*parent._sort_key, own_sort)
        address.kind, address.key, address.parent = kind, key, parent
        return address

    def __getnewargs__(self) -> tuple[tuple[tuple[Kind, str | None], ...]]:  # type: ignore[override]
        return (self.segments,)

    def __repr__(self) -> str:
        return f"Address({str(self)!r})"

    @classmethod
    def of(cls, kind: Kind, key: str | None = None) -> Address:
        return cls._make(None, kind, key)

    def child(self, kind: Kind, key: str | None = None) -> Address:
        return Address._make(self, kind, key)

    @property
    def top(self) -> Address:
        return self if self.parent is None else self.parent.top

    def ancestors(self) -> Iterator[Address]:
        parent = self.parent
        while parent is not None:
            yield parent
            parent = parent.parent

    def sort_key(self) -> tuple[tuple[int, str], ...]:
        return self._sort_key

    def __lt__(self, other: str) -> bool:
        if isinstance(other, Address):
            return self.sort_key() < other.sort_key()
        return str(self) < other

    __hash__ = str.__hash__

    @classmethod
    def parse(cls, text: str | Address) -> Address:
        """Parse ``str(address)`` back; raises ValueError on anything else."""
        if isinstance(text, Address):
            return text
        segments: list[tuple[Kind, str | None]] = []
        position = 0
        while position < len(text):
            if segments:
                if text[position] != ".":
                    raise ValueError(f"not an address: {text!r}")
                position += 1
            match = _SEGMENT.match(text, position)
            if match is None or match.group("kind") not in Kind.__members__.values():
                raise ValueError(f"not an address: {text!r}")
            kind, key = Kind(match.group("kind")), match.group("key")
            if (kind is Kind.PUBLISH) != (key is None):
                raise ValueError(f"not an address: {text!r}")
            segments.append((kind, json.loads(key) if key else None))
            position = match.end()
        if not segments:
            raise ValueError("an address cannot be empty")
        return cls(tuple(segments))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, _source: object, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_wrap_validator_function(
            cls._keep_or_parse,
            core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def _keep_or_parse(
        cls, value: object, as_text: core_schema.ValidatorFunctionWrapHandler
    ) -> Address:
        # An Address is kept as it is: the string validator would hand back a plain copy for
        # parse to read again, for every address of every change a plan or report builds.
        if isinstance(value, Address):
            return value
        return cls.parse(as_text(value))


@dataclass(frozen=True, slots=True)
class Resource:
    """One object of either side.

    ``fields`` holds managed fields only. On the desired side a field the files leave out
    (and the schema gives no default) is absent, meaning "don't care"; the live side holds
    every managed field its read carried (``unreadable`` names the others). ``id`` is the live
    id, or on the desired side a pinned one.
    ``active`` is False only for a live service that is disabled. ``moved_from`` (desired side
    only) is the key the object had before a rename (``movedFrom:``).
    """

    address: Address
    fields: Fields
    id: str | None = None
    moved_from: str | None = None
    active: bool = True
    protect: bool = False
    source: SourceLocation | None = None
    field_sources: Mapping[str, SourceLocation] = field(default_factory=dict)
    exempt: tuple[str, ...] = ()
    """The pricing policies the files exempt this object from (``policyExempt``)."""
    unreadable: frozenset[str] = frozenset()
    """Live side: the managed fields (and ``status``) the read lacked. Unknown, never a
    default: not in ``fields``, never compared, never written by an update
    (docs/contracts.md, "Unreadable fields")."""
    resets: tuple[str, ...] = ()
    """Live side: the wire fields the contract says the object has that its read lacked, and
    that a replace (a PUT sends the whole object) would reset."""

    @property
    def kind(self) -> Kind:
        return self.address.kind

    def location_of(self, name: str) -> SourceLocation | None:
        return self.field_sources.get(name, self.source)


@dataclass(frozen=True)
class ResourceGraph:
    """Resources by address. ``duplicates`` holds live objects whose natural key another
    object of the same parent already holds: they cannot be matched, only reported.

    The plan order, the parent-to-children index and the id index are computed once, when the
    graph is made, so every pass over a graph stays linear in its size.
    """

    resources: Mapping[Address, Resource]
    duplicates: tuple[Resource, ...] = ()
    _order: tuple[Resource, ...] = field(init=False, repr=False, compare=False)
    _children: Mapping[Address, tuple[Resource, ...]] = field(init=False, repr=False, compare=False)
    _ids: Mapping[Kind, Mapping[str, Resource]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        order = tuple(self.resources[a] for a in sorted(self.resources, key=Address.sort_key))
        children: dict[Address, list[Resource]] = {}
        ids: dict[Kind, dict[str, Resource]] = {kind: {} for kind in Kind}
        for resource in order:
            parent = resource.address.parent
            if parent is not None:
                children.setdefault(parent, []).append(resource)
            if resource.id is not None:
                ids[resource.kind][resource.id] = resource
        object.__setattr__(self, "_order", order)
        object.__setattr__(self, "_children", {a: tuple(c) for a, c in children.items()})
        object.__setattr__(self, "_ids", ids)

    def __contains__(self, address: object) -> bool:
        return address in self.resources

    def __iter__(self) -> Iterator[Resource]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self.resources)

    def get(self, address: Address) -> Resource | None:
        return self.resources.get(address)

    def children(self, address: Address) -> list[Resource]:
        return list(self._children.get(address, ()))

    def descendants(self, address: Address) -> Iterator[Resource]:
        """Everything below ``address``, parents before their children."""
        pending = list(self._children.get(address, ()))[::-1]
        while pending:
            resource = pending.pop()
            yield resource
            pending.extend(reversed(self._children.get(resource.address, ())))

    def by_id(self, kind: Kind) -> Mapping[str, Resource]:
        return self._ids[kind]
