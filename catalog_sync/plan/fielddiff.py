"""Field-level differences, computed by deepdiff behind this one adapter.

Nothing else in the project sees a deepdiff type: callers get ``(path, before, after)``.
Only resources that already failed a plain equality check come here.
"""

from __future__ import annotations

from collections.abc import Mapping

from deepdiff import DeepDiff

from catalog_sync.graph import FieldValue

__all__ = ["changed_fields"]


def changed_fields(
    before: Mapping[str, FieldValue], after: Mapping[str, FieldValue]
) -> list[tuple[str, FieldValue, FieldValue]]:
    """The fields of ``after`` whose value differs in ``before``, in ``after``'s order.

    A key missing from ``after`` is "don't care" and never reported.
    """
    compared = {name: before.get(name) for name in after}
    # Set-like lists are reported whole, as a reviewer reads them, so only the root key of
    # each difference matters.
    changed = set(DeepDiff(compared, dict(after)).affected_root_keys)
    return [(name, compared[name], after[name]) for name in after if name in changed]
