"""Wire bodies for the generated catalog, as a hand-written script would build them.

This is deliberately the script's own mapping (the baseline a user has today), not
catalog-sync's: it seeds the emulator and drives :mod:`bench.sequential`. The harness checks
it against catalog-sync by requiring a no-change plan over the state it seeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bench.catalog import Addon, Broker, Product, Publish, Service
from catalog_sync.kinds import PUBLISH_MODES
from catalog_sync.live.lookups import Lookups

__all__ = [
    "addon_body",
    "broker_body",
    "lookups_from_lists",
    "product_body",
    "publish_body",
    "service_body",
]

JSON = dict[str, Any]


def lookups_from_lists(
    categories: list[JSON], regions: list[JSON], countries: list[JSON], templates: list[JSON]
) -> Lookups:
    """The lookups from the four lookup lists as the API answers them."""
    return Lookups(
        {
            "categories": {c["name"]: c["categoryId"] for c in categories},
            "regions": {r["name"]: r["id"] for r in regions},
            "countries": {c["countryCode"].upper(): c["id"] for c in countries},
            "emailTemplates": {t["name"]: t["id"] for t in templates},
        }
    )


def service_body(service: Service, lookups: Lookups) -> JSON:
    return {
        "name": service.name,
        "vendorName": service.vendor_name,
        "description": service.description,
        "categoryIds": [lookups.table("categories")[c] for c in service.categories],
        "allowMultipleUsers": service.allow_multiple_users,
        "provisioningType": service.provisioning_type,
    }


def publish_body(publish: Publish, lookups: Lookups, broker_ids: Mapping[str, str]) -> JSON:
    return {
        "publishTo": PUBLISH_MODES[publish.to],
        "regionIds": [lookups.table("regions")[r] for r in publish.regions],
        "countryIds": [lookups.table("countries")[c] for c in publish.countries],
        "brokerIds": [broker_ids[b] for b in publish.brokers],
    }


def product_body(product: Product, lookups: Lookups) -> JSON:
    template = product.email_template
    return {
        "name": product.name,
        "itemCode": product.item_code,
        "description": product.description,
        "type": product.type,
        "subscriptionPeriodMonths": product.subscription_period_months,
        "billingFrequencyMonths": product.billing_frequency_months,
        "price": float(product.price),
        "cost": float(product.cost),
        "minQuantity": product.min_quantity,
        "maxQuantity": product.max_quantity,
        "emailTemplateId": lookups.table("emailTemplates")[template] if template else None,
    }


def addon_body(addon: Addon) -> JSON:
    return {
        "name": addon.name,
        "itemCode": addon.item_code,
        "enableGrouping": addon.group_name is not None,
        "groupName": addon.group_name,
        "price": float(addon.price),
        "cost": float(addon.cost),
        "recommendedPrice": float(addon.recommended_price),
        "pricePer": addon.price_per,
        "hideFromSubscriptionView": addon.hide_from_subscription_view,
        "hideFromPriceList": addon.hide_from_price_list,
    }


def broker_body(broker: Broker) -> JSON:
    return {
        "name": broker.name,
        "registrationNumber": broker.registration_number,
        "vat": broker.vat,
        "domain": broker.domain,
        "notificationEmail": f"notify@{broker.domain}",
        "supportEmail": f"support@{broker.domain}",
        "contact": {
            "name": f"Partner Manager of {broker.name}",
            "jobTitle": "Partner Manager",
            "email": f"partners@{broker.domain}",
            "phonePrefix": broker.phone_prefix,
            "phone": "701234567",
            "cellPhonePrefix": broker.phone_prefix,
            "cellPhone": "701234568",
        },
        "address": {
            "address": "Main Street 1",
            "postalCode": "11143",
            "city": "Capital",
            "countryCode": broker.country,
        },
        "invoiceContact": None,
        "customProperties": [],
        "allowCmpAccess": True,
    }
