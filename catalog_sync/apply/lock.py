"""One apply at a time per target: an exclusive lock per API URL and seller.

The lock is a file in a per-user directory (not the working directory), so a second apply
from any checkout meets it at once and writes nothing. It is an OS lock (``flock``): the
kernel releases it when the holder ends, however it ends, so a crashed or killed apply never
leaves a lock behind on the same machine. The file also records who holds it, for the message.
Applies from other machines (CI runners) are serialised by the workflows' concurrency group
per target (docs/contracts.md).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from catalog_sync.errors import LockedError
from catalog_sync.plan.model import Target
from catalog_sync.safe_files import UnsafeFileError, open_regular

__all__ = ["LOCK_DIR_VARIABLE", "lock_directory", "lock_path", "target_lock"]

LOCK_DIR_VARIABLE = "CATALOG_SYNC_LOCK_DIR"


def lock_directory() -> Path:
    """``$CATALOG_SYNC_LOCK_DIR``, else ``$XDG_STATE_HOME/catalog-sync/locks``, else
    ``~/.local/state/catalog-sync/locks``: one place for every checkout of one user."""
    configured = os.environ.get(LOCK_DIR_VARIABLE)
    if configured:
        return Path(configured)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "catalog-sync" / "locks"


def lock_path(target: Target, directory: Path | None = None) -> Path:
    key = f"{target.api_url.rstrip('/').lower()}\n{target.seller_id.lower()}"
    name = hashlib.sha256(key.encode()).hexdigest()[:24]
    return (directory or lock_directory()) / f"apply-{name}.lock"


@contextmanager
def target_lock(target: Target, directory: Path | None = None) -> Iterator[Path]:
    """Hold the target's lock for the block; raise LockedError at once when it is held."""
    path = lock_path(target, directory)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Never through a link planted at the path (its target would be truncated), never a
        # FIFO (the open would hang): safe_files.py.
        descriptor = open_regular(path, os.O_RDWR | os.O_CREAT)
    except UnsafeFileError as error:
        raise LockedError(
            f"the apply lock {path} is unsafe: {error.strerror}; nothing was written"
        ) from None
    except OSError as error:
        raise LockedError(
            f"cannot create the apply lock {path}: {error.strerror or error}; set "
            f"{LOCK_DIR_VARIABLE} to a writable directory"
        ) from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(_held_message(path, descriptor, target)) from None
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "cwd": os.getcwd(),
            "startedAt": datetime.now(UTC).isoformat(timespec="seconds"),
            "target": {"apiUrl": target.api_url, "sellerId": target.seller_id},
        }
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, (json.dumps(holder) + "\n").encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(descriptor, 0)
    finally:
        os.close(descriptor)  # closing releases the flock


def _held_message(path: Path, descriptor: int, target: Target) -> str:
    try:
        holder = json.loads(os.pread(descriptor, 4096, 0).decode("utf-8", "replace") or "{}")
    except (OSError, ValueError):
        holder = {}
    if not isinstance(holder, dict):
        holder = {}
    pid, host = holder.get("pid", "?"), holder.get("host", "?")
    return (
        f"another apply is running against {target.api_url} (seller {target.seller_id}): "
        f"the lock {path} is held by pid {pid} on {host} (in {holder.get('cwd', '?')}), "
        f"since {holder.get('startedAt', '?')}; nothing was written. Wait for it to finish. "
        "The lock is released when that process ends, however it ends; if it is stuck, stop "
        f"it (kill {pid} on {host}); if no such process exists (a lock on a shared "
        f"filesystem), delete {path}"
    )
