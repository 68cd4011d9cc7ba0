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
import heapq
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
    # Ready and unblocked, waiting for the limit: a heap by position in ``nodes``, so a
    # wake-up costs what it starts, not a sort and a walk of everything queued.
    ready: list[tuple[int, str]] = []
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
            settled_now = False
            # A ready node's dependencies have all settled: whether they block it is known
            # once, now.
            for node in sorted(sorter.get_ready(), key=order.__getitem__):
                verdict = blocked(node)
                if verdict is None:
                    heapq.heappush(ready, (order[node], node))
                else:
                    settle(node, verdict)
                    settled_now = True
            if ready and (watch.requested or stopped):
                interrupted = watch.requested
                while ready:
                    node = heapq.heappop(ready)[1]
                    settle(node, Settled(NodeState.NOT_ATTEMPTED, interrupted=interrupted))
                settled_now = True
            while ready and len(running) < limit:
                node = heapq.heappop(ready)[1]
                running[asyncio.ensure_future(work(node))] = node
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
