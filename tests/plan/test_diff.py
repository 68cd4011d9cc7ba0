from catalog_sync.graph import Kind, Resource
from catalog_sync.plan.diff import plan_changes
from catalog_sync.plan.model import Action, Change, PlanSettings, fingerprint
from tests.plan.graphs import ADDON, BROKER, PRODUCT, PUBLISH, SERVICE, graph, live_tree, res

SETTINGS = PlanSettings(min_existing=1000)


def desired_tree(price: str = "10.0000", description: str = "old") -> list[Resource]:
    return [
        res(SERVICE, name="Mail", description=description),
        res(PRODUCT, name="P", itemCode="p1"),
        res(ADDON, name="A", itemCode="a1", price=price),
        res(PUBLISH, to="allBrokers", regions=(), countries=(), brokers=()),
        res(BROKER, name="B", registrationNumber="123"),
    ]


def test_identical_graphs_plan_nothing() -> None:
    body = plan_changes(graph(*desired_tree()), live_tree(), SETTINGS)
    assert body.changes == ()
    assert body.summary.unchanged == 5
    assert body.unmanaged == ()


def test_empty_live_creates_everything_parents_first() -> None:
    body = plan_changes(graph(*desired_tree()), graph(), SETTINGS)
    assert [(c.address, c.action) for c in body.changes] == [
        ('broker["123"]', Action.CREATE),
        ('service["Mail"]', Action.CREATE),
        ('service["Mail"].product["p1"]', Action.CREATE),
        ('service["Mail"].product["p1"].addon["a1"]', Action.CREATE),
        ('service["Mail"].publish', Action.PUBLISH),
    ]
    by_address: dict[str, Change] = {c.address: c for c in body.changes}
    assert by_address[str(PRODUCT)].depends_on == (str(SERVICE),)
    assert by_address[str(ADDON)].depends_on == (str(PRODUCT),)
    assert by_address[str(PUBLISH)].depends_on == (str(SERVICE), str(PRODUCT), str(ADDON))


def test_changed_field_is_an_update_with_only_that_field() -> None:
    body = plan_changes(graph(*desired_tree(price="12.0000")), live_tree(), SETTINGS)
    (change,) = body.changes
    assert change.action is Action.UPDATE
    assert change.id == "a-1"
    assert change.parent_id == "p-1"
    assert [(f.path, f.before, f.after) for f in change.field_changes] == [
        ("price", "10.0000", "12.0000")
    ]
    assert change.written() == {"price": "12.0000"}  # apply writes it over the re-read object
    assert change.fingerprint is not None
    assert change.fingerprint.startswith("sha256:")


def test_missing_field_in_files_is_dont_care() -> None:
    wanted = desired_tree()
    wanted[0] = res(SERVICE, name="Mail")  # description left out
    body = plan_changes(graph(*wanted), live_tree(), SETTINGS)
    assert body.changes == ()


def test_disabled_service_is_enabled_with_its_updates() -> None:
    body = plan_changes(graph(*desired_tree(description="new")), live_tree(active=False), SETTINGS)
    (change,) = body.changes
    assert change.action is Action.ENABLE
    assert [f.path for f in change.field_changes] == ["description"]


def test_unmanaged_objects_are_reported_and_only_pruned_when_asked() -> None:
    live = live_tree()
    wanted = graph(*desired_tree()[:2], desired_tree()[3], desired_tree()[4])  # no addon
    body = plan_changes(wanted, live, SETTINGS)
    assert body.changes == ()
    assert [(u.address, u.action) for u in body.unmanaged] == [(str(ADDON), None)]

    pruned = plan_changes(wanted, live, SETTINGS.model_copy(update={"prune": True}))
    assert [(c.address, c.action) for c in pruned.changes] == [(str(ADDON), Action.DELETE)]


def test_prune_disables_a_service_but_does_not_touch_its_children() -> None:
    live = live_tree()
    body = plan_changes(graph(desired_tree()[4]), live, PlanSettings(prune=True))
    assert [(c.address, c.action) for c in body.changes] == [(str(SERVICE), Action.DISABLE)]
    (unmanaged,) = body.unmanaged
    assert unmanaged.descendants == 2


def test_broker_delete_waits_for_publish_that_drops_it() -> None:
    live = live_tree()
    resources = dict(live.resources)
    resources[PUBLISH] = res(
        PUBLISH, "s-1", to="brokers", brokers=("123",), regions=(), countries=()
    )
    wanted = graph(*desired_tree()[:4])
    body = plan_changes(wanted, type(live)(resources), PlanSettings(prune=True, min_existing=1000))
    by_address: dict[str, Change] = {c.address: c for c in body.changes}
    assert by_address[str(BROKER)].action is Action.DELETE
    assert by_address[str(BROKER)].depends_on == (str(PUBLISH),)


def test_publish_waits_for_a_broker_created_in_the_same_run() -> None:
    wanted = desired_tree()
    wanted[3] = res(PUBLISH, to="brokers", regions=(), countries=(), brokers=("123",))
    body = plan_changes(
        graph(*wanted), graph(*[r for r in live_tree() if r.kind != Kind.BROKER]), SETTINGS
    )
    by_address: dict[str, Change] = {c.address: c for c in body.changes}
    assert by_address[str(PUBLISH)].depends_on == (str(BROKER),)


def test_pinned_id_turns_a_rename_into_an_update() -> None:
    renamed = SERVICE.__class__.of(Kind.SERVICE, "Mail Pro")
    wanted = [
        res(renamed, "s-1", name="Mail Pro", description="old"),
        res(renamed.child(Kind.PRODUCT, "p1"), name="P", itemCode="p1"),
    ]
    body = plan_changes(graph(*wanted), live_tree(), SETTINGS)
    assert [(c.address, c.action) for c in body.changes] == [('service["Mail Pro"]', Action.UPDATE)]
    assert body.changes[0].field_changes[0].after == "Mail Pro"
    assert {u.address for u in body.unmanaged} == {
        str(BROKER),
        'service["Mail Pro"].product["p1"].addon["a1"]',
    }


def test_duplicate_live_objects_are_reported_as_unmanaged() -> None:
    duplicate = res(SERVICE, "s-2", name="Mail")
    live = live_tree()
    body = plan_changes(graph(*desired_tree()), graph(*live, duplicates=(duplicate,)), SETTINGS)
    assert body.changes == ()
    assert [(u.address, u.id) for u in body.unmanaged] == [(str(SERVICE), "s-2")]


def test_a_key_differing_only_in_case_is_the_same_object() -> None:
    renamed = SERVICE.__class__.of(Kind.SERVICE, "MAIL")
    wanted = [res(renamed, name="MAIL", description="old")]
    body = plan_changes(graph(*wanted), live_tree(), SETTINGS)
    creates = [c for c in body.changes if c.action is Action.CREATE]
    assert creates == []
    (update,) = [c for c in body.changes if c.address == str(renamed)]
    assert [(f.path, f.before, f.after) for f in update.field_changes] == [("name", "Mail", "MAIL")]


def test_a_pinned_broker_renumbered_keeps_publish_settings_that_name_it() -> None:
    live = dict(live_tree().resources)
    live[PUBLISH] = res(PUBLISH, "s-1", to="brokers", regions=(), countries=(), brokers=("123",))
    renumbered = BROKER.__class__.of(Kind.BROKER, "124")
    wanted = desired_tree()
    wanted[3] = res(PUBLISH, to="brokers", regions=(), countries=(), brokers=("124",))
    wanted[4] = res(renumbered, "b-1", name="B", registrationNumber="124")
    body = plan_changes(graph(*wanted), graph(*live.values()), SETTINGS)
    assert [(c.address, c.action) for c in body.changes] == [('broker["124"]', Action.UPDATE)]


def test_fingerprints_are_of_live_objects_as_read_even_when_matching_rewrote_them() -> None:
    live = dict(live_tree().resources)
    as_read = res(PUBLISH, "s-1", to="brokers", regions=(), countries=(), brokers=("123",))
    live[PUBLISH] = as_read
    renumbered = BROKER.__class__.of(Kind.BROKER, "124")
    wanted = desired_tree()
    wanted[3] = res(PUBLISH, to="allBrokers", regions=(), countries=(), brokers=())
    wanted[4] = res(renumbered, "b-1", name="B", registrationNumber="124")
    body = plan_changes(graph(*wanted), graph(*live.values()), SETTINGS)
    (publish,) = [c for c in body.changes if c.action is Action.PUBLISH]
    assert publish.fingerprint == fingerprint(as_read)


def test_children_written_under_a_service_being_enabled_wait_for_the_enable() -> None:
    body = plan_changes(graph(*desired_tree(price="12.0000")), live_tree(active=False), SETTINGS)
    by_address: dict[str, Change] = {c.address: c for c in body.changes}
    assert by_address[str(SERVICE)].action is Action.ENABLE
    assert by_address[str(ADDON)].depends_on == ()  # its parent product is not changing
    wanted = desired_tree()
    wanted.append(res(SERVICE.child(Kind.PRODUCT, "p2"), name="New", itemCode="p2"))
    body = plan_changes(graph(*wanted), live_tree(active=False), SETTINGS)
    new_product = next(c for c in body.changes if c.address.endswith('product["p2"]'))
    assert new_product.depends_on == (str(SERVICE),)
