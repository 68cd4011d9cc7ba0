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

__all__ = ["PRICE_CHANGE_FIELDS", "change_findings", "currency_label", "row_findings", "split"]

PRICE_CHANGE_FIELDS = ("price", "recommendedPrice")
"""The fields maxPriceChangePercent measures: what brokers pay and are advised to charge (a
cost is the margin rule's business)."""

Exemptions = Mapping[Address, frozenset[SafetyRule]]


def currency_label(currency: str | None) -> str:
    return currency or "default"


def row_findings(rows: Iterable[PriceRow], policies: PolicySettings) -> list[SafetyFinding]:
    """The margin and recommended-price rules over the rows, in the order given."""
    found: list[SafetyFinding] = []
    for row in rows:
        minimum = policies.min_margin_percent
        margin = row.margin
        if minimum is not None and row.price is not None and row.cost is not None:
            below_cost = Decimal(row.price) == 0 and Decimal(row.cost) > 0
            if below_cost or (margin is not None and margin < Decimal(str(minimum))):
                found.append(_margin_finding(row, margin, minimum))
        if (
            policies.recommended_at_least_price
            and row.price is not None
            and row.recommended_price is not None
            and Decimal(row.recommended_price) < Decimal(row.price)
        ):
            found.append(_recommended_finding(row))
    return found


def change_findings(
    changes: Iterable[PriceChange], policies: PolicySettings
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
            found.append(_change_finding(change, percent, limit))
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


def _remedy(rule: SafetyRule, fix: str) -> str:
    return (
        f"{fix}, add `policyExempt: [{rule.value}]` to the object, change "
        f"settings.policies.{rule.value}, or pass --force"
    )


def _margin_finding(row: PriceRow, margin: Decimal | None, minimum: float) -> SafetyFinding:
    assert row.price is not None
    assert row.cost is not None
    shown = f"{_percent(margin)}%" if margin is not None else "below cost"
    rule = SafetyRule.MIN_MARGIN_PERCENT
    values = {"price": row.price, "cost": row.cost, "limit": str(minimum)}
    if margin is not None:
        values["margin"] = _percent(margin)
    return SafetyFinding(
        rule=rule,
        message=f"{row.item} ({currency_label(row.currency)}): margin {shown} (price "
        f"{format_money(row.price)}, cost {format_money(row.cost)}) is below the {minimum:g}% "
        "minimum",
        addresses=(row.item,),
        overridable=True,
        remedy=_remedy(rule, "raise the price or lower the cost"),
        policy=PolicyDetail(currency=row.currency, values=values),
    )


def _recommended_finding(row: PriceRow) -> SafetyFinding:
    assert row.price is not None
    assert row.recommended_price is not None
    rule = SafetyRule.RECOMMENDED_AT_LEAST_PRICE
    return SafetyFinding(
        rule=rule,
        message=f"{row.item} ({currency_label(row.currency)}): recommendedPrice "
        f"{format_money(row.recommended_price)} is below the price {format_money(row.price)}",
        addresses=(row.item,),
        overridable=True,
        remedy=_remedy(rule, "raise the recommendedPrice or lower the price"),
        policy=PolicyDetail(
            currency=row.currency,
            field="recommendedPrice",
            values={"price": row.price, "recommendedPrice": row.recommended_price},
        ),
    )


def _change_finding(change: PriceChange, percent: Decimal, limit: float) -> SafetyFinding:
    assert change.before is not None
    assert change.after is not None
    rule = SafetyRule.MAX_PRICE_CHANGE_PERCENT
    return SafetyFinding(
        rule=rule,
        message=f"{change.item} ({currency_label(change.currency)}): {change.field} "
        f"{format_money(change.before)} -> {format_money(change.after)} ({percent:+.1f}%) "
        f"changes by more than {limit:g}%",
        addresses=(change.item,),
        overridable=True,
        remedy=_remedy(rule, "make the change in smaller steps"),
        policy=PolicyDetail(
            currency=change.currency,
            field=change.field,
            values={
                "before": change.before,
                "after": change.after,
                "change": _percent(percent),
                "limit": str(limit),
            },
        ),
    )
