"""Object ids: lower-case GUIDs, stable (uuid5 of a natural key) for seed data."""

from __future__ import annotations

import uuid

__all__ = ["is_guid", "new_id", "stable_id"]

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://catalog-sync.invalid/emulator")


def stable_id(kind: str, *key: str) -> str:
    """The same id for the same natural key in every run, so plans against a seed reproduce."""
    return str(uuid.uuid5(_NAMESPACE, "/".join((kind, *key))))


def new_id() -> str:
    return str(uuid.uuid4())


def is_guid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36
