"""The Markdown tables the harness prints: one row per case, and phase timings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["PhaseRow", "Row", "render_phases", "render_rows"]


@dataclass(frozen=True)
class Row:
    case: str
    shape: str
    resources: int
    parallelism: int
    requests: int
    minimum: int
    wall_seconds: float
    bound_seconds: float
    client_cpu_seconds: float | None
    peak_mb: float | None
    emulator_cpu_seconds: float
    latency_ms: float
    """L, measured against the same emulator just before the case ran."""


@dataclass(frozen=True)
class PhaseRow:
    case: str
    resources: int
    phases: dict[str, float]
    wall_seconds: float
    client_cpu_seconds: float
    peak_mb: float


def _ratio(value: float, bound: float) -> str:
    return f"{value / bound:.1f}×" if bound > 0 else "n/a"


def _opt(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


def render_rows(rows: Sequence[Row]) -> str:
    lines = [
        "| case | S×P×A | resources | parallelism | requests (min) | L ms | wall s "
        "| lower bound s | wall / bound | client CPU s | peak MB | emulator CPU s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.case} | {r.shape} | {r.resources:,} | {r.parallelism} | "
            f"{r.requests:,} ({r.minimum:,}) | {r.latency_ms:.1f} | {r.wall_seconds:.2f} | "
            f"{r.bound_seconds:.2f} | "
            f"{_ratio(r.wall_seconds, r.bound_seconds)} | {_opt(r.client_cpu_seconds, '.2f')} | "
            f"{_opt(r.peak_mb, '.0f')} | {r.emulator_cpu_seconds:.2f} |"
        )
    return "\n".join(lines) + "\n"


def render_phases(rows: Sequence[PhaseRow]) -> str:
    names: list[str] = []
    for row in rows:
        names += [name for name in row.phases if name not in names]
    lines = [
        "| case | resources | "
        + " | ".join(f"{n} s" for n in names)
        + " | wall s | client CPU s | peak MB |",
        "|---|---:|" + "---:|" * (len(names) + 3),
    ]
    for row in rows:
        cells = " | ".join(f"{row.phases[n]:.3f}" if n in row.phases else "" for n in names)
        lines.append(
            f"| {row.case} | {row.resources:,} | {cells} | {row.wall_seconds:.2f} | "
            f"{row.client_cpu_seconds:.2f} | {row.peak_mb:.0f} |"
        )
    return "\n".join(lines) + "\n"
