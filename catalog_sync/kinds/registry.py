"""The kind registry: the spec types, :func:`register`, and the lookups over what is registered.

Every kind is one module of this package (``service.py``, ``product.py``, ...) that builds
its :class:`KindSpec` and registers it; everything the code knows about a kind lives there: its
parent, its natural key, where its objects sit in the catalog files, its wire shapes, its
endpoint as data (:class:`Endpoint`: the generic client in :mod:`catalog_sync.cloudmore.client`
reads and writes every kind from it), its removal mode and its fields. Everything the code knows
about a field lives in its :class:`FieldSpec`: catalog name, wire path, value type (the
normaliser), lookup table when the catalog names what the API identifies by id, default and
schema description. The adapters, the body builder, the operations, staleness and
verification are loops over these specs; adding a field is one line in its kind's module,
adding a kind one module (``docs/contracts.md`` lists the endpoints).

A read is the list call, plus the detail call for each object when the kind manages a field
its list item leaves out (:meth:`KindSpec.reads_details`, decided from the kind's
``list_view``; ``docs/contracts.md``, "The contract").

A kind with :class:`ItemFields` (the price lists) has no fixed fields: one object per parent and
key (a service's prices in SEK) holds one field per item and amount, ``"{item}.{amount}"``
(``payg.price``, ``payg/gws-std.cost``), which :meth:`KindSpec.field_for` resolves to its amount's
spec. Such a kind is read on demand (by key, only where the files name the key; the keys the
parent holds are ``listed`` on the parent's wire object, so the others are reported without a
read) and written with one replace per object carrying every changed item
(``docs/contracts.md``, "Price lists").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol
from urllib.parse import quote

from pydantic import BaseModel

from catalog_sync import secrets
from catalog_sync.graph import Address, FieldValue, Kind, ResourceGraph
from catalog_sync.kinds.contract import Contract
from catalog_sync.normalise import FieldType, format_money, normalise_value

if TYPE_CHECKING:
    from catalog_sync.diagnostics import Diagnostic
    from catalog_sync.plan.model import Change

__all__ = [
    "BROKERS",
    "KINDS",
    "LIST_VIEWS",
    "PRICE_FIELDS",
    "SELLER",
    "Endpoint",
    "FieldSpec",
    "IdsOfNames",
    "ItemFields",
    "KindSpec",
    "NamesOfIds",
    "PriceCell",
    "Root",
    "children_of",
    "defaults",
    "field_spec",
    "get_path",
    "keyed_id",
    "no_price_cell",
    "own_price_cell",
    "references",
    "register",
    "set_path",
    "unsent_secrets",
    "write_only",
]

# The catalog's own broker table (a kind that is a lookup table); the API's lookup tables
# are catalog_sync.live.lookups.TABLES.
BROKERS = "brokers"


class NamesOfIds(Protocol):
    """Reading: the name behind an id, per lookup table (the API's and ``BROKERS``)."""

    def name_of(self, table: str, identifier: str) -> str: ...


class IdsOfNames(Protocol):
    """Writing: the id behind a name, per lookup table; raises when there is none."""

    def id_of(self, table: str, name: str, noun: str) -> str: ...


_NO_DEFAULT: Any = object()


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A managed field and its codec: catalog value -> graph value -> wire value and back
    (:meth:`to_graph` and :meth:`to_catalog`, :meth:`from_wire` and :meth:`to_wire`).

    ``name`` is the catalog (YAML) key, dotted when nested, and the field's name in the graph
    and the plan; ``wire`` the JSON path when it differs. ``lookup`` names the table through
    which a catalog name becomes the id the API stores; ``vocabulary`` maps an enum the catalog
    spells differently from the API. A field without a default is "don't care" when the files
    leave it out.
    """

    name: str
    type: FieldType
    wire: str = ""
    lookup: str | None = None
    noun: str = ""
    vocabulary: Mapping[str, str] | None = None
    upper: bool = False
    """A set of codes compared upper-case (ISO country codes)."""
    pairs: bool = False
    """``{id, value}`` entries on the wire (``{name, value}`` or ``{id, value}`` in the files),
    held as ``key=value`` strings: a set a reviewer can read. With a ``lookup``, the key is the
    name behind the id (the id itself when no name is known)."""
    default: FieldValue = _NO_DEFAULT
    write_only: bool = False
    """A secret (``catalog_sync/secrets.py``): the files, graph and plan hold the environment
    variable it is read from; sent with every create and update, never read, never compared."""
    beside: str = ""
    """For a write-only field: the readable field whose value says the secret is set (a basic
    auth user name for its password), so export knows to name a variable for it."""
    code: bool = False
    """An identifier made of digits often enough that a plain YAML scalar would read as a
    number (an itemCode, a phone number): ``fmt`` quotes it (a set: each entry)."""

    @property
    def wire_path(self) -> str:
        return self.wire or self.name

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT

    def to_graph(self, value: object) -> FieldValue:
        """A catalog value (or an already decoded wire value) as the graph holds it."""
        if self.write_only and isinstance(value, Mapping):
            return secrets.reference(str(value.get("env")))
        if (self.pairs or self.upper) and isinstance(value, list | tuple):
            value = [self._entry(item) for item in value]
        return normalise_value(self.type, self.name, value)

    def _entry(self, item: object) -> object:
        if self.pairs and isinstance(item, Mapping):
            # The files may name the key (``name``) or give its id; the wire has the id.
            return f"{item.get('name') or item.get('id')}={item.get('value') or ''}"
        return item.upper() if self.upper and isinstance(item, str) else item

    def to_catalog(self, value: FieldValue) -> Any:
        """The inverse of :meth:`to_graph`: a graph value as a catalog file writes it (export).
        A pairs entry's key is written as the id when it is one (no definition names it)."""
        if self.type is FieldType.MONEY:
            return format_money(value)
        if self.write_only:
            return {"env": secrets.variable_of(value)}
        if self.pairs and isinstance(value, tuple):
            # Imported here: the catalog models import this module.
            from catalog_sync.catalog.fields import GUID_PATTERN

            entries = (str(item).partition("=") for item in value)
            return [
                {"id" if GUID_PATTERN.fullmatch(key) else "name": key, "value": text}
                for key, _, text in entries
            ]
        return list(value) if isinstance(value, tuple) else value

    def names_in(self, value: FieldValue) -> tuple[str, ...]:
        """The names in ``value`` that go through the lookup (each key of a pairs field)."""
        items = value if isinstance(value, tuple) else () if value is None else (str(value),)
        return tuple(item.partition("=")[0] if self.pairs else item for item in items)

    def from_wire(self, value: object, names: NamesOfIds) -> FieldValue:
        if self.vocabulary is not None and isinstance(value, str):
            value = next(
                (ours for ours, theirs in self.vocabulary.items() if theirs == value), value
            )
        if self.pairs and self.lookup is not None and isinstance(value, list | tuple):
            # An id no definition has stays as it is: the plan shows it as a difference.
            value = [
                {**item, "id": names.name_of(self.lookup, str(item.get("id")))}
                if isinstance(item, Mapping)
                else item
                for item in value
            ]
        elif self.lookup is not None and value is not None:
            if isinstance(value, list | tuple):
                value = [names.name_of(self.lookup, str(item)) for item in value]
            else:
                value = names.name_of(self.lookup, str(value))
        return self.to_graph(value)

    def to_wire(self, value: FieldValue, names: IdsOfNames) -> Any:
        """Raises ValueError for a value the API has no word for, or a secret whose variable
        is unset; a name no table holds raises what ``names`` raises."""
        if self.write_only:
            return None if value is None else secrets.value_of(value)
        if self.vocabulary is not None and value is not None:
            if value not in self.vocabulary:
                raise ValueError(f"unknown {self.noun or self.name} {value!r}")
            return self.vocabulary[str(value)]
        if self.pairs and isinstance(value, tuple):
            # "key=value" strings; the value may itself hold "=".
            return [
                {"id": self._key_id(key, names), "value": text}
                for key, _, text in (item.partition("=") for item in value)
            ]
        if self.lookup is not None:
            if isinstance(value, tuple):
                return [names.id_of(self.lookup, item, self.noun) for item in value]
            return None if value is None else names.id_of(self.lookup, str(value), self.noun)
        if value is None:
            return None
        if self.type is FieldType.MONEY:
            return Decimal(str(value))
        return list(value) if isinstance(value, tuple) else value

    def _key_id(self, key: str, names: IdsOfNames) -> str:
        return key if self.lookup is None else names.id_of(self.lookup, key, self.noun)


# The money fields of one item in one currency (docs/policies.md, "Price rows").
PRICE_FIELDS = ("price", "cost", "recommendedPrice")


class PriceCell(NamedTuple):
    """Where a managed money field sits among prices: the item (product or addon) it prices,
    the currency (``None``: the item's own fields, in the seller's base currency,
    ``settings.currency``) and which of :data:`PRICE_FIELDS` it is."""

    item: Address
    currency: str | None
    field: str


def own_price_cell(address: Address, name: str) -> PriceCell | None:
    """The default for a kind whose money fields are its own ``price``/``cost``/
    ``recommendedPrice``: the object is the item, in the base currency."""
    spec = KINDS[address.kind].by_name.get(name)
    if spec is None or spec.type is not FieldType.MONEY or name not in PRICE_FIELDS:
        return None
    return PriceCell(address, None, name)


def no_price_cell(address: Address, name: str) -> PriceCell | None:
    """For a kind without prices."""
    return None


Rows = Callable[[BaseModel], Sequence[tuple[tuple[str, ...], Mapping[str, Any]]]]
RowsBody = Callable[[str, list[tuple[tuple[str, ...], dict[str, Any]]]], BaseModel]


def keyed_id(parent_id: str, key: str) -> str:
    """The id of an object read by key under its parent (a price list has none of its own)."""
    return f"{parent_id}/{key}"


@dataclass(frozen=True)
class ItemFields:
    """Fields named per item of the parent: ``"{item}.{amount}"``.

    ``item`` is the natural keys of the item and its ancestors below the parent, outermost
    first, joined by ``/`` (``payg``, ``payg/gws-std``), one per kind of ``item_kinds``; the
    amount is the last dot segment, one of ``amounts``. ``catalog_items`` is the attribute of
    an item's catalog model holding its amounts by key (``prices: {SEK: {...}}``); ``rows`` and
    ``body`` are the wire side: the items of a read object by ids, and the body for some of
    them.
    """

    amounts: tuple[FieldSpec, ...]
    item_kinds: tuple[Kind, ...]
    catalog_items: str
    rows: Rows
    body: RowsBody
    separator: str = "/"

    def split(self, name: str) -> tuple[str, FieldSpec] | None:
        item, dot, amount = name.rpartition(".")
        spec = next((a for a in self.amounts if a.name == amount), None)
        if not dot or not item or spec is None:
            return None
        return item, spec

    def item_address(self, parent: Address, item: str) -> Address:
        keys = item.split(self.separator, len(self.item_kinds) - 1)
        address = parent
        for kind, key in zip(self.item_kinds, keys, strict=False):
            address = address.child(kind, key)
        return address

    def item_name(self, keys: Sequence[str]) -> str:
        return self.separator.join(keys)

    def items_of(self, parent: Address, names: Iterable[str]) -> list[Address]:
        """The items ``names`` (field names) are of, once each, in order."""
        found: dict[Address, None] = {}
        for name in names:
            split = self.split(name)
            if split is not None:
                found[self.item_address(parent, split[0])] = None
        return list(found)


@dataclass(frozen=True, slots=True)
class Root:
    """What a kind's paths hang from: ``template`` with the one id it takes (``{}``), and the
    attribute of :class:`~catalog_sync.cloudmore.settings.ApiSettings` holding that id."""

    template: str
    setting: str

    def path(self, identifier: str) -> str:
        return self.template.format(quote(identifier, safe=""))


SELLER = Root("/api/sellers/{}", "seller_id")
"""The seller's API (``docs/contracts.md``); the reseller root comes with brokers' own kinds."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a kind's objects are, as data the generic client reads.

    Templates are relative to ``root`` and take the ancestors' ids positionally, outermost
    first (``{0}`` the service, ``{1}`` the product), and ``{id}`` for the object itself.
    ``collection`` is listed (``GET``) and created in (``POST``); ``None``: the kind is not
    listed on its own (it is embedded in its parent, or read by key). ``item`` is one object
    (``GET`` when ``detail``, ``PUT``, ``DELETE``); by default ``{collection}/{id}``.

    ``grouped_by``: the collection is listed once at the root (its template takes no parent
    id) and each item names its parent by this wire field; the client lists it once per
    parent read and keeps the items whose field is the parent's id. ``parent_field``: the wire
    field the client writes the parent's id into, in every body it sends (create and replace).

    ``keyed``: the object has no id of its own: ``{id}`` is its natural key, it is read by key
    where needed, and created by a ``PUT`` at its key (a price list in a new currency).
    ``write``: where a ``PUT`` goes when that is not ``item`` (a price list is read at
    ``?currencyCode=`` but written without it: the currency is the body's).
    """

    collection: str | None
    item: str = ""
    write: str = ""
    root: Root = SELLER
    detail: bool = True
    grouped_by: str | None = None
    parent_field: str | None = None
    keyed: bool = False

    def collection_path(self, root_id: str, ids: Sequence[str]) -> str:
        assert self.collection is not None
        return self._under(root_id, self.collection, ids)

    def item_path(
        self, root_id: str, ids: Sequence[str], object_id: str, *, write: bool = False
    ) -> str:
        template = (write and self.write) or self.item or f"{self.collection}/{{id}}"
        return self._under(root_id, template, ids, object_id)

    def _under(
        self, root_id: str, template: str, ids: Sequence[str], object_id: str | None = None
    ) -> str:
        parts = [quote(part, safe="") for part in ids]
        own = "" if object_id is None else quote(object_id, safe="")
        return f"{self.root.path(root_id)}/{template.format(*parts, id=own)}"


@dataclass(frozen=True)
class KindSpec:
    """One resource kind (built and registered by its module in this package).

    ``parent_ids`` passed to the client are the ids of the ancestors, outermost first.
    An ``embedded`` kind has no id of its own: it is an attribute of its parent's wire object,
    read with the parent and written with a replace under the parent's id.
    """

    kind: Kind
    parent: Kind | None
    key: str | None
    """The field holding the natural key (``None``: one object per parent)."""
    catalog_items: str
    """The attribute of the parent's catalog model (or of the catalog) holding this kind."""
    fields: tuple[FieldSpec, ...]
    read_model: type[BaseModel]
    body_model: type[BaseModel]
    endpoint: Endpoint
    key_wire: str = ""
    """The wire field of the natural key in a body, when no field spec names it (a price
    list's ``currencyCode``): what create-adoption matches and a keyed create is put at."""
    contract: Contract | None = None
    """The wire contract (:mod:`catalog_sync.kinds.contract`): every field the endpoint answers,
    documented or assumed; the list view is derived from it."""
    list_view: frozenset[str] | None = None
    """The top-level JSON fields a list item carries; ``None``: the whole object. Derived from
    the contract when the kind has one."""
    embedded: str | None = None
    removal: Literal["delete", "disable", "none"] = "delete"
    """How an object the files leave out is removed under prune; ``none``: only reported.
    Both ``delete`` and ``disable`` are a ``DELETE`` of the item (Cloudmore's DELETE on a
    service disables it)."""
    status: str | None = None
    """The wire field that says whether the object is active (``"Active"``), when it has one."""
    names_table: str | None = None
    """The lookup table this kind's objects are, by natural key (brokers named by a publish)."""
    price_cell: Callable[[Address, str], PriceCell | None] = no_price_cell
    """Which item, currency and money field a field of an object of this kind is, or
    ``None`` for a field that is not a price (docs/policies.md): the one mapping pricing
    policies, change classes and the finance tables read."""
    sku: bool = False
    """Whether an object of this kind is something a broker buys, so creating one is a new
    SKU (change class ``new-sku``)."""
    items: ItemFields | None = None
    """Fields named per item (price lists); ``fields`` then holds none."""
    listed: Callable[[BaseModel], Sequence[str] | None] | None = None
    """The keys of this kind's objects, as the parent's wire object lists them (a keyed kind);
    it returns ``None`` when the parent's read lacks them (unreadable: each one the files name
    is read to tell whether it exists)."""
    rules: Callable[[Any], Iterable[Diagnostic]] | None = None
    """The rules about this kind's own objects that a schema cannot say, given the parent's
    catalog model (the catalog for a top-level kind); ``validate`` runs them offline."""
    impossible: Callable[[Change, ResourceGraph], Sequence[Diagnostic]] = lambda _c, _l: ()
    """The kind's own rules about a planned change that no apply could make (a product's type
    changed under its addons), checked against live state when the plan is made."""
    by_name: Mapping[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {spec.name: spec for spec in self.fields})
        if self.contract is not None:
            object.__setattr__(self, "list_view", self.contract.list_view)

    def field_for(self, name: str) -> FieldSpec:
        """The spec of field ``name``, a per-item one included; KeyError when there is none."""
        found = self.by_name.get(name)
        if found is not None:
            return found
        split = self.items.split(name) if self.items is not None else None
        if split is None:
            raise KeyError(name)
        return replace(split[1], name=name, wire=split[1].wire_path)

    @property
    def status_values(self) -> tuple[str, str]:
        """The spellings of active and inactive in the ``status`` field, from the contract (its
        enum's first two values: ``Active``, ``Disabled``)."""
        assert self.status is not None
        assert self.contract is not None
        values = self.contract.by_name[self.status].values
        return values[0], values[1]

    @property
    def lists(self) -> bool:
        """Whether objects of this kind are listed (read with their parent)."""
        return self.endpoint.collection is not None

    @property
    def creates(self) -> bool:
        return self.endpoint.collection is not None or self.endpoint.keyed

    @property
    def removes(self) -> bool:
        return self.removal != "none"

    @property
    def key_field(self) -> str | None:
        """The wire field holding the natural key in a body (create-adoption matches it)."""
        if self.key_wire:
            return self.key_wire
        if self.key is None:
            return None
        return self.by_name[self.key].wire_path

    @property
    def counted(self) -> bool:
        """Whether it is an object of its own (thresholds and descendants count it)."""
        return self.embedded is None

    def wire_fields(self) -> frozenset[str]:
        """The top-level wire fields the plan reads from this kind's objects: its fields', its
        status, its key, and the attributes its embedded kinds live in."""
        names = {spec.wire_path.split(".", 1)[0] for spec in self.fields}
        if self.status is not None:
            names.add(self.status)
        for spec in KINDS.values():
            if spec.parent is self.kind and spec.embedded is not None:
                attribute = self.read_model.model_fields[spec.embedded]
                names.add(attribute.alias or spec.embedded)
        return frozenset(names)

    def reads_details(self) -> bool:
        """Whether each listed object needs its detail read: the list item leaves out a field
        the plan reads. Looked up on every call, so a changed list view takes effect."""
        if not self.lists or self.read_model not in LIST_VIEWS:
            return False
        carried = LIST_VIEWS[self.read_model]
        if carried is None:
            return False
        missing = self.wire_fields() - carried
        if missing and not self.endpoint.detail:
            raise AssertionError(f"{self.kind.value}: lists leave out {sorted(missing)}, no detail")
        return bool(missing)


KINDS: dict[Kind, KindSpec] = {}
"""Every registered kind, in plan order (:class:`~catalog_sync.graph.Kind`'s)."""

LIST_VIEWS: dict[type[BaseModel], frozenset[str] | None] = {}
"""Per listed kind's read model, the top-level JSON fields a list item carries; ``None``: the
whole object (``docs/contracts.md``, "The contract"). Filled by :func:`register`
from each spec's ``list_view``; the live reader reads an object's detail only when its kind
manages a field its list leaves out."""


def register(spec: KindSpec) -> KindSpec:
    """Add ``spec`` to the registry; a second kind of the same name is refused (as octoDNS's
    ``Record.register_type`` refuses a second record type)."""
    if spec.kind in KINDS:
        raise ValueError(f"kind {spec.kind.value!r} is registered already")
    # Kept in plan order whatever order the modules are imported in.
    ordered = sorted({**KINDS, spec.kind: spec}.items(), key=lambda entry: entry[0].rank)
    KINDS.clear()
    KINDS.update(ordered)
    if spec.lists:
        LIST_VIEWS[spec.read_model] = spec.list_view
    return spec


def children_of(parent: Kind | None) -> tuple[KindSpec, ...]:
    """The kinds directly below ``parent`` (``None``: the top-level kinds), in plan order.

    Looked up on every call, never cached, so a spec replaced in :data:`KINDS` takes effect.
    """
    return tuple(
        spec
        for kind in _PLAN_ORDER
        if (spec := KINDS.get(kind)) is not None and spec.parent is parent
    )


# Iterating an enum class is slow (a generator over its member map), and children_of runs
# once per object a plan adds.
_PLAN_ORDER = tuple(Kind)


def references(kind: Kind, fields: Mapping[str, FieldValue]) -> Iterator[tuple[str, Address]]:
    """The objects of a lookup-table kind (brokers) that ``fields`` name: (field, address)."""
    tables = {spec.names_table: spec.kind for spec in KINDS.values() if spec.names_table}
    for spec in KINDS[kind].fields:
        target = tables.get(spec.lookup or "")
        value = fields.get(spec.name)
        if target is not None and isinstance(value, tuple):
            yield from ((spec.name, Address.of(target, key)) for key in value)


def defaults(kind: Kind) -> dict[str, FieldValue]:
    """What an object of ``kind`` holds before anyone sets it (a service's publish settings)."""
    return {spec.name: spec.default for spec in KINDS[kind].fields if spec.has_default}


def unsent_secrets(
    kind: Kind, live: Callable[[FieldSpec], object], sent: Iterable[str]
) -> tuple[FieldSpec, ...]:
    """The write-only fields a replace of an object of ``kind`` would clear: the field beside
    says the object holds one (``live`` reads a field of the object as it is), and ``sent``
    (the fields the write carries) lacks it. A read never returns a secret, so a PUT cannot
    send it back (docs/contracts.md, "Write-only secrets")."""
    spec = KINDS[kind]
    carried = set(sent)
    return tuple(
        field
        for field in spec.fields
        if field.write_only
        and field.beside
        and field.name not in carried
        and live(spec.by_name[field.beside]) is not None
    )


def write_only(kind: Kind) -> frozenset[str]:
    """The secret fields of ``kind``: never read, so never compared or verified."""
    return frozenset(spec.name for spec in KINDS[kind].fields if spec.write_only)


def field_spec(kind: Kind, name: str) -> FieldSpec:
    return KINDS[kind].field_for(name)


def get_path(data: Mapping[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    target = data
    for part in parents:
        nested = target.get(part)
        if not isinstance(nested, dict):
            nested = {}
            target[part] = nested
        target = nested
    target[leaf] = value
