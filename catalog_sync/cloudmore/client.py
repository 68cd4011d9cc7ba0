"""The Cloudmore clients: a read-only one for plan and drift, a read-write one for apply.

:class:`ReadOnlyClient` has no write method at all, so code holding one cannot change the
catalog by construction. :class:`ReadWriteClient` adds creates (which return the new id),
updates, deletes, disable and publish. Both are built by :func:`open_read_only` /
:func:`open_read_write`, async context managers over :class:`ApiSettings`.

Creates never duplicate: a create whose outcome is unknown (timeout, dropped connection, 5xx
other than 503) re-lists the parent and adopts an object with the same natural key before it
tries again; a name is the key of a service, ``itemCode`` of a product or addon,
``registrationNumber`` of a broker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from catalog_sync.cloudmore import wire
from catalog_sync.cloudmore.auth import TOKEN_PATH, PasswordGrantAuth
from catalog_sync.cloudmore.http import (
    ASGITransport,
    AsyncTransport,
    HttpClient,
    Response,
)
from catalog_sync.cloudmore.metrics import ClientMetrics
from catalog_sync.cloudmore.responses import error_for_response
from catalog_sync.cloudmore.retry import Retrier, Retryable, RetryPolicy, SleepFn
from catalog_sync.cloudmore.settings import ApiSettings
from catalog_sync.errors import (
    ApiValidationError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
)

__all__ = ["ReadOnlyClient", "ReadWriteClient", "open_read_only", "open_read_write"]

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
C = TypeVar("C", bound="ReadOnlyClient")


def _seg(value: str) -> str:
    return quote(value, safe="")


class ReadOnlyClient:
    """Lists and gets. There is deliberately no method here that could write."""

    def __init__(
        self,
        *,
        http: HttpClient,
        retrier: Retrier,
        auth: PasswordGrantAuth,
        settings: ApiSettings,
        metrics: ClientMetrics,
    ) -> None:
        self._http = http
        self._retrier = retrier
        self._auth = auth
        self._settings = settings
        self.metrics = metrics

    @property
    def api_url(self) -> str:
        return self._settings.api_url

    @property
    def seller_id(self) -> str:
        return self._settings.seller_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}(api_url={self.api_url!r}, seller_id={self.seller_id!r})"

    # --- plumbing -------------------------------------------------------------------------

    @property
    def _seller(self) -> str:
        return f"/api/sellers/{_seg(self.seller_id)}"

    async def _call(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        authenticated: bool = True,
        gone_is_done: bool = False,
    ) -> Response:
        """One logical request with retries; returns a 2xx response or raises an ApiError.

        ``gone_is_done``: a 404 on a repeated attempt means an earlier attempt already did it.
        """
        request = self._http.build_request(
            method, path, json=wire.dump_body(body) if body is not None else None
        )

        async def attempt(number: int) -> Response:
            response = await self._retrier.attempt(
                method, lambda: self._http.send(request, authenticated=authenticated)
            )
            if response.is_success:
                return response
            if gone_is_done and number > 1 and response.status_code == 404:
                log.debug("%s %s: 404 on attempt %d, counted as done", method, path, number)
                return response
            raise error_for_response(method, path, response)

        return await self._retrier.run(method, path, attempt)

    async def _read(self, path: str, parse: Callable[[Any], R], unexpected: str) -> R:
        response = await self._call("GET", path)
        try:
            return parse(wire.load_json(response.content))
        except (ValueError, ValidationError) as error:
            raise UnexpectedResponseError(
                f"{unexpected}: {_short(error)}",
                method="GET",
                path=path,
                status=response.status_code,
            ) from None

    async def _list(self, path: str, model: type[M]) -> list[M]:
        title = model.model_config.get("title", model.__name__)
        parse = partial(wire.parse_list, model)
        return await self._read(path, parse, f"the response is not a list of {title}")

    async def _get(self, path: str, model: type[M]) -> M:
        parse = partial(wire.parse_one, model)
        return await self._read(path, parse, "the response body is not what was expected")

    # --- checks ---------------------------------------------------------------------------

    async def healthcheck(self) -> None:
        """``GET /api/healthcheck`` (no token needed); raises unless the API answers 2xx."""
        await self._call("GET", "/api/healthcheck", authenticated=False)

    async def authenticate(self) -> None:
        """Obtain a token now (normally this happens on the first request)."""
        await self._auth.token()

    # --- lookups --------------------------------------------------------------------------

    async def list_categories(self) -> list[wire.Category]:
        return await self._list("/api/services/categories", wire.Category)

    async def list_market_regions(self) -> list[wire.MarketRegion]:
        return await self._list("/api/services/marketRegions", wire.MarketRegion)

    async def list_market_countries(self) -> list[wire.MarketCountry]:
        return await self._list("/api/services/marketCountries", wire.MarketCountry)

    async def list_email_templates(self) -> list[wire.EmailTemplate]:
        return await self._list(f"{self._seller}/settings/EmailTemplates", wire.EmailTemplate)

    async def list_custom_properties(self) -> list[wire.CustomPropertyDefinition]:
        path = f"{self._seller}/settings/CustomProperties"
        return await self._list(path, wire.CustomPropertyDefinition)

    # --- services, products, addons -------------------------------------------------------

    def _service(self, service_id: str) -> str:
        return f"{self._seller}/services/{_seg(service_id)}"

    def _product(self, service_id: str, product_id: str) -> str:
        return f"{self._service(service_id)}/products/{_seg(product_id)}"

    def _addon(self, service_id: str, product_id: str, addon_id: str) -> str:
        return f"{self._product(service_id, product_id)}/addons/{_seg(addon_id)}"

    async def list_services(self) -> list[wire.ServiceRead]:
        return await self._list(f"{self._seller}/services", wire.ServiceRead)

    async def get_service(self, service_id: str) -> wire.ServiceRead:
        return await self._get(self._service(service_id), wire.ServiceRead)

    async def list_products(self, service_id: str) -> list[wire.ProductRead]:
        return await self._list(f"{self._service(service_id)}/products", wire.ProductRead)

    async def get_product(self, service_id: str, product_id: str) -> wire.ProductRead:
        return await self._get(self._product(service_id, product_id), wire.ProductRead)

    async def list_addons(self, service_id: str, product_id: str) -> list[wire.AddonRead]:
        return await self._list(f"{self._product(service_id, product_id)}/addons", wire.AddonRead)

    async def get_addon(self, service_id: str, product_id: str, addon_id: str) -> wire.AddonRead:
        return await self._get(self._addon(service_id, product_id, addon_id), wire.AddonRead)

    # --- price lists (wire shapes ASSUMED, docs/contracts.md "Price lists") ----------------

    def _price_list(self, service_id: str, currency: str) -> str:
        return f"{self._service(service_id)}/pricelist?currencyCode={_seg(currency)}"

    async def get_price_list(self, service_id: str, currency: str) -> wire.SellerPriceList:
        """The service's prices in one currency (``currency`` in its ``currencies``)."""
        return await self._get(self._price_list(service_id, currency), wire.SellerPriceList)

    # --- brokers --------------------------------------------------------------------------

    def _broker(self, broker_id: str) -> str:
        return f"{self._seller}/brokers/{_seg(broker_id)}"

    async def list_brokers(self) -> list[wire.BrokerRead]:
        return await self._list(f"{self._seller}/brokers", wire.BrokerRead)

    async def get_broker(self, broker_id: str) -> wire.BrokerRead:
        return await self._get(self._broker(broker_id), wire.BrokerRead)


class ReadWriteClient(ReadOnlyClient):
    """Adds the writes apply needs. Creates return the new id; the rest return None."""

    # --- services ---------------------------------------------------------------------------

    async def create_service(self, body: wire.ServiceBody) -> str:
        return await self._create(f"{self._seller}/services", body, "name", body.name)

    async def update_service(self, service_id: str, body: wire.ServiceBody) -> None:
        await self._call("PUT", self._service(service_id), body=body)

    async def disable_service(self, service_id: str) -> None:
        """Cloudmore's DELETE on a service disables it; it stays listed as ``Disabled``."""
        await self._call("DELETE", self._service(service_id), gone_is_done=True)

    async def publish_service(self, service_id: str, body: wire.PublishBody) -> None:
        await self._call("PUT", f"{self._service(service_id)}/publish", body=body)

    async def update_price_list(
        self, service_id: str, body: wire.SellerPriceListUpdateViewModel
    ) -> None:
        """Set the amounts of the items in ``body`` in its currency; the others keep theirs."""
        path = self._price_list(service_id, body.currency_code)
        await self._call("PUT", path, body=body)

    # --- products ---------------------------------------------------------------------------

    async def create_product(self, service_id: str, body: wire.ProductBody) -> str:
        path = f"{self._service(service_id)}/products"
        return await self._create(path, body, "itemCode", body.item_code)

    async def update_product(
        self, service_id: str, product_id: str, body: wire.ProductBody
    ) -> None:
        await self._call("PUT", self._product(service_id, product_id), body=body)

    async def delete_product(self, service_id: str, product_id: str) -> None:
        await self._call("DELETE", self._product(service_id, product_id), gone_is_done=True)

    # --- addons -----------------------------------------------------------------------------

    async def create_addon(self, service_id: str, product_id: str, body: wire.AddonBody) -> str:
        path = f"{self._product(service_id, product_id)}/addons"
        return await self._create(path, body, "itemCode", body.item_code)

    async def update_addon(
        self, service_id: str, product_id: str, addon_id: str, body: wire.AddonBody
    ) -> None:
        await self._call("PUT", self._addon(service_id, product_id, addon_id), body=body)

    async def delete_addon(self, service_id: str, product_id: str, addon_id: str) -> None:
        path = self._addon(service_id, product_id, addon_id)
        await self._call("DELETE", path, gone_is_done=True)

    # --- brokers ----------------------------------------------------------------------------

    async def create_broker(self, body: wire.BrokerBody) -> str:
        path = f"{self._seller}/brokers"
        return await self._create(path, body, "registrationNumber", body.registration_number)

    async def update_broker(self, broker_id: str, body: wire.BrokerBody) -> None:
        await self._call("PUT", self._broker(broker_id), body=body)

    async def delete_broker(self, broker_id: str) -> None:
        await self._call("DELETE", self._broker(broker_id), gone_is_done=True)

    # --- create without duplicates ----------------------------------------------------------

    async def _find_by_key(self, collection: str, key_field: str, key: str) -> str | None:
        response = await self._call("GET", collection)
        try:
            items = wire.load_json(response.content)
        except ValueError:
            items = None
        if not isinstance(items, list):
            raise UnexpectedResponseError(
                "the response is not a JSON list", method="GET", path=collection
            )
        for item in items:
            if isinstance(item, dict) and item.get(key_field) == key:
                found = item.get("id")
                if isinstance(found, str) and found:
                    return found.lower()
        return None

    async def _create(self, collection: str, body: BaseModel, key_field: str, key: str) -> str:
        request = self._http.build_request("POST", collection, json=wire.dump_body(body))
        maybe_written = False

        async def adopt() -> str | None:
            """The object an earlier attempt may have created, if one may have been."""
            if not maybe_written:
                return None
            found = await self._find_by_key(collection, key_field, key)
            if found is not None:
                self.metrics.adopted_creates += 1
                log.info(
                    "POST %s: adopted %s=%r (id %s) after an ambiguous create",
                    collection,
                    key_field,
                    key,
                    found,
                )
            return found

        async def attempt(number: int) -> str:
            nonlocal maybe_written
            if (found := await adopt()) is not None:
                return found
            try:
                response = await self._retrier.attempt("POST", lambda: self._http.send(request))
            except Retryable as failure:
                maybe_written = maybe_written or not failure.unsent
                raise
            if response.is_success:
                return await self._new_id(response, collection, key_field, key)
            if response.status_code >= 500:
                maybe_written = True
                raise Retryable(response=response, unsent=False)
            # e.g. AlreadyExists: the earlier attempt landed after our re-list looked.
            if response.status_code == 400 and (found := await adopt()) is not None:
                return found
            raise error_for_response("POST", collection, response)

        try:
            # Repeating is safe here: every repeat after an ambiguous failure re-lists first.
            return await self._retrier.run("POST", collection, attempt, repeat_sent=True)
        except (ServerError, TransportError, ApiValidationError):
            if (found := await adopt()) is not None:
                return found
            raise

    async def _new_id(self, response: Response, collection: str, key_field: str, key: str) -> str:
        new_id = (
            wire.id_from_location(response.headers.get("Location"))
            or wire.id_from_body(response.content)
            or await self._find_by_key(collection, key_field, key)
        )
        if new_id is None:
            raise UnexpectedResponseError(
                f"created, but neither the Location header, the body nor a re-list "
                f"named the new id ({key_field}={key!r})",
                method="POST",
                path=collection,
                status=response.status_code,
            )
        return new_id


def _short(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
        return f"{where}: {first['msg']}{more}"
    return str(error)


@asynccontextmanager
async def _open(
    cls: type[C],
    settings: ApiSettings,
    *,
    transport: AsyncTransport | None,
    sleep: SleepFn | None,
    retry_policy: RetryPolicy | None,
) -> AsyncIterator[C]:
    metrics = ClientMetrics()
    auth = PasswordGrantAuth(
        username=settings.username,
        password=settings.password,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        credentials_in_form=settings.credentials_in_form,
        metrics=metrics,
    )
    if transport is None and settings.embedded:
        from catalog_sync.emulator import EmulatorConfig, create_app

        app = create_app(EmulatorConfig(seed="demo", state_file=settings.embedded_state_file))
        transport = ASGITransport(app=app)

    async def on_response(response: Response) -> None:
        request = response.request
        metrics.record_response(request.method, response.status_code)
        log.debug("%s %s -> %d", request.method, request.url.path, response.status_code)

    http = HttpClient(
        base_url=settings.api_url,
        parallelism=settings.parallelism,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        auth=auth,
        transport=transport,
        on_response=on_response,
    )
    retrier = Retrier(retry_policy or RetryPolicy(), metrics, sleep=sleep)

    async def send_token_request(form: dict[str, str], headers: dict[str, str]) -> Response:
        request = http.build_request("POST", TOKEN_PATH, form=form, headers=headers)

        async def attempt(_: int) -> Response:
            # A 401 here is the credentials refused, not a token revoked: never retried.
            return await retrier.attempt(
                "POST", lambda: http.send_unbounded(request), unauthorized=False
            )

        # A token request changes nothing on the server, so repeating it is always safe.
        return await retrier.run("POST", TOKEN_PATH, attempt, repeat_sent=True)

    auth.attach(send_token_request)
    client = cls(http=http, retrier=retrier, auth=auth, settings=settings, metrics=metrics)
    try:
        yield client
    finally:
        metrics.finished_at = time.monotonic()
        await http.aclose()


def open_read_only(
    settings: ApiSettings,
    *,
    transport: AsyncTransport | None = None,
    sleep: SleepFn | None = None,
    retry_policy: RetryPolicy | None = None,
) -> AbstractAsyncContextManager[ReadOnlyClient]:
    """A read-only client for ``settings`` (the embedded emulator when settings say so).

    ``transport`` replaces the network (tests: MockTransport / ASGITransport); ``sleep``
    replaces the retry waits (tests: record and return at once).
    """
    return _open(
        ReadOnlyClient, settings, transport=transport, sleep=sleep, retry_policy=retry_policy
    )


def open_read_write(
    settings: ApiSettings,
    *,
    transport: AsyncTransport | None = None,
    sleep: SleepFn | None = None,
    retry_policy: RetryPolicy | None = None,
) -> AbstractAsyncContextManager[ReadWriteClient]:
    """A read-write client for ``settings``; see :func:`open_read_only`."""
    return _open(
        ReadWriteClient, settings, transport=transport, sleep=sleep, retry_policy=retry_policy
    )
