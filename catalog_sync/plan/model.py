"""The Plan: immutable data, saved as versioned JSON and rendered by separate renderers.

A plan holds, per resource, one action with its field changes, the full field values the
applier will write, the dependencies that order the work, and the fingerprint of the live
object it was computed from (so ``apply plan.json`` can refuse a stale plan).
"""

from __future__ import annotations

import enum
import hashlib
import json
from datetime import datetime
from typing import Literal

from pydantic import Field

from catalog_sync.diagnostics import SourceLocation
from catalog_sync.graph import Address, FieldValue, Kind, Resource
from catalog_sync.immutable import Immutable
from catalog_sync.pricing.model import ChangeClass, PolicyDetail, RepricedRow

__all__ = [
    "FORMAT_VERSION",
    "Action",
    "CatalogRef",
    "Change",
    "FieldChange",
    "IgnoreRule",
    "Origin",
    "Plan",
    "PlanBody",
    "PlanHeader",
    "PlanSettings",
    "PolicyExemption",
    "PolicySettings",
    "SafetyFinding",
    "SafetyRule",
    "Summary",
    "Target",
    "Unmanaged",
    "fingerprint",
]

FORMAT_VERSION = 1


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    DISABLE = "disable"
    ENABLE = "enable"
    PUBLISH = "publish"

    @property
    def removes(self) -> bool:
        return self in (Action.DELETE, Action.DISABLE)


class Origin(enum.StrEnum):
    """Why a change is in a plan made with ``--baseline`` (the base branch's catalog)."""

    INTRODUCED = "introduced"  # the pull request's edit of the files causes it
    PRE_EXISTING = "pre-existing"  # already pending against the base catalog


class FieldChange(Immutable):
    """One managed field that differs: ``path: before -> after``."""

    path: str
    before: FieldValue
    after: FieldValue
    source: SourceLocation | None = None


class Change(Immutable):
    address: Address
    kind: Kind
    action: Action
    id: str | None = Field(default=None, description="The live object's id; null for a create.")
    parent: Address | None = None
    parent_id: str | None = Field(
        default=None, description="The live parent's id, when the parent exists already."
    )
    depends_on: tuple[Address, ...] = Field(
        default=(), description="Addresses of changes in this plan that must succeed first."
    )
    field_changes: tuple[FieldChange, ...] = ()
    desired: dict[str, FieldValue] | None = Field(
        default=None,
        description="Every managed field as it will be written (absent for delete/disable).",
    )
    live: dict[str, FieldValue] | None = Field(
        default=None, description="Every managed field as it was read (absent for a create)."
    )
    fingerprint: str | None = Field(
        default=None, description="Fingerprint of the live object the change was planned from."
    )
    subtree: str | None = Field(
        default=None,
        description="For a delete or disable: digest of every object below it, as planned.",
    )
    protect: bool = False
    source: SourceLocation | None = None
    origin: Origin | None = Field(
        default=None,
        description="introduced or pre-existing, when planned with --baseline; else null.",
    )
    classes: tuple[ChangeClass, ...] = Field(
        default=(),
        description="What kind of change it is: price-increase, price-decrease, cost-change, "
        "new-sku, retire, publish-change, content (docs/policies.md).",
    )


class Unmanaged(Immutable):
    """A live object with no counterpart in the files."""

    address: Address
    kind: Kind
    id: str
    active: bool = True
    descendants: int = Field(default=0, description="Products and addons below it.")
    action: Action | None = Field(
        default=None, description="delete or disable when prune is on, else null."
    )


class SafetyRule(enum.StrEnum):
    PROTECT = "protect"
    MAX_UPDATE_PERCENT = "maxUpdatePercent"
    MAX_DELETE_PERCENT = "maxDeletePercent"
    DELETE_ALL = "deleteAll"
    # Pricing policies (settings.policies, docs/policies.md).
    MIN_MARGIN_PERCENT = "minMarginPercent"
    MAX_PRICE_CHANGE_PERCENT = "maxPriceChangePercent"
    RECOMMENDED_AT_LEAST_PRICE = "recommendedAtLeastPrice"


class SafetyFinding(Immutable):
    rule: SafetyRule
    message: str
    addresses: tuple[Address, ...] = ()
    overridable: bool = Field(description="True when --force lifts it; protect never is.")
    remedy: str
    policy: PolicyDetail | None = Field(
        default=None, description="For a pricing-policy finding: the row and values it names."
    )


class Summary(Immutable):
    create: int = 0
    update: int = 0
    delete: int = 0
    disable: int = 0
    enable: int = 0
    publish: int = 0
    unmanaged: int = 0
    unchanged: int = 0
    classes: dict[ChangeClass, int] = Field(
        default_factory=dict, description="How many changes carry each change class."
    )

    @property
    def changes(self) -> int:
        return self.create + self.update + self.delete + self.disable + self.enable + self.publish


class IgnoreRule(Immutable):
    """``settings.ignore``: fields not compared on objects matching an address pattern."""

    address: str
    fields: tuple[str, ...]


class PolicySettings(Immutable):
    """``settings.policies``: the pricing rules (docs/policies.md); null is off."""

    min_margin_percent: float | None = None
    max_price_change_percent: float | None = None
    recommended_at_least_price: bool = False


class PolicyExemption(Immutable):
    """``policyExempt`` on an object: the policies that do not apply to it."""

    address: Address
    rules: tuple[SafetyRule, ...]


class PlanSettings(Immutable):
    prune: bool = False
    max_update_percent: float = 30.0
    max_delete_percent: float = 30.0
    min_existing: int = 10
    protect: tuple[Address, ...] = ()
    ignore: tuple[IgnoreRule, ...] = ()
    policies: PolicySettings | None = None
    exempt: tuple[PolicyExemption, ...] = ()


class Target(Immutable):
    api_url: str
    seller_id: str


class CatalogRef(Immutable):
    path: str
    digest: str


class PlanBody(Immutable):
    """What the pure planner computes from two graphs."""

    changes: tuple[Change, ...]
    unmanaged: tuple[Unmanaged, ...]
    safety: tuple[SafetyFinding, ...]
    summary: Summary
    existing: int = Field(
        default=0, description="Live objects the thresholds are measured against."
    )
    exempted: tuple[SafetyFinding, ...] = Field(
        default=(), description="Pricing-policy findings that policyExempt silenced."
    )
    prices: tuple[RepricedRow, ...] = Field(
        default=(), description="The price rows the plan changes, before and after."
    )
    live_policy: tuple[SafetyFinding, ...] = Field(
        default=(),
        description="Pricing-policy findings on the live catalog as read (drift reports them; "
        "apply does not enforce them).",
    )


class PlanHeader(Immutable):
    """What a plan records beside the planner's body: what it was made from, and by what."""

    format_version: Literal[1] = 1
    digest: str | None = Field(
        default=None, description="SHA-256 of the saved body (catalog_sync/plan/digest.py)."
    )
    tool_version: str
    created_at: datetime
    target: Target
    catalog: CatalogRef
    settings: PlanSettings
    lookups: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Names used by the plan, resolved to ids: categories, regions, "
        "countries, emailTemplates.",
    )


# Fields are the header's, then the body's: pydantic orders them from the last base on.
class Plan(PlanBody, PlanHeader):
    """A saved plan: what it was made from, then what the planner computed."""

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)


def fingerprint(resource: Resource) -> str:
    """A stable digest of what a live object was when planned: id, status and fields."""
    canonical = json.dumps(
        {"id": resource.id, "active": resource.active, "fields": dict(resource.fields)},
        sort_keys=True,
        separators=(",", ":"),
        default=list,
    )
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]
