"""The committed JSON Schemas describe what catalog-sync really reads and writes."""

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from catalog_sync.cli.plan_cmds import render_plan
from catalog_sync.schemas import generated_schemas
from tests.plan.support import EXAMPLE, REPO, plan_on

SCHEMAS = REPO / "schemas"


def _schema(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(loaded)
    return loaded


def test_committed_schemas_are_current() -> None:
    for name, text in generated_schemas().items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, (
            f"run catalog-sync schema ({name})"
        )


@pytest.mark.parametrize("path", sorted(EXAMPLE.rglob("*.yaml")), ids=lambda p: p.name)
def test_every_example_file_matches_the_catalog_schema(path: Path) -> None:
    document = json.loads(json.dumps(YAML(typ="safe").load(path)))
    jsonschema.Draft7Validator(_schema("catalog.schema.json")).validate(document)


def test_a_plan_file_matches_the_plan_schema() -> None:
    plan = json.loads(render_plan(plan_on("demo")[0], "json"))
    jsonschema.Draft7Validator(_schema("plan.schema.json")).validate(plan)


def test_the_catalog_schema_rejects_an_unknown_key() -> None:
    validator = jsonschema.Draft7Validator(_schema("catalog.schema.json"))
    assert not validator.is_valid({"services": [{"name": "x", "categories": ["a"], "nme": 1}]})
