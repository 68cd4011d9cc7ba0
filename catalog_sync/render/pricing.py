"""The finance view of a plan, shared by the text and Markdown renderers (docs/policies.md):
change classes by service, one price table per service, and the policy exemptions."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from catalog_sync.graph import Address
from catalog_sync.kinds import children_of
from catalog_sync.normalise import format_money
from catalog_sync.plan.model import Plan, PolicyExemption, PolicySettings, Unreadable
from catalog_sync.pricing.classes import class_totals
from catalog_sync.pricing.model import ChangeClass, PriceChange, RepricedRow
from catalog_sync.pricing.policies import currency_label
from catalog_sync.render.plan_values import ignore_line

__all__ = [
    "PriceLine",
    "class_table",
    "classes_line",
    "exemption_line",
    "header_lines",
    "item_label",
    "policies_line",
    "price_lines",
    "top_label",
    "unreadable_line",
]

NO_VALUE = "—"


def item_label(item: Address) -> str:
    """An item under its service as people say it: ``annual/gws-vault``."""
    return "/".join(key for _, key in item.segments[1:] if key is not None)


def top_label(top: Address) -> str:
    return f"{top.kind.value} {top.key}" if top.key is not None else top.kind.value


def _margin(value: Decimal | None) -> str:
    return NO_VALUE if value is None else f"{value:.1f}%"


def _money(value: str | None) -> str:
    return NO_VALUE if value is None else format_money(value)


class PriceLine:
    """One changed money field, as the tables show it."""

    def __init__(self, row: RepricedRow, change: PriceChange) -> None:
        self.item = item_label(change.item)
        self.currency = currency_label(change.currency)
        self.field = change.field
        self.before = _money(change.before)
        self.after = _money(change.after)
        percent = change.percent
        self.percent = (
            "new" if row.before is None else NO_VALUE if percent is None else f"{percent:+.1f}%"
        )
        before_margin = row.before.margin if row.before is not None else None
        self.margin_before = _margin(before_margin)
        self.margin_after = _margin(row.after.margin)


def price_lines(plan: Plan) -> list[tuple[Address, list[PriceLine]]]:
    """Per service, in plan order: every money field the plan changes (unchanged ones never)."""
    grouped: dict[Address, list[PriceLine]] = {}
    for row in plan.prices:
        for change in row.changes():
            grouped.setdefault(row.service, []).append(PriceLine(row, change))
    return list(grouped.items())


def _totals(plan: Plan) -> dict[ChangeClass, int]:
    return dict(plan.summary.classes) if plan.summary.classes else class_totals(plan.changes)


def classes_line(plan: Plan) -> str | None:
    """``Changes by class: 1 price-increase, 2 new-sku.``, or None without changes."""
    totals = _totals(plan)
    parts = [f"{count} {found.value}" for found, count in totals.items() if count]
    return f"Changes by class: {', '.join(parts)}." if parts else None


def class_table(plan: Plan) -> tuple[list[ChangeClass], list[tuple[str, list[int]]]]:
    """The classes any change has, and per service (or top-level kind) the count of each."""
    totals = _totals(plan)
    columns = [found for found, count in totals.items() if count]
    rows: dict[str, list[int]] = {}
    for change in plan.changes:
        top = change.address.top
        # Objects with nothing below them (brokers) share one row: there may be hundreds.
        label = top_label(top) if children_of(top.kind) else f"{top.kind.value}s"
        counts = rows.setdefault(label, [0] * len(columns))
        for found in change.classes:
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
