"""Verification: every applied change, re-read, must hold what was written."""

from __future__ import annotations

from catalog_sync.apply.report import Mismatch, OperationResult, Outcome
from catalog_sync.apply.verify import verify
from catalog_sync.graph import Address, Kind, Resource, ResourceGraph
from catalog_sync.live.lookups import Lookups
from catalog_sync.live.reader import LiveCatalog
from catalog_sync.plan.model import Action, Change, FieldChange
from tests.apply.plans import change

SERVICE = Address.of(Kind.SERVICE, "S")
PRODUCT = SERVICE.child(Kind.PRODUCT, "p")
_NAMED = (FieldChange(path="name", before=None, after="S"),)
NO_LOOKUPS = Lookups()


def _live(*resources: Resource) -> LiveCatalog:
    graph = ResourceGraph({r.address: r for r in resources})
    return LiveCatalog(graph, NO_LOOKUPS, {}, {})


def _results(*pairs: tuple[Change, Outcome]) -> dict[str, OperationResult]:
    return {
        c.address: OperationResult(
            address=c.address, kind=c.kind, action=c.action, outcome=outcome, id=c.id
        )
        for c, outcome in pairs
    }


def test_fields_that_read_back_differently_are_named() -> None:
    update = change(
        str(PRODUCT),
        Kind.PRODUCT,
        Action.UPDATE,
        id="p-1",
        field_changes=(FieldChange(path="price", before="10.0000", after="12.0000"),),
    )
    live = _live(Resource(PRODUCT, {"price": "10.0000", "name": "P"}, id="p-1"))
    assert verify([update], _results((update, Outcome.DONE)), live) == (
        Mismatch(address=str(PRODUCT), field="price", expected="12.0000", actual="10.0000"),
    )


def test_a_created_object_that_is_missing_and_a_deleted_one_still_there() -> None:
    create = change(str(SERVICE), Kind.SERVICE, Action.CREATE, field_changes=_NAMED)
    delete = change(str(PRODUCT), Kind.PRODUCT, Action.DELETE, id="p-1")
    live = _live(Resource(PRODUCT, {}, id="p-1"))
    found = verify([create, delete], _results((create, Outcome.DONE), (delete, Outcome.DONE)), live)
    assert found == (
        Mismatch(address=str(SERVICE), field="(object)", expected="present", actual="absent"),
        Mismatch(address=str(PRODUCT), field="(object)", expected="absent", actual="present"),
    )


def test_service_status_after_enable_and_disable() -> None:
    enable = change(str(SERVICE), Kind.SERVICE, Action.ENABLE, id="s-1")
    still_disabled = _live(Resource(SERVICE, {"name": "S"}, id="s-1", active=False))
    assert verify([enable], _results((enable, Outcome.DONE)), still_disabled) == (
        Mismatch(address=str(SERVICE), field="status", expected="Active", actual="Disabled"),
    )
    disable = change(str(SERVICE), Kind.SERVICE, Action.DISABLE, id="s-1")
    still_active = _live(Resource(SERVICE, {"name": "S"}, id="s-1"))
    assert verify([disable], _results((disable, Outcome.DONE)), still_active) == (
        Mismatch(address=str(SERVICE), field="status", expected="Disabled", actual="Active"),
    )


def test_a_publish_is_checked_on_its_service_and_a_renamed_object_is_found_by_id() -> None:
    publish = change(
        f"{SERVICE}.publish",
        Kind.PUBLISH,
        Action.PUBLISH,
        id="s-1",
        field_changes=(FieldChange(path="to", before="none", after="allBrokers"),),
    )
    renamed = Address.of(Kind.SERVICE, "Old name")
    live = _live(
        Resource(renamed, {}, id="s-1"),
        Resource(renamed.child(Kind.PUBLISH), {"to": "none", "brokers": ()}, id="s-1"),
    )
    assert verify([publish], _results((publish, Outcome.DONE)), live) == (
        Mismatch(address=publish.address, field="to", expected="allBrokers", actual="none"),
    )


def test_changes_that_did_not_run_are_not_verified() -> None:
    create = change(str(SERVICE), Kind.SERVICE, Action.CREATE, field_changes=_NAMED)
    for outcome in (Outcome.FAILED, Outcome.SKIPPED, Outcome.NOT_ATTEMPTED):
        assert verify([create], _results((create, outcome)), _live()) == ()


def test_a_written_field_the_re_read_lacks_is_a_failure_not_a_pass() -> None:
    # A write the server ignored may read back as nothing at all (docs/contracts.md,
    # "Unreadable fields"): that is no success either.
    update = change(
        str(PRODUCT),
        Kind.PRODUCT,
        Action.UPDATE,
        id="p-1",
        field_changes=(FieldChange(path="price", before="10.0000", after="12.0000"),),
    )
    enable = change(str(SERVICE), Kind.SERVICE, Action.ENABLE, id="s-1")
    live = _live(
        Resource(PRODUCT, {"name": "P"}, id="p-1", unreadable=frozenset({"price"})),
        Resource(SERVICE, {"name": "S"}, id="s-1", unreadable=frozenset({"status"})),
    )
    found = verify([update, enable], _results((update, Outcome.DONE), (enable, Outcome.DONE)), live)
    assert found == (
        Mismatch(
            address=str(PRODUCT), field="price", expected="12.0000", actual=None, unreadable=True
        ),
        Mismatch(
            address=str(SERVICE), field="status", expected="Active", actual=None, unreadable=True
        ),
    )
