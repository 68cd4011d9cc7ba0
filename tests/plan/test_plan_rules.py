"""Each rule a saved plan's changes obey, broken once in a resealed plan file: reading it is a
PlanFileError naming the change and the rule (README, "How apply stays safe")."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from catalog_sync.errors import PlanFileError
from catalog_sync.plan.digest import sealed
from catalog_sync.plan.model import Plan
from catalog_sync.plan.planfile import plan_json, read_plan
from tests.apply.support import EXAMPLE, InProcess, plan_with

GWS_STD = 'service["Google Workspace"].product["payg"].addon["gws-std"]'
FIREWALL = 'service["Managed Firewall"]'
PBX_PUBLISH = 'service["Cloud PBX"].publish'
MINUTES = 'service["Cloud PBX"].product["pbx-minutes"]'
FINGERPRINT = "sha256:" + "0" * 32


def _demo_plan() -> Plan:
    async def make() -> Plan:
        emulator = InProcess("demo")
        async with emulator.client() as client:
            return await plan_with(client, emulator.settings, EXAMPLE)

    return asyncio.run(make())


DATA: dict[str, Any] = json.loads(plan_json(_demo_plan()))
Edit = Callable[[dict[str, Any]], None]


def _set(**values: Any) -> Edit:
    def edit(change: dict[str, Any]) -> None:
        change.update(values)

    return edit


def _field(index: int, **values: Any) -> Edit:
    def edit(change: dict[str, Any]) -> None:
        change["fieldChanges"][index].update(values)

    return edit


# (address, edit, rule): each edit breaks one rule of one change.
RULES: dict[str, tuple[str, Edit, str]] = {
    "kind": (GWS_STD, _set(kind="product"), "kind product does not match the address"),
    "action for the kind": (
        GWS_STD,
        _set(action="disable", subtree=FINGERPRINT, fieldChanges=[]),
        "an addon cannot be given a disable",
    ),
    "parent": (
        GWS_STD,
        _set(parent='service["Google Workspace"]'),
        'parent service["Google Workspace"] is not the address\'s parent',
    ),
    "depends on itself": (
        GWS_STD,
        _set(dependsOn=[GWS_STD]),
        "dependsOn names the change itself or one change twice",
    ),
    "create with an id": (FIREWALL, _set(id="x"), "a create has no id"),
    "update without an id": (
        GWS_STD,
        _set(id=None),
        "an update needs the live object's id",
    ),
    "update without a fingerprint": (
        GWS_STD,
        _set(fingerprint=None),
        "an update needs the fingerprint of the live object",
    ),
    "create with a fingerprint": (
        FIREWALL,
        _set(fingerprint=FINGERPRINT),
        "a create of no live object has no fingerprint",
    ),
    "update with a subtree": (GWS_STD, _set(subtree=FINGERPRINT), "an update has no subtree"),
    "delete without a subtree": (
        GWS_STD,
        _set(action="delete", fieldChanges=[]),
        "a delete needs subtree",
    ),
    "top-level parentId": (
        FIREWALL,
        _set(parentId="x"),
        "a top-level service has no parentId",
    ),
    "child without parentId": (
        GWS_STD,
        _set(parentId=None),
        "an update needs the live parent's id (parentId)",
    ),
    "publish under another id": (
        PBX_PUBLISH,
        _set(parentId="other"),
        "a publish is written under its parent's id: id and parentId differ",
    ),
    "update that changes nothing": (
        GWS_STD,
        _set(fieldChanges=[]),
        "an update changes at least one field",
    ),
    "delete with fields": (
        GWS_STD,
        _set(action="delete", subtree=FINGERPRINT),
        "a delete writes no fields, so it shows none",
    ),
    "unknown field": (GWS_STD, _field(0, path="nonsense"), "nonsense is not a field of an addon"),
    "field twice": (GWS_STD, _field(1, path="price"), "price is shown twice"),
    "create with a before": (FIREWALL, _field(0, before="x"), "a create's before is null"),
    "before equals after": (
        GWS_STD,
        _field(0, after="10.0000"),
        "price: before and after are equal, so nothing changes",
    ),
    "value of the wrong type": (
        GWS_STD,
        _field(0, after="abc"),
        "price after: expected an amount, got 'abc'",
    ),
    "value not normalised": (
        GWS_STD,
        _field(0, before="10.0"),
        "price before: '10.0' is not in its normal form",
    ),
}


def _refusal(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(sealed(data), indent=2), encoding="utf-8")
    with pytest.raises(PlanFileError) as refused:
        read_plan(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: ")
    return message


def _index(address: str) -> int:
    return next(i for i, c in enumerate(DATA["changes"]) if c["address"] == address)


def test_the_unedited_plan_resealed_is_read_back_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(sealed(copy.deepcopy(DATA))), encoding="utf-8")
    assert json.loads(plan_json(read_plan(path))) == DATA


@pytest.mark.parametrize("rule", RULES, ids=list(RULES))
def test_a_broken_change_rule_names_the_change_and_the_rule(tmp_path: Path, rule: str) -> None:
    address, edit, expected = RULES[rule]
    data = copy.deepcopy(DATA)
    edit(data["changes"][_index(address)])
    message = _refusal(tmp_path, data)
    assert "the plan cannot be applied as it stands, nothing was applied: re-run plan" in message
    assert f"changes[{_index(address)}] {address}: " in message
    assert expected in message


def test_two_changes_for_one_object_are_refused(tmp_path: Path) -> None:
    data = copy.deepcopy(DATA)
    data["changes"].append(copy.deepcopy(data["changes"][_index(GWS_STD)]))
    assert f"{GWS_STD}: more than one change for one object" in _refusal(tmp_path, data)


def test_a_dependency_outside_the_plan_and_a_cycle_are_refused(tmp_path: Path) -> None:
    data = copy.deepcopy(DATA)
    elsewhere = 'service["Elsewhere"]'
    data["changes"][_index(GWS_STD)]["dependsOn"] = [elsewhere]
    data["changes"][_index(MINUTES)]["dependsOn"] = [f'{MINUTES}.addon["pbx-min-intl"]']
    message = _refusal(tmp_path, data)
    assert f"changes[{_index(GWS_STD)}] {GWS_STD}: depends on {elsewhere}, which is not in" in (
        message
    )
    assert "the dependencies form a cycle: " in message
    assert MINUTES in message.split("the dependencies form a cycle: ")[1]


@pytest.mark.parametrize("version", [1, 3])
def test_an_older_plan_is_refused_as_made_by_an_older_catalog_sync(
    tmp_path: Path, version: int
) -> None:
    """Version 3 plans lack the counts apply's rails measure against (existingByKind)."""
    data = copy.deepcopy(DATA)
    data["formatVersion"] = version
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PlanFileError) as refused:
        read_plan(path)
    assert str(refused.value) == (
        f"{path}: plan formatVersion {version} was made by an older catalog-sync: re-run plan "
        "(this version reads formatVersion 4)"
    )
