from __future__ import annotations

import base64
from urllib.parse import parse_qs

import anyio
import httpx
import pytest

from catalog_sync.cloudmore import ApiSettings, RetryPolicy, open_read_only
from catalog_sync.errors import AuthenticationError
from catalog_sync.graph import Kind
from tests.cloudmore.fakes import PASSWORD, SECRET, SELLER, FakeCloudmore, FakeSleep

SERVICES = f"/api/sellers/{SELLER}/services"


def _form(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.content.decode())


@pytest.mark.anyio
async def test_concurrent_first_requests_share_one_token(settings: ApiSettings) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    async with open_read_only(settings, transport=api.transport()) as client:
        async with anyio.create_task_group() as group:
            for _ in range(32):
                group.start_soon(client.list, Kind.SERVICE)
        assert client.metrics.count("GET", 200) == 32
    assert api.tokens_issued == 1
    assert client.metrics.token_requests == 1


@pytest.mark.anyio
async def test_password_grant_with_basic_client_credentials(settings: ApiSettings) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    async with open_read_only(settings, transport=api.transport()) as client:
        await client.list(Kind.SERVICE)
    (request,) = api.token_requests
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = _form(request)
    assert form == {
        "grant_type": ["password"],
        "username": ["user@example.com"],
        "password": [PASSWORD],
        "scope": ["api"],
    }
    expected = base64.b64encode(f"ro.customer.client:{SECRET}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"


@pytest.mark.anyio
async def test_client_credentials_as_form_fields(settings: ApiSettings) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    in_form = settings.model_copy(update={"credentials_in_form": True})
    async with open_read_only(in_form, transport=api.transport()) as client:
        await client.list(Kind.SERVICE)
    (request,) = api.token_requests
    assert "Authorization" not in request.headers
    form = _form(request)
    assert form["client_id"] == ["ro.customer.client"]
    assert form["client_secret"] == [SECRET]


@pytest.mark.anyio
async def test_a_burst_of_401s_renews_once_and_every_request_succeeds(
    settings: ApiSettings,
) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    wide = settings.model_copy(update={"parallelism": 16})
    async with open_read_only(wide, transport=api.transport()) as client:
        await client.list(Kind.SERVICE)
        api.revoke()
        api.gather = 16  # all 16 are in flight with the revoked token before any answer
        async with anyio.create_task_group() as group:
            for _ in range(16):
                group.start_soon(client.list, Kind.SERVICE)
        assert client.metrics.count("GET", 200) == 17
        assert client.metrics.count("GET", 401) == 16
    assert api.tokens_issued == 2
    assert client.metrics.token_renewals == 1


QUICK = RetryPolicy(max_attempts=3, wait_initial=0.001, wait_max=0.001, wait_jitter=0)


@pytest.mark.anyio
async def test_a_401_that_survives_the_renewal_is_another_attempt_that_renews_again(
    settings: ApiSettings,
) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    api.add("GET", "/services$", lambda r: httpx.Response(401), count=2)
    async with open_read_only(settings, transport=api.transport(), retry_policy=QUICK) as client:
        assert await client.list(Kind.SERVICE) == []
    # The renewed token was refused once more, then accepted on the next attempt.
    assert api.tokens_issued == 2
    assert client.metrics.count("GET", 401) == 2


@pytest.mark.anyio
async def test_a_401_on_every_attempt_is_an_authentication_error_once_the_attempts_are_spent(
    settings: ApiSettings,
) -> None:
    api = FakeCloudmore()
    api.add("GET", "/services$", lambda r: httpx.Response(401), count=100)
    async with open_read_only(settings, transport=api.transport(), retry_policy=QUICK) as client:
        with pytest.raises(AuthenticationError, match=r"GET /api/sellers/.*/services: .*401"):
            await client.list(Kind.SERVICE)
    # Each of the 3 attempts is sent twice, the second time with a renewed token.
    assert api.tokens_issued == 4


@pytest.mark.anyio
async def test_token_is_renewed_shortly_before_expiry(settings: ApiSettings) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    now = [1000.0]
    async with open_read_only(settings, transport=api.transport()) as client:
        client._auth._clock = lambda: now[0]
        await client.list(Kind.SERVICE)
        now[0] += 86400 - 600
        await client.list(Kind.SERVICE)
        assert api.tokens_issued == 1
        now[0] += 400  # within the renewal margin of the 24 h lifetime
        await client.list(Kind.SERVICE)
    assert api.tokens_issued == 2


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("error", "hint"),
    [("invalid_grant", "CLOUDMORE_PASSWORD"), ("invalid_client", "CLOUDMORE_CLIENT_SECRET")],
)
# IdentityServer refuses a bad client with 400; other servers use 401: both are a refusal.
@pytest.mark.parametrize("status", [400, 401])
async def test_refused_token_names_the_setting_and_hides_secrets(
    settings: ApiSettings, error: str, hint: str, status: int
) -> None:
    api = FakeCloudmore(token_status=status, token_error=error)
    async with open_read_only(settings, transport=api.transport()) as client:
        with pytest.raises(AuthenticationError) as raised:
            await client.list(Kind.SERVICE)
    message = str(raised.value)
    assert message.startswith("POST /connect/token:")
    assert f"the token request was refused ({status}, {error}): wrong " in message
    assert hint in message
    assert PASSWORD not in message
    assert SECRET not in message


@pytest.mark.anyio
async def test_token_endpoint_503_is_retried(settings: ApiSettings, fake_sleep: FakeSleep) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    api.add("POST", "/connect/token", lambda r: httpx.Response(503, headers={"Retry-After": "1"}))
    async with open_read_only(settings, transport=api.transport(), sleep=fake_sleep) as client:
        assert await client.list(Kind.SERVICE) == []
    assert fake_sleep.waits == [1.0]
    assert api.tokens_issued == 1


def test_auth_repr_shows_no_secret(settings: ApiSettings) -> None:
    from catalog_sync.cloudmore.auth import PasswordGrantAuth

    auth = PasswordGrantAuth(
        username="u",
        password=settings.password,
        client_id="c",
        client_secret=settings.client_secret,
    )
    assert PASSWORD not in repr(auth)
    assert SECRET not in repr(auth)
