"""Wire format: every request and response body of the Cloudmore API, and nothing else.

This module is the ONE place where the shape of Cloudmore's JSON is written down (the "Wire
shapes" of ``docs/contracts.md``). Many of those shapes
are not published by Cloudmore; each model built on a guess says ``ASSUMED`` in its docstring,
so checking them against the real swagger (``/swagger/v1/swagger.json``) is a change to this file
and its tests only.

Conventions:

* JSON keys are camelCase, Python attributes snake_case (the token endpoint is the exception:
  OAuth2 uses snake_case on the wire).
* Unknown response fields are ignored, except on the catalog's own objects (service, product,
  addon, broker: :class:`ObjectBody`), which keep them: a PUT replaces the whole object, so an
  update sends back what the server returned, known to this module or not.
* A list item may be a summary of the object (:data:`LIST_VIEWS` says which fields each list
  carries); the detail read (``GET .../{id}``) answers the whole object.
* Money is :class:`~decimal.Decimal`. Responses are parsed with ``parse_float=Decimal`` so that no
  price goes through a binary float on the way in; on the way out it is written as a JSON number.
* New ids come from the ``Location`` header (:func:`id_from_location`), else a body id
  (:func:`id_from_body`); the client falls back to re-listing by natural key.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    TypeAdapter,
    model_validator,
)
from pydantic.alias_generators import to_camel

__all__ = [
    "LIST_VIEWS",
    "AddonBody",
    "AddonRead",
    "BrokerAddress",
    "BrokerBody",
    "BrokerCustomPropertyValue",
    "BrokerRead",
    "Category",
    "CustomProperty",
    "CustomPropertyDefinition",
    "EmailTemplate",
    "ErrorItem",
    "MarketCountry",
    "MarketRegion",
    "Money",
    "NestedBody",
    "ObjectBody",
    "Price",
    "PricePer",
    "PriceRow",
    "ProductBody",
    "ProductRead",
    "ProductType",
    "ProvisioningType",
    "PublishBody",
    "SellerPriceList",
    "SellerPriceListUpdateViewModel",
    "SellerProductAddon",
    "SellerProductPriceListModel",
    "ServiceBody",
    "ServiceRead",
    "ServiceStatus",
    "TokenErrorResponse",
    "TokenResponse",
    "WireBrokerContact",
    "WireInvoiceContact",
    "WireModel",
    "WirePublishTo",
    "dump_body",
    "id_from_body",
    "id_from_location",
    "load_json",
    "parse_list",
    "parse_one",
    "validation_reasons",
]


def _money_to_json(value: Decimal) -> int | float:
    # The API takes JSON numbers, not strings; 4 decimal places survive a float round trip.
    return int(value) if value == value.to_integral_value() else float(value)


Money = Annotated[Decimal, PlainSerializer(_money_to_json, return_type=Any, when_used="json")]

WirePublishTo = Literal[
    "AllBrokers", "Regions", "Countries", "SellerBrokers", "SpecificBrokers", "None"
]
ProvisioningType = Literal["Email", "Webhook"]
ServiceStatus = Literal["Active", "Disabled"]
ProductType = Literal["ProductBased", "Metered"]
PricePer = Literal["Subscription", "Quantity", "Selected", "Metered"]


class WireModel(BaseModel):
    """camelCase on the wire, snake_case in Python, unknown fields ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


class NestedBody(WireModel):
    """A mapping inside a catalog object (a broker's contact, a service's custom property):
    keeps unknown fields like the object does, so a PUT sends them back."""

    model_config = ConfigDict(extra="allow")


class ObjectBody(WireModel):
    """A catalog object's body: keeps the fields this module does not declare (the server's,
    or a managed field only the kind registry names), and drops what only a read carries.

    Parsed from a response (:func:`parse_list`, :func:`parse_one`), it also keeps the JSON
    object exactly as the server sent it (:attr:`raw`): a PUT is that object with the managed
    fields overlaid, so nothing this module does not know is lost (``docs/contracts.md``,
    "Fields the catalog does not manage")."""

    model_config = ConfigDict(extra="allow")
    read_only: ClassVar[frozenset[str]] = frozenset({"id"})
    _raw: dict[str, Any] | None = PrivateAttr(default=None)

    @property
    def raw(self) -> dict[str, Any]:
        """A copy of the JSON object as received; built in code, the model's own JSON."""
        if self._raw is None:
            return self.model_dump(by_alias=True)
        return copy.deepcopy(self._raw)

    @model_validator(mode="before")
    @classmethod
    def _without_read_only(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if key not in cls.read_only}
        return data


# --- 1. Authentication --------------------------------------------------------------------


class TokenResponse(BaseModel):
    """``POST /connect/token`` success. ``token_type`` is ASSUMED to be ``Bearer``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    access_token: str = Field(repr=False)
    expires_in: int = 86_400
    token_type: str = "Bearer"  # noqa: S105 - a scheme name, not a secret


class TokenErrorResponse(BaseModel):
    """``POST /connect/token`` refusal: ASSUMED IdentityServer shape ``{"error": ...}``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    error: str
    error_description: str | None = None


# --- 2. Errors ----------------------------------------------------------------------------


class ErrorItem(WireModel):
    """One entry of the business-rule error array (seed 001)."""

    error_code: int | None = None
    error_name: str | None = None
    error_message: str | None = None


_ERROR_ITEMS = TypeAdapter(list[ErrorItem])


def validation_reasons(body: object) -> dict[str, list[str]] | None:
    """Turn either 400 shape into ``{field path or error name: [messages]}``.

    ModelState: ``{"Contact.Phone": ["..."]}`` (also when wrapped as ProblemDetails ``errors``).
    Error array: ``[{"errorCode": 5, "errorName": "InvalidValue", "errorMessage": "..."}]``.
    Returns None when the body is neither.
    """
    if isinstance(body, list):
        try:
            items = _ERROR_ITEMS.validate_python(body)
        except ValueError:
            return None
        reasons: dict[str, list[str]] = {}
        for item in items:
            key = item.error_name or (str(item.error_code) if item.error_code is not None else "")
            reasons.setdefault(key or "error", []).append(item.error_message or "")
        return reasons
    if isinstance(body, dict):
        errors = body.get("errors")
        state = errors if isinstance(errors, dict) else body
        reasons = {}
        for key, value in state.items():
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                reasons[str(key)] = list(value)
            elif isinstance(value, str):
                reasons[str(key)] = [value]
            else:
                return None
        return reasons or None
    return None


# --- 3. Lookups ---------------------------------------------------------------------------


class Category(WireModel):
    category_id: str
    name: str
    description: str | None = None


class MarketRegion(WireModel):
    """Fields ASSUMED (only the endpoint is documented)."""

    id: str
    name: str


class MarketCountry(WireModel):
    """Fields ASSUMED (only the endpoint is documented)."""

    id: str
    name: str
    country_code: str | None = None


class EmailTemplate(WireModel):
    """Fields ASSUMED (only the endpoint is documented)."""

    id: str
    name: str


# --- 3.1 Service and 3.4 Publish ----------------------------------------------------------


class CustomProperty(NestedBody):
    """A service custom property definition (documented list fields)."""

    type: str | None = None
    property_id: str | None = None
    name: str | None = None
    default_value: str | None = None
    visible: bool | None = None
    mandatory: bool | None = None
    allowed_values: list[str] | None = None
    applies_to_organizations: bool | None = None
    applies_to_brokers: bool | None = None
    applies_to_seller: bool | None = None


class PublishBody(WireModel):
    """Body of ``PUT .../services/{id}/publish`` and ``ServiceRead.publish``: ASSUMED."""

    publish_to: WirePublishTo = "None"
    region_ids: list[str] = Field(default_factory=list)
    country_ids: list[str] = Field(default_factory=list)
    broker_ids: list[str] = Field(default_factory=list)


class ServiceBody(ObjectBody):
    """Create / replace body of a service: ASSUMED (``SellerServiceCreateViewModel``).

    ``status`` is left out of the JSON when None: absent keeps the current status, ``Active``
    re-enables a disabled service.
    """

    name: str
    vendor_name: str | None = None
    description: str | None = None
    category_ids: list[str] = Field(default_factory=list)
    allow_multiple_users: bool = False
    provisioning_type: ProvisioningType | None = None
    custom_properties: list[CustomProperty] = Field(default_factory=list)
    status: ServiceStatus | None = None

    read_only: ClassVar[frozenset[str]] = frozenset({"id", "publish", "currencies"})


class ServiceRead(ServiceBody):
    """A service as read: the body's fields plus the server's. ``id, name, vendorName,
    allowMultipleUsers, customProperties`` are documented (Cloudmore's developer guide shows a
    list item with exactly these, :data:`LIST_VIEWS`); the detail read's other fields are
    ASSUMED. The swagger names of the list and detail models are not known to this project.

    ``currencies`` (ASSUMED, on the detail; absent from a summary list item) are the ISO 4217
    codes the service has a price list in; the server keeps it, a body never carries it."""

    model_config = ConfigDict(title="Service")

    read_only: ClassVar[frozenset[str]] = frozenset()
    id: str
    status: ServiceStatus = "Active"
    publish: PublishBody = Field(default_factory=PublishBody)
    currencies: list[str] = Field(default_factory=list)


# --- 3.2 Product --------------------------------------------------------------------------


class ProductBody(ObjectBody):
    """Create / replace body of a product: ASSUMED beyond ``name, itemCode, description``."""

    name: str
    item_code: str
    description: str | None = None
    type: ProductType = "ProductBased"
    subscription_period_months: int | None = None
    billing_frequency_months: int | None = None
    price: Money | None = None
    cost: Money | None = None
    recommended_price: Money | None = None
    min_quantity: int | None = None
    max_quantity: int | None = None
    email_template_id: str | None = None


class ProductRead(ProductBody):
    """A product as read: ``SellerServiceProductDetailViewModel`` (the detail read; ``id,
    name, description, itemCode`` documented, the rest ASSUMED) or, from a list,
    ``SellerServiceProductViewModel`` (exactly those four fields, seed 003). A read does not
    assume a type the server did not send."""

    model_config = ConfigDict(title="Product")

    read_only: ClassVar[frozenset[str]] = frozenset()
    id: str
    type: ProductType | None = None  # type: ignore[assignment]


# --- 3.3 Addon (documented by seed 003) ---------------------------------------------------


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


# --- 3.6 Price lists (ASSUMED: only the endpoints and the model names are public) ----------
#
# GET and PUT /api/sellers/{sellerId}/services/{serviceId}/pricelist?currencyCode=SEK; the
# model names are Cloudmore's (SellerPriceListUpdateViewModel, SellerProductPriceListModel,
# SellerProductAddon, Price), every field shape below is ASSUMED (docs/contracts.md,
# "Price lists").

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


# --- 3.5 Broker (documented by seed 001) --------------------------------------------------


class WireBrokerContact(NestedBody):
    name: str | None = None
    job_title: str | None = None
    email: str | None = None
    phone_prefix: str | None = None
    phone: str | None = None
    cell_phone_prefix: str | None = None
    cell_phone: str | None = None


class BrokerAddress(NestedBody):
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country_code: str | None = None


class WireInvoiceContact(NestedBody):
    name: str | None = None
    email: str | None = None
    phone_prefix: str | None = None
    phone: str | None = None


class BrokerCustomPropertyValue(NestedBody):
    id: str
    value: str | None = None


class BrokerBody(ObjectBody):
    """Create / replace body of a broker (seed 001's fields)."""

    name: str
    registration_number: str
    vat: str | None = None
    domain: str | None = None
    notification_email: str | None = None
    support_email: str | None = None
    contact: WireBrokerContact = Field(default_factory=WireBrokerContact)
    address: BrokerAddress = Field(default_factory=BrokerAddress)
    invoice_contact: WireInvoiceContact | None = None
    custom_properties: list[BrokerCustomPropertyValue] = Field(default_factory=list)
    allow_cmp_access: bool = False


class BrokerRead(BrokerBody):
    """A broker as read: ``SellerBrokerDetailViewModel`` (the detail read: seed 001's fields
    plus ``id``, the read shape ASSUMED) or, from a list, ``SellerBrokerViewModel`` (a summary;
    which fields it leaves out is ASSUMED, :data:`LIST_VIEWS`). A read tolerates what a body
    must have (a registration number, a contact, an address)."""

    model_config = ConfigDict(title="Broker")

    read_only: ClassVar[frozenset[str]] = frozenset()
    id: str
    registration_number: str | None = None  # type: ignore[assignment]
    contact: WireBrokerContact | None = None  # type: ignore[assignment]
    address: BrokerAddress | None = None  # type: ignore[assignment]


# --- 3.6 Custom property definitions ------------------------------------------------------


class CustomPropertyDefinition(WireModel):
    """One row of ``GET /api/sellers/{sellerId}/settings/CustomProperties`` (the endpoint is in
    the SDK's endpoint table; every field is ASSUMED). A broker's ``customProperties[].id``
    is a definition's ``id``."""

    id: str
    name: str
    type: str | None = None
    mandatory: bool = False
    applies_to_brokers: bool = False
    applies_to_organizations: bool = False


# --- List views ---------------------------------------------------------------------------


def _all_but(model: type[BaseModel], *left_out: str) -> frozenset[str]:
    names = {field.alias or name for name, field in model.model_fields.items()}
    return frozenset(names - set(left_out))


LIST_VIEWS: dict[type[BaseModel], frozenset[str] | None] = {
    ServiceRead: frozenset({"id", "name", "vendorName", "allowMultipleUsers", "customProperties"}),
    ProductRead: frozenset({"id", "name", "description", "itemCode"}),
    AddonRead: None,
    BrokerRead: _all_but(BrokerRead, "contact", "address", "invoiceContact", "customProperties"),
}
"""Per read model, the top-level JSON fields a list item carries; ``None`` (or a model the
table does not name): the whole object (``docs/contracts.md``, "List and detail reads"). The
live reader reads an object's detail only when its kind manages a field its list leaves out."""


# --- helpers ------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)

# Cloudmore ids are GUIDs (docs/contracts.md): a Location ending in anything else (the
# collection URL, "/created") names no new object, so the caller re-lists instead.
_GUIDISH = re.compile(
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
)


def load_json(content: bytes) -> Any:
    """Parse a response body; JSON numbers with a fraction become Decimal, never float.

    Raises ValueError for anything unreadable, a body nested too deeply to parse included."""
    try:
        return json.loads(content, parse_float=Decimal)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply to read") from None


def parse_list(model: type[M], data: object) -> list[M]:
    items = TypeAdapter(list[model]).validate_python(data)  # type: ignore[valid-type]
    if issubclass(model, ObjectBody) and isinstance(data, list):
        for item, sent in zip(items, data, strict=True):
            _keep_raw(item, sent)
    return items


def parse_one(model: type[M], data: object) -> M:
    parsed = model.model_validate(data)
    _keep_raw(parsed, data)
    return parsed


def _keep_raw(parsed: BaseModel, data: object) -> None:
    if isinstance(parsed, ObjectBody) and isinstance(data, dict):
        parsed._raw = data


def dump_body(body: BaseModel) -> dict[str, Any]:
    """The JSON object to send; a None ``status`` is left out (absent means "keep")."""
    # Python mode keeps money a Decimal: the HTTP layer writes it as an exact JSON number
    # literal (catalog_sync/exact_json.py, encode_json), never through a float.
    data: dict[str, Any] = body.model_dump(mode="python", by_alias=True)
    if "status" in data and data["status"] is None:
        del data["status"]
    return data


def id_from_location(location: str | None) -> str | None:
    """The last path segment of a ``Location`` header (absolute or relative)."""
    if not location:
        return None
    segment = location.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return segment.lower() if _GUIDISH.match(segment) else None


def id_from_body(content: bytes) -> str | None:
    """An id from a create response body: ``{"id": ...}`` or a bare JSON string."""
    try:
        data = json.loads(content)
    except ValueError:
        return None
    if isinstance(data, dict):
        data = data.get("id")
    if isinstance(data, str) and _GUIDISH.match(data):
        return data.lower()
    return None
