"""Redaction: no token, password or client secret in any output, log, journal or error.

Two nets. Every credential catalog-sync holds (the password, the client secret, each access
token it obtains) is registered here and blanked wherever it appears; and text that merely
looks like a credential (a JWT, a Bearer or Basic header value, ``password=...``) is blanked
too, since a server or proxy may echo what another client sent. Every text a server wrote
(error bodies, validation reasons, reason phrases) passes through :func:`redact` before it is
shown, logged or journaled (README, "Configuration").
"""

from __future__ import annotations

import re
import threading

__all__ = ["REDACTED", "redact", "register_secret"]

REDACTED = "[redacted]"
_MIN_SECRET = 8
"""Shorter values would blank ordinary words; they are still caught by the patterns."""

_SECRET_LOOKING = re.compile(
    r"eyJ[\w-]*\.[\w-]*\.?[\w-]*"
    r"|(?i:\b(?:bearer|basic)\s+)[\w+/=.~-]+"
    r"|(?i:\b(?:authorization)\b[\"']?\s*[=:]\s*)[\"']?[^\"',}\n]+"
    # key=value (a form or query) or "key": value (JSON); not prose such as "token: refused"
    r"|(?i:\b(?:password|client_secret|secret|access_token|refresh_token|token)\b"
    r"(?:\s*=|[\"']\s*:)\s*)[\"']?[^\s&\"',}]+"
)
_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a credential so that :func:`redact` blanks it wherever it appears."""
    if value and len(value) >= _MIN_SECRET:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _SECRET_LOOKING.sub(REDACTED, text)
