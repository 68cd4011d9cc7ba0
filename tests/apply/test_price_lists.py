"""Price lists end to end against the emulator: files -> plan -> one PUT per service and
currency -> the raw price list -> an empty re-plan (docs/contracts.md, "Price lists")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from catalog_sync.apply import ApplyOptions, Outcome, apply_plan
from catalog_sync.drift import DriftKind, drift_of
from catalog_sync.errors import CatalogError, StalePlanError
from catalog_sync.graph import Kind
from catalog_sync.plan.build import target_of
from catalog_sync.plan.model import Action, Change, FieldChange, SafetyRule
from catalog_sync.render.apply_text import render_report
from tests.apply.support import (
    SELLER,
    TOKEN_AUTH,
    TOKEN_FORM,
    InProcess,
    plan_and_apply,
    plan_with,
    writes_after,
)
from tests.cloudmore.emulator_helpers import IN_PROCESS_URL

CATALOG = """\
services:
  - name: Priced
    categories: [Security]
    products:
      - name: P
        itemCode: p
        type: ProductBased
        prices:
          SEK: {price: "110", cost: "55", recommendedPrice: "130"}
        addons:
          - name: A
            itemCode: a
            pricePer: Quantity
            prices:
              SEK: {price: "20.50", cost: "10"}
"""
SEK = 'service["Priced"].pricelist["SEK"]'


def _catalog(tmp_path: Path, text: str = CATALOG) -> Path:
    folder = tmp_path / "catalog"
    folder.mkdir(exist_ok=True)
    (folder / "catalog.yaml").write_text(text, encoding="utf-8")
    return folder


async def _raw(emulator: InProcess, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """Plain httpx with its own token: the test's view of the emulator, not the client's."""
    transport = httpx.ASGITransport(app=emulator.app)
    async with httpx.AsyncClient(transport=transport, base_url=IN_PROCESS_URL) as http:
        token = await http.post("/connect/token", data=TOKEN_FORM, auth=TOKEN_AUTH)
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        return await http.request(method, path, headers=headers, **kwargs)


def _without_prices(text: str = CATALOG) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(
        line
        for index, line in enumerate(lines)
        if "prices:" not in line and "prices:" not in lines[index - 1]
    )


async def _enabled(
    emulator: InProcess, client: Any, journal_dir: Path, tmp_path: Path, *codes: str
) -> Path:
    """The catalog's service applied without prices, then ``codes`` enabled on it as
    Cloudmore's UI does (a PUT never enables a currency): the catalog's folder, prices back."""
    catalog = _catalog(tmp_path, _without_prices())
    _, report = await plan_and_apply(client, emulator.settings, journal_dir, catalog)
    assert report.ok, render_report(report)
    service = await _service(emulator, "Priced")
    for code in codes or ("SEK",):
        emulator.enable_currency(service["id"], code)
    return _catalog(tmp_path)


async def _service(emulator: InProcess, name: str) -> dict[str, Any]:
    """The service's detail read: a list item is a summary, without ``currencies``."""
    services = (await _raw(emulator, "GET", f"{SELLER}/services")).json()
    listed = next(s for s in services if s["name"] == name)
    found: dict[str, Any] = (
        await _raw(emulator, "GET", f"{SELLER}/services/{listed['id']}")
    ).json()
    return found


def _price_list_requests(entries: list[dict[str, Any]], method: str, seq: int = 0) -> int:
    return sum(
        1
        for e in entries
        if e["seq"] > seq and e["method"] == method and e["path"].endswith("/pricelist")
    )


@pytest.mark.anyio
async def test_prices_apply_in_an_enabled_currency_read_back_raw_and_replan_empty(
    tmp_path: Path, journal_dir: Path
) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        catalog = await _enabled(emulator, client, journal_dir, tmp_path)
        before = emulator.requests()[-1]["seq"]
        plan, report = await plan_and_apply(client, emulator.settings, journal_dir, catalog)
        again = await plan_with(client, emulator.settings, catalog)

    [price_list] = plan.changes
    assert price_list.address == SEK
    # Enabled in the UI, the list exists with no amounts: an update, never a create.
    assert price_list.action is Action.UPDATE
    assert [f.path for f in price_list.field_changes] == [
        "p.price",
        "p.cost",
        "p.recommendedPrice",
        "p/a.price",
        "p/a.cost",
    ]
    assert report.ok, render_report(report)
    assert report.verified
    assert report.counts[Outcome.DONE] == 1
    service = await _service(emulator, "Priced")
    # One PUT, the currency in its body and no query parameter (docs/contracts.md).
    assert writes_after(emulator.requests(), before) == [
        f"PUT {SELLER}/services/{service['id']}/pricelist"
    ]
    assert service["currencies"] == ["SEK"]
    raw = await _raw(
        emulator, "GET", f"{SELLER}/services/{service['id']}/pricelist?currencyCode=SEK"
    )
    [product] = raw.json()["products"]
    assert (product["itemCode"], product["price"]) == (
        "p",
        {"price": 110, "cost": 55, "recommendedPrice": 130},
    )
    [addon] = product["addons"]
    assert (addon["itemCode"], addon["price"]) == (
        "a",
        {"price": 20.5, "cost": 10, "recommendedPrice": None},
    )
    assert not again.changes, [c.address for c in again.changes]
    assert not again.unmanaged


@pytest.mark.anyio
async def test_changing_one_sek_price_plans_one_field_change_and_sends_one_put(
    tmp_path: Path, journal_dir: Path
) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        catalog = await _enabled(emulator, client, journal_dir, tmp_path)
        await plan_and_apply(client, emulator.settings, journal_dir, catalog)
        before = emulator.requests()[-1]["seq"]
        _catalog(tmp_path, CATALOG.replace('price: "20.50"', 'price: "22"'))
        plan, report = await plan_and_apply(client, emulator.settings, journal_dir, catalog)
        again = await plan_with(client, emulator.settings, catalog)

    [change] = plan.changes
    assert (change.address, change.action) == (SEK, Action.UPDATE)
    assert change.field_changes == (
        FieldChange(
            path="p/a.price",
            before="20.5000",
            after="22.0000",
            source=change.field_changes[0].source,
        ),
    )
    assert change.field_changes[0].source is not None
    assert change.field_changes[0].source.line == 15
    assert report.ok, render_report(report)
    entries = emulator.requests()
    service = await _service(emulator, "Priced")
    assert writes_after(entries, before) == [f"PUT {SELLER}/services/{service['id']}/pricelist"]
    raw = await _raw(
        emulator, "GET", f"{SELLER}/services/{service['id']}/pricelist?currencyCode=SEK"
    )
    addon = raw.json()["products"][0]["addons"][0]
    # The amounts not changed went back as they were read.
    assert addon["price"] == {"price": 22, "cost": 10, "recommendedPrice": None}
    assert not again.changes


@pytest.mark.anyio
async def test_a_live_currency_the_files_do_not_name_is_unmanaged_and_not_read(
    tmp_path: Path, journal_dir: Path
) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        catalog = await _enabled(emulator, client, journal_dir, tmp_path)
        await plan_and_apply(client, emulator.settings, journal_dir, catalog)
        service = await _service(emulator, "Priced")
        products = (
            await _raw(emulator, "GET", f"{SELLER}/services/{service['id']}/products")
        ).json()
        eur = {
            "currencyCode": "EUR",
            "products": [{"itemId": products[0]["id"], "price": {"price": 9}}],
        }
        emulator.enable_currency(service["id"], "EUR")
        path = f"{SELLER}/services/{service['id']}/pricelist"
        assert (await _raw(emulator, "PUT", path, json=eur)).status_code == 204
        before = emulator.requests()[-1]["seq"]
        # Prune on: a price list has no delete, so it is reported and never removed.
        _catalog(tmp_path, "settings:\n  prune: true\n" + CATALOG)
        plan = await plan_with(client, emulator.settings, catalog)

    assert not plan.changes, [c.address for c in plan.changes]
    [unmanaged] = plan.unmanaged
    assert unmanaged.address == 'service["Priced"].pricelist["EUR"]'
    assert unmanaged.kind is Kind.PRICE_LIST
    assert unmanaged.action is None
    assert plan.summary.unmanaged == 1
    # SEK is read (the files name it); EUR is only listed by the service.
    assert _price_list_requests(emulator.requests(), "GET", before) == 1


@pytest.mark.anyio
async def test_a_price_changed_in_the_ui_after_the_plan_makes_it_stale(
    tmp_path: Path, journal_dir: Path
) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        catalog = await _enabled(emulator, client, journal_dir, tmp_path)
        await plan_and_apply(client, emulator.settings, journal_dir, catalog)
        _catalog(tmp_path, CATALOG.replace('"110"', '"115"'))
        plan = await plan_with(client, emulator.settings, catalog)
        service = await _service(emulator, "Priced")
        product = (
            await _raw(emulator, "GET", f"{SELLER}/services/{service['id']}/products")
        ).json()[0]
        raised = {
            "currencyCode": "SEK",
            "products": [{"itemId": product["id"], "price": _amounts(110, 70, 130)}],
        }
        path = f"{SELLER}/services/{service['id']}/pricelist"
        assert (await _raw(emulator, "PUT", path, json=raised)).status_code == 204
        before = emulator.requests()[-1]["seq"]
        with pytest.raises(StalePlanError) as caught:
            await apply_plan(
                plan,
                client,
                target_of(emulator.settings),
                ApplyOptions(journal_dir=journal_dir),
            )

    # The plan shows only the fields it changes (p.price), so a cost moved in the UI is known
    # by the fingerprint alone.
    assert f"{SEK}: changed since the plan was made: other managed fields changed" in str(
        caught.value
    )
    assert writes_after(emulator.requests(), before) == []


def _amounts(price: float, cost: float, recommended: float) -> dict[str, float]:
    return {"price": price, "cost": cost, "recommendedPrice": recommended}


@pytest.mark.anyio
async def test_a_cost_raised_through_the_api_is_drift_and_a_forged_amount_is_refused(
    tmp_path: Path, journal_dir: Path
) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        catalog = await _enabled(emulator, client, journal_dir, tmp_path)
        await plan_and_apply(client, emulator.settings, journal_dir, catalog)
        service = await _service(emulator, "Priced")
        product = (
            await _raw(emulator, "GET", f"{SELLER}/services/{service['id']}/products")
        ).json()[0]
        raised = {
            "currencyCode": "SEK",
            "products": [{"itemId": product["id"], "price": _amounts(110, 70, 130)}],
        }
        path = f"{SELLER}/services/{service['id']}/pricelist"
        assert (await _raw(emulator, "PUT", path, json=raised)).status_code == 204
        plan = await plan_with(client, emulator.settings, catalog)

    [entry] = drift_of(plan).entries
    assert (entry.address, entry.drift) == (SEK, DriftKind.CHANGED)
    assert [(f.path, f.live, f.files) for f in entry.fields] == [("p.cost", "70.0000", "55.0000")]

    [change] = plan.changes
    forged = change.model_dump(mode="json", by_alias=True)
    forged["fieldChanges"].append({"path": "p.discount", "before": None, "after": "1.0000"})
    with pytest.raises(ValidationError, match=r"p\.discount is not a field of a pricelist"):
        Change.model_validate(forged)


@pytest.mark.anyio
async def test_a_price_changes_with_a_rename_of_its_pinned_service(
    tmp_path: Path, journal_dir: Path
) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        catalog = await _enabled(emulator, client, journal_dir, tmp_path)
        await plan_and_apply(client, emulator.settings, journal_dir, catalog)
        service = await _service(emulator, "Priced")
        renamed = CATALOG.replace(
            "  - name: Priced\n", f"  - name: Renamed\n    id: {service['id']}\n"
        ).replace('"110"', '"111"')
        _catalog(tmp_path, renamed)
        plan, report = await plan_and_apply(client, emulator.settings, journal_dir, catalog)
        again = await plan_with(client, emulator.settings, catalog)

    assert {(c.address, c.action) for c in plan.changes} == {
        ('service["Renamed"]', Action.UPDATE),
        ('service["Renamed"].pricelist["SEK"]', Action.UPDATE),
    }
    assert report.ok, render_report(report)
    assert not again.changes, [c.address for c in again.changes]
    raw = await _raw(
        emulator, "GET", f"{SELLER}/services/{service['id']}/pricelist?currencyCode=SEK"
    )
    assert raw.json()["products"][0]["price"]["price"] == 111


@pytest.mark.anyio
async def test_a_margin_below_the_policy_in_a_currency_is_a_finding_naming_item_and_currency(
    tmp_path: Path, journal_dir: Path
) -> None:
    emulator = InProcess("empty")
    settings = "settings:\n  policies:\n    minMarginPercent: 50.5\n"
    async with emulator.client() as client:
        await _enabled(emulator, client, journal_dir, tmp_path)
        catalog = _catalog(tmp_path, settings + CATALOG)
        plan = await plan_with(client, emulator.settings, catalog)

    # p in SEK: (110 - 55) / 110 = 50.0%, below; a: (20.50 - 10) / 20.50 = 51.2%, above.
    [finding] = [f for f in plan.safety if f.rule is SafetyRule.MIN_MARGIN_PERCENT]
    assert finding.addresses == ('service["Priced"].product["p"]',)
    assert finding.policy is not None
    assert finding.policy.currency == "SEK"
    assert "(SEK): margin 50.0%" in finding.message


@pytest.mark.anyio
async def test_prices_in_a_currency_not_enabled_are_an_error_at_their_line_and_write_nothing(
    tmp_path: Path, journal_dir: Path
) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        catalog = await _enabled(emulator, client, journal_dir, tmp_path, "EUR")
        before = emulator.requests()[-1]["seq"]
        with pytest.raises(CatalogError) as caught:
            await plan_with(client, emulator.settings, catalog)

    [problem] = caught.value.diagnostics
    assert problem.code == "CS411"
    assert problem.location.line == 9
    assert problem.message == (
        'SEK is not enabled on service "Priced": enable it in Cloudmore first'
    )
    assert writes_after(emulator.requests(), before) == []


@pytest.mark.anyio
async def test_prices_of_a_service_the_plan_creates_are_an_error_with_the_steps(
    tmp_path: Path,
) -> None:
    emulator = InProcess("empty")
    catalog = _catalog(tmp_path)
    async with emulator.client() as client:
        with pytest.raises(CatalogError) as caught:
            await plan_with(client, emulator.settings, catalog)

    [problem] = caught.value.diagnostics
    assert problem.code == "CS411"
    assert "which this plan creates" in problem.message
    assert "enable SEK on it in Cloudmore, then add them" in problem.message
    assert not [e for e in emulator.requests() if e["method"] != "GET" and "/api/" in e["path"]]
