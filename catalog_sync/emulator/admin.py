"""Admin endpoints under ``/_emulator/``: no auth, never faulted, never logged."""

from __future__ import annotations

import json

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from catalog_sync.emulator import operations
from catalog_sync.emulator.api import emulator_of
from catalog_sync.emulator.config import CONTRACT_VARIANTS, FaultConfig, SeedName
from catalog_sync.emulator.rules import UnknownObjectError
from catalog_sync.emulator.validation import ModelStateError
from catalog_sync.emulator.views import ExactJSONResponse

__all__ = ["routes"]

_SEEDS: tuple[SeedName, ...] = ("empty", "demo")


def _bad_request(message: str) -> Response:
    return JSONResponse({"error": message}, status_code=400)


async def reset(request: Request) -> Response:
    emulator = emulator_of(request)
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError as error:
        return _bad_request(str(error))
    if not isinstance(body, dict):
        return _bad_request("the reset body must be a JSON object")
    seed = body.get("seed", emulator.config.seed)
    if seed not in _SEEDS:
        return _bad_request(f"seed must be one of {', '.join(_SEEDS)}")
    variants = body.get("variants", list(emulator.config.variants))
    if not isinstance(variants, list) or any(v not in CONTRACT_VARIANTS for v in variants):
        return _bad_request(f"variants must be a list of {', '.join(CONTRACT_VARIANTS)}")
    emulator.variants = frozenset(variants)
    await emulator.reset(seed)
    return Response(status_code=204)


async def faults(request: Request) -> Response:
    emulator = emulator_of(request)
    if request.method == "PUT":
        try:
            config = FaultConfig.model_validate_json(await request.body())
        except ValidationError as error:
            return _bad_request(str(error))
        emulator.faults.configure(config)
    return JSONResponse(emulator.faults.config.model_dump(mode="json", by_alias=True))


async def requests(request: Request) -> Response:
    emulator = emulator_of(request)
    if request.method == "DELETE":
        emulator.request_log.clear()
        return Response(status_code=204)
    return JSONResponse(emulator.request_log.entries())


async def state(request: Request) -> Response:
    emulator = emulator_of(request)
    await emulator.settled()
    return ExactJSONResponse(emulator.store.to_json())


async def enable_currency(request: Request) -> Response:
    """``PUT /_emulator/services/{id}/currencies/{code}``: what Cloudmore's UI does (no public
    endpoint enables a currency, docs/contracts.md "Price lists")."""
    emulator = emulator_of(request)
    service_id, code = request.path_params["service_id"], request.path_params["currency"]
    try:
        await emulator.write(lambda s: operations.enable_currency(s, service_id, code))
    except UnknownObjectError:
        return JSONResponse({"error": f"no service {service_id}"}, status_code=404)
    except ModelStateError as error:
        return JSONResponse(error.errors, status_code=400)
    return Response(status_code=204)


async def revoke_tokens(request: Request) -> Response:
    emulator_of(request).tokens.revoke_all()
    return Response(status_code=204)


def routes() -> list[Route]:
    return [
        Route("/_emulator/reset", reset, methods=["POST"]),
        Route("/_emulator/faults", faults, methods=["GET", "PUT"]),
        Route("/_emulator/requests", requests, methods=["GET", "DELETE"]),
        Route("/_emulator/state", state, methods=["GET"]),
        Route("/_emulator/revoke-tokens", revoke_tokens, methods=["POST"]),
        Route(
            "/_emulator/services/{service_id}/currencies/{currency}",
            enable_currency,
            methods=["PUT"],
        ),
    ]
