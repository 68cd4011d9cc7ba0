"""The generic client reads paths from a kind's endpoint data: a kind listed once at the root
and grouped by a parent field (as seller webhooks are, ``/webhooks`` with ``serviceId``) is
listed with one request, adopted only under its own parent, and sent with its parent's id."""

from __future__ import annotations

import dataclasses

import pytest

from catalog_sync.cloudmore import ApiSettings, open_read_only, open_read_write
from catalog_sync.graph import Kind
from catalog_sync.kinds import KINDS, Endpoint
from catalog_sync.kinds.addon import AddonBody
from tests.cloudmore.fakes import SELLER, FakeCloudmore, FakeSleep, status

# Addons, moved for these tests to a collection at the seller's root that names each item's
# product by ``productId``.
WIDGETS = f"/api/sellers/{SELLER}/widgets"
ROOT_LISTED = Endpoint("widgets", grouped_by="productId", parent_field="productId")


@pytest.fixture(autouse=True)
def root_listed_addons(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = dataclasses.replace(KINDS[Kind.ADDON], endpoint=ROOT_LISTED)
    monkeypatch.setitem(KINDS, Kind.ADDON, spec)


def _widget(oid: str, product: str, code: str) -> dict[str, object]:
    return {"id": oid, "productId": product, "name": code, "itemCode": code}


@pytest.mark.anyio
async def test_a_root_listed_kind_is_listed_once_and_grouped_by_its_parent(
    settings: ApiSettings,
) -> None:
    widgets = [_widget("a1", "P1", "x"), _widget("a2", "p2", "y"), _widget("a3", "p1", "z")]
    api = FakeCloudmore(collections={WIDGETS: widgets})
    async with open_read_only(settings, transport=api.transport()) as client:
        grouped = await client.list_grouped(Kind.ADDON)
        one = await client.list(Kind.ADDON, ("s1", "p1"))
    assert {parent: [w.id for w in items] for parent, items in grouped.items()} == {
        "p1": ["a1", "a3"],
        "p2": ["a2"],
    }
    assert [w.id for w in one] == ["a1", "a3"]
    assert api.count("GET", "/widgets$") == 2


@pytest.mark.anyio
async def test_the_parent_id_is_written_into_the_body_and_paths_are_the_roots(
    settings: ApiSettings,
) -> None:
    api = FakeCloudmore()
    body = AddonBody(name="W", item_code="w")
    async with open_read_write(settings, transport=api.transport()) as client:
        new_id = await client.create(Kind.ADDON, ("s1", "p1"), body)
        created = dict(api.collections[WIDGETS][0])
        await client.replace(Kind.ADDON, ("s1", "p1"), new_id, body)
        replaced = dict(api.collections[WIDGETS][0])
        await client.remove(Kind.ADDON, ("s1", "p1"), new_id)
    assert [(m, p) for m, p, _ in api.log if "/connect" not in p] == [
        ("POST", WIDGETS),
        ("PUT", f"{WIDGETS}/{new_id}"),
        ("DELETE", f"{WIDGETS}/{new_id}"),
    ]
    assert (created["productId"], replaced["productId"]) == ("p1", "p1")


@pytest.mark.anyio
async def test_an_ambiguous_create_adopts_only_under_its_own_parent(
    settings: ApiSettings, fake_sleep: FakeSleep
) -> None:
    # Another product has a widget with the same itemCode: it is not the one we created.
    api = FakeCloudmore(collections={WIDGETS: [_widget("other", "p2", "w")]})
    api.add("POST", "/widgets$", status(502))
    body = AddonBody(name="W", item_code="w")
    async with open_read_write(settings, transport=api.transport(), sleep=fake_sleep) as client:
        new_id = await client.create(Kind.ADDON, ("s1", "p1"), body)
        assert client.metrics.adopted_creates == 0
    assert new_id != "other"
    assert [(w["id"] == new_id, w["productId"]) for w in api.collections[WIDGETS]] == [
        (False, "p2"),
        (True, "p1"),
    ]
