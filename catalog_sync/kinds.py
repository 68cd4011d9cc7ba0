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

A read today is the list call alone (``docs/contracts.md``: lists carry whole objects); a kind
whose list is a summary gets a ``detail`` call beside ``list`` and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from catalog_sync.cloudmore import wire
from catalog_sync.graph import Address, FieldValue, Kind
from catalog_sync.normalise import FieldType, normalise_value

__all__ = [
    "BROKERS",
    "KINDS",
    "LOOKUP_TABLES",
    "FieldSpec",
    "IdsOfNames",
    "KindSpec",
    "NamesOfIds",
    "children_of",
    "defaults",
    "field_spec",
    "get_path",
    "references",
    "set_path",
]

# Lookup tables the API reads (names to ids); BROKERS is the catalog's own broker table.
LOOKUP_TABLES = ("categories", "regions", "countries", "emailTemplates")
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
    """A managed field and its codec: catalog value -> graph value -> wire value and back.

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
    """``{id, value}`` entries in the files and on the wire, held as ``id=value`` strings: a
    set a reviewer can read."""
    default: FieldValue = _NO_DEFAULT

    @property
    def wire_path(self) -> str:
        return self.wire or self.name

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT

    def to_graph(self, value: object) -> FieldValue:
        """A catalog value (or an already decoded wire value) as the graph holds it."""
        if (self.pairs or self.upper) and isinstance(value, list | tuple):
            value = [self._entry(item) for item in value]
        return normalise_value(self.type, self.name, value)

    def _entry(self, item: object) -> object:
        if self.pairs and isinstance(item, Mapping):
            return f"{item.get('id')}={item.get('value') or ''}"
        return item.upper() if self.upper and isinstance(item, str) else item

    def from_wire(self, value: object, names: NamesOfIds) -> FieldValue:
        if self.vocabulary is not None and isinstance(value, str):
            value = next(
                (ours for ours, theirs in self.vocabulary.items() if theirs == value), value
            )
        if self.lookup is not None and value is not None:
            if isinstance(value, list | tuple):
                value = [names.name_of(self.lookup, str(item)) for item in value]
            else:
                value = names.name_of(self.lookup, str(value))
        return self.to_graph(value)

    def to_wire(self, value: FieldValue, names: IdsOfNames) -> Any:
        """Raises ValueError for a value the API has no word for; a name no table holds
        raises what ``names`` raises."""
        if self.vocabulary is not None and value is not None:
            if value not in self.vocabulary:
                raise ValueError(f"unknown {self.noun or self.name} {value!r}")
            return self.vocabulary[str(value)]
        if self.lookup is not None:
            if isinstance(value, tuple):
                return [names.id_of(self.lookup, item, self.noun) for item in value]
            return None if value is None else names.id_of(self.lookup, str(value), self.noun)
        if value is None:
            return None
        if self.type is FieldType.MONEY:
            return Decimal(str(value))
        if self.pairs and isinstance(value, tuple):
            # "id=value" strings; the value may itself hold "=".
            return [{"id": i, "value": v} for i, _, v in (item.partition("=") for item in value)]
        return list(value) if isinstance(value, tuple) else value


Lister = Callable[[Any, tuple[str, ...]], Coroutine[Any, Any, Sequence[BaseModel]]]
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
    embedded: str | None = None
    create: Creator | None = None
    remove: Remover | None = None
    removal: Literal["delete", "disable"] = "delete"
    status: str | None = None
    """The wire field that says whether the object is active (``"Active"``), when it has one."""
    names_table: str | None = None
    """The lookup table this kind's objects are, by natural key (brokers named by a publish)."""
    by_name: Mapping[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {spec.name: spec for spec in self.fields})

    @property
    def counted(self) -> bool:
        """Whether it is an object of its own (thresholds and descendants count it)."""
        return self.embedded is None


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
                _f("customProperties", S, pairs=True),
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
            parent=Kind.SERVICE,
            key="itemCode",
            catalog_items="products",
            read_model=wire.ProductRead,
            body_model=wire.ProductBody,
            list=lambda c, ids: c.list_products(*ids),
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
                _f("price", M),
                _f("cost", M),
                _f("recommendedPrice", M),
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
            parent=Kind.PRODUCT,
            key="itemCode",
            catalog_items="addons",
            read_model=wire.AddonRead,
            body_model=wire.AddonBody,
            list=lambda c, ids: c.list_addons(*ids),
            create=lambda c, ids, body: c.create_addon(*ids, body),
            update=lambda c, ids, oid, body: c.update_addon(*ids, oid, body),
            remove=lambda c, ids, oid: c.delete_addon(*ids, oid),
            fields=(
                _f("name", T),
                _f("itemCode", T),
                _f("enableGrouping", B, False),
                _f("groupName", T),
                _f("price", M),
                _f("cost", M),
                _f("recommendedPrice", M),
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
    )
}


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


def field_spec(kind: Kind, name: str) -> FieldSpec:
    return KINDS[kind].by_name[name]


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
