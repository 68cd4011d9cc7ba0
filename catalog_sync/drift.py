"""Drift: how the live catalog differs from the files, without planning a change to it.

Drift is a view of the plan, not a second diff: the planner compares the two graphs (with the
same matching, defaults and ignore rules), and each planned change is read back as the drift
that causes it. What plans nothing but still drifted is added from the plan's unmanaged list:
an object created in the UI changes no plan (without prune), yet a cron must notice it.

The report's ``digest`` covers what drifted and how (addresses, kinds, fields and both
values, the target), not ids, file positions or the time, and entries are sorted first, so the
same drift gives the same digest whatever the order of reads: an alert keyed by it fires once
per distinct drift. See docs/contracts.md, "Drift".
"""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import Field

from catalog_sync.diagnostics import SourceLocation
from catalog_sync.graph import Address, FieldValue, Kind
from catalog_sync.immutable import Immutable
from catalog_sync.kinds import KINDS
from catalog_sync.plan.digest import digest_of
from catalog_sync.plan.model import (
    Action,
    CatalogRef,
    Change,
    IgnoreRule,
    Plan,
    SafetyFinding,
    Target,
    Unmanaged,
)

__all__ = ["DriftEntry", "DriftKind", "DriftReport", "FieldDrift", "drift_of"]


class DriftKind(enum.StrEnum):
    CHANGED = "changed"  # exists on both sides, fields differ
    MISSING = "missing"  # in the files, not live
    DISABLED = "disabled"  # a service the files describe is disabled live
    UNMANAGED = "unmanaged"  # live, not in the files


class FieldDrift(Immutable):
    path: str
    live: FieldValue
    files: FieldValue
    source: SourceLocation | None = None


class DriftEntry(Immutable):
    address: Address
    kind: Kind
    drift: DriftKind
    id: str | None = Field(default=None, description="The live object's id; null when missing.")
    fields: tuple[FieldDrift, ...] = ()
    below: int = Field(
        default=0, description="Objects below it that drifted with it (missing or unmanaged)."
    )
    source: SourceLocation | None = None


class DriftReport(Immutable):
    tool_version: str
    created_at: datetime
    target: Target
    catalog: CatalogRef
    ignore: tuple[IgnoreRule, ...] = ()
    entries: tuple[DriftEntry, ...]
    policy: tuple[SafetyFinding, ...] = Field(
        default=(),
        description="Pricing-policy findings on the live catalog as read, such as a margin "
        "eroded by a cost raised in the UI (settings.policies).",
    )
    digest: str = Field(description="Stable over the same drift; 'sha256:' and 32 hex digits.")

    @property
    def drifted(self) -> bool:
        """Drift, or a live price row that breaks a policy (a cron must notice either)."""
        return bool(self.entries) or bool(self.policy)

    def count(self, kind: DriftKind) -> int:
        return sum(1 for entry in self.entries if entry.drift is kind)


def drift_of(plan: Plan) -> DriftReport:
    planned = {change.address for change in plan.changes}
    created = {c.address for c in plan.changes if c.action is Action.CREATE}
    entries = [
        _from_change(change, planned) for change in plan.changes if change.parent not in created
    ]
    entries += [
        DriftEntry(
            address=entry.address,
            kind=entry.kind,
            drift=DriftKind.UNMANAGED,
            id=entry.id,
            below=entry.descendants,
        )
        for entry in plan.unmanaged
        if entry.address not in planned and not _retired(entry)
    ]
    entries.sort(key=lambda entry: (entry.address.sort_key(), entry.drift))
    return DriftReport(
        tool_version=plan.tool_version,
        created_at=plan.created_at,
        target=plan.target,
        catalog=plan.catalog,
        ignore=plan.settings.ignore,
        entries=tuple(entries),
        policy=plan.live_policy,
        digest=_digest(plan.target, entries, plan.live_policy),
    )


def _from_change(change: Change, planned: set[Address]) -> DriftEntry:
    """What the change would repair; a change under a missing parent is left to it."""
    fields = tuple(
        FieldDrift(path=f.path, live=f.before, files=f.after, source=f.source)
        for f in change.field_changes
    )
    common = {"address": change.address, "kind": change.kind, "id": change.id}
    if change.action is Action.CREATE:
        below = sum(1 for address in planned if change.address in address.ancestors())
        return DriftEntry(drift=DriftKind.MISSING, below=below, source=change.source, **common)
    if change.action.removes:
        return DriftEntry(drift=DriftKind.UNMANAGED, **common)
    drift = DriftKind.DISABLED if change.action is Action.ENABLE else DriftKind.CHANGED
    return DriftEntry(drift=drift, fields=fields, source=change.source, **common)


def _retired(entry: Unmanaged) -> bool:
    """A disabled object the files do not describe is where prune leaves one of a kind it
    disables (Cloudmore cannot delete a service): not drift."""
    return KINDS[entry.kind].removal == "disable" and not entry.active


def _digest(target: Target, entries: list[DriftEntry], policy: tuple[SafetyFinding, ...]) -> str:
    # Policy findings join the digest only when there are any, so a report without them keeps
    # the digest it always had (alerts keyed by it stay quiet).
    extra = {"policy": [[f.rule.value, f.message] for f in policy]} if policy else {}
    drifted = [
        [entry.address, entry.drift.value, [[f.path, f.live, f.files] for f in entry.fields]]
        for entry in entries
    ]
    body = {**extra, "target": [target.api_url, target.seller_id], "entries": drifted}
    return digest_of(body, digits=32)
