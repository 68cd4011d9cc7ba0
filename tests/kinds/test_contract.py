"""The contract as data (docs/contracts.md, "The contract"): the page's tables are generated
from it, the emulator and the live reader take their shapes from it, and the shape check
names every kind of difference."""

from __future__ import annotations

from pathlib import Path

from catalog_sync.emulator import EmulatorConfig, create_app
from catalog_sync.emulator.views import list_items, served
from catalog_sync.graph import Kind
from catalog_sync.kinds import KINDS, LIST_VIEWS
from catalog_sync.kinds.contract import Difference, compare_shape, shape_of
from catalog_sync.live.lookups import TABLES
from catalog_sync.render.contract_docs import with_tables

PAGE = Path(__file__).resolve().parents[2] / "docs" / "contracts.md"


def test_the_contract_tables_in_the_docs_are_generated_from_the_kind_modules() -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert page == with_tables(page), (
        "docs/contracts.md is out of date: python -m catalog_sync.render.contract_docs "
        "docs/contracts.md"
    )


def test_every_kind_and_lookup_table_has_a_contract_saying_documented_or_assumed() -> None:
    contracts = [s.contract for s in KINDS.values()] + [t.contract for t in TABLES.values()]
    for contract in contracts:
        assert contract is not None
        assert contract.where.startswith("catalog_sync/")
        assert Path(PAGE.parents[1] / contract.where).is_file()
        for field in contract.fields:
            assert field.evidence in ("documented", "assumed")
            assert field.source


def test_list_views_come_from_the_contracts_and_services_have_one_model() -> None:
    for spec in KINDS.values():
        if spec.lists:
            assert spec.contract is not None
            assert LIST_VIEWS[spec.read_model] == spec.contract.list_view
    assert KINDS[Kind.SERVICE].list_view is None
    assert KINDS[Kind.PRODUCT].list_view == frozenset({"id", "name", "description", "itemCode"})


def test_the_emulator_serves_each_kind_as_its_contract_says() -> None:
    store = create_app(EmulatorConfig(seed="demo")).state.emulator.store
    service = next(iter(store.services.values()))
    product = store.products_of(service["id"])[0]
    broker = next(iter(store.brokers.values()))
    for kind, record in (
        ("service", service),
        ("product", product),
        ("addon", store.addons_of(product["id"])[0]),
        ("broker", broker),
    ):
        contract = KINDS[Kind(kind)].contract
        assert contract is not None
        [item] = list_items(kind, [record], ())  # type: ignore[arg-type]
        read = served(kind, record, listed=False, variants=())  # type: ignore[arg-type]
        assert compare_shape(contract.fields, item, listed=True) == [], kind
        assert compare_shape(contract.fields, read, listed=False) == [], kind


def test_the_shape_check_names_absent_unexpected_and_retyped_fields_and_no_value() -> None:
    contract = KINDS[Kind.BROKER].contract
    assert contract is not None
    read = {
        "id": "b1",
        "name": 7,
        "registrationNumber": "5566778899",
        "contact": {"name": "Secret Person", "extra": True},
        "surprise": "x",
    }
    found = compare_shape(contract.fields, read, listed=False)
    assert Difference("name", "type", "string", "integer") in found
    assert Difference("address", "absent", "object", "-") in found
    assert Difference("contact.extra", "unexpected", "-", "boolean") in found
    assert Difference("contact.jobTitle", "absent", "string", "-") in found
    assert Difference("surprise", "unexpected", "-", "string") in found
    shape = shape_of(read)
    assert "Secret Person" not in repr(shape)
    assert "5566778899" not in repr(shape)
    assert shape["contact"] == {"name": "string", "extra": "boolean"}
