"""Turning an unsuccessful response into the right :class:`~catalog_sync.errors.ApiError`.

Messages name the method and path (via ApiError) and the server's reasons. They never quote
headers or request bodies, which is where tokens and passwords travel.
"""

from __future__ import annotations

from typing import TypedDict

from catalog_sync.cloudmore import wire
from catalog_sync.cloudmore.http import Response
from catalog_sync.errors import (
    ApiError,
    ApiValidationError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnexpectedResponseError,
)
from catalog_sync.redact import server_text

__all__ = ["error_for_response", "reasons_text"]

_MAX_TEXT = 300


class _Where(TypedDict):
    method: str
    path: str
    status: int


def reasons_text(reasons: dict[str, list[str]]) -> str:
    return "; ".join(
        f"{key}: {' '.join(messages)}" if key else " ".join(messages)
        for key, messages in reasons.items()
    )


def _server_reasons(reasons: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
    if reasons is None:
        return None
    return {
        server_text(key): [server_text(m) for m in messages] for key, messages in reasons.items()
    }


def _body_excerpt(response: Response) -> str:
    if response.request.url.path.endswith("/connect/token"):
        # The token endpoint is sent the password and secret: none of its text is quoted.
        return ""
    # A server or proxy error page may echo what it was sent (catalog_sync/redact.py).
    text = server_text(response.text.strip().replace("\n", " "))
    return text[:_MAX_TEXT] + ("…" if len(text) > _MAX_TEXT else "")


def error_for_response(
    method: str, path: str, response: Response, *, attempts: int = 1
) -> ApiError:
    """The error for a final, unsuccessful response."""
    status = response.status_code
    after = f" after {attempts} attempts" if attempts > 1 else ""
    where: _Where = {"method": method, "path": path, "status": status}
    if status == 400:
        try:
            body = wire.load_json(response.content) if response.content.strip() else None
        except ValueError:
            body = None
        reasons = _server_reasons(wire.validation_reasons(body))
        if reasons is not None:
            return ApiValidationError(
                f"rejected (400): {reasons_text(reasons)}", reasons=reasons, **where
            )
        excerpt = _body_excerpt(response)
        return ApiValidationError(
            f"rejected (400){': ' + excerpt if excerpt else ''}",
            reasons={"": [excerpt]} if excerpt else {},
            **where,
        )
    if status == 401:
        return AuthenticationError("unauthorized (401) even with a freshly renewed token", **where)
    if status == 403:
        return PermissionDeniedError(
            "forbidden (403): the API user may not act for this seller "
            "(check CLOUDMORE_SELLER_ID and the user's REST access)",
            **where,
        )
    if status == 404:
        return NotFoundError("not found (404)", **where)
    if status == 429:
        return RateLimitedError(f"rate limited (429){after}", **where)
    if status >= 500:
        excerpt = _body_excerpt(response)
        return ServerError(
            f"server error ({status}){after}{': ' + excerpt if excerpt else ''}", **where
        )
    return UnexpectedResponseError(f"unexpected status {status}", **where)
