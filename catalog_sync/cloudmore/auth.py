"""Cloudmore's password grant as an httpx-style Auth, with one token shared by all requests.

* The token is fetched once, under a lock: N requests starting together make one token request.
* It is renewed shortly before it expires (there is no refresh token: renewing is a new grant).
* A 401 renews it once, however many requests got that 401 together (a generation number tells
  whether someone else already renewed), and the request is sent once more; a second 401 is
  left to the retry policy (``retry.py``), whose next attempt renews again.
* It lives in this object's memory only and is never part of a repr, log line or error.
"""

from __future__ import annotations

import asyncio
import base64
import re
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass, field

from pydantic import SecretStr, ValidationError

from catalog_sync.cloudmore import wire
from catalog_sync.cloudmore.http import Auth, Request, Response
from catalog_sync.cloudmore.metrics import ClientMetrics
from catalog_sync.cloudmore.responses import error_for_response
from catalog_sync.errors import AuthenticationError, UnexpectedResponseError
from catalog_sync.redact import register_secret

__all__ = ["TOKEN_PATH", "PasswordGrantAuth", "Token"]

TOKEN_PATH = "/connect/token"  # noqa: S105 - a path, not a secret
_ERROR_CODE = re.compile(r"^[a-z_]{1,40}$")
_RENEW_MARGIN = 300.0
"""Seconds before its expiry that a token is renewed (a tenth of its lifetime, if less)."""

TokenSender = Callable[[dict[str, str], dict[str, str]], Awaitable[Response]]
"""(form fields, headers) -> the identity server's answer to a token request."""


@dataclass(frozen=True)
class Token:
    value: str = field(repr=False)
    expires_at: float
    generation: int


class PasswordGrantAuth(Auth):
    """Bearer auth with a token from ``POST /connect/token`` (``grant_type=password``)."""

    def __init__(
        self,
        *,
        username: str,
        password: SecretStr,
        client_id: str,
        client_secret: SecretStr,
        credentials_in_form: bool = False,
        metrics: ClientMetrics | None = None,
    ) -> None:
        self._username = username
        self._password = password
        self._client_id = client_id
        self._client_secret = client_secret
        self._credentials_in_form = credentials_in_form
        self._clock: Callable[[], float] = time.monotonic
        self._lock = asyncio.Lock()
        self._token: Token | None = None
        self._generation = 0
        self._send: TokenSender | None = None
        # Token requests and renewals are counted where the client reports them.
        self._metrics = metrics or ClientMetrics()

    def __repr__(self) -> str:
        return f"PasswordGrantAuth(username={self._username!r}, client_id={self._client_id!r})"

    def attach(self, send: TokenSender) -> None:
        """Give the auth a way to reach the identity server (set once by the client)."""
        self._send = send

    async def async_auth_flow(self, request: Request) -> AsyncGenerator[Request, Response]:
        token = await self.token()
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        if response.status_code == 401:
            # Finish the 401 first: it holds a pooled connection, and the token request
            # needs one; with every connection held that way, renewal would wait forever.
            await response.aread()
            token = await self.renew(rejected=token)
            request.headers["Authorization"] = f"Bearer {token.value}"
            yield request

    def _fresh(self) -> Token | None:
        token = self._token
        return token if token is not None and self._clock() < token.expires_at else None

    async def token(self) -> Token:
        """The current token, fetched or renewed first if needed (one fetch at a time)."""
        if (current := self._fresh()) is not None:
            return current
        async with self._lock:
            return self._fresh() or await self._fetch()

    async def renew(self, *, rejected: Token) -> Token:
        """A new token after ``rejected`` got a 401, unless another request already renewed."""
        async with self._lock:
            current = self._fresh()
            if current is not None and current.generation != rejected.generation:
                return current
            self._metrics.token_renewals += 1
            return await self._fetch()

    def _token_request(self) -> tuple[dict[str, str], dict[str, str]]:
        form = {
            "grant_type": "password",
            "username": self._username,
            "password": self._password.get_secret_value(),
            "scope": "api",
        }
        headers: dict[str, str] = {}
        if self._credentials_in_form:
            form["client_id"] = self._client_id
            form["client_secret"] = self._client_secret.get_secret_value()
        else:
            pair = f"{self._client_id}:{self._client_secret.get_secret_value()}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        return form, headers

    async def _fetch(self) -> Token:
        if self._send is None:
            raise RuntimeError("PasswordGrantAuth.attach() was not called")
        self._metrics.token_requests += 1
        self._token = None
        response = await self._send(*self._token_request())
        if response.status_code in (400, 401):
            raise self._refusal(response)
        if not response.is_success:
            raise error_for_response("POST", TOKEN_PATH, response)
        try:
            parsed = wire.TokenResponse.model_validate(wire.load_json(response.content))
        except (ValueError, ValidationError):
            raise UnexpectedResponseError(
                "the token response is not the expected JSON (access_token, expires_in)",
                method="POST",
                path=TOKEN_PATH,
                status=response.status_code,
            ) from None
        register_secret(parsed.access_token)
        margin = min(_RENEW_MARGIN, parsed.expires_in / 10)
        self._generation += 1
        self._token = Token(
            value=parsed.access_token,
            expires_at=self._clock() + parsed.expires_in - margin,
            generation=self._generation,
        )
        return self._token

    def _refusal(self, response: Response) -> AuthenticationError:
        try:
            code = wire.TokenErrorResponse.model_validate(wire.load_json(response.content)).error
        except (ValueError, ValidationError):
            code = ""
        # Only a bare OAuth error code is quoted: a free-text field could echo a credential.
        if not _ERROR_CODE.match(code):
            code = ""
        if code == "invalid_grant":
            reason = "wrong username or password (check CLOUDMORE_USERNAME and CLOUDMORE_PASSWORD)"
        elif code in ("invalid_client", "unauthorized_client"):
            reason = (
                "wrong client id or client secret "
                "(check CLOUDMORE_CLIENT_ID and CLOUDMORE_CLIENT_SECRET)"
            )
        else:
            reason = "check the CLOUDMORE_* credentials"
        shown = f", {code}" if code else ""
        return AuthenticationError(
            f"the token request was refused ({response.status_code}{shown}): {reason}",
            method="POST",
            path=TOKEN_PATH,
            status=response.status_code,
        )
