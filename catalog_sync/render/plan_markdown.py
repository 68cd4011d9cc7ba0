"""The Markdown plan, for a pull-request comment: summary table, then one section a service.

All user text is escaped, and the comment stays under GitHub's limit: sections that do not
fit are left out with a note that the JSON plan has everything.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

from catalog_sync.graph import Address, Kind
from catalog_sync.plan.model import Action, Change, Origin, Plan, Target
from catalog_sync.render.plan_values import (
    ACTION_VERBS,
    describe_change,
    emulator_line,
    repeats_default,
    summary_line,
    unmanaged_status,
)
from catalog_sync.render.pricing import (
    class_table,
    header_lines,
    item_names,
    origins_line,
    price_lines,
    top_label,
)
from catalog_sync.render.visible import visible_output

__all__ = [
    "MAX_MARKDOWN_CHARS",
    "cell_code_span",
    "code_span",
    "comment_marker",
    "emulator_note",
    "escape_markdown",
    "inline_markdown",
    "render_markdown",
]

MAX_MARKDOWN_CHARS = 60_000
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


# Every line break Python's splitlines() knows: a name holding one must not start a line of
# its own (a line starting "::error" is a workflow command when the output reaches a log).
_LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")


def _one_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text)


def escape_markdown(text: str) -> str:
    """Text that Markdown and the HTML GitHub allows in comments both show literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(_one_line(text), quote=False))


def comment_marker(catalog_path: str) -> str:
    """The hidden line a workflow finds its one pull-request comment by (one per catalog)."""
    return f"<!-- catalog-sync plan: {html.escape(catalog_path).replace('--', '- -')} -->"


@visible_output
def render_markdown(
    plan: Plan, *, limit: int = MAX_MARKDOWN_CHARS, commit: str | None = None
) -> str:
    """``commit`` (GITHUB_SHA in a workflow) is named in the header when given."""
    s = plan.summary
    made_from = f"Catalog `{code_span(plan.catalog.path)}`"
    if commit:
        made_from += f" at commit `{code_span(commit)}`"
    head = [
        comment_marker(plan.catalog.path),
        "## catalog-sync plan",
        "",
        f"{made_from}, against `{code_span(plan.target.api_url)}` "
        f"(seller `{code_span(plan.target.seller_id)}`).",
        "",
        *emulator_note(plan.target),
        *_origins(plan),
        *_class_summary(plan),
        escape_markdown(summary_line(plan)),
        "",
        "| create | update | enable | publish | delete | disable | unmanaged |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {s.create} | {s.update} | {s.enable} | {s.publish} | {s.delete} | {s.disable} "
        f"| {s.unmanaged} |",
        "",
    ]
    if plan.safety:
        head += ["> [!CAUTION]", "> **Safety findings: apply refuses this plan.**"]
        for finding in plan.safety:
            head.append(
                f"> - **{finding.rule.value}**: {escape_markdown(finding.message)}. "
                f"To proceed: {inline_markdown(finding.remedy)}"
            )
        head.append("")
    if plan.exempted:
        head.append("> [!NOTE]")
        head.append("> **Exempted by policyExempt** (apply does not refuse these):")
        for finding in plan.exempted:
            head.append(f"> - **{finding.rule.value}**: {escape_markdown(finding.message)}")
        head.append("")
    for hint in plan.renames:
        fate = f"this plan will {hint.action.value} it" if hint.action else "it stays unmanaged"
        head += [
            "> [!WARNING]",
            f"> **This looks like a rename**: `{code_span(hint.address)}` is created and the "
            f"live `{code_span(hint.old_address)}` has nearly the same fields; {fate}. To "
            f"rename the live one instead, add `{code_span(hint.line)}` under "
            f"`{code_span(hint.address)}`.",
            "",
        ]
    for line in header_lines(plan):
        head += [f"_{escape_markdown(line)}_", ""]

    names = item_names(plan)
    introduced = [c for c in plan.changes if c.origin is not Origin.PRE_EXISTING]
    # Prices first, content folded below them; both count against the comment's limit.
    sections = price_tables(plan)
    sections += [_section(title, changes, names) for title, changes in _groups(introduced)]
    pre_existing = [c for c in plan.changes if c.origin is Origin.PRE_EXISTING]
    pending_prices = price_tables(plan, pre_existing=True)
    if pre_existing or pending_prices:
        sections.append(_pre_existing(pre_existing, pending_prices, names))
    if plan.unmanaged:
        rows = [
            f"- `{code_span(entry.address)}` (id `{entry.id}`{unmanaged_status(entry)})"
            f"{' → ' + entry.action.value if entry.action else ''}"
            for entry in plan.unmanaged
        ]
        sections.append(_details(f"Unmanaged objects ({len(plan.unmanaged)})", "\n".join(rows)))

    out = "\n".join(head)
    note = (
        "\n_{count} more section(s) left out to stay under {limit} characters: "
        "the JSON plan (`--format json`) has every change._\n"
    )
    for index, section in enumerate(sections):
        budget = limit - len(note.format(count=len(sections), limit=limit)) - 1
        if len(out) + len(section) + 1 > budget:
            out += note.format(count=len(sections) - index, limit=limit)
            break
        out += "\n" + section
    return out


def emulator_note(target: Target) -> list[str]:
    """A note block under the header when the built-in emulator stood in for Cloudmore."""
    line = emulator_line(target)
    return ["> [!NOTE]", f"> **{escape_markdown(line)}**", ""] if line else []


def _origins(plan: Plan) -> list[str]:
    line = origins_line(plan)
    return [escape_markdown(line), ""] if line else []


def _class_summary(plan: Plan) -> list[str]:
    """Changes by class and by service: what a reviewer (or finance) looks at first."""
    columns, rows = class_table(plan)
    if not columns:
        return []
    lines = [
        "| | " + " | ".join(c.value for c in columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for label, counts in rows:
        lines.append(f"| {escape_markdown(label)} | " + " | ".join(map(str, counts)) + " |")
    totals = [sum(counts[i] for _, counts in rows) for i in range(len(columns))]
    lines.append("| **total** | " + " | ".join(f"**{n}**" for n in totals) + " |")
    return [*lines, ""]


def price_tables(plan: Plan, *, pre_existing: bool = False) -> list[str]:
    """One table per service of every money field the plan changes (docs/policies.md); with
    --baseline, the pull request's own, or (``pre_existing``) those already pending."""
    tables: list[str] = []
    heading = "#### Pre-existing prices" if pre_existing else "### Prices"
    for service, priced in price_lines(plan, pre_existing=pre_existing):
        flagged = any(line.flags for line in priced)
        policy = (" policy |", "---|") if flagged else ("", "")
        lines = [
            f"{heading}: {escape_markdown(top_label(service))}",
            "",
            "| item | name | currency | field | old → new | change | margin before → after |"
            + policy[0],
            "|---|---|---|---|---:|---:|---:|" + policy[1],
        ]
        for line in priced:
            flags = ", ".join(line.flags)
            lines.append(
                f"| `{cell_code_span(line.item)}` | {escape_markdown(line.name)} "
                f"| {escape_markdown(line.currency)} | {line.field} "
                f"| {line.before} → {line.after} | {line.percent} "
                f"| {line.margin_before} → {line.margin_after} |"
                + (f" {'**⚠ ' + flags + '**' if flags else ''} |" if flagged else "")
            )
        tables.append("\n".join(lines) + "\n")
    return tables


def inline_markdown(text: str) -> str:
    """Text whose `backticked` parts are code, as catalog-sync writes its remedies: each such
    part becomes a code span (literal inside), the rest is escaped, so a caution block shows
    code instead of literal backticks."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick is text
        return escape_markdown(text)
    return "".join(
        f"`{code_span(part)}`" if index % 2 else escape_markdown(part)
        for index, part in enumerate(parts)
    )


def cell_code_span(text: str) -> str:
    """A code span inside a table cell: GitHub ends the cell at an unescaped pipe even there."""
    return code_span(text).replace("|", "\\|")


def _groups(changes: Iterable[Change]) -> list[tuple[str, list[Change]]]:
    groups: dict[str, list[Change]] = {}
    for change in changes:
        top = change.address.top
        title = "Brokers" if top.kind is Kind.BROKER else f"Service {top.key}"
        groups.setdefault(title, []).append(change)
    return list(groups.items())


def _pre_existing(changes: list[Change], prices: list[str], names: Mapping[Address, str]) -> str:
    """What was already pending before the pull request: a warning, its price tables (the
    finance view of it, apart from the pull request's own) and the changes folded."""
    what = f"{len(changes)} change(s)" if changes else "Some price changes"
    warning = (
        f"> [!WARNING]\n> {what} were already pending before this pull "
        "request (edits made in Cloudmore, or an earlier merge not applied yet): applying "
        "this plan makes them too.\n\n"
    )
    tables = "\n".join(prices) + "\n" if prices else ""
    if not changes:
        return warning + tables
    body = "\n".join(_change_lines(changes, names))
    return warning + tables + _details(f"Pre-existing changes ({len(changes)})", body)


def _section(title: str, changes: list[Change], names: Mapping[Address, str]) -> str:
    body = _change_lines(changes, names)
    verbs = sorted({ACTION_VERBS[c.action] for c in changes})
    return _details(f"{title}: {len(changes)} change(s), {', '.join(verbs)}", "\n".join(body))


def _change_lines(changes: list[Change], names: Mapping[Address, str]) -> list[str]:
    body: list[str] = []
    for change in changes:
        name = names.get(change.address)
        named = f" ({escape_markdown(name)})" if name else ""
        body.append(f"**{change.action.value}** `{code_span(change.address)}`{named}")
        body.extend(
            f"- `{code_span(describe_change(change, field))}`"
            for field in change.field_changes
            if not (change.action is Action.CREATE and repeats_default(field.after))
        )
        body.append("")
    return body


def _details(summary: str, body: str) -> str:
    return f"<details><summary>{html.escape(_one_line(summary))}</summary>\n\n{body}\n</details>\n"


def code_span(text: str) -> str:
    """Text inside a code span, where Markdown and HTML are literal (entities too): only a
    backtick could end the span early, and it cannot be escaped there, so it is replaced."""
    return _one_line(text.replace("`", "ʼ"))
