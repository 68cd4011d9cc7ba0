"""Price lists: a service's prices in one currency (``docs/contracts.md``, "Price lists").

One object per service and currency; its fields are the items' amounts in it
(:class:`~catalog_sync.kinds.registry.ItemFields`). It has no id of its own: it is read by key
(``GET .../pricelist?currencyCode=SEK``) where the files name it, its keys are listed on the
service (``currencies``), and it is written with one ``PUT .../pricelist`` whose body carries
the currency. A currency is enabled on a service in Cloudmore's UI only: a price list the
service does not have is an error at the file's line (CS411), never a create.

Public: the endpoints, the PUT's signature (no query parameter), the model names
(``SellerPriceListUpdateViewModel``, ``SellerProductPriceListModel``, ``SellerProductAddon``,
``Price``) and ``itemId`` (a product's id). Every other shape is ASSUMED.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from catalog_sync.cloudmore.wire import Money, WireModel
from catalog_sync.graph import Address, Kind, ResourceGraph
from catalog_sync.kinds.contract import Contract, WireField
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

if TYPE_CHECKING:
    from catalog_sync.diagnostics import Diagnostic
    from catalog_sync.plan.model import Change

__all__ = [
    "CONTRACT",
    "SPEC",
    "Price",
    "PriceListAddon",
    "PriceListProduct",
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


class PriceListAddon(WireModel):
    """ASSUMED: an addon's entry in the GET answer, by id (``itemCode`` is read only)."""

    addon_id: str
    item_code: str | None = None
    price: Price = Field(default_factory=Price)


class PriceListProduct(WireModel):
    """ASSUMED: a product's entry in the GET answer, with its addons."""

    product_id: str
    item_code: str | None = None
    price: Price | None = None
    addons: list[PriceListAddon] = Field(default_factory=list)


class SellerPriceList(WireModel):
    """The GET answer, ASSUMED: every product of the service with its addons, each with its
    amounts in ``currencyCode`` (null where it has none)."""

    model_config = ConfigDict(title="Price list")

    currency_code: str | None = None
    products: list[PriceListProduct] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _bare_array(cls, data: Any) -> Any:
        # The read's body is assumed: a bare array of the items reads the same (what
        # `doctor --contract` reports as a difference; docs/contracts.md).
        return {"products": data} if isinstance(data, list) else data

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


class SellerProductAddon(WireModel):
    """An addon's entry in the PUT body. ``itemId`` is the addon's own id: ASSUMED (the SDK's
    summary names ``ItemId`` for a custom service's product only)."""

    item_id: str
    price: Price = Field(default_factory=Price)


class SellerProductPriceListModel(WireModel):
    """A product's entry in the PUT body: ``itemId`` is the product's id (documented: "For
    custom services ProductId should be passed as ItemId"). ASSUMED beyond that: a null
    ``price`` leaves the product's amounts as they are (only its addons change); a given one
    replaces all three."""

    item_id: str
    price: Price | None = None
    addons: list[SellerProductAddon] = Field(default_factory=list)


class SellerPriceListUpdateViewModel(WireModel):
    """The PUT body (no query parameter: the SDK's call takes ``sellerId, serviceId, body``):
    the items to change in ``currencyCode``, each with all three amounts (a PUT replaces an
    item's amounts, so unchanged ones are sent back as read). Fields beyond ``itemId``
    ASSUMED."""

    currency_code: str
    products: list[SellerProductPriceListModel] = Field(default_factory=list)

    @classmethod
    def of_rows(cls, currency: str, rows: list[PriceRow]) -> SellerPriceListUpdateViewModel:
        products: dict[str, dict[str, Any]] = {}
        for ids, amounts in rows:
            entry = products.setdefault(ids[0], {"itemId": ids[0], "addons": []})
            if len(ids) == 1:
                entry["price"] = amounts
            else:
                entry["addons"].append({"itemId": ids[1], "price": amounts})
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


def _impossible(change: Change, live: ResourceGraph) -> list[Diagnostic]:
    """A price list the service does not have: the currency is not enabled on it, which only
    Cloudmore's UI does (docs/contracts.md, "Price lists"); catalog-sync never creates one."""
    # Imported here: the catalog package imports the kinds.
    from catalog_sync.catalog.codes import Code
    from catalog_sync.catalog.sourced import UNKNOWN_LOCATION
    from catalog_sync.diagnostics import Diagnostic, Severity
    from catalog_sync.plan.model import Action

    if change.action is not Action.CREATE or change.parent is None:
        return []
    currency, service = change.address.key, change.parent.key
    shown = next((f.source for f in change.field_changes if f.source is not None), None)
    where = shown or change.source or UNKNOWN_LOCATION
    exists = change.parent_id is not None or live.get(change.parent) is not None
    message = (
        f'{currency} is not enabled on service "{service}": enable it in Cloudmore first'
        if exists
        else f'{currency} is not enabled on service "{service}", which this plan creates: '
        f"a new service has no currency enabled yet: create it without these prices, "
        f"enable {currency} on it in Cloudmore, then add them"
    )
    return [Diagnostic(where, Code.CURRENCY_NOT_ENABLED, Severity.ERROR, message)]


def _rows(read: BaseModel) -> list[PriceRow]:
    return read.rows() if isinstance(read, SellerPriceList) else []


def _currencies(service: BaseModel) -> list[str] | None:
    """The currencies enabled on the service; ``None`` when its read lacks them (then each
    price list the files name is read to tell: an error answer means not enabled)."""
    found = getattr(service, "currencies", None)
    return None if found is None else list(found)


_READ = "assumed: the GET's body is not public"
_AMOUNTS = tuple(WireField(name, "number", "assumed", _READ) for name in PRICE_FIELDS)
_ITEM = (
    WireField("itemCode", "string", "assumed", _READ),
    WireField("price", "object", "assumed", _READ, fields=_AMOUNTS),
)

CONTRACT = Contract(
    endpoint="GET services/{id}/pricelist?currencyCode=, PUT services/{id}/pricelist",
    endpoint_evidence="documented",
    endpoint_source="SDK endpoint table and the PUT's signature and summary (ItemId)",
    where="catalog_sync/kinds/price_list.py",
    fields=(
        WireField("currencyCode", "string", "assumed", _READ, nullable=False),
        WireField(
            "products",
            "array",
            "assumed",
            _READ,
            fields=(
                WireField("productId", "string", "assumed", _READ, nullable=False),
                *_ITEM,
                WireField(
                    "addons",
                    "array",
                    "assumed",
                    _READ,
                    fields=(
                        WireField("addonId", "string", "assumed", _READ, nullable=False),
                        *_ITEM,
                    ),
                ),
            ),
        ),
    ),
)
"""The GET's answer. The PUT's body is :class:`SellerPriceListUpdateViewModel` (``itemId``
documented for a product, every other field assumed)."""

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
            collection=None,
            item="services/{0}/pricelist?currencyCode={id}",
            write="services/{0}/pricelist",
            keyed=True,
        ),
        listed=_currencies,
        contract=CONTRACT,
        removal="none",
        price_cell=price_list_cell,
        impossible=_impossible,
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
