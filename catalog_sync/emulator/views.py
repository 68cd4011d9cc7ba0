"""What a list item carries: the whole record, or the summary the real API serves.

Detail reads (``GET .../{id}``) always answer the whole record. In the ``summary`` shape, lists
keep only the fields below (docs/contracts.md marks which are documented and which assumed);
a kind not named here (addons: one swagger model for list and detail) is listed whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from starlette.responses import JSONResponse

from catalog_sync.emulator.config import ListShape
from catalog_sync.emulator.store import public
from catalog_sync.emulator.validation import JSON
from catalog_sync.exact_json import encode_json

__all__ = ["ExactJSONResponse", "Listed", "list_items"]


class ExactJSONResponse(JSONResponse):
    """A JSON answer whose money (Decimal) is written as its exact number literal, as the API
    writes its decimals: a float would turn ``549755813888.0003`` into ``...888.0002``."""

    def render(self, content: Any) -> bytes:
        return encode_json(content)


Listed = Literal["service", "product", "addon", "broker", "webhook"]

Summary = Callable[[JSON], JSON]


def _keeping(*fields: str) -> Summary:
    return lambda record: {name: record[name] for name in fields}


def _without(*fields: str) -> Summary:
    return lambda record: {k: v for k, v in record.items() if k not in fields}


_SUMMARIES: dict[Listed, Summary] = {
    "service": _keeping("id", "name", "vendorName", "allowMultipleUsers", "customProperties"),
    "product": _keeping("id", "name", "description", "itemCode"),
    "broker": _without("contact", "address", "invoiceContact", "customProperties"),
}


def list_items(kind: Listed, rows: list[JSON], shape: ListShape) -> list[JSON]:
    """The JSON array a list endpoint answers for ``rows`` of ``kind``."""
    items = [public(row) for row in rows]
    summary = _SUMMARIES.get(kind)
    if shape == "full" or summary is None:
        return items
    return [summary(item) for item in items]
