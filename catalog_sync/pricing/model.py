"""Pricing data carried by a plan: change classes, price rows and policy details.

Money values are the graph's normalised decimal strings (``"12.5000"``), so they compare and
serialise exactly; ``None`` is a field nobody set.
"""

from __future__ import annotations

import enum
from decimal import Decimal

from pydantic import Field, model_validator

from catalog_sync.graph import Address
from catalog_sync.immutable import Immutable
from catalog_sync.kinds import PRICE_FIELDS

__all__ = [
    "ChangeClass",
    "PolicyDetail",
    "PriceChange",
    "PriceRow",
    "RepricedRow",
    "change_percent",
]


class ChangeClass(enum.StrEnum):
    """What kind of change a planned change is, to a reviewer (docs/policies.md)."""

    PRICE_INCREASE = "price-increase"
    PRICE_DECREASE = "price-decrease"
    COST_CHANGE = "cost-change"
    NEW_SKU = "new-sku"
    NEW_PRICE_LIST = "new-price-list"
    RETIRE = "retire"
    PUBLISH_CHANGE = "publish-change"
    CONTENT = "content"


def change_percent(before: str | None, after: str | None) -> Decimal | None:
    """The relative change in percent, when both amounts are set and ``before`` is not zero."""
    if before is None or after is None or Decimal(before) == 0:
        return None
    return (Decimal(after) - Decimal(before)) / Decimal(before) * 100


class PriceRow(Immutable):
    """The money fields of one item (product or addon) in one currency."""

    item: Address
    currency: str | None = Field(
        default=None,
        description="ISO 4217 code; null: the item's own fields, in the base currency "
        "(settings.currency).",
    )
    price: str | None = None
    cost: str | None = None
    recommended_price: str | None = None
    floor: bool = Field(
        default=False,
        exclude=True,
        description="The cost is a price this row must never be under, whatever the policies "
        "(a customer's price against the broker's cost): below it is a belowCost finding.",
    )

    def value(self, field: str) -> str | None:
        """A field by its catalog name: price, cost or recommendedPrice."""
        return {"price": self.price, "cost": self.cost, "recommendedPrice": self.recommended_price}[
            field
        ]

    @property
    def margin(self) -> Decimal | None:
        """(price - cost) / price in percent, when both are set and the price is not zero."""
        if self.price is None or self.cost is None or Decimal(self.price) == 0:
            return None
        return (Decimal(self.price) - Decimal(self.cost)) / Decimal(self.price) * 100


class PriceChange(Immutable):
    """One money field of one item and currency that a plan changes."""

    service: Address
    item: Address
    currency: str | None
    field: str
    before: str | None
    after: str | None

    @property
    def percent(self) -> Decimal | None:
        return change_percent(self.before, self.after)


class RepricedRow(Immutable):
    """A price row the plan changes: as read live and as it will be after apply."""

    before: PriceRow | None = Field(description="The row as read; null for a new item.")
    after: PriceRow | None = Field(
        description="The row after apply; null for an item the plan deletes or retires (its "
        "last prices are the before)."
    )
    name: str | None = Field(
        default=None,
        description="The item's name: as it will be, or as read for a retired item.",
    )
    pending: tuple[str, ...] = Field(
        default=(),
        description="With --baseline: the fields whose change (before and after) was already "
        "pending against the base catalog, so the pull request did not introduce it.",
    )

    @model_validator(mode="after")
    def _one_side(self) -> RepricedRow:
        if self.before is None and self.after is None:
            raise ValueError("a repriced row has a before, an after or both")
        return self

    @property
    def row(self) -> PriceRow:
        """The row as it will be, or as it was for a retired item."""
        found = self.after or self.before
        assert found is not None
        return found

    @property
    def item(self) -> Address:
        return self.row.item

    @property
    def currency(self) -> str | None:
        return self.row.currency

    @property
    def service(self) -> Address:
        return self.item.top

    @property
    def retired(self) -> bool:
        return self.after is None

    def changes(self) -> list[PriceChange]:
        """The fields that differ, in price, cost, recommendedPrice order (every field with a
        last value, for a retired item)."""
        found = []
        for field in PRICE_FIELDS:
            old = self.before.value(field) if self.before is not None else None
            new = self.after.value(field) if self.after is not None else None
            if old != new:
                found.append(
                    PriceChange(
                        service=self.service,
                        item=self.item,
                        currency=self.currency,
                        field=field,
                        before=old,
                        after=new,
                    )
                )
        return found


class PolicyDetail(Immutable):
    """What a pricing-policy finding is about: the currency row, the field and the values."""

    currency: str | None = None
    field: str | None = None
    values: dict[str, str] = Field(
        default_factory=dict,
        description="The amounts the rule compared (price, cost, before, after, margin) and "
        "its limit, as decimal strings.",
    )
