"""Reading live state: one reader for the full read (plan, drift, export) and the scoped read
(apply), the scope a plan's changes need, the lookup tables and their reads, and the kinds read
on demand by key (price lists)."""

from __future__ import annotations

from catalog_sync.live.keyed import (
    listed,
    read_keyed,
    wanted_by_changes,
    wanted_by_desired,
    with_listed,
)
from catalog_sync.live.lookups import LOOKUP_TABLES, TABLES, Lookups, LookupTable, read_lookups
from catalog_sync.live.reader import LiveCatalog, LiveReader, assemble, read_live, read_scoped
from catalog_sync.live.scope import Depth, Scope, scope_of, with_plan_lookups

__all__ = [
    "LOOKUP_TABLES",
    "TABLES",
    "Depth",
    "LiveCatalog",
    "LiveReader",
    "LookupTable",
    "Lookups",
    "Scope",
    "assemble",
    "listed",
    "read_keyed",
    "read_live",
    "read_lookups",
    "read_scoped",
    "scope_of",
    "wanted_by_changes",
    "wanted_by_desired",
    "with_listed",
    "with_plan_lookups",
]
