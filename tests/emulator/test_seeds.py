"""The seeds: lookups in both, and the demo catalog against catalogs/example (contracts.md)."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from catalog_sync.emulator import DEMO
from catalog_sync.emulator.ids import stable_id
from catalog_sync.emulator.seeds import build_store
from tests.emulator.conftest import SELLER, Api

EXAMPLE = Path(__file__).resolve().parents[2] / "catalogs" / "example"
MONEY = ("price", "cost", "recommendedPrice")
PUBLISH_TO = {
    "allBrokers": "AllBrokers",
    "regions": "Regions",
    "countries": "Countries",
    "sellerBrokers": "SellerBrokers",
    "brokers": "SpecificBrokers",
    "none": "None",
}
PRODUCT_FIELDS = [
    "name",
    "itemCode",
    "description",
    "type",
    "subscriptionPeriodMonths",
    "billingFrequencyMonths",
    "minQuantity",
    "maxQuantity",
]
ADDON_FIELDS = ["name", "itemCode", "groupName", "pricePer"]
ADDON_FLAGS = ["enableGrouping", "hideFromSubscriptionView", "hideFromPriceList"]


def test_lookups_are_the_ones_contracts_md_lists() -> None:
    store = build_store("empty", DEMO.seller_id)
    assert [c["name"] for c in store.categories] == [
        "Productivity",
        "Collaboration",
        "Security",
        "Backup & Recovery",
        "Communication",
        "Infrastructure",
        "Storage",
        "Identity & Access",
        "Business Applications",
        "Marketing",
    ]
    assert [r["name"] for r in store.regions] == [
        "Nordics",
        "Baltics",
        "Western Europe",
        "DACH",
        "North America",
        "Asia Pacific",
    ]
    assert [t["name"] for t in store.email_templates] == [
        "Default provisioning",
        "Subscription created",
        "Subscription cancelled",
        "Welcome pack",
    ]
    assert store.services == {}
    assert store.brokers == {}


def test_countries_are_the_whole_iso_3166_1_list() -> None:
    countries = build_store("empty", DEMO.seller_id).countries
    codes = [c["countryCode"] for c in countries]
    assert len(codes) == len(set(codes)) == 249
    assert all(len(code) == 2 and code.isupper() for code in codes)
    by_code = {c["countryCode"]: c["name"] for c in countries}
    assert by_code["SE"] == "Sweden"
    assert by_code["EE"] == "Estonia"
    assert by_code["AQ"] == "Antarctica"


def test_seed_ids_are_uuid5_of_natural_keys_and_stable() -> None:
    first = build_store("demo", DEMO.seller_id).to_json()
    assert first == build_store("demo", DEMO.seller_id).to_json()
    assert first["services"][0]["id"] == stable_id("service", "Google Workspace")
    assert first["brokers"][0]["id"] == stable_id("broker", "5566778899")


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _file_service(raw: dict[str, Any], lookups: dict[str, dict[str, str]]) -> dict[str, Any]:
    publish = raw.get("publish", {"to": "none"})
    return {
        "name": raw["name"],
        "vendorName": raw.get("vendorName"),
        "description": raw.get("description"),
        "categoryIds": [lookups["categories"][c] for c in raw["categories"]],
        "allowMultipleUsers": raw.get("allowMultipleUsers", False),
        "provisioningType": raw.get("provisioningType"),
        "customProperties": [],
        "billingGeneration": None,
        "displayOnly": False,
        "userAssignedService": False,
        "oneSubscriptionPerOrganization": False,
        "welcomeTemplateIds": [],
        "status": "Active",
        "publish": {
            "publishTo": PUBLISH_TO[publish["to"]],
            "regionIds": [lookups["regions"][r] for r in publish.get("regions", [])],
            "countryIds": [lookups["countries"][c] for c in publish.get("countries", [])],
            "brokerIds": [lookups["brokers"][b] for b in publish.get("brokers", [])],
        },
        "products": {p["itemCode"]: _file_product(p, lookups) for p in raw.get("products", [])},
    }


def _file_product(raw: dict[str, Any], lookups: dict[str, dict[str, str]]) -> dict[str, Any]:
    product: dict[str, Any] = {name: raw.get(name) for name in PRODUCT_FIELDS}
    product.update({name: _money(raw.get(name)) for name in MONEY})
    template = raw.get("emailTemplate")
    product["emailTemplateId"] = lookups["templates"][template] if template else None
    product["allowQuantityDecrease"] = False
    product["addons"] = {a["itemCode"]: _file_addon(a) for a in raw.get("addons", [])}
    return product


def _file_addon(raw: dict[str, Any]) -> dict[str, Any]:
    addon: dict[str, Any] = {name: raw.get(name) for name in ADDON_FIELDS}
    addon.update({name: raw.get(name, False) for name in ADDON_FLAGS})
    addon.update({name: _money(raw.get(name)) for name in MONEY})
    return addon


def _file_broker(raw: dict[str, Any]) -> dict[str, Any]:
    broker = copy.deepcopy(raw)
    broker.setdefault("vat", None)
    broker.setdefault("invoiceContact", None)
    broker.setdefault("customProperties", [])
    broker.setdefault("allowCmpAccess", False)
    return broker


def _live(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    services: dict[str, Any] = {}
    # Whole objects come from detail reads, so this holds in either list shape.
    for listed in api.get_json(f"{SELLER}/services"):
        base = f"{SELLER}/services/{listed['id']}"
        service = api.get_json(base)
        del service["id"]
        assert service.pop("currencies") == [], "the demo seed has no price lists"
        service["products"] = {}
        for item in api.get_json(f"{base}/products"):
            product = api.get_json(f"{base}/products/{item['id']}")
            addons = api.get_json(f"{base}/products/{product.pop('id')}/addons")
            product.update({name: _money(product[name]) for name in MONEY})
            product["addons"] = {}
            for addon in addons:
                del addon["id"]
                addon.update({name: _money(addon[name]) for name in MONEY})
                product["addons"][addon["itemCode"]] = addon
            service["products"][product["itemCode"]] = product
        services[service["name"]] = service
    details = [
        api.get_json(f"{SELLER}/brokers/{b['id']}") for b in api.get_json(f"{SELLER}/brokers")
    ]
    brokers = {b["registrationNumber"]: b for b in details}
    for broker in brokers.values():
        del broker["id"]
    return services, brokers


def test_demo_seed_differs_from_catalogs_example_exactly_as_contracts_md_says(
    demo_url: str,
) -> None:
    api = Api(demo_url)
    yaml = YAML(typ="safe")
    raw_services = [
        service
        for path in sorted((EXAMPLE / "services").glob("*.yaml"))
        for service in yaml.load(path.read_text())["services"]
    ]
    raw_brokers = yaml.load((EXAMPLE / "brokers.yaml").read_text())["brokers"]
    lookups = {
        "categories": {
            c["name"]: c["categoryId"] for c in api.get_json("/api/services/categories")
        },
        "regions": {r["name"]: r["id"] for r in api.get_json("/api/services/marketRegions")},
        "countries": {
            c["countryCode"]: c["id"] for c in api.get_json("/api/services/marketCountries")
        },
        "templates": {
            t["name"]: t["id"] for t in api.get_json(f"{SELLER}/settings/EmailTemplates")
        },
        "brokers": {
            b["registrationNumber"]: stable_id("broker", b["registrationNumber"])
            for b in raw_brokers
        },
    }
    expected = {s["name"]: _file_service(s, lookups) for s in raw_services}
    brokers = {b["registrationNumber"]: _file_broker(b) for b in raw_brokers}

    # 1. Google Workspace
    gws = expected["Google Workspace"]["products"]
    gws["payg"]["addons"]["gws-std"].update(
        price=Decimal("10.00"), recommendedPrice=Decimal("12.00")
    )
    del gws["payg"]["addons"]["gws-ent"]
    gws["annual"]["name"] = "Google Workspace Annual"
    # 2. Acronis Cyber Protect
    expected["Acronis Cyber Protect"]["status"] = "Disabled"
    # 3. and 5.
    del expected["Secure Mail Gateway"], expected["Managed Firewall"]
    # 4. Cloud PBX
    pbx = expected["Cloud PBX"]
    pbx["description"] = "Hosted phone system."
    pbx["publish"]["publishTo"] = "AllBrokers"
    del pbx["products"]["pbx-minutes"]
    # 6. Partner Sandbox
    legacy_trial = {
        "name": "Legacy trial",
        "itemCode": "sandbox-legacy",
        "pricePer": "Subscription",
    }
    expected["Partner Sandbox"]["products"]["sandbox-tenant"]["addons"]["sandbox-legacy"] = (
        _file_addon({**legacy_trial, "price": "0"})
    )
    # 7. Legacy Hosting
    expected["Legacy Hosting"] = _file_service(
        {
            "name": "Legacy Hosting",
            "vendorName": "Example Cloud",
            "categories": ["Infrastructure"],
            "provisioningType": "Email",
            "publish": {"to": "allBrokers"},
            "products": [
                {
                    "name": "Shared hosting",
                    "itemCode": "lh-shared",
                    "type": "ProductBased",
                    "subscriptionPeriodMonths": 1,
                    "billingFrequencyMonths": 1,
                    "price": "5.00",
                    "cost": "2.00",
                    "addons": [
                        {
                            "name": "Extra domain",
                            "itemCode": "lh-domain",
                            "pricePer": "Quantity",
                            "price": "1.00",
                            "cost": "0.50",
                        }
                    ],
                }
            ],
        },
        lookups,
    )
    # 8. Brokers
    brokers["5566778899"]["supportEmail"] = "helpdesk@nordiccloud.example.com"
    del brokers["12345678"]

    live_services, live_brokers = _live(api)
    assert live_brokers == brokers
    assert sorted(live_services) == sorted(expected)
    for name, service in expected.items():
        assert live_services[name] == service, name


def test_a_seed_service_may_list_the_currencies_enabled_on_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from catalog_sync.emulator import seeds

    real = seeds._data

    def with_currencies(name: str) -> Any:
        data = real(name)
        if name == "demo.json":
            data["services"][0]["currencies"] = ["SEK", "EUR"]
        return data

    monkeypatch.setattr(seeds, "_data", with_currencies)
    store = seeds.build_store("demo", "11111111-1111-4111-8111-111111111111")
    currencies = [service["currencies"] for service in store.services.values()]
    assert currencies[0] == ["SEK", "EUR"]
    assert all(found == [] for found in currencies[1:])
