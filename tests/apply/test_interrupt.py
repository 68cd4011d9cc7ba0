"""Ctrl-C during apply, in a terminal: the first stops scheduling and waits for the requests in
flight, the second abandons them; either way the journal is written, the report says what was
done, failed and not attempted, and the exit code is 130. The next apply says so in one line."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalog_sync.emulator import DEMO, EmulatorConfig, serve_in_thread
from tests.apply.support import EXAMPLE, api_client, cli, use_emulator, writes_after
from tests.cli.terminal import PtyProcess, child_env

DEADLINE_SECONDS = 60


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serve_in_thread(EmulatorConfig(seed="empty")) as url:
        yield url


def _last_seq(http: httpx.Client) -> int:
    entries: list[dict[str, Any]] = http.get("/_emulator/requests").json()
    return max((int(e["seq"]) for e in entries), default=0)


def _wait_for_writes(http: httpx.Client, since: int, count: int, child: PtyProcess) -> None:
    """Until the emulator has answered ``count`` catalog writes (its request log), so that the
    apply is surely under way."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while len(writes_after(http.get("/_emulator/requests").json(), since)) < count:
        assert child.process.poll() is None, "apply ended before the interrupt"
        assert time.monotonic() < deadline, "apply wrote nothing"


def _start_slow_apply(
    http: httpx.Client, url: str, cwd: Path, faults: dict[str, Any], what: str = str(EXAMPLE)
) -> PtyProcess:
    if what == str(EXAMPLE):
        http.post("/_emulator/reset", json={"seed": "empty"}).raise_for_status()
    http.put("/_emulator/faults", json=faults).raise_for_status()
    env = child_env(
        CLOUDMORE_API_URL=url,
        CLOUDMORE_USERNAME=DEMO.username,
        CLOUDMORE_PASSWORD=DEMO.password,
        CLOUDMORE_CLIENT_ID=DEMO.client_id,
        CLOUDMORE_CLIENT_SECRET=DEMO.client_secret,
        CLOUDMORE_SELLER_ID=DEMO.seller_id,
    )
    return PtyProcess(["apply", what, "--yes", "--parallelism", "2"], env, cwd)


def _journal(cwd: Path) -> tuple[Path, list[dict[str, Any]]]:
    (path,) = sorted((cwd / ".catalog-sync" / "journal").glob("apply-*.jsonl"))
    return path, [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_ctrl_c_waits_for_requests_in_flight_reports_and_exits_130(
    served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    http = api_client(served)
    try:
        since = _last_seq(http)
        child = _start_slow_apply(http, served, tmp_path, {"latencyMs": 100})
        try:
            _wait_for_writes(http, since, 3, child)
            child.press_ctrl_c()
            code, output = child.finish()
        finally:
            child.kill()
        http.put("/_emulator/faults", json={}).raise_for_status()

        assert code == 130, output
        assert "Interrupted: starting no new change" in output
        assert "Done:" in output
        # Said once: the count, with the journal that lists them; no line per change.
        said = [line for line in output.splitlines() if "ot attempted" in line]
        assert len(said) == 2, said  # the counts, then one line with the journal that lists them
        assert " not attempted." in said[0]
        assert "Not attempted (interrupted by Ctrl-C): " in said[1]
        assert "not attempted:" not in output
        assert "` lists them." in said[1]
        assert "Apply incomplete" in output
        path, records = _journal(tmp_path)
        assert records[-1]["event"] == "finish"
        assert records[-1]["interrupted"] is True
        outcomes = {r["address"]: r["outcome"] for r in records if r["event"] == "result"}
        started = {r["address"] for r in records if r["event"] == "start"}
        assert len(outcomes) == records[0]["changes"] == 52
        # Every request in flight finished and was journaled; nothing else started.
        assert started == {a for a, o in outcomes.items() if o in ("done", "failed")}
        assert "not_attempted" in outcomes.values()
        assert f"Journal: .catalog-sync/journal/{path.name}" in output

        use_emulator(monkeypatch, served)
        monkeypatch.chdir(tmp_path)
        refused = cli("apply", "no-such-catalog", "--yes")
        assert refused.exit_code == 1
        assert "previous apply" not in refused.stderr  # its own arguments come first

        with serve_in_thread(EmulatorConfig(seed="empty")) as other:
            monkeypatch.setenv("CLOUDMORE_API_URL", other)
            elsewhere = cli("apply", str(EXAMPLE), "--yes")
        assert elsewhere.exit_code == 0, elsewhere.output
        assert "previous apply" not in elsewhere.stderr  # another target's journal

        monkeypatch.setenv("CLOUDMORE_API_URL", served)
        again = cli("apply", str(EXAMPLE), "--yes")
        assert again.exit_code == 0, again.output
        notices = [line for line in again.stderr.splitlines() if "previous apply" in line]
        assert notices == [
            f"warning: the previous apply was interrupted ({list(outcomes.values()).count('done')}"
            f" done, 0 failed, 0 in flight); `catalog-sync journal .catalog-sync/journal/"
            f"{path.name}` shows what it did"
        ]
        shown = cli("journal", f".catalog-sync/journal/{path.name}")
        assert shown.exit_code == 0, shown.output
        assert "the apply was interrupted (Ctrl-C)" in shown.output
        assert "Nothing was in flight when it stopped." in shown.output
        not_attempted = [a for a, o in outcomes.items() if o == "not_attempted"]
        assert f"{len(not_attempted)} operation(s) were not attempted:" in shown.output
        assert all(f" {address}\n" in shown.output for address in not_attempted)
    finally:
        http.close()


def _wait_for_start_without_result(cwd: Path, kind: str, child: PtyProcess) -> None:
    """Until the journal shows a change of ``kind`` started and not finished: its request is
    surely in flight, since a start is made durable before its request is sent."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        assert child.process.poll() is None, "apply ended before the interrupt"
        assert time.monotonic() < deadline, f"no {kind} change was started"
        journals = sorted((cwd / ".catalog-sync" / "journal").glob("apply-*.jsonl"))
        if journals:
            lines = journals[0].read_text(encoding="utf-8").splitlines()
            # The last line may be half written while we read it.
            records = [json.loads(line) for line in lines[:-1]]
            started = {r["address"] for r in records if r["event"] == "start"}
            finished = {r["address"] for r in records if r["event"] == "result"}
            if any(a.endswith("]") and f".{kind}[" in a for a in started - finished):
                return


def test_a_second_ctrl_c_abandons_the_requests_in_flight(served: str, tmp_path: Path) -> None:
    http = api_client(served)
    try:
        # Every product create hangs, so one is surely in flight when Ctrl-C is pressed twice
        # (with latency alone, two requests sent together also finish together).
        hang_products = {
            "method": "POST",
            "pathPattern": "/products$",
            "fault": "hang",
            "count": 99,
        }
        child = _start_slow_apply(
            http, served, tmp_path, {"hangSeconds": 20, "script": [hang_products]}
        )
        try:
            _wait_for_start_without_result(tmp_path, "product", child)
            child.press_ctrl_c()
            child.wait_for(b"Interrupted: starting no new change")
            child.press_ctrl_c()
            code, output = child.finish()
        finally:
            child.kill()
            http.put("/_emulator/faults", json={}).raise_for_status()
    finally:
        http.close()
    assert code == 130, output
    assert "Interrupted again: abandoning the requests in flight" in output
    # Said once, by the report: the progress prints nothing that settles after a Ctrl-C.
    abandoned = [line for line in output.splitlines() if "abandoned in flight by" in line]
    assert abandoned, output
    assert all(line.lstrip().startswith("! ") for line in abandoned), output
    _, records = _journal(tmp_path)
    assert records[-1]["interrupted"] is True
    reasons = [r["reason"] or "" for r in records if r["event"] == "result"]
    assert any(reason.startswith("abandoned in flight") for reason in reasons)


def test_ctrl_c_while_checking_a_saved_plan_stops_at_once_having_written_nothing(
    served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    http = api_client(served)
    try:
        http.post("/_emulator/reset", json={"seed": "empty"}).raise_for_status()
        use_emulator(monkeypatch, served)
        plan_file = tmp_path / "plan.json"
        assert cli("plan", str(EXAMPLE), "--out", str(plan_file)).exit_code == 0
        since = _last_seq(http)
        child = _start_slow_apply(http, served, tmp_path, {"latencyMs": 1000}, what=str(plan_file))
        try:
            child.wait_for(b"checking the plan against the live catalog")
            child.press_ctrl_c()
            code, output = child.finish()
        finally:
            child.kill()
            http.put("/_emulator/faults", json={}).raise_for_status()
        entries = http.get("/_emulator/requests").json()
    finally:
        http.close()
    assert code == 130, output
    assert "Interrupted before any change was made: nothing was written." in output
    assert writes_after(entries, since) == []
    assert not (tmp_path / ".catalog-sync" / "journal").exists()
