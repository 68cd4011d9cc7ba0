"""Address patterns: an object address whose keys may hold ``*`` wildcards.

``service["*"]`` is every service, ``service["Google Workspace"].product["*"].addon["*"]``
every addon of one service; ``*`` stands for any run of characters within one key and never
crosses into another segment. The pattern's last segment names the kind it matches, which
decides the fields a rule on it may name (docs/contracts.md, "Ignore rules").
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from pydantic import TypeAdapter, ValidationError

from catalog_sync.graph import Address, Kind
from catalog_sync.kinds import KINDS

__all__ = ["matches", "pattern_kind"]


def pattern_kind(pattern: str) -> Kind:
    """The kind a pattern matches; raises ValueError when it is not an address pattern."""
    kinds = [kind for kind, _ in _segments(pattern)]
    return kinds[-1]


def matches(pattern: str, address: Address) -> bool:
    return _compiled(pattern).fullmatch(str(address)) is not None


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    parts = []
    for kind, key in _segments(pattern):
        if key is None:
            parts.append(re.escape(kind.value))
        else:
            # Compared with str(address), where a key is written as a JSON string.
            inner = r"(?:[^\"\\]|\\.)*".join(
                re.escape(json.dumps(piece, ensure_ascii=False)[1:-1]) for piece in key.split("*")
            )
            parts.append(re.escape(f'{kind.value}["') + inner + re.escape('"]'))
    return re.compile(r"\.".join(parts))


def _segments(pattern: str) -> list[tuple[Kind, str | None]]:
    """Segments with their keys decoded (a wildcard is an ordinary key character to the
    address grammar, so that grammar checks the pattern's shape)."""
    try:
        parsed = _ADDRESS.validate_python(pattern.strip())
    except ValidationError:
        raise ValueError(
            f'{pattern!r} is not an address pattern like service["*"] or '
            'service["X"].product["*"].addon["*"]'
        ) from None
    segments = list(parsed.segments)
    _check_lineage([kind for kind, _ in segments], pattern)
    return segments


# A pattern is text from the files: the address type's own validator reads it.
_ADDRESS: TypeAdapter[Address] = TypeAdapter(Address)


def _check_lineage(kinds: list[Kind], pattern: str) -> None:
    for index, kind in enumerate(kinds):
        expected = KINDS[kind].parent
        parent = kinds[index - 1] if index else None
        if parent != expected:
            where = f"under a {parent.value}" if parent else "at the top"
            raise ValueError(f"{pattern}: {kind.value} cannot be {where}")
