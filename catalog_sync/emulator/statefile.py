"""The optional state file: loaded at start, replaced atomically as writes are committed.

The emulator commits in groups (``Emulator.write``): one snapshot, encoded on the event loop,
covers every change made before it, and is written and synced off the loop.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["encode_state", "load_state", "write_encoded", "write_state"]


def load_state(path: Path) -> dict[str, Any] | None:
    """The saved state, or None when the file does not exist yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the state file does not hold a JSON object")
    return data


def encode_state(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_state(path: Path, data: dict[str, Any]) -> None:
    write_encoded(path, encode_state(data))


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
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
