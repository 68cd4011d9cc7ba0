"""Models that remember where in the YAML they came from.

The loader puts an :class:`Origin` into every mapping under :data:`ORIGIN_KEY`, a key no YAML
file can produce (YAML keys are read as text). :class:`SourcedModel` takes it out before
validation and keeps it as a private attribute, so positions survive any reshaping of the data
(the loader drops broken objects before the semantic checks) without index bookkeeping.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    PrivateAttr,
    model_validator,
)
from pydantic.alias_generators import to_camel

from catalog_sync.diagnostics import SourceLocation

__all__ = [
    "ORIGIN_KEY",
    "UNKNOWN_LOCATION",
    "Origin",
    "SourcedModel",
    "field_models",
    "model_in",
    "yaml_names",
]

UNKNOWN_LOCATION: Final = SourceLocation("<unknown>", 0, 0)
"""The ``.source`` of a model built in code rather than loaded from a file."""


class _OriginKey:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<origin>"


ORIGIN_KEY: Final = _OriginKey()


@dataclass(frozen=True, slots=True)
class Origin:
    """A mapping's own position and the position of each of its keys' values (by YAML key)."""

    location: SourceLocation
    fields: Mapping[str, SourceLocation]
    items: Mapping[str, tuple[SourceLocation, ...]] = field(default_factory=dict)
    """The position of each item of a list value (by YAML key)."""


class SourcedModel(BaseModel):
    """Frozen, camelCase in YAML, snake_case in Python, unknown keys forbidden, with positions.

    Equality and hashing ignore positions: the same service written in two places is equal.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=True,
        serialize_by_alias=True,
    )

    _origin: Origin | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _take_origin(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        origin = None
        if isinstance(data, dict) and ORIGIN_KEY in data:
            data = dict(data)
            origin = data.pop(ORIGIN_KEY)
        model = handler(data)
        if isinstance(origin, Origin):
            model._origin = origin
        return model

    @property
    def origin(self) -> Origin | None:
        """The positions the loader gave this object, or None when built in code.

        Read from pydantic's private store directly: ``self._origin`` goes through pydantic's
        ``__getattr__`` on every access, which the planner pays once per field per object.
        """
        private = self.__pydantic_private__
        return private.get("_origin") if private else None

    @property
    def source(self) -> SourceLocation:
        """Where this object's mapping starts, or UNKNOWN_LOCATION when built in code."""
        origin = self.origin
        return origin.location if origin else UNKNOWN_LOCATION

    def field_source(self, name: str) -> SourceLocation:
        """Where the value of field ``name`` (attribute or YAML name) is; else ``.source``."""
        origin = self.origin
        if origin is None:
            return UNKNOWN_LOCATION
        return origin.fields.get(yaml_names(type(self)).get(name, name), origin.location)

    def item_source(self, name: str, index: int) -> SourceLocation:
        """Where item ``index`` of the list field ``name`` is; else the field's position."""
        origin = self.origin
        if origin is not None:
            items = origin.items.get(yaml_names(type(self)).get(name, name), ())
            if index < len(items):
                return items[index]
        return self.field_source(name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__


@cache
def yaml_names(model: type[BaseModel]) -> Mapping[str, str]:
    """Each field's YAML name (its alias) by attribute name, worked out once per model class."""
    return {name: info.alias or name for name, info in model.__pydantic_fields__.items()}


@cache
def field_models(model: type[BaseModel]) -> Mapping[str, type[SourcedModel] | None]:
    """Each field's YAML name, in the model's order, with the model its value holds or None."""
    return {
        info.alias or name: model_in(info.annotation)
        for name, info in model.__pydantic_fields__.items()
    }


def model_in(annotation: object) -> type[SourcedModel] | None:
    """The SourcedModel inside ``X | None``, ``tuple[X, ...]`` and the like."""
    if isinstance(annotation, type) and issubclass(annotation, SourcedModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = model_in(arg)
        if found is not None:
            return found
    return None
