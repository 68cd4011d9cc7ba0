"""Services: the top of the seller's catalog (``docs/contracts.md``, "Services").

Removing a service disables it: Cloudmore's ``DELETE`` on a service leaves it listed as
``Disabled``, and a body with ``status: Active`` enables it again.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import ConfigDict, Field

from catalog_sync.cloudmore.wire import NestedBody, ObjectBody
from catalog_sync.graph import Kind
from catalog_sync.kinds.publish import PublishBody
from catalog_sync.kinds.registry import Endpoint, FieldSpec, KindSpec, register
from catalog_sync.normalise import FieldType

__all__ = [
    "SPEC",
    "CustomProperty",
    "ProvisioningType",
    "ServiceBody",
    "ServiceRead",
    "ServiceStatus",
]

ProvisioningType = Literal["Email", "Webhook"]
ServiceStatus = Literal["Active", "Disabled"]


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
    list item with exactly these: the spec's ``list_view``); the detail read's other fields
    are ASSUMED. The swagger names of the list and detail models are not known to this project.

    ``currencies`` (ASSUMED, on the detail; absent from a summary list item) are the ISO 4217
    codes the service has a price list in; the server keeps it, a body never carries it."""

    model_config = ConfigDict(title="Service")

    read_only: ClassVar[frozenset[str]] = frozenset()
    id: str
    status: ServiceStatus = "Active"
    publish: PublishBody = Field(default_factory=PublishBody)
    currencies: list[str] = Field(default_factory=list)


SPEC = register(
    KindSpec(
        Kind.SERVICE,
        parent=None,
        key="name",
        catalog_items="services",
        read_model=ServiceRead,
        body_model=ServiceBody,
        endpoint=Endpoint("services"),
        list_view=frozenset({"id", "name", "vendorName", "allowMultipleUsers", "customProperties"}),
        removal="disable",
        status="status",
        fields=(
            FieldSpec("name", FieldType.TEXT),
            FieldSpec("vendorName", FieldType.TEXT),
            FieldSpec("description", FieldType.TEXT),
            FieldSpec(
                "categories",
                FieldType.SET,
                wire="categoryIds",
                lookup="categories",
                noun="category",
            ),
            FieldSpec("allowMultipleUsers", FieldType.BOOL, default=False),
            FieldSpec("provisioningType", FieldType.ENUM),
        ),
    )
)
