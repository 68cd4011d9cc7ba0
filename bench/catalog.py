"""The generated catalog: S services x P products x A addons with realistic values.

One description (:class:`GeneratedCatalog`) feeds three views that must agree: the YAML files
catalog-sync reads (:func:`write_catalog`), and the wire bodies a hand-written script sends
(:mod:`bench.wire`), which also seed the emulator's live state (:mod:`bench.seed`). A no-change
plan against the seeded state proves the views agree: the harness refuses a case otherwise.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from pathlib import Path

from catalog_sync.emulator import DEMO
from catalog_sync.emulator.seeds import build_store
from catalog_sync.graph import Kind
from catalog_sync.kinds import PUBLISH_MODES as _WIRE_PUBLISH_MODES
from catalog_sync.kinds import defaults

__all__ = [
    "BROKERS",
    "PUBLISH_MODES",
    "Addon",
    "Broker",
    "GeneratedCatalog",
    "Product",
    "Publish",
    "Service",
    "Shape",
    "generate",
    "prune_shape",
    "shape_for",
    "write_catalog",
]

# Every catalog publish mode; services cycle through them in this order.
PUBLISH_MODES = tuple(_WIRE_PUBLISH_MODES)
_VENDORS = ("Microsoft", "Google", "Acronis", "Example Cloud", "Dropbox", "Keepit", "Zoom")
# The lookup names every emulator seed has.
_LOOKUPS = build_store("empty", DEMO.seller_id)
_CATEGORIES = tuple(c["name"] for c in _LOOKUPS.categories)
_REGIONS = tuple(r["name"] for r in _LOOKUPS.regions)
_COUNTRIES = ("SE", "NO", "DK", "FI", "EE", "LV", "LT", "DE", "NL", "GB", "US", "AU")
_TEMPLATES = (*(t["name"] for t in _LOOKUPS.email_templates[:3]), None)
_WORDS = ("Backup", "Mail", "Workspace", "Firewall", "Phone", "Storage", "Identity", "Desk")
_PRICE_PER_PRODUCT_BASED = ("Subscription", "Quantity", "Selected")

# Exact shapes for the sizes the issue names: resources = S + S*P + S*P*A.
_PRESETS = {
    50: (2, 4, 5),
    500: (5, 9, 10),
    1000: (8, 4, 30),
    5000: (8, 24, 25),
    10000: (16, 24, 25),
}


@dataclass(frozen=True)
class Shape:
    services: int
    products: int
    addons: int

    @property
    def resources(self) -> int:
        """Services, products and addons (the two brokers are not counted)."""
        s, p, a = self.services, self.products, self.addons
        return s + s * p + s * p * a

    @property
    def label(self) -> str:
        return f"{self.services}x{self.products}x{self.addons}"


def shape_for(size: str) -> Shape:
    """``SxPxA`` literally, or a resource count: exact for the issue's sizes, else close."""
    if "x" in size:
        s, p, a = (int(part) for part in size.split("x"))
        return Shape(s, p, a)
    count = int(size)
    if count < 1:
        raise ValueError(f"size must be positive: {size}")
    if count in _PRESETS:
        return Shape(*_PRESETS[count])
    # Products of 10 addons, 10 products a service, as many services as it takes.
    services = max(1, round(count / 111))
    per_service = max(1, count // services - 1)
    products = max(1, min(10, round(math.sqrt(per_service / 10))))
    addons = max(0, per_service // products - 1)
    return Shape(services, products, addons)


@dataclass(frozen=True)
class Broker:
    name: str
    registration_number: str
    vat: str
    domain: str
    country: str
    phone_prefix: str


BROKERS = (
    Broker(
        "Nordic Cloud Partners AB", "5566778899", "SE556677889901", "nordic.example.com", "SE", "46"
    ),
    Broker("Baltic IT Solutions OU", "12345678", "EE101234567", "baltic.example.com", "EE", "372"),
)


@dataclass(frozen=True)
class Publish:
    to: str
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    brokers: tuple[str, ...] = ()

    @property
    def is_default(self) -> bool:
        """What a new service has already (the registry's defaults): creating it needs no
        publish write."""
        return asdict(self) == defaults(Kind.PUBLISH)


@dataclass(frozen=True)
class Addon:
    name: str
    item_code: str
    price: Decimal
    cost: Decimal
    recommended_price: Decimal
    price_per: str
    group_name: str | None = None
    hide_from_subscription_view: bool = False
    hide_from_price_list: bool = False


@dataclass(frozen=True)
class Product:
    name: str
    item_code: str
    type: str
    description: str
    subscription_period_months: int
    billing_frequency_months: int
    price: Decimal
    cost: Decimal
    min_quantity: int | None
    max_quantity: int | None
    email_template: str | None
    addons: tuple[Addon, ...]


@dataclass(frozen=True)
class Service:
    name: str
    vendor_name: str
    description: str
    categories: tuple[str, ...]
    allow_multiple_users: bool
    provisioning_type: str
    publish: Publish
    products: tuple[Product, ...]


@dataclass(frozen=True)
class GeneratedCatalog:
    shape: Shape
    services: tuple[Service, ...]
    brokers: tuple[Broker, ...] = BROKERS
    prune: bool = False

    @property
    def addons(self) -> list[Addon]:
        return [a for s in self.services for p in s.products for a in p.addons]

    def without_addons(self) -> GeneratedCatalog:
        """The same services and products with no addons, and prune on: the files of a prune
        case whose live state holds the addons."""
        services = tuple(
            replace(s, products=tuple(replace(p, addons=()) for p in s.products))
            for s in self.services
        )
        return replace(self, services=services, prune=True)

    def with_price_changes(self, every: int) -> GeneratedCatalog:
        """The same catalog with every ``every``-th addon's price raised by 5%."""
        counter = iter(range(len(self.addons)))

        def bump(addon: Addon) -> Addon:
            if next(counter) % every:
                return addon
            return replace(addon, price=(addon.price * Decimal("1.05")).quantize(Decimal("0.01")))

        services = tuple(
            replace(
                s,
                products=tuple(
                    replace(p, addons=tuple(bump(a) for a in p.addons)) for p in s.products
                ),
            )
            for s in self.services
        )
        return replace(self, services=services)


def _money(cents: int, places: int = 2) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal(1).scaleb(-places))


def _addon(s: int, p: int, a: int, product_type: str) -> Addon:
    base = 100 + (s * 7919 + p * 104729 + a * 1299709) % 9900  # 1.00 .. 99.99
    metered = product_type == "Metered"
    price_per = "Metered" if metered else _PRICE_PER_PRODUCT_BASED[a % 3]
    places = 4 if metered else 2
    grouped = a % 4 == 0
    return Addon(
        name=f"{_WORDS[(s + a) % len(_WORDS)]} edition {a + 1} (service {s + 1}, plan {p + 1})",
        item_code=f"s{s:03d}-p{p:03d}-a{a:03d}",
        price=_money(base, places),
        cost=_money(base * 8 // 10, places),
        recommended_price=_money(base * 12 // 10, places),
        price_per=price_per,
        group_name=f"tier-{p % 3}" if grouped else None,
        hide_from_subscription_view=a % 7 == 3,
        hide_from_price_list=a % 11 == 5,
    )


def _product(s: int, p: int, addons: int) -> Product:
    product_type = "Metered" if p % 3 == 2 else "ProductBased"
    annual = p % 2 == 1
    return Product(
        name=f"Plan {p + 1} of service {s + 1} ({'annual' if annual else 'monthly'})",
        item_code=f"s{s:03d}-p{p:03d}",
        type=product_type,
        description=f"{product_type} plan {p + 1}: billed monthly, cancel at the period's end.",
        subscription_period_months=12 if annual else 1,
        billing_frequency_months=1,
        price=_money(0 if product_type == "Metered" else 500 + 100 * p),
        cost=_money(0 if product_type == "Metered" else 300 + 60 * p),
        min_quantity=None if product_type == "Metered" else 1,
        max_quantity=None if product_type == "Metered" else 300 + p,
        email_template=_TEMPLATES[p % len(_TEMPLATES)],
        addons=tuple(_addon(s, p, a, product_type) for a in range(addons)),
    )


def _publish(s: int) -> Publish:
    mode = PUBLISH_MODES[s % len(PUBLISH_MODES)]
    if mode == "regions":
        return Publish(
            mode, regions=(_REGIONS[s % len(_REGIONS)], _REGIONS[(s + 1) % len(_REGIONS)])
        )
    if mode == "countries":
        return Publish(mode, countries=tuple(_COUNTRIES[(s + k) % 12] for k in range(3)))
    if mode == "brokers":
        return Publish(mode, brokers=tuple(b.registration_number for b in BROKERS))
    return Publish(mode)


def _service(s: int, shape: Shape, prefix: str = "Service") -> Service:
    word = _WORDS[s % len(_WORDS)]
    return Service(
        name=f"{prefix} {s + 1:04d} {word}",
        vendor_name=_VENDORS[s % len(_VENDORS)],
        description=f"{word} for teams of every size, by {_VENDORS[s % len(_VENDORS)]}.",
        categories=(_CATEGORIES[s % len(_CATEGORIES)], _CATEGORIES[(s + 3) % len(_CATEGORIES)]),
        allow_multiple_users=s % 2 == 0,
        # Email: a Webhook service without webhooks is a warning (CS328), and these have none.
        provisioning_type="Email",
        publish=_publish(s),
        products=tuple(_product(s, p, shape.addons) for p in range(shape.products)),
    )


def generate(shape: Shape) -> GeneratedCatalog:
    return GeneratedCatalog(shape, tuple(_service(s, shape) for s in range(shape.services)))


def prune_shape(size: str) -> Shape:
    """The live shape whose addons a prune of ``size`` objects removes (``SxPxA`` literally)."""
    if "x" in size:
        return shape_for(size)
    count = int(size)
    for services, products in ((10, 10), (5, 10), (5, 5), (2, 5), (1, 5), (1, 2)):
        if count % (services * products) == 0 and count // (services * products) >= 2:
            return Shape(services, products, count // (services * products))
    return Shape(1, 1, count)


# --- YAML -------------------------------------------------------------------------------------


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # JSON strings are YAML double-quoted scalars; money stays a string (exact).
    return json.dumps(str(value), ensure_ascii=False)


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _service_yaml(service: Service) -> str:
    lines = [
        "services:",
        f"  - name: {_scalar(service.name)}",
        f"    vendorName: {_scalar(service.vendor_name)}",
        f"    description: {_scalar(service.description)}",
        f"    categories: {_list(service.categories)}",
        f"    allowMultipleUsers: {_scalar(service.allow_multiple_users)}",
        f"    provisioningType: {service.provisioning_type}",
        "    publish:",
        f"      to: {service.publish.to}",
    ]
    for key in ("regions", "countries", "brokers"):
        values = getattr(service.publish, key)
        if values:
            lines.append(f"      {key}: {_list(values)}")
    lines.append("    products:" if service.products else "    products: []")
    for product in service.products:
        lines += [
            f"      - name: {_scalar(product.name)}",
            f"        itemCode: {_scalar(product.item_code)}",
            f"        type: {product.type}",
            f"        description: {_scalar(product.description)}",
            f"        subscriptionPeriodMonths: {product.subscription_period_months}",
            f"        billingFrequencyMonths: {product.billing_frequency_months}",
            f"        price: {_scalar(product.price)}",
            f"        cost: {_scalar(product.cost)}",
        ]
        if product.min_quantity is not None:
            lines.append(f"        minQuantity: {product.min_quantity}")
        if product.max_quantity is not None:
            lines.append(f"        maxQuantity: {product.max_quantity}")
        if product.email_template is not None:
            lines.append(f"        emailTemplate: {_scalar(product.email_template)}")
        lines.append("        addons:" if product.addons else "        addons: []")
        for addon in product.addons:
            lines += [
                f"          - name: {_scalar(addon.name)}",
                f"            itemCode: {_scalar(addon.item_code)}",
                f"            price: {_scalar(addon.price)}",
                f"            cost: {_scalar(addon.cost)}",
                f"            recommendedPrice: {_scalar(addon.recommended_price)}",
                f"            pricePer: {addon.price_per}",
            ]
            if addon.group_name is not None:
                lines += [
                    "            enableGrouping: true",
                    f"            groupName: {_scalar(addon.group_name)}",
                ]
            if addon.hide_from_subscription_view:
                lines.append("            hideFromSubscriptionView: true")
            if addon.hide_from_price_list:
                lines.append("            hideFromPriceList: true")
    return "\n".join(lines) + "\n"


def _brokers_yaml(brokers: tuple[Broker, ...]) -> str:
    lines = ["brokers:"]
    for b in brokers:
        lines += [
            f"  - name: {_scalar(b.name)}",
            f"    registrationNumber: {_scalar(b.registration_number)}",
            f"    vat: {_scalar(b.vat)}",
            f"    domain: {_scalar(b.domain)}",
            f"    notificationEmail: {_scalar('notify@' + b.domain)}",
            f"    supportEmail: {_scalar('support@' + b.domain)}",
            "    contact:",
            f"      name: {_scalar('Partner Manager of ' + b.name)}",
            f"      jobTitle: {_scalar('Partner Manager')}",
            f"      email: {_scalar('partners@' + b.domain)}",
            f"      phonePrefix: {_scalar(b.phone_prefix)}",
            f"      phone: {_scalar('701234567')}",
            f"      cellPhonePrefix: {_scalar(b.phone_prefix)}",
            f"      cellPhone: {_scalar('701234568')}",
            "    address:",
            f"      address: {_scalar('Main Street 1')}",
            f"      postalCode: {_scalar('11143')}",
            f"      city: {_scalar('Capital')}",
            f"      countryCode: {b.country}",
            "    allowCmpAccess: true",
        ]
    return "\n".join(lines) + "\n"


def write_catalog(catalog: GeneratedCatalog, directory: Path) -> Path:
    """Write the catalog as a directory (catalog.yaml, brokers.yaml, one file per service)."""
    (directory / "services").mkdir(parents=True, exist_ok=True)
    settings = [
        "settings:",
        f"  prune: {_scalar(catalog.prune)}",
        "  thresholds:",
        "    maxUpdatePercent: 100",
        "    maxDeletePercent: 100",
        "    minExisting: 0",
    ]
    (directory / "catalog.yaml").write_text("\n".join(settings) + "\n", encoding="utf-8")
    (directory / "brokers.yaml").write_text(_brokers_yaml(catalog.brokers), encoding="utf-8")
    for index, service in enumerate(catalog.services):
        path = directory / "services" / f"service-{index:04d}.yaml"
        path.write_text(_service_yaml(service), encoding="utf-8")
    return directory
