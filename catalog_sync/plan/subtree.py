"""What lies below an object a plan removes, fingerprinted so apply can tell it moved.

Deleting a product deletes its addons and disabling a service takes its products and addons
out of sale, so a removal was reviewed together with everything below it. The plan records a
digest of that subtree (each descendant's path below the object, id and fingerprint) and apply
refuses when the subtree it re-reads differs: an addon created under the product after the
plan was made was never reviewed (README, "How apply stays safe").
"""

from __future__ import annotations

from catalog_sync.graph import Address, Resource, ResourceGraph
from catalog_sync.kinds import KINDS
from catalog_sync.plan.digest import digest_of
from catalog_sync.plan.model import fingerprint

__all__ = ["descendants", "subtree_digest"]


def descendants(graph: ResourceGraph, address: Address) -> list[Resource]:
    """Every object below ``address`` (duplicates included), publish settings excluded."""
    depth = len(address.segments)
    below = [
        *graph.descendants(address),
        *(d for d in graph.duplicates if d.address.segments[:depth] == address.segments),
    ]
    return [resource for resource in below if KINDS[resource.kind].counted]


def subtree_digest(graph: ResourceGraph, address: Address) -> str:
    """A digest of what is below ``address``; the same wherever the object itself sits."""
    depth = len(address.segments)
    rows = sorted(
        (
            str(Address(resource.address.segments[depth:])),
            resource.id or "",
            fingerprint(resource),
        )
        for resource in descendants(graph, address)
    )
    return f"{digest_of(rows, ensure_ascii=True, digits=32)}:{len(rows)}"
