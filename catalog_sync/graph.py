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
    PUBLISH = "publish"

    @property
    def rank(self) -> int:
        return list(Kind).index(self)


_SEGMENT = re.compile(r'(?P<kind>[a-z]+)(?:\[(?P<key>"(?:[^"\\]|\\.)*")\])?')


@dataclass(frozen=True, slots=True)
class Address:
    """A resource's place in the catalog: ``service["GW"].product["payg"].addon["gws-std"]``.

    Keys are natural keys (service name, itemCode, registrationNumber); ``publish`` has none.
    Ordering puts a parent before its children and follows :class:`Kind` among siblings, which
    is the order plans list resources in.
    """

    segments: tuple[tuple[Kind, str | None], ...]

    @classmethod
    def of(cls, kind: Kind, key: str | None = None) -> Address:
        return cls(((kind, key),))

    def child(self, kind: Kind, key: str | None = None) -> Address:
        return Address((*self.segments, (kind, key)))

    @property
    def kind(self) -> Kind:
        return self.segments[-1][0]

    @property
    def key(self) -> str | None:
        return self.segments[-1][1]

    @property
    def parent(self) -> Address | None:
        return Address(self.segments[:-1]) if len(self.segments) > 1 else None

    def ancestors(self) -> Iterator[Address]:
        parent = self.parent
        while parent is not None:
            yield parent
            parent = parent.parent

    def sort_key(self) -> tuple[tuple[int, str], ...]:
        return tuple((kind.rank, key or "") for kind, key in self.segments)

    def __lt__(self, other: Address) -> bool:
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        return ".".join(
            kind.value if key is None else f"{kind.value}[{json.dumps(key, ensure_ascii=False)}]"
            for kind, key in self.segments
        )

    @classmethod
    def parse(cls, text: str) -> Address:
        """Parse ``str(address)`` back; raises ValueError on anything else."""
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


@dataclass(frozen=True, slots=True)
class Resource:
    """One object of either side.

    ``fields`` holds managed fields only. On the desired side a field the files leave out
    (and the schema gives no default) is absent, meaning "don't care"; the live side always
    holds every managed field. ``id`` is the live id, or on the desired side a pinned one.
    ``active`` is False only for a live service that is disabled.
    """

    address: Address
    fields: Fields
    id: str | None = None
    active: bool = True
    protect: bool = False
    source: SourceLocation | None = None
    field_sources: Mapping[str, SourceLocation] = field(default_factory=dict)

    @property
    def kind(self) -> Kind:
        return self.address.kind

    def location_of(self, name: str | None = None) -> SourceLocation | None:
        if name is not None and name in self.field_sources:
            return self.field_sources[name]
        return self.source


@dataclass(frozen=True)
class ResourceGraph:
    """Resources by address. ``duplicates`` holds live objects whose natural key another
    object of the same parent already holds: they cannot be matched, only reported."""

    resources: Mapping[Address, Resource]
    duplicates: tuple[Resource, ...] = ()

    def __contains__(self, address: object) -> bool:
        return address in self.resources

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources[address] for address in sorted(self.resources))

    def __len__(self) -> int:
        return len(self.resources)

    def get(self, address: Address) -> Resource | None:
        return self.resources.get(address)

    def children(self, address: Address) -> list[Resource]:
        return [r for r in self if r.address.parent == address]

    def by_id(self, kind: Kind) -> dict[str, Resource]:
        return {r.id: r for r in self if r.kind is kind and r.id is not None}
