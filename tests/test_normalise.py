from decimal import Decimal

import pytest

from catalog_sync.graph import FieldValue, Kind
from catalog_sync.kinds import field_spec
from catalog_sync.normalise import format_money


def normalise(kind: Kind, name: str, value: object) -> FieldValue:
    return field_spec(kind, name).to_graph(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("12"), "12.0000"),
        (Decimal("12.00"), "12.0000"),
        (12, "12.0000"),
        (12.1, "12.1000"),
        ("0.0450", "0.0450"),
        (Decimal("0.00005"), "0.0000"),  # half-even at the API's 4 places
        (Decimal("0.00015"), "0.0002"),
        (Decimal("-0"), "0.0000"),  # the API stores -0 as 0
        ("-0.00001", "0.0000"),
    ],
)
def test_money_compares_at_four_places(value: object, expected: str) -> None:
    assert normalise(Kind.ADDON, "price", value) == expected


def test_money_rejects_what_is_not_an_amount() -> None:
    with pytest.raises(ValueError, match="amount"):
        normalise(Kind.ADDON, "price", True)
    with pytest.raises(ValueError, match="amount"):
        normalise(Kind.ADDON, "price", "ten")


def test_optional_text_treats_empty_as_null() -> None:
    assert normalise(Kind.SERVICE, "description", "") is None
    assert normalise(Kind.SERVICE, "description", "x") == "x"


def test_sets_are_sorted_and_deduplicated_and_countries_upper_case() -> None:
    assert normalise(Kind.SERVICE, "categories", ["b", "a", "b"]) == ("a", "b")
    assert normalise(Kind.PUBLISH, "countries", ["se", "EE"]) == ("EE", "SE")
    assert normalise(Kind.PUBLISH, "regions", None) == ()


def test_wrong_types_are_refused_not_coerced() -> None:
    with pytest.raises(ValueError, match="whole number"):
        normalise(Kind.PRODUCT, "minQuantity", True)
    with pytest.raises(ValueError, match="true or false"):
        normalise(Kind.ADDON, "enableGrouping", "yes")
    with pytest.raises(ValueError, match="list"):
        normalise(Kind.SERVICE, "categories", "Productivity")


@pytest.mark.parametrize(
    ("value", "shown"),
    [("12.0000", "12.00"), ("0.0450", "0.045"), ("1.5000", "1.50"), (None, "null")],
)
def test_money_display(value: str | None, shown: str) -> None:
    assert format_money(value) == shown
