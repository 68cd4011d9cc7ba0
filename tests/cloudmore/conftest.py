from __future__ import annotations

import pytest
from pydantic import SecretStr

from catalog_sync.cloudmore import ApiSettings
from tests.cloudmore.fakes import PASSWORD, SECRET, SELLER, FakeSleep


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings() -> ApiSettings:
    return ApiSettings(
        api_url="https://cloudmore.test",
        username="user@example.com",
        password=SecretStr(PASSWORD),
        client_secret=SecretStr(SECRET),
        seller_id=SELLER,
    )


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()
