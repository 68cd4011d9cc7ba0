"""Change classes: what kind of change each planned change is (docs/policies.md).

A workflow labels a pull request or asks finance to review from these, so they are derived
from what the plan writes (the action and the field changes), never from the files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from catalog_sync.kinds import KINDS
from catalog_sync.plan.model import Action, Change, FieldChange
from catalog_sync.pricing.model import ChangeClass
from catalog_sync.pricing.rows import cell_of

__all__ = ["class_totals", "classes_of"]


def classes_of(change: Change) -> tuple[ChangeClass, ...]:
    """One or more classes, in :class:`ChangeClass` order."""
    if change.action.removes:
        return (ChangeClass.RETIRE,)
    if change.action is Action.PUBLISH:
        return (ChangeClass.PUBLISH_CHANGE,)
    if change.action is Action.CREATE and KINDS[change.kind].sku:
        return (ChangeClass.NEW_SKU,)
    found = {_field_class(change, field) for field in change.field_changes}
    if not found:
        # An enable with nothing else to write puts the object back as it was.
        found.add(ChangeClass.CONTENT)
    return tuple(c for c in ChangeClass if c in found)


def _field_class(change: Change, field: FieldChange) -> ChangeClass:
    cell = cell_of(change.address, field.path)
    if cell is None:
        return ChangeClass.CONTENT
    if cell.field == "cost":
        return ChangeClass.COST_CHANGE
    before = _amount(field.before)
    after = _amount(field.after)
    return ChangeClass.PRICE_DECREASE if after < before else ChangeClass.PRICE_INCREASE


def _amount(value: object) -> Decimal:
    # An amount nobody set reads as zero: setting one raises the price, clearing it lowers it.
    return Decimal(value) if isinstance(value, str) else Decimal(0)


def class_totals(changes: Iterable[Change]) -> dict[ChangeClass, int]:
    """How many changes carry each class, every class listed (zero included)."""
    counts = Counter(c for change in changes for c in change.classes)
    return {c: counts[c] for c in ChangeClass}
