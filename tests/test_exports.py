"""The package's rules about names: each subpackage's ``__all__`` is pinned (a change to a
public surface is a change to this file, as httpx's ``test_exported_members`` holds its own),
and no module imports another module's private name (``_x``)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import catalog_sync

PACKAGE = Path(catalog_sync.__file__).parent

EXPORTED: dict[str, set[str]] = {
    "apply": {
        "ApplyListener",
        "ApplyOptions",
        "ApplyReport",
        "Interruption",
        "JOURNAL_DIR",
        "Journal",
        "Mismatch",
        "MismatchCause",
        "OperationResult",
        "Outcome",
        "Phase",
        "PreviousRun",
        "SilentListener",
        "Stage",
        "apply_plan",
        "check_fresh",
        "check_safety",
        "last_run",
        "nothing_applied",
        "read_journal",
    },
    "catalog": {
        "Addon",
        "Broker",
        "BrokerContact",
        "BrokerCustomProperty",
        "Catalog",
        "CatalogFile",
        "Code",
        "HttpHeader",
        "IgnoreRule",
        "InvoiceContact",
        "LoadedCatalog",
        "Policies",
        "PolicyRule",
        "PostalAddress",
        "Price",
        "PricePer",
        "Product",
        "ProductType",
        "ProvisioningType",
        "Publish",
        "PublishTo",
        "SecretRef",
        "Service",
        "Settings",
        "SourcedModel",
        "Thresholds",
        "UNKNOWN_LOCATION",
        "Webhook",
        "catalog_digest",
        "catalog_json_schema",
        "load_catalog",
        "load_catalog_files",
        "render_json_schema",
    },
    "cli": {"COMMAND_MODULES", "main", "run"},
    "cloudmore": {
        "ApiSettings",
        "ClientMetrics",
        "ENVIRONMENTS",
        "ReadOnlyClient",
        "ReadWriteClient",
        "RetryPolicy",
        "load_settings",
        "open_read_only",
        "open_read_write",
        "wire",
    },
    "emulator": {
        "ALL_FAULT_KINDS",
        "CONTRACT_VARIANTS",
        "ContractVariant",
        "DEMO",
        "DemoCredentials",
        "EmulatorConfig",
        "FaultConfig",
        "ScriptedFault",
        "SeedName",
        "create_app",
        "serve_in_thread",
    },
    "kinds": {
        "BROKERS",
        "Endpoint",
        "FieldSpec",
        "IdsOfNames",
        "ItemFields",
        "KINDS",
        "KindSpec",
        "LIST_VIEWS",
        "NamesOfIds",
        "PRICE_FIELDS",
        "PUBLISH_MODES",
        "PriceCell",
        "Root",
        "SELLER",
        "addon",
        "broker",
        "children_of",
        "defaults",
        "field_spec",
        "get_path",
        "keyed_id",
        "price_list",
        "price_list_cell",
        "product",
        "publish",
        "references",
        "register",
        "service",
        "set_path",
        "unsent_secrets",
        "webhook",
        "write_only",
    },
    "live": {
        "Depth",
        "LOOKUP_TABLES",
        "LiveCatalog",
        "LiveReader",
        "LookupTable",
        "Lookups",
        "Scope",
        "TABLES",
        "assemble",
        "listed",
        "read_keyed",
        "read_live",
        "read_lookups",
        "read_scoped",
        "scope_of",
        "wanted_by_changes",
        "wanted_by_desired",
        "with_listed",
        "with_plan_lookups",
    },
    "plan": set(),
    "pricing": set(),
    "render": set(),
}


def test_every_subpackage_is_pinned() -> None:
    assert set(EXPORTED) == {m.name for m in pkgutil.iter_modules(catalog_sync.__path__) if m.ispkg}


@pytest.mark.parametrize("name", sorted(EXPORTED))
def test_exported_members(name: str) -> None:
    package = importlib.import_module(f"catalog_sync.{name}")
    assert set(package.__all__) == EXPORTED[name]
    assert len(package.__all__) == len(set(package.__all__)), "a name exported twice"
    for member in package.__all__:
        assert hasattr(package, member), f"{name}.__all__ names {member}, which it lacks"


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.ImportFrom):
            continue
        ours = node.level > 0 or (node.module or "").split(".")[0] == "catalog_sync"
        private = [
            a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")
        ]
        if ours and private:
            found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {', '.join(private)}")
    return found


def test_no_module_imports_a_private_name_of_another() -> None:
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) for hit in _private_imports(path)]
    assert found == []


def test_the_private_import_rule_sees_a_violation(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from catalog_sync.live.reader import _Read, LiveCatalog\n", "utf-8")
    assert _private_imports_at(module) == ["_Read"]


def _private_imports_at(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("catalog_sync")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]


def test_the_readme_layout_lists_every_package_and_top_level_module() -> None:
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    packages = [
        f"catalog_sync/{m.name}/" for m in pkgutil.iter_modules(catalog_sync.__path__) if m.ispkg
    ]
    modules = [
        f"{m.name}.py"
        for m in pkgutil.iter_modules(catalog_sync.__path__)
        if not m.ispkg and m.name != "__init__"
    ]
    missing = [name for name in [*packages, *modules, "__main__.py"] if f"{name}`" not in layout]
    assert missing == []
