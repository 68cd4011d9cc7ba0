from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.apply.lock import LOCK_DIR_VARIABLE


@pytest.fixture(autouse=True)
def own_lock_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's applies lock in its own directory, never in the user's state directory."""
    monkeypatch.setenv(LOCK_DIR_VARIABLE, str(tmp_path / "locks"))
