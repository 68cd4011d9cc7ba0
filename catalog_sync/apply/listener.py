"""How apply tells its caller what is happening, without knowing how it is shown."""

from __future__ import annotations

import enum
from typing import Protocol

from catalog_sync.apply.report import OperationResult
from catalog_sync.plan.model import Change

__all__ = ["ApplyListener", "Phase", "SilentListener"]


class Phase(enum.StrEnum):
    CHECKING = "checking the plan against the live catalog"
    APPLYING = "applying"
    VERIFYING = "verifying"


class ApplyListener(Protocol):
    def phase(self, phase: Phase, total: int) -> None:
        """A phase begins; ``total`` is the number of changes in the plan."""

    def started(self, change: Change) -> None: ...

    def finished(self, result: OperationResult) -> None:
        """Every change ends here exactly once, whether done, failed, skipped or not attempted."""


class SilentListener:
    def phase(self, phase: Phase, total: int) -> None:
        pass

    def started(self, change: Change) -> None:
        pass

    def finished(self, result: OperationResult) -> None:
        pass
