"""Seller webhooks: ``GET/POST /api/sellers/{sellerId}/webhooks`` and ``GET/PUT/DELETE
.../webhooks/{id}``, the one emulator module that knows them (docs/contracts.md, "Seller
webhooks").

The collection sits at the seller root, not under the service: each webhook names its service
by ``serviceId``. The endpoints and ``name, serviceId, url, triggerEventType,
messageToSendType`` are documented; ``httpHeader {name, value}``, ``basicAuthUserName`` and
``basicAuthPassword`` come from the SDK's sample body, and everything about them here is
assumed. The password and the header's value are write-only: kept under ``_`` keys, which no
read serves (``store.public``), and a PUT that leaves them out clears them, as a replace does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.routing import Route

from catalog_sync.emulator import api, rules
from catalog_sync.emulator.ids import new_id, stable_id
from catalog_sync.emulator.rules import BusinessError, UnknownObjectError
from catalog_sync.emulator.store import Store, register_table
from catalog_sync.emulator.validation import JSON, Reader, checked, read_object
from catalog_sync.kinds.webhook import documented_event

__all__ = [
    "TABLE",
    "create_webhook",
    "delete_webhook",
    "get_webhook",
    "replace_webhook",
    "routes",
    "seed_service",
]

TABLE = "webhooks"
register_table(TABLE, parent_key="serviceId")

_PASSWORD = "_basicAuthPassword"  # noqa: S105  (a record key, not a password)
_HEADER_VALUE = "_httpHeaderValue"


def _url(r: Reader, name: str) -> str | None:
    value = r.string(name, required=True)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        r.fail(name, "The Url field is not a valid fully-qualified http, https, or ftp URL.")
    return value


def _validate(body: object) -> JSON:
    r, errors = read_object(body)
    event = r.string("triggerEventType", required=True)
    if event is not None and not documented_event(event):
        r.fail("triggerEventType", f"The value '{event}' is not valid for TriggerEventType.")
    record: JSON = {
        "name": r.string("name", required=True),
        "serviceId": r.guid("serviceId", required=True),
        "url": _url(r, "url"),
        "triggerEventType": event,
        "messageToSendType": r.string("messageToSendType"),
        "httpHeader": None,
        "basicAuthUserName": r.string("basicAuthUserName"),
        _PASSWORD: r.string("basicAuthPassword"),
        _HEADER_VALUE: None,
    }
    header = r.object("httpHeader")
    if header is not None:
        record["httpHeader"] = {"name": header.string("name", required=True)}
        record[_HEADER_VALUE] = header.string("value")
    return checked(record, errors)


def _check(store: Store, record: JSON, exclude_id: str | None = None) -> None:
    service = store.services.get(record["serviceId"])
    if service is None:
        raise BusinessError([_error(2, f"Service {record['serviceId']} does not exist.")])
    taken = store.unique_keys and any(
        row["name"].casefold() == record["name"].casefold() and row["id"] != exclude_id
        for row in store.children(TABLE, service["id"])
    )
    if taken:
        raise BusinessError(
            [_error(3, f"A webhook named '{record['name']}' already exists for the service.")]
        )


def _error(code: int, message: str) -> JSON:
    return {"errorCode": code, "errorName": rules.ERROR_NAMES[code], "errorMessage": message}


def get_webhook(store: Store, webhook_id: str) -> JSON:
    record = store.table(TABLE).get(webhook_id.lower())
    if record is None:
        raise UnknownObjectError(webhook_id)
    return record


def create_webhook(store: Store, body: object, object_id: str | None = None) -> str:
    record = _validate(body)
    _check(store, record)
    object_id = object_id or new_id()
    store.put(TABLE, {"id": object_id, **record})
    return object_id


def replace_webhook(store: Store, webhook_id: str, body: object) -> None:
    current = get_webhook(store, webhook_id)
    record = _validate(body)
    if record["serviceId"] != current["serviceId"]:
        # Cloudmore cannot move an object to another parent (assumed for webhooks too).
        raise BusinessError([_error(6, "A webhook cannot be moved to another service.")])
    _check(store, record, exclude_id=current["id"])
    store.update(TABLE, current["id"], record)


def delete_webhook(store: Store, webhook_id: str) -> None:
    store.delete(TABLE, get_webhook(store, webhook_id)["id"])


def seed_service(store: Store, service_id: str, service: dict[str, Any]) -> None:
    """The demo seed's webhooks of one service (its ``webhooks`` in demo.json)."""
    for hook in service.get("webhooks", ()):
        body = {**hook, "serviceId": service_id}
        create_webhook(store, body, stable_id("webhook", service_id, hook["name"]))


def routes() -> list[Route]:
    webhooks = api.collection("webhook", lambda s: list(s.table(TABLE).values()), create_webhook)
    webhook = api.item(get_webhook, delete_webhook, replace_webhook)
    return [
        Route(f"{api.SELLER}/webhooks", api.endpoint(webhooks), methods=["GET", "POST"]),
        Route(
            f"{api.SELLER}/webhooks/{{webhook_id}}",
            api.endpoint(webhook),
            methods=["GET", "PUT", "DELETE"],
        ),
    ]
