"""Planning, pure: match, diff, the Plan model, safety rails, plan files and the baseline.

Nothing here reads the API: live state comes from :mod:`catalog_sync.live`. The modules are
imported by name (``catalog_sync.plan.build`` and so on)."""

from __future__ import annotations

__all__: list[str] = []
