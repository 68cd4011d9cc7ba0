"""Opening the files catalog-sync keeps for itself (the apply lock, journals, saved plans) and
reading the files it is given, so that whatever sits at the path cannot turn a read or a write
against the user.

What can sit there: a symbolic link (planted where a lock or journal is expected, to make the
write land on another file: it would be truncated), a FIFO (opening it blocks until a writer
comes, reading it until the writer stops), a device (``/dev/zero`` never ends), a file far
larger than anything catalog-sync writes. So a file is opened with ``O_NONBLOCK`` (a FIFO's
open returns at once), without following a final symbolic link where the file is
catalog-sync's own (``O_NOFOLLOW``), and refused unless ``fstat`` says it is a regular file;
a read stops one byte past its bound (README, "How apply stays safe").

Failures are :class:`OSError` subclasses carrying a sentence in ``strerror``, so a caller that
already reports ``error.strerror`` for a missing or unreadable file reports these the same way.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

__all__ = [
    "FileTooLargeError",
    "UnsafeFileError",
    "open_regular",
    "read_regular",
    "shared_directory_warning",
    "writable_by_others",
]


class UnsafeFileError(OSError):
    """Not a regular file, or a symbolic link where none is followed."""


class FileTooLargeError(OSError):
    """Larger than the bound of what is read from it."""


def open_regular(
    path: Path, flags: int, mode: int = 0o600, *, follow_symlinks: bool = False
) -> int:
    """A descriptor of the regular file at ``path`` opened with ``flags`` (``O_CREAT`` among
    them creates it): never a FIFO, device or socket, and, unless ``follow_symlinks``, never
    the target of a symbolic link. ``O_TRUNC`` is not honoured here (it would act before the
    check): truncate the descriptor returned."""
    flags = (flags & ~os.O_TRUNC) | os.O_NONBLOCK | os.O_CLOEXEC
    if not follow_symlinks:
        flags |= os.O_NOFOLLOW
    try:
        descriptor = os.open(path, flags, mode)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_symlinks:
            raise UnsafeFileError(
                errno.ELOOP,
                "a symbolic link is there, where a regular file is expected: refused "
                "(remove the link)",
                str(path),
            ) from None
        raise
    try:
        kind = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(kind):
            raise UnsafeFileError(
                errno.EINVAL,
                f"not a regular file (a {_kind_name(kind)}): refused",
                str(path),
            )
        os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def read_regular(
    path: Path, limit: int, *, follow_symlinks: bool = False, refuse_world_writable: bool = False
) -> bytes:
    """The bytes of the regular file at ``path``, refused past ``limit`` bytes without reading
    on (see :func:`open_regular` for what else is refused); with ``refuse_world_writable``, a
    file every user may write is refused too."""
    descriptor = open_regular(path, os.O_RDONLY, follow_symlinks=follow_symlinks)
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if refuse_world_writable and status.st_mode & stat.S_IWOTH:
            raise UnsafeFileError(
                errno.EPERM,
                f"every user may write it (mode {stat.S_IMODE(status.st_mode):o}), so it may "
                f"not be the file that was reviewed: refused (chmod o-w {path.as_posix()}, "
                "then check it, or make it again)",
                str(path),
            )
        size = status.st_size
        raw = handle.read(limit + 1) if size <= limit else b""
    if size > limit or len(raw) > limit:
        raise FileTooLargeError(
            errno.EFBIG, f"larger than {limit:,} bytes ({max(size, len(raw)):,}+)", str(path)
        )
    return raw


def writable_by_others(path: Path) -> bool:
    """Whether users other than its owner may create or replace files in directory ``path``
    (group or world write; the sticky bit does not help against a file planted before ours)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IWGRP | stat.S_IWOTH))


def shared_directory_warning(path: Path, what: str) -> str | None:
    """A warning when ``path`` (holding ``what``) is writable by others, else None."""
    if not writable_by_others(path):
        return None
    return (
        f"warning: the {what} directory {path.as_posix()} is writable by other users, who "
        f"could plant files there; make it private (chmod go-w {path.as_posix()})"
    )


def _kind_name(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISDIR(mode):
        return "directory"
    return "special file"
