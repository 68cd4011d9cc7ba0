"""Edits in Cloudmore while apply runs (docs/contracts.md, "Edits during apply").

Each test holds one of apply's requests in the emulator (``emulator.holds``), edits the live
catalog through the API while it is held, and releases it: no sleep decides the order. With
``--parallelism 1`` the changes run one after another in plan order, so the edit lands after
the stale-plan check and before the write of the object it edits.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalog_sync.apply import ApplyOptions, ApplyReport, MismatchCause, Outcome, apply_plan
from catalog_sync.cloudmore import open_read_write
from catalog_sync.emulator.holds import Hold
from catalog_sync.plan.build import target_of
from catalog_sync.plan.model import Plan
from tests.apply.support import FAST_RETRIES, SELLER, TOKEN_AUTH, TOKEN_FORM, InProcess, plan_with
from tests.cloudmore.fakes import FakeSleep

pytestmark = pytest.mark.anyio

SERVICE = "Race"
A1 = 'service["Race"].product["p"].addon["a1"]'
A2 = 'service["Race"].product["p"].addon["a2"]'
DOOMED = 'service["Race"].product["doomed"]'
HELD_FOR = 10  # seconds: only a guard against a test that would hang, never a synchronisation


def _catalog(
    directory: Path,
    *,
    a1: str = "1.00",
    a2: str = "2.00",
    a2_sek: str = "20.00",
    doomed: bool = True,
    sek: bool = True,
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "catalog.yaml").write_text(
        "settings:\n  prune: true\n  thresholds:\n    maxUpdatePercent: 100\n"
        "    maxDeletePercent: 100\n",
        encoding="utf-8",
    )
    doomed_lines = (
        "      - name: Doomed\n"
        "        itemCode: doomed\n"
        "        type: ProductBased\n"
        "        subscriptionPeriodMonths: 1\n"
        "        billingFrequencyMonths: 1\n"
        "        addons: []\n"
    )
    (directory / "race.yaml").write_text(
        f"""services:
  - name: {SERVICE}
    vendorName: Race
    categories: [Productivity]
    provisioningType: Email
    publish:
      to: allBrokers
    products:
      - name: Product
        itemCode: p
        type: ProductBased
        subscriptionPeriodMonths: 1
        billingFrequencyMonths: 1
        addons:
          - name: First
            itemCode: a1
            price: "{a1}"
            pricePer: Quantity
          - name: Second
            itemCode: a2
            enableGrouping: true
            groupName: basic
            price: "{a2}"
            recommendedPrice: "2.50"
            pricePer: Quantity
"""
        + (
            f'            prices:\n              SEK: {{price: "{a2_sek}", cost: "10.00"}}\n'
            if sek
            else ""
        )
        + (doomed_lines if doomed else ""),
        encoding="utf-8",
    )
    return directory


@asynccontextmanager
async def _ui(emulator: InProcess) -> AsyncIterator[httpx.AsyncClient]:
    """Someone in the Cloudmore UI: the API through plain httpx, with a token of its own."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=emulator.app), base_url="http://emulator.test"
    ) as http:
        token = await http.post("/connect/token", data=TOKEN_FORM, auth=TOKEN_AUTH)
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        yield http


class Live:
    """Paths and reads of the race catalog, as the UI sees it."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.ids: dict[str, str] = {}

    async def load(self) -> Live:
        services = (await self.http.get(f"{SELLER}/services")).json()
        self.ids["service"] = next(s["id"] for s in services if s["name"] == SERVICE)
        for product in (await self.http.get(f"{self.service}/products")).json():
            self.ids[product["itemCode"]] = product["id"]
        for addon in (await self.http.get(f"{self.product('p')}/addons")).json():
            self.ids[addon["itemCode"]] = addon["id"]
        return self

    @property
    def service(self) -> str:
        return f"{SELLER}/services/{self.ids['service']}"

    def product(self, code: str) -> str:
        return f"{self.service}/products/{self.ids[code]}"

    def addon(self, code: str) -> str:
        return f"{self.product('p')}/addons/{self.ids[code]}"

    async def get(self, path: str) -> dict[str, Any]:
        response = await self.http.get(path)
        assert response.status_code == 200, (path, response.status_code)
        found: dict[str, Any] = response.json()
        return found

    async def edit(self, path: str, **fields: Any) -> None:
        """A whole-object PUT, the way the UI saves an object."""
        current = await self.get(path)
        body = {k: v for k, v in current.items() if k != "id"} | fields
        assert (await self.http.put(path, json=body)).status_code == 204

    async def sek(self) -> dict[str, Any]:
        return await self.get(f"{self.service}/pricelist?currencyCode=SEK")

    async def edit_sek(self, code: str, **amounts: Any) -> None:
        """Set amounts of one addon of product p in SEK, keeping its others (the UI's grid)."""
        current = await self.sek()
        product = next(p for p in current["products"] if p["productId"] == self.ids["p"])
        addon = next(a for a in product["addons"] if a["addonId"] == self.ids[code])
        body = {
            "currencyCode": "SEK",
            "products": [
                {
                    "itemId": self.ids["p"],
                    "price": None,
                    "addons": [{"itemId": self.ids[code], "price": addon["price"] | amounts}],
                }
            ],
        }
        response = await self.http.put(f"{self.service}/pricelist", json=body)
        assert response.status_code == 204, response.text

    async def sek_amounts(self, code: str) -> dict[str, Any]:
        current = await self.sek()
        product = next(p for p in current["products"] if p["productId"] == self.ids["p"])
        found: dict[str, Any] = next(
            a["price"] for a in product["addons"] if a["addonId"] == self.ids[code]
        )
        return found


async def _plan(emulator: InProcess, catalog: Path) -> Plan:
    async with emulator.client() as client:
        return await plan_with(client, emulator.settings, catalog)


async def _apply(
    emulator: InProcess,
    plan: Plan,
    journal_dir: Path,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ApplyReport:
    async with open_read_write(
        emulator.settings,
        transport=transport or emulator.transport(),
        sleep=FakeSleep(),
        retry_policy=FAST_RETRIES,
    ) as client:
        options = ApplyOptions(journal_dir=journal_dir, parallelism=1)
        return await apply_plan(plan, client, target_of(emulator.settings), options)


async def _converged(emulator: InProcess, tmp_path: Path) -> None:
    """The race catalog, applied onto the empty seller: the service first, SEK enabled on it
    as Cloudmore's UI does (no API call enables a currency), then its SEK prices."""
    first = await _plan(emulator, _catalog(tmp_path / "base", sek=False))
    report = await _apply(emulator, first, tmp_path)
    assert report.ok, report
    [service] = emulator.app.state.emulator.store.services.values()
    emulator.enable_currency(service["id"], "SEK")
    report = await _apply(emulator, await _plan(emulator, _catalog(tmp_path / "base")), tmp_path)
    assert report.ok, report


async def _apply_while_held(
    emulator: InProcess,
    plan: Plan,
    journal_dir: Path,
    hold: Hold | Sequence[Hold],
    meanwhile: Callable[[], Awaitable[None]],
    transport: httpx.AsyncBaseTransport | None = None,
) -> ApplyReport:
    """Apply ``plan``; once a request is held (the first of ``hold`` to hold one), run
    ``meanwhile``, then release them all."""
    holds = [hold] if isinstance(hold, Hold) else list(hold)
    applying = asyncio.ensure_future(_apply(emulator, plan, journal_dir, transport))
    waiting = [asyncio.ensure_future(h.reached()) for h in holds]
    try:
        done, _ = await asyncio.wait(waiting, timeout=HELD_FOR, return_when="FIRST_COMPLETED")
        assert done, "no request was held"
        await meanwhile()
    finally:
        for h in holds:
            h.release()
        for task in waiting:
            task.cancel()
    return await applying


def _result(report: ApplyReport, address: str) -> Any:
    return next(r for r in report.results if r.address == address)


# --------------------------------------------------------------------------- lost update


async def test_an_edit_of_fields_the_change_does_not_write_is_kept(tmp_path: Path) -> None:
    """The issue's reproduction: while a1's PUT is held, the UI changes a2's groupName,
    recommendedPrice and SEK cost; a2's PUT, sent after the edit, must not write them back."""
    emulator = InProcess()
    await _converged(emulator, tmp_path)
    plan = await _plan(emulator, _catalog(tmp_path / "next", a1="1.10", a2="2.20"))
    assert [c.address for c in plan.changes] == [A1, A2]
    async with _ui(emulator) as http:
        live = await Live(http).load()
        hold = emulator.app.state.emulator.holds.hold("PUT", live.addon("a1"))

        async def edit() -> None:
            await live.edit(live.addon("a2"), groupName="premium", recommendedPrice=3.75)
            await live.edit_sek("a2", cost=12.5)

        report = await _apply_while_held(emulator, plan, tmp_path / "j", hold, edit)

        a2 = await live.get(live.addon("a2"))
        assert report.ok, report
        assert a2["price"] == 2.2  # what the plan wrote
        assert a2["groupName"] == "premium"  # what the UI wrote meanwhile
        assert a2["recommendedPrice"] == 3.75
        assert (await live.sek_amounts("a2"))["cost"] == 12.5


async def test_an_edit_of_a_field_the_change_writes_refuses_the_change(tmp_path: Path) -> None:
    emulator = InProcess()
    await _converged(emulator, tmp_path)
    plan = await _plan(emulator, _catalog(tmp_path / "next", a1="1.10", a2="2.20"))
    async with _ui(emulator) as http:
        live = await Live(http).load()
        hold = emulator.app.state.emulator.holds.hold("PUT", live.addon("a1"))

        async def edit() -> None:
            await live.edit(live.addon("a2"), price=2.05, groupName="premium")

        report = await _apply_while_held(emulator, plan, tmp_path / "j", hold, edit)

        a2 = await live.get(live.addon("a2"))
    assert (a2["price"], a2["groupName"]) == (2.05, "premium")  # the edit stays, all of it
    assert _result(report, A1).outcome is Outcome.DONE
    refused = _result(report, A2)
    assert refused.outcome is Outcome.FAILED
    assert "edited in Cloudmore since apply checked the plan (price now" in refused.reason
    assert "re-run plan" in refused.reason
    assert not report.ok


async def test_a_price_list_write_keeps_an_edit_of_another_amount_of_the_item(
    tmp_path: Path,
) -> None:
    """A price list PUT replaces each named item's amounts: the SEK cost the UI set while
    the write waited stays, the SEK price the plan changes is written."""
    emulator = InProcess()
    await _converged(emulator, tmp_path)
    plan = await _plan(emulator, _catalog(tmp_path / "next", a1="1.10", a2_sek="21.00"))
    assert [c.address for c in plan.changes] == [A1, 'service["Race"].pricelist["SEK"]']
    async with _ui(emulator) as http:
        live = await Live(http).load()
        hold = emulator.app.state.emulator.holds.hold("PUT", live.addon("a1"))

        async def edit() -> None:
            await live.edit_sek("a2", cost=12.5, recommendedPrice=25)

        report = await _apply_while_held(emulator, plan, tmp_path / "j", hold, edit)
        amounts = await live.sek_amounts("a2")
    assert report.ok, report
    assert amounts == {"price": 21.0, "cost": 12.5, "recommendedPrice": 25}


async def test_a_price_list_write_is_refused_when_an_amount_it_writes_moved(
    tmp_path: Path,
) -> None:
    emulator = InProcess()
    await _converged(emulator, tmp_path)
    plan = await _plan(emulator, _catalog(tmp_path / "next", a1="1.10", a2_sek="21.00"))
    async with _ui(emulator) as http:
        live = await Live(http).load()
        hold = emulator.app.state.emulator.holds.hold("PUT", live.addon("a1"))

        async def edit() -> None:
            await live.edit_sek("a2", price=19.5)

        report = await _apply_while_held(emulator, plan, tmp_path / "j", hold, edit)
        amounts = await live.sek_amounts("a2")
    assert amounts["price"] == 19.5
    refused = _result(report, 'service["Race"].pricelist["SEK"]')
    assert refused.outcome is Outcome.FAILED
    assert "p/a2.price now" in refused.reason


# --------------------------------------------------------------------------- verification


async def test_verification_tells_a_field_changed_after_the_write_from_one_not_written(
    tmp_path: Path,
) -> None:
    """a1's price is changed by the UI right after a1's PUT committed (held before its answer);
    a2's PUT reaches the server with its old price (a server that ignores the field)."""
    emulator = InProcess()
    await _converged(emulator, tmp_path)
    plan = await _plan(emulator, _catalog(tmp_path / "next", a1="1.10", a2="2.20"))
    async with _ui(emulator) as http:
        live = await Live(http).load()
        hold = emulator.app.state.emulator.holds.hold("PUT", live.addon("a1"), after=True)
        ignoring = _Rewriting(emulator.transport(), "PUT", live.addon("a2"), {"price": 2.0})

        async def edit() -> None:
            await live.edit(live.addon("a1"), price=1.05)

        report = await _apply_while_held(emulator, plan, tmp_path / "j", hold, edit, ignoring)
    causes = {(m.address, m.field): m.cause for m in report.mismatches}
    assert causes == {
        (A1, "price"): MismatchCause.CHANGED_AFTER,
        (A2, "price"): MismatchCause.NOT_WRITTEN,
    }
    assert not report.ok


class _Rewriting(httpx.AsyncBaseTransport):
    """Changes the JSON body of the requests to one path before they reach the server."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, method: str, path: str, fields: dict[str, Any]
    ) -> None:
        self.inner, self.method, self.path, self.fields = inner, method, path, fields

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == self.method and request.url.path == self.path:
            body = json.loads(await request.aread()) | self.fields
            request = httpx.Request(request.method, request.url, headers=request.headers, json=body)
        return await self.inner.handle_async_request(request)


# --------------------------------------------------------------------------- delete race


async def test_a_delete_is_refused_when_something_new_is_below_it(tmp_path: Path) -> None:
    """An addon created under product "doomed" after the check (while a1's PUT is held) and
    before the product's DELETE: the DELETE would take it, unreviewed."""
    emulator = InProcess()
    await _converged(emulator, tmp_path)
    plan = await _plan(emulator, _catalog(tmp_path / "next", a1="1.10", doomed=False))
    assert [(c.address, c.action.value) for c in plan.changes] == [
        (DOOMED, "delete"),
        (A1, "update"),
    ]
    async with _ui(emulator) as http:
        live = await Live(http).load()
        # The re-list right before the DELETE (the second list of doomed's addons: the first
        # is the stale-plan check's), or the DELETE itself (code that sends no re-list).
        holds = emulator.app.state.emulator.holds
        held = [
            holds.hold("GET", f"{live.product('doomed')}/addons$", nth=2),
            holds.hold("DELETE", f"{live.product('doomed')}$"),
        ]
        late = {
            "name": "Late",
            "itemCode": "late",
            "price": 1,
            "pricePer": "Quantity",
        }

        async def create() -> None:
            response = await http.post(f"{live.product('doomed')}/addons", json=late)
            assert response.status_code == 201, response.text

        report = await _apply_while_held(emulator, plan, tmp_path / "j", held, create)
        still = await http.get(f"{live.product('doomed')}/addons")
    assert still.status_code == 200, "the product was deleted, and the new addon with it"
    assert [a["itemCode"] for a in still.json()] == ["late"]
    refused = _result(report, DOOMED)
    assert refused.outcome is Outcome.FAILED
    assert 'created below it in Cloudmore since apply checked the plan: addon "late"' in (
        refused.reason
    )
    assert _result(report, A1).outcome is Outcome.DONE
    assert not report.ok


# --------------------------------------------------------------------------- Location


async def test_a_location_naming_an_existing_object_is_not_taken_as_the_new_one(
    tmp_path: Path,
) -> None:
    """The create of addon a3 is answered with a Location naming a1, which the check read:
    the new addon is found by its key instead."""
    emulator = InProcess()
    await _converged(emulator, tmp_path)
    catalog = _catalog(tmp_path / "next")
    race = catalog / "race.yaml"
    race.write_text(
        race.read_text().replace(
            "          - name: Second\n",
            '          - name: Third\n            itemCode: a3\n            price: "3.00"\n'
            "            pricePer: Quantity\n          - name: Second\n",
        )
    )
    plan = await _plan(emulator, catalog)
    async with _ui(emulator) as http:
        live = await Live(http).load()
        misnaming = _Misnaming(emulator.transport(), f"{live.product('p')}/addons", live.ids["a1"])
        report = await _apply(emulator, plan, tmp_path / "j", misnaming)
        await live.load()
    assert misnaming.answered == 1
    created = _result(report, 'service["Race"].product["p"].addon["a3"]')
    assert created.outcome is Outcome.DONE
    assert created.id == live.ids["a3"] != live.ids["a1"]
    assert report.ok, report


class _Misnaming(httpx.AsyncBaseTransport):
    """Answers a create in ``collection`` with a Location naming ``existing``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, collection: str, existing: str) -> None:
        self.inner, self.collection, self.existing = inner, collection, existing
        self.answered = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "POST" and request.url.path == self.collection:
            response.headers["Location"] = f"{request.url}/{self.existing}"
            self.answered += 1
        return response
