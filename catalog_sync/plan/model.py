"""The Plan: immutable data, saved as versioned JSON and rendered by separate renderers.

A plan holds, per resource, one action with the field changes the applier writes (the one
before/after representation a reviewer reads), the dependencies that order the work, and the
fingerprint of the live object it was computed from (so ``apply plan.json`` can refuse a stale
plan).
"""

from __future__ import annotations

import enum
from collections import Counter
from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from catalog_sync.diagnostics import SourceLocation
from catalog_sync.graph import Address, FieldValue, Kind, Resource, ResourceGraph
from catalog_sync.immutable import Immutable
from catalog_sync.kinds import KINDS, KindSpec
from catalog_sync.plan.digest import digest_of
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
    "RenameHint",
    "SafetyFinding",
    "SafetyRule",
    "Summary",
    "Target",
    "Unmanaged",
    "fingerprint",
]

FORMAT_VERSION = 4


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
    """One action on one object; its fieldChanges are exactly what apply writes."""

    # fieldChanges is the plan's one representation of the fields: a reviewer reads what apply
    # writes, the afters over the object as re-read (README, "How apply stays safe"). What
    # each action must and must not carry is checked whenever a change is made or read, so a
    # plan file that breaks a rule is refused before any request.

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
    field_changes: tuple[FieldChange, ...] = Field(
        default=(),
        description="What apply writes: every field of a create (before null), the changed "
        "fields of an update, enable or publish, none for a delete or disable.",
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

    @model_validator(mode="after")
    def _sound(self) -> Change:
        problems = _change_problems(self)
        if problems:
            raise ValueError(f"{self.address}: {'; '.join(problems)}")
        return self

    def written(self) -> dict[str, FieldValue]:
        """What apply writes: each shown field's ``after``, nothing the reviewer did not see."""
        return {field.path: field.after for field in self.field_changes}


def _change_problems(change: Change) -> list[str]:
    """Every rule ``change`` breaks on its own, each worded for the person who edited it."""
    action, address = change.action, change.address
    spec = KINDS[change.kind]
    problems: list[str] = []
    if address.kind is not change.kind:
        problems.append(f"kind {change.kind.value} does not match the address")
    if not _fits(spec, action):
        problems.append(f"{_a(change.kind)} cannot be given {_a(action)}")
    if change.parent != address.parent:
        problems.append(f"parent {change.parent} is not the address's parent")
    if address in change.depends_on or len(set(change.depends_on)) < len(change.depends_on):
        problems.append("dependsOn names the change itself or one change twice")
    # A publish under a service this plan creates has no live object; one under a live
    # service is planned from its settings (apply refuses it should the fingerprint be lost).
    on_live_object = action not in (Action.CREATE, Action.PUBLISH)
    if action is Action.CREATE and change.id is not None:
        problems.append("a create has no id")
    if on_live_object and not change.id:
        problems.append(f"{_a(action)} needs the live object's id")
    if on_live_object and change.fingerprint is None:
        problems.append(f"{_a(action)} needs the fingerprint of the live object")
    if change.fingerprint is not None and change.id is None:
        problems.append(f"{_a(action)} of no live object has no fingerprint")
    if action.removes != (change.subtree is not None):
        problems.append(f"{_a(action)} {'needs' if action.removes else 'has no'} subtree")
    if address.parent is None and change.parent_id is not None:
        problems.append(f"a top-level {change.kind.value} has no parentId")
    elif address.parent is not None and on_live_object and not change.parent_id:
        problems.append(f"{_a(action)} needs the live parent's id (parentId)")
    if action is Action.PUBLISH and change.id != change.parent_id:
        problems.append("a publish is written under its parent's id: id and parentId differ")
    problems.extend(_field_problems(change, spec))
    return problems


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _fits(spec: KindSpec, action: Action) -> bool:
    if spec.embedded is not None or action is Action.PUBLISH:
        return spec.embedded is not None and action is Action.PUBLISH
    if action.removes:
        return spec.removes and spec.removal == action.value
    if action is Action.CREATE:
        return spec.creates
    return action is not Action.ENABLE or spec.status is not None


def _field_problems(change: Change, spec: KindSpec) -> list[str]:
    action, shown = change.action, change.field_changes
    if action.removes:
        return [f"{_a(action)} writes no fields, so it shows none"] if shown else []
    problems: list[str] = []
    if not shown and action in (Action.UPDATE, Action.PUBLISH):
        problems.append(f"{_a(action)} changes at least one field")
    seen: set[str] = set()
    for field in shown:
        path = field.path
        if path in seen:
            problems.append(f"{path} is shown twice")
        seen.add(path)
        try:
            known = spec.field_for(path)
        except KeyError:
            problems.append(f"{path} is not a field of {_a(change.kind)}")
            continue
        if action is Action.CREATE and field.before is not None:
            problems.append(f"{path}: a create's before is null")
        if field.before == field.after:
            problems.append(f"{path}: before and after are equal, so nothing changes")
        for side, value in (("before", field.before), ("after", field.after)):
            if value is None:
                continue  # no value: what a create's before is, or a field the object lacks
            try:
                normalised = known.to_graph(value)
            except (ValueError, ArithmeticError) as error:
                problems.append(f"{path} {side}: {error}")
                continue
            if normalised != value:
                problems.append(f"{path} {side}: {value!r} is not in its normal form")
    return problems


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


class RenameHint(Immutable):
    """A create that looks like a rename of a live object the plan removes or leaves
    unmanaged: their fields are nearly equal. ``line`` turns it into an update."""

    address: Address = Field(description="The object the plan creates.")
    kind: Kind
    old_address: Address = Field(description="The live object it looks like.")
    old_id: str
    action: Action | None = Field(
        default=None, description="What the plan does with the live one: delete, disable or null."
    )
    line: str = Field(description="The line to add under the new object: `movedFrom: OLD`.")
    source: SourceLocation | None = Field(
        default=None, description="Where the new object is written."
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
    # An update of an object whose read lacks fields it would reset (docs/contracts.md).
    UNREADABLE_RESET = "unreadableReset"


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
    introduced_classes: dict[ChangeClass, int] | None = Field(
        default=None,
        description="With --baseline: how many changes the pull request introduces carry each "
        "class (pre-existing changes, and money fields already pending, left out); null "
        "without --baseline.",
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
    rotate: tuple[str, ...] = Field(
        default=(),
        description="Address patterns (plan --rotate) whose objects are updated to send their "
        "write-only secrets again, though nothing compared differs.",
    )
    currency: str | None = Field(
        default=None,
        description="settings.currency: the base currency of the items' own prices; null "
        "when the files do not declare it.",
    )


class Target(Immutable):
    api_url: str
    seller_id: str
    emulator: bool = Field(
        default=False,
        description="True when the built-in emulator with demo data stood in for Cloudmore "
        "(no API configured): nothing read or written is a live catalog.",
    )


class CatalogRef(Immutable):
    path: str
    digest: str


class Unreadable(Immutable):
    """The managed fields of one kind that live reads lacked: unknown, so never compared and
    never written by an update (docs/contracts.md, "Unreadable fields")."""

    kind: Kind
    fields: tuple[str, ...]
    objects: int = Field(description="How many live objects of the kind lacked any of them.")


def unreadable_fields(live: ResourceGraph) -> tuple[Unreadable, ...]:
    """Once per kind, in plan order: the fields any live object's read lacked."""
    found: dict[Kind, tuple[set[str], list[Address]]] = {}
    for resource in live:
        if resource.unreadable:
            names, objects = found.setdefault(resource.kind, (set(), []))
            names.update(resource.unreadable)
            objects.append(resource.address)
    return tuple(
        Unreadable(kind=kind, fields=tuple(sorted(names)), objects=len(objects))
        for kind, (names, objects) in sorted(found.items(), key=lambda item: item[0].rank)
    )


class PlanBody(Immutable):
    """What the pure planner computes from two graphs."""

    unreadable: tuple[Unreadable, ...] = Field(
        default=(),
        description="Per kind, the managed fields live reads lacked (never compared).",
        exclude_if=lambda value: not value,
    )

    changes: tuple[Change, ...]
    unmanaged: tuple[Unmanaged, ...]
    safety: tuple[SafetyFinding, ...]
    summary: Summary
    existing: int = Field(
        default=0,
        description="Live objects the thresholds are measured against (a price list read "
        "counts its items).",
    )
    existing_by_kind: dict[Kind, int] = Field(
        default_factory=dict,
        description="Active live objects per kind: the every-object guard and the share of "
        "services are measured against them, at plan time and again by apply.",
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
    renames: tuple[RenameHint, ...] = Field(
        default=(),
        description='Creates that look like renames of live objects (README, "Renames").',
    )

    @model_validator(mode="after")
    def _one_change_per_object(self) -> PlanBody:
        counted = Counter(change.address for change in self.changes)
        twice = sorted(address for address, count in counted.items() if count > 1)
        if twice:
            raise ValueError(f"{', '.join(twice)}: more than one change for one object")
        return self


class PlanHeader(Immutable):
    """What a plan records beside the planner's body: what it was made from, and by what."""

    format_version: Literal[4] = 4
    digest: str | None = Field(
        default=None, description="SHA-256 of the saved body (catalog_sync/plan/digest.py)."
    )
    signature: str | None = Field(
        default=None,
        description="HMAC-SHA256 of the saved body under CATALOG_SYNC_PLAN_KEY, when it was set "
        "(catalog_sync/plan/signing.py).",
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
    state = {"id": resource.id, "active": resource.active, "fields": dict(resource.fields)}
    return digest_of(state, ensure_ascii=True, digits=32)
