"""Lookups: the names a catalog uses (categories, regions, countries, e-mail templates, custom
property definitions) resolved to the ids the API wants, and back; each table's read is here
too (:data:`TABLES`): the one place that lists them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel

from catalog_sync.cloudmore.wire import (
    Category,
    CustomPropertyDefinition,
    EmailTemplate,
    MarketCountry,
    MarketRegion,
)
from catalog_sync.concurrency import all_or_nothing
from catalog_sync.kinds import SELLER, Root
from catalog_sync.kinds.contract import Contract, Evidence, JsonType, WireField

__all__ = ["LOOKUP_TABLES", "TABLES", "LookupTable", "Lookups", "TableReader", "read_lookups"]


@dataclass(frozen=True)
class LookupTable:
    """One lookup table the API reads: its list (``path``, under ``root`` when it has one) and
    the row each listed item is (name, an ISO code for countries, -> id; ``None``: no row)."""

    name: str
    path: str
    model: type[BaseModel]
    row: Callable[[Any], tuple[str, str] | None]
    root: Root | None = None
    contract: Contract | None = None
    """The row's wire fields, documented or assumed (``doctor --contract`` compares them)."""


def _row(
    endpoint: str, evidence: Evidence, source: str, *fields: tuple[str, JsonType, Evidence]
) -> Contract:
    return Contract(
        endpoint=endpoint,
        endpoint_evidence=evidence,
        endpoint_source=source,
        shape="array",
        where="catalog_sync/live/lookups.py",
        fields=tuple(
            WireField(name, kind, known, source if known == "documented" else _ASSUMED)
            for name, kind, known in fields
        ),
    )


_ASSUMED = "assumed: only the endpoint is documented"
_GUIDE = "Cloudmore developer guide"
_SDK = "SDK endpoint table"


TABLES: Mapping[str, LookupTable] = {
    table.name: table
    for table in (
        LookupTable(
            "categories",
            "/api/services/categories",
            Category,
            lambda c: (c.name, c.category_id),
            contract=_row(
                "GET /api/services/categories",
                "documented",
                _GUIDE,
                ("categoryId", "string", "documented"),
                ("name", "string", "documented"),
                ("description", "string", "documented"),
            ),
        ),
        LookupTable(
            "regions",
            "/api/services/marketRegions",
            MarketRegion,
            lambda r: (r.name, r.id),
            contract=_row(
                "GET /api/services/marketRegions",
                "documented",
                _GUIDE,
                ("id", "string", "assumed"),
                ("name", "string", "assumed"),
            ),
        ),
        LookupTable(
            "countries",
            "/api/services/marketCountries",
            MarketCountry,
            lambda c: (c.country_code.upper(), c.id) if c.country_code else None,
            contract=_row(
                "GET /api/services/marketCountries",
                "documented",
                _GUIDE,
                ("id", "string", "assumed"),
                ("name", "string", "assumed"),
                ("countryCode", "string", "assumed"),
            ),
        ),
        LookupTable(
            "emailTemplates",
            "settings/EmailTemplates",
            EmailTemplate,
            lambda t: (t.name, t.id),
            root=SELLER,
            contract=_row(
                "GET settings/EmailTemplates",
                "documented",
                _GUIDE,
                ("id", "string", "assumed"),
                ("name", "string", "assumed"),
            ),
        ),
        LookupTable(
            "customProperties",
            "settings/CustomProperties",
            CustomPropertyDefinition,
            lambda p: (p.name, p.id),
            root=SELLER,
            contract=_row(
                "GET settings/CustomProperties",
                "documented",
                _SDK,
                ("id", "string", "assumed"),
                ("name", "string", "assumed"),
                ("type", "string", "assumed"),
                ("mandatory", "boolean", "assumed"),
                ("appliesToBrokers", "boolean", "assumed"),
                ("appliesToOrganizations", "boolean", "assumed"),
            ),
        ),
    )
}
"""Every lookup table, in the order they are read; a field spec's ``lookup`` names one (or a
kind that is a table: ``BROKERS``)."""

LOOKUP_TABLES = tuple(TABLES)


@dataclass(frozen=True)
class Lookups:
    """Each table maps a name (an ISO code for countries) to its id; a table not given (not
    read) is empty."""

    tables: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    _names: Mapping[str, Mapping[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.tables) - set(TABLES)
        assert not unknown, f"no lookup table {sorted(unknown)}"
        tables = {name: dict(self.tables.get(name, {})) for name in TABLES}
        object.__setattr__(self, "tables", tables)
        # First name wins for an id two names share, as a scan in table order would find it.
        names = {t: {i: n for n, i in reversed(list(rows.items()))} for t, rows in tables.items()}
        object.__setattr__(self, "_names", names)

    def table(self, name: str) -> Mapping[str, str]:
        return self.tables[name]

    def name_of(self, table: str, identifier: str) -> str:
        """The name behind an id; an id no lookup knows stays as it is, so the plan shows it
        as a difference instead of failing."""
        return self._names[table].get(identifier, identifier)


class TableReader(Protocol):
    """What reading a lookup table needs; the read-only client provides it."""

    async def list_at(self, path: str, model: type[Any], root: Root | None = None) -> Any: ...


async def _read(client: TableReader, table: LookupTable) -> dict[str, str]:
    items = await client.list_at(table.path, table.model, table.root)
    return dict(pair for item in items if (pair := table.row(item)) is not None)


async def read_lookups(client: TableReader, tables: Iterable[str]) -> Lookups:
    """The lookup ``tables`` (of :data:`TABLES`), each one request; the others empty."""
    chosen = [table for name, table in TABLES.items() if name in set(tables)]
    async with all_or_nothing() as group:
        tasks = {table.name: group.create_task(_read(client, table)) for table in chosen}
    return Lookups({name: task.result() for name, task in tasks.items()})
