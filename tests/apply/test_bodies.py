"""Request bodies from graph fields: the exact reverse of reading live state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from catalog_sync.apply.bodies import Names, body_for
from catalog_sync.cloudmore import wire
from catalog_sync.errors import ApplyError
from catalog_sync.graph import Fields, Kind
from catalog_sync.kinds import BROKERS, KINDS
from catalog_sync.kinds.addon import AddonBody, AddonRead
from catalog_sync.kinds.broker import BrokerBody, BrokerRead
from catalog_sync.kinds.product import ProductBody
from catalog_sync.kinds.publish import PublishBody
from catalog_sync.kinds.service import CustomProperty, ServiceBody, ServiceRead
from catalog_sync.kinds.webhook import WebhookBody
from catalog_sync.live.lookups import LOOKUP_TABLES, Lookups
from catalog_sync.live.reader import read_live
from catalog_sync.plan.model import Action, FieldChange
from tests.apply.plans import change
from tests.apply.support import InProcess

# Typed shorthands for the one generic builder, per kind.
B = TypeVar("B", bound=BaseModel)


def _build(
    kind: Kind,
    model: type[B],
    fields: Fields,
    names: Names,
    existing: BaseModel | None = None,
    *,
    enable: bool = False,
) -> B:
    body = body_for(KINDS[kind], fields, names, existing, enable=enable)
    assert isinstance(body, model)
    return body


def service_body(
    fields: Fields, names: Names, existing: BaseModel | None = None, *, enable: bool = False
) -> ServiceBody:
    return _build(Kind.SERVICE, ServiceBody, fields, names, existing, enable=enable)


def product_body(fields: Fields, names: Names, existing: BaseModel | None = None) -> ProductBody:
    return _build(Kind.PRODUCT, ProductBody, fields, names, existing)


def addon_body(fields: Fields, names: Names, existing: BaseModel | None = None) -> AddonBody:
    return _build(Kind.ADDON, AddonBody, fields, names, existing)


def broker_body(fields: Fields, names: Names, existing: BaseModel | None = None) -> BrokerBody:
    return _build(Kind.BROKER, BrokerBody, fields, names, existing)


def webhook_body(fields: Fields, names: Names, existing: BaseModel | None = None) -> WebhookBody:
    return _build(Kind.WEBHOOK, WebhookBody, fields, names, existing)


def publish_body(fields: Fields, names: Names) -> PublishBody:
    return _build(Kind.PUBLISH, PublishBody, fields, names)


LOOKUPS = Lookups(
    {
        "categories": {"Security": "cat-sec", "Storage": "cat-sto"},
        "regions": {"Nordics": "reg-n"},
        "countries": {"SE": "c-se", "FI": "c-fi"},
        "emailTemplates": {"Welcome pack": "tpl-w"},
        "customProperties": {"Partner tier": "p1", "Invoice reference": "p2"},
    }
)


def _names(**brokers: str) -> Names:
    # The plan names only what it uses; the rest comes from the lookups just read.
    return Names({"categories": {"Security": "cat-sec"}}, LOOKUPS, brokers)


def test_a_service_create_body_resolves_category_names() -> None:
    body = service_body(
        {
            "name": "Firewall",
            "vendorName": "Example",
            "categories": ("Security", "Storage"),
            "allowMultipleUsers": False,
            "provisioningType": "Email",
        },
        _names(),
    )
    assert wire.dump_body(body) == {
        "name": "Firewall",
        "vendorName": "Example",
        "description": None,
        "categoryIds": ["cat-sec", "cat-sto"],
        "allowMultipleUsers": False,
        "provisioningType": "Email",
        "customProperties": [],
    }


def test_a_product_body_sends_money_as_numbers_and_the_template_id() -> None:
    body = product_body(
        {
            "name": "P",
            "itemCode": "p",
            "type": "Metered",
            "price": "12.5000",
            "cost": "0.0125",
            "emailTemplate": "Welcome pack",
        },
        _names(),
    )
    assert body.price == Decimal("12.5000")
    data = wire.dump_body(body)
    assert (data["price"], data["cost"], data["emailTemplateId"]) == (
        Decimal("12.5000"),
        Decimal("0.0125"),
        "tpl-w",
    )


def test_an_addon_body_keeps_nulls_and_booleans() -> None:
    body = addon_body(
        {
            "name": "A",
            "itemCode": "a",
            "price": "0.0000",
            "groupName": None,
            "enableGrouping": False,
        },
        _names(),
    )
    data = wire.dump_body(body)
    assert (data["price"], data["groupName"], data["enableGrouping"]) == (0, None, False)


def test_a_broker_body_nests_dotted_fields_and_splits_custom_properties() -> None:
    body = broker_body(
        {
            "name": "B",
            "registrationNumber": "123",
            "contact.name": "Ann",
            "contact.phone": "701234567",
            "address.countryCode": "SE",
            "customProperties": ("Partner tier=a=b", "Invoice reference="),
        },
        _names(),
    )
    assert body.contact.name == "Ann"
    assert body.contact.phone == "701234567"
    assert body.address.country_code == "SE"
    assert body.invoice_contact is None
    # Named in the graph, by id on the wire; a value may itself hold "=".
    assert [(p.id, p.value) for p in body.custom_properties] == [("p1", "a=b"), ("p2", "")]


def test_publish_bodies_map_modes_and_names_including_brokers_created_in_the_run() -> None:
    names = _names(**{"5566": "b-live"})
    names.learn(BROKERS, "1234", "b-new")
    body = publish_body(
        {"to": "brokers", "regions": (), "countries": (), "brokers": ("1234", "5566")}, names
    )
    assert (body.publish_to, body.broker_ids) == ("SpecificBrokers", ["b-new", "b-live"])
    countries = publish_body({"to": "countries", "countries": ("FI", "SE")}, names)
    assert (countries.publish_to, countries.country_ids) == ("Countries", ["c-fi", "c-se"])
    assert publish_body({"to": "sellerBrokers"}, names).publish_to == "SellerBrokers"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda n: service_body({"name": "S", "categories": ("Nope",)}, n), "category 'Nope'"),
        (lambda n: publish_body({"to": "brokers", "brokers": ("999",)}, n), "broker '999'"),
        (lambda n: publish_body({"to": "regions", "regions": ("Mars",)}, n), "region 'Mars'"),
        (lambda n: publish_body({"to": "everywhere"}, n), "unknown publish mode"),
        (lambda n: product_body({"name": "P"}, n), "product body: itemCode"),
    ],
)
def test_what_cannot_be_sent_is_an_apply_error(build: Any, message: str) -> None:
    with pytest.raises(ApplyError, match=message):
        build(_names())


def test_an_update_overlays_only_changed_fields_on_the_object_read() -> None:
    existing = ServiceRead(
        id="s-1",
        name="S",
        vendor_name="V",
        category_ids=["cat-sec"],
        custom_properties=[CustomProperty(property_id="kept", name="Kept")],
        status="Disabled",
    )
    update = change(
        'service["S"]',
        Kind.SERVICE,
        Action.UPDATE,
        id="s-1",
        field_changes=(FieldChange(path="vendorName", before="V", after="New vendor"),),
    )
    fields = update.written()
    assert fields == {"vendorName": "New vendor"}

    body = service_body(fields, _names(), existing)
    assert body.vendor_name == "New vendor"
    assert body.category_ids == ["cat-sec"]
    assert [p.property_id for p in body.custom_properties] == ["kept"]
    assert "status" not in wire.dump_body(body)  # absent keeps the status
    assert service_body(fields, _names(), existing, enable=True).status == "Active"


def test_an_update_of_the_wrong_kind_of_object_is_refused() -> None:
    with pytest.raises(ApplyError, match="expected a Product"):
        product_body({}, _names(), AddonRead(id="a", name="A", item_code="a"))


def _comparable(body: BaseModel) -> dict[str, Any]:
    data = wire.dump_body(body)
    data.pop("status", None)
    # The client writes a webhook's parent id into the body it sends (Endpoint.parent_field).
    data.pop("serviceId", None)
    # Fields the server has and the catalog does not manage (docs/contracts.md) are kept by a
    # PUT from the object as read, not built from managed fields: not part of this inverse.
    for unmanaged in body.model_extra or {}:
        data.pop(unmanaged, None)
    return {k: sorted(v, key=str) if isinstance(v, list) else v for k, v in data.items()}


@pytest.mark.anyio
async def test_every_demo_object_reads_into_fields_that_build_back_into_its_own_body() -> None:
    """bodies.py is the inverse of live/reader.py: reading an object, then building a body from
    its managed fields, gives the object's own fields back (why a re-plan after apply is empty,
    at the unit level)."""
    emulator = InProcess("demo")
    async with emulator.client() as client:
        live = await read_live(client)
    tables = {table: dict(live.lookups.table(table)) for table in LOOKUP_TABLES}
    names = Names(tables, live.lookups, live.broker_ids)
    builders: dict[Kind, tuple[Any, type[BaseModel]]] = {
        Kind.SERVICE: (service_body, ServiceBody),
        Kind.PRODUCT: (product_body, ProductBody),
        Kind.ADDON: (addon_body, AddonBody),
        Kind.BROKER: (broker_body, BrokerBody),
        Kind.WEBHOOK: (webhook_body, WebhookBody),
    }
    checked: set[Kind] = set()
    for resource in live.graph:
        if resource.kind is Kind.PUBLISH:
            continue
        build, model = builders[resource.kind]
        rebuilt = build(dict(resource.fields), names)
        original = model.model_validate(live.objects[resource.address].model_dump())
        assert _comparable(rebuilt) == _comparable(original), resource.address
        checked.add(resource.kind)
    assert checked == set(builders)


def test_an_update_is_the_raw_object_read_with_the_changed_fields_overlaid() -> None:
    sent: dict[str, Any] = {
        "id": "0d9f4a52-1111-4111-8111-111111111111",
        "name": "Nordic",
        "registrationNumber": "5566778899",
        "supportEmail": "old@example.com",
        "contact": {"name": "Anna", "phone": "701234567", "department": "Partners"},
        "address": {"city": "Stockholm", "countryCode": "SE"},
        "invoiceContact": None,
        "customProperties": [],
        "allowCmpAccess": True,
        "partnerLevel": {"tier": 3, "since": "2024-01-01"},
        "discount": Decimal("0.125"),
    }
    existing = wire.parse_one(BrokerRead, sent)
    names = Names({}, Lookups(), {})
    body = broker_body({"supportEmail": "new@example.com"}, names, existing)
    dumped = wire.dump_body(body)
    # Everything the server sent survives, nested unknown keys too; only the change differs
    # (a declared field the server did not send is null, as it was).
    expected = {k: v for k, v in sent.items() if k != "id"} | {"supportEmail": "new@example.com"}
    assert _within(expected, dumped)
    assert dumped["contact"]["department"] == "Partners"
    assert dumped["partnerLevel"] == {"tier": 3, "since": "2024-01-01"}
    assert dumped["discount"] == Decimal("0.125")
    assert "id" not in dumped
    assert sent["supportEmail"] == "old@example.com"  # the read itself is left as it was
    assert existing.raw["supportEmail"] == "old@example.com"


def _within(sent: object, dumped: object) -> bool:
    """Whether every key and value of ``sent`` is in ``dumped`` (which may add nulls)."""
    if isinstance(sent, dict):
        return isinstance(dumped, dict) and all(
            key in dumped and _within(value, dumped[key]) for key, value in sent.items()
        )
    return sent == dumped
