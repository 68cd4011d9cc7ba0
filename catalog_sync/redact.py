"""Redaction: no token, password or client secret in any output, log, journal or error.

Two nets. Every credential catalog-sync holds (the password, the client secret, each access
token it obtains) is registered here and blanked wherever it appears, in each form a server or
proxy may echo it: as sent in a form or URL (percent-encoded), inside JSON (escaped), and as
the HTTP Basic credentials ``base64(client_id:secret)`` with or without the word ``Basic``.
And text that merely looks like a credential (a JWT, a Bearer or Basic header value,
``password=...``) is blanked too, since a server may echo what another client sent.

A credential of any length is blanked in text a server wrote (:func:`server_text`: a
validation reason, an error body, as it is taken from the response); in other text (an
error's own words, a journal record, which also holds the catalog's names), one shorter than
:data:`_MIN_SECRET` is left alone, as blanking it there would blank ordinary words (the
emulator's published demo password is ``demo``). Every error of a request
(:class:`~catalog_sync.errors.ApiError`) and every log line of the HTTP library is redacted
and neutralised (:func:`neutralise`) where it is made, the one place server text enters
what is shown, logged or journaled (README, "Configuration").
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, quote_plus

__all__ = [
    "REDACTED",
    "neutralise",
    "redact",
    "register_secret",
    "secrets_kept_apart",
    "server_text",
]

REDACTED = "[redacted]"
_MIN_SECRET = 8
"""Shorter credentials are blanked in server text only, as whole words there."""

_SECRET_LOOKING = re.compile(
    r"eyJ[\w-]*\.[\w-]*\.?[\w-]*"
    r"|(?i:\b(?:bearer|basic)\s+)[\w+/=.~-]+"
    r"|(?i:\b(?:authorization)\b[\"']?\s*[=:]\s*)[\"']?[^\"',}\n]+"
    # key=value (a form or query) or "key": value (JSON); not prose such as "token: refused"
    r"|(?i:\b(?:password|client_secret|secret|access_token|refresh_token|token)\b"
    r"(?:\s*=|[\"']\s*:)\s*)[\"']?[^\s&\"',}]+"
)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
"""Every control character but the tab, and Unicode's line and paragraph separators."""
_ESCAPES = {"\n": "\\n", "\r": "\\r"}

_lock = threading.Lock()
_secrets: set[str] = set()
_short: set[str] = set()
_short_pattern: re.Pattern[str] | None = None


def register_secret(value: str | None, *, user: str | None = None) -> None:
    """Remember a credential so that :func:`redact` blanks it wherever it appears, in each
    form it may be echoed in; with ``user``, also as the HTTP Basic credentials of the pair."""
    global _short_pattern
    if not value:
        return
    forms = _encodings(value)
    if user is not None:
        forms |= _basic_credentials(user, value)
    with _lock:
        for form in forms:
            if len(form) >= _MIN_SECRET:
                _secrets.add(form)
            elif form not in _short:
                _short.add(form)
                words = "|".join(re.escape(s) for s in sorted(_short, key=len, reverse=True))
                _short_pattern = re.compile(rf"(?<![\w-])(?:{words})(?![\w-])")


@contextmanager
def secrets_kept_apart() -> Iterator[None]:
    """Secrets registered inside are forgotten on leaving, for a process that runs several
    commands in turn (the test suite): one command's short secret (``x``) must not blank
    another's words."""
    global _short_pattern
    with _lock:
        kept = (set(_secrets), set(_short), _short_pattern)
    try:
        yield
    finally:
        with _lock:
            _secrets.clear()
            _secrets.update(kept[0])
            _short.clear()
            _short.update(kept[1])
            _short_pattern = kept[2]


def redact(text: str) -> str:
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _SECRET_LOOKING.sub(REDACTED, text)


def server_text(text: str) -> str:
    """Text a server wrote, as catalog-sync may show, log or journal it: every credential
    blanked, whatever its length, and every control character escaped (:func:`neutralise`)."""
    text = redact(text)
    with _lock:
        short = _short_pattern
    if short is not None:
        text = short.sub(REDACTED, text)
    return neutralise(text)


def neutralise(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\n``, ``\\x1b``), so that
    it cannot start a line of output (a GitHub workflow command such as ``::error::`` only
    counts at the start of a line) or drive a terminal."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _ESCAPES:
        return _ESCAPES[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _encodings(value: str) -> set[str]:
    """``value`` and the forms a form post, a URL or a JSON string give it."""
    escaped = json.dumps(value)[1:-1]
    return {
        value,
        quote(value, safe=""),
        quote_plus(value, safe=""),
        escaped,
        json.dumps(value, ensure_ascii=False)[1:-1],
        escaped.replace("/", "\\/"),
    }


def _basic_credentials(user: str, value: str) -> set[str]:
    """``base64(user:value)`` as HTTP Basic sends it (also with the pair form-encoded first,
    as OAuth 2 asks), in standard and URL-safe base64, with and without padding."""
    forms: set[str] = set()
    for pair in (f"{user}:{value}", f"{quote_plus(user)}:{quote_plus(value)}"):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(pair.encode()).decode("ascii")
            forms |= {encoded, encoded.rstrip("=")}
    return forms
