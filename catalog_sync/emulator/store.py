"""The emulator's state: lookups and the seller's catalog, as JSON-ready records.

Records are stored in their wire shape; the few keys starting with ``_`` link children to
their parents and are stripped from responses. Dicts keep insertion order, so every list
endpoint answers in creation order, as a database with a clustered key would.

The catalog's tables are read-only mappings: every write goes through :meth:`Store.put`,
:meth:`Store.update`, :meth:`Store.delete` or the ``signups`` setter, which keep the parent
indexes right and, once a state file holds the store, note what changed so that a group
commit writes those records only (:meth:`Store.take_changes`, statefile.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from catalog_sync.emulator.validation import JSON

__all__ = ["STATE_FORMAT", "TABLES", "Store", "Table", "public", "register_table"]

# 2: services carry the UI-only settings, products their extra field, the seller custom
# property definitions; a format-1 file is refused with a clear message, not half-read.
# 3: services carry their currencies, products and addons their amounts per currency
# ("_prices"); a format-2 file is read as one without price lists.
# 4: the file is a snapshot numbered by the last commit it holds ("commit"), and the commits
# after it are lines of FILE.log beside it (statefile.py), which an emulator reading format 3
# would not see; a format-3 file is read as a snapshot with no log.
STATE_FORMAT = 4
_UPGRADABLE = (2, 3, STATE_FORMAT)

Table = str
TABLES: list[Table] = ["services", "products", "addons", "brokers"]
"""The catalog's tables; an emulator module of one kind adds its own (:func:`register_table`)."""
# The key by which a child record names its parent; products_of and addons_of read an index
# on it instead of scanning the table.
_PARENT_KEY: dict[Table, str] = {"products": "_serviceId", "addons": "_productId"}


def register_table(table: Table, parent_key: str | None = None) -> None:
    """Add the table of a kind that has its own emulator module (``webhook.py``), before any
    store is built; ``parent_key``: the record field naming its parent, indexed for
    :meth:`Store.children`. A state file without the table reads as one with it empty."""
    if table not in TABLES:
        TABLES.append(table)
    if parent_key is not None:
        _PARENT_KEY[table] = parent_key


# The row lists seeds set and no API call writes; the signups are written (a broker delete).
_LOOKUPS = {
    "categories": "categories",
    "regions": "regions",
    "countries": "countries",
    "email_templates": "emailTemplates",
    "custom_properties": "customProperties",
}


def public(record: JSON) -> JSON:
    return {key: value for key, value in record.items() if not key.startswith("_")}


class Store:
    def __init__(self, seller_id: str) -> None:
        self.seller_id = seller_id
        self.categories: list[JSON] = []
        self.regions: list[JSON] = []
        self.countries: list[JSON] = []
        self.email_templates: list[JSON] = []
        # The seller's custom property definitions (GET .../settings/CustomProperties).
        self.custom_properties: list[JSON] = []
        # Not state: how the emulator is configured (EmulatorConfig.unique_keys).
        self.unique_keys = True
        # Whether changes are noted for take_changes: only once a state file holds the store
        # (an in-memory emulator would note every id it ever wrote, for no one).
        self.record_changes = False
        self._tables: dict[Table, dict[str, JSON]] = {table: {} for table in TABLES}
        # Child table -> parent id -> the children's ids, in creation order (dicts as
        # ordered sets).
        self._children: dict[Table, dict[str, dict[str, None]]] = {t: {} for t in _PARENT_KEY}
        # Which brokers signed which service: {"brokerId", "serviceId"}.
        self._signups: list[JSON] = []
        self._put: dict[Table, dict[str, None]] = {table: {} for table in TABLES}
        self._deleted: dict[Table, dict[str, None]] = {table: {} for table in TABLES}
        self._signups_set = False

    @property
    def services(self) -> Mapping[str, JSON]:
        return self._tables["services"]

    @property
    def products(self) -> Mapping[str, JSON]:
        return self._tables["products"]

    @property
    def addons(self) -> Mapping[str, JSON]:
        return self._tables["addons"]

    @property
    def brokers(self) -> Mapping[str, JSON]:
        return self._tables["brokers"]

    @property
    def signups(self) -> list[JSON]:
        return self._signups

    @signups.setter
    def signups(self, rows: list[JSON]) -> None:
        self._signups = rows
        self._signups_set = self.record_changes

    def products_of(self, service_id: str) -> list[JSON]:
        return self.children("products", service_id)

    def addons_of(self, product_id: str) -> list[JSON]:
        return self.children("addons", product_id)

    def table(self, table: Table) -> Mapping[str, JSON]:
        """The records of ``table`` by id, read-only (write through put, update, delete)."""
        return self._tables[table]

    def children(self, table: Table, parent_id: str) -> list[JSON]:
        """The records of ``table`` under ``parent_id``, in creation order."""
        rows = self._tables[table]
        return [rows[child] for child in self._children[table].get(parent_id, ())]

    def put(self, table: Table, record: JSON) -> None:
        """Add ``record`` at the end of its table, or replace the one with its id in place."""
        rows = self._tables[table]
        old = rows.get(record["id"])
        rows[record["id"]] = record
        key = _PARENT_KEY.get(table)
        if key is not None:
            self._link(table, record, None if old is None else old[key])
        self._note_put(table, record["id"])

    def update(self, table: Table, record_id: str, changes: JSON) -> JSON:
        """Change some fields of a record, in place; the record."""
        record = self._tables[table][record_id]
        key = _PARENT_KEY.get(table)
        parent = None if key is None else record[key]
        record.update(changes)
        if key is not None:
            self._link(table, record, parent)
        self._note_put(table, record_id)
        return record

    def delete(self, table: Table, record_id: str) -> None:
        record = self._tables[table].pop(record_id)
        key = _PARENT_KEY.get(table)
        if key is not None:
            self._unlink(table, record[key], record_id)
        if self.record_changes:
            # Out of the puts: a record made again after its delete goes last, as in the table.
            self._put[table].pop(record_id, None)
            self._deleted[table][record_id] = None

    def _note_put(self, table: Table, record_id: str) -> None:
        if self.record_changes:
            self._put[table][record_id] = None

    def _link(self, table: Table, record: JSON, before: str | None) -> None:
        """Index ``record`` under its parent; ``before``: the parent it had (None: new)."""
        key = _PARENT_KEY[table]
        parent = record[key]
        if before == parent:
            return
        children = self._children[table]
        if before is None:
            children.setdefault(parent, {})[record["id"]] = None
            return
        # A move (no API call makes one; this keeps the index true): the record keeps its
        # place in the table, so it takes the same place among its new siblings.
        self._unlink(table, before, record["id"])
        rows = self._tables[table]
        children[parent] = {i: None for i, row in rows.items() if row[key] == parent}

    def _unlink(self, table: Table, parent: str, child: str) -> None:
        siblings = self._children[table][parent]
        del siblings[child]
        if not siblings:
            del self._children[table][parent]

    def take_changes(self) -> JSON:
        """What changed since the last call, ``{}`` if nothing: per table the ids deleted and
        the records put (whole, new ones in creation order), and the signups if set."""
        changes: JSON = {}
        deleted = {table: list(ids) for table, ids in self._deleted.items() if ids}
        if deleted:
            changes["delete"] = deleted
        put = {
            table: [self._tables[table][i] for i in ids] for table, ids in self._put.items() if ids
        }
        if put:
            changes["put"] = put
        if self._signups_set:
            changes["signups"] = self._signups
        for notes in (self._put, self._deleted):
            for ids in notes.values():
                ids.clear()
        self._signups_set = False
        return changes

    def apply_changes(self, changes: Mapping[str, Any]) -> None:
        """Replay what :meth:`take_changes` returned: deletes first, then puts in order, so
        the tables end in the order they had."""
        unknown = set(changes) - {"delete", "put", "signups"}
        if unknown:
            raise ValueError(f"unknown change {sorted(unknown)}")
        for table, ids in _by_table(changes.get("delete", {})):
            for record_id in ids:
                if record_id in self._tables[table]:
                    self.delete(table, record_id)
        for table, records in _by_table(changes.get("put", {})):
            for record in records:
                self.put(table, record)
        if "signups" in changes:
            self.signups = changes["signups"]

    def to_json(self) -> JSON:
        return {
            "format": STATE_FORMAT,
            "sellerId": self.seller_id,
            **{key: getattr(self, name) for name, key in _LOOKUPS.items()},
            **{table: list(rows.values()) for table, rows in self._tables.items()},
            "signups": self._signups,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Store:
        if data.get("format") not in _UPGRADABLE:
            raise ValueError(f"unsupported state format {data.get('format')!r}")
        for service in data["services"]:
            service.setdefault("currencies", [])
        store = cls(seller_id=data["sellerId"])
        for name, key in _LOOKUPS.items():
            setattr(store, name, data[key])
        for table in TABLES:
            # A table registered after the file was written starts empty.
            for record in data.get(table, ()):
                store.put(table, record)
        store.signups = data["signups"]
        return store


def _by_table(value: Mapping[str, Any]) -> Iterable[tuple[Table, Any]]:
    for table, rows in value.items():
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        yield table, rows
