"""The scheduler: dependency order, the concurrency bound, skips, fail-fast, cycles."""

from __future__ import annotations

import asyncio

import pytest

from catalog_sync.apply.scheduler import NodeState, Settled, run_in_order
from catalog_sync.errors import ApplyError


@pytest.mark.anyio
async def test_parents_run_before_children_and_ready_work_in_node_order() -> None:
    started: list[str] = []

    async def work(node: str) -> bool:
        started.append(node)
        return True

    deps = {"addon": ["product"], "product": ["service"], "publish": ["product", "service"]}
    settled = await run_in_order(
        ["broker", "service", "product", "addon", "publish"], deps, work, limit=1
    )
    assert started == ["broker", "service", "product", "addon", "publish"]
    assert {s.state for s in settled.values()} == {NodeState.DONE}


@pytest.mark.anyio
async def test_independent_work_runs_concurrently_up_to_the_limit() -> None:
    running = 0
    most = 0
    full = asyncio.Event()

    async def work(node: str) -> bool:
        nonlocal running, most
        running += 1
        most = max(most, running)
        if running == 3:
            full.set()
        await full.wait()  # holds each slot until the limit has been reached once
        running -= 1
        return True

    nodes = [f"n{i}" for i in range(10)]
    settled = await run_in_order(nodes, {}, work, limit=3)
    assert most == 3
    assert all(s.state is NodeState.DONE for s in settled.values())


@pytest.mark.anyio
async def test_a_failure_skips_its_dependents_naming_the_root_and_the_rest_runs() -> None:
    ran: list[str] = []
    heard: dict[str, Settled] = {}

    async def work(node: str) -> bool:
        ran.append(node)
        return node != "product"

    deps = {"addon": ["product"], "publish": ["addon"], "other": []}
    settled = await run_in_order(
        ["product", "addon", "publish", "other"],
        deps,
        work,
        limit=4,
        on_settled=heard.__setitem__,
    )
    assert ran == ["product", "other"]
    assert settled["product"] == Settled(NodeState.FAILED)
    assert settled["addon"] == Settled(NodeState.SKIPPED, "product")
    assert settled["publish"] == Settled(NodeState.SKIPPED, "product")
    assert settled["other"] == Settled(NodeState.DONE)
    assert set(heard) == {"addon", "publish"}


@pytest.mark.anyio
async def test_fail_fast_starts_nothing_new_but_lets_running_work_finish() -> None:
    b_started = asyncio.Event()
    release_b = asyncio.Event()
    ran: list[str] = []

    async def work(node: str) -> bool:
        ran.append(node)
        if node == "a":
            await b_started.wait()
            return False
        b_started.set()
        await release_b.wait()
        return True

    def heard(node: str, settled: Settled) -> None:
        # c is given up only after a failed; b is still running at that moment.
        assert settled.state is NodeState.NOT_ATTEMPTED
        release_b.set()

    settled = await run_in_order(
        ["a", "b", "c"], {}, work, limit=2, fail_fast=True, on_settled=heard
    )
    assert ran == ["a", "b"]
    assert settled == {
        "a": Settled(NodeState.FAILED),
        "b": Settled(NodeState.DONE),
        "c": Settled(NodeState.NOT_ATTEMPTED),
    }


@pytest.mark.anyio
async def test_without_fail_fast_everything_independent_runs_after_a_failure() -> None:
    async def work(node: str) -> bool:
        return node != "a"

    settled = await run_in_order(["a", "b", "c"], {}, work, limit=1)
    assert [settled[n].state for n in "abc"] == [NodeState.FAILED, NodeState.DONE, NodeState.DONE]


@pytest.mark.anyio
async def test_a_cycle_is_an_apply_error_naming_it() -> None:
    async def work(node: str) -> bool:
        raise AssertionError("nothing may run")

    with pytest.raises(ApplyError, match="cycle"):
        await run_in_order(["a", "b"], {"a": ["b"], "b": ["a"]}, work, limit=2)


@pytest.mark.anyio
async def test_dependencies_outside_the_nodes_are_ignored() -> None:
    async def work(node: str) -> bool:
        return True

    settled = await run_in_order(["a"], {"a": ["elsewhere"]}, work, limit=1)
    assert settled == {"a": Settled(NodeState.DONE)}


@pytest.mark.anyio
async def test_a_bug_in_work_propagates_and_cancels_the_rest() -> None:
    cancelled: list[str] = []
    waiting = asyncio.Event()

    async def work(node: str) -> bool:
        if node == "bug":
            await waiting.wait()
            raise RuntimeError("a bug")
        waiting.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(node)
            raise
        return True

    with pytest.raises(RuntimeError, match="a bug"):
        await run_in_order(["bug", "slow"], {}, work, limit=2)
    assert cancelled == ["slow"]


@pytest.mark.anyio
async def test_a_limit_below_one_is_refused() -> None:
    async def work(node: str) -> bool:
        return True

    with pytest.raises(ValueError, match="limit"):
        await run_in_order(["a"], {}, work, limit=0)
