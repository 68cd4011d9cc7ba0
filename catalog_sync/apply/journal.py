"""The apply journal: JSON lines under ``.catalog-sync/journal/``, one file per apply run.

Each operation's start and result (with the new id of a create) is written as it happens, so
that after a crash the next apply can say what the previous run did and what was in flight. A
journal whose last record is not ``finish`` belongs to a run that did not end.

What survives what:

- every record is handed to the operating system before its call returns, so a killed
  process (SIGKILL, a crash of the tool) loses none;
- a ``start`` is also durable (fsynced) before ``started`` returns, that is before the
  operation's request is sent, and so is every record written before it. Starts made
  concurrently share one fsync (a group commit), run off the event loop;
- ``finish`` and ``close`` make everything durable. After a power loss mid-run, at most the
  results written since the last start can be missing: those operations then show as in
  flight (maybe done), never as done when they were not, and nothing sent is unrecorded.

Records (``event`` first): ``begin`` (plan, target, number of changes), ``start`` (address,
action), ``result`` (address, action, outcome, id, reason), ``finish`` (counts, ok).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from catalog_sync import __version__
from catalog_sync.apply.report import ApplyReport, OperationResult
from catalog_sync.limits import MAX_JOURNAL_BYTES
from catalog_sync.plan.model import Change, Plan, Target
from catalog_sync.redact import redact, server_text
from catalog_sync.safe_files import open_regular, read_regular

__all__ = [
    "JOURNAL_DIR",
    "KEEP_JOURNALS",
    "Journal",
    "JournalEntry",
    "PreviousRun",
    "last_run",
    "read_journal",
]

JOURNAL_DIR = Path(".catalog-sync/journal")
KEEP_JOURNALS = 50
"""Older journals than this many are removed when a new one starts."""


class Journal:
    """An open journal file (see the module docstring for what each call makes durable)."""

    def __init__(self, path: Path, handle: IO[str]) -> None:
        self.path = path
        self._handle = handle
        self._written = 0  # records handed to the OS
        self._synced = 0  # records known to be on disk
        self._syncing: asyncio.Future[None] | None = None
        # An fsync runs in a worker thread; closing the file waits for it.
        self._file_lock = threading.Lock()

    @classmethod
    def start(cls, directory: Path, plan: Plan) -> Journal:
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = directory / f"apply-{stamp}-{os.getpid()}.jsonl"
        # The journal quotes server reasons: private to the user, like plan files. O_EXCL:
        # a new file, never a link or FIFO planted at the name (safe_files.py).
        descriptor = open_regular(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        journal = cls(path, os.fdopen(descriptor, "w", encoding="utf-8"))
        journal._write(
            "begin",
            toolVersion=__version__,
            target=plan.target.model_dump(by_alias=True),
            catalog=plan.catalog.model_dump(by_alias=True),
            planCreatedAt=plan.created_at.isoformat(),
            changes=len(plan.changes),
        )
        journal._fsync()
        _prune(directory, keep=path)
        return journal

    async def started(self, change: Change) -> None:
        """Record that ``change`` is about to be sent; returns once that is durable."""
        self._write("start", address=str(change.address), action=change.action)
        await self._durable(self._written)

    def result(self, result: OperationResult) -> None:
        self._write(
            "result",
            address=str(result.address),
            action=result.action,
            outcome=result.outcome,
            id=result.id,
            reason=result.reason,
        )

    def finish(self, report: ApplyReport) -> None:
        counts = {outcome.value: count for outcome, count in report.counts.items()}
        self._write("finish", counts=counts, ok=report.ok, interrupted=report.interrupted)
        self.close()

    def close(self) -> None:
        """Make every record durable and close the file."""
        self._fsync()
        with self._file_lock:
            if not self._handle.closed:
                self._handle.close()

    def _write(self, event: str, **fields: Any) -> None:
        record = {"event": event, "at": datetime.now(UTC).isoformat(), **fields}
        self._handle.write(redact(json.dumps(record, ensure_ascii=False)) + "\n")
        self._handle.flush()
        self._written += 1

    async def _durable(self, records: int) -> None:
        while self._synced < records:
            if self._syncing is None:
                self._syncing = asyncio.ensure_future(self._sync_group())
            # Shielded: an operation cancelled while waiting must not cancel the others' sync.
            await asyncio.shield(self._syncing)

    async def _sync_group(self) -> None:
        try:
            covered = self._written  # all of them already handed to the OS
            await asyncio.to_thread(self._fsync)
            self._synced = max(self._synced, covered)
        finally:
            self._syncing = None

    def _fsync(self) -> None:
        with self._file_lock:
            if not self._handle.closed:
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
    target: Target | None = None
    interrupted: bool = False
    """It finished because Ctrl-C stopped it."""

    @property
    def incomplete(self) -> bool:
        """Killed, crashed or interrupted: the run did not do all it set out to."""
        return not self.finished or self.interrupted


def last_run(directory: Path = JOURNAL_DIR, target: Target | None = None) -> PreviousRun | None:
    """The most recent run's journal (of runs against ``target``, when given), or None."""
    if not directory.is_dir():
        return None
    for path in sorted(directory.glob("apply-*.jsonl"), reverse=True):
        run = read_journal(path)
        if target is None or run.target == target:
            return run
    return None


def read_journal(path: Path) -> PreviousRun:
    """What the journal at ``path`` says; unreadable or cut-short lines are passed over."""
    started_at: str | None = None
    target: Target | None = None
    interrupted = False
    finished = False
    results: list[JournalEntry] = []
    pending: dict[str, JournalEntry] = {}
    try:
        # A planted link to /dev/zero, a FIFO or a huge file is passed over like an
        # unreadable one: only catalog-sync's own regular files are read (safe_files.py).
        raw = read_regular(path, MAX_JOURNAL_BYTES)
    except OSError:
        raw = b""
    lines = raw.decode("utf-8", errors="replace").splitlines()
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
            target = _target(record.get("target"))
        elif event == "start":
            pending[address] = JournalEntry(address, action)
        elif event == "result":
            pending.pop(address, None)
            # The id and reason came from a server, and the file may have been edited since:
            # read back as server text (redact.py), they start no line of output.
            results.append(
                JournalEntry(
                    address,
                    action,
                    record.get("outcome"),
                    _server_text(record.get("id")),
                    _server_text(record.get("reason")),
                )
            )
        elif event == "finish":
            finished = True
            interrupted = record.get("interrupted") is True
    return PreviousRun(
        path,
        started_at,
        finished,
        tuple(results),
        tuple(pending.values()),
        target=target,
        interrupted=interrupted,
    )


def _server_text(value: object) -> str | None:
    return None if value is None else server_text(str(value))


def _target(value: object) -> Target | None:
    try:
        return Target.model_validate(value)
    except ValidationError:
        return None


def _prune(directory: Path, *, keep: Path) -> None:
    journals = sorted(directory.glob("apply-*.jsonl"))
    for old in journals[: max(0, len(journals) - KEEP_JOURNALS)]:
        if old != keep:
            old.unlink(missing_ok=True)
