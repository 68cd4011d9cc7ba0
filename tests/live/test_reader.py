"""Reading live state: summary lists, detail reads where a list leaves out what the plan reads,
every read started as soon as what it needs is known (docs/contracts.md, "List and detail
reads")."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Sequence
from typing import Any

import pytest
from pydantic import BaseModel

from catalog_sync.emulator import DEMO, EmulatorConfig, create_app
from catalog_sync.emulator import operations as ops
from catalog_sync.emulator.views import Listed, list_items, served
from catalog_sync.errors import NotFoundError
from catalog_sync.graph import Address, Kind
from catalog_sync.kinds import KINDS, LIST_VIEWS
from catalog_sync.kinds.addon import AddonRead
from catalog_sync.kinds.broker import BrokerRead
from catalog_sync.kinds.product import ProductRead
from catalog_sync.kinds.service import ServiceRead
from catalog_sync.live.reader import read_live
from tests.apply.support import InProcess
from tests.plan.support import plan_on

SELLER = f"/api/sellers/{DEMO.seller_id}"


def test_the_kinds_whose_lists_leave_out_a_managed_field_read_details() -> None:
    reading = {kind: spec.reads_details() for kind, spec in KINDS.items() if spec.lists}
    assert reading == {
        Kind.BROKER: True,
        Kind.SERVICE: False,
        Kind.PRODUCT: True,
        Kind.ADDON: False,
        Kind.WEBHOOK: False,
    }


def test_a_list_view_carrying_every_managed_field_needs_no_detail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    product = KINDS[Kind.PRODUCT]
    fields = product.wire_fields()
    assert {"type", "price"} <= fields
    assert "type" not in (LIST_VIEWS[ProductRead] or fields)
    products: type[BaseModel] = ProductRead
    services: type[BaseModel] = ServiceRead
    monkeypatch.setitem(LIST_VIEWS, products, fields | {"id"})
    assert not product.reads_details()
    # A service's status and publish settings are read too, though no field spec names them.
    monkeypatch.setitem(LIST_VIEWS, services, KINDS[Kind.SERVICE].wire_fields() - {"publish"})
    assert KINDS[Kind.SERVICE].reads_details()


def test_every_listed_read_model_has_a_list_view() -> None:
    for spec in KINDS.values():
        if spec.lists:
            assert spec.read_model in LIST_VIEWS, spec.kind


def test_the_list_views_are_what_the_emulator_serves() -> None:
    store = create_app(EmulatorConfig(seed="demo")).state.emulator.store
    service = next(iter(store.services.values()))
    product = store.products_of(service["id"])[0]
    rows: dict[type[Any], tuple[Listed, list[dict[str, Any]]]] = {
        BrokerRead: ("broker", list(store.brokers.values())),
        ServiceRead: ("service", list(store.services.values())),
        ProductRead: ("product", store.products_of(service["id"])),
        AddonRead: ("addon", store.addons_of(product["id"])),
    }
    for model, (kind, records) in rows.items():
        carried = {key for item in list_items(kind, records, ()) for key in item}
        whole = {key for r in records for key in served(kind, r, listed=False, variants=())}
        view = LIST_VIEWS[model]
        assert carried == (whole if view is None else view), model


class _Gated:
    """A client whose first service detail read waits until an addon list has been asked for:
    a reader that reads level by level (every detail before any child list) never finishes."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.addons_asked = asyncio.Event()
        self.details: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def get(self, kind: Kind, ids: Sequence[str], object_id: str) -> Any:
        if kind is Kind.SERVICE and not self.details:
            self.details.append(object_id)
            await self.addons_asked.wait()
        return await self._client.get(kind, ids, object_id)

    async def list(self, kind: Kind, ids: Sequence[str] = ()) -> Any:
        if kind is Kind.ADDON:
            self.addons_asked.set()
        return await self._client.list(kind, ids)


def test_children_are_read_while_their_parents_details_are_in_flight() -> None:
    async def run() -> int:
        async with InProcess("demo").client() as client:
            gated = _Gated(client)
            # A guard against a deadlock, not a synchronisation: the gate is an Event.
            live = await asyncio.wait_for(read_live(gated), timeout=60)
            return len(live.graph)

    assert asyncio.run(run()) > 30


def test_an_object_deleted_between_its_list_and_its_detail_read_is_named() -> None:
    demo = InProcess("demo")
    store = demo.app.state.emulator.store
    service = next(s for s in store.services.values() if s["name"] == "Google Workspace")
    product = next(p for p in store.products_of(service["id"]) if p["itemCode"] == "annual")

    class Vanishing:
        def __init__(self, client: Any) -> None:
            self._client = client

        def __getattr__(self, name: str) -> Any:
            return getattr(self._client, name)

        async def get(self, kind: Kind, ids: Sequence[str], object_id: str) -> Any:
            if kind is Kind.PRODUCT and object_id == product["id"]:
                ops.delete_product(store, ids[0], object_id)
            return await self._client.get(kind, ids, object_id)

    async def run() -> None:
        async with demo.client() as client:
            await read_live(Vanishing(client))

    with pytest.raises(NotFoundError) as raised:
        asyncio.run(run())
    message = str(raised.value)
    assert 'service["Google Workspace"].product["annual"]' in message
    assert f"(id {product['id']}) was listed but is gone now (404)" in message
    assert message.startswith(f"GET {SELLER}/services/{service['id']}/products/{product['id']}:")


def test_detail_reads_keep_the_json_as_sent() -> None:
    async def run() -> dict[str, Any]:
        async with InProcess("demo").client() as client:
            live = await read_live(client)
        service = live.objects[Address.of(Kind.SERVICE, "Google Workspace")]
        assert isinstance(service, ServiceRead)
        return service.raw

    raw = asyncio.run(run())
    # Fields no model declares (the UI's settings) and what only the detail read carries.
    assert {"billingGeneration", "displayOnly", "welcomeTemplateIds", "status", "publish"} <= set(
        raw
    )


def test_services_are_read_from_their_list_and_products_and_brokers_by_id() -> None:
    """One service model (the swagger's): the list is the whole service, so no service is
    read by id; products and brokers keep their summary lists and detail reads."""
    plan, log = plan_on("demo")
    assert plan.changes  # the demo seed differs from the files: a plan worth comparing
    details = re.compile(r"/sellers/.*/(brokers|services|products|addons)/[^/]+$")
    read_by_id = [e["path"] for e in log if details.search(e["path"])]
    assert not [p for p in read_by_id if re.search(r"/services/[^/]+$", p)]
    assert len(read_by_id) == 1 + 8  # B=1 broker, P=8 products (was 1 + 5 + 8)


def test_an_object_deleted_before_its_children_are_listed_is_named() -> None:
    demo = InProcess("demo")
    store = demo.app.state.emulator.store
    service = next(s for s in store.services.values() if s["name"] == "Cloud PBX")
    product = store.products_of(service["id"])[0]

    class Vanishing:
        def __init__(self, client: Any) -> None:
            self._client = client

        def __getattr__(self, name: str) -> Any:
            return getattr(self._client, name)

        async def list(self, kind: Kind, ids: Sequence[str] = ()) -> Any:
            if kind is Kind.ADDON and ids[-1] == product["id"]:
                ops.delete_product(store, ids[0], ids[1])
            return await self._client.list(kind, ids)

    async def run() -> None:
        async with demo.client() as client:
            await read_live(Vanishing(client))

    with pytest.raises(NotFoundError) as raised:
        asyncio.run(run())
    address = f'service["Cloud PBX"].product["{product["itemCode"]}"]'
    assert f"{address} (id {product['id']}) was listed but is gone now (404)" in str(raised.value)
    assert str(raised.value).endswith("run the command again")


def test_a_kind_listed_at_the_root_is_read_once_per_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Addons moved for this test to one collection at the seller's root, grouped by their
    product (as seller webhooks are by service): a full read lists it once, not per product."""
    spec = KINDS[Kind.ADDON]
    grouped = dataclasses.replace(
        spec, endpoint=dataclasses.replace(spec.endpoint, grouped_by="productId")
    )
    monkeypatch.setitem(KINDS, Kind.ADDON, grouped)
    demo = InProcess("demo")
    store = demo.app.state.emulator.store

    class RootListed:
        def __init__(self, client: Any) -> None:
            self._client = client
            self.grouped_reads = 0

        def __getattr__(self, name: str) -> Any:
            return getattr(self._client, name)

        async def list_grouped(self, kind: Kind) -> Any:
            if kind is not Kind.ADDON:
                return await self._client.list_grouped(kind)  # webhooks, listed so already
            self.grouped_reads += 1
            groups: dict[str, list[AddonRead]] = {}
            for record in store.addons.values():
                parent = str(record["_productId"]).lower()
                groups.setdefault(parent, []).append(AddonRead.model_validate(record))
            return groups

    async def run() -> tuple[int, int, int]:
        async with demo.client() as client:
            reader = RootListed(client)
            live = await read_live(reader)
            addons = [r for r in live.graph if r.kind is Kind.ADDON]
            return reader.grouped_reads, len(addons), len(store.addons)

    reads, read_addons, stored = asyncio.run(run())
    assert reads == 1
    assert read_addons == stored > 3
