from catalog_sync.graph import Address, FieldValue, Kind, Resource, ResourceGraph
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


def _list(address: Address, rid: str | None, fields: dict[str, FieldValue]) -> Resource:
    """A price list: its fields are named per item (``p1.price``)."""
    return Resource(address, fields, id=rid)


def _priced_services(count: int, items: int) -> tuple[ResourceGraph, ResourceGraph]:
    """Live: ``count`` services with ``items`` products each, and a SEK price list per service
    with its products' amounts; desired: the same, every SEK price set to 0.01 through the
    lists."""
    live: list[Resource] = []
    wanted: list[Resource] = []
    for n in range(count):
        service = Address.of(Kind.SERVICE, f"S{n}")
        codes = [f"p{i}" for i in range(items)]
        for side, price in ((live, "10.0000"), (wanted, "0.0100")):
            ids = side is live
            side.append(res(service, f"s-{n}" if ids else None, name=f"S{n}"))
            side.extend(
                res(service.child(Kind.PRODUCT, c), f"{n}-{c}" if ids else None, itemCode=c)
                for c in codes
            )
            side.append(
                _list(
                    service.child(Kind.PRICE_LIST, "SEK"),
                    f"s-{n}/SEK" if ids else None,
                    {f"{c}.price": price for c in codes},
                )
            )
    return graph(*wanted), graph(*live)


def test_each_price_list_item_repriced_counts_as_one_update() -> None:
    """Repricing every SEK item through ``prices:`` weighs what repricing every product does
    (issue 24, item 7): it used to count as one update per price list, 3 of 18 here."""
    wanted, live = _priced_services(3, 4)
    body = plan_changes(wanted, live, PlanSettings(max_update_percent=30, min_existing=10))
    assert body.existing == 27  # 3 services, 12 products, 12 price list items
    (finding,) = body.safety
    assert finding.rule is SafetyRule.MAX_UPDATE_PERCENT
    assert finding.message.startswith("12 of 27 existing objects would be updated (44.4%)")


def test_a_price_list_counts_its_items_as_existing_and_as_updated() -> None:
    service = Address.of(Kind.SERVICE, "S")
    prices = service.child(Kind.PRICE_LIST, "SEK")
    products = [service.child(Kind.PRODUCT, f"p{n}") for n in range(8)]
    live_prices = {f"p{n}.price": "10.0000" for n in range(8)}
    live = graph(
        res(service, "s-1", name="S"),
        *(res(p, f"p-{n}", itemCode=f"p{n}") for n, p in enumerate(products)),
        _list(prices, "s-1/SEK", dict(live_prices)),
    )
    wanted = graph(
        res(service, name="S"),
        *(res(p, itemCode=f"p{n}") for n, p in enumerate(products)),
        _list(prices, None, {**live_prices, "p0.price": "9.0000", "p1.price": "9.0000"}),
    )
    settings = PlanSettings(max_update_percent=10, min_existing=1)
    body = plan_changes(wanted, live, settings)
    assert body.existing == 17  # 1 service, 8 products, 8 items of the SEK list
    (finding,) = body.safety
    assert finding.message.startswith("2 of 17 existing objects would be updated (11.8%)")
    assert finding.addresses == (str(prices),)


def test_an_item_this_plan_creates_is_not_an_update_of_the_price_list() -> None:
    service = Address.of(Kind.SERVICE, "S")
    prices = service.child(Kind.PRICE_LIST, "SEK")
    old, new = service.child(Kind.PRODUCT, "old"), service.child(Kind.PRODUCT, "new")
    live = graph(
        res(service, "s-1", name="S"),
        res(old, "p-1", itemCode="old"),
        _list(prices, "s-1/SEK", {"old.price": "1.0000"}),
    )
    wanted = graph(
        res(service, name="S"),
        res(old, itemCode="old"),
        res(new, itemCode="new"),
        _list(prices, None, {"old.price": "1.0000", "new.price": "2.0000"}),
    )
    body = plan_changes(wanted, live, PlanSettings(max_update_percent=0, min_existing=1))
    assert [c.action.value for c in body.changes] == ["create", "update"]
    assert body.safety == ()


def test_every_service_disabled_is_found_though_a_broker_is_kept() -> None:
    """Below minExisting, a services file left out with the brokers file kept (issue 24,
    item 8): the guard is per kind."""
    wanted = graph(res(BROKER, name="B", registrationNumber="123"))
    body = plan_changes(wanted, live_tree(), PlanSettings(prune=True, min_existing=1000))
    (finding,) = body.safety
    assert finding.rule is SafetyRule.DELETE_ALL
    assert finding.overridable
    assert finding.addresses == (str(SERVICE),)
    assert finding.message == (
        "every existing service would be disabled (1 of 1; is a catalog file missing?)"
    )
    assert body.existing_by_kind == {
        Kind.SERVICE: 1,
        Kind.PRODUCT: 1,
        Kind.ADDON: 1,
        Kind.BROKER: 1,
    }


def test_every_broker_deleted_is_found_though_the_services_are_kept() -> None:
    from tests.plan.graphs import ADDON, PRODUCT, PUBLISH

    wanted = graph(
        res(SERVICE, name="Mail", description="old"),
        res(PRODUCT, name="P", itemCode="p1"),
        res(ADDON, name="A", itemCode="a1", price="10.0000"),
        res(PUBLISH, to="allBrokers", regions=(), countries=(), brokers=()),
    )
    body = plan_changes(wanted, live_tree(), PlanSettings(prune=True, min_existing=1000))
    (finding,) = body.safety
    assert finding.rule is SafetyRule.DELETE_ALL
    assert finding.message.startswith("every existing broker would be deleted (1 of 1;")


def test_an_inactive_service_left_is_not_one_kept() -> None:
    wanted = graph(res(BROKER, name="B", registrationNumber="123"))
    live = graph(*live_tree(), res(Address.of(Kind.SERVICE, "Old"), "s-2", active=False))
    body = plan_changes(wanted, live, PlanSettings(prune=True, min_existing=1000))
    assert [f.message[:30] for f in body.safety] == ["every existing service would b"]
