"""Malformed API responses from a scripted transport (hypothesis, bounded): apply ends in an
error naming the request, never a traceback, and no write follows a response that could not
be understood."""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from pathlib import Path

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from catalog_sync.apply import ApplyOptions, ApplyReport, apply_plan
from catalog_sync.cloudmore import ApiSettings, open_read_write
from catalog_sync.errors import ApiError, CatalogSyncError
from catalog_sync.graph import Kind
from catalog_sync.plan.build import target_of
from catalog_sync.plan.model import Action, FieldChange, Plan, Target
from tests.apply.plans import change, plan_of
from tests.apply.support import FAST_RETRIES
from tests.cloudmore.fakes import PASSWORD, SECRET, SELLER, FakeCloudmore, FakeSleep

SETTINGS = ApiSettings(
    api_url="https://cloudmore.test",
    username="user@example.com",
    password=SecretStr(PASSWORD),
    client_secret=SecretStr(SECRET),
    seller_id=SELLER,
)
LOOKUPS = (
    "/api/services/categories",
    "/api/services/marketRegions",
    "/api/services/marketCountries",
    f"/api/sellers/{SELLER}/settings/EmailTemplates",
)
READS = (*LOOKUPS, f"/api/sellers/{SELLER}/services", f"/api/sellers/{SELLER}/brokers")
WRITES = frozenset({"POST", "PUT", "DELETE", "PATCH"})

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=10,
)
bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.just(b'[{"id": "x", "name": '),  # truncated
    st.just(b'[{"id": 1, "name": ["not", "text"]}]'),
    st.just(b'[{"categoryId": null, "name": 5}]'),
    st.just(b"[" * 5000 + b"]" * 5000),
    st.just(b'[{"id": "a", "name": "S", "price": 1e999999}]'),
)
statuses = st.sampled_from([200, 200, 200, 201, 204, 206, 301, 302, 400, 409, 418, 500, 599])
headers = st.dictionaries(
    st.sampled_from(["Content-Type", "Retry-After", "Location", "Content-Encoding"]),
    st.text(alphabet="abc/;=0123456789 -", max_size=12),
    max_size=2,
)


def _plan() -> Plan:
    return plan_of(
        change(
            'broker["556677"]',
            Kind.BROKER,
            Action.CREATE,
            field_changes=(
                FieldChange(path="name", before=None, after="B"),
                FieldChange(path="registrationNumber", before=None, after="556677"),
            ),
        ),
        target=Target(api_url=SETTINGS.api_url, seller_id=SELLER),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(READS),
    status=statuses,
    body=bodies,
    extra=headers,
    persistent=st.booleans(),
)
def test_a_malformed_read_response_stops_apply_before_any_write(
    path: str, status: int, body: bytes, extra: dict[str, str], persistent: bool
) -> None:
    api = FakeCloudmore()
    for lookup in LOOKUPS:
        api.collections[lookup] = []

    def malformed(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers=extra)

    api.add("GET", re.escape(path) + "$", malformed, count=100 if persistent else 1)

    async def run() -> ApplyReport | CatalogSyncError:
        async with open_read_write(
            SETTINGS, transport=api.transport(), sleep=FakeSleep(), retry_policy=FAST_RETRIES
        ) as client:
            with tempfile.TemporaryDirectory() as directory:
                options = ApplyOptions(
                    journal_dir=Path(directory) / "journal", lock_dir=Path(directory)
                )
                try:
                    return await apply_plan(_plan(), client, target_of(SETTINGS), options)
                except CatalogSyncError as error:
                    return error

    outcome = asyncio.run(run())
    writes = [e for e in api.log if e[0] in WRITES and e[1] != "/connect/token"]
    if isinstance(outcome, CatalogSyncError):
        assert writes == []  # nothing written after a response that was not understood
        if isinstance(outcome, ApiError):
            assert str(outcome).startswith("GET /api/"), outcome
    else:
        # The response was usable after all (a retried 5xx, an ignored header): the create ran.
        assert outcome.ok or outcome.results
