"""The keyed plan signature: HMAC-SHA256 under ``CATALOG_SYNC_PLAN_KEY``, beside the digest.

The digest (catalog_sync/plan/digest.py) shows a plan file was not damaged, but anyone who can
write the file can recompute it. A signature needs the key: with the key set, `plan --out`
signs the plan and `apply` and `show` refuse a plan that is unsigned or whose signature does
not match, so a plan file edited by whoever can write it (an artifact, a shared directory) is
never applied (README, "How apply stays safe"). Without the key nothing is signed or checked,
and the digest works alone.

The key is a secret: it is registered for redaction and no message names it, only the variable.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from catalog_sync.errors import ConfigError
from catalog_sync.plan.digest import DIGEST_KEY, SIGNATURE_KEY, canonical_json
from catalog_sync.redact import register_secret

__all__ = [
    "MIN_KEY_LENGTH",
    "PLAN_KEY_VARIABLE",
    "SIGNATURE_KEY",
    "plan_key",
    "signature_problem",
    "signed",
]

PLAN_KEY_VARIABLE = "CATALOG_SYNC_PLAN_KEY"
MIN_KEY_LENGTH = 32
"""Characters: a signed plan lets anyone who reads it guess keys offline, so no short ones."""
_SCHEME = "hmac-sha256:"


def plan_key(env: Mapping[str, str]) -> bytes | None:
    """The signing key from ``env``, or None when it is not set (nothing is signed)."""
    value = env.get(PLAN_KEY_VARIABLE, "")
    if not value.strip():
        return None
    register_secret(value)
    if len(value) < MIN_KEY_LENGTH:
        raise ConfigError(
            f"{PLAN_KEY_VARIABLE} is shorter than {MIN_KEY_LENGTH} characters, too short to "
            "keep a plan from being forged: make one with "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`"
        )
    return value.encode()


def _signature(data: Mapping[str, Any], key: bytes) -> str:
    body = {k: v for k, v in data.items() if k not in (DIGEST_KEY, SIGNATURE_KEY)}
    return _SCHEME + hmac.new(key, canonical_json(body), hashlib.sha256).hexdigest()


def signed(data: Mapping[str, Any], key: bytes) -> dict[str, Any]:
    """``data`` with its signature over every key but the digest and the signature itself,
    placed after the digest."""
    signature = _signature(data, key)
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name == SIGNATURE_KEY:
            continue
        out[name] = value
        if name == DIGEST_KEY:
            out[SIGNATURE_KEY] = signature
    out.setdefault(SIGNATURE_KEY, signature)
    return out


def signature_problem(data: Mapping[str, Any], key: bytes | None) -> str | None:
    """Why ``data`` may not be used under ``key``; None when there is no key or it matches."""
    if key is None:
        return None
    recorded = data.get(SIGNATURE_KEY)
    if not isinstance(recorded, str):
        return (
            f"the plan is not signed, but {PLAN_KEY_VARIABLE} is set: only a plan that "
            "`catalog-sync plan --out` signed with that key is used"
        )
    if not hmac.compare_digest(recorded.encode(), _signature(data, key).encode()):
        return (
            f"the plan's signature does not match {PLAN_KEY_VARIABLE}: it was changed after "
            "`catalog-sync plan` signed it, or signed with another key"
        )
    return None
