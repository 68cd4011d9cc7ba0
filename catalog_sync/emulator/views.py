"""What a read answers: the contract's shapes (``catalog_sync/kinds``: each kind's list and
read by id), changed by the contract variants in force (docs/contracts.md, "Contract
variants").

Field names and list shapes come from the kind modules' contracts; what a variant changes,
and how the emulator keeps the unknown fields ``extra-fields`` serves, is the emulator's own.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable
from typing import Any, Literal

from starlette.responses import JSONResponse

from catalog_sync.emulator.config import ContractVariant
from catalog_sync.emulator.store import public
from catalog_sync.emulator.validation import JSON
from catalog_sync.exact_json import encode_json
from catalog_sync.graph import Kind
from catalog_sync.kinds import KINDS

__all__ = [
    "DROPPED_FIELD",
    "EXTRA_FIELD",
    "NESTED_EXTRA",
    "ExactJSONResponse",
    "Listed",
    "dropped_extras",
    "list_items",
    "served",
    "served_price_list",
]


class ExactJSONResponse(JSONResponse):
    """A JSON answer whose money (Decimal) is written as its exact number literal, as the API
    writes its decimals: a float would turn ``549755813888.0003`` into ``...888.0002``."""

    def render(self, content: Any) -> bytes:
        return encode_json(content)


Listed = Literal["service", "product", "addon", "broker", "webhook"]

EXTRA_FIELD = "uiLayout"
"""``extra-fields``: the unknown top-level field every read carries."""
_EXTRA_VALUE: JSON = {"columns": 2, "sections": ["pricing", "terms"]}
NESTED_EXTRA = "legacyCode"
"""``extra-fields``: the unknown field in every nested object (and array entry object)."""
_NESTED_VALUE = "L-7"

DROPPED_FIELD: dict[Listed, str] = {"product": "name"}
"""``drops-field``: the field a PUT of that kind answers 204 to and leaves as it was."""


def served(
    kind: Listed, record: JSON, *, listed: bool, variants: Collection[ContractVariant]
) -> JSON:
    """The JSON object a list item (``listed``) or a read by id answers for ``record``."""
    item = public(record)
    contract = KINDS[Kind(kind)].contract
    if contract is None:
        return item
    if kind == "service" and "service-thin" in variants:
        documented = [f.name for f in contract.fields if f.evidence == "documented"]
        item = {name: item[name] for name in documented if name in item}
    elif kind == "service" and "service-whole" in variants:
        pass
    elif listed and contract.list_view is not None:
        item = {name: value for name, value in item.items() if name in contract.list_view}
    if kind == "service" and "publish-unreadable" in variants:
        item.pop("publish", None)
    if "extra-fields" in variants:
        item = _with_extras(item, record.get("_droppedExtras", ()))
    return item


def list_items(
    kind: Listed, rows: Iterable[JSON], variants: Collection[ContractVariant]
) -> list[JSON]:
    """The JSON array a list endpoint answers for ``rows`` of ``kind``."""
    return [served(kind, row, listed=True, variants=variants) for row in rows]


def served_price_list(body: JSON, variants: Collection[ContractVariant]) -> Any:
    """``pricelist-array``: the read is the bare array of its items."""
    return body["products"] if "pricelist-array" in variants else body


def _with_extras(item: JSON, dropped: Collection[str]) -> JSON:
    item = copy.deepcopy(item)
    for key, value in item.items():
        if isinstance(value, dict) and key not in dropped:
            value[NESTED_EXTRA] = _NESTED_VALUE
        elif isinstance(value, list) and f"{key}[]" not in dropped:
            for entry in value:
                if isinstance(entry, dict):
                    entry[NESTED_EXTRA] = _NESTED_VALUE
    if "$" not in dropped:
        item[EXTRA_FIELD] = copy.deepcopy(_EXTRA_VALUE)
    return item


_EXTRAS: tuple[ContractVariant, ...] = ("extra-fields",)


def dropped_extras(kind: Listed, record: JSON, body: object) -> list[str]:
    """``extra-fields``: the unknown fields a read of ``record`` carried that a PUT ``body`` did
    not send back (``$`` the top-level one, ``key`` a nested object's, ``key[]`` an array's
    entries'): what the PUT lost. Fields the server keeps (``resets`` false) are not sent."""
    contract = KINDS[Kind(kind)].contract
    assert contract is not None
    kept = {f.name for f in contract.fields if not f.resets}
    seen = served(kind, record, listed=False, variants=_EXTRAS)
    sent = body if isinstance(body, dict) else {}
    lost = [] if EXTRA_FIELD not in seen or EXTRA_FIELD in sent else ["$"]
    for key, value in seen.items():
        if key in kept or key == EXTRA_FIELD:
            continue
        given = sent.get(key)
        if isinstance(value, dict) and NESTED_EXTRA in value:
            if not (isinstance(given, dict) and NESTED_EXTRA in given):
                lost.append(key)
        elif isinstance(value, list) and any(
            isinstance(e, dict) and NESTED_EXTRA in e for e in value
        ):
            entries = given if isinstance(given, list) else []
            if not entries or not all(isinstance(e, dict) and NESTED_EXTRA in e for e in entries):
                lost.append(f"{key}[]")
    return sorted({*record.get("_droppedExtras", ()), *lost})
