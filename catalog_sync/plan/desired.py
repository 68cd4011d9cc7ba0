"""The desired side's adapter: catalog models into the normalised graph.

Names the files use (categories, regions, countries, e-mail templates, brokers named by a
publish) must resolve against the live lookups and brokers; every name that resolves to nothing
is reported at its ``file:line`` with the closest existing names. Which live object a desired
one is (pinned ids included) is :mod:`catalog_sync.plan.match`'s, not this adapter's.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from functools import cache
from typing import Any, NamedTuple

from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.models import Catalog
from catalog_sync.catalog.sourced import SourcedModel, yaml_names
from catalog_sync.diagnostics import Diagnostic, Severity, SourceLocation
from catalog_sync.graph import Address, FieldValue, Kind, Resource, ResourceGraph
from catalog_sync.kinds import BROKERS, KINDS, FieldSpec, KindSpec, children_of, get_path
from catalog_sync.live.lookups import Lookups

__all__ = ["Desired", "desired_graph"]


class Desired(NamedTuple):
    graph: ResourceGraph
    problems: tuple[Diagnostic, ...]
    """Each name that resolves to nothing live, at its ``file:line``."""


def desired_graph(catalog: Catalog, lookups: Lookups, live_brokers: Collection[str]) -> Desired:
    """``live_brokers``: the registrationNumbers of the live brokers a publish may name."""
    adapter = _Adapter(catalog, lookups, live_brokers)
    adapter.add_below(catalog, None, None)
    return Desired(ResourceGraph(adapter.resources), tuple(adapter.problems))


class _Adapter:
    def __init__(self, catalog: Catalog, lookups: Lookups, live_brokers: Collection[str]) -> None:
        self.lookups = lookups
        self.catalog_brokers = {b.registration_number for b in catalog.brokers}
        self.known_brokers = self.catalog_brokers | set(live_brokers)
        self.prune = catalog.settings.prune
        self.resources: dict[Address, Resource] = {}
        self.problems: list[Diagnostic] = []

    def add_below(self, model: SourcedModel, kind: Kind | None, address: Address | None) -> None:
        """Every object the files hold under ``model``, kind by kind as the registry says."""
        for spec in children_of(kind):
            if spec.items is not None:
                self.add_item_fields(spec, model, address)
                continue
            items = getattr(model, spec.catalog_items, None)
            # The objects below are added on their own: dumping them with their parent would
            # serialise every subtree once per level above it.
            below = {child.catalog_items for child in children_of(spec.kind)}
            for item in items if isinstance(items, tuple) else () if items is None else (items,):
                data = item.model_dump(by_alias=True, exclude=below)
                key = None if spec.key is None else str(get_path(data, spec.key))
                at = (
                    Address.of(spec.kind, key) if address is None else address.child(spec.kind, key)
                )
                self.add(at, item, data)
                self.add_below(item, spec.kind, at)

    def add(self, address: Address, model: SourcedModel, data: Mapping[str, Any]) -> None:
        """``data`` is the model dumped by YAML name (its children left out)."""
        spec = KINDS[address.kind]
        names = yaml_names(type(model))
        given = {names.get(name, name) for name in model.model_fields_set}
        fields: dict[str, FieldValue] = {}
        for field in spec.fields:
            top = field.name.split(".", 1)[0]
            if top not in given and not field.has_default:
                continue  # left out: don't care
            raw = get_path(data, field.name)
            if raw is None and field.has_default:
                fields[field.name] = field.default
                continue
            value = field.to_graph(raw)
            if field.lookup == BROKERS:
                self._check_brokers(model, value)
            elif field.lookup is not None and value is not None:
                if field.pairs:
                    value = self._keys_as_names(field, value)
                self._check_names(model, field, value, raw)
            fields[field.name] = value
        pinned = getattr(model, "id", None)
        moved_from = getattr(model, "moved_from", None)
        sources = _field_sources(model, fields)
        if pinned is not None:
            sources["id"] = model.field_source("id")  # where a pin that matches nothing is
        if moved_from is not None:
            sources["movedFrom"] = model.field_source("moved_from")
        self.resources[address] = Resource(
            address,
            fields,
            id=pinned,
            moved_from=moved_from,
            protect=bool(getattr(model, "protect", False)),
            source=model.source,
            field_sources=sources,
            exempt=tuple(getattr(model, "policy_exempt", ())),
        )

    def add_item_fields(self, spec: KindSpec, model: SourcedModel, address: Address | None) -> None:
        """One object per key the items below ``model`` name (a service's price list per
        currency its products and addons give amounts in), with a field per item and amount."""
        assert spec.items is not None
        assert address is not None
        items = spec.items
        found: dict[str, dict[str, FieldValue]] = {}
        sources: dict[str, dict[str, SourceLocation]] = {}
        first: dict[str, SourceLocation] = {}

        def walk(parent: SourcedModel, depth: int, keys: tuple[str, ...]) -> None:
            if depth == len(items.item_kinds):
                return
            item_spec = KINDS[items.item_kinds[depth]]
            assert item_spec.key is not None
            for item in getattr(parent, item_spec.catalog_items, None) or ():
                below = (*keys, str(getattr(item, _attribute(item, item_spec.key))))
                name = items.item_name(below)
                for key, entry in (getattr(item, items.catalog_items, None) or {}).items():
                    first.setdefault(key, item.field_source(items.catalog_items))
                    fields, where = found.setdefault(key, {}), sources.setdefault(key, {})
                    given = {_alias(entry, attribute) for attribute in entry.model_fields_set}
                    for amount in items.amounts:
                        if amount.name in given:
                            field = f"{name}.{amount.name}"
                            fields[field] = amount.to_graph(
                                getattr(entry, _attribute(entry, amount.name))
                            )
                            where[field] = entry.field_source(amount.name)
                walk(item, depth + 1, below)

        walk(model, 0, ())
        for key, fields in found.items():
            at = address.child(spec.kind, key)
            self.resources[at] = Resource(at, fields, source=first[key], field_sources=sources[key])

    def _keys_as_names(self, field: FieldSpec, value: FieldValue) -> FieldValue:
        """A pairs field's keys given by id, as the names the live side reads them as."""
        assert field.lookup is not None
        by_id = {i: n for n, i in self.lookups.table(field.lookup).items()}
        renamed = []
        for item in value if isinstance(value, tuple) else ():
            key, _, text = str(item).partition("=")
            renamed.append(f"{by_id.get(key, key)}={text}")
        return field.to_graph(renamed)

    def _check_names(
        self, model: SourcedModel, field: FieldSpec, value: FieldValue, raw: object
    ) -> None:
        assert field.lookup is not None
        table = self.lookups.table(field.lookup)
        for name in field.names_in(value):
            if name not in table:
                self._problem(
                    _name_source(model, field, name, raw),
                    Code.UNRESOLVED_NAME,
                    f"{field.noun} {name!r} does not exist in Cloudmore{_suggest(name, table)}",
                )

    def _check_brokers(self, model: SourcedModel, value: FieldValue) -> None:
        for number in value if isinstance(value, tuple) else ():
            if self.prune and number not in self.catalog_brokers and number in self.known_brokers:
                self._problem(
                    model.field_source("brokers"),
                    Code.PRUNED_BROKER,
                    f"broker {number!r} is published to but not in the catalog, so prune "
                    "would delete it: add it to the catalog's brokers, or remove it here",
                )
            elif number not in self.known_brokers:
                self._problem(
                    model.field_source("brokers"),
                    Code.UNRESOLVED_NAME,
                    f"broker {number!r} is neither in the catalog nor live"
                    f"{_suggest(number, self.known_brokers)}",
                )

    def _problem(self, where: SourceLocation, code: str, message: str) -> None:
        self.problems.append(Diagnostic(where, code, Severity.ERROR, message))


def _name_source(model: SourcedModel, field: FieldSpec, name: str, raw: object) -> SourceLocation:
    """Where ``name`` is written: the list item that holds it, else the field."""
    if field.pairs and isinstance(raw, list | tuple):
        for index, item in enumerate(raw):
            if isinstance(item, dict) and name in (item.get("name"), item.get("id")):
                return model.item_source(_attribute(model, field.name), index)
    return model.field_source(field.name)


def _attribute(model: SourcedModel, alias: str) -> str:
    return _attributes(type(model)).get(alias, alias)


def _alias(model: SourcedModel, attribute: str) -> str:
    field = type(model).model_fields[attribute]
    return field.alias or attribute


def _field_sources(model: SourcedModel, fields: Iterable[str]) -> dict[str, SourceLocation]:
    attributes = _attributes(type(model))
    sources: dict[str, SourceLocation] = {}
    for name in fields:
        top, _, rest = name.partition(".")
        nested = getattr(model, attributes.get(top, top), None) if rest else None
        if isinstance(nested, SourcedModel):
            sources[name] = nested.field_source(rest)
        else:
            sources[name] = model.field_source(top)
    return sources


@cache
def _attributes(model: type[SourcedModel]) -> Mapping[str, str]:
    """Attribute names by YAML name (the first attribute of a name, as a search would find)."""
    found: dict[str, str] = {}
    for attribute, alias in yaml_names(model).items():
        found.setdefault(alias, attribute)
    return found


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
