"""The journal: each record on disk as it happens; what an unfinished run did and had in flight."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from catalog_sync.apply.journal import KEEP_JOURNALS, Journal, last_run
from catalog_sync.apply.report import ApplyReport, OperationResult, Outcome
from catalog_sync.graph import Kind
from catalog_sync.plan.model import Action
from tests.apply.plans import CATALOG, TARGET, change, plan_of

BROKER = change('broker["1"]', Kind.BROKER, Action.CREATE)
SERVICE = change('service["S"]', Kind.SERVICE, Action.CREATE)
PLAN = plan_of(BROKER, SERVICE)


def _done(address: str, new_id: str) -> OperationResult:
    return OperationResult(
        address=address, kind=Kind.BROKER, action=Action.CREATE, outcome=Outcome.DONE, id=new_id
    )


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_record_is_on_disk_before_the_call_returns(journal_dir: Path) -> None:
    journal = Journal.start(journal_dir, PLAN)
    try:
        assert [r["event"] for r in _records(journal.path)] == ["begin"]
        journal.started(BROKER)
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
    journal.started(BROKER)
    journal.result(_done(BROKER.address, "b-1"))
    journal.started(SERVICE)
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
