"""Renderers: turn immutable data (diagnostics, plans, reports) into text for people and tools.

The modules are imported by name (``catalog_sync.render.plan_text`` and so on)."""

from __future__ import annotations

__all__: list[str] = []
