"""A saved plan checked as a whole before apply sends its first request.

The digest proves the file is as `plan` wrote it; each change's own rules (ids, fingerprints,
field paths and values) are checked by the model as the file is read (``plan/model.py``). What
needs the whole plan is checked here: every dependency is a change of the plan, the
dependencies form no cycle, and the summary counts the changes (README, "How apply stays
safe").
"""

from __future__ import annotations

from collections import Counter
from graphlib import CycleError, TopologicalSorter

from catalog_sync.plan.model import Action, Plan

__all__ = ["plan_problems"]

_MAX_LISTED = 20


def plan_problems(plan: Plan) -> list[str]:
    """Every inconsistency found, each naming the change; empty for a sound plan."""
    problems: list[str] = []
    addresses = {change.address for change in plan.changes}
    for index, change in enumerate(plan.changes):
        problems.extend(
            f"changes[{index}] {change.address}: depends on {dependency}, which is not in the plan"
            for dependency in change.depends_on
            if dependency not in addresses
        )
    try:
        TopologicalSorter({c.address: c.depends_on for c in plan.changes}).prepare()
    except CycleError as error:
        problems.append(f"the dependencies form a cycle: {' -> '.join(error.args[1])}")
    counted = Counter(change.action.value for change in plan.changes)
    summary = plan.summary
    for action in Action:
        stated = getattr(summary, action.value)
        if stated != counted[action.value]:
            problems.append(
                f"summary.{action.value} is {stated}, but the plan has "
                f"{counted[action.value]} {action.value} change(s)"
            )
    return problems[:_MAX_LISTED]
