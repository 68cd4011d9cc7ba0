"""One change, one write: which client method, which ids, which body.

An update is written over its object as re-read right before the PUT, a delete only when
nothing new is below the object (:mod:`catalog_sync.apply.fresh`), and a create whose answer
names an object that existed before is matched by key instead. Ids come from an
:class:`IdBook` that knows the live ids and learns the id of every object created in this run,
so a child created under a parent created in the same run gets the parent's new id.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from catalog_sync.apply.bodies import Names, body_for, item_body_for
from catalog_sync.apply.fresh import moved_fields, new_below, reread, shown, wire_value
from catalog_sync.cloudmore import ReadWriteClient
from catalog_sync.errors import ConcurrentEditError, OperationError
from catalog_sync.graph import Address
from catalog_sync.kinds import KINDS, KindSpec, get_path
from catalog_sync.live.reader import LiveCatalog
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
        self._live = live.graph
        for resource in live.graph:
            if resource.id is not None and KINDS[resource.kind].counted:
                self._ids[resource.address] = resource.id
        for change in plan.changes:
            if change.id is not None and KINDS[change.kind].counted:
                self._ids[change.address] = change.id
            if change.parent is not None and change.parent_id is not None:
                self._ids[change.parent] = change.parent_id

    def learn(self, address: Address, object_id: str) -> None:
        self._ids[address] = object_id

    def id_of(self, address: Address) -> str:
        found = self._ids.get(address)
        if found is None:
            raise OperationError(
                f"{address} has no id: it neither exists nor was created in this run"
            )
        return found

    def parent_ids(self, address: Address) -> tuple[str, ...]:
        """Ids of the ancestors, outermost first (service, then product)."""
        ancestors = list(address.ancestors())[::-1]
        if not ancestors:
            return ()
        nearest = self._live.by_id(ancestors[-1].kind).get(self.id_of(ancestors[-1]))
        if nearest is None:
            # Created in this run: every ancestor is in the book under its planned address.
            return tuple(self.id_of(ancestor) for ancestor in ancestors)
        # Live: follow the live tree up from the parent's id, which holds even when the files
        # pin the parent by id under a new natural key. The ids are the live objects' own: the
        # book may hold a new object under a live address (a create that reuses the old name
        # of a renamed object), so live addresses are never looked up in it.
        lineage = [nearest.address, *nearest.address.ancestors()][::-1]
        return tuple(self._live_id(at) for at in lineage)

    def _live_id(self, address: Address) -> str:
        found = self._live.get(address)
        if found is None or found.id is None:
            raise OperationError(f"{address} has no id: it was not read")
        return found.id


class Operations:
    """Performs changes through the client, each through its kind's spec."""

    def __init__(self, client: ReadWriteClient, plan: Plan, live: LiveCatalog) -> None:
        self._client = client
        self.ids = IdBook(plan, live)
        self.names = Names(plan.lookups, live.lookups, live.broker_ids)
        self._live = live
        # Every id that named an object before this run's creates, and those they made.
        self._existing = {i.lower() for r in live.graph if (i := r.id) is not None}
        self.before_write: dict[Address, BaseModel] = {}
        """Each object an update wrote, as re-read right before its PUT (the verification
        tells a field the write did not set from one someone else changed after it)."""

    async def perform(self, change: Change) -> str | None:
        """Apply one change; the object's id (new for a create, or the one changed)."""
        address = change.address
        spec = KINDS[change.kind]
        parents = self.ids.parent_ids(address)
        if change.action is Action.CREATE:
            if not spec.creates:
                raise OperationError(f"{change.address}: cannot create a {change.kind.value}")
            new_id = await self._client.create(spec.kind, parents, self._body(spec, change))
            if self._known(new_id):
                new_id = await self._created(spec, change, parents, new_id)
            self._existing.add(new_id.lower())
            self.ids.learn(address, new_id)
            if spec.names_table is not None and address.key is not None:
                self.names.learn(spec.names_table, address.key, new_id)
            return new_id
        # An embedded object (publish settings) is written under its parent's id.
        object_id = parents[-1] if spec.embedded is not None else change.id
        if object_id is None:
            raise OperationError(f"{change.address}: the plan has no id to {change.action.value}")
        if change.action.removes:
            if not spec.removes:
                raise OperationError(f"{change.address}: cannot remove a {change.kind.value}")
            if change.action is Action.DELETE:
                await self._nothing_new_below(spec, change, (*parents, object_id))
            await self._client.remove(spec.kind, parents, object_id)
            return object_id
        read = self._live.graph.by_id(change.kind).get(object_id)
        existing = None if read is None else self._live.objects.get(read.address)
        if existing is None and change.fingerprint is not None:
            raise OperationError(f"{change.address}: the live object (id {object_id}) was not read")
        if existing is not None:
            existing = await self._fresh(spec, change, parents, object_id, existing)
            self.before_write[address] = existing
        # The changed fields over the object as it is now: what the plan shows, nothing more.
        body = self._body(spec, change, existing)
        # A keyed object (a price list) is written at its natural key, not its keyed id.
        target = address.key if spec.endpoint.keyed and address.key else object_id
        await self._client.replace(spec.kind, parents, target, body)
        return object_id

    async def _fresh(
        self,
        spec: KindSpec,
        change: Change,
        parents: tuple[str, ...],
        object_id: str,
        checked: BaseModel,
    ) -> BaseModel:
        """The object re-read right before its write (:mod:`catalog_sync.apply.fresh`);
        raises ConcurrentEditError when a field the change writes moved since the check."""
        fresh = await reread(self._client, spec, change.address, parents, object_id)
        if fresh is None:
            return checked
        item_ids = self._item_ids(change)
        moved = moved_fields(spec, change.address, change.written(), checked, fresh, item_ids)
        if moved:
            now = ", ".join(
                f"{name} now {shown(wire_value(spec, change.address, fresh, name, item_ids))}"
                for name in moved
            )
            raise ConcurrentEditError(
                f"{change.address}: edited in Cloudmore since apply checked the plan ({now}); "
                "not written, so that edit stays: re-run plan"
            )
        return fresh

    async def _nothing_new_below(
        self, spec: KindSpec, change: Change, ids: tuple[str, ...]
    ) -> None:
        """Refuse a delete that would take with it what the check did not see below it."""
        new = await new_below(self._client, spec, ids, self._live.graph)
        if new:
            shown = ", ".join(new[:5]) + (f" and {len(new) - 5} more" if len(new) > 5 else "")
            raise ConcurrentEditError(
                f"{change.address}: created below it in Cloudmore since apply checked the plan: "
                f"{shown}; not deleted, so nothing unreviewed is lost: re-run plan"
            )

    def _known(self, object_id: str) -> bool:
        """Whether ``object_id`` named an object before this create: live when apply read
        the catalog, or created earlier in this run."""
        return object_id.lower() in self._existing

    async def _created(
        self, spec: KindSpec, change: Change, parents: tuple[str, ...], named: str
    ) -> str:
        """A create answered with the id of an object that existed before it (its Location
        or body named one): the new object is the one its parent now lists under its key."""
        key = change.address.key
        key_field = spec.key_field
        if not spec.lists or key_field is None or key is None:
            raise OperationError(
                f"{change.address}: created, but Cloudmore named an existing object "
                f"(id {named}) as the new one"
            )
        found = [
            object_id
            for item in await self._client.list(spec.kind, parents)
            if get_path(item.model_dump(by_alias=True), key_field) == key
            and (object_id := str(getattr(item, "id", "")).lower())
            and not self._known(object_id)
        ]
        if len(found) != 1:
            raise OperationError(
                f"{change.address}: created, but Cloudmore named an existing object (id "
                f"{named}) as the new one, and its parent lists {len(found)} new "
                f"{spec.kind.value}(s) with {spec.key} {key!r}: plan again to see what is there"
            )
        return found[0]

    def unchanged(self, change: Change, name: str, read: BaseModel) -> bool | None:
        """Whether field ``name`` in ``read`` (the object as read after the writes) holds
        what it held right before this run wrote it; None when it was not re-read then."""
        before = self.before_write.get(change.address)
        if before is None:
            return None
        spec = KINDS[change.kind]
        item_ids = self._item_ids(change)
        try:
            then = wire_value(spec, change.address, before, name, item_ids)
            now = wire_value(spec, change.address, read, name, item_ids)
        except OperationError:
            return None
        return bool(then == now)

    def _body(self, spec: KindSpec, change: Change, existing: BaseModel | None = None) -> BaseModel:
        fields = change.written()
        if spec.items is not None:
            return item_body_for(
                spec, change.address, fields, self.names, self._item_ids(change), existing
            )
        return body_for(spec, fields, self.names, existing, enable=change.action is Action.ENABLE)

    def _item_ids(self, change: Change) -> Callable[[Address], tuple[str, ...]]:
        """An item's ids, outermost first, for the items of a per-item kind (price lists):
        items are named by natural key; a PUT names them by id, new ones included."""
        top = len(change.address.segments) - 1

        def item_ids(item: Address) -> tuple[str, ...]:
            # The item and its ancestors below the price list's parent, outermost first.
            chain = [item, *item.ancestors()][::-1][top:]
            return tuple(self._item_id(change, at, top) for at in chain)

        return item_ids

    def _item_id(self, change: Change, item: Address, top: int) -> str:
        """An item's id: created in this run or live at its planned address, else live under
        the parent the plan names by id (a parent the files pin under a new natural key)."""
        try:
            return self.ids.id_of(item)
        except OperationError:
            parent = self._live.graph.by_id(item.segments[top - 1][0]).get(change.parent_id or "")
            if parent is None:
                raise
            found = self._live.graph.get(Address(parent.address.segments + item.segments[top:]))
            if found is None or found.id is None:
                raise
            return found.id
