"""Apply a plan: gate, re-read and check, run in dependency order with a journal, verify.

Nothing is written unless the safety gate passes and what the plan touches, re-read, is exactly
what the plan was made from. Then each change runs once its dependencies succeeded; a failed
change skips its dependents and everything independent still runs. Finally the objects the
applied changes wrote, and the parent lists of their creates, are re-read and each change is
checked against what it wrote. Neither read is of the whole catalog
(:mod:`catalog_sync.live.scope`, docs/benchmarks.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from catalog_sync.apply.gate import check_live_safety, check_safety
from catalog_sync.apply.interrupt import Interruption
from catalog_sync.apply.journal import JOURNAL_DIR, Journal
from catalog_sync.apply.listener import ApplyListener, Phase, SilentListener
from catalog_sync.apply.lock import target_lock
from catalog_sync.apply.operations import Operations
from catalog_sync.apply.report import ApplyReport, Mismatch, OperationResult, Outcome
from catalog_sync.apply.scheduler import NodeState, Settled, run_in_order
from catalog_sync.apply.staleness import check_fresh, target_problems
from catalog_sync.apply.verify import verify
from catalog_sync.cloudmore import ReadWriteClient
from catalog_sync.errors import ApiError, CatalogSyncError, StalePlanError
from catalog_sync.graph import Address
from catalog_sync.live.keyed import read_keyed, wanted_by_changes, with_listed
from catalog_sync.live.lookups import Lookups
from catalog_sync.live.reader import LiveCatalog, read_scoped
from catalog_sync.live.scope import scope_of, with_plan_lookups
from catalog_sync.plan.duplicates import refuse_duplicates
from catalog_sync.plan.model import Action, Change, Plan, SafetyFinding, Target

__all__ = ["NOT_THIS_PLAN", "ApplyOptions", "apply_plan", "nothing_applied"]

NOT_THIS_PLAN = (
    "the plan cannot be applied here: it was made for another target, tool version or catalog"
)


@dataclass(frozen=True)
class ApplyOptions:
    force: bool = False
    allow_reset: bool = False
    """Update objects whose live read lacks fields it would reset (docs/contracts.md,
    "Unreadable fields"); ``force`` does not."""
    fail_fast: bool = False
    parallelism: int = 8
    catalog_digest: str | None = None
    """The digest of the catalog files now; given when apply was pointed at a catalog."""
    journal_dir: Path = JOURNAL_DIR
    interruption: Interruption | None = None
    """Set by whoever owns Ctrl-C; see :mod:`catalog_sync.apply.interrupt`."""
    lock_dir: Path | None = None
    """Where the per-target lock lives; None: catalog_sync.apply.lock.lock_directory()."""


async def apply_plan(
    plan: Plan,
    client: ReadWriteClient,
    target: Target,
    options: ApplyOptions | None = None,
    listener: ApplyListener | None = None,
) -> ApplyReport:
    """Apply ``plan`` through ``client``. Raises SafetyError or StalePlanError (having written
    nothing), or an ApiError when the live catalog cannot be read before writing; every
    failure after the first write is in the report instead."""
    options = options or ApplyOptions()
    listener = listener or SilentListener()
    started_at = datetime.now(UTC)
    forced = check_safety(plan, force=options.force, allow_reset=options.allow_reset)
    if not plan.changes:
        return _report(plan, started_at, forced=forced)
    problems = target_problems(plan, target, options.catalog_digest)
    if problems:
        raise StalePlanError(problems, heading=NOT_THIS_PLAN)

    with target_lock(target, options.lock_dir):
        return await _locked(plan, client, target, options, listener, started_at)


async def _locked(
    plan: Plan,
    client: ReadWriteClient,
    target: Target,
    options: ApplyOptions,
    listener: ApplyListener,
    started_at: datetime,
) -> ApplyReport:
    """Everything from the re-read on runs under the target's lock, so what was checked is
    what is written over."""
    listener.phase(Phase.CHECKING, len(plan.changes))
    live = await _read_touched(client, plan.changes)
    refuse_duplicates(live.graph)
    check_fresh(plan, live, target, options.catalog_digest)
    forced = check_live_safety(
        plan, live.graph, force=options.force, allow_reset=options.allow_reset
    )

    journal = Journal.start(options.journal_dir, plan)
    try:
        listener.phase(Phase.APPLYING, len(plan.changes))
        operations = Operations(client, plan, live)
        results = await _run(plan, operations, journal, listener, options)
        ordered = tuple(results[c.address] for c in plan.changes if c.address in results)
        report = partial(
            _report, plan, started_at, results=ordered, journal=journal.path, forced=forced
        )
        if options.interruption is not None and options.interruption.requested:
            # Whoever pressed Ctrl-C wants out: verifying would mean another read.
            finished = report(interrupted=True)
        else:
            listener.phase(Phase.VERIFYING, len(plan.changes))
            lookups = with_plan_lookups(plan.lookups, live.lookups)
            finished = await _verified(plan, client, results, lookups, report, operations)
        journal.finish(finished)
        return finished
    finally:
        journal.close()


async def _run(
    plan: Plan,
    operations: Operations,
    journal: Journal,
    listener: ApplyListener,
    options: ApplyOptions,
) -> dict[str, OperationResult]:
    changes: dict[str, Change] = {change.address: change for change in plan.changes}
    results: dict[str, OperationResult] = {}

    def record(result: OperationResult) -> None:
        results[result.address] = result
        journal.result(result)
        listener.finished(result)

    async def work(address: str) -> bool:
        change = changes[address]
        await journal.started(change)
        listener.started(change)
        began = time.monotonic()
        try:
            object_id = await operations.perform(change)
        except CatalogSyncError as error:
            record(_result(change, Outcome.FAILED, reason=str(error), began=began))
            return False
        record(_result(change, Outcome.DONE, object_id=object_id, began=began))
        return True

    def unrun(address: str, settled: Settled) -> None:
        change = changes[address]
        if settled.state is NodeState.SKIPPED:
            reason = f"skipped because {settled.blocked_by} failed"
            record(_result(change, Outcome.SKIPPED, reason=reason, blocked_by=settled.blocked_by))
        elif settled.state is NodeState.ABANDONED:
            reason = (
                "abandoned in flight by a second Ctrl-C: Cloudmore may or may not have done it "
                "(plan again to see)"
            )
            record(_result(change, Outcome.FAILED, reason=reason))
        elif settled.interrupted:
            record(_result(change, Outcome.NOT_ATTEMPTED, reason="interrupted (Ctrl-C)"))
        else:
            reason = "--fail-fast stopped after the first failure"
            record(_result(change, Outcome.NOT_ATTEMPTED, reason=reason))

    await run_in_order(
        list(changes),
        {address: change.depends_on for address, change in changes.items()},
        work,
        limit=options.parallelism,
        fail_fast=options.fail_fast,
        on_settled=unrun,
        interruption=options.interruption,
    )
    return results


def _result(
    change: Change,
    outcome: Outcome,
    *,
    object_id: str | None = None,
    reason: str | None = None,
    blocked_by: str | None = None,
    began: float | None = None,
) -> OperationResult:
    return OperationResult(
        address=change.address,
        kind=change.kind,
        action=change.action,
        outcome=outcome,
        id=object_id if object_id is not None else change.id,
        reason=reason,
        blocked_by=blocked_by,
        seconds=round(time.monotonic() - began, 3) if began is not None else None,
    )


async def _verified(
    plan: Plan,
    client: ReadWriteClient,
    results: Mapping[str, OperationResult],
    lookups: Lookups,
    report: Callable[..., ApplyReport],
    operations: Operations,
) -> ApplyReport:
    """``report`` with what re-reading the objects the done changes wrote found."""
    done = [
        c
        for c in plan.changes
        if (r := results.get(c.address)) is not None and r.outcome is Outcome.DONE
    ]
    if not done:
        return report()
    made = {
        c.address: r.id
        for c in done
        if (r := results[c.address]).id is not None and c.action is Action.CREATE
    }
    try:
        live = await _read_touched(client, done, made, lookups)
    except ApiError as error:
        return report(verify_error=f"cannot re-read the live catalog to verify: {error}")
    mismatches = verify(plan.changes, results, live, operations.unchanged)
    return report(verified=True, mismatches=mismatches)


async def _read_touched(
    client: ReadWriteClient,
    changes: Sequence[Change],
    made: Mapping[Address, str] | None = None,
    lookups: Lookups | None = None,
) -> LiveCatalog:
    """The live objects ``changes`` touch and the parent lists of their creates, not the
    whole catalog (:mod:`catalog_sync.live.scope`); after the writes (``made``: the ids
    of the objects created, ``lookups``: the tables known), the objects as written."""
    live = with_listed(await read_scoped(client, scope_of(changes, made), lookups))
    return await read_keyed(client, live, wanted_by_changes(changes, live.graph))


def nothing_applied(plan: Plan) -> ApplyReport:
    """The report of applying a plan without changes: nothing was done."""
    return _report(plan, datetime.now(UTC))


def _report(
    plan: Plan,
    started_at: datetime,
    *,
    results: tuple[OperationResult, ...] = (),
    journal: Path | None = None,
    forced: tuple[SafetyFinding, ...] = (),
    verified: bool = False,
    verify_error: str | None = None,
    mismatches: tuple[Mismatch, ...] = (),
    interrupted: bool = False,
) -> ApplyReport:
    return ApplyReport(
        target=plan.target,
        catalog=plan.catalog,
        started_at=started_at,
        finished_at=datetime.now(UTC),
        results=results,
        verified=verified,
        verify_error=verify_error,
        mismatches=mismatches,
        forced=tuple(dict.fromkeys(f.rule.value for f in forced if f.overridable)),
        lifted=tuple(f"{f.rule.value}: {f.message}" for f in forced if f.overridable),
        journal=journal.as_posix() if journal is not None else None,
        interrupted=interrupted,
    )
