"""The processes a case runs: the emulator (served on 127.0.0.1 by ``catalog-sync emulator
serve``) and the client under test, each measured from outside."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import httpx

from catalog_sync.emulator import DEMO

__all__ = ["ClientRun", "EmulatorProcess", "api_env", "run_client"]

_LISTENING = re.compile(r"listening on (http://\S+)")
_START_SECONDS = 30


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


class EmulatorProcess:
    """``catalog-sync emulator serve`` on a free port, over a copy of a seeded state file."""

    def __init__(self, state: Path, work: Path, latency_ms: int) -> None:
        self.state = work / "emulator-state.json"
        shutil.copyfile(state, self.state)
        self._log = (work / "emulator.log").open("w", encoding="utf-8")
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "catalog_sync",
                "emulator",
                "serve",
                "--port",
                "0",
                "--state",
                str(self.state),
                "--latency-ms",
                str(latency_ms),
            ],
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self.url = self._wait_for_url(self._process.stdout)
        self.http = httpx.Client(base_url=self.url, timeout=60)

    def _wait_for_url(self, stdout: IO[str] | None) -> str:
        assert stdout is not None
        deadline = time.monotonic() + _START_SECONDS
        while time.monotonic() < deadline:
            line = stdout.readline()
            if not line:
                break
            found = _LISTENING.search(line)
            if found:
                return found.group(1)
        self.close()
        raise RuntimeError("the emulator did not start; see emulator.log in the work directory")

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self._process.pid)

    def clear_log(self) -> None:
        self.http.delete("/_emulator/requests").raise_for_status()

    def requests(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.http.get("/_emulator/requests").json()
        return entries

    def latency_seconds(self, samples: int = 15) -> float:
        """L: the median of sequential healthcheck round trips, on a warm connection."""
        self.http.get("/api/healthcheck").raise_for_status()
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            self.http.get("/api/healthcheck").raise_for_status()
            times.append(time.perf_counter() - started)
        self.clear_log()
        return statistics.median(times)

    def close(self) -> None:
        if hasattr(self, "http"):
            self.http.close()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._log.close()

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def api_env(url: str, parallelism: int, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for catalog-sync against the emulator, with its demo credentials."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CLOUDMORE_") and key not in ("CI", "CATALOG_SYNC_TIMINGS")
    }
    env.update(
        {
            "CLOUDMORE_API_URL": url,
            "CLOUDMORE_USERNAME": DEMO.username,
            "CLOUDMORE_PASSWORD": DEMO.password,
            "CLOUDMORE_CLIENT_ID": DEMO.client_id,
            "CLOUDMORE_CLIENT_SECRET": DEMO.client_secret,
            "CLOUDMORE_SELLER_ID": DEMO.seller_id,
            "CLOUDMORE_PARALLELISM": str(parallelism),
            "NO_COLOR": "1",
        }
    )
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class ClientRun:
    returncode: int
    wall_seconds: float
    cpu_seconds: float
    peak_mb: float
    stdout: str
    stderr: str


def run_client(command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> ClientRun:
    """Run one client process to its end; wall time, CPU and peak RSS from its own rusage."""
    out, err = cwd / "client.out", cwd / "client.err"
    with out.open("w", encoding="utf-8") as stdout, err.open("w", encoding="utf-8") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return ClientRun(
        returncode=process.returncode,
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        stdout=out.read_text(encoding="utf-8"),
        stderr=err.read_text(encoding="utf-8"),
    )
