from pathlib import Path

from catalog_sync.catalog import load_catalog
from catalog_sync.catalog.models import Service

SERVICE = """\
services:
  - name: S
    categories: [Security]
    description: >-
      first line
      second line
    products:
      - name: P
        itemCode: p
        type: ProductBased
        description: |
          kept
          lines
"""


def test_block_scalars_read_as_written_without_fold_markers(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text(SERVICE, encoding="utf-8")
    service = load_catalog(tmp_path).catalog.services[0]
    assert isinstance(service, Service)
    assert service.description == "first line second line"
    assert service.products[0].description == "kept\nlines\n"
