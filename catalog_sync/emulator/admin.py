"""Admin endpoints under ``/_emulator/``: no auth, never faulted, never logged."""

from __future__ import annotations

import json

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from catalog_sync.emulator.api import emulator_of
from catalog_sync.emulator.config import LIST_SHAPES, FaultConfig, SeedName
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
    shape = body.get("listShape", emulator.config.list_shape)
    if shape not in LIST_SHAPES:
        return _bad_request(f"listShape must be one of {', '.join(LIST_SHAPES)}")
    emulator.list_shape = shape
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
    ]
