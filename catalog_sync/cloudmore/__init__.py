"""The Cloudmore API client: configuration, auth, retries, wire DTOs, two client types.

``open_read_only(settings)`` gives plan and drift a client that cannot write;
``open_read_write(settings)`` gives apply one that can. ``load_settings(...)`` builds the
settings from flags and environment (or points them at the built-in emulator).
"""

from __future__ import annotations

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
