"""One change, one API call: which client method, which ids, which body.

Ids come from an :class:`IdBook` that knows the live ids and learns the id of every object
created in this run, so a child created under a parent created in the same run gets the
parent's new id.
"""

from __future__ import annotations

from catalog_sync.apply.bodies import (
    Names,
    addon_body,
    broker_body,
    changed_fields,
    product_body,
    publish_body,
    service_body,
)
from catalog_sync.cloudmore import ReadWriteClient
from catalog_sync.errors import ApplyError
from catalog_sync.graph import Address, Kind, Resource
from catalog_sync.plan.live import LiveCatalog, WireObject
from catalog_sync.plan.model import Action, Change, Plan

__all__ = ["IdBook", "Operations"]


class IdBook:
    """Address -> id, for the live objects and those created in this run.

    Seeded from the live graph and from the ids the plan recorded (which cover objects the
    files pin by id under a new natural key); a live object's ancestors are also found through
    its id, whatever address it sits at.
    """

    def __init__(self, plan: Plan, live: LiveCatalog) -> None:
        self._ids: dict[Address, str] = {}
        self._live = live
        self._live_by_id: dict[tuple[Kind, str], Resource] = {
            (r.kind, r.id): r for r in live.graph if r.id is not None and r.kind is not Kind.PUBLISH
        }
        for resource in live.graph:
            if resource.id is not None and resource.kind is not Kind.PUBLISH:
                self._ids[resource.address] = resource.id
        for change in plan.changes:
            if change.id is not None and change.action is not Action.PUBLISH:
                self._ids[Address.parse(change.address)] = change.id
            if change.parent is not None and change.parent_id is not None:
                self._ids[Address.parse(change.parent)] = change.parent_id

    def learn(self, address: Address, object_id: str) -> None:
        self._ids[address] = object_id

    def id_of(self, address: Address) -> str:
        found = self._ids.get(address)
        if found is None:
            raise ApplyError(f"{address} has no id: it neither exists nor was created in this run")
        return found

    def parent_ids(self, address: Address) -> tuple[str, ...]:
        """Ids of the ancestors, outermost first (service, then product)."""
        ancestors = list(address.ancestors())[::-1]
        if not ancestors:
            return ()
        nearest = self._live_by_id.get((ancestors[-1].kind, self.id_of(ancestors[-1])))
        if nearest is None:
            # Created in this run: every ancestor is in the book under its planned address.
            return tuple(self.id_of(ancestor) for ancestor in ancestors)
        # Live: follow the live tree up from the parent's id, which holds even when the files
        # pin the parent by id under a new natural key.
        lineage = [nearest.address, *nearest.address.ancestors()][::-1]
        return tuple(self.id_of(at) for at in lineage)


class Operations:
    """Performs changes through the client."""

    def __init__(self, client: ReadWriteClient, plan: Plan, live: LiveCatalog) -> None:
        self._client = client
        self.ids = IdBook(plan, live)
        self.names = Names(plan.lookups, live.lookups, live.broker_ids)
        self._objects: dict[tuple[Kind, str], WireObject] = {}
        for address, wire_object in live.objects.items():
            resource = live.graph.get(address)
            if resource is not None and resource.id is not None:
                self._objects[(address.kind, resource.id)] = wire_object

    async def perform(self, change: Change) -> str | None:
        """Apply one change; the object's id (new for a create, or the one changed)."""
        address = Address.parse(change.address)
        if change.action is Action.PUBLISH:
            (service_id,) = self.ids.parent_ids(address)
            desired = change.desired or {}
            await self._client.publish_service(service_id, publish_body(desired, self.names))
            return service_id
        if change.action is Action.CREATE:
            new_id = await self._create(change, address)
            self.ids.learn(address, new_id)
            if change.kind is Kind.BROKER and address.key is not None:
                self.names.add_broker(address.key, new_id)
            return new_id
        object_id = change.id
        if object_id is None:
            raise ApplyError(f"{change.address}: the plan has no id to {change.action.value}")
        if change.action.removes:
            await self._remove(change, address, object_id)
            return object_id
        await self._update(change, address, object_id)
        return object_id

    async def _create(self, change: Change, address: Address) -> str:
        fields = change.desired or {}
        parents = self.ids.parent_ids(address)
        client, names = self._client, self.names
        if change.kind is Kind.BROKER:
            return await client.create_broker(broker_body(fields, names))
        if change.kind is Kind.SERVICE:
            return await client.create_service(service_body(fields, names))
        if change.kind is Kind.PRODUCT:
            (service_id,) = parents
            return await client.create_product(service_id, product_body(fields, names))
        if change.kind is Kind.ADDON:
            service_id, product_id = parents
            return await client.create_addon(service_id, product_id, addon_body(fields, names))
        raise ApplyError(f"{change.address}: cannot create a {change.kind.value}")

    async def _update(self, change: Change, address: Address, object_id: str) -> None:
        fields = changed_fields(change.desired or {}, change.live)
        existing = self._objects.get((change.kind, object_id))
        if existing is None:
            raise ApplyError(f"{change.address}: the live object (id {object_id}) was not read")
        parents = self.ids.parent_ids(address)
        client, names = self._client, self.names
        if change.kind is Kind.BROKER:
            await client.update_broker(object_id, broker_body(fields, names, existing))
        elif change.kind is Kind.SERVICE:
            service = service_body(fields, names, existing, enable=change.action is Action.ENABLE)
            await client.update_service(object_id, service)
        elif change.kind is Kind.PRODUCT:
            (service_id,) = parents
            product = product_body(fields, names, existing)
            await client.update_product(service_id, object_id, product)
        elif change.kind is Kind.ADDON:
            service_id, product_id = parents
            addon = addon_body(fields, names, existing)
            await client.update_addon(service_id, product_id, object_id, addon)
        else:
            raise ApplyError(f"{change.address}: cannot update a {change.kind.value}")

    async def _remove(self, change: Change, address: Address, object_id: str) -> None:
        parents = self.ids.parent_ids(address)
        client = self._client
        if change.kind is Kind.BROKER:
            await client.delete_broker(object_id)
        elif change.kind is Kind.SERVICE:
            await client.disable_service(object_id)
        elif change.kind is Kind.PRODUCT:
            (service_id,) = parents
            await client.delete_product(service_id, object_id)
        elif change.kind is Kind.ADDON:
            service_id, product_id = parents
            await client.delete_addon(service_id, product_id, object_id)
        else:
            raise ApplyError(f"{change.address}: cannot remove a {change.kind.value}")
