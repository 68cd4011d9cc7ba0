"""The apply journal: JSON lines under ``.catalog-sync/journal/``, one file per apply run.

Each operation's start and result (with the new id of a create) is written and flushed as it
happens, so that after a crash the next apply can say what the previous run did and what was in
flight. A journal whose last record is not ``finish`` belongs to a run that did not end.

Records (``event`` first): ``begin`` (plan, target, number of changes), ``start`` (address,
action), ``result`` (address, action, outcome, id, reason), ``finish`` (counts, ok).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from catalog_sync import __version__
from catalog_sync.apply.report import ApplyReport, OperationResult
from catalog_sync.plan.model import Change, Plan
from catalog_sync.redact import redact

__all__ = ["JOURNAL_DIR", "KEEP_JOURNALS", "Journal", "JournalEntry", "PreviousRun", "last_run"]

JOURNAL_DIR = Path(".catalog-sync/journal")
KEEP_JOURNALS = 50
"""Older journals than this many are removed when a new one starts."""


def _now() -> str:
    return datetime.now(UTC).isoformat()


class Journal:
    """An open journal file; every record is flushed and synced before the call returns."""

    def __init__(self, path: Path, handle: IO[str]) -> None:
        self.path = path
        self._handle = handle

    @classmethod
    def start(cls, directory: Path, plan: Plan) -> Journal:
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = directory / f"apply-{stamp}-{os.getpid()}.jsonl"
        # The journal quotes server reasons: private to the user, like plan files.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        journal = cls(path, os.fdopen(descriptor, "w", encoding="utf-8"))
        journal._write(
            {
                "event": "begin",
                "at": _now(),
                "toolVersion": __version__,
                "target": plan.target.model_dump(by_alias=True),
                "catalog": plan.catalog.model_dump(by_alias=True),
                "planCreatedAt": plan.created_at.isoformat(),
                "changes": len(plan.changes),
            }
        )
        _prune(directory, keep=path)
        return journal

    def started(self, change: Change) -> None:
        self._write(
            {"event": "start", "at": _now(), "address": change.address, "action": change.action}
        )

    def result(self, result: OperationResult) -> None:
        self._write(
            {
                "event": "result",
                "at": _now(),
                "address": result.address,
                "action": result.action,
                "outcome": result.outcome,
                "id": result.id,
                "reason": result.reason,
            }
        )

    def finish(self, report: ApplyReport) -> None:
        counts = {outcome.value: count for outcome, count in report.counts.items()}
        self._write({"event": "finish", "at": _now(), "counts": counts, "ok": report.ok})
        self.close()

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()

    def _write(self, record: dict[str, Any]) -> None:
        self._handle.write(redact(json.dumps(record, ensure_ascii=False)) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())


@dataclass(frozen=True)
class JournalEntry:
    address: str
    action: str
    outcome: str | None = None
    id: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class PreviousRun:
    """What a journal says a run did."""

    path: Path
    started_at: str | None
    finished: bool
    results: tuple[JournalEntry, ...]
    in_flight: tuple[JournalEntry, ...]
    """Started, with no result: the server may or may not have done them."""


def last_run(directory: Path = JOURNAL_DIR) -> PreviousRun | None:
    """The most recent run's journal, or None when there is none."""
    if not directory.is_dir():
        return None
    journals = sorted(directory.glob("apply-*.jsonl"))
    return _read(journals[-1]) if journals else None


def _read(path: Path) -> PreviousRun:
    started_at: str | None = None
    finished = False
    results: list[JournalEntry] = []
    pending: dict[str, JournalEntry] = {}
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # the last line of a killed run may be cut short
        if not isinstance(record, dict):
            continue
        event = record.get("event")
        address, action = str(record.get("address")), str(record.get("action"))
        if event == "begin":
            started_at = record.get("at")
        elif event == "start":
            pending[address] = JournalEntry(address, action)
        elif event == "result":
            pending.pop(address, None)
            results.append(
                JournalEntry(
                    address, action, record.get("outcome"), record.get("id"), record.get("reason")
                )
            )
        elif event == "finish":
            finished = True
    return PreviousRun(path, started_at, finished, tuple(results), tuple(pending.values()))


def _prune(directory: Path, *, keep: Path) -> None:
    journals = sorted(directory.glob("apply-*.jsonl"))
    for old in journals[: max(0, len(journals) - KEEP_JOURNALS)]:
        if old != keep:
            old.unlink(missing_ok=True)
