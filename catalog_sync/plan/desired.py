"""The desired side's adapter: catalog models into the normalised graph.

Names the files use (categories, regions, countries, e-mail templates, brokers named by a
publish) must resolve against live lookups; every name that resolves to nothing is reported
at its ``file:line`` with the closest existing names, all in one CatalogError.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.models import Catalog
from catalog_sync.catalog.sourced import SourcedModel, yaml_names
from catalog_sync.diagnostics import Diagnostic, Severity, SourceLocation
from catalog_sync.errors import CatalogError
from catalog_sync.graph import Address, FieldValue, Kind, Resource, ResourceGraph
from catalog_sync.kinds import BROKERS, KINDS, FieldSpec, children_of, get_path
from catalog_sync.plan.live import LiveCatalog
from catalog_sync.plan.match import match

__all__ = ["desired_graph"]


def desired_graph(catalog: Catalog, live: LiveCatalog) -> ResourceGraph:
    """Raises CatalogError listing every name or pinned id that resolves to nothing live."""
    adapter = _Adapter(catalog, live)
    adapter.add_below(catalog, None, None)
    adapter.check_parents()
    if adapter.problems:
        raise CatalogError(sorted(adapter.problems, key=Diagnostic.sort_key))
    return ResourceGraph(adapter.resources)


class _Adapter:
    def __init__(self, catalog: Catalog, live: LiveCatalog) -> None:
        self.lookups = live.lookups
        self.live = live.graph
        self.catalog_brokers = {b.registration_number for b in catalog.brokers}
        self.known_brokers = self.catalog_brokers | set(live.broker_ids)
        self.prune = catalog.settings.prune
        self.pinned_children: list[tuple[Address, SourcedModel, Resource]] = []
        self.resources: dict[Address, Resource] = {}
        self.problems: list[Diagnostic] = []

    def add_below(self, model: SourcedModel, kind: Kind | None, address: Address | None) -> None:
        """Every object the files hold under ``model``, kind by kind as the registry says."""
        for spec in children_of(kind):
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
                self._check_names(model, field, value)
            fields[field.name] = value
        pinned = getattr(model, "id", None)
        if pinned is not None:
            self._check_pinned(address, model, pinned)
        self.resources[address] = Resource(
            address,
            fields,
            id=pinned,
            protect=bool(getattr(model, "protect", False)),
            source=model.source,
            field_sources=_field_sources(model, fields),
        )

    def _check_pinned(self, address: Address, model: SourcedModel, pinned: str) -> None:
        kind = address.kind
        found = self.live.by_id(kind).get(pinned)
        if found is None:
            self._problem(
                model.field_source("id"),
                Code.UNMATCHED_ID,
                f"id {pinned} pins no live {kind.value}; remove `id:` to create it instead",
            )
            return
        if address.parent is not None and found.address.parent is not None:
            self.pinned_children.append((address, model, found))

    def check_parents(self) -> None:
        """Each pinned object's live parent must be the one its desired parent matches."""
        if not self.pinned_children:
            return
        matched = match(ResourceGraph(self.resources), self.live)
        for address, model, found in self.pinned_children:
            assert found.address.parent is not None
            live_parent = self.live.get(found.address.parent)
            if live_parent is None:
                continue
            now = matched.by_id(live_parent.kind).get(live_parent.id or "")
            if now is None or now.address != address.parent:
                self._problem(
                    model.field_source("id"),
                    Code.UNMATCHED_ID,
                    f"id {found.id} is the live {found.address}, under another parent; Cloudmore "
                    "cannot move an object to another parent: remove `id:` to create a new one",
                )

    def _check_names(self, model: SourcedModel, field: FieldSpec, value: FieldValue) -> None:
        assert field.lookup is not None
        table = self.lookups.table(field.lookup)
        names = value if isinstance(value, tuple) else (str(value),)
        for name in names:
            if name not in table:
                self._problem(
                    model.field_source(field.name),
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
