"""Products: what a service sells, each with its own prices (``docs/contracts.md``,
"Products")."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import ConfigDict

from catalog_sync.cloudmore.wire import Money, ObjectBody
from catalog_sync.graph import Kind
from catalog_sync.kinds.registry import (
    PRICE_FIELDS,
    Endpoint,
    FieldSpec,
    KindSpec,
    own_price_cell,
    register,
)
from catalog_sync.normalise import FieldType

__all__ = ["SPEC", "ProductBody", "ProductRead", "ProductType"]

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
        list_view=frozenset({"id", "name", "description", "itemCode"}),
        fields=(
            FieldSpec("name", FieldType.TEXT),
            FieldSpec("itemCode", FieldType.TEXT),
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
