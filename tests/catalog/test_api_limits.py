"""What the API cannot store is refused when the catalog is read, not in the middle of apply."""

from pathlib import Path

import pytest

from catalog_sync.catalog import load_catalog
from catalog_sync.errors import CatalogError

SERVICE = """\
services:
  - name: {name}
    categories: [Security]
    products:
      - name: P
        itemCode: p
        type: ProductBased
        maxQuantity: {quantity}
        price: {price}
"""


def _problems(tmp_path: Path, **values: str) -> list[str]:
    fields = {"name": "S", "quantity": "1", "price": '"1.00"', **values}
    (tmp_path / "catalog.yaml").write_text(SERVICE.format(**fields), encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(tmp_path)
    return [f"{d.line} {d.code} {d.message}" for d in raised.value.diagnostics]


def test_a_blank_name_is_refused(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, name='"   "')
    assert problem.startswith("2 ")
    assert "cannot be blank" in problem


def test_a_lone_surrogate_is_refused(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text(
        SERVICE.format(name="S", quantity="1", price="1") + '    description: "A\\ud800"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as raised:
        load_catalog(tmp_path)
    (problem,) = raised.value.diagnostics
    assert problem.line == 10
    assert "not a character" in problem.message


def test_a_quantity_beyond_32_bits_is_refused(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, quantity="2147483648")
    assert problem.startswith("8 CS205")


@pytest.mark.parametrize("price", ['"1000000000000"', '"1e30"'])
def test_an_amount_the_api_cannot_store_is_refused(tmp_path: Path, price: str) -> None:
    (problem,) = _problems(tmp_path, price=price)
    assert problem.startswith("9 CS206")
    assert "is too large: the API stores amounts below 1,000,000,000,000" in problem
