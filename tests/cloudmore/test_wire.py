from __future__ import annotations

from decimal import Decimal

import pytest

from catalog_sync.cloudmore import wire
from catalog_sync.kinds.addon import AddonBody, AddonRead
from catalog_sync.kinds.service import ServiceBody, ServiceRead

GUID = "0b9f6c9e-3c52-4d7e-9a43-5b1f2f6f3a10"


def test_bodies_go_out_in_camel_case_with_money_as_json_numbers() -> None:
    body = AddonBody(
        name="Std", item_code="std", price=Decimal("12.40"), cost=Decimal("5"), price_per="Quantity"
    )
    data = wire.dump_body(body)
    assert data["itemCode"] == "std"
    assert data["pricePer"] == "Quantity"
    # Exact: the HTTP layer writes each Decimal as its JSON number literal (test_exact_json).
    assert data["price"] == Decimal("12.40")
    assert isinstance(data["price"], Decimal)
    assert data["hideFromPriceList"] is False
    assert "item_code" not in data


def test_service_body_leaves_out_status_unless_given() -> None:
    assert "status" not in wire.dump_body(ServiceBody(name="S"))
    assert wire.dump_body(ServiceBody(name="S", status="Active"))["status"] == "Active"


def test_responses_ignore_unknown_fields_and_read_money_as_exact_decimal() -> None:
    raw = b'[{"id": "a1", "name": "A", "itemCode": "a", "price": 0.1, "brandNewField": 1}]'
    (addon,) = wire.parse_list(AddonRead, wire.load_json(raw))
    assert addon.price == Decimal("0.1")
    assert isinstance(addon.price, Decimal)
    assert addon.item_code == "a"


def test_a_service_read_without_status_publish_or_currencies_has_none_of_them() -> None:
    # Unreadable, never a default (docs/contracts.md, "Unreadable fields").
    service = ServiceRead.model_validate({"id": "x", "name": "S"})
    assert (service.status, service.publish, service.currencies) == (None, None, None)


def test_modelstate_400_becomes_reasons_by_field_path() -> None:
    body = {"Name": ["The Name field is required."], "Contact.Phone": ["Bad phone."]}
    assert wire.validation_reasons(body) == {
        "Name": ["The Name field is required."],
        "Contact.Phone": ["Bad phone."],
    }


def test_problem_details_wrapper_is_unwrapped() -> None:
    body = {"title": "One or more validation errors occurred.", "errors": {"Name": ["Req."]}}
    assert wire.validation_reasons(body) == {"Name": ["Req."]}


def test_error_array_400_becomes_reasons_by_error_name() -> None:
    body = [
        {"errorCode": 5, "errorName": "InvalidValue", "errorMessage": "Invalid domain: x"},
        {"errorCode": 5, "errorName": "InvalidValue", "errorMessage": "Invalid domain: y"},
        {"errorCode": 3, "errorMessage": "exists"},
    ]
    assert wire.validation_reasons(body) == {
        "InvalidValue": ["Invalid domain: x", "Invalid domain: y"],
        "3": ["exists"],
    }


@pytest.mark.parametrize("body", [None, "text", {"a": {"nested": 1}}, [1, 2]])
def test_other_bodies_are_not_validation_reasons(body: object) -> None:
    assert wire.validation_reasons(body) is None


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (f"https://api.cloudmore.com/api/sellers/s/services/{GUID.upper()}", GUID),
        (f"/api/sellers/s/services/{GUID}/", GUID),
        (f"/api/x/{GUID}?x=1", GUID),
        ("/api/sellers/s/services", None),
        ("/api/sellers/s/services/created", None),
        ("/api/sellers/s/services/abc-12", None),
        ("", None),
        (None, None),
    ],
)
def test_new_id_from_location(location: str | None, expected: str | None) -> None:
    assert wire.id_from_location(location) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (f'{{"id": "{GUID.upper()}"}}'.encode(), GUID),
        (f'"{GUID}"'.encode(), GUID),
        (b'{"id": "created"}', None),
        (b"", None),
        (b"not json", None),
    ],
)
def test_new_id_from_body(content: bytes, expected: str | None) -> None:
    assert wire.id_from_body(content) == expected


def test_token_response_repr_hides_the_token() -> None:
    token = wire.TokenResponse(access_token="very-secret-token", expires_in=10)
    assert "very-secret-token" not in repr(token)


def test_a_body_nested_too_deeply_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="nested too deeply"):
        wire.load_json(b"[" * 100_000 + b"]" * 100_000)
