from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog_sync.apply.lock import LOCK_DIR_VARIABLE
from catalog_sync.plan.freshness import MAX_AGE_VARIABLE
from catalog_sync.plan.signing import PLAN_KEY_VARIABLE
from catalog_sync.redact import secrets_kept_apart


@pytest.fixture(autouse=True)
def own_lock_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's applies lock in its own directory, never in the user's state directory."""
    monkeypatch.setenv(LOCK_DIR_VARIABLE, str(tmp_path / "locks"))


@pytest.fixture(autouse=True)
def no_plan_key_or_age_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's CATALOG_SYNC_PLAN_KEY or _MAX_AGE never changes what a test sees."""
    monkeypatch.delenv(PLAN_KEY_VARIABLE, raising=False)
    monkeypatch.delenv(MAX_AGE_VARIABLE, raising=False)


@pytest.fixture(autouse=True)
def own_secrets() -> Iterator[None]:
    """The secrets a test's commands register are forgotten after it, as they would be when
    its process ended: a one-letter secret of one test never blanks another test's text."""
    with secrets_kept_apart():
        yield
