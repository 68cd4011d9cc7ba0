"""The apply report for people, and the notice about an apply that did not finish."""

from __future__ import annotations

from collections.abc import Callable

from catalog_sync.apply.journal import PreviousRun
from catalog_sync.apply.report import ApplyReport, MismatchCause, OperationResult, Outcome
from catalog_sync.plan.model import Action
from catalog_sync.render.plan_values import (
    ACTION_SYMBOLS,
    ACTION_VERBS,
    emulator_line,
    format_value,
)
from catalog_sync.render.visible import visible_output

__all__ = [
    "HEADINGS",
    "JOURNAL_COMMAND",
    "counts_text",
    "not_attempted_line",
    "render_previous_notice",
    "render_previous_run",
    "render_report",
    "result_line",
]

JOURNAL_COMMAND = "catalog-sync journal"
"""The command that shows a journal (catalog_sync/cli/journal_cmds.py)."""

_COLOURS = {"done": "32", "failed": "1;31", "skipped": "33", "not_attempted": "33", "ok": "32"}
HEADINGS = {
    Outcome.DONE: "Done:",
    Outcome.FAILED: "Failed:",
    Outcome.SKIPPED: "Skipped (a change they depend on failed):",
    Outcome.NOT_ATTEMPTED: "Not attempted (--fail-fast stopped after the first failure):",
}

CAUSES: dict[MismatchCause | None, str] = {
    MismatchCause.NOT_WRITTEN: " (not set by the write: it holds what it held before)",
    MismatchCause.CHANGED_AFTER: (
        " (neither what was written nor what was there before: changed by someone else "
        "after the write, or stored otherwise than sent)"
    ),
}
"""What a difference's cause adds to its line (catalog_sync/apply/verify.py)."""


@visible_output
def render_report(report: ApplyReport, *, colour: bool = False) -> str:
    def paint(key: str, text: str) -> str:
        return f"\x1b[{_COLOURS[key]}m{text}\x1b[0m" if colour else text

    counts = report.counts
    lines = [
        f"Apply to {report.target.api_url} (seller {report.target.seller_id}) from "
        f"{report.catalog.path}: " + counts_text(counts) + ".",
    ]
    emulator = emulator_line(report.target)
    if emulator:
        lines.append(emulator)
    if report.forced:
        lines.append(f"--force lifted the safety rules: {', '.join(report.forced)}.")
        lines.extend(f"  lifted {finding}" for finding in report.lifted)
    if report.interrupted:
        lines.append(
            paint(
                "failed",
                "Interrupted (Ctrl-C): no change was started after it, and nothing was verified.",
            )
        )
    for outcome in Outcome:
        chosen = [r for r in report.results if r.outcome is outcome]
        if not chosen:
            continue
        if outcome is Outcome.NOT_ATTEMPTED:
            # An interrupted run of thousands of changes would list nearly all of them here:
            # the count says what matters, and the journal lists them (docs/diagnostics.md).
            lines.extend(["", paint(outcome.value, not_attempted_line(report, len(chosen)))])
            continue
        lines.extend(["", paint(outcome.value, HEADINGS[outcome])])
        lines.extend(result_line(result) for result in chosen)

    lines.append("")
    if report.verify_error is not None:
        lines.append(paint("failed", f"Verification could not run: {report.verify_error}"))
    elif report.mismatches:
        lines.append(
            paint(
                "failed",
                f"Verification found {len(report.mismatches)} difference(s) between what was "
                "written and what Cloudmore now returns:",
            )
        )
        for mismatch in report.mismatches:
            kind = mismatch.address.kind
            expected = format_value(kind, mismatch.field, mismatch.expected)
            actual = (
                "unreadable (the re-read lacks it: the write may have been ignored)"
                if mismatch.unreadable
                else format_value(kind, mismatch.field, mismatch.actual)
            )
            lines.append(
                f"  ! {mismatch.address} {mismatch.field}: expected {expected}, live {actual}"
                + CAUSES.get(mismatch.cause, "")
            )
    elif report.verified:
        lines.append("Verification: every applied change reads back as planned.")

    if report.journal is not None:
        lines.append(f"Journal: {report.journal}")
    if report.ok:
        lines.append(paint("ok", "Apply complete: the live catalog matches the plan."))
    else:
        lines.append(
            paint(
                "failed",
                "Apply incomplete: plan again to see what is left, fix the cause, and apply.",
            )
        )
    return "\n".join(lines) + "\n"


def not_attempted_line(
    report: ApplyReport, count: int, code: Callable[[str], str] = lambda text: f"`{text}`"
) -> str:
    """The changes never started, counted, and the command that lists them: one line.
    ``code`` quotes the command (Markdown escapes it its own way)."""
    why = (
        "interrupted by Ctrl-C"
        if report.interrupted
        else "--fail-fast stopped after the first failure"
    )
    command = f"{JOURNAL_COMMAND} {report.journal}"
    where = f"; {code(command)} lists them" if report.journal is not None else ""
    return f"Not attempted ({why}): {count} change(s){where}."


def counts_text(counts: dict[Outcome, int]) -> str:
    return ", ".join(f"{counts[o]} {o.value.replace('_', ' ')}" for o in Outcome)


@visible_output
def result_line(result: OperationResult) -> str:
    verb = ACTION_VERBS[result.action]
    symbol = ACTION_SYMBOLS[result.action]
    if result.outcome is Outcome.DONE:
        created = f" (id {result.id})" if result.action is Action.CREATE and result.id else ""
        return f"  {symbol} {result.address} {verb}{created}"
    if result.outcome is Outcome.FAILED:
        return f"  ! {result.address} not {verb}: {result.reason}"
    if result.outcome is Outcome.SKIPPED:
        return f"  . {result.address} not {verb}: skipped because {result.blocked_by} failed"
    return f"  . {result.address} not {verb}: not attempted"


@visible_output
def render_previous_notice(previous: PreviousRun) -> str:
    """One line for the next apply: that the last run against this target did not complete,
    and the command that shows its journal."""
    how = "was interrupted" if previous.finished else "did not finish"
    done = sum(1 for e in previous.results if e.outcome == Outcome.DONE.value)
    failed = sum(1 for e in previous.results if e.outcome == Outcome.FAILED.value)
    counts = f"{done} done, {failed} failed, {len(previous.in_flight)} in flight"
    return (
        f"warning: the previous apply {how} ({counts}); "
        f"`{JOURNAL_COMMAND} {previous.path.as_posix()}` shows what it did\n"
    )


_UNRUN = {
    Outcome.SKIPPED: "were skipped (a change they depend on failed)",
    Outcome.NOT_ATTEMPTED: "were not attempted",
}


@visible_output
def render_previous_run(previous: PreviousRun) -> str:
    """What an apply did by its journal: above all one that did not finish, and what it had
    in flight."""
    started = f", started {previous.started_at}" if previous.started_at else ""
    if not previous.finished:
        how = "warning: the previous apply did not finish"
    elif previous.interrupted:
        how = "warning: the apply was interrupted (Ctrl-C)"
    else:
        how = "the apply finished"
    lines = [
        f"{how} (journal {previous.path.as_posix()}{started}).",
    ]
    done = [e for e in previous.results if e.outcome == Outcome.DONE.value]
    failed = [e for e in previous.results if e.outcome == Outcome.FAILED.value]
    lines.append(f"  It completed {len(done)} operation(s):")
    lines.extend(
        f"    {entry.action} {entry.address}" + (f" (id {entry.id})" if entry.id else "")
        for entry in done
    )
    if failed:
        lines.append(f"  {len(failed)} operation(s) failed:")
        lines.extend(f"    {e.action} {e.address}: {e.reason}" for e in failed)
    for outcome, heading in _UNRUN.items():
        unrun = [e for e in previous.results if e.outcome == outcome.value]
        if unrun:
            lines.append(f"  {len(unrun)} operation(s) {heading}:")
            lines.extend(f"    {e.action} {e.address}" for e in unrun)
    if previous.in_flight:
        lines.append(
            f"  {len(previous.in_flight)} operation(s) were in flight when it stopped "
            "(Cloudmore may or may not have done them):"
        )
        lines.extend(f"    {entry.action} {entry.address}" for entry in previous.in_flight)
    else:
        lines.append("  Nothing was in flight when it stopped.")
    lines.append(
        "  Planning again reads what that run left behind; a plan saved before it is stale "
        "and apply will refuse it."
    )
    return "\n".join(lines) + "\n"
