"""Errors that say what happened (docs/diagnostics.md): a file that is not a catalog, a path
that does not exist (no fake position), errors and warnings counted apart, schema and YAML
findings in the catalog's words, and no catalog at all outside one (never a scan of every
YAML file below the working directory)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from catalog_sync.cli import main
from tests.cli.test_renames import API_VARIABLES
from tests.golden import assert_golden
from tests.plan.support import REPO

PLAIN_WORDS = "tests/cli/catalogs/plain_words"


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(autouse=True)
def _no_api(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in API_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_a_markdown_file_is_not_a_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("# Catalog\n\nSome: text\n- and a list\n", "utf-8")
    result = _cli("plan", "README.md")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "README.md: CS112 error: not a catalog: catalog files are *.yaml or *.yml"
    )
    assert "CS105" not in result.stderr
    # validate too, inside a catalog, where a file it is given is checked with its catalog.
    (tmp_path / "catalog.yaml").write_text("brokers: []\n", encoding="utf-8")
    validated = _cli("validate", "README.md")
    assert validated.exit_code == 1
    assert validated.stdout.startswith("README.md: CS112 error: not a catalog")


def test_a_missing_path_does_not_exist_and_has_no_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for command in ("plan", "validate", "drift"):
        result = _cli(command, "catalogs/nope")
        assert result.exit_code == 1, command
        assert "catalogs/nope: CS100 error: does not exist" in result.output, command
        assert ":1:1" not in result.output
    json_out = _cli("validate", "catalogs/nope", "--format", "json")
    assert '"line": null' in json_out.stdout


def test_errors_and_warnings_are_counted_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # One error (an empty category list) and one warning (a price below its cost).
    (tmp_path / "catalog.yaml").write_text(
        "services:\n"
        "  - name: A\n"
        "    categories: []\n"
        "  - name: B\n"
        "    categories: [Security]\n"
        "    products:\n"
        "      - {name: P, itemCode: p, type: ProductBased, price: '1', cost: '2'}\n",
        encoding="utf-8",
    )
    result = _cli("plan")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "1 error, 1 warning\nerror: the catalog has 1 error and 1 warning\n"
    )


def test_schema_and_yaml_findings_are_said_in_the_catalogs_words() -> None:
    with contextlib.chdir(REPO):
        result = _cli("validate", PLAIN_WORDS)
    assert result.exit_code == 1
    assert_golden("diagnostics/plain_words.txt", result.stdout)
    for raw in ("input should be", "expected <block end>", "found unexpected end of stream"):
        assert raw not in result.stdout


def test_outside_every_catalog_plan_says_there_is_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    for index in range(3):
        (tmp_path / f"deploy{index}").mkdir()
        (tmp_path / f"deploy{index}" / "compose.yaml").write_text("a: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for command in ("plan", "validate", "fmt"):
        result = _cli(command)
        assert result.exit_code == 1, command
        (finding, *_) = result.output.splitlines()
        assert finding.startswith(f"{tmp_path.resolve().as_posix()}: CS111 error: no catalog here")
        assert "compose.yaml" not in result.output
