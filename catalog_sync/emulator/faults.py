"""Which fault, if any, a request gets, and how long it waits first: seeded, reproducible."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from catalog_sync.emulator.config import FaultConfig, FaultKind

__all__ = ["FaultDecision", "FaultInjector"]


@dataclass(frozen=True)
class FaultDecision:
    kind: FaultKind | None
    delay_seconds: float
    retry_after: int


class FaultInjector:
    def __init__(self, config: FaultConfig) -> None:
        self.configure(config)

    def configure(self, config: FaultConfig) -> None:
        """Replace the settings; the random sequence and script counts start over."""
        self.config = config
        self._random = random.Random(config.random_seed)  # noqa: S311 - reproducible chaos
        self._remaining = [entry.count for entry in config.script]
        self._patterns = [re.compile(entry.path_pattern) for entry in config.script]

    def decide(self, method: str, path: str) -> FaultDecision:
        config = self.config
        delay = config.latency_ms / 1000
        if config.jitter_ms:
            delay += self._random.uniform(0, config.jitter_ms) / 1000
        for index, entry in enumerate(config.script):
            if self._remaining[index] <= 0:
                continue
            if entry.method not in (None, "*") and entry.method.upper() != method.upper():
                continue
            if not self._patterns[index].search(path):
                continue
            self._remaining[index] -= 1
            retry_after = config.retry_after_seconds
            if entry.retry_after is not None:
                retry_after = entry.retry_after
            return FaultDecision(entry.fault, delay, retry_after)
        kind: FaultKind | None = None
        # Probabilistic faults stay off the token endpoint, so a chaos run can always log in.
        eligible = config.rate > 0 and config.kinds and path.startswith("/api/")
        if eligible and self._random.random() < config.rate:
            kind = self._random.choice(config.kinds)
        return FaultDecision(kind, delay, config.retry_after_seconds)
