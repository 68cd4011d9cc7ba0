"""The committed JSON Schema matches the models and is usable by draft-07 editors."""

import json
from typing import Any

from pydantic import Field

from catalog_sync.catalog import catalog_json_schema, render_json_schema
from catalog_sync.catalog.models import CatalogFile
from tests.catalog.files import REPO

COMMITTED = REPO / "schemas" / "catalog.schema.json"


def test_the_committed_schema_is_regenerated_from_the_current_models() -> None:
    # Fails whenever a model changes and `catalog-sync schema` was not run and committed.
    assert COMMITTED.read_text(encoding="utf-8") == render_json_schema()


def test_a_model_change_changes_the_schema() -> None:
    class Changed(CatalogFile):
        """One catalog file."""

        owner: str | None = Field(default=None, description="A field added to the models.")

    rendered = render_json_schema(Changed)
    assert rendered != render_json_schema()
    assert '"owner"' in rendered


def _walk(node: Any) -> list[Any]:
    found = [node]
    if isinstance(node, dict):
        for value in node.values():
            found += _walk(value)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value)
    return found


def test_the_schema_is_draft_07() -> None:
    schema = catalog_json_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    nodes = _walk(schema)
    assert not any(isinstance(n, dict) and ("$defs" in n or "prefixItems" in n) for n in nodes)
    refs = [n["$ref"] for n in nodes if isinstance(n, dict) and "$ref" in n]
    assert refs
    for ref in refs:
        assert ref.startswith("#/definitions/")
        assert ref.removeprefix("#/definitions/") in schema["definitions"]
    # draft-07 ignores a $ref's siblings, so a described $ref must sit under allOf.
    assert all(len(n) == 1 for n in nodes if isinstance(n, dict) and "$ref" in n)


def test_every_field_has_a_description_and_unknown_keys_are_refused() -> None:
    schema = catalog_json_schema()
    for part in (schema, *schema["definitions"].values()):
        assert part["additionalProperties"] is False
        for name, prop in part["properties"].items():
            assert prop.get("description"), name


def test_the_example_catalog_points_at_the_schema() -> None:
    for file in (REPO / "catalogs" / "example").rglob("*.yaml"):
        first = file.read_text(encoding="utf-8").splitlines()[0]
        target = first.removeprefix("# yaml-language-server: $schema=")
        assert (file.parent / target).resolve() == COMMITTED, file
        json.loads(COMMITTED.read_text(encoding="utf-8"))
