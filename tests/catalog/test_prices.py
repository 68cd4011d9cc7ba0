"""``prices`` on products and addons: currency codes and amounts, checked at their position."""

from decimal import Decimal
from pathlib import Path

import pytest

from catalog_sync.catalog import load_catalog
from catalog_sync.diagnostics import Diagnostic
from catalog_sync.errors import CatalogError
from tests.catalog.files import SERVICE, write_catalog

PRICED = SERVICE.replace(
    "        type: ProductBased\n",
    '        type: ProductBased\n        prices:\n          SEK: {price: "110", cost: "55"}\n',
).replace(
    "            pricePer: Quantity\n",
    "            pricePer: Quantity\n            prices:\n"
    '              CURRENCY: {recommendedPrice: "130"}\n',
)


def _problems(tmp_path: Path, text: str) -> list[Diagnostic]:
    write_catalog(tmp_path, {"a.yaml": text})
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    return list(caught.value.diagnostics)


def test_prices_load_exactly_with_what_was_given(tmp_path: Path) -> None:
    write_catalog(tmp_path, {"a.yaml": PRICED.replace("CURRENCY", "EUR")})
    product = load_catalog(tmp_path).catalog.services[0].products[0]
    sek = product.prices["SEK"]
    assert (sek.price, sek.cost, sek.recommended_price) == (Decimal("110"), Decimal("55"), None)
    assert sek.model_fields_set == {"price", "cost"}
    assert product.addons[0].prices["EUR"].recommended_price == Decimal("130")
    assert hash(product) == hash(product.model_copy())


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("SEKX", "prices: 'SEKX' is not an ISO 4217 currency code"),
        ("eur", "prices: 'eur' is not an ISO 4217 currency code (codes are upper case)"),
        ("XTS", "prices: 'XTS' is not an ISO 4217 currency code"),
    ],
)
def test_a_currency_code_that_is_not_iso_4217_fails_at_its_line(
    tmp_path: Path, code: str, message: str
) -> None:
    [found] = _problems(tmp_path, PRICED.replace("CURRENCY", code))
    assert found.code == "CS213"
    assert found.message == message
    # The key's own position: line 15 is "CODE: {recommendedPrice: ...}" under the addon.
    assert (Path(found.file).name, found.line, found.column) == ("a.yaml", 15, 15)


def test_an_amount_with_more_than_4_decimals_fails_at_its_value(tmp_path: Path) -> None:
    [found] = _problems(tmp_path, PRICED.replace("CURRENCY", "EUR").replace('"130"', '"1.23456"'))
    assert found.code == "CS206"
    assert (found.line, found.column) == (15, 39)


@pytest.mark.parametrize(
    ("written", "message", "column"),
    [
        ('"\u0661\u0662"', "'\u0661\u0662' is not an amount: write it with the digits 0-9", 39),
        ('"\uff11\uff12"', "'\uff11\uff12' is not an amount: write it with the digits 0-9", 39),
        ("\u0661\u0662.\u0665", "'\u0661\u0662.\u0665' is not an amount: write it with", 39),
        (
            "0x10",
            'recommendedPrice: 0x10 is not an amount: write it in decimal digits, such as "16"',
            39,
        ),
        ("0o17", "recommendedPrice: 0o17 is not an amount: write it in decimal digits", 39),
    ],
    ids=["arabic-indic digits", "fullwidth digits", "unquoted arabic-indic", "hex", "octal"],
)
def test_an_amount_in_other_digits_or_another_base_fails_at_its_value(
    tmp_path: Path, written: str, message: str, column: int
) -> None:
    """A number parser reads "١٢" and "１２" as 12, and YAML reads 0x10 as 16: a reviewer may
    not, so amounts are written in the digits 0-9 (issue 24, item 18)."""
    text = PRICED.replace("CURRENCY", "EUR").replace('"130"', written)
    [found] = _problems(tmp_path, text)
    assert found.code == "CS206"
    assert message in found.message
    assert (found.line, found.column) == (15, column)


def test_an_amount_in_another_base_is_refused_as_a_products_own_price(tmp_path: Path) -> None:
    text = SERVICE.replace(
        "        type: ProductBased\n", "        type: ProductBased\n        price: 0x10\n"
    )
    [found] = _problems(tmp_path, text)
    assert found.code == "CS206"
    assert found.message == 'price: 0x10 is not an amount: write it in decimal digits, such as "16"'


def test_an_unknown_amount_field_is_refused(tmp_path: Path) -> None:
    [found] = _problems(tmp_path, PRICED.replace("CURRENCY", "EUR").replace("cost:", "cots:"))
    assert found.code == "CS202"
    assert "'cots'" in found.message


def test_a_priced_product_cannot_have_a_slash_in_its_item_code(tmp_path: Path) -> None:
    [found] = _problems(tmp_path, PRICED.replace("CURRENCY", "EUR").replace(": pa\n", ": p/a\n"))
    assert found.code == "CS326"
    assert (found.line, found.column) == (6, 19)
    assert "'p/a' contains '/'" in found.message
    # Without prices the same itemCode is fine.
    write_catalog(tmp_path, {"a.yaml": SERVICE.replace(": pa\n", ": p/a\n")})
    assert load_catalog(tmp_path).catalog.services[0].products[0].item_code == "p/a"
