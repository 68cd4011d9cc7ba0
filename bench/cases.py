"""The cases of issue 12 and how one is run: seed, serve, run the client, measure."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.bounds import (
    Minimum,
    change_minimum,
    create_minimum,
    lower_bound,
    plan_minimum,
    sequential_minimum,
)
from bench.broker import broker_minimum, broker_shape, write_broker_case
from bench.catalog import GeneratedCatalog, Shape, generate, prune_shape, shape_for, write_catalog
from bench.procs import EmulatorProcess, api_env, run_client
from bench.seed import seed_state
from bench.sequential import updated_catalog
from bench.table import PhaseRow, Row
from catalog_sync.emulator import DEMO

__all__ = ["DEFAULT_SIZES", "GROUPS", "Case", "CaseFailedError", "cases_for", "run_case"]

GROUPS = ("plan", "create", "update", "prune", "phases", "broker")
DEFAULT_SIZES: dict[str, tuple[str, ...]] = {
    "plan": ("50", "500", "5000"),
    "create": ("500", "5000"),
    "update": ("5000",),
    "prune": ("1000",),
    "phases": ("1000", "10000"),
    "broker": ("1000",),  # organizations; a fifth of them priced on 3 services (bench/broker.py)
}
_TIMING_PREFIX = "timing: "
_REPOSITORY = Path(__file__).resolve().parent.parent


class CaseFailedError(RuntimeError):
    """A case's client did not do what the case needs (its output is in the work directory)."""


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    size: str
    client: str  # "catalog-sync" or "script"
    parallelism: int

    @property
    def shape(self) -> Shape:
        """The live shape (for a prune, the addons are what it removes)."""
        return prune_shape(self.size) if self.group == "prune" else shape_for(self.size)


def cases_for(
    groups: tuple[str, ...], sizes: tuple[str, ...] | None, parallelism: int
) -> list[Case]:
    """Every case of the chosen groups; ``sizes`` replaces each group's default sizes."""
    found = []
    for group in groups:
        for size in sizes or DEFAULT_SIZES[group]:
            found.append(Case(f"{group}-{size}", group, size, "catalog-sync", parallelism))
            if group in ("create", "update"):
                found.append(Case(f"{group}-{size} p1", group, size, "catalog-sync", 1))
                found.append(Case(f"{group}-{size} script", group, size, "script", 1))
    return found


@dataclass(frozen=True)
class _Setup:
    files: GeneratedCatalog
    live: GeneratedCatalog | None
    minimum: Minimum
    command: tuple[str, ...]
    expected_returncode: int = 0


def _updated_parents(base: GeneratedCatalog, changed: GeneratedCatalog) -> tuple[int, int, int]:
    """Updated addons, the products holding them, and the services holding those."""
    updates, parents, services = 0, 0, 0
    for old_s, new_s in zip(base.services, changed.services, strict=True):
        before = parents
        for old_p, new_p in zip(old_s.products, new_s.products, strict=True):
            count = sum(a != b for a, b in zip(old_p.addons, new_p.addons, strict=True))
            updates += count
            parents += count > 0
        services += parents > before
    return updates, parents, services


def _setup(case: Case, catalog_dir: Path, url_placeholder: str) -> _Setup:
    shape = case.shape
    s, p = shape.services, shape.services * shape.products
    a = p * shape.addons
    cli = (sys.executable, "-m", "catalog_sync")
    plan = (*cli, "plan", str(catalog_dir), "--detailed-exitcode")
    apply = (*cli, "apply", str(catalog_dir), "--yes")
    script = (sys.executable, "-m", "bench.sequential", url_placeholder, case.size)
    base = generate(shape)
    brokers = len(base.brokers)
    if case.group in ("plan", "phases"):
        return _Setup(base, base, plan_minimum(s, p, brokers), plan)
    if case.group == "create":
        if case.client == "script":
            writes = brokers + 2 * s + p + a
            return _Setup(base, None, sequential_minimum(writes, 5), (*script, "create"))
        publishes = sum(not service.publish.is_default for service in base.services)
        minimum = create_minimum(s, p, a, brokers, publishes=publishes)
        return _Setup(base, None, minimum, apply)
    if case.group == "update":
        changed = updated_catalog(base)
        updates, parents, services = _updated_parents(base, changed)
        if case.client == "script":
            return _Setup(changed, base, sequential_minimum(updates, 1), (*script, "update"))
        minimum = change_minimum(
            s, p, updates, parents, brokers=brokers, parent_services=services, updates=True
        )
        return _Setup(changed, base, minimum, apply)
    if case.group == "prune":
        # Every addon is live only: a prune deletes each (products stay, so it is not a cascade).
        minimum = change_minimum(s, p, a, p if a else 0, brokers=brokers)
        return _Setup(base.without_addons(), base, minimum, (*apply, "--force"))
    raise ValueError(f"unknown case group {case.group!r}")


def _state_for(live: GeneratedCatalog | None, cache: Path, key: str) -> Path:
    path = cache / f"{key}.json"
    if not path.exists():
        seed_state(path, live)
    return path


def run_case(case: Case, work: Path, latency_ms: int, *, profile: bool = False) -> Row | PhaseRow:
    """Run one case in a fresh directory under ``work``; the emulator is a process of its own.

    ``profile``: the client runs under cProfile, which writes ``client.prof`` there."""
    if case.group == "broker":
        return _run_broker(case, work, latency_ms, profile=profile)
    directory = work / case.name.replace(" ", "-")
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    catalog_dir = directory / "catalog"
    placeholder = "{url}"
    setup = _setup(case, catalog_dir, placeholder)
    write_catalog(setup.files, catalog_dir)
    live_key = "empty" if setup.live is None else f"live-{case.shape.label}"
    state = _state_for(setup.live, work / "states", live_key)
    latency = 0 if case.group == "phases" else latency_ms
    with EmulatorProcess(state, directory, latency) as emulator:
        measured_latency = emulator.latency_seconds()
        extra = {"CATALOG_SYNC_TIMINGS": "1"} if case.group == "phases" else {}
        if case.client == "script":
            extra["PYTHONPATH"] = str(_REPOSITORY)  # the script is bench's, not installed
        env = api_env(emulator.url, case.parallelism, extra)
        command = [part.replace(placeholder, emulator.url) for part in setup.command]
        if profile:  # every command is (python, "-m", module, ...)
            command[1:1] = ["-m", "cProfile", "-o", str(directory / "client.prof")]
        emulator.clear_log()
        cpu_before = emulator.cpu_seconds()
        run = run_client(command, directory, env)
        emulator_cpu = emulator.cpu_seconds() - cpu_before
        log = emulator.requests()
        requests = len(log)
    # Kept for reading afterwards: which requests, and how long the emulator took on each.
    (directory / "requests.json").write_text(json.dumps(log, indent=1), encoding="utf-8")
    if run.returncode != setup.expected_returncode:
        raise CaseFailedError(
            f"{case.name}: {' '.join(command[:4])} exited {run.returncode}, expected "
            f"{setup.expected_returncode}; see {directory}/client.err:\n{run.stderr[-2000:]}"
        )
    resources = case.shape.resources
    if case.group == "phases":
        phases = {}
        for line in run.stderr.splitlines():
            if line.startswith(_TIMING_PREFIX):
                name, seconds, _unit = line[len(_TIMING_PREFIX) :].rsplit(" ", 2)
                phases[name] = float(seconds)
        return PhaseRow(
            case.name, resources, phases, run.wall_seconds, run.cpu_seconds, run.peak_mb
        )
    return Row(
        case=case.name,
        shape=case.shape.label,
        resources=resources,
        parallelism=case.parallelism,
        requests=requests,
        minimum=setup.minimum.requests,
        wall_seconds=run.wall_seconds,
        bound_seconds=lower_bound(measured_latency, setup.minimum, case.parallelism),
        client_cpu_seconds=run.cpu_seconds,
        peak_mb=run.peak_mb,
        emulator_cpu_seconds=emulator_cpu,
        latency_ms=measured_latency * 1000,
    )


def _run_broker(case: Case, work: Path, latency_ms: int, *, profile: bool = False) -> Row:
    """The broker case: its own live state and catalog (bench/broker.py), a no-change plan."""
    shape = broker_shape(case.size)
    directory = work / case.name.replace(" ", "-")
    shutil.rmtree(directory, ignore_errors=True)
    catalog_dir = directory / "catalog"
    state = work / "states" / f"broker-{case.size}.json"
    write_broker_case(shape, catalog_dir, state)
    minimum = broker_minimum(shape)
    command = [
        sys.executable,
        "-m",
        "catalog_sync",
        "plan",
        str(catalog_dir),
        "--detailed-exitcode",
    ]
    if profile:
        command[1:1] = ["-m", "cProfile", "-o", str(directory / "client.prof")]
    with EmulatorProcess(state, directory, latency_ms) as emulator:
        measured_latency = emulator.latency_seconds()
        env = api_env(emulator.url, case.parallelism, {"CLOUDMORE_RESELLER_ID": DEMO.reseller_id})
        emulator.clear_log()
        cpu_before = emulator.cpu_seconds()
        run = run_client(command, directory, env)
        emulator_cpu = emulator.cpu_seconds() - cpu_before
        log = emulator.requests()
    (directory / "requests.json").write_text(json.dumps(log, indent=1), encoding="utf-8")
    if run.returncode != 0:
        raise CaseFailedError(
            f"{case.name}: the plan exited {run.returncode}, expected 0 (no change); see "
            f"{directory}/client.err:\n{run.stderr[-2000:]}"
        )
    return Row(
        case=case.name,
        shape=shape.label,
        resources=shape.organizations,
        parallelism=case.parallelism,
        requests=len(log),
        minimum=minimum.requests,
        wall_seconds=run.wall_seconds,
        bound_seconds=lower_bound(measured_latency, minimum, case.parallelism),
        client_cpu_seconds=run.cpu_seconds,
        peak_mb=run.peak_mb,
        emulator_cpu_seconds=emulator_cpu,
        latency_ms=measured_latency * 1000,
    )
