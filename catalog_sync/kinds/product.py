"""Products: what a service sells, each with its own prices (``docs/contracts.md``,
"Products")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, Literal, get_args

from pydantic import ConfigDict

from catalog_sync.cloudmore.wire import Money, ObjectBody
from catalog_sync.graph import Kind, ResourceGraph
from catalog_sync.kinds.contract import Contract, WireField
from catalog_sync.kinds.registry import (
    PRICE_FIELDS,
    Endpoint,
    FieldSpec,
    KindSpec,
    own_price_cell,
    register,
)
from catalog_sync.normalise import FieldType

if TYPE_CHECKING:
    from catalog_sync.diagnostics import Diagnostic
    from catalog_sync.plan.model import Change

__all__ = [
    "CONTRACT",
    "SPEC",
    "ProductBody",
    "ProductRead",
    "ProductType",
    "quantities_out_of_order",
]

ProductType = Literal["ProductBased", "Metered"]


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


def quantities_out_of_order(fields: Mapping[str, object]) -> tuple[int, int] | None:
    """``(minQuantity, maxQuantity)`` when the first is above the second, a pair Cloudmore
    refuses; ``fields`` by their file (and wire) names. The files, the plan and the emulator
    hold a product to it."""
    low, high = fields.get("minQuantity"), fields.get("maxQuantity")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        return low, high
    return None


def _impossible(change: Change, live: ResourceGraph) -> list[Diagnostic]:
    # Imported here: the catalog package imports the kinds.
    from catalog_sync.catalog.codes import Code
    from catalog_sync.catalog.sourced import UNKNOWN_LOCATION
    from catalog_sync.diagnostics import Diagnostic, Severity

    problems = []
    current = live.by_id(change.kind).get(change.id) if change.id is not None else None
    written = {**(current.fields if current is not None else {}), **change.written()}
    shown = {f.path: f for f in change.field_changes}
    order = quantities_out_of_order(written)
    if order is not None:
        # The files may give one and leave the other to live state (docs/diagnostics.md).
        given = shown.get("minQuantity") or shown.get("maxQuantity")
        kept = "maxQuantity" if "maxQuantity" not in shown else "minQuantity"
        problems.append(
            Diagnostic(
                (given.source if given else None) or change.source or UNKNOWN_LOCATION,
                Code.QUANTITY_ORDER,
                Severity.ERROR,
                f"{change.address}: minQuantity {order[0]} would be above maxQuantity "
                f"{order[1]} (the {kept} the files leave out keeps its live value): give both "
                "in the files",
            )
        )
    type_change = shown.get("type")
    if type_change is not None and change.id is not None and live.children(change.address):
        problems.append(
            Diagnostic(
                type_change.source or change.source or UNKNOWN_LOCATION,
                Code.PRODUCT_TYPE_CHANGE,
                Severity.ERROR,
                f"{change.address}: the type cannot change from {type_change.before} to "
                f"{type_change.after} while the product has addons (Cloudmore checks "
                "each addon's pricePer against it): remove the addons, apply, then "
                "change the type and add them back",
            )
        )
    return problems


_SEED = "seed 003: a product list item is exactly these (SellerServiceProductViewModel)"
_DETAIL = "assumed: SellerServiceProductDetailViewModel's fields are not public"

CONTRACT = Contract(
    endpoint="GET/POST services/{id}/products, GET/PUT/DELETE .../products/{id}",
    endpoint_evidence="documented",
    endpoint_source="Cloudmore developer guide; SDK endpoint table",
    where="catalog_sync/kinds/product.py",
    fields=(
        WireField("id", "string", "documented", _SEED, nullable=False, resets=False),
        WireField("name", "string", "documented", _SEED, nullable=False),
        WireField("description", "string", "documented", _SEED),
        WireField("itemCode", "string", "documented", _SEED, nullable=False),
        WireField(
            "type",
            "string",
            "documented",
            "seed 003: ProductBased and Metered (the field name assumed)",
            in_list=False,
            values=get_args(ProductType),
        ),
        *(
            WireField(name, kind, "assumed", _DETAIL, in_list=False)  # type: ignore[arg-type]
            for name, kind in (
                ("subscriptionPeriodMonths", "integer"),
                ("billingFrequencyMonths", "integer"),
                ("price", "number"),
                ("cost", "number"),
                ("recommendedPrice", "number"),
                ("minQuantity", "integer"),
                ("maxQuantity", "integer"),
                ("emailTemplateId", "string"),
                ("allowQuantityDecrease", "boolean"),
            )
        ),
    ),
)

SPEC = register(
    KindSpec(
        Kind.PRODUCT,
        price_cell=own_price_cell,
        sku=True,
        parent=Kind.SERVICE,
        key="itemCode",
        catalog_items="products",
        read_model=ProductRead,
        body_model=ProductBody,
        endpoint=Endpoint("services/{0}/products"),
        contract=CONTRACT,
        impossible=_impossible,
        fields=(
            FieldSpec("name", FieldType.TEXT),
            FieldSpec("itemCode", FieldType.TEXT, code=True),
            FieldSpec("type", FieldType.ENUM),
            FieldSpec("description", FieldType.TEXT),
            FieldSpec("subscriptionPeriodMonths", FieldType.INT),
            FieldSpec("billingFrequencyMonths", FieldType.INT),
            *(FieldSpec(name, FieldType.MONEY) for name in PRICE_FIELDS),
            FieldSpec("minQuantity", FieldType.INT),
            FieldSpec("maxQuantity", FieldType.INT),
            FieldSpec(
                "emailTemplate",
                FieldType.TEXT,
                wire="emailTemplateId",
                lookup="emailTemplates",
                noun="e-mail template",
            ),
        ),
    )
)
