"""Change classes: what kind of change each planned change is (docs/policies.md).

A workflow labels a pull request or asks finance to review from these, so they are derived
from what the plan writes (the action and the field changes), never from the files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal

from catalog_sync.graph import Address, Fields
from catalog_sync.kinds import KINDS
from catalog_sync.plan.model import Action, Change, FieldChange, Origin
from catalog_sync.pricing.model import ChangeClass
from catalog_sync.pricing.rows import cell_of

__all__ = ["PendingCell", "class_totals", "classes_of", "introduced_classes"]

PendingCell = tuple[Address, str | None, str]
"""A money field of one item and currency (item, currency, field) whose change was already
pending against the base catalog (``RepricedRow.pending``)."""


def classes_of(change: Change, current: Fields | None = None) -> tuple[ChangeClass, ...]:
    """One or more classes, in :class:`ChangeClass` order. ``current`` is the live object's
    fields (None: there is none or it is not known), which tells a price list's first
    prices."""
    if change.action.removes:
        return (ChangeClass.RETIRE,)
    if change.action is Action.PUBLISH:
        return (ChangeClass.PUBLISH_CHANGE,)
    if change.action is Action.CREATE and KINDS[change.kind].sku:
        return (ChangeClass.NEW_SKU,)
    found = _field_classes(change, change.field_changes, _first_prices(change, current))
    if not found:
        # An enable with nothing else to write puts the object back as it was.
        found.add(ChangeClass.CONTENT)
    return tuple(c for c in ChangeClass if c in found)


def introduced_classes(change: Change, pending: Collection[PendingCell]) -> tuple[ChangeClass, ...]:
    """The classes of what the pull request itself changes (``plan --baseline``): none for a
    pre-existing change, and an introduced one's without its money fields whose change was
    already pending (another item's price edited in the UI, in the same price list)."""
    if change.origin is Origin.PRE_EXISTING:
        return ()
    if change.origin is None or change.action is not Action.UPDATE:
        return change.classes
    kept = [f for f in change.field_changes if _cell(change, f) not in pending]
    if len(kept) == len(change.field_changes):
        return change.classes
    first = ChangeClass.NEW_PRICE_LIST in change.classes
    found = _field_classes(change, kept, first)
    return tuple(c for c in ChangeClass if c in found)


def _cell(change: Change, field: FieldChange) -> PendingCell | None:
    cell = cell_of(change.address, field.path)
    return None if cell is None else (cell.item, cell.currency, cell.field)


def _first_prices(change: Change, current: Fields | None) -> bool:
    """Whether the change writes the first prices of a list that holds other items' prices (a
    currency the service has, or is given, with nothing priced in it yet): one new price list,
    not a price increase plus a cost change."""
    priced = [(cell, f) for f in change.field_changes if (cell := cell_of(change.address, f.path))]
    if not priced or any(cell.item == change.address or f.before is not None for cell, f in priced):
        return False
    if current is None:
        return True
    return all(
        value is None
        for name, value in current.items()
        if cell_of(change.address, name) is not None
    )


def _field_classes(
    change: Change, fields: Sequence[FieldChange], first_prices: bool
) -> set[ChangeClass]:
    return {_field_class(change, field, first_prices) for field in fields}


def _field_class(change: Change, field: FieldChange, first_prices: bool) -> ChangeClass:
    cell = cell_of(change.address, field.path)
    if cell is None:
        return ChangeClass.CONTENT
    if first_prices:
        return ChangeClass.NEW_PRICE_LIST
    if cell.field == "cost":
        return ChangeClass.COST_CHANGE
    before = _amount(field.before)
    after = _amount(field.after)
    return ChangeClass.PRICE_DECREASE if after < before else ChangeClass.PRICE_INCREASE


def _amount(value: object) -> Decimal:
    # An amount nobody set reads as zero: setting one raises the price, clearing it lowers it.
    return Decimal(value) if isinstance(value, str) else Decimal(0)


def class_totals(
    changes: Iterable[Change], pending: Collection[PendingCell] | None = None
) -> dict[ChangeClass, int]:
    """How many changes carry each class, every class listed (zero included); with
    ``pending`` (a plan with --baseline), only what the pull request introduces."""
    counts = Counter(
        c
        for change in changes
        for c in (change.classes if pending is None else introduced_classes(change, pending))
    )
    return {c: counts[c] for c in ChangeClass}
