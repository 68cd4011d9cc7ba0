from pathlib import Path

import pytest

from catalog_sync.catalog import load_catalog
from catalog_sync.errors import CatalogError


def test_protect_addresses_are_read_in_canonical_form(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text(
        "settings:\n"
        "  protect:\n"
        "    - 'service[\"Legacy Hosting\"]'\n"
        '    - \'service["S"].product["p"].addon["a"]\'\n',
        encoding="utf-8",
    )
    settings = load_catalog(tmp_path).catalog.settings
    assert settings.protect == (
        'service["Legacy Hosting"]',
        'service["S"].product["p"].addon["a"]',
    )


def test_a_protect_entry_that_is_not_an_address_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text(
        "settings:\n  protect:\n    - Legacy Hosting\n", encoding="utf-8"
    )
    with pytest.raises(CatalogError) as raised:
        load_catalog(tmp_path)
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.line, diagnostic.code) == (3, "CS212")
    assert "'Legacy Hosting' is not an object address" in diagnostic.message
