"""Semantic checks, each on a small catalog built from the same valid service."""

from pathlib import Path

import pytest

from catalog_sync.catalog import load_catalog
from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.errors import CatalogError
from catalog_sync.kinds.addon import ALLOWED_PRICE_PER
from tests.catalog.files import BROKER, SERVICE, write_catalog


def _findings(tmp_path: Path, *texts: str) -> list[Diagnostic]:
    write_catalog(tmp_path, {f"f{i}.yaml": text for i, text in enumerate(texts)})
    try:
        return list(load_catalog(tmp_path).warnings)
    except CatalogError as error:
        return list(error.diagnostics)


def _summary(found: list[Diagnostic]) -> list[tuple[str, str, int]]:
    return [(str(d.code), Path(d.file).name, d.line) for d in found]


def _addon_fields(fields: str) -> str:
    indented = "".join(f"\n            {line}" for line in fields.splitlines())
    return SERVICE.replace("pricePer: Quantity", "pricePer: Quantity" + indented)


def test_duplicate_service_names_across_files(tmp_path: Path) -> None:
    found = _findings(tmp_path, SERVICE, SERVICE)
    assert _summary(found) == [("CS301", "f1.yaml", 2)]
    assert "f0.yaml:2:11" in found[0].message


def test_names_differing_only_in_case_are_duplicates(tmp_path: Path) -> None:
    name = next(line for line in SERVICE.splitlines() if "- name:" in line).split(": ", 1)[1]
    shouted = SERVICE.replace(f"- name: {name}", f"- name: {name.upper()}", 1)
    found = _findings(tmp_path, SERVICE, shouted)
    assert _summary(found) == [("CS301", "f1.yaml", 2)]
    assert f"first defined as {name!r} at f0.yaml:2:11" in found[0].message.replace(
        str(tmp_path) + "/", ""
    )


def test_duplicate_product_item_codes_within_a_service(tmp_path: Path) -> None:
    product = "      - name: Other\n        itemCode: pa\n        type: Metered\n"
    assert _summary(_findings(tmp_path, SERVICE + product)) == [("CS302", "f0.yaml", 13)]


def test_same_item_codes_in_different_parents_are_fine(tmp_path: Path) -> None:
    other = SERVICE.replace("Service A", "Service B")
    assert _findings(tmp_path, SERVICE, other) == []


def test_duplicate_broker_registration_numbers(tmp_path: Path) -> None:
    assert _summary(_findings(tmp_path, BROKER, BROKER)) == [("CS304", "f1.yaml", 3)]


def test_duplicate_pinned_ids(tmp_path: Path) -> None:
    guid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    first = SERVICE.replace("    categories:", f"    id: {guid}\n    categories:")
    second = first.replace("Service A", "Service B")
    assert _summary(_findings(tmp_path, first, second)) == [("CS305", "f1.yaml", 3)]


@pytest.mark.parametrize(("product_type", "allowed"), sorted(ALLOWED_PRICE_PER.items()))
def test_price_per_must_suit_the_product_type(
    tmp_path: Path, product_type: str, allowed: tuple[str, ...]
) -> None:
    for price_per in ("Subscription", "Quantity", "Selected", "Metered"):
        text = SERVICE.replace("ProductBased", product_type).replace(
            "pricePer: Quantity", f"pricePer: {price_per}"
        )
        found = _findings(tmp_path, text)
        expected = [] if price_per in allowed else [("CS306", "f0.yaml", 11)]
        assert _summary(found) == expected, price_per


def test_group_name_is_required_when_grouping(tmp_path: Path) -> None:
    assert _summary(_findings(tmp_path, _addon_fields("enableGrouping: true"))) == [
        ("CS307", "f0.yaml", 12)
    ]
    assert _findings(tmp_path, _addon_fields("enableGrouping: true\ngroupName: g")) == []
    found = _findings(tmp_path, _addon_fields("groupName: g"))
    assert [(d.code, d.severity) for d in found] == [("CS323", Severity.WARNING)]


@pytest.mark.parametrize(
    ("publish", "expected"),
    [
        ("to: allBrokers", []),
        ("to: none", []),
        ("to: sellerBrokers", []),
        ("to: regions\n      regions: [Nordics]", []),
        ("to: countries\n      countries: [SE]", []),
        ("to: regions", [("CS308", 5)]),
        ("to: countries\n      countries: []", [("CS308", 6)]),
        ("to: brokers", [("CS308", 5)]),
        ("to: allBrokers\n      regions: [Nordics]", [("CS309", 6)]),
        ("to: none\n      brokers: []", [("CS309", 6)]),
        ('to: brokers\n      brokers: ["5566778899"]', []),
    ],
)
def test_publish_lists_match_the_mode(
    tmp_path: Path, publish: str, expected: list[tuple[str, int]]
) -> None:
    text = SERVICE.replace("    products:", f"    publish:\n      {publish}\n    products:")
    found = _findings(tmp_path, text, BROKER)
    assert [(str(d.code), d.line) for d in found] == expected


def test_publish_to_an_unknown_broker_is_a_warning(tmp_path: Path) -> None:
    text = SERVICE.replace(
        "    products:", '    publish:\n      to: brokers\n      brokers: ["42"]\n    products:'
    )
    found = _findings(tmp_path, text)
    assert [(d.code, d.severity, d.line) for d in found] == [("CS320", Severity.WARNING, 6)]


def test_price_warnings(tmp_path: Path) -> None:
    found = _findings(tmp_path, _addon_fields('price: "5"\ncost: "6.50"\nrecommendedPrice: "4"'))
    assert [(d.code, d.severity, d.line) for d in found] == [
        ("CS321", Severity.WARNING, 12),
        ("CS322", Severity.WARNING, 14),
    ]
    assert found[0].message == "price 5 is below cost 6.50 (margin -1.50)"
    assert _findings(tmp_path, _addon_fields('price: "5"\ncost: "5"\nrecommendedPrice: "5"')) == []


def test_product_prices_are_checked_too(tmp_path: Path) -> None:
    text = SERVICE.replace(
        "type: ProductBased", 'type: ProductBased\n        price: "1"\n        cost: "2"'
    )
    assert _summary(_findings(tmp_path, text)) == [("CS321", "f0.yaml", 8)]


def test_quantity_range(tmp_path: Path) -> None:
    text = SERVICE.replace(
        "type: ProductBased", "type: ProductBased\n        minQuantity: 5\n        maxQuantity: 2"
    )
    assert _summary(_findings(tmp_path, text)) == [("CS311", "f0.yaml", 9)]
