"""Money stays exact in the emulator (issue 24, item 15): an amount of 2**39 and more with 4
decimals is stored, answered and saved as the decimal it is, never through a binary float
(as a float, 549755813888.0003 reads back as ...888.0002), so a plan converges against it."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from catalog_sync.emulator import DEMO, EmulatorConfig, serve_in_thread
from catalog_sync.emulator.statefile import read_state
from catalog_sync.emulator.store import STATE_FORMAT
from catalog_sync.emulator.validation import to_money
from catalog_sync.exact_json import decode_json, encode_json
from tests.apply.support import InProcess, plan_and_apply, plan_with
from tests.emulator.conftest import SELLER, Api

BIG = "549755813888.0003"  # 2**39 + 0.0003
BIGGER = "999999999999.9999"  # the largest amount the API takes


def _raw_post(api: Api, path: str, body: str) -> str:
    response = api.http.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.text
    return response.headers["Location"].rsplit("/", 1)[1]


def test_a_large_amount_reads_back_as_the_exact_literal_it_was_sent_as(base_url: str) -> None:
    api = Api(base_url)
    service = api.new_service()
    products = f"{SELLER}/services/{service}/products"
    product = _raw_post(
        api,
        products,
        '{"name": "Big", "itemCode": "big", "type": "ProductBased", '
        f'"price": {BIG}, "cost": {BIGGER}, "recommendedPrice": 0.0001}}',
    )
    text = api.http.get(f"{products}/{product}").text
    assert f'"price":{BIG}' in text
    assert f'"cost":{BIGGER}' in text
    assert '"recommendedPrice":0.0001' in text
    # The price list of a currency, written and read the same way.
    prices = f"{SELLER}/services/{service}/pricelist"
    httpx.put(f"{base_url}/_emulator/services/{service}/currencies/SEK").raise_for_status()
    put = api.http.put(
        prices,
        content=f'{{"currencyCode": "SEK", "products": [{{"itemId": "{product}", '
        f'"price": {{"price": {BIG}, "cost": 1, "recommendedPrice": null}}}}]}}',
        headers={"Content-Type": "application/json"},
    )
    assert put.status_code == 204, put.text
    read = decode_json(api.http.get(f"{prices}?currencyCode=SEK").content)
    assert read["products"][0]["price"] == {
        "price": Decimal(BIG),
        "cost": Decimal(1),
        "recommendedPrice": None,
    }


def test_small_amounts_are_written_as_before() -> None:
    """Below 2**39 the literals are the ones a float gave: nothing changes for a reader."""
    amounts = [to_money(v) for v in (10, 10.5, Decimal("0.1250"), Decimal("6.00"), 0)]
    assert encode_json(amounts) == b"[10.0,10.5,0.125,6.0,0.0]"
    assert to_money(Decimal("12.34565")) == Decimal("12.3457")  # the API's 4 places


def test_a_string_shaped_like_a_placeholder_is_written_as_it_is() -> None:
    """The literals go in by a pattern compiled once: a string of another nonce's shape, even
    after an escaped quote, stays the string it was, beside the amounts it sits next to."""
    value = {
        "a": Decimal(BIG),
        "b": ["0123456789abcdef:0", 'x"0123456789abcdef:0'],
        "c": [Decimal("1.5")],
    }
    written = encode_json(value)
    assert written == (
        b'{"a":549755813888.0003,"b":["0123456789abcdef:0","x\\"0123456789abcdef:0"],"c":[1.5]}'
    )
    assert decode_json(written) == value


def test_a_large_amount_survives_a_restart_from_snapshot_and_log(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with serve_in_thread(EmulatorConfig(state_file=state)) as url:
        api = Api(url)
        service = api.new_service()
        products = f"{SELLER}/services/{service}/products"
        body = f'{{"name": "B", "itemCode": "b", "type": "Metered", "price": {BIG}}}'
        path = f"{products}/{_raw_post(api, products, body)}"
    assert BIG in state.with_name("state.json.log").read_text("utf-8")
    saved = read_state(state)
    assert saved is not None
    (product,) = saved.store.products.values()
    assert product["price"] == Decimal(BIG)
    with serve_in_thread(EmulatorConfig(state_file=state)) as url:
        assert f'"price":{BIG}' in Api(url).http.get(path).text


def test_a_state_file_written_with_floats_loads_with_the_amounts_it_wrote(tmp_path: Path) -> None:
    """An emulator before this one wrote money as floats: their literals are read as the
    decimals they spell, so the state-file format is unchanged."""
    state = tmp_path / "state.json"
    with serve_in_thread(EmulatorConfig(state_file=state)) as url:
        api = Api(url)
        service = api.new_service()
        api.new_product(service, price=10)
    data = json.loads(state.read_text("utf-8"))
    assert data["format"] == STATE_FORMAT
    records = data["products"] or next(
        line["changes"]["put"]["products"]
        for line in map(json.loads, state.with_name("state.json.log").read_text().splitlines())
        if "products" in line["changes"].get("put", {})
    )
    records[0]["price"] = 12.35  # a float, as json.dumps wrote it
    state.write_text(json.dumps({**data, "products": records}), "utf-8")
    state.with_name("state.json.log").write_text("", "utf-8")
    saved = read_state(state)
    assert saved is not None
    assert next(iter(saved.store.products.values()))["price"] == Decimal("12.35")


def _catalog(root: Path, *, prices: bool = True) -> Path:
    catalog = root / "catalog"
    catalog.mkdir(exist_ok=True)
    product: dict[str, Any] = {
        "name": "Big",
        "itemCode": "big",
        "type": "ProductBased",
        "price": BIG,
        "cost": BIGGER,
        "prices": {"SEK": {"price": BIG, "cost": "549755813888.0001"}},
        "addons": [{"name": "Huge", "itemCode": "huge", "price": "777777777777.7777"}],
    }
    if not prices:
        del product["prices"]
    content = {"services": [{"name": "Big", "categories": ["Storage"], "products": [product]}]}
    (catalog / "catalog.yaml").write_text(json.dumps(content), "utf-8")
    return catalog


def test_a_plan_converges_on_amounts_of_2_to_the_39_and_more(tmp_path: Path) -> None:
    emulator = InProcess("empty")

    async def run() -> None:
        async with emulator.client() as client:
            # The service first; SEK enabled on it as Cloudmore's UI does; then its prices.
            catalog = _catalog(tmp_path, prices=False)
            _, report = await plan_and_apply(client, emulator.settings, tmp_path / "j", catalog)
            assert report.ok
            [service] = emulator.app.state.emulator.store.services.values()
            emulator.enable_currency(service["id"], "SEK")
            catalog = _catalog(tmp_path)
            _, report = await plan_and_apply(client, emulator.settings, tmp_path / "j", catalog)
            assert report.ok
            again = await plan_with(client, emulator.settings, catalog)
            assert not again.changes, [
                (c.address, [(f.path, f.before, f.after) for f in c.field_changes])
                for c in again.changes
            ]

    asyncio.run(run())
    assert DEMO.seller_id  # the in-process emulator is the demo seller's
