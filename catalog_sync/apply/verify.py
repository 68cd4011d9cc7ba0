"""After the last operation: does the live catalog now hold what each applied change wrote?

A difference means a normalisation bug (the body and the read disagree) or a server that
ignored a field; either way it is reported by resource and field, never silently accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from catalog_sync.apply.report import Mismatch, OperationResult, Outcome
from catalog_sync.graph import Address, Kind, Resource
from catalog_sync.plan.live import LiveCatalog
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


def _locate(change: Change, result: OperationResult, live: LiveCatalog) -> Resource | None:
    address = Address.parse(change.address)
    if change.action is Action.PUBLISH:
        parent = address.parent
        assert parent is not None
        service = _by_id(live, Kind.SERVICE, result.id) or live.graph.get(parent)
        return None if service is None else live.graph.get(service.address.child(Kind.PUBLISH))
    return live.graph.get(address) or _by_id(live, change.kind, result.id)


def _by_id(live: LiveCatalog, kind: Kind, object_id: str | None) -> Resource | None:
    if object_id is None:
        return None
    return live.graph.by_id(kind).get(object_id)


def _check(change: Change, result: OperationResult, live: LiveCatalog) -> list[Mismatch]:
    current = _locate(change, result, live)
    address = change.address
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
    if change.kind is Kind.SERVICE and not current.active:
        problems.append(
            Mismatch(address=address, field="status", expected="Active", actual="Disabled")
        )
    for name, expected in (change.desired or {}).items():
        actual = current.fields.get(name)
        if actual != expected:
            problems.append(Mismatch(address=address, field=name, expected=expected, actual=actual))
    return problems
