"""Renames through the CLI, against the built-in emulator (in-process, its state in the
working directory): `movedFrom:` plans one update per renamed object, apply keeps the live id,
and the re-plan is empty and says the line is safe to remove; a rename without it plans a
create and says "this looks like a rename" with the line to add (README, "Renames")."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from catalog_sync.cli import main
from tests.plan.support import EXAMPLE

FIREWALL = "services/managed-firewall.yaml"
API_VARIABLES = (
    "CI",
    "CLOUDMORE_API_URL",
    "CLOUDMORE_ENVIRONMENT",
    "CLOUDMORE_USERNAME",
    "CLOUDMORE_PASSWORD",
    "CLOUDMORE_CLIENT_ID",
    "CLOUDMORE_CLIENT_SECRET",
    "CLOUDMORE_SELLER_ID",
    "GITHUB_STEP_SUMMARY",
)


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example catalog, applied to the built-in emulator's demo data."""
    for name in API_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLE, tmp_path / "catalog")
    result = _cli("apply", "catalog", "--yes")
    assert result.exit_code == 0, result.output
    return tmp_path / "catalog"


def _edit(catalog: Path, old: str, new: str) -> None:
    path = catalog / FIREWALL
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rename(catalog: Path, *, moved_from: bool) -> None:
    service = "  - name: Managed Firewall Pro\n"
    addon = "            itemCode: fw-ips2\n"
    if moved_from:
        service += "    movedFrom: Managed Firewall\n"
        addon += "            movedFrom: fw-ips\n"
    _edit(catalog, "  - name: Managed Firewall\n", service)
    _edit(catalog, "            itemCode: fw-ips\n", addon)


def test_moved_from_renames_a_service_and_an_addon_in_place(applied: Path) -> None:
    _rename(applied, moved_from=True)
    # Written where fmt puts it: right after the key it replaces.
    assert "0 would reformat" in _cli("fmt", "--check", "catalog").stderr
    planned = _cli("plan", "catalog", "--format", "json")
    assert planned.exit_code == 0, planned.output
    changes = json.loads(planned.stdout)["changes"]
    assert [(c["action"], c["address"]) for c in changes] == [
        ("update", 'service["Managed Firewall Pro"]'),
        ("update", 'service["Managed Firewall Pro"].product["fw-site"].addon["fw-ips2"]'),
    ]
    ids = {c["address"]: c["id"] for c in changes}

    result = _cli("apply", "catalog", "--yes")
    assert result.exit_code == 0, result.output
    again = _cli("plan", "catalog", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout
    # The live objects kept their ids, and each movedFrom line is reported safe to remove.
    safe = re.findall(
        r"CS408 warning: movedFrom '([^']+)' is applied: (.+?) is live \(id ([^)]+)\)", again.stderr
    )
    assert {(old, address, id_) for old, address, id_ in safe} == {
        (
            "Managed Firewall",
            'service["Managed Firewall Pro"]',
            ids['service["Managed Firewall Pro"]'],
        ),
        (
            "fw-ips",
            'service["Managed Firewall Pro"].product["fw-site"].addon["fw-ips2"]',
            ids['service["Managed Firewall Pro"].product["fw-site"].addon["fw-ips2"]'],
        ),
    }
    assert f"catalog/{FIREWALL}:4:16: CS408" in again.stderr


def test_a_rename_without_moved_from_says_so_with_the_line_to_add(applied: Path) -> None:
    _rename(applied, moved_from=False)
    planned = _cli("plan", "catalog")
    assert planned.exit_code == 0, planned.output
    assert 'service["Managed Firewall Pro"] will be created' in planned.stdout
    assert (
        'This looks like a rename: service["Managed Firewall Pro"] is created and the live '
        'service["Managed Firewall"]'
    ) in planned.stdout
    assert (
        f'  To rename the live one instead, add this line under service["Managed Firewall Pro"] '
        f"(catalog/{FIREWALL}:3:5):\n    movedFrom: Managed Firewall\n"
    ) in planned.stdout
    assert "1 create looks like a rename." in planned.stdout

    # An addon alone: the hint names the addon's old itemCode.
    _edit(applied, "  - name: Managed Firewall Pro\n", "  - name: Managed Firewall\n")
    addon_only = _cli("plan", "catalog")
    assert "\n    movedFrom: fw-ips\n" in addon_only.stdout, addon_only.output


def test_a_disabled_service_is_named_in_the_summary_line(applied: Path) -> None:
    _edit(
        applied / ".." / "catalog",
        "  - name: Managed Firewall\n",
        "  - name: Managed Firewall Pro\n",
    )
    _edit(applied, "    protect: true\n", "")
    settings = applied / "catalog.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("prune: false", "prune: true"),
        encoding="utf-8",
    )
    planned = _cli("plan", "catalog")
    summary = planned.stdout.rstrip().splitlines()[-1]
    assert 'It disables service["Legacy Hosting"], disables service["Managed Firewall"].' in summary


def test_a_moved_from_that_names_a_key_the_files_use_is_an_error(applied: Path) -> None:
    _edit(
        applied,
        "  - name: Managed Firewall\n",
        "  - name: Managed Firewall\n    movedFrom: Cloud PBX\n",
    )
    for command in ("validate", "plan"):  # the files alone say so
        result = _cli(command, "catalog")
        assert result.exit_code == 1, command
        assert (
            f"catalog/{FIREWALL}:4:16: CS330 error: movedFrom 'Cloud PBX' is the name of "
            "another service in the files (at catalog/services/cloud-pbx.yaml:3:11)"
        ) in result.output, command


def test_a_moved_from_that_names_nothing_live_says_the_object_is_created(applied: Path) -> None:
    _edit(
        applied,
        "  - name: Managed Firewall\n",
        "  - name: Managed Firewall Next\n    movedFrom: Managed Firewall Old\n",
    )
    planned = _cli("plan", "catalog")
    assert planned.exit_code == 0, planned.output
    assert (
        f"catalog/{FIREWALL}:4:16: CS408 warning: movedFrom 'Managed Firewall Old' names no live "
        'service: service["Managed Firewall Next"] will be created'
    ) in planned.stderr
    assert 'service["Managed Firewall Next"] will be created' in planned.stdout


def test_a_webhook_renamed_without_moved_from_gets_a_hint_it_can_follow(applied: Path) -> None:
    """The hint's line must be one the files take: a webhook is keyed by its name, so it
    takes `movedFrom:` as the other keyed kinds do (before, the line was CS202, unknown)."""
    path = applied / "services/google-workspace.yaml"
    text = path.read_text(encoding="utf-8")
    old = "      - name: provision\n"
    assert old in text
    path.write_text(text.replace(old, "      - name: provisioning\n", 1), encoding="utf-8")
    hinted = _cli("plan", "catalog")
    assert "\n    movedFrom: provision\n" in hinted.stdout, hinted.output

    path.write_text(
        text.replace(old, "      - name: provisioning\n        movedFrom: provision\n", 1),
        encoding="utf-8",
    )
    assert _cli("validate", "catalog").exit_code == 0
    planned = _cli("plan", "catalog", "--format", "json")
    assert planned.exit_code == 0, planned.output
    changes = json.loads(planned.stdout)["changes"]
    address = 'service["Google Workspace"].webhook["provisioning"]'
    assert [(c["action"], c["address"]) for c in changes] == [("update", address)]
    assert _cli("apply", "catalog", "--yes").exit_code == 0
    again = _cli("plan", "catalog")
    assert "No changes." in again.stdout
    assert f"movedFrom 'provision' is applied: {address} is live (id {changes[0]['id']})" in (
        again.stderr
    )
