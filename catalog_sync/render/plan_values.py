"""How plan values read to a person: quoted text, money with its change in percent."""

from __future__ import annotations

import json
from collections.abc import Sequence

from catalog_sync.graph import FieldValue, Kind
from catalog_sync.kinds import KINDS, field_spec, write_only
from catalog_sync.normalise import FieldType, format_money
from catalog_sync.plan.model import (
    Action,
    Change,
    FieldChange,
    IgnoreRule,
    Plan,
    Target,
    Unmanaged,
)
from catalog_sync.pricing.model import change_percent

__all__ = [
    "ACTION_SYMBOLS",
    "ACTION_VERBS",
    "changes_money",
    "describe_change",
    "emulator_line",
    "format_value",
    "ignore_line",
    "money_delta",
    "repeats_default",
    "summary_line",
    "unmanaged_status",
]

ACTION_SYMBOLS = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.ENABLE: "~",
    Action.PUBLISH: "~",
    Action.DELETE: "-",
    Action.DISABLE: "-",
}
ACTION_VERBS = {
    Action.CREATE: "created",
    Action.UPDATE: "updated",
    Action.DELETE: "deleted",
    Action.DISABLE: "disabled",
    Action.ENABLE: "enabled",
    Action.PUBLISH: "published",
}


EMULATOR_LINE = (
    "Built-in emulator with demo data, not Cloudmore: no live catalog was read or is changed "
    "(no Cloudmore API configured)."
)


def emulator_line(target: Target) -> str | None:
    """The sentence every header carries when the built-in emulator stood in for Cloudmore,
    so demo data is never mistaken for the seller's catalog; None against Cloudmore."""
    return EMULATOR_LINE if target.emulator else None


def _is_money(kind: Kind, path: str) -> bool:
    try:
        return field_spec(kind, path).type is FieldType.MONEY
    except KeyError:
        return False


def changes_money(change: Change) -> bool:
    """Whether any field the change writes is an amount (a price change, to a seller)."""
    return any(_is_money(change.kind, field.path) for field in change.field_changes)


def format_value(kind: Kind, path: str, value: FieldValue) -> str:
    if value is None:
        return "null"
    if _is_money(kind, path):
        return format_money(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def money_delta(kind: Kind, change: FieldChange) -> str:
    """``" (+20.0%)"`` for a money change from a non-zero amount, else ``""``."""
    if not _is_money(kind, change.path):
        return ""
    if not isinstance(change.before, str) or not isinstance(change.after, str):
        return ""
    percent = change_percent(change.before, change.after)
    return "" if percent is None else f" ({percent:+.1f}%)"


def repeats_default(value: FieldValue) -> bool:
    """Whether a field of a create only repeats the API's default, so listing it is noise
    (0 is a real value, unlike false)."""
    return value is None or value is False or value == ()


def describe_change(change: Change, field: FieldChange) -> str:
    """``price: 10.00 -> 12.00 (+20.0%)``, or ``name: "x"`` for a field of a create, or
    ``basicAuthPassword: (write-only, sent) "env:NAME"`` for a secret."""
    after = format_value(change.kind, field.path, field.after)
    if change.action is Action.CREATE:
        return f"{field.path}: {after}"
    if field.path in write_only(change.kind):
        # Never read, so there is no before: the write sends the variable's value.
        return f"{field.path}: (write-only, sent) {after}"
    before = format_value(change.kind, field.path, field.before)
    return f"{field.path}: {before} -> {after}{money_delta(change.kind, field)}"


_NAMED = 5
"""Removed top-level objects the summary line names before it says "and N more"."""


def summary_line(plan: Plan) -> str:
    s = plan.summary
    if not plan.changes:
        text = "No changes. The live catalog matches the files."
    else:
        parts = [
            f"{s.create} to create",
            f"{s.update} to update",
            f"{s.enable} to enable",
            f"{s.publish} to publish",
            f"{s.delete} to delete",
            f"{s.disable} to disable",
        ]
        text = "Plan: " + ", ".join(parts) + "."
    removed = [
        f"{c.action.value}s {c.address}"
        for c in plan.changes
        if c.action in (Action.DELETE, Action.DISABLE) and c.address.parent is None
    ]
    if removed:
        # Never only a count: which services (and brokers) go must be read, not inferred.
        shown = removed[:_NAMED] + (
            [f"and {len(removed) - _NAMED} more"] if len(removed) > _NAMED else []
        )
        text += " It " + ", ".join(shown) + "."
    if plan.renames:
        text += (
            " 1 create looks like a rename."
            if len(plan.renames) == 1
            else f" {len(plan.renames)} creates look like renames."
        )
    if s.unmanaged:
        text += f" {s.unmanaged} unmanaged."
    if plan.safety:
        text += f" {len(plan.safety)} safety finding(s)."
    return text


def unmanaged_status(entry: Unmanaged) -> str:
    """``, disabled`` and ``, not removed by prune``, as far as they apply."""
    status = "" if entry.active else ", disabled"
    return status + ("" if KINDS[entry.kind].removal != "none" else ", not removed by prune")


def ignore_line(rules: Sequence[IgnoreRule]) -> str | None:
    """The ignore rules in one sentence, for every plan's header (nobody should be surprised
    that a field they edited plans nothing)."""
    if not rules:
        return None
    parts = [f"{', '.join(rule.fields)} on {rule.address}" for rule in rules]
    return "Ignored fields (settings.ignore): " + "; ".join(parts)
