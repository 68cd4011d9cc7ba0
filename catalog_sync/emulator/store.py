"""The emulator's state: lookups and the seller's catalog, as JSON-ready records.

Records are stored in their wire shape; the few keys starting with ``_`` link children to
their parents and are stripped from responses. Dicts keep insertion order, so every list
endpoint answers in creation order, as a database with a clustered key would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog_sync.emulator.validation import JSON

__all__ = ["STATE_FORMAT", "Store", "public"]

# 2: services carry the UI-only settings, products their extra field, the seller custom
# property definitions; a format-1 file is refused with a clear message, not half-read.
# 3: services carry their currencies, products and addons their amounts per currency
# ("_prices"); a format-2 file is read as one without price lists.
STATE_FORMAT = 3
_UPGRADABLE = (2, STATE_FORMAT)


def public(record: JSON) -> JSON:
    return {key: value for key, value in record.items() if not key.startswith("_")}


@dataclass
class Store:
    seller_id: str
    categories: list[JSON] = field(default_factory=list)
    regions: list[JSON] = field(default_factory=list)
    countries: list[JSON] = field(default_factory=list)
    email_templates: list[JSON] = field(default_factory=list)
    # The seller's custom property definitions (GET .../settings/CustomProperties).
    custom_properties: list[JSON] = field(default_factory=list)
    services: dict[str, JSON] = field(default_factory=dict)
    products: dict[str, JSON] = field(default_factory=dict)
    addons: dict[str, JSON] = field(default_factory=dict)
    brokers: dict[str, JSON] = field(default_factory=dict)
    # Which brokers signed which service: {"brokerId", "serviceId"}.
    signups: list[JSON] = field(default_factory=list)
    # Not state: how the emulator is configured (EmulatorConfig.unique_keys).
    unique_keys: bool = True

    def products_of(self, service_id: str) -> list[JSON]:
        return [p for p in self.products.values() if p["_serviceId"] == service_id]

    def addons_of(self, product_id: str) -> list[JSON]:
        return [a for a in self.addons.values() if a["_productId"] == product_id]

    def to_json(self) -> JSON:
        return {
            "format": STATE_FORMAT,
            "sellerId": self.seller_id,
            "categories": self.categories,
            "regions": self.regions,
            "countries": self.countries,
            "emailTemplates": self.email_templates,
            "customProperties": self.custom_properties,
            "services": list(self.services.values()),
            "products": list(self.products.values()),
            "addons": list(self.addons.values()),
            "brokers": list(self.brokers.values()),
            "signups": self.signups,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Store:
        if data.get("format") not in _UPGRADABLE:
            raise ValueError(f"unsupported state format {data.get('format')!r}")
        for service in data["services"]:
            service.setdefault("currencies", [])

        def table(name: str) -> dict[str, JSON]:
            return {row["id"]: row for row in data[name]}

        return cls(
            seller_id=data["sellerId"],
            categories=data["categories"],
            regions=data["regions"],
            countries=data["countries"],
            email_templates=data["emailTemplates"],
            custom_properties=data["customProperties"],
            services=table("services"),
            products=table("products"),
            addons=table("addons"),
            brokers=table("brokers"),
            signups=data["signups"],
        )
