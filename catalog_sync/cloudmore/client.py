"""The Cloudmore clients: a read-only one for plan and drift, a read-write one for apply.

:class:`ReadOnlyClient` has no write method at all, so code holding one cannot change the
catalog by construction. :class:`ReadWriteClient` adds creates (which return the new id),
replaces and removes. Both are built by :func:`open_read_only` /
:func:`open_read_write`, async context managers over :class:`ApiSettings`.

There are no per-kind methods: :meth:`ReadOnlyClient.list` and ``get``, and
:meth:`ReadWriteClient.create`, ``replace`` and ``remove`` take the kind and its parents' ids
and find the paths in the kind's endpoint data (:class:`~catalog_sync.kinds.registry.Endpoint`).

Creates never duplicate: a create whose outcome is unknown (timeout, dropped connection, 5xx
other than 503) re-lists the parent and adopts an object with the same natural key (the kind
spec's ``key_field``) before it tries again.
"""

from __future__ import annotations

import builtins
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial
from typing import Any, TypeVar

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
from catalog_sync.graph import Kind
from catalog_sync.kinds.registry import KINDS, SELLER, KindSpec, Root, get_path, keyed_id

__all__ = ["ReadOnlyClient", "ReadWriteClient", "open_read_only", "open_read_write"]

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
C = TypeVar("C", bound="ReadOnlyClient")


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
        return SELLER.path(self.seller_id)

    async def _call(
        self,
        method: str,
        path: str,
        *,
        data: dict[str, Any] | None = None,
        authenticated: bool = True,
        gone_is_done: bool = False,
    ) -> Response:
        """One logical request with retries; returns a 2xx response or raises an ApiError.

        ``gone_is_done``: a 404 on a repeated attempt means an earlier attempt already did it.
        """
        request = self._http.build_request(method, path, json=data)

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

    async def _list(self, path: str, model: type[M]) -> builtins.list[M]:
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

    # --- lookup tables (catalog_sync/live/lookups.py says which) -----------------------------

    async def list_at(
        self, path: str, model: type[M], root: Root | None = None
    ) -> builtins.list[M]:
        """A list that is no kind's (a lookup table): ``path`` is under ``root``, when given."""
        where = (
            path if root is None else f"{root.path(getattr(self._settings, root.setting))}/{path}"
        )
        return await self._list(where, model)

    async def read_json(self, path: str) -> Any:
        """The JSON a ``GET`` of ``path`` answers, unparsed (``doctor --contract`` compares
        its shape with the contract)."""
        response = await self._call("GET", path)
        try:
            return wire.load_json(response.content)
        except ValueError as error:
            raise UnexpectedResponseError(
                f"the response is not JSON: {_short(error)}",
                method="GET",
                path=path,
                status=response.status_code,
            ) from None

    def root_path(self, root: Root) -> str:
        """Where the paths under ``root`` start for these settings (the seller's API)."""
        return root.path(getattr(self._settings, root.setting))

    def path_of(
        self, kind: Kind, parent_ids: Sequence[str] = (), object_id: str | None = None
    ) -> str:
        """A kind's collection (``object_id`` None) or one object of it, as the client reads."""
        spec = KINDS[kind]
        if object_id is None:
            return self._collection(spec, parent_ids)
        return self._item(spec, parent_ids, object_id)

    # --- the kinds: paths from each kind's endpoint data (catalog_sync/kinds) ----------------

    def _root_id(self, spec: KindSpec) -> str:
        return str(getattr(self._settings, spec.endpoint.root.setting))

    def _collection(self, spec: KindSpec, parent_ids: Sequence[str]) -> str:
        ids = () if spec.endpoint.grouped_by else parent_ids
        return spec.endpoint.collection_path(self._root_id(spec), ids)

    def _item(
        self, spec: KindSpec, parent_ids: Sequence[str], object_id: str, *, write: bool = False
    ) -> str:
        return spec.endpoint.item_path(self._root_id(spec), parent_ids, object_id, write=write)

    async def list(self, kind: Kind, parent_ids: Sequence[str] = ()) -> builtins.list[Any]:
        """Every object of ``kind`` under the parent ``parent_ids`` name (outermost first),
        as its read model. A kind listed at the root (``grouped_by``) is listed whole and
        kept to the parent's items; :meth:`list_grouped` reads it once for every parent."""
        spec = KINDS[kind]
        items = await self._list(self._collection(spec, parent_ids), spec.read_model)
        if spec.endpoint.grouped_by is None or not parent_ids:
            return items
        return _grouped(spec, items).get(parent_ids[-1].lower(), [])

    async def list_grouped(self, kind: Kind) -> dict[str, builtins.list[Any]]:
        """A kind listed at the root, read once: its objects by their parent's id."""
        spec = KINDS[kind]
        return _grouped(spec, await self._list(self._collection(spec, ()), spec.read_model))

    async def get(self, kind: Kind, parent_ids: Sequence[str], object_id: str) -> Any:
        """One object's detail read; for a keyed kind (a price list) ``object_id`` is its
        natural key."""
        spec = KINDS[kind]
        return await self._get(self._item(spec, parent_ids, object_id), spec.read_model)


def _grouped(spec: KindSpec, items: list[Any]) -> dict[str, list[Any]]:
    field = spec.endpoint.grouped_by
    assert field is not None
    groups: dict[str, list[Any]] = {}
    for item in items:
        data = item.raw if isinstance(item, wire.ObjectBody) else item.model_dump(by_alias=True)
        parent = get_path(data, field)
        if isinstance(parent, str):
            groups.setdefault(parent.lower(), []).append(item)
    return groups


class ReadWriteClient(ReadOnlyClient):
    """Adds the writes apply needs: create (returns the new id), replace and remove of a kind,
    driven by its endpoint data like the reads."""

    def _data(self, spec: KindSpec, parent_ids: Sequence[str], body: BaseModel) -> dict[str, Any]:
        data = wire.dump_body(body)
        if spec.endpoint.parent_field is not None:
            data[spec.endpoint.parent_field] = parent_ids[-1]
        return data

    async def create(self, kind: Kind, parent_ids: Sequence[str], body: BaseModel) -> str:
        """Create an object of ``kind`` under ``parent_ids``; its new id. Never duplicates:
        after an ambiguous attempt the parent's objects are listed and one with the body's
        natural key (the spec's ``key_field``) is adopted. A keyed kind is put at its key."""
        spec = KINDS[kind]
        data = self._data(spec, parent_ids, body)
        key_field = spec.key_field
        assert key_field is not None, f"a {kind.value} has no natural key to create by"
        key = str(get_path(data, key_field))
        if spec.endpoint.keyed:
            await self._call("PUT", self._item(spec, parent_ids, key, write=True), data=data)
            return keyed_id(parent_ids[-1], key)
        return await self._create(spec, parent_ids, data, key)

    async def replace(
        self, kind: Kind, parent_ids: Sequence[str], object_id: str, body: BaseModel
    ) -> None:
        """Replace an object (a PUT sends the whole object). An embedded kind is replaced under
        its parent; a keyed kind (a price list) at its natural key."""
        spec = KINDS[kind]
        path = self._item(spec, parent_ids, object_id, write=True)
        await self._call("PUT", path, data=self._data(spec, parent_ids, body))

    async def remove(self, kind: Kind, parent_ids: Sequence[str], object_id: str) -> None:
        """``DELETE`` the object: deleted, or disabled where that is what the kind's DELETE
        does (a service stays listed as ``Disabled``)."""
        spec = KINDS[kind]
        await self._call("DELETE", self._item(spec, parent_ids, object_id), gone_is_done=True)

    # --- create without duplicates ----------------------------------------------------------

    async def _find_by_key(self, spec: KindSpec, parent_ids: Sequence[str], key: str) -> str | None:
        """The id of the object under the parent with natural key ``key``: only the parent's
        own objects are looked at (for a kind listed at the root, those naming it)."""
        collection = self._collection(spec, parent_ids)
        response = await self._call("GET", collection)
        try:
            items = wire.load_json(response.content)
        except ValueError:
            items = None
        if not isinstance(items, list):
            raise UnexpectedResponseError(
                "the response is not a JSON list", method="GET", path=collection
            )
        key_field = spec.key_field or ""
        group = spec.endpoint.grouped_by
        for item in items:
            if not isinstance(item, dict) or get_path(item, key_field) != key:
                continue
            if group is not None and str(get_path(item, group)).lower() != parent_ids[-1].lower():
                continue
            found = item.get("id")
            if isinstance(found, str) and found:
                return found.lower()
        return None

    async def _create(
        self, spec: KindSpec, parent_ids: Sequence[str], data: dict[str, Any], key: str
    ) -> str:
        collection = self._collection(spec, parent_ids)
        request = self._http.build_request("POST", collection, json=data)
        maybe_written = False

        async def adopt() -> str | None:
            """The object an earlier attempt may have created, if one may have been."""
            if not maybe_written:
                return None
            found = await self._find_by_key(spec, parent_ids, key)
            if found is not None:
                self.metrics.adopted_creates += 1
                log.info(
                    "POST %s: adopted %s=%r (id %s) after an ambiguous create",
                    collection,
                    spec.key_field,
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
                return await self._new_id(response, spec, parent_ids, key)
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

    async def _new_id(
        self, response: Response, spec: KindSpec, parent_ids: Sequence[str], key: str
    ) -> str:
        new_id = (
            wire.id_from_location(response.headers.get("Location"))
            or wire.id_from_body(response.content)
            or await self._find_by_key(spec, parent_ids, key)
        )
        if new_id is None:
            raise UnexpectedResponseError(
                f"created, but neither the Location header, the body nor a re-list "
                f"named the new id ({spec.key_field}={key!r})",
                method="POST",
                path=self._collection(spec, parent_ids),
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
