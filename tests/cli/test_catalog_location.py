"""Where the catalog is, for every command (README, "Where the catalog is"): with
`[tool.catalog-sync] catalog` in pyproject.toml, plan, apply, drift, fmt and export run from
the repository's root with no path on that catalog only; inside a catalog, the nearest
catalog.yaml above is the root; the settings message names the root it used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from catalog_sync.cli import main
from tests.cli.test_renames import API_VARIABLES
from tests.plan.support import EXAMPLE

# Not a catalog file, and not in fmt's layout: neither read nor rewritten by any command.
COMPOSE = "services:\n  web: {image: 'nginx:1',   ports: [ 80 ]}\n"


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in API_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "mine"\n\n[tool.catalog-sync]\ncatalog = "catalogs/mine"\n',
        encoding="utf-8",
    )
    shutil.copytree(EXAMPLE, tmp_path / "catalogs" / "mine")
    (tmp_path / "docker-compose.yml").write_text(COMPOSE, encoding="utf-8")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "broken.yaml").write_text("a: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_command_takes_the_configured_catalog(repository: Path) -> None:
    planned = _cli("plan")
    assert planned.exit_code == 0, planned.output
    assert planned.stdout.startswith("Plan for catalogs/mine against ")

    applied = _cli("apply", "--yes")
    assert applied.exit_code == 0, applied.output
    assert "from catalogs/mine: 22 done, 0 failed" in applied.stdout

    drift = _cli("drift")
    assert drift.exit_code in (0, 2), drift.output
    assert drift.stdout.startswith("Drift of catalogs/mine against ")

    checked = _cli("fmt", "--check")
    assert checked.exit_code == 0, checked.output
    assert "8 catalog file(s): 0 would reformat" in checked.stderr
    formatted = _cli("fmt")
    assert formatted.exit_code == 0, formatted.output
    assert "docker-compose" not in formatted.output
    assert (repository / "docker-compose.yml").read_text(encoding="utf-8") == COMPOSE
    assert "broken.yaml" not in planned.output + applied.output + drift.output

    refused = _cli("export")
    assert refused.exit_code == 1
    assert "catalogs/mine is not empty" in refused.stderr
    # export --force keeps catalog files no export wrote (README, export): the example's
    # hand-written service files would repeat keys of the exported ones, so they go first.
    shutil.rmtree(repository / "catalogs" / "mine" / "services")
    exported = _cli("export", "--force")
    assert exported.exit_code == 0, exported.output
    assert "to catalogs/mine" in exported.stderr
    assert (repository / "catalogs" / "mine" / "catalog.schema.json").is_file()
    assert not (repository / "catalog.yaml").exists()
    assert (repository / "docker-compose.yml").read_text(encoding="utf-8") == COMPOSE


def test_inside_a_catalog_the_nearest_catalog_yaml_above_is_its_root(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository / "catalogs" / "mine" / "services")
    planned = _cli("plan")
    assert planned.exit_code == 0, planned.output
    assert planned.stdout.startswith("Plan for .. against ")


def test_the_settings_message_names_the_root_it_used(repository: Path) -> None:
    planned = _cli("plan", "catalogs")
    assert planned.exit_code == 1
    assert (
        "catalogs/mine/catalog.yaml:4:3: CS310 error: settings belong in catalog.yaml at the "
        "catalog root, and the root used is catalogs (so this file is mine/catalog.yaml): move "
        "them to catalogs/catalog.yaml, or give the catalog's own directory"
    ) in planned.stderr


def test_a_baseline_that_is_a_repository_root_stands_for_its_configured_catalog(
    repository: Path,
) -> None:
    """The base branch checked out whole (`--baseline ../base`) is read as PATH is: its
    pyproject.toml names the catalog; its docker-compose.yml and deploy/ are not read."""
    base = repository.parent / f"{repository.name}-base"
    shutil.copytree(repository, base)
    planned = _cli("plan", "--baseline", str(base))
    assert planned.exit_code == 0, planned.output
    assert "docker-compose" not in planned.output
    assert "broken.yaml" not in planned.output
