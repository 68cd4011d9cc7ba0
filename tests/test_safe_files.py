"""The guarded open under the lock, journals and saved plans (issue 24, item 5)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from catalog_sync.safe_files import (
    FileTooLargeError,
    UnsafeFileError,
    open_regular,
    read_regular,
    shared_directory_warning,
)


def test_a_link_is_not_followed_and_its_target_is_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / "file").symlink_to(victim)
    with pytest.raises(UnsafeFileError, match="symbolic link"):
        open_regular(tmp_path / "file", os.O_RDWR | os.O_CREAT | os.O_TRUNC)
    assert victim.read_text(encoding="utf-8") == "precious\n"


def test_a_fifo_and_a_device_are_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(UnsafeFileError, match="FIFO"):
        read_regular(tmp_path / "fifo", 100)
    with pytest.raises(UnsafeFileError, match="device"):
        read_regular(Path("/dev/zero"), 100)
    (tmp_path / "zero").symlink_to("/dev/zero")
    with pytest.raises(UnsafeFileError, match="device"):
        read_regular(tmp_path / "zero", 100, follow_symlinks=True)


def test_a_read_stops_past_its_bound(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(FileTooLargeError, match="larger than 100 bytes"):
        read_regular(tmp_path / "big", 100)
    assert read_regular(tmp_path / "big", 101) == b"x" * 101


def test_a_world_writable_file_is_refused_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o646)
    assert read_regular(path, 100) == b"{}"
    with pytest.raises(UnsafeFileError, match="every user may write it"):
        read_regular(path, 100, refuse_world_writable=True)


def test_a_directory_others_can_write_is_warned_about(tmp_path: Path) -> None:
    directory = tmp_path / "locks"
    directory.mkdir(mode=0o700)
    assert shared_directory_warning(directory, "lock") is None
    directory.chmod(0o777)
    warning = shared_directory_warning(directory, "lock")
    assert warning is not None
    assert "writable by other users" in warning
