"""Phase timings as stderr lines: ``timing: <phase> <seconds> s``, one per phase, in order."""

from __future__ import annotations

from catalog_sync.timings import Timings

__all__ = ["render_timings"]


def render_timings(timings: Timings) -> str:
    return "".join(f"timing: {p.phase} {p.seconds:.3f} s\n" for p in timings.phases)
