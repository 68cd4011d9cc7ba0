"""Field-level differences: the one definition of "this field changed".

Graph values are normalised (``catalog_sync.normalise``): scalars and sorted tuples, so a
plain ``!=`` is the comparison, and a set-like list is reported whole, as a reviewer reads it.
"""

from __future__ import annotations

from collections.abc import Mapping

from catalog_sync.graph import FieldValue

__all__ = ["changed_fields"]


def changed_fields(
    before: Mapping[str, FieldValue], after: Mapping[str, FieldValue]
) -> list[tuple[str, FieldValue, FieldValue]]:
    """The fields of ``after`` whose value differs in ``before``, in ``after``'s order.

    A key missing from ``after`` is "don't care" and never reported.
    """
    return [(name, before.get(name), new) for name, new in after.items() if before.get(name) != new]
