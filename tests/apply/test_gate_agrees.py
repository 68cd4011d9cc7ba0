"""Plan and apply find the same safety findings over the same live catalog (issue 24, item 9).

The plan measures its rails against the whole live catalog; apply re-reads only what the plan
touches, so its gate measures against the counts the plan recorded. Generated catalogs are
applied onto the emulator, another is planned against them, and apply's gate, given its own
scoped read, must find exactly what the plan found: the per-kind "every object" guard (item 8)
and price list items counted as objects (item 7) included.
"""

from __future__ import annotations

import asyncio
import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from catalog_sync.apply.gate import live_findings
from catalog_sync.apply.run import _read_touched
from catalog_sync.errors import SafetyError
from catalog_sync.graph import Kind
from catalog_sync.plan.model import Plan, SafetyFinding, SafetyRule
from tests.apply.support import InProcess, plan_and_apply, plan_with
from tests.apply.test_properties import catalogs

money = st.decimals(0, 999, places=2, allow_nan=False, allow_infinity=False).map(str)


@st.composite
def priced(draw: st.DrawFn) -> dict[str, Any]:
    """A generated catalog whose products and addons may carry SEK prices (a price list)."""
    content = draw(catalogs())
    for service in content["services"]:
        for product in service["products"]:
            for item in (product, *product["addons"]):
                if draw(st.booleans()):
                    item["prices"] = {"SEK": {"price": draw(money), "cost": draw(money)}}
    return content


@st.composite
def pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A catalog applied first, and one planned after it: either another catalog, or the
    same one; either may have a file left out (every broker or every service gone), and the
    thresholds may or may not be crossed."""
    first = draw(priced())
    same = draw(st.sampled_from([True, True, False]))
    second = copy.deepcopy(first) if same else draw(priced())
    left_out = draw(st.sampled_from(["nothing", "brokers", "services"]))
    if left_out != "nothing":
        second[left_out] = []
    for service in second["services"]:
        if not second["brokers"] and service.get("publish", {}).get("to") == "brokers":
            service["publish"] = {"to": "sellerBrokers"}
    second["settings"] = {
        "prune": draw(st.booleans()),
        "thresholds": {
            "maxUpdatePercent": draw(st.sampled_from([0, 20, 50, 100])),
            "maxDeletePercent": draw(st.sampled_from([0, 20, 50, 100])),
            "minExisting": draw(st.sampled_from([0, 5, 1000])),
        },
    }
    return first, second


KEPT_SERVICES = {
    "brokers": [
        {
            "name": "B",
            "registrationNumber": "1001",
            "domain": "b.example.com",
            "notificationEmail": "notify@b.example.com",
            "supportEmail": "help@b.example.com",
            "contact": {
                "name": "Admin",
                "jobTitle": "Admin",
                "email": "admin@example.com",
                "phonePrefix": "46",
                "phone": "701234567",
                "cellPhonePrefix": "46",
                "cellPhone": "701234568",
            },
            "address": {"countryCode": "SE"},
        }
    ],
    "services": [
        {"name": name, "categories": ["Storage"], "products": []}
        for name in ("Alpha", "Beta", "Gamma", "Delta")
    ],
}
# The reproduction of item 9: every broker pruned, the services kept as they are.
BROKERS_PRUNED = {**KEPT_SERVICES, "brokers": [], "settings": {"prune": True}}


def _write(root: Path, name: str, content: dict[str, Any]) -> Path:
    catalog = root / name
    catalog.mkdir()
    (catalog / "catalog.yaml").write_text(json.dumps(content, ensure_ascii=False), "utf-8")
    return catalog


def _seen(findings: tuple[SafetyFinding, ...] | list[SafetyFinding]) -> set[tuple[Any, ...]]:
    return {(f.rule, f.message, f.addresses, f.overridable) for f in findings}


def _priced_only_in(content: dict[str, Any], services: set[str]) -> dict[str, Any]:
    """``content`` without the prices of services not in ``services``: a currency is enabled
    on a service in Cloudmore's UI, so a service the run creates can have none yet."""
    content = copy.deepcopy(content)
    for service in content["services"]:
        if service["name"] in services:
            continue
        for product in service["products"]:
            for item in (product, *product["addons"]):
                item.pop("prices", None)
    return content


async def _plan_then_gate(
    emulator: InProcess, root: Path, first: dict[str, Any], second: dict[str, Any]
) -> tuple[Plan, list[SafetyFinding]]:
    async with emulator.client() as client:
        journal = root / "journal"
        created = _write(root, "created", _priced_only_in(first, set()))
        _, report = await plan_and_apply(client, emulator.settings, journal, created, force=True)
        assert report.ok
        for service in emulator.app.state.emulator.store.services.values():
            emulator.enable_currency(service["id"], "SEK")
        _, report = await plan_and_apply(
            client, emulator.settings, journal, _write(root, "first", first), force=True
        )
        assert report.ok
        names = {s["name"] for s in emulator.app.state.emulator.store.services.values()}
        second = _priced_only_in(second, names)
        plan = await plan_with(client, emulator.settings, _write(root, "second", second))
        live = await _read_touched(client, plan.changes)
        return plan, live_findings(plan, live.graph)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs())
@example((KEPT_SERVICES, BROKERS_PRUNED))
def test_apply_gate_finds_what_the_plan_found(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    first, second = pair
    with tempfile.TemporaryDirectory() as root:
        plan, found = asyncio.run(_plan_then_gate(InProcess("empty"), Path(root), first, second))
    assert _seen(found) == _seen(plan.safety)


def test_pruning_every_broker_is_found_by_plan_and_apply_alike(tmp_path: Path) -> None:
    """The reproduction: services kept, every broker pruned. The plan used to show nothing
    while apply refused, its scoped read holding no service to keep."""
    emulator = InProcess("empty")
    plan, found = asyncio.run(_plan_then_gate(emulator, tmp_path, KEPT_SERVICES, BROKERS_PRUNED))
    assert _seen(found) == _seen(plan.safety)
    assert [f.rule for f in plan.safety] == [SafetyRule.DELETE_ALL]
    assert plan.safety[0].message.startswith("every existing broker would be deleted (1 of 1;")
    assert plan.existing_by_kind[Kind.SERVICE] == 4

    async def apply() -> None:
        async with emulator.client() as client:
            await plan_and_apply(client, emulator.settings, tmp_path / "j", tmp_path / "second")

    with pytest.raises(SafetyError, match="every existing broker would be deleted"):
        asyncio.run(apply())
