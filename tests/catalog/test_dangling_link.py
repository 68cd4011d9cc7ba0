from pathlib import Path

import pytest

from catalog_sync.catalog import load_catalog
from catalog_sync.errors import CatalogError


def test_a_dangling_catalog_link_is_an_error_not_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text("brokers: []\n", encoding="utf-8")
    (tmp_path / "services.yaml").symlink_to(tmp_path / "moved-away.yaml")
    with pytest.raises(CatalogError) as raised:
        load_catalog(tmp_path)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "CS102"
    assert diagnostic.file.endswith("services.yaml")
