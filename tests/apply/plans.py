"""Small hand-made plans and changes for unit tests."""

from __future__ import annotations

from typing import Any

from catalog_sync.graph import Address, Kind
from catalog_sync.plan.model import (
    Action,
    CatalogRef,
    Change,
    Plan,
    PlanSettings,
    SafetyFinding,
    Summary,
    Target,
)
from tests.apply.support import NOW

TARGET = Target(api_url="http://emulator.test", seller_id="11111111-1111-4111-8111-111111111111")
CATALOG = CatalogRef(path="catalogs/example", digest="sha256:" + "0" * 64)


FINGERPRINT = "sha256:" + "f" * 32
SUBTREE = "sha256:" + "e" * 32


def change(address: str, kind: Kind, action: Action, **fields: Any) -> Change:
    """A change carrying what its action needs (fingerprint, subtree, parent and its id)
    unless the test gives them."""
    at = Address.parse(address)
    needs: dict[str, Any] = {"parent": at.parent}
    if action is not Action.CREATE and (action is not Action.PUBLISH or "id" in fields):
        needs["fingerprint"] = FINGERPRINT
        if at.parent is not None:
            needs["parent_id"] = fields["id"] if action is Action.PUBLISH else "parent-id"
    if action.removes:
        needs["subtree"] = SUBTREE
    return Change(address=address, kind=kind, action=action, **{**needs, **fields})


def plan_of(
    *changes: Change,
    safety: tuple[SafetyFinding, ...] = (),
    settings: PlanSettings | None = None,
    target: Target = TARGET,
) -> Plan:
    return Plan(
        tool_version="0.1.0",
        created_at=NOW,
        target=target,
        catalog=CATALOG,
        settings=settings or PlanSettings(),
        changes=changes,
        unmanaged=(),
        safety=safety,
        summary=Summary(),
    )
