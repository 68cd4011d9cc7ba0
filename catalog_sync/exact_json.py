"""JSON whose money stays exact: Decimals out as their number literals, fractions in as Decimals.

A binary float holds 4 decimal places exactly only below 2**39 (549755813888): above it,
``.0003`` comes back as ``.0002``. The client sends money with :func:`encode_json` and reads
it with ``parse_float=Decimal`` (docs/contracts.md); the emulator stores, answers and saves it
the same way, so a plan converges against it for any amount the API accepts.
"""

from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal
from typing import Any

__all__ = ["decode_json", "encode_json"]


def decode_json(text: str | bytes) -> Any:
    """Parse JSON; a number with a fraction or an exponent becomes a Decimal, never a float."""
    return json.loads(text, parse_float=Decimal)


def encode_json(value: object) -> bytes:
    """Compact UTF-8 JSON with every Decimal written as the exact number literal it is
    (``549755813888.0001``), never through a binary float."""
    # Each Decimal goes through json.dumps (the C encoder) as a placeholder string, then one
    # pass puts the literals in; the placeholder carries a fresh nonce, so no string in
    # ``value`` can pass for one.
    nonce = secrets.token_hex(8)
    literals: list[str] = []

    def mark(item: object) -> object:
        if isinstance(item, Decimal):
            if not item.is_finite():
                raise ValueError(f"{item} cannot be written as a JSON number")
            literals.append(format(item, "f"))
            return f"{nonce}:{len(literals) - 1}"
        if isinstance(item, dict):
            return {key: mark(inner) for key, inner in item.items()}
        if isinstance(item, list | tuple):
            return [mark(inner) for inner in item]
        return item

    def literal(found: re.Match[str]) -> str:
        if found.group(1) != nonce:
            return found.group(0)
        return literals[int(found.group(2))]

    text = json.dumps(mark(value), ensure_ascii=False, separators=(",", ":"))
    if literals:
        text = _PLACEHOLDER.sub(literal, text)
    return text.encode("utf-8")


# Compiled once, not per call with the nonce in it (a compile per answer was most of the
# emulator's CPU per request, docs/benchmarks.md): what another nonce's shape matches stays
# as it was. Such a match ends at a digit and a quote, so at a string's closing quote,
# never at a placeholder's opening one.
_PLACEHOLDER = re.compile(r'"([0-9a-f]{16}):([0-9]+)"')
