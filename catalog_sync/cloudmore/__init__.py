"""The Cloudmore API client: configuration, auth, retries, wire DTOs, two client types.

``open_read_only(settings)`` gives plan and drift a client that cannot write;
``open_read_write(settings)`` gives apply one that can. ``load_settings(...)`` builds the
settings from flags and environment (or points them at the built-in emulator).

The names are imported from their modules on first use: the kind registry needs the wire
shapes (:mod:`.wire`) and ``validate`` needs nothing else, so neither pays for the HTTP
client at start-up (docs/contracts.md, "Start-up").
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from catalog_sync.cloudmore import wire
    from catalog_sync.cloudmore.client import (
        ReadOnlyClient,
        ReadWriteClient,
        open_read_only,
        open_read_write,
    )
    from catalog_sync.cloudmore.metrics import ClientMetrics
    from catalog_sync.cloudmore.retry import RetryPolicy
    from catalog_sync.cloudmore.settings import ENVIRONMENTS, ApiSettings, load_settings

__all__ = [
    "ENVIRONMENTS",
    "ApiSettings",
    "ClientMetrics",
    "ReadOnlyClient",
    "ReadWriteClient",
    "RetryPolicy",
    "load_settings",
    "open_read_only",
    "open_read_write",
    "wire",
]

_HOMES = {
    "ENVIRONMENTS": "settings",
    "ApiSettings": "settings",
    "load_settings": "settings",
    "ClientMetrics": "metrics",
    "ReadOnlyClient": "client",
    "ReadWriteClient": "client",
    "open_read_only": "client",
    "open_read_write": "client",
    "RetryPolicy": "retry",
}


def __getattr__(name: str) -> Any:
    if name == "wire":
        return importlib.import_module(f"{__name__}.wire")
    try:
        home = _HOMES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
