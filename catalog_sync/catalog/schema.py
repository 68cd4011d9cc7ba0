"""The JSON Schema of a catalog file, generated from the models (draft-07, for editors)."""

from __future__ import annotations

import json
from typing import Any, Final, Literal

from pydantic import BaseModel

from catalog_sync.catalog.models import CatalogFile

__all__ = ["SCHEMA_PATH", "catalog_json_schema", "render_json_schema"]

SCHEMA_PATH: Final = "schemas/catalog.schema.json"
"""Where the schema is committed, relative to the repository root."""

_DRAFT_07: Final = "http://json-schema.org/draft-07/schema#"


def catalog_json_schema(
    model: type[BaseModel] = CatalogFile,
    *,
    title: str = "catalog-sync catalog file",
    mode: Literal["validation", "serialization"] = "validation",
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
    result: dict[str, Any] = {
        "$schema": _DRAFT_07,
        "title": title,
        **{key: value for key, value in schema.items() if key != "title"},
        "definitions": definitions,
    }
    converted: dict[str, Any] = _draft_07_refs(result)
    return converted


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
) -> str:
    """The schema as the committed file's text (stable key order, trailing newline)."""
    schema = catalog_json_schema(model, title=title, mode=mode)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
