"""The minimum request counts, critical-path depths and the wall-time lower bound."""

from __future__ import annotations

import pytest

from bench.bounds import (
    Minimum,
    change_minimum,
    create_minimum,
    lower_bound,
    plan_minimum,
    sequential_minimum,
)


def test_a_plan_reads_every_list_once_and_the_details_lists_leave_out() -> None:
    # The 10 x 10 x 9 catalog with the harness's 2 brokers: 1 token + 5 lookups +
    # brokers list + 2 broker details + services list (whole services: no read by id) + 10
    # products lists + 100 product details + 100 addons lists + the webhooks list (once, for
    # every service); token -> services -> products -> addons.
    assert plan_minimum(10, 100, 2) == Minimum(221, 4)
    assert plan_minimum(10, 100) == Minimum(219, 4)
    assert plan_minimum(0, 0) == Minimum(8, 2)
    assert plan_minimum(0, 0, 2) == Minimum(10, 3)
    assert plan_minimum(3, 0) == Minimum(12, 3)
    # The demo seed (1 broker, 5 services, 8 products): docs/contracts.md's 31.
    assert plan_minimum(5, 8, 1).requests == 31


def test_creates_onto_an_empty_seller() -> None:
    minimum = create_minimum(services=10, products=100, addons=900, brokers=2)
    # plan 8, the apply's token, check 2, writes 2 + 20 + 100 + 900, verify 2 lists + 2
    # broker details + 10 products lists + 100 product details + 100 addons lists
    assert minimum == Minimum(8 + 1 + 2 + 1022 + 214, 2 + 1 + 1 + 3 + 3, 1022)


def test_a_service_to_stay_unpublished_needs_no_publish_write() -> None:
    every = create_minimum(services=8, products=192, addons=4800, brokers=2)
    # The create-5000: 8 services cycle through the 6 publish modes; the sixth is
    # "none", which a new service already has.
    one_fewer = create_minimum(services=8, products=192, addons=4800, brokers=2, publishes=7)
    assert every.requests - one_fewer.requests == every.writes - one_fewer.writes == 1
    # What the emulator's request log shows the client sending (docs/benchmarks.md): a token
    # for the plan and one for the apply, 2 + 8 + 7 + 192 + 4800 writes and their reads.
    assert one_fewer.requests == 5416


def test_changes_under_existing_products() -> None:
    minimum = change_minimum(services=8, products=192, writes=480, parents=192, brokers=2)
    # plan 403 (its webhooks list included); the apply's token; check and verify each:
    # services list, 8 products lists, 192 addons lists
    assert minimum == Minimum(403 + 1 + 201 + 480 + 201, 4 + 1 + 3 + 1 + 3, 480)


def test_updates_re_read_each_object_right_before_its_write() -> None:
    reads = change_minimum(services=8, products=192, writes=480, parents=192, brokers=2)
    rereads = change_minimum(
        services=8, products=192, writes=480, parents=192, brokers=2, updates=True
    )
    # One GET per update, on its path right before the PUT (docs/contracts.md).
    assert rereads == reads + Minimum(480, 1)


def test_changes_read_only_the_services_above_their_parents() -> None:
    one = change_minimum(services=5, products=8, writes=1, parents=1, parent_services=1)
    assert one.requests - plan_minimum(5, 8).requests - one.writes == 1 + 2 * 3
    # Nothing to apply: no apply session, so no second token either.
    nothing = change_minimum(services=5, products=8, writes=0, parents=0)
    assert nothing == plan_minimum(5, 8)


def test_a_sequential_script_waits_for_every_request() -> None:
    assert sequential_minimum(writes=100, reads=5) == Minimum(105, 0, 100)
    assert lower_bound(0.025, sequential_minimum(100, 5), 1) == pytest.approx(0.025 * 105)


@pytest.mark.parametrize(
    ("parallelism", "expected"),
    [(1, 0.025 * (4 + 230)), (8, 0.025 * (4 + 29)), (200, 0.025 * (4 + 2))],
)
def test_the_lower_bound(parallelism: int, expected: float) -> None:
    assert lower_bound(0.025, Minimum(230, 4), parallelism) == pytest.approx(expected)
