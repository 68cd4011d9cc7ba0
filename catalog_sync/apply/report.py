"""What an apply did, as immutable data: one result per planned change, and what verification
found. Renderers (text, json) turn it into output; nothing here knows about terminals."""

from __future__ import annotations

import enum
from collections import Counter
from datetime import datetime

from pydantic import Field

from catalog_sync.graph import Address, FieldValue, Kind
from catalog_sync.immutable import Immutable
from catalog_sync.plan.model import Action, CatalogRef, Target

__all__ = ["ApplyReport", "Mismatch", "MismatchCause", "OperationResult", "Outcome"]


class Outcome(enum.StrEnum):
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    """A change it depends on failed (or was itself skipped)."""
    NOT_ATTEMPTED = "not_attempted"
    """Never started: --fail-fast or an interruption (Ctrl-C) stopped scheduling."""


class OperationResult(Immutable):
    address: Address
    kind: Kind
    action: Action
    outcome: Outcome
    id: str | None = Field(default=None, description="The object's id (the new id of a create).")
    reason: str | None = Field(
        default=None, description="Why it failed (the server's reason) or why it was skipped."
    )
    blocked_by: str | None = Field(
        default=None, description="For a skipped change: the failed change that caused it."
    )
    seconds: float | None = None


class MismatchCause(enum.StrEnum):
    """Why a field read back is not what was written, as far as a read can tell."""

    NOT_WRITTEN = "not-written"
    """It still holds what it held right before the write: the write did not set it."""
    CHANGED_AFTER = "changed-after"
    """It holds neither what was written nor what was there before: changed by someone else
    after the write (or stored otherwise than sent)."""


class Mismatch(Immutable):
    """A managed field that, re-read after apply, is not what the plan wrote, or that the
    re-read lacks (``unreadable``: a write the server may have ignored is no success)."""

    address: Address
    field: str
    expected: FieldValue
    actual: FieldValue
    cause: MismatchCause | None = Field(
        default=None,
        description="not-written or changed-after, when the object was re-read right before "
        "its write (an update); null when unknown (a create).",
    )
    unreadable: bool = Field(default=False, exclude_if=lambda value: not value)


class ApplyReport(Immutable):
    target: Target
    catalog: CatalogRef
    started_at: datetime
    finished_at: datetime
    results: tuple[OperationResult, ...] = ()
    verified: bool = Field(
        default=False, description="True when the live state was re-read and compared."
    )
    verify_error: str | None = Field(
        default=None, description="Why verification could not re-read the live state."
    )
    mismatches: tuple[Mismatch, ...] = ()
    forced: tuple[str, ...] = Field(
        default=(), description="Safety rules that --force lifted for this run."
    )
    lifted: tuple[str, ...] = Field(
        default=(),
        description="Each finding --force lifted, as 'rule: message' (which item, currency "
        "and values, for a pricing policy).",
    )
    journal: str | None = None
    interrupted: bool = Field(
        default=False, description="True when Ctrl-C stopped the run (nothing was verified)."
    )

    @property
    def counts(self) -> dict[Outcome, int]:
        found = Counter(result.outcome for result in self.results)
        return {outcome: found[outcome] for outcome in Outcome}

    @property
    def ok(self) -> bool:
        """Everything applied and verified."""
        everything_done = all(r.outcome is Outcome.DONE for r in self.results)
        checked = self.verified or not self.results
        return (
            everything_done
            and checked
            and not self.mismatches
            and self.verify_error is None
            and not self.interrupted
        )
