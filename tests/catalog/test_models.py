from decimal import Decimal

import pytest
from pydantic import ValidationError

from catalog_sync.catalog import UNKNOWN_LOCATION, Addon, Catalog, Product, Service
from catalog_sync.catalog.sourced import ORIGIN_KEY, Origin
from catalog_sync.diagnostics import SourceLocation


def _addon(**fields: object) -> Addon:
    return Addon.model_validate({"name": "A", "itemCode": "a", **fields}, by_name=False)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("12.00", "12.00"),
        (" 0.0450 ", "0.0450"),
        (7, "7"),
        (Decimal("1.2340"), "1.2340"),
        ("1.23450", "1.23450"),  # trailing zero: still exact at 4 places
    ],
)
def test_money_is_an_exact_decimal(given: object, expected: str) -> None:
    price = _addon(price=given).price
    assert isinstance(price, Decimal)
    assert str(price) == expected


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        (1.5, "expected an amount"),
        (True, "expected an amount"),
        ("1.23456", "more than 4 decimal places"),
        ("abc", "not an amount"),
        (Decimal("NaN"), "finite"),
        ("-1", "greater than or equal to 0"),
    ],
)
def test_money_rejects_floats_and_imprecise_amounts(given: object, fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        _addon(price=given)


def test_scalars_are_strict() -> None:
    with pytest.raises(ValidationError) as caught:
        _addon(enableGrouping="yes", name=5)
    assert {e["type"] for e in caught.value.errors()} == {"bool_type", "string_type"}


def test_subscription_months_must_be_one_of_the_allowed_periods() -> None:
    base = {"name": "P", "itemCode": "p", "type": "Metered"}
    assert (
        Product.model_validate({**base, "subscriptionPeriodMonths": 36}).subscription_period_months
        == 36
    )
    for bad in (13, True, "12"):
        with pytest.raises(ValidationError):
            Product.model_validate({**base, "subscriptionPeriodMonths": bad})


def test_yaml_names_are_camel_case_and_attributes_snake_case() -> None:
    addon = _addon(pricePer="Metered", hideFromPriceList=True)
    assert addon.price_per == "Metered"
    assert addon.hide_from_price_list is True
    with pytest.raises(ValidationError, match="item_code"):
        Addon.model_validate({"name": "A", "item_code": "a"}, by_name=False)
    assert Addon(name="A", item_code="a").item_code == "a"  # Python callers use attributes


def test_models_are_frozen_and_forbid_unknown_fields() -> None:
    addon = _addon()
    with pytest.raises(ValidationError):
        addon.name = "B"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        _addon(colour="red")


def test_source_and_field_source_come_from_the_origin() -> None:
    origin = Origin(SourceLocation("f.yaml", 3, 5), {"price": SourceLocation("f.yaml", 4, 12)})
    addon = Addon.model_validate({ORIGIN_KEY: origin, "name": "A", "itemCode": "a", "price": "1"})
    assert addon.source == SourceLocation("f.yaml", 3, 5)
    assert addon.field_source("price") == SourceLocation("f.yaml", 4, 12)
    assert addon.field_source("recommended_price") == addon.source  # not in the file
    assert addon.field_source("recommendedPrice") == addon.source


def test_models_built_in_code_have_the_unknown_location() -> None:
    service = Service(name="S", categories=("Security",))
    assert service.source == UNKNOWN_LOCATION
    assert service.field_source("name") == UNKNOWN_LOCATION


def test_equality_and_hash_ignore_positions() -> None:
    origin = Origin(SourceLocation("f.yaml", 3, 5), {})
    located = Addon.model_validate({ORIGIN_KEY: origin, "name": "A", "itemCode": "a"})
    built = Addon(name="A", item_code="a")
    assert located == built
    assert hash(located) == hash(built)
    assert located != Addon(name="B", item_code="a")


def test_catalog_defaults() -> None:
    catalog = Catalog()
    assert catalog.settings.prune is False
    assert catalog.settings.thresholds.max_delete_percent == 30
    assert catalog.services == ()
