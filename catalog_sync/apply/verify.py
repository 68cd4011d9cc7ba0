"""After the last operation: does the live catalog now hold what each applied change wrote?

A difference means a normalisation bug (the body and the read disagree) or a server that
ignored a field; either way it is reported by resource and field, never silently accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from catalog_sync.apply.report import Mismatch, OperationResult, Outcome
from catalog_sync.kinds import KINDS
from catalog_sync.live.reader import LiveCatalog
from catalog_sync.plan.model import Action, Change

__all__ = ["verify"]

_PRESENT = "present"
_ABSENT = "absent"


def verify(
    changes: Iterable[Change], results: Mapping[str, OperationResult], live: LiveCatalog
) -> tuple[Mismatch, ...]:
    """Mismatches for every change whose result is DONE."""
    found: list[Mismatch] = []
    for change in changes:
        result = results.get(change.address)
        if result is None or result.outcome is not Outcome.DONE:
            continue
        found.extend(_check(change, result, live))
    return tuple(found)


def _check(change: Change, result: OperationResult, live: LiveCatalog) -> list[Mismatch]:
    address = change.address
    current = live.graph.get(address)
    if current is None and result.id is not None:
        current = live.graph.by_id(change.kind).get(result.id)
    if change.action is Action.DELETE:
        return (
            []
            if current is None
            else [Mismatch(address=address, field="(object)", expected=_ABSENT, actual=_PRESENT)]
        )
    if current is None:
        return [Mismatch(address=address, field="(object)", expected=_PRESENT, actual=_ABSENT)]
    if change.action is Action.DISABLE:
        if current.active:
            return [Mismatch(address=address, field="status", expected="Disabled", actual="Active")]
        return []
    problems: list[Mismatch] = []
    if KINDS[change.kind].status is not None and not current.active:
        problems.append(
            Mismatch(address=address, field="status", expected="Active", actual="Disabled")
        )
    problems.extend(
        Mismatch(address=address, field=f.path, expected=f.after, actual=current.fields.get(f.path))
        for f in change.field_changes
        if current.fields.get(f.path) != f.after
    )
    return problems
