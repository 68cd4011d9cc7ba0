"""``python -m bench``: run the benchmark cases of issue 12 and print Markdown tables.

    .venv/bin/pip install -q -e '.[bench]'
    .venv/bin/python -m bench                        # every case, the issue's sizes
    .venv/bin/python -m bench --cases plan,create --sizes 50   # a quick smoke run
    .venv/bin/python -m bench --cases create --sizes 1000 --latency-ms 0 --profile \
        --work-dir /tmp/prof                       # then read /tmp/prof/*/client.prof

See docs/benchmarks.md for what each column means and the latest results.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import sys
import tempfile
from pathlib import Path

import catalog_sync
from bench.cases import GROUPS, CaseFailedError, cases_for, run_case
from bench.table import PhaseRow, Row, render_phases, render_rows

__all__ = ["machine", "main"]


def _groups(text: str) -> tuple[str, ...]:
    groups = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown case group(s) {unknown}: use {GROUPS}")
    return groups


def _sizes(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run the benchmark cases of issue 12 and print Markdown tables.",
    )
    parser.add_argument(
        "--cases",
        type=_groups,
        default=GROUPS,
        help=f"comma-separated case groups (default: all of {','.join(GROUPS)})",
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=None,
        help="comma-separated sizes replacing every chosen group's defaults: a resource "
        "count (50, 500, 1000, 5000, 10000 are exact shapes) or SxPxA",
    )
    parser.add_argument("--latency-ms", type=int, default=25, help="emulator latency (default 25)")
    parser.add_argument("--parallelism", type=int, default=8, help="catalog-sync's (default 8)")
    parser.add_argument("--work-dir", type=Path, default=None, help="keep cases' files here")
    parser.add_argument("--markdown-out", type=Path, default=None, help="also write the tables")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run each client under cProfile, writing client.prof in its case's directory "
        "(for relative shares only: the profiler inflates the CPU column, and its clock is "
        "the wall's, so waits such as epoll's count too)",
    )
    return parser


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average at start {load}"
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    cases = cases_for(args.cases, args.sizes, args.parallelism)
    # The client as any install runs it, from bytecode: with PYTHONDONTWRITEBYTECODE set (as
    # in some sandboxes) an editable install would compile every module on each start, and
    # that start-up would count against the client (docs/benchmarks.md).
    compileall.compile_dir(Path(catalog_sync.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory(prefix="catalog-sync-bench-") as scratch:
        work = (args.work_dir or Path(scratch)).resolve()
        rows: list[Row] = []
        phases: list[PhaseRow] = []
        for case in cases:
            print(f"running {case.name} ...", file=sys.stderr, flush=True)
            try:
                result = run_case(case, work, args.latency_ms, profile=args.profile)
            except CaseFailedError as error:
                print(f"error: {error}", file=sys.stderr)
                return 1
            if isinstance(result, PhaseRow):
                phases.append(result)
            else:
                rows.append(result)
    out = [
        f"Machine: {machine()}.",
        f"Emulator latency set to {args.latency_ms} ms (0 ms for the phase cases).",
        "",
    ]
    if rows:
        out.append(render_rows(rows))
    if phases:
        out += [
            "Zero latency, time per phase (`CATALOG_SYNC_TIMINGS=1`):",
            "",
            render_phases(phases),
        ]
    text = "\n".join(out)
    print(text)
    if args.markdown_out is not None:
        args.markdown_out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
