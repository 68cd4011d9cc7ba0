"""Renderers: turn immutable data (diagnostics, plans, reports) into text for people and tools."""
