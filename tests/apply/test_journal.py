"""The journal: each record written as it happens, each start durable before it returns (in
group commits); what an unfinished run did and had in flight."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from catalog_sync.apply.journal import KEEP_JOURNALS, Journal, last_run
from catalog_sync.apply.report import ApplyReport, OperationResult, Outcome
from catalog_sync.graph import Kind
from catalog_sync.plan.model import Action, Change
from tests.apply.plans import CATALOG, TARGET, change, plan_of

BROKER = change('broker["1"]', Kind.BROKER, Action.CREATE)
SERVICE = change('service["S"]', Kind.SERVICE, Action.CREATE)
PLAN = plan_of(BROKER, SERVICE)


def _done(address: str, new_id: str) -> OperationResult:
    return OperationResult(
        address=address, kind=Kind.BROKER, action=Action.CREATE, outcome=Outcome.DONE, id=new_id
    )


def _started(journal: Journal, change: Change) -> None:
    asyncio.run(journal.started(change))


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_record_is_on_disk_before_the_call_returns(journal_dir: Path) -> None:
    journal = Journal.start(journal_dir, PLAN)
    try:
        assert [r["event"] for r in _records(journal.path)] == ["begin"]
        _started(journal, BROKER)
        journal.result(_done(BROKER.address, "b-1"))
        records = _records(journal.path)
    finally:
        journal.close()
    assert [r["event"] for r in records] == ["begin", "start", "result"]
    assert records[0]["changes"] == 2
    assert records[2] == {
        "event": "result",
        "at": records[2]["at"],
        "address": 'broker["1"]',
        "action": "create",
        "outcome": "done",
        "id": "b-1",
        "reason": None,
    }


def test_an_unfinished_run_reports_what_it_did_and_what_was_in_flight(journal_dir: Path) -> None:
    journal = Journal.start(journal_dir, PLAN)
    _started(journal, BROKER)
    journal.result(_done(BROKER.address, "b-1"))
    _started(journal, SERVICE)
    journal.close()  # as if killed: no finish record
    with journal.path.open("a", encoding="utf-8") as handle:
        handle.write('{"event": "res')  # a record cut short by the kill

    previous = last_run(journal_dir)
    assert previous is not None
    assert not previous.finished
    assert previous.path == journal.path
    assert [(e.address, e.outcome, e.id) for e in previous.results] == [
        ('broker["1"]', "done", "b-1")
    ]
    assert [(e.address, e.action) for e in previous.in_flight] == [('service["S"]', "create")]


def test_a_finished_run_is_finished(journal_dir: Path) -> None:
    journal = Journal.start(journal_dir, PLAN)
    now = datetime.now(UTC)
    journal.finish(ApplyReport(target=TARGET, catalog=CATALOG, started_at=now, finished_at=now))
    previous = last_run(journal_dir)
    assert previous is not None
    assert previous.finished
    assert _records(journal.path)[-1]["ok"] is True


def test_the_latest_journal_is_the_one_read(journal_dir: Path) -> None:
    first = Journal.start(journal_dir, PLAN)
    first.close()
    second = Journal.start(journal_dir, PLAN)
    second.close()
    previous = last_run(journal_dir)
    assert previous is not None
    assert previous.path == second.path


def test_no_journal_directory_means_no_previous_run(tmp_path: Path) -> None:
    assert last_run(tmp_path / "nowhere") is None


def test_old_journals_are_pruned(journal_dir: Path) -> None:
    journal_dir.mkdir(parents=True)
    for index in range(KEEP_JOURNALS + 5):
        (journal_dir / f"apply-20200101T000000{index:06d}Z-1.jsonl").write_text("", "utf-8")
    Journal.start(journal_dir, PLAN).close()
    assert len(list(journal_dir.glob("apply-*.jsonl"))) == KEEP_JOURNALS
    assert not (journal_dir / "apply-20200101T000000000000Z-1.jsonl").exists()


class _Fsyncs:
    """Counts fsyncs of the journal and the file size each one covered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[int] = []
        real = os.fsync

        def fsync(fd: int) -> None:
            size = os.fstat(fd).st_size
            real(fd)
            self.sizes.append(size)  # once done: what it made durable

        monkeypatch.setattr(os, "fsync", fsync)


def test_a_start_is_durable_before_started_returns_and_a_result_waits_for_the_next(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fsyncs = _Fsyncs(monkeypatch)
    journal = Journal.start(journal_dir, PLAN)
    try:
        assert fsyncs.sizes == [journal.path.stat().st_size]  # begin, before any request
        _started(journal, BROKER)
        assert fsyncs.sizes[-1] == journal.path.stat().st_size
        journal.result(_done(BROKER.address, "b-1"))
        assert len(fsyncs.sizes) == 2  # written through to the OS, not synced on its own
        assert [r["event"] for r in _records(journal.path)] == ["begin", "start", "result"]
        _started(journal, SERVICE)  # covers the result before it
        assert fsyncs.sizes[-1] == journal.path.stat().st_size
    finally:
        journal.close()
    assert fsyncs.sizes[-1] == journal.path.stat().st_size


def test_concurrent_starts_share_fsyncs_and_each_is_durable_when_it_returns(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fsyncs = _Fsyncs(monkeypatch)
    changes = [change(f'broker["{i}"]', Kind.BROKER, Action.CREATE) for i in range(20)]
    journal = Journal.start(journal_dir, plan_of(*changes))

    async def start(one: Change) -> int:
        await journal.started(one)
        content = journal.path.read_bytes()
        end = content.index(b"\n", content.index(json.dumps(one.address).encode()))
        # Durable by now: an fsync that has finished covered the whole record.
        assert max(fsyncs.sizes) > end
        return end

    async def run() -> list[int]:
        return await asyncio.gather(*(start(one) for one in changes))

    try:
        offsets = asyncio.run(run())
    finally:
        journal.close()
    assert len(set(offsets)) == 20
    assert len(fsyncs.sizes) < 1 + 20, fsyncs.sizes  # begin + fewer than one per start


def test_a_planted_link_or_fifo_among_the_journals_is_passed_over(journal_dir: Path) -> None:
    """Issue 24, item 5: the crash-notice scan read a link to /dev/zero until memory ran out,
    and hung on a FIFO."""
    journal_dir.mkdir(parents=True)
    Journal.start(journal_dir, PLAN).close()
    (journal_dir / "apply-99990101T000000000000Z-1.jsonl").symlink_to("/dev/zero")
    os.mkfifo(journal_dir / "apply-99990101T000000000000Z-2.jsonl")
    previous = last_run(journal_dir, TARGET)
    assert previous is not None
    assert previous.path.name.startswith("apply-2")  # the real journal, not a planted one


def test_a_reason_read_back_from_a_journal_starts_no_line(journal_dir: Path) -> None:
    """Issue 24, item 11: a journal written before the fix, or edited, still shows server
    text on one line."""
    journal = Journal.start(journal_dir, PLAN)
    journal.close()
    record = {
        "event": "result",
        "address": 'broker["1"]',
        "action": "create",
        "outcome": "failed",
        "id": None,
        "reason": "rejected\n::error title=x::injected\r::warning::too",
    }
    with journal.path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    previous = last_run(journal_dir)
    assert previous is not None
    (entry,) = previous.results
    assert entry.reason == "rejected\\n::error title=x::injected\\r::warning::too"
