"""The harness's Markdown tables, against golden files."""

from __future__ import annotations

from bench.table import PhaseRow, Row, render_phases, render_rows
from tests.golden import assert_golden

ROWS = [
    Row("plan-5000", "8x24x25", 5000, 8, 207, 207, 2.5, 0.78, 2.1, 120.0, 0.4, 26.2),
    Row("create-500 script", "5x9x10", 500, 1, 517, 517, 14.0, 13.5, None, None, 1.2, 26.0),
]
PHASES = [
    PhaseRow("phases-1000", 1000, {"load files": 0.8, "read live": 0.3, "diff": 0.1}, 1.9, 1.7, 90),
    PhaseRow("phases-10000", 10000, {"load files": 8.1, "render": 0.02}, 12.0, 11.5, 310),
]


def test_the_case_table() -> None:
    assert_golden("bench_cases.md", render_rows(ROWS))


def test_the_phase_table_has_a_column_for_every_phase_seen() -> None:
    assert_golden("bench_phases.md", render_phases(PHASES))
