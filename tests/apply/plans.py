"""Small hand-made plans and changes for unit tests."""

from __future__ import annotations

from typing import Any

from catalog_sync.graph import Kind
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


def change(address: str, kind: Kind, action: Action, **fields: Any) -> Change:
    return Change(address=address, kind=kind, action=action, **fields)


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
