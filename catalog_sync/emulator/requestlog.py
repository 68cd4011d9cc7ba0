"""The request log: what was asked and answered, never headers, bodies or tokens."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from catalog_sync.emulator.config import FaultKind
from catalog_sync.emulator.validation import JSON

__all__ = ["RequestLog"]


class RequestLog:
    def __init__(self) -> None:
        self._entries: list[JSON] = []
        self._seq = itertools.count(1)

    def next_seq(self) -> int:
        """Numbered when a request arrives, so the log orders requests by arrival."""
        return next(self._seq)

    def record(
        self,
        seq: int,
        method: str,
        path: str,
        status: int | None,
        fault: FaultKind | None,
        started_at: float,
        duration_seconds: float,
        agent: str | None = None,
    ) -> None:
        self._entries.append(
            {
                "seq": seq,
                "method": method,
                "path": path,
                "status": status,
                "fault": fault,
                "startedAt": datetime.fromtimestamp(started_at, UTC).isoformat(
                    timespec="milliseconds"
                ),
                "durationMs": round(duration_seconds * 1000, 1),
                # Who asked (the User-Agent, cut short): tells concurrent clients apart.
                "agent": agent[:200] if agent is not None else None,
            }
        )

    def entries(self) -> list[JSON]:
        return sorted(self._entries, key=lambda entry: entry["seq"])

    def clear(self) -> None:
        self._entries = []
