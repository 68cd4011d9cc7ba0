"""apply_plan against the emulator in-process: convergence, skips, fail-fast, PUT semantics."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from catalog_sync.apply import (
    ApplyOptions,
    Mismatch,
    MismatchCause,
    OperationResult,
    Outcome,
    Phase,
    SilentListener,
    apply_plan,
)
from catalog_sync.cloudmore import open_read_write
from catalog_sync.emulator import FaultConfig, ScriptedFault
from catalog_sync.errors import ServerError
from catalog_sync.graph import Kind
from catalog_sync.kinds.service import CustomProperty, ServiceBody
from catalog_sync.plan.build import target_of
from catalog_sync.plan.model import Action
from catalog_sync.render.apply_text import render_report
from tests.apply.support import (
    EXAMPLE,
    InProcess,
    copy_catalog,
    plan_and_apply,
    plan_with,
    writes_after,
)

PBX_MINUTES = 'service["Cloud PBX"].product["pbx-minutes"]'
GWS_STD = 'service["Google Workspace"].product["payg"].addon["gws-std"]'


@pytest.mark.anyio
async def test_example_onto_empty_applies_everything_and_replans_empty(journal_dir: Path) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        plan, report = await plan_and_apply(client, emulator.settings, journal_dir)
        again = await plan_with(client, emulator.settings)
    assert plan.summary.create == 47
    assert report.counts[Outcome.DONE] == len(plan.changes) == 52
    assert report.ok, render_report(report)
    assert report.verified
    assert not again.changes, [c.address for c in again.changes]


@pytest.mark.anyio
async def test_example_onto_demo_with_prune_replans_empty(
    journal_dir: Path, tmp_path: Path
) -> None:
    catalog = copy_catalog(tmp_path, settings="settings:\n  prune: true\n")
    emulator = InProcess("demo")
    async with emulator.client() as client:
        plan, report = await plan_and_apply(client, emulator.settings, journal_dir, catalog)
        again = await plan_with(client, emulator.settings, catalog)
        # Lists carry summaries: the status is in each service's detail read.
        services = {
            s.name: await client.get(Kind.SERVICE, (), s.id)
            for s in await client.list(Kind.SERVICE)
        }
    actions: dict[str, Action] = {c.address: c.action for c in plan.changes}
    assert actions['service["Legacy Hosting"]'] is Action.DISABLE
    assert actions['service["Acronis Cyber Protect"]'] is Action.ENABLE
    assert report.ok, render_report(report)
    assert services["Legacy Hosting"].status == "Disabled"
    assert services["Acronis Cyber Protect"].status == "Active"
    assert not again.changes, [c.address for c in again.changes]


@pytest.mark.anyio
async def test_a_failed_product_create_skips_its_addons_and_publish_only(
    journal_dir: Path,
) -> None:
    emulator = InProcess("demo")
    async with emulator.client() as client:
        pbx = next(s for s in await client.list(Kind.SERVICE) if s.name == "Cloud PBX")
        emulator.app.state.emulator.faults.configure(
            FaultConfig(
                script=(
                    ScriptedFault(
                        method="POST",
                        path_pattern=f"/services/{pbx.id}/products$",
                        fault="server_error",
                        count=1000,
                    ),
                )
            )
        )
        plan, report = await plan_and_apply(client, emulator.settings, journal_dir)
    results: dict[str, OperationResult] = {r.address: r for r in report.results}

    failed = results[PBX_MINUTES]
    assert failed.outcome is Outcome.FAILED
    assert failed.reason is not None
    assert "server error (500)" in failed.reason
    for dependent in (
        f'{PBX_MINUTES}.addon["pbx-min-domestic"]',
        f'{PBX_MINUTES}.addon["pbx-min-intl"]',
        'service["Cloud PBX"].publish',
    ):
        assert results[dependent].outcome is Outcome.SKIPPED
        assert results[dependent].blocked_by == PBX_MINUTES
    assert report.counts[Outcome.SKIPPED] == 3
    # Everything independent ran, including other work on the same service.
    assert report.counts[Outcome.DONE] == len(plan.changes) - 4
    assert results['service["Cloud PBX"]'].outcome is Outcome.DONE
    assert results['service["Managed Firewall"].publish'].outcome is Outcome.DONE
    assert report.verified
    assert not report.mismatches
    assert not report.ok

    text = render_report(report)
    assert f"! {PBX_MINUTES} not created: POST " in text
    assert (
        f'. service["Cloud PBX"].publish not published: skipped because {PBX_MINUTES} failed'
        in text
    )
    assert "18 done, 1 failed, 3 skipped, 0 not attempted" in text


@pytest.mark.anyio
async def test_fail_fast_starts_nothing_after_the_first_failure(journal_dir: Path) -> None:
    emulator = InProcess("demo")
    async with emulator.client() as client:
        emulator.app.state.emulator.faults.configure(
            FaultConfig(
                script=(
                    ScriptedFault(
                        method="POST", path_pattern="/brokers$", fault="server_error", count=1000
                    ),
                )
            )
        )
        before = len(emulator.requests())
        _plan, report = await plan_and_apply(
            client, emulator.settings, journal_dir, fail_fast=True, parallelism=1
        )
    # The broker create is first in plan order: with one at a time, nothing else starts.
    assert report.results[0].outcome is Outcome.FAILED
    assert report.counts[Outcome.DONE] == 0
    assert (
        report.counts[Outcome.NOT_ATTEMPTED] + report.counts[Outcome.SKIPPED]
        == len(report.results) - 1
    )
    assert report.counts[Outcome.NOT_ATTEMPTED] > 0
    writes = writes_after(emulator.requests()[before:], -1)
    assert writes
    assert all(w.endswith("/brokers") and w.startswith("POST") for w in writes)


@pytest.mark.anyio
async def test_an_update_keeps_the_fields_the_catalog_does_not_manage(journal_dir: Path) -> None:
    emulator = InProcess("demo")
    prop = CustomProperty(type="Text", property_id="region-code", name="Region code")
    async with emulator.client() as client:
        listed = next(s for s in await client.list(Kind.SERVICE) if s.name == "Cloud PBX")
        pbx = await client.get(Kind.SERVICE, (), listed.id)
        kept = ServiceBody.model_validate({**pbx.model_dump(), "customProperties": [prop]})
        await client.replace(Kind.SERVICE, (), pbx.id, kept)
        plan, report = await plan_and_apply(client, emulator.settings, journal_dir)
        after = await client.get(Kind.SERVICE, (), pbx.id)
    assert any(
        c.address == 'service["Cloud PBX"]' and c.action is Action.UPDATE for c in plan.changes
    )
    assert report.ok, render_report(report)
    assert after.description == "Hosted phone system with mobile and desktop apps."
    assert [p.property_id for p in after.custom_properties] == ["region-code"]


@pytest.mark.anyio
async def test_a_plan_without_changes_applies_without_a_request(journal_dir: Path) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        await plan_and_apply(client, emulator.settings, journal_dir)
        nothing = await plan_with(client, emulator.settings)
        before = len(emulator.requests())
        report = await apply_plan(
            nothing, client, target_of(emulator.settings), ApplyOptions(journal_dir=journal_dir)
        )
    assert not nothing.changes
    assert report.ok
    assert report.results == ()
    assert len(emulator.requests()) == before


@pytest.mark.anyio
async def test_children_of_parents_created_in_the_run_are_created_under_the_new_ids(
    journal_dir: Path,
) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        _plan, report = await plan_and_apply(client, emulator.settings, journal_dir, EXAMPLE)
        new_ids: dict[str, str | None] = {
            r.address: r.id for r in report.results if r.kind is not Kind.PUBLISH
        }
        firewall = new_ids['service["Managed Firewall"]']
        site = new_ids['service["Managed Firewall"].product["fw-site"]']
        assert firewall is not None
        assert site is not None
        addons = await client.list(Kind.ADDON, (firewall, site))
        service = await client.get(Kind.SERVICE, (), firewall)
    assert sorted(a.item_code for a in addons) == ["fw-ha", "fw-ips"]
    brokers = {new_ids['broker["12345678"]'], new_ids['broker["5566778899"]']}
    assert set(service.publish.broker_ids) == brokers


class _IgnoresRecommendedPrice(httpx.AsyncBaseTransport):
    """A server that drops one field of every addon PUT, as a real API might."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT" and "/addons/" in request.url.path:
            body = json.loads(request.content)
            body.pop("recommendedPrice", None)
            request = httpx.Request(request.method, request.url, headers=request.headers, json=body)
        return await self.inner.handle_async_request(request)


@pytest.mark.anyio
async def test_verification_names_a_field_the_server_ignored(journal_dir: Path) -> None:
    emulator = InProcess("demo")
    transport = _IgnoresRecommendedPrice(emulator.transport())
    async with open_read_write(emulator.settings, transport=transport) as client:
        _plan, report = await plan_and_apply(client, emulator.settings, journal_dir)
    assert report.counts[Outcome.DONE] == len(report.results)
    # Stored as null, which is neither what was sent (14.40) nor what was there (12.00).
    assert report.mismatches == (
        Mismatch(
            address=GWS_STD,
            field="recommendedPrice",
            expected="14.4000",
            actual=None,
            cause=MismatchCause.CHANGED_AFTER,
        ),
    )
    assert not report.ok
    assert f"! {GWS_STD} recommendedPrice: expected 14.40, live null (neither" in render_report(
        report
    )


class _FailReadsWhenVerifying(SilentListener):
    """From the verification phase on, every service list is answered 500."""

    def __init__(self, emulator: InProcess) -> None:
        self.emulator = emulator

    def phase(self, phase: Phase, total: int) -> None:
        if phase is Phase.VERIFYING:
            failing = ScriptedFault(
                method="GET", path_pattern="/services$", fault="server_error", count=1000
            )
            self.emulator.app.state.emulator.faults.configure(FaultConfig(script=(failing,)))


@pytest.mark.anyio
async def test_a_live_catalog_that_cannot_be_read_refuses_before_writing(
    journal_dir: Path,
) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        plan = await plan_with(client, emulator.settings)
        seq = emulator.requests()[-1]["seq"]
        failing = ScriptedFault(
            method="GET", path_pattern="/services$", fault="server_error", count=1000
        )
        emulator.app.state.emulator.faults.configure(FaultConfig(script=(failing,)))
        with pytest.raises(ServerError, match="500"):
            await apply_plan(
                plan, client, target_of(emulator.settings), ApplyOptions(journal_dir=journal_dir)
            )
    assert writes_after(emulator.requests(), seq) == []
    assert not journal_dir.exists()


@pytest.mark.anyio
async def test_a_verification_that_cannot_read_is_reported_not_hidden(journal_dir: Path) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        plan = await plan_with(client, emulator.settings)
        report = await apply_plan(
            plan,
            client,
            target_of(emulator.settings),
            ApplyOptions(journal_dir=journal_dir),
            _FailReadsWhenVerifying(emulator),
        )
    assert report.counts[Outcome.DONE] == len(plan.changes)
    assert not report.verified
    assert report.verify_error is not None
    assert "cannot re-read the live catalog to verify" in report.verify_error
    assert not report.ok
    assert "Verification could not run: cannot re-read" in render_report(report)


@pytest.mark.anyio
async def test_a_service_pinned_by_id_is_renamed_and_gets_its_new_children(
    journal_dir: Path, tmp_path: Path
) -> None:
    emulator = InProcess("demo")
    async with emulator.client() as client:
        pbx = next(s for s in await client.list(Kind.SERVICE) if s.name == "Cloud PBX")
        catalog = copy_catalog(tmp_path)
        source = catalog / "services" / "cloud-pbx.yaml"
        pinned = f"  - name: Cloud Phone\n    id: {pbx.id}\n"
        source.write_text(source.read_text("utf-8").replace("  - name: Cloud PBX\n", pinned))
        plan, report = await plan_and_apply(client, emulator.settings, journal_dir, catalog)
        again = await plan_with(client, emulator.settings, catalog)
        renamed = await client.get(Kind.SERVICE, (), pbx.id)
        products = await client.list(Kind.PRODUCT, (pbx.id,))
    actions: dict[str, Action] = {c.address: c.action for c in plan.changes}
    assert actions['service["Cloud Phone"]'] is Action.UPDATE
    assert actions['service["Cloud Phone"].product["pbx-minutes"].addon["pbx-min-intl"]'] is (
        Action.CREATE
    )
    assert report.ok, render_report(report)
    assert renamed.name == "Cloud Phone"
    assert sorted(p.item_code for p in products) == ["pbx-minutes", "pbx-user"]
    assert not again.changes, [c.address for c in again.changes]
