"""The optional state file: a snapshot of the store, and beside it (``FILE.log``) the group
commits made since, one JSON line each.

The emulator commits in groups (``Emulator.write``): a commit is what the store changed since
the one before (``Store.take_changes``: the records put, the ids deleted), encoded on the event
loop and appended and synced off it, so it costs what it changed, not the size of the state.
When the log would outgrow the snapshot, the commit writes a new snapshot instead (a temporary
file renamed over the old one) and then empties the log: a snapshot comes only after commits
of at least its own size, so its cost is spread over them.

Snapshot and lines carry a commit number. Loading replays the lines after the snapshot's, so
the lines a crash left between a snapshot's rename and the log's emptying are skipped; a torn
last line (a crash mid-append: its commit was never answered) is ignored. So after a crash the
state is each commit wholly or not at all. Both files are private to the user (0600).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from catalog_sync.emulator.store import STATE_FORMAT, Store
from catalog_sync.exact_json import decode_json, encode_json

__all__ = ["SavedState", "StateFile", "encode_state", "log_path", "read_state", "write_encoded"]


def log_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.log")


def encode_state(data: dict[str, Any]) -> bytes:
    """Money (Decimal) as its exact number literal; reading parses it back as a Decimal."""
    return encode_json(data)


class SavedState(NamedTuple):
    """What the files hold: the store, the last commit in it, and whether the files are
    already as a snapshot would leave them (current format, empty log)."""

    store: Store
    commit: int
    tidy: bool


def read_state(path: Path) -> SavedState | None:
    """The saved state, snapshot and log replayed, or None when the file does not exist yet;
    reads only, whatever it finds."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    data = decode_json(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the state file does not hold a JSON object")
    store = Store.from_json(data)
    commit = data.get("commit", 0)
    if not isinstance(commit, int):
        raise ValueError(f"{path}: the commit number is not a whole number")
    try:
        raw = log_path(path).read_bytes()
    except FileNotFoundError:
        raw = b""
    for number, line in _log_lines(log_path(path), raw):
        if line["commit"] <= commit:
            continue  # in the snapshot already: a crash came before the log was emptied
        if line["commit"] != commit + 1:
            raise ValueError(
                f"{log_path(path)}:{number}: commit {line['commit']} does not follow "
                f"commit {commit}"
            )
        store.apply_changes(line["changes"])
        commit += 1
    return SavedState(store, commit, tidy=not raw and data["format"] == STATE_FORMAT)


def _log_lines(log: Path, raw: bytes) -> list[tuple[int, dict[str, Any]]]:
    pieces = raw.split(b"\n")
    if pieces[-1] == b"":
        pieces.pop()
    lines = []
    for number, piece in enumerate(pieces, 1):
        try:
            line = decode_json(piece)
        except ValueError:
            if number == len(pieces):
                break  # torn: the append a crash cut short, never answered
            raise ValueError(f"{log}:{number}: not a JSON line") from None
        if not (
            isinstance(line, dict)
            and isinstance(line.get("commit"), int)
            and isinstance(line.get("changes"), dict)
        ):
            raise ValueError(f"{log}:{number}: not a commit")
        lines.append((number, line))
    return lines


class StateFile:
    """The snapshot at ``path`` and its log: loads them, and turns each group commit into the
    write to run off the event loop. One commit is written at a time (Emulator._flush)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.log = log_path(path)
        self._commit = 0
        # The store the files hold; any other (a reset's, or after a failed write) is
        # written whole by the next commit.
        self._store: Store | None = None
        self._snapshot_bytes = 0
        self._log_bytes = 0

    def load(self) -> Store | None:
        """The saved store, or None when there is none yet. A log with lines, or an older
        format, is folded into a new snapshot at once: appends then always follow whole lines
        of the current format."""
        saved = read_state(self.path)
        if saved is None:
            return None
        self._commit = saved.commit
        if saved.tidy:
            self._snapshot_bytes = self.path.stat().st_size
            self._hold(saved.store)
        else:
            self.save(saved.store)
        return saved.store

    def save(self, store: Store) -> None:
        """Write ``store`` whole, now (at start-up)."""
        self._prepare_snapshot(store)()

    def prepare(self, store: Store) -> Callable[[], None] | None:
        """Encode the commit of everything ``store`` changed since the last one (on the event
        loop, between awaits, so nothing is half made); the write that makes it durable, or
        None when nothing changed."""
        if store is not self._store:
            return self._prepare_snapshot(store)
        changes = store.take_changes()
        if not changes:
            return None
        self._commit += 1
        line = encode_state({"commit": self._commit, "changes": changes}) + b"\n"
        if self._log_bytes + len(line) > self._snapshot_bytes:
            return self._prepare_snapshot(store)
        return self._guarded(lambda: self._append(line))

    def _prepare_snapshot(self, store: Store) -> Callable[[], None]:
        # Numbered as the last commit: every line the log may still hold is at or below it.
        data = store.to_json()
        data["commit"] = self._commit
        payload = encode_state(data)
        self._hold(store)

        def write() -> None:
            write_encoded(self.path, payload)
            self._snapshot_bytes = len(payload)
            self._empty_log()

        return self._guarded(write)

    def _hold(self, store: Store) -> None:
        store.take_changes()  # all in the snapshot
        store.record_changes = True
        self._store = store

    def _guarded(self, write: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                write()
            except BaseException:
                # The commit's changes were taken but may not be on disk: write all next time.
                self._store = None
                raise

        return run

    def _append(self, line: bytes) -> None:
        created = self._log_bytes == 0 and not self.log.exists()
        descriptor = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "ab") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        self._log_bytes += len(line)
        if created:
            _sync_directory(self.log.parent)

    def _empty_log(self) -> None:
        self._log_bytes = 0
        try:
            descriptor = os.open(self.log, os.O_WRONLY | os.O_TRUNC)
        except FileNotFoundError:
            return
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_encoded(path: Path, payload: bytes) -> None:
    """Write to a temporary file, fsync, then rename: a crash leaves the old or the new file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # The state holds the seller's whole catalog: private to the user (0600).
    descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    # The rename itself is only durable once the directory entry is flushed.
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
