"""The JSON Schema of a catalog file, generated from the models (draft-07, for editors)."""

from __future__ import annotations

import json
import re
from typing import Any, Final, Literal

from pydantic import BaseModel

from catalog_sync.catalog.models import CatalogFile

__all__ = ["CATALOG_SCHEMA_ID", "catalog_json_schema", "render_json_schema"]

_DRAFT_07: Final = "http://json-schema.org/draft-07/schema#"

CATALOG_SCHEMA_ID: Final = "urn:catalog-sync:schema:catalog-file:v1"
"""Stable across releases while the file format is version 1: a name, not a download address
(the README shows the modelines for a vendored and a released copy)."""


def catalog_json_schema(
    model: type[BaseModel] = CatalogFile,
    *,
    title: str = "catalog-sync catalog file",
    mode: Literal["validation", "serialization"] = "validation",
    schema_id: str = CATALOG_SCHEMA_ID,
) -> dict[str, Any]:
    """The schema of one catalog file (``model``), with every field's description; any other
    model the project writes as JSON (the plan) is documented the same way."""
    # draft-07 has `definitions`, not 2020-12's `$defs`.
    schema = model.model_json_schema(by_alias=True, ref_template="#/definitions/{model}", mode=mode)
    definitions = schema.pop("$defs", {})
    for part in (schema, *definitions.values()):
        for prop in part.get("properties", {}).values():
            # Titles derived from camelCase names ("Itemcode") only add noise in editor hovers.
            prop.pop("title", None)
    for definition in definitions.values():
        if "title" in definition:
            definition["title"] = _words(definition["title"])
    result: dict[str, Any] = {
        "$schema": _DRAFT_07,
        "$id": schema_id,
        "title": title,
        **{key: value for key, value in schema.items() if key != "title"},
        "definitions": definitions,
    }
    converted: dict[str, Any] = _clean_descriptions(_merge_scalar_choices(_draft_07_refs(result)))
    return converted


# Keywords that apply to one JSON type only, so branches of different types can share a schema.
_TYPE_SPECIFIC: Final = frozenset(
    {
        *("pattern", "patternErrorMessage", "format", "minLength", "maxLength"),
        *("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
        *("items", "minItems", "maxItems", "uniqueItems"),
    }
)


def _merge_scalar_choices(node: Any) -> Any:
    """``anyOf: [{type: string, pattern}, {type: null}]`` -> ``type: [string, null], pattern``.

    yaml-language-server's hover joins the titles of an ``anyOf``'s branches ("Addon || Addon")
    and would show that for every optional field; one schema with a list of types says the
    same, since each type-specific keyword applies to its own type only."""
    if isinstance(node, list):
        return [_merge_scalar_choices(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _merge_scalar_choices(value) for key, value in node.items()}
    branches = node.get("anyOf")
    if not isinstance(branches, list):
        return node
    flat: list[dict[str, Any]] = []
    for branch in branches:
        if not isinstance(branch, dict):
            return node
        flat.extend(_types_of(branch))
    types = [branch.get("type") for branch in flat]
    if not all(isinstance(t, str) for t in types) or len(set(types)) != len(types):
        return node
    merged: dict[str, Any] = {key: value for key, value in node.items() if key != "anyOf"}
    enum: list[Any] | None = None
    for branch in flat:
        for key, value in branch.items():
            if key == "type" or (key == "errorMessage" and "errorMessage" in node):
                continue
            if key == "enum":
                enum = list(value)
            elif key in _TYPE_SPECIFIC or key == "errorMessage":
                if key in merged:
                    return node
                merged[key] = value
            else:
                return node
    if enum is not None:
        # enum applies to every type: the other branches' values must stay allowed.
        if any(t not in ("null",) and "enum" not in b for t, b in zip(types, flat, strict=True)):
            return node
        merged["enum"] = [*enum, None] if "null" in types else enum
    merged["type"] = types
    return merged


def _types_of(branch: dict[str, Any]) -> list[dict[str, Any]]:
    """A branch, or the branches of an already merged one (a list of types)."""
    kinds = branch.get("type")
    if isinstance(kinds, list):
        rest = {key: value for key, value in branch.items() if key != "type"}
        return [{"type": kinds[0], **rest}, *({"type": kind} for kind in kinds[1:])]
    return [branch]


def _words(class_name: str) -> str:
    """``BrokerContact`` -> ``Broker contact``: how an editor's hover should name it."""
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", class_name)
    return " ".join([words[0], *(word.lower() for word in words[1:])]) if words else class_name


def _clean_descriptions(node: Any) -> Any:
    """One line each: docstrings wrap at the source's width, hovers wrap at the editor's."""
    if isinstance(node, list):
        return [_clean_descriptions(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: " ".join(value.split())
        if key == "description" and isinstance(value, str)
        else _clean_descriptions(value)
        for key, value in node.items()
    }


def _draft_07_refs(node: Any) -> Any:
    """Move ``$ref`` under ``allOf`` where it has siblings: draft-07 ignores a ``$ref``'s
    siblings, which would hide the field's description from editors."""
    if isinstance(node, list):
        return [_draft_07_refs(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _draft_07_refs(value) for key, value in node.items()}
    if "$ref" in converted and len(converted) > 1:
        ref = converted.pop("$ref")
        converted["allOf"] = [{"$ref": ref}]
    return converted


def render_json_schema(
    model: type[BaseModel] = CatalogFile,
    *,
    title: str = "catalog-sync catalog file",
    mode: Literal["validation", "serialization"] = "validation",
    schema_id: str = CATALOG_SCHEMA_ID,
) -> str:
    """The schema as the committed file's text (stable key order, trailing newline)."""
    schema = catalog_json_schema(model, title=title, mode=mode, schema_id=schema_id)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
