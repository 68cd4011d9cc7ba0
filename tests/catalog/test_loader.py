import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from catalog_sync.catalog import catalog_digest, load_catalog
from catalog_sync.diagnostics import Severity
from catalog_sync.errors import CatalogError
from tests.catalog.files import BROKER, EXAMPLE, SERVICE, codes, where, write_catalog


def _errors(path: Path) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    return caught.value


def test_the_example_catalog_is_valid_and_complete() -> None:
    loaded = load_catalog(EXAMPLE)
    catalog = loaded.catalog
    assert loaded.warnings == ()
    products = [p for s in catalog.services for p in s.products]
    addons = [a for p in products for a in p.addons]
    assert len(catalog.services) >= 3
    assert len(products) >= 8
    assert len(addons) >= 25
    assert {p.type for p in products} == {"ProductBased", "Metered"}
    assert {a.price_per for a in addons} == {"Subscription", "Quantity", "Selected", "Metered"}
    assert any(a.enable_grouping for a in addons)
    modes = {s.publish.to for s in catalog.services if s.publish is not None}
    assert modes == {"allBrokers", "regions", "countries", "sellerBrokers", "brokers", "none"}
    assert len(catalog.brokers) == 2
    assert catalog.settings.thresholds.max_update_percent == 50
    for file in loaded.files:
        first_line = file.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("# yaml-language-server: $schema=")


def test_positions_name_the_file_as_the_user_passed_the_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(EXAMPLE.parent.parent)
    loaded = load_catalog("catalogs/example")
    gws = next(s for s in loaded.catalog.services if s.name == "Google Workspace")
    std = next(a for p in gws.products for a in p.addons if a.item_code == "gws-std")
    assert str(gws.source) == "catalogs/example/services/google-workspace.yaml:3:5"
    assert str(gws.field_source("categories")) == (
        "catalogs/example/services/google-workspace.yaml:6:17"
    )
    assert str(std.field_source("recommended_price")) == (
        "catalogs/example/services/google-workspace.yaml:36:31"
    )
    assert std.recommended_price == Decimal("14.40")
    assert gws.publish is not None
    assert gws.publish.source.line == 10
    broker = loaded.catalog.brokers[0]
    assert str(broker.field_source("support_email")).startswith("catalogs/example/brokers.yaml:8:")
    assert loaded.files[0].as_posix() == "catalogs/example/brokers.yaml"


def test_files_merge_across_the_tree_and_hidden_directories_are_skipped(tmp_path: Path) -> None:
    write_catalog(
        tmp_path,
        {
            "catalog.yaml": "settings:\n  prune: true\n",
            "services/a.yml": SERVICE,
            "brokers.yaml": BROKER,
            ".git/ignored.yaml": "not: [valid",
            "notes.txt": "ignored",
        },
    )
    loaded = load_catalog(tmp_path)
    assert loaded.catalog.settings.prune is True
    assert [s.name for s in loaded.catalog.services] == ["Service A"]
    assert [b.registration_number for b in loaded.catalog.brokers] == ["5566778899"]
    assert [f.name for f in loaded.files] == ["brokers.yaml", "catalog.yaml", "a.yml"]


def test_a_single_file_is_a_catalog(tmp_path: Path) -> None:
    write_catalog(tmp_path, {"one.yaml": SERVICE})
    loaded = load_catalog(tmp_path / "one.yaml")
    assert [s.name for s in loaded.catalog.services] == ["Service A"]


def test_unquoted_money_is_read_exactly_from_the_yaml_text(tmp_path: Path) -> None:
    text = SERVICE.replace("pricePer: Quantity", "pricePer: Quantity\n            price: 12.00")
    text = text.replace("type: ProductBased", "type: ProductBased\n        cost: 0.1")
    write_catalog(tmp_path, {"a.yaml": text})
    product = load_catalog(tmp_path).catalog.services[0].products[0]
    assert str(product.addons[0].price) == "12.00"
    assert product.cost == Decimal("0.1")


def test_the_digest_covers_paths_and_bytes(tmp_path: Path) -> None:
    write_catalog(tmp_path / "one", {"a.yaml": SERVICE})
    write_catalog(tmp_path / "two", {"a.yaml": SERVICE})
    write_catalog(tmp_path / "renamed", {"b.yaml": SERVICE})
    first = load_catalog(tmp_path / "one").digest
    assert first.startswith("sha256:")
    assert len(first) == len("sha256:") + 64
    assert load_catalog(tmp_path / "two").digest == first
    assert load_catalog(tmp_path / "renamed").digest != first
    write_catalog(tmp_path / "two", {"a.yaml": SERVICE + "# a comment\n"})
    assert load_catalog(tmp_path / "two").digest != first


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    error = _errors(tmp_path / "nope")
    assert codes(error.diagnostics) == ["CS100"]
    assert error.diagnostics[0].file.endswith("nope")


def test_a_directory_without_catalog_files_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("hi", encoding="utf-8")
    assert codes(_errors(tmp_path).diagnostics) == ["CS101"]


def test_empty_and_non_utf8_files_are_reported_with_the_others(tmp_path: Path) -> None:
    write_catalog(tmp_path, {"a.yaml": SERVICE, "empty.yaml": ""})
    (tmp_path / "latin1.yaml").write_bytes("services: []\n# Malm\xf6\n".encode("latin-1"))
    error = _errors(tmp_path)
    assert [(d.code, *where(d)) for d in error.diagnostics] == [
        ("CS104", "empty.yaml", 1, 1),
        ("CS103", "latin1.yaml", 2, 7),
    ]


def test_settings_outside_the_root_file_are_an_error(tmp_path: Path) -> None:
    write_catalog(tmp_path, {"services/a.yaml": "settings:\n  prune: true\n" + SERVICE})
    error = _errors(tmp_path)
    assert [(d.code, *where(d)) for d in error.diagnostics] == [("CS310", "a.yaml", 2, 3)]


MULTI_ERROR = """\
services:
  - name: Service A
    categories: [Security]
    products:
      - name: Product A
        itemCode: pa
        type: ProductBased
        addons:
          - name: Addon one
            itemCode: dup
            pricePer: Quantity
          - name: Addon two
            itemCode: dup
            pricePer: Quantity
          - name: Per minute
            itemCode: minute
            pricePer: Metered
      - itemCode: pb
        type: Metered
      - name: Product C
        itemCode: pc
        type: Metered
        colour: blue
"""


def test_every_problem_of_every_file_is_reported_in_one_run(tmp_path: Path) -> None:
    write_catalog(
        tmp_path,
        {"a.yaml": MULTI_ERROR, "b.yaml": "services:\n  - name: [unclosed\n", "c.yaml": BROKER},
    )
    error = _errors(tmp_path)
    found = [(d.code, *where(d)) for d in error.diagnostics]
    assert found == [
        ("CS303", "a.yaml", 13, 23),  # duplicate addon itemCode, at the second one
        ("CS306", "a.yaml", 17, 23),  # Metered addon under a ProductBased product
        ("CS201", "a.yaml", 18, 9),  # product missing name, at its mapping
        ("CS202", "a.yaml", 23, 9),  # unknown field, at its key
        ("CS105", "b.yaml", 3, 1),  # YAML syntax error in a second file
    ]
    messages = [d.message for d in error.diagnostics]
    assert "'dup'" in messages[0]
    assert "first defined at" in messages[0]
    assert "'name'" in messages[2]
    assert "'colour'" in messages[3]
    assert all(d.severity is Severity.ERROR for d in error.diagnostics)
    assert str(error) == "the catalog has 5 errors"


def test_warnings_do_not_fail_loading(tmp_path: Path) -> None:
    text = SERVICE.replace(
        "pricePer: Quantity", 'pricePer: Quantity\n            price: "1"\n            cost: "2"'
    )
    write_catalog(tmp_path, {"a.yaml": text})
    loaded = load_catalog(tmp_path)
    assert codes(loaded.warnings) == ["CS321"]
    assert loaded.warnings[0].severity is Severity.WARNING


def test_errors_carry_the_warnings_too(tmp_path: Path) -> None:
    text = SERVICE.replace(
        "pricePer: Quantity", 'pricePer: Quantity\n            price: "1"\n            cost: "2"'
    )
    write_catalog(tmp_path, {"a.yaml": text, "b.yaml": "services: {}\n"})
    assert codes(_errors(tmp_path).diagnostics) == ["CS321", "CS203"]


def test_catalog_digest_is_the_loaded_digest_from_the_bytes_alone(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, catalog)
    assert catalog_digest(catalog) == load_catalog(catalog).digest
    before = catalog_digest(catalog)
    # Bytes, not meaning: a comment changes it, and a broken file is no error here.
    (catalog / "catalog.yaml").write_text("settings: [\n", encoding="utf-8")
    assert catalog_digest(catalog) != before
    with pytest.raises(CatalogError):
        catalog_digest(tmp_path / "missing")
