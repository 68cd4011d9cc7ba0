"""Services: the top of the seller's catalog (``docs/contracts.md``, "Services").

Removing a service disables it: Cloudmore's ``DELETE`` on a service leaves it listed as
``Disabled``, and a body with ``status: Active`` enables it again.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

from pydantic import ConfigDict, Field

from catalog_sync.cloudmore.wire import NestedBody, ObjectBody
from catalog_sync.graph import Kind
from catalog_sync.kinds.contract import Contract, WireField
from catalog_sync.kinds.publish import CONTRACT as PUBLISH_CONTRACT
from catalog_sync.kinds.publish import PublishBody
from catalog_sync.kinds.registry import Endpoint, FieldSpec, KindSpec, register
from catalog_sync.normalise import FieldType

__all__ = [
    "CONTRACT",
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

    ``currencies`` (ASSUMED) are the ISO 4217 codes enabled on the service; the server keeps
    it, a body never carries it. ``status``, ``publish`` and ``currencies`` are ``None`` when
    the read lacks them: unreadable, never defaulted."""

    model_config = ConfigDict(title="Service")

    read_only: ClassVar[frozenset[str]] = frozenset()
    id: str
    # A read that lacks them has not told: never a default (docs/contracts.md, "Unreadable
    # fields").
    status: ServiceStatus | None = None
    publish: PublishBody | None = None
    currencies: list[str] | None = None


_GUIDE = "Cloudmore developer guide: a service list item shows exactly these"
_SDK = "Cloudmore's generated SDK: one model, SellerServiceViewModel, for list and read by id"
_OURS = "assumed: our design (docs/contracts.md, Services)"
_UI = "a Cloudmore UI setting (knowledge base); the wire name and type assumed"
_CUSTOM_PROPERTY = tuple(
    WireField(name, kind, "documented", _GUIDE)  # type: ignore[arg-type]
    for name, kind in (
        ("type", "string"),
        ("propertyId", "string"),
        ("name", "string"),
        ("defaultValue", "string"),
        ("visible", "boolean"),
        ("mandatory", "boolean"),
        ("allowedValues", "array"),
        ("appliesToOrganizations", "boolean"),
        ("appliesToBrokers", "boolean"),
        ("appliesToSeller", "boolean"),
    )
)

CONTRACT = Contract(
    endpoint="GET/POST services, GET/PUT/DELETE services/{id}",
    endpoint_evidence="documented",
    endpoint_source="Cloudmore developer guide; SDK endpoint table",
    where="catalog_sync/kinds/service.py",
    fields=(
        WireField("id", "string", "documented", _GUIDE, nullable=False, resets=False),
        WireField("name", "string", "documented", _GUIDE, nullable=False),
        WireField("vendorName", "string", "documented", _GUIDE),
        WireField("allowMultipleUsers", "boolean", "documented", _GUIDE, nullable=False),
        WireField("customProperties", "array", "documented", _GUIDE, fields=_CUSTOM_PROPERTY),
        WireField("description", "string", "assumed", _OURS),
        WireField("categoryIds", "array", "assumed", _OURS),
        WireField(
            "provisioningType", "string", "assumed", _OURS, values=get_args(ProvisioningType)
        ),
        # A PUT without status keeps the current one (assumed): it resets nothing.
        WireField(
            "status", "string", "assumed", _OURS, resets=False, values=get_args(ServiceStatus)
        ),
        WireField(
            "publish", "object", "assumed", _OURS, resets=False, fields=PUBLISH_CONTRACT.fields
        ),
        WireField("currencies", "array", "assumed", _OURS, resets=False),
        WireField("billingGeneration", "string", "assumed", _UI, values=("Automatic", "Manual")),
        WireField("displayOnly", "boolean", "assumed", _UI),
        WireField("userAssignedService", "boolean", "assumed", _UI),
        WireField("oneSubscriptionPerOrganization", "boolean", "assumed", _UI),
        WireField("welcomeTemplateIds", "array", "assumed", _UI),
    ),
)
"""One model for the list and the read by id (``_SDK``): every list item is the whole
service, so the client reads no service by id."""

SPEC = register(
    KindSpec(
        Kind.SERVICE,
        parent=None,
        key="name",
        catalog_items="services",
        read_model=ServiceRead,
        body_model=ServiceBody,
        endpoint=Endpoint("services"),
        contract=CONTRACT,
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
