"""Bounds on what catalog-sync reads, so no input can exhaust memory or time.

Each bound is far above anything a real catalog, plan or Cloudmore response needs (a
1,000-object catalog is about 300 KB of YAML and a plan of it about 2 MB) and far below what
would hurt: past it the input is refused with a clear error, never read on.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "MAX_CATALOG_FILE_BYTES",
    "MAX_JOURNAL_BYTES",
    "MAX_PLAN_FILE_BYTES",
    "MAX_RESPONSE_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
]

MAX_CATALOG_FILE_BYTES: Final = 8 * 1024 * 1024
MAX_PLAN_FILE_BYTES: Final = 64 * 1024 * 1024
"""One bound for writing and reading a saved plan: `plan --out` refuses what apply would."""
MAX_JOURNAL_BYTES: Final = 64 * 1024 * 1024
"""An apply's journal holds about 600 bytes per change: 100,000 changes fit."""
MAX_RESPONSE_BYTES: Final = 32 * 1024 * 1024
MAX_YAML_DEPTH: Final = 32
"""A catalog nests 8 levels deep (services, products, addons and their fields)."""
MAX_YAML_NODES: Final = 2_000_000
