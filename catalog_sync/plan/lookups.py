"""Lookups: the names a catalog uses (categories, regions, countries, e-mail templates, custom
property definitions) resolved to the ids the API wants, and back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from catalog_sync.kinds import LOOKUP_TABLES

__all__ = ["LOOKUP_TABLES", "Lookups"]


@dataclass(frozen=True)
class Lookups:
    """Each table maps a name (an ISO code for countries) to its id."""

    categories: Mapping[str, str]
    regions: Mapping[str, str]
    countries: Mapping[str, str]
    email_templates: Mapping[str, str]
    custom_properties: Mapping[str, str] = field(default_factory=dict)
    _tables: Mapping[str, Mapping[str, str]] = field(init=False, repr=False, compare=False)
    _names: Mapping[str, Mapping[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        own = (
            self.categories,
            self.regions,
            self.countries,
            self.email_templates,
            self.custom_properties,
        )
        tables = dict(zip(LOOKUP_TABLES, own, strict=True))
        object.__setattr__(self, "_tables", tables)
        # First name wins for an id two names share, as a scan in table order would find it.
        names = {t: {i: n for n, i in reversed(list(rows.items()))} for t, rows in tables.items()}
        object.__setattr__(self, "_names", names)

    def table(self, name: str) -> Mapping[str, str]:
        return self._tables[name]

    def name_of(self, table: str, identifier: str) -> str:
        """The name behind an id; an id no lookup knows stays as it is, so the plan shows it
        as a difference instead of failing."""
        return self._names[table].get(identifier, identifier)
