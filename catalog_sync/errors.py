"""The one exception tree of catalog-sync.

Every error a user can cause or meet derives from :class:`CatalogSyncError`; the CLI turns
each into a message and exit code 1, never a traceback. Messages never contain a token,
password or client secret.

::

    CatalogSyncError
    ├── CatalogError            the catalog files are invalid (carries every Diagnostic found)
    ├── ConfigError             a setting is missing or invalid (names the flag / variable)
    ├── ApiError                a Cloudmore request failed (names method and path)
    │   ├── AuthenticationError     the token request was refused, or 401 after one renewal
    │   ├── PermissionDeniedError   403: the user may not act for this seller
    │   ├── NotFoundError           404 on an object or seller
    │   ├── ApiValidationError      400 with a ModelState object or an error array
    │   ├── RateLimitedError        429 still answered after the retry budget
    │   ├── ServerError             5xx still answered after the retry budget
    │   ├── TransportError          connect error or timeout after the retry budget
    │   └── UnexpectedResponseError a response whose body or headers could not be understood
    ├── PlanFileError           a saved plan cannot be read, or has an unknown formatVersion
    ├── StalePlanError          live objects moved since the plan was made (lists them)
    ├── SafetyError             a safety rail blocks apply (names the rule and how to lift it)
    ├── LockedError             another apply holds the target's lock (names holder and file)
    ├── DuplicateKeyError       live objects share a natural key (names each pair of ids)
    └── ApplyError              apply finished with failed or skipped operations
        └── OperationError      one change could not be made (names it and why)
            └── ConcurrentEditError  the object moved since the check, right before its write
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from catalog_sync.diagnostics import Severity
from catalog_sync.redact import neutralise, redact, server_text

if TYPE_CHECKING:
    from catalog_sync.diagnostics import Diagnostic

__all__ = [
    "ApiError",
    "ApiValidationError",
    "ApplyError",
    "AuthenticationError",
    "CatalogError",
    "CatalogSyncError",
    "ConcurrentEditError",
    "ConfigError",
    "DuplicateKeyError",
    "LockedError",
    "NotFoundError",
    "OperationError",
    "PermissionDeniedError",
    "PlanFileError",
    "RateLimitedError",
    "SafetyError",
    "ServerError",
    "StalePlanError",
    "TransportError",
    "UnexpectedResponseError",
]


class CatalogSyncError(Exception):
    """Base of every error catalog-sync raises on purpose."""


class CatalogError(CatalogSyncError):
    """Raised when catalog files fail to load or validate; holds every diagnostic found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        errors = sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)
        warnings = len(self.diagnostics) - errors
        # Counted apart: a warning alone never stops a command, so it is not "a problem".
        counted = f"{errors} error{'s' if errors != 1 else ''}"
        if warnings:
            counted += f" and {warnings} warning{'s' if warnings != 1 else ''}"
        super().__init__(f"the catalog has {counted}")


class ConfigError(CatalogSyncError):
    """Raised when a setting is missing or invalid; the message names the flag or variable."""


class ApiError(CatalogSyncError):
    """Raised when a Cloudmore request fails; the message names the method and path."""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        where = f"{method} {path}: " if method and path else ""
        # Server text reaches here (reasons, bodies, values, reason phrases): the one place it
        # enters, so here it loses every credential and every line break (redact.py); the
        # server's own words are server_text already, where they were taken from a response.
        super().__init__(neutralise(redact(f"{where}{message}")))


class AuthenticationError(ApiError):
    """Raised when the token request is refused, or a request still gets 401 after renewal."""


class PermissionDeniedError(ApiError):
    """Raised on 403: the API user may not act for this seller."""


class NotFoundError(ApiError):
    """Raised on 404 for an object or a seller."""


class ApiValidationError(ApiError):
    """Raised on 400; ``reasons`` maps a field path (or error name) to the server's messages."""

    def __init__(
        self,
        message: str,
        *,
        reasons: Mapping[str, Sequence[str]],
        method: str | None = None,
        path: str | None = None,
        status: int | None = 400,
    ) -> None:
        self.reasons: dict[str, tuple[str, ...]] = {
            server_text(k): tuple(server_text(m) for m in v) for k, v in reasons.items()
        }
        super().__init__(message, method=method, path=path, status=status)


class RateLimitedError(ApiError):
    """Raised when 429 is still answered after the retry budget is spent."""


class ServerError(ApiError):
    """Raised when a 5xx is still answered after the retry budget is spent."""


class TransportError(ApiError):
    """Raised on a connect error or timeout that outlived the retry budget."""


class UnexpectedResponseError(ApiError):
    """Raised when a response's body or headers cannot be understood."""


class PlanFileError(CatalogSyncError):
    """Raised when a saved plan cannot be read or has an unsupported formatVersion."""


class StalePlanError(CatalogSyncError):
    """Raised when objects a saved plan touches have moved; ``moved`` names each one."""

    def __init__(self, moved: Sequence[str], *, heading: str | None = None) -> None:
        self.moved: tuple[str, ...] = tuple(moved)
        listed = "\n".join(f"  - {item}" for item in self.moved)
        heading = heading or "the plan is stale: these objects changed since it was made"
        super().__init__(f"{heading}, nothing was written\n" + listed)


class SafetyError(CatalogSyncError):
    """Raised when a safety rail blocks apply; the message names the rule and how to lift it."""


class LockedError(CatalogSyncError):
    """Raised when another apply holds the lock of the same target (API URL and seller)."""


class DuplicateKeyError(CatalogSyncError):
    """Raised when two live objects share a natural key: neither can be matched to the files."""


class ApplyError(CatalogSyncError):
    """Raised when apply finished with failed or skipped operations."""


class OperationError(ApplyError):
    """One change cannot be made (a name with no id, a body the API would refuse); the run
    records it as that change's failure and goes on with everything independent."""


class ConcurrentEditError(OperationError):
    """Right before its write, the object was not as apply checked it: a field the change
    writes was edited, the object deleted, or something new is below an object to delete.
    The change is refused so that edit stays (docs/contracts.md, "Edits during apply")."""
