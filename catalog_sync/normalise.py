"""Normalisation: the one place that decides how each managed field is compared.

Both adapters pass every value through its field's spec (:mod:`catalog_sync.kinds`), which
applies :func:`normalise_value`, so the two sides agree by construction. The rules, per type:

- money: ``Decimal`` quantised to the API's 4 decimal places, kept as its canonical string
  (``"12.0000"``) so a plan file round-trips exactly; ``None`` stays ``None``.
- text: as the API stores it, except that an empty string and ``null`` are the same value
  for optional text (the API has no way to tell them apart in its UI).
- sets (categories, regions, countries, brokers): sorted, duplicates removed, as a tuple.
- booleans, integers, enums: as they are.

Which type each field has, and its default when the files leave it out, is in the field's
spec in :mod:`catalog_sync.kinds`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from catalog_sync.graph import FieldValue

__all__ = [
    "MONEY_PLACES",
    "MONEY_QUANTUM",
    "FieldType",
    "format_money",
    "normalise_value",
]

MONEY_PLACES = 4
"""Decimal places the API stores (assumed, see docs/contracts.md)."""
MONEY_QUANTUM = Decimal(1).scaleb(-MONEY_PLACES)


class FieldType(enum.Enum):
    TEXT = "text"
    MONEY = "money"
    BOOL = "bool"
    INT = "int"
    ENUM = "enum"
    SET = "set"


def normalise_value(field_type: FieldType, name: str, value: object) -> FieldValue:
    """Normalise one value; raises ValueError for a value of the wrong type (a bad API
    response or an adapter bug, never silently coerced)."""
    if value is None:
        return () if field_type is FieldType.SET else None
    if field_type is FieldType.MONEY:
        return _money(value)
    if field_type is FieldType.TEXT:
        if not isinstance(value, str):
            raise ValueError(f"{name}: expected text, got {type(value).__name__}")
        return value or None
    if field_type is FieldType.SET:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ValueError(f"{name}: expected a list, got {type(value).__name__}")
        return tuple(sorted({str(item) for item in value}))
    if field_type is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"{name}: expected true or false, got {value!r}")
        return value
    if field_type is FieldType.INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name}: expected a whole number, got {value!r}")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{name}: expected one of the allowed names, got {value!r}")
    return value


def _money(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValueError(f"expected an amount, got {value!r}")
    try:
        # A float arrives only from JSON parsed without Decimal; str() keeps its shortest repr.
        amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        amount = amount.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_EVEN)
        # The API stores -0 as 0; keeping the sign would plan the same change forever.
        return str(abs(amount) if amount.is_zero() else amount)
    except (InvalidOperation, ValueError) as error:
        raise ValueError(f"expected an amount, got {value!r}") from error


def format_money(value: FieldValue) -> str:
    """Show a normalised amount with at least 2 decimals: ``"12.0000"`` -> ``"12.00"``."""
    if not isinstance(value, str):
        return "null" if value is None else str(value)
    amount = Decimal(value).normalize()
    _sign, _digits, exponent = amount.as_tuple()
    places = max(2, -exponent if isinstance(exponent, int) else 0)
    return f"{amount:.{places}f}"
