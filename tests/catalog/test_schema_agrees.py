"""The JSON Schema editors use says what `validate` says, in words a seller understands."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
from click.testing import CliRunner
from ruamel.yaml import YAML

from catalog_sync.catalog.schema import CATALOG_SCHEMA_ID
from catalog_sync.cli import main
from tests.apply.test_price_lists import CATALOG as PRICED
from tests.catalog.files import REPO

SCHEMA = json.loads((REPO / "schemas" / "catalog.schema.json").read_text(encoding="utf-8"))
EXAMPLE = REPO / "catalogs" / "example"


def _nodes(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _nodes(value)
    elif isinstance(node, list):
        for value in node:
            found += _nodes(value)
    return found


def _schema_errors(catalog: Path) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA)
    errors: list[str] = []
    for file in sorted(catalog.rglob("*.yaml")):
        document = YAML(typ="safe").load(file.read_text(encoding="utf-8"))
        errors += [f"{file.name}: {error.message}" for error in validator.iter_errors(document)]
    return errors


def test_the_example_passes_the_schema_and_one_five_decimal_price_fails_it_as_validate(
    tmp_path: Path,
) -> None:
    assert _schema_errors(EXAMPLE) == []
    catalog = tmp_path / "example"
    shutil.copytree(EXAMPLE, catalog)
    service = catalog / "services" / "google-workspace.yaml"
    text = service.read_text(encoding="utf-8")
    service.write_text(text.replace('price: "6.00"', 'price: "6.00001"', 1), encoding="utf-8")

    _refused_alike(catalog, "6.00001", "CS206", "6.00001 has more than 4 decimal places")


def _refused_alike(catalog: Path, value: str, code: str, message: str) -> None:
    """One schema error naming ``value``, and validate's ``code`` with ``message``."""
    errors = _schema_errors(catalog)
    assert len(errors) == 1, errors
    assert value in errors[0]
    validated = CliRunner().invoke(main, ["validate", str(catalog)])
    assert validated.exit_code == 1
    assert code in validated.output
    assert message in validated.output


def test_every_pattern_has_a_readable_message() -> None:
    patterned = [node for node in _nodes(SCHEMA) if "pattern" in node]
    assert patterned
    for node in patterned:
        message = node.get("patternErrorMessage", "")
        assert message, node
        assert "^" not in message
        assert "[" not in message or "service[" in message, message


def test_titles_are_plain_words_and_descriptions_speak_to_sellers() -> None:
    titles = [node["title"] for node in _nodes(SCHEMA) if isinstance(node.get("title"), str)]
    assert "Addon" in titles
    assert "Broker contact" in titles
    for title in titles:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9 -]*", title), title
    descriptions = [
        n["description"] for n in _nodes(SCHEMA) if isinstance(n.get("description"), str)
    ]
    for description in descriptions:
        assert not re.search(r"\bseed\b|docs/|\.py\b|\bwire\b", description), description
        assert "\n" not in description


def test_the_schema_id_is_stable() -> None:
    assert SCHEMA["$id"] == CATALOG_SCHEMA_ID == "urn:catalog-sync:schema:catalog-file:v1"


def test_optional_fields_are_one_schema_so_hovers_show_one_title() -> None:
    # yaml-language-server joins an anyOf's branch titles ("Addon || Addon") in its hover.
    choices = [node["anyOf"] for node in _nodes(SCHEMA) if "anyOf" in node]
    for branches in choices:
        assert any("$ref" in branch for branch in branches), branches
    price = SCHEMA["definitions"]["Addon"]["properties"]["price"]
    assert price["type"] == ["string", "integer", "null"]
    validator = jsonschema.Draft7Validator(price)
    assert validator.is_valid("12.50")
    assert validator.is_valid(12)
    assert validator.is_valid(None)
    assert not validator.is_valid("12.50001")
    assert not validator.is_valid(-1)


def test_a_lower_case_currency_key_fails_the_schema_as_it_fails_validate(tmp_path: Path) -> None:
    catalog = tmp_path / "priced"
    catalog.mkdir()
    path = catalog / "catalog.yaml"
    path.write_text(PRICED, encoding="utf-8")
    assert _schema_errors(catalog) == []
    assert CliRunner().invoke(main, ["validate", str(catalog)]).exit_code == 0

    path.write_text(PRICED.replace("SEK:", "sek:", 1), encoding="utf-8")
    _refused_alike(
        catalog, "'sek'", "CS213", "'sek' is not an ISO 4217 currency code (codes are upper case)"
    )
