from catalog_sync.graph import Address, Kind
from catalog_sync.plan.diff import plan_changes
from catalog_sync.plan.model import PlanSettings, SafetyRule
from tests.plan.graphs import BROKER, SERVICE, graph, live_tree, res


def test_protected_object_removed_under_prune_is_a_non_overridable_finding() -> None:
    settings = PlanSettings(prune=True, protect=(str(SERVICE),), min_existing=1000)
    body = plan_changes(
        graph(res(BROKER, name="B", registrationNumber="123")), live_tree(), settings
    )
    (finding,) = [f for f in body.safety if f.rule is SafetyRule.PROTECT]
    assert finding.addresses == (str(SERVICE),)
    assert not finding.overridable
    assert "--force does not lift" in finding.remedy


def test_removing_every_service_and_broker_trips_the_empty_catalog_guard() -> None:
    body = plan_changes(graph(), live_tree(), PlanSettings(prune=True, min_existing=1000))
    rules = {f.rule for f in body.safety}
    assert rules == {SafetyRule.DELETE_ALL}


def test_thresholds_apply_only_from_min_existing() -> None:
    live = graph(
        *[res(Address.of(Kind.BROKER, str(n)), f"b-{n}", name=f"old {n}") for n in range(10)]
    )
    wanted = graph(
        *[res(Address.of(Kind.BROKER, str(n)), name=f"new {n}") for n in range(4)],
        *[res(Address.of(Kind.BROKER, str(n)), name=f"old {n}") for n in range(4, 10)],
    )
    settings = PlanSettings(max_update_percent=30, min_existing=10)
    (finding,) = plan_changes(wanted, live, settings).safety
    assert finding.rule is SafetyRule.MAX_UPDATE_PERCENT
    assert finding.overridable
    assert finding.message == (
        "4 of 10 existing objects would be updated (40.0%), over the 30% threshold"
    )
    assert plan_changes(wanted, live, settings.model_copy(update={"min_existing": 11})).safety == ()
    assert (
        plan_changes(wanted, live, settings.model_copy(update={"max_update_percent": 40})).safety
        == ()
    )


def test_protection_below_a_removed_object_counts() -> None:
    from tests.plan.graphs import ADDON, PRODUCT, PUBLISH

    wanted = graph(
        res(SERVICE, name="Mail"),
        res(PUBLISH, to="allBrokers", regions=(), countries=(), brokers=()),
        res(BROKER, name="B", registrationNumber="123"),
    )
    settings = PlanSettings(prune=True, protect=(str(ADDON),), min_existing=1000)
    body = plan_changes(wanted, live_tree(), settings)
    (finding,) = body.safety
    assert finding.rule is SafetyRule.PROTECT
    assert finding.addresses == (str(PRODUCT),)


def test_deleting_a_product_counts_its_addons_as_removed() -> None:
    from tests.plan.graphs import ADDON, PRODUCT, PUBLISH

    wanted = graph(
        res(SERVICE, name="Mail"),
        res(PUBLISH, to="allBrokers", regions=(), countries=(), brokers=()),
        res(BROKER, name="B", registrationNumber="123"),
    )
    body = plan_changes(
        wanted, live_tree(), PlanSettings(prune=True, min_existing=1, max_delete_percent=30)
    )
    (finding,) = body.safety
    assert finding.rule is SafetyRule.MAX_DELETE_PERCENT
    assert finding.addresses == (str(PRODUCT), str(ADDON))
    assert finding.message.startswith("2 of 4 existing objects would be removed (50.0%)")
