from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from catalog_sync.cloudmore import ApiSettings, RetryPolicy, open_read_write
from catalog_sync.cloudmore.retry import parse_retry_after
from catalog_sync.errors import RateLimitedError, ServerError, TransportError
from catalog_sync.graph import Kind
from catalog_sync.kinds.broker import BrokerBody
from tests.cloudmore.fakes import SELLER, FakeCloudmore, FakeSleep, raise_error, status

SERVICES = f"/api/sellers/{SELLER}/services"
BROKERS = f"/api/sellers/{SELLER}/brokers"


def test_retry_after_in_seconds_and_as_http_date() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=7), usegmt=True), now=now) == 7
    assert parse_retry_after(format_datetime(now - timedelta(seconds=7), usegmt=True), now=now) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.anyio
async def test_429_waits_exactly_retry_after(settings: ApiSettings, fake_sleep: FakeSleep) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    api.add("GET", "/services$", status(429, {"Retry-After": "2"}))
    async with open_read_write(settings, transport=api.transport(), sleep=fake_sleep) as client:
        assert await client.list(Kind.SERVICE) == []
        assert client.metrics.waits == [2.0]
        assert client.metrics.retries == 1
        assert client.metrics.count("GET", 429) == 1
    assert fake_sleep.waits == [2.0]


@pytest.mark.anyio
async def test_retry_after_is_capped(settings: ApiSettings, fake_sleep: FakeSleep) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    api.add("GET", "/services$", status(503, {"Retry-After": "3600"}))
    policy = RetryPolicy(max_retry_after=30, deadline=100)
    async with open_read_write(
        settings, transport=api.transport(), sleep=fake_sleep, retry_policy=policy
    ) as client:
        await client.list(Kind.SERVICE)
    assert fake_sleep.waits == [30.0]


@pytest.mark.anyio
async def test_deadline_counts_recorded_waits(settings: ApiSettings, fake_sleep: FakeSleep) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    api.add("GET", "/services$", status(429, {"Retry-After": "20"}), count=10)
    policy = RetryPolicy(deadline=50, max_attempts=10)
    async with open_read_write(
        settings, transport=api.transport(), sleep=fake_sleep, retry_policy=policy
    ) as client:
        with pytest.raises(
            RateLimitedError, match=r"GET .*/services: rate limited \(429\) after 3"
        ):
            await client.list(Kind.SERVICE)
    assert fake_sleep.waits == [20.0, 20.0]


@pytest.mark.anyio
@pytest.mark.parametrize("code", [502, 504])
async def test_gateway_errors_are_retried_for_get_with_backoff(
    settings: ApiSettings, fake_sleep: FakeSleep, code: int
) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    api.add("GET", "/services$", status(code), count=2)
    policy = RetryPolicy(wait_initial=0.5, wait_jitter=0.25)
    async with open_read_write(
        settings, transport=api.transport(), sleep=fake_sleep, retry_policy=policy
    ) as client:
        assert await client.list(Kind.SERVICE) == []
        assert client.metrics.retries == 2
    first, second = fake_sleep.waits
    assert 0.5 <= first <= 0.75
    assert 1.0 <= second <= 1.25


@pytest.mark.anyio
async def test_read_timeouts_on_get_are_retried(
    settings: ApiSettings, fake_sleep: FakeSleep
) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    api.add("GET", "/services$", raise_error(httpx.ReadTimeout))
    async with open_read_write(settings, transport=api.transport(), sleep=fake_sleep) as client:
        assert await client.list(Kind.SERVICE) == []
        assert client.metrics.count("GET", "ReadTimeout") == 1


@pytest.mark.anyio
async def test_retry_budget_spent_gives_a_transport_error(
    settings: ApiSettings, fake_sleep: FakeSleep
) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    api.add("GET", "/services$", raise_error(httpx.ConnectError), count=99)
    async with open_read_write(
        settings,
        transport=api.transport(),
        sleep=fake_sleep,
        retry_policy=RetryPolicy(max_attempts=3),
    ) as client:
        with pytest.raises(TransportError, match=r"could not connect \(ConnectError.*after 3"):
            await client.list(Kind.SERVICE)
        assert client.metrics.retries == 2
        assert len(client.metrics.waits) == 2
    assert len(fake_sleep.waits) == 2


@pytest.mark.anyio
async def test_500_on_get_is_retried(settings: ApiSettings, fake_sleep: FakeSleep) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    api.add("GET", "/services$", status(500, body={"message": "boom"}))
    async with open_read_write(settings, transport=api.transport(), sleep=fake_sleep) as client:
        assert await client.list(Kind.SERVICE) == []
        assert client.metrics.count("GET", 500) == 1
    assert len(fake_sleep.waits) == 1


@pytest.mark.anyio
async def test_500_that_persists_is_a_server_error_naming_the_attempts(
    settings: ApiSettings, fake_sleep: FakeSleep
) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    api.add("GET", "/services$", status(500, body={"message": "boom"}), count=99)
    async with open_read_write(
        settings,
        transport=api.transport(),
        sleep=fake_sleep,
        retry_policy=RetryPolicy(max_attempts=3),
    ) as client:
        with pytest.raises(ServerError, match=r"server error \(500\) after 3 attempts: .*boom"):
            await client.list(Kind.SERVICE)


@pytest.mark.anyio
@pytest.mark.parametrize("fault", [status(429, {"Retry-After": "1"}), status(503)])
async def test_post_is_repeated_after_429_and_503(
    settings: ApiSettings, fake_sleep: FakeSleep, fault: object
) -> None:
    api = FakeCloudmore()
    api.add("POST", "/brokers$", fault)  # type: ignore[arg-type]
    async with open_read_write(settings, transport=api.transport(), sleep=fake_sleep) as client:
        new_id = await client.create(Kind.BROKER, (), BrokerBody(name="B", registration_number="1"))
    assert [item["id"] for item in api.collections[BROKERS]] == [new_id]
    assert api.count("GET", "/brokers$") == 0  # surely not written: no re-list needed


@pytest.mark.anyio
async def test_post_is_repeated_after_a_connect_error(
    settings: ApiSettings, fake_sleep: FakeSleep
) -> None:
    api = FakeCloudmore()
    api.add("POST", "/brokers$", raise_error(httpx.ConnectError))
    async with open_read_write(settings, transport=api.transport(), sleep=fake_sleep) as client:
        await client.create(Kind.BROKER, (), BrokerBody(name="B", registration_number="1"))
    assert len(api.collections[BROKERS]) == 1
    assert api.count("GET", "/brokers$") == 0


@pytest.mark.anyio
async def test_delete_answered_404_on_a_retry_counts_as_done(
    settings: ApiSettings, fake_sleep: FakeSleep
) -> None:
    api = FakeCloudmore(collections={BROKERS: [{"id": "b1", "name": "B"}]})
    api.add("DELETE", "/brokers/b1$", status(504), commit_first=True)
    async with open_read_write(settings, transport=api.transport(), sleep=fake_sleep) as client:
        await client.remove(Kind.BROKER, (), "b1")
        assert client.metrics.count("DELETE", 404) == 1
    assert api.collections[BROKERS] == []


@pytest.mark.anyio
async def test_put_is_retried_after_a_read_timeout(
    settings: ApiSettings, fake_sleep: FakeSleep
) -> None:
    api = FakeCloudmore(collections={BROKERS: [{"id": "b1", "name": "B"}]})
    api.add("PUT", "/brokers/b1$", raise_error(httpx.ReadTimeout))
    async with open_read_write(settings, transport=api.transport(), sleep=fake_sleep) as client:
        await client.replace(Kind.BROKER, (), "b1", BrokerBody(name="C", registration_number="1"))
    assert api.collections[BROKERS][0]["name"] == "C"
