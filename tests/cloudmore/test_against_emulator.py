"""The client against the real emulator: in-process via ASGITransport, and served on 127.0.0.1."""

from __future__ import annotations

from decimal import Decimal

import anyio
import httpx
import pytest

from catalog_sync.cloudmore import RetryPolicy, open_read_only, open_read_write
from catalog_sync.emulator import EmulatorConfig, create_app, serve_in_thread
from catalog_sync.errors import ApiValidationError, AuthenticationError, PermissionDeniedError
from catalog_sync.graph import Kind
from catalog_sync.kinds.addon import AddonBody
from catalog_sync.kinds.broker import BrokerBody
from tests.cloudmore.emulator_helpers import (
    IN_PROCESS_URL,
    admin_for,
    demo_settings,
    product_based,
)
from tests.cloudmore.fakes import FakeSleep


def _in_process(seed: str = "demo") -> httpx.ASGITransport:
    return httpx.ASGITransport(app=create_app(EmulatorConfig(seed=seed)))  # type: ignore[arg-type]


def _addon(item_code: str) -> AddonBody:
    return AddonBody(
        name=f"Addon {item_code}", item_code=item_code, price=Decimal("3.50"), price_per="Quantity"
    )


@pytest.mark.anyio
async def test_32_concurrent_requests_at_start_make_one_token_request() -> None:
    transport = _in_process()
    async with (
        open_read_only(demo_settings(IN_PROCESS_URL), transport=transport) as client,
        anyio.create_task_group() as group,
    ):
        for _ in range(32):
            group.start_soon(client.list, Kind.SERVICE)
    async with admin_for(IN_PROCESS_URL, transport) as admin:
        assert await admin.count("POST", "/connect/token") == 1
        assert await admin.count("GET", "/services") == 32


@pytest.mark.anyio
async def test_32_concurrent_requests_over_a_socket_make_one_token_request() -> None:
    with serve_in_thread(EmulatorConfig(seed="demo")) as base_url:
        async with (
            open_read_only(demo_settings(base_url)) as client,
            anyio.create_task_group() as group,
        ):
            for _ in range(32):
                group.start_soon(client.list, Kind.SERVICE)
        async with admin_for(base_url) as admin:
            assert await admin.count("POST", "/connect/token") == 1
            assert await admin.count("GET", "/services") == 32


@pytest.mark.anyio
async def test_tokens_revoked_mid_run_are_renewed_once() -> None:
    transport = _in_process()
    async with (
        admin_for(IN_PROCESS_URL, transport) as admin,
        open_read_only(demo_settings(IN_PROCESS_URL), transport=transport) as client,
    ):
        await client.list(Kind.SERVICE)
        await admin.revoke_tokens()
        async with anyio.create_task_group() as group:
            for _ in range(16):
                group.start_soon(client.list, Kind.SERVICE)
        assert client.metrics.count("GET", 200) == 17
        assert await admin.count("POST", "/connect/token") == 2
    assert client.metrics.token_renewals == 1


@pytest.mark.anyio
@pytest.mark.parametrize("parallelism", [1, 2])
async def test_renewal_after_401_works_when_every_pooled_connection_is_busy(
    parallelism: int,
) -> None:
    """Over a real socket the connection pool holds ``parallelism`` connections; a 401 must
    give its connection back before the token request needs one."""
    with serve_in_thread(EmulatorConfig(seed="demo")) as base_url:
        settings = demo_settings(base_url, parallelism=parallelism, connect_timeout=2.0)
        async with (
            admin_for(base_url) as admin,
            open_read_only(settings, retry_policy=RetryPolicy(max_attempts=1)) as client,
        ):
            await client.list(Kind.SERVICE)
            await admin.revoke_tokens()
            async with anyio.create_task_group() as group:
                for _ in range(parallelism):
                    group.start_soon(client.list, Kind.SERVICE)
            assert await admin.count("POST", "/connect/token") == 2
        assert client.metrics.token_renewals == 1


@pytest.mark.anyio
async def test_a_forced_401_fault_is_survived_with_one_renewal() -> None:
    transport = _in_process()
    async with (
        admin_for(IN_PROCESS_URL, transport) as admin,
        open_read_only(demo_settings(IN_PROCESS_URL), transport=transport) as client,
    ):
        await client.list(Kind.SERVICE)
        await admin.faults(
            script=[
                {"method": "GET", "pathPattern": "/brokers$", "fault": "unauthorized", "count": 1}
            ]
        )
        brokers = await client.list(Kind.BROKER)
        assert brokers
        assert await admin.count("POST", "/connect/token") == 2
        assert client.metrics.count("GET", 401) == 1
    assert client.metrics.token_renewals == 1


@pytest.mark.anyio
async def test_scripted_429_with_retry_after_2_is_waited_out() -> None:
    transport = _in_process()
    sleep = FakeSleep()
    async with (
        admin_for(IN_PROCESS_URL, transport) as admin,
        open_read_only(demo_settings(IN_PROCESS_URL), transport=transport, sleep=sleep) as client,
    ):
        await admin.faults(
            script=[
                {
                    "method": "GET",
                    "pathPattern": "/services$",
                    "fault": "rate_limit",
                    "count": 1,
                    "retryAfter": 2,
                }
            ]
        )
        services = await client.list(Kind.SERVICE)
        assert services
        assert client.metrics.waits == [2.0]
        assert client.metrics.retries == 1
        statuses = [e["status"] for e in await admin.requests() if e["path"].endswith("/services")]
        assert statuses == [429, 200]
    assert sleep.waits == [2.0]


@pytest.mark.anyio
async def test_ambiguous_502_on_addon_create_ends_with_exactly_one_addon() -> None:
    transport = _in_process()
    async with (
        admin_for(IN_PROCESS_URL, transport) as admin,
        open_read_write(
            demo_settings(IN_PROCESS_URL), transport=transport, sleep=FakeSleep()
        ) as client,
    ):
        service_id, product_id = await product_based(client)
        await admin.faults(
            script=[{"method": "POST", "pathPattern": "/addons$", "fault": "ambiguous_502"}]
        )
        new_id = await client.create(Kind.ADDON, (service_id, product_id), _addon("amb-502"))
        matching = [
            a
            for a in await client.list(Kind.ADDON, (service_id, product_id))
            if a.item_code == "amb-502"
        ]
        assert [a.id for a in matching] == [new_id]
        assert client.metrics.adopted_creates == 1
        assert await admin.count("POST", "/addons") == 1


@pytest.mark.anyio
async def test_dropped_connection_after_a_committed_addon_create_adopts_it() -> None:
    with serve_in_thread(EmulatorConfig(seed="demo")) as base_url:
        async with (
            admin_for(base_url) as admin,
            open_read_write(demo_settings(base_url), sleep=FakeSleep()) as client,
        ):
            service_id, product_id = await product_based(client)
            await admin.faults(
                script=[{"method": "POST", "pathPattern": "/addons$", "fault": "ambiguous_drop"}]
            )
            new_id = await client.create(Kind.ADDON, (service_id, product_id), _addon("amb-drop"))
            matching = [
                a
                for a in await client.list(Kind.ADDON, (service_id, product_id))
                if a.item_code == "amb-drop"
            ]
            assert [a.id for a in matching] == [new_id]
            assert client.metrics.adopted_creates == 1


@pytest.mark.anyio
async def test_read_timeout_on_addon_create_ends_with_exactly_one_addon() -> None:
    faults = {"hangSeconds": 1.0}
    with serve_in_thread(EmulatorConfig(seed="demo")) as base_url:
        settings = demo_settings(base_url, read_timeout=0.3)
        async with (
            admin_for(base_url) as admin,
            open_read_write(settings, sleep=FakeSleep()) as client,
        ):
            service_id, product_id = await product_based(client)
            await admin.faults(
                **faults,
                script=[{"method": "POST", "pathPattern": "/addons$", "fault": "hang"}],
            )
            new_id = await client.create(Kind.ADDON, (service_id, product_id), _addon("timed-out"))
            assert client.metrics.count("POST", "ReadTimeout") == 1
            # The hung request is still being served; wait until the emulator has answered it
            # (its log entry is written when it finishes), then count what exists.
            with anyio.fail_after(10):
                while await admin.count("POST", "/addons") < 2:
                    await anyio.sleep(0.02)
            matching = [
                a
                for a in await client.list(Kind.ADDON, (service_id, product_id))
                if a.item_code == "timed-out"
            ]
            assert [a.id for a in matching] == [new_id]


@pytest.mark.anyio
async def test_delete_whose_first_answer_was_lost_counts_as_done() -> None:
    transport = _in_process()
    async with (
        admin_for(IN_PROCESS_URL, transport) as admin,
        open_read_write(
            demo_settings(IN_PROCESS_URL), transport=transport, sleep=FakeSleep()
        ) as client,
    ):
        service_id, product_id = await product_based(client)
        addon_id = await client.create(Kind.ADDON, (service_id, product_id), _addon("to-delete"))
        await admin.faults(
            script=[{"method": "DELETE", "pathPattern": "/addons/", "fault": "ambiguous_502"}]
        )
        await client.remove(Kind.ADDON, (service_id, product_id), addon_id)
        assert client.metrics.count("DELETE", 502) == 1
        assert client.metrics.count("DELETE", 404) == 1
        assert addon_id not in {
            a.id for a in await client.list(Kind.ADDON, (service_id, product_id))
        }


@pytest.mark.anyio
async def test_both_validation_shapes_come_back_as_reasons() -> None:
    transport = _in_process()
    async with open_read_write(demo_settings(IN_PROCESS_URL), transport=transport) as client:
        (listed,) = (await client.list(Kind.BROKER))[:1]
        broker = await client.get(Kind.BROKER, (), listed.id)
        body = BrokerBody.model_validate(broker.model_dump())
        with pytest.raises(ApiValidationError) as bad_phone:
            await client.replace(
                Kind.BROKER,
                (),
                broker.id,
                body.model_copy(update={"contact": body.contact.model_copy(update={"phone": "x"})}),
            )
        assert "Contact.Phone" in bad_phone.value.reasons
        with pytest.raises(ApiValidationError) as bad_domain:
            await client.replace(
                Kind.BROKER, (), broker.id, body.model_copy(update={"domain": "not a domain"})
            )
        assert "InvalidValue" in bad_domain.value.reasons


@pytest.mark.anyio
async def test_wrong_seller_and_wrong_password() -> None:
    transport = _in_process()
    wrong_seller = demo_settings(IN_PROCESS_URL, seller_id="22222222-2222-4222-8222-222222222222")
    async with open_read_only(wrong_seller, transport=transport) as client:
        with pytest.raises(PermissionDeniedError):
            await client.list(Kind.SERVICE)
    from pydantic import SecretStr

    wrong_password = demo_settings(IN_PROCESS_URL, password=SecretStr("nope"))
    async with open_read_only(
        wrong_password, transport=transport, retry_policy=RetryPolicy(max_attempts=1)
    ) as client:
        with pytest.raises(AuthenticationError, match="invalid_grant"):
            await client.authenticate()
