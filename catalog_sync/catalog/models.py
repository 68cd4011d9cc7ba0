"""The catalog file models: what a YAML file may say, typed.

Keys are camelCase in YAML (as in Cloudmore's own field definitions), attributes snake_case.
Optional scalar fields default to ``None``, which means "not managed by the catalog": the
planner leaves the live value alone. Booleans default to ``false`` and lists to empty, the
values the API gives a new object, so leaving them out of the file means "false"/"none".
Every description here is shown by editors through schemas/catalog.schema.json.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError

from catalog_sync.address_pattern import pattern_kind
from catalog_sync.catalog.fields import (
    BillingMonths,
    CountryCode,
    CurrencyCode,
    Domain,
    Email,
    EnvName,
    Guid,
    HttpsUrl,
    Key,
    Money,
    Name,
    ObjectAddress,
    PhoneNumber,
    PhonePrefix,
    SubscriptionMonths,
    Text,
    WholeNumber,
)
from catalog_sync.catalog.sourced import SourcedModel
from catalog_sync.kinds import KINDS, Side
from catalog_sync.kinds.addon import PricePer
from catalog_sync.kinds.product import ProductType
from catalog_sync.kinds.service import ProvisioningType

__all__ = [
    "DEFAULT_SEGMENT",
    "Addon",
    "AnyService",
    "Broker",
    "BrokerContact",
    "BrokerCustomProperty",
    "BrokerPrice",
    "Catalog",
    "CatalogFile",
    "Customer",
    "CustomerAddon",
    "CustomerPrice",
    "CustomerProduct",
    "CustomerService",
    "HttpHeader",
    "IgnoreRule",
    "InvoiceContact",
    "MarketplaceAddon",
    "MarketplaceProduct",
    "MarketplaceService",
    "Policies",
    "PolicyRule",
    "PostalAddress",
    "Price",
    "PricePer",
    "Product",
    "ProductType",
    "ProvisioningType",
    "Publish",
    "PublishTo",
    "SecretRef",
    "Segment",
    "Service",
    "Settings",
    "Thresholds",
    "Webhook",
]

PolicyRule = Literal["minMarginPercent", "maxPriceChangePercent", "recommendedAtLeastPrice"]
PublishTo = Literal["allBrokers", "regions", "countries", "sellerBrokers", "brokers", "none"]

_EXEMPT = (
    "Pricing policies (settings.policies) this object is exempt from, such as"
    " [minMarginPercent] for a deliberate loss leader; every plan shows the exemption."
)
_PROTECT = "When true, any plan that would delete (or, for a service, disable) this object fails."
_ID = "Pins this object to a live object by id (a lower-case GUID), so its natural key may change."
_MOVED_FROM = (
    "The key this object had before a rename: the live object found by it is updated to this"
    ' one\'s key, instead of a create and a delete (README, "Renames"). Safe to remove once'
    " applied; the plan says so."
)
# The amounts of a price row: a product's and an addon's own, and each currency's.
_Price = Annotated[Money | None, Field(description="The price for brokers.")]
_Cost = Annotated[Money | None, Field(description="The cost for the seller.")]
_Recommended = Annotated[Money | None, Field(description="The resale price suggested to brokers.")]

_Share = Annotated[int, Field(ge=0, le=100, strict=True)]  # a percentage of the objects


class Thresholds(SourcedModel):
    """Safety rails, evaluated by plan and enforced by apply unless --force is given."""

    max_update_percent: _Share = Field(
        default=30,
        description="Largest share (percent) of existing managed objects one plan may update.",
    )
    max_delete_percent: _Share = Field(
        default=30,
        description="Largest share (percent) of existing managed objects one plan may delete.",
    )
    min_existing: int = Field(
        default=10,
        ge=0,
        strict=True,
        description="The percentage rails apply only when at least this many objects exist.",
    )


class Policies(SourcedModel):
    """Pricing policies, evaluated on the desired catalog by plan (apply refuses a plan with
    findings unless --force) and on the live catalog by drift."""

    min_margin_percent: float | None = Field(
        default=None,
        ge=0,
        le=100,
        strict=True,
        description=(
            "Smallest margin, (price - cost) / price in percent, of every product, addon and"
            " currency row that has both a price and a cost."
        ),
    )
    max_price_change_percent: float | None = Field(
        default=None,
        ge=0,
        strict=True,
        description=(
            "Largest relative change, in percent, of any price or recommendedPrice in one plan"
            " (from a non-zero amount)."
        ),
    )
    recommended_at_least_price: bool = Field(
        default=False,
        strict=True,
        description="When true, a recommendedPrice below the price of its row is a finding.",
    )


class IgnoreRule(SourcedModel):
    """Fields the plan and drift leave alone on the objects an address pattern matches."""

    address: str = Field(
        strict=True,
        description=(
            'An object address whose keys may be "*" (any text): service["*"] for every'
            ' service, service["X"].product["*"].addon["*"] for every addon of one service.'
        ),
    )
    fields: tuple[Name, ...] = Field(
        min_length=1,
        description=(
            "The fields to ignore, as the files name them (broker contact fields dotted, like"
            " contact.phone). Still written when the object is created."
        ),
    )

    @model_validator(mode="after")
    def _known_fields(self) -> IgnoreRule:
        try:
            kind = pattern_kind(self.address)
        except ValueError as error:
            raise PydanticCustomError("ignore_rule", str(error)) from None
        known = [spec.name for spec in KINDS[kind].fields]
        unknown = [name for name in self.fields if name not in known]
        if unknown:
            raise PydanticCustomError(
                "ignore_rule",
                f"{self.address}: {kind.value} has no field "
                f"{', '.join(repr(n) for n in unknown)}; its fields are {', '.join(known)}",
            )
        return self


class Settings(SourcedModel):
    """Catalog-wide settings; only the root catalog.yaml may hold them."""

    side: Side = Field(
        default="seller",
        description=(
            "Whose catalog this is: seller (the default: a seller's services, brokers and"
            " publishing) or broker (a broker's own services and its prices; needs"
            " CLOUDMORE_RESELLER_ID)."
        ),
    )
    prune: bool = Field(
        default=False,
        strict=True,
        description=(
            "Delete live products, addons and brokers the catalog does not have (services are"
            " disabled). When false they are only reported as unmanaged."
        ),
    )
    thresholds: Thresholds = Field(
        default_factory=Thresholds, description="Safety rails for plan and apply."
    )
    protect: tuple[ObjectAddress, ...] = Field(
        default=(),
        description=(
            "Addresses of live objects that must never be deleted or disabled, such as"
            ' service["Legacy Hosting"]: protection for objects the files do not describe'
            " (an object in the files uses protect: true)."
        ),
    )
    ignore: tuple[IgnoreRule, ...] = Field(
        default=(),
        description=(
            "Fields plan and drift do not compare on the objects an address pattern matches,"
            " such as a description marketing edits in the UI. Shown in every plan's header."
        ),
    )
    policies: Policies | None = Field(
        default=None,
        description="Pricing policies: margin, price change and recommended price rules.",
    )
    currency: CurrencyCode | None = Field(
        default=None,
        description=(
            "The seller's base currency (ISO 4217, such as EUR): the currency of every"
            " product's and addon's own price, cost and recommendedPrice. No public endpoint"
            " gives it, so it is declared here; plans name it in their price tables."
        ),
    )


class Publish(SourcedModel):
    """Where a service is published. The list the mode needs must be non-empty."""

    to: PublishTo = Field(
        description=(
            "allBrokers, regions (needs regions), countries (needs countries), sellerBrokers"
            " (the seller's own brokers), brokers (needs brokers), or none (unpublished)."
        )
    )
    regions: tuple[Name, ...] = Field(
        default=(), description="Market region names (for to: regions)."
    )
    countries: tuple[CountryCode, ...] = Field(
        default=(), description="ISO 3166 alpha-2 country codes (for to: countries)."
    )
    brokers: tuple[Key, ...] = Field(
        default=(), description="Broker registrationNumbers (for to: brokers)."
    )


class Price(SourcedModel):
    """An item's amounts in one currency; an amount left out is not managed."""

    price: _Price = None
    cost: _Cost = None
    recommended_price: _Recommended = None


def _without_origin(value: object) -> object:
    # The loader's position marker is not a currency: the amounts keep their own positions.
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if isinstance(key, str)}
    return value


class _FrozenPrices(dict[str, Any]):
    """A read-only, hashable mapping, so a product stays a frozen, hashable model."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self.items()))

    def _refuse(self, *_: object, **__: object) -> None:
        raise TypeError("catalog models are immutable")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _refuse  # type: ignore[assignment]


def _keys_match_their_pattern(schema: dict[str, Any]) -> None:
    """pydantic writes a key type's pattern as ``patternProperties``, which only says how a
    key that matches is checked and lets any other key (``sek``) through; ``propertyNames``,
    which holds the key type's message, then holds its pattern too, as validate refuses such a
    key (CS213)."""
    for pattern in schema.get("patternProperties", {}):
        schema.setdefault("propertyNames", {})["pattern"] = pattern


Prices = Annotated[
    dict[CurrencyCode, Price],
    BeforeValidator(_without_origin),
    AfterValidator(_FrozenPrices),
    Field(
        description=(
            'Amounts per currency, by ISO 4217 code: {SEK: {price: "110", cost: "55",'
            ' recommendedPrice: "130"}}. A currency left out is not managed.'
        ),
        json_schema_extra=_keys_match_their_pattern,
    ),
]


class Addon(SourcedModel):
    """An addon of a product: what a broker buys, with its price; keyed by itemCode in its
    product."""

    id: Guid | None = Field(default=None, description=_ID)
    name: Name = Field(description="The name of the addon.")
    item_code: Key = Field(description="The addon's SKU, unique within its product.")
    moved_from: Key | None = Field(default=None, description=_MOVED_FROM)
    enable_grouping: bool = Field(
        default=False, strict=True, description="Whether the addon is grouped with others."
    )
    group_name: Text | None = Field(
        default=None, description="The group's name; required when enableGrouping is true."
    )
    price: _Price = None
    cost: _Cost = None
    recommended_price: _Recommended = None
    price_per: PricePer | None = Field(
        default=None,
        description=(
            "What the price is charged for: Subscription, Quantity or Selected under a"
            " ProductBased product; Metered under a Metered product."
        ),
    )
    hide_from_subscription_view: bool = Field(
        default=False, strict=True, description="Hide the addon in the subscription view."
    )
    hide_from_price_list: bool = Field(
        default=False, strict=True, description="Hide the addon in the price list."
    )
    prices: Prices = Field(default_factory=_FrozenPrices)
    protect: bool = Field(default=False, strict=True, description=_PROTECT)
    policy_exempt: tuple[PolicyRule, ...] = Field(default=(), description=_EXEMPT)


class Product(SourcedModel):
    """A product of a service, keyed by itemCode within its service."""

    id: Guid | None = Field(default=None, description=_ID)
    name: Name = Field(description="The name of the product.")
    item_code: Key = Field(description="The product's code, unique within its service.")
    moved_from: Key | None = Field(default=None, description=_MOVED_FROM)
    type: ProductType = Field(description="ProductBased or Metered.")
    description: Text | None = Field(default=None, description="Shown to brokers.")
    subscription_period_months: SubscriptionMonths | None = Field(
        default=None, description="Subscription period: 1, 12, 24, 36, 48 or 60 months."
    )
    billing_frequency_months: BillingMonths | None = Field(
        default=None, description="Billing frequency: every 1 or 12 months."
    )
    price: _Price = None
    cost: _Cost = None
    recommended_price: _Recommended = None
    min_quantity: WholeNumber | None = Field(default=None, description="Smallest quantity.")
    max_quantity: WholeNumber | None = Field(default=None, description="Largest quantity.")
    email_template: Name | None = Field(
        default=None, description="The NAME of the seller's e-mail template for notifications."
    )
    prices: Prices = Field(default_factory=_FrozenPrices)
    protect: bool = Field(default=False, strict=True, description=_PROTECT)
    policy_exempt: tuple[PolicyRule, ...] = Field(default=(), description=_EXEMPT)
    addons: tuple[Addon, ...] = Field(default=(), description="The product's addons.")


class SecretRef(SourcedModel):
    """A secret the files never hold: the environment variable its value is read from when
    the object is written."""

    env: EnvName = Field(
        description=(
            "The environment variable holding the secret. Its value is sent with every create"
            " and update of the object, never shown, compared or read back."
        )
    )


class HttpHeader(SourcedModel):
    """A header Cloudmore adds to each call (assumed, from the SDK's sample); its value may
    carry a credential, so it is a secret."""

    name: Name = Field(description="The header's name, such as Authorization.")
    value: SecretRef = Field(description="The header's value, as {env: VARIABLE}.")


class Webhook(SourcedModel):
    """A webhook of the service: a call Cloudmore makes to the service's connector when an
    event happens; keyed by name within its service."""

    id: Guid | None = Field(default=None, description=_ID)
    name: Name = Field(description="The webhook's name, unique within its service.")
    moved_from: Name | None = Field(default=None, description=_MOVED_FROM)
    url: HttpsUrl = Field(description="Where Cloudmore sends the call: an https URL.")
    trigger_event_type: Name = Field(
        description=(
            "The event that triggers the call: BrokerAddService, BrokerDeleteService,"
            " OrganizationAddService, OrganizationDeleteService, SubscriptionCreated and"
            " further Subscription events."
        )
    )
    message_to_send_type: Name | None = Field(
        default=None, description="What the call carries, such as OnlyTriggerAction."
    )
    http_header: HttpHeader | None = Field(
        default=None, description="A header sent with each call (assumed field)."
    )
    basic_auth_user_name: Text | None = Field(
        default=None, description="The basic authentication user name (assumed field)."
    )
    basic_auth_password: SecretRef | None = Field(
        default=None,
        description="The basic authentication password, as {env: VARIABLE} (assumed field).",
    )
    protect: bool = Field(default=False, strict=True, description=_PROTECT)


class Service(SourcedModel):
    """A service of the seller, keyed by name."""

    id: Guid | None = Field(default=None, description=_ID)
    name: Name = Field(description="The service's name, unique per seller.")
    moved_from: Name | None = Field(default=None, description=_MOVED_FROM)
    vendor_name: Text | None = Field(default=None, description="The vendor's name.")
    description: Text | None = Field(default=None, description="Shown to brokers.")
    categories: tuple[Name, ...] = Field(
        min_length=1, description="Category NAMES (at least one), as Cloudmore lists them."
    )
    allow_multiple_users: bool = Field(
        default=False, strict=True, description="Whether a subscription may have many users."
    )
    provisioning_type: ProvisioningType | None = Field(
        default=None, description="How subscriptions are provisioned: Email or Webhook."
    )
    protect: bool = Field(default=False, strict=True, description=_PROTECT)
    publish: Publish | None = Field(
        default=None, description="Where the service is published; absent: left as it is."
    )
    products: tuple[Product, ...] = Field(default=(), description="The service's products.")
    webhooks: tuple[Webhook, ...] = Field(
        default=(), description="The service's webhooks, keyed by name."
    )


class BrokerContact(SourcedModel):
    """The broker's main contact (all fields required)."""

    name: Name = Field(description="The contact's name.")
    job_title: Name = Field(description="The contact's job title.")
    email: Email = Field(description="The contact's e-mail address.")
    phone_prefix: PhonePrefix = Field(description="Country calling code, digits without '+'.")
    phone: PhoneNumber = Field(description="Phone number, digits only.")
    cell_phone_prefix: PhonePrefix = Field(
        description="Country calling code of the mobile phone, digits without '+'."
    )
    cell_phone: PhoneNumber = Field(description="Mobile phone number, digits only.")


class PostalAddress(SourcedModel):
    """The broker's address."""

    address: Text | None = Field(default=None, description="Street name and house number.")
    postal_code: Text | None = Field(default=None, description="Postal code (quote it).")
    city: Text | None = Field(default=None, description="City.")
    country_code: CountryCode = Field(description="ISO 3166 alpha-2 country code.")


class InvoiceContact(SourcedModel):
    """Who receives the broker's invoices."""

    name: Text | None = Field(default=None, description="The invoice contact's name.")
    email: Email | None = Field(default=None, description="The invoice e-mail address.")
    phone_prefix: PhonePrefix | None = Field(
        default=None, description="Country calling code, digits without '+'."
    )
    phone: PhoneNumber | None = Field(default=None, description="Phone number, digits only.")


class BrokerCustomProperty(SourcedModel):
    """A value of one of the seller's broker custom properties, named by the property's name
    (as the seller's custom property settings define it) or by its id."""

    name: Text | None = Field(
        default=None, description="The custom property's name, as the seller's settings name it."
    )
    id: Guid | None = Field(
        default=None, description="Or the custom property's id (a lower-case GUID)."
    )
    value: Text = Field(description="The value.")

    @model_validator(mode="after")
    def _name_or_id(self) -> BrokerCustomProperty:
        if (self.name is None) == (self.id is None):
            raise PydanticCustomError(
                "custom_property_key", "give the custom property's name or its id (one of them)"
            )
        return self


class Broker(SourcedModel):
    """A broker (reseller) of the seller keyed by registrationNumber."""

    id: Guid | None = Field(default=None, description=_ID)
    name: Name = Field(description="The broker's name.")
    registration_number: Key = Field(
        description="The company registration number, unique per seller (quote it)."
    )
    moved_from: Key | None = Field(default=None, description=_MOVED_FROM)
    vat: Text | None = Field(default=None, description="The VAT number.")
    domain: Domain = Field(description="The broker's domain, like example.com.")
    notification_email: Email = Field(description="Where notifications are sent.")
    support_email: Email = Field(description="The broker's support e-mail address.")
    contact: BrokerContact = Field(description="The main contact.")
    address: PostalAddress = Field(description="Where the broker is; countryCode is required.")
    invoice_contact: InvoiceContact | None = Field(default=None, description="The invoice contact.")
    custom_properties: tuple[BrokerCustomProperty, ...] = Field(
        default=(),
        description="Values of broker custom properties, as {name, value} or {id, value}.",
    )
    allow_cmp_access: bool = Field(
        default=False, strict=True, description="Whether the broker may use the Cloudmore UI."
    )
    protect: bool = Field(default=False, strict=True, description=_PROTECT)


Segment = Literal["Commercial", "Charity", "Educational"]
DEFAULT_SEGMENT: Segment = "Commercial"


class _Reserved(SourcedModel):
    """The places a broker's price list has beyond one price per currency (docs/broker.md):
    segments, subscription length and payment frequency. Reserved in the format; validate
    refuses all but the default segment (Commercial) as not supported yet (CS332)."""

    segment: Segment | None = Field(
        default=None,
        description="The price list segment; only Commercial (the default) is supported yet.",
    )
    subscription_length_months: WholeNumber | None = Field(
        default=None, description="Reserved: a price per subscription length (not supported yet)."
    )
    payment_frequency_months: WholeNumber | None = Field(
        default=None, description="Reserved: a price per payment frequency (not supported yet)."
    )


class BrokerPrice(_Reserved):
    """The broker's price of a marketplace item in one currency (the seller owns its cost)."""

    price: Money = Field(description="The broker's price to its customers.")


class CustomerPrice(_Reserved):
    """One customer's own price of an item in one currency; it overrides the broker's."""

    price: Money = Field(description="The customer's price.")


BrokerPrices = Annotated[
    dict[CurrencyCode, BrokerPrice],
    BeforeValidator(_without_origin),
    AfterValidator(_FrozenPrices),
    Field(
        description='The broker\'s price per currency, by ISO 4217 code: {SEK: {price: "99"}}.',
        json_schema_extra=_keys_match_their_pattern,
    ),
]
CustomerPrices = Annotated[
    dict[CurrencyCode, CustomerPrice],
    BeforeValidator(_without_origin),
    AfterValidator(_FrozenPrices),
    Field(
        description=(
            'The customer\'s price per currency, by ISO 4217 code: {SEK: {price: "115"}}.'
        ),
        json_schema_extra=_keys_match_their_pattern,
    ),
]
_ONLY_PRICES = (
    " Under marketplace: true the seller owns everything but the broker's prices: only"
    " itemCode, prices and addons may be given."
)


class MarketplaceAddon(SourcedModel):
    """An addon of a marketplace service, named by itemCode: only its prices are the broker's."""

    item_code: Key = Field(description="The addon's itemCode, as the seller defines it.")
    prices: BrokerPrices = Field(default_factory=_FrozenPrices)


class MarketplaceProduct(SourcedModel):
    """A product of a marketplace service, named by itemCode: only its prices are the
    broker's."""

    item_code: Key = Field(description="The product's itemCode, as the seller defines it.")
    prices: BrokerPrices = Field(default_factory=_FrozenPrices)
    addons: tuple[MarketplaceAddon, ...] = Field(default=(), description="Its addons' prices.")


class MarketplaceService(SourcedModel):
    """A seller's service the broker resells (broker catalogs): the seller owns it, the broker
    sets its prices; its cost (the seller's price to the broker) is read, never written."""

    id: Guid | None = Field(default=None, description=_ID)
    name: Name = Field(description="The service's name, as the seller names it.")
    marketplace: Literal[True] = Field(
        description="true: a seller's service this broker resells." + _ONLY_PRICES
    )
    products: tuple[MarketplaceProduct, ...] = Field(
        default=(), description="The products the broker prices, by itemCode."
    )


class CustomerAddon(SourcedModel):
    """An addon's customer prices, named by itemCode."""

    item_code: Key = Field(description="The addon's itemCode.")
    prices: CustomerPrices = Field(default_factory=_FrozenPrices)


class CustomerProduct(SourcedModel):
    """A product's customer prices, named by itemCode."""

    item_code: Key = Field(description="The product's itemCode.")
    prices: CustomerPrices = Field(default_factory=_FrozenPrices)
    addons: tuple[CustomerAddon, ...] = Field(default=(), description="Its addons' prices.")


class CustomerService(SourcedModel):
    """A service whose prices are specific to one customer, named as the broker's services."""

    name: Name = Field(description="The service's name.")
    products: tuple[CustomerProduct, ...] = Field(default=(), description="Its products' prices.")


class Customer(SourcedModel):
    """A customer (organization) of the broker with prices of its own (broker catalogs).
    catalog-sync never creates or deletes organizations: the name must exist."""

    organization: Name = Field(description="The organization's name, as the broker lists it.")
    id: Guid | None = Field(
        default=None,
        alias="organizationId",
        description="Pins the organization by its id (a lower-case GUID), whatever its name.",
    )
    services: tuple[CustomerService, ...] = Field(
        default=(), description="The services with prices specific to this customer."
    )


def _service_kind(value: object) -> str:
    if isinstance(value, dict):
        return "marketplace" if value.get("marketplace") is True else "service"
    return "marketplace" if isinstance(value, MarketplaceService) else "service"


AnyService = Annotated[
    Annotated[Service, Tag("service")] | Annotated[MarketplaceService, Tag("marketplace")],
    Discriminator(_service_kind),
]
"""A seller's or a broker's own service, or (``marketplace: true``) one the broker resells.
The tags are left out of validation errors' paths (catalog/validation.py)."""


class CatalogFile(SourcedModel):
    """One catalog file. Any file may hold services and brokers; only catalog.yaml settings."""

    settings: Settings | None = Field(
        default=None, description="Catalog-wide settings (root catalog.yaml only)."
    )
    services: tuple[AnyService, ...] = Field(default=(), description="Services, keyed by name.")
    brokers: tuple[Broker, ...] = Field(
        default=(), description="Brokers, keyed by registrationNumber."
    )
    customers: tuple[Customer, ...] = Field(
        default=(),
        description="A broker's customers with prices of their own, keyed by organization.",
    )


class Catalog(SourcedModel):
    """The whole catalog: every file's services and brokers merged, in file order."""

    settings: Settings = Field(default_factory=Settings)
    services: tuple[AnyService, ...] = ()
    brokers: tuple[Broker, ...] = ()
    customers: tuple[Customer, ...] = ()
