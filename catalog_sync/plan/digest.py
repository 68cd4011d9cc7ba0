"""The plan digest: a SHA-256 over a saved plan's whole body, written with it, checked on read.

It makes a plan file that was edited, truncated or damaged after `plan` wrote it unusable
(README, "How apply stays safe"). It is not a signature: anyone who can write the file can
recompute it, so apply never trusts the file for safety either (the safety rails are derived
again from the changes and the live catalog, see catalog_sync/apply/gate.py). The keyed
signature is catalog_sync/plan/signing.py; the digest leaves it out, as it leaves itself out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = [
    "DIGEST_KEY",
    "SIGNATURE_KEY",
    "body_digest",
    "canonical_json",
    "digest_of",
    "digest_problem",
    "sealed",
]

DIGEST_KEY = "digest"
SIGNATURE_KEY = "signature"


def canonical_json(value: object, *, ensure_ascii: bool = False) -> bytes:
    """``value`` as canonical JSON (keys sorted, no spaces, tuples as lists): what every digest
    and the plan signature are computed over."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=ensure_ascii, default=list
    ).encode()


def digest_of(value: object, *, ensure_ascii: bool = False, digits: int = 64) -> str:
    """``sha256:`` and the first ``digits`` hex digits of the SHA-256 of ``value`` as canonical
    JSON (keys sorted, no spaces, tuples as lists), the one encoding of every digest a plan, a
    fingerprint or a drift report carries. ``ensure_ascii`` is each digest's own, kept so a
    digest never changes for the same content."""
    canonical = canonical_json(value, ensure_ascii=ensure_ascii)
    return "sha256:" + hashlib.sha256(canonical).hexdigest()[:digits]


def body_digest(data: Mapping[str, Any]) -> str:
    """The digest of a plan's JSON body: every key but the digest and the signature."""
    return digest_of(
        {key: value for key, value in data.items() if key not in (DIGEST_KEY, SIGNATURE_KEY)}
    )


def sealed(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with its digest, placed after formatVersion so a reader sees it first."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == DIGEST_KEY:
            continue
        out[key] = value
        if key == "formatVersion":
            out[DIGEST_KEY] = body_digest(data)
    out.setdefault(DIGEST_KEY, body_digest(data))
    return out


def digest_problem(data: Mapping[str, Any]) -> str | None:
    """Why ``data`` is not a plan as `plan` wrote it; None when its digest matches."""
    recorded = data.get(DIGEST_KEY)
    if not isinstance(recorded, str):
        return "the plan has no digest, so nothing shows it is the plan that was reviewed"
    if recorded != body_digest(data):
        return (
            "the plan's content does not match its digest: it was edited or damaged after "
            "`catalog-sync plan` wrote it"
        )
    return None
