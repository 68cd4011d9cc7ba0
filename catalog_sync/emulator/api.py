"""The Cloudmore API routes: token, healthcheck, lookups and the seller catalog."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from catalog_sync.emulator import operations as ops
from catalog_sync.emulator.rules import BusinessError, UnknownObjectError
from catalog_sync.emulator.store import Store, public
from catalog_sync.emulator.validation import JSON, ModelStateError
from catalog_sync.emulator.views import (
    DROPPED_FIELD,
    NESTED_EXTRA,
    ExactJSONResponse,
    Listed,
    dropped_extras,
    list_items,
    served,
    served_price_list,
)
from catalog_sync.exact_json import decode_json

if TYPE_CHECKING:
    from catalog_sync.emulator.app import Emulator

__all__ = ["SELLER", "Handler", "collection", "emulator_of", "endpoint", "item", "routes"]

log = logging.getLogger(__name__)

Handler = Callable[[Request, "Emulator", dict[str, str]], Awaitable[Response]]
SELLER = "/api/sellers/{seller_id}"
SERVICE = f"{SELLER}/services/{{service_id}}"
PRODUCT = f"{SERVICE}/products/{{product_id}}"


def emulator_of(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def _unauthorized() -> Response:
    return Response(status_code=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


class _NoAnswer(Response):
    """The client hung up before its request was read (a ``hang`` fault outlasting its
    timeout): there is no one to answer, and nothing went wrong on this side."""

    def __init__(self, request: Request) -> None:
        super().__init__()
        log.debug("%s %s: the client disconnected; not answered", request.method, request.url.path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        return


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Authenticate, check the seller, and turn domain errors into their HTTP shapes."""

    async def run(request: Request) -> Response:
        emulator = emulator_of(request)
        if not emulator.tokens.is_valid(request.headers.get("authorization")):
            return _unauthorized()
        params = {key: str(value).lower() for key, value in request.path_params.items()}
        seller = params.pop("seller_id", None)
        if seller is not None and seller != emulator.store.seller_id:
            return Response(status_code=403)
        if request.method == "GET":
            await emulator.settled()
        try:
            return await handler(request, emulator, params)
        except UnknownObjectError:
            return Response(status_code=404)
        except ModelStateError as error:
            return ExactJSONResponse(error.errors, status_code=400)
        except BusinessError as error:
            return ExactJSONResponse(error.errors, status_code=400)
        except ClientDisconnect:
            return _NoAnswer(request)

    return run


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        raise ModelStateError({"": ["A non-empty request body is required."]})
    try:
        # Money stays exact from the request on: a fraction is read as a Decimal.
        return decode_json(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ModelStateError({"$": [f"The JSON value is not valid: {error}."]}) from None


def _created(request: Request, new_id: str) -> Response:
    collection = f"{request.url.scheme}://{request.url.netloc}{request.url.path.rstrip('/')}"
    return Response(status_code=201, headers={"Location": f"{collection}/{new_id}"})


def _list(rows: list[JSON]) -> Response:
    return ExactJSONResponse([public(row) for row in rows])


async def token(request: Request) -> Response:
    try:
        raw = (await request.body()).decode("utf-8", errors="replace")
    except ClientDisconnect:
        return _NoAnswer(request)
    form = dict(parse_qsl(raw, keep_blank_values=True))
    status, body = emulator_of(request).tokens.issue(form, request.headers.get("authorization"))
    return ExactJSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


async def healthcheck(request: Request) -> Response:
    return ExactJSONResponse({"status": "Healthy"})


def _lookup(rows: Callable[[Store], list[JSON]]) -> Handler:
    async def handler(request: Request, emulator: Emulator, ids: dict[str, str]) -> Response:
        return _list(rows(emulator.store))

    return handler


async def price_list(request: Request, emulator: Emulator, ids: dict[str, str]) -> Response:
    sid = ids["service_id"]
    if request.method == "GET":
        currency = request.query_params.get("currencyCode")
        read = ops.get_price_list(emulator.store, sid, currency)
        return ExactJSONResponse(served_price_list(read, emulator.variants))
    if request.url.query:
        # The SDK's PUT takes no query parameter (the currency is the body's); stricter than
        # ignoring it, so a client still sending one is told.
        raise ModelStateError({"$": ["The price list PUT takes no query parameter."]})
    body = await _body(request)
    await emulator.write(lambda s: ops.update_price_list(s, sid, body))
    return Response(status_code=204)


def collection(
    kind: Listed, rows: Callable[..., list[JSON]], create: Callable[..., str]
) -> Handler:
    """GET lists ``rows(store, *ids)``, POST answers ``create(store, *ids, body)``'s new id;
    the ids are the path's, in its order (the operations take them so)."""

    async def handler(request: Request, emulator: Emulator, ids: dict[str, str]) -> Response:
        path_ids = tuple(ids.values())
        if request.method == "GET":
            items = list_items(kind, rows(emulator.store, *path_ids), emulator.variants)
            return ExactJSONResponse(items)
        body = await _body(request)
        new_id = await emulator.write(lambda s: create(s, *path_ids, body))
        return _created(request, new_id)

    return handler


def item(
    get: Callable[..., JSON],
    delete: Callable[..., None],
    replace: Callable[..., None],
    kind: Listed | None = None,
) -> Handler:
    """GET, DELETE and PUT of one object, by the path's ids (see :func:`collection`); a read
    is ``kind``'s contract shape, as the contract variants change it (``views.served``)."""

    async def handler(request: Request, emulator: Emulator, ids: dict[str, str]) -> Response:
        path_ids = tuple(ids.values())
        variants = emulator.variants
        if request.method == "GET":
            record = get(emulator.store, *path_ids)
            if kind is None:
                return ExactJSONResponse(public(record))
            return ExactJSONResponse(served(kind, record, listed=False, variants=variants))
        if request.method == "DELETE":
            await emulator.write(lambda s: delete(s, *path_ids))
        else:
            body = await _body(request)
            await emulator.write(lambda s: _replace(s, variants, path_ids, body))
        return Response(status_code=204)

    def _replace(
        store: Store, variants: frozenset[str], path_ids: tuple[str, ...], body: Any
    ) -> None:
        current = get(store, *path_ids)
        dropped = DROPPED_FIELD.get(kind) if kind is not None else None
        if "drops-field" in variants and dropped is not None and isinstance(body, dict):
            # Answered 204 all the same: the write the server ignored (docs/contracts.md).
            body = {**body, dropped: current.get(dropped)}
        tracked = "extra-fields" in variants and kind is not None
        lost = dropped_extras(kind, current, body) if tracked and kind is not None else []
        replace(store, *path_ids, body)
        if lost:
            store.update(f"{kind}s", current["id"], {"_droppedExtras": lost})

    return handler


async def publish(request: Request, emulator: Emulator, ids: dict[str, str]) -> Response:
    body = await _body(request)
    tracked = "extra-fields" in emulator.variants

    def write(store: Store) -> None:
        ops.publish_service(store, ids["service_id"], body)
        if tracked and not (isinstance(body, dict) and NESTED_EXTRA in body):
            # The read's publish carried it (a new service's too): the PUT lost it.
            service = ops.get_service(store, ids["service_id"])
            lost = sorted({*service.get("_droppedExtras", ()), "publish"})
            store.update("services", service["id"], {"_droppedExtras": lost})

    await emulator.write(write)
    return Response(status_code=204)


def _resellers(store: Store, service_id: str | None = None) -> list[JSON]:
    signed = {s["brokerId"] for s in store.signups if service_id in (None, s["serviceId"])}
    return [b for b in store.brokers.values() if b["id"] in signed]


async def service_resellers(request: Request, emulator: Emulator, ids: dict[str, str]) -> Response:
    service_id = ops.get_service(emulator.store, ids["service_id"])["id"]
    return _list(_resellers(emulator.store, service_id))


async def custom_properties_data(
    request: Request, emulator: Emulator, ids: dict[str, str]
) -> Response:
    ops.get_service(emulator.store, ids["service_id"])
    # No organisation or broker has filled in custom properties in the emulator.
    return ExactJSONResponse([])


async def resellers(request: Request, emulator: Emulator, ids: dict[str, str]) -> Response:
    return _list(_resellers(emulator.store))


async def reseller(request: Request, emulator: Emulator, ids: dict[str, str]) -> Response:
    for row in _resellers(emulator.store):
        if row["id"] == ids["broker_id"]:
            return ExactJSONResponse(public(row))
    raise UnknownObjectError(ids["broker_id"])


_READ = ["GET"]
_COLLECTION = ["GET", "POST"]
_ITEM = ["GET", "PUT", "DELETE"]


def routes() -> list[Route]:
    services = collection("service", lambda s: list(s.services.values()), ops.create_service)
    service = item(ops.get_service, ops.disable_service, ops.replace_service, "service")
    products = collection(
        "product", lambda s, sid: s.products_of(ops.get_service(s, sid)["id"]), ops.create_product
    )
    product = item(ops.get_product, ops.delete_product, ops.replace_product, "product")
    addons = collection(
        "addon", lambda s, *ids: s.addons_of(ops.get_product(s, *ids)["id"]), ops.create_addon
    )
    addon = item(ops.get_addon, ops.delete_addon, ops.replace_addon, "addon")
    brokers = collection("broker", lambda s: list(s.brokers.values()), ops.create_broker)
    broker = item(ops.get_broker, ops.delete_broker, ops.replace_broker, "broker")
    table: list[tuple[str, Handler, list[str]]] = [
        ("/api/services/categories", _lookup(lambda s: s.categories), _READ),
        ("/api/services/marketRegions", _lookup(lambda s: s.regions), _READ),
        ("/api/services/marketCountries", _lookup(lambda s: s.countries), _READ),
        (f"{SELLER}/settings/EmailTemplates", _lookup(lambda s: s.email_templates), _READ),
        (f"{SELLER}/settings/CustomProperties", _lookup(lambda s: s.custom_properties), _READ),
        (f"{SELLER}/services", services, _COLLECTION),
        (SERVICE, service, _ITEM),
        (f"{SERVICE}/publish", publish, ["PUT"]),
        (f"{SERVICE}/pricelist", price_list, ["GET", "PUT"]),
        (f"{SERVICE}/resellers", service_resellers, _READ),
        (f"{SERVICE}/custom-properties-data", custom_properties_data, _READ),
        (f"{SERVICE}/products", products, _COLLECTION),
        (PRODUCT, product, _ITEM),
        (f"{PRODUCT}/addons", addons, _COLLECTION),
        (f"{PRODUCT}/addons/{{addon_id}}", addon, _ITEM),
        (f"{SELLER}/brokers", brokers, _COLLECTION),
        (f"{SELLER}/brokers/{{broker_id}}", broker, _ITEM),
        (f"{SELLER}/resellers", resellers, _READ),
        (f"{SELLER}/resellers/{{broker_id}}", reseller, _READ),
    ]
    return [
        Route("/connect/token", token, methods=["POST"]),
        Route("/api/healthcheck", healthcheck, methods=["GET"]),
        *(Route(path, endpoint(handler), methods=methods) for path, handler, methods in table),
    ]
