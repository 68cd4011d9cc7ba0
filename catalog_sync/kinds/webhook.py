"""Seller webhooks: how Cloudmore calls a ``Webhook``-provisioned service's connector
(``docs/contracts.md``, "Seller webhooks").

The collection is listed once at the seller root, not under the service: each webhook names
its service by ``serviceId``, which the client groups by and writes into every body. The
endpoints and ``name, serviceId, url, triggerEventType, messageToSendType`` are documented
(Cloudmore's webhook guide); ``httpHeader``, ``basicAuthUserName`` and ``basicAuthPassword``
come from the SDK's sample body and are ASSUMED, as is everything about reading them. The
password and the header's value are write-only secrets (``catalog_sync/secrets.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from pydantic import ConfigDict, Field, field_validator

from catalog_sync.cloudmore.wire import NestedBody, ObjectBody
from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.graph import Kind
from catalog_sync.kinds.contract import Contract, WireField
from catalog_sync.kinds.registry import Endpoint, FieldSpec, KindSpec, register
from catalog_sync.normalise import FieldType

__all__ = [
    "CONTRACT",
    "DOCUMENTED_EVENTS",
    "SPEC",
    "HttpHeader",
    "WebhookBody",
    "WebhookRead",
    "documented_event",
]

DOCUMENTED_EVENTS = frozenset(
    {
        "BrokerAddService",
        "BrokerDeleteService",
        "OrganizationAddService",
        "OrganizationDeleteService",
        "SubscriptionCreated",
    }
)
"""The trigger events the webhook guide lists before its list is cut off (further
``Subscription...`` events follow), so another value is a warning, not an error."""
_FURTHER_EVENTS = re.compile(r"Subscription[A-Z][A-Za-z]*")


def documented_event(event: str) -> bool:
    """Whether ``event`` is a trigger event the guide lists, or one of the ``Subscription...``
    events its cut-off list goes on with (the emulator accepts those; ASSUMED)."""
    return event in DOCUMENTED_EVENTS or _FURTHER_EVENTS.fullmatch(event) is not None


class HttpHeader(NestedBody):
    """A header sent with each call (ASSUMED shape); ``value`` is write-only."""

    name: str | None = None
    value: str | None = Field(default=None, repr=False)


class WebhookBody(ObjectBody):
    """Create / replace body (``SellerWebHookCreateViewModel`` / ``...UpdateViewModel``):
    the first five fields documented, the last three the SDK sample's (ASSUMED)."""

    name: str
    service_id: str | None = None
    """Written by the client from the parent's id (``Endpoint.parent_field``)."""
    url: str
    trigger_event_type: str
    message_to_send_type: str | None = None
    http_header: HttpHeader | None = None
    basic_auth_user_name: str | None = None
    basic_auth_password: str | None = Field(default=None, repr=False)

    @field_validator("http_header", mode="before")
    @classmethod
    def _no_empty_header(cls, value: Any) -> Any:
        # The body builder writes ``httpHeader.name`` and ``.value`` one by one: both null
        # is no header, not a header without a name (which the API refuses).
        if isinstance(value, Mapping) and all(v is None for v in value.values()):
            return None
        return value


class WebhookRead(WebhookBody):
    """A webhook as read (list item and detail alike, ASSUMED): no password, no header value."""

    model_config = ConfigDict(title="Webhook")

    read_only: ClassVar[frozenset[str]] = frozenset()
    id: str


def _rules(service: Any) -> Iterator[Diagnostic]:
    """The service's webhooks against its provisioning type, and their event types."""
    # Imported here: the catalog's models import the registry this module registers in.
    from catalog_sync.catalog.codes import Code

    hooks = service.webhooks
    if service.provisioning_type == "Webhook" and not hooks:
        yield Diagnostic(
            service.field_source("provisioning_type"),
            Code.PROVISIONING_MISMATCH,
            Severity.WARNING,
            f"service {service.name!r} is provisioned by Webhook but has no webhooks: "
            "Cloudmore will not reach its connector",
        )
    elif service.provisioning_type == "Email" and hooks:
        yield Diagnostic(
            service.field_source("webhooks"),
            Code.PROVISIONING_MISMATCH,
            Severity.WARNING,
            f"service {service.name!r} is provisioned by Email, so its webhooks are not called",
        )
    for hook in hooks:
        event = hook.trigger_event_type
        if not documented_event(event):
            yield Diagnostic(
                hook.field_source("trigger_event_type"),
                Code.UNKNOWN_EVENT_TYPE,
                Severity.WARNING,
                f"triggerEventType {event!r} is not one Cloudmore documents ("
                f"{', '.join(sorted(DOCUMENTED_EVENTS))} and further Subscription events)",
            )


_GUIDE = "Cloudmore's webhook guide"
_SAMPLE = "assumed: the SDK's commented sample body names it"

CONTRACT = Contract(
    endpoint="GET/POST webhooks (at the seller root), GET/PUT/DELETE webhooks/{id}",
    endpoint_evidence="documented",
    endpoint_source=_GUIDE,
    where="catalog_sync/kinds/webhook.py",
    fields=(
        WireField("id", "string", "assumed", "assumed: as every object's", resets=False),
        WireField("name", "string", "documented", _GUIDE, nullable=False),
        WireField("serviceId", "string", "documented", _GUIDE, nullable=False),
        WireField("url", "string", "documented", _GUIDE, nullable=False),
        WireField(
            "triggerEventType",
            "string",
            "documented",
            f"{_GUIDE} (its list is cut off: further Subscription events)",
            values=tuple(sorted(DOCUMENTED_EVENTS)),
        ),
        WireField("messageToSendType", "string", "documented", _GUIDE),
        # A read never serves the password nor the header's value (write-only secrets).
        WireField(
            "httpHeader",
            "object",
            "assumed",
            _SAMPLE,
            fields=(WireField("name", "string", "assumed", _SAMPLE),),
        ),
        WireField("basicAuthUserName", "string", "assumed", _SAMPLE),
    ),
)

SPEC = register(
    KindSpec(
        Kind.WEBHOOK,
        parent=Kind.SERVICE,
        key="name",
        catalog_items="webhooks",
        read_model=WebhookRead,
        body_model=WebhookBody,
        endpoint=Endpoint("webhooks", grouped_by="serviceId", parent_field="serviceId"),
        rules=_rules,
        contract=CONTRACT,
        fields=(
            FieldSpec("name", FieldType.TEXT),
            FieldSpec("url", FieldType.TEXT),
            FieldSpec("triggerEventType", FieldType.TEXT),
            FieldSpec("messageToSendType", FieldType.TEXT),
            FieldSpec("httpHeader.name", FieldType.TEXT),
            FieldSpec(
                "httpHeader.value", FieldType.TEXT, write_only=True, beside="httpHeader.name"
            ),
            FieldSpec("basicAuthUserName", FieldType.TEXT),
            FieldSpec(
                "basicAuthPassword", FieldType.TEXT, write_only=True, beside="basicAuthUserName"
            ),
        ),
    )
)
