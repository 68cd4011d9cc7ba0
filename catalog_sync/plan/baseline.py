"""``plan --baseline``: tell the changes a pull request introduces from those already pending.

The base branch's catalog is planned against the same live read as the pull request's. A
change of the pull request's plan is *pre-existing* when the base plan has the same change
(same address, action and field changes, before and after): it was pending before the pull
request (drift, or an earlier merge not applied yet). Anything else, including a change the
pull request alters, is *introduced*. See docs/contracts.md, "Baseline".
"""

from __future__ import annotations

from collections.abc import Iterable

from catalog_sync.graph import FieldValue
from catalog_sync.plan.model import Action, Change, Origin

__all__ = ["mark_origins"]

_Identity = tuple[str, Action, tuple[tuple[str, FieldValue, FieldValue], ...]]


def _identity(change: Change) -> _Identity:
    fields = tuple((f.path, f.before, f.after) for f in change.field_changes)
    return change.address, change.action, fields


def mark_origins(changes: Iterable[Change], base: Iterable[Change]) -> tuple[Change, ...]:
    pending = {_identity(change) for change in base}
    return tuple(
        change.model_copy(
            update={
                "origin": Origin.PRE_EXISTING if _identity(change) in pending else Origin.INTRODUCED
            }
        )
        for change in changes
    )
