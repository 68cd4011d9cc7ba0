"""`validate` as pre-commit calls it: several file names from the repository root, each checked
with its own catalog, and YAML files outside every catalog left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from catalog_sync.cli import main
from tests.catalog.files import SERVICE

COMPOSE = "services:\n  web:\n    image: nginx\n"  # `services:` too, but a mapping
BROKEN = SERVICE.replace("pricePer: Quantity", "pricePer: Quantity\n            colour: red")


def _validate(*args: str) -> Result:
    return CliRunner().invoke(main, ["validate", *args])


def _repo(tmp_path: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_files_at_the_repository_root_are_checked_without_the_yaml_beside_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _repo(
        tmp_path,
        {
            "catalog.yaml": "settings:\n  prune: false\n",
            "a.yaml": SERVICE,
            "b.yaml": SERVICE.replace("Service A", "Service B"),
            "docker-compose.yml": COMPOSE,
        },
        monkeypatch,
    )
    result = _validate("a.yaml", "b.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == "no problems\n"
    # The whole directory is a catalog with a broken file in it: the files alone are not.
    whole = _validate(".")
    assert whole.exit_code == 1
    assert "docker-compose.yml:2:3: CS203" in whole.stdout


def test_each_file_is_checked_in_its_catalog_and_other_yaml_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _repo(
        tmp_path,
        {
            "catalogs/mine/catalog.yaml": "brokers: []\n",
            "catalogs/mine/services/a.yaml": SERVICE,
            "catalogs/mine/services/b.yaml": BROKEN.replace("Service A", "Service B"),
            "catalogs/other/catalog.yaml": SERVICE,
            "docker-compose.yml": COMPOSE,
            ".github/workflows/ci.yml": "on: push\n",
        },
        monkeypatch,
    )
    result = _validate(
        "catalogs/mine/services/a.yaml",
        "docker-compose.yml",
        ".github/workflows/ci.yml",
        "catalogs/other/catalog.yaml",
    )
    assert result.exit_code == 0, result.output
    broken = _validate("catalogs/mine/services/b.yaml", "docker-compose.yml")
    assert broken.exit_code == 1
    assert broken.stdout.splitlines()[0].startswith(
        "catalogs/mine/services/b.yaml:12:13: CS202 error: unknown field 'colour'"
    )
    assert "docker-compose" not in broken.stdout


def test_a_pyproject_section_names_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _repo(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.catalog-sync]\ncatalog = "cat"\n',
            "cat/a.yaml": SERVICE,
            "docker-compose.yml": COMPOSE,
        },
        monkeypatch,
    )
    assert _validate("cat/a.yaml", "docker-compose.yml").exit_code == 0
    assert _validate().exit_code == 0  # `.` means the configured catalog
    (tmp_path / "cat" / "b.yaml").write_text(BROKEN, encoding="utf-8")
    failing = _validate()
    assert failing.exit_code == 1
    assert "cat/b.yaml:12:13: CS202" in failing.stdout


def test_online_resolves_the_names_offline_says_it_did_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("CI", "CLOUDMORE_API_URL", "CLOUDMORE_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    _repo(tmp_path, {"catalog.yaml": SERVICE.replace("[Security]", "[Securty]")}, monkeypatch)
    offline = _validate()
    assert offline.exit_code == 0, offline.output
    assert "names, pinned ids were not checked" in offline.stderr
    online = _validate("--online")  # the built-in emulator's demo seller
    assert online.exit_code == 1, online.output
    assert "CS401" in online.stdout
    assert "Securty" in online.stdout
    assert "not checked" not in online.stderr
