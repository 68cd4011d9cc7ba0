"""The subtree check: a removal is applied only over the very objects the plan saw below it."""

from __future__ import annotations

from catalog_sync.graph import Resource, ResourceGraph
from catalog_sync.plan.model import Change
from catalog_sync.plan.subtree import descendants, subtree_digest

__all__ = ["subtree_problem"]


def subtree_problem(change: Change, live: ResourceGraph, current: Resource) -> str | None:
    """Why removing ``current`` now would remove what nobody reviewed; None when it would not."""
    if change.subtree is None:
        return (
            "the plan holds no record of the objects below it, so it cannot be checked: re-run plan"
        )
    now = subtree_digest(live, current.address)
    if now == change.subtree:
        return None
    then = change.subtree.rsplit(":", 1)[-1]
    below = len(descendants(live, current.address))
    return (
        f"the objects below it changed since the plan was made ({then} then, {below} now): "
        f"it would {change.action.value} what the plan did not show; re-run plan"
    )
