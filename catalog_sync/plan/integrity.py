"""A saved plan checked completely before apply sends its first request.

The digest proves the file is as `plan` wrote it; this proves that what it says is something
apply can carry out to the end: every address parses and names its change's kind, every value
is a normalised value of a managed field (a price of "abc" fails here, not half-way through an
apply), every dependency is in the plan, ids are where an action needs them, an update's
`desired` differs from `live` exactly by its `fieldChanges` (what the reviewer saw), and the
summary counts the changes (README, "How apply stays safe").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from catalog_sync.graph import Address, FieldValue, Kind
from catalog_sync.kinds import KINDS
from catalog_sync.plan.fielddiff import changed_fields
from catalog_sync.plan.model import Action, Change, Plan

__all__ = ["plan_problems"]

_MAX_LISTED = 20


def plan_problems(plan: Plan) -> list[str]:
    """Every inconsistency found, each naming the change; empty for a sound plan."""
    problems: list[str] = []
    addresses = {change.address for change in plan.changes}
    for index, change in enumerate(plan.changes):
        where = f"changes[{index}] {change.address}"
        problems.extend(f"{where}: {problem}" for problem in _change_problems(change, addresses))
        if len(problems) > _MAX_LISTED:
            break
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


def _change_problems(change: Change, addresses: set[Address]) -> list[str]:
    address = change.address
    problems: list[str] = []
    if address.kind is not change.kind:
        problems.append(f"kind {change.kind.value} does not match the address")
    if change.action is Action.CREATE and change.id is not None:
        problems.append("a create has no id")
    if change.action not in (Action.CREATE, Action.PUBLISH) and not change.id:
        problems.append(f"a {change.action.value} needs the live object's id")
    if (change.action is Action.PUBLISH) != (change.kind is Kind.PUBLISH):
        problems.append(f"a {change.kind.value} cannot be given a {change.action.value}")
    for dependency in change.depends_on:
        if dependency not in addresses:
            problems.append(f"depends on {dependency}, which is not in the plan")
    for name, values in (("desired", change.desired), ("live", change.live)):
        if values is not None:
            problems.extend(_value_problems(change.kind, name, values))
    if change.desired is None and change.action in (Action.CREATE, Action.UPDATE, Action.PUBLISH):
        problems.append(f"a {change.action.value} needs its desired fields")
    if change.action is Action.UPDATE and change.desired is not None and change.live is not None:
        problems.extend(_reviewed_problems(change))
    return problems


def _value_problems(kind: Kind, name: str, values: Mapping[str, FieldValue]) -> list[str]:
    spec = KINDS[kind]
    problems = []
    for field, value in values.items():
        if not spec.has_field(field):
            problems.append(f"{name}.{field} is not a field of a {kind.value}")
            continue
        try:
            normalised = spec.field_for(field).to_graph(value)
        except (ValueError, ArithmeticError) as error:
            problems.append(f"{name}.{field}: {error}")
            continue
        if normalised != value:
            problems.append(f"{name}.{field}: {value!r} is not in its normal form")
    return problems


def _reviewed_problems(change: Change) -> list[str]:
    desired, live = change.desired or {}, change.live or {}
    differences = {path: (before, after) for path, before, after in changed_fields(live, desired)}
    shown = {field.path: (field.before, field.after) for field in change.field_changes}
    if differences == shown:
        return []
    paths = sorted(
        set(differences) ^ set(shown) | {p for p in shown if shown[p] != differences.get(p)}
    )
    return [
        "desired differs from live by other values than its fieldChanges show (what was "
        f"reviewed): {', '.join(paths)}"
    ]
