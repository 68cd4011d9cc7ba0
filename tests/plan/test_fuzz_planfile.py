"""Mutated saved plans (hypothesis, bounded): reading one ends in the plan as written or in a
PlanFileError naming the file, before any request, never a traceback."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_sync.errors import PlanFileError
from catalog_sync.plan.model import Plan
from catalog_sync.plan.planfile import plan_json, read_plan
from tests.apply.support import EXAMPLE, InProcess, plan_with


def _demo_plan() -> Plan:
    async def make() -> Plan:
        emulator = InProcess("demo")
        async with emulator.client() as client:
            return await plan_with(client, emulator.settings, EXAMPLE)

    return asyncio.run(make())


PLAN = _demo_plan()
TEXT = plan_json(PLAN)
DATA = json.loads(TEXT)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


PATHS = [path for path in _paths(DATA) if path]


def _read(content: bytes) -> Plan | PlanFileError:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "plan.json"
        path.write_bytes(content)
        try:
            return read_plan(path)
        except PlanFileError as error:
            refused = error
        assert str(path) in str(refused)
        return refused


def _set(data: Any, path: tuple[Any, ...], value: Any, *, delete: bool) -> None:
    for part in path[:-1]:
        data = data[part]
    if delete:
        del data[path[-1]]
    else:
        data[path[-1]] = value


@FUZZ
@given(path=st.sampled_from(PATHS), value=JSON_VALUES, delete=st.booleans())
def test_a_changed_value_is_refused(path: tuple[Any, ...], value: Any, delete: bool) -> None:
    data = json.loads(TEXT)
    _set(data, path, value, delete=delete)
    result = _read(json.dumps(data).encode())
    if isinstance(result, Plan):
        # Only an edit that changed nothing passes (the same value written again).
        assert plan_json(result) == TEXT


@FUZZ
@given(cut=st.integers(0, len(TEXT)), flips=st.lists(st.integers(0, len(TEXT) - 1), max_size=4))
def test_truncated_or_flipped_bytes_are_refused(cut: int, flips: list[int]) -> None:
    raw = bytearray(TEXT.encode()[:cut] if cut < len(TEXT) else TEXT.encode())
    for at in flips:
        if at < len(raw):
            raw[at] ^= 0x20
    result = _read(bytes(raw))
    if isinstance(result, Plan):
        assert plan_json(result) == TEXT


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_are_refused(content: bytes) -> None:
    assert isinstance(_read(content), PlanFileError)
