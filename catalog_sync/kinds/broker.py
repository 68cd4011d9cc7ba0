"""Brokers: the seller's resellers (documented by seed 001; ``docs/contracts.md``, "Brokers").

Brokers are also a lookup table: a publish names brokers by registration number, and the API
stores their ids (``names_table``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict, Field

from catalog_sync.cloudmore.wire import NestedBody, ObjectBody
from catalog_sync.graph import Kind
from catalog_sync.kinds.contract import Contract, WireField
from catalog_sync.kinds.registry import BROKERS, Endpoint, FieldSpec, KindSpec, register
from catalog_sync.normalise import FieldType

__all__ = [
    "CONTRACT",
    "SPEC",
    "BrokerAddress",
    "BrokerBody",
    "BrokerCustomPropertyValue",
    "BrokerRead",
    "WireBrokerContact",
    "WireInvoiceContact",
]


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
    which fields it leaves out is ASSUMED: the spec's ``list_view``). A read tolerates what a
    body must have (a registration number, a contact, an address)."""

    model_config = ConfigDict(title="Broker")

    read_only: ClassVar[frozenset[str]] = frozenset()
    id: str
    registration_number: str | None = None  # type: ignore[assignment]
    contact: WireBrokerContact | None = None  # type: ignore[assignment]
    address: BrokerAddress | None = None  # type: ignore[assignment]


_CONTACT = ("name", "jobTitle", "email", "phonePrefix", "phone", "cellPhonePrefix", "cellPhone")
_ADDRESS = ("address", "postalCode", "city", "countryCode")
_INVOICE = ("name", "email", "phonePrefix", "phone")
# Digits a plain YAML scalar would read as a number.
_CODES = {"postalCode", "phonePrefix", "phone", "cellPhonePrefix", "cellPhone"}

_SEED = "seed 001 (the broker API)"
_LIST = "seed 001's fields; which a list item (SellerBrokerViewModel) leaves out is assumed"


def _strings(names: tuple[str, ...]) -> tuple[WireField, ...]:
    return tuple(WireField(name, "string", "documented", _SEED) for name in names)


CONTRACT = Contract(
    endpoint="GET/POST brokers, GET/PUT/DELETE brokers/{id}",
    endpoint_evidence="documented",
    endpoint_source="seed 001; SDK endpoint table",
    where="catalog_sync/kinds/broker.py",
    fields=(
        WireField("id", "string", "documented", _SEED, nullable=False, resets=False),
        *_strings(
            ("name", "registrationNumber", "vat", "domain", "notificationEmail", "supportEmail")
        ),
        WireField("allowCmpAccess", "boolean", "documented", _SEED),
        WireField(
            "contact", "object", "documented", _LIST, in_list=False, fields=_strings(_CONTACT)
        ),
        WireField(
            "address", "object", "documented", _LIST, in_list=False, fields=_strings(_ADDRESS)
        ),
        WireField(
            "invoiceContact",
            "object",
            "documented",
            _LIST,
            in_list=False,
            fields=_strings(_INVOICE),
        ),
        WireField(
            "customProperties",
            "array",
            "documented",
            _LIST,
            in_list=False,
            fields=_strings(("id", "value")),
        ),
    ),
)

SPEC = register(
    KindSpec(
        Kind.BROKER,
        parent=None,
        key="registrationNumber",
        catalog_items="brokers",
        read_model=BrokerRead,
        body_model=BrokerBody,
        endpoint=Endpoint("brokers"),
        contract=CONTRACT,
        names_table=BROKERS,
        fields=(
            FieldSpec("name", FieldType.TEXT),
            FieldSpec("registrationNumber", FieldType.TEXT, code=True),
            FieldSpec("vat", FieldType.TEXT),
            FieldSpec("domain", FieldType.TEXT),
            FieldSpec("notificationEmail", FieldType.TEXT),
            FieldSpec("supportEmail", FieldType.TEXT),
            *(
                FieldSpec(f"{group}.{name}", FieldType.TEXT, code=name in _CODES)
                for group, names in (
                    ("contact", _CONTACT),
                    ("address", _ADDRESS),
                    ("invoiceContact", _INVOICE),
                )
                for name in names
            ),
            FieldSpec(
                "customProperties",
                FieldType.SET,
                pairs=True,
                lookup="customProperties",
                noun="custom property",
            ),
            FieldSpec("allowCmpAccess", FieldType.BOOL, default=False),
        ),
    )
)
