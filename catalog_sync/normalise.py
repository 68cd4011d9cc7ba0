"""Normalisation: the one place that decides how each managed field is compared.

Both adapters pass every value through :func:`normalise`, so the two sides agree by
construction. The rules, per field type:

- money: ``Decimal`` quantised to the API's 4 decimal places, kept as its canonical string
  (``"12.0000"``) so a plan file round-trips exactly; ``None`` stays ``None``.
- text: as the API stores it, except that an empty string and ``null`` are the same value
  for optional text (the API has no way to tell them apart in its UI).
- sets (categories, regions, countries, brokers): sorted, duplicates removed, as a tuple.
- booleans, integers, enums: as they are.

A field the files leave out is "don't care" unless its spec has a ``default``: booleans
default to ``false`` (the API's create default), so leaving one out means "off" and a re-plan
after create is empty. Everything else left out is not compared.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from catalog_sync.graph import FieldValue, Kind

__all__ = [
    "FIELD_SPECS",
    "MONEY_QUANTUM",
    "FieldSpec",
    "FieldType",
    "format_money",
    "normalise",
    "spec_for",
]

MONEY_QUANTUM = Decimal("0.0001")


class FieldType(enum.Enum):
    TEXT = "text"
    MONEY = "money"
    BOOL = "bool"
    INT = "int"
    ENUM = "enum"
    SET = "set"


_NO_DEFAULT = object()


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A managed field: its name in the graph (the YAML key, dotted when nested), its type,
    and the value assumed when the files leave it out (``has_default`` False: don't care)."""

    name: str
    type: FieldType
    default: FieldValue = None
    has_default: bool = False


def _spec(name: str, type_: FieldType, default: object = _NO_DEFAULT) -> FieldSpec:
    if default is _NO_DEFAULT:
        return FieldSpec(name, type_)
    assert default is None or isinstance(default, str | int | bool | tuple)
    return FieldSpec(name, type_, default, has_default=True)


T, M, B, N, E, S = (
    FieldType.TEXT,
    FieldType.MONEY,
    FieldType.BOOL,
    FieldType.INT,
    FieldType.ENUM,
    FieldType.SET,
)

FIELD_SPECS: dict[Kind, tuple[FieldSpec, ...]] = {
    Kind.SERVICE: (
        _spec("name", T),
        _spec("vendorName", T),
        _spec("description", T),
        _spec("categories", S),
        _spec("allowMultipleUsers", B, False),
        _spec("provisioningType", E),
    ),
    Kind.PRODUCT: (
        _spec("name", T),
        _spec("itemCode", T),
        _spec("type", E),
        _spec("description", T),
        _spec("subscriptionPeriodMonths", N),
        _spec("billingFrequencyMonths", N),
        _spec("price", M),
        _spec("cost", M),
        _spec("recommendedPrice", M),
        _spec("minQuantity", N),
        _spec("maxQuantity", N),
        _spec("emailTemplate", T),
    ),
    Kind.ADDON: (
        _spec("name", T),
        _spec("itemCode", T),
        _spec("enableGrouping", B, False),
        _spec("groupName", T),
        _spec("price", M),
        _spec("cost", M),
        _spec("recommendedPrice", M),
        _spec("pricePer", E),
        _spec("hideFromSubscriptionView", B, False),
        _spec("hideFromPriceList", B, False),
    ),
    # Publish is always fully specified: a mode's unused lists are empty, not "don't care".
    Kind.PUBLISH: (
        _spec("to", E, "none"),
        _spec("regions", S, ()),
        _spec("countries", S, ()),
        _spec("brokers", S, ()),
    ),
    Kind.BROKER: (
        _spec("name", T),
        _spec("registrationNumber", T),
        _spec("vat", T),
        _spec("domain", T),
        _spec("notificationEmail", T),
        _spec("supportEmail", T),
        _spec("contact.name", T),
        _spec("contact.jobTitle", T),
        _spec("contact.email", T),
        _spec("contact.phonePrefix", T),
        _spec("contact.phone", T),
        _spec("contact.cellPhonePrefix", T),
        _spec("contact.cellPhone", T),
        _spec("address.address", T),
        _spec("address.postalCode", T),
        _spec("address.city", T),
        _spec("address.countryCode", T),
        _spec("invoiceContact.name", T),
        _spec("invoiceContact.email", T),
        _spec("invoiceContact.phonePrefix", T),
        _spec("invoiceContact.phone", T),
        # Custom property values as "id=value" strings: a set a reviewer can read.
        _spec("customProperties", S),
        _spec("allowCmpAccess", B, False),
    ),
}

_SPECS_BY_NAME = {kind: {s.name: s for s in specs} for kind, specs in FIELD_SPECS.items()}


def spec_for(kind: Kind, name: str) -> FieldSpec:
    return _SPECS_BY_NAME[kind][name]


def normalise(kind: Kind, name: str, value: object) -> FieldValue:
    """Normalise one value of a managed field; raises ValueError for a value of the wrong
    type (a bad API response or an adapter bug, never silently coerced)."""
    field_type = spec_for(kind, name).type
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
        items = [str(item) for item in value]
        if name == "countries":
            items = [item.upper() for item in items]
        return tuple(sorted(set(items)))
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
