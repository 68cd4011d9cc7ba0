"""The emulator's reseller API (catalog_sync/emulator/reseller.py): a seller's service is a
broker's marketplace service exactly when it is active and published to it."""

from __future__ import annotations

import pytest

from catalog_sync.emulator import DEMO, operations
from catalog_sync.emulator.ids import stable_id
from catalog_sync.emulator.reseller import visible_services
from catalog_sync.emulator.seeds import build_store
from catalog_sync.emulator.store import Store

SANDBOX = "Partner Sandbox"  # published to no one in the demo


def _visible(store: Store) -> set[str]:
    return {s["name"] for s in visible_services(store, DEMO.reseller_id) if s["marketplace"]}


def _publish(store: Store, body: dict[str, object]) -> None:
    publish = {"publishTo": "None", "regionIds": [], "countryIds": [], "brokerIds": [], **body}
    operations.publish_service(store, stable_id("service", SANDBOX), publish)


def _country(store: Store, code: str) -> str:
    return str(next(c["id"] for c in store.countries if c["countryCode"] == code))


@pytest.mark.parametrize(
    ("publish", "seen"),
    [
        ({"publishTo": "None"}, False),
        ({"publishTo": "AllBrokers"}, True),
        ({"publishTo": "SellerBrokers"}, True),
        ({"publishTo": "SpecificBrokers", "brokerIds": [DEMO.reseller_id]}, True),
        ({"publishTo": "Countries", "countryIds": ["SE"]}, True),
        ({"publishTo": "Countries", "countryIds": ["DE"]}, False),
        ({"publishTo": "Regions", "regionIds": [stable_id("region", "Nordics")]}, True),
    ],
)
def test_publishing_a_sellers_service_makes_it_the_brokers(
    publish: dict[str, object], seen: bool
) -> None:
    store = build_store("demo", DEMO.seller_id)
    assert SANDBOX not in _visible(store)
    codes = publish.get("countryIds")
    if isinstance(codes, list):
        publish = {**publish, "countryIds": [_country(store, str(c)) for c in codes]}
    _publish(store, publish)
    assert (SANDBOX in _visible(store)) is seen


def test_a_disabled_service_is_no_ones() -> None:
    store = build_store("demo", DEMO.seller_id)
    assert "Google Workspace" in _visible(store)
    operations.disable_service(store, stable_id("service", "Google Workspace"))
    assert "Google Workspace" not in _visible(store)


def test_a_broker_sees_its_organizations_by_showactive() -> None:
    from catalog_sync.emulator.reseller import organizations

    store = build_store("demo", DEMO.seller_id)
    active = {o["name"] for o in organizations(store, DEMO.reseller_id, show_active=True)}
    every = {o["name"] for o in organizations(store, DEMO.reseller_id)}
    assert "Old Customer AB" in every - active
    assert len(active) == 4
