"""Running work in dependency order: parents before children, independent work concurrently.

Generic over node names (plan addresses): the scheduler knows only the dependency graph and
whether each piece of work succeeded. When work fails, everything that depends on it (directly
or not) is skipped and names that failure; independent work still runs. With ``fail_fast`` no
new work starts after the first failure; work already running finishes. An
:class:`~catalog_sync.apply.interrupt.Interruption` stops scheduling the same way, and its
second stage cancels the work running (those nodes settle ABANDONED).
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

from catalog_sync.apply.interrupt import Interruption, Stage
from catalog_sync.errors import ApplyError

__all__ = ["NodeState", "Settled", "run_in_order"]


class NodeState(enum.Enum):
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_ATTEMPTED = "not_attempted"
    ABANDONED = "abandoned"
    """Running when the interruption's second stage cancelled it: it may or may not have
    taken effect."""


@dataclass(frozen=True)
class Settled:
    state: NodeState
    blocked_by: str | None = None
    """For SKIPPED: the failed node at the root of the chain."""
    interrupted: bool = False
    """For NOT_ATTEMPTED: an interruption, not --fail-fast, stopped scheduling."""


Work = Callable[[str], Awaitable[bool]]
"""Runs one node; True when it succeeded. Raising is reserved for bugs: it aborts the run."""


async def run_in_order(
    nodes: Sequence[str],
    depends_on: Mapping[str, Sequence[str]],
    work: Work,
    *,
    limit: int,
    fail_fast: bool = False,
    on_settled: Callable[[str, Settled], None] | None = None,
    interruption: Interruption | None = None,
) -> dict[str, Settled]:
    """Run ``work`` for every node once its dependencies succeeded, at most ``limit`` at a
    time; ready nodes start in the order of ``nodes``. Dependencies outside ``nodes`` are
    ignored. ``on_settled`` hears about every node that is skipped, never attempted or
    abandoned."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    order = {node: index for index, node in enumerate(nodes)}
    needs = {node: [d for d in depends_on.get(node, ()) if d in order] for node in nodes}
    sorter: TopologicalSorter[str] = TopologicalSorter(needs)
    try:
        sorter.prepare()
    except CycleError as error:
        cycle = " -> ".join(str(node) for node in error.args[1])
        raise ApplyError(f"the plan's dependencies form a cycle: {cycle}") from None

    settled: dict[str, Settled] = {}
    running: dict[asyncio.Task[bool], str] = {}
    ready: list[str] = []
    unblocked: set[str] = set()
    stopped = False
    watch = interruption or Interruption()
    stop_waiter = asyncio.ensure_future(watch.stopping.wait())
    abandon_waiter = asyncio.ensure_future(watch.abandoning.wait())
    unrun = (NodeState.SKIPPED, NodeState.NOT_ATTEMPTED, NodeState.ABANDONED)

    def settle(node: str, result: Settled) -> None:
        settled[node] = result
        sorter.done(node)
        if on_settled is not None and result.state in unrun:
            on_settled(node, result)

    def blocked(node: str) -> Settled | None:
        for dependency in needs[node]:
            state = settled[dependency]
            if state.state is NodeState.FAILED:
                return Settled(NodeState.SKIPPED, dependency)
            if state.state is NodeState.SKIPPED:
                return Settled(NodeState.SKIPPED, state.blocked_by)
            if state.state is NodeState.NOT_ATTEMPTED:
                return Settled(NodeState.NOT_ATTEMPTED, interrupted=state.interrupted)
            if state.state is NodeState.ABANDONED:
                return Settled(NodeState.NOT_ATTEMPTED, interrupted=True)
        return None

    try:
        while sorter.is_active():
            ready.extend(sorter.get_ready())
            ready.sort(key=order.__getitem__)
            waiting: list[str] = []
            settled_now = False
            for node in ready:
                # A ready node's dependencies have all settled, so a node found unblocked once
                # stays so: checking only new ones keeps each wake-up from re-reading every
                # node queued behind the limit.
                verdict = None if node in unblocked else blocked(node)
                if verdict is None and watch.requested:
                    verdict = Settled(NodeState.NOT_ATTEMPTED, interrupted=True)
                elif verdict is None and stopped:
                    verdict = Settled(NodeState.NOT_ATTEMPTED)
                if verdict is not None:
                    settle(node, verdict)
                    settled_now = True
                elif len(running) < limit:
                    running[asyncio.ensure_future(work(node))] = node
                else:
                    waiting.append(node)
                    unblocked.add(node)
            ready = waiting
            if settled_now:
                continue  # settling may have made more nodes ready without any waiting
            if not running:
                raise AssertionError("nothing running and nothing ready in an acyclic graph")
            waiters = {stop_waiter} if watch.stage is Stage.RUNNING else {abandon_waiter}
            await asyncio.wait({*running, *waiters}, return_when=asyncio.FIRST_COMPLETED)
            if watch.abandoning.is_set():
                for task in running:
                    task.cancel()
                await asyncio.gather(*running, return_exceptions=True)
            # Finished, or cancelled above (or finished while the others were cancelled).
            for task in sorted((t for t in running if t.done()), key=lambda t: order[running[t]]):
                node = running.pop(task)
                if task.cancelled():
                    settle(node, Settled(NodeState.ABANDONED))
                    continue
                succeeded = task.result()
                if not succeeded and fail_fast:
                    stopped = True
                settle(node, Settled(NodeState.DONE if succeeded else NodeState.FAILED))
    finally:
        for task in (*running, stop_waiter, abandon_waiter):
            task.cancel()
        await asyncio.gather(*running, stop_waiter, abandon_waiter, return_exceptions=True)
    return settled
