"""Request bodies to clean records, the way ASP.NET model binding would see them.

Shape problems (missing required fields, wrong JSON types, malformed phone numbers, values
outside an enum) become one :class:`ModelStateError` listing every problem under PascalCase
dotted keys. Rules that need the stored catalog live in ``rules.py`` and run only when the
shape is valid, as an ASP.NET action runs only after model validation passed.
Unknown fields are ignored; left-out fields get the create defaults of contracts.md
(booleans ``false``, lists ``[]``, everything else ``null``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, get_args

from catalog_sync.currencies import CURRENCY_CODES
from catalog_sync.emulator.ids import is_guid
from catalog_sync.kinds.addon import PricePer
from catalog_sync.kinds.product import ProductType, quantities_out_of_order
from catalog_sync.kinds.publish import WirePublishTo
from catalog_sync.kinds.service import ProvisioningType, ServiceStatus

__all__ = [
    "AMOUNTS",
    "JSON",
    "ModelStateError",
    "Reader",
    "checked",
    "read_object",
    "to_money",
    "validate_addon",
    "validate_broker",
    "validate_currency",
    "validate_price_list",
    "validate_product",
    "validate_publish",
    "validate_service",
]

JSON = dict[str, Any]

# The API's vocabularies are the kinds' own (catalog_sync/kinds), written once.
PROVISIONING_TYPES = get_args(ProvisioningType)
SERVICE_STATUSES = get_args(ServiceStatus)
BILLING_GENERATION = ("Automatic", "Manual")
PRODUCT_TYPES = get_args(ProductType)
PRICE_PER = get_args(PricePer)
PUBLISH_TO = get_args(WirePublishTo)
SUBSCRIPTION_PERIODS = (1, 12, 24, 36, 48, 60)
BILLING_FREQUENCIES = (1, 12)
AMOUNTS = ("price", "cost", "recommendedPrice")
"""The money of a product, an addon and a price list item, in this order."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_PREFIX = re.compile(r"^[0-9]{1,4}$")
_PHONE = re.compile(r"^[0-9]{4,14}$")
_MONEY_STEP = Decimal("0.0001")
_MONEY_MAX = Decimal("1000000000000")
_ONE_PLACE = Decimal("0.1")
_PHONE_MESSAGE = "Phone number is not in valid format."


class ModelStateError(Exception):
    """A 400 whose body is the ModelState object ``{"Key.Path": ["message", ...]}``."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors: dict[str, list[str]] = {key: list(msgs) for key, msgs in errors.items()}
        super().__init__(f"invalid request: {sorted(self.errors)}")


def to_money(value: int | float | Decimal) -> Decimal:
    """Round to the API's 4 decimal places, kept exact: a float holds 4 decimals only below
    2**39 (catalog_sync/exact_json.py). Written without trailing zeros but with a fraction
    (``10.0``, ``10.5``), as the float it replaces was."""
    exact = Decimal(str(value)).quantize(_MONEY_STEP, rounding=ROUND_HALF_UP).normalize()
    return exact if exact != exact.to_integral_value() else exact.quantize(_ONE_PLACE)


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


class _Reader:
    """Reads typed fields of one JSON object, recording problems under prefixed keys."""

    def __init__(self, body: Mapping[str, Any], prefix: str, errors: dict[str, list[str]]):
        self.body = body
        self.prefix = prefix
        self.errors = errors

    def key(self, name: str) -> str:
        return self.prefix + _pascal(name)

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(self.key(name), []).append(message)

    def _required(self, name: str) -> None:
        self.fail(name, f"The {_pascal(name)} field is required.")

    def _type_error(self, name: str, clr_type: str) -> None:
        self.fail(name, f"The JSON value could not be converted to {clr_type}.")

    def _typed(
        self,
        name: str,
        accepts: type | tuple[type, ...],
        clr_type: str,
        *,
        items: type | None = None,
        required: bool = False,
    ) -> Any:
        """The value of ``name``, or None when it is absent or of another JSON type (recorded).
        ``items``: the type every element of a list must have."""
        value = self.body.get(name)
        if value is None:
            if required:
                self._required(name)
            return None
        # A JSON true is no number, though a Python bool is an int.
        wrong = not isinstance(value, accepts) or (isinstance(value, bool) and accepts is not bool)
        if wrong or (items is not None and not all(isinstance(i, items) for i in value)):
            self._type_error(name, clr_type)
            return None
        return value

    def string(self, name: str, *, required: bool = False) -> str | None:
        value: str | None = self._typed(name, str, "System.String", required=required)
        if required and value is not None and not value.strip():
            self._required(name)
            return None
        return value

    def boolean(self, name: str) -> bool:
        return self._typed(name, bool, "System.Boolean") or False

    def integer(self, name: str, *, choices: Sequence[int] = ()) -> int | None:
        value: int | None = self._typed(name, int, "System.Int32")
        if value is None:
            return None
        if choices and value not in choices:
            allowed = ", ".join(str(c) for c in choices)
            self.fail(name, f"The field {_pascal(name)} must be one of {allowed}.")
            return None
        if value < 0:
            self.fail(name, f"The field {_pascal(name)} must be between 0 and 2147483647.")
            return None
        return value

    def money(self, name: str) -> Decimal | None:
        value: int | float | Decimal | None = self._typed(
            name, (int, float, Decimal), "System.Decimal"
        )
        if value is None:
            return None
        if not Decimal(str(value)).is_finite() or not 0 <= Decimal(str(value)) < _MONEY_MAX:
            self.fail(name, f"The field {_pascal(name)} must be between 0 and {_MONEY_MAX}.")
            return None
        return to_money(value)

    def enum(self, name: str, choices: Sequence[str], *, required: bool = False) -> str | None:
        value = self.string(name, required=required)
        if value is None:
            return None
        if value not in choices:
            self.fail(name, f"The value '{value}' is not valid for {_pascal(name)}.")
            return None
        return value

    def guid(self, name: str, *, required: bool = False) -> str | None:
        value: str | None = self._typed(name, str, "System.String", required=required)
        if value is None:
            return None
        if not is_guid(value):
            self._type_error(name, "System.Guid")
            return None
        return value.lower()

    def guids(self, name: str, *, required: bool = False) -> list[str]:
        clr_type = "System.Collections.Generic.List`1[System.Guid]"
        value: list[Any] | None = self._typed(name, list, clr_type, required=required)
        if value == [] and required:
            self._required(name)
        result: list[str] = []
        for item in value or []:
            if not isinstance(item, str) or not is_guid(item):
                self._type_error(name, "System.Guid")
                return []
            if item.lower() not in result:
                result.append(item.lower())
        return result

    def email(self, name: str, *, required: bool = False) -> str | None:
        value = self.string(name, required=required)
        if value is not None and value and not _EMAIL.match(value):
            self.fail(name, f"The {_pascal(name)} field is not a valid e-mail address.")
        return value

    def phone(self, prefix_name: str, phone_name: str, *, required: bool) -> tuple[str | None, ...]:
        prefix = self.string(prefix_name, required=required)
        phone = self.string(phone_name, required=required)
        if prefix is None or phone is None:
            return prefix, phone
        if not (_PHONE_PREFIX.match(prefix) and _PHONE.match(phone)):
            # Seed 001: one bad number is reported under both the number and its prefix.
            self.fail(phone_name, _PHONE_MESSAGE)
            self.fail(prefix_name, _PHONE_MESSAGE)
        return prefix, phone

    def objects(self, name: str) -> list[_Reader]:
        clr_type = "System.Collections.Generic.List`1"
        value: list[JSON] | None = self._typed(name, list, clr_type, items=dict)
        return [
            _Reader(item, f"{self.key(name)}[{index}].", self.errors)
            for index, item in enumerate(value or [])
        ]

    def object(self, name: str, *, required: bool = False) -> _Reader | None:
        value: JSON | None = self._typed(name, dict, "an object", required=required)
        return None if value is None else _Reader(value, f"{self.key(name)}.", self.errors)

    def strings(self, name: str) -> list[str]:
        return list(self._typed(name, list, "System.String[]", items=str) or [])

    def amounts(self) -> JSON:
        return {name: self.money(name) for name in AMOUNTS}

    def only(self, known: Sequence[str], model: str) -> None:
        """Refuse a key ``model`` has no member for (ASP.NET's unmapped-member handling)."""
        for name in self.body:
            if name not in known:
                self.errors.setdefault(self.prefix + _pascal(str(name)), []).append(
                    f"The JSON property '{name}' could not be mapped to any member of {model}."
                )


def _read(body: object) -> tuple[_Reader, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(body, dict):
        raise ModelStateError({"$": ["The request body must be a JSON object."]})
    return _Reader(body, "", errors), errors


def _done(record: JSON, errors: dict[str, list[str]]) -> JSON:
    if errors:
        raise ModelStateError(errors)
    return record


def _service_custom_property(r: _Reader) -> JSON:
    return {
        "type": r.string("type"),
        "propertyId": r.string("propertyId"),
        "name": r.string("name"),
        "defaultValue": r.string("defaultValue"),
        "visible": r.boolean("visible"),
        "mandatory": r.boolean("mandatory"),
        "allowedValues": r.strings("allowedValues"),
        "appliesToOrganizations": r.boolean("appliesToOrganizations"),
        "appliesToBrokers": r.boolean("appliesToBrokers"),
        "appliesToSeller": r.boolean("appliesToSeller"),
    }


def validate_service(body: object) -> tuple[JSON, str | None]:
    """The service record (without id and publish) and the requested status, if any."""
    r, errors = _read(body)
    record: JSON = {
        "name": r.string("name", required=True),
        "vendorName": r.string("vendorName"),
        "description": r.string("description"),
        "categoryIds": r.guids("categoryIds", required=True),
        "allowMultipleUsers": r.boolean("allowMultipleUsers"),
        "provisioningType": r.enum("provisioningType", PROVISIONING_TYPES),
        "customProperties": [_service_custom_property(p) for p in r.objects("customProperties")],
        # Settings of Cloudmore's UI that the catalog does not manage (names assumed,
        # docs/contracts.md). Left out of a PUT, they go back to their defaults: a replace.
        "billingGeneration": r.enum("billingGeneration", BILLING_GENERATION),
        "displayOnly": r.boolean("displayOnly"),
        "userAssignedService": r.boolean("userAssignedService"),
        "oneSubscriptionPerOrganization": r.boolean("oneSubscriptionPerOrganization"),
        "welcomeTemplateIds": r.guids("welcomeTemplateIds"),
    }
    status = r.enum("status", SERVICE_STATUSES)
    return _done(record, errors), status


def validate_product(body: object) -> JSON:
    r, errors = _read(body)
    record: JSON = {
        "name": r.string("name", required=True),
        "itemCode": r.string("itemCode", required=True),
        "description": r.string("description"),
        "type": r.enum("type", PRODUCT_TYPES, required=True),
        "subscriptionPeriodMonths": r.integer(
            "subscriptionPeriodMonths", choices=SUBSCRIPTION_PERIODS
        ),
        "billingFrequencyMonths": r.integer("billingFrequencyMonths", choices=BILLING_FREQUENCIES),
        **r.amounts(),
        "minQuantity": r.integer("minQuantity"),
        "maxQuantity": r.integer("maxQuantity"),
        "emailTemplateId": r.guid("emailTemplateId"),
        # Not in the catalog's model (assumed name, docs/contracts.md): a PUT must carry it back.
        "allowQuantityDecrease": r.boolean("allowQuantityDecrease"),
    }
    if quantities_out_of_order(record) is not None:
        r.fail("maxQuantity", "The field MaxQuantity must not be less than MinQuantity.")
    return _done(record, errors)


def validate_addon(body: object) -> JSON:
    r, errors = _read(body)
    record: JSON = {
        "name": r.string("name", required=True),
        "itemCode": r.string("itemCode", required=True),
        "enableGrouping": r.boolean("enableGrouping"),
        "groupName": r.string("groupName"),
        **r.amounts(),
        "pricePer": r.enum("pricePer", PRICE_PER),
        "hideFromSubscriptionView": r.boolean("hideFromSubscriptionView"),
        "hideFromPriceList": r.boolean("hideFromPriceList"),
    }
    if record["enableGrouping"] and not (record["groupName"] or "").strip():
        r.fail("groupName", "The GroupName field is required when EnableGrouping is true.")
    return _done(record, errors)


def validate_broker(body: object) -> JSON:
    r, errors = _read(body)
    record: JSON = {
        "name": r.string("name", required=True),
        "registrationNumber": r.string("registrationNumber", required=True),
        "vat": r.string("vat"),
        "domain": r.string("domain", required=True),
        "notificationEmail": r.email("notificationEmail", required=True),
        "supportEmail": r.email("supportEmail", required=True),
        "contact": None,
        "address": None,
        "invoiceContact": None,
        "customProperties": [],
        "allowCmpAccess": r.boolean("allowCmpAccess"),
    }
    contact = r.object("contact", required=True)
    if contact is not None:
        phone_prefix, phone = contact.phone("phonePrefix", "phone", required=True)
        cell_prefix, cell = contact.phone("cellPhonePrefix", "cellPhone", required=True)
        record["contact"] = {
            "name": contact.string("name", required=True),
            "jobTitle": contact.string("jobTitle", required=True),
            "email": contact.email("email", required=True),
            "phonePrefix": phone_prefix,
            "phone": phone,
            "cellPhonePrefix": cell_prefix,
            "cellPhone": cell,
        }
    address = r.object("address", required=True)
    if address is not None:
        record["address"] = {
            "address": address.string("address"),
            "postalCode": address.string("postalCode"),
            "city": address.string("city"),
            "countryCode": address.string("countryCode", required=True),
        }
    invoice = r.object("invoiceContact")
    if invoice is not None:
        prefix, number = invoice.phone("phonePrefix", "phone", required=False)
        record["invoiceContact"] = {
            "name": invoice.string("name"),
            "email": invoice.email("email"),
            "phonePrefix": prefix,
            "phone": number,
        }
    record["customProperties"] = [
        {"id": p.guid("id"), "value": p.string("value")} for p in r.objects("customProperties")
    ]
    return _done(record, errors)


_PUBLISH_LISTS = {"Regions": "regionIds", "Countries": "countryIds", "SpecificBrokers": "brokerIds"}


def validate_publish(body: object) -> JSON:
    r, errors = _read(body)
    mode = r.enum("publishTo", PUBLISH_TO, required=True)
    record: JSON = {"publishTo": mode, "regionIds": [], "countryIds": [], "brokerIds": []}
    for needs_list, field in _PUBLISH_LISTS.items():
        values = r.guids(field)
        if mode == needs_list:
            if not values and not r.errors.get(r.key(field)):
                r.fail(field, f"The {_pascal(field)} field is required when PublishTo is {mode}.")
            # Lists of other modes are ignored and stored empty (contracts.md).
            record[field] = values
    return _done(record, errors)


def validate_currency(value: object) -> str:
    """An ISO 4217 code as given (upper case), or a ModelStateError under ``CurrencyCode``."""
    if not isinstance(value, str) or not value:
        raise ModelStateError({"CurrencyCode": ["The CurrencyCode field is required."]})
    if value not in CURRENCY_CODES:
        raise ModelStateError({"CurrencyCode": [f"'{value}' is not an ISO 4217 currency code."]})
    return value


def _price(r: _Reader | None) -> JSON | None:
    if r is None:
        return None
    r.only(AMOUNTS, "Price")
    return r.amounts()


# The PUT body's keys (docs/contracts.md, "Price lists"): an item is named by ``itemId`` (a
# product's id, the SDK's summary says; an addon's own id, ASSUMED). A key the API's model has
# no member for is refused, so a body in any other shape is a 400, never a silent no-op.
_PRICE_LIST_KEYS = ("currencyCode", "products")
_PRODUCT_ITEM_KEYS = ("itemId", "price", "addons")
_ADDON_ITEM_KEYS = ("itemId", "price")


def validate_price_list(body: object) -> tuple[str, list[JSON]]:
    """The currency (the body's ``currencyCode``) and the items, in the emulator's own terms:
    ``{"productId", "price" (None: keep), "addons": [{"addonId", "price"}]}``. Shapes beyond
    ``itemId`` are ASSUMED (docs/contracts.md, "Price lists")."""
    r, errors = _read(body)
    r.only(_PRICE_LIST_KEYS, "SellerPriceListUpdateViewModel")
    given = r.string("currencyCode", required=True)
    products: list[JSON] = []
    for product in r.objects("products"):
        product.only(_PRODUCT_ITEM_KEYS, "SellerProductPriceListModel")
        product_id = product.guid("itemId", required=True)
        addons: list[JSON] = []
        for addon in product.objects("addons"):
            addon.only(_ADDON_ITEM_KEYS, "SellerProductAddon")
            addon_id = addon.guid("itemId", required=True)
            price = _price(addon.object("price", required=True))
            addons.append({"addonId": addon_id, "price": price})
        products.append(
            {"productId": product_id, "price": _price(product.object("price")), "addons": addons}
        )
    items = _done({"products": products}, errors)["products"]
    return validate_currency(given), items


# What an emulator module of one kind (webhook.py) validates its bodies with.
Reader = _Reader
read_object = _read
checked = _done
