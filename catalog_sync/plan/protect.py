"""``settings.protect`` entries that protect nothing: most likely a typo in a name, which would
otherwise leave the object meant unprotected without a word (see docs/diagnostics.md, CS405)."""

from __future__ import annotations

from collections.abc import Sequence

from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.models import Settings
from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.graph import Address, ResourceGraph

__all__ = ["unmatched_protect"]


def unmatched_protect(
    settings: Settings, protect: Sequence[Address], desired: ResourceGraph, live: ResourceGraph
) -> tuple[Diagnostic, ...]:
    """A warning at each entry with no desired and no live object at its address or below;
    ``protect`` is ``settings.protect`` as addresses (the plan's settings hold them so)."""
    return tuple(
        Diagnostic(
            settings.item_source("protect", index),
            Code.PROTECT_UNMATCHED,
            Severity.WARNING,
            f"settings.protect entry {entry} matches no object in the files or live: "
            "check its spelling, or remove it",
        )
        for index, entry in enumerate(protect)
        if not any(_holds(graph, entry) for graph in (desired, live))
    )


def _holds(graph: ResourceGraph, address: Address) -> bool:
    return address in graph or bool(graph.children(address))
