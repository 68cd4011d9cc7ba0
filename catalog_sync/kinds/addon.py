"""Addons: options of a product, each with its own prices (documented by seed 003;
``docs/contracts.md``, "Addons")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal, get_args

from pydantic import ConfigDict

from catalog_sync.cloudmore.wire import Money, ObjectBody
from catalog_sync.graph import Kind
from catalog_sync.kinds.contract import Contract, WireField
from catalog_sync.kinds.product import ProductType
from catalog_sync.kinds.registry import (
    PRICE_FIELDS,
    Endpoint,
    FieldSpec,
    KindSpec,
    own_price_cell,
    register,
)
from catalog_sync.normalise import FieldType

__all__ = ["ALLOWED_PRICE_PER", "CONTRACT", "SPEC", "AddonBody", "AddonRead", "PricePer"]

PricePer = Literal["Subscription", "Quantity", "Selected", "Metered"]

ALLOWED_PRICE_PER: Mapping[ProductType, tuple[PricePer, ...]] = {
    "ProductBased": ("Subscription", "Quantity", "Selected"),
    "Metered": ("Metered",),
}
"""Seed 003: which addon pricePer values each product type allows (validate and the emulator
both hold an addon to it)."""


class AddonBody(ObjectBody):
    """Create / replace body of an addon (seed 003's fields)."""

    name: str
    item_code: str
    enable_grouping: bool = False
    group_name: str | None = None
    price: Money | None = None
    cost: Money | None = None
    recommended_price: Money | None = None
    price_per: PricePer | None = None
    hide_from_subscription_view: bool = False
    hide_from_price_list: bool = False


class AddonRead(AddonBody):
    """An addon as read: ``SellerServiceProductAddonViewModel``, one swagger model for the
    list and the detail read, so a list carries whole addons."""

    model_config = ConfigDict(title="Addon")

    read_only: ClassVar[frozenset[str]] = frozenset()
    id: str


_SEED = "seed 003 (the addon API; one model, SellerServiceProductAddonViewModel)"

CONTRACT = Contract(
    endpoint="GET/POST .../products/{id}/addons, GET/PUT/DELETE .../addons/{id}",
    endpoint_evidence="documented",
    endpoint_source="seed 003; SDK endpoint table",
    where="catalog_sync/kinds/addon.py",
    fields=(
        WireField("id", "string", "documented", _SEED, nullable=False, resets=False),
        WireField("name", "string", "documented", _SEED, nullable=False),
        WireField("itemCode", "string", "documented", _SEED, nullable=False),
        WireField("enableGrouping", "boolean", "documented", _SEED),
        WireField("groupName", "string", "documented", _SEED),
        WireField("price", "number", "documented", _SEED),
        WireField("cost", "number", "documented", _SEED),
        WireField("recommendedPrice", "number", "documented", _SEED),
        WireField("pricePer", "string", "documented", _SEED, values=get_args(PricePer)),
        WireField("hideFromSubscriptionView", "boolean", "documented", _SEED),
        WireField("hideFromPriceList", "boolean", "documented", _SEED),
    ),
)

SPEC = register(
    KindSpec(
        Kind.ADDON,
        price_cell=own_price_cell,
        sku=True,
        parent=Kind.PRODUCT,
        key="itemCode",
        catalog_items="addons",
        read_model=AddonRead,
        body_model=AddonBody,
        endpoint=Endpoint("services/{0}/products/{1}/addons"),
        contract=CONTRACT,
        fields=(
            FieldSpec("name", FieldType.TEXT),
            FieldSpec("itemCode", FieldType.TEXT, code=True),
            FieldSpec("enableGrouping", FieldType.BOOL, default=False),
            FieldSpec("groupName", FieldType.TEXT),
            *(FieldSpec(name, FieldType.MONEY) for name in PRICE_FIELDS),
            FieldSpec("pricePer", FieldType.ENUM),
            FieldSpec("hideFromSubscriptionView", FieldType.BOOL, default=False),
            FieldSpec("hideFromPriceList", FieldType.BOOL, default=False),
        ),
    )
)
