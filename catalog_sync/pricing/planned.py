"""The pricing pass over a computed plan: change classes, repriced rows and policy findings.

It runs after the planner, on the same two graphs, and only adds to the plan (docs/policies.md):
each change gets its classes, the summary their totals, the plan the price rows it changes
(before and after, for the finance tables) and the policy findings on the catalog as it will
be after apply (``safety``) and as read (``livePolicy``, for drift).
"""

from __future__ import annotations

from collections.abc import Iterable

from catalog_sync.graph import Address, Fields, ResourceGraph
from catalog_sync.plan.ignore import with_live_values
from catalog_sync.plan.match import match
from catalog_sync.plan.model import (
    Change,
    Plan,
    PlanBody,
    PlanSettings,
    PolicyExemption,
    SafetyFinding,
    SafetyRule,
)
from catalog_sync.pricing.classes import class_totals, classes_of
from catalog_sync.pricing.model import PriceRow, RepricedRow
from catalog_sync.pricing.policies import change_findings, row_findings, split
from catalog_sync.pricing.rows import RowKey, cell_of, price_rows

__all__ = ["about_rows", "exemptions", "priced", "written_findings"]


def exemptions(desired: ResourceGraph) -> tuple[PolicyExemption, ...]:
    """Every object's ``policyExempt``, for the plan's settings (and so its header)."""
    return tuple(
        PolicyExemption(address=r.address, rules=tuple(SafetyRule(rule) for rule in r.exempt))
        for r in desired
        if r.exempt
    )


def priced(
    body: PlanBody, desired: ResourceGraph, live: ResourceGraph, settings: PlanSettings
) -> PlanBody:
    changes = tuple(c.model_copy(update={"classes": classes_of(c)}) for c in body.changes)
    summary = body.summary.model_copy(update={"classes": class_totals(changes)})
    touched = {c.address: _row_keys(c) for c in changes}
    touched = {address: keys for address, keys in touched.items() if keys}
    update: dict[str, object] = {"changes": changes, "summary": summary}
    if not touched and settings.policies is None:
        return body.model_copy(update=update)

    sides = _Sides(desired, match(desired, live), settings)
    keys = {key for found in touched.values() for key in found}
    before = price_rows(sides.before(touched))
    after = price_rows(sides.after(touched))
    repriced = tuple(
        RepricedRow(before=before.get(key), after=after[key])
        for key in sorted(keys, key=_order)
        if key in after
    )
    update["prices"] = repriced
    if settings.policies is not None:
        everything = list(desired.resources)
        after_all = _sorted(price_rows(sides.after(everything)))
        standing, silenced = _findings(after_all, repriced, settings)
        update["safety"] = (*body.safety, *standing)
        update["exempted"] = silenced
        before_all = _sorted(price_rows(sides.before(everything)))
        update["live_policy"] = _findings(before_all, (), settings)[0]
    return body.model_copy(update=update)


def _row_keys(change: Change) -> set[RowKey]:
    """The price rows (item and currency) a change's fields write."""
    return {
        (cell.item, cell.currency)
        for f in change.field_changes
        if (cell := cell_of(change.address, f.path)) is not None
    }


def _findings(
    rows: Iterable[PriceRow], repriced: Iterable[RepricedRow], settings: PlanSettings
) -> tuple[tuple[SafetyFinding, ...], tuple[SafetyFinding, ...]]:
    """The policy findings on the rows and on the repriced rows' changes: (those that stand,
    those policyExempt silenced)."""
    assert settings.policies is not None
    found = row_findings(rows, settings.policies)
    found += change_findings((p for row in repriced for p in row.changes()), settings.policies)
    return split(found, {e.address: frozenset(e.rules) for e in settings.exempt})


def _order(key: RowKey) -> tuple[tuple[tuple[int, str], ...], str]:
    return key[0].sort_key(), key[1] or ""


def _sorted(rows: dict[RowKey, PriceRow]) -> list[PriceRow]:
    return [rows[key] for key in sorted(rows, key=_order)]


class _Sides:
    """The managed objects (those the files describe) as read and as apply leaves them."""

    def __init__(self, desired: ResourceGraph, live: ResourceGraph, settings: PlanSettings):
        self.desired = desired
        self.live = live
        self.settings = settings

    def before(self, addresses: Iterable[Address]) -> list[tuple[Address, Fields]]:
        found = []
        for address in addresses:
            current = self.live.get(address)
            if current is not None:
                found.append((address, current.fields))
        return found

    def after(self, addresses: Iterable[Address]) -> list[tuple[Address, Fields]]:
        found: list[tuple[Address, Fields]] = []
        for address in addresses:
            wanted = self.desired.get(address)
            if wanted is None:
                continue
            current = self.live.get(address)
            if current is None:
                found.append((address, wanted.fields))
                continue
            wanted = with_live_values(wanted, current, self.settings.ignore)
            found.append((address, {**current.fields, **wanted.fields}))
        return found


def written_findings(plan: Plan, live: ResourceGraph) -> tuple[list[SafetyFinding], set[RowKey]]:
    """The policy findings on the rows the plan writes, derived again from its changes and the
    re-read live catalog (apply never trusts the plan file for safety), and those rows' keys.

    A row as written is the live object's fields with each field change's ``after`` on top;
    a create's is its field changes alone.
    """
    if plan.settings.policies is None:
        return [], set()
    keys: set[RowKey] = set()
    as_read: list[tuple[Address, Fields]] = []
    as_written: list[tuple[Address, Fields]] = []
    for change in plan.changes:
        cells = _row_keys(change)
        if not cells or change.action.removes:
            continue
        keys |= cells
        current = live.by_id(change.kind).get(change.id) if change.id is not None else None
        base = dict(current.fields) if current is not None else {}
        if current is not None:
            as_read.append((change.address, base))
        as_written.append(
            (change.address, {**base, **{f.path: f.after for f in change.field_changes}})
        )
    before, after = price_rows(as_read), price_rows(as_written)
    ordered = [key for key in sorted(keys, key=_order) if key in after]
    repriced = [RepricedRow(before=before.get(key), after=after[key]) for key in ordered]
    standing, _ = _findings([after[key] for key in ordered], repriced, plan.settings)
    return list(standing), keys


def about_rows(finding: SafetyFinding, keys: set[RowKey]) -> bool:
    """Whether a policy finding names one of ``keys`` (item and currency)."""
    return (
        finding.policy is not None
        and bool(finding.addresses)
        and (finding.addresses[0], finding.policy.currency) in keys
    )
