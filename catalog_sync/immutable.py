"""The base of the immutable data catalog-sync writes as JSON (plans, apply reports)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

__all__ = ["Immutable"]


class Immutable(BaseModel):
    """Frozen, camelCase in JSON and snake_case in Python, unknown keys refused on reading."""

    model_config = ConfigDict(
        frozen=True, alias_generator=to_camel, populate_by_name=True, extra="forbid"
    )
