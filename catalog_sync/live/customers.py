"""A broker's customers on the live side (``docs/broker.md``): made from the one organizations
list, never listed per organization, and only where they are wanted.

A customer's prices are one price list per organization, service and currency; reading them
all would be a request per organization of the broker (thousands), so the live side holds a
customer, its services and their listed currencies only for the organizations the files name
(or, reporting what the files leave out, every one), and the plan then reads the price lists
the files name, as it does a service's (:mod:`catalog_sync.live.keyed`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from catalog_sync.graph import Address, Kind, Resource, ResourceGraph
from catalog_sync.kinds import keyed_id
from catalog_sync.kinds.customer import ORGANIZATIONS, customer_service_id
from catalog_sync.live.reader import LiveCatalog
from catalog_sync.plan.model import Action, Change

__all__ = [
    "EVERY_CUSTOMER",
    "customers_of_changes",
    "every_customer_price_list",
    "named_customers",
    "with_customers",
]

EVERY_CUSTOMER = None
"""``with_customers``'s ``wanted`` for every organization and service (prune, drift
--all-customers, export)."""


def named_customers(desired: ResourceGraph, live: LiveCatalog) -> set[tuple[str, str | None]]:
    """The (organization, service) pairs the files name, organizations by their live name
    (a pinned ``organizationId`` read as the name behind it); ``None``: a customer named with
    no service."""
    found: set[tuple[str, str | None]] = set()
    for resource in desired:
        if resource.kind is Kind.CUSTOMER:
            name = _live_name(resource, live)
            found.add((name, None))
            for below in desired.children(resource.address):
                found.add((name, below.address.key))
    return found


def _live_name(customer: Resource, live: LiveCatalog) -> str:
    if customer.id is not None:
        return live.lookups.name_of(ORGANIZATIONS, customer.id)
    return customer.address.key or ""


def with_customers(
    live: LiveCatalog, wanted: Iterable[tuple[str, str | None]] | None
) -> LiveCatalog:
    """``live`` with the customers ``wanted`` names ((organization, service) pairs; ``None``:
    every organization and service), each with its services' listed currencies as price
    lists not read yet. A name no organization or service has adds nothing: the desired side
    reports it (CS401)."""
    organizations = live.lookups.table(ORGANIZATIONS)
    services = {r.address.key: r for r in live.graph if r.kind is Kind.SERVICE and r.id is not None}
    if wanted is None:
        wanted = [(org, name) for org in organizations for name in services]
    added: dict[Address, Resource] = {}
    for org, name in wanted:
        org_id = organizations.get(org)
        if org_id is None:
            continue
        customer = Address.of(Kind.CUSTOMER, org)
        added[customer] = Resource(customer, {"organization": org}, id=org_id)
        service = services.get(name) if name is not None else None
        if service is None or service.id is None:
            continue
        held = customer.child(Kind.CUSTOMER_SERVICE, service.address.key)
        held_id = customer_service_id(org_id, service.id)
        added[held] = Resource(held, {"name": service.address.key}, id=held_id)
        wire = live.objects.get(service.address)
        for currency in getattr(wire, "currencies", None) or ():
            at = held.child(Kind.CUSTOMER_PRICE_LIST, currency)
            added[at] = Resource(at, {}, id=keyed_id(held_id, currency))
    if not added:
        return live
    graph = ResourceGraph({**live.graph.resources, **added}, live.graph.duplicates)
    return replace(live, graph=graph)


def every_customer_price_list(live: ResourceGraph) -> list[Address]:
    """Every customer price list ``with_customers`` added (to be read: prune, drift
    --all-customers, export)."""
    return [r.address for r in live if r.kind is Kind.CUSTOMER_PRICE_LIST]


def customers_of_changes(live: LiveCatalog, changes: Iterable[Change]) -> LiveCatalog:
    """``live`` (apply's scoped read) with the customers ``changes`` write, from the ids the
    plan holds: a customer price list's parent id is the organization's and the service's."""
    added: dict[Address, Resource] = {}
    for change in changes:
        if change.kind is not Kind.CUSTOMER_PRICE_LIST or change.parent is None:
            continue
        held, held_id = change.parent, change.parent_id
        customer = held.parent
        if held_id is None or customer is None:
            continue
        org_id = held_id.rpartition(":")[0]
        added[customer] = Resource(customer, {"organization": customer.key}, id=org_id)
        added[held] = Resource(held, {"name": held.key}, id=held_id)
        if change.action is not Action.CREATE:
            at = change.address
            added[at] = Resource(at, {}, id=keyed_id(held_id, at.key or ""))
    if not added:
        return live
    graph = ResourceGraph({**live.graph.resources, **added}, live.graph.duplicates)
    return replace(live, graph=graph)
