"""The desired side of a broker's catalog beyond the generic adapter (``docs/broker.md``).

A marketplace service (``marketplace: true``) is the seller's: the files name it and the
items they price, and give the broker's prices only. So its service, products and addons are
taken as they are live (nothing of them is ever planned: no update, no create, no removal),
and only its price lists come from the files; a name the broker's live services or the
seller's items do not have is CS401 with the closest names. A customer's service must be one
of the broker's services (CS401 likewise).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import replace

from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.models import Catalog, MarketplaceService
from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.graph import Address, FieldValue, Kind, Resource, ResourceGraph
from catalog_sync.kinds import KINDS
from catalog_sync.live.reader import LiveCatalog
from catalog_sync.normalise import FieldType

__all__ = ["broker_desired", "clearing_unnamed"]

_OWNED_BY_THE_SELLER = (Kind.SERVICE, Kind.PRODUCT, Kind.ADDON)


def broker_desired(
    catalog: Catalog, desired: ResourceGraph, live: LiveCatalog
) -> tuple[ResourceGraph, list[Diagnostic]]:
    """``desired`` with each marketplace service's own objects as live has them, and every
    name that resolves to nothing live."""
    resold = {s.name for s in catalog.services if isinstance(s, MarketplaceService)}
    problems: list[Diagnostic] = []
    resources = dict(desired.resources)
    live_services = {r.address.key: r for r in live.graph if r.kind is Kind.SERVICE}
    for name in resold:
        at = Address.of(Kind.SERVICE, name)
        wanted = desired.get(at)
        found = live.graph.get(at)
        if wanted is None:
            continue
        if found is None or not getattr(live.objects.get(at), "marketplace", False):
            choices = [
                key
                for key, r in live_services.items()
                if key and getattr(live.objects.get(r.address), "marketplace", False)
            ]
            problems.append(
                _problem(
                    wanted,
                    f"marketplace service {name!r} is not one this broker resells"
                    f"{_suggest(name, choices)}",
                )
            )
            continue
        problems += _take_live(at, desired, live.graph, resources)
    for resource in desired:
        if resource.kind is Kind.CUSTOMER_SERVICE and resource.address.key not in live_services:
            problems.append(
                _problem(
                    resource,
                    f"service {resource.address.key!r} is not one of the broker's services"
                    f"{_suggest(resource.address.key or '', [k for k in live_services if k])}",
                )
            )
    return ResourceGraph(resources, desired.duplicates), problems


def clearing_unnamed(desired: ResourceGraph, live: ResourceGraph) -> ResourceGraph:
    """``desired`` saying "no price" for every live customer price the files do not name
    (every organization's lists read: prune, ``drift --all-customers``): a plan under prune
    clears them (a PUT with a null price, ASSUMED: price lists have no DELETE), drift reports
    them."""
    resources = dict(desired.resources)
    for found in live:
        if found.kind is not Kind.CUSTOMER_PRICE_LIST:
            continue
        named = desired.get(found.address)
        given = dict(named.fields) if named is not None else {}
        cleared: dict[str, FieldValue] = {
            name: None
            for name, value in found.fields.items()
            if name.endswith(".price") and value is not None and name not in given
        }
        if not cleared:
            continue
        for above in found.address.ancestors():
            if above not in resources:
                resources[above] = replace(live.resources[above], id=None)
        base = named or replace(found, id=None, fields={})
        resources[found.address] = replace(base, fields={**given, **cleared})
    return ResourceGraph(resources, desired.duplicates)


def _take_live(
    service: Address, desired: ResourceGraph, live: ResourceGraph, into: dict[Address, Resource]
) -> list[Diagnostic]:
    problems = []
    for resource in (desired.resources[service], *desired.descendants(service)):
        if resource.kind not in _OWNED_BY_THE_SELLER:
            continue
        found = live.get(resource.address)
        if found is None:
            parent = resource.address.parent
            siblings = (
                [] if parent is None else [r.address.key or "" for r in live.children(parent)]
            )
            problems.append(
                _problem(
                    resource,
                    f"{resource.kind.value} {resource.address.key!r} is not in the seller's "
                    f"{parent}{_suggest(resource.address.key or '', siblings)}",
                )
            )
            continue
        into[resource.address] = replace(resource, fields=_not_priced(found))
    # The seller's items the files do not price are the seller's too: never unmanaged.
    for found in live.descendants(service):
        if found.kind in _OWNED_BY_THE_SELLER and found.address not in into:
            into[found.address] = replace(found, id=None, fields=_not_priced(found))
    return problems


def _not_priced(found: Resource) -> dict[str, FieldValue]:
    """The live fields but the seller's own amounts (its default-currency price and cost):
    a broker's prices are its price lists', and the seller's are no policy's business here."""
    spec = KINDS[found.kind]
    return {
        name: value
        for name, value in found.fields.items()
        if name not in spec.by_name or spec.by_name[name].type is not FieldType.MONEY
    }


def _problem(resource: Resource, message: str) -> Diagnostic:
    assert resource.source is not None, "a desired object knows its place in the files"
    return Diagnostic(resource.source, Code.UNRESOLVED_NAME, Severity.ERROR, message)


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
