"""The text plan: Terraform-like, for terminals and logs."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from catalog_sync.graph import Address
from catalog_sync.plan.model import Action, Change, Origin, Plan
from catalog_sync.render.plan_values import (
    ACTION_SYMBOLS,
    ACTION_VERBS,
    describe_change,
    emulator_line,
    repeats_default,
    summary_line,
    unmanaged_status,
)
from catalog_sync.render.pricing import (
    classes_line,
    header_lines,
    item_names,
    origins_line,
    price_lines,
    top_label,
)
from catalog_sync.render.visible import visible_output

__all__ = ["render_text"]

_COLOURS = {"+": "32", "~": "33", "-": "31", "!": "1;31", "?": "36"}


@visible_output
def render_text(plan: Plan, *, colour: bool = False) -> str:
    def paint(symbol: str, text: str) -> str:
        return f"\x1b[{_COLOURS[symbol]}m{text}\x1b[0m" if colour else text

    lines = [
        f"Plan for {plan.catalog.path} against {plan.target.api_url} "
        f"(seller {plan.target.seller_id})",
    ]
    emulator = emulator_line(plan.target)
    if emulator:
        lines.append(paint("!", emulator))
    lines.append("")
    for line in header_lines(plan):
        lines += [line, ""]
    if plan.safety:
        lines.append(paint("!", "Safety findings (apply refuses this plan):"))
        for finding in plan.safety:
            lines.append(paint("!", f"  ! {finding.rule.value}: {finding.message}"))
            lines.extend(f"      {address}" for address in finding.addresses[:20])
            if len(finding.addresses) > 20:
                lines.append(f"      ... and {len(finding.addresses) - 20} more")
            lines.append(f"      to proceed: {finding.remedy}")
        lines.append("")
    if plan.exempted:
        lines.append("Exempted by policyExempt (apply does not refuse these):")
        lines.extend(f"  - {finding.rule.value}: {finding.message}" for finding in plan.exempted)
        lines.append("")
    origins = origins_line(plan)
    if origins:
        lines += [origins, ""]
    by_class = classes_line(plan)
    if by_class:
        lines += [by_class, ""]
    lines.extend(price_tables(plan))
    pre_existing = [c for c in plan.changes if c.origin is Origin.PRE_EXISTING]
    pending_prices = price_tables(plan, pre_existing=True)
    if pre_existing or pending_prices:
        what = f"{len(pre_existing)} change(s)" if pre_existing else "Some price changes"
        lines += [
            paint(
                "!",
                f"{what} marked (pre-existing) were already pending before this change (edits "
                "made in Cloudmore, or an earlier merge not applied yet): applying this plan "
                "makes them too.",
            ),
            "",
        ]
        lines.extend(pending_prices)

    names = item_names(plan)
    for change in plan.changes:
        lines.extend(_change_lines(change, paint, names))

    if plan.unmanaged:
        lines.append(
            paint("?", "Unmanaged: live objects the files do not describe")
            + ("" if plan.settings.prune else " (set `prune: true` to remove them)")
        )
        for entry in plan.unmanaged:
            below = f", {entry.descendants} products/addons below" if entry.descendants else ""
            status = unmanaged_status(entry)
            planned = f" -> {entry.action.value}" if entry.action else ""
            lines.append(paint("?", f"  ? {entry.address} (id {entry.id}{status}{below}){planned}"))
        lines.append("")

    lines.extend(rename_hint_lines(plan))
    lines.append(summary_line(plan))
    return "\n".join(lines) + "\n"


def rename_hint_lines(plan: Plan) -> list[str]:
    """Each create that looks like a rename, with the line that makes it one."""
    lines: list[str] = []
    for hint in plan.renames:
        fate = f"this plan will {hint.action.value} it" if hint.action else "it stays unmanaged"
        where = f" ({hint.source})" if hint.source is not None else ""
        lines += [
            f"This looks like a rename: {hint.address} is created and the live "
            f"{hint.old_address} (id {hint.old_id}) has nearly the same fields; {fate}.",
            f"  To rename the live one instead, add this line under {hint.address}{where}:",
            f"    {hint.line}",
            "",
        ]
    return lines


_HEADINGS = (
    "item",
    "name",
    "currency",
    "field",
    "old -> new",
    "change",
    "margin before -> after",
    "policy",
)


def price_tables(plan: Plan, *, pre_existing: bool = False) -> list[str]:
    """One aligned table per service of every money field the plan changes; with --baseline,
    the change's own, or (``pre_existing``) those already pending."""
    lines: list[str] = []
    heading = "Pre-existing prices" if pre_existing else "Prices"
    for service, priced in price_lines(plan, pre_existing=pre_existing):
        cells = [
            (
                line.item,
                line.name,
                line.currency,
                line.field,
                f"{line.before} -> {line.after}",
                line.percent,
                f"{line.margin_before} -> {line.margin_after}",
                f"! {', '.join(line.flags)}" if line.flags else "",
            )
            for line in priced
        ]
        # The policy column only where a row breaches one.
        count = len(_HEADINGS) if any(line.flags for line in priced) else len(_HEADINGS) - 1
        rows = [row[:count] for row in (_HEADINGS, *cells)]
        widths = [max(len(row[i]) for row in rows) for i in range(count)]
        lines.append(f"{heading}: {top_label(service)}")
        for row in rows:
            lines.append(
                "  "
                + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
        lines.append("")
    return lines


def _change_lines(
    change: Change, paint: Callable[[str, str], str], names: Mapping[Address, str]
) -> list[str]:
    symbol = ACTION_SYMBOLS[change.action]
    name = names.get(change.address)
    named = f" ({name})" if name else ""
    pending = " (pre-existing)" if change.origin is Origin.PRE_EXISTING else ""
    lines = [f"  # {change.address}{named} will be {ACTION_VERBS[change.action]}{pending}"]
    if change.action is Action.CREATE:
        shown = [f for f in change.field_changes if not repeats_default(f.after)]
    else:
        shown = list(change.field_changes)
    if not shown and change.action in (Action.DELETE, Action.DISABLE, Action.ENABLE):
        lines.append(paint(symbol, f"  {symbol} {change.action.value} (id {change.id})"))
    for field in shown:
        lines.append(paint(symbol, f"  {symbol} {describe_change(change, field)}"))
    lines.append("")
    return lines
