"""Request bodies from the seed documents, with real e-mail addresses filled in."""

from __future__ import annotations

import copy
from typing import Any


def seed_001_broker(**overrides: Any) -> dict[str, Any]:
    """Seed 001's create-broker body; its empty domain and e-mails are filled in."""
    body: dict[str, Any] = {
        "name": "ABCDEF Company",
        "registrationNumber": "123456789",
        "vat": "987654321",
        "domain": "abcdef.example.com",
        "notificationEmail": "notifications@abcdef.example.com",
        "supportEmail": "support@abcdef.example.com",
        "contact": {
            "name": "John",
            "jobTitle": "Admin",
            "email": "john@abcdef.example.com",
            "phonePrefix": "372",
            "phone": "53564558",
            "cellPhonePrefix": "372",
            "cellPhone": "53564558",
        },
        "address": {
            "address": "123 Dolphin Street",
            "postalCode": "123456",
            "city": "Tallinn",
            "countryCode": "EE",
        },
        "invoiceContact": {
            "name": "John Doe",
            "email": "invoices@abcdef.example.com",
            "phonePrefix": "372",
            "phone": "53564558",
        },
        "allowCmpAccess": True,
    }
    body.update(copy.deepcopy(overrides))
    return body


def seed_003_addon(**overrides: Any) -> dict[str, Any]:
    """Seed 003's create-addon body, verbatim."""
    body: dict[str, Any] = {
        "name": "Google Workspace Business Standard",
        "itemCode": "SkYiNEdAxQfMSL",
        "enableGrouping": True,
        "groupName": "payg",
        "price": 10,
        "cost": 5,
        "recommendedPrice": 15,
        "pricePer": "Metered",
        "hideFromSubscriptionView": False,
        "hideFromPriceList": False,
    }
    body.update(overrides)
    return body
