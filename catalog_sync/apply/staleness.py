"""Is the plan still true? Checked after re-reading live state and before writing anything.

A plan is applied exactly as reviewed, or not at all: the target must be the configured one,
the catalog files must be the ones planned (when apply was given a catalog path), every object
the plan touches must be as it was when planned (its fingerprint), a removal is applied only
over the very objects the plan saw below it, and every object the plan creates must still be
absent.
"""

from __future__ import annotations

from catalog_sync import __version__
from catalog_sync.apply.lock import target_key
from catalog_sync.errors import StalePlanError
from catalog_sync.graph import Resource, ResourceGraph
from catalog_sync.kinds import KINDS
from catalog_sync.live.reader import LiveCatalog
from catalog_sync.plan.model import Action, Change, Plan, Target, fingerprint
from catalog_sync.plan.subtree import descendants, subtree_digest

__all__ = ["check_fresh", "moved_objects", "target_problems"]


def target_problems(plan: Plan, target: Target, catalog_digest: str | None) -> list[str]:
    """Mismatches that need no API call: the target, and the catalog digest when given."""
    problems: list[str] = []
    # One server under any spelling, as the lock names it (docs/contracts.md, "The target key").
    if target_key(plan.target) != target_key(target):
        problems.append(
            f"target: the plan was made against {plan.target.api_url} (seller "
            f"{plan.target.seller_id}), but the configured target is {target.api_url} "
            f"(seller {target.seller_id})"
        )
    if plan.tool_version != __version__:
        problems.append(
            f"tool version: the plan was made by catalog-sync {plan.tool_version}, this is "
            f"{__version__}, which may read or write the catalog differently: re-run plan"
        )
    if catalog_digest is not None and catalog_digest != plan.catalog.digest:
        problems.append(
            f"catalog {plan.catalog.path}: the files changed since the plan was made "
            f"(digest {plan.catalog.digest}, now {catalog_digest})"
        )
    return problems


def moved_objects(plan: Plan, live: LiveCatalog) -> list[str]:
    """Each object the plan touches that is no longer as planned, with what moved."""
    # Objects the plan renames (pinned by id, at another address now): their old key is free.
    renamed = {
        c.id
        for c in plan.changes
        if c.action is Action.UPDATE
        and c.id is not None
        and (found := live.graph.by_id(c.kind).get(c.id)) is not None
        and found.address != c.address
    }
    moved: list[str] = []
    for change in plan.changes:
        problem = _problem(change, live.graph, renamed)
        if problem is not None:
            moved.append(f"{change.address}: {problem}")
    return moved


def check_fresh(
    plan: Plan, live: LiveCatalog, target: Target, catalog_digest: str | None = None
) -> None:
    """Raise StalePlanError listing everything that moved; return when nothing did."""
    problems = target_problems(plan, target, catalog_digest) + moved_objects(plan, live)
    if problems:
        raise StalePlanError(problems)


def _problem(change: Change, live: ResourceGraph, renamed: set[str]) -> str | None:
    if change.action is Action.CREATE:
        return _create_problem(change, live, renamed)
    spec = KINDS[change.kind]
    if change.id is None and spec.embedded is not None:
        return None  # the settings of a parent this plan creates
    current = live.by_id(change.kind).get(change.id or "")
    if current is None:
        if spec.embedded is not None and spec.parent is not None:
            # Embedded settings go only with their parent, whose id they have.
            return f"the {spec.parent.value} no longer exists (id {change.id})"
        return f"no longer exists (id {change.id})"
    if change.action.removes:
        return _compare(change, current) or _subtree_problem(change, live, current)
    return _compare(change, current)


def _subtree_problem(change: Change, live: ResourceGraph, current: Resource) -> str | None:
    """Why removing ``current`` now would remove what nobody reviewed; None when it would not."""
    if change.subtree is None:
        return (
            "the plan holds no record of the objects below it, so it cannot be checked: re-run plan"
        )
    if subtree_digest(live, current.address) == change.subtree:
        return None
    then = change.subtree.rsplit(":", 1)[-1]
    below = len(descendants(live, current.address))
    return (
        f"the objects below it changed since the plan was made ({then} then, {below} now): "
        f"it would {change.action.value} what the plan did not show; re-run plan"
    )


def _create_problem(change: Change, live: ResourceGraph, renamed: set[str]) -> str | None:
    address = change.address
    parent_address = address.parent
    if parent_address is None:
        where = address
    elif change.parent_id is not None:
        parent = live.by_id(parent_address.kind).get(change.parent_id)
        if parent is None:
            return f"its parent {change.parent} no longer exists (id {change.parent_id})"
        # The parent may sit at another address when the files pin it by id (a rename).
        where = parent.address.child(address.kind, address.key)
    else:
        return None  # the parent is created in this run, so nothing can be under it yet
    existing = live.get(where)
    if existing is not None and existing.id not in renamed:
        return f"now exists (id {existing.id}); it was absent when the plan was made"
    return None


def _compare(change: Change, current: Resource) -> str | None:
    if change.fingerprint is None:
        # Every change to an existing object is planned with one: its absence means a damaged
        # or hand-edited plan, and without it nothing proves the object is as reviewed.
        return "the plan holds no fingerprint of it, so it cannot be checked: re-run plan"
    if fingerprint(current) == change.fingerprint:
        return None
    # The plan holds the before values of the fields it changes only: others are named as such.
    fields = sorted(f.path for f in change.field_changes if current.fields.get(f.path) != f.before)
    if fields:
        return "changed since the plan was made: " + ", ".join(fields)
    if not current.active and change.action is not Action.ENABLE:
        return "changed since the plan was made: it is now disabled"
    if current.active and change.action is Action.ENABLE:
        return "changed since the plan was made: it is already enabled"
    return "changed since the plan was made: other managed fields changed"
