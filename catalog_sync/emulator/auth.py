"""Token issuance (``POST /connect/token``) and bearer checks, IdentityServer style."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping

from catalog_sync.emulator.config import DemoCredentials
from catalog_sync.emulator.validation import JSON

__all__ = ["TokenService"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


class TokenService:
    def __init__(
        self, credentials: DemoCredentials, lifetime_seconds: int, clock: Callable[[], float]
    ) -> None:
        self.credentials = credentials
        self.lifetime_seconds = lifetime_seconds
        self.clock = clock
        self._key = secrets.token_bytes(32)
        self._expiry: dict[str, float] = {}

    def issue(self, form: Mapping[str, str], authorization: str | None) -> tuple[int, JSON]:
        """The status and JSON body answering one token request."""
        client = _basic_credentials(authorization) or (
            form.get("client_id", ""),
            form.get("client_secret", ""),
        )
        if form.get("grant_type") != "password":
            return 400, {"error": "unsupported_grant_type"}
        expected = (self.credentials.client_id, self.credentials.client_secret)
        if not all(hmac.compare_digest(a, b) for a, b in zip(client, expected, strict=True)):
            # IdentityServer answers 400 for a refused client, as for refused user credentials.
            return 400, {"error": "invalid_client"}
        scopes = form.get("scope", "api").split()
        if "api" not in scopes:
            return 400, {"error": "invalid_scope"}
        user_ok = hmac.compare_digest(form.get("username", ""), self.credentials.username)
        password_ok = hmac.compare_digest(form.get("password", ""), self.credentials.password)
        if not (user_ok and password_ok):
            return 400, {
                "error": "invalid_grant",
                "error_description": "invalid_username_or_password",
            }
        return 200, {
            "access_token": self._new_token(),
            "expires_in": self.lifetime_seconds,
            "token_type": "Bearer",
            "scope": "api",
        }

    def _new_token(self) -> str:
        now = self.clock()
        expires = now + self.lifetime_seconds
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        claims = {
            "iss": "cloudmore-emulator",
            "sub": self.credentials.username,
            "client_id": self.credentials.client_id,
            "scope": ["api"],
            "iat": int(now),
            "exp": int(expires),
            "jti": secrets.token_hex(16),
        }
        payload = _b64(json.dumps(claims).encode())
        signature = hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        token = f"{header}.{payload}.{_b64(signature)}"
        self._expiry[token] = expires
        return token

    def is_valid(self, authorization: str | None) -> bool:
        if not authorization or not authorization.lower().startswith("bearer "):
            return False
        expires = self._expiry.get(authorization[7:].strip())
        return expires is not None and self.clock() < expires

    def revoke_all(self) -> None:
        self._expiry.clear()
