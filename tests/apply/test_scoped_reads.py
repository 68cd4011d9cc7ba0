"""Apply reads what its plan touches, not the whole catalog: its requests, counted in the
emulator's request log (catalog_sync/live/scope.py, docs/benchmarks.md)."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench.bounds import change_minimum, create_minimum, plan_minimum
from catalog_sync.apply import ApplyOptions, apply_plan
from catalog_sync.graph import Kind
from catalog_sync.plan.build import target_of
from catalog_sync.plan.model import Action, Plan
from tests.apply.support import EXAMPLE, SELLER, InProcess, copy_catalog, plan_with
from tests.kinds.support import whole_lists

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
LOOKUPS = ("categories", "marketRegions", "marketCountries", "EmailTemplates", "CustomProperties")


async def _plan(emulator: InProcess, catalog: Path = EXAMPLE) -> Plan:
    async with emulator.client() as client:
        return await plan_with(client, emulator.settings, catalog)


async def _applied(
    emulator: InProcess, plan: Plan, journal_dir: Path, *, ids: bool = False
) -> list[str]:
    """Apply ``plan`` through a client of its own (as `catalog-sync apply plan.json` does):
    its requests, each as method and path (with ids as ``{id}`` unless ``ids``)."""
    seq = emulator.requests()[-1]["seq"] if emulator.requests() else 0
    async with emulator.client() as client:
        report = await apply_plan(
            plan, client, target_of(emulator.settings), ApplyOptions(journal_dir=journal_dir)
        )
    assert report.ok
    assert report.verified
    assert not report.mismatches
    return [_shape(e, ids=ids) for e in emulator.requests() if e["seq"] > seq]


def _shape(entry: dict[str, Any], *, ids: bool = False) -> str:
    path = str(entry["path"]).split("?")[0].replace(SELLER, "")
    path = path if ids else _GUID.sub("{id}", path)
    return f"{entry['method']} {path}"


def _reads(requests: list[str]) -> Counter[str]:
    return Counter(r for r in requests if r.startswith("GET "))


@pytest.mark.anyio
async def test_one_addon_price_update_reads_its_three_lists_before_and_after(
    tmp_path: Path, journal_dir: Path
) -> None:
    emulator = InProcess("demo")
    await _applied(emulator, await _plan(emulator), tmp_path / "converge")
    catalog = copy_catalog(tmp_path)
    acronis = catalog / "services" / "acronis.yaml"
    acronis.write_text(acronis.read_text().replace('price: "1.50"', 'price: "1.60"', 1))
    plan = await _plan(emulator, catalog)
    assert [(c.kind, c.action) for c in plan.changes] == [(Kind.ADDON, Action.UPDATE)]

    requests = await _applied(emulator, plan, journal_dir)

    lists = [
        "GET /services",
        "GET /services/{id}/products",
        "GET /services/{id}/products/{id}/addons",
    ]
    # 9: the token, the addon's three lists (stale check), its re-read right before its PUT
    # (docs/contracts.md, "Edits during apply"), the PUT, the three lists again.
    addon = "/services/{id}/products/{id}/addons/{id}"
    assert sorted(requests) == sorted(
        ["POST /connect/token", *lists, f"GET {addon}", f"PUT {addon}", *lists]
    )
    assert requests.index(f"GET {addon}") == requests.index(f"PUT {addon}") - 1
    # The benchmark's minimum for apply (bench/bounds.py) is what it sends, token included.
    minimum = change_minimum(5, 8, writes=1, parents=1, brokers=1, parent_services=1, updates=True)
    assert len(requests) == minimum.requests - plan_minimum(5, 8, 1).requests


@pytest.mark.anyio
async def test_the_example_onto_demo_reads_each_touched_object_once_before_and_once_after(
    journal_dir: Path,
) -> None:
    emulator = InProcess("demo")
    plan = await _plan(emulator)
    requests = await _applied(emulator, plan, journal_dir, ids=True)

    writes = [r for r in requests if not r.startswith("GET ") and r != "POST /connect/token"]
    assert len(writes) == len(plan.changes) == 22
    reads = _reads(requests)
    # The stale check reads the lookups its objects name; the verification reuses them.
    assert all(n == 1 for r, n in reads.items() if r.rsplit("/", 1)[-1] in LOOKUPS), reads
    # Each object and list once before writing and once after, at most, besides the re-read
    # right before each write (a GET just before its PUT; a service's update and its publish
    # each re-read it).
    rereads_of = Counter(
        r
        for r, then in itertools.pairwise(requests)
        if r.startswith("GET ") and then.startswith("PUT ")
    )
    assert all(n - rereads_of[r] <= 2 for r, n in reads.items()), reads
    # 57 (a whole-catalog re-read before and after made it 102; with services read by id too,
    # 63): the token, 22 writes, 12 reads before (5 lookups, the 2 top-level lists, the
    # touched objects and the lists above them; a service is whole in its list), a re-read
    # right before each of the 6 writes over an existing object (docs/contracts.md, "Edits
    # during apply"), and 16 after (no lookups; the created broker, products and addons too).
    rereads = sum(1 for c in plan.changes if c.fingerprint is not None and not c.action.removes)
    assert rereads == 6
    first = requests.index(writes[0])
    last = len(requests) - 1 - requests[::-1].index(writes[-1])
    assert 12 <= sum(1 for r in requests[:first] if r.startswith("GET ")) <= 12 + rereads
    assert sum(1 for r in requests[:last] if r.startswith("GET ")) == 12 + rereads
    assert sum(1 for r in requests[last:] if r.startswith("GET ")) == 16
    assert len(requests) == 51 + rereads


@pytest.mark.anyio
async def test_creates_onto_an_empty_seller_read_the_top_lists_then_what_they_made(
    journal_dir: Path,
) -> None:
    emulator = InProcess("empty")
    plan = await _plan(emulator)
    created = Counter(c.kind for c in plan.changes if c.action is Action.CREATE)
    services, products, brokers = created[Kind.SERVICE], created[Kind.PRODUCT], created[Kind.BROKER]
    assert min(services, products, brokers) > 0

    requests = await _applied(emulator, plan, journal_dir)

    # Before writing only the top-level lists exist to read: nothing can be under a parent
    # the run creates. After, each created object is read whole through its parent's list
    # (a service's list item is the whole service: no read by id).
    before = Counter({"GET /services": 1, "GET /brokers": 1})
    after = Counter(
        {
            "GET /services": 1,
            "GET /brokers": 1,
            "GET /brokers/{id}": brokers,
            "GET /services/{id}/products": services,
            "GET /services/{id}/products/{id}": products,
            "GET /services/{id}/products/{id}/addons": products,
            "GET /webhooks": 1,  # once, at the root, for every service's webhooks
        }
    )
    assert _reads(requests) == before + after
    addons = sum(1 for c in plan.changes if c.kind is Kind.ADDON and c.action is Action.CREATE)
    publishes = sum(1 for c in plan.changes if c.action is Action.PUBLISH)
    minimum = create_minimum(
        services, products, addons, brokers, publishes=publishes, webhooks=created[Kind.WEBHOOK]
    )
    assert len(requests) == 1 + len(plan.changes) + sum((before + after).values())
    assert len(requests) == minimum.requests - plan_minimum(0, 0).requests


@pytest.mark.anyio
async def test_a_product_delete_reads_its_subtree_before_and_only_its_list_after(
    tmp_path: Path, journal_dir: Path
) -> None:
    emulator = InProcess("demo")
    settings = "settings:\n  prune: true\n  thresholds:\n    maxDeletePercent: 100\n"
    catalog = copy_catalog(tmp_path, settings=settings)
    await _applied(emulator, await _plan(emulator, catalog), tmp_path / "converge")
    acronis = catalog / "services" / "acronis.yaml"
    text = acronis.read_text(encoding="utf-8")
    # The last product goes; the webhooks after it stay.
    start, end = text.index("      - name: Cloud storage\n"), text.index("    webhooks:\n")
    acronis.write_text(text[:start] + text[end:], encoding="utf-8")
    plan = await _plan(emulator, catalog)
    assert [(c.kind, c.action) for c in plan.changes] == [(Kind.PRODUCT, Action.DELETE)]

    requests = await _applied(emulator, plan, journal_dir)

    # Before: the lists down to the product, its detail and (for the subtree check) its
    # addons, and the one lookup a product names (its fingerprint holds the template's name);
    # after: the lists that show it gone. No other product's addons are read.
    assert sorted(requests) == sorted(
        [
            "POST /connect/token",
            "GET /settings/EmailTemplates",
            "GET /services",
            "GET /services/{id}/products",
            "GET /services/{id}/products/{id}",
            "GET /services/{id}/products/{id}/addons",
            # Right before the DELETE: nothing new below it (docs/contracts.md).
            "GET /services/{id}/products/{id}/addons",
            "DELETE /services/{id}/products/{id}",
            "GET /services",
            "GET /services/{id}/products",
        ]
    )


@pytest.mark.anyio
async def test_on_whole_lists_an_addon_update_reads_no_detail_and_decodes_no_publish(
    tmp_path: Path, journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lists that carry whole objects (docs/contracts.md, "The contract"): every
    # listed service comes with its publish settings, which name brokers the addon's apply
    # never lists; an object nothing touches is kept as its key and id only.
    whole_lists(monkeypatch)
    emulator = InProcess("demo")
    await _applied(emulator, await _plan(emulator), tmp_path / "converge")
    catalog = copy_catalog(tmp_path)
    acronis = catalog / "services" / "acronis.yaml"
    acronis.write_text(acronis.read_text().replace('price: "1.50"', 'price: "1.60"', 1))
    plan = await _plan(emulator, catalog)
    assert [(c.kind, c.action) for c in plan.changes] == [(Kind.ADDON, Action.UPDATE)]

    requests = await _applied(emulator, plan, journal_dir)

    assert len(requests) == 9  # the token, 3 lists, the re-read, the PUT, 3 lists
    assert not any(r.startswith("GET /brokers") for r in requests)


@pytest.mark.anyio
async def test_a_publish_change_lists_no_child_kind_it_does_not_touch(
    tmp_path: Path, journal_dir: Path
) -> None:
    """A scoped read lists below an object on a change's path only the kinds of the changes
    (catalog_sync/live/scope.py, ``path_kinds``): publish settings are read with their
    service, so no product list is read (the walker of the full read listed them all)."""
    emulator = InProcess("demo")
    await _applied(emulator, await _plan(emulator), tmp_path / "converge")
    catalog = copy_catalog(tmp_path)
    pbx = catalog / "services" / "cloud-pbx.yaml"
    pbx.write_text(pbx.read_text().replace("to: sellerBrokers", "to: allBrokers", 1))
    plan = await _plan(emulator, catalog)
    assert [(c.kind, c.action) for c in plan.changes] == [(Kind.PUBLISH, Action.PUBLISH)]

    requests = await _applied(emulator, plan, journal_dir)

    assert "PUT /services/{id}/publish" in requests
    # Services are one model: the services list carries the publish settings, before and
    # after; the service is read by id only right before the PUT (docs/contracts.md, "Edits
    # during apply").
    assert _reads(requests)["GET /services/{id}"] == 1
    assert _reads(requests)["GET /services"] == 2
    assert not [r for r in requests if r.endswith("/products")]
