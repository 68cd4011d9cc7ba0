"""The store: parent indexes that answer as a scan of the table would, and the changes a
group commit writes (take_changes), replayed to the same tables in the same order."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog_sync.emulator import DEMO
from catalog_sync.emulator.seeds import build_store
from catalog_sync.emulator.store import Store

IDS = [f"p{i}" for i in range(6)]
PARENTS = ["s1", "s2", "s3"]

# ("put", id, parent): create or replace whole; ("move", id, parent): update the parent key;
# ("rename", id, _): update another field; ("delete", id, _). Ids absent are skipped.
OPS = st.lists(
    st.tuples(
        st.sampled_from(["put", "move", "rename", "delete"]),
        st.sampled_from(IDS),
        st.sampled_from(PARENTS),
    ),
    max_size=40,
)


def _scan(store: Store, parent: str) -> list[str]:
    return [p["id"] for p in store.products.values() if p["_serviceId"] == parent]


def _run(store: Store, ops: list[tuple[str, str, str]]) -> None:
    for number, (op, product_id, parent) in enumerate(ops):
        present = product_id in store.products
        if op == "put":
            store.put("products", {"id": product_id, "name": str(number), "_serviceId": parent})
        elif op == "move" and present:
            store.update("products", product_id, {"_serviceId": parent})
        elif op == "rename" and present:
            store.update("products", product_id, {"name": f"renamed {number}"})
        elif op == "delete" and present:
            store.delete("products", product_id)


@settings(max_examples=200, deadline=None)
@given(OPS)
def test_products_of_answers_as_a_scan_of_the_table(ops: list[tuple[str, str, str]]) -> None:
    store = Store(DEMO.seller_id)
    _run(store, ops)
    for parent in PARENTS:
        assert [p["id"] for p in store.products_of(parent)] == _scan(store, parent)


@settings(max_examples=200, deadline=None)
@given(OPS, OPS)
def test_replayed_changes_give_the_same_tables_in_the_same_order(
    before: list[tuple[str, str, str]], ops: list[tuple[str, str, str]]
) -> None:
    store = Store(DEMO.seller_id)
    _run(store, before)
    snapshot = copy.deepcopy(store.to_json())
    store.record_changes = True
    _run(store, ops)

    replayed = Store.from_json(snapshot)
    replayed.apply_changes(copy.deepcopy(store.take_changes()))

    assert replayed.to_json() == store.to_json()
    assert list(replayed.products) == list(store.products)
    for parent in PARENTS:
        assert replayed.products_of(parent) == store.products_of(parent)
    assert store.take_changes() == {}  # taken once


def test_addons_go_from_the_index_with_their_product() -> None:
    store = build_store("demo", DEMO.seller_id)
    product = next(p for p in store.products.values() if store.addons_of(p["id"]))
    for addon in store.addons_of(product["id"]):
        store.delete("addons", addon["id"])
    store.delete("products", product["id"])
    assert store.addons_of(product["id"]) == []
    assert product["id"] not in [p["id"] for p in store.products_of(product["_serviceId"])]


def test_nothing_is_noted_until_a_state_file_holds_the_store() -> None:
    store = build_store("demo", DEMO.seller_id)
    assert store.take_changes() == {}
    store.record_changes = True
    service = next(iter(store.services.values()))
    store.update("services", service["id"], {"status": "Disabled"})
    store.signups = []
    assert store.take_changes() == {"put": {"services": [service]}, "signups": []}
