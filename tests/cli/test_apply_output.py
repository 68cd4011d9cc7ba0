"""What `catalog-sync apply` prints around the run itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply.support import cli, copy_catalog


def test_apply_prints_the_catalogs_warnings_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("CI", "CLOUDMORE_API_URL", "CLOUDMORE_ENVIRONMENT", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    catalog = copy_catalog(tmp_path)
    service = catalog / "services" / "google-workspace.yaml"
    text = service.read_text(encoding="utf-8")
    service.write_text(text.replace('cost: "4.80"', 'cost: "6.50"', 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the embedded emulator keeps its state here

    result = cli("apply", str(catalog), "--yes")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("CS321") == 1, result.stderr
