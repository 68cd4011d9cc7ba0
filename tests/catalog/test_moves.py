"""movedFrom checks on the files alone (catalog/moves.py): a key the files use, its own key,
or one old key given twice under the same parent is CS330; the same old key under two
different parents is fine."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.catalog import load_catalog
from catalog_sync.errors import CatalogError

PRODUCTS = """\
services:
  - name: S
    categories: [Security]
    products:
      - {name: P, itemCode: p2, movedFrom: P1, type: ProductBased, addons: [%s]}
      - {name: Q, itemCode: q2, movedFrom: %s, type: ProductBased, addons: [%s]}
"""
ADDON = "{name: A, itemCode: a2, movedFrom: a1}"


def _problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "catalog.yaml").write_text(text, encoding="utf-8")
    try:
        load_catalog(Path("catalog.yaml"))
    except CatalogError as error:
        return [f"{d.location} {d.code} {d.message}" for d in error.diagnostics]
    return []


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_the_same_old_key_under_two_parents_is_fine(tmp_path: Path) -> None:
    assert _problems(tmp_path, PRODUCTS % (ADDON, "q1", ADDON)) == []


@pytest.mark.parametrize(
    ("moved_from", "expected"),
    [
        (
            "p1",
            "catalog.yaml:6:44 CS330 movedFrom 'p1' is also given by the product at "
            "catalog.yaml:5:44: one live product can be renamed to one key only",
        ),
        ("Q2", "catalog.yaml:6:44 CS330 movedFrom 'Q2' is this product's own key: remove the line"),
        (
            "P2",
            "catalog.yaml:6:44 CS330 movedFrom 'P2' is the itemCode of another product in "
            "the files (at catalog.yaml:5:29): a key the files use cannot be moved from",
        ),
    ],
)
def test_a_clash_among_siblings_is_an_error(tmp_path: Path, moved_from: str, expected: str) -> None:
    assert _problems(tmp_path, PRODUCTS % ("", moved_from, "")) == [expected]
