"""Graph fields back into request bodies: the reverse of :mod:`catalog_sync.plan.live`.

Names become ids through the plan's lookups (what was reviewed), falling back to the lookups
just read; broker registrationNumbers become ids through the live brokers plus those created in
this run. A PUT replaces the whole object, so an update starts from the wire object just re-read
and overlays only the managed fields the plan changes: fields the catalog does not manage
(custom properties of a service, say) survive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from catalog_sync.cloudmore import wire
from catalog_sync.errors import ApplyError
from catalog_sync.graph import FieldValue, Kind
from catalog_sync.normalise import FieldType, spec_for
from catalog_sync.plan.live import PUBLISH_MODES, WireObject
from catalog_sync.plan.lookups import Lookups

__all__ = [
    "Names",
    "addon_body",
    "broker_body",
    "changed_fields",
    "product_body",
    "publish_body",
    "service_body",
]

Fields = Mapping[str, FieldValue]

# Graph field -> (wire key, lookup table, what a person calls it) for names sent as ids.
_BY_NAME = {
    (Kind.SERVICE, "categories"): ("categoryIds", "categories", "category"),
    (Kind.PRODUCT, "emailTemplate"): ("emailTemplateId", "emailTemplates", "e-mail template"),
}


class Names:
    """Resolves the names a plan uses to the ids the API wants."""

    def __init__(
        self,
        plan_lookups: Mapping[str, Mapping[str, str]],
        live: Lookups,
        broker_ids: Mapping[str, str],
    ) -> None:
        self._plan = plan_lookups
        self._live = live
        self._brokers = dict(broker_ids)

    def add_broker(self, registration_number: str, broker_id: str) -> None:
        self._brokers[registration_number] = broker_id

    def id_of(self, table: str, name: str, noun: str) -> str:
        found = self._plan.get(table, {}).get(name) or self._live.table(table).get(name)
        if found is None:
            raise ApplyError(f"{noun} {name!r} does not exist in Cloudmore")
        return found

    def ids_of(self, table: str, names: Iterable[str], noun: str) -> list[str]:
        return [self.id_of(table, name, noun) for name in names]

    def broker_id(self, registration_number: str) -> str:
        found = self._brokers.get(registration_number)
        if found is None:
            raise ApplyError(
                f"broker {registration_number!r} neither exists nor was created in this run"
            )
        return found


def changed_fields(desired: Fields, live: Fields | None) -> dict[str, FieldValue]:
    """The desired fields whose value differs from the live one."""
    if live is None:
        return dict(desired)
    return {name: value for name, value in desired.items() if live.get(name) != value}


def _wire_value(kind: Kind, name: str, value: FieldValue, names: Names) -> tuple[str, Any]:
    named = _BY_NAME.get((kind, name))
    if named is not None:
        key, table, noun = named
        if isinstance(value, tuple):
            return key, names.ids_of(table, value, noun)
        return key, None if value is None else names.id_of(table, str(value), noun)
    if spec_for(kind, name).type is FieldType.MONEY:
        return name, None if value is None else Decimal(str(value))
    if isinstance(value, tuple):
        return name, list(value)
    return name, value


def _overlay(kind: Kind, base: dict[str, Any], fields: Fields, names: Names) -> dict[str, Any]:
    for name, value in fields.items():
        key, converted = _wire_value(kind, name, value, names)
        *parents, leaf = key.split(".")
        target = base
        for part in parents:
            nested = target.get(part)
            if not isinstance(nested, dict):
                nested = {}
                target[part] = nested
            target = nested
        target[leaf] = converted
    return base


def _base(existing: WireObject | None, expected: type[BaseModel]) -> dict[str, Any]:
    if existing is None:
        return {}
    if not isinstance(existing, expected):
        raise ApplyError(
            f"expected a {expected.__name__} to update, found {type(existing).__name__}"
        )
    data: dict[str, Any] = existing.model_dump(by_alias=True)
    # A None the read shape allows but the body does not (a product's type, a broker's contact)
    # falls back to the body's default rather than failing validation.
    return {key: value for key, value in data.items() if value is not None}


def _validate(model: type[BaseModel], data: dict[str, Any], what: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise ApplyError(f"cannot build the {what} body: {where}: {first['msg']}") from None


def service_body(
    fields: Fields, names: Names, existing: WireObject | None = None, *, enable: bool = False
) -> wire.ServiceBody:
    data = _overlay(Kind.SERVICE, _base(existing, wire.Service), fields, names)
    data.pop("publish", None)
    # Absent status keeps the current one; "Active" re-enables a disabled service.
    data["status"] = "Active" if enable else None
    body: wire.ServiceBody = _validate(wire.ServiceBody, data, "service")
    return body


def product_body(
    fields: Fields, names: Names, existing: WireObject | None = None
) -> wire.ProductBody:
    data = _overlay(Kind.PRODUCT, _base(existing, wire.Product), fields, names)
    body: wire.ProductBody = _validate(wire.ProductBody, data, "product")
    return body


def addon_body(fields: Fields, names: Names, existing: WireObject | None = None) -> wire.AddonBody:
    data = _overlay(Kind.ADDON, _base(existing, wire.Addon), fields, names)
    body: wire.AddonBody = _validate(wire.AddonBody, data, "addon")
    return body


def broker_body(
    fields: Fields, names: Names, existing: WireObject | None = None
) -> wire.BrokerBody:
    properties = fields.get("customProperties")
    rest = {name: value for name, value in fields.items() if name != "customProperties"}
    data = _overlay(Kind.BROKER, _base(existing, wire.Broker), rest, names)
    if isinstance(properties, tuple):
        # "id=value" strings, as plan/live.py writes them; the value may itself hold "=".
        data["customProperties"] = [
            {"id": item.partition("=")[0], "value": item.partition("=")[2]} for item in properties
        ]
    body: wire.BrokerBody = _validate(wire.BrokerBody, data, "broker")
    return body


def publish_body(fields: Fields, names: Names) -> wire.Publish:
    mode = str(fields.get("to") or "none")
    if mode not in PUBLISH_MODES:
        raise ApplyError(f"unknown publish mode {mode!r}")

    def listed(name: str) -> tuple[str, ...]:
        value = fields.get(name)
        return value if isinstance(value, tuple) else ()

    body: wire.Publish = _validate(
        wire.Publish,
        {
            "publishTo": PUBLISH_MODES[mode],
            "regionIds": names.ids_of("regions", listed("regions"), "market region"),
            "countryIds": names.ids_of("countries", listed("countries"), "market country"),
            "brokerIds": [names.broker_id(number) for number in listed("brokers")],
        },
        "publish",
    )
    return body
