"""Price rows from graph resources, through the registry's ``price_cell`` (docs/policies.md).

A row is keyed by (item, currency). A product's own money fields are its row of the default
currency; a kind holding prices of other objects (a per-currency price list) maps each of its
fields to the item and currency it prices, so rows never depend on which kind holds them.
"""

from __future__ import annotations

from collections.abc import Iterable

from catalog_sync.graph import Address, Fields
from catalog_sync.kinds import KINDS, PriceCell
from catalog_sync.pricing.model import PriceRow

__all__ = ["PendingPrice", "RowKey", "cell_of", "price_rows"]

RowKey = tuple[Address, str | None]
PendingPrice = tuple[Address, str | None, str, str | None, str | None]
"""One money field's change: item, currency, field, before and after."""


def cell_of(address: Address, name: str) -> PriceCell | None:
    """The price cell a field of the object at ``address`` is, or None."""
    return KINDS[address.kind].price_cell(address, name)


def price_rows(objects: Iterable[tuple[Address, Fields]]) -> dict[RowKey, PriceRow]:
    """Every row the objects' money fields make, by (item, currency)."""
    values: dict[RowKey, dict[str, str | None]] = {}
    floors: set[RowKey] = set()
    for address, fields in objects:
        spec = KINDS[address.kind]
        price_cell = spec.price_cell
        for name, value in fields.items():
            cell = price_cell(address, name)
            if cell is None:
                continue
            row = values.setdefault((cell.item, cell.currency), {})
            if spec.price_floor:
                floors.add((cell.item, cell.currency))
            # By the field's catalog name, which is its alias in PriceRow.
            row[cell.field] = value if isinstance(value, str) else None
    return {
        key: PriceRow(item=key[0], currency=key[1], floor=key in floors, **row)
        for key, row in values.items()
    }
