"""Writing an export into a directory it does not own alone (issue 24, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.errors import ConfigError
from catalog_sync.export_files import MANIFEST, write_export

BROKERS = "brokers:\n  - name: B\n    registrationNumber: '1'\n"


def test_a_linked_directory_on_the_way_is_refused_and_nothing_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "services").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ConfigError, match=r"services: not a directory \(a link or a file\)"):
        write_export(out, {"brokers.yaml": BROKERS, "services/a.yaml": "services: []\n"})
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == ["services"]


def test_the_manifest_records_what_was_written_and_a_rewrite_replaces_only_that(
    tmp_path: Path,
) -> None:
    first = write_export(tmp_path, {"brokers.yaml": BROKERS, "services/a.yaml": "services: []\n"})
    assert first.removed == ()
    assert (tmp_path / MANIFEST).is_file()
    (tmp_path / "services" / "mine.yaml").write_text("services: []\n", encoding="utf-8")
    second = write_export(tmp_path, {"brokers.yaml": BROKERS})
    assert second.removed == ("services/a.yaml",)
    assert second.kept == ("services/mine.yaml",)
    assert not (tmp_path / "services" / "a.yaml").exists()
    assert (tmp_path / "services" / "mine.yaml").exists()


def test_a_kept_link_to_a_catalog_file_elsewhere_is_named_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("services: []\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "linked.yaml").symlink_to(elsewhere)
    written = write_export(out, {"brokers.yaml": BROKERS})
    assert written.kept == ("linked.yaml",)
    assert written.catalog == (out / "brokers.yaml",)
    assert elsewhere.read_text(encoding="utf-8") == "services: []\n"
