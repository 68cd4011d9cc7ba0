"""`catalog-sync validate` and `catalog-sync schema`, through the real click group."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from catalog_sync.catalog import render_json_schema
from catalog_sync.cli import main
from tests.catalog.files import EXAMPLE, REPO, SERVICE, write_catalog
from tests.catalog.test_loader import MULTI_ERROR


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return write_catalog(
        tmp_path, {"a.yaml": MULTI_ERROR, "b.yaml": "services:\n  - name: [unclosed\n"}
    )


def test_validate_the_example_catalog_exits_0() -> None:
    result = _run("validate", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert result.stdout == "no problems\n"
    assert "names, pinned ids were not checked: `validate --online` checks them" in result.stderr


def test_validate_defaults_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_catalog(tmp_path, {"catalog.yaml": SERVICE})
    monkeypatch.chdir(tmp_path)
    result = _run("validate")
    assert result.exit_code == 0, result.output


def test_validate_reports_every_problem_as_text_and_exits_1(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(broken)
    result = _run("validate", ".")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "a.yaml:13:23: CS303 error: duplicate addon itemCode 'dup' (first defined at"
        " a.yaml:10:23); keys must be unique, ignoring case",
        "a.yaml:17:23: CS306 error: pricePer 'Metered' is not allowed under a ProductBased"
        " product ('pa'); use Subscription or Quantity or Selected",
        "a.yaml:18:9: CS201 error: missing required field 'name'",
        "a.yaml:23:9: CS202 error: unknown field 'colour'",
        "b.yaml:3:1: CS105 error: YAML syntax error: a [list] is not closed with ']', or its"
        " items are not separated by ',' (it starts at line 2)",
        "5 errors, 0 warnings",
    ]
    assert "Traceback" not in result.output


def test_validate_json_output_parses_with_the_documented_fields(broken: Path) -> None:
    result = _run("validate", str(broken), "--format", "json")
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert [(Path(i["file"]).name, i["line"], i["code"]) for i in items] == [
        ("a.yaml", 13, "CS303"),
        ("a.yaml", 17, "CS306"),
        ("a.yaml", 18, "CS201"),
        ("a.yaml", 23, "CS202"),
        ("b.yaml", 3, "CS105"),
    ]
    for item in items:
        assert set(item) == {"file", "line", "column", "code", "severity", "message"}
        assert item["severity"] == "error"


def test_validate_github_output_is_workflow_commands(broken: Path) -> None:
    result = _run("validate", str(broken), "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert all(line.startswith("::error file=") for line in lines)
    assert ",line=13,col=23,title=CS303::duplicate addon itemCode 'dup'" in lines[0]


def test_strict_turns_warnings_into_a_failure(tmp_path: Path) -> None:
    text = SERVICE.replace(
        "pricePer: Quantity", 'pricePer: Quantity\n            price: "1"\n            cost: "2"'
    )
    write_catalog(tmp_path, {"a.yaml": text})
    relaxed = _run("validate", str(tmp_path))
    assert relaxed.exit_code == 0
    assert "CS321 warning: price 1 is below cost 2" in relaxed.output
    assert _run("validate", str(tmp_path), "--strict").exit_code == 1


def test_validate_a_missing_path_is_a_clean_error(tmp_path: Path) -> None:
    result = _run("validate", str(tmp_path / "missing"))
    assert result.exit_code == 1
    # No position: a path that does not exist has no line to point at.
    assert f"{tmp_path / 'missing'}: CS100 error: does not exist" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_schema_check_passes_on_the_committed_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = _run("schema", "--check")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_schema_check_fails_on_a_stale_or_missing_file(tmp_path: Path) -> None:
    assert _run("schema", "--dir", str(tmp_path)).exit_code == 0
    stale = tmp_path / "catalog.schema.json"
    stale.write_text(render_json_schema().replace("The name of the addon.", "Old."), "utf-8")
    (tmp_path / "plan.schema.json").unlink()
    result = _run("schema", "--check", "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert f"{stale.as_posix()} is stale or missing" in result.output
    assert f"{(tmp_path / 'plan.schema.json').as_posix()} is stale or missing" in result.output


def test_schema_writes_the_files(tmp_path: Path) -> None:
    target = tmp_path / "out"
    result = _run("schema", "--dir", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "catalog.schema.json").read_text("utf-8") == render_json_schema()
    plan_schema = json.loads((target / "plan.schema.json").read_text("utf-8"))
    assert plan_schema["title"] == "catalog-sync plan file"
    assert {"formatVersion", "changes", "safety", "target"} <= set(plan_schema["properties"])
    assert _run("schema", "--check", "--dir", str(target)).exit_code == 0
