"""Graph fields back into request bodies: the reverse of :mod:`catalog_sync.live.reader`.

Names become ids through the plan's lookups (what was reviewed), falling back to the lookups
just read; broker registrationNumbers become ids through the live brokers plus those created in
this run. A PUT replaces the whole object, so an update starts from the JSON of the object's
detail read (``ObjectBody.raw``) and overlays only the managed fields the plan changes: fields
the catalog does not manage (a service's UI settings, say, ``docs/contracts.md``) survive.
Each field's wire path and codec is its spec in :mod:`catalog_sync.kinds`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from catalog_sync.cloudmore.wire import ObjectBody
from catalog_sync.errors import OperationError
from catalog_sync.graph import Address, Fields
from catalog_sync.kinds import BROKERS, KindSpec, get_path, set_path, unsent_secrets
from catalog_sync.live.lookups import Lookups

__all__ = ["Names", "body_for", "item_body_for"]


class Names:
    """Resolves the names a plan uses to the ids the API wants."""

    def __init__(
        self,
        plan_lookups: Mapping[str, Mapping[str, str]],
        live: Lookups,
        broker_ids: Mapping[str, str],
    ) -> None:
        self._plan = plan_lookups
        self._live = live
        self._learned: dict[str, dict[str, str]] = {BROKERS: dict(broker_ids)}

    def learn(self, table: str, key: str, object_id: str) -> None:
        """An object created in this run that is itself a lookup table entry (a broker)."""
        self._learned.setdefault(table, {})[key] = object_id

    def id_of(self, table: str, name: str, noun: str) -> str:
        if table in self._learned:
            found = self._learned[table].get(name)
            if found is None:
                raise OperationError(f"{noun} {name!r} neither exists nor was created in this run")
            return found
        found = self._plan.get(table, {}).get(name) or self._live.table(table).get(name)
        if found is None:
            raise OperationError(f"{noun} {name!r} does not exist in Cloudmore")
        return found


def body_for(
    spec: KindSpec,
    fields: Fields,
    names: Names,
    existing: BaseModel | None = None,
    *,
    enable: bool = False,
) -> BaseModel:
    """The body that writes ``fields`` over ``existing`` (the object as re-read, if any).
    A replace that would clear a secret the object holds (and no read returns) is refused."""
    data = _base(spec, existing)
    if existing is not None:
        read = dict(data)
        unsent = unsent_secrets(spec.kind, lambda f: get_path(read, f.wire_path), fields)
        if unsent:
            held = ", ".join(f.name for f in unsent)
            raise OperationError(
                f"refusing to replace the {spec.kind.value}: it holds {held}, which no read "
                "returns and these files name no variable for, so the write would clear it "
                "(docs/diagnostics.md, CS410)"
            )
    for name, value in fields.items():
        field = spec.field_for(name)
        try:
            converted = field.to_wire(value, names)
        except ValueError as error:
            raise OperationError(str(error)) from None
        set_path(data, field.wire_path, converted)
    if spec.status is not None:
        # Absent status keeps the current one; "Active" re-enables a disabled object.
        data[spec.status] = spec.status_values[0] if enable else None
    return _validated(spec, lambda: spec.body_model.model_validate(data))


def _base(spec: KindSpec, existing: BaseModel | None) -> dict[str, Any]:
    if existing is None:
        return {}
    if not isinstance(existing, spec.read_model):
        raise OperationError(
            f"expected a {spec.read_model.__name__} to update, found {type(existing).__name__}"
        )
    # The object as the detail read sent it, unknown fields and all (a PUT replaces the whole
    # object); what only a read carries (the id, a service's publish settings) the body drops.
    data = existing.raw if isinstance(existing, ObjectBody) else existing.model_dump(by_alias=True)
    # A None the read shape allows but the body does not (a product's type, a broker's contact)
    # falls back to the body's default rather than failing validation.
    return {key: value for key, value in data.items() if value is not None}


# --- per-item fields (price lists) ----------------------------------------------------------


def item_body_for(
    spec: KindSpec,
    address: Address,
    fields: Fields,
    names: Names,
    item_ids: Callable[[Address], tuple[str, ...]],
    existing: BaseModel | None = None,
) -> BaseModel:
    """The one body that writes every item ``fields`` names (``"{item}.{amount}"``) in the
    object at ``address`` (a service's price list in one currency).

    A PUT replaces an item's amounts (``docs/contracts.md``, "Price lists"), so each item named
    starts from its amounts in ``existing`` (the list as re-read) and only the changed ones
    are overlaid; ``item_ids`` gives an item's ids, outermost first, the objects created in
    this run included."""
    items = spec.items
    assert items is not None
    assert address.parent is not None
    key = address.key
    assert key is not None
    current = {
        tuple(i.lower() for i in ids): dict(amounts)
        for ids, amounts in (items.rows(existing) if existing is not None else ())
    }
    rows: dict[tuple[str, ...], dict[str, Any]] = {}
    for name, value in fields.items():
        split = items.split(name)
        if split is None:
            raise OperationError(f"{address}: {name!r} is not an item's amount")
        ids = tuple(i.lower() for i in item_ids(items.item_address(address.parent, split[0])))
        row = rows.setdefault(ids, current.get(ids, {}))
        try:
            set_path(row, split[1].wire_path, split[1].to_wire(value, names))
        except ValueError as error:
            raise OperationError(f"{address}: {name}: {error}") from None
    return _validated(spec, lambda: items.body(key, list(rows.items())))


def _validated(spec: KindSpec, build: Callable[[], BaseModel]) -> BaseModel:
    """``build()``, its validation error worded as the operation's failure."""
    try:
        return build()
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise OperationError(
            f"cannot build the {spec.kind.value} body: {where}: {first['msg']}"
        ) from None
