"""Pricing policies (``settings.policies``): each violation is a safety finding.

Findings reuse the safety machinery (``plan/safety.py``, ``apply/gate.py``): they are shown in
every format, apply refuses a plan with any unless ``--force`` is given, and the apply report
names what was lifted. ``policyExempt`` on an object moves its findings to the plan's
``exempted`` list instead, so the plan still shows them (docs/policies.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from catalog_sync.graph import Address
from catalog_sync.normalise import format_money
from catalog_sync.plan.model import PolicySettings, SafetyFinding, SafetyRule
from catalog_sync.pricing.model import PolicyDetail, PriceChange, PriceRow

__all__ = [
    "BASE_CURRENCY",
    "PRICE_CHANGE_FIELDS",
    "change_findings",
    "currency_label",
    "row_findings",
    "split",
]

PRICE_CHANGE_FIELDS = ("price", "recommendedPrice")
"""The fields maxPriceChangePercent measures: what brokers pay and are advised to charge (a
cost is the margin rule's business)."""

Exemptions = Mapping[Address, frozenset[SafetyRule]]


BASE_CURRENCY = "base currency"
"""How a row of the items' own fields is named when settings.currency is not declared: the
currency is the seller's, and only the files can say which (docs/policies.md)."""


def currency_label(currency: str | None, base: str | None = None) -> str:
    """A row's currency as people read it: its code, or the base currency's (settings.currency)
    for the items' own fields, or "base currency" when that is not declared."""
    return currency or base or BASE_CURRENCY


def row_findings(
    rows: Iterable[PriceRow], policies: PolicySettings, base: str | None = None
) -> list[SafetyFinding]:
    """The below-cost, margin and recommended-price rules over the rows, in the order given;
    ``base`` is settings.currency, named in the messages."""
    found: list[SafetyFinding] = []
    for row in rows:
        price, cost = row.price, row.cost
        if row.floor and price is not None and cost is not None and Decimal(price) < Decimal(cost):
            found.append(_below_cost_finding(row, base))
        minimum = policies.min_margin_percent
        margin = row.margin
        if minimum is not None and row.price is not None and row.cost is not None:
            below_cost = Decimal(row.price) == 0 and Decimal(row.cost) > 0
            if below_cost or (margin is not None and margin < Decimal(str(minimum))):
                found.append(_margin_finding(row, margin, minimum, base))
        if (
            policies.recommended_at_least_price
            and row.price is not None
            and row.recommended_price is not None
            and Decimal(row.recommended_price) < Decimal(row.price)
        ):
            found.append(_recommended_finding(row, base))
    return found


def change_findings(
    changes: Iterable[PriceChange], policies: PolicySettings, base: str | None = None
) -> list[SafetyFinding]:
    """maxPriceChangePercent over the plan's price changes."""
    limit = policies.max_price_change_percent
    if limit is None:
        return []
    found = []
    for change in changes:
        percent = change.percent
        if change.field not in PRICE_CHANGE_FIELDS or percent is None:
            continue
        if abs(percent) > Decimal(str(limit)):
            found.append(_change_finding(change, percent, limit, base))
    return found


def split(
    findings: Iterable[SafetyFinding], exempt: Exemptions
) -> tuple[tuple[SafetyFinding, ...], tuple[SafetyFinding, ...]]:
    """(findings that stand, findings policyExempt silenced)."""
    standing: list[SafetyFinding] = []
    silenced: list[SafetyFinding] = []
    for finding in findings:
        rules = exempt.get(finding.addresses[0], frozenset()) if finding.addresses else ()
        (silenced if finding.rule in rules else standing).append(finding)
    return tuple(standing), tuple(silenced)


def _percent(value: Decimal) -> str:
    return f"{value:.1f}"


def _finding(
    rule: SafetyRule,
    about: PriceRow | PriceChange,
    problem: str,
    fix: str,
    values: dict[str, str],
    base: str | None,
    field: str | None = None,
    remedy: str | None = None,
) -> SafetyFinding:
    return SafetyFinding(
        rule=rule,
        message=f"{about.item} ({currency_label(about.currency, base)}): {problem}",
        addresses=(about.item,),
        overridable=True,
        remedy=remedy
        or f"{fix}, add `policyExempt: [{rule.value}]` to the object, change "
        f"settings.policies.{rule.value}, or pass --force",
        policy=PolicyDetail(currency=about.currency, field=field, values=values),
    )


def _below_cost_finding(row: PriceRow, base: str | None) -> SafetyFinding:
    assert row.price is not None
    assert row.cost is not None
    return _finding(
        SafetyRule.BELOW_COST,
        row,
        f"price {format_money(row.price)} is below the broker's cost {format_money(row.cost)}",
        "",
        {"price": row.price, "cost": row.cost},
        base,
        field="price",
        remedy="raise the price to the broker's cost or above, or pass --force",
    )


def _margin_finding(
    row: PriceRow, margin: Decimal | None, minimum: float, base: str | None
) -> SafetyFinding:
    assert row.price is not None
    assert row.cost is not None
    shown = f"{_percent(margin)}%" if margin is not None else "below cost"
    values = {"price": row.price, "cost": row.cost, "limit": str(minimum)}
    if margin is not None:
        values["margin"] = _percent(margin)
    return _finding(
        SafetyRule.MIN_MARGIN_PERCENT,
        row,
        f"margin {shown} (price {format_money(row.price)}, cost {format_money(row.cost)}) is "
        f"below the {minimum:g}% minimum",
        "raise the price or lower the cost",
        values,
        base,
    )


def _recommended_finding(row: PriceRow, base: str | None) -> SafetyFinding:
    assert row.price is not None
    assert row.recommended_price is not None
    return _finding(
        SafetyRule.RECOMMENDED_AT_LEAST_PRICE,
        row,
        f"recommendedPrice {format_money(row.recommended_price)} is below the price "
        f"{format_money(row.price)}",
        "raise the recommendedPrice or lower the price",
        {"price": row.price, "recommendedPrice": row.recommended_price},
        base,
        field="recommendedPrice",
    )


def _change_finding(
    change: PriceChange, percent: Decimal, limit: float, base: str | None
) -> SafetyFinding:
    assert change.before is not None
    assert change.after is not None
    return _finding(
        SafetyRule.MAX_PRICE_CHANGE_PERCENT,
        change,
        f"{change.field} {format_money(change.before)} -> {format_money(change.after)} "
        f"({percent:+.1f}%) changes by more than {limit:g}%",
        "make the change in smaller steps",
        {
            "before": change.before,
            "after": change.after,
            "change": _percent(percent),
            "limit": str(limit),
        },
        base,
        field=change.field,
    )
