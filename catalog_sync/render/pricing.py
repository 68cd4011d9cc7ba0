"""The finance view of a plan, shared by the text and Markdown renderers (docs/policies.md):
change classes by service, one price table per service, and the policy exemptions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from catalog_sync.graph import Address
from catalog_sync.kinds import PRICE_FIELDS, children_of
from catalog_sync.normalise import format_money
from catalog_sync.plan.model import Origin, Plan, PolicyExemption, PolicySettings, Unreadable
from catalog_sync.pricing.classes import PendingCell, class_totals, introduced_classes
from catalog_sync.pricing.model import ChangeClass, PriceChange, RepricedRow
from catalog_sync.pricing.policies import currency_label
from catalog_sync.render.plan_values import ignore_line

__all__ = [
    "PriceLine",
    "class_counts",
    "class_table",
    "classes_line",
    "exemption_line",
    "header_lines",
    "item_label",
    "item_names",
    "natural_key",
    "origins_line",
    "pending_cells",
    "policies_line",
    "price_lines",
    "top_label",
    "unreadable_line",
]

NO_VALUE = "—"


def item_label(item: Address) -> str:
    """An item under its service as people say it: ``annual/gws-vault``."""
    return "/".join(key for _, key in item.segments[1:] if key is not None)


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Text sorted as people sort it: the numbers in it by value (a5 before a43)."""
    return tuple(
        (0, int(part), "") if part.isdecimal() else (1, 0, part.casefold())
        for part in _DIGITS.split(text)
        if part
    )


_DIGITS = re.compile(r"(\d+)")


def top_label(top: Address) -> str:
    return f"{top.kind.value} {top.key}" if top.key is not None else top.kind.value


def _margin(value: Decimal | None) -> str:
    return NO_VALUE if value is None else f"{value:.1f}%"


def _money(value: str | None) -> str:
    return NO_VALUE if value is None else format_money(value)


class PriceLine:
    """One changed money field, as the tables show it."""

    def __init__(
        self,
        row: RepricedRow,
        change: PriceChange,
        base: str | None = None,
        flags: Sequence[str] = (),
    ) -> None:
        self.item = item_label(change.item)
        self.name = row.name or ""
        self.currency = currency_label(change.currency, base)
        self.field = change.field
        self.before = _money(change.before)
        self.after = _money(change.after)
        percent = change.percent
        if row.retired:
            self.percent = "retired"
        elif row.before is None or change.before is None:
            # A first amount (a new item, or an enabled currency priced for the first time).
            self.percent = "new"
        else:
            self.percent = NO_VALUE if percent is None else f"{percent:+.1f}%"
        before_margin = row.before.margin if row.before is not None else None
        self.margin_before = _margin(before_margin)
        self.margin_after = _margin(row.after.margin if row.after is not None else None)
        self.flags = tuple(flags)
        """The pricing policies this line breaches (the plan's safety findings)."""
        self.pending = change.field in row.pending
        """Already pending against the base catalog (--baseline): not the pull request's."""


def price_lines(plan: Plan, *, pre_existing: bool = False) -> list[tuple[Address, list[PriceLine]]]:
    """Per service, in plan order, items in natural order: every money field the plan
    changes (unchanged ones never), and every last price of an item it retires. With
    --baseline, the pull request's own changes, or (``pre_existing``) those already pending."""
    flags = _policy_flags(plan)
    grouped: dict[Address, list[PriceLine]] = {}
    for row in plan.prices:
        for change in row.changes():
            line = PriceLine(
                row,
                change,
                plan.settings.currency,
                flags.get((row.item, row.currency, change.field), ()),
            )
            if line.pending == pre_existing:
                grouped.setdefault(row.service, []).append(line)
    for lines in grouped.values():
        # Stable: each item's rows stay in currency order (base first), fields in theirs.
        lines.sort(key=lambda line: natural_key(line.item))
    return list(grouped.items())


def _policy_flags(plan: Plan) -> dict[tuple[Address, str | None, str], list[str]]:
    """Per (item, currency, field), the rules its row breaches: a rule about a field (a price
    change, a recommendedPrice) flags that field, one about the row (a margin) every field."""
    flags: dict[tuple[Address, str | None, str], list[str]] = {}
    for finding in plan.safety:
        detail = finding.policy
        if detail is None or not finding.addresses:
            continue
        fields = (detail.field,) if detail.field else PRICE_FIELDS
        for field in fields:
            key = (finding.addresses[0], detail.currency, field)
            flags.setdefault(key, []).append(finding.rule.value)
    return flags


def pending_cells(plan: Plan) -> frozenset[PendingCell]:
    """The money fields (item, currency, field) whose change was already pending."""
    return frozenset(
        (row.item, row.currency, field) for row in plan.prices for field in row.pending
    )


def class_counts(plan: Plan) -> dict[ChangeClass, int]:
    """The classes the tables count: with --baseline, only what the pull request introduces."""
    if plan.summary.introduced_classes is not None:
        return dict(plan.summary.introduced_classes)
    return dict(plan.summary.classes) if plan.summary.classes else class_totals(plan.changes)


def item_names(plan: Plan) -> dict[Address, str]:
    """The names of the items the plan prices (or retires), by address."""
    return {row.item: row.name for row in plan.prices if row.name}


def classes_line(plan: Plan) -> str | None:
    """``Changes by class: 1 price-increase, 2 new-sku.``, or None without changes."""
    totals = class_counts(plan)
    parts = [f"{count} {found.value}" for found, count in totals.items() if count]
    if not parts:
        return None
    own = " (this pull request's own; pre-existing ones left out)" if _has_baseline(plan) else ""
    return f"Changes by class{own}: {', '.join(parts)}."


def origins_line(plan: Plan) -> str | None:
    """With --baseline, how many changes the pull request introduces and how many were
    already pending; None without --baseline."""
    if not _has_baseline(plan):
        return None
    pending = sum(1 for c in plan.changes if c.origin is Origin.PRE_EXISTING)
    own = len(plan.changes) - pending
    if not pending:
        return f"This pull request introduces every change of this plan ({own}): none was pending."
    return (
        f"This pull request introduces {own} of the plan's {len(plan.changes)} change(s), "
        f"counted by class here; the other {pending} {'was' if pending == 1 else 'were'} "
        "pending before it (pre-existing) and not counted."
    )


def _has_baseline(plan: Plan) -> bool:
    return plan.summary.introduced_classes is not None


def class_table(plan: Plan) -> tuple[list[ChangeClass], list[tuple[str, list[int]]]]:
    """The classes any change has, and per service (or top-level kind) the count of each."""
    totals = class_counts(plan)
    columns = [found for found, count in totals.items() if count]
    rows: dict[str, list[int]] = {}
    baseline = plan.summary.introduced_classes is not None
    pending = pending_cells(plan)
    for change in plan.changes:
        classes = introduced_classes(change, pending) if baseline else change.classes
        if not classes:
            continue
        top = change.address.top
        # Objects with nothing below them (brokers) share one row: there may be hundreds.
        label = top_label(top) if children_of(top.kind) else f"{top.kind.value}s"
        counts = rows.setdefault(label, [0] * len(columns))
        for found in classes:
            if found in columns:
                counts[columns.index(found)] += 1
    return columns, list(rows.items())


def header_lines(plan: Plan) -> list[str]:
    """The sentences every plan's header carries: the ignore rules, the pricing policies in
    force and the objects exempt from them."""
    settings = plan.settings
    lines = (
        unreadable_line(plan.unreadable),
        ignore_line(settings.ignore),
        policies_line(settings.policies),
        exemption_line(settings.exempt),
    )
    return [line for line in lines if line]


def unreadable_line(unreadable: Sequence[Unreadable]) -> str | None:
    """The fields live reads lacked, once per kind, for every plan's header: unknown, so the
    plan neither compares nor writes them (docs/contracts.md, "Unreadable fields")."""
    if not unreadable:
        return None
    parts = [
        f"{entry.kind.value}: {', '.join(entry.fields)} ({entry.objects} "
        f"{'object' if entry.objects == 1 else 'objects'})"
        for entry in unreadable
    ]
    return (
        "Unreadable fields (the live read lacks them: not compared, never written by an "
        "update): " + "; ".join(parts)
    )


def exemption_line(exempt: Sequence[PolicyExemption]) -> str | None:
    """The policy exemptions in one sentence, for every plan's header."""
    if not exempt:
        return None
    parts = [f"{', '.join(r.value for r in e.rules)} on {e.address}" for e in exempt]
    return "Policy exemptions (policyExempt): " + "; ".join(parts)


def policies_line(policies: PolicySettings | None) -> str | None:
    """The pricing rules in force, for every plan's header: what the findings were held to."""
    if policies is None:
        return None
    parts = []
    if policies.min_margin_percent is not None:
        parts.append(f"minMarginPercent {policies.min_margin_percent:g}%")
    if policies.max_price_change_percent is not None:
        parts.append(f"maxPriceChangePercent {policies.max_price_change_percent:g}%")
    if policies.recommended_at_least_price:
        parts.append("recommendedAtLeastPrice")
    return "Pricing policies (settings.policies): " + ", ".join(parts) if parts else None
