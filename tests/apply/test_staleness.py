"""A plan is applied exactly as reviewed or not at all: what counts as moved, and no writes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from catalog_sync.apply import ApplyOptions, apply_plan
from catalog_sync.apply.staleness import check_fresh, target_problems
from catalog_sync.errors import StalePlanError
from catalog_sync.graph import Kind
from catalog_sync.kinds.addon import AddonBody
from catalog_sync.kinds.service import ServiceBody
from catalog_sync.live.reader import read_live
from catalog_sync.plan.build import target_of
from catalog_sync.plan.model import Target
from tests.apply.plans import TARGET, plan_of
from tests.apply.support import InProcess, plan_with, writes_after

GWS_STD = 'service["Google Workspace"].product["payg"].addon["gws-std"]'
GWS_ENT = 'service["Google Workspace"].product["payg"].addon["gws-ent"]'


def test_another_target_is_named() -> None:
    other = Target(api_url="https://api.cloudmore.com", seller_id=TARGET.seller_id)
    (problem,) = target_problems(plan_of(), other, None)
    assert "made against http://emulator.test" in problem
    assert "configured target is https://api.cloudmore.com" in problem


def test_another_spelling_of_the_plans_server_is_its_target() -> None:
    made = Target(api_url="http://localhost:8080/", seller_id=TARGET.seller_id.upper())
    plan = plan_of().model_copy(update={"target": made})
    same = Target(api_url="http://127.0.0.1:8080", seller_id=TARGET.seller_id)
    assert target_problems(plan, same, None) == []
    (problem,) = target_problems(
        plan, same.model_copy(update={"api_url": "http://127.0.0.1:8081"}), None
    )
    assert "configured target is http://127.0.0.1:8081" in problem


def test_changed_catalog_files_are_named() -> None:
    plan = plan_of()
    assert target_problems(plan, TARGET, plan.catalog.digest) == []
    (problem,) = target_problems(plan, TARGET, "sha256:other")
    assert "the files changed since the plan was made" in problem


@pytest.mark.anyio
async def test_each_moved_object_is_listed_with_what_moved_and_nothing_is_written(
    journal_dir: Path,
) -> None:
    emulator = InProcess("demo")
    async with emulator.client() as client:
        plan = await plan_with(client, emulator.settings)
        live = await read_live(client)
        check_fresh(plan, live, target_of(emulator.settings))  # fresh: no error

        services = {s.name: s for s in await client.list(Kind.SERVICE)}
        google = services["Google Workspace"]
        payg = next(
            p for p in await client.list(Kind.PRODUCT, (google.id,)) if p.item_code == "payg"
        )
        std = next(
            a
            for a in await client.list(Kind.ADDON, (google.id, payg.id))
            if a.item_code == "gws-std"
        )
        cheaper = AddonBody.model_validate({**std.model_dump(), "price": Decimal("9.00")})
        await client.replace(Kind.ADDON, (google.id, payg.id), std.id, cheaper)
        acronis = await client.get(Kind.SERVICE, (), services["Acronis Cyber Protect"].id)
        enabled = ServiceBody.model_validate({**acronis.model_dump(), "status": "Active"})
        await client.replace(Kind.SERVICE, (), acronis.id, enabled)
        gws_ent = AddonBody(name="Enterprise", item_code="gws-ent", price_per="Metered")
        await client.create(Kind.ADDON, (google.id, payg.id), gws_ent)
        seq = emulator.requests()[-1]["seq"]

        with pytest.raises(StalePlanError) as stale:
            await apply_plan(
                plan, client, target_of(emulator.settings), ApplyOptions(journal_dir=journal_dir)
            )
    moved = stale.value.moved
    assert f"{GWS_STD}: changed since the plan was made: price" in moved
    assert (
        'service["Acronis Cyber Protect"]: changed since the plan was made: it is already enabled'
        in moved
    )
    assert any(m.startswith(f"{GWS_ENT}: now exists (id ") for m in moved)
    assert len(moved) == 3
    assert writes_after(emulator.requests(), seq) == []
    assert not journal_dir.exists()  # refused before the journal: nothing to recover from


@pytest.mark.anyio
async def test_a_removed_parent_and_a_removed_object_are_named(journal_dir: Path) -> None:
    emulator = InProcess("demo")
    async with emulator.client() as client:
        plan = await plan_with(client, emulator.settings)
        google = next(s for s in await client.list(Kind.SERVICE) if s.name == "Google Workspace")
        for product in await client.list(Kind.PRODUCT, (google.id,)):
            await client.remove(Kind.PRODUCT, (google.id,), product.id)
        live = await read_live(client)
    with pytest.raises(StalePlanError) as stale:
        check_fresh(plan, live, target_of(emulator.settings))
    moved = stale.value.moved
    assert any(
        m.startswith(f'{GWS_ENT}: its parent service["Google Workspace"].product["payg"] no longer')
        for m in moved
    )
    assert any(m.startswith(f"{GWS_STD}: no longer exists (id ") for m in moved)


@pytest.mark.anyio
async def test_a_changed_catalog_digest_refuses_before_any_request(journal_dir: Path) -> None:
    emulator = InProcess("demo")
    async with emulator.client() as client:
        plan = await plan_with(client, emulator.settings)
        before = len(emulator.requests())
        with pytest.raises(StalePlanError, match="the files changed"):
            await apply_plan(
                plan,
                client,
                target_of(emulator.settings),
                ApplyOptions(journal_dir=journal_dir, catalog_digest="sha256:edited"),
            )
    assert len(emulator.requests()) == before


def test_a_plan_made_by_another_version_is_named() -> None:
    plan = plan_of().model_copy(update={"tool_version": "0.0.1"})
    (problem,) = target_problems(plan, TARGET, None)
    assert problem.startswith("tool version: the plan was made by catalog-sync 0.0.1")


@pytest.mark.anyio
async def test_a_change_without_its_fingerprint_is_refused(journal_dir: Path) -> None:
    emulator = InProcess("demo")
    async with emulator.client() as client:
        plan = await plan_with(client, emulator.settings)
        stripped = plan.model_copy(
            update={
                "changes": tuple(
                    c.model_copy(update={"fingerprint": None}) if c.address == GWS_STD else c
                    for c in plan.changes
                )
            }
        )
        with pytest.raises(StalePlanError) as stale:
            check_fresh(stripped, await read_live(client), target_of(emulator.settings))
    assert stale.value.moved == (
        f"{GWS_STD}: the plan holds no fingerprint of it, so it cannot be checked: re-run plan",
    )
