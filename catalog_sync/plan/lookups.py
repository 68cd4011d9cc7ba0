"""Lookups: the names a catalog uses (categories, regions, countries, e-mail templates)
resolved to the ids the API wants, and back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["LOOKUP_TABLES", "Lookups"]

LOOKUP_TABLES = ("categories", "regions", "countries", "emailTemplates")


@dataclass(frozen=True)
class Lookups:
    """Each table maps a name (an ISO code for countries) to its id."""

    categories: Mapping[str, str]
    regions: Mapping[str, str]
    countries: Mapping[str, str]
    email_templates: Mapping[str, str]

    def table(self, name: str) -> Mapping[str, str]:
        return {
            "categories": self.categories,
            "regions": self.regions,
            "countries": self.countries,
            "emailTemplates": self.email_templates,
        }[name]

    def name_of(self, table: str, identifier: str) -> str:
        """The name behind an id; an id no lookup knows stays as it is, so the plan shows it
        as a difference instead of failing."""
        for name, known in self.table(table).items():
            if known == identifier:
                return name
        return identifier

    def as_plan_tables(self) -> dict[str, dict[str, str]]:
        return {name: dict(sorted(self.table(name).items())) for name in LOOKUP_TABLES}
