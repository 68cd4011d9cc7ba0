"""Phase timings: recorded only inside recording(), in order, across asyncio tasks."""

from __future__ import annotations

import asyncio

from catalog_sync.render.timings import render_timings
from catalog_sync.timings import PhaseTime, Timings, recording, timed


def test_phases_are_recorded_in_order_including_inside_asyncio_run() -> None:
    async def work() -> None:
        with timed("inner"):
            await asyncio.sleep(0)

    with recording() as timings:
        with timed("first"):
            pass
        asyncio.run(work())
    assert [p.phase for p in timings.timings().phases] == ["first", "inner"]
    assert all(p.seconds >= 0 for p in timings.timings().phases)


def test_outside_a_recording_or_with_it_disabled_nothing_is_kept() -> None:
    with timed("nowhere"):
        pass
    with recording(enabled=False) as timings, timed("off"):
        pass
    assert timings.timings() == Timings()


def test_a_phase_that_raises_is_still_timed() -> None:
    with recording() as timings:
        try:
            with timed("failing"):
                raise ValueError("boom")
        except ValueError:
            pass
    assert [p.phase for p in timings.timings().phases] == ["failing"]


def test_rendering() -> None:
    rendered = render_timings(Timings((PhaseTime("load files", 0.1234), PhaseTime("diff", 2.0))))
    assert rendered == "timing: load files 0.123 s\ntiming: diff 2.000 s\n"
