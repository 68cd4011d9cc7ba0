"""Checking the names a catalog uses against the live catalog, without planning: what
``validate --online`` adds to the offline checks (the CS401 and CS402 that plan reports)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from catalog_sync.catalog import Catalog
    from catalog_sync.cloudmore import ApiSettings, ClientMetrics

__all__ = ["NAMES_CHECKED_ONLINE", "check_names"]

NAMES_CHECKED_ONLINE = (
    "category, market region, e-mail template, custom property and broker names, pinned ids"
)
"""What only the live catalog can tell apart from a typo."""


async def check_names(catalog: Catalog, settings: ApiSettings) -> ClientMetrics:
    """Resolve every name and pinned id through a read-only client; raises CatalogError
    listing each one Cloudmore does not know, exactly as plan would."""
    # Here, not at the top: offline validate (every commit, through pre-commit) reads
    # NAMES_CHECKED_ONLINE and must not pay for the HTTP client (docs/contracts.md, "Start-up").
    from catalog_sync.cloudmore import open_read_only
    from catalog_sync.live.reader import read_live
    from catalog_sync.plan.build import desired_against

    async with open_read_only(settings) as client:
        desired_against(catalog, await read_live(client))
        return client.metrics
