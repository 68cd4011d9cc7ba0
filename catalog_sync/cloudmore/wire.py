"""Wire format: the generic plumbing of Cloudmore's JSON, and the bodies that are no kind's.

The base models every wire shape builds on (:class:`WireModel`, :class:`ObjectBody`,
:class:`NestedBody`, :data:`Money`), the token and error bodies, the lookup tables' rows, and
the parse and dump helpers. Each kind's own shapes (read, create, update) are in its module
under :mod:`catalog_sync.kinds` (the "Wire shapes" of ``docs/contracts.md``). Many shapes are
not published by Cloudmore; each model built on a guess says ``ASSUMED`` in its docstring, so
checking them against the real swagger (``/swagger/v1/swagger.json``) is a change to those
modules and their tests only.

Conventions:

* JSON keys are camelCase, Python attributes snake_case (the token endpoint is the exception:
  OAuth2 uses snake_case on the wire).
* Unknown response fields are ignored, except on the catalog's own objects (service, product,
  addon, broker: :class:`ObjectBody`), which keep them: a PUT replaces the whole object, so an
  update sends back what the server returned, known to this module or not.
* A list item may be a summary of the object (each kind's ``list_view`` says which fields its
  list carries); the detail read (``GET .../{id}``) answers the whole object.
* Money is :class:`~decimal.Decimal`. Responses are parsed with ``parse_float=Decimal`` so that no
  price goes through a binary float on the way in; on the way out it is written as a JSON number.
* New ids come from the ``Location`` header (:func:`id_from_location`), else a body id
  (:func:`id_from_body`); the client falls back to re-listing by natural key.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    TypeAdapter,
    model_validator,
)
from pydantic.alias_generators import to_camel

__all__ = [
    "Category",
    "CustomPropertyDefinition",
    "EmailTemplate",
    "ErrorItem",
    "MarketCountry",
    "MarketRegion",
    "Money",
    "NestedBody",
    "ObjectBody",
    "TokenErrorResponse",
    "TokenResponse",
    "WireModel",
    "dump_body",
    "id_from_body",
    "id_from_location",
    "load_json",
    "parse_list",
    "parse_one",
    "validation_reasons",
]


def _money_to_json(value: Decimal) -> int | float:
    # The API takes JSON numbers, not strings; 4 decimal places survive a float round trip.
    return int(value) if value == value.to_integral_value() else float(value)


Money = Annotated[Decimal, PlainSerializer(_money_to_json, return_type=Any, when_used="json")]


class WireModel(BaseModel):
    """camelCase on the wire, snake_case in Python, unknown fields ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


class NestedBody(WireModel):
    """A mapping inside a catalog object (a broker's contact, a service's custom property):
    keeps unknown fields like the object does, so a PUT sends them back."""

    model_config = ConfigDict(extra="allow")


class ObjectBody(WireModel):
    """A catalog object's body: keeps the fields this module does not declare (the server's,
    or a managed field only the kind registry names), and drops what only a read carries.

    Parsed from a response (:func:`parse_list`, :func:`parse_one`), it also keeps the JSON
    object exactly as the server sent it (:attr:`raw`): a PUT is that object with the managed
    fields overlaid, so nothing this module does not know is lost (``docs/contracts.md``,
    "Fields the catalog does not manage")."""

    model_config = ConfigDict(extra="allow")
    read_only: ClassVar[frozenset[str]] = frozenset({"id"})
    _raw: dict[str, Any] | None = PrivateAttr(default=None)

    @property
    def raw(self) -> dict[str, Any]:
        """A copy of the JSON object as received; built in code, the model's own JSON."""
        if self._raw is None:
            return self.model_dump(by_alias=True)
        return copy.deepcopy(self._raw)

    @model_validator(mode="before")
    @classmethod
    def _without_read_only(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if key not in cls.read_only}
        return data


# --- 1. Authentication --------------------------------------------------------------------


class TokenResponse(BaseModel):
    """``POST /connect/token`` success. ``token_type`` is ASSUMED to be ``Bearer``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    access_token: str = Field(repr=False)
    expires_in: int = 86_400
    token_type: str = "Bearer"  # noqa: S105 - a scheme name, not a secret


class TokenErrorResponse(BaseModel):
    """``POST /connect/token`` refusal: ASSUMED IdentityServer shape ``{"error": ...}``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    error: str
    error_description: str | None = None


# --- 2. Errors ----------------------------------------------------------------------------


class ErrorItem(WireModel):
    """One entry of the business-rule error array (seed 001)."""

    error_code: int | None = None
    error_name: str | None = None
    error_message: str | None = None


_ERROR_ITEMS = TypeAdapter(list[ErrorItem])


def validation_reasons(body: object) -> dict[str, list[str]] | None:
    """Turn either 400 shape into ``{field path or error name: [messages]}``.

    ModelState: ``{"Contact.Phone": ["..."]}`` (also when wrapped as ProblemDetails ``errors``).
    Error array: ``[{"errorCode": 5, "errorName": "InvalidValue", "errorMessage": "..."}]``.
    Returns None when the body is neither.
    """
    if isinstance(body, list):
        try:
            items = _ERROR_ITEMS.validate_python(body)
        except ValueError:
            return None
        reasons: dict[str, list[str]] = {}
        for item in items:
            key = item.error_name or (str(item.error_code) if item.error_code is not None else "")
            reasons.setdefault(key or "error", []).append(item.error_message or "")
        return reasons
    if isinstance(body, dict):
        errors = body.get("errors")
        state = errors if isinstance(errors, dict) else body
        reasons = {}
        for key, value in state.items():
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                reasons[str(key)] = list(value)
            elif isinstance(value, str):
                reasons[str(key)] = [value]
            else:
                return None
        return reasons or None
    return None


# --- 3. Lookups ---------------------------------------------------------------------------


class Category(WireModel):
    category_id: str
    name: str
    description: str | None = None


class MarketRegion(WireModel):
    """Fields ASSUMED (only the endpoint is documented)."""

    id: str
    name: str


class MarketCountry(WireModel):
    """Fields ASSUMED (only the endpoint is documented)."""

    id: str
    name: str
    country_code: str | None = None


class EmailTemplate(WireModel):
    """Fields ASSUMED (only the endpoint is documented)."""

    id: str
    name: str


# --- 3.6 Custom property definitions ------------------------------------------------------


class CustomPropertyDefinition(WireModel):
    """One row of ``GET /api/sellers/{sellerId}/settings/CustomProperties`` (the endpoint is in
    the SDK's endpoint table; every field is ASSUMED). A broker's ``customProperties[].id``
    is a definition's ``id``."""

    id: str
    name: str
    type: str | None = None
    mandatory: bool = False
    applies_to_brokers: bool = False
    applies_to_organizations: bool = False


# --- helpers ------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)

# Cloudmore ids are GUIDs (docs/contracts.md): a Location ending in anything else (the
# collection URL, "/created") names no new object, so the caller re-lists instead.
_GUIDISH = re.compile(
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
)


def load_json(content: bytes) -> Any:
    """Parse a response body; JSON numbers with a fraction become Decimal, never float.

    Raises ValueError for anything unreadable, a body nested too deeply to parse included."""
    try:
        return json.loads(content, parse_float=Decimal)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply to read") from None


def parse_list(model: type[M], data: object) -> list[M]:
    items = TypeAdapter(list[model]).validate_python(data)  # type: ignore[valid-type]
    if issubclass(model, ObjectBody) and isinstance(data, list):
        for item, sent in zip(items, data, strict=True):
            _keep_raw(item, sent)
    return items


def parse_one(model: type[M], data: object) -> M:
    parsed = model.model_validate(data)
    _keep_raw(parsed, data)
    return parsed


def _keep_raw(parsed: BaseModel, data: object) -> None:
    if isinstance(parsed, ObjectBody) and isinstance(data, dict):
        parsed._raw = data


def dump_body(body: BaseModel) -> dict[str, Any]:
    """The JSON object to send; a None ``status`` is left out (absent means "keep")."""
    # Python mode keeps money a Decimal: the HTTP layer writes it as an exact JSON number
    # literal (catalog_sync/exact_json.py, encode_json), never through a float.
    data: dict[str, Any] = body.model_dump(mode="python", by_alias=True)
    if "status" in data and data["status"] is None:
        del data["status"]
    return data


def id_from_location(location: str | None) -> str | None:
    """The last path segment of a ``Location`` header (absolute or relative)."""
    if not location:
        return None
    segment = location.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return segment.lower() if _GUIDISH.match(segment) else None


def id_from_body(content: bytes) -> str | None:
    """An id from a create response body: ``{"id": ...}`` or a bare JSON string."""
    try:
        data = json.loads(content)
    except ValueError:
        return None
    if isinstance(data, dict):
        data = data.get("id")
    if isinstance(data, str) and _GUIDISH.match(data):
        return data.lower()
    return None
