"""What a client did: requests by method and status, retries, waits, time.

The CLI prints :meth:`ClientMetrics.lines` under ``--verbose``; benchmarks and tests read the
fields. Waits are the waits the client decided on (e.g. 2.0 for ``Retry-After: 2``), so tests
can assert them without sleeping.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["ClientMetrics"]


@dataclass
class ClientMetrics:
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    """``(method, status)`` -> count; status is the HTTP code, or the transport error's name."""
    retries: int = 0
    waits: list[float] = field(default_factory=list)
    token_requests: int = 0
    token_renewals: int = 0
    adopted_creates: int = 0
    """Creates that failed ambiguously and found their object already there."""
    started_at: float = field(default_factory=time.monotonic)
    finished_at: float | None = None

    def record_response(self, method: str, status: int) -> None:
        self.requests[(method.upper(), str(status))] += 1

    def record_transport_error(self, method: str, error: BaseException) -> None:
        self.requests[(method.upper(), type(error).__name__)] += 1

    def record_retry(self, wait: float) -> None:
        self.retries += 1
        self.waits.append(wait)

    @property
    def total_requests(self) -> int:
        return self.requests.total()

    @property
    def total_time(self) -> float:
        end = self.finished_at if self.finished_at is not None else time.monotonic()
        return end - self.started_at

    def count(self, method: str, status: int | str | None = None) -> int:
        method = method.upper()
        return sum(
            n
            for (m, s), n in self.requests.items()
            if m == method and (status is None or s == str(status))
        )

    def lines(self) -> list[str]:
        by_request = ", ".join(
            f"{method} {status}: {n}" for (method, status), n in sorted(self.requests.items())
        )
        return [
            f"requests: {self.total_requests} ({by_request or 'none'})",
            f"token requests: {self.token_requests}, renewals after 401: {self.token_renewals}",
            f"retries: {self.retries}, waited {sum(self.waits):.2f} s",
            f"adopted after an ambiguous create: {self.adopted_creates}",
            f"total time: {self.total_time:.2f} s",
        ]
