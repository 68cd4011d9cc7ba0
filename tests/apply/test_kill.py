"""SIGKILL an apply at different points (after N journal records), then plan and apply again:
the catalog converges, nothing exists twice, and the second apply says what the first did."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalog_sync.emulator import EmulatorConfig, serve_in_thread
from tests.apply.support import EXAMPLE, api_client, cli, natural_keys, use_emulator

# begin is record 1; then a start and a result per change (49 changes onto empty), then finish.
KILL_AFTER_RECORDS = (1, 8, 27, 55, 90)
DEADLINE_SECONDS = 60


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serve_in_thread(EmulatorConfig(seed="empty")) as url:
        yield url


def _journal_lines(cwd: Path) -> int:
    journals = sorted((cwd / ".catalog-sync" / "journal").glob("apply-*.jsonl"))
    if not journals:
        return 0
    return journals[-1].read_bytes().count(b"\n")


def _kill_after(records: int, cwd: Path, url: str) -> int:
    """Start an apply in a process of its own; SIGKILL it once its journal holds ``records``
    records. Returns how many it held when the kill landed."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "catalog_sync",
            "apply",
            str(EXAMPLE),
            "--yes",
            "--parallelism",
            "2",
        ],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + DEADLINE_SECONDS
    try:
        while _journal_lines(cwd) < records:
            assert process.poll() is None, f"apply ended before {records} journal records"
            assert time.monotonic() < deadline, "the journal did not grow"
            time.sleep(0.002)  # polling the journal file, not waiting for time to pass
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    return _journal_lines(cwd)


def _probe(http: httpx.Client) -> int:
    """The log number of a request made now; every request that arrived earlier has a lower one."""
    http.get("/api/healthcheck").raise_for_status()
    entries: list[dict[str, Any]] = http.get("/_emulator/requests").json()
    return max(int(e["seq"]) for e in entries if e["path"] == "/api/healthcheck")


def _wait_until_idle(http: httpx.Client, since: int) -> None:
    """Requests of the killed process still in the server finish before we plan again: every
    request that arrived between two probes has its log entry (written when it is answered)."""
    until = _probe(http)
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        logged = {e["seq"] for e in http.get("/_emulator/requests").json()}
        if logged >= set(range(since + 1, until)):
            return
        assert time.monotonic() < deadline, "requests still in flight"


@pytest.mark.parametrize("records", KILL_AFTER_RECORDS)
def test_killed_apply_then_plan_and_apply_converge_without_duplicates(
    records: int, served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    http = api_client(served)
    try:
        http.post("/_emulator/reset", json={"seed": "empty"}).raise_for_status()
        # Latency stretches the run so that every kill point lands mid-apply.
        http.put("/_emulator/faults", json={"latencyMs": 25}).raise_for_status()
        use_emulator(monkeypatch, served)
        monkeypatch.chdir(tmp_path)

        since = _probe(http)
        held = _kill_after(records, tmp_path, served)
        assert records <= held < 102, held  # killed before the finish record
        _wait_until_idle(http, since)
        print(f"killed after {held} journal records (asked for {records})")
        http.put("/_emulator/faults", json={}).raise_for_status()

        replan = cli("plan", str(EXAMPLE), "--detailed-exitcode")
        assert replan.exit_code == 2, replan.output  # the killed run left work undone
        again = cli("apply", str(EXAMPLE), "--yes")
        assert again.exit_code == 0, again.output
        assert "warning: the previous apply did not finish" in again.stderr
        assert "Apply complete" in again.stdout
        final = cli("plan", str(EXAMPLE), "--detailed-exitcode")
        assert final.exit_code == 0, final.output
        keys = natural_keys(http)
    finally:
        http.close()
    assert [key for key, count in keys.items() if count > 1] == []
    assert len(keys) == 44
