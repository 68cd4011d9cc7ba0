"""The pricing pass over a computed plan: change classes, repriced rows and policy findings.

It runs after the planner, on the same two graphs, and only adds to the plan (docs/policies.md):
each change gets its classes, the summary their totals, the plan the price rows it changes
(before and after, for the finance tables) and the policy findings on the catalog as it will
be after apply (``safety``) and as read (``livePolicy``, for drift).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from catalog_sync.graph import Address, Fields, Resource, ResourceGraph
from catalog_sync.kinds import KINDS, PRICE_FIELDS
from catalog_sync.plan.ignore import with_live_values
from catalog_sync.plan.match import match
from catalog_sync.plan.model import (
    Change,
    Origin,
    Plan,
    PlanBody,
    PlanSettings,
    PolicyExemption,
    PolicySettings,
    SafetyFinding,
    SafetyRule,
)
from catalog_sync.pricing.classes import class_totals, classes_of
from catalog_sync.pricing.model import PriceRow, RepricedRow
from catalog_sync.pricing.policies import change_findings, row_findings, split
from catalog_sync.pricing.rows import PendingPrice, RowKey, cell_of, price_rows

__all__ = ["about_rows", "exemptions", "pending_prices", "priced", "written_findings"]


def pending_prices(changes: Iterable[Change]) -> frozenset[PendingPrice]:
    """Every money field the changes write, with its before and after: a base plan's, so the
    pull request's plan can tell which of its price changes were already pending."""
    return frozenset(
        (cell.item, cell.currency, cell.field, _money(f.before), _money(f.after))
        for change in changes
        for f in change.field_changes
        if (cell := cell_of(change.address, f.path)) is not None
    )


def _money(value: object) -> str | None:
    return value if isinstance(value, str) else None


def exemptions(desired: ResourceGraph) -> tuple[PolicyExemption, ...]:
    """Every object's ``policyExempt``, for the plan's settings (and so its header)."""
    return tuple(
        PolicyExemption(address=r.address, rules=tuple(SafetyRule(rule) for rule in r.exempt))
        for r in desired
        if r.exempt
    )


def priced(
    body: PlanBody,
    desired: ResourceGraph,
    live: ResourceGraph,
    settings: PlanSettings,
    pending: Collection[PendingPrice] | None = None,
) -> PlanBody:
    """``pending``: with --baseline, the price changes the base catalog's plan makes (so the
    rows mark the fields the pull request did not introduce, and the summary counts the
    classes it did)."""
    holders = any(_holds_prices(c) for c in body.changes)
    retired = [c for c in body.changes if c.action.removes]
    touched = {c.address: _row_keys(c) for c in body.changes if not c.action.removes}
    touched = {address: keys for address, keys in touched.items() if keys}
    floors = settings.policies is not None or _has_floors(desired)
    needed = holders or touched or retired or floors
    matched = match(desired, live) if needed else live
    changes = tuple(
        c.model_copy(update={"classes": classes_of(c, _fields(matched.get(c.address)))})
        for c in body.changes
    )
    summary = body.summary.model_copy(update={"classes": class_totals(changes)})
    if pending is not None:
        introduced = class_totals(changes, frozenset())
        summary = summary.model_copy(update={"introduced_classes": introduced})
    update: dict[str, object] = {"changes": changes, "summary": summary}
    if not touched and not retired and not floors:
        return body.model_copy(update=update)

    sides = _Sides(desired, matched, settings)
    keys = {key for found in touched.values() for key in found}
    before = price_rows(sides.before(touched))
    after = price_rows(sides.after(touched))
    rows = [
        RepricedRow(
            before=before.get(key),
            after=after[key],
            name=sides.name(key[0]),
            pending=_pending_fields(before.get(key), after[key], pending),
        )
        for key in sorted(keys, key=_order)
        if key in after
    ]
    rows += _retired_rows([c for c in changes if c.action.removes], sides, keys)
    repriced = tuple(sorted(rows, key=lambda row: _order((row.item, row.currency))))
    update["prices"] = repriced
    if pending is not None:
        cells = {(row.item, row.currency, field) for row in repriced for field in row.pending}
        update["summary"] = summary.model_copy(
            update={"introduced_classes": class_totals(changes, cells)}
        )
    if floors:
        everything = list(desired.resources)
        after_all = _sorted(price_rows(sides.after(everything)))
        standing, silenced = _findings(after_all, repriced, settings)
        update["safety"] = (*body.safety, *standing)
        update["exempted"] = silenced
        before_all = _sorted(price_rows(sides.before(everything)))
        update["live_policy"] = _findings(before_all, (), settings)[0]
    return body.model_copy(update=update)


def _has_floors(desired: ResourceGraph) -> bool:
    """Whether the files price a row that must never be under its cost (a customer's price):
    its rule holds without any policies (docs/policies.md, ``belowCost``)."""
    return any(KINDS[r.kind].price_floor for r in desired)


def _fields(resource: Resource | None) -> Fields | None:
    return None if resource is None else resource.fields


def _holds_prices(change: Change) -> bool:
    """Whether the change writes prices of items other than its object (a price list)."""
    return any(
        cell is not None and cell.item != change.address
        for f in change.field_changes
        if (cell := cell_of(change.address, f.path)) is not None
    )


def _pending_fields(
    before: PriceRow | None, after: PriceRow | None, pending: Collection[PendingPrice] | None
) -> tuple[str, ...]:
    if not pending:
        return ()
    row = after or before
    assert row is not None
    found = []
    for field in PRICE_FIELDS:
        old = before.value(field) if before is not None else None
        new = after.value(field) if after is not None else None
        if old != new and (row.item, row.currency, field, old, new) in pending:
            found.append(field)
    return tuple(found)


def _retired_rows(
    retired: Iterable[Change], sides: _Sides, written: Collection[RowKey]
) -> list[RepricedRow]:
    """The last prices of every item a delete or disable retires: the object's own rows and
    those of the items below it, in every currency read (a service's price lists name the
    items they price)."""
    rows: list[RepricedRow] = []
    seen = set(written)
    by_top: dict[Address, dict[RowKey, PriceRow]] = {}
    for change in retired:
        top = change.address.top
        if top not in by_top:
            under = [top, *(r.address for r in sides.live.descendants(top))]
            by_top[top] = price_rows(sides.before(under))
        last = by_top[top]
        gone = {change.address, *(r.address for r in sides.live.descendants(change.address))}
        for key in sorted(last, key=_order):
            if key[0] not in gone or key in seen:
                continue
            seen.add(key)
            fields = tuple(f for f in PRICE_FIELDS if last[key].value(f) is not None)
            rows.append(
                RepricedRow(
                    before=last[key],
                    after=None,
                    name=sides.live_name(key[0]),
                    pending=fields if change.origin is Origin.PRE_EXISTING else (),
                )
            )
    return rows


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
    those policyExempt silenced). Without settings.policies only the rules that always hold
    (``belowCost``) apply."""
    policies = settings.policies or PolicySettings()
    base = settings.currency
    found = row_findings(rows, policies, base)
    found += change_findings(
        (p for row in repriced if not row.retired for p in row.changes()), policies, base
    )
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

    def name(self, item: Address) -> str | None:
        """The item's name as it will be (the files'), else as read."""
        for graph in (self.desired, self.live):
            found = graph.get(item)
            if found is not None and isinstance(found.fields.get("name"), str):
                return str(found.fields["name"])
        return None

    def live_name(self, item: Address) -> str | None:
        found = self.live.get(item)
        name = None if found is None else found.fields.get("name")
        return name if isinstance(name, str) else None

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
