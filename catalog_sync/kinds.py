"""The kind registry: one spec per resource kind, one spec per managed field.

Everything the code knows about a kind lives here: its parent, its natural key, where its
objects sit in the catalog files, how they are read (which client call lists them, or which
attribute of the parent's wire object holds them) and written (create, replace, remove), and
its fields. Everything it knows about a field lives in its :class:`FieldSpec`: catalog name,
wire path, value type (the normaliser), lookup table when the catalog names what the API
identifies by id, and default. The adapters (``plan/live.py``, ``plan/desired.py``), the body
builder (``apply/bodies.py``), the operations, staleness and verification are loops over these
specs; adding a field is one line in :data:`KINDS`, adding a kind one :class:`KindSpec` plus
its client calls (``docs/contracts.md`` lists the endpoints).

A read is the list call, plus the ``detail`` call for each object when the kind manages a
field its list item leaves out (:meth:`KindSpec.reads_details`, decided from the list views in
:mod:`catalog_sync.cloudmore.wire`; ``docs/contracts.md``, "List and detail reads").

A kind with :class:`ItemFields` (the price lists) has no fixed fields: one object per parent and
key (a service's prices in SEK) holds one field per item and amount, ``"{item}.{amount}"``
(``payg.price``, ``payg/gws-std.cost``), which :meth:`KindSpec.field_for` resolves to its amount's
spec. Such a kind is read on demand (``get``, by key, only where the files name the key; the keys
the parent holds are ``listed`` on the parent's wire object, so the others are reported without
a read) and written with one ``update`` per object carrying every changed item
(``docs/contracts.md``, "Price lists").
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal, NamedTuple, Protocol

from pydantic import BaseModel

from catalog_sync import secrets
from catalog_sync.cloudmore import wire
from catalog_sync.diagnostics import Diagnostic
from catalog_sync.graph import Address, FieldValue, Kind
from catalog_sync.normalise import FieldType, format_money, normalise_value

__all__ = [
    "BROKERS",
    "KINDS",
    "LOOKUP_TABLES",
    "PRICE_FIELDS",
    "FieldSpec",
    "IdsOfNames",
    "ItemFields",
    "KindSpec",
    "NamesOfIds",
    "PriceCell",
    "children_of",
    "defaults",
    "field_spec",
    "get_path",
    "keyed_id",
    "references",
    "set_path",
    "write_only",
]

# Lookup tables the API reads (names to ids); BROKERS is the catalog's own broker table.
LOOKUP_TABLES = ("categories", "regions", "countries", "emailTemplates", "customProperties")
BROKERS = "brokers"


class NamesOfIds(Protocol):
    """Reading: the name behind an id, per lookup table (``LOOKUP_TABLES`` and ``BROKERS``)."""

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
    the currency (``None``: the item's own fields, in the service's default currency) and
    which of :data:`PRICE_FIELDS` it is."""

    item: Address
    currency: str | None
    field: str


def own_price_cell(address: Address, name: str) -> PriceCell | None:
    """The default for a kind whose money fields are its own ``price``/``cost``/
    ``recommendedPrice``: the object is the item, in the default currency."""
    spec = KINDS[address.kind].by_name.get(name)
    if spec is None or spec.type is not FieldType.MONEY or name not in PRICE_FIELDS:
        return None
    return PriceCell(address, None, name)


def price_list_cell(address: Address, name: str) -> PriceCell | None:
    """For a kind whose fields are named per item (a price list, ``service["X"].pricelist
    ["SEK"]``, fields ``"{item}.{field}"``): the item its :class:`ItemFields` names, in the
    currency that is the list's key (docs/policies.md)."""
    items = KINDS[address.kind].items
    service = address.parent
    split = None if items is None else items.split(name)
    if items is None or split is None or service is None or not address.key:
        return None
    item, amount = split
    if amount.name not in PRICE_FIELDS:
        return None
    return PriceCell(items.item_address(service, item), address.key, amount.name)


def no_price_cell(address: Address, name: str) -> PriceCell | None:
    """For a kind without prices."""
    return None


Lister = Callable[[Any, tuple[str, ...]], Coroutine[Any, Any, Sequence[BaseModel]]]
Getter = Callable[[Any, tuple[str, ...], str], Coroutine[Any, Any, BaseModel]]
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


Creator = Callable[[Any, tuple[str, ...], Any], Coroutine[Any, Any, str]]
Replacer = Callable[[Any, tuple[str, ...], str, Any], Coroutine[Any, Any, None]]
Remover = Callable[[Any, tuple[str, ...], str], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class KindSpec:
    """One resource kind.

    ``parent_ids`` passed to the client calls are the ids of the ancestors, outermost first.
    An ``embedded`` kind has no id of its own: it is an attribute of its parent's wire object,
    read with the parent and written with ``update`` under the parent's id.
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
    update: Replacer
    list: Lister | None = None
    detail: Getter | None = None
    """The detail read of one object by id (``GET .../{id}``)."""
    embedded: str | None = None
    create: Creator | None = None
    remove: Remover | None = None
    removal: Literal["delete", "disable", "none"] = "delete"
    """How an object the files leave out is removed under prune; ``none``: only reported."""
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
    get: Getter | None = None
    """Reads one object by key under its parent's ids: a kind read on demand."""
    listed: Callable[[BaseModel], Sequence[str]] | None = None
    """The keys of this kind's objects, as the parent's wire object lists them."""
    rules: Callable[[Any], Iterable[Diagnostic]] | None = None
    """The rules about this kind's own objects that a schema cannot say, given the parent's
    catalog model (the catalog for a top-level kind); ``validate`` runs them offline."""
    by_name: Mapping[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {spec.name: spec for spec in self.fields})

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
        carried = wire.LIST_VIEWS.get(self.read_model)
        if carried is None or self.list is None:
            return False
        missing = self.wire_fields() - carried
        if missing and self.detail is None:
            raise AssertionError(f"{self.kind.value}: lists leave out {sorted(missing)}, no detail")
        return bool(missing)


def _f(name: str, type_: FieldType, default: FieldValue = _NO_DEFAULT, **codec: Any) -> FieldSpec:
    return FieldSpec(name, type_, default=default, **codec)


T, M, B, N, E, S = FieldType

# The catalog's publish vocabulary and the API's (docs/contracts.md, "Publish").
PUBLISH_MODES: Mapping[str, str] = {
    "allBrokers": "AllBrokers",
    "regions": "Regions",
    "countries": "Countries",
    "sellerBrokers": "SellerBrokers",
    "brokers": "SpecificBrokers",
    "none": "None",
}

# A product's, an addon's and a price list item's money, in PRICE_FIELDS order.
_PRICES = tuple(_f(name, M) for name in PRICE_FIELDS)
_CONTACT = ("name", "jobTitle", "email", "phonePrefix", "phone", "cellPhonePrefix", "cellPhone")
_ADDRESS = ("address", "postalCode", "city", "countryCode")
_INVOICE = ("name", "email", "phonePrefix", "phone")

KINDS: Mapping[Kind, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            Kind.BROKER,
            parent=None,
            key="registrationNumber",
            catalog_items="brokers",
            read_model=wire.BrokerRead,
            body_model=wire.BrokerBody,
            list=lambda c, _: c.list_brokers(),
            detail=lambda c, _, oid: c.get_broker(oid),
            create=lambda c, _, body: c.create_broker(body),
            update=lambda c, _, oid, body: c.update_broker(oid, body),
            remove=lambda c, _, oid: c.delete_broker(oid),
            names_table=BROKERS,
            fields=(
                _f("name", T),
                _f("registrationNumber", T),
                _f("vat", T),
                _f("domain", T),
                _f("notificationEmail", T),
                _f("supportEmail", T),
                *(_f(f"contact.{name}", T) for name in _CONTACT),
                *(_f(f"address.{name}", T) for name in _ADDRESS),
                *(_f(f"invoiceContact.{name}", T) for name in _INVOICE),
                _f(
                    "customProperties",
                    S,
                    pairs=True,
                    lookup="customProperties",
                    noun="custom property",
                ),
                _f("allowCmpAccess", B, False),
            ),
        ),
        KindSpec(
            Kind.SERVICE,
            parent=None,
            key="name",
            catalog_items="services",
            read_model=wire.ServiceRead,
            body_model=wire.ServiceBody,
            list=lambda c, _: c.list_services(),
            detail=lambda c, _, oid: c.get_service(oid),
            create=lambda c, _, body: c.create_service(body),
            update=lambda c, _, oid, body: c.update_service(oid, body),
            remove=lambda c, _, oid: c.disable_service(oid),
            removal="disable",
            status="status",
            fields=(
                _f("name", T),
                _f("vendorName", T),
                _f("description", T),
                _f("categories", S, wire="categoryIds", lookup="categories", noun="category"),
                _f("allowMultipleUsers", B, False),
                _f("provisioningType", E),
            ),
        ),
        KindSpec(
            Kind.PRODUCT,
            price_cell=own_price_cell,
            sku=True,
            parent=Kind.SERVICE,
            key="itemCode",
            catalog_items="products",
            read_model=wire.ProductRead,
            body_model=wire.ProductBody,
            list=lambda c, ids: c.list_products(*ids),
            detail=lambda c, ids, oid: c.get_product(*ids, oid),
            create=lambda c, ids, body: c.create_product(*ids, body),
            update=lambda c, ids, oid, body: c.update_product(*ids, oid, body),
            remove=lambda c, ids, oid: c.delete_product(*ids, oid),
            fields=(
                _f("name", T),
                _f("itemCode", T),
                _f("type", E),
                _f("description", T),
                _f("subscriptionPeriodMonths", N),
                _f("billingFrequencyMonths", N),
                *_PRICES,
                _f("minQuantity", N),
                _f("maxQuantity", N),
                _f(
                    "emailTemplate",
                    T,
                    wire="emailTemplateId",
                    lookup="emailTemplates",
                    noun="e-mail template",
                ),
            ),
        ),
        KindSpec(
            Kind.ADDON,
            price_cell=own_price_cell,
            sku=True,
            parent=Kind.PRODUCT,
            key="itemCode",
            catalog_items="addons",
            read_model=wire.AddonRead,
            body_model=wire.AddonBody,
            list=lambda c, ids: c.list_addons(*ids),
            detail=lambda c, ids, oid: c.get_addon(*ids, oid),
            create=lambda c, ids, body: c.create_addon(*ids, body),
            update=lambda c, ids, oid, body: c.update_addon(*ids, oid, body),
            remove=lambda c, ids, oid: c.delete_addon(*ids, oid),
            fields=(
                _f("name", T),
                _f("itemCode", T),
                _f("enableGrouping", B, False),
                _f("groupName", T),
                *_PRICES,
                _f("pricePer", E),
                _f("hideFromSubscriptionView", B, False),
                _f("hideFromPriceList", B, False),
            ),
        ),
        # Publish is always fully specified: a mode's unused lists are empty, not "don't care".
        KindSpec(
            Kind.PUBLISH,
            parent=Kind.SERVICE,
            key=None,
            catalog_items="publish",
            read_model=wire.PublishBody,
            body_model=wire.PublishBody,
            embedded="publish",
            update=lambda c, _, oid, body: c.publish_service(oid, body),
            fields=(
                _f(
                    "to",
                    E,
                    "none",
                    wire="publishTo",
                    vocabulary=PUBLISH_MODES,
                    noun="publish mode",
                ),
                _f("regions", S, (), wire="regionIds", lookup="regions", noun="market region"),
                _f(
                    "countries",
                    S,
                    (),
                    upper=True,
                    wire="countryIds",
                    lookup="countries",
                    noun="market country",
                ),
                _f("brokers", S, (), wire="brokerIds", lookup=BROKERS, noun="broker"),
            ),
        ),
        # One object per service and currency; its fields are the items' amounts in it.
        KindSpec(
            Kind.PRICE_LIST,
            parent=Kind.SERVICE,
            key="currency",
            catalog_items="prices",
            read_model=wire.SellerPriceList,
            body_model=wire.SellerPriceListUpdateViewModel,
            get=lambda c, ids, currency: c.get_price_list(*ids, currency),
            listed=lambda service: list(getattr(service, "currencies", None) or ()),
            create=lambda c, ids, body: _put_price_list(c, ids, body),
            update=lambda c, ids, _, body: c.update_price_list(*ids, body),
            removal="none",
            price_cell=price_list_cell,
            fields=(),
            items=ItemFields(
                amounts=_PRICES,
                item_kinds=(Kind.PRODUCT, Kind.ADDON),
                catalog_items="prices",
                rows=lambda read: read.rows() if isinstance(read, wire.SellerPriceList) else [],
                body=wire.SellerPriceListUpdateViewModel.of_rows,
            ),
        ),
    )
}


async def _put_price_list(
    client: Any, ids: tuple[str, ...], body: wire.SellerPriceListUpdateViewModel
) -> str:
    """A price list in a currency the service has none in yet is made by its first PUT."""
    await client.update_price_list(*ids, body)
    return keyed_id(ids[-1], body.currency_code)


def children_of(parent: Kind | None) -> tuple[KindSpec, ...]:
    """The kinds directly below ``parent`` (``None``: the top-level kinds), in plan order.

    Looked up on every call, never cached, so a spec replaced in :data:`KINDS` takes effect.
    """
    return tuple(spec for kind in _PLAN_ORDER if (spec := KINDS[kind]).parent is parent)


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
