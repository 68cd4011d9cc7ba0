"""After the last operation: does the live catalog now hold what each applied change wrote?

A difference means a normalisation bug (the body and the read disagree) or a server that
ignored a field; either way it is reported by resource and field, never silently accepted.
For an object re-read right before its write (an update: docs/contracts.md, "Edits during
apply") each difference says whether the field still holds what it held then (the write did
not set it) or something else (someone changed it after the write). A field written and then
missing from the re-read (unreadable: docs/contracts.md, "Unreadable fields") is no success
either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from pydantic import BaseModel

from catalog_sync.apply.report import Mismatch, MismatchCause, OperationResult, Outcome
from catalog_sync.graph import Address, FieldValue
from catalog_sync.kinds import KINDS, write_only
from catalog_sync.live.reader import LiveCatalog
from catalog_sync.plan.model import Action, Change

__all__ = ["Unchanged", "verify"]

Unchanged = Callable[[Change, str, BaseModel], bool | None]
"""Whether field ``name`` of the object ``change`` wrote, in ``read`` (the object as read
now), still holds what it held right before the write; None when that is not known."""

_PRESENT = "present"
_ABSENT = "absent"


def verify(
    changes: Iterable[Change],
    results: Mapping[str, OperationResult],
    live: LiveCatalog,
    unchanged: Unchanged | None = None,
) -> tuple[Mismatch, ...]:
    """Mismatches for every change whose result is DONE."""
    found: list[Mismatch] = []
    for change in changes:
        result = results.get(change.address)
        if result is None or result.outcome is not Outcome.DONE:
            continue
        found.extend(_check(change, result, live, unchanged))
    return tuple(found)


def _check(
    change: Change, result: OperationResult, live: LiveCatalog, unchanged: Unchanged | None
) -> list[Mismatch]:
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
    spec = KINDS[change.kind]
    status_unread = "status" in current.unreadable
    active, inactive = spec.status_values if spec.status is not None else ("", "")
    if change.action is Action.DISABLE:
        if status_unread:
            return [_unreadable(address, "status", inactive)]
        if current.active:
            return [Mismatch(address=address, field="status", expected=inactive, actual=active)]
        return []
    problems: list[Mismatch] = []
    if change.action is Action.ENABLE and status_unread:
        problems.append(_unreadable(address, "status", active))
    elif spec.status is not None and not current.active:
        problems.append(Mismatch(address=address, field="status", expected=active, actual=inactive))
    read = live.objects.get(current.address)
    unread = write_only(change.kind)
    for f in change.field_changes:
        if f.path in unread:
            continue  # never read back, by design (a secret)
        if f.path in current.unreadable:
            # Written, then not read back: the server may have ignored it, so it is no success.
            problems.append(_unreadable(address, f.path, f.after))
            continue
        actual = current.fields.get(f.path)
        if actual == f.after:
            continue
        same = None if unchanged is None or read is None else unchanged(change, f.path, read)
        cause = None if same is None else _CAUSES[same]
        problems.append(
            Mismatch(address=address, field=f.path, expected=f.after, actual=actual, cause=cause)
        )
    return problems


_CAUSES = {True: MismatchCause.NOT_WRITTEN, False: MismatchCause.CHANGED_AFTER}


def _unreadable(address: Address, field: str, expected: FieldValue) -> Mismatch:
    return Mismatch(address=address, field=field, expected=expected, actual=None, unreadable=True)
