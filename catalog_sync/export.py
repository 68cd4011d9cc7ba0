"""Export: the live catalog as catalog files, so a seller adopts catalog-sync without typing it.

It starts from the live :class:`~catalog_sync.graph.ResourceGraph`, whose fields are already
normalised and named as the files name them (category, region and template names, brokers by
registrationNumber: the live adapter resolved the ids through the lookups it read). So export
holds no field mapping of its own: a graph field is a YAML key (dotted for a broker's nested
ones), its value written back by its type from :data:`~catalog_sync.kinds.KINDS`.
The one inverse it needs is a broker's custom property, which the graph keeps as
``"name=value"`` text (see :func:`_custom_properties`).

Written in the canonical layout of :mod:`catalog_sync.catalog.layout`, so ``fmt --check`` passes
on an export, and planned back against the same live state it plans nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Final

from catalog_sync.catalog.fields import GUID_PATTERN
from catalog_sync.catalog.layout import canonicalise, dump, to_round_trip
from catalog_sync.catalog.models import Settings
from catalog_sync.cloudmore import ApiSettings, ClientMetrics, open_read_only
from catalog_sync.graph import FieldValue, Kind, Resource, ResourceGraph
from catalog_sync.kinds import KINDS, field_spec
from catalog_sync.normalise import FieldType, format_money
from catalog_sync.plan.live import read_live

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
    skipped: list[str] = []
    services: list[tuple[str, dict[str, Any]]] = []
    brokers: list[dict[str, Any]] = []
    for resource in graph:
        if resource.kind is Kind.BROKER:
            if resource.fields.get("registrationNumber") is None:
                skipped.append(
                    f"broker {resource.fields.get('name')!r} (id {resource.id}) has no "
                    "registrationNumber, the key a catalog needs: give it one in Cloudmore"
                )
                continue
            brokers.append(_broker(resource))
        elif resource.kind is Kind.SERVICE:
            if not resource.active:
                skipped.append(
                    f"{resource.address} (id {resource.id}) is disabled: a catalog file would "
                    "enable it, so it is left out (plan lists it as unmanaged)"
                )
                continue
            services.append((str(resource.address.key), _service(resource, graph)))
    for duplicate in graph.duplicates:
        skipped.append(
            f"{duplicate.address} (id {duplicate.id}) shares its key with another live "
            f"{duplicate.kind.value}, so no file can describe both: rename one in Cloudmore"
        )

    files: dict[str, str] = {}
    files["catalog.yaml"] = _file("catalog.yaml", {"settings": _default_settings()})
    if brokers:
        files["brokers.yaml"] = _file("brokers.yaml", {"brokers": brokers})
    taken: set[str] = set()
    for name, service in services:
        path = f"services/{_file_name(name, taken)}.yaml"
        files[path] = _file(path, {"services": [service]})
    return Export(files, tuple(skipped))


def _file(path: str, data: dict[str, Any]) -> str:
    document = to_round_trip(data)
    canonicalise(document)
    depth = len(PurePosixPath(path).parts) - 1
    schema = "../" * depth + SCHEMA_FILE
    return f"# yaml-language-server: $schema={schema}\n" + dump(document)


def _file_name(name: str, taken: set[str]) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "service"
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _default_settings() -> dict[str, Any]:
    """Every setting at its default, written out so the team sees what it can tune."""
    data = Settings().model_dump(by_alias=True, mode="json")
    return {key: value for key, value in data.items() if value not in ((), [], None)}


def _service(resource: Resource, graph: ResourceGraph) -> dict[str, Any]:
    data = _fields(resource)
    publish = graph.get(resource.address.child(Kind.PUBLISH))
    if publish is not None:
        data["publish"] = _fields(publish, keep_empty=("to",))
    products = []
    for product in graph.children(resource.address):
        if product.kind is not Kind.PRODUCT:
            continue
        entry = _fields(product)
        addons = [_fields(a) for a in graph.children(product.address) if a.kind is Kind.ADDON]
        if addons:
            entry["addons"] = addons
        products.append(entry)
    if products:
        data["products"] = products
    return data


def _broker(resource: Resource) -> dict[str, Any]:
    data = _fields(resource)
    nested: dict[str, Any] = {}
    for key, value in data.items():
        top, _, rest = key.partition(".")
        if rest:
            nested.setdefault(top, {})[rest] = value
        else:
            nested[key] = value
    if "customProperties" in nested:
        nested["customProperties"] = _custom_properties(nested["customProperties"])
    return nested


def _custom_properties(values: list[str]) -> list[dict[str, str]]:
    """The inverse of the adapters' ``"key=value"`` text (plan/desired.py and plan/live.py):
    the key is the property's name, or its id when no definition names it."""
    properties = []
    for text in values:
        key, _, value = text.partition("=")
        properties.append({"id" if GUID_PATTERN.fullmatch(key) else "name": key, "value": value})
    return properties


def _fields(resource: Resource, *, keep_empty: tuple[str, ...] = ()) -> dict[str, Any]:
    """Managed fields a file would state: values at their default are left out, as a file
    leaving them out means the same (booleans false, publish lists empty)."""
    data: dict[str, Any] = {}
    for spec in KINDS[resource.kind].fields:
        value = resource.fields.get(spec.name)
        if spec.name not in keep_empty and (
            value in (None, ()) or (spec.has_default and value == spec.default)
        ):
            continue
        data[spec.name] = _yaml_value(resource.kind, spec.name, value)
    return data


def _yaml_value(kind: Kind, name: str, value: FieldValue) -> Any:
    field_type = field_spec(kind, name).type
    if field_type is FieldType.MONEY:
        return format_money(value)
    if isinstance(value, tuple):
        return list(value)
    return value


async def export_live(settings: ApiSettings) -> tuple[Export, ClientMetrics]:
    """Read the live catalog through the read-only client and export it."""
    async with open_read_only(settings) as client:
        live = await read_live(client)
        return export_catalog(live.graph), client.metrics
