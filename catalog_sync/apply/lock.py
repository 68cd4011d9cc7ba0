"""One apply at a time per target: an exclusive lock per canonical API URL and seller.

The lock is a file in a per-user directory (not the working directory), so a second apply
from any checkout meets it at once and writes nothing. It is an OS lock (``flock``): the
kernel releases it when the holder ends, however it ends, so a crashed or killed apply never
leaves a lock behind on the same machine. The file also records who holds it, for the message.
Applies from other machines (CI runners) are serialised by the workflows' concurrency group
per target (docs/contracts.md), named by the same key (`catalog-sync target`).

The lock is keyed on :func:`target_key`, not on the URL as spelled: two spellings of one
server (``localhost`` and ``127.0.0.1``, a default port written out, ``/.`` at the end) are
one target, or two applies to one server would both run and create everything twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import ipaddress
import json
import os
import posixpath
import re
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from catalog_sync.errors import LockedError
from catalog_sync.plan.model import Target
from catalog_sync.safe_files import UnsafeFileError, open_regular

__all__ = ["LOCK_DIR_VARIABLE", "lock_directory", "lock_path", "target_key", "target_lock"]

LOCK_DIR_VARIABLE = "CATALOG_SYNC_LOCK_DIR"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LOOPBACK = "localhost"
"""Every spelling of this machine: 127.0.0.0/8, ::1, ::ffff:127.x, localhost, *.localhost."""
_LEGACY_IPV4 = re.compile(r"(?i)^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}$")


def target_key(target: Target) -> str:
    """The one name of a target: ``SCHEME://HOST:PORT/PATH seller=ID``, the same for every
    spelling of the same server and seller (docs/contracts.md, "The target key").

    The scheme and host are lower-cased (a trailing dot, percent-escapes and IDNA folded), an
    IP address is written in its one form (``127.1``, ``0x7f.0.0.1`` and ``2130706433`` are
    the resolver's spellings of ``127.0.0.1``; an IPv4-mapped IPv6 address is its IPv4
    address), every loopback address and ``localhost`` are one host, the port is always
    written, and the path has its dot segments, repeated and trailing slashes removed and is
    lower-cased (Cloudmore routes case-insensitively; a key that joins two spellings too many
    only makes two applies wait for each other, one that splits them lets both write). A
    seller id that is a GUID is written in its one form.
    """
    parts = urlsplit(target.api_url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or _DEFAULT_PORTS.get(scheme, 0)
    path = re.sub(r"/+", "/", posixpath.normpath("/" + unquote(parts.path))).rstrip("/")
    server = f"{scheme}://{_host(parts.hostname or '')}:{port}{path.lower() or '/'}"
    broker = "" if target.reseller_id is None else f" reseller={_seller(target.reseller_id)}"
    return f"{server} seller={_seller(target.seller_id)}{broker}"


def _host(raw: str) -> str:
    host = unquote(raw).strip().lower().rstrip(".")
    address = _address(host)
    if address is not None:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        # Connecting to the unspecified address reaches this machine too.
        if address.is_loopback or address.is_unspecified:
            return _LOOPBACK
        return f"[{address.compressed}]" if address.version == 6 else address.compressed
    if host == _LOOPBACK or host.endswith("." + _LOOPBACK):
        return _LOOPBACK
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if _LEGACY_IPV4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _seller(seller_id: str) -> str:
    try:
        return str(uuid.UUID(seller_id.strip()))
    except ValueError:
        return seller_id.strip().lower()


def lock_directory() -> Path:
    """``$CATALOG_SYNC_LOCK_DIR``, else ``$XDG_STATE_HOME/catalog-sync/locks``, else
    ``~/.local/state/catalog-sync/locks``: one place for every checkout of one user."""
    configured = os.environ.get(LOCK_DIR_VARIABLE)
    if configured:
        return Path(configured)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "catalog-sync" / "locks"


def lock_path(target: Target, directory: Path | None = None) -> Path:
    name = hashlib.sha256(target_key(target).encode()).hexdigest()[:24]
    return (directory or lock_directory()) / f"apply-{name}.lock"


@contextmanager
def target_lock(target: Target, directory: Path | None = None) -> Iterator[Path]:
    """Hold the target's lock for the block; raise LockedError at once when it is held."""
    path = lock_path(target, directory)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Never through a link planted at the path (its target would be truncated), never a
        # FIFO (the open would hang): safe_files.py.
        descriptor = open_regular(path, os.O_RDWR | os.O_CREAT)
    except UnsafeFileError as error:
        raise LockedError(
            f"the apply lock {path} is unsafe: {error.strerror}; nothing was written"
        ) from None
    except OSError as error:
        raise LockedError(
            f"cannot create the apply lock {path}: {error.strerror or error}; set "
            f"{LOCK_DIR_VARIABLE} to a writable directory"
        ) from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(_held_message(path, descriptor, target)) from None
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "cwd": os.getcwd(),
            "startedAt": datetime.now(UTC).isoformat(timespec="seconds"),
            "target": {"apiUrl": target.api_url, "sellerId": target.seller_id},
            "key": target_key(target),
        }
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, (json.dumps(holder) + "\n").encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(descriptor, 0)
    finally:
        os.close(descriptor)  # closing releases the flock


def _held_message(path: Path, descriptor: int, target: Target) -> str:
    try:
        holder = json.loads(os.pread(descriptor, 4096, 0).decode("utf-8", "replace") or "{}")
    except (OSError, ValueError):
        holder = {}
    if not isinstance(holder, dict):
        holder = {}
    pid, host = holder.get("pid", "?"), holder.get("host", "?")
    spelled = (
        holder.get("target", {}).get("apiUrl") if isinstance(holder.get("target"), dict) else None
    )
    same = (
        f" (the same target as its {spelled}: {target_key(target)})"
        if isinstance(spelled, str) and spelled != target.api_url
        else ""
    )
    return (
        f"another apply is running against {target.api_url} (seller {target.seller_id}){same}: "
        f"the lock {path} is held by pid {pid} on {host} (in {holder.get('cwd', '?')}), "
        f"since {holder.get('startedAt', '?')}; nothing was written. Wait for it to finish. "
        "The lock is released when that process ends, however it ends; if it is stuck, stop "
        f"it (kill {pid} on {host}); if no such process exists (a lock on a shared "
        f"filesystem), delete {path}"
    )
