"""Inputs that would exhaust memory or time are refused at once, with their position (defect 9)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from catalog_sync.catalog.yaml_source import parse_yaml
from tests.apply.support import cli

# 341 bytes; expanded, 9**10 scalars.
ALIAS_BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(9)
)


def test_an_alias_bomb_is_reported_and_never_expanded() -> None:
    doc, problems = parse_yaml(ALIAS_BOMB, "bomb.yaml")
    assert {p.code for p in problems} == {"CS107"}
    assert (problems[0].line, problems[0].column) == (1, 4)
    assert doc is not None
    # Each alias is a null leaf: the document has as many nodes as the text has, not 9**10.
    assert len(doc.nodes) < 200


def test_an_alias_bomb_catalog_fails_validation_cleanly(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text("services:\n" + ALIAS_BOMB.replace("\n", "\n  ")[:-2])
    result = cli("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "CS107" in result.output
    assert "Traceback" not in result.output


def test_deep_nesting_is_refused_where_it_goes_too_deep(tmp_path: Path) -> None:
    deep = tmp_path / "catalog.yaml"
    deep.write_text("services: " + "[" * 8000 + "]" * 8000 + "\n")
    result = cli("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "catalog.yaml:1:42: CS105 error: YAML nested more than 32 levels deep" in result.output


def test_an_amount_with_a_huge_exponent_is_too_large_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text(
        "services:\n  - name: S\n    products:\n      - name: P\n        itemCode: p\n"
        "        type: ProductBased\n        price: 1e1000000\n"
    )
    result = cli("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "catalog.yaml:7:16: CS206 error: price: 1E+1000000 is too large" in result.output
    assert "Traceback" not in result.output


def test_a_fifo_named_yaml_is_refused_not_waited_on(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    os.mkfifo(catalog / "services.yaml")
    validate = subprocess.run(
        [sys.executable, "-m", "catalog_sync", "validate", str(catalog)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert validate.returncode == 1
    assert "services.yaml: CS102 error: not a regular file" in validate.stdout


def test_a_device_is_not_called_an_empty_directory() -> None:
    result = cli("validate", "/dev/null")
    assert result.exit_code == 1
    assert "neither a directory nor a regular file" in result.output
    assert "no *.yaml" not in result.output


def test_an_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "catalog.yaml"
    with big.open("wb") as handle:
        handle.truncate(9 * 1024 * 1024)
    result = cli("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "the file is too large to be a catalog file" in result.output
