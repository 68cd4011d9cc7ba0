"""The safety gate: thresholds lifted by --force, protect never."""

from __future__ import annotations

import pytest

from catalog_sync.apply.gate import check_live_safety, check_safety, live_findings
from catalog_sync.errors import SafetyError
from catalog_sync.graph import Kind, Resource, ResourceGraph
from catalog_sync.plan.model import Action, Plan, PlanSettings, SafetyFinding, SafetyRule
from tests.apply.plans import change, plan_of

UPDATES = SafetyFinding(
    rule=SafetyRule.MAX_UPDATE_PERCENT,
    message="8 of 45 existing objects would be updated (17.8%), over the 1% threshold",
    addresses=('service["A"]',),
    overridable=True,
    remedy="raise settings.thresholds.maxUpdatePercent or pass --force",
)
LEGACY = change('service["Legacy"]', Kind.SERVICE, Action.DISABLE, id="s-1", protect=True)
PROTECT = SafetyFinding(
    rule=SafetyRule.PROTECT,
    message="1 protected object(s) would be deleted or disabled",
    addresses=(LEGACY.address,),
    overridable=False,
    remedy="remove `protect: true` ...; --force does not lift this",
)


def test_a_threshold_blocks_without_force_naming_the_rule_and_the_remedy() -> None:
    with pytest.raises(SafetyError) as refused:
        check_safety(plan_of(safety=(UPDATES,)), force=False)
    message = str(refused.value)
    assert "nothing was written" in message
    assert "rule maxUpdatePercent: 8 of 45" in message
    assert "to proceed: raise settings.thresholds.maxUpdatePercent or pass --force" in message


def test_force_lifts_a_threshold_and_says_which() -> None:
    assert check_safety(plan_of(safety=(UPDATES,)), force=True) == (UPDATES,)


def test_protect_blocks_even_with_force() -> None:
    with pytest.raises(SafetyError) as refused:
        check_safety(plan_of(LEGACY, safety=(PROTECT, UPDATES)), force=True)
    message = str(refused.value)
    assert "rule protect" in message
    assert 'service["Legacy"]' in message
    assert "(--force was given)" in message
    assert "maxUpdatePercent" not in message  # lifted by --force; only protect blocks


def test_a_protected_removal_blocks_even_when_the_plan_file_lost_its_finding() -> None:
    with pytest.raises(SafetyError, match="rule protect"):
        check_safety(plan_of(LEGACY), force=True)


def test_a_plan_without_findings_passes() -> None:
    assert (
        check_safety(plan_of(change('service["A"]', Kind.SERVICE, Action.CREATE)), force=False)
        == ()
    )


def _removing_broker(**counts: int) -> tuple[Plan, ResourceGraph]:
    """A plan deleting broker 1001, planned against ``counts`` active objects per kind, and
    apply's scoped read of it: the broker alone, no service (none is touched)."""
    broker = change('broker["1001"]', Kind.BROKER, Action.DELETE, id="b-1")
    plan = plan_of(broker, settings=PlanSettings(prune=True)).model_copy(
        update={"existing_by_kind": {Kind(k): n for k, n in counts.items()}}
    )
    live = ResourceGraph({broker.address: Resource(broker.address, {}, id="b-1")})
    return plan, live


def test_apply_measures_the_every_object_guard_against_the_plans_counts() -> None:
    """Apply's read holds only the broker it deletes; the plan counted two brokers, so one is
    kept and the guard finds nothing, as at plan time (issue 24, item 9)."""
    plan, live = _removing_broker(broker=2, service=4)
    assert live_findings(plan, live) == []


def test_apply_never_counts_fewer_objects_than_it_read() -> None:
    plan, live = _removing_broker()
    (finding,) = live_findings(plan, live)
    assert finding.rule is SafetyRule.DELETE_ALL
    with pytest.raises(SafetyError, match="every existing broker would be deleted"):
        check_live_safety(plan, live, force=False)
