"""Price lists: a service's prices in one currency (``docs/contracts.md``, "Price lists").

One object per service and currency; its fields are the items' amounts in it
(:class:`~catalog_sync.kinds.registry.ItemFields`). It has no id of its own: it is read by key
(``GET .../pricelist?currencyCode=SEK``) where the files name it, its keys are listed on the
service (``currencies``), and a list in a currency the service has none in yet is made by its
first ``PUT``.

The wire shapes are ASSUMED: only the endpoints and the model names
(``SellerPriceListUpdateViewModel``, ``SellerProductPriceListModel``, ``SellerProductAddon``,
``Price``) are public.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from catalog_sync.cloudmore.wire import Money, WireModel
from catalog_sync.graph import Address, Kind
from catalog_sync.kinds.registry import (
    KINDS,
    PRICE_FIELDS,
    Endpoint,
    FieldSpec,
    ItemFields,
    KindSpec,
    PriceCell,
    register,
)
from catalog_sync.normalise import FieldType

__all__ = [
    "SPEC",
    "Price",
    "PriceRow",
    "SellerPriceList",
    "SellerPriceListUpdateViewModel",
    "SellerProductAddon",
    "SellerProductPriceListModel",
    "price_list_cell",
]

PriceRow = tuple[tuple[str, ...], dict[str, Any]]
"""One item of a price list: its ids (product, or product and addon) and its amounts by wire
name (``price``, ``cost``, ``recommendedPrice``)."""


class Price(WireModel):
    """ASSUMED: one item's amounts in one currency; null is "no price in this currency"."""

    price: Money | None = None
    cost: Money | None = None
    recommended_price: Money | None = None


class SellerProductAddon(WireModel):
    """ASSUMED: an addon's entry, by id (``itemCode`` is read only, a PUT need not send it)."""

    addon_id: str
    item_code: str | None = None
    price: Price = Field(default_factory=Price)


class SellerProductPriceListModel(WireModel):
    """ASSUMED: a product's entry with its addons. In a PUT, a null ``price`` leaves the
    product's amounts as they are (only addons of it change); a given one replaces all three."""

    product_id: str
    item_code: str | None = None
    price: Price | None = None
    addons: list[SellerProductAddon] = Field(default_factory=list)


class SellerPriceList(WireModel):
    """The GET answer, ASSUMED: every product of the service with its addons, each with its
    amounts in ``currencyCode`` (null where it has none)."""

    model_config = ConfigDict(title="Price list")

    currency_code: str
    products: list[SellerProductPriceListModel] = Field(default_factory=list)

    def rows(self) -> list[PriceRow]:
        found: list[PriceRow] = []
        for product in self.products:
            amounts = product.price or Price()
            found.append(((product.product_id,), amounts.model_dump(by_alias=True)))
            found.extend(
                ((product.product_id, addon.addon_id), addon.price.model_dump(by_alias=True))
                for addon in product.addons
            )
        return found


class SellerPriceListUpdateViewModel(WireModel):
    """The PUT body, ASSUMED: the items to change in ``currencyCode``, each with all three
    amounts (a PUT replaces an item's amounts, so unchanged ones are sent back as read)."""

    currency_code: str
    products: list[SellerProductPriceListModel] = Field(default_factory=list)

    @classmethod
    def of_rows(cls, currency: str, rows: list[PriceRow]) -> SellerPriceListUpdateViewModel:
        products: dict[str, dict[str, Any]] = {}
        for ids, amounts in rows:
            entry = products.setdefault(ids[0], {"productId": ids[0], "addons": []})
            if len(ids) == 1:
                entry["price"] = amounts
            else:
                entry["addons"].append({"addonId": ids[1], "price": amounts})
        return cls.model_validate({"currencyCode": currency, "products": list(products.values())})


def price_list_cell(address: Address, name: str) -> PriceCell | None:
    """A price list's fields are named per item (``service["X"].pricelist["SEK"]``, fields
    ``"{item}.{field}"``): the item its :class:`ItemFields` names, in the currency that is the
    list's key (docs/policies.md)."""
    items = KINDS[address.kind].items
    service = address.parent
    split = None if items is None else items.split(name)
    if items is None or split is None or service is None or not address.key:
        return None
    item, amount = split
    if amount.name not in PRICE_FIELDS:
        return None
    return PriceCell(items.item_address(service, item), address.key, amount.name)


def _rows(read: BaseModel) -> list[PriceRow]:
    return read.rows() if isinstance(read, SellerPriceList) else []


def _currencies(service: BaseModel) -> list[str]:
    return list(getattr(service, "currencies", None) or ())


SPEC = register(
    KindSpec(
        Kind.PRICE_LIST,
        parent=Kind.SERVICE,
        key="currency",
        key_wire="currencyCode",
        catalog_items="prices",
        read_model=SellerPriceList,
        body_model=SellerPriceListUpdateViewModel,
        endpoint=Endpoint(
            collection=None, item="services/{0}/pricelist?currencyCode={id}", keyed=True
        ),
        listed=_currencies,
        removal="none",
        price_cell=price_list_cell,
        fields=(),
        items=ItemFields(
            amounts=tuple(FieldSpec(name, FieldType.MONEY) for name in PRICE_FIELDS),
            item_kinds=(Kind.PRODUCT, Kind.ADDON),
            catalog_items="prices",
            rows=_rows,
            body=SellerPriceListUpdateViewModel.of_rows,
        ),
    )
)
