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


def test_a_plan_reads_every_list_once() -> None:
    # The 10 x 10 x 9 catalog: 117 requests, token -> services -> products -> addons.
    assert plan_minimum(10, 100) == Minimum(117, 4)
    assert plan_minimum(0, 0) == Minimum(7, 2)
    assert plan_minimum(3, 0) == Minimum(10, 3)


def test_creates_onto_an_empty_seller() -> None:
    minimum = create_minimum(services=10, products=100, addons=900, brokers=2)
    # plan 7, check 2, writes 2 + 20 + 100 + 900, verify 2 + 10 + 100
    assert minimum == Minimum(7 + 2 + 1022 + 112, 2 + 1 + 3 + 3, 1022)


def test_changes_under_existing_products() -> None:
    minimum = change_minimum(services=8, products=192, writes=480, parents=192)
    assert minimum == Minimum(207 + 192 + 480 + 192, 4 + 1 + 1 + 1, 480)


def test_a_sequential_script_waits_for_every_request() -> None:
    assert sequential_minimum(writes=100, reads=5) == Minimum(105, 0, 100)
    assert lower_bound(0.025, sequential_minimum(100, 5), 1) == pytest.approx(0.025 * 105)


@pytest.mark.parametrize(
    ("parallelism", "expected"),
    [(1, 0.025 * (4 + 117)), (8, 0.025 * (4 + 15)), (200, 0.025 * (4 + 1))],
)
def test_the_lower_bound(parallelism: int, expected: float) -> None:
    assert lower_bound(0.025, Minimum(117, 4), parallelism) == pytest.approx(expected)
