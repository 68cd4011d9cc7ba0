"""The price-list endpoints (shapes assumed beyond ``itemId``, docs/contracts.md "Price
lists"), over a socket."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalog_sync.emulator import EmulatorConfig, create_app
from catalog_sync.emulator.store import STATE_FORMAT
from tests.emulator.conftest import SELLER, Api


def _priced(api: Api, admin: httpx.Client, *currencies: str) -> tuple[str, str, str]:
    """A service with a product and an addon under it, ``currencies`` enabled: their ids."""
    service_id = api.new_service("Priced")
    product_id = api.new_product(service_id, "p")
    addon_id = api.create(
        f"{SELLER}/services/{service_id}/products/{product_id}/addons",
        {"name": "A", "itemCode": "a", "pricePer": "Quantity"},
    )
    for code in currencies:
        admin.put(f"/_emulator/services/{service_id}/currencies/{code}").raise_for_status()
    return service_id, product_id, addon_id


def _path(service_id: str, currency: str | None = None) -> str:
    query = "" if currency is None else f"?currencyCode={currency}"
    return f"{SELLER}/services/{service_id}/pricelist{query}"


def _body(product_id: str, addon_id: str, currency: str = "SEK") -> dict[str, Any]:
    return {
        "currencyCode": currency,
        "products": [
            {
                "itemId": product_id,
                "price": {"price": 110, "cost": 55, "recommendedPrice": 130},
                "addons": [
                    {"itemId": addon_id, "price": {"price": 20.5, "cost": 10.12345}},
                ],
            }
        ],
    }


def _currencies(api: Api, service_id: str) -> list[str]:
    found: list[str] = api.get_json(f"{SELLER}/services/{service_id}")["currencies"]
    return found


def test_a_put_in_an_enabled_currency_and_the_get_answers_every_item(
    api: Api, admin: httpx.Client
) -> None:
    service_id, product_id, addon_id = _priced(api, admin)
    assert _currencies(api, service_id) == []
    assert api.http.get(_path(service_id, "SEK")).status_code == 404
    admin.put(f"/_emulator/services/{service_id}/currencies/SEK").raise_for_status()
    assert _currencies(api, service_id) == ["SEK"]

    response = api.http.put(_path(service_id), json=_body(product_id, addon_id))

    assert response.status_code == 204, response.text
    assert api.get_json(_path(service_id, "SEK")) == {
        "currencyCode": "SEK",
        "products": [
            {
                "productId": product_id,
                "itemCode": "p",
                "price": {"price": 110, "cost": 55, "recommendedPrice": 130},
                "addons": [
                    {
                        "addonId": addon_id,
                        "itemCode": "a",
                        # Stored at 4 decimal places, as every amount; one left out is cleared.
                        "price": {"price": 20.5, "cost": 10.1235, "recommendedPrice": None},
                    }
                ],
            }
        ],
    }


def test_a_put_in_a_currency_not_enabled_is_refused_and_enables_nothing(
    api: Api, admin: httpx.Client
) -> None:
    service_id, product_id, addon_id = _priced(api, admin, "SEK")
    response = api.http.put(_path(service_id), json=_body(product_id, addon_id, "NOK"))
    assert response.status_code == 400
    [error] = response.json()
    assert error["errorCode"] == 5
    assert error["errorMessage"] == f"Currency NOK is not enabled on service {service_id}."
    assert _currencies(api, service_id) == ["SEK"]
    assert api.http.get(_path(service_id, "NOK")).status_code == 404


def test_a_put_in_the_old_shape_is_a_400_never_a_silent_204(api: Api, admin: httpx.Client) -> None:
    service_id, product_id, addon_id = _priced(api, admin, "SEK")
    old = {
        "currencyCode": "SEK",
        "products": [
            {
                "productId": product_id,
                "price": {"price": 1},
                "addons": [{"addonId": addon_id, "price": {"price": 2}}],
            }
        ],
    }
    # The query parameter alone, and the nested productId/addonId alone, are each refused.
    with_query = api.http.put(_path(service_id, "SEK"), json=_body(product_id, addon_id))
    assert with_query.status_code == 400
    response = api.http.put(_path(service_id), json=old)
    assert response.status_code == 400
    assert sorted(response.json()) == [
        "Products[0].Addons[0].AddonId",
        "Products[0].Addons[0].ItemId",
        "Products[0].ItemId",
        "Products[0].ProductId",
    ]
    assert api.get_json(_path(service_id, "SEK"))["products"][0]["price"]["price"] is None


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"products": [{"price": {"price": 1}}]}, "Products[0].ItemId"),
        ({"products": [{"itemId": "p", "price": {"price": 1}}]}, "Products[0].ItemId"),
        ({"products": [{"itemId": "{p}", "price": {"amount": 1}}]}, "Products[0].Price.Amount"),
        ({"products": [{"itemId": "{p}"}], "extra": 1}, "Extra"),
        ({"products": []}, "CurrencyCode"),
    ],
)
def test_a_body_it_cannot_bind_is_a_400(
    api: Api, admin: httpx.Client, body: dict[str, Any], key: str
) -> None:
    service_id, product_id, _ = _priced(api, admin, "SEK")
    data = json.loads(json.dumps(body).replace("{p}", product_id))
    if key != "CurrencyCode":
        data["currencyCode"] = "SEK"
    response = api.http.put(_path(service_id), json=data)
    assert response.status_code == 400
    assert key in response.json()


def test_a_product_without_a_price_keeps_its_amounts_while_its_addons_change(
    api: Api, admin: httpx.Client
) -> None:
    service_id, product_id, addon_id = _priced(api, admin, "SEK")
    api.http.put(_path(service_id), json=_body(product_id, addon_id)).raise_for_status()
    only_addon = {
        "currencyCode": "SEK",
        "products": [
            {"itemId": product_id, "addons": [{"itemId": addon_id, "price": {"price": 1}}]}
        ],
    }
    assert api.http.put(_path(service_id), json=only_addon).status_code == 204
    product = api.get_json(_path(service_id, "SEK"))["products"][0]
    assert product["price"] == {"price": 110, "cost": 55, "recommendedPrice": 130}
    assert product["addons"][0]["price"] == {"price": 1, "cost": None, "recommendedPrice": None}


def test_currencies_are_kept_apart(api: Api, admin: httpx.Client) -> None:
    service_id, product_id, addon_id = _priced(api, admin, "SEK", "EUR")
    api.http.put(_path(service_id), json=_body(product_id, addon_id)).raise_for_status()
    eur = {"currencyCode": "EUR", "products": [{"itemId": product_id, "price": {"price": 9}}]}
    api.http.put(_path(service_id), json=eur).raise_for_status()
    assert _currencies(api, service_id) == ["SEK", "EUR"]
    assert api.get_json(_path(service_id, "EUR"))["products"][0]["price"]["price"] == 9
    assert api.get_json(_path(service_id, "SEK"))["products"][0]["price"]["price"] == 110


@pytest.mark.parametrize("currency", ["sek", "SEKX", "XXX", None])
def test_a_currency_code_that_is_not_iso_4217_is_refused(
    api: Api, admin: httpx.Client, currency: str | None
) -> None:
    service_id, product_id, addon_id = _priced(api, admin)
    body = _body(product_id, addon_id)
    body["currencyCode"] = currency
    for response in (
        api.http.get(_path(service_id, currency) if currency else _path(service_id)),
        api.http.put(_path(service_id), json=body),
        admin.put(f"/_emulator/services/{service_id}/currencies/{currency}"),
    ):
        assert response.status_code == 400
        assert list(response.json()) == ["CurrencyCode"]
    assert _currencies(api, service_id) == []


@pytest.mark.parametrize("amount", [-1, "12", True, 1e13])
def test_amounts_follow_the_money_rules(api: Api, admin: httpx.Client, amount: object) -> None:
    service_id, product_id, _ = _priced(api, admin, "SEK")
    body = {"currencyCode": "SEK", "products": [{"itemId": product_id, "price": {"price": amount}}]}
    response = api.http.put(_path(service_id), json=body)
    assert response.status_code == 400
    assert list(response.json()) == ["Products[0].Price.Price"]


def test_an_item_of_another_service_is_refused_and_nothing_changes(
    api: Api, admin: httpx.Client
) -> None:
    service_id, product_id, addon_id = _priced(api, admin, "SEK")
    other_service = api.new_service("Other")
    other_product = api.new_product(other_service, "o")
    body = _body(product_id, addon_id)
    body["products"].append({"itemId": other_product, "price": {"price": 1}})

    response = api.http.put(_path(service_id), json=body)

    assert response.status_code == 400
    [error] = response.json()
    assert error["errorCode"] == 2
    assert error["errorMessage"] == (
        f"Product {other_product} does not belong to service {service_id}."
    )
    assert api.get_json(_path(service_id, "SEK"))["products"][0]["price"]["price"] is None


def test_an_addon_of_another_product_is_refused(api: Api, admin: httpx.Client) -> None:
    service_id, product_id, _ = _priced(api, admin, "SEK")
    other_product = api.new_product(service_id, "o")
    other_addon = api.create(
        f"{SELLER}/services/{service_id}/products/{other_product}/addons",
        {"name": "B", "itemCode": "b", "pricePer": "Quantity"},
    )
    response = api.http.put(_path(service_id), json=_body(product_id, other_addon))
    assert response.status_code == 400
    assert f"Addon {other_addon} does not belong to product {product_id}" in response.text


def test_price_list_requests_are_in_the_request_log(api: Api, admin: httpx.Client) -> None:
    service_id, product_id, addon_id = _priced(api, admin, "SEK")
    admin.delete("/_emulator/requests").raise_for_status()
    api.http.put(_path(service_id), json=_body(product_id, addon_id)).raise_for_status()
    api.get_json(_path(service_id, "SEK"))
    entries = admin.get("/_emulator/requests").json()
    logged = [(e["method"], e["path"], e["status"]) for e in entries]
    path = _path(service_id)
    assert logged == [("PUT", path, 204), ("GET", path, 200)]


def test_a_format_2_state_file_is_read_as_one_without_price_lists(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    create_app(EmulatorConfig(seed="demo", state_file=state))
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["format"] == STATE_FORMAT == 4
    for service in saved["services"]:
        del service["currencies"]
    del saved["commit"]
    state.write_text(json.dumps({**saved, "format": 2}), encoding="utf-8")

    store = create_app(EmulatorConfig(seed="demo", state_file=state)).state.emulator.store

    assert store.services
    assert all(service["currencies"] == [] for service in store.services.values())
    # Saved again at once, in the current format.
    assert store.to_json()["format"] == 4
    assert json.loads(state.read_text(encoding="utf-8"))["format"] == 4
