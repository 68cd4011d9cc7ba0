"""Export: the live catalog as catalog files, so a seller adopts catalog-sync without typing it.

It starts from the live :class:`~catalog_sync.graph.ResourceGraph`, whose fields are already
normalised and named as the files name them (category, region and template names, brokers by
registrationNumber: the live adapter resolved the ids through the lookups it read), and walks
it kind by kind as :data:`~catalog_sync.kinds.KINDS` says, the inverse of the desired
adapter's walk (``plan/desired.py``). So export holds no field mapping of its own: an object's
entry holds its fields (a dotted name nested, each value as its spec's
:meth:`~catalog_sync.kinds.FieldSpec.to_catalog` writes it) and, under each child kind's
``catalog_items``, its children's entries (one mapping for a kind without a key); a kind whose
fields are named per item (a service's price list in one currency) writes each item's amounts
on the item's entry (``prices: {SEK: {...}}``). A top-level kind with kinds below it gets a
file per object (``services/<name>.yaml``), any other one file (``brokers.yaml``).

What no file can hold is left out, with a sentence saying why: an object without its natural
key, a disabled one (of a kind with a ``status``: a file would enable it), a duplicate key.

Written in the canonical layout of :mod:`catalog_sync.catalog.layout`, so ``fmt --check`` passes
on an export, and planned back against the same live state it plans nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Final

from catalog_sync import secrets
from catalog_sync.catalog.layout import canonicalise, dump, to_round_trip
from catalog_sync.catalog.models import Settings
from catalog_sync.cloudmore import ApiSettings, ClientMetrics, open_read_only
from catalog_sync.graph import Address, Kind, Resource, ResourceGraph
from catalog_sync.kinds import KINDS, ItemFields, KindSpec, children_of, set_path
from catalog_sync.live.keyed import listed, read_keyed, with_listed
from catalog_sync.live.reader import read_live

__all__ = ["SCHEMA_FILE", "Export", "export_catalog", "export_live"]

SCHEMA_FILE: Final = "catalog.schema.json"
"""Written beside the exported files, so editors check them with no other set-up."""


@dataclass(frozen=True)
class Export:
    files: Mapping[str, str]
    """Path relative to the output directory -> the file's text, in writing order."""
    skipped: tuple[str, ...]
    """What could not be exported, one sentence each, to show the user."""


def export_catalog(graph: ResourceGraph) -> Export:
    writer = _Writer(graph)
    files: dict[str, str] = {}
    files["catalog.yaml"] = _file("catalog.yaml", {"settings": _default_settings()})
    for spec in children_of(None):
        entries = writer.entries(spec, (r for r in graph if r.kind is spec.kind))
        if not entries:
            continue
        if not children_of(spec.kind):
            path = f"{spec.catalog_items}.yaml"
            files[path] = _file(path, {spec.catalog_items: [entry for _, entry in entries]})
            continue
        taken: set[str] = set()
        for resource, entry in entries:
            stem = _file_name(str(resource.address.key), taken, spec.kind)
            path = f"{spec.catalog_items}/{stem}.yaml"
            files[path] = _file(path, {spec.catalog_items: [entry]})
    for duplicate in graph.duplicates:
        writer.skipped.append(
            f"{duplicate.address} (id {duplicate.id}) shares its key with another live "
            f"{duplicate.kind.value}, so no file can describe both: rename one in Cloudmore"
        )
    return Export(files, tuple(writer.skipped))


def _left_out(spec: KindSpec, resource: Resource) -> str | None:
    """Why no file can hold ``resource``, or None."""
    if spec.key is not None and resource.fields.get(spec.key) is None:
        return (
            f"{spec.kind.value} {resource.fields.get('name')!r} (id {resource.id}) has no "
            f"{spec.key}, the key a catalog needs: give it one in Cloudmore"
        )
    if spec.status is not None and not resource.active:
        return (
            f"{resource.address} (id {resource.id}) is disabled: a catalog file would "
            "enable it, so it is left out (plan lists it as unmanaged)"
        )
    return None


class _Writer:
    def __init__(self, graph: ResourceGraph) -> None:
        self.graph = graph
        self.skipped: list[str] = []
        self.written: dict[Address, dict[str, Any]] = {}
        """Each exported object's entry, for the amounts of the price lists that name it."""

    def entries(
        self, spec: KindSpec, resources: Iterable[Resource]
    ) -> list[tuple[Resource, dict[str, Any]]]:
        """The entries of ``resources`` (of ``spec``'s kind), each with everything below it."""
        found = []
        for resource in resources:
            reason = _left_out(spec, resource)
            if reason is not None:
                self.skipped.append(reason)
                continue
            entry = _fields(spec, resource, self.skipped)
            self.written[resource.address] = entry
            entry.update(self.below(spec.kind, resource.address))
            found.append((resource, entry))
        return found

    def below(self, kind: Kind, address: Address) -> dict[str, Any]:
        """The entries of the objects below ``address``, by the catalog attribute holding them."""
        children = self.graph.children(address)
        data: dict[str, Any] = {}
        for spec in children_of(kind):
            resources = [child for child in children if child.kind is spec.kind]
            if spec.items is not None:
                # Plan order (parents first) has written the entries of the items it prices.
                for resource in resources:
                    self.amounts(spec.items, resource)
                continue
            entries = [entry for _, entry in self.entries(spec, resources)]
            if entries:
                data[spec.catalog_items] = entries if spec.key is not None else entries[0]
        return data

    def amounts(self, items: ItemFields, resource: Resource) -> None:
        """The inverse of ``add_item_fields`` (plan/desired.py): each item's amounts in the
        object's key (a currency) on the item's entry, in the order the amounts are declared;
        an amount the object holds none of is left out (a file leaving it out does not manage
        it)."""
        assert resource.address.parent is not None
        by_item: dict[str, dict[str, Any]] = {}
        for name, value in resource.fields.items():
            split = items.split(name)
            if split is not None and value is not None:
                by_item.setdefault(split[0], {})[split[1].name] = split[1].to_catalog(value)
        held = False
        for item, given in by_item.items():
            entry = self.written.get(items.item_address(resource.address.parent, item))
            if entry is None:
                continue  # an item left out, which the skipped sentences name
            ordered = {a.name: given[a.name] for a in items.amounts if a.name in given}
            entry.setdefault(items.catalog_items, {})[resource.address.key] = ordered
            held = True
        if not held:
            self.skipped.append(
                f"{resource.address} (id {resource.id}) has no amounts, so no file names it "
                "(plan lists it as unmanaged)"
            )


def _fields(spec: KindSpec, resource: Resource, notes: list[str]) -> dict[str, Any]:
    """Managed fields a file would state, dotted names nested. A value at an empty default
    (false, an empty list) is left out, as a file leaving it out says the same; a default that
    says something (a publish's ``to: none``) is written, as the files require it. A secret,
    which no read returns, is written as a reference to a variable named after the object and
    the field, where the field beside it says one is set (``notes`` says which to set)."""
    data: dict[str, Any] = {}
    for field in spec.fields:
        value = resource.fields.get(field.name)
        if field.write_only:
            if not field.beside or resource.fields.get(field.beside) is None:
                continue
            variable = secrets.export_variable(resource.address, field.name)
            value = secrets.reference(variable)
            notes.append(
                f"{resource.address}: {field.name} is never read back, so the file names the "
                f"environment variable {variable}: set it before a plan writes this "
                f"{spec.kind.value}"
            )
        if value in (None, ()) or (not value and field.has_default and value == field.default):
            continue
        set_path(data, field.name, field.to_catalog(value))
    return data


def _file(path: str, data: dict[str, Any]) -> str:
    document = to_round_trip(data)
    canonicalise(document)
    depth = len(PurePosixPath(path).parts) - 1
    schema = "../" * depth + SCHEMA_FILE
    return f"# yaml-language-server: $schema={schema}\n" + dump(document)


def _file_name(name: str, taken: set[str], kind: Kind) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or kind.value
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _default_settings() -> dict[str, Any]:
    """Every setting at its default, written out so the team sees what it can tune."""
    data = Settings().model_dump(by_alias=True, mode="json")
    return {key: value for key, value in data.items() if value not in ((), [], None)}


async def export_live(settings: ApiSettings) -> tuple[Export, ClientMetrics]:
    """Read the live catalog through the read-only client and export it: the lists and
    details a plan reads, and every listed object read on demand (a service's price list in
    each currency it has) below an object a file will hold."""
    async with open_read_only(settings) as client:
        live = with_listed(await read_live(client))
        wanted = [a for a in listed(live.graph) if _held(live.graph, a)]
        live = await read_keyed(client, live, wanted)
        return export_catalog(live.graph), client.metrics


def _held(graph: ResourceGraph, address: Address) -> bool:
    """Whether every object above ``address`` is one a file holds (not a disabled service)."""
    return all(
        _left_out(KINDS[above.kind], graph.resources[above]) is None
        for above in address.ancestors()
    )
